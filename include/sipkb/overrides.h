/* User overrides of the KB: rows a team writes ("on our network a 403 on INVITE with reason
 * 'No funds' means ..."), validated and matched against responses. Wireshark-free; the glue
 * keeps them in a UAT table ("SIP KB overrides").
 */
#ifndef SIPKB_OVERRIDES_H
#define SIPKB_OVERRIDES_H

#include <glib.h>

G_BEGIN_DECLS

/* One row as typed: every member may be NULL or empty except `codes`. */
typedef struct {
    const char *codes;  /* "403", "4xx" or "480-489" */
    const char *reason; /* optional regular expression on the reason phrase (case-insensitive) */
    const char *method; /* optional request method (CSeq method of the response) */
    const char *meaning;
    const char *cause;
    const char *advice;
} sipkb_override_text;

typedef struct sipkb_override sipkb_override;

#define SIPKB_OVERRIDE_ERROR (sipkb_override_error_quark())
GQuark sipkb_override_error_quark(void);

/* "403" -> 403..403, "4xx" -> 400..499, "480-489" -> 480..489; within 100..699. */
gboolean sipkb_parse_code_range(const char *text, guint *low, guint *high, GError **error);

/* Validates and compiles a row. Errors name the problem ("code '40x' is not ...");
 * the caller adds which row. */
sipkb_override *sipkb_override_new(const sipkb_override_text *text, GError **error);
void sipkb_override_free(sipkb_override *override);

gboolean sipkb_override_matches(const sipkb_override *override, guint code,
                                const char *reason_phrase, const char *method);

/* The texts of a row; NULL where the row leaves the KB's text. */
const char *sipkb_override_meaning(const sipkb_override *override);
const char *sipkb_override_cause(const sipkb_override *override);
const char *sipkb_override_advice(const sipkb_override *override);

/* Of the rows matching, the most specific: the narrowest code range, then the one with a
 * reason and a method, then the first. Returns its index, or -1. */
gint sipkb_overrides_find(sipkb_override *const *overrides, guint n_overrides, guint code,
                          const char *reason_phrase, const char *method);

G_END_DECLS

#endif /* SIPKB_OVERRIDES_H */
