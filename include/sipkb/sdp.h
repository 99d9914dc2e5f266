/* SDP rules: payload types, media descriptions, offer/answer and hold (RFC 3264, 3551, 4566,
 * 8866). Wireshark-free. */
#ifndef SIPKB_SDP_H
#define SIPKB_SDP_H

#include <glib.h>

#include "sipkb/message.h"

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

/* Hold as RFC 3264 section 8.4 (sendonly/inactive) or RFC 2543 (c=0.0.0.0) express it. */
gboolean sipkb_media_on_hold(const sipkb_media *media);

/* ---- the model of one SDP body ------------------------------------------------------------- */

/* Streams read from one body at the most. */
#define SIPKB_MAX_MEDIA 16

typedef struct {
    guint n_media;
    sipkb_media media[SIPKB_MAX_MEDIA];
    sipkb_payload formats[SIPKB_MAX_MEDIA][SIPKB_MAX_FORMATS];
    const char *session_connection;
    GStringChunk *strings; /* encoding names */
} sipkb_sdp_body;

/* Builds the model of a body from its lines: m= lines start streams, c= and a= lines apply to
 * the stream they follow (or to the session). Other strings point into `lines`. */
void sipkb_sdp_body_build(const sipkb_sdp_line *lines, guint n_lines, sipkb_sdp_body *body);
void sipkb_sdp_body_clear(sipkb_sdp_body *body);

/* "PCMU/8000", "opus/48000/2", or "PT 96" for a format no rtpmap names. */
char *sipkb_payload_text(const sipkb_payload *payload);

/* The formats of a stream as "PCMU/8000, PCMA/8000". */
char *sipkb_media_codecs_text(const sipkb_media *media);

/* What a direction attribute means, in words. */
const char *sipkb_direction_text(sipkb_direction direction);

/* What one SDP line says, in words (for the line-by-line explanation). */
char *sipkb_sdp_line_text(const sipkb_sdp_line *line);

/* What one format of an m= line is, in words: "18: G729/8000 (static, RFC 3551)". */
char *sipkb_payload_explained(const sipkb_payload *payload);

G_END_DECLS

#endif /* SIPKB_SDP_H */
