/* Field values for the extraction (see fields.h): which fields sipkb wants, and where their
 * values come from on each pass. */
#include <wireshark.h>

#include "fields.h"

#include <wsutil/wslog.h>

#include "ws-compat.h"

/* Every field id any part of sipkb reads, for the walk over a visible tree; and the ones the
 * first pass reads, which Wireshark primes. Each primed field costs tshark work on every
 * packet that has it, loaded sipkb enabled or not: only what the analysis needs is primed. */
static GHashTable *wanted_ids;
static GHashTable *primed_ids;

/* A field only shown, never analysed: read from visible trees, not primed. */
int
sipkb_field_want_shown(const char *name)
{
    int id = proto_registrar_get_id_byname(name);
    if (id < 0) {
        ws_warning("sipkb: this Wireshark has no field '%s'; sipkb will do without it", name);
        return id;
    }
    if (!wanted_ids) {
        wanted_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
        primed_ids = g_hash_table_new(g_direct_hash, g_direct_equal);
    }
    g_hash_table_add(wanted_ids, GINT_TO_POINTER(id));
    return id;
}

/* A field the first pass analyses: primed. */
int
sipkb_field_want(GArray *wanted, const char *name)
{
    int id = sipkb_field_want_shown(name);
    if (id >= 0 && g_hash_table_add(primed_ids, GINT_TO_POINTER(id)))
        g_array_append_val(wanted, id);
    return id;
}

/* ---- where field values come from -------------------------------------------------------- */

struct sipkb_field_source {
    proto_tree *tree;
    wmem_map_t *walked; /* later passes: field id -> wmem_array_t of field_info * */
};

/* The walk's membership test, one byte per field id. */
static guint8 *wanted_bitmap;
static int wanted_bitmap_size;

static void
make_wanted_bitmap(void)
{
    GHashTableIter iter;
    gpointer key;
    wanted_bitmap_size = 0;
    g_hash_table_iter_init(&iter, wanted_ids);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        wanted_bitmap_size = MAX(wanted_bitmap_size, GPOINTER_TO_INT(key) + 1);
    wanted_bitmap = g_new0(guint8, wanted_bitmap_size);
    g_hash_table_iter_init(&iter, wanted_ids);
    while (g_hash_table_iter_next(&iter, &key, NULL))
        wanted_bitmap[GPOINTER_TO_INT(key)] = 1;
}

typedef struct {
    sipkb_field_source *source;
    wmem_allocator_t *pool;
} walk_state;

/* Depth first, in tree order: the wanted items of the whole tree. */
static void
walk_node(proto_node *node, gpointer data)
{
    walk_state *state = data;
    const field_info *fi = PNODE_FINFO(node);
    int id = fi ? fi->hfinfo->id : -1;
    if (id >= 0 && id < wanted_bitmap_size && wanted_bitmap[id] && fi->ds_tvb) {
        wmem_array_t *items = wmem_map_lookup(state->source->walked, GINT_TO_POINTER(id));
        if (!items) {
            items = wmem_array_new(state->pool, sizeof(field_info *));
            wmem_map_insert(state->source->walked, GINT_TO_POINTER(id), items);
        }
        wmem_array_append_one(items, fi);
    }
    if (node->first_child)
        proto_tree_children_foreach(node, walk_node, data);
}

sipkb_field_source *
sipkb_field_source_new(proto_tree *tree, packet_info *pinfo)
{
    if (!tree || !wanted_ids)
        return NULL;
    sipkb_field_source *source = wmem_new0(pinfo->pool, sipkb_field_source);
    source->tree = tree;
    /* A visible tree (packet details, -V) holds every field, read in one walk. Otherwise the
     * first pass has the primed fields, and later passes (which prime nothing for
     * post-dissectors) a faked tree with nothing to read. */
    if (!sipkb_tree_is_visible(tree))
        return PINFO_FD_VISITED(pinfo) ? NULL : source;
    /* The first pass walks only frames with SIP or DNS (the primed "sip" and "dns" items say
     * so); later passes are called only for frames the first pass kept. */
    if (!PINFO_FD_VISITED(pinfo)) {
        static int protocol_ids[2] = {-1, -1};
        if (protocol_ids[0] < 0) {
            protocol_ids[0] = proto_get_id_by_filter_name("sip");
            protocol_ids[1] = proto_get_id_by_filter_name("dns");
        }
        gboolean analysed = FALSE;
        for (gsize i = 0; !analysed && i < G_N_ELEMENTS(protocol_ids); i++) {
            GPtrArray *messages = proto_get_finfo_ptr_array(tree, protocol_ids[i]);
            analysed = messages && messages->len > 0;
        }
        if (!analysed)
            return NULL;
    }
    if (!wanted_bitmap)
        make_wanted_bitmap();
    source->walked = wmem_map_new(pinfo->pool, g_direct_hash, g_direct_equal);
    walk_state state = {source, pinfo->pool};
    proto_tree_children_foreach(tree, walk_node, &state);
    return source;
}

/* The values of field `id` in the frame, in tree order. Returns how many. */
guint
sipkb_field_values(const sipkb_field_source *source, int id, field_info ***items)
{
    *items = NULL;
    if (!source || id < 0)
        return 0;
    if (source->walked) {
        wmem_array_t *found = wmem_map_lookup(source->walked, GINT_TO_POINTER(id));
        if (!found)
            return 0;
        *items = wmem_array_get_raw(found);
        return wmem_array_get_count(found);
    }
    GPtrArray *found = proto_get_finfo_ptr_array(source->tree, id);
    if (!found)
        return 0;
    *items = (field_info **)found->pdata;
    return found->len;
}

gboolean
sipkb_tree_is_visible(proto_tree *tree)
{
    return tree && PTREE_DATA(tree)->visible;
}

/* Is `inner` inside the bytes [start, start + length) of `tvb`? */
gboolean
sipkb_field_within(const field_info *inner, tvbuff_t *tvb, gint start, gint length)
{
    return inner->ds_tvb == tvb && inner->start >= start && inner->start < start + length;
}

const char *
sipkb_field_text(wmem_allocator_t *pool, const field_info *fi)
{
    if (fi->hfinfo->type == FT_STRING || fi->hfinfo->type == FT_STRINGZ)
        return sipkb_finfo_string(fi);
    return wmem_strdup_printf(pool, "%u", sipkb_finfo_uint(fi));
}
