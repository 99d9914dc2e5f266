/* SDP and Via rules (see include/sipkb/media.h). */
#include "sipkb/media.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

/* RFC 3551 tables 4 and 5: the static payload types. */
static const sipkb_payload static_payloads[] = {
    {0, "PCMU", 8000, 1, FALSE, FALSE},   {3, "GSM", 8000, 1, FALSE, FALSE},
    {4, "G723", 8000, 1, FALSE, FALSE},   {5, "DVI4", 8000, 1, FALSE, FALSE},
    {6, "DVI4", 16000, 1, FALSE, FALSE},  {7, "LPC", 8000, 1, FALSE, FALSE},
    {8, "PCMA", 8000, 1, FALSE, FALSE},   {9, "G722", 8000, 1, FALSE, FALSE},
    {10, "L16", 44100, 2, FALSE, FALSE},  {11, "L16", 44100, 1, FALSE, FALSE},
    {12, "QCELP", 8000, 1, FALSE, FALSE}, {13, "CN", 8000, 1, FALSE, FALSE},
    {14, "MPA", 90000, 1, FALSE, FALSE},  {15, "G728", 8000, 1, FALSE, FALSE},
    {16, "DVI4", 11025, 1, FALSE, FALSE}, {17, "DVI4", 22050, 1, FALSE, FALSE},
    {18, "G729", 8000, 1, FALSE, FALSE},  {25, "CelB", 90000, 1, FALSE, FALSE},
    {26, "JPEG", 90000, 1, FALSE, FALSE}, {28, "nv", 90000, 1, FALSE, FALSE},
    {31, "H261", 90000, 1, FALSE, FALSE}, {32, "MPV", 90000, 1, FALSE, FALSE},
    {33, "MP2T", 90000, 1, FALSE, FALSE}, {34, "H263", 90000, 1, FALSE, FALSE},
};

const sipkb_payload *
sipkb_static_payload(guint payload_type)
{
    for (gsize i = 0; i < G_N_ELEMENTS(static_payloads); i++) {
        if (static_payloads[i].payload_type == payload_type)
            return &static_payloads[i];
    }
    return NULL;
}

void
sipkb_payload_describe(guint payload_type, const char *rtpmap_encoding, guint rtpmap_clock_rate,
                       guint rtpmap_channels, sipkb_payload *out)
{
    const sipkb_payload *known = sipkb_static_payload(payload_type);
    memset(out, 0, sizeof(*out));
    out->payload_type = payload_type;
    out->is_dynamic = payload_type >= 96 && payload_type <= 127;
    out->channels = 1;
    if (rtpmap_encoding && *rtpmap_encoding) {
        out->encoding = rtpmap_encoding;
        out->clock_rate = rtpmap_clock_rate;
        out->channels = rtpmap_channels ? rtpmap_channels : 1;
    } else if (known) {
        *out = *known;
    } else {
        /* RFC 3264 section 5.1: a dynamic type means nothing without its rtpmap. */
        out->missing_rtpmap = TRUE;
    }
}

gboolean
sipkb_payload_is_telephone_event(const sipkb_payload *payload)
{
    return payload->encoding && g_ascii_strcasecmp(payload->encoding, "telephone-event") == 0;
}

gboolean
sipkb_dtmf_events(const char *fmtp, guint *dtmf_events, gboolean *other_events)
{
    *dtmf_events = 0;
    *other_events = FALSE;
    if (!fmtp || !*fmtp)
        return FALSE;
    char **ranges = g_strsplit(fmtp, ",", 0);
    gboolean ok = TRUE;
    guint32 covered = 0; /* bit n: DTMF event n (0..15) */
    for (char **r = ranges; ok && *r; r++) {
        char *end = NULL;
        char *text = g_strstrip(*r);
        unsigned long low = strtoul(text, &end, 10), high = low;
        if (end == text) {
            ok = FALSE;
            break;
        }
        if (*end == '-') {
            char *start = end + 1;
            high = strtoul(start, &end, 10);
            ok = end != start;
        }
        ok = ok && *end == '\0' && low <= high && high <= 255;
        for (unsigned long e = low; ok && e <= high; e++) {
            if (e < 16)
                covered |= 1u << e;
            else
                *other_events = TRUE;
        }
    }
    g_strfreev(ranges);
    if (!ok) {
        *other_events = FALSE;
        return FALSE;
    }
    for (guint e = 0; e < 16; e++)
        *dtmf_events += (covered >> e) & 1u;
    return TRUE;
}

/* ---- offer/answer ------------------------------------------------------------------------ */

static gboolean
same_codec(const sipkb_payload *a, const sipkb_payload *b)
{
    if (!a->is_dynamic && !b->is_dynamic && !a->missing_rtpmap && !b->missing_rtpmap &&
        a->payload_type == b->payload_type)
        return TRUE;
    /* Dynamic numbers may differ between offer and answer (RFC 3264 section 6.1). */
    return a->encoding && b->encoding && g_ascii_strcasecmp(a->encoding, b->encoding) == 0 &&
           (a->clock_rate == b->clock_rate || !a->clock_rate || !b->clock_rate);
}

static gboolean
media_offers(const sipkb_media *media, const sipkb_payload *payload)
{
    for (guint i = 0; i < media->n_formats; i++) {
        if (same_codec(&media->formats[i], payload))
            return TRUE;
    }
    return FALSE;
}

static gboolean
has_telephone_event(const sipkb_media *media)
{
    for (guint i = 0; i < media->n_formats; i++) {
        if (sipkb_payload_is_telephone_event(&media->formats[i]))
            return TRUE;
    }
    return FALSE;
}

static gboolean
is_rtp_profile(const char *protocol)
{
    return protocol && g_str_has_prefix(protocol, "RTP/");
}

void
sipkb_compare_offer_answer(const sipkb_media *offer, const sipkb_media *answer,
                           sipkb_offer_answer *out)
{
    memset(out, 0, sizeof(*out));
    out->rejected = answer->port == 0;
    out->profile_differs = g_strcmp0(offer->protocol, answer->protocol) != 0;
    out->ptime_differs = offer->ptime && answer->ptime && offer->ptime != answer->ptime;
    if (out->rejected)
        return;
    for (guint i = 0; i < answer->n_formats; i++) {
        if (media_offers(offer, &answer->formats[i]))
            out->n_common++;
        else
            out->not_offered[out->n_not_offered++] = answer->formats[i].payload_type;
    }
    out->dtmf_dropped = has_telephone_event(offer) && !has_telephone_event(answer);
    /* telephone-event alone is no way to carry a voice. */
    guint common_voice = out->n_common;
    for (guint i = 0; i < answer->n_formats; i++) {
        if (sipkb_payload_is_telephone_event(&answer->formats[i]) &&
            media_offers(offer, &answer->formats[i]))
            common_voice--;
    }
    out->no_common = is_rtp_profile(answer->protocol) && common_voice == 0;
}

/* ---- addresses --------------------------------------------------------------------------- */

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

gboolean
sipkb_media_on_hold(const sipkb_media *media)
{
    return media->direction == SIPKB_DIRECTION_SENDONLY ||
           media->direction == SIPKB_DIRECTION_INACTIVE ||
           sipkb_classify_address(media->connection) == SIPKB_ADDRESS_UNSPECIFIED;
}

gboolean
sipkb_direction_from_attribute(const char *name, sipkb_direction *direction)
{
    static const char *const names[] = {
        [SIPKB_DIRECTION_SENDRECV] = "sendrecv",
        [SIPKB_DIRECTION_SENDONLY] = "sendonly",
        [SIPKB_DIRECTION_RECVONLY] = "recvonly",
        [SIPKB_DIRECTION_INACTIVE] = "inactive",
    };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        if (g_strcmp0(name, names[i]) == 0) {
            *direction = (sipkb_direction)i;
            return TRUE;
        }
    }
    return FALSE;
}

void
sipkb_media_add_formats(sipkb_media *media, const char *m_line)
{
    if (!media->protocol || !g_str_has_prefix(media->protocol, "RTP/"))
        return;
    const char *text = m_line;
    for (guint token = 0; text && *text && media->n_formats < SIPKB_MAX_FORMATS; token++) {
        gsize length = strcspn(text, " ");
        if (token >= 3) {
            char *end = NULL;
            gulong payload_type = strtoul(text, &end, 10);
            if (end != text && end == text + length && payload_type <= 127)
                sipkb_payload_describe((guint)payload_type, NULL, 0, 0,
                                       &media->formats[media->n_formats++]);
        }
        text += length;
        if (*text == ' ')
            text++;
    }
}

gboolean
sipkb_parse_rtpmap(const char *value, guint *payload_type, const char **encoding,
                   gsize *encoding_length, guint *clock_rate, guint *channels)
{
    char *end = NULL;
    *payload_type = (guint)strtoul(value, &end, 10);
    if (end == value || *end != ' ')
        return FALSE;
    /* encoding "/" clock rate [ "/" channels ], without the surrounding blanks */
    const char *start = end;
    while (g_ascii_isspace(*start))
        start++;
    const char *stop = start + strlen(start);
    while (stop > start && g_ascii_isspace(stop[-1]))
        stop--;
    const char *rate = memchr(start, '/', (size_t)(stop - start));
    const char *more = rate ? memchr(rate + 1, '/', (size_t)(stop - rate - 1)) : NULL;
    *encoding = start;
    *encoding_length = (gsize)((rate ? rate : stop) - start);
    *clock_rate = rate ? (guint)strtoul(rate + 1, NULL, 10) : 0;
    *channels = more ? (guint)strtoul(more + 1, NULL, 10) : 1;
    return *encoding_length > 0;
}

/* ---- Via --------------------------------------------------------------------------------- */

guint
sipkb_via_default_port(const char *transport)
{
    return transport && g_ascii_strcasecmp(transport, "TLS") == 0 ? 5061 : 5060;
}

gboolean
sipkb_via_transport_matches(const char *via_transport, const char *actual_transport)
{
    if (!via_transport || !actual_transport)
        return TRUE;
    if (g_ascii_strcasecmp(via_transport, actual_transport) == 0)
        return TRUE;
    static const char *const over_tcp[] = {"TLS", "WS", "WSS"};
    for (gsize i = 0; i < G_N_ELEMENTS(over_tcp); i++) {
        if (g_ascii_strcasecmp(via_transport, over_tcp[i]) == 0)
            return g_ascii_strcasecmp(actual_transport, "TCP") == 0;
    }
    return FALSE;
}

gboolean
sipkb_via_branch_is_rfc3261(const char *branch)
{
    return branch && g_str_has_prefix(branch, "z9hG4bK");
}
