/* Following SIP transactions and dialogs across the capture (glue: state only).
 *
 * The first pass over a frame decides its findings with the core's rules and keeps a compact
 * record of them, indexed by frame number; every pass (GUI clicks, tshark -2) turns it back
 * into findings. Records that a later frame completes (a challenge's answer, a request's
 * final response) are shared, so forward links appear once the whole capture has been read.
 */
#ifndef SIPKB_ANALYSIS_H
#define SIPKB_ANALYSIS_H

#include <epan/packet.h>

#include "sipkb-fields.h"
#include "sipkb-sdp.h"
#include "sipkb-via.h"
#include "sipkb/diagnosis.h"

/* One request as sent by its client, retransmissions included (file scope). */
typedef struct {
    guint32 first_frame;
    nstime_t first_time;
    guint retransmissions; /* copies after the first, on this leg */
    guint32 final_frame;   /* 0 until a final response is seen */
    guint32 final_code;
    guint32 cancel_frame; /* INVITE: the CANCEL of this transaction, 0 if none */
    nstime_t cancel_time;
    gboolean has_credentials;
    sipkb_callerid_result callerid;
    const char *from_user;
    const char *digest_username;
    const char *credentials_nonce;
    gboolean expects_response; /* every request but ACK */
} sipkb_transaction;

/* One 401/407 challenge (file scope). */
typedef struct {
    guint32 challenge_frame;
    guint32 request_frame;
    guint32 answered_in; /* the retry with credentials; 0 until seen */
    const char *nonce;
} sipkb_challenge;

/* What sipkb decided about one SIP message of a frame, with what it needs to show it. */
typedef struct {
    /* The message as every pass shows it: Wireshark primes the fields a post-dissector wants
     * only on the first pass, so the first pass keeps what is shown (and only that), and each
     * dissection gets it back here, in packet scope, with file-scope strings. */
    sipkb_message msg;
    gint start; /* the message's bytes in the frame; 0 and 0 when it sits in reassembled data */
    gint length;

    sipkb_transaction *transaction; /* the request's transaction, for requests and responses */
    gboolean is_retransmission;     /* requests: a copy of transaction->first_frame */

    /* requests with credentials */
    sipkb_challenge *answers_challenge; /* the challenge this retry answers, or NULL */
    const char *asserted_identity;      /* P-Asserted/P-Preferred-Identity user equal to the
                                           digest username, or NULL */

    /* responses */
    sipkb_challenge *challenge; /* 401/407 */
    sipkb_rechallenge rechallenge;
    guint group_retransmissions; /* this request's copies on every leg */
    nstime_t waited;             /* from the request's first copy to this response */
    gboolean cancel_known;       /* 487: the capture holds the CANCEL */
    nstime_t invite_to_cancel;
    sipkb_forbidden_ranking forbidden; /* 403 */

    sipkb_sdp_findings *sdp; /* NULL: no SDP, nothing to say */
    sipkb_via_findings *via; /* NULL: nothing wrong with Via */
} sipkb_findings;

typedef struct {
    guint n_messages;
    sipkb_findings *findings;
} sipkb_frame_findings;

/* First pass: decides the findings of the frame's messages (in the order sipkb_fields_extract
 * returns them) and stores them with the frame. */
const sipkb_frame_findings *sipkb_analysis_first_pass(packet_info *pinfo, tvbuff_t *frame_tvb,
                                                      const sipkb_field_source *source,
                                                      const sipkb_located_message *messages,
                                                      guint n_messages);

/* Later passes: what the first pass stored for this frame, or NULL. */
const sipkb_frame_findings *sipkb_analysis_stored(packet_info *pinfo);

/* At the opening of each capture file (an init routine): forgets the previous file's frames. */
void sipkb_analysis_init(void);

#endif /* SIPKB_ANALYSIS_H */
