/* sipgen: writes synthetic SIP captures (classic pcap, Ethernet/IPv4, UDP or TCP) for the
 * robustness tests: hostile messages that real SIP software would never send, and large
 * well-formed workloads for the memory bound. Plain C, no Wireshark; the captures are generated
 * on demand and never committed.
 *
 *   sipgen hostile SEED DIR         one capture per hostile case into DIR (names say the case)
 *   sipgen dialogs N FILE           N distinct calls: INVITE(SDP)/200(SDP)/ACK/BYE/200
 *   sipgen transactions N FILE      one call holding N transactions (INVITE, ACK, then
 *                                   in-dialog INFO/OPTIONS/UPDATE(SDP)/MESSAGE, then BYE)
 *   sipgen messages FILE < TEXT     the messages of TEXT, written by hand (see messages())
 *
 * The same SEED gives the same captures. Large UDP datagrams are IPv4-fragmented; messages
 * larger than a datagram go over TCP in MSS-sized segments, so the SIP dissector reassembles.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable text ------------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} text;

static void
reserve(text *t, size_t more)
{
    if (t->len + more + 1 <= t->cap)
        return;
    size_t cap = t->cap ? t->cap : 256;
    while (cap < t->len + more + 1)
        cap *= 2;
    t->data = realloc(t->data, cap);
    if (!t->data) {
        perror("sipgen");
        exit(2);
    }
    t->cap = cap;
}

static void
add_bytes(text *t, const void *bytes, size_t n)
{
    reserve(t, n);
    memcpy(t->data + t->len, bytes, n);
    t->len += n;
    t->data[t->len] = '\0';
}

static void __attribute__((format(printf, 2, 3)))
add(text *t, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    va_list copy;
    va_copy(copy, args);
    int n = vsnprintf(NULL, 0, format, copy);
    va_end(copy);
    reserve(t, (size_t)n);
    vsnprintf(t->data + t->len, (size_t)n + 1, format, args);
    t->len += (size_t)n;
    va_end(args);
}

static void
clear(text *t)
{
    t->len = 0;
    if (t->data)
        t->data[0] = '\0';
}

/* ---- deterministic randomness ------------------------------------------------------------- */

static uint64_t rng_state;

static uint32_t
rnd(void)
{
    /* xorshift64*: small, fast and the same on every machine. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t
below(uint32_t n)
{
    return n ? rnd() % n : 0;
}

static const char *
pick(const char *const *choices, size_t n)
{
    return choices[below((uint32_t)n)];
}
#define PICK(array) pick(array, sizeof(array) / sizeof(array[0]))

/* ---- pcap output ---------------------------------------------------------------------------- */

typedef struct {
    FILE *file;
    const char *path;
    uint64_t usec; /* time of the next packet */
    uint16_t ip_id;
    uint64_t frames;
} pcap_out;

typedef struct {
    uint32_t ip;
    uint16_t port;
    uint32_t seq; /* next TCP sequence number sent from this end */
} endpoint;

#define MSS 1460
#define MAX_IP_PAYLOAD 1480
#define MAX_UDP_PAYLOAD 65507

static void
put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

static void
write_or_die(pcap_out *out, const void *data, size_t n)
{
    if (fwrite(data, 1, n, out->file) != n) {
        fprintf(stderr, "sipgen: writing %s: %s\n", out->path, strerror(errno));
        exit(2);
    }
}

static void
pcap_open(pcap_out *out, const char *path)
{
    memset(out, 0, sizeof(*out));
    out->path = path;
    out->file = fopen(path, "wb");
    if (!out->file) {
        fprintf(stderr, "sipgen: can't write %s: %s\n", path, strerror(errno));
        exit(2);
    }
    /* Little-endian classic pcap, microseconds, snaplen 262144, LINKTYPE_ETHERNET. */
    const uint32_t header[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 262144, 1};
    write_or_die(out, header, sizeof(header));
    out->usec = 1700000000ULL * 1000000ULL;
}

static void
pcap_close(pcap_out *out)
{
    if (fclose(out->file) != 0) {
        fprintf(stderr, "sipgen: closing %s: %s\n", out->path, strerror(errno));
        exit(2);
    }
}

static uint16_t
ip_checksum(const uint8_t *header)
{
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2)
        sum += (uint32_t)(header[i] << 8 | header[i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

/* One Ethernet/IPv4 frame carrying `payload` (a transport header and data, or a fragment). */
static void
emit_ip(pcap_out *out, const endpoint *src, const endpoint *dst, uint8_t protocol,
        uint16_t id, uint16_t fragment, const uint8_t *payload, size_t n)
{
    uint8_t frame[14 + 20 + MAX_IP_PAYLOAD + 64];
    memset(frame, 0, 34);
    memcpy(frame, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
    uint8_t *ip = frame + 14;
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(20 + n));
    put16(ip + 4, id);
    put16(ip + 6, fragment);
    ip[8] = 64;
    ip[9] = protocol;
    put32(ip + 12, src->ip);
    put32(ip + 16, dst->ip);
    put16(ip + 10, ip_checksum(ip));
    memcpy(ip + 20, payload, n);
    uint32_t length = (uint32_t)(34 + n);
    uint32_t record[4] = {(uint32_t)(out->usec / 1000000), (uint32_t)(out->usec % 1000000),
                          length, length};
    write_or_die(out, record, sizeof(record));
    write_or_die(out, frame, length);
    out->usec += 1000; /* 1 ms apart */
    out->frames++;
}

/* A UDP datagram, fragmented at the IP layer when it does not fit one frame. */
static void
emit_udp(pcap_out *out, const endpoint *src, const endpoint *dst, const char *data, size_t n)
{
    if (n > MAX_UDP_PAYLOAD)
        n = MAX_UDP_PAYLOAD;
    size_t total = 8 + n;
    uint8_t *datagram = malloc(total);
    put16(datagram, src->port);
    put16(datagram + 2, dst->port);
    put16(datagram + 4, (uint16_t)total);
    put16(datagram + 6, 0); /* no checksum (allowed over IPv4) */
    memcpy(datagram + 8, data, n);
    uint16_t id = ++out->ip_id;
    for (size_t offset = 0; offset < total;) {
        size_t chunk = total - offset;
        uint16_t more = 0;
        if (chunk > MAX_IP_PAYLOAD) {
            chunk = MAX_IP_PAYLOAD;
            more = 0x2000;
        }
        emit_ip(out, src, dst, 17, id, (uint16_t)(more | (offset / 8)), datagram + offset, chunk);
        offset += chunk;
    }
    free(datagram);
}

/* TCP segments of at most MSS bytes, in sequence, from src to dst. */
static void
emit_tcp(pcap_out *out, endpoint *src, const endpoint *dst, const char *data, size_t n)
{
    size_t offset = 0;
    do {
        size_t chunk = n - offset > MSS ? MSS : n - offset;
        uint8_t segment[20 + MSS];
        memset(segment, 0, 20);
        put16(segment, src->port);
        put16(segment + 2, dst->port);
        put32(segment + 4, src->seq);
        put32(segment + 8, dst->seq);
        segment[12] = 0x50;
        segment[13] = 0x18; /* PSH, ACK */
        put16(segment + 14, 65535);
        memcpy(segment + 20, data + offset, chunk);
        emit_ip(out, src, dst, 6, ++out->ip_id, 0x4000, segment, 20 + chunk);
        src->seq += (uint32_t)chunk;
        offset += chunk;
    } while (offset < n);
}

/* ---- SIP building blocks --------------------------------------------------------------------- */

#define IP(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (d))

typedef struct {
    pcap_out *out;
    endpoint uac; /* the caller / phone */
    endpoint uas; /* the server or callee */
    int tcp;
} flow;

static void
send_msg(flow *f, int from_uac, const text *msg)
{
    endpoint *src = from_uac ? &f->uac : &f->uas;
    endpoint *dst = from_uac ? &f->uas : &f->uac;
    if (f->tcp)
        emit_tcp(f->out, src, dst, msg->data, msg->len);
    else
        emit_udp(f->out, src, dst, msg->data, msg->len);
}

/* A well-formed message's headers (a NULL value leaves the header out). */
typedef struct {
    const char *start_line; /* "INVITE sip:bob@example.net SIP/2.0" or "SIP/2.0 200 OK" */
    const char *via;        /* full Via value(s) line(s), without "Via: " */
    const char *from;
    const char *to;
    const char *call_id;
    const char *cseq;
    const char *extra;       /* more header lines, each ending in \r\n */
    const char *content_type;
    const char *body;
    size_t body_len;         /* body length when it holds NUL bytes; 0: strlen */
    long content_length;     /* -1: the body's length */
} sip_message;

static void
build(text *t, const sip_message *m)
{
    clear(t);
    size_t body_len = m->body ? (m->body_len ? m->body_len : strlen(m->body)) : 0;
    add(t, "%s\r\n", m->start_line);
    if (m->via)
        add(t, "Via: %s\r\n", m->via);
    if (m->from)
        add(t, "From: %s\r\n", m->from);
    if (m->to)
        add(t, "To: %s\r\n", m->to);
    if (m->call_id)
        add(t, "Call-ID: %s\r\n", m->call_id);
    if (m->cseq)
        add(t, "CSeq: %s\r\n", m->cseq);
    add(t, "Max-Forwards: 70\r\n");
    if (m->extra)
        add(t, "%s", m->extra);
    if (m->content_type)
        add(t, "Content-Type: %s\r\n", m->content_type);
    add(t, "Content-Length: %ld\r\n\r\n", m->content_length >= 0 ? m->content_length
                                                                 : (long)body_len);
    if (m->body)
        add_bytes(t, m->body, body_len);
}

static const char *
sdp_body(text *t, const char *address, const char *media_lines)
{
    clear(t);
    add(t, "v=0\r\no=- 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n%s", address, address,
        media_lines);
    return t->data;
}

/* ---- hostile cases --------------------------------------------------------------------------- */

typedef struct {
    const char *name;
    void (*make)(flow *f, unsigned variant);
    int tcp;
} hostile_case;

static const char *const reasons[] = {"OK", "Forbidden", "Wrong password", "No credit left",
                                      "Caller ID does not match", "", " ", "\xff\xfe bad utf8",
                                      "Unauthorized", "Request Terminated"};

/* A request and a response carrying `code_text` as the status code. */
static void
status_code_case(flow *f, const char *code_text, const char *reason, const char *method)
{
    text msg = {0}, line = {0}, cseq = {0};
    add(&line, "%s sip:bob@198.51.100.20 SIP/2.0", method);
    add(&cseq, "1 %s", method);
    sip_message request = {line.data, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-st1",
                           "<sip:alice@example.com>;tag=a1", "<sip:bob@example.net>",
                           "status-code@192.0.2.10", cseq.data, NULL, NULL, NULL, 0, -1};
    build(&msg, &request);
    send_msg(f, 1, &msg);
    clear(&line);
    add(&line, "SIP/2.0 %s %s", code_text, reason);
    sip_message response = request;
    response.start_line = line.data;
    response.to = "<sip:bob@example.net>;tag=b1";
    build(&msg, &response);
    send_msg(f, 0, &msg);
    free(msg.data);
    free(line.data);
    free(cseq.data);
}

static void
make_status_codes(flow *f, unsigned variant)
{
    static const char *const codes[] = {
        "abc", "99", "100", "199", "700", "999", "1000", "0", "000", "-1", "4294967295",
        "4294967296", "99999999999999999999", "2OO", "4O3", "40", "4033", "401", "407", "403",
        "487", "408", "302", "699", "600", "+403", "0x193", "403.0", "", " 403"};
    static const char *const methods[] = {"INVITE", "REGISTER", "BYE", "CANCEL", "OPTIONS",
                                          "ACK"};
    for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
        status_code_case(f, codes[(i + variant) % (sizeof(codes) / sizeof(codes[0]))],
                         PICK(reasons), PICK(methods));
}

/* Requests and responses without the headers sipkb keys on. */
static void
make_missing_headers(flow *f, unsigned variant)
{
    text msg = {0};
    for (unsigned mask = 0; mask < 32; mask++) {
        unsigned m = (mask + variant) % 32;
        sip_message request = {"INVITE sip:bob@198.51.100.20 SIP/2.0",
                               m & 1 ? NULL : "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-mh",
                               m & 2 ? NULL : "<sip:alice@example.com>;tag=a1",
                               m & 4 ? NULL : "<sip:bob@example.net>",
                               m & 8 ? NULL : "missing@192.0.2.10",
                               m & 16 ? NULL : "7 INVITE", NULL, NULL, NULL, 0, -1};
        build(&msg, &request);
        send_msg(f, 1, &msg);
        static const char *const finals[] = {"SIP/2.0 401 Unauthorized", "SIP/2.0 403 Forbidden",
                                             "SIP/2.0 487 Request Terminated",
                                             "SIP/2.0 408 Request Timeout",
                                             "SIP/2.0 488 Not Acceptable Here"};
        sip_message response = request;
        response.start_line = PICK(finals);
        response.extra = "WWW-Authenticate: Digest realm=\"x\", nonce=\"n1\"\r\n";
        build(&msg, &response);
        send_msg(f, 0, &msg);
    }
    /* CSeq without a method, or without a number, and an empty Call-ID. */
    static const char *const cseqs[] = {"7", "INVITE", "", " ", "x INVITE", "-5 INVITE",
                                        "99999999999 INVITE", "7 ", "4294967295 REGISTER"};
    for (size_t i = 0; i < sizeof(cseqs) / sizeof(cseqs[0]); i++) {
        sip_message request = {"REGISTER sip:example.com SIP/2.0",
                               "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-cs",
                               "<sip:alice@example.com>;tag=a1", "<sip:alice@example.com>",
                               i % 2 ? "" : "cseq@192.0.2.10", cseqs[i],
                               "Authorization: Digest username=\"alice\", nonce=\"n\"\r\n",
                               NULL, NULL, 0, -1};
        build(&msg, &request);
        send_msg(f, 1, &msg);
        request.start_line = "SIP/2.0 401 Unauthorized";
        request.extra = "WWW-Authenticate: Digest realm=\"x\", nonce=\"n\", stale=true\r\n";
        build(&msg, &request);
        send_msg(f, 0, &msg);
    }
    free(msg.data);
}

/* Huge values where sipkb copies strings: Call-ID, users, reason phrase, digest username. */
static void
make_huge_headers(flow *f, unsigned variant)
{
    size_t sizes[] = {1000, 8000, 30000, 60000};
    size_t size = sizes[variant % 4];
    text big = {0}, msg = {0}, from = {0}, extra = {0}, line = {0};
    for (size_t i = 0; i < size; i++)
        add(&big, "%c", "0123456789abcdefghijklmnopqrstuvwxyz+-.()"[below(41)]);
    add(&from, "<sip:%s@example.com>;tag=%s", big.data, big.data);
    add(&extra, "Authorization: Digest username=\"%s\", realm=\"%s\", nonce=\"%s\", "
                "uri=\"sip:x\", response=\"00\"\r\nP-Asserted-Identity: <sip:%s@x>\r\n"
                "Subject: %s\r\n",
        big.data, big.data, big.data, big.data, big.data);
    sip_message request = {"INVITE sip:bob@198.51.100.20 SIP/2.0",
                           "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-huge", from.data,
                           "<sip:bob@example.net>", big.data, "1 INVITE", extra.data, NULL, NULL,
                           0, -1};
    build(&msg, &request);
    send_msg(f, 1, &msg);
    add(&line, "SIP/2.0 403 Wrong password %s", big.data);
    sip_message response = request;
    response.start_line = line.data;
    response.extra = NULL;
    build(&msg, &response);
    send_msg(f, 0, &msg);
    clear(&line);
    add(&line, "SIP/2.0 401 %s", big.data);
    clear(&extra);
    add(&extra, "WWW-Authenticate: Digest realm=\"%s\", nonce=\"%s\", algorithm=%s\r\n"
                "Retry-After: 4294967295\r\n",
        big.data, big.data, big.data);
    response.start_line = line.data;
    response.extra = extra.data;
    build(&msg, &response);
    send_msg(f, 0, &msg);
    free(big.data);
    free(msg.data);
    free(from.data);
    free(extra.data);
    free(line.data);
}

/* Digest headers with duplicated, empty, unterminated and odd parameters. */
static void
make_auth_params(flow *f, unsigned variant)
{
    static const char *const params[] = {
        ("Digest username=\"alice\", username=\"mallory\", realm=\"a\", realm=\"b\", "
         "nonce=\"1\", nonce=\"2\""),
        "Digest username=\"\", realm=\"\", nonce=\"\", uri=\"\", response=\"\"",
        "Digest username=, realm=, nonce=, stale=",
        "Digest username=\"", "Digest username=\"\"\"", "Digest \"", "Digest ,,,,,,,",
        "Digest", "", "Basic YWxpY2U6c2VjcmV0", "digest USERNAME=\"alice\" NONCE=\"x\"",
        "Digest username=\"2138394018\", username=\"2138394020\"",
        "Digest stale=TRUE, stale=false, nonce=\"n\"", "Digest stale=true", "Digest stale",
        "Digest algorithm=, algorithm=MD5, algorithm=SHA-256-sess, algorithm=\"\"",
        "Digest nonce=\"n\", qop=auth,auth-int,,, opaque", "Digest realm=\"x\"\\\", nonce=\"y\"",
        "Digest username=\"+1 (555) 010-0000\", nonce=\"n\"",
        "Digest username=\"00441234567890\", nonce=\"n\""};
    static const char *const users[] = {"alice", "mallory", "+15550100000", "15550100000",
                                        "0441234567890", "", "2138394018", "%00", "+",
                                        "(555)", "0", "00"};
    text msg = {0}, extra = {0}, from = {0}, cseq = {0};
    size_t n = sizeof(params) / sizeof(params[0]);
    for (size_t i = 0; i < n; i++) {
        const char *p = params[(i + variant) % n];
        clear(&extra);
        add(&extra, "Authorization: %s\r\nAuthorization: %s\r\nProxy-Authorization: %s\r\n"
                    "P-Asserted-Identity: <sip:%s@x>\r\nP-Preferred-Identity: <sip:%s@y>\r\n",
            p, PICK(params), PICK(params), PICK(users), PICK(users));
        clear(&from);
        add(&from, "<sip:%s@example.com>;tag=f%zu", PICK(users), i);
        clear(&cseq);
        add(&cseq, "%zu REGISTER", i + 1);
        sip_message request = {"REGISTER sip:example.com SIP/2.0",
                               "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-auth", from.data,
                               "<sip:alice@example.com>", "auth@192.0.2.10", cseq.data,
                               extra.data, NULL, NULL, 0, -1};
        build(&msg, &request);
        send_msg(f, 1, &msg);
        clear(&extra);
        add(&extra, "WWW-Authenticate: %s\r\nWWW-Authenticate: %s\r\n"
                    "Proxy-Authenticate: %s\r\n",
            p, PICK(params), PICK(params));
        request.start_line = below(2) ? "SIP/2.0 401 Unauthorized" : "SIP/2.0 407 Proxy "
                                                                     "Authentication Required";
        request.extra = extra.data;
        build(&msg, &request);
        send_msg(f, 0, &msg);
        if (below(2)) {
            request.start_line = "SIP/2.0 403 Forbidden: caller id, password and credit";
            build(&msg, &request);
            send_msg(f, 0, &msg);
        }
    }
    free(msg.data);
    free(extra.data);
    free(from.data);
    free(cseq.data);
}

/* Thousands of Via headers, some odd: one per line, or many per line. */
static void
make_many_vias(flow *f, unsigned variant)
{
    unsigned counts[] = {200, 1000, 3000, 6000};
    unsigned n = counts[variant % 4];
    static const char *const odd[] = {
        "SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK-priv;rport;received=203.0.113.9",
        "SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK-v6", "SIP/2.0/TLS host.example",
        "SIP/2.0/UDP", "SIP/2.0/ 1.2.3.4", "SIP/2.0/SCTP 192.168.1.1:0;branch=",
        "SIP/2.0/WSS 100.64.1.1:99999;rport=;received=", "garbage", "SIP/2.0/UDP :;;;;",
        "SIP/2.0/UDP 172.16.0.1;branch=notmagic;received=10.0.0.2", ""};
    text vias = {0}, msg = {0};
    add(&vias, "SIP/2.0/%s 192.168.1.10:5060;branch=z9hG4bK-top;rport", f->tcp ? "UDP" : "TCP");
    for (unsigned i = 1; i < n; i++) {
        if (below(4) == 0)
            add(&vias, "\r\nVia: %s", PICK(odd));
        else if (below(2))
            add(&vias, ",SIP/2.0/UDP 198.51.100.%u:%u;branch=z9hG4bK-%u", i % 250, 5060 + i, i);
        else
            add(&vias, "\r\nv: SIP/2.0/UDP 10.%u.%u.%u;branch=z9hG4bK%u", i % 256, i / 256 % 256,
                i % 7, i);
    }
    sip_message request = {"INVITE sip:bob@198.51.100.20 SIP/2.0", vias.data,
                           "<sip:alice@example.com>;tag=a1", "<sip:bob@example.net>",
                           "vias@192.0.2.10", "1 INVITE", NULL, NULL, NULL, 0, -1};
    build(&msg, &request);
    send_msg(f, 1, &msg);
    request.start_line = "SIP/2.0 486 Busy Here";
    request.to = "<sip:bob@example.net>;tag=b";
    build(&msg, &request);
    send_msg(f, 0, &msg);
    free(vias.data);
    free(msg.data);
}

/* Bodies of random bytes, labelled SDP or not, with honest or lying Content-Length. */
static void
make_garbage_bodies(flow *f, unsigned variant)
{
    static const char *const types[] = {"application/sdp", "application/SDP", "text/plain",
                                        "multipart/mixed;boundary=x", "application/sdp; x=\"",
                                        NULL};
    size_t sizes[] = {1, 17, 300, 1400, 5000, 40000};
    text body = {0}, msg = {0}, cseq = {0};
    for (unsigned i = 0; i < 12; i++) {
        clear(&body);
        size_t size = sizes[(i + variant) % 6];
        for (size_t k = 0; k < size; k++) {
            unsigned r = below(8);
            if (r == 0)
                add(&body, "\r\n%c=", "vocmtabk"[below(8)]);
            else if (r == 1)
                add(&body, "m=audio %u RTP/AVP %u %u", below(70000), below(300), below(128));
            else {
                char byte = (char)below(256);
                add_bytes(&body, &byte, 1);
            }
        }
        clear(&cseq);
        add(&cseq, "%u INVITE", i + 1);
        long lengths[] = {-1, 0, (long)body.len / 2, (long)body.len + 100};
        sip_message request = {"INVITE sip:bob@198.51.100.20 SIP/2.0",
                               "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-body",
                               "<sip:alice@example.com>;tag=a1", "<sip:bob@example.net>",
                               "garbage@192.0.2.10", cseq.data, NULL, PICK(types), body.data,
                               body.len, lengths[below(4)]};
        build(&msg, &request);
        send_msg(f, 1, &msg);
        request.start_line = below(2) ? "SIP/2.0 200 OK" : "SIP/2.0 488 Not Acceptable Here";
        request.to = "<sip:bob@example.net>;tag=b";
        build(&msg, &request);
        send_msg(f, 0, &msg);
    }
    free(body.data);
    free(msg.data);
    free(cseq.data);
}

/* SDP with hundreds of media lines, too many formats, odd rtpmap/fmtp/ptime, offer/answer. */
static void
append_media(text *t, unsigned index)
{
    static const char *const media[] = {"audio", "video", "image", "application", "text", "",
                                        "AUDIO"};
    static const char *const protos[] = {"RTP/AVP", "RTP/SAVP", "RTP/AVPF", "UDP/TLS/RTP/SAVPF",
                                         "udptl", "TCP/MRCPv2", "RTP/", "", "RTP/AVP/TCP"};
    static const char *const attrs[] = {
        "a=rtpmap:%u PCMU/8000", "a=rtpmap:%u telephone-event/8000", "a=rtpmap:%u opus/48000/2",
        "a=rtpmap:%u G729/8000/4294967295", "a=rtpmap:%u /", "a=rtpmap:%u", "a=rtpmap:%u  x",
        "a=rtpmap:4294967296%u PCMA/8000", "a=fmtp:%u 0-15", "a=fmtp:%u 0-4294967295",
        "a=fmtp:%u 15-0,,,", "a=fmtp:%u 0-16,32,255,256", "a=fmtp:%u annexb=no",
        "a=ptime:%u", "a=ptime:-%u", "a=maxptime:%u", "a=sendonly%.0u", "a=recvonly%.0u",
        "a=inactive%.0u", "a=sendrecv%.0u", "a=rtcp:%u", "a=crypto:%u AES_CM_128_HMAC_SHA1_80",
        "a=candidate:%u 1 udp 1 10.0.0.1 9 typ host", "a=setup:%.0uactpass",
        "a=fingerprint:sha-256 %u", "c=IN IP4 10.%u.0.1", "c=IN IP4 0.0.0.0%.0u",
        "c=IN IP6 fd00::%u", "c=IN IP4 100.64.%u.1", "c=IN IP4 %u", "a=:%u", "a=%u:"};
    unsigned n_formats = below(5) == 0 ? 200 + below(100) : below(12);
    add(t, "m=%s %u %s", PICK(media), below(4) == 0 ? 0 : below(70000), PICK(protos));
    for (unsigned k = 0; k < n_formats; k++)
        add(t, " %u", below(3) ? below(128) : below(100000));
    if (below(8) == 0)
        add(t, " x y 12a");
    add(t, "\r\n");
    unsigned n_attrs = below(8);
    for (unsigned k = 0; k < n_attrs; k++) {
        add(t, PICK(attrs), below(4) ? below(128) : below(1000000) + index);
        add(t, "\r\n");
    }
}

static void
make_big_sdp(flow *f, unsigned variant)
{
    unsigned counts[] = {3, 100, 300, 600};
    unsigned n_offer = counts[variant % 4];
    text offer = {0}, answer = {0}, media = {0}, msg = {0};
    for (unsigned i = 0; i < n_offer; i++)
        append_media(&media, i);
    sdp_body(&offer, below(2) ? "192.168.0.5" : "203.0.113.5", media.data);
    clear(&media);
    unsigned n_answer = below(3) == 0 ? n_offer + 5 : n_offer / (1 + below(3));
    for (unsigned i = 0; i < n_answer; i++)
        append_media(&media, i);
    sdp_body(&answer, below(2) ? "10.1.1.1" : "198.51.100.7", media.data);
    static const char *const answers[] = {"SIP/2.0 200 OK", "SIP/2.0 183 Session Progress",
                                          "SIP/2.0 488 Not Acceptable Here",
                                          "SIP/2.0 606 Not Acceptable"};
    for (unsigned cseq = 1; cseq <= 3; cseq++) {
        char cseq_text[32];
        snprintf(cseq_text, sizeof(cseq_text), "%u %s", cseq, cseq == 2 ? "UPDATE" : "INVITE");
        sip_message request = {cseq == 2 ? "UPDATE sip:bob@198.51.100.20 SIP/2.0"
                                         : "INVITE sip:bob@198.51.100.20 SIP/2.0",
                               "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-sdp",
                               "<sip:alice@example.com>;tag=a1", "<sip:bob@example.net>",
                               "bigsdp@192.0.2.10", cseq_text, NULL, "application/sdp",
                               offer.data, 0, -1};
        build(&msg, &request);
        send_msg(f, 1, &msg);
        sip_message response = request;
        response.start_line = PICK(answers);
        response.to = "<sip:bob@example.net>;tag=b";
        response.body = below(4) ? answer.data : NULL;
        response.content_type = response.body ? "application/sdp" : NULL;
        build(&msg, &response);
        send_msg(f, 0, &msg);
        if (below(2)) {
            sip_message ack = request;
            ack.start_line = "ACK sip:bob@198.51.100.20 SIP/2.0";
            snprintf(cseq_text, sizeof(cseq_text), "%u ACK", cseq);
            ack.body = answer.data;
            build(&msg, &ack);
            send_msg(f, 1, &msg);
        }
    }
    free(offer.data);
    free(answer.data);
    free(media.data);
    free(msg.data);
}

/* Sequences sipkb follows: retransmissions, CANCEL/487 without INVITE, challenges in a loop. */
static void
make_odd_sequences(flow *f, unsigned variant)
{
    text msg = {0};
    sip_message invite = {"INVITE sip:bob@198.51.100.20 SIP/2.0",
                          "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-seq",
                          "<sip:alice@example.com>;tag=a1", "<sip:bob@example.net>",
                          "seq@192.0.2.10", "1 INVITE", NULL, NULL, NULL, 0, -1};
    unsigned repeats = 50 + variant * 37 % 300;
    build(&msg, &invite);
    for (unsigned i = 0; i < repeats; i++)
        send_msg(f, 1, &msg);
    static const char *const lines[] = {
        "SIP/2.0 408 Request Timeout", "SIP/2.0 487 Request Terminated", "SIP/2.0 200 OK",
        "SIP/2.0 100 Trying", "SIP/2.0 302 Moved Temporarily", "SIP/2.0 503 Service Unavailable",
        "CANCEL sip:bob@198.51.100.20 SIP/2.0", "ACK sip:bob@198.51.100.20 SIP/2.0",
        "SIP/2.0 401 Unauthorized", "SIP/2.0 407 Proxy Authentication Required",
        "SIP/2.0 403 Forbidden"};
    static const char *const methods[] = {"INVITE", "CANCEL", "ACK", "BYE", "REGISTER", "X"};
    static const char *const extras[] = {
        "Retry-After: 0\r\n", "Retry-After: 4294967295\r\n", "Retry-After: abc\r\n",
        "Retry-After: 18446744073709551616 (x);duration=-1\r\n", "Contact: <sip:a@b>\r\n",
        "Contact: *\r\n", "Contact: <sip:%00@[::1]>;q=2.0, <>, sip:\r\n",
        "WWW-Authenticate: Digest realm=\"r\", nonce=\"same\"\r\n",
        "Proxy-Authenticate: Digest realm=\"r\", nonce=\"other\", stale=true\r\n",
        "Authorization: Digest username=\"alice\", nonce=\"same\"\r\n", ""};
    char cseq[64], branch[96];
    for (unsigned i = 0; i < 200; i++) {
        sip_message m = invite;
        m.start_line = PICK(lines);
        snprintf(cseq, sizeof(cseq), "%u %s", below(4), PICK(methods));
        snprintf(branch, sizeof(branch), "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-seq%u",
                 below(3));
        m.cseq = cseq;
        m.via = branch;
        m.extra = PICK(extras);
        build(&msg, &m);
        send_msg(f, m.start_line[0] != 'S', &msg);
    }
    /* 302 with a thousand Contacts. */
    text contacts = {0};
    for (unsigned i = 0; i < 1000; i++)
        add(&contacts, "Contact: <sip:target%u@198.51.100.%u>\r\n", i, i % 250);
    sip_message redirect = invite;
    redirect.start_line = "SIP/2.0 302 Moved Temporarily";
    redirect.extra = contacts.data;
    build(&msg, &redirect);
    send_msg(f, 0, &msg);
    free(contacts.data);
    free(msg.data);
}

/* Over TCP: many messages in one segment, and messages cut across segments. */
static void
make_pipelined(flow *f, unsigned variant)
{
    text all = {0}, msg = {0};
    char cseq[32], branch[96];
    unsigned n = 100 + variant % 200;
    for (unsigned i = 0; i < n; i++) {
        snprintf(cseq, sizeof(cseq), "%u REGISTER", i / 2 + 1);
        snprintf(branch, sizeof(branch), "SIP/2.0/TCP 192.0.2.10:5060;branch=z9hG4bK-p%u", i / 2);
        sip_message m = {i % 2 ? "SIP/2.0 401 Unauthorized" : "REGISTER sip:example.com SIP/2.0",
                         branch, "<sip:2138394020@example.com>;tag=p",
                         "<sip:2138394020@example.com>", "pipelined@192.0.2.10", cseq,
                         i % 2 ? "WWW-Authenticate: Digest realm=\"r\", nonce=\"n\"\r\n"
                               : "Authorization: Digest username=\"2138394018\", nonce=\"n\"\r\n",
                         NULL, NULL, 0, -1};
        build(&msg, &m);
        add_bytes(&all, msg.data, msg.len);
    }
    /* Everything in one go: the SIP dissector splits the stream into messages. */
    emit_tcp(f->out, &f->uac, &f->uas, all.data, all.len);
    free(all.data);
    free(msg.data);
}

static const hostile_case hostile_cases[] = {
    {"status-codes", make_status_codes, 0},     {"missing-headers", make_missing_headers, 0},
    {"huge-headers-udp", make_huge_headers, 0}, {"huge-headers-tcp", make_huge_headers, 1},
    {"auth-params", make_auth_params, 0},       {"many-vias-udp", make_many_vias, 0},
    {"many-vias-tcp", make_many_vias, 1},       {"garbage-bodies", make_garbage_bodies, 0},
    {"garbage-bodies-tcp", make_garbage_bodies, 1}, {"big-sdp-udp", make_big_sdp, 0},
    {"big-sdp-tcp", make_big_sdp, 1},           {"odd-sequences", make_odd_sequences, 0},
    {"pipelined-tcp", make_pipelined, 1},
};

static int
hostile(unsigned long seed, const char *dir)
{
    for (size_t i = 0; i < sizeof(hostile_cases) / sizeof(hostile_cases[0]); i++) {
        const hostile_case *c = &hostile_cases[i];
        char path[4096];
        snprintf(path, sizeof(path), "%s/hostile-%s-%lu.pcap", dir, c->name, seed);
        rng_state = (seed + 1) * 0x9E3779B97F4A7C15ULL + i;
        pcap_out out;
        pcap_open(&out, path);
        flow f = {&out, {IP(192, 0, 2, 10), 5060, 1000}, {IP(198, 51, 100, 20), 5060, 900000},
                  c->tcp};
        c->make(&f, (unsigned)(seed % 1000));
        pcap_close(&out);
    }
    return 0;
}

/* ---- large well-formed workloads ------------------------------------------------------------- */

/* The media lines of offers and answers; %u is the RTP port. */
#define OFFER_MEDIA                                                                                 \
    "m=audio %u RTP/AVP 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 "               \
    "0-15\r\na=ptime:20\r\n"
#define ANSWER_MEDIA                                                                                \
    "m=audio %u RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 "                \
    "0-15\r\na=ptime:20\r\n"

/* Each call takes its RTP port from a range, as phones and SBCs do: with one port for all,
 * Wireshark's own RTP set-up from SDP slows down with every call and would be measured
 * instead of sipkb. */
static void
dialog_media(text *offer, text *answer, unsigned long id)
{
    char media[160];
    unsigned port = 10000 + 2 * (unsigned)(id % 25000);
    snprintf(media, sizeof(media), OFFER_MEDIA, port);
    sdp_body(offer, "192.0.2.10", media);
    snprintf(media, sizeof(media), ANSWER_MEDIA, port + 20000);
    sdp_body(answer, "198.51.100.20", media);
}

typedef struct {
    flow *f;
    text msg, via, from, to, call_id, cseq, offer, answer;
} dialog_writer;

static void
dialog_message(dialog_writer *w, int from_uac, const char *start_line, unsigned cseq,
               const char *method, unsigned branch, int with_to_tag, const char *body)
{
    clear(&w->via);
    add(&w->via, "SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK-%s-%u", w->call_id.data, branch);
    clear(&w->cseq);
    add(&w->cseq, "%u %s", cseq, method);
    sip_message m = {start_line, w->via.data, w->from.data,
                     with_to_tag ? w->to.data : "<sip:bob@example.net>", w->call_id.data,
                     w->cseq.data,
                     from_uac ? "Contact: <sip:alice@192.0.2.10:5060>\r\n"
                              : "Contact: <sip:bob@198.51.100.20:5060>\r\n",
                     body ? "application/sdp" : NULL, body, 0, -1};
    build(&w->msg, &m);
    send_msg(w->f, from_uac, &w->msg);
}

static void
dialog_begin(dialog_writer *w, unsigned long id)
{
    clear(&w->call_id);
    add(&w->call_id, "%lx-%lu@192.0.2.10", id * 2654435761UL, id);
    clear(&w->from);
    add(&w->from, "<sip:alice@example.com>;tag=f%lu", id);
    clear(&w->to);
    add(&w->to, "<sip:bob@example.net>;tag=t%lu", id);
}

#define INVITE_LINE "INVITE sip:bob@198.51.100.20:5060 SIP/2.0"
#define ACK_LINE "ACK sip:bob@198.51.100.20:5060 SIP/2.0"
#define BYE_LINE "BYE sip:bob@198.51.100.20:5060 SIP/2.0"

static int
dialogs(unsigned long n, const char *path)
{
    pcap_out out;
    pcap_open(&out, path);
    flow f = {&out, {IP(192, 0, 2, 10), 5060, 0}, {IP(198, 51, 100, 20), 5060, 0}, 0};
    dialog_writer w = {.f = &f};
    for (unsigned long i = 0; i < n; i++) {
        dialog_begin(&w, i);
        dialog_media(&w.offer, &w.answer, i);
        dialog_message(&w, 1, INVITE_LINE, 1, "INVITE", 1, 0, w.offer.data);
        dialog_message(&w, 0, "SIP/2.0 200 OK", 1, "INVITE", 1, 1, w.answer.data);
        dialog_message(&w, 1, ACK_LINE, 1, "ACK", 2, 1, NULL);
        dialog_message(&w, 1, BYE_LINE, 2, "BYE", 3, 1, NULL);
        dialog_message(&w, 0, "SIP/2.0 200 OK", 2, "BYE", 3, 1, NULL);
    }
    pcap_close(&out);
    printf("%s: %lu dialogs, %lu transactions (INVITE, ACK, BYE each), %" PRIu64 " frames\n",
           path, n, 3 * n, out.frames);
    return 0;
}

static int
transactions(unsigned long n, const char *path)
{
    if (n < 3) {
        fprintf(stderr, "sipgen: a dialog needs at least 3 transactions\n");
        return 1;
    }
    pcap_out out;
    pcap_open(&out, path);
    flow f = {&out, {IP(192, 0, 2, 10), 5060, 0}, {IP(198, 51, 100, 20), 5060, 0}, 0};
    dialog_writer w = {.f = &f};
    dialog_media(&w.offer, &w.answer, 1); /* one call keeps its ports */
    dialog_begin(&w, 1);
    dialog_message(&w, 1, INVITE_LINE, 1, "INVITE", 1, 0, w.offer.data);
    dialog_message(&w, 0, "SIP/2.0 200 OK", 1, "INVITE", 1, 1, w.answer.data);
    dialog_message(&w, 1, ACK_LINE, 1, "ACK", 2, 1, NULL);
    static const char *const methods[] = {"INFO", "OPTIONS", "UPDATE", "MESSAGE"};
    unsigned long cseq = 2;
    for (unsigned long i = 0; i + 3 < n; i++, cseq++) {
        const char *method = methods[i % 4];
        char line[96];
        snprintf(line, sizeof(line), "%s sip:bob@198.51.100.20:5060 SIP/2.0", method);
        int with_sdp = strcmp(method, "UPDATE") == 0;
        dialog_message(&w, 1, line, (unsigned)cseq, method, (unsigned)cseq + 1, 1,
                       with_sdp ? w.offer.data : NULL);
        dialog_message(&w, 0, "SIP/2.0 200 OK", (unsigned)cseq, method, (unsigned)cseq + 1, 1,
                       with_sdp ? w.answer.data : NULL);
    }
    dialog_message(&w, 1, BYE_LINE, (unsigned)cseq, "BYE", (unsigned)cseq + 1, 1, NULL);
    dialog_message(&w, 0, "SIP/2.0 200 OK", (unsigned)cseq, "BYE", (unsigned)cseq + 1, 1, NULL);
    pcap_close(&out);
    printf("%s: 1 dialog, %lu transactions, %" PRIu64 " frames\n", path, n, out.frames);
    return 0;
}

/* ---- messages written by hand (regression captures) ------------------------------------------ */

/* Appends one message of `lines[first..last)`: CRLF line ends, "Content-Length: auto" filled in
 * with the body's length. An empty line separates headers and body; without one the message is
 * headers only. */
static void
hand_message(text *msg, char **lines, size_t first, size_t last)
{
    while (last > first && lines[last - 1][0] == '\0')
        last--;
    size_t blank = last;
    for (size_t i = first; i < last; i++) {
        if (lines[i][0] == '\0') {
            blank = i;
            break;
        }
    }
    text body = {0};
    for (size_t i = blank + 1; i < last; i++)
        add(&body, "%s\r\n", lines[i]);
    clear(msg);
    for (size_t i = first; i < blank; i++) {
        if (strcmp(lines[i], "Content-Length: auto") == 0)
            add(msg, "Content-Length: %zu\r\n", body.len);
        else
            add(msg, "%s\r\n", lines[i]);
    }
    add(msg, "\r\n");
    if (body.len)
        add_bytes(msg, body.data, body.len);
    free(body.data);
}

/* stdin: messages, each after a line "--> udp" (client to server) or "<-- udp" (server to
 * client), "tcp" instead of "udp" for TCP; lines before the first marker are comments. */
static int
messages(const char *path)
{
    text input = {0};
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
        add_bytes(&input, chunk, n);
    size_t n_lines = 0, cap = 64;
    char **lines = malloc(cap * sizeof(*lines));
    for (char *line = input.data ? input.data : ""; line;) {
        char *end = strchr(line, '\n');
        if (end)
            *end = '\0';
        size_t len = strlen(line);
        if (len && line[len - 1] == '\r')
            line[len - 1] = '\0';
        if (n_lines == cap)
            lines = realloc(lines, (cap *= 2) * sizeof(*lines));
        lines[n_lines++] = line;
        line = end ? end + 1 : NULL;
    }
    pcap_out out;
    pcap_open(&out, path);
    flow udp = {&out, {IP(192, 0, 2, 10), 5060, 0}, {IP(198, 51, 100, 20), 5060, 0}, 0};
    flow tcp = {&out, {IP(192, 0, 2, 10), 40000, 1000}, {IP(198, 51, 100, 20), 5060, 900000}, 1};
    text msg = {0};
    size_t start = n_lines;
    int from_client = 1, over_tcp = 0, count = 0;
    for (size_t i = 0; i <= n_lines; i++) {
        int marker = i < n_lines && (strncmp(lines[i], "--> ", 4) == 0 ||
                                     strncmp(lines[i], "<-- ", 4) == 0);
        if (i < n_lines && !marker)
            continue;
        if (start < i) {
            hand_message(&msg, lines, start, i);
            send_msg(over_tcp ? &tcp : &udp, from_client, &msg);
            count++;
        }
        if (i < n_lines) {
            from_client = lines[i][0] == '-';
            over_tcp = strcmp(lines[i] + 4, "tcp") == 0;
            start = i + 1;
        }
    }
    pcap_close(&out);
    free(msg.data);
    free(lines);
    free(input.data);
    printf("%s: %d messages, %" PRIu64 " frames\n", path, count, out.frames);
    return count ? 0 : 1;
}

static int
usage(void)
{
    fprintf(stderr, "usage: sipgen hostile SEED DIR\n"
                    "       sipgen dialogs N FILE\n"
                    "       sipgen transactions N FILE\n"
                    "       sipgen messages FILE < MESSAGES\n");
    return 1;
}

int
main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "messages") == 0)
        return messages(argv[2]);
    if (argc != 4)
        return usage();
    char *end = NULL;
    unsigned long number = strtoul(argv[2], &end, 10);
    if (!*argv[2] || *end)
        return usage();
    if (strcmp(argv[1], "hostile") == 0)
        return hostile(number, argv[3]);
    if (strcmp(argv[1], "dialogs") == 0)
        return dialogs(number, argv[3]);
    if (strcmp(argv[1], "transactions") == 0)
        return transactions(number, argv[3]);
    return usage();
}
