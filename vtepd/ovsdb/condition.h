/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB conditions (RFC 7047 section 5.1): a list of clauses [column,
 * function, value] or the literals true and false.  The "where" of select,
 * update, mutate, delete and wait is their conjunction; the "where" of a
 * conditional monitor is their disjunction. */
#ifndef VTEPD_OVSDB_CONDITION_H
#define VTEPD_OVSDB_CONDITION_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vtepd/ovsdb/datum.h"

struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_table_schema;

enum ovsdb_function {
    OVSDB_F_FALSE,
    OVSDB_F_TRUE,
    OVSDB_F_LT,
    OVSDB_F_LE,
    OVSDB_F_EQ,
    OVSDB_F_NE,
    OVSDB_F_GE,
    OVSDB_F_GT,
    OVSDB_F_INCLUDES,
    OVSDB_F_EXCLUDES,
};

struct ovsdb_clause {
    enum ovsdb_function function;
    const struct ovsdb_column *column; /* NULL for true and false. */
    struct ovsdb_datum arg;
};

struct ovsdb_condition {
    struct ovsdb_clause *clauses;
    size_t n_clauses;
};

/* Parses 'json' (borrowed) against table 'ts'.  On success 'cond' owns its
 * clauses (free with ovsdb_condition_destroy()). */
struct ovsdb_error *ovsdb_condition_from_json(
    struct ovsdb_condition *cond, const struct ovsdb_table_schema *ts,
    const json_t *json, struct ovsdb_symbol_table *symtab) WARN_UNUSED_RESULT;
void ovsdb_condition_destroy(struct ovsdb_condition *);

/* True if 'row' satisfies every clause of 'cond' (the "where" of an
 * operation; no clauses: true). */
bool ovsdb_condition_match(const struct ovsdb_condition *cond,
                           const struct ovsdb_row *row);

/* True if 'row' satisfies some clause of 'cond' or 'cond' has none, as
 * ovsdb-server selects rows for monitor_cond (its ovsdb-server(7)):
 * [] and [true, ...] select every row, [false] none. */
bool ovsdb_condition_match_any(const struct ovsdb_condition *cond,
                               const struct ovsdb_row *row);

/* Stores in '*rowsp' a new array of the rows of 'table' that match 'cond'
 * (the rows are borrowed) and returns their number.  Uses the _uuid hash
 * or a table index instead of a scan when the clauses allow it. */
size_t ovsdb_condition_find_rows(const struct ovsdb_condition *,
                                 const struct ovsdb_table *,
                                 struct ovsdb_row ***rowsp);

#endif /* vtepd/ovsdb/condition.h */
