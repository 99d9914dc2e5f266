/* Authentication: challenges (401/407), the retries that answer them, stale or rejected
 * credentials (RFC 3261 section 22, RFC 2617 section 3.2.1), and the Caller-ID (From user)
 * compared with the digest username.
 */
#include "analyzer-internal.h"

#include <string.h>

#include "sipkb/text.h"

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

static sipkb_callerid_result compare_users(const char *from_user, const char *digest_username);

sipkb_callerid_result
sipkb_compare_callerid(const char *from_user, const char *digest_username)
{
    if (!from_user || !digest_username || !*from_user || !*digest_username)
        return SIPKB_CALLERID_NOT_APPLICABLE;
    sipkb_callerid_result result = compare_users(from_user, digest_username);
    /* Some clients send the username as user@domain (RFC 3261 section 22.4 leaves its form
     * to the server): its user part is what the From user is compared with. */
    const char *at = strchr(digest_username, '@');
    if (sipkb_callerid_is_mismatch(result) && at && at > digest_username) {
        char *user = g_strndup(digest_username, (gsize)(at - digest_username));
        if (compare_users(from_user, user) == SIPKB_CALLERID_MATCH)
            result = SIPKB_CALLERID_USERNAME_FORM;
        g_free(user);
    }
    return result;
}

static sipkb_callerid_result
compare_users(const char *from_user, const char *digest_username)
{
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

/* A reason phrase that speaks of the nonce ("Stale nonce", "Nonce has changed"). */
static gboolean
reason_speaks_of_nonce(const char *reason_phrase)
{
    if (!reason_phrase)
        return FALSE;
    char *lower = g_ascii_strdown(reason_phrase, -1);
    gboolean nonce = strstr(lower, "nonce") || strstr(lower, "stale");
    g_free(lower);
    return nonce;
}

sipkb_rechallenge
sipkb_classify_rechallenge(const sipkb_rechallenge_evidence *e)
{
    if (!e->had_credentials)
        return SIPKB_RECHALLENGE_NONE;
    /* RFC 3261 section 22 via RFC 2617 section 3.2.1: stale=true means only the nonce was
     * refused; the client retries with the new one without asking the user. */
    if ((e->stale_param && g_ascii_strcasecmp(e->stale_param, "true") == 0) ||
        reason_speaks_of_nonce(e->reason_phrase))
        return SIPKB_RECHALLENGE_STALE;
    /* The client answered a nonce the server has since replaced (or one from before the
     * capture): the server changed its nonce, and the retry decides. */
    if (!e->latest_seen_nonce || !e->used_nonce || strcmp(e->used_nonce, e->latest_seen_nonce))
        return SIPKB_RECHALLENGE_STALE;
    /* The same username and realm were accepted on this nonce before: the password is right,
     * and the server refuses the nonce's reuse (one-time nonces, RFC 2617 section 3.2.3). */
    if (e->nonce_accepted_before)
        return SIPKB_RECHALLENGE_STALE;
    /* Credentials computed on the latest nonce the server gave, and still refused: unless the
     * nonce may have expired meanwhile. */
    if (e->challenge_to_retry_ns > SIPKB_NONCE_LIFETIME_NS)
        return SIPKB_RECHALLENGE_UNSURE;
    return SIPKB_RECHALLENGE_REJECTED;
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
                       : result == SIPKB_CALLERID_USERNAME_FORM  ? "callerid.username_form"
                                                                 : "callerid.match";
    return decide_words(d, text, names, values, G_N_ELEMENTS(names));
}

/* Variants of the callerid item: they choose its ladder words in the findings table, so that a
 * response to a request whose Caller-ID differs says so in the ladder. */
enum { CALLERID_VARIANT_MISMATCH = 1, CALLERID_VARIANT_FORMAT_ONLY = 2 };

static void
decide_callerid(decision *d, const transaction *txn, gboolean on_request)
{
    char *comparison = callerid_words(d, txn->callerid, txn->from_user, txn->digest_username);
    sipkb_item *item = decide_text(d, SIPKB_F_CALLERID, comparison);
    if (txn->callerid == SIPKB_CALLERID_FORMAT_DIFFERS)
        item->variant = CALLERID_VARIANT_FORMAT_ONLY;
    else if (sipkb_callerid_is_mismatch(txn->callerid))
        item->variant = CALLERID_VARIANT_MISMATCH;
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

/* The Caller-ID a UA presents is the From of a request outside a dialog (no To tag). Inside a
 * dialog the From is the dialog's local URI, fixed when the dialog began (RFC 3261 sections
 * 12.1.1 and 12.2.1.1): a BYE from the called side carries the callee's From, which is no
 * presentation of a caller. */
static void
decide_request_callerid(decision *d, transaction *txn)
{
    const sipkb_message *msg = d->msg;
    txn->callerid = msg->to_tag ? SIPKB_CALLERID_NOT_APPLICABLE
                                : sipkb_compare_callerid(msg->from_user, msg->credentials.username);
    if (txn->callerid == SIPKB_CALLERID_NOT_APPLICABLE)
        return;
    decide_callerid(d, txn, TRUE);
    if (txn->callerid == SIPKB_CALLERID_USERNAME_FORM)
        decide_flag(d, SIPKB_F_CALLERID_USERNAME_FORM, 0);
    if (!sipkb_callerid_is_mismatch(txn->callerid))
        return;
    gboolean format_only = txn->callerid == SIPKB_CALLERID_FORMAT_DIFFERS;
    decide_flag(d, SIPKB_F_CALLERID_MISMATCH, format_only ? MISMATCH_TEXT_FORMAT_ONLY : 0);
    if (format_only)
        decide_flag(d, SIPKB_F_CALLERID_FORMAT_ONLY, 0);
    decide_asserted_identity(d);
}

/* "realm\nusername\nnonce" of the request's credentials. */
static char *
nonce_key(const transaction *txn)
{
    return g_strdup_printf("%s\n%s\n%s", txn->credentials_realm ? txn->credentials_realm : "",
                           txn->digest_username ? txn->digest_username : "",
                           txn->credentials_nonce);
}

/* The 2xx that accepted credentials of this username and realm on this nonce before, or 0. */
static guint32
nonce_accepted_in(const sipkb_analyzer *analyzer, const transaction *txn)
{
    if (!analyzer->accepted_nonces || !txn->credentials_nonce || !*txn->credentials_nonce)
        return 0;
    char *key = nonce_key(txn);
    guint32 frame = GPOINTER_TO_UINT(g_hash_table_lookup(analyzer->accepted_nonces, key));
    g_free(key);
    return frame;
}

void
auth_request(decision *d)
{
    const sipkb_message *msg = d->msg;
    transaction *txn = d->txn;
    if (d->retransmission)
        return;
    challenge **slot = challenge_slot(d->analyzer, msg, FALSE);
    challenge *latest = slot ? *slot : NULL;
    if (latest) {
        gboolean next = latest->next_nonce != NULL;
        txn->nonce_seen_before = next ? latest->next_nonce : latest->nonce;
        txn->nonce_seen_in = next ? latest->next_nonce_frame : latest->challenge_frame;
        txn->nonce_seen_is_next = next;
    }
    if (msg->credentials.header == SIPKB_AUTH_NONE)
        return;
    txn->has_credentials = TRUE;
    txn->from_user = analyzer_keep(d->analyzer, msg->from_user);
    txn->digest_username = analyzer_keep(d->analyzer, msg->credentials.username);
    txn->credentials_nonce = analyzer_keep(d->analyzer, msg->credentials.nonce);
    txn->credentials_realm = analyzer_keep(d->analyzer, msg->credentials.realm);
    txn->nonce_accepted_in = nonce_accepted_in(d->analyzer, txn);
    txn->answered = latest;
    if (latest && !latest->answered_in) {
        /* A proxy relayed the challenge: the retry answers its downstream copy too (the proxy
         * forwards the credentials to the element that asked for them). */
        for (challenge *c = latest; c && !c->answered_in; c = c->relay_of)
            c->answered_in = msg->frame;
        d->answered = latest;
        d->result->challenge_frame = latest->challenge_frame;
        decide_frame(d, SIPKB_F_AUTH_CHALLENGE_FRAME, latest->challenge_frame);
    }
    if (latest)
        decide_nanoseconds(d, SIPKB_F_AUTH_RETRY_DELAY, msg->time_ns - latest->time_ns);
    decide_request_callerid(d, txn);
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

static sipkb_rechallenge
classify(const decision *d)
{
    const transaction *txn = d->txn;
    sipkb_rechallenge_evidence evidence = {
        .had_credentials = txn->has_credentials,
        .stale_param = d->msg->challenge.stale,
        .reason_phrase = d->msg->reason_phrase,
        .used_nonce = txn->credentials_nonce,
        .latest_seen_nonce = txn->nonce_seen_before,
        .challenge_to_retry_ns = txn->answered ? txn->first_time_ns - txn->answered->time_ns : -1,
        .nonce_accepted_before = txn->nonce_accepted_in != 0,
    };
    return sipkb_classify_rechallenge(&evidence);
}

/* Is the challenge's first copy, or a resend of it, in `frame`? */
static gboolean
has_copy_in(const challenge *c, guint32 frame)
{
    for (const GSList *r = c->results; r; r = r->next) {
        if (((const sipkb_result *)r->data)->frame == frame)
            return TRUE;
    }
    return FALSE;
}

/* A new challenge, or the same one sent again (the SIP dissector's resend mark); a challenge a
 * proxy relayed is a new one (the client's), linked to its downstream copy. */
static challenge *
note_challenge(decision *d)
{
    const sipkb_message *msg = d->msg;
    challenge **slot = challenge_slot(d->analyzer, msg, TRUE);
    if (msg->is_resend && *slot) {
        (*slot)->results = g_slist_prepend((*slot)->results, d->result);
        return *slot;
    }
    challenge *c = analyzer_alloc(d->analyzer, sizeof(challenge));
    c->challenge_frame = msg->frame;
    c->time_ns = msg->time_ns;
    c->results = g_slist_prepend(NULL, d->result);
    c->request_frame = d->txn ? d->txn->first_frame : 0;
    c->nonce = analyzer_keep(d->analyzer, msg->challenge.nonce);
    c->rechallenge = d->txn ? classify(d) : SIPKB_RECHALLENGE_NONE;
    if (d->txn)
        d->txn->rechallenge = c->rechallenge;
    if (d->relay.frame && *slot && has_copy_in(*slot, d->relay.frame)) {
        c->relay_of = *slot;
        c->relay_of->relayed = TRUE;
    }
    *slot = c;
    g_ptr_array_add(d->analyzer->all_challenges, c);
    return c;
}

/* Stale because the credentials answered a nonce older than the latest one the server gave, or
 * one the server had accepted them on already, with neither stale=true nor a reason phrase to
 * say so: the cause that names this evidence, or NULL. */
static const char *
stale_evidence_text(const decision *d)
{
    const transaction *txn = d->txn;
    const char *stale = d->msg->challenge.stale;
    if (txn->rechallenge != SIPKB_RECHALLENGE_STALE || !txn->credentials_nonce ||
        (stale && g_ascii_strcasecmp(stale, "true") == 0) ||
        reason_speaks_of_nonce(d->msg->reason_phrase))
        return NULL;
    if (txn->nonce_seen_before && strcmp(txn->credentials_nonce, txn->nonce_seen_before))
        return txn->nonce_seen_is_next ? "cause.auth.stale.nextnonce" : "cause.auth.stale.replaced";
    return txn->nonce_accepted_in ? "cause.auth.stale.reused" : NULL;
}

/* A re-challenge: its verdict as a flag, and the evidence as the first cause. */
static void
decide_rechallenge(decision *d, const challenge *c)
{
    static const char *const cause_texts[] = {
        [SIPKB_RECHALLENGE_STALE] = "cause.auth.stale",
        [SIPKB_RECHALLENGE_REJECTED] = "cause.auth.rejected",
        [SIPKB_RECHALLENGE_UNSURE] = "cause.auth.stale_or_rejected",
    };
    static const sipkb_finding flags[] = {
        [SIPKB_RECHALLENGE_STALE] = SIPKB_F_AUTH_STALE,
        [SIPKB_RECHALLENGE_REJECTED] = SIPKB_F_AUTH_REJECTED,
        [SIPKB_RECHALLENGE_UNSURE] = SIPKB_F_AUTH_STALE_OR_REJECTED,
    };
    const transaction *txn = d->txn;
    if (c->rechallenge == SIPKB_RECHALLENGE_NONE || c->challenge_frame != d->msg->frame)
        return;
    gint64 delay = txn->answered ? txn->first_time_ns - txn->answered->time_ns : -1;
    if (delay >= 0)
        decide_nanoseconds(d, SIPKB_F_AUTH_RETRY_DELAY, delay);
    decide_flag(d, flags[c->rechallenge], 0);
    char request[16], challenge_frame[16], latest[16], accepted[16];
    g_snprintf(request, sizeof(request), "%u", txn->first_frame);
    g_snprintf(challenge_frame, sizeof(challenge_frame), "%u",
               txn->answered ? txn->answered->challenge_frame : 0);
    char *seconds = sipkb_text_seconds(MAX(delay, 0));
    g_snprintf(latest, sizeof(latest), "%u", txn->nonce_seen_in);
    g_snprintf(accepted, sizeof(accepted), "%u", txn->nonce_accepted_in);
    const char *names[] = {"request", "challenge", "delay", "latest", "accepted"};
    const char *values[] = {request, challenge_frame, seconds, latest, accepted};
    const char *evidence = stale_evidence_text(d);
    decide_cause(d, evidence ? evidence : cause_texts[c->rechallenge], names, values,
                 G_N_ELEMENTS(names));
    g_free(seconds);
}

void
auth_response(decision *d)
{
    decide_challenge_words(d);
    const sipkb_message *msg = d->msg;
    if (!msg->call_id || !msg->has_cseq || !msg->cseq_method)
        return;
    challenge *c = note_challenge(d);
    d->result->challenge_frame = c->challenge_frame;
    d->result->facts |= SIPKB_FACT_CHALLENGE;
    if (c->request_frame)
        decide_frame(d, SIPKB_F_AUTH_REQUEST_FRAME, c->request_frame);
    if (d->txn)
        decide_rechallenge(d, c);
}

static char *
pair_key(const transaction *txn)
{
    return g_strconcat(txn->from_user, "\n", txn->digest_username, NULL);
}

/* A 2xx to credentials: their nonce was good for that username and realm (the first such 2xx is
 * kept). */
static void
note_accepted_nonce(decision *d)
{
    const transaction *txn = d->txn;
    if (!txn->credentials_nonce || !*txn->credentials_nonce)
        return;
    if (!d->analyzer->accepted_nonces)
        d->analyzer->accepted_nonces =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *key = nonce_key(txn);
    if (g_hash_table_contains(d->analyzer->accepted_nonces, key))
        g_free(key);
    else
        g_hash_table_insert(d->analyzer->accepted_nonces, key, GUINT_TO_POINTER(d->msg->frame));
}

guint32
auth_pair_accepted_in(const sipkb_analyzer *analyzer, const transaction *txn)
{
    if (!analyzer->accepted_pairs || !txn->from_user || !txn->digest_username)
        return 0;
    char *key = pair_key(txn);
    guint32 frame = GPOINTER_TO_UINT(g_hash_table_lookup(analyzer->accepted_pairs, key));
    g_free(key);
    return frame;
}

/* RFC 2617 section 3.2.3: a nextnonce in Authentication-Info is the nonce the client should use
 * for its next request; from then on it is the server's latest, and credentials on the nonce of
 * the challenge before it answer an older one. */
static void
note_next_nonce(decision *d)
{
    const char *next = d->msg->authentication_info.nextnonce;
    challenge **slot = next && *next ? challenge_slot(d->analyzer, d->msg, FALSE) : NULL;
    if (!slot)
        return;
    (*slot)->next_nonce = analyzer_keep(d->analyzer, next);
    (*slot)->next_nonce_frame = d->msg->frame;
}

/* Variant of auth.accepted's text: the challenge before was a re-challenge. */
enum { ACCEPTED_TEXT_AFTER_RECHALLENGE = 1 };

/* A 2xx to a request with credentials: the server took them. After a re-challenge that was
 * not plainly refused, this shows the nonce was stale; a Caller-ID mismatch it accepted is no
 * cause of refusals elsewhere. */
static void
decide_accepted(decision *d)
{
    const transaction *txn = d->txn;
    note_next_nonce(d);
    note_accepted_nonce(d);
    if (txn->answered) {
        gboolean after_rechallenge = txn->answered->rechallenge == SIPKB_RECHALLENGE_STALE ||
                                     txn->answered->rechallenge == SIPKB_RECHALLENGE_UNSURE;
        decide_flag(d, SIPKB_F_AUTH_ACCEPTED,
                    after_rechallenge ? ACCEPTED_TEXT_AFTER_RECHALLENGE : 0);
    }
    if (!sipkb_callerid_is_mismatch(txn->callerid))
        return;
    if (!d->analyzer->accepted_pairs)
        d->analyzer->accepted_pairs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    char *key = pair_key(txn);
    if (g_hash_table_contains(d->analyzer->accepted_pairs, key))
        g_free(key);
    else
        g_hash_table_insert(d->analyzer->accepted_pairs, key, GUINT_TO_POINTER(d->msg->frame));
    decide_callerid(d, txn, FALSE);
    decide_flag(d, SIPKB_F_CALLERID_ACCEPTED, 0);
}

void
auth_response_callerid(decision *d)
{
    const transaction *txn = d->txn;
    guint32 code = d->msg->status_code;
    if (!txn || !txn->has_credentials || code < 200 || code == 401 || code == 407)
        return;
    if (code < 300) {
        decide_accepted(d);
        return;
    }
    if (txn->callerid != SIPKB_CALLERID_NOT_APPLICABLE)
        decide_callerid(d, txn, FALSE);
}

void
auth_finish(sipkb_analyzer *analyzer, GArray *late)
{
    for (guint i = 0; i < analyzer->all_challenges->len; i++) {
        const challenge *c = g_ptr_array_index(analyzer->all_challenges, i);
        /* No verdict without the challenged client's side in the capture, and none after a
         * rejection: the client is right not to send the same credentials again. A challenge a
         * proxy relayed is said unanswered once, on the copy the client got. */
        if (!c->answered_in &&
            (!c->request_frame || c->relayed || c->rechallenge == SIPKB_RECHALLENGE_REJECTED))
            continue;
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
