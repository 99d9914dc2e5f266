/* Extraction: the SIP dissector's fields -> one sipkb_message per SIP message in the frame.
 *
 * One table names every field sipkb reads and where its value goes; one function walks it.
 * Fields are attributed to a message (and an auth parameter to its header) by byte range,
 * which keeps several SIP messages in one TCP segment apart. Nothing here parses SIP text.
 */
#include <wireshark.h>

#include "sipkb-fields.h"

#include <stddef.h>
#include <string.h>

#include <epan/proto.h>
#include <wsutil/wslog.h>

#include "ws-compat.h"

typedef enum {
    FIELD_MESSAGE,     /* the "sip" protocol item: one per SIP message */
    FIELD_AUTH_HEADER, /* an authentication header; auth parameters nest inside it */
    FIELD_FLAG,        /* presence sets a gboolean in sipkb_message */
    FIELD_BOOLEAN,     /* an FT_BOOLEAN's value, into a gboolean of sipkb_message */
    FIELD_STRING,      /* first value, into a const char * of sipkb_message */
    FIELD_UINT,        /* first value, into a guint32 of sipkb_message, with its has_ flag */
    FIELD_AUTH_STRING, /* first value in the first auth header, into a sipkb_auth member,
                          without the quotes of a quoted-string (RFC 3261 section 25.1) */
    FIELD_STATUS_LINE, /* the Status-Line, for its reason phrase */
    FIELD_STRING_LIST, /* every value, into a NULL-terminated list */
} field_kind;

/* When a field is worth looking up: most frames need only some of them. */
typedef enum {
    NEED_ALWAYS,
    NEED_AUTH,     /* the frame has an authentication header */
    NEED_REDIRECT, /* the frame has a 3xx response */
} field_need;

typedef struct {
    const char *name;
    field_kind kind;
    size_t offset;     /* into sipkb_message, or sipkb_auth for FIELD_AUTH_STRING */
    size_t has_offset; /* FIELD_UINT: the gboolean that says it was present */
    int auth_header;   /* FIELD_AUTH_HEADER: a sipkb_auth_header */
    field_need need;
} field_spec;

#define MSG(member) offsetof(sipkb_message, member)
#define AUTH(member) offsetof(sipkb_auth, member)

/* Every field sipkb reads, in the order they are applied: messages, then auth headers. */
static const field_spec field_specs[] = {
    {"sip", FIELD_MESSAGE, 0, 0, 0, NEED_ALWAYS},
    {"sip.WWW-Authenticate", FIELD_AUTH_HEADER, 0, 0, SIPKB_AUTH_WWW_AUTHENTICATE, NEED_ALWAYS},
    {"sip.Proxy-Authenticate", FIELD_AUTH_HEADER, 0, 0, SIPKB_AUTH_PROXY_AUTHENTICATE, NEED_ALWAYS},
    {"sip.Authorization", FIELD_AUTH_HEADER, 0, 0, SIPKB_AUTH_AUTHORIZATION, NEED_ALWAYS},
    {"sip.Proxy-Authorization", FIELD_AUTH_HEADER, 0, 0, SIPKB_AUTH_PROXY_AUTHORIZATION,
     NEED_ALWAYS},
    {"sip.Request-Line", FIELD_FLAG, MSG(is_request), 0, 0, NEED_ALWAYS},
    {"sip.resend", FIELD_BOOLEAN, MSG(is_resend), 0, 0, NEED_ALWAYS},
    {"sip.Method", FIELD_STRING, MSG(method), 0, 0, NEED_ALWAYS},
    {"sip.Status-Code", FIELD_UINT, MSG(status_code), MSG(has_status_code), 0, NEED_ALWAYS},
    {"sip.Status-Line", FIELD_STATUS_LINE, MSG(reason_phrase), 0, 0, NEED_ALWAYS},
    {"sip.Call-ID", FIELD_STRING, MSG(call_id), 0, 0, NEED_ALWAYS},
    {"sip.CSeq.seq", FIELD_UINT, MSG(cseq_number), MSG(has_cseq), 0, NEED_ALWAYS},
    {"sip.CSeq.method", FIELD_STRING, MSG(cseq_method), 0, 0, NEED_ALWAYS},
    {"sip.from.user", FIELD_STRING, MSG(from_user), 0, 0, NEED_ALWAYS},
    {"sip.Via.branch", FIELD_STRING, MSG(top_via_branch), 0, 0, NEED_ALWAYS},
    {"sip.pai.user", FIELD_STRING, MSG(p_asserted_identity_user), 0, 0, NEED_AUTH},
    {"sip.ppi.user", FIELD_STRING, MSG(p_preferred_identity_user), 0, 0, NEED_AUTH},
    {"sip.Retry-After", FIELD_UINT, MSG(retry_after), MSG(has_retry_after), 0, NEED_ALWAYS},
    {"sip.contact.uri", FIELD_STRING_LIST, MSG(contact_uris), 0, 0, NEED_REDIRECT},
    {"sip.auth.username", FIELD_AUTH_STRING, AUTH(username), 0, 0, NEED_AUTH},
    {"sip.auth.realm", FIELD_AUTH_STRING, AUTH(realm), 0, 0, NEED_AUTH},
    {"sip.auth.nonce", FIELD_AUTH_STRING, AUTH(nonce), 0, 0, NEED_AUTH},
    {"sip.auth.algorithm", FIELD_AUTH_STRING, AUTH(algorithm), 0, 0, NEED_AUTH},
    {"sip.auth.stale", FIELD_AUTH_STRING, AUTH(stale), 0, 0, NEED_AUTH},
};

#undef MSG
#undef AUTH

#define N_FIELDS G_N_ELEMENTS(field_specs)

/* Resolved ids, -1 where this Wireshark lacks the field. */
static int field_ids[N_FIELDS];

/* Every field id any part of sipkb reads, for the walk over a visible tree; and the ones the
 * first pass reads, which Wireshark primes. Each primed field costs tshark work on every
 * packet that has it, loaded sipkb enabled or not: only what the analysis needs is primed. */
static GHashTable *wanted_ids;
static GHashTable *primed_ids;

int
sipkb_fields_want_shown(const char *name)
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

int
sipkb_fields_want(GArray *wanted, const char *name)
{
    int id = sipkb_fields_want_shown(name);
    if (id >= 0 && g_hash_table_add(primed_ids, GINT_TO_POINTER(id)))
        g_array_append_val(wanted, id);
    return id;
}

void
sipkb_fields_resolve(GArray *wanted)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        field_ids[i] = sipkb_fields_want(wanted, field_specs[i].name);
}

static wmem_map_t *interned; /* text -> its file-scope copy; empties when the file closes */

const char *
sipkb_intern(const char *text)
{
    if (!text)
        return NULL;
    if (!interned)
        interned =
            wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    const char *copy = wmem_map_lookup(interned, text);
    if (!copy) {
        copy = wmem_strdup(wmem_file_scope(), text);
        wmem_map_insert(interned, copy, (gpointer)copy);
    }
    return copy;
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
    /* The first pass walks only frames with SIP (the primed "sip" items say so); later passes
     * are called only for frames the first pass kept. */
    if (!PINFO_FD_VISITED(pinfo)) {
        GPtrArray *messages = proto_get_finfo_ptr_array(tree, field_ids[0]);
        if (!messages || messages->len == 0)
            return NULL;
    }
    if (!wanted_bitmap)
        make_wanted_bitmap();
    source->walked = wmem_map_new(pinfo->pool, g_direct_hash, g_direct_equal);
    walk_state state = {source, pinfo->pool};
    proto_tree_children_foreach(tree, walk_node, &state);
    return source;
}

guint
sipkb_field_source_get(const sipkb_field_source *source, int id, field_info ***items)
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

/* An auth header of one message, for attributing the auth parameters inside it. */
typedef struct {
    const field_info *finfo;
    sipkb_auth *target;
    sipkb_auth_header header;
} auth_header_span;

typedef struct {
    sipkb_located_message *messages;
    guint n_messages;
    wmem_array_t *auth_spans; /* auth_header_span */
    wmem_array_t **lists;     /* per message x per field: string list builders, lazily made */
    wmem_allocator_t *pool;
} extraction;

gboolean
sipkb_tree_is_visible(proto_tree *tree)
{
    return tree && PTREE_DATA(tree)->visible;
}

gboolean
sipkb_finfo_within(const field_info *inner, tvbuff_t *tvb, gint start, gint length)
{
    return inner->ds_tvb == tvb && inner->start >= start && inner->start < start + length;
}

static sipkb_located_message *
message_of(const extraction *ex, const field_info *fi)
{
    for (guint i = 0; i < ex->n_messages; i++) {
        sipkb_located_message *m = &ex->messages[i];
        if (sipkb_finfo_within(fi, m->tvb, m->start, m->length))
            return m;
    }
    return NULL;
}

static const auth_header_span *
auth_span_of(const extraction *ex, const field_info *fi)
{
    guint n_spans = wmem_array_get_count(ex->auth_spans);
    for (guint i = 0; i < n_spans; i++) {
        const auth_header_span *span = wmem_array_index(ex->auth_spans, i);
        if (sipkb_finfo_within(fi, span->finfo->ds_tvb, span->finfo->start, span->finfo->length))
            return span;
    }
    return NULL;
}

/* One message per "sip" item; a message ends where the next one in the same data starts. */
static void
collect_messages(extraction *ex, field_info **items, guint n_items)
{
    ex->n_messages = n_items;
    ex->messages = wmem_alloc0_array(ex->pool, sipkb_located_message, n_items);
    for (guint i = 0; i < n_items; i++) {
        const field_info *fi = items[i];
        sipkb_located_message *m = &ex->messages[i];
        m->tvb = fi->ds_tvb;
        m->start = fi->start;
        m->length = fi->length > 0 ? fi->length : 1;
        if (i + 1 < n_items) {
            const field_info *next = items[i + 1];
            if (next->ds_tvb == fi->ds_tvb && next->start > fi->start &&
                next->start < fi->start + m->length)
                m->length = next->start - fi->start;
        }
    }
}

static void
collect_auth_header(extraction *ex, const field_spec *spec, const field_info *fi)
{
    sipkb_located_message *m = message_of(ex, fi);
    if (!m)
        return;
    gboolean is_challenge = spec->auth_header == SIPKB_AUTH_WWW_AUTHENTICATE ||
                            spec->auth_header == SIPKB_AUTH_PROXY_AUTHENTICATE;
    sipkb_auth *target = is_challenge ? &m->msg.challenge : &m->msg.credentials;
    /* The first header of its kind wins, as with every other repeated field. */
    if (target->header != SIPKB_AUTH_NONE)
        return;
    target->header = (sipkb_auth_header)spec->auth_header;
    auth_header_span span = {fi, target, (sipkb_auth_header)spec->auth_header};
    wmem_array_append_one(ex->auth_spans, span);
}

static void
set_first_string(const char **slot, const field_info *fi)
{
    if (!*slot)
        *slot = sipkb_finfo_string(fi);
}

/* The SIP dissector keeps quoted auth parameters with their quotes ("2138394018"). */
static const char *
unquoted(wmem_allocator_t *pool, const char *value)
{
    size_t length = value ? strlen(value) : 0;
    if (length >= 2 && value[0] == '"' && value[length - 1] == '"')
        return wmem_strndup(pool, value + 1, length - 2);
    return value;
}

/* The SIP dissector has no field for the reason phrase of a response; it is the rest of the
 * Status-Line after "SIP/2.0 " and the status code (RFC 3261 section 7.2). */
static const char *
reason_phrase_of(const char *status_line)
{
    const char *space = status_line ? strchr(status_line, ' ') : NULL;
    space = space ? strchr(space + 1, ' ') : NULL;
    return space ? space + 1 : "";
}

static void
apply_field(extraction *ex, size_t spec_index, const field_info *fi)
{
    const field_spec *spec = &field_specs[spec_index];
    if (spec->kind == FIELD_AUTH_HEADER) {
        collect_auth_header(ex, spec, fi);
        return;
    }
    sipkb_located_message *m = message_of(ex, fi);
    if (!m)
        return;
    char *base = (char *)&m->msg;
    switch (spec->kind) {
    case FIELD_FLAG:
        *(gboolean *)(base + spec->offset) = TRUE;
        break;
    case FIELD_BOOLEAN:
        *(gboolean *)(base + spec->offset) |= sipkb_finfo_bool(fi);
        break;
    case FIELD_STRING:
        set_first_string((const char **)(base + spec->offset), fi);
        break;
    case FIELD_UINT:
        if (!*(gboolean *)(base + spec->has_offset)) {
            *(gboolean *)(base + spec->has_offset) = TRUE;
            *(guint32 *)(base + spec->offset) = sipkb_finfo_uint(fi);
        }
        break;
    case FIELD_STATUS_LINE:
        m->msg.is_response = TRUE;
        if (!m->msg.reason_phrase)
            m->msg.reason_phrase = reason_phrase_of(sipkb_finfo_string(fi));
        break;
    case FIELD_AUTH_STRING: {
        const auth_header_span *span = auth_span_of(ex, fi);
        const char **slot = span ? (const char **)((char *)span->target + spec->offset) : NULL;
        if (slot && !*slot)
            *slot = unquoted(ex->pool, sipkb_finfo_string(fi));
        break;
    }
    case FIELD_STRING_LIST: {
        wmem_array_t **list = &ex->lists[(m - ex->messages) * N_FIELDS + spec_index];
        if (!*list)
            *list = wmem_array_new(ex->pool, sizeof(const char *));
        const char *value = sipkb_finfo_string(fi);
        wmem_array_append_one(*list, value);
        break;
    }
    case FIELD_MESSAGE:
    case FIELD_AUTH_HEADER:
        break;
    }
}

/* Terminates each list with NULL and hands it to its message. */
static void
finish_lists(extraction *ex)
{
    static const char *const terminator = NULL;
    for (guint i = 0; i < ex->n_messages; i++) {
        for (size_t f = 0; f < N_FIELDS; f++) {
            wmem_array_t *list = ex->lists[i * N_FIELDS + f];
            if (!list)
                continue;
            wmem_array_append_one(list, terminator);
            *(const char *const **)((char *)&ex->messages[i].msg + field_specs[f].offset) =
                wmem_array_get_raw(list);
        }
    }
}

static gboolean
needed(const extraction *ex, field_need need)
{
    switch (need) {
    case NEED_ALWAYS:
        return TRUE;
    case NEED_AUTH: /* auth headers come before the fields that need them */
        return wmem_array_get_count(ex->auth_spans) > 0;
    case NEED_REDIRECT: /* so do status codes */
        for (guint i = 0; i < ex->n_messages; i++) {
            const sipkb_message *msg = &ex->messages[i].msg;
            if (msg->has_status_code && msg->status_code >= 300 && msg->status_code < 400)
                return TRUE;
        }
        return FALSE;
    }
    return TRUE;
}

guint
sipkb_fields_extract(const sipkb_field_source *source, wmem_allocator_t *pool,
                     sipkb_located_message **messages)
{
    *messages = NULL;
    field_info **sip_items = NULL;
    guint n_sip = sipkb_field_source_get(source, field_ids[0], &sip_items);
    if (n_sip == 0)
        return 0;

    extraction ex = {.pool = pool};
    collect_messages(&ex, sip_items, n_sip);
    ex.auth_spans = wmem_array_new(pool, sizeof(auth_header_span));
    ex.lists = wmem_alloc0_array(pool, wmem_array_t *, (gsize)ex.n_messages * N_FIELDS);
    for (size_t i = 1; i < N_FIELDS; i++) {
        if (!needed(&ex, field_specs[i].need))
            continue;
        field_info **items = NULL;
        guint n_items = sipkb_field_source_get(source, field_ids[i], &items);
        for (guint k = 0; k < n_items; k++)
            apply_field(&ex, i, items[k]);
    }
    finish_lists(&ex);
    *messages = ex.messages;
    return ex.n_messages;
}
