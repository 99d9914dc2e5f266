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
    SIPKB_CALLERID_USERNAME_FORM,  /* digest username user@domain whose user is the From user */
} sipkb_callerid_result;

/* Compares exactly, after removing RFC 3966 visual separators from telephone numbers. Both a
 * mismatch and a format-only difference count as a mismatch for the server; a digest username
 * in user@domain form whose user part matches is its own case. */
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
    SIPKB_RECHALLENGE_UNSURE,   /* credentials on the latest nonce, challenged again long after
                                   it was given: expired nonce or refused credentials */
} sipkb_rechallenge;

/* How long a server is taken to keep a nonce: Kamailio's and Asterisk's defaults are about
 * 30 s. A retry later than this on the same nonce may meet an expired one. */
#define SIPKB_NONCE_LIFETIME_NS (G_GINT64_CONSTANT(30) * 1000000000)

typedef struct {
    gboolean had_credentials;      /* the challenged request carried credentials */
    const char *stale_param;       /* the new challenge's stale parameter, or NULL */
    const char *reason_phrase;     /* the new challenge's reason phrase, or NULL */
    const char *used_nonce;        /* the nonce the credentials answered */
    const char *latest_seen_nonce; /* the latest nonce the server gave before the request (its
                                      last challenge or a nextnonce after it), or NULL */
    gint64 challenge_to_retry_ns;  /* from that challenge to the request; -1 when unknown */
    gboolean nonce_accepted_before; /* an earlier 2xx accepted credentials of the same username
                                       and realm on this very nonce */
} sipkb_rechallenge_evidence;

/* RFC 3261 section 22 with RFC 2617 section 3.2.1: stale=true, a reason phrase that speaks of
 * the nonce, or credentials on an older nonce mean a stale nonce; so do credentials on a nonce
 * the server already accepted them on (it takes a nonce once, RFC 2617 section 3.2.3: the
 * password was right); credentials on the latest nonce, challenged again within its lifetime,
 * are rejected; later than that, unsure. */
sipkb_rechallenge sipkb_classify_rechallenge(const sipkb_rechallenge_evidence *evidence);

/* ---- 403: causes ranked from the evidence ---------------------------------------------------- */

typedef enum {
    SIPKB_FORBIDDEN_REASON_CREDENTIALS, /* the reason phrase speaks of a password/credentials */
    SIPKB_FORBIDDEN_REASON_CREDIT,      /* ... of credit, balance, funds */
    SIPKB_FORBIDDEN_REASON_CALLERID,    /* ... of the caller's identity */
    SIPKB_FORBIDDEN_CALLERID_MISMATCH,  /* the request's From user differs from its digest user */
    SIPKB_FORBIDDEN_NO_CREDENTIALS,     /* the request carried no credentials */
    SIPKB_FORBIDDEN_CREDENTIALS_MATCH,  /* credentials sent, From matches: password or account */
    SIPKB_FORBIDDEN_CALLERID_ACCEPTED_BEFORE, /* a mismatch the server accepted elsewhere */
    SIPKB_FORBIDDEN_CREDENTIALS_SENT, /* credentials sent where From is not compared (a dialog) */
} sipkb_forbidden_evidence;

#define SIPKB_FORBIDDEN_MAX_EVIDENCE 8

typedef struct {
    guint count;
    sipkb_forbidden_evidence items[SIPKB_FORBIDDEN_MAX_EVIDENCE]; /* most telling first */
    gboolean phrase_used; /* the reason phrase gave some of the evidence */
} sipkb_forbidden_ranking;

/* `request_known`: the capture holds the request the 403 answers; `pair_accepted_before`: the
 * server accepted the same From user and digest username earlier in the capture, so a
 * mismatch ranks last. */
void sipkb_rank_forbidden(const char *reason_phrase, gboolean request_known,
                          gboolean request_had_credentials, sipkb_callerid_result callerid,
                          gboolean pair_accepted_before, sipkb_forbidden_ranking *out);

/* ---- the outcome of an INVITE ---------------------------------------------------------------- */

typedef enum {
    SIPKB_CALL_ANSWERED,
    SIPKB_CALL_REDIRECTED,
    SIPKB_CALL_CANCELLED,   /* 487, or 408, after the caller's CANCEL */
    SIPKB_CALL_TIMED_OUT,   /* 408 without a CANCEL */
    SIPKB_CALL_BUSY,        /* 486, 600: the callee was reached and is busy */
    SIPKB_CALL_DECLINED,    /* 603, 607: the callee was reached and declined */
    SIPKB_CALL_UNAVAILABLE, /* not found, temporarily unavailable: the callee was not reached */
    SIPKB_CALL_REJECTED,    /* refused by a server: 403 and other failures */
} sipkb_call_outcome;

sipkb_call_outcome sipkb_call_outcome_of(guint32 final_code, gboolean cancel_seen);

G_END_DECLS

#endif /* SIPKB_DIAGNOSIS_H */
