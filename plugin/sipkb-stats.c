/* sipkb's tap and statistics tree (see sipkb-stats.h).
 *
 * The tree works in one pass (plain `tshark -z sipkb,tree`): findings that only the end of the
 * capture settles (a challenge never answered, a request never finally answered) are counted
 * as "still open" sets that later messages close, with the same links the dissector uses for
 * its sipkb.auth.unanswered and sipkb.no_final_response items.
 */
#include <wireshark.h>

#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "sipkb-kb-sources.h"
#include "sipkb-sdp.h"
#include "sipkb-stats.h"
#include "sipkb-via.h"
#include "sipkb/response.h"

#define RESPONSES_NODE "SIP responses by class and code"
#define FINDINGS_NODE "SIP messages analysed, by finding"

static int sipkb_tap = -1;

/* ---- queueing (dissector side) --------------------------------------------------------------- */

static guint32
request_flags(const sipkb_findings *f, sipkb_tap_message *m)
{
    const sipkb_transaction *txn = f->transaction;
    if (f->is_retransmission)
        return SIPKB_TAP_RETRANSMISSION;
    guint32 flags = 0;
    if (txn->expects_response)
        flags |= SIPKB_TAP_EXPECTS_RESPONSE;
    if (txn->has_credentials)
        flags |= SIPKB_TAP_CREDENTIALS;
    if (txn->has_credentials && sipkb_callerid_is_mismatch(txn->callerid))
        flags |= SIPKB_TAP_CALLERID_MISMATCH;
    if (f->answers_challenge) {
        flags |= SIPKB_TAP_ANSWERS_CHALLENGE;
        m->challenge_frame = f->answers_challenge->challenge_frame;
    }
    return flags;
}

static guint32
response_flags(const sipkb_findings *f, sipkb_tap_message *m)
{
    guint32 code = f->msg.status_code;
    guint32 flags = 0;
    if (f->challenge) {
        flags |= SIPKB_TAP_CHALLENGE;
        m->challenge_frame = f->challenge->challenge_frame;
    }
    if (f->rechallenge == SIPKB_RECHALLENGE_STALE)
        flags |= SIPKB_TAP_STALE_NONCE;
    else if (f->rechallenge == SIPKB_RECHALLENGE_REJECTED)
        flags |= SIPKB_TAP_CREDENTIALS_REJECTED;
    if (code == 487)
        flags |= f->cancel_known ? SIPKB_TAP_CANCELLED : SIPKB_TAP_CANCEL_MISSING;
    if (f->transaction && code >= 200)
        flags |= SIPKB_TAP_FINAL;
    return flags;
}

void
sipkb_stats_queue(packet_info *pinfo, const sipkb_findings *findings)
{
    const sipkb_message *msg = &findings->msg;
    if (!have_tap_listener(sipkb_tap))
        return;
    guint32 more_flags = sipkb_sdp_tap_flags(findings->sdp) | sipkb_via_tap_flags(findings->via);
    gboolean is_response = msg->is_response && msg->has_status_code;
    if (!is_response && !msg->is_request)
        return;
    sipkb_tap_message *m = wmem_new0(pinfo->pool, sipkb_tap_message);
    m->frame = pinfo->num;
    m->flags = more_flags;
    m->is_response = is_response;
    m->status_code = is_response ? msg->status_code : 0;
    m->method = is_response || !msg->method ? msg->cseq_method : msg->method;
    if (findings->transaction) {
        m->flags |= SIPKB_TAP_TRACKED;
        m->request_frame = findings->transaction->first_frame;
    }
    if (is_response)
        m->flags |= response_flags(findings, m);
    else if (findings->transaction)
        m->flags |= request_flags(findings, m);
    tap_queue_packet(sipkb_tap, pinfo, m);
}

/* ---- the statistics tree --------------------------------------------------------------------- */

/* The findings rows under FINDINGS_NODE (which counts every SIP message sipkb analysed). Rows
 * with a flag count the messages that carry it; the two "open" rows are kept by track_open. */
typedef enum { ROW_FLAG, ROW_UNANSWERED_CHALLENGES, ROW_NO_FINAL_RESPONSE } row_kind;

static const struct {
    row_kind kind;
    guint32 flag;
    const char *name;
} finding_rows[] = {
    {ROW_FLAG, SIPKB_TAP_CALLERID_MISMATCH,
     "Caller-ID mismatch: From user differs from digest username"},
    {ROW_FLAG, SIPKB_TAP_CHALLENGE, "Challenges (401/407) sent"},
    {ROW_FLAG, SIPKB_TAP_ANSWERS_CHALLENGE, "Challenges answered with credentials"},
    {ROW_UNANSWERED_CHALLENGES, 0, "Challenges never answered"},
    {ROW_FLAG, SIPKB_TAP_STALE_NONCE, "Re-challenged for a stale nonce"},
    {ROW_FLAG, SIPKB_TAP_CREDENTIALS_REJECTED,
     "Credentials rejected (re-challenged on a fresh nonce)"},
    {ROW_FLAG, SIPKB_TAP_CANCELLED, "487 caused by a CANCEL in the capture"},
    {ROW_FLAG, SIPKB_TAP_CANCEL_MISSING, "487 without a CANCEL in the capture"},
    {ROW_NO_FINAL_RESPONSE, 0, "Requests without a final response"},
    {ROW_FLAG, SIPKB_TAP_RETRANSMISSION, "Request retransmissions"},
    {ROW_FLAG, SIPKB_TAP_CODEC_MISMATCH, "Codec mismatch: answer codec not offered or none common"},
    {ROW_FLAG, SIPKB_TAP_OFFER_REFUSED, "SDP offer refused (488/606)"},
    {ROW_FLAG, SIPKB_TAP_DTMF_NOT_ANSWERED, "DTMF events offered but not answered"},
    {ROW_FLAG, SIPKB_TAP_NAT_HINT, "NAT hint: private address in SDP or Via"},
    {ROW_FLAG, SIPKB_TAP_VIA_TRANSPORT, "Via transport differs from the packet's"},
    {ROW_FLAG, SIPKB_TAP_HOLD, "Call put on hold"},
};

/* One open tree's sets: stats_tree has no user data, so they are found by tree. */
typedef struct {
    int responses_node;
    int findings_node;
    GHashTable *challenges; /* challenge frame -> GINT_TO_POINTER(answered) */
    guint unanswered_challenges;
    GHashTable *awaiting_final; /* request frames still without a final response */
} tree_state;

static GHashTable *tree_states; /* stats_tree * -> tree_state * */

static void
free_tree_state(gpointer data)
{
    tree_state *state = data;
    g_hash_table_destroy(state->challenges);
    g_hash_table_destroy(state->awaiting_final);
    g_free(state);
}

static void
stats_init(stats_tree *st)
{
    if (!tree_states)
        tree_states = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, free_tree_state);
    tree_state *state = g_new0(tree_state, 1);
    state->challenges = g_hash_table_new(g_direct_hash, g_direct_equal);
    state->awaiting_final = g_hash_table_new(g_direct_hash, g_direct_equal);
    state->responses_node = stats_tree_create_node(st, RESPONSES_NODE, 0, STAT_DT_INT, TRUE);
    state->findings_node = stats_tree_create_node(st, FINDINGS_NODE, 0, STAT_DT_INT, TRUE);
    for (gsize i = 0; i < G_N_ELEMENTS(finding_rows); i++)
        stats_tree_create_node(st, finding_rows[i].name, state->findings_node, STAT_DT_INT, FALSE);
    g_hash_table_replace(tree_states, st, state);
}

static void
stats_cleanup(stats_tree *st)
{
    if (tree_states)
        g_hash_table_remove(tree_states, st);
}

/* "4xx Request failure (client error)" and "403 Forbidden: <summary>", from the KB in use
 * (generic, provider profile and team file as the preferences choose). */
static void
count_response(stats_tree *st, const tree_state *state, guint32 code)
{
    sipkb_response_explanation ex;
    sipkb_explain_response(sipkb_kb_sources_kb(), code, &ex);
    tick_stat_node(st, RESPONSES_NODE, 0, TRUE);
    if (!ex.entry || !ex.class_entry) {
        int invalid = tick_stat_node(st, "Not a SIP status code", state->responses_node, TRUE);
        char *name = g_strdup_printf("%u", code);
        tick_stat_node(st, name, invalid, FALSE);
        g_free(name);
        return;
    }
    char *class_name = g_strdup_printf("%uxx %s", code / 100, ex.class_entry->reason);
    char *code_name = g_strdup_printf(
        "%u %s: %s", code, ex.is_class_fallback ? "(unregistered code)" : ex.entry->reason,
        ex.entry->summary);
    int class_node = tick_stat_node(st, class_name, state->responses_node, TRUE);
    tick_stat_node(st, code_name, class_node, FALSE);
    g_free(class_name);
    g_free(code_name);
}

/* Keeps the two "open" counts: challenges not yet answered, requests not yet finally answered. */
static void
track_open(tree_state *state, const sipkb_tap_message *m)
{
    gpointer challenge = GUINT_TO_POINTER(m->challenge_frame);
    if ((m->flags & SIPKB_TAP_CHALLENGE) && !g_hash_table_contains(state->challenges, challenge)) {
        g_hash_table_insert(state->challenges, challenge, GINT_TO_POINTER(FALSE));
        state->unanswered_challenges++;
    }
    if ((m->flags & SIPKB_TAP_ANSWERS_CHALLENGE) &&
        g_hash_table_lookup_extended(state->challenges, challenge, NULL, NULL) &&
        !g_hash_table_lookup(state->challenges, challenge)) {
        g_hash_table_insert(state->challenges, challenge, GINT_TO_POINTER(TRUE));
        state->unanswered_challenges--;
    }
    gpointer request = GUINT_TO_POINTER(m->request_frame);
    if (m->flags & SIPKB_TAP_EXPECTS_RESPONSE)
        g_hash_table_add(state->awaiting_final, request);
    if (m->flags & SIPKB_TAP_FINAL)
        g_hash_table_remove(state->awaiting_final, request);
}

static tap_packet_status
stats_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *data,
             tap_flags_t flags _U_)
{
    const sipkb_tap_message *m = data;
    tree_state *state = tree_states ? g_hash_table_lookup(tree_states, st) : NULL;
    if (!state)
        return TAP_PACKET_DONT_REDRAW;
    tick_stat_node(st, FINDINGS_NODE, 0, TRUE);
    if (m->is_response)
        count_response(st, state, m->status_code);
    track_open(state, m);
    for (gsize i = 0; i < G_N_ELEMENTS(finding_rows); i++) {
        const char *name = finding_rows[i].name;
        switch (finding_rows[i].kind) {
        case ROW_FLAG:
            if (m->flags & finding_rows[i].flag)
                tick_stat_node(st, name, state->findings_node, FALSE);
            break;
        case ROW_UNANSWERED_CHALLENGES:
            set_stat_node(st, name, state->findings_node, FALSE,
                          (gint)state->unanswered_challenges);
            break;
        case ROW_NO_FINAL_RESPONSE:
            set_stat_node(st, name, state->findings_node, FALSE,
                          (gint)g_hash_table_size(state->awaiting_final));
            break;
        }
    }
    return TAP_PACKET_REDRAW;
}

void
sipkb_stats_register(void)
{
    sipkb_tap = register_tap("sipkb");
    stats_tree_register_plugin("sipkb", "sipkb", "SIP knowledge base (sipkb)", 0, stats_packet,
                               stats_init, stats_cleanup);
}
