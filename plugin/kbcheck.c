/* sipkb-kbcheck: validates KB files the way the plugin loads them, so that a broken KB fails
 * the build (and the tests) with a message naming the file, the entry and the problem.
 *
 * Usage: sipkb-kbcheck GENERIC.kb [PROFILE.kb ...]
 */
#include <stdio.h>

#include "sipkb/kb.h"

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
    if (argc < 2) {
        fprintf(stderr, "usage: sipkb-kbcheck GENERIC.kb [PROFILE.kb ...]\n");
        return 2;
    }
    sipkb_kb *kb = sipkb_kb_new();
    gboolean ok = check_file(kb, SIPKB_LAYER_GENERIC, argv[1]);
    for (int i = 2; ok && i < argc; i++)
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
