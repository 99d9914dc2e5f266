/* sipkb-annotate: writes a copy of a capture whose packet comments carry sipkb's findings, so
 * that a Wireshark without the plugin shows them (frame.comment).
 *
 * Reads the capture twice, as `tshark -2` does: the first pass lets sipkb see every frame (so
 * forward links such as "answered in frame 3" and absences such as "challenge unanswered" are
 * known), the second reads each record again by its offset, dissects it with a visible tree,
 * turns the sipkb items into comments and writes the record to a pcapng file. Memory holds
 * only Wireshark's own per-frame state. The output is written to a temporary file beside it
 * and renamed at the end; on any error or signal the temporary file is removed.
 */
#include <wireshark.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <epan/addr_resolv.h>
#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/frame_data_sequence.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/proto.h>
#include <epan/tvbuff.h>
#include <wiretap/wtap.h>
#include <wsutil/filesystem.h>
#include <wsutil/privileges.h>
#include <wsutil/report_message.h>
#include <wsutil/wslog.h>

#include "ws-compat.h"

#include "annotate-comments.h"
#include "version.h"

#define PROGRAM "sipkb-annotate"
#define SHB_PREFIX "Annotated by sipkb"

enum { EXIT_USAGE = 1, EXIT_ERROR = 2 };

/* What epan asks the application about frames other than the current one. */
struct packet_provider_data {
    wtap *wth;
    frame_data_sequence *frames;
    const frame_data *ref;
    const frame_data *prev_dis;
    const frame_data *prev_cap;
};

typedef struct {
    const char *in_path;
    const char *out_path;
    gboolean show_progress;

    struct packet_provider_data prov;
    epan_t *epan;
    int file_type;
    int proto_sipkb;
    guint32 n_frames;
    nstime_t elapsed;
    frame_data ref_frame;

    wtap_dumper *dumper;
    guint32 n_annotated;
} annotator;

/* The temporary output file, for the signal handler. */
static char temp_path[PATH_MAX];

/* ---- messages ------------------------------------------------------------------------------- */

static void G_GNUC_PRINTF(1, 2) fail(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    fprintf(stderr, PROGRAM ": ");
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void
vfail(const char *format, va_list ap)
{
    fprintf(stderr, PROGRAM ": ");
    vfprintf(stderr, format, ap);
    fputc('\n', stderr);
}

static void
report_open(const char *filename, int err, sipkb_ws_bool for_writing)
{
    fail("can't open \"%s\" for %s: %s", filename, for_writing ? "writing" : "reading",
         g_strerror(err));
}

static void
report_io(const char *filename, int err)
{
    fail("I/O error on \"%s\": %s", filename, g_strerror(err));
}

static void
report_cfile(const char *filename, int err, gchar *err_info)
{
    fail("\"%s\": %s%s%s", filename, wtap_strerror(err), err_info ? ": " : "",
         err_info ? err_info : "");
}

static void
report_cfile_dump(const char *filename, int err, gchar *err_info, int file_type _U_)
{
    report_cfile(filename, err, err_info);
}

static void
report_cfile_write(const char *in _U_, const char *out, int err, gchar *err_info, sipkb_report_frame_num frame _U_,
                   int file_type _U_)
{
    report_cfile(out, err, err_info);
}

static void G_GNUC_UNUSED
report_rename(const char *from, const char *to, int err)
{
    fail("can't rename %s to %s: %s", from, to, g_strerror(err));
}

static const struct report_message_routines report_routines = {
    .vreport_failure = vfail,
    .vreport_warning = vfail,
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

/* Why a capture cannot be read, in words for the command line. */
static void
report_read_error(const char *path, int err, gchar *err_info, guint32 after_frame)
{
    switch (err) {
    case WTAP_ERR_FILE_UNKNOWN_FORMAT:
        fail("\"%s\" is not a capture file in a format Wireshark reads", path);
        break;
    case WTAP_ERR_SHORT_READ:
        fail("\"%s\" is cut short in the middle of a packet after frame %u; nothing was "
             "written (`editcap` can copy the readable part first)",
             path, after_frame);
        break;
    default:
        if (err > 0)
            fail("can't read \"%s\": %s", path, g_strerror(err));
        else if (after_frame)
            fail("can't read \"%s\" after frame %u: %s%s%s; nothing was written", path, after_frame,
                 wtap_strerror(err), err_info ? " (" : "", err_info ? err_info : "");
        else
            fail("can't read \"%s\": %s%s%s%s", path, wtap_strerror(err), err_info ? " (" : "",
                 err_info ? err_info : "", err_info ? ")" : "");
        break;
    }
    g_free(err_info);
}

/* ---- progress on a terminal ----------------------------------------------------------------- */

static void
show_progress(const annotator *a, const char *pass, guint64 done, guint64 total, guint32 frame)
{
    static gint64 last_shown;
    if (!a->show_progress)
        return;
    gint64 now = g_get_monotonic_time();
    if (now - last_shown < 200000 && done < total)
        return;
    last_shown = now;
    int percent = total ? (int)(done * 100 / total) : 0;
    fprintf(stderr, "\r" PROGRAM ": %s: %3d%% (frame %u)\033[K", pass, percent, frame);
    fflush(stderr);
}

static void
end_progress(const annotator *a)
{
    if (a->show_progress) {
        fprintf(stderr, "\r\033[K");
        fflush(stderr);
    }
}

/* ---- the temporary output ------------------------------------------------------------------- */

static void
remove_temp(void)
{
    if (temp_path[0]) {
        unlink(temp_path);
        temp_path[0] = '\0';
    }
}

static void
on_signal(int sig)
{
    if (temp_path[0])
        unlink(temp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
catch_signals(void)
{
    static const int signals[] = {SIGINT, SIGTERM, SIGHUP, SIGPIPE};
    for (gsize i = 0; i < G_N_ELEMENTS(signals); i++) {
        struct sigaction action = {0};
        action.sa_handler = on_signal;
        sigaction(signals[i], &action, NULL);
    }
}

/* Creates "<dir>/.<name>.XXXXXX" beside the output, readable as a normal new file would be. */
static int
open_temp(const char *out_path)
{
    char *dir = g_path_get_dirname(out_path);
    char *base = g_path_get_basename(out_path);
    char *path = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    g_free(dir);
    g_free(base);
    if (strlen(path) >= sizeof temp_path) {
        fail("can't write \"%s\": %s", out_path, g_strerror(ENAMETOOLONG));
        g_free(path);
        return -1;
    }
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    sigprocmask(SIG_BLOCK, &block, &old);
    int fd = mkstemp(path);
    if (fd >= 0)
        g_strlcpy(temp_path, path, sizeof temp_path);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (fd < 0) {
        fail("can't write \"%s\": %s", out_path, g_strerror(errno));
        g_free(path);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    g_free(path);
    return fd;
}

/* ---- Wireshark set-up --------------------------------------------------------------------- */

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
provider_interface_name(struct packet_provider_data *prov, guint32 interface_id SIPKB_PROVIDER_SECTION_PARAM)
{
    const char *name = interface_option(prov, interface_id, OPT_IDB_NAME);
    return name ? name : "unknown";
}

static const char *
provider_interface_description(struct packet_provider_data *prov, guint32 interface_id SIPKB_PROVIDER_SECTION_PARAM)
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

/* Plugins (sipkb among them) come from Wireshark's plugin folders, or WIRESHARK_PLUGIN_DIR
 * when not running with special privileges, as for tshark. */
static gboolean
init_wireshark(const char *argv0, GPtrArray *pref_args)
{
    init_process_policies();
    relinquish_special_privs_perm();
    sipkb_ws_log_init(PROGRAM, vfail);
    char *error = sipkb_configuration_init(argv0);
    if (error) {
        fail("can't find Wireshark's folders: %s", error);
        g_free(error);
    }
    init_report_message(PROGRAM, &report_routines);
    wtap_init(TRUE);
    if (!epan_init(NULL, NULL, TRUE)) {
        fail("Wireshark's dissection engine failed to start");
        return FALSE;
    }
    epan_load_settings();
    for (guint i = 0; i < pref_args->len; i++) {
        char *message = NULL;
        char *arg = g_ptr_array_index(pref_args, i);
        if (prefs_set_pref(arg, &message) != PREFS_SET_OK) {
            fail("invalid preference \"%s\"%s%s", arg, message ? ": " : "", message ? message : "");
            g_free(message);
            return FALSE;
        }
    }
    prefs_apply_all();
    disable_name_resolution();
    return TRUE;
}

/* "Annotated by sipkb 0.1.0 (KB: generic ..., provider ...) with sipkb-annotate, Wireshark 4.0.17"
 */
static char *
annotation_note(void)
{
    header_field_info *hf = proto_registrar_get_byname(SIPKB_VERSION_FIELD);
    const char *version = hf && hf->blurb && g_str_has_prefix(hf->blurb, "sipkb ")
                              ? hf->blurb
                              : "sipkb (version not reported)";
    return g_strdup_printf("Annotated by %s with " PROGRAM ", Wireshark %s", version,
                           epan_get_version());
}

/* ---- the two passes ------------------------------------------------------------------------ */

static void
dissect(annotator *a, epan_dissect_t *edt, frame_data *fd, wtap_rec *rec, Buffer *buf)
{
    frame_data_set_before_dissect(fd, &a->elapsed, &a->prov.ref, a->prov.prev_dis);
    if (a->prov.ref == fd) {
        a->ref_frame = *fd;
        a->prov.ref = &a->ref_frame;
    }
    sipkb_epan_dissect_run(edt, a->file_type, rec, buf, fd, NULL);
}

static gboolean
first_pass(annotator *a)
{
    int err = 0;
    gchar *err_info = NULL;
    gint64 offset;
    guint32 cum_bytes = 0;
    wtap_rec rec;
    Buffer buf;
    sipkb_rec_init(&rec, &buf);
    epan_dissect_t *edt = epan_dissect_new(a->epan, TRUE, FALSE);
    gint64 size = wtap_file_size(a->prov.wth, NULL);

    while (sipkb_wtap_read(a->prov.wth, &rec, &buf, &err, &err_info, &offset)) {
        frame_data fd;
        frame_data_init(&fd, a->n_frames + 1, &rec, offset, cum_bytes);
        sipkb_prime_postdissector_hfids(edt);
        dissect(a, edt, &fd, &rec, &buf);
        frame_data_set_after_dissect(&fd, &cum_bytes);
        a->prov.prev_dis = a->prov.prev_cap = frame_data_sequence_add(a->prov.frames, &fd);
        a->n_frames++;
        epan_dissect_reset(edt);
        wtap_rec_reset(&rec);
        show_progress(a, "reading (pass 1 of 2)", (guint64)wtap_read_so_far(a->prov.wth),
                      size > 0 ? (guint64)size : 0, a->n_frames);
    }
    epan_dissect_free(edt);
    sipkb_rec_cleanup(&rec, &buf);
    if (err != 0) {
        end_progress(a);
        report_read_error(a->in_path, err, err_info, a->n_frames);
        return FALSE;
    }
    return TRUE;
}

/* Drops the comments of an earlier annotation, keeps everybody else's. */
static void
drop_comments_with_prefix(wtap_block_t block, const char *prefix)
{
    char *comment;
    guint i = 0;
    while (wtap_block_get_nth_string_option_value(block, OPT_COMMENT, i, &comment) ==
           WTAP_OPTTYPE_SUCCESS) {
        if (g_str_has_prefix(comment, prefix))
            wtap_block_remove_nth_option_instance(block, OPT_COMMENT, i);
        else
            i++;
    }
}

static void
annotate_record(annotator *a, wtap_rec *rec, GPtrArray *lines)
{
    if (!rec->block) {
        if (lines->len == 0)
            return;
        rec->block = wtap_block_create(WTAP_BLOCK_PACKET);
    }
    drop_comments_with_prefix(rec->block, ANNOTATE_PREFIX);
    for (guint i = 0; i < lines->len; i++) {
        const char *line = g_ptr_array_index(lines, i);
        wtap_block_add_string_option(rec->block, OPT_COMMENT, line, strlen(line));
    }
    rec->block_was_modified = TRUE;
    if (lines->len)
        a->n_annotated++;
}

static gboolean
second_pass(annotator *a)
{
    int err = 0;
    gchar *err_info = NULL;
    gboolean ok = TRUE;
    wtap_rec rec;
    Buffer buf;
    sipkb_rec_init(&rec, &buf);
    epan_dissect_t *edt = epan_dissect_new(a->epan, TRUE, TRUE);
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);
    a->prov.ref = a->prov.prev_dis = a->prov.prev_cap = NULL;
    nstime_set_zero(&a->elapsed);

    for (guint32 num = 1; ok && num <= a->n_frames; num++) {
        frame_data *fd = frame_data_sequence_find(a->prov.frames, num);
        if (!sipkb_wtap_seek_read(a->prov.wth, fd->file_off, &rec, &buf, &err, &err_info)) {
            end_progress(a);
            report_read_error(a->in_path, err, err_info, num - 1);
            ok = FALSE;
            break;
        }
        /* Dissection drops the record's block (its comments): keep it for writing. */
        wtap_block_t block = rec.block ? wtap_block_ref(rec.block) : NULL;
        dissect(a, edt, fd, &rec, &buf);
        annotate_comments_collect(edt->tree, a->proto_sipkb, lines);
        epan_dissect_reset(edt);
        wtap_block_unref(rec.block);
        rec.block = block;
        a->prov.prev_dis = a->prov.prev_cap = fd;
        annotate_record(a, &rec, lines);
        g_ptr_array_set_size(lines, 0);
        if (!sipkb_wtap_dump(a->dumper, &rec, &buf, &err, &err_info)) {
            end_progress(a);
            fail("can't write frame %u to \"%s\": %s%s%s", num, a->out_path,
                 err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
                 err_info ? err_info : "");
            g_free(err_info);
            ok = FALSE;
        }
        wtap_rec_reset(&rec);
        show_progress(a, "annotating (pass 2 of 2)", num, a->n_frames, num);
    }
    g_ptr_array_free(lines, TRUE);
    epan_dissect_free(edt);
    sipkb_rec_cleanup(&rec, &buf);
    return ok;
}

/* The output's parameters: the input's interfaces (all known after the first pass), its
 * section header with the annotation note added. */
static void
output_params(annotator *a, wtap_dump_params *params)
{
    wtap_dump_params_init(params, a->prov.wth);
    if (!params->shb_hdrs || params->shb_hdrs->len == 0) {
        if (!params->shb_hdrs)
            params->shb_hdrs = g_array_new(FALSE, FALSE, sizeof(wtap_block_t));
        wtap_block_t shb = wtap_block_create(WTAP_BLOCK_SECTION);
        g_array_append_val(params->shb_hdrs, shb);
    }
    wtap_block_t shb = g_array_index(params->shb_hdrs, wtap_block_t, 0);
    drop_comments_with_prefix(shb, SHB_PREFIX);
    char *note = annotation_note();
    wtap_block_add_string_option(shb, OPT_COMMENT, note, strlen(note));
    g_free(note);
}

static gboolean
write_output(annotator *a)
{
    int fd = open_temp(a->out_path);
    if (fd < 0)
        return FALSE;
    int err = 0;
    gchar *err_info = NULL;
    wtap_dump_params params = WTAP_DUMP_PARAMS_INIT;
    output_params(a, &params);
    a->dumper = wtap_dump_fdopen(fd, wtap_pcapng_file_type_subtype(), WTAP_UNCOMPRESSED, &params,
                                 &err, &err_info);
    if (!a->dumper) {
        close(fd);
        fail("can't write \"%s\": %s%s%s", a->out_path,
             err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
             err_info ? err_info : "");
        g_free(err_info);
        wtap_dump_params_cleanup(&params);
        return FALSE;
    }
    gboolean ok = second_pass(a);
    err_info = NULL;
    if (!wtap_dump_close(a->dumper, NULL, &err, &err_info) && ok) {
        fail("can't write \"%s\": %s%s%s", a->out_path,
             err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
             err_info ? err_info : "");
        ok = FALSE;
    }
    g_free(err_info);
    a->dumper = NULL;
    wtap_dump_params_cleanup(&params);
    if (ok && rename(temp_path, a->out_path) != 0) {
        fail("can't write \"%s\": %s", a->out_path, g_strerror(errno));
        ok = FALSE;
    }
    if (ok)
        temp_path[0] = '\0';
    remove_temp();
    return ok;
}

static gboolean
annotate(annotator *a)
{
    int err = 0;
    gchar *err_info = NULL;
    a->prov.wth = wtap_open_offline(a->in_path, WTAP_TYPE_AUTO, &err, &err_info, TRUE);
    if (!a->prov.wth) {
        report_read_error(a->in_path, err, err_info, 0);
        return FALSE;
    }
    a->file_type = wtap_file_type_subtype(a->prov.wth);
    a->prov.frames = new_frame_data_sequence();
    a->epan = epan_new(&a->prov, &provider_funcs);
    gboolean ok = first_pass(a) && write_output(a);
    end_progress(a);
    epan_free(a->epan);
    free_frame_data_sequence(a->prov.frames);
    wtap_close(a->prov.wth);
    return ok;
}

/* ---- command line --------------------------------------------------------------------------- */

static void
usage(FILE *out)
{
    fprintf(out,
            "Usage: " PROGRAM " [-q] [-o <preference>:<value>]... -r <infile> -w <outfile>\n"
            "       " PROGRAM " [-q] [-o <preference>:<value>]... <infile> <outfile>\n"
            "\n"
            "Writes <outfile>, a pcapng copy of <infile> (any capture Wireshark reads) whose\n"
            "packet comments carry sipkb's findings: per SIP message a comment \"sipkb: <code>\n"
            "<reason>: <explanation>\" and one comment per finding or linked frame. Packets,\n"
            "time stamps and existing comments are kept; comments of an earlier sipkb\n"
            "annotation are replaced. Needs the sipkb plugin where Wireshark loads plugins\n"
            "(or WIRESHARK_PLUGIN_DIR, as for tshark; ignored when run as root).\n"
            "\n"
            "  -q       quiet: no progress display (shown on a terminal) and no summary\n"
            "  -o p:v   override a Wireshark preference, as with tshark -o\n"
            "  -h       this help;  -v  versions\n"
            "\n"
            "Exit status: 0 written, 1 usage error, 2 not written (the reason is printed).\n");
}

int
main(int argc, char *argv[])
{
    annotator a = {0};
    gboolean quiet = FALSE;
    gboolean want_version = FALSE;
    GPtrArray *pref_args = g_ptr_array_new();
    GPtrArray *files = g_ptr_array_new();
    int opt;
    while ((opt = getopt(argc, argv, "hqvo:r:w:")) != -1) {
        switch (opt) {
        case 'h':
            usage(stdout);
            return 0;
        case 'q':
            quiet = TRUE;
            break;
        case 'v':
            want_version = TRUE;
            break;
        case 'o':
            g_ptr_array_add(pref_args, optarg);
            break;
        case 'r':
            a.in_path = optarg;
            break;
        case 'w':
            a.out_path = optarg;
            break;
        default:
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    for (int i = optind; i < argc; i++)
        g_ptr_array_add(files, argv[i]);
    if (!a.in_path && files->len > 0)
        a.in_path = g_ptr_array_steal_index(files, 0);
    if (!a.out_path && files->len > 0)
        a.out_path = g_ptr_array_steal_index(files, 0);
    if (!want_version && (!a.in_path || !a.out_path || files->len > 0)) {
        usage(stderr);
        return EXIT_USAGE;
    }

    a.show_progress = !quiet && isatty(STDERR_FILENO);
    catch_signals();
    if (!init_wireshark(argv[0], pref_args))
        return EXIT_ERROR;
    a.proto_sipkb = proto_get_id_by_filter_name("sipkb");
    if (want_version) {
        /* The version text follows the KB layers in use, known once a session starts. */
        epan_free(epan_new(&a.prov, &provider_funcs));
        char *note = annotation_note();
        printf("%s\n", a.proto_sipkb == -1 ? "sipkb plugin not loaded" : note);
        g_free(note);
        return 0;
    }
    if (a.proto_sipkb == -1) {
        fail("the sipkb plugin is not loaded: install it where Wireshark loads plugins (see "
             "`tshark -G folders`) or set WIRESHARK_PLUGIN_DIR; nothing was written");
        return EXIT_ERROR;
    }
    gboolean ok = annotate(&a);
    if (ok && !quiet)
        fprintf(stderr, PROGRAM ": %u frames, %u annotated, written to %s\n", a.n_frames,
                a.n_annotated, a.out_path);
    epan_cleanup();
    wtap_cleanup();
    return ok ? 0 : EXIT_ERROR;
}
