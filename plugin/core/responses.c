/* Responses: what kind a response is and how loudly it is reported, the causes the evidence of
 * this capture ranks first (403, 404, the server's own words and the DNS failure they speak
 * of), and what a final response means for the call (RFC 3261 section 21 and the IANA
 * registry; the KB holds the words).
 */
#include "analyzer-internal.h"

#include "sipkb/dns.h"
#include "sipkb/response.h"
#include "sipkb/text.h"

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
                     gboolean pair_accepted_before, sipkb_forbidden_ranking *out)
{
    static const char *const credential_words[] = {
        "password",  "credential", "wrong user", "invalid user", "authentication failed",
        "auth fail", NULL};
    static const char *const credit_words[] = {"credit",  "balance", "fund",
                                               "payment", "prepaid", NULL};
    static const char *const callerid_words[] = {
        "caller", "cli", "identity", "from user", "from number", "does not match", NULL};
    out->count = 0;
    out->phrase_used = FALSE;
    gboolean mismatch_seen =
        request_known && sipkb_callerid_is_mismatch(callerid) && !pair_accepted_before;
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
        out->phrase_used = out->count > 0;
        g_free(lower);
    }
    if (!request_known)
        return;
    if (pair_accepted_before && sipkb_callerid_is_mismatch(callerid))
        add_evidence(out, SIPKB_FORBIDDEN_CALLERID_ACCEPTED_BEFORE);
    else if (mismatch_seen)
        add_evidence(out, SIPKB_FORBIDDEN_CALLERID_MISMATCH);
    else if (!request_had_credentials)
        add_evidence(out, SIPKB_FORBIDDEN_NO_CREDENTIALS);
    else if (callerid == SIPKB_CALLERID_NOT_APPLICABLE)
        add_evidence(out, SIPKB_FORBIDDEN_CREDENTIALS_SENT);
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
    /* After the caller's CANCEL the call ended by the caller's choice, whether the UAS closed
     * the INVITE with 487 (RFC 3261 section 9.2) or a proxy or gateway with 408. */
    if ((final_code == 487 || final_code == 408) && cancel_seen)
        return SIPKB_CALL_CANCELLED;
    /* Busy and Decline come from the callee's own device or account: it was reached and
     * refused (RFC 3261 sections 21.4.24, 21.6.1, 21.6.2; RFC 8197 for 607). */
    switch (final_code) {
    case 408:
        return SIPKB_CALL_TIMED_OUT;
    case 486:
    case 600:
        return SIPKB_CALL_BUSY;
    case 603:
    case 607:
        return SIPKB_CALL_DECLINED;
    case 404:
    case 410:
    case 480:
    case 484:
    case 604:
        return SIPKB_CALL_UNAVAILABLE;
    default:
        return SIPKB_CALL_REJECTED;
    }
}

/* ---- what the analyzer says about a response --------------------------------------------- */

/* The text.N of the response kinds' expert items that words a relayed copy. */
enum { RELAYED_TEXT = 1 };

static const sipkb_finding kind_findings[] = {
    [SIPKB_RESPONSE_PROVISIONAL] = SIPKB_F_RESPONSE_PROGRESS,
    [SIPKB_RESPONSE_SUCCESS] = SIPKB_F_RESPONSE_PROGRESS,
    [SIPKB_RESPONSE_CHALLENGE] = SIPKB_F_RESPONSE_CHALLENGE,
    [SIPKB_RESPONSE_REDIRECT] = SIPKB_F_RESPONSE_REDIRECT,
    [SIPKB_RESPONSE_FAILURE] = SIPKB_F_RESPONSE_FAILURE,
    [SIPKB_RESPONSE_INVALID] = SIPKB_F_RESPONSE_INVALID,
};

guint
sipkb_response_findings_of(guint32 code, sipkb_finding out[2])
{
    out[0] = kind_findings[sipkb_response_kind_of(code)];
    if (code != 487)
        return 1;
    out[1] = SIPKB_F_RESPONSE_CANCELLED;
    return 2;
}

/* The values the [text ...] templates of causes and outcomes name. */
typedef struct {
    const char *names[24];
    const char *values[24];
    guint n;
    GPtrArray *owned;
} words;

static void
word(words *w, const char *name, const char *value)
{
    if (w->n == G_N_ELEMENTS(w->names))
        return;
    w->names[w->n] = name;
    w->values[w->n++] = value;
}

static void
word_number(words *w, const char *name, guint32 number)
{
    char digits[SIPKB_UINT_TEXT_SIZE];
    char *text = g_strdup(sipkb_text_uint(digits, number));
    g_ptr_array_add(w->owned, text);
    word(w, name, text);
}

static void
word_seconds(words *w, const char *name, gint64 nanoseconds)
{
    char *text = sipkb_text_seconds(nanoseconds);
    g_ptr_array_add(w->owned, text);
    word(w, name, text);
}

static void
decide_worded(decision *d, sipkb_finding finding, const char *text_name, const words *w)
{
    if (finding == SIPKB_F_CAUSE) {
        decide_cause(d, text_name, w->names, w->values, w->n);
        return;
    }
    char *text = decide_words(d, text_name, w->names, w->values, w->n);
    decide_worded_text(d, finding, text_name, text);
    g_free(text);
}

static const char *const forbidden_texts[] = {
    [SIPKB_FORBIDDEN_REASON_CREDENTIALS] = "cause.forbidden.reason_credentials",
    [SIPKB_FORBIDDEN_REASON_CREDIT] = "cause.forbidden.reason_credit",
    [SIPKB_FORBIDDEN_REASON_CALLERID] = "cause.forbidden.reason_callerid",
    [SIPKB_FORBIDDEN_CALLERID_MISMATCH] = "cause.forbidden.callerid_mismatch",
    [SIPKB_FORBIDDEN_NO_CREDENTIALS] = "cause.forbidden.no_credentials",
    [SIPKB_FORBIDDEN_CREDENTIALS_MATCH] = "cause.forbidden.credentials_match",
    [SIPKB_FORBIDDEN_CALLERID_ACCEPTED_BEFORE] = "cause.forbidden.callerid_accepted_before",
    [SIPKB_FORBIDDEN_CREDENTIALS_SENT] = "cause.forbidden.credentials_sent",
};

/* Reason phrases whose words point to one cause, whatever the code (a failed DNS lookup is
 * told by sipkb_dns_words_say_failure()). */
static const struct {
    const char *words;
    const char *text;
} telling_phrases[] = {
    {"out of order", "cause.reason.out_of_order"},
    {"mailbox", "cause.reason.mailbox"},
};

/* Letters and digits only, in lower case: "Server Time-out" reads as "servertimeout". */
static char *
bare_words(const char *text)
{
    GString *bare = g_string_new(NULL);
    for (const char *c = text; *c; c++) {
        if (g_ascii_isalnum(*c))
            g_string_append_c(bare, g_ascii_tolower(*c));
    }
    return g_string_free(bare, FALSE);
}

/* A reason phrase tells something of its own when it is neither the registered one (however
 * spelt; NULL: the code is not registered, and its phrase is all the server says of it) nor a
 * word that only says something failed. */
static gboolean
phrase_says_more(const char *phrase, const char *registered)
{
    static const char *const empty_words[] = {"",       "error",    "failed", "failure", "fail",
                                              "denied", "rejected", "no",     "nok",     "ko"};
    char *bare = bare_words(phrase), *bare_registered = bare_words(registered ? registered : "");
    gboolean says_more = strcmp(bare, bare_registered) != 0;
    for (gsize i = 0; says_more && i < G_N_ELEMENTS(empty_words); i++)
        says_more = strcmp(bare, empty_words[i]) != 0;
    g_free(bare);
    g_free(bare_registered);
    return says_more;
}

/* ---- a DNS lookup that failed ---------------------------------------------------------- */

/* The suffix of a cause.reason.dns or cause.warning.dns text for what the capture shows. */
static const char *const dns_evidence_texts[] = {
    [DNS_EVIDENCE_NO_TRAFFIC] = ".no_traffic",
    [DNS_EVIDENCE_NO_FAILURE] = "",
    [DNS_EVIDENCE_HOST_FAILED] = ".host_failed",
    [DNS_EVIDENCE_OTHER_FAILED] = ".other_failed",
};

/* The failed lookup in words ([text dns.failure]): "NXDOMAIN for _sip._udp.example.com SRV". */
static char *
dns_failure_text(const decision *d, const dns_lookup *lookup)
{
    char *type = lookup->type_name ? g_strdup(lookup->type_name)
                                   : g_strdup_printf("TYPE%u", lookup->type); /* RFC 3597 */
    const char *names[] = {"rcode", "name", "type"};
    const char *values[] = {sipkb_dns_failure_name(lookup->failure), lookup->name, type};
    char *text = decide_words(d, "dns.failure", names, values, G_N_ELEMENTS(names));
    g_free(type);
    return text;
}

/* The server's words say a DNS lookup failed: the evidence of the capture, in `w` for the
 * cause's text ({dns_frame}, {dns_failure}, {dns_host}). Returns the text's name, to free. */
static char *
dns_words(decision *d, const char *text_base, words *w, dns_evidence *evidence)
{
    dns_evidence_for(d, evidence);
    word(w, "dns_host", evidence->host ? evidence->host : "(not in the capture)");
    if (evidence->lookup) {
        word_number(w, "dns_frame", evidence->lookup->frame);
        char *failure = dns_failure_text(d, evidence->lookup);
        g_ptr_array_add(w->owned, failure);
        word(w, "dns_failure", failure);
    }
    return g_strconcat(text_base, dns_evidence_texts[evidence->kind], NULL);
}

/* The failed lookup and its DNS response, under the response (no expert item: the response's
 * own is the failure). */
static void
decide_dns_failure(decision *d, const dns_evidence *evidence)
{
    if (!evidence->lookup)
        return;
    char *failure = dns_failure_text(d, evidence->lookup);
    decide_text(d, SIPKB_F_DNS_FAILURE, failure);
    g_free(failure);
    decide_frame(d, SIPKB_F_DNS_FAILURE_FRAME, evidence->lookup->frame);
}

/* ---- a request out of order ------------------------------------------------------------ */

/* A 500 to an in-dialog request numbered below its sender's last (dialog-cseq.c) is the answer
 * RFC 3261 section 12.2.2 prescribes, whatever its reason phrase says; so is any failure whose
 * phrase says "out of order". Returns whether the CSeq evidence was decided as a cause. */
static gboolean
decide_out_of_order_cause(decision *d, const char *telling_text, words *w)
{
    const transaction *txn = d->txn;
    if (!txn || !txn->cseq_last_frame)
        return FALSE;
    if (d->msg->status_code != 500 && g_strcmp0(telling_text, "cause.reason.out_of_order") != 0)
        return FALSE;
    word_number(w, "cseq", d->msg->cseq_number);
    word_number(w, "last_cseq", txn->cseq_last);
    word(w, "last_method", txn->cseq_last_method);
    word_number(w, "last_frame", txn->cseq_last_frame);
    decide_worded(d, SIPKB_F_CAUSE, "cause.dialog.cseq_lower", w);
    return TRUE;
}

/* The text of a telling phrase (telling_phrases) the response's reason phrase holds, or NULL. */
static const char *
telling_phrase_text(const char *phrase)
{
    if (!phrase)
        return NULL;
    char *lower = g_ascii_strdown(phrase, -1);
    const char *text = NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(telling_phrases); i++) {
        if (strstr(lower, telling_phrases[i].words))
            text = telling_phrases[i].text;
    }
    g_free(lower);
    return text;
}

/* ---- the server's own words ------------------------------------------------------------- */

/* The server's own words first: a reason phrase other than the registered one, and a Warning
 * header (RFC 3261 sections 7.2 and 20.43) are its account of this failure. `phrase_ranked`:
 * the 403 evidence already cites the phrase; `order_shown`: the CSeq evidence already says the
 * request was out of order (decide_out_of_order_cause()), as a phrase saying so would. Words that
 * say a DNS lookup failed (the phrase's, else the Warning's) are checked against the capture's DNS
 * answers (RFC 3263 section 4): `evidence` says what they show, and its lookup is NULL when the
 * words say nothing of DNS. */
static void
decide_server_words(decision *d, const sipkb_response_entry *entry, words *w,
                    gboolean phrase_ranked, gboolean order_shown, dns_evidence *evidence)
{
    const char *phrase = d->msg->reason_phrase;
    gboolean dns_said = FALSE;
    if (phrase && phrase_says_more(phrase, entry ? entry->reason : NULL)) {
        const char *telling = telling_phrase_text(phrase);
        const char *text = telling ? telling : phrase_ranked ? NULL : "cause.reason";
        if (order_shown && g_strcmp0(text, "cause.reason.out_of_order") == 0)
            text = NULL;
        char *dns_text = NULL;
        dns_said = sipkb_dns_words_say_failure(phrase);
        if (dns_said) {
            text = dns_text = dns_words(d, "cause.reason.dns", w, evidence);
            d->result->situation.dns_failure = SIPKB_KB_YES;
        }
        if (text)
            decide_worded(d, SIPKB_F_CAUSE, text, w);
        g_free(dns_text);
    }
    const char *warning = d->msg->warning;
    if (!warning || !*warning)
        return;
    char code_text[4] = {0};
    g_strlcpy(code_text, warning, sizeof(code_text));
    char *name = g_strdup_printf("warning.%s", code_text);
    const char *meaning = sipkb_findings_text(d->analyzer->findings, name);
    g_free(name);
    word(w, "warn_meaning", meaning ? meaning : "");
    /* The Warning's warn-text, its quoted string after the code and the agent's host name
     * (section 20.43), tells of DNS when the phrase did not already. */
    if (dns_said || !sipkb_dns_words_say_failure(strchr(warning, '"'))) {
        decide_worded(d, SIPKB_F_CAUSE, "cause.warning", w);
        return;
    }
    char *dns_text = dns_words(d, "cause.warning.dns", w, evidence);
    decide_worded(d, SIPKB_F_CAUSE, dns_text, w);
    g_free(dns_text);
    d->result->situation.dns_failure = SIPKB_KB_YES;
}

/* 403: causes ranked from what the server said and what the request carried. Returns whether
 * the reason phrase was among the evidence. */
static gboolean
decide_forbidden_causes(decision *d, words *w)
{
    /* A relayed 403 was generated downstream (relays.c, RFC 3261 section 16.7), for the request
     * as the proxy forwarded it: what this leg's request carried (credentials, the From user
     * against the digest username) is not what the generator judged, so only its own words
     * count. */
    const transaction *txn = d->relay.frame ? NULL : d->txn;
    sipkb_forbidden_ranking ranking;
    guint32 accepted_in = txn ? auth_pair_accepted_in(d->analyzer, txn) : 0;
    sipkb_rank_forbidden(d->msg->reason_phrase, txn != NULL, txn && txn->has_credentials,
                         txn ? txn->callerid : SIPKB_CALLERID_NOT_APPLICABLE, accepted_in != 0,
                         &ranking);
    if (accepted_in)
        word_number(w, "accepted", accepted_in);
    for (guint i = 0; i < ranking.count; i++)
        decide_worded(d, SIPKB_F_CAUSE, forbidden_texts[ranking.items[i]], w);
    return ranking.phrase_used;
}

/* ---- 404 evidence ------------------------------------------------------------------------ */

static const char *
owned_aor(words *w, const char *user, const char *host)
{
    char *aor = g_strconcat(user, "@", host, NULL);
    g_ptr_array_add(w->owned, aor);
    return aor;
}

/* Which of a registration's URIs a 404's request was sent to, and the text.N of the finding
 * not_found.registered that says so. */
enum { NOT_FOUND_TEXT_CONTACT = 1 };
typedef enum { REGISTERED_NONE, REGISTERED_AOR, REGISTERED_CONTACT } registered_target;

/* Whether a 404's request went to an address-of-record that a registrar bound earlier in the
 * capture, with a binding not yet expired: its Request-URI names the AOR (the To of the
 * response when the capture lacks the request), or is one of the AOR's registered Contacts,
 * the Request-URI a proxy sends the request to the device with (RFC 3261 sections 16.5, 16.6).
 * Never for a request a proxy does not route to the user's contacts: a REGISTER, a SUBSCRIBE or
 * PUBLISH (whose resource lives at a notifier or state agent, RFC 6665 and RFC 3903, not with
 * the registration) or one inside a dialog (routed by its route set, section 12.2). */
static registered_target
registered_aor(const decision *d, registration_seen *seen)
{
    static const char *const not_routed_to_user[] = {"REGISTER", "SUBSCRIBE", "PUBLISH", NULL};
    const sipkb_message *msg = d->msg;
    const transaction *txn = d->txn;
    if (!msg->cseq_method || g_strv_contains(not_routed_to_user, msg->cseq_method) ||
        (txn && txn->in_dialog))
        return REGISTERED_NONE;
    if (!txn)
        return registrations_bound(d->analyzer, msg->to_user, msg->to_host, msg->time_ns, seen)
                   ? REGISTERED_AOR
                   : REGISTERED_NONE;
    if (registrations_bound(d->analyzer, txn->request_uri_user, txn->request_uri_host, msg->time_ns,
                            seen))
        return REGISTERED_AOR;
    return registrations_bound_contact(d->analyzer, txn->request_uri, msg->time_ns, seen)
               ? REGISTERED_CONTACT
               : REGISTERED_NONE;
}

/* 404: a user registered a moment ago exists (RFC 3261 section 10.3), so routing or the dial
 * plan failed (section 16.5). A REGISTER refused while its Request-URI host is an IP address,
 * or another host than its address-of-record's, was refused for the domain: registrars serve
 * domains (section 10.3 step 1) and find an AOR only in the Request-URI's (step 3). */
static void
decide_not_found_causes(decision *d, words *w, registered_target registered, registration_seen seen)
{
    const sipkb_message *msg = d->msg;
    if (registered != REGISTERED_NONE) {
        word(w, "aor", seen.aor);
        word_number(w, "registered_in", seen.accepted_in);
        word_number(w, "expires_in", seen.seconds_left);
        decide_worded(d, SIPKB_F_CAUSE,
                      registered == REGISTERED_CONTACT ? "cause.not_found.registered_contact"
                                                       : "cause.not_found.registered",
                      w);
        return;
    }
    const char *host = d->txn ? d->txn->request_uri_host : NULL;
    if (g_strcmp0(msg->cseq_method, "REGISTER") != 0 || !host || !msg->to_user || !msg->to_host)
        return;
    if (!g_hostname_is_ip_address(host) && g_ascii_strcasecmp(host, msg->to_host) == 0)
        return;
    word(w, "request_uri_host", host);
    word(w, "aor", owned_aor(w, msg->to_user, msg->to_host));
    decide_worded(d, SIPKB_F_CAUSE, "cause.not_found.request_uri_host", w);
}

static void
decide_registered(decision *d, registered_target registered, registration_seen seen)
{
    decide_flag(d, SIPKB_F_NOT_FOUND_REGISTERED,
                registered == REGISTERED_CONTACT ? NOT_FOUND_TEXT_CONTACT : 0);
    decide_text(d, SIPKB_F_NOT_FOUND_AOR, seen.aor);
    decide_frame(d, SIPKB_F_NOT_FOUND_REGISTERED_IN, seen.accepted_in);
    decide_number(d, SIPKB_F_NOT_FOUND_EXPIRES_IN, seen.seconds_left);
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

/* A final response to an INVITE (challenges aside): how the call ended. Not for a re-INVITE
 * (To tag): the call was up before it, and a refused re-INVITE leaves it up (RFC 3261 section
 * 14.1). */
static void
decide_outcome(decision *d, const words *w, gboolean cancel_known)
{
    const sipkb_message *msg = d->msg;
    guint32 code = msg->status_code;
    if (code < 200 || code == 401 || code == 407 || g_strcmp0(msg->cseq_method, "INVITE") != 0)
        return;
    /* A re-INVITE changes a call that is up: a non-2xx leaves the session as it was (RFC 3261
     * section 14.1), a 2xx updates it; only 408 and 481 end the dialog (section 12.2.1.2). */
    if (d->txn && d->txn->in_dialog && code != 408 && code != 481)
        return;
    static const char *const outcome_texts[] = {
        [SIPKB_CALL_ANSWERED] = "outcome.answered",
        [SIPKB_CALL_REDIRECTED] = "outcome.redirected",
        [SIPKB_CALL_CANCELLED] = "outcome.cancelled",
        [SIPKB_CALL_TIMED_OUT] = "outcome.timed_out",
        [SIPKB_CALL_BUSY] = "outcome.busy",
        [SIPKB_CALL_DECLINED] = "outcome.declined",
        [SIPKB_CALL_UNAVAILABLE] = "outcome.unavailable",
    };
    sipkb_call_outcome outcome = sipkb_call_outcome_of(code, cancel_known);
    const char *text =
        outcome == SIPKB_CALL_REJECTED ? rejected_text(d->txn) : outcome_texts[outcome];
    /* No waiting time or retransmission count is stated of a request the capture lacks. */
    if (outcome == SIPKB_CALL_TIMED_OUT && !d->txn)
        text = "outcome.timed_out.no_request";
    decide_worded(d, SIPKB_F_CALL_OUTCOME, text, w);
}

/* The values the texts of this response may name. */
static void
collect_words(const decision *d, const sipkb_response_entry *entry, gboolean cancel_known, words *w)
{
    const sipkb_message *msg = d->msg;
    const transaction *txn = d->txn;
    word_number(w, "code", msg->status_code);
    word(w, "method", msg->cseq_method);
    /* A code the KB does not register has only the server's phrase to name it. */
    word(w, "reason", entry ? entry->reason : msg->reason_phrase ? msg->reason_phrase : "");
    word(w, "phrase", msg->reason_phrase);
    word(w, "warning", msg->warning);
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

/* Moves the `n` items from `first` behind the ones added after them. */
static void
move_to_front(decision *d, guint first, guint n)
{
    guint n_after = d->items->len - first - n;
    if (n == 0 || n_after == 0)
        return;
    sipkb_item *items = &g_array_index(d->items, sipkb_item, first);
    sipkb_item *moved = g_memdup2(items, n * sizeof(sipkb_item));
    memmove(items, items + n, n_after * sizeof(sipkb_item));
    memcpy(items + n_after, moved, n * sizeof(sipkb_item));
    g_free(moved);
}

void
responses_decide(decision *d)
{
    const sipkb_message *msg = d->msg;
    guint32 code = msg->status_code;
    sipkb_response_kind kind = sipkb_response_kind_of(code);
    const transaction *txn = d->txn;
    /* A CANCEL that came before this response. */
    gboolean cancel_known = txn && txn->cancel_frame && txn->cancel_frame < msg->frame;
    decide_number(d, SIPKB_F_CODE, code);
    /* A 487 after the caller's CANCEL is how a cancelled call is meant to end (RFC 3261 section
     * 9.2): a Note, not a failure. A relayed copy keeps its expert item (the caller got it),
     * worded as a relay, so that the expert list does not count one failure as two. */
    decide_item(d, code == 487 && cancel_known ? SIPKB_F_RESPONSE_CANCELLED : kind_findings[kind])
        ->variant = d->relay.frame ? RELAYED_TEXT : 0;
    gboolean class_fallback = FALSE;
    const sipkb_response_entry *entry = sipkb_kb_response(d->analyzer->kb, code, &class_fallback);
    if (!entry)
        return;
    words w = {.owned = g_ptr_array_new_with_free_func(g_free)};
    dns_evidence dns = {0};
    collect_words(d, class_fallback ? NULL : entry, cancel_known, &w);
    registration_seen seen = {0};
    registered_target registered = code == 404 ? registered_aor(d, &seen) : REGISTERED_NONE;
    /* A 2xx to a request outside any dialog (transactions.c) ended or changed nothing: no call
     * was up, whatever the KB says a 2xx to that method means. */
    if (txn && txn->outside_dialog && code >= 200 && code < 300) {
        word_number(&w, "ended_by", txn->dialog_ended_by);
        decide_worded(d, SIPKB_F_CAUSE, "cause.dialog.outside_accepted", &w);
    }
    if (code >= 300 && code != 401 && code != 407) {
        /* The 403 evidence is decided first (it may cite the phrase), shown after the words. */
        guint first_cause = d->items->len;
        gboolean phrase_ranked = code == 403 && decide_forbidden_causes(d, &w);
        if (code == 404)
            decide_not_found_causes(d, &w, registered, seen);
        gboolean order_shown =
            decide_out_of_order_cause(d, telling_phrase_text(msg->reason_phrase), &w);
        guint n_evidence = d->items->len - first_cause;
        decide_server_words(d, class_fallback ? NULL : entry, &w, phrase_ranked, order_shown, &dns);
        move_to_front(d, first_cause, n_evidence);
        /* A 408 after the caller's CANCEL: the CANCEL, not a timer, ended the call. */
        if (code == 408 && cancel_known)
            decide_worded(d, SIPKB_F_CAUSE, "cause.timeout.after_cancel", &w);
    }
    if (registered != REGISTERED_NONE)
        decide_registered(d, registered, seen);
    if (g_strcmp0(msg->cseq_method, "REGISTER") == 0 && code >= 200 && code < 300)
        registrations_accepted(d);
    decide_outcome(d, &w, cancel_known);
    if (txn)
        decide_frame(d, SIPKB_F_TRANSACTION_REQUEST, txn->first_frame);
    decide_dns_failure(d, &dns);
    if (code == 401 || code == 407)
        auth_response(d);
    auth_response_callerid(d);
    if (code == 487)
        decide_cancel(d, cancel_known);
    if (code == 408 && cancel_known) {
        /* The caller had given up: the CANCEL, and whether it was answered. */
        decide_cancel(d, TRUE);
        if (txn->cancel && txn->cancel->final_frame)
            decide_frame(d, SIPKB_F_CANCEL_RESPONSE, txn->cancel->final_frame);
    }
    if (code == 408 && txn) {
        decide_number(d, SIPKB_F_TRANSACTION_RETRANSMISSIONS, txn->group->retransmissions);
        decide_nanoseconds(d, SIPKB_F_TRANSACTION_WAITED, msg->time_ns - txn->first_time_ns);
    }
    decide_retry_and_redirect(d);
    /* Last of the response's findings: in the ladder, what the response says (its CANCEL, its
     * realm, its Retry-After) tells more than where it came from. */
    if (d->relay.frame) {
        decide_frame(d, SIPKB_F_RESPONSE_RELAYED_FROM, d->relay.frame);
        if (d->relay.generated_by)
            decide_text(d, SIPKB_F_RESPONSE_GENERATED_BY, d->relay.generated_by);
    }
    g_ptr_array_free(w.owned, TRUE);
}
