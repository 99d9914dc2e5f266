/* Transactions: which request a response answers, which request is a retransmission, which
 * CANCEL ended an INVITE, which requests never got a final response, which final responses
 * were never ACKed, and which requests came outside any dialog.
 *
 * A transaction is its Call-ID, CSeq number and method and top Via branch (RFC 3261 section
 * 17.2.3), so the two legs of a proxied request, which carry different branches, stay apart; a
 * request across every leg is a request group. A top Via without the z9hG4bK cookie (no branch
 * at all, an RFC 2543 client) keys the transaction on the rest that section 17.2.3 compares
 * instead: Request-URI, To and From tags and the top Via itself.
 */
#include "analyzer-internal.h"
#include "sipkb/text.h"
#include "sipkb/via.h"

#include <string.h>

typedef struct {
    const request_group *group;
    const char *key; /* interned: request_key() */
} transaction_key;

static guint
group_hash(gconstpointer key)
{
    const request_group *g = key;
    return g_direct_hash(g->call_id) ^ g_direct_hash(g->method) ^ (g->cseq * 2654435761u);
}

static gboolean
group_equal(gconstpointer a, gconstpointer b)
{
    const request_group *x = a, *y = b;
    return x->call_id == y->call_id && x->method == y->method && x->cseq == y->cseq;
}

static guint
transaction_hash(gconstpointer key)
{
    const transaction_key *k = key;
    return g_direct_hash(k->group) ^ g_direct_hash(k->key);
}

static gboolean
transaction_equal(gconstpointer a, gconstpointer b)
{
    const transaction_key *x = a, *y = b;
    return x->group == y->group && x->key == y->key;
}

void
transactions_init(sipkb_analyzer *analyzer)
{
    analyzer->groups = g_hash_table_new(group_hash, group_equal);
    analyzer->transactions = g_hash_table_new(transaction_hash, transaction_equal);
}

/* The group of (Call-ID, CSeq number, method); added when `add`. */
static request_group *
find_group(sipkb_analyzer *analyzer, const char *call_id, guint32 cseq, const char *method,
           gboolean add)
{
    request_group probe = {
        analyzer_keep(analyzer, call_id), analyzer_keep(analyzer, method), cseq, 0, 0, 0, NULL};
    request_group *group = g_hash_table_lookup(analyzer->groups, &probe);
    if (!group && add) {
        group = analyzer_alloc(analyzer, sizeof(request_group));
        *group = probe;
        g_hash_table_add(analyzer->groups, group);
    }
    return group;
}

/* The branch of the message's top Via when it carries the RFC 3261 magic cookie, else NULL. */
static const char *
cookie_branch(const sipkb_message *msg)
{
    const char *branch = msg->n_vias > 0 ? msg->vias[0].branch : NULL;
    return sipkb_via_branch_is_rfc3261(branch) ? branch : NULL;
}

/* The top Via as RFC 2543 matching compares it (transport, sent-by, branch), interned. A
 * response carries its request's top Via as it was (RFC 3261 section 8.2.6.2). */
static const char *
top_via_text(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    const sipkb_via *top = msg->n_vias > 0 ? &msg->vias[0] : NULL;
    char *text =
        top ? g_strdup_printf("%s %s:%u;%s", top->transport ? top->transport : "",
                              top->host ? top->host : "", top->port, top->branch ? top->branch : "")
            : g_strdup("");
    const char *kept = analyzer_keep(analyzer, text);
    g_free(text);
    return kept;
}

/* What a request's transaction is found by, within its group (RFC 3261 section 17.2.3): its
 * top Via branch when that carries the magic cookie, which makes it unique; otherwise the
 * Request-URI, To tag, From tag and top Via (the group holds the Call-ID and CSeq), so that
 * requests of RFC 2543 clients, which may carry no branch at all, are not all one transaction.
 * A CANCEL has its INVITE's Request-URI, tags and top Via (section 9.1), so the same key. */
static const char *
request_key(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    const char *branch = cookie_branch(msg);
    if (branch)
        return analyzer_keep(analyzer, branch);
    char *key = g_strjoin("\n", "RFC 2543", msg->request_uri ? msg->request_uri : "",
                          msg->to_tag ? msg->to_tag : "", msg->from_tag ? msg->from_tag : "",
                          top_via_text(analyzer, msg), NULL);
    const char *kept = analyzer_keep(analyzer, key);
    g_free(key);
    return kept;
}

/* Where a message went, "source:port>destination:port"; `reverse` gives the other way. */
static const char *
hop_of(sipkb_analyzer *analyzer, const sipkb_message *msg, gboolean reverse)
{
    const sipkb_path *p = &msg->path;
    const char *from = reverse ? p->destination : p->source;
    const char *to = reverse ? p->source : p->destination;
    char from_port[SIPKB_UINT_TEXT_SIZE], to_port[SIPKB_UINT_TEXT_SIZE];
    char *hop =
        g_strconcat(from ? from : "", ":",
                    sipkb_text_uint(from_port, reverse ? p->destination_port : p->source_port), ">",
                    to ? to : "", ":",
                    sipkb_text_uint(to_port, reverse ? p->source_port : p->destination_port), NULL);
    const char *kept = analyzer_keep(analyzer, hop);
    g_free(hop);
    return kept;
}

/* The transactions of a group and request key: one per hop they were seen on, latest first. */
static transaction *
branch_transactions(sipkb_analyzer *analyzer, const request_group *group, const char *key)
{
    if (!group)
        return NULL;
    transaction_key probe = {group, key};
    return g_hash_table_lookup(analyzer->transactions, &probe);
}

/* The transaction of (group, request key) on `hop`; with `any_hop`, else the latest one (a
 * response seen from another address than its request went to, a quoted copy). */
static transaction *
find_transaction(sipkb_analyzer *analyzer, const request_group *group, const char *key,
                 const char *hop, gboolean any_hop)
{
    transaction *latest = branch_transactions(analyzer, group, key);
    for (transaction *txn = latest; txn; txn = txn->same_branch) {
        if (txn->hop == hop)
            return txn;
    }
    return any_hop ? latest : NULL;
}

/* The transaction a response answers (RFC 3261 section 17.1.3): by its top Via branch; for a
 * top Via without the magic cookie, the request of its group with that same top Via and From
 * tag (a response has no Request-URI, and a To tag its request may lack). On `hop` when one
 * was seen there, else the latest. */
static transaction *
response_transaction(sipkb_analyzer *analyzer, const request_group *group, const sipkb_message *msg,
                     const char *hop)
{
    const char *branch = cookie_branch(msg);
    if (branch)
        return find_transaction(analyzer, group, analyzer_keep(analyzer, branch), hop, TRUE);
    const char *top_via = top_via_text(analyzer, msg);
    const char *from_tag = analyzer_keep(analyzer, msg->from_tag);
    transaction *latest = NULL;
    for (transaction *txn = group ? group->transactions : NULL; txn; txn = txn->next_in_group) {
        if (txn->top_via != top_via || txn->from_tag != from_tag)
            continue;
        if (txn->hop == hop)
            return txn;
        latest = latest ? latest : txn;
    }
    return latest;
}

/* A new transaction: the request's first copy on this hop. */
static transaction *
add_transaction(decision *d, request_group *group, const char *request_key, const char *hop)
{
    sipkb_analyzer *analyzer = d->analyzer;
    transaction *txn = analyzer_alloc(analyzer, sizeof(transaction));
    txn->first_frame = d->msg->frame;
    txn->first_time_ns = d->msg->time_ns;
    txn->first_result = d->result;
    txn->method = group->method;
    txn->group = group;
    txn->hop = hop;
    txn->branch = request_key;
    txn->top_via = top_via_text(analyzer, d->msg);
    txn->from_tag = analyzer_keep(analyzer, d->msg->from_tag);
    txn->expects_response = strcmp(group->method, "ACK") != 0;
    txn->same_branch = branch_transactions(analyzer, group, request_key);
    txn->next_in_group = group->transactions;
    group->transactions = txn;
    transaction_key *key = analyzer_alloc(analyzer, sizeof(transaction_key));
    key->group = group;
    key->key = request_key;
    g_hash_table_replace(analyzer->transactions, key, txn);
    g_ptr_array_add(analyzer->all_transactions, txn);
    if (!group->first_frame)
        group->first_frame = d->msg->frame;
    return txn;
}

/* A CANCEL shares the INVITE's Call-ID, CSeq number and branch (RFC 3261 section 9.1), so its
 * request key. */
static void
link_cancel(decision *d, const char *key, const char *hop)
{
    const sipkb_message *msg = d->msg;
    request_group *invite_group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, "INVITE", FALSE);
    transaction *invite = find_transaction(d->analyzer, invite_group, key, hop, TRUE);
    if (invite && !invite->cancel_frame) {
        invite->cancel_frame = msg->frame;
        invite->cancel_time_ns = msg->time_ns;
        invite->cancel = d->txn;
    }
}

/* An ACK of an INVITE's CSeq on the INVITE's hop shows a final response reached that hop's
 * client (RFC 3261 sections 17.1.1.3 and 13.2.2.4), whether or not the capture holds it. The
 * ACK of a non-2xx final response also carries the INVITE's branch (section 17.1.1.3): on a
 * proxied call each leg's ACK matches its own leg only, as the proxy ACKs the downstream
 * failure itself (section 16.7 step 5). */
static void
link_ack(decision *d, const char *key, const char *hop)
{
    const sipkb_message *msg = d->msg;
    request_group *invite_group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, "INVITE", FALSE);
    for (transaction *invite = invite_group ? invite_group->transactions : NULL; invite;
         invite = invite->next_in_group) {
        if (invite->hop != hop)
            continue;
        if (!invite->ack_frame)
            invite->ack_frame = msg->frame;
        /* Without the magic cookie (RFC 2543) the ACK's key holds the response's To tag, which
         * the INVITE lacked: any ACK on the hop counts (section 17.2.3 matches it by the rest). */
        if ((invite->branch == key || !cookie_branch(msg)) && !invite->matching_ack_frame)
            invite->matching_ack_frame = msg->frame;
    }
}

/* ---- dialogs ---------------------------------------------------------------------------- */

/* What the INVITEs of a call ended with. */
typedef struct {
    gboolean established;   /* a 2xx to an INVITE: a dialog exists (RFC 3261 section 12.1) */
    guint32 failure_frame;  /* the latest final response >= 300 to an INVITE */
    guint32 dialog_shown;   /* a request within the dialog (To tag) that succeeded, 0 if none */
    const char *dialog_hop; /* the hop it was sent on */
    transaction *invites;   /* its INVITE transactions, latest first (next_invite_of_call) */
} call_state;

static call_state *
call_of(sipkb_analyzer *analyzer, const char *call_id, gboolean add)
{
    if (!analyzer->calls)
        analyzer->calls = g_hash_table_new(g_direct_hash, g_direct_equal);
    const char *key = analyzer_keep(analyzer, call_id);
    call_state *call = g_hash_table_lookup(analyzer->calls, key);
    if (!call && add) {
        call = analyzer_alloc(analyzer, sizeof(call_state));
        g_hash_table_insert(analyzer->calls, (gpointer)key, call);
    }
    return call;
}

static void
note_invite_final(decision *d, const transaction *txn)
{
    if (strcmp(txn->method, "INVITE") != 0) {
        /* A request within the dialog that succeeded shows the dialog was set up, so a 2xx to
         * its INVITE was sent (RFC 3261 sections 12.2.2 and 15). */
        if (txn->in_dialog && d->msg->status_code < 300) {
            call_state *call = call_of(d->analyzer, d->msg->call_id, TRUE);
            if (!call->dialog_shown) {
                call->dialog_shown = txn->first_frame;
                call->dialog_hop = txn->hop;
            }
        }
        return;
    }
    call_state *call = call_of(d->analyzer, d->msg->call_id, TRUE);
    if (d->msg->status_code < 300)
        call->established = TRUE;
    else
        call->failure_frame = d->msg->frame;
}

/* A request with a To tag belongs to a dialog (RFC 3261 section 12.2). When the capture saw the
 * call's INVITE fail and never succeed, there is none: the request comes outside any dialog
 * (e.g. a BYE after a failed INVITE) and a 481 is its answer. A call whose INVITE the capture
 * did not see is given the benefit of the doubt. */
static void
decide_outside_dialog(decision *d)
{
    const call_state *call = call_of(d->analyzer, d->msg->call_id, FALSE);
    if (!call || call->established || !call->failure_frame)
        return;
    d->txn->outside_dialog = TRUE;
    d->txn->dialog_ended_by = call->failure_frame;
    decide_flag(d, SIPKB_F_DIALOG_OUTSIDE, 0);
    decide_frame(d, SIPKB_F_DIALOG_ENDED_BY, call->failure_frame);
}

/* A new request of the call from an INVITE's client, on the INVITE's hop, after the INVITE's
 * final response: the client went on with the call, so it had that response (whether it ACKed
 * it is decided once the whole capture is read). Not an ACK or CANCEL, which belong to the
 * INVITE's own CSeq. */
static void
note_next_request(decision *d)
{
    const call_state *call = call_of(d->analyzer, d->msg->call_id, FALSE);
    for (transaction *invite = call ? call->invites : NULL; invite;
         invite = invite->next_invite_of_call) {
        if (invite->hop == d->txn->hop && invite->final_frame && !invite->next_request_frame)
            invite->next_request_frame = d->msg->frame;
    }
}

void
transactions_request(decision *d)
{
    const sipkb_message *msg = d->msg;
    request_group *group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, msg->cseq_method, TRUE);
    const char *key = request_key(d->analyzer, msg);
    const char *hop = hop_of(d->analyzer, msg, FALSE);
    transaction *txn = find_transaction(d->analyzer, group, key, hop, FALSE);
    if (txn) {
        /* The same request again on the same hop: a retransmission (RFC 3261 section 17.1).
         * A copy on another hop is another transaction. */
        txn->retransmissions++;
        group->retransmissions++;
        d->txn = txn;
        d->retransmission = TRUE;
        d->result->request_frame = txn->first_frame;
        d->result->facts |= SIPKB_FACT_TRACKED;
        decide_frame(d, SIPKB_F_TRANSACTION_RETRANSMISSION_OF, txn->first_frame);
        return;
    }
    d->txn = add_transaction(d, group, key, hop);
    d->txn->in_dialog = msg->to_tag != NULL;
    d->txn->request_uri = analyzer_keep(d->analyzer, msg->request_uri);
    d->txn->request_uri_user = analyzer_keep(d->analyzer, msg->request_uri_user);
    d->txn->request_uri_host = analyzer_keep(d->analyzer, msg->request_uri_host);
    char *event = sipkb_kb_event_type(msg->event);
    d->txn->event = analyzer_keep(d->analyzer, event);
    g_free(event);
    d->result->request_frame = d->txn->first_frame;
    d->result->facts |=
        SIPKB_FACT_TRACKED | (d->txn->expects_response ? SIPKB_FACT_EXPECTS_FINAL : 0);
    if (strcmp(group->method, "CANCEL") == 0) {
        link_cancel(d, key, hop);
        return;
    }
    if (strcmp(group->method, "ACK") == 0) {
        link_ack(d, key, hop);
        return;
    }
    note_next_request(d);
    if (strcmp(group->method, "INVITE") == 0) {
        call_state *call = call_of(d->analyzer, msg->call_id, TRUE);
        d->txn->next_invite_of_call = call->invites;
        call->invites = d->txn;
    }
    if (msg->to_tag)
        decide_outside_dialog(d);
    dialog_cseq_request(d);
}

/* The same final response to an INVITE again: its ACK did not come (RFC 3261 section 17.2.1,
 * Timer G; section 13.3.1.4 for a 2xx, which the UA core repeats until the ACK). */
static void
decide_repeated_final(decision *d, const transaction *txn)
{
    if (strcmp(txn->method, "INVITE") != 0 || txn->final_code != d->msg->status_code ||
        txn->final_frame == d->msg->frame)
        return;
    decide_flag(d, SIPKB_F_TRANSACTION_FINAL_REPEATED, 0);
    decide_frame(d, SIPKB_F_TRANSACTION_FINAL_FIRST, txn->final_frame);
}

/* A 2xx to a request sent outside any dialog: the UAS accepted it although no dialog existed
 * to end or change; a BYE SHOULD get 481 (RFC 3261 section 15.1.2), and any other request MUST
 * unless the UAS recreates a dialog it lost in a restart (section 12.2.2), which a dialog the
 * capture saw fail never was. */
static void
decide_accepted_outside(decision *d, const transaction *txn)
{
    if (!txn->outside_dialog || d->msg->status_code < 200 || d->msg->status_code >= 300)
        return;
    decide_flag(d, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED, 0);
    decide_frame(d, SIPKB_F_DIALOG_OUTSIDE_ACCEPTED_ENDED_BY, txn->dialog_ended_by);
}

void
transactions_response(decision *d)
{
    const sipkb_message *msg = d->msg;
    request_group *group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, msg->cseq_method, FALSE);
    transaction *txn =
        response_transaction(d->analyzer, group, msg, hop_of(d->analyzer, msg, TRUE));
    d->txn = txn;
    if (!txn)
        return;
    d->result->request_frame = txn->first_frame;
    d->result->facts |= SIPKB_FACT_TRACKED;
    /* Only 100..699 are SIP status codes (RFC 3261 section 7.2): 200..699 end a transaction
     * (section 8.1.3.2); anything else is none of these. */
    if (msg->status_code > 699)
        return;
    d->result->facts |= msg->status_code >= 200 ? SIPKB_FACT_FINAL : 0;
    if (msg->status_code < 200) {
        if (!txn->provisional_frame)
            txn->provisional_frame = msg->frame;
        return;
    }
    if (txn->final_frame) {
        decide_repeated_final(d, txn);
        return;
    }
    decide_accepted_outside(d, txn);
    txn->final_frame = msg->frame;
    txn->final_code = msg->status_code;
    txn->final_time_ns = msg->time_ns;
    txn->final_result = d->result;
    if (!txn->group->final_frame)
        txn->group->final_frame = msg->frame;
    note_invite_final(d, txn);
}

/* Variants of transport.icmp_error's text in the findings table: a quoted response, and each
 * kind without the ICMP error's sender when the message does not say it. */
enum { QUOTED_RESPONSE_TEXT = 1, QUOTED_SENDER_UNKNOWN = 2 };

void
transactions_quoted(decision *d, gboolean trackable)
{
    const sipkb_message *msg = d->msg;
    decide_flag(d, SIPKB_F_TRANSPORT_ICMP_ERROR,
                (msg->is_request ? 0 : QUOTED_RESPONSE_TEXT) +
                    (msg->icmp_source ? 0 : QUOTED_SENDER_UNKNOWN));
    /* The host that reports the failure, not the sender of the quoted message. */
    if (msg->icmp_source)
        decide_text(d, SIPKB_F_TRANSPORT_ICMP_FROM, msg->icmp_source);
    if (!trackable)
        return;
    request_group *group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, msg->cseq_method, FALSE);
    transaction *txn = msg->is_request ? find_transaction(d->analyzer, group,
                                                          request_key(d->analyzer, msg), NULL, TRUE)
                                       : response_transaction(d->analyzer, group, msg, NULL);
    if (!txn)
        return;
    guint32 original = msg->is_request           ? txn->first_frame
                       : msg->status_code >= 200 ? txn->final_frame
                                                 : txn->provisional_frame;
    if (original)
        decide_frame(d, SIPKB_F_TRANSPORT_QUOTED_FRAME, original);
    if (msg->is_request && !txn->transport_error_frame)
        txn->transport_error_frame = msg->frame;
    /* The final response did not reach the client: it has nothing to ACK. */
    if (!msg->is_request && msg->status_code >= 200 && original)
        txn->final_undelivered = TRUE;
}

/* ---- whole capture: requests without a final response, final responses without an ACK ----- */

/* 64*T1 with T1 = 0.5 s (RFC 3261 section 17.1.1.1): Timers B, F and H. */
#define TIMEOUT_64_T1 (G_GINT64_CONSTANT(32) * 1000000000)

/* How long a client waits for a final response before its transaction times out: 64*T1 (Timer
 * B and F, RFC 3261 sections 17.1.1.2 and 17.1.2.2); an INVITE that got a provisional
 * response, more than 3 minutes (Timer C, section 16.6). */
static gint64
timeout_of(const transaction *txn)
{
    if (strcmp(txn->method, "INVITE") == 0 && txn->provisional_frame)
        return G_GINT64_CONSTANT(180) * 1000000000;
    return TIMEOUT_64_T1;
}

/* Copies of a request that got no response at all, not even a provisional one, after which
 * the peer is taken as silent even if the capture ends before the client would give up: by
 * the fourth retransmission a UDP client has waited 7.5 s (Timers A and E double from T1 =
 * 0.5 s, RFC 3261 sections 17.1.1.2 and 17.1.2.2). */
#define UNHEARD_RETRANSMISSIONS 4

/* An INVITE's final response the capture lacks, shown by a later success in its dialog. */
static guint32
dialog_shown_after(sipkb_analyzer *analyzer, const transaction *txn)
{
    if (strcmp(txn->method, "INVITE") != 0 || !analyzer->calls)
        return 0;
    const call_state *call =
        g_hash_table_lookup(analyzer->calls, analyzer_keep(analyzer, txn->group->call_id));
    /* On the INVITE's own hop: another branch of a fork may have made the dialog. */
    return call && call->dialog_shown > txn->first_frame && call->dialog_hop == txn->hop
               ? call->dialog_shown
               : 0;
}

static void
add_late(sipkb_analyzer *analyzer, GArray *late, sipkb_result *result, const sipkb_item *items,
         guint n)
{
    g_array_set_size(late, 0);
    g_array_append_vals(late, items, n);
    analyzer_add_late(analyzer, result, (sipkb_item *)late->data, late->len);
}

/* Variants of transaction.final_unacked's text in the findings table: the client went on with
 * the call, or ACKed with another branch. */
enum { UNACKED_TEXT_NEXT_REQUEST = 1, UNACKED_TEXT_OTHER_BRANCH = 2 };

/* A 300-699 final response to an INVITE that no ACK with the INVITE's branch followed on its
 * hop: the client transaction MUST send one (RFC 3261 section 17.1.1.3), and the server
 * retransmits the response until it comes or Timer H (64*T1, on every transport) gives up
 * (section 17.2.1). Said when the capture shows it: the client ACKed with another branch, which
 * the server transaction cannot match (section 17.2.3); or it went on with the call (a BYE, a
 * new INVITE); or the capture goes on past Timer H. Otherwise, and for a response an ICMP error
 * shows undelivered, nothing. */
static void
decide_final_unacked(sipkb_analyzer *analyzer, GArray *late, const transaction *txn)
{
    if (!txn->final_result || txn->final_code < 300 || txn->final_code > 699 ||
        txn->matching_ack_frame || txn->final_undelivered || strcmp(txn->method, "INVITE") != 0)
        return;
    gint64 unacked_for = analyzer->last_time_ns - txn->final_time_ns;
    gboolean other_branch = txn->ack_frame > txn->final_frame;
    if (other_branch || txn->next_request_frame) {
        sipkb_item items[] = {
            {.finding = SIPKB_F_TRANSACTION_FINAL_UNACKED,
             .variant = other_branch ? UNACKED_TEXT_OTHER_BRANCH : UNACKED_TEXT_NEXT_REQUEST,
             .value.number = 1},
            {.finding = SIPKB_F_TRANSACTION_UNACKED_NEXT,
             .value.number = other_branch ? txn->ack_frame : txn->next_request_frame},
        };
        add_late(analyzer, late, txn->final_result, items, G_N_ELEMENTS(items));
    } else if (unacked_for >= TIMEOUT_64_T1) {
        sipkb_item items[] = {
            {.finding = SIPKB_F_TRANSACTION_FINAL_UNACKED, .value.number = 1},
            {.finding = SIPKB_F_TRANSACTION_UNACKED_FOR, .value.nanoseconds = unacked_for},
        };
        add_late(analyzer, late, txn->final_result, items, G_N_ELEMENTS(items));
    }
}

void
transactions_finish(sipkb_analyzer *analyzer, GArray *late)
{
    for (guint i = 0; i < analyzer->all_transactions->len; i++) {
        const transaction *txn = g_ptr_array_index(analyzer->all_transactions, i);
        decide_final_unacked(analyzer, late, txn);
        if (!txn->expects_response || txn->final_frame || txn->transport_error_frame)
            continue;
        guint32 proof = txn->ack_frame ? txn->ack_frame : dialog_shown_after(analyzer, txn);
        gint64 observed = analyzer->last_time_ns - txn->first_time_ns;
        /* Another leg of the same request was answered: the proxy gave up on this one. Or
         * the client sent it again and again without hearing anything back. */
        gboolean other_leg_ended = txn->group->final_frame > txn->first_frame;
        gboolean unheard =
            txn->retransmissions >= UNHEARD_RETRANSMISSIONS && !txn->provisional_frame;
        if (proof) {
            sipkb_item items[] = {
                {.finding = SIPKB_F_TRANSACTION_FINAL_MISSING, .value.number = 1},
                {.finding = SIPKB_F_TRANSACTION_PROOF_FRAME, .value.number = proof},
            };
            add_late(analyzer, late, txn->first_result, items, G_N_ELEMENTS(items));
        } else if (!other_leg_ended && !unheard && observed < timeout_of(txn)) {
            sipkb_item items[] = {
                {.finding = SIPKB_F_TRANSACTION_CAPTURE_ENDED, .value.number = 1},
                {.finding = SIPKB_F_TRANSACTION_WAITED, .value.nanoseconds = observed},
            };
            add_late(analyzer, late, txn->first_result, items, G_N_ELEMENTS(items));
        } else {
            sipkb_item items[] = {
                {.finding = SIPKB_F_TRANSACTION_NO_FINAL_RESPONSE, .value.number = 1},
                {.finding = SIPKB_F_TRANSACTION_RETRANSMISSIONS,
                 .value.number = txn->retransmissions},
            };
            add_late(analyzer, late, txn->first_result, items, G_N_ELEMENTS(items));
        }
    }
}
