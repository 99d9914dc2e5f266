/* Which sipkb and knowledge base are in use, for tools that load the plugin (sipkb-annotate). */
#ifndef SIPKB_VERSION_H
#define SIPKB_VERSION_H

/* The field whose description tells the versions once a capture file is open, e.g. "sipkb
 * 0.1.0 (KB: generic KB (RFC meanings) 2026.11.1, provider profile (carrier notes) 2026.11.1)"
 * (it follows the KB layers the preferences choose). It is never added to a tree; tools read
 * it with proto_registrar_get_byname(). */
#define SIPKB_VERSION_FIELD "sipkb.version"

/* At registration: registers SIPKB_VERSION_FIELD under `proto`. */
void sipkb_version_register(int proto);

#endif /* SIPKB_VERSION_H */
