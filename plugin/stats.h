/* Counting (glue): sipkb's tap ("sipkb") and its statistics tree (`tshark -z sipkb,tree`,
 * Statistics menu).
 *
 * The dissector queues the result of each SIP message it analysed; the tree counts responses
 * by class and code (with the KB's one-line explanation) and messages by finding.
 */
#ifndef SIPKB_STATS_H
#define SIPKB_STATS_H

#include <epan/packet.h>

#include "sipkb/analyzer.h"

/* The data of the "sipkb" tap: the analyzer's result of one SIP message (include/sipkb/analyzer.h):
 * its findings, the frames it links to, and the facts in sipkb_result.facts. */
typedef sipkb_result sipkb_tap_message;

/* At registration: registers the tap and the statistics tree. */
void sipkb_stats_register(void);

/* From the dissector, for each SIP message of the frame: queues it for the tap's listeners
 * (does nothing when there are none). */
void sipkb_stats_queue(packet_info *pinfo, const sipkb_result *result);

#endif /* SIPKB_STATS_H */
