/* Filling the templates of the findings table: "{name}" is replaced by what `lookup` appends.
 * Internal to the core. */
#ifndef SIPKB_CORE_TEMPLATE_H
#define SIPKB_CORE_TEMPLATE_H

#include <glib.h>

/* Appends the value of `name` to `out`; FALSE when there is none ("(unknown)" is written). */
typedef gboolean (*sipkb_template_lookup)(const char *name, gconstpointer data, GString *out);

void sipkb_template_fill(const char *template_text, sipkb_template_lookup lookup,
                         gconstpointer data, GString *out);

#endif /* SIPKB_CORE_TEMPLATE_H */
