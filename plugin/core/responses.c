/* Responses: what kind a response is and how loudly it is reported, the causes the evidence of
 * this capture ranks first (403), and what a final response means for the call (RFC 3261
 * section 21 and the IANA registry; the KB holds the words).
 */
#include "analyzer-internal.h"

#include "sipkb/response.h"

#include <string.h>

sipkb_response_kind
sipkb_response_kind_of(guint32 code)
{
    if (code < 100 || code > 699)
        return SIPKB_RESPONSE_INVALID;
    /* RFC 3261 section 22: 401 and 407 ask for credentials; answering them is routine. */
    if (code == 401 || code == 407)
        return SIPKB_RESPONSE_CHALLENGE;
    switch (code / 100) {
    case 1:
        return SIPKB_RESPONSE_PROVISIONAL;
    case 2:
        return SIPKB_RESPONSE_SUCCESS;
    case 3:
        return SIPKB_RESPONSE_REDIRECT;
    default:
        return SIPKB_RESPONSE_FAILURE;
    }
}

sipkb_severity
sipkb_response_severity(sipkb_response_kind kind)
{
    switch (kind) {
    case SIPKB_RESPONSE_PROVISIONAL:
    case SIPKB_RESPONSE_SUCCESS:
    case SIPKB_RESPONSE_CHALLENGE:
        return SIPKB_SEVERITY_CHAT;
    case SIPKB_RESPONSE_REDIRECT:
        return SIPKB_SEVERITY_NOTE;
    case SIPKB_RESPONSE_FAILURE:
    case SIPKB_RESPONSE_INVALID:
        break;
    }
    return SIPKB_SEVERITY_WARN;
}

void
sipkb_explain_response(const sipkb_kb *kb, guint32 code, sipkb_response_explanation *out)
{
    out->code = code;
    out->kind = sipkb_response_kind_of(code);
    out->severity = sipkb_response_severity(out->kind);
    out->entry = sipkb_kb_response(kb, code, &out->is_class_fallback);
    out->class_entry = sipkb_kb_class(kb, code);
}

/* ---- 403 evidence ------------------------------------------------------------------------ */

static gboolean
phrase_mentions(const char *lower_phrase, const char *const *words)
{
    for (; *words; words++) {
        if (strstr(lower_phrase, *words))
            return TRUE;
    }
    return FALSE;
}

static void
add_evidence(sipkb_forbidden_ranking *out, sipkb_forbidden_evidence evidence)
{
    for (guint i = 0; i < out->count; i++) {
        if (out->items[i] == evidence)
            return;
    }
    if (out->count < SIPKB_FORBIDDEN_MAX_EVIDENCE)
        out->items[out->count++] = evidence;
}

void
sipkb_rank_forbidden(const char *reason_phrase, gboolean request_known,
                     gboolean request_had_credentials, sipkb_callerid_result callerid,
                     sipkb_forbidden_ranking *out)
{
    static const char *const credential_words[] = {"password", "credential", "wrong user",
                                                   "invalid user", NULL};
    static const char *const credit_words[] = {"credit",  "balance", "fund",
                                               "payment", "prepaid", NULL};
    static const char *const callerid_words[] = {
        "caller", "cli", "identity", "from user", "from number", "does not match", NULL};
    out->count = 0;
    gboolean mismatch_seen = request_known && sipkb_callerid_is_mismatch(callerid);
    /* What the server itself said weighs most; a reason that speaks of the caller's identity
     * and a mismatch seen on the request are one finding, the mismatch naming both values. */
    if (reason_phrase) {
        char *lower = g_ascii_strdown(reason_phrase, -1);
        if (phrase_mentions(lower, callerid_words))
            add_evidence(out, mismatch_seen ? SIPKB_FORBIDDEN_CALLERID_MISMATCH
                                            : SIPKB_FORBIDDEN_REASON_CALLERID);
        if (phrase_mentions(lower, credit_words))
            add_evidence(out, SIPKB_FORBIDDEN_REASON_CREDIT);
        if (phrase_mentions(lower, credential_words))
            add_evidence(out, SIPKB_FORBIDDEN_REASON_CREDENTIALS);
        g_free(lower);
    }
    if (!request_known)
        return;
    if (mismatch_seen)
        add_evidence(out, SIPKB_FORBIDDEN_CALLERID_MISMATCH);
    else if (!request_had_credentials)
        add_evidence(out, SIPKB_FORBIDDEN_NO_CREDENTIALS);
    else
        add_evidence(out, SIPKB_FORBIDDEN_CREDENTIALS_MATCH);
}

/* ---- call outcome ------------------------------------------------------------------------ */

sipkb_call_outcome
sipkb_call_outcome_of(guint32 final_code, gboolean cancel_seen)
{
    if (final_code >= 200 && final_code < 300)
        return SIPKB_CALL_ANSWERED;
    if (final_code >= 300 && final_code < 400)
        return SIPKB_CALL_REDIRECTED;
    if (final_code == 487 && cancel_seen)
        return SIPKB_CALL_CANCELLED;
    switch (final_code) {
    case 408:
        return SIPKB_CALL_TIMED_OUT;
    case 404:
    case 410:
    case 480:
    case 484:
    case 486:
    case 600:
    case 603:
    case 604:
        return SIPKB_CALL_UNAVAILABLE;
    default:
        return SIPKB_CALL_REJECTED;
    }
}

/* ---- what the analyzer says about a response --------------------------------------------- */

static const sipkb_finding kind_findings[] = {
    [SIPKB_RESPONSE_PROVISIONAL] = SIPKB_F_RESPONSE_PROGRESS,
    [SIPKB_RESPONSE_SUCCESS] = SIPKB_F_RESPONSE_PROGRESS,
    [SIPKB_RESPONSE_CHALLENGE] = SIPKB_F_RESPONSE_CHALLENGE,
    [SIPKB_RESPONSE_REDIRECT] = SIPKB_F_RESPONSE_REDIRECT,
    [SIPKB_RESPONSE_FAILURE] = SIPKB_F_RESPONSE_FAILURE,
    [SIPKB_RESPONSE_INVALID] = SIPKB_F_RESPONSE_INVALID,
};

/* The values the [text ...] templates of causes and outcomes name. */
typedef struct {
    const char *names[12];
    const char *values[12];
    guint n;
    GPtrArray *owned;
} words;

static void
word(words *w, const char *name, const char *value)
{
    w->names[w->n] = name;
    w->values[w->n++] = value;
}

static void
word_number(words *w, const char *name, guint32 number)
{
    char *text = g_strdup_printf("%u", number);
    g_ptr_array_add(w->owned, text);
    word(w, name, text);
}

static void
word_seconds(words *w, const char *name, gint64 nanoseconds)
{
    char *text = g_strdup_printf("%.1f", (double)nanoseconds / 1e9);
    g_ptr_array_add(w->owned, text);
    word(w, name, text);
}

static void
decide_worded(decision *d, sipkb_finding finding, const char *text_name, const words *w)
{
    char *text = decide_words(d, text_name, w->names, w->values, w->n);
    decide_text(d, finding, text);
    g_free(text);
}

static const char *const forbidden_texts[] = {
    [SIPKB_FORBIDDEN_REASON_CREDENTIALS] = "cause.forbidden.reason_credentials",
    [SIPKB_FORBIDDEN_REASON_CREDIT] = "cause.forbidden.reason_credit",
    [SIPKB_FORBIDDEN_REASON_CALLERID] = "cause.forbidden.reason_callerid",
    [SIPKB_FORBIDDEN_CALLERID_MISMATCH] = "cause.forbidden.callerid_mismatch",
    [SIPKB_FORBIDDEN_NO_CREDENTIALS] = "cause.forbidden.no_credentials",
    [SIPKB_FORBIDDEN_CREDENTIALS_MATCH] = "cause.forbidden.credentials_match",
};

/* 403: causes ranked from what the server said and what the request carried. */
static void
decide_forbidden_causes(decision *d, words *w)
{
    const transaction *txn = d->txn;
    sipkb_forbidden_ranking ranking;
    sipkb_rank_forbidden(d->msg->reason_phrase, txn != NULL, txn && txn->has_credentials,
                         txn ? txn->callerid : SIPKB_CALLERID_NOT_APPLICABLE, &ranking);
    for (guint i = 0; i < ranking.count; i++)
        decide_worded(d, SIPKB_F_CAUSE, forbidden_texts[ranking.items[i]], w);
}

static const char *
rejected_text(const transaction *txn)
{
    if (txn && sipkb_callerid_is_mismatch(txn->callerid))
        return "outcome.rejected.callerid";
    if (txn)
        return txn->has_credentials ? "outcome.rejected.authenticated"
                                    : "outcome.rejected.unauthenticated";
    return "outcome.rejected";
}

/* A final response to an INVITE (challenges aside): how the call ended. */
static void
decide_outcome(decision *d, const words *w, gboolean cancel_known)
{
    const sipkb_message *msg = d->msg;
    guint32 code = msg->status_code;
    if (code < 200 || code == 401 || code == 407 || g_strcmp0(msg->cseq_method, "INVITE") != 0)
        return;
    static const char *const outcome_texts[] = {
        [SIPKB_CALL_ANSWERED] = "outcome.answered",
        [SIPKB_CALL_REDIRECTED] = "outcome.redirected",
        [SIPKB_CALL_CANCELLED] = "outcome.cancelled",
        [SIPKB_CALL_TIMED_OUT] = "outcome.timed_out",
        [SIPKB_CALL_UNAVAILABLE] = "outcome.unavailable",
    };
    sipkb_call_outcome outcome = sipkb_call_outcome_of(code, cancel_known);
    decide_worded(d, SIPKB_F_CALL_OUTCOME,
                  outcome == SIPKB_CALL_REJECTED ? rejected_text(d->txn) : outcome_texts[outcome],
                  w);
}

/* The values the texts of this response may name. */
static void
collect_words(const decision *d, const sipkb_response_entry *entry, gboolean cancel_known, words *w)
{
    const sipkb_message *msg = d->msg;
    const transaction *txn = d->txn;
    word_number(w, "code", msg->status_code);
    word(w, "reason", entry ? entry->reason : "");
    if (txn) {
        word_number(w, "request", txn->first_frame);
        word(w, "from_user", txn->from_user);
        word(w, "digest_user", txn->digest_username);
        word_number(w, "retransmissions", txn->group->retransmissions);
        word_seconds(w, "waited", msg->time_ns - txn->first_time_ns);
    }
    if (cancel_known) {
        word_number(w, "cancel_frame", txn->cancel_frame);
        word_seconds(w, "cancel_delay", txn->cancel_time_ns - txn->first_time_ns);
    }
}

static void
decide_cancel(decision *d, gboolean cancel_known)
{
    const transaction *txn = d->txn;
    if (!cancel_known) {
        decide_flag(d, SIPKB_F_CANCEL_MISSING, 0);
        return;
    }
    decide_frame(d, SIPKB_F_CANCEL_FRAME, txn->cancel_frame);
    decide_nanoseconds(d, SIPKB_F_CANCEL_DELAY, txn->cancel_time_ns - txn->first_time_ns);
}

static void
decide_retry_and_redirect(decision *d)
{
    const sipkb_message *msg = d->msg;
    if (msg->has_retry_after) {
        decide_number(d, SIPKB_F_RETRY_AFTER, msg->retry_after);
        decide_nanoseconds(d, SIPKB_F_RETRY_AT,
                           msg->time_ns + (gint64)msg->retry_after * G_GINT64_CONSTANT(1000000000));
    }
    if (msg->status_code < 300 || msg->status_code >= 400 || !msg->contact_uris)
        return;
    for (const char *const *uri = msg->contact_uris; *uri; uri++)
        decide_text(d, SIPKB_F_REDIRECT_TARGET, *uri);
}

void
responses_decide(decision *d)
{
    const sipkb_message *msg = d->msg;
    guint32 code = msg->status_code;
    sipkb_response_kind kind = sipkb_response_kind_of(code);
    decide_number(d, SIPKB_F_CODE, code);
    decide_item(d, kind_findings[kind]);
    gboolean class_fallback = FALSE;
    const sipkb_response_entry *entry = sipkb_kb_response(d->analyzer->kb, code, &class_fallback);
    if (!entry)
        return;
    const transaction *txn = d->txn;
    /* A CANCEL that came before this response. */
    gboolean cancel_known = txn && txn->cancel_frame && txn->cancel_frame < msg->frame;
    words w = {.owned = g_ptr_array_new_with_free_func(g_free)};
    collect_words(d, class_fallback ? NULL : entry, cancel_known, &w);
    if (code == 403)
        decide_forbidden_causes(d, &w);
    decide_outcome(d, &w, cancel_known);
    if (txn)
        decide_frame(d, SIPKB_F_TRANSACTION_REQUEST, txn->first_frame);
    if (code == 401 || code == 407)
        auth_response(d);
    if (code >= 300)
        auth_response_callerid(d);
    if (code == 487)
        decide_cancel(d, cancel_known);
    if (code == 408 && txn) {
        decide_number(d, SIPKB_F_TRANSACTION_RETRANSMISSIONS, txn->group->retransmissions);
        decide_nanoseconds(d, SIPKB_F_TRANSACTION_WAITED, msg->time_ns - txn->first_time_ns);
    }
    decide_retry_and_redirect(d);
    g_ptr_array_free(w.owned, TRUE);
}
