/* Unit tests of cutting and splitting texts for display (no Wireshark). */
#include "sipkb/text.h"

#include <string.h>

/* The lines of `text` split at `max_chars`, joined with '|'. */
static char *
split_joined(const char *text, gsize max_chars)
{
    GPtrArray *lines = sipkb_text_split(text, max_chars);
    g_ptr_array_add(lines, NULL);
    char *joined = g_strjoinv("|", (char **)lines->pdata);
    g_ptr_array_unref(lines);
    return joined;
}

static void
assert_split(const char *text, gsize max_chars, const char *expected)
{
    char *joined = split_joined(text, max_chars);
    g_assert_cmpstr(joined, ==, expected);
    g_free(joined);
}

static void
test_prefix(void)
{
    gboolean cut = FALSE;
    char *prefix = sipkb_text_prefix("Caller-ID", 6, &cut);
    g_assert_cmpstr(prefix, ==, "Caller");
    g_assert_true(cut);
    g_free(prefix);
    /* "≠" is three bytes, one character. */
    prefix = sipkb_text_prefix("a≠b", 2, &cut);
    g_assert_cmpstr(prefix, ==, "a≠");
    g_assert_true(cut);
    g_free(prefix);
    prefix = sipkb_text_prefix("a≠b", 3, &cut);
    g_assert_cmpstr(prefix, ==, "a≠b");
    g_assert_false(cut);
    g_free(prefix);
}

static void
test_split_short(void)
{
    assert_split("", 100, "");
    assert_split("Fits on one line.", 100, "Fits on one line.");
    assert_split("  leading spaces go", 100, "leading spaces go");
    /* Exactly the room of a line. */
    assert_split("abcde fghij", 11, "abcde fghij");
}

static void
test_split_sentences(void)
{
    /* The 403 explanation of the KB: broken between its sentences, then after a clause of the
     * second (103 characters). */
    assert_split("The server understood the request and refuses to carry it out. Authenticating "
                 "again will not help: the credentials, identity, account or destination is not "
                 "accepted.",
                 100,
                 "The server understood the request and refuses to carry it out.|Authenticating "
                 "again will not help: the credentials, identity,|account or destination is not "
                 "accepted.");
    /* A sentence end in the first third of the line is not taken: a clause later is. */
    assert_split("No. Then a long clause follows here, and then another one", 40,
                 "No. Then a long clause follows here,|and then another one");
}

static void
test_split_clauses_and_words(void)
{
    assert_split("alpha beta gamma; delta epsilon zeta eta theta", 30,
                 "alpha beta gamma;|delta epsilon zeta eta theta");
    /* Before an aside in parentheses. */
    assert_split("some words to fill (an aside that is long)", 25,
                 "some words to fill|(an aside that is long)");
    /* A short aside stays with the words before it; nothing inside parentheses is a clause,
     * and "e.g." ends no sentence. */
    assert_split("Verdict: 403 Forbidden: Caller-ID mismatch: the request (frame 3) has From user "
                 "2138394020 but digest username 2138394018",
                 100,
                 "Verdict: 403 Forbidden: Caller-ID mismatch:|the request (frame 3) has From user "
                 "2138394020 but digest username 2138394018");
    assert_split("For REGISTER: account disabled or blocked (e.g. after many failed attempts) or "
                 "the domain is not served.",
                 60,
                 "For REGISTER: account disabled or blocked|(e.g. after many failed attempts) or "
                 "the|domain is not served.");
    /* Lines of about even length: no last word alone on a line. */
    assert_split("Compare the m= lines and a=rtpmap entries of the offer with the codecs enabled "
                 "on the callee or trunk.",
                 100,
                 "Compare the m= lines and a=rtpmap entries of the offer with the codecs|enabled "
                 "on the callee or trunk.");
    /* Only words: the last space that fits. */
    assert_split("one two three four five six", 13, "one two three|four five six");
}

static void
test_split_never_in_a_word(void)
{
    /* A word longer than a line stays whole on a line of its own. */
    assert_split("z9hG4bK-register-callerid-mismatch-1-2 is the branch", 10,
                 "z9hG4bK-register-callerid-mismatch-1-2|is the|branch");
    assert_split("abcdefghijklmnop", 5, "abcdefghijklmnop");
}

static void
test_split_utf8(void)
{
    /* Counted in characters, not bytes: "≠" takes three bytes. */
    assert_split("From 2138394020 ≠ digest 2138394018", 17, "From 2138394020 ≠|digest 2138394018");
    /* An invalid byte counts as one character and is kept. */
    assert_split("ab\xff cd ef", 5, "ab\xff|cd ef");
    /* Every line is valid UTF-8 when the text is (the longest word has 13 characters). */
    const char *text = "Zählung über Grenzen: Ärger mit Übersetzungen und Größen, immer wieder";
    GPtrArray *lines = sipkb_text_split(text, 14);
    for (guint i = 0; i < lines->len; i++) {
        const char *line = g_ptr_array_index(lines, i);
        g_assert_true(g_utf8_validate(line, -1, NULL));
        g_assert_cmpuint(g_utf8_strlen(line, -1), <=, 14);
    }
    g_ptr_array_unref(lines);
}

/* Joining the lines with single spaces gives the text back. */
static void
test_split_loses_nothing(void)
{
    const char *text = "The request (frame 3) carried no credentials and was refused outright: "
                       "credentials would not help (RFC 3261 section 21.4.4); the server's "
                       "policy on the source, destination or account decides";
    for (gsize max = 1; max <= 200; max++) {
        GPtrArray *lines = sipkb_text_split(text, max);
        g_ptr_array_add(lines, NULL);
        char *joined = g_strjoinv(" ", (char **)lines->pdata);
        g_assert_cmpstr(joined, ==, text);
        g_free(joined);
        g_ptr_array_unref(lines);
    }
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/text/prefix", test_prefix);
    g_test_add_func("/text/split/short", test_split_short);
    g_test_add_func("/text/split/sentences", test_split_sentences);
    g_test_add_func("/text/split/clauses-and-words", test_split_clauses_and_words);
    g_test_add_func("/text/split/never-in-a-word", test_split_never_in_a_word);
    g_test_add_func("/text/split/utf8", test_split_utf8);
    g_test_add_func("/text/split/loses-nothing", test_split_loses_nothing);
    return g_test_run();
}
