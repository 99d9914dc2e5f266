/* sipkb-replay: dissects captures with the sipkb plugin as tshark does (one pass, or two passes
 * as with -2; a visible tree whose every label is formatted, as with -V), one file after the
 * other in one process, closing each file before opening the next. That is what valgrind and
 * the memory checks need: one start-up for every capture, and file reloads, after which the
 * plugin must have released all of a file's state.
 *
 * Usage: sipkb-replay [-2] [-V] [-n ROUNDS] [-m] [-w] [-o pref:value]... FILE...
 *   -2  two passes (tshark -2);  -V  visible tree with every label formatted (tshark -V)
 *   -n  read the list of files ROUNDS times;  -m  after each file, print the heap bytes in use
 *       ("heap-in-use <round> <file> <bytes>") once its state is released
 *   -w  run without sipkb too (for comparisons: no error when the plugin is not loaded)
 * Plugins load as for tshark (WIRESHARK_PLUGIN_DIR, not as root). Exit status 2 when a file
 * cannot be read or sipkb is not loaded.
 */
#include <wireshark.h>

#include <dlfcn.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/frame_data_sequence.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <epan/addr_resolv.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#include "ws-compat.h"
#include <ws_version.h>

#define PROGRAM "sipkb-replay"

struct packet_provider_data {
    wtap *wth;
    frame_data_sequence *frames;
    const frame_data *ref;
    const frame_data *prev_dis;
    const frame_data *prev_cap;
};

typedef struct {
    gboolean two_pass;
    gboolean visible;
    gboolean heap_report;
    gboolean without_sipkb_ok;
    struct packet_provider_data prov;
    epan_t *epan;
    int file_type;
    guint32 n_frames;
    nstime_t elapsed;
    frame_data ref_frame;
    guint64 labels;
} replay;

static void
vreport(const char *format, va_list ap)
{
    fprintf(stderr, PROGRAM ": ");
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
}

static void G_GNUC_PRINTF(1, 2)
report(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    vreport(format, ap);
    va_end(ap);
}

static void
report_open(const char *name, int err, sipkb_ws_bool for_writing)
{
    report("can't open %s for %s: %s", name, for_writing ? "writing" : "reading", g_strerror(err));
}

static void
report_io(const char *name, int err)
{
    report("I/O error on %s: %s", name, g_strerror(err));
}

static void
report_cfile(const char *name, int err, gchar *err_info)
{
    report("%s: %s%s%s", name, wtap_strerror(err), err_info ? ": " : "", err_info ? err_info : "");
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
    report("can't rename %s to %s: %s", from, to, g_strerror(err));
}

static const struct report_message_routines report_routines = {
    .vreport_failure = vreport,
    .vreport_warning = vreport,
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

/* ---- what epan asks about other frames ------------------------------------------------------- */

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
provider_interface_name(struct packet_provider_data *prov _U_, guint32 interface_id _U_ SIPKB_PROVIDER_SECTION_PARAM)
{
    return "unknown";
}

static const char *
provider_interface_description(struct packet_provider_data *prov _U_, guint32 interface_id _U_ SIPKB_PROVIDER_SECTION_PARAM)
{
    return NULL;
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

/* ---- dissection ---------------------------------------------------------------------------- */

/* What printing the tree (tshark -V) does to every item: format its label. */
static void
format_labels(proto_node *node, gpointer data)
{
    replay *r = data;
    field_info *fi = PNODE_FINFO(node);
    if (fi && !fi->rep) {
        gchar label[ITEM_LABEL_LENGTH];
        sipkb_proto_item_fill_label(fi, label);
        r->labels++;
    } else if (fi) {
        r->labels++;
    }
    proto_tree_children_foreach(node, format_labels, data);
}

static void
dissect(replay *r, epan_dissect_t *edt, frame_data *fd, wtap_rec *rec, Buffer *buf)
{
    frame_data_set_before_dissect(fd, &r->elapsed, &r->prov.ref, r->prov.prev_dis);
    if (r->prov.ref == fd) {
        r->ref_frame = *fd;
        r->prov.ref = &r->ref_frame;
    }
    sipkb_epan_dissect_run(edt, r->file_type, rec, buf, fd, NULL);
    if (edt->tree && r->visible)
        proto_tree_children_foreach(edt->tree, format_labels, r);
}

static gboolean
read_report(const char *path, int err, gchar *err_info)
{
    if (err == 0)
        return TRUE;
    report("can't read %s: %s%s%s", path, wtap_strerror(err), err_info ? ": " : "",
           err_info ? err_info : "");
    g_free(err_info);
    return FALSE;
}

static gboolean
first_pass(replay *r, const char *path)
{
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset;
    guint32 cum_bytes = 0;
    wtap_rec rec;
    Buffer buf;
    sipkb_rec_init(&rec, &buf);
    gboolean visible = r->visible && !r->two_pass;
    epan_dissect_t *edt = epan_dissect_new(r->epan, TRUE, visible);
    while (sipkb_wtap_read(r->prov.wth, &rec, &buf, &err, &err_info, &offset)) {
        frame_data fd;
        frame_data_init(&fd, r->n_frames + 1, &rec, offset, cum_bytes);
        sipkb_prime_postdissector_hfids(edt);
        dissect(r, edt, &fd, &rec, &buf);
        frame_data_set_after_dissect(&fd, &cum_bytes);
        r->prov.prev_dis = r->prov.prev_cap = frame_data_sequence_add(r->prov.frames, &fd);
        r->n_frames++;
        epan_dissect_reset(edt);
        wtap_rec_reset(&rec);
    }
    epan_dissect_free(edt);
    sipkb_rec_cleanup(&rec, &buf);
    return read_report(path, err, err_info);
}

static gboolean
second_pass(replay *r, const char *path)
{
    int err = 0;
    gchar *err_info = NULL;
    gboolean ok = TRUE;
    wtap_rec rec;
    Buffer buf;
    sipkb_rec_init(&rec, &buf);
    epan_dissect_t *edt = epan_dissect_new(r->epan, TRUE, r->visible);
    r->prov.ref = r->prov.prev_dis = r->prov.prev_cap = NULL;
    nstime_set_zero(&r->elapsed);
    for (guint32 num = 1; ok && num <= r->n_frames; num++) {
        frame_data *fd = frame_data_sequence_find(r->prov.frames, num);
        if (!sipkb_wtap_seek_read(r->prov.wth, fd->file_off, &rec, &buf, &err, &err_info)) {
            ok = read_report(path, err, err_info);
            break;
        }
        dissect(r, edt, fd, &rec, &buf);
        epan_dissect_reset(edt);
        r->prov.prev_dis = r->prov.prev_cap = fd;
        wtap_rec_reset(&rec);
    }
    epan_dissect_free(edt);
    sipkb_rec_cleanup(&rec, &buf);
    return ok;
}

/* Opens, dissects and closes one file; closing releases the file scope. */
static gboolean
replay_file(replay *r, const char *path)
{
    int err = 0;
    gchar *err_info = NULL;
    r->prov.wth = wtap_open_offline(path, WTAP_TYPE_AUTO, &err, &err_info, TRUE);
    if (!r->prov.wth)
        return read_report(path, err ? err : WTAP_ERR_FILE_UNKNOWN_FORMAT, err_info);
    r->file_type = wtap_file_type_subtype(r->prov.wth);
    r->prov.frames = new_frame_data_sequence();
    r->prov.ref = r->prov.prev_dis = r->prov.prev_cap = NULL;
    nstime_set_zero(&r->elapsed);
    r->epan = epan_new(&r->prov, &provider_funcs);
    r->n_frames = 0;
    gboolean ok = first_pass(r, path);
    if (ok && r->two_pass)
        ok = second_pass(r, path);
    epan_free(r->epan);
    r->epan = NULL;
    free_frame_data_sequence(r->prov.frames);
    r->prov.frames = NULL;
    wtap_close(r->prov.wth);
    r->prov.wth = NULL;
    return ok;
}

static size_t
heap_in_use(void)
{
    struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
}

/* Wireshark unloads its plugins at exit (epan_cleanup); valgrind then forgets the plugin's
 * symbols, and what its globals still hold looks lost. Loading sipkb once more, never to be
 * unloaded, keeps both: leak reports name the plugin's functions, and only real leaks show. */
static void
pin_plugin(void)
{
    const char *dir = g_getenv("WIRESHARK_PLUGIN_DIR");
    if (!dir)
        return;
    char *path = g_strdup_printf("%s/%d.%d/epan/sipkb.so", dir, WIRESHARK_VERSION_MAJOR,
                                 WIRESHARK_VERSION_MINOR);
    if (g_file_test(path, G_FILE_TEST_EXISTS) && !dlopen(path, RTLD_LAZY | RTLD_NODELETE))
        report("can't load %s: %s", path, dlerror());
    g_free(path);
}

static gboolean
init_wireshark(const char *argv0, GPtrArray *pref_args)
{
    pin_plugin();
    init_process_policies();
    relinquish_special_privs_perm();
    sipkb_ws_log_init(PROGRAM, vreport);
    char *error = sipkb_configuration_init(argv0);
    if (error) {
        report("can't find Wireshark's folders: %s", error);
        g_free(error);
    }
    init_report_message(PROGRAM, &report_routines);
    wtap_init(TRUE);
    if (!epan_init(NULL, NULL, TRUE)) {
        report("Wireshark's dissection engine failed to start");
        return FALSE;
    }
    epan_load_settings();
    for (guint i = 0; i < pref_args->len; i++) {
        char *message = NULL;
        char *arg = g_ptr_array_index(pref_args, i);
        if (prefs_set_pref(arg, &message) != PREFS_SET_OK) {
            report("invalid preference %s%s%s", arg, message ? ": " : "", message ? message : "");
            g_free(message);
            return FALSE;
        }
    }
    prefs_apply_all();
    disable_name_resolution();
    return TRUE;
}

int
main(int argc, char *argv[])
{
    replay r = {0};
    long rounds = 1;
    GPtrArray *pref_args = g_ptr_array_new();
    int opt;
    while ((opt = getopt(argc, argv, "2Vmwn:o:")) != -1) {
        switch (opt) {
        case '2':
            r.two_pass = TRUE;
            break;
        case 'V':
            r.visible = TRUE;
            break;
        case 'm':
            r.heap_report = TRUE;
            break;
        case 'w':
            r.without_sipkb_ok = TRUE;
            break;
        case 'n':
            rounds = strtol(optarg, NULL, 10);
            break;
        case 'o':
            g_ptr_array_add(pref_args, optarg);
            break;
        default:
            fprintf(stderr, "usage: " PROGRAM " [-2] [-V] [-n ROUNDS] [-m] [-w] [-o pref:value]... "
                            "FILE...\n");
            return 1;
        }
    }
    if (optind >= argc || rounds < 1) {
        fprintf(stderr, "usage: " PROGRAM " [-2] [-V] [-n ROUNDS] [-m] [-w] [-o pref:value]... "
                        "FILE...\n");
        return 1;
    }
    if (!init_wireshark(argv[0], pref_args))
        return 2;
    if (proto_get_id_by_filter_name("sipkb") == -1 && !r.without_sipkb_ok) {
        report("the sipkb plugin is not loaded (WIRESHARK_PLUGIN_DIR, not as root)");
        return 2;
    }
    gboolean ok = TRUE;
    guint64 frames = 0, files = 0;
    for (long round = 1; round <= rounds; round++) {
        for (int i = optind; i < argc; i++) {
            ok = replay_file(&r, argv[i]) && ok;
            frames += r.n_frames;
            files++;
            if (r.heap_report)
                printf("heap-in-use %ld %s %zu\n", round, argv[i], heap_in_use());
        }
    }
    printf("%" G_GUINT64_FORMAT " frames in %" G_GUINT64_FORMAT " file reads, %" G_GUINT64_FORMAT
           " tree items formatted\n", frames, files, r.labels);
    g_ptr_array_free(pref_args, TRUE);
    epan_cleanup();
    wtap_cleanup();
    return ok ? 0 : 2;
}
