/* The analyzer's rules on plain values, for its rule files and their unit tests: Caller-ID vs
 * digest username and re-challenges (plugin/core/auth.c), 403 evidence and call outcome
 * (plugin/core/responses.c).
 */
#ifndef SIPKB_DIAGNOSIS_H
#define SIPKB_DIAGNOSIS_H

#include <glib.h>

G_BEGIN_DECLS

/* ---- Caller-ID (From user) vs digest username ---------------------------------------------- */

typedef enum {
    SIPKB_CALLERID_NOT_APPLICABLE, /* no credentials, or no From user */
    SIPKB_CALLERID_MATCH,
    SIPKB_CALLERID_MISMATCH,       /* different identities */
    SIPKB_CALLERID_FORMAT_DIFFERS, /* the same number written differently (+, country code, 0) */
} sipkb_callerid_result;

/* Compares exactly, after removing RFC 3966 visual separators from telephone numbers. Both a
 * mismatch and a format-only difference count as a mismatch for the server. */
sipkb_callerid_result sipkb_compare_callerid(const char *from_user, const char *digest_username);

static inline gboolean
sipkb_callerid_is_mismatch(sipkb_callerid_result result)
{
    return result == SIPKB_CALLERID_MISMATCH || result == SIPKB_CALLERID_FORMAT_DIFFERS;
}

/* ---- a request with credentials challenged again ------------------------------------------- */

typedef enum {
    SIPKB_RECHALLENGE_NONE,     /* the request had no credentials: a first challenge */
    SIPKB_RECHALLENGE_STALE,    /* the nonce was stale or outdated: the client retries, normal */
    SIPKB_RECHALLENGE_REJECTED, /* fresh credentials refused: wrong username, password or realm */
} sipkb_rechallenge;

/* `stale_param`: the new challenge's stale parameter (or NULL); `used_nonce`: the nonce the
 * credentials answered; `latest_seen_nonce`: the nonce of the last challenge of this client
 * seen in the capture before the request, NULL when the capture holds none. */
sipkb_rechallenge sipkb_classify_rechallenge(gboolean request_had_credentials,
                                             const char *stale_param, const char *used_nonce,
                                             const char *latest_seen_nonce);

/* ---- 403: causes ranked from the evidence ---------------------------------------------------- */

typedef enum {
    SIPKB_FORBIDDEN_REASON_CREDENTIALS, /* the reason phrase speaks of a password/credentials */
    SIPKB_FORBIDDEN_REASON_CREDIT,      /* ... of credit, balance, funds */
    SIPKB_FORBIDDEN_REASON_CALLERID,    /* ... of the caller's identity */
    SIPKB_FORBIDDEN_CALLERID_MISMATCH,  /* the request's From user differs from its digest user */
    SIPKB_FORBIDDEN_NO_CREDENTIALS,     /* the request carried no credentials */
    SIPKB_FORBIDDEN_CREDENTIALS_MATCH,  /* credentials sent, From matches: password or account */
} sipkb_forbidden_evidence;

#define SIPKB_FORBIDDEN_MAX_EVIDENCE 6

typedef struct {
    guint count;
    sipkb_forbidden_evidence items[SIPKB_FORBIDDEN_MAX_EVIDENCE]; /* most telling first */
} sipkb_forbidden_ranking;

/* `request_known`: the capture holds the request the 403 answers. */
void sipkb_rank_forbidden(const char *reason_phrase, gboolean request_known,
                          gboolean request_had_credentials, sipkb_callerid_result callerid,
                          sipkb_forbidden_ranking *out);

/* ---- the outcome of an INVITE ---------------------------------------------------------------- */

typedef enum {
    SIPKB_CALL_ANSWERED,
    SIPKB_CALL_REDIRECTED,
    SIPKB_CALL_CANCELLED,   /* 487 after the caller's CANCEL */
    SIPKB_CALL_TIMED_OUT,   /* 408 */
    SIPKB_CALL_UNAVAILABLE, /* busy, not found, temporarily unavailable, declined */
    SIPKB_CALL_REJECTED,    /* refused by a server: 403 and other failures */
} sipkb_call_outcome;

sipkb_call_outcome sipkb_call_outcome_of(guint32 final_code, gboolean cancel_seen);

G_END_DECLS

#endif /* SIPKB_DIAGNOSIS_H */
