/* Loading the findings table (plugin/kb/findings.kb) and filling its templates. */
#include "sipkb/findings.h"

#include <stdio.h>
#include <string.h>

#include "template.h"

#define SIPKB_FINDING_NAME(id, name) [SIPKB_F_##id] = name,
static const char *const finding_names[SIPKB_N_FINDINGS] = {SIPKB_FINDING_LIST(SIPKB_FINDING_NAME)};
#undef SIPKB_FINDING_NAME

struct sipkb_findings_table {
    GKeyFile *file; /* owns every string below */
    sipkb_finding_def defs[SIPKB_N_FINDINGS];
    GHashTable *texts;     /* [text NAME] name -> template */
    GHashTable *restates;  /* [text NAME] name -> sipkb_kb_cause_ref, when it has `restates` */
    GHashTable *summaries; /* [text NAME] name -> its `summary` template, when it has one */
    GPtrArray *owned;      /* strings made here */
};

const char *
sipkb_finding_name(sipkb_finding id)
{
    return id < SIPKB_N_FINDINGS ? finding_names[id] : NULL;
}

static gboolean
finding_by_name(const char *name, sipkb_finding *id)
{
    for (guint i = 0; i < SIPKB_N_FINDINGS; i++) {
        if (strcmp(finding_names[i], name) == 0) {
            *id = (sipkb_finding)i;
            return TRUE;
        }
    }
    return FALSE;
}

/* One key of a closed set ("warn", "sequence", ...), by its words. */
typedef struct {
    const char *word;
    int value;
} word_value;

static const word_value value_types[] = {
    {"none", SIPKB_VALUE_NONE},   {"flag", SIPKB_VALUE_FLAG},
    {"frame", SIPKB_VALUE_FRAME}, {"number", SIPKB_VALUE_NUMBER},
    {"text", SIPKB_VALUE_TEXT},   {"duration", SIPKB_VALUE_DURATION},
    {"time", SIPKB_VALUE_TIME},   {NULL, 0},
};
static const word_value links[] = {
    {"request", SIPKB_LINK_REQUEST},
    {"response", SIPKB_LINK_RESPONSE},
    {"retransmission_of", SIPKB_LINK_RETRANSMISSION_OF},
    {NULL, 0},
};
static const word_value severities[] = {
    {"chat", SIPKB_SEVERITY_CHAT},
    {"note", SIPKB_SEVERITY_NOTE},
    {"warn", SIPKB_SEVERITY_WARN},
    {"error", SIPKB_SEVERITY_ERROR},
    {NULL, 0},
};
static const word_value openings[] = {
    {"problem", SIPKB_OPEN_ON_PROBLEM},
    {"failure", SIPKB_OPEN_ON_FAILURE},
    {NULL, 0},
};
static const word_value groups[] = {
    {"response", SIPKB_GROUP_RESPONSE},
    {"sequence", SIPKB_GROUP_SEQUENCE},
    {"protocol", SIPKB_GROUP_PROTOCOL},
    {"malformed", SIPKB_GROUP_MALFORMED},
    {NULL, 0},
};

typedef struct {
    const char *source_name;
    const char *section;
    GKeyFile *file;
    GError **error;
} section_reader;

static const char *
optional(section_reader *r, const char *key)
{
    /* The key file owns its values only through copies: keep one per table. */
    return g_key_file_has_key(r->file, r->section, key, NULL)
               ? g_key_file_get_string(r->file, r->section, key, NULL)
               : NULL;
}

static gboolean
fail(section_reader *r, const char *problem, const char *key)
{
    g_set_error(r->error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE, "%s: [%s]: %s '%s'",
                r->source_name, r->section, problem, key);
    return FALSE;
}

static gboolean
read_word(section_reader *r, const char *key, const word_value *set, int *value, gboolean needed)
{
    char *word = g_key_file_get_string(r->file, r->section, key, NULL);
    if (!word)
        return needed ? fail(r, "is missing the key", key) : TRUE;
    for (const word_value *w = set; w->word; w++) {
        if (strcmp(w->word, word) == 0) {
            *value = w->value;
            g_free(word);
            return TRUE;
        }
    }
    g_free(word);
    return fail(r, "has an unknown value of", key);
}

static void
keep(sipkb_findings_table *table, const char *text)
{
    if (text)
        g_ptr_array_add(table->owned, (gpointer)text);
}

/* The keys PREFIX.1, PREFIX.2 ... up to the first missing one, as a NULL-terminated array kept
 * by the table; returns how many. */
static guint
read_numbered(sipkb_findings_table *table, section_reader *r, const char *prefix,
              const char *const **out)
{
    GPtrArray *texts = g_ptr_array_new();
    for (guint n = 1;; n++) {
        char key[32];
        g_snprintf(key, sizeof(key), "%s.%u", prefix, n);
        const char *text = optional(r, key);
        if (!text)
            break;
        keep(table, text);
        g_ptr_array_add(texts, (gpointer)text);
    }
    guint count = texts->len;
    g_ptr_array_add(texts, NULL);
    *out = (const char *const *)g_ptr_array_free(texts, FALSE);
    keep(table, (const char *)*out);
    return count;
}

static gboolean
read_variants(sipkb_findings_table *table, section_reader *r, sipkb_finding_def *def)
{
    def->n_variants = read_numbered(table, r, "text", &def->variants);
    def->n_ladder_variants = read_numbered(table, r, "ladder", &def->ladder_variants);
    return TRUE;
}

static gboolean
read_finding(sipkb_findings_table *table, section_reader *r, const char *name)
{
    sipkb_finding id;
    if (!finding_by_name(name, &id))
        return fail(r, "names no finding of include/sipkb/findings.h:", name);
    sipkb_finding_def *def = &table->defs[id];
    def->id = id;
    def->name = finding_names[id];
    def->parent = id;
    int type = 0, link = SIPKB_LINK_NONE, severity = SIPKB_SEVERITY_NONE, group = 0;
    int open = SIPKB_OPEN_ON_PROBLEM;
    if (!read_word(r, "type", value_types, &type, TRUE) ||
        !read_word(r, "link", links, &link, FALSE) ||
        !read_word(r, "severity", severities, &severity, FALSE) ||
        !read_word(r, "group", groups, &group, severity != SIPKB_SEVERITY_NONE) ||
        !read_word(r, "open", openings, &open, FALSE))
        return FALSE;
    def->open = (sipkb_open)open;
    def->type = (sipkb_value_type)type;
    def->link = (sipkb_link)link;
    def->severity = (sipkb_severity)severity;
    def->group = (sipkb_group)group;
    if (def->type == SIPKB_VALUE_FRAME && def->link == SIPKB_LINK_NONE)
        return fail(r, "is a frame link without the key", "link");
    const char *strings[] = {"label",   "description", "summary", "text",
                             "subtree", "header",      "ladder"};
    const char **slots[] = {&def->label,   &def->description, &def->summary, &def->text,
                            &def->subtree, &def->header,      &def->ladder};
    for (gsize i = 0; i < G_N_ELEMENTS(strings); i++) {
        *slots[i] = optional(r, strings[i]);
        keep(table, *slots[i]);
    }
    if (def->severity != SIPKB_SEVERITY_NONE && !def->summary)
        return fail(r, "has a severity but no", "summary");
    if (def->type != SIPKB_VALUE_NONE && !def->label)
        return fail(r, "is a field without the key", "label");
    if (!def->label)
        def->label = def->summary;
    char *parent = g_key_file_get_string(r->file, r->section, "parent", NULL);
    if (parent && !finding_by_name(parent, &def->parent)) {
        gboolean ok = fail(r, "names an unknown parent", parent);
        g_free(parent);
        return ok;
    }
    g_free(parent);
    def->field = g_strconcat("sipkb.", name, NULL);
    keep(table, def->field);
    def->expert_field = g_strconcat(def->field, ".expert", NULL);
    keep(table, def->expert_field);
    return read_variants(table, r, def);
}

/* `restates=403 cause.2`: the response code and the number of the generic KB's cause. */
static gboolean
read_restates(sipkb_findings_table *table, section_reader *r, const char *name)
{
    char *value = g_key_file_get_string(r->file, r->section, "restates", NULL);
    if (!value)
        return TRUE;
    guint code = 0, number = 0;
    char tail = 0;
    gboolean ok = sscanf(value, "%3u cause.%3u%c", &code, &number, &tail) == 2 && code >= 100 &&
                  code <= 699 && number >= 1 && number <= G_MAXUINT8;
    if (ok) {
        sipkb_kb_cause_ref *ref = g_new(sipkb_kb_cause_ref, 1);
        ref->code = code;
        ref->number = (guint8)number;
        g_hash_table_replace(table->restates, g_strdup(name), ref);
    } else {
        fail(r, "has a 'restates' that is not 'CODE cause.N' (403 cause.2):", value);
    }
    g_free(value);
    return ok;
}

static gboolean
read_text(sipkb_findings_table *table, section_reader *r, const char *name)
{
    char *text = g_key_file_get_string(r->file, r->section, "text", NULL);
    if (!text)
        return fail(r, "is missing the key", "text");
    g_hash_table_replace(table->texts, g_strdup(name), text);
    char *summary = g_key_file_get_string(r->file, r->section, "summary", NULL);
    if (summary)
        g_hash_table_replace(table->summaries, g_strdup(name), summary);
    return read_restates(table, r, name);
}

static gboolean
read_sections(sipkb_findings_table *table, const char *source_name, GError **error)
{
    gsize n_groups = 0;
    char **names = g_key_file_get_groups(table->file, &n_groups);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n_groups; i++) {
        section_reader r = {source_name, names[i], table->file, error};
        if (g_str_has_prefix(names[i], "finding "))
            ok = read_finding(table, &r, names[i] + strlen("finding "));
        else if (g_str_has_prefix(names[i], "text "))
            ok = read_text(table, &r, names[i] + strlen("text "));
        else if (strcmp(names[i], "sipkb") != 0)
            ok = fail(&r, "is not a [finding NAME], [text NAME] or [sipkb] section:", names[i]);
    }
    g_strfreev(names);
    for (guint id = 0; ok && id < SIPKB_N_FINDINGS; id++) {
        if (!table->defs[id].field) {
            g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND,
                        "%s: no section [finding %s]", source_name, finding_names[id]);
            ok = FALSE;
        }
    }
    return ok;
}

sipkb_findings_table *
sipkb_findings_table_new(const char *data, gsize length, const char *source_name, GError **error)
{
    sipkb_findings_table *table = g_new0(sipkb_findings_table, 1);
    table->file = g_key_file_new();
    table->texts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    table->restates = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    table->summaries = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    table->owned = g_ptr_array_new_with_free_func(g_free);
    GError *parse_error = NULL;
    if (!g_utf8_validate(data, (gssize)length, NULL)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "%s: not UTF-8", source_name);
    } else if (!g_key_file_load_from_data(table->file, data, length, G_KEY_FILE_NONE,
                                          &parse_error)) {
        g_set_error(error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE, "%s: %s", source_name,
                    parse_error->message);
        g_error_free(parse_error);
    } else if (read_sections(table, source_name, error)) {
        return table;
    }
    sipkb_findings_table_free(table);
    return NULL;
}

void
sipkb_findings_table_free(sipkb_findings_table *table)
{
    if (!table)
        return;
    g_key_file_free(table->file);
    g_hash_table_destroy(table->texts);
    g_hash_table_destroy(table->restates);
    g_hash_table_destroy(table->summaries);
    g_ptr_array_free(table->owned, TRUE);
    g_free(table);
}

const sipkb_finding_def *
sipkb_findings_def(const sipkb_findings_table *table, sipkb_finding id)
{
    return id < SIPKB_N_FINDINGS ? &table->defs[id] : NULL;
}

const char *
sipkb_findings_text(const sipkb_findings_table *table, const char *name)
{
    return g_hash_table_lookup(table->texts, name);
}

const char *
sipkb_findings_text_summary(const sipkb_findings_table *table, const char *name)
{
    return g_hash_table_lookup(table->summaries, name);
}

const sipkb_kb_cause_ref *
sipkb_findings_text_restates(const sipkb_findings_table *table, const char *name)
{
    return g_hash_table_lookup(table->restates, name);
}

gboolean
sipkb_finding_has_field(const sipkb_finding_def *def)
{
    return def->type != SIPKB_VALUE_NONE || def->subtree;
}

static const char *
variant_text(const sipkb_finding_def *def, guint8 variant)
{
    return variant && variant <= def->n_variants ? def->variants[variant - 1] : NULL;
}

const char *
sipkb_finding_expert_text(const sipkb_finding_def *def, guint8 variant)
{
    const char *text = variant_text(def, variant);
    return text ? text : def->text;
}

const char *
sipkb_finding_title(const sipkb_finding_def *def, guint8 variant)
{
    if (!sipkb_finding_has_field(def))
        return NULL;
    const char *text = def->severity == SIPKB_SEVERITY_NONE ? variant_text(def, variant) : NULL;
    return text ? text : def->subtree;
}

const char *
sipkb_finding_ladder(const sipkb_finding_def *def, guint8 variant)
{
    if (variant && variant <= def->n_ladder_variants)
        return def->ladder_variants[variant - 1];
    return def->ladder;
}

/* ---- templates ------------------------------------------------------------------------------ */

void
sipkb_template_fill(const char *template_text, sipkb_template_lookup lookup, gconstpointer data,
                    GString *out)
{
    const char *p = template_text;
    while (p && *p) {
        const char *open = strchr(p, '{');
        const char *close = open ? strchr(open, '}') : NULL;
        if (!open || !close) {
            g_string_append(out, p);
            return;
        }
        g_string_append_len(out, p, open - p);
        char *name = g_strndup(open + 1, (gsize)(close - open - 1));
        if (!lookup(name, data, out))
            g_string_append(out, "(unknown)");
        g_free(name);
        p = close + 1;
    }
}
