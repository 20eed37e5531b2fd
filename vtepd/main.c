/* SPDX-License-Identifier: Apache-2.0 */
/* vtepd: options, wiring and the event loop.  Everything else lives in the
 * modules this file starts. */
#include <errno.h>
#include <ev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lib/ds.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/daemon.h"
#include "vtepd/database.h"
#include "vtepd/forwarding.h"
#include "vtepd/metrics.h"
#include "vtepd/options.h"
#include "vtepd/ovs-rundir.h"
#include "vtepd/paths.h"
#include "vtepd/replica/replica.h"
#include "vtepd/vtep/vtep.h"
#include "vtepd/unixctl.h"

VLOG_DEFINE_THIS_MODULE(vtepd);

static bool exiting;

static void
on_exit_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    VLOG_INFO("%s received, exiting", strsignal(w->signum));
    exiting = true;
    ev_break(loop, EVBREAK_ALL);
}

/* Client mode: runs 'loop' until the replica holds the remote database.
 * Returns false if vtepd was told to exit first. */
static bool
wait_for_database(struct ev_loop *loop, struct vtepd_database *database)
{
    while (!exiting && !vtepd_database_poll_ready(database)) {
        ev_run(loop, EVRUN_ONCE);
    }
    return !exiting;
}

/* Client mode: the replica whose undone writes make the reconciler
 * derive its rows again. */
static struct replica *lost_replica;

/* Client mode: undone writes make the reconciler derive its rows again. */
static void
writes_lost_cb(bool refused, void *forwarding)
{
    const struct replica_row_ref *rows;
    size_t n = replica_refused_rows(lost_replica, &rows);
    struct vtep_row_ref *refs = xcalloc(n + 1, sizeof *refs);

    for (size_t i = 0; i < n; i++) {
        refs[i].table = rows[i].table;
        refs[i].uuid = rows[i].uuid;
    }
    vtep_db_writes_lost(vtepd_forwarding_get_vtep(forwarding), refused, refs,
                        n);
    free(refs);
}

static void
on_sighup(struct ev_loop *loop, ev_signal *w, int revents)
{
    int error = vlog_reopen_log_file();

    if (error) {
        VLOG_WARN("%s: cannot reopen log file (%s)", vlog_get_log_file(),
                  strerror(-error));
    }
}

static void
setup_logging(const struct vtepd_options *opts)
{
    if (opts->verbosity) {
        vlog_set_level(VLD_CONSOLE, VLL_DBG);
        vlog_set_level(VLD_FILE, VLL_DBG);
        vlog_set_level(VLD_SYSLOG, VLL_DBG);
    }
    if (opts->log_file) {
        int error = vtepd_make_parent_dirs(opts->log_file);

        if (!error) {
            error = vlog_open_log_file(opts->log_file);
        }

        if (error) {
            fprintf(stderr, "%s: %s: cannot open log file (%s)\n",
                    program_name, opts->log_file, strerror(-error));
            exit(EXIT_FAILURE);
        }
    }
    if (opts->syslog_ident) {
        vlog_open_syslog(opts->syslog_ident);
    }
}

/* Opens the control socket; returns NULL (after logging why) on failure. */
static struct unixctl_server *
start_unixctl(struct ev_loop *loop, const char *path)
{
    struct unixctl_server *server;
    int error = vtepd_make_parent_dirs(path);

    if (!error) {
        error = unixctl_server_create(loop, path, &server);
    }
    if (error) {
        VLOG_ERR("%s: cannot open control socket (%s)", path,
                 strerror(-error));
        return NULL;
    }
    ovs_rundir_publish_unixctl(path);
    VLOG_INFO("control socket at %s (try: ovs-appctl -t %s list-commands)",
              path, path);
    return server;
}

/* "vlog/file": where the log goes, as an absolute path, for vtep-cli's
 * "show logging".  'path_' is the resolved --log-file, or NULL. */
static void
vlog_file_cb(struct unixctl_conn *conn, int argc, const char *argv[],
             void *path_)
{
    const char *path = path_;

    if (path) {
        char *line = xasprintf("%s\n", path);

        unixctl_command_reply(conn, line);
        free(line);
    } else {
        unixctl_command_reply_error(conn, "vtepd logs to no file "
                                          "(start it with --log-file)");
    }
}

/* Starts --metrics, if given, on what 'database' and 'forwarding' (NULL
 * with --hal=none) hold.  Returns false after logging why on failure. */
static bool
start_metrics(struct ev_loop *loop, const struct vtepd_options *opts,
              struct vtepd_database *database,
              struct vtepd_forwarding *forwarding,
              struct vtepd_metrics **metricsp)
{
    struct vtepd_metrics_sources src = {
        .db = vtepd_database_get_db(database),
        .server = vtepd_database_get_server(database),
        .hal = forwarding ? vtepd_forwarding_get_hal(forwarding) : NULL,
        .vtep = forwarding ? vtepd_forwarding_get_vtep(forwarding) : NULL,
    };
    int error;

    *metricsp = NULL;
    if (!opts->metrics) {
        return true;
    }
    error = vtepd_metrics_start(loop, opts->metrics, &src, metricsp);
    if (error) {
        VLOG_ERR("--metrics=%s: cannot listen (%s)", opts->metrics,
                 strerror(-error));
        return false;
    }
    VLOG_INFO("metrics on http port %u (try: curl "
              "http://127.0.0.1:%u/metrics)",
              (unsigned) vtepd_metrics_port(*metricsp),
              (unsigned) vtepd_metrics_port(*metricsp));
    return true;
}

/* Says, once at start-up, what is starting. */
static void
report_status(const struct vtepd_options *opts)
{
    if (opts->n_db_remotes) {
        VLOG_INFO("vtepd %s starting (client mode, database at %s, hal %s)",
                  VTEPD_VERSION, opts->db_remotes[0],
                  vtepd_hal_name(opts->hal));
        return;
    }
    VLOG_INFO("vtepd %s starting (database %s, hal %s)", VTEPD_VERSION,
              opts->database, vtepd_hal_name(opts->hal));
}

/* Fills in the default --max-sessions from the descriptor limit. */
static void
resolve_max_sessions(struct vtepd_options *opts)
{
    struct rlimit rl;

    if (!opts->max_sessions) {
        unsigned long long limit = getrlimit(RLIMIT_NOFILE, &rl)
                                       ? 1024
                                       : (unsigned long long) rl.rlim_cur;

        opts->max_sessions = vtepd_default_max_sessions(limit);
    }
}

/* Frees what main() allocated and returns 'status', for every exit path. */
static int
finish(struct vtepd_options *opts, struct ds *out, struct ds *err, int status)
{
    ovs_rundir_unpublish();
    vtepd_options_destroy(opts);
    ds_destroy(out);
    ds_destroy(err);
    vlog_close();
    return status;
}

int
main(int argc, char *argv[])
{
    struct vtepd_options opts;
    struct ds out = DS_EMPTY_INITIALIZER, err = DS_EMPTY_INITIALIZER;
    ev_signal sigint_w, sigterm_w, sighup_w;
    struct unixctl_server *unixctl;
    struct vtepd_database *database = NULL;
    struct vtepd_forwarding *forwarding = NULL;
    struct vtepd_metrics *metrics = NULL;
    char *log_file_abs = NULL;
    struct ev_loop *loop;
    const char *missing;

    set_program_name(argv[0]);
    vtepd_features.unixctl = true;
    vtepd_features.ovsdb_server = true;
    vtepd_features.tls = true;
    vtepd_features.db_remotes = true;
    vtepd_forwarding_init();
    switch (vtepd_options_parse(&opts, argc, argv, &out, &err)) {
    case VTEPD_OPTIONS_EXIT_OK:
        fputs(ds_cstr(&out), stdout);
        return finish(&opts, &out, &err, EXIT_SUCCESS);
    case VTEPD_OPTIONS_EXIT_ERROR:
        fprintf(stderr, "%s: %s\n", program_name, ds_cstr(&err));
        return finish(&opts, &out, &err, EXIT_FAILURE);
    case VTEPD_OPTIONS_RUN:
        break;
    }
    missing = vtepd_options_unimplemented(&opts);
    if (missing) {
        fprintf(stderr, "%s: %s: not implemented yet\n", program_name,
                missing);
        return finish(&opts, &out, &err, EXIT_FAILURE);
    }

    setup_logging(&opts);
    if (opts.log_file) {
        log_file_abs = realpath(opts.log_file, NULL);
    }
    signal(SIGPIPE, SIG_IGN);
    if (opts.detach) {
        daemon_detach_start();
    }
    if (opts.pidfile) {
        ds_clear(&err);
        vtepd_make_parent_dirs(opts.pidfile);
        if (daemon_pidfile_create(opts.pidfile, &err)) {
            VLOG_ERR("%s", ds_cstr(&err));
            free(log_file_abs);
            return finish(&opts, &out, &err, EXIT_FAILURE);
        }
    }

    loop = ev_default_loop(EVFLAG_AUTO);
    ev_signal_init(&sigint_w, on_exit_signal, SIGINT);
    ev_signal_init(&sigterm_w, on_exit_signal, SIGTERM);
    ev_signal_init(&sighup_w, on_sighup, SIGHUP);
    ev_signal_start(loop, &sigint_w);
    ev_signal_start(loop, &sigterm_w);
    ev_signal_start(loop, &sighup_w);

    report_status(&opts);
    resolve_max_sessions(&opts);
    unixctl = start_unixctl(loop, opts.unixctl);
    unixctl_command_register("vlog/file", "", 0, 0, vlog_file_cb,
                             log_file_abs);
    if (unixctl) {
        database = vtepd_database_start(loop, &opts);
    }
    if (database && opts.hal != VTEPD_HAL_NONE) {
        /* The backend forwards with what it holds while a client-mode
         * database is still out of reach. */
        forwarding = vtepd_forwarding_open(loop, &opts);
        if (!forwarding) {
            vtepd_database_stop(database);
            database = NULL;
        }
    }
    if (database && !wait_for_database(loop, database)) {
        vtepd_forwarding_stop(forwarding);
        forwarding = NULL;
        vtepd_database_stop(database);
        database = NULL;
    }
    if (forwarding && database) {
        if (!vtepd_forwarding_attach(forwarding, &opts,
                                     vtepd_database_get_db(database))) {
            vtepd_forwarding_stop(forwarding);
            forwarding = NULL;
            vtepd_database_stop(database);
            database = NULL;
        } else if (vtepd_database_get_replica(database)) {
            lost_replica = vtepd_database_get_replica(database);
            replica_set_lost_cb(lost_replica, writes_lost_cb, forwarding);
        }
    }
    if (database
        && !start_metrics(loop, &opts, database, forwarding, &metrics)) {
        vtepd_forwarding_stop(forwarding);
        vtepd_database_stop(database);
        database = NULL;
    }
    if (!database) {
        free(log_file_abs);
        unixctl_server_destroy(unixctl);
        daemon_pidfile_remove();
        ev_loop_destroy(loop);
        return finish(&opts, &out, &err, EXIT_FAILURE);
    }
    daemon_busy_poll(loop, opts.busy_poll_usec);
    daemon_ready();
    ev_run(loop, 0);

    vtepd_metrics_stop(metrics);
    vtepd_forwarding_stop(forwarding);
    vtepd_database_stop(database);
    unixctl_server_destroy(unixctl);
    daemon_pidfile_remove();
    ev_loop_destroy(loop);
    free(log_file_abs);
    return finish(&opts, &out, &err, EXIT_SUCCESS);
}
