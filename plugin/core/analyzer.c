/* The analyzer (see include/sipkb/analyzer.h): keeps the results, and hands each message to the
 * rule files in the order its tree shows their findings.
 */
#include "analyzer-internal.h"

#include <string.h>

#include "sipkb/text.h"
#include "template.h"

#define BLOCK_SIZE (64 * 1024)

gpointer
analyzer_alloc(sipkb_analyzer *analyzer, gsize size)
{
    size = (size + 7) & ~(gsize)7;
    if (size > BLOCK_SIZE / 4) {
        gpointer big = g_malloc0(size);
        analyzer->blocks = g_slist_prepend(analyzer->blocks, big);
        return big;
    }
    if (size > analyzer->block_free) {
        analyzer->block_next = g_malloc0(BLOCK_SIZE);
        analyzer->blocks = g_slist_prepend(analyzer->blocks, analyzer->block_next);
        analyzer->block_free = BLOCK_SIZE;
    }
    gpointer memory = analyzer->block_next;
    analyzer->block_next += size;
    analyzer->block_free -= size;
    return memory;
}

const char *
analyzer_keep(sipkb_analyzer *analyzer, const char *text)
{
    return text ? g_string_chunk_insert_const(analyzer->strings, text) : NULL;
}

sipkb_analyzer *
sipkb_analyzer_new(const sipkb_findings_table *findings, const sipkb_kb *kb)
{
    sipkb_analyzer *analyzer = g_new0(sipkb_analyzer, 1);
    analyzer->findings = findings;
    analyzer->kb = kb;
    analyzer->strings = g_string_chunk_new(16 * 1024);
    analyzer->frame_first = g_array_new(FALSE, TRUE, sizeof(guint32));
    analyzer->results = g_ptr_array_new();
    analyzer->all_challenges = g_ptr_array_new();
    analyzer->all_transactions = g_ptr_array_new();
    transactions_init(analyzer);
    offer_answer_init(analyzer);
    dns_init(analyzer);
    return analyzer;
}

void
sipkb_analyzer_free(sipkb_analyzer *analyzer)
{
    if (!analyzer)
        return;
    g_hash_table_destroy(analyzer->groups);
    g_hash_table_destroy(analyzer->transactions);
    g_hash_table_destroy(analyzer->hops);
    GHashTable *optional[] = {
        analyzer->challenges,     analyzer->nat_peers, analyzer->branchless_senders,
        analyzer->accepted_pairs, analyzer->calls,     analyzer->registrations,
        analyzer->relayable,      analyzer->accepted_nonces, analyzer->cseq_marks};
    for (gsize i = 0; i < G_N_ELEMENTS(optional); i++) {
        if (optional[i])
            g_hash_table_destroy(optional[i]);
    }
    for (guint i = 0; i < analyzer->all_challenges->len; i++)
        g_slist_free(((challenge *)g_ptr_array_index(analyzer->all_challenges, i))->results);
    g_hash_table_destroy(analyzer->offers);
    dns_free(analyzer);
    g_ptr_array_free(analyzer->all_challenges, TRUE);
    g_ptr_array_free(analyzer->all_transactions, TRUE);
    g_ptr_array_free(analyzer->results, TRUE);
    g_array_free(analyzer->frame_first, TRUE);
    g_slist_free_full(analyzer->blocks, g_free);
    g_string_chunk_free(analyzer->strings);
    g_free(analyzer);
}

/* ---- adding items --------------------------------------------------------------------------- */

sipkb_item *
decide_item(decision *d, sipkb_finding finding)
{
    sipkb_item item = {.finding = (guint16)finding};
    g_array_append_val(d->items, item);
    return &g_array_index(d->items, sipkb_item, d->items->len - 1);
}

void
decide_flag(decision *d, sipkb_finding finding, guint8 variant)
{
    sipkb_item *item = decide_item(d, finding);
    item->variant = variant;
    item->value.number = 1;
}

void
decide_number(decision *d, sipkb_finding finding, guint32 number)
{
    decide_item(d, finding)->value.number = number;
}

sipkb_item *
decide_text(decision *d, sipkb_finding finding, const char *text)
{
    sipkb_item *item = decide_item(d, finding);
    item->value.text = analyzer_keep(d->analyzer, text ? text : "");
    return item;
}

void
decide_worded_text(decision *d, sipkb_finding finding, const char *text_name, const char *text)
{
    sipkb_item *item = decide_item(d, finding);
    item->value.text = analyzer_keep(d->analyzer, text ? text : "");
    const sipkb_kb_cause_ref *restated =
        sipkb_findings_text_restates(d->analyzer->findings, text_name);
    if (finding == SIPKB_F_CAUSE && restated && restated->code == d->msg->status_code)
        item->variant = restated->number;
}

void
decide_nanoseconds(decision *d, sipkb_finding finding, gint64 nanoseconds)
{
    decide_item(d, finding)->value.nanoseconds = nanoseconds;
}

typedef struct {
    const char *const *names;
    const char *const *values;
    guint n;
} word_values;

static gboolean
lookup_word(const char *name, gconstpointer data, GString *out)
{
    const word_values *words = data;
    for (guint i = 0; i < words->n; i++) {
        if (strcmp(words->names[i], name) == 0) {
            g_string_append(out, words->values[i] ? words->values[i] : "");
            return TRUE;
        }
    }
    return FALSE;
}

char *
decide_words(const decision *d, const char *text_name, const char *const *names,
             const char *const *values, guint n)
{
    const char *template_text = sipkb_findings_text(d->analyzer->findings, text_name);
    GString *out = g_string_new(NULL);
    word_values words = {names, values, n};
    sipkb_template_fill(template_text ? template_text : text_name, lookup_word, &words, out);
    return g_string_free(out, FALSE);
}

static gboolean
has_item(const decision *d, sipkb_finding finding)
{
    for (guint i = 0; i < d->items->len; i++) {
        if (g_array_index(d->items, sipkb_item, i).finding == finding)
            return TRUE;
    }
    return FALSE;
}

void
decide_cause(decision *d, const char *text_name, const char *const *names,
             const char *const *values, guint n)
{
    gboolean first = !has_item(d, SIPKB_F_CAUSE);
    char *text = decide_words(d, text_name, names, values, n);
    decide_worded_text(d, SIPKB_F_CAUSE, text_name, text);
    g_free(text);
    const char *summary = sipkb_findings_text_summary(d->analyzer->findings, text_name);
    if (!first || !summary)
        return;
    GString *out = g_string_new(NULL);
    word_values words = {names, values, n};
    sipkb_template_fill(summary, lookup_word, &words, out);
    d->result->summary = analyzer_keep(d->analyzer, out->str);
    g_string_free(out, TRUE);
}

/* ---- results -------------------------------------------------------------------------------- */

static sipkb_severity
severity_of(const sipkb_analyzer *analyzer, const sipkb_item *items, guint n,
            sipkb_severity severity)
{
    for (guint i = 0; i < n; i++) {
        const sipkb_finding_def *def = sipkb_findings_def(analyzer->findings, items[i].finding);
        severity = MAX(severity, def->severity);
    }
    return severity;
}

static const sipkb_item *
keep_items(sipkb_analyzer *analyzer, const sipkb_item *items, guint n)
{
    if (n == 0)
        return NULL;
    sipkb_item *kept = analyzer_alloc(analyzer, n * sizeof(sipkb_item));
    memcpy(kept, items, n * sizeof(sipkb_item));
    return kept;
}

void
analyzer_add_late(sipkb_analyzer *analyzer, sipkb_result *result, const sipkb_item *items,
                  guint n_items)
{
    sipkb_item *late = analyzer_alloc(analyzer, (result->n_late + n_items) * sizeof(sipkb_item));
    if (result->n_late)
        memcpy(late, result->late, result->n_late * sizeof(sipkb_item));
    memcpy(late + result->n_late, items, n_items * sizeof(sipkb_item));
    result->late = late;
    result->n_late += n_items;
    result->severity = severity_of(analyzer, items, n_items, result->severity);
}

/* A later finish decides the whole-capture findings again, from scratch. */
static void
forget_late(sipkb_analyzer *analyzer)
{
    for (guint i = 0; i < analyzer->results->len; i++) {
        sipkb_result *result = g_ptr_array_index(analyzer->results, i);
        if (!result->n_late)
            continue;
        result->n_late = 0;
        result->late = NULL;
        result->severity =
            severity_of(analyzer, result->items, result->n_items, SIPKB_SEVERITY_NONE);
    }
}

static void
index_frame(sipkb_analyzer *analyzer, guint32 frame, guint index)
{
    if (frame == G_MAXUINT32)
        return; /* no frame number Wireshark gives; kept out of the index */
    if (frame >= analyzer->frame_first->len)
        g_array_set_size(analyzer->frame_first,
                         MAX((guint)frame + 1, analyzer->frame_first->len * 2));
    guint32 *first = &g_array_index(analyzer->frame_first, guint32, frame);
    if (*first == 0)
        *first = index + 1;
}

static sipkb_message_kind
kind_of(const sipkb_message *msg)
{
    if (!msg->is_request && !msg->is_response)
        return SIPKB_MESSAGE_OTHER;
    if (msg->in_icmp)
        return SIPKB_MESSAGE_QUOTED;
    if (msg->is_response && msg->has_status_code)
        return SIPKB_MESSAGE_RESPONSE;
    return msg->is_request ? SIPKB_MESSAGE_REQUEST : SIPKB_MESSAGE_OTHER;
}

static sipkb_result *
new_result(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    sipkb_result *result = analyzer_alloc(analyzer, sizeof(sipkb_result));
    result->frame = msg->frame;
    result->start = msg->start;
    result->length = msg->length;
    result->kind = kind_of(msg);
    result->status_code = msg->status_code;
    result->method =
        analyzer_keep(analyzer, msg->is_request && msg->method ? msg->method : msg->cseq_method);
    if (result->kind == SIPKB_MESSAGE_RESPONSE && msg->status_code >= 300)
        result->reason_phrase = analyzer_keep(analyzer, msg->reason_phrase);
    index_frame(analyzer, msg->frame, analyzer->results->len);
    g_ptr_array_add(analyzer->results, result);
    return result;
}

static gboolean
trackable(const sipkb_message *msg)
{
    return msg->call_id && msg->has_cseq && msg->cseq_method;
}

/* The rule files in the order the tree shows their findings. */
static void
decide_message(decision *d)
{
    const sipkb_message *msg = d->msg;
    switch (d->result->kind) {
    case SIPKB_MESSAGE_QUOTED:
        /* A copy inside an ICMP error is no live message: it only says its original failed
         * (RFC 3261 section 18.4), and which one when it can be tracked. */
        transactions_quoted(d, trackable(msg));
        return;
    case SIPKB_MESSAGE_REQUEST:
        if (trackable(msg)) {
            transactions_request(d);
            auth_request(d);
        }
        break;
    case SIPKB_MESSAGE_RESPONSE:
        if (trackable(msg)) {
            transactions_response(d);
            relays_response(d);
        }
        responses_decide(d);
        break;
    case SIPKB_MESSAGE_OTHER:
        break;
    }
    offer_answer_decide(d);
    via_decide(d);
    relays_cause(d);
}

/* A response's request as the KB's cause and advice conditions read it (kb.h): what the capture
 * shows of it, unknown when the request is not in the capture. */
static void
decide_situation(decision *d)
{
    sipkb_result *result = d->result;
    if (result->kind != SIPKB_MESSAGE_RESPONSE)
        return;
    gboolean offer_seen = FALSE;
    for (guint i = 0; i < d->items->len; i++) {
        sipkb_finding finding = g_array_index(d->items, sipkb_item, i).finding;
        offer_seen =
            offer_seen || finding == SIPKB_F_SDP_OFFER_FRAME || finding == SIPKB_F_SDP_OFFERED;
    }
    result->situation.method = result->method;
    result->situation.offer = sipkb_kb_offer_assumed(result->method, offer_seen);
    /* The names a provider profile's domains are matched against (kb.h). */
    const sipkb_message *msg = d->msg;
    const char *names[] = {
        d->txn ? d->txn->request_uri_host : NULL,
        msg->to_host,
        msg->from_host,
        msg->challenge.realm,
        d->txn ? d->txn->credentials_realm : NULL,
    };
    const char **kept = analyzer_alloc(d->analyzer, (G_N_ELEMENTS(names) + 1) * sizeof(char *));
    guint n = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        if (names[i] && *names[i])
            kept[n++] = analyzer_keep(d->analyzer, names[i]);
    }
    kept[n] = NULL;
    result->situation.names = kept;
    /* The response's own words are always known (decide_server_words() in responses.c). */
    if (result->situation.dns_failure != SIPKB_KB_YES)
        result->situation.dns_failure = SIPKB_KB_NO;
    if (!d->txn)
        return;
    result->situation.credentials = d->txn->has_credentials ? SIPKB_KB_YES : SIPKB_KB_NO;
    result->situation.in_dialog = d->txn->in_dialog ? SIPKB_KB_YES : SIPKB_KB_NO;
    result->situation.outside_dialog = d->txn->outside_dialog ? SIPKB_KB_YES : SIPKB_KB_NO;
    result->situation.expires_zero = d->txn->expires_zero ? SIPKB_KB_YES : SIPKB_KB_NO;
    /* Compared only for a request with credentials and a From user (auth.c). */
    if (d->txn->callerid != SIPKB_CALLERID_NOT_APPLICABLE)
        result->situation.callerid_mismatch =
            sipkb_callerid_is_mismatch(d->txn->callerid) ? SIPKB_KB_YES : SIPKB_KB_NO;
    result->situation.event = d->txn->event;
    /* A relayed response was generated for the request as the proxy forwarded it (RFC 3261
     * section 16.7): its credentials, as the downstream copy saw them, are the ones judged. */
    const sipkb_result *const *copies = NULL;
    guint n_copies =
        d->relay.frame ? sipkb_analyzer_results(d->analyzer, d->relay.frame, &copies) : 0;
    for (guint i = 0; i < n_copies; i++) {
        if (copies[i]->kind != SIPKB_MESSAGE_RESPONSE ||
            copies[i]->status_code != result->status_code)
            continue;
        result->situation.credentials = copies[i]->situation.credentials;
        result->situation.callerid_mismatch = copies[i]->situation.callerid_mismatch;
        break;
    }
}

const sipkb_result *
sipkb_analyzer_add(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    analyzer->needs_finish = TRUE;
    analyzer->last_time_ns = MAX(analyzer->last_time_ns, msg->time_ns);
    decision d = {analyzer, msg, new_result(analyzer, msg), NULL, NULL, FALSE, NULL, {0, NULL}};
    d.items = g_array_sized_new(FALSE, TRUE, sizeof(sipkb_item), 16);
    decide_message(&d);
    decide_situation(&d);
    d.result->items = keep_items(analyzer, (sipkb_item *)d.items->data, d.items->len);
    d.result->n_items = d.items->len;
    d.result->severity =
        severity_of(analyzer, d.result->items, d.result->n_items, SIPKB_SEVERITY_NONE);
    g_array_free(d.items, TRUE);
    return d.result;
}

void
sipkb_analyzer_finish(sipkb_analyzer *analyzer)
{
    if (analyzer->finished_once)
        forget_late(analyzer);
    analyzer->finished_once = TRUE;
    GArray *scratch = g_array_new(FALSE, TRUE, sizeof(sipkb_item));
    auth_finish(analyzer, scratch);
    transactions_finish(analyzer, scratch);
    g_array_free(scratch, TRUE);
    analyzer->needs_finish = FALSE;
}

gboolean
sipkb_analyzer_needs_finish(const sipkb_analyzer *analyzer)
{
    return analyzer->needs_finish;
}

guint
sipkb_analyzer_results(const sipkb_analyzer *analyzer, guint32 frame,
                       const sipkb_result *const **results)
{
    *results = NULL;
    if (frame >= analyzer->frame_first->len)
        return 0;
    guint32 first = g_array_index(analyzer->frame_first, guint32, frame);
    if (first == 0)
        return 0;
    guint n = 0;
    while (first - 1 + n < analyzer->results->len &&
           ((sipkb_result *)g_ptr_array_index(analyzer->results, first - 1 + n))->frame == frame)
        n++;
    *results = (const sipkb_result *const *)&g_ptr_array_index(analyzer->results, first - 1);
    return n;
}

const sipkb_item *
sipkb_result_find(const sipkb_result *result, sipkb_finding finding)
{
    for (guint i = 0; i < sipkb_result_n_all(result); i++) {
        const sipkb_item *item = sipkb_result_item(result, i);
        if (item->finding == finding)
            return item;
    }
    return NULL;
}

void
sipkb_result_drop_restated(const sipkb_result *result, const sipkb_response_entry *entry,
                           GPtrArray *kb_causes)
{
    /* The numbers name causes of the generic KB: a profile or team file has causes of its own. */
    if (!entry || entry->causes_layer != SIPKB_LAYER_GENERIC || !entry->causes)
        return;
    guint n_causes = g_strv_length((char **)entry->causes);
    for (guint i = 0; i < result->n_items; i++) {
        const sipkb_item *item = &result->items[i];
        if (item->finding == SIPKB_F_CAUSE && item->variant >= 1 && item->variant <= n_causes)
            g_ptr_array_remove(kb_causes, (gpointer)entry->causes[item->variant - 1]);
    }
}

static gboolean
descends_from(const sipkb_findings_table *table, sipkb_finding finding, sipkb_finding ancestor)
{
    for (guint depth = 0; depth < SIPKB_N_FINDINGS; depth++) {
        sipkb_finding parent = sipkb_findings_def(table, finding)->parent;
        if (parent == ancestor)
            return TRUE;
        if (parent == finding)
            return FALSE;
        finding = parent;
    }
    return FALSE;
}

gboolean
sipkb_result_item_opens(const sipkb_findings_table *table, const sipkb_result *result, guint index)
{
    const sipkb_finding_def *def =
        sipkb_findings_def(table, (sipkb_finding)sipkb_result_item(result, index)->finding);
    if (def->open == SIPKB_OPEN_ON_FAILURE && result->severity >= SIPKB_SEVERITY_WARN)
        return TRUE;
    /* The items shown in its subtree: the next ones that descend from it, up to the next item
     * of the same finding (which opens a subtree of its own). */
    for (guint i = index + 1; i < sipkb_result_n_all(result); i++) {
        const sipkb_finding_def *inner =
            sipkb_findings_def(table, (sipkb_finding)sipkb_result_item(result, i)->finding);
        if (inner->id == def->id)
            break;
        if (inner->severity >= SIPKB_SEVERITY_NOTE && descends_from(table, inner->id, def->id))
            return TRUE;
    }
    return FALSE;
}

/* ---- rendering templates from a result ------------------------------------------------------ */

typedef struct {
    const sipkb_findings_table *table;
    const sipkb_result *result;
    const char *reason;
    const char *summary;
} render_context;

static gboolean
lookup_result_value(const char *name, gconstpointer data, GString *out)
{
    const render_context *c = data;
    const sipkb_result *r = c->result;
    if (strcmp(name, "code") == 0) {
        g_string_append_printf(out, "%u", r->status_code);
        return TRUE;
    }
    const char *message_words[][2] = {
        {"reason", c->reason}, {"method", r->method}, {"summary", c->summary}};
    for (gsize i = 0; i < G_N_ELEMENTS(message_words); i++) {
        if (strcmp(name, message_words[i][0]) == 0) {
            g_string_append(out, message_words[i][1] ? message_words[i][1] : "");
            return TRUE;
        }
    }
    for (guint id = 0; id < SIPKB_N_FINDINGS; id++) {
        if (strcmp(sipkb_finding_name((sipkb_finding)id), name) != 0)
            continue;
        const sipkb_item *item = sipkb_result_find(r, (sipkb_finding)id);
        if (!item)
            return FALSE;
        switch (sipkb_findings_def(c->table, (sipkb_finding)id)->type) {
        case SIPKB_VALUE_TEXT:
            g_string_append(out, item->value.text);
            break;
        case SIPKB_VALUE_DURATION:
        case SIPKB_VALUE_TIME: {
            char *seconds = sipkb_text_seconds(item->value.nanoseconds);
            g_string_append(out, seconds);
            g_free(seconds);
            break;
        }
        default:
            g_string_append_printf(out, "%u", item->value.number);
            break;
        }
        return TRUE;
    }
    return FALSE;
}

void
sipkb_result_render(const sipkb_findings_table *table, const sipkb_result *result,
                    const char *template_text, const char *reason, const char *summary,
                    GString *out)
{
    render_context c = {table, result, reason, summary};
    sipkb_template_fill(template_text, lookup_result_value, &c, out);
}

gboolean
sipkb_result_title(const sipkb_findings_table *table, const sipkb_result *result, GString *out)
{
    if (result->kind != SIPKB_MESSAGE_REQUEST && result->kind != SIPKB_MESSAGE_QUOTED)
        return FALSE;
    /* A quoted copy keeps its status code: 0 for a request. */
    gboolean response = result->kind == SIPKB_MESSAGE_QUOTED && result->status_code;
    if (response && result->method)
        g_string_append_printf(out, "%u to %s", result->status_code, result->method);
    else if (response)
        g_string_append_printf(out, "%u response", result->status_code);
    else
        g_string_append(out, result->method                          ? result->method
                             : result->kind == SIPKB_MESSAGE_REQUEST ? "request"
                                                                     : "SIP message");
    for (guint i = 0; i < sipkb_result_n_all(result); i++) {
        const sipkb_finding_def *def =
            sipkb_findings_def(table, (sipkb_finding)sipkb_result_item(result, i)->finding);
        if (def->header)
            sipkb_result_render(table, result, def->header, NULL, NULL, out);
    }
    return TRUE;
}

/* ---- the ladder ----------------------------------------------------------------------------- */

/* The most severe of the result's items whose finding has ladder words, the first of equals. */
static const sipkb_item *
most_telling(const sipkb_findings_table *table, const sipkb_result *result, const char **words)
{
    const sipkb_item *best = NULL;
    sipkb_severity best_severity = SIPKB_SEVERITY_NONE;
    *words = NULL;
    for (guint i = 0; i < sipkb_result_n_all(result); i++) {
        const sipkb_item *item = sipkb_result_item(result, i);
        const sipkb_finding_def *def = sipkb_findings_def(table, item->finding);
        const char *ladder = sipkb_finding_ladder(def, item->variant);
        if (!ladder || (best && def->severity <= best_severity))
            continue;
        best = item;
        best_severity = def->severity;
        *words = ladder;
    }
    return best;
}

gboolean
sipkb_result_ladder(const sipkb_findings_table *table, const sipkb_kb *kb,
                    const sipkb_result *result, GString *label, GString *comment)
{
    if (result->kind == SIPKB_MESSAGE_REQUEST) {
        const char *method = result->method ? result->method : "request";
        g_string_append(label, method);
        g_string_append(comment, method);
    } else if (result->kind == SIPKB_MESSAGE_RESPONSE) {
        gboolean class_fallback = FALSE;
        const sipkb_response_entry *entry =
            sipkb_kb_response(kb, result->status_code, &class_fallback);
        g_string_append_printf(label, "%u", result->status_code);
        if (entry && !class_fallback)
            g_string_append_printf(label, " %s", entry->reason);
        g_string_append_printf(comment, "%u", result->status_code);
    } else {
        return FALSE;
    }
    const char *words;
    if (most_telling(table, result, &words)) {
        g_string_append(comment, " - ");
        sipkb_result_render(table, result, words, NULL, NULL, comment);
    }
    return TRUE;
}
