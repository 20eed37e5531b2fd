/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/database.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/memtrim.h"
#include "vtepd/options.h"
#include "vtepd/ovs-rundir.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/convert.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/ovsdb/remotes.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server.h"
#include "lib/slab.h"
#include "vtepd/ovsdb/store.h"
#include "vtepd/jsonrpc/stream.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/paths.h"
#include "vtepd/replica/replica.h"
#include "vtepd/unixctl.h"

VLOG_DEFINE_THIS_MODULE(database);

struct vtepd_database {
    struct ovsdb_store *store; /* Owns the database. */
    struct ovsdb_server *server;
    struct ovsdb_remotes *db_remotes; /* --remote=db:..., or NULL. */
    struct vtepd_memtrim *memtrim;
    struct ovsdb_db *replica_db; /* Client mode: the replica, else NULL. */
    struct replica *replica;
    bool ready; /* vtepd_database_poll_ready() said so. */
};

/* Logs 'error' (destroying it) as the reason 'what' failed. */
static void
log_ovsdb_error(const char *what, struct ovsdb_error *error)
{
    const char *details = ovsdb_error_details(error);

    VLOG_ERR("%s: %s%s%s", what, ovsdb_error_tag(error), details ? ": " : "",
             details ? details : "");
    ovsdb_error_destroy(error);
}

/* Returns the schema text that a missing database file is created with:
 * the built-in hardware_vtep schema or the --schema file (normalised to
 * compact JSON).  The caller frees the result; NULL after logging why. */
static char *
creation_schema(const struct vtepd_options *opts)
{
    json_error_t jerror;
    json_t *json;
    char *text;

    if (!opts->schema) {
        return xstrdup(vtep_schema_text());
    }
    json = json_load_file(opts->schema, 0, &jerror);
    if (!json) {
        VLOG_ERR("%s: cannot read schema (%s, line %d)", opts->schema,
                 jerror.text, jerror.line);
        return NULL;
    }
    text = json_dumps(json, JSON_COMPACT);
    json_decref(json);
    return text;
}

/* When the database file holds an older version of the schema vtepd
 * serves ('schema_text'), converts it, as "ovsdb-tool convert" would: the
 * data carried over, the file rewritten as the new schema and a snapshot.
 * Returns false after logging why it could not. */
static bool
upgrade_schema(struct ovsdb_store *store, const char *schema_text,
               const char *path)
{
    struct ovsdb_db *db = ovsdb_store_get_db(store), *converted;
    json_t *json = json_loads(schema_text, 0, NULL);
    struct ovsdb_schema *schema = NULL;
    struct ovsdb_error *error;
    char *from;

    error = ovsdb_schema_from_json(json, &schema);
    if (error || strcmp(schema->name, db->schema->name)
        || ovsdb_schema_version_compare(db->schema->version, schema->version)
               >= 0) {
        ovsdb_error_destroy(error);
        ovsdb_schema_destroy(schema);
        json_decref(json);
        return true;
    }
    from = xstrdup(db->schema->version);
    error = ovsdb_convert(db, schema, &converted);
    if (!error
        && ovsdb_store_replace_schema(store, json, converted,
                                      "converted by vtepd")) {
        error = ovsdb_error("I/O error", "cannot write the file");
        ovsdb_db_destroy(converted);
    }
    json_decref(json);
    if (error) {
        log_ovsdb_error(path, error);
        free(from);
        return false;
    }
    ovsdb_convert_replace(db, converted);
    VLOG_INFO("%s: converted from schema version %s to %s", path, from,
              db->schema->version);
    free(from);
    return true;
}

static struct ovsdb_store *
open_store(struct ev_loop *loop, const struct vtepd_options *opts)
{
    struct ovsdb_store_options so = { .loop = loop };
    struct ovsdb_store *store = NULL;
    struct ovsdb_error *error;
    char *schema = creation_schema(opts);
    int mkerror;

    if (!schema) {
        return NULL;
    }
    mkerror = vtepd_make_parent_dirs(opts->database);
    if (mkerror) {
        VLOG_ERR("%s: cannot create its directory (%s)", opts->database,
                 strerror(-mkerror));
        free(schema);
        return NULL;
    }
    so.create_schema = schema;
    error = ovsdb_store_open(opts->database, &so, &store);
    if (error) {
        log_ovsdb_error(opts->database, error);
    } else if (!upgrade_schema(store, schema, opts->database)) {
        ovsdb_store_destroy(store);
        store = NULL;
    }
    free(schema);
    return store;
}

/* Makes sure the hardware_vtep database has its one Global row, which
 * vtep-ctl and controllers expect. */
static void
ensure_global_row(struct ovsdb_db *db)
{
    struct ovsdb_table *global = ovsdb_db_find_table(db, "Global");
    struct ovsdb_error *error;
    struct ovsdb_txn *txn;

    if (!global || ovsdb_table_count(global)) {
        return;
    }
    txn = ovsdb_txn_create(db);
    error =
        ovsdb_txn_row_insert(txn, global, ovsdb_txn_row_create(global), NULL);
    if (error) {
        ovsdb_txn_abort(txn);
    } else {
        error = ovsdb_txn_commit(txn, false);
    }
    if (error) {
        VLOG_ERR("cannot create the Global row: %s", ovsdb_error_tag(error));
        ovsdb_error_destroy(error);
    }
}

/* Passes the TLS files to the stream layer; refuses TLS remotes without
 * all three.  Returns false after logging why. */
static bool
configure_tls(const struct vtepd_options *opts)
{
    bool wants_tls = false;

    for (size_t i = 0; i < opts->n_remotes; i++) {
        wants_tls |= str_starts_with(opts->remotes[i], "pssl:")
                     || str_starts_with(opts->remotes[i], "ssl:");
    }
    for (size_t i = 0; i < opts->n_db_remotes; i++) {
        wants_tls |= str_starts_with(opts->db_remotes[i], "ssl:");
    }
    if (opts->private_key) {
        stream_ssl_set_private_key_file(opts->private_key);
    }
    if (opts->certificate) {
        stream_ssl_set_certificate_file(opts->certificate);
    }
    if (opts->ca_cert) {
        stream_ssl_set_ca_cert_file(opts->ca_cert);
    }
    if (wants_tls && !stream_ssl_is_configured()) {
        VLOG_ERR("pssl: and ssl: remotes (--remote, --db) need "
                 "--private-key, --certificate and --ca-cert");
        return false;
    }
    return true;
}

/* Logs how to reach the listener 'remote' with vtep-ctl. */
static void
log_listener(const struct ovsdb_server *server, const char *remote)
{
    if (str_starts_with(remote, "punix:")) {
        VLOG_INFO("listening on %s (try: vtep-ctl --db=unix:%s show)", remote,
                  remote + strlen("punix:"));
    } else if (str_starts_with(remote, "ptcp:")
               || str_starts_with(remote, "pssl:")) {
        const char *ip = strchr(remote + strlen("ptcp:"), ':');
        bool tls = str_starts_with(remote, "pssl:");

        VLOG_INFO("listening on %s (try: vtep-ctl --db=%s:%s:%u%s show)",
                  remote, tls ? "ssl" : "tcp",
                  ip && strcmp(ip + 1, "0.0.0.0") ? ip + 1 : "127.0.0.1",
                  (unsigned int) ovsdb_server_get_port(server, remote),
                  tls ? " --private-key=... --certificate=... --ca-cert=..."
                      : "");
    } else {
        VLOG_INFO("connecting to %s", remote);
    }
}

static void
memory_cb(struct ds *out, void *dbp)
{
    const struct vtepd_database *db = dbp;
    struct ovsdb_server_stats st;
    struct ovsdb_store_stats ss;
    struct slab_stats slab;

    ovsdb_server_get_stats(db->server, &st);
    unixctl_memory_put(out, "sessions", st.sessions);
    unixctl_memory_put(out, "max-sessions", st.max_sessions);
    unixctl_memory_put(out, "sessions-refused", st.sessions_refused);
    unixctl_memory_put(out, "monitors", st.monitors);
    unixctl_memory_put(out, "monitor-requests", st.monitor_specs);
    unixctl_memory_put(out, "update-encodings", st.update_encodings);
    unixctl_memory_put(out, "triggers", st.triggers);
    unixctl_memory_put(out, "locks", st.locks);
    unixctl_memory_put(out, "rows", st.rows);
    unixctl_memory_put(out, "history-txns", st.history_txns);
    unixctl_memory_put(out, "history-bytes", st.history_bytes);
    if (db->store) {
        ovsdb_store_get_stats(db->store, &ss);
        unixctl_memory_put(out, "log-bytes",
                           (unsigned long long) ss.log_bytes);
        unixctl_memory_put(out, "log-write-errors", ss.n_write_errors);
    }
    slab_get_stats(&slab);
    unixctl_memory_put(out, "slab-bytes", slab.block_bytes);
    unixctl_memory_put(out, "heap-trims", vtepd_memtrim_count(db->memtrim));
}

/* "ovsdb/compact [DB]": rewrites the database file as a snapshot. */
static void
compact_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *dbp)
{
    struct vtepd_database *db = dbp;
    const char *name = vtepd_database_get_db(db)->schema->name;
    int error;

    if (!db->store) {
        unixctl_command_reply_error(conn, "client mode: no database file");
        return;
    }
    if (argc > 1 && strcmp(argv[1], name)) {
        char *msg = xasprintf("%s: unknown database", argv[1]);

        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    error = ovsdb_store_compact(db->store);
    if (error) {
        char *msg = xasprintf("compaction failed (%s)", strerror(-error));

        unixctl_command_reply_error(conn, msg);
        free(msg);
        return;
    }
    unixctl_command_reply(conn, NULL);
}

/* "ovsdb-server/disable-monitor-cond": see
 * ovsdb_server_disable_monitor_cond().  Replies nothing, like
 * ovsdb-server. */
static void
disable_monitor_cond_cb(struct unixctl_conn *conn, int argc,
                        const char *argv[], void *dbp)
{
    struct vtepd_database *db = dbp;

    (void) argc;
    (void) argv;
    ovsdb_server_disable_monitor_cond(db->server);
    unixctl_command_reply(conn, NULL);
}

/* Follows the remotes that the database names in 'spec' ("db:DB,TABLE,
 * COLUMN").  Returns 0 or a negative errno after logging why. */
static int
add_db_remote(struct ev_loop *loop, struct vtepd_database *db,
              const char *spec)
{
    char *why;

    if (!db->db_remotes) {
        db->db_remotes =
            ovsdb_remotes_create(loop, db->server, vtepd_database_get_db(db));
    }
    if (ovsdb_remotes_add(db->db_remotes, spec, &why)) {
        VLOG_ERR("--remote=%s", why);
        free(why);
        return -EINVAL;
    }
    VLOG_INFO("following the remotes in %s", spec);
    return 0;
}

static int
add_remotes(struct ev_loop *loop, struct vtepd_database *db,
            const struct vtepd_options *opts)
{
    /* Command-line remotes first, so that a database row naming one of
     * them leaves it to the command line. */
    for (size_t i = 0; i < opts->n_remotes; i++) {
        const char *remote = opts->remotes[i];
        int error = 0;

        if (str_starts_with(remote, "db:")) {
            continue;
        }
        if (str_starts_with(remote, "punix:")) {
            error = vtepd_make_parent_dirs(remote + strlen("punix:"));
        }
        if (!error) {
            error = ovsdb_server_add_remote(db->server, remote);
        }
        if (error) {
            VLOG_ERR("%s: cannot serve the database (%s)%s", remote,
                     strerror(-error),
                     error == -EADDRINUSE
                         ? "; is another vtepd or ovsdb-server running? "
                           "(choose other remotes with --remote)"
                         : "");
            return error;
        }
        if (str_starts_with(remote, "punix:")) {
            ovs_rundir_publish_socket(remote + strlen("punix:"));
        }
        log_listener(db->server, remote);
    }
    for (size_t i = 0; i < opts->n_remotes; i++) {
        if (str_starts_with(opts->remotes[i], "db:")) {
            int error = add_db_remote(loop, db, opts->remotes[i]);

            if (error) {
                return error;
            }
        }
    }
    return 0;
}

/* "replica/status": where client mode is and what it did. */
static void
replica_status_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                  void *dbp)
{
    struct vtepd_database *db = dbp;
    struct ds out = DS_EMPTY_INITIALIZER;

    (void) argc;
    (void) argv;
    replica_format_status(db->replica, &out);
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

/* "replica/reconnect [--full]": moves to the next remote; --full forgets
 * the last transaction id, so the whole database comes again. */
static void
replica_reconnect_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                     void *dbp)
{
    struct vtepd_database *db = dbp;
    bool full = argc > 1 && !strcmp(argv[1], "--full");

    if (argc > 1 && !full) {
        unixctl_command_reply_error(conn, "usage: replica/reconnect [--full]");
        return;
    }
    replica_reconnect(db->replica, full);
    unixctl_command_reply(conn, NULL);
}

/* Client mode: an in-memory replica of the remote database, served only on
 * the --remote listeners given. */
static struct vtepd_database *
start_client(struct ev_loop *loop, const struct vtepd_options *opts)
{
    struct vtepd_database *db = xzalloc(sizeof *db);
    struct ovsdb_schema *schema;
    json_t *json = json_loads(vtep_schema_text(), 0, NULL);
    struct ovsdb_error *error = ovsdb_schema_from_json(json, &schema);

    json_decref(json);
    ASSERT(!error);
    db->replica_db = ovsdb_db_create(schema);
    db->server = ovsdb_server_create(loop, db->replica_db);
    db->memtrim = vtepd_memtrim_create(loop, db->replica_db);
    ovsdb_server_set_max_sessions(db->server, opts->max_sessions);
    db->replica = replica_create(loop, db->replica_db, opts->db_remotes,
                                 opts->n_db_remotes);
    if (!opts->default_remotes && add_remotes(loop, db, opts)) {
        vtepd_database_stop(db);
        return NULL;
    }
    unixctl_memory_register(memory_cb, db);
    unixctl_command_register("replica/status", "", 0, 0, replica_status_cb,
                             db);
    unixctl_command_register("replica/reconnect", "[--full]", 0, 1,
                             replica_reconnect_cb, db);
    VLOG_INFO("client mode: waiting for database %s from %s%s", schema->name,
              opts->db_remotes[0],
              opts->n_db_remotes > 1 ? " (and the other --db remotes)" : "");
    return db;
}

bool
vtepd_database_poll_ready(struct vtepd_database *db)
{
    if (db->ready) {
        return true;
    }
    if (db->replica && !replica_is_synced(db->replica)) {
        return false;
    }
    if (db->replica) {
        ensure_global_row(db->replica_db);
    }
    db->ready = true;
    return true;
}

struct vtepd_database *
vtepd_database_start(struct ev_loop *loop, const struct vtepd_options *opts)
{
    struct vtepd_database *db;
    struct ovsdb_store *store;

    if (!configure_tls(opts)) {
        return NULL;
    }
    if (opts->n_db_remotes) {
        return start_client(loop, opts);
    }
    store = open_store(loop, opts);
    if (!store) {
        return NULL;
    }
    db = xzalloc(sizeof *db);
    db->store = store;
    if (!opts->schema) {
        ensure_global_row(ovsdb_store_get_db(store));
    }
    db->server = ovsdb_server_create(loop, ovsdb_store_get_db(store));
    db->memtrim = vtepd_memtrim_create(loop, ovsdb_store_get_db(store));
    ovsdb_server_set_store(db->server, store);
    ovsdb_server_set_max_sessions(db->server, opts->max_sessions);
    if (add_remotes(loop, db, opts)) {
        vtepd_database_stop(db);
        return NULL;
    }
    if (opts->hal == VTEPD_HAL_NONE && !db->db_remotes) {
        /* Nothing else follows the schema: "convert" may replace it. */
        ovsdb_server_enable_convert(db->server);
    }
    VLOG_INFO("serving database %s from %s",
              ovsdb_store_get_db(store)->schema->name, opts->database);
    VLOG_INFO("accepting at most %zu sessions (--max-sessions)",
              opts->max_sessions);
    unixctl_memory_register(memory_cb, db);
    unixctl_command_register("ovsdb/compact", "[DB]", 0, 1, compact_cb, db);
    unixctl_command_register("ovsdb-server/disable-monitor-cond", "", 0, 0,
                             disable_monitor_cond_cb, db);
    return db;
}

void
vtepd_database_stop(struct vtepd_database *db)
{
    if (db) {
        ovsdb_remotes_destroy(db->db_remotes);
        vtepd_memtrim_destroy(db->memtrim);
        ovsdb_server_destroy(db->server);
        replica_destroy(db->replica);
        ovsdb_db_destroy(db->replica_db);
        ovsdb_store_destroy(db->store);
        free(db);
    }
}

struct ovsdb_db *
vtepd_database_get_db(const struct vtepd_database *db)
{
    return db->replica_db ? db->replica_db : ovsdb_store_get_db(db->store);
}

struct replica *
vtepd_database_get_replica(const struct vtepd_database *db)
{
    return db->replica;
}

struct ovsdb_server *
vtepd_database_get_server(const struct vtepd_database *db)
{
    return db->server;
}
