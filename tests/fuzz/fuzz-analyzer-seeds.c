/* Writes the seed inputs of fuzz-analyzer: a few realistic dialogs in the byte encoding of
 * fuzz-analyzer-input.h, one file each (a REGISTER challenged with 401 and retried, an INVITE
 * challenged with 407, a CANCEL and its 487, offers and answers that agree or not, DNS lookups,
 * ...).
 *
 * Usage: fuzz-analyzer-seeds OUT_DIR
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fuzz-analyzer-input.h"

/* ---- the encoding --------------------------------------------------------------------------- */

static GByteArray *out;

static void
put_u8(guint value)
{
    guint8 byte = (guint8)value;
    g_byte_array_append(out, &byte, 1);
}

static void
put_u16(guint value)
{
    put_u8(value >> 8);
    put_u8(value);
}

static void
put_u32(guint32 value)
{
    put_u16(value >> 16);
    put_u16(value & 0xFFFF);
}

/* A string: its entry in the pool when it has one, else its bytes (as text when UTF-8). */
static void
put_str(fuzz_pool_id pool_id, const char *text)
{
    if (!text) {
        put_u8(FUZZ_STR_NULL);
        return;
    }
    const fuzz_pool *pool = &fuzz_pools[pool_id];
    for (guint i = 0; i < pool->n && i + 1 < FUZZ_STR_TEXT; i++) {
        if (strcmp(pool->items[i], text) == 0) {
            put_u8(i + 1);
            return;
        }
    }
    gsize length = strlen(text);
    if (!g_utf8_validate(text, (gssize)length, NULL) && length < FUZZ_STR_JOINED - FUZZ_STR_BYTES) {
        put_u8(FUZZ_STR_BYTES + (guint)length);
    } else if (length < FUZZ_STR_BYTES - FUZZ_STR_TEXT) {
        put_u8(FUZZ_STR_TEXT + (guint)length);
    } else {
        put_u8(FUZZ_STR_LONG);
        put_u16((guint)length);
    }
    g_byte_array_append(out, (const guint8 *)text, (guint)length);
}

static void
put_code(guint32 code)
{
    for (guint i = 0; i < G_N_ELEMENTS(fuzz_status_codes); i++) {
        if (fuzz_status_codes[i] == code) {
            put_u8(i);
            return;
        }
    }
    if (code <= 0xFFFF) {
        put_u8(FUZZ_CODE_U32 - 1);
        put_u16(code);
    } else {
        put_u8(FUZZ_CODE_U32);
        put_u32(code);
    }
}

/* ---- messages ------------------------------------------------------------------------------- */

/* When a message comes: its frame gap and time step (fuzz_time_steps). */
enum { SAME_FRAME = -1 };
enum { NOW, MS, MS20, MS500, S4, S32, HOUR, BACK };

static void
begin(int gap, guint step)
{
    if (gap == SAME_FRAME)
        put_u8(FUZZ_SAME_FRAME | step << FUZZ_TIME_STEP_SHIFT);
    else
        put_u8((guint)gap | step << FUZZ_TIME_STEP_SHIFT);
}

static void
end(void)
{
    put_u8(FUZZ_TAG_END);
}

static void
finish(void)
{
    put_u8(FUZZ_OP_FINISH);
}

/* One side of a dialog: who talks to whom, and how it names itself. */
typedef struct {
    const char *call_id;
    const char *from_user, *from_tag, *to_tag;
    const char *transport; /* of the Via and of the packets */
    const char *host;      /* the client's address, Via sent-by */
    const char *server;    /* the server's address */
    guint port, server_port;
} dialog;

static void
put_path(const char *source, const char *destination, guint source_port, guint destination_port,
         const char *transport)
{
    put_u8(FUZZ_TAG_PATH);
    put_str(FUZZ_POOL_ADDRESS, source);
    put_str(FUZZ_POOL_ADDRESS, destination);
    put_u16(source_port);
    put_u16(destination_port);
    put_str(FUZZ_POOL_TRANSPORT, transport);
}

static void
put_via(const char *transport, const char *host, guint port, const char *branch,
        const char *received, const char *rport)
{
    put_u8(FUZZ_TAG_VIA);
    put_str(FUZZ_POOL_TRANSPORT, transport);
    put_str(FUZZ_POOL_ADDRESS, host);
    put_u16(port);
    put_str(FUZZ_POOL_BRANCH, branch);
    put_str(FUZZ_POOL_ADDRESS, received);
    put_str(FUZZ_POOL_RPORT, rport);
}

static void
put_dialog(const dialog *d, guint32 cseq, const char *method, gboolean to_tag)
{
    put_u8(FUZZ_TAG_CALL_ID);
    put_str(FUZZ_POOL_CALL_ID, d->call_id);
    put_u8(FUZZ_TAG_CSEQ);
    put_u32(cseq);
    put_str(FUZZ_POOL_METHOD, method);
    put_u8(FUZZ_TAG_FROM);
    put_str(FUZZ_POOL_USER, d->from_user);
    put_str(FUZZ_POOL_TAG, d->from_tag);
    if (to_tag && d->to_tag) {
        put_u8(FUZZ_TAG_TO_TAG);
        put_str(FUZZ_POOL_TAG, d->to_tag);
    }
}

/* A request from the client; the caller adds fields, then end(). */
static void
request(int gap, guint step, const dialog *d, const char *method, guint32 cseq,
        const char *cseq_method, const char *branch, gboolean in_dialog)
{
    begin(gap, step);
    put_u8(FUZZ_TAG_REQUEST);
    put_str(FUZZ_POOL_METHOD, method);
    put_dialog(d, cseq, cseq_method ? cseq_method : method, in_dialog);
    put_via(d->transport, d->host, d->port, branch, NULL, NULL);
    put_path(d->host, d->server, d->port, d->server_port, d->transport);
}

/* A response from the server to the client's request. */
static void
response(int gap, guint step, const dialog *d, guint32 code, const char *reason, guint32 cseq,
         const char *method, const char *branch)
{
    begin(gap, step);
    put_u8(FUZZ_TAG_RESPONSE);
    put_code(code);
    put_u8(FUZZ_TAG_REASON);
    put_str(FUZZ_POOL_REASON, reason);
    put_dialog(d, cseq, method, code > 100);
    put_via(d->transport, d->host, d->port, branch, NULL, NULL);
    put_path(d->server, d->host, d->server_port, d->port, d->transport);
}

static void
challenge(sipkb_auth_header header, const char *realm, const char *nonce, const char *stale)
{
    put_u8(FUZZ_TAG_CHALLENGE);
    put_u8(header);
    put_str(FUZZ_POOL_REALM, realm);
    put_str(FUZZ_POOL_NONCE, nonce);
    put_str(FUZZ_POOL_ALGORITHM, "MD5");
    put_str(FUZZ_POOL_STALE, stale);
}

static void
credentials(sipkb_auth_header header, const char *username, const char *realm, const char *nonce)
{
    put_u8(FUZZ_TAG_CREDENTIALS);
    put_u8(header);
    put_str(FUZZ_POOL_USER, username);
    put_str(FUZZ_POOL_REALM, realm);
    put_str(FUZZ_POOL_NONCE, nonce);
    put_str(FUZZ_POOL_ALGORITHM, NULL);
}

/* ---- SDP -------------------------------------------------------------------------------- */

static void
sdp_text(fuzz_sdp_kind kind, const char *value)
{
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(kind);
    put_u8(0);
    put_str(kind == FUZZ_SDP_A ? FUZZ_POOL_ATTRIBUTE : FUZZ_POOL_TEXT, value);
}

static void
sdp_origin(const char *user, const char *address)
{
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_O);
    put_u8(0);
    put_str(FUZZ_POOL_USER, user);
    put_str(FUZZ_POOL_NUMBER, "2890844526");
    put_str(FUZZ_POOL_NUMBER, "1");
    put_str(FUZZ_POOL_ADDRESS, address);
}

static void
sdp_connection(const char *address)
{
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_C);
    put_u8(0);
    put_str(FUZZ_POOL_ADDRESS_TYPE, strchr(address, ':') ? "IP6" : "IP4");
    put_str(FUZZ_POOL_ADDRESS, address);
    put_str(FUZZ_POOL_NUMBER, NULL);
}

static void
sdp_media(const char *media, const char *port, const char *profile, const guint8 *formats, guint n)
{
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_M);
    put_u8(0);
    put_str(FUZZ_POOL_MEDIA, media);
    put_str(FUZZ_POOL_PORT, port);
    put_str(FUZZ_POOL_PROFILE, profile);
    put_u8(n);
    for (guint i = 0; i < n; i++)
        put_u8(formats[i]);
}

/* v=, o=, s=, c=, t= of a body. */
static void
sdp_session(const char *user, const char *address)
{
    sdp_text(FUZZ_SDP_V, "0");
    sdp_origin(user, address);
    sdp_text(FUZZ_SDP_S, "-");
    sdp_connection(address);
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_T);
    put_u8(0);
    put_str(FUZZ_POOL_NUMBER, "0");
    put_str(FUZZ_POOL_NUMBER, "0");
}

/* An audio stream with G.711, G.729 and telephone-event. */
static void
sdp_audio_offer(const char *user, const char *address)
{
    static const guint8 formats[] = {0, 8, 18, 101};
    sdp_session(user, address);
    sdp_media("audio", "49170", "RTP/AVP", formats, G_N_ELEMENTS(formats));
    sdp_text(FUZZ_SDP_A, "rtpmap:0 PCMU/8000");
    sdp_text(FUZZ_SDP_A, "rtpmap:8 PCMA/8000");
    sdp_text(FUZZ_SDP_A, "rtpmap:18 G729/8000");
    sdp_text(FUZZ_SDP_A, "fmtp:18 annexb=no");
    sdp_text(FUZZ_SDP_A, "rtpmap:101 telephone-event/8000");
    sdp_text(FUZZ_SDP_A, "fmtp:101 0-15");
    sdp_text(FUZZ_SDP_A, "ptime:20");
    sdp_text(FUZZ_SDP_A, "sendrecv");
}

static void
sdp_audio_answer(const char *user, const char *address, guint8 codec, const char *ptime)
{
    const guint8 formats[] = {codec, 101};
    sdp_session(user, address);
    sdp_media("audio", "5004", "RTP/AVP", formats, G_N_ELEMENTS(formats));
    sdp_text(FUZZ_SDP_A, "rtpmap:101 telephone-event/8000");
    sdp_text(FUZZ_SDP_A, ptime);
}

/* ---- the dialogs ---------------------------------------------------------------------------- */

static const dialog alice = {"a84b4c76e66710@pc33.example.com",
                             "alice",
                             "1928301774",
                             "a6c85cf",
                             "UDP",
                             "192.168.1.10",
                             "203.0.113.5",
                             5060,
                             5060};
static const dialog bob = {"843817637684230@998sdasdh09",
                           "+4930123456789",
                           "314159",
                           "a6c85cf",
                           "UDP",
                           "198.51.100.7",
                           "203.0.113.5",
                           5062,
                           5060};

/* REGISTER, 401 with a nonce, REGISTER with credentials on it, 200. */
static void
register_401_retry(void)
{
    request(0, NOW, &alice, "REGISTER", 1, NULL, "z9hG4bKnashds8", FALSE);
    end();
    response(0, MS20, &alice, 401, "Unauthorized", 1, "REGISTER", "z9hG4bKnashds8");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "sip.example.com", "n1", NULL);
    end();
    request(0, MS20, &alice, "REGISTER", 2, NULL, "z9hG4bK776asdhds", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice", "sip.example.com", "n1");
    end();
    response(0, MS20, &alice, 200, "OK", 2, "REGISTER", "z9hG4bK776asdhds");
    put_u8(FUZZ_TAG_CONTACT);
    put_str(FUZZ_POOL_URI, "sip:bob@192.0.2.4");
    end();
}

/* Credentials challenged again: once with stale=true, once on the nonce just given. */
static void
register_stale_then_rejected(void)
{
    request(0, NOW, &alice, "REGISTER", 1, NULL, "z9hG4bKnashds8", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice", "sip.example.com", "n1");
    end();
    response(0, MS20, &alice, 401, "Unauthorized", 1, "REGISTER", "z9hG4bKnashds8");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "sip.example.com", "n2", "true");
    end();
    request(0, MS20, &alice, "REGISTER", 2, NULL, "z9hG4bK776asdhds", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice", "sip.example.com", "n2");
    end();
    response(0, MS20, &alice, 401, "Unauthorized", 2, "REGISTER", "z9hG4bK776asdhds");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "sip.example.com", "n3", "false");
    end();
    /* The same 401 again, as the SIP dissector marks a resend. */
    response(0, MS500, &alice, 401, "Unauthorized", 2, "REGISTER", "z9hG4bK776asdhds");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "sip.example.com", "n3", "false");
    put_u8(FUZZ_TAG_RESEND);
    end();
}

/* INVITE with an offer, 407, ACK, INVITE with Proxy-Authorization, 100, 180, 200 with the
 * answer, ACK, BYE, 200. */
static void
invite_407_call(void)
{
    request(0, NOW, &bob, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    sdp_audio_offer("bob", "198.51.100.7");
    end();
    response(0, MS20, &bob, 407, "Proxy Authentication Required", 1, "INVITE", "z9hG4bK74bf9");
    challenge(SIPKB_AUTH_PROXY_AUTHENTICATE, "proxy.example.net", "n1", NULL);
    end();
    request(0, MS, &bob, "ACK", 1, NULL, "z9hG4bK74bf9", TRUE);
    end();
    request(0, MS20, &bob, "INVITE", 2, NULL, "z9hG4bKnashds8", FALSE);
    credentials(SIPKB_AUTH_PROXY_AUTHORIZATION, "+4930123456789", "proxy.example.net", "n1");
    put_u8(FUZZ_TAG_ASSERTED);
    put_str(FUZZ_POOL_USER, "+4930123456789");
    sdp_audio_offer("bob", "198.51.100.7");
    end();
    response(0, MS20, &bob, 100, "Trying", 2, "INVITE", "z9hG4bKnashds8");
    end();
    response(0, MS500, &bob, 180, "Ringing", 2, "INVITE", "z9hG4bKnashds8");
    end();
    response(0, S4, &bob, 200, "OK", 2, "INVITE", "z9hG4bKnashds8");
    sdp_audio_answer("callee", "192.0.2.4", 8, "ptime:20");
    end();
    request(0, MS20, &bob, "ACK", 2, NULL, "z9hG4bK776asdhds", TRUE);
    end();
    request(0, S32, &bob, "BYE", 3, NULL, "z9hG4bK1234", TRUE);
    end();
    response(0, MS20, &bob, 200, "OK", 3, "BYE", "z9hG4bK1234");
    end();
}

/* INVITE, 100, 180, CANCEL, 200 to the CANCEL, 487, ACK; then a 487 without a CANCEL. */
static void
cancel_487(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    sdp_audio_offer("alice", "192.168.1.10");
    end();
    response(0, MS20, &alice, 100, "Trying", 1, "INVITE", "z9hG4bK74bf9");
    end();
    response(0, MS500, &alice, 180, "Ringing", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, S4, &alice, "CANCEL", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    response(0, MS20, &alice, 200, "OK", 1, "CANCEL", "z9hG4bK74bf9");
    end();
    response(SAME_FRAME, NOW, &alice, 487, "Request Terminated", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, MS, &alice, "ACK", 1, NULL, "z9hG4bK74bf9", TRUE);
    end();

    request(3, S32, &bob, "INVITE", 7, NULL, "z9hG4bK776asdhds", FALSE);
    end();
    response(0, S4, &bob, 487, "Request Terminated", 7, "INVITE", "z9hG4bK776asdhds");
    end();
}

/* Answers that differ from their offers: a codec not offered, another ptime, another profile,
 * telephone-event dropped; then no common codec; then an offer in a 200 answered in the ACK. */
static void
offer_answer_mismatches(void)
{
    static const guint8 answer_formats[] = {9, 0};
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    sdp_audio_offer("alice", "203.0.113.5");
    end();
    response(0, S4, &alice, 200, "OK", 1, "INVITE", "z9hG4bK74bf9");
    sdp_session("callee", "192.0.2.4");
    sdp_media("audio", "5004", "RTP/SAVP", answer_formats, G_N_ELEMENTS(answer_formats));
    sdp_text(FUZZ_SDP_A, "ptime:30");
    end();

    static const guint8 video[] = {96};
    static const guint8 none_common[] = {3};
    request(1, S32, &bob, "INVITE", 1, NULL, "z9hG4bKnashds8", FALSE);
    sdp_audio_offer("bob", "198.51.100.7");
    sdp_media("video", "49172", "RTP/AVP", video, 1);
    sdp_text(FUZZ_SDP_A, "rtpmap:96 H264/90000");
    end();
    response(0, S4, &bob, 200, "OK", 1, "INVITE", "z9hG4bKnashds8");
    sdp_session("callee", "192.0.2.4");
    sdp_media("audio", "5004", "RTP/AVP", none_common, 1);
    sdp_media("video", "0", "RTP/AVP", video, 1);
    end();

    /* Late offer: an INVITE without SDP, the offer in the 200, the answer in the ACK. */
    dialog late = alice;
    late.call_id = "call-3";
    static const guint8 opus[] = {96, 0};
    request(0, S4, &late, "INVITE", 5, NULL, "z9hG4bK1234", FALSE);
    end();
    response(0, S4, &late, 200, "OK", 5, "INVITE", "z9hG4bK1234");
    sdp_session("callee", "192.0.2.4");
    sdp_media("audio", "5004", "RTP/AVP", opus, G_N_ELEMENTS(opus));
    sdp_text(FUZZ_SDP_A, "rtpmap:96 opus/48000/2");
    end();
    request(0, MS20, &late, "ACK", 5, NULL, "z9hG4bK776asdhds", TRUE);
    sdp_audio_answer("alice", "203.0.113.5", 0, "ptime:20");
    end();
}

/* An SRTP offer refused with 488; a T.38 re-INVITE refused with 606; a dynamic type without
 * rtpmap. */
static void
refused_offers(void)
{
    static const guint8 srtp[] = {0, 101};
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    sdp_session("alice", "203.0.113.5");
    sdp_media("audio", "49170", "RTP/SAVP", srtp, G_N_ELEMENTS(srtp));
    sdp_text(FUZZ_SDP_A,
             "crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXX"
             "txaVBR|2^20|1:32");
    end();
    response(0, MS20, &alice, 488, "Not Acceptable Here", 1, "INVITE", "z9hG4bK74bf9");
    put_u8(FUZZ_TAG_WARNING);
    put_str(FUZZ_POOL_WARNING, "399 pbx.example.com \"Codec not allowed\"");
    end();

    static const guint8 pcmu[] = {0};
    static const guint8 dynamic[] = {97, 18};
    request(0, S4, &bob, "INVITE", 2, NULL, "z9hG4bKnashds8", TRUE);
    sdp_session("bob", "198.51.100.7");
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_M);
    put_u8(0);
    put_str(FUZZ_POOL_MEDIA, "image");
    put_str(FUZZ_POOL_PORT, "49170");
    put_str(FUZZ_POOL_PROFILE, "udptl");
    put_u8(0);
    sdp_text(FUZZ_SDP_A, "T38FaxVersion:0");
    sdp_media("audio", "49172", "RTP/AVP", pcmu, 1);
    end();
    response(0, MS500, &bob, 606, "Not Acceptable", 2, "INVITE", "z9hG4bKnashds8");
    end();
    request(0, S4, &bob, "UPDATE", 3, NULL, "z9hG4bK1234", TRUE);
    sdp_session("bob", "198.51.100.7");
    sdp_media("audio", "49172", "RTP/AVP", dynamic, G_N_ELEMENTS(dynamic));
    end();
}

/* Hold: a re-INVITE with sendonly answered recvonly, then the old way with c=0.0.0.0. */
static void
hold(void)
{
    static const guint8 pcmu[] = {0};
    request(0, NOW, &alice, "INVITE", 10, NULL, "z9hG4bK74bf9", TRUE);
    sdp_session("alice", "203.0.113.5");
    sdp_media("audio", "49170", "RTP/AVP", pcmu, 1);
    sdp_text(FUZZ_SDP_A, "sendonly");
    end();
    response(0, MS20, &alice, 200, "OK", 10, "INVITE", "z9hG4bK74bf9");
    sdp_session("callee", "192.0.2.4");
    sdp_media("audio", "5004", "RTP/AVP", pcmu, 1);
    sdp_text(FUZZ_SDP_A, "recvonly");
    end();
    request(0, S32, &alice, "INVITE", 11, NULL, "z9hG4bKnashds8", TRUE);
    sdp_session("alice", "0.0.0.0");
    sdp_media("audio", "49170", "RTP/AVP", pcmu, 1);
    sdp_text(FUZZ_SDP_A, "inactive");
    end();
}

/* NAT: a private Via sent-by and SDP address seen from a public source; a Via that names TCP
 * on a UDP packet; a received parameter added by the server. */
static void
nat_and_transport(void)
{
    dialog natted = alice;
    natted.host = "192.168.1.10";
    request(0, NOW, &natted, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    put_path("198.51.100.7", "203.0.113.5", 32768, 5060, "UDP");
    sdp_audio_offer("alice", "192.168.1.10");
    end();
    begin(0, MS20);
    put_u8(FUZZ_TAG_RESPONSE);
    put_code(100);
    put_u8(FUZZ_TAG_COPY_DIALOG);
    put_u8(0);
    put_u8(FUZZ_TAG_VIA);
    put_str(FUZZ_POOL_TRANSPORT, "TCP");
    put_str(FUZZ_POOL_ADDRESS, "10.0.0.5");
    put_u16(5060);
    put_str(FUZZ_POOL_BRANCH, "z9hG4bK1");
    put_str(FUZZ_POOL_ADDRESS, "198.51.100.7");
    put_str(FUZZ_POOL_RPORT, "32768");
    end();
    request(0, MS20, &natted, "OPTIONS", 2, NULL, "z9hG4bKnashds8", FALSE);
    put_path("100.64.1.2", "2001:db8::1", 5060, 5060, "TCP");
    put_via("WSS", "fd00::1", 0, "z9hG4bK1", NULL, "");
    end();
}

/* A 403 to an INVITE whose From user differs from its digest username, and one whose user is
 * the same number in another format (with a P-Asserted-Identity naming the digest user). */
static void
callerid_403(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    credentials(SIPKB_AUTH_PROXY_AUTHORIZATION, "1000", "proxy.example.net", "n1");
    end();
    response(0, MS20, &alice, 403, "Caller ID does not match", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, S4, &bob, "INVITE", 1, NULL, "z9hG4bKnashds8", FALSE);
    credentials(SIPKB_AUTH_PROXY_AUTHORIZATION, "004930123456789", "proxy.example.net", "n1");
    put_u8(FUZZ_TAG_ASSERTED);
    put_str(FUZZ_POOL_USER, "004930123456789");
    put_u8(FUZZ_TAG_PREFERRED);
    put_str(FUZZ_POOL_USER, "+4930123456789");
    end();
    response(0, MS20, &bob, 403, "Forbidden", 1, "INVITE", "z9hG4bKnashds8");
    end();
    request(0, S4, &bob, "REGISTER", 4, NULL, "z9hG4bK1234", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "1001", "sip.example.com", "n2");
    end();
    response(0, MS20, &bob, 403, "Insufficient credit", 4, "REGISTER", "z9hG4bK1234");
    end();
}

/* An INVITE sent three times and answered 408; an OPTIONS nobody answers. */
static void
retransmissions_408(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    request(0, MS500, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    request(0, S4, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    response(0, S32, &alice, 408, "Request Timeout", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, MS20, &bob, "OPTIONS", 9, NULL, "z9hG4bKnashds8", FALSE);
    end();
    request(0, MS500, &bob, "OPTIONS", 9, NULL, "z9hG4bKnashds8", FALSE);
    end();
}

/* A 302 with two Contacts, a 503 with Retry-After, a 486. */
static void
redirect_and_retry(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    response(0, MS20, &alice, 302, "Moved Temporarily", 1, "INVITE", "z9hG4bK74bf9");
    put_u8(FUZZ_TAG_CONTACT);
    put_str(FUZZ_POOL_URI, "sip:bob@192.0.2.4");
    put_u8(FUZZ_TAG_CONTACT);
    put_str(FUZZ_POOL_URI, "<sip:bob@198.51.100.1:5080;transport=tcp>");
    end();
    request(0, S4, &bob, "INVITE", 2, NULL, "z9hG4bKnashds8", FALSE);
    end();
    response(0, MS20, &bob, 503, "Service Unavailable", 2, "INVITE", "z9hG4bKnashds8");
    put_u8(FUZZ_TAG_RETRY_AFTER);
    put_u32(120);
    end();
    request(0, S4, &bob, "INVITE", 3, NULL, "z9hG4bK1234", FALSE);
    end();
    response(0, S4, &bob, 486, "Busy Here", 3, "INVITE", "z9hG4bK1234");
    end();
}

/* Several messages in one TCP segment, and a request quoted back in an ICMP error. */
static void
pipelined_and_icmp(void)
{
    dialog tcp = bob;
    tcp.transport = "TCP";
    request(0, NOW, &tcp, "MESSAGE", 1, NULL, "z9hG4bK74bf9", FALSE);
    put_u8(FUZZ_TAG_SPAN);
    put_u16(0);
    put_u16(400);
    end();
    request(SAME_FRAME, NOW, &tcp, "MESSAGE", 2, NULL, "z9hG4bKnashds8", FALSE);
    put_u8(FUZZ_TAG_SPAN);
    put_u16(400);
    put_u16(380);
    end();
    response(0, MS20, &tcp, 200, "OK", 1, "MESSAGE", "z9hG4bK74bf9");
    end();
    response(SAME_FRAME, NOW, &tcp, 202, "Accepted", 2, "MESSAGE", "z9hG4bKnashds8");
    end();
    request(0, S4, &alice, "INVITE", 1, NULL, "z9hG4bK1234", FALSE);
    end();
    request(0, MS20, &alice, "INVITE", 1, NULL, "z9hG4bK1234", FALSE);
    put_u8(FUZZ_TAG_IN_ICMP);
    end();
}

/* Messages added after a finish: the challenge answered only then. */
static void
finish_between(void)
{
    request(0, NOW, &alice, "REGISTER", 1, NULL, "z9hG4bKnashds8", FALSE);
    end();
    response(0, MS20, &alice, 401, "Unauthorized", 1, "REGISTER", "z9hG4bKnashds8");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "asterisk", "n1", NULL);
    end();
    finish();
    request(0, MS20, &alice, "REGISTER", 2, NULL, "z9hG4bK776asdhds", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice", "asterisk", "n1");
    end();
    finish();
    response(0, MS20, &alice, 200, "OK", 2, "REGISTER", "z9hG4bK776asdhds");
    end();
}

/* Values a hostile capture may carry: codes outside 100..699, a Status-Line whose code was not
 * read, no Call-ID, an empty SDP body, a Via without parts, an m= line with 80 formats, a line
 * without value, bytes that are not UTF-8. */
static void
odd_values(void)
{
    static const guint32 codes[] = {0, 99, 700, 65535, 4294967295u};
    for (guint i = 0; i < G_N_ELEMENTS(codes); i++) {
        begin(0, MS);
        put_u8(FUZZ_TAG_RESPONSE);
        put_code(codes[i]);
        put_dialog(&alice, 1, "INVITE", TRUE);
        end();
    }
    begin(0, MS);
    put_u8(FUZZ_TAG_RESPONSE_NO_CODE);
    put_u8(FUZZ_TAG_SDP_EMPTY);
    end();
    begin(0, BACK);
    put_u8(FUZZ_TAG_REQUEST);
    put_str(FUZZ_POOL_METHOD, "X-CUSTOM");
    put_via(NULL, NULL, 0, NULL, NULL, NULL);
    /* A Via whose branch is joined from pieces: the cookie, a tag, a branch with umlauts. */
    put_u8(FUZZ_TAG_VIA);
    put_str(FUZZ_POOL_TRANSPORT, "UDP");
    put_str(FUZZ_POOL_ADDRESS, "pbx.example.com");
    put_u16(5060);
    put_u8(FUZZ_STR_JOINED);
    put_u8(3);
    put_str(FUZZ_POOL_BRANCH, "z9hG4bK");
    put_str(FUZZ_POOL_BRANCH, "a6c85cf");
    put_str(FUZZ_POOL_BRANCH, fuzz_branches[G_N_ELEMENTS(fuzz_branches) - 1]);
    put_str(FUZZ_POOL_ADDRESS, NULL);
    put_str(FUZZ_POOL_RPORT, NULL);
    guint8 many[80];
    for (guint i = 0; i < G_N_ELEMENTS(many); i++)
        many[i] = (guint8)(i * 3);
    sdp_media("audio", "49170", "RTP/AVP", many, G_N_ELEMENTS(many));
    put_u8(FUZZ_TAG_SDP_LINE);
    put_u8(FUZZ_SDP_A);
    put_u8(FUZZ_SDP_NO_VALUE | 0x3C);
    put_str(FUZZ_POOL_ATTRIBUTE, "sendonly");
    end();
    begin(0, HOUR);
    put_u8(FUZZ_TAG_REQUEST);
    put_str(FUZZ_POOL_METHOD, "INV\xff"
                              "ITE");
    put_u8(FUZZ_TAG_FROM);
    put_str(FUZZ_POOL_USER, "\xc3\x28");
    put_str(FUZZ_POOL_TAG, "x");
    put_u8(FUZZ_TAG_TIME);
    put_u32(4294967295u);
    put_u32(999999999);
    end();
}

/* The proxy 203.0.113.5 forwards alice's INVITE (z9hG4bK74bf9) to 192.0.2.4 with its own Via on
 * top; alice's Via carries what the proxy saw of her (received, rport), or nothing. The caller
 * adds fields, then end(). */
static void
proxy_forwards_invite(const char *received, const char *rport)
{
    begin(0, MS);
    put_u8(FUZZ_TAG_REQUEST);
    put_str(FUZZ_POOL_METHOD, "INVITE");
    put_dialog(&alice, 1, "INVITE", FALSE);
    put_via("UDP", "203.0.113.5", 5060, "z9hG4bK1", NULL, NULL);
    put_via("UDP", "192.168.1.10", 5060, "z9hG4bK74bf9", received, rport);
    put_path("203.0.113.5", "192.0.2.4", 5060, 5060, "UDP");
}

/* One request through a proxy: two hops with their own branches and two Via values. */
static void
proxied_invite(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    sdp_audio_offer("alice", "203.0.113.5");
    end();
    proxy_forwards_invite("198.51.100.7", "5060");
    sdp_audio_offer("alice", "203.0.113.5");
    end();
    begin(0, MS500);
    put_u8(FUZZ_TAG_RESPONSE);
    put_code(183);
    put_u8(FUZZ_TAG_COPY_DIALOG);
    put_u8(0);
    sdp_audio_answer("callee", "192.0.2.4", 0, "ptime:20");
    end();
    response(0, MS, &alice, 183, "Session Progress", 1, "INVITE", "z9hG4bK74bf9");
    sdp_audio_answer("callee", "192.0.2.4", 0, "ptime:20");
    end();
}

/* The proxy's own 100, then the callee's 486 relayed: the proxy's Via removed, the callee's To
 * tag kept (RFC 3261 section 16.7 steps 3 and 9); ACKed hop by hop. */
static void
relayed_486(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    end();
    response(0, MS20, &alice, 100, "Trying", 1, "INVITE", "z9hG4bK74bf9");
    end();
    proxy_forwards_invite(NULL, NULL);
    end();
    begin(0, MS500);
    put_u8(FUZZ_TAG_RESPONSE);
    put_code(486);
    put_u8(FUZZ_TAG_COPY_DIALOG);
    put_u8(0);
    put_u8(FUZZ_TAG_TO_TAG);
    put_str(FUZZ_POOL_TAG, alice.to_tag);
    end();
    response(0, MS, &alice, 486, "Busy Here", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, MS, &alice, "ACK", 1, NULL, "z9hG4bK74bf9", TRUE);
    end();
}

/* A body past the model's limits: 18 streams of 70 formats each, with i=, u=, r= and z= lines
 * and an rtpmap for every dynamic type; answered with the same body. */
static void
large_body(void)
{
    guint8 formats[70];
    for (guint i = 0; i < G_N_ELEMENTS(formats); i++)
        formats[i] = (guint8)(i < 35 ? i : 93 + i - 35);
    for (guint copy = 0; copy < 2; copy++) {
        if (copy == 0)
            request(0, NOW, &alice, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
        else
            response(0, MS500, &alice, 200, "OK", 1, "INVITE", "z9hG4bK74bf9");
        sdp_session("alice", "203.0.113.5");
        static const char *const free_lines = "iurz";
        for (const char *type = free_lines; *type; type++) {
            put_u8(FUZZ_TAG_SDP_LINE);
            put_u8(FUZZ_SDP_OTHER);
            put_u8(0);
            put_u8((guint8)*type);
            put_str(FUZZ_POOL_TEXT, "sipkb test session");
            for (guint part = 0; part < SIPKB_SDP_N_PARTS; part++)
                put_str(FUZZ_POOL_TEXT, NULL);
        }
        for (guint m = 0; m < 18; m++) {
            sdp_media(m % 3 == 2 ? "video" : "audio", "49170", "RTP/AVP", formats,
                      G_N_ELEMENTS(formats));
            for (guint pt = 96; pt < 128; pt += 4) {
                char *rtpmap = g_strdup_printf("rtpmap:%u opus/48000/2", pt);
                sdp_text(FUZZ_SDP_A, rtpmap);
                g_free(rtpmap);
            }
        }
        end();
    }
}

/* A digest username in user@domain form; a re-challenge whose reason speaks of the nonce; a
 * 2xx that accepts a From user and digest username that differ. */
static void
username_forms(void)
{
    request(0, NOW, &alice, "REGISTER", 1, NULL, "z9hG4bKnashds8", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice@sip.example.com", "sip.example.com", "n1");
    end();
    response(0, MS20, &alice, 401, "Stale nonce", 1, "REGISTER", "z9hG4bKnashds8");
    challenge(SIPKB_AUTH_WWW_AUTHENTICATE, "sip.example.com", "n2", NULL);
    end();
    request(0, S32, &alice, "REGISTER", 2, NULL, "z9hG4bK776asdhds", FALSE);
    credentials(SIPKB_AUTH_AUTHORIZATION, "alice@sip.example.com", "sip.example.com", "n2");
    end();
    response(0, MS20, &alice, 200, "OK", 2, "REGISTER", "z9hG4bK776asdhds");
    end();
    request(0, S4, &bob, "INVITE", 1, NULL, "z9hG4bK74bf9", FALSE);
    credentials(SIPKB_AUTH_PROXY_AUTHORIZATION, "1000", "proxy.example.net", "n1");
    end();
    response(0, S4, &bob, 200, "OK", 1, "INVITE", "z9hG4bK74bf9");
    end();
    request(0, HOUR, &bob, "INVITE", 2, NULL, "z9hG4bK1234", FALSE);
    credentials(SIPKB_AUTH_PROXY_AUTHORIZATION, "1000", "proxy.example.net", "n1");
    end();
    response(0, MS20, &bob, 480, "Temporarily out of order", 2, "INVITE", "z9hG4bK1234");
    end();
}

/* RFC 2543 clients: requests whose top Via has no branch (one whose parameters were not read),
 * a CANCEL of such an INVITE; SUBSCRIBEs for event packages refused with 480 and 404. */
static void
rfc2543_and_events(void)
{
    request(0, NOW, &alice, "INVITE", 1, NULL, NULL, FALSE);
    end();
    request(0, MS, &alice, "INVITE", 1, NULL, NULL, FALSE);
    put_u8(FUZZ_TAG_VIA_UNREAD);
    end();
    request(0, S4, &alice, "CANCEL", 1, NULL, NULL, FALSE);
    end();
    response(0, MS20, &alice, 487, "Request Terminated", 1, "INVITE", NULL);
    end();
    static const struct {
        const char *event, *branch, *reason;
        guint32 code;
    } refused[] = {
        {"message-summary", "z9hG4bK74bf9", "Temporarily Unavailable", 480},
        {"Presence;id=7", "z9hG4bK1234", "Not Found", 404},
    };
    for (guint i = 0; i < G_N_ELEMENTS(refused); i++) {
        request(0, S4, &bob, "SUBSCRIBE", i + 1, NULL, refused[i].branch, FALSE);
        put_u8(FUZZ_TAG_EVENT);
        put_str(FUZZ_POOL_EVENT, refused[i].event);
        end();
        response(0, MS20, &bob, refused[i].code, refused[i].reason, i + 1, "SUBSCRIBE",
                 refused[i].branch);
        end();
    }
}

/* A DNS message of the proxy, in a frame of its own. */
static void
dns(guint step, gboolean response, guint rcode, guint n_answers, const char *name, guint type,
    const char *type_name)
{
    put_u8(FUZZ_OP_DNS);
    begin(0, step);
    put_u8(response ? FUZZ_DNS_RESPONSE : 0);
    put_u8(rcode);
    put_u16(n_answers);
    put_str(FUZZ_POOL_HOST, name);
    put_u16(type);
    put_str(FUZZ_POOL_DNS_TYPE, type_name);
}

static void
to(const char *user, const char *host)
{
    put_u8(FUZZ_TAG_TO);
    put_str(FUZZ_POOL_USER, user);
    put_str(FUZZ_POOL_HOST, host);
}

/* A REGISTER's address-of-record and its Contact, or the binding its 2xx lists. */
static void
binding(const char *user, const char *host, const char *contact, const char *parameters)
{
    to(user, host);
    put_u8(FUZZ_TAG_CONTACT);
    put_str(FUZZ_POOL_URI, contact);
    put_u8(FUZZ_TAG_CONTACT_PARAMETERS);
    put_str(FUZZ_POOL_CONTACT_PARAMETERS, parameters);
}

/* A registration, then calls: to the registered user (404 anyway), and to a domain whose
 * lookups (RFC 3263 section 4: NAPTR, SRV, A) find nothing (480 "No DNS results"); then to a
 * domain located by SRV, whose AAAA has no records (no failure). */
static void
registrations_and_dns(void)
{
    request(0, NOW, &bob, "REGISTER", 1, NULL, "z9hG4bK74bf9", FALSE);
    binding("bob", "example.com", "sip:bob@192.0.2.4", "expires=600");
    end();
    response(0, MS20, &bob, 200, "OK", 1, "REGISTER", "z9hG4bK74bf9");
    binding("bob", "example.com", "sip:bob@192.0.2.4", "expires=600");
    end();
    request(0, S4, &alice, "INVITE", 1, NULL, "z9hG4bK1234", FALSE);
    put_u8(FUZZ_TAG_REQUEST_URI);
    put_str(FUZZ_POOL_URI, "sip:bob@192.0.2.4");
    put_str(FUZZ_POOL_USER, "bob");
    put_str(FUZZ_POOL_HOST, "example.com");
    to("bob", "example.com");
    end();
    response(0, MS20, &alice, 404, "Not Found", 1, "INVITE", "z9hG4bK1234");
    end();
    request(0, S4, &alice, "INVITE", 2, NULL, "z9hG4bKnashds8", FALSE);
    put_u8(FUZZ_TAG_REQUEST_URI);
    put_str(FUZZ_POOL_URI, NULL);
    put_str(FUZZ_POOL_USER, "bob");
    put_str(FUZZ_POOL_HOST, "pbx.example.net");
    end();
    dns(MS, FALSE, 0, 0, "pbx.example.net", 35, "NAPTR");
    dns(MS, TRUE, 3, 0, "pbx.example.net", 35, "NAPTR");
    dns(MS, TRUE, 3, 0, "_sip._udp.pbx.example.net", 33, "SRV");
    dns(MS, TRUE, 0, 0, "pbx.example.net", 1, "A");
    response(0, MS20, &alice, 480, "DNS lookup failed", 2, "INVITE", "z9hG4bKnashds8");
    to("bob", "pbx.example.net");
    end();
    dns(S4, TRUE, 0, 1, "_sip._udp.example.com", 33, "SRV");
    dns(MS, TRUE, 0, 0, "sip.example.com", 28, "AAAA");
    dns(MS, TRUE, 2, 0, "example.com", 1, "A");
    request(0, MS, &bob, "OPTIONS", 2, NULL, "z9hG4bKnashds8", FALSE);
    put_u8(FUZZ_TAG_REQUEST_URI);
    put_str(FUZZ_POOL_URI, NULL);
    put_str(FUZZ_POOL_USER, NULL);
    put_str(FUZZ_POOL_HOST, "EXAMPLE.com.");
    end();
    response(0, MS20, &bob, 503, "Service Unavailable", 2, "OPTIONS", "z9hG4bKnashds8");
    end();
}

typedef struct {
    const char *name;
    void (*write)(void);
} seed;

static const seed seeds[] = {
    {"register-401-retry", register_401_retry},
    {"register-stale-then-rejected", register_stale_then_rejected},
    {"invite-407-call", invite_407_call},
    {"cancel-487", cancel_487},
    {"offer-answer-mismatches", offer_answer_mismatches},
    {"refused-offers", refused_offers},
    {"hold", hold},
    {"nat-and-transport", nat_and_transport},
    {"callerid-403", callerid_403},
    {"retransmissions-408", retransmissions_408},
    {"redirect-and-retry", redirect_and_retry},
    {"pipelined-and-icmp", pipelined_and_icmp},
    {"finish-between", finish_between},
    {"odd-values", odd_values},
    {"proxied-invite", proxied_invite},
    {"relayed-486", relayed_486},
    {"large-body", large_body},
    {"username-forms", username_forms},
    {"rfc2543-and-events", rfc2543_and_events},
    {"registrations-and-dns", registrations_and_dns},
};

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: fuzz-analyzer-seeds OUT_DIR\n");
        return 2;
    }
    if (g_mkdir_with_parents(argv[1], 0755) != 0) {
        fprintf(stderr, "fuzz-analyzer-seeds: %s: %s\n", argv[1], g_strerror(errno));
        return 1;
    }
    GByteArray *all = g_byte_array_new();
    for (gsize i = 0; i < G_N_ELEMENTS(seeds); i++) {
        out = g_byte_array_new();
        seeds[i].write();
        char *path = g_build_filename(argv[1], seeds[i].name, NULL);
        GError *error = NULL;
        if (!g_file_set_contents(path, (const char *)out->data, out->len, &error)) {
            fprintf(stderr, "fuzz-analyzer-seeds: %s\n", error->message);
            return 1;
        }
        g_free(path);
        g_byte_array_append(all, out->data, out->len);
        g_byte_array_free(out, TRUE);
    }
    /* Every dialog in one capture, one after the other. */
    char *path = g_build_filename(argv[1], "all", NULL);
    if (!g_file_set_contents(path, (const char *)all->data, all->len, NULL))
        return 1;
    g_free(path);
    g_byte_array_free(all, TRUE);
    printf("%zu seeds in %s\n", G_N_ELEMENTS(seeds) + 1, argv[1]);
    return 0;
}
