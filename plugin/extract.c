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
#include "fields.h"

#include <stddef.h>
#include <string.h>

#include <epan/proto.h>
#include <epan/to_str.h>
#include <wsutil/wslog.h>

#include "ws-compat.h"

typedef enum {
    FIELD_MESSAGE,     /* the "sip" protocol item: one per SIP message */
    FIELD_AUTH_HEADER, /* an authentication header; auth parameters nest inside it */
    FIELD_METHOD,      /* the Method of a Request-Line: the message is a request */
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
    NEED_RESPONSE, /* the frame has a response (a 3xx's targets, a REGISTER 2xx's bindings) */
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
    {"sip.Authentication-Info", FIELD_AUTH_HEADER, 0, 0, SIPKB_AUTH_AUTHENTICATION_INFO,
     NEED_ALWAYS},
    {"sip.resend", FIELD_BOOLEAN, MSG(is_resend), 0, 0, NEED_ALWAYS},
    {"sip.Method", FIELD_METHOD, MSG(method), 0, 0, NEED_ALWAYS},
    {"sip.Status-Code", FIELD_UINT, MSG(status_code), MSG(has_status_code), 0, NEED_ALWAYS},
    {"sip.Status-Line", FIELD_STATUS_LINE, MSG(reason_phrase), 0, 0, NEED_ALWAYS},
    {"sip.Call-ID", FIELD_STRING, MSG(call_id), 0, 0, NEED_ALWAYS},
    {"sip.CSeq.seq", FIELD_UINT, MSG(cseq_number), MSG(has_cseq), 0, NEED_ALWAYS},
    {"sip.CSeq.method", FIELD_STRING, MSG(cseq_method), 0, 0, NEED_ALWAYS},
    {"sip.r-uri", FIELD_STRING, MSG(request_uri), 0, 0, NEED_ALWAYS},
    {"sip.r-uri.user", FIELD_STRING, MSG(request_uri_user), 0, 0, NEED_ALWAYS},
    {"sip.r-uri.host", FIELD_STRING, MSG(request_uri_host), 0, 0, NEED_ALWAYS},
    {"sip.from.user", FIELD_STRING, MSG(from_user), 0, 0, NEED_ALWAYS},
    {"sip.from.host", FIELD_STRING, MSG(from_host), 0, 0, NEED_ALWAYS},
    {"sip.from.tag", FIELD_STRING, MSG(from_tag), 0, 0, NEED_ALWAYS},
    {"sip.to.user", FIELD_STRING, MSG(to_user), 0, 0, NEED_ALWAYS},
    {"sip.to.host", FIELD_STRING, MSG(to_host), 0, 0, NEED_ALWAYS},
    {"sip.to.tag", FIELD_STRING, MSG(to_tag), 0, 0, NEED_ALWAYS},
    {"sip.Warning", FIELD_STRING, MSG(warning), 0, 0, NEED_ALWAYS},
    {"sip.Event", FIELD_STRING, MSG(event), 0, 0, NEED_ALWAYS},
    {"sip.pai.user", FIELD_STRING, MSG(p_asserted_identity_user), 0, 0, NEED_AUTH},
    {"sip.ppi.user", FIELD_STRING, MSG(p_preferred_identity_user), 0, 0, NEED_AUTH},
    {"sip.Retry-After", FIELD_UINT, MSG(retry_after), MSG(has_retry_after), 0, NEED_ALWAYS},
    {"sip.contact.uri", FIELD_STRING_LIST, MSG(contact_uris), 0, 0, NEED_RESPONSE},
    {"sip.contact.parameter", FIELD_STRING_LIST, MSG(contact_parameters), 0, 0, NEED_RESPONSE},
    /* a request's too: a SUBSCRIBE with Expires: 0 ends its subscription (RFC 6665) */
    {"sip.Expires", FIELD_UINT, MSG(expires), MSG(has_expires), 0, NEED_ALWAYS},
    {"sip.auth.username", FIELD_AUTH_STRING, AUTH(username), 0, 0, NEED_AUTH},
    {"sip.auth.realm", FIELD_AUTH_STRING, AUTH(realm), 0, 0, NEED_AUTH},
    {"sip.auth.nonce", FIELD_AUTH_STRING, AUTH(nonce), 0, 0, NEED_AUTH},
    {"sip.auth.algorithm", FIELD_AUTH_STRING, AUTH(algorithm), 0, 0, NEED_AUTH},
    {"sip.auth.stale", FIELD_AUTH_STRING, AUTH(stale), 0, 0, NEED_AUTH},
    {"sip.auth.nextnonce", FIELD_AUTH_STRING, AUTH(nextnonce), 0, 0, NEED_AUTH},
};

#undef MSG
#undef AUTH

#define N_FIELDS G_N_ELEMENTS(field_specs)

/* Resolved ids, -1 where this Wireshark lacks the field. */
static int field_ids[N_FIELDS];

static void resolve_path_protocols(void);

void
sipkb_extract_resolve(GArray *wanted)
{
    for (size_t i = 0; i < N_FIELDS; i++)
        field_ids[i] = sipkb_field_want(wanted, field_specs[i].name);
    sipkb_extract_via_resolve(wanted);
    sipkb_extract_sdp_resolve(wanted);
    sipkb_extract_dns_resolve(wanted);
    resolve_path_protocols();
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

static sipkb_extracted *
message_of(const extraction *ex, const field_info *fi)
{
    for (guint i = 0; i < ex->n_messages; i++) {
        sipkb_extracted *m = &ex->messages[i];
        if (sipkb_field_within(fi, m->tvb, m->msg.start, m->msg.length))
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
        if (sipkb_field_within(fi, span->finfo->ds_tvb, span->finfo->start, span->finfo->length))
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
    sipkb_auth *target = &m->msg.credentials;
    if (spec->auth_header == SIPKB_AUTH_WWW_AUTHENTICATE ||
        spec->auth_header == SIPKB_AUTH_PROXY_AUTHENTICATE)
        target = &m->msg.challenge;
    else if (spec->auth_header == SIPKB_AUTH_AUTHENTICATION_INFO)
        target = &m->msg.authentication_info;
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
    case FIELD_METHOD:
        /* The SIP dissector gives sip.Method only inside a Request-Line, whose own item (the
         * whole line as a string) would cost every request a copy. */
        m->msg.is_request = TRUE;
        set_first_string((const char **)(base + spec->offset), fi);
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
    case NEED_RESPONSE: /* so do Status-Lines */
        for (guint i = 0; i < ex->n_messages; i++) {
            if (ex->messages[i].msg.is_response)
                return TRUE;
        }
        return FALSE;
    }
    return TRUE;
}

/* ---- where the message travelled ------------------------------------------------------- */

/* The protocols of the frame's layers that say how a message travelled, by protocol id: one
 * look at the layers per frame instead of a name comparison per layer and protocol. */
static const struct {
    const char *protocol;
    const char *transport; /* NULL: an ICMP error quoting the message */
} path_protocols[] = {
    {"udp", "UDP"}, {"tcp", "TCP"}, {"sctp", "SCTP"}, {"icmp", NULL}, {"icmpv6", NULL},
};
static int path_protocol_ids[G_N_ELEMENTS(path_protocols)];

static void
resolve_path_protocols(void)
{
    for (gsize i = 0; i < G_N_ELEMENTS(path_protocols); i++)
        path_protocol_ids[i] = proto_get_id_by_filter_name(path_protocols[i].protocol);
}

/* In an ICMP error, Wireshark dissects the quoted packet with pinfo's addresses saved and
 * restores them afterwards (call_dissector_work_error in epan/packet.c): a post-dissector reads
 * the outer packet's addresses, so net_src is the ICMP error's sender. */
static void
fill_path(packet_info *pinfo, sipkb_path *path, gboolean *in_icmp, const char **icmp_source)
{
    path->source = address_to_str(pinfo->pool, &pinfo->net_src);
    path->destination = address_to_str(pinfo->pool, &pinfo->net_dst);
    path->source_port = pinfo->srcport;
    path->destination_port = pinfo->destport;
    /* The first transport of the list above that the frame has, as UDP before TCP. */
    gsize transport = G_N_ELEMENTS(path_protocols);
    *in_icmp = FALSE;
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer;
         layer = wmem_list_frame_next(layer)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(layer));
        for (gsize i = 0; i < G_N_ELEMENTS(path_protocols); i++) {
            if (id != path_protocol_ids[i] || id < 0)
                continue;
            if (!path_protocols[i].transport)
                *in_icmp = TRUE;
            else if (i < transport)
                transport = i;
        }
    }
    path->transport =
        transport < G_N_ELEMENTS(path_protocols) ? path_protocols[transport].transport : NULL;
    *icmp_source = *in_icmp ? path->source : NULL;
}

/* ---- the frame's messages --------------------------------------------------------------- */

static void
extract_sip_fields(const sipkb_field_source *source, extraction *ex)
{
    for (size_t i = 1; i < N_FIELDS; i++) {
        if (!needed(ex, field_specs[i].need))
            continue;
        field_info **items = NULL;
        guint n_items = sipkb_field_values(source, field_ids[i], &items);
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
    guint n_sip = sipkb_field_values(source, field_ids[0], &sip_items);
    if (n_sip == 0)
        return 0;

    extraction ex = {.pool = pinfo->pool};
    collect_messages(&ex, sip_items, n_sip);
    ex.auth_spans = wmem_array_new(pinfo->pool, sizeof(auth_header_span));
    ex.lists = wmem_alloc0_array(pinfo->pool, wmem_array_t *, (gsize)ex.n_messages * N_FIELDS);
    extract_sip_fields(source, &ex);
    sipkb_path path;
    gboolean in_icmp;
    const char *icmp_source;
    fill_path(pinfo, &path, &in_icmp, &icmp_source);
    for (guint i = 0; i < ex.n_messages; i++) {
        sipkb_extracted *m = &ex.messages[i];
        m->msg.frame = pinfo->num;
        m->msg.time_ns =
            (gint64)pinfo->abs_ts.secs * G_GINT64_CONSTANT(1000000000) + pinfo->abs_ts.nsecs;
        m->msg.path = path;
        m->msg.in_icmp = in_icmp;
        m->msg.icmp_source = icmp_source;
        sipkb_extract_vias(source, pinfo->pool, m);
        sipkb_extract_sdp(source, pinfo->pool, m);
    }
    *messages = ex.messages;
    return ex.n_messages;
}
