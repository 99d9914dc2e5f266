/* SDP rules and the model of one body (see include/sipkb/sdp.h). */
#include "sipkb/sdp.h"

#include <stdlib.h>
#include <string.h>

#include "sipkb/address.h"
#include "sipkb/text.h"

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

/* ---- the model of one body ------------------------------------------------------------------ */

static sipkb_payload *
find_format(sipkb_media *media, guint payload_type)
{
    for (guint i = 0; i < media->n_formats; i++) {
        if (media->formats[i].payload_type == payload_type)
            return &media->formats[i];
    }
    return NULL;
}

/* "18 G729/8000" or "111 opus/48000/2": names one of the stream's formats. */
static void
apply_rtpmap(GStringChunk *strings, sipkb_media *media, const char *value)
{
    guint payload_type, rate, channels;
    const char *encoding;
    gsize length;
    if (!sipkb_parse_rtpmap(value, &payload_type, &encoding, &length, &rate, &channels))
        return;
    sipkb_payload *format = find_format(media, payload_type);
    if (!format)
        return;
    sipkb_payload_describe(payload_type,
                           g_string_chunk_insert_len(strings, encoding, (gssize)length), rate,
                           channels, format);
}

/* "rtpmap:18 G729/8000" -> name "rtpmap" (newly allocated), value "18 G729/8000". */
static char *
attribute_split(const char *text, const char **value)
{
    const char *colon = strchr(text, ':');
    *value = colon ? colon + 1 : NULL;
    return g_strndup(text, colon ? (gsize)(colon - text) : strlen(text));
}

static void
start_media(const sipkb_sdp_line *line, sipkb_media *media, sipkb_payload *formats)
{
    const char *type = line->parts[SIPKB_SDP_PART_1];
    const char *port = line->parts[SIPKB_SDP_PART_2];
    const char *protocol = line->parts[SIPKB_SDP_PART_3];
    /* A malformed m= line may lack its parts: name the gap rather than print "(null)". */
    memset(media, 0, sizeof(*media));
    media->media = type ? type : "unnamed";
    media->port = port ? (guint)strtoul(port, NULL, 10) : 0;
    media->protocol = protocol ? protocol : "no profile";
    media->direction = (sipkb_direction)-1;
    media->formats = formats;
    sipkb_media_add_formats(media, line->value ? line->value : "");
}

static void
apply_attribute(GStringChunk *strings, const sipkb_sdp_line *line, sipkb_media *current,
                sipkb_direction *session_direction)
{
    const char *value = NULL;
    char *name = attribute_split(line->value ? line->value : "", &value);
    if (!line->in_media || !current)
        sipkb_direction_from_attribute(name, session_direction);
    else if (strcmp(name, "rtpmap") == 0 && value)
        apply_rtpmap(strings, current, value);
    else if (strcmp(name, "ptime") == 0 && value)
        current->ptime = (guint)strtoul(value, NULL, 10);
    else
        sipkb_direction_from_attribute(name, &current->direction);
    g_free(name);
}

void
sipkb_sdp_body_build(const sipkb_sdp_line *lines, guint n_lines, sipkb_sdp_body *body)
{
    /* Only what the lines fill is cleared: the format table is 32 kB, and start_media and
     * sipkb_payload_describe write every stream and format they add. */
    body->n_media = 0;
    body->session_connection = NULL;
    body->strings = g_string_chunk_new(256);
    sipkb_direction session_direction = SIPKB_DIRECTION_SENDRECV;
    sipkb_media *current = NULL;
    for (guint i = 0; i < n_lines; i++) {
        const sipkb_sdp_line *line = &lines[i];
        switch (line->type) {
        case 'm':
            if (body->n_media == SIPKB_MAX_MEDIA) {
                current = NULL; /* streams past the limit are left out */
                break;
            }
            current = &body->media[body->n_media];
            start_media(line, current, body->formats[body->n_media]);
            body->n_media++;
            break;
        case 'c':
            if (line->in_media && current)
                current->connection = line->parts[SIPKB_SDP_PART_2];
            else if (!line->in_media)
                body->session_connection = line->parts[SIPKB_SDP_PART_2];
            break;
        case 'a':
            if (!line->in_media || current)
                apply_attribute(body->strings, line, current, &session_direction);
            break;
        default:
            break;
        }
    }
    for (guint m = 0; m < body->n_media; m++) {
        sipkb_media *media = &body->media[m];
        if (!media->connection)
            media->connection = body->session_connection;
        if ((int)media->direction < 0)
            media->direction = session_direction;
    }
}

void
sipkb_sdp_body_clear(sipkb_sdp_body *body)
{
    if (body->strings)
        g_string_chunk_free(body->strings);
    body->strings = NULL;
}

/* ---- wording -------------------------------------------------------------------------------- */

char *
sipkb_payload_text(const sipkb_payload *p)
{
    if (p->missing_rtpmap || !p->encoding)
        return g_strdup_printf("PT %u", p->payload_type);
    if (p->channels > 1)
        return g_strdup_printf("%s/%u/%u", p->encoding, p->clock_rate, p->channels);
    return g_strdup_printf("%s/%u", p->encoding, p->clock_rate);
}

char *
sipkb_media_codecs_text(const sipkb_media *media)
{
    GString *text = g_string_new(NULL);
    for (guint i = 0; i < media->n_formats; i++) {
        char *one = sipkb_payload_text(&media->formats[i]);
        g_string_append_printf(text, "%s%s", i ? ", " : "", one);
        g_free(one);
    }
    return g_string_free(text, FALSE);
}

const char *
sipkb_direction_text(sipkb_direction direction)
{
    switch (direction) {
    case SIPKB_DIRECTION_SENDONLY:
        return "sendonly: this side only sends media (the usual way to put the other on hold)";
    case SIPKB_DIRECTION_RECVONLY:
        return "recvonly: this side only receives media";
    case SIPKB_DIRECTION_INACTIVE:
        return "inactive: no media either way (hold, or a stream parked)";
    case SIPKB_DIRECTION_SENDRECV:
        break;
    }
    return "sendrecv: media flows both ways (the default)";
}

static const char *
profile_text(const char *protocol)
{
    static const char *const profiles[][2] = {
        {"RTP/AVP", "plain RTP (RTP/AVP, RFC 3551)"},
        {"RTP/SAVP", "SRTP (RTP/SAVP): encrypted RTP, keys from a=crypto or DTLS"},
        {"RTP/AVPF", "RTP with RTCP feedback (RTP/AVPF)"},
        {"RTP/SAVPF", "SRTP with RTCP feedback (WebRTC-style)"},
        {"UDP/TLS/RTP/SAVPF", "SRTP with RTCP feedback (WebRTC-style)"},
        {"udptl", "UDPTL (T.38 fax relay)"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(profiles); i++) {
        if (g_ascii_strcasecmp(protocol, profiles[i][0]) == 0 &&
            (i == G_N_ELEMENTS(profiles) - 1 || strcmp(protocol, profiles[i][0]) == 0))
            return profiles[i][1];
    }
    return protocol;
}

static char *
fmtp_text(const char *value)
{
    guint dtmf = 0;
    gboolean others = FALSE;
    const char *space = strchr(value, ' ');
    if (space && sipkb_dtmf_events(space + 1, &dtmf, &others) && dtmf == 16)
        return g_strdup_printf("format parameters of PT %.*s: events %s are the 16 DTMF tones "
                               "0-9, *, #, A-D%s",
                               (int)(space - value), value, space + 1,
                               others ? " plus other events" : "");
    if (space && strstr(space, "annexb=no"))
        return g_strdup_printf("format parameters of PT %.*s: annexb=no, G.729 without silence "
                               "suppression",
                               (int)(space - value), value);
    return g_strdup_printf("format parameters: %s", value);
}

/* `label` and the first `max_chars` characters of `value`. */
static char *
with_prefix(const char *label, const char *value, gsize max_chars)
{
    char *prefix = sipkb_text_prefix(value, max_chars, NULL);
    char *text = g_strconcat(label, prefix, NULL);
    g_free(prefix);
    return text;
}

static char *
attribute_text(const char *name, const char *value)
{
    sipkb_direction direction;
    if (sipkb_direction_from_attribute(name, &direction))
        return g_strdup(sipkb_direction_text(direction));
    if (!value)
        return g_strdup_printf("attribute %s", name);
    if (strcmp(name, "rtpmap") == 0)
        return g_strdup_printf("payload type %s: names the codec and its clock rate", value);
    if (strcmp(name, "ptime") == 0)
        return g_strdup_printf("%s ms of media per RTP packet", value);
    if (strcmp(name, "maxptime") == 0)
        return g_strdup_printf("at most %s ms of media per RTP packet", value);
    if (strcmp(name, "fmtp") == 0)
        return fmtp_text(value);
    if (strcmp(name, "rtcp") == 0)
        return g_strdup_printf("RTCP on %s instead of the RTP port + 1 (RFC 3605)", value);
    if (strcmp(name, "crypto") == 0)
        return with_prefix("SRTP key and suite (SDES, RFC 4568): ", value, 40);
    if (strcmp(name, "candidate") == 0)
        return with_prefix("ICE candidate (RFC 8445): ", value, 80);
    if (strcmp(name, "fingerprint") == 0)
        return g_strdup("certificate fingerprint for DTLS-SRTP keying (RFC 8122)");
    if (strcmp(name, "setup") == 0)
        return g_strdup_printf("DTLS or TCP role: %s (RFC 4145)", value);
    return g_strdup_printf("attribute %s: %s", name, value);
}

static char *
origin_text(const sipkb_sdp_line *line)
{
    const char *const *p = line->parts;
    if (!p[SIPKB_SDP_PART_1] || !p[SIPKB_SDP_PART_2] || !p[SIPKB_SDP_PART_3] ||
        !p[SIPKB_SDP_PART_4])
        return g_strdup("origin line that cannot be read in full (RFC 8866 wants user, session "
                        "id, version, network and address)");
    return g_strdup_printf("origin: user %s, session %s version %s (grows on every change), "
                           "from %s",
                           p[SIPKB_SDP_PART_1], p[SIPKB_SDP_PART_2], p[SIPKB_SDP_PART_3],
                           p[SIPKB_SDP_PART_4]);
}

static char *
connection_text(const sipkb_sdp_line *line)
{
    const char *type = line->parts[SIPKB_SDP_PART_1];
    const char *address = line->parts[SIPKB_SDP_PART_2];
    const char *ttl = line->parts[SIPKB_SDP_PART_3];
    if (!address)
        return g_strdup("connection line without an address: media has nowhere to go");
    sipkb_address_kind kind = sipkb_classify_address(address);
    if (kind == SIPKB_ADDRESS_UNSPECIFIED)
        return g_strdup("connection address 0.0.0.0: the address is not known yet or no media "
                        "is to flow (RFC 3264 section 8.4; RFC 2543 used it for hold)");
    char *ttl_text = ttl ? g_strdup_printf(", multicast TTL %s", ttl) : g_strdup("");
    char *text =
        g_strdup_printf("connection: media is to be sent to %s (%s%s%s)", address,
                        g_strcmp0(type, "IP6") == 0 ? "IPv6" : "IPv4",
                        sipkb_address_is_natted_kind(kind) ? ", a private address" : "", ttl_text);
    g_free(ttl_text);
    return text;
}

static char *
media_line_text(const sipkb_sdp_line *line)
{
    const char *type = line->parts[SIPKB_SDP_PART_1];
    const char *port = line->parts[SIPKB_SDP_PART_2];
    const char *protocol = line->parts[SIPKB_SDP_PART_3];
    if (!type || !port || !protocol)
        return g_strdup("media line without media type, port or profile: the stream cannot be "
                        "used");
    guint port_number = (guint)strtoul(port, NULL, 10);
    if (port_number == 0)
        return g_strdup_printf("%s stream with port 0: refused or disabled (RFC 3264 section 6)",
                               type);
    return g_strdup_printf("%s stream on port %u over %s", type, port_number,
                           profile_text(protocol));
}

static char *
bandwidth_text(const sipkb_sdp_line *line)
{
    const char *modifier = line->parts[SIPKB_SDP_PART_1];
    const char *bandwidth = line->parts[SIPKB_SDP_PART_2];
    if (!modifier || !bandwidth)
        return g_strdup("bandwidth line without modifier or value");
    return g_strdup_printf("bandwidth %s:%s (%s)", modifier, bandwidth,
                           strcmp(modifier, "TIAS") == 0 ? "bit/s, RFC 3890" : "kbit/s");
}

/* Lines whose meaning does not depend on their value. */
static const char *
fixed_line_text(const sipkb_sdp_line *line)
{
    switch (line->type) {
    case 'v':
        return "protocol version (always 0, RFC 8866)";
    case 's':
        return "session name (free text)";
    case 'i':
        return "information about the session or stream (free text)";
    case 'u':
        return "URI with more about the session";
    case 'e':
    case 'p':
        return "contact of the person responsible for the session";
    case 'r':
    case 'z':
        return "repeat times and time zone adjustments of a scheduled session";
    case 'k':
        return "encryption key (obsolete k= line, RFC 8866 section 5.12)";
    case 't':
        if (g_strcmp0(line->parts[SIPKB_SDP_PART_1], "0") == 0 &&
            g_strcmp0(line->parts[SIPKB_SDP_PART_2], "0") == 0)
            return "timing 0 0: the session is not bounded in time (usual for calls)";
        return "timing: start and stop times (NTP seconds)";
    default:
        return NULL;
    }
}

char *
sipkb_sdp_line_text(const sipkb_sdp_line *line)
{
    const char *fixed = fixed_line_text(line);
    if (fixed)
        return g_strdup(fixed);
    switch (line->type) {
    case 'o':
        return origin_text(line);
    case 'c':
        return connection_text(line);
    case 'b':
        return bandwidth_text(line);
    case 'm':
        return media_line_text(line);
    case 'a': {
        const char *value = NULL;
        char *name = attribute_split(line->value ? line->value : "", &value);
        char *text = attribute_text(name, value);
        g_free(name);
        return text;
    }
    default:
        return g_strdup("line");
    }
}

char *
sipkb_payload_explained(const sipkb_payload *p)
{
    const char *kind = p->missing_rtpmap                       ? "dynamic, but no a=rtpmap names it"
                       : p->is_dynamic                         ? "dynamic, named by a=rtpmap"
                       : sipkb_static_payload(p->payload_type) ? "static, RFC 3551"
                                                               : "named by a=rtpmap";
    char *codec = sipkb_payload_text(p);
    char *text =
        g_strdup_printf("%u: %s (%s)%s", p->payload_type, codec, kind,
                        sipkb_payload_is_telephone_event(p) ? ": RFC 4733 DTMF events" : "");
    g_free(codec);
    return text;
}
