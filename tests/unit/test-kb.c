/* Unit tests of the KB loader and the response rules, on the shipped KB files (no Wireshark). */
#include <string.h>

#include "sipkb/kb.h"
#include "sipkb/response.h"

/* The IANA SIP response-code registry: every code must have its own complete entry. */
static const guint registry_codes[] = {
    100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404,
    405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 425, 428, 429,
    430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,
    491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606, 607, 608,
};

static sipkb_kb *
load_shipped_kb(void)
{
    static const struct {
        sipkb_layer layer;
        const char *path;
    } files[] = {
        {SIPKB_LAYER_GENERIC, SIPKB_KB_GENERIC_PATH},
        {SIPKB_LAYER_PROVIDER, SIPKB_KB_PROVIDER_PATH},
    };
    sipkb_kb *kb = sipkb_kb_new();
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *text = NULL;
        gsize length = 0;
        GError *error = NULL;
        g_assert_true(g_file_get_contents(files[i].path, &text, &length, &error));
        gboolean ok = sipkb_kb_add_layer(kb, files[i].layer, text, length, files[i].path, &error);
        g_assert_no_error(error);
        g_assert_true(ok);
        g_free(text);
    }
    return kb;
}

static void
test_every_registry_code_complete(void)
{
    sipkb_kb *kb = load_shipped_kb();
    for (gsize i = 0; i < G_N_ELEMENTS(registry_codes); i++) {
        gboolean fallback = TRUE;
        const sipkb_response_entry *entry = sipkb_kb_response(kb, registry_codes[i], &fallback);
        g_test_message("code %u", registry_codes[i]);
        g_assert_nonnull(entry);
        g_assert_false(fallback);
        g_assert_cmpuint(entry->code, ==, registry_codes[i]);
        g_assert_cmpstr(entry->reason, !=, "");
        g_assert_cmpstr(entry->summary, !=, "");
        g_assert_cmpstr(entry->meaning, !=, "");
        g_assert_nonnull(entry->causes);
        g_assert_cmpstr(entry->causes[0], !=, "");
        g_assert_nonnull(entry->advice);
        g_assert_cmpstr(entry->advice[0], !=, "");
        g_assert_true(g_str_has_prefix(entry->reference, "RFC "));
    }
    GArray *codes = sipkb_kb_codes(kb);
    g_assert_cmpuint(codes->len, ==, G_N_ELEMENTS(registry_codes));
    g_array_free(codes, TRUE);
    sipkb_kb_free(kb);
}

/* The carrier facts of the seed articles survive in the KB. */
static void
test_carrier_facts_kept(void)
{
    sipkb_kb *kb = load_shipped_kb();
    const sipkb_response_entry *forbidden = sipkb_kb_response(kb, 403, NULL);
    GString *causes = g_string_new(NULL);
    for (const char *const *c = forbidden->causes; *c; c++)
        g_string_append_printf(causes, "%s\n", *c);
    char *lower = g_utf8_strdown(causes->str, -1);
    g_assert_nonnull(strstr(lower, "password"));
    g_assert_nonnull(strstr(lower, "credit"));
    g_assert_nonnull(strstr(lower, "digest username"));
    g_free(lower);
    g_string_free(causes, TRUE);
    g_assert_nonnull(forbidden->provider_note);
    g_assert_cmpint(forbidden->meaning_layer, ==, SIPKB_LAYER_GENERIC);

    static const guint noted[] = {401, 403, 487, 503, 603};
    for (gsize i = 0; i < G_N_ELEMENTS(noted); i++)
        g_assert_nonnull(sipkb_kb_response(kb, noted[i], NULL)->provider_note);
    g_assert_null(sipkb_kb_response(kb, 180, NULL)->provider_note);
    g_assert_nonnull(strstr(sipkb_kb_response(kb, 403, NULL)->provider_note, "2138394018"));
    sipkb_kb_free(kb);
}

static void
test_unknown_codes_fall_back_to_class(void)
{
    sipkb_kb *kb = load_shipped_kb();
    static const guint unknown[] = {198, 299, 399, 499, 599, 699, 450};
    for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
        gboolean fallback = FALSE;
        const sipkb_response_entry *entry = sipkb_kb_response(kb, unknown[i], &fallback);
        g_assert_nonnull(entry);
        g_assert_true(fallback);
        g_assert_cmpuint(entry->code, ==, unknown[i] / 100);
        g_assert_true(entry == sipkb_kb_class(kb, unknown[i]));
    }
    static const guint invalid[] = {0, 99, 700, 999, 4294967295u};
    for (gsize i = 0; i < G_N_ELEMENTS(invalid); i++) {
        g_assert_null(sipkb_kb_response(kb, invalid[i], NULL));
        g_assert_null(sipkb_kb_class(kb, invalid[i]));
    }
    sipkb_kb_free(kb);
}

static void
test_severities(void)
{
    static const struct {
        guint code;
        sipkb_response_kind kind;
        sipkb_severity severity;
    } cases[] = {
        {100, SIPKB_RESPONSE_PROVISIONAL, SIPKB_SEVERITY_CHAT},
        {183, SIPKB_RESPONSE_PROVISIONAL, SIPKB_SEVERITY_CHAT},
        {200, SIPKB_RESPONSE_SUCCESS, SIPKB_SEVERITY_CHAT},
        {401, SIPKB_RESPONSE_CHALLENGE, SIPKB_SEVERITY_CHAT},
        {407, SIPKB_RESPONSE_CHALLENGE, SIPKB_SEVERITY_CHAT},
        {302, SIPKB_RESPONSE_REDIRECT, SIPKB_SEVERITY_NOTE},
        {400, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {403, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {487, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {503, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {603, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {99, SIPKB_RESPONSE_INVALID, SIPKB_SEVERITY_WARN},
        {700, SIPKB_RESPONSE_INVALID, SIPKB_SEVERITY_WARN},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        sipkb_response_kind kind = sipkb_response_kind_of(cases[i].code);
        g_assert_cmpint(kind, ==, cases[i].kind);
        g_assert_cmpint(sipkb_response_severity(kind), ==, cases[i].severity);
    }
}

/* A broken KB is refused with a message naming the file, the entry and the problem, and
 * leaves the layer it would have replaced untouched. */
static void
test_broken_kb_rejected(void)
{
    static const char header[] = "[sipkb]\nformat=1\nkb_version=t\n";
    static const struct {
        const char *body;
        const char *expected;
    } cases[] = {
        {"[response 403\n", "broken.kb: "},
        {"[response 403]\nreason=Forbidden\nsumary=x\n",
         "broken.kb: [response 403]: unknown key 'sumary'"},
        {"[response 403]\nprovider_note=\n", "broken.kb: [response 403]: 'provider_note' is empty"},
        {"[response 403]\ncause.1=a\ncause.3=c\n", "broken.kb: [response 403]: 'cause.3' follows"},
        {"[response 99]\nprovider_note=x\n", "broken.kb: [response 99]: unknown section"},
        {"[response 4033]\nprovider_note=x\n", "broken.kb: [response 4033]: unknown section"},
        {"[reply 403]\nprovider_note=x\n", "broken.kb: [reply 403]: unknown section"},
        {"[response 403]\n", "broken.kb: [response 403]: the section is empty"},
        {"[response 403]\ncause.17=x\n",
         "broken.kb: [response 403]: 'cause.17': items are numbered 1 to 16"},
    };
    sipkb_kb *kb = load_shipped_kb();
    const char *note_before = sipkb_kb_response(kb, 403, NULL)->provider_note;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = g_strconcat(header, cases[i].body, NULL);
        GError *error = NULL;
        g_test_message("case %s", cases[i].body);
        g_assert_false(
            sipkb_kb_add_layer(kb, SIPKB_LAYER_PROVIDER, text, strlen(text), "broken.kb", &error));
        g_assert_nonnull(error);
        g_assert_true(g_str_has_prefix(error->message, cases[i].expected));
        g_error_free(error);
        g_free(text);
    }
    g_assert_true(sipkb_kb_response(kb, 403, NULL)->provider_note == note_before);

    /* The generic layer must be complete. */
    static const char incomplete[] =
        "[sipkb]\nformat=1\nkb_version=t\n[response 403]\nreason=Forbidden\nsummary=s\n";
    GError *error = NULL;
    sipkb_kb *empty = sipkb_kb_new();
    g_assert_false(sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, incomplete, strlen(incomplete),
                                      "generic.kb", &error));
    g_assert_cmpstr(error->message, ==,
                    "generic.kb: [response 403]: 'meaning' is missing (the generic KB needs it)");
    g_clear_error(&error);
    g_assert_false(
        sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, "[sipkb]\nformat=2\n", 17, "v2.kb", &error));
    g_assert_cmpstr(error->message, ==,
                    "v2.kb: [sipkb]: 'format' must be 1 (this sipkb reads format 1)");
    g_clear_error(&error);
    g_assert_false(sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, "", 0, "empty.kb", &error));
    g_assert_cmpstr(error->message, ==, "empty.kb: the [sipkb] section is missing");
    g_clear_error(&error);
    g_assert_null(sipkb_kb_response(empty, 403, NULL));
    sipkb_kb_free(empty);
    sipkb_kb_free(kb);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kb/every-registry-code-complete", test_every_registry_code_complete);
    g_test_add_func("/kb/carrier-facts-kept", test_carrier_facts_kept);
    g_test_add_func("/kb/unknown-codes-fall-back-to-class", test_unknown_codes_fall_back_to_class);
    g_test_add_func("/kb/broken-kb-rejected", test_broken_kb_rejected);
    g_test_add_func("/response/severities", test_severities);
    return g_test_run();
}
