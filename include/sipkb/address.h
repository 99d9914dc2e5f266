/* Address classes and the NAT hints they give (RFC 1918, 4193, 6598). Wireshark-free. */
#ifndef SIPKB_ADDRESS_H
#define SIPKB_ADDRESS_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    SIPKB_ADDRESS_OTHER, /* a host name, or not an address */
    SIPKB_ADDRESS_PUBLIC,
    SIPKB_ADDRESS_PRIVATE, /* RFC 1918, RFC 4193 */
    SIPKB_ADDRESS_SHARED,  /* RFC 6598 carrier-grade NAT space, 100.64.0.0/10 */
    SIPKB_ADDRESS_LOOPBACK,
    SIPKB_ADDRESS_LINK_LOCAL,
    SIPKB_ADDRESS_UNSPECIFIED, /* 0.0.0.0 or :: (RFC 2543 hold) */
    SIPKB_ADDRESS_MULTICAST,
} sipkb_address_kind;

sipkb_address_kind sipkb_classify_address(const char *address);

static inline gboolean
sipkb_address_is_natted_kind(sipkb_address_kind kind)
{
    return kind == SIPKB_ADDRESS_PRIVATE || kind == SIPKB_ADDRESS_SHARED;
}

typedef enum {
    SIPKB_NAT_NONE,
    SIPKB_NAT_FROM_PUBLIC, /* private address announced, packet came from a public source */
    SIPKB_NAT_TO_PUBLIC,   /* private address announced to a public destination (LAN side) */
} sipkb_nat_hint;

/* A private/shared `announced` address (SDP c=, Via sent-by) seen in a packet from `source` to
 * `destination`. Loopback, link-local and names are never a hint. */
sipkb_nat_hint sipkb_nat_hint_for(const char *announced, const char *source,
                                  const char *destination);

G_END_DECLS

#endif /* SIPKB_ADDRESS_H */
