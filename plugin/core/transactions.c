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
    analyzer->hops = g_hash_table_new(g_direct_hash, g_direct_equal);
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
    txn->last_copy_time_ns = d->msg->time_ns;
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
    txn->earlier_on_hop = g_hash_table_lookup(analyzer->hops, hop);
    g_hash_table_insert(analyzer->hops, (gpointer)hop, txn);
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
 * client (RFC 3261 sections 17.1.1.3 and 13.2.2.4), whether or not the capture holds it, and
 * its branch shows which class: the ACK of a non-2xx final response carries the INVITE's branch
 * (section 17.1.1.3), the ACK of a 2xx is a transaction of its own with a new one (section
 * 13.2.2.4). On a proxied call each leg's non-2xx ACK matches its own leg only, as the proxy
 * ACKs the downstream failure itself (section 16.7 step 5). */
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
        if (!invite->ack_frame) {
            invite->ack_frame = msg->frame;
            invite->ack_kind = !cookie_branch(msg)     ? ACK_KIND_NO_COOKIE
                               : invite->branch == key ? ACK_KIND_SAME_BRANCH
                                                       : ACK_KIND_NEW_BRANCH;
        }
        /* Without the magic cookie (RFC 2543) the ACK's key holds the response's To tag, which
         * the INVITE lacked: any ACK on the hop counts (section 17.2.3 matches it by the rest). */
        if ((invite->branch == key || !cookie_branch(msg)) && !invite->matching_ack_frame)
            invite->matching_ack_frame = msg->frame;
    }
}

/* ---- dialogs ---------------------------------------------------------------------------- */

/* A To tag that a response to an INVITE without a To tag carried. */
typedef struct response_tag {
    const char *tag; /* interned */
    struct response_tag *next;
} response_tag;

/* What the INVITEs of a call ended with. */
typedef struct {
    gboolean established;  /* a 2xx to an INVITE: a dialog exists (RFC 3261 section 12.1) */
    guint32 failure_frame; /* the latest final response >= 300 to an INVITE */
    transaction *invites;  /* its INVITE transactions, latest first (next_invite_of_call) */
    response_tag *tags;    /* the To tags its responses to INVITEs without a To tag gave */
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

/* The To tag a response to an INVITE without one sets (RFC 3261 sections 8.2.6.2 and 12.1): a
 * request of the client that carries it again was built from a response the capture holds. */
static void
note_response_tag(decision *d, const transaction *txn)
{
    if (!d->msg->to_tag || txn->in_dialog || strcmp(txn->method, "INVITE") != 0)
        return;
    call_state *call = call_of(d->analyzer, d->msg->call_id, TRUE);
    const char *tag = analyzer_keep(d->analyzer, d->msg->to_tag);
    for (const response_tag *known = call->tags; known; known = known->next) {
        if (known->tag == tag)
            return;
    }
    response_tag *added = analyzer_alloc(d->analyzer, sizeof(response_tag));
    added->tag = tag;
    added->next = call->tags;
    call->tags = added;
}

static void
note_invite_final(decision *d, const transaction *txn)
{
    if (strcmp(txn->method, "INVITE") != 0)
        return;
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

/* A new request of the call from an INVITE's client, on the INVITE's hop. After the INVITE's
 * final response: the client went on with the call, so it had that response (whether it ACKed
 * it is decided once the whole capture is read). With a To tag, after an INVITE without one:
 * the client had a response to it that carried the tag (RFC 3261 sections 12.1 and 12.2.1.1),
 * which the whole capture may or may not hold. Not an ACK or CANCEL, which belong to the
 * INVITE's own CSeq. */
static void
note_next_request(decision *d)
{
    const call_state *call = call_of(d->analyzer, d->msg->call_id, FALSE);
    for (transaction *invite = call ? call->invites : NULL; invite;
         invite = invite->next_invite_of_call) {
        if (invite->hop != d->txn->hop)
            continue;
        if (invite->final_frame && !invite->next_request_frame)
            invite->next_request_frame = d->msg->frame;
        if (d->msg->to_tag && !invite->in_dialog && !invite->tagged_frame) {
            invite->tagged_frame = d->msg->frame;
            invite->tagged_to_tag = analyzer_keep(d->analyzer, d->msg->to_tag);
        }
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
        txn->last_copy_time_ns = msg->time_ns;
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
    d->txn->expires_zero = msg->has_expires && msg->expires == 0;
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
    note_response_tag(d, txn);
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

/* Whether a response to one of the call's INVITEs without a To tag, in the capture, carried
 * `tag`. */
static gboolean
call_response_had_tag(sipkb_analyzer *analyzer, const char *call_id, const char *tag)
{
    const call_state *call = analyzer->calls ? g_hash_table_lookup(analyzer->calls, call_id) : NULL;
    for (const response_tag *known = call ? call->tags : NULL; known; known = known->next) {
        if (known->tag == tag)
            return TRUE;
    }
    return FALSE;
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
 * the call, ACKed with another branch, or kept sending other requests on the hop. */
enum {
    UNACKED_TEXT_NEXT_REQUEST = 1,
    UNACKED_TEXT_OTHER_BRANCH = 2,
    UNACKED_TEXT_KEPT_SENDING = 3
};

/* Variants of transaction.no_ack_seen's text: a 2xx, whose ACK may take another route. */
enum { NO_ACK_TEXT_2XX = 1 };

/* How long after a final response the client's ACK is surely due on the hop: 4*T1 = 2 s
 * (RFC 3261 section 17.1.1.1). The client sends it on receipt (section 17.1.1.3), one round
 * trip after the response passed the capture, and T1 is the estimate of that round trip; by
 * 4*T1 a server on UDP has also resent the response twice (Timer G at T1 and 3*T1, section
 * 17.2.1), each copy calling for the ACK again. */
#define ACK_DUE_WITHIN (G_GINT64_CONSTANT(2) * 1000000000)

/* The client's latest request on the INVITE's hop, of another transaction than the INVITE's
 * own (its copies, ACK, CANCEL), first sent ACK_DUE_WITHIN or more after the final response;
 * NULL if none. A client that retransmitted the INVITE or CANCELled it after the response had
 * not received the response then: NULL. The ACK of a 300-699 goes where the INVITE went
 * (RFC 3261 section 17.1.1.3), so a capture that holds the client's later requests on that
 * hop would hold the ACK. */
static const transaction *
client_kept_sending(sipkb_analyzer *analyzer, const transaction *txn)
{
    if (txn->last_copy_time_ns > txn->final_time_ns || txn->cancel_frame > txn->final_frame)
        return NULL;
    for (const transaction *later = g_hash_table_lookup(analyzer->hops, txn->hop); later;
         later = later->earlier_on_hop) {
        if (later->first_time_ns < txn->final_time_ns + ACK_DUE_WITHIN)
            return NULL;
        if (later->group->call_id != txn->group->call_id || later->group->cseq != txn->group->cseq)
            return later;
    }
    return NULL;
}

/* An ACK of the INVITE's Call-ID and CSeq on any hop after its 2xx. The UAC core ACKs a 2xx
 * end to end along the dialog's route (RFC 3261 sections 13.2.2.4 and 12.2.1.1), which may
 * leave the INVITE's hop: a proxy that does not record-route is bypassed, one that does
 * forwards it (section 16.7). */
static gboolean
acked_after_2xx(sipkb_analyzer *analyzer, const transaction *txn)
{
    request_group *acks = find_group(analyzer, txn->group->call_id, txn->group->cseq, "ACK", FALSE);
    for (const transaction *ack = acks ? acks->transactions : NULL; ack; ack = ack->next_in_group) {
        if (ack->first_frame > txn->final_frame)
            return TRUE;
    }
    return FALSE;
}

static void
add_no_ack_seen(sipkb_analyzer *analyzer, GArray *late, const transaction *txn, guint8 variant)
{
    sipkb_item items[] = {
        {.finding = SIPKB_F_TRANSACTION_NO_ACK_SEEN, .variant = variant, .value.number = 1},
        {.finding = SIPKB_F_TRANSACTION_NO_ACK_SEEN_FOR,
         .value.nanoseconds = analyzer->last_time_ns - txn->final_time_ns},
    };
    add_late(analyzer, late, txn->final_result, items, G_N_ELEMENTS(items));
}

/* transaction.final_unacked with the client's next message on the hop, when one shows it
 * (next_frame), and how long the capture goes on after the response, when that is evidence. */
static void
add_final_unacked(sipkb_analyzer *analyzer, GArray *late, const transaction *txn, guint8 variant,
                  guint32 next_frame)
{
    sipkb_item items[3] = {
        {.finding = SIPKB_F_TRANSACTION_FINAL_UNACKED, .variant = variant, .value.number = 1},
    };
    guint n = 1;
    if (next_frame)
        items[n++] =
            (sipkb_item){.finding = SIPKB_F_TRANSACTION_UNACKED_NEXT, .value.number = next_frame};
    if (!next_frame || variant == UNACKED_TEXT_KEPT_SENDING)
        items[n++] = (sipkb_item){.finding = SIPKB_F_TRANSACTION_UNACKED_FOR,
                                  .value.nanoseconds = analyzer->last_time_ns - txn->final_time_ns};
    add_late(analyzer, late, txn->final_result, items, n);
}

/* A final response to an INVITE that no ACK followed. A 300-699 is ACKed by the client
 * transaction on receipt, with the INVITE's branch and to the INVITE's address (RFC 3261
 * section 17.1.1.3); the server retransmits it until the ACK comes or Timer H (64*T1, on
 * every transport) gives up (section 17.2.1). Not ACKed (a Warning) when the capture shows it:
 * the client ACKed with another branch, which the server transaction cannot match (section
 * 17.2.3); it went on with the call (a BYE, a new INVITE); the capture goes on past Timer H;
 * or the client kept sending other requests on the hop ACK_DUE_WITHIN after the response.
 * Otherwise the capture ends too soon for a verdict, and says only what it measured (a Note).
 * A 2xx is ACKed by the UAC core along the dialog's route (section 13.2.2.4), which may pass
 * outside the capture: a Note when no ACK of its CSeq is anywhere after it. Nothing for a
 * response an ICMP error shows undelivered: its client has nothing to ACK. */
static void
decide_final_unacked(sipkb_analyzer *analyzer, GArray *late, const transaction *txn)
{
    if (!txn->final_result || txn->final_code > 699 || txn->final_undelivered ||
        strcmp(txn->method, "INVITE") != 0)
        return;
    if (txn->final_code < 300) {
        if (!acked_after_2xx(analyzer, txn))
            add_no_ack_seen(analyzer, late, txn, NO_ACK_TEXT_2XX);
        return;
    }
    if (txn->matching_ack_frame)
        return;
    if (txn->ack_frame > txn->final_frame) {
        add_final_unacked(analyzer, late, txn, UNACKED_TEXT_OTHER_BRANCH, txn->ack_frame);
        return;
    }
    if (txn->next_request_frame) {
        add_final_unacked(analyzer, late, txn, UNACKED_TEXT_NEXT_REQUEST, txn->next_request_frame);
        return;
    }
    if (analyzer->last_time_ns - txn->final_time_ns >= TIMEOUT_64_T1) {
        add_final_unacked(analyzer, late, txn, 0, 0);
        return;
    }
    const transaction *kept_sending = client_kept_sending(analyzer, txn);
    if (kept_sending)
        add_final_unacked(analyzer, late, txn, UNACKED_TEXT_KEPT_SENDING,
                          kept_sending->first_frame);
    else
        add_no_ack_seen(analyzer, late, txn, 0);
}

/* Variants of transaction.final_missing's text: what the ACK that shows the final response
 * tells of its class. */
static guint8
final_missing_variant(const transaction *txn)
{
    switch (txn->ack_kind) {
    case ACK_KIND_SAME_BRANCH:
        return 1;
    case ACK_KIND_NO_COOKIE:
        return 2;
    default:
        return 0;
    }
}

/* A request without a final response in the capture: what a later message shows of one. An
 * ACK of its CSeq on its hop shows a final response came (RFC 3261 sections 13.2.2.4 and
 * 17.1.1.3; its branch tells the class). A later request of the client with a To tag that no
 * captured response carried shows only a response the capture lacks, provisional or final
 * (section 12.1: a 1xx with a To tag makes an early dialog, which the caller may end with a
 * BYE, section 15); a To tag of a captured 1xx shows nothing more than that 1xx. Returns TRUE
 * when it added such a finding. */
static gboolean
decide_response_shown(sipkb_analyzer *analyzer, GArray *late, const transaction *txn)
{
    if (txn->ack_frame) {
        sipkb_item items[] = {
            {.finding = SIPKB_F_TRANSACTION_FINAL_MISSING,
             .variant = final_missing_variant(txn),
             .value.number = 1},
            {.finding = SIPKB_F_TRANSACTION_PROOF_FRAME, .value.number = txn->ack_frame},
        };
        add_late(analyzer, late, txn->first_result, items, G_N_ELEMENTS(items));
        return TRUE;
    }
    if (!txn->tagged_frame ||
        call_response_had_tag(analyzer, txn->group->call_id, txn->tagged_to_tag))
        return FALSE;
    sipkb_item items[] = {
        {.finding = SIPKB_F_TRANSACTION_RESPONSE_MISSING, .value.number = 1},
        {.finding = SIPKB_F_TRANSACTION_RESPONSE_MISSING_FRAME, .value.number = txn->tagged_frame},
        {.finding = SIPKB_F_TRANSACTION_RESPONSE_MISSING_TO_TAG, .value.text = txn->tagged_to_tag},
    };
    add_late(analyzer, late, txn->first_result, items, G_N_ELEMENTS(items));
    return TRUE;
}

void
transactions_finish(sipkb_analyzer *analyzer, GArray *late)
{
    for (guint i = 0; i < analyzer->all_transactions->len; i++) {
        const transaction *txn = g_ptr_array_index(analyzer->all_transactions, i);
        decide_final_unacked(analyzer, late, txn);
        if (!txn->expects_response || txn->final_frame || txn->transport_error_frame)
            continue;
        if (decide_response_shown(analyzer, late, txn))
            continue;
        gint64 observed = analyzer->last_time_ns - txn->first_time_ns;
        /* Another leg of the same request was answered: the proxy gave up on this one. Or
         * the client sent it again and again without hearing anything back. */
        gboolean other_leg_ended = txn->group->final_frame > txn->first_frame;
        gboolean unheard =
            txn->retransmissions >= UNHEARD_RETRANSMISSIONS && !txn->provisional_frame;
        if (!other_leg_ended && !unheard && observed < timeout_of(txn)) {
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
