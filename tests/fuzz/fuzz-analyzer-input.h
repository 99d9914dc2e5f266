/* The byte encoding of fuzz-analyzer's inputs: a capture's SIP messages as sipkb_message structs
 * (include/sipkb/message.h) and its DNS messages as sipkb_dns_message structs (include/sipkb/
 * dns.h). fuzz-analyzer.c decodes it, fuzz-analyzer-seeds.c writes the seed dialogs in it; both
 * take the tags, the value pools and the tables from here.
 *
 * An input is a sequence of operations, each starting with one byte:
 *
 *   FUZZ_OP_FINISH            sipkb_analyzer_finish() now (more messages may follow)
 *   FUZZ_OP_DNS               a DNS message in a frame of its own: a byte H as below (bit 7
 *                             ignored), u8 flags (FUZZ_DNS_*), u8 RCODE, u16 ANCOUNT, str QNAME,
 *                             u16 QTYPE, str the QTYPE's mnemonic
 *   any other byte H          a SIP message: bit 7 puts it in the frame of the SIP message
 *                             before, when no DNS message came between; bits 4..6 choose the
 *                             time step since the message before (fuzz_time_steps); bits 0..3
 *                             skip that many frames before it
 *
 * A message's fields follow its byte, each a tag byte (taken modulo FUZZ_TAG_COUNT) and the
 * tag's values, up to the tag FUZZ_TAG_END or the end of the input. Values:
 *
 *   u8, u16, u32   unsigned, big-endian; bytes past the end of the input read as 0
 *   str            one byte B: 0 is NULL; 1..127 the entry (B - 1) modulo the size of the
 *                  field's pool (fuzz_pools); 128..191 the next B - 128 bytes as the SIP
 *                  dissector hands text over, UTF-8 with U+FFFD for each invalid byte; 192..253
 *                  the next B - 192 bytes as they are (UTF-8 or not); 254 a u8 N, then N str
 *                  (of the same pool, at most FUZZ_STR_MAX_DEPTH deep) joined: long values,
 *                  multi-byte characters anywhere in them; 255 a u16 length, then that many
 *                  bytes as text, as for 128..191. A NUL byte ends a string early.
 *   code           one byte B: fuzz_status_codes[B] when B is below their number, 255 a u32,
 *                  any other a u16
 */
#ifndef SIPKB_FUZZ_ANALYZER_INPUT_H
#define SIPKB_FUZZ_ANALYZER_INPUT_H

#include <glib.h>

#include "sipkb/message.h"

#define FUZZ_OP_FINISH 0xFF
#define FUZZ_OP_DNS 0xFE
#define FUZZ_SAME_FRAME 0x80
#define FUZZ_TIME_STEP_SHIFT 4
#define FUZZ_FRAME_GAP_MASK 0x0F

#define FUZZ_STR_NULL 0x00
#define FUZZ_STR_TEXT 0x80   /* + length, up to 63: made valid UTF-8 */
#define FUZZ_STR_BYTES 0xC0  /* + length, up to 61: as they are */
#define FUZZ_STR_JOINED 0xFE /* then a u8 count of str */
#define FUZZ_STR_LONG 0xFF   /* then a u16 length: made valid UTF-8 */
#define FUZZ_STR_MAX_DEPTH 3
#define FUZZ_CODE_U32 0xFF

/* The fields of a message; the values each tag reads follow its name. */
typedef enum {
    FUZZ_TAG_END,                /* the message is complete */
    FUZZ_TAG_REQUEST,            /* str method: a Request-Line */
    FUZZ_TAG_RESPONSE,           /* code: a Status-Line with its code */
    FUZZ_TAG_RESPONSE_NO_CODE,   /* a Status-Line whose code was not read */
    FUZZ_TAG_REASON,             /* str */
    FUZZ_TAG_CALL_ID,            /* str */
    FUZZ_TAG_CSEQ,               /* u32 number, str method */
    FUZZ_TAG_FROM,               /* str user, str tag */
    FUZZ_TAG_TO_TAG,             /* str */
    FUZZ_TAG_VIA,                /* str transport, str host, u16 port, str branch, str received,
                                    str rport: one more Via value, below the others, whose
                                    parameters the dissector read */
    FUZZ_TAG_CHALLENGE,          /* u8 header, str realm, str nonce, str algorithm, str stale */
    FUZZ_TAG_CREDENTIALS,        /* u8 header, str username, str realm, str nonce, str algorithm */
    FUZZ_TAG_ASSERTED,           /* str: P-Asserted-Identity user */
    FUZZ_TAG_PREFERRED,          /* str: P-Preferred-Identity user */
    FUZZ_TAG_RETRY_AFTER,        /* u32 */
    FUZZ_TAG_CONTACT,            /* str: one more Contact URI */
    FUZZ_TAG_WARNING,            /* str */
    FUZZ_TAG_RESEND,             /* the SIP dissector's resend mark */
    FUZZ_TAG_IN_ICMP,            /* quoted in an ICMP error */
    FUZZ_TAG_PATH,               /* str source, str destination, u16 source port, u16 destination
                                    port, str transport */
    FUZZ_TAG_REVERSE_PATH,       /* the path of the message before, the other way round */
    FUZZ_TAG_SDP_LINE,           /* an SDP line (below); the message has an SDP body */
    FUZZ_TAG_SDP_EMPTY,          /* the message has an SDP body (with the lines given, if any) */
    FUZZ_TAG_SPAN,               /* u16 start, u16 length: where the message is in its frame */
    FUZZ_TAG_TIME,               /* u32 seconds, u32 nanoseconds (modulo 10^9): the capture time */
    FUZZ_TAG_COPY_DIALOG,        /* u8 K: Call-ID, CSeq, From, To (user, host, tag) and Via
                                    values of the message K + 1 messages back (modulo their
                                    number), and its path the other way round */
    FUZZ_TAG_EVENT,              /* str: the Event header */
    FUZZ_TAG_VIA_UNREAD,         /* the last Via value's parameters were not read */
    FUZZ_TAG_REQUEST_URI,        /* str URI, str user, str host */
    FUZZ_TAG_FROM_HOST,          /* str */
    FUZZ_TAG_TO,                 /* str user, str host: the To URI's */
    FUZZ_TAG_EXPIRES,            /* u32: the Expires header */
    FUZZ_TAG_CONTACT_PARAMETERS, /* str: the parameters of one more Contact */
    FUZZ_TAG_ICMP_SOURCE,        /* str: the ICMP error's sender */
    FUZZ_TAG_COUNT
} fuzz_tag;

/* The flags of a DNS message. */
enum {
    FUZZ_DNS_RESPONSE = 1 << 0,  /* QR */
    FUZZ_DNS_TRUNCATED = 1 << 1, /* TC */
};

/* An SDP line: u8 kind (modulo FUZZ_SDP_COUNT), u8 flags, then the kind's values. The line's
 * value is written from its parts, as the SDP dissector would have read it. */
typedef enum {
    FUZZ_SDP_V,     /* str value */
    FUZZ_SDP_O,     /* str user, str session id, str version, str address */
    FUZZ_SDP_S,     /* str value */
    FUZZ_SDP_C,     /* str address type, str address, str TTL */
    FUZZ_SDP_M,     /* str media, str port, str profile, u8 N, N x u8 format number */
    FUZZ_SDP_A,     /* str value ("rtpmap:0 PCMU/8000") */
    FUZZ_SDP_T,     /* str start, str stop */
    FUZZ_SDP_B,     /* str modifier, str bandwidth */
    FUZZ_SDP_OTHER, /* u8 type letter, str value, 4 x str part */
    FUZZ_SDP_COUNT
} fuzz_sdp_kind;

/* Flags of an SDP line. */
enum {
    FUZZ_SDP_NO_VALUE = 1 << 0,      /* value NULL */
    FUZZ_SDP_FLIP_IN_MEDIA = 1 << 1, /* in_media the other way than the lines before say */
    FUZZ_SDP_DROP_PART_SHIFT = 2,    /* bits 2..5: part 1..4 left out (NULL) */
};

/* ---- value pools ------------------------------------------------------------------------- */

typedef enum {
    FUZZ_POOL_METHOD,
    FUZZ_POOL_CALL_ID,
    FUZZ_POOL_USER,
    FUZZ_POOL_TAG,
    FUZZ_POOL_REASON,
    FUZZ_POOL_REALM,
    FUZZ_POOL_NONCE,
    FUZZ_POOL_ALGORITHM,
    FUZZ_POOL_STALE,
    FUZZ_POOL_ADDRESS,
    FUZZ_POOL_TRANSPORT,
    FUZZ_POOL_BRANCH,
    FUZZ_POOL_RPORT,
    FUZZ_POOL_URI,
    FUZZ_POOL_WARNING,
    FUZZ_POOL_TEXT,
    FUZZ_POOL_MEDIA,
    FUZZ_POOL_PORT,
    FUZZ_POOL_PROFILE,
    FUZZ_POOL_ATTRIBUTE,
    FUZZ_POOL_ADDRESS_TYPE,
    FUZZ_POOL_NUMBER,
    FUZZ_POOL_BANDWIDTH_TYPE,
    FUZZ_POOL_EVENT,
    FUZZ_POOL_HOST,
    FUZZ_POOL_CONTACT_PARAMETERS,
    FUZZ_POOL_DNS_TYPE,
    FUZZ_POOL_COUNT
} fuzz_pool_id;

static const char *const fuzz_methods[] = {
    "INVITE",  "ACK",     "BYE",    "CANCEL", "REGISTER",  "OPTIONS",
    "PRACK",   "UPDATE",  "INFO",   "REFER",  "SUBSCRIBE", "NOTIFY",
    "MESSAGE", "PUBLISH", "invite", "",       "INVITE ",   "X-CUSTOM",
};
static const char *const fuzz_call_ids[] = {
    "a84b4c76e66710@pc33.example.com", "843817637684230@998sdasdh09", "call-3", "call-4", "",
};
static const char *const fuzz_users[] = {
    "alice",
    "bob",
    "+4930123456789",
    "004930123456789",
    "030123456789",
    "+1 (555) 123-4567",
    "15551234567",
    "5551234567",
    "1000",
    "1001",
    "anonymous",
    "",
    "+",
    "0",
    "Alice",
    "m\xc3\xbcller",
    "\xe4\xb8\xad\xe6\x96\x87\xe7\x94\xa8\xe6\x88\xb7",
    "alice@sip.example.com",
    "+4930123456789@proxy.example.net",
    "bob@",
};
static const char *const fuzz_tags[] = {"1928301774", "a6c85cf", "314159", "", "x"};
static const char *const fuzz_reasons[] = {
    "OK",
    "Trying",
    "Ringing",
    "Session Progress",
    "Unauthorized",
    "Proxy Authentication Required",
    "Forbidden",
    "Wrong password",
    "Insufficient credit",
    "Caller ID does not match",
    "Invalid user",
    "Request Terminated",
    "Not Acceptable Here",
    "Request Timeout",
    "Service Unavailable",
    "Moved Temporarily",
    "Busy Here",
    "",
    "Forbidden (caller identity, credit, password)",
    "Stale nonce",
    "Nonce has changed",
    "Temporarily out of order",
    "DNS lookup failed",
    "Mailbox full",
    ("Verboten: Anrufer-Identit\xc3\xa4t pr\xc3\xbc"
     "fen"),
};
static const char *const fuzz_realms[] = {
    "sip.example.com", "proxy.example.net", "asterisk", "", "Z\xc3\xbcrich Telecom",
};
static const char *const fuzz_nonces[] = {"n1", "n2", "n3", "",
                                          "dcd98b7102dd2f0e8b11d0f600bfb0c093"};
static const char *const fuzz_algorithms[] = {"MD5", "SHA-256", "MD5-sess",
                                              "md5", "",        "SHA-512-256"};
static const char *const fuzz_stale[] = {"true", "false", "TRUE", "", "yes"};
static const char *const fuzz_addresses[] = {
    "192.168.1.10",
    "10.0.0.5",
    "172.16.3.4",
    "100.64.1.2",
    "203.0.113.5",
    "198.51.100.7",
    "192.0.2.4",
    "2001:db8::1",
    "fd00::1",
    "fe80::1",
    "127.0.0.1",
    "0.0.0.0",
    "::",
    "224.0.1.75",
    "pbx.example.com",
    "999.1.1.1",
    "",
    "[2001:db8::2]",
    "10.0.0.5:5060",
    "192.168.1.10 ",
    "::ffff:192.168.1.1",
};
static const char *const fuzz_transports[] = {"UDP", "TCP", "TLS", "SCTP", "WS", "WSS", "udp", ""};
static const char *const fuzz_branches[] = {
    "z9hG4bK776asdhds",
    "z9hG4bKnashds8",
    "z9hG4bK74bf9",
    "z9hG4bK",
    "1234",
    "",
    ("z9hG4bK-\xc3\xa4\xc3\xb6\xc3\xbc-\xc3\xa4\xc3\xb6\xc3\xbc-\xc3\xa4\xc3\xb6\xc3\xbc-"
     "\xc3\xa4\xc3\xb6\xc3\xbc-\xc3\xa4\xc3\xb6\xc3\xbc-\xc3\xa4\xc3\xb6\xc3\xbc"),
};
static const char *const fuzz_rports[] = {"", "rport", "5060", "49152", "0"};
static const char *const fuzz_uris[] = {
    "sip:bob@192.0.2.4",
    "<sip:bob@198.51.100.1:5080;transport=tcp>",
    "sip:voicemail@example.com",
    "tel:+4930123456789",
    "",
    "*",
};
static const char *const fuzz_warnings[] = {
    "399 pbx.example.com \"Codec not allowed\"",
    "307 isi.edu \"Session parameter 'foo' not understood\"",
    "",
};
static const char *const fuzz_texts[] = {"0", "-", "Talk", "", "sipkb test session", "1"};
static const char *const fuzz_media[] = {"audio", "video", "image", "application", "text", ""};
static const char *const fuzz_ports[] = {"49170", "0", "5004", "65535", "65536", "abc", "-1", ""};
static const char *const fuzz_profiles[] = {
    "RTP/AVP",     "RTP/SAVP", "RTP/AVPF", "RTP/SAVPF", "UDP/TLS/RTP/SAVPF", "udptl", "UDPTL",
    "TCP/RTP/AVP", "rtp/avp",  "RTP/",     "",
};
static const char *const fuzz_attributes[] = {
    "rtpmap:0 PCMU/8000",
    "rtpmap:8 PCMA/8000",
    "rtpmap:18 G729/8000",
    "rtpmap:101 telephone-event/8000",
    "rtpmap:96 opus/48000/2",
    "rtpmap:97 AMR-WB/16000",
    "rtpmap:98 telephone-event/16000",
    "rtpmap:96 H264/90000",
    "rtpmap:101",
    "rtpmap: PCMU/8000",
    "rtpmap:99999999999 x/1",
    "fmtp:101 0-15",
    "fmtp:101 0-16",
    "fmtp:18 annexb=no",
    "fmtp:101 0-255,300",
    "ptime:20",
    "ptime:30",
    "ptime:",
    "maxptime:40",
    "sendrecv",
    "sendonly",
    "recvonly",
    "inactive",
    "rtcp:5005",
    "setup:actpass",
    "fingerprint:sha-256 4A:AD:B9:B1:3F:82:18:3B",
    "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
    "candidate:1 1 UDP 2130706431 192.168.1.10 49170 typ host generation 0 network-id 1",
    "T38FaxVersion:0",
    "",
    ":",
    ("x-\xc3\xa4ttribute-with-a-long-name-\xc3\xa4\xc3\xb6\xc3\xbc-\xc3\xa4\xc3\xb6\xc3\xbc-"
     "\xc3\xa4\xc3\xb6\xc3\xbc:1"),
};
static const char *const fuzz_address_types[] = {"IP4", "IP6", "ip4", ""};
static const char *const fuzz_numbers[] = {"0", "1", "2890844526", "64", "3", "", "-"};
static const char *const fuzz_bandwidth_types[] = {"AS", "TIAS", "CT", "RR", ""};
static const char *const fuzz_events[] = {
    "message-summary",
    "presence.winfo",
    "Presence;id=7",
    "dialog;sla",
    " ua-profile ; x=1",
    ";id=1",
    "",
    "..",
    "refer",
};

/* Hosts of URIs and the names DNS looks up for them (RFC 3263 section 4). */
static const char *const fuzz_hosts[] = {
    "example.com",
    "sip.example.com",
    "_sip._udp.example.com",
    "_sips._tcp.example.com",
    "EXAMPLE.com.",
    "pbx.example.net",
    "192.0.2.4",
    "[2001:db8::1]",
    "2001:db8::1",
    "localhost",
    "",
    ".",
    "example..com",
    ("\xc3\xbc"
     "ber.example.com"),
};
static const char *const fuzz_contact_parameters[] = {
    "expires=600", "expires=0", "q=0.5;expires=3600", "expires=", "expires=4294967296", "", ";",
};
static const char *const fuzz_dns_types[] = {"A", "AAAA", "SRV", "NAPTR", "MX", "", "a"};

typedef struct {
    const char *const *items;
    guint n;
} fuzz_pool;

static const fuzz_pool fuzz_pools[FUZZ_POOL_COUNT] = {
#define FUZZ_POOL(id, array) [id] = {array, G_N_ELEMENTS(array)}
    FUZZ_POOL(FUZZ_POOL_METHOD, fuzz_methods),
    FUZZ_POOL(FUZZ_POOL_CALL_ID, fuzz_call_ids),
    FUZZ_POOL(FUZZ_POOL_USER, fuzz_users),
    FUZZ_POOL(FUZZ_POOL_TAG, fuzz_tags),
    FUZZ_POOL(FUZZ_POOL_REASON, fuzz_reasons),
    FUZZ_POOL(FUZZ_POOL_REALM, fuzz_realms),
    FUZZ_POOL(FUZZ_POOL_NONCE, fuzz_nonces),
    FUZZ_POOL(FUZZ_POOL_ALGORITHM, fuzz_algorithms),
    FUZZ_POOL(FUZZ_POOL_STALE, fuzz_stale),
    FUZZ_POOL(FUZZ_POOL_ADDRESS, fuzz_addresses),
    FUZZ_POOL(FUZZ_POOL_TRANSPORT, fuzz_transports),
    FUZZ_POOL(FUZZ_POOL_BRANCH, fuzz_branches),
    FUZZ_POOL(FUZZ_POOL_RPORT, fuzz_rports),
    FUZZ_POOL(FUZZ_POOL_URI, fuzz_uris),
    FUZZ_POOL(FUZZ_POOL_WARNING, fuzz_warnings),
    FUZZ_POOL(FUZZ_POOL_TEXT, fuzz_texts),
    FUZZ_POOL(FUZZ_POOL_MEDIA, fuzz_media),
    FUZZ_POOL(FUZZ_POOL_PORT, fuzz_ports),
    FUZZ_POOL(FUZZ_POOL_PROFILE, fuzz_profiles),
    FUZZ_POOL(FUZZ_POOL_ATTRIBUTE, fuzz_attributes),
    FUZZ_POOL(FUZZ_POOL_ADDRESS_TYPE, fuzz_address_types),
    FUZZ_POOL(FUZZ_POOL_NUMBER, fuzz_numbers),
    FUZZ_POOL(FUZZ_POOL_BANDWIDTH_TYPE, fuzz_bandwidth_types),
    FUZZ_POOL(FUZZ_POOL_EVENT, fuzz_events),
    FUZZ_POOL(FUZZ_POOL_HOST, fuzz_hosts),
    FUZZ_POOL(FUZZ_POOL_CONTACT_PARAMETERS, fuzz_contact_parameters),
    FUZZ_POOL(FUZZ_POOL_DNS_TYPE, fuzz_dns_types),
#undef FUZZ_POOL
};

/* Status codes one byte names: the usual ones, then codes outside 100..699. */
static const guint32 fuzz_status_codes[] = {
    100, 180, 181, 183, 200, 202, 300, 301, 302, 380, 400, 401, 403, 404, 405, 407,
    408, 410, 415, 420, 480, 481, 484, 486, 487, 488, 491, 494, 500, 501, 503, 504,
    580, 600, 603, 604, 606, 199, 299, 399, 499, 599, 699, 0,   1,   99,  700, 999,
};

/* Time between a message and the one before (nanoseconds); the last goes back in time. */
static const gint64 fuzz_time_steps[8] = {
    0,
    G_GINT64_CONSTANT(1000000),
    G_GINT64_CONSTANT(20000000),
    G_GINT64_CONSTANT(500000000),
    G_GINT64_CONSTANT(4000000000),
    G_GINT64_CONSTANT(32000000000),
    G_GINT64_CONSTANT(3600000000000),
    G_GINT64_CONSTANT(-1000000000),
};

/* The capture time of the first message: 2023-11-14 22:13:20 UTC. */
#define FUZZ_FIRST_TIME_NS G_GINT64_CONSTANT(1700000000000000000)

#endif /* SIPKB_FUZZ_ANALYZER_INPUT_H */
