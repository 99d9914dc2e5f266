/* SDP and Via rules: payload types, offer/answer, addresses behind NAT, hold.
 *
 * Wireshark-free. The glue fills these structs from the SDP and SIP dissectors' fields
 * (plugin/sipkb-sdp.c) and words the results.
 */
#ifndef SIPKB_MEDIA_H
#define SIPKB_MEDIA_H

#include <glib.h>

G_BEGIN_DECLS

/* ---- payload types (RFC 3551 section 6, RFC 3264) --------------------------------------- */

typedef struct {
    guint payload_type;
    const char *encoding;    /* "PCMU"; for static types from the table, else from rtpmap */
    guint clock_rate;        /* 0 when unknown */
    guint channels;          /* 1 unless the rtpmap says otherwise */
    gboolean is_dynamic;     /* 96..127 */
    gboolean missing_rtpmap; /* dynamic (or unassigned) and no rtpmap names it */
} sipkb_payload;

/* The RFC 3551 static assignment of `payload_type`, or NULL (dynamic or unassigned). */
const sipkb_payload *sipkb_static_payload(guint payload_type);

/* Fills `out` from the static table or the rtpmap (encoding/clock[/channels]); rtpmap wins.
 * `rtpmap_encoding` may be NULL. */
void sipkb_payload_describe(guint payload_type, const char *rtpmap_encoding,
                            guint rtpmap_clock_rate, guint rtpmap_channels, sipkb_payload *out);

/* "telephone-event" (RFC 4733), case-insensitively. */
gboolean sipkb_payload_is_telephone_event(const sipkb_payload *payload);

/* RFC 4733 events in an fmtp list such as "0-15" or "0-16,32": how many of the 16 DTMF events
 * (0-9, *, #, A-D) it covers, and whether it covers any others. FALSE if not parseable. */
gboolean sipkb_dtmf_events(const char *fmtp, guint *dtmf_events, gboolean *other_events);

/* ---- one media description (m= line and its attributes) ------------------------------------ */

typedef enum {
    SIPKB_DIRECTION_SENDRECV = 0, /* the default (RFC 4566 section 6) */
    SIPKB_DIRECTION_SENDONLY,
    SIPKB_DIRECTION_RECVONLY,
    SIPKB_DIRECTION_INACTIVE,
} sipkb_direction;

/* Formats read from one m= line at the most; the rest are left out of the comparison. */
#define SIPKB_MAX_FORMATS 64

typedef struct {
    const char *media;    /* audio, video, image, ... */
    guint port;           /* 0: the stream is refused or disabled */
    const char *protocol; /* RTP/AVP, RTP/SAVP, udptl, ... */
    guint n_formats;
    sipkb_payload *formats;
    const char *connection; /* the c= address that applies (media level, else session) */
    sipkb_direction direction;
    guint ptime; /* 0 when absent */
} sipkb_media;

/* The direction an attribute name states ("sendonly", ...; RFC 8866 section 6.7): TRUE and
 * `direction` set, or FALSE for any other attribute. */
gboolean sipkb_direction_from_attribute(const char *name, sipkb_direction *direction);

/* The formats of an m= line as written ("audio 49170 RTP/AVP 0 8 101"): for an RTP profile
 * (`media->protocol` "RTP/..."), each payload number after the third token, described from
 * the static table, is appended to `media->formats` (room for SIPKB_MAX_FORMATS). Tokens
 * that are not numbers of 0..127 are skipped. */
void sipkb_media_add_formats(sipkb_media *media, const char *m_line);

/* One a=rtpmap value, "18 G729/8000" or "111 opus/48000/2" (RFC 8866 section 6.6): TRUE with
 * the payload type, the encoding name as `*encoding_length` bytes at `*encoding` (inside
 * `value`, to be copied), the clock rate (0 when absent) and the channels (1 when absent);
 * FALSE when it names no payload type or no encoding. */
gboolean sipkb_parse_rtpmap(const char *value, guint *payload_type, const char **encoding,
                            gsize *encoding_length, guint *clock_rate, guint *channels);

/* ---- offer/answer (RFC 3264 section 6) ----------------------------------------------------- */

typedef struct {
    guint n_common;      /* answer formats also in the offer */
    guint n_not_offered; /* answer formats the offer did not contain */
    guint not_offered[SIPKB_MAX_FORMATS];
    gboolean rejected;        /* port 0 in the answer */
    gboolean no_common;       /* neither rejected nor any common codec (RTP-based media) */
    gboolean dtmf_dropped;    /* telephone-event offered, not in the answer */
    gboolean profile_differs; /* answer's transport profile differs from the offer's */
    gboolean ptime_differs;   /* both give a ptime and they differ */
} sipkb_offer_answer;

/* Compares the answer's stream with the offer's stream at the same index. Payload types are
 * compared by encoding name and clock rate for dynamic types, by number for static ones. */
void sipkb_compare_offer_answer(const sipkb_media *offer, const sipkb_media *answer,
                                sipkb_offer_answer *out);

/* ---- addresses, NAT and hold --------------------------------------------------------------- */

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

/* Hold as RFC 3264 section 8.4 (sendonly/inactive) or RFC 2543 (c=0.0.0.0) express it. */
gboolean sipkb_media_on_hold(const sipkb_media *media);

/* ---- Via (RFC 3261 section 18.2.1, 20.42) --------------------------------------------------- */

/* The port a Via sent-by means when it gives none: 5061 for TLS, else 5060. */
guint sipkb_via_default_port(const char *transport);

/* Does the Via transport name the transport the message travelled on ("UDP", "TCP", ...)?
 * TLS and WS/WSS ride on TCP. */
gboolean sipkb_via_transport_matches(const char *via_transport, const char *actual_transport);

/* The RFC 3261 magic cookie that marks a branch as globally unique. */
gboolean sipkb_via_branch_is_rfc3261(const char *branch);

G_END_DECLS

#endif /* SIPKB_MEDIA_H */
