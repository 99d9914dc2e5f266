/* Shared by the libFuzzer targets of the Wireshark-free core: the entry points, and CHECK, which
 * turns a broken promise of an include/sipkb header into a crash that libFuzzer keeps. */
#ifndef SIPKB_FUZZ_COMMON_H
#define SIPKB_FUZZ_COMMON_H

#include <glib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(condition)                                                                        \
    do {                                                                                        \
        if (!(condition)) {                                                                     \
            fprintf(stderr, "%s:%d: broken promise: %s\n", __FILE__, __LINE__, #condition);    \
            abort();                                                                            \
        }                                                                                       \
    } while (0)

/* GLib's own warnings (g_return_if_fail and friends) mean the core misused an API: fatal. */
static inline void
fuzz_make_glib_warnings_fatal(void)
{
    g_log_set_always_fatal(G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING | G_LOG_FATAL_MASK);
}

/* One line of text, as the tree shows it: valid UTF-8, no line break or tab, at most `max`. */
static inline gboolean
fuzz_is_one_line(const char *text, gsize max)
{
    if (!text || !g_utf8_validate(text, -1, NULL))
        return FALSE;
    gsize n = 0;
    for (const char *c = text; *c; c++, n++) {
        if (*c == '\n' || *c == '\r' || *c == '\t')
            return FALSE;
    }
    return n <= max;
}

#endif /* SIPKB_FUZZ_COMMON_H */
