/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB transactions: all-or-nothing changes to a database, the checks
 * ovsdb-server makes at commit time, and the change set each commit
 * yields.
 *
 * Rows change copy-on-write: the table always shows the transaction's
 * current rows, and the transaction keeps the committed versions aside so
 * that an abort (or a failed commit) puts everything back. */
#ifndef VTEPD_OVSDB_TRANSACTION_H
#define VTEPD_OVSDB_TRANSACTION_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/util.h"
#include "lib/uuid.h"

struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_txn;

/* One row's change in a commit. */
struct ovsdb_row_change {
    const struct ovsdb_table *table;
    const struct ovsdb_row *old; /* NULL if the row was inserted. */
    const struct ovsdb_row *new; /* NULL if the row was deleted. */
    const uint64_t *changed;     /* Bitmap by column index; NULL unless both
                              * 'old' and 'new' are set. */
};

/* Everything one commit changed, in the order the transaction touched the
 * rows (garbage-collected rows last).  Rows with no net change are left
 * out. */
struct ovsdb_changeset {
    const struct ovsdb_row_change *changes;
    size_t n_changes;
    bool durable;        /* A "commit" operation asked for durability. */
    const char *comment; /* "comment" operations joined by "\n", or NULL. */
};

static inline bool
ovsdb_row_change_column_changed(const struct ovsdb_row_change *change,
                                unsigned int column_index)
{
    return !change->changed
           || (change->changed[column_index / 64] >> (column_index % 64)) & 1;
}

/* Starts a transaction on 'db'.  Only one may be open at a time. */
struct ovsdb_txn *ovsdb_txn_create(struct ovsdb_db *db);

/* Rolls back every change and frees 'txn'; NULL is a no-op. */
void ovsdb_txn_abort(struct ovsdb_txn *txn);

/* Runs the commit-time checks (referential integrity, garbage collection,
 * weak references, maxRows, set sizes, index uniqueness), then offers the
 * change set to the database's prepare callback (the store writes it to
 * disk).  If both succeed, makes the changes permanent, runs the
 * database's commit hooks and returns NULL; otherwise rolls everything
 * back and returns the error (new).  Frees 'txn' either way. */
struct ovsdb_error *ovsdb_txn_commit(struct ovsdb_txn *txn,
                                     bool durable) WARN_UNUSED_RESULT;

/* Appends 'comment' to the transaction's comment. */
void ovsdb_txn_add_comment(struct ovsdb_txn *, const char *comment);

/* Adds 'row' (with its _uuid set) to 'table', taking ownership. */
void ovsdb_txn_insert(struct ovsdb_txn *, struct ovsdb_table *,
                      struct ovsdb_row *row);

/* Takes 'row' out of 'table' and returns a private copy to change (the row
 * itself if the transaction already owns it).  The caller must hand the
 * result to ovsdb_txn_modify_end() before the next transaction call. */
struct ovsdb_row *ovsdb_txn_modify_begin(struct ovsdb_txn *,
                                         struct ovsdb_table *,
                                         struct ovsdb_row *row);
void ovsdb_txn_modify_end(struct ovsdb_txn *, struct ovsdb_table *,
                          struct ovsdb_row *row);

/* Deletes 'row' from 'table'. */
void ovsdb_txn_delete(struct ovsdb_txn *, struct ovsdb_table *,
                      struct ovsdb_row *row);

/* True if 'uuid' names a row of 'table' or one this transaction deleted
 * from it (a new row may not reuse either). */
bool ovsdb_txn_uuid_in_use(const struct ovsdb_txn *,
                           const struct ovsdb_table *, const struct uuid *);

#endif /* vtepd/ovsdb/transaction.h */
