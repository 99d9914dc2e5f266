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
    gboolean later;          /* a later offer: an earlier one of the call came in another
                                transaction, or it was made inside a dialog */
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
enum { HOLD_TEXT_UNSPECIFIED = 1, HOLD_TEXT_SENDONLY, HOLD_TEXT_INACTIVE };

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

/* Hold is a change of an established session (RFC 3264 section 8.4): sendonly, inactive or
 * c=0.0.0.0 in a later offer of the call. In a first offer they say no more than the
 * direction or address the offerer wants. c=0.0.0.0 says the most (no RTP or RTCP is to be
 * sent to this side), whatever direction goes with it; recvonly alone holds nobody. */
static void
decide_hold(decision *d, const sipkb_sdp_body *body, gboolean later_offer)
{
    if (!later_offer)
        return;
    for (guint m = 0; m < body->n_media; m++) {
        const sipkb_media *media = &body->media[m];
        if (!media->port || !sipkb_media_on_hold(media))
            continue;
        guint8 variant = sipkb_classify_address(media->connection) == SIPKB_ADDRESS_UNSPECIFIED
                             ? HOLD_TEXT_UNSPECIFIED
                         : media->direction == SIPKB_DIRECTION_INACTIVE ? HOLD_TEXT_INACTIVE
                                                                        : HOLD_TEXT_SENDONLY;
        decide_flag(d, SIPKB_F_SDP_HOLD, variant);
        return;
    }
}

static void
decide_media(decision *d, const sipkb_sdp_body *body, gboolean later_offer)
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
    decide_hold(d, body, later_offer);
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

/* A payload type number the answer maps to another encoding than the offer did: RFC 3264
 * section 6.1 says the answer SHOULD keep the offer's mapping. */
static void
append_remapped(GString *remapped, const sipkb_media *offer, const sipkb_media *answer)
{
    for (guint i = 0; i < answer->n_formats; i++) {
        const sipkb_payload *a = &answer->formats[i];
        const sipkb_payload *o = find_format(offer, a->payload_type);
        if (!o || !o->encoding || !a->encoding ||
            (g_ascii_strcasecmp(o->encoding, a->encoding) == 0 && o->clock_rate == a->clock_rate))
            continue;
        char *offered = sipkb_payload_text(o), *answered = sipkb_payload_text(a);
        g_string_append_printf(remapped, "%s%u is %s in the offer, %s in the answer",
                               remapped->len ? "; " : "", a->payload_type, offered, answered);
        g_free(offered);
        g_free(answered);
    }
}

/* RFC 3264 section 6.1: the answer's direction for each direction of the offer. */
static gboolean
direction_fits(sipkb_direction offer, sipkb_direction answer)
{
    switch (offer) {
    case SIPKB_DIRECTION_SENDONLY:
        return answer == SIPKB_DIRECTION_RECVONLY || answer == SIPKB_DIRECTION_INACTIVE;
    case SIPKB_DIRECTION_RECVONLY:
        return answer == SIPKB_DIRECTION_SENDONLY || answer == SIPKB_DIRECTION_INACTIVE;
    case SIPKB_DIRECTION_INACTIVE:
        return answer == SIPKB_DIRECTION_INACTIVE;
    case SIPKB_DIRECTION_SENDRECV:
        break;
    }
    return TRUE;
}

static const char *
direction_name(sipkb_direction direction)
{
    static const char *const names[] = {"sendrecv", "sendonly", "recvonly", "inactive"};
    return (guint)direction < G_N_ELEMENTS(names) ? names[direction] : "sendrecv";
}

/* What one answered stream says, gathered over the streams of a body. */
typedef struct {
    GString *chosen, *not_offered, *extra, *remapped, *directions;
    gboolean no_common, dtmf_dropped, ptime, profile;
} answer_findings;

static void
compare_stream(const sipkb_media *offer, const sipkb_media *answer, answer_findings *f)
{
    sipkb_offer_answer result;
    sipkb_compare_offer_answer(offer, answer, &result);
    if (!result.rejected) {
        char *codecs = sipkb_media_codecs_text(answer);
        g_string_append_printf(f->chosen, "%s%s: %s", f->chosen->len ? "; " : "", answer->media,
                               codecs);
        g_free(codecs);
        append_remapped(f->remapped, offer, answer);
        if (!direction_fits(offer->direction, answer->direction))
            g_string_append_printf(f->directions, "%soffer %s, answer %s",
                                   f->directions->len ? "; " : "", direction_name(offer->direction),
                                   direction_name(answer->direction));
    }
    /* Formats the offer lacked are allowed beside a common codec (RFC 3264 section 6.1); with
     * none in common (telephone-event carries no voice) they are what the answerer wants
     * instead. */
    append_not_offered(result.n_common && !result.no_common ? f->extra : f->not_offered, answer,
                       &result);
    f->no_common |= result.no_common;
    f->dtmf_dropped |= result.dtmf_dropped;
    f->ptime |= result.ptime_differs;
    f->profile |= result.profile_differs && !result.rejected;
}

static void
decide_answer(decision *d, const pending_offer *offer, const sipkb_sdp_body *body)
{
    answer_findings f = {g_string_new(NULL),
                         g_string_new(NULL),
                         g_string_new(NULL),
                         g_string_new(NULL),
                         g_string_new(NULL),
                         FALSE,
                         FALSE,
                         FALSE,
                         FALSE};
    for (guint m = 0; m < body->n_media && m < offer->n_media; m++)
        compare_stream(&offer->media[m], &body->media[m], &f);
    decide_frame(d, SIPKB_F_SDP_OFFER_FRAME, offer->frame);
    const struct {
        GString *text;
        sipkb_finding finding;
    } texts[] = {
        {f.chosen, SIPKB_F_SDP_CHOSEN},
        {f.not_offered, SIPKB_F_SDP_NOT_OFFERED},
        {f.extra, SIPKB_F_SDP_EXTRA_FORMATS},
        {f.remapped, SIPKB_F_SDP_PAYLOAD_REMAPPED},
        {f.directions, SIPKB_F_SDP_DIRECTION_MISMATCH},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        if (texts[i].text->len)
            decide_text(d, texts[i].finding, texts[i].text->str);
        g_string_free(texts[i].text, TRUE);
    }
    const struct {
        gboolean present;
        sipkb_finding finding;
    } flags[] = {
        {f.no_common, SIPKB_F_SDP_NO_COMMON_CODEC},
        {f.dtmf_dropped, SIPKB_F_SDP_DTMF_NOT_ANSWERED},
        {f.ptime, SIPKB_F_SDP_PTIME_MISMATCH},
        {f.profile, SIPKB_F_SDP_PROFILE_MISMATCH},
    };
    for (gsize i = 0; i < G_N_ELEMENTS(flags); i++) {
        if (flags[i].present)
            decide_flag(d, flags[i].finding, 0);
    }
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
static gboolean
every_stream_disabled(const pending_offer *offer)
{
    for (guint m = 0; m < offer->n_media; m++) {
        if (offer->media[m].port != 0)
            return FALSE;
    }
    return TRUE;
}

static char *
likely_refused(const decision *d, const pending_offer *offer)
{
    /* Port 0 on every stream offers no media at all (RFC 3264 section 5.1): nothing to agree on. */
    if (every_stream_disabled(offer))
        return decide_words(d, "sdp.refused.no_media", NULL, NULL, 0);
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
    /* An offer without a single enabled stream is the cause itself, ahead of the response
     * code's codec causes: there was no format to compare (RFC 3264 section 5.1). */
    if (every_stream_disabled(offer)) {
        char frame[16];
        g_snprintf(frame, sizeof(frame), "%" G_GUINT32_FORMAT, offer->frame);
        const char *names[] = {"offer_frame"};
        const char *values[] = {frame};
        decide_cause(d, "cause.sdp.no_media", names, values, 1);
    }
}

/* ---- one message ---------------------------------------------------------------------------- */

/* Keeps the body as the call's pending offer, unless it repeats the one kept (a retransmission
 * or the next leg of a proxy). */
static void
keep_offer(decision *d, pending_offer *offer, const sipkb_sdp_body *body, gboolean in_dialog)
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
    offer->later = (offer->frame && offer->cseq_number != msg->cseq_number) || in_dialog;
    offer->frame = msg->frame;
    offer->cseq_number = msg->cseq_number;
    offer->cseq_method = analyzer_keep(analyzer, msg->cseq_method);
    offer->in_response = msg->is_response;
    offer->n_media = body->n_media;
    offer->media = keep_media(analyzer, body->media, body->n_media);
}

/* A 488 or 606 refuses the offer of its own transaction (RFC 3264 section 4 with RFC 3261
 * section 13.2.1): the one its request carried, or, for an INVITE without SDP, the one of a
 * provisional or success response to it. Never an earlier offer of the call. */
static gboolean
refuses(const sipkb_message *msg, const pending_offer *offer)
{
    return offer && msg->is_response && (msg->status_code == 488 || msg->status_code == 606) &&
           msg->cseq_number == offer->cseq_number &&
           g_strcmp0(msg->cseq_method, offer->cseq_method) == 0;
}

void
offer_answer_decide(decision *d)
{
    const sipkb_message *msg = d->msg;
    pending_offer *offer =
        msg->call_id
            ? g_hash_table_lookup(d->analyzer->offers, analyzer_keep(d->analyzer, msg->call_id))
            : NULL;
    gboolean refusal = refuses(msg, offer);
    if (!msg->has_sdp && !refusal)
        return;
    sipkb_sdp_body *body = g_new(sipkb_sdp_body, 1);
    sipkb_sdp_body_build(msg->sdp_lines, msg->n_sdp_lines, body);
    /* A refusal that carries no codecs of its own is titled as one. */
    decide_flag(d, SIPKB_F_SDP, refusal && (!msg->has_sdp || body->n_media == 0) ? 1 : 0);
    /* A body in a call whose offer came in an earlier transaction renegotiates it; so does one
     * inside a dialog (a To tag, RFC 3261 section 12.2) whose first offer the capture lacks,
     * e.g. a re-INVITE of a call that began before the capture (RFC 3264 section 8). */
    gboolean in_dialog = msg->is_request ? msg->to_tag != NULL : d->txn && d->txn->in_dialog;
    gboolean later_offer = offer ? offer->cseq_number != msg->cseq_number ||
                                       (offer->later && !answers_offer(offer, msg))
                                 : in_dialog;
    if (msg->has_sdp)
        decide_media(d, body, later_offer);
    if (refusal)
        decide_refusal(d, offer);
    gboolean trackable =
        msg->call_id && msg->has_cseq && !(msg->is_response && msg->status_code >= 300);
    if (msg->has_sdp && body->n_media > 0 && trackable) {
        if (answers_offer(offer, msg))
            decide_answer(d, offer, body);
        else
            keep_offer(d, offer, body, in_dialog);
    }
    sipkb_sdp_body_clear(body);
    g_free(body);
}
