/* The table of findings: every field sipkb shows and every problem it reports.
 *
 * The list below names each finding once; its words (label, description, expert severity,
 * group, summary and the templates of its texts) are data in plugin/kb/findings.kb, loaded with
 * GKeyFile. The glue registers one field and, where the table gives a severity, one expert item
 * per finding, in one loop. Adding a finding: a line here, a section there, the rule that
 * decides it, and tests.
 */
#ifndef SIPKB_FINDINGS_H
#define SIPKB_FINDINGS_H

#include <glib.h>

#include "sipkb/kb.h"

G_BEGIN_DECLS

/* X(ENUM_NAME, "table name"): the field is "sipkb.<table name>". */
#define SIPKB_FINDING_LIST(X)                                                                      \
    X(VERDICT, "verdict")                                                                          \
    X(CODE, "code")                                                                                \
    X(CLASS, "class")                                                                              \
    X(SUMMARY, "summary")                                                                          \
    X(EXPLANATION, "explanation")                                                                  \
    X(CAUSE, "cause")                                                                              \
    X(ADVICE, "advice")                                                                            \
    X(PROVIDER_NOTE, "provider_note")                                                              \
    X(REFERENCE, "reference")                                                                      \
    X(SOURCE, "source")                                                                            \
    X(CLASS_FALLBACK, "class_fallback")                                                            \
    X(RESPONSE_PROGRESS, "response.progress")                                                      \
    X(RESPONSE_CHALLENGE, "response.challenge")                                                    \
    X(RESPONSE_REDIRECT, "response.redirect")                                                      \
    X(RESPONSE_FAILURE, "response.failure")                                                        \
    X(RESPONSE_CANCELLED, "response.cancelled")                                                    \
    X(RESPONSE_INVALID, "response.invalid")                                                        \
    X(CALL_OUTCOME, "call.outcome")                                                                \
    X(TRANSPORT_ICMP_ERROR, "transport.icmp_error")                                                \
    X(TRANSPORT_ICMP_FROM, "transport.icmp_from")                                                  \
    X(TRANSPORT_QUOTED_FRAME, "transport.quoted_frame")                                            \
    X(TRANSACTION_REQUEST, "transaction.request")                                                  \
    X(RESPONSE_RELAYED_FROM, "response.relayed_from")                                              \
    X(RESPONSE_GENERATED_BY, "response.generated_by")                                              \
    X(TRANSACTION_RETRANSMISSION_OF, "transaction.retransmission_of")                              \
    X(TRANSACTION_NO_FINAL_RESPONSE, "transaction.no_final_response")                              \
    X(TRANSACTION_RETRANSMISSIONS, "transaction.retransmissions")                                  \
    X(TRANSACTION_WAITED, "transaction.waited")                                                    \
    X(TRANSACTION_FINAL_REPEATED, "transaction.final_repeated")                                    \
    X(TRANSACTION_FINAL_FIRST, "transaction.final_first")                                          \
    X(TRANSACTION_CAPTURE_ENDED, "transaction.capture_ended")                                      \
    X(TRANSACTION_FINAL_MISSING, "transaction.final_missing")                                      \
    X(TRANSACTION_PROOF_FRAME, "transaction.proof_frame")                                          \
    X(TRANSACTION_RESPONSE_MISSING, "transaction.response_missing")                                \
    X(TRANSACTION_RESPONSE_MISSING_FRAME, "transaction.response_missing.frame")                    \
    X(TRANSACTION_RESPONSE_MISSING_TO_TAG, "transaction.response_missing.to_tag")                  \
    X(TRANSACTION_FINAL_UNACKED, "transaction.final_unacked")                                      \
    X(TRANSACTION_UNACKED_NEXT, "transaction.unacked_next")                                        \
    X(TRANSACTION_UNACKED_FOR, "transaction.unacked_for")                                          \
    X(TRANSACTION_NO_ACK_SEEN, "transaction.no_ack_seen")                                          \
    X(TRANSACTION_NO_ACK_SEEN_FOR, "transaction.no_ack_seen.for")                                  \
    X(AUTH, "auth")                                                                                \
    X(AUTH_CHALLENGER, "auth.challenger")                                                          \
    X(AUTH_REALM, "auth.realm")                                                                    \
    X(AUTH_ALGORITHM, "auth.algorithm")                                                            \
    X(AUTH_REQUEST_FRAME, "auth.request_frame")                                                    \
    X(AUTH_ANSWERED_IN, "auth.answered_in")                                                        \
    X(AUTH_UNANSWERED, "auth.unanswered")                                                          \
    X(AUTH_CHALLENGE_FRAME, "auth.challenge_frame")                                                \
    X(AUTH_STALE, "auth.stale")                                                                    \
    X(AUTH_REJECTED, "auth.rejected")                                                              \
    X(AUTH_STALE_OR_REJECTED, "auth.stale_or_rejected")                                            \
    X(AUTH_RETRY_DELAY, "auth.retry_delay")                                                        \
    X(AUTH_ACCEPTED, "auth.accepted")                                                              \
    X(CALLERID, "callerid")                                                                        \
    X(CALLERID_MISMATCH, "callerid.mismatch")                                                      \
    X(CALLERID_FORMAT_ONLY, "callerid.format_only")                                                \
    X(CALLERID_REQUEST_FRAME, "callerid.request_frame")                                            \
    X(CALLERID_FROM_USER, "callerid.from_user")                                                    \
    X(CALLERID_AUTH_USER, "callerid.auth_user")                                                    \
    X(CALLERID_ASSERTED, "callerid.asserted")                                                      \
    X(CALLERID_USERNAME_FORM, "callerid.username_form")                                            \
    X(CALLERID_ACCEPTED, "callerid.accepted")                                                      \
    X(CANCEL_FRAME, "cancel.frame")                                                                \
    X(CANCEL_DELAY, "cancel.delay")                                                                \
    X(CANCEL_MISSING, "cancel.missing")                                                            \
    X(CANCEL_RESPONSE, "cancel.response")                                                          \
    X(DIALOG_OUTSIDE, "dialog.outside")                                                            \
    X(DIALOG_ENDED_BY, "dialog.ended_by")                                                          \
    X(DIALOG_OUTSIDE_ACCEPTED, "dialog.outside_accepted")                                          \
    X(DIALOG_OUTSIDE_ACCEPTED_ENDED_BY, "dialog.outside_accepted.ended_by")                        \
    X(DIALOG_CSEQ_LOWER, "dialog.cseq_lower")                                                      \
    X(DIALOG_CSEQ_LOWER_LAST, "dialog.cseq_lower.last")                                            \
    X(DIALOG_CSEQ_LOWER_FRAME, "dialog.cseq_lower.frame")                                          \
    X(NOT_FOUND_REGISTERED, "not_found.registered")                                                \
    X(NOT_FOUND_AOR, "not_found.aor")                                                              \
    X(NOT_FOUND_REGISTERED_IN, "not_found.registered_in")                                          \
    X(NOT_FOUND_EXPIRES_IN, "not_found.expires_in")                                                \
    X(DNS_FAILURE, "dns.failure")                                                                  \
    X(DNS_FAILURE_FRAME, "dns.failure_frame")                                                      \
    X(RETRY_AFTER, "retry.after")                                                                  \
    X(RETRY_AT, "retry.at")                                                                        \
    X(REDIRECT_TARGET, "redirect.target")                                                          \
    X(SDP, "sdp")                                                                                  \
    X(SDP_LINE, "sdp.line")                                                                        \
    X(SDP_PAYLOAD, "sdp.payload")                                                                  \
    X(SDP_CODEC, "sdp.codec")                                                                      \
    X(SDP_NO_RTPMAP, "sdp.no_rtpmap")                                                              \
    X(SDP_NAT, "sdp.nat")                                                                          \
    X(SDP_NAT_ADDRESS, "sdp.nat.address")                                                          \
    X(SDP_NAT_SEEN, "sdp.nat.seen")                                                                \
    X(SDP_NAT_ADVICE, "sdp.nat.advice")                                                            \
    X(SDP_HOLD, "sdp.hold")                                                                        \
    X(SDP_OFFER_FRAME, "sdp.offer_frame")                                                          \
    X(SDP_CHOSEN, "sdp.chosen")                                                                    \
    X(SDP_NOT_OFFERED, "sdp.not_offered")                                                          \
    X(SDP_EXTRA_FORMATS, "sdp.extra_formats")                                                      \
    X(SDP_PAYLOAD_REMAPPED, "sdp.payload_remapped")                                                \
    X(SDP_DIRECTION_MISMATCH, "sdp.direction_mismatch")                                            \
    X(SDP_NO_COMMON_CODEC, "sdp.no_common_codec")                                                  \
    X(SDP_DTMF_NOT_ANSWERED, "sdp.dtmf_not_answered")                                              \
    X(SDP_PTIME_MISMATCH, "sdp.ptime_mismatch")                                                    \
    X(SDP_PROFILE_MISMATCH, "sdp.profile_mismatch")                                                \
    X(SDP_OFFERED, "sdp.offered")                                                                  \
    X(SDP_REFUSED, "sdp.refused")                                                                  \
    X(VIA, "via")                                                                                  \
    X(VIA_VALUE, "via.value")                                                                      \
    X(VIA_DETAIL, "via.detail")                                                                    \
    X(VIA_TRANSPORT_MISMATCH, "via.transport_mismatch")                                            \
    X(VIA_TRANSPORT_SAID, "via.transport_mismatch.said")                                           \
    X(VIA_TRANSPORT_USED, "via.transport_mismatch.used")                                           \
    X(VIA_NAT, "via.nat")                                                                          \
    X(VIA_NAT_SENT_BY, "via.nat.sent_by")                                                          \
    X(VIA_NAT_SEEN, "via.nat.seen")                                                                \
    X(VIA_NAT_FIRST_FRAME, "via.nat.first_frame")                                                  \
    X(VIA_NO_BRANCH, "via.no_branch")                                                              \
    X(VIA_NO_BRANCH_SENDER, "via.no_branch.sender")                                                \
    X(VIA_NO_BRANCH_FIRST_FRAME, "via.no_branch.first_frame")

#define SIPKB_FINDING_ENUM(id, name) SIPKB_F_##id,
typedef enum { SIPKB_FINDING_LIST(SIPKB_FINDING_ENUM) SIPKB_N_FINDINGS } sipkb_finding;
#undef SIPKB_FINDING_ENUM

/* What a finding's field holds. */
typedef enum {
    SIPKB_VALUE_NONE,     /* a subtree; or an expert item, its field hidden (for filters) */
    SIPKB_VALUE_FLAG,     /* present or not */
    SIPKB_VALUE_FRAME,    /* a link to another frame */
    SIPKB_VALUE_NUMBER,   /* an unsigned number */
    SIPKB_VALUE_TEXT,     /* words */
    SIPKB_VALUE_DURATION, /* nanoseconds */
    SIPKB_VALUE_TIME,     /* nanoseconds since 1970 (UTC) */
} sipkb_value_type;

/* What a frame link points at, for Wireshark's link icons. */
typedef enum {
    SIPKB_LINK_NONE,
    SIPKB_LINK_REQUEST,
    SIPKB_LINK_RESPONSE,
    SIPKB_LINK_RETRANSMISSION_OF,
} sipkb_link;

/* Severities in the order of Wireshark's expert levels; NONE: not an expert item. */
typedef enum {
    SIPKB_SEVERITY_NONE,
    SIPKB_SEVERITY_CHAT,
    SIPKB_SEVERITY_NOTE,
    SIPKB_SEVERITY_WARN,
    SIPKB_SEVERITY_ERROR,
} sipkb_severity;

/* When a finding's subtree shows open in the packet details (key `open`). */
typedef enum {
    SIPKB_OPEN_ON_PROBLEM, /* when an item in it is a Note or worse; closed when all is normal */
    SIPKB_OPEN_ON_FAILURE, /* ... and on a message that failed (Warning or worse): evidence */
} sipkb_open;

/* Wireshark's expert groups that sipkb uses. */
typedef enum {
    SIPKB_GROUP_RESPONSE,
    SIPKB_GROUP_SEQUENCE,
    SIPKB_GROUP_PROTOCOL,
    SIPKB_GROUP_MALFORMED,
} sipkb_group;

/* One row of the table, as loaded. Strings are owned by the table. */
typedef struct {
    sipkb_finding id;
    const char *name;  /* "callerid.mismatch" */
    const char *field; /* "sipkb.callerid.mismatch" */
    sipkb_value_type type;
    sipkb_link link;         /* SIPKB_VALUE_FRAME */
    const char *label;       /* the field's name in the tree */
    const char *description; /* the field's description (tshark -G fields) */
    sipkb_severity severity; /* the expert item's, or NONE */
    sipkb_group group;
    const char *summary;         /* the expert item's summary (Expert Information groups by it) */
    const char *text;            /* template of the expert item's text; NULL: the summary */
    const char *const *variants; /* templates chosen by an item's variant 1, 2, ... (text.1 ...);
                                    the item's value for TEXT, else its expert text */
    guint n_variants;
    const char *subtree; /* template of the subtree this finding opens, or NULL */
    const char *header;  /* template appended to a request's sipkb item title, or NULL */
    const char *ladder;  /* template of the finding in sipkb's ladder (the Flow Graph's
                            comment), or NULL: not telling enough there */
    const char *const *ladder_variants; /* ladder.1 ... for an item of variant 1 ... */
    guint n_ladder_variants;
    sipkb_finding parent;     /* the finding whose item this one nests in; itself when none */
    sipkb_open open;          /* when its subtree shows open */
    const char *expert_field; /* "sipkb.callerid.mismatch.expert" */
} sipkb_finding_def;

typedef struct sipkb_findings_table sipkb_findings_table;

/* Parses the table (plugin/kb/findings.kb); every finding of the list above must have a
 * section, and every section must name one. Errors name the source and the section. */
sipkb_findings_table *sipkb_findings_table_new(const char *data, gsize length,
                                               const char *source_name, GError **error);
void sipkb_findings_table_free(sipkb_findings_table *table);

const sipkb_finding_def *sipkb_findings_def(const sipkb_findings_table *table, sipkb_finding id);

/* A [text NAME] template of the table, or NULL. */
const char *sipkb_findings_text(const sipkb_findings_table *table, const char *name);

/* The `summary` template of a [text NAME] cause, or NULL: the response's one line (title, Info
 * column, expert text) when that cause is its first, in place of the KB's summary. Only causes
 * the capture's evidence gives have one: the server's own words, or evidence that contradicts
 * the KB's summary of the code. */
const char *sipkb_findings_text_summary(const sipkb_findings_table *table, const char *name);

/* One cause of the generic KB: cause.`number` of [response `code`]. */
typedef struct {
    guint code;
    guint8 number;
} sipkb_kb_cause_ref;

/* The generic KB cause that a [text NAME] cause, worded from the evidence, says again (its key
 * `restates`), or NULL. */
const sipkb_kb_cause_ref *sipkb_findings_text_restates(const sipkb_findings_table *table,
                                                       const char *name);

/* How an item of a finding is worded, the same for the tree and for anyone checking it:
 *  - a field: the finding holds a value or opens a subtree (else it is an expert item only);
 *  - its expert text: the variant's text.N, else `text`; NULL: the expert summary says it;
 *  - the title of its item: the variant's text.N for a finding without severity, else
 *    `subtree`; NULL: the field's label and value. */
gboolean sipkb_finding_has_field(const sipkb_finding_def *def);
const char *sipkb_finding_expert_text(const sipkb_finding_def *def, guint8 variant);
const char *sipkb_finding_title(const sipkb_finding_def *def, guint8 variant);

/* Its words in sipkb's ladder (the Flow Graph): the variant's ladder.N, else `ladder`; NULL: the
 * finding says nothing there. */
const char *sipkb_finding_ladder(const sipkb_finding_def *def, guint8 variant);

/* The name of a finding in the list ("callerid.mismatch"). */
const char *sipkb_finding_name(sipkb_finding id);

G_END_DECLS

#endif /* SIPKB_FINDINGS_H */
