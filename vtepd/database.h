/* SPDX-License-Identifier: Apache-2.0 */
/* vtepd's database side: the database file, the OVSDB server on the
 * configured remotes, TLS settings, and the control-socket commands that
 * belong to the database. */
#ifndef VTEPD_DATABASE_H
#define VTEPD_DATABASE_H 1

#include <ev.h>
#include <stdbool.h>

struct ovsdb_db;
struct ovsdb_server;
struct replica;
struct vtepd_database;
struct vtepd_options;

/* Opens 'opts->database' (creating it from the built-in hardware_vtep
 * schema, or from --schema, when missing), makes sure the hardware_vtep
 * Global row exists, and serves the database on 'opts->remotes'.  In
 * client mode (--db=REMOTE) the database is instead an in-memory replica
 * of the remote one (see replica.h), served only on the --remote
 * listeners given, and usable once vtepd_database_poll_ready() says so.
 * Returns NULL after logging why on failure. */
struct vtepd_database *vtepd_database_start(struct ev_loop *,
                                            const struct vtepd_options *);
/* In client mode (--db=REMOTE), the replica that follows the remote
 * database (borrowed), else NULL. */
struct replica *vtepd_database_get_replica(const struct vtepd_database *);

/* Returns true once the database may be used: at once for a database
 * file, once the replica holds the whole remote database in client mode
 * (the first such call then creates the Global row if the remote database
 * has none). */
bool vtepd_database_poll_ready(struct vtepd_database *);

/* Stops serving, syncs and closes the file; NULL is a no-op. */
void vtepd_database_stop(struct vtepd_database *);

/* The database (borrowed: it lives until vtepd_database_stop()). */
struct ovsdb_db *vtepd_database_get_db(const struct vtepd_database *);

/* The OVSDB server (borrowed, likewise): for the metrics. */
struct ovsdb_server *vtepd_database_get_server(const struct vtepd_database *);

#endif /* vtepd/database.h */
