/* Wireshark version shims: the one place where sipkb's glue differs between releases.
 *
 * Keyed on WIRESHARK_VERSION_MAJOR/MINOR from ws_version.h, so the rest of the glue and the
 * core read the same on every supported version. Checked against the headers Debian installs
 * under /usr/include/wireshark: 4.0.17 (Debian 12), 4.4.18 (Debian 13), 4.6.9 (testing);
 * tests/compat/run-compat.sh builds and tests sipkb on all three.
 */
#ifndef SIPKB_WS_COMPAT_H
#define SIPKB_WS_COMPAT_H

#include <ws_version.h>

#include <epan/proto.h>

#define SIPKB_WS_AT_LEAST(major, minor)                                                           \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                                         \
     (WIRESHARK_VERSION_MAJOR == (major) && WIRESHARK_VERSION_MINOR >= (minor)))

/* field_info holds its value inline up to 4.0 and by pointer from 4.2 on; 4.0's getters
 * take a non-const fvalue_t although they do not change it. */
#if SIPKB_WS_AT_LEAST(4, 2)
#define SIPKB_FINFO_VALUE(fi) ((fvalue_t *)(fi)->value)
#else
#define SIPKB_FINFO_VALUE(fi) ((fvalue_t *)&(fi)->value)
#endif

static inline const char *
sipkb_finfo_string(const field_info *fi)
{
    return fvalue_get_string(SIPKB_FINFO_VALUE(fi));
}

static inline guint32
sipkb_finfo_uint(const field_info *fi)
{
    return fvalue_get_uinteger(SIPKB_FINFO_VALUE(fi));
}

/* FT_BOOLEAN values are kept as 64-bit unsigned integers. */
static inline gboolean
sipkb_finfo_bool(const field_info *fi)
{
    return fvalue_get_uinteger64(SIPKB_FINFO_VALUE(fi)) != 0;
}

/* The variable behind a boolean preference: prefs_register_bool_preference() takes a
 * gboolean * in 4.0 (epan/prefs.h) and a C99 bool * in 4.4 and 4.6. Declare such variables
 * as sipkb_pref_bool; FALSE and TRUE initialise either. */
#if SIPKB_WS_AT_LEAST(4, 4)
typedef bool sipkb_pref_bool;
#else
typedef gboolean sipkb_pref_bool;
#endif

/* How Wireshark's plugin loader (wsutil/plugins.c) finds sipkb; plugin/plugin.c follows this.
 *  - 4.0: exported symbols plugin_version, plugin_want_major, plugin_want_minor and
 *    plugin_register(); Debian's 4.0 installs no wsutil/plugins.h.
 *  - 4.2 to 4.6: the same four, plus an optional plugin_describe() returning WS_PLUGIN_DESC_*
 *    flags (wsutil/plugins.h); without it `tshark -G plugins` lists the type as "unknown".
 *  - Later releases whose wsutil/plugins.h defines WIRESHARK_PLUGIN_REGISTER_EPAN: one
 *    exported wireshark_load_module() that hands over a struct ws_module. No Debian release
 *    ships this yet (4.6.9 does not), so that branch of plugin.c is not built by any tested
 *    version. */
#if SIPKB_WS_AT_LEAST(4, 2)
#include <wsutil/plugins.h>
#endif
#if defined(WIRESHARK_PLUGIN_REGISTER_EPAN)
#define SIPKB_PLUGIN_API_WS_MODULE 1
#else
#define SIPKB_PLUGIN_API_SYMBOLS 1
#if defined(WS_PLUGIN_DESC_DISSECTOR)
#define SIPKB_PLUGIN_HAS_DESCRIBE 1
#endif
#endif

#endif /* SIPKB_WS_COMPAT_H */
