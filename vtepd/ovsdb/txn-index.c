/* SPDX-License-Identifier: Apache-2.0 */
/* The commit-time index check: no two rows of a table may share the values
 * of one of its indexes, with ovsdb-server's error naming both rows. */
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hmap.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row-order.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction-private.h"

/* What goes before item 'i' of 'n' in an English list: "a", "a and b",
 * "a, b, and c". */
static const char *
list_separator(unsigned int i, unsigned int n)
{
    return !i ? "" : n == 2 ? " and " : i < n - 1 ? ", " : ", and ";
}

/* Appends the values of 'index' in 'row', as "1, q, and true". */
static void
put_index_values(struct ds *s, const struct ovsdb_index *index,
                 const struct ovsdb_row *row)
{
    for (unsigned int j = 0; j < index->n_columns; j++) {
        const struct ovsdb_column *column = index->columns[j];
        struct ovsdb_datum value;

        ovsdb_row_get(row, column, &value);
        ds_put_cstr(s, list_separator(j, index->n_columns));
        ovsdb_datum_to_string(&value, &column->type, s);
    }
}

/* True if 'tr' changed no column of its row. */
static bool
row_unchanged(const struct txn_row *tr)
{
    const struct ovsdb_table_schema *ts = tr->table->schema;

    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        if (!ovsdb_row_column_equals(tr->old, tr->new, ts->columns[i])) {
            return false;
        }
    }
    return true;
}

/* Appends a sentence on what this transaction did to 'row', one of two
 * rows that collide in 'index', in ovsdb-server's words. */
static void
describe_row(struct ds *s, struct commit *c, const struct ovsdb_table *table,
             const struct ovsdb_index *index, const struct ovsdb_row *row,
             const char *which)
{
    const struct txn_row *tr = ovsdb_txn_find_row(c->txn, table, &row->uuid);
    char buf[UUID_LEN + 1];
    unsigned int j;

    ds_put_format(s, "  %s row, with UUID %s, ", which,
                  ovsdb_txn_uuid_str(&row->uuid, buf));
    if (!tr || (tr->old && row_unchanged(tr))) {
        ds_put_cstr(s, "existed in the database before this transaction "
                       "and was not modified by the transaction.");
        return;
    } else if (!tr->old) {
        ds_put_cstr(s, "was inserted by this transaction.");
        return;
    }
    for (j = 0; j < index->n_columns; j++) {
        if (!ovsdb_row_column_equals(tr->old, tr->new, index->columns[j])) {
            break;
        }
    }
    if (j == index->n_columns) {
        ds_put_cstr(s, "existed in the database before this transaction, "
                       "which modified some of the row's columns but not "
                       "any columns in this index.");
    } else {
        ds_put_cstr(s, "had the following index values before the "
                       "transaction: ");
        put_index_values(s, index, tr->old);
        ds_put_char(s, '.');
    }
}

/* The error for rows 'a' and 'b' of 'table' colliding in index 'i'.  As
 * ovsdb-server, it names first the row greater in all columns, taken in
 * the order ovsdb-server iterates them. */
static struct ovsdb_error *
duplicate_error(struct commit *c, const struct ovsdb_table *table,
                unsigned int i, const struct ovsdb_row *a,
                const struct ovsdb_row *b)
{
    const struct ovsdb_table_schema *ts = table->schema;
    const struct ovsdb_index *index = &ts->indexes[i];
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ovsdb_error *error;

    if (ovsdb_row_compare(a, b, ts->ovs_order, ts->n_columns) < 0) {
        const struct ovsdb_row *tmp = a;

        a = b;
        b = tmp;
    }
    ds_put_format(&s,
                  "Transaction causes multiple rows in \"%s\" table to "
                  "have identical values (",
                  ts->name);
    put_index_values(&s, index, a);
    ds_put_format(&s, ") for index on column%s",
                  index->n_columns > 1 ? "s" : "");
    for (unsigned int j = 0; j < index->n_columns; j++) {
        ds_put_format(&s, "%s\"%s\"",
                      j ? list_separator(j, index->n_columns) : " ",
                      index->columns[j]->name);
    }
    ds_put_char(&s, '.');
    describe_row(&s, c, table, index, a, "First");
    describe_row(&s, c, table, index, b, "Second");
    error = ovsdb_error("constraint violation", "%s", ds_cstr(&s));
    ds_destroy(&s);
    return error;
}

struct ovsdb_error *
ovsdb_txn_check_indexes(struct commit *c)
{
    for (size_t i = 0; i < c->txn->n_order; i++) {
        const struct txn_row *tr = c->txn->order[i];
        const struct ovsdb_table *table = tr->table;
        const struct ovsdb_table_schema *ts = table->schema;

        for (unsigned int j = 0; tr->new &&j < ts->n_indexes; j++) {
            const struct hmap_node *node =
                ovsdb_row_index_node(tr->new, ts, j);

            for (node = hmap_first_with_hash(&table->indexes[j], node->hash);
                 node; node = hmap_next_with_hash(node)) {
                const struct ovsdb_row *other;

                other = ovsdb_row_from_index_node(node, ts, j);
                if (other
                    != tr->new &&ovsdb_table_index_equal(table, j, other,
                                                         tr->new)) {
                    return duplicate_error(c, table, j, other, tr->new);
                }
            }
        }
    }
    return NULL;
}
