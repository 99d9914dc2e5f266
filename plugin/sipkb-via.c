/* Via headers explained (glue): reads the SIP dissector's Via fields, checks the top Via against
 * the transport and source address the packet really used, and shows each Via value in words.
 * Rules live in plugin/core/media.c.
 */
#include <wireshark.h>

#include "sipkb-via.h"
#include "sipkb-stats.h"

#include <epan/expert.h>
#include <epan/to_str.h>

#include "sipkb/media.h"
#include "ws-compat.h"

typedef enum {
    V_TRANSPORT, /* one per Via value: the parts of a value follow its transport */
    V_ADDRESS,
    V_PORT,
    V_BRANCH,
    V_RECEIVED,
    V_RPORT,
    N_VIA_FIELDS
} via_field;

static const char *const via_field_names[N_VIA_FIELDS] = {
    "sip.Via.transport", "sip.Via.sent-by.address", "sip.Via.sent-by.port",
    "sip.Via.branch",    "sip.Via.received",        "sip.Via.rport",
};

static int via_ids[N_VIA_FIELDS];

static int hf_via = -1;
static int hf_via_value = -1;
static int hf_via_detail = -1;
static int hf_via_transport_mismatch = -1;
static int hf_via_nat = -1;
static gint ett_via = -1;
static gint ett_via_value = -1;
static expert_field ei_via_transport_mismatch = EI_INIT;
static expert_field ei_via_nat = EI_INIT;

struct sipkb_via_findings {
    const char *via_transport; /* set when it differs from the packet's */
    const char *actual_transport;
    const char *nat_sent_by; /* set when the top Via's sent-by is private across NAT */
    const char *nat_seen;    /* the public address the packet or the server shows */
};

/* One Via value: its parts, each the first of its kind after the value's transport. */
typedef struct {
    const field_info *parts[N_VIA_FIELDS];
} via_value;

void
sipkb_via_resolve(GArray *wanted)
{
    /* Ports are only shown; the first pass reads the rest. */
    for (int i = 0; i < N_VIA_FIELDS; i++)
        via_ids[i] = i == V_PORT || i == V_RPORT ? sipkb_fields_want_shown(via_field_names[i])
                                                 : sipkb_fields_want(wanted, via_field_names[i]);
}

/* The message's Via values in order (at most `max`). */
static guint
collect_values(const sipkb_field_source *source, const sipkb_located_message *where,
               via_value *values, guint max)
{
    field_info **transports = NULL;
    guint n_transports = sipkb_field_source_get(source, via_ids[V_TRANSPORT], &transports);
    guint n = 0;
    for (guint t = 0; t < n_transports && n < max; t++) {
        const field_info *fi = transports[t];
        if (!sipkb_finfo_within(fi, where->tvb, where->start, where->length))
            continue;
        memset(&values[n], 0, sizeof(values[n]));
        values[n].parts[V_TRANSPORT] = fi;
        n++;
    }
    for (int part = V_ADDRESS; part < N_VIA_FIELDS; part++) {
        field_info **items = NULL;
        guint n_items = sipkb_field_source_get(source, via_ids[part], &items);
        for (guint k = 0; k < n_items; k++) {
            /* The value a part belongs to: the last one whose transport comes before it. */
            for (guint v = n; v-- > 0;) {
                const field_info *transport = values[v].parts[V_TRANSPORT];
                gint end = v + 1 < n ? values[v + 1].parts[V_TRANSPORT]->start
                                     : where->start + where->length;
                if (items[k]->ds_tvb == transport->ds_tvb && items[k]->start > transport->start &&
                    items[k]->start < end) {
                    if (!values[v].parts[part])
                        values[v].parts[part] = items[k];
                    break;
                }
            }
        }
    }
    return n;
}

static const char *
part_string(const via_value *value, via_field part)
{
    return value->parts[part] ? sipkb_finfo_string(value->parts[part]) : NULL;
}

static const char *
actual_transport(packet_info *pinfo)
{
    static const char *const transports[][2] = {{"udp", "UDP"}, {"tcp", "TCP"}, {"sctp", "SCTP"}};
    for (gsize i = 0; i < G_N_ELEMENTS(transports); i++) {
        if (proto_is_frame_protocol(pinfo->layers, transports[i][0]))
            return transports[i][1];
    }
    return NULL;
}

static const char *
file_copy(const char *text)
{
    return text ? wmem_strdup(wmem_file_scope(), text) : NULL;
}

sipkb_via_findings *
sipkb_via_first_pass(const sipkb_field_source *source, packet_info *pinfo,
                     const sipkb_located_message *where)
{
    via_value top;
    if (collect_values(source, where, &top, 1) == 0)
        return NULL;
    sipkb_via_findings findings = {0};
    const char *via_transport = part_string(&top, V_TRANSPORT);
    const char *actual = actual_transport(pinfo);
    if (!sipkb_via_transport_matches(via_transport, actual)) {
        findings.via_transport = file_copy(via_transport);
        findings.actual_transport = actual;
    }
    const char *sent_by = part_string(&top, V_ADDRESS);
    const char *received = part_string(&top, V_RECEIVED);
    /* Only a private or shared sent-by can give a NAT away: the packet's address is read then. */
    gboolean natted_kind = sent_by && sipkb_address_is_natted_kind(sipkb_classify_address(sent_by));
    const char *source_address =
        natted_kind && where->msg.is_request ? address_to_str(pinfo->pool, &pinfo->net_src) : NULL;
    if (source_address &&
        sipkb_nat_hint_for(sent_by, source_address, NULL) == SIPKB_NAT_FROM_PUBLIC) {
        findings.nat_sent_by = file_copy(sent_by);
        findings.nat_seen = file_copy(source_address);
    } else if (natted_kind && received &&
               sipkb_nat_hint_for(sent_by, received, NULL) == SIPKB_NAT_FROM_PUBLIC) {
        /* The server noted where the request really came from (RFC 3261 section 18.2.1). */
        findings.nat_sent_by = file_copy(sent_by);
        findings.nat_seen = file_copy(received);
    }
    if (!findings.via_transport && !findings.nat_sent_by)
        return NULL;
    sipkb_via_findings *stored = wmem_new(wmem_file_scope(), sipkb_via_findings);
    *stored = findings;
    return stored;
}

static void add_detail(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start,
                       const char *format, ...) G_GNUC_PRINTF(5, 6);

static void
add_detail(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *text = wmem_strdup_vprintf(pinfo->pool, format, args);
    va_end(args);
    proto_item_set_generated(proto_tree_add_string(tree, hf_via_detail, tvb, start, 0, text));
}

static void
show_value(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start, guint index,
           gboolean is_request, const via_value *value)
{
    /* A malformed Via may lack parts: name the gap rather than print "(null)". */
    const char *transport = part_string(value, V_TRANSPORT);
    const char *address = part_string(value, V_ADDRESS);
    if (!transport)
        transport = "(no transport)";
    if (!address)
        address = "(no sent-by)";
    const char *branch = part_string(value, V_BRANCH);
    const char *received = part_string(value, V_RECEIVED);
    guint port = value->parts[V_PORT] ? sipkb_finfo_uint(value->parts[V_PORT]) : 0;
    const char *role = index > 0    ? "an earlier hop"
                       : is_request ? "the sender of this request"
                                    : "the hop this response returns to";
    proto_item *item = proto_tree_add_string_format_value(
        tree, hf_via_value, tvb, start, 0, address, "%u: SIP/2.0/%s %s:%u, added by %s", index + 1,
        transport, address, port ? port : sipkb_via_default_port(transport), role);
    proto_item_set_generated(item);
    proto_tree *details = proto_item_add_subtree(item, ett_via_value);
    add_detail(details, pinfo, tvb, start, "Transport %s: responses return over %s", transport,
               transport);
    if (port)
        add_detail(details, pinfo, tvb, start, "Sent-by %s port %u: where responses go", address,
                   port);
    else
        add_detail(details, pinfo, tvb, start,
                   "Sent-by %s, no port: %u is meant (RFC 3261 "
                   "section 18.2.2)",
                   address, sipkb_via_default_port(transport));
    if (branch)
        add_detail(details, pinfo, tvb, start, "Branch %.40s: %s", branch,
                   sipkb_via_branch_is_rfc3261(branch)
                       ? "the transaction ID (z9hG4bK cookie: RFC 3261-compliant)"
                       : "no z9hG4bK cookie: an RFC 2543 client, transactions matched the old "
                         "way");
    if (received)
        add_detail(details, pinfo, tvb, start,
                   "received=%s: the next hop saw the request come "
                   "from %s%s",
                   received, received,
                   g_strcmp0(received, address) ? " (not sent-by: NAT or a multi-homed host)" : "");
    if (value->parts[V_RPORT]) {
        /* A bare ;rport reads as its own name in the SIP dissector. */
        const char *rport = part_string(value, V_RPORT);
        if (g_strcmp0(rport, "rport") == 0)
            rport = NULL;
        add_detail(details, pinfo, tvb, start, "rport%s%s: %s (RFC 3581)",
                   rport && *rport ? "=" : "", rport ? rport : "",
                   rport && *rport
                       ? "the source port the next hop saw; responses go there"
                       : "the client asks for responses to its source port (NAT friendly)");
    }
}

void
sipkb_via_show(proto_tree *tree, packet_info *pinfo, tvbuff_t *tvb, gint start,
               const sipkb_field_source *source, const sipkb_located_message *where,
               const sipkb_via_findings *findings)
{
    /* Each Via value explained: for reading, in visible trees only (as SDP lines). */
    via_value values[16];
    guint n = source && where && sipkb_tree_is_visible(tree)
                  ? collect_values(source, where, values, G_N_ELEMENTS(values))
                  : 0;
    if (n == 0 && !findings)
        return;
    proto_item *via_item = proto_tree_add_item(tree, hf_via, tvb, start, 0, ENC_NA);
    proto_item_set_generated(via_item);
    proto_tree *via_tree = proto_item_add_subtree(via_item, ett_via);
    for (guint i = 0; i < n; i++)
        show_value(via_tree, pinfo, tvb, start, i, where->msg.is_request, &values[i]);
    if (!findings)
        return;
    if (findings->via_transport) {
        proto_item *item =
            proto_tree_add_boolean(via_tree, hf_via_transport_mismatch, tvb, start, 0, TRUE);
        proto_item_set_generated(item);
        expert_add_info_format(pinfo, item, &ei_via_transport_mismatch,
                               "Top Via says %s but the message travelled over %s: responses "
                               "may be sent where nobody listens",
                               findings->via_transport, findings->actual_transport);
    }
    if (findings->nat_sent_by) {
        proto_item *item = proto_tree_add_boolean(via_tree, hf_via_nat, tvb, start, 0, TRUE);
        proto_item_set_generated(item);
        expert_add_info_format(pinfo, item, &ei_via_nat,
                               "Top Via sent-by %s is private but the request came from %s: "
                               "the client is behind NAT (use rport, keep-alives, an SBC)",
                               findings->nat_sent_by, findings->nat_seen);
    }
}

void
sipkb_via_register(int proto)
{
    static hf_register_info hf[] = {
        {&hf_via,
         {"Via explained", "sipkb.via", FT_NONE, BASE_NONE, NULL, 0x0,
          "sipkb's reading of the message's Via headers", HFILL}},
        {&hf_via_value,
         {"Via", "sipkb.via.value", FT_STRING, BASE_NONE, NULL, 0x0,
          "One Via value: who added it and where responses go (in full trees)", HFILL}},
        {&hf_via_detail,
         {"Via detail", "sipkb.via.detail", FT_STRING, BASE_NONE, NULL, 0x0,
          "What one part of a Via value says (in full trees)", HFILL}},
        {&hf_via_transport_mismatch,
         {"Via transport differs", "sipkb.via.transport_mismatch", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The top Via names another transport than the one the message used", HFILL}},
        {&hf_via_nat,
         {"Client behind NAT", "sipkb.via.nat", FT_BOOLEAN, BASE_NONE, NULL, 0x0,
          "The top Via sent-by is private while the request came from another, public address",
          HFILL}},
    };
    static gint *ett[] = {&ett_via, &ett_via_value};
    static ei_register_info ei[] = {
        {&ei_via_transport_mismatch,
         {"sipkb.via.transport_mismatch.expert", PI_PROTOCOL, PI_WARN,
          "Via transport differs from the packet's", EXPFILL}},
        {&ei_via_nat,
         {"sipkb.via.nat.expert", PI_PROTOCOL, PI_WARN, "Via sent-by private behind NAT", EXPFILL}},
    };
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_register_field_array(expert_register_protocol(proto), ei, array_length(ei));
}

guint32
sipkb_via_tap_flags(const sipkb_via_findings *f)
{
    if (!f)
        return 0;
    guint32 flags = 0;
    if (f->nat_sent_by)
        flags |= SIPKB_TAP_NAT_HINT;
    if (f->via_transport)
        flags |= SIPKB_TAP_VIA_TRANSPORT;
    return flags;
}
