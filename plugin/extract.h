/* Extraction (glue): the SIP and SDP dissectors' fields of a frame -> one sipkb_message per SIP
 * message, for the analyzer. Nothing here parses SIP or decides.
 */
#ifndef SIPKB_EXTRACT_H
#define SIPKB_EXTRACT_H

#include <epan/packet.h>

#include "sipkb/message.h"

/* A SIP message of the frame, and the data its bytes are in. */
typedef struct {
    sipkb_message msg;
    tvbuff_t *tvb;
} sipkb_extracted;

/* Resolves the fields sipkb reads (at hand-off) into `wanted`, the fields the first pass needs
 * primed; fields only shown are read from visible trees and not primed. */
void sipkb_extract_resolve(GArray *wanted);

/* Where a frame's field values come from: one walk over a visible tree (packet details,
 * tshark -V), else, on the first pass, the fields Wireshark primed for sipkb. NULL when there
 * is nothing to read (a later pass with a faked tree). */
typedef struct sipkb_field_source sipkb_field_source;
sipkb_field_source *sipkb_field_source_new(proto_tree *tree, packet_info *pinfo);

/* Is the tree shown in full (packet details, tshark -V), rather than built for filters? */
gboolean sipkb_tree_is_visible(proto_tree *tree);

/* The SIP messages of the frame, in order, allocated in pinfo->pool. Returns how many (0 when
 * the frame carries no SIP: that check is one lookup). */
guint sipkb_extract(const sipkb_field_source *source, packet_info *pinfo,
                    sipkb_extracted **messages);

#endif /* SIPKB_EXTRACT_H */
