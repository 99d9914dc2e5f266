/* In-dialog requests out of order: the CSeq numbers each sender used in each dialog, and the
 * request numbered below its sender's last (RFC 3261 section 12.2.2).
 *
 * Each side of a dialog numbers its own requests, upwards (section 12.2.1.1): the caller's and
 * the callee's CSeq spaces are apart, so a space is the Call-ID, the sender's tag (From) and
 * the peer's tag (To), and the sender's transport address: the copies a proxy forwards on
 * another leg are compared with that leg's, and a B2BUA, a UA on each of its legs with numbers
 * of its own (section 6), with itself. The request that set the dialog up had no To tag
 * yet: its number is the first of every dialog it made (the UAS sets its remote CSeq from it,
 * section 12.1.1). ACK and CANCEL carry the number of the request they acknowledge or cancel
 * (section 12.2.1.1) and are neither compared nor counted.
 */
#include "analyzer-internal.h"
#include "sipkb/text.h"

#include <string.h>

/* The highest CSeq number of a space, and the request that carried it first. */
typedef struct {
    guint32 cseq;
    guint32 frame;
    const char *method; /* interned */
} cseq_mark;

/* "Call-ID, From tag, `to_tag`, source address and port" of the message, interned. */
static const char *
space_key(sipkb_analyzer *analyzer, const sipkb_message *msg, const char *to_tag)
{
    char port[SIPKB_UINT_TEXT_SIZE];
    char *key = g_strjoin("\n", msg->call_id, msg->from_tag ? msg->from_tag : "", to_tag,
                          msg->path.source ? msg->path.source : "",
                          sipkb_text_uint(port, msg->path.source_port), NULL);
    const char *kept = analyzer_keep(analyzer, key);
    g_free(key);
    return kept;
}

static cseq_mark *
mark_of(const sipkb_analyzer *analyzer, const char *key)
{
    return analyzer->cseq_marks ? g_hash_table_lookup(analyzer->cseq_marks, key) : NULL;
}

/* The request's number counts in its space when it is the highest so far. */
static void
note_cseq(decision *d, const char *key)
{
    sipkb_analyzer *analyzer = d->analyzer;
    if (!analyzer->cseq_marks)
        analyzer->cseq_marks = g_hash_table_new(g_direct_hash, g_direct_equal);
    cseq_mark *mark = mark_of(analyzer, key);
    if (!mark) {
        mark = analyzer_alloc(analyzer, sizeof(cseq_mark));
        g_hash_table_insert(analyzer->cseq_marks, (gpointer)key, mark);
    } else if (mark->cseq >= d->msg->cseq_number) {
        return;
    }
    mark->cseq = d->msg->cseq_number;
    mark->frame = d->msg->frame;
    mark->method = d->txn->method;
}

/* The higher of two marks (either may be NULL). */
static const cseq_mark *
higher_mark(const cseq_mark *a, const cseq_mark *b)
{
    if (!a || !b)
        return a ? a : b;
    return b->cseq > a->cseq ? b : a;
}

void
dialog_cseq_request(decision *d)
{
    const sipkb_message *msg = d->msg;
    if (strcmp(d->txn->method, "ACK") == 0 || strcmp(d->txn->method, "CANCEL") == 0)
        return;
    const char *space = space_key(d->analyzer, msg, msg->to_tag ? msg->to_tag : "");
    /* Only a request within a dialog has a last number to keep to; one sent for a dialog that
     * never existed gets 481 whatever its number (transactions.c). */
    if (msg->to_tag && !d->txn->outside_dialog) {
        const cseq_mark *last = higher_mark(mark_of(d->analyzer, space_key(d->analyzer, msg, "")),
                                            mark_of(d->analyzer, space));
        if (last && msg->cseq_number < last->cseq) {
            d->txn->cseq_last = last->cseq;
            d->txn->cseq_last_frame = last->frame;
            d->txn->cseq_last_method = last->method;
            decide_flag(d, SIPKB_F_DIALOG_CSEQ_LOWER, 0);
            decide_number(d, SIPKB_F_DIALOG_CSEQ_LOWER_LAST, last->cseq);
            decide_frame(d, SIPKB_F_DIALOG_CSEQ_LOWER_FRAME, last->frame);
        }
    }
    note_cseq(d, space);
}
