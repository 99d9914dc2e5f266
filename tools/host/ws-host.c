/* The libwireshark program set-up shared by sipkb-annotate and sipkb-replay (ws-host.h). */
#include "ws-host.h"

#include <stdio.h>

#include <epan/addr_resolv.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <wsutil/privileges.h>

static sipkb_host_config host;

void
sipkb_host_configure(const sipkb_host_config *config)
{
    host = *config;
}

/* ---- messages ------------------------------------------------------------------------------- */

static void
vmessage(const char *format, va_list ap)
{
    fprintf(stderr, "%s: ", host.program);
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
}

void
sipkb_host_message(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vmessage(format, ap);
    va_end(ap);
}

/* Around a file name or preference in messages. */
static const char *
quote(void)
{
    return host.quote_names ? "\"" : "";
}

static void
report_open(const char *name, int err, sipkb_ws_bool for_writing)
{
    sipkb_host_message("can't open %s%s%s for %s: %s", quote(), name, quote(),
                       for_writing ? "writing" : "reading", g_strerror(err));
}

static void
report_io(const char *name, int err)
{
    sipkb_host_message("I/O error on %s%s%s: %s", quote(), name, quote(), g_strerror(err));
}

static void
report_cfile(const char *name, int err, gchar *err_info)
{
    sipkb_host_message("%s%s%s: %s%s%s", quote(), name, quote(), wtap_strerror(err),
                       err_info ? ": " : "", err_info ? err_info : "");
}

static void
report_cfile_dump(const char *name, int err, gchar *err_info, int file_type _U_)
{
    report_cfile(name, err, err_info);
}

static void
report_cfile_write(const char *in _U_, const char *out, int err, gchar *err_info,
                   sipkb_report_frame_num frame _U_, int file_type _U_)
{
    report_cfile(out, err, err_info);
}

static void G_GNUC_UNUSED
report_rename(const char *from, const char *to, int err)
{
    sipkb_host_message("can't rename %s to %s: %s", from, to, g_strerror(err));
}

/* SIPKB_REPORT_RENAME_FAILURE() brings its own comma: a line of its own. */
/* clang-format off */
static const struct report_message_routines report_routines = {
    .vreport_failure = vmessage,
    .vreport_warning = vmessage,
    .report_open_failure = report_open,
    .report_read_failure = report_io,
    .report_write_failure = report_io,
    SIPKB_REPORT_RENAME_FAILURE(report_rename)
    .report_cfile_open_failure = report_cfile,
    .report_cfile_dump_open_failure = report_cfile_dump,
    .report_cfile_read_failure = report_cfile,
    .report_cfile_write_failure = report_cfile_write,
    .report_cfile_close_failure = report_cfile,
};
/* clang-format on */

/* ---- what epan asks about other frames ------------------------------------------------------ */

static const nstime_t *
provider_frame_ts(struct packet_provider_data *prov, guint32 frame_num)
{
    const frame_data *known[] = {prov->ref, prov->prev_dis, prov->prev_cap};
    for (gsize i = 0; i < G_N_ELEMENTS(known); i++)
        if (known[i] && known[i]->num == frame_num)
            return &known[i]->abs_ts;
    frame_data *fd = prov->frames ? frame_data_sequence_find(prov->frames, frame_num) : NULL;
    return fd ? &fd->abs_ts : NULL;
}

static const char *
interface_option(struct packet_provider_data *prov, guint32 interface_id, guint option)
{
    if (!host.interface_names)
        return NULL;
    wtapng_iface_descriptions_t *idb_info = wtap_file_get_idb_info(prov->wth);
    wtap_block_t idb = NULL;
    if (interface_id < idb_info->interface_data->len)
        idb = g_array_index(idb_info->interface_data, wtap_block_t, interface_id);
    g_free(idb_info);
    char *value;
    if (idb && wtap_block_get_string_option_value(idb, option, &value) == WTAP_OPTTYPE_SUCCESS)
        return value;
    return NULL;
}

static const char *
provider_interface_name(struct packet_provider_data *prov,
                        guint32 interface_id SIPKB_PROVIDER_SECTION_PARAM)
{
    const char *name = interface_option(prov, interface_id, OPT_IDB_NAME);
    return name ? name : "unknown";
}

static const char *
provider_interface_description(struct packet_provider_data *prov,
                               guint32 interface_id SIPKB_PROVIDER_SECTION_PARAM)
{
    return interface_option(prov, interface_id, OPT_IDB_DESCRIPTION);
}

static wtap_block_t
provider_modified_block(struct packet_provider_data *prov _U_, const frame_data *fd _U_)
{
    return NULL;
}

static const struct packet_provider_funcs provider_funcs = {
    .get_frame_ts = provider_frame_ts,
    .get_interface_name = provider_interface_name,
    .get_interface_description = provider_interface_description,
    .get_modified_block = provider_modified_block,
};

/* ---- start-up ------------------------------------------------------------------------------- */

static gboolean
set_preferences(GPtrArray *pref_args)
{
    for (guint i = 0; i < pref_args->len; i++) {
        char *message = NULL;
        char *arg = g_ptr_array_index(pref_args, i);
        if (prefs_set_pref(arg, &message) != PREFS_SET_OK) {
            sipkb_host_message("invalid preference %s%s%s%s%s", quote(), arg, quote(),
                               message ? ": " : "", message ? message : "");
            g_free(message);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
sipkb_host_start(const char *argv0, GPtrArray *pref_args)
{
    init_process_policies();
    relinquish_special_privs_perm();
    sipkb_ws_log_init(host.program, vmessage);
    char *error = sipkb_configuration_init(argv0);
    if (error) {
        sipkb_host_message("can't find Wireshark's folders: %s", error);
        g_free(error);
    }
    init_report_message(host.program, &report_routines);
    wtap_init(TRUE);
    if (!epan_init(NULL, NULL, TRUE)) {
        sipkb_host_message("Wireshark's dissection engine failed to start");
        return FALSE;
    }
    epan_load_settings();
    if (!set_preferences(pref_args))
        return FALSE;
    prefs_apply_all();
    disable_name_resolution();
    return TRUE;
}

void
sipkb_host_run_empty_session(void)
{
    struct packet_provider_data none = {0};
    epan_free(epan_new(&none, &provider_funcs));
}

void
sipkb_host_stop(void)
{
    epan_cleanup();
    wtap_cleanup();
}

/* ---- a capture ------------------------------------------------------------------------------ */

gboolean
sipkb_host_open(sipkb_host_capture *cap, const char *path, int *err, gchar **err_info)
{
    *err = 0;
    *err_info = NULL;
    wtap *wth = wtap_open_offline(path, WTAP_TYPE_AUTO, err, err_info, TRUE);
    if (!wth)
        return FALSE;
    cap->prov.wth = wth;
    cap->file_type = wtap_file_type_subtype(wth);
    cap->prov.frames = new_frame_data_sequence();
    cap->epan = epan_new(&cap->prov, &provider_funcs);
    cap->n_frames = 0;
    return TRUE;
}

void
sipkb_host_close(sipkb_host_capture *cap)
{
    epan_free(cap->epan);
    cap->epan = NULL;
    free_frame_data_sequence(cap->prov.frames);
    cap->prov.frames = NULL;
    wtap_close(cap->prov.wth);
    cap->prov.wth = NULL;
}

/* ---- passes over a capture ------------------------------------------------------------------ */

void
sipkb_host_begin_pass(sipkb_host_capture *cap, sipkb_host_pass *pass, gboolean visible)
{
    cap->prov.ref = cap->prov.prev_dis = cap->prov.prev_cap = NULL;
    nstime_set_zero(&cap->elapsed);
    sipkb_rec_init(&pass->rec, &pass->buf);
    pass->edt = epan_dissect_new(cap->epan, TRUE, visible);
}

void
sipkb_host_end_pass(sipkb_host_pass *pass)
{
    epan_dissect_free(pass->edt);
    pass->edt = NULL;
    sipkb_rec_cleanup(&pass->rec, &pass->buf);
}

void
sipkb_host_dissect(sipkb_host_capture *cap, sipkb_host_pass *pass, frame_data *fd)
{
    frame_data_set_before_dissect(fd, &cap->elapsed, &cap->prov.ref, cap->prov.prev_dis);
    if (cap->prov.ref == fd) {
        cap->ref_frame = *fd;
        cap->prov.ref = &cap->ref_frame;
    }
    sipkb_epan_dissect_run(pass->edt, cap->file_type, &pass->rec, &pass->buf, fd, NULL);
}

gboolean
sipkb_host_first_pass(sipkb_host_capture *cap, gboolean visible, sipkb_host_frame_fn frame_done,
                      void *data, int *err, gchar **err_info)
{
    gint64 offset;
    guint32 cum_bytes = 0;
    sipkb_host_pass pass;
    *err = 0;
    *err_info = NULL;
    sipkb_host_begin_pass(cap, &pass, visible);
    while (sipkb_wtap_read(cap->prov.wth, &pass.rec, &pass.buf, err, err_info, &offset)) {
        frame_data fd;
        frame_data_init(&fd, cap->n_frames + 1, &pass.rec, offset, cum_bytes);
        sipkb_prime_postdissector_hfids(pass.edt);
        sipkb_host_dissect(cap, &pass, &fd);
        frame_data_set_after_dissect(&fd, &cum_bytes);
        cap->prov.prev_dis = cap->prov.prev_cap = frame_data_sequence_add(cap->prov.frames, &fd);
        cap->n_frames++;
        if (frame_done)
            frame_done(cap, pass.edt, data);
        epan_dissect_reset(pass.edt);
        wtap_rec_reset(&pass.rec);
    }
    sipkb_host_end_pass(&pass);
    return *err == 0;
}

frame_data *
sipkb_host_read_frame(sipkb_host_capture *cap, guint32 num, sipkb_host_pass *pass, int *err,
                      gchar **err_info)
{
    frame_data *fd = frame_data_sequence_find(cap->prov.frames, num);
    if (!sipkb_wtap_seek_read(cap->prov.wth, fd->file_off, &pass->rec, &pass->buf, err, err_info))
        return NULL;
    return fd;
}
