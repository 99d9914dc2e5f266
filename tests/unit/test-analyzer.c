/* Unit tests of the analyzer (include/sipkb/analyzer.h), one per case of each rule file in
 * plugin/core/: realistic SIP messages are fed to a fresh analyzer in frame order and each
 * result's findings are compared in full, values included (no Wireshark).
 *
 * The findings of a result are written one per line: "name" for an item without a value (or
 * a flag), "name/N" when the analyzer chose the finding's variant N (its text.N or ladder.N),
 * "name=#N" for a frame, "name=N" for a number, "name='...'" for a text, "name=1.500s" for a
 * duration and "name=T0+130.000s" for a time (T0 is the capture's start, see msg_at).
 *
 * Tests under /analyzer/pending/ state what the RFCs ask where the rules do not do it yet;
 * they skip until the rule lands (SIPKB_RUN_PENDING=1 runs them anyway).
 */
#include <stdarg.h>
#include <string.h>

#include "sipkb/analyzer.h"
#include "sipkb/dns.h"
#include "sipkb/findings.h"
#include "sipkb/kb.h"
#include "sipkb/message.h"
#include "sipkb/via.h"

/* ---- the shipped findings table and KB --------------------------------------------------- */

static sipkb_findings_table *findings_table;
static sipkb_kb *kb;

static char *
read_file(const char *path, gsize *length)
{
    char *text = NULL;
    GError *error = NULL;
    g_file_get_contents(path, &text, length, &error);
    g_assert_no_error(error);
    return text;
}

static void
load_shipped_files(void)
{
    gsize length = 0;
    GError *error = NULL;
    char *text = read_file(SIPKB_FINDINGS_PATH, &length);
    findings_table = sipkb_findings_table_new(text, length, SIPKB_FINDINGS_PATH, &error);
    g_assert_no_error(error);
    g_free(text);

    static const struct {
        sipkb_layer layer;
        const char *path;
    } layers[] = {
        {SIPKB_LAYER_GENERIC, SIPKB_KB_GENERIC_PATH},
        {SIPKB_LAYER_PROVIDER, SIPKB_KB_PROVIDER_PATH},
    };
    kb = sipkb_kb_new();
    for (gsize i = 0; i < G_N_ELEMENTS(layers); i++) {
        text = read_file(layers[i].path, &length);
        sipkb_kb_add_layer(kb, layers[i].layer, text, length, layers[i].path, &error);
        g_assert_no_error(error);
        g_free(text);
    }
}

static sipkb_analyzer *
analyzer_new(void)
{
    return sipkb_analyzer_new(findings_table, kb);
}

/* ---- building messages --------------------------------------------------------------------- */

/* Where the messages travel: a phone (UAC) and its provider's proxy, both on public
 * addresses; NAT tests put the phone behind a router. */
#define UAC "192.0.2.10"
#define PROXY "198.51.100.1"
#define CALLEE "203.0.113.50"
#define NAT_PUBLIC "203.0.113.7"
#define NAT_PRIVATE "192.168.1.20"
/* The digest realm of the proxy's and registrar's challenges. */
#define REALM "sip.example.net"

/* Capture time of frame 0: 2023-11-14 22:13:20 UTC. */
#define T0_NS G_GINT64_CONSTANT(1700000000000000000)
#define SECOND_NS G_GINT64_CONSTANT(1000000000)

#define MAX_VIAS 4
#define MAX_SDP_LINES 32
#define MAX_CONTACTS 4

typedef struct {
    sipkb_message msg;
    sipkb_via vias[MAX_VIAS];
    sipkb_sdp_line sdp[MAX_SDP_LINES];
    const char *contacts[MAX_CONTACTS + 1];
    const char *contact_parameters[MAX_CONTACTS + 1];
    GStringChunk *strings; /* every string the message borrows */
} test_msg;

static const char *
keep(test_msg *m, const char *text)
{
    return text ? g_string_chunk_insert(m->strings, text) : NULL;
}

static test_msg *
msg_new(guint32 frame, const char *call_id, guint32 cseq, const char *cseq_method)
{
    test_msg *m = g_new0(test_msg, 1);
    m->strings = g_string_chunk_new(512);
    m->msg.frame = frame;
    m->msg.time_ns = T0_NS + frame * (SECOND_NS / 10); /* 100 ms a frame unless msg_at */
    m->msg.length = 400;
    m->msg.call_id = keep(m, call_id);
    m->msg.has_cseq = TRUE;
    m->msg.cseq_number = cseq;
    m->msg.cseq_method = keep(m, cseq_method);
    m->msg.from_user = keep(m, "alice");
    m->msg.from_tag = keep(m, "1928301774");
    m->msg.path.transport = "UDP";
    m->msg.path.source_port = 5060;
    m->msg.path.destination_port = 5060;
    m->msg.vias = m->vias;
    return m;
}

/* A request from the phone to the proxy; its top Via names the phone and `branch`. The CSeq
 * method is the method (RFC 3261 section 8.1.1.5; CANCEL and ACK included). */
static test_msg *
msg_request(guint32 frame, const char *method, const char *call_id, guint32 cseq,
            const char *branch)
{
    test_msg *m = msg_new(frame, call_id, cseq, method);
    m->msg.is_request = TRUE;
    m->msg.method = m->msg.cseq_method;
    m->msg.path.source = UAC;
    m->msg.path.destination = PROXY;
    m->msg.n_vias = 1;
    m->vias[0] =
        (sipkb_via){.transport = "UDP", .host = UAC, .port = 5060, .branch = keep(m, branch)};
    return m;
}

static const char *
reason_phrase(guint32 code)
{
    static const struct {
        guint32 code;
        const char *reason;
    } phrases[] = {
        {100, "Trying"},
        {180, "Ringing"},
        {183, "Session Progress"},
        {200, "OK"},
        {302, "Moved Temporarily"},
        {401, "Unauthorized"},
        {403, "Forbidden"},
        {404, "Not Found"},
        {407, "Proxy Authentication Required"},
        {408, "Request Timeout"},
        {480, "Temporarily Unavailable"},
        {486, "Busy Here"},
        {487, "Request Terminated"},
        {488, "Not Acceptable Here"},
        {503, "Service Unavailable"},
        {603, "Decline"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(phrases); i++) {
        if (phrases[i].code == code)
            return phrases[i].reason;
    }
    return "Whatever";
}

/* The proxy's response to a request of msg_request: the same Call-ID, CSeq and top Via
 * (RFC 3261 section 8.2.6.2), back to the phone; a To tag on every response but 100. */
static test_msg *
msg_response(guint32 frame, guint32 code, const char *method, const char *call_id, guint32 cseq,
             const char *branch)
{
    test_msg *m = msg_new(frame, call_id, cseq, method);
    m->msg.is_response = TRUE;
    m->msg.has_status_code = TRUE;
    m->msg.status_code = code;
    m->msg.reason_phrase = keep(m, reason_phrase(code));
    m->msg.to_tag = code > 100 ? keep(m, "a6c85cf") : NULL;
    m->msg.path.source = PROXY;
    m->msg.path.destination = UAC;
    m->msg.n_vias = 1;
    m->vias[0] =
        (sipkb_via){.transport = "UDP", .host = UAC, .port = 5060, .branch = keep(m, branch)};
    return m;
}

/* Capture time: `seconds` after T0. */
static void
msg_at(test_msg *m, double seconds)
{
    m->msg.time_ns = T0_NS + (gint64)(seconds * 1e9);
}

static void
msg_from(test_msg *m, const char *user)
{
    m->msg.from_user = keep(m, user);
}

static void
msg_to_tag(test_msg *m, const char *tag)
{
    m->msg.to_tag = keep(m, tag);
}

static void
msg_reason(test_msg *m, const char *reason)
{
    m->msg.reason_phrase = keep(m, reason);
}

static void
msg_pai(test_msg *m, const char *user)
{
    m->msg.p_asserted_identity_user = keep(m, user);
}

/* Authorization or Proxy-Authorization, digest. */
static void
msg_credentials(test_msg *m, sipkb_auth_header header, const char *username, const char *realm,
                const char *nonce)
{
    m->msg.credentials = (sipkb_auth){.header = header,
                                      .username = keep(m, username),
                                      .realm = keep(m, realm),
                                      .nonce = keep(m, nonce)};
}

/* WWW-Authenticate or Proxy-Authenticate, digest; `stale` NULL when absent. */
static void
msg_challenge(test_msg *m, sipkb_auth_header header, const char *realm, const char *nonce,
              const char *stale)
{
    m->msg.challenge = (sipkb_auth){.header = header,
                                    .realm = keep(m, realm),
                                    .nonce = keep(m, nonce),
                                    .stale = keep(m, stale)};
}

/* The frame's addresses and transport. */
static void
msg_path(test_msg *m, const char *transport, const char *source, const char *destination)
{
    m->msg.path.transport = keep(m, transport);
    m->msg.path.source = keep(m, source);
    m->msg.path.destination = keep(m, destination);
}

/* Replaces the top Via's transport and sent-by host. */
static void
msg_via(test_msg *m, const char *transport, const char *host)
{
    m->vias[0].transport = keep(m, transport);
    m->vias[0].host = keep(m, host);
}

/* A proxy forwarding the request puts its own Via on top, with a new branch (RFC 3261
 * section 16.6 step 8). */
static void
msg_push_via(test_msg *m, const char *host, const char *branch)
{
    g_assert_cmpuint(m->msg.n_vias, <, MAX_VIAS);
    memmove(&m->vias[1], &m->vias[0], m->msg.n_vias * sizeof(sipkb_via));
    m->vias[0] = (sipkb_via){
        .transport = "UDP", .host = keep(m, host), .port = 5060, .branch = keep(m, branch)};
    m->msg.n_vias++;
}

/* A request from the phone whose top Via has no branch (RFC 2543 style), as the SIP dissector
 * read it: its parameters were read, and none is a branch. */
static test_msg *
msg_request_no_branch(guint32 frame, const char *method, const char *call_id, guint32 cseq)
{
    test_msg *m = msg_request(frame, method, call_id, cseq, NULL);
    m->msg.request_uri = keep(m, "sip:bob@example.net");
    m->vias[0].parameters_read = TRUE;
    return m;
}

/* The proxy's response to msg_request_no_branch(): the same top Via, without branch. */
static test_msg *
msg_response_no_branch(guint32 frame, guint32 code, const char *method, const char *call_id,
                       guint32 cseq)
{
    test_msg *m = msg_response(frame, code, method, call_id, cseq, NULL);
    m->vias[0].parameters_read = TRUE;
    return m;
}

static void
msg_retry_after(test_msg *m, guint32 seconds)
{
    m->msg.has_retry_after = TRUE;
    m->msg.retry_after = seconds;
}

/* Contact URIs, NULL-terminated. */
static void
msg_contacts(test_msg *m, ...)
{
    va_list args;
    va_start(args, m);
    guint n = 0;
    for (const char *uri; (uri = va_arg(args, const char *)) && n < MAX_CONTACTS;)
        m->contacts[n++] = keep(m, uri);
    va_end(args);
    m->contacts[n] = NULL;
    m->msg.contact_uris = m->contacts;
}

/* Contact parameters ("expires=600"), NULL-terminated. */
static void
msg_contact_parameters(test_msg *m, ...)
{
    va_list args;
    va_start(args, m);
    guint n = 0;
    for (const char *parameter; (parameter = va_arg(args, const char *)) && n < MAX_CONTACTS;)
        m->contact_parameters[n++] = keep(m, parameter);
    va_end(args);
    m->contact_parameters[n] = NULL;
    m->msg.contact_parameters = m->contact_parameters;
}

/* The Request-URI's user and host (requests) and the To URI's. */
static void
msg_uris(test_msg *m, const char *request_uri_user, const char *request_uri_host,
         const char *to_user, const char *to_host)
{
    m->msg.request_uri_user = keep(m, request_uri_user);
    m->msg.request_uri_host = keep(m, request_uri_host);
    m->msg.to_user = keep(m, to_user);
    m->msg.to_host = keep(m, to_host);
}

/* An SDP body, one line per "\n", with the parts the SDP dissector gives each line type. */
static void
msg_sdp(test_msg *m, const char *body)
{
    char **lines = g_strsplit(body, "\n", -1);
    gboolean in_media = FALSE;
    guint n = 0;
    for (char **l = lines; *l; l++) {
        if (strlen(*l) < 2 || (*l)[1] != '=')
            continue;
        g_assert_cmpuint(n, <, MAX_SDP_LINES);
        sipkb_sdp_line *line = &m->sdp[n++];
        const char *value = *l + 2;
        line->type = (*l)[0];
        in_media |= line->type == 'm';
        line->in_media = in_media;
        line->value = keep(m, value);
        char **t = g_strsplit(value, " ", -1);
        guint n_t = g_strv_length(t);
        const char **p = line->parts;
        switch (line->type) {
        case 'o': /* user, session id, version, network type, address type, address */
            if (n_t < 6)
                break;
            p[0] = keep(m, t[0]);
            p[1] = keep(m, t[1]);
            p[2] = keep(m, t[2]);
            p[3] = keep(m, t[5]);
            break;
        case 'c': { /* network type, address type, address[/ttl] */
            if (n_t < 3)
                break;
            char **address = g_strsplit(t[2], "/", 2);
            p[0] = keep(m, t[1]);
            p[1] = keep(m, address[0]);
            p[2] = keep(m, address[1]); /* the TTL, or NULL */
            g_strfreev(address);
            break;
        }
        case 'm': { /* media, port[/count], profile, formats */
            if (n_t < 3)
                break;
            char **port = g_strsplit(t[1], "/", 2);
            p[0] = keep(m, t[0]);
            p[1] = keep(m, port[0]);
            p[2] = keep(m, t[2]);
            g_strfreev(port);
            break;
        }
        case 't': /* start, stop */
            if (n_t < 2)
                break;
            p[0] = keep(m, t[0]);
            p[1] = keep(m, t[1]);
            break;
        default:
            break;
        }
        g_strfreev(t);
    }
    g_strfreev(lines);
    m->msg.has_sdp = TRUE;
    m->msg.n_sdp_lines = n;
    m->msg.sdp_lines = m->sdp;
}

/* A one-stream audio body: `address` in c=, the m= line's profile and formats ("RTP/AVP 0 8"),
 * then the media attributes (lines separated by "\n", or ""). */
static void
msg_sdp_audio(test_msg *m, const char *address, const char *profile_and_formats,
              const char *attributes)
{
    char *body = g_strdup_printf("v=0\n"
                                 "o=- 2890844526 2890844526 IN IP4 %s\n"
                                 "s=-\n"
                                 "c=IN IP4 %s\n"
                                 "t=0 0\n"
                                 "m=audio 49170 %s\n"
                                 "%s",
                                 address, address, profile_and_formats, attributes);
    msg_sdp(m, body);
    g_free(body);
}

/* Adds the message to the analyzer and frees it; returns its result. */
static const sipkb_result *
add(sipkb_analyzer *analyzer, test_msg *m)
{
    const sipkb_result *result = sipkb_analyzer_add(analyzer, &m->msg);
    g_assert_nonnull(result);
    g_assert_cmpuint(result->frame, ==, m->msg.frame);
    g_string_chunk_free(m->strings);
    g_free(m);
    return result;
}

/* add() at `seconds` after T0. */
static const sipkb_result *
add_at(sipkb_analyzer *analyzer, test_msg *m, double seconds)
{
    msg_at(m, seconds);
    return add(analyzer, m);
}

/* The one result of a frame. */
static const sipkb_result *
result_of(const sipkb_analyzer *analyzer, guint32 frame)
{
    const sipkb_result *const *results = NULL;
    g_assert_cmpuint(sipkb_analyzer_results(analyzer, frame, &results), ==, 1);
    return results[0];
}

/* The capture goes on until `seconds` (an OPTIONS answered at once, in `frame` and the next):
 * long enough that a request without a final response has timed out (64*T1 = 32 s, RFC 3261
 * sections 17.1.1.2 and 17.1.2.2). */
static void
capture_goes_on(sipkb_analyzer *a, guint32 frame, double seconds)
{
    char call_id[32];
    g_snprintf(call_id, sizeof(call_id), "keepalive-%u", frame);
    test_msg *ping = msg_request(frame, "OPTIONS", call_id, 1, "z9hG4bKka");
    msg_at(ping, seconds);
    add(a, ping);
    test_msg *pong = msg_response(frame + 1, 200, "OPTIONS", call_id, 1, "z9hG4bKka");
    msg_at(pong, seconds + 0.05);
    add(a, pong);
}

/* The capture goes on until `seconds` with traffic of another peer than the phone (a callee
 * pinging the proxy), so that nothing of it is the phone's. */
static void
other_peer_goes_on(sipkb_analyzer *a, guint32 frame, double seconds)
{
    char call_id[32];
    g_snprintf(call_id, sizeof(call_id), "callee-keepalive-%u", frame);
    test_msg *ping = msg_request(frame, "OPTIONS", call_id, 1, "z9hG4bKcka");
    msg_path(ping, "UDP", CALLEE, PROXY);
    msg_via(ping, "UDP", CALLEE);
    msg_at(ping, seconds);
    add(a, ping);
    test_msg *pong = msg_response(frame + 1, 200, "OPTIONS", call_id, 1, "z9hG4bKcka");
    msg_path(pong, "UDP", PROXY, CALLEE);
    msg_via(pong, "UDP", CALLEE);
    msg_at(pong, seconds + 0.05);
    add(a, pong);
}

/* ---- checking findings ----------------------------------------------------------------------- */

static void
describe_item(const sipkb_item *item, GString *out)
{
    const sipkb_finding_def *def = sipkb_findings_def(findings_table, item->finding);
    g_string_append(out, def->name);
    if (item->variant)
        g_string_append_printf(out, "/%u", item->variant);
    switch (def->type) {
    case SIPKB_VALUE_NONE:
    case SIPKB_VALUE_FLAG:
        break;
    case SIPKB_VALUE_FRAME:
        g_string_append_printf(out, "=#%u", item->value.number);
        break;
    case SIPKB_VALUE_NUMBER:
        g_string_append_printf(out, "=%u", item->value.number);
        break;
    case SIPKB_VALUE_TEXT:
        g_string_append_printf(out, "='%s'", item->value.text);
        break;
    case SIPKB_VALUE_DURATION:
        g_string_append_printf(out, "=%.3fs", (double)item->value.nanoseconds / 1e9);
        break;
    case SIPKB_VALUE_TIME:
        g_string_append_printf(out, "=T0+%.3fs", (double)(item->value.nanoseconds - T0_NS) / 1e9);
        break;
    }
}

static char *
describe_items(const sipkb_item *items, guint n)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < n; i++) {
        if (i)
            g_string_append_c(out, '\n');
        describe_item(&items[i], out);
    }
    return g_string_free(out, FALSE);
}

/* Compares the result's first-pass (or late) items, in order, with the expected lines. */
static void
check_items(const char *file, int line, const char *func, const char *expression,
            const sipkb_result *result, gboolean late, ...)
{
    GString *expected = g_string_new(NULL);
    va_list args;
    va_start(args, late);
    for (const char *item; (item = va_arg(args, const char *));)
        g_string_append_printf(expected, "%s%s", expected->len ? "\n" : "", item);
    va_end(args);
    char *actual = late ? describe_items(result->late, result->n_late)
                        : describe_items(result->items, result->n_items);
    if (strcmp(actual, expected->str) != 0)
        g_assertion_message_cmpstr(G_LOG_DOMAIN, file, line, func, expression, actual,
                                   "==", expected->str);
    g_free(actual);
    g_string_free(expected, TRUE);
}

/* assert_items(result, "code=200", "response.progress", ...): exactly these items. */
#define assert_items(result, ...)                                                                  \
    check_items(__FILE__, __LINE__, G_STRFUNC, #result " items", (result), FALSE, __VA_ARGS__, NULL)
#define assert_late(result, ...)                                                                   \
    check_items(__FILE__, __LINE__, G_STRFUNC, #result " late items", (result), TRUE, __VA_ARGS__, \
                NULL)
#define assert_no_late(result)                                                                     \
    check_items(__FILE__, __LINE__, G_STRFUNC, #result " late items", (result), TRUE, NULL)

/* The expert text of a result's finding as the tree shows it. */
static char *
expert_text(const sipkb_result *result, sipkb_finding finding)
{
    const sipkb_finding_def *def = sipkb_findings_def(findings_table, finding);
    const sipkb_item *item = sipkb_result_find(result, finding);
    g_assert_nonnull(item);
    const char *template_text = item->variant ? def->variants[item->variant - 1] : def->text;
    GString *out = g_string_new(NULL);
    sipkb_result_render(findings_table, result, template_text ? template_text : def->summary, NULL,
                        NULL, out);
    return g_string_free(out, FALSE);
}

/* The texts of the result's cause items, in order, one per line. */
static char *
causes_of(const sipkb_result *result)
{
    GString *out = g_string_new(NULL);
    for (guint i = 0; i < result->n_items; i++) {
        if (result->items[i].finding == SIPKB_F_CAUSE)
            g_string_append_printf(out, "%s%s", out->len ? "\n" : "", result->items[i].value.text);
    }
    return g_string_free(out, FALSE);
}

/* The title of a request's or quoted message's item, or NULL (sipkb_result_title()). */
static char *
title_of(const sipkb_result *result)
{
    GString *out = g_string_new(NULL);
    gboolean titled = sipkb_result_title(findings_table, result, out);
    return titled ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

static void
assert_title(const sipkb_result *result, const char *expected)
{
    char *title = title_of(result);
    g_assert_cmpstr(title, ==, expected);
    g_free(title);
}

/* Pending tests: the RFC's behaviour, not implemented yet. */
#define PENDING(why)                                                                               \
    do {                                                                                           \
        if (!g_getenv("SIPKB_RUN_PENDING")) {                                                      \
            g_test_skip("rule not implemented yet: " why);                                         \
            return;                                                                                \
        }                                                                                          \
    } while (0)

/* ==== transactions.c ========================================================================== */

/* RFC 3261 section 17.1.3: a response belongs to the client transaction of its top Via branch
 * and CSeq method. */
static void
test_transactions_response_matched(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *invite = add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(invite, "via");
    g_assert_cmpuint(invite->kind, ==, SIPKB_MESSAGE_REQUEST);
    g_assert_cmpuint(invite->request_frame, ==, 1);
    g_assert_cmpuint(invite->facts, ==, SIPKB_FACT_TRACKED | SIPKB_FACT_EXPECTS_FINAL);

    const sipkb_result *trying = add(a, msg_response(2, 100, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(trying, "code=100", "response.progress", "transaction.request=#1", "via");
    g_assert_cmpuint(trying->facts, ==, SIPKB_FACT_TRACKED);
    g_assert_cmpuint(trying->request_frame, ==, 1);

    const sipkb_result *ok = add(a, msg_response(3, 200, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(ok, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "via");
    g_assert_cmpuint(ok->facts, ==, SIPKB_FACT_TRACKED | SIPKB_FACT_FINAL);
    g_assert_cmpuint(ok->severity, ==, SIPKB_SEVERITY_CHAT);
    g_assert_cmpstr(ok->method, ==, "INVITE");

    /* Another branch or CSeq is another transaction: nothing to match. */
    const sipkb_result *stray = add(a, msg_response(4, 200, "INVITE", "call-1", 1, "z9hG4bKx"));
    assert_items(stray, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "via");
    g_assert_cmpuint(stray->request_frame, ==, 0);
    g_assert_cmpuint(stray->facts, ==, 0);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.1.2: the client retransmits the request (Timer A), same branch. */
static void
test_transactions_retransmission(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *second = add(a, msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *third = add(a, msg_request(3, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(second, "transaction.retransmission_of=#1", "via");
    assert_items(third, "transaction.retransmission_of=#1", "via");
    g_assert_cmpuint(third->request_frame, ==, 1);
    g_assert_cmpuint(third->facts, ==, SIPKB_FACT_TRACKED); /* the first copy expects the final */

    /* The count: on the first copy once nothing answered while the capture went on. */
    capture_goes_on(a, 4, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(result_of(a, 1), "transaction.no_final_response", "transaction.retransmissions=2");
    assert_no_late(second);
    assert_no_late(third);
    char *text = expert_text(result_of(a, 1), SIPKB_F_TRANSACTION_NO_FINAL_RESPONSE);
    g_assert_cmpstr(text, ==,
                    "INVITE got no final response in the capture (2 retransmissions seen)");
    g_free(text);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 16.6 step 8: a proxy forwards the request with its own Via and a new branch;
 * the forwarded copy is a new client transaction, not a retransmission, and each leg's
 * responses match their own leg. */
static void
test_transactions_proxy_leg_not_retransmission(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *forwarded = msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(forwarded, "UDP", PROXY, CALLEE);
    msg_push_via(forwarded, PROXY, "z9hG4bKp1");
    const sipkb_result *leg2 = add(a, forwarded);
    assert_items(leg2, "via");
    g_assert_cmpuint(leg2->request_frame, ==, 2);
    g_assert_cmpuint(leg2->facts, ==, SIPKB_FACT_TRACKED | SIPKB_FACT_EXPECTS_FINAL);

    test_msg *callee_ok = msg_response(3, 200, "INVITE", "call-1", 1, "z9hG4bKp1");
    msg_path(callee_ok, "UDP", CALLEE, PROXY);
    msg_push_via(callee_ok, PROXY, "z9hG4bKp1");
    callee_ok->vias[1].branch = "z9hG4bK1";
    assert_items(add(a, callee_ok), "code=200", "response.progress",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#2", "via");
    /* The proxy relays the callee's 200 upstream (section 16.7): see the tests of relays.c. */
    assert_items(add(a, msg_response(4, 200, "INVITE", "call-1", 1, "z9hG4bK1")), "code=200",
                 "response.progress/1", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "response.relayed_from=#3",
                 "response.generated_by='" CALLEE ":5060'", "via");
    sipkb_analyzer_finish(a);
    assert_no_late(result_of(a, 1));
    assert_no_late(leg2);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.2.3: a request whose top Via has no branch (RFC 2543) is matched on its
 * Request-URI, To tag, From tag, Call-ID, CSeq and top Via. Branch-less requests are not all one
 * transaction: the same Call-ID and CSeq to another Request-URI (a sequential fork) is another;
 * the same request again is a retransmission; its CANCEL (same Request-URI, tags and top Via,
 * section 9.1) ends it; its responses match by their top Via and From tag. */
static void
test_transactions_rfc2543_matching(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *first = add(a, msg_request_no_branch(1, "INVITE", "call-1", 1));
    g_assert_cmpuint(first->request_frame, ==, 1);
    test_msg *fork = msg_request_no_branch(2, "INVITE", "call-1", 1);
    fork->msg.request_uri = keep(fork, "sip:bob@192.0.2.99");
    const sipkb_result *forked = add(a, fork);
    assert_items(forked, "via", "via.no_branch.first_frame=#1");
    g_assert_cmpuint(forked->request_frame, ==, 2);
    assert_items(add(a, msg_request_no_branch(3, "INVITE", "call-1", 1)),
                 "transaction.retransmission_of=#1", "via", "via.no_branch.first_frame=#1");
    /* Another dialog's From tag is another transaction too. */
    test_msg *other_tag = msg_request_no_branch(4, "INVITE", "call-1", 1);
    msg_from(other_tag, "carol");
    other_tag->msg.from_tag = keep(other_tag, "99");
    g_assert_cmpuint(add(a, other_tag)->request_frame, ==, 4);
    /* The fork's response: the latest request on the hop with its top Via and From tag. */
    const sipkb_result *ringing = add(a, msg_response_no_branch(5, 180, "INVITE", "call-1", 1));
    g_assert_cmpuint(ringing->request_frame, ==, 2);
    test_msg *stray = msg_response_no_branch(6, 180, "INVITE", "call-1", 1);
    stray->msg.from_tag = keep(stray, "unknown");
    g_assert_cmpuint(add(a, stray)->request_frame, ==, 0);
    /* The CANCEL of the first INVITE: linked to it, its 487 names it. */
    test_msg *cancel = msg_request_no_branch(7, "CANCEL", "call-1", 1);
    msg_at(cancel, 2.7);
    g_assert_cmpuint(add(a, cancel)->request_frame, ==, 7);
    test_msg *cancel_ok = msg_response_no_branch(8, 200, "CANCEL", "call-1", 1);
    g_assert_cmpuint(add(a, cancel_ok)->request_frame, ==, 7);
    test_msg *terminated = msg_response_no_branch(9, 487, "INVITE", "call-1", 1);
    msg_at(terminated, 2.9);
    const sipkb_result *r = add(a, terminated);
    g_assert_cmpuint(r->request_frame, ==, 2); /* the latest INVITE on the hop */
    sipkb_analyzer_free(a);

    /* One INVITE: its CANCEL and the 487 match it. */
    a = analyzer_new();
    add(a, msg_request_no_branch(1, "INVITE", "call-1", 1));
    cancel = msg_request_no_branch(2, "CANCEL", "call-1", 1);
    msg_at(cancel, 2.2);
    add(a, cancel);
    terminated = msg_response_no_branch(3, 487, "INVITE", "call-1", 1);
    msg_at(terminated, 2.3);
    r = add(a, terminated);
    g_assert_cmpuint(r->request_frame, ==, 1);
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_CANCEL_FRAME)->value.number, ==, 2);
    /* A branch without the z9hG4bK cookie is matched the same way, the branch in the Via. */
    add(a, msg_request(4, "OPTIONS", "ping-1", 1, "1234"));
    test_msg *other_uri = msg_request(5, "OPTIONS", "ping-1", 1, "1234");
    other_uri->msg.request_uri = keep(other_uri, "sip:alice@example.net");
    g_assert_cmpuint(add(a, other_uri)->request_frame, ==, 5);
    g_assert_cmpuint(add(a, msg_response(6, 200, "OPTIONS", "ping-1", 1, "1234"))->request_frame,
                     ==, 5);
    g_assert_cmpuint(add(a, msg_response(7, 200, "OPTIONS", "ping-1", 1, "5678"))->request_frame,
                     ==, 0);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.1.2: a retransmission comes from the client on the same hop; the same
 * packet seen on both sides of a NAT router is one request on two hops, each with its own
 * responses. */
static void
test_transactions_nat_copy_not_retransmission(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *lan = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(lan, "UDP", NAT_PRIVATE, PROXY);
    msg_via(lan, "UDP", NAT_PRIVATE);
    assert_items(add(a, lan), "via");
    test_msg *wan = msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(wan, "UDP", NAT_PUBLIC, PROXY);
    wan->msg.path.source_port = 40312;
    msg_via(wan, "UDP", NAT_PRIVATE);
    const sipkb_result *wan_result = add(a, wan);
    assert_items(wan_result, "via", "via.nat", "via.nat.sent_by='192.168.1.20'",
                 "via.nat.seen='203.0.113.7'");
    g_assert_cmpuint(wan_result->request_frame, ==, 2);

    test_msg *wan_ok = msg_response(3, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(wan_ok, "UDP", PROXY, NAT_PUBLIC);
    wan_ok->msg.path.destination_port = 40312;
    msg_via(wan_ok, "UDP", NAT_PRIVATE);
    wan_ok->vias[0].received = NAT_PUBLIC;
    wan_ok->vias[0].rport = "40312";
    assert_items(add(a, wan_ok), "code=200", "response.progress",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#2", "via",
                 "via.nat.first_frame=#2");
    test_msg *lan_ok = msg_response(4, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(lan_ok, "UDP", PROXY, NAT_PRIVATE);
    msg_via(lan_ok, "UDP", NAT_PRIVATE);
    lan_ok->vias[0].received = NAT_PUBLIC;
    lan_ok->vias[0].rport = "40312";
    assert_items(add(a, lan_ok), "code=200", "response.progress",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#1", "via",
                 "via.nat.first_frame=#2");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 9.1: the CANCEL has the INVITE's Call-ID, CSeq number and branch; section
 * 9.2: the INVITE then ends with 487. */
static void
test_transactions_cancel_linked(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1")); /* at 0.1 s */
    add(a, msg_response(2, 180, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *cancel = msg_request(3, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel, 3.6);
    const sipkb_result *cancel_result = add(a, cancel);
    assert_items(cancel_result, "via");
    g_assert_cmpuint(cancel_result->request_frame, ==, 3);
    /* The CANCEL's own 200 ends the CANCEL transaction; no call outcome there. */
    test_msg *cancel_ok = msg_response(4, 200, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel_ok, 3.7);
    assert_items(add(a, cancel_ok), "code=200", "response.progress", "transaction.request=#3",
                 "via");
    test_msg *invite_487 = msg_response(5, 487, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(invite_487, 3.8);
    const sipkb_result *terminated = add(a, invite_487);
    assert_items(terminated, "code=487", "response.cancelled",
                 "call.outcome='call cancelled by the caller 3.5 s after the INVITE: 487 after "
                 "CANCEL (frame 3)'",
                 "transaction.request=#1", "cancel.frame=#3", "cancel.delay=3.500s", "via");
    /* An expected ending: a Note, not a failure. */
    g_assert_cmpuint(terminated->severity, ==, SIPKB_SEVERITY_NOTE);
    /* The ACK of a non-2xx final response shares the INVITE's branch (section 17.1.1.3). */
    test_msg *ack = msg_request(6, "ACK", "call-1", 1, "z9hG4bK1");
    msg_at(ack, 3.9);
    assert_items(add(a, ack), "via");
    sipkb_analyzer_finish(a);
    for (guint32 frame = 1; frame <= 6; frame++)
        assert_no_late(result_of(a, frame));
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 9.2: the CANCEL was answered but the INVITE timed out anyway (the UAS never
 * sent its 487): the 408 names the CANCEL and its answer, and the call was the caller's to end. */
static void
test_transactions_timeout_after_cancel(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(invite, 0.0);
    add(a, invite);
    test_msg *ringing = msg_response(2, 180, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(ringing, 0.5);
    add(a, ringing);
    test_msg *cancel = msg_request(3, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel, 5.0);
    add(a, cancel);
    test_msg *cancel_ok = msg_response(4, 200, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel_ok, 5.05);
    add(a, cancel_ok);
    test_msg *timeout = msg_response(5, 408, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(timeout, 32.0);
    assert_items(add(a, timeout), "code=408", "response.failure",
                 "cause='The caller gave up first: its CANCEL (frame 3) came 5.0 s after the "
                 "INVITE, and the INVITE was closed with 408 where a 487 is expected (RFC 3261 "
                 "section 9.2)'",
                 "call.outcome='call cancelled by the caller 5.0 s after the INVITE: 408 after "
                 "CANCEL (frame 3)'",
                 "transaction.request=#1", "cancel.frame=#3", "cancel.delay=5.000s",
                 "cancel.response=#4", "transaction.retransmissions=0",
                 "transaction.waited=32.000s", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 12.1 and 15: only a 2xx (or an early dialog's 1xx) makes a dialog; after
 * the INVITE failed, a request with a To tag has none, and 481 is its answer (section
 * 12.2.2). */
static void
test_transactions_request_outside_dialog(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK1");
    msg_to_tag(ack, "a6c85cf");
    assert_items(add(a, ack), "via");
    test_msg *bye = msg_request(4, "BYE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(bye, "a6c85cf");
    const sipkb_result *r = add(a, bye);
    assert_items(r, "dialog.outside", "dialog.ended_by=#2", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(r, SIPKB_F_DIALOG_OUTSIDE);
    g_assert_cmpstr(text, ==,
                    "BYE sent within a dialog that never existed: the INVITE ended with the "
                    "response in frame 2; a 481 is the answer expected (RFC 3261 sections 12.2.2 "
                    "and 15)");
    g_free(text);

    /* After a 2xx the dialog exists; a call whose INVITE is not in the capture gets the
     * benefit of the doubt. */
    add(a, msg_request(5, "INVITE", "call-2", 1, "z9hG4bK5"));
    add(a, msg_response(6, 200, "INVITE", "call-2", 1, "z9hG4bK5"));
    test_msg *bye2 = msg_request(7, "BYE", "call-2", 2, "z9hG4bK7");
    msg_to_tag(bye2, "a6c85cf");
    assert_items(add(a, bye2), "via");
    test_msg *bye3 = msg_request(8, "BYE", "call-3", 2, "z9hG4bK8");
    msg_to_tag(bye3, "a6c85cf");
    assert_items(add(a, bye3), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 15.1.2 and 12.2.2: a UAS that gets a request for a dialog that does not
 * exist answers 481 (a BYE SHOULD get it; any request MUST, unless the UAS recreates a dialog it
 * lost in a restart). A 2xx there ended or changed nothing: a Note on the 2xx, whose one line
 * and causes say so instead of "the call has ended", and no call outcome. Decided on the first
 * pass; the request's 481 is the expected answer and gets nothing. */
static void
test_transactions_accepted_outside_dialog(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 403, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_request(3, "ACK", "call-1", 1, "z9hG4bK1"));
    test_msg *bye = msg_request(4, "BYE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(bye, "a6c85cf");
    add(a, bye);
    const sipkb_result *ok = add(a, msg_response(5, 200, "BYE", "call-1", 2, "z9hG4bK4"));
    assert_items(ok, "dialog.outside_accepted", "dialog.outside_accepted.ended_by=#2", "code=200",
                 "response.progress",
                 "cause='No dialog existed for this BYE to end or change: the call's INVITE "
                 "failed (frame 2) and no 2xx set one up; the server accepted the request (frame "
                 "4) where a 481 is expected (RFC 3261 sections 12.2.2, 15.1.2)'",
                 "transaction.request=#4", "via");
    g_assert_cmpuint(ok->severity, ==, SIPKB_SEVERITY_NOTE);
    g_assert_cmpstr(ok->summary, ==,
                    "BYE accepted although no dialog exists: a 481 is the answer RFC 3261 section "
                    "12.2.2 expects");
    g_assert_cmpint(ok->situation.outside_dialog, ==, SIPKB_KB_YES);
    g_assert_cmpint(ok->situation.in_dialog, ==, SIPKB_KB_YES);
    char *text = expert_text(ok, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED);
    g_assert_cmpstr(text, ==,
                    "BYE accepted although no dialog exists: the call's INVITE ended with frame "
                    "2 and no 2xx set one up, so this 200 ends or changes nothing; a 481 is the "
                    "answer expected (RFC 3261 sections 12.2.2, 15.1.2)");
    g_free(text);
    /* The answer expected: nothing to say of it. */
    test_msg *bye2 = msg_request(6, "BYE", "call-1", 3, "z9hG4bK6");
    msg_to_tag(bye2, "a6c85cf");
    add(a, bye2);
    const sipkb_result *gone = add(a, msg_response(7, 481, "BYE", "call-1", 3, "z9hG4bK6"));
    g_assert_null(sipkb_result_find(gone, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED));
    g_assert_null(gone->summary);
    g_assert_cmpint(gone->situation.outside_dialog, ==, SIPKB_KB_YES);

    /* An INFO and a re-INVITE outside any dialog: the same, and no call outcome for the
     * re-INVITE's 200 (no call was answered). */
    test_msg *info = msg_request(8, "INFO", "call-1", 4, "z9hG4bK8");
    msg_to_tag(info, "a6c85cf");
    add(a, info);
    const sipkb_result *info_ok = add(a, msg_response(9, 200, "INFO", "call-1", 4, "z9hG4bK8"));
    g_assert_nonnull(sipkb_result_find(info_ok, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED));
    test_msg *reinvite = msg_request(10, "INVITE", "call-1", 5, "z9hG4bK10");
    msg_to_tag(reinvite, "a6c85cf");
    add(a, reinvite);
    const sipkb_result *reinvite_ok =
        add(a, msg_response(11, 200, "INVITE", "call-1", 5, "z9hG4bK10"));
    g_assert_nonnull(sipkb_result_find(reinvite_ok, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED));
    g_assert_null(sipkb_result_find(reinvite_ok, SIPKB_F_CALL_OUTCOME));
    g_assert_cmpstr(reinvite_ok->summary, ==,
                    "INVITE accepted although no dialog exists: a 481 is the answer RFC 3261 "
                    "section 12.2.2 expects");
    /* The UAS that accepts a re-INVITE has set a dialog up again (section 12.2.2): a request
     * after it is in that dialog. */
    test_msg *after = msg_request(12, "BYE", "call-1", 6, "z9hG4bK12");
    msg_to_tag(after, "a6c85cf");
    assert_items(add(a, after), "via");
    /* The whole capture adds nothing to a first-pass finding. */
    sipkb_analyzer_finish(a);
    assert_no_late(ok);
    assert_no_late(info_ok);
    sipkb_analyzer_free(a);

    /* The other direction: the callee's side hangs up a call it refused, and the caller
     * accepts. */
    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-5", 1, "z9hG4bK1"));
    add(a, msg_response(2, 486, "INVITE", "call-5", 1, "z9hG4bK1"));
    add(a, msg_request(3, "ACK", "call-5", 1, "z9hG4bK1"));
    test_msg *callee_bye = msg_request(4, "BYE", "call-5", 1, "z9hG4bK4");
    msg_path(callee_bye, "UDP", PROXY, UAC);
    msg_via(callee_bye, "UDP", PROXY);
    msg_to_tag(callee_bye, "1928301774");
    add(a, callee_bye);
    test_msg *caller_ok = msg_response(5, 200, "BYE", "call-5", 1, "z9hG4bK4");
    msg_path(caller_ok, "UDP", UAC, PROXY);
    msg_via(caller_ok, "UDP", PROXY);
    assert_items(add(a, caller_ok), "dialog.outside_accepted",
                 "dialog.outside_accepted.ended_by=#2", "code=200", "response.progress",
                 "cause='No dialog existed for this BYE to end or change: the call's INVITE "
                 "failed (frame 2) and no 2xx set one up; the server accepted the request (frame "
                 "4) where a 481 is expected (RFC 3261 sections 12.2.2, 15.1.2)'",
                 "transaction.request=#4", "via");
    sipkb_analyzer_free(a);

    /* In a dialog the capture saw set up, and in a call whose INVITE it lacks: a BYE's 200 is
     * the end of the call, as the KB says. */
    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-2", 1, "z9hG4bK1"));
    add(a, msg_response(2, 200, "INVITE", "call-2", 1, "z9hG4bK1"));
    test_msg *in_dialog = msg_request(3, "BYE", "call-2", 2, "z9hG4bK3");
    msg_to_tag(in_dialog, "a6c85cf");
    add(a, in_dialog);
    const sipkb_result *ended = add(a, msg_response(4, 200, "BYE", "call-2", 2, "z9hG4bK3"));
    assert_items(ended, "code=200", "response.progress", "transaction.request=#3", "via");
    g_assert_null(ended->summary);
    g_assert_cmpint(ended->situation.outside_dialog, ==, SIPKB_KB_NO);
    test_msg *unknown = msg_request(5, "BYE", "call-3", 2, "z9hG4bK5");
    msg_to_tag(unknown, "a6c85cf");
    add(a, unknown);
    assert_items(add(a, msg_response(6, 200, "BYE", "call-3", 2, "z9hG4bK5")), "code=200",
                 "response.progress", "transaction.request=#5", "via");
    sipkb_analyzer_free(a);

    /* Both legs of a proxy: the BYE it forwards is outside any dialog too, and so is the
     * callee's 200 to it, which the proxy relays. */
    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-4", 1, "z9hG4bK1"));
    add(a, msg_response(2, 404, "INVITE", "call-4", 1, "z9hG4bK1"));
    add(a, msg_request(3, "ACK", "call-4", 1, "z9hG4bK1"));
    test_msg *upstream_bye = msg_request(4, "BYE", "call-4", 2, "z9hG4bK4");
    msg_to_tag(upstream_bye, "a6c85cf");
    add(a, upstream_bye);
    test_msg *downstream_bye = msg_request(5, "BYE", "call-4", 2, "z9hG4bK4");
    msg_to_tag(downstream_bye, "a6c85cf");
    msg_path(downstream_bye, "UDP", PROXY, CALLEE);
    msg_push_via(downstream_bye, PROXY, "z9hG4bKp5");
    assert_items(add(a, downstream_bye), "dialog.outside", "dialog.ended_by=#2", "via");
    test_msg *callee_ok = msg_response(6, 200, "BYE", "call-4", 2, "z9hG4bKp5");
    msg_path(callee_ok, "UDP", CALLEE, PROXY);
    msg_push_via(callee_ok, PROXY, "z9hG4bKp5");
    callee_ok->vias[1].branch = "z9hG4bK4";
    const sipkb_result *callee_result = add(a, callee_ok);
    g_assert_cmpuint(sipkb_result_find(callee_result, SIPKB_F_TRANSACTION_REQUEST)->value.number,
                     ==, 5);
    g_assert_nonnull(sipkb_result_find(callee_result, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED));
    const sipkb_result *relayed = add(a, msg_response(7, 200, "BYE", "call-4", 2, "z9hG4bK4"));
    g_assert_cmpuint(sipkb_result_find(relayed, SIPKB_F_TRANSACTION_REQUEST)->value.number, ==, 4);
    g_assert_nonnull(sipkb_result_find(relayed, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED));
    sipkb_analyzer_free(a);
}

/* ==== dialog-cseq.c =========================================================================== */

/* An in-dialog request of the phone (To tag a6c85cf, as msg_response gives). */
static test_msg *
msg_in_dialog(guint32 frame, const char *method, const char *call_id, guint32 cseq,
              const char *branch)
{
    test_msg *m = msg_request(frame, method, call_id, cseq, branch);
    msg_to_tag(m, "a6c85cf");
    return m;
}

/* An in-dialog request of the callee's side, which the proxy sends to the phone: From the
 * callee's tag (a6c85cf), To the phone's (RFC 3261 section 12.2.1.1). */
static test_msg *
msg_from_callee(guint32 frame, const char *method, const char *call_id, guint32 cseq,
                const char *branch)
{
    test_msg *m = msg_request(frame, method, call_id, cseq, branch);
    msg_path(m, "UDP", PROXY, UAC);
    msg_via(m, "UDP", PROXY);
    m->msg.from_tag = keep(m, "a6c85cf");
    msg_to_tag(m, "1928301774");
    return m;
}

/* A call set up with INVITE `cseq` (frames 1-3: INVITE, 200, ACK). */
static void
dialog_set_up(sipkb_analyzer *a, const char *call_id, guint32 cseq)
{
    add(a, msg_request(1, "INVITE", call_id, cseq, "z9hG4bK1"));
    add(a, msg_response(2, 200, "INVITE", call_id, cseq, "z9hG4bK1"));
    add(a, msg_in_dialog(3, "ACK", call_id, cseq, "z9hG4bK3"));
}

/* RFC 3261 section 12.2.2: a request within a dialog whose CSeq is lower than the remote CSeq
 * the UAS keeps (the highest it got from that side, the dialog-making INVITE's at first) is out
 * of order, and the UAS MUST refuse it with 500. The request is flagged, linked to the request
 * with the higher number; the 500's first cause, and its one line, say so from that evidence,
 * whatever the reason phrase (libre's UAS says "Server Internal Error"). */
static void
test_dialog_cseq_lower(void)
{
    sipkb_analyzer *a = analyzer_new();
    dialog_set_up(a, "call-1", 2);
    add(a, msg_in_dialog(4, "INFO", "call-1", 4, "z9hG4bK4"));
    add(a, msg_response(5, 200, "INFO", "call-1", 4, "z9hG4bK4"));
    const sipkb_result *info = add(a, msg_in_dialog(6, "INFO", "call-1", 3, "z9hG4bK6"));
    assert_items(info, "dialog.cseq_lower", "dialog.cseq_lower.last=4",
                 "dialog.cseq_lower.frame=#4", "via");
    g_assert_cmpuint(info->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(info, SIPKB_F_DIALOG_CSEQ_LOWER);
    g_assert_cmpstr(text, ==,
                    "INFO out of order: its CSeq is lower than 4, sent by the same side of this "
                    "dialog in frame 4; the UAS must refuse it with 500 (RFC 3261 section 12.2.2)");
    g_free(text);
    assert_title(info, "INFO out of order (CSeq lower than the dialog's last)");
    test_msg *refused = msg_response(7, 500, "INFO", "call-1", 3, "z9hG4bK6");
    msg_reason(refused, "Server Internal Error");
    const sipkb_result *r = add(a, refused);
    char *causes = causes_of(r);
    g_assert_cmpstr(causes, ==,
                    "This INFO's CSeq 3 is lower than 4, sent earlier by the same side of the "
                    "dialog (INFO, frame 4): a request out of order, which the UAS must refuse "
                    "with 500 (RFC 3261 section 12.2.2); each side numbers the new requests of a "
                    "dialog upwards (section 12.2.1.1)");
    g_free(causes);
    g_assert_cmpstr(r->summary, ==,
                    "Request out of order: its CSeq is lower than the dialog's last (RFC 3261 "
                    "section 12.2.2)");
    /* Lower than the INVITE that made the dialog: the UAS's first remote CSeq (section
     * 12.1.1). */
    const sipkb_result *bye = add(a, msg_in_dialog(8, "BYE", "call-1", 1, "z9hG4bK8"));
    assert_items(bye, "dialog.cseq_lower", "dialog.cseq_lower.last=4", "dialog.cseq_lower.frame=#4",
                 "via");
    sipkb_analyzer_free(a);

    a = analyzer_new();
    dialog_set_up(a, "call-2", 5);
    assert_items(add(a, msg_in_dialog(4, "BYE", "call-2", 3, "z9hG4bK4")), "dialog.cseq_lower",
                 "dialog.cseq_lower.last=5", "dialog.cseq_lower.frame=#1", "via");
    /* The phrase that says it too: the evidence's cause, not the phrase's as well. */
    test_msg *worded = msg_response(5, 500, "BYE", "call-2", 3, "z9hG4bK4");
    msg_reason(worded, "Request out of order");
    char *worded_causes = causes_of(add(a, worded));
    g_assert_cmpstr(worded_causes, ==,
                    "This BYE's CSeq 3 is lower than 5, sent earlier by the same side of the "
                    "dialog (INVITE, frame 1): a request out of order, which the UAS must refuse "
                    "with 500 (RFC 3261 section 12.2.2); each side numbers the new requests of a "
                    "dialog upwards (section 12.2.1.1)");
    g_free(worded_causes);
    sipkb_analyzer_free(a);

    /* A 500 with words of its own: the server's own words first (its account of the failure),
     * then the evidence. */
    a = analyzer_new();
    dialog_set_up(a, "call-3", 2);
    add(a, msg_in_dialog(4, "INFO", "call-3", 1, "z9hG4bK4"));
    test_msg *other = msg_response(5, 500, "INFO", "call-3", 1, "z9hG4bK4");
    msg_reason(other, "Database down");
    char *other_causes = causes_of(add(a, other));
    g_assert_cmpstr(other_causes, ==,
                    "The server's own reason phrase: \"Database down\"\n"
                    "This INFO's CSeq 1 is lower than 2, sent earlier by the same side of the "
                    "dialog (INVITE, frame 1): a request out of order, which the UAS must refuse "
                    "with 500 (RFC 3261 section 12.2.2); each side numbers the new requests of a "
                    "dialog upwards (section 12.2.1.1)");
    g_free(other_causes);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 12.2.2: only a lower number is out of order. An equal or higher one is not
 * (a gap is allowed: the UAS must not assume the number grows by one), nor is a request outside
 * any dialog (no To tag: an OPTIONS or a new INVITE of the same Call-ID), and a 500 to a
 * request in order keeps the KB's causes. */
static void
test_dialog_cseq_in_order(void)
{
    sipkb_analyzer *a = analyzer_new();
    dialog_set_up(a, "call-1", 2);
    assert_items(add(a, msg_in_dialog(4, "INFO", "call-1", 2, "z9hG4bK4")), "via");
    assert_items(add(a, msg_in_dialog(5, "INFO", "call-1", 7, "z9hG4bK5")), "via");
    assert_items(add(a, msg_in_dialog(6, "INFO", "call-1", 7, "z9hG4bK6")), "via");
    const sipkb_result *r = add(a, msg_response(7, 500, "INFO", "call-1", 7, "z9hG4bK6"));
    g_assert_null(r->summary);
    char *causes = causes_of(r);
    g_assert_null(strstr(causes, "out of order"));
    g_free(causes);
    assert_items(add(a, msg_request(8, "OPTIONS", "call-1", 1, "z9hG4bK8")), "via");
    assert_items(add(a, msg_request(9, "INVITE", "call-1", 1, "z9hG4bK9")), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 12.2.1.1: each side numbers its own requests, so the caller's and the
 * callee's CSeq spaces are apart, even where both come from one address (the proxy forwards
 * the caller's INVITE and relays the callee's requests): the callee's UPDATE numbered below the
 * caller's INVITE and INFO is in order, its BYE below its own UPDATE is not. */
static void
test_dialog_cseq_per_direction(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 20, "z9hG4bK1"));
    test_msg *forwarded = msg_request(2, "INVITE", "call-1", 20, "z9hG4bK1");
    msg_path(forwarded, "UDP", PROXY, CALLEE);
    msg_push_via(forwarded, PROXY, "z9hG4bKp2");
    add(a, forwarded);
    add(a, msg_response(3, 200, "INVITE", "call-1", 20, "z9hG4bK1"));
    add(a, msg_in_dialog(4, "INFO", "call-1", 21, "z9hG4bK4"));
    assert_items(add(a, msg_from_callee(5, "UPDATE", "call-1", 8, "z9hG4bK5")), "via");
    assert_items(add(a, msg_from_callee(6, "BYE", "call-1", 7, "z9hG4bK6")), "dialog.cseq_lower",
                 "dialog.cseq_lower.last=8", "dialog.cseq_lower.frame=#5", "via");
    /* The caller's side keeps its own count. */
    assert_items(add(a, msg_in_dialog(7, "BYE", "call-1", 22, "z9hG4bK7")), "via");
    sipkb_analyzer_free(a);
}

/* A B2BUA is a UA on each of its legs (RFC 3261 section 6), with CSeq numbers of its own: one
 * that keeps the Call-ID and tags but numbers the callee's leg ahead (it sent a session refresh
 * there itself) does not put the caller's next request out of order; the numbers each sender
 * used are compared. */
static void
test_dialog_cseq_per_sender(void)
{
    sipkb_analyzer *a = analyzer_new();
    dialog_set_up(a, "call-1", 2);
    test_msg *refresh = msg_in_dialog(4, "UPDATE", "call-1", 3, "z9hG4bKb4");
    msg_path(refresh, "UDP", PROXY, CALLEE);
    msg_via(refresh, "UDP", PROXY);
    add(a, refresh);
    test_msg *relayed = msg_in_dialog(5, "INFO", "call-1", 4, "z9hG4bKb5");
    msg_path(relayed, "UDP", PROXY, CALLEE);
    msg_via(relayed, "UDP", PROXY);
    add(a, relayed);
    assert_items(add(a, msg_in_dialog(6, "INFO", "call-1", 3, "z9hG4bK6")), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 12.2.1.1: ACK and CANCEL carry the number of the request they acknowledge
 * or cancel, lower than a request sent meanwhile: neither is out of order, and neither counts
 * as the dialog's last. */
static void
test_dialog_cseq_ack_cancel(void)
{
    sipkb_analyzer *a = analyzer_new();
    dialog_set_up(a, "call-1", 2);
    add(a, msg_in_dialog(4, "INVITE", "call-1", 3, "z9hG4bK4"));
    add(a, msg_in_dialog(5, "INFO", "call-1", 4, "z9hG4bK5"));
    assert_items(add(a, msg_in_dialog(6, "CANCEL", "call-1", 3, "z9hG4bK4")), "via");
    add(a, msg_response(7, 200, "INVITE", "call-1", 3, "z9hG4bK4"));
    assert_items(add(a, msg_in_dialog(8, "ACK", "call-1", 3, "z9hG4bK8")), "via");
    assert_items(add(a, msg_in_dialog(9, "BYE", "call-1", 5, "z9hG4bK9")), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 9.2: a 487 without a CANCEL in the capture. */
static void
test_transactions_cancel_missing(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *terminated =
        add(a, msg_response(2, 487, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(terminated, "code=487", "response.failure",
                 "call.outcome='call rejected: 487 Request Terminated after unauthenticated "
                 "INVITE'",
                 "transaction.request=#1", "cancel.missing", "via");
    g_assert_cmpuint(terminated->severity, ==, SIPKB_SEVERITY_WARN);

    /* A CANCEL of another INVITE (another branch) is not this one's. */
    add(a, msg_request(3, "INVITE", "call-2", 1, "z9hG4bK2"));
    add(a, msg_request(4, "CANCEL", "call-2", 1, "z9hG4bKother"));
    assert_items(add(a, msg_response(5, 487, "INVITE", "call-2", 1, "z9hG4bK2")), "code=487",
                 "response.failure",
                 "call.outcome='call rejected: 487 Request Terminated after unauthenticated "
                 "INVITE'",
                 "transaction.request=#3", "cancel.missing", "via");
    capture_goes_on(a, 6, 40.0);
    sipkb_analyzer_finish(a);
    /* The stray CANCEL is a transaction of its own and got no final response. */
    assert_late(result_of(a, 4), "transaction.no_final_response", "transaction.retransmissions=0");
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 17.1.1.2 and 17.1.2.2: whether a final response ever came is known only
 * once the whole capture is read (Timer B/F): a late item, after sipkb_analyzer_finish(). */
static void
test_transactions_no_final_response_after_finish(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *options = add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    const sipkb_result *invite = add(a, msg_request(2, "INVITE", "call-1", 1, "z9hG4bK2"));
    add(a, msg_response(3, 180, "INVITE", "call-1", 1, "z9hG4bK2")); /* provisional only */
    /* Past Timer B and F, and past the 3 minutes a proxy gives a ringing INVITE (Timer C,
     * section 16.6 step 11). */
    capture_goes_on(a, 4, 200.0);
    assert_items(options, "via");
    assert_no_late(options);
    g_assert_cmpuint(options->severity, ==, SIPKB_SEVERITY_NONE);
    g_assert_true(sipkb_analyzer_needs_finish(a));

    sipkb_analyzer_finish(a);
    g_assert_false(sipkb_analyzer_needs_finish(a));
    assert_items(options, "via"); /* first-pass items never change */
    assert_late(options, "transaction.no_final_response", "transaction.retransmissions=0");
    assert_late(invite, "transaction.no_final_response", "transaction.retransmissions=0");
    g_assert_cmpuint(options->severity, ==, SIPKB_SEVERITY_WARN);
    g_assert_nonnull(sipkb_result_find(options, SIPKB_F_TRANSACTION_NO_FINAL_RESPONSE));
    assert_no_late(result_of(a, 3));
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 17.1.1.2 and 17.1.2.2: before 64*T1 (32 s) after the request the client
 * is still waiting; a capture that ends sooner gives no verdict. */
static void
test_transactions_capture_ended_first(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *options = msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1");
    msg_at(options, 0.0);
    const sipkb_result *r = add(a, options);
    capture_goes_on(a, 2, 9.95);
    sipkb_analyzer_finish(a);
    assert_late(r, "transaction.capture_ended", "transaction.waited=10.000s");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);
    char *text = expert_text(r, SIPKB_F_TRANSACTION_CAPTURE_ENDED);
    g_assert_true(g_str_has_prefix(text, "The capture ends 10.0 s after this OPTIONS, before "));
    g_free(text);

    /* A ringing INVITE waits for more than 3 minutes (Timer C, section 16.6 step 11). */
    test_msg *invite = msg_request(4, "INVITE", "call-1", 1, "z9hG4bK4");
    msg_at(invite, 20.0);
    const sipkb_result *ringing = add(a, invite);
    test_msg *ringing_180 = msg_response(5, 180, "INVITE", "call-1", 1, "z9hG4bK4");
    msg_at(ringing_180, 20.5);
    add(a, ringing_180);
    capture_goes_on(a, 6, 119.95);
    sipkb_analyzer_finish(a);
    assert_late(ringing, "transaction.capture_ended", "transaction.waited=100.000s");
    assert_late(r, "transaction.no_final_response", "transaction.retransmissions=0");
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 13.2.2.4 and 17.1.1.3: an ACK is sent only for a final response, and its
 * branch tells the class: a 2xx's ACK is a new transaction with a new branch, a 300-699's ACK
 * repeats the INVITE's branch. An ACK of the INVITE's CSeq on its hop shows a final response
 * of that class, though the capture lacks it. */
static void
test_transactions_final_missing_shown_by_ack(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *invite = add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *ack = msg_request(2, "ACK", "call-1", 1, "z9hG4bK2");
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
    /* A failure ACKed with the INVITE's branch, its response lost too. */
    const sipkb_result *refused = add(a, msg_request(3, "INVITE", "call-2", 1, "z9hG4bK3"));
    test_msg *refused_ack = msg_request(4, "ACK", "call-2", 1, "z9hG4bK3");
    msg_to_tag(refused_ack, "a6c85cf");
    add(a, refused_ack);
    /* An RFC 2543 client: no branch, the ACK tells no class. */
    const sipkb_result *old = add(a, msg_request(5, "INVITE", "call-3", 1, NULL));
    test_msg *old_ack = msg_request(6, "ACK", "call-3", 1, NULL);
    msg_to_tag(old_ack, "a6c85cf");
    add(a, old_ack);
    capture_goes_on(a, 7, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(invite, "transaction.final_missing", "transaction.proof_frame=#2");
    g_assert_cmpuint(invite->severity, ==, SIPKB_SEVERITY_NOTE);
    char *text = expert_text(invite, SIPKB_F_TRANSACTION_FINAL_MISSING);
    g_assert_cmpstr(text, ==,
                    "INVITE answered outside the capture: frame 2 ACKs it with a new branch, as "
                    "the caller ACKs a 2xx (RFC 3261 sections 13.2.2.4, 17.1.1.3): a 2xx the "
                    "capture lacks");
    g_free(text);
    assert_late(refused, "transaction.final_missing/1", "transaction.proof_frame=#4");
    text = expert_text(refused, SIPKB_F_TRANSACTION_FINAL_MISSING);
    g_assert_cmpstr(text, ==,
                    "INVITE answered outside the capture: frame 4 ACKs it with the INVITE's own "
                    "branch, as a client ACKs only a 300-699 final response (RFC 3261 section "
                    "17.1.1.3): a failure the capture lacks");
    g_free(text);
    assert_late(old, "transaction.final_missing/2", "transaction.proof_frame=#6");
    sipkb_analyzer_free(a);

    /* The same ACKs with their final responses in the capture: nothing is missing, and the
     * responses were ACKed. */
    a = analyzer_new();
    invite = add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *ok = add(a, msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1"));
    ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK3");
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
    refused = add(a, msg_request(4, "INVITE", "call-2", 1, "z9hG4bK4"));
    const sipkb_result *busy = add(a, msg_response(5, 486, "INVITE", "call-2", 1, "z9hG4bK4"));
    refused_ack = msg_request(6, "ACK", "call-2", 1, "z9hG4bK4");
    msg_to_tag(refused_ack, "a6c85cf");
    add(a, refused_ack);
    capture_goes_on(a, 7, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(invite);
    assert_no_late(ok);
    assert_no_late(refused);
    assert_no_late(busy);
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 12.1 and 15: a request of the caller with a To tag shows that a response
 * carrying the tag reached it. A 1xx with a To tag makes an early dialog, which the caller may
 * end with a BYE, so a tag the capture holds in a 1xx shows no final response; a tag that no
 * captured response carries shows a response the capture lacks, provisional or final, and
 * never which. The 200 to that BYE repeats the BYE's tag and shows nothing either: a UAS may
 * answer a BYE outside any dialog with 200 (section 15.1.2 asks 481). */
static void
test_transactions_response_missing_shown_by_tag(void)
{
    sipkb_analyzer *a = analyzer_new();
    /* The tag of the captured 180: an early dialog, no final response shown. */
    const sipkb_result *early = add_at(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"), 0.0);
    add_at(a, msg_response(2, 180, "INVITE", "call-1", 1, "z9hG4bK1"), 0.01);
    test_msg *early_bye = msg_request(3, "BYE", "call-1", 2, "z9hG4bK3");
    msg_at(early_bye, 5.0);
    msg_to_tag(early_bye, "a6c85cf");
    add(a, early_bye);
    add_at(a, msg_response(4, 200, "BYE", "call-1", 2, "z9hG4bK3"), 5.01);
    /* A tag that no captured response carries: the 180 and the final response are both lost. */
    const sipkb_result *lost = add_at(a, msg_request(5, "INVITE", "call-2", 1, "z9hG4bK5"), 6.0);
    test_msg *lost_bye = msg_request(6, "BYE", "call-2", 2, "z9hG4bK6");
    msg_at(lost_bye, 6.001);
    msg_to_tag(lost_bye, "4384SIPpTag08b852");
    add(a, lost_bye);
    test_msg *lost_bye_ok = msg_response(7, 200, "BYE", "call-2", 2, "z9hG4bK6");
    msg_at(lost_bye_ok, 6.002);
    msg_to_tag(lost_bye_ok, "4384SIPpTag08b852");
    add(a, lost_bye_ok);
    /* A captured 180 with one tag, the BYE with another (a fork's branch the capture lacks). */
    const sipkb_result *forked = add_at(a, msg_request(8, "INVITE", "call-3", 1, "z9hG4bK8"), 7.0);
    add_at(a, msg_response(9, 180, "INVITE", "call-3", 1, "z9hG4bK8"), 7.01);
    test_msg *forked_bye = msg_request(10, "BYE", "call-3", 2, "z9hG4bK10");
    msg_at(forked_bye, 8.0);
    msg_to_tag(forked_bye, "other-fork");
    add(a, forked_bye);
    /* A BYE of the callee (its To tag is the caller's From tag) is not the caller's request. */
    const sipkb_result *callee =
        add_at(a, msg_request(11, "INVITE", "call-4", 1, "z9hG4bK11"), 9.0);
    test_msg *callee_bye = msg_request(12, "BYE", "call-4", 1, "z9hG4bK12");
    msg_path(callee_bye, "UDP", PROXY, UAC);
    msg_via(callee_bye, "UDP", PROXY);
    msg_at(callee_bye, 9.5);
    msg_to_tag(callee_bye, "1928301774");
    add(a, callee_bye);
    test_msg *end = msg_request(13, "OPTIONS", "ping-1", 1, "z9hG4bK13");
    msg_path(end, "UDP", CALLEE, PROXY);
    msg_at(end, 20.0);
    add(a, end);
    sipkb_analyzer_finish(a);
    assert_late(early, "transaction.capture_ended", "transaction.waited=20.000s");
    assert_late(lost, "transaction.response_missing", "transaction.response_missing.frame=#6",
                "transaction.response_missing.to_tag='4384SIPpTag08b852'");
    g_assert_cmpuint(lost->severity, ==, SIPKB_SEVERITY_NOTE);
    char *text = expert_text(lost, SIPKB_F_TRANSACTION_RESPONSE_MISSING);
    g_assert_cmpstr(text, ==,
                    "INVITE: frame 6 carries To tag 4384SIPpTag08b852, which no response in the "
                    "capture carries: a response the capture lacks gave it, provisional or final "
                    "(RFC 3261 sections 12.1, 15: a 1xx with a To tag makes an early dialog, "
                    "which the caller may end with a BYE); no verdict on the final response");
    g_free(text);
    assert_late(forked, "transaction.response_missing", "transaction.response_missing.frame=#10",
                "transaction.response_missing.to_tag='other-fork'");
    assert_late(callee, "transaction.capture_ended", "transaction.waited=11.000s");
    /* Past 3 minutes the INVITE that only rang is decided: no final response. */
    capture_goes_on(a, 14, 200.0);
    sipkb_analyzer_finish(a);
    assert_late(early, "transaction.no_final_response", "transaction.retransmissions=0");
    sipkb_analyzer_free(a);

    /* With the final response in the capture nothing is missing, whatever tag the BYE has. */
    a = analyzer_new();
    const sipkb_result *refused = add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 180, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(3, 403, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *bye = msg_request(4, "BYE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(bye, "a6c85cf");
    add(a, bye);
    const sipkb_result *other = add(a, msg_request(5, "INVITE", "call-2", 1, "z9hG4bK5"));
    add(a, msg_response(6, 403, "INVITE", "call-2", 1, "z9hG4bK5"));
    test_msg *other_bye = msg_request(7, "BYE", "call-2", 2, "z9hG4bK7");
    msg_to_tag(other_bye, "unknown");
    add(a, other_bye);
    sipkb_analyzer_finish(a);
    assert_no_late(refused);
    assert_no_late(other);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.2.1 (Timer G) and 13.3.1.4: the server repeats an INVITE's final
 * response until the ACK comes; a repeat means an ACK was lost. */
static void
test_transactions_final_repeated(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *again = add(a, msg_response(3, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(again, "transaction.final_repeated", "transaction.final_first=#2", "code=486",
                 "response.failure", "call.outcome='callee busy: 486 Busy Here'",
                 "transaction.request=#1", "via");
    g_assert_cmpuint(again->severity, ==, SIPKB_SEVERITY_WARN);

    /* A 2xx repeated by the UAS core until the ACK (section 13.3.1.4). */
    add(a, msg_request(4, "INVITE", "call-2", 1, "z9hG4bK4"));
    add(a, msg_response(5, 200, "INVITE", "call-2", 1, "z9hG4bK4"));
    const sipkb_result *ok_again = add(a, msg_response(6, 200, "INVITE", "call-2", 1, "z9hG4bK4"));
    assert_items(ok_again, "transaction.final_repeated", "transaction.final_first=#5", "code=200",
                 "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#4", "via");

    /* Non-INVITE final responses are not repeated for an ACK: no finding (section 17.2.2). */
    add(a, msg_request(7, "OPTIONS", "ping-1", 1, "z9hG4bK7"));
    add(a, msg_response(8, 200, "OPTIONS", "ping-1", 1, "z9hG4bK7"));
    assert_items(add(a, msg_response(9, 200, "OPTIONS", "ping-1", 1, "z9hG4bK7")), "code=200",
                 "response.progress", "transaction.request=#7", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.1.3: the client transaction MUST ACK every 300-699 final response to
 * an INVITE, with the INVITE's branch; section 17.2.1: the server retransmits it until the ACK
 * comes or Timer H (64*T1 = 32 s, on every transport) gives up. Known once the whole capture
 * is read, and only when the capture goes on past Timer H: a late item of the response. */
static void
test_transactions_final_unacked_timer_h(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *busy_msg = msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(busy_msg, 0.25);
    const sipkb_result *busy = add(a, busy_msg);
    /* The first pass cannot know: the ACK may still come. */
    assert_items(busy, "code=486", "response.failure", "call.outcome='callee busy: 486 Busy Here'",
                 "transaction.request=#1", "via");
    /* Before Timer H after the response, with nothing more of the client: no verdict, only
     * what was measured. */
    other_peer_goes_on(a, 3, 10.0);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.no_ack_seen", "transaction.no_ack_seen.for=9.800s");
    g_assert_cmpuint(busy->severity, ==, SIPKB_SEVERITY_WARN); /* the 486's own failure */
    char *note = expert_text(busy, SIPKB_F_TRANSACTION_NO_ACK_SEEN);
    g_assert_cmpstr(
        note, ==,
        "486: no ACK with the INVITE's branch on this hop in the 9.8 s the capture goes "
        "on after it; the client MUST ACK a 300-699 final response on receipt (RFC "
        "3261 section 17.1.1.3), but the capture ends before Timer H (64*T1 = 32 s) "
        "and does not show that the client had it and went on (a later request of the "
        "call, or other requests on this hop from 4*T1 = 2 s after it): no verdict");
    g_free(note);
    capture_goes_on(a, 5, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.final_unacked", "transaction.unacked_for=39.800s");
    g_assert_cmpuint(busy->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(busy, SIPKB_F_TRANSACTION_FINAL_UNACKED);
    g_assert_cmpstr(text, ==,
                    "486 never ACKed: no ACK with the INVITE's branch came on this hop in the "
                    "39.8 s the capture goes on after it, past Timer H (64*T1 = 32 s); the client "
                    "MUST ACK every 300-699 final response (RFC 3261 sections 17.1.1.3, 17.2.1)");
    g_free(text);
    /* The ACK at last (a live capture): the next finish decides again, from scratch. */
    test_msg *ack = msg_request(7, "ACK", "call-1", 1, "z9hG4bK1");
    msg_at(ack, 40.1);
    add(a, ack);
    sipkb_analyzer_finish(a);
    assert_no_late(busy);
    g_assert_cmpuint(busy->severity, ==, SIPKB_SEVERITY_WARN); /* a failure all the same */
    sipkb_analyzer_free(a);

    /* On TCP too: the ACK is required on every transport, and Timer H runs on all of them
     * (only Timer G, the retransmission, is for UDP). */
    a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-2", 1, "z9hG4bK1");
    msg_path(invite, "TCP", UAC, PROXY);
    msg_via(invite, "TCP", UAC);
    add(a, invite);
    test_msg *decline_msg = msg_response(2, 603, "INVITE", "call-2", 1, "z9hG4bK1");
    msg_path(decline_msg, "TCP", PROXY, UAC);
    msg_via(decline_msg, "TCP", UAC);
    msg_at(decline_msg, 0.25);
    const sipkb_result *decline = add(a, decline_msg);
    /* A 2xx's ACK is a new transaction with a new branch (section 13.2.2.4), which is no
     * wrong branch here. A 487 after CANCEL is a final response like any other: ACKed here,
     * with the INVITE's branch. */
    add(a, msg_request(3, "INVITE", "call-3", 1, "z9hG4bK3"));
    const sipkb_result *ok = add(a, msg_response(4, 200, "INVITE", "call-3", 1, "z9hG4bK3"));
    test_msg *ok_ack = msg_request(5, "ACK", "call-3", 1, "z9hG4bK5");
    msg_to_tag(ok_ack, "a6c85cf");
    add(a, ok_ack);
    add(a, msg_request(6, "INVITE", "call-4", 1, "z9hG4bK6"));
    add(a, msg_request(7, "CANCEL", "call-4", 1, "z9hG4bK6"));
    add(a, msg_response(8, 200, "CANCEL", "call-4", 1, "z9hG4bK6"));
    const sipkb_result *terminated =
        add(a, msg_response(9, 487, "INVITE", "call-4", 1, "z9hG4bK6"));
    add(a, msg_request(10, "ACK", "call-4", 1, "z9hG4bK6"));
    capture_goes_on(a, 11, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(decline, "transaction.final_unacked", "transaction.unacked_for=39.800s");
    assert_no_late(ok);
    assert_no_late(terminated);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.1.3: a client that goes on with the call has the final response, and
 * has not ACKed it: a BYE after a 403 (a UAC that takes the failed INVITE for a call), a new
 * INVITE after a 407. Said however soon the capture ends. A CANCEL or ACK of the INVITE's own
 * CSeq is no new request; a request on another hop is another client's. */
static void
test_transactions_final_unacked_client_went_on(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *challenge_msg = msg_response(2, 407, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_challenge(challenge_msg, SIPKB_AUTH_PROXY_AUTHENTICATE, REALM, "nonce-1", NULL);
    const sipkb_result *challenge = add(a, challenge_msg);
    test_msg *retry = msg_request(3, "INVITE", "call-1", 2, "z9hG4bK3");
    msg_credentials(retry, SIPKB_AUTH_PROXY_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, retry);
    const sipkb_result *refused = add(a, msg_response(4, 403, "INVITE", "call-1", 2, "z9hG4bK3"));
    test_msg *bye = msg_request(5, "BYE", "call-1", 3, "z9hG4bK5");
    msg_to_tag(bye, "a6c85cf");
    add(a, bye);
    add(a, msg_response(6, 200, "BYE", "call-1", 3, "z9hG4bK5"));
    assert_no_late(refused);
    sipkb_analyzer_finish(a);
    assert_late(challenge, "auth.answered_in=#3", "transaction.final_unacked/1",
                "transaction.unacked_next=#3");
    assert_late(refused, "transaction.final_unacked/1", "transaction.unacked_next=#5");
    char *text = expert_text(refused, SIPKB_F_TRANSACTION_FINAL_UNACKED);
    g_assert_cmpstr(text, ==,
                    "403 never ACKed: the client went on with the call (frame 5) without an ACK "
                    "with the INVITE's branch on this hop, though it MUST ACK every 300-699 final "
                    "response (RFC 3261 section 17.1.1.3)");
    g_free(text);
    sipkb_analyzer_free(a);

    /* A CANCEL racing the final response, and a request of the call from the other side (a
     * BYE from the callee): neither is the client going on, and the capture ends 0.2 s after
     * the 486: only what was measured. */
    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-2", 1, "z9hG4bK1"));
    const sipkb_result *busy = add(a, msg_response(2, 486, "INVITE", "call-2", 1, "z9hG4bK1"));
    add(a, msg_request(3, "CANCEL", "call-2", 1, "z9hG4bK1"));
    test_msg *callee_bye = msg_request(4, "BYE", "call-2", 1, "z9hG4bK4");
    msg_path(callee_bye, "UDP", PROXY, UAC);
    msg_via(callee_bye, "UDP", PROXY);
    msg_to_tag(callee_bye, "1928301774");
    add(a, callee_bye);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.no_ack_seen", "transaction.no_ack_seen.for=0.200s");
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 14.1 and 17.1.1.3: a re-INVITE inside a dialog is an INVITE client
 * transaction like any other: its failure (491, 488) is ACKed with its branch. A final response
 * to any other method is never ACKed (section 17.1.2): a 481 to a BYE is no finding. */
static void
test_transactions_final_unacked_in_dialog(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK3");
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
    /* A re-INVITE refused and ACKed: nothing. */
    test_msg *hold = msg_request(4, "INVITE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(hold, "a6c85cf");
    add(a, hold);
    const sipkb_result *refused = add(a, msg_response(5, 488, "INVITE", "call-1", 2, "z9hG4bK4"));
    test_msg *refused_ack = msg_request(6, "ACK", "call-1", 2, "z9hG4bK4");
    msg_to_tag(refused_ack, "a6c85cf");
    add(a, refused_ack);
    /* A re-INVITE in a glare (491) that the client never ACKs before its next re-INVITE. */
    test_msg *resume = msg_request(7, "INVITE", "call-1", 3, "z9hG4bK7");
    msg_to_tag(resume, "a6c85cf");
    add(a, resume);
    const sipkb_result *glare = add(a, msg_response(8, 491, "INVITE", "call-1", 3, "z9hG4bK7"));
    test_msg *again = msg_request(9, "INVITE", "call-1", 4, "z9hG4bK9");
    msg_to_tag(again, "a6c85cf");
    add(a, again);
    add(a, msg_response(10, 200, "INVITE", "call-1", 4, "z9hG4bK9"));
    test_msg *again_ack = msg_request(11, "ACK", "call-1", 4, "z9hG4bK11");
    msg_to_tag(again_ack, "a6c85cf");
    add(a, again_ack);
    /* A BYE answered 481 (the callee had lost the dialog): no ACK is due. */
    test_msg *bye = msg_request(12, "BYE", "call-1", 5, "z9hG4bK12");
    msg_to_tag(bye, "a6c85cf");
    add(a, bye);
    const sipkb_result *gone = add(a, msg_response(13, 481, "BYE", "call-1", 5, "z9hG4bK12"));
    capture_goes_on(a, 14, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(refused);
    assert_late(glare, "transaction.final_unacked/1", "transaction.unacked_next=#9");
    assert_no_late(gone);
    sipkb_analyzer_free(a);
}

/* The caller's INVITE (frame 1) through the proxy to the callee (2), who answers `code` (3);
 * returns the callee's response's result. */
static const sipkb_result *
add_proxied_invite_answered(sipkb_analyzer *a, guint32 code)
{
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *forwarded = msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(forwarded, "UDP", PROXY, CALLEE);
    msg_push_via(forwarded, PROXY, "z9hG4bKp1");
    add(a, forwarded);
    test_msg *answer = msg_response(3, code, "INVITE", "call-1", 1, "z9hG4bKp1");
    msg_path(answer, "UDP", CALLEE, PROXY);
    msg_push_via(answer, PROXY, "z9hG4bKp1");
    answer->vias[1].branch = "z9hG4bK1";
    return add(a, answer);
}

/* RFC 3261 sections 16.7 step 5 and 17.1.1.3: an ACK of a non-2xx response is hop by hop. A
 * stateful proxy ACKs the callee's failure itself and relays it; the caller ACKs the proxy's
 * copy. Each leg's response is matched with the ACK of its own hop (branch and addresses). */
static void
test_transactions_final_unacked_per_hop(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *downstream = add_proxied_invite_answered(a, 486);
    test_msg *proxy_ack = msg_request(4, "ACK", "call-1", 1, "z9hG4bKp1");
    msg_path(proxy_ack, "UDP", PROXY, CALLEE);
    msg_via(proxy_ack, "UDP", PROXY);
    add(a, proxy_ack);
    const sipkb_result *upstream = add(a, msg_response(5, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    /* The caller never ACKs and hangs up a call it does not have. */
    test_msg *bye = msg_request(6, "BYE", "call-1", 2, "z9hG4bK6");
    msg_to_tag(bye, "a6c85cf");
    add(a, bye);
    sipkb_analyzer_finish(a);
    assert_no_late(downstream);
    assert_late(upstream, "transaction.final_unacked/1", "transaction.unacked_next=#6");
    sipkb_analyzer_free(a);

    /* The other way: the caller ACKs the proxy's copy, the proxy never ACKs the callee's. */
    a = analyzer_new();
    downstream = add_proxied_invite_answered(a, 486);
    upstream = add(a, msg_response(4, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_request(5, "ACK", "call-1", 1, "z9hG4bK1"));
    capture_goes_on(a, 6, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(downstream, "transaction.final_unacked", "transaction.unacked_for=39.750s");
    assert_no_late(upstream);
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 17.1.1.3 and 17.2.3: the ACK of a non-2xx final response carries the
 * INVITE's branch, which is how the server transaction matches it; one with another branch
 * (built like a 2xx's ACK) leaves the server retransmitting. An ICMP error quoting the final
 * response shows it never reached the client, which then has nothing to ACK. */
static void
test_transactions_final_unacked_other_branch(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *busy = add(a, msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK3");
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.final_unacked/2", "transaction.unacked_next=#3");
    char *text = expert_text(busy, SIPKB_F_TRANSACTION_FINAL_UNACKED);
    g_assert_cmpstr(text, ==,
                    "486 not ACKed as the server can match: the ACK in frame 3 carries another "
                    "branch than the INVITE's, but the ACK of a 300-699 final response repeats "
                    "the INVITE's (RFC 3261 sections 17.1.1.3, 17.2.3)");
    g_free(text);
    sipkb_analyzer_free(a);

    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    busy = add(a, msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *quoted = msg_response(3, 486, "INVITE", "call-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    quoted->msg.icmp_source = keep(quoted, UAC);
    add(a, quoted);
    capture_goes_on(a, 4, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(busy);
    sipkb_analyzer_free(a);
}

/* The phone's INVITE of call-1 (frame 1, at T0) and its final response `code` (frame 2,
 * 0.25 s later); returns the response's result. */
static const sipkb_result *
add_invite_answered(sipkb_analyzer *a, guint32 code)
{
    add_at(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"), 0.0);
    return add_at(a, msg_response(2, code, "INVITE", "call-1", 1, "z9hG4bK1"), 0.25);
}

/* RFC 3261 sections 17.1.1.1, 17.1.1.3 and 17.2.1: the client ACKs a 300-699 on receipt, to
 * where the INVITE went; T1 estimates the round trip, and a server on UDP resends the response
 * at T1 and 3*T1 (Timer G). A client that keeps sending other requests on the INVITE's hop
 * 4*T1 = 2 s and more after the response, with no ACK in between, has not ACKed it: decided
 * before Timer H. Sooner, or when the client showed it lacked the response (it sent the
 * INVITE again or CANCELled it after the response), only the measurement. */
static void
test_transactions_final_unacked_client_kept_sending(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *refused = add_invite_answered(a, 403);
    /* The client's next call, 0.75 s later: too soon to tell. */
    add_at(a, msg_request(3, "INVITE", "call-2", 1, "z9hG4bK3"), 1.0);
    sipkb_analyzer_finish(a);
    assert_late(refused, "transaction.no_ack_seen", "transaction.no_ack_seen.for=0.750s");
    /* And a REGISTER 2.75 s after the 403, still without its ACK. */
    add_at(a, msg_request(4, "REGISTER", "reg-1", 1, "z9hG4bK4"), 3.0);
    add_at(a, msg_response(5, 200, "REGISTER", "reg-1", 1, "z9hG4bK4"), 3.01);
    sipkb_analyzer_finish(a);
    assert_late(refused, "transaction.final_unacked/3", "transaction.unacked_next=#4",
                "transaction.unacked_for=2.760s");
    g_assert_cmpuint(refused->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(refused, SIPKB_F_TRANSACTION_FINAL_UNACKED);
    g_assert_cmpstr(text, ==,
                    "403 not ACKed: no ACK with the INVITE's branch came on this hop in the 2.76 s "
                    "the capture goes on after it, while the client kept sending other requests "
                    "on this hop 4*T1 = 2 s and more after it (the latest in frame 4); the client "
                    "MUST ACK a 300-699 final response on receipt, where the INVITE went (RFC "
                    "3261 section 17.1.1.3), and a server on UDP resends it from T1 until then "
                    "(Timer G, section 17.2.1)");
    g_free(text);
    /* Its ACK at last: nothing. */
    add_at(a, msg_request(6, "ACK", "call-1", 1, "z9hG4bK1"), 3.5);
    sipkb_analyzer_finish(a);
    assert_no_late(refused);
    sipkb_analyzer_free(a);

    /* The client sends the INVITE again after the 486 (it has not received it), or CANCELs it:
     * its later requests show nothing about an ACK. */
    a = analyzer_new();
    const sipkb_result *busy = add_invite_answered(a, 486);
    add_at(a, msg_request(3, "INVITE", "call-1", 1, "z9hG4bK1"), 0.5);
    add_at(a, msg_request(4, "INVITE", "call-2", 1, "z9hG4bK4"), 1.0);
    const sipkb_result *declined =
        add_at(a, msg_response(5, 603, "INVITE", "call-2", 1, "z9hG4bK4"), 1.25);
    add_at(a, msg_request(6, "CANCEL", "call-2", 1, "z9hG4bK4"), 1.3);
    capture_goes_on(a, 7, 10.0);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.no_ack_seen", "transaction.no_ack_seen.for=9.800s");
    assert_late(declined, "transaction.no_ack_seen", "transaction.no_ack_seen.for=8.800s");
    sipkb_analyzer_free(a);

    /* A response resent by the server (Timer G): the first copy carries the finding, the ACK
     * that the repeat brought ends it. */
    a = analyzer_new();
    busy = add_invite_answered(a, 486);
    const sipkb_result *repeat =
        add_at(a, msg_response(3, 486, "INVITE", "call-1", 1, "z9hG4bK1"), 0.75);
    other_peer_goes_on(a, 4, 10.0);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.no_ack_seen", "transaction.no_ack_seen.for=9.800s");
    assert_no_late(repeat);
    capture_goes_on(a, 6, 20.0);
    sipkb_analyzer_finish(a);
    assert_late(busy, "transaction.final_unacked/3", "transaction.unacked_next=#6",
                "transaction.unacked_for=19.800s");
    add_at(a, msg_request(8, "ACK", "call-1", 1, "z9hG4bK1"), 20.1);
    sipkb_analyzer_finish(a);
    assert_no_late(busy);
    assert_no_late(repeat);
    sipkb_analyzer_free(a);
}

/* RFC 3261 sections 13.2.2.4, 13.3.1.4 and 16.7: the UAC core ACKs every 2xx, end to end along
 * the dialog's route, which may leave the INVITE's hop (a proxy that does not record-route is
 * bypassed): an ACK of the INVITE's CSeq anywhere after the 2xx counts, and none is only a
 * measurement, before or after 64*T1. A final response to any other method is never ACKed
 * (section 17.1.2); a response seen only inside an ICMP error never reached its client. */
static void
test_transactions_2xx_unacked(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *ok = add_invite_answered(a, 200);
    add_at(a, msg_request(3, "OPTIONS", "ping-1", 1, "z9hG4bK3"), 1.0);
    const sipkb_result *options_ok =
        add_at(a, msg_response(4, 200, "OPTIONS", "ping-1", 1, "z9hG4bK3"), 1.05);
    capture_goes_on(a, 5, 10.0);
    sipkb_analyzer_finish(a);
    assert_late(ok, "transaction.no_ack_seen/1", "transaction.no_ack_seen.for=9.800s");
    g_assert_cmpuint(ok->severity, ==, SIPKB_SEVERITY_NOTE);
    assert_no_late(options_ok);
    capture_goes_on(a, 7, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(ok, "transaction.no_ack_seen/1", "transaction.no_ack_seen.for=39.800s");
    char *text = expert_text(ok, SIPKB_F_TRANSACTION_NO_ACK_SEEN);
    g_assert_cmpstr(text, ==,
                    "200: no ACK of its CSeq anywhere in the 39.8 s the capture goes on after it; "
                    "the caller MUST ACK every 2xx (RFC 3261 section 13.2.2.4), but along the "
                    "dialog's route, which may pass outside this capture: no verdict");
    g_free(text);
    assert_no_late(options_ok);
    /* The ACK straight to the callee's Contact, past the proxy: ACKed. */
    test_msg *ack = msg_request(9, "ACK", "call-1", 1, "z9hG4bK9");
    msg_path(ack, "UDP", UAC, CALLEE);
    msg_to_tag(ack, "a6c85cf");
    msg_at(ack, 40.2);
    add(a, ack);
    sipkb_analyzer_finish(a);
    assert_no_late(ok);
    sipkb_analyzer_free(a);

    /* A 2xx relayed by the proxy: both copies are ACKed by the caller's one ACK, which the
     * proxy does not see (no Record-Route). */
    a = analyzer_new();
    const sipkb_result *downstream = add_proxied_invite_answered(a, 200);
    const sipkb_result *upstream = add(a, msg_response(4, 200, "INVITE", "call-1", 1, "z9hG4bK1"));
    g_assert_true(upstream->facts & SIPKB_FACT_RELAYED);
    ack = msg_request(5, "ACK", "call-1", 1, "z9hG4bK5");
    msg_path(ack, "UDP", UAC, CALLEE);
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
    capture_goes_on(a, 6, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(downstream);
    assert_no_late(upstream);
    sipkb_analyzer_free(a);

    /* A 486 seen only inside an ICMP error: no live final response, nothing to ACK. */
    a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *quoted = msg_response(2, 486, "INVITE", "call-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    quoted->msg.icmp_source = keep(quoted, UAC);
    const sipkb_result *quoted_busy = add(a, quoted);
    capture_goes_on(a, 3, 10.0);
    sipkb_analyzer_finish(a);
    assert_no_late(quoted_busy);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.1.3: ACK gets no response; it never lacks one. */
static void
test_transactions_ack_never_lacks_response(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *ack = add(a, msg_request(1, "ACK", "call-1", 1, "z9hG4bK9"));
    assert_items(ack, "via");
    g_assert_cmpuint(ack->facts, ==, SIPKB_FACT_TRACKED);
    add(a, msg_request(2, "ACK", "call-1", 1, "z9hG4bK9"));
    sipkb_analyzer_finish(a);
    assert_no_late(ack);
    g_assert_cmpuint(ack->severity, ==, SIPKB_SEVERITY_NONE);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 17.1.2.2: a final response ends the transaction, whatever its class. */
static void
test_transactions_final_response_clears(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *options = add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    const sipkb_result *invite = add(a, msg_request(2, "INVITE", "call-1", 1, "z9hG4bK2"));
    add(a, msg_response(3, 200, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    add(a, msg_response(4, 100, "INVITE", "call-1", 1, "z9hG4bK2"));
    add(a, msg_response(5, 486, "INVITE", "call-1", 1, "z9hG4bK2"));
    sipkb_analyzer_finish(a);
    assert_no_late(options);
    assert_no_late(invite);
    g_assert_cmpuint(options->severity, ==, SIPKB_SEVERITY_NONE);
    sipkb_analyzer_free(a);
}

/* sipkb_analyzer_finish() decides again from scratch when messages came since (a live
 * capture): what was decided is not repeated, a request answered since loses its late item,
 * a new one gets its own. */
static void
test_transactions_finish_twice(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *lost = add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    const sipkb_result *slow = add(a, msg_request(2, "REGISTER", "reg-1", 1, "z9hG4bK2"));
    capture_goes_on(a, 3, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(lost, "transaction.no_final_response", "transaction.retransmissions=0");
    assert_late(slow, "transaction.no_final_response", "transaction.retransmissions=0");
    g_assert_cmpuint(lost->severity, ==, SIPKB_SEVERITY_WARN);
    g_assert_false(sipkb_analyzer_needs_finish(a));

    /* The registrar answers at last (a late 200 still ends the transaction in the capture),
     * and a new request goes unanswered. */
    test_msg *late_ok = msg_response(5, 200, "REGISTER", "reg-1", 1, "z9hG4bK2");
    msg_at(late_ok, 40.5);
    add(a, late_ok);
    test_msg *next = msg_request(6, "OPTIONS", "ping-2", 1, "z9hG4bK6");
    msg_at(next, 41.0);
    const sipkb_result *second = add(a, next);
    test_msg *again = msg_request(7, "OPTIONS", "ping-2", 1, "z9hG4bK6");
    msg_at(again, 41.5);
    add(a, again);
    capture_goes_on(a, 8, 80.0);
    g_assert_true(sipkb_analyzer_needs_finish(a));
    sipkb_analyzer_finish(a);
    assert_late(lost, "transaction.no_final_response", "transaction.retransmissions=0");
    assert_no_late(slow);
    g_assert_cmpuint(slow->severity, ==, SIPKB_SEVERITY_NONE);
    assert_late(second, "transaction.no_final_response", "transaction.retransmissions=1");

    /* A third finish with nothing new changes nothing. */
    sipkb_analyzer_finish(a);
    assert_late(lost, "transaction.no_final_response", "transaction.retransmissions=0");
    assert_no_late(slow);
    assert_late(second, "transaction.no_final_response", "transaction.retransmissions=1");
    sipkb_analyzer_free(a);
}

/* Several SIP messages in one frame (a TCP segment): one result each, in order. */
static void
test_transactions_two_messages_in_one_frame(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    test_msg *ok = msg_response(2, 200, "OPTIONS", "ping-1", 1, "z9hG4bK1");
    test_msg *bye = msg_request(2, "BYE", "call-9", 2, "z9hG4bK2");
    ok->msg.path.transport = bye->msg.path.transport = "TCP";
    ok->vias[0].transport = bye->vias[0].transport = "TCP";
    bye->msg.index = 1;
    bye->msg.start = 400;
    add(a, ok);
    add(a, bye);
    const sipkb_result *const *results = NULL;
    g_assert_cmpuint(sipkb_analyzer_results(a, 2, &results), ==, 2);
    assert_items(results[0], "code=200", "response.progress", "transaction.request=#1", "via");
    assert_items(results[1], "via");
    g_assert_cmpint(results[1]->start, ==, 400);
    g_assert_cmpuint(sipkb_analyzer_results(a, 3, &results), ==, 0);
    sipkb_analyzer_free(a);
}

/* ==== auth.c ================================================================================ */

/* RFC 3261 section 22.2: 401 with WWW-Authenticate, then the retry with Authorization (a new
 * transaction, CSeq + 1, section 8.1.3.5). */
static void
test_auth_challenge_answered(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(reg, 0.0);
    add(a, reg);
    test_msg *unauthorized = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(unauthorized, 0.05);
    msg_challenge(unauthorized, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    const sipkb_result *challenge = add(a, unauthorized);
    assert_items(challenge, "code=401", "response.challenge", "transaction.request=#1", "auth",
                 "auth.challenger='registrar or UAS (401, WWW-Authenticate): answer with "
                 "Authorization'",
                 "auth.realm='sip.example.net'", "auth.algorithm='MD5 (no algorithm parameter)'",
                 "auth.request_frame=#1", "via");
    g_assert_cmpuint(challenge->challenge_frame, ==, 2);
    g_assert_cmpuint(challenge->facts, ==,
                     SIPKB_FACT_TRACKED | SIPKB_FACT_FINAL | SIPKB_FACT_CHALLENGE);
    g_assert_cmpuint(challenge->severity, ==, SIPKB_SEVERITY_CHAT);

    test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_at(retry, 0.25);
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    const sipkb_result *retried = add(a, retry);
    assert_items(retried, "auth.challenge_frame=#2", "auth.retry_delay=0.200s",
                 "callerid='From user alice matches digest username alice'",
                 "callerid.from_user='alice'", "callerid.auth_user='alice'", "via");
    g_assert_cmpuint(retried->challenge_frame, ==, 2);
    test_msg *ok = msg_response(4, 200, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_at(ok, 0.3);
    assert_items(add(a, ok), "code=200", "response.progress", "transaction.request=#3",
                 "auth.accepted", "via");

    assert_no_late(challenge);
    sipkb_analyzer_finish(a);
    assert_late(challenge, "auth.answered_in=#3");
    assert_no_late(retried);
    g_assert_cmpuint(challenge->severity, ==, SIPKB_SEVERITY_CHAT);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 22.3: 407 from a proxy, with an algorithm; nobody retries. */
static void
test_auth_challenge_unanswered(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *proxy_auth = msg_response(2, 407, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_challenge(proxy_auth, SIPKB_AUTH_PROXY_AUTHENTICATE, REALM, "nonce-1", NULL);
    proxy_auth->msg.challenge.algorithm = "SHA-256";
    const sipkb_result *challenge = add(a, proxy_auth);
    assert_items(challenge, "code=407", "response.challenge", "transaction.request=#1", "auth",
                 "auth.challenger='a proxy (407, Proxy-Authenticate): answer with "
                 "Proxy-Authorization'",
                 "auth.realm='sip.example.net'", "auth.algorithm='SHA-256'",
                 "auth.request_frame=#1", "via");
    add(a, msg_request(3, "ACK", "call-1", 1, "z9hG4bK1"));
    capture_goes_on(a, 4, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(challenge, "auth.unanswered");
    g_assert_cmpuint(challenge->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(challenge, SIPKB_F_AUTH_UNANSWERED);
    g_assert_cmpstr(text, ==,
                    "407 challenge never answered: the capture holds no retry with credentials");
    g_free(text);
    assert_no_late(result_of(a, 1));
    sipkb_analyzer_free(a);
}

/* The same 401 sent again (the SIP dissector's resend mark) shares the challenge's fate. */
static void
test_auth_challenge_resent(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *first = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_challenge(first, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    const sipkb_result *challenge = add(a, first);
    test_msg *again = msg_response(3, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_challenge(again, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    again->msg.is_resend = TRUE;
    const sipkb_result *resent = add(a, again);
    g_assert_cmpuint(resent->challenge_frame, ==, 2);
    sipkb_analyzer_finish(a);
    assert_late(challenge, "auth.unanswered");
    assert_late(resent, "auth.unanswered");
    sipkb_analyzer_free(a);
}

/* Steps of a registration challenged twice: REGISTER (0 s), 401 with nonce-1 (0.05 s), the
 * retry with credentials on nonce-1 `retry_after` seconds later, then the second challenge
 * (frame 4, 0.05 s after the retry), whose result is returned. */
static const sipkb_result *
register_challenged_twice(sipkb_analyzer *a, double retry_after, const char *second_nonce,
                          const char *stale)
{
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(reg, 0.0);
    add(a, reg);
    test_msg *first = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(first, 0.05);
    msg_challenge(first, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    add(a, first);
    test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_at(retry, 0.05 + retry_after);
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, retry);
    test_msg *second = msg_response(4, 401, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_at(second, 0.1 + retry_after);
    msg_challenge(second, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, second_nonce, stale);
    return add(a, second);
}

/* The retry on the new nonce (frame 5) and its 200 (frame 6), `at` seconds. */
static const sipkb_result *
register_retried_on_nonce_2(sipkb_analyzer *a, double at)
{
    test_msg *retry = msg_request(5, "REGISTER", "reg-1", 3, "z9hG4bK5");
    msg_at(retry, at);
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-2");
    assert_items(add(a, retry), "auth.challenge_frame=#4", "auth.retry_delay=0.050s",
                 "callerid='From user alice matches digest username alice'",
                 "callerid.from_user='alice'", "callerid.auth_user='alice'", "via");
    test_msg *ok = msg_response(6, 200, "REGISTER", "reg-1", 3, "z9hG4bK5");
    msg_at(ok, at + 0.05);
    return add(a, ok);
}

/* RFC 2617 section 3.2.1 (RFC 3261 section 22.4): stale=true refuses only the nonce; the
 * client retries with the new one, and the 200 then shows the credentials were good. */
static void
test_auth_stale(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *stale = register_challenged_twice(a, 1.0, "nonce-2", "true");
    assert_items(stale, "code=401", "response.challenge", "transaction.request=#3", "auth",
                 "auth.challenger='registrar or UAS (401, WWW-Authenticate): answer with "
                 "Authorization'",
                 "auth.realm='sip.example.net'", "auth.algorithm='MD5 (no algorithm parameter)'",
                 "auth.request_frame=#3", "auth.retry_delay=1.000s", "auth.stale",
                 "cause='The nonce was stale: the server asks for the same credentials computed "
                 "on its new nonce (RFC 2617 section 3.2.1 via RFC 3261 section 22); the client "
                 "retries without asking the user'",
                 "via");
    g_assert_cmpuint(stale->severity, ==, SIPKB_SEVERITY_NOTE);
    assert_items(register_retried_on_nonce_2(a, 1.15), "code=200", "response.progress",
                 "transaction.request=#5", "auth.accepted/1", "via");
    sipkb_analyzer_finish(a);
    assert_late(result_of(a, 2), "auth.answered_in=#3");
    assert_late(stale, "auth.answered_in=#5");
    sipkb_analyzer_free(a);

    /* A reason phrase that speaks of the nonce says the same without stale=true. */
    a = analyzer_new();
    add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *first = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_challenge(first, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    add(a, first);
    test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, retry);
    test_msg *second = msg_response(4, 401, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_challenge(second, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-2", NULL);
    msg_reason(second, "Stale Nonce");
    const sipkb_result *r = add(a, second);
    g_assert_nonnull(sipkb_result_find(r, SIPKB_F_AUTH_STALE));
    g_assert_null(sipkb_result_find(r, SIPKB_F_AUTH_REJECTED));
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 22.2: credentials computed on the current nonce and challenged again, no
 * stale: the server refuses the username, password or realm. */
static void
test_auth_rejected(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *rejected = register_challenged_twice(a, 1.0, "nonce-2", NULL);
    assert_items(rejected, "code=401", "response.challenge", "transaction.request=#3", "auth",
                 "auth.challenger='registrar or UAS (401, WWW-Authenticate): answer with "
                 "Authorization'",
                 "auth.realm='sip.example.net'", "auth.algorithm='MD5 (no algorithm parameter)'",
                 "auth.request_frame=#3", "auth.retry_delay=1.000s", "auth.rejected",
                 "cause='Credentials rejected: the retry (frame 3), sent 1.0 s after the "
                 "challenge in frame 2 and computed on its nonce, was challenged again: wrong "
                 "username, password or realm'",
                 "via");
    g_assert_cmpuint(rejected->severity, ==, SIPKB_SEVERITY_WARN);
    capture_goes_on(a, 5, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(result_of(a, 2), "auth.answered_in=#3");
    /* The client is right not to send refused credentials again: no "unanswered". */
    assert_no_late(rejected);
    sipkb_analyzer_free(a);

    /* stale=false is no stale either. */
    a = analyzer_new();
    rejected = register_challenged_twice(a, 1.0, "nonce-2", "false");
    g_assert_nonnull(sipkb_result_find(rejected, SIPKB_F_AUTH_REJECTED));
    g_assert_null(sipkb_result_find(rejected, SIPKB_F_AUTH_STALE));
    sipkb_analyzer_free(a);

    /* A phone that retries at once: the delay is the challenge's to the retry, in ms. */
    a = analyzer_new();
    rejected = register_challenged_twice(a, 0.002, "nonce-2", NULL);
    g_assert_nonnull(strstr(sipkb_result_find(rejected, SIPKB_F_CAUSE)->value.text,
                            "the retry (frame 3), sent 0.002 s after the challenge in frame 2"));
    sipkb_analyzer_free(a);
}

/* A server with one-time nonces and no nextnonce (RFC 2617 section 3.2.3): a refresh that
 * reuses the nonce a 200 accepted the same username on is challenged again without stale. The
 * password was right on that very nonce: stale, whatever the delay; the cause names the 200.
 * Another username on that nonce proves nothing of its password: rejected. */
static void
test_auth_reused_nonce_is_stale(void)
{
    static const char *const usernames[] = {"alice", "bob"};
    for (gsize i = 0; i < G_N_ELEMENTS(usernames); i++) {
        sipkb_analyzer *a = analyzer_new();
        add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
        test_msg *challenge = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
        msg_challenge(challenge, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
        add(a, challenge);
        test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
        msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
        add(a, retry);
        add(a, msg_response(4, 200, "REGISTER", "reg-1", 2, "z9hG4bK3"));
        test_msg *refresh = msg_request(5, "REGISTER", "reg-1", 3, "z9hG4bK5");
        msg_at(refresh, 1.0);
        msg_credentials(refresh, SIPKB_AUTH_AUTHORIZATION, usernames[i], REALM, "nonce-1");
        add(a, refresh);
        test_msg *again = msg_response(6, 401, "REGISTER", "reg-1", 3, "z9hG4bK5");
        msg_at(again, 1.01);
        msg_challenge(again, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-2", NULL);
        const sipkb_result *r = add(a, again);
        const char *cause = sipkb_result_find(r, SIPKB_F_CAUSE)->value.text;
        if (i == 0) {
            g_assert_nonnull(sipkb_result_find(r, SIPKB_F_AUTH_STALE));
            g_assert_null(sipkb_result_find(r, SIPKB_F_AUTH_REJECTED));
            g_assert_nonnull(strstr(cause, "reused a nonce on which the 2xx in frame 4 had "
                                           "accepted the same username"));
            g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);
        } else {
            g_assert_nonnull(sipkb_result_find(r, SIPKB_F_AUTH_REJECTED));
            g_assert_nonnull(strstr(cause, "Credentials rejected"));
        }
        sipkb_analyzer_free(a);
    }
}

/* RFC 2617 section 3.2.1 leaves a nonce's lifetime to the server (about 30 s in common
 * servers): credentials on the current nonce, sent long after the challenge and challenged
 * again without stale, are either; the retry on the new nonce decides. */
static void
test_auth_stale_or_rejected_after_nonce_lifetime(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *unsure = register_challenged_twice(a, 45.0, "nonce-2", NULL);
    assert_items(unsure, "code=401", "response.challenge", "transaction.request=#3", "auth",
                 "auth.challenger='registrar or UAS (401, WWW-Authenticate): answer with "
                 "Authorization'",
                 "auth.realm='sip.example.net'", "auth.algorithm='MD5 (no algorithm parameter)'",
                 "auth.request_frame=#3", "auth.retry_delay=45.000s", "auth.stale_or_rejected",
                 "cause='The retry (frame 3) came 45.0 s after the challenge in frame 2 and "
                 "answered its nonce, the latest; challenged again without stale=true: the nonce "
                 "may have expired (servers keep one for about 30 s) or the credentials were "
                 "refused; a retry on the new nonce that succeeds shows it was stale'",
                 "via");
    g_assert_cmpuint(unsure->severity, ==, SIPKB_SEVERITY_NOTE);
    assert_items(register_retried_on_nonce_2(a, 45.15), "code=200", "response.progress",
                 "transaction.request=#5", "auth.accepted/1", "via");
    sipkb_analyzer_free(a);
}

/* The REGISTER (frame `frame`, CSeq `cseq`, `nonce` in its credentials or none when NULL) and
 * the 401 (frame `frame` + 1, `challenge_nonce`, no stale) that answers it; the 401's result. */
static const sipkb_result *
register_and_401(sipkb_analyzer *a, guint32 frame, guint32 cseq, const char *nonce,
                 const char *challenge_nonce)
{
    char branch[32];
    g_snprintf(branch, sizeof(branch), "z9hG4bK%u", frame);
    test_msg *reg = msg_request(frame, "REGISTER", "reg-1", cseq, branch);
    msg_at(reg, frame * 0.01);
    if (nonce)
        msg_credentials(reg, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, nonce);
    add(a, reg);
    test_msg *challenge = msg_response(frame + 1, 401, "REGISTER", "reg-1", cseq, branch);
    msg_at(challenge, frame * 0.01 + 0.005);
    msg_challenge(challenge, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, challenge_nonce, NULL);
    return add(a, challenge);
}

/* A re-challenge decided stale (a note) with `cause` as its first cause. */
static void
assert_stale_because(const sipkb_result *r, const char *cause)
{
    g_assert_nonnull(sipkb_result_find(r, SIPKB_F_AUTH_STALE));
    g_assert_null(sipkb_result_find(r, SIPKB_F_AUTH_REJECTED));
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);
    const sipkb_item *first_cause = sipkb_result_find(r, SIPKB_F_CAUSE);
    g_assert_nonnull(first_cause);
    g_assert_cmpstr(first_cause->value.text, ==, cause);
}

/* RFC 2617 section 3.2.1 (RFC 3261 section 22): credentials on the nonce of an earlier
 * challenge, when the server has since challenged with another one, answer an outdated nonce;
 * challenged again without stale=true, the nonce was refused, not the password. */
static void
test_auth_older_challenge_nonce_is_stale(void)
{
    sipkb_analyzer *a = analyzer_new();
    register_and_401(a, 1, 1, NULL, "nonce-1");
    register_and_401(a, 3, 2, NULL, "nonce-2");
    assert_stale_because(register_and_401(a, 5, 3, "nonce-1", "nonce-3"),
                         "The retry (frame 5) answered an older nonce than the server's latest "
                         "(the challenge in frame 4); challenged again without stale=true: the "
                         "server refused the outdated nonce, not the password (RFC 2617 section "
                         "3.2.1 via RFC 3261 section 22); the client retries on the new nonce");
    sipkb_analyzer_free(a);
}

/* RFC 2617 section 3.2.3 (RFC 7616 section 3.5): a nextnonce in Authentication-Info is the nonce
 * for the client's next request. A refresh on the nonce of the challenge before it, challenged
 * again at once without stale=true, met a server that takes each nonce once: the nonce was
 * refused, not the password; the 200 after the retry on the new nonce says so too. */
static void
test_auth_nextnonce_ignored_is_stale(void)
{
    sipkb_analyzer *a = analyzer_new();
    register_and_401(a, 1, 1, NULL, "nonce-1");
    test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, retry);
    test_msg *ok = msg_response(4, 200, "REGISTER", "reg-1", 2, "z9hG4bK3");
    ok->msg.authentication_info =
        (sipkb_auth){.header = SIPKB_AUTH_AUTHENTICATION_INFO, .nextnonce = keep(ok, "nonce-next")};
    add(a, ok);
    assert_stale_because(register_and_401(a, 5, 3, "nonce-1", "nonce-3"),
                         "The retry (frame 5) answered an older nonce, though the 2xx in frame 4 "
                         "gave a nextnonce for the next request (RFC 2617 section 3.2.3); "
                         "challenged again without stale=true: the server refused the used nonce "
                         "(one-time nonces), not the password; the client retries on the new "
                         "nonce");
    test_msg *retry2 = msg_request(7, "REGISTER", "reg-1", 4, "z9hG4bK7");
    msg_at(retry2, 0.07);
    msg_credentials(retry2, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-3");
    add(a, retry2);
    test_msg *ok2 = msg_response(8, 200, "REGISTER", "reg-1", 4, "z9hG4bK7");
    msg_at(ok2, 0.08);
    assert_items(add(a, ok2), "code=200", "response.progress", "transaction.request=#7",
                 "auth.accepted/1", "via");
    sipkb_analyzer_free(a);

    /* Without the nextnonce the same refresh answers the latest nonce: refused at once, the
     * credentials themselves. */
    a = analyzer_new();
    const sipkb_result *rejected = register_challenged_twice(a, 1.0, "nonce-2", NULL);
    g_assert_nonnull(sipkb_result_find(rejected, SIPKB_F_AUTH_REJECTED));
    sipkb_analyzer_free(a);
}

/* Credentials on a nonce from before the capture (a registration refresh), challenged: the
 * server replaced its nonce, not a refusal. */
static void
test_auth_old_nonce_is_stale(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *refresh = msg_request(1, "REGISTER", "reg-1", 7, "z9hG4bK1");
    msg_credentials(refresh, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-yesterday");
    add(a, refresh);
    test_msg *challenge = msg_response(2, 401, "REGISTER", "reg-1", 7, "z9hG4bK1");
    msg_challenge(challenge, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-today", NULL);
    const sipkb_result *result = add(a, challenge);
    g_assert_nonnull(sipkb_result_find(result, SIPKB_F_AUTH_STALE));
    g_assert_null(sipkb_result_find(result, SIPKB_F_AUTH_REJECTED));
    sipkb_analyzer_free(a);
}

/* ---- Caller-ID (From user vs digest username) --------------------------------------------- */

/* RFC 3261 section 22.4: a registrar or proxy may refuse a From user that is not the
 * authenticated identity; many carriers compare them exactly. Out of dialog: no To tag. */
static void
test_callerid_mismatch(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "2138394020");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *result = add(a, invite);
    assert_items(result,
                 "callerid/1='From user 2138394020 differs from digest username 2138394018'",
                 "callerid.from_user='2138394020'", "callerid.auth_user='2138394018'",
                 "callerid.mismatch", "via");
    g_assert_cmpuint(result->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(result, SIPKB_F_CALLERID_MISMATCH);
    g_assert_cmpstr(text, ==,
                    "Caller-ID mismatch: From user 2138394020 differs from digest username "
                    "2138394018");
    g_free(text);

    /* A REGISTER for someone else's AOR: the same rule. */
    test_msg *reg = msg_request(2, "REGISTER", "reg-1", 1, "z9hG4bK2");
    msg_from(reg, "bob");
    msg_credentials(reg, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    assert_items(add(a, reg), "callerid/1='From user bob differs from digest username alice'",
                 "callerid.from_user='bob'", "callerid.auth_user='alice'", "callerid.mismatch",
                 "via");
    sipkb_analyzer_free(a);
}

/* RFC 3966 section 5.1.4 and E.164: +1 2138394018 and 2138394018 are one number, but servers
 * compare the strings: flagged, as format only. */
static void
test_callerid_format_only(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "+12138394018");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *result = add(a, invite);
    assert_items(result,
                 "callerid/2='From user +12138394018 is the same number in another format than "
                 "digest username 2138394018'",
                 "callerid.from_user='+12138394018'", "callerid.auth_user='2138394018'",
                 "callerid.mismatch/1", "callerid.format_only", "via");
    char *text = expert_text(result, SIPKB_F_CALLERID_MISMATCH);
    g_assert_cmpstr(text, ==,
                    "Caller-ID mismatch: From user +12138394018 is the same number in another "
                    "format than digest username 2138394018 (servers compare them exactly)");
    g_free(text);
    sipkb_analyzer_free(a);
}

/* RFC 3966 section 5.1.1: visual separators carry no meaning; a match is no finding. */
static void
test_callerid_match(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "213-839-4018");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *result = add(a, invite);
    assert_items(result, "callerid='From user 213-839-4018 matches digest username 2138394018'",
                 "callerid.from_user='213-839-4018'", "callerid.auth_user='2138394018'", "via");
    g_assert_cmpuint(result->severity, ==, SIPKB_SEVERITY_NONE);

    /* No credentials: nothing to compare. */
    test_msg *plain = msg_request(2, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_from(plain, "2138394020");
    assert_items(add(a, plain), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3325 section 9.1: P-Asserted-Identity carrying the digest user: the server may take
 * the caller ID from there. */
static void
test_callerid_asserted(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "2138394020");
    msg_pai(invite, "2138394018");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    assert_items(
        add(a, invite), "callerid/1='From user 2138394020 differs from digest username 2138394018'",
        "callerid.from_user='2138394020'", "callerid.auth_user='2138394018'", "callerid.mismatch",
        "callerid.asserted='P-Asserted/Preferred-Identity carries the digest user "
        "2138394018: the server may take the caller ID from it'",
        "via");

    /* A P-Asserted-Identity of someone else says nothing. */
    test_msg *other = msg_request(2, "INVITE", "call-2", 2, "z9hG4bK2");
    msg_from(other, "2138394020");
    msg_pai(other, "2138394020");
    msg_credentials(other, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    g_assert_null(sipkb_result_find(add(a, other), SIPKB_F_CALLERID_ASSERTED));
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 22.4 leaves the form of the digest username to the server: "alice@domain"
 * whose user part is the From user is no Caller-ID mismatch. */
static void
test_callerid_username_form(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_credentials(reg, SIPKB_AUTH_AUTHORIZATION, "alice@sip.example.net", REALM, "nonce-1");
    const sipkb_result *result = add(a, reg);
    assert_items(result,
                 "callerid='From user alice is the user part of digest username "
                 "alice@sip.example.net'",
                 "callerid.from_user='alice'", "callerid.auth_user='alice@sip.example.net'",
                 "callerid.username_form", "via");
    g_assert_cmpuint(result->severity, ==, SIPKB_SEVERITY_NOTE);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21.2.1: a 2xx shows the server took the request, Caller-ID included; a
 * later 403 with the same From user and digest username is not likely the Caller-ID's. */
static void
test_callerid_mismatch_accepted_before(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *first = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(first, "2138394020");
    msg_credentials(first, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    add(a, first);
    assert_items(add(a, msg_response(2, 200, "INVITE", "call-1", 2, "z9hG4bK1")), "code=200",
                 "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1",
                 "callerid/1='From user 2138394020 differs from digest username 2138394018'",
                 "callerid.request_frame=#1", "callerid.from_user='2138394020'",
                 "callerid.auth_user='2138394018'", "callerid.accepted", "via");

    test_msg *second = msg_request(3, "INVITE", "call-2", 2, "z9hG4bK3");
    msg_from(second, "2138394020");
    msg_credentials(second, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    add(a, second);
    assert_items(add(a, msg_response(4, 403, "INVITE", "call-2", 2, "z9hG4bK3")), "code=403",
                 "response.failure",
                 "cause='The From user 2138394020 and digest username 2138394018 differ, but the "
                 "server accepted the same pair in frame 2: the difference is not likely the "
                 "cause'",
                 "call.outcome='call rejected: 403 after authenticated INVITE; From 2138394020 ≠ "
                 "digest 2138394018'",
                 "transaction.request=#3",
                 "callerid/1='From user 2138394020 differs from digest username 2138394018'",
                 "callerid.request_frame=#3", "callerid.from_user='2138394020'",
                 "callerid.auth_user='2138394018'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 12.2.1.1: a request inside a dialog (To tag) takes From from the dialog;
 * the callee's BYE has the callee's From (the To of the INVITE), which is no Caller-ID the
 * server checks against the digest username. */
static void
test_callerid_not_in_dialog(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *bye = msg_request(1, "BYE", "call-1", 5, "z9hG4bK1");
    msg_from(bye, "15550001");
    msg_to_tag(bye, "1928301774");
    msg_credentials(bye, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *result = add(a, bye);
    assert_items(result, "via");
    g_assert_cmpuint(result->severity, ==, SIPKB_SEVERITY_NONE);
    /* Nor is it a cause of a 403 to that BYE. */
    const sipkb_result *forbidden = add(a, msg_response(2, 403, "BYE", "call-1", 5, "z9hG4bK1"));
    g_assert_null(sipkb_result_find(forbidden, SIPKB_F_CALLERID));
    char *causes = causes_of(forbidden);
    g_assert_null(strstr(causes, "Caller-ID"));
    g_free(causes);
    sipkb_analyzer_free(a);
}

/* ==== responses.c ============================================================================ */

/* INVITE with Proxy-Authorization for `digest_user` and From `from_user`, then its 403 with
 * `reason`; returns the 403's result. */
static const sipkb_result *
forbidden_after(sipkb_analyzer *a, const char *from_user, const char *digest_user,
                const char *reason)
{
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, from_user);
    if (digest_user)
        msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, digest_user, REALM, "nonce-1");
    add(a, invite);
    test_msg *forbidden = msg_response(2, 403, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(forbidden, from_user);
    msg_reason(forbidden, reason);
    return add(a, forbidden);
}

/* RFC 3261 section 21.4.4: 403, the server understood and refuses; the evidence of the
 * capture ranks the causes, the Caller-ID mismatch first. */
static void
test_responses_forbidden_callerid_first(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = forbidden_after(a, "2138394020", "2138394018", "Forbidden");
    assert_items(r, "code=403", "response.failure",
                 "cause/2='Caller-ID mismatch: the request (frame 1) has From user 2138394020 but "
                 "digest username 2138394018'",
                 "call.outcome='call rejected: 403 after authenticated INVITE; From 2138394020 ≠ "
                 "digest 2138394018'",
                 "transaction.request=#1",
                 "callerid/1='From user 2138394020 differs from digest username 2138394018'",
                 "callerid.request_frame=#1", "callerid.from_user='2138394020'",
                 "callerid.auth_user='2138394018'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    sipkb_analyzer_free(a);

    /* A reason phrase on the caller's identity and the mismatch seen: one cause. */
    a = analyzer_new();
    r = forbidden_after(a, "2138394020", "2138394018", "Caller ID does not match");
    assert_items(r, "code=403", "response.failure",
                 "cause/2='Caller-ID mismatch: the request (frame 1) has From user 2138394020 but "
                 "digest username 2138394018'",
                 "call.outcome='call rejected: 403 after authenticated INVITE; From 2138394020 ≠ "
                 "digest 2138394018'",
                 "transaction.request=#1",
                 "callerid/1='From user 2138394020 differs from digest username 2138394018'",
                 "callerid.request_frame=#1", "callerid.from_user='2138394020'",
                 "callerid.auth_user='2138394018'", "via");
    sipkb_analyzer_free(a);
}

/* The index of the first item of `finding` in a result (sipkb_result_item order). */
static guint
item_index(const sipkb_result *r, sipkb_finding finding)
{
    for (guint i = 0; i < sipkb_result_n_all(r); i++) {
        if (sipkb_result_item(r, i)->finding == finding)
            return i;
    }
    g_assert_not_reached();
    return 0;
}

/* The generic KB's 403 causes for an INVITE that the 403 after an INVITE from `from_user` with
 * credentials of `digest_user` leaves, after dropping the ones its evidence says again. */
static GPtrArray *
forbidden_kb_causes(const char *from_user, const char *digest_user)
{
    const sipkb_response_entry *entry = sipkb_kb_response(kb, 403, NULL);
    /* Credentials unknown: every 403 cause for an INVITE outside a dialog. */
    const sipkb_kb_situation situation = {
        .method = "INVITE", .offer = TRUE, .in_dialog = SIPKB_KB_NO};
    GPtrArray *causes = sipkb_kb_entry_lines(entry, SIPKB_KB_CAUSES, &situation);
    sipkb_analyzer *a = analyzer_new();
    sipkb_result_drop_restated(forbidden_after(a, from_user, digest_user, "Forbidden"), entry,
                               causes);
    sipkb_analyzer_free(a);
    return causes;
}

/* A cause the evidence gives that says a generic KB cause again replaces it: the tree shows
 * each cause once. The generic KB numbers its 403 causes; the findings table names them. */
static void
test_responses_forbidden_restated_causes(void)
{
    const sipkb_response_entry *entry = sipkb_kb_response(kb, 403, NULL);
    const char *callerid = entry->causes[1], *no_credentials = entry->causes[6];
    g_assert_true(g_str_has_prefix(callerid, "The Caller-ID (From URI user) differs"));
    g_assert_true(g_str_has_prefix(no_credentials, "The request carried no credentials"));
    /* Matching credentials restate no KB cause: all of them stay. */
    GPtrArray *all = forbidden_kb_causes("alice", "alice");
    g_assert_true(g_ptr_array_find(all, callerid, NULL));
    g_assert_true(g_ptr_array_find(all, no_credentials, NULL));

    GPtrArray *causes = forbidden_kb_causes("2138394020", "2138394018");
    g_assert_cmpuint(causes->len, ==, all->len - 1);
    g_assert_false(g_ptr_array_find(causes, callerid, NULL));
    g_ptr_array_unref(causes);

    causes = forbidden_kb_causes("alice", NULL);
    g_assert_cmpuint(causes->len, ==, all->len - 1);
    g_assert_false(g_ptr_array_find(causes, no_credentials, NULL));
    g_ptr_array_unref(causes);
    g_ptr_array_unref(all);
}

/* Subtrees of what is normal stay closed; a problem, or evidence on a failure, opens them. */
static void
test_subtree_opens_on_problems(void)
{
    /* The request: a Caller-ID mismatch (a Warning inside the Caller-ID subtree) opens it. */
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "2138394020");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *r = add(a, invite);
    g_assert_true(sipkb_result_item_opens(findings_table, r, item_index(r, SIPKB_F_CALLERID)));
    sipkb_analyzer_free(a);

    /* A matching Caller-ID on a request: normal, closed; so is its Via. */
    a = analyzer_new();
    invite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_from(invite, "alice");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "alice", REALM, "nonce-1");
    r = add(a, invite);
    g_assert_false(sipkb_result_item_opens(findings_table, r, item_index(r, SIPKB_F_CALLERID)));
    g_assert_false(sipkb_result_item_opens(findings_table, r, item_index(r, SIPKB_F_VIA)));
    sipkb_analyzer_free(a);

    /* The 403 after it: the Caller-ID subtree is evidence of the failure (open=failure), the
     * Via subtree is not. */
    a = analyzer_new();
    r = forbidden_after(a, "alice", "alice", "Forbidden");
    g_assert_true(sipkb_result_item_opens(findings_table, r, item_index(r, SIPKB_F_CALLERID)));
    g_assert_false(sipkb_result_item_opens(findings_table, r, item_index(r, SIPKB_F_VIA)));
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21.4.4: the server's words come before what the request shows. */
static void
test_responses_forbidden_reason_ranked(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = forbidden_after(a, "alice", "alice", "Insufficient Credit");
    /* Two causes, the reason phrase's first (its wording: the next test). */
    g_assert_cmpuint(r->n_items, ==, 11);
    g_assert_cmpuint(r->items[2].finding, ==, SIPKB_F_CAUSE);
    g_assert_true(g_str_has_prefix(r->items[2].value.text, "The reason phrase \""));
    g_assert_true(
        g_str_has_suffix(r->items[2].value.text, "\" points to the account's credit or balance"));
    g_assert_cmpstr(r->items[3].value.text, ==,
                    "The request (frame 1) carried credentials matching its From user: a wrong "
                    "password or the account's state (credit, permissions) is likelier");
    g_assert_cmpuint(r->items[4].finding, ==, SIPKB_F_CALL_OUTCOME);
    sipkb_analyzer_free(a);

    /* Credentials matching the From user, a plain reason phrase. */
    a = analyzer_new();
    r = forbidden_after(a, "alice", "alice", "Forbidden");
    assert_items(r, "code=403", "response.failure",
                 "cause='The request (frame 1) carried credentials matching its From user: a "
                 "wrong password or the account's state (credit, permissions) is likelier'",
                 "call.outcome='call rejected: 403 Forbidden after authenticated INVITE'",
                 "transaction.request=#1",
                 "callerid='From user alice matches digest username alice'",
                 "callerid.request_frame=#1", "callerid.from_user='alice'",
                 "callerid.auth_user='alice'", "via");
    sipkb_analyzer_free(a);

    /* Without credentials. */
    a = analyzer_new();
    r = forbidden_after(a, "alice", NULL, "Forbidden");
    assert_items(r, "code=403", "response.failure",
                 "cause/7='The request (frame 1) carried no credentials and was refused outright: "
                 "credentials would not help (RFC 3261 section 21.4.4); the server's policy on the "
                 "source, destination or account decides'",
                 "call.outcome='call rejected: 403 Forbidden after unauthenticated INVITE'",
                 "transaction.request=#1", "via");
    sipkb_analyzer_free(a);

    /* No request in the capture, no telling phrase: no cause of the capture's own. */
    a = analyzer_new();
    assert_items(add(a, msg_response(1, 403, "INVITE", "call-1", 1, "z9hG4bK1")), "code=403",
                 "response.failure", "call.outcome='call rejected: 403 Forbidden'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 7.2: the reason phrase is the server's own words ("Insufficient Credit"),
 * which a cause drawn from them quotes, not the standard phrase of the code. */
static void
test_responses_forbidden_cause_quotes_reason_phrase(void)
{
    sipkb_analyzer *a = analyzer_new();
    char *causes = causes_of(forbidden_after(a, "alice", "alice", "Insufficient Credit"));
    g_assert_cmpstr(causes, ==,
                    "The reason phrase \"Insufficient Credit\" points to the account's credit or "
                    "balance\n"
                    "The request (frame 1) carried credentials matching its From user: a wrong "
                    "password or the account's state (credit, permissions) is likelier");
    g_free(causes);
    sipkb_analyzer_free(a);

    a = analyzer_new();
    test_msg *lone = msg_response(1, 403, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_reason(lone, "Wrong password");
    causes = causes_of(add(a, lone));
    g_assert_cmpstr(causes, ==,
                    "The reason phrase \"Wrong password\" points to refused credentials "
                    "(password or username)");
    g_free(causes);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 12.2.1.1: inside a dialog the From is the dialog's, not compared with the
 * digest username; a cause of a 403 must not say it matches. */
static void
test_responses_forbidden_in_dialog_no_from_claim(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *bye = msg_request(1, "BYE", "call-1", 5, "z9hG4bK1");
    msg_from(bye, "15550001");
    msg_to_tag(bye, "1928301774");
    msg_credentials(bye, SIPKB_AUTH_PROXY_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    add(a, bye);
    char *causes = causes_of(add(a, msg_response(2, 403, "BYE", "call-1", 5, "z9hG4bK1")));
    g_assert_cmpstr(causes, !=, "");
    g_assert_null(strstr(causes, "matching its From user"));
    g_free(causes);
    sipkb_analyzer_free(a);
}

/* The KB's cause and advice conditions read the request a response answers: its credentials
 * (RFC 3261 section 22), its To tag (section 12.2.1.1), its offer (RFC 3264); unknown when the
 * capture lacks the request. */
static void
assert_situation(const sipkb_result *r, const char *method, gboolean offer,
                 sipkb_kb_fact credentials, sipkb_kb_fact in_dialog)
{
    g_assert_cmpstr(r->situation.method, ==, method);
    g_assert_cmpint(r->situation.offer, ==, offer);
    g_assert_cmpint(r->situation.credentials, ==, credentials);
    g_assert_cmpint(r->situation.in_dialog, ==, in_dialog);
}

/* The 403 causes the shipped KB gives in a result's situation, joined by "|". */
static char *
kb_causes_of(const sipkb_result *r)
{
    GPtrArray *lines = sipkb_kb_entry_lines(sipkb_kb_response(kb, r->status_code, NULL),
                                            SIPKB_KB_CAUSES, &r->situation);
    g_ptr_array_add(lines, NULL);
    char *joined = g_strjoinv("|", (char **)lines->pdata);
    g_ptr_array_unref(lines);
    return joined;
}

static void
test_responses_situation(void)
{
    sipkb_analyzer *a = analyzer_new();
    /* A REGISTER with credentials refused: no "carried no credentials" (section 21.4.4). */
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 2, "z9hG4bK1");
    msg_credentials(reg, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, reg);
    const sipkb_result *r = add(a, msg_response(2, 403, "REGISTER", "reg-1", 2, "z9hG4bK1"));
    assert_situation(r, "REGISTER", FALSE, SIPKB_KB_YES, SIPKB_KB_NO);
    char *causes = kb_causes_of(r);
    g_assert_null(strstr(causes, "carried no credentials"));
    g_assert_nonnull(strstr(causes, "wrong password"));
    g_free(causes);
    /* An INVITE without credentials refused: no password cause. */
    add(a, msg_request(3, "INVITE", "call-1", 1, "z9hG4bK3"));
    r = add(a, msg_response(4, 403, "INVITE", "call-1", 1, "z9hG4bK3"));
    assert_situation(r, "INVITE", TRUE, SIPKB_KB_NO, SIPKB_KB_NO);
    causes = kb_causes_of(r);
    g_assert_nonnull(strstr(causes, "carried no credentials"));
    g_assert_null(strstr(causes, "wrong password"));
    g_assert_null(strstr(causes, "Inside a dialog"));
    g_free(causes);
    /* A re-INVITE (To tag) refused: in a dialog, no credit or destination causes. */
    test_msg *reinvite = msg_request(5, "INVITE", "call-2", 2, "z9hG4bK5");
    msg_to_tag(reinvite, "8321234356");
    add(a, reinvite);
    r = add(a, msg_response(6, 403, "INVITE", "call-2", 2, "z9hG4bK5"));
    assert_situation(r, "INVITE", TRUE, SIPKB_KB_NO, SIPKB_KB_YES);
    causes = kb_causes_of(r);
    g_assert_nonnull(strstr(causes, "Inside a dialog"));
    g_assert_null(strstr(causes, "credit"));
    g_free(causes);
    /* A NOTIFY carries no offer; a response whose request the capture lacks: unknown. */
    add(a, msg_request(7, "NOTIFY", "sub-1", 1, "z9hG4bK7"));
    assert_situation(add(a, msg_response(8, 488, "NOTIFY", "sub-1", 1, "z9hG4bK7")), "NOTIFY",
                     FALSE, SIPKB_KB_NO, SIPKB_KB_NO);
    r = add(a, msg_response(9, 403, "INVITE", "call-3", 1, "z9hG4bK9"));
    assert_situation(r, "INVITE", TRUE, SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN);
    causes = kb_causes_of(r);
    g_assert_nonnull(strstr(causes, "carried no credentials"));
    g_assert_nonnull(strstr(causes, "wrong password"));
    g_free(causes);
    /* A request carries no situation. */
    assert_situation(result_of(a, 7), NULL, FALSE, SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN);
    sipkb_analyzer_free(a);

    /* The names a provider profile's domains are matched against: the request's Request-URI
     * host and credentials realm, the response's To and From hosts and challenge realm. */
    a = analyzer_new();
    reg = msg_request(1, "REGISTER", "reg-2", 2, "z9hG4bK1");
    msg_uris(reg, NULL, "registrar.example.net", "alice", "sip.example.net");
    msg_credentials(reg, SIPKB_AUTH_AUTHORIZATION, "alice", "realm.example.net", "nonce-1");
    add(a, reg);
    test_msg *challenge = msg_response(2, 401, "REGISTER", "reg-2", 2, "z9hG4bK1");
    msg_uris(challenge, NULL, NULL, "alice", "sip.example.net");
    challenge->msg.from_host = keep(challenge, "from.example.net");
    msg_challenge(challenge, SIPKB_AUTH_WWW_AUTHENTICATE, "new-realm.example.net", "nonce-2", NULL);
    char *names = g_strjoinv("|", (char **)add(a, challenge)->situation.names);
    g_assert_cmpstr(names, ==,
                    "registrar.example.net|sip.example.net|from.example.net|"
                    "new-realm.example.net|realm.example.net");
    g_free(names);
    sipkb_analyzer_free(a);
}

/* The first KB cause of a result's code in its situation. */
static const char *
first_kb_cause(const sipkb_result *r)
{
    GPtrArray *lines = sipkb_kb_entry_lines(sipkb_kb_response(kb, r->status_code, NULL),
                                            SIPKB_KB_CAUSES, &r->situation);
    const char *first = lines->len ? g_ptr_array_index(lines, 0) : NULL;
    g_ptr_array_unref(lines);
    return first;
}

/* The event type of a SUBSCRIBE's Event header (RFC 6665 sections 7.2.1, 8.2.1) keys the causes
 * of its responses: a message-summary or presence.winfo SUBSCRIBE that a proxy could not route
 * to a registered contact is no device's fault, a dialog or presence one may be; a request
 * without an Event header names no package; one the capture lacks, any. */
static void
test_responses_event_situation(void)
{
    sipkb_analyzer *a = analyzer_new();
    static const struct {
        const char *event;  /* the SUBSCRIBE's Event header */
        const char *type;   /* the situation's event type */
        const char *prefix; /* the first KB cause of the 480 */
    } cases[] = {
        {"message-summary", "message-summary", "No presence or message-summary server"},
        {"Presence.winfo;id=4", "presence.winfo", "No presence or message-summary server"},
        {"dialog;sla", "dialog", "The notifier is the user's own device"},
        {"presence", "presence", "The notifier is the user's own device"},
        {"ua-profile;profile-type=device", "ua-profile", "No notifier for this event package"},
        {NULL, "", "No notifier for this event package"},
    };
    guint32 frame = 1;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++, frame += 2) {
        g_test_message("Event: %s", cases[i].event ? cases[i].event : "(none)");
        char *call_id = g_strdup_printf("sub-%u", frame);
        test_msg *subscribe = msg_request(frame, "SUBSCRIBE", call_id, 1, "z9hG4bK1");
        subscribe->msg.event = keep(subscribe, cases[i].event);
        add(a, subscribe);
        const sipkb_result *r =
            add(a, msg_response(frame + 1, 480, "SUBSCRIBE", call_id, 1, "z9hG4bK1"));
        g_assert_cmpstr(r->situation.event, ==, cases[i].type);
        g_assert_true(g_str_has_prefix(first_kb_cause(r), cases[i].prefix));
        g_free(call_id);
    }
    /* The request is not in the capture: every event's causes, as for an unknown fact. */
    const sipkb_result *r = add(a, msg_response(frame, 480, "SUBSCRIBE", "sub-x", 1, "z9hG4bK1"));
    g_assert_null(r->situation.event);
    g_assert_true(g_str_has_prefix(first_kb_cause(r), "No presence or message-summary server"));
    char *causes = kb_causes_of(r);
    g_assert_nonnull(strstr(causes, "The notifier is the user's own device"));
    g_assert_nonnull(strstr(causes, "No notifier for this event package"));
    g_free(causes);
    /* An INVITE has no Event header: no SUBSCRIBE cause, and none of an event. */
    add(a, msg_request(frame + 1, "INVITE", "call-1", 1, "z9hG4bK2"));
    r = add(a, msg_response(frame + 2, 480, "INVITE", "call-1", 1, "z9hG4bK2"));
    g_assert_cmpstr(r->situation.event, ==, "");
    causes = kb_causes_of(r);
    g_assert_null(strstr(causes, "notifier"));
    g_free(causes);
    sipkb_analyzer_free(a);
}

/* A SUBSCRIBE's Expires: 0 (RFC 6665 section 4.1.2.3) ends its subscription: the response's
 * situation says so (expires_zero), so that a 202 or 200 to it reads as the end of the
 * subscription, not as a new one whose NOTIFYs follow; the response's own Expires does not
 * count, and a request the capture lacks leaves it unknown. */
static void
test_responses_expires_zero_situation(void)
{
    sipkb_analyzer *a = analyzer_new();
    static const struct {
        gboolean has_expires;
        guint32 expires;
        gboolean to_tag;
        sipkb_kb_fact expires_zero;
        const char *summary; /* the start of the 202's */
    } cases[] = {
        {TRUE, 0, TRUE, SIPKB_KB_YES, "Subscription ended (Expires: 0)"},
        {TRUE, 0, FALSE, SIPKB_KB_YES, "Subscription ended (Expires: 0)"},
        {TRUE, 600, TRUE, SIPKB_KB_NO, "Subscription refreshed"},
        {TRUE, 3600, FALSE, SIPKB_KB_NO, "Subscription accepted"},
        {FALSE, 0, FALSE, SIPKB_KB_NO, "Subscription accepted"},
    };
    guint32 frame = 1;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++, frame += 2) {
        g_test_message("case %" G_GSIZE_FORMAT, i);
        char *call_id = g_strdup_printf("sub-%u", frame);
        test_msg *subscribe = msg_request(frame, "SUBSCRIBE", call_id, 1, "z9hG4bK1");
        subscribe->msg.event = keep(subscribe, "presence");
        subscribe->msg.has_expires = cases[i].has_expires;
        subscribe->msg.expires = cases[i].expires;
        if (cases[i].to_tag)
            subscribe->msg.to_tag = keep(subscribe, "ntf-1");
        add(a, subscribe);
        test_msg *accepted = msg_response(frame + 1, 202, "SUBSCRIBE", call_id, 1, "z9hG4bK1");
        /* the notifier's own Expires: how long it grants, not what was asked */
        accepted->msg.has_expires = TRUE;
        accepted->msg.expires = cases[i].expires == 0 ? 60 : 0;
        const sipkb_result *r = add(a, accepted);
        g_assert_cmpint(r->situation.expires_zero, ==, cases[i].expires_zero);
        const char *summary =
            sipkb_kb_entry_text(sipkb_kb_response(kb, 202, NULL), SIPKB_KB_SUMMARY, &r->situation);
        g_assert_true(g_str_has_prefix(summary, cases[i].summary));
        g_free(call_id);
    }
    const sipkb_result *r = add(a, msg_response(frame, 202, "SUBSCRIBE", "sub-x", 1, "z9hG4bK1"));
    g_assert_cmpint(r->situation.expires_zero, ==, SIPKB_KB_UNKNOWN);
    sipkb_analyzer_free(a);
}

/* alice@sip.example.net registered at `at` seconds (frames 1 and 2): the 2xx binds her Contact
 * for `expires` seconds, as a Contact parameter or (when `in_header`) as the Expires header. */
static void
alice_registered(sipkb_analyzer *a, double at, guint32 expires, gboolean in_header)
{
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(reg, at);
    msg_uris(reg, NULL, "sip.example.net", "alice", "sip.example.net");
    add(a, reg);
    test_msg *ok = msg_response(2, 200, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(ok, at + 0.05);
    msg_uris(ok, NULL, NULL, "alice", "SIP.example.net");
    msg_contacts(ok, "sip:alice@192.0.2.10:5060", NULL);
    char *parameter = g_strdup_printf("expires=%u", expires);
    if (in_header) {
        ok->msg.has_expires = TRUE;
        ok->msg.expires = expires;
    } else {
        msg_contact_parameters(ok, "transport=udp", parameter, NULL);
    }
    g_free(parameter);
    add(a, ok);
}

/* A `method` to alice (frame 3, Request-URI user and host as given) answered 404 (frame 4) at
 * `at` seconds. */
static const sipkb_result *
alice_not_found(sipkb_analyzer *a, const char *method, const char *request_uri_host, double at)
{
    test_msg *request = msg_request(3, method, "call-1", 1, "z9hG4bK3");
    msg_at(request, at);
    msg_uris(request, "alice", request_uri_host, "alice", "sip.example.net");
    add(a, request);
    test_msg *not_found = msg_response(4, 404, method, "call-1", 1, "z9hG4bK3");
    msg_at(not_found, at + 0.05);
    msg_uris(not_found, NULL, NULL, "alice", "sip.example.net");
    return add(a, not_found);
}

/* RFC 3261 section 10.3: a 404 for an address-of-record whose binding a registrar accepted and
 * that has not expired: the user exists, so routing or the dial plan failed (section 16.5). */
static void
test_responses_not_found_registered(void)
{
    sipkb_analyzer *a = analyzer_new();
    alice_registered(a, 0, 600, FALSE);
    assert_items(
        alice_not_found(a, "INVITE", "sip.example.net", 100), "code=404", "response.failure",
        "cause='alice@sip.example.net was registered (the 2xx in frame 2, 500 s left): the "
        "user exists at the registrar, so this 404 comes from routing or the dial plan, not "
        "a missing user (RFC 3261 sections 10.3, 16.5)'",
        "not_found.registered", "not_found.aor='alice@sip.example.net'",
        "not_found.registered_in=#2", "not_found.expires_in=500",
        "call.outcome='callee not reached: 404 Not Found'", "transaction.request=#3", "via");
    sipkb_analyzer_free(a);

    /* The Expires header stands in for a Contact without expires (section 10.2.1.1). */
    a = analyzer_new();
    alice_registered(a, 0, 60, TRUE);
    g_assert_nonnull(sipkb_result_find(alice_not_found(a, "MESSAGE", "sip.example.net", 30),
                                       SIPKB_F_NOT_FOUND_REGISTERED));
    sipkb_analyzer_free(a);

    /* The proxy's leg to the registered device: the Request-URI is the Contact of the 2xx
     * (RFC 3261 section 16.6 step 6), and the device itself answered 404. */
    a = analyzer_new();
    alice_registered(a, 0, 600, FALSE);
    test_msg *to_device = msg_request(3, "INVITE", "call-1", 1, "z9hG4bK3");
    msg_at(to_device, 100);
    to_device->msg.request_uri = keep(to_device, "sip:alice@192.0.2.10:5060");
    msg_uris(to_device, "alice", "192.0.2.10", "alice", "sip.example.net");
    add(a, to_device);
    test_msg *refused = msg_response(4, 404, "INVITE", "call-1", 1, "z9hG4bK3");
    msg_at(refused, 100.05);
    const sipkb_result *r = add(a, refused);
    char *causes = causes_of(r);
    g_assert_true(g_str_has_prefix(causes, "The request reached a registered contact of "
                                           "alice@sip.example.net (the 2xx in frame 2, 500 s "
                                           "left) and that device answered 404 itself"));
    g_free(causes);
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_NOT_FOUND_REGISTERED)->variant, ==, 1);
    g_assert_cmpstr(sipkb_result_find(r, SIPKB_F_NOT_FOUND_AOR)->value.text, ==,
                    "alice@sip.example.net");
    sipkb_analyzer_free(a);

    /* A 404 whose request the capture lacks: its To names the AOR. */
    a = analyzer_new();
    alice_registered(a, 0, 600, FALSE);
    test_msg *not_found = msg_response(4, 404, "INVITE", "call-1", 1, "z9hG4bK3");
    msg_at(not_found, 10);
    msg_uris(not_found, NULL, NULL, "alice", "sip.example.net");
    const sipkb_item *in = sipkb_result_find(add(a, not_found), SIPKB_F_NOT_FOUND_REGISTERED_IN);
    g_assert_nonnull(in);
    g_assert_cmpuint(in->value.number, ==, 2);
    sipkb_analyzer_free(a);

    /* Not after the binding expired, nor for another host, nor for a SUBSCRIBE (its resource
     * lives at the notifier), nor after a 2xx that removed the binding (expires=0). */
    static const struct {
        const char *method;
        const char *host;
        double at;
        guint32 expires;
    } cases[] = {
        {"INVITE", "sip.example.net", 601, 600},
        {"INVITE", "other.example.net", 100, 600},
        {"SUBSCRIBE", "sip.example.net", 100, 600},
        {"INVITE", "sip.example.net", 100, 0},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s to %s at %.0f s", cases[i].method, cases[i].host, cases[i].at);
        a = analyzer_new();
        alice_registered(a, 0, cases[i].expires, FALSE);
        const sipkb_result *r = alice_not_found(a, cases[i].method, cases[i].host, cases[i].at);
        g_assert_null(sipkb_result_find(r, SIPKB_F_NOT_FOUND_REGISTERED));
        char *causes = causes_of(r);
        g_assert_null(strstr(causes, "was registered"));
        g_free(causes);
        sipkb_analyzer_free(a);
    }
}

/* RFC 3261 section 10.3 steps 1 and 3: a registrar serves domains and finds an AOR only in the
 * Request-URI's domain. A REGISTER refused with 404 while its Request-URI host is an address,
 * or another host than the AOR's, points at the host, not the user. */
static void
test_responses_not_found_register_host(void)
{
    static const struct {
        const char *request_uri_host;
        const char *to_host;
        const char *cause; /* NULL: none of this rule */
    } cases[] = {
        {"198.51.100.1", "198.51.100.1",
         "The domain or IP address in the Request-URI is not configured as a served domain: "
         "REGISTER sip:198.51.100.1 for the address-of-record alice@198.51.100.1 (RFC 3261 "
         "section 10.3 steps 1 and 3)"},
        {"198.51.100.1", "sip.example.net",
         "The domain or IP address in the Request-URI is not configured as a served domain: "
         "REGISTER sip:198.51.100.1 for the address-of-record alice@sip.example.net (RFC 3261 "
         "section 10.3 steps 1 and 3)"},
        {"sip.example.org", "sip.example.net",
         "The domain or IP address in the Request-URI is not configured as a served domain: "
         "REGISTER sip:sip.example.org for the address-of-record alice@sip.example.net (RFC "
         "3261 section 10.3 steps 1 and 3)"},
        {"SIP.example.net", "sip.example.net", NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("REGISTER sip:%s for alice@%s", cases[i].request_uri_host, cases[i].to_host);
        sipkb_analyzer *a = analyzer_new();
        test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
        msg_uris(reg, NULL, cases[i].request_uri_host, "alice", cases[i].to_host);
        add(a, reg);
        test_msg *not_found = msg_response(2, 404, "REGISTER", "reg-1", 1, "z9hG4bK1");
        msg_uris(not_found, NULL, NULL, "alice", cases[i].to_host);
        char *causes = causes_of(add(a, not_found));
        g_assert_cmpstr(causes, ==, cases[i].cause ? cases[i].cause : "");
        g_free(causes);
        sipkb_analyzer_free(a);
    }
}

/* RFC 3261 section 7.2: a reason phrase other than the code's own is the server's account of
 * the failure; section 20.43: so is a Warning. */
static void
test_responses_server_words(void)
{
    static const struct {
        guint32 code;
        const char *phrase;
        const char *warning;
        const char *cause; /* NULL: none */
    } cases[] = {
        {404, "User not registered", NULL,
         "cause='The server\'s own reason phrase: \"User not registered\"'"},
        {503, "DNS Lookup Failed", NULL,
         "cause='The reason phrase \"DNS Lookup Failed\" says a DNS lookup failed: the server "
         "could not resolve the next hop of the Request-URI (RFC 3263); the capture holds no "
         "DNS traffic before it, so the server\'s resolver is reached on a path this capture "
         "does not see'"},
        {486, "busy here", NULL, NULL}, /* the code's own phrase, in other case */
        {488, "Not Acceptable Here", "305 sbc.example.net \"Incompatible media format\"",
         "cause='The server\'s Warning header: 305 sbc.example.net \"Incompatible media "
         "format\", code 305: incompatible media format'"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%u %s", cases[i].code, cases[i].phrase);
        sipkb_analyzer *a = analyzer_new();
        add(a, msg_request(1, "MESSAGE", "msg-1", 1, "z9hG4bK1"));
        test_msg *response = msg_response(2, cases[i].code, "MESSAGE", "msg-1", 1, "z9hG4bK1");
        msg_reason(response, cases[i].phrase);
        response->msg.warning = cases[i].warning;
        char code[16];
        g_snprintf(code, sizeof(code), "code=%u", cases[i].code);
        const sipkb_result *r = add(a, response);
        if (cases[i].cause)
            assert_items(r, code, "response.failure", cases[i].cause, "transaction.request=#1",
                         "via");
        else
            assert_items(r, code, "response.failure", "transaction.request=#1", "via");
        sipkb_analyzer_free(a);
    }
}

/* A response's one line (title, Info column, expert text) is its first cause's summary when the
 * evidence contradicts or makes precise the KB's summary of the code: the server's own telling
 * words (RFC 3261 section 7.2), credentials sent with a 403 (section 21.4.4 says authorization
 * will not help, yet a refused digest is the likelier cause); otherwise none, and the KB's
 * summary for the situation stands. Only the first cause sums up. */
static void
test_responses_summary_from_evidence(void)
{
    sipkb_analyzer *a = analyzer_new();
    g_assert_cmpstr(forbidden_after(a, "alice", "alice", "Forbidden")->summary, ==,
                    "Refused although the request carried credentials: a wrong password or the "
                    "account's state is likelier");
    sipkb_analyzer_free(a);

    a = analyzer_new();
    g_assert_null(forbidden_after(a, "alice", NULL, "Forbidden")->summary);
    sipkb_analyzer_free(a);

    a = analyzer_new();
    g_assert_cmpstr(forbidden_after(a, "2138394020", "2138394018", "Forbidden")->summary, ==,
                    "Caller-ID (From user 2138394020) differs from the digest username 2138394018");
    sipkb_analyzer_free(a);

    /* Two causes: the reason phrase's is first and sums up. */
    a = analyzer_new();
    g_assert_cmpstr(forbidden_after(a, "alice", "alice", "Insufficient Credit")->summary, ==,
                    "The reason phrase \"Insufficient Credit\" points to the account's credit or "
                    "balance");
    sipkb_analyzer_free(a);

    static const struct {
        guint32 code;
        const char *phrase;
        const char *warning;
        const char *summary; /* NULL: the KB's */
    } cases[] = {
        {480, "No DNS results", "399 sip1 \"No other DNS entries to try (0,0)\"",
         "The reason phrase \"No DNS results\" says a DNS lookup failed: the next hop could not "
         "be resolved"},
        {404, "Not found (no mailbox)", NULL,
         "No voicemail box answers for this user (\"Not found (no mailbox)\"): this says nothing "
         "of whether the user exists"},
        {500, "Request out of order", NULL,
         "Request out of order: its CSeq is lower than the dialog's last one (RFC 3261 section "
         "12.2.2)"},
        /* A phrase that says more but names no known cause is quoted among the causes only. */
        {404, "User not registered", NULL, NULL},
        {480, "Temporarily Unavailable", NULL, NULL},
        {488, "Not Acceptable Here", "305 sbc.example.net \"Incompatible media format\"", NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%u %s", cases[i].code, cases[i].phrase);
        a = analyzer_new();
        add(a, msg_request(1, "MESSAGE", "msg-1", 1, "z9hG4bK1"));
        test_msg *response = msg_response(2, cases[i].code, "MESSAGE", "msg-1", 1, "z9hG4bK1");
        msg_reason(response, cases[i].phrase);
        response->msg.warning = cases[i].warning;
        g_assert_cmpstr(add(a, response)->summary, ==, cases[i].summary);
        sipkb_analyzer_free(a);
    }
}

/* RFC 3261 section 13.3.1.4 (2xx), 9.2 (487 after CANCEL), 21.4.9 (408), 21.4.18 / 21.4.24 /
 * 21.6.2 (callee not reached, busy, declined), 21.5.4 (503 refused): what an INVITE's final
 * response means for the call. */
static void
test_responses_call_outcomes(void)
{
    static const struct {
        guint32 code;
        const char *outcome;
    } cases[] = {
        {200, "call.outcome='call answered: 200 OK'"},
        {480, "call.outcome='callee not reached: 480 Temporarily Unavailable'"},
        {486, "call.outcome='callee busy: 486 Busy Here'"},
        {404, "call.outcome='callee not reached: 404 Not Found'"},
        {603, "call.outcome='call declined by the callee: 603 Decline'"},
        {503, "call.outcome='call rejected: 503 Service Unavailable after unauthenticated "
              "INVITE'"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("final response %u", cases[i].code);
        char code[16];
        g_snprintf(code, sizeof(code), "code=%u", cases[i].code);
        sipkb_analyzer *a = analyzer_new();
        add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
        assert_items(add(a, msg_response(2, cases[i].code, "INVITE", "call-1", 1, "z9hG4bK1")),
                     code, cases[i].code < 300 ? "response.progress" : "response.failure",
                     cases[i].outcome, "transaction.request=#1", "via");
        sipkb_analyzer_free(a);
    }
}

/* RFC 3261 section 17.1.1.2: Timer B fires after 64*T1 = 32 s; the 408 tells how long the
 * client waited and how often it retransmitted. */
static void
test_responses_timed_out(void)
{
    sipkb_analyzer *a = analyzer_new();
    const double sent[] = {0.0, 0.5, 1.5, 3.5};
    for (guint i = 0; i < G_N_ELEMENTS(sent); i++) {
        test_msg *invite = msg_request(1 + i, "INVITE", "call-1", 1, "z9hG4bK1");
        msg_at(invite, sent[i]);
        add(a, invite);
    }
    test_msg *timeout = msg_response(5, 408, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(timeout, 32.0);
    const sipkb_result *r = add(a, timeout);
    assert_items(r, "code=408", "response.failure",
                 "call.outcome='call timed out: 408 after 32.0 s and 3 retransmissions seen'",
                 "transaction.request=#1", "transaction.retransmissions=3",
                 "transaction.waited=32.000s", "via");
    sipkb_analyzer_free(a);

    /* The INVITE not in the capture: no waiting time or count is stated. */
    a = analyzer_new();
    assert_items(add(a, msg_response(1, 408, "INVITE", "call-1", 1, "z9hG4bK1")), "code=408",
                 "response.failure",
                 "call.outcome='call timed out: 408 (the INVITE is not in the capture)'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21: non-INVITE transactions have no call to end. */
static void
test_responses_no_outcome_for_non_invite(void)
{
    static const char *const methods[] = {"REGISTER", "OPTIONS", "BYE", "MESSAGE", "CANCEL"};
    for (gsize i = 0; i < G_N_ELEMENTS(methods); i++) {
        g_test_message("method %s", methods[i]);
        sipkb_analyzer *a = analyzer_new();
        add(a, msg_request(1, methods[i], "call-1", 1, "z9hG4bK1"));
        assert_items(add(a, msg_response(2, 200, methods[i], "call-1", 1, "z9hG4bK1")), "code=200",
                     "response.progress", "transaction.request=#1", "via");
        assert_items(add(a, msg_response(3, 486, methods[i], "call-1", 1, "z9hG4bK1")), "code=486",
                     "response.failure", "transaction.request=#1", "via");
        sipkb_analyzer_free(a);
    }
}

/* RFC 3261 sections 14.1 and 12.2.1.2: a re-INVITE's answer changes or keeps a call that is up;
 * only 408 and 481 end it. */
static void
test_responses_no_outcome_for_reinvite(void)
{
    static const guint codes[] = {200, 488, 491, 500};
    for (gsize i = 0; i < G_N_ELEMENTS(codes); i++) {
        g_test_message("re-INVITE answered %u", codes[i]);
        sipkb_analyzer *a = analyzer_new();
        test_msg *reinvite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK2");
        msg_to_tag(reinvite, "b7f2");
        add(a, reinvite);
        const sipkb_result *r =
            add(a, msg_response(2, codes[i], "INVITE", "call-1", 2, "z9hG4bK2"));
        g_assert_null(sipkb_result_find(r, SIPKB_F_CALL_OUTCOME));
        sipkb_analyzer_free(a);
    }
    sipkb_analyzer *a = analyzer_new();
    test_msg *reinvite = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK2");
    msg_to_tag(reinvite, "b7f2");
    add(a, reinvite);
    const sipkb_result *r = add(a, msg_response(2, 481, "INVITE", "call-1", 2, "z9hG4bK2"));
    g_assert_cmpstr(sipkb_result_find(r, SIPKB_F_CALL_OUTCOME)->value.text, ==,
                    "call rejected: 481 Call/Transaction Does Not Exist after unauthenticated "
                    "INVITE");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 20.33: Retry-After on 503 (and 404, 413, 480, 486, 500, 600, 603). */
static void
test_responses_retry_after(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *unavailable = msg_response(2, 503, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_at(unavailable, 10.0);
    msg_retry_after(unavailable, 120);
    assert_items(add(a, unavailable), "code=503", "response.failure", "transaction.request=#1",
                 "retry.after=120", "retry.at=T0+130.000s", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21.3 and 8.1.3.4: the Contacts of a 3xx are where to try next; the
 * Contact of other responses is no target. */
static void
test_responses_redirect_targets(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *moved = msg_response(2, 302, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_contacts(moved, "sip:bob@192.0.2.77", "sip:+12138394018@gw.example.net;user=phone", NULL);
    const sipkb_result *r = add(a, moved);
    assert_items(r, "code=302", "response.redirect",
                 "call.outcome='call redirected: 302 Moved Temporarily, the caller should try "
                 "the Contact targets'",
                 "transaction.request=#1", "redirect.target='sip:bob@192.0.2.77'",
                 "redirect.target='sip:+12138394018@gw.example.net;user=phone'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);

    add(a, msg_request(3, "INVITE", "call-2", 1, "z9hG4bK3"));
    test_msg *ok = msg_response(4, 200, "INVITE", "call-2", 1, "z9hG4bK3");
    msg_contacts(ok, "sip:bob@192.0.2.77", NULL);
    assert_items(add(a, ok), "code=200", "response.progress",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#3", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 7.2 and 21: status codes are 100 to 699. */
static void
test_responses_invalid_code(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *weird = msg_response(1, 700, "INVITE", "call-1", 1, "z9hG4bK1");
    const sipkb_result *r = add(a, weird);
    assert_items(r, "code=700", "response.invalid", "via");
    g_assert_cmpuint(r->kind, ==, SIPKB_MESSAGE_RESPONSE);
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    char *text = expert_text(r, SIPKB_F_RESPONSE_INVALID);
    g_assert_cmpstr(text, ==, "700 is not a SIP status code (RFC 3261 allows 100 to 699)");
    g_free(text);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 8.1.3.2: final responses are 200 to 699; a 700 ends no transaction. */
static void
test_responses_invalid_code_not_final(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *invite = add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *weird = add(a, msg_response(2, 700, "INVITE", "call-1", 1, "z9hG4bK1"));
    g_assert_false(weird->facts & SIPKB_FACT_FINAL);
    capture_goes_on(a, 3, 40.0);
    sipkb_analyzer_finish(a);
    assert_late(invite, "transaction.no_final_response", "transaction.retransmissions=0");
    sipkb_analyzer_free(a);
}

/* The severities of the findings table: routine steps chat, redirects note, failures warn. */
static void
test_responses_severity(void)
{
    static const struct {
        guint32 code;
        sipkb_severity severity;
    } cases[] = {
        {100, SIPKB_SEVERITY_CHAT}, {180, SIPKB_SEVERITY_CHAT}, {200, SIPKB_SEVERITY_CHAT},
        {401, SIPKB_SEVERITY_CHAT}, {407, SIPKB_SEVERITY_CHAT}, {302, SIPKB_SEVERITY_NOTE},
        {404, SIPKB_SEVERITY_WARN}, {486, SIPKB_SEVERITY_WARN}, {503, SIPKB_SEVERITY_WARN},
        {603, SIPKB_SEVERITY_WARN}, {99, SIPKB_SEVERITY_WARN},  {700, SIPKB_SEVERITY_WARN},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("code %u", cases[i].code);
        sipkb_analyzer *a = analyzer_new();
        add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
        test_msg *response = msg_response(2, cases[i].code, "OPTIONS", "ping-1", 1, "z9hG4bK1");
        if (cases[i].code == 401 || cases[i].code == 407)
            msg_challenge(response,
                          cases[i].code == 401 ? SIPKB_AUTH_WWW_AUTHENTICATE
                                               : SIPKB_AUTH_PROXY_AUTHENTICATE,
                          REALM, "nonce-1", NULL);
        g_assert_cmpuint(add(a, response)->severity, ==, cases[i].severity);
        sipkb_analyzer_free(a);
    }
}

/* ==== offer-answer.c ========================================================================== */

/* RFC 3264 section 5.1: the formats of the m= line in order, named by the static table (RFC
 * 3551) or a=rtpmap. */
static void
test_sdp_offer_codecs(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(invite, UAC, "RTP/AVP 0 8 18 101",
                  "a=rtpmap:101 telephone-event/8000\na=fmtp:101 0-15");
    const sipkb_result *r = add(a, invite);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.codec='PCMA/8000'",
                 "sdp.codec='G729/8000'", "sdp.codec='telephone-event/8000'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NONE);

    /* A dynamic type nobody named. */
    test_msg *unnamed = msg_request(2, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_sdp_audio(unnamed, UAC, "RTP/AVP 0 96", "");
    assert_items(add(a, unnamed), "sdp", "sdp.codec='PCMU/8000'", "sdp.codec='PT 96'",
                 "sdp.no_rtpmap='96'", "via");
    sipkb_analyzer_free(a);
}

/* Call-1 set up with PCMU: INVITE with the offer (frame 1), 200 with the answer (2), ACK (3). */
static void
call_set_up(sipkb_analyzer *a)
{
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(invite, UAC, "RTP/AVP 0", "");
    add(a, invite);
    test_msg *ok = msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", "");
    add(a, ok);
    test_msg *ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK3");
    msg_to_tag(ack, "a6c85cf");
    add(a, ack);
}

/* INVITE with `offer` formats and attributes, its 200 with `answer`'s; returns the 200. */
static const sipkb_result *
offer_answer(sipkb_analyzer *a, const char *offer, const char *offer_attributes, const char *answer,
             const char *answer_attributes)
{
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(invite, UAC, offer, offer_attributes);
    add(a, invite);
    test_msg *ok = msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(ok, CALLEE, answer, answer_attributes);
    return add(a, ok);
}

/* RFC 3264 section 6.1: the answer keeps a subset of the offer's formats. */
static void
test_sdp_answer_matches(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000",
                                         "RTP/AVP 8 100", "a=rtpmap:100 telephone-event/8000");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='PCMA/8000'",
                 "sdp.codec='telephone-event/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: PCMA/8000, telephone-event/8000'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_CHAT);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 13.2.1: an INVITE without a body leaves the offer to the 2xx, and the ACK
 * carries the answer. */
static void
test_sdp_offer_in_2xx_answer_in_ack(void)
{
    sipkb_analyzer *a = analyzer_new();
    assert_items(add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1")), "via");
    test_msg *ok = msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 8 0", "");
    assert_items(add(a, ok), "code=200", "response.progress",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#1", "sdp",
                 "sdp.codec='PCMA/8000'", "sdp.codec='PCMU/8000'", "via");
    /* The ACK of a 2xx is a transaction of its own, with a new branch (section 13.2.2.4). */
    test_msg *ack = msg_request(3, "ACK", "call-1", 1, "z9hG4bK3");
    msg_to_tag(ack, "a6c85cf");
    msg_sdp_audio(ack, UAC, "RTP/AVP 8", "");
    assert_items(add(a, ack), "sdp", "sdp.codec='PCMA/8000'", "sdp.offer_frame=#2",
                 "sdp.chosen='audio: PCMA/8000'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1: a payload type number of the offer SHOULD name the same codec in the
 * answer. */
static void
test_sdp_payload_remapped(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 0 96 101",
                                         "a=rtpmap:96 iLBC/8000\na=rtpmap:101 telephone-event/8000",
                                         "RTP/AVP 0 96", "a=rtpmap:96 telephone-event/8000");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='PCMU/8000'",
                 "sdp.codec='telephone-event/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: PCMU/8000, telephone-event/8000'",
                 "sdp.payload_remapped='96 is iLBC/8000 in the offer, telephone-event/8000 in the "
                 "answer'",
                 "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1: a sendonly offer is answered recvonly or inactive. */
static void
test_sdp_direction_mismatch(void)
{
    sipkb_analyzer *a = analyzer_new();
    call_set_up(a);
    test_msg *hold = msg_request(4, "INVITE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(hold, "a6c85cf");
    msg_sdp_audio(hold, UAC, "RTP/AVP 0", "a=sendonly");
    add(a, hold);
    test_msg *ok = msg_response(5, 200, "INVITE", "call-1", 2, "z9hG4bK4");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", "a=sendonly");
    const sipkb_result *r = add(a, ok);
    assert_items(r, "code=200", "response.progress", "transaction.request=#4", "sdp",
                 "sdp.codec='PCMU/8000'", "sdp.offer_frame=#4", "sdp.chosen='audio: PCMU/8000'",
                 "sdp.direction_mismatch='offer sendonly, answer sendonly'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1: a sendrecv answer holds at least one codec "from amongst those listed
 * in the offer"; one made only of others breaks offer/answer. */
static void
test_sdp_not_offered(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 0 8", "", "RTP/AVP 18", "");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='G729/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: G729/8000'", "sdp.not_offered='G729/8000'",
                 "sdp.no_common_codec", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_ERROR);
    char *text = expert_text(r, SIPKB_F_SDP_NOT_OFFERED);
    g_assert_cmpstr(text, ==,
                    "The answer uses G729/8000, which the offer (frame 1) did not contain");
    g_free(text);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1: "The stream MAY indicate additional media formats, not listed in the
 * corresponding stream in the offer": beside a common codec, an extra one is allowed. */
static void
test_sdp_extra_format_allowed(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 0 8", "", "RTP/AVP 0 18", "");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='PCMU/8000'", "sdp.codec='G729/8000'",
                 "sdp.offer_frame=#1", "sdp.chosen='audio: PCMU/8000, G729/8000'",
                 "sdp.extra_formats='G729/8000'", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_CHAT);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1: no format in common leaves no voice path (dynamic types compare by
 * encoding name and clock rate). */
static void
test_sdp_no_common_codec(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 111 0", "a=rtpmap:111 opus/48000/2",
                                         "RTP/AVP 97", "a=rtpmap:97 iLBC/8000");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='iLBC/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: iLBC/8000'", "sdp.not_offered='iLBC/8000'",
                 "sdp.no_common_codec", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_ERROR);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1 asks for a codec in common; telephone-event (RFC 4733) carries no voice,
 * so a voice codec beside it is not "additional" but what the answerer wants instead. */
static void
test_sdp_no_common_codec_beside_telephone_event(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/AVP 0 8 101", "a=rtpmap:101 telephone-event/8000",
                                         "RTP/AVP 18 101", "a=rtpmap:101 telephone-event/8000");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='G729/8000'",
                 "sdp.codec='telephone-event/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: G729/8000, telephone-event/8000'",
                 "sdp.not_offered='G729/8000'", "sdp.no_common_codec", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_ERROR);
    sipkb_analyzer_free(a);
}

/* RFC 4733 section 7.1.1 with RFC 3264 section 6.1: telephone-event offered, not answered. */
static void
test_sdp_dtmf_dropped(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r =
        offer_answer(a, "RTP/AVP 0 101", "a=rtpmap:101 telephone-event/8000", "RTP/AVP 0", "");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='PCMU/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: PCMU/8000'", "sdp.dtmf_not_answered", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1 (ptime is a preference of each side) and section 6 (the answer's
 * transport profile should be the offer's). */
static void
test_sdp_ptime_and_profile_mismatch(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = offer_answer(a, "RTP/SAVP 0", "a=ptime:20", "RTP/AVP 0", "a=ptime:30");
    assert_items(r, "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "sdp", "sdp.codec='PCMU/8000'", "sdp.offer_frame=#1",
                 "sdp.chosen='audio: PCMU/8000'", "sdp.ptime_mismatch", "sdp.profile_mismatch",
                 "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21.4.26 and 13.3.1.1: 488 refuses the session description; the offer
 * explains it (here SRTP to a side that does plain RTP only). */
static void
test_sdp_refused_srtp(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(invite, UAC, "RTP/SAVP 0 8", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:x");
    add(a, invite);
    const sipkb_result *r = add(a, msg_response(2, 488, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(r, "code=488", "response.failure",
                 "call.outcome='call rejected: 488 Not Acceptable Here after unauthenticated "
                 "INVITE'",
                 "transaction.request=#1", "sdp/1", "sdp.offer_frame=#1",
                 "sdp.offered='audio RTP/SAVP PCMU/8000, PCMA/8000'",
                 "sdp.refused='the transport profile RTP/SAVP (SRTP): the other side may take "
                 "only RTP/AVP'",
                 "via");
    char *text = expert_text(r, SIPKB_F_SDP_REFUSED);
    g_assert_cmpstr(text, ==,
                    "Offer (frame 1) refused; likely: the transport profile RTP/SAVP (SRTP): the "
                    "other side may take only RTP/AVP");
    g_free(text);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 21.4.26: T.38 offered (m=image udptl) and refused. */
static void
test_sdp_refused_fax(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *reinvite = msg_request(1, "INVITE", "call-1", 3, "z9hG4bK1");
    msg_to_tag(reinvite, "a6c85cf");
    msg_sdp(reinvite, "v=0\n"
                      "o=- 1 2 IN IP4 " UAC "\n"
                      "s=-\n"
                      "c=IN IP4 " UAC "\n"
                      "t=0 0\n"
                      "m=image 49172 udptl t38\n"
                      "a=T38FaxVersion:0");
    assert_items(add(a, reinvite), "sdp", "via");
    const sipkb_result *r = add(a, msg_response(2, 488, "INVITE", "call-1", 3, "z9hG4bK1"));
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_SDP_OFFER_FRAME)->value.number, ==, 1);
    g_assert_true(
        g_str_has_prefix(sipkb_result_find(r, SIPKB_F_SDP_OFFERED)->value.text, "image udptl"));
    g_assert_cmpstr(sipkb_result_find(r, SIPKB_F_SDP_REFUSED)->value.text, ==,
                    "T.38 fax (m=image): the other side may not do fax relay; try G.711 "
                    "pass-through");
    sipkb_analyzer_free(a);
}

/* INVITE call-1 (frame 1, branch z9hG4bK1) whose offer disables its one stream (port 0). */
static test_msg *
msg_invite_without_media(void)
{
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp(invite, "v=0\n"
                    "o=- 1 1 IN IP4 " UAC "\n"
                    "s=-\n"
                    "c=IN IP4 " UAC "\n"
                    "t=0 0\n"
                    "m=audio 0 RTP/AVP 0");
    return invite;
}

/* RFC 3264 section 5.1: port 0 on every stream offers no media at all. */
static void
test_sdp_refused_no_media(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_invite_without_media());
    const sipkb_result *r = add(a, msg_response(2, 488, "INVITE", "call-1", 1, "z9hG4bK1"));
    g_assert_cmpstr(sipkb_result_find(r, SIPKB_F_SDP_REFUSED)->value.text, ==,
                    "nothing: the offer disabled every stream (port 0), so it offered no usable "
                    "media");
    g_assert_cmpstr(sipkb_result_find(r, SIPKB_F_CAUSE)->value.text, ==,
                    "The offer (frame 1) disabled every stream (port 0): it offered no media at "
                    "all, so no codec was compared (RFC 3264 section 5.1)");
    sipkb_analyzer_free(a);
}

/* RFC 3265/6665: a NOTIFY is no offer/answer exchange (RFC 3264 section 2 names INVITE, ACK,
 * PRACK and UPDATE); its 488 refuses the NOTIFY, not the call's SDP. */
static void
test_sdp_refusal_of_other_transaction(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(invite, UAC, "RTP/AVP 0 8", "");
    add(a, invite);
    test_msg *ok = msg_response(2, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", "");
    add(a, ok);
    add(a, msg_request(3, "ACK", "call-1", 1, "z9hG4bK3"));
    test_msg *notify = msg_request(4, "NOTIFY", "call-1", 7, "z9hG4bK4");
    msg_to_tag(notify, "a6c85cf");
    add(a, notify);
    assert_items(add(a, msg_response(5, 488, "NOTIFY", "call-1", 7, "z9hG4bK4")), "code=488",
                 "response.failure", "transaction.request=#4", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 5 (c= is where to send media) with RFC 1918: a private address announced
 * from a public source is unreachable for the far end. */
static void
test_sdp_nat(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(invite, "UDP", NAT_PUBLIC, PROXY);
    msg_via(invite, "UDP", NAT_PUBLIC); /* a SIP ALG fixed the Via, not the SDP */
    msg_sdp_audio(invite, NAT_PRIVATE, "RTP/AVP 0", "");
    const sipkb_result *r = add(a, invite);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.nat/1", "sdp.nat.address='192.168.1.20'",
                 "sdp.nat.seen='203.0.113.7'",
                 "sdp.nat.advice='STUN/ICE on the phone, media latching on the SBC, or the SIP "
                 "ALG off; the far end would send RTP to an unreachable address'",
                 "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);

    /* Inside the LAN, to the PBX next door: no NAT. */
    test_msg *lan = msg_request(2, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_path(lan, "UDP", NAT_PRIVATE, "192.168.1.1");
    msg_via(lan, "UDP", NAT_PRIVATE);
    msg_sdp_audio(lan, NAT_PRIVATE, "RTP/AVP 0", "");
    assert_items(add(a, lan), "sdp", "sdp.codec='PCMU/8000'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 8.4: a later offer with sendonly puts the other side on hold; RFC 2543's
 * c=0.0.0.0 too. */
static void
test_sdp_hold(void)
{
    sipkb_analyzer *a = analyzer_new();
    call_set_up(a);
    test_msg *hold = msg_request(4, "INVITE", "call-1", 2, "z9hG4bK4");
    msg_to_tag(hold, "a6c85cf");
    msg_sdp_audio(hold, UAC, "RTP/AVP 0", "a=sendonly");
    const sipkb_result *r = add(a, hold);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/2", "via");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_CHAT);

    /* The answer to a hold is recvonly: the answerer holds nobody. */
    test_msg *ok = msg_response(5, 200, "INVITE", "call-1", 2, "z9hG4bK4");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", "a=recvonly");
    assert_items(add(a, ok), "code=200", "response.progress", "transaction.request=#4", "sdp",
                 "sdp.codec='PCMU/8000'", "sdp.offer_frame=#4", "sdp.chosen='audio: PCMU/8000'",
                 "via");

    test_msg *old_style = msg_request(6, "INVITE", "call-1", 3, "z9hG4bK6");
    msg_to_tag(old_style, "a6c85cf");
    msg_sdp_audio(old_style, "0.0.0.0", "RTP/AVP 0", "");
    assert_items(add(a, old_style), "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/1", "via");
    sipkb_analyzer_free(a);
}

/* A re-INVITE of call-1 (set up by call_set_up) offering PCMU from `address` with
 * `attributes`, and the 200 answering it from the callee with `answer_attributes`; returns
 * the re-INVITE's result, and the 200's in `answer`. Branch z9hG4bK<frame>. */
static const sipkb_result *
reinvite_answered(sipkb_analyzer *a, guint32 frame, guint32 cseq, const char *address,
                  const char *attributes, const char *answer_attributes,
                  const sipkb_result **answer)
{
    char *branch = g_strdup_printf("z9hG4bK%" G_GUINT32_FORMAT, frame);
    test_msg *offer = msg_request(frame, "INVITE", "call-1", cseq, branch);
    msg_to_tag(offer, "a6c85cf");
    msg_sdp_audio(offer, address, "RTP/AVP 0", attributes);
    const sipkb_result *offered = add(a, offer);
    test_msg *ok = msg_response(frame + 1, 200, "INVITE", "call-1", cseq, branch);
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", answer_attributes);
    *answer = add(a, ok);
    g_free(branch);
    return offered;
}

/* The items of a 200 whose PCMU answer fits the re-INVITE of frame `offer_frame`. */
#define assert_fitting_answer(result, offer_frame)                                                 \
    assert_items(result, "code=200", "response.progress", "transaction.request=#" offer_frame,     \
                 "sdp", "sdp.codec='PCMU/8000'", "sdp.offer_frame=#" offer_frame,                  \
                 "sdp.chosen='audio: PCMU/8000'", "via")

/* RFC 3264 section 8.4: c=0.0.0.0 in a later offer means that neither RTP nor RTCP is to be
 * sent to the offerer (RFC 2543's hold), with or without a direction attribute, and inactive
 * that no media flows either way; the hold says so. Section 6.1: a sendrecv offer, as an
 * RFC 2543 hold without attribute is, takes a sendrecv answer; an inactive offer only an
 * inactive answer. The flow of captures/invite-hold-inactive.pcapng, whose answers are
 * baresip's. */
static void
test_sdp_hold_unknown_address_and_inactive(void)
{
    sipkb_analyzer *a = analyzer_new();
    call_set_up(a);
    const sipkb_result *answer;
    /* The answerer's own address and sendrecv: it fits, and holds nobody. */
    const sipkb_result *r = reinvite_answered(a, 4, 2, "0.0.0.0", "", "a=sendrecv", &answer);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/1", "via");
    char *text = expert_text(r, SIPKB_F_SDP_HOLD);
    g_assert_cmpstr(text, ==,
                    "Call on hold: c=0.0.0.0: no address to send media to, so neither RTP nor RTCP "
                    "goes to this side (RFC 3264 section 8.4; the RFC 2543 way to hold)");
    g_free(text);
    assert_fitting_answer(answer, "4");

    r = reinvite_answered(a, 6, 3, UAC, "a=inactive", "a=inactive", &answer);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/3", "via");
    text = expert_text(r, SIPKB_F_SDP_HOLD);
    g_assert_cmpstr(text, ==,
                    "Call on hold: inactive: no media either way (RFC 3264 section 8.4; a hold, "
                    "or a stream parked)");
    g_free(text);
    assert_fitting_answer(answer, "6");

    /* c=0.0.0.0 with sendonly is still the address hold; its recvonly answer fits. */
    r = reinvite_answered(a, 8, 4, "0.0.0.0", "a=sendonly", "a=recvonly", &answer);
    assert_items(r, "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/1", "via");
    assert_fitting_answer(answer, "8");

    /* An inactive offer answered sendrecv does not fit (section 6.1). */
    reinvite_answered(a, 10, 5, UAC, "a=inactive", "a=sendrecv", &answer);
    assert_items(answer, "code=200", "response.progress", "transaction.request=#10", "sdp",
                 "sdp.codec='PCMU/8000'", "sdp.offer_frame=#10", "sdp.chosen='audio: PCMU/8000'",
                 "sdp.direction_mismatch='offer inactive, answer sendrecv'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3264 section 6.1 and 8.4: in a first offer, sendonly is the direction the offerer
 * wants (an announcement, a one-way feed), and c=0.0.0.0 an address not known yet: no hold. */
static void
test_sdp_first_offer_not_hold(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *announce = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_sdp_audio(announce, UAC, "RTP/AVP 0", "a=sendonly");
    assert_items(add(a, announce), "sdp", "sdp.codec='PCMU/8000'", "via");
    test_msg *unknown = msg_request(2, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_sdp_audio(unknown, "0.0.0.0", "RTP/AVP 0", "");
    assert_items(add(a, unknown), "sdp", "sdp.codec='PCMU/8000'", "via");
    /* recvonly in a first offer: a listen-only client, not an answer to any hold. */
    test_msg *listen = msg_request(3, "INVITE", "call-3", 1, "z9hG4bK3");
    msg_sdp_audio(listen, UAC, "RTP/AVP 0", "a=recvonly");
    assert_items(add(a, listen), "sdp", "sdp.codec='PCMU/8000'", "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 14.1 and RFC 3264 section 8.4: an INVITE inside a dialog (To tag) is a
 * re-INVITE and its SDP a later offer, even when the capture began after the call's first
 * offer. */
static void
test_sdp_hold_in_dialog_without_first_offer(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *hold = msg_request(1, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_to_tag(hold, "a6c85cf");
    msg_sdp_audio(hold, UAC, "RTP/AVP 0", "a=sendonly");
    assert_items(add(a, hold), "sdp", "sdp.codec='PCMU/8000'", "sdp.hold/2", "via");
    /* Its answer, recvonly, fits the offer (section 6.1): no mismatch, no hold of its own. */
    test_msg *ok = msg_response(2, 200, "INVITE", "call-1", 2, "z9hG4bK1");
    msg_sdp_audio(ok, CALLEE, "RTP/AVP 0", "a=recvonly");
    const sipkb_result *answer = add(a, ok);
    g_assert_nonnull(sipkb_result_find(answer, SIPKB_F_SDP_OFFER_FRAME));
    g_assert_null(sipkb_result_find(answer, SIPKB_F_SDP_DIRECTION_MISMATCH));
    g_assert_null(sipkb_result_find(answer, SIPKB_F_SDP_HOLD));
    /* A re-INVITE that resumes (sendrecv) is no hold, first offer seen or not. */
    test_msg *resume = msg_request(3, "INVITE", "call-2", 7, "z9hG4bK3");
    msg_to_tag(resume, "a6c85cf");
    msg_sdp_audio(resume, UAC, "RTP/AVP 0", "a=sendrecv");
    g_assert_null(sipkb_result_find(add(a, resume), SIPKB_F_SDP_HOLD));
    sipkb_analyzer_free(a);
}

/* ==== via.c =================================================================================== */

/* RFC 3261 section 18.2.2: responses go back over the transport the top Via names; a Via
 * that says UDP on a TCP connection sends them where nobody listens. */
static void
test_via_transport_mismatch(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_path(invite, "TCP", UAC, PROXY);
    const sipkb_result *r = add(a, invite);
    assert_items(r, "via", "via.transport_mismatch", "via.transport_mismatch.said='UDP'",
                 "via.transport_mismatch.used='TCP'");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);

    /* TLS rides on TCP (RFC 3261 section 26.2). */
    test_msg *tls = msg_request(2, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_path(tls, "TCP", UAC, PROXY);
    msg_via(tls, "TLS", UAC);
    assert_items(add(a, tls), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 18.2.1 (and RFC 3581): a private sent-by on a request from a public
 * source: the client is behind NAT. Said once per client (its public address and port), on
 * the first message that shows it. A client that asks for rport (RFC 3581 section 4) is not
 * told to use it (text.1): its binding and Contact remain. */
static void
test_via_nat(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *reg = msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_path(reg, "UDP", NAT_PUBLIC, PROXY);
    reg->msg.path.source_port = 40312; /* the router's mapping */
    msg_via(reg, "UDP", NAT_PRIVATE);
    reg->vias[0].rport = "";
    const sipkb_result *r = add(a, reg);
    assert_items(r, "via", "via.nat/1", "via.nat.sent_by='192.168.1.20'",
                 "via.nat.seen='203.0.113.7'");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_WARN);

    /* The response carries what the registrar saw (received, rport): the same client. */
    test_msg *ok = msg_response(2, 200, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_path(ok, "UDP", PROXY, NAT_PUBLIC);
    ok->msg.path.destination_port = 40312;
    msg_via(ok, "UDP", NAT_PRIVATE);
    ok->vias[0].received = NAT_PUBLIC;
    ok->vias[0].rport = "40312";
    const sipkb_result *ok_result = add(a, ok);
    assert_items(ok_result, "code=200", "response.progress", "transaction.request=#1", "via",
                 "via.nat.first_frame=#1");
    g_assert_cmpuint(ok_result->severity, ==, SIPKB_SEVERITY_CHAT);

    /* Another phone behind the same router: another mapping, another client. */
    test_msg *other = msg_request(3, "REGISTER", "reg-2", 1, "z9hG4bK3");
    msg_path(other, "UDP", NAT_PUBLIC, PROXY);
    other->msg.path.source_port = 40313;
    msg_via(other, "UDP", "192.168.1.21");
    assert_items(add(a, other), "via", "via.nat", "via.nat.sent_by='192.168.1.21'",
                 "via.nat.seen='203.0.113.7'");
    /* ... seen first in a response whose Via the registrar filled (received, rport=value). */
    test_msg *seen_in_response = msg_response(4, 200, "OPTIONS", "ping-9", 1, "z9hG4bK9");
    msg_path(seen_in_response, "UDP", PROXY, NAT_PUBLIC);
    seen_in_response->msg.path.destination_port = 40314;
    msg_via(seen_in_response, "UDP", "192.168.1.22");
    seen_in_response->vias[0].received = NAT_PUBLIC;
    seen_in_response->vias[0].rport = "40314";
    assert_items(add(a, seen_in_response), "code=200", "response.progress", "via", "via.nat/1",
                 "via.nat.sent_by='192.168.1.22'", "via.nat.seen='203.0.113.7'");

    /* Private to private: a LAN, no NAT. */
    test_msg *lan = msg_request(5, "OPTIONS", "ping-1", 1, "z9hG4bK4");
    msg_path(lan, "UDP", NAT_PRIVATE, "192.168.1.1");
    msg_via(lan, "UDP", NAT_PRIVATE);
    assert_items(add(a, lan), "via");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 8.1.1.7: the top Via MUST carry a branch; without one (RFC 2543) servers
 * match transactions the old way (section 17.2.3). A Note said once per sender (the transport
 * address its requests come from), on its first request that shows it; later ones link there.
 * A response's top Via is its client's; a Via whose parameters the dissector did not read
 * (it stops at a ':' without a port) tells nothing. */
static void
test_via_no_branch(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *r = add(a, msg_request_no_branch(1, "REGISTER", "reg-1", 1));
    assert_items(r, "via", "via.no_branch", "via.no_branch.sender='192.0.2.10:5060'");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NOTE);
    GString *said = g_string_new(NULL);
    sipkb_result_render(findings_table, r,
                        sipkb_findings_def(findings_table, SIPKB_F_VIA_NO_BRANCH)->text, NULL, NULL,
                        said);
    g_assert_cmpstr(said->str, ==,
                    "Requests from 192.0.2.10:5060 carry a top Via without branch, which RFC 3261 "
                    "section 8.1.1.7 requires: their transactions are matched the RFC 2543 way "
                    "(Request-URI, tags, Call-ID, CSeq, top Via; section 17.2.3)");
    g_string_free(said, TRUE);
    assert_title(r, "REGISTER");
    /* Its response: matched to it, no note (the Via is the client's, not the proxy's). */
    r = add(a, msg_response_no_branch(2, 401, "REGISTER", "reg-1", 1));
    g_assert_cmpuint(r->request_frame, ==, 1);
    g_assert_null(sipkb_result_find(r, SIPKB_F_VIA_NO_BRANCH));
    g_assert_null(sipkb_result_find(r, SIPKB_F_VIA_NO_BRANCH_FIRST_FRAME));
    /* The same sender again: a link, no new expert item. */
    r = add(a, msg_request_no_branch(3, "REGISTER", "reg-1", 2));
    assert_items(r, "via", "via.no_branch.first_frame=#1");
    g_assert_cmpuint(r->severity, ==, SIPKB_SEVERITY_NONE);
    /* Another transport address of the same host is another sender. */
    test_msg *other = msg_request_no_branch(4, "BYE", "call-1", 1);
    other->msg.path.source_port = 1067;
    assert_items(add(a, other), "via", "via.no_branch", "via.no_branch.sender='192.0.2.10:1067'");
    /* A branch without the cookie is a branch; a Via not read to its end, unknown. */
    test_msg *old_branch = msg_request(5, "OPTIONS", "ping-1", 1, "1234");
    old_branch->vias[0].parameters_read = TRUE;
    assert_items(add(a, old_branch), "via");
    test_msg *unread = msg_request(6, "OPTIONS", "ping-2", 1, NULL);
    unread->msg.path.source_port = 5080;
    assert_items(add(a, unread), "via");
    /* A copy quoted in an ICMP error is no request of the sender's. */
    test_msg *quoted = msg_request_no_branch(7, "OPTIONS", "ping-3", 1);
    quoted->msg.path.source_port = 5090;
    quoted->msg.in_icmp = TRUE;
    g_assert_null(sipkb_result_find(add(a, quoted), SIPKB_F_VIA_NO_BRANCH));
    sipkb_analyzer_free(a);
}

/* One Via value in words: a branch is the transaction ID, with the z9hG4bK cookie or the old
 * way; a value read to its end without one has none (RFC 3261 sections 8.1.1.7, 17.2.3); one
 * not read that far says nothing of it. */
static void
test_via_explain_branch(void)
{
    static const struct {
        const char *branch;
        gboolean parameters_read;
        const char *detail; /* the branch's line, or NULL: none */
    } cases[] = {
        {"z9hG4bK74bf9", TRUE,
         "Branch z9hG4bK74bf9: the transaction ID (z9hG4bK cookie: RFC "
         "3261-compliant)"},
        {"1234", TRUE,
         "Branch 1234: no z9hG4bK cookie: an RFC 2543 client, transactions matched "
         "the old way"},
        {NULL, TRUE,
         "No branch: an RFC 2543 client; RFC 3261 section 8.1.1.7 requires one, "
         "transactions are matched the old way (section 17.2.3)"},
        {NULL, FALSE, NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        sipkb_via via = {.transport = "UDP",
                         .host = "192.168.5.11",
                         .port = 7818,
                         .branch = cases[i].branch,
                         .parameters_read = cases[i].parameters_read};
        GPtrArray *details = g_ptr_array_new_with_free_func(g_free);
        char *value = sipkb_via_explain(&via, 0, TRUE, details);
        g_assert_cmpstr(value, ==,
                        "1: SIP/2.0/UDP 192.168.5.11:7818, added by the sender of this "
                        "request");
        g_assert_cmpuint(details->len, ==, cases[i].detail ? 3 : 2);
        if (cases[i].detail)
            g_assert_cmpstr(g_ptr_array_index(details, 2), ==, cases[i].detail);
        g_free(value);
        g_ptr_array_unref(details);
    }
}

/* ==== ICMP-quoted copies (analyzer.c, transactions.c) ======================================== */

/* RFC 792 / RFC 4443: an ICMP error quotes the packet that failed; the quoted SIP was sent once
 * (the frame before), not retransmitted (RFC 3261 section 17.1.1.2), and its transaction ends
 * with the transport error (section 18.4: as if a 503 had come). */
static void
test_icmp_copy_not_retransmission(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *quoted = msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    quoted->msg.icmp_source = keep(quoted, PROXY); /* the ICMP error's sender */
    const sipkb_result *copy = add(a, quoted);
    g_assert_cmpuint(copy->kind, ==, SIPKB_MESSAGE_QUOTED);
    g_assert_cmpuint(copy->n_items, ==, 3);
    g_assert_cmpuint(copy->items[0].finding, ==, SIPKB_F_TRANSPORT_ICMP_ERROR);
    g_assert_cmpuint(copy->items[0].variant, ==, 0);
    g_assert_cmpuint(copy->items[1].finding, ==, SIPKB_F_TRANSPORT_ICMP_FROM);
    g_assert_cmpuint(copy->items[2].finding, ==, SIPKB_F_TRANSPORT_QUOTED_FRAME);
    g_assert_cmpuint(copy->items[2].value.number, ==, 1);
    g_assert_cmpuint(copy->severity, ==, SIPKB_SEVERITY_WARN);
    /* The INVITE's own transaction is not retransmitted by the copy. */
    test_msg *timeout = msg_response(3, 408, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(timeout, 32.1);
    const sipkb_result *r = add(a, timeout);
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_TRANSACTION_RETRANSMISSIONS)->value.number, ==,
                     0);
    sipkb_analyzer_free(a);

    /* Without a response: the transport error ends the transaction, no "no final response". */
    a = analyzer_new();
    const sipkb_result *options = add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    quoted = msg_request(2, "OPTIONS", "ping-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    add(a, quoted);
    capture_goes_on(a, 3, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(options);
    sipkb_analyzer_free(a);
}

/* RFC 792: the ICMP error comes from the host or router that could not deliver the packet;
 * the quoted packet's source is the SIP sender itself. The message names the error's sender
 * apart (icmp_source, include/sipkb/message.h). */
static void
test_icmp_from_is_the_error_sender(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    test_msg *quoted = msg_request(2, "INVITE", "call-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    quoted->msg.icmp_source = keep(quoted, "198.51.100.254"); /* a router on the way */
    const sipkb_item *from = sipkb_result_find(add(a, quoted), SIPKB_F_TRANSPORT_ICMP_FROM);
    g_assert_nonnull(from);
    g_assert_cmpstr(from->value.text, ==, "198.51.100.254");
    /* Without the error's sender nothing is said of it, least of all the quoted sender. */
    test_msg *unknown = msg_request(3, "INVITE", "call-1", 1, "z9hG4bK1");
    unknown->msg.in_icmp = TRUE;
    const sipkb_result *r = add(a, unknown);
    g_assert_null(sipkb_result_find(r, SIPKB_F_TRANSPORT_ICMP_FROM));
    /* ... and its text is the variant that does not name a sender. */
    const sipkb_item *flag = sipkb_result_find(r, SIPKB_F_TRANSPORT_ICMP_ERROR);
    g_assert_nonnull(flag);
    const char *text = sipkb_finding_expert_text(
        sipkb_findings_def(findings_table, SIPKB_F_TRANSPORT_ICMP_ERROR), flag->variant);
    g_assert_nonnull(text);
    g_assert_null(strstr(text, "{transport.icmp_from}"));
    g_assert_cmpuint(flag->variant, !=, 0); /* variant 0 names the sender */
    sipkb_analyzer_free(a);
}

/* The title names what an ICMP error quotes: a request by its method (RFC 3261 section 18.4),
 * a response by its code and the method it answers (section 17.2.4: a response the server
 * transaction could not deliver), never a response as the request it answers. */
static void
test_icmp_title_names_what_is_quoted(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    const sipkb_result *trying = add(a, msg_response(2, 100, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *quoted_trying = msg_response(3, 100, "REGISTER", "reg-1", 1, "z9hG4bK1");
    quoted_trying->msg.in_icmp = TRUE;
    quoted_trying->msg.icmp_source = keep(quoted_trying, UAC);
    const sipkb_result *r = add(a, quoted_trying);
    assert_title(r, "100 to REGISTER quoted in an ICMP error");
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_TRANSPORT_ICMP_ERROR)->variant, ==, 1);
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_TRANSPORT_QUOTED_FRAME)->value.number, ==, 2);
    /* The final response is quoted: the link goes to it, the title names its code. */
    add(a, msg_response(4, 483, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *quoted_final = msg_response(5, 483, "REGISTER", "reg-1", 1, "z9hG4bK1");
    quoted_final->msg.in_icmp = TRUE;
    r = add(a, quoted_final);
    assert_title(r, "483 to REGISTER quoted in an ICMP error");
    g_assert_cmpuint(sipkb_result_find(r, SIPKB_F_TRANSPORT_QUOTED_FRAME)->value.number, ==, 4);
    /* A request: its method; a live request: its method and its findings' words; a live
     * response has no such title (the KB's or the evidence's words make it). */
    test_msg *quoted_request = msg_request(6, "REGISTER", "reg-1", 1, "z9hG4bK1");
    quoted_request->msg.in_icmp = TRUE;
    assert_title(add(a, quoted_request), "REGISTER quoted in an ICMP error");
    assert_title(add(a, msg_request(7, "REGISTER", "reg-1", 1, "z9hG4bK1")),
                 "REGISTER retransmitted");
    assert_title(trying, NULL);
    /* A quoted copy without a CSeq names what it can. */
    test_msg *bare = msg_response(8, 503, "REGISTER", "reg-1", 1, "z9hG4bK1");
    bare->msg.in_icmp = TRUE;
    bare->msg.has_cseq = FALSE;
    bare->msg.cseq_method = NULL;
    assert_title(add(a, bare), "503 response quoted in an ICMP error");
    test_msg *bare_request = msg_request(9, "REGISTER", "reg-1", 1, "z9hG4bK1");
    bare_request->msg.in_icmp = TRUE;
    bare_request->msg.method = NULL;
    bare_request->msg.cseq_method = NULL;
    assert_title(add(a, bare_request), "SIP message quoted in an ICMP error");
    sipkb_analyzer_free(a);
}

/* ==== DNS failures behind a response (plugin/core/dns.c) ==================================== */

/* DNS query types (RFC 1035 section 3.2.2, RFC 3596, RFC 2782) and RCODEs (section 4.1.1). */
enum { TYPE_A = 1, TYPE_AAAA = 28, TYPE_SRV = 33, TYPE_NAPTR = 35 };
enum { NOERROR = 0, SERVFAIL = 2, NXDOMAIN = 3, REFUSED = 5 };

/* The proxy's resolver got an answer in `frame` (100 ms a frame, as SIP messages): `rcode` and
 * `n_answers` records for the question (name, type). */
static void
add_dns(sipkb_analyzer *a, guint32 frame, guint32 rcode, guint32 n_answers, const char *name,
        guint32 type)
{
    static const struct {
        guint32 type;
        const char *name;
    } type_names[] = {{TYPE_A, "A"}, {TYPE_AAAA, "AAAA"}, {TYPE_SRV, "SRV"}, {TYPE_NAPTR, "NAPTR"}};
    sipkb_dns_message dns = {.frame = frame,
                             .time_ns = T0_NS + frame * (SECOND_NS / 10),
                             .is_response = TRUE,
                             .rcode = rcode,
                             .n_answers = n_answers,
                             .query_name = name,
                             .query_type = type};
    for (gsize i = 0; i < G_N_ELEMENTS(type_names); i++) {
        if (type_names[i].type == type)
            dns.query_type_name = type_names[i].name;
    }
    sipkb_analyzer_add_dns(a, &dns);
}

/* Its query, which a resolver sent before the answer. */
static void
add_dns_query(sipkb_analyzer *a, guint32 frame, const char *name, guint32 type)
{
    sipkb_dns_message dns = {.frame = frame,
                             .time_ns = T0_NS + frame * (SECOND_NS / 10),
                             .query_name = name,
                             .query_type = type};
    sipkb_analyzer_add_dns(a, &dns);
}

/* An INVITE to bob@`host` in `frame`. */
static void
add_invite_to(sipkb_analyzer *a, guint32 frame, const char *call_id, const char *host)
{
    test_msg *invite = msg_request(frame, "INVITE", call_id, 1, "z9hG4bK1");
    msg_uris(invite, "bob", host, "bob", host);
    add(a, invite);
}

/* The proxy's answer to that INVITE in `frame`: `code` with its reason phrase. */
static const sipkb_result *
add_answer(sipkb_analyzer *a, guint32 frame, const char *call_id, guint32 code, const char *phrase)
{
    test_msg *response = msg_response(frame, code, "INVITE", call_id, 1, "z9hG4bK1");
    msg_reason(response, phrase);
    return add(a, response);
}

#define KAMAILIO_478 "Unresolvable destination (478/SL)"

static char *
dns_cause(const char *said, const char *evidence)
{
    return g_strdup_printf("cause='The reason phrase \"%s\" says a DNS lookup failed%s'", said,
                           evidence);
}

/* The failed lookup the result names and links (sipkb.dns.failure, sipkb.dns.failure_frame),
 * or none (`failure` NULL). */
static void
check_dns_link(const char *file, int line, const sipkb_result *result, const char *failure,
               guint32 frame)
{
    const sipkb_item *text = sipkb_result_find(result, SIPKB_F_DNS_FAILURE);
    const sipkb_item *link = sipkb_result_find(result, SIPKB_F_DNS_FAILURE_FRAME);
    char *actual = text && link   ? g_strdup_printf("%s #%u", text->value.text, link->value.number)
                   : text || link ? g_strdup("(one of the text and the link without the other)")
                                  : NULL;
    char *expected = failure ? g_strdup_printf("%s #%u", failure, frame) : NULL;
    if (g_strcmp0(actual, expected) != 0)
        g_assertion_message_cmpstr(G_LOG_DOMAIN, file, line, G_STRFUNC, "DNS link", actual,
                                   "==", expected);
    g_free(actual);
    g_free(expected);
}

#define assert_dns_link(result, failure, frame)                                                    \
    check_dns_link(__FILE__, __LINE__, (result), (failure), (frame))

/* RFC 3263 section 4: Kamailio looks for the SRV of the Request-URI's host, then its A record;
 * both answered NXDOMAIN, and its sl_reply_error() says "478 Unresolvable destination (478/SL)"
 * (RFC 3261 section 7.2: the phrase is the server's own account). The latest failed lookup of
 * the host is linked, with what was asked and answered. */
static void
test_dns_failure_before_response(void)
{
    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "pbx.nowhere.test");
    add_dns_query(a, 2, "_sip._udp.pbx.nowhere.test", TYPE_SRV);
    add_dns(a, 3, NXDOMAIN, 0, "_sip._udp.pbx.nowhere.test", TYPE_SRV);
    add_dns_query(a, 4, "pbx.nowhere.test", TYPE_A);
    add_dns(a, 5, NXDOMAIN, 0, "pbx.nowhere.test", TYPE_A);
    const sipkb_result *r = add_answer(a, 6, "call-1", 478, KAMAILIO_478);
    char *cause = dns_cause(KAMAILIO_478,
                            ", and the capture shows it: frame 5, NXDOMAIN for pbx.nowhere.test A: "
                            "the Request-URI's host pbx.nowhere.test could not be resolved to a "
                            "next hop (RFC 3263 section 4)");
    assert_items(r, "code=478", "response.failure", cause,
                 "call.outcome='call rejected: 478 " KAMAILIO_478 " after unauthenticated INVITE'",
                 "transaction.request=#1", "dns.failure='NXDOMAIN for pbx.nowhere.test A'",
                 "dns.failure_frame=#5", "via");
    g_assert_cmpstr(r->summary, ==,
                    "The reason phrase \"" KAMAILIO_478
                    "\" says a DNS lookup failed: NXDOMAIN for pbx.nowhere.test A");
    g_free(cause);
    sipkb_analyzer_free(a);
}

/* A failure after the response did not cause it: the DNS traffic before the response shows no
 * failure (the queries), and nothing is linked. */
static void
test_dns_failure_after_response(void)
{
    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "pbx.nowhere.test");
    add_dns_query(a, 2, "pbx.nowhere.test", TYPE_A);
    const sipkb_result *r = add_answer(a, 3, "call-1", 480, "No DNS results");
    add_dns(a, 4, NXDOMAIN, 0, "pbx.nowhere.test", TYPE_A);
    char *cause =
        dns_cause("No DNS results", ": the server could not resolve the next hop of the "
                                    "Request-URI (RFC 3263); none of the DNS answers before it in "
                                    "this capture failed for that request, so the lookup went to "
                                    "a resolver this capture does not see, or a cached failure "
                                    "answered it");
    assert_items(r, "code=480", "response.failure", cause,
                 "call.outcome='callee not reached: 480 Temporarily Unavailable'",
                 "transaction.request=#1", "via");
    g_free(cause);
    /* A later response of the same kind does name it. */
    add_invite_to(a, 5, "call-2", "pbx.nowhere.test");
    r = add_answer(a, 6, "call-2", 480, "No DNS results");
    assert_dns_link(r, "NXDOMAIN for pbx.nowhere.test A", 4);
    sipkb_analyzer_free(a);
}

/* One case of the DNS rules: an INVITE to bob@`host` in frame `invite_frame`, the resolver's
 * answers in their frames (in frame order, up to one with frame 0), then the proxy's 480 "No
 * DNS results" in the frame after the last; it links the failed answer `failure` of frame
 * `failure_frame`, or none (NULL). */
typedef struct {
    const char *what;
    const char *host;
    guint32 invite_frame;
    struct {
        guint32 frame, rcode, n_answers, type;
        const char *name;
    } answers[5];
    const char *failure;
    guint32 failure_frame;
} dns_case;

static void
check_dns_cases(const dns_case *cases, gsize n_cases)
{
    for (gsize i = 0; i < n_cases; i++) {
        const dns_case *c = &cases[i];
        g_test_message("%s", c->what);
        sipkb_analyzer *a = analyzer_new();
        guint32 frame = 1, next_answer = 0;
        for (;; frame++) {
            gboolean answer =
                next_answer < G_N_ELEMENTS(c->answers) && c->answers[next_answer].frame == frame;
            if (frame == c->invite_frame)
                add_invite_to(a, frame, "call-1", c->host);
            else if (answer) {
                add_dns(a, frame, c->answers[next_answer].rcode, c->answers[next_answer].n_answers,
                        c->answers[next_answer].name, c->answers[next_answer].type);
                next_answer++;
            } else
                break;
        }
        assert_dns_link(add_answer(a, frame, "call-1", 480, "No DNS results"), c->failure,
                        c->failure_frame);
        sipkb_analyzer_free(a);
    }
}

/* The Request-URI's host and the names RFC 3263 derives from it (its SRV names) come first,
 * even before a later failure of another name; another name is named only when the host did
 * not fail, and only while the request was worked on. */
static void
test_dns_matching_name_first(void)
{
    static const dns_case cases[] = {
        {"the host's SRV name before a later other name",
         "PBX.Example.NET",
         1,
         {{2, SERVFAIL, 0, TYPE_SRV, "_sip._udp.pbx.example.net."},
          {3, NXDOMAIN, 0, TYPE_A, "printer.example.org"}},
         "SERVFAIL for _sip._udp.pbx.example.net SRV",
         2},
        {"another name failed before the request was sent",
         "example.net",
         2,
         {{1, NXDOMAIN, 0, TYPE_A, "trunk.carrier.example"}},
         NULL,
         0},
    };
    check_dns_cases(cases, G_N_ELEMENTS(cases));

    /* Only another name failed, after the INVITE: a route or outbound proxy, named as such. */
    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "example.net");
    add_dns(a, 2, REFUSED, 0, "trunk.carrier.example", TYPE_A);
    const sipkb_result *r = add_answer(a, 3, "call-1", 503, "DNS failure");
    char *cause = dns_cause(
        "DNS failure", "; the failed lookup the capture shows before it is of another name than "
                       "the Request-URI's host example.net: frame 2, REFUSED for "
                       "trunk.carrier.example A (a route, an outbound proxy or an SRV target the "
                       "server resolved; RFC 3263 section 4)");
    assert_items(r, "code=503", "response.failure", cause,
                 "call.outcome='call rejected: 503 Service Unavailable after unauthenticated "
                 "INVITE'",
                 "transaction.request=#1", "dns.failure='REFUSED for trunk.carrier.example A'",
                 "dns.failure_frame=#2", "via");
    g_free(cause);
    sipkb_analyzer_free(a);
}

/* Of several failed lookups of the host (RFC 3263 section 4: NAPTR, SRV, then A) the latest
 * before the response is linked. A failure the resolver cached counts too: a second call a
 * minute after the first gets its answer from the cache, with no new query in the capture (RFC
 * 2308 section 5). */
static void
test_dns_latest_failure_wins(void)
{
    static const dns_case cases[] = {
        {"NAPTR, SRV and A of the host: the latest",
         "pbx.nowhere.test",
         1,
         {{2, NXDOMAIN, 0, TYPE_NAPTR, "pbx.nowhere.test"},
          {3, NXDOMAIN, 0, TYPE_SRV, "_sip._udp.pbx.nowhere.test"},
          {4, NXDOMAIN, 0, TYPE_SRV, "_sip._tcp.pbx.nowhere.test"},
          {5, SERVFAIL, 0, TYPE_A, "pbx.nowhere.test"}},
         "SERVFAIL for pbx.nowhere.test A",
         5},
        {"an earlier failure, then the host's answer: the latest",
         "pbx.nowhere.test",
         3,
         {{1, REFUSED, 0, TYPE_A, "pbx.nowhere.test"},
          {2, NXDOMAIN, 0, TYPE_A, "pbx.nowhere.test"},
          {4, NXDOMAIN, 0, TYPE_SRV, "_sip._udp.pbx.nowhere.test"}},
         "NXDOMAIN for _sip._udp.pbx.nowhere.test SRV",
         4},
    };
    check_dns_cases(cases, G_N_ELEMENTS(cases));

    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "pbx.nowhere.test");
    add_dns(a, 2, NXDOMAIN, 0, "_sip._udp.pbx.nowhere.test", TYPE_SRV);
    add_dns(a, 3, NXDOMAIN, 0, "pbx.nowhere.test", TYPE_A);
    assert_dns_link(add_answer(a, 4, "call-1", 478, KAMAILIO_478),
                    "NXDOMAIN for pbx.nowhere.test A", 3);
    test_msg *invite = msg_request(5, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_uris(invite, "bob", "pbx.nowhere.test", "bob", "pbx.nowhere.test");
    msg_at(invite, 60.0);
    add(a, invite);
    test_msg *response = msg_response(6, 478, "INVITE", "call-2", 1, "z9hG4bK2");
    msg_reason(response, KAMAILIO_478);
    msg_at(response, 60.001);
    assert_dns_link(add(a, response), "NXDOMAIN for pbx.nowhere.test A", 3);
    sipkb_analyzer_free(a);
}

/* A capture without any DNS says so: the server's resolver is on a path it does not see. */
static void
test_dns_none_in_capture(void)
{
    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "pbx.nowhere.test");
    const sipkb_result *r = add_answer(a, 2, "call-1", 478, KAMAILIO_478);
    char *cause = dns_cause(KAMAILIO_478, ": the server could not resolve the next hop of the "
                                          "Request-URI (RFC 3263); the capture holds no DNS "
                                          "traffic before it, so the server's resolver is reached "
                                          "on a path this capture does not see");
    assert_items(r, "code=478", "response.failure", cause,
                 "call.outcome='call rejected: 478 " KAMAILIO_478 " after unauthenticated INVITE'",
                 "transaction.request=#1", "via");
    g_free(cause);
    sipkb_analyzer_free(a);
}

/* NOERROR with records is an answer, not a failure; an SRV name that does not exist is a step
 * of RFC 3263 section 4.2 when the host's A record answers; NOERROR without records is NODATA
 * (RFC 2308 section 2.2), unless another record of the host answered (an AAAA without records
 * beside an A that answered). */
static void
test_dns_answered_is_no_failure(void)
{
    static const dns_case cases[] = {
        {"A answered", "pbx.example.net", 1, {{2, NOERROR, 1, TYPE_A, "pbx.example.net"}}, NULL, 0},
        {"SRV absent, A answered",
         "pbx.example.net",
         1,
         {{2, NXDOMAIN, 0, TYPE_SRV, "_sip._udp.pbx.example.net"},
          {3, NOERROR, 1, TYPE_A, "pbx.example.net"}},
         NULL,
         0},
        {"A answered, AAAA without records",
         "pbx.example.net",
         1,
         {{2, NOERROR, 2, TYPE_A, "pbx.example.net"},
          {3, NOERROR, 0, TYPE_AAAA, "pbx.example.net"}},
         NULL,
         0},
        {"SRV answered",
         "pbx.example.net",
         1,
         {{2, NOERROR, 1, TYPE_SRV, "_sip._udp.pbx.example.net"}},
         NULL,
         0},
        {"A without records",
         "pbx.example.net",
         1,
         {{2, NOERROR, 0, TYPE_A, "pbx.example.net"}},
         "NODATA for pbx.example.net A",
         2},
        {"A answered, then no longer",
         "pbx.example.net",
         1,
         {{2, NOERROR, 1, TYPE_A, "pbx.example.net"}, {3, NXDOMAIN, 0, TYPE_A, "pbx.example.net"}},
         "NXDOMAIN for pbx.example.net A",
         3},
    };
    check_dns_cases(cases, G_N_ELEMENTS(cases));
}

/* A response whose server says nothing of DNS is not linked to a DNS failure before it, nor is
 * a Warning whose agent (not its text) has "dns" in its name. */
static void
test_dns_needs_the_servers_words(void)
{
    sipkb_analyzer *a = analyzer_new();
    add_invite_to(a, 1, "call-1", "pbx.nowhere.test");
    add_dns(a, 2, NXDOMAIN, 0, "pbx.nowhere.test", TYPE_A);
    const sipkb_result *r = add_answer(a, 3, "call-1", 480, "Temporarily Unavailable");
    assert_items(r, "code=480", "response.failure",
                 "call.outcome='callee not reached: 480 Temporarily Unavailable'",
                 "transaction.request=#1", "via");
    add_invite_to(a, 4, "call-2", "pbx.nowhere.test");
    test_msg *response = msg_response(5, 503, "INVITE", "call-2", 1, "z9hG4bK1");
    response->msg.warning = keep(response, "399 dns1.example.net \"Overloaded\"");
    assert_dns_link(add(a, response), NULL, 0);
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 20.43: a Warning's text is the server's account too; when it says a lookup
 * failed and the phrase does not, the Warning's cause names the failed lookup. Without the
 * request, the To URI's host stands for the Request-URI's (section 8.1.1.1). */
static void
test_dns_warning_says_so(void)
{
    sipkb_analyzer *a = analyzer_new();
    add_dns(a, 1, NXDOMAIN, 0, "pbx.nowhere.test", TYPE_A);
    test_msg *response = msg_response(2, 503, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_uris(response, NULL, NULL, "bob", "pbx.nowhere.test");
    response->msg.warning = keep(response, "399 proxy.example.net \"No other DNS entries to try\"");
    const sipkb_result *r = add(a, response);
    assert_items(
        r, "code=503", "response.failure",
        "cause='The server\'s Warning header: 399 proxy.example.net \"No other DNS entries "
        "to try\", code 399: a miscellaneous warning in the server\'s own words; it says "
        "a DNS lookup failed, and the capture shows it: frame 1, NXDOMAIN for "
        "pbx.nowhere.test A: the Request-URI\'s host pbx.nowhere.test could not be "
        "resolved to a next hop (RFC 3263 section 4)'",
        "call.outcome='call rejected: 503 Service Unavailable'",
        "dns.failure='NXDOMAIN for pbx.nowhere.test A'", "dns.failure_frame=#1", "via");
    g_assert_cmpstr(r->summary, ==,
                    "The Warning says a DNS lookup failed: NXDOMAIN for pbx.nowhere.test A");
    sipkb_analyzer_free(a);
}

/* The words and names of include/sipkb/dns.h. */
static void
test_dns_words_and_names(void)
{
    static const struct {
        const char *text;
        gboolean says;
    } words[] = {
        {"No DNS results", TRUE},
        {"DNS Lookup Failed", TRUE},
        {KAMAILIO_478, TRUE},
        {"Cannot resolve destination", TRUE},
        {"Address resolution failed", TRUE},
        {"Temporarily Unavailable", FALSE},
        {"Not found (no mailbox)", FALSE},
        {NULL, FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(words); i++)
        g_assert_cmpint(sipkb_dns_words_say_failure(words[i].text), ==, words[i].says);

    static const struct {
        const char *query, *host;
        gboolean locates;
    } names[] = {
        {"pbx.example.net", "pbx.example.net", TRUE},
        {"PBX.example.net.", "pbx.EXAMPLE.net", TRUE},
        {"_sip._udp.pbx.example.net", "pbx.example.net", TRUE},
        {"_sips._tcp.pbx.example.net", "pbx.example.net", TRUE},
        {"_sip._udp.example.net", "pbx.example.net", FALSE},
        {"sip.pbx.example.net", "pbx.example.net", FALSE},
        {"example.net", "pbx.example.net", FALSE},
        {"_sip.pbx.example.net", "pbx.example.net", FALSE},
        {"pbx.example.net", NULL, FALSE},
        {NULL, "pbx.example.net", FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        g_assert_cmpint(sipkb_dns_name_locates(names[i].query, names[i].host), ==,
                        names[i].locates);

    static const struct {
        sipkb_dns_message dns;
        const char *failure;
    } answers[] = {
        {{.is_response = TRUE, .rcode = NXDOMAIN}, "NXDOMAIN"},
        {{.is_response = TRUE, .rcode = SERVFAIL}, "SERVFAIL"},
        {{.is_response = TRUE, .rcode = REFUSED}, "REFUSED"},
        {{.is_response = TRUE, .rcode = NOERROR}, "NODATA"},
        {{.is_response = TRUE, .rcode = NOERROR, .n_answers = 1}, NULL},
        {{.is_response = TRUE, .rcode = NOERROR, .truncated = TRUE}, NULL}, /* retried over TCP */
        {{.is_response = FALSE, .rcode = NXDOMAIN}, NULL},                  /* a query */
        {{.is_response = TRUE, .rcode = 1}, NULL},                          /* FORMERR */
    };
    for (gsize i = 0; i < G_N_ELEMENTS(answers); i++)
        g_assert_cmpstr(sipkb_dns_failure_name(sipkb_dns_failure_of(&answers[i].dns)), ==,
                        answers[i].failure);
}

/* ==== the ladder (sipkb_result_ladder) ====================================================== */

/* The arrow of one result: "label | comment", or NULL for a message without an arrow. */
static char *
ladder_of(const sipkb_result *result)
{
    GString *label = g_string_new(NULL);
    GString *comment = g_string_new(NULL);
    gboolean drawn = sipkb_result_ladder(findings_table, kb, result, label, comment);
    char *arrow = drawn ? g_strdup_printf("%s | %s", label->str, comment->str) : NULL;
    if (!drawn) {
        g_assert_cmpuint(label->len, ==, 0);
        g_assert_cmpuint(comment->len, ==, 0);
    }
    g_string_free(label, TRUE);
    g_string_free(comment, TRUE);
    return arrow;
}

#define assert_ladder(result, expected)                                                            \
    do {                                                                                           \
        char *arrow_ = ladder_of(result);                                                          \
        g_assert_cmpstr(arrow_, ==, (expected));                                                   \
        g_free(arrow_);                                                                            \
    } while (0)

/* The request with a Caller-ID mismatch and the 403 that answers it both say so, the request
 * though its answer to the challenge comes first among its items: the most severe finding
 * with ladder words wins. */
static void
test_ladder_callerid(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "REGISTER", "reg-1", 1, "z9hG4bK1"));
    test_msg *unauthorized = msg_response(2, 401, "REGISTER", "reg-1", 1, "z9hG4bK1");
    msg_challenge(unauthorized, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    assert_ladder(add(a, unauthorized),
                  "401 Unauthorized | 401 - challenge for realm sip.example.net");
    test_msg *retry = msg_request(3, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_from(retry, "2138394020");
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "2138394018", REALM, "nonce-1");
    const sipkb_result *request = add(a, retry);
    g_assert_cmpuint(request->items[0].finding, ==, SIPKB_F_AUTH_CHALLENGE_FRAME);
    assert_ladder(request, "REGISTER | REGISTER - Caller-ID 2138394020 != digest 2138394018");
    test_msg *forbidden = msg_response(4, 403, "REGISTER", "reg-1", 2, "z9hG4bK3");
    msg_reason(forbidden, "Forbidden - Authentication ID does not match");
    assert_ladder(add(a, forbidden),
                  "403 Forbidden | 403 - Caller-ID 2138394020 != digest 2138394018");
    sipkb_analyzer_free(a);

    /* The same number in two formats is worded as such. */
    a = analyzer_new();
    const sipkb_result *r = forbidden_after(a, "+12138394018", "2138394018", "Forbidden");
    assert_ladder(r, "403 Forbidden | 403 - Caller-ID +12138394018 vs digest 2138394018: format "
                     "only");
    sipkb_analyzer_free(a);

    /* Matching credentials: a 403 with nothing telling is its code alone. */
    a = analyzer_new();
    assert_ladder(forbidden_after(a, "alice", "alice", "Forbidden"), "403 Forbidden | 403");
    assert_ladder(result_of(a, 1), "INVITE | INVITE");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 9.2: the 487 names the CANCEL that ended its INVITE; provisional and
 * successful answers are their code. */
static void
test_ladder_cancel(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_ladder(add(a, msg_response(2, 180, "INVITE", "call-1", 1, "z9hG4bK1")),
                  "180 Ringing | 180");
    test_msg *cancel = msg_request(3, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel, 3.6);
    assert_ladder(add(a, cancel), "CANCEL | CANCEL");
    test_msg *invite_487 = msg_response(4, 487, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(invite_487, 3.8);
    assert_ladder(add(a, invite_487), "487 Request Terminated | 487 - after CANCEL frame 3");
    sipkb_analyzer_free(a);
}

/* A code the KB does not register is labelled with the code alone; a copy quoted in an ICMP
 * error is no arrow (RFC 3261 section 18.4: it only says its original failed). */
static void
test_ladder_unregistered_and_quoted(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_ladder(add(a, msg_response(2, 499, "INVITE", "call-1", 1, "z9hG4bK1")), "499 | 499");
    test_msg *quoted = msg_request(3, "INVITE", "call-1", 1, "z9hG4bK1");
    quoted->msg.in_icmp = TRUE;
    assert_ladder(add(a, quoted), NULL);
    sipkb_analyzer_free(a);
}

/* Whole-capture findings speak in the ladder once decided: a request never answered. */
static void
test_ladder_late(void)
{
    sipkb_analyzer *a = analyzer_new();
    const sipkb_result *options = add(a, msg_request(1, "OPTIONS", "ping-1", 1, "z9hG4bK1"));
    capture_goes_on(a, 2, 40.0);
    assert_ladder(options, "OPTIONS | OPTIONS");
    sipkb_analyzer_finish(a);
    assert_ladder(options, "OPTIONS | OPTIONS - no final response in the capture");
    sipkb_analyzer_free(a);
}

/* ==== relays.c ================================================================================ */

/* A second proxy, between the first one and the callee. */
#define PROXY2 "198.51.100.2"

/* The To tag the callee puts on its responses (RFC 3261 section 8.2.6.2). */
#define CALLEE_TAG "callee-77"

/* The proxy forwards the phone's request (branch `branch`) to the callee with its own Via on
 * top, branch `proxy_branch` (RFC 3261 section 16.6 step 8). */
static test_msg *
msg_forwarded(guint32 frame, const char *method, const char *call_id, guint32 cseq,
              const char *branch, const char *proxy_branch)
{
    test_msg *m = msg_request(frame, method, call_id, cseq, branch);
    msg_path(m, "UDP", PROXY, CALLEE);
    msg_push_via(m, PROXY, proxy_branch);
    return m;
}

/* The callee's response on the proxy's leg: the proxy's Via on top of the phone's. */
static test_msg *
msg_downstream(guint32 frame, guint32 code, const char *method, const char *call_id, guint32 cseq,
               const char *branch, const char *proxy_branch)
{
    test_msg *m = msg_response(frame, code, method, call_id, cseq, branch);
    msg_path(m, "UDP", CALLEE, PROXY);
    msg_push_via(m, PROXY, proxy_branch);
    if (code > 100)
        msg_to_tag(m, CALLEE_TAG);
    return m;
}

/* A response of the proxy to the phone with the callee's To tag: as it relays one. */
static test_msg *
msg_upstream(guint32 frame, guint32 code, const char *method, const char *call_id, guint32 cseq,
             const char *branch)
{
    test_msg *m = msg_response(frame, code, method, call_id, cseq, branch);
    if (code > 100)
        msg_to_tag(m, CALLEE_TAG);
    return m;
}

/* The phone's request (frame 1, branch z9hG4bK1) and the proxy's copy of it to the callee
 * (frame 2, branch z9hG4bKp1). */
static void
proxy_forwards(sipkb_analyzer *a, const char *method, const char *call_id, guint32 cseq)
{
    add(a, msg_request(1, method, call_id, cseq, "z9hG4bK1"));
    add(a, msg_forwarded(2, method, call_id, cseq, "z9hG4bK1", "z9hG4bKp1"));
}

/* The INVITE of call `call_id` through the proxy (frames 1, 2), the callee's `code` (3) and the
 * proxy's relay of it (4); returns the relay's result. */
static const sipkb_result *
relayed_answer(sipkb_analyzer *a, guint32 code, const char *call_id)
{
    proxy_forwards(a, "INVITE", call_id, 1);
    add(a, msg_downstream(3, code, "INVITE", call_id, 1, "z9hG4bK1", "z9hG4bKp1"));
    return add(a, msg_upstream(4, code, "INVITE", call_id, 1, "z9hG4bK1"));
}

/* The frame a response was relayed from, 0 for none. */
static guint32
relayed_from(const sipkb_result *r)
{
    const sipkb_item *item = sipkb_result_find(r, SIPKB_F_RESPONSE_RELAYED_FROM);
    return item ? item->value.number : 0;
}

/* The first cause of a response the proxy relayed from the callee's copy in `frame`. */
#define RELAYED_CAUSE(code, frame)                                                                 \
    "Generated by 203.0.113.50:5060 (frame " frame "), not by this proxy: it relayed the " code    \
    " minus its own Via (RFC 3261 section 16.7 steps 3 and 9); the causes below are that "         \
    "element's"

/* RFC 3261 section 16.7 steps 3 and 9: the proxy removes its own Via from the callee's 486 and
 * forwards it; the copy upstream links to the one downstream and names who generated it, its
 * first cause says so, and its expert item stays (the caller got a 486), worded as a relay. */
static void
test_relays_invite_failure(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_response(2, 100, "INVITE", "call-1", 1, "z9hG4bK1"));
    add(a, msg_forwarded(3, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    add(a, msg_downstream(4, 100, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *downstream =
        add(a, msg_downstream(5, 486, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    assert_items(downstream, "code=486", "response.failure",
                 "call.outcome='callee busy: 486 Busy Here'", "transaction.request=#3", "via");
    g_assert_false(downstream->facts & SIPKB_FACT_RELAYED);
    const sipkb_result *relayed = add(a, msg_upstream(6, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(relayed, "code=486", "response.failure/1", "cause='" RELAYED_CAUSE("486", "5") "'",
                 "call.outcome='callee busy: 486 Busy Here'", "transaction.request=#1",
                 "response.relayed_from=#5", "response.generated_by='203.0.113.50:5060'", "via");
    g_assert_cmpuint(relayed->facts, ==,
                     SIPKB_FACT_TRACKED | SIPKB_FACT_FINAL | SIPKB_FACT_RELAYED);
    g_assert_cmpuint(relayed->severity, ==, SIPKB_SEVERITY_WARN);
    /* The expert text, with the KB's reason phrase and summary as the tree gives them. */
    const sipkb_finding_def *failure = sipkb_findings_def(findings_table, SIPKB_F_RESPONSE_FAILURE);
    GString *text = g_string_new(NULL);
    sipkb_result_render(findings_table, relayed, sipkb_finding_expert_text(failure, 1), "Busy Here",
                        "Callee busy at this location", text);
    g_assert_cmpstr(text->str, ==,
                    "486 Busy Here, relayed by a proxy: Callee busy at this location");
    g_string_free(text, TRUE);
    assert_ladder(relayed, "486 Busy Here | 486 - relayed from frame 5");
    assert_ladder(downstream, "486 Busy Here | 486");
    sipkb_analyzer_free(a);
}

/* The relay says who generated the response, not why: the cause the server's own words give
 * follows it and still sums the response up (the title, Info column and expert text). */
static void
test_relays_cause_first_summary_from_evidence(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *downstream = msg_downstream(5, 480, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_reason(downstream, "No DNS results");
    const sipkb_result *first = add(a, downstream);
    test_msg *upstream = msg_upstream(6, 480, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_reason(upstream, "No DNS results");
    const sipkb_result *relayed = add(a, upstream);
    char *causes = causes_of(relayed);
    g_assert_cmpstr(
        causes, ==,
        RELAYED_CAUSE(
            "480", "5") "\n"
                        "The reason phrase \"No DNS results\" says a DNS lookup failed: the server "
                        "could not resolve the next hop of the Request-URI (RFC 3263); the "
                        "capture holds no DNS traffic before it, so the server's resolver is "
                        "reached on a path this capture does not see");
    g_free(causes);
    g_assert_nonnull(relayed->summary);
    g_assert_cmpstr(relayed->summary, ==, first->summary);
    /* The capture lacks the request: no transaction, the relay all the same. */
    g_assert_cmpuint(relayed->facts, ==, SIPKB_FACT_RELAYED);
    sipkb_analyzer_free(a);

    /* Also when the evidence comes from a rule decided after the response's own (the offer a
     * 488 refuses, RFC 3264 section 5.1). */
    a = analyzer_new();
    add(a, msg_invite_without_media());
    first = add(a, msg_downstream(2, 488, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    relayed = add(a, msg_upstream(3, 488, "INVITE", "call-1", 1, "z9hG4bK1"));
    causes = causes_of(relayed);
    g_assert_cmpstr(
        causes, ==,
        RELAYED_CAUSE(
            "488",
            "2") "\n"
                 "The offer (frame 1) disabled every stream (port 0): it offered no media at "
                 "all, so no codec was compared (RFC 3264 section 5.1)");
    g_free(causes);
    g_assert_cmpstr(relayed->summary, ==,
                    "The offer disabled every stream (port 0): no media was offered, so no codec "
                    "was compared");
    sipkb_analyzer_free(a);
}

/* What the proxy generates itself is no relay: its 100 Trying, even after the callee's (a
 * proxy never forwards a 100, section 16.7 step 5); a 408 when the callee did not answer (no
 * response downstream); a final response issued with its own To tag in place of the callee's
 * (step 6: one simply forwarded keeps it); another code than the callee's. */
static void
test_relays_own_response_of_proxy(void)
{
    sipkb_analyzer *a = analyzer_new();
    proxy_forwards(a, "INVITE", "call-1", 1);
    add(a, msg_downstream(3, 100, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    assert_items(add(a, msg_response(4, 100, "INVITE", "call-1", 1, "z9hG4bK1")), "code=100",
                 "response.progress", "transaction.request=#1", "via");
    add(a, msg_downstream(5, 480, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *own = add(a, msg_response(6, 480, "INVITE", "call-1", 1, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(own), ==, 0);
    g_assert_false(own->facts & SIPKB_FACT_RELAYED);
    sipkb_analyzer_free(a);

    /* The callee never answered; the proxy's Timer C fired (section 16.8): its own 408. */
    a = analyzer_new();
    g_assert_cmpuint(relayed_from(relayed_answer(a, 180, "call-2")), ==, 3);
    test_msg *timeout = msg_upstream(5, 408, "INVITE", "call-2", 1, "z9hG4bK1");
    msg_at(timeout, 181.0);
    const sipkb_result *own_timeout = add(a, timeout);
    g_assert_cmpuint(relayed_from(own_timeout), ==, 0);
    sipkb_analyzer_free(a);

    /* The callee's 486 turned into a 603 upstream: the proxy's own response. */
    a = analyzer_new();
    add(a, msg_downstream(1, 486, "INVITE", "call-3", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *other_code =
        add(a, msg_upstream(2, 603, "INVITE", "call-3", 1, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(other_code), ==, 0);
    /* Another CSeq, or a Via list not the downstream one's without its top entry. */
    const sipkb_result *other_cseq =
        add(a, msg_upstream(3, 486, "INVITE", "call-3", 2, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(other_cseq), ==, 0);
    const sipkb_result *other_branch =
        add(a, msg_upstream(4, 486, "INVITE", "call-3", 1, "z9hG4bK9"));
    g_assert_cmpuint(relayed_from(other_branch), ==, 0);
    test_msg *both_vias = msg_downstream(5, 486, "INVITE", "call-3", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_path(both_vias, "UDP", PROXY, UAC);
    const sipkb_result *same_list = add(a, both_vias);
    g_assert_cmpuint(relayed_from(same_list), ==, 0);
    sipkb_analyzer_free(a);
}

/* Copies of a response: each copy of a 2xx to INVITE that the callee repeats is forwarded
 * again (sections 13.3.1.4 and 16.7 step 5), so a copy upstream links to the latest copy
 * downstream before it; a non-INVITE final response repeated downstream (for a retransmitted
 * request) is relayed once, from the latest copy. */
static void
test_relays_retransmitted_downstream_copy(void)
{
    sipkb_analyzer *a = analyzer_new();
    assert_items(relayed_answer(a, 200, "call-1"), "code=200", "response.progress/1",
                 "call.outcome='call answered: 200 OK'", "transaction.request=#1",
                 "response.relayed_from=#3", "response.generated_by='203.0.113.50:5060'", "via");
    test_msg *again = msg_downstream(5, 200, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_at(again, 1.0);
    assert_items(add(a, again), "transaction.final_repeated", "transaction.final_first=#3",
                 "code=200", "response.progress", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#2", "via");
    test_msg *relayed_again = msg_upstream(6, 200, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(relayed_again, 1.0);
    assert_items(add(a, relayed_again), "transaction.final_repeated", "transaction.final_first=#4",
                 "code=200", "response.progress/1", "call.outcome='call answered: 200 OK'",
                 "transaction.request=#1", "response.relayed_from=#5",
                 "response.generated_by='203.0.113.50:5060'", "via");
    sipkb_analyzer_free(a);

    a = analyzer_new();
    add(a, msg_downstream(1, 501, "SUBSCRIBE", "sub-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    add(a, msg_downstream(2, 501, "SUBSCRIBE", "sub-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *relayed = add(a, msg_upstream(3, 501, "SUBSCRIBE", "sub-1", 1, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(relayed), ==, 2);
    sipkb_analyzer_free(a);
}

/* The downstream copy is not in the capture (taken upstream of the proxy), or comes later in
 * it: the response is explained as it is, with no link. */
static void
test_relays_missing_downstream_copy(void)
{
    sipkb_analyzer *a = analyzer_new();
    add(a, msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1"));
    const sipkb_result *busy = add(a, msg_upstream(2, 486, "INVITE", "call-1", 1, "z9hG4bK1"));
    assert_items(busy, "code=486", "response.failure", "call.outcome='callee busy: 486 Busy Here'",
                 "transaction.request=#1", "via");
    const sipkb_result *later =
        add(a, msg_downstream(3, 486, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    g_assert_cmpuint(relayed_from(later), ==, 0);
    g_assert_cmpuint(relayed_from(busy), ==, 0);
    sipkb_analyzer_free(a);
}

/* Out of a dialog and in one, INVITE or not, the relay is the same: a BYE routed through the
 * proxy (Record-Route, section 16.12) gets the callee's 200 relayed; a SUBSCRIBE forwarded to
 * the user's device gets its 501 relayed. A B2BUA is no proxy: its leg is a new call (its own
 * Call-ID and Via), so nothing links. */
static void
test_relays_in_and_out_of_dialog(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *bye = msg_request(1, "BYE", "call-1", 2, "z9hG4bK1");
    msg_to_tag(bye, CALLEE_TAG);
    add(a, bye);
    test_msg *forwarded_bye = msg_forwarded(2, "BYE", "call-1", 2, "z9hG4bK1", "z9hG4bKp1");
    msg_to_tag(forwarded_bye, CALLEE_TAG);
    add(a, forwarded_bye);
    add(a, msg_downstream(3, 200, "BYE", "call-1", 2, "z9hG4bK1", "z9hG4bKp1"));
    assert_items(add(a, msg_upstream(4, 200, "BYE", "call-1", 2, "z9hG4bK1")), "code=200",
                 "response.progress/1", "transaction.request=#1", "response.relayed_from=#3",
                 "response.generated_by='203.0.113.50:5060'", "via");

    add(a, msg_request(5, "SUBSCRIBE", "sub-1", 1, "z9hG4bK5"));
    add(a, msg_forwarded(6, "SUBSCRIBE", "sub-1", 1, "z9hG4bK5", "z9hG4bKp5"));
    test_msg *refused = msg_downstream(7, 501, "SUBSCRIBE", "sub-1", 1, "z9hG4bK5", "z9hG4bKp5");
    msg_reason(refused, "Not Implemented");
    add(a, refused);
    test_msg *refused_upstream = msg_upstream(8, 501, "SUBSCRIBE", "sub-1", 1, "z9hG4bK5");
    msg_reason(refused_upstream, "Not Implemented");
    const sipkb_result *relayed = add(a, refused_upstream);
    assert_items(relayed, "code=501", "response.failure/1", "cause='" RELAYED_CAUSE("501", "7") "'",
                 "transaction.request=#5", "response.relayed_from=#7",
                 "response.generated_by='203.0.113.50:5060'", "via");

    /* The B2BUA's own leg: another Call-ID, its Via alone. */
    test_msg *leg = msg_request(9, "INVITE", "b2bua-leg-1", 1, "z9hG4bKb1");
    msg_path(leg, "UDP", PROXY, CALLEE);
    msg_via(leg, "UDP", PROXY);
    add(a, leg);
    test_msg *leg_busy = msg_response(10, 486, "INVITE", "b2bua-leg-1", 1, "z9hG4bKb1");
    msg_path(leg_busy, "UDP", CALLEE, PROXY);
    msg_via(leg_busy, "UDP", PROXY);
    add(a, leg_busy);
    add(a, msg_request(11, "INVITE", "call-2", 1, "z9hG4bK11"));
    const sipkb_result *b2bua_busy =
        add(a, msg_upstream(12, 486, "INVITE", "call-2", 1, "z9hG4bK11"));
    g_assert_cmpuint(relayed_from(b2bua_busy), ==, 0);
    sipkb_analyzer_free(a);
}

/* A relayed 487 after the caller's CANCEL (section 9.2) is the expected ending, relayed: its
 * CANCEL tells more in the ladder than where it came from. */
static void
test_relays_cancelled_invite(void)
{
    sipkb_analyzer *a = analyzer_new();
    proxy_forwards(a, "INVITE", "call-1", 1);
    test_msg *cancel = msg_request(3, "CANCEL", "call-1", 1, "z9hG4bK1");
    msg_at(cancel, 2.0);
    add(a, cancel);
    test_msg *terminated = msg_downstream(4, 487, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_at(terminated, 2.1);
    add(a, terminated);
    test_msg *relayed_487 = msg_upstream(5, 487, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_at(relayed_487, 2.1);
    const sipkb_result *relayed = add(a, relayed_487);
    assert_items(relayed, "code=487", "response.cancelled/1",
                 "cause='" RELAYED_CAUSE("487", "4") "'",
                 "call.outcome='call cancelled by the caller 1.9 s after the INVITE: 487 after "
                 "CANCEL (frame 3)'",
                 "transaction.request=#1", "cancel.frame=#3", "cancel.delay=1.900s",
                 "response.relayed_from=#4", "response.generated_by='203.0.113.50:5060'", "via");
    assert_ladder(relayed, "487 Request Terminated | 487 - after CANCEL frame 3");
    g_assert_cmpuint(relayed->severity, ==, SIPKB_SEVERITY_NOTE); /* response.cancelled */
    sipkb_analyzer_free(a);
}

/* A 401 of the callee relayed by the proxy is one challenge: the client's retry answers the
 * copy it got and the callee's alike (the proxy forwards the credentials, RFC 3261 sections 16.7
 * and 22.2); never answered, it is said unanswered once, on the copy the client got. */
static void
test_relays_challenge(void)
{
    sipkb_analyzer *a = analyzer_new();
    proxy_forwards(a, "INVITE", "call-1", 1);
    test_msg *challenge = msg_downstream(3, 401, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_challenge(challenge, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    const sipkb_result *downstream = add(a, challenge);
    test_msg *relayed_challenge = msg_upstream(4, 401, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_challenge(relayed_challenge, SIPKB_AUTH_WWW_AUTHENTICATE, REALM, "nonce-1", NULL);
    const sipkb_result *relayed = add(a, relayed_challenge);
    g_assert_cmpuint(relayed_from(relayed), ==, 3);
    g_assert_cmpuint(relayed->facts, ==,
                     SIPKB_FACT_TRACKED | SIPKB_FACT_FINAL | SIPKB_FACT_CHALLENGE |
                         SIPKB_FACT_RELAYED);
    test_msg *retry = msg_request(5, "INVITE", "call-1", 2, "z9hG4bK5");
    msg_credentials(retry, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    const sipkb_result *answer = add(a, retry);
    g_assert_cmpuint(answer->challenge_frame, ==, 4);
    test_msg *forwarded = msg_forwarded(6, "INVITE", "call-1", 2, "z9hG4bK5", "z9hG4bKp5");
    msg_credentials(forwarded, SIPKB_AUTH_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, forwarded);
    /* Each leg's 401 is ACKed on its own hop (RFC 3261 sections 16.7 step 5, 17.1.1.3). */
    add(a, msg_request(7, "ACK", "call-1", 1, "z9hG4bK1"));
    add(a, msg_forwarded(8, "ACK", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    sipkb_analyzer_finish(a);
    assert_late(downstream, "auth.answered_in=#5");
    assert_late(relayed, "auth.answered_in=#5");
    sipkb_analyzer_free(a);

    a = analyzer_new();
    proxy_forwards(a, "INVITE", "call-1", 1);
    challenge = msg_downstream(3, 407, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_challenge(challenge, SIPKB_AUTH_PROXY_AUTHENTICATE, REALM, "nonce-1", NULL);
    downstream = add(a, challenge);
    relayed_challenge = msg_upstream(4, 407, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_challenge(relayed_challenge, SIPKB_AUTH_PROXY_AUTHENTICATE, REALM, "nonce-1", NULL);
    relayed = add(a, relayed_challenge);
    add(a, msg_request(5, "ACK", "call-1", 1, "z9hG4bK1"));
    add(a, msg_forwarded(6, "ACK", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    capture_goes_on(a, 7, 40.0);
    sipkb_analyzer_finish(a);
    assert_no_late(downstream);
    assert_late(relayed, "auth.unanswered");
    sipkb_analyzer_free(a);
}

/* RFC 3261 section 16.7: a 403 the callee generated judged the request as the proxy forwarded
 * it; the caller's credentials, which the proxy consumed, are not the evidence for it. The
 * relayed copy's causes and one line are those of the request the callee got. */
static void
test_relays_forbidden_judged_downstream(void)
{
    sipkb_analyzer *a = analyzer_new();
    test_msg *invite = msg_request(1, "INVITE", "call-1", 1, "z9hG4bK1");
    msg_from(invite, "alice");
    msg_credentials(invite, SIPKB_AUTH_PROXY_AUTHORIZATION, "alice", REALM, "nonce-1");
    add(a, invite);
    add(a, msg_forwarded(2, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *generated =
        add(a, msg_downstream(3, 403, "INVITE", "call-1", 1, "z9hG4bK1", "z9hG4bKp1"));
    const sipkb_result *relayed = add(a, msg_upstream(4, 403, "INVITE", "call-1", 1, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(relayed), ==, 3);
    g_assert_null(generated->summary);
    g_assert_null(relayed->summary);
    g_assert_cmpint(relayed->situation.credentials, ==, SIPKB_KB_NO);
    char *causes = causes_of(relayed);
    g_assert_true(g_str_has_prefix(causes, RELAYED_CAUSE("403", "3")));
    g_assert_null(strstr(causes, "carried credentials"));
    g_assert_null(strstr(causes, "wrong password"));
    g_free(causes);
    sipkb_analyzer_free(a);
}

/* Two proxies in the capture: each copy links to the one it was relayed from, and each names
 * the callee, which generated the response (an IPv6 address in brackets, as in a Via). */
static void
test_relays_through_two_proxies(void)
{
    sipkb_analyzer *a = analyzer_new();
    /* The callee's 404 carries the Vias of the phone, the first proxy and the second. */
    test_msg *callee = msg_response(1, 404, "MESSAGE", "msg-1", 1, "z9hG4bK1");
    msg_to_tag(callee, CALLEE_TAG);
    msg_push_via(callee, PROXY, "z9hG4bKp1");
    msg_push_via(callee, PROXY2, "z9hG4bKq1");
    msg_path(callee, "UDP", "2001:db8::50", PROXY2);
    add(a, callee);
    test_msg *middle = msg_downstream(2, 404, "MESSAGE", "msg-1", 1, "z9hG4bK1", "z9hG4bKp1");
    msg_path(middle, "UDP", PROXY2, PROXY);
    const sipkb_result *second = add(a, middle);
    g_assert_cmpuint(relayed_from(second), ==, 1);
    g_assert_cmpstr(sipkb_result_find(second, SIPKB_F_RESPONSE_GENERATED_BY)->value.text, ==,
                    "[2001:db8::50]:5060");
    const sipkb_result *first = add(a, msg_upstream(3, 404, "MESSAGE", "msg-1", 1, "z9hG4bK1"));
    g_assert_cmpuint(relayed_from(first), ==, 2);
    g_assert_cmpstr(sipkb_result_find(first, SIPKB_F_RESPONSE_GENERATED_BY)->value.text, ==,
                    "[2001:db8::50]:5060");

    /* A sender the message does not give: the cause names none. */
    test_msg *unknown = msg_downstream(4, 404, "MESSAGE", "msg-2", 1, "z9hG4bK4", "z9hG4bKp4");
    unknown->msg.path.source = NULL;
    add(a, unknown);
    const sipkb_result *relayed = add(a, msg_upstream(5, 404, "MESSAGE", "msg-2", 1, "z9hG4bK4"));
    assert_items(
        relayed, "code=404", "response.failure/1",
        "cause='Generated downstream (frame 4), not by this proxy: it relayed the 404 minus "
        "its own Via (RFC 3261 section 16.7 steps 3 and 9); the causes below are that "
        "element's'",
        "response.relayed_from=#4", "via");
    sipkb_analyzer_free(a);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    load_shipped_files();

    g_test_add_func("/analyzer/transactions/response-matched", test_transactions_response_matched);
    g_test_add_func("/analyzer/transactions/retransmission", test_transactions_retransmission);
    g_test_add_func("/analyzer/transactions/proxy-leg-not-retransmission",
                    test_transactions_proxy_leg_not_retransmission);
    g_test_add_func("/analyzer/transactions/nat-copy-not-retransmission",
                    test_transactions_nat_copy_not_retransmission);
    g_test_add_func("/analyzer/transactions/cancel-linked", test_transactions_cancel_linked);
    g_test_add_func("/analyzer/transactions/rfc2543-matching", test_transactions_rfc2543_matching);
    g_test_add_func("/analyzer/transactions/timeout-after-cancel",
                    test_transactions_timeout_after_cancel);
    g_test_add_func("/analyzer/transactions/request-outside-dialog",
                    test_transactions_request_outside_dialog);
    g_test_add_func("/analyzer/transactions/accepted-outside-dialog",
                    test_transactions_accepted_outside_dialog);
    g_test_add_func("/analyzer/dialog-cseq/lower", test_dialog_cseq_lower);
    g_test_add_func("/analyzer/dialog-cseq/in-order", test_dialog_cseq_in_order);
    g_test_add_func("/analyzer/dialog-cseq/per-direction", test_dialog_cseq_per_direction);
    g_test_add_func("/analyzer/dialog-cseq/per-sender", test_dialog_cseq_per_sender);
    g_test_add_func("/analyzer/dialog-cseq/ack-cancel", test_dialog_cseq_ack_cancel);
    g_test_add_func("/analyzer/transactions/cancel-missing", test_transactions_cancel_missing);
    g_test_add_func("/analyzer/transactions/no-final-response-after-finish",
                    test_transactions_no_final_response_after_finish);
    g_test_add_func("/analyzer/transactions/capture-ended-first",
                    test_transactions_capture_ended_first);
    g_test_add_func("/analyzer/transactions/final-missing-shown-by-ack",
                    test_transactions_final_missing_shown_by_ack);
    g_test_add_func("/analyzer/transactions/response-missing-shown-by-tag",
                    test_transactions_response_missing_shown_by_tag);
    g_test_add_func("/analyzer/transactions/final-repeated", test_transactions_final_repeated);
    g_test_add_func("/analyzer/transactions/final-unacked-timer-h",
                    test_transactions_final_unacked_timer_h);
    g_test_add_func("/analyzer/transactions/final-unacked-client-went-on",
                    test_transactions_final_unacked_client_went_on);
    g_test_add_func("/analyzer/transactions/final-unacked-in-dialog",
                    test_transactions_final_unacked_in_dialog);
    g_test_add_func("/analyzer/transactions/final-unacked-per-hop",
                    test_transactions_final_unacked_per_hop);
    g_test_add_func("/analyzer/transactions/final-unacked-other-branch",
                    test_transactions_final_unacked_other_branch);
    g_test_add_func("/analyzer/transactions/final-unacked-client-kept-sending",
                    test_transactions_final_unacked_client_kept_sending);
    g_test_add_func("/analyzer/transactions/2xx-unacked", test_transactions_2xx_unacked);
    g_test_add_func("/analyzer/transactions/ack-never-lacks-response",
                    test_transactions_ack_never_lacks_response);
    g_test_add_func("/analyzer/transactions/final-response-clears",
                    test_transactions_final_response_clears);
    g_test_add_func("/analyzer/transactions/finish-twice", test_transactions_finish_twice);
    g_test_add_func("/analyzer/transactions/two-messages-in-one-frame",
                    test_transactions_two_messages_in_one_frame);

    g_test_add_func("/analyzer/auth/challenge-answered", test_auth_challenge_answered);
    g_test_add_func("/analyzer/auth/challenge-unanswered", test_auth_challenge_unanswered);
    g_test_add_func("/analyzer/auth/challenge-resent", test_auth_challenge_resent);
    g_test_add_func("/analyzer/auth/stale", test_auth_stale);
    g_test_add_func("/analyzer/auth/rejected", test_auth_rejected);
    g_test_add_func("/analyzer/auth/stale-or-rejected-after-nonce-lifetime",
                    test_auth_stale_or_rejected_after_nonce_lifetime);
    g_test_add_func("/analyzer/auth/old-nonce-is-stale", test_auth_old_nonce_is_stale);
    g_test_add_func("/analyzer/auth/reused-nonce-is-stale", test_auth_reused_nonce_is_stale);
    g_test_add_func("/analyzer/auth/older-challenge-nonce-is-stale",
                    test_auth_older_challenge_nonce_is_stale);
    g_test_add_func("/analyzer/auth/nextnonce-ignored-is-stale",
                    test_auth_nextnonce_ignored_is_stale);
    g_test_add_func("/analyzer/callerid/mismatch", test_callerid_mismatch);
    g_test_add_func("/analyzer/callerid/format-only", test_callerid_format_only);
    g_test_add_func("/analyzer/callerid/match", test_callerid_match);
    g_test_add_func("/analyzer/callerid/asserted", test_callerid_asserted);
    g_test_add_func("/analyzer/callerid/not-in-dialog", test_callerid_not_in_dialog);
    g_test_add_func("/analyzer/callerid/username-form", test_callerid_username_form);
    g_test_add_func("/analyzer/callerid/mismatch-accepted-before",
                    test_callerid_mismatch_accepted_before);

    g_test_add_func("/analyzer/responses/forbidden-callerid-first",
                    test_responses_forbidden_callerid_first);
    g_test_add_func("/analyzer/responses/forbidden-restated-causes",
                    test_responses_forbidden_restated_causes);
    g_test_add_func("/analyzer/subtree-opens-on-problems", test_subtree_opens_on_problems);
    g_test_add_func("/analyzer/responses/forbidden-reason-ranked",
                    test_responses_forbidden_reason_ranked);
    g_test_add_func("/analyzer/responses/forbidden-cause-quotes-reason-phrase",
                    test_responses_forbidden_cause_quotes_reason_phrase);
    g_test_add_func("/analyzer/responses/situation", test_responses_situation);
    g_test_add_func("/analyzer/responses/event-situation", test_responses_event_situation);
    g_test_add_func("/analyzer/responses/expires-zero-situation",
                    test_responses_expires_zero_situation);
    g_test_add_func("/analyzer/responses/not-found-registered",
                    test_responses_not_found_registered);
    g_test_add_func("/analyzer/responses/not-found-register-host",
                    test_responses_not_found_register_host);
    g_test_add_func("/analyzer/responses/server-words", test_responses_server_words);
    g_test_add_func("/analyzer/responses/summary-from-evidence",
                    test_responses_summary_from_evidence);
    g_test_add_func("/analyzer/responses/call-outcomes", test_responses_call_outcomes);
    g_test_add_func("/analyzer/responses/timed-out", test_responses_timed_out);
    g_test_add_func("/analyzer/responses/no-outcome-for-non-invite",
                    test_responses_no_outcome_for_non_invite);
    g_test_add_func("/analyzer/responses/no-outcome-for-reinvite",
                    test_responses_no_outcome_for_reinvite);
    g_test_add_func("/analyzer/responses/retry-after", test_responses_retry_after);
    g_test_add_func("/analyzer/responses/redirect-targets", test_responses_redirect_targets);
    g_test_add_func("/analyzer/responses/invalid-code", test_responses_invalid_code);
    g_test_add_func("/analyzer/responses/severity", test_responses_severity);

    g_test_add_func("/analyzer/sdp/offer-codecs", test_sdp_offer_codecs);
    g_test_add_func("/analyzer/sdp/answer-matches", test_sdp_answer_matches);
    g_test_add_func("/analyzer/sdp/offer-in-2xx-answer-in-ack",
                    test_sdp_offer_in_2xx_answer_in_ack);
    g_test_add_func("/analyzer/sdp/not-offered", test_sdp_not_offered);
    g_test_add_func("/analyzer/sdp/extra-format-allowed", test_sdp_extra_format_allowed);
    g_test_add_func("/analyzer/sdp/payload-remapped", test_sdp_payload_remapped);
    g_test_add_func("/analyzer/sdp/direction-mismatch", test_sdp_direction_mismatch);
    g_test_add_func("/analyzer/sdp/no-common-codec", test_sdp_no_common_codec);
    g_test_add_func("/analyzer/sdp/dtmf-dropped", test_sdp_dtmf_dropped);
    g_test_add_func("/analyzer/sdp/ptime-and-profile-mismatch",
                    test_sdp_ptime_and_profile_mismatch);
    g_test_add_func("/analyzer/sdp/refused-srtp", test_sdp_refused_srtp);
    g_test_add_func("/analyzer/sdp/refused-fax", test_sdp_refused_fax);
    g_test_add_func("/analyzer/sdp/refused-no-media", test_sdp_refused_no_media);
    g_test_add_func("/analyzer/sdp/refusal-of-other-transaction",
                    test_sdp_refusal_of_other_transaction);
    g_test_add_func("/analyzer/sdp/nat", test_sdp_nat);
    g_test_add_func("/analyzer/sdp/hold", test_sdp_hold);
    g_test_add_func("/analyzer/sdp/hold-unknown-address-and-inactive",
                    test_sdp_hold_unknown_address_and_inactive);
    g_test_add_func("/analyzer/sdp/first-offer-not-hold", test_sdp_first_offer_not_hold);

    g_test_add_func("/analyzer/via/transport-mismatch", test_via_transport_mismatch);
    g_test_add_func("/analyzer/via/nat", test_via_nat);
    g_test_add_func("/analyzer/via/no-branch", test_via_no_branch);
    g_test_add_func("/analyzer/via/explain-branch", test_via_explain_branch);

    g_test_add_func("/analyzer/icmp/copy-not-retransmission", test_icmp_copy_not_retransmission);
    g_test_add_func("/analyzer/icmp/from-is-the-error-sender", test_icmp_from_is_the_error_sender);
    g_test_add_func("/analyzer/icmp/title-names-what-is-quoted",
                    test_icmp_title_names_what_is_quoted);

    g_test_add_func("/analyzer/responses/forbidden-in-dialog-no-from-claim",
                    test_responses_forbidden_in_dialog_no_from_claim);
    g_test_add_func("/analyzer/sdp/hold-in-dialog-without-first-offer",
                    test_sdp_hold_in_dialog_without_first_offer);
    g_test_add_func("/analyzer/sdp/no-common-codec-beside-telephone-event",
                    test_sdp_no_common_codec_beside_telephone_event);
    g_test_add_func("/analyzer/responses/invalid-code-not-final",
                    test_responses_invalid_code_not_final);

    g_test_add_func("/analyzer/dns/failure-before-response", test_dns_failure_before_response);
    g_test_add_func("/analyzer/dns/failure-after-response", test_dns_failure_after_response);
    g_test_add_func("/analyzer/dns/matching-name-first", test_dns_matching_name_first);
    g_test_add_func("/analyzer/dns/latest-failure-wins", test_dns_latest_failure_wins);
    g_test_add_func("/analyzer/dns/none-in-capture", test_dns_none_in_capture);
    g_test_add_func("/analyzer/dns/answered-is-no-failure", test_dns_answered_is_no_failure);
    g_test_add_func("/analyzer/dns/needs-the-servers-words", test_dns_needs_the_servers_words);
    g_test_add_func("/analyzer/dns/warning-says-so", test_dns_warning_says_so);
    g_test_add_func("/analyzer/dns/words-and-names", test_dns_words_and_names);

    g_test_add_func("/analyzer/ladder/callerid", test_ladder_callerid);
    g_test_add_func("/analyzer/ladder/cancel", test_ladder_cancel);
    g_test_add_func("/analyzer/ladder/unregistered-and-quoted",
                    test_ladder_unregistered_and_quoted);
    g_test_add_func("/analyzer/ladder/late", test_ladder_late);
    g_test_add_func("/analyzer/relays/invite-failure", test_relays_invite_failure);
    g_test_add_func("/analyzer/relays/cause-first-summary-from-evidence",
                    test_relays_cause_first_summary_from_evidence);
    g_test_add_func("/analyzer/relays/own-response-of-proxy", test_relays_own_response_of_proxy);
    g_test_add_func("/analyzer/relays/retransmitted-downstream-copy",
                    test_relays_retransmitted_downstream_copy);
    g_test_add_func("/analyzer/relays/missing-downstream-copy",
                    test_relays_missing_downstream_copy);
    g_test_add_func("/analyzer/relays/in-and-out-of-dialog", test_relays_in_and_out_of_dialog);
    g_test_add_func("/analyzer/relays/cancelled-invite", test_relays_cancelled_invite);
    g_test_add_func("/analyzer/relays/challenge", test_relays_challenge);
    g_test_add_func("/analyzer/relays/through-two-proxies", test_relays_through_two_proxies);
    g_test_add_func("/analyzer/relays/forbidden-judged-downstream",
                    test_relays_forbidden_judged_downstream);

    int status = g_test_run();
    sipkb_kb_free(kb);
    sipkb_findings_table_free(findings_table);
    return status;
}
