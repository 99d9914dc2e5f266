/* sipkb post-dissector: registration, and turning the core's findings into tree and expert
 * items. The decisions are made in plugin/core/ (Wireshark-free); fields are read in
 * sipkb-fields.c. This file only shows.
 */
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tap.h>
#include <wsutil/wslog.h>

#include "sipkb-kb-sources.h"
#include "sipkb-analysis.h"
#include "sipkb-fields.h"
#include "sipkb-register.h"
#include "sipkb-stats.h"
#include "sipkb-version.h"
#include "sipkb-sdp.h"
#include "sipkb-via.h"
#include "sipkb/kb.h"
#include "sipkb/response.h"
#include "ws-compat.h"

static int proto_sipkb = -1;
static dissector_handle_t sipkb_handle;

static int hf_sipkb_code = -1;
static int hf_sipkb_class = -1;
static int hf_sipkb_summary = -1;
static int hf_sipkb_explanation = -1;
static int hf_sipkb_cause = -1;
static int hf_sipkb_advice = -1;
static int hf_sipkb_provider_note = -1;
static int hf_sipkb_reference = -1;
static int hf_sipkb_source = -1;
static int hf_sipkb_class_fallback = -1;
static int hf_sipkb_request_frame = -1;
static int hf_sipkb_retransmission_of = -1;
static int hf_sipkb_no_final_response = -1;
static int hf_sipkb_auth_challenger = -1;
static int hf_sipkb_auth_realm = -1;
static int hf_sipkb_auth_algorithm = -1;
static int hf_sipkb_auth_request_frame = -1;
static int hf_sipkb_auth_answered_in = -1;
static int hf_sipkb_auth_unanswered = -1;
static int hf_sipkb_auth_challenge_frame = -1;
static int hf_sipkb_auth_stale = -1;
static int hf_sipkb_auth_rejected = -1;
static int hf_sipkb_callerid_mismatch = -1;
static int hf_sipkb_callerid_from_user = -1;
static int hf_sipkb_callerid_auth_user = -1;
static int hf_sipkb_callerid_format_only = -1;
static int hf_sipkb_callerid_asserted = -1;
static int hf_sipkb_callerid_request_frame = -1;
static int hf_sipkb_cancel_frame = -1;
static int hf_sipkb_cancel_delay = -1;
static int hf_sipkb_cancel_missing = -1;
static int hf_sipkb_retransmissions = -1;
static int hf_sipkb_waited = -1;
static int hf_sipkb_retry_after = -1;
static int hf_sipkb_retry_at = -1;
static int hf_sipkb_redirect_target = -1;
static int hf_sipkb_call_outcome = -1;

static gint ett_sipkb = -1;
static gint ett_sipkb_failure = -1; /* the same subtree, open by default */
static gint ett_sipkb_causes = -1;
static gint ett_sipkb_advice = -1;
static gint ett_sipkb_auth = -1;
static gint ett_sipkb_callerid = -1;
static gint ett_sipkb_about = -1;

static expert_field ei_sipkb_response_progress = EI_INIT;
static expert_field ei_sipkb_response_challenge = EI_INIT;
static expert_field ei_sipkb_response_redirect = EI_INIT;
static expert_field ei_sipkb_response_failure = EI_INIT;
static expert_field ei_sipkb_response_invalid = EI_INIT;
static expert_field ei_sipkb_callerid_mismatch = EI_INIT;
static expert_field ei_sipkb_auth_unanswered = EI_INIT;
static expert_field ei_sipkb_auth_stale = EI_INIT;
static expert_field ei_sipkb_auth_rejected = EI_INIT;
static expert_field ei_sipkb_no_final_response = EI_INIT;
static expert_field ei_sipkb_cancel_missing = EI_INIT;

static sipkb_pref_bool pref_info_column = FALSE;

static expert_field *
response_expert_field(sipkb_response_kind kind)
{
    switch (kind) {
    case SIPKB_RESPONSE_PROVISIONAL:
    case SIPKB_RESPONSE_SUCCESS:
        return &ei_sipkb_response_progress;
    case SIPKB_RESPONSE_CHALLENGE:
        return &ei_sipkb_response_challenge;
    case SIPKB_RESPONSE_REDIRECT:
        return &ei_sipkb_response_redirect;
    case SIPKB_RESPONSE_FAILURE:
        break;
    case SIPKB_RESPONSE_INVALID:
        return &ei_sipkb_response_invalid;
    }
    return &ei_sipkb_response_failure;
}

/* Where the items of one SIP message go, and what sipkb decided about it. */
typedef struct {
    packet_info *pinfo;
    tvbuff_t *tvb; /* the frame's */
    gint start;
    gint length;
    const sipkb_message *msg;
    const sipkb_findings *findings; /* NULL when the message could not be tracked */
    gboolean capture_complete;      /* a later pass: forward links and absences are final */
} show_ctx;

static proto_item *
generated(proto_item *item)
{
    proto_item_set_generated(item);
    return item;
}

static proto_item *
add_string(const show_ctx *c, proto_tree *tree, int hf, const char *text)
{
    return generated(proto_tree_add_string(tree, hf, c->tvb, c->start, 0, text));
}

static proto_item *
add_uint(const show_ctx *c, proto_tree *tree, int hf, guint32 value)
{
    return generated(proto_tree_add_uint(tree, hf, c->tvb, c->start, 0, value));
}

static proto_item *
add_flag(const show_ctx *c, proto_tree *tree, int hf)
{
    return generated(proto_tree_add_boolean(tree, hf, c->tvb, c->start, 0, TRUE));
}

static proto_item *
add_time(const show_ctx *c, proto_tree *tree, int hf, const nstime_t *value)
{
    return generated(proto_tree_add_time(tree, hf, c->tvb, c->start, 0, value));
}

/* A labelled list (causes, advice): one item per line, under a subtree when there are several. */
static void
add_text_list(const show_ctx *c, proto_tree *tree, int hf, gint ett, const char *label,
              const char *const *lines)
{
    if (!lines || !lines[0])
        return;
    proto_tree *list_tree = tree;
    if (lines[1])
        list_tree = proto_tree_add_subtree(tree, c->tvb, c->start, 0, ett, NULL, label);
    for (const char *const *line = lines; *line; line++)
        add_string(c, list_tree, hf, *line);
}

static proto_tree *
add_sipkb_item(const show_ctx *c, proto_tree *tree, proto_item **top, gboolean failure)
{
    *top = generated(proto_tree_add_item(tree, proto_sipkb, c->tvb, c->start, c->length, ENC_NA));
    return proto_item_add_subtree(*top, failure ? ett_sipkb_failure : ett_sipkb);
}

static const sipkb_transaction *
transaction_of(const show_ctx *c)
{
    return c->findings ? c->findings->transaction : NULL;
}

/* ---- causes ranked from the evidence (403) ------------------------------------------------- */

static const char *
forbidden_evidence_text(const show_ctx *c, sipkb_forbidden_evidence evidence)
{
    const sipkb_transaction *txn = transaction_of(c);
    const char *phrase = c->msg->reason_phrase;
    guint32 request = txn ? txn->first_frame : 0;
    switch (evidence) {
    case SIPKB_FORBIDDEN_REASON_CREDENTIALS:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "The reason phrase \"%s\" points to refused "
                                  "credentials (password or username)",
                                  phrase);
    case SIPKB_FORBIDDEN_REASON_CREDIT:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "The reason phrase \"%s\" points to the "
                                  "account's credit or balance",
                                  phrase);
    case SIPKB_FORBIDDEN_REASON_CALLERID:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "The reason phrase \"%s\" points to the "
                                  "caller's identity (From / Caller-ID)",
                                  phrase);
    case SIPKB_FORBIDDEN_CALLERID_MISMATCH:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "Caller-ID mismatch: the request (frame %u) "
                                  "has From user %s but digest username %s",
                                  request, txn->from_user, txn->digest_username);
    case SIPKB_FORBIDDEN_NO_CREDENTIALS:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "The request (frame %u) carried no "
                                  "credentials and the server refuses it without them",
                                  request);
    case SIPKB_FORBIDDEN_CREDENTIALS_MATCH:
        return wmem_strdup_printf(c->pinfo->pool,
                                  "The request (frame %u) carried credentials "
                                  "matching its From user: a wrong password or the account's "
                                  "state (credit, permissions) is likelier",
                                  request);
    }
    return NULL;
}

/* `first` (an override's text, may be NULL), then `middle`, then `rest`, as one list. */
static const char *const *
joined_lines(wmem_allocator_t *pool, const char *first, const char *const *middle, guint n_middle,
             const char *const *rest)
{
    guint n_rest = rest ? g_strv_length((char **)rest) : 0;
    const char **lines = wmem_alloc0_array(pool, const char *, 1 + n_middle + n_rest + 1);
    guint n = 0;
    if (first)
        lines[n++] = first;
    for (guint i = 0; i < n_middle; i++)
        lines[n++] = middle[i];
    for (guint i = 0; i < n_rest; i++)
        lines[n++] = rest[i];
    return lines;
}

/* Causes, most likely first: the user's override, the evidence of this capture, the KB's. */
static void
show_causes(const show_ctx *c, proto_tree *tree, const sipkb_response_entry *entry,
            const char *override_cause)
{
    const sipkb_forbidden_ranking *ranking = c->findings ? &c->findings->forbidden : NULL;
    guint n_evidence = ranking ? ranking->count : 0;
    const char **evidence = wmem_alloc0_array(c->pinfo->pool, const char *, n_evidence + 1);
    for (guint i = 0; i < n_evidence; i++)
        evidence[i] = forbidden_evidence_text(c, ranking->items[i]);
    add_text_list(
        c, tree, hf_sipkb_cause, ett_sipkb_causes, "Likely causes",
        joined_lines(c->pinfo->pool, override_cause, evidence, n_evidence, entry->causes));
}

/* Says which KB layer each text came from. */
static void
show_sources(const show_ctx *c, proto_tree *tree, const sipkb_response_entry *entry,
             const sipkb_override *override, guint override_row)
{
    wmem_allocator_t *pool = c->pinfo->pool;
    const char *row = override ? wmem_strdup_printf(pool,
                                                    "user override (SIP KB overrides row "
                                                    "%u)",
                                                    override_row)
                               : NULL;
    const struct {
        const char *what;
        sipkb_layer layer;
        gboolean overridden;
    } texts[] = {
        {"Explanation", entry->meaning_layer, override && sipkb_override_meaning(override)},
        {"Causes", entry->causes_layer, override && sipkb_override_cause(override)},
        {"Advice", entry->advice_layer, override && sipkb_override_advice(override)},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        const char *layer = sipkb_kb_sources_layer_text(texts[i].layer);
        add_string(c, tree, hf_sipkb_source,
                   !texts[i].overridden ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, layer)
                   : i == 0             ? wmem_strdup_printf(pool, "%s: %s", texts[i].what, row)
                            : wmem_strdup_printf(pool, "%s: %s first, then %s", texts[i].what, row,
                                                 layer));
    }
    if (entry->provider_note)
        add_string(c, tree, hf_sipkb_source, "Provider note: provider profile (carrier notes)");
}

/* ---- cross-message findings ------------------------------------------------------------------ */

static void
show_challenge(const show_ctx *c, proto_tree *tree)
{
    const sipkb_challenge *challenge = c->findings ? c->findings->challenge : NULL;
    const sipkb_auth *auth = &c->msg->challenge;
    proto_tree *auth_tree =
        proto_tree_add_subtree(tree, c->tvb, c->start, 0, ett_sipkb_auth, NULL, "Authentication");
    add_string(c, auth_tree, hf_sipkb_auth_challenger,
               c->msg->status_code == 407
                   ? "a proxy (407, Proxy-Authenticate): answer with Proxy-Authorization"
                   : "registrar or UAS (401, WWW-Authenticate): answer with Authorization");
    if (auth->realm)
        add_string(c, auth_tree, hf_sipkb_auth_realm, auth->realm);
    if (auth->header != SIPKB_AUTH_NONE)
        add_string(c, auth_tree, hf_sipkb_auth_algorithm,
                   auth->algorithm ? auth->algorithm : "MD5 (no algorithm parameter)");
    if (!challenge)
        return;
    if (challenge->request_frame)
        add_uint(c, auth_tree, hf_sipkb_auth_request_frame, challenge->request_frame);
    if (challenge->answered_in) {
        add_uint(c, auth_tree, hf_sipkb_auth_answered_in, challenge->answered_in);
    } else if (c->capture_complete) {
        proto_item *item = add_flag(c, auth_tree, hf_sipkb_auth_unanswered);
        expert_add_info_format(c->pinfo, item, &ei_sipkb_auth_unanswered,
                               "%u challenge never answered: the capture holds no retry with "
                               "credentials",
                               c->msg->status_code);
    }
    if (c->findings->rechallenge == SIPKB_RECHALLENGE_STALE) {
        proto_item *item = add_flag(c, auth_tree, hf_sipkb_auth_stale);
        expert_add_info(c->pinfo, item, &ei_sipkb_auth_stale);
    } else if (c->findings->rechallenge == SIPKB_RECHALLENGE_REJECTED) {
        proto_item *item = add_flag(c, auth_tree, hf_sipkb_auth_rejected);
        expert_add_info(c->pinfo, item, &ei_sipkb_auth_rejected);
    }
}

static const char *
callerid_verdict(const sipkb_transaction *txn)
{
    switch (txn->callerid) {
    case SIPKB_CALLERID_MISMATCH:
        return "differs from";
    case SIPKB_CALLERID_FORMAT_DIFFERS:
        return "is the same number in another format than";
    default:
        return "matches";
    }
}

/* On a request with credentials: From user vs digest username. */
static void
show_callerid(const show_ctx *c, proto_tree *tree, gboolean on_request)
{
    const sipkb_transaction *txn = transaction_of(c);
    if (!txn || !txn->has_credentials || txn->callerid == SIPKB_CALLERID_NOT_APPLICABLE)
        return;
    gboolean mismatch = sipkb_callerid_is_mismatch(txn->callerid);
    proto_tree *id_tree =
        proto_tree_add_subtree_format(tree, c->tvb, c->start, 0, ett_sipkb_callerid, NULL,
                                      "Caller-ID: From user %s %s digest username %s",
                                      txn->from_user, callerid_verdict(txn), txn->digest_username);
    if (!on_request)
        add_uint(c, id_tree, hf_sipkb_callerid_request_frame, txn->first_frame);
    add_string(c, id_tree, hf_sipkb_callerid_from_user, txn->from_user);
    add_string(c, id_tree, hf_sipkb_callerid_auth_user, txn->digest_username);
    if (!mismatch || !on_request)
        return;
    proto_item *flag = add_flag(c, id_tree, hf_sipkb_callerid_mismatch);
    if (txn->callerid == SIPKB_CALLERID_FORMAT_DIFFERS)
        add_flag(c, id_tree, hf_sipkb_callerid_format_only);
    if (c->findings->asserted_identity)
        add_string(c, id_tree, hf_sipkb_callerid_asserted,
                   wmem_strdup_printf(c->pinfo->pool,
                                      "P-Asserted/Preferred-Identity carries "
                                      "the digest user %s: the server may take the caller ID "
                                      "from it",
                                      c->findings->asserted_identity));
    expert_add_info_format(
        c->pinfo, flag, &ei_sipkb_callerid_mismatch,
        "Caller-ID mismatch: From user %s %s digest username %s%s", txn->from_user,
        callerid_verdict(txn), txn->digest_username,
        txn->callerid == SIPKB_CALLERID_FORMAT_DIFFERS ? " (servers compare them exactly)" : "");
}

static void
show_cancel(const show_ctx *c, proto_tree *tree)
{
    const sipkb_transaction *txn = transaction_of(c);
    if (c->findings && c->findings->cancel_known) {
        add_uint(c, tree, hf_sipkb_cancel_frame, txn->cancel_frame);
        add_time(c, tree, hf_sipkb_cancel_delay, &c->findings->invite_to_cancel);
        return;
    }
    proto_item *item = add_flag(c, tree, hf_sipkb_cancel_missing);
    expert_add_info(c->pinfo, item, &ei_sipkb_cancel_missing);
}

static void
show_timeout(const show_ctx *c, proto_tree *tree)
{
    if (!transaction_of(c))
        return;
    add_uint(c, tree, hf_sipkb_retransmissions, c->findings->group_retransmissions);
    add_time(c, tree, hf_sipkb_waited, &c->findings->waited);
}

static void
show_retry_after(const show_ctx *c, proto_tree *tree)
{
    if (!c->msg->has_retry_after)
        return;
    add_uint(c, tree, hf_sipkb_retry_after, c->msg->retry_after);
    nstime_t retry_at = c->pinfo->abs_ts;
    retry_at.secs += (time_t)c->msg->retry_after;
    add_time(c, tree, hf_sipkb_retry_at, &retry_at);
}

static const char *
call_outcome_text(const show_ctx *c, const sipkb_response_entry *entry)
{
    const sipkb_transaction *txn = transaction_of(c);
    gboolean cancelled = c->findings && c->findings->cancel_known;
    guint32 code = c->msg->status_code;
    const char *reason = entry ? entry->reason : "";
    wmem_allocator_t *pool = c->pinfo->pool;
    switch (sipkb_call_outcome_of(code, cancelled)) {
    case SIPKB_CALL_ANSWERED:
        return wmem_strdup_printf(pool, "call answered: %u %s", code, reason);
    case SIPKB_CALL_REDIRECTED:
        return wmem_strdup_printf(pool,
                                  "call redirected: %u %s, the caller should try the "
                                  "Contact targets",
                                  code, reason);
    case SIPKB_CALL_CANCELLED:
        return wmem_strdup_printf(pool,
                                  "call cancelled by the caller %.1f s after the INVITE: "
                                  "487 after CANCEL (frame %u)",
                                  nstime_to_sec(&c->findings->invite_to_cancel), txn->cancel_frame);
    case SIPKB_CALL_TIMED_OUT:
        return wmem_strdup_printf(pool,
                                  "call timed out: 408 after %.1f s and %u "
                                  "retransmissions seen",
                                  c->findings ? nstime_to_sec(&c->findings->waited) : 0.0,
                                  c->findings ? c->findings->group_retransmissions : 0);
    case SIPKB_CALL_UNAVAILABLE:
        return wmem_strdup_printf(pool, "callee not reached: %u %s", code, reason);
    case SIPKB_CALL_REJECTED:
        break;
    }
    if (txn && sipkb_callerid_is_mismatch(txn->callerid))
        return wmem_strdup_printf(pool,
                                  "call rejected: %u after authenticated INVITE; From %s "
                                  "\u2260 digest %s",
                                  code, txn->from_user, txn->digest_username);
    if (txn)
        return wmem_strdup_printf(pool, "call rejected: %u %s after %s INVITE", code, reason,
                                  txn->has_credentials ? "authenticated" : "unauthenticated");
    return wmem_strdup_printf(pool, "call rejected: %u %s", code, reason);
}

static void
show_findings(const show_ctx *c, proto_tree *tree, const sipkb_response_entry *entry)
{
    guint32 code = c->msg->status_code;
    const sipkb_transaction *txn = transaction_of(c);
    if (code >= 200 && code != 401 && code != 407 && g_strcmp0(c->msg->cseq_method, "INVITE") == 0)
        add_string(c, tree, hf_sipkb_call_outcome, call_outcome_text(c, entry));
    if (txn)
        add_uint(c, tree, hf_sipkb_request_frame, txn->first_frame);
    if (code == 401 || code == 407)
        show_challenge(c, tree);
    if (code >= 300)
        show_callerid(c, tree, FALSE);
    if (code == 487)
        show_cancel(c, tree);
    if (code == 408)
        show_timeout(c, tree);
    show_retry_after(c, tree);
    if (code >= 300 && code < 400 && c->msg->contact_uris)
        for (const char *const *uri = c->msg->contact_uris; *uri; uri++)
            add_string(c, tree, hf_sipkb_redirect_target, *uri);
}

static proto_tree *
show_response(const show_ctx *c, proto_tree *tree)
{
    sipkb_response_explanation ex;
    sipkb_explain_response(sipkb_kb_sources_kb(), c->msg->status_code, &ex);

    proto_item *top;
    proto_tree *sipkb_tree = add_sipkb_item(c, tree, &top, ex.severity >= SIPKB_SEVERITY_WARN);
    proto_item *code_item = add_uint(c, sipkb_tree, hf_sipkb_code, ex.code);
    if (!ex.entry) {
        proto_item_append_text(top, ": %u is not a SIP status code", ex.code);
        expert_add_info_format(c->pinfo, code_item, response_expert_field(ex.kind),
                               "%u is not a SIP status code (RFC 3261 allows 100 to 699)", ex.code);
        return sipkb_tree;
    }
    const sipkb_response_entry *entry = ex.entry;
    const char *reason = ex.is_class_fallback ? "(unregistered code)" : entry->reason;
    proto_item_append_text(top, ": %u %s: %s", ex.code, reason, entry->summary);
    guint override_row = 0;
    const sipkb_override *override = sipkb_kb_sources_override(ex.code, c->msg->reason_phrase,
                                                               c->msg->cseq_method, &override_row);

    /* Most useful first: what happened in this capture, then why, then what to do. */
    show_findings(c, sipkb_tree, ex.is_class_fallback ? NULL : entry);
    show_causes(c, sipkb_tree, entry, override ? sipkb_override_cause(override) : NULL);
    add_text_list(c, sipkb_tree, hf_sipkb_advice, ett_sipkb_advice, "What to check next",
                  joined_lines(c->pinfo->pool, override ? sipkb_override_advice(override) : NULL,
                               NULL, 0, entry->advice));
    add_string(c, sipkb_tree, hf_sipkb_explanation,
               override && sipkb_override_meaning(override) ? sipkb_override_meaning(override)
                                                            : entry->meaning);
    if (entry->provider_note)
        add_string(c, sipkb_tree, hf_sipkb_provider_note, entry->provider_note);
    /* Reference material closes the subtree, in a subtree of its own. */
    proto_tree *about =
        proto_tree_add_subtree_format(sipkb_tree, c->tvb, c->start, 0, ett_sipkb_about, NULL,
                                      "About %u (%s; KB sources)", ex.code, entry->reference);
    add_string(c, about, hf_sipkb_summary, entry->summary);
    if (ex.class_entry)
        add_string(
            c, about, hf_sipkb_class,
            wmem_strdup_printf(c->pinfo->pool, "%uxx %s", ex.code / 100, ex.class_entry->reason));
    if (ex.is_class_fallback)
        add_flag(c, about, hf_sipkb_class_fallback);
    add_string(c, about, hf_sipkb_reference, entry->reference);
    show_sources(c, about, entry, override, override_row);

    expert_add_info_format(c->pinfo, code_item, response_expert_field(ex.kind), "%u %s: %s",
                           ex.code, reason, entry->summary);
    if (pref_info_column)
        col_append_fstr(c->pinfo->cinfo, COL_INFO, " [sipkb: %s]", entry->summary);
    return sipkb_tree;
}

static proto_tree *
show_request(const show_ctx *c, proto_tree *tree)
{
    const sipkb_findings *f = c->findings;
    const sipkb_transaction *txn = transaction_of(c);
    const char *method = c->msg->method ? c->msg->method : c->msg->cseq_method;
    proto_item *top;
    proto_tree *sipkb_tree = add_sipkb_item(c, tree, &top, FALSE);
    proto_item_append_text(top, ": %s", method ? method : "request");
    if (!txn)
        return sipkb_tree;
    gboolean unanswered =
        c->capture_complete && !f->is_retransmission && txn->expects_response && !txn->final_frame;
    if (f->is_retransmission) {
        proto_item_append_text(top, " retransmitted");
        add_uint(c, sipkb_tree, hf_sipkb_retransmission_of, txn->first_frame);
    }
    if (f->answers_challenge)
        add_uint(c, sipkb_tree, hf_sipkb_auth_challenge_frame,
                 f->answers_challenge->challenge_frame);
    if (txn->has_credentials && !f->is_retransmission) {
        proto_item_append_text(top, " with credentials");
        if (sipkb_callerid_is_mismatch(txn->callerid))
            proto_item_append_text(top, ": Caller-ID %s differs from digest username %s",
                                   txn->from_user, txn->digest_username);
        show_callerid(c, sipkb_tree, TRUE);
    }
    if (unanswered) {
        proto_item *item = add_flag(c, sipkb_tree, hf_sipkb_no_final_response);
        proto_item_append_text(top, ": no final response in the capture");
        expert_add_info_format(c->pinfo, item, &ei_sipkb_no_final_response,
                               "%s got no final response in the capture (%u retransmissions "
                               "seen)",
                               method, txn->retransmissions);
    }
    return sipkb_tree;
}

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
           (proto_expert_id > 0 && proto_field_is_referenced(tree, proto_expert_id));
}

/* No item is shown and no expert text read: the message's severity still counts (the expert
 * column and the capture's highest severity), and the Info column gets its summary. */
static void
show_brief(const show_ctx *c)
{
    const sipkb_message *msg = c->msg;
    if (msg->is_response && msg->has_status_code) {
        sipkb_response_explanation ex;
        sipkb_explain_response(sipkb_kb_sources_kb(), msg->status_code, &ex);
        expert_add_info(c->pinfo, NULL, response_expert_field(ex.kind));
        if (pref_info_column && ex.entry)
            col_append_fstr(c->pinfo->cinfo, COL_INFO, " [sipkb: %s]", ex.entry->summary);
        return;
    }
    const sipkb_transaction *txn = transaction_of(c);
    if (msg->is_request && txn && c->capture_complete && !c->findings->is_retransmission &&
        txn->expects_response && !txn->final_frame)
        expert_add_info(c->pinfo, NULL, &ei_sipkb_no_final_response);
}

static int
dissect_sipkb(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    gboolean first_pass = !PINFO_FD_VISITED(pinfo);
    const sipkb_frame_findings *frame = first_pass ? NULL : sipkb_analysis_stored(pinfo);
    if (!first_pass && !frame)
        return 0; /* no SIP here */
    /* The fields are read on the first pass, and on later ones where the tree shows them
     * (for the line-by-line SDP and Via explanations). */
    sipkb_field_source *source = sipkb_field_source_new(tree, pinfo);
    sipkb_located_message *located = NULL;
    guint n_located = sipkb_fields_extract(source, pinfo->pool, &located);
    if (first_pass) {
        if (n_located == 0)
            return 0;
        frame = sipkb_analysis_first_pass(pinfo, tvb, source, located, n_located);
    }
    /* Items only where someone can see them: a visible tree, or a filter, colouring rule or
     * column that names a sipkb field. Otherwise (tshark's summary lines, a GUI's first pass)
     * the severity of each message is all that is recorded. */
    gboolean detailed =
        tree && (proto_field_is_referenced(tree, proto_sipkb) || expert_list_wanted(tree));
    for (guint i = 0; i < frame->n_messages; i++) {
        const sipkb_findings *findings = &frame->findings[i];
        const sipkb_located_message *where = n_located == frame->n_messages ? &located[i] : NULL;
        show_ctx c = {pinfo,          tvb,      findings->start, findings->length,
                      &findings->msg, findings, !first_pass};
        if (!detailed) {
            show_brief(&c);
            sipkb_stats_queue(pinfo, findings);
            continue;
        }
        proto_tree *sipkb_tree = NULL;
        if (c.msg->is_response && c.msg->has_status_code)
            sipkb_tree = show_response(&c, tree);
        else if (c.msg->is_request)
            sipkb_tree = show_request(&c, tree);
        /* The statistics count every message, with or without a tree (tshark -q). */
        sipkb_stats_queue(pinfo, findings);
        if (!sipkb_tree)
            continue;
        sipkb_sdp_show(sipkb_tree, pinfo, tvb, c.start, source, where, findings->sdp);
        sipkb_via_show(sipkb_tree, pinfo, tvb, c.start, source, where, findings->via);
    }
    return tvb_captured_length(tvb);
}

void
proto_register_sipkb(void)
{
    static hf_register_info hf[] = {
        {&hf_sipkb_code,
         {"Response code", "sipkb.code", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The SIP status code sipkb explains", HFILL}},
        {&hf_sipkb_class,
         {"Class", "sipkb.class", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the first digit of the code means (RFC 3261 section 7.2)", HFILL}},
        {&hf_sipkb_summary,
         {"Summary", "sipkb.summary", FT_STRING, BASE_NONE, NULL, 0x0,
          "The explanation in one line", HFILL}},
        {&hf_sipkb_explanation,
         {"Explanation", "sipkb.explanation", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the response code means", HFILL}},
        {&hf_sipkb_cause,
         {"Likely cause", "sipkb.cause", FT_STRING, BASE_NONE, NULL, 0x0,
          "A likely cause of this response, most likely first", HFILL}},
        {&hf_sipkb_advice,
         {"Check", "sipkb.advice", FT_STRING, BASE_NONE, NULL, 0x0, "What to check next", HFILL}},
        {&hf_sipkb_provider_note,
         {"Provider note", "sipkb.provider_note", FT_STRING, BASE_NONE, NULL, 0x0,
          "What this code means on the provider's network, from the provider profile", HFILL}},
        {&hf_sipkb_reference,
         {"Reference", "sipkb.reference", FT_STRING, BASE_NONE, NULL, 0x0,
          "Where the code is defined", HFILL}},
        {&hf_sipkb_source,
         {"Source", "sipkb.source", FT_STRING, BASE_NONE, NULL, 0x0,
          "Which KB layer a text comes from: generic, provider profile, team file, override",
          HFILL}},
        {&hf_sipkb_class_fallback,
         {"Explained by its class only", "sipkb.class_fallback", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The code is not in the IANA registry nor the KB; its class explains it", HFILL}},
        {&hf_sipkb_request_frame,
         {"Request", "sipkb.request_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "First copy of the request this response answers (same Call-ID, CSeq and Via branch)",
          HFILL}},
        {&hf_sipkb_retransmission_of,
         {"Retransmission of", "sipkb.retransmission_of", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RETRANS_PREV), 0x0,
          "This request repeats the one in that frame (same transaction)", HFILL}},
        {&hf_sipkb_no_final_response,
         {"No final response", "sipkb.no_final_response", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The capture holds no final response to this request (known once the whole capture "
          "is read)",
          HFILL}},
        {&hf_sipkb_auth_challenger,
         {"Challenged by", "sipkb.auth.challenger", FT_STRING, BASE_NONE, NULL, 0x0,
          "Who asks for credentials: 401 comes from a registrar or UAS, 407 from a proxy", HFILL}},
        {&hf_sipkb_auth_realm,
         {"Realm", "sipkb.auth.realm", FT_STRING, BASE_NONE, NULL, 0x0,
          "The protection realm the credentials must be for", HFILL}},
        {&hf_sipkb_auth_algorithm,
         {"Algorithm", "sipkb.auth.algorithm", FT_STRING, BASE_NONE, NULL, 0x0,
          "Digest algorithm asked for (MD5 when absent, RFC 3261 section 22.4)", HFILL}},
        {&hf_sipkb_auth_request_frame,
         {"Challenged request", "sipkb.auth.request_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The request this challenge answers", HFILL}},
        {&hf_sipkb_auth_answered_in,
         {"Answered in", "sipkb.auth.answered_in", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_RESPONSE), 0x0,
          "The retry that carries credentials for this challenge", HFILL}},
        {&hf_sipkb_auth_unanswered,
         {"Challenge unanswered", "sipkb.auth.unanswered", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The capture holds no retry with credentials for this challenge", HFILL}},
        {&hf_sipkb_auth_challenge_frame,
         {"Answers the challenge in", "sipkb.auth.challenge_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The 401/407 this request's credentials answer",
          HFILL}},
        {&hf_sipkb_auth_stale,
         {"Stale nonce", "sipkb.auth.stale", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Credentials challenged again because their nonce was stale or replaced: normal, "
          "the client retries with the new nonce",
          HFILL}},
        {&hf_sipkb_auth_rejected,
         {"Credentials rejected", "sipkb.auth.rejected", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "Credentials computed on the current nonce were challenged again: wrong username, "
          "password or realm",
          HFILL}},
        {&hf_sipkb_callerid_mismatch,
         {"Caller-ID mismatch", "sipkb.callerid_mismatch", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The From URI user differs from the digest username of the credentials", HFILL}},
        {&hf_sipkb_callerid_from_user,
         {"From user", "sipkb.callerid.from_user", FT_STRING, BASE_NONE, NULL, 0x0,
          "The caller ID presented in the From URI", HFILL}},
        {&hf_sipkb_callerid_auth_user,
         {"Digest username", "sipkb.callerid.auth_user", FT_STRING, BASE_NONE, NULL, 0x0,
          "The username of the Authorization or Proxy-Authorization credentials", HFILL}},
        {&hf_sipkb_callerid_format_only,
         {"Number format differs only", "sipkb.callerid.format_only", FT_BOOLEAN, BASE_NONE, NULL,
          0x0,
          "Same number written differently (+, country code, trunk prefix); servers still "
          "compare exactly",
          HFILL}},
        {&hf_sipkb_callerid_asserted,
         {"Asserted identity", "sipkb.callerid.asserted", FT_STRING, BASE_NONE, NULL, 0x0,
          "P-Asserted-Identity or P-Preferred-Identity carries the digest user", HFILL}},
        {&hf_sipkb_callerid_request_frame,
         {"Request with these credentials", "sipkb.callerid.request_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0,
          "The request whose From user and digest username are compared", HFILL}},
        {&hf_sipkb_cancel_frame,
         {"CANCEL", "sipkb.cancel_frame", FT_FRAMENUM, BASE_NONE,
          FRAMENUM_TYPE(FT_FRAMENUM_REQUEST), 0x0, "The CANCEL that ended this INVITE transaction",
          HFILL}},
        {&hf_sipkb_cancel_delay,
         {"INVITE to CANCEL", "sipkb.cancel.delay", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "How long the caller waited before cancelling", HFILL}},
        {&hf_sipkb_cancel_missing,
         {"No CANCEL in the capture", "sipkb.cancel.missing", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "A 487 whose CANCEL (or other cause) is not in the capture", HFILL}},
        {&hf_sipkb_retransmissions,
         {"Retransmissions seen", "sipkb.retransmissions", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Copies of the request after the first, on every leg in the capture", HFILL}},
        {&hf_sipkb_waited,
         {"Waited", "sipkb.waited", FT_RELATIVE_TIME, BASE_NONE, NULL, 0x0,
          "From the request's first copy to this response", HFILL}},
        {&hf_sipkb_retry_after,
         {"Retry after (s)", "sipkb.retry_after", FT_UINT32, BASE_DEC, NULL, 0x0,
          "Seconds the client should wait before retrying (Retry-After)", HFILL}},
        {&hf_sipkb_retry_at,
         {"Retry at", "sipkb.retry_at", FT_ABSOLUTE_TIME, ABSOLUTE_TIME_UTC, NULL, 0x0,
          "This frame's time plus Retry-After", HFILL}},
        {&hf_sipkb_redirect_target,
         {"Redirect target", "sipkb.redirect.target", FT_STRING, BASE_NONE, NULL, 0x0,
          "A Contact of the 3xx: where the caller should try next", HFILL}},
        {&hf_sipkb_call_outcome,
         {"Call outcome", "sipkb.call.outcome", FT_STRING, BASE_NONE, NULL, 0x0,
          "What this final response means for the call", HFILL}},
    };

    static gint *ett[] = {&ett_sipkb,        &ett_sipkb_failure, &ett_sipkb_causes,
                          &ett_sipkb_advice, &ett_sipkb_auth,    &ett_sipkb_callerid,
                          &ett_sipkb_about};

    static ei_register_info ei[] = {
        {&ei_sipkb_response_progress,
         {"sipkb.response.progress", PI_RESPONSE_CODE, PI_CHAT, "Provisional or success response",
          EXPFILL}},
        {&ei_sipkb_response_challenge,
         {"sipkb.response.challenge", PI_RESPONSE_CODE, PI_CHAT,
          "Authentication challenge (a normal step)", EXPFILL}},
        {&ei_sipkb_response_redirect,
         {"sipkb.response.redirect", PI_RESPONSE_CODE, PI_NOTE, "Redirection", EXPFILL}},
        {&ei_sipkb_response_failure,
         {"sipkb.response.failure", PI_RESPONSE_CODE, PI_WARN, "Request failed", EXPFILL}},
        {&ei_sipkb_response_invalid,
         {"sipkb.response.invalid", PI_MALFORMED, PI_WARN, "Not a SIP status code", EXPFILL}},
        {&ei_sipkb_callerid_mismatch,
         {"sipkb.callerid_mismatch.expert", PI_PROTOCOL, PI_WARN,
          "Caller-ID (From user) differs from the digest username", EXPFILL}},
        {&ei_sipkb_auth_unanswered,
         {"sipkb.auth.unanswered.expert", PI_SEQUENCE, PI_WARN,
          "Challenge never answered in the capture", EXPFILL}},
        {&ei_sipkb_auth_stale,
         {"sipkb.auth.stale.expert", PI_SEQUENCE, PI_NOTE,
          "Challenged again for a stale or replaced nonce: the client should retry with the "
          "new nonce",
          EXPFILL}},
        {&ei_sipkb_auth_rejected,
         {"sipkb.auth.rejected.expert", PI_SEQUENCE, PI_WARN,
          "Credentials on a fresh nonce challenged again: wrong username, password or realm",
          EXPFILL}},
        {&ei_sipkb_no_final_response,
         {"sipkb.no_final_response.expert", PI_SEQUENCE, PI_WARN,
          "Request without a final response in the capture", EXPFILL}},
        {&ei_sipkb_cancel_missing,
         {"sipkb.cancel.missing.expert", PI_SEQUENCE, PI_NOTE,
          "487 without a CANCEL in the capture: the capture may miss it, or a BYE or another "
          "branch ended the INVITE",
          EXPFILL}},
    };

    proto_sipkb = proto_register_protocol("SIP knowledge base", "sipkb", "sipkb");
    proto_register_field_array(proto_sipkb, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert_sipkb = expert_register_protocol(proto_sipkb);
    expert_register_field_array(expert_sipkb, ei, array_length(ei));

    module_t *prefs = prefs_register_protocol(proto_sipkb, sipkb_kb_sources_apply);
    prefs_register_bool_preference(prefs, "info_column", "Summary in the Info column",
                                   "Append sipkb's one-line explanation of each SIP response "
                                   "to the Info column",
                                   &pref_info_column);

    sipkb_sdp_register(proto_sipkb);
    sipkb_via_register(proto_sipkb);
    sipkb_kb_sources_register(prefs);
    sipkb_version_register(proto_sipkb);
    sipkb_stats_register();
    sipkb_handle = create_dissector_handle(dissect_sipkb, proto_sipkb);
    register_postdissector(sipkb_handle);
}

/* Failures open in the packet details. Wireshark allocates its expansion table after every
 * registration and hand-off, so this runs when a capture is opened. */
static void
expand_failures(void)
{
    /* Once the sipkb item is open, what happened and what to do are open too; a success's
     * sipkb item itself stays closed (ett_sipkb). */
    static gint *const open_by_default[] = {&ett_sipkb_failure, &ett_sipkb_causes,
                                            &ett_sipkb_advice, &ett_sipkb_auth,
                                            &ett_sipkb_callerid};
    for (gsize i = 0; i < G_N_ELEMENTS(open_by_default); i++)
        tree_expanded_set(*open_by_default[i], TRUE);
}

void
proto_reg_handoff_sipkb(void)
{
    register_init_routine(expand_failures);
    register_init_routine(sipkb_analysis_init);
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
    sipkb_fields_resolve(wanted);
    sipkb_sdp_resolve(wanted);
    sipkb_via_resolve(wanted);
    set_postdissector_wanted_hfids(sipkb_handle, wanted);
}
