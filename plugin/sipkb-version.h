/* Which sipkb and knowledge base are loaded, for tools that use the plugin (sipkb-annotate). */
#ifndef SIPKB_VERSION_H
#define SIPKB_VERSION_H

#include "sipkb/kb.h"

/* The field whose description tells the versions: "sipkb 0.1.0 (KB: generic 2026.11.1, ...)".
 * Tools read it with proto_registrar_get_byname(); it is never added to a tree. */
#define SIPKB_VERSION_FIELD "sipkb.version"

/* At registration, after the KB is loaded: registers SIPKB_VERSION_FIELD under `proto`. */
void sipkb_version_register(int proto, const sipkb_kb *kb);

#endif /* SIPKB_VERSION_H */
