/* SPDX-License-Identifier: Apache-2.0 */
/* Client mode: a local replica of a hardware_vtep database served
 * elsewhere (an ovsdb-server, or any member of an OVSDB Raft cluster).
 *
 * The replica follows the remote database with "monitor_cond_since"
 * (keeping the last transaction id, so that a reconnection to a cluster
 * member brings only what changed), falling back to "monitor_cond" and
 * "monitor" on older servers.  It watches the server's _Server database
 * and, on a cluster, stays only on a member that is connected to the
 * cluster and is its leader, moving to the next remote otherwise, after a
 * disconnection, or when a write was refused for want of a leader.
 *
 * vtepd's own code writes to the local database as before: each of its
 * commits is applied locally at once and sent to the server as a
 * "transact" (uuid-named inserts, updates and mutations by _uuid, and a
 * "wait" that keeps a learned MAC from being inserted twice).  Updates
 * from the server always win.  When a write is refused, or its fate is
 * unknown because the connection dropped, the replica puts the rows it
 * touched back to the server's version and calls the "writes lost"
 * callback, whose owner derives its rows again from what the database
 * now holds: nothing is lost and nothing is written twice. */
#ifndef VTEPD_REPLICA_REPLICA_H
#define VTEPD_REPLICA_REPLICA_H 1

#include <ev.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/ds.h"
#include "lib/uuid.h"

struct ovsdb_db;
struct ovsdb_table;
struct replica;

/* Starts following the database named like 'db''s schema at 'remotes'
 * (the 'n' active remote names are copied; tried in order, round robin).
 * 'db' (borrowed, empty) becomes the replica: it must outlive the
 * replica, and its commit-prepare callback is the replica's. */
struct replica *replica_create(struct ev_loop *loop, struct ovsdb_db *db,
                               char *const *remotes, size_t n);
/* Disconnects and frees 'replica'; NULL is a no-op.  Unconfirmed writes
 * are abandoned. */
void replica_destroy(struct replica *);

/* True once the replica has received the whole database at least once. */
bool replica_is_synced(const struct replica *);

/* Calls 'cb' with 'aux' whenever writes were undone ('refused' by the
 * server, or of unknown fate after a disconnection): the writer should
 * derive its rows again from the database.  NULL stops the calls. */
void replica_set_lost_cb(struct replica *, void (*cb)(bool refused, void *aux),
                         void *aux);

/* A row that one of vtepd's writes touched. */
struct replica_row_ref {
    const struct ovsdb_table *table;
    struct uuid uuid;
};

/* While the "writes lost" callback runs for a write the server refused
 * for good: stores in '*rows' (borrowed, valid until the callback
 * returns) the rows that write touched and returns how many (0 at any
 * other time). */
size_t replica_refused_rows(const struct replica *,
                            const struct replica_row_ref **rows);

struct replica_stats {
    const char *remote;          /* The remote in use (borrowed), or NULL. */
    const char *state;           /* "connecting", "syncing", "ready"... */
    const char *method;          /* The monitor method in use. */
    uint64_t connections;        /* Sessions that reached "ready". */
    uint64_t snapshots;          /* Initial replies that held the whole db. */
    uint64_t resumes;            /* Initial replies that held changes only. */
    uint64_t last_initial_bytes; /* Size of the latest initial reply. */
    uint64_t last_sync_ms;       /* Monitor request to its reply applied. */
    uint64_t last_reconnect_ms;  /* Leaving a session to the next ready. */
    uint64_t snapshot_bytes, snapshot_ms; /* Latest whole-database reply. */
    uint64_t resume_bytes, resume_ms;     /* Latest changes-only reply. */
    uint64_t txns_sent, txns_ok, txns_failed, txns_abandoned;
    uint64_t reverts; /* Times unconfirmed writes were undone. */
    size_t txns_pending;
};
void replica_get_stats(const struct replica *, struct replica_stats *);

/* Drops the session and connects to the next remote; with 'forget', the
 * last transaction id is forgotten first, so that the whole database is
 * sent again (for measurements and for an operator who doubts the
 * replica). */
void replica_reconnect(struct replica *, bool forget);

/* Appends a human-readable status to 'out' (for "replica/status"). */
void replica_format_status(const struct replica *, struct ds *out);

#endif /* vtepd/replica/replica.h */
