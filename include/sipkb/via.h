/* Via rules (RFC 3261 sections 18.2.1, 20.42): ports, transports, branches. Wireshark-free. */
#ifndef SIPKB_VIA_H
#define SIPKB_VIA_H

#include <glib.h>

#include "sipkb/message.h"

G_BEGIN_DECLS

/* The port a Via sent-by means when it gives none: 5061 for TLS, else 5060. */
guint sipkb_via_default_port(const char *transport);

/* Does the Via transport name the transport the message travelled on ("UDP", "TCP", ...)?
 * TLS and WS/WSS ride on TCP. */
gboolean sipkb_via_transport_matches(const char *via_transport, const char *actual_transport);

/* The RFC 3261 magic cookie that marks a branch as globally unique. */
gboolean sipkb_via_branch_is_rfc3261(const char *branch);

/* One Via value in words: returns "1: SIP/2.0/UDP host:port, added by ..." and appends what
 * each of its parts says to `details` (strings to free). `index` 0 is the top Via. */
char *sipkb_via_explain(const sipkb_via *via, guint index, gboolean in_request, GPtrArray *details);

G_END_DECLS

#endif /* SIPKB_VIA_H */
