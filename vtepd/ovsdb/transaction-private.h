/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by the files of the transaction layer: the
 * transaction's rows and the state of one commit's checks. */
#ifndef VTEPD_OVSDB_TRANSACTION_PRIVATE_H
#define VTEPD_OVSDB_TRANSACTION_PRIVATE_H 1

#include "lib/ds.h"
#include "lib/hmap.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/transaction.h"

struct ovsdb_row;
struct ovsdb_table;

/* A row the transaction touched. */
struct txn_row {
    struct hmap_node node; /* In 'rows' of ovsdb_txn, by uuid and table. */
    struct ovsdb_table *table;
    struct uuid uuid;
    struct ovsdb_row *old; /* Committed version, or NULL if inserted. */
    struct ovsdb_row *new; /* Current version, or NULL if deleted. */
};

/* A block of txn_rows, allocated together. */
struct txn_row_block {
    struct txn_row_block *next;
    size_t n, allocated;
    struct txn_row rows[];
};

struct ovsdb_txn {
    struct ovsdb_db *db;
    uint32_t serial;        /* Stamped on the row copies this txn owns. */
    struct hmap rows;       /* order[0..n_indexed), by table and uuid. */
    struct txn_row **order; /* 'rows' in the order first touched. */
    size_t n_order, allocated_order;
    size_t n_indexed; /* 'rows' is built on the first lookup, not before. */
    size_t n_deleted; /* Calls to ovsdb_txn_delete(). */
    struct txn_row_block *blocks; /* Where 'rows' live, newest first. */
    struct ds comment;
    const void *origin; /* See ovsdb_txn_set_origin(). */
};

/* A pending change to the strong reference count of a row. */
struct ref_delta {
    struct hmap_node node;
    struct ovsdb_table *table;
    struct uuid uuid;
    int delta;
    bool exists; /* The row is known to be in 'table'. */
};

/* Slots of the cache of recently used deltas (a power of two). */
#define DELTA_CACHE_SIZE 64

struct commit {
    struct ovsdb_txn *txn;
    struct hmap deltas; /* Of 'struct ref_delta'. */

    /* The last delta looked up in each slot, by hash: rows of a big
     * transaction tend to refer to the same few rows over and over. */
    struct ref_delta *cache[DELTA_CACHE_SIZE];
};

/* transaction.c */

/* Looks 'uuid' of 'table' up among the rows 'txn' touched; NULL if none.
 * Builds the lookup index on first use (a cache, so 'txn' is const). */
struct txn_row *ovsdb_txn_find_row(const struct ovsdb_txn *txn,
                                   const struct ovsdb_table *table,
                                   const struct uuid *uuid);
/* Writes the text form of 'uuid' into 'buf' and returns 'buf'. */
char *ovsdb_txn_uuid_str(const struct uuid *uuid, char buf[UUID_LEN + 1]);

/* txn-index.c */

/* Checks that no two rows collide in an index of their table once the
 * commit is applied.  Returns NULL or the error ovsdb-server gives (a new
 * error the caller owns). */
struct ovsdb_error *ovsdb_txn_check_indexes(struct commit *c);

#endif /* VTEPD_OVSDB_TRANSACTION_PRIVATE_H */
