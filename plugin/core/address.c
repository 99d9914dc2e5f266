/* Address classes and NAT hints (see include/sipkb/address.h). */
#include "sipkb/address.h"

#include <arpa/inet.h>
#include <string.h>

static sipkb_address_kind
classify_ipv4(const guint8 *a)
{
    if (a[0] == 0 && a[1] == 0 && a[2] == 0 && a[3] == 0)
        return SIPKB_ADDRESS_UNSPECIFIED;
    if (a[0] == 127)
        return SIPKB_ADDRESS_LOOPBACK;
    if (a[0] == 169 && a[1] == 254)
        return SIPKB_ADDRESS_LINK_LOCAL;
    if (a[0] == 10 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168))
        return SIPKB_ADDRESS_PRIVATE;
    if (a[0] == 100 && (a[1] & 0xc0) == 64)
        return SIPKB_ADDRESS_SHARED;
    if (a[0] >= 224 && a[0] <= 239)
        return SIPKB_ADDRESS_MULTICAST;
    return SIPKB_ADDRESS_PUBLIC;
}

static sipkb_address_kind
classify_ipv6(const guint8 *a)
{
    static const guint8 zero[16] = {0};
    if (memcmp(a, zero, 16) == 0)
        return SIPKB_ADDRESS_UNSPECIFIED;
    if (memcmp(a, zero, 15) == 0 && a[15] == 1)
        return SIPKB_ADDRESS_LOOPBACK;
    if (memcmp(a, zero, 10) == 0 && a[10] == 0xff && a[11] == 0xff)
        return classify_ipv4(a + 12); /* IPv4-mapped */
    if (a[0] == 0xfe && (a[1] & 0xc0) == 0x80)
        return SIPKB_ADDRESS_LINK_LOCAL;
    if ((a[0] & 0xfe) == 0xfc)
        return SIPKB_ADDRESS_PRIVATE; /* unique local, RFC 4193 */
    if (a[0] == 0xff)
        return SIPKB_ADDRESS_MULTICAST;
    return SIPKB_ADDRESS_PUBLIC;
}

sipkb_address_kind
sipkb_classify_address(const char *address)
{
    guint8 bytes[16];
    if (!address)
        return SIPKB_ADDRESS_OTHER;
    /* Via may write an IPv6 reference in brackets (RFC 3261 section 25.1). */
    char *bare = g_strdup(address);
    size_t len = strlen(bare);
    if (len >= 2 && bare[0] == '[' && bare[len - 1] == ']') {
        memmove(bare, bare + 1, len - 2);
        bare[len - 2] = '\0';
    }
    sipkb_address_kind kind = SIPKB_ADDRESS_OTHER;
    if (inet_pton(AF_INET, bare, bytes) == 1)
        kind = classify_ipv4(bytes);
    else if (inet_pton(AF_INET6, bare, bytes) == 1)
        kind = classify_ipv6(bytes);
    g_free(bare);
    return kind;
}

sipkb_nat_hint
sipkb_nat_hint_for(const char *announced, const char *source, const char *destination)
{
    if (!sipkb_address_is_natted_kind(sipkb_classify_address(announced)))
        return SIPKB_NAT_NONE;
    if (source && g_strcmp0(announced, source) != 0 &&
        sipkb_classify_address(source) == SIPKB_ADDRESS_PUBLIC)
        return SIPKB_NAT_FROM_PUBLIC;
    if (destination && sipkb_classify_address(destination) == SIPKB_ADDRESS_PUBLIC)
        return SIPKB_NAT_TO_PUBLIC;
    return SIPKB_NAT_NONE;
}
