/* Explaining one SIP response: its kind, the severity users see, and the KB texts.
 *
 * Wireshark-free (plugin/core/responses.c). The glue shows the KB texts of a response.
 */
#ifndef SIPKB_RESPONSE_H
#define SIPKB_RESPONSE_H

#include <glib.h>

#include "sipkb/findings.h"
#include "sipkb/kb.h"

G_BEGIN_DECLS

/* What a response means for the call, which decides how loudly it is reported. */
typedef enum {
    SIPKB_RESPONSE_PROVISIONAL, /* 1xx */
    SIPKB_RESPONSE_SUCCESS,     /* 2xx */
    SIPKB_RESPONSE_CHALLENGE,   /* 401/407: a normal step of digest authentication */
    SIPKB_RESPONSE_REDIRECT,    /* 3xx */
    SIPKB_RESPONSE_FAILURE,     /* other 4xx, 5xx, 6xx */
    SIPKB_RESPONSE_INVALID,     /* outside 100..699: not a SIP status code */
} sipkb_response_kind;

sipkb_response_kind sipkb_response_kind_of(guint32 code);
sipkb_severity sipkb_response_severity(sipkb_response_kind kind);

/* The findings (response.progress ... response.invalid) a response with this code can carry:
 * its kind's, and for a 487 also "ended by the caller's CANCEL" (RFC 3261 section 9.2), which
 * the analyzer picks when the CANCEL is in the capture. Returns how many were written (1, 2). */
guint sipkb_response_findings_of(guint32 code, sipkb_finding out[2]);

/* Everything sipkb says about one response code. */
typedef struct {
    guint32 code;
    sipkb_response_kind kind;
    sipkb_severity severity;
    const sipkb_response_entry *entry; /* the code's entry, or its class's; NULL if invalid */
    const sipkb_response_entry *class_entry;
    gboolean is_class_fallback; /* the KB has no entry for this exact code */
} sipkb_response_explanation;

void sipkb_explain_response(const sipkb_kb *kb, guint32 code, sipkb_response_explanation *out);

G_END_DECLS

#endif /* SIPKB_RESPONSE_H */
