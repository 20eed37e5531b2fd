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
    int sync_error;      /* Sticky until a snapshot: a sync failed, so what
                          * the file holds is in doubt. */
    bool compact_needed; /* Auto-compaction is due. */

    /* While appends fail (e.g. the disk is full), every commit is refused;
     * the first error and then one per interval are logged. */
    int write_error;         /* The last append's error, 0 once one works. */
    uint64_t n_refused;      /* Commits refused since the appends failed. */
    uint64_t n_write_errors; /* Commits refused since open. */

    off_t snapshot_bytes;
    long long last_compact_ms;
    long long compact_retry_ms;   /* No automatic snapshot before this. */
    long long compact_backoff_ms; /* After a failed one; 0 after success. */
    uint64_t n_syncs, n_compactions;

    struct list waiters; /* Of 'struct ovsdb_store_waiter'. */
    ev_prepare prepare;  /* Syncs and compacts before the loop blocks. */
    ev_timer retry;      /* Retries a snapshot after a sync failure. */
};

/* Backoff of automatic snapshots after a failure: 1 s doubling to 64 s. */
#define COMPACT_BACKOFF_MIN_MS 1000
#define COMPACT_BACKOFF_MAX_MS (64 * 1000)

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

/* Where write_record() sends the pieces of a big record. */
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

/* Appends the record of 'changes', if it has one.  Returns 0 or a
 * negative errno, with nothing of the record left in the file. */
static int
write_record(struct ovsdb_store *st, const struct ovsdb_changeset *changes)
{
    struct ds text = DS_EMPTY_INITIALIZER;
    struct record_stream rs = { .log = st->log,
                                .n_changes = changes->n_changes };
    bool record =
        ovsdb_file_txn_to_text_chunked(changes, ovsdb_file_wall_msec(), &text,
                                       STREAM_CHUNK, flush_record, &rs);
    int error = 0;

    ASSERT(record || !rs.stream);
    if (rs.stream) {
        ovsdb_log_stream_write(rs.stream, text.string, text.length);
        error = ovsdb_log_stream_end(rs.stream);
    } else if (record) {
        error = ovsdb_log_write_text(st->log, text.string, text.length);
    }
    if (record && !error) {
        st->commit_seq++;
    }
    ds_destroy(&text);
    return error;
}

/* Logs that a commit was refused because of 'error': the first at once,
 * then at most one line per 10 seconds while the appends keep failing. */
static void
note_refused(struct ovsdb_store *st, int error, const char *what)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(6, 1);

    if (!st->write_error) {
        st->n_refused = 0;
    }
    st->write_error = error;
    st->n_refused++;
    st->n_write_errors++;
    VLOG_ERR_RL(&rl,
                "%s: %s (%s): commits are refused until the database can be "
                "written again (%llu refused so far)",
                ovsdb_log_path(st->log), what, strerror(-error),
                (unsigned long long) st->n_refused);
}

/* The database's prepare callback: a commit becomes visible only once its
 * record is in the file.  A durable commit is also refused while a failed
 * sync leaves the file in doubt (until a snapshot settles it). */
static struct ovsdb_error *
store_prepare_cb(const struct ovsdb_changeset *changes, void *st_)
{
    struct ovsdb_store *st = st_;
    const char *path = ovsdb_log_path(st->log);
    int error;

    if (changes->durable && st->sync_error) {
        note_refused(st, st->sync_error, "sync failed");
        return ovsdb_io_error(st->sync_error, "%s: sync failed", path);
    }
    error = write_record(st, changes);
    if (error) {
        note_refused(st, error, "write failed");
        return ovsdb_io_error(error, "%s: write failed", path);
    }
    if (st->write_error && !st->sync_error) {
        VLOG_INFO("%s: the database can be written again (%llu commits were "
                  "refused)",
                  path, (unsigned long long) st->n_refused);
        st->write_error = 0;
    }
    return NULL;
}

/* True if the log has grown enough, since a snapshot long enough ago, for
 * an automatic one. */
static bool
auto_compact_due(const struct ovsdb_store *st)
{
    off_t size = ovsdb_log_offset(st->log);
    long long now = time_msec();

    return !st->opts.no_auto_compact && now >= st->compact_retry_ms
           && size >= st->opts.compact_min_bytes
           && size / st->opts.compact_ratio >= st->snapshot_bytes
           && (st->opts.compact_interval_ms < 0
               || now - st->last_compact_ms >= st->opts.compact_interval_ms);
}

/* The commit hook: the commit's record is written (see store_prepare_cb());
 * schedules its sync if it asked for durability, and compaction if due. */
static void
commit_cb(const struct ovsdb_changeset *changes, void *st_)
{
    struct ovsdb_store *st = st_;

    if (changes->durable) {
        st->durable_request = st->commit_seq;
        st->sync_needed = true;
    }
    if (!st->compact_needed) {
        st->compact_needed = auto_compact_due(st);
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

/* Schedules the next attempt at a snapshot after one failed or a sync
 * failed, backing off from 1 s to 64 s. */
static void
schedule_retry(struct ovsdb_store *st)
{
    st->compact_backoff_ms =
        st->compact_backoff_ms
            ? MIN(st->compact_backoff_ms * 2, COMPACT_BACKOFF_MAX_MS)
            : COMPACT_BACKOFF_MIN_MS;
    st->compact_retry_ms = time_msec() + st->compact_backoff_ms;
    if (st->opts.loop && st->sync_error) {
        ev_timer_stop(st->opts.loop, &st->retry);
        ev_timer_set(&st->retry, (double) st->compact_backoff_ms / 1000.0, 0.);
        ev_timer_start(st->opts.loop, &st->retry);
    }
}

/* After a sync failure the file may lack records the database has (the
 * kernel may have dropped pages it could not write): a snapshot rewrites
 * it from the database. */
static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ovsdb_store *st = container_of(w, struct ovsdb_store, retry);

    if (st->sync_error && ovsdb_store_compact(st)) {
        schedule_retry(st);
    }
}

/* Does the deferred work: compaction if due, a sync if a durable commit
 * or a waiter needs one, then the waiters. */
static void
store_run(struct ovsdb_store *st)
{
    int error;

    if (st->compact_needed) {
        st->compact_needed = false;
        if (ovsdb_store_compact(st)) {
            schedule_retry(st);
        }
    }
    if (st->sync_needed && st->durable_seq < st->commit_seq) {
        error = ovsdb_log_sync(st->log);
        st->n_syncs++;
        if (error) {
            st->sync_error = error;
            schedule_retry(st);
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
    ev_timer_init(&st->retry, retry_cb, 0., 0.);

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
    ovsdb_db_set_commit_prepare(st->db, store_prepare_cb, st);
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
            ev_timer_stop(st->opts.loop, &st->retry);
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

/* After the file was rewritten as one snapshot (compaction, conversion):
 * every commit so far is in it, synced, so durable waiters are answered
 * and a pending retry is moot. */
static void
snapshot_written(struct ovsdb_store *st)
{
    st->durable_seq = st->commit_seq;
    st->sync_error = 0;
    st->compact_backoff_ms = 0;
    st->compact_retry_ms = 0;
    if (st->opts.loop) {
        ev_timer_stop(st->opts.loop, &st->retry);
    }
    st->snapshot_bytes = ovsdb_log_offset(st->log);
    if (!list_is_empty(&st->waiters)) {
        if (st->opts.loop) {
            ev_prepare_start(st->opts.loop, &st->prepare);
        } else {
            complete_waiters(st, 0);
        }
    }
}

int
ovsdb_store_compact(struct ovsdb_store *st)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(6, 1);
    json_t *records[2];
    int error;

    records[0] = st->schema_json;
    records[1] = ovsdb_file_snapshot_to_json(
        st->db, "compacting database online", ovsdb_file_wall_msec());
    error = ovsdb_log_replace(st->log, records, ARRAY_SIZE(records));
    json_decref(records[1]);
    st->last_compact_ms = time_msec();
    if (error) {
        VLOG_ERR_RL(&rl, "%s: compaction failed: %s", ovsdb_log_path(st->log),
                    strerror(-error));
        return error;
    }
    /* The snapshot holds every commit so far, synced. */
    if (st->sync_error) {
        VLOG_INFO("%s: rewritten after a failed sync",
                  ovsdb_log_path(st->log));
    }
    snapshot_written(st);
    st->n_compactions++;
    VLOG_INFO("%s: compacted to %lld bytes", ovsdb_log_path(st->log),
              (long long) st->snapshot_bytes);
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
    st->last_compact_ms = time_msec();
    snapshot_written(st);
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
    stats->n_write_errors = st->n_write_errors;
    stats->write_error = st->write_error;
}
