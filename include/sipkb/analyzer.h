/* The analyzer: every decision sipkb makes, in one Wireshark-free place.
 *
 * It is fed the SIP messages of a capture in frame order (the first pass), and its DNS
 * messages among them, owns what spans messages (transactions, challenges, dialogs' offers and
 * answers, the DNS lookups that failed) and returns one result per SIP message: the findings,
 * each an item of the findings table with its value, in the order the tree shows them. A result
 * never changes after its message was added; what needs the whole capture (a challenge nobody
 * answered, a request without a final response, the retry that answered a challenge) is
 * decided by sipkb_analyzer_finish() into each result's late items.
 */
#ifndef SIPKB_ANALYZER_H
#define SIPKB_ANALYZER_H

#include <glib.h>

#include "sipkb/dns.h"
#include "sipkb/findings.h"
#include "sipkb/kb.h"
#include "sipkb/message.h"

G_BEGIN_DECLS

/* One finding of one message and its value (the findings table says which member). */
typedef struct {
    guint16 finding; /* sipkb_finding */
    guint8 variant;  /* 0, or which of the finding's text.N templates words it; for a cause
                        (SIPKB_F_CAUSE): N when it says again the generic KB's cause.N of the
                        response's code (sipkb_result_drop_restated()) */
    union {
        guint32 number;     /* FLAG (1), FRAME, NUMBER */
        const char *text;   /* TEXT: owned by the analyzer */
        gint64 nanoseconds; /* DURATION, TIME */
    } value;
} sipkb_item;

typedef enum {
    SIPKB_MESSAGE_OTHER, /* neither a Request-Line nor a Status-Line was read */
    SIPKB_MESSAGE_REQUEST,
    SIPKB_MESSAGE_RESPONSE,
    SIPKB_MESSAGE_QUOTED, /* a request or response quoted inside an ICMP error */
} sipkb_message_kind;

/* Facts about a message that taps and statistics count (sipkb_result.facts). */
enum {
    SIPKB_FACT_TRACKED = 1 << 0,       /* matched to its transaction: request_frame is set */
    SIPKB_FACT_EXPECTS_FINAL = 1 << 1, /* a request's first copy that wants a final response */
    SIPKB_FACT_FINAL = 1 << 2,         /* a final response (200 or more) of a transaction */
    SIPKB_FACT_CHALLENGE = 1 << 3,     /* a 401/407 kept as challenge_frame's challenge */
    SIPKB_FACT_RELAYED = 1 << 4,       /* a response a proxy relayed: its downstream copy, earlier
                                          in the capture, is the same response */
};

typedef struct {
    guint32 frame;
    gint start, length;      /* as in the message */
    guint32 request_frame;   /* the first copy of the request (of a response's transaction) */
    guint32 challenge_frame; /* 401/407: the challenge; requests: the challenge they answer */
    guint8 facts;            /* SIPKB_FACT_* */
    sipkb_message_kind kind;
    guint32 status_code;          /* responses */
    const char *method;           /* requests: the method; responses: the CSeq method */
    const char *reason_phrase;    /* responses */
    sipkb_severity severity;      /* the highest of the message's expert items */
    sipkb_kb_situation situation; /* responses: the request they answer, for the KB's texts */
    const char *summary;          /* responses: the line their first cause sums them up in
                                     (sipkb_findings_text_summary(); a relay's cause, which says
                                     who generated it, not why, aside), or NULL: the KB's
                                     summary for the situation */
    guint n_items;
    const sipkb_item *items; /* decided when the message was added */
    guint n_late;
    const sipkb_item *late; /* decided by the last sipkb_analyzer_finish() */
} sipkb_result;

typedef struct sipkb_analyzer sipkb_analyzer;

/* `findings` gives the texts the analyzer words (outcomes, causes); `kb` the response codes.
 * Both must outlive the analyzer. */
sipkb_analyzer *sipkb_analyzer_new(const sipkb_findings_table *findings, const sipkb_kb *kb);
void sipkb_analyzer_free(sipkb_analyzer *analyzer);

/* The first pass: one message, after every message of earlier frames and earlier in its frame.
 * Returns its result (owned by the analyzer). */
const sipkb_result *sipkb_analyzer_add(sipkb_analyzer *analyzer, const sipkb_message *message);

/* The first pass, for a DNS message: in frame order with the SIP messages, so that a response
 * whose server says a lookup failed can name the DNS answers before it that failed. DNS
 * messages get no result of their own. */
void sipkb_analyzer_add_dns(sipkb_analyzer *analyzer, const sipkb_dns_message *dns);

/* Decides the whole-capture findings from all messages added so far (again when more were
 * added since the last call). */
void sipkb_analyzer_finish(sipkb_analyzer *analyzer);

/* Has a message been added since the last sipkb_analyzer_finish()? */
gboolean sipkb_analyzer_needs_finish(const sipkb_analyzer *analyzer);

/* The results of one frame's messages, in order; returns how many (0: none). */
guint sipkb_analyzer_results(const sipkb_analyzer *analyzer, guint32 frame,
                             const sipkb_result *const **results);

/* Every item of a result, in the order shown: its first-pass items, then its late ones.
 * `index` runs from 0 to sipkb_result_n_all() - 1. */
static inline guint
sipkb_result_n_all(const sipkb_result *result)
{
    return result->n_items + result->n_late;
}

static inline const sipkb_item *
sipkb_result_item(const sipkb_result *result, guint index)
{
    return index < result->n_items ? &result->items[index] : &result->late[index - result->n_items];
}

/* The first item of `finding` in a result (its first-pass items, then its late ones), or
 * NULL. */
const sipkb_item *sipkb_result_find(const sipkb_result *result, sipkb_finding finding);

/* A template of the findings table filled from a result: {finding.name} is that item's value
 * (the first), {code} and {method} the message's, {reason} and {summary} the KB's words for
 * its code (given by the caller, which knows the KB in use). Appends to `out`. */
void sipkb_result_render(const sipkb_findings_table *table, const sipkb_result *result,
                         const char *template_text, const char *reason, const char *summary,
                         GString *out);

/* Removes from `kb_causes` (the KB's cause lines of `entry`, the response's code, as
 * sipkb_kb_entry_lines() gives them) the ones that a cause of the result, worded from the
 * evidence of the capture, says again: each cause is shown once. */
void sipkb_result_drop_restated(const sipkb_result *result, const sipkb_response_entry *entry,
                                GPtrArray *kb_causes);

/* Whether the subtree of the result's item `index` (as sipkb_result_item()) shows open: when
 * an item in it is a Note or worse, or, for a finding whose `open` is failure, when the message
 * failed. What is normal stays closed. */
gboolean sipkb_result_item_opens(const sipkb_findings_table *table, const sipkb_result *result,
                                 guint index);
/* The title of a request's or quoted message's sipkb item (and its verdict), appended to
 * `out`: the message named (a request by its method; a response quoted in an ICMP error by its
 * code and the method it answers, "100 to REGISTER": RFC 3261 section 17.2.4, a response that
 * did not reach its client, is no request), then the `header` words of its findings in order
 * (" retransmitted", " quoted in an ICMP error"). Returns FALSE, appending nothing, for a live
 * response (its title is its code and what the KB or the evidence says of it) or a message that
 * is neither a request nor a response. */
gboolean sipkb_result_title(const sipkb_findings_table *table, const sipkb_result *result,
                            GString *out);

/* The message's arrow in sipkb's ladder (the Flow Graph "SIP with sipkb verdicts"). Appends to
 * `label` the arrow's label: the method, or the code and its reason phrase in `kb` (the code
 * alone where the KB does not register it);
 * to `comment` the method or the code, then " - " and the ladder words of its most telling
 * finding: the most severe of its items (late ones included) whose finding has ladder words in
 * the findings table, the first of equals. Returns FALSE, appending nothing, for a message that
 * has no arrow: one quoted in an ICMP error, or neither a request nor a response. */
gboolean sipkb_result_ladder(const sipkb_findings_table *table, const sipkb_kb *kb,
                             const sipkb_result *result, GString *label, GString *comment);

G_END_DECLS

#endif /* SIPKB_ANALYZER_H */
