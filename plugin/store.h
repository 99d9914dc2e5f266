/* Storing (glue): the analyzer of the open capture file, fed on the first pass, read on every
 * later one (packet-tcp.c's model: decide once, read back).
 */
#ifndef SIPKB_STORE_H
#define SIPKB_STORE_H

#include <epan/packet.h>

#include "extract.h"
#include "sipkb/analyzer.h"

/* At registration: the findings table the analyzer words its texts from. */
void sipkb_store_register(const sipkb_findings_table *findings);

/* The first pass over a frame: its messages go to the analyzer; returns their results. */
guint sipkb_store_first_pass(const sipkb_extracted *messages, guint n_messages,
                             const sipkb_result *const **results);

/* The first pass over a frame with DNS: its messages go to the analyzer, for the responses
 * that say a lookup failed; they get no results. */
void sipkb_store_first_pass_dns(const sipkb_dns_message *messages, guint n_messages);

/* Any later pass: what the first pass decided for the frame (0: no SIP). The first later-pass
 * call after the first pass decides the whole-capture findings: Wireshark has no end-of-capture
 * callback, and every later pass comes after the first pass has seen every frame. */
guint sipkb_store_read(guint32 frame, const sipkb_result *const **results);

/* Whether the whole-capture findings are decided for every message added so far: true on a
 * later pass, false while the first pass goes on. */
gboolean sipkb_store_settled(void);

/* Init and cleanup routines (a capture file opened, closed, or dissected again). */
void sipkb_store_init(void);
void sipkb_store_cleanup(void);

#endif /* SIPKB_STORE_H */
