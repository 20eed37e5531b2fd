/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB mutations (RFC 7047 section 5.1): [column, mutator, value] with
 * mutators += -= *= /= %= insert delete. */
#ifndef VTEPD_OVSDB_MUTATION_H
#define VTEPD_OVSDB_MUTATION_H 1

#include <jansson.h>
#include <stddef.h>

#include "vtepd/ovsdb/datum.h"

struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table_schema;

enum ovsdb_mutator {
    OVSDB_M_ADD,
    OVSDB_M_SUB,
    OVSDB_M_MUL,
    OVSDB_M_DIV,
    OVSDB_M_MOD,
    OVSDB_M_INSERT,
    OVSDB_M_DELETE,
};

struct ovsdb_mutation {
    const struct ovsdb_column *column;
    enum ovsdb_mutator mutator;
    struct ovsdb_type type; /* Of 'arg'; shares the column's constraints. */
    struct ovsdb_datum arg;
};

struct ovsdb_mutation_set {
    struct ovsdb_mutation *mutations;
    size_t n_mutations;
};

/* Parses the "mutations" array 'json' (borrowed) for table 'ts'. */
struct ovsdb_error *ovsdb_mutation_set_from_json(
    struct ovsdb_mutation_set *, const struct ovsdb_table_schema *ts,
    const json_t *json, struct ovsdb_symbol_table *symtab) WARN_UNUSED_RESULT;
void ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *);

/* Applies the mutations to 'row' (a private copy the caller may modify).
 * On error 'row' may be partly mutated; the caller discards it. */
struct ovsdb_error *
ovsdb_mutation_set_execute(const struct ovsdb_mutation_set *,
                           struct ovsdb_row *row) WARN_UNUSED_RESULT;

#endif /* vtepd/ovsdb/mutation.h */
