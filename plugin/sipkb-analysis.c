/* Transaction, challenge and CANCEL tracking across the capture (see sipkb-analysis.h).
 *
 * State lives in file scope and goes when the capture file closes. A call (Call-ID) is kept
 * once; a transaction is its call + CSeq number + CSeq method + top Via branch (RFC 3261
 * section 17.2.3), so the two legs of a proxied request stay apart. What a frame's messages
 * showed on the first pass is kept in a compact form, indexed by frame number, and turned back
 * into sipkb_findings (in packet scope) whenever the frame is dissected again.
 */
#include <wireshark.h>

#include "sipkb-analysis.h"

#include <string.h>

#include <epan/wmem_scopes.h>

/* ---- calls, transactions, request groups --------------------------------------------------- */

/* The latest challenge of one method within a call. */
typedef struct call_challenge {
    const char *method; /* interned */
    sipkb_challenge *latest;
    struct call_challenge *next;
} call_challenge;

/* Everything keyed by one Call-ID. */
typedef struct {
    const char *call_id; /* file-scope copy, the key of `calls` */
    call_challenge *challenges;
} call_record;

/* A request across every leg it travels (same call, CSeq number and method). */
typedef struct {
    const call_record *call;
    const char *method; /* interned */
    guint32 cseq;
    guint retransmissions;
} request_group;

/* A transaction; it is its own key in `transactions`. */
typedef struct {
    sipkb_transaction transaction;
    request_group *group;
    const char *branch;            /* top Via branch, "" when absent */
    const char *nonce_seen_before; /* latest challenge nonce of this client when it was sent */
} transaction_record;

static wmem_map_t *calls;        /* Call-ID -> call_record */
static wmem_map_t *groups;       /* request_group -> itself */
static wmem_map_t *transactions; /* transaction_record -> itself */

static guint
group_hash(gconstpointer key)
{
    const request_group *g = key;
    return g_direct_hash(g->call) ^ g_direct_hash(g->method) ^ (g->cseq * 2654435761u);
}

static gboolean
group_equal(gconstpointer a, gconstpointer b)
{
    const request_group *x = a, *y = b;
    return x->call == y->call && x->method == y->method && x->cseq == y->cseq;
}

static guint
transaction_hash(gconstpointer key)
{
    const transaction_record *t = key;
    return group_hash(t->group) ^ g_str_hash(t->branch);
}

static gboolean
transaction_equal(gconstpointer a, gconstpointer b)
{
    const transaction_record *x = a, *y = b;
    return group_equal(x->group, y->group) && strcmp(x->branch, y->branch) == 0;
}

static void
ensure_maps(void)
{
    if (calls)
        return;
    /* Autoreset maps empty themselves when the capture file closes. */
    calls = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), g_str_hash, g_str_equal);
    groups = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), group_hash, group_equal);
    transactions = wmem_map_new_autoreset(wmem_epan_scope(), wmem_file_scope(), transaction_hash,
                                          transaction_equal);
}

static call_record *
find_or_add_call(const char *call_id)
{
    call_record *call = wmem_map_lookup(calls, call_id);
    if (!call) {
        call = wmem_new0(wmem_file_scope(), call_record);
        call->call_id = wmem_strdup(wmem_file_scope(), call_id);
        wmem_map_insert(calls, call->call_id, call);
    }
    return call;
}

static call_challenge *
challenge_slot(call_record *call, const char *method, gboolean add)
{
    for (call_challenge *c = call->challenges; c; c = c->next) {
        if (c->method == method)
            return c;
    }
    if (!add)
        return NULL;
    call_challenge *c = wmem_new0(wmem_file_scope(), call_challenge);
    c->method = method;
    c->next = call->challenges;
    call->challenges = c;
    return c;
}

static sipkb_challenge *
latest_challenge(call_record *call, const char *method)
{
    call_challenge *slot = challenge_slot(call, method, FALSE);
    return slot ? slot->latest : NULL;
}

/* The group of (call, cseq, method); added when `add`. */
static request_group *
find_group(const call_record *call, guint32 cseq, const char *method, gboolean add)
{
    request_group probe = {call, method, cseq, 0};
    request_group *group = wmem_map_lookup(groups, &probe);
    if (!group && add) {
        group = wmem_new(wmem_file_scope(), request_group);
        *group = probe;
        wmem_map_insert(groups, group, group);
    }
    return group;
}

static transaction_record *
find_transaction(request_group *group, const char *branch)
{
    if (!group)
        return NULL;
    transaction_record probe = {.group = group, .branch = branch ? branch : ""};
    return wmem_map_lookup(transactions, &probe);
}

static const char *
file_copy(const char *text)
{
    return text ? wmem_strdup(wmem_file_scope(), text) : NULL;
}

static gboolean
trackable(const sipkb_message *msg)
{
    return msg->call_id && msg->has_cseq && msg->cseq_method;
}

/* ---- what the first pass keeps of each message --------------------------------------------- */

/* What else a message needs for its display; few messages have any of it. */
typedef struct {
    const char *const *contact_uris; /* 3xx */
    sipkb_auth_header challenge_header;
    const char *challenge_realm; /* interned */
    const char *challenge_algorithm;
    const char *asserted_identity; /* interned */
} stored_extra;

enum {
    STORED_REQUEST = 1 << 0,
    STORED_RESPONSE = 1 << 1,
    STORED_HAS_STATUS_CODE = 1 << 2,
    STORED_HAS_RETRY_AFTER = 1 << 3,
    STORED_RETRANSMISSION = 1 << 4,
};

typedef struct {
    gint start; /* the message's bytes in the frame; 0 and 0 when in reassembled data */
    gint length;
    sipkb_transaction *transaction;
    sipkb_challenge *challenge; /* responses: their 401/407 challenge; requests: the one answered */
    const char *method;         /* interned */
    const char *cseq_method;    /* interned */
    const char *reason_phrase;  /* interned; 3xx-6xx only */
    const stored_extra *extra;  /* NULL when there is nothing more */
    sipkb_sdp_findings *sdp;
    sipkb_via_findings *via;
    guint32 status_code;
    guint32 retry_after;
    guint32 group_retransmissions;
    guint8 flags;       /* STORED_* */
    guint8 rechallenge; /* sipkb_rechallenge */
    guint16 n_in_frame; /* on a frame's first message: how many the frame has */
} stored_message;

/* Frame number -> index + 1 of its first stored message (0: no SIP), and the messages, both in
 * chunks that never move: a capture's millions of frames cost 4 bytes each, and its SIP
 * messages one stored_message each, without a copy when the store grows. */
#define CHUNK_BITS 12
#define CHUNK_SIZE (1u << CHUNK_BITS)

typedef struct {
    guint32 **frame_chunks;
    guint n_frame_chunks;
    stored_message **message_chunks;
    guint n_message_chunks;
    guint32 n_messages;
} frame_store;

static frame_store store;

void
sipkb_analysis_init(void)
{
    /* The chunks were in the closed file's scope. */
    memset(&store, 0, sizeof(store));
}

static gpointer
grow_chunk_list(gpointer list, guint *n_chunks, guint needed)
{
    if (needed <= *n_chunks)
        return list;
    guint n = MAX(needed, *n_chunks * 2);
    gpointer *grown = wmem_alloc0_array(wmem_file_scope(), gpointer, n);
    if (*n_chunks)
        memcpy(grown, list, *n_chunks * sizeof(gpointer));
    *n_chunks = n;
    return grown;
}

static guint32 *
frame_slot(guint32 frame, gboolean add)
{
    guint chunk = frame >> CHUNK_BITS;
    if (chunk >= store.n_frame_chunks) {
        if (!add)
            return NULL;
        store.frame_chunks = grow_chunk_list(store.frame_chunks, &store.n_frame_chunks, chunk + 1);
    }
    if (!store.frame_chunks[chunk]) {
        if (!add)
            return NULL;
        store.frame_chunks[chunk] = wmem_alloc0_array(wmem_file_scope(), guint32, CHUNK_SIZE);
    }
    return &store.frame_chunks[chunk][frame & (CHUNK_SIZE - 1)];
}

static stored_message *
stored_at(guint32 index)
{
    return &store.message_chunks[index >> CHUNK_BITS][index & (CHUNK_SIZE - 1)];
}

static stored_message *
store_message(guint32 *index)
{
    guint chunk = store.n_messages >> CHUNK_BITS;
    if (chunk >= store.n_message_chunks)
        store.message_chunks =
            grow_chunk_list(store.message_chunks, &store.n_message_chunks, chunk + 1);
    if (!store.message_chunks[chunk])
        store.message_chunks[chunk] =
            wmem_alloc0_array(wmem_file_scope(), stored_message, CHUNK_SIZE);
    *index = store.n_messages++;
    return stored_at(*index);
}

static stored_extra *
extra_of(stored_message *kept)
{
    if (!kept->extra)
        kept->extra = wmem_new0(wmem_file_scope(), stored_extra);
    return (stored_extra *)kept->extra;
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

/* Keeps what the tree shows of a message; the rest is not kept. */
static void
keep_for_display(const sipkb_located_message *located, tvbuff_t *frame_tvb, stored_message *kept)
{
    const sipkb_message *msg = &located->msg;
    if (located->tvb == frame_tvb) {
        kept->start = located->start;
        kept->length = located->length;
    }
    kept->flags |= (msg->is_request ? STORED_REQUEST : 0) |
                   (msg->is_response ? STORED_RESPONSE : 0) |
                   (msg->has_status_code ? STORED_HAS_STATUS_CODE : 0) |
                   (msg->has_retry_after ? STORED_HAS_RETRY_AFTER : 0);
    kept->status_code = msg->status_code;
    kept->method = sipkb_intern(msg->method);
    kept->cseq_method = sipkb_intern(msg->cseq_method);
    kept->retry_after = msg->retry_after;
    if (!msg->is_response)
        return;
    if (msg->status_code >= 300)
        kept->reason_phrase = sipkb_intern(msg->reason_phrase);
    if (msg->status_code >= 300 && msg->status_code < 400 && msg->contact_uris)
        extra_of(kept)->contact_uris = file_copy_list(msg->contact_uris);
    if (msg->challenge.header != SIPKB_AUTH_NONE) {
        stored_extra *extra = extra_of(kept);
        extra->challenge_header = msg->challenge.header;
        extra->challenge_realm = sipkb_intern(msg->challenge.realm);
        extra->challenge_algorithm = sipkb_intern(msg->challenge.algorithm);
    }
}

/* ---- first pass ---------------------------------------------------------------------------- */

/* Credentials: compare the From user with the digest username, and link the challenge. */
static void
note_credentials(packet_info *pinfo, const sipkb_message *msg, call_record *call,
                 const char *method, transaction_record *record, stored_message *kept)
{
    sipkb_transaction *txn = &record->transaction;
    sipkb_challenge *latest = latest_challenge(call, method);
    record->nonce_seen_before = latest ? latest->nonce : NULL;
    if (msg->credentials.header == SIPKB_AUTH_NONE)
        return;
    txn->has_credentials = TRUE;
    txn->from_user = sipkb_intern(msg->from_user);
    txn->digest_username = sipkb_intern(msg->credentials.username);
    txn->credentials_nonce = file_copy(msg->credentials.nonce);
    txn->callerid = sipkb_compare_callerid(msg->from_user, msg->credentials.username);
    const char *asserted[] = {msg->p_asserted_identity_user, msg->p_preferred_identity_user};
    for (gsize i = 0; i < G_N_ELEMENTS(asserted); i++) {
        if (sipkb_compare_callerid(asserted[i], msg->credentials.username) ==
            SIPKB_CALLERID_MATCH) {
            extra_of(kept)->asserted_identity = sipkb_intern(asserted[i]);
            break;
        }
    }
    if (latest && !latest->answered_in) {
        latest->answered_in = pinfo->num;
        kept->challenge = latest;
    }
}

static void
first_pass_request(packet_info *pinfo, const sipkb_message *msg, stored_message *kept)
{
    call_record *call = find_or_add_call(msg->call_id);
    const char *method = kept->cseq_method;
    request_group *group = find_group(call, msg->cseq_number, method, TRUE);
    transaction_record *record = find_transaction(group, msg->top_via_branch);
    if (record) {
        /* The same transaction again from its client: a retransmission (RFC 3261 17.1). */
        record->transaction.retransmissions++;
        group->retransmissions++;
        kept->transaction = &record->transaction;
        kept->flags |= STORED_RETRANSMISSION;
        return;
    }
    record = wmem_new0(wmem_file_scope(), transaction_record);
    record->group = group;
    record->branch = msg->top_via_branch ? wmem_strdup(wmem_file_scope(), msg->top_via_branch) : "";
    record->transaction.first_frame = pinfo->num;
    record->transaction.first_time = pinfo->abs_ts;
    record->transaction.expects_response = strcmp(method, "ACK") != 0;
    wmem_map_insert(transactions, record, record);
    kept->transaction = &record->transaction;
    note_credentials(pinfo, msg, call, method, record, kept);

    if (strcmp(method, "CANCEL") == 0) {
        /* A CANCEL shares the INVITE's Call-ID, CSeq number and branch (RFC 3261 9.1). */
        transaction_record *invite = find_transaction(
            find_group(call, msg->cseq_number, sipkb_intern("INVITE"), FALSE), msg->top_via_branch);
        if (invite && !invite->transaction.cancel_frame) {
            invite->transaction.cancel_frame = pinfo->num;
            invite->transaction.cancel_time = pinfo->abs_ts;
        }
    }
}

static void
note_challenge(packet_info *pinfo, const sipkb_message *msg, call_record *call,
               transaction_record *record, stored_message *kept)
{
    call_challenge *slot = challenge_slot(call, kept->cseq_method, TRUE);
    if (msg->is_resend && slot->latest) {
        kept->challenge = slot->latest; /* the same challenge sent again */
        return;
    }
    sipkb_challenge *challenge = wmem_new0(wmem_file_scope(), sipkb_challenge);
    challenge->challenge_frame = pinfo->num;
    challenge->request_frame = record ? record->transaction.first_frame : 0;
    challenge->nonce = file_copy(msg->challenge.nonce);
    slot->latest = challenge;
    kept->challenge = challenge;
    if (record) {
        kept->rechallenge = (guint8)sipkb_classify_rechallenge(
            record->transaction.has_credentials, msg->challenge.stale,
            record->transaction.credentials_nonce, record->nonce_seen_before);
    }
}

static void
first_pass_response(packet_info *pinfo, const sipkb_message *msg, stored_message *kept)
{
    call_record *call = find_or_add_call(msg->call_id);
    request_group *group = find_group(call, msg->cseq_number, kept->cseq_method, FALSE);
    transaction_record *record = find_transaction(group, msg->top_via_branch);
    sipkb_transaction *txn = record ? &record->transaction : NULL;
    kept->transaction = txn;
    if (txn) {
        kept->group_retransmissions = group->retransmissions;
        if (msg->status_code >= 200 && !txn->final_frame) {
            txn->final_frame = pinfo->num;
            txn->final_code = msg->status_code;
        }
    }
    if (msg->status_code == 401 || msg->status_code == 407)
        note_challenge(pinfo, msg, call, record, kept);
}

const sipkb_frame_findings *
sipkb_analysis_first_pass(packet_info *pinfo, tvbuff_t *frame_tvb, const sipkb_field_source *source,
                          const sipkb_located_message *messages, guint n_messages)
{
    ensure_maps();
    n_messages = MIN(n_messages, G_MAXUINT16);
    guint32 first = 0;
    for (guint i = 0; i < n_messages; i++) {
        const sipkb_message *msg = &messages[i].msg;
        guint32 index;
        stored_message *kept = store_message(&index);
        if (i == 0) {
            first = index;
            kept->n_in_frame = (guint16)n_messages;
        }
        keep_for_display(&messages[i], frame_tvb, kept);
        kept->sdp = sipkb_sdp_first_pass(source, pinfo, &messages[i]);
        kept->via = sipkb_via_first_pass(source, pinfo, &messages[i]);
        if (!trackable(msg))
            continue;
        if (msg->is_request)
            first_pass_request(pinfo, msg, kept);
        else if (msg->is_response && msg->has_status_code)
            first_pass_response(pinfo, msg, kept);
    }
    *frame_slot(pinfo->num, TRUE) = first + 1;
    return sipkb_analysis_stored(pinfo);
}

/* ---- later passes (and the first, once stored) --------------------------------------------- */

/* The findings of one stored message as the display wants them; what follows from other
 * frames' state (waiting time, CANCEL, 403 evidence) is worked out here, the same way on every
 * pass. */
static void
expand(packet_info *pinfo, const stored_message *kept, sipkb_findings *f)
{
    sipkb_message *msg = &f->msg;
    msg->is_request = (kept->flags & STORED_REQUEST) != 0;
    msg->is_response = (kept->flags & STORED_RESPONSE) != 0;
    msg->has_status_code = (kept->flags & STORED_HAS_STATUS_CODE) != 0;
    msg->has_retry_after = (kept->flags & STORED_HAS_RETRY_AFTER) != 0;
    msg->status_code = kept->status_code;
    msg->retry_after = kept->retry_after;
    msg->method = kept->method;
    msg->cseq_method = kept->cseq_method;
    msg->reason_phrase = kept->reason_phrase;
    f->start = kept->start;
    f->length = kept->length;
    f->transaction = kept->transaction;
    f->is_retransmission = (kept->flags & STORED_RETRANSMISSION) != 0;
    f->sdp = kept->sdp;
    f->via = kept->via;
    if (kept->extra) {
        msg->contact_uris = kept->extra->contact_uris;
        msg->challenge.header = kept->extra->challenge_header;
        msg->challenge.realm = kept->extra->challenge_realm;
        msg->challenge.algorithm = kept->extra->challenge_algorithm;
        f->asserted_identity = kept->extra->asserted_identity;
    }
    if (msg->is_request) {
        f->answers_challenge = kept->challenge;
        return;
    }
    f->challenge = kept->challenge;
    f->rechallenge = (sipkb_rechallenge)kept->rechallenge;
    const sipkb_transaction *txn = kept->transaction;
    if (txn) {
        f->group_retransmissions = kept->group_retransmissions;
        nstime_delta(&f->waited, &pinfo->abs_ts, &txn->first_time);
        /* A CANCEL that came before this response. */
        if (txn->cancel_frame && txn->cancel_frame < pinfo->num) {
            f->cancel_known = TRUE;
            nstime_delta(&f->invite_to_cancel, &txn->cancel_time, &txn->first_time);
        }
    }
    if (msg->is_response && msg->has_status_code && msg->status_code == 403)
        sipkb_rank_forbidden(msg->reason_phrase, txn != NULL, txn && txn->has_credentials,
                             txn ? txn->callerid : SIPKB_CALLERID_NOT_APPLICABLE, &f->forbidden);
}

const sipkb_frame_findings *
sipkb_analysis_stored(packet_info *pinfo)
{
    const guint32 *slot = frame_slot(pinfo->num, FALSE);
    if (!slot || !*slot)
        return NULL;
    const stored_message *first = stored_at(*slot - 1);
    sipkb_frame_findings *frame = wmem_new0(pinfo->pool, sipkb_frame_findings);
    frame->n_messages = first->n_in_frame;
    frame->findings = wmem_alloc0_array(pinfo->pool, sipkb_findings, frame->n_messages);
    for (guint i = 0; i < frame->n_messages; i++)
        expand(pinfo, stored_at(*slot - 1 + i), &frame->findings[i]);
    return frame;
}
