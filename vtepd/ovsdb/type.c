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
#include "vtepd/ovsdb/parser.h"

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

/* Declares the members a base type object of 'type' may have: "type",
 * "enum" and the constraints of that type ("refType" only with a
 * "refTable"), and refuses any other. */
static void
expect_base_members(struct ovsdb_parser *p, enum ovsdb_atomic_type type)
{
    const char *names[4] = { "type", "enum" };
    size_t n = 2;

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        names[n++] = "minInteger";
        names[n++] = "maxInteger";
        break;
    case OVSDB_TYPE_REAL:
        names[n++] = "minReal";
        names[n++] = "maxReal";
        break;
    case OVSDB_TYPE_STRING:
        names[n++] = "minLength";
        names[n++] = "maxLength";
        break;
    case OVSDB_TYPE_UUID:
        names[n++] = "refTable";
        if (json_object_get(p->json, "refTable")) {
            names[n++] = "refType";
        }
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    ovsdb_parser_expect(p, names, n);
}

/* Reads the optional integer member 'name' into '*value'. */
static void
get_integer(struct ovsdb_parser *p, const char *name, json_int_t *value)
{
    const json_t *member =
        ovsdb_parser_member(p, name, OVSDB_P_INTEGER | OVSDB_P_OPTIONAL);

    if (member) {
        *value = json_integer_value(member);
    }
}

/* Reads the optional number member 'name' into '*value'. */
static void
get_real(struct ovsdb_parser *p, const char *name, double *value)
{
    const json_t *member =
        ovsdb_parser_member(p, name, OVSDB_P_NUMBER | OVSDB_P_OPTIONAL);

    if (member) {
        *value = json_number_value(member);
    }
}

static struct ovsdb_error *
parse_ref(struct ovsdb_base_type *base, struct ovsdb_parser *p)
{
    const json_t *table, *ref_type;
    const char *s;

    table =
        ovsdb_parser_member(p, "refTable", OVSDB_P_STRING | OVSDB_P_OPTIONAL);
    ref_type =
        ovsdb_parser_member(p, "refType", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    if (!table) {
        return NULL;
    }
    base->u.uuid.ref_table_name = xstrdup(json_string_value(table));
    base->u.uuid.ref_type = OVSDB_REF_STRONG;
    s = ref_type ? json_string_value(ref_type) : "strong";
    if (s && !strcmp(s, "weak")) {
        base->u.uuid.ref_type = OVSDB_REF_WEAK;
    } else if (!s || strcmp(s, "strong")) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "refType must be \"strong\" or "
                                  "\"weak\" (not \"%s\")",
                                  s ? s : "<non-string>");
    }
    return NULL;
}

static struct ovsdb_error *
parse_integer_constraints(struct ovsdb_base_type *base, struct ovsdb_parser *p)
{
    json_int_t lo = INT64_MIN, hi = INT64_MAX;

    get_integer(p, "minInteger", &lo);
    get_integer(p, "maxInteger", &hi);
    if (ovsdb_parser_has_error(p)) {
        return NULL;
    } else if (lo > hi) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "minInteger exceeds maxInteger");
    }
    base->u.integer.min = lo;
    base->u.integer.max = hi;
    return NULL;
}

static struct ovsdb_error *
parse_real_constraints(struct ovsdb_base_type *base, struct ovsdb_parser *p)
{
    double lo = -DBL_MAX, hi = DBL_MAX;

    get_real(p, "minReal", &lo);
    get_real(p, "maxReal", &hi);
    if (ovsdb_parser_has_error(p)) {
        return NULL;
    } else if (lo > hi) {
        return ovsdb_syntax_error(p->json, NULL, "minReal exceeds maxReal");
    }
    base->u.real.min = lo;
    base->u.real.max = hi;
    return NULL;
}

static struct ovsdb_error *
parse_string_constraints(struct ovsdb_base_type *base, struct ovsdb_parser *p)
{
    json_int_t lo = 0, hi = UINT_MAX;

    get_integer(p, "minLength", &lo);
    get_integer(p, "maxLength", &hi);
    if (ovsdb_parser_has_error(p)) {
        return NULL;
    } else if (lo < 0 || hi < 0 || lo > UINT_MAX || hi > UINT_MAX) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "minLength and maxLength must be "
                                  "between 0 and %u",
                                  UINT_MAX);
    } else if (lo > hi) {
        return ovsdb_syntax_error(p->json, NULL,
                                  "minLength exceeds maxLength");
    }
    base->u.string.min_len = (unsigned int) lo;
    base->u.string.max_len = (unsigned int) hi;
    return NULL;
}

/* Parses the constraints of 'base' from the members of the object 'p'
 * parses; errors in a member's type stay on 'p'. */
static struct ovsdb_error *
parse_constraints(struct ovsdb_base_type *base, struct ovsdb_parser *p)
{
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return parse_integer_constraints(base, p);
    case OVSDB_TYPE_REAL:
        return parse_real_constraints(base, p);
    case OVSDB_TYPE_STRING:
        return parse_string_constraints(base, p);
    case OVSDB_TYPE_UUID:
        return parse_ref(base, p);
    case OVSDB_TYPE_VOID:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_N_TYPES:
        break;
    }
    return NULL;
}

static struct ovsdb_error *
parse_enum(struct ovsdb_base_type *base, const json_t *enum_json)
{
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
    struct ovsdb_parser p;

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

    ovsdb_parser_init(&p, json, NULL);
    expect_base_members(&p, type);
    if (!ovsdb_parser_has_error(&p)) {
        ovsdb_parser_put_error(&p, parse_constraints(base, &p));
    }
    if (!ovsdb_parser_has_error(&p)) {
        const json_t *enum_json =
            ovsdb_parser_member(&p, "enum", OVSDB_P_ANY | OVSDB_P_OPTIONAL);

        ovsdb_parser_put_error(&p, parse_enum(base, enum_json));
    }
    error = ovsdb_parser_finish(&p);
    if (error) {
        base_type_destroy(base);
    }
    return error;
}

static struct ovsdb_error *
parse_n_max(const json_t *json, const json_t *max, unsigned int *n_max)
{
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
parse_n_min(const json_t *json, const json_t *min, unsigned int *n_min)
{
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
    const json_t *key, *value, *min, *max;
    struct ovsdb_error *error;
    struct ovsdb_parser p;

    memset(type, 0, sizeof *type);
    type->n_min = type->n_max = 1;
    if (json_is_string(json)) {
        return base_type_from_json(&type->key, json);
    }
    if (!json_is_object(json) || !json_object_get(json, "key")) {
        return ovsdb_syntax_error(json, NULL, "ovsdb type expected");
    }
    ovsdb_parser_init(&p, json, NULL);
    ovsdb_parser_expect(&p, members, ARRAY_SIZE(members));
    key = ovsdb_parser_member(&p, "key", OVSDB_P_ANY);
    value = ovsdb_parser_member(&p, "value", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    min = ovsdb_parser_member(&p, "min", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    max = ovsdb_parser_member(&p, "max", OVSDB_P_ANY | OVSDB_P_OPTIONAL);
    error = ovsdb_parser_finish(&p);
    if (error) {
        return error;
    }

    error = parse_n_min(json, min, &type->n_min);
    if (!error) {
        error = parse_n_max(json, max, &type->n_max);
    }
    if (!error && type->n_min > type->n_max) {
        error = ovsdb_syntax_error(json, NULL, "\"min\" exceeds \"max\"");
    }
    if (!error) {
        error = base_type_from_json(&type->key, key);
    }
    if (!error && value) {
        error = base_type_from_json(&type->value, value);
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
