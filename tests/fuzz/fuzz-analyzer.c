/* libFuzzer target: the analyzer (include/sipkb/analyzer.h), the one place where sipkb decides
 * every finding, fed a capture's worth of SIP and DNS messages, and the functions that word a
 * message's Via values and SDP lines for the tree (include/sipkb/via.h, sdp.h).
 *
 * Input: a byte encoding of a sequence of sipkb_message and sipkb_dns_message structs
 * (fuzz-analyzer-input.h): requests and responses with methods and status codes (out-of-range
 * ones too), Call-IDs, CSeqs, tags and branches from small pools so that transactions,
 * retransmissions, CANCELs, challenges and offers/answers match, digest parameters, Via values,
 * P-Asserted/Preferred-Identity, Retry-After, Contacts and their parameters, Expires, Warning,
 * resend and ICMP marks, the packet's addresses and transport, Request-URI, From and To hosts
 * from a pool shared with the names DNS messages look up (so that lookups match requests), and
 * SDP lines with their parts; any string may also be text of the input's own (UTF-8, as the
 * SIP dissector hands it over) or arbitrary bytes. Frame numbers only grow, several SIP
 * messages may share a frame, and sipkb_analyzer_finish() may come between messages; it comes
 * at the end, and once more. The decoded strings are freed right after sipkb_analyzer_add()
 * and sipkb_analyzer_add_dns(), so that ASan sees an analyzer that keeps a borrowed string.
 *
 * The KB (generic layer and provider profile) and the findings table are the source tree's
 * files, loaded once. Checked promises, after every message (its first-pass items) and after
 * every sipkb_analyzer_finish() (every result; the templates after the last one):
 *  - sipkb_analyzer_results() gives each frame's results in the order added, with the frame's
 *    number, and nothing for frames without SIP messages (DNS frames among them); a result
 *    echoes its message (frame, start, length, kind, status code) and its first-pass items
 *    never change
 *  - every item's finding is in the table, its variant one of the finding's text.N, a FLAG is
 *    1, a FRAME names a frame that was added (SIP or DNS), a TEXT is there and, when every
 *    decoded string was one line of UTF-8, is one line of UTF-8 too; sipkb_result_find()
 *    gives the first item of each finding
 *  - a result's severity is the highest of its items' severities in the table
 *  - sipkb_result_render() of each template of an item's finding (text, text.N, subtree,
 *    header) gives one line of UTF-8 (for such inputs); each placeholder names a finding or a
 *    word of the message, and renders as the value of the result's first item of that finding;
 *    the templates the tree shows for the item (its expert text, title and request header, as
 *    the variant chooses) name only findings the result holds, so they never read "(unknown)"
 *  - sipkb_analyzer_needs_finish() says whether a message was added since the last finish; a
 *    second finish without new messages decides the same late items
 *  - sipkb_via_explain(), sipkb_sdp_line_text() and sipkb_payload_explained() on the message
 *    give text (one line of UTF-8 for such messages), and the SDP body model stays in bounds
 *
 * SIPKB_FUZZ_PRINT=1 in the environment prints every result with its items (to read a seed or
 * a crashing input).
 */
#include <string.h>

#include "fuzz-analyzer-input.h"
#include "fuzz-common.h"
#include "sipkb/analyzer.h"
#include "sipkb/sdp.h"
#include "sipkb/via.h"

#define MAX_MESSAGES 400
#define MAX_VIAS 32
#define MAX_SDP_LINES 256
#define MAX_CONTACTS 32
#define MAX_FINISHES 8
#define MAX_TEXT_BYTES (1 << 20)
/* Capture times stay within what 32-bit capture seconds give, as the glue computes them. */
#define MAX_TIME_NS (G_GINT64_CONSTANT(4294967295) * 1000000000)

static sipkb_kb *kb;
static sipkb_findings_table *findings;
static gboolean print_results;

static char *
read_source_file(const char *path, gsize *length)
{
    char *text = NULL;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, length, &error)) {
        fprintf(stderr, "fuzz-analyzer: %s\n", error->message);
        exit(1);
    }
    return text;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_make_glib_warnings_fatal();
    print_results = g_getenv("SIPKB_FUZZ_PRINT") != NULL;
    const struct {
        const char *path;
        sipkb_layer layer;
    } layers[] = {
        {SIPKB_KB_GENERIC_PATH, SIPKB_LAYER_GENERIC},
        {SIPKB_KB_PROVIDER_PATH, SIPKB_LAYER_PROVIDER},
    };
    kb = sipkb_kb_new();
    for (gsize i = 0; i < G_N_ELEMENTS(layers); i++) {
        gsize length = 0;
        char *text = read_source_file(layers[i].path, &length);
        CHECK(sipkb_kb_add_layer(kb, layers[i].layer, text, length, layers[i].path, NULL));
        g_free(text);
    }
    gsize length = 0;
    char *text = read_source_file(SIPKB_FINDINGS_PATH, &length);
    GError *error = NULL;
    findings = sipkb_findings_table_new(text, length, SIPKB_FINDINGS_PATH, &error);
    if (!findings) {
        fprintf(stderr, "fuzz-analyzer: %s\n", error->message);
        exit(1);
    }
    g_free(text);
    return 0;
}

/* ---- reading the input ------------------------------------------------------------------- */

typedef struct {
    const uint8_t *data;
    size_t size, pos;
} reader;

static gboolean
at_end(const reader *r)
{
    return r->pos >= r->size;
}

static guint8
read_u8(reader *r)
{
    return r->pos < r->size ? r->data[r->pos++] : 0;
}

static guint16
read_u16(reader *r)
{
    guint16 high = read_u8(r);
    return (guint16)(high << 8 | read_u8(r));
}

static guint32
read_u32(reader *r)
{
    guint32 high = read_u16(r);
    return high << 16 | read_u16(r);
}

/* A message being decoded: its struct and everything it points to, freed once it was added. */
typedef struct {
    sipkb_message msg;
    GPtrArray *owned; /* strings */
    GArray *vias;     /* sipkb_via */
    GArray *lines;    /* sipkb_sdp_line */
    GPtrArray *contacts;
    gboolean has_contacts;
    GPtrArray *contact_parameters;
    gboolean has_contact_parameters;
    gboolean seen_m;
    gboolean clean; /* every string is one line of UTF-8 */
} building;

/* What a later message may copy from an earlier one (FUZZ_TAG_COPY_DIALOG, REVERSE_PATH). */
typedef struct {
    char *call_id, *cseq_method, *from_user, *from_host, *from_tag, *to_user, *to_host, *to_tag;
    gboolean has_cseq;
    guint32 cseq_number;
    GArray *vias; /* sipkb_via whose strings are owned here */
    sipkb_path path;
} kept_dialog;

/* One message added, and what was promised about its result. */
typedef struct {
    guint32 frame;
    const sipkb_result *result;
    sipkb_item *items; /* the first-pass items as added */
    guint n_items;
    kept_dialog dialog;
} added_message;

typedef struct {
    sipkb_analyzer *analyzer;
    GArray *added;      /* added_message, in the order added (so by frame) */
    GArray *dns_frames; /* guint32: the frames of DNS messages, growing */
    guint32 last_frame; /* of the last message, SIP or DNS */
    guint n_finishes;
    gint64 time_ns;
    gboolean clean; /* every string decoded so far is one line of UTF-8 */
} run;

static const char *
keep_string(building *b, char *text)
{
    if (!fuzz_is_one_line(text, G_MAXSIZE))
        b->clean = FALSE;
    g_ptr_array_add(b->owned, text);
    return text;
}

static const char *
copy_string(building *b, const char *text)
{
    return text ? keep_string(b, g_strdup(text)) : NULL;
}

/* A str value appended to `out`; FALSE for NULL. */
static gboolean
append_str(reader *r, fuzz_pool_id pool_id, guint depth, GString *out)
{
    guint8 byte = read_u8(r);
    if (byte == FUZZ_STR_NULL)
        return FALSE;
    if (byte < FUZZ_STR_TEXT) {
        const fuzz_pool *pool = &fuzz_pools[pool_id];
        g_string_append(out, pool->items[(byte - 1u) % pool->n]);
        return TRUE;
    }
    if (byte == FUZZ_STR_JOINED) {
        guint n = read_u8(r);
        for (guint i = 0; i < n && !at_end(r) && depth < FUZZ_STR_MAX_DEPTH; i++)
            append_str(r, pool_id, depth + 1, out);
        return TRUE;
    }
    gboolean as_text = byte < FUZZ_STR_BYTES || byte == FUZZ_STR_LONG;
    gsize length = byte == FUZZ_STR_LONG ? read_u16(r)
                   : as_text             ? (gsize)(byte - FUZZ_STR_TEXT)
                                         : (gsize)(byte - FUZZ_STR_BYTES);
    length = MIN(length, r->size - r->pos);
    const char *bytes = (const char *)r->data + r->pos;
    r->pos += length;
    length = strnlen(bytes, length); /* a NUL ends it */
    if (!as_text) {
        g_string_append_len(out, bytes, (gssize)length);
        return TRUE;
    }
    char *text = g_utf8_make_valid(bytes, (gssize)length);
    g_string_append(out, text);
    g_free(text);
    return TRUE;
}

static const char *
read_str(reader *r, building *b, fuzz_pool_id pool_id)
{
    GString *text = g_string_new(NULL);
    if (!append_str(r, pool_id, 0, text)) {
        g_string_free(text, TRUE);
        return NULL;
    }
    return keep_string(b, g_string_free(text, FALSE));
}

static guint32
read_code(reader *r)
{
    guint8 byte = read_u8(r);
    if (byte < G_N_ELEMENTS(fuzz_status_codes))
        return fuzz_status_codes[byte];
    return byte == FUZZ_CODE_U32 ? read_u32(r) : read_u16(r);
}

static void
read_via(reader *r, building *b)
{
    sipkb_via via;
    via.transport = read_str(r, b, FUZZ_POOL_TRANSPORT);
    via.host = read_str(r, b, FUZZ_POOL_ADDRESS);
    via.port = read_u16(r);
    via.branch = read_str(r, b, FUZZ_POOL_BRANCH);
    via.received = read_str(r, b, FUZZ_POOL_ADDRESS);
    via.rport = read_str(r, b, FUZZ_POOL_RPORT);
    via.parameters_read = TRUE;
    if (b->vias->len < MAX_VIAS)
        g_array_append_val(b->vias, via);
}

static void
read_auth(reader *r, building *b, sipkb_auth *auth, gboolean credentials)
{
    memset(auth, 0, sizeof(*auth));
    auth->header = (sipkb_auth_header)(read_u8(r) % (SIPKB_AUTH_PROXY_AUTHORIZATION + 1));
    if (credentials)
        auth->username = read_str(r, b, FUZZ_POOL_USER);
    auth->realm = read_str(r, b, FUZZ_POOL_REALM);
    auth->nonce = read_str(r, b, FUZZ_POOL_NONCE);
    auth->algorithm = read_str(r, b, FUZZ_POOL_ALGORITHM);
    if (!credentials)
        auth->stale = read_str(r, b, FUZZ_POOL_STALE);
}

static void
read_path(reader *r, building *b)
{
    sipkb_path *path = &b->msg.path;
    path->source = read_str(r, b, FUZZ_POOL_ADDRESS);
    path->destination = read_str(r, b, FUZZ_POOL_ADDRESS);
    path->source_port = read_u16(r);
    path->destination_port = read_u16(r);
    path->transport = read_str(r, b, FUZZ_POOL_TRANSPORT);
}

static void
reverse_path(building *b, const sipkb_path *path)
{
    b->msg.path.source = copy_string(b, path->destination);
    b->msg.path.destination = copy_string(b, path->source);
    b->msg.path.source_port = path->destination_port;
    b->msg.path.destination_port = path->source_port;
    b->msg.path.transport = copy_string(b, path->transport);
}

static const char *
part_or_empty(const char *part)
{
    return part ? part : "";
}

/* One SDP line; its value is written from its parts, as the SDP dissector read them. */
static void
read_sdp_line(reader *r, building *b)
{
    fuzz_sdp_kind kind = (fuzz_sdp_kind)(read_u8(r) % FUZZ_SDP_COUNT);
    guint8 flags = read_u8(r);
    sipkb_sdp_line line;
    memset(&line, 0, sizeof(line));
    const char **p = line.parts;
    char *value = NULL;
    switch (kind) {
    case FUZZ_SDP_V:
    case FUZZ_SDP_S:
        line.type = kind == FUZZ_SDP_V ? 'v' : 's';
        line.value = read_str(r, b, FUZZ_POOL_TEXT);
        break;
    case FUZZ_SDP_O:
        line.type = 'o';
        p[0] = read_str(r, b, FUZZ_POOL_USER);
        p[1] = read_str(r, b, FUZZ_POOL_NUMBER);
        p[2] = read_str(r, b, FUZZ_POOL_NUMBER);
        p[3] = read_str(r, b, FUZZ_POOL_ADDRESS);
        value = g_strdup_printf("%s %s %s IN IP4 %s", part_or_empty(p[0]), part_or_empty(p[1]),
                                part_or_empty(p[2]), part_or_empty(p[3]));
        break;
    case FUZZ_SDP_C:
        line.type = 'c';
        p[0] = read_str(r, b, FUZZ_POOL_ADDRESS_TYPE);
        p[1] = read_str(r, b, FUZZ_POOL_ADDRESS);
        p[2] = read_str(r, b, FUZZ_POOL_NUMBER);
        value = g_strdup_printf("IN %s %s%s%s", part_or_empty(p[0]), part_or_empty(p[1]),
                                p[2] ? "/" : "", part_or_empty(p[2]));
        break;
    case FUZZ_SDP_M: {
        line.type = 'm';
        p[0] = read_str(r, b, FUZZ_POOL_MEDIA);
        p[1] = read_str(r, b, FUZZ_POOL_PORT);
        p[2] = read_str(r, b, FUZZ_POOL_PROFILE);
        GString *m = g_string_new(NULL);
        g_string_printf(m, "%s %s %s", part_or_empty(p[0]), part_or_empty(p[1]),
                        part_or_empty(p[2]));
        for (guint n = read_u8(r), i = 0; i < n && !at_end(r); i++)
            g_string_append_printf(m, " %u", read_u8(r));
        value = g_string_free(m, FALSE);
        break;
    }
    case FUZZ_SDP_A:
        line.type = 'a';
        line.value = read_str(r, b, FUZZ_POOL_ATTRIBUTE);
        break;
    case FUZZ_SDP_T:
        line.type = 't';
        p[0] = read_str(r, b, FUZZ_POOL_NUMBER);
        p[1] = read_str(r, b, FUZZ_POOL_NUMBER);
        value = g_strdup_printf("%s %s", part_or_empty(p[0]), part_or_empty(p[1]));
        break;
    case FUZZ_SDP_B:
        line.type = 'b';
        p[0] = read_str(r, b, FUZZ_POOL_BANDWIDTH_TYPE);
        p[1] = read_str(r, b, FUZZ_POOL_NUMBER);
        value = g_strdup_printf("%s:%s", part_or_empty(p[0]), part_or_empty(p[1]));
        break;
    case FUZZ_SDP_OTHER:
    case FUZZ_SDP_COUNT:
        line.type = (char)read_u8(r);
        line.value = read_str(r, b, FUZZ_POOL_TEXT);
        for (guint i = 0; i < SIPKB_SDP_N_PARTS; i++)
            p[i] = read_str(r, b, FUZZ_POOL_TEXT);
        break;
    }
    if (value)
        line.value = keep_string(b, value);
    if (flags & FUZZ_SDP_NO_VALUE)
        line.value = NULL;
    for (guint i = 0; i < SIPKB_SDP_N_PARTS; i++) {
        if (flags & (1u << (FUZZ_SDP_DROP_PART_SHIFT + i)))
            p[i] = NULL;
    }
    b->seen_m |= line.type == 'm';
    line.in_media = (flags & FUZZ_SDP_FLIP_IN_MEDIA) ? !b->seen_m : b->seen_m;
    b->msg.has_sdp = TRUE;
    if (b->lines->len < MAX_SDP_LINES)
        g_array_append_val(b->lines, line);
}

static void
copy_dialog(building *b, const kept_dialog *from)
{
    sipkb_message *msg = &b->msg;
    msg->call_id = copy_string(b, from->call_id);
    msg->has_cseq = from->has_cseq;
    msg->cseq_number = from->cseq_number;
    msg->cseq_method = copy_string(b, from->cseq_method);
    msg->from_user = copy_string(b, from->from_user);
    msg->from_host = copy_string(b, from->from_host);
    msg->from_tag = copy_string(b, from->from_tag);
    msg->to_user = copy_string(b, from->to_user);
    msg->to_host = copy_string(b, from->to_host);
    msg->to_tag = copy_string(b, from->to_tag);
    for (guint v = 0; v < from->vias->len && b->vias->len < MAX_VIAS; v++) {
        const sipkb_via *via = &g_array_index(from->vias, sipkb_via, v);
        sipkb_via copy = {copy_string(b, via->transport),
                          copy_string(b, via->host),
                          via->port,
                          copy_string(b, via->branch),
                          copy_string(b, via->received),
                          copy_string(b, via->rport),
                          via->parameters_read};
        g_array_append_val(b->vias, copy);
    }
    reverse_path(b, &from->path);
}

static const added_message *
message_back(const run *run, guint k)
{
    if (run->added->len == 0)
        return NULL;
    return &g_array_index(run->added, added_message, run->added->len - 1 - k % run->added->len);
}

/* The fields of one message, up to FUZZ_TAG_END or the end of the input. */
static void
read_fields(reader *r, building *b, run *run)
{
    sipkb_message *msg = &b->msg;
    while (!at_end(r)) {
        switch ((fuzz_tag)(read_u8(r) % FUZZ_TAG_COUNT)) {
        case FUZZ_TAG_END:
        case FUZZ_TAG_COUNT:
            return;
        case FUZZ_TAG_REQUEST:
            msg->is_request = TRUE;
            msg->method = read_str(r, b, FUZZ_POOL_METHOD);
            break;
        case FUZZ_TAG_RESPONSE:
            msg->is_response = TRUE;
            msg->has_status_code = TRUE;
            msg->status_code = read_code(r);
            break;
        case FUZZ_TAG_RESPONSE_NO_CODE:
            msg->is_response = TRUE;
            break;
        case FUZZ_TAG_REASON:
            msg->reason_phrase = read_str(r, b, FUZZ_POOL_REASON);
            break;
        case FUZZ_TAG_CALL_ID:
            msg->call_id = read_str(r, b, FUZZ_POOL_CALL_ID);
            break;
        case FUZZ_TAG_CSEQ:
            msg->has_cseq = TRUE;
            msg->cseq_number = read_u32(r);
            msg->cseq_method = read_str(r, b, FUZZ_POOL_METHOD);
            break;
        case FUZZ_TAG_FROM:
            msg->from_user = read_str(r, b, FUZZ_POOL_USER);
            msg->from_tag = read_str(r, b, FUZZ_POOL_TAG);
            break;
        case FUZZ_TAG_TO_TAG:
            msg->to_tag = read_str(r, b, FUZZ_POOL_TAG);
            break;
        case FUZZ_TAG_VIA:
            read_via(r, b);
            break;
        case FUZZ_TAG_CHALLENGE:
            read_auth(r, b, &msg->challenge, FALSE);
            break;
        case FUZZ_TAG_CREDENTIALS:
            read_auth(r, b, &msg->credentials, TRUE);
            break;
        case FUZZ_TAG_ASSERTED:
            msg->p_asserted_identity_user = read_str(r, b, FUZZ_POOL_USER);
            break;
        case FUZZ_TAG_PREFERRED:
            msg->p_preferred_identity_user = read_str(r, b, FUZZ_POOL_USER);
            break;
        case FUZZ_TAG_RETRY_AFTER:
            msg->has_retry_after = TRUE;
            msg->retry_after = read_u32(r);
            break;
        case FUZZ_TAG_CONTACT: {
            const char *uri = read_str(r, b, FUZZ_POOL_URI);
            b->has_contacts = TRUE; /* a NULL one leaves an empty list */
            if (uri && b->contacts->len < MAX_CONTACTS)
                g_ptr_array_add(b->contacts, (gpointer)uri);
            break;
        }
        case FUZZ_TAG_WARNING:
            msg->warning = read_str(r, b, FUZZ_POOL_WARNING);
            break;
        case FUZZ_TAG_RESEND:
            msg->is_resend = TRUE;
            break;
        case FUZZ_TAG_IN_ICMP:
            msg->in_icmp = TRUE;
            break;
        case FUZZ_TAG_PATH:
            read_path(r, b);
            break;
        case FUZZ_TAG_REVERSE_PATH: {
            const added_message *before = message_back(run, 0);
            if (before)
                reverse_path(b, &before->dialog.path);
            break;
        }
        case FUZZ_TAG_SDP_LINE:
            read_sdp_line(r, b);
            break;
        case FUZZ_TAG_SDP_EMPTY:
            msg->has_sdp = TRUE;
            break;
        case FUZZ_TAG_SPAN:
            msg->start = read_u16(r);
            msg->length = read_u16(r);
            break;
        case FUZZ_TAG_TIME: {
            gint64 seconds = read_u32(r);
            msg->time_ns = seconds * 1000000000 + read_u32(r) % 1000000000;
            break;
        }
        case FUZZ_TAG_COPY_DIALOG: {
            const added_message *from = message_back(run, read_u8(r));
            if (from)
                copy_dialog(b, &from->dialog);
            break;
        }
        case FUZZ_TAG_EVENT:
            msg->event = read_str(r, b, FUZZ_POOL_EVENT);
            break;
        case FUZZ_TAG_VIA_UNREAD:
            if (b->vias->len)
                g_array_index(b->vias, sipkb_via, b->vias->len - 1).parameters_read = FALSE;
            break;
        case FUZZ_TAG_REQUEST_URI:
            msg->request_uri = read_str(r, b, FUZZ_POOL_URI);
            msg->request_uri_user = read_str(r, b, FUZZ_POOL_USER);
            msg->request_uri_host = read_str(r, b, FUZZ_POOL_HOST);
            break;
        case FUZZ_TAG_FROM_HOST:
            msg->from_host = read_str(r, b, FUZZ_POOL_HOST);
            break;
        case FUZZ_TAG_TO:
            msg->to_user = read_str(r, b, FUZZ_POOL_USER);
            msg->to_host = read_str(r, b, FUZZ_POOL_HOST);
            break;
        case FUZZ_TAG_EXPIRES:
            msg->has_expires = TRUE;
            msg->expires = read_u32(r);
            break;
        case FUZZ_TAG_CONTACT_PARAMETERS: {
            const char *parameters = read_str(r, b, FUZZ_POOL_CONTACT_PARAMETERS);
            b->has_contact_parameters = TRUE; /* a NULL one leaves an empty list */
            if (parameters && b->contact_parameters->len < MAX_CONTACTS)
                g_ptr_array_add(b->contact_parameters, (gpointer)parameters);
            break;
        }
        case FUZZ_TAG_ICMP_SOURCE:
            msg->icmp_source = read_str(r, b, FUZZ_POOL_ADDRESS);
            break;
        }
    }
}

static void
building_init(building *b)
{
    memset(b, 0, sizeof(*b));
    b->owned = g_ptr_array_new_with_free_func(g_free);
    b->vias = g_array_new(FALSE, TRUE, sizeof(sipkb_via));
    b->lines = g_array_new(FALSE, TRUE, sizeof(sipkb_sdp_line));
    b->contacts = g_ptr_array_new();
    b->contact_parameters = g_ptr_array_new();
    b->clean = TRUE;
}

/* Points the message at its lists, once every field was read. */
static void
building_finish(building *b)
{
    sipkb_message *msg = &b->msg;
    msg->n_vias = b->vias->len;
    msg->vias = b->vias->len ? (const sipkb_via *)b->vias->data : NULL;
    msg->n_sdp_lines = b->lines->len;
    msg->sdp_lines = b->lines->len ? (const sipkb_sdp_line *)b->lines->data : NULL;
    if (b->has_contacts) {
        g_ptr_array_add(b->contacts, NULL);
        msg->contact_uris = (const char *const *)b->contacts->pdata;
    }
    if (b->has_contact_parameters) {
        g_ptr_array_add(b->contact_parameters, NULL);
        msg->contact_parameters = (const char *const *)b->contact_parameters->pdata;
    }
}

static void
building_clear(building *b)
{
    g_ptr_array_free(b->owned, TRUE);
    g_array_free(b->vias, TRUE);
    g_array_free(b->lines, TRUE);
    g_ptr_array_free(b->contacts, TRUE);
    g_ptr_array_free(b->contact_parameters, TRUE);
}

static void
keep_dialog(kept_dialog *kept, const sipkb_message *msg)
{
    kept->call_id = g_strdup(msg->call_id);
    kept->has_cseq = msg->has_cseq;
    kept->cseq_number = msg->cseq_number;
    kept->cseq_method = g_strdup(msg->cseq_method);
    kept->from_user = g_strdup(msg->from_user);
    kept->from_host = g_strdup(msg->from_host);
    kept->from_tag = g_strdup(msg->from_tag);
    kept->to_user = g_strdup(msg->to_user);
    kept->to_host = g_strdup(msg->to_host);
    kept->to_tag = g_strdup(msg->to_tag);
    kept->vias = g_array_new(FALSE, TRUE, sizeof(sipkb_via));
    for (guint v = 0; v < msg->n_vias; v++) {
        const sipkb_via *via = &msg->vias[v];
        sipkb_via copy = {g_strdup(via->transport), g_strdup(via->host),     via->port,
                          g_strdup(via->branch),    g_strdup(via->received), g_strdup(via->rport),
                          via->parameters_read};
        g_array_append_val(kept->vias, copy);
    }
    kept->path = msg->path;
    kept->path.source = g_strdup(msg->path.source);
    kept->path.destination = g_strdup(msg->path.destination);
    kept->path.transport = g_strdup(msg->path.transport);
}

static void
kept_dialog_clear(kept_dialog *kept)
{
    g_free(kept->call_id);
    g_free(kept->cseq_method);
    g_free(kept->from_user);
    g_free(kept->from_host);
    g_free(kept->from_tag);
    g_free(kept->to_user);
    g_free(kept->to_host);
    g_free(kept->to_tag);
    for (guint v = 0; v < kept->vias->len; v++) {
        sipkb_via *via = &g_array_index(kept->vias, sipkb_via, v);
        g_free((char *)via->transport);
        g_free((char *)via->host);
        g_free((char *)via->branch);
        g_free((char *)via->received);
        g_free((char *)via->rport);
    }
    g_array_free(kept->vias, TRUE);
    g_free((char *)kept->path.source);
    g_free((char *)kept->path.destination);
    g_free((char *)kept->path.transport);
}

/* ---- the show path's wording of Via values and SDP lines -------------------------------- */

/* One line of UTF-8 when `clean`; else says which text is not. */
static void
check_one_line(const char *what, const char *text, gboolean clean)
{
    CHECK(text);
    if (!clean || fuzz_is_one_line(text, MAX_TEXT_BYTES))
        return;
    char *escaped = g_strescape(text, NULL);
    fprintf(stderr, "%s is not one line of UTF-8: \"%s\"\n", what, escaped);
    g_free(escaped);
    CHECK(fuzz_is_one_line(text, MAX_TEXT_BYTES));
}

static void
check_show_text(const char *what, char *text, gboolean clean)
{
    check_one_line(what, text, clean);
    g_free(text);
}

static void
check_show_path(const sipkb_message *msg, gboolean clean)
{
    GPtrArray *details = g_ptr_array_new_with_free_func(g_free);
    for (guint v = 0; v < msg->n_vias; v++) {
        g_ptr_array_set_size(details, 0);
        check_show_text("sipkb_via_explain()",
                        sipkb_via_explain(&msg->vias[v], v, msg->is_request, details), clean);
        CHECK(details->len >= 2); /* at least the transport and the sent-by */
        for (guint d = 0; d < details->len; d++)
            check_one_line("a detail of sipkb_via_explain()", g_ptr_array_index(details, d), clean);
    }
    g_ptr_array_free(details, TRUE);
    if (!msg->has_sdp)
        return;
    for (guint i = 0; i < msg->n_sdp_lines; i++)
        check_show_text("sipkb_sdp_line_text()", sipkb_sdp_line_text(&msg->sdp_lines[i]), clean);
    sipkb_sdp_body *body = g_new(sipkb_sdp_body, 1);
    sipkb_sdp_body_build(msg->sdp_lines, msg->n_sdp_lines, body);
    CHECK(body->n_media <= SIPKB_MAX_MEDIA);
    for (guint m = 0; m < body->n_media; m++) {
        const sipkb_media *media = &body->media[m];
        CHECK(media->media && media->protocol);
        CHECK(media->direction <= SIPKB_DIRECTION_INACTIVE);
        CHECK(media->n_formats <= SIPKB_MAX_FORMATS);
        for (guint f = 0; f < media->n_formats; f++) {
            CHECK(media->formats[f].payload_type <= 127);
            check_show_text("sipkb_payload_explained()",
                            sipkb_payload_explained(&media->formats[f]), clean);
        }
        check_show_text("sipkb_media_codecs_text()", sipkb_media_codecs_text(media), clean);
    }
    sipkb_sdp_body_clear(body);
    g_free(body);
}

/* ---- promises about results -------------------------------------------------------------- */

/* Whether `frame` is in `frames` (growing), of which each element's first member is a frame. */
static gboolean
frame_in(const GArray *frames, guint32 frame)
{
    guint low = 0, high = frames->len;
    while (low < high) {
        guint middle = low + (high - low) / 2;
        guint32 f = *(const guint32 *)(frames->data +
                                       (gsize)middle * g_array_get_element_size((GArray *)frames));
        if (f == frame)
            return TRUE;
        if (f < frame)
            low = middle + 1;
        else
            high = middle;
    }
    return FALSE;
}

/* A frame that holds a SIP or a DNS message. */
static gboolean
frame_was_added(const run *run, guint32 frame)
{
    return frame_in(run->added, frame) || frame_in(run->dns_frames, frame);
}

static sipkb_finding
finding_named(const char *name)
{
    for (guint id = 0; id < SIPKB_N_FINDINGS; id++) {
        if (strcmp(sipkb_finding_name((sipkb_finding)id), name) == 0)
            return (sipkb_finding)id;
    }
    return SIPKB_N_FINDINGS;
}

/* The words a template may name besides findings, as the tree gives them. */
typedef struct {
    const char *reason;
    const char *summary;
} message_words;

static message_words
words_of(const sipkb_result *result)
{
    message_words w = {"", ""};
    gboolean class_fallback = FALSE;
    const sipkb_response_entry *entry =
        result->kind == SIPKB_MESSAGE_RESPONSE
            ? sipkb_kb_response(kb, result->status_code, &class_fallback)
            : NULL;
    if (entry) {
        w.reason = class_fallback ? "(unregistered code)" : entry->reason;
        w.summary = entry->summary;
    }
    return w;
}

static char *
render(const sipkb_result *result, const message_words *w, const char *template_text)
{
    GString *out = g_string_new(NULL);
    sipkb_result_render(findings, result, template_text, w->reason, w->summary, out);
    return g_string_free(out, FALSE);
}

/* One placeholder: what it renders as on its own; `shown`: it must name something present. */
static void
check_placeholder(const sipkb_result *result, const message_words *w, const char *name,
                  gboolean shown)
{
    GString *expected = g_string_new(NULL);
    gboolean exact = TRUE;
    if (strcmp(name, "code") == 0) {
        g_string_printf(expected, "%u", result->status_code);
    } else if (strcmp(name, "reason") == 0 || strcmp(name, "summary") == 0 ||
               strcmp(name, "method") == 0) {
        const char *word = name[0] == 'r'   ? w->reason
                           : name[0] == 's' ? w->summary
                                            : result->method;
        g_string_assign(expected, word ? word : "");
    } else {
        sipkb_finding id = finding_named(name);
        if (id == SIPKB_N_FINDINGS)
            fprintf(stderr, "placeholder {%s} names nothing\n", name);
        CHECK(id < SIPKB_N_FINDINGS);
        const sipkb_item *item = sipkb_result_find(result, id);
        if (shown && !item)
            fprintf(stderr, "frame %u: a shown template names {%s}, which the result lacks\n",
                    result->frame, name);
        CHECK(item || !shown);
        switch (item ? sipkb_findings_def(findings, id)->type : SIPKB_VALUE_NONE) {
        case SIPKB_VALUE_TEXT:
            g_string_assign(expected, item->value.text);
            break;
        case SIPKB_VALUE_DURATION:
        case SIPKB_VALUE_TIME:
            exact = FALSE; /* how seconds are written is the renderer's business */
            break;
        default:
            if (item)
                g_string_printf(expected, "%u", item->value.number);
            else
                g_string_assign(expected, "(unknown)");
            break;
        }
    }
    char *alone = g_strdup_printf("{%s}", name);
    char *rendered = render(result, w, alone);
    if (exact)
        CHECK(strcmp(rendered, expected->str) == 0);
    else
        CHECK(*rendered && strcmp(rendered, "(unknown)") != 0);
    g_free(rendered);
    g_free(alone);
    g_string_free(expected, TRUE);
}

static void
check_template(const run *run, const sipkb_result *result, const message_words *w,
               const char *template_text, gboolean shown)
{
    if (!template_text)
        return;
    check_show_text("a rendered template", render(result, w, template_text), run->clean);
    /* The placeholders as sipkb_result_render() reads them: "{" up to the next "}". */
    for (const char *p = template_text;;) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!close)
            break;
        char *name = g_strndup(open + 1, (gsize)(close - open - 1));
        check_placeholder(result, w, name, shown);
        g_free(name);
        p = close + 1;
    }
}

/* The templates of an item's finding; those the tree shows for the item are `shown`. */
static void
check_templates(const run *run, const sipkb_result *result, const sipkb_finding_def *def,
                const sipkb_item *item)
{
    message_words w = words_of(result);
    /* The words the tree shows for the item (include/sipkb/findings.h); a request's field
     * appends its header to the sipkb item. */
    const char *expert_text = sipkb_finding_expert_text(def, item->variant);
    gboolean has_field = sipkb_finding_has_field(def);
    const char *title = sipkb_finding_title(def, item->variant);
    gboolean request = has_field && result->kind == SIPKB_MESSAGE_REQUEST;
    check_template(run, result, &w, def->text, def->severity && expert_text == def->text);
    for (guint v = 0; v < def->n_variants; v++) {
        const char *text = def->variants[v];
        check_template(run, result, &w, text,
                       (def->severity && expert_text == text) || title == text);
    }
    check_template(run, result, &w, def->subtree, title && title == def->subtree);
    check_template(run, result, &w, def->header, request);
}

/* `templates`: also render the templates of the item's finding (once per finding, variant and
 * result: they depend on those, not on which of the finding's items). */
static void
check_item(const run *run, const sipkb_result *result, const sipkb_item *item, gboolean templates)
{
    CHECK(item->finding < SIPKB_N_FINDINGS);
    const sipkb_finding_def *def = sipkb_findings_def(findings, (sipkb_finding)item->finding);
    CHECK(def && def->id == item->finding);
    /* A variant picks a text.N or a ladder.N template (the Caller-ID comparison has only
     * ladder words); on a cause it names the generic KB cause the cause restates, one of the
     * response code's. */
    if (item->finding == SIPKB_F_CAUSE) {
        const sipkb_response_entry *entry = sipkb_kb_response(kb, result->status_code, NULL);
        CHECK(item->variant == 0 ||
              (entry && item->variant <= g_strv_length((gchar **)entry->causes)));
    } else {
        CHECK(item->variant <= MAX(def->n_variants, def->n_ladder_variants));
    }
    switch (def->type) {
    case SIPKB_VALUE_FLAG:
        CHECK(item->value.number == 1);
        break;
    case SIPKB_VALUE_FRAME:
        CHECK(item->value.number != 0 && frame_was_added(run, item->value.number));
        break;
    case SIPKB_VALUE_TEXT:
        check_one_line(def->name, item->value.text, run->clean);
        break;
    default:
        break;
    }
    /* sipkb_result_find(): the first item of the finding, first-pass items before late ones. */
    const sipkb_item *first = NULL;
    for (guint i = 0; i < result->n_items && !first; i++) {
        if (result->items[i].finding == item->finding)
            first = &result->items[i];
    }
    for (guint i = 0; i < result->n_late && !first; i++) {
        if (result->late[i].finding == item->finding)
            first = &result->late[i];
    }
    CHECK(sipkb_result_find(result, (sipkb_finding)item->finding) == first);
    if (templates)
        check_templates(run, result, def, item);
}

static void
check_result(const run *run, const sipkb_result *result, gboolean templates)
{
    guint32 seen[SIPKB_N_FINDINGS] = {0}; /* bit v: an item with variant v was checked */
    CHECK((result->n_items == 0) == (result->items == NULL));
    CHECK((result->n_late == 0) == (result->late == NULL));
    sipkb_severity severity = SIPKB_SEVERITY_NONE;
    const sipkb_item *lists[] = {result->items, result->late};
    const guint counts[] = {result->n_items, result->n_late};
    for (gsize l = 0; l < G_N_ELEMENTS(lists); l++) {
        for (guint i = 0; i < counts[l]; i++) {
            const sipkb_item *item = &lists[l][i];
            guint32 bit = 1u << MIN(item->variant, 31u);
            gboolean new_one = item->finding < SIPKB_N_FINDINGS && !(seen[item->finding] & bit);
            check_item(run, result, item, templates && new_one);
            if (new_one)
                seen[item->finding] |= bit;
            severity =
                MAX(severity,
                    sipkb_findings_def(findings, (sipkb_finding)lists[l][i].finding)->severity);
        }
    }
    CHECK(result->severity == severity);
    if (result->request_frame)
        CHECK(frame_was_added(run, result->request_frame));
    if (result->challenge_frame)
        CHECK(frame_was_added(run, result->challenge_frame));
    if (result->facts & SIPKB_FACT_TRACKED)
        CHECK(result->request_frame != 0);
    if (result->facts & (SIPKB_FACT_FINAL | SIPKB_FACT_CHALLENGE))
        CHECK(result->kind == SIPKB_MESSAGE_RESPONSE);
    if (result->facts & SIPKB_FACT_FINAL)
        CHECK(result->status_code >= 200);
    if (result->facts & SIPKB_FACT_CHALLENGE)
        CHECK(result->challenge_frame != 0);
    if (result->facts & SIPKB_FACT_EXPECTS_FINAL)
        CHECK(result->kind == SIPKB_MESSAGE_REQUEST);
}

/* Items compared by the member of the value their finding's type says. */
static gboolean
same_items(const sipkb_item *a, const sipkb_item *b, guint n)
{
    for (guint i = 0; i < n; i++) {
        if (a[i].finding != b[i].finding || a[i].variant != b[i].variant)
            return FALSE;
        const sipkb_finding_def *def = sipkb_findings_def(findings, (sipkb_finding)a[i].finding);
        switch (def ? def->type : SIPKB_VALUE_NONE) {
        case SIPKB_VALUE_TEXT:
            if (g_strcmp0(a[i].value.text, b[i].value.text) != 0)
                return FALSE;
            break;
        case SIPKB_VALUE_DURATION:
        case SIPKB_VALUE_TIME:
            if (a[i].value.nanoseconds != b[i].value.nanoseconds)
                return FALSE;
            break;
        case SIPKB_VALUE_NONE:
            break;
        default:
            if (a[i].value.number != b[i].value.number)
                return FALSE;
            break;
        }
    }
    return TRUE;
}

/* For the report of a broken promise. */
static void
print_items(const sipkb_item *items, guint n)
{
    for (guint i = 0; i < n; i++) {
        const sipkb_finding_def *def =
            sipkb_findings_def(findings, (sipkb_finding)items[i].finding);
        fprintf(stderr, "  %s", def ? def->name : "(not a finding)");
        if (def && def->type == SIPKB_VALUE_TEXT)
            fprintf(stderr, " = \"%s\"", items[i].value.text);
        else if (def && (def->type == SIPKB_VALUE_DURATION || def->type == SIPKB_VALUE_TIME))
            fprintf(stderr, " = %" G_GINT64_FORMAT " ns", items[i].value.nanoseconds);
        else
            fprintf(stderr, " = %u", items[i].value.number);
        fprintf(stderr, items[i].variant ? " (text.%u)\n" : "\n", items[i].variant);
    }
}

/* SIPKB_FUZZ_PRINT=1: what the analyzer decided, message by message (to read a seed). */
static void
print_all(const run *run)
{
    for (guint i = 0; i < run->added->len; i++) {
        const sipkb_result *r = g_array_index(run->added, added_message, i).result;
        fprintf(stderr, "frame %u: %s %u %s, request %u, challenge %u, facts 0x%x, severity %d\n",
                r->frame,
                r->kind == SIPKB_MESSAGE_REQUEST    ? "request"
                : r->kind == SIPKB_MESSAGE_RESPONSE ? "response"
                : r->kind == SIPKB_MESSAGE_QUOTED   ? "quoted"
                                                    : "other",
                r->status_code, r->method ? r->method : "-", r->request_frame, r->challenge_frame,
                r->facts, r->severity);
        print_items(r->items, r->n_items);
        if (r->n_late)
            fprintf(stderr, " late:\n");
        print_items(r->late, r->n_late);
    }
}

/* Every result, frame by frame, after a finish; `templates`: with their templates. */
static void
check_all(const run *run, gboolean templates)
{
    CHECK(!sipkb_analyzer_needs_finish(run->analyzer));
    const sipkb_result *const *results = NULL;
    CHECK(sipkb_analyzer_results(run->analyzer, 0, &results) == 0);
    CHECK(sipkb_analyzer_results(run->analyzer, G_MAXUINT32, &results) == 0);
    guint32 previous_frame = 0;
    for (guint i = 0; i < run->added->len;) {
        const added_message *first = &g_array_index(run->added, added_message, i);
        for (guint32 f = previous_frame + 1; f < first->frame; f++)
            CHECK(sipkb_analyzer_results(run->analyzer, f, &results) == 0);
        guint n = sipkb_analyzer_results(run->analyzer, first->frame, &results);
        guint expected = 0;
        while (i + expected < run->added->len &&
               g_array_index(run->added, added_message, i + expected).frame == first->frame)
            expected++;
        CHECK(n == expected && results);
        for (guint k = 0; k < n; k++) {
            const added_message *added = &g_array_index(run->added, added_message, i + k);
            const sipkb_result *result = results[k];
            CHECK(result == added->result && result->frame == first->frame);
            CHECK(result->n_items == added->n_items &&
                  same_items(result->items, added->items, added->n_items));
            check_result(run, result, templates);
        }
        previous_frame = first->frame;
        i += expected;
    }
    CHECK(sipkb_analyzer_results(run->analyzer, previous_frame + 1, &results) == 0);
}

static void
check_added(run *run, const sipkb_message *msg, const sipkb_result *result)
{
    CHECK(result);
    CHECK(sipkb_analyzer_needs_finish(run->analyzer));
    CHECK(result->frame == msg->frame && result->start == msg->start &&
          result->length == msg->length);
    /* Quoted in an ICMP error: a copy; a Status-Line whose code was not read: no response. */
    sipkb_message_kind kind = !msg->is_request && !msg->is_response      ? SIPKB_MESSAGE_OTHER
                              : msg->in_icmp                             ? SIPKB_MESSAGE_QUOTED
                              : msg->is_response && msg->has_status_code ? SIPKB_MESSAGE_RESPONSE
                              : msg->is_request                          ? SIPKB_MESSAGE_REQUEST
                                                                         : SIPKB_MESSAGE_OTHER;
    CHECK(result->kind == kind);
    if (kind == SIPKB_MESSAGE_RESPONSE)
        CHECK(result->status_code == msg->status_code);
    CHECK(result->n_late == 0);
    check_result(run, result, TRUE);
    const sipkb_result *const *results = NULL;
    guint n = sipkb_analyzer_results(run->analyzer, msg->frame, &results);
    CHECK(n == msg->index + 1 && results[msg->index] == result);
}

/* ---- one input --------------------------------------------------------------------------- */

/* The templates are checked for every result as added (first-pass items only, as a one-pass
 * dissection shows them) and after the last finish (with the late items). */
static void
finish(run *run, gboolean templates)
{
    sipkb_analyzer_finish(run->analyzer);
    run->n_finishes++;
    check_all(run, templates);
}

/* A new frame after the last message's, and its time, from a message's first byte. */
static guint32
next_frame(run *run, guint8 timing)
{
    run->last_frame += 1 + (timing & FUZZ_FRAME_GAP_MASK);
    run->time_ns += fuzz_time_steps[(timing >> FUZZ_TIME_STEP_SHIFT) & 7];
    run->time_ns = CLAMP(run->time_ns, 0, MAX_TIME_NS);
    return run->last_frame;
}

/* A SIP message: its frame and time from the operation byte, then its fields. */
static void
add_message(reader *r, run *run, guint8 operation)
{
    building b;
    building_init(&b);
    sipkb_message *msg = &b.msg;
    const added_message *before = message_back(run, 0);
    if (before && before->frame == run->last_frame && (operation & FUZZ_SAME_FRAME)) {
        msg->frame = before->frame;
        for (guint i = run->added->len; i > 0; i--) {
            if (g_array_index(run->added, added_message, i - 1).frame != msg->frame)
                break;
            msg->index++;
        }
    } else {
        msg->frame = next_frame(run, operation);
    }
    msg->time_ns = run->time_ns;
    read_fields(r, &b, run);
    building_finish(&b);
    run->time_ns = msg->time_ns;
    run->clean &= b.clean;

    check_show_path(msg, b.clean);
    const sipkb_result *result = sipkb_analyzer_add(run->analyzer, msg);
    added_message added = {msg->frame, result, NULL, result->n_items, {0}};
    added.items = g_memdup2(result->items, result->n_items * sizeof(sipkb_item));
    keep_dialog(&added.dialog, msg);
    g_array_append_val(run->added, added);
    check_added(run, msg, result);
    building_clear(&b); /* the strings were the analyzer's to borrow for the call only */
}

/* A DNS message (FUZZ_OP_DNS); its strings, too, are the analyzer's for the call only. A DNS
 * frame has no result of its own (check_all), and a finding's FRAME may name it. */
static void
add_dns(reader *r, run *run)
{
    building b; /* for its strings */
    building_init(&b);
    sipkb_dns_message dns = {0};
    dns.frame = next_frame(run, read_u8(r));
    dns.time_ns = run->time_ns;
    guint8 flags = read_u8(r);
    dns.is_response = (flags & FUZZ_DNS_RESPONSE) != 0;
    dns.truncated = (flags & FUZZ_DNS_TRUNCATED) != 0;
    dns.rcode = read_u8(r);
    dns.n_answers = read_u16(r);
    dns.query_name = read_str(r, &b, FUZZ_POOL_HOST);
    dns.query_type = read_u16(r);
    dns.query_type_name = read_str(r, &b, FUZZ_POOL_DNS_TYPE);
    run->clean &= b.clean;
    sipkb_analyzer_add_dns(run->analyzer, &dns);
    g_array_append_val(run->dns_frames, dns.frame);
    building_clear(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    run run = {sipkb_analyzer_new(findings, kb),
               g_array_new(FALSE, TRUE, sizeof(added_message)),
               g_array_new(FALSE, TRUE, sizeof(guint32)),
               0,
               0,
               FUZZ_FIRST_TIME_NS,
               TRUE};
    CHECK(!sipkb_analyzer_needs_finish(run.analyzer));
    while (!at_end(&r) && run.added->len + run.dns_frames->len < MAX_MESSAGES) {
        guint8 operation = read_u8(&r);
        if (operation == FUZZ_OP_FINISH) {
            if (run.n_finishes < MAX_FINISHES)
                finish(&run, FALSE);
            continue;
        }
        if (operation == FUZZ_OP_DNS)
            add_dns(&r, &run);
        else
            add_message(&r, &run, operation);
    }
    finish(&run, TRUE);

    /* A second finish without new messages decides the same late items. */
    GPtrArray *late = g_ptr_array_new_with_free_func(g_free);
    GArray *n_late = g_array_new(FALSE, FALSE, sizeof(guint));
    for (guint i = 0; i < run.added->len; i++) {
        const sipkb_result *result = g_array_index(run.added, added_message, i).result;
        g_ptr_array_add(late, g_memdup2(result->late, result->n_late * sizeof(sipkb_item)));
        g_array_append_val(n_late, result->n_late);
    }
    finish(&run, FALSE);
    for (guint i = 0; i < run.added->len; i++) {
        const sipkb_result *result = g_array_index(run.added, added_message, i).result;
        const sipkb_item *before = g_ptr_array_index(late, i);
        guint n_before = g_array_index(n_late, guint, i);
        if (result->n_late != n_before || !same_items(result->late, before, n_before)) {
            fprintf(stderr, "frame %u: late items of the first finish:\n", result->frame);
            print_items(before, n_before);
            fprintf(stderr, "late items of the second finish:\n");
            print_items(result->late, result->n_late);
        }
        CHECK(result->n_late == n_before);
        CHECK(same_items(result->late, before, n_before));
    }
    g_ptr_array_free(late, TRUE);
    g_array_free(n_late, TRUE);
    if (print_results)
        print_all(&run);

    sipkb_analyzer_free(run.analyzer);
    for (guint i = 0; i < run.added->len; i++) {
        added_message *added = &g_array_index(run.added, added_message, i);
        g_free(added->items);
        kept_dialog_clear(&added->dialog);
    }
    g_array_free(run.added, TRUE);
    g_array_free(run.dns_frames, TRUE);
    return 0;
}
