/* One SIP message as the analyzer sees it: where and when it travelled, and the SIP and SDP
 * dissectors' fields, copied into plain structs.
 *
 * The Wireshark glue fills it (plugin/extract.c); the analyzer decides on it
 * (plugin/core/analyzer.c). Strings are borrowed for the call that receives the message.
 * Absent fields are NULL / FALSE / 0.
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
    SIPKB_AUTH_AUTHENTICATION_INFO, /* a server's word on accepted credentials (section 20.6) */
} sipkb_auth_header;

/* The digest parameters of one authentication header (RFC 3261 section 22, RFC 8760). */
typedef struct {
    sipkb_auth_header header;
    const char *username; /* credentials only */
    const char *realm;
    const char *nonce;
    const char *algorithm; /* MD5 when absent (RFC 3261 section 22.4) */
    const char *stale;     /* challenges only: "true"/"false" */
    const char *nextnonce; /* Authentication-Info only: the nonce for the next request */
} sipkb_auth;

/* One Via value (RFC 3261 section 20.42). */
typedef struct {
    const char *transport; /* "UDP", "TCP", "TLS", ... */
    const char *host;      /* sent-by host */
    guint port;            /* sent-by port, 0 when absent or not read */
    const char *branch;    /* NULL when absent, or when its parameters were not read */
    const char *received;
    const char *rport;        /* NULL: absent; "": bare ;rport; else its value */
    gboolean parameters_read; /* the dissector read the value's parameters: a NULL branch is
                                 no branch (FALSE: unknown) */
} sipkb_via;

/* One line of an SDP body (RFC 8866 section 5) with the parts the SDP dissector found. */
typedef enum {
    SIPKB_SDP_PART_1, /* o= user, c= address type, b= modifier, t= start, m= media */
    SIPKB_SDP_PART_2, /* o= session id, c= address, b= value, t= stop, m= port */
    SIPKB_SDP_PART_3, /* o= version, c= TTL, m= profile */
    SIPKB_SDP_PART_4, /* o= address */
    SIPKB_SDP_N_PARTS
} sipkb_sdp_part;

typedef struct {
    char type;         /* 'v', 'o', 's', 'c', 'm', 'a', ... */
    gboolean in_media; /* after the first m= line */
    const char *value; /* as written, after "x=" */
    const char *parts[SIPKB_SDP_N_PARTS];
} sipkb_sdp_line;

/* Where a message travelled. Addresses are printed ("192.0.2.1", "2001:db8::1"). */
typedef struct {
    const char *source;
    const char *destination;
    guint source_port;
    guint destination_port;
    const char *transport; /* "UDP", "TCP", "SCTP", or NULL */
} sipkb_path;

typedef struct {
    guint32 frame;
    gint64 time_ns;     /* capture time, nanoseconds since 1970 */
    guint index;        /* 0 for the frame's first SIP message, 1 for its second ... */
    gint start, length; /* where the message's bytes are in the frame; echoed in the result */
    sipkb_path path;    /* the frame's addresses (in an ICMP error the outer packet's addresses;
                           its ports may be the quoted packet's) */
    gboolean in_icmp;   /* quoted inside an ICMP error: a copy, not a live message */
    const char *icmp_source; /* in_icmp: the ICMP error's sender (its own, outer, IP source) */

    gboolean is_request;  /* a Request-Line was seen (its Method) */
    gboolean is_response; /* a Status-Line was seen */
    const char *method;   /* requests */
    gboolean has_status_code;
    guint32 status_code;       /* responses, as the SIP dissector parsed it */
    const char *reason_phrase; /* responses */

    const char *call_id;
    gboolean has_cseq;
    guint32 cseq_number;
    const char *cseq_method;
    const char *request_uri; /* requests: the Request-URI as written, its user and host */
    const char *request_uri_user;
    const char *request_uri_host;
    const char *from_user;
    const char *from_host;
    const char *from_tag;
    const char *to_user; /* the To URI's user and host: a REGISTER's address-of-record */
    const char *to_host;
    const char *to_tag;

    guint n_vias; /* top first */
    const sipkb_via *vias;

    sipkb_auth challenge;                  /* WWW-Authenticate or Proxy-Authenticate */
    sipkb_auth credentials;                /* Authorization or Proxy-Authorization */
    sipkb_auth authentication_info;        /* Authentication-Info */
    const char *p_asserted_identity_user;  /* user part of P-Asserted-Identity (RFC 3325) */
    const char *p_preferred_identity_user; /* user part of P-Preferred-Identity */

    gboolean has_retry_after;
    guint32 retry_after;                   /* seconds */
    const char *const *contact_uris;       /* NULL-terminated; may be NULL */
    const char *const *contact_parameters; /* every Contact's parameters ("expires=600"), in
                                              order, NULL-terminated; may be NULL */
    gboolean has_expires;
    guint32 expires;     /* the Expires header, seconds */
    const char *warning; /* the first Warning header's value, or NULL */
    const char *event;   /* the Event header's value (RFC 6665 section 7.2.1), or NULL */

    gboolean is_resend; /* the SIP dissector's mark of a message it saw before */

    gboolean has_sdp; /* an SDP body; its lines follow, in order */
    guint n_sdp_lines;
    const sipkb_sdp_line *sdp_lines;
} sipkb_message;

G_END_DECLS

#endif /* SIPKB_MESSAGE_H */
