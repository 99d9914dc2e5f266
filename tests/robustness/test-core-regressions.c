/* Regression tests of the robustness findings in the Wireshark-free core (tests/robustness/
 * README.md, "Regressions"): each test is named after the finding and fails while it is open.
 */
#include <malloc.h>
#include <string.h>

#include "sipkb/kb.h"
#include "sipkb/overrides.h"

/* Heap bytes in use; 0 where a sanitizer's allocator replaces glibc's (LeakSanitizer covers
 * leaks there). */
static size_t
heap_in_use(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.uordblks;
}

/* A KB holding the built-in generic layer. */
static sipkb_kb *
kb_with_generic(void)
{
    char *generic = NULL;
    gsize length = 0;
    g_assert_true(g_file_get_contents(SIPKB_KB_GENERIC_PATH, &generic, &length, NULL));
    sipkb_kb *kb = sipkb_kb_new();
    g_assert_true(sipkb_kb_add_layer(kb, SIPKB_LAYER_GENERIC, generic, length, "generic", NULL));
    g_free(generic);
    return kb;
}

/* Finding 4: sipkb_override_new leaked the copy of the method it upper-cases, once per row with
 * a method, each time the table is validated or compiled. */
static void
test_override_method_not_leaked(void)
{
    const sipkb_override_text row = {"403", "", " register ", "On our PBX", NULL, NULL};
    sipkb_override_free(sipkb_override_new(&row, NULL)); /* GLib's one-time allocations */
    size_t before = heap_in_use();
    if (before == 0) {
        g_test_skip("no glibc heap statistics (sanitizer build): LeakSanitizer checks this");
        return;
    }
    for (int i = 0; i < 20000; i++) {
        sipkb_override *o = sipkb_override_new(&row, NULL);
        g_assert_nonnull(o);
        g_assert_true(sipkb_override_matches(o, 403, "Forbidden", "REGISTER"));
        sipkb_override_free(o);
    }
    size_t after = heap_in_use();
    g_assert_cmpuint(after, <, before + 64 * 1024);
}

/* Finding 6: a reason pattern that is not UTF-8 (a team's profile file saved as Latin-1, or
 * "\xff" typed in the table) went to g_regex_new, which reads past its end (GLib 2.74 with
 * PCRE2 compiles with PCRE2_NO_UTF_CHECK); it must be refused like any other invalid pattern. */
static void
test_override_reason_not_utf8_refused(void)
{
    static const char *const patterns[] = {"\xff", "Unauth\xff", "Acc\xe8s refus\xe9", "\xc3"};
    for (gsize i = 0; i < G_N_ELEMENTS(patterns); i++) {
        const sipkb_override_text row = {"4xx", patterns[i], NULL, "meaning", NULL, NULL};
        GError *error = NULL;
        sipkb_override *o = sipkb_override_new(&row, &error);
        g_assert_null(o);
        g_assert_nonnull(error);
        g_assert_nonnull(strstr(error->message, "UTF-8"));
        g_error_free(error);
    }
}

/* Finding 5: a team KB file (or provider profile) explaining a code the generic KB lacks, with
 * some texts only, gave an entry without reason, meaning, advice or reference. */
static void
test_kb_partial_new_code_complete(void)
{
    static const char team[] = "[sipkb]\nformat=1\nkb_version=t1\n[response 499]\n"
                               "summary=Carrier-specific: the trunk is blocked\n"
                               "cause.1=The carrier blocked the trunk.\n";
    sipkb_kb *kb = kb_with_generic();
    g_assert_true(sipkb_kb_add_layer(kb, SIPKB_LAYER_USER, team, sizeof(team) - 1, "team", NULL));
    gboolean fallback = TRUE;
    const sipkb_response_entry *entry = sipkb_kb_response(kb, 499, &fallback);
    g_assert_nonnull(entry);
    g_assert_false(fallback);
    g_assert_cmpstr(entry->summary, ==, "Carrier-specific: the trunk is blocked");
    g_assert_nonnull(entry->reason);
    g_assert_nonnull(entry->meaning);
    g_assert_nonnull(entry->causes);
    g_assert_nonnull(entry->advice);
    g_assert_nonnull(entry->reference);
    sipkb_kb_free(kb);
}

/* Finding 7: a team KB file (or provider profile) with a section or key name that is not UTF-8
 * was refused with an error message quoting the name byte for byte, which is not UTF-8, for
 * Wireshark's dialog and log. The refusal stays; its message must be UTF-8. */
static void
test_kb_error_message_utf8(void)
{
    static const char *const files[] = {
        "[sipkb]\nformat=1\nkb_version=t\n[respon\xd0se 499]\nsummary=Carrier-specific\n",
        "[sipkb]\nformat=1\nkb_version=t\n[response 499]\nsumm\377ary=Carrier-specific\n",
        "[sipkb]\nformat=1\nkb_version=t\n[response 499]\ncause.\xff=The trunk is blocked\n",
    };
    sipkb_kb *kb = kb_with_generic();
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        GError *error = NULL;
        g_assert_false(sipkb_kb_add_layer(kb, SIPKB_LAYER_USER, files[i], strlen(files[i]),
                                          "team.kb", &error));
        g_assert_nonnull(error);
        g_assert_true(g_str_has_prefix(error->message, "team.kb"));
        g_assert_true(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
    }
    sipkb_kb_free(kb);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/finding-4/override-method-not-leaked", test_override_method_not_leaked);
    g_test_add_func("/finding-5/kb-partial-new-code-complete", test_kb_partial_new_code_complete);
    g_test_add_func("/finding-6/override-reason-not-utf8-refused",
                    test_override_reason_not_utf8_refused);
    g_test_add_func("/finding-7/kb-error-message-utf8", test_kb_error_message_utf8);
    return g_test_run();
}
