/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB types (RFC 7047 section 3.2): atomic types, base types with their
 * constraints, and column types (key, optional value, min/max). */
#ifndef VTEPD_OVSDB_TYPE_H
#define VTEPD_OVSDB_TYPE_H 1

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"

struct ovsdb_datum;
struct ovsdb_error;

enum ovsdb_atomic_type {
    OVSDB_TYPE_VOID, /* No value: the 'value' of a set or scalar. */
    OVSDB_TYPE_INTEGER,
    OVSDB_TYPE_REAL,
    OVSDB_TYPE_BOOLEAN,
    OVSDB_TYPE_STRING,
    OVSDB_TYPE_UUID,
    OVSDB_N_TYPES
};

enum ovsdb_ref_type { OVSDB_REF_STRONG, OVSDB_REF_WEAK };

/* An atomic type plus the constraints RFC 7047 allows on it. */
struct ovsdb_base_type {
    enum ovsdb_atomic_type type;
    struct ovsdb_datum *enum_; /* Allowed values (a sorted set), or NULL. */
    union {
        struct {
            int64_t min, max;
        } integer;
        struct {
            double min, max;
        } real;
        struct {
            unsigned int min_len, max_len; /* In UTF-8 characters. */
        } string;
        struct {
            char *ref_table_name;   /* NULL if not a reference. */
            unsigned int ref_table; /* Index in the schema, once bound. */
            enum ovsdb_ref_type ref_type;
        } uuid;
    } u;
};

#define OVSDB_UNLIMITED UINT_MAX

struct ovsdb_type {
    struct ovsdb_base_type key;
    struct ovsdb_base_type value; /* OVSDB_TYPE_VOID unless a map. */
    unsigned int n_min;           /* 0 or 1. */
    unsigned int n_max;           /* >= 1, or OVSDB_UNLIMITED. */
};

const char *ovsdb_atomic_type_to_string(enum ovsdb_atomic_type);

/* Returns 'type' in words, as ovsdb-server's error messages put it:
 * "string", "set of up to 1 strings", "set of 1 or more uuids",
 * "map of (string, integer) pairs".  The caller frees it. */
char *ovsdb_type_to_english(const struct ovsdb_type *);

/* Parses a column type from JSON (borrowed).  On success returns NULL and
 * 'type' owns its allocations (free with ovsdb_type_destroy()). */
struct ovsdb_error *
ovsdb_type_from_json(struct ovsdb_type *type,
                     const json_t *json) WARN_UNUSED_RESULT;
void ovsdb_type_destroy(struct ovsdb_type *);

/* Returns the normalised JSON form of 'type' (new reference). */
json_t *ovsdb_type_to_json(const struct ovsdb_type *);

static inline bool
ovsdb_type_is_map(const struct ovsdb_type *type)
{
    return type->value.type != OVSDB_TYPE_VOID;
}

/* True for a column holding exactly one atom (min = max = 1, not a map). */
static inline bool
ovsdb_type_is_scalar(const struct ovsdb_type *type)
{
    return type->n_min == 1 && type->n_max == 1 && !ovsdb_type_is_map(type);
}

static inline bool
ovsdb_base_type_is_ref(const struct ovsdb_base_type *base)
{
    return base->type == OVSDB_TYPE_UUID && base->u.uuid.ref_table_name;
}

static inline bool
ovsdb_base_type_is_strong_ref(const struct ovsdb_base_type *base)
{
    return ovsdb_base_type_is_ref(base)
           && base->u.uuid.ref_type == OVSDB_REF_STRONG;
}

static inline bool
ovsdb_base_type_is_weak_ref(const struct ovsdb_base_type *base)
{
    return ovsdb_base_type_is_ref(base)
           && base->u.uuid.ref_type == OVSDB_REF_WEAK;
}

#endif /* vtepd/ovsdb/type.h */
