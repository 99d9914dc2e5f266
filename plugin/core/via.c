/* Via rules (see include/sipkb/via.h), each Via value in words, and the analyzer's decision on
 * the top Via of a message. */
#include "sipkb/via.h"

#include <string.h>

#include "analyzer-internal.h"
#include "sipkb/address.h"
#include "sipkb/text.h"

guint
sipkb_via_default_port(const char *transport)
{
    return transport && g_ascii_strcasecmp(transport, "TLS") == 0 ? 5061 : 5060;
}

gboolean
sipkb_via_transport_matches(const char *via_transport, const char *actual_transport)
{
    if (!via_transport || !actual_transport)
        return TRUE;
    if (g_ascii_strcasecmp(via_transport, actual_transport) == 0)
        return TRUE;
    static const char *const over_tcp[] = {"TLS", "WS", "WSS"};
    for (gsize i = 0; i < G_N_ELEMENTS(over_tcp); i++) {
        if (g_ascii_strcasecmp(via_transport, over_tcp[i]) == 0)
            return g_ascii_strcasecmp(actual_transport, "TCP") == 0;
    }
    return FALSE;
}

gboolean
sipkb_via_branch_is_rfc3261(const char *branch)
{
    return branch && g_str_has_prefix(branch, "z9hG4bK");
}

/* ---- a Via value in words ------------------------------------------------------------------- */

static char *
branch_words(const char *branch)
{
    char *shown = sipkb_text_prefix(branch, 40, NULL);
    char *text = g_strdup_printf(
        "Branch %s: %s", shown,
        sipkb_via_branch_is_rfc3261(branch)
            ? "the transaction ID (z9hG4bK cookie: RFC 3261-compliant)"
            : "no z9hG4bK cookie: an RFC 2543 client, transactions matched the old way");
    g_free(shown);
    return text;
}

static char *
rport_words(const char *rport)
{
    /* A bare ;rport reads as its own name in the SIP dissector. */
    if (g_strcmp0(rport, "rport") == 0)
        rport = "";
    if (*rport)
        return g_strdup_printf("rport=%s: the source port the next hop saw; responses go there "
                               "(RFC 3581)",
                               rport);
    return g_strdup("rport: the client asks for responses to its source port (NAT friendly) "
                    "(RFC 3581)");
}

char *
sipkb_via_explain(const sipkb_via *via, guint index, gboolean in_request, GPtrArray *details)
{
    /* A malformed Via may lack parts: name the gap rather than print "(null)". */
    const char *transport = via->transport ? via->transport : "(no transport)";
    const char *host = via->host ? via->host : "(no sent-by)";
    guint default_port = sipkb_via_default_port(transport);
    g_ptr_array_add(
        details, g_strdup_printf("Transport %s: responses return over %s", transport, transport));
    if (via->port)
        g_ptr_array_add(details,
                        g_strdup_printf("Sent-by %s port %u: where responses go", host, via->port));
    else
        g_ptr_array_add(details, g_strdup_printf("Sent-by %s, no port: %u is meant (RFC 3261 "
                                                 "section 18.2.2)",
                                                 host, default_port));
    if (via->branch)
        g_ptr_array_add(details, branch_words(via->branch));
    else if (via->parameters_read)
        g_ptr_array_add(details, g_strdup("No branch: an RFC 2543 client; RFC 3261 section 8.1.1.7 "
                                          "requires one, transactions are matched the old way "
                                          "(section 17.2.3)"));
    if (via->received)
        g_ptr_array_add(details,
                        g_strdup_printf("received=%s: the next hop saw the request come from %s%s",
                                        via->received, via->received,
                                        g_strcmp0(via->received, host)
                                            ? " (not sent-by: NAT or a multi-homed host)"
                                            : ""));
    if (via->rport)
        g_ptr_array_add(details, rport_words(via->rport));
    const char *role = index > 0    ? "an earlier hop"
                       : in_request ? "the sender of this request"
                                    : "the hop this response returns to";
    return g_strdup_printf("%u: SIP/2.0/%s %s:%u, added by %s", index + 1, transport, host,
                           via->port ? via->port : default_port, role);
}

/* ---- the analyzer's decision on a message's Via ---------------------------------------------- */

/* The private sent-by of the top Via and the public address that gives the NAT away: the
 * request's source, or the received parameter a server added (RFC 3261 section 18.2.1). */
static const char *
nat_seen(const sipkb_message *msg, const sipkb_via *top)
{
    if (!top->host || !sipkb_address_is_natted_kind(sipkb_classify_address(top->host)))
        return NULL;
    if (msg->is_request && msg->path.source &&
        sipkb_nat_hint_for(top->host, msg->path.source, NULL) == SIPKB_NAT_FROM_PUBLIC)
        return msg->path.source;
    if (top->received &&
        sipkb_nat_hint_for(top->host, top->received, NULL) == SIPKB_NAT_FROM_PUBLIC)
        return top->received;
    return NULL;
}

/* A fact about a peer is said once: the frame that first showed it for `peer` ("address:port")
 * in `*peers` (made when first needed), or 0 when this message is the first, now kept. */
static guint32
peer_first_frame(GHashTable **peers, const char *peer, guint32 frame)
{
    if (!*peers)
        *peers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    guint32 first = GPOINTER_TO_UINT(g_hash_table_lookup(*peers, peer));
    if (!first)
        g_hash_table_insert(*peers, g_strdup(peer), GUINT_TO_POINTER(frame));
    return first;
}

/* Variants of via.nat's text in the findings table: the client asks for rport (RFC 3581 section
 * 4), so responses already find it and only its binding and Contact remain to fix. */
enum { NAT_TEXT_WITHOUT_RPORT, NAT_TEXT_WITH_RPORT };

/* A client behind NAT is said once, on the first message that shows it; later messages link
 * to that frame. The client is the public address (and port) its messages come from. */
static void
decide_nat_once(decision *d, const sipkb_via *top, const char *seen)
{
    const sipkb_message *msg = d->msg;
    guint port = seen == msg->path.source ? msg->path.source_port : 0;
    if (top->rport && *top->rport)
        port = (guint)g_ascii_strtoull(top->rport, NULL, 10);
    char *peer = g_strdup_printf("%s:%u", seen, port);
    guint32 first = peer_first_frame(&d->analyzer->nat_peers, peer, msg->frame);
    g_free(peer);
    if (first) {
        decide_frame(d, SIPKB_F_VIA_NAT_FIRST_FRAME, first);
        return;
    }
    decide_flag(d, SIPKB_F_VIA_NAT, top->rport ? NAT_TEXT_WITH_RPORT : NAT_TEXT_WITHOUT_RPORT);
    decide_text(d, SIPKB_F_VIA_NAT_SENT_BY, top->host);
    decide_text(d, SIPKB_F_VIA_NAT_SEEN, seen);
}

/* A top Via without branch (RFC 2543 style; RFC 3261 section 8.1.1.7 requires one) is said once
 * per sender, on its first request that shows it; its later requests link to that frame. The
 * sender is the transport address its requests come from. A response's top Via is its
 * client's, so only requests tell. */
static void
decide_no_branch_once(decision *d, const sipkb_via *top)
{
    const sipkb_message *msg = d->msg;
    if (d->result->kind != SIPKB_MESSAGE_REQUEST || !top->parameters_read || top->branch)
        return;
    char *sender =
        g_strdup_printf("%s:%u", msg->path.source ? msg->path.source : "", msg->path.source_port);
    guint32 first = peer_first_frame(&d->analyzer->branchless_senders, sender, msg->frame);
    if (first) {
        decide_frame(d, SIPKB_F_VIA_NO_BRANCH_FIRST_FRAME, first);
    } else {
        decide_flag(d, SIPKB_F_VIA_NO_BRANCH, 0);
        decide_text(d, SIPKB_F_VIA_NO_BRANCH_SENDER, sender);
    }
    g_free(sender);
}

void
via_decide(decision *d)
{
    const sipkb_message *msg = d->msg;
    if (msg->n_vias == 0)
        return;
    const sipkb_via *top = &msg->vias[0];
    decide_item(d, SIPKB_F_VIA);
    if (!sipkb_via_transport_matches(top->transport, msg->path.transport)) {
        decide_flag(d, SIPKB_F_VIA_TRANSPORT_MISMATCH, 0);
        decide_text(d, SIPKB_F_VIA_TRANSPORT_SAID, top->transport);
        decide_text(d, SIPKB_F_VIA_TRANSPORT_USED, msg->path.transport);
    }
    const char *seen = nat_seen(msg, top);
    if (seen)
        decide_nat_once(d, top, seen);
    decide_no_branch_once(d, top);
}
