/* SDP explained (glue): reads the SDP dissector's fields of one SIP message, builds the core's
 * media model, decides offer/answer, NAT and hold findings on the first pass, and shows both
 * the line-by-line explanation and the findings. Rules live in plugin/core/media.c.
 *
 * The SDP dissector breaks some lines into parts (o=, c=, m=) but not every attribute
 * consistently (rtpmap parts are missing in some frames), so attribute values are read from
 * the a= line field itself: "rtpmap:18 G729/8000" is name, ':', value.
 */
#include <wireshark.h>

#include "sipkb-sdp.h"
#include "sipkb-stats.h"

#include <stdlib.h>
#include <string.h>

#include <epan/expert.h>
#include <epan/to_str.h>

#include "sipkb/media.h"
#include "ws-compat.h"

/* ---- the fields read --------------------------------------------------------------------- */

typedef enum {
    /* one per SDP line, in the order of RFC 8866 section 5 */
    F_VERSION,
    F_OWNER,
    F_SESSION_NAME,
    F_SESSION_INFO,
    F_URI,
    F_EMAIL,
    F_PHONE,
    F_CONNECTION,
    F_BANDWIDTH,
    F_TIME,
    F_REPEAT,
    F_TIMEZONE,
    F_KEY,
    F_SESSION_ATTR,
    F_MEDIA,
    F_MEDIA_TITLE,
    F_MEDIA_ATTR,
    N_LINE_FIELDS,
    /* parts of lines */
    F_OWNER_USER = N_LINE_FIELDS,
    F_OWNER_SESSION_ID,
    F_OWNER_VERSION,
    F_OWNER_ADDRESS,
    F_CONN_ADDRESS_TYPE,
    F_CONN_ADDRESS,
    F_CONN_TTL,
    F_BW_MODIFIER,
    F_BW_VALUE,
    F_TIME_START,
    F_TIME_STOP,
    F_MEDIA_TYPE,
    F_MEDIA_PORT,
    F_MEDIA_PROTO,
    N_SDP_FIELDS
} sdp_field;

static const struct {
    const char *name;
    const char *letter; /* line fields: the line's type letter */
    gboolean analysed;  /* read on the first pass (primed); the others only explain lines */
} sdp_fields[N_SDP_FIELDS] = {
    [F_VERSION] = {"sdp.version", "v", FALSE},
    [F_OWNER] = {"sdp.owner", "o", FALSE},
    [F_SESSION_NAME] = {"sdp.session_name", "s", FALSE},
    [F_SESSION_INFO] = {"sdp.session_info", "i", FALSE},
    [F_URI] = {"sdp.uri", "u", FALSE},
    [F_EMAIL] = {"sdp.email", "e", FALSE},
    [F_PHONE] = {"sdp.phone", "p", FALSE},
    [F_CONNECTION] = {"sdp.connection_info", "c", TRUE},
    [F_BANDWIDTH] = {"sdp.bandwidth", "b", FALSE},
    [F_TIME] = {"sdp.time", "t", FALSE},
    [F_REPEAT] = {"sdp.repeat_time", "r", FALSE},
    [F_TIMEZONE] = {"sdp.timezone", "z", FALSE},
    [F_KEY] = {"sdp.encryption_key", "k", FALSE},
    [F_SESSION_ATTR] = {"sdp.session_attr", "a", TRUE},
    [F_MEDIA] = {"sdp.media", "m", TRUE},
    [F_MEDIA_TITLE] = {"sdp.media_title", "i", FALSE},
    [F_MEDIA_ATTR] = {"sdp.media_attr", "a", TRUE},
    [F_OWNER_USER] = {"sdp.owner.username", NULL, FALSE},
    [F_OWNER_SESSION_ID] = {"sdp.owner.sessionid", NULL, FALSE},
    [F_OWNER_VERSION] = {"sdp.owner.version", NULL, FALSE},
    [F_OWNER_ADDRESS] = {"sdp.owner.address", NULL, FALSE},
    [F_CONN_ADDRESS_TYPE] = {"sdp.connection_info.address_type", NULL, FALSE},
    [F_CONN_ADDRESS] = {"sdp.connection_info.address", NULL, TRUE},
    [F_CONN_TTL] = {"sdp.connection_info.ttl", NULL, FALSE},
    [F_BW_MODIFIER] = {"sdp.bandwidth.modifier", NULL, FALSE},
    [F_BW_VALUE] = {"sdp.bandwidth.value", NULL, FALSE},
    [F_TIME_START] = {"sdp.time.start", NULL, FALSE},
    [F_TIME_STOP] = {"sdp.time.stop", NULL, FALSE},
    [F_MEDIA_TYPE] = {"sdp.media.media", NULL, TRUE},
    [F_MEDIA_PORT] = {"sdp.media.port", NULL, TRUE},
    [F_MEDIA_PROTO] = {"sdp.media.proto", NULL, TRUE},
};

static int sdp_ids[N_SDP_FIELDS];
static int sdp_protocol_id = -1; /* the "sdp" item: one per SDP body */

void
sipkb_sdp_resolve(GArray *wanted)
{
    sdp_protocol_id = sipkb_fields_want(wanted, "sdp");
    for (int i = 0; i < N_SDP_FIELDS; i++)
        sdp_ids[i] = sdp_fields[i].analysed ? sipkb_fields_want(wanted, sdp_fields[i].name)
                                            : sipkb_fields_want_shown(sdp_fields[i].name);
}

/* ---- registration ------------------------------------------------------------------------ */

static int hf_sdp = -1;
static int hf_sdp_line = -1;
static int hf_sdp_payload = -1;
static int hf_sdp_codec = -1;
static int hf_sdp_no_rtpmap = -1;
static int hf_sdp_nat = -1;
static int hf_sdp_nat_address = -1;
static int hf_sdp_nat_advice = -1;
static int hf_sdp_hold = -1;
static int hf_sdp_offer_frame = -1;
static int hf_sdp_chosen = -1;
static int hf_sdp_not_offered = -1;
static int hf_sdp_no_common_codec = -1;
static int hf_sdp_dtmf_not_answered = -1;
static int hf_sdp_ptime_mismatch = -1;
static int hf_sdp_profile_mismatch = -1;
static int hf_sdp_offered = -1;
static int hf_sdp_refused = -1;

static gint ett_sdp = -1;
static gint ett_sdp_line = -1;

static expert_field ei_sdp_no_rtpmap = EI_INIT;
static expert_field ei_sdp_nat = EI_INIT;
static expert_field ei_sdp_hold = EI_INIT;
static expert_field ei_sdp_not_offered = EI_INIT;
static expert_field ei_sdp_no_common_codec = EI_INIT;
static expert_field ei_sdp_dtmf_not_answered = EI_INIT;
static expert_field ei_sdp_ptime_mismatch = EI_INIT;
static expert_field ei_sdp_profile_mismatch = EI_INIT;
static expert_field ei_sdp_refused = EI_INIT;

/* ---- one SDP body as read from the fields ------------------------------------------------ */

typedef struct {
    sdp_field kind;
    const field_info *fi;
} sdp_line;

typedef struct {
    gboolean present; /* the message has an SDP body */
    sdp_line *lines;  /* in the body's order */
    guint n_lines;
    sipkb_media *media;
    guint n_media;
    const char *session_connection;
} sdp_body;

struct sipkb_sdp_findings {
    guint n_codecs;
    const char **codecs;   /* "G729/8000", one per RTP format of every m= line */
    const char *no_rtpmap; /* "96, 97": dynamic formats no rtpmap names */
    sipkb_nat_hint nat;
    const char *nat_address;
    const char *nat_seen;    /* the packet address that gives it away */
    const char *hold;        /* why the call looks held, or NULL */
    guint32 offer_frame;     /* answers: the offer answered */
    const char *chosen;      /* answers: the codecs of the answer */
    const char *not_offered; /* answers: formats the offer lacked */
    gboolean no_common_codec;
    gboolean dtmf_not_answered;
    gboolean ptime_mismatch;
    gboolean profile_mismatch;
    const char *offered; /* 488/606: what the refused offer held */
    const char *refused; /* 488/606: the part likely refused */
};

static const char *
finfo_string(const field_info *fi)
{
    return sipkb_finfo_string(fi);
}

/* The first value of part `field` inside line `line`, or NULL. */
static const field_info *
line_part(const sipkb_field_source *source, const sdp_line *line, sdp_field field)
{
    field_info **items = NULL;
    guint n = sipkb_field_source_get(source, sdp_ids[field], &items);
    for (guint i = 0; i < n; i++) {
        if (sipkb_finfo_within(items[i], line->fi->ds_tvb, line->fi->start, line->fi->length))
            return items[i];
    }
    return NULL;
}

static const char *
line_part_string(const sipkb_field_source *source, const sdp_line *line, sdp_field field)
{
    const field_info *fi = line_part(source, line, field);
    return fi ? finfo_string(fi) : NULL;
}

static gint
compare_lines(gconstpointer a, gconstpointer b)
{
    const sdp_line *x = a, *y = b;
    if (x->fi->ds_tvb != y->fi->ds_tvb)
        return x->fi->ds_tvb < y->fi->ds_tvb ? -1 : 1;
    return x->fi->start - y->fi->start;
}

static void
collect_lines(const sipkb_field_source *source, const sipkb_located_message *where,
              wmem_allocator_t *pool, sdp_body *body)
{
    /* Most messages carry no SDP: one look at the "sdp" items says so. */
    field_info **bodies = NULL;
    guint n_bodies = sipkb_field_source_get(source, sdp_protocol_id, &bodies);
    for (guint i = 0; i < n_bodies && !body->present; i++)
        body->present = sipkb_finfo_within(bodies[i], where->tvb, where->start, where->length);
    if (!body->present)
        return;
    wmem_array_t *lines = wmem_array_new(pool, sizeof(sdp_line));
    for (int kind = 0; kind < N_LINE_FIELDS; kind++) {
        field_info **items = NULL;
        guint n = sipkb_field_source_get(source, sdp_ids[kind], &items);
        for (guint i = 0; i < n; i++) {
            if (!sipkb_finfo_within(items[i], where->tvb, where->start, where->length))
                continue;
            sdp_line line = {(sdp_field)kind, items[i]};
            wmem_array_append_one(lines, line);
        }
    }
    wmem_array_sort(lines, compare_lines);
    body->n_lines = wmem_array_get_count(lines);
    body->lines = wmem_array_get_raw(lines);
}

/* "rtpmap:18 G729/8000" -> name "rtpmap", value "18 G729/8000"; a flag has no value. */
static const char *
attribute_split(wmem_allocator_t *pool, const char *text, const char **value)
{
    const char *colon = strchr(text, ':');
    *value = colon ? colon + 1 : NULL;
    return colon ? wmem_strndup(pool, text, (size_t)(colon - text)) : text;
}

static sipkb_payload *
find_format(sipkb_media *media, guint payload_type)
{
    for (guint i = 0; i < media->n_formats; i++) {
        if (media->formats[i].payload_type == payload_type)
            return &media->formats[i];
    }
    return NULL;
}

/* "18 G729/8000" or "111 opus/48000/2": names one of the m= line's formats. */
static void
apply_rtpmap(wmem_allocator_t *pool, sipkb_media *media, const char *value)
{
    guint payload_type, rate, channels;
    const char *encoding;
    gsize length;
    if (!sipkb_parse_rtpmap(value, &payload_type, &encoding, &length, &rate, &channels))
        return;
    sipkb_payload *format = find_format(media, payload_type);
    if (format)
        sipkb_payload_describe(payload_type, wmem_strndup(pool, encoding, length), rate, channels,
                               format);
}

/* m= line: media, port and profile from the dissector's parts, the formats from the line. */
static void
start_media(const sipkb_field_source *source, wmem_allocator_t *pool, const sdp_line *line,
            sipkb_media *media)
{
    const field_info *port = line_part(source, line, F_MEDIA_PORT);
    const char *type = line_part_string(source, line, F_MEDIA_TYPE);
    const char *protocol = line_part_string(source, line, F_MEDIA_PROTO);
    /* A malformed m= line may lack its parts: name the gap rather than print "(null)". */
    media->media = type ? type : "unnamed";
    media->port = port ? sipkb_finfo_uint(port) : 0;
    media->protocol = protocol ? protocol : "no profile";
    media->direction = (sipkb_direction)-1;
    media->formats = wmem_alloc0_array(pool, sipkb_payload, SIPKB_MAX_FORMATS);
    sipkb_media_add_formats(media, finfo_string(line->fi));
}

static void
build_model(const sipkb_field_source *source, wmem_allocator_t *pool, sdp_body *body)
{
    body->media = wmem_alloc0_array(pool, sipkb_media, body->n_lines);
    sipkb_direction session_direction = SIPKB_DIRECTION_SENDRECV;
    sipkb_media *current = NULL;
    for (guint i = 0; i < body->n_lines; i++) {
        const sdp_line *line = &body->lines[i];
        const char *value = NULL, *name = NULL;
        switch (line->kind) {
        case F_MEDIA:
            current = &body->media[body->n_media];
            start_media(source, pool, line, current);
            body->n_media++;
            break;
        case F_CONNECTION:
            if (current)
                current->connection = line_part_string(source, line, F_CONN_ADDRESS);
            else
                body->session_connection = line_part_string(source, line, F_CONN_ADDRESS);
            break;
        case F_SESSION_ATTR:
        case F_MEDIA_ATTR:
            name = attribute_split(pool, finfo_string(line->fi), &value);
            if (line->kind == F_SESSION_ATTR || !current) {
                sipkb_direction_from_attribute(name, &session_direction);
            } else if (strcmp(name, "rtpmap") == 0 && value) {
                apply_rtpmap(pool, current, value);
            } else if (strcmp(name, "ptime") == 0 && value) {
                current->ptime = (guint)strtoul(value, NULL, 10);
            } else {
                sipkb_direction_from_attribute(name, &current->direction);
            }
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

/* ---- wording ------------------------------------------------------------------------------- */

static const char *
payload_text(wmem_allocator_t *pool, const sipkb_payload *p)
{
    if (p->missing_rtpmap)
        return wmem_strdup_printf(pool, "PT %u", p->payload_type);
    if (p->channels > 1)
        return wmem_strdup_printf(pool, "%s/%u/%u", p->encoding, p->clock_rate, p->channels);
    return wmem_strdup_printf(pool, "%s/%u", p->encoding, p->clock_rate);
}

static const char *
media_codecs_text(wmem_allocator_t *pool, const sipkb_media *media)
{
    wmem_strbuf_t *text = wmem_strbuf_new(pool, "");
    for (guint i = 0; i < media->n_formats; i++)
        wmem_strbuf_append_printf(text, "%s%s", i ? ", " : "",
                                  payload_text(pool, &media->formats[i]));
    return wmem_strbuf_get_str(text);
}

static const char *
direction_text(sipkb_direction direction)
{
    switch (direction) {
    case SIPKB_DIRECTION_SENDONLY:
        return "sendonly: this side only sends media (the usual way to put the other on hold)";
    case SIPKB_DIRECTION_RECVONLY:
        return "recvonly: this side only receives media (answer to a hold)";
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
    if (!protocol)
        return "an unknown transport";
    if (strcmp(protocol, "RTP/AVP") == 0)
        return "plain RTP (RTP/AVP, RFC 3551)";
    if (strcmp(protocol, "RTP/SAVP") == 0)
        return "SRTP (RTP/SAVP): encrypted RTP, keys from a=crypto or DTLS";
    if (strcmp(protocol, "RTP/AVPF") == 0)
        return "RTP with RTCP feedback (RTP/AVPF)";
    if (strcmp(protocol, "RTP/SAVPF") == 0 || strcmp(protocol, "UDP/TLS/RTP/SAVPF") == 0)
        return "SRTP with RTCP feedback (WebRTC-style)";
    if (g_ascii_strcasecmp(protocol, "udptl") == 0)
        return "UDPTL (T.38 fax relay)";
    return protocol;
}

static const char *
attribute_text(wmem_allocator_t *pool, const char *name, const char *value)
{
    guint dtmf = 0;
    gboolean others = FALSE;
    sipkb_direction direction;
    if (sipkb_direction_from_attribute(name, &direction))
        return direction_text(direction);
    if (!value)
        return wmem_strdup_printf(pool, "attribute %s", name);
    if (strcmp(name, "rtpmap") == 0)
        return wmem_strdup_printf(pool, "payload type %s: names the codec and its clock rate",
                                  value);
    if (strcmp(name, "ptime") == 0)
        return wmem_strdup_printf(pool, "%s ms of media per RTP packet", value);
    if (strcmp(name, "maxptime") == 0)
        return wmem_strdup_printf(pool, "at most %s ms of media per RTP packet", value);
    if (strcmp(name, "fmtp") == 0) {
        const char *space = strchr(value, ' ');
        if (space && sipkb_dtmf_events(space + 1, &dtmf, &others) && dtmf == 16)
            return wmem_strdup_printf(pool,
                                      "format parameters of PT %.*s: events %s are the "
                                      "16 DTMF tones 0-9, *, #, A-D%s",
                                      (int)(space - value), value, space + 1,
                                      others ? " plus other events" : "");
        if (space && strstr(space, "annexb=no"))
            return wmem_strdup_printf(pool,
                                      "format parameters of PT %.*s: annexb=no, G.729 "
                                      "without silence suppression",
                                      (int)(space - value), value);
        return wmem_strdup_printf(pool, "format parameters: %s", value);
    }
    if (strcmp(name, "rtcp") == 0)
        return wmem_strdup_printf(pool, "RTCP on %s instead of the RTP port + 1 (RFC 3605)", value);
    if (strcmp(name, "crypto") == 0)
        return wmem_strdup_printf(pool, "SRTP key and suite (SDES, RFC 4568): %.40s", value);
    if (strcmp(name, "candidate") == 0)
        return wmem_strdup_printf(pool, "ICE candidate (RFC 8445): %.80s", value);
    if (strcmp(name, "fingerprint") == 0)
        return "certificate fingerprint for DTLS-SRTP keying (RFC 8122)";
    if (strcmp(name, "setup") == 0)
        return wmem_strdup_printf(pool, "DTLS or TCP role: %s (RFC 4145)", value);
    return wmem_strdup_printf(pool, "attribute %s: %s", name, value);
}

static const char *
line_text(const sipkb_field_source *source, wmem_allocator_t *pool, const sdp_line *line)
{
    const char *value = finfo_string(line->fi);
    const char *name = NULL, *attr_value = NULL;
    switch (line->kind) {
    case F_VERSION:
        return "protocol version (always 0, RFC 8866)";
    case F_OWNER: {
        const char *user = line_part_string(source, line, F_OWNER_USER);
        const char *session = line_part_string(source, line, F_OWNER_SESSION_ID);
        const char *version = line_part_string(source, line, F_OWNER_VERSION);
        const char *address = line_part_string(source, line, F_OWNER_ADDRESS);
        if (!user || !session || !version || !address)
            return "origin line that cannot be read in full (RFC 8866 wants user, session id, "
                   "version, network and address)";
        return wmem_strdup_printf(
            pool, "origin: user %s, session %s version %s (grows on every change), from %s", user,
            session, version, address);
    }
    case F_SESSION_NAME:
        return "session name (free text)";
    case F_SESSION_INFO:
    case F_MEDIA_TITLE:
        return "information about the session or stream (free text)";
    case F_URI:
        return "URI with more about the session";
    case F_EMAIL:
    case F_PHONE:
        return "contact of the person responsible for the session";
    case F_CONNECTION: {
        const char *ttl = line_part_string(source, line, F_CONN_TTL);
        const char *address = line_part_string(source, line, F_CONN_ADDRESS);
        if (!address)
            return "connection line without an address: media has nowhere to go";
        sipkb_address_kind kind = sipkb_classify_address(address);
        if (kind == SIPKB_ADDRESS_UNSPECIFIED)
            return "connection address 0.0.0.0: no media wanted now (RFC 2543-style hold)";
        return wmem_strdup_printf(
            pool, "connection: media is to be sent to %s (%s%s%s)", address,
            g_strcmp0(line_part_string(source, line, F_CONN_ADDRESS_TYPE), "IP6") == 0 ? "IPv6"
                                                                                       : "IPv4",
            sipkb_address_is_natted_kind(kind) ? ", a private address" : "",
            ttl ? wmem_strdup_printf(pool, ", multicast TTL %s", ttl) : "");
    }
    case F_BANDWIDTH: {
        const char *modifier = line_part_string(source, line, F_BW_MODIFIER);
        const char *bandwidth = line_part_string(source, line, F_BW_VALUE);
        if (!modifier || !bandwidth)
            return "bandwidth line without modifier or value";
        return wmem_strdup_printf(pool, "bandwidth %s:%s (%s)", modifier, bandwidth,
                                  strcmp(modifier, "TIAS") == 0 ? "bit/s, RFC 3890" : "kbit/s");
    }
    case F_TIME:
        if (g_strcmp0(line_part_string(source, line, F_TIME_START), "0") == 0 &&
            g_strcmp0(line_part_string(source, line, F_TIME_STOP), "0") == 0)
            return "timing 0 0: the session is not bounded in time (usual for calls)";
        return "timing: start and stop times (NTP seconds)";
    case F_REPEAT:
    case F_TIMEZONE:
        return "repeat times and time zone adjustments of a scheduled session";
    case F_KEY:
        return "encryption key (obsolete k= line, RFC 8866 section 5.12)";
    case F_MEDIA: {
        const field_info *port = line_part(source, line, F_MEDIA_PORT);
        const char *type = line_part_string(source, line, F_MEDIA_TYPE);
        const char *protocol = line_part_string(source, line, F_MEDIA_PROTO);
        if (!type || !port || !protocol)
            return "media line without media type, port or profile: the stream cannot be used";
        if (sipkb_finfo_uint(port) == 0)
            return wmem_strdup_printf(pool,
                                      "%s stream with port 0: refused or disabled "
                                      "(RFC 3264 section 6)",
                                      type);
        return wmem_strdup_printf(pool, "%s stream on port %u over %s", type,
                                  sipkb_finfo_uint(port), profile_text(protocol));
    }
    case F_SESSION_ATTR:
    case F_MEDIA_ATTR:
        name = attribute_split(pool, value, &attr_value);
        return attribute_text(pool, name, attr_value);
    default:
        break;
    }
    return "line";
}

/* ---- first pass: offer/answer and findings --------------------------------------------- */

/* The offer waiting for its answer in a dialog (RFC 3264; RFC 3261 section 13.2.1). */
typedef struct {
    guint32 frame;
    guint32 cseq_number;
    const char *cseq_method;
    gboolean in_response; /* offer in a 2xx/18x: the answer comes in ACK or PRACK */
    guint n_media;
    sipkb_media *media; /* file scope */
} pending_offer;

static wmem_map_t *offers; /* Call-ID -> pending_offer */

static const char *
file_copy(const char *text)
{
    return text ? wmem_strdup(wmem_file_scope(), text) : NULL;
}

static sipkb_media *
media_file_copy(const sipkb_media *media, guint n_media)
{
    sipkb_media *copy = wmem_alloc0_array(wmem_file_scope(), sipkb_media, n_media);
    for (guint m = 0; m < n_media; m++) {
        copy[m] = media[m];
        copy[m].media = sipkb_intern(media[m].media);
        copy[m].protocol = sipkb_intern(media[m].protocol);
        copy[m].connection = NULL;
        copy[m].formats =
            wmem_alloc0_array(wmem_file_scope(), sipkb_payload, MAX(media[m].n_formats, 1));
        for (guint f = 0; f < media[m].n_formats; f++) {
            copy[m].formats[f] = media[m].formats[f];
            copy[m].formats[f].encoding = sipkb_intern(media[m].formats[f].encoding);
        }
    }
    return copy;
}

/* Is this SDP the answer to the pending offer? */
static gboolean
answers_offer(const pending_offer *offer, const sipkb_message *msg)
{
    if (!offer)
        return FALSE;
    if (offer->in_response)
        return msg->is_request && (g_strcmp0(msg->cseq_method, "ACK") == 0 ||
                                   g_strcmp0(msg->cseq_method, "PRACK") == 0);
    return msg->is_response && msg->status_code < 300 && msg->cseq_number == offer->cseq_number &&
           g_strcmp0(msg->cseq_method, offer->cseq_method) == 0;
}

static void
decide_answer(packet_info *pinfo, const pending_offer *offer, const sdp_body *body,
              sipkb_sdp_findings *f)
{
    wmem_allocator_t *scope = wmem_file_scope();
    wmem_strbuf_t *chosen = wmem_strbuf_new(pinfo->pool, "");
    wmem_strbuf_t *not_offered = wmem_strbuf_new(pinfo->pool, "");
    f->offer_frame = offer->frame;
    for (guint m = 0; m < body->n_media && m < offer->n_media; m++) {
        sipkb_offer_answer result;
        const sipkb_media *answer = &body->media[m];
        sipkb_compare_offer_answer(&offer->media[m], answer, &result);
        if (!result.rejected)
            wmem_strbuf_append_printf(chosen, "%s%s: %s", wmem_strbuf_get_len(chosen) ? "; " : "",
                                      answer->media, media_codecs_text(pinfo->pool, answer));
        for (guint i = 0; i < result.n_not_offered; i++) {
            const sipkb_payload *p = find_format((sipkb_media *)answer, result.not_offered[i]);
            wmem_strbuf_append_printf(not_offered, "%s%s",
                                      wmem_strbuf_get_len(not_offered) ? ", " : "",
                                      payload_text(pinfo->pool, p));
        }
        f->no_common_codec |= result.no_common;
        f->dtmf_not_answered |= result.dtmf_dropped;
        f->ptime_mismatch |= result.ptime_differs;
        f->profile_mismatch |= result.profile_differs && !result.rejected;
    }
    if (wmem_strbuf_get_len(chosen))
        f->chosen = sipkb_intern(wmem_strbuf_get_str(chosen));
    if (wmem_strbuf_get_len(not_offered))
        f->not_offered = wmem_strdup(scope, wmem_strbuf_get_str(not_offered));
}

/* 488/606: what was offered, and the part the other side most likely refused. */
static void
decide_refusal(packet_info *pinfo, const pending_offer *offer, sipkb_sdp_findings *f)
{
    wmem_strbuf_t *offered = wmem_strbuf_new(pinfo->pool, "");
    const char *refused = NULL;
    gboolean only_compressed_audio = FALSE;
    for (guint m = 0; m < offer->n_media; m++) {
        const sipkb_media *media = &offer->media[m];
        wmem_strbuf_append_printf(offered, "%s%s %s %s", m ? "; " : "", media->media,
                                  media->protocol, media_codecs_text(pinfo->pool, media));
        if (!refused && media->protocol && strstr(media->protocol, "SAVP"))
            refused = wmem_strdup_printf(pinfo->pool,
                                         "the transport profile %s (SRTP): the "
                                         "other side may take only RTP/AVP",
                                         media->protocol);
        if (!refused && g_strcmp0(media->media, "image") == 0)
            refused = "T.38 fax (m=image): the other side may not do fax relay; try G.711 "
                      "pass-through";
        if (g_strcmp0(media->media, "audio") == 0) {
            only_compressed_audio = TRUE;
            for (guint i = 0; i < media->n_formats; i++) {
                const char *e = media->formats[i].encoding;
                if (g_strcmp0(e, "PCMU") == 0 || g_strcmp0(e, "PCMA") == 0)
                    only_compressed_audio = FALSE;
            }
        }
    }
    if (!refused && only_compressed_audio)
        refused = "the codecs: no G.711 (PCMU/PCMA) is offered and the other side may "
                  "support no other";
    if (!refused)
        refused = "a codec, ptime or other media parameter of the offer; compare it with "
                  "what the other side supports";
    f->offer_frame = offer->frame;
    f->offered = wmem_strdup(wmem_file_scope(), wmem_strbuf_get_str(offered));
    f->refused = wmem_strdup(wmem_file_scope(), refused);
}

static void
decide_media_findings(packet_info *pinfo, const sdp_body *body, sipkb_sdp_findings *f)
{
    wmem_allocator_t *scope = wmem_file_scope();
    wmem_strbuf_t *no_rtpmap = wmem_strbuf_new(pinfo->pool, "");
    guint n_codecs = 0;
    for (guint m = 0; m < body->n_media; m++)
        n_codecs += body->media[m].n_formats;
    f->codecs = wmem_alloc0_array(scope, const char *, n_codecs + 1);
    const char *source = NULL, *destination = NULL; /* read when an address could be NAT's */
    for (guint m = 0; m < body->n_media; m++) {
        const sipkb_media *media = &body->media[m];
        if (!source && media->connection &&
            sipkb_address_is_natted_kind(sipkb_classify_address(media->connection))) {
            source = address_to_str(pinfo->pool, &pinfo->net_src);
            destination = address_to_str(pinfo->pool, &pinfo->net_dst);
        }
        for (guint i = 0; i < media->n_formats; i++) {
            const sipkb_payload *p = &media->formats[i];
            f->codecs[f->n_codecs++] = sipkb_intern(payload_text(pinfo->pool, p));
            /* A refused stream (port 0) may keep its format numbers without rtpmap. */
            if (p->missing_rtpmap && media->port != 0)
                wmem_strbuf_append_printf(
                    no_rtpmap, "%s%u", wmem_strbuf_get_len(no_rtpmap) ? ", " : "", p->payload_type);
        }
        sipkb_nat_hint nat = sipkb_nat_hint_for(media->connection, source, destination);
        if (nat != SIPKB_NAT_NONE && f->nat == SIPKB_NAT_NONE) {
            f->nat = nat;
            f->nat_address = file_copy(media->connection);
            f->nat_seen = file_copy(nat == SIPKB_NAT_FROM_PUBLIC ? source : destination);
        }
        if (!f->hold && media->port && sipkb_media_on_hold(media))
            f->hold = sipkb_classify_address(media->connection) == SIPKB_ADDRESS_UNSPECIFIED
                          ? "c=0.0.0.0 (RFC 2543 hold)"
                          : direction_text(media->direction);
    }
    if (wmem_strbuf_get_len(no_rtpmap))
        f->no_rtpmap = wmem_strdup(scope, wmem_strbuf_get_str(no_rtpmap));
}

sipkb_sdp_findings *
sipkb_sdp_first_pass(const sipkb_field_source *source, packet_info *pinfo,
                     const sipkb_located_message *where)
{
    const sipkb_message *msg = &where->msg;
    if (!offers)
        offers =
            wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    pending_offer *offer = msg->call_id ? wmem_map_lookup(offers, msg->call_id) : NULL;
    sipkb_sdp_findings *f = NULL;

    if (msg->is_response && (msg->status_code == 488 || msg->status_code == 606) && offer) {
        f = wmem_new0(wmem_file_scope(), sipkb_sdp_findings);
        decide_refusal(pinfo, offer, f);
    }
    sdp_body body = {0};
    collect_lines(source, where, pinfo->pool, &body);
    if (!body.present)
        return f;
    build_model(source, pinfo->pool, &body);
    if (!f)
        f = wmem_new0(wmem_file_scope(), sipkb_sdp_findings);
    decide_media_findings(pinfo, &body, f);
    if (body.n_media == 0)
        return f;
    if (!msg->call_id || !msg->has_cseq || (msg->is_response && msg->status_code >= 300))
        return f;
    if (answers_offer(offer, msg)) {
        decide_answer(pinfo, offer, &body, f);
        return f;
    }
    /* A new offer: INVITE, re-INVITE, UPDATE, or a 2xx/18x to an INVITE without SDP. */
    if (!offer) {
        offer = wmem_new0(wmem_file_scope(), pending_offer);
        wmem_map_insert(offers, wmem_strdup(wmem_file_scope(), msg->call_id), offer);
    } else if (offer->frame != pinfo->num && msg->cseq_number == offer->cseq_number &&
               g_strcmp0(msg->cseq_method, offer->cseq_method) == 0 && msg->is_request) {
        return f; /* the same offer again: a retransmission or the next leg of a proxy */
    }
    offer->frame = pinfo->num;
    offer->cseq_number = msg->cseq_number;
    offer->cseq_method = sipkb_intern(msg->cseq_method);
    offer->in_response = msg->is_response;
    offer->n_media = body.n_media;
    offer->media = media_file_copy(body.media, body.n_media);
    return f;
}

/* ---- showing ----------------------------------------------------------------------------- */

typedef struct {
    packet_info *pinfo;
    tvbuff_t *tvb;
    gint start;
} place;

static proto_item *
put_string(const place *p, proto_tree *tree, int hf, const char *text)
{
    proto_item *item = proto_tree_add_string(tree, hf, p->tvb, p->start, 0, text);
    proto_item_set_generated(item);
    return item;
}

static proto_item *
put_flag(const place *p, proto_tree *tree, int hf, expert_field *ei, const char *text)
{
    proto_item *item = proto_tree_add_boolean(tree, hf, p->tvb, p->start, 0, TRUE);
    proto_item_set_generated(item);
    expert_add_info_format(p->pinfo, item, ei, "%s", text);
    return item;
}

/* One item per SDP line: the line as written (shortened) and what it says. */
static void
show_lines(const place *p, proto_tree *tree, const sipkb_field_source *source,
           const sipkb_located_message *where)
{
    sdp_body body = {0};
    collect_lines(source, where, p->pinfo->pool, &body);
    build_model(source, p->pinfo->pool, &body);
    guint media_index = 0;
    for (guint i = 0; i < body.n_lines; i++) {
        const sdp_line *line = &body.lines[i];
        const char *written = finfo_string(line->fi);
        proto_item *item = put_string(p, tree, hf_sdp_line,
                                      wmem_strdup_printf(p->pinfo->pool, "%s=%.48s%s: %s",
                                                         sdp_fields[line->kind].letter, written,
                                                         strlen(written) > 48 ? "..." : "",
                                                         line_text(source, p->pinfo->pool, line)));
        if (line->kind != F_MEDIA || media_index >= body.n_media)
            continue;
        const sipkb_media *media = &body.media[media_index++];
        proto_tree *formats = proto_item_add_subtree(item, ett_sdp_line);
        for (guint f = 0; f < media->n_formats; f++) {
            const sipkb_payload *pl = &media->formats[f];
            const char *kind = pl->missing_rtpmap ? "dynamic, but no a=rtpmap names it"
                               : pl->is_dynamic   ? "dynamic, named by a=rtpmap"
                               : sipkb_static_payload(pl->payload_type) ? "static, RFC 3551"
                                                                        : "named by a=rtpmap";
            put_string(p, formats, hf_sdp_payload,
                       wmem_strdup_printf(
                           p->pinfo->pool, "%u: %s (%s)%s", pl->payload_type,
                           payload_text(p->pinfo->pool, pl), kind,
                           sipkb_payload_is_telephone_event(pl) ? ": RFC 4733 DTMF events" : ""));
        }
    }
}

static void
show_findings(const place *p, proto_tree *tree, const sipkb_sdp_findings *f)
{
    wmem_allocator_t *pool = p->pinfo->pool;
    for (guint i = 0; i < f->n_codecs; i++)
        put_string(p, tree, hf_sdp_codec, f->codecs[i]);
    if (f->no_rtpmap) {
        proto_item *item = put_string(p, tree, hf_sdp_no_rtpmap, f->no_rtpmap);
        expert_add_info_format(p->pinfo, item, &ei_sdp_no_rtpmap,
                               "Dynamic payload type %s has no a=rtpmap: the codec is unknown",
                               f->no_rtpmap);
    }
    if (f->nat != SIPKB_NAT_NONE) {
        proto_tree *nat = proto_item_add_subtree(
            put_flag(p, tree, hf_sdp_nat, &ei_sdp_nat,
                     wmem_strdup_printf(pool,
                                        "SDP announces private address %s but the packet "
                                        "%s public %s: expect one-way or no audio",
                                        f->nat_address,
                                        f->nat == SIPKB_NAT_FROM_PUBLIC ? "came from" : "goes to",
                                        f->nat_seen)),
            ett_sdp_line);
        put_string(p, nat, hf_sdp_nat_address, f->nat_address);
        put_string(p, nat, hf_sdp_nat_advice,
                   "STUN/ICE on the phone, media latching on the SBC, or the SIP ALG "
                   "off; the far end would send RTP to an unreachable address");
    }
    if (f->hold)
        put_flag(p, tree, hf_sdp_hold, &ei_sdp_hold,
                 wmem_strdup_printf(pool, "Call on hold: %s", f->hold));
    if (f->offer_frame) {
        proto_item *item =
            proto_tree_add_uint(tree, hf_sdp_offer_frame, p->tvb, p->start, 0, f->offer_frame);
        proto_item_set_generated(item);
    }
    if (f->chosen)
        put_string(p, tree, hf_sdp_chosen, f->chosen);
    if (f->not_offered) {
        proto_item *item = put_string(p, tree, hf_sdp_not_offered, f->not_offered);
        expert_add_info_format(p->pinfo, item, &ei_sdp_not_offered,
                               "The answer uses %s, which the offer (frame %u) did not contain",
                               f->not_offered, f->offer_frame);
    }
    if (f->no_common_codec)
        put_flag(p, tree, hf_sdp_no_common_codec, &ei_sdp_no_common_codec,
                 "No codec in common between offer and answer: no audio will flow");
    if (f->dtmf_not_answered)
        put_flag(p, tree, hf_sdp_dtmf_not_answered, &ei_sdp_dtmf_not_answered,
                 "telephone-event offered but not answered: DTMF will not travel as RFC 4733 "
                 "events (in-band or SIP INFO instead)");
    if (f->ptime_mismatch)
        put_flag(p, tree, hf_sdp_ptime_mismatch, &ei_sdp_ptime_mismatch,
                 "Offer and answer ask for different ptime: check jitter buffers and "
                 "transcoders");
    if (f->profile_mismatch)
        put_flag(p, tree, hf_sdp_profile_mismatch, &ei_sdp_profile_mismatch,
                 "The answer's transport profile differs from the offer's (e.g. RTP/SAVP vs "
                 "RTP/AVP)");
    if (f->offered) {
        put_string(p, tree, hf_sdp_offered, f->offered);
        proto_item *item = put_string(p, tree, hf_sdp_refused, f->refused);
        expert_add_info_format(p->pinfo, item, &ei_sdp_refused,
                               "Offer (frame %u) refused; "
                               "likely: %s",
                               f->offer_frame, f->refused);
    }
}

void
sipkb_sdp_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start,
               const sipkb_field_source *source, const sipkb_located_message *where,
               const sipkb_sdp_findings *findings)
{
    if (!findings)
        return;
    place p = {pinfo, tvb, start};
    proto_item *sdp_item = proto_tree_add_item(tree, hf_sdp, tvb, start, 0, ENC_NA);
    proto_item_set_generated(sdp_item);
    if (findings->offered && !findings->n_codecs)
        proto_item_set_text(sdp_item, "SDP offer refused");
    proto_tree *sdp_tree = proto_item_add_subtree(sdp_item, ett_sdp);
    /* The line-by-line explanation is for reading: only a visible tree has every line (later
     * passes prime nothing), so filters see it on no pass rather than on some. */
    if (source && where && sipkb_tree_is_visible(tree))
        show_lines(&p, sdp_tree, source, where);
    show_findings(&p, sdp_tree, findings);
}

void
sipkb_sdp_register(int proto)
{
    static hf_register_info hf[] = {
        {&hf_sdp,
         {"SDP explained", "sipkb.sdp", FT_NONE, BASE_NONE, NULL, 0x0,
          "sipkb's reading of the message's SDP body, or of the offer a 488/606 refuses", HFILL}},
        {&hf_sdp_line,
         {"SDP line", "sipkb.sdp.line", FT_STRING, BASE_NONE, NULL, 0x0,
          "One line of the SDP body and what it says (in full trees: packet details, -V)", HFILL}},
        {&hf_sdp_payload,
         {"Payload type", "sipkb.sdp.payload", FT_STRING, BASE_NONE, NULL, 0x0,
          "A format of the m= line: number, codec, clock rate, and where its name comes from "
          "(in full trees)",
          HFILL}},
        {&hf_sdp_codec,
         {"Codec", "sipkb.sdp.codec", FT_STRING, BASE_NONE, NULL, 0x0,
          "A codec of the SDP body (encoding/clock rate[/channels]), one per format", HFILL}},
        {&hf_sdp_no_rtpmap,
         {"Dynamic payload type without rtpmap", "sipkb.sdp.no_rtpmap", FT_STRING, BASE_NONE, NULL,
          0x0, "Dynamic payload types that no a=rtpmap names", HFILL}},
        {&hf_sdp_nat,
         {"NAT suspected", "sipkb.sdp.nat", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The SDP announces a private address across a public hop", HFILL}},
        {&hf_sdp_nat_address,
         {"Private media address", "sipkb.sdp.nat.address", FT_STRING, BASE_NONE, NULL, 0x0,
          "The private (RFC 1918/6598/4193) address the SDP announces", HFILL}},
        {&hf_sdp_nat_advice,
         {"What fixes it", "sipkb.sdp.nat.advice", FT_STRING, BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_sdp_hold,
         {"Call on hold", "sipkb.sdp.hold", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "sendonly, inactive or c=0.0.0.0: the sender puts the call on hold", HFILL}},
        {&hf_sdp_offer_frame,
         {"Offer", "sipkb.sdp.offer_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The SDP offer this body answers or refuses",
          HFILL}},
        {&hf_sdp_chosen,
         {"Answer's codecs", "sipkb.sdp.chosen", FT_STRING, BASE_NONE, NULL, 0x0,
          "The codecs the answer keeps, per stream", HFILL}},
        {&hf_sdp_not_offered,
         {"Codec not offered", "sipkb.sdp.not_offered", FT_STRING, BASE_NONE, NULL, 0x0,
          "Formats of the answer that the offer did not contain (RFC 3264 section 6.1)", HFILL}},
        {&hf_sdp_no_common_codec,
         {"No common codec", "sipkb.sdp.no_common_codec", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Offer and answer share no voice codec", HFILL}},
        {&hf_sdp_dtmf_not_answered,
         {"DTMF events not answered", "sipkb.sdp.dtmf_not_answered", FT_BOOLEAN, BASE_NONE, NULL,
          0x0, "telephone-event was offered but the answer dropped it", HFILL}},
        {&hf_sdp_ptime_mismatch,
         {"ptime differs", "sipkb.sdp.ptime_mismatch", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Offer and answer ask for different packetization times", HFILL}},
        {&hf_sdp_profile_mismatch,
         {"Transport profile differs", "sipkb.sdp.profile_mismatch", FT_BOOLEAN, BASE_NONE, NULL,
          0x0, "The answer's m= profile differs from the offer's", HFILL}},
        {&hf_sdp_offered,
         {"Offered", "sipkb.sdp.offered", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the refused offer held, per stream", HFILL}},
        {&hf_sdp_refused,
         {"Likely refused", "sipkb.sdp.refused", FT_STRING, BASE_NONE, NULL, 0x0,
          "The part of the offer the other side most likely refused", HFILL}},
    };
    static gint *ett[] = {&ett_sdp, &ett_sdp_line};
    static ei_register_info ei[] = {
        {&ei_sdp_no_rtpmap,
         {"sipkb.sdp.no_rtpmap.expert", PI_PROTOCOL, PI_WARN, "Dynamic payload type without rtpmap",
          EXPFILL}},
        {&ei_sdp_nat,
         {"sipkb.sdp.nat.expert", PI_PROTOCOL, PI_WARN,
          "Private address in SDP across a public hop", EXPFILL}},
        {&ei_sdp_hold, {"sipkb.sdp.hold.expert", PI_SEQUENCE, PI_CHAT, "Call on hold", EXPFILL}},
        {&ei_sdp_not_offered,
         {"sipkb.sdp.not_offered.expert", PI_PROTOCOL, PI_WARN, "Answer codec not in the offer",
          EXPFILL}},
        {&ei_sdp_no_common_codec,
         {"sipkb.sdp.no_common_codec.expert", PI_PROTOCOL, PI_ERROR, "No common codec", EXPFILL}},
        {&ei_sdp_dtmf_not_answered,
         {"sipkb.sdp.dtmf_not_answered.expert", PI_PROTOCOL, PI_WARN,
          "telephone-event not answered", EXPFILL}},
        {&ei_sdp_ptime_mismatch,
         {"sipkb.sdp.ptime_mismatch.expert", PI_PROTOCOL, PI_NOTE, "ptime differs", EXPFILL}},
        {&ei_sdp_profile_mismatch,
         {"sipkb.sdp.profile_mismatch.expert", PI_PROTOCOL, PI_WARN, "Transport profile differs",
          EXPFILL}},
        {&ei_sdp_refused,
         {"sipkb.sdp.refused.expert", PI_RESPONSE_CODE, PI_WARN, "SDP offer refused", EXPFILL}},
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}

guint32
sipkb_sdp_tap_flags(const sipkb_sdp_findings *f)
{
    if (!f)
        return 0;
    guint32 flags = 0;
    if (f->not_offered || f->no_common_codec)
        flags |= SIPKB_TAP_CODEC_MISMATCH;
    if (f->refused)
        flags |= SIPKB_TAP_OFFER_REFUSED;
    if (f->nat != SIPKB_NAT_NONE)
        flags |= SIPKB_TAP_NAT_HINT;
    if (f->hold)
        flags |= SIPKB_TAP_HOLD;
    if (f->dtmf_not_answered)
        flags |= SIPKB_TAP_DTMF_NOT_ANSWERED;
    return flags;
}
