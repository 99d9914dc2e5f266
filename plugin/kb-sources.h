/* Where the KB comes from (glue): the built-in generic KB, the provider profile chosen in the
 * preferences, a team's KB file, and the "SIP KB overrides" table. */
#ifndef SIPKB_KB_SOURCES_H
#define SIPKB_KB_SOURCES_H

#include <epan/prefs.h>

#include "sipkb/kb.h"
#include "sipkb/overrides.h"

/* Loads the built-in layers and registers the preferences that choose the others. */
void sipkb_kb_sources_register(module_t *prefs);

/* Applies the preferences: provider profile and team file (errors are reported, the generic
 * KB always stays). Called when preferences change. */
void sipkb_kb_sources_apply(void);

const sipkb_kb *sipkb_kb_sources_kb(void);

/* How the tree names a layer: "generic KB ...", "provider profile (SIPcity notes)", the team
 * file. */
const char *sipkb_kb_sources_layer_text(sipkb_layer layer);

/* The override row that applies to a response, or NULL; *row is its 1-based number. */
const sipkb_override *sipkb_kb_sources_override(guint code, const char *reason_phrase,
                                                const char *method, guint *row);

#endif /* SIPKB_KB_SOURCES_H */
