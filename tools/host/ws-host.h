/* The set-up that sipkb's programs linking libwireshark share (tools/annotate/sipkb-annotate.c,
 * tests/robustness/sipkb-replay.c): messages prefixed with the program's name, Wireshark's
 * start-up with `-o` preferences, a capture opened for dissection with what epan asks about
 * other frames, the first pass over its records and what later passes read and dissect with.
 * Version differences: ws-compat.h.
 */
#ifndef SIPKB_WS_HOST_H
#define SIPKB_WS_HOST_H

#include <wireshark.h>

#include <epan/epan.h>
#include <epan/epan_dissect.h>
#include <epan/frame_data.h>
#include <epan/frame_data_sequence.h>
#include <wiretap/wtap.h>

#include "ws-compat.h"

/* How a program speaks and what it tells epan. */
typedef struct {
    const char *program;      /* before every message: "<program>: " */
    gboolean quote_names;     /* file names and preferences in double quotes in messages */
    gboolean interface_names; /* the capture's interface names and descriptions; otherwise
                               * every interface is "unknown", without a description */
} sipkb_host_config;

/* What epan asks the application about frames other than the current one. */
struct packet_provider_data {
    wtap *wth;
    frame_data_sequence *frames;
    const frame_data *ref;
    const frame_data *prev_dis;
    const frame_data *prev_cap;
};

/* One capture open for dissection: its frames (after the first pass) and epan session. */
typedef struct {
    struct packet_provider_data prov;
    epan_t *epan;
    int file_type;
    guint32 n_frames;
    nstime_t elapsed;
    frame_data ref_frame;
} sipkb_host_capture;

/* What one pass over a capture reads records into and dissects them with. */
typedef struct {
    wtap_rec rec;
    Buffer buf;
    epan_dissect_t *edt;
} sipkb_host_pass;

/* Called, when given, for each frame of the first pass once it is counted in cap->n_frames,
 * with its dissection still in edt. */
typedef void (*sipkb_host_frame_fn)(sipkb_host_capture *cap, epan_dissect_t *edt, void *data);

/* Sets the program's name and manner; call it first, before any message. */
void sipkb_host_configure(const sipkb_host_config *config);

/* Prints "<program>: <message>" and a newline on stderr. */
void sipkb_host_message(const char *format, ...) G_GNUC_PRINTF(1, 2);

/* Starts Wireshark as tshark does (plugins from its folders, or WIRESHARK_PLUGIN_DIR when not
 * running with special privileges), applies the `-o` arguments and turns name resolution off.
 * FALSE, with the reason printed, when the dissection engine fails or a preference is wrong. */
gboolean sipkb_host_start(const char *argv0, GPtrArray *pref_args);

/* Starts and ends an epan session without a capture: what plugins set up only when a session
 * starts (sipkb's knowledge base layers) is known afterwards. */
void sipkb_host_run_empty_session(void);

/* Ends what sipkb_host_start() started. */
void sipkb_host_stop(void);

/* Opens path and an epan session for it; FALSE, with *err and *err_info set and cap
 * unchanged, when it cannot be opened. */
gboolean sipkb_host_open(sipkb_host_capture *cap, const char *path, int *err, gchar **err_info);

/* Ends the session and closes the capture, releasing its frames. */
void sipkb_host_close(sipkb_host_capture *cap);

/* Starts a pass over cap (no reference or previous frame, no time elapsed) whose dissections
 * build a tree, visible when visible; sipkb_host_end_pass() releases what it holds. */
void sipkb_host_begin_pass(sipkb_host_capture *cap, sipkb_host_pass *pass, gboolean visible);
void sipkb_host_end_pass(sipkb_host_pass *pass);

/* Dissects the record in pass->rec as frame fd into pass->edt. */
void sipkb_host_dissect(sipkb_host_capture *cap, sipkb_host_pass *pass, frame_data *fd);

/* Reads and dissects every record in order (with a visible tree when visible), keeping each
 * frame's frame_data for later passes. FALSE, with *err and *err_info set, when a record
 * cannot be read. */
gboolean sipkb_host_first_pass(sipkb_host_capture *cap, gboolean visible,
                               sipkb_host_frame_fn frame_done, void *data, int *err,
                               gchar **err_info);

/* Reads frame num (1-based, after the first pass) again into the pass: its frame_data, or
 * NULL with *err and *err_info set. */
frame_data *sipkb_host_read_frame(sipkb_host_capture *cap, guint32 num, sipkb_host_pass *pass,
                                  int *err, gchar **err_info);

#endif /* SIPKB_WS_HOST_H */
