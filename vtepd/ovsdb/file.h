/* SPDX-License-Identifier: Apache-2.0 */
/* The records of an OVSDB standalone database file (see log.h for the
 * framing): how a commit becomes a transaction record, how a database
 * becomes a snapshot, and how either is applied back to a database.
 *
 * A transaction record is, as ovsdb-server 3.1 writes it:
 *
 *     {"_date": MSEC, "TABLE": {"UUID": ROW | null, ...}, ...,
 *      "_is_diff": true, "_comment": "TEXT"}
 *
 * where null deletes the row, a new row lists its non-default columns, and
 * a modified row lists its changed columns: the new value of a column that
 * holds at most one element, otherwise the elements to toggle (for a map,
 * the pairs to add, replace or remove).  Without "_is_diff" (older files,
 * and snapshots) modified columns hold whole new values.  Ephemeral
 * columns, _uuid and _version are never written. */
#ifndef VTEPD_OVSDB_FILE_H
#define VTEPD_OVSDB_FILE_H 1

#include <jansson.h>
#include <stdbool.h>

#include "lib/util.h"

struct ds;
struct ovsdb_changeset;
struct ovsdb_db;
struct ovsdb_error;

/* Appends the transaction record for 'changes' (borrowed) stamped with
 * 'date_msec' (milliseconds since the epoch) to 'out' as compact JSON text,
 * byte for byte what json_dumps() would write for it, without building a
 * jansson tree.  Returns false, with 'out' unchanged, if the commit changed
 * nothing that is persistent. */
bool ovsdb_file_txn_to_text(const struct ovsdb_changeset *changes,
                            long long date_msec, struct ds *out);

/* Consumes the text in 'out' (leaving it empty), of which 'n_rows' rows so
 * far. */
typedef void ovsdb_file_flush_cb(struct ds *out, size_t n_rows, void *aux);

/* Like ovsdb_file_txn_to_text(), for records too big to hold in memory at
 * once: whenever 'out' holds 'chunk' bytes or more after a row, passes
 * them to 'flush'.  'flush' is only ever called once the record is sure
 * to be written (when this returns true); what remains after its last call
 * is left in 'out'. */
bool ovsdb_file_txn_to_text_chunked(const struct ovsdb_changeset *changes,
                                    long long date_msec, struct ds *out,
                                    size_t chunk, ovsdb_file_flush_cb *flush,
                                    void *aux);

/* Returns a record holding every row of 'db' (a snapshot, as compaction
 * writes after the schema) with 'comment' (may be NULL), as a new
 * reference. */
json_t *ovsdb_file_snapshot_to_json(const struct ovsdb_db *db,
                                    const char *comment, long long date_msec);

/* Applies the transaction or snapshot record 'record' (borrowed) to 'db'
 * as one transaction, with ovsdb-server's commit-time checks.  Returns
 * NULL on success; on error nothing changed. */
struct ovsdb_error *
ovsdb_file_apply_record(struct ovsdb_db *db,
                        const json_t *record) WARN_UNUSED_RESULT;

/* Milliseconds since the epoch, for "_date". */
long long ovsdb_file_wall_msec(void);

#endif /* vtepd/ovsdb/file.h */
