/* sipkb knowledge base loader: GKeyFile text -> validated, layered response entries.
 *
 * The KB format is documented at the top of plugin/kb/sip-responses.kb. Every file is
 * validated completely before it replaces its layer, so a broken file never half-applies.
 */
#include "sipkb/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NUMBERED_ITEMS 16
/* Limits in bytes, so that "Likely cause: " + text fits one packet-details line (Wireshark
 * truncates item labels at 240 bytes). */
#define MAX_SUMMARY_CHARS 100
#define MAX_TEXT_CHARS 220

/* One section of one layer, as written in its file. */
typedef struct {
    char *reason;
    char *summary;
    char *meaning;
    GPtrArray *causes; /* NULL-terminated, or NULL when the file gives none */
    GPtrArray *advice;
    char *provider_note;
    char *reference;
} layer_entry;

typedef struct {
    GHashTable *entries; /* code (1..6 classes, 100..699) -> layer_entry */
    char *version;
    char *name;
} kb_layer;

struct sipkb_kb {
    kb_layer layers[SIPKB_LAYER_COUNT];
    GHashTable *merged; /* code -> sipkb_response_entry */
};

G_DEFINE_QUARK(sipkb - kb - error - quark, sipkb_kb_error)

static const char *const layer_names[SIPKB_LAYER_COUNT] = {"generic", "provider profile",
                                                           "user override"};

const char *
sipkb_layer_name(sipkb_layer layer)
{
    return layer < SIPKB_LAYER_COUNT ? layer_names[layer] : "unknown";
}

static void
layer_entry_free(gpointer data)
{
    layer_entry *entry = data;
    g_free(entry->reason);
    g_free(entry->summary);
    g_free(entry->meaning);
    if (entry->causes)
        g_ptr_array_unref(entry->causes);
    if (entry->advice)
        g_ptr_array_unref(entry->advice);
    g_free(entry->provider_note);
    g_free(entry->reference);
    g_free(entry);
}

static GHashTable *
new_entry_table(GDestroyNotify free_value)
{
    return g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_value);
}

static void
kb_layer_clear(kb_layer *layer)
{
    if (layer->entries)
        g_hash_table_unref(layer->entries);
    g_free(layer->version);
    g_free(layer->name);
    memset(layer, 0, sizeof(*layer));
}

sipkb_kb *
sipkb_kb_new(void)
{
    sipkb_kb *kb = g_new0(sipkb_kb, 1);
    kb->merged = new_entry_table(g_free);
    return kb;
}

void
sipkb_kb_free(sipkb_kb *kb)
{
    if (!kb)
        return;
    for (int i = 0; i < SIPKB_LAYER_COUNT; i++)
        kb_layer_clear(&kb->layers[i]);
    g_hash_table_unref(kb->merged);
    g_free(kb);
}

/* ---- parsing and validation ------------------------------------------------------------ */

typedef struct {
    const char *source;
    const char *group;
} parse_ctx;

static gboolean G_GNUC_PRINTF(3, 4)
    fail(GError **error, const parse_ctx *ctx, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *problem = g_strdup_vprintf(format, args);
    va_end(args);
    char *message = ctx->group ? g_strdup_printf("%s: [%s]: %s", ctx->source, ctx->group, problem)
                               : g_strdup_printf("%s: %s", ctx->source, problem);
    /* Group and key names come from the file as they are; the message goes to a dialog. */
    char *shown = g_utf8_make_valid(message, -1);
    g_set_error_literal(error, SIPKB_KB_ERROR, SIPKB_KB_ERROR_INVALID, shown);
    g_free(shown);
    g_free(message);
    g_free(problem);
    return FALSE;
}

/* Reads an optional text value; rejects empty, over-long and multi-line text. */
static gboolean
read_text(GKeyFile *file, const parse_ctx *ctx, const char *key, size_t max_chars, char **out,
          GError **error)
{
    *out = NULL;
    if (!g_key_file_has_key(file, ctx->group, key, NULL))
        return TRUE;
    GError *local = NULL;
    char *value = g_key_file_get_string(file, ctx->group, key, &local);
    if (!value) {
        gboolean ok = fail(error, ctx, "'%s': %s", key, local->message);
        g_error_free(local);
        return ok;
    }
    g_strstrip(value);
    const char *problem = NULL;
    if (!g_utf8_validate(value, -1, NULL))
        problem = "is not valid UTF-8";
    else if (value[0] == '\0')
        problem = "is empty";
    else if (strpbrk(value, "\n\r\t"))
        problem = "contains a line break or tab (one line per value)";
    else if (strlen(value) > max_chars)
        problem = "is too long for one line of the packet details";
    if (problem) {
        g_free(value);
        return fail(error, ctx, "'%s' %s (at most %zu bytes)", key, problem, max_chars);
    }
    *out = value;
    return TRUE;
}

/* Reads prefix.1, prefix.2, ... in order; a gap or a number past the limit is an error. */
static gboolean
read_numbered(GKeyFile *file, const parse_ctx *ctx, const char *prefix, GPtrArray **out,
              GError **error)
{
    *out = NULL;
    GPtrArray *items = g_ptr_array_new_with_free_func(g_free);
    for (unsigned n = 1; n <= MAX_NUMBERED_ITEMS; n++) {
        char *key = g_strdup_printf("%s.%u", prefix, n);
        char *text = NULL;
        gboolean ok = read_text(file, ctx, key, MAX_TEXT_CHARS, &text, error);
        g_free(key);
        if (!ok) {
            g_ptr_array_unref(items);
            return FALSE;
        }
        if (text) {
            g_ptr_array_add(items, text);
            continue;
        }
        /* A gap would silently drop every item after it. */
        for (unsigned later = n + 1; later <= MAX_NUMBERED_ITEMS; later++) {
            char *later_key = g_strdup_printf("%s.%u", prefix, later);
            gboolean exists = g_key_file_has_key(file, ctx->group, later_key, NULL);
            g_free(later_key);
            if (exists) {
                g_ptr_array_unref(items);
                if (n == 1)
                    return fail(error, ctx, "'%s.%u' without '%s.1'", prefix, later, prefix);
                return fail(error, ctx, "'%s.%u' follows '%s.%u' without '%s.%u'", prefix, later,
                            prefix, n - 1, prefix, n);
            }
        }
        break;
    }
    if (items->len == 0) {
        g_ptr_array_unref(items);
        return TRUE;
    }
    g_ptr_array_add(items, NULL);
    *out = items;
    return TRUE;
}

/* Every key must be one the format knows: catches typos such as "casue.1". */
static gboolean
check_keys(GKeyFile *file, const parse_ctx *ctx, gboolean is_class, GError **error)
{
    gsize n_keys = 0;
    char **keys = g_key_file_get_keys(file, ctx->group, &n_keys, NULL);
    gboolean ok = TRUE;
    for (gsize i = 0; ok && i < n_keys; i++) {
        const char *key = keys[i];
        unsigned long number = 0;
        const char *dot = strchr(key, '.');
        if (dot && (strncmp(key, "cause.", 6) == 0 || strncmp(key, "advice.", 7) == 0)) {
            char *end = NULL;
            number = strtoul(dot + 1, &end, 10);
            if (end && *end == '\0' && number >= 1 && number <= MAX_NUMBERED_ITEMS)
                continue;
            ok = fail(error, ctx, "'%s': items are numbered 1 to %d", key, MAX_NUMBERED_ITEMS);
            break;
        }
        static const char *const known[] = {"summary", "meaning", "provider_note", "reference"};
        gboolean found = g_strcmp0(key, is_class ? "name" : "reason") == 0;
        for (gsize k = 0; !found && k < G_N_ELEMENTS(known); k++)
            found = strcmp(key, known[k]) == 0;
        if (!found)
            ok = fail(error, ctx, "unknown key '%s'", key);
    }
    g_strfreev(keys);
    return ok;
}

/* "response 403" -> 403, "class 4xx" -> 4; 0 when the group name is neither. */
static unsigned
section_code(const char *group, gboolean *is_class)
{
    unsigned code = 0;
    char tail = '\0';
    *is_class = FALSE;
    if (sscanf(group, "response %3u%c", &code, &tail) == 1 && code >= 100 && code <= 699 &&
        strlen(group) == strlen("response 123"))
        return code;
    if (strlen(group) == strlen("class 1xx") && strncmp(group, "class ", 6) == 0 &&
        group[6] >= '1' && group[6] <= '6' && strcmp(group + 7, "xx") == 0) {
        *is_class = TRUE;
        return (unsigned)(group[6] - '0');
    }
    return 0;
}

static gboolean
read_entry(GKeyFile *file, const parse_ctx *ctx, gboolean is_class, sipkb_layer layer,
           layer_entry **out, GError **error)
{
    layer_entry *entry = g_new0(layer_entry, 1);
    gboolean ok =
        check_keys(file, ctx, is_class, error) &&
        read_text(file, ctx, is_class ? "name" : "reason", MAX_SUMMARY_CHARS, &entry->reason,
                  error) &&
        read_text(file, ctx, "summary", MAX_SUMMARY_CHARS, &entry->summary, error) &&
        read_text(file, ctx, "meaning", MAX_TEXT_CHARS, &entry->meaning, error) &&
        read_numbered(file, ctx, "cause", &entry->causes, error) &&
        read_numbered(file, ctx, "advice", &entry->advice, error) &&
        read_text(file, ctx, "provider_note", MAX_TEXT_CHARS, &entry->provider_note, error) &&
        read_text(file, ctx, "reference", MAX_SUMMARY_CHARS, &entry->reference, error);
    if (ok && layer == SIPKB_LAYER_GENERIC) {
        /* The generic layer is the fallback for everything: it must be complete. */
        const char *missing = !entry->reason      ? (is_class ? "name" : "reason")
                              : !entry->summary   ? "summary"
                              : !entry->meaning   ? "meaning"
                              : !entry->causes    ? "cause.1"
                              : !entry->advice    ? "advice.1"
                              : !entry->reference ? "reference"
                                                  : NULL;
        if (missing)
            ok = fail(error, ctx, "'%s' is missing (the generic KB needs it)", missing);
    }
    if (ok && !entry->reason && !entry->summary && !entry->meaning && !entry->causes &&
        !entry->advice && !entry->provider_note && !entry->reference)
        ok = fail(error, ctx, "the section is empty");
    if (!ok) {
        layer_entry_free(entry);
        return FALSE;
    }
    *out = entry;
    return TRUE;
}

static gboolean
read_header(GKeyFile *file, const char *source, kb_layer *parsed, GError **error)
{
    parse_ctx ctx = {source, "sipkb"};
    if (!g_key_file_has_group(file, "sipkb"))
        return fail(error, &(parse_ctx){source, NULL}, "the [sipkb] section is missing");
    char *format = NULL;
    gboolean ok = read_text(file, &ctx, "format", 8, &format, error) &&
                  read_text(file, &ctx, "kb_version", MAX_SUMMARY_CHARS, &parsed->version, error) &&
                  read_text(file, &ctx, "name", MAX_TEXT_CHARS, &parsed->name, error);
    if (ok && g_strcmp0(format, "1") != 0)
        ok = fail(error, &ctx, "'format' must be 1 (this sipkb reads format 1)");
    if (ok && !parsed->version)
        ok = fail(error, &ctx, "'kb_version' is missing");
    g_free(format);
    return ok;
}

static gboolean
parse_layer(sipkb_layer layer, const char *data, gsize length, const char *source, kb_layer *parsed,
            GError **error)
{
    GKeyFile *file = g_key_file_new();
    GError *local = NULL;
    parsed->entries = new_entry_table(layer_entry_free);
    if (!g_key_file_load_from_data(file, data, length, G_KEY_FILE_NONE, &local)) {
        char *message = g_strdup_printf("%s: %s", source, local->message);
        char *shown = g_utf8_make_valid(message, -1); /* GKeyFile quotes the file's bytes */
        g_set_error_literal(error, SIPKB_KB_ERROR, SIPKB_KB_ERROR_PARSE, shown);
        g_free(shown);
        g_free(message);
        g_error_free(local);
        g_key_file_free(file);
        return FALSE;
    }
    gboolean ok = read_header(file, source, parsed, error);
    char **groups = g_key_file_get_groups(file, NULL);
    for (gsize i = 0; ok && groups[i]; i++) {
        parse_ctx ctx = {source, groups[i]};
        gboolean is_class = FALSE;
        if (strcmp(groups[i], "sipkb") == 0)
            continue;
        unsigned code = section_code(groups[i], &is_class);
        if (code == 0) {
            ok = fail(error, &ctx,
                      "unknown section (expected [response NNN] with NNN in "
                      "100..699, or [class Nxx])");
            break;
        }
        layer_entry *entry = NULL;
        ok = read_entry(file, &ctx, is_class, layer, &entry, error);
        if (ok)
            g_hash_table_insert(parsed->entries, GUINT_TO_POINTER(code), entry);
    }
    for (unsigned cls = 1; ok && layer == SIPKB_LAYER_GENERIC && cls <= 6; cls++) {
        if (!g_hash_table_contains(parsed->entries, GUINT_TO_POINTER(cls)))
            ok = fail(error, &(parse_ctx){source, NULL}, "[class %uxx] is missing", cls);
    }
    g_strfreev(groups);
    g_key_file_free(file);
    return ok;
}

/* ---- layering ------------------------------------------------------------------------- */

static const char *const *
items_or_null(GPtrArray *items)
{
    return items ? (const char *const *)items->pdata : NULL;
}

static void
merge_entry(sipkb_response_entry *merged, const layer_entry *entry, sipkb_layer layer)
{
    if (entry->reason)
        merged->reason = entry->reason;
    if (entry->summary || entry->meaning)
        merged->meaning_layer = layer;
    if (entry->summary)
        merged->summary = entry->summary;
    if (entry->meaning)
        merged->meaning = entry->meaning;
    if (entry->causes) {
        merged->causes = items_or_null(entry->causes);
        merged->causes_layer = layer;
    }
    if (entry->advice) {
        merged->advice = items_or_null(entry->advice);
        merged->advice_layer = layer;
    }
    if (entry->provider_note)
        merged->provider_note = entry->provider_note;
    if (entry->reference)
        merged->reference = entry->reference;
}

static void
rebuild_merged(sipkb_kb *kb)
{
    g_hash_table_remove_all(kb->merged);
    for (int layer = 0; layer < SIPKB_LAYER_COUNT; layer++) {
        if (!kb->layers[layer].entries)
            continue;
        GHashTableIter iter;
        gpointer key, value;
        g_hash_table_iter_init(&iter, kb->layers[layer].entries);
        while (g_hash_table_iter_next(&iter, &key, &value)) {
            sipkb_response_entry *merged = g_hash_table_lookup(kb->merged, key);
            if (!merged) {
                merged = g_new0(sipkb_response_entry, 1);
                merged->code = GPOINTER_TO_UINT(key);
                g_hash_table_insert(kb->merged, key, merged);
            }
            merge_entry(merged, value, (sipkb_layer)layer);
        }
    }
    /* A profile or team file may explain a code the generic KB lacks with some texts only:
     * its class supplies the rest, so every entry with a summary is complete. */
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, kb->merged);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        sipkb_response_entry *entry = value;
        const sipkb_response_entry *cls =
            entry->code >= 100
                ? g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(entry->code / 100))
                : NULL;
        if (!cls || !entry->summary)
            continue;
        if (!entry->reason)
            entry->reason = "(unregistered code)";
        if (!entry->meaning) {
            entry->meaning = cls->meaning;
            entry->meaning_layer = cls->meaning_layer;
        }
        if (!entry->causes) {
            entry->causes = cls->causes;
            entry->causes_layer = cls->causes_layer;
        }
        if (!entry->advice) {
            entry->advice = cls->advice;
            entry->advice_layer = cls->advice_layer;
        }
        if (!entry->reference)
            entry->reference = cls->reference;
    }
}

gboolean
sipkb_kb_add_layer(sipkb_kb *kb, sipkb_layer layer, const char *data, gsize length,
                   const char *source_name, GError **error)
{
    g_return_val_if_fail(kb && layer < SIPKB_LAYER_COUNT, FALSE);
    kb_layer parsed = {0};
    if (!data ||
        !parse_layer(layer, data, length, source_name ? source_name : "KB", &parsed, error)) {
        if (!data)
            g_set_error(error, SIPKB_KB_ERROR, SIPKB_KB_ERROR_PARSE, "%s: no data",
                        source_name ? source_name : "KB");
        kb_layer_clear(&parsed);
        return FALSE;
    }
    kb_layer_clear(&kb->layers[layer]);
    kb->layers[layer] = parsed;
    rebuild_merged(kb);
    return TRUE;
}

void
sipkb_kb_clear_layer(sipkb_kb *kb, sipkb_layer layer)
{
    g_return_if_fail(kb && layer < SIPKB_LAYER_COUNT);
    kb_layer_clear(&kb->layers[layer]);
    rebuild_merged(kb);
}

/* ---- lookups -------------------------------------------------------------------------- */

const sipkb_response_entry *
sipkb_kb_class(const sipkb_kb *kb, unsigned code)
{
    if (!kb || code < 100 || code > 699)
        return NULL;
    return g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(code / 100));
}

const sipkb_response_entry *
sipkb_kb_response(const sipkb_kb *kb, unsigned code, gboolean *is_class_fallback)
{
    if (is_class_fallback)
        *is_class_fallback = FALSE;
    if (!kb || code < 100 || code > 699)
        return NULL;
    const sipkb_response_entry *entry = g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(code));
    /* An entry that only carries a note (e.g. a profile's) still needs the generic meaning. */
    if (entry && entry->summary)
        return entry;
    if (is_class_fallback)
        *is_class_fallback = TRUE;
    return sipkb_kb_class(kb, code);
}

const char *
sipkb_kb_version(const sipkb_kb *kb, sipkb_layer layer)
{
    return kb && layer < SIPKB_LAYER_COUNT ? kb->layers[layer].version : NULL;
}

const char *
sipkb_kb_name(const sipkb_kb *kb, sipkb_layer layer)
{
    return kb && layer < SIPKB_LAYER_COUNT ? kb->layers[layer].name : NULL;
}

static gint
compare_uint(gconstpointer a, gconstpointer b)
{
    guint x = *(const guint *)a, y = *(const guint *)b;
    return x < y ? -1 : x > y;
}

GArray *
sipkb_kb_codes(const sipkb_kb *kb)
{
    GArray *codes = g_array_new(FALSE, FALSE, sizeof(guint));
    if (!kb)
        return codes;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, kb->merged);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        guint code = GPOINTER_TO_UINT(key);
        if (code >= 100 && ((const sipkb_response_entry *)value)->summary)
            g_array_append_val(codes, code);
    }
    g_array_sort(codes, compare_uint);
    return codes;
}
