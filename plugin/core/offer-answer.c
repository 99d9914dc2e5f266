/* SDP in a dialog: the codecs of each body, private addresses across NAT, hold, and offers
 * matched with their answers or refusals (RFC 3264 section 6; RFC 3261 section 13.2.1).
 */
#include "analyzer-internal.h"

#include <string.h>

#include "sipkb/address.h"

/* The offer waiting for its answer in a call. */
typedef struct {
    guint32 frame;
    guint32 cseq_number;
    const char *cseq_method; /* interned */
    gboolean in_response;    /* offer in a 2xx/18x: the answer comes in ACK or PRACK */
    guint n_media;
    sipkb_media *media; /* kept by the analyzer */
} pending_offer;

void
offer_answer_init(sipkb_analyzer *analyzer)
{
    analyzer->offers = g_hash_table_new(g_direct_hash, g_direct_equal);
}

static sipkb_media *
keep_media(sipkb_analyzer *analyzer, const sipkb_media *media, guint n_media)
{
    sipkb_media *copy = analyzer_alloc(analyzer, MAX(n_media, 1) * sizeof(sipkb_media));
    for (guint m = 0; m < n_media; m++) {
        copy[m] = media[m];
        copy[m].media = analyzer_keep(analyzer, media[m].media);
        copy[m].protocol = analyzer_keep(analyzer, media[m].protocol);
        copy[m].connection = NULL;
        copy[m].formats =
            analyzer_alloc(analyzer, MAX(media[m].n_formats, 1) * sizeof(sipkb_payload));
        for (guint f = 0; f < media[m].n_formats; f++) {
            copy[m].formats[f] = media[m].formats[f];
            copy[m].formats[f].encoding = analyzer_keep(analyzer, media[m].formats[f].encoding);
        }
    }
    return copy;
}

static void
decide_owned_text(decision *d, sipkb_finding finding, char *text)
{
    decide_text(d, finding, text);
    g_free(text);
}

/* ---- every body: codecs, unnamed formats, NAT, hold ------------------------------------------ */

/* Variants of sdp.nat's and sdp.hold's texts in the findings table. */
enum { NAT_TEXT_FROM_PUBLIC = 1, NAT_TEXT_TO_PUBLIC = 2 };
enum { HOLD_TEXT_UNSPECIFIED = 1, HOLD_TEXT_SENDONLY, HOLD_TEXT_RECVONLY, HOLD_TEXT_INACTIVE };

static void
decide_nat(decision *d, const sipkb_sdp_body *body)
{
    const sipkb_path *path = &d->msg->path;
    for (guint m = 0; m < body->n_media; m++) {
        const char *announced = body->media[m].connection;
        sipkb_nat_hint nat = sipkb_nat_hint_for(announced, path->source, path->destination);
        if (nat == SIPKB_NAT_NONE)
            continue;
        decide_flag(d, SIPKB_F_SDP_NAT,
                    nat == SIPKB_NAT_FROM_PUBLIC ? NAT_TEXT_FROM_PUBLIC : NAT_TEXT_TO_PUBLIC);
        decide_text(d, SIPKB_F_SDP_NAT_ADDRESS, announced);
        decide_text(d, SIPKB_F_SDP_NAT_SEEN,
                    nat == SIPKB_NAT_FROM_PUBLIC ? path->source : path->destination);
        decide_text(d, SIPKB_F_SDP_NAT_ADVICE,
                    sipkb_findings_text(d->analyzer->findings, "sdp.nat.advice"));
        return;
    }
}

static void
decide_hold(decision *d, const sipkb_sdp_body *body)
{
    for (guint m = 0; m < body->n_media; m++) {
        const sipkb_media *media = &body->media[m];
        if (!media->port || !sipkb_media_on_hold(media))
            continue;
        guint8 variant = media->direction == SIPKB_DIRECTION_SENDONLY   ? HOLD_TEXT_SENDONLY
                         : media->direction == SIPKB_DIRECTION_RECVONLY ? HOLD_TEXT_RECVONLY
                         : media->direction == SIPKB_DIRECTION_INACTIVE ? HOLD_TEXT_INACTIVE
                                                                        : HOLD_TEXT_SENDONLY;
        if (sipkb_classify_address(media->connection) == SIPKB_ADDRESS_UNSPECIFIED)
            variant = HOLD_TEXT_UNSPECIFIED;
        decide_flag(d, SIPKB_F_SDP_HOLD, variant);
        return;
    }
}

static void
decide_media(decision *d, const sipkb_sdp_body *body)
{
    GString *no_rtpmap = g_string_new(NULL);
    for (guint m = 0; m < body->n_media; m++) {
        const sipkb_media *media = &body->media[m];
        for (guint i = 0; i < media->n_formats; i++) {
            const sipkb_payload *p = &media->formats[i];
            decide_owned_text(d, SIPKB_F_SDP_CODEC, sipkb_payload_text(p));
            /* A refused stream (port 0) may keep its format numbers without rtpmap. */
            if (p->missing_rtpmap && media->port != 0)
                g_string_append_printf(no_rtpmap, "%s%u", no_rtpmap->len ? ", " : "",
                                       p->payload_type);
        }
    }
    if (no_rtpmap->len)
        decide_text(d, SIPKB_F_SDP_NO_RTPMAP, no_rtpmap->str);
    g_string_free(no_rtpmap, TRUE);
    decide_nat(d, body);
    decide_hold(d, body);
}

/* ---- answers -------------------------------------------------------------------------------- */

static gboolean
answers_offer(const pending_offer *offer, const sipkb_message *msg)
{
    if (!offer)
        return FALSE;
    if (offer->in_response)
        return msg->is_request && (g_strcmp0(msg->cseq_method, "ACK") == 0 ||
                                   g_strcmp0(msg->cseq_method, "PRACK") == 0);
    return msg->is_response && msg->status_code < 300 && msg->cseq_number == offer->cseq_number &&
           g_strcmp0(msg->cseq_method, offer->cseq_method) == 0;
}

static const sipkb_payload *
find_format(const sipkb_media *media, guint payload_type)
{
    for (guint i = 0; i < media->n_formats; i++) {
        if (media->formats[i].payload_type == payload_type)
            return &media->formats[i];
    }
    return NULL;
}

static void
append_not_offered(GString *not_offered, const sipkb_media *answer,
                   const sipkb_offer_answer *result)
{
    for (guint i = 0; i < result->n_not_offered; i++) {
        char *text = sipkb_payload_text(find_format(answer, result->not_offered[i]));
        g_string_append_printf(not_offered, "%s%s", not_offered->len ? ", " : "", text);
        g_free(text);
    }
}

static void
decide_answer(decision *d, const pending_offer *offer, const sipkb_sdp_body *body)
{
    GString *chosen = g_string_new(NULL), *not_offered = g_string_new(NULL);
    gboolean no_common = FALSE, dtmf_dropped = FALSE, ptime = FALSE, profile = FALSE;
    for (guint m = 0; m < body->n_media && m < offer->n_media; m++) {
        sipkb_offer_answer result;
        const sipkb_media *answer = &body->media[m];
        sipkb_compare_offer_answer(&offer->media[m], answer, &result);
        if (!result.rejected) {
            char *codecs = sipkb_media_codecs_text(answer);
            g_string_append_printf(chosen, "%s%s: %s", chosen->len ? "; " : "", answer->media,
                                   codecs);
            g_free(codecs);
        }
        append_not_offered(not_offered, answer, &result);
        no_common |= result.no_common;
        dtmf_dropped |= result.dtmf_dropped;
        ptime |= result.ptime_differs;
        profile |= result.profile_differs && !result.rejected;
    }
    decide_frame(d, SIPKB_F_SDP_OFFER_FRAME, offer->frame);
    if (chosen->len)
        decide_text(d, SIPKB_F_SDP_CHOSEN, chosen->str);
    if (not_offered->len)
        decide_text(d, SIPKB_F_SDP_NOT_OFFERED, not_offered->str);
    const struct {
        gboolean present;
        sipkb_finding finding;
    } flags[] = {
        {no_common, SIPKB_F_SDP_NO_COMMON_CODEC},
        {dtmf_dropped, SIPKB_F_SDP_DTMF_NOT_ANSWERED},
        {ptime, SIPKB_F_SDP_PTIME_MISMATCH},
        {profile, SIPKB_F_SDP_PROFILE_MISMATCH},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (flags[i].present)
            decide_flag(d, flags[i].finding, 0);
    }
    g_string_free(chosen, TRUE);
    g_string_free(not_offered, TRUE);
}

/* ---- refusals (488, 606) -------------------------------------------------------------------- */

static gboolean
offers_only_compressed_audio(const sipkb_media *media)
{
    if (g_strcmp0(media->media, "audio") != 0)
        return FALSE;
    for (guint i = 0; i < media->n_formats; i++) {
        const char *e = media->formats[i].encoding;
        if (g_strcmp0(e, "PCMU") == 0 || g_strcmp0(e, "PCMA") == 0)
            return FALSE;
    }
    return TRUE;
}

/* The part of the offer the other side most likely refused, in words. */
static char *
likely_refused(const decision *d, const pending_offer *offer)
{
    gboolean only_compressed_audio = FALSE;
    for (guint m = 0; m < offer->n_media; m++) {
        const sipkb_media *media = &offer->media[m];
        if (media->protocol && strstr(media->protocol, "SAVP")) {
            const char *names[] = {"profile"};
            return decide_words(d, "sdp.refused.srtp", names, &media->protocol, 1);
        }
        if (g_strcmp0(media->media, "image") == 0)
            return decide_words(d, "sdp.refused.fax", NULL, NULL, 0);
        if (g_strcmp0(media->media, "audio") == 0)
            only_compressed_audio = offers_only_compressed_audio(media);
    }
    return decide_words(d, only_compressed_audio ? "sdp.refused.codecs" : "sdp.refused.other", NULL,
                        NULL, 0);
}

static void
decide_refusal(decision *d, const pending_offer *offer)
{
    GString *offered = g_string_new(NULL);
    for (guint m = 0; m < offer->n_media; m++) {
        const sipkb_media *media = &offer->media[m];
        char *codecs = sipkb_media_codecs_text(media);
        g_string_append_printf(offered, "%s%s %s %s", m ? "; " : "", media->media, media->protocol,
                               codecs);
        g_free(codecs);
    }
    decide_frame(d, SIPKB_F_SDP_OFFER_FRAME, offer->frame);
    decide_text(d, SIPKB_F_SDP_OFFERED, offered->str);
    decide_owned_text(d, SIPKB_F_SDP_REFUSED, likely_refused(d, offer));
    g_string_free(offered, TRUE);
}

/* ---- one message ---------------------------------------------------------------------------- */

/* Keeps the body as the call's pending offer, unless it repeats the one kept (a retransmission
 * or the next leg of a proxy). */
static void
keep_offer(decision *d, pending_offer *offer, const sipkb_sdp_body *body)
{
    const sipkb_message *msg = d->msg;
    sipkb_analyzer *analyzer = d->analyzer;
    if (!offer) {
        offer = analyzer_alloc(analyzer, sizeof(pending_offer));
        g_hash_table_insert(analyzer->offers, (gpointer)analyzer_keep(analyzer, msg->call_id),
                            offer);
    } else if (offer->frame != msg->frame && msg->cseq_number == offer->cseq_number &&
               g_strcmp0(msg->cseq_method, offer->cseq_method) == 0 && msg->is_request) {
        return;
    }
    offer->frame = msg->frame;
    offer->cseq_number = msg->cseq_number;
    offer->cseq_method = analyzer_keep(analyzer, msg->cseq_method);
    offer->in_response = msg->is_response;
    offer->n_media = body->n_media;
    offer->media = keep_media(analyzer, body->media, body->n_media);
}

static gboolean
is_refusal(const sipkb_message *msg)
{
    return msg->is_response && (msg->status_code == 488 || msg->status_code == 606);
}

void
offer_answer_decide(decision *d)
{
    const sipkb_message *msg = d->msg;
    pending_offer *offer =
        msg->call_id
            ? g_hash_table_lookup(d->analyzer->offers, analyzer_keep(d->analyzer, msg->call_id))
            : NULL;
    gboolean refusal = offer && is_refusal(msg);
    if (!msg->has_sdp && !refusal)
        return;
    sipkb_sdp_body *body = g_new(sipkb_sdp_body, 1);
    sipkb_sdp_body_build(msg->sdp_lines, msg->n_sdp_lines, body);
    /* A refusal that carries no codecs of its own is titled as one. */
    decide_flag(d, SIPKB_F_SDP, refusal && (!msg->has_sdp || body->n_media == 0) ? 1 : 0);
    if (msg->has_sdp)
        decide_media(d, body);
    if (refusal)
        decide_refusal(d, offer);
    gboolean trackable =
        msg->call_id && msg->has_cseq && !(msg->is_response && msg->status_code >= 300);
    if (msg->has_sdp && body->n_media > 0 && trackable) {
        if (answers_offer(offer, msg))
            decide_answer(d, offer, body);
        else
            keep_offer(d, offer, body);
    }
    sipkb_sdp_body_clear(body);
    g_free(body);
}
