/* SDP explained: each line of a body, its codecs, offer/answer and NAT/hold findings (glue). */
#ifndef SIPKB_SDP_H
#define SIPKB_SDP_H

#include <epan/packet.h>

#include "sipkb-fields.h"

/* What the first pass decided about one message's SDP (file scope). */
typedef struct sipkb_sdp_findings sipkb_sdp_findings;

void sipkb_sdp_register(int proto);
void sipkb_sdp_resolve(GArray *wanted);

/* First pass: reads the message's SDP body and decides; for a 488 or 606 also looks up the
 * offer it refuses. NULL when there is nothing to say. */
sipkb_sdp_findings *sipkb_sdp_first_pass(const sipkb_field_source *source, packet_info *pinfo,
                                         const sipkb_located_message *where);

/* Adds the sipkb.sdp subtree: the line-by-line explanation when the fields can be read
 * (`source` and `where` non-NULL), and the stored findings. */
void sipkb_sdp_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start,
                    const sipkb_field_source *source, const sipkb_located_message *where,
                    const sipkb_sdp_findings *findings);

/* For the statistics tree: the SIPKB_TAP_* bits (sipkb-stats.h) of these findings; 0 for NULL. */
guint32 sipkb_sdp_tap_flags(const sipkb_sdp_findings *findings);

#endif /* SIPKB_SDP_H */
