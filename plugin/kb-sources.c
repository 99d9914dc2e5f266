/* The KB's layers as the user chose them (glue): built-in files, provider profile preference,
 * a team KB file, and the "SIP KB overrides" UAT table (stored in the user's profile like every
 * UAT, settable with -o "uat:sipkb_overrides:..."). A broken file or row is refused with a
 * message naming it; the generic KB is never lost.
 */
#include <wireshark.h>

#include "kb-sources.h"

#include <wsutil/report_message.h>
#include <epan/uat.h>

#include "kb-data.h"
#include "ws-compat.h"

/* The provider profiles built into the plugin. A profile's notes are true on its provider's
 * network only, so none is on unless chosen. */
typedef enum { PROFILE_GENERIC, PROFILE_CARRIER } provider_profile;

static const enum_val_t profile_values[] = {
    {"generic", "Generic: RFC meanings only", PROFILE_GENERIC},
    {"carrier", "Generic plus the notes of the carrier SIPcity", PROFILE_CARRIER},
    {NULL, NULL, -1},
};

static gint pref_profile = PROFILE_GENERIC;
static const char *pref_team_file = "";
static char *loaded_team_file;

static sipkb_kb *knowledge_base;

/* ---- the overrides table ----------------------------------------------------------------- */

typedef struct {
    char *codes;
    char *reason;
    char *method;
    char *meaning;
    char *cause;
    char *advice;
} override_row;

static override_row *override_rows;
static guint n_override_rows;
static sipkb_override **compiled;
static guint n_compiled;

UAT_CSTRING_CB_DEF(override_rows, codes, override_row)
UAT_CSTRING_CB_DEF(override_rows, reason, override_row)
UAT_CSTRING_CB_DEF(override_rows, method, override_row)
UAT_CSTRING_CB_DEF(override_rows, meaning, override_row)
UAT_CSTRING_CB_DEF(override_rows, cause, override_row)
UAT_CSTRING_CB_DEF(override_rows, advice, override_row)

static sipkb_override *
compile_row(const override_row *row, GError **error)
{
    sipkb_override_text text = {row->codes,   row->reason, row->method,
                                row->meaning, row->cause,  row->advice};
    return sipkb_override_new(&text, error);
}

static void *
override_row_copy(void *dest, const void *source, size_t len _U_)
{
    override_row *d = dest;
    const override_row *s = source;
    d->codes = g_strdup(s->codes);
    d->reason = g_strdup(s->reason);
    d->method = g_strdup(s->method);
    d->meaning = g_strdup(s->meaning);
    d->cause = g_strdup(s->cause);
    d->advice = g_strdup(s->advice);
    return d;
}

static void
override_row_free(void *record)
{
    override_row *row = record;
    g_free(row->codes);
    g_free(row->reason);
    g_free(row->method);
    g_free(row->meaning);
    g_free(row->cause);
    g_free(row->advice);
}

/* Refuses an invalid row, naming it, in the GUI dialog and on tshark's stderr. */
static sipkb_ws_bool
override_row_update(void *record, char **error)
{
    GError *problem = NULL;
    sipkb_override *o = compile_row(record, &problem);
    if (!o) {
        *error =
            g_strdup_printf("SIP KB overrides: entry for '%s': %s",
                            ((override_row *)record)->codes ? ((override_row *)record)->codes : "",
                            problem->message);
        g_error_free(problem);
        return FALSE;
    }
    sipkb_override_free(o);
    return TRUE;
}

static void
overrides_compile(void)
{
    for (guint i = 0; i < n_compiled; i++)
        sipkb_override_free(compiled[i]);
    g_free(compiled);
    n_compiled = n_override_rows;
    compiled = g_new0(sipkb_override *, MAX(n_compiled, 1));
    for (guint i = 0; i < n_compiled; i++)
        compiled[i] = compile_row(&override_rows[i], NULL); /* validated on update */
}

const sipkb_override *
sipkb_kb_sources_override(guint code, const char *reason_phrase, const char *method, guint *row)
{
    gint found = sipkb_overrides_find(compiled, n_compiled, code, reason_phrase, method);
    if (found < 0)
        return NULL;
    *row = (guint)found + 1;
    return compiled[found];
}

/* ---- layers ------------------------------------------------------------------------------ */

static void
load_team_file(void)
{
    g_free(loaded_team_file);
    loaded_team_file = NULL;
    sipkb_kb_clear_layer(knowledge_base, SIPKB_LAYER_USER);
    if (!pref_team_file || !*pref_team_file)
        return;
    char *text = NULL;
    gsize length = 0;
    GError *error = NULL;
    if (!g_file_get_contents(pref_team_file, &text, &length, &error) ||
        !sipkb_kb_add_layer(knowledge_base, SIPKB_LAYER_USER, text, length, pref_team_file,
                            &error)) {
        report_failure("sipkb: the team KB file was not loaded: %s", error->message);
        g_error_free(error);
    } else {
        loaded_team_file = g_strdup(pref_team_file);
    }
    g_free(text);
}

void
sipkb_kb_sources_apply(void)
{
    GError *error = NULL;
    if (pref_profile == PROFILE_CARRIER) {
        if (!sipkb_kb_add_layer(knowledge_base, SIPKB_LAYER_PROVIDER, sipkb_kb_provider_text,
                                sipkb_kb_provider_length, "carrier-notes.kb (built in)", &error)) {
            report_failure("sipkb: %s", error->message);
            g_clear_error(&error);
        }
    } else {
        sipkb_kb_clear_layer(knowledge_base, SIPKB_LAYER_PROVIDER);
    }
    load_team_file();
}

const sipkb_kb *
sipkb_kb_sources_kb(void)
{
    return knowledge_base;
}

const char *
sipkb_kb_sources_layer_text(sipkb_layer layer)
{
    switch (layer) {
    case SIPKB_LAYER_GENERIC:
        return "generic KB (RFC meanings)";
    case SIPKB_LAYER_PROVIDER:
        return "provider profile (SIPcity notes)";
    case SIPKB_LAYER_USER:
        return loaded_team_file ? loaded_team_file : "team KB file";
    case SIPKB_LAYER_COUNT:
        break;
    }
    return "unknown";
}

void
sipkb_kb_sources_register(module_t *prefs)
{
    static uat_field_t fields[] = {
        UAT_FLD_CSTRING(override_rows, codes, "Code",
                        "Response code (403), class (4xx) or range (480-489)"),
        UAT_FLD_CSTRING(override_rows, reason, "Reason phrase",
                        "Optional regular expression on the reason phrase (any case)"),
        UAT_FLD_CSTRING(override_rows, method, "Method",
                        "Optional request method the response answers (INVITE, REGISTER, ...)"),
        UAT_FLD_CSTRING(override_rows, meaning, "Meaning",
                        "What the code means here: replaces the KB's explanation, and titles the "
                        "sipkb item and its Info column note"),
        UAT_FLD_CSTRING(override_rows, cause, "Cause",
                        "The most likely cause here: first among the likely causes (and in the "
                        "title and Info column when the row gives no meaning)"),
        UAT_FLD_CSTRING(override_rows, advice, "Advice",
                        "What to check first: first under What to check next"),
        UAT_END_FIELDS};

    GError *error = NULL;
    knowledge_base = sipkb_kb_new();
    if (!sipkb_kb_add_layer(knowledge_base, SIPKB_LAYER_GENERIC, sipkb_kb_generic_text,
                            sipkb_kb_generic_length, "sip-responses.kb (built in)", &error)) {
        /* The build validates this file: this means a damaged plugin binary. */
        report_failure("sipkb: %s", error->message);
        g_clear_error(&error);
    }

    prefs_register_enum_preference(prefs, "provider_profile", "Provider profile",
                                   "Which provider's notes join the generic RFC meanings: "
                                   "choose a provider only for captures of its network",
                                   &pref_profile, profile_values, FALSE);
    prefs_register_filename_preference(prefs, "team_kb_file", "Team KB file",
                                       "A KB file in sipkb's format (see README) whose texts "
                                       "take precedence over the provider profile",
                                       &pref_team_file, FALSE);
    /* The dialog's Help button is enabled by a help page and opens it in the User's Guide
     * (user_guide_url(): the local copy, else wireshark.org; the same in 4.0, 4.4 and 4.6), which
     * a plugin cannot add to: ChUserTable is its chapter on these tables. What sipkb's columns
     * mean is in their descriptions, shown as the columns' tooltips. */
    uat_t *overrides =
        uat_new("SIP KB overrides", sizeof(override_row), "sipkb_overrides", TRUE, &override_rows,
                &n_override_rows, UAT_AFFECTS_DISSECTION, "ChUserTable", override_row_copy,
                override_row_update, override_row_free, overrides_compile, NULL, fields);
    prefs_register_uat_preference(prefs, "overrides", "SIP KB overrides",
                                  "Your own meaning, cause and advice for response codes; "
                                  "they take precedence over every KB layer",
                                  overrides);
    sipkb_kb_sources_apply();
}
