/* Field values for the extraction (glue): the fields sipkb asks Wireshark for, and where their
 * values come from on each pass. */
#ifndef SIPKB_FIELDS_H
#define SIPKB_FIELDS_H

#include <epan/packet.h>

/* A field the first pass analyses: resolved by name and added to `wanted` (primed). Returns its
 * id, or -1 (with a warning) when this Wireshark has no such field. */
int sipkb_field_want(GArray *wanted, const char *name);

/* A field only shown, never analysed: read from visible trees, not primed. */
int sipkb_field_want_shown(const char *name);

/* Where a frame's field values come from (see extract.h). */
typedef struct sipkb_field_source sipkb_field_source;
sipkb_field_source *sipkb_field_source_new(proto_tree *tree, packet_info *pinfo);

/* The values of field `id` in the frame, in tree order. Returns how many. */
guint sipkb_field_values(const sipkb_field_source *source, int id, field_info ***items);

/* Is `inner` inside the bytes [start, start + length) of `tvb`? */
gboolean sipkb_field_within(const field_info *inner, tvbuff_t *tvb, gint start, gint length);

/* A field's value as text: strings as they are, numbers printed (in `pool`). */
const char *sipkb_field_text(wmem_allocator_t *pool, const field_info *fi);

/* Is the tree shown in full (packet details, tshark -V), rather than built for filters? */
gboolean sipkb_tree_is_visible(proto_tree *tree);

#endif /* SIPKB_FIELDS_H */
