/* libFuzzer target: the decision rules of the core (include/sipkb/diagnosis.h, response.h,
 * media.h, overrides.h) fed with arbitrary field values, in the order the plugin feeds them.
 *
 * Input: SIP messages separated by NUL bytes, as the plugin would see them one after the other
 * in a capture. A small reader (this harness's, not the plugin's: the plugin takes its values
 * from Wireshark's SIP and SDP dissectors) picks out the values the glue hands to the core:
 * status code and reason phrase, From user, digest parameters, P-Asserted/Preferred-Identity,
 * CSeq method, Via transport/sent-by/branch, SDP m=/c=/a= lines, and the packet's addresses
 * (pseudo headers X-Src and X-Dst). Every value is also fed as-is to the rules that take a
 * string. Checked promises: the invariants the headers state (symmetry of the Caller-ID
 * comparison, sizes of result arrays, the KB entry of every valid code, ...).
 */
#include <string.h>

#include "fuzz-common.h"
#include "sipkb/diagnosis.h"
#include "sipkb/kb.h"
#include "sipkb/media.h"
#include "sipkb/overrides.h"
#include "sipkb/response.h"

#define MAX_MESSAGES 32
#define MAX_MEDIA 64

static sipkb_kb *kb;
static sipkb_override *override_rows[4];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_make_glib_warnings_fatal();
    char *text = NULL;
    gsize length = 0;
    kb = sipkb_kb_new();
    CHECK(g_file_get_contents(SIPKB_KB_GENERIC_PATH, &text, &length, NULL));
    CHECK(sipkb_kb_add_layer(kb, SIPKB_LAYER_GENERIC, text, length, "generic", NULL));
    g_free(text);
    CHECK(g_file_get_contents(SIPKB_KB_PROVIDER_PATH, &text, &length, NULL));
    CHECK(sipkb_kb_add_layer(kb, SIPKB_LAYER_PROVIDER, text, length, "provider", NULL));
    g_free(text);
    /* Rows with a method are fuzz-overrides' business (and leaked, see regressions/). */
    static const sipkb_override_text rows[] = {
        {"403", "", "", "extension disabled", "", ""},
        {"4xx", "pass(word)?|credit", "", "", "wrong password or no credit", ""},
        {"480-489", "", NULL, "", "", "check the callee"},
        {"6xx", "^decline", "", "declined", "", ""},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(rows); i++)
        CHECK((override_rows[i] = sipkb_override_new(&rows[i], NULL)));
    return 0;
}

/* ---- reading one message ----------------------------------------------------------------- */

typedef struct {
    char *start_line;
    GPtrArray *names;  /* lower-case header names */
    GPtrArray *values; /* trimmed values */
    char **body;       /* SDP lines, NULL-terminated */
    /* what the glue would hand over */
    gboolean is_response;
    guint32 code;
    const char *reason;
    const char *method;
    const char *cseq_method;
    char *from_user;
    char *pai_user;
    char *ppi_user;
    const char *src;
    const char *dst;
    GHashTable *credentials; /* auth parameter -> unquoted value, of the first credentials */
    GHashTable *challenge;
    gboolean has_credentials;
    gboolean has_challenge;
    GPtrArray *vias; /* char *: one Via value each */
} message;

static char *
uri_user(const char *value)
{
    if (!value)
        return NULL;
    const char *p = strstr(value, "sip:");
    p = p                              ? p + 4
        : (p = strstr(value, "sips:")) ? p + 5
        : (p = strstr(value, "tel:"))  ? p + 4
                                       : NULL;
    if (!p)
        return NULL;
    gsize n = strcspn(p, "@;>");
    return p[n] == '@' || g_str_has_prefix(value, "tel:") ? g_strndup(p, n) : NULL;
}

static const char *
header(const message *m, const char *name, const char *compact)
{
    for (guint i = 0; i < m->names->len; i++) {
        const char *n = g_ptr_array_index(m->names, i);
        if (strcmp(n, name) == 0 || (compact && strcmp(n, compact) == 0))
            return g_ptr_array_index(m->values, i);
    }
    return NULL;
}

/* The first n bytes of text, trimmed and in lower case (a header or parameter name). */
static char *
lower_name(const char *text, gsize n)
{
    char *copy = g_strstrip(g_strndup(text, n));
    char *lower = g_ascii_strdown(copy, -1);
    g_free(copy);
    return lower;
}

static char *
unquote(const char *value)
{
    gsize n = strlen(value);
    if (n >= 2 && value[0] == '"' && value[n - 1] == '"')
        return g_strndup(value + 1, n - 2);
    return g_strdup(value);
}

/* "Digest username="a", realm=..." -> parameter table (the first value of each name wins). */
static GHashTable *
auth_params(const char *value)
{
    GHashTable *params = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    const char *space = strchr(value, ' ');
    char **parts = g_strsplit(space ? space + 1 : "", ",", 0);
    for (char **p = parts; *p; p++) {
        char *eq = strchr(*p, '=');
        if (!eq)
            continue;
        char *name = lower_name(*p, (gsize)(eq - *p));
        char *v = unquote(g_strstrip(eq + 1));
        if (!g_hash_table_contains(params, name))
            g_hash_table_insert(params, name, v);
        else {
            g_free(name);
            g_free(v);
        }
    }
    g_strfreev(parts);
    return params;
}

static void
read_message(message *m, const char *text)
{
    memset(m, 0, sizeof(*m));
    m->names = g_ptr_array_new_with_free_func(g_free);
    m->values = g_ptr_array_new_with_free_func(g_free);
    m->vias = g_ptr_array_new_with_free_func(g_free);
    const char *body = strstr(text, "\r\n\r\n");
    const char *body_nl = strstr(text, "\n\n");
    gsize head_len = body ? (gsize)(body - text) : body_nl ? (gsize)(body_nl - text) : strlen(text);
    char *head = g_strndup(text, head_len);
    char **lines = g_strsplit(head, "\n", 0);
    for (char **l = lines; *l; l++) {
        g_strchomp(*l);
        if (l == lines) {
            m->start_line = g_strdup(*l);
            continue;
        }
        char *colon = strchr(*l, ':');
        if (!colon)
            continue;
        g_ptr_array_add(m->names, lower_name(*l, (gsize)(colon - *l)));
        g_ptr_array_add(m->values, g_strstrip(g_strdup(colon + 1)));
    }
    g_strfreev(lines);
    g_free(head);
    const char *body_start = body ? body + 4 : body_nl ? body_nl + 2 : "";
    char *body_text = g_strdup(body_start);
    m->body = g_strsplit(body_text, "\n", 0);
    for (char **l = m->body; *l; l++)
        g_strchomp(*l);
    g_free(body_text);

    const char *start = m->start_line ? m->start_line : "";
    if (g_ascii_strncasecmp(start, "SIP/2.0 ", 8) == 0) {
        m->is_response = TRUE;
        char *end = NULL;
        m->code = (guint32)strtoul(start + 8, &end, 10);
        m->reason = *end == ' ' ? end + 1 : end;
    } else {
        m->method = start;
    }
    const char *cseq = header(m, "cseq", NULL);
    if (cseq) {
        const char *space = strchr(cseq, ' ');
        m->cseq_method = space ? space + 1 : NULL;
    }
    m->from_user = uri_user(header(m, "from", "f"));
    m->pai_user = uri_user(header(m, "p-asserted-identity", NULL));
    m->ppi_user = uri_user(header(m, "p-preferred-identity", NULL));
    m->src = header(m, "x-src", NULL);
    m->dst = header(m, "x-dst", NULL);
    const char *credentials = header(m, "authorization", NULL);
    if (!credentials)
        credentials = header(m, "proxy-authorization", NULL);
    m->has_credentials = credentials != NULL;
    m->credentials = auth_params(credentials ? credentials : "");
    const char *challenge = header(m, "www-authenticate", NULL);
    if (!challenge)
        challenge = header(m, "proxy-authenticate", NULL);
    m->has_challenge = challenge != NULL;
    m->challenge = auth_params(challenge ? challenge : "");
    for (guint i = 0; i < m->names->len; i++) {
        const char *n = g_ptr_array_index(m->names, i);
        if (strcmp(n, "via") != 0 && strcmp(n, "v") != 0)
            continue;
        char **values = g_strsplit(g_ptr_array_index(m->values, i), ",", 0);
        for (char **v = values; *v; v++)
            g_ptr_array_add(m->vias, g_strstrip(g_strdup(*v)));
        g_strfreev(values);
    }
}

static void
free_message(message *m)
{
    g_free(m->start_line);
    g_ptr_array_free(m->names, TRUE);
    g_ptr_array_free(m->values, TRUE);
    g_ptr_array_free(m->vias, TRUE);
    g_strfreev(m->body);
    g_free(m->from_user);
    g_free(m->pai_user);
    g_free(m->ppi_user);
    g_hash_table_unref(m->credentials);
    g_hash_table_unref(m->challenge);
}

/* ---- SDP into the core's media model, as plugin/sipkb-sdp.c builds it ------------------- */

typedef struct {
    sipkb_media media[MAX_MEDIA];
    sipkb_payload formats[MAX_MEDIA][SIPKB_MAX_FORMATS];
    guint n_media;
    GPtrArray *strings; /* owned strings the model points to */
} sdp_model;

static const char *
keep(sdp_model *model, char *text)
{
    g_ptr_array_add(model->strings, text);
    return text;
}

static void
check_dtmf(const char *fmtp)
{
    guint dtmf = 99;
    gboolean others = TRUE;
    gboolean ok = sipkb_dtmf_events(fmtp, &dtmf, &others);
    CHECK(dtmf <= 16);
    CHECK(ok || (dtmf == 0 && !others));
}

static void
start_media(sdp_model *model, const char *line)
{
    if (model->n_media == MAX_MEDIA)
        return;
    sipkb_media *media = &model->media[model->n_media];
    memset(media, 0, sizeof(*media));
    media->formats = model->formats[model->n_media];
    model->n_media++;
    char **tokens = g_strsplit(line, " ", 0);
    guint n = g_strv_length(tokens);
    media->media = n > 0 ? keep(model, g_strdup(tokens[0])) : NULL;
    media->port = n > 1 ? (guint)strtoul(tokens[1], NULL, 10) : 0;
    media->protocol = n > 2 ? keep(model, g_strdup(tokens[2])) : NULL;
    media->direction = (sipkb_direction)-1;
    sipkb_media_add_formats(media, line);
    CHECK(media->n_formats <= SIPKB_MAX_FORMATS);
    g_strfreev(tokens);
}

/* As plugin/sipkb-sdp.c does: the rtpmap names one of the m= line's formats. */
static void
apply_rtpmap(sdp_model *model, sipkb_media *media, const char *value)
{
    guint pt, rate, channels;
    const char *encoding;
    gsize length;
    if (!sipkb_parse_rtpmap(value, &pt, &encoding, &length, &rate, &channels))
        return;
    CHECK(length > 0 && encoding >= value && encoding + length <= value + strlen(value));
    for (guint i = 0; i < media->n_formats; i++) {
        if (media->formats[i].payload_type != pt)
            continue;
        sipkb_payload_describe(pt, keep(model, g_strndup(encoding, length)), rate, channels,
                               &media->formats[i]);
        CHECK(media->formats[i].encoding && !media->formats[i].missing_rtpmap);
        return;
    }
}

static void
read_sdp(sdp_model *model, char **lines)
{
    const char *session_connection = NULL;
    sipkb_direction session_direction = SIPKB_DIRECTION_SENDRECV;
    sipkb_media *current = NULL;
    for (char **l = lines; *l; l++) {
        const char *line = *l;
        if (strlen(line) < 2 || line[1] != '=')
            continue;
        const char *value = line + 2;
        if (line[0] == 'm') {
            start_media(model, value);
            current = model->n_media ? &model->media[model->n_media - 1] : NULL;
        } else if (line[0] == 'c') {
            const char *address = strrchr(value, ' ');
            address = address ? keep(model, g_strdup(address + 1)) : NULL;
            if (current)
                current->connection = address;
            else
                session_connection = address;
        } else if (line[0] == 'a') {
            const char *colon = strchr(value, ':');
            char *name = colon ? g_strndup(value, (gsize)(colon - value)) : g_strdup(value);
            const char *attr = colon ? colon + 1 : NULL;
            if (!current) {
                sipkb_direction_from_attribute(name, &session_direction);
            } else if (strcmp(name, "rtpmap") == 0 && attr) {
                apply_rtpmap(model, current, attr);
            } else if (strcmp(name, "ptime") == 0 && attr) {
                current->ptime = (guint)strtoul(attr, NULL, 10);
            } else if (strcmp(name, "fmtp") == 0 && attr) {
                const char *space = strchr(attr, ' ');
                if (space)
                    check_dtmf(space + 1);
            } else {
                sipkb_direction_from_attribute(name, &current->direction);
            }
            g_free(name);
        }
    }
    for (guint m = 0; m < model->n_media; m++) {
        if (!model->media[m].connection)
            model->media[m].connection = session_connection;
        if ((int)model->media[m].direction < 0)
            model->media[m].direction = session_direction;
    }
}

/* ---- the rules --------------------------------------------------------------------------- */

static void
check_callerid(const char *a, const char *b)
{
    sipkb_callerid_result ab = sipkb_compare_callerid(a, b);
    sipkb_callerid_result ba = sipkb_compare_callerid(b, a);
    CHECK(ab == ba);
    CHECK(ab <= SIPKB_CALLERID_FORMAT_DIFFERS);
    if (a && b && *a && *b && strcmp(a, b) == 0)
        CHECK(ab == SIPKB_CALLERID_MATCH);
    if (!a || !b || !*a || !*b)
        CHECK(ab == SIPKB_CALLERID_NOT_APPLICABLE);
    else
        CHECK(ab != SIPKB_CALLERID_NOT_APPLICABLE);
}

static void
check_address(const char *address, const char *src, const char *dst)
{
    sipkb_address_kind kind = sipkb_classify_address(address);
    CHECK(kind <= SIPKB_ADDRESS_MULTICAST);
    sipkb_nat_hint hint = sipkb_nat_hint_for(address, src, dst);
    CHECK(hint <= SIPKB_NAT_TO_PUBLIC);
    if (hint != SIPKB_NAT_NONE)
        CHECK(sipkb_address_is_natted_kind(kind));
}

static void
check_response_explained(const message *m)
{
    sipkb_response_explanation ex;
    sipkb_explain_response(kb, m->code, &ex);
    gboolean valid = m->code >= 100 && m->code <= 699;
    CHECK((ex.kind == SIPKB_RESPONSE_INVALID) == !valid);
    CHECK(ex.severity <= SIPKB_SEVERITY_ERROR);
    CHECK((ex.entry != NULL) == valid);
    CHECK((ex.class_entry != NULL) == valid);
    if (ex.entry) {
        CHECK(ex.entry->summary && ex.entry->meaning && ex.entry->reason && ex.entry->reference);
        CHECK(ex.entry->causes && ex.entry->causes[0] && ex.entry->advice && ex.entry->advice[0]);
    }
    if (m->code >= 200)
        CHECK(sipkb_call_outcome_of(m->code, FALSE) <= SIPKB_CALL_REJECTED);
    gint row = sipkb_overrides_find(override_rows, G_N_ELEMENTS(override_rows), m->code, m->reason,
                                    m->cseq_method);
    CHECK(row >= -1 && row < (gint)G_N_ELEMENTS(override_rows));
    if (row >= 0)
        CHECK(sipkb_override_matches(override_rows[row], m->code, m->reason, m->cseq_method));
}

static void
check_forbidden(const message *m, gboolean request_known, gboolean had_credentials,
                sipkb_callerid_result callerid)
{
    sipkb_forbidden_ranking ranking;
    sipkb_rank_forbidden(m->reason, request_known, had_credentials, callerid, &ranking);
    CHECK(ranking.count <= SIPKB_FORBIDDEN_MAX_EVIDENCE);
    for (guint i = 0; i < ranking.count; i++) {
        CHECK(ranking.items[i] <= SIPKB_FORBIDDEN_CREDENTIALS_MATCH);
        for (guint k = 0; k < i; k++)
            CHECK(ranking.items[k] != ranking.items[i]);
        if (!request_known)
            CHECK(ranking.items[i] != SIPKB_FORBIDDEN_NO_CREDENTIALS &&
                  ranking.items[i] != SIPKB_FORBIDDEN_CREDENTIALS_MATCH &&
                  ranking.items[i] != SIPKB_FORBIDDEN_CALLERID_MISMATCH);
    }
}

static void
check_offer_answer(const sdp_model *offer, const sdp_model *answer)
{
    for (guint m = 0; m < answer->n_media && m < offer->n_media; m++) {
        sipkb_offer_answer result;
        sipkb_compare_offer_answer(&offer->media[m], &answer->media[m], &result);
        CHECK(result.n_not_offered <= SIPKB_MAX_FORMATS);
        if (!result.rejected)
            CHECK(result.n_common + result.n_not_offered == answer->media[m].n_formats);
        else
            CHECK(result.n_common == 0 && result.n_not_offered == 0);
        for (guint i = 0; i < result.n_not_offered; i++)
            CHECK(result.not_offered[i] <= 127);
    }
}

static void
check_via(const char *via, const char *src)
{
    const char *transport = NULL;
    char *text = g_strdup(via);
    char *slash = strrchr(text, '/');
    char *rest = slash ? slash + 1 : text;
    char *space = strchr(rest, ' ');
    if (space) {
        *space = '\0';
        transport = rest;
        rest = space + 1;
    }
    char *params = strchr(rest, ';');
    if (params)
        *params++ = '\0';
    char *host = g_strstrip(rest);
    if (host[0] != '[') {
        char *colon = strrchr(host, ':');
        if (colon)
            *colon = '\0';
    } else {
        char *close = strchr(host, ']');
        if (close)
            close[1] = '\0';
    }
    guint port = sipkb_via_default_port(transport);
    CHECK(port == 5060 || port == 5061);
    static const char *const actual[] = {"UDP", "TCP", "SCTP", NULL};
    for (gsize i = 0; i < G_N_ELEMENTS(actual); i++)
        (void)sipkb_via_transport_matches(transport, actual[i]);
    CHECK(sipkb_via_transport_matches(NULL, "UDP") && sipkb_via_transport_matches(transport, NULL));
    const char *branch = params ? strstr(params, "branch=") : NULL;
    char *branch_value = branch ? g_strndup(branch + 7, strcspn(branch + 7, ";")) : NULL;
    (void)sipkb_via_branch_is_rfc3261(branch_value);
    check_address(host, src, NULL);
    g_free(branch_value);
    g_free(text);
}

/* ---- one capture's worth of messages ----------------------------------------------------- */

typedef struct {
    gboolean request_known;
    gboolean had_credentials;
    char *used_nonce;
    char *latest_nonce;
    sipkb_callerid_result callerid;
    gboolean cancel_seen;
    sdp_model *offer;
    gboolean offer_in_response;
} dialog_state;

static void
follow(dialog_state *s, const message *m, sdp_model *sdp)
{
    for (guint i = 0; i < m->values->len; i++) {
        const char *value = g_ptr_array_index(m->values, i);
        check_address(value, m->src, m->dst);
        check_callerid(value, i ? g_ptr_array_index(m->values, i - 1) : NULL);
        check_dtmf(value);
    }
    for (guint i = 0; i < m->vias->len; i++)
        check_via(g_ptr_array_index(m->vias, i), m->src);
    for (guint i = 0; i < sdp->n_media; i++) {
        const sipkb_media *media = &sdp->media[i];
        check_address(media->connection, m->src, m->dst);
        (void)sipkb_media_on_hold(media);
        for (guint f = 0; f < media->n_formats; f++)
            (void)sipkb_payload_is_telephone_event(&media->formats[f]);
    }
    if (!m->is_response) {
        s->request_known = TRUE;
        s->had_credentials = m->has_credentials;
        if (m->has_credentials) {
            const char *username = g_hash_table_lookup(m->credentials, "username");
            check_callerid(m->from_user, username);
            check_callerid(m->pai_user, username);
            check_callerid(m->ppi_user, username);
            s->callerid = sipkb_compare_callerid(m->from_user, username);
            g_free(s->used_nonce);
            s->used_nonce = g_strdup(g_hash_table_lookup(m->credentials, "nonce"));
        }
        if (g_strcmp0(m->method, "CANCEL") == 0 || g_str_has_prefix(m->method, "CANCEL "))
            s->cancel_seen = TRUE;
        gboolean answers =
            s->offer && s->offer_in_response &&
            (g_strcmp0(m->cseq_method, "ACK") == 0 || g_strcmp0(m->cseq_method, "PRACK") == 0);
        if (answers && sdp->n_media)
            check_offer_answer(s->offer, sdp);
        else if (sdp->n_media) {
            s->offer = sdp;
            s->offer_in_response = FALSE;
        }
        return;
    }
    check_response_explained(m);
    if (m->code >= 200)
        CHECK(sipkb_call_outcome_of(m->code, s->cancel_seen) <= SIPKB_CALL_REJECTED);
    if (m->code == 401 || m->code == 407) {
        sipkb_rechallenge r = sipkb_classify_rechallenge(s->had_credentials,
                                                         g_hash_table_lookup(m->challenge, "stale"),
                                                         s->used_nonce, s->latest_nonce);
        CHECK(r <= SIPKB_RECHALLENGE_REJECTED);
        CHECK(s->had_credentials || r == SIPKB_RECHALLENGE_NONE);
        g_free(s->latest_nonce);
        s->latest_nonce = g_strdup(g_hash_table_lookup(m->challenge, "nonce"));
    }
    if (m->code == 403)
        check_forbidden(m, s->request_known, s->had_credentials, s->callerid);
    check_forbidden(m, FALSE, FALSE, SIPKB_CALLERID_NOT_APPLICABLE);
    if (m->code < 300 && sdp->n_media) {
        if (s->offer && !s->offer_in_response) {
            check_offer_answer(s->offer, sdp);
        } else {
            s->offer = sdp;
            s->offer_in_response = TRUE;
        }
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256 * 1024)
        return 0;
    message messages[MAX_MESSAGES];
    sdp_model *models[MAX_MESSAGES];
    guint n = 0;
    for (size_t offset = 0; offset < size && n < MAX_MESSAGES; n++) {
        const char *start = (const char *)data + offset;
        const char *nul = memchr(start, '\0', size - offset);
        gsize length = nul ? (gsize)(nul - start) : size - offset;
        char *text = g_strndup(start, length);
        read_message(&messages[n], text);
        g_free(text);
        models[n] = g_new0(sdp_model, 1);
        models[n]->strings = g_ptr_array_new_with_free_func(g_free);
        read_sdp(models[n], messages[n].body);
        offset += length + 1;
    }
    dialog_state state = {0};
    for (guint i = 0; i < n; i++)
        follow(&state, &messages[i], models[i]);
    g_free(state.used_nonce);
    g_free(state.latest_nonce);
    for (guint i = 0; i < n; i++) {
        free_message(&messages[i]);
        g_ptr_array_free(models[i]->strings, TRUE);
        g_free(models[i]);
    }
    return 0;
}
