/* Extraction of SDP lines (see extract.h): each line of a message's body, with the parts the
 * SDP dissector found in it. */
#include <wireshark.h>

#include "extract.h"
#include "fields.h"
#include "ws-compat.h"

typedef struct {
    const char *name;
    char type;         /* lines: the line's type letter; parts: 0 */
    int part;          /* parts: which sipkb_sdp_part */
    char part_of;      /* parts: the type of their line */
    gboolean analysed; /* read on the first pass (primed); the others only explain lines */
} sdp_field;

static const sdp_field sdp_fields[] = {
    /* one per SDP line, in the order of RFC 8866 section 5 */
    {"sdp.version", 'v', 0, 0, FALSE},
    {"sdp.owner", 'o', 0, 0, FALSE},
    {"sdp.session_name", 's', 0, 0, FALSE},
    {"sdp.session_info", 'i', 0, 0, FALSE},
    {"sdp.uri", 'u', 0, 0, FALSE},
    {"sdp.email", 'e', 0, 0, FALSE},
    {"sdp.phone", 'p', 0, 0, FALSE},
    {"sdp.connection_info", 'c', 0, 0, TRUE},
    {"sdp.bandwidth", 'b', 0, 0, FALSE},
    {"sdp.time", 't', 0, 0, FALSE},
    {"sdp.repeat_time", 'r', 0, 0, FALSE},
    {"sdp.timezone", 'z', 0, 0, FALSE},
    {"sdp.encryption_key", 'k', 0, 0, FALSE},
    {"sdp.session_attr", 'a', 0, 0, TRUE},
    {"sdp.media", 'm', 0, 0, TRUE},
    {"sdp.media_title", 'i', 0, 0, FALSE},
    {"sdp.media_attr", 'a', 0, 0, TRUE},
    /* parts of lines */
    {"sdp.owner.username", 0, SIPKB_SDP_PART_1, 'o', FALSE},
    {"sdp.owner.sessionid", 0, SIPKB_SDP_PART_2, 'o', FALSE},
    {"sdp.owner.version", 0, SIPKB_SDP_PART_3, 'o', FALSE},
    {"sdp.owner.address", 0, SIPKB_SDP_PART_4, 'o', FALSE},
    {"sdp.connection_info.address_type", 0, SIPKB_SDP_PART_1, 'c', FALSE},
    {"sdp.connection_info.address", 0, SIPKB_SDP_PART_2, 'c', TRUE},
    {"sdp.connection_info.ttl", 0, SIPKB_SDP_PART_3, 'c', FALSE},
    {"sdp.bandwidth.modifier", 0, SIPKB_SDP_PART_1, 'b', FALSE},
    {"sdp.bandwidth.value", 0, SIPKB_SDP_PART_2, 'b', FALSE},
    {"sdp.time.start", 0, SIPKB_SDP_PART_1, 't', FALSE},
    {"sdp.time.stop", 0, SIPKB_SDP_PART_2, 't', FALSE},
    {"sdp.media.media", 0, SIPKB_SDP_PART_1, 'm', TRUE},
    {"sdp.media.port", 0, SIPKB_SDP_PART_2, 'm', TRUE},
    {"sdp.media.proto", 0, SIPKB_SDP_PART_3, 'm', TRUE},
};

#define N_SDP_FIELDS G_N_ELEMENTS(sdp_fields)

static int sdp_ids[N_SDP_FIELDS];
static int sdp_protocol_id = -1; /* the "sdp" item: one per SDP body */

void
sipkb_extract_sdp_resolve(GArray *wanted)
{
    sdp_protocol_id = sipkb_field_want(wanted, "sdp");
    for (size_t i = 0; i < N_SDP_FIELDS; i++)
        sdp_ids[i] = sdp_fields[i].analysed ? sipkb_field_want(wanted, sdp_fields[i].name)
                                            : sipkb_field_want_shown(sdp_fields[i].name);
}

typedef struct {
    sipkb_sdp_line line;
    const field_info *fi;
} located_line;

static gint
compare_lines(gconstpointer a, gconstpointer b)
{
    const located_line *x = a, *y = b;
    if (x->fi->ds_tvb != y->fi->ds_tvb)
        return x->fi->ds_tvb < y->fi->ds_tvb ? -1 : 1;
    return x->fi->start - y->fi->start;
}

static gboolean
has_sdp_body(const sipkb_field_source *source, const sipkb_extracted *m)
{
    /* Most messages carry no SDP: one look at the "sdp" items says so. */
    field_info **bodies = NULL;
    guint n_bodies = sipkb_field_values(source, sdp_protocol_id, &bodies);
    for (guint i = 0; i < n_bodies; i++) {
        if (sipkb_field_within(bodies[i], m->tvb, m->msg.start, m->msg.length))
            return TRUE;
    }
    return FALSE;
}

/* The lines of the message's body, in order. */
static wmem_array_t *
collect_lines(const sipkb_field_source *source, wmem_allocator_t *pool, const sipkb_extracted *m)
{
    wmem_array_t *lines = wmem_array_new(pool, sizeof(located_line));
    for (size_t kind = 0; kind < N_SDP_FIELDS && sdp_fields[kind].type; kind++) {
        field_info **items = NULL;
        guint n = sipkb_field_values(source, sdp_ids[kind], &items);
        for (guint i = 0; i < n; i++) {
            if (!sipkb_field_within(items[i], m->tvb, m->msg.start, m->msg.length))
                continue;
            located_line line = {.fi = items[i]};
            line.line.type = sdp_fields[kind].type;
            line.line.value = sipkb_finfo_string(items[i]);
            wmem_array_append_one(lines, line);
        }
    }
    wmem_array_sort(lines, compare_lines);
    return lines;
}

/* Each part the SDP dissector found goes to the line it lies in. */
static void
attach_sdp_parts(const sipkb_field_source *source, wmem_allocator_t *pool, located_line *lines,
                 guint n_lines)
{
    for (size_t kind = 0; kind < N_SDP_FIELDS; kind++) {
        if (sdp_fields[kind].type)
            continue;
        field_info **items = NULL;
        guint n = sipkb_field_values(source, sdp_ids[kind], &items);
        for (guint i = 0; i < n; i++) {
            for (guint l = 0; l < n_lines; l++) {
                located_line *line = &lines[l];
                if (line->line.type != sdp_fields[kind].part_of ||
                    !sipkb_field_within(items[i], line->fi->ds_tvb, line->fi->start,
                                        line->fi->length))
                    continue;
                const char **slot = &line->line.parts[sdp_fields[kind].part];
                if (!*slot)
                    *slot = sipkb_field_text(pool, items[i]);
                break;
            }
        }
    }
}

void
sipkb_extract_sdp(const sipkb_field_source *source, wmem_allocator_t *pool, sipkb_extracted *m)
{
    if (!has_sdp_body(source, m))
        return;
    wmem_array_t *found = collect_lines(source, pool, m);
    guint n_lines = wmem_array_get_count(found);
    located_line *located = wmem_array_get_raw(found);
    attach_sdp_parts(source, pool, located, n_lines);
    sipkb_sdp_line *lines = wmem_alloc0_array(pool, sipkb_sdp_line, MAX(n_lines, 1));
    gboolean in_media = FALSE;
    for (guint l = 0; l < n_lines; l++) {
        lines[l] = located[l].line;
        in_media |= lines[l].type == 'm';
        lines[l].in_media = in_media;
    }
    m->msg.has_sdp = TRUE;
    m->msg.n_sdp_lines = n_lines;
    m->msg.sdp_lines = lines;
}
