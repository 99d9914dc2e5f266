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

#define SIPKB_WS_AT_LEAST(major, minor)                                                            \
    (WIRESHARK_VERSION_MAJOR > (major) ||                                                          \
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

/* Wireshark's boolean in its API: gboolean in 4.0, C99 bool in 4.4 and 4.6. Use it where a
 * pointer to it or a callback returning or taking it is handed to Wireshark:
 *  - the variable behind prefs_register_bool_preference() (epan/prefs.h);
 *  - the update callback of uat_new(), uat_update_cb_t (epan/uat.h);
 *  - report_open_failure of struct report_message_routines (wsutil/report_message.h).
 * FALSE and TRUE initialise either. sipkb_pref_bool is the same type, for preferences. */
#if SIPKB_WS_AT_LEAST(4, 4)
typedef bool sipkb_ws_bool;
#else
typedef gboolean sipkb_ws_bool;
#endif
typedef sipkb_ws_bool sipkb_pref_bool;

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

/* ---- programs linking libwireshark (tools/host, tools/annotate, tests/robustness) --------------
 * What a program that reads, dissects and writes captures itself needs; the plugin uses none of
 * it. Checked against epan/epan.h, epan/proto.h, wiretap/wtap.h, wsutil/wslog.h,
 * wsutil/filesystem.h and wsutil/report_message.h of each version. */
#include <epan/epan.h>
#include <epan/packet.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

/* struct report_message_routines: 4.4 passes the frame number of a failed write as uint64_t
 * (4.0: guint32); 4.6 adds report_rename_failure after report_write_failure. Initialise the
 * struct with designated initialisers and put SIPKB_REPORT_RENAME_FAILURE(fn) among them. */
#if SIPKB_WS_AT_LEAST(4, 4)
typedef uint64_t sipkb_report_frame_num;
#else
typedef guint32 sipkb_report_frame_num;
#endif
#if SIPKB_WS_AT_LEAST(4, 6)
#define SIPKB_REPORT_RENAME_FAILURE(fn) .report_rename_failure = (fn),
#else
#define SIPKB_REPORT_RENAME_FAILURE(fn)
#endif

/* struct packet_provider_funcs: from 4.4 on get_interface_name and get_interface_description
 * also get the section number. Write their parameter lists as
 *   (struct packet_provider_data *prov, guint32 interface_id SIPKB_PROVIDER_SECTION_PARAM)
 * and initialise the struct with designated initialisers (4.6 adds get_process_* members). */
#if SIPKB_WS_AT_LEAST(4, 4)
#define SIPKB_PROVIDER_SECTION_PARAM , unsigned section_number _U_
#else
#define SIPKB_PROVIDER_SECTION_PARAM
#endif

/* Start-up: 4.6 takes the program's name and configuration namespace from its application
 * flavour (wsutil/application_flavor.h, Wireshark by default), so ws_log_init() lost its
 * program name and configuration_init() its namespace. */
static inline void
sipkb_ws_log_init(const char *progname, void (*vcmdarg_err)(const char *, va_list ap))
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)progname;
    ws_log_init(vcmdarg_err);
#else
    ws_log_init(progname, vcmdarg_err);
#endif
}

static inline char *
sipkb_configuration_init(const char *arg0)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    return configuration_init(arg0);
#else
    return configuration_init(arg0, NULL);
#endif
}

/* A record's bytes. Up to 4.4 they go to a Buffer beside the wtap_rec, which wtap_read(),
 * wtap_seek_read() and wtap_dump() take as well, and epan_dissect_run() takes a tvb made from
 * them; in 4.6 they are in the record itself (wtap_rec.data), those functions lost the
 * argument and epan_dissect_run() makes the tvb. These wrappers take the 4.0 arguments on
 * every version; in 4.6 the Buffer is left untouched (initialise and clean it up with
 * sipkb_rec_init() and sipkb_rec_cleanup() all the same). */
static inline void
sipkb_rec_init(wtap_rec *rec, Buffer *buf)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    wtap_rec_init(rec, 1514);
#else
    wtap_rec_init(rec);
    ws_buffer_init(buf, 1514);
#endif
}

static inline void
sipkb_rec_cleanup(wtap_rec *rec, Buffer *buf)
{
    wtap_rec_cleanup(rec);
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
#else
    ws_buffer_free(buf);
#endif
}

/* One byte of a tvb: 4.4 and later name it tvb_get_uint8 and deprecate tvb_get_guint8. */
#include <epan/tvbuff.h>

static inline guint8
sipkb_tvb_get_uint8(tvbuff_t *tvb, gint offset)
{
#if SIPKB_WS_AT_LEAST(4, 4)
    return tvb_get_uint8(tvb, offset);
#else
    return tvb_get_guint8(tvb, offset);
#endif
}

/* The record's bytes, wherever this version keeps them. */
static inline const guint8 *
sipkb_rec_data(wtap_rec *rec, Buffer *buf)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    return ws_buffer_start_ptr(&rec->data);
#else
    (void)rec;
    return ws_buffer_start_ptr(buf);
#endif
}

static inline gboolean
sipkb_wtap_read(wtap *wth, wtap_rec *rec, Buffer *buf, int *err, gchar **err_info, gint64 *offset)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    return wtap_read(wth, rec, err, err_info, offset);
#else
    return wtap_read(wth, rec, buf, err, err_info, offset);
#endif
}

static inline gboolean
sipkb_wtap_seek_read(wtap *wth, gint64 offset, wtap_rec *rec, Buffer *buf, int *err,
                     gchar **err_info)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    return wtap_seek_read(wth, offset, rec, err, err_info);
#else
    return wtap_seek_read(wth, offset, rec, buf, err, err_info);
#endif
}

static inline gboolean
sipkb_wtap_dump(wtap_dumper *dumper, const wtap_rec *rec, Buffer *buf, int *err, gchar **err_info)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    return wtap_dump(dumper, rec, err, err_info);
#else
    return wtap_dump(dumper, rec, ws_buffer_start_ptr(buf), err, err_info);
#endif
}

static inline void
sipkb_epan_dissect_run(epan_dissect_t *edt, int file_type_subtype, wtap_rec *rec, Buffer *buf,
                       frame_data *fd, struct epan_column_info *cinfo)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)buf;
    epan_dissect_run(edt, file_type_subtype, rec, fd, cinfo);
#else
    tvbuff_t *tvb = tvb_new_real_data(ws_buffer_start_ptr(buf), fd->cap_len, fd->pkt_len);
    epan_dissect_run(edt, file_type_subtype, rec, tvb, fd, cinfo);
#endif
}

/* First pass: up to 4.4 a program primes its epan_dissect_t with the fields postdissectors
 * want (prime_epan_dissect_with_postdissector_wanted_hfids(), epan/packet.h); 4.6 no longer
 * exports that function and does it itself on frames not yet visited. */
static inline void
sipkb_prime_postdissector_hfids(epan_dissect_t *edt)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    (void)edt;
#else
    prime_epan_dissect_with_postdissector_wanted_hfids(edt);
#endif
}

/* An item's label as the tree shows it: 4.6's proto_item_fill_label() also reports where the
 * value starts in it. */
static inline void
sipkb_proto_item_fill_label(field_info *fi, char *label_str)
{
#if SIPKB_WS_AT_LEAST(4, 6)
    size_t value_offset;
    proto_item_fill_label(fi, label_str, &value_offset);
#else
    proto_item_fill_label(fi, label_str);
#endif
}

/* A statistics tree in the Telephony group, shown in the GUI: Wireshark's Qt window gives a
 * menu entry only to trees registered as a plugin's (WiresharkMainWindow::
 * addStatsPluginsToMenu), at the bottom of the Statistics menu in 4.0, 4.4 and 4.6 alike; its
 * own trees have fixed entries. 4.0 registers a tree with its group in one call (the group then
 * named REGISTER_STAT_GROUP_TELEPHONY) and marks it a plugin's through its configuration;
 * 4.4 and 4.6 register a plugin's tree, then set the group (renamed
 * REGISTER_TELEPHONY_GROUP_UNSORTED). 4.2 is not built here. */
#include <epan/stats_tree.h>
#if !SIPKB_WS_AT_LEAST(4, 4)
#include <epan/stats_tree_priv.h>
#endif

static inline void
sipkb_stats_tree_register_telephony(const char *tapname, const char *abbr, const char *name,
                                    guint flags, stat_tree_packet_cb packet, stat_tree_init_cb init,
                                    stat_tree_cleanup_cb cleanup)
{
#if SIPKB_WS_AT_LEAST(4, 4)
    stats_tree_cfg *cfg =
        stats_tree_register_plugin(tapname, abbr, name, flags, packet, init, cleanup);
    stats_tree_set_group(cfg, REGISTER_TELEPHONY_GROUP_UNSORTED);
#else
    stats_tree_register_with_group(tapname, abbr, name, flags, packet, init, cleanup,
                                   REGISTER_STAT_GROUP_TELEPHONY);
    stats_tree_get_cfg_by_abbr(abbr)->plugin = TRUE;
#endif
}

/* The init callback of a `tshark -z` report (stat_tap_ui.tap_init_cb, epan/stat_tap_ui.h): 4.6
 * returns whether it succeeded; 4.0 and 4.4 return nothing, and a report that cannot start
 * exits, as Wireshark's own command-line reports do. */
#if SIPKB_WS_AT_LEAST(4, 6)
#define SIPKB_STAT_TAP_INIT_RESULT bool
#define SIPKB_STAT_TAP_INIT_RETURN(ok) return (ok)
#define SIPKB_STAT_TAP_INIT_FAIL() return false
#else
#define SIPKB_STAT_TAP_INIT_RESULT void
#define SIPKB_STAT_TAP_INIT_RETURN(ok) return
#define SIPKB_STAT_TAP_INIT_FAIL() exit(1)
#endif

/* ---- sequence analysis: sipkb's ladder in the Flow Graph (plugin/ladder.c) ---------------------
 * libwireshark exports the sequence analysis API, but Debian's development packages (4.0, 4.4
 * and 4.6) do not install its header, epan/sequence_analysis.h. Where a release installs it
 * (SIPKB_HAVE_SEQUENCE_ANALYSIS_H, found by CMakeLists.txt) sipkb includes it. For the 4.0
 * series (SIPKB_LADDER_DECLARE_4_0; libwireshark.so.16, whose ABI the series keeps) the
 * declarations below are copied from epan/sequence_analysis.h of Wireshark 4.0.17, only those
 * sipkb uses. The layout of both structs was checked against Debian's amd64 libwireshark.so.16
 * 4.0.17: sequence_analysis_create_sai_with_addresses() allocates 0x90 bytes and writes
 * src_addr at 0x8, dst_addr at 0x28 and time_str at 0x50; sequence_analysis_info_new()
 * allocates 0x3e8 bytes and sets items at 0x10 and ht at 0x18; the first reads any_addr at 0x8;
 * sequence_analysis_use_col_info_as_label_comment() writes frame_label at 0x48 and comment at
 * 0x58. The assertions keep the copy to that layout on 64-bit builds. Any other release
 * without the header is built without the ladder. */
#if defined(SIPKB_HAVE_SEQUENCE_ANALYSIS_H)
#include <epan/sequence_analysis.h>
#elif defined(SIPKB_LADDER_DECLARE_4_0)
#if WIRESHARK_VERSION_MAJOR != 4 || WIRESHARK_VERSION_MINOR != 0
#error "sipkb declares the sequence analysis API of Wireshark 4.0 only"
#endif
#include <stddef.h>

#include <epan/address.h>
#include <epan/packet_info.h>
#include <epan/tap.h>

#define MAX_NUM_NODES 40

/** defines an entry for the graph analysis */
typedef struct _seq_analysis_item {
    guint32 frame_number;
    address src_addr;
    guint16 port_src;
    address dst_addr;
    guint16 port_dst;
    gchar *frame_label;                 /**< the label on top of the arrow */
    gchar *time_str;                    /**< timestamp */
    gchar *comment;                     /**< a comment that appears at the right of the graph */
    guint16 conv_num;                   /**< The conversation number. Used for coloring VoIP calls. */
    unsigned fg_color;                  /**< Foreground color, 0xRRGGBB. Qt only. */
    unsigned bg_color;                  /**< Background color, 0xRRGGBB. Qt only. */
    gboolean has_color_filter;          /**< Set if packet has color filter. Qt only. */
    gboolean display;                   /**< indicate if the packet is displayed or not in the graph */
    guint src_node;                     /**< this is used by graph_analysis.c to identify the node */
    guint dst_node;                     /**< a node is an IP address that will be displayed in columns */
    guint16 line_style;                 /**< the arrow line width in pixels*/
    guint32  info_type;                 /**< type of info for item */
    gpointer info_ptr;                  /**< ptr to info for item */
} seq_analysis_item_t;

/** defines the graph analysis structure */
typedef struct _seq_analysis_info {
    const char* name;  /**< Name of sequence analysis */
    gboolean    any_addr;    /**< any addr (DL+net) vs net-only */
    int         nconv;       /**< number of conversations in the list */
    GQueue*     items;       /**< list of seq_analysis_info_t */
    GHashTable *ht;          /**< hash table of seq_analysis_info_t */
    address nodes[MAX_NUM_NODES]; /**< horizontal node list */
    guint32 num_nodes;       /**< actual number of nodes */
} seq_analysis_info_t;

WS_DLL_PUBLIC void register_seq_analysis(const char* name, const char* ui_name, const int proto_id, const char* tap_listener, guint tap_flags, tap_packet_cb tap_func);
WS_DLL_PUBLIC seq_analysis_item_t* sequence_analysis_create_sai_with_addresses(packet_info *pinfo, seq_analysis_info_t *sainfo);
WS_DLL_PUBLIC void sequence_analysis_use_color_filter(packet_info *pinfo, seq_analysis_item_t *sai);

#if GLIB_SIZEOF_VOID_P == 8
G_STATIC_ASSERT(sizeof(seq_analysis_item_t) == 0x90);
G_STATIC_ASSERT(offsetof(seq_analysis_item_t, src_addr) == 0x8);
G_STATIC_ASSERT(offsetof(seq_analysis_item_t, dst_addr) == 0x28);
G_STATIC_ASSERT(offsetof(seq_analysis_item_t, frame_label) == 0x48);
G_STATIC_ASSERT(offsetof(seq_analysis_item_t, time_str) == 0x50);
G_STATIC_ASSERT(offsetof(seq_analysis_item_t, comment) == 0x58);
G_STATIC_ASSERT(sizeof(seq_analysis_info_t) == 0x3e8);
G_STATIC_ASSERT(offsetof(seq_analysis_info_t, any_addr) == 0x8);
G_STATIC_ASSERT(offsetof(seq_analysis_info_t, items) == 0x10);
G_STATIC_ASSERT(offsetof(seq_analysis_info_t, ht) == 0x18);
#endif
#endif /* sequence analysis */

#endif /* SIPKB_WS_COMPAT_H */
