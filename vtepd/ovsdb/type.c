/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB types: parsing, validation and JSON output. */
#include "vtepd/ovsdb/type.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"

static const char *const atomic_type_names[OVSDB_N_TYPES] = {
    [OVSDB_TYPE_VOID] = "void",     [OVSDB_TYPE_INTEGER] = "integer",
    [OVSDB_TYPE_REAL] = "real",     [OVSDB_TYPE_BOOLEAN] = "boolean",
    [OVSDB_TYPE_STRING] = "string", [OVSDB_TYPE_UUID] = "uuid",
};

const char *
ovsdb_atomic_type_to_string(enum ovsdb_atomic_type type)
{
    return type < OVSDB_N_TYPES ? atomic_type_names[type] : "<invalid>";
}

static bool
atomic_type_from_string(const char *s, enum ovsdb_atomic_type *type)
{
    for (int i = OVSDB_TYPE_INTEGER; i < OVSDB_N_TYPES; i++) {
        if (!strcmp(s, atomic_type_names[i])) {
            *type = i;
            return true;
        }
    }
    return false;
}

static void
base_type_init(struct ovsdb_base_type *base, enum ovsdb_atomic_type type)
{
    memset(base, 0, sizeof *base);
    base->type = type;
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        base->u.integer.min = INT64_MIN;
        base->u.integer.max = INT64_MAX;
        break;
    case OVSDB_TYPE_REAL:
        base->u.real.min = -DBL_MAX;
        base->u.real.max = DBL_MAX;
        break;
    case OVSDB_TYPE_STRING:
        base->u.string.max_len = UINT_MAX;
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_TYPE_UUID:
    case OVSDB_N_TYPES:
        break;
    }
}

static void
base_type_destroy(struct ovsdb_base_type *base)
{
    if (base->enum_) {
        struct ovsdb_type enum_type = { .n_min = 1, .n_max = OVSDB_UNLIMITED };

        base_type_init(&enum_type.key, base->type);
        ovsdb_datum_destroy(base->enum_, &enum_type);
        free(base->enum_);
        base->enum_ = NULL;
    }
    if (base->type == OVSDB_TYPE_UUID) {
        free(base->u.uuid.ref_table_name);
        base->u.uuid.ref_table_name = NULL;
    }
}

/* The members a base type object may have, as a bit per name. */
static const char *const base_members[] = {
    "type",    "enum",      "minInteger", "maxInteger", "minReal",
    "maxReal", "minLength", "maxLength",  "refTable",   "refType",
};

static struct ovsdb_error *
check_base_members(const json_t *json, enum ovsdb_atomic_type type)
{
    /* Which members (by index in base_members) each type allows. */
    unsigned int allowed = 1u << 0 | 1u << 1;
    const char *key;
    json_t *value;

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        allowed |= 1u << 2 | 1u << 3;
        break;
    case OVSDB_TYPE_REAL:
        allowed |= 1u << 4 | 1u << 5;
        break;
    case OVSDB_TYPE_STRING:
        allowed |= 1u << 6 | 1u << 7;
        break;
    case OVSDB_TYPE_UUID:
        allowed |= 1u << 8;
        if (json_object_get(json, "refTable")) {
            allowed |= 1u << 9;
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }

    json_object_foreach((json_t *) json, key, value) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(base_members); i++) {
            if (!strcmp(key, base_members[i])) {
                break;
            }
        }
        if (i >= ARRAY_SIZE(base_members) || !(allowed & (1u << i))) {
            return ovsdb_syntax_error(json, NULL,
                                      "Member '%s' is present but not "
                                      "allowed here.",
                                      key);
        }
    }
    return NULL;
}

/* Reads optional number member 'name' of 'json' into '*value'. */
static struct ovsdb_error *
get_number(const json_t *json, const char *name, bool integer, double *dvalue,
           json_int_t *ivalue)
{
    const json_t *member = json_object_get(json, name);

    if (!member) {
        return NULL;
    }
    if (integer ? !json_is_integer(member) : !json_is_number(member)) {
        return ovsdb_syntax_error(json, NULL, "Type mismatch for member '%s'.",
                                  name);
    }
    if (integer) {
        *ivalue = json_integer_value(member);
    } else {
        *dvalue = json_number_value(member);
    }
    return NULL;
}

static struct ovsdb_error *
parse_ref(struct ovsdb_base_type *base, const json_t *json)
{
    const json_t *table = json_object_get(json, "refTable");
    const json_t *ref_type = json_object_get(json, "refType");

    if (!table) {
        return NULL;
    }
    if (!json_is_string(table)) {
        return ovsdb_syntax_error(json, NULL,
                                  "Type mismatch for member 'refTable'.");
    }
    base->u.uuid.ref_table_name = xstrdup(json_string_value(table));
    base->u.uuid.ref_type = OVSDB_REF_STRONG;
    if (ref_type) {
        const char *s = json_string_value(ref_type);

        if (s && !strcmp(s, "weak")) {
            base->u.uuid.ref_type = OVSDB_REF_WEAK;
        } else if (!s || strcmp(s, "strong")) {
            return ovsdb_syntax_error(json, NULL,
                                      "refType must be \"strong\" or "
                                      "\"weak\" (not \"%s\")",
                                      s ? s : "<non-string>");
        }
    }
    return NULL;
}

static struct ovsdb_error *
parse_constraints(struct ovsdb_base_type *base, const json_t *json)
{
    struct ovsdb_error *error = NULL;
    json_int_t lo, hi;
    double dlo, dhi;

    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        lo = INT64_MIN;
        hi = INT64_MAX;
        error = get_number(json, "minInteger", true, NULL, &lo);
        if (!error) {
            error = get_number(json, "maxInteger", true, NULL, &hi);
        }
        if (!error && lo > hi) {
            return ovsdb_syntax_error(json, NULL,
                                      "minInteger exceeds maxInteger");
        }
        base->u.integer.min = lo;
        base->u.integer.max = hi;
        break;
    case OVSDB_TYPE_REAL:
        dlo = -DBL_MAX;
        dhi = DBL_MAX;
        error = get_number(json, "minReal", false, &dlo, NULL);
        if (!error) {
            error = get_number(json, "maxReal", false, &dhi, NULL);
        }
        if (!error && dlo > dhi) {
            return ovsdb_syntax_error(json, NULL, "minReal exceeds maxReal");
        }
        base->u.real.min = dlo;
        base->u.real.max = dhi;
        break;
    case OVSDB_TYPE_STRING:
        lo = 0;
        hi = UINT_MAX;
        error = get_number(json, "minLength", true, NULL, &lo);
        if (!error) {
            error = get_number(json, "maxLength", true, NULL, &hi);
        }
        if (!error && (lo < 0 || hi < 0 || lo > UINT_MAX || hi > UINT_MAX)) {
            return ovsdb_syntax_error(json, NULL,
                                      "minLength and maxLength must be "
                                      "between 0 and %u",
                                      UINT_MAX);
        }
        if (!error && lo > hi) {
            return ovsdb_syntax_error(json, NULL,
                                      "minLength exceeds maxLength");
        }
        base->u.string.min_len = (unsigned int) lo;
        base->u.string.max_len = (unsigned int) hi;
        break;
    case OVSDB_TYPE_UUID:
        return parse_ref(base, json);
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return error;
}

static struct ovsdb_error *
parse_enum(struct ovsdb_base_type *base, const json_t *json)
{
    const json_t *enum_json = json_object_get(json, "enum");
    struct ovsdb_type enum_type = { .n_min = 1, .n_max = OVSDB_UNLIMITED };
    struct ovsdb_error *error;

    if (!enum_json) {
        return NULL;
    }
    base_type_init(&enum_type.key, base->type);
    base->enum_ = xmalloc(sizeof *base->enum_);
    error = ovsdb_datum_from_json(base->enum_, &enum_type, enum_json, NULL);
    if (error) {
        free(base->enum_);
        base->enum_ = NULL;
    }
    return error;
}

static struct ovsdb_error *
base_type_from_json(struct ovsdb_base_type *base, const json_t *json)
{
    enum ovsdb_atomic_type type;
    struct ovsdb_error *error;
    const json_t *type_json;

    base_type_init(base, OVSDB_TYPE_VOID);
    type_json = json_is_object(json) ? json_object_get(json, "type") : json;
    if (!json_is_string(type_json)) {
        return ovsdb_syntax_error(json, NULL, "base type expected");
    }
    if (!atomic_type_from_string(json_string_value(type_json), &type)) {
        return ovsdb_syntax_error(json, NULL, "Unknown atomic type %s",
                                  json_string_value(type_json));
    }
    base_type_init(base, type);
    if (!json_is_object(json)) {
        return NULL;
    }

    error = check_base_members(json, type);
    if (!error) {
        error = parse_constraints(base, json);
    }
    if (!error) {
        error = parse_enum(base, json);
    }
    if (error) {
        base_type_destroy(base);
    }
    return error;
}

static struct ovsdb_error *
parse_n_max(const json_t *json, unsigned int *n_max)
{
    const json_t *max = json_object_get(json, "max");

    if (!max) {
        *n_max = 1;
    } else if (json_is_string(max)
               && !strcmp(json_string_value(max), "unlimited")) {
        *n_max = OVSDB_UNLIMITED;
    } else if (json_is_integer(max) && json_integer_value(max) >= 1
               && json_integer_value(max) < OVSDB_UNLIMITED) {
        *n_max = (unsigned int) json_integer_value(max);
    } else {
        return ovsdb_syntax_error(json, NULL,
                                  "\"max\" must be a positive integer or "
                                  "\"unlimited\"");
    }
    return NULL;
}

static struct ovsdb_error *
parse_n_min(const json_t *json, unsigned int *n_min)
{
    const json_t *min = json_object_get(json, "min");

    if (!min) {
        *n_min = 1;
    } else if (json_is_integer(min) && json_integer_value(min) >= 0
               && json_integer_value(min) <= 1) {
        *n_min = (unsigned int) json_integer_value(min);
    } else {
        return ovsdb_syntax_error(json, NULL, "\"min\" must be 0 or 1");
    }
    return NULL;
}

struct ovsdb_error *
ovsdb_type_from_json(struct ovsdb_type *type, const json_t *json)
{
    static const char *const members[] = { "key", "value", "min", "max" };
    struct ovsdb_error *error;
    const char *name;
    json_t *member;

    memset(type, 0, sizeof *type);
    type->n_min = type->n_max = 1;
    if (json_is_string(json)) {
        return base_type_from_json(&type->key, json);
    }
    if (!json_is_object(json) || !json_object_get(json, "key")) {
        return ovsdb_syntax_error(json, NULL, "ovsdb type expected");
    }
    json_object_foreach((json_t *) json, name, member) {
        size_t i;

        for (i = 0; i < ARRAY_SIZE(members) && strcmp(name, members[i]); i++) {
            continue;
        }
        if (i >= ARRAY_SIZE(members)) {
            return ovsdb_syntax_error(json, NULL,
                                      "Member '%s' is present but not "
                                      "allowed here.",
                                      name);
        }
    }

    error = parse_n_min(json, &type->n_min);
    if (!error) {
        error = parse_n_max(json, &type->n_max);
    }
    if (!error && type->n_min > type->n_max) {
        error = ovsdb_syntax_error(json, NULL, "\"min\" exceeds \"max\"");
    }
    if (!error) {
        error = base_type_from_json(&type->key, json_object_get(json, "key"));
    }
    if (!error && json_object_get(json, "value")) {
        error =
            base_type_from_json(&type->value, json_object_get(json, "value"));
    }
    if (error) {
        ovsdb_type_destroy(type);
    }
    return error;
}

void
ovsdb_type_destroy(struct ovsdb_type *type)
{
    if (type) {
        base_type_destroy(&type->key);
        base_type_destroy(&type->value);
    }
}

static bool
base_has_constraints(const struct ovsdb_base_type *base)
{
    if (base->enum_) {
        return true;
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return base->u.integer.min != INT64_MIN
               || base->u.integer.max != INT64_MAX;
    case OVSDB_TYPE_REAL:
        return base->u.real.min != -DBL_MAX || base->u.real.max != DBL_MAX;
    case OVSDB_TYPE_STRING:
        return base->u.string.min_len || base->u.string.max_len != UINT_MAX;
    case OVSDB_TYPE_UUID:
        return base->u.uuid.ref_table_name != NULL;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return false;
}

static void
put_constraints(json_t *json, const struct ovsdb_base_type *base)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (base->u.integer.min != INT64_MIN) {
            json_object_set_new(json, "minInteger",
                                json_integer(base->u.integer.min));
        }
        if (base->u.integer.max != INT64_MAX) {
            json_object_set_new(json, "maxInteger",
                                json_integer(base->u.integer.max));
        }
        break;
    case OVSDB_TYPE_REAL:
        if (base->u.real.min != -DBL_MAX) {
            json_object_set_new(json, "minReal", json_real(base->u.real.min));
        }
        if (base->u.real.max != DBL_MAX) {
            json_object_set_new(json, "maxReal", json_real(base->u.real.max));
        }
        break;
    case OVSDB_TYPE_STRING:
        if (base->u.string.min_len) {
            json_object_set_new(json, "minLength",
                                json_integer(base->u.string.min_len));
        }
        if (base->u.string.max_len != UINT_MAX) {
            json_object_set_new(json, "maxLength",
                                json_integer(base->u.string.max_len));
        }
        break;
    case OVSDB_TYPE_UUID:
        if (base->u.uuid.ref_table_name) {
            json_object_set_new(json, "refTable",
                                json_string(base->u.uuid.ref_table_name));
            if (base->u.uuid.ref_type == OVSDB_REF_WEAK) {
                json_object_set_new(json, "refType", json_string("weak"));
            }
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
}

static json_t *
base_type_to_json(const struct ovsdb_base_type *base)
{
    json_t *json;

    if (!base_has_constraints(base)) {
        return json_string(ovsdb_atomic_type_to_string(base->type));
    }
    json = json_object();
    json_object_set_new(json, "type",
                        json_string(ovsdb_atomic_type_to_string(base->type)));
    if (base->enum_) {
        struct ovsdb_type enum_type = { .n_min = 1, .n_max = OVSDB_UNLIMITED };

        base_type_init(&enum_type.key, base->type);
        json_object_set_new(json, "enum",
                            ovsdb_datum_to_json(base->enum_, &enum_type));
    }
    put_constraints(json, base);
    return json;
}

json_t *
ovsdb_type_to_json(const struct ovsdb_type *type)
{
    json_t *json;

    if (ovsdb_type_is_scalar(type) && !base_has_constraints(&type->key)) {
        return base_type_to_json(&type->key);
    }
    json = json_object();
    json_object_set_new(json, "key", base_type_to_json(&type->key));
    if (ovsdb_type_is_map(type)) {
        json_object_set_new(json, "value", base_type_to_json(&type->value));
    }
    if (type->n_min != 1) {
        json_object_set_new(json, "min", json_integer(type->n_min));
    }
    if (type->n_max == OVSDB_UNLIMITED) {
        json_object_set_new(json, "max", json_string("unlimited"));
    } else if (type->n_max != 1) {
        json_object_set_new(json, "max", json_integer(type->n_max));
    }
    return json;
}

char *
ovsdb_type_to_english(const struct ovsdb_type *type)
{
    const char *key = ovsdb_atomic_type_to_string(type->key.type);
    bool is_map = ovsdb_type_is_map(type);
    struct ds s = DS_EMPTY_INITIALIZER;

    if (ovsdb_type_is_scalar(type)) {
        return xstrdup(key);
    }
    ds_put_cstr(&s, is_map ? "map of" : "set of");
    if (type->n_max != OVSDB_UNLIMITED) {
        if (type->n_min) {
            ds_put_format(&s, " %u to %u", type->n_min, type->n_max);
        } else {
            ds_put_format(&s, " up to %u", type->n_max);
        }
    } else if (type->n_min) {
        ds_put_format(&s, " %u or more", type->n_min);
    }
    if (is_map) {
        ds_put_format(&s, " (%s, %s) pairs", key,
                      ovsdb_atomic_type_to_string(type->value.type));
    } else {
        ds_put_format(&s, " %ss", key);
    }
    return ds_steal_cstr(&s);
}
