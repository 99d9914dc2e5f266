/* Turning the sipkb items of a dissected frame into packet comments (sipkb-annotate). */
#ifndef SIPKB_ANNOTATE_COMMENTS_H
#define SIPKB_ANNOTATE_COMMENTS_H

#include <epan/proto.h>

/* Every comment sipkb-annotate writes starts with this; a re-annotation replaces them. */
#define ANNOTATE_PREFIX "sipkb: "

/* Appends to `lines` (of g_strdup'd strings) the comments for every sipkb item of `tree`: per
 * SIP message, "sipkb: " + the item's text, then one comment per finding or linked frame.
 * `proto_sipkb` is the id of the sipkb protocol. The tree must have been built visible. */
void annotate_comments_collect(proto_tree *tree, int proto_sipkb, GPtrArray *lines);

#endif /* SIPKB_ANNOTATE_COMMENTS_H */
