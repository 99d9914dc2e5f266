/* Unit tests of user override rows: code ranges, validation messages, matching (no Wireshark). */
#include <string.h>

#include "sipkb/overrides.h"

static void
test_code_ranges(void)
{
    static const struct {
        const char *text;
        guint low, high;
    } good[] = {{"403", 403, 403}, {" 403 ", 403, 403},   {"4xx", 400, 499},
                {"6XX", 600, 699}, {"480-489", 480, 489}, {"100 - 199", 100, 199},
                {"699", 699, 699}};
    for (gsize i = 0; i < G_N_ELEMENTS(good); i++) {
        guint low = 0, high = 0;
        g_assert_true(sipkb_parse_code_range(good[i].text, &low, &high, NULL));
        g_assert_cmpuint(low, ==, good[i].low);
        g_assert_cmpuint(high, ==, good[i].high);
    }
    static const char *const bad[] = {"40x", "4033", "99",   "700",  "7xx",  "0xx", "489-480",
                                      "",    "abc",  "403-", "-403", "4 03", NULL};
    for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
        guint low, high;
        GError *error = NULL;
        g_test_message("%s", bad[i]);
        g_assert_false(sipkb_parse_code_range(bad[i], &low, &high, &error));
        g_assert_nonnull(strstr(error->message, "is not a code (403), a class (4xx) or a range"));
        g_error_free(error);
    }
}

static sipkb_override *
row(const char *codes, const char *reason, const char *method, const char *meaning)
{
    sipkb_override_text text = {codes, reason, method, meaning, NULL, NULL};
    GError *error = NULL;
    sipkb_override *o = sipkb_override_new(&text, &error);
    g_assert_no_error(error);
    return o;
}

static void
test_validation(void)
{
    static const struct {
        sipkb_override_text text;
        const char *message;
    } cases[] = {
        {{"40x", NULL, NULL, "m", NULL, NULL}, "code '40x' is not a code"},
        {{"403", "(unclosed", NULL, "m", NULL, NULL}, "reason pattern '(unclosed' is not a valid"},
        {{"403", NULL, "INV ITE", "m", NULL, NULL}, "method 'INV ITE' is not a SIP method name"},
        {{"403", NULL, NULL, "", " ", NULL}, "meaning, cause and advice are all empty"},
        {{"403", NULL, NULL, "line\nbreak", NULL, NULL}, "meaning contains a line break"},
        {{"403", NULL, NULL, NULL, NULL, "\xff\xfe"}, "advice is not valid UTF-8"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        GError *error = NULL;
        g_assert_null(sipkb_override_new(&cases[i].text, &error));
        g_test_message("%s", error->message);
        g_assert_true(g_str_has_prefix(error->message, cases[i].message));
        g_error_free(error);
    }
    char *long_text = g_strnfill(221, 'x');
    sipkb_override_text too_long = {"403", NULL, NULL, NULL, long_text, NULL};
    GError *error = NULL;
    g_assert_null(sipkb_override_new(&too_long, &error));
    g_assert_cmpstr(error->message, ==, "cause is longer than 220 bytes");
    g_error_free(error);
    g_free(long_text);
}

static void
test_matching(void)
{
    sipkb_override *rows[] = {
        row("4xx", NULL, NULL, "any client failure"),
        row("403", NULL, NULL, "any 403"),
        row("403", "fund|credit", "INVITE", "403 for credit on INVITE"),
        row("480-489", NULL, "register", "48x on REGISTER"),
    };
    guint n = G_N_ELEMENTS(rows);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 404, "Not Found", "INVITE"), ==, 0);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 403, "Forbidden", "INVITE"), ==, 1);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 403, "Insufficient FUNDS", "INVITE"), ==, 2);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 403, "Insufficient funds", "REGISTER"), ==, 1);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 403, NULL, "INVITE"), ==, 1);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 486, "Busy", "REGISTER"), ==, 3);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 486, "Busy", "INVITE"), ==, 0);
    g_assert_cmpint(sipkb_overrides_find(rows, n, 503, "Busy", "INVITE"), ==, -1);
    g_assert_cmpint(sipkb_overrides_find(rows, 0, 403, "Forbidden", "INVITE"), ==, -1);
    g_assert_cmpstr(sipkb_override_meaning(rows[2]), ==, "403 for credit on INVITE");
    g_assert_null(sipkb_override_cause(rows[2]));
    for (guint i = 0; i < n; i++)
        sipkb_override_free(rows[i]);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/overrides/code-ranges", test_code_ranges);
    g_test_add_func("/overrides/validation", test_validation);
    g_test_add_func("/overrides/matching", test_matching);
    return g_test_run();
}
