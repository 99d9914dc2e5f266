/* Responses relayed by a proxy: the same response seen on both legs of a proxy.
 *
 * A proxy receives a response on the client transaction of the leg it forwarded the request
 * to, removes its own topmost Via (RFC 3261 section 16.7 step 3) and sends the response
 * upstream otherwise unchanged (step 9; a stateless proxy alike, section 16.11). A capture
 * taken at the proxy holds the response twice: downstream with Via list V, upstream with V
 * without its top entry, with the same Call-ID, CSeq and status code and the To tag of the
 * element that generated it (a proxy that simply forwards a response keeps its To tag, step
 * 6). A response the proxy generates itself is no relay: its 100 Trying (never forwarded, step
 * 5), a 408 when the leg timed out (no such downstream copy), a final response it issues
 * instead of the one it received (its own To tag).
 */
#include "analyzer-internal.h"

#include "sipkb/text.h"

#include <string.h>

/* A response with two Vias or more: a proxy may relay it upstream later. */
typedef struct kept_response {
    guint32 frame;
    guint n_vias;
    sipkb_via *vias;               /* copies, strings interned */
    const char *to_tag;            /* interned, NULL when absent */
    const char *generated_by;      /* its sender, or the generator of the copy it was relayed from;
                                      NULL when not known */
    struct kept_response *earlier; /* the one kept before it under the same key */
} kept_response;

/* The responses of one Call-ID, CSeq number and method, and status code. */
typedef struct {
    const char *call_id; /* interned */
    const char *method;  /* interned */
    guint32 cseq;
    guint32 code;
    kept_response *latest;
} response_key;

static guint
key_hash(gconstpointer key)
{
    const response_key *k = key;
    return g_direct_hash(k->call_id) ^ g_direct_hash(k->method) ^ (k->cseq * 2654435761u) ^
           (k->code << 20);
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
    const response_key *x = a, *y = b;
    return x->call_id == y->call_id && x->method == y->method && x->cseq == y->cseq &&
           x->code == y->code;
}

/* The key of the message being decided; added when `add`. */
static response_key *
key_of(sipkb_analyzer *analyzer, const sipkb_message *msg, gboolean add)
{
    if (!analyzer->relayable) {
        if (!add)
            return NULL;
        analyzer->relayable = g_hash_table_new(key_hash, key_equal);
    }
    response_key probe = {analyzer_keep(analyzer, msg->call_id),
                          analyzer_keep(analyzer, msg->cseq_method), msg->cseq_number,
                          msg->status_code, NULL};
    response_key *key = g_hash_table_lookup(analyzer->relayable, &probe);
    if (!key && add) {
        key = analyzer_alloc(analyzer, sizeof(response_key));
        *key = probe;
        g_hash_table_add(analyzer->relayable, key);
    }
    return key;
}

/* Both absent, or equal without regard to case. */
static gboolean
same_name(const char *a, const char *b)
{
    return a == b || (a && b && g_ascii_strcasecmp(a, b) == 0);
}

/* Hosts compare without case (RFC 3261 section 19.1.4), as the transport's token does (a
 * literal of the ABNF, section 25); the rest as the proxy passed it on, unchanged. */
static gboolean
same_via(const sipkb_via *a, const sipkb_via *b)
{
    return same_name(a->transport, b->transport) && same_name(a->host, b->host) &&
           a->port == b->port && g_strcmp0(a->branch, b->branch) == 0 &&
           g_strcmp0(a->received, b->received) == 0 && g_strcmp0(a->rport, b->rport) == 0;
}

/* Is `msg` the downstream response with its top Via removed, from the same generator? */
static gboolean
relayed_copy_of(const sipkb_message *msg, const kept_response *downstream)
{
    if (downstream->n_vias != msg->n_vias + 1 || g_strcmp0(downstream->to_tag, msg->to_tag) != 0)
        return FALSE;
    for (guint v = 0; v < msg->n_vias; v++) {
        if (!same_via(&downstream->vias[v + 1], &msg->vias[v]))
            return FALSE;
    }
    return TRUE;
}

/* "address:port" of the message's sender ("[address]:port" for IPv6), or NULL. */
static const char *
sender_of(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    const char *source = msg->path.source;
    if (!source || !*source)
        return NULL;
    char port[SIPKB_UINT_TEXT_SIZE];
    gboolean v6 = strchr(source, ':') != NULL;
    char *sender = g_strconcat(v6 ? "[" : "", source, v6 ? "]:" : ":",
                               sipkb_text_uint(port, msg->path.source_port), NULL);
    const char *kept = analyzer_keep(analyzer, sender);
    g_free(sender);
    return kept;
}

static void
keep_response(decision *d, response_key *key)
{
    sipkb_analyzer *analyzer = d->analyzer;
    const sipkb_message *msg = d->msg;
    kept_response *kept = analyzer_alloc(analyzer, sizeof(kept_response));
    kept->frame = msg->frame;
    kept->n_vias = msg->n_vias;
    kept->vias = analyzer_alloc(analyzer, msg->n_vias * sizeof(sipkb_via));
    for (guint v = 0; v < msg->n_vias; v++) {
        const sipkb_via *via = &msg->vias[v];
        kept->vias[v] = (sipkb_via){
            .transport = analyzer_keep(analyzer, via->transport),
            .host = analyzer_keep(analyzer, via->host),
            .port = via->port,
            .branch = analyzer_keep(analyzer, via->branch),
            .received = analyzer_keep(analyzer, via->received),
            .rport = analyzer_keep(analyzer, via->rport),
        };
    }
    kept->to_tag = analyzer_keep(analyzer, msg->to_tag);
    kept->generated_by = d->relay.frame ? d->relay.generated_by : sender_of(analyzer, msg);
    kept->earlier = key->latest;
    key->latest = kept;
}

void
relays_response(decision *d)
{
    const sipkb_message *msg = d->msg;
    guint32 code = msg->status_code;
    /* A proxy answers 100 Trying itself and never forwards one (RFC 3261 section 16.7 step
     * 5); outside 100..699 there is no response to forward (section 7.2). */
    if (code <= 100 || code > 699 || msg->n_vias == 0)
        return;
    gboolean relayable = msg->n_vias >= 2;
    response_key *key = key_of(d->analyzer, msg, relayable);
    /* The latest copy before it: each copy of a 2xx to INVITE is forwarded as it comes
     * (sections 13.3.1.4 and 16.7 step 5). */
    for (const kept_response *r = key ? key->latest : NULL; r; r = r->earlier) {
        if (!relayed_copy_of(msg, r))
            continue;
        d->relay.frame = r->frame;
        d->relay.generated_by = r->generated_by;
        d->result->facts |= SIPKB_FACT_RELAYED;
        break;
    }
    if (relayable)
        keep_response(d, key);
}

/* Where the response's causes are: at its first cause, else right after its kind. */
static guint
causes_start(const decision *d)
{
    guint at = d->items->len;
    for (guint i = 0; i < d->items->len; i++) {
        sipkb_finding finding = g_array_index(d->items, sipkb_item, i).finding;
        if (finding == SIPKB_F_CAUSE)
            return i;
        if (finding >= SIPKB_F_RESPONSE_PROGRESS && finding <= SIPKB_F_RESPONSE_INVALID)
            at = i + 1;
    }
    return at;
}

void
relays_cause(decision *d)
{
    const relay_source *relay = &d->relay;
    if (!relay->frame || d->msg->status_code < 300)
        return;
    char code[SIPKB_UINT_TEXT_SIZE], frame[SIPKB_UINT_TEXT_SIZE];
    const char *names[] = {"code", "relayed_from", "generated_by"};
    const char *values[] = {sipkb_text_uint(code, d->msg->status_code),
                            sipkb_text_uint(frame, relay->frame), relay->generated_by};
    char *text =
        decide_words(d, relay->generated_by ? "cause.relayed" : "cause.relayed.sender_unknown",
                     names, values, G_N_ELEMENTS(names));
    sipkb_item cause = {.finding = SIPKB_F_CAUSE, .value.text = analyzer_keep(d->analyzer, text)};
    g_free(text);
    g_array_insert_val(d->items, causes_start(d), cause);
}
