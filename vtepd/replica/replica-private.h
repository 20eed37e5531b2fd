/* SPDX-License-Identifier: Apache-2.0 */
/* The replica's internals, shared by the files of vtepd/replica/.
 *
 * The local database is a replica of the remote one plus the writes of
 * vtepd's own code that the server has not confirmed yet (optimistic
 * writes).  For every row such a write touched, the 'base' map keeps the
 * server's version of the row (or its absence), so that an update from the
 * server, which may be a diff against the server's version, is applied to
 * the right value, and so that a write the server refused can be undone. */
#ifndef VTEPD_REPLICA_REPLICA_PRIVATE_H
#define VTEPD_REPLICA_REPLICA_PRIVATE_H 1

#include <jansson.h>
#include <stdbool.h>

#include "lib/hmap.h"
#include "lib/uuid.h"

struct ovsdb_changeset;
struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table;

/* ---- replica-apply.c: server updates into the local database ---- */

/* The server's version of a row that an unconfirmed write touched. */
struct replica_base_row {
    struct hmap_node node; /* In the base map, by uuid. */
    const struct ovsdb_table *table;
    struct uuid uuid;
    struct ovsdb_row *row; /* A private copy, or NULL if absent. */
};

/* Records, for each row that 'cs' (a commit of vtepd's own code) changes,
 * its server version, unless an earlier unconfirmed write already did. */
void replica_base_note(struct hmap *base, const struct ovsdb_changeset *cs);
/* Forgets every base row (the server has confirmed every write). */
void replica_base_clear(struct hmap *base);

/* The format of a monitor's table updates. */
enum replica_update_format {
    REPLICA_UPDATE1, /* "monitor": rows whole, as "old"/"new". */
    REPLICA_UPDATE2, /* "monitor_cond"/"_since": "modify" is a diff. */
};

/* Applies the table updates 'updates' (borrowed) to 'db' in one
 * transaction marked with 'origin'.  With 'snapshot', 'updates' holds the
 * whole database (an initial reply) and rows it does not mention are
 * deleted.  Rows in 'base' take the server's version.  Returns NULL or the
 * error that made the whole update be refused (new). */
struct ovsdb_error *replica_apply(struct ovsdb_db *db, struct hmap *base,
                                  const json_t *updates,
                                  enum replica_update_format, bool snapshot,
                                  const void *origin) WARN_UNUSED_RESULT;

/* Like replica_apply(), for the table updates given as the 'n' bytes of
 * JSON text at 'text': whole rows are parsed straight into the replica,
 * without a jansson tree (the bulk of a snapshot), the rest is decoded
 * row by row. */
struct ovsdb_error *replica_apply_text(struct ovsdb_db *db, struct hmap *base,
                                       const char *text, size_t n,
                                       enum replica_update_format,
                                       bool snapshot,
                                       const void *origin) WARN_UNUSED_RESULT;

/* Puts every row of 'base' back to the server's version in one
 * transaction marked with 'origin', then clears 'base': undoes the
 * unconfirmed writes. */
void replica_revert(struct ovsdb_db *db, struct hmap *base,
                    const void *origin);

/* ---- replica-write.c: local commits into "transact" operations ---- */

/* Appends to 'ops' (a JSON array) the operations that make the server
 * do what 'cs' did locally: uuid-named inserts, updates and mutations by
 * _uuid, deletes by _uuid, and for a learned MAC a "wait" that refuses a
 * second row for the same switch and MAC, so that a transaction sent
 * twice never duplicates a row.  Appends to 'expect' (a JSON array) the
 * index in 'ops' of each operation whose result must report "count": 1
 * for the write to have happened as meant (an update of a row that is no
 * longer there). */
void replica_ops_from_changeset(const struct ovsdb_changeset *cs, json_t *ops,
                                json_t *expect);

#endif /* vtepd/replica/replica-private.h */
