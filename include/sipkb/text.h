/* Cutting texts for one-line display without splitting a UTF-8 character. Wireshark-free. */
#ifndef SIPKB_TEXT_H
#define SIPKB_TEXT_H

#include <glib.h>

G_BEGIN_DECLS

/* At most `max_chars` characters of `text` (UTF-8; an invalid byte counts as one character and
 * is kept as it is), newly allocated. `cut` (may be NULL) tells whether anything was left out. */
char *sipkb_text_prefix(const char *text, gsize max_chars, gboolean *cut);

G_END_DECLS

#endif /* SIPKB_TEXT_H */
