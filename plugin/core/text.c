/* Cutting and splitting texts for display on character and word boundaries; numbers as
 * text (see include/sipkb/text.h). */
#include "sipkb/text.h"

#include <string.h>

/* The character after `p`; a byte that starts no valid character stands alone. */
static const char *
next_char(const char *p)
{
    gunichar c = g_utf8_get_char_validated(p, -1);
    return c == (gunichar)-1 || c == (gunichar)-2 ? p + 1 : g_utf8_next_char(p);
}

char *
sipkb_text_prefix(const char *text, gsize max_chars, gboolean *cut)
{
    const char *end = text;
    for (gsize n = 0; *end && n < max_chars; n++)
        end = next_char(end);
    if (cut)
        *cut = *end != '\0';
    return g_strndup(text, (gsize)(end - text));
}

/* How good a place to break a line is the space at `space` (not the text's first character),
 * `depth` parentheses deep: the end of a sentence (a capital follows), of a clause, before a
 * long aside, or just between two words. Nothing inside parentheses is better than a word
 * break. */
typedef enum { BREAK_WORD = 1, BREAK_CLAUSE, BREAK_SENTENCE } break_rank;

/* An aside this long or longer may start a line. */
#define LONG_ASIDE_CHARS 20

static break_rank
rank_of(const char *space, int depth)
{
    if (depth > 0)
        return BREAK_WORD;
    switch (space[-1]) {
    case '.':
    case '?':
    case '!':
        /* Not after "e.g." or "i.e." in the middle of a sentence. */
        return g_ascii_isupper(space[1]) ? BREAK_SENTENCE : BREAK_WORD;
    case ';':
    case ':':
    case ',':
        return BREAK_CLAUSE;
    default:
        break;
    }
    if (space[1] == '-' && space[2] == ' ')
        return BREAK_CLAUSE;
    if (space[1] == '(') {
        const char *close = strchr(space, ')');
        return !close || g_utf8_strlen(space, close - space) >= LONG_ASIDE_CHARS ? BREAK_CLAUSE
                                                                                 : BREAK_WORD;
    }
    return BREAK_WORD;
}

/* Where the line starting at `start` ends when it may hold `max_chars` characters: at the
 * best-ranked space among the ones that fit in the last two thirds of the line (the last of
 * that rank); else at the last space that fits; else at the first space after a word longer
 * than the line; or at the end of the text. */
static const char *
line_end(const char *start, gsize max_chars)
{
    const char *best[BREAK_SENTENCE + 1] = {NULL};
    const char *last_space = NULL;
    const char *p = start;
    int depth = 0;
    for (gsize n = 0; *p && n <= max_chars; n++, p = next_char(p)) {
        depth += *p == '(' ? 1 : *p == ')' && depth > 0 ? -1 : 0;
        if (*p != ' ' || p == start)
            continue;
        last_space = p;
        if (n >= max_chars / 3)
            best[rank_of(p, depth)] = p;
    }
    if (!*p)
        return p;
    for (int rank = BREAK_SENTENCE; rank >= BREAK_WORD; rank--) {
        if (best[rank])
            return best[rank];
    }
    if (last_space)
        return last_space;
    while (*p && *p != ' ')
        p = next_char(p);
    return p;
}

GPtrArray *
sipkb_text_split(const char *text, gsize max_chars)
{
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    const char *start = text;
    while (*start == ' ')
        start++;
    max_chars = MAX(max_chars, 1);
    while (*start) {
        /* Lines of about even length: the fewest that can hold the rest (a break drops a
         * space), each given some room beyond their share to end at a good place. */
        glong rest = g_utf8_strlen(start, -1);
        glong n_lines = (rest + 1 + (glong)max_chars) / ((glong)max_chars + 1);
        gsize width = MIN(max_chars, (gsize)(rest / MAX(n_lines, 1)) + max_chars / 5);
        const char *end = line_end(start, width);
        g_ptr_array_add(lines, g_strndup(start, (gsize)(end - start)));
        start = end;
        while (*start == ' ')
            start++;
    }
    if (lines->len == 0)
        g_ptr_array_add(lines, g_strdup(""));
    return lines;
}

char *
sipkb_text_seconds(gint64 nanoseconds)
{
    double seconds = (double)nanoseconds / 1e9;
    if (ABS(seconds) >= 10.0)
        return g_strdup_printf("%.1f", seconds);
    char *text = g_strdup_printf("%.3f", seconds);
    /* No trailing zeros past the first decimal: "3.5", "0.002". */
    gsize length = strlen(text);
    while (text[length - 1] == '0' && text[length - 2] != '.')
        text[--length] = '\0';
    return text;
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
