/* Cutting texts on character boundaries; numbers as text (see include/sipkb/text.h). */
#include "sipkb/text.h"

#include <string.h>

char *
sipkb_text_prefix(const char *text, gsize max_chars, gboolean *cut)
{
    const char *end = text;
    for (gsize n = 0; *end && n < max_chars; n++) {
        gunichar c = g_utf8_get_char_validated(end, -1);
        /* A byte that starts no valid character stands alone. */
        end = c == (gunichar)-1 || c == (gunichar)-2 ? end + 1 : g_utf8_next_char(end);
    }
    if (cut)
        *cut = *end != '\0';
    return g_strndup(text, (gsize)(end - text));
}

const char *
sipkb_text_uint(char buffer[SIPKB_UINT_TEXT_SIZE], guint32 number)
{
    char *start = buffer + SIPKB_UINT_TEXT_SIZE - 1;
    *start = '\0';
    do {
        *--start = (char)('0' + number % 10);
        number /= 10;
    } while (number);
    return start;
}
