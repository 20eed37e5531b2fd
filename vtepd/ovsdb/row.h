/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB rows, stored compactly.  A row is one allocation: a header (hash
 * node, _uuid, _version, strong reference count) followed by each
 * column's value at the offset the schema assigned it, then one hash node
 * per table index.  A column holding exactly one atom stores it inline
 * (strings as interned pointers, in 8 bytes; UUIDs in 16), so scalar
 * columns cost no extra heap allocation; other columns store a 'struct
 * ovsdb_datum' inline.
 *
 * A committed row never changes again (transactions change copies), so
 * besides its table (or the transaction that owns it) the history of
 * commits may hold it too, instead of a copy: ovsdb_row_ref() takes one
 * more reference, ovsdb_row_destroy() drops one.  Only the values, _uuid
 * and _version of a shared row are stable; 'n_refs', 'txn_serial' and the
 * hash nodes belong to its table's current use of it. */
#ifndef VTEPD_OVSDB_ROW_H
#define VTEPD_OVSDB_ROW_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/hmap.h"
#include "lib/uuid.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/schema.h"

struct ovsdb_row {
    struct hmap_node node; /* In its table's rows, hashed by _uuid. */
    struct uuid uuid;
    struct uuid version;
    uint32_t n_refs : 29; /* Strong references from committed rows. */
    uint32_t holders : 3; /* References to this copy: see ovsdb_row_ref(). */
    uint32_t txn_serial;  /* Last transaction that modified this copy. */
    uint64_t values[];    /* Column values, then index nodes. */
};

/* Returns a new row of table 'ts' with every column at its default value
 * and a zero _uuid and _version, held once by the caller.  Not in any
 * table. */
struct ovsdb_row *ovsdb_row_create(const struct ovsdb_table_schema *ts);
/* Returns a deep copy of 'row' (same _uuid, _version and n_refs), held
 * once by the caller. */
struct ovsdb_row *ovsdb_row_clone(const struct ovsdb_row *row,
                                  const struct ovsdb_table_schema *ts);
/* Drops the caller's reference to 'row', freeing it and its values when
 * it was the last; NULL is a no-op. */
void ovsdb_row_destroy(struct ovsdb_row *row,
                       const struct ovsdb_table_schema *ts);

#define OVSDB_ROW_MAX_HOLDERS 7

/* Takes one more reference to 'row', which must not change from now on
 * (a committed row), and returns it.  At most OVSDB_ROW_MAX_HOLDERS
 * references may exist at a time. */
static inline struct ovsdb_row *
ovsdb_row_ref(const struct ovsdb_row *row_)
{
    struct ovsdb_row *row = (struct ovsdb_row *) row_;

    ASSERT(row->holders < OVSDB_ROW_MAX_HOLDERS);
    row->holders++;
    return row;
}

/* Points '*view' at the value of 'column' (borrowed: valid until the row
 * changes; never destroy it). */
void ovsdb_row_get(const struct ovsdb_row *row,
                   const struct ovsdb_column *column,
                   struct ovsdb_datum *view);
/* Replaces the value of 'column' by 'value', taking ownership of its
 * contents ('value' is left empty).  For an inline atom 'value' must hold
 * exactly one element: a caller whose value comes from a peer or a file
 * checks its size against the column's type first and reports an OVSDB
 * error, since this is an assertion.  _uuid and _version are set directly
 * instead. */
void ovsdb_row_set(struct ovsdb_row *row, const struct ovsdb_column *column,
                   struct ovsdb_datum *value);
/* Replaces the value of 'column', which must store one atom inline
 * (OVSDB_STORE_ATOM), by '*atom', taking ownership of it: the same as
 * ovsdb_row_set() with a one-element datum, without allocating one. */
void ovsdb_row_set_atom(struct ovsdb_row *row,
                        const struct ovsdb_column *column,
                        const union ovsdb_atom *atom);

/* Typed readers of a column holding one atom, or none (an optional
 * value): ovsdb_row_get_string() returns the string (borrowed from the
 * row) or "" if the column is empty; the others store the value and
 * return true, or return false if the column is empty, leaving '*value'
 * alone (ovsdb_row_get_uuid() zeroes it). */
const char *ovsdb_row_get_string(const struct ovsdb_row *,
                                 const struct ovsdb_column *);
bool ovsdb_row_get_integer(const struct ovsdb_row *,
                           const struct ovsdb_column *, int64_t *value);
bool ovsdb_row_get_boolean(const struct ovsdb_row *,
                           const struct ovsdb_column *, bool *value);
bool ovsdb_row_get_uuid(const struct ovsdb_row *, const struct ovsdb_column *,
                        struct uuid *value);

/* Returns the JSON form of 'column' in 'row' (new reference). */
json_t *ovsdb_row_column_to_json(const struct ovsdb_row *row,
                                 const struct ovsdb_column *column);
/* Returns a JSON object of the listed columns, or of all columns if
 * 'columns' is NULL (new reference). */
json_t *ovsdb_row_to_json(const struct ovsdb_row *row,
                          const struct ovsdb_table_schema *ts,
                          const struct ovsdb_column *const *columns,
                          size_t n_columns);

bool ovsdb_row_column_equals(const struct ovsdb_row *a,
                             const struct ovsdb_row *b,
                             const struct ovsdb_column *column);
/* Returns a bitmap, by column index, of the columns other than _uuid and
 * _version whose values differ between 'a' and 'b' (a new allocation), or
 * NULL if none does. */
uint64_t *ovsdb_row_changed_columns(const struct ovsdb_row *a,
                                    const struct ovsdb_row *b,
                                    const struct ovsdb_table_schema *ts);
/* True if 'column' of 'row' holds the all-zeros uuid as a weak reference:
 * the default value of a weak reference column nobody set. */
bool ovsdb_row_has_zero_weak_ref(const struct ovsdb_row *row,
                                 const struct ovsdb_column *column);
/* Checks that every column of 'row' has a set size its type allows;
 * returns the first violation, its details prefixed with "Table T column
 * C", or NULL. */
struct ovsdb_error *
ovsdb_row_check_sizes(const struct ovsdb_row *row,
                      const struct ovsdb_table_schema *ts) WARN_UNUSED_RESULT;

uint32_t ovsdb_row_hash_columns(const struct ovsdb_row *row,
                                const struct ovsdb_column *const *columns,
                                size_t n_columns, uint32_t basis);

/* The hash node of index 'i' of the row's table. */
static inline struct hmap_node *
ovsdb_row_index_node(const struct ovsdb_row *row,
                     const struct ovsdb_table_schema *ts, unsigned int i)
{
    return (struct hmap_node *) ((char *) row->values + ts->index_offset) + i;
}

/* The row whose index 'i' node is 'node'. */
static inline struct ovsdb_row *
ovsdb_row_from_index_node(const struct hmap_node *node,
                          const struct ovsdb_table_schema *ts, unsigned int i)
{
    return (struct ovsdb_row *) ((char *) (node - i) - ts->index_offset
                                 - offsetof(struct ovsdb_row, values));
}

#endif /* vtepd/ovsdb/row.h */
