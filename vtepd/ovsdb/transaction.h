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

struct ovsdb_column;
struct ovsdb_datum;
struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_txn;
union ovsdb_atom;

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
    const void *origin;  /* See ovsdb_txn_set_origin(); NULL for clients. */
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

/* Marks 'txn' as made by 'origin' (borrowed, never dereferenced), which
 * the change set of its commit carries, so that a commit hook can tell its
 * owner's own writes from everyone else's.  A client's transaction has no
 * origin (NULL); nothing else in the engine treats the two differently. */
void ovsdb_txn_set_origin(struct ovsdb_txn *, const void *origin);

/* ---- In-process writes (txn-write.c) ----
 *
 * How vtepd's own code changes the database, instead of building JSON for
 * ovsdb_execute() and parsing it again.  Each call makes the checks that
 * the equivalent "insert", "update" or "delete" operation makes at the
 * same point, and returns the same error (tag and details; there is no
 * "syntax" member, since there is no JSON to quote): a value is checked
 * against its column's type and constraints when it is written, an
 * immutable column refuses writes once its row exists, an inserted row's
 * unwritten columns are checked at ovsdb_txn_row_insert().  References,
 * weak references, maxRows, set sizes and indexes are then checked by
 * ovsdb_txn_commit(), as for every client.  A failed call changes nothing;
 * the caller usually aborts the transaction.
 *
 * Rows are read with ovsdb_table_find() and the ovsdb_row_get_*() readers:
 * a table always shows the transaction's current rows. */

/* Returns a new row for 'table' with every column at its default value, to
 * fill in with the ovsdb_txn_write_*() writers and hand to
 * ovsdb_txn_row_insert() (or ovsdb_row_destroy()).  Held by the caller. */
struct ovsdb_row *ovsdb_txn_row_create(const struct ovsdb_table *);

/* Inserts 'row' (from ovsdb_txn_row_create(); takes ownership) into
 * 'table' with _uuid '*uuid', or a fresh one if 'uuid' is NULL.  Fails,
 * destroying 'row', if the uuid is in use in 'table' or was deleted by
 * this transaction, or if a column left at its default breaks the
 * column's constraints.  On success the row belongs to the transaction
 * and may still be written, as a row from ovsdb_txn_row_modify(). */
struct ovsdb_error *
ovsdb_txn_row_insert(struct ovsdb_txn *, struct ovsdb_table *,
                     struct ovsdb_row *row,
                     const struct uuid *uuid) WARN_UNUSED_RESULT;

/* Returns the row of 'table' with 'uuid' as this transaction may change it
 * (a private copy of the committed row, made on the first call), or NULL
 * if 'table' has no such row.  The row stays in 'table' (borrowed). */
struct ovsdb_row *ovsdb_txn_row_modify(struct ovsdb_txn *,
                                       struct ovsdb_table *,
                                       const struct uuid *uuid);

/* Deletes the row of 'table' with 'uuid'.  Returns false if there is no
 * such row (as a "delete" whose "where" matches nothing). */
bool ovsdb_txn_row_delete(struct ovsdb_txn *, struct ovsdb_table *,
                          const struct uuid *uuid);

/* Returns the first row of 'table' whose 'column' equals 'value'
 * (borrowed), or NULL: through the table's index on 'column' alone if it
 * has one, else by a scan. */
struct ovsdb_row *ovsdb_txn_row_find_by(const struct ovsdb_table *,
                                        const struct ovsdb_column *,
                                        const struct ovsdb_datum *value);
/* The same for a column holding one string. */
struct ovsdb_row *ovsdb_txn_row_find_by_string(const struct ovsdb_table *,
                                               const struct ovsdb_column *,
                                               const char *value);

/* Column writers.  'row' is a row of 'table' from ovsdb_txn_row_create(),
 * ovsdb_txn_row_insert() or ovsdb_txn_row_modify(); 'column' one of its
 * columns.  Each replaces the column's whole value, as "update" does, and
 * returns NULL or the error that operation would report.  Values are
 * borrowed and copied, except by ovsdb_txn_write_datum(), which takes
 * ownership of the contents of '*value' whether it succeeds or not. */
struct ovsdb_error *
ovsdb_txn_write_datum(struct ovsdb_txn *, struct ovsdb_table *,
                      struct ovsdb_row *, const struct ovsdb_column *,
                      struct ovsdb_datum *value) WARN_UNUSED_RESULT;
/* A set ('values' NULL) or map of 'n' elements, in any order. */
struct ovsdb_error *ovsdb_txn_write_atoms(
    struct ovsdb_txn *, struct ovsdb_table *, struct ovsdb_row *,
    const struct ovsdb_column *, const union ovsdb_atom *keys,
    const union ovsdb_atom *values, size_t n) WARN_UNUSED_RESULT;
struct ovsdb_error *ovsdb_txn_write_string(struct ovsdb_txn *,
                                           struct ovsdb_table *,
                                           struct ovsdb_row *,
                                           const struct ovsdb_column *,
                                           const char *) WARN_UNUSED_RESULT;
struct ovsdb_error *ovsdb_txn_write_integer(struct ovsdb_txn *,
                                            struct ovsdb_table *,
                                            struct ovsdb_row *,
                                            const struct ovsdb_column *,
                                            int64_t) WARN_UNUSED_RESULT;
struct ovsdb_error *ovsdb_txn_write_boolean(struct ovsdb_txn *,
                                            struct ovsdb_table *,
                                            struct ovsdb_row *,
                                            const struct ovsdb_column *,
                                            bool) WARN_UNUSED_RESULT;
/* A uuid or a reference to a row. */
struct ovsdb_error *
ovsdb_txn_write_uuid(struct ovsdb_txn *, struct ovsdb_table *,
                     struct ovsdb_row *, const struct ovsdb_column *,
                     const struct uuid *) WARN_UNUSED_RESULT;
struct ovsdb_error *ovsdb_txn_write_string_set(struct ovsdb_txn *,
                                               struct ovsdb_table *,
                                               struct ovsdb_row *,
                                               const struct ovsdb_column *,
                                               const char *const *strings,
                                               size_t n) WARN_UNUSED_RESULT;
struct ovsdb_error *ovsdb_txn_write_uuid_set(struct ovsdb_txn *,
                                             struct ovsdb_table *,
                                             struct ovsdb_row *,
                                             const struct ovsdb_column *,
                                             const struct uuid *uuids,
                                             size_t n) WARN_UNUSED_RESULT;
/* A string-to-string map of the 'n' pairs keys[i] -> values[i]. */
struct ovsdb_error *
ovsdb_txn_write_string_map(struct ovsdb_txn *, struct ovsdb_table *,
                           struct ovsdb_row *, const struct ovsdb_column *,
                           const char *const *keys, const char *const *values,
                           size_t n) WARN_UNUSED_RESULT;

#endif /* vtepd/ovsdb/transaction.h */
