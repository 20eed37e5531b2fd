/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB schemas (RFC 7047 section 3.2): a database schema owns table
 * schemas, which own column schemas.  Each table has the implicit columns
 * "_uuid" and "_version" at indexes 0 and 1.
 *
 * The schema also fixes how the engine stores rows (see row.h): each
 * column gets a byte offset in the row's value area. */
#ifndef VTEPD_OVSDB_SCHEMA_H
#define VTEPD_OVSDB_SCHEMA_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lib/util.h"
#include "vtepd/ovsdb/type.h"

struct ovsdb_error;

#define OVSDB_COL_UUID 0
#define OVSDB_COL_VERSION 1

/* How a row stores a column's value. */
enum ovsdb_storage {
    OVSDB_STORE_HEADER, /* _uuid or _version, in the row header. */
    OVSDB_STORE_ATOM,   /* Exactly one atom, inline (see below). */
    OVSDB_STORE_DATUM,  /* A 'struct ovsdb_datum', inline. */
};

struct ovsdb_column {
    char *name;
    unsigned int index; /* In its table's 'columns'. */
    struct ovsdb_type type;
    bool ephemeral;
    bool mutable_;
    enum ovsdb_storage storage;
    unsigned int offset; /* Of the value within the row's value area. */
};

/* The bytes an inline atom of 'column' takes in a row: a UUID needs its 16,
 * every other atom (a string is an interned pointer) 8.  A row keeps at
 * least 8 more bytes after any 8-byte atom, so that a view of it may still
 * be read as a whole 'union ovsdb_atom'; only the atom's own member is
 * meaningful there, and nothing may write more than this size into it. */
static inline size_t
ovsdb_column_atom_size(const struct ovsdb_column *column)
{
    return column->type.key.type == OVSDB_TYPE_UUID ? 16 : 8;
}

struct ovsdb_index {
    unsigned int n_columns;
    const struct ovsdb_column **columns;
};

struct ovsdb_table_schema {
    char *name;
    unsigned int index; /* In the database schema's 'tables'. */
    struct ovsdb_column **columns;
    unsigned int n_columns;
    unsigned int max_rows; /* UINT_MAX if unlimited. */
    bool is_root;
    struct ovsdb_index *indexes;
    unsigned int n_indexes;
    bool weakly_referenced; /* Some column holds weak references to us. */

    /* The columns in the order ovsdb-server iterates them (row-order.h),
     * which decides the order of two rows that collide in an index. */
    const struct ovsdb_column **ovs_order;

    /* Row layout. */
    size_t values_size;  /* Bytes of inline column values. */
    size_t index_offset; /* Of the first index hmap_node, in values. */
    size_t row_size;     /* Whole allocation, header included. */
};

struct ovsdb_schema {
    char *name;
    char *version; /* Possibly "". */
    char *cksum;   /* Possibly "". */
    struct ovsdb_table_schema **tables;
    unsigned int n_tables;
};

/* Parses and validates a database schema from JSON (borrowed).  On error
 * returns it, naming the offending table, column or member, and sets
 * '*schemap' to NULL. */
struct ovsdb_error *
ovsdb_schema_from_json(const json_t *json,
                       struct ovsdb_schema **schemap) WARN_UNUSED_RESULT;
/* Reads a schema from file 'path'. */
struct ovsdb_error *
ovsdb_schema_from_file(const char *path,
                       struct ovsdb_schema **schemap) WARN_UNUSED_RESULT;
void ovsdb_schema_destroy(struct ovsdb_schema *);

/* Returns the schema as "get_schema" sends it (new reference). */
json_t *ovsdb_schema_to_json(const struct ovsdb_schema *);

/* Lookups by name; NULL if absent. */
const struct ovsdb_table_schema *
ovsdb_schema_find_table(const struct ovsdb_schema *, const char *name);
const struct ovsdb_column *
ovsdb_table_schema_find_column(const struct ovsdb_table_schema *,
                               const char *name);

#endif /* vtepd/ovsdb/schema.h */
