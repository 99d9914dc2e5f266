/* sipkb knowledge base: loading the KB key files and looking up response codes.
 *
 * Wireshark-free: plain GLib. The KB is a stack of layers (generic RFC meaning,
 * then a provider profile, then user overrides); a lookup returns the merged
 * entry and says which layer each text came from.
 */
#ifndef SIPKB_KB_H
#define SIPKB_KB_H

#include <glib.h>

G_BEGIN_DECLS

/* Where a text came from, lowest priority first. */
typedef enum {
    SIPKB_LAYER_GENERIC = 0,
    SIPKB_LAYER_PROVIDER,
    SIPKB_LAYER_USER,
    SIPKB_LAYER_COUNT
} sipkb_layer;

/* One response code (or one class, code 1..6) after layering. Strings are owned by the KB. */
typedef struct sipkb_response_entry {
    unsigned code;             /* 100..699, or 1..6 for a class entry */
    const char *reason;        /* the standard reason phrase, or the class name */
    const char *summary;       /* one line: expert item, Info column */
    const char *meaning;       /* what the code means */
    const char *const *causes; /* NULL-terminated, most likely first */
    const char *const *advice; /* NULL-terminated, what to check next */
    const char *provider_note; /* NULL when no profile has one */
    const char *reference;     /* defining RFC and section */
    sipkb_layer meaning_layer; /* layer that supplied summary and meaning */
    sipkb_layer causes_layer;  /* layer that supplied the causes */
    sipkb_layer advice_layer;  /* layer that supplied the advice */
} sipkb_response_entry;

typedef struct sipkb_kb sipkb_kb;

/* Error domain of the loader: messages name the source, the section and the problem. */
#define SIPKB_KB_ERROR (sipkb_kb_error_quark())
GQuark sipkb_kb_error_quark(void);
typedef enum { SIPKB_KB_ERROR_PARSE, SIPKB_KB_ERROR_INVALID } sipkb_kb_error_code;

sipkb_kb *sipkb_kb_new(void);
void sipkb_kb_free(sipkb_kb *kb);

/* Parses one KB file's text and stacks it as `layer`. `source_name` names the file in errors.
 * The generic layer must define all six classes; every layer's entries are validated in
 * full before any of them is applied, so a broken file leaves the KB as it was. */
gboolean sipkb_kb_add_layer(sipkb_kb *kb, sipkb_layer layer, const char *data, gsize length,
                            const char *source_name, GError **error);

/* Empties one layer (e.g. when a profile is switched off). */
void sipkb_kb_clear_layer(sipkb_kb *kb, sipkb_layer layer);

/* The entry for `code`: the code's own, else its class's (with *is_class_fallback set).
 * NULL when the code is outside 100..699 or the KB has no such class. */
const sipkb_response_entry *sipkb_kb_response(const sipkb_kb *kb, unsigned code,
                                              gboolean *is_class_fallback);

/* The class entry (1xx..6xx) of `code`, or NULL. */
const sipkb_response_entry *sipkb_kb_class(const sipkb_kb *kb, unsigned code);

/* "kb_version" of the given layer's file, or NULL when the layer is empty. */
const char *sipkb_kb_version(const sipkb_kb *kb, sipkb_layer layer);
/* "name" of the given layer's file, or NULL. */
const char *sipkb_kb_name(const sipkb_kb *kb, sipkb_layer layer);

/* The codes that have an entry of their own, ascending; for tests and statistics. */
GArray *sipkb_kb_codes(const sipkb_kb *kb);

const char *sipkb_layer_name(sipkb_layer layer);

G_END_DECLS

#endif /* SIPKB_KB_H */
