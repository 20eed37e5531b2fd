/* SPDX-License-Identifier: Apache-2.0 */
/* A database kept in a standalone OVSDB file: open and replay, append on
 * commit, group commit for durable transactions, compaction. */
#include "vtepd/ovsdb/store.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "lib/ds.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/log.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/transaction.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_store);

struct ovsdb_store {
    struct ovsdb_log *log;
    struct ovsdb_db *db;
    json_t *schema_json; /* The file's first record, rewritten as is. */
    struct ovsdb_commit_hook *hook;
    struct ovsdb_store_options opts;

    uint64_t commit_seq;      /* Records appended since open. */
    uint64_t durable_seq;     /* Records known to be on stable storage. */
    uint64_t durable_request; /* For ovsdb_store_take_durable_seq(). */
    bool sync_needed;         /* A durable commit or waiter wants a sync. */
    int sync_error;      /* Sticky: the file lost track of the database. */
    bool compact_needed; /* Auto-compaction is due. */
    bool diverged;       /* An append failed: only a snapshot can fix it. */

    off_t snapshot_bytes;
    long long last_compact_ms;
    uint64_t n_syncs, n_compactions;

    struct list waiters; /* Of 'struct ovsdb_store_waiter'. */
    ev_prepare prepare;  /* Syncs and compacts before the loop blocks. */
};

static void store_run(struct ovsdb_store *);

static struct ovsdb_error *
io_error(int error, const char *path, const char *what)
{
    return ovsdb_error("I/O error", "%s: %s: %s", path, what,
                       strerror(-error));
}

/* A record that cannot be applied (e.g. it names a table the schema does
 * not have) ends the database as ovsdb-server does: what came before is
 * served, the record and the rest are logged and cut off (saved beside
 * the file, see log.h).  Takes ownership of 'error'. */
static struct ovsdb_error *
discard_bad_record(struct ovsdb_store *st, const char *path, int n,
                   struct ovsdb_error *error)
{
    const char *details = ovsdb_error_details(error);
    char *why = xasprintf("record %d: %s%s%s", n, ovsdb_error_tag(error),
                          details ? ": " : "", details ? details : "");
    int retval = ovsdb_log_discard_last(st->log, why);

    free(why);
    if (retval) {
        ovsdb_error_prefix(error, "%s: record %d", path, n);
        return error;
    }
    ovsdb_error_destroy(error);
    return NULL;
}

/* Reads the schema record and replays the rest into a new database. */
static struct ovsdb_error *
replay(struct ovsdb_store *st, const char *path)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    json_t *record;
    int n, retval;

    retval = ovsdb_log_read(st->log, &st->schema_json);
    if (retval || !st->schema_json) {
        return retval ? io_error(retval, path, "cannot read schema")
                      : ovsdb_error("syntax error",
                                    "%s: database file is "
                                    "empty",
                                    path);
    }
    error = ovsdb_schema_from_json(st->schema_json, &schema);
    if (error) {
        ovsdb_error_prefix(error, "%s: schema", path);
        return error;
    }
    st->db = ovsdb_db_create(schema);
    for (n = 1;; n++) {
        retval = ovsdb_log_read(st->log, &record);
        if (retval) {
            return io_error(retval, path, "cannot read database");
        }
        if (!record) {
            break;
        }
        error = ovsdb_file_apply_record(st->db, record);
        json_decref(record);
        if (error) {
            error = discard_bad_record(st, path, n, error);
            if (error) {
                return error;
            }
            break;
        }
        if (n == 1) {
            st->snapshot_bytes = ovsdb_log_offset(st->log);
        }
    }
    if (n == 1) {
        st->snapshot_bytes = ovsdb_log_offset(st->log);
    }
    return NULL;
}

static struct ovsdb_error *
create_file(const char *path, const char *schema_text, struct ovsdb_log **logp)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    json_error_t jerror;
    json_t *json;
    int retval;

    json = json_loads(schema_text, 0, &jerror);
    if (!json) {
        return ovsdb_error("syntax error", "schema: %s", jerror.text);
    }
    error = ovsdb_schema_from_json(json, &schema);
    if (error) {
        json_decref(json);
        return error;
    }
    ovsdb_schema_destroy(schema);
    retval = ovsdb_log_create(path, &json, 1, logp);
    json_decref(json);
    if (retval) {
        return io_error(retval, path, "cannot create database");
    }
    VLOG_INFO("%s: created a new database", path);
    return NULL;
}

/* A record this big or bigger goes to the file in pieces of this size, as
 * it is made, rather than whole once made: a 100,000-row transaction's
 * record is 19 MB. */
#define STREAM_CHUNK (256u * 1024)

/* Where commit_cb() sends the pieces of a big record. */
struct record_stream {
    struct ovsdb_log *log;
    struct ovsdb_log_stream *stream; /* Started with the first piece. */
    size_t n_changes;
};

static void
flush_record(struct ds *text, size_t n_rows, void *rs_)
{
    struct record_stream *rs = rs_;

    if (!rs->stream) {
        /* Guess the length from the rows so far. */
        double per_row = (double) text->length / (double) MAX(n_rows, 1);

        rs->stream = ovsdb_log_stream_start(
            rs->log, (size_t) (per_row * (double) rs->n_changes));
    }
    ovsdb_log_stream_write(rs->stream, text->string, text->length);
    ds_clear(text);
}

static void
commit_cb(const struct ovsdb_changeset *changes, void *st_)
{
    struct ovsdb_store *st = st_;
    struct ds text = DS_EMPTY_INITIALIZER;
    struct record_stream rs = { .log = st->log,
                                .n_changes = changes->n_changes };
    bool record = ovsdb_file_txn_to_text_chunked(
        changes, ovsdb_file_wall_msec(), &text,
        st->diverged ? SIZE_MAX : STREAM_CHUNK, flush_record, &rs);
    ASSERT(record || !rs.stream);

    if (record && !st->diverged) {
        int error;

        if (rs.stream) {
            ovsdb_log_stream_write(rs.stream, text.string, text.length);
            error = ovsdb_log_stream_end(rs.stream);
        } else {
            error = ovsdb_log_write_text(st->log, text.string, text.length);
        }

        if (error) {
            /* The database has moved on without the file; a snapshot will
             * bring the file back in step. */
            st->diverged = true;
            st->compact_needed = true;
        } else {
            st->commit_seq++;
        }
    } else if (record) {
        st->compact_needed = true;
    }
    ds_destroy(&text);
    if (changes->durable) {
        st->durable_request = st->commit_seq;
        st->sync_needed = true;
        if (st->diverged) {
            /* Not even the snapshot has the change yet: wait for it. */
            st->durable_request = st->commit_seq + 1;
        }
    }

    if (!st->opts.no_auto_compact && !st->compact_needed) {
        off_t size = ovsdb_log_offset(st->log);
        long long now = time_msec();

        st->compact_needed =
            size >= st->opts.compact_min_bytes
            && size / st->opts.compact_ratio >= st->snapshot_bytes
            && (st->opts.compact_interval_ms < 0
                || now - st->last_compact_ms >= st->opts.compact_interval_ms);
    }
    if (st->opts.loop) {
        if (st->sync_needed || st->compact_needed) {
            ev_prepare_start(st->opts.loop, &st->prepare);
        }
    } else {
        store_run(st);
    }
}

static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct ovsdb_store *st = container_of(w, struct ovsdb_store, prepare);

    ev_prepare_stop(loop, w);
    store_run(st);
}

/* Calls every waiter whose record is durable, or all of them with
 * 'error'. */
static void
complete_waiters(struct ovsdb_store *st, int error)
{
    struct ovsdb_store_waiter *w, *next;
    struct list ready;

    list_init(&ready);
    LIST_FOR_EACH_SAFE(w, next, list_node, &st->waiters) {
        if (error || w->seq <= st->durable_seq) {
            list_remove(&w->list_node);
            list_push_back(&ready, &w->list_node);
        }
    }
    /* A callback may cancel another ready waiter, so take them one at a
     * time. */
    while (!list_is_empty(&ready)) {
        w = container_of(list_pop_front(&ready), struct ovsdb_store_waiter,
                         list_node);
        w->list_node.next = w->list_node.prev = NULL;
        w->cb(w, error);
    }
}

/* Does the deferred work: compaction if due, a sync if a durable commit
 * or a waiter needs one, then the waiters. */
static void
store_run(struct ovsdb_store *st)
{
    int error = 0;

    if (st->compact_needed) {
        st->compact_needed = false;
        error = ovsdb_store_compact(st);
        if (error && st->diverged) {
            st->sync_error = error;
        }
    }
    if (st->sync_needed && st->durable_seq < st->commit_seq) {
        error = ovsdb_log_sync(st->log);
        st->n_syncs++;
        if (error) {
            st->sync_error = error;
        } else {
            st->durable_seq = st->commit_seq;
        }
    }
    st->sync_needed = false;
    complete_waiters(st, st->sync_error);
}

struct ovsdb_error *
ovsdb_store_open(const char *path, const struct ovsdb_store_options *opts,
                 struct ovsdb_store **storep)
{
    struct ovsdb_store *st = xzalloc(sizeof *st);
    struct ovsdb_error *error = NULL;
    int retval;

    *storep = NULL;
    if (opts) {
        st->opts = *opts;
    }
    if (!st->opts.compact_min_bytes) {
        st->opts.compact_min_bytes = OVSDB_STORE_COMPACT_MIN_BYTES;
    }
    if (!st->opts.compact_ratio) {
        st->opts.compact_ratio = OVSDB_STORE_COMPACT_RATIO;
    }
    if (!st->opts.compact_interval_ms) {
        st->opts.compact_interval_ms = OVSDB_STORE_COMPACT_INTERVAL_MS;
    }
    list_init(&st->waiters);
    ev_prepare_init(&st->prepare, prepare_cb);

    retval = ovsdb_log_open(path, OVSDB_LOG_READ_WRITE, &st->log);
    if (retval == -ENOENT && st->opts.create_schema) {
        error = create_file(path, st->opts.create_schema, &st->log);
    } else if (retval) {
        error = io_error(retval, path, "cannot open database");
    }
    if (!error) {
        error = replay(st, path);
    }
    if (error) {
        st->opts.loop = NULL;
        ovsdb_store_destroy(st);
        return error;
    }
    st->last_compact_ms = time_msec();
    st->hook = ovsdb_db_add_commit_hook(st->db, commit_cb, st);
    *storep = st;
    return NULL;
}

void
ovsdb_store_destroy(struct ovsdb_store *st)
{
    if (!st) {
        return;
    }
    if (st->log) {
        if (st->opts.loop) {
            ev_prepare_stop(st->opts.loop, &st->prepare);
        }
        if (st->compact_needed || st->sync_needed
            || !list_is_empty(&st->waiters)) {
            st->sync_needed = true;
            store_run(st);
        }
    }
    ovsdb_db_destroy(st->db);
    json_decref(st->schema_json);
    ovsdb_log_close(st->log);
    free(st);
}

struct ovsdb_db *
ovsdb_store_get_db(const struct ovsdb_store *st)
{
    return st->db;
}

const char *
ovsdb_store_get_path(const struct ovsdb_store *st)
{
    return ovsdb_log_path(st->log);
}

uint64_t
ovsdb_store_take_durable_seq(struct ovsdb_store *st)
{
    uint64_t seq = st->durable_request;

    st->durable_request = 0;
    return seq > st->durable_seq || st->sync_error ? seq : 0;
}

void
ovsdb_store_waiter_init(struct ovsdb_store_waiter *w)
{
    memset(w, 0, sizeof *w);
}

void
ovsdb_store_wait(struct ovsdb_store *st, struct ovsdb_store_waiter *w,
                 uint64_t seq, ovsdb_store_durable_cb *cb)
{
    w->seq = seq;
    w->cb = cb;
    list_push_back(&st->waiters, &w->list_node);
    st->sync_needed = true;
    if (st->opts.loop) {
        ev_prepare_start(st->opts.loop, &st->prepare);
    } else {
        store_run(st);
    }
}

void
ovsdb_store_waiter_cancel(struct ovsdb_store_waiter *w)
{
    if (w->list_node.next) {
        list_remove(&w->list_node);
        w->list_node.next = w->list_node.prev = NULL;
    }
}

int
ovsdb_store_compact(struct ovsdb_store *st)
{
    json_t *records[2];
    int error;

    records[0] = st->schema_json;
    records[1] = ovsdb_file_snapshot_to_json(
        st->db, "compacting database online", ovsdb_file_wall_msec());
    error = ovsdb_log_replace(st->log, records, ARRAY_SIZE(records));
    json_decref(records[1]);
    st->last_compact_ms = time_msec();
    if (error) {
        VLOG_ERR("%s: compaction failed: %s", ovsdb_log_path(st->log),
                 strerror(-error));
        return error;
    }
    /* The snapshot holds every commit so far, synced. */
    if (st->diverged) {
        st->commit_seq++;
        st->diverged = false;
    }
    st->durable_seq = st->commit_seq;
    st->sync_error = 0;
    st->snapshot_bytes = ovsdb_log_offset(st->log);
    st->n_compactions++;
    VLOG_INFO("%s: compacted to %lld bytes", ovsdb_log_path(st->log),
              (long long) st->snapshot_bytes);
    if (!list_is_empty(&st->waiters)) {
        if (st->opts.loop) {
            ev_prepare_start(st->opts.loop, &st->prepare);
        } else {
            complete_waiters(st, 0);
        }
    }
    return 0;
}

int
ovsdb_store_replace_schema(struct ovsdb_store *st, const json_t *schema_json,
                           const struct ovsdb_db *db, const char *comment)
{
    json_t *records[2];
    int error;

    records[0] = (json_t *) schema_json;
    records[1] =
        ovsdb_file_snapshot_to_json(db, comment, ovsdb_file_wall_msec());
    error = ovsdb_log_replace(st->log, records, ARRAY_SIZE(records));
    json_decref(records[1]);
    if (error) {
        VLOG_ERR("%s: cannot write the converted database: %s",
                 ovsdb_log_path(st->log), strerror(-error));
        return error;
    }
    json_decref(st->schema_json);
    st->schema_json = json_incref(records[0]);
    /* As after a compaction: the new file holds everything, synced. */
    st->commit_seq += st->diverged;
    st->diverged = false;
    st->durable_seq = st->commit_seq;
    st->sync_error = 0;
    st->snapshot_bytes = ovsdb_log_offset(st->log);
    st->last_compact_ms = time_msec();
    if (!list_is_empty(&st->waiters)) {
        if (st->opts.loop) {
            ev_prepare_start(st->opts.loop, &st->prepare);
        } else {
            complete_waiters(st, 0);
        }
    }
    return 0;
}

void
ovsdb_store_get_stats(const struct ovsdb_store *st,
                      struct ovsdb_store_stats *stats)
{
    stats->commit_seq = st->commit_seq;
    stats->durable_seq = st->durable_seq;
    stats->n_syncs = st->n_syncs;
    stats->n_compactions = st->n_compactions;
    stats->log_bytes = ovsdb_log_offset(st->log);
    stats->snapshot_bytes = st->snapshot_bytes;
}
