/* SPDX-License-Identifier: Apache-2.0 */
/* Remotes that the database names ("--remote=db:DB,TABLE,COLUMN"). */
#include "vtepd/ovsdb/remotes.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/jsonrpc/reconnect.h"
#include "vtepd/ovsdb/server.h"
#include "vtepd/jsonrpc/stream.h"
#include "vtepd/ovsdb/transaction.h"

VLOG_DEFINE_THIS_MODULE(remotes);

/* Remotes that cannot be served are retried on each change, so their
 * complaints are rate-limited. */
static struct vlog_rate_limit remote_rl = VLOG_RATE_LIMIT_INIT(10, 5);

/* How often status is refreshed while nothing happens (ovsdb-server: 2.5
 * seconds), and how soon after a connection comes or goes. */
#define STATUS_INTERVAL 2.5
#define STATUS_SOON 0.1

/* The reconnect layer's floor on a nonzero inactivity probe, as in OVS. */
#define MIN_PROBE_MS 1000

/* One "db:DB,TABLE,COLUMN". */
struct remote_spec {
    struct ovsdb_table *table;         /* TABLE. */
    const struct ovsdb_column *column; /* COLUMN. */

    /* Set if COLUMN refers to rows of another table ("Manager"). */
    struct ovsdb_table *ref_table;
    const struct ovsdb_column *target;       /* String. */
    const struct ovsdb_column *max_backoff;  /* Integer, or NULL. */
    const struct ovsdb_column *probe;        /* Integer, or NULL. */
    const struct ovsdb_column *is_connected; /* Boolean, or NULL. */
    const struct ovsdb_column *status;       /* String map, or NULL. */
};

/* A remote that the database names, as the server should serve it. */
struct db_remote {
    struct hmap_node node; /* In a 'struct hmap' by hash of 'target'. */
    char *target;
    struct jsonrpc_options options;
    bool added;  /* This module added it to the server (not the command
                  * line). */
    bool failed; /* Adding it failed; retried with each status refresh. */
};

struct ovsdb_remotes {
    struct ev_loop *loop;
    struct ovsdb_server *server;
    struct ovsdb_db *db;
    struct remote_spec *specs;
    size_t n_specs;
    struct hmap remotes; /* Of 'struct db_remote': the current set. */
    struct ovsdb_commit_hook *hook;
    bool dirty;      /* The database changed under the remotes. */
    size_t n_failed; /* Remotes that could not be added. */
    ev_timer reconfigure_w;
    ev_timer status_w; /* Periodic. */
    ev_timer soon_w;   /* One-shot, after a connection came or went. */
};

/* The set of remotes. */

static struct db_remote *
remote_find(const struct hmap *remotes, const char *target)
{
    struct db_remote *r;

    HMAP_FOR_EACH_WITH_HASH(r, node, hash_string(target, 0), remotes) {
        if (!strcmp(r->target, target)) {
            return r;
        }
    }
    return NULL;
}

static void
remote_free(struct hmap *remotes, struct db_remote *r)
{
    hmap_remove(remotes, &r->node);
    free(r->target);
    free(r);
}

static void
remotes_clear(struct hmap *remotes)
{
    struct db_remote *r;

    HMAP_FOR_EACH_SAFE(r, node, remotes) {
        remote_free(remotes, r);
    }
}

static bool
options_equal(const struct jsonrpc_options *a, const struct jsonrpc_options *b)
{
    return a->probe_ms == b->probe_ms
           && a->max_backoff_ms == b->max_backoff_ms;
}

/* Reading the database. */

/* The single integer in 'column' of 'row', or 'dflt' if the column is
 * missing (NULL) or empty. */
static int64_t
row_get_int(const struct ovsdb_row *row, const struct ovsdb_column *column,
            int64_t dflt)
{
    if (column) {
        ovsdb_row_get_integer(row, column, &dflt);
    }
    return dflt;
}

/* The jsonrpc options a Manager-like row asks for. */
static void
row_get_options(const struct remote_spec *spec, const struct ovsdb_row *row,
                struct jsonrpc_options *options)
{
    int64_t probe = row_get_int(row, spec->probe, -1);
    int64_t backoff = row_get_int(row, spec->max_backoff, 0);

    memset(options, 0, sizeof *options);
    if (probe == 0) {
        options->probe_ms = -1;
    } else if (probe > 0) {
        options->probe_ms = (int) MIN(MAX(probe, MIN_PROBE_MS), INT32_MAX);
    }
    if (backoff > 0) {
        options->max_backoff_ms =
            (int) MIN(MAX(backoff, RECONNECT_MIN_BACKOFF_MS), INT32_MAX);
    }
}

/* Adds 'target' with 'options' to 'wanted' unless it is there already
 * (the first row that names a target decides its options). */
static void
wanted_add(struct hmap *wanted, const char *target,
           const struct jsonrpc_options *options)
{
    struct db_remote *r;

    if (!*target || remote_find(wanted, target)) {
        return;
    }
    r = xzalloc(sizeof *r);
    r->target = xstrdup(target);
    r->options = *options;
    hmap_insert(wanted, &r->node, hash_string(target, 0));
}

/* The row of 'spec->ref_table' that 'uuid' names, or NULL. */
static const struct ovsdb_row *
spec_ref_row(const struct remote_spec *spec, const struct uuid *uuid)
{
    return ovsdb_table_find(spec->ref_table, uuid);
}

/* The target of 'row' of 'spec->ref_table' (borrowed), or NULL. */
static const char *
ref_row_target(const struct remote_spec *spec, const struct ovsdb_row *row)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, spec->target, &d);
    return d.n ? d.keys[0].string->s : NULL;
}

/* Adds the remotes that 'spec' names to 'wanted'. */
static void
spec_collect(const struct remote_spec *spec, struct hmap *wanted)
{
    static const struct jsonrpc_options defaults;
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, spec->table) {
        struct ovsdb_datum d;

        ovsdb_row_get(row, spec->column, &d);
        for (unsigned int i = 0; i < d.n; i++) {
            const struct ovsdb_row *ref;
            struct jsonrpc_options options;
            const char *target;

            if (!spec->ref_table) {
                wanted_add(wanted, d.keys[i].string->s, &defaults);
                continue;
            }
            ref = spec_ref_row(spec, &d.keys[i].uuid);
            target = ref ? ref_row_target(spec, ref) : NULL;
            if (target) {
                row_get_options(spec, ref, &options);
                wanted_add(wanted, target, &options);
            }
        }
    }
}

/* Reconfiguration. */

/* Logs why 'r' could not be added: as a warning the first time, then
 * only for debugging, since it is retried every few seconds. */
static void
log_remote_error(const struct db_remote *r, int error)
{
    const char *why =
        error == -EINVAL ? "invalid remote name" : strerror(-error);

    if (r->failed) {
        VLOG_DBG("%s: still cannot serve this remote (%s)", r->target, why);
    } else {
        VLOG_WARN_RL(&remote_rl, "%s: cannot serve this remote (%s)%s",
                     r->target, why,
                     error == -EINVAL ? "" : "; retrying every few seconds");
    }
}

static bool
is_tls_remote(const char *target)
{
    return str_starts_with(target, "ssl:") || str_starts_with(target, "pssl:");
}

/* Starts serving 'r' (in 'rs->remotes').  A remote the command line
 * already serves is left alone. */
static void
remote_start(struct ovsdb_remotes *rs, struct db_remote *r)
{
    int error = ovsdb_server_add_remote_with_options(rs->server, r->target,
                                                     &r->options);

    if (error == -EEXIST) {
        return;
    } else if (error) {
        log_remote_error(r, error);
        r->failed = true;
        rs->n_failed++;
        return;
    }
    VLOG_INFO("%s: remote added from the database", r->target);
    if (is_tls_remote(r->target) && !stream_ssl_is_configured()) {
        VLOG_WARN_RL(&remote_rl,
                     "%s: TLS needs --private-key, --certificate and "
                     "--ca-cert; this remote will not work without them",
                     r->target);
    }
    r->added = true;
}

/* Brings the server's remotes in line with the database: removes those no
 * longer named, adds new ones, and updates the options of the others.
 * Remotes that could not be added are retried next time. */
static void
remotes_reconfigure(struct ovsdb_remotes *rs)
{
    struct hmap wanted = HMAP_INITIALIZER(&wanted);
    struct db_remote *r, *old;

    rs->dirty = false;
    rs->n_failed = 0;
    for (size_t i = 0; i < rs->n_specs; i++) {
        spec_collect(&rs->specs[i], &wanted);
    }
    HMAP_FOR_EACH_SAFE(old, node, &rs->remotes) {
        if (!remote_find(&wanted, old->target)) {
            if (old->added) {
                VLOG_INFO("%s: remote removed from the database", old->target);
                ovsdb_server_remove_remote(rs->server, old->target);
            }
            remote_free(&rs->remotes, old);
        }
    }
    HMAP_FOR_EACH(r, node, &wanted) {
        old = remote_find(&rs->remotes, r->target);
        if (old && old->added) {
            r->added = true;
            if (!options_equal(&old->options, &r->options)) {
                ovsdb_server_set_remote_options(rs->server, r->target,
                                                &r->options);
            }
        } else {
            r->failed = old && old->failed;
            remote_start(rs, r);
        }
    }
    remotes_clear(&rs->remotes);
    hmap_swap(&rs->remotes, &wanted);
    hmap_destroy(&wanted);
}

/* Status. */

/* Appends 'key' => 'value' to 'map'; takes 'value'. */
static void
map_add(struct ovsdb_remotes_status_map *map, const char *key, char *value)
{
    ASSERT(map->n < OVSDB_REMOTES_STATUS_MAX);
    map->keys[map->n] = key;
    map->values[map->n++] = value;
}

static char *
seconds_since(ev_tstamp now, ev_tstamp then)
{
    return xasprintf("%lld", (long long) floor(MAX(now - then, 0.)));
}

void
ovsdb_remotes_status_map(const struct ovsdb_server_remote_status *status,
                         ev_tstamp now, struct ovsdb_remotes_status_map *map)
{
    const struct jsonrpc_remote_status *rpc = &status->rpc;
    bool passive = rpc->state == JSONRPC_REMOTE_LISTENING;

    /* In key order, as the database sorts them. */
    map->n = 0;
    if (rpc->bound_port) {
        map_add(map, "bound_port", xasprintf("%u", rpc->bound_port));
    }
    if (!passive && rpc->last_error) {
        map_add(map, "last_error", xstrdup(strerror(rpc->last_error)));
    }
    if (status->locks_held) {
        map_add(map, "locks_held", xstrdup(status->locks_held));
    }
    if (status->locks_lost) {
        map_add(map, "locks_lost", xstrdup(status->locks_lost));
    }
    if (status->locks_waiting) {
        map_add(map, "locks_waiting", xstrdup(status->locks_waiting));
    }
    if (passive && rpc->n_sessions > 1) {
        map_add(map, "n_connections", xasprintf("%zu", rpc->n_sessions));
    }
    /* ovsdb-server reports 0 for both on listeners. */
    if (passive || rpc->last_connected) {
        map_add(map, "sec_since_connect",
                passive ? xstrdup("0")
                        : seconds_since(now, rpc->last_connected));
    }
    if (passive || rpc->last_disconnected) {
        map_add(map, "sec_since_disconnect",
                passive ? xstrdup("0")
                        : seconds_since(now, rpc->last_disconnected));
    }
    if (!passive) {
        map_add(map, "state",
                xstrdup(jsonrpc_remote_state_to_string(rpc->state)));
    }
}

void
ovsdb_remotes_status_map_destroy(struct ovsdb_remotes_status_map *map)
{
    for (size_t i = 0; i < map->n; i++) {
        free(map->values[i]);
    }
    map->n = 0;
}

/* Returns the row 'uuid' of 'table' as 'txn' (started now if needed, and
 * marked as this module's) may change it. */
static struct ovsdb_row *
status_txn_row(struct ovsdb_remotes *rs, struct ovsdb_table *table,
               const struct uuid *uuid, struct ovsdb_txn **txn)
{
    if (!*txn) {
        *txn = ovsdb_txn_create(rs->db);
        ovsdb_txn_set_origin(*txn, rs);
    }
    return ovsdb_txn_row_modify(*txn, table, uuid);
}

static bool
status_is_connected(const struct jsonrpc_remote_status *rpc)
{
    return rpc->state == JSONRPC_REMOTE_LISTENING
               ? rpc->n_sessions > 0
               : rpc->state == JSONRPC_REMOTE_ACTIVE
                     || rpc->state == JSONRPC_REMOTE_IDLE;
}

/* True if the string map 'column' of 'row' holds exactly 'map'. */
static bool
status_equals(const struct ovsdb_row *row, const struct ovsdb_column *column,
              const struct ovsdb_remotes_status_map *map)
{
    struct ovsdb_datum d;

    ovsdb_row_get(row, column, &d);
    if (d.n != map->n) {
        return false;
    }
    for (size_t i = 0; i < map->n; i++) {
        if (strcmp(d.keys[i].string->s, map->keys[i])
            || strcmp(d.values[i].string->s, map->values[i])) {
            return false;
        }
    }
    return true;
}

/* Writes in 'txn' (started on the first write) the status columns of row
 * 'uuid' of 'spec->ref_table' that are out of date. */
static struct ovsdb_error *
status_update_row(struct ovsdb_remotes *rs, const struct remote_spec *spec,
                  const struct uuid *uuid, struct ovsdb_txn **txn)
{
    struct ovsdb_table *table = spec->ref_table;
    const struct ovsdb_row *row = spec_ref_row(spec, uuid);
    const char *target = row ? ref_row_target(spec, row) : NULL;
    struct ovsdb_server_remote_status status;
    struct ovsdb_remotes_status_map map;
    struct ovsdb_error *error = NULL;
    struct ovsdb_row *rw = NULL;
    bool connected, old;

    if (!target
        || !ovsdb_server_get_remote_status(rs->server, target, &status)) {
        return NULL;
    }
    connected = status_is_connected(&status.rpc);
    ovsdb_remotes_status_map(&status, ev_now(rs->loop), &map);
    ovsdb_server_remote_status_destroy(&status);
    if (spec->is_connected
        && !(ovsdb_row_get_boolean(row, spec->is_connected, &old)
             && old == connected)) {
        rw = status_txn_row(rs, table, uuid, txn);
        error = ovsdb_txn_write_boolean(*txn, table, rw, spec->is_connected,
                                        connected);
    }
    if (!error && spec->status && !status_equals(row, spec->status, &map)) {
        rw = rw ? rw : status_txn_row(rs, table, uuid, txn);
        error = ovsdb_txn_write_string_map(
            *txn, table, rw, spec->status, map.keys,
            (const char *const *) map.values, map.n);
    }
    ovsdb_remotes_status_map_destroy(&map);
    return error;
}

/* Adds to 'uuids' the rows of 'spec->ref_table' that rows of 'spec->table'
 * name, whose status columns may need writing. */
static void
status_rows(const struct remote_spec *spec, struct uuid **uuids, size_t *n,
            size_t *allocated)
{
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, spec->table) {
        struct ovsdb_datum d;

        ovsdb_row_get(row, spec->column, &d);
        for (unsigned int j = 0; j < d.n; j++) {
            if (*n >= *allocated) {
                *uuids = x2nrealloc(*uuids, allocated, *n + 1, sizeof **uuids);
            }
            (*uuids)[(*n)++] = d.keys[j].uuid;
        }
    }
}

/* Writes the status of every remote that has a row to write it to, in one
 * transaction, if anything changed.  The rows are collected first: writing
 * moves them within their table. */
static void
status_update(struct ovsdb_remotes *rs)
{
    struct ovsdb_error *error = NULL;
    struct ovsdb_txn *txn = NULL;

    for (size_t i = 0; !error && i < rs->n_specs; i++) {
        const struct remote_spec *spec = &rs->specs[i];
        size_t n = 0, allocated = 0;
        struct uuid *uuids = NULL;

        if (!spec->ref_table || (!spec->status && !spec->is_connected)) {
            continue;
        }
        status_rows(spec, &uuids, &n, &allocated);
        for (size_t j = 0; !error && j < n; j++) {
            error = status_update_row(rs, spec, &uuids[j], &txn);
        }
        free(uuids);
    }
    if (error) {
        ovsdb_txn_abort(txn);
    } else if (txn) {
        error = ovsdb_txn_commit(txn, false);
    }
    if (error) {
        VLOG_WARN_RL(&remote_rl, "cannot write remote status: %s",
                     ovsdb_error_tag(error));
        ovsdb_error_destroy(error);
    }
}

/* Events. */

void
ovsdb_remotes_run(struct ovsdb_remotes *rs)
{
    if (rs->dirty || rs->n_failed) {
        remotes_reconfigure(rs);
    }
    status_update(rs);
}

/* Writes status shortly, batching the events of a moment. */
static void
status_soon(struct ovsdb_remotes *rs)
{
    if (!ev_is_active(&rs->soon_w)) {
        ev_timer_set(&rs->soon_w, STATUS_SOON, 0.);
        ev_timer_start(rs->loop, &rs->soon_w);
    }
}

static void
reconfigure_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ovsdb_remotes *rs =
        container_of(w, struct ovsdb_remotes, reconfigure_w);

    remotes_reconfigure(rs);
    status_soon(rs);
}

/* For both 'status_w' and 'soon_w', hence 'data' rather than
 * container_of(). */
static void
status_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ovsdb_remotes *rs = w->data;

    if (rs->n_failed) {
        remotes_reconfigure(rs);
    }
    status_update(rs);
}

static void
remote_change_cb(const char *name, void *rs_)
{
    status_soon(rs_);
}

/* True if 'change' touches the rows that name remotes, rather than only
 * the ephemeral columns that this module writes itself. */
static bool
change_is_relevant(const struct remote_spec *spec,
                   const struct ovsdb_row_change *change)
{
    const struct ovsdb_table_schema *ts = change->table->schema;

    if (change->table == spec->table) {
        return !change->old || !change->new
               || ovsdb_row_change_column_changed(change, spec->column->index);
    }
    if (change->table != spec->ref_table) {
        return false;
    }
    if (!change->old || !change->new) {
        return true;
    }
    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        if (!ts->columns[i]->ephemeral
            && ovsdb_row_change_column_changed(change, i)) {
            return true;
        }
    }
    return false;
}

static void
commit_cb(const struct ovsdb_changeset *changes, void *rs_)
{
    struct ovsdb_remotes *rs = rs_;

    if (changes->origin == rs) {
        return; /* Status written by status_update(), never relevant. */
    }
    for (size_t i = 0; i < changes->n_changes && !rs->dirty; i++) {
        for (size_t j = 0; j < rs->n_specs && !rs->dirty; j++) {
            rs->dirty =
                change_is_relevant(&rs->specs[j], &changes->changes[i]);
        }
    }
    if (rs->dirty && !ev_is_active(&rs->reconfigure_w)) {
        ev_timer_set(&rs->reconfigure_w, 0., 0.);
        ev_timer_start(rs->loop, &rs->reconfigure_w);
    }
}

/* Specifications. */

/* The column 'name' of 'ts' if it has type 'key' (with value type 'value'
 * and at most 'n_max' elements), else NULL. */
static const struct ovsdb_column *
find_typed_column(const struct ovsdb_table_schema *ts, const char *name,
                  enum ovsdb_atomic_type key, enum ovsdb_atomic_type value,
                  unsigned int n_max)
{
    const struct ovsdb_column *c = ovsdb_table_schema_find_column(ts, name);

    return c && c->type.key.type == key && c->type.value.type == value
                   && c->type.n_max <= n_max
               ? c
               : NULL;
}

/* Fills 'spec' from the text after "db:", or returns an explanation. */
static char *
spec_parse(struct ovsdb_remotes *rs, const char *spec_text,
           struct remote_spec *spec)
{
    const char *text = spec_text + strlen("db:");
    const struct ovsdb_base_type *key;
    char *copy = xstrdup(text);
    char *db_name = copy, *table_name, *column_name;
    char *error = NULL;

    memset(spec, 0, sizeof *spec);
    table_name = strchr(db_name, ',');
    column_name = table_name ? strchr(table_name + 1, ',') : NULL;
    if (!str_starts_with(spec_text, "db:") || !column_name
        || strchr(column_name + 1, ',')) {
        error = xasprintf("\"%s\": invalid syntax (expected "
                          "db:DB,TABLE,COLUMN)",
                          spec_text);
        goto out;
    }
    *table_name++ = '\0';
    *column_name++ = '\0';
    if (strcmp(db_name, rs->db->schema->name)) {
        error = xasprintf("\"%s\": no database named %s", spec_text, db_name);
        goto out;
    }
    spec->table = ovsdb_db_find_table(rs->db, table_name);
    if (!spec->table) {
        error = xasprintf("\"%s\": no table named %s", spec_text, table_name);
        goto out;
    }
    spec->column =
        ovsdb_table_schema_find_column(spec->table->schema, column_name);
    if (!spec->column) {
        error = xasprintf("\"%s\": table \"%s\" has no column \"%s\"",
                          spec_text, table_name, column_name);
        goto out;
    }
    key = &spec->column->type.key;
    if (spec->column->type.value.type != OVSDB_TYPE_VOID
        || (key->type != OVSDB_TYPE_STRING && !ovsdb_base_type_is_ref(key))) {
        error = xasprintf("\"%s\": column \"%s\" holds neither strings nor "
                          "references",
                          spec_text, column_name);
        goto out;
    }
    if (ovsdb_base_type_is_ref(key)) {
        const struct ovsdb_table_schema *ts;

        spec->ref_table = rs->db->tables[key->u.uuid.ref_table];
        ts = spec->ref_table->schema;
        spec->target = find_typed_column(ts, "target", OVSDB_TYPE_STRING,
                                         OVSDB_TYPE_VOID, 1);
        if (!spec->target) {
            error = xasprintf("\"%s\": table \"%s\" has no string column "
                              "\"target\"",
                              spec_text, ts->name);
            goto out;
        }
        spec->max_backoff = find_typed_column(
            ts, "max_backoff", OVSDB_TYPE_INTEGER, OVSDB_TYPE_VOID, 1);
        spec->probe = find_typed_column(
            ts, "inactivity_probe", OVSDB_TYPE_INTEGER, OVSDB_TYPE_VOID, 1);
        spec->is_connected = find_typed_column(
            ts, "is_connected", OVSDB_TYPE_BOOLEAN, OVSDB_TYPE_VOID, 1);
        spec->status = find_typed_column(ts, "status", OVSDB_TYPE_STRING,
                                         OVSDB_TYPE_STRING, OVSDB_UNLIMITED);
    }
out:
    free(copy);
    return error;
}

/* The set. */

struct ovsdb_remotes *
ovsdb_remotes_create(struct ev_loop *loop, struct ovsdb_server *server,
                     struct ovsdb_db *db)
{
    struct ovsdb_remotes *rs = xzalloc(sizeof *rs);

    rs->loop = loop;
    rs->server = server;
    rs->db = db;
    hmap_init(&rs->remotes);
    ev_timer_init(&rs->reconfigure_w, reconfigure_cb, 0., 0.);
    ev_timer_init(&rs->status_w, status_cb, STATUS_INTERVAL, STATUS_INTERVAL);
    ev_timer_init(&rs->soon_w, status_cb, 0., 0.);
    rs->status_w.data = rs;
    rs->soon_w.data = rs;
    ovsdb_server_set_remote_change_cb(server, remote_change_cb, rs);
    return rs;
}

void
ovsdb_remotes_destroy(struct ovsdb_remotes *rs)
{
    struct db_remote *r;

    if (!rs) {
        return;
    }
    ovsdb_server_set_remote_change_cb(rs->server, NULL, NULL);
    if (rs->hook) {
        ovsdb_db_remove_commit_hook(rs->db, rs->hook);
    }
    HMAP_FOR_EACH(r, node, &rs->remotes) {
        if (r->added) {
            ovsdb_server_remove_remote(rs->server, r->target);
        }
    }
    remotes_clear(&rs->remotes);
    hmap_destroy(&rs->remotes);
    ev_timer_stop(rs->loop, &rs->reconfigure_w);
    ev_timer_stop(rs->loop, &rs->status_w);
    ev_timer_stop(rs->loop, &rs->soon_w);
    free(rs->specs);
    free(rs);
}

int
ovsdb_remotes_add(struct ovsdb_remotes *rs, const char *spec, char **errorp)
{
    struct remote_spec parsed;
    char *error = spec_parse(rs, spec, &parsed);

    if (error) {
        *errorp = error;
        return -EINVAL;
    }
    *errorp = NULL;
    rs->specs = xrealloc(rs->specs, (rs->n_specs + 1) * sizeof *rs->specs);
    rs->specs[rs->n_specs++] = parsed;
    if (!rs->hook) {
        rs->hook = ovsdb_db_add_commit_hook(rs->db, commit_cb, rs);
        ev_timer_start(rs->loop, &rs->status_w);
    }
    remotes_reconfigure(rs);
    status_soon(rs);
    return 0;
}
