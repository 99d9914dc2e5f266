/* Wireshark version shims: the one place where sipkb's glue differs between releases.
 *
 * Keyed on WIRESHARK_VERSION_MAJOR/MINOR from ws_version.h, so the rest of the glue and the
 * core read the same on every supported version.
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

#endif /* SIPKB_WS_COMPAT_H */
