/* sipkb knowledge base: loading the KB key files and looking up response codes.
 *
 * Wireshark-free: plain GLib. The KB is a stack of layers (generic RFC meaning,
 * then a provider profile, then user overrides); a lookup returns the merged
 * entry and says which layer each text came from. Some texts depend on the request the
 * response answers (its CSeq method, whether it carried an SDP offer or credentials, whether it
 * was inside a dialog, the event package of its Event header): the sipkb_kb_entry_* functions
 * pick the ones that apply.
 */
#ifndef SIPKB_KB_H
#define SIPKB_KB_H

#include <glib.h>

G_BEGIN_DECLS

/* Where a text came from, lowest priority first. */
typedef enum {
    SIPKB_LAYER_GENERIC = 0,
    SIPKB_LAYER_PROVIDER,
    SIPKB_LAYER_USER,
    SIPKB_LAYER_COUNT
} sipkb_layer;

/* When a cause or advice line applies (its cause.N.for or advice.N.for list); opaque. */
typedef struct sipkb_kb_condition sipkb_kb_condition;
/* The request-specific texts of an entry (summary.METHOD, meaning.no_offer, ...); opaque. */
typedef struct sipkb_kb_variants sipkb_kb_variants;

/* One response code (or one class, code 1..6) after layering. Strings are owned by the KB.
 * summary, meaning, causes and advice are the texts for any request; show the ones that apply
 * to a message with the sipkb_kb_entry_* functions below. */
typedef struct sipkb_response_entry {
    unsigned code;                               /* 100..699, or 1..6 for a class entry */
    const char *reason;                          /* the standard reason phrase, or the class name */
    const char *summary;                         /* one line: expert item, Info column */
    const char *meaning;                         /* what the code means */
    const char *const *causes;                   /* NULL-terminated, most likely first */
    const char *const *advice;                   /* NULL-terminated, what to check next */
    const char *provider_note;                   /* NULL when no profile has one */
    const char *const *provider_note_domains;    /* "domains" of the file that gave the note
                                                    (NULL: it names none, the note applies to
                                                    every message) */
    const sipkb_kb_condition *provider_note_for; /* its provider_note.for; NULL: always */
    const char *reference;                       /* defining RFC and section */
    sipkb_layer meaning_layer;                   /* layer that supplied summary and meaning */
    sipkb_layer causes_layer;                    /* layer that supplied the causes */
    sipkb_layer advice_layer;                    /* layer that supplied the advice */
    const sipkb_kb_condition *const *cause_for;  /* parallel to causes; a NULL item: always */
    const sipkb_kb_condition *const *advice_for; /* parallel to advice */
    const sipkb_kb_variants *variants;           /* NULL when the entry has none */
} sipkb_response_entry;

typedef struct sipkb_kb sipkb_kb;

/* Error domain of the loader: messages name the source, the section and the problem. */
#define SIPKB_KB_ERROR (sipkb_kb_error_quark())
GQuark sipkb_kb_error_quark(void);
typedef enum { SIPKB_KB_ERROR_PARSE, SIPKB_KB_ERROR_INVALID } sipkb_kb_error_code;

sipkb_kb *sipkb_kb_new(void);
void sipkb_kb_free(sipkb_kb *kb);

/* Parses one KB file's text and stacks it as `layer`. `source_name` names the file in errors.
 * The generic layer must define all six classes; every layer's entries are validated in
 * full before any of them is applied, so a broken file leaves the KB as it was. */
gboolean sipkb_kb_add_layer(sipkb_kb *kb, sipkb_layer layer, const char *data, gsize length,
                            const char *source_name, GError **error);

/* Empties one layer (e.g. when a profile is switched off). */
void sipkb_kb_clear_layer(sipkb_kb *kb, sipkb_layer layer);

/* The entry for `code`: the code's own, else its class's (with *is_class_fallback set).
 * NULL when the code is outside 100..699 or the KB has no such class. */
const sipkb_response_entry *sipkb_kb_response(const sipkb_kb *kb, unsigned code,
                                              gboolean *is_class_fallback);

/* The class entry (1xx..6xx) of `code`, or NULL. */
const sipkb_response_entry *sipkb_kb_class(const sipkb_kb *kb, unsigned code);

/* "kb_version" of the given layer's file, or NULL when the layer is empty. */
const char *sipkb_kb_version(const sipkb_kb *kb, sipkb_layer layer);
/* "name" of the given layer's file, or NULL. */
const char *sipkb_kb_name(const sipkb_kb *kb, sipkb_layer layer);

/* "domains" of the given layer's file (the SIP domains and realms a provider serves), a
 * NULL-terminated list, or NULL when it gives none. */
const char *const *sipkb_kb_domains(const sipkb_kb *kb, sipkb_layer layer);

/* ---- the texts that apply to one response ----------------------------------------------- */

typedef enum {
    SIPKB_KB_SUMMARY,
    SIPKB_KB_MEANING,
    SIPKB_KB_CAUSES,
    SIPKB_KB_ADVICE,
} sipkb_kb_part;

/* Whether to take the request as carrying an SDP offer: `offer_seen` (the capture shows the
 * offer), or a method that may carry one (RFC 3264: INVITE, UPDATE, PRACK, ACK; also an unknown
 * method) whose offer may lie outside the capture. */
gboolean sipkb_kb_offer_assumed(const char *method, gboolean offer_seen);

/* A fact about the request a response answers, as far as the capture shows it. */
typedef enum {
    SIPKB_KB_UNKNOWN = 0, /* the request is not in the capture: every condition on it holds */
    SIPKB_KB_NO,
    SIPKB_KB_YES,
} sipkb_kb_fact;

/* The request a response answers, as the cause.N.for and advice.N.for conditions read it. */
typedef struct {
    const char *method;              /* its CSeq method; NULL when unknown (no method condition) */
    gboolean offer;                  /* sipkb_kb_offer_assumed() */
    sipkb_kb_fact credentials;       /* it carried Authorization or Proxy-Authorization */
    sipkb_kb_fact in_dialog;         /* its To header had a tag (RFC 3261 section 12.2.1.1) */
    const char *const *names;        /* the hosts and digest realms of the response and its request
                                        (Request-URI, To and From hosts, realms), NULL-terminated;
                                        NULL when none is known */
    sipkb_kb_fact outside_dialog;    /* it had a To tag, but the capture shows its call's INVITE
                                        failed and none succeeded: no dialog existed (finding
                                        dialog.outside) */
    sipkb_kb_fact callerid_mismatch; /* its From user differed from its digest username */
    sipkb_kb_fact dns_failure;       /* the response's reason phrase or Warning says a DNS lookup
                                        failed (sipkb_dns_words_say_failure(), RFC 3263) */
    sipkb_kb_fact expires_zero;      /* its Expires header was 0: a SUBSCRIBE that ends its
                                        subscription or fetches the state once (RFC 6665
                                        section 4.1.2.3), a REGISTER that removes bindings
                                        (RFC 3261 section 10.2.2) */
    const char *event;               /* the event type of its Event header (sipkb_kb_event_type():
                                        "message-summary", "presence.winfo"); "" when it had
                                        none; NULL when the request is not in the capture (no
                                        event condition) */
} sipkb_kb_situation;

/* The event type of an Event header value (RFC 6665 sections 7.2.1, 8.2.1): the package and its
 * templates before any parameter ("presence.winfo" of "Presence.winfo;id=7"), without the
 * whitespace around it, in lower case, as the KB's event= conditions compare it (without case).
 * "" for NULL or a value without one. Free with g_free(). */
char *sipkb_kb_event_type(const char *event_header);

/* SIPKB_KB_SUMMARY or SIPKB_KB_MEANING for a response in `situation`, the first that the
 * entry has of: the text for a request outside any dialog (meaning.outside_dialog, when
 * outside_dialog is YES), for its method with Expires: 0 (meaning.SUBSCRIBE.expires_0, when
 * expires_zero is YES), for its method inside a dialog (meaning.INVITE.in_dialog, when
 * in_dialog is YES), for its method (meaning.INVITE), for any request inside a dialog
 * (meaning.in_dialog), for a request without an offer (meaning.no_offer, when !offer), else
 * the entry's own. */
const char *sipkb_kb_entry_text(const sipkb_response_entry *entry, sipkb_kb_part part,
                                const sipkb_kb_situation *situation);

/* SIPKB_KB_CAUSES or SIPKB_KB_ADVICE that apply to a response in `situation`, in order. Free
 * with g_ptr_array_unref(); the strings are the KB's. */
GPtrArray *sipkb_kb_entry_lines(const sipkb_response_entry *entry, sipkb_kb_part part,
                                const sipkb_kb_situation *situation);

/* Whether the entry's provider note concerns a response in `situation`: its provider_note.for
 * (read like cause.N.for) must hold, and then always when the file that gave the note names no
 * domains; otherwise when one of the situation's names equals one of its domains, or ends in
 * ".example.net" for a domain "*.example.net" (without case). */
gboolean sipkb_kb_entry_note_applies(const sipkb_response_entry *entry,
                                     const sipkb_kb_situation *situation);

/* The provider note for a response whose request had From user `from_user` and digest username
 * `auth_user` (NULL when unknown): provider_note.callerid when the two differ (the analyzer's
 * comparison) and the entry has one, else provider_note; NULL when none. A template: fill its
 * {callerid.from_user} and {callerid.auth_user} from the message's findings. */
const char *sipkb_kb_entry_note(const sipkb_response_entry *entry, const char *from_user,
                                const char *auth_user);

/* The codes that have an entry of their own, ascending: statistics, tests, and the per-code
 * expert infos (register.c). */
GArray *sipkb_kb_codes(const sipkb_kb *kb);

G_END_DECLS

#endif /* SIPKB_KB_H */
