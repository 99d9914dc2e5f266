/* Via headers explained: transport, return address, branch, NAT traces (glue). */
#ifndef SIPKB_VIA_H
#define SIPKB_VIA_H

#include <epan/packet.h>

#include "sipkb-fields.h"

/* What the first pass found wrong with a message's Via (file scope). */
typedef struct sipkb_via_findings sipkb_via_findings;

void sipkb_via_register(int proto);
void sipkb_via_resolve(GArray *wanted);

/* First pass: checks the top Via against the packet. NULL when nothing is wrong. */
sipkb_via_findings *sipkb_via_first_pass(const sipkb_field_source *source, packet_info *pinfo,
                                         const sipkb_located_message *where);

/* Adds the Via explanation when the fields can be read (`source`, `where`), and the findings. */
void sipkb_via_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start,
                    const sipkb_field_source *source, const sipkb_located_message *where,
                    const sipkb_via_findings *findings);

/* For the statistics tree: the SIPKB_TAP_* bits (sipkb-stats.h) of these findings; 0 for NULL. */
guint32 sipkb_via_tap_flags(const sipkb_via_findings *findings);

#endif /* SIPKB_VIA_H */
