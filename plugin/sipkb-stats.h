/* sipkb's tap ("sipkb") and its statistics tree (`tshark -z sipkb,tree`, Statistics menu).
 *
 * The dissector queues one sipkb_tap_message per SIP message it analysed; the tree counts
 * responses by class and code (with the KB's one-line explanation) and messages by finding.
 */
#ifndef SIPKB_STATS_H
#define SIPKB_STATS_H

#include <epan/packet.h>

#include "sipkb-analysis.h"

/* What one SIP message carried, for taps (bits of sipkb_tap_message.flags). To count a new
 * finding: add a bit here, set it in sipkb_stats_queue() and add a row to the findings table
 * of sipkb-stats.c. */
enum {
    SIPKB_TAP_TRACKED = 1u << 0,           /* matched to its transaction (request_frame set) */
    SIPKB_TAP_RETRANSMISSION = 1u << 1,    /* request: a copy of request_frame */
    SIPKB_TAP_EXPECTS_RESPONSE = 1u << 2,  /* request: first copy, wants a final response */
    SIPKB_TAP_CREDENTIALS = 1u << 3,       /* request: first copy carries digest credentials */
    SIPKB_TAP_CALLERID_MISMATCH = 1u << 4, /* ... whose username differs from the From user */
    SIPKB_TAP_ANSWERS_CHALLENGE = 1u << 5, /* request: answers the challenge in challenge_frame */
    SIPKB_TAP_CHALLENGE = 1u << 6,         /* 401/407 tracked as challenge_frame */
    SIPKB_TAP_STALE_NONCE = 1u << 7,       /* 401/407: re-challenge for a stale nonce */
    SIPKB_TAP_CREDENTIALS_REJECTED = 1u << 8, /* 401/407: fresh credentials challenged again */
    SIPKB_TAP_FINAL = 1u << 9,                /* tracked response of 200 or more */
    SIPKB_TAP_CANCELLED = 1u << 10,           /* 487 whose CANCEL is in the capture */
    SIPKB_TAP_CANCEL_MISSING = 1u << 11,      /* 487 without a CANCEL in the capture */
    /* set from the SDP and Via findings (sipkb_sdp_tap_flags, sipkb_via_tap_flags) */
    SIPKB_TAP_CODEC_MISMATCH = 1u << 12,    /* answer codec not offered, or no common codec */
    SIPKB_TAP_OFFER_REFUSED = 1u << 13,     /* 488/606 refusing an offer in the capture */
    SIPKB_TAP_NAT_HINT = 1u << 14,          /* private SDP address or Via sent-by across NAT */
    SIPKB_TAP_HOLD = 1u << 15,              /* SDP puts the call on hold */
    SIPKB_TAP_DTMF_NOT_ANSWERED = 1u << 16, /* telephone-event offered, not answered */
    SIPKB_TAP_VIA_TRANSPORT = 1u << 17,     /* top Via transport differs from the packet's */
};

/* The data of the "sipkb" tap: one per SIP message sipkb analysed. */
typedef struct {
    guint32 frame;
    gboolean is_response;
    guint32 status_code;     /* responses */
    const char *method;      /* the request's method; for responses the CSeq method */
    guint32 request_frame;   /* first copy of the request (of a response's transaction) */
    guint32 challenge_frame; /* 401/407: the challenge; requests: the challenge they answer */
    guint32 flags;           /* SIPKB_TAP_* */
} sipkb_tap_message;

/* At registration: registers the tap and the statistics tree. */
void sipkb_stats_register(void);

/* From the dissector, for each SIP message of the frame: queues it for the tap's listeners
 * (does nothing when there are none). */
void sipkb_stats_queue(packet_info *pinfo, const sipkb_findings *findings);

#endif /* SIPKB_STATS_H */
