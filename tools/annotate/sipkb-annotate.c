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

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/packet.h>
#include <epan/proto.h>
#include <wiretap/wtap.h>

#include "ws-compat.h"
#include "ws-host.h"

#include "annotate-comments.h"
#include "version.h"

#define PROGRAM "sipkb-annotate"
#define SHB_PREFIX "Annotated by sipkb"

enum { EXIT_USAGE = 1, EXIT_ERROR = 2 };

typedef struct {
    const char *in_path;
    const char *out_path;
    gboolean show_progress;

    sipkb_host_capture cap;
    guint64 in_size;
    int proto_sipkb;

    wtap_dumper *dumper;
    guint32 n_annotated;
} annotator;

/* The temporary output file, for the signal handler. */
static char temp_path[PATH_MAX];

/* Messages quote file names; epan learns the capture's interface names. */
static const sipkb_host_config host_config = {
    .program = PROGRAM,
    .quote_names = TRUE,
    .interface_names = TRUE,
};

/* ---- messages ------------------------------------------------------------------------------- */

/* Why a capture cannot be read, in words for the command line. */
static void
report_read_error(const char *path, int err, gchar *err_info, guint32 after_frame)
{
    switch (err) {
    case WTAP_ERR_FILE_UNKNOWN_FORMAT:
        sipkb_host_message("\"%s\" is not a capture file in a format Wireshark reads", path);
        break;
    case WTAP_ERR_SHORT_READ:
        sipkb_host_message(
            "\"%s\" is cut short in the middle of a packet after frame %u; nothing was "
            "written (`editcap` can copy the readable part first)",
            path, after_frame);
        break;
    default:
        if (err > 0)
            sipkb_host_message("can't read \"%s\": %s", path, g_strerror(err));
        else if (after_frame)
            sipkb_host_message("can't read \"%s\" after frame %u: %s%s%s; nothing was written",
                               path, after_frame, wtap_strerror(err), err_info ? " (" : "",
                               err_info ? err_info : "");
        else
            sipkb_host_message("can't read \"%s\": %s%s%s%s", path, wtap_strerror(err),
                               err_info ? " (" : "", err_info ? err_info : "", err_info ? ")" : "");
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
        sipkb_host_message("can't write \"%s\": %s", out_path, g_strerror(ENAMETOOLONG));
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
        sipkb_host_message("can't write \"%s\": %s", out_path, g_strerror(errno));
        g_free(path);
        return -1;
    }
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    g_free(path);
    return fd;
}

/* ---- the version note ---------------------------------------------------------------------- */

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
first_pass_progress(sipkb_host_capture *cap, epan_dissect_t *edt _U_, void *data)
{
    const annotator *a = data;
    show_progress(a, "reading (pass 1 of 2)", (guint64)wtap_read_so_far(cap->prov.wth), a->in_size,
                  cap->n_frames);
}

static gboolean
first_pass(annotator *a)
{
    int err;
    gchar *err_info;
    gint64 size = wtap_file_size(a->cap.prov.wth, NULL);
    a->in_size = size > 0 ? (guint64)size : 0;
    if (sipkb_host_first_pass(&a->cap, FALSE, first_pass_progress, a, &err, &err_info))
        return TRUE;
    end_progress(a);
    report_read_error(a->in_path, err, err_info, a->cap.n_frames);
    return FALSE;
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
    sipkb_host_pass pass;
    sipkb_host_begin_pass(&a->cap, &pass, TRUE);
    wtap_rec *rec = &pass.rec;
    GPtrArray *lines = g_ptr_array_new_with_free_func(g_free);

    for (guint32 num = 1; ok && num <= a->cap.n_frames; num++) {
        frame_data *fd = sipkb_host_read_frame(&a->cap, num, &pass, &err, &err_info);
        if (!fd) {
            end_progress(a);
            report_read_error(a->in_path, err, err_info, num - 1);
            ok = FALSE;
            break;
        }
        /* Dissection drops the record's block (its comments): keep it for writing. */
        wtap_block_t block = rec->block ? wtap_block_ref(rec->block) : NULL;
        sipkb_host_dissect(&a->cap, &pass, fd);
        annotate_comments_collect(pass.edt->tree, a->proto_sipkb, lines);
        epan_dissect_reset(pass.edt);
        wtap_block_unref(rec->block);
        rec->block = block;
        a->cap.prov.prev_dis = a->cap.prov.prev_cap = fd;
        annotate_record(a, rec, lines);
        g_ptr_array_set_size(lines, 0);
        if (!sipkb_wtap_dump(a->dumper, rec, &pass.buf, &err, &err_info)) {
            end_progress(a);
            sipkb_host_message("can't write frame %u to \"%s\": %s%s%s", num, a->out_path,
                               err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
                               err_info ? err_info : "");
            g_free(err_info);
            ok = FALSE;
        }
        wtap_rec_reset(rec);
        show_progress(a, "annotating (pass 2 of 2)", num, a->cap.n_frames, num);
    }
    g_ptr_array_free(lines, TRUE);
    sipkb_host_end_pass(&pass);
    return ok;
}

/* The output's parameters: the input's interfaces (all known after the first pass), its
 * section header with the annotation note added. */
static void
output_params(annotator *a, wtap_dump_params *params)
{
    wtap_dump_params_init(params, a->cap.prov.wth);
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
        sipkb_host_message("can't write \"%s\": %s%s%s", a->out_path,
                           err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
                           err_info ? err_info : "");
        g_free(err_info);
        wtap_dump_params_cleanup(&params);
        return FALSE;
    }
    gboolean ok = second_pass(a);
    err_info = NULL;
    if (!wtap_dump_close(a->dumper, NULL, &err, &err_info) && ok) {
        sipkb_host_message("can't write \"%s\": %s%s%s", a->out_path,
                           err > 0 ? g_strerror(err) : wtap_strerror(err), err_info ? ": " : "",
                           err_info ? err_info : "");
        ok = FALSE;
    }
    g_free(err_info);
    a->dumper = NULL;
    wtap_dump_params_cleanup(&params);
    if (ok && rename(temp_path, a->out_path) != 0) {
        sipkb_host_message("can't write \"%s\": %s", a->out_path, g_strerror(errno));
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
    int err;
    gchar *err_info;
    if (!sipkb_host_open(&a->cap, a->in_path, &err, &err_info)) {
        report_read_error(a->in_path, err, err_info, 0);
        return FALSE;
    }
    gboolean ok = first_pass(a) && write_output(a);
    end_progress(a);
    sipkb_host_close(&a->cap);
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
    sipkb_host_configure(&host_config);
    if (!sipkb_host_start(argv[0], pref_args))
        return EXIT_ERROR;
    a.proto_sipkb = proto_get_id_by_filter_name("sipkb");
    if (want_version) {
        /* The version text follows the KB layers in use, known once a session starts. */
        sipkb_host_run_empty_session();
        char *note = annotation_note();
        printf("%s\n", a.proto_sipkb == -1 ? "sipkb plugin not loaded" : note);
        g_free(note);
        return 0;
    }
    if (a.proto_sipkb == -1) {
        sipkb_host_message(
            "the sipkb plugin is not loaded: install it where Wireshark loads plugins (see "
            "`tshark -G folders`) or set WIRESHARK_PLUGIN_DIR; nothing was written");
        return EXIT_ERROR;
    }
    gboolean ok = annotate(&a);
    if (ok && !quiet)
        fprintf(stderr, PROGRAM ": %u frames, %u annotated, written to %s\n", a.cap.n_frames,
                a.n_annotated, a.out_path);
    sipkb_host_stop();
    return ok ? 0 : EXIT_ERROR;
}
