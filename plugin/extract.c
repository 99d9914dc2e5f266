/* Extraction (see extract.h): the SIP and SDP dissectors' fields -> one sipkb_message per SIP
 * message in the frame.
 *
 * One table names every SIP field sipkb reads and where its value goes; one function walks it.
 * Via values and SDP lines are read the same way, each part by the field the dissector gives
 * it. Fields are attributed to a message (and an auth parameter to its header) by byte range,
 * which keeps several SIP messages in one TCP segment apart. Nothing here parses SIP text.
 */
#include <wireshark.h>

#include "extract.h"

#include <stddef.h>
#include <string.h>

#include <epan/proto.h>
#include <epan/to_str.h>
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

/* A field only shown, never analysed: read from visible trees, not primed. */
static int
want_shown(const char *name)
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
static int
want(GArray *wanted, const char *name)
{
    int id = want_shown(name);
    if (id >= 0 && g_hash_table_add(primed_ids, GINT_TO_POINTER(id)))
        g_array_append_val(wanted, id);
    return id;
}

static void resolve_via_fields(GArray *wanted);
static void resolve_sdp_fields(GArray *wanted);

void
sipkb_extract_resolve(GArray *wanted)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        field_ids[i] = want(wanted, field_specs[i].name);
    resolve_via_fields(wanted);
    resolve_sdp_fields(wanted);
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

/* The values of field `id` in the frame, in tree order. Returns how many. */
static guint
field_values(const sipkb_field_source *source, int id, field_info ***items)
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
    sipkb_extracted *messages;
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

/* Is `inner` inside the bytes [start, start + length) of `tvb`? */
static gboolean
within(const field_info *inner, tvbuff_t *tvb, gint start, gint length)
{
    return inner->ds_tvb == tvb && inner->start >= start && inner->start < start + length;
}

static sipkb_extracted *
message_of(const extraction *ex, const field_info *fi)
{
    for (guint i = 0; i < ex->n_messages; i++) {
        sipkb_extracted *m = &ex->messages[i];
        if (within(fi, m->tvb, m->msg.start, m->msg.length))
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
        if (within(fi, span->finfo->ds_tvb, span->finfo->start, span->finfo->length))
            return span;
    }
    return NULL;
}

/* One message per "sip" item; a message ends where the next one in the same data starts. */
static void
collect_messages(extraction *ex, field_info **items, guint n_items)
{
    ex->n_messages = n_items;
    ex->messages = wmem_alloc0_array(ex->pool, sipkb_extracted, n_items);
    for (guint i = 0; i < n_items; i++) {
        const field_info *fi = items[i];
        sipkb_extracted *m = &ex->messages[i];
        m->tvb = fi->ds_tvb;
        m->msg.index = i;
        m->msg.start = fi->start;
        m->msg.length = fi->length > 0 ? fi->length : 1;
        if (i + 1 < n_items) {
            const field_info *next = items[i + 1];
            if (next->ds_tvb == fi->ds_tvb && next->start > fi->start &&
                next->start < fi->start + m->msg.length)
                m->msg.length = next->start - fi->start;
        }
    }
}

static void
collect_auth_header(extraction *ex, const field_spec *spec, const field_info *fi)
{
    sipkb_extracted *m = message_of(ex, fi);
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
    sipkb_extracted *m = message_of(ex, fi);
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

/* ---- Via values ------------------------------------------------------------------------- */

typedef enum {
    V_TRANSPORT, /* one per Via value: the parts of a value follow its transport */
    V_ADDRESS,
    V_PORT,
    V_BRANCH,
    V_RECEIVED,
    V_RPORT,
    N_VIA_FIELDS
} via_field;

static const struct {
    const char *name;
    gboolean analysed; /* primed for the first pass; the others are only shown */
} via_fields[N_VIA_FIELDS] = {
    [V_TRANSPORT] = {"sip.Via.transport", TRUE}, [V_ADDRESS] = {"sip.Via.sent-by.address", TRUE},
    [V_PORT] = {"sip.Via.sent-by.port", FALSE},  [V_BRANCH] = {"sip.Via.branch", TRUE},
    [V_RECEIVED] = {"sip.Via.received", TRUE},   [V_RPORT] = {"sip.Via.rport", FALSE},
};

static int via_ids[N_VIA_FIELDS];

static void
resolve_via_fields(GArray *wanted)
{
    for (int i = 0; i < N_VIA_FIELDS; i++)
        via_ids[i] = via_fields[i].analysed ? want(wanted, via_fields[i].name)
                                            : want_shown(via_fields[i].name);
}

static const char *
finfo_text(wmem_allocator_t *pool, const field_info *fi)
{
    if (fi->hfinfo->type == FT_STRING || fi->hfinfo->type == FT_STRINGZ)
        return sipkb_finfo_string(fi);
    return wmem_strdup_printf(pool, "%u", sipkb_finfo_uint(fi));
}

/* The value a part belongs to: the last one whose transport comes before it. */
static void
attach_via_part(const sipkb_extracted *m, field_info **transports, guint n, const field_info *part,
                const field_info **parts_of_values, via_field kind)
{
    for (guint v = n; v-- > 0;) {
        const field_info *transport = transports[v];
        gint end = v + 1 < n ? transports[v + 1]->start : m->msg.start + m->msg.length;
        if (part->ds_tvb == transport->ds_tvb && part->start > transport->start &&
            part->start < end) {
            if (!parts_of_values[v * N_VIA_FIELDS + kind])
                parts_of_values[v * N_VIA_FIELDS + kind] = part;
            return;
        }
    }
}

static void
extract_vias(const sipkb_field_source *source, wmem_allocator_t *pool, sipkb_extracted *m)
{
    field_info **all = NULL;
    guint n_all = field_values(source, via_ids[V_TRANSPORT], &all);
    field_info **transports = wmem_alloc_array(pool, field_info *, MAX(n_all, 1));
    guint n = 0;
    for (guint t = 0; t < n_all; t++) {
        if (within(all[t], m->tvb, m->msg.start, m->msg.length))
            transports[n++] = all[t];
    }
    if (n == 0)
        return;
    const field_info **parts = wmem_alloc0_array(pool, const field_info *, n *N_VIA_FIELDS);
    for (int kind = V_ADDRESS; kind < N_VIA_FIELDS; kind++) {
        field_info **items = NULL;
        guint n_items = field_values(source, via_ids[kind], &items);
        for (guint k = 0; k < n_items; k++)
            attach_via_part(m, transports, n, items[k], parts, (via_field)kind);
    }
    sipkb_via *vias = wmem_alloc0_array(pool, sipkb_via, n);
    for (guint v = 0; v < n; v++) {
        const field_info **p = &parts[v * N_VIA_FIELDS];
        vias[v].transport = sipkb_finfo_string(transports[v]);
        vias[v].host = p[V_ADDRESS] ? finfo_text(pool, p[V_ADDRESS]) : NULL;
        vias[v].port = p[V_PORT] ? sipkb_finfo_uint(p[V_PORT]) : 0;
        vias[v].branch = p[V_BRANCH] ? finfo_text(pool, p[V_BRANCH]) : NULL;
        vias[v].received = p[V_RECEIVED] ? finfo_text(pool, p[V_RECEIVED]) : NULL;
        vias[v].rport = p[V_RPORT] ? finfo_text(pool, p[V_RPORT]) : NULL;
    }
    m->msg.n_vias = n;
    m->msg.vias = vias;
}

/* ---- SDP lines ------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    char type;         /* lines: the line's type letter; parts: 0 */
    int part;          /* parts: which sipkb_sdp_part */
    char part_of;      /* parts: the type of their line */
    gboolean analysed; /* read on the first pass (primed); the others only explain lines */
} sdp_field;

static const sdp_field sdp_fields[] = {
    /* one per SDP line, in the order of RFC 8866 section 5 */
    {"sdp.version", 'v', 0, 0, FALSE},
    {"sdp.owner", 'o', 0, 0, FALSE},
    {"sdp.session_name", 's', 0, 0, FALSE},
    {"sdp.session_info", 'i', 0, 0, FALSE},
    {"sdp.uri", 'u', 0, 0, FALSE},
    {"sdp.email", 'e', 0, 0, FALSE},
    {"sdp.phone", 'p', 0, 0, FALSE},
    {"sdp.connection_info", 'c', 0, 0, TRUE},
    {"sdp.bandwidth", 'b', 0, 0, FALSE},
    {"sdp.time", 't', 0, 0, FALSE},
    {"sdp.repeat_time", 'r', 0, 0, FALSE},
    {"sdp.timezone", 'z', 0, 0, FALSE},
    {"sdp.encryption_key", 'k', 0, 0, FALSE},
    {"sdp.session_attr", 'a', 0, 0, TRUE},
    {"sdp.media", 'm', 0, 0, TRUE},
    {"sdp.media_title", 'i', 0, 0, FALSE},
    {"sdp.media_attr", 'a', 0, 0, TRUE},
    /* parts of lines */
    {"sdp.owner.username", 0, SIPKB_SDP_PART_1, 'o', FALSE},
    {"sdp.owner.sessionid", 0, SIPKB_SDP_PART_2, 'o', FALSE},
    {"sdp.owner.version", 0, SIPKB_SDP_PART_3, 'o', FALSE},
    {"sdp.owner.address", 0, SIPKB_SDP_PART_4, 'o', FALSE},
    {"sdp.connection_info.address_type", 0, SIPKB_SDP_PART_1, 'c', FALSE},
    {"sdp.connection_info.address", 0, SIPKB_SDP_PART_2, 'c', TRUE},
    {"sdp.connection_info.ttl", 0, SIPKB_SDP_PART_3, 'c', FALSE},
    {"sdp.bandwidth.modifier", 0, SIPKB_SDP_PART_1, 'b', FALSE},
    {"sdp.bandwidth.value", 0, SIPKB_SDP_PART_2, 'b', FALSE},
    {"sdp.time.start", 0, SIPKB_SDP_PART_1, 't', FALSE},
    {"sdp.time.stop", 0, SIPKB_SDP_PART_2, 't', FALSE},
    {"sdp.media.media", 0, SIPKB_SDP_PART_1, 'm', TRUE},
    {"sdp.media.port", 0, SIPKB_SDP_PART_2, 'm', TRUE},
    {"sdp.media.proto", 0, SIPKB_SDP_PART_3, 'm', TRUE},
};

#define N_SDP_FIELDS G_N_ELEMENTS(sdp_fields)

static int sdp_ids[N_SDP_FIELDS];
static int sdp_protocol_id = -1; /* the "sdp" item: one per SDP body */

static void
resolve_sdp_fields(GArray *wanted)
{
    sdp_protocol_id = want(wanted, "sdp");
    for (size_t i = 0; i < N_SDP_FIELDS; i++)
        sdp_ids[i] = sdp_fields[i].analysed ? want(wanted, sdp_fields[i].name)
                                            : want_shown(sdp_fields[i].name);
}

typedef struct {
    sipkb_sdp_line line;
    const field_info *fi;
} located_line;

static gint
compare_lines(gconstpointer a, gconstpointer b)
{
    const located_line *x = a, *y = b;
    if (x->fi->ds_tvb != y->fi->ds_tvb)
        return x->fi->ds_tvb < y->fi->ds_tvb ? -1 : 1;
    return x->fi->start - y->fi->start;
}

static gboolean
has_sdp_body(const sipkb_field_source *source, const sipkb_extracted *m)
{
    /* Most messages carry no SDP: one look at the "sdp" items says so. */
    field_info **bodies = NULL;
    guint n_bodies = field_values(source, sdp_protocol_id, &bodies);
    for (guint i = 0; i < n_bodies; i++) {
        if (within(bodies[i], m->tvb, m->msg.start, m->msg.length))
            return TRUE;
    }
    return FALSE;
}

/* The lines of the message's body, in order. */
static wmem_array_t *
collect_lines(const sipkb_field_source *source, wmem_allocator_t *pool, const sipkb_extracted *m)
{
    wmem_array_t *lines = wmem_array_new(pool, sizeof(located_line));
    for (size_t kind = 0; kind < N_SDP_FIELDS && sdp_fields[kind].type; kind++) {
        field_info **items = NULL;
        guint n = field_values(source, sdp_ids[kind], &items);
        for (guint i = 0; i < n; i++) {
            if (!within(items[i], m->tvb, m->msg.start, m->msg.length))
                continue;
            located_line line = {.fi = items[i]};
            line.line.type = sdp_fields[kind].type;
            line.line.value = sipkb_finfo_string(items[i]);
            wmem_array_append_one(lines, line);
        }
    }
    wmem_array_sort(lines, compare_lines);
    return lines;
}

/* Each part the SDP dissector found goes to the line it lies in. */
static void
attach_sdp_parts(const sipkb_field_source *source, wmem_allocator_t *pool, located_line *lines,
                 guint n_lines)
{
    for (size_t kind = 0; kind < N_SDP_FIELDS; kind++) {
        if (sdp_fields[kind].type)
            continue;
        field_info **items = NULL;
        guint n = field_values(source, sdp_ids[kind], &items);
        for (guint i = 0; i < n; i++) {
            for (guint l = 0; l < n_lines; l++) {
                located_line *line = &lines[l];
                if (line->line.type != sdp_fields[kind].part_of ||
                    !within(items[i], line->fi->ds_tvb, line->fi->start, line->fi->length))
                    continue;
                const char **slot = &line->line.parts[sdp_fields[kind].part];
                if (!*slot)
                    *slot = finfo_text(pool, items[i]);
                break;
            }
        }
    }
}

static void
extract_sdp(const sipkb_field_source *source, wmem_allocator_t *pool, sipkb_extracted *m)
{
    if (!has_sdp_body(source, m))
        return;
    wmem_array_t *found = collect_lines(source, pool, m);
    guint n_lines = wmem_array_get_count(found);
    located_line *located = wmem_array_get_raw(found);
    attach_sdp_parts(source, pool, located, n_lines);
    sipkb_sdp_line *lines = wmem_alloc0_array(pool, sipkb_sdp_line, MAX(n_lines, 1));
    gboolean in_media = FALSE;
    for (guint l = 0; l < n_lines; l++) {
        lines[l] = located[l].line;
        in_media |= lines[l].type == 'm';
        lines[l].in_media = in_media;
    }
    m->msg.has_sdp = TRUE;
    m->msg.n_sdp_lines = n_lines;
    m->msg.sdp_lines = lines;
}

/* ---- where the message travelled ------------------------------------------------------- */

static const char *
frame_transport(packet_info *pinfo)
{
    static const char *const transports[][2] = {{"udp", "UDP"}, {"tcp", "TCP"}, {"sctp", "SCTP"}};
    for (gsize i = 0; i < G_N_ELEMENTS(transports); i++) {
        if (proto_is_frame_protocol(pinfo->layers, transports[i][0]))
            return transports[i][1];
    }
    return NULL;
}

static void
fill_path(packet_info *pinfo, sipkb_path *path, gboolean *in_icmp)
{
    path->source = address_to_str(pinfo->pool, &pinfo->net_src);
    path->destination = address_to_str(pinfo->pool, &pinfo->net_dst);
    path->source_port = pinfo->srcport;
    path->destination_port = pinfo->destport;
    path->transport = frame_transport(pinfo);
    *in_icmp = proto_is_frame_protocol(pinfo->layers, "icmp") ||
               proto_is_frame_protocol(pinfo->layers, "icmpv6");
}

/* ---- the frame's messages --------------------------------------------------------------- */

static void
extract_sip_fields(const sipkb_field_source *source, extraction *ex)
{
    for (size_t i = 1; i < N_FIELDS; i++) {
        if (!needed(ex, field_specs[i].need))
            continue;
        field_info **items = NULL;
        guint n_items = field_values(source, field_ids[i], &items);
        for (guint k = 0; k < n_items; k++)
            apply_field(ex, i, items[k]);
    }
    finish_lists(ex);
}

guint
sipkb_extract(const sipkb_field_source *source, packet_info *pinfo, sipkb_extracted **messages)
{
    *messages = NULL;
    field_info **sip_items = NULL;
    guint n_sip = field_values(source, field_ids[0], &sip_items);
    if (n_sip == 0)
        return 0;

    extraction ex = {.pool = pinfo->pool};
    collect_messages(&ex, sip_items, n_sip);
    ex.auth_spans = wmem_array_new(pinfo->pool, sizeof(auth_header_span));
    ex.lists = wmem_alloc0_array(pinfo->pool, wmem_array_t *, (gsize)ex.n_messages * N_FIELDS);
    extract_sip_fields(source, &ex);
    sipkb_path path;
    gboolean in_icmp;
    fill_path(pinfo, &path, &in_icmp);
    for (guint i = 0; i < ex.n_messages; i++) {
        sipkb_extracted *m = &ex.messages[i];
        m->msg.frame = pinfo->num;
        m->msg.time_ns =
            (gint64)pinfo->abs_ts.secs * G_GINT64_CONSTANT(1000000000) + pinfo->abs_ts.nsecs;
        m->msg.path = path;
        m->msg.in_icmp = in_icmp;
        extract_vias(source, pinfo->pool, m);
        extract_sdp(source, pinfo->pool, m);
    }
    *messages = ex.messages;
    return ex.n_messages;
}
