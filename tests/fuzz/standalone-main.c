/* Replays fuzz inputs without libFuzzer, for compilers that have none (gcc): each argument is a
 * file, or a folder whose files are read, and each file is one input run once. */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

#include "fuzz-common.h"

static int
run_file(const char *path)
{
    gchar *data = NULL;
    gsize length = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &data, &length, &error)) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, length);
    g_free(data);
    return 0;
}

int
main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int failures = 0, inputs = 0;
    for (int i = 1; i < argc; i++) {
        if (argv[i][0] == '-')
            continue; /* libFuzzer options, meaningless here */
        GDir *dir = g_dir_open(argv[i], 0, NULL);
        if (!dir) {
            failures += run_file(argv[i]);
            inputs++;
            continue;
        }
        const char *name;
        while ((name = g_dir_read_name(dir))) {
            char *path = g_build_filename(argv[i], name, NULL);
            if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
                failures += run_file(path);
                inputs++;
            }
            g_free(path);
        }
        g_dir_close(dir);
    }
    printf("%d inputs replayed\n", inputs);
    return failures ? 1 : 0;
}
