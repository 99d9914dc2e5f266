/* Packet comments from sipkb's tree items (see annotate-comments.h).
 *
 * Generic on purpose: every sipkb.* field is written out except the explanations meant for
 * reading in the plugin itself (the KB's prose, the line-by-line SDP and Via explanations,
 * advice). So a finding added to the plugin later shows up in annotated captures without a
 * change here. Comments are one line each, because Wireshark cuts tree labels at 240
 * characters: flags say their name (and their expert info's words), frame links say
 * "frame N", repeated fields are joined on one line, subtree titles that state a finding
 * ("Caller-ID: From user ... differs ...") are kept, bare headings are not.
 */
#include <wireshark.h>

#include <epan/proto.h>

#include "annotate-comments.h"
#include "ws-compat.h"

/* Explanations, not findings (the first comment already carries the code and its summary). */
static const char *const explanation_fields[] = {
    "sipkb.verdict",        "sipkb.code",      "sipkb.class",      "sipkb.summary",
    "sipkb.explanation",    "sipkb.cause",     "sipkb.advice",     "sipkb.provider_note",
    "sipkb.reference",      "sipkb.source",    "sipkb.sdp.line",   "sipkb.sdp.payload",
    "sipkb.sdp.nat.advice", "sipkb.via.value", "sipkb.via.detail",
};

/* The lines of one SIP message, without the prefix. */
typedef struct {
    GPtrArray *lines;
} message_text;

static gboolean
is_explanation(const header_field_info *hf)
{
    for (gsize i = 0; i < G_N_ELEMENTS(explanation_fields); i++)
        if (strcmp(hf->abbrev, explanation_fields[i]) == 0)
            return TRUE;
    return FALSE;
}

static gboolean
already_said(const message_text *m, const char *text)
{
    for (guint i = 0; i < m->lines->len; i++)
        if (strstr(g_ptr_array_index(m->lines, i), text))
            return TRUE;
    return FALSE;
}

static void
add_line(message_text *m, char *line)
{
    for (guint i = 0; i < m->lines->len; i++) {
        if (strcmp(g_ptr_array_index(m->lines, i), line) == 0) {
            g_free(line);
            return;
        }
    }
    g_ptr_array_add(m->lines, line);
}

/* The item's label as Wireshark shows it (without the 240-character cut for strings). */
static char *
label_of(field_info *fi)
{
    if (fi->rep)
        return g_strdup(fi->rep->representation);
    char label[ITEM_LABEL_LENGTH];
    sipkb_proto_item_fill_label(fi, label);
    return g_strdup(label);
}

/* The message of the expert info attached to an item, or NULL. */
static const char *
expert_message(proto_node *item)
{
    for (proto_node *child = item->first_child; child; child = child->next) {
        if (!child->finfo || strcmp(child->finfo->hfinfo->abbrev, "_ws.expert") != 0)
            continue;
        for (proto_node *e = child->first_child; e; e = e->next)
            if (e->finfo && strcmp(e->finfo->hfinfo->abbrev, "_ws.expert.message") == 0)
                return sipkb_finfo_string(e->finfo);
    }
    return NULL;
}

/* "Name: words" for an item with expert info, without saying the name twice. */
static char *
with_expert_words(const header_field_info *hf, const char *message)
{
    if (g_str_has_prefix(message, hf->name))
        return g_strdup(message);
    return g_strdup_printf("%s: %s", hf->name, message);
}

/* A string field and its siblings of the same field on one line: "Codec: G729/8000, PCMU/8000".
 * Values an earlier line states (a subtree's title) are not repeated. Returns the last item
 * used. */
static proto_node *
add_strings(proto_node *item, message_text *m)
{
    const header_field_info *hf = item->finfo->hfinfo;
    GString *line = g_string_new(NULL);
    proto_node *last = item;
    for (proto_node *same = item; same && same->finfo && same->finfo->hfinfo == hf;
         same = same->next) {
        last = same;
        const char *value = sipkb_finfo_string(same->finfo);
        if (!value || FI_GET_FLAG(same->finfo, FI_HIDDEN) || already_said(m, value))
            continue;
        g_string_append_printf(line, "%s%s", line->len ? ", " : "", value);
    }
    if (line->len)
        add_line(m, g_strdup_printf("%s: %s", hf->name, line->str));
    g_string_free(line, TRUE);
    return last;
}

static void walk(proto_node *node, message_text *m);

/* Adds the line of a sipkb field; returns the last sibling it took in. */
static proto_node *
add_field(proto_node *item, message_text *m)
{
    field_info *fi = item->finfo;
    const header_field_info *hf = fi->hfinfo;
    const char *expert = expert_message(item);
    switch (hf->type) {
    case FT_BOOLEAN:
        if (fvalue_get_uinteger64(SIPKB_FINFO_VALUE(fi)))
            add_line(m, expert ? with_expert_words(hf, expert) : g_strdup(hf->name));
        return item;
    case FT_FRAMENUM:
        add_line(m, g_strdup_printf("%s: frame %u", hf->name, sipkb_finfo_uint(fi)));
        return item;
    case FT_NONE:
        /* A subtree of its own ("SDP explained"): a heading, like a text title. */
        break;
    case FT_STRING:
    case FT_STRINGZ: {
        if (!expert)
            return add_strings(item, m);
        const char *value = sipkb_finfo_string(fi);
        if (value && !strstr(expert, value)) {
            add_line(m, g_strdup_printf("%s: %s: %s", hf->name, value, expert));
            return item;
        }
        add_line(m, with_expert_words(hf, expert));
        return item;
    }
    default:
        add_line(m, expert ? with_expert_words(hf, expert) : label_of(fi));
        return item;
    }
    char *title = label_of(fi);
    if (strstr(title, ": "))
        add_line(m, title);
    else
        g_free(title);
    return item;
}

static void
walk(proto_node *node, message_text *m)
{
    for (proto_node *child = node->first_child; child; child = child->next) {
        field_info *fi = child->finfo;
        if (!fi || FI_GET_FLAG(fi, FI_HIDDEN))
            continue;
        const header_field_info *hf = fi->hfinfo;
        if (hf->id == hf_text_only) {
            /* A subtree title: a statement ("Caller-ID: From user ... differs ...") is a
             * finding; a bare heading ("Authentication") only groups its items. */
            char *title = label_of(fi);
            if (strstr(title, ": "))
                add_line(m, title);
            else
                g_free(title);
            walk(child, m);
            continue;
        }
        if (!g_str_has_prefix(hf->abbrev, "sipkb.") || is_explanation(hf))
            continue;
        proto_node *last = add_field(child, m);
        for (proto_node *item = child;; item = item->next) {
            walk(item, m);
            if (item == last)
                break;
        }
        child = last;
    }
}

/* "SIP knowledge base: 403 Forbidden: ..." -> "403 Forbidden: ..." */
static char *
message_title(field_info *fi)
{
    char *label = label_of(fi);
    const char *name = fi->hfinfo->name;
    gsize name_len = strlen(name);
    if (strncmp(label, name, name_len) == 0 && strncmp(label + name_len, ": ", 2) == 0) {
        char *title = g_strdup(label + name_len + 2);
        g_free(label);
        return title;
    }
    return label;
}

static void
collect_message(proto_node *sipkb_item, GPtrArray *lines)
{
    message_text m = {g_ptr_array_new_with_free_func(g_free)};
    add_line(&m, message_title(sipkb_item->finfo));
    walk(sipkb_item, &m);
    for (guint i = 0; i < m.lines->len; i++)
        g_ptr_array_add(lines, g_strconcat(ANNOTATE_PREFIX, g_ptr_array_index(m.lines, i), NULL));
    g_ptr_array_free(m.lines, TRUE);
}

void
annotate_comments_collect(proto_tree *tree, int proto_sipkb, GPtrArray *lines)
{
    if (!tree)
        return;
    /* A post-dissector's items sit at the top of the tree, one per SIP message. */
    for (proto_node *child = tree->first_child; child; child = child->next)
        if (child->finfo && child->finfo->hfinfo->id == proto_sipkb)
            collect_message(child, lines);
}
