/* The version field (see sipkb-version.h): sipkb's own version and each KB layer's kb_version,
 * so that an annotated capture can say what explained it. */
#include <wireshark.h>

#include <epan/packet.h>

#include "sipkb-version.h"

static int hf_sipkb_version = -1;

static char *
version_text(const sipkb_kb *kb)
{
    static const char *const layer_names[SIPKB_LAYER_COUNT] = {"generic", "provider", "user"};
    GString *text = g_string_new("sipkb " SIPKB_VERSION " (KB:");
    const char *separator = " ";
    for (int layer = 0; layer < SIPKB_LAYER_COUNT; layer++) {
        const char *version = kb ? sipkb_kb_version(kb, (sipkb_layer)layer) : NULL;
        if (!version)
            continue;
        g_string_append_printf(text, "%s%s %s", separator, layer_names[layer], version);
        separator = ", ";
    }
    if (separator[0] == ' ')
        g_string_append(text, " none loaded");
    g_string_append_c(text, ')');
    return g_string_free(text, FALSE);
}

void
sipkb_version_register(int proto, const sipkb_kb *kb)
{
    static hf_register_info hf[] = {
        {&hf_sipkb_version,
         {"sipkb version", SIPKB_VERSION_FIELD, FT_NONE, BASE_NONE, NULL, 0x0, NULL, HFILL}},
    };
    /* Kept for the life of the process, as registered field texts are. */
    hf[0].hfinfo.blurb = version_text(kb);
    proto_register_field_array(proto, hf, array_length(hf));
}
