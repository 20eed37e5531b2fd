/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB mutations. */
#include "vtepd/ovsdb/mutation.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"

static const char *const mutator_names[] = {
    [OVSDB_M_ADD] = "+=",        [OVSDB_M_SUB] = "-=",
    [OVSDB_M_MUL] = "*=",        [OVSDB_M_DIV] = "/=",
    [OVSDB_M_MOD] = "%=",        [OVSDB_M_INSERT] = "insert",
    [OVSDB_M_DELETE] = "delete",
};

static bool
is_arithmetic(enum ovsdb_mutator m)
{
    return m <= OVSDB_M_MOD;
}

/* A base type like 'base' without constraints (arithmetic arguments are
 * checked only through their results). */
static struct ovsdb_base_type
unconstrained(const struct ovsdb_base_type *base)
{
    struct ovsdb_base_type copy = *base;

    copy.enum_ = NULL;
    if (base->type == OVSDB_TYPE_INTEGER) {
        copy.u.integer.min = INT64_MIN;
        copy.u.integer.max = INT64_MAX;
    } else if (base->type == OVSDB_TYPE_REAL) {
        copy.u.real.min = -HUGE_VAL;
        copy.u.real.max = HUGE_VAL;
    }
    return copy;
}

/* Chooses the type of the argument of 'mutator' on a column of 'type', or
 * returns false if the mutator does not apply to that type. */
static bool
argument_type(enum ovsdb_mutator mutator, const struct ovsdb_type *type,
              struct ovsdb_type *arg)
{
    enum ovsdb_atomic_type key = type->key.type;

    memset(arg, 0, sizeof *arg);
    if (is_arithmetic(mutator)) {
        if ((key != OVSDB_TYPE_INTEGER && key != OVSDB_TYPE_REAL)
            || ovsdb_type_is_map(type)
            || (mutator == OVSDB_M_MOD && key != OVSDB_TYPE_INTEGER)) {
            return false;
        }
        arg->key = unconstrained(&type->key);
        arg->value.type = OVSDB_TYPE_VOID;
        arg->n_min = arg->n_max = 1;
        return true;
    }
    if (ovsdb_type_is_scalar(type)) {
        return false;
    }
    *arg = *type;
    arg->n_min = 0;
    if (mutator == OVSDB_M_DELETE) {
        arg->n_max = OVSDB_UNLIMITED;
    }
    return true;
}

static struct ovsdb_error *
mutation_from_json(struct ovsdb_mutation *m,
                   const struct ovsdb_table_schema *ts, const json_t *json,
                   struct ovsdb_symbol_table *symtab)
{
    const char *column_name = json_string_value(json_array_get(json, 0));
    const char *mutator_name = json_string_value(json_array_get(json, 1));
    const json_t *arg = json_array_get(json, 2);
    struct ovsdb_error *error;
    size_t i;

    if (json_array_size(json) != 3 || !column_name || !mutator_name) {
        return ovsdb_syntax_error(json, NULL, "Parse error in mutation.");
    }
    m->column = ovsdb_table_schema_find_column(ts, column_name);
    if (!m->column) {
        return ovsdb_syntax_error(json, "unknown column",
                                  "No column %s in table %s.", column_name,
                                  ts->name);
    }
    if (!m->column->mutable_) {
        return ovsdb_syntax_error(json, "constraint violation",
                                  "Cannot mutate immutable column %s in "
                                  "table %s.",
                                  column_name, ts->name);
    }
    for (i = 0; i < ARRAY_SIZE(mutator_names); i++) {
        if (!strcmp(mutator_name, mutator_names[i])) {
            break;
        }
    }
    if (i >= ARRAY_SIZE(mutator_names)) {
        return ovsdb_error("unknown mutator", "No mutator named %s.",
                           mutator_name);
    }
    m->mutator = (enum ovsdb_mutator) i;

    if (!argument_type(m->mutator, &m->column->type, &m->type)) {
        char *english = ovsdb_type_to_english(&m->column->type);

        error = ovsdb_syntax_error(json, NULL,
                                   "Type mismatch: \"%s\" operator may not "
                                   "be applied to column %s of type %s.",
                                   mutator_name, column_name, english);
        free(english);
        return error;
    }
    error = ovsdb_datum_from_json(&m->arg, &m->type, arg, symtab);
    if (error && m->mutator == OVSDB_M_DELETE && ovsdb_type_is_map(&m->type)) {
        /* "delete" on a map also takes a set of keys: try that, and report
         * its error if both fail, as ovsdb-server does. */
        ovsdb_error_destroy(error);
        m->type.value.type = OVSDB_TYPE_VOID;
        error = ovsdb_datum_from_json(&m->arg, &m->type, arg, symtab);
    }
    if (error) {
        m->column = NULL;
    }
    return error;
}

struct ovsdb_error *
ovsdb_mutation_set_from_json(struct ovsdb_mutation_set *set,
                             const struct ovsdb_table_schema *ts,
                             const json_t *json,
                             struct ovsdb_symbol_table *symtab)
{
    size_t n = json_array_size(json);

    set->n_mutations = 0;
    set->mutations = xcalloc(n + 1, sizeof *set->mutations);
    for (size_t i = 0; i < n; i++) {
        struct ovsdb_error *error;

        error = mutation_from_json(&set->mutations[i], ts,
                                   json_array_get(json, i), symtab);
        if (error) {
            ovsdb_mutation_set_destroy(set);
            return error;
        }
        set->n_mutations++;
    }
    return NULL;
}

void
ovsdb_mutation_set_destroy(struct ovsdb_mutation_set *set)
{
    if (!set) {
        return;
    }
    for (size_t i = 0; i < set->n_mutations; i++) {
        ovsdb_datum_destroy(&set->mutations[i].arg, &set->mutations[i].type);
    }
    free(set->mutations);
    set->mutations = NULL;
    set->n_mutations = 0;
}

static struct ovsdb_error *
range_error(enum ovsdb_mutator m)
{
    return ovsdb_error("range error",
                       "Result of \"%s\" operation is out of range.",
                       mutator_names[m]);
}

/* Whether ovsdb-server 3.1 refuses 'x' * 'y' as out of range.  Its test
 * is not exact, and replies must match it: it also refuses a positive
 * product equal to INT64_MAX / y * y (e.g. 1 * 2^62), and for two
 * negative factors compares 'y' with INT64_MAX / 'y', so it accepts some
 * products that overflow (they wrap) and refuses some that fit.  (With 'x'
 * negative and 'y' zero it divides by zero and crashes; we answer 0.) */
static bool
mul_out_of_range(int64_t x, int64_t y)
{
    if (x > 0) {
        return y > 0 ? x >= INT64_MAX / y : y < INT64_MIN / x;
    } else if (y > 0) {
        return x < INT64_MIN / y;
    } else {
        return x && y && y < INT64_MAX / y;
    }
}

static struct ovsdb_error *
mutate_integer(int64_t *x, int64_t y, enum ovsdb_mutator m)
{
    int64_t r = 0;

    if ((m == OVSDB_M_DIV || m == OVSDB_M_MOD) && !y) {
        return ovsdb_error("domain error", "Division by zero.");
    }
    switch (m) {
    case OVSDB_M_ADD:
        if (__builtin_add_overflow(*x, y, &r)) {
            return range_error(m);
        }
        break;
    case OVSDB_M_SUB:
        if (__builtin_sub_overflow(*x, y, &r)) {
            return range_error(m);
        }
        break;
    case OVSDB_M_MUL:
        if (mul_out_of_range(*x, y)) {
            return range_error(m);
        }
        /* Two's complement wrap-around where the test above lets an
         * overflow through. */
        (void) __builtin_mul_overflow(*x, y, &r);
        break;
    case OVSDB_M_DIV:
    case OVSDB_M_MOD:
        if (*x == INT64_MIN && y == -1) {
            return range_error(m);
        }
        r = m == OVSDB_M_DIV ? *x / y : *x % y;
        break;
    case OVSDB_M_INSERT:
    case OVSDB_M_DELETE:
        break;
    }
    *x = r;
    return NULL;
}

static struct ovsdb_error *
mutate_real(double *x, double y, enum ovsdb_mutator m)
{
    double r = *x;

    switch (m) {
    case OVSDB_M_ADD:
        r += y;
        break;
    case OVSDB_M_SUB:
        r -= y;
        break;
    case OVSDB_M_MUL:
        r *= y;
        break;
    case OVSDB_M_DIV:
        if (y == 0) {
            return ovsdb_error("domain error", "Division by zero.");
        }
        r /= y;
        break;
    case OVSDB_M_MOD:
    case OVSDB_M_INSERT:
    case OVSDB_M_DELETE:
        break;
    }
    if (!isfinite(r)) {
        return range_error(m);
    }
    *x = r;
    return NULL;
}

static struct ovsdb_error *
mutate_arithmetic(const struct ovsdb_mutation *m, struct ovsdb_datum *value)
{
    const struct ovsdb_type *type = &m->column->type;
    const union ovsdb_atom *arg = &m->arg.keys[0];
    struct ovsdb_error *error = NULL;

    for (unsigned int i = 0; !error && i < value->n; i++) {
        union ovsdb_atom *atom = &value->keys[i];

        if (type->key.type == OVSDB_TYPE_INTEGER) {
            error = mutate_integer(&atom->integer, arg->integer, m->mutator);
        } else {
            error = mutate_real(&atom->real, arg->real, m->mutator);
        }
        if (!error) {
            error = ovsdb_atom_check_constraints(atom, &type->key);
        }
    }
    if (!error) {
        error = ovsdb_datum_sort(value, type);
        if (error) {
            /* Two elements became equal: ovsdb-server's words for it. */
            ovsdb_error_destroy(error);
            error = ovsdb_error("constraint violation",
                                "Result of \"%s\" operation contains "
                                "duplicates.",
                                mutator_names[m->mutator]);
        }
    }
    return error;
}

static struct ovsdb_error *
mutate_one(const struct ovsdb_mutation *m, struct ovsdb_row *row)
{
    const struct ovsdb_type *type = &m->column->type;
    struct ovsdb_datum view, value;
    struct ovsdb_error *error = NULL;

    ovsdb_row_get(row, m->column, &view);
    ovsdb_datum_clone(&value, &view, type);
    if (is_arithmetic(m->mutator)) {
        error = mutate_arithmetic(m, &value);
    } else if (m->mutator == OVSDB_M_INSERT) {
        ovsdb_datum_union(&value, &m->arg, type);
    } else {
        ovsdb_datum_subtract(&value, type, &m->arg, &m->type);
    }
    if (!error && (value.n < type->n_min || value.n > type->n_max)) {
        /* ovsdb-server's words for a mutation's result of the wrong size
         * (not the "set must have..." of a value given whole). */
        char *english = ovsdb_type_to_english(type);

        error = ovsdb_error("constraint violation",
                            "Attempted to store %u elements in %s.", value.n,
                            english);
        free(english);
    }
    if (error) {
        ovsdb_datum_destroy(&value, type);
        return error;
    }
    ovsdb_row_set(row, m->column, &value);
    return NULL;
}

struct ovsdb_error *
ovsdb_mutation_set_execute(const struct ovsdb_mutation_set *set,
                           struct ovsdb_row *row)
{
    for (size_t i = 0; i < set->n_mutations; i++) {
        struct ovsdb_error *error = mutate_one(&set->mutations[i], row);

        if (error) {
            return error;
        }
    }
    return NULL;
}
