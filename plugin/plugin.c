/* The plugin's entry points: what Wireshark's plugin loader looks for in the module.
 * Which ones a release wants is described in ws-compat.h. */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "register.h"
#include "ws-compat.h"

#if defined(SIPKB_PLUGIN_API_SYMBOLS)
WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SIPKB_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#else
static void plugin_register(void);
#endif

void
plugin_register(void)
{
    static proto_plugin sipkb_plugin;

    sipkb_plugin.register_protoinfo = proto_register_sipkb;
    sipkb_plugin.register_handoff = proto_reg_handoff_sipkb;
    proto_register_plugin(&sipkb_plugin);
}

#if defined(SIPKB_PLUGIN_HAS_DESCRIBE)
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

#if defined(SIPKB_PLUGIN_API_WS_MODULE)
static struct ws_module sipkb_module = {
    .flags = WS_PLUGIN_DESC_DISSECTOR,
    .version = SIPKB_VERSION,
    .spdx_id = "GPL-2.0-or-later",
    .home_url = "",
    .blurb = "Explains SIP responses from a knowledge base",
    .register_cb = &plugin_register,
};

WIRESHARK_PLUGIN_REGISTER_EPAN(&sipkb_module, 0)
#endif
