/* Showing one result (see show.h). Items go under their finding's parent, in the result's
 * order; a response's KB texts follow its code: explanation, causes (the user's override, the
 * evidence of this capture, the KB's causes it does not say again), what to check, the
 * provider's note, the references.
 *
 * Wireshark brackets generated items: values it computed rather than read from the packet.
 * sipkb's items computed from this capture (links, values, the causes its evidence gives) are
 * generated; the KB's prose (what a code means, its usual causes, what to check) is reference
 * text like a subtree's title, and reads plainly. Texts longer than a line of the packet
 * details at 1280 px go on several lines; inside a subtree that names what it lists ("Likely
 * causes") an item shows its text without its field's label.
 */
#include <wireshark.h>

#include "show.h"

#include <epan/expert.h>

#include "fields.h"
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
    const char *summary; /* responses: the line the evidence sums them up in, else the KB's
                            summary for the request's method and situation */
    gboolean class_fallback;
    const char *reason;             /* the KB's reason phrase, as the texts name it */
    const sipkb_override *override; /* responses: the user's row for this one, or NULL */
    guint override_row;
    gboolean visible; /* the tree is shown (packet details, -V): texts are broken into lines */
    proto_item *top;
    proto_tree *sipkb_tree;
    proto_item *last;
    proto_item *items[SIPKB_N_FINDINGS]; /* the last item of each finding, for its children */
    proto_tree *trees[SIPKB_N_FINDINGS];
    gboolean opens[SIPKB_N_FINDINGS]; /* whether that item's subtree shows open */
} show_ctx;

/* The characters of one line of the packet details at 1280 px, beside the tree's indentation. */
#define LINE_CHARS 100

/* How an item's text shows: with its field's label ("Explanation: ..."), or alone in a subtree
 * whose title names what it lists; computed from the capture (generated) or the KB's prose. */
typedef enum {
    SHOW_LABELLED = 1 << 0,
    SHOW_COMPUTED = 1 << 1,
    SHOW_ONE_LINE = 1 << 2, /* never split: the verdict reads as one line, like its column */
} show_flags;

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
                        c->summary ? c->summary : "", out);
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

/* Shows `text` as the item's text, on lines of LINE_CHARS: the first on the item, the others
 * indented under it (text-only items; the field's value stays the whole text). */
static void
set_lines(const show_ctx *c, proto_item *item, const char *text)
{
    if (!c->visible) {
        proto_item_set_text(item, "%s", text);
        return;
    }
    GPtrArray *lines = sipkb_text_split(text, LINE_CHARS);
    proto_item_set_text(item, "%s", (const char *)g_ptr_array_index(lines, 0));
    proto_tree *rest =
        lines->len > 1 ? proto_item_add_subtree(item, sipkb_ids.ett_continued) : NULL;
    for (guint i = 1; i < lines->len; i++) {
        proto_item *line = NULL;
        proto_tree_add_subtree(rest, c->tvb, c->result->start, 0, sipkb_ids.ett_continued, &line,
                               g_ptr_array_index(lines, i));
        if (proto_item_is_generated(item))
            proto_item_set_generated(line);
    }
    g_ptr_array_unref(lines);
}

/* A text item of `finding`, shown as `flags` say. */
static proto_item *
add_text(const show_ctx *c, proto_tree *tree, sipkb_finding finding, const char *text,
         show_flags flags)
{
    proto_item *item =
        proto_tree_add_string(tree, sipkb_ids.hf[finding], c->tvb, c->result->start, 0, text);
    if (flags & SHOW_COMPUTED)
        generated(item);
    if (!c->visible)
        return item; /* built for a filter or column: the value is all that counts */
    const char *shown = flags & SHOW_LABELLED ? wmem_strdup_printf(c->pinfo->pool, "%s: %s",
                                                                   def_of(finding)->label, text)
                                              : text;
    if (flags & SHOW_ONE_LINE)
        proto_item_set_text(item, "%s", shown);
    else
        set_lines(c, item, shown);
    return item;
}

/* One line of a list (causes, advice) and whether the capture's evidence gave it. */
typedef struct {
    const char *text;
    gboolean computed;
} list_line;

static void
add_line(GArray *lines, const char *text, gboolean computed)
{
    list_line line = {text, computed};
    if (text)
        g_array_append_val(lines, line);
}

/* A list (causes, advice): one item per line, under a subtree titled `title` when there are
 * several (the items then show their text alone), else labelled. */
static void
add_text_list(const show_ctx *c, proto_tree *tree, sipkb_finding finding, gint ett,
              const char *title, const GArray *lines)
{
    if (lines->len == 0)
        return;
    proto_tree *list_tree = tree;
    show_flags flags = SHOW_LABELLED;
    if (lines->len > 1) {
        list_tree = proto_tree_add_subtree(tree, c->tvb, c->result->start, 0, ett, NULL, title);
        flags = 0;
    }
    for (guint i = 0; i < lines->len; i++) {
        const list_line *line = &g_array_index(lines, list_line, i);
        add_text(c, list_tree, finding, line->text, flags | (line->computed ? SHOW_COMPUTED : 0));
    }
}

/* ---- one item ------------------------------------------------------------------------------- */

static proto_tree *
tree_of(show_ctx *c, sipkb_finding finding)
{
    if (!c->items[finding])
        return c->sipkb_tree;
    if (!c->trees[finding])
        c->trees[finding] = proto_item_add_subtree(c->items[finding],
                                                   c->opens[finding] ? sipkb_ids.ett_open[finding]
                                                                     : sipkb_ids.ett[finding]);
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

static gboolean
is_response_kind(sipkb_finding id)
{
    return id >= SIPKB_F_RESPONSE_PROGRESS && id <= SIPKB_F_RESPONSE_INVALID;
}

/* A response's kind is reported with the expert info of its code (Expert Information's group). */
static expert_field *
expert_of(const show_ctx *c, const sipkb_finding_def *def)
{
    if (is_response_kind(def->id))
        return sipkb_response_expert(def->id, c->result->status_code);
    return &sipkb_ids.ei[def->id];
}

static void
add_expert(show_ctx *c, proto_item *item, const sipkb_finding_def *def, guint8 variant)
{
    const char *text = sipkb_finding_expert_text(def, variant);
    if (!text) {
        expert_add_info(c->pinfo, item, expert_of(c, def));
        return;
    }
    expert_add_info_format(c->pinfo, item, expert_of(c, def), "%s", render(c, text));
}

static void show_kb_texts(show_ctx *c);
static void show_sdp_lines(show_ctx *c, proto_tree *tree);
static void show_via_values(show_ctx *c, proto_tree *tree);

static void
show_item(show_ctx *c, guint index)
{
    const sipkb_item *item = sipkb_result_item(c->result, index);
    const sipkb_finding_def *def = def_of((sipkb_finding)item->finding);
    if (def->id == SIPKB_F_CAUSE)
        return; /* shown among the KB's causes */
    if (!sipkb_finding_has_field(def)) {
        /* An expert item of the message itself: on the item before it (a response's code), with
         * its field hidden, for filters (sipkb.response.failure). */
        if (sipkb_ids.hf[def->id] >= 0)
            proto_item_set_hidden(proto_tree_add_item(c->sipkb_tree, sipkb_ids.hf[def->id], c->tvb,
                                                      c->result->start, 0, ENC_NA));
        if (sipkb_ids.has_ei[def->id])
            add_expert(c, c->last, def, item->variant);
        if (is_response_kind(def->id) && c->entry)
            show_kb_texts(c);
        return;
    }
    proto_tree *tree = def->parent == def->id ? c->sipkb_tree : tree_of(c, def->parent);
    proto_item *shown = generated(add_value(c, tree, def, item));
    c->items[def->id] = shown;
    c->trees[def->id] = NULL;
    c->opens[def->id] = c->visible && sipkb_result_item_opens(sipkb_ids.findings, c->result, index);
    c->last = shown;
    const char *label = sipkb_finding_title(def, item->variant);
    if (label)
        set_lines(c, shown, render(c, label));
    else if (def->type == SIPKB_VALUE_TEXT &&
             g_utf8_strlen(def->label, -1) + 2 + g_utf8_strlen(item->value.text, -1) > LINE_CHARS)
        set_lines(c, shown,
                  wmem_strdup_printf(c->pinfo->pool, "%s: %s", def->label, item->value.text));
    if (sipkb_ids.has_ei[def->id])
        add_expert(c, shown, def, item->variant);
    if (def->id == SIPKB_F_SDP)
        show_sdp_lines(c, tree_of(c, SIPKB_F_SDP));
    else if (def->id == SIPKB_F_VIA)
        show_via_values(c, tree_of(c, SIPKB_F_VIA));
}

/* ---- a response's KB texts ------------------------------------------------------------------ */

/* Says which KB layer each text came from. */
static void
show_sources(const show_ctx *c, proto_tree *tree)
{
    wmem_allocator_t *pool = c->pinfo->pool;
    const sipkb_response_entry *entry = c->entry;
    const sipkb_override *override = c->override;
    const char *row_text =
        override
            ? wmem_strdup_printf(pool, "user override (SIP KB overrides row %u)", c->override_row)
            : NULL;
    const struct {
        const char *what;
        sipkb_layer layer;
        gboolean overridden;
    } texts[] = {
        {"Explanation", entry->meaning_layer, override && sipkb_override_meaning(override)},
        {"Causes", entry->causes_layer, override && sipkb_override_cause(override)},
        {"Advice", entry->advice_layer, override && sipkb_override_advice(override)},
    };
    proto_tree *sources = proto_tree_add_subtree(tree, c->tvb, c->result->start, 0,
                                                 sipkb_ids.ett_sources, NULL, "KB sources");
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        const char *layer = sipkb_kb_sources_layer_text(texts[i].layer);
        add_text(c, sources, SIPKB_F_SOURCE,
                 !texts[i].overridden ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, layer)
                 : i == 0             ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, row_text)
                          : wmem_strdup_printf(pool, "%s: %s first, then %s", texts[i].what,
                                               row_text, layer),
                 0);
    }
    if (sipkb_kb_entry_note_applies(entry, &c->result->situation))
        add_text(c, sources, SIPKB_F_SOURCE, "Provider note: provider profile (carrier notes)", 0);
}

static void
show_about(const show_ctx *c)
{
    const sipkb_response_entry *entry = c->entry;
    guint32 code = c->result->status_code;
    proto_tree *about = proto_tree_add_subtree_format(
        c->sipkb_tree, c->tvb, c->result->start, 0, sipkb_ids.ett_about, NULL,
        "About %u (%s; KB sources)", code, entry->reference);
    add_text(c, about, SIPKB_F_SUMMARY, c->summary, SHOW_LABELLED);
    const sipkb_response_entry *class_entry = sipkb_kb_class(sipkb_kb_sources_kb(), code);
    if (class_entry)
        add_text(c, about, SIPKB_F_CLASS,
                 wmem_strdup_printf(c->pinfo->pool, "%uxx %s", code / 100, class_entry->reason),
                 SHOW_LABELLED);
    if (c->class_fallback)
        generated(proto_tree_add_boolean(about, sipkb_ids.hf[SIPKB_F_CLASS_FALLBACK], c->tvb,
                                         c->result->start, 0, TRUE));
    add_text(c, about, SIPKB_F_REFERENCE, entry->reference, SHOW_LABELLED);
    show_sources(c, about);
}

static void
show_kb_texts(show_ctx *c)
{
    const sipkb_response_entry *entry = c->entry;
    const sipkb_result *r = c->result;
    const sipkb_override *override = c->override;
    const char *meaning = override ? sipkb_override_meaning(override) : NULL;
    add_text(c, c->sipkb_tree, SIPKB_F_EXPLANATION,
             meaning ? meaning : sipkb_kb_entry_text(entry, SIPKB_KB_MEANING, &r->situation),
             SHOW_LABELLED);
    GArray *lines = g_array_new(FALSE, FALSE, sizeof(list_line));
    add_line(lines, override ? sipkb_override_cause(override) : NULL, FALSE);
    for (guint i = 0; i < r->n_items; i++) {
        if (r->items[i].finding == SIPKB_F_CAUSE)
            add_line(lines, r->items[i].value.text, TRUE);
    }
    GPtrArray *kb_lines = sipkb_kb_entry_lines(entry, SIPKB_KB_CAUSES, &r->situation);
    sipkb_result_drop_restated(r, entry, kb_lines);
    for (guint i = 0; i < kb_lines->len; i++)
        add_line(lines, g_ptr_array_index(kb_lines, i), FALSE);
    g_ptr_array_unref(kb_lines);
    add_text_list(c, c->sipkb_tree, SIPKB_F_CAUSE, sipkb_ids.ett_causes, "Likely causes", lines);
    g_array_set_size(lines, 0);
    add_line(lines, override ? sipkb_override_advice(override) : NULL, FALSE);
    kb_lines = sipkb_kb_entry_lines(entry, SIPKB_KB_ADVICE, &r->situation);
    for (guint i = 0; i < kb_lines->len; i++)
        add_line(lines, g_ptr_array_index(kb_lines, i), FALSE);
    g_ptr_array_unref(kb_lines);
    add_text_list(c, c->sipkb_tree, SIPKB_F_ADVICE, sipkb_ids.ett_advice, "What to check next",
                  lines);
    g_array_free(lines, TRUE);
    /* A note may name the Caller-ID values of the message: filled from its findings. */
    const sipkb_item *from_user = sipkb_result_find(r, SIPKB_F_CALLERID_FROM_USER);
    const sipkb_item *auth_user = sipkb_result_find(r, SIPKB_F_CALLERID_AUTH_USER);
    const char *note = !sipkb_kb_entry_note_applies(entry, &r->situation)
                           ? NULL
                           : sipkb_kb_entry_note(entry, from_user ? from_user->value.text : NULL,
                                                 auth_user ? auth_user->value.text : NULL);
    if (note)
        add_text(c, c->sipkb_tree, SIPKB_F_PROVIDER_NOTE, render(c, note), SHOW_LABELLED);
    show_about(c);
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
                                                       written, cut ? "..." : "", explained),
                                    SHOW_COMPUTED);
        g_free(written);
        g_free(explained);
        if (line->type != 'm' || media_index >= body->n_media)
            continue;
        const sipkb_media *media = &body->media[media_index++];
        proto_tree *formats = proto_item_add_subtree(item, sipkb_ids.ett[SIPKB_F_SDP_LINE]);
        for (guint f = 0; f < media->n_formats; f++) {
            char *payload = sipkb_payload_explained(&media->formats[f]);
            add_text(c, formats, SIPKB_F_SDP_PAYLOAD, wmem_strdup(c->pinfo->pool, payload),
                     SHOW_COMPUTED);
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
        /* Under "Via explained": the explanation alone, without the field's label. */
        proto_item *item = generated(proto_tree_add_string_format(
            tree, sipkb_ids.hf[SIPKB_F_VIA_VALUE], c->tvb, c->result->start, 0, host, "%s", value));
        g_free(value);
        proto_tree *parts = proto_item_add_subtree(item, sipkb_ids.ett[SIPKB_F_VIA_VALUE]);
        for (guint d = 0; d < details->len; d++)
            add_text(c, parts, SIPKB_F_VIA_DETAIL,
                     wmem_strdup(c->pinfo->pool, g_ptr_array_index(details, d)), SHOW_COMPUTED);
    }
    g_ptr_array_free(details, TRUE);
}

/* ---- one message ---------------------------------------------------------------------------- */

/* What a response means in one line (title, Info column): the user's override says it first,
 * in its meaning or else its cause; otherwise the KB's summary. */
static const char *
response_summary(const show_ctx *c)
{
    const char *own = NULL;
    if (c->override) {
        own = sipkb_override_meaning(c->override);
        if (!own)
            own = sipkb_override_cause(c->override);
    }
    return own ? own : c->summary;
}

static void
append_info(const show_ctx *c)
{
    if (sipkb_ids.info_column && c->entry)
        col_append_fstr(c->pinfo->cinfo, COL_INFO, " [sipkb: %s]", response_summary(c));
}

/* The sipkb item's title: the request (or quoted message) and its findings' headers
 * (sipkb_result_title()), or the response and what its code means. */
static char *
title_text(show_ctx *c)
{
    const sipkb_result *r = c->result;
    GString *named = g_string_new(NULL);
    if (sipkb_result_title(sipkb_ids.findings, r, named)) {
        char *title = wmem_strdup(c->pinfo->pool, named->str);
        g_string_free(named, TRUE);
        return title;
    }
    g_string_free(named, TRUE);
    if (!c->entry)
        return wmem_strdup_printf(c->pinfo->pool, "%u is not a SIP status code", r->status_code);
    return wmem_strdup_printf(c->pinfo->pool, "%u %s: %s", r->status_code, c->reason,
                              response_summary(c));
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
    const sipkb_result *r = c->result;
    c->entry = sipkb_kb_response(sipkb_kb_sources_kb(), r->status_code, &c->class_fallback);
    if (!c->entry)
        return;
    c->reason = c->class_fallback ? "(unregistered code)" : c->entry->reason;
    c->summary =
        r->summary ? r->summary : sipkb_kb_entry_text(c->entry, SIPKB_KB_SUMMARY, &r->situation);
    c->override =
        sipkb_kb_sources_override(r->status_code, r->reason_phrase, r->method, &c->override_row);
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
    c->visible = sipkb_tree_is_visible(tree);
    look_up_kb(c);
    c->top = generated(
        proto_tree_add_item(tree, sipkb_ids.proto, tvb, result->start, result->length, ENC_NA));
    c->sipkb_tree = proto_item_add_subtree(c->top, result->severity >= SIPKB_SEVERITY_WARN
                                                       ? sipkb_ids.ett_sipkb_failure
                                                       : sipkb_ids.ett_sipkb);
    const char *title = title_text(c);
    proto_item_append_text(c->top, ": %s", title);
    add_text(c, c->sipkb_tree, SIPKB_F_VERDICT, verdict_text(c, title),
             SHOW_LABELLED | SHOW_COMPUTED | SHOW_ONE_LINE);
    append_info(c);
    c->last = c->top;
    for (guint i = 0; i < sipkb_result_n_all(result); i++)
        show_item(c, i);
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
            expert_add_info(pinfo, NULL, expert_of(c, def));
    }
    append_info(c);
}
