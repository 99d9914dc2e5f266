/* Cutting texts for one-line display without splitting a UTF-8 character; numbers as text.
 * Wireshark-free. */
#ifndef SIPKB_TEXT_H
#define SIPKB_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* At most `max_chars` characters of `text` (UTF-8; an invalid byte counts as one character and
 * is kept as it is), newly allocated. `cut` (may be NULL) tells whether anything was left out. */
char *sipkb_text_prefix(const char *text, gsize max_chars, gboolean *cut);

/* Room for any guint32 in decimal, with its NUL. */
#define SIPKB_UINT_TEXT_SIZE 11

/* `number` in decimal (as "%u" writes it), at the end of `buffer`; returns where it starts.
 * For texts made on every message, where printf's format parsing costs ten times as much. */
const char *sipkb_text_uint(char buffer[SIPKB_UINT_TEXT_SIZE], guint32 number);

G_END_DECLS

#endif /* SIPKB_TEXT_H */
