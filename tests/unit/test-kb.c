/* Unit tests of the KB loader and the response rules, on the shipped KB files (no Wireshark). */
#include <string.h>

#include "sipkb/kb.h"
#include "sipkb/response.h"

/* The IANA SIP response-code registry: every code must have its own complete entry. */
static const guint registry_codes[] = {
    100, 180, 181, 182, 183, 199, 200, 202, 204, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404,
    405, 406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 425, 428, 429,
    430, 433, 436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489,
    491, 493, 494, 500, 501, 502, 503, 504, 505, 513, 555, 580, 600, 603, 604, 606, 607, 608,
};

static sipkb_kb *
load_shipped_kb(void)
{
    static const struct {
        sipkb_layer layer;
        const char *path;
    } files[] = {
        {SIPKB_LAYER_GENERIC, SIPKB_KB_GENERIC_PATH},
        {SIPKB_LAYER_PROVIDER, SIPKB_KB_PROVIDER_PATH},
    };
    sipkb_kb *kb = sipkb_kb_new();
    for (gsize i = 0; i < G_N_ELEMENTS(files); i++) {
        char *text = NULL;
        gsize length = 0;
        GError *error = NULL;
        g_assert_true(g_file_get_contents(files[i].path, &text, &length, &error));
        gboolean ok = sipkb_kb_add_layer(kb, files[i].layer, text, length, files[i].path, &error);
        g_assert_no_error(error);
        g_assert_true(ok);
        g_free(text);
    }
    return kb;
}

/* Methods a response may answer, and NULL: an unknown CSeq method. */
static const char *const methods[] = {
    "INVITE", "ACK",       "BYE",    "CANCEL", "REGISTER", "OPTIONS", "INFO", "UPDATE",
    "PRACK",  "SUBSCRIBE", "NOTIFY", "REFER",  "MESSAGE",  "PUBLISH", "FOO",  NULL,
};

static gboolean
lines_contain(const GPtrArray *lines, const char *needle)
{
    for (guint i = 0; i < lines->len; i++) {
        if (strstr(g_ptr_array_index(lines, i), needle))
            return TRUE;
    }
    return FALSE;
}

/* A request whose credentials and dialog are unknown (not in the capture). */
static sipkb_kb_situation
situation_of(const char *method, gboolean offer)
{
    return (sipkb_kb_situation){.method = method, .offer = offer};
}

/* The causes (or advice) of `code` in `situation`. */
static GPtrArray *
lines_in(const sipkb_kb *kb, guint code, sipkb_kb_part part, sipkb_kb_situation situation)
{
    return sipkb_kb_entry_lines(sipkb_kb_response(kb, code, NULL), part, &situation);
}

/* The causes (or advice) of `code` for a response to `method`, with the analyzer's offer rule:
 * only what the capture shows, or a method that may carry an offer. */
static GPtrArray *
lines_for(const sipkb_kb *kb, guint code, sipkb_kb_part part, const char *method)
{
    return lines_in(kb, code, part, situation_of(method, sipkb_kb_offer_assumed(method, FALSE)));
}

/* ... for a request in the capture, with or without credentials, in a dialog or not. */
static GPtrArray *
lines_known(const sipkb_kb *kb, guint code, sipkb_kb_part part, const char *method,
            gboolean credentials, gboolean in_dialog)
{
    sipkb_kb_situation situation = situation_of(method, sipkb_kb_offer_assumed(method, FALSE));
    situation.credentials = credentials ? SIPKB_KB_YES : SIPKB_KB_NO;
    situation.in_dialog = in_dialog ? SIPKB_KB_YES : SIPKB_KB_NO;
    return lines_in(kb, code, part, situation);
}

/* Summary or meaning of `entry` for a request whose credentials and dialog are unknown. */
static const char *
text_of(const sipkb_response_entry *entry, sipkb_kb_part part, const char *method, gboolean offer)
{
    sipkb_kb_situation situation = situation_of(method, offer);
    return sipkb_kb_entry_text(entry, part, &situation);
}

static const char *
text_for(const sipkb_kb *kb, guint code, sipkb_kb_part part, const char *method)
{
    const sipkb_response_entry *entry = sipkb_kb_response(kb, code, NULL);
    return text_of(entry, part, method, sipkb_kb_offer_assumed(method, FALSE));
}

/* ... for a request in the capture, in a dialog or not. */
static const char *
text_known(const sipkb_kb *kb, guint code, sipkb_kb_part part, const char *method,
           gboolean credentials, gboolean in_dialog)
{
    sipkb_kb_situation situation = situation_of(method, sipkb_kb_offer_assumed(method, FALSE));
    situation.credentials = credentials ? SIPKB_KB_YES : SIPKB_KB_NO;
    situation.in_dialog = in_dialog ? SIPKB_KB_YES : SIPKB_KB_NO;
    return sipkb_kb_entry_text(sipkb_kb_response(kb, code, NULL), part, &situation);
}

/* One response situation: at least one cause and one piece of advice; for a known method and
 * request at most 5 causes and 4 pieces of advice (an unknown one gets every line). */
static void
check_situation(const sipkb_response_entry *entry, const sipkb_kb_situation *situation)
{
    g_test_message("code %u, method %s, offer %d, credentials %d, in dialog %d, outside any "
                   "dialog %d, event %s",
                   entry->code, situation->method ? situation->method : "(unknown)",
                   situation->offer, situation->credentials, situation->in_dialog,
                   situation->outside_dialog, situation->event ? situation->event : "(unknown)");
    GPtrArray *causes = sipkb_kb_entry_lines(entry, SIPKB_KB_CAUSES, situation);
    GPtrArray *advice = sipkb_kb_entry_lines(entry, SIPKB_KB_ADVICE, situation);
    g_assert_cmpuint(causes->len, >=, 1);
    g_assert_cmpuint(advice->len, >=, 1);
    if (situation->method && situation->credentials && situation->in_dialog && situation->event) {
        g_assert_cmpuint(causes->len, <=, 5);
        g_assert_cmpuint(advice->len, <=, 4);
    }
    g_ptr_array_unref(causes);
    g_ptr_array_unref(advice);
}

/* Event types of a request (NULL: not in the capture; "": no Event header). */
static const char *const events[] = {
    NULL, "", "message-summary", "presence.winfo", "presence", "dialog", "x-other",
};

/* Every code and class explains a response to any method, with or without an offer,
 * credentials, dialog, Expires: 0 and Event header, within the file's limits. */
static void
check_every_method(const sipkb_response_entry *entry)
{
    static const sipkb_kb_fact facts[] = {SIPKB_KB_UNKNOWN, SIPKB_KB_NO, SIPKB_KB_YES};
    for (gsize m = 0; m < G_N_ELEMENTS(methods); m++) {
        for (int offer = 0; offer <= 1; offer++) {
            for (gsize c = 0; c < G_N_ELEMENTS(facts) * G_N_ELEMENTS(facts); c++) {
                for (gsize d = 0; d < G_N_ELEMENTS(facts) * G_N_ELEMENTS(facts); d++) {
                    for (gsize e = 0; e < G_N_ELEMENTS(events); e++) {
                        sipkb_kb_situation situation = {
                            .method = methods[m],
                            .offer = offer,
                            .credentials = facts[c % G_N_ELEMENTS(facts)],
                            .expires_zero = facts[c / G_N_ELEMENTS(facts)],
                            .in_dialog = facts[d % G_N_ELEMENTS(facts)],
                            .outside_dialog = facts[d / G_N_ELEMENTS(facts)],
                            .event = events[e],
                        };
                        check_situation(entry, &situation);
                        g_assert_nonnull(sipkb_kb_entry_text(entry, SIPKB_KB_SUMMARY, &situation));
                        g_assert_nonnull(sipkb_kb_entry_text(entry, SIPKB_KB_MEANING, &situation));
                    }
                }
            }
        }
    }
}

static void
test_every_registry_code_complete(void)
{
    sipkb_kb *kb = load_shipped_kb();
    for (gsize i = 0; i < G_N_ELEMENTS(registry_codes); i++) {
        gboolean fallback = TRUE;
        const sipkb_response_entry *entry = sipkb_kb_response(kb, registry_codes[i], &fallback);
        g_test_message("code %u", registry_codes[i]);
        g_assert_nonnull(entry);
        g_assert_false(fallback);
        g_assert_cmpuint(entry->code, ==, registry_codes[i]);
        g_assert_cmpstr(entry->reason, !=, "");
        g_assert_cmpstr(entry->summary, !=, "");
        g_assert_cmpstr(entry->meaning, !=, "");
        g_assert_nonnull(entry->causes);
        g_assert_cmpstr(entry->causes[0], !=, "");
        g_assert_nonnull(entry->advice);
        g_assert_cmpstr(entry->advice[0], !=, "");
        g_assert_true(g_str_has_prefix(entry->reference, "RFC "));
        check_every_method(entry);
    }
    for (guint cls = 1; cls <= 6; cls++)
        check_every_method(sipkb_kb_class(kb, cls * 100));
    GArray *codes = sipkb_kb_codes(kb);
    g_assert_cmpuint(codes->len, ==, G_N_ELEMENTS(registry_codes));
    g_array_free(codes, TRUE);
    sipkb_kb_free(kb);
}

/* The carrier facts of the seed articles survive in the KB. */
static void
test_carrier_facts_kept(void)
{
    sipkb_kb *kb = load_shipped_kb();
    const sipkb_response_entry *forbidden = sipkb_kb_response(kb, 403, NULL);
    GString *causes = g_string_new(NULL);
    for (const char *const *c = forbidden->causes; *c; c++)
        g_string_append_printf(causes, "%s\n", *c);
    char *lower = g_utf8_strdown(causes->str, -1);
    g_assert_nonnull(strstr(lower, "password"));
    g_assert_nonnull(strstr(lower, "credit"));
    g_assert_nonnull(strstr(lower, "digest username"));
    g_free(lower);
    g_string_free(causes, TRUE);
    g_assert_nonnull(forbidden->provider_note);
    g_assert_cmpint(forbidden->meaning_layer, ==, SIPKB_LAYER_GENERIC);

    static const guint noted[] = {401, 403, 487, 503, 603};
    for (gsize i = 0; i < G_N_ELEMENTS(noted); i++) {
        const char *note = sipkb_kb_response(kb, noted[i], NULL)->provider_note;
        g_assert_nonnull(note);
        g_assert_true(g_str_has_prefix(note, "On SIPcity's network, "));
        /* No example numbers of the articles: a note is shown on every capture. */
        g_assert_false(g_regex_match_simple("[0-9]{6}", note, 0, 0));
    }
    g_assert_null(sipkb_kb_response(kb, 180, NULL)->provider_note);
    g_assert_nonnull(strstr(sipkb_kb_name(kb, SIPKB_LAYER_PROVIDER), "SIPcity"));
    g_assert_null(sipkb_kb_domains(kb, SIPKB_LAYER_PROVIDER));

    /* The Caller-ID note only where the message shows a mismatch, with its numbers filled. */
    const char *plain = forbidden->provider_note;
    g_assert_true(sipkb_kb_entry_note(forbidden, NULL, NULL) == plain);
    g_assert_true(sipkb_kb_entry_note(forbidden, "2138394020", "2138394020") == plain);
    g_assert_true(sipkb_kb_entry_note(forbidden, "2138394020", NULL) == plain);
    const char *mismatch = sipkb_kb_entry_note(forbidden, "2138394020", "2138394018");
    g_assert_true(mismatch != plain);
    g_assert_nonnull(strstr(mismatch, "{callerid.from_user}"));
    g_assert_nonnull(strstr(mismatch, "{callerid.auth_user}"));
    g_assert_null(strchr(plain, '{'));
    g_assert_true(sipkb_kb_entry_note(sipkb_kb_response(kb, 401, NULL), "1", "2") ==
                  sipkb_kb_response(kb, 401, NULL)->provider_note);
    sipkb_kb_free(kb);
}

/* The texts fit the request the response answers (RFC 3261 and the extension RFCs). */
static void
test_selection_per_method(void)
{
    sipkb_kb *kb = load_shipped_kb();
    GPtrArray *lines;

    /* 404 to REGISTER: the address-of-record, not a dialled number. */
    lines = lines_for(kb, 404, SIPKB_KB_CAUSES, "REGISTER");
    g_assert_false(lines_contain(lines, "dialled"));
    g_assert_false(lines_contain(lines, "Number format"));
    g_assert_false(lines_contain(lines, "DID"));
    g_assert_true(lines_contain(lines, "address-of-record"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 404, SIPKB_KB_ADVICE, "REGISTER");
    g_assert_false(lines_contain(lines, "carrier expects"));
    g_ptr_array_unref(lines);
    g_assert_nonnull(strstr(text_for(kb, 404, SIPKB_KB_MEANING, "REGISTER"), "address-of-record"));
    lines = lines_for(kb, 404, SIPKB_KB_CAUSES, "INVITE");
    g_assert_true(lines_contain(lines, "dialled number"));
    g_assert_false(lines_contain(lines, "address-of-record"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 404, SIPKB_KB_CAUSES, "SUBSCRIBE");
    g_assert_true(lines_contain(lines, "notifier"));
    g_ptr_array_unref(lines);

    /* 488 to a NOTIFY without SDP: no codec causes, and a meaning without the offer. */
    g_assert_false(sipkb_kb_offer_assumed("NOTIFY", FALSE));
    lines = lines_for(kb, 488, SIPKB_KB_CAUSES, "NOTIFY");
    g_assert_false(lines_contain(lines, "codec"));
    g_assert_false(lines_contain(lines, "T.38"));
    g_assert_true(lines_contain(lines, "body"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 488, SIPKB_KB_ADVICE, "NOTIFY");
    g_assert_false(lines_contain(lines, "m= lines"));
    g_ptr_array_unref(lines);
    g_assert_nonnull(strstr(text_for(kb, 488, SIPKB_KB_MEANING, "NOTIFY"), "not about codecs"));
    g_assert_nonnull(strstr(text_for(kb, 606, SIPKB_KB_MEANING, "MESSAGE"), "request or its body"));
    /* ... but an INVITE's offer may lie outside the capture: its codec causes stay. */
    lines = lines_for(kb, 488, SIPKB_KB_CAUSES, "INVITE");
    g_assert_true(lines_contain(lines, "No codec in common"));
    g_assert_false(lines_contain(lines, "body"));
    g_ptr_array_unref(lines);
    g_assert_true(text_for(kb, 488, SIPKB_KB_MEANING, "INVITE") ==
                  sipkb_kb_response(kb, 488, NULL)->meaning);
    /* A NOTIFY whose refused offer the capture shows gets the codec causes. */
    lines = lines_in(kb, 488, SIPKB_KB_CAUSES,
                     situation_of("NOTIFY", sipkb_kb_offer_assumed("NOTIFY", TRUE)));
    g_assert_true(lines_contain(lines, "No codec in common"));
    g_ptr_array_unref(lines);

    /* 200 to CANCEL: the CANCEL succeeded, not the call. */
    const char *cancel_meaning = text_for(kb, 200, SIPKB_KB_MEANING, "CANCEL");
    g_assert_nonnull(strstr(cancel_meaning, "487"));
    g_assert_nonnull(strstr(text_for(kb, 200, SIPKB_KB_SUMMARY, "CANCEL"), "CANCEL accepted"));
    lines = lines_for(kb, 200, SIPKB_KB_CAUSES, "CANCEL");
    g_assert_false(lines_contain(lines, "callee answered,"));
    g_assert_false(lines_contain(lines, "voicemail"));
    g_ptr_array_unref(lines);
    g_assert_nonnull(strstr(text_for(kb, 200, SIPKB_KB_MEANING, "BYE"), "BYE"));
    g_assert_nonnull(strstr(text_for(kb, 200, SIPKB_KB_MEANING, "REGISTER"), "binding"));
    g_assert_nonnull(strstr(text_for(kb, 200, SIPKB_KB_MEANING, "OPTIONS"), "capability"));
    g_assert_true(text_for(kb, 200, SIPKB_KB_MEANING, "INVITE") ==
                  sipkb_kb_response(kb, 200, NULL)->meaning);
    lines = lines_for(kb, 200, SIPKB_KB_CAUSES, "INVITE");
    g_assert_true(lines_contain(lines, "The callee answered"));
    g_ptr_array_unref(lines);
    static const char *const not_calls[] = {"PRACK", "UPDATE", "NOTIFY", "BYE", "REGISTER"};
    for (gsize i = 0; i < G_N_ELEMENTS(not_calls); i++) {
        lines = lines_for(kb, 200, SIPKB_KB_CAUSES, not_calls[i]);
        g_assert_false(lines_contain(lines, "callee answered"));
        g_ptr_array_unref(lines);
    }

    /* 202 to SUBSCRIBE is no transfer. */
    g_assert_null(strstr(text_for(kb, 202, SIPKB_KB_MEANING, "SUBSCRIBE"), "transfer"));
    g_assert_null(strstr(text_for(kb, 202, SIPKB_KB_SUMMARY, "SUBSCRIBE"), "REFER"));
    lines = lines_for(kb, 202, SIPKB_KB_CAUSES, "SUBSCRIBE");
    g_assert_false(lines_contain(lines, "transfer"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 202, SIPKB_KB_CAUSES, "REFER");
    g_assert_true(lines_contain(lines, "transfer"));
    g_ptr_array_unref(lines);

    /* A 1xx to REGISTER: nobody received an INVITE. */
    static const guint provisional[] = {100, 180, 183, 150};
    for (gsize i = 0; i < G_N_ELEMENTS(provisional); i++) {
        const sipkb_response_entry *entry = sipkb_kb_response(kb, provisional[i], NULL);
        sipkb_kb_situation situation = situation_of("REGISTER", FALSE);
        GPtrArray *causes = sipkb_kb_entry_lines(entry, SIPKB_KB_CAUSES, &situation);
        GPtrArray *advice = sipkb_kb_entry_lines(entry, SIPKB_KB_ADVICE, &situation);
        g_test_message("code %u", provisional[i]);
        g_assert_false(lines_contain(causes, "received the INVITE"));
        g_assert_false(lines_contain(causes, "ringing"));
        g_assert_false(lines_contain(advice, "repeated INVITEs"));
        g_ptr_array_unref(causes);
        g_ptr_array_unref(advice);
    }
    g_assert_null(strstr(text_for(kb, 100, SIPKB_KB_MEANING, "REGISTER"), "INVITE retrans"));
    g_assert_nonnull(strstr(text_for(kb, 100, SIPKB_KB_MEANING, "INVITE"), "INVITE retrans"));

    /* 503 to OPTIONS: no channels or calls. */
    lines = lines_for(kb, 503, SIPKB_KB_CAUSES, "OPTIONS");
    g_assert_false(lines_contain(lines, "channel"));
    g_assert_false(lines_contain(lines, "calls"));
    g_assert_true(lines_contain(lines, "OPTIONS"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 503, SIPKB_KB_ADVICE, "REGISTER");
    g_assert_false(lines_contain(lines, "channel"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 503, SIPKB_KB_CAUSES, "INVITE");
    g_assert_true(lines_contain(lines, "channels"));
    g_ptr_array_unref(lines);

    /* 403: authorisation will not help a request refused without credentials (21.4.4); the
     * password cause speaks of credentials that were sent. */
    lines = lines_for(kb, 403, SIPKB_KB_CAUSES, "INVITE");
    g_assert_true(lines_contain(lines, "carried no credentials"));
    g_assert_true(lines_contain(lines, "authorisation will not help"));
    g_assert_true(lines_contain(lines, "credentials sent were refused: wrong password"));
    g_assert_false(lines_contain(lines, "For REGISTER"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 403, SIPKB_KB_CAUSES, "REGISTER");
    g_assert_true(lines_contain(lines, "carried no credentials"));
    g_assert_true(lines_contain(lines, "For REGISTER"));
    g_assert_false(lines_contain(lines, "rated"));
    g_ptr_array_unref(lines);

    /* 483 and 480 to REGISTER; 489 to PUBLISH. */
    lines = lines_for(kb, 483, SIPKB_KB_CAUSES, "REGISTER");
    g_assert_true(lines_contain(lines, "Request-URI domain"));
    g_assert_false(lines_contain(lines, "PBX, SBC and carrier"));
    g_ptr_array_unref(lines);
    lines = lines_for(kb, 480, SIPKB_KB_CAUSES, "REGISTER");
    g_assert_false(lines_contain(lines, "Do Not Disturb"));
    g_assert_true(lines_contain(lines, "section 10.2"));
    g_ptr_array_unref(lines);
    g_assert_nonnull(strstr(text_for(kb, 489, SIPKB_KB_MEANING, "PUBLISH"), "PUBLISH"));

    /* A REGISTER has no callee, ringing or dial plan: 408, 482 and 487 to it; a 481 to a
     * NOTIFY: the subscription is gone (RFC 6665). NULL: no line to look for. */
    static const struct {
        guint code;
        sipkb_kb_part part;
        const char *method;
        const char *present;
        const char *absent;
    } per_method[] = {
        {408, SIPKB_KB_CAUSES, "REGISTER", "Timer B (INVITE) or Timer F", "registered device"},
        {408, SIPKB_KB_CAUSES, "REGISTER", NULL, "Ring-no-answer"},
        {408, SIPKB_KB_CAUSES, "INVITE", "Ring-no-answer", NULL},
        {482, SIPKB_KB_CAUSES, "REGISTER", "does not own the Request-URI domain",
         "route the number"},
        {482, SIPKB_KB_ADVICE, "INVITE", "dial plan", NULL},
        {487, SIPKB_KB_CAUSES, "REGISTER", "section 9.1", "caller hung up"},
        {487, SIPKB_KB_CAUSES, "INVITE", "caller hung up", "section 9.1"},
        {481, SIPKB_KB_CAUSES, "NOTIFY", "subscription had expired", "Replaces"},
        /* No dial plan, callee or PSTN for a REGISTER (484, 486, 6xx, 410, 5xx) */
        {484, SIPKB_KB_CAUSES, "REGISTER", "address-of-record in To", "Digits missing"},
        {484, SIPKB_KB_CAUSES, "REGISTER", "section 10.2", "inter-digit"},
        {484, SIPKB_KB_ADVICE, "REGISTER", "To URI", "dial-plan"},
        {484, SIPKB_KB_CAUSES, "INVITE", "Digits missing", "address-of-record"},
        {486, SIPKB_KB_CAUSES, "REGISTER", "no more contacts", "already on a call"},
        {486, SIPKB_KB_ADVICE, "REGISTER", "Request-URI", "call-waiting"},
        {486, SIPKB_KB_CAUSES, "INVITE", "already on a call", "no more contacts"},
        {600, SIPKB_KB_CAUSES, "REGISTER", "no more contacts", "devices are busy"},
        {600, SIPKB_KB_CAUSES, "INVITE", "devices are busy", "REGISTER"},
        {603, SIPKB_KB_CAUSES, "REGISTER", "User-Agent", "pressed Decline"},
        {603, SIPKB_KB_CAUSES, "REGISTER", "no credit", "Replaces"},
        {603, SIPKB_KB_ADVICE, "REGISTER", "account's state", "from 180 to 603"},
        {603, SIPKB_KB_CAUSES, "INVITE", "pressed Decline", "User-Agent"},
        {604, SIPKB_KB_CAUSES, "REGISTER", "address-of-record", "dialled"},
        {604, SIPKB_KB_CAUSES, "REGISTER", NULL, "number-portability"},
        {604, SIPKB_KB_CAUSES, "INVITE", "unallocated", "address-of-record"},
        {606, SIPKB_KB_CAUSES, "REGISTER", "Expires value", "any device of the callee"},
        {606, SIPKB_KB_CAUSES, "MESSAGE", "any device of the callee", "Expires value"},
        {410, SIPKB_KB_CAUSES, "REGISTER", "removed from the registrar", "ISUP"},
        {410, SIPKB_KB_CAUSES, "INVITE", "ISUP", "removed from the registrar"},
        {500, SIPKB_KB_CAUSES, "REGISTER", "backend failure", "ISUP"},
        {500, SIPKB_KB_CAUSES, "REGISTER", NULL, "second INVITE"},
        {502, SIPKB_KB_CAUSES, "REGISTER", "could not be resolved", "PSTN destination"},
        {504, SIPKB_KB_CAUSES, "REGISTER", "did not answer in time", "ISUP"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(per_method); i++) {
        g_test_message("%u to %s", per_method[i].code, per_method[i].method);
        lines = lines_for(kb, per_method[i].code, per_method[i].part, per_method[i].method);
        g_assert_true(!per_method[i].present || lines_contain(lines, per_method[i].present));
        g_assert_true(!per_method[i].absent || !lines_contain(lines, per_method[i].absent));
        g_ptr_array_unref(lines);
    }
    /* Meanings of a REGISTER refused with a callee's code: the registrar, not a callee. */
    static const guint callee_codes[] = {484, 486, 600, 603, 604, 606};
    for (gsize i = 0; i < G_N_ELEMENTS(callee_codes); i++) {
        g_test_message("meaning of %u to REGISTER", callee_codes[i]);
        const char *meaning = text_for(kb, callee_codes[i], SIPKB_KB_MEANING, "REGISTER");
        g_assert_nonnull(strstr(meaning, "regist"));
        const sipkb_response_entry *entry = sipkb_kb_response(kb, callee_codes[i], NULL);
        g_assert_false(meaning == entry->meaning);
        g_assert_false(text_for(kb, callee_codes[i], SIPKB_KB_SUMMARY, "REGISTER") ==
                       entry->summary);
    }
    /* A 487 or 500 to a re-INVITE: the call stays up; the second INVITE of section 14.2. */
    static const struct {
        guint code;
        gboolean in_dialog;
        const char *present;
        const char *absent;
    } reinvite[] = {
        {487, TRUE, "call itself stays up", "caller hung up"},
        {487, TRUE, NULL, "Forking"},
        {487, FALSE, "caller hung up", "call itself stays up"},
        {500, FALSE, NULL, "second INVITE"},
        {500, TRUE, "second INVITE", NULL},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(reinvite); i++) {
        g_test_message("%u to INVITE, in dialog %d", reinvite[i].code, reinvite[i].in_dialog);
        lines = lines_known(kb, reinvite[i].code, SIPKB_KB_CAUSES, "INVITE", FALSE,
                            reinvite[i].in_dialog);
        g_assert_true(!reinvite[i].present || lines_contain(lines, reinvite[i].present));
        g_assert_true(!reinvite[i].absent || !lines_contain(lines, reinvite[i].absent));
        g_ptr_array_unref(lines);
    }
    /* A 200 to a re-INVITE: the call was up already. */
    lines = lines_known(kb, 200, SIPKB_KB_CAUSES, "INVITE", FALSE, TRUE);
    g_assert_false(lines_contain(lines, "The callee answered"));
    g_assert_true(lines_contain(lines, "re-INVITE in the call was accepted"));
    g_ptr_array_unref(lines);
    lines = lines_known(kb, 200, SIPKB_KB_CAUSES, "INVITE", FALSE, FALSE);
    g_assert_true(lines_contain(lines, "The callee answered"));
    g_assert_false(lines_contain(lines, "re-INVITE in the call was accepted"));
    g_ptr_array_unref(lines);

    /* An unknown method gets every line: better one too many than a lost one. */
    const sipkb_response_entry *not_found = sipkb_kb_response(kb, 404, NULL);
    lines = lines_in(kb, 404, SIPKB_KB_CAUSES, situation_of(NULL, TRUE));
    g_assert_cmpuint(lines->len, ==, g_strv_length((char **)not_found->causes));
    g_ptr_array_unref(lines);
    sipkb_kb_free(kb);
}

static void
test_offer_assumed(void)
{
    static const char *const may_offer[] = {"INVITE", "UPDATE", "PRACK", "ACK", NULL, ""};
    for (gsize i = 0; i < G_N_ELEMENTS(may_offer); i++)
        g_assert_true(sipkb_kb_offer_assumed(may_offer[i], FALSE));
    static const char *const cannot[] = {"NOTIFY", "MESSAGE", "REGISTER", "OPTIONS", "invite"};
    for (gsize i = 0; i < G_N_ELEMENTS(cannot); i++) {
        g_assert_false(sipkb_kb_offer_assumed(cannot[i], FALSE));
        g_assert_true(sipkb_kb_offer_assumed(cannot[i], TRUE));
    }
}

/* The [sipkb] section and six plain classes of a small generic KB, before its code sections. */
#define PLAIN_KB_HEADER                                                                            \
    "[sipkb]\nformat=1\nkb_version=t\n"                                                            \
    "[class 1xx]\nname=P\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"          \
    "[class 2xx]\nname=S\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"          \
    "[class 3xx]\nname=R\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"          \
    "[class 4xx]\nname=F\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"          \
    "[class 5xx]\nname=F\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"          \
    "[class 6xx]\nname=G\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"

/* A small generic KB with every kind of condition. */
static const char conditions_kb[] =
    "[sipkb]\nformat=1\nkb_version=t\n"
    "[class 1xx]\nname=P\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"
    "[class 2xx]\nname=S\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"
    "[class 3xx]\nname=R\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"
    "[class 4xx]\nname=F\nsummary=s\nmeaning=m 4xx\nmeaning.REGISTER=m 4xx register\n"
    "cause.1=c\ncause.1.for=INVITE\ncause.2=d\nadvice.1=a\nreference=RFC 1\n"
    "[class 5xx]\nname=F\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"
    "[class 6xx]\nname=G\nsummary=s\nmeaning=m\ncause.1=c\nadvice.1=a\nreference=RFC 1\n"
    "[response 403]\nreason=Forbidden\nsummary=s\nmeaning=m\ncause.1=any\n"
    "cause.2=sent\ncause.2.for=credentials\ncause.3=none\ncause.3.for=!credentials\n"
    "cause.4=dialog\ncause.4.for=in-dialog\n"
    "cause.5=new invite unauthenticated\ncause.5.for=INVITE,!in-dialog,!credentials\n"
    "advice.1=a\nadvice.2=check password\nadvice.2.for=credentials\nreference=RFC 1\n"
    "meaning.in_dialog=m dialog\nmeaning.INVITE.in_dialog=m reinvite\nmeaning.BYE=m bye\n"
    "summary.in_dialog=s dialog\n"
    "[response 488]\nreason=Not Acceptable Here\nsummary=Offer refused\n"
    "summary.no_offer=Request refused\nsummary.MESSAGE=Message refused\n"
    "meaning=m offer\nmeaning.no_offer=m plain\n"
    "cause.1=all\n"
    "cause.2=invite or update with offer\ncause.2.for= INVITE , UPDATE ,offer\n"
    "cause.3=offer\ncause.3.for=offer\n"
    "cause.4=no offer\ncause.4.for=!offer\n"
    "cause.5=not register\ncause.5.for=!REGISTER,!OPTIONS\n"
    "cause.6=an extension method\ncause.6.for=X-FOO.BAR\n"
    "advice.1=a\nadvice.2=b for message\nadvice.2.for=MESSAGE\nreference=RFC 3261\n"
    "[response 480]\nreason=Temporarily Unavailable\nsummary=s\nmeaning=m\ncause.1=any\n"
    "cause.2=mwi or winfo\ncause.2.for=SUBSCRIBE,event=message-summary,event=Presence.Winfo\n"
    "cause.3=device\ncause.3.for=SUBSCRIBE, event=dialog ,event=presence\n"
    "cause.4=other package\ncause.4.for=SUBSCRIBE,!event=message-summary,"
    "!event=presence.winfo,!event=dialog,!event=presence\n"
    "cause.5=not dialog\ncause.5.for=!event=dialog\n"
    "advice.1=a\nadvice.2=mwi\nadvice.2.for=event=message-summary\nreference=RFC 1\n";

static char *
joined(GPtrArray *lines)
{
    g_ptr_array_add(lines, NULL);
    char *text = g_strjoinv("|", (char **)lines->pdata);
    g_ptr_array_unref(lines);
    return text;
}

/* The lines (causes or advice) of `entry` in `situation`, joined by "|", are `expected`. */
static void
assert_lines_in(const sipkb_response_entry *entry, sipkb_kb_part part, sipkb_kb_situation situation,
                const char *expected)
{
    char *text = joined(sipkb_kb_entry_lines(entry, part, &situation));
    g_assert_cmpstr(text, ==, expected);
    g_free(text);
}

static void
assert_lines(const sipkb_response_entry *entry, sipkb_kb_part part, const char *method,
             gboolean offer, const char *expected)
{
    assert_lines_in(entry, part, situation_of(method, offer), expected);
}

static sipkb_kb *
load_conditions_kb(void)
{
    sipkb_kb *kb = sipkb_kb_new();
    GError *error = NULL;
    g_assert_true(sipkb_kb_add_layer(kb, SIPKB_LAYER_GENERIC, conditions_kb, strlen(conditions_kb),
                                     "conditions.kb", &error));
    g_assert_no_error(error);
    return kb;
}

/* Stacks `text` as `layer` of `kb`, which must load. */
static void
add_layer_ok(sipkb_kb *kb, sipkb_layer layer, const char *text, const char *name)
{
    GError *error = NULL;
    g_assert_true(sipkb_kb_add_layer(kb, layer, text, strlen(text), name, &error));
    g_assert_no_error(error);
}

static void
test_conditions(void)
{
    sipkb_kb *kb = load_conditions_kb();
    const sipkb_response_entry *e = sipkb_kb_response(kb, 488, NULL);
    assert_lines(e, SIPKB_KB_CAUSES, "INVITE", TRUE,
                 "all|invite or update with offer|offer|not register");
    assert_lines(e, SIPKB_KB_CAUSES, "INVITE", FALSE, "all|no offer|not register");
    assert_lines(e, SIPKB_KB_CAUSES, "UPDATE", TRUE,
                 "all|invite or update with offer|offer|not register");
    assert_lines(e, SIPKB_KB_CAUSES, "REGISTER", FALSE, "all|no offer");
    assert_lines(e, SIPKB_KB_CAUSES, "OPTIONS", TRUE, "all|offer");
    assert_lines(e, SIPKB_KB_CAUSES, "X-FOO.BAR", FALSE,
                 "all|no offer|not register|an extension method");
    assert_lines(e, SIPKB_KB_CAUSES, "invite", TRUE, "all|offer|not register");
    assert_lines(e, SIPKB_KB_CAUSES, NULL, TRUE,
                 "all|invite or update with offer|offer|not register|an extension method");
    assert_lines(e, SIPKB_KB_ADVICE, "MESSAGE", FALSE, "a|b for message");
    assert_lines(e, SIPKB_KB_ADVICE, "NOTIFY", FALSE, "a");

    /* Summary and meaning: the method's, else the one without an offer, else the entry's. */
    g_assert_cmpstr(text_of(e, SIPKB_KB_SUMMARY, "INVITE", TRUE), ==, "Offer refused");
    g_assert_cmpstr(text_of(e, SIPKB_KB_SUMMARY, "NOTIFY", FALSE), ==, "Request refused");
    g_assert_cmpstr(text_of(e, SIPKB_KB_SUMMARY, "MESSAGE", FALSE), ==, "Message refused");
    g_assert_cmpstr(text_of(e, SIPKB_KB_MEANING, "MESSAGE", FALSE), ==, "m plain");
    g_assert_cmpstr(text_of(e, SIPKB_KB_MEANING, NULL, TRUE), ==, "m offer");
    g_assert_cmpstr(e->meaning, ==, "m offer");

    /* A code without a section of its own uses its class, conditions and variants included. */
    gboolean fallback = FALSE;
    const sipkb_response_entry *cls = sipkb_kb_response(kb, 499, &fallback);
    g_assert_true(fallback);
    assert_lines(cls, SIPKB_KB_CAUSES, "REGISTER", TRUE, "d");
    g_assert_cmpstr(text_of(cls, SIPKB_KB_MEANING, "REGISTER", TRUE), ==, "m 4xx register");
    sipkb_kb_free(kb);
}

static void
assert_known_lines(const sipkb_response_entry *entry, sipkb_kb_part part, const char *method,
                   sipkb_kb_fact credentials, sipkb_kb_fact in_dialog, const char *expected)
{
    assert_lines_in(
        entry, part,
        (sipkb_kb_situation){.method = method, .credentials = credentials, .in_dialog = in_dialog},
        expected);
}

/* credentials / !credentials, in-dialog / !in-dialog and callerid-mismatch, each way; unknown
 * meets both. */
static void
test_situation_conditions(void)
{
    sipkb_kb *kb = load_conditions_kb();
    const sipkb_response_entry *e = sipkb_kb_response(kb, 403, NULL);
    assert_known_lines(e, SIPKB_KB_CAUSES, "INVITE", SIPKB_KB_YES, SIPKB_KB_NO, "any|sent");
    assert_known_lines(e, SIPKB_KB_CAUSES, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO,
                       "any|none|new invite unauthenticated");
    assert_known_lines(e, SIPKB_KB_CAUSES, "INVITE", SIPKB_KB_NO, SIPKB_KB_YES, "any|none|dialog");
    assert_known_lines(e, SIPKB_KB_CAUSES, "BYE", SIPKB_KB_YES, SIPKB_KB_YES, "any|sent|dialog");
    assert_known_lines(e, SIPKB_KB_CAUSES, "REGISTER", SIPKB_KB_NO, SIPKB_KB_NO, "any|none");
    assert_known_lines(e, SIPKB_KB_CAUSES, "INVITE", SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN,
                       "any|sent|none|dialog|new invite unauthenticated");
    assert_known_lines(e, SIPKB_KB_CAUSES, "INVITE", SIPKB_KB_UNKNOWN, SIPKB_KB_YES,
                       "any|sent|none|dialog");
    assert_known_lines(e, SIPKB_KB_ADVICE, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO, "a");
    assert_known_lines(e, SIPKB_KB_ADVICE, "INVITE", SIPKB_KB_YES, SIPKB_KB_NO, "a|check password");
    /* The shipped 403: no password cause without credentials, no 21.4.4 cause with them. */
    sipkb_kb *shipped = load_shipped_kb();
    GPtrArray *lines = lines_known(shipped, 403, SIPKB_KB_CAUSES, "REGISTER", TRUE, FALSE);
    g_assert_false(lines_contain(lines, "carried no credentials"));
    g_assert_true(lines_contain(lines, "wrong password"));
    g_assert_true(lines_contain(lines, "Valid credentials, but not for the address-of-record"));
    g_ptr_array_unref(lines);
    lines = lines_known(shipped, 403, SIPKB_KB_CAUSES, "REGISTER", FALSE, FALSE);
    g_assert_true(lines_contain(lines, "carried no credentials"));
    g_assert_false(lines_contain(lines, "wrong password"));
    g_assert_false(lines_contain(lines, "Valid credentials"));
    g_assert_false(lines_contain(lines, "differs from the digest username"));
    g_ptr_array_unref(lines);
    lines = lines_known(shipped, 403, SIPKB_KB_ADVICE, "INVITE", FALSE, FALSE);
    g_assert_false(lines_contain(lines, "Authorization header"));
    g_ptr_array_unref(lines);
    lines = lines_known(shipped, 403, SIPKB_KB_ADVICE, "INVITE", TRUE, FALSE);
    g_assert_true(lines_contain(lines, "Authorization header"));
    g_ptr_array_unref(lines);
    /* The Caller-ID cause and advice only where the From user and digest username differ, or
     * were not compared. */
    const sipkb_kb_fact compared[] = {SIPKB_KB_NO, SIPKB_KB_YES, SIPKB_KB_UNKNOWN};
    for (gsize i = 0; i < G_N_ELEMENTS(compared); i++) {
        sipkb_kb_situation situation = {.method = "REGISTER",
                                        .credentials = SIPKB_KB_YES,
                                        .in_dialog = SIPKB_KB_NO,
                                        .callerid_mismatch = compared[i]};
        const sipkb_response_entry *forbidden = sipkb_kb_response(shipped, 403, NULL);
        gboolean shown = compared[i] != SIPKB_KB_NO;
        lines = sipkb_kb_entry_lines(forbidden, SIPKB_KB_CAUSES, &situation);
        g_assert_cmpint(lines_contain(lines, "differs from the digest username"), ==, shown);
        g_assert_true(lines_contain(lines, "wrong password"));
        g_ptr_array_unref(lines);
        lines = sipkb_kb_entry_lines(forbidden, SIPKB_KB_ADVICE, &situation);
        g_assert_cmpint(lines_contain(lines, "Authorization header"), ==, shown);
        g_ptr_array_unref(lines);
    }
    sipkb_kb_free(shipped);
    sipkb_kb_free(kb);
}

static const char *
text_in(const sipkb_response_entry *entry, sipkb_kb_part part, const char *method,
        sipkb_kb_fact in_dialog)
{
    sipkb_kb_situation situation = {.method = method, .in_dialog = in_dialog};
    return sipkb_kb_entry_text(entry, part, &situation);
}

/* event=PACKAGE and !event=PACKAGE: the request's event type (RFC 6665 section 8.2.1), without
 * case; several name any of them; a request without an Event header has none of them; one
 * that is not in the capture meets every event entry. */
static void
test_event_conditions(void)
{
    sipkb_kb *kb = load_conditions_kb();
    const sipkb_response_entry *e = sipkb_kb_response(kb, 480, NULL);
    static const struct {
        const char *method, *event, *causes, *advice;
    } cases[] = {
        {"SUBSCRIBE", "message-summary", "any|mwi or winfo|not dialog", "a|mwi"},
        {"SUBSCRIBE", "Message-Summary", "any|mwi or winfo|not dialog", "a|mwi"},
        {"SUBSCRIBE", "presence.winfo", "any|mwi or winfo|not dialog", "a"},
        {"SUBSCRIBE", "presence", "any|device|not dialog", "a"},
        {"SUBSCRIBE", "dialog", "any|device", "a"},
        {"SUBSCRIBE", "ua-profile", "any|other package|not dialog", "a"},
        {"SUBSCRIBE", "message", "any|other package|not dialog", "a"},
        {"SUBSCRIBE", "", "any|other package|not dialog", "a"},
        {"SUBSCRIBE", NULL, "any|mwi or winfo|device|other package|not dialog", "a|mwi"},
        {"NOTIFY", "message-summary", "any|not dialog", "a|mwi"},
        {"INVITE", "", "any|not dialog", "a"},
        {NULL, "dialog", "any|device", "a"},
        {NULL, NULL, "any|mwi or winfo|device|other package|not dialog", "a|mwi"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s, event %s", cases[i].method ? cases[i].method : "(unknown)",
                       cases[i].event ? cases[i].event : "(unknown)");
        sipkb_kb_situation situation = {.method = cases[i].method,
                                        .credentials = SIPKB_KB_NO,
                                        .in_dialog = SIPKB_KB_NO,
                                        .event = cases[i].event};
        assert_lines_in(e, SIPKB_KB_CAUSES, situation, cases[i].causes);
        assert_lines_in(e, SIPKB_KB_ADVICE, situation, cases[i].advice);
    }
    sipkb_kb_free(kb);

    /* The event type of an Event header value. */
    static const struct {
        const char *header, *type;
    } types[] = {
        {NULL, ""},
        {"", ""},
        {"message-summary", "message-summary"},
        {" Presence.winfo ; id=7", "presence.winfo"},
        {"dialog;sla;include-session-description", "dialog"},
        {";id=1", ""},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(types); i++) {
        char *type = sipkb_kb_event_type(types[i].header);
        g_assert_cmpstr(type, ==, types[i].type);
        g_free(type);
    }

    /* The shipped 480 and 404 to SUBSCRIBE: no MWI or watcher-info notifier is the user's
     * device; a proxy without that server routes the request to the AOR's contacts. */
    kb = load_shipped_kb();
    static const struct {
        guint code;
        const char *event, *first, *absent;
    } shipped[] = {
        {480, "message-summary", "No presence or message-summary server", "user's own device"},
        {480, "presence.winfo", "No presence or message-summary server", "user's own device"},
        {480, "presence", "The notifier is the user's own device", "message-summary server"},
        {480, "dialog", "The notifier is the user's own device", "message-summary server"},
        {480, "ua-profile", "No notifier for this event package", "user's own device"},
        {404, "message-summary", "No presence or message-summary server", "user's own device"},
        {404, "presence.winfo", "No presence or message-summary server", "user's own device"},
        {404, "dialog", "The subscribed resource", "message-summary server"},
        {404, "presence", "The subscribed resource", "message-summary server"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(shipped); i++) {
        g_test_message("%u to SUBSCRIBE %s", shipped[i].code, shipped[i].event);
        sipkb_kb_situation situation = {.method = "SUBSCRIBE",
                                        .credentials = SIPKB_KB_YES,
                                        .in_dialog = SIPKB_KB_NO,
                                        .event = shipped[i].event};
        GPtrArray *lines = sipkb_kb_entry_lines(sipkb_kb_response(kb, shipped[i].code, NULL),
                                                SIPKB_KB_CAUSES, &situation);
        g_assert_cmpuint(lines->len, >=, 2);
        g_assert_true(g_str_has_prefix(g_ptr_array_index(lines, 0), shipped[i].first));
        g_assert_false(lines_contain(lines, shipped[i].absent));
        g_ptr_array_unref(lines);
    }
    /* Registering the phone is no fix for an MWI subscription: it goes to a voicemail server. */
    sipkb_kb_situation mwi = {.method = "SUBSCRIBE",
                              .credentials = SIPKB_KB_YES,
                              .in_dialog = SIPKB_KB_NO,
                              .event = "message-summary"};
    GPtrArray *advice =
        sipkb_kb_entry_lines(sipkb_kb_response(kb, 480, NULL), SIPKB_KB_ADVICE, &mwi);
    g_assert_false(lines_contain(advice, "callee's registration"));
    g_assert_true(lines_contain(advice, "voicemail or presence server"));
    g_ptr_array_unref(advice);
    mwi.event = "dialog";
    advice = sipkb_kb_entry_lines(sipkb_kb_response(kb, 480, NULL), SIPKB_KB_ADVICE, &mwi);
    g_assert_true(lines_contain(advice, "callee's registration"));
    g_assert_false(lines_contain(advice, "voicemail or presence server"));
    g_ptr_array_unref(advice);
    sipkb_kb_free(kb);
}

/* Texts inside a dialog: the method's in-dialog text, then the method's, then any in-dialog
 * request's; never for a request outside a dialog or one the capture lacks. */
static void
test_in_dialog_texts(void)
{
    sipkb_kb *kb = load_conditions_kb();
    const sipkb_response_entry *e = sipkb_kb_response(kb, 403, NULL);
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "INVITE", SIPKB_KB_YES), ==, "m reinvite");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "INVITE", SIPKB_KB_NO), ==, "m");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "INVITE", SIPKB_KB_UNKNOWN), ==, "m");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "BYE", SIPKB_KB_YES), ==, "m bye");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "BYE", SIPKB_KB_NO), ==, "m bye");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "INFO", SIPKB_KB_YES), ==, "m dialog");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, NULL, SIPKB_KB_YES), ==, "m dialog");
    g_assert_cmpstr(text_in(e, SIPKB_KB_MEANING, "INFO", SIPKB_KB_UNKNOWN), ==, "m");
    g_assert_cmpstr(text_in(e, SIPKB_KB_SUMMARY, "INVITE", SIPKB_KB_YES), ==, "s dialog");
    g_assert_cmpstr(text_in(e, SIPKB_KB_SUMMARY, "INVITE", SIPKB_KB_NO), ==, "s");
    sipkb_kb_free(kb);

    /* The shipped KB: a 200 to a re-INVITE modified a call that was up, it answered none. */
    kb = load_shipped_kb();
    const char *reinvite = text_known(kb, 200, SIPKB_KB_MEANING, "INVITE", FALSE, TRUE);
    g_assert_null(strstr(reinvite, "callee answered"));
    g_assert_nonnull(strstr(reinvite, "re-INVITE"));
    g_assert_nonnull(
        strstr(text_known(kb, 200, SIPKB_KB_SUMMARY, "INVITE", FALSE, TRUE), "re-INVITE"));
    g_assert_nonnull(
        strstr(text_known(kb, 200, SIPKB_KB_MEANING, "INVITE", FALSE, FALSE), "callee answered"));
    g_assert_nonnull(strstr(text_known(kb, 200, SIPKB_KB_MEANING, "BYE", FALSE, TRUE), "BYE"));
    /* A 487 or 488 to a re-INVITE leaves the call up (RFC 3261 section 14.1). */
    g_assert_nonnull(
        strstr(text_known(kb, 487, SIPKB_KB_MEANING, "INVITE", FALSE, TRUE), "call goes on"));
    g_assert_null(strstr(text_known(kb, 487, SIPKB_KB_MEANING, "INVITE", FALSE, TRUE), "hangs up"));
    g_assert_nonnull(
        strstr(text_known(kb, 487, SIPKB_KB_MEANING, "INVITE", FALSE, FALSE), "hangs up"));
    g_assert_nonnull(strstr(text_known(kb, 488, SIPKB_KB_MEANING, "INVITE", FALSE, TRUE),
                            "session stays as it was"));
    sipkb_kb_free(kb);
}

/* A request outside any dialog (a To tag, but the call's INVITE failed: RFC 3261 section
 * 12.2.2): outside-dialog / !outside-dialog each way; unknown (the request is not in the
 * capture) is no verdict, so only !outside-dialog meets it; its texts come before every other
 * variant, and only when the analyzer decided it. */
static void
test_outside_dialog(void)
{
    static const char text[] =
        PLAIN_KB_HEADER "[response 200]\nreason=OK\nsummary=s\nsummary.BYE=s bye\n"
                        "summary.BYE.in_dialog=s bye dialog\nmeaning=m\nmeaning.BYE=m bye\n"
                        "meaning.outside_dialog=m outside\n"
                        "cause.1=hung up\ncause.1.for=BYE,!outside-dialog\n"
                        "cause.2=no dialog\ncause.2.for=outside-dialog\n"
                        "cause.3=any\nadvice.1=a\nreference=RFC 1\n";
    sipkb_kb *kb = sipkb_kb_new();
    add_layer_ok(kb, SIPKB_LAYER_GENERIC, text, "outside.kb");
    sipkb_kb_situation situation = {.method = "BYE", .in_dialog = SIPKB_KB_YES};
    static const struct {
        sipkb_kb_fact outside;
        const char *causes, *summary, *meaning;
    } cases[] = {
        {SIPKB_KB_YES, "no dialog|any", "s bye dialog", "m outside"},
        {SIPKB_KB_NO, "hung up|any", "s bye dialog", "m bye"},
        {SIPKB_KB_UNKNOWN, "hung up|any", "s bye dialog", "m bye"},
    };
    const sipkb_response_entry *e = sipkb_kb_response(kb, 200, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        situation.outside_dialog = cases[i].outside;
        char *causes = joined(sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation));
        g_assert_cmpstr(causes, ==, cases[i].causes);
        g_free(causes);
        g_assert_cmpstr(sipkb_kb_entry_text(e, SIPKB_KB_SUMMARY, &situation), ==, cases[i].summary);
        g_assert_cmpstr(sipkb_kb_entry_text(e, SIPKB_KB_MEANING, &situation), ==, cases[i].meaning);
    }
    sipkb_kb_free(kb);

    /* The shipped 200: a BYE, re-INVITE or INFO outside any dialog ended or changed no call. */
    kb = load_shipped_kb();
    e = sipkb_kb_response(kb, 200, NULL);
    static const char *const outside_methods[] = {"BYE", "INVITE", "INFO"};
    for (gsize i = 0; i < G_N_ELEMENTS(outside_methods); i++) {
        situation = (sipkb_kb_situation){.method = outside_methods[i],
                                         .offer = sipkb_kb_offer_assumed(outside_methods[i], FALSE),
                                         .credentials = SIPKB_KB_NO,
                                         .in_dialog = SIPKB_KB_YES,
                                         .outside_dialog = SIPKB_KB_YES};
        g_test_message("200 to %s outside any dialog", outside_methods[i]);
        const char *meaning = sipkb_kb_entry_text(e, SIPKB_KB_MEANING, &situation);
        g_assert_nonnull(strstr(meaning, "dialog that never existed"));
        g_assert_null(strstr(meaning, "has ended"));
        GPtrArray *causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
        g_assert_false(lines_contain(causes, "hung up"));
        g_assert_false(lines_contain(causes, "ended the call"));
        g_assert_false(lines_contain(causes, "was already up"));
        g_assert_true(lines_contain(causes, "section 12.2.2"));
        g_ptr_array_unref(causes);
        GPtrArray *advice = sipkb_kb_entry_lines(e, SIPKB_KB_ADVICE, &situation);
        g_assert_false(lines_contain(advice, "Nothing to fix"));
        g_assert_false(lines_contain(advice, "If media goes on"));
        g_assert_true(lines_contain(advice, "instead of a 481"));
        g_ptr_array_unref(advice);
        /* In a dialog the capture saw set up: the call ended. */
        situation.outside_dialog = SIPKB_KB_NO;
        causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
        g_assert_false(lines_contain(causes, "section 12.2.2"));
        g_ptr_array_unref(causes);
    }
    situation.method = "BYE";
    g_assert_nonnull(strstr(sipkb_kb_entry_text(e, SIPKB_KB_MEANING, &situation), "has ended"));
    GPtrArray *causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
    g_assert_true(lines_contain(causes, "hung up"));
    g_ptr_array_unref(causes);
    /* A 200 to an INVITE the capture lacks: nothing shows a failed INVITE, so neither the
     * outside-dialog cause nor its advice (a 200 whose INVITE came before the capture). */
    situation = (sipkb_kb_situation){.method = "INVITE", .offer = TRUE};
    causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
    g_assert_false(lines_contain(causes, "section 12.2.2"));
    g_assert_true(lines_contain(causes, "answered"));
    g_ptr_array_unref(causes);
    GPtrArray *advice = sipkb_kb_entry_lines(e, SIPKB_KB_ADVICE, &situation);
    g_assert_false(lines_contain(advice, "instead of a 481"));
    g_ptr_array_unref(advice);
    sipkb_kb_free(kb);
}

/* A response whose reason phrase or Warning says a DNS lookup failed (RFC 3263): dns-failure /
 * !dns-failure each way, and unknown is no verdict; the shipped 480 then drops the callee-side
 * causes and advice (registration, DND, no answer), since the next hop was never reached. */
static void
test_dns_failure_condition(void)
{
    static const char text[] =
        PLAIN_KB_HEADER "[response 480]\nreason=Temporarily Unavailable\nsummary=s\nmeaning=m\n"
                        "cause.1=offline\ncause.1.for=!dns-failure\n"
                        "cause.2=no next hop\ncause.2.for=dns-failure\n"
                        "cause.3=any\nadvice.1=a\nreference=RFC 1\n";
    sipkb_kb *kb = sipkb_kb_new();
    add_layer_ok(kb, SIPKB_LAYER_GENERIC, text, "dns.kb");
    static const struct {
        sipkb_kb_fact dns_failure;
        const char *causes;
    } cases[] = {
        {SIPKB_KB_YES, "no next hop|any"},
        {SIPKB_KB_NO, "offline|any"},
        {SIPKB_KB_UNKNOWN, "offline|any"},
    };
    const sipkb_response_entry *e = sipkb_kb_response(kb, 480, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        sipkb_kb_situation situation = {.method = "INVITE", .dns_failure = cases[i].dns_failure};
        char *causes = joined(sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation));
        g_assert_cmpstr(causes, ==, cases[i].causes);
        g_free(causes);
    }
    sipkb_kb_free(kb);

    kb = load_shipped_kb();
    e = sipkb_kb_response(kb, 480, NULL);
    sipkb_kb_situation situation = {.method = "INVITE",
                                    .offer = TRUE,
                                    .credentials = SIPKB_KB_YES,
                                    .in_dialog = SIPKB_KB_NO,
                                    .dns_failure = SIPKB_KB_YES};
    GPtrArray *causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
    g_assert_false(lines_contain(causes, "registration expired"));
    g_assert_false(lines_contain(causes, "Do Not Disturb"));
    g_assert_false(lines_contain(causes, "No answer and no forwarding"));
    g_assert_true(lines_contain(causes, "catch-all"));
    g_ptr_array_unref(causes);
    GPtrArray *advice = sipkb_kb_entry_lines(e, SIPKB_KB_ADVICE, &situation);
    g_assert_false(lines_contain(advice, "callee's registration"));
    g_assert_false(lines_contain(advice, "DND"));
    g_assert_true(lines_contain(advice, "DNS records"));
    g_ptr_array_unref(advice);
    /* Words that say nothing of DNS: the callee-side causes, and no DNS advice. */
    situation.dns_failure = SIPKB_KB_NO;
    causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
    g_assert_true(lines_contain(causes, "registration expired"));
    g_ptr_array_unref(causes);
    advice = sipkb_kb_entry_lines(e, SIPKB_KB_ADVICE, &situation);
    g_assert_false(lines_contain(advice, "DNS records"));
    g_ptr_array_unref(advice);
    sipkb_kb_free(kb);
}

/* A layer's causes replace the lower layer's with their conditions; its meaning replaces the
 * lower layer's method meanings; a method meaning alone replaces only that one. */
static void
test_conditions_layered(void)
{
    sipkb_kb *kb = load_conditions_kb();
    static const char profile[] =
        "[sipkb]\nformat=1\nkb_version=p\n"
        "[response 488]\ncause.1=profile cause\ncause.2=profile register\n"
        "cause.2.for=REGISTER\nsummary.NOTIFY=profile notify\n"
        "[class 4xx]\nmeaning=profile 4xx\n";
    add_layer_ok(kb, SIPKB_LAYER_PROVIDER, profile, "profile.kb");
    const sipkb_response_entry *e = sipkb_kb_response(kb, 488, NULL);
    assert_lines(e, SIPKB_KB_CAUSES, "INVITE", TRUE, "profile cause");
    assert_lines(e, SIPKB_KB_CAUSES, "REGISTER", TRUE, "profile cause|profile register");
    g_assert_cmpint(e->causes_layer, ==, SIPKB_LAYER_PROVIDER);
    assert_lines(e, SIPKB_KB_ADVICE, "MESSAGE", FALSE, "a|b for message");
    g_assert_cmpstr(text_of(e, SIPKB_KB_SUMMARY, "NOTIFY", FALSE), ==, "profile notify");
    g_assert_cmpstr(text_of(e, SIPKB_KB_SUMMARY, "MESSAGE", FALSE), ==, "Message refused");
    g_assert_cmpstr(text_of(e, SIPKB_KB_MEANING, "OPTIONS", FALSE), ==, "m plain");
    /* The profile's own 4xx meaning wins for REGISTER too. */
    const sipkb_response_entry *cls = sipkb_kb_class(kb, 499);
    g_assert_cmpstr(text_of(cls, SIPKB_KB_MEANING, "REGISTER", TRUE), ==, "profile 4xx");
    /* A team file replacing the causes without conditions applies them to every method. */
    static const char team[] = "[sipkb]\nformat=1\nkb_version=u\n"
                               "[response 488]\ncause.1=team cause\n";
    add_layer_ok(kb, SIPKB_LAYER_USER, team, "team.kb");
    assert_lines(sipkb_kb_response(kb, 488, NULL), SIPKB_KB_CAUSES, "REGISTER", FALSE,
                 "team cause");
    /* Clearing the layers brings the generic conditions back. */
    sipkb_kb_clear_layer(kb, SIPKB_LAYER_USER);
    sipkb_kb_clear_layer(kb, SIPKB_LAYER_PROVIDER);
    assert_lines(sipkb_kb_response(kb, 488, NULL), SIPKB_KB_CAUSES, "REGISTER", FALSE,
                 "all|no offer");
    g_assert_cmpstr(text_of(sipkb_kb_class(kb, 499), SIPKB_KB_MEANING, "REGISTER", TRUE), ==,
                    "m 4xx register");
    sipkb_kb_free(kb);
}

/* Placeholders and domains of a provider profile. */
static void
test_profile_note_and_domains(void)
{
    sipkb_kb *kb = load_conditions_kb();
    static const char profile[] =
        "[sipkb]\nformat=1\nkb_version=p\ndomains=sip.example.net, *.example.org,192.0.2.1\n"
        "[response 488]\nprovider_note=Plain note.\n"
        "provider_note.callerid=From {callerid.from_user} is not {callerid.auth_user}.\n";
    add_layer_ok(kb, SIPKB_LAYER_PROVIDER, profile, "profile.kb");
    const char *const *domains = sipkb_kb_domains(kb, SIPKB_LAYER_PROVIDER);
    g_assert_nonnull(domains);
    g_assert_cmpstr(domains[0], ==, "sip.example.net");
    g_assert_cmpstr(domains[1], ==, "*.example.org");
    g_assert_cmpstr(domains[2], ==, "192.0.2.1");
    g_assert_null(domains[3]);
    const sipkb_response_entry *e = sipkb_kb_response(kb, 488, NULL);
    g_assert_cmpstr(sipkb_kb_entry_note(e, "100", "101"), ==,
                    "From {callerid.from_user} is not {callerid.auth_user}.");
    g_assert_cmpstr(sipkb_kb_entry_note(e, "100", "100"), ==, "Plain note.");
    /* Same number written differently: the server still sees a mismatch. */
    g_assert_cmpstr(sipkb_kb_entry_note(e, "+61383940220", "0383940220"), ==,
                    "From {callerid.from_user} is not {callerid.auth_user}.");
    g_assert_null(sipkb_kb_entry_note(sipkb_kb_response(kb, 403, NULL), "1", "2"));

    /* The note applies to traffic with one of the domains: a host or realm equal to one
     * (without case), or under a "*." pattern's domain, not the pattern's domain itself. */
    static const struct {
        const char *names[3];
        gboolean applies;
    } cases[] = {
        {{"sip.example.net", NULL}, TRUE},
        {{"SIP.Example.NET", NULL}, TRUE},
        {{"pbx.local", "192.0.2.1"}, TRUE},
        {{"a.b.example.org", NULL}, TRUE},
        {{"example.org", NULL}, FALSE},
        {{"xsip.example.net", NULL}, FALSE},
        {{"example.net", NULL}, FALSE},
        {{"192.0.2.10", NULL}, FALSE},
        {{NULL}, FALSE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%s", cases[i].names[0] ? cases[i].names[0] : "(no names)");
        sipkb_kb_situation situation = {.method = "INVITE", .offer = TRUE, .names = cases[i].names};
        g_assert_cmpint(sipkb_kb_entry_note_applies(e, &situation), ==, cases[i].applies);
    }
    sipkb_kb_situation nameless = {.method = "INVITE", .offer = TRUE};
    g_assert_false(sipkb_kb_entry_note_applies(e, &nameless));
    g_assert_false(sipkb_kb_entry_note_applies(sipkb_kb_response(kb, 403, NULL), &nameless));
    sipkb_kb_free(kb);

    /* A profile without domains: its notes apply to every response. */
    kb = load_shipped_kb();
    g_assert_null(sipkb_kb_domains(kb, SIPKB_LAYER_PROVIDER));
    const sipkb_response_entry *forbidden = sipkb_kb_response(kb, 403, NULL);
    g_assert_null(forbidden->provider_note_domains);
    g_assert_true(sipkb_kb_entry_note_applies(forbidden, &nameless));
    sipkb_kb_free(kb);
}

static gboolean
note_applies(const sipkb_kb *kb, guint code, const char *method, sipkb_kb_fact credentials,
             sipkb_kb_fact in_dialog)
{
    sipkb_kb_situation situation = {.method = method,
                                    .offer = sipkb_kb_offer_assumed(method, FALSE),
                                    .credentials = credentials,
                                    .in_dialog = in_dialog};
    return sipkb_kb_entry_note_applies(sipkb_kb_response(kb, code, NULL), &situation);
}

/* provider_note.for: a note only where it is right, read like cause.N.for. */
static void
test_note_conditions(void)
{
    sipkb_kb *kb = load_conditions_kb();
    static const char profile[] =
        "[sipkb]\nformat=1\nkb_version=p\n"
        "[response 403]\nprovider_note=Password.\nprovider_note.for=credentials\n"
        "provider_note.callerid=From {callerid.from_user}.\n"
        "[response 488]\nprovider_note=Calls only.\nprovider_note.for=INVITE,!in-dialog\n";
    add_layer_ok(kb, SIPKB_LAYER_PROVIDER, profile, "profile.kb");
    g_assert_true(note_applies(kb, 403, "INVITE", SIPKB_KB_YES, SIPKB_KB_NO));
    g_assert_false(note_applies(kb, 403, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO));
    g_assert_true(note_applies(kb, 403, "INVITE", SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN));
    g_assert_true(note_applies(kb, 488, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO));
    g_assert_false(note_applies(kb, 488, "INVITE", SIPKB_KB_NO, SIPKB_KB_YES));
    g_assert_false(note_applies(kb, 488, "REGISTER", SIPKB_KB_NO, SIPKB_KB_NO));
    g_assert_true(note_applies(kb, 488, NULL, SIPKB_KB_NO, SIPKB_KB_NO));
    /* The Caller-ID variant keeps working under the note's condition. */
    g_assert_cmpstr(sipkb_kb_entry_note(sipkb_kb_response(kb, 403, NULL), "1", "2"), ==,
                    "From {callerid.from_user}.");
    /* A team file's note without a condition replaces the note and its condition. */
    static const char team[] = "[sipkb]\nformat=1\nkb_version=u\n"
                               "[response 403]\nprovider_note=Team.\n";
    add_layer_ok(kb, SIPKB_LAYER_USER, team, "team.kb");
    g_assert_true(note_applies(kb, 403, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO));
    sipkb_kb_free(kb);

    /* The shipped SIPcity notes: no wrong password without credentials (RFC 3261 section
     * 21.4.4), no "normal first step" for a re-challenge, no hung-up caller or unrated call
     * for a re-INVITE. */
    kb = load_shipped_kb();
    static const struct {
        guint code;
        const char *method;
        sipkb_kb_fact credentials, in_dialog;
        gboolean applies;
    } cases[] = {
        {403, "REGISTER", SIPKB_KB_YES, SIPKB_KB_NO, TRUE},
        {403, "INVITE", SIPKB_KB_YES, SIPKB_KB_YES, TRUE},
        {403, "REGISTER", SIPKB_KB_NO, SIPKB_KB_NO, FALSE},
        {403, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO, FALSE},
        {403, "INVITE", SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN, TRUE},
        {401, "REGISTER", SIPKB_KB_NO, SIPKB_KB_NO, TRUE},
        {401, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO, TRUE},
        {401, "REGISTER", SIPKB_KB_YES, SIPKB_KB_NO, FALSE},
        {401, "INVITE", SIPKB_KB_NO, SIPKB_KB_YES, FALSE},
        {401, "OPTIONS", SIPKB_KB_NO, SIPKB_KB_NO, FALSE},
        {487, "INVITE", SIPKB_KB_NO, SIPKB_KB_NO, TRUE},
        {487, "INVITE", SIPKB_KB_YES, SIPKB_KB_YES, FALSE},
        {487, "SUBSCRIBE", SIPKB_KB_NO, SIPKB_KB_NO, FALSE},
        {603, "INVITE", SIPKB_KB_YES, SIPKB_KB_NO, TRUE},
        {603, "INVITE", SIPKB_KB_YES, SIPKB_KB_YES, FALSE},
        {603, "REGISTER", SIPKB_KB_YES, SIPKB_KB_NO, FALSE},
        {503, "REGISTER", SIPKB_KB_NO, SIPKB_KB_NO, TRUE},
        {503, "INVITE", SIPKB_KB_YES, SIPKB_KB_YES, TRUE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%u to %s, credentials %d, in dialog %d", cases[i].code, cases[i].method,
                       cases[i].credentials, cases[i].in_dialog);
        g_assert_cmpint(note_applies(kb, cases[i].code, cases[i].method, cases[i].credentials,
                                     cases[i].in_dialog),
                        ==, cases[i].applies);
    }
    sipkb_kb_free(kb);
}

static void
test_unknown_codes_fall_back_to_class(void)
{
    sipkb_kb *kb = load_shipped_kb();
    static const guint unknown[] = {198, 299, 399, 499, 599, 699, 450};
    for (gsize i = 0; i < G_N_ELEMENTS(unknown); i++) {
        gboolean fallback = FALSE;
        const sipkb_response_entry *entry = sipkb_kb_response(kb, unknown[i], &fallback);
        g_assert_nonnull(entry);
        g_assert_true(fallback);
        g_assert_cmpuint(entry->code, ==, unknown[i] / 100);
        g_assert_true(entry == sipkb_kb_class(kb, unknown[i]));
    }
    static const guint invalid[] = {0, 99, 700, 999, 4294967295u};
    for (gsize i = 0; i < G_N_ELEMENTS(invalid); i++) {
        g_assert_null(sipkb_kb_response(kb, invalid[i], NULL));
        g_assert_null(sipkb_kb_class(kb, invalid[i]));
    }
    sipkb_kb_free(kb);
}

static void
test_severities(void)
{
    static const struct {
        guint code;
        sipkb_response_kind kind;
        sipkb_severity severity;
    } cases[] = {
        {100, SIPKB_RESPONSE_PROVISIONAL, SIPKB_SEVERITY_CHAT},
        {183, SIPKB_RESPONSE_PROVISIONAL, SIPKB_SEVERITY_CHAT},
        {200, SIPKB_RESPONSE_SUCCESS, SIPKB_SEVERITY_CHAT},
        {401, SIPKB_RESPONSE_CHALLENGE, SIPKB_SEVERITY_CHAT},
        {407, SIPKB_RESPONSE_CHALLENGE, SIPKB_SEVERITY_CHAT},
        {302, SIPKB_RESPONSE_REDIRECT, SIPKB_SEVERITY_NOTE},
        {400, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {403, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {487, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {503, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {603, SIPKB_RESPONSE_FAILURE, SIPKB_SEVERITY_WARN},
        {99, SIPKB_RESPONSE_INVALID, SIPKB_SEVERITY_WARN},
        {700, SIPKB_RESPONSE_INVALID, SIPKB_SEVERITY_WARN},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        sipkb_response_kind kind = sipkb_response_kind_of(cases[i].code);
        g_assert_cmpint(kind, ==, cases[i].kind);
        g_assert_cmpint(sipkb_response_severity(kind), ==, cases[i].severity);
    }
}

/* A broken KB is refused with a message naming the file, the entry and the problem, and
 * leaves the layer it would have replaced untouched. */
/* Expires: 0 (RFC 6665 section 4.1.2.3: an unsubscription, or a one-time fetch): the method's
 * expires_0 text comes before its in-dialog and plain ones, after the outside-dialog one, and
 * only for a request the capture shows with Expires: 0; expires-0 conditions like any fact. */
static void
test_expires_zero(void)
{
    static const char text[] =
        PLAIN_KB_HEADER "[response 202]\nreason=Accepted\nsummary=s\nsummary.SUBSCRIBE=s sub\n"
                        "summary.SUBSCRIBE.in_dialog=s refresh\nsummary.SUBSCRIBE.expires_0=s end\n"
                        "meaning=m\nmeaning.outside_dialog=m outside\n"
                        "cause.1=ended\ncause.1.for=SUBSCRIBE,expires-0\n"
                        "cause.2=refreshed\ncause.2.for=SUBSCRIBE,in-dialog,!expires-0\n"
                        "cause.3=any\nadvice.1=a\nreference=RFC 1\n";
    sipkb_kb *kb = sipkb_kb_new();
    add_layer_ok(kb, SIPKB_LAYER_GENERIC, text, "expires.kb");
    const sipkb_response_entry *e = sipkb_kb_response(kb, 202, NULL);
    static const struct {
        const char *method;
        sipkb_kb_fact in_dialog, outside, expires_zero;
        const char *summary, *meaning, *causes;
    } cases[] = {
        {"SUBSCRIBE", SIPKB_KB_YES, SIPKB_KB_NO, SIPKB_KB_YES, "s end", "m", "ended|any"},
        {"SUBSCRIBE", SIPKB_KB_NO, SIPKB_KB_NO, SIPKB_KB_YES, "s end", "m", "ended|any"},
        {"SUBSCRIBE", SIPKB_KB_YES, SIPKB_KB_NO, SIPKB_KB_NO, "s refresh", "m", "refreshed|any"},
        {"SUBSCRIBE", SIPKB_KB_NO, SIPKB_KB_NO, SIPKB_KB_NO, "s sub", "m", "any"},
        /* not in the capture: no text variant, every condition holds */
        {"SUBSCRIBE", SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN, "s sub", "m",
         "ended|refreshed|any"},
        {"SUBSCRIBE", SIPKB_KB_YES, SIPKB_KB_UNKNOWN, SIPKB_KB_UNKNOWN, "s refresh", "m",
         "ended|refreshed|any"},
        /* a dialog that never existed is told first */
        {"SUBSCRIBE", SIPKB_KB_YES, SIPKB_KB_YES, SIPKB_KB_YES, "s end", "m outside", "ended|any"},
        /* another method has no expires_0 text of its own */
        {"REGISTER", SIPKB_KB_NO, SIPKB_KB_NO, SIPKB_KB_YES, "s", "m", "any"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("case %" G_GSIZE_FORMAT, i);
        sipkb_kb_situation situation = {.method = cases[i].method,
                                        .in_dialog = cases[i].in_dialog,
                                        .outside_dialog = cases[i].outside,
                                        .expires_zero = cases[i].expires_zero};
        g_assert_cmpstr(sipkb_kb_entry_text(e, SIPKB_KB_SUMMARY, &situation), ==, cases[i].summary);
        g_assert_cmpstr(sipkb_kb_entry_text(e, SIPKB_KB_MEANING, &situation), ==, cases[i].meaning);
        char *causes = joined(sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation));
        g_assert_cmpstr(causes, ==, cases[i].causes);
        g_free(causes);
    }
    sipkb_kb_free(kb);
}

/* The shipped KB gives SUBSCRIBE, NOTIFY and REFER their own meanings of 200 and 202: a 202 to
 * SUBSCRIBE starts a subscription whose state comes in NOTIFY (RFC 6665 section 4.1.2.1; RFC
 * 3265 section 3.1.6.1 for 202), not a transfer; one to a SUBSCRIBE with Expires: 0 ends it
 * (RFC 6665 section 4.1.2.3); one to REFER accepts the transfer, whose progress NOTIFYs report
 * as message/sipfrag (RFC 3515 sections 2.4.2, 2.4.4, 2.4.5); a 200 to NOTIFY is the
 * subscriber's receipt of the state (RFC 6665 section 4.1.3). */
static void
test_event_method_texts(void)
{
    sipkb_kb *kb = load_shipped_kb();
    static const struct {
        guint code;
        const char *method, *event;
        sipkb_kb_fact in_dialog, expires_zero;
        const char *summary, *meaning; /* a part of each */
        const char *cause;             /* in the top cause */
        const char *absent;            /* in no summary, meaning or cause */
    } cases[] = {
        {202, "SUBSCRIBE", "presence", SIPKB_KB_NO, SIPKB_KB_NO,
         "Subscription accepted; NOTIFY requests with its state follow", "3.1.6.1",
         "answers 202 to every SUBSCRIBE", "ransfer"},
        {202, "SUBSCRIBE", "presence", SIPKB_KB_YES, SIPKB_KB_YES,
         "Subscription ended (Expires: 0)", "section 4.1.2.3", "ended its subscription",
         "awaits authorisation"},
        {202, "SUBSCRIBE", "presence", SIPKB_KB_NO, SIPKB_KB_YES, "Subscription ended",
         "one-time fetch", "fetched the state once", "ransfer"},
        {202, "SUBSCRIBE", "message-summary", SIPKB_KB_YES, SIPKB_KB_NO, "Subscription refreshed",
         "section 4.1.2.2", "refreshed its subscription", "ransfer"},
        {202, "REFER", "", SIPKB_KB_YES, SIPKB_KB_NO, "Transfer accepted (REFER)", "Refer-To",
         "transfer", "ubscription accepted"},
        {200, "SUBSCRIBE", "presence", SIPKB_KB_YES, SIPKB_KB_YES,
         "Subscription ended (Expires: 0)", "section 4.1.2.3", "accepted the request",
         "Call answered"},
        {200, "SUBSCRIBE", "presence", SIPKB_KB_NO, SIPKB_KB_NO, "Subscription accepted",
         "section 4.1.2.1", "accepted the request", "callee"},
        {200, "NOTIFY", "presence", SIPKB_KB_YES, SIPKB_KB_NO, "Notification received",
         "section 4.1.3", "received the notifier's state", "sipfrag body"},
        {200, "NOTIFY", "refer", SIPKB_KB_YES, SIPKB_KB_NO, "Notification received",
         "message/sipfrag", "message/sipfrag body is the referred call's status line",
         "notifier's state"},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("%u to %s, event %s, in dialog %d, Expires: 0 %d", cases[i].code,
                       cases[i].method, cases[i].event, cases[i].in_dialog, cases[i].expires_zero);
        const sipkb_kb_situation situation = {.method = cases[i].method,
                                              .credentials = SIPKB_KB_NO,
                                              .in_dialog = cases[i].in_dialog,
                                              .outside_dialog = SIPKB_KB_NO,
                                              .callerid_mismatch = SIPKB_KB_UNKNOWN,
                                              .expires_zero = cases[i].expires_zero,
                                              .event = cases[i].event};
        const sipkb_response_entry *e = sipkb_kb_response(kb, cases[i].code, NULL);
        const char *summary = sipkb_kb_entry_text(e, SIPKB_KB_SUMMARY, &situation);
        const char *meaning = sipkb_kb_entry_text(e, SIPKB_KB_MEANING, &situation);
        GPtrArray *causes = sipkb_kb_entry_lines(e, SIPKB_KB_CAUSES, &situation);
        g_assert_nonnull(strstr(summary, cases[i].summary));
        g_assert_nonnull(strstr(meaning, cases[i].meaning));
        g_assert_cmpuint(causes->len, >=, 1);
        g_assert_nonnull(strstr(g_ptr_array_index(causes, 0), cases[i].cause));
        g_assert_null(strstr(summary, cases[i].absent));
        g_assert_null(strstr(meaning, cases[i].absent));
        g_assert_false(lines_contain(causes, cases[i].absent));
        g_ptr_array_unref(causes);
    }
    sipkb_kb_free(kb);
}

static void
test_broken_kb_rejected(void)
{
    static const char header[] = "[sipkb]\nformat=1\nkb_version=t\n";
    static const struct {
        const char *body;
        const char *expected;
    } cases[] = {
        {"[response 403\n", "broken.kb: "},
        {"[response 403]\nreason=Forbidden\nsumary=x\n",
         "broken.kb: [response 403]: unknown key 'sumary'"},
        {"[response 403]\nprovider_note=\n", "broken.kb: [response 403]: 'provider_note' is empty"},
        {"[response 403]\ncause.1=a\ncause.3=c\n", "broken.kb: [response 403]: 'cause.3' follows"},
        {"[response 99]\nprovider_note=x\n", "broken.kb: [response 99]: unknown section"},
        {"[response 4033]\nprovider_note=x\n", "broken.kb: [response 4033]: unknown section"},
        {"[reply 403]\nprovider_note=x\n", "broken.kb: [reply 403]: unknown section"},
        {"[response 403]\n", "broken.kb: [response 403]: the section is empty"},
        {"[response 403]\ncause.17=x\n",
         "broken.kb: [response 403]: 'cause.17': items are numbered 1 to 16"},
        /* conditions */
        {"[response 403]\ncause.1=a\ncause.1.for=INVITE,,BYE\n",
         "broken.kb: [response 403]: 'cause.1.for' has an empty entry (a doubled, leading or "
         "trailing comma): '' in 'INVITE,,BYE'"},
        {"[response 403]\ncause.1=a\ncause.1.for=INVITE,\n",
         "broken.kb: [response 403]: 'cause.1.for' has an empty entry"},
        {"[response 403]\ncause.1=a\ncause.1.for=\n",
         "broken.kb: [response 403]: 'cause.1.for' is empty"},
        {"[response 403]\nadvice.1=a\nadvice.1.for=invite\n",
         "broken.kb: [response 403]: 'advice.1.for' has an entry that is not a method in "
         "capitals (INVITE), '!METHOD', one of 'offer', 'credentials', 'in-dialog', "
         "'outside-dialog', 'callerid-mismatch', 'expires-0', 'dns-failure' with or without "
         "'!', or 'event=PACKAGE' with or without '!': 'invite' in 'invite'"},
        {"[response 403]\ncause.1=a\ncause.1.for=expires-0,!expires-0\n",
         "broken.kb: [response 403]: 'cause.1.for' asks for a fact and its negation at once"},
        {"[response 403]\ncause.1=a\ncause.1.for=expires=0\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\ncause.1=a\ncause.1.for=dns-failure,!dns-failure\n",
         "broken.kb: [response 403]: 'cause.1.for' asks for a fact and its negation at once"},
        {"[response 403]\ncause.1=a\ncause.1.for=INVITE UPDATE\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\ncause.1=a\ncause.1.for=!\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\ncause.1=a\ncause.1.for=!!BYE\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\ncause.1=a\ncause.1.for=offer,!offer\n",
         "broken.kb: [response 403]: 'cause.1.for' asks for a fact and its negation at once: "
         "'!offer' in 'offer,!offer'"},
        {"[response 403]\ncause.1=a\ncause.1.for=!in-dialog,in-dialog\n",
         "broken.kb: [response 403]: 'cause.1.for' asks for a fact and its negation at once"},
        {"[response 403]\ncause.1=a\ncause.1.for=Credentials\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\ncause.1=a\ncause.1.for=BYE,!BYE\n",
         "broken.kb: [response 403]: 'cause.1.for' both names and excludes one method: '!BYE'"},
        /* event packages (RFC 6665 section 8.2.1) */
        {"[response 403]\ncause.1=a\ncause.1.for=SUBSCRIBE,event=\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not an "
         "event package (a token, with templates after dots, as in 'event=message-summary' or "
         "'event=presence.winfo'; RFC 6665 section 8.2.1): 'event=' in 'SUBSCRIBE,event='"},
        {"[response 403]\ncause.1=a\ncause.1.for=event=message summary\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not"},
        {"[response 403]\ncause.1=a\ncause.1.for=event=presence..winfo\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not"},
        {"[response 403]\ncause.1=a\ncause.1.for=!event=.winfo\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not"},
        {"[response 403]\ncause.1=a\ncause.1.for=event=presence.\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not"},
        {"[response 403]\ncause.1=a\ncause.1.for=event=dialog;sla\n",
         "broken.kb: [response 403]: 'cause.1.for' has an 'event=' entry whose value is not"},
        {"[response 403]\ncause.1=a\ncause.1.for=event=dialog,!event=Dialog\n",
         "broken.kb: [response 403]: 'cause.1.for' both names and excludes one event package: "
         "'!event=Dialog' in 'event=dialog,!event=Dialog'"},
        {"[response 403]\ncause.1=a\ncause.1.for=Event=dialog\n",
         "broken.kb: [response 403]: 'cause.1.for' has an entry that is not a method"},
        {"[response 403]\nprovider_note=x\nprovider_note.for=event=\n",
         "broken.kb: [response 403]: 'provider_note.for' has an 'event=' entry whose value"},
        {"[response 403]\ncause.1=a\ncause.2.for=BYE\n",
         "broken.kb: [response 403]: 'cause.2.for' without 'cause.2'"},
        {"[response 403]\nprovider_note=x\nadvice.1.for=BYE\n",
         "broken.kb: [response 403]: 'advice.1.for' without 'advice.1'"},
        {"[response 403]\ncause.1=a\ncause.1.fro=BYE\n",
         "broken.kb: [response 403]: unknown key 'cause.1.fro' (a numbered item takes only"},
        /* method texts and notes */
        {"[response 403]\nmeaning.register=x\n",
         "broken.kb: [response 403]: unknown key 'meaning.register' (after the dot: a method"},
        {"[response 403]\nsummary.=x\n", "broken.kb: [response 403]: unknown key 'summary.'"},
        {"[response 403]\nmeaning.CANCEL=\n",
         "broken.kb: [response 403]: 'meaning.CANCEL' is empty"},
        {"[response 403]\nprovider_note=x\nprovider_note.FOO=y\n",
         "broken.kb: [response 403]: unknown key 'provider_note.FOO' (the provider_note keys"},
        {"[response 403]\nprovider_note.for=credentials\n",
         "broken.kb: [response 403]: 'provider_note.for' without 'provider_note'"},
        {"[response 403]\nprovider_note=x\nprovider_note.for=credential\n",
         "broken.kb: [response 403]: 'provider_note.for' has an entry that is not a method"},
        {"[response 403]\nprovider_note=x\nprovider_note.for=credentials,!credentials\n",
         "broken.kb: [response 403]: 'provider_note.for' asks for a fact and its negation"},
        {"[response 403]\nmeaning.invite.in_dialog=x\n",
         "broken.kb: [response 403]: unknown key 'meaning.invite.in_dialog' (after the dot"},
        {"[response 403]\nmeaning.INVITE.in-dialog=x\n",
         "broken.kb: [response 403]: unknown key 'meaning.INVITE.in-dialog' (after the dot"},
        {"[response 403]\nmeaning.SUBSCRIBE.expires-0=x\n",
         "broken.kb: [response 403]: unknown key 'meaning.SUBSCRIBE.expires-0' (after the dot"},
        {"[response 403]\nmeaning.expires_0=x\n",
         "broken.kb: [response 403]: unknown key 'meaning.expires_0' (after the dot"},
        {"[response 403]\nsummary.subscribe.expires_0=x\n",
         "broken.kb: [response 403]: unknown key 'summary.subscribe.expires_0' (after the dot"},
        {"[response 403]\nprovider_note.callerid=y\n",
         "broken.kb: [response 403]: 'provider_note.callerid' without 'provider_note'"},
        {"[response 403]\nprovider_note=From {callerid.from_user}\n",
         "broken.kb: [response 403]: 'provider_note': '{callerid.from_user}' cannot be filled "
         "here"},
        {"[response 403]\nprovider_note=x\nprovider_note.callerid=From {callerid.from}\n",
         "broken.kb: [response 403]: 'provider_note.callerid': '{callerid.from}' cannot be "
         "filled"},
        {"[response 403]\nprovider_note=x\nprovider_note.callerid=From {callerid.from_user\n",
         "broken.kb: [response 403]: 'provider_note.callerid': '{' without '}'"},
        /* domains */
        {"[response 403]\nprovider_note=x\n[sipkb]\ndomains=a.example,,b.example\n",
         "broken.kb: [sipkb]: 'domains' entry '' is not a host name"},
        {"[response 403]\nprovider_note=x\n[sipkb]\ndomains=a example\n",
         "broken.kb: [sipkb]: 'domains' entry 'a example' is not a host name"},
    };
    sipkb_kb *kb = load_shipped_kb();
    const char *note_before = sipkb_kb_response(kb, 403, NULL)->provider_note;
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        char *text = g_strconcat(header, cases[i].body, NULL);
        GError *error = NULL;
        g_test_message("case %s", cases[i].body);
        g_assert_false(
            sipkb_kb_add_layer(kb, SIPKB_LAYER_PROVIDER, text, strlen(text), "broken.kb", &error));
        g_assert_nonnull(error);
        g_assert_true(g_str_has_prefix(error->message, cases[i].expected));
        g_error_free(error);
        g_free(text);
    }
    g_assert_true(sipkb_kb_response(kb, 403, NULL)->provider_note == note_before);

    /* The generic layer must be complete. */
    static const char incomplete[] =
        "[sipkb]\nformat=1\nkb_version=t\n[response 403]\nreason=Forbidden\nsummary=s\n";
    GError *error = NULL;
    sipkb_kb *empty = sipkb_kb_new();
    g_assert_false(sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, incomplete, strlen(incomplete),
                                      "generic.kb", &error));
    g_assert_cmpstr(error->message, ==,
                    "generic.kb: [response 403]: 'meaning' is missing (the generic KB needs it)");
    g_clear_error(&error);
    g_assert_false(
        sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, "[sipkb]\nformat=2\n", 17, "v2.kb", &error));
    g_assert_cmpstr(error->message, ==,
                    "v2.kb: [sipkb]: 'format' must be 1 (this sipkb reads format 1)");
    g_clear_error(&error);
    g_assert_false(sipkb_kb_add_layer(empty, SIPKB_LAYER_GENERIC, "", 0, "empty.kb", &error));
    g_assert_cmpstr(error->message, ==, "empty.kb: the [sipkb] section is missing");
    g_clear_error(&error);
    g_assert_null(sipkb_kb_response(empty, 403, NULL));
    sipkb_kb_free(empty);
    sipkb_kb_free(kb);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/kb/every-registry-code-complete", test_every_registry_code_complete);
    g_test_add_func("/kb/carrier-facts-kept", test_carrier_facts_kept);
    g_test_add_func("/kb/unknown-codes-fall-back-to-class", test_unknown_codes_fall_back_to_class);
    g_test_add_func("/kb/selection-per-method", test_selection_per_method);
    g_test_add_func("/kb/offer-assumed", test_offer_assumed);
    g_test_add_func("/kb/situation-conditions", test_situation_conditions);
    g_test_add_func("/kb/event-conditions", test_event_conditions);
    g_test_add_func("/kb/conditions", test_conditions);
    g_test_add_func("/kb/conditions-layered", test_conditions_layered);
    g_test_add_func("/kb/profile-note-and-domains", test_profile_note_and_domains);
    g_test_add_func("/kb/in-dialog-texts", test_in_dialog_texts);
    g_test_add_func("/kb/outside-dialog", test_outside_dialog);
    g_test_add_func("/kb/dns-failure-condition", test_dns_failure_condition);
    g_test_add_func("/kb/expires-zero", test_expires_zero);
    g_test_add_func("/kb/event-method-texts", test_event_method_texts);
    g_test_add_func("/kb/note-conditions", test_note_conditions);
    g_test_add_func("/kb/broken-kb-rejected", test_broken_kb_rejected);
    g_test_add_func("/response/severities", test_severities);
    return g_test_run();
}
