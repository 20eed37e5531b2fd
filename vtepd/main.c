/* vtepd: options, wiring and the event loop.  Everything else lives in the
 * modules this file starts. */
#include <errno.h>
#include <ev.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/ds.h"
#include "lib/log.h"
#include "lib/util.h"
#include "vtepd/daemon.h"
#include "vtepd/options.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/unixctl.h"

VLOG_DEFINE_THIS_MODULE(vtepd);

static void
on_exit_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    VLOG_INFO("%s received, exiting", strsignal(w->signum));
    ev_break(loop, EVBREAK_ALL);
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
        int error = vlog_open_log_file(opts->log_file);

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

/* Creates the directories leading to 'path' (like "mkdir -p DIR").
 * Returns 0 or a negative errno. */
static int
make_parent_dirs(const char *path)
{
    char *dir = xstrdup(path);
    char *p;
    int error = 0;

    for (p = dir + 1; *p && !error; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                error = -errno;
            }
            *p = '/';
        }
    }
    free(dir);
    return error;
}

/* Opens the control socket; returns NULL (after logging why) on failure. */
static struct unixctl_server *
start_unixctl(struct ev_loop *loop, const char *path)
{
    struct unixctl_server *server;
    int error = make_parent_dirs(path);

    if (!error) {
        error = unixctl_server_create(loop, path, &server);
    }
    if (error) {
        VLOG_ERR("%s: cannot open control socket (%s)", path,
                 strerror(-error));
        return NULL;
    }
    VLOG_INFO("control socket at %s (try: ovs-appctl -t %s list-commands)",
              path, path);
    return server;
}

/* Opens the database that vtepd serves: for now an empty one, in memory,
 * for the built-in hardware_vtep schema or for --schema.  (The storage
 * layer will replace this by opening or creating opts->database.)  Returns
 * NULL after logging why on failure. */
static struct ovsdb_db *
open_database(const struct vtepd_options *opts)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;

    if (opts->schema) {
        error = ovsdb_schema_from_file(opts->schema, &schema);
    } else {
        json_t *json = json_loads(ovsdb_builtin_vtep_schema(), 0, NULL);

        error = ovsdb_schema_from_json(json, &schema);
        json_decref(json);
    }
    if (error) {
        const char *details = ovsdb_error_details(error);

        VLOG_ERR("%s: cannot read schema (%s%s%s)",
                 opts->schema ? opts->schema : "built-in schema",
                 ovsdb_error_tag(error), details ? ": " : "",
                 details ? details : "");
        ovsdb_error_destroy(error);
        return NULL;
    }
    VLOG_WARN("database %s (schema %s %s) is kept in memory only: it is not "
              "persisted yet and starts empty",
              opts->database, schema->name, schema->version);
    return ovsdb_db_create(schema);
}

/* Makes sure the hardware_vtep database has its one Global row, which
 * vtep-ctl and controllers expect.  (The reconciler will add this switch's
 * Physical_Switch to Global.switches here.) */
static void
ensure_global_row(struct ovsdb_db *db)
{
    const struct ovsdb_table *global = ovsdb_db_find_table(db, "Global");
    json_t *params, *result;
    long long timeout;

    if (!global || ovsdb_table_count(global)) {
        return;
    }
    params = json_pack("[s{s:s,s:s,s:{}}]", db->schema->name, "op", "insert",
                       "table", "Global", "row");
    result = ovsdb_execute(db, params, NULL, &timeout);
    if (!result || json_object_get(json_array_get(result, 0), "error")) {
        VLOG_ERR("cannot create the Global row");
    }
    json_decref(result);
    json_decref(params);
}

/* Logs how to reach the listener 'remote' with vtep-ctl. */
static void
log_listener(const struct ovsdb_server *server, const char *remote)
{
    if (str_starts_with(remote, "punix:")) {
        VLOG_INFO("listening on %s (try: vtep-ctl --db=unix:%s show)", remote,
                  remote + strlen("punix:"));
    } else if (str_starts_with(remote, "ptcp:")) {
        const char *ip = strchr(remote + strlen("ptcp:"), ':');

        VLOG_INFO("listening on %s (try: vtep-ctl --db=tcp:%s:%u show)",
                  remote,
                  ip && strcmp(ip + 1, "0.0.0.0") ? ip + 1 : "127.0.0.1",
                  (unsigned int) ovsdb_server_get_port(server, remote));
    } else {
        VLOG_INFO("connecting to %s", remote);
    }
}

static void
memory_cb(struct ds *out, void *server)
{
    struct ovsdb_server_stats st;

    ovsdb_server_get_stats(server, &st);
    unixctl_memory_put(out, "sessions", st.sessions);
    unixctl_memory_put(out, "monitors", st.monitors);
    unixctl_memory_put(out, "monitor-requests", st.monitor_specs);
    unixctl_memory_put(out, "update-encodings", st.update_encodings);
    unixctl_memory_put(out, "triggers", st.triggers);
    unixctl_memory_put(out, "locks", st.locks);
    unixctl_memory_put(out, "rows", st.rows);
    unixctl_memory_put(out, "history-txns", st.history_txns);
    unixctl_memory_put(out, "history-bytes", st.history_bytes);
}

/* Starts serving 'db' on the remotes of 'opts'.  Returns NULL after
 * logging why if a remote cannot be served. */
static struct ovsdb_server *
start_ovsdb_server(struct ev_loop *loop, const struct vtepd_options *opts,
                   struct ovsdb_db *db)
{
    struct ovsdb_server *server = ovsdb_server_create(loop, db);

    for (size_t i = 0; i < opts->n_remotes; i++) {
        const char *remote = opts->remotes[i];
        int error = 0;

        if (str_starts_with(remote, "punix:")) {
            error = make_parent_dirs(remote + strlen("punix:"));
        }
        if (!error) {
            error = ovsdb_server_add_remote(server, remote);
        }
        if (error) {
            VLOG_ERR("%s: cannot serve the database (%s)%s", remote,
                     strerror(-error),
                     error == -EADDRINUSE
                         ? "; is another vtepd or ovsdb-server running? "
                           "(choose other remotes with --remote)"
                         : "");
            ovsdb_server_destroy(server);
            return NULL;
        }
        log_listener(server, remote);
    }
    unixctl_memory_register(memory_cb, server);
    return server;
}

/* Says, once at start-up, what this build of vtepd serves. */
static void
report_status(const struct vtepd_options *opts)
{
    struct ds remotes = DS_EMPTY_INITIALIZER;
    size_t i;

    for (i = 0; i < opts->n_remotes; i++) {
        ds_put_format(&remotes, "%s%s", i ? ", " : "", opts->remotes[i]);
    }
    VLOG_INFO("vtepd %s starting (database %s, hal %s)", VTEPD_VERSION,
              opts->database, vtepd_hal_name(opts->hal));
    if (!vtepd_features.ovsdb_server) {
        VLOG_WARN("the OVSDB server is not implemented yet: NOT serving %s; "
                  "this build only runs the event loop (Ctrl-C to stop)",
                  ds_cstr(&remotes));
    }
    if (opts->hal == VTEPD_HAL_ASIC && !vtepd_features.hal_asic) {
        VLOG_WARN("the asic backend is not implemented yet: no forwarding "
                  "state is kept");
    }
    ds_destroy(&remotes);
}

/* Frees what main() allocated and returns 'status', for every exit path. */
static int
finish(struct vtepd_options *opts, struct ds *out, struct ds *err, int status)
{
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
    struct ovsdb_server *server = NULL;
    struct ovsdb_db *db = NULL;
    struct ev_loop *loop;
    const char *missing;

    set_program_name(argv[0]);
    vtepd_features.unixctl = true;
    vtepd_features.ovsdb_server = true;
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
    signal(SIGPIPE, SIG_IGN);
    if (opts.detach) {
        daemon_detach_start();
    }
    if (opts.pidfile) {
        ds_clear(&err);
        if (daemon_pidfile_create(opts.pidfile, &err)) {
            VLOG_ERR("%s", ds_cstr(&err));
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
    unixctl = start_unixctl(loop, opts.unixctl);
    if (unixctl) {
        db = open_database(&opts);
    }
    if (db) {
        if (!opts.schema) {
            ensure_global_row(db);
        }
        server = start_ovsdb_server(loop, &opts, db);
    }
    if (!server) {
        unixctl_server_destroy(unixctl);
        ovsdb_db_destroy(db);
        daemon_pidfile_remove();
        ev_loop_destroy(loop);
        return finish(&opts, &out, &err, EXIT_FAILURE);
    }
    daemon_ready();
    ev_run(loop, 0);

    ovsdb_server_destroy(server);
    ovsdb_db_destroy(db);
    unixctl_server_destroy(unixctl);
    daemon_pidfile_remove();
    ev_loop_destroy(loop);
    return finish(&opts, &out, &err, EXIT_SUCCESS);
}
