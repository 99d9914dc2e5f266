/* The version field (see version.h): sipkb's own version and the kb_version of each KB
 * layer in use, so that an annotated capture can say what explained it. */
#include <wireshark.h>

#include <epan/packet.h>

#include "kb-sources.h"
#include "version.h"

static int hf_sipkb_version = -1;

static hf_register_info version_hf[] = {
    {&hf_sipkb_version,
     {"sipkb version", SIPKB_VERSION_FIELD, FT_NONE, BASE_NONE, NULL, 0x0,
      "The versions of sipkb and of its KB layers, for tools; never in a packet", HFILL}},
};

static char *
version_text(const sipkb_kb *kb)
{
    GString *text = g_string_new("sipkb " SIPKB_VERSION " (KB:");
    const char *separator = " ";
    for (int layer = 0; layer < SIPKB_LAYER_COUNT; layer++) {
        const char *version = kb ? sipkb_kb_version(kb, (sipkb_layer)layer) : NULL;
        if (!version)
            continue;
        g_string_append_printf(text, "%s%s %s", separator,
                               sipkb_kb_sources_layer_text((sipkb_layer)layer), version);
        separator = ", ";
    }
    if (separator[0] == ' ')
        g_string_append(text, " none loaded");
    g_string_append_c(text, ')');
    return g_string_free(text, FALSE);
}

/* Run when a capture file opens, after the preferences chose the KB layers. */
static void
update_version_text(void)
{
    static char *text;
    g_free(text);
    text = version_text(sipkb_kb_sources_kb());
    version_hf[0].hfinfo.blurb = text;
}

void
sipkb_version_register(int proto)
{
    proto_register_field_array(proto, version_hf, array_length(version_hf));
    register_init_routine(update_version_text);
}
