/* Reading the SIP dissector's fields into sipkb_message structs (glue: extraction only). */
#ifndef SIPKB_FIELDS_H
#define SIPKB_FIELDS_H

#include <epan/packet.h>

#include "sipkb/message.h"

/* A SIP message of the frame and where its bytes are, for placing sipkb's items. */
typedef struct {
    sipkb_message msg;
    tvbuff_t *tvb;
    gint start;
    gint length;
} sipkb_located_message;

/* Resolves one field name (at hand-off) and adds its id to `wanted`, the array handed to
 * set_postdissector_wanted_hfids. Returns the id, or -1 (with a warning) when this Wireshark
 * has no such field. */
int sipkb_fields_want(GArray *wanted, const char *name);

/* Like sipkb_fields_want for a field only shown, never analysed: it is read from visible trees
 * and not primed. */
int sipkb_fields_want_shown(const char *name);

/* Resolves the SIP fields this file reads into `wanted`. */
void sipkb_fields_resolve(GArray *wanted);

/* Where a frame's field values come from: one walk over a visible tree (packet details,
 * tshark -V), else, on the first pass, the fields Wireshark primed for sipkb. NULL when there
 * is nothing to read (a later pass with a faked tree). */
typedef struct sipkb_field_source sipkb_field_source;
sipkb_field_source *sipkb_field_source_new(proto_tree *tree, packet_info *pinfo);

/* The values of field `id` in the frame, in tree order. Returns how many. */
guint sipkb_field_source_get(const sipkb_field_source *source, int id, field_info ***items);

/* Is the tree shown in full (packet details, tshark -V), rather than built for filters? */
gboolean sipkb_tree_is_visible(proto_tree *tree);

/* Is `inner` inside the bytes [start, start + length) of `tvb`? */
gboolean sipkb_finfo_within(const field_info *inner, tvbuff_t *tvb, gint start, gint length);

/* The SIP messages of the frame, in order, allocated in `pool`. Returns how many (0 when the
 * frame carries no SIP: that check is one lookup). */
guint sipkb_fields_extract(const sipkb_field_source *source, wmem_allocator_t *pool,
                           sipkb_located_message **messages);

/* A file-scope copy of `text` shared by every caller that interns the same text (methods,
 * reason phrases, codec names, user names): repeated values cost one copy per capture file.
 * NULL stays NULL. Not for values unique to a message (nonces, branches). */
const char *sipkb_intern(const char *text);

#endif /* SIPKB_FIELDS_H */
