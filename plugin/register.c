/* Registration (see register.h): every field and expert item comes from the findings table. */
#include <wireshark.h>

#include "register.h"

#include "sipkb/response.h"

#include <epan/prefs.h>
#include <wsutil/wslog.h>

#include "extract.h"
#include "kb-data.h"
#include "kb-sources.h"
#include "ladder.h"
#include "stats.h"
#include "store.h"
#include "version.h"
#include "ws-compat.h"

sipkb_registered sipkb_ids;

static dissector_handle_t sipkb_handle;

static enum ftenum
field_type(sipkb_value_type type)
{
    switch (type) {
    case SIPKB_VALUE_FLAG:
        return FT_BOOLEAN;
    case SIPKB_VALUE_FRAME:
        return FT_FRAMENUM;
    case SIPKB_VALUE_NUMBER:
        return FT_UINT32;
    case SIPKB_VALUE_TEXT:
        return FT_STRING;
    case SIPKB_VALUE_DURATION:
        return FT_RELATIVE_TIME;
    case SIPKB_VALUE_TIME:
        return FT_ABSOLUTE_TIME;
    case SIPKB_VALUE_NONE:
        break;
    }
    return FT_NONE;
}

static const void *
frame_link(sipkb_link link)
{
    switch (link) {
    case SIPKB_LINK_REQUEST:
        return FRAMENUM_TYPE(FT_FRAMENUM_REQUEST);
    case SIPKB_LINK_RESPONSE:
        return FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE);
    case SIPKB_LINK_RETRANSMISSION_OF:
        return FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV);
    case SIPKB_LINK_NONE:
        break;
    }
    return NULL;
}

static int
display_of(enum ftenum type)
{
    switch (type) {
    case FT_UINT32:
        return BASE_DEC;
    case FT_ABSOLUTE_TIME:
        return ABSOLUTE_TIME_UTC;
    default:
        return BASE_NONE;
    }
}

static const int expert_groups[] = {
    [SIPKB_GROUP_RESPONSE] = PI_RESPONSE_CODE,
    [SIPKB_GROUP_SEQUENCE] = PI_SEQUENCE,
    [SIPKB_GROUP_PROTOCOL] = PI_PROTOCOL,
    [SIPKB_GROUP_MALFORMED] = PI_MALFORMED,
};

static const int expert_severities[] = {
    [SIPKB_SEVERITY_NONE] = 0,         [SIPKB_SEVERITY_CHAT] = PI_CHAT,
    [SIPKB_SEVERITY_NOTE] = PI_NOTE,   [SIPKB_SEVERITY_WARN] = PI_WARN,
    [SIPKB_SEVERITY_ERROR] = PI_ERROR,
};

/* A finding has a field when it holds a value or opens a subtree; an expert item when the
 * table gives it a severity. */
static void
register_findings(int proto, const sipkb_findings_table *table)
{
    hf_register_info *hf = g_new0(hf_register_info, SIPKB_N_FINDINGS);
    ei_register_info *ei = g_new0(ei_register_info, SIPKB_N_FINDINGS);
    /* Two subtree types per finding: closed when what it holds is normal, open otherwise. */
    gint **ett = g_new0(gint *, 2 * SIPKB_N_FINDINGS);
    guint n_hf = 0, n_ei = 0;
    for (guint id = 0; id < SIPKB_N_FINDINGS; id++) {
        const sipkb_finding_def *def = sipkb_findings_def(table, (sipkb_finding)id);
        sipkb_ids.hf[id] = -1;
        sipkb_ids.ett[id] = -1;
        sipkb_ids.ett_open[id] = -1;
        ett[2 * id] = &sipkb_ids.ett[id];
        ett[2 * id + 1] = &sipkb_ids.ett_open[id];
        if (sipkb_finding_has_field(def) || def->severity != SIPKB_SEVERITY_NONE) {
            enum ftenum type = field_type(def->type);
            hf[n_hf].p_id = &sipkb_ids.hf[id];
            hf[n_hf].hfinfo = (header_field_info){
                def->label, def->field,       type, display_of(type), frame_link(def->link),
                0x0,        def->description, HFILL};
            n_hf++;
        }
        if (def->severity == SIPKB_SEVERITY_NONE)
            continue;
        sipkb_ids.has_ei[id] = TRUE;
        sipkb_ids.ei[id] = (expert_field)EI_INIT;
        ei[n_ei].ids = &sipkb_ids.ei[id];
        ei[n_ei].eiinfo =
            (expert_field_info){def->expert_field, expert_groups[def->group],
                                expert_severities[def->severity], def->summary, EXPFILL};
        n_ei++;
    }
    proto_register_field_array(proto, hf, (int)n_hf);
    proto_register_subtree_array(ett, 2 * SIPKB_N_FINDINGS);
    expert_register_field_array(expert_register_protocol(proto), ei, (int)n_ei);
}

/* Expert Information groups a protocol's items by the expert info they were added with and
 * titles each group with that info's registered summary, fixed like its severity. So a response
 * gets an expert info of its own code and kind, "sipkb.response.failure.403" ("403 Forbidden"),
 * for each code of the built-in KB; a code the KB does not list gets its kind's
 * ("sipkb.response.failure.expert", "Request failed"). */
static GHashTable *response_experts; /* response_key(finding, code) -> expert_field * */

static gpointer
response_key(sipkb_finding finding, guint32 code)
{
    return GUINT_TO_POINTER(finding * 1000 + code);
}

static void
register_response_experts(int proto, const sipkb_findings_table *table, const sipkb_kb *kb)
{
    response_experts = g_hash_table_new(g_direct_hash, g_direct_equal);
    GArray *ei = g_array_new(FALSE, TRUE, sizeof(ei_register_info));
    GArray *codes = sipkb_kb_codes(kb);
    for (guint c = 0; c < codes->len; c++) {
        guint32 code = g_array_index(codes, guint, c);
        const sipkb_response_entry *entry = sipkb_kb_response(kb, code, NULL);
        sipkb_finding findings[2];
        guint n = sipkb_response_findings_of(code, findings);
        for (guint i = 0; i < n; i++) {
            const sipkb_finding_def *def = sipkb_findings_def(table, findings[i]);
            expert_field *id = g_new(expert_field, 1);
            *id = (expert_field)EI_INIT;
            /* The title holds for every request and situation: the code and its reason
             * phrase, and what a challenge or a 487 after CANCEL is. The items under it carry
             * their own specific texts. */
            gboolean kind_says =
                def->id == SIPKB_F_RESPONSE_CHALLENGE || def->id == SIPKB_F_RESPONSE_CANCELLED;
            char *title = kind_says
                              ? g_strdup_printf("%u %s: %s", code, entry->reason, def->summary)
                              : g_strdup_printf("%u %s", code, entry->reason);
            ei_register_info info = {id,
                                     {g_strdup_printf("%s.%u", def->field, code),
                                      expert_groups[def->group], expert_severities[def->severity],
                                      title, EXPFILL}};
            g_array_append_val(ei, info);
            g_hash_table_insert(response_experts, response_key(def->id, code), id);
        }
    }
    g_array_free(codes, TRUE);
    /* Wireshark keeps the array. */
    expert_register_field_array(expert_register_protocol(proto),
                                (ei_register_info *)(void *)ei->data, (int)ei->len);
    g_array_free(ei, FALSE);
}

expert_field *
sipkb_response_expert(sipkb_finding finding, guint32 code)
{
    expert_field *id = g_hash_table_lookup(response_experts, response_key(finding, code));
    return id ? id : &sipkb_ids.ei[finding];
}

static const sipkb_findings_table *
load_findings_table(void)
{
    GError *error = NULL;
    sipkb_findings_table *table = sipkb_findings_table_new(
        sipkb_kb_findings_text, sipkb_kb_findings_length, "findings.kb", &error);
    if (!table)
        ws_error("sipkb: the built-in findings table is broken: %s", error->message);
    return table;
}

void
proto_register_sipkb(void)
{
    static gint *ett[] = {&sipkb_ids.ett_sipkb,    &sipkb_ids.ett_sipkb_failure,
                          &sipkb_ids.ett_causes,   &sipkb_ids.ett_advice,
                          &sipkb_ids.ett_about,    &sipkb_ids.ett_sources,
                          &sipkb_ids.ett_continued};
    for (gsize i = 0; i < G_N_ELEMENTS(ett); i++)
        *ett[i] = -1;
    sipkb_ids.findings = load_findings_table();
    sipkb_ids.proto = proto_register_protocol("SIP knowledge base", "sipkb", "sipkb");
    register_findings(sipkb_ids.proto, sipkb_ids.findings);
    proto_register_subtree_array(ett, array_length(ett));

    module_t *prefs = prefs_register_protocol(sipkb_ids.proto, sipkb_kb_sources_apply);
    prefs_register_bool_preference(prefs, "info_column", "Summary in the Info column",
                                   "Append sipkb's one-line explanation of each SIP response "
                                   "to the Info column",
                                   &sipkb_ids.info_column);
    sipkb_kb_sources_register(prefs);
    register_response_experts(sipkb_ids.proto, sipkb_ids.findings, sipkb_kb_sources_kb());
    sipkb_version_register(sipkb_ids.proto);
    sipkb_stats_register();
    sipkb_ladder_register(sipkb_ids.proto);
    sipkb_store_register(sipkb_ids.findings);
    sipkb_handle = create_dissector_handle(dissect_sipkb, sipkb_ids.proto);
    register_postdissector(sipkb_handle);
}

/* Failures open in the packet details. Wireshark allocates its expansion table after every
 * registration and hand-off, so this runs when a capture is opened. */
static void
expand_failures(void)
{
    /* Once the sipkb item is open, what happened and what to do are open too, and so is the
     * rest of a text too long for one line; a success's sipkb item itself stays closed
     * (ett_sipkb), as do the findings' subtrees that hold only what is normal (ett). */
    gint open_by_default[] = {sipkb_ids.ett_sipkb_failure, sipkb_ids.ett_causes,
                              sipkb_ids.ett_advice, sipkb_ids.ett_continued};
    for (gsize i = 0; i < G_N_ELEMENTS(open_by_default); i++)
        tree_expanded_set(open_by_default[i], TRUE);
    for (guint id = 0; id < SIPKB_N_FINDINGS; id++)
        tree_expanded_set(sipkb_ids.ett_open[id], TRUE);
}

/* The SIP, SDP and DNS fields the first pass reads, resolved at hand-off. */
static GArray *wanted_fields;

/* Wireshark builds every field a post-dissector wants on every packet that has it, whether
 * the post-dissector is enabled or not. So the fields are handed over when a capture is
 * opened (or dissected again after Enabled Protocols changed), and only while sipkb is
 * enabled, as TRANSUM does (plugins/epan/transum). */
static void
hand_over_wanted_fields(void)
{
    if (!proto_is_protocol_enabled(find_protocol_by_id(sipkb_ids.proto))) {
        set_postdissector_wanted_hfids(sipkb_handle, NULL);
        return;
    }
    GArray *copy = g_array_sized_new(FALSE, FALSE, sizeof(int), wanted_fields->len);
    g_array_append_vals(copy, wanted_fields->data, wanted_fields->len);
    set_postdissector_wanted_hfids(sipkb_handle, copy);
}

void
proto_reg_handoff_sipkb(void)
{
    register_init_routine(expand_failures);
    register_init_routine(hand_over_wanted_fields);
    register_init_routine(sipkb_store_init);
    register_cleanup_routine(sipkb_store_cleanup);
    wanted_fields = g_array_new(FALSE, FALSE, sizeof(int));
    sipkb_extract_resolve(wanted_fields);
}
