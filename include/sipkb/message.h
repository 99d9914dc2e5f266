/* One SIP message as sipkb sees it: the SIP dissector's fields, copied into a plain struct.
 *
 * The Wireshark glue fills it (plugin/sipkb-fields.c); the core decides on it. Strings are
 * borrowed: they live as long as the packet being dissected. Absent fields are NULL / FALSE.
 */
#ifndef SIPKB_MESSAGE_H
#define SIPKB_MESSAGE_H

#include <glib.h>

G_BEGIN_DECLS

/* Which header an authentication parameter set came from. */
typedef enum {
    SIPKB_AUTH_NONE = 0,
    SIPKB_AUTH_WWW_AUTHENTICATE,    /* 401 challenge of a registrar or UAS */
    SIPKB_AUTH_PROXY_AUTHENTICATE,  /* 407 challenge of a proxy */
    SIPKB_AUTH_AUTHORIZATION,       /* credentials for a registrar or UAS */
    SIPKB_AUTH_PROXY_AUTHORIZATION, /* credentials for a proxy */
} sipkb_auth_header;

/* The digest parameters of one authentication header (RFC 3261 section 22, RFC 8760). */
typedef struct {
    sipkb_auth_header header;
    const char *username; /* credentials only */
    const char *realm;
    const char *nonce;
    const char *algorithm; /* MD5 when absent (RFC 3261 section 22.4) */
    const char *stale;     /* challenges only: "true"/"false" */
    const char *uri;       /* credentials only: the digest-uri */
} sipkb_auth;

typedef struct {
    gboolean is_request;  /* a Request-Line was seen */
    gboolean is_response; /* a Status-Line was seen */
    const char *method;   /* requests */
    gboolean has_status_code;
    guint32 status_code;       /* responses, as the SIP dissector parsed it */
    const char *reason_phrase; /* responses */

    const char *call_id;
    gboolean has_cseq;
    guint32 cseq_number;
    const char *cseq_method;
    const char *from_user;
    const char *top_via_branch;

    sipkb_auth challenge;                 /* WWW-Authenticate or Proxy-Authenticate of a response */
    sipkb_auth credentials;               /* Authorization or Proxy-Authorization of a request */
    const char *p_asserted_identity_user; /* user part of P-Asserted-Identity (RFC 3325) */
    const char *p_preferred_identity_user; /* user part of P-Preferred-Identity */

    gboolean has_retry_after;
    guint32 retry_after;             /* seconds */
    const char *const *contact_uris; /* NULL-terminated; may be NULL */

    gboolean is_resend; /* the SIP dissector's retransmission mark */
} sipkb_message;

G_END_DECLS

#endif /* SIPKB_MESSAGE_H */
