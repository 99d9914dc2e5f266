/* sipkb post-dissector: registration, and turning the core's findings into tree and expert
 * items. The decisions are made in plugin/core/ (Wireshark-free); fields are read in
 * sipkb-fields.c. This file only shows.
 */
#include <wireshark.h>

#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <wsutil/wslog.h>

#include "kb-data.h"
#include "sipkb-register.h"
#include "sipkb-fields.h"
#include "sipkb/kb.h"
#include "sipkb/response.h"
#include "ws-compat.h"

static int proto_sipkb = -1;
static dissector_handle_t sipkb_handle;

static int hf_sipkb_code = -1;
static int hf_sipkb_class = -1;
static int hf_sipkb_summary = -1;
static int hf_sipkb_explanation = -1;
static int hf_sipkb_cause = -1;
static int hf_sipkb_advice = -1;
static int hf_sipkb_provider_note = -1;
static int hf_sipkb_reference = -1;
static int hf_sipkb_class_fallback = -1;

static gint ett_sipkb = -1;
static gint ett_sipkb_causes = -1;
static gint ett_sipkb_advice = -1;

static expert_field ei_sipkb_response_progress = EI_INIT;
static expert_field ei_sipkb_response_challenge = EI_INIT;
static expert_field ei_sipkb_response_redirect = EI_INIT;
static expert_field ei_sipkb_response_failure = EI_INIT;
static expert_field ei_sipkb_response_invalid = EI_INIT;

static gboolean pref_info_column = FALSE;

/* The knowledge base, loaded once from the files embedded at build time. */
static sipkb_kb *knowledge_base;

static expert_field *
response_expert_field(sipkb_response_kind kind)
{
    switch (kind) {
    case SIPKB_RESPONSE_PROVISIONAL:
    case SIPKB_RESPONSE_SUCCESS:
        return &ei_sipkb_response_progress;
    case SIPKB_RESPONSE_CHALLENGE:
        return &ei_sipkb_response_challenge;
    case SIPKB_RESPONSE_REDIRECT:
        return &ei_sipkb_response_redirect;
    case SIPKB_RESPONSE_FAILURE:
        break;
    case SIPKB_RESPONSE_INVALID:
        return &ei_sipkb_response_invalid;
    }
    return &ei_sipkb_response_failure;
}

static proto_item *
add_generated_string(proto_tree *tree, int hf, const sipkb_located_message *where,
                     const char *text)
{
    proto_item *item = proto_tree_add_string(tree, hf, where->tvb, where->start, 0, text);
    proto_item_set_generated(item);
    return item;
}

/* A labelled list (causes, advice): one item per line, under a subtree when there are several. */
static void
add_text_list(proto_tree *tree, int hf, gint ett, const char *label,
              const sipkb_located_message *where, const char *const *lines)
{
    if (!lines || !lines[0])
        return;
    proto_tree *list_tree = tree;
    if (lines[1]) {
        list_tree = proto_tree_add_subtree(tree, where->tvb, where->start, 0, ett, NULL, label);
    }
    for (const char *const *line = lines; *line; line++)
        add_generated_string(list_tree, hf, where, *line);
}

static void
show_response(proto_tree *tree, packet_info *pinfo, const sipkb_located_message *where)
{
    sipkb_response_explanation ex;
    sipkb_explain_response(knowledge_base, where->msg.status_code, &ex);

    proto_item *top = proto_tree_add_item(tree, proto_sipkb, where->tvb, where->start,
                                          where->length, ENC_NA);
    proto_item_set_generated(top);
    proto_tree *sipkb_tree = proto_item_add_subtree(top, ett_sipkb);
    proto_item *code_item = proto_tree_add_uint(sipkb_tree, hf_sipkb_code, where->tvb,
                                                where->start, 0, ex.code);
    proto_item_set_generated(code_item);

    if (!ex.entry) {
        proto_item_append_text(top, ": %u is not a SIP status code", ex.code);
        expert_add_info_format(pinfo, code_item, response_expert_field(ex.kind),
                               "%u is not a SIP status code (RFC 3261 allows 100 to 699)",
                               ex.code);
        return;
    }
    const sipkb_response_entry *entry = ex.entry;
    proto_item_append_text(top, ": %u %s: %s", ex.code,
                           ex.is_class_fallback ? "(unregistered code)" : entry->reason,
                           entry->summary);
    if (ex.class_entry) {
        add_generated_string(sipkb_tree, hf_sipkb_class, where,
                             wmem_strdup_printf(pinfo->pool, "%uxx %s", ex.code / 100,
                                                ex.class_entry->reason));
    }
    if (ex.is_class_fallback) {
        proto_item *fallback = proto_tree_add_boolean(sipkb_tree, hf_sipkb_class_fallback,
                                                      where->tvb, where->start, 0, TRUE);
        proto_item_set_generated(fallback);
    }
    add_generated_string(sipkb_tree, hf_sipkb_summary, where, entry->summary);
    add_generated_string(sipkb_tree, hf_sipkb_explanation, where, entry->meaning);
    add_text_list(sipkb_tree, hf_sipkb_cause, ett_sipkb_causes, "Likely causes", where,
                  entry->causes);
    add_text_list(sipkb_tree, hf_sipkb_advice, ett_sipkb_advice, "What to check next", where,
                  entry->advice);
    if (entry->provider_note)
        add_generated_string(sipkb_tree, hf_sipkb_provider_note, where, entry->provider_note);
    add_generated_string(sipkb_tree, hf_sipkb_reference, where, entry->reference);

    expert_add_info_format(pinfo, code_item, response_expert_field(ex.kind), "%u %s: %s",
                           ex.code, ex.is_class_fallback ? "" : entry->reason, entry->summary);
    if (pref_info_column)
        col_append_fstr(pinfo->cinfo, COL_INFO, " [sipkb: %s]", entry->summary);
}

static int
dissect_sipkb(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    sipkb_located_message *messages = NULL;
    guint n_messages = sipkb_fields_extract(tree, pinfo->pool, &messages);
    for (guint i = 0; i < n_messages; i++) {
        if (messages[i].msg.is_response && messages[i].msg.has_status_code)
            show_response(tree, pinfo, &messages[i]);
    }
    return n_messages ? tvb_captured_length(tvb) : 0;
}

static void
load_knowledge_base(void)
{
    GError *error = NULL;
    knowledge_base = sipkb_kb_new();
    if (!sipkb_kb_add_layer(knowledge_base, SIPKB_LAYER_GENERIC, sipkb_kb_generic_text,
                            sipkb_kb_generic_length, "sip-responses.kb (built in)", &error) ||
        !sipkb_kb_add_layer(knowledge_base, SIPKB_LAYER_PROVIDER, sipkb_kb_provider_text,
                            sipkb_kb_provider_length, "carrier-notes.kb (built in)", &error)) {
        /* The build validates these files, so this means a damaged plugin binary. */
        ws_warning("sipkb: %s", error->message);
        g_clear_error(&error);
    }
}

void
proto_register_sipkb(void)
{
    static hf_register_info hf[] = {
        {&hf_sipkb_code,
         {"Response code", "sipkb.code", FT_UINT32, BASE_DEC, NULL, 0x0,
          "The SIP status code sipkb explains", HFILL}},
        {&hf_sipkb_class,
         {"Class", "sipkb.class", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the first digit of the code means (RFC 3261 section 7.2)", HFILL}},
        {&hf_sipkb_summary,
         {"Summary", "sipkb.summary", FT_STRING, BASE_NONE, NULL, 0x0,
          "The explanation in one line", HFILL}},
        {&hf_sipkb_explanation,
         {"Explanation", "sipkb.explanation", FT_STRING, BASE_NONE, NULL, 0x0,
          "What the response code means", HFILL}},
        {&hf_sipkb_cause,
         {"Likely cause", "sipkb.cause", FT_STRING, BASE_NONE, NULL, 0x0,
          "A likely cause of this response, most likely first", HFILL}},
        {&hf_sipkb_advice,
         {"Check", "sipkb.advice", FT_STRING, BASE_NONE, NULL, 0x0, "What to check next",
          HFILL}},
        {&hf_sipkb_provider_note,
         {"Provider note", "sipkb.provider_note", FT_STRING, BASE_NONE, NULL, 0x0,
          "What this code means on the provider's network, from the provider profile", HFILL}},
        {&hf_sipkb_reference,
         {"Reference", "sipkb.reference", FT_STRING, BASE_NONE, NULL, 0x0,
          "Where the code is defined", HFILL}},
        {&hf_sipkb_class_fallback,
         {"Explained by its class only", "sipkb.class_fallback", FT_BOOLEAN, BASE_NONE, NULL,
          0x0, "The code is not in the IANA registry nor the KB; its class explains it",
          HFILL}},
    };

    static gint *ett[] = {&ett_sipkb, &ett_sipkb_causes, &ett_sipkb_advice};

    static ei_register_info ei[] = {
        {&ei_sipkb_response_progress,
         {"sipkb.response.progress", PI_RESPONSE_CODE, PI_CHAT,
          "Provisional or success response", EXPFILL}},
        {&ei_sipkb_response_challenge,
         {"sipkb.response.challenge", PI_RESPONSE_CODE, PI_CHAT,
          "Authentication challenge (a normal step)", EXPFILL}},
        {&ei_sipkb_response_redirect,
         {"sipkb.response.redirect", PI_RESPONSE_CODE, PI_NOTE, "Redirection", EXPFILL}},
        {&ei_sipkb_response_failure,
         {"sipkb.response.failure", PI_RESPONSE_CODE, PI_WARN, "Request failed", EXPFILL}},
        {&ei_sipkb_response_invalid,
         {"sipkb.response.invalid", PI_MALFORMED, PI_WARN, "Not a SIP status code",
          EXPFILL}},
    };

    proto_sipkb = proto_register_protocol("SIP knowledge base", "sipkb", "sipkb");
    proto_register_field_array(proto_sipkb, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *expert_sipkb = expert_register_protocol(proto_sipkb);
    expert_register_field_array(expert_sipkb, ei, array_length(ei));

    module_t *prefs = prefs_register_protocol(proto_sipkb, NULL);
    prefs_register_bool_preference(prefs, "info_column", "Summary in the Info column",
                                   "Append sipkb's one-line explanation of each SIP response "
                                   "to the Info column",
                                   &pref_info_column);

    load_knowledge_base();
    sipkb_handle = create_dissector_handle(dissect_sipkb, proto_sipkb);
    register_postdissector(sipkb_handle);
}

void
proto_reg_handoff_sipkb(void)
{
    set_postdissector_wanted_hfids(sipkb_handle, sipkb_fields_resolve());
}
