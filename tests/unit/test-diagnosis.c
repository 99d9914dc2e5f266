/* Unit tests of the cross-message decision rules (no Wireshark). */
#include "sipkb/diagnosis.h"

static void
test_callerid(void)
{
    static const struct {
        const char *from;
        const char *digest;
        sipkb_callerid_result expected;
    } cases[] = {
        /* the KB articles' example */
        {"2138394020", "2138394018", SIPKB_CALLERID_MISMATCH},
        {"61383940220", "61383940218", SIPKB_CALLERID_MISMATCH},
        {"2138394018", "2138394018", SIPKB_CALLERID_MATCH},
        /* RFC 3966 visual separators are ignored */
        {"213-839-4018", "2138394018", SIPKB_CALLERID_MATCH},
        {"(213).839.4018", "2138394018", SIPKB_CALLERID_MATCH},
        {"+1-213-839-4018", "+12138394018", SIPKB_CALLERID_MATCH},
        /* same number, other format: still flagged, as format-only */
        {"+12138394018", "2138394018", SIPKB_CALLERID_FORMAT_DIFFERS},
        {"2138394018", "+12138394018", SIPKB_CALLERID_FORMAT_DIFFERS},
        {"0012138394018", "2138394018", SIPKB_CALLERID_FORMAT_DIFFERS},
        {"+61383940218", "0383940218", SIPKB_CALLERID_FORMAT_DIFFERS},
        {"61383940218", "0383940218", SIPKB_CALLERID_FORMAT_DIFFERS},
        {"+2138394018", "2138394018", SIPKB_CALLERID_FORMAT_DIFFERS},
        /* a longer prefix than a country code is another number */
        {"99992138394018", "2138394018", SIPKB_CALLERID_MISMATCH},
        /* short numbers (extensions) need an exact match */
        {"+1201", "201", SIPKB_CALLERID_MISMATCH},
        /* names compare exactly, case included */
        {"alice", "alice", SIPKB_CALLERID_MATCH},
        {"alice", "Alice", SIPKB_CALLERID_MISMATCH},
        {"alice", "2138394018", SIPKB_CALLERID_MISMATCH},
        {"21383-", "21383", SIPKB_CALLERID_MATCH},
        /* a digest username in user@domain form: its user part is compared */
        {"1001", "1001@pbx.example.com", SIPKB_CALLERID_USERNAME_FORM},
        {"alice", "alice@example.com", SIPKB_CALLERID_USERNAME_FORM},
        {"1002", "1001@pbx.example.com", SIPKB_CALLERID_MISMATCH},
        {"1001", "@pbx.example.com", SIPKB_CALLERID_MISMATCH},
        /* nothing to compare */
        {NULL, "2138394018", SIPKB_CALLERID_NOT_APPLICABLE},
        {"2138394018", NULL, SIPKB_CALLERID_NOT_APPLICABLE},
        {"", "2138394018", SIPKB_CALLERID_NOT_APPLICABLE},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_test_message("From %s, digest %s", cases[i].from, cases[i].digest);
        g_assert_cmpint(sipkb_compare_callerid(cases[i].from, cases[i].digest), ==,
                        cases[i].expected);
    }
    g_assert_true(sipkb_callerid_is_mismatch(SIPKB_CALLERID_FORMAT_DIFFERS));
    g_assert_true(sipkb_callerid_is_mismatch(SIPKB_CALLERID_MISMATCH));
    g_assert_false(sipkb_callerid_is_mismatch(SIPKB_CALLERID_MATCH));
    g_assert_false(sipkb_callerid_is_mismatch(SIPKB_CALLERID_NOT_APPLICABLE));
}

static sipkb_rechallenge
rechallenge_after(gboolean had_credentials, const char *stale, const char *reason,
                  const char *used, const char *latest, double seconds, gboolean accepted_before)
{
    sipkb_rechallenge_evidence e = {had_credentials,
                                    stale,
                                    reason,
                                    used,
                                    latest,
                                    seconds < 0 ? -1 : (gint64)(seconds * 1e9),
                                    accepted_before};
    return sipkb_classify_rechallenge(&e);
}

static sipkb_rechallenge
rechallenge(gboolean had_credentials, const char *stale, const char *reason, const char *used,
            const char *latest, double seconds)
{
    return rechallenge_after(had_credentials, stale, reason, used, latest, seconds, FALSE);
}

/* RFC 3261 section 22 with RFC 2617 section 3.2.1. */
static void
test_rechallenge(void)
{
    /* a first challenge */
    g_assert_cmpint(rechallenge(FALSE, NULL, NULL, NULL, NULL, -1), ==, SIPKB_RECHALLENGE_NONE);
    g_assert_cmpint(rechallenge(FALSE, "true", NULL, NULL, "n1", 1), ==, SIPKB_RECHALLENGE_NONE);
    /* stale=true, in any case, or a reason phrase that speaks of the nonce */
    g_assert_cmpint(rechallenge(TRUE, "true", NULL, "n1", "n1", 1), ==, SIPKB_RECHALLENGE_STALE);
    g_assert_cmpint(rechallenge(TRUE, "TRUE", NULL, "n1", NULL, -1), ==, SIPKB_RECHALLENGE_STALE);
    g_assert_cmpint(rechallenge(TRUE, NULL, "Nonce has changed", "n1", "n1", 1), ==,
                    SIPKB_RECHALLENGE_STALE);
    g_assert_cmpint(rechallenge(TRUE, NULL, "Stale nonce", "n1", "n1", 1), ==,
                    SIPKB_RECHALLENGE_STALE);
    /* the current nonce, challenged again soon after the challenge: rejected */
    g_assert_cmpint(rechallenge(TRUE, NULL, "Unauthorized", "n1", "n1", 0.2), ==,
                    SIPKB_RECHALLENGE_REJECTED);
    g_assert_cmpint(rechallenge(TRUE, "false", NULL, "n1", "n1", 29), ==,
                    SIPKB_RECHALLENGE_REJECTED);
    /* ... long after it: the nonce may have expired */
    g_assert_cmpint(rechallenge(TRUE, NULL, "Unauthorized", "n1", "n1", 95), ==,
                    SIPKB_RECHALLENGE_UNSURE);
    /* the client answered an older nonce, or one from before the capture */
    g_assert_cmpint(rechallenge(TRUE, NULL, NULL, "n0", "n1", 1), ==, SIPKB_RECHALLENGE_STALE);
    g_assert_cmpint(rechallenge(TRUE, NULL, NULL, "n0", NULL, -1), ==, SIPKB_RECHALLENGE_STALE);
    /* the latest nonce, on which a 2xx accepted these credentials before (a server with
     * one-time nonces, RFC 2617 section 3.2.3): the nonce, not the password, soon or late */
    g_assert_cmpint(rechallenge_after(TRUE, NULL, "Unauthorized", "n1", "n1", 1.0, TRUE), ==,
                    SIPKB_RECHALLENGE_STALE);
    g_assert_cmpint(rechallenge_after(TRUE, NULL, NULL, "n1", "n1", 95, TRUE), ==,
                    SIPKB_RECHALLENGE_STALE);
    /* a first challenge stays one */
    g_assert_cmpint(rechallenge_after(FALSE, NULL, NULL, NULL, "n1", 1, TRUE), ==,
                    SIPKB_RECHALLENGE_NONE);
}

static void
assert_ranking(const sipkb_forbidden_ranking *ranking, guint count, const int *expected)
{
    g_assert_cmpuint(ranking->count, ==, count);
    for (guint i = 0; i < count; i++)
        g_assert_cmpint(ranking->items[i], ==, expected[i]);
}

static void
test_forbidden_ranking(void)
{
    sipkb_forbidden_ranking r;

    /* Kamailio's reason for a From/digest mismatch, with the mismatch seen: one finding */
    sipkb_rank_forbidden("Forbidden - Authentication ID does not match", TRUE, TRUE,
                         SIPKB_CALLERID_MISMATCH, FALSE, &r);
    assert_ranking(&r, 1, (int[]){SIPKB_FORBIDDEN_CALLERID_MISMATCH});

    /* plain "Forbidden" after a matching authenticated request */
    sipkb_rank_forbidden("Forbidden", TRUE, TRUE, SIPKB_CALLERID_MATCH, FALSE, &r);
    assert_ranking(&r, 1, (int[]){SIPKB_FORBIDDEN_CREDENTIALS_MATCH});

    /* the server's words come first */
    sipkb_rank_forbidden("Insufficient Funds", TRUE, TRUE, SIPKB_CALLERID_FORMAT_DIFFERS, FALSE,
                         &r);
    assert_ranking(&r, 2,
                   (int[]){SIPKB_FORBIDDEN_REASON_CREDIT, SIPKB_FORBIDDEN_CALLERID_MISMATCH});
    sipkb_rank_forbidden("Wrong password", TRUE, TRUE, SIPKB_CALLERID_MATCH, FALSE, &r);
    assert_ranking(&r, 2,
                   (int[]){SIPKB_FORBIDDEN_REASON_CREDENTIALS, SIPKB_FORBIDDEN_CREDENTIALS_MATCH});
    sipkb_rank_forbidden("No credit / low BALANCE", FALSE, FALSE, SIPKB_CALLERID_NOT_APPLICABLE,
                         FALSE, &r);
    assert_ranking(&r, 1, (int[]){SIPKB_FORBIDDEN_REASON_CREDIT});
    sipkb_rank_forbidden("Caller ID not allowed", TRUE, FALSE, SIPKB_CALLERID_NOT_APPLICABLE, FALSE,
                         &r);
    assert_ranking(&r, 2, (int[]){SIPKB_FORBIDDEN_REASON_CALLERID, SIPKB_FORBIDDEN_NO_CREDENTIALS});

    /* "Authentication Failed" speaks of credentials */
    sipkb_rank_forbidden("Authentication Failed", TRUE, TRUE, SIPKB_CALLERID_MATCH, FALSE, &r);
    assert_ranking(&r, 2,
                   (int[]){SIPKB_FORBIDDEN_REASON_CREDENTIALS, SIPKB_FORBIDDEN_CREDENTIALS_MATCH});

    /* a mismatch the server accepted earlier in the capture ranks last, as such */
    sipkb_rank_forbidden("Forbidden", TRUE, TRUE, SIPKB_CALLERID_MISMATCH, TRUE, &r);
    assert_ranking(&r, 1, (int[]){SIPKB_FORBIDDEN_CALLERID_ACCEPTED_BEFORE});
    sipkb_rank_forbidden("Wrong password", TRUE, TRUE, SIPKB_CALLERID_MISMATCH, TRUE, &r);
    assert_ranking(
        &r, 2,
        (int[]){SIPKB_FORBIDDEN_REASON_CREDENTIALS, SIPKB_FORBIDDEN_CALLERID_ACCEPTED_BEFORE});

    /* no request in the capture, no telling phrase: only the KB's list remains */
    sipkb_rank_forbidden("Forbidden", FALSE, FALSE, SIPKB_CALLERID_NOT_APPLICABLE, FALSE, &r);
    assert_ranking(&r, 0, NULL);
    sipkb_rank_forbidden(NULL, FALSE, FALSE, SIPKB_CALLERID_NOT_APPLICABLE, FALSE, &r);
    assert_ranking(&r, 0, NULL);
}

static void
test_call_outcome(void)
{
    g_assert_cmpint(sipkb_call_outcome_of(200, FALSE), ==, SIPKB_CALL_ANSWERED);
    g_assert_cmpint(sipkb_call_outcome_of(202, FALSE), ==, SIPKB_CALL_ANSWERED);
    g_assert_cmpint(sipkb_call_outcome_of(302, FALSE), ==, SIPKB_CALL_REDIRECTED);
    g_assert_cmpint(sipkb_call_outcome_of(487, TRUE), ==, SIPKB_CALL_CANCELLED);
    g_assert_cmpint(sipkb_call_outcome_of(487, FALSE), ==, SIPKB_CALL_REJECTED);
    g_assert_cmpint(sipkb_call_outcome_of(408, FALSE), ==, SIPKB_CALL_TIMED_OUT);
    g_assert_cmpint(sipkb_call_outcome_of(408, TRUE), ==, SIPKB_CALL_CANCELLED);
    g_assert_cmpint(sipkb_call_outcome_of(486, FALSE), ==, SIPKB_CALL_BUSY);
    g_assert_cmpint(sipkb_call_outcome_of(600, FALSE), ==, SIPKB_CALL_BUSY);
    g_assert_cmpint(sipkb_call_outcome_of(607, FALSE), ==, SIPKB_CALL_DECLINED);
    g_assert_cmpint(sipkb_call_outcome_of(608, FALSE), ==, SIPKB_CALL_REJECTED);
    g_assert_cmpint(sipkb_call_outcome_of(480, FALSE), ==, SIPKB_CALL_UNAVAILABLE);
    g_assert_cmpint(sipkb_call_outcome_of(404, FALSE), ==, SIPKB_CALL_UNAVAILABLE);
    g_assert_cmpint(sipkb_call_outcome_of(603, FALSE), ==, SIPKB_CALL_DECLINED);
    g_assert_cmpint(sipkb_call_outcome_of(403, FALSE), ==, SIPKB_CALL_REJECTED);
    g_assert_cmpint(sipkb_call_outcome_of(503, FALSE), ==, SIPKB_CALL_REJECTED);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/diagnosis/callerid", test_callerid);
    g_test_add_func("/diagnosis/rechallenge", test_rechallenge);
    g_test_add_func("/diagnosis/forbidden-ranking", test_forbidden_ranking);
    g_test_add_func("/diagnosis/call-outcome", test_call_outcome);
    return g_test_run();
}
