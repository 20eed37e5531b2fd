/* SPDX-License-Identifier: Apache-2.0 */
/* An OVSDB database: a schema, one table per schema table, and the
 * observers that hear about every committed change.
 *
 * Commit hooks are how the rest of vtepd follows the database: monitors,
 * the on-disk log and the VTEP reconciler each register one and receive
 * the same change set (see transaction.h), computed once per commit. */
#ifndef VTEPD_OVSDB_DB_H
#define VTEPD_OVSDB_DB_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/list.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

struct ovsdb_changeset;

struct ovsdb_db {
    struct ovsdb_schema *schema;
    struct ovsdb_table **tables; /* Indexed like schema->tables. */
    struct list hooks;           /* Of 'struct ovsdb_commit_hook'. */
    uint32_t txn_serial;         /* Serial of the latest transaction. */
    bool in_txn;                 /* A transaction is open. */
};

/* Called after each successful commit, in registration order, with the
 * change set (borrowed: valid only during the call).  A hook must not
 * start a transaction on the same database from inside the call. */
typedef void ovsdb_commit_cb(const struct ovsdb_changeset *, void *aux);

/* Creates an empty database for 'schema', taking ownership of it. */
struct ovsdb_db *ovsdb_db_create(struct ovsdb_schema *schema);
/* Destroys 'db', its tables, rows and hooks; NULL is a no-op. */
void ovsdb_db_destroy(struct ovsdb_db *db);

/* Returns the table named 'name' (borrowed), or NULL. */
struct ovsdb_table *ovsdb_db_find_table(const struct ovsdb_db *,
                                        const char *name);

/* Registers 'cb' with 'aux'; returns a handle for
 * ovsdb_db_remove_commit_hook() (owned by the database). */
struct ovsdb_commit_hook *
ovsdb_db_add_commit_hook(struct ovsdb_db *, ovsdb_commit_cb *cb, void *aux);
void ovsdb_db_remove_commit_hook(struct ovsdb_db *,
                                 struct ovsdb_commit_hook *);

/* Runs every hook with 'changes' (for transaction.c). */
void ovsdb_db_run_commit_hooks(struct ovsdb_db *,
                               const struct ovsdb_changeset *changes);

#endif /* vtepd/ovsdb/db.h */
