/* Response kind and severity rules, and the KB lookup for one response code. */
#include "sipkb/response.h"

sipkb_response_kind
sipkb_response_kind_of(guint32 code)
{
    if (code < 100 || code > 699)
        return SIPKB_RESPONSE_INVALID;
    /* RFC 3261 section 22: 401 and 407 ask for credentials; answering them is routine. */
    if (code == 401 || code == 407)
        return SIPKB_RESPONSE_CHALLENGE;
    switch (code / 100) {
    case 1:
        return SIPKB_RESPONSE_PROVISIONAL;
    case 2:
        return SIPKB_RESPONSE_SUCCESS;
    case 3:
        return SIPKB_RESPONSE_REDIRECT;
    default:
        return SIPKB_RESPONSE_FAILURE;
    }
}

sipkb_severity
sipkb_response_severity(sipkb_response_kind kind)
{
    switch (kind) {
    case SIPKB_RESPONSE_PROVISIONAL:
    case SIPKB_RESPONSE_SUCCESS:
    case SIPKB_RESPONSE_CHALLENGE:
        return SIPKB_SEVERITY_CHAT;
    case SIPKB_RESPONSE_REDIRECT:
        return SIPKB_SEVERITY_NOTE;
    case SIPKB_RESPONSE_FAILURE:
    case SIPKB_RESPONSE_INVALID:
        break;
    }
    return SIPKB_SEVERITY_WARN;
}

void
sipkb_explain_response(const sipkb_kb *kb, guint32 code, sipkb_response_explanation *out)
{
    out->code = code;
    out->kind = sipkb_response_kind_of(code);
    out->severity = sipkb_response_severity(out->kind);
    out->entry = sipkb_kb_response(kb, code, &out->is_class_fallback);
    out->class_entry = sipkb_kb_class(kb, code);
}
