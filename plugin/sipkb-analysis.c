/* Transaction, challenge and CANCEL tracking across the capture (see sipkb-analysis.h).
 *
 * State lives in wmem maps of file scope (O(1) lookups, freed when the file closes). Keys are
 * built from the SIP dissector's fields: a transaction is Call-ID + CSeq number + CSeq method
 * + top Via branch (RFC 3261 section 17.2.3), so the two legs of a proxied request stay apart.
 */
#include <wireshark.h>

#include "sipkb-analysis.h"

#include <epan/proto_data.h>

/* A request across every leg it travels (same Call-ID, CSeq and method). */
typedef struct {
    guint retransmissions;
} request_group;

typedef struct {
    sipkb_transaction transaction;
    request_group *group;
    const char *nonce_seen_before; /* latest challenge nonce of this client when it was sent */
} transaction_record;

static wmem_map_t *transactions; /* transaction key -> transaction_record */
static wmem_map_t *groups;       /* group key -> request_group */
static wmem_map_t *challenges;   /* Call-ID + method -> latest sipkb_challenge */

static void
ensure_maps(void)
{
    if (transactions)
        return;
    /* Autoreset maps empty themselves when the capture file closes. */
    transactions =
        wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    groups = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    challenges =
        wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
}

static const char *
file_copy(const char *text)
{
    return text ? wmem_strdup(wmem_file_scope(), text) : NULL;
}

static char *
group_key(wmem_allocator_t *pool, const sipkb_message *msg, const char *method)
{
    return wmem_strdup_printf(pool, "%s\x1f%u\x1f%s", msg->call_id, msg->cseq_number, method);
}

static char *
transaction_key(wmem_allocator_t *pool, const sipkb_message *msg, const char *method)
{
    return wmem_strdup_printf(pool, "%s\x1f%u\x1f%s\x1f%s", msg->call_id, msg->cseq_number, method,
                              msg->top_via_branch ? msg->top_via_branch : "");
}

static char *
challenge_key(wmem_allocator_t *pool, const sipkb_message *msg, const char *method)
{
    return wmem_strdup_printf(pool, "%s\x1f%s", msg->call_id, method);
}

static gboolean
trackable(const sipkb_message *msg)
{
    return msg->call_id && msg->has_cseq && msg->cseq_method;
}

static request_group *
find_or_add_group(packet_info *pinfo, const sipkb_message *msg, const char *method)
{
    char *key = group_key(pinfo->pool, msg, method);
    request_group *group = wmem_map_lookup(groups, key);
    if (!group) {
        group = wmem_new0(wmem_file_scope(), request_group);
        wmem_map_insert(groups, wmem_strdup(wmem_file_scope(), key), group);
    }
    return group;
}

/* Credentials: compare the From user with the digest username, and link the challenge. */
static void
note_credentials(packet_info *pinfo, const sipkb_message *msg, const char *method,
                 transaction_record *record, sipkb_findings *findings)
{
    sipkb_transaction *txn = &record->transaction;
    sipkb_challenge *latest = wmem_map_lookup(challenges, challenge_key(pinfo->pool, msg, method));
    record->nonce_seen_before = latest ? latest->nonce : NULL;
    if (msg->credentials.header == SIPKB_AUTH_NONE)
        return;
    txn->has_credentials = TRUE;
    txn->from_user = file_copy(msg->from_user);
    txn->digest_username = file_copy(msg->credentials.username);
    txn->credentials_nonce = file_copy(msg->credentials.nonce);
    txn->callerid = sipkb_compare_callerid(msg->from_user, msg->credentials.username);
    const char *asserted[] = {msg->p_asserted_identity_user, msg->p_preferred_identity_user};
    for (gsize i = 0; i < G_N_ELEMENTS(asserted) && !findings->asserted_identity; i++) {
        if (sipkb_compare_callerid(asserted[i], msg->credentials.username) == SIPKB_CALLERID_MATCH)
            findings->asserted_identity = file_copy(asserted[i]);
    }
    if (latest && !latest->answered_in) {
        latest->answered_in = pinfo->num;
        findings->answers_challenge = latest;
    }
}

static void
first_pass_request(packet_info *pinfo, const sipkb_message *msg, sipkb_findings *findings)
{
    const char *method = msg->cseq_method;
    char *key = transaction_key(pinfo->pool, msg, method);
    transaction_record *record = wmem_map_lookup(transactions, key);
    if (record) {
        /* The same transaction again from its client: a retransmission (RFC 3261 17.1). */
        record->transaction.retransmissions++;
        record->group->retransmissions++;
        findings->transaction = &record->transaction;
        findings->is_retransmission = TRUE;
        return;
    }
    record = wmem_new0(wmem_file_scope(), transaction_record);
    record->transaction.first_frame = pinfo->num;
    record->transaction.first_time = pinfo->abs_ts;
    record->transaction.expects_response = g_strcmp0(method, "ACK") != 0;
    record->group = find_or_add_group(pinfo, msg, method);
    wmem_map_insert(transactions, wmem_strdup(wmem_file_scope(), key), record);
    findings->transaction = &record->transaction;
    note_credentials(pinfo, msg, method, record, findings);

    if (g_strcmp0(method, "CANCEL") == 0) {
        /* A CANCEL shares the INVITE's Call-ID, CSeq number and branch (RFC 3261 9.1). */
        transaction_record *invite =
            wmem_map_lookup(transactions, transaction_key(pinfo->pool, msg, "INVITE"));
        if (invite && !invite->transaction.cancel_frame) {
            invite->transaction.cancel_frame = pinfo->num;
            invite->transaction.cancel_time = pinfo->abs_ts;
        }
    }
}

static void
note_challenge(packet_info *pinfo, const sipkb_message *msg, transaction_record *record,
               sipkb_findings *findings)
{
    char *key = challenge_key(pinfo->pool, msg, msg->cseq_method);
    sipkb_challenge *latest = wmem_map_lookup(challenges, key);
    if (msg->is_resend && latest) {
        findings->challenge = latest; /* the same challenge sent again */
        return;
    }
    sipkb_challenge *challenge = wmem_new0(wmem_file_scope(), sipkb_challenge);
    challenge->challenge_frame = pinfo->num;
    challenge->request_frame = record ? record->transaction.first_frame : 0;
    challenge->nonce = file_copy(msg->challenge.nonce);
    wmem_map_insert(challenges, wmem_strdup(wmem_file_scope(), key), challenge);
    findings->challenge = challenge;
    if (record) {
        findings->rechallenge = sipkb_classify_rechallenge(
            record->transaction.has_credentials, msg->challenge.stale,
            record->transaction.credentials_nonce, record->nonce_seen_before);
    }
}

static void
first_pass_response(packet_info *pinfo, const sipkb_message *msg, sipkb_findings *findings)
{
    transaction_record *record =
        wmem_map_lookup(transactions, transaction_key(pinfo->pool, msg, msg->cseq_method));
    sipkb_transaction *txn = record ? &record->transaction : NULL;
    findings->transaction = txn;
    if (txn) {
        nstime_delta(&findings->waited, &pinfo->abs_ts, &txn->first_time);
        findings->group_retransmissions = record->group->retransmissions;
        if (msg->status_code >= 200 && !txn->final_frame) {
            txn->final_frame = pinfo->num;
            txn->final_code = msg->status_code;
        }
        if (txn->cancel_frame) {
            findings->cancel_known = TRUE;
            nstime_delta(&findings->invite_to_cancel, &txn->cancel_time, &txn->first_time);
        }
    }
    if (msg->status_code == 401 || msg->status_code == 407)
        note_challenge(pinfo, msg, record, findings);
    if (msg->status_code == 403) {
        sipkb_rank_forbidden(msg->reason_phrase, txn != NULL, txn && txn->has_credentials,
                             txn ? txn->callerid : SIPKB_CALLERID_NOT_APPLICABLE,
                             &findings->forbidden);
    }
}

static const char *const *
file_copy_list(const char *const *list)
{
    if (!list)
        return NULL;
    guint n = g_strv_length((char **)list);
    const char **copy = wmem_alloc0_array(wmem_file_scope(), const char *, n + 1);
    for (guint i = 0; i < n; i++)
        copy[i] = file_copy(list[i]);
    return copy;
}

/* Keeps what the tree shows of a message; the rest stays NULL. */
static void
keep_for_display(const sipkb_located_message *located, tvbuff_t *frame_tvb,
                 sipkb_findings *findings)
{
    const sipkb_message *msg = &located->msg;
    sipkb_message *kept = &findings->msg;
    if (located->tvb == frame_tvb) {
        findings->start = located->start;
        findings->length = located->length;
    }
    kept->is_request = msg->is_request;
    kept->is_response = msg->is_response;
    kept->has_status_code = msg->has_status_code;
    kept->status_code = msg->status_code;
    kept->method = file_copy(msg->method);
    kept->cseq_method = file_copy(msg->cseq_method);
    kept->has_retry_after = msg->has_retry_after;
    kept->retry_after = msg->retry_after;
    if (!msg->is_response)
        return;
    if (msg->status_code >= 300)
        kept->reason_phrase = file_copy(msg->reason_phrase);
    if (msg->status_code >= 300 && msg->status_code < 400)
        kept->contact_uris = file_copy_list(msg->contact_uris);
    if (msg->challenge.header != SIPKB_AUTH_NONE) {
        kept->challenge.header = msg->challenge.header;
        kept->challenge.realm = file_copy(msg->challenge.realm);
        kept->challenge.algorithm = file_copy(msg->challenge.algorithm);
    }
}

const sipkb_frame_findings *
sipkb_analysis_first_pass(packet_info *pinfo, int proto, tvbuff_t *frame_tvb,
                          const sipkb_field_source *source, const sipkb_located_message *messages,
                          guint n_messages)
{
    ensure_maps();
    sipkb_frame_findings *frame = wmem_new0(wmem_file_scope(), sipkb_frame_findings);
    frame->n_messages = n_messages;
    frame->findings = wmem_alloc0_array(wmem_file_scope(), sipkb_findings, n_messages);
    for (guint i = 0; i < n_messages; i++) {
        const sipkb_message *msg = &messages[i].msg;
        sipkb_findings *findings = &frame->findings[i];
        keep_for_display(&messages[i], frame_tvb, findings);
        findings->sdp = sipkb_sdp_first_pass(source, pinfo, &messages[i]);
        findings->via = sipkb_via_first_pass(source, pinfo, &messages[i]);
        if (!trackable(msg))
            continue;
        if (msg->is_request)
            first_pass_request(pinfo, msg, findings);
        else if (msg->is_response && msg->has_status_code)
            first_pass_response(pinfo, msg, findings);
    }
    p_add_proto_data(wmem_file_scope(), pinfo, proto, 0, frame);
    return frame;
}

const sipkb_frame_findings *
sipkb_analysis_stored(packet_info *pinfo, int proto)
{
    return p_get_proto_data(wmem_file_scope(), pinfo, proto, 0);
}
