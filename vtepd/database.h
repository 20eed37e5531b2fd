/* SPDX-License-Identifier: Apache-2.0 */
/* vtepd's database side: the database file, the OVSDB server on the
 * configured remotes, TLS settings, and the control-socket commands that
 * belong to the database. */
#ifndef VTEPD_DATABASE_H
#define VTEPD_DATABASE_H 1

#include <ev.h>

struct ovsdb_db;
struct ovsdb_server;
struct vtepd_database;
struct vtepd_options;

/* Opens 'opts->database' (creating it from the built-in hardware_vtep
 * schema, or from --schema, when missing), makes sure the hardware_vtep
 * Global row exists, and serves the database on 'opts->remotes'.  Returns
 * NULL after logging why on failure. */
struct vtepd_database *vtepd_database_start(struct ev_loop *,
                                            const struct vtepd_options *);
/* Stops serving, syncs and closes the file; NULL is a no-op. */
void vtepd_database_stop(struct vtepd_database *);

/* The database (borrowed: it lives until vtepd_database_stop()). */
struct ovsdb_db *vtepd_database_get_db(const struct vtepd_database *);

/* The OVSDB server (borrowed, likewise): for the metrics. */
struct ovsdb_server *vtepd_database_get_server(const struct vtepd_database *);

#endif /* vtepd/database.h */
