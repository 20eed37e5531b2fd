/* SPDX-License-Identifier: Apache-2.0 */
/* The store: persistent storage of one OVSDB database in a standalone database file,
 * the format ovsdb-server and ovsdb-tool use (see log.h and file.h).
 *
 * Opening a file reads the schema and replays every record into a new
 * database, which the storage owns.  From then on the storage follows the
 * database: every commit that changes persistent data appends one record,
 * which reaches the operating system before the commit becomes visible (it
 * survives a crash of vtepd) and stable storage when synced (it survives a
 * power loss).
 *
 * Write errors.  The record is written from the database's prepare
 * callback (db.h), before any client, monitor or commit hook sees the
 * commit.  If the write fails (a full disk), whatever part of it reached
 * the file is cut off again and the commit fails with ovsdb-server's error,
 * {"error":"I/O error","details":"PATH: write failed","io-error":...}, and
 * changes nothing.  Reads and monitors go on; the first refusal is logged,
 * then one line per 10 s; the first commit that can be written again is
 * logged and ends the episode: nothing needs recovering, because nothing
 * was applied that the file lacks.
 *
 * A failed sync (fdatasync) is different: the record was accepted by the
 * kernel and the commit applied, so its durable waiters are answered with
 * an error, and the file, which may have lost pages, is rewritten as a
 * snapshot, retried with backoff (1 s doubling to 64 s).  Until that
 * succeeds, durable commits are refused (not applied) with "PATH: sync
 * failed"; other commits go on.
 *
 * Durability.  A transaction with a "commit" operation asking for
 * "durable": true must not be answered before its record is synced.  Each
 * record gets a sequence number; the server layer asks, right after
 * ovsdb_execute(), which number the reply must wait for:
 *
 *     seq = ovsdb_store_take_durable_seq(storage);
 *     if (seq) {
 *         ovsdb_store_wait(storage, &pending->waiter, seq, reply_cb);
 *     } else {
 *         reply now;
 *     }
 *
 * The storage syncs once per event-loop iteration, just before the loop
 * blocks, so all durable commits made in one iteration share one sync
 * ("group commit"); each waiter's callback then runs from the loop.
 *
 * Compaction rewrites the file as the schema plus one snapshot record.  It
 * runs when ovsdb_store_compact() is called (the control socket's
 * "ovsdb/compact") and automatically when the log has grown past both a
 * minimum size and a multiple of the last snapshot, no more often than a
 * minimum interval (ovsdb-server's defaults: 10 MiB, 4 times, 10 minutes).
 * It is synchronous: nothing can commit while it runs, so nothing is lost,
 * and the new file replaces the old one atomically. */
#ifndef VTEPD_OVSDB_STORE_H
#define VTEPD_OVSDB_STORE_H 1

#include <ev.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/list.h"
#include "lib/util.h"

struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_store;
struct ovsdb_store_waiter;

#define OVSDB_STORE_COMPACT_MIN_BYTES (10u * 1024 * 1024)
#define OVSDB_STORE_COMPACT_RATIO 4
#define OVSDB_STORE_COMPACT_INTERVAL_MS (10 * 60 * 1000)

/* How to open a database file.  Zero fields select the defaults. */
struct ovsdb_store_options {
    /* The loop that syncs and runs waiter callbacks.  Without one, a
     * durable commit syncs before its commit returns and waiters are
     * called at once. */
    struct ev_loop *loop;

    /* If the file does not exist, create it with this schema (JSON text,
     * e.g. vtep_schema_text()); NULL makes a missing file an
     * error. */
    const char *create_schema;

    /* Automatic compaction (see above). */
    bool no_auto_compact;
    off_t compact_min_bytes;       /* Default 10 MiB. */
    unsigned int compact_ratio;    /* Default 4. */
    long long compact_interval_ms; /* Default 10 minutes; < 0 for none. */
};

/* Called when everything up to the waiter's sequence number is on stable
 * storage ('error' 0), or can no longer get there ('error' a negative
 * errno from a failed sync: the change is in memory and written, but may
 * be lost on power failure until the store's snapshot retry succeeds).  The
 * waiter is no longer registered and may be freed. */
typedef void ovsdb_store_durable_cb(struct ovsdb_store_waiter *, int error);

/* Embed one in whatever waits (e.g. a deferred reply); container_of()
 * recovers it in the callback. */
struct ovsdb_store_waiter {
    struct list list_node; /* In the storage's waiters, while pending. */
    uint64_t seq;
    ovsdb_store_durable_cb *cb;
};

struct ovsdb_store_stats {
    uint64_t commit_seq;     /* Sequence number of the last record. */
    uint64_t durable_seq;    /* Last one known to be on stable storage. */
    uint64_t n_syncs;        /* Syncs for durable commits. */
    uint64_t n_compactions;  /* Snapshots written. */
    off_t log_bytes;         /* Current file size. */
    off_t snapshot_bytes;    /* File size right after the last snapshot. */
    uint64_t n_write_errors; /* Commits refused because of I/O errors. */
    int write_error;         /* Negative errno while commits are refused. */
};

/* Opens the database file 'path' (creating it if 'options' says so),
 * replays it and locks it against other writers.  On success stores a new
 * storage in '*storep', owned by the caller, and returns NULL.
 * Refuses a file that is corrupt anywhere but at its tail (a torn tail is
 * logged and truncated).  'options' may be NULL for the defaults. */
struct ovsdb_error *
ovsdb_store_open(const char *path, const struct ovsdb_store_options *,
                 struct ovsdb_store **storep) WARN_UNUSED_RESULT;

/* Syncs what is pending, calls the remaining waiters (with the sync's
 * result), then frees the storage and its database.  NULL is a no-op. */
void ovsdb_store_destroy(struct ovsdb_store *);

/* The database (borrowed: it lives as long as the storage).  Callers may
 * add their own commit hooks. */
struct ovsdb_db *ovsdb_store_get_db(const struct ovsdb_store *);
const char *ovsdb_store_get_path(const struct ovsdb_store *);

/* For the server layer, right after ovsdb_execute(): if the transaction
 * just committed asked for durability and its record (or, if it wrote
 * none, the last record) is not yet synced, returns the sequence number to
 * wait for; otherwise returns 0.  Clears the request either way. */
uint64_t ovsdb_store_take_durable_seq(struct ovsdb_store *);

/* Calls 'cb' once record 'seq' is on stable storage, from the event loop
 * (never from inside this call, unless the storage has no loop).  A sync
 * is scheduled if one is needed. */
void ovsdb_store_wait(struct ovsdb_store *, struct ovsdb_store_waiter *waiter,
                      uint64_t seq, ovsdb_store_durable_cb *cb);
/* Unregisters a waiter that has not been called (e.g. its session
 * closed); a no-op if it was already called or never registered. */
void ovsdb_store_waiter_cancel(struct ovsdb_store_waiter *);
/* Zeroes a waiter so that a cancel before any wait is harmless. */
void ovsdb_store_waiter_init(struct ovsdb_store_waiter *);

/* Rewrites the file as a snapshot now (also ending a sync failure).
 * Returns 0 or a negative errno (the old file is then still in use and
 * intact); failures are logged rate-limited. */
int ovsdb_store_compact(struct ovsdb_store *);

/* For a schema conversion: rewrites the file as 'schema_json' (borrowed)
 * plus one snapshot of 'db' (borrowed: the converted database, before
 * ovsdb_convert_replace() puts it in place of the stored one) with
 * 'comment', atomically.  Returns 0, or a negative errno with the old
 * file intact and still in use. */
int ovsdb_store_replace_schema(struct ovsdb_store *, const json_t *schema_json,
                               const struct ovsdb_db *db, const char *comment);

void ovsdb_store_get_stats(const struct ovsdb_store *,
                           struct ovsdb_store_stats *);

#endif /* vtepd/ovsdb/store.h */
