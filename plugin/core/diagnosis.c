/* Cross-message decision rules (see include/sipkb/diagnosis.h). */
#include "sipkb/diagnosis.h"

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
