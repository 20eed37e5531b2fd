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
struct ovsdb_error;

/* Called with each commit's change set (borrowed) before the commit
 * becomes visible: returns NULL to let it proceed, or an error (a new
 * one, which the commit returns) to refuse it, in which case the commit is
 * rolled back and no commit hook hears of it.  The on-disk store writes
 * its record here, so that only what reached the file is ever applied. */
typedef struct ovsdb_error *
ovsdb_commit_prepare_cb(const struct ovsdb_changeset *, void *aux);

struct ovsdb_db {
    struct ovsdb_schema *schema;
    struct ovsdb_table **tables;      /* Indexed like schema->tables. */
    struct list hooks;                /* Of 'struct ovsdb_commit_hook'. */
    uint32_t txn_serial;              /* Serial of the latest transaction. */
    ovsdb_commit_prepare_cb *prepare; /* Or NULL. */
    void *prepare_aux;
    bool in_txn; /* A transaction is open. */
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

/* Sets the database's one prepare callback (NULL for none). */
void ovsdb_db_set_commit_prepare(struct ovsdb_db *, ovsdb_commit_prepare_cb *,
                                 void *aux);

/* Runs the prepare callback with 'changes' (for transaction.c); returns
 * its error (new) or NULL. */
struct ovsdb_error *
ovsdb_db_prepare_commit(struct ovsdb_db *,
                        const struct ovsdb_changeset *changes);

/* Runs every hook with 'changes' (for transaction.c). */
void ovsdb_db_run_commit_hooks(struct ovsdb_db *,
                               const struct ovsdb_changeset *changes);

#endif /* vtepd/ovsdb/db.h */
