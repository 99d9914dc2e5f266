/* DNS evidence (see include/sipkb/dns.h): the DNS answers of the capture, kept per lookup, and
 * the failed lookup a SIP response's "DNS failed" speaks of.
 *
 * A proxy locates the next hop of a Request-URI with NAPTR, SRV and A/AAAA queries (RFC 3263
 * section 4); when they fail it answers the request itself (repro with 480, RFC 3261 section
 * 21.4.18; Kamailio with its own 478) and says so in its reason phrase (section 7.2: "No DNS
 * results", "Unresolvable destination (478/SL)") or a Warning (section 20.43). The failed
 * answer is in the capture when the capture saw the proxy's resolver; it is never parsed here:
 * the DNS dissector's fields come in.
 */
#include "analyzer-internal.h"

#include "sipkb/dns.h"

#include <string.h>

/* Query types (RFC 1035 section 3.2.2, RFC 3596, RFC 2782) that RFC 3263 section 4 resolves a
 * SIP host with: SRV gives its servers, A and AAAA its addresses. */
enum { DNS_TYPE_A = 1, DNS_TYPE_AAAA = 28, DNS_TYPE_SRV = 33 };

/* RCODEs (RFC 1035 section 4.1.1). */
enum {
    DNS_RCODE_NOERROR = 0,
    DNS_RCODE_SERVFAIL = 2,
    DNS_RCODE_NXDOMAIN = 3,
    DNS_RCODE_REFUSED = 5
};

sipkb_dns_failure
sipkb_dns_failure_of(const sipkb_dns_message *dns)
{
    /* A truncated answer is retried over TCP (RFC 1035 section 4.2.1): no verdict yet. */
    if (!dns->is_response || dns->truncated)
        return SIPKB_DNS_ANSWERED;
    switch (dns->rcode) {
    case DNS_RCODE_NOERROR:
        return dns->n_answers == 0 ? SIPKB_DNS_NODATA : SIPKB_DNS_ANSWERED;
    case DNS_RCODE_SERVFAIL:
        return SIPKB_DNS_SERVFAIL;
    case DNS_RCODE_NXDOMAIN:
        return SIPKB_DNS_NXDOMAIN;
    case DNS_RCODE_REFUSED:
        return SIPKB_DNS_REFUSED;
    default:
        return SIPKB_DNS_ANSWERED; /* FORMERR, NOTIMP ...: the resolver asks again otherwise */
    }
}

const char *
sipkb_dns_failure_name(sipkb_dns_failure failure)
{
    static const char *const names[] = {
        [SIPKB_DNS_ANSWERED] = NULL,       [SIPKB_DNS_NXDOMAIN] = "NXDOMAIN",
        [SIPKB_DNS_SERVFAIL] = "SERVFAIL", [SIPKB_DNS_REFUSED] = "REFUSED",
        [SIPKB_DNS_NODATA] = "NODATA",
    };
    return (guint)failure < G_N_ELEMENTS(names) ? names[failure] : NULL;
}

/* A name as compared: lower case, without the trailing dot of a fully qualified name. */
static char *
normalized_name(const char *name)
{
    char *lower = g_ascii_strdown(name, -1);
    gsize length = strlen(lower);
    if (length > 1 && lower[length - 1] == '.')
        lower[length - 1] = '\0';
    return lower;
}

/* The host a normalized query name locates: the name itself, or what follows the service and
 * protocol labels of an SRV name ("_sip._udp.example.com": RFC 2782, RFC 3263 section 4.1). */
static const char *
located_host(const char *name)
{
    if (name[0] != '_')
        return name;
    const char *protocol = strchr(name, '.');
    if (!protocol || protocol[1] != '_')
        return name;
    const char *host = strchr(protocol + 1, '.');
    return host && host[1] ? host + 1 : name;
}

gboolean
sipkb_dns_name_locates(const char *query_name, const char *host)
{
    if (!query_name || !host || !*host)
        return FALSE;
    char *query = normalized_name(query_name), *wanted = normalized_name(host);
    gboolean locates = strcmp(located_host(query), wanted) == 0;
    g_free(query);
    g_free(wanted);
    return locates;
}

gboolean
sipkb_dns_words_say_failure(const char *text)
{
    /* "No DNS results"; "Unresolvable destination", "Cannot resolve"; "Resolution failed". */
    static const char *const words[] = {"dns", "resolv", "resolution"};
    if (!text)
        return FALSE;
    char *lower = g_ascii_strdown(text, -1);
    gboolean says = FALSE;
    for (gsize i = 0; !says && i < G_N_ELEMENTS(words); i++)
        says = strstr(lower, words[i]) != NULL;
    g_free(lower);
    return says;
}

/* ---- the capture's lookups ------------------------------------------------------------------ */

/* The lookups of one host: its own name's and its SRV names'. */
typedef struct {
    GPtrArray *lookups; /* dns_lookup */
} dns_host;

/* A failed answer, in the order the capture shows them. */
typedef struct {
    const dns_lookup *lookup;
    guint32 frame;
    gint64 time_ns;
} dns_failure_seen;

static void
free_host(gpointer data)
{
    dns_host *host = data;
    g_ptr_array_free(host->lookups, TRUE);
    g_free(host);
}

void
dns_init(sipkb_analyzer *analyzer)
{
    analyzer->dns_lookups = g_hash_table_new(g_str_hash, g_str_equal);
    analyzer->dns_hosts = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, free_host);
    analyzer->dns_failures = g_array_new(FALSE, FALSE, sizeof(dns_failure_seen));
}

void
dns_free(sipkb_analyzer *analyzer)
{
    g_hash_table_destroy(analyzer->dns_hosts);
    g_hash_table_destroy(analyzer->dns_lookups);
    g_array_free(analyzer->dns_failures, TRUE);
}

static dns_host *
host_of(const sipkb_analyzer *analyzer, const char *normalized)
{
    return g_hash_table_lookup(analyzer->dns_hosts, located_host(normalized));
}

/* The lookup of (name, type), made when first answered. */
static dns_lookup *
lookup_of(sipkb_analyzer *analyzer, const sipkb_dns_message *dns)
{
    char *name = normalized_name(dns->query_name);
    char *key = g_strdup_printf("%s\t%u", name, dns->query_type);
    dns_lookup *lookup = g_hash_table_lookup(analyzer->dns_lookups, key);
    if (!lookup) {
        lookup = analyzer_alloc(analyzer, sizeof(dns_lookup));
        lookup->name = analyzer_keep(analyzer, name);
        lookup->type = dns->query_type;
        g_hash_table_insert(analyzer->dns_lookups, (gpointer)analyzer_keep(analyzer, key), lookup);
        const char *host_name = analyzer_keep(analyzer, located_host(name));
        dns_host *host = g_hash_table_lookup(analyzer->dns_hosts, host_name);
        if (!host) {
            host = g_new0(dns_host, 1);
            host->lookups = g_ptr_array_new();
            g_hash_table_insert(analyzer->dns_hosts, (gpointer)host_name, host);
        }
        g_ptr_array_add(host->lookups, lookup);
    }
    g_free(key);
    g_free(name);
    return lookup;
}

void
sipkb_analyzer_add_dns(sipkb_analyzer *analyzer, const sipkb_dns_message *dns)
{
    analyzer->dns_messages++;
    if (!dns->is_response || !dns->query_name || !*dns->query_name)
        return;
    dns_lookup *lookup = lookup_of(analyzer, dns);
    lookup->frame = dns->frame;
    lookup->failure = sipkb_dns_failure_of(dns);
    if (dns->query_type_name && *dns->query_type_name)
        lookup->type_name = analyzer_keep(analyzer, dns->query_type_name);
    if (lookup->failure == SIPKB_DNS_ANSWERED)
        return;
    dns_failure_seen seen = {lookup, dns->frame, dns->time_ns};
    g_array_append_val(analyzer->dns_failures, seen);
}

/* ---- the evidence for a response ------------------------------------------------------------ */

/* Whether the host was located: its latest A or AAAA answer gave an address, or an SRV answer
 * of it gave servers (RFC 3263 section 4.2). Then a NAPTR or SRV name that failed before was a
 * step of the procedure, and an AAAA without records beside an A that answered is no failure. */
static gboolean
host_located(const dns_host *host, const char *name)
{
    for (guint i = 0; i < host->lookups->len; i++) {
        const dns_lookup *lookup = g_ptr_array_index(host->lookups, i);
        if (lookup->failure != SIPKB_DNS_ANSWERED)
            continue;
        if (lookup->type == DNS_TYPE_SRV ||
            ((lookup->type == DNS_TYPE_A || lookup->type == DNS_TYPE_AAAA) &&
             strcmp(lookup->name, name) == 0))
            return TRUE;
    }
    return FALSE;
}

/* The latest failed lookup of the host (normalized), if the host was not located. */
static const dns_lookup *
host_failure(const sipkb_analyzer *analyzer, const char *host_name, guint32 before_frame)
{
    const dns_host *host = host_of(analyzer, host_name);
    if (!host || host_located(host, host_name))
        return NULL;
    const dns_lookup *latest = NULL;
    for (guint i = 0; i < host->lookups->len; i++) {
        const dns_lookup *lookup = g_ptr_array_index(host->lookups, i);
        if (lookup->failure != SIPKB_DNS_ANSWERED && lookup->frame < before_frame &&
            (!latest || lookup->frame > latest->frame))
            latest = lookup;
    }
    return latest;
}

/* The latest failed lookup since `since_ns` whose answer is still its latest and whose host
 * was not located: what the server resolved for this request when that was not the
 * Request-URI's host (an outbound proxy, a trunk, an SRV target). */
static const dns_lookup *
recent_failure(const sipkb_analyzer *analyzer, guint32 before_frame, gint64 since_ns)
{
    for (guint i = analyzer->dns_failures->len; i-- > 0;) {
        const dns_failure_seen *seen = &g_array_index(analyzer->dns_failures, dns_failure_seen, i);
        if (seen->time_ns < since_ns)
            break;
        if (seen->frame >= before_frame || seen->lookup->frame != seen->frame)
            continue;
        const dns_host *host = host_of(analyzer, seen->lookup->name);
        if (!host || !host_located(host, located_host(seen->lookup->name)))
            return seen->lookup;
    }
    return NULL;
}

/* Timer B and F: 64*T1 (RFC 3261 sections 17.1.1.2, 17.1.2.2), the longest a proxy works on a
 * request it answers itself; the window for a request the capture lacks. */
#define TRANSACTION_WINDOW_NS (64 * G_GINT64_CONSTANT(500000000))

void
dns_evidence_for(const decision *d, dns_evidence *out)
{
    const sipkb_analyzer *analyzer = d->analyzer;
    const sipkb_message *msg = d->msg;
    *out = (dns_evidence){0};
    if (analyzer->dns_messages == 0) {
        out->kind = DNS_EVIDENCE_NO_TRAFFIC;
        return;
    }
    /* The Request-URI's host; without the request, the To URI's, which a UAC sets from the
     * same URI (RFC 3261 section 8.1.1.1). */
    const char *host = d->txn ? d->txn->request_uri_host : msg->to_host;
    out->host = host;
    if (host && *host && !g_hostname_is_ip_address(host)) {
        char *host_name = normalized_name(host);
        out->lookup = host_failure(analyzer, host_name, msg->frame);
        g_free(host_name);
        if (out->lookup) {
            out->kind = DNS_EVIDENCE_HOST_FAILED;
            return;
        }
    }
    gint64 since = d->txn ? d->txn->first_time_ns : msg->time_ns - TRANSACTION_WINDOW_NS;
    out->lookup = recent_failure(analyzer, msg->frame, since);
    out->kind = out->lookup ? DNS_EVIDENCE_OTHER_FAILED : DNS_EVIDENCE_NO_FAILURE;
}
