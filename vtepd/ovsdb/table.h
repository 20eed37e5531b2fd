/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB tables: the current rows of one table, hashed by _uuid, plus one
 * hash index per schema index (so lookups by _uuid or by all columns of an
 * index are O(1)).  A table holds the rows of the transaction in progress;
 * transaction.c keeps what it needs to roll them back. */
#ifndef VTEPD_OVSDB_TABLE_H
#define VTEPD_OVSDB_TABLE_H 1

#include "lib/hmap.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

struct ovsdb_table {
    const struct ovsdb_table_schema *schema;
    struct hmap rows;     /* Of 'struct ovsdb_row', by uuid_hash(). */
    struct hmap *indexes; /* One per schema index, by index_hash(). */
};

/* Creates an empty table for 'schema' (borrowed; must outlive it). */
struct ovsdb_table *ovsdb_table_create(const struct ovsdb_table_schema *);
/* Destroys 'table' and every row in it; NULL is a no-op. */
void ovsdb_table_destroy(struct ovsdb_table *);

static inline size_t
ovsdb_table_count(const struct ovsdb_table *table)
{
    return hmap_count(&table->rows);
}

/* Returns the row with 'uuid' (borrowed), or NULL. */
struct ovsdb_row *ovsdb_table_find(const struct ovsdb_table *,
                                   const struct uuid *);

/* Adds 'row' (whose _uuid is set) to the rows and indexes, taking
 * ownership; ovsdb_table_remove() gives it back to the caller. */
void ovsdb_table_insert(struct ovsdb_table *, struct ovsdb_row *);
void ovsdb_table_remove(struct ovsdb_table *, struct ovsdb_row *);

/* The hash of 'row' in index 'i'. */
uint32_t ovsdb_table_index_hash(const struct ovsdb_table *, unsigned int i,
                                const struct ovsdb_row *);
/* True if 'a' and 'b' have equal values in every column of index 'i'. */
bool ovsdb_table_index_equal(const struct ovsdb_table *, unsigned int i,
                             const struct ovsdb_row *a,
                             const struct ovsdb_row *b);

/* Iterates over the rows of TABLE.  The body must not add or remove rows. */
#define OVSDB_TABLE_FOR_EACH(ROW, TABLE) \
    HMAP_FOR_EACH(ROW, node, &(TABLE)->rows)

#endif /* vtepd/ovsdb/table.h */
