/* sipkb's tap and statistics tree (see stats.h).
 *
 * The tree works in one pass (plain `tshark -z sipkb,tree`): findings that only the end of the
 * capture settles (a challenge never answered, a request never finally answered) are counted
 * as "still open" sets that later messages close, with the same links the dissector uses for
 * its sipkb.auth.unanswered and sipkb.transaction.no_final_response items.
 */
#include <wireshark.h>

#include <string.h>

#include <epan/packet.h>
#include <epan/proto_data.h>
#include <epan/stats_tree.h>
#include <epan/tap.h>

#include "kb-sources.h"
#include "register.h"
#include "sipkb/response.h"
#include "stats.h"
#include "store.h"
#include "ws-compat.h"

#define RESPONSES_NODE "SIP responses by class and code"
#define FINDINGS_NODE "SIP messages analysed, by finding"

static int sipkb_tap = -1;

/* ---- queueing (dissector side) --------------------------------------------------------------- */

/* Per-packet data of sipkb's protocol: the frame was dissected on a later pass, when the
 * whole-capture findings are known (pinfo's "visited" flag is set by the time taps run). */
#define SETTLED_KEY 0

void
sipkb_stats_queue(packet_info *pinfo, const sipkb_result *result)
{
    if (!have_tap_listener(sipkb_tap) || result->kind == SIPKB_MESSAGE_OTHER)
        return;
    if (sipkb_store_settled())
        p_add_proto_data(pinfo->pool, pinfo, sipkb_ids.proto, SETTLED_KEY, GINT_TO_POINTER(1));
    tap_queue_packet(sipkb_tap, pinfo, result);
}

/* ---- the statistics tree --------------------------------------------------------------------- */

/* The findings rows under FINDINGS_NODE (which counts every SIP message sipkb analysed), by
 * topic. Rows with findings count the messages that carry one of them. The two "open" rows
 * count the whole-capture findings where they are known (a later pass: the GUI's Statistics
 * dialog, tshark -2); in one pass they are kept by track_open. */
typedef enum { ROW_FINDINGS, ROW_UNANSWERED_CHALLENGES, ROW_NO_FINAL_RESPONSE } row_kind;

#define NO_FINDING SIPKB_N_FINDINGS

/* Topics the findings rows are grouped by, each a node under FINDINGS_NODE. */
#define TOPIC_AUTH "Authentication"
#define TOPIC_CALLERID "Caller-ID"
#define TOPIC_CANCEL "CANCEL and 487"
#define TOPIC_TRANSACTIONS "Transactions"
#define TOPIC_MEDIA "Offer/answer (SDP)"
#define TOPIC_VIA "Via and NAT"

static const struct {
    const char *topic;
    row_kind kind;
    sipkb_finding findings[2];
    guint8 fact; /* or a fact of the result */
    const char *name;
} finding_rows[] = {
    {TOPIC_CALLERID,
     ROW_FINDINGS,
     {SIPKB_F_CALLERID_MISMATCH, NO_FINDING},
     0,
     "Caller-ID mismatch: From user differs from digest username"},
    {TOPIC_AUTH,
     ROW_FINDINGS,
     {NO_FINDING, NO_FINDING},
     SIPKB_FACT_CHALLENGE,
     "Challenges (401/407) sent"},
    {TOPIC_AUTH,
     ROW_FINDINGS,
     {SIPKB_F_AUTH_CHALLENGE_FRAME, NO_FINDING},
     0,
     "Challenges answered with credentials"},
    {TOPIC_AUTH,
     ROW_UNANSWERED_CHALLENGES,
     {SIPKB_F_AUTH_UNANSWERED, NO_FINDING},
     0,
     "Challenges never answered"},
    {TOPIC_AUTH,
     ROW_FINDINGS,
     {SIPKB_F_AUTH_STALE, NO_FINDING},
     0,
     "Re-challenged for a stale nonce"},
    {TOPIC_AUTH,
     ROW_FINDINGS,
     {SIPKB_F_AUTH_REJECTED, NO_FINDING},
     0,
     "Credentials rejected (re-challenged on a fresh nonce)"},
    {TOPIC_CANCEL,
     ROW_FINDINGS,
     {SIPKB_F_CANCEL_FRAME, NO_FINDING},
     0,
     "487 caused by a CANCEL in the capture"},
    {TOPIC_CANCEL,
     ROW_FINDINGS,
     {SIPKB_F_CANCEL_MISSING, NO_FINDING},
     0,
     "487 without a CANCEL in the capture"},
    {TOPIC_TRANSACTIONS,
     ROW_NO_FINAL_RESPONSE,
     {SIPKB_F_TRANSACTION_NO_FINAL_RESPONSE, NO_FINDING},
     0,
     "Requests without a final response"},
    {TOPIC_TRANSACTIONS,
     ROW_FINDINGS,
     {SIPKB_F_TRANSACTION_RETRANSMISSION_OF, NO_FINDING},
     0,
     "Request retransmissions"},
    {TOPIC_TRANSACTIONS,
     ROW_FINDINGS,
     {SIPKB_F_RESPONSE_RELAYED_FROM, NO_FINDING},
     0,
     "Responses relayed by a proxy (counted by code at their downstream copy)"},
    {TOPIC_MEDIA,
     ROW_FINDINGS,
     {SIPKB_F_SDP_NOT_OFFERED, SIPKB_F_SDP_NO_COMMON_CODEC},
     0,
     "Codec mismatch: answer codec not offered or none common"},
    {TOPIC_MEDIA,
     ROW_FINDINGS,
     {SIPKB_F_SDP_REFUSED, NO_FINDING},
     0,
     "SDP offer refused (488/606)"},
    {TOPIC_MEDIA,
     ROW_FINDINGS,
     {SIPKB_F_SDP_DTMF_NOT_ANSWERED, NO_FINDING},
     0,
     "DTMF events offered but not answered"},
    {TOPIC_MEDIA, ROW_FINDINGS, {SIPKB_F_SDP_HOLD, NO_FINDING}, 0, "Call put on hold"},
    {TOPIC_VIA,
     ROW_FINDINGS,
     {SIPKB_F_SDP_NAT, SIPKB_F_VIA_NAT},
     0,
     "NAT hint: private address in SDP or Via"},
    {TOPIC_VIA,
     ROW_FINDINGS,
     {SIPKB_F_VIA_TRANSPORT_MISMATCH, NO_FINDING},
     0,
     "Via transport differs from the packet's"},
    /* Every request that shows it: the Note is said on a sender's first one only. */
    {TOPIC_VIA,
     ROW_FINDINGS,
     {SIPKB_F_VIA_NO_BRANCH, SIPKB_F_VIA_NO_BRANCH_FIRST_FRAME},
     0,
     "Requests whose top Via has no branch (RFC 2543 style)"},
};

/* Whether a message counts in a row: by a fact, or by one of its findings; `settled`: the
 * capture was read whole before (a later pass), so its whole-capture findings are known. */
static gboolean
row_counts(gsize row, const sipkb_result *result, gboolean settled)
{
    /* A response a proxy relayed was counted by its downstream copy (a challenge sent once). */
    if (finding_rows[row].fact)
        return (result->facts & finding_rows[row].fact) && !(result->facts & SIPKB_FACT_RELAYED);
    guint n_items = settled ? sipkb_result_n_all(result) : result->n_items;
    for (gsize i = 0; i < G_N_ELEMENTS(finding_rows[row].findings); i++) {
        sipkb_finding finding = finding_rows[row].findings[i];
        for (guint k = 0; finding != NO_FINDING && k < n_items; k++) {
            if (sipkb_result_item(result, k)->finding == finding)
                return TRUE;
        }
    }
    return FALSE;
}

/* One open tree's sets: stats_tree has no user data, so they are found by tree. */
typedef struct {
    int responses_node;
    int findings_node;
    GHashTable *challenges; /* challenge frame -> GINT_TO_POINTER(answered) */
    guint unanswered_challenges;
    GHashTable *awaiting_final; /* request frames still without a final response */
    gboolean open_row_shown[G_N_ELEMENTS(finding_rows)];
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
    /* The tree sorts by name (sipkb_stats_register): the responses first all the same. */
    stat_node_set_flags(st, RESPONSES_NODE, 0, FALSE, ST_FLG_SORT_TOP);
    /* Topics and their rows appear with their first message: a tree of zeros says nothing. */
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
    /* As the analyzer's whole-capture rule: a challenge whose request is in the capture, and
     * which is no rejection of credentials (the client is right not to retry those). */
    gboolean may_stay_open = sipkb_result_find(m, SIPKB_F_AUTH_REQUEST_FRAME) &&
                             !sipkb_result_find(m, SIPKB_F_AUTH_REJECTED);
    /* A challenge a proxy relayed stays open as the copy the client got, not twice. */
    const sipkb_item *relayed_from = sipkb_result_find(m, SIPKB_F_RESPONSE_RELAYED_FROM);
    gpointer downstream = relayed_from ? GUINT_TO_POINTER(relayed_from->value.number) : NULL;
    if ((m->facts & SIPKB_FACT_CHALLENGE) && downstream &&
        g_hash_table_lookup_extended(state->challenges, downstream, NULL, NULL) &&
        !g_hash_table_lookup(state->challenges, downstream)) {
        g_hash_table_insert(state->challenges, downstream, GINT_TO_POINTER(TRUE));
        state->unanswered_challenges--;
    }
    if ((m->facts & SIPKB_FACT_CHALLENGE) && may_stay_open &&
        !g_hash_table_contains(state->challenges, challenge)) {
        g_hash_table_insert(state->challenges, challenge, GINT_TO_POINTER(FALSE));
        state->unanswered_challenges++;
    }
    if (m->kind == SIPKB_MESSAGE_REQUEST && m->challenge_frame &&
        g_hash_table_lookup_extended(state->challenges, challenge, NULL, NULL) &&
        !g_hash_table_lookup(state->challenges, challenge)) {
        g_hash_table_insert(state->challenges, challenge, GINT_TO_POINTER(TRUE));
        state->unanswered_challenges--;
    }
    gpointer request = GUINT_TO_POINTER(m->request_frame);
    if (m->facts & SIPKB_FACT_EXPECTS_FINAL)
        g_hash_table_add(state->awaiting_final, request);
    if (m->facts & SIPKB_FACT_FINAL)
        g_hash_table_remove(state->awaiting_final, request);
}

/* The node of a row's topic under FINDINGS_NODE, made with its first row; it counts the
 * messages that carry a finding of the topic. */
static int
topic_node(stats_tree *st, const tree_state *state, gsize row)
{
    return increase_stat_node(st, finding_rows[row].topic, state->findings_node, TRUE, 0);
}

/* An open row once it has counted something; it stays, with its current count (a stats tree
 * cannot drop a node: a row whose open items were all closed later shows 0). */
static void
set_open_row(stats_tree *st, tree_state *state, gsize row, guint count)
{
    if (count == 0 && !state->open_row_shown[row])
        return;
    state->open_row_shown[row] = TRUE;
    set_stat_node(st, finding_rows[row].name, topic_node(st, state, row), FALSE, (gint)count);
}

static tap_packet_status
stats_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *data,
             tap_flags_t flags _U_)
{
    const sipkb_tap_message *m = data;
    tree_state *state = tree_states ? g_hash_table_lookup(tree_states, st) : NULL;
    if (!state)
        return TAP_PACKET_DONT_REDRAW;
    gboolean settled = p_get_proto_data(pinfo->pool, pinfo, sipkb_ids.proto, SETTLED_KEY) != NULL;
    tick_stat_node(st, FINDINGS_NODE, 0, TRUE);
    /* A response a proxy relayed is the one its downstream copy counted already (RFC 3261
     * section 16.7): each failure counts once; the relays have their row. */
    if (m->kind == SIPKB_MESSAGE_RESPONSE && !(m->facts & SIPKB_FACT_RELAYED))
        count_response(st, state, m->status_code);
    track_open(state, m);
    const char *topics_ticked[G_N_ELEMENTS(finding_rows)];
    guint n_topics_ticked = 0;
    for (gsize i = 0; i < G_N_ELEMENTS(finding_rows); i++) {
        const char *topic = finding_rows[i].topic;
        if (finding_rows[i].kind == ROW_UNANSWERED_CHALLENGES && !settled) {
            set_open_row(st, state, i, state->unanswered_challenges);
            continue;
        }
        if (finding_rows[i].kind == ROW_NO_FINAL_RESPONSE && !settled) {
            set_open_row(st, state, i, g_hash_table_size(state->awaiting_final));
            continue;
        }
        if (!row_counts(i, m, settled))
            continue;
        /* The topic counts the message once, whatever number of its rows count it. */
        gboolean ticked = FALSE;
        for (guint t = 0; t < n_topics_ticked; t++)
            ticked = ticked || strcmp(topics_ticked[t], topic) == 0;
        if (!ticked) {
            tick_stat_node(st, topic, state->findings_node, TRUE);
            topics_ticked[n_topics_ticked++] = topic;
        }
        tick_stat_node(st, finding_rows[i].name, topic_node(st, state, i), FALSE);
    }
    return TAP_PACKET_REDRAW;
}

void
sipkb_stats_register(void)
{
    sipkb_tap = register_tap("sipkb");
    /* Under Telephony, beside Wireshark's own SIP statistics; sorted by name, so codes come
     * in numeric order (401 before 403) and topics and rows alphabetically, whatever they
     * count. */
    sipkb_stats_tree_register_telephony("sipkb", "sipkb", "SIP knowledge base (sipkb)",
                                        ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT, stats_packet,
                                        stats_init, stats_cleanup);
}
