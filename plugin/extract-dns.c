/* Extraction of DNS messages (see extract.h): the DNS dissector's fields of each DNS message in
 * a frame -> one sipkb_dns_message, for the analyzer to tell which lookups failed. Fields are
 * attributed to a message by byte range (several DNS messages may share a TCP segment); nothing
 * here reads DNS bytes.
 */
#include <wireshark.h>

#include "extract.h"
#include "fields.h"

#include <stddef.h>
#include <string.h>

#include "ws-compat.h"

typedef enum {
    DNS_PROTOCOL, /* the "dns" item: one per DNS message */
    DNS_FLAG,     /* an FT_BOOLEAN, into a gboolean of sipkb_dns_message */
    DNS_NUMBER,   /* an unsigned integer, into a guint32 */
    DNS_NAME,     /* a string, into a const char * */
    DNS_TYPE,     /* the query type: its number, and its mnemonic into query_type_name */
} dns_value;

enum {
    DNS_MESSAGE,
    DNS_RESPONSE,
    DNS_TRUNCATED,
    DNS_RCODE,
    DNS_ANSWERS,
    DNS_QUERY_NAME,
    DNS_QUERY_TYPE,
    N_DNS_FIELDS
};

#define DNS(member) offsetof(sipkb_dns_message, member)

/* The fields read from each DNS message; the first value of each counts (the first
 * question's name and type). */
static const struct {
    const char *name;
    dns_value value;
    size_t offset;
} dns_fields[N_DNS_FIELDS] = {
    [DNS_MESSAGE] = {"dns", DNS_PROTOCOL, 0},
    [DNS_RESPONSE] = {"dns.flags.response", DNS_FLAG, DNS(is_response)},
    [DNS_TRUNCATED] = {"dns.flags.truncated", DNS_FLAG, DNS(truncated)},
    [DNS_RCODE] = {"dns.flags.rcode", DNS_NUMBER, DNS(rcode)},
    [DNS_ANSWERS] = {"dns.count.answers", DNS_NUMBER, DNS(n_answers)},
    [DNS_QUERY_NAME] = {"dns.qry.name", DNS_NAME, DNS(query_name)},
    [DNS_QUERY_TYPE] = {"dns.qry.type", DNS_TYPE, DNS(query_type)},
};

#undef DNS

static int dns_ids[N_DNS_FIELDS];

/* An ICMP error quotes the packet it reports (a DNS query, mostly): no live DNS message. */
static int icmp_ids[2];

void
sipkb_extract_dns_resolve(GArray *wanted)
{
    for (int i = 0; i < N_DNS_FIELDS; i++)
        dns_ids[i] = sipkb_field_want(wanted, dns_fields[i].name);
    icmp_ids[0] = proto_get_id_by_filter_name("icmp");
    icmp_ids[1] = proto_get_id_by_filter_name("icmpv6");
}

static gboolean
in_icmp_error(packet_info *pinfo)
{
    for (wmem_list_frame_t *layer = wmem_list_head(pinfo->layers); layer;
         layer = wmem_list_frame_next(layer)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(layer));
        if (id >= 0 && (id == icmp_ids[0] || id == icmp_ids[1]))
            return TRUE;
    }
    return FALSE;
}

/* The query type's mnemonic, as the DNS dissector names it: "SRV" of "SRV (Server
 * Selection)". NULL when the field has no name for it. */
static const char *
query_type_name(wmem_allocator_t *pool, const field_info *fi)
{
    const header_field_info *hf = fi->hfinfo;
    guint32 type = sipkb_finfo_uint(fi);
    const char *named = NULL;
    if (hf->strings && (hf->display & BASE_EXT_STRING))
        named = try_val_to_str_ext(type, (value_string_ext *)hf->strings);
    else if (hf->strings && !(hf->display & (BASE_RANGE_STRING | BASE_VAL64_STRING |
                                             BASE_UNIT_STRING | BASE_CUSTOM)))
        named = try_val_to_str(type, (const value_string *)hf->strings);
    if (!named)
        return NULL;
    const char *space = strchr(named, ' ');
    return space ? wmem_strndup(pool, named, (size_t)(space - named)) : named;
}

/* The message `fi` belongs to, or -1. */
static int
message_index(field_info **messages, guint n_messages, const field_info *fi)
{
    for (guint i = 0; i < n_messages; i++) {
        if (sipkb_field_within(fi, messages[i]->ds_tvb, messages[i]->start, messages[i]->length))
            return (int)i;
    }
    return -1;
}

/* Which of the message's fields were seen; the first of each counts. */
typedef struct {
    sipkb_dns_message dns;
    gboolean seen[N_DNS_FIELDS];
} dns_reading;

static void
apply_dns_field(wmem_allocator_t *pool, dns_reading *reading, int field, const field_info *fi)
{
    if (reading->seen[field])
        return;
    reading->seen[field] = TRUE;
    char *slot = (char *)&reading->dns + dns_fields[field].offset;
    switch (dns_fields[field].value) {
    case DNS_FLAG:
        *(gboolean *)slot = sipkb_finfo_bool(fi);
        break;
    case DNS_NUMBER:
        *(guint32 *)slot = sipkb_finfo_uint(fi);
        break;
    case DNS_NAME:
        *(const char **)slot = sipkb_finfo_string(fi);
        break;
    case DNS_TYPE:
        *(guint32 *)slot = sipkb_finfo_uint(fi);
        reading->dns.query_type_name = query_type_name(pool, fi);
        break;
    case DNS_PROTOCOL:
        break;
    }
}

guint
sipkb_extract_dns(const sipkb_field_source *source, packet_info *pinfo,
                  sipkb_dns_message **messages)
{
    *messages = NULL;
    field_info **items = NULL;
    guint n_messages = sipkb_field_values(source, dns_ids[DNS_MESSAGE], &items);
    if (n_messages == 0 || in_icmp_error(pinfo))
        return 0;
    dns_reading *readings = wmem_alloc0_array(pinfo->pool, dns_reading, n_messages);
    for (int field = DNS_MESSAGE + 1; field < N_DNS_FIELDS; field++) {
        field_info **values = NULL;
        guint n_values = sipkb_field_values(source, dns_ids[field], &values);
        for (guint k = 0; k < n_values; k++) {
            int index = message_index(items, n_messages, values[k]);
            if (index >= 0)
                apply_dns_field(pinfo->pool, &readings[index], field, values[k]);
        }
    }
    /* A message the dissector could not read up to its header's flags and counts is left out. */
    sipkb_dns_message *kept = wmem_alloc0_array(pinfo->pool, sipkb_dns_message, n_messages);
    guint n_kept = 0;
    gint64 time_ns =
        (gint64)pinfo->abs_ts.secs * G_GINT64_CONSTANT(1000000000) + pinfo->abs_ts.nsecs;
    for (guint i = 0; i < n_messages; i++) {
        const dns_reading *reading = &readings[i];
        if (!reading->seen[DNS_RESPONSE] || !reading->seen[DNS_ANSWERS] ||
            (reading->dns.is_response && !reading->seen[DNS_RCODE]))
            continue;
        kept[n_kept] = reading->dns;
        kept[n_kept].frame = pinfo->num;
        kept[n_kept].time_ns = time_ns;
        n_kept++;
    }
    *messages = kept;
    return n_kept;
}
