/* User override rows: parsing, validation and matching (see include/sipkb/overrides.h). */
#include "sipkb/overrides.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TEXT_BYTES 220 /* as the KB: one line of the packet details */

struct sipkb_override {
    guint low;
    guint high;
    GRegex *reason;
    char *method;
    char *meaning;
    char *cause;
    char *advice;
};

G_DEFINE_QUARK(sipkb - override - error - quark, sipkb_override_error)

static gboolean
is_empty(const char *text)
{
    if (!text)
        return TRUE;
    while (g_ascii_isspace(*text))
        text++;
    return *text == '\0';
}

static gboolean
parse_code(const char *text, guint *code)
{
    if (strlen(text) != 3 || !g_ascii_isdigit(text[0]) || !g_ascii_isdigit(text[1]) ||
        !g_ascii_isdigit(text[2]))
        return FALSE;
    *code = (guint)strtoul(text, NULL, 10);
    return *code >= 100 && *code <= 699;
}

gboolean
sipkb_parse_code_range(const char *text, guint *low, guint *high, GError **error)
{
    char *trimmed = g_strstrip(g_strdup(text ? text : ""));
    gboolean ok = FALSE;
    const char *dash = strchr(trimmed, '-');
    if (strlen(trimmed) == 3 && trimmed[0] >= '1' && trimmed[0] <= '6' &&
        g_ascii_tolower(trimmed[1]) == 'x' && g_ascii_tolower(trimmed[2]) == 'x') {
        *low = (guint)(trimmed[0] - '0') * 100;
        *high = *low + 99;
        ok = TRUE;
    } else if (dash) {
        char *first = g_strstrip(g_strndup(trimmed, (gsize)(dash - trimmed)));
        char *second = g_strstrip(g_strdup(dash + 1));
        ok = parse_code(first, low) && parse_code(second, high) && *low <= *high;
        g_free(first);
        g_free(second);
    } else {
        ok = parse_code(trimmed, low);
        *high = *low;
    }
    if (!ok) {
        char *shown = g_utf8_make_valid(trimmed, -1);
        g_set_error(error, SIPKB_OVERRIDE_ERROR, 0,
                    "code '%s' is not a code (403), a class (4xx) or a range (480-489) "
                    "within 100..699",
                    shown);
        g_free(shown);
    }
    g_free(trimmed);
    return ok;
}

static char *
checked_text(const char *text, const char *what, GError **error)
{
    if (is_empty(text))
        return NULL;
    char *copy = g_strstrip(g_strdup(text));
    const char *problem = !g_utf8_validate(copy, -1, NULL) ? "is not valid UTF-8"
                          : strpbrk(copy, "\n\r\t")        ? "contains a line break or tab"
                          : strlen(copy) > MAX_TEXT_BYTES  ? "is longer than 220 bytes"
                                                           : NULL;
    if (problem) {
        g_set_error(error, SIPKB_OVERRIDE_ERROR, 0, "%s %s", what, problem);
        g_free(copy);
        return NULL;
    }
    return copy;
}

sipkb_override *
sipkb_override_new(const sipkb_override_text *text, GError **error)
{
    sipkb_override *o = g_new0(sipkb_override, 1);
    GError *local = NULL;
    if (!sipkb_parse_code_range(text->codes, &o->low, &o->high, error))
        goto fail;
    if (!is_empty(text->reason) && !g_utf8_validate(text->reason, -1, NULL)) {
        /* g_regex_new does not check its pattern (GLib with PCRE2 compiles it with
         * PCRE2_NO_UTF_CHECK) and would read past the end of a broken sequence. */
        g_set_error(error, SIPKB_OVERRIDE_ERROR, 0,
                    "reason pattern is not valid UTF-8 (save the file or type the text as UTF-8)");
        goto fail;
    }
    if (!is_empty(text->reason)) {
        o->reason = g_regex_new(text->reason, G_REGEX_CASELESS, 0, &local);
        if (!o->reason) {
            g_set_error(error, SIPKB_OVERRIDE_ERROR, 0,
                        "reason pattern '%s' is not a valid "
                        "regular expression: %s",
                        text->reason, local->message);
            g_error_free(local);
            goto fail;
        }
    }
    if (!is_empty(text->method)) {
        char *trimmed = g_strstrip(g_strdup(text->method));
        o->method = g_ascii_strup(trimmed, -1);
        g_free(trimmed);
        for (const char *c = o->method; *c; c++) {
            if (!g_ascii_isalpha(*c) && *c != '-') {
                char *shown = g_utf8_make_valid(text->method, -1);
                g_set_error(error, SIPKB_OVERRIDE_ERROR, 0, "method '%s' is not a SIP method name",
                            shown);
                g_free(shown);
                goto fail;
            }
        }
    }
    o->meaning = checked_text(text->meaning, "meaning", &local);
    if (!local)
        o->cause = checked_text(text->cause, "cause", &local);
    if (!local)
        o->advice = checked_text(text->advice, "advice", &local);
    if (local) {
        g_propagate_error(error, local);
        goto fail;
    }
    if (!o->meaning && !o->cause && !o->advice) {
        g_set_error(error, SIPKB_OVERRIDE_ERROR, 0,
                    "meaning, cause and advice are all empty: the row would change nothing");
        goto fail;
    }
    return o;
fail:
    sipkb_override_free(o);
    return NULL;
}

void
sipkb_override_free(sipkb_override *o)
{
    if (!o)
        return;
    if (o->reason)
        g_regex_unref(o->reason);
    g_free(o->method);
    g_free(o->meaning);
    g_free(o->cause);
    g_free(o->advice);
    g_free(o);
}

gboolean
sipkb_override_matches(const sipkb_override *o, guint code, const char *reason_phrase,
                       const char *method)
{
    if (code < o->low || code > o->high)
        return FALSE;
    if (o->method && (!method || g_ascii_strcasecmp(o->method, method) != 0))
        return FALSE;
    if (o->reason && (!reason_phrase || !g_regex_match(o->reason, reason_phrase, 0, NULL)))
        return FALSE;
    return TRUE;
}

const char *
sipkb_override_meaning(const sipkb_override *o)
{
    return o->meaning;
}

const char *
sipkb_override_cause(const sipkb_override *o)
{
    return o->cause;
}

const char *
sipkb_override_advice(const sipkb_override *o)
{
    return o->advice;
}

static guint
specificity(const sipkb_override *o)
{
    /* Narrower ranges first (600 codes at most), then conditions. */
    return (600 - (o->high - o->low)) * 4 + (o->reason ? 2 : 0) + (o->method ? 1 : 0);
}

gint
sipkb_overrides_find(sipkb_override *const *overrides, guint n_overrides, guint code,
                     const char *reason_phrase, const char *method)
{
    gint best = -1;
    for (guint i = 0; i < n_overrides; i++) {
        if (!overrides[i] || !sipkb_override_matches(overrides[i], code, reason_phrase, method))
            continue;
        if (best < 0 || specificity(overrides[i]) > specificity(overrides[best]))
            best = (gint)i;
    }
    return best;
}
