/* Unit tests of the SDP and Via rules: payload table, offer/answer, addresses (no Wireshark);
 * numbers as text. */
#include "sipkb/address.h"
#include "sipkb/sdp.h"
#include "sipkb/text.h"
#include "sipkb/via.h"

#include <string.h>

static void
test_static_payloads(void)
{
    static const struct {
        guint pt;
        const char *encoding;
        guint rate;
    } rfc3551[] = {{0, "PCMU", 8000}, {3, "GSM", 8000}, {4, "G723", 8000},  {8, "PCMA", 8000},
                   {9, "G722", 8000}, {13, "CN", 8000}, {18, "G729", 8000}, {34, "H263", 90000}};
    for (gsize i = 0; i < G_N_ELEMENTS(rfc3551); i++) {
        const sipkb_payload *p = sipkb_static_payload(rfc3551[i].pt);
        g_assert_nonnull(p);
        g_assert_cmpstr(p->encoding, ==, rfc3551[i].encoding);
        g_assert_cmpuint(p->clock_rate, ==, rfc3551[i].rate);
    }
    g_assert_null(sipkb_static_payload(1));  /* reserved */
    g_assert_null(sipkb_static_payload(96)); /* dynamic */
    g_assert_null(sipkb_static_payload(101));

    sipkb_payload p;
    sipkb_payload_describe(101, "telephone-event", 8000, 0, &p);
    g_assert_true(p.is_dynamic);
    g_assert_false(p.missing_rtpmap);
    g_assert_true(sipkb_payload_is_telephone_event(&p));
    g_assert_cmpuint(p.channels, ==, 1);
    sipkb_payload_describe(111, "opus", 48000, 2, &p);
    g_assert_cmpuint(p.channels, ==, 2);
    sipkb_payload_describe(97, NULL, 0, 0, &p);
    g_assert_true(p.missing_rtpmap);
    g_assert_null(p.encoding);
    sipkb_payload_describe(18, NULL, 0, 0, &p);
    g_assert_false(p.missing_rtpmap);
    g_assert_cmpstr(p.encoding, ==, "G729");
    sipkb_payload_describe(0, "pcmu", 8000, 0, &p); /* rtpmap wins, as written */
    g_assert_cmpstr(p.encoding, ==, "pcmu");
}

static void
test_dtmf_events(void)
{
    guint dtmf;
    gboolean others;
    g_assert_true(sipkb_dtmf_events("0-15", &dtmf, &others));
    g_assert_cmpuint(dtmf, ==, 16);
    g_assert_false(others);
    g_assert_true(sipkb_dtmf_events("0-16", &dtmf, &others));
    g_assert_cmpuint(dtmf, ==, 16);
    g_assert_true(others);
    g_assert_true(sipkb_dtmf_events("0-11, 32", &dtmf, &others));
    g_assert_cmpuint(dtmf, ==, 12);
    g_assert_true(others);
    g_assert_false(sipkb_dtmf_events("mode-set=0", &dtmf, &others));
    g_assert_false(sipkb_dtmf_events("15-0", &dtmf, &others));
    g_assert_false(sipkb_dtmf_events("0-999", &dtmf, &others));
    g_assert_false(sipkb_dtmf_events("", &dtmf, &others));
    g_assert_false(sipkb_dtmf_events(NULL, &dtmf, &others));
}

/* Builds a media description from "PT[:encoding/rate]" items. */
static sipkb_media
media(const char *protocol, guint port, guint ptime, const char *const *formats)
{
    sipkb_media m = {"audio", port, protocol, 0, NULL, "192.0.2.1", SIPKB_DIRECTION_SENDRECV,
                     ptime};
    m.formats = g_new0(sipkb_payload, 16);
    for (; *formats; formats++) {
        char **parts = g_strsplit(*formats, ":", 2);
        guint pt = (guint)g_ascii_strtoull(parts[0], NULL, 10);
        if (parts[1]) {
            char **rtpmap = g_strsplit(parts[1], "/", 2);
            sipkb_payload_describe(pt, g_intern_string(rtpmap[0]),
                                   (guint)g_ascii_strtoull(rtpmap[1], NULL, 10), 1,
                                   &m.formats[m.n_formats++]);
            g_strfreev(rtpmap);
        } else {
            sipkb_payload_describe(pt, NULL, 0, 0, &m.formats[m.n_formats++]);
        }
        g_strfreev(parts);
    }
    return m;
}

static void
test_offer_answer(void)
{
    const char *offer_formats[] = {"18", "0", "8", "101:telephone-event/8000", NULL};
    sipkb_media offer = media("RTP/AVP", 25268, 20, offer_formats);
    sipkb_offer_answer r;

    /* a normal answer; dynamic numbers may differ */
    const char *good[] = {"0", "96:telephone-event/8000", NULL};
    sipkb_media answer = media("RTP/AVP", 30000, 20, good);
    sipkb_compare_offer_answer(&offer, &answer, &r);
    g_assert_cmpuint(r.n_common, ==, 2);
    g_assert_cmpuint(r.n_not_offered, ==, 0);
    g_assert_false(r.no_common || r.dtmf_dropped || r.ptime_differs || r.profile_differs);
    g_free(answer.formats);

    /* DTMF dropped, ptime differs */
    const char *no_dtmf[] = {"8", NULL};
    answer = media("RTP/AVP", 30000, 30, no_dtmf);
    sipkb_compare_offer_answer(&offer, &answer, &r);
    g_assert_true(r.dtmf_dropped);
    g_assert_true(r.ptime_differs);
    g_assert_false(r.no_common);
    g_free(answer.formats);

    /* a codec the offer lacked, and nothing in common but DTMF */
    const char *foreign[] = {"3", "101:telephone-event/8000", NULL};
    answer = media("RTP/AVP", 30000, 0, foreign);
    sipkb_compare_offer_answer(&offer, &answer, &r);
    g_assert_cmpuint(r.n_not_offered, ==, 1);
    g_assert_cmpuint(r.not_offered[0], ==, 3);
    g_assert_true(r.no_common);
    g_assert_false(r.ptime_differs); /* absent ptime is no disagreement */
    g_free(answer.formats);

    /* SRTP answered to plain RTP */
    const char *pcmu[] = {"0", NULL};
    answer = media("RTP/SAVP", 30000, 20, pcmu);
    sipkb_compare_offer_answer(&offer, &answer, &r);
    g_assert_true(r.profile_differs);
    g_free(answer.formats);

    /* a stream refused with port 0 */
    answer = media("RTP/AVP", 0, 0, pcmu);
    sipkb_compare_offer_answer(&offer, &answer, &r);
    g_assert_true(r.rejected);
    g_assert_false(r.no_common);
    g_free(answer.formats);

    /* dynamic types compare by name and rate, not number */
    const char *dyn_offer[] = {"97:iLBC/8000", NULL}, *dyn_answer[] = {"98:ILBC/8000", NULL},
               *dyn_other[] = {"97:speex/8000", NULL};
    sipkb_media offer2 = media("RTP/AVP", 1000, 0, dyn_offer);
    answer = media("RTP/AVP", 2000, 0, dyn_answer);
    sipkb_compare_offer_answer(&offer2, &answer, &r);
    g_assert_cmpuint(r.n_common, ==, 1);
    g_free(answer.formats);
    answer = media("RTP/AVP", 2000, 0, dyn_other);
    sipkb_compare_offer_answer(&offer2, &answer, &r);
    g_assert_cmpuint(r.n_not_offered, ==, 1);
    g_assert_true(r.no_common);
    g_free(answer.formats);
    g_free(offer2.formats);
    g_free(offer.formats);
}

static void
test_addresses(void)
{
    static const struct {
        const char *address;
        sipkb_address_kind kind;
    } cases[] = {
        {"10.133.92.102", SIPKB_ADDRESS_PRIVATE},
        {"172.16.0.1", SIPKB_ADDRESS_PRIVATE},
        {"172.31.255.255", SIPKB_ADDRESS_PRIVATE},
        {"172.32.0.1", SIPKB_ADDRESS_PUBLIC},
        {"192.168.1.2", SIPKB_ADDRESS_PRIVATE},
        {"100.64.0.1", SIPKB_ADDRESS_SHARED},
        {"100.127.255.254", SIPKB_ADDRESS_SHARED},
        {"100.128.0.1", SIPKB_ADDRESS_PUBLIC},
        {"127.0.0.1", SIPKB_ADDRESS_LOOPBACK},
        {"169.254.3.4", SIPKB_ADDRESS_LINK_LOCAL},
        {"0.0.0.0", SIPKB_ADDRESS_UNSPECIFIED},
        {"239.1.1.1", SIPKB_ADDRESS_MULTICAST},
        {"200.57.7.204", SIPKB_ADDRESS_PUBLIC},
        {"::1", SIPKB_ADDRESS_LOOPBACK},
        {"::", SIPKB_ADDRESS_UNSPECIFIED},
        {"fe80::1", SIPKB_ADDRESS_LINK_LOCAL},
        {"fd17:625c:f037:2::1", SIPKB_ADDRESS_PRIVATE},
        {"2001:db8::1", SIPKB_ADDRESS_PUBLIC},
        {"[2001:db8::1]", SIPKB_ADDRESS_PUBLIC},
        {"::ffff:10.0.0.1", SIPKB_ADDRESS_PRIVATE},
        {"pbx.example.com", SIPKB_ADDRESS_OTHER},
        {"10.0.0", SIPKB_ADDRESS_OTHER},
        {NULL, SIPKB_ADDRESS_OTHER},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].address);
        g_assert_cmpint(sipkb_classify_address(cases[i].address), ==, cases[i].kind);
    }
}

static void
test_nat_and_hold(void)
{
    g_assert_cmpint(sipkb_nat_hint_for("10.133.92.102", "203.0.113.5", "198.51.100.7"), ==,
                    SIPKB_NAT_FROM_PUBLIC);
    g_assert_cmpint(sipkb_nat_hint_for("192.168.1.10", "192.168.1.10", "198.51.100.7"), ==,
                    SIPKB_NAT_TO_PUBLIC);
    g_assert_cmpint(sipkb_nat_hint_for("100.64.1.1", "203.0.113.5", NULL), ==,
                    SIPKB_NAT_FROM_PUBLIC);
    /* all on the LAN, or nothing private: no hint */
    g_assert_cmpint(sipkb_nat_hint_for("192.168.1.10", "192.168.1.10", "192.168.1.1"), ==,
                    SIPKB_NAT_NONE);
    g_assert_cmpint(sipkb_nat_hint_for("203.0.113.9", "203.0.113.5", "198.51.100.7"), ==,
                    SIPKB_NAT_NONE);
    g_assert_cmpint(sipkb_nat_hint_for("127.0.0.1", "203.0.113.5", NULL), ==, SIPKB_NAT_NONE);
    g_assert_cmpint(sipkb_nat_hint_for("169.254.1.1", "203.0.113.5", NULL), ==, SIPKB_NAT_NONE);
    g_assert_cmpint(sipkb_nat_hint_for("fd17::1", "fd17::2", "fd17::3"), ==, SIPKB_NAT_NONE);
    g_assert_cmpint(sipkb_nat_hint_for(NULL, "203.0.113.5", NULL), ==, SIPKB_NAT_NONE);

    sipkb_media m = {"audio", 4000, "RTP/AVP", 0, NULL, "192.0.2.1", SIPKB_DIRECTION_SENDRECV, 0};
    g_assert_false(sipkb_media_on_hold(&m));
    m.direction = SIPKB_DIRECTION_SENDONLY;
    g_assert_true(sipkb_media_on_hold(&m));
    m.direction = SIPKB_DIRECTION_INACTIVE;
    g_assert_true(sipkb_media_on_hold(&m));
    m.direction = SIPKB_DIRECTION_RECVONLY;
    g_assert_false(sipkb_media_on_hold(&m));
    m.direction = SIPKB_DIRECTION_SENDRECV;
    m.connection = "0.0.0.0";
    g_assert_true(sipkb_media_on_hold(&m));
}

static void
test_via(void)
{
    g_assert_cmpuint(sipkb_via_default_port("UDP"), ==, 5060);
    g_assert_cmpuint(sipkb_via_default_port("TCP"), ==, 5060);
    g_assert_cmpuint(sipkb_via_default_port("TLS"), ==, 5061);
    g_assert_true(sipkb_via_transport_matches("UDP", "UDP"));
    g_assert_true(sipkb_via_transport_matches("udp", "UDP"));
    g_assert_true(sipkb_via_transport_matches("TLS", "TCP"));
    g_assert_true(sipkb_via_transport_matches("WSS", "TCP"));
    g_assert_false(sipkb_via_transport_matches("UDP", "TCP"));
    g_assert_false(sipkb_via_transport_matches("TCP", "UDP"));
    g_assert_false(sipkb_via_transport_matches("TLS", "UDP"));
    g_assert_true(sipkb_via_transport_matches(NULL, "UDP"));
    g_assert_true(sipkb_via_branch_is_rfc3261("z9hG4bK776asdhds"));
    g_assert_false(sipkb_via_branch_is_rfc3261("776asdhds"));
    g_assert_false(sipkb_via_branch_is_rfc3261(NULL));
}

/* m= format lists, rtpmap values and direction attributes, as written in SDP. */
static void
test_sdp_text(void)
{
    sipkb_payload formats[SIPKB_MAX_FORMATS];
    sipkb_media media = {.protocol = "RTP/AVP", .formats = formats};
    sipkb_media_add_formats(&media, "audio 49170 RTP/AVP 18 0 x 8  101 128 9a");
    g_assert_cmpuint(media.n_formats, ==, 4);
    g_assert_cmpuint(formats[0].payload_type, ==, 18);
    g_assert_cmpstr(formats[0].encoding, ==, "G729");
    g_assert_cmpuint(formats[3].payload_type, ==, 101);
    g_assert_true(formats[3].missing_rtpmap);
    sipkb_media image = {.protocol = "udptl", .formats = formats};
    sipkb_media_add_formats(&image, "image 5004 udptl t38");
    g_assert_cmpuint(image.n_formats, ==, 0);

    guint pt = 0, rate = 0, channels = 0;
    const char *encoding = NULL;
    gsize length = 0;
    g_assert_true(
        sipkb_parse_rtpmap("111 opus/48000/2", &pt, &encoding, &length, &rate, &channels));
    g_assert_cmpuint(pt, ==, 111);
    g_assert_cmpuint(length, ==, 4);
    g_assert_cmpint(strncmp(encoding, "opus", length), ==, 0);
    g_assert_cmpuint(rate, ==, 48000);
    g_assert_cmpuint(channels, ==, 2);
    g_assert_true(sipkb_parse_rtpmap("101  telephone-event/8000 ", &pt, &encoding, &length, &rate,
                                     &channels));
    g_assert_cmpuint(length, ==, strlen("telephone-event"));
    g_assert_cmpuint(rate, ==, 8000);
    g_assert_cmpuint(channels, ==, 1);
    g_assert_true(sipkb_parse_rtpmap("96 H264 ", &pt, &encoding, &length, &rate, &channels));
    g_assert_cmpuint(length, ==, 4);
    g_assert_cmpuint(rate, ==, 0);
    g_assert_false(sipkb_parse_rtpmap("G729/8000", &pt, &encoding, &length, &rate, &channels));
    g_assert_false(sipkb_parse_rtpmap("18 /8000", &pt, &encoding, &length, &rate, &channels));
    g_assert_false(sipkb_parse_rtpmap("18", &pt, &encoding, &length, &rate, &channels));

    sipkb_direction direction = SIPKB_DIRECTION_SENDRECV;
    g_assert_true(sipkb_direction_from_attribute("inactive", &direction));
    g_assert_cmpint(direction, ==, SIPKB_DIRECTION_INACTIVE);
    g_assert_false(sipkb_direction_from_attribute("rtpmap", &direction));
    g_assert_false(sipkb_direction_from_attribute(NULL, &direction));
    g_assert_cmpint(direction, ==, SIPKB_DIRECTION_INACTIVE);
}

/* Numbers in the texts of every message (hops, frame numbers) are written without printf; they
 * must read as "%u" writes them. */
static void
test_uint_text(void)
{
    static const guint32 numbers[] = {0, 7, 10, 5060, 65535, 1000000, G_MAXUINT32};
    for (gsize i = 0; i < G_N_ELEMENTS(numbers); i++) {
        char buffer[SIPKB_UINT_TEXT_SIZE];
        char *expected = g_strdup_printf("%u", numbers[i]);
        g_assert_cmpstr(sipkb_text_uint(buffer, numbers[i]), ==, expected);
        g_free(expected);
    }
}

/* Time spans as texts read them: a retry 2 ms after its challenge is "0.002" s, not "0.0". */
static void
test_seconds_text(void)
{
    static const struct {
        gint64 nanoseconds;
        const char *text;
    } cases[] = {
        {0, "0.0"},
        {400000, "0.0"},
        {2000000, "0.002"},
        {77000000, "0.077"},
        {500000000, "0.5"},
        {3500000000, "3.5"},
        {9999000000, "9.999"},
        {G_GINT64_CONSTANT(10000000000), "10.0"},
        {G_GINT64_CONSTANT(31949000000), "31.9"},
        {G_GINT64_CONSTANT(-1000000000), "-1.0"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = sipkb_text_seconds(cases[i].nanoseconds);
        g_assert_cmpstr(text, ==, cases[i].text);
        g_free(text);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/media/static-payloads", test_static_payloads);
    g_test_add_func("/media/dtmf-events", test_dtmf_events);
    g_test_add_func("/media/offer-answer", test_offer_answer);
    g_test_add_func("/media/addresses", test_addresses);
    g_test_add_func("/media/nat-and-hold", test_nat_and_hold);
    g_test_add_func("/media/via", test_via);
    g_test_add_func("/media/sdp-text", test_sdp_text);
    g_test_add_func("/text/uint", test_uint_text);
    g_test_add_func("/text/seconds", test_seconds_text);
    return g_test_run();
}
