/* SPDX-License-Identifier: Apache-2.0 */
/* Orders rows as ovsdb-server does.  Rows compare column by column; two
 * values compare by their number of elements, then element by element,
 * keys before values (select's "sort").  Where ovsdb-server compares
 * "all columns" (to name the two rows that collide in an index in a
 * reproducible order), it takes them in the order its hash table of the
 * table's columns iterates them, which vtepd reproduces. */
#ifndef VTEPD_OVSDB_ROW_ORDER_H
#define VTEPD_OVSDB_ROW_ORDER_H 1

#include <stddef.h>

struct ovsdb_column;
struct ovsdb_row;

/* Compares rows 'a' and 'b' (of one table) on the 'n' 'columns' in turn:
 * negative, zero or positive. */
int ovsdb_row_compare(const struct ovsdb_row *a, const struct ovsdb_row *b,
                      const struct ovsdb_column *const *columns, size_t n);

/* Given the 'n' names of a table's columns, "_uuid" and "_version" left
 * out, in the order of the schema's JSON text, stores in 'order' (room
 * for n + 2) the names, "_uuid" and "_version" included, in the order an
 * ovsdb-server iterates them over a database that "ovsdb-tool create"
 * made from that schema.  The names are borrowed from 'names' (and static
 * strings for "_uuid" and "_version"). */
void ovsdb_row_order_columns(const char *const *names, size_t n,
                             const char **order);

#endif /* vtepd/ovsdb/row-order.h */
