/* Registration (glue): sipkb's protocol, and one field, subtree and expert item per finding of
 * the findings table, made in one loop; the preferences; the hand-off that asks Wireshark for
 * the SIP and SDP fields.
 */
#ifndef SIPKB_REGISTER_H
#define SIPKB_REGISTER_H

#include <epan/expert.h>
#include <epan/packet.h>

#include "sipkb/findings.h"
#include "ws-compat.h"

/* Called from the plugin entry point (plugin.c). */
void proto_register_sipkb(void);
void proto_reg_handoff_sipkb(void);

/* What registration made, for showing results. */
typedef struct {
    int proto;
    const sipkb_findings_table *findings;
    int hf[SIPKB_N_FINDINGS];        /* -1 where a finding has no field */
    gint ett[SIPKB_N_FINDINGS];      /* the subtree of each finding's item, closed */
    gint ett_open[SIPKB_N_FINDINGS]; /* ... open: it holds a problem (sipkb_result_item_opens) */
    expert_field ei[SIPKB_N_FINDINGS];
    gboolean has_ei[SIPKB_N_FINDINGS];
    gint ett_sipkb, ett_sipkb_failure, ett_causes, ett_advice, ett_about, ett_sources;
    gint ett_continued;          /* the further lines of a text too long for one */
    sipkb_pref_bool info_column; /* preference: the summary in the Info column */
} sipkb_registered;

extern sipkb_registered sipkb_ids;

/* The expert info of a response's kind (`finding`: response.progress ... response.invalid)
 * for its code: the code's own, or the kind's when the KB does not list the code. */
expert_field *sipkb_response_expert(sipkb_finding finding, guint32 code);

/* The post-dissector itself (packet-sipkb.c). */
int dissect_sipkb(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data);

#endif /* SIPKB_REGISTER_H */
