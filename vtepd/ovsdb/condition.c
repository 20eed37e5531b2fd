/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB conditions. */
#include "vtepd/ovsdb/condition.h"

#include <stdlib.h>
#include <string.h>

#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

static const struct {
    const char *name;
    enum ovsdb_function function;
} functions[] = {
    { "<", OVSDB_F_LT },
    { "<=", OVSDB_F_LE },
    { "==", OVSDB_F_EQ },
    { "!=", OVSDB_F_NE },
    { ">=", OVSDB_F_GE },
    { ">", OVSDB_F_GT },
    { "includes", OVSDB_F_INCLUDES },
    { "excludes", OVSDB_F_EXCLUDES },
};

static bool
is_ordering(enum ovsdb_function f)
{
    return f == OVSDB_F_LT || f == OVSDB_F_LE || f == OVSDB_F_GE
           || f == OVSDB_F_GT;
}

/* Returns the type the argument of 'function' on a column of 'type' must
 * have, as ovsdb-server relaxes it, using 'arg' for storage. */
static const struct ovsdb_type *
argument_type(enum ovsdb_function function, const struct ovsdb_type *type,
              struct ovsdb_type *arg)
{
    *arg = *type;
    if (is_ordering(function)) {
        arg->n_min = 1; /* An ordering needs a value to compare with. */
    } else if (function == OVSDB_F_INCLUDES && !ovsdb_type_is_scalar(type)) {
        arg->n_min = 0;
    } else if (function == OVSDB_F_EXCLUDES && !ovsdb_type_is_scalar(type)) {
        arg->n_min = 0;
        arg->n_max = OVSDB_UNLIMITED;
    }
    return arg;
}

static struct ovsdb_error *
clause_from_json(struct ovsdb_clause *clause,
                 const struct ovsdb_table_schema *ts, const json_t *json,
                 struct ovsdb_symbol_table *symtab)
{
    const char *column_name, *function_name;
    const struct ovsdb_type *type;
    struct ovsdb_type arg;
    size_t i;

    if (json_is_boolean(json)) {
        clause->function = json_is_true(json) ? OVSDB_F_TRUE : OVSDB_F_FALSE;
        return NULL;
    }
    column_name = json_string_value(json_array_get(json, 0));
    function_name = json_string_value(json_array_get(json, 1));
    if (json_array_size(json) != 3 || !column_name || !function_name) {
        return ovsdb_syntax_error(json, NULL, "Parse error in condition.");
    }
    clause->column = ovsdb_table_schema_find_column(ts, column_name);
    if (!clause->column) {
        return ovsdb_syntax_error(json, "unknown column",
                                  "No column %s in table %s.", column_name,
                                  ts->name);
    }
    for (i = 0; i < ARRAY_SIZE(functions); i++) {
        if (!strcmp(function_name, functions[i].name)) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(functions)) {
        return ovsdb_error("unknown function", "No function named %s.",
                           function_name);
    }
    clause->function = functions[i].function;

    type = &clause->column->type;
    if (is_ordering(clause->function)
        && (type->n_max != 1 || ovsdb_type_is_map(type)
            || (type->key.type != OVSDB_TYPE_INTEGER
                && type->key.type != OVSDB_TYPE_REAL))) {
        char *english = ovsdb_type_to_english(type);
        struct ovsdb_error *error = ovsdb_syntax_error(
            json, NULL,
            "Type mismatch: \"%s\" operator may not be applied to column "
            "%s of type %s.",
            function_name, column_name, english);

        free(english);
        return error;
    }
    return ovsdb_datum_from_json(&clause->arg,
                                 argument_type(clause->function, type, &arg),
                                 json_array_get(json, 2), symtab);
}

struct ovsdb_error *
ovsdb_condition_from_json(struct ovsdb_condition *cond,
                          const struct ovsdb_table_schema *ts,
                          const json_t *json,
                          struct ovsdb_symbol_table *symtab)
{
    size_t n = json_array_size(json);

    cond->n_clauses = 0;
    cond->clauses = xcalloc(n + 1, sizeof *cond->clauses);
    for (size_t i = 0; i < n; i++) {
        struct ovsdb_clause *clause = &cond->clauses[i];
        struct ovsdb_error *error;

        error = clause_from_json(clause, ts, json_array_get(json, i), symtab);
        if (error) {
            ovsdb_condition_destroy(cond);
            return error;
        }
        cond->n_clauses++;
    }
    return NULL;
}

void
ovsdb_condition_destroy(struct ovsdb_condition *cond)
{
    if (!cond) {
        return;
    }
    for (size_t i = 0; i < cond->n_clauses; i++) {
        struct ovsdb_clause *clause = &cond->clauses[i];

        if (clause->column) {
            ovsdb_datum_destroy(&clause->arg, &clause->column->type);
        }
    }
    free(cond->clauses);
    cond->clauses = NULL;
    cond->n_clauses = 0;
}

static bool
clause_match(const struct ovsdb_clause *clause, const struct ovsdb_row *row)
{
    const struct ovsdb_type *type;
    struct ovsdb_datum value;
    int cmp;

    if (clause->function == OVSDB_F_TRUE) {
        return true;
    } else if (clause->function == OVSDB_F_FALSE) {
        return false;
    }
    type = &clause->column->type;
    ovsdb_row_get(row, clause->column, &value);
    switch (clause->function) {
    case OVSDB_F_EQ:
        return ovsdb_datum_equals(&value, &clause->arg, type);
    case OVSDB_F_NE:
        return !ovsdb_datum_equals(&value, &clause->arg, type);
    case OVSDB_F_INCLUDES:
        return ovsdb_datum_includes_all(&value, &clause->arg, type);
    case OVSDB_F_EXCLUDES:
        return ovsdb_datum_excludes_all(&value, &clause->arg, type);
    case OVSDB_F_LT:
    case OVSDB_F_LE:
    case OVSDB_F_GE:
    case OVSDB_F_GT:
        /* An empty optional value is not ordered against anything. */
        if (!value.n || !clause->arg.n) {
            return false;
        }
        cmp = ovsdb_atom_compare(&value.keys[0], &clause->arg.keys[0],
                                 type->key.type);
        return clause->function == OVSDB_F_LT   ? cmp < 0
               : clause->function == OVSDB_F_LE ? cmp <= 0
               : clause->function == OVSDB_F_GE ? cmp >= 0
                                                : cmp > 0;
    case OVSDB_F_FALSE:
    case OVSDB_F_TRUE:
        break;
    }
    return false;
}

bool
ovsdb_condition_match(const struct ovsdb_condition *cond,
                      const struct ovsdb_row *row)
{
    for (size_t i = 0; i < cond->n_clauses; i++) {
        if (!clause_match(&cond->clauses[i], row)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_condition_match_any(const struct ovsdb_condition *cond,
                          const struct ovsdb_row *row)
{
    for (size_t i = 0; i < cond->n_clauses; i++) {
        if (clause_match(&cond->clauses[i], row)) {
            return true;
        }
    }
    return !cond->n_clauses;
}

/* Returns the "==" clause on 'column', or NULL. */
static const struct ovsdb_clause *
find_eq_clause(const struct ovsdb_condition *cond,
               const struct ovsdb_column *column)
{
    for (size_t i = 0; i < cond->n_clauses; i++) {
        if (cond->clauses[i].function == OVSDB_F_EQ
            && cond->clauses[i].column == column) {
            return &cond->clauses[i];
        }
    }
    return NULL;
}

/* Returns the number of an index whose every column has an "==" clause,
 * storing the index hash of those values in '*hash', or -1. */
static int
find_usable_index(const struct ovsdb_condition *cond,
                  const struct ovsdb_table_schema *ts, uint32_t *hash)
{
    for (unsigned int i = 0; i < ts->n_indexes; i++) {
        const struct ovsdb_index *index = &ts->indexes[i];
        unsigned int j;

        *hash = 0;
        for (j = 0; j < index->n_columns; j++) {
            const struct ovsdb_clause *clause;

            clause = find_eq_clause(cond, index->columns[j]);
            if (!clause) {
                break;
            }
            *hash =
                ovsdb_datum_hash(&clause->arg, &clause->column->type, *hash);
        }
        if (j == index->n_columns) {
            return (int) i;
        }
    }
    return -1;
}

static void
add_row(struct ovsdb_row ***rowsp, size_t *n, size_t *allocated,
        struct ovsdb_row *row)
{
    if (*n >= *allocated) {
        *rowsp = x2nrealloc(*rowsp, allocated, *n + 1, sizeof **rowsp);
    }
    (*rowsp)[(*n)++] = row;
}

size_t
ovsdb_condition_find_rows(const struct ovsdb_condition *cond,
                          const struct ovsdb_table *table,
                          struct ovsdb_row ***rowsp)
{
    const struct ovsdb_table_schema *ts = table->schema;
    const struct ovsdb_clause *by_uuid;
    size_t n = 0, allocated = 0;
    struct ovsdb_row *row;
    uint32_t hash;
    int index;

    *rowsp = NULL;
    by_uuid = find_eq_clause(cond, ts->columns[OVSDB_COL_UUID]);
    if (by_uuid) {
        row = ovsdb_table_find(table, &by_uuid->arg.keys[0].uuid);
        if (row && ovsdb_condition_match(cond, row)) {
            add_row(rowsp, &n, &allocated, row);
        }
        return n;
    }

    index = find_usable_index(cond, ts, &hash);
    if (index >= 0) {
        struct hmap_node *node;

        for (node = hmap_first_with_hash(&table->indexes[index], hash); node;
             node = hmap_next_with_hash(node)) {
            row = ovsdb_row_from_index_node(node, ts, (unsigned int) index);
            if (ovsdb_condition_match(cond, row)) {
                add_row(rowsp, &n, &allocated, row);
            }
        }
        return n;
    }

    OVSDB_TABLE_FOR_EACH(row, table) {
        if (ovsdb_condition_match(cond, row)) {
            add_row(rowsp, &n, &allocated, row);
        }
    }
    return n;
}
