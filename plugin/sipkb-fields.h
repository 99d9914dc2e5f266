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

/* Resolves the field names sipkb reads (once, at hand-off). Returns their ids for
 * set_postdissector_wanted_hfids (the caller hands the array over). */
GArray *sipkb_fields_resolve(void);

/* The SIP messages of the frame, in order, allocated in `pool`. Returns how many (0 when the
 * frame carries no SIP: that check is one hash lookup). */
guint sipkb_fields_extract(proto_tree *tree, wmem_allocator_t *pool,
                           sipkb_located_message **messages);

#endif /* SIPKB_FIELDS_H */
