/* DNS in a SIP capture: the DNS dissector's fields of one DNS message, which of its answers
 * failed a lookup, and whether a name is one RFC 3263 derives from a SIP host. Wireshark-free
 * (plugin/core/dns.c); the glue fills sipkb_dns_message (plugin/extract-dns.c) and hands it to
 * sipkb_analyzer_add_dns() (analyzer.h).
 */
#ifndef SIPKB_DNS_H
#define SIPKB_DNS_H

#include <glib.h>

G_BEGIN_DECLS

/* One DNS message (RFC 1035 section 4.1) as the DNS dissector read it. Strings are borrowed
 * for the call that receives the message. */
typedef struct {
    guint32 frame;
    gint64 time_ns;              /* capture time, nanoseconds since 1970 */
    gboolean is_response;        /* QR set */
    gboolean truncated;          /* TC set: the full answer follows over TCP */
    guint32 rcode;               /* RCODE */
    guint32 n_answers;           /* ANCOUNT */
    const char *query_name;      /* the first question's QNAME, or NULL */
    guint32 query_type;          /* its QTYPE */
    const char *query_type_name; /* its mnemonic ("SRV"), or NULL: the glue had no name */
} sipkb_dns_message;

/* How a DNS response failed the lookup it answers. */
typedef enum {
    SIPKB_DNS_ANSWERED, /* not a failure: a query, a truncated response, or records came */
    SIPKB_DNS_NXDOMAIN, /* RCODE 3: the name does not exist (RFC 1035 section 4.1.1) */
    SIPKB_DNS_SERVFAIL, /* RCODE 2: the server could not look it up */
    SIPKB_DNS_REFUSED,  /* RCODE 5: the server would not look it up */
    SIPKB_DNS_NODATA,   /* RCODE 0 and no answer: the name has no record of the asked type
                           (RFC 2308 section 2.2) */
} sipkb_dns_failure;

sipkb_dns_failure sipkb_dns_failure_of(const sipkb_dns_message *dns);

/* The failure's mnemonic ("NXDOMAIN"); NULL for SIPKB_DNS_ANSWERED. */
const char *sipkb_dns_failure_name(sipkb_dns_failure failure);

/* Whether `query_name` is `host` or a name RFC 3263 section 4 queries to locate a SIP server
 * of `host`: the host itself (NAPTR, A, AAAA) or one of its SRV names ("_sip._udp.<host>").
 * Names compare without case and without a trailing dot. */
gboolean sipkb_dns_name_locates(const char *query_name, const char *host);

/* Whether a server's words (a reason phrase, a Warning's text) say that a DNS lookup failed:
 * "No DNS results", "DNS Lookup Failed", Kamailio's "Unresolvable destination (478/SL)",
 * "Cannot resolve destination". */
gboolean sipkb_dns_words_say_failure(const char *text);

G_END_DECLS

#endif /* SIPKB_DNS_H */
