/* Registrations: the bindings registrars accepted in this capture (RFC 3261 section 10.3), kept
 * per address-of-record, so that a 404 for a user registered a moment ago, or from the very
 * device registered for it, is read as a routing, dial-plan or device failure rather than a
 * missing user.
 */
#include "analyzer-internal.h"

#include <string.h>

/* One address-of-record's bindings as the latest 2xx to its REGISTER listed them. */
typedef struct {
    const char *aor;           /* "user@host", interned */
    guint32 accepted_in;       /* the 2xx */
    gint64 expires_at_ns;      /* its time plus the longest binding it granted */
    const char **contact_uris; /* the 2xx's Contact URIs, interned; NULL-terminated */
} registration;

static void
registration_free(gpointer data)
{
    registration *bound = data;
    g_free(bound->contact_uris);
    g_free(bound);
}

/* "user@host" with the host in lower case (RFC 3261 section 19.1.4: hosts compare without
 * case, users with). NULL without a user or a host. */
static char *
aor_key(const char *user, const char *host)
{
    if (!user || !*user || !host || !*host)
        return NULL;
    char *lower_host = g_ascii_strdown(host, -1);
    char *key = g_strconcat(user, "@", lower_host, NULL);
    g_free(lower_host);
    return key;
}

/* The longest lifetime the registrar granted, in seconds: every Contact of its 2xx carries an
 * expires parameter (section 10.3 step 8), else the Expires header applies (section 10.2.1.1).
 * -1 when the response names none. */
static gint64
granted_seconds(const sipkb_message *msg)
{
    gint64 longest = -1;
    for (const char *const *parameter = msg->contact_parameters; parameter && *parameter;
         parameter++) {
        guint64 seconds = 0;
        if (g_ascii_strncasecmp(*parameter, "expires=", 8) == 0 &&
            g_ascii_string_to_unsigned(*parameter + 8, 10, 0, G_MAXUINT32, &seconds, NULL))
            longest = MAX(longest, (gint64)seconds);
    }
    if (longest < 0 && msg->contact_uris && msg->contact_uris[0] && msg->has_expires)
        longest = msg->expires;
    return longest;
}

void
registrations_accepted(decision *d)
{
    const sipkb_message *msg = d->msg;
    char *key = aor_key(msg->to_user, msg->to_host);
    if (!key)
        return;
    sipkb_analyzer *analyzer = d->analyzer;
    if (!analyzer->registrations)
        analyzer->registrations =
            g_hash_table_new_full(g_str_hash, g_str_equal, g_free, registration_free);
    /* The 2xx lists every binding the AOR now has (section 10.3 step 8): none, or none with a
     * lifetime the capture shows, and nothing is known to be registered. */
    gint64 seconds = granted_seconds(msg);
    if (seconds <= 0) {
        g_hash_table_remove(analyzer->registrations, key);
        g_free(key);
        return;
    }
    registration *bound = g_new0(registration, 1);
    bound->aor = analyzer_keep(analyzer, key);
    bound->accepted_in = msg->frame;
    bound->expires_at_ns = msg->time_ns + seconds * G_GINT64_CONSTANT(1000000000);
    guint n = msg->contact_uris ? g_strv_length((char **)msg->contact_uris) : 0;
    bound->contact_uris = g_new0(const char *, n + 1);
    for (guint i = 0; i < n; i++)
        bound->contact_uris[i] = analyzer_keep(analyzer, msg->contact_uris[i]);
    g_hash_table_replace(analyzer->registrations, key, bound);
}

static gboolean
still_bound(const registration *bound, gint64 at_ns, registration_seen *seen)
{
    if (!bound || bound->expires_at_ns <= at_ns)
        return FALSE;
    seen->aor = bound->aor;
    seen->accepted_in = bound->accepted_in;
    seen->seconds_left = (guint32)((bound->expires_at_ns - at_ns) / G_GINT64_CONSTANT(1000000000));
    return TRUE;
}

gboolean
registrations_bound(const sipkb_analyzer *analyzer, const char *user, const char *host,
                    gint64 at_ns, registration_seen *seen)
{
    char *key = aor_key(user, host);
    const registration *bound =
        key && analyzer->registrations ? g_hash_table_lookup(analyzer->registrations, key) : NULL;
    g_free(key);
    return still_bound(bound, at_ns, seen);
}

gboolean
registrations_bound_contact(const sipkb_analyzer *analyzer, const char *uri, gint64 at_ns,
                            registration_seen *seen)
{
    if (!uri || !analyzer->registrations)
        return FALSE;
    GHashTableIter iter;
    gpointer value;
    g_hash_table_iter_init(&iter, analyzer->registrations);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        const registration *bound = value;
        for (const char **contact = bound->contact_uris; *contact; contact++) {
            if (strcmp(*contact, uri) == 0 && still_bound(bound, at_ns, seen))
                return TRUE;
        }
    }
    return FALSE;
}
