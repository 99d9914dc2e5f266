/* Showing (glue): one analyzer result -> sipkb's tree items, expert items and Info column.
 * Every item comes from the result and the findings table; nothing here decides.
 */
#ifndef SIPKB_SHOW_H
#define SIPKB_SHOW_H

#include <epan/packet.h>

#include "extract.h"
#include "sipkb/analyzer.h"

/* The message's items under `tree`. `extracted` is the same message as read from a visible
 * tree (for the line-by-line SDP and Via explanations), or NULL. */
void sipkb_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const sipkb_result *result,
                const sipkb_extracted *extracted);

/* When nobody can see items (tshark's summary lines, a pass without a tree): the message's
 * expert items, with their texts when the expert list reads them (`with_texts`), else without
 * (they still set the frame's severity); and the Info column. */
void sipkb_show_brief(packet_info *pinfo, const sipkb_result *result, gboolean with_texts);

#endif /* SIPKB_SHOW_H */
