/* Authentication: challenges (401/407), the retries that answer them, stale or rejected
 * credentials (RFC 3261 section 22, RFC 2617 section 3.2.1), and the Caller-ID (From user)
 * compared with the digest username.
 */
#include "analyzer-internal.h"

#include <string.h>

/* ---- Caller-ID ------------------------------------------------------------------------------ */

/* RFC 3966 section 3: visual separators carry no meaning inside a telephone number. */
static gboolean
is_visual_separator(char c)
{
    return c == '-' || c == '.' || c == '(' || c == ')';
}

/* A telephone-number user part: an optional '+', then digits and visual separators. On
 * success `digits` holds the number without separators (and with the '+'). */
static gboolean
telephone_number(const char *user, GString *digits)
{
    g_string_truncate(digits, 0);
    const char *p = user;
    if (*p == '+')
        g_string_append_c(digits, *p++);
    for (; *p; p++) {
        if (g_ascii_isdigit(*p))
            g_string_append_c(digits, *p);
        else if (!is_visual_separator(*p))
            return FALSE;
    }
    return digits->len > 0 && g_ascii_isdigit(digits->str[digits->len - 1]);
}

/* The digits that identify the subscriber: without '+' or the 00 international prefix, and
 * without a national trunk prefix 0 on a national number. */
static const char *
significant_digits(const char *number)
{
    if (number[0] == '+')
        return number + 1;
    if (number[0] == '0' && number[1] == '0')
        return number + 2;
    if (number[0] == '0')
        return number + 1;
    return number;
}

/* The same subscriber written in two formats: equal significant digits, or one is the other
 * with a country code (1 to 3 digits) in front. */
static gboolean
same_number_other_format(const char *a, const char *b)
{
    const char *x = significant_digits(a), *y = significant_digits(b);
    size_t len_x = strlen(x), len_y = strlen(y);
    if (len_x < len_y) {
        const char *t = x;
        x = y;
        y = t;
        size_t tl = len_x;
        len_x = len_y;
        len_y = tl;
    }
    if (len_y < 6)
        return FALSE;
    size_t country_code_len = len_x - len_y;
    return country_code_len <= 3 && strcmp(x + country_code_len, y) == 0;
}

sipkb_callerid_result
sipkb_compare_callerid(const char *from_user, const char *digest_username)
{
    if (!from_user || !digest_username || !*from_user || !*digest_username)
        return SIPKB_CALLERID_NOT_APPLICABLE;
    GString *from = g_string_new(NULL), *digest = g_string_new(NULL);
    sipkb_callerid_result result;
    if (telephone_number(from_user, from) && telephone_number(digest_username, digest)) {
        if (strcmp(from->str, digest->str) == 0)
            result = SIPKB_CALLERID_MATCH;
        else if (same_number_other_format(from->str, digest->str))
            result = SIPKB_CALLERID_FORMAT_DIFFERS;
        else
            result = SIPKB_CALLERID_MISMATCH;
    } else {
        /* User parts and digest usernames are case-sensitive (RFC 3261 section 19.1.4). */
        result = strcmp(from_user, digest_username) == 0 ? SIPKB_CALLERID_MATCH
                                                         : SIPKB_CALLERID_MISMATCH;
    }
    g_string_free(from, TRUE);
    g_string_free(digest, TRUE);
    return result;
}

/* ---- re-challenges ----------------------------------------------------------------------- */

sipkb_rechallenge
sipkb_classify_rechallenge(gboolean request_had_credentials, const char *stale_param,
                           const char *used_nonce, const char *latest_seen_nonce)
{
    if (!request_had_credentials)
        return SIPKB_RECHALLENGE_NONE;
    /* RFC 3261 section 22 via RFC 2617 section 3.2.1: stale=true means only the nonce was
     * refused; the client retries with the new one without asking the user. */
    if (stale_param && g_ascii_strcasecmp(stale_param, "true") == 0)
        return SIPKB_RECHALLENGE_STALE;
    /* Credentials computed on the latest nonce the server gave, and still refused. */
    if (latest_seen_nonce && used_nonce && strcmp(used_nonce, latest_seen_nonce) == 0)
        return SIPKB_RECHALLENGE_REJECTED;
    /* The client answered a nonce the server has since replaced (or one from before the
     * capture): the server changed its nonce, and the retry decides. */
    return SIPKB_RECHALLENGE_STALE;
}

/* ---- challenges, as the analyzer meets them --------------------------------------------- */

typedef struct {
    const char *call_id; /* interned */
    const char *method;  /* interned */
} challenge_key;

static guint
challenge_key_hash(gconstpointer key)
{
    const challenge_key *k = key;
    return g_direct_hash(k->call_id) ^ (g_direct_hash(k->method) * 31u);
}

static gboolean
challenge_key_equal(gconstpointer a, gconstpointer b)
{
    const challenge_key *x = a, *y = b;
    return x->call_id == y->call_id && x->method == y->method;
}

/* The latest challenge of (Call-ID, CSeq method); the slot is added when `add`. */
static challenge **
challenge_slot(sipkb_analyzer *analyzer, const sipkb_message *msg, gboolean add)
{
    if (!analyzer->challenges)
        analyzer->challenges = g_hash_table_new(challenge_key_hash, challenge_key_equal);
    challenge_key probe = {analyzer_keep(analyzer, msg->call_id),
                           analyzer_keep(analyzer, msg->cseq_method)};
    challenge **slot = g_hash_table_lookup(analyzer->challenges, &probe);
    if (!slot && add) {
        challenge_key *key = analyzer_alloc(analyzer, sizeof(challenge_key));
        *key = probe;
        slot = analyzer_alloc(analyzer, sizeof(challenge *));
        g_hash_table_insert(analyzer->challenges, key, slot);
    }
    return slot;
}

/* The comparison in words: "From user X differs from digest username Y". */
static char *
callerid_words(const decision *d, sipkb_callerid_result result, const char *from_user,
               const char *digest_user)
{
    const char *names[] = {"from_user", "digest_user"};
    const char *values[] = {from_user, digest_user};
    const char *text = result == SIPKB_CALLERID_MISMATCH         ? "callerid.mismatch"
                       : result == SIPKB_CALLERID_FORMAT_DIFFERS ? "callerid.format"
                                                                 : "callerid.match";
    return decide_words(d, text, names, values, G_N_ELEMENTS(names));
}

static void
decide_callerid(decision *d, const transaction *txn, gboolean on_request)
{
    char *comparison = callerid_words(d, txn->callerid, txn->from_user, txn->digest_username);
    decide_text(d, SIPKB_F_CALLERID, comparison);
    g_free(comparison);
    if (!on_request)
        decide_frame(d, SIPKB_F_CALLERID_REQUEST_FRAME, txn->first_frame);
    decide_text(d, SIPKB_F_CALLERID_FROM_USER, txn->from_user);
    decide_text(d, SIPKB_F_CALLERID_AUTH_USER, txn->digest_username);
}

/* P-Asserted-Identity or P-Preferred-Identity (RFC 3325) naming the digest user: the server may
 * take the caller ID from there instead of From. */
static void
decide_asserted_identity(decision *d)
{
    const sipkb_message *msg = d->msg;
    const char *asserted[] = {msg->p_asserted_identity_user, msg->p_preferred_identity_user};
    for (gsize i = 0; i < G_N_ELEMENTS(asserted); i++) {
        if (sipkb_compare_callerid(asserted[i], msg->credentials.username) != SIPKB_CALLERID_MATCH)
            continue;
        const char *names[] = {"asserted"};
        char *text = decide_words(d, "callerid.asserted", names, &asserted[i], 1);
        decide_text(d, SIPKB_F_CALLERID_ASSERTED, text);
        g_free(text);
        return;
    }
}

/* Variants of callerid.mismatch's text in the findings table. */
enum { MISMATCH_TEXT_FORMAT_ONLY = 1 };

void
auth_request(decision *d)
{
    const sipkb_message *msg = d->msg;
    transaction *txn = d->txn;
    if (d->retransmission)
        return;
    challenge **slot = challenge_slot(d->analyzer, msg, FALSE);
    challenge *latest = slot ? *slot : NULL;
    txn->nonce_seen_before = latest ? latest->nonce : NULL;
    if (msg->credentials.header == SIPKB_AUTH_NONE)
        return;
    txn->has_credentials = TRUE;
    txn->from_user = analyzer_keep(d->analyzer, msg->from_user);
    txn->digest_username = analyzer_keep(d->analyzer, msg->credentials.username);
    txn->credentials_nonce = analyzer_keep(d->analyzer, msg->credentials.nonce);
    txn->callerid = sipkb_compare_callerid(msg->from_user, msg->credentials.username);
    if (latest && !latest->answered_in) {
        latest->answered_in = msg->frame;
        d->answered = latest;
        d->result->challenge_frame = latest->challenge_frame;
        decide_frame(d, SIPKB_F_AUTH_CHALLENGE_FRAME, latest->challenge_frame);
    }
    if (txn->callerid == SIPKB_CALLERID_NOT_APPLICABLE)
        return;
    decide_callerid(d, txn, TRUE);
    if (!sipkb_callerid_is_mismatch(txn->callerid))
        return;
    gboolean format_only = txn->callerid == SIPKB_CALLERID_FORMAT_DIFFERS;
    decide_flag(d, SIPKB_F_CALLERID_MISMATCH, format_only ? MISMATCH_TEXT_FORMAT_ONLY : 0);
    if (format_only)
        decide_flag(d, SIPKB_F_CALLERID_FORMAT_ONLY, 0);
    decide_asserted_identity(d);
}

static void
decide_challenge_words(decision *d)
{
    const sipkb_auth *auth = &d->msg->challenge;
    decide_item(d, SIPKB_F_AUTH);
    decide_text(d, SIPKB_F_AUTH_CHALLENGER,
                sipkb_findings_text(d->analyzer->findings, d->msg->status_code == 407
                                                               ? "challenger.proxy"
                                                               : "challenger.registrar"));
    if (auth->realm)
        decide_text(d, SIPKB_F_AUTH_REALM, auth->realm);
    if (auth->header != SIPKB_AUTH_NONE)
        decide_text(d, SIPKB_F_AUTH_ALGORITHM,
                    auth->algorithm
                        ? auth->algorithm
                        : sipkb_findings_text(d->analyzer->findings, "algorithm.default"));
}

/* A new challenge, or the same one sent again (the SIP dissector's resend mark). */
static challenge *
note_challenge(decision *d, sipkb_rechallenge *rechallenge)
{
    const sipkb_message *msg = d->msg;
    challenge **slot = challenge_slot(d->analyzer, msg, TRUE);
    *rechallenge = SIPKB_RECHALLENGE_NONE;
    if (msg->is_resend && *slot) {
        (*slot)->results = g_slist_prepend((*slot)->results, d->result);
        return *slot;
    }
    challenge *c = analyzer_alloc(d->analyzer, sizeof(challenge));
    c->challenge_frame = msg->frame;
    c->results = g_slist_prepend(NULL, d->result);
    c->request_frame = d->txn ? d->txn->first_frame : 0;
    c->nonce = analyzer_keep(d->analyzer, msg->challenge.nonce);
    *slot = c;
    g_ptr_array_add(d->analyzer->all_challenges, c);
    if (d->txn)
        *rechallenge =
            sipkb_classify_rechallenge(d->txn->has_credentials, msg->challenge.stale,
                                       d->txn->credentials_nonce, d->txn->nonce_seen_before);
    return c;
}

void
auth_response(decision *d)
{
    decide_challenge_words(d);
    const sipkb_message *msg = d->msg;
    if (!msg->call_id || !msg->has_cseq || !msg->cseq_method)
        return;
    sipkb_rechallenge rechallenge;
    challenge *c = note_challenge(d, &rechallenge);
    d->result->challenge_frame = c->challenge_frame;
    d->result->facts |= SIPKB_FACT_CHALLENGE;
    if (c->request_frame)
        decide_frame(d, SIPKB_F_AUTH_REQUEST_FRAME, c->request_frame);
    if (rechallenge == SIPKB_RECHALLENGE_STALE)
        decide_flag(d, SIPKB_F_AUTH_STALE, 0);
    else if (rechallenge == SIPKB_RECHALLENGE_REJECTED)
        decide_flag(d, SIPKB_F_AUTH_REJECTED, 0);
}

void
auth_response_callerid(decision *d)
{
    const transaction *txn = d->txn;
    if (txn && txn->has_credentials && txn->callerid != SIPKB_CALLERID_NOT_APPLICABLE)
        decide_callerid(d, txn, FALSE);
}

void
auth_finish(sipkb_analyzer *analyzer, GArray *late)
{
    for (guint i = 0; i < analyzer->all_challenges->len; i++) {
        const challenge *c = g_ptr_array_index(analyzer->all_challenges, i);
        sipkb_item item = {.finding = SIPKB_F_AUTH_UNANSWERED, .value.number = 1};
        if (c->answered_in) {
            item.finding = SIPKB_F_AUTH_ANSWERED_IN;
            item.value.number = c->answered_in;
        }
        for (GSList *r = c->results; r; r = r->next) {
            g_array_set_size(late, 0);
            g_array_append_val(late, item);
            analyzer_add_late(analyzer, r->data, (sipkb_item *)late->data, late->len);
        }
    }
}
