/* sipkb's post-dissector: for each frame, extract its SIP messages, let the analyzer decide on
 * them (first pass) or read back what it decided (later passes), then show and count. The
 * first pass also hands the analyzer the frame's DNS messages, which get no tree.
 * Registration is in register.c; nothing here decides.
 */
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <epan/tap.h>

#include "extract.h"
#include "register.h"
#include "show.h"
#include "stats.h"
#include "store.h"

/* Expert items are listed by the expert tap (tshark -z expert, the Expert Information dialog)
 * and matched by _ws.expert filters; without either, nobody reads their texts. */
static int expert_tap_id = -1;
static int proto_expert_id = -1;

static gboolean
expert_list_wanted(proto_tree *tree)
{
    if (expert_tap_id < 0) {
        /* Both are registered after the plugins' hand-off. */
        expert_tap_id = find_tap_id("expert");
        proto_expert_id = proto_get_id_by_filter_name("_ws.expert");
    }
    return (expert_tap_id >= 0 && have_tap_listener(expert_tap_id)) ||
           (tree && proto_expert_id > 0 && proto_field_is_referenced(tree, proto_expert_id));
}

int
dissect_sipkb(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean first_pass = !PINFO_FD_VISITED(pinfo);
    const sipkb_result *const *results = NULL;
    guint n_results = first_pass ? 0 : sipkb_store_read(pinfo->num, &results);
    if (!first_pass && n_results == 0)
        return 0; /* no SIP here */
    /* The fields are read on the first pass, and on later ones where the tree shows them (for
     * the line-by-line SDP and Via explanations). */
    sipkb_field_source *source = sipkb_field_source_new(tree, pinfo);
    sipkb_extracted *extracted = NULL;
    guint n_extracted = sipkb_extract(source, pinfo, &extracted);
    if (first_pass) {
        sipkb_dns_message *dns = NULL;
        guint n_dns = sipkb_extract_dns(source, pinfo, &dns);
        if (n_dns > 0)
            sipkb_store_first_pass_dns(dns, n_dns);
        if (n_extracted == 0)
            return 0;
        n_results = sipkb_store_first_pass(extracted, n_extracted, &results);
    }
    /* Items only where someone can see them: a visible tree, or a filter, colouring rule or
     * column that names a sipkb field, or the expert list. */
    gboolean expert_list = expert_list_wanted(tree);
    gboolean detailed = tree && (proto_field_is_referenced(tree, sipkb_ids.proto) || expert_list);
    gboolean visible = sipkb_tree_is_visible(tree) && n_extracted == n_results;
    for (guint i = 0; i < n_results; i++) {
        if (detailed)
            sipkb_show(tree, pinfo, tvb, results[i], visible ? &extracted[i] : NULL);
        else
            sipkb_show_brief(pinfo, results[i], expert_list);
        /* The statistics count every message, with or without a tree (tshark -q). */
        sipkb_stats_queue(pinfo, results[i]);
    }
    return tvb_captured_length(tvb);
}
