/* Extraction (glue): the SIP and SDP dissectors' fields of a frame -> one sipkb_message per SIP
 * message, for the analyzer. Nothing here parses SIP or decides.
 */
#ifndef SIPKB_EXTRACT_H
#define SIPKB_EXTRACT_H

#include <epan/packet.h>

#include "sipkb/dns.h"
#include "sipkb/message.h"

/* A SIP message of the frame, and the data its bytes are in. */
typedef struct {
    sipkb_message msg;
    tvbuff_t *tvb;
} sipkb_extracted;

/* Resolves the fields sipkb reads (at hand-off) into `wanted`, the fields the first pass needs
 * primed; fields only shown are read from visible trees and not primed. */
void sipkb_extract_resolve(GArray *wanted);

/* Where a frame's field values come from: one walk over a visible tree (packet details,
 * tshark -V), else, on the first pass, the fields Wireshark primed for sipkb. NULL when there
 * is nothing to read (a later pass with a faked tree). */
#include "fields.h"

/* The SIP messages of the frame, in order, allocated in pinfo->pool. Returns how many (0 when
 * the frame carries no SIP: that check is one lookup). */
guint sipkb_extract(const sipkb_field_source *source, packet_info *pinfo,
                    sipkb_extracted **messages);

/* The parts of a message read apart: its Via values (extract-via.c) and SDP lines
 * (extract-sdp.c). */
void sipkb_extract_via_resolve(GArray *wanted);
void sipkb_extract_vias(const sipkb_field_source *source, wmem_allocator_t *pool,
                        sipkb_extracted *m);
void sipkb_extract_sdp_resolve(GArray *wanted);
void sipkb_extract_sdp(const sipkb_field_source *source, wmem_allocator_t *pool,
                       sipkb_extracted *m);

/* The DNS messages of the frame (extract-dns.c), in order, allocated in pinfo->pool; none in an
 * ICMP error, which quotes a packet. Returns how many. */
void sipkb_extract_dns_resolve(GArray *wanted);
guint sipkb_extract_dns(const sipkb_field_source *source, packet_info *pinfo,
                        sipkb_dns_message **messages);

#endif /* SIPKB_EXTRACT_H */
