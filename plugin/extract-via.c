/* Extraction of Via values (see extract.h): each value's parts, by the field the SIP dissector
 * gives each one. */
#include <wireshark.h>

#include "extract.h"
#include "fields.h"
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

static const struct {
    const char *name;
    gboolean analysed; /* primed for the first pass; the others are only shown */
} via_fields[N_VIA_FIELDS] = {
    [V_TRANSPORT] = {"sip.Via.transport", TRUE}, [V_ADDRESS] = {"sip.Via.sent-by.address", TRUE},
    [V_PORT] = {"sip.Via.sent-by.port", FALSE},  [V_BRANCH] = {"sip.Via.branch", TRUE},
    [V_RECEIVED] = {"sip.Via.received", TRUE},   [V_RPORT] = {"sip.Via.rport", TRUE},
};

static int via_ids[N_VIA_FIELDS];

void
sipkb_extract_via_resolve(GArray *wanted)
{
    for (int i = 0; i < N_VIA_FIELDS; i++)
        via_ids[i] = via_fields[i].analysed ? sipkb_field_want(wanted, via_fields[i].name)
                                            : sipkb_field_want_shown(via_fields[i].name);
}

/* The value a part belongs to: the last one whose transport comes before it. */
static void
attach_via_part(const sipkb_extracted *m, field_info **transports, guint n, const field_info *part,
                const field_info **parts_of_values, via_field kind)
{
    for (guint v = n; v-- > 0;) {
        const field_info *transport = transports[v];
        gint end = v + 1 < n ? transports[v + 1]->start : m->msg.start + m->msg.length;
        if (part->ds_tvb == transport->ds_tvb && part->start > transport->start &&
            part->start < end) {
            if (!parts_of_values[v * N_VIA_FIELDS + kind])
                parts_of_values[v * N_VIA_FIELDS + kind] = part;
            return;
        }
    }
}

/* The sent-by port when the SIP dissector gives no field for it: Wireshark 4.0 adds
 * sip.Via.sent-by.port only when a parameter follows it, so "SIP/2.0/UDP 192.0.2.5:7818" has
 * none. It is the digits after the ':' that follows the sent-by address in the packet (after
 * the ']' of an IPv6 reference); 0 when there are none (RFC 3261 section 20.42: then the
 * transport's default port is meant). Sets *stopped when the ':' has no digit after it: the
 * dissector stops reading the Via there, so it never reads the value's parameters. */
static guint
port_after_address(const field_info *address, gboolean *stopped)
{
    tvbuff_t *tvb = address->ds_tvb;
    gint offset = address->start + address->length;
    *stopped = FALSE;
    if (tvb_captured_length_remaining(tvb, offset) > 0 && sipkb_tvb_get_uint8(tvb, offset) == ']')
        offset++;
    if (tvb_captured_length_remaining(tvb, offset) < 1 || sipkb_tvb_get_uint8(tvb, offset) != ':')
        return 0;
    guint port = 0;
    gint digits = 0;
    for (offset++; digits < 5 && tvb_captured_length_remaining(tvb, offset) > 0; offset++, digits++) {
        guint8 c = sipkb_tvb_get_uint8(tvb, offset);
        if (!g_ascii_isdigit(c))
            break;
        port = port * 10 + (guint)(c - '0');
    }
    *stopped = digits == 0;
    return digits > 0 && port <= 65535 ? port : 0;
}

void
sipkb_extract_vias(const sipkb_field_source *source, wmem_allocator_t *pool, sipkb_extracted *m)
{
    field_info **all = NULL;
    guint n_all = sipkb_field_values(source, via_ids[V_TRANSPORT], &all);
    field_info **transports = wmem_alloc_array(pool, field_info *, MAX(n_all, 1));
    guint n = 0;
    for (guint t = 0; t < n_all; t++) {
        if (sipkb_field_within(all[t], m->tvb, m->msg.start, m->msg.length))
            transports[n++] = all[t];
    }
    if (n == 0)
        return;
    const field_info **parts = wmem_alloc0_array(pool, const field_info *, n *N_VIA_FIELDS);
    for (int kind = V_ADDRESS; kind < N_VIA_FIELDS; kind++) {
        field_info **items = NULL;
        guint n_items = sipkb_field_values(source, via_ids[kind], &items);
        for (guint k = 0; k < n_items; k++)
            attach_via_part(m, transports, n, items[k], parts, (via_field)kind);
    }
    sipkb_via *vias = wmem_alloc0_array(pool, sipkb_via, n);
    for (guint v = 0; v < n; v++) {
        const field_info **p = &parts[v * N_VIA_FIELDS];
        vias[v].transport = sipkb_finfo_string(transports[v]);
        vias[v].host = p[V_ADDRESS] ? sipkb_field_text(pool, p[V_ADDRESS]) : NULL;
        gboolean stopped = !p[V_ADDRESS];
        vias[v].port = p[V_PORT]      ? sipkb_finfo_uint(p[V_PORT])
                       : p[V_ADDRESS] ? port_after_address(p[V_ADDRESS], &stopped)
                                      : 0;
        /* Past its sent-by the dissector reads every parameter, and gives sip.Via.branch for
         * a branch: a value without that field has none. */
        vias[v].parameters_read = !stopped;
        vias[v].branch = p[V_BRANCH] ? sipkb_field_text(pool, p[V_BRANCH]) : NULL;
        vias[v].received = p[V_RECEIVED] ? sipkb_field_text(pool, p[V_RECEIVED]) : NULL;
        vias[v].rport = p[V_RPORT] ? sipkb_field_text(pool, p[V_RPORT]) : NULL;
    }
    m->msg.n_vias = n;
    m->msg.vias = vias;
}
