/* libFuzzer target: the KB loader (include/sipkb/kb.h) on arbitrary file text, as the generic
 * layer, as a provider profile and as a team KB file (the file a user points the
 * sipkb.team_kb_file preference at).
 *
 * Input: one byte choosing the layer, then the file's bytes. Checked promises: a refused file
 * leaves every lookup as it was; an accepted one gives, for every code 100..699, an entry
 * whose texts are single lines within the KB's limits; the code list is sorted.
 */
#include <string.h>

#include "fuzz-common.h"
#include "sipkb/kb.h"

#define MAX_TEXT_BYTES 220
#define MAX_ITEMS 16

static sipkb_kb *layered; /* the built-in generic and provider layers, kept across inputs */
static char *generic_text, *provider_text;
static gsize generic_length, provider_length;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_make_glib_warnings_fatal();
    GError *error = NULL;
    if (!g_file_get_contents(SIPKB_KB_GENERIC_PATH, &generic_text, &generic_length, &error) ||
        !g_file_get_contents(SIPKB_KB_PROVIDER_PATH, &provider_text, &provider_length, &error)) {
        fprintf(stderr, "fuzz-kb: %s\n", error->message);
        exit(1);
    }
    layered = sipkb_kb_new();
    CHECK(sipkb_kb_add_layer(layered, SIPKB_LAYER_GENERIC, generic_text, generic_length,
                             "generic", NULL));
    CHECK(sipkb_kb_add_layer(layered, SIPKB_LAYER_PROVIDER, provider_text, provider_length,
                             "provider", NULL));
    return 0;
}

static void
check_list(const char *const *items)
{
    CHECK(items);
    guint n = 0;
    for (; items[n]; n++)
        CHECK(fuzz_is_one_line(items[n], MAX_TEXT_BYTES));
    CHECK(n >= 1 && n <= MAX_ITEMS);
}

/* Every response code has a complete explanation once a generic layer is in place. */
static void
check_complete(const sipkb_kb *kb)
{
    for (unsigned code = 0; code <= 1000; code++) {
        gboolean fallback = TRUE;
        const sipkb_response_entry *entry = sipkb_kb_response(kb, code, &fallback);
        if (code < 100 || code > 699) {
            CHECK(!entry);
            CHECK(!sipkb_kb_class(kb, code));
            continue;
        }
        CHECK(entry);
        CHECK(sipkb_kb_class(kb, code));
        CHECK(fuzz_is_one_line(entry->reason, MAX_TEXT_BYTES));
        CHECK(fuzz_is_one_line(entry->summary, MAX_TEXT_BYTES));
        CHECK(fuzz_is_one_line(entry->meaning, MAX_TEXT_BYTES));
        CHECK(fuzz_is_one_line(entry->reference, MAX_TEXT_BYTES));
        CHECK(!entry->provider_note || fuzz_is_one_line(entry->provider_note, MAX_TEXT_BYTES));
        check_list(entry->causes);
        check_list(entry->advice);
        CHECK(entry->meaning_layer < SIPKB_LAYER_COUNT);
        CHECK(entry->causes_layer < SIPKB_LAYER_COUNT);
        CHECK(entry->advice_layer < SIPKB_LAYER_COUNT);
        CHECK(fallback ? entry->code == code / 100 : entry->code == code);
    }
    GArray *codes = sipkb_kb_codes(kb);
    for (guint i = 0; i < codes->len; i++) {
        guint code = g_array_index(codes, guint, i);
        CHECK(code >= 100 && code <= 699);
        CHECK(i == 0 || g_array_index(codes, guint, i - 1) < code);
    }
    g_array_free(codes, TRUE);
}

/* The entries every code resolves to, to compare before and after a refused file. */
static const sipkb_response_entry **
snapshot(const sipkb_kb *kb)
{
    const sipkb_response_entry **entries = g_new0(const sipkb_response_entry *, 700);
    for (unsigned code = 100; code <= 699; code++)
        entries[code] = sipkb_kb_response(kb, code, NULL);
    return entries;
}

static void
check_unchanged(const sipkb_kb *kb, const sipkb_response_entry **before)
{
    for (unsigned code = 100; code <= 699; code++)
        CHECK(sipkb_kb_response(kb, code, NULL) == before[code]);
}

/* Loads the input as `layer` on top of `kb`; checks what the loader promises either way. */
static gboolean
load(sipkb_kb *kb, sipkb_layer layer, const char *data, gsize size)
{
    const sipkb_response_entry **before = snapshot(kb);
    char *version_before = g_strdup(sipkb_kb_version(kb, layer));
    GError *error = NULL;
    gboolean ok = sipkb_kb_add_layer(kb, layer, data, size, "fuzz.kb", &error);
    CHECK(ok == (error == NULL));
    if (!ok) {
        CHECK(error->message && g_str_has_prefix(error->message, "fuzz.kb"));
        CHECK(g_utf8_validate(error->message, -1, NULL)); /* shown in a dialog */
        g_error_free(error);
        check_unchanged(kb, before);
        CHECK(g_strcmp0(version_before, sipkb_kb_version(kb, layer)) == 0);
    } else {
        CHECK(fuzz_is_one_line(sipkb_kb_version(kb, layer), MAX_TEXT_BYTES));
    }
    g_free(version_before);
    g_free(before);
    return ok;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0 || size > 256 * 1024)
        return 0;
    const char *text = (const char *)data + 1;
    gsize length = size - 1;
    switch (data[0] % 3) {
    case 0: { /* a generic KB of its own */
        sipkb_kb *kb = sipkb_kb_new();
        if (load(kb, SIPKB_LAYER_GENERIC, text, length))
            check_complete(kb);
        else
            CHECK(!sipkb_kb_response(kb, 404, NULL));
        sipkb_kb_free(kb);
        break;
    }
    case 1: /* a team KB file over the built-in layers, then removed again */
        if (load(layered, SIPKB_LAYER_USER, text, length))
            check_complete(layered);
        sipkb_kb_clear_layer(layered, SIPKB_LAYER_USER);
        check_complete(layered);
        CHECK(!sipkb_kb_version(layered, SIPKB_LAYER_USER));
        break;
    default: /* another provider profile, then the built-in one back */
        if (load(layered, SIPKB_LAYER_PROVIDER, text, length))
            check_complete(layered);
        CHECK(sipkb_kb_add_layer(layered, SIPKB_LAYER_PROVIDER, provider_text, provider_length,
                                 "provider", NULL));
        break;
    }
    return 0;
}
