/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB datums: sorted sets and maps of atoms, and their JSON forms. */
#include "vtepd/ovsdb/datum.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "vtepd/ovsdb/error.h"

void
ovsdb_datum_init_empty(struct ovsdb_datum *datum)
{
    datum->keys = datum->values = NULL;
    datum->n = 0;
}

void
ovsdb_datum_init_default(struct ovsdb_datum *datum,
                         const struct ovsdb_type *type)
{
    ovsdb_datum_init_empty(datum);
    if (type->n_min) {
        datum->n = 1;
        datum->keys = xmalloc(sizeof *datum->keys);
        ovsdb_atom_init_default(&datum->keys[0], type->key.type);
        if (ovsdb_type_is_map(type)) {
            datum->values = xmalloc(sizeof *datum->values);
            ovsdb_atom_init_default(&datum->values[0], type->value.type);
        }
    }
}

static union ovsdb_atom *
clone_atoms(const union ovsdb_atom *src, unsigned int n,
            enum ovsdb_atomic_type type)
{
    union ovsdb_atom *dst;

    if (!n || type == OVSDB_TYPE_VOID) {
        return NULL;
    }
    dst = xmemdup(src, n * sizeof *src);
    if (type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            ovsdb_str_ref(dst[i].string);
        }
    }
    return dst;
}

void
ovsdb_datum_clone(struct ovsdb_datum *dst, const struct ovsdb_datum *src,
                  const struct ovsdb_type *type)
{
    dst->n = src->n;
    dst->keys = clone_atoms(src->keys, src->n, type->key.type);
    dst->values = clone_atoms(src->values, src->n, type->value.type);
}

static void
free_atoms(union ovsdb_atom *atoms, unsigned int n,
           enum ovsdb_atomic_type type)
{
    if (atoms && type == OVSDB_TYPE_STRING) {
        for (unsigned int i = 0; i < n; i++) {
            ovsdb_str_unref(atoms[i].string);
        }
    }
    free(atoms);
}

void
ovsdb_datum_destroy(struct ovsdb_datum *datum, const struct ovsdb_type *type)
{
    free_atoms(datum->keys, datum->n, type->key.type);
    free_atoms(datum->values, datum->n, type->value.type);
    ovsdb_datum_init_empty(datum);
}

void
ovsdb_datum_swap(struct ovsdb_datum *a, struct ovsdb_datum *b)
{
    struct ovsdb_datum tmp = *a;

    *a = *b;
    *b = tmp;
}

struct sort_aux {
    const struct ovsdb_datum *datum;
    enum ovsdb_atomic_type key_type;
};

static int
compare_indexes(const void *a_, const void *b_, void *aux_)
{
    const struct sort_aux *aux = aux_;
    const unsigned int *a = a_, *b = b_;

    return ovsdb_atom_compare(&aux->datum->keys[*a], &aux->datum->keys[*b],
                              aux->key_type);
}

static void
permute(union ovsdb_atom *atoms, const unsigned int *order, unsigned int n)
{
    union ovsdb_atom *copy;

    if (!atoms) {
        return;
    }
    copy = xmemdup(atoms, n * sizeof *atoms);
    for (unsigned int i = 0; i < n; i++) {
        atoms[i] = copy[order[i]];
    }
    free(copy);
}

struct ovsdb_error *
ovsdb_datum_sort(struct ovsdb_datum *datum, const struct ovsdb_type *type)
{
    struct sort_aux aux = { datum, type->key.type };
    unsigned int *order;

    if (datum->n < 2) {
        return NULL;
    }
    order = xmalloc(datum->n * sizeof *order);
    for (unsigned int i = 0; i < datum->n; i++) {
        order[i] = i;
    }
    qsort_r(order, datum->n, sizeof *order, compare_indexes, &aux);
    permute(datum->keys, order, datum->n);
    permute(datum->values, order, datum->n);
    free(order);

    for (unsigned int i = 1; i < datum->n; i++) {
        if (ovsdb_atom_equals(&datum->keys[i - 1], &datum->keys[i],
                              type->key.type)) {
            return ovsdb_error("ovsdb error", "%s",
                               ovsdb_type_is_map(type)
                                   ? "map contains duplicate key"
                                   : "set contains duplicate");
        }
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_datum_check_size(const struct ovsdb_datum *datum,
                       const struct ovsdb_type *type)
{
    if (datum->n >= type->n_min && datum->n <= type->n_max) {
        return NULL;
    }
    const char *what = ovsdb_type_is_map(type) ? "map" : "set";
    if (type->n_max == OVSDB_UNLIMITED) {
        return ovsdb_error("constraint violation",
                           "%s must have at least %u members but %u are "
                           "present",
                           what, type->n_min, datum->n);
    }
    return ovsdb_error("constraint violation",
                       "%s must have %u to %u members but %u are present",
                       what, type->n_min, type->n_max, datum->n);
}

struct ovsdb_error *
ovsdb_datum_check_constraints(const struct ovsdb_datum *datum,
                              const struct ovsdb_type *type)
{
    struct ovsdb_error *error = ovsdb_datum_check_size(datum, type);

    for (unsigned int i = 0; !error && i < datum->n; i++) {
        error = ovsdb_atom_check_constraints(&datum->keys[i], &type->key);
        if (!error && datum->values) {
            error =
                ovsdb_atom_check_constraints(&datum->values[i], &type->value);
        }
    }
    return error;
}

/* Returns the elements of a set or map in JSON form, or NULL with '*error'
 * set.  A bare atom is a one-element set. */
static const json_t *
json_elements(const json_t *json, bool is_map, struct ovsdb_error **error)
{
    const char *kind = json_string_value(json_array_get(json, 0));
    bool tagged = json_is_array(json) && json_array_size(json) == 2 && kind
                  && json_is_array(json_array_get(json, 1));

    *error = NULL;
    if (is_map) {
        if (!tagged || strcmp(kind, "map")) {
            *error =
                ovsdb_syntax_error(json, NULL, "expected [\"map\", <array>]");
            return NULL;
        }
        return json_array_get(json, 1);
    } else if (tagged && !strcmp(kind, "set")) {
        return json_array_get(json, 1);
    }
    return NULL; /* A single atom. */
}

static struct ovsdb_error *
parse_element(struct ovsdb_datum *datum, const struct ovsdb_type *type,
              const json_t *elem, struct ovsdb_symbol_table *symtab)
{
    unsigned int i = datum->n;
    struct ovsdb_error *error;

    if (!ovsdb_type_is_map(type)) {
        error =
            ovsdb_atom_from_json(&datum->keys[i], &type->key, elem, symtab);
        if (!error) {
            datum->n++;
        }
        return error;
    }
    if (!json_is_array(elem) || json_array_size(elem) != 2) {
        return ovsdb_syntax_error(elem, NULL, "expected 2-element array");
    }
    error = ovsdb_atom_from_json(&datum->keys[i], &type->key,
                                 json_array_get(elem, 0), symtab);
    if (error) {
        return error;
    }
    error = ovsdb_atom_from_json(&datum->values[i], &type->value,
                                 json_array_get(elem, 1), symtab);
    if (error) {
        ovsdb_atom_destroy(&datum->keys[i], type->key.type);
        return error;
    }
    datum->n++;
    return NULL;
}

struct ovsdb_error *
ovsdb_datum_from_json(struct ovsdb_datum *datum, const struct ovsdb_type *type,
                      const json_t *json, struct ovsdb_symbol_table *symtab)
{
    struct ovsdb_error *error;
    const json_t *elems = json_elements(json, ovsdb_type_is_map(type), &error);
    size_t n = elems ? json_array_size(elems) : 1;

    ovsdb_datum_init_empty(datum);
    if (error) {
        return error;
    }
    if (n < type->n_min || n > type->n_max) {
        if (type->n_min == 1 && type->n_max == 1) {
            return ovsdb_syntax_error(json, NULL,
                                      "%s must have exactly one member but "
                                      "%zu are present",
                                      ovsdb_type_is_map(type) ? "map" : "set",
                                      n);
        }
        return ovsdb_syntax_error(json, NULL,
                                  "%s must have %u to %u members but %zu "
                                  "are present",
                                  ovsdb_type_is_map(type) ? "map" : "set",
                                  type->n_min, type->n_max, n);
    }
    if (n) {
        datum->keys = xmalloc(n * sizeof *datum->keys);
        if (ovsdb_type_is_map(type)) {
            datum->values = xmalloc(n * sizeof *datum->values);
        }
    }
    for (size_t i = 0; i < n; i++) {
        error = parse_element(datum, type,
                              elems ? json_array_get(elems, i) : json, symtab);
        if (error) {
            ovsdb_datum_destroy(datum, type);
            return error;
        }
    }
    error = ovsdb_datum_sort(datum, type);
    if (error) {
        ovsdb_datum_destroy(datum, type);
    }
    return error;
}

json_t *
ovsdb_datum_to_json(const struct ovsdb_datum *datum,
                    const struct ovsdb_type *type)
{
    json_t *elems;

    if (!ovsdb_type_is_map(type) && datum->n == 1) {
        return ovsdb_atom_to_json(&datum->keys[0], type->key.type);
    }
    elems = json_array();
    for (unsigned int i = 0; i < datum->n; i++) {
        json_t *key = ovsdb_atom_to_json(&datum->keys[i], type->key.type);

        if (ovsdb_type_is_map(type)) {
            json_array_append_new(
                elems,
                ovsdb_json_pair(key, ovsdb_atom_to_json(&datum->values[i],
                                                        type->value.type)));
        } else {
            json_array_append_new(elems, key);
        }
    }
    return ovsdb_json_pair(
        json_string_nocheck(ovsdb_type_is_map(type) ? "map" : "set"), elems);
}

void
ovsdb_datum_to_text(const struct ovsdb_datum *datum,
                    const struct ovsdb_type *type, struct ds *out)
{
    bool is_map = ovsdb_type_is_map(type);

    if (!is_map && datum->n == 1) {
        ovsdb_atom_to_text(&datum->keys[0], type->key.type, out);
        return;
    }
    ds_put_cstr(out, is_map ? "[\"map\",[" : "[\"set\",[");
    for (unsigned int i = 0; i < datum->n; i++) {
        if (i) {
            ds_put_char(out, ',');
        }
        if (is_map) {
            ds_put_char(out, '[');
            ovsdb_atom_to_text(&datum->keys[i], type->key.type, out);
            ds_put_char(out, ',');
            ovsdb_atom_to_text(&datum->values[i], type->value.type, out);
            ds_put_char(out, ']');
        } else {
            ovsdb_atom_to_text(&datum->keys[i], type->key.type, out);
        }
    }
    ds_put_cstr(out, "]]");
}

bool
ovsdb_datum_equals(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                   const struct ovsdb_type *type)
{
    if (a->n != b->n) {
        return false;
    }
    for (unsigned int i = 0; i < a->n; i++) {
        if (!ovsdb_atom_equals(&a->keys[i], &b->keys[i], type->key.type)
            || (a->values
                && !ovsdb_atom_equals(&a->values[i], &b->values[i],
                                      type->value.type))) {
            return false;
        }
    }
    return true;
}

int
ovsdb_datum_compare(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                    const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < a->n && i < b->n; i++) {
        int cmp = ovsdb_atom_compare(&a->keys[i], &b->keys[i], type->key.type);

        if (!cmp && a->values) {
            cmp = ovsdb_atom_compare(&a->values[i], &b->values[i],
                                     type->value.type);
        }
        if (cmp) {
            return cmp;
        }
    }
    return a->n < b->n ? -1 : a->n > b->n;
}

uint32_t
ovsdb_datum_hash(const struct ovsdb_datum *datum,
                 const struct ovsdb_type *type, uint32_t basis)
{
    uint32_t hash = hash_int(datum->n, basis);

    for (unsigned int i = 0; i < datum->n; i++) {
        hash = ovsdb_atom_hash(&datum->keys[i], type->key.type, hash);
        if (datum->values) {
            hash = ovsdb_atom_hash(&datum->values[i], type->value.type, hash);
        }
    }
    return hash;
}

unsigned int
ovsdb_datum_find_key(const struct ovsdb_datum *datum,
                     const union ovsdb_atom *key, enum ovsdb_atomic_type type)
{
    unsigned int lo = 0, hi = datum->n;

    while (lo < hi) {
        unsigned int mid = lo + (hi - lo) / 2;
        int cmp = ovsdb_atom_compare(key, &datum->keys[mid], type);

        if (!cmp) {
            return mid;
        } else if (cmp < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return UINT_MAX;
}

/* Returns true if element 'i' of 'b' (a key, or key/value pair when both
 * are maps) is in 'a'. */
static bool
contains_element(const struct ovsdb_datum *a, const struct ovsdb_datum *b,
                 unsigned int i, const struct ovsdb_type *type)
{
    unsigned int j = ovsdb_datum_find_key(a, &b->keys[i], type->key.type);

    if (j == UINT_MAX) {
        return false;
    }
    return !a->values || !b->values
           || ovsdb_atom_equals(&a->values[j], &b->values[i],
                                type->value.type);
}

bool
ovsdb_datum_includes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < b->n; i++) {
        if (!contains_element(a, b, i, type)) {
            return false;
        }
    }
    return true;
}

bool
ovsdb_datum_excludes_all(const struct ovsdb_datum *a,
                         const struct ovsdb_datum *b,
                         const struct ovsdb_type *type)
{
    for (unsigned int i = 0; i < b->n; i++) {
        if (contains_element(a, b, i, type)) {
            return false;
        }
    }
    return true;
}

void
ovsdb_datum_union(struct ovsdb_datum *a, const struct ovsdb_datum *b,
                  const struct ovsdb_type *type)
{
    unsigned int n = a->n, max = a->n + b->n;
    bool map = ovsdb_type_is_map(type);

    if (!b->n) {
        return;
    }
    a->keys = xrealloc(a->keys, max * sizeof *a->keys);
    if (map) {
        a->values = xrealloc(a->values, max * sizeof *a->values);
    }
    for (unsigned int i = 0; i < b->n; i++) {
        if (ovsdb_datum_find_key(a, &b->keys[i], type->key.type) == UINT_MAX) {
            ovsdb_atom_clone(&a->keys[n], &b->keys[i], type->key.type);
            if (map) {
                ovsdb_atom_clone(&a->values[n], &b->values[i],
                                 type->value.type);
            }
            n++;
        }
    }
    a->n = n;
    /* Both inputs had unique keys and only new keys were added. */
    struct ovsdb_error *error = ovsdb_datum_sort(a, type);
    ASSERT(!error);
}

void
ovsdb_datum_remove(struct ovsdb_datum *datum, unsigned int idx,
                   const struct ovsdb_type *type)
{
    unsigned int tail = datum->n - idx - 1;

    ovsdb_atom_destroy(&datum->keys[idx], type->key.type);
    memmove(&datum->keys[idx], &datum->keys[idx + 1],
            tail * sizeof *datum->keys);
    if (datum->values) {
        ovsdb_atom_destroy(&datum->values[idx], type->value.type);
        memmove(&datum->values[idx], &datum->values[idx + 1],
                tail * sizeof *datum->values);
    }
    if (!--datum->n) {
        free(datum->keys);
        free(datum->values);
        ovsdb_datum_init_empty(datum);
    }
}

void
ovsdb_datum_subtract(struct ovsdb_datum *a, const struct ovsdb_type *type,
                     const struct ovsdb_datum *b,
                     const struct ovsdb_type *b_type)
{
    for (unsigned int i = 0; i < b->n; i++) {
        unsigned int j = ovsdb_datum_find_key(a, &b->keys[i], type->key.type);

        if (j != UINT_MAX
            && (!ovsdb_type_is_map(b_type)
                || ovsdb_atom_equals(&a->values[j], &b->values[i],
                                     type->value.type))) {
            ovsdb_datum_remove(a, j, type);
        }
    }
}

void
ovsdb_symbol_table_init(struct ovsdb_symbol_table *symtab)
{
    hmap_init(&symtab->symbols);
}

void
ovsdb_symbol_table_destroy(struct ovsdb_symbol_table *symtab)
{
    struct ovsdb_symbol *symbol;

    if (!symtab) {
        return;
    }
    HMAP_FOR_EACH_SAFE(symbol, node, &symtab->symbols) {
        hmap_remove(&symtab->symbols, &symbol->node);
        free(symbol);
    }
    hmap_destroy(&symtab->symbols);
}

struct ovsdb_symbol *
ovsdb_symbol_table_find(struct ovsdb_symbol_table *symtab, const char *name)
{
    struct ovsdb_symbol *symbol;

    HMAP_FOR_EACH_WITH_HASH(symbol, node, hash_string(name, 0),
                            &symtab->symbols) {
        if (!strcmp(symbol->name, name)) {
            return symbol;
        }
    }
    return NULL;
}

struct ovsdb_symbol *
ovsdb_symbol_table_insert(struct ovsdb_symbol_table *symtab, const char *name)
{
    struct ovsdb_symbol *symbol = ovsdb_symbol_table_find(symtab, name);
    size_t len = strlen(name);

    if (!symbol) {
        symbol = xzalloc(sizeof *symbol + len + 1);
        memcpy(symbol->name, name, len + 1);
        uuid_generate(&symbol->uuid);
        hmap_insert(&symtab->symbols, &symbol->node, hash_string(name, 0));
    }
    return symbol;
}
