/* libFuzzer target: the "SIP KB overrides" rows (include/sipkb/overrides.h), the table a user
 * types in Wireshark or keeps in the profile file sipkb_overrides, and their matching against
 * responses.
 *
 * Input: text lines. Up to a line "--", each line is one row of up to six TAB-separated fields
 * (codes, reason pattern, method, meaning, cause, advice); after it, each line is a response
 * to match: "code<TAB>reason phrase<TAB>CSeq method". Checked promises: a refused row says why;
 * an accepted one has a valid code range and one-line texts; the row found matches the
 * response, and none is found when no row matches.
 */
#include <string.h>

#include "fuzz-common.h"
#include "sipkb/overrides.h"

#define MAX_ROWS 24
#define MAX_PROBES 24
#define MAX_TEXT_BYTES 220

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_make_glib_warnings_fatal();
    return 0;
}

/* Field i of a TAB-separated line, NULL past the last. */
static const char *
field(char **fields, guint i)
{
    for (guint k = 0; k < i; k++) {
        if (!fields[k])
            return NULL;
    }
    return fields[i];
}

static void
check_text(const char *text)
{
    if (!text)
        return;
    CHECK(fuzz_is_one_line(text, MAX_TEXT_BYTES));
    CHECK(*text && !g_ascii_isspace(text[0]) && !g_ascii_isspace(text[strlen(text) - 1]));
}

static sipkb_override *
compile_row(const char *line)
{
    char **fields = g_strsplit(line, "\t", 6);
    sipkb_override_text row = {field(fields, 0) ? field(fields, 0) : "", field(fields, 1),
                               field(fields, 2), field(fields, 3), field(fields, 4),
                               field(fields, 5)};
    guint low = 0, high = 0;
    GError *error = NULL;
    if (sipkb_parse_code_range(row.codes, &low, &high, &error)) {
        CHECK(!error && low >= 100 && low <= high && high <= 699);
    } else {
        CHECK(error && error->message && g_utf8_validate(error->message, -1, NULL));
        g_clear_error(&error);
    }
    sipkb_override *o = sipkb_override_new(&row, &error);
    CHECK((o == NULL) == (error != NULL));
    if (o) {
        check_text(sipkb_override_meaning(o));
        check_text(sipkb_override_cause(o));
        check_text(sipkb_override_advice(o));
        CHECK(sipkb_override_meaning(o) || sipkb_override_cause(o) || sipkb_override_advice(o));
    } else {
        CHECK(error->message && *error->message);
        CHECK(g_utf8_validate(error->message, -1, NULL)); /* shown in the table dialog */
        g_error_free(error);
    }
    g_strfreev(fields);
    return o;
}

static void
probe(sipkb_override **rows, guint n_rows, const char *line)
{
    char **fields = g_strsplit(line, "\t", 3);
    const char *code_text = field(fields, 0);
    guint code = code_text ? (guint)strtoul(code_text, NULL, 10) : 0;
    const char *reason = field(fields, 1), *method = field(fields, 2);
    gint found = sipkb_overrides_find(rows, n_rows, code, reason, method);
    CHECK(found >= -1 && found < (gint)n_rows);
    gboolean any = FALSE;
    for (guint i = 0; i < n_rows; i++)
        any |= rows[i] && sipkb_override_matches(rows[i], code, reason, method);
    CHECK(any == (found >= 0));
    if (found >= 0)
        CHECK(rows[found] && sipkb_override_matches(rows[found], code, reason, method));
    g_strfreev(fields);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 64 * 1024)
        return 0;
    char *input = g_strndup((const char *)data, size); /* stops at a NUL, as a C string would */
    char **lines = g_strsplit(input, "\n", 0);
    sipkb_override *rows[MAX_ROWS] = {0};
    guint n_rows = 0, n_probes = 0, i = 0;
    for (; lines[i] && strcmp(lines[i], "--") != 0; i++) {
        if (n_rows < MAX_ROWS)
            rows[n_rows++] = compile_row(lines[i]);
    }
    for (i = lines[i] ? i + 1 : i; lines[i] && n_probes < MAX_PROBES; i++, n_probes++)
        probe(rows, n_rows, lines[i]);
    for (i = 0; i < n_rows; i++)
        sipkb_override_free(rows[i]);
    g_strfreev(lines);
    g_free(input);
    return 0;
}
