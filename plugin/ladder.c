/* sipkb's ladder (see ladder.h): Wireshark's sequence analysis items and the text report, both
 * from the "sipkb" tap, which carries the analyzer's result of each SIP message. The words are
 * the core's. */
#include <wireshark.h>

#include <stdio.h>
#include <stdlib.h>

#include <epan/packet.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>
#include <epan/to_str.h>

#include "kb-sources.h"
#include "ladder.h"
#include "register.h"
#include "sipkb/analyzer.h"
#include "ws-compat.h"

/* The label and comment of a result's arrow (GLib strings), or FALSE: no arrow. */
static gboolean
ladder_words(const sipkb_result *result, char **label, char **comment)
{
    GString *label_text = g_string_new(NULL);
    GString *comment_text = g_string_new(NULL);
    gboolean drawn = sipkb_result_ladder(sipkb_ids.findings, sipkb_kb_sources_kb(), result,
                                         label_text, comment_text);
    *label = g_string_free(label_text, !drawn);
    *comment = g_string_free(comment_text, !drawn);
    return drawn;
}

/* ---- the text report: tshark -q -z sipkb,ladder[,FILTER] ------------------------------------ */

#define REPORT_ARG "sipkb,ladder"

/* address:port, the address in brackets when it is IPv6 (RFC 3986 section 3.2.2). */
static char *
endpoint(packet_info *pinfo, const address *addr, guint32 port)
{
    char *text = address_to_str(pinfo->pool, addr);
    const char *format = addr->type == AT_IPv6 ? "[%s]:%u" : "%s:%u";
    return wmem_strdup_printf(pinfo->pool, format, text, port);
}

/* One line per arrow, kept until the report is printed. */
static tap_packet_status
report_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    GPtrArray *lines = tapdata;
    char *label, *comment;
    if (!ladder_words(data, &label, &comment))
        return TAP_PACKET_DONT_REDRAW;
    g_ptr_array_add(lines, g_strdup_printf("%6u %12.6f  %s -> %s  %s  |  %s", pinfo->num,
                                           nstime_to_sec(&pinfo->rel_ts),
                                           endpoint(pinfo, &pinfo->net_src, pinfo->srcport),
                                           endpoint(pinfo, &pinfo->net_dst, pinfo->destport), label,
                                           comment));
    g_free(label);
    g_free(comment);
    return TAP_PACKET_REDRAW;
}

static void
report_draw(void *tapdata)
{
    GPtrArray *lines = tapdata;
    printf("\n====================================================================\n");
    printf("SIP with sipkb verdicts: one line per SIP message\n");
    printf(" Frame         Time  Source -> Destination  Label  |  Method or code - finding\n");
    printf("--------------------------------------------------------------------\n");
    for (guint i = 0; i < lines->len; i++)
        printf("%s\n", (const char *)g_ptr_array_index(lines, i));
    printf("====================================================================\n");
}

static void
report_finish(void *tapdata)
{
    g_ptr_array_free(tapdata, TRUE);
}

static SIPKB_STAT_TAP_INIT_RESULT
report_init(const char *opt_arg, void *userdata _U_)
{
    const char *filter = NULL;
    if (strncmp(opt_arg, REPORT_ARG ",", strlen(REPORT_ARG ",")) == 0)
        filter = opt_arg + strlen(REPORT_ARG ",");
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    GString *error = register_tap_listener("sipkb", lines, filter, TL_REQUIRES_NOTHING, NULL,
                                           report_packet, report_draw, report_finish);
    if (!error)
        SIPKB_STAT_TAP_INIT_RETURN(TRUE);
    fprintf(stderr, "tshark: -z %s: %s\n", REPORT_ARG, error->str);
    g_string_free(error, TRUE);
    g_ptr_array_free(lines, TRUE);
    SIPKB_STAT_TAP_INIT_FAIL();
}

#if defined(SIPKB_WITH_LADDER)
/* ---- the Flow Graph ------------------------------------------------------------------------- */

/* One SIP message of the tap: an arrow from its source to its destination. The items and their
 * strings are freed by Wireshark's sequence_analysis_list_free() with g_free(), so they are
 * allocated with GLib. */
static tap_packet_status
ladder_packet(void *tapdata, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
              tap_flags_t flags _U_)
{
    seq_analysis_info_t *sainfo = tapdata;
    char *label, *comment;
    if (!ladder_words(data, &label, &comment))
        return TAP_PACKET_DONT_REDRAW;
    seq_analysis_item_t *sai = sequence_analysis_create_sai_with_addresses(pinfo, sainfo);
    if (!sai) {
        g_free(label);
        g_free(comment);
        return TAP_PACKET_DONT_REDRAW;
    }
    sai->frame_number = pinfo->num;
    sai->port_src = (guint16)pinfo->srcport;
    sai->port_dst = (guint16)pinfo->destport;
    sai->frame_label = label;
    sai->comment = comment;
    sequence_analysis_use_color_filter(pinfo, sai);
    sai->line_style = 1;
    sai->conv_num = 0;
    sai->display = TRUE;
    g_queue_push_tail(sainfo->items, sai);
    return TAP_PACKET_REDRAW;
}
#endif /* SIPKB_WITH_LADDER */

void
sipkb_ladder_register(int proto_sipkb _U_)
{
    /* No title: a command-line report, as Wireshark's own "flow," ones. */
    static stat_tap_ui report = {.group = REGISTER_STAT_GROUP_GENERIC,
                                 .title = NULL,
                                 .cli_string = REPORT_ARG,
                                 .tap_init_cb = report_init,
                                 .nparams = 0,
                                 .params = NULL};
    register_stat_tap_ui(&report, NULL);
#if defined(SIPKB_WITH_LADDER)
    register_seq_analysis("sipkb", "SIP with sipkb verdicts", proto_sipkb, "sipkb",
                          TL_REQUIRES_NOTHING, ladder_packet);
#endif
}
