/* Transactions: which request a response answers, which request is a retransmission, which
 * CANCEL ended an INVITE, and which requests never got a final response.
 *
 * A transaction is its Call-ID, CSeq number and method and top Via branch (RFC 3261 section
 * 17.2.3), so the two legs of a proxied request, which carry different branches, stay apart; a
 * request across every leg is a request group.
 */
#include "analyzer-internal.h"

#include <string.h>

typedef struct {
    const request_group *group;
    const char *branch; /* interned, "" when absent */
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
    return g_direct_hash(k->group) ^ g_direct_hash(k->branch);
}

static gboolean
transaction_equal(gconstpointer a, gconstpointer b)
{
    const transaction_key *x = a, *y = b;
    return x->group == y->group && x->branch == y->branch;
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
    request_group probe = {analyzer_keep(analyzer, call_id), analyzer_keep(analyzer, method), cseq,
                           0, 0};
    request_group *group = g_hash_table_lookup(analyzer->groups, &probe);
    if (!group && add) {
        group = analyzer_alloc(analyzer, sizeof(request_group));
        *group = probe;
        g_hash_table_add(analyzer->groups, group);
    }
    return group;
}

static const char *
top_branch(sipkb_analyzer *analyzer, const sipkb_message *msg)
{
    const char *branch = msg->n_vias > 0 ? msg->vias[0].branch : NULL;
    return analyzer_keep(analyzer, branch ? branch : "");
}

static transaction *
find_transaction(sipkb_analyzer *analyzer, const request_group *group, const char *branch)
{
    if (!group)
        return NULL;
    transaction_key probe = {group, branch};
    return g_hash_table_lookup(analyzer->transactions, &probe);
}

static transaction *
add_transaction(decision *d, request_group *group, const char *branch)
{
    sipkb_analyzer *analyzer = d->analyzer;
    transaction *txn = analyzer_alloc(analyzer, sizeof(transaction));
    txn->first_frame = d->msg->frame;
    txn->first_time_ns = d->msg->time_ns;
    txn->first_result = d->result;
    txn->method = group->method;
    txn->group = group;
    txn->expects_response = strcmp(group->method, "ACK") != 0;
    transaction_key *key = analyzer_alloc(analyzer, sizeof(transaction_key));
    key->group = group;
    key->branch = branch;
    g_hash_table_insert(analyzer->transactions, key, txn);
    g_ptr_array_add(analyzer->all_transactions, txn);
    return txn;
}

/* A CANCEL shares the INVITE's Call-ID, CSeq number and branch (RFC 3261 section 9.1). */
static void
link_cancel(decision *d, const char *branch)
{
    const sipkb_message *msg = d->msg;
    request_group *invite_group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, "INVITE", FALSE);
    transaction *invite = find_transaction(d->analyzer, invite_group, branch);
    if (invite && !invite->cancel_frame) {
        invite->cancel_frame = msg->frame;
        invite->cancel_time_ns = msg->time_ns;
    }
}

void
transactions_request(decision *d)
{
    const sipkb_message *msg = d->msg;
    request_group *group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, msg->cseq_method, TRUE);
    const char *branch = top_branch(d->analyzer, msg);
    transaction *txn = find_transaction(d->analyzer, group, branch);
    if (txn) {
        /* The same transaction again from its client: a retransmission (RFC 3261 17.1). */
        txn->retransmissions++;
        group->retransmissions++;
        d->txn = txn;
        d->retransmission = TRUE;
        d->result->request_frame = txn->first_frame;
        d->result->facts |= SIPKB_FACT_TRACKED;
        decide_frame(d, SIPKB_F_TRANSACTION_RETRANSMISSION_OF, txn->first_frame);
        return;
    }
    d->txn = add_transaction(d, group, branch);
    d->result->request_frame = d->txn->first_frame;
    d->result->facts |=
        SIPKB_FACT_TRACKED | (d->txn->expects_response ? SIPKB_FACT_EXPECTS_FINAL : 0);
    if (strcmp(group->method, "CANCEL") == 0)
        link_cancel(d, branch);
}

void
transactions_response(decision *d)
{
    const sipkb_message *msg = d->msg;
    request_group *group =
        find_group(d->analyzer, msg->call_id, msg->cseq_number, msg->cseq_method, FALSE);
    transaction *txn = find_transaction(d->analyzer, group, top_branch(d->analyzer, msg));
    d->txn = txn;
    if (!txn)
        return;
    d->result->request_frame = txn->first_frame;
    d->result->facts |= SIPKB_FACT_TRACKED | (msg->status_code >= 200 ? SIPKB_FACT_FINAL : 0);
    if (msg->status_code >= 200 && !txn->final_frame) {
        txn->final_frame = msg->frame;
        txn->final_code = msg->status_code;
    }
}

void
transactions_finish(sipkb_analyzer *analyzer, GArray *late)
{
    for (guint i = 0; i < analyzer->all_transactions->len; i++) {
        const transaction *txn = g_ptr_array_index(analyzer->all_transactions, i);
        if (!txn->expects_response || txn->final_frame)
            continue;
        g_array_set_size(late, 0);
        sipkb_item items[] = {
            {.finding = SIPKB_F_TRANSACTION_NO_FINAL_RESPONSE, .value.number = 1},
            {.finding = SIPKB_F_TRANSACTION_RETRANSMISSIONS, .value.number = txn->retransmissions},
        };
        g_array_append_vals(late, items, G_N_ELEMENTS(items));
        analyzer_add_late(analyzer, txn->first_result, (sipkb_item *)late->data, late->len);
    }
}
