/* SPDX-License-Identifier: Apache-2.0 */
/* Remotes that the database names: ovsdb-server's
 * "--remote=db:DB,TABLE,COLUMN".
 *
 * COLUMN of every row of TABLE holds either strings, each a remote
 * ("ptcp:6640", "ssl:192.0.2.1:6640"), or references to rows with a
 * string "target" column, as hardware_vtep's Global.managers refers to
 * Manager rows.  Such a row may also set "max_backoff" (milliseconds, the
 * reconnection backoff cap) and "inactivity_probe" (milliseconds, 0
 * disables the probe); its ephemeral "is_connected" and "status" columns,
 * if the table has them, are kept current with the remote's state.
 *
 * The database is followed live: a commit hook notices changes to the
 * rows involved, and remotes are then added, removed or reconfigured from
 * the event loop.  Status is written from the event loop too, every few
 * seconds and soon after a remote connects or disconnects, and only when
 * it changed.  A remote that cannot be added (a port in use, a missing
 * directory) is retried with each status refresh.  Remotes that were also
 * given on the command line are left to the command line. */
#ifndef VTEPD_OVSDB_REMOTES_H
#define VTEPD_OVSDB_REMOTES_H 1

#include <ev.h>

struct ovsdb_db;
struct ovsdb_server;
struct ovsdb_server_remote_status;
struct ovsdb_remotes;

/* Creates an empty set of database-named remotes served by 'server' from
 * 'db' (both borrowed; they must outlive the set).  Takes over 'server''s
 * remote change callback. */
struct ovsdb_remotes *ovsdb_remotes_create(struct ev_loop *,
                                           struct ovsdb_server *,
                                           struct ovsdb_db *);
/* Stops following the database and removes every remote it added; NULL is
 * a no-op. */
void ovsdb_remotes_destroy(struct ovsdb_remotes *);

/* Follows 'spec' ("db:DB,TABLE,COLUMN") from now on, starting the remotes
 * it names at once.  Returns 0, or -EINVAL with a malloc'd explanation in
 * '*errorp' if 'spec' is malformed or does not name a suitable column of
 * the served database. */
int ovsdb_remotes_add(struct ovsdb_remotes *, const char *spec, char **errorp);

/* Applies pending database changes, retries remotes that could not be
 * added, and writes status, now instead of from the event loop (for
 * tests). */
void ovsdb_remotes_run(struct ovsdb_remotes *);

/* The "status" map that ovsdb-server writes for a remote: at most one
 * entry per key it knows, 'n' pairs in key order. */
#define OVSDB_REMOTES_STATUS_MAX 9
struct ovsdb_remotes_status_map {
    size_t n;
    const char *keys[OVSDB_REMOTES_STATUS_MAX]; /* Static strings. */
    char *values[OVSDB_REMOTES_STATUS_MAX];     /* Owned. */
};

/* Fills 'map' with the status map of a remote in 'status' at loop time
 * 'now'.  Exposed for tests.  The caller frees it with
 * ovsdb_remotes_status_map_destroy(). */
void ovsdb_remotes_status_map(const struct ovsdb_server_remote_status *,
                              ev_tstamp now,
                              struct ovsdb_remotes_status_map *);
void ovsdb_remotes_status_map_destroy(struct ovsdb_remotes_status_map *);

#endif /* vtepd/ovsdb/remotes.h */
