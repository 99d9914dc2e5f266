/* Cutting and splitting texts for display on character and word boundaries (see
 * include/sipkb/text.h). */
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

/* How good a place to break a line is the space at `space` (not the text's first character):
 * the end of a sentence, of a clause, or just between two words. */
typedef enum { BREAK_WORD = 1, BREAK_CLAUSE, BREAK_SENTENCE } break_rank;

static break_rank
rank_of(const char *space)
{
    switch (space[-1]) {
    case '.':
    case '?':
    case '!':
        return BREAK_SENTENCE;
    case ';':
    case ':':
    case ',':
        return BREAK_CLAUSE;
    default:
        break;
    }
    /* Before a parenthesis or a dash that opens an aside. */
    if (space[1] == '(' || (space[1] == '-' && space[2] == ' '))
        return BREAK_CLAUSE;
    return BREAK_WORD;
}

/* Where the line starting at `start` ends when it may hold `max_chars` characters: at the
 * best-ranked space among the ones that fit in the last two thirds of the line; else at the
 * last space that fits; else at the first space after a word longer than the line; or at the
 * end of the text. */
static const char *
line_end(const char *start, gsize max_chars)
{
    const char *best[BREAK_SENTENCE + 1] = {NULL};
    const char *last_space = NULL;
    const char *p = start;
    for (gsize n = 0; *p && n <= max_chars; n++, p = next_char(p)) {
        if (*p != ' ' || p == start)
            continue;
        last_space = p;
        if (n >= max_chars / 3)
            best[rank_of(p)] = p;
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
    while (*start) {
        const char *end = line_end(start, MAX(max_chars, 1));
        g_ptr_array_add(lines, g_strndup(start, (gsize)(end - start)));
        start = end;
        while (*start == ' ')
            start++;
    }
    if (lines->len == 0)
        g_ptr_array_add(lines, g_strdup(""));
    return lines;
}
