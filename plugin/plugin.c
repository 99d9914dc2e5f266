/* The plugin's entry points: what Wireshark's plugin loader looks for in the module. */
#define WS_BUILD_DLL
#include <wireshark.h>

#include <epan/packet.h>
#include <epan/proto.h>

#include "sipkb-register.h"

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SIPKB_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);

void
plugin_register(void)
{
    static proto_plugin sipkb_plugin;

    sipkb_plugin.register_protoinfo = proto_register_sipkb;
    sipkb_plugin.register_handoff = proto_reg_handoff_sipkb;
    proto_register_plugin(&sipkb_plugin);
}
