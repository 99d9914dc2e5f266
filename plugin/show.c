/* Showing one result (see show.h). Items go under their finding's parent, in the result's
 * order; a response's KB texts follow its code: explanation, causes (the user's override, the
 * evidence of this capture, the KB's), what to check, the provider's note, the references.
 */
#include <wireshark.h>

#include "show.h"

#include <epan/expert.h>

#include "kb-sources.h"
#include "register.h"
#include "sipkb/sdp.h"
#include "sipkb/text.h"
#include "sipkb/via.h"

typedef struct {
    packet_info *pinfo;
    tvbuff_t *tvb;
    const sipkb_result *result;
    const sipkb_extracted *extracted;  /* NULL: no visible tree */
    const sipkb_response_entry *entry; /* responses: the KB's entry for the code */
    gboolean class_fallback;
    const char *reason; /* the KB's reason phrase, as the texts name it */
    proto_item *top;
    proto_tree *sipkb_tree;
    proto_item *last;
    proto_item *items[SIPKB_N_FINDINGS]; /* the last item of each finding, for its children */
    proto_tree *trees[SIPKB_N_FINDINGS];
} show_ctx;

static const sipkb_finding_def *
def_of(sipkb_finding finding)
{
    return sipkb_findings_def(sipkb_ids.findings, finding);
}

static char *
render(const show_ctx *c, const char *template_text)
{
    GString *out = g_string_new(NULL);
    sipkb_result_render(sipkb_ids.findings, c->result, template_text, c->reason,
                        c->entry ? c->entry->summary : "", out);
    char *text = wmem_strdup(c->pinfo->pool, out->str);
    g_string_free(out, TRUE);
    return text;
}

static proto_item *
generated(proto_item *item)
{
    proto_item_set_generated(item);
    return item;
}

static proto_item *
add_text(const show_ctx *c, proto_tree *tree, sipkb_finding finding, const char *text)
{
    return generated(
        proto_tree_add_string(tree, sipkb_ids.hf[finding], c->tvb, c->result->start, 0, text));
}

/* A labelled list (causes, advice): one item per line, under a subtree when there are several. */
static void
add_text_list(const show_ctx *c, proto_tree *tree, sipkb_finding finding, gint ett,
              const char *label, GPtrArray *lines)
{
    if (lines->len == 0)
        return;
    proto_tree *list_tree = tree;
    if (lines->len > 1)
        list_tree = proto_tree_add_subtree(tree, c->tvb, c->result->start, 0, ett, NULL, label);
    for (guint i = 0; i < lines->len; i++)
        add_text(c, list_tree, finding, g_ptr_array_index(lines, i));
}

/* ---- one item ------------------------------------------------------------------------------- */

static proto_tree *
tree_of(show_ctx *c, sipkb_finding finding)
{
    if (!c->items[finding])
        return c->sipkb_tree;
    if (!c->trees[finding])
        c->trees[finding] = proto_item_add_subtree(c->items[finding], sipkb_ids.ett[finding]);
    return c->trees[finding];
}

static proto_item *
add_value(show_ctx *c, proto_tree *tree, const sipkb_finding_def *def, const sipkb_item *item)
{
    int hf = sipkb_ids.hf[def->id];
    gint start = c->result->start;
    nstime_t time;
    switch (def->type) {
    case SIPKB_VALUE_FLAG:
        return proto_tree_add_boolean(tree, hf, c->tvb, start, 0, TRUE);
    case SIPKB_VALUE_FRAME:
    case SIPKB_VALUE_NUMBER:
        return proto_tree_add_uint(tree, hf, c->tvb, start, 0, item->value.number);
    case SIPKB_VALUE_TEXT:
        return proto_tree_add_string(tree, hf, c->tvb, start, 0, item->value.text);
    case SIPKB_VALUE_DURATION:
    case SIPKB_VALUE_TIME:
        time.secs = (time_t)(item->value.nanoseconds / 1000000000);
        time.nsecs = (int)(item->value.nanoseconds % 1000000000);
        return proto_tree_add_time(tree, hf, c->tvb, start, 0, &time);
    case SIPKB_VALUE_NONE:
        break;
    }
    return proto_tree_add_item(tree, hf, c->tvb, start, 0, ENC_NA);
}

static void
add_expert(show_ctx *c, proto_item *item, const sipkb_finding_def *def, guint8 variant)
{
    const char *text = sipkb_finding_expert_text(def, variant);
    if (!text) {
        expert_add_info(c->pinfo, item, &sipkb_ids.ei[def->id]);
        return;
    }
    expert_add_info_format(c->pinfo, item, &sipkb_ids.ei[def->id], "%s", render(c, text));
}

static void show_kb_texts(show_ctx *c);
static void show_sdp_lines(show_ctx *c, proto_tree *tree);
static void show_via_values(show_ctx *c, proto_tree *tree);

static void
show_item(show_ctx *c, const sipkb_item *item)
{
    const sipkb_finding_def *def = def_of((sipkb_finding)item->finding);
    if (def->id == SIPKB_F_CAUSE)
        return; /* shown among the KB's causes */
    if (sipkb_ids.hf[def->id] < 0) {
        /* An expert item of the message itself: on the item before it (a response's code). */
        if (sipkb_ids.has_ei[def->id])
            add_expert(c, c->last, def, item->variant);
        if (def->id >= SIPKB_F_RESPONSE_PROGRESS && def->id <= SIPKB_F_RESPONSE_INVALID && c->entry)
            show_kb_texts(c);
        return;
    }
    proto_tree *tree = def->parent == def->id ? c->sipkb_tree : tree_of(c, def->parent);
    proto_item *shown = generated(add_value(c, tree, def, item));
    c->items[def->id] = shown;
    c->trees[def->id] = NULL;
    c->last = shown;
    const char *label = sipkb_finding_title(def, item->variant);
    if (label)
        proto_item_set_text(shown, "%s", render(c, label));
    if (sipkb_ids.has_ei[def->id])
        add_expert(c, shown, def, item->variant);
    if (def->id == SIPKB_F_SDP)
        show_sdp_lines(c, tree_of(c, SIPKB_F_SDP));
    else if (def->id == SIPKB_F_VIA)
        show_via_values(c, tree_of(c, SIPKB_F_VIA));
}

/* ---- a response's KB texts ------------------------------------------------------------------ */

static void
add_lines(GPtrArray *lines, const char *first, const GPtrArray *rest)
{
    if (first)
        g_ptr_array_add(lines, (gpointer)first);
    for (guint i = 0; rest && i < rest->len; i++)
        g_ptr_array_add(lines, g_ptr_array_index(rest, i));
}

/* Says which KB layer each text came from. */
static void
show_sources(const show_ctx *c, proto_tree *tree, const sipkb_override *override, guint row)
{
    wmem_allocator_t *pool = c->pinfo->pool;
    const sipkb_response_entry *entry = c->entry;
    const char *row_text =
        override ? wmem_strdup_printf(pool, "user override (SIP KB overrides row %u)", row) : NULL;
    const struct {
        const char *what;
        sipkb_layer layer;
        gboolean overridden;
    } texts[] = {
        {"Explanation", entry->meaning_layer, override && sipkb_override_meaning(override)},
        {"Causes", entry->causes_layer, override && sipkb_override_cause(override)},
        {"Advice", entry->advice_layer, override && sipkb_override_advice(override)},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        const char *layer = sipkb_kb_sources_layer_text(texts[i].layer);
        add_text(c, tree, SIPKB_F_SOURCE,
                 !texts[i].overridden ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, layer)
                 : i == 0             ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, row_text)
                          : wmem_strdup_printf(pool, "%s: %s first, then %s", texts[i].what,
                                               row_text, layer));
    }
    if (sipkb_kb_entry_note_applies(entry, &c->result->situation))
        add_text(c, tree, SIPKB_F_SOURCE, "Provider note: provider profile (carrier notes)");
}

static void
show_about(const show_ctx *c, const sipkb_override *override, guint row)
{
    const sipkb_response_entry *entry = c->entry;
    guint32 code = c->result->status_code;
    proto_tree *about = proto_tree_add_subtree_format(
        c->sipkb_tree, c->tvb, c->result->start, 0, sipkb_ids.ett_about, NULL,
        "About %u (%s; KB sources)", code, entry->reference);
    add_text(c, about, SIPKB_F_SUMMARY, entry->summary);
    const sipkb_response_entry *class_entry = sipkb_kb_class(sipkb_kb_sources_kb(), code);
    if (class_entry)
        add_text(c, about, SIPKB_F_CLASS,
                 wmem_strdup_printf(c->pinfo->pool, "%uxx %s", code / 100, class_entry->reason));
    if (c->class_fallback)
        generated(proto_tree_add_boolean(about, sipkb_ids.hf[SIPKB_F_CLASS_FALLBACK], c->tvb,
                                         c->result->start, 0, TRUE));
    add_text(c, about, SIPKB_F_REFERENCE, entry->reference);
    show_sources(c, about, override, row);
}

static void
show_kb_texts(show_ctx *c)
{
    const sipkb_response_entry *entry = c->entry;
    const sipkb_result *r = c->result;
    guint row = 0;
    const sipkb_override *override =
        sipkb_kb_sources_override(r->status_code, r->reason_phrase, r->method, &row);
    const char *meaning = override ? sipkb_override_meaning(override) : NULL;
    add_text(c, c->sipkb_tree, SIPKB_F_EXPLANATION,
             meaning ? meaning
                     : sipkb_kb_entry_text(entry, SIPKB_KB_MEANING, r->method, r->situation.offer));
    GPtrArray *lines = g_ptr_array_new();
    add_lines(lines, override ? sipkb_override_cause(override) : NULL, NULL);
    for (guint i = 0; i < r->n_items; i++) {
        if (r->items[i].finding == SIPKB_F_CAUSE)
            g_ptr_array_add(lines, (gpointer)r->items[i].value.text);
    }
    GPtrArray *kb_lines = sipkb_kb_entry_lines(entry, SIPKB_KB_CAUSES, &r->situation);
    add_lines(lines, NULL, kb_lines);
    g_ptr_array_unref(kb_lines);
    add_text_list(c, c->sipkb_tree, SIPKB_F_CAUSE, sipkb_ids.ett_causes, "Likely causes", lines);
    g_ptr_array_set_size(lines, 0);
    kb_lines = sipkb_kb_entry_lines(entry, SIPKB_KB_ADVICE, &r->situation);
    add_lines(lines, override ? sipkb_override_advice(override) : NULL, kb_lines);
    g_ptr_array_unref(kb_lines);
    add_text_list(c, c->sipkb_tree, SIPKB_F_ADVICE, sipkb_ids.ett_advice, "What to check next",
                  lines);
    g_ptr_array_free(lines, TRUE);
    /* A note may name the Caller-ID values of the message: filled from its findings. */
    const sipkb_item *from_user = sipkb_result_find(r, SIPKB_F_CALLERID_FROM_USER);
    const sipkb_item *auth_user = sipkb_result_find(r, SIPKB_F_CALLERID_AUTH_USER);
    const char *note = !sipkb_kb_entry_note_applies(entry, &r->situation)
                           ? NULL
                           : sipkb_kb_entry_note(entry, from_user ? from_user->value.text : NULL,
                                                 auth_user ? auth_user->value.text : NULL);
    if (note)
        add_text(c, c->sipkb_tree, SIPKB_F_PROVIDER_NOTE, render(c, note));
    show_about(c, override, row);
}

/* ---- SDP lines and Via values, in visible trees --------------------------------------------- */

static void
show_sdp_lines(show_ctx *c, proto_tree *tree)
{
    if (!c->extracted || !c->extracted->msg.has_sdp)
        return;
    const sipkb_message *msg = &c->extracted->msg;
    sipkb_sdp_body *body = g_new(sipkb_sdp_body, 1);
    sipkb_sdp_body_build(msg->sdp_lines, msg->n_sdp_lines, body);
    guint media_index = 0;
    for (guint i = 0; i < msg->n_sdp_lines; i++) {
        const sipkb_sdp_line *line = &msg->sdp_lines[i];
        gboolean cut = FALSE;
        char *written = sipkb_text_prefix(line->value ? line->value : "", 48, &cut);
        char *explained = sipkb_sdp_line_text(line);
        proto_item *item = add_text(c, tree, SIPKB_F_SDP_LINE,
                                    wmem_strdup_printf(c->pinfo->pool, "%c=%s%s: %s", line->type,
                                                       written, cut ? "..." : "", explained));
        g_free(written);
        g_free(explained);
        if (line->type != 'm' || media_index >= body->n_media)
            continue;
        const sipkb_media *media = &body->media[media_index++];
        proto_tree *formats = proto_item_add_subtree(item, sipkb_ids.ett[SIPKB_F_SDP_LINE]);
        for (guint f = 0; f < media->n_formats; f++) {
            char *payload = sipkb_payload_explained(&media->formats[f]);
            add_text(c, formats, SIPKB_F_SDP_PAYLOAD, wmem_strdup(c->pinfo->pool, payload));
            g_free(payload);
        }
    }
    sipkb_sdp_body_clear(body);
    g_free(body);
}

static void
show_via_values(show_ctx *c, proto_tree *tree)
{
    if (!c->extracted)
        return;
    const sipkb_message *msg = &c->extracted->msg;
    GPtrArray *details = g_ptr_array_new_with_free_func(g_free);
    for (guint v = 0; v < msg->n_vias; v++) {
        g_ptr_array_set_size(details, 0);
        char *value = sipkb_via_explain(&msg->vias[v], v, msg->is_request, details);
        const char *host = msg->vias[v].host ? msg->vias[v].host : "";
        proto_item *item = generated(proto_tree_add_string_format_value(
            tree, sipkb_ids.hf[SIPKB_F_VIA_VALUE], c->tvb, c->result->start, 0, host, "%s", value));
        g_free(value);
        proto_tree *parts = proto_item_add_subtree(item, sipkb_ids.ett[SIPKB_F_VIA_VALUE]);
        for (guint d = 0; d < details->len; d++)
            add_text(c, parts, SIPKB_F_VIA_DETAIL,
                     wmem_strdup(c->pinfo->pool, g_ptr_array_index(details, d)));
    }
    g_ptr_array_free(details, TRUE);
}

/* ---- one message ---------------------------------------------------------------------------- */

/* The sipkb item's title: the request and its findings' headers, or the response and what
 * its code means. */
static char *
title_text(show_ctx *c)
{
    const sipkb_result *r = c->result;
    if (r->kind == SIPKB_MESSAGE_QUOTED)
        return wmem_strdup_printf(c->pinfo->pool, "%s quoted in an ICMP error",
                                  r->method ? r->method : "SIP message");
    if (r->kind == SIPKB_MESSAGE_REQUEST) {
        wmem_strbuf_t *text = wmem_strbuf_new(c->pinfo->pool, r->method ? r->method : "request");
        for (guint i = 0; i < sipkb_result_n_all(r); i++) {
            const sipkb_finding_def *def = def_of((sipkb_finding)sipkb_result_item(r, i)->finding);
            if (def->header)
                wmem_strbuf_append(text, render(c, def->header));
        }
        return wmem_strbuf_finalize(text);
    }
    if (!c->entry)
        return wmem_strdup_printf(c->pinfo->pool, "%u is not a SIP status code", r->status_code);
    return wmem_strdup_printf(c->pinfo->pool, "%u %s: %s", r->status_code, c->reason,
                              c->entry->summary);
}

/* The verdict in one line, for a column: a request's title; a response's code with its most
 * telling finding: the first cause the evidence gives, else its most severe finding's text,
 * else what the code means. */
static const char *
verdict_text(show_ctx *c, const char *title)
{
    const sipkb_result *r = c->result;
    if (r->kind != SIPKB_MESSAGE_RESPONSE || !c->entry)
        return title;
    const sipkb_item *cause = sipkb_result_find(r, SIPKB_F_CAUSE);
    if (cause)
        return wmem_strdup_printf(c->pinfo->pool, "%u %s: %s", r->status_code, c->reason,
                                  cause->value.text);
    const sipkb_item *worst = NULL;
    sipkb_severity worst_severity = SIPKB_SEVERITY_NOTE - 1;
    for (guint i = 0; i < sipkb_result_n_all(r); i++) {
        const sipkb_item *item = sipkb_result_item(r, i);
        const sipkb_finding_def *def = def_of((sipkb_finding)item->finding);
        if (sipkb_finding_has_field(def) && def->severity > worst_severity) {
            worst = item;
            worst_severity = def->severity;
        }
    }
    if (!worst)
        return title;
    const sipkb_finding_def *def = def_of((sipkb_finding)worst->finding);
    const char *text = sipkb_finding_expert_text(def, worst->variant);
    return wmem_strdup_printf(c->pinfo->pool, "%u %s: %s", r->status_code, c->reason,
                              text ? render(c, text) : def->summary);
}

static void
look_up_kb(show_ctx *c)
{
    if (c->result->kind != SIPKB_MESSAGE_RESPONSE)
        return;
    c->entry = sipkb_kb_response(sipkb_kb_sources_kb(), c->result->status_code, &c->class_fallback);
    if (c->entry)
        c->reason = c->class_fallback ? "(unregistered code)" : c->entry->reason;
}

void
sipkb_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, const sipkb_result *result,
           const sipkb_extracted *extracted)
{
    if (result->kind == SIPKB_MESSAGE_OTHER)
        return;
    show_ctx *c = wmem_new0(pinfo->pool, show_ctx);
    c->pinfo = pinfo;
    c->tvb = tvb;
    c->result = result;
    c->extracted = extracted;
    c->reason = "";
    look_up_kb(c);
    c->top = generated(
        proto_tree_add_item(tree, sipkb_ids.proto, tvb, result->start, result->length, ENC_NA));
    c->sipkb_tree = proto_item_add_subtree(c->top, result->severity >= SIPKB_SEVERITY_WARN
                                                       ? sipkb_ids.ett_sipkb_failure
                                                       : sipkb_ids.ett_sipkb);
    const char *title = title_text(c);
    proto_item_append_text(c->top, ": %s", title);
    add_text(c, c->sipkb_tree, SIPKB_F_VERDICT, verdict_text(c, title));
    if (sipkb_ids.info_column && c->entry)
        col_append_fstr(c->pinfo->cinfo, COL_INFO, " [sipkb: %s]", c->entry->summary);
    c->last = c->top;
    for (guint i = 0; i < sipkb_result_n_all(result); i++)
        show_item(c, sipkb_result_item(result, i));
}

void
sipkb_show_brief(packet_info *pinfo, const sipkb_result *result, gboolean with_texts)
{
    show_ctx *c = wmem_new0(pinfo->pool, show_ctx);
    c->pinfo = pinfo;
    c->result = result;
    c->reason = "";
    look_up_kb(c);
    for (guint i = 0; i < sipkb_result_n_all(result); i++) {
        const sipkb_item *item = sipkb_result_item(result, i);
        const sipkb_finding_def *def = def_of((sipkb_finding)item->finding);
        if (!sipkb_ids.has_ei[def->id])
            continue;
        /* The expert list reads the texts (tshark -2 -z expert, the GUI's Expert Information);
         * otherwise the severity is all that counts. */
        if (with_texts)
            add_expert(c, NULL, def, item->variant);
        else
            expert_add_info(pinfo, NULL, &sipkb_ids.ei[def->id]);
    }
    if (sipkb_ids.info_column && c->entry)
        col_append_fstr(pinfo->cinfo, COL_INFO, " [sipkb: %s]", c->entry->summary);
}
