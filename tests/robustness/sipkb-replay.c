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

#include <epan/epan_dissect.h>
#include <epan/proto.h>
#include <wiretap/wtap.h>

#include "ws-compat.h"
#include "ws-host.h"
#include <ws_version.h>

#define PROGRAM "sipkb-replay"

/* Messages name files as they are; every interface is "unknown", without a description. */
static const sipkb_host_config host_config = {
    .program = PROGRAM,
    .quote_names = FALSE,
    .interface_names = FALSE,
};

typedef struct {
    gboolean two_pass;
    gboolean visible;
    gboolean heap_report;
    gboolean without_sipkb_ok;
    sipkb_host_capture cap;
    guint64 labels;
} replay;

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

/* After each dissection: with -V, format the tree's labels. */
static void
format_tree(sipkb_host_capture *cap _U_, epan_dissect_t *edt, void *data)
{
    replay *r = data;
    if (edt->tree && r->visible)
        proto_tree_children_foreach(edt->tree, format_labels, r);
}

static gboolean
read_report(const char *path, int err, gchar *err_info)
{
    if (err == 0)
        return TRUE;
    sipkb_host_message("can't read %s: %s%s%s", path, wtap_strerror(err), err_info ? ": " : "",
                       err_info ? err_info : "");
    g_free(err_info);
    return FALSE;
}

static gboolean
first_pass(replay *r, const char *path)
{
    int err;
    gchar *err_info;
    gboolean visible = r->visible && !r->two_pass;
    sipkb_host_first_pass(&r->cap, visible, format_tree, r, &err, &err_info);
    return read_report(path, err, err_info);
}

static gboolean
second_pass(replay *r, const char *path)
{
    int err = 0;
    gchar *err_info = NULL;
    gboolean ok = TRUE;
    sipkb_host_pass pass;
    sipkb_host_begin_pass(&r->cap, &pass, r->visible);
    for (guint32 num = 1; ok && num <= r->cap.n_frames; num++) {
        frame_data *fd = sipkb_host_read_frame(&r->cap, num, &pass, &err, &err_info);
        if (!fd) {
            ok = read_report(path, err, err_info);
            break;
        }
        sipkb_host_dissect(&r->cap, &pass, fd);
        format_tree(&r->cap, pass.edt, r);
        epan_dissect_reset(pass.edt);
        r->cap.prov.prev_dis = r->cap.prov.prev_cap = fd;
        wtap_rec_reset(&pass.rec);
    }
    sipkb_host_end_pass(&pass);
    return ok;
}

/* Opens, dissects and closes one file; closing releases the file scope. */
static gboolean
replay_file(replay *r, const char *path)
{
    int err;
    gchar *err_info;
    if (!sipkb_host_open(&r->cap, path, &err, &err_info))
        return read_report(path, err ? err : WTAP_ERR_FILE_UNKNOWN_FORMAT, err_info);
    gboolean ok = first_pass(r, path);
    if (ok && r->two_pass)
        ok = second_pass(r, path);
    sipkb_host_close(&r->cap);
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
        sipkb_host_message("can't load %s: %s", path, dlerror());
    g_free(path);
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
    sipkb_host_configure(&host_config);
    pin_plugin();
    if (!sipkb_host_start(argv[0], pref_args))
        return 2;
    if (proto_get_id_by_filter_name("sipkb") == -1 && !r.without_sipkb_ok) {
        sipkb_host_message("the sipkb plugin is not loaded (WIRESHARK_PLUGIN_DIR, not as root)");
        return 2;
    }
    gboolean ok = TRUE;
    guint64 frames = 0, files = 0;
    for (long round = 1; round <= rounds; round++) {
        for (int i = optind; i < argc; i++) {
            ok = replay_file(&r, argv[i]) && ok;
            frames += r.cap.n_frames;
            files++;
            if (r.heap_report)
                printf("heap-in-use %ld %s %zu\n", round, argv[i], heap_in_use());
        }
    }
    printf("%" G_GUINT64_FORMAT " frames in %" G_GUINT64_FORMAT " file reads, %" G_GUINT64_FORMAT
           " tree items formatted\n",
           frames, files, r.labels);
    g_ptr_array_free(pref_args, TRUE);
    sipkb_host_stop();
    return ok ? 0 : 2;
}
