/* sipkb's ladder (see ladder.h): fills Wireshark's sequence analysis items from the "sipkb"
 * tap, which carries the analyzer's result of each SIP message. The words are the core's. */
#include <wireshark.h>

#include <epan/packet.h>
#include <epan/tap.h>

#include "kb-sources.h"
#include "ladder.h"
#include "register.h"
#include "sipkb/analyzer.h"
#include "ws-compat.h"

/* One SIP message of the tap: an arrow from its source to its destination. The items and their
 * strings are freed by Wireshark's sequence_analysis_list_free() with g_free(), so they are
 * allocated with GLib. */
static tap_packet_status
ladder_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = tapdata;
    const sipkb_result *result = data;
    GString *label = g_string_new(NULL);
    GString *comment = g_string_new(NULL);
    if (!sipkb_result_ladder(sipkb_ids.findings, sipkb_kb_sources_kb(), result, label, comment)) {
        g_string_free(label, TRUE);
        g_string_free(comment, TRUE);
        return TAP_PACKET_DONT_REDRAW;
    }
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai) {
        g_string_free(label, TRUE);
        g_string_free(comment, TRUE);
        return TAP_PACKET_DONT_REDRAW;
    }
    sai->frame_number = pinfo->num;
    sai->port_src = (guint16)pinfo->srcport;
    sai->port_dst = (guint16)pinfo->destport;
    sai->frame_label = g_string_free(label, FALSE);
    sai->comment = g_string_free(comment, FALSE);
    sequence_analysis_use_color_filter(pinfo, sai);
    sai->line_style = 1;
    sai->conv_num = 0;
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}

void
sipkb_ladder_register(int proto_sipkb)
{
    register_seq_analysis("sipkb", "SIP with sipkb verdicts", proto_sipkb, "sipkb",
                          TL_REQUIRES_NOTHING, ladder_packet);
}
