/* SPDX-License-Identifier: Apache-2.0 */
/* Schema conversion (see convert.h). */
#include "vtepd/ovsdb/convert.h"

#include <stdlib.h>

#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* Sets 'dst_col' of 'dst' from 'src_col' of 'src', through the value's JSON
 * form, as ovsdb-server converts a datum between types. */
static struct ovsdb_error *
convert_column(struct ovsdb_row *dst, const struct ovsdb_column *dst_col,
               const struct ovsdb_row *src, const struct ovsdb_column *src_col)
{
    json_t *json = ovsdb_row_column_to_json(src, src_col);
    struct ovsdb_datum value;
    struct ovsdb_error *error;

    error = ovsdb_datum_from_json(&value, &dst_col->type, json, NULL);
    json_decref(json);
    if (error) {
        return error;
    }
    error = ovsdb_datum_check_size(&value, &dst_col->type);
    if (error) {
        ovsdb_datum_destroy(&value, &dst_col->type);
        return error;
    }
    ovsdb_row_set(dst, dst_col, &value);
    return NULL;
}

/* Copies 'src_row' of a table with schema 'src_ts' into a new row of
 * 'dst_table' inserted by 'txn'. */
static struct ovsdb_error *
convert_row(struct ovsdb_txn *txn, struct ovsdb_table *dst_table,
            const struct ovsdb_table_schema *src_ts,
            const struct ovsdb_row *src_row)
{
    const struct ovsdb_table_schema *dst_ts = dst_table->schema;
    struct ovsdb_row *row = ovsdb_row_create(dst_ts);

    row->uuid = src_row->uuid;
    for (unsigned int i = 0; i < src_ts->n_columns; i++) {
        const struct ovsdb_column *src_col = src_ts->columns[i];
        const struct ovsdb_column *dst_col;
        struct ovsdb_error *error;

        if (src_col->index <= OVSDB_COL_VERSION) {
            continue;
        }
        dst_col = ovsdb_table_schema_find_column(dst_ts, src_col->name);
        if (!dst_col) {
            continue;
        }
        error = convert_column(row, dst_col, src_row, src_col);
        if (error) {
            ovsdb_row_destroy(row, dst_ts);
            return error;
        }
    }
    ovsdb_txn_insert(txn, dst_table, row);
    return NULL;
}

struct ovsdb_error *
ovsdb_convert(const struct ovsdb_db *src, struct ovsdb_schema *new_schema,
              struct ovsdb_db **dstp)
{
    struct ovsdb_db *dst = ovsdb_db_create(new_schema);
    struct ovsdb_txn *txn = ovsdb_txn_create(dst);
    struct ovsdb_error *error = NULL;

    for (unsigned int i = 0; i < src->schema->n_tables && !error; i++) {
        const struct ovsdb_table *src_table = src->tables[i];
        struct ovsdb_table *dst_table =
            ovsdb_db_find_table(dst, src_table->schema->name);
        const struct ovsdb_row *row;

        if (!dst_table) {
            continue;
        }
        OVSDB_TABLE_FOR_EACH(row, src_table) {
            error = convert_row(txn, dst_table, src_table->schema, row);
            if (error) {
                break;
            }
        }
    }
    if (error) {
        ovsdb_txn_abort(txn);
    } else {
        ovsdb_txn_add_comment(txn, "converted");
        error = ovsdb_txn_commit(txn, false);
    }
    if (error) {
        ovsdb_db_destroy(dst);
        dst = NULL;
    }
    *dstp = dst;
    return error;
}

void
ovsdb_convert_replace(struct ovsdb_db *db, struct ovsdb_db *converted)
{
    struct ovsdb_schema *schema = db->schema;
    struct ovsdb_table **tables = db->tables;

    db->schema = converted->schema;
    db->tables = converted->tables;
    converted->schema = schema;
    converted->tables = tables;
    ovsdb_db_destroy(converted);
}

/* Parses the next dot-separated number of '*sp' (0 if there is none),
 * advancing it. */
static unsigned long
next_part(const char **sp)
{
    char *end;
    unsigned long n = strtoul(*sp, &end, 10);

    *sp = *end == '.' ? end + 1 : end;
    return n;
}

int
ovsdb_schema_version_compare(const char *a, const char *b)
{
    for (int i = 0; i < 3; i++) {
        unsigned long x = next_part(&a), y = next_part(&b);

        if (x != y) {
            return x < y ? -1 : 1;
        }
    }
    return 0;
}
