/* sipkb-kbcheck: validates KB files the way the plugin loads them, so that a broken KB fails
 * the build (and the tests) with a message naming the file, the entry and the problem.
 *
 * Usage: sipkb-kbcheck [--findings FINDINGS.kb] GENERIC.kb [PROFILE.kb ...]
 */
#include <stdio.h>
#include <string.h>

#include "sipkb/findings.h"
#include "sipkb/kb.h"

/* The findings table: every finding of include/sipkb/findings.h has a complete section. */
static gboolean
check_findings(const char *path)
{
    char *text = NULL;
    gsize length = 0;
    GError *error = NULL;
    sipkb_findings_table *table = NULL;
    if (g_file_get_contents(path, &text, &length, &error))
        table = sipkb_findings_table_new(text, length, path, &error);
    g_free(text);
    if (!table) {
        fprintf(stderr, "sipkb-kbcheck: %s\n", error->message);
        g_error_free(error);
        return FALSE;
    }
    sipkb_findings_table_free(table);
    return TRUE;
}

static gboolean
check_file(sipkb_kb *kb, sipkb_layer layer, const char *path)
{
    char *text = NULL;
    gsize length = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &text, &length, &error) ||
        !sipkb_kb_add_layer(kb, layer, text, length, path, &error)) {
        fprintf(stderr, "sipkb-kbcheck: %s\n", error->message);
        g_error_free(error);
        g_free(text);
        return FALSE;
    }
    g_free(text);
    return TRUE;
}

int
main(int argc, char **argv)
{
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--findings") == 0) {
        if (!check_findings(argv[2]))
            return 1;
        first = 3;
    }
    if (argc <= first) {
        fprintf(stderr,
                "usage: sipkb-kbcheck [--findings FINDINGS.kb] GENERIC.kb [PROFILE.kb ...]\n");
        return 2;
    }
    sipkb_kb *kb = sipkb_kb_new();
    gboolean ok = check_file(kb, SIPKB_LAYER_GENERIC, argv[first]);
    for (int i = first + 1; ok && i < argc; i++)
        ok = check_file(kb, SIPKB_LAYER_PROVIDER, argv[i]);
    if (ok) {
        GArray *codes = sipkb_kb_codes(kb);
        printf("sipkb-kbcheck: %u response codes, KB version %s\n", codes->len,
               sipkb_kb_version(kb, SIPKB_LAYER_GENERIC));
        g_array_free(codes, TRUE);
    }
    sipkb_kb_free(kb);
    return ok ? 0 : 1;
}
