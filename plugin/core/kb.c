/* sipkb knowledge base loader: GKeyFile text -> validated, layered response entries.
 *
 * The KB format is documented at the top of plugin/kb/sip-responses.kb. Every file is
 * validated completely before it replaces its layer, so a broken file never half-applies.
 * Texts may depend on the request a response answers: cause.N.for, advice.N.for and
 * provider_note.for say for which methods, situations (offer, credentials, in-dialog,
 * outside-dialog, callerid-mismatch, expires-0, dns-failure) and event packages
 * (event=message-summary) a line applies; summary.METHOD, meaning.METHOD and their .in_dialog
 * and .expires_0 forms replace the entry's own text for one method, or for requests inside a
 * dialog or with Expires: 0, and .outside_dialog for requests outside any dialog.
 */
#include "sipkb/kb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sipkb/diagnosis.h"

#define MAX_NUMBERED_ITEMS 16
/* Limits in bytes, so that "Likely cause: " + text fits one packet-details line (Wireshark
 * truncates item labels at 240 bytes). */
#define MAX_SUMMARY_CHARS 100
#define MAX_TEXT_CHARS 220

/* The facts about a request that a condition may ask for, by the names the KB writes. */
enum {
    FACT_OFFER,
    FACT_CREDENTIALS,
    FACT_IN_DIALOG,
    FACT_OUTSIDE_DIALOG,
    FACT_CALLERID_MISMATCH,
    FACT_EXPIRES_ZERO,
    FACT_DNS_FAILURE,
    N_FACTS
};
static const char *const fact_names[N_FACTS] = {"offer",          "credentials",       "in-dialog",
                                                "outside-dialog", "callerid-mismatch", "expires-0",
                                                "dns-failure"};
/* Facts that are verdicts of the capture, not properties of the request: a line that asks for
 * one to hold needs the capture to show it, and an unknown one counts as not holding. */
static const gboolean fact_is_verdict[N_FACTS] = {
    [FACT_OUTSIDE_DIALOG] = TRUE, [FACT_DNS_FAILURE] = TRUE};

/* What a condition asks of one fact: nothing, that it holds ("offer"), or not ("!offer"). */
typedef enum { WANT_ANY, WANT_YES, WANT_NO } fact_wanted;

/* Which requests a cause or advice line applies to (cause.N.for = INVITE,UPDATE,offer). */
struct sipkb_kb_condition {
    char **methods;         /* NULL-terminated; empty: every method */
    char **excluded;        /* NULL-terminated: "!METHOD" entries */
    char **events;          /* NULL-terminated event types, in lower case; empty: any event */
    char **excluded_events; /* NULL-terminated: "!event=TYPE" entries, in lower case */
    fact_wanted facts[N_FACTS];
};

/* The entries of a condition that name an event type (RFC 6665 section 8.2.1). */
#define EVENT_ENTRY "event="

/* Texts for one method or for requests without an offer: "meaning.REGISTER" -> text. */
struct sipkb_kb_variants {
    GHashTable *texts; /* keys and values owned by the layers */
};

/* The bases of the variant keys, and the one selector that is not a method. */
static const char *const variant_bases[] = {"summary", "meaning", "provider_note"};
#define NO_OFFER_SELECTOR "no_offer"
#define IN_DIALOG_SELECTOR "in_dialog"
#define OUTSIDE_DIALOG_SELECTOR "outside_dialog"
#define EXPIRES_ZERO_SELECTOR "expires_0"
#define CALLERID_SELECTOR "callerid"
/* The condition of a provider note: a key of its own, not a text variant. */
#define PROVIDER_NOTE_FOR "provider_note.for"

/* One section of one layer, as written in its file. */
typedef struct {
    char *reason;
    char *summary;
    char *meaning;
    GPtrArray *causes;    /* NULL-terminated, or NULL when the file gives none */
    GPtrArray *cause_for; /* one sipkb_kb_condition (or NULL) per cause, when causes */
    GPtrArray *advice;
    GPtrArray *advice_for;
    char *provider_note;
    sipkb_kb_condition *provider_note_for; /* when the note applies; NULL: always */
    char *reference;
    GHashTable *variants; /* "summary.CANCEL" -> text, or NULL when none */
} layer_entry;

typedef struct {
    GHashTable *entries; /* code (1..6 classes, 100..699) -> layer_entry */
    char *version;
    char *name;
    char **domains; /* NULL-terminated, or NULL */
} kb_layer;

/* A merged entry and the storage of its merged variants. */
typedef struct {
    sipkb_response_entry entry;
    sipkb_kb_variants variants;
} merged_entry;

struct sipkb_kb {
    kb_layer layers[SIPKB_LAYER_COUNT];
    GHashTable *merged; /* code -> merged_entry */
};

G_DEFINE_QUARK(sipkb - kb - error - quark, sipkb_kb_error)

static void
condition_free(gpointer data)
{
    sipkb_kb_condition *condition = data;
    if (!condition)
        return;
    g_strfreev(condition->methods);
    g_strfreev(condition->excluded);
    g_strfreev(condition->events);
    g_strfreev(condition->excluded_events);
    g_free(condition);
}

static void
unref_if_set(GPtrArray *array)
{
    if (array)
        g_ptr_array_unref(array);
}

static void
layer_entry_free(gpointer data)
{
    layer_entry *entry = data;
    g_free(entry->reason);
    g_free(entry->summary);
    g_free(entry->meaning);
    unref_if_set(entry->causes);
    unref_if_set(entry->cause_for);
    unref_if_set(entry->advice);
    unref_if_set(entry->advice_for);
    g_free(entry->provider_note);
    condition_free(entry->provider_note_for);
    g_free(entry->reference);
    if (entry->variants)
        g_hash_table_unref(entry->variants);
    g_free(entry);
}

static void
merged_entry_free(gpointer data)
{
    merged_entry *merged = data;
    g_hash_table_unref(merged->variants.texts);
    g_free(merged);
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
    g_strfreev(layer->domains);
    memset(layer, 0, sizeof(*layer));
}

sipkb_kb *
sipkb_kb_new(void)
{
    sipkb_kb *kb = g_new0(sipkb_kb, 1);
    kb->merged = new_entry_table(merged_entry_free);
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

/* A SIP method as written on the wire: RFC 3261 token characters, in capitals (methods are
 * case-sensitive and every registered one is upper case; "invite" would never match). */
static gboolean
is_method_name(const char *name)
{
    if (!name || !*name)
        return FALSE;
    for (const char *p = name; *p; p++) {
        if (!g_ascii_isupper(*p) && !g_ascii_isdigit(*p) && !strchr("-._+%*`'~", *p))
            return FALSE;
    }
    return TRUE;
}

static gboolean
in_list(const char *const *list, const char *name)
{
    return list && g_strv_contains(list, name);
}

/* An event type as RFC 6665 section 8.2.1 writes it: event-package *( "." event-template ),
 * each part a token without dots (RFC 3261 section 25.1). */
static gboolean
is_event_type(const char *name)
{
    gboolean part_started = FALSE;
    for (const char *p = name; *p; p++) {
        if (*p == '.') {
            if (!part_started)
                return FALSE;
            part_started = FALSE;
        } else if (g_ascii_isalnum(*p) || strchr("-!%*_+`'~", *p)) {
            part_started = TRUE;
        } else {
            return FALSE;
        }
    }
    return part_started;
}

/* Moves the entries of a list builder into a NULL-terminated vector. */
static char **
steal_strv(GPtrArray *names)
{
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

/* The lists a condition is read into, entry by entry. */
typedef struct {
    GPtrArray *methods, *excluded, *events, *excluded_events;
} condition_lists;

static gboolean
list_has(const GPtrArray *list, const char *name)
{
    for (guint i = 0; i < list->len; i++) {
        if (strcmp(g_ptr_array_index(list, i), name) == 0)
            return TRUE;
    }
    return FALSE;
}

/* "event=message-summary" or "!event=dialog"; the problem in words, or NULL. */
static const char *
add_event_entry(condition_lists *lists, const char *type, gboolean exclude)
{
    if (!is_event_type(type))
        return "has an 'event=' entry whose value is not an event package (a token, with "
               "templates after dots, as in 'event=message-summary' or "
               "'event=presence.winfo'; RFC 6665 section 8.2.1)";
    char *lower = g_ascii_strdown(type, -1);
    if (list_has(exclude ? lists->events : lists->excluded_events, lower)) {
        g_free(lower);
        return "both names and excludes one event package";
    }
    g_ptr_array_add(exclude ? lists->excluded_events : lists->events, lower);
    return NULL;
}

/* One entry of a condition list into `condition`; the problem in words, or NULL. */
static const char *
add_condition_entry(sipkb_kb_condition *condition, const char *entry, condition_lists *lists)
{
    if (!*entry)
        return "has an empty entry (a doubled, leading or trailing comma)";
    gboolean exclude = entry[0] == '!';
    const char *name = exclude ? entry + 1 : entry;
    if (g_str_has_prefix(name, EVENT_ENTRY))
        return add_event_entry(lists, name + strlen(EVENT_ENTRY), exclude);
    for (gsize fact = 0; fact < N_FACTS; fact++) {
        if (strcmp(name, fact_names[fact]) != 0)
            continue;
        fact_wanted wanted = exclude ? WANT_NO : WANT_YES;
        if (condition->facts[fact] != WANT_ANY && condition->facts[fact] != wanted)
            return "asks for a fact and its negation at once";
        condition->facts[fact] = wanted;
        return NULL;
    }
    const char *method = name;
    if (!is_method_name(method))
        return "has an entry that is not a method in capitals (INVITE), '!METHOD', one of "
               "'offer', 'credentials', 'in-dialog', 'outside-dialog', 'callerid-mismatch', "
               "'expires-0', 'dns-failure' with or without '!', or 'event=PACKAGE' with or "
               "without '!'";
    if (list_has(exclude ? lists->methods : lists->excluded, method))
        return "both names and excludes one method";
    g_ptr_array_add(exclude ? lists->excluded : lists->methods, g_strdup(method));
    return NULL;
}

/* Reads an optional condition list: "INVITE,UPDATE", "!REGISTER", "offer", "!credentials",
 * "event=message-summary". */
static gboolean
read_condition(GKeyFile *file, const parse_ctx *ctx, const char *key, sipkb_kb_condition **out,
               GError **error)
{
    char *value = NULL;
    *out = NULL;
    if (!read_text(file, ctx, key, MAX_SUMMARY_CHARS, &value, error))
        return FALSE;
    if (!value)
        return TRUE;
    sipkb_kb_condition *condition = g_new0(sipkb_kb_condition, 1);
    condition_lists lists = {g_ptr_array_new(), g_ptr_array_new(), g_ptr_array_new(),
                             g_ptr_array_new()};
    char **entries = g_strsplit(value, ",", -1);
    const char *problem = NULL;
    const char *culprit = NULL;
    for (char **entry = entries; !problem && *entry; entry++) {
        culprit = g_strstrip(*entry);
        problem = add_condition_entry(condition, culprit, &lists);
    }
    condition->methods = steal_strv(lists.methods);
    condition->excluded = steal_strv(lists.excluded);
    condition->events = steal_strv(lists.events);
    condition->excluded_events = steal_strv(lists.excluded_events);
    gboolean ok = TRUE;
    if (problem)
        ok = fail(error, ctx, "'%s' %s: '%s' in '%s'", key, problem, culprit, value);
    else
        *out = condition;
    g_strfreev(entries);
    g_free(value);
    if (!ok)
        condition_free(condition);
    return ok;
}

/* Reads prefix.N.for for the `count` items read; a condition without its item is an error. */
static gboolean
read_conditions(GKeyFile *file, const parse_ctx *ctx, const char *prefix, guint count,
                GPtrArray **out, GError **error)
{
    *out = NULL;
    GPtrArray *conditions = g_ptr_array_new_with_free_func(condition_free);
    g_ptr_array_set_size(conditions, (gint)count);
    gboolean ok = TRUE;
    for (unsigned n = 1; ok && n <= MAX_NUMBERED_ITEMS; n++) {
        char *key = g_strdup_printf("%s.%u.for", prefix, n);
        if (n > count && g_key_file_has_key(file, ctx->group, key, NULL))
            ok = fail(error, ctx, "'%s' without '%s.%u'", key, prefix, n);
        else if (n <= count)
            ok =
                read_condition(file, ctx, key,
                               (sipkb_kb_condition **)&g_ptr_array_index(conditions, n - 1), error);
        g_free(key);
    }
    if (!ok || count == 0) {
        g_ptr_array_unref(conditions);
        return ok;
    }
    *out = conditions;
    return TRUE;
}

/* Reads prefix.1, prefix.2, ... in order; a gap or a number past the limit is an error. Their
 * conditions (prefix.N.for) go to *conditions, NULL when there are no items. */
static gboolean
read_numbered(GKeyFile *file, const parse_ctx *ctx, const char *prefix, GPtrArray **out,
              GPtrArray **conditions, GError **error)
{
    *out = NULL;
    *conditions = NULL;
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
    if (!read_conditions(file, ctx, prefix, items->len, conditions, error)) {
        g_ptr_array_unref(items);
        return FALSE;
    }
    if (items->len == 0) {
        g_ptr_array_unref(items);
        return TRUE;
    }
    g_ptr_array_add(items, NULL);
    *out = items;
    return TRUE;
}

/* "cause.3", "cause.3.for" (and advice): NULL when fine, else the problem. */
static const char *
numbered_key_problem(const char *key)
{
    const char *dot = strchr(key, '.');
    char *end = NULL;
    unsigned long number = strtoul(dot + 1, &end, 10);
    if (!g_ascii_isdigit(dot[1]) || dot[1] == '0' || number < 1 || number > MAX_NUMBERED_ITEMS)
        return "items are numbered 1 to " G_STRINGIFY(MAX_NUMBERED_ITEMS);
    if (*end != '\0' && strcmp(end, ".for") != 0)
        return "unknown key (a numbered item takes only '.for' after its number)";
    return NULL;
}

/* A method and one of the selectors that qualify it: "INVITE.in_dialog", "SUBSCRIBE.expires_0". */
static gboolean
is_method_selector(const char *selector)
{
    static const char *const qualifiers[] = {"." IN_DIALOG_SELECTOR, "." EXPIRES_ZERO_SELECTOR};
    for (gsize i = 0; i < G_N_ELEMENTS(qualifiers); i++) {
        if (!g_str_has_suffix(selector, qualifiers[i]))
            continue;
        char *method = g_strndup(selector, strlen(selector) - strlen(qualifiers[i]));
        gboolean ok = is_method_name(method);
        g_free(method);
        return ok;
    }
    return FALSE;
}

/* "meaning.REGISTER", "summary.no_offer", "meaning.INVITE.in_dialog", "meaning.in_dialog",
 * "meaning.SUBSCRIBE.expires_0", "meaning.outside_dialog", "provider_note.callerid": NULL when
 * fine. */
static const char *
variant_key_problem(const char *base, const char *selector)
{
    if (strcmp(base, "provider_note") == 0)
        return strcmp(selector, CALLERID_SELECTOR) == 0
                   ? NULL
                   : "unknown key (the provider_note keys are 'provider_note.for' and "
                     "'provider_note.callerid')";
    if (strcmp(selector, NO_OFFER_SELECTOR) == 0 || strcmp(selector, IN_DIALOG_SELECTOR) == 0 ||
        strcmp(selector, OUTSIDE_DIALOG_SELECTOR) == 0 || is_method_name(selector) ||
        is_method_selector(selector))
        return NULL;
    return "unknown key (after the dot: a method in capitals, as in 'meaning.REGISTER', "
           "'no_offer', 'in_dialog', 'outside_dialog', or a method and '.in_dialog' or "
           "'.expires_0', as in 'meaning.INVITE.in_dialog')";
}

/* The base of a variant key ("meaning" of "meaning.CANCEL"), or NULL. */
static const char *
variant_base(const char *key)
{
    for (gsize i = 0; i < G_N_ELEMENTS(variant_bases); i++) {
        gsize length = strlen(variant_bases[i]);
        if (strncmp(key, variant_bases[i], length) == 0 && key[length] == '.')
            return variant_bases[i];
    }
    return NULL;
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
        const char *base = variant_base(key);
        const char *problem = NULL;
        if (strncmp(key, "cause.", 6) == 0 || strncmp(key, "advice.", 7) == 0)
            problem = numbered_key_problem(key);
        else if (strcmp(key, PROVIDER_NOTE_FOR) == 0)
            problem = NULL;
        else if (base)
            problem = variant_key_problem(base, key + strlen(base) + 1);
        else {
            static const char *const known[] = {"summary", "meaning", "provider_note", "reference"};
            gboolean found = g_strcmp0(key, is_class ? "name" : "reason") == 0;
            for (gsize k = 0; !found && k < G_N_ELEMENTS(known); k++)
                found = strcmp(key, known[k]) == 0;
            if (!found)
                problem = "unknown key";
        }
        if (problem && g_str_has_prefix(problem, "unknown key"))
            ok = fail(error, ctx, "%s '%s'%s", "unknown key", key, problem + strlen("unknown key"));
        else if (problem)
            ok = fail(error, ctx, "'%s': %s", key, problem);
    }
    g_strfreev(keys);
    return ok;
}

/* A provider note is shown as written, except that provider_note.callerid may name the two
 * values of the Caller-ID comparison; any other {...} would be shown as "(unknown)". */
static gboolean
check_placeholders(const parse_ctx *ctx, const char *key, const char *text, GError **error)
{
    static const char *const callerid_names[] = {"callerid.from_user", "callerid.auth_user"};
    gboolean fillable = g_str_has_suffix(key, "." CALLERID_SELECTOR);
    for (const char *open = strchr(text, '{'); open; open = strchr(open + 1, '{')) {
        const char *close = strchr(open, '}');
        if (!close)
            return fail(error, ctx, "'%s': '{' without '}'", key);
        char *name = g_strndup(open + 1, (gsize)(close - open - 1));
        gboolean known = FALSE;
        for (gsize i = 0; fillable && i < G_N_ELEMENTS(callerid_names); i++)
            known = known || strcmp(name, callerid_names[i]) == 0;
        if (!known) {
            gboolean ok = fail(error, ctx,
                               "'%s': '{%s}' cannot be filled here (only 'provider_note.callerid' "
                               "takes {callerid.from_user} and {callerid.auth_user})",
                               key, name);
            g_free(name);
            return ok;
        }
        g_free(name);
    }
    return TRUE;
}

/* summary.X, meaning.X and provider_note.callerid of a section (names checked by check_keys). */
static gboolean
read_variants(GKeyFile *file, const parse_ctx *ctx, layer_entry *entry, GError **error)
{
    char **keys = g_key_file_get_keys(file, ctx->group, NULL, NULL);
    gboolean ok = TRUE;
    for (char **key = keys; ok && key && *key; key++) {
        const char *base = variant_base(*key);
        if (!base || strcmp(*key, PROVIDER_NOTE_FOR) == 0)
            continue;
        char *text = NULL;
        gboolean is_summary = strcmp(base, "summary") == 0;
        ok = read_text(file, ctx, *key, is_summary ? MAX_SUMMARY_CHARS : MAX_TEXT_CHARS, &text,
                       error);
        if (!ok)
            break;
        if (!entry->variants)
            entry->variants = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        g_hash_table_insert(entry->variants, g_strdup(*key), text);
        if (strcmp(base, "provider_note") == 0 && !entry->provider_note)
            ok = fail(error, ctx, "'%s' without 'provider_note'", *key);
        else if (strcmp(base, "provider_note") == 0)
            ok = check_placeholders(ctx, *key, text, error);
    }
    g_strfreev(keys);
    return ok && (!entry->provider_note ||
                  check_placeholders(ctx, "provider_note", entry->provider_note, error));
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
        read_numbered(file, ctx, "cause", &entry->causes, &entry->cause_for, error) &&
        read_numbered(file, ctx, "advice", &entry->advice, &entry->advice_for, error) &&
        read_text(file, ctx, "provider_note", MAX_TEXT_CHARS, &entry->provider_note, error) &&
        read_condition(file, ctx, PROVIDER_NOTE_FOR, &entry->provider_note_for, error) &&
        read_text(file, ctx, "reference", MAX_SUMMARY_CHARS, &entry->reference, error) &&
        read_variants(file, ctx, entry, error);
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
    if (ok && entry->provider_note_for && !entry->provider_note)
        ok = fail(error, ctx, "'%s' without 'provider_note'", PROVIDER_NOTE_FOR);
    if (ok && !entry->reason && !entry->summary && !entry->meaning && !entry->causes &&
        !entry->advice && !entry->provider_note && !entry->reference && !entry->variants)
        ok = fail(error, ctx, "the section is empty");
    if (!ok) {
        layer_entry_free(entry);
        return FALSE;
    }
    *out = entry;
    return TRUE;
}

/* "domains": the SIP domains or realms a provider serves, comma-separated host names. */
static gboolean
read_domains(GKeyFile *file, const parse_ctx *ctx, kb_layer *parsed, GError **error)
{
    char *value = NULL;
    if (!read_text(file, ctx, "domains", MAX_TEXT_CHARS, &value, error))
        return FALSE;
    if (!value)
        return TRUE;
    parsed->domains = g_strsplit(value, ",", -1);
    gboolean ok = TRUE;
    for (char **domain = parsed->domains; ok && *domain; domain++) {
        g_strstrip(*domain);
        gboolean host_chars = **domain != '\0';
        for (const char *p = *domain; host_chars && *p; p++)
            host_chars = g_ascii_isalnum(*p) || strchr("-.:[]*", *p);
        if (!host_chars)
            ok = fail(error, ctx,
                      "'domains' entry '%s' is not a host name, IP address or '*.' "
                      "pattern (entries are separated by commas)",
                      *domain);
    }
    g_free(value);
    return ok;
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
                  read_text(file, &ctx, "name", MAX_TEXT_CHARS, &parsed->name, error) &&
                  read_domains(file, &ctx, parsed, error);
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

static const sipkb_kb_condition *const *
conditions_or_null(GPtrArray *conditions)
{
    return conditions ? (const sipkb_kb_condition *const *)conditions->pdata : NULL;
}

static gboolean
gives_plain(const layer_entry *entry, const char *base)
{
    return strcmp(base, "summary") == 0   ? entry->summary != NULL
           : strcmp(base, "meaning") == 0 ? entry->meaning != NULL
                                          : entry->provider_note != NULL;
}

static gboolean
has_base(gpointer key, gpointer value, gpointer base)
{
    (void)value;
    return g_strcmp0(variant_base(key), base) == 0;
}

/* A layer that gives a text replaces the lower layers' variants of it too (a team's own 404
 * meaning also wins for REGISTER); one that gives only variants adds or replaces those. */
static void
merge_variants(merged_entry *merged, const layer_entry *entry)
{
    for (gsize i = 0; i < G_N_ELEMENTS(variant_bases); i++) {
        if (gives_plain(entry, variant_bases[i]))
            g_hash_table_foreach_remove(merged->variants.texts, has_base,
                                        (gpointer)variant_bases[i]);
    }
    if (!entry->variants)
        return;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, entry->variants);
    while (g_hash_table_iter_next(&iter, &key, &value))
        g_hash_table_insert(merged->variants.texts, key, value);
}

static void
merge_entry(merged_entry *merged_item, const layer_entry *entry, sipkb_layer layer,
            const char *const *domains)
{
    sipkb_response_entry *merged = &merged_item->entry;
    merge_variants(merged_item, entry);
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
        merged->cause_for = conditions_or_null(entry->cause_for);
        merged->causes_layer = layer;
    }
    if (entry->advice) {
        merged->advice = items_or_null(entry->advice);
        merged->advice_for = conditions_or_null(entry->advice_for);
        merged->advice_layer = layer;
    }
    if (entry->provider_note) {
        merged->provider_note = entry->provider_note;
        merged->provider_note_for = entry->provider_note_for;
        merged->provider_note_domains = domains;
    }
    if (entry->reference)
        merged->reference = entry->reference;
}

/* An entry without a meaning of its own takes its class's, with the class's meaning variants. */
static void
inherit_meaning(merged_entry *merged, const merged_entry *cls)
{
    merged->entry.meaning = cls->entry.meaning;
    merged->entry.meaning_layer = cls->entry.meaning_layer;
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, cls->variants.texts);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        if (strcmp(variant_base(key), "meaning") == 0 &&
            !g_hash_table_contains(merged->variants.texts, key))
            g_hash_table_insert(merged->variants.texts, key, value);
    }
}

static void
complete_from_class(merged_entry *merged, const merged_entry *cls)
{
    sipkb_response_entry *entry = &merged->entry;
    if (!entry->reason)
        entry->reason = "(unregistered code)";
    if (!entry->meaning)
        inherit_meaning(merged, cls);
    if (!entry->causes) {
        entry->causes = cls->entry.causes;
        entry->cause_for = cls->entry.cause_for;
        entry->causes_layer = cls->entry.causes_layer;
    }
    if (!entry->advice) {
        entry->advice = cls->entry.advice;
        entry->advice_for = cls->entry.advice_for;
        entry->advice_layer = cls->entry.advice_layer;
    }
    if (!entry->reference)
        entry->reference = cls->entry.reference;
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
            merged_entry *merged = g_hash_table_lookup(kb->merged, key);
            if (!merged) {
                merged = g_new0(merged_entry, 1);
                merged->entry.code = GPOINTER_TO_UINT(key);
                merged->variants.texts = g_hash_table_new(g_str_hash, g_str_equal);
                g_hash_table_insert(kb->merged, key, merged);
            }
            merge_entry(merged, value, (sipkb_layer)layer,
                        (const char *const *)kb->layers[layer].domains);
        }
    }
    /* A profile or team file may explain a code the generic KB lacks with some texts only:
     * its class supplies the rest, so every entry with a summary is complete. */
    GHashTableIter iter;
    gpointer key, value;
    g_hash_table_iter_init(&iter, kb->merged);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        merged_entry *merged = value;
        const merged_entry *cls =
            merged->entry.code >= 100
                ? g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(merged->entry.code / 100))
                : NULL;
        if (cls && merged->entry.summary)
            complete_from_class(merged, cls);
    }
    g_hash_table_iter_init(&iter, kb->merged);
    while (g_hash_table_iter_next(&iter, &key, &value)) {
        merged_entry *merged = value;
        merged->entry.variants =
            g_hash_table_size(merged->variants.texts) ? &merged->variants : NULL;
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
    const merged_entry *cls = g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(code / 100));
    return cls ? &cls->entry : NULL;
}

const sipkb_response_entry *
sipkb_kb_response(const sipkb_kb *kb, unsigned code, gboolean *is_class_fallback)
{
    if (is_class_fallback)
        *is_class_fallback = FALSE;
    if (!kb || code < 100 || code > 699)
        return NULL;
    const merged_entry *merged = g_hash_table_lookup(kb->merged, GUINT_TO_POINTER(code));
    const sipkb_response_entry *entry = merged ? &merged->entry : NULL;
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
        if (code >= 100 && ((const merged_entry *)value)->entry.summary)
            g_array_append_val(codes, code);
    }
    g_array_sort(codes, compare_uint);
    return codes;
}

const char *const *
sipkb_kb_domains(const sipkb_kb *kb, sipkb_layer layer)
{
    return kb && layer < SIPKB_LAYER_COUNT ? (const char *const *)kb->layers[layer].domains : NULL;
}

/* ---- the texts that apply to one response ------------------------------------------------ */

gboolean
sipkb_kb_offer_assumed(const char *method, gboolean offer_seen)
{
    static const char *const may_offer[] = {"INVITE", "UPDATE", "PRACK", "ACK", NULL};
    return offer_seen || !method || !*method || g_strv_contains(may_offer, method);
}

static const char *
variant_text(const sipkb_response_entry *entry, const char *base, const char *selector)
{
    if (!entry->variants)
        return NULL;
    char *key = g_strconcat(base, ".", selector, NULL);
    const char *text = g_hash_table_lookup(entry->variants->texts, key);
    g_free(key);
    return text;
}

/* "meaning.INVITE.in_dialog" for one method inside a dialog, "meaning.SUBSCRIBE.expires_0" for
 * one method with Expires: 0. */
static const char *
method_variant(const sipkb_response_entry *entry, const char *base, const char *method,
               const char *qualifier)
{
    char *selector = g_strconcat(method, ".", qualifier, NULL);
    const char *text = variant_text(entry, base, selector);
    g_free(selector);
    return text;
}

char *
sipkb_kb_event_type(const char *event_header)
{
    if (!event_header)
        return g_strdup("");
    const char *end = strchr(event_header, ';');
    char *type =
        end ? g_strndup(event_header, (gsize)(end - event_header)) : g_strdup(event_header);
    char *lower = g_ascii_strdown(g_strstrip(type), -1);
    g_free(type);
    return lower;
}

const char *
sipkb_kb_entry_text(const sipkb_response_entry *entry, sipkb_kb_part part,
                    const sipkb_kb_situation *situation)
{
    g_return_val_if_fail(
        entry && situation && (part == SIPKB_KB_SUMMARY || part == SIPKB_KB_MEANING), NULL);
    const char *base = part == SIPKB_KB_SUMMARY ? "summary" : "meaning";
    const char *method = is_method_name(situation->method) ? situation->method : NULL;
    /* A request for a dialog that never existed is told as such first. */
    const char *text = situation->outside_dialog == SIPKB_KB_YES
                           ? variant_text(entry, base, OUTSIDE_DIALOG_SELECTOR)
                           : NULL;
    /* Only a dialog the capture shows: a request outside it is not taken to be in one. */
    gboolean in_dialog = situation->in_dialog == SIPKB_KB_YES;
    /* Expires: 0 ends what the request would otherwise set up or refresh, in a dialog or not. */
    if (!text && method && situation->expires_zero == SIPKB_KB_YES)
        text = method_variant(entry, base, method, EXPIRES_ZERO_SELECTOR);
    if (!text && method && in_dialog)
        text = method_variant(entry, base, method, IN_DIALOG_SELECTOR);
    if (!text && method)
        text = variant_text(entry, base, method);
    if (!text && in_dialog)
        text = variant_text(entry, base, IN_DIALOG_SELECTOR);
    if (!text && !situation->offer)
        text = variant_text(entry, base, NO_OFFER_SELECTOR);
    if (text)
        return text;
    return part == SIPKB_KB_SUMMARY ? entry->summary : entry->meaning;
}

static gboolean
in_list_nocase(char *const *list, const char *name)
{
    for (; list && *list; list++) {
        if (g_ascii_strcasecmp(*list, name) == 0)
            return TRUE;
    }
    return FALSE;
}

/* The event entries: the request's event type is one the condition names (when it names some)
 * and none it excludes; a request without an Event header ("") has none of them. */
static gboolean
event_applies(const sipkb_kb_condition *condition, const char *event)
{
    if (!event)
        return TRUE;
    if (in_list_nocase(condition->excluded_events, event))
        return FALSE;
    return !condition->events[0] || in_list_nocase(condition->events, event);
}

/* An unknown method, event or fact about the request meets every condition on it: better a
 * line too many than a lost one. A verdict of the capture (fact_is_verdict) holds only when the
 * capture shows it. */
static gboolean
condition_applies(const sipkb_kb_condition *condition, const sipkb_kb_situation *situation)
{
    if (!condition)
        return TRUE;
    const sipkb_kb_fact known[N_FACTS] = {
        [FACT_OFFER] = situation->offer ? SIPKB_KB_YES : SIPKB_KB_NO,
        [FACT_CREDENTIALS] = situation->credentials,
        [FACT_IN_DIALOG] = situation->in_dialog,
        [FACT_OUTSIDE_DIALOG] = situation->outside_dialog,
        [FACT_CALLERID_MISMATCH] = situation->callerid_mismatch,
        [FACT_EXPIRES_ZERO] = situation->expires_zero,
        [FACT_DNS_FAILURE] = situation->dns_failure,
    };
    for (gsize fact = 0; fact < N_FACTS; fact++) {
        if (condition->facts[fact] == WANT_ANY ||
            (known[fact] == SIPKB_KB_UNKNOWN && !fact_is_verdict[fact]))
            continue;
        if ((condition->facts[fact] == WANT_YES) != (known[fact] == SIPKB_KB_YES))
            return FALSE;
    }
    if (!event_applies(condition, situation->event))
        return FALSE;
    const char *method = situation->method;
    if (!method || !*method)
        return TRUE;
    if (in_list((const char *const *)condition->excluded, method))
        return FALSE;
    return !condition->methods[0] || in_list((const char *const *)condition->methods, method);
}

GPtrArray *
sipkb_kb_entry_lines(const sipkb_response_entry *entry, sipkb_kb_part part,
                     const sipkb_kb_situation *situation)
{
    GPtrArray *lines = g_ptr_array_new();
    g_return_val_if_fail(entry && situation && (part == SIPKB_KB_CAUSES || part == SIPKB_KB_ADVICE),
                         lines);
    const char *const *texts = part == SIPKB_KB_CAUSES ? entry->causes : entry->advice;
    const sipkb_kb_condition *const *conditions =
        part == SIPKB_KB_CAUSES ? entry->cause_for : entry->advice_for;
    for (gsize i = 0; texts && texts[i]; i++) {
        if (!conditions || condition_applies(conditions[i], situation))
            g_ptr_array_add(lines, (gpointer)texts[i]);
    }
    return lines;
}

/* A host or realm against one "domains" entry: equal, or under a "*." pattern's domain. */
static gboolean
domain_matches(const char *domain, const char *name)
{
    if (g_ascii_strcasecmp(domain, name) == 0)
        return TRUE;
    if (!g_str_has_prefix(domain, "*."))
        return FALSE;
    gsize suffix = strlen(domain + 1), length = strlen(name);
    return length > suffix && g_ascii_strcasecmp(name + length - suffix, domain + 1) == 0;
}

gboolean
sipkb_kb_entry_note_applies(const sipkb_response_entry *entry, const sipkb_kb_situation *situation)
{
    if (!entry || !entry->provider_note)
        return FALSE;
    if (situation && !condition_applies(entry->provider_note_for, situation))
        return FALSE;
    if (!entry->provider_note_domains)
        return TRUE;
    for (const char *const *name = situation ? situation->names : NULL; name && *name; name++) {
        for (const char *const *domain = entry->provider_note_domains; *domain; domain++) {
            if (domain_matches(*domain, *name))
                return TRUE;
        }
    }
    return FALSE;
}

const char *
sipkb_kb_entry_note(const sipkb_response_entry *entry, const char *from_user, const char *auth_user)
{
    if (!entry)
        return NULL;
    const char *callerid = variant_text(entry, "provider_note", CALLERID_SELECTOR);
    if (callerid && from_user && auth_user &&
        sipkb_callerid_is_mismatch(sipkb_compare_callerid(from_user, auth_user)))
        return callerid;
    return entry->provider_note;
}
