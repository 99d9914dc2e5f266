/* Cutting and splitting texts for display without breaking a UTF-8 character or a word;
 * numbers as text.
 * Wireshark-free. */
#ifndef SIPKB_TEXT_H
#define SIPKB_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* At most `max_chars` characters of `text` (UTF-8; an invalid byte counts as one character and
 * is kept as it is), newly allocated. `cut` (may be NULL) tells whether anything was left out. */
char *sipkb_text_prefix(const char *text, gsize max_chars, gboolean *cut);

/* `text` in lines of at most `max_chars` characters (counted as sipkb_text_prefix() does), as
 * few as can hold it and of about even length (no short last word alone on a line), broken at
 * spaces outside parentheses: at the end of a sentence where one ends in the last two thirds
 * of the line, else after a clause (, ; :) or before a long aside ("(", " - "), else between
 * words. A word longer than a line is kept whole on a line of its own. The
 * spaces at a break are dropped; joining the lines with one space gives the text back when it
 * had single spaces. Always at least one line; free with g_ptr_array_unref(). */
GPtrArray *sipkb_text_split(const char *text, gsize max_chars);

/* Room for any guint32 in decimal, with its NUL. */
#define SIPKB_UINT_TEXT_SIZE 11

/* `number` in decimal (as "%u" writes it), at the end of `buffer`; returns where it starts.
 * For texts made on every message, where printf's format parsing costs ten times as much. */
const char *sipkb_text_uint(char buffer[SIPKB_UINT_TEXT_SIZE], guint32 number);

/* A time span in seconds, as precise as it needs to be read: up to milliseconds below 10 s,
 * without trailing zeros past the first decimal (a retry "0.002" s after its challenge, not
 * "0.0"; "3.5"), tenths from 10 s on ("32.0"). Free with g_free(). */
char *sipkb_text_seconds(gint64 nanoseconds);

G_END_DECLS

#endif /* SIPKB_TEXT_H */
