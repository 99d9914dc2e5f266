/* What the analyzer's rule files share (internal to plugin/core/): the analyzer's state, the
 * message being decided, and how a rule adds an item to its result.
 */
#ifndef SIPKB_CORE_ANALYZER_INTERNAL_H
#define SIPKB_CORE_ANALYZER_INTERNAL_H

#include "sipkb/analyzer.h"
#include "sipkb/diagnosis.h"
#include "sipkb/dns.h"
#include "sipkb/sdp.h"

/* ---- state that spans messages -------------------------------------------------------------- */

typedef struct challenge challenge;

/* A request as sent by its client on one hop, retransmissions included (RFC 3261 section 17). */
typedef struct transaction {
    guint32 first_frame;
    gint64 first_time_ns;
    sipkb_result *first_result; /* the first copy's result, for whole-capture findings */
    const char *method;         /* CSeq method, interned */
    guint retransmissions;      /* copies after the first on this hop */
    struct request_group *group;
    const char *hop;           /* "source:port>destination:port" of its first copy, interned */
    const char *branch;        /* its request key (transactions.c request_key()): the top Via
                                  branch of its first copy, or for a top Via without the
                                  z9hG4bK cookie the RFC 2543 fields; interned */
    const char *top_via;       /* its top Via (transport, sent-by, branch), interned: what a
                                  response without the z9hG4bK cookie is matched by */
    const char *from_tag;      /* interned */
    guint32 provisional_frame; /* the first 1xx, 0 if none */
    guint32 final_frame;       /* 0 until a final response is seen */
    guint32 final_code;
    gint64 final_time_ns;
    sipkb_result *final_result;    /* the first final response's result, for whole-capture
                                      findings */
    gboolean final_undelivered;    /* an ICMP error quotes its final response */
    guint32 transport_error_frame; /* an ICMP error quoting it, 0 if none */
    guint32 cancel_frame;          /* INVITE: the CANCEL of this transaction, 0 if none */
    gint64 cancel_time_ns;
    gboolean expects_response; /* every request but ACK */
    gboolean has_credentials;
    sipkb_callerid_result callerid;
    const char *from_user;           /* interned */
    const char *digest_username;     /* interned */
    const char *credentials_nonce;   /* interned */
    const char *credentials_realm;   /* interned */
    const char *nonce_seen_before;   /* the latest nonce the server gave this client when it was
                                        sent: of the latest challenge, or the nextnonce of a
                                        2xx after it */
    guint32 nonce_seen_in;           /* the frame that gave it */
    gboolean nonce_seen_is_next;     /* given as a nextnonce (Authentication-Info) */
    guint32 nonce_accepted_in;       /* a 2xx before it that accepted credentials of the same
                                        username and realm on the same nonce, or 0 */
    challenge *answered;             /* the latest challenge when its credentials were made */
    struct transaction *same_branch; /* the next transaction of its group and request key (another
                                        hop), or NULL */
    struct transaction *next_in_group;
    /* The transaction first sent on its hop before it. */
    struct transaction *earlier_on_hop;
    guint32 ack_frame;          /* INVITE: an ACK of its CSeq on the same hop */
    guint8 ack_kind;            /* INVITE: what that first ACK's branch shows (ack_kind) */
    guint32 matching_ack_frame; /* INVITE: such an ACK with its branch too, the ACK of a
                                   non-2xx final response (RFC 3261 section 17.1.1.3) */
    gint64 last_copy_time_ns;   /* its latest copy on this hop (the first or a retransmission) */
    guint32 tagged_frame;       /* INVITE without a To tag: the client's first later request of
                                   the call on the same hop with a To tag (not ACK), 0 if none */
    const char *tagged_to_tag;  /* that request's To tag, interned */
    guint32 next_request_frame; /* INVITE: the client's first new request of the call on the
                                   same hop after the final response, 0 if none */
    struct transaction *next_invite_of_call;
    gboolean outside_dialog;    /* decided dialog.outside: a To tag, and no dialog exists */
    guint32 dialog_ended_by;    /* then: the final response that ended the call's INVITE */
    struct transaction *cancel; /* INVITE: the CANCEL's transaction, or NULL */
    gboolean in_dialog;         /* its first copy had a To tag */
    gboolean expires_zero;      /* its first copy had Expires: 0 */
    const char *request_uri;    /* of its first copy, interned */
    const char *request_uri_user;
    const char *request_uri_host;
    guint32 cseq_last;             /* dialog.cseq_lower: its sender's higher CSeq in the dialog
                                      before it (dialog-cseq.c), 0 if it was in order */
    guint32 cseq_last_frame;       /* the request that carried that number */
    const char *cseq_last_method;  /* interned */
    const char *event;             /* its event type (sipkb_kb_event_type()), interned; "" when
                                      it had no Event header */
    sipkb_rechallenge rechallenge; /* of the challenge this request received, if one */
} transaction;

/* What an INVITE's first ACK on its hop shows (RFC 3261 sections 13.2.2.4 and 17.1.1.3). */
typedef enum {
    ACK_KIND_NONE,
    ACK_KIND_SAME_BRANCH, /* the INVITE's branch: the ACK of a 300-699 final response */
    ACK_KIND_NEW_BRANCH,  /* another branch: the ACK of a 2xx, a transaction of its own */
    ACK_KIND_NO_COOKIE,   /* no z9hG4bK branch (RFC 2543): the ACK of some final response */
} ack_kind;

/* A request across every hop it travels (same Call-ID, CSeq number and method). */
typedef struct request_group {
    const char *call_id; /* interned */
    const char *method;  /* interned */
    guint32 cseq;
    guint retransmissions;
    guint32 first_frame;
    guint32 final_frame;              /* a final response on any leg, 0 if none */
    struct transaction *transactions; /* its legs, latest first (next_in_group) */
} request_group;

/* One 401/407 challenge. */
struct challenge {
    guint32 challenge_frame;
    gint64 time_ns;
    sipkb_rechallenge rechallenge; /* what this challenge was: first, stale, rejected ... */
    GSList *results; /* of the challenge and its resends: their whole-capture findings */
    guint32 request_frame;
    guint32 answered_in;    /* the retry with credentials; 0 until seen */
    const char *nonce;      /* interned */
    const char *next_nonce; /* interned: the nextnonce of a later 2xx (Authentication-Info,
                               RFC 2617 section 3.2.3), the server's newest nonce */
    guint32 next_nonce_frame;
    struct challenge *relay_of; /* a relayed challenge: its downstream copy, answered with it */
    gboolean relayed;           /* a proxy relayed it: the relayed copy carries its verdict */
};

/* One DNS lookup, a name and type, as its latest answer in the capture left it (dns.c). */
typedef struct {
    const char *name;      /* interned, lower case, without a trailing dot */
    guint32 type;          /* QTYPE */
    const char *type_name; /* interned mnemonic, or NULL */
    guint32 frame;         /* its latest answer */
    sipkb_dns_failure failure;
} dns_lookup;

struct sipkb_analyzer {
    const sipkb_findings_table *findings;
    const sipkb_kb *kb;
    GStringChunk *strings; /* every text a result holds, each kept once */
    GSList *blocks;        /* memory of results and items, freed with the analyzer */
    gsize block_free;
    guint8 *block_next;

    GArray *frame_first;      /* frame number -> index + 1 of its first result (0: none) */
    GPtrArray *results;       /* every result, in the order added */
    GHashTable *groups;       /* request_group -> itself */
    GHashTable *transactions; /* (group, branch or RFC 2543 key) -> transaction */
    GHashTable *challenges;   /* (Call-ID, method) -> latest challenge */
    GPtrArray *all_challenges;
    GPtrArray *all_transactions;
    GHashTable *offers;    /* Call-ID -> pending offer (offer-answer.c) */
    GHashTable *nat_peers; /* "address:port" of a client behind NAT -> first frame (via.c) */
    GHashTable *branchless_senders; /* "address:port" sending top Vias without branch -> first
                                       frame (via.c) */
    GHashTable *accepted_pairs;     /* "from user\ndigest user" -> frame of a 2xx (auth.c) */
    GHashTable *accepted_nonces;    /* "realm\nusername\nnonce" -> frame of the first 2xx to
                                       credentials on that nonce (auth.c) */
    GHashTable *calls;              /* Call-ID -> what its INVITEs ended with (transactions.c) */
    GHashTable *hops;               /* "source:port>destination:port" -> the latest transaction
                                       first sent on it (transactions.c) */
    GHashTable *registrations;      /* "user@host" address-of-record -> its bindings
                                       (registrations.c) */
    GHashTable *relayable;          /* (Call-ID, CSeq, status code) -> the responses with two Vias
                                       or more, which a proxy may relay (relays.c) */
    GHashTable *cseq_marks;         /* (Call-ID, From tag, To tag, sender) -> the highest CSeq
                                       number sent in it (dialog-cseq.c) */
    GHashTable *dns_lookups;        /* "name\ttype" -> dns_lookup (dns.c) */
    GHashTable *dns_hosts;          /* host -> the lookups of its names (dns.c) */
    GArray *dns_failures;           /* every failed answer, in capture order (dns.c) */
    guint32 dns_messages;           /* DNS messages added */
    gint64 last_time_ns;            /* of the latest message added */
    gboolean needs_finish;
    gboolean finished_once;
};

/* ---- the message being decided -------------------------------------------------------------- */

/* The downstream copy a proxy relayed a response from (relays.c). */
typedef struct {
    guint32 frame;            /* 0: the response is no relay */
    const char *generated_by; /* "address:port" of the element that generated it, or NULL */
} relay_source;

typedef struct {
    sipkb_analyzer *analyzer;
    const sipkb_message *msg;
    sipkb_result *result;
    GArray *items;           /* sipkb_item, in the order shown */
    transaction *txn;        /* requests and responses matched to one */
    gboolean retransmission; /* requests: a copy of txn->first_frame */
    challenge *answered;     /* requests: the challenge these credentials answer */
    relay_source relay;      /* responses: the copy a proxy relayed this one from */
} decision;

/* Adding items to the message's result. Texts are copied. */
sipkb_item *decide_item(decision *d, sipkb_finding finding);
void decide_flag(decision *d, sipkb_finding finding, guint8 variant);
void decide_number(decision *d, sipkb_finding finding, guint32 number); /* NUMBER, FRAME */
sipkb_item *decide_text(decision *d, sipkb_finding finding, const char *text);
void decide_nanoseconds(decision *d, sipkb_finding finding,
                        gint64 nanoseconds); /* DURATION, TIME */

static inline void
decide_frame(decision *d, sipkb_finding finding, guint32 frame)
{
    decide_number(d, finding, frame);
}

/* A [text NAME] template of the findings table filled from `names`/`values` (n pairs). */
char *decide_words(const decision *d, const char *text_name, const char *const *names,
                   const char *const *values, guint n);

/* A text worded from the [text NAME] template `text_name` (by decide_words()); a cause that
 * says again one of the generic KB's causes for this response code (the template's `restates`)
 * names it in the item's variant. */
void decide_worded_text(decision *d, sipkb_finding finding, const char *text_name,
                        const char *text);

/* A cause worded from the [text NAME] template `text_name` with these words (as
 * decide_worded_text()). A response's first cause sums the response up when its template has a
 * `summary`: filled with the same words, it becomes the result's summary. */
void decide_cause(decision *d, const char *text_name, const char *const *names,
                  const char *const *values, guint n);

/* A text kept as long as the analyzer (interned). */
const char *analyzer_keep(sipkb_analyzer *analyzer, const char *text);

/* Memory that lives as long as the analyzer. */
gpointer analyzer_alloc(sipkb_analyzer *analyzer, gsize size);

/* ---- the rule files ------------------------------------------------------------------------- */

/* transactions.c: matches the message to its transaction (RFC 3261 section 17.1.3, 17.2.3);
 * retransmissions, CANCEL, Timer B/F waiting, requests outside any dialog and their 2xx;
 * whole-capture: no final response, a final response never ACKed. */
void transactions_init(sipkb_analyzer *analyzer);
void transactions_request(decision *d);
/* SIP quoted in an ICMP error; `trackable`: it has the Call-ID and CSeq that find its original */
void transactions_quoted(decision *d, gboolean trackable);
void transactions_response(decision *d);
void transactions_finish(sipkb_analyzer *analyzer, GArray *late_scratch);

/* dialog-cseq.c: an in-dialog request whose CSeq is lower than its sender's last in the dialog
 * (RFC 3261 section 12.2.2): decided on its first copy, after transactions_request() matched it
 * to a new transaction. */
void dialog_cseq_request(decision *d);

/* auth.c: challenges, the retries that answer them, stale or rejected credentials, Caller-ID
 * vs digest username; whole-capture: answered in, unanswered. */
void auth_request(decision *d);
void auth_response(decision *d);
void auth_response_callerid(decision *d);
/* The frame of a 2xx that accepted the request's From user with its digest username, or 0. */
guint32 auth_pair_accepted_in(const sipkb_analyzer *analyzer, const transaction *txn);
void auth_finish(sipkb_analyzer *analyzer, GArray *late_scratch);

/* relays.c: whether the response is one a proxy relayed (RFC 3261 section 16.7 steps 3 and 9):
 * sets d->relay, and keeps the response for the relays that may follow. */
void relays_response(decision *d);
/* A relayed failure's first cause: the element downstream generated it. Decided last, once
 * every rule has added its causes, the first of which still sums the response up (the relay
 * says who, not why). */
void relays_cause(decision *d);

/* responses.c: the response's kind and expert item, causes ranked from the evidence, the call's
 * outcome, CANCEL and timeout details, Retry-After, redirect targets. */
void responses_decide(decision *d);

/* dns.c: the capture's DNS answers, per lookup; the failed lookup a response's words speak
 * of (RFC 3263 section 4). */
typedef enum {
    DNS_EVIDENCE_NO_TRAFFIC,   /* no DNS message before the response */
    DNS_EVIDENCE_NO_FAILURE,   /* DNS before it, but no failed lookup this evidence can name */
    DNS_EVIDENCE_HOST_FAILED,  /* the Request-URI's host failed to resolve: `lookup` */
    DNS_EVIDENCE_OTHER_FAILED, /* another name failed while the request was worked on */
} dns_evidence_kind;

typedef struct {
    dns_evidence_kind kind;
    const dns_lookup *lookup; /* the failed lookup, for HOST_FAILED and OTHER_FAILED */
    const char *host;         /* the host the request was for, or NULL */
} dns_evidence;

void dns_init(sipkb_analyzer *analyzer);
void dns_free(sipkb_analyzer *analyzer);
void dns_evidence_for(const decision *d, dns_evidence *out);

/* registrations.c: the bindings 2xx responses to REGISTER accepted (RFC 3261 section 10.3). */
typedef struct {
    const char *aor;      /* "user@host" (host in lower case), interned */
    guint32 accepted_in;  /* the 2xx that bound the address-of-record */
    guint32 seconds_left; /* of its longest binding, at the time asked about */
} registration_seen;

void registrations_accepted(decision *d); /* a 2xx to REGISTER */
/* Whether user@host had a binding at `at_ns`, accepted earlier in the capture. */
gboolean registrations_bound(const sipkb_analyzer *analyzer, const char *user, const char *host,
                             gint64 at_ns, registration_seen *seen);
/* Whether `uri` was one of the Contacts a live binding listed (the Request-URI a proxy sets
 * toward a registered device, RFC 3261 section 16.6 step 6 with 16.5). */
gboolean registrations_bound_contact(const sipkb_analyzer *analyzer, const char *uri, gint64 at_ns,
                                     registration_seen *seen);

/* offer-answer.c: SDP bodies, offers and answers (RFC 3264), NAT and hold in SDP. */
void offer_answer_init(sipkb_analyzer *analyzer);
void offer_answer_decide(decision *d);

/* via.c's decision: the top Via against the packet's transport and source, and its branch. */
void via_decide(decision *d);

/* Appends late items (whole-capture findings) to a result. */
void analyzer_add_late(sipkb_analyzer *analyzer, sipkb_result *result, const sipkb_item *items,
                       guint n_items);

#endif /* SIPKB_CORE_ANALYZER_INTERNAL_H */
