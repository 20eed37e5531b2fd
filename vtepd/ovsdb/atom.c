/* SPDX-License-Identifier: Apache-2.0 */
/* OVSDB atoms and interned strings. */
#include "vtepd/ovsdb/datum.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/json-text.h"
#include "vtepd/ovsdb/error.h"
#include "lib/slab.h"

/* String interning.  Single-threaded, like the rest of the engine.  A
 * chained hash table of its own rather than an hmap: a 'struct hmap_node'
 * would cost each string 4 bytes of padding, which is what takes a MAC
 * address string from a 48-byte malloc chunk to a 64-byte one. */
static struct {
    struct ovsdb_str **buckets; /* NULL while empty. */
    size_t mask;                /* Number of buckets minus one. */
    size_t n;
} strings;

/* Doubles the buckets (16 at first).  They grow when there are two strings
 * per bucket on average: 4 to 8 bytes of buckets per string, and an
 * unsuccessful lookup (every new string) follows 1 to 2 'next' pointers. */
static void
strings_grow(void)
{
    size_t n_buckets = strings.buckets ? 2 * (strings.mask + 1) : 16;
    struct ovsdb_str **buckets = xcalloc(n_buckets, sizeof *buckets);

    for (size_t i = 0; strings.buckets && i <= strings.mask; i++) {
        struct ovsdb_str *str, *next;

        for (str = strings.buckets[i]; str; str = next) {
            struct ovsdb_str **bucket = &buckets[str->hash & (n_buckets - 1)];

            next = str->next;
            str->next = *bucket;
            *bucket = str;
        }
    }
    free(strings.buckets);
    strings.buckets = buckets;
    strings.mask = n_buckets - 1;
}

/* The bytes of the allocation of a string of 'len' bytes. */
static size_t
str_size(size_t len)
{
    return offsetof(struct ovsdb_str, s) + len + 1;
}

uint32_t
ovsdb_str_hash(const char *s, size_t len)
{
    return hash_bytes(s, len, 0);
}

void
ovsdb_str_prefetch(uint32_t hash)
{
    __builtin_prefetch(&strings.buckets[hash & strings.mask]);
}

struct ovsdb_str *
ovsdb_str_intern(const char *s, size_t len)
{
    return ovsdb_str_intern_hashed(s, len, ovsdb_str_hash(s, len));
}

struct ovsdb_str *
ovsdb_str_intern_hashed(const char *s, size_t len, uint32_t hash)
{
    struct ovsdb_str *str;

    if (strings.buckets) {
        for (str = strings.buckets[hash & strings.mask]; str;
             str = str->next) {
            if (str->hash == hash && str->len == len
                && !memcmp(str->s, s, len)) {
                str->refcnt++;
                return str;
            }
        }
    }
    ASSERT(len < UINT32_MAX);
    if (!strings.buckets || strings.n + 1 > 2 * (strings.mask + 1)) {
        strings_grow();
    }
    str = slab_alloc(str_size(len));
    str->hash = hash;
    str->refcnt = 1;
    str->len = (uint32_t) len;
    memcpy(str->s, s, len);
    str->s[len] = '\0';
    str->next = strings.buckets[hash & strings.mask];
    strings.buckets[hash & strings.mask] = str;
    strings.n++;
    return str;
}

struct ovsdb_str *
ovsdb_str_ref(struct ovsdb_str *str)
{
    str->refcnt++;
    return str;
}

void
ovsdb_str_unref(struct ovsdb_str *str)
{
    if (str && !--str->refcnt) {
        struct ovsdb_str **p = &strings.buckets[str->hash & strings.mask];

        while (*p != str) {
            ASSERT(*p != NULL);
            p = &(*p)->next;
        }
        *p = str->next;
        slab_free(str, str_size(str->len));
        if (!--strings.n) {
            /* Give the bucket array back when the last string goes, so
             * that a process that empties its databases leaks nothing. */
            free(strings.buckets);
            strings.buckets = NULL;
            strings.mask = 0;
        }
    }
}

size_t
ovsdb_str_count(void)
{
    return strings.n;
}

static int
str_compare(const struct ovsdb_str *a, const struct ovsdb_str *b)
{
    if (a == b) {
        return 0;
    }
    int cmp = memcmp(a->s, b->s, MIN(a->len, b->len));
    return cmp ? cmp : a->len < b->len ? -1 : a->len > b->len;
}

/* Atoms. */

void
ovsdb_atom_init_default(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    memset(atom, 0, sizeof *atom);
    if (type == OVSDB_TYPE_STRING) {
        atom->string = ovsdb_str_intern("", 0);
    }
}

void
ovsdb_atom_clone(union ovsdb_atom *dst, const union ovsdb_atom *src,
                 enum ovsdb_atomic_type type)
{
    *dst = *src;
    if (type == OVSDB_TYPE_STRING) {
        ovsdb_str_ref(dst->string);
    }
}

void
ovsdb_atom_destroy(union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    if (type == OVSDB_TYPE_STRING) {
        ovsdb_str_unref(atom->string);
    }
}

int
ovsdb_atom_compare(const union ovsdb_atom *a, const union ovsdb_atom *b,
                   enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return a->integer < b->integer ? -1 : a->integer > b->integer;
    case OVSDB_TYPE_REAL:
        return a->real < b->real ? -1 : a->real > b->real;
    case OVSDB_TYPE_BOOLEAN:
        return a->boolean - b->boolean;
    case OVSDB_TYPE_STRING:
        return str_compare(a->string, b->string);
    case OVSDB_TYPE_UUID:
        return uuid_compare(&a->uuid, &b->uuid);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return 0;
}

bool
ovsdb_atom_equals(const union ovsdb_atom *a, const union ovsdb_atom *b,
                  enum ovsdb_atomic_type type)
{
    switch (type) {
    case OVSDB_TYPE_STRING:
        return a->string == b->string; /* Interned. */
    case OVSDB_TYPE_UUID:
        return uuid_equals(&a->uuid, &b->uuid);
    case OVSDB_TYPE_INTEGER:
    case OVSDB_TYPE_REAL:
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return !ovsdb_atom_compare(a, b, type);
}

uint32_t
ovsdb_atom_hash(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                uint32_t basis)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return hash_uint64((uint64_t) atom->integer, basis);
    case OVSDB_TYPE_REAL:
        /* +0.0 and -0.0 compare equal, so they must hash alike. */
        return hash_uint64(atom->real == 0 ? 0 : (uint64_t) atom->integer,
                           basis);
    case OVSDB_TYPE_BOOLEAN:
        return hash_int(atom->boolean, basis);
    case OVSDB_TYPE_STRING:
        return hash_int(atom->string->hash, basis);
    case OVSDB_TYPE_UUID:
        return hash_int(uuid_hash(&atom->uuid), basis);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return basis;
}

/* Appends 'atom' as ovsdb-server writes atoms in messages: bare if it
 * looks like an identifier or number, otherwise as a JSON string. */
static void
atom_to_ds(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
           struct ds *out)
{
    char buf[UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        ds_put_format(out, "%" PRId64, atom->integer);
        break;
    case OVSDB_TYPE_REAL:
        ds_put_format(out, "%.17g", atom->real);
        break;
    case OVSDB_TYPE_BOOLEAN:
        ds_put_cstr(out, atom->boolean ? "true" : "false");
        break;
    case OVSDB_TYPE_STRING: {
        const struct ovsdb_str *s = atom->string;
        struct uuid uuid;
        bool bare = s->len > 0;

        /* Bare like ovsdb-server: an identifier-like word (a letter or '_'
         * first, then letters, digits, '_', '-' or '.') that cannot be
         * mistaken for a boolean or a UUID. */
        for (size_t i = 0; i < s->len && bare; i++) {
            unsigned char c = s->s[i];
            bare =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                || (i > 0 && ((c >= '0' && c <= '9') || c == '-' || c == '.'));
        }
        bare = bare && strcmp(s->s, "true") && strcmp(s->s, "false")
               && !uuid_from_string(&uuid, s->s);
        if (bare) {
            ds_put_buffer(out, s->s, s->len);
        } else {
            json_t *j = json_stringn(s->s, s->len);
            char *text = ovsdb_json_to_string(j);

            ds_put_cstr(out, text);
            free(text);
            json_decref(j);
        }
        break;
    }
    case OVSDB_TYPE_UUID:
        uuid_to_string(&atom->uuid, buf);
        ds_put_cstr(out, buf);
        break;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
}

/* Counts UTF-8 characters (jansson has already validated the encoding). */
static size_t
utf8_length(const struct ovsdb_str *s)
{
    size_t n = 0;

    for (size_t i = 0; i < s->len; i++) {
        n += ((unsigned char) s->s[i] & 0xc0) != 0x80;
    }
    return n;
}

static struct ovsdb_error *
check_integer(int64_t v, const struct ovsdb_base_type *base)
{
    int64_t min = base->u.integer.min, max = base->u.integer.max;

    if (v >= min && v <= max) {
        return NULL;
    } else if (min != INT64_MIN && max != INT64_MAX) {
        return ovsdb_error("constraint violation",
                           "%" PRId64 " is not in the valid range %" PRId64
                           " to %" PRId64 " (inclusive)",
                           v, min, max);
    } else if (v < min) {
        return ovsdb_error("constraint violation",
                           "%" PRId64 " is less than minimum allowed value "
                           "%" PRId64,
                           v, min);
    }
    return ovsdb_error("constraint violation",
                       "%" PRId64 " is greater than maximum allowed value "
                       "%" PRId64,
                       v, max);
}

static struct ovsdb_error *
check_real(double v, const struct ovsdb_base_type *base)
{
    if (v < base->u.real.min) {
        return ovsdb_error("constraint violation",
                           "%.17g is less than minimum allowed value %.17g", v,
                           base->u.real.min);
    } else if (v > base->u.real.max) {
        return ovsdb_error("constraint violation",
                           "%.17g is greater than maximum allowed value %.17g",
                           v, base->u.real.max);
    }
    return NULL;
}

static struct ovsdb_error *
check_string(const struct ovsdb_str *s, const struct ovsdb_base_type *base)
{
    size_t n;

    if (!base->u.string.min_len && base->u.string.max_len == UINT_MAX) {
        return NULL;
    }
    n = utf8_length(s);
    if (n < base->u.string.min_len) {
        return ovsdb_error("constraint violation",
                           "\"%s\" length %zu is less than minimum allowed "
                           "length %u",
                           s->s, n, base->u.string.min_len);
    } else if (n > base->u.string.max_len) {
        return ovsdb_error("constraint violation",
                           "\"%s\" length %zu is greater than maximum "
                           "allowed length %u",
                           s->s, n, base->u.string.max_len);
    }
    return NULL;
}

static struct ovsdb_error *
check_enum(const union ovsdb_atom *atom, const struct ovsdb_base_type *base)
{
    struct ds s = DS_EMPTY_INITIALIZER;
    struct ovsdb_error *error;

    if (ovsdb_datum_find_key(base->enum_, atom, base->type) != UINT_MAX) {
        return NULL;
    }
    atom_to_ds(atom, base->type, &s);
    ds_put_cstr(&s, " is not one of the allowed values ([");
    for (unsigned int i = 0; i < base->enum_->n; i++) {
        if (i) {
            ds_put_cstr(&s, ", ");
        }
        atom_to_ds(&base->enum_->keys[i], base->type, &s);
    }
    ds_put_cstr(&s, "])");
    error = ovsdb_error("constraint violation", "%s", ds_cstr(&s));
    ds_destroy(&s);
    return error;
}

struct ovsdb_error *
ovsdb_atom_check_constraints(const union ovsdb_atom *atom,
                             const struct ovsdb_base_type *base)
{
    if (base->enum_) {
        return check_enum(atom, base);
    }
    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        return check_integer(atom->integer, base);
    case OVSDB_TYPE_REAL:
        return check_real(atom->real, base);
    case OVSDB_TYPE_STRING:
        return check_string(atom->string, base);
    case OVSDB_TYPE_BOOLEAN:
    case OVSDB_TYPE_UUID:
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return NULL;
}

static struct ovsdb_error *
parse_uuid(union ovsdb_atom *atom, const json_t *json,
           struct ovsdb_symbol_table *symtab)
{
    const char *kind, *value;

    if (!json_is_array(json) || json_array_size(json) != 2
        || !json_is_string(json_array_get(json, 0))
        || !json_is_string(json_array_get(json, 1))) {
        return ovsdb_syntax_error(json, NULL, "expected uuid");
    }
    kind = json_string_value(json_array_get(json, 0));
    value = json_string_value(json_array_get(json, 1));
    if (!strcmp(kind, "uuid")) {
        if (strlen(value) != UUID_LEN
            || !uuid_from_string(&atom->uuid, value)) {
            return ovsdb_syntax_error(json, NULL, "\"%s\" is not a valid UUID",
                                      value);
        }
        return NULL;
    } else if (!strcmp(kind, "named-uuid") && symtab) {
        atom->uuid = ovsdb_symbol_table_insert(symtab, value)->uuid;
        return NULL;
    }
    return ovsdb_syntax_error(json, NULL, "expected uuid");
}

static struct ovsdb_error *
parse_atom(union ovsdb_atom *atom, enum ovsdb_atomic_type type,
           const json_t *json, struct ovsdb_symbol_table *symtab)
{
    switch (type) {
    case OVSDB_TYPE_INTEGER:
        if (json_is_integer(json)) {
            atom->integer = json_integer_value(json);
            return NULL;
        } else if (json_is_real(json)) {
            /* ovsdb-server's JSON reader treats 1.0 and 1e3 as integers. */
            double d = json_real_value(json);

            if (d == floor(d) && d >= -9223372036854775808.0
                && d < 9223372036854775808.0) {
                atom->integer = (int64_t) d;
                return NULL;
            }
        }
        return ovsdb_syntax_error(json, NULL, "expected integer");
    case OVSDB_TYPE_REAL:
        if (!json_is_number(json)) {
            return ovsdb_syntax_error(json, NULL, "expected real");
        }
        atom->real = json_number_value(json);
        return NULL;
    case OVSDB_TYPE_BOOLEAN:
        if (!json_is_boolean(json)) {
            return ovsdb_syntax_error(json, NULL, "expected boolean");
        }
        atom->boolean = json_is_true(json);
        return NULL;
    case OVSDB_TYPE_STRING:
        if (!json_is_string(json)) {
            return ovsdb_syntax_error(json, NULL, "expected string");
        }
        atom->string = ovsdb_str_intern(json_string_value(json),
                                        json_string_length(json));
        return NULL;
    case OVSDB_TYPE_UUID:
        return parse_uuid(atom, json, symtab);
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return ovsdb_syntax_error(json, NULL, "unexpected atomic type");
}

struct ovsdb_error *
ovsdb_atom_from_json(union ovsdb_atom *atom,
                     const struct ovsdb_base_type *base, const json_t *json,
                     struct ovsdb_symbol_table *symtab)
{
    struct ovsdb_error *error = parse_atom(atom, base->type, json, symtab);

    if (!error) {
        error = ovsdb_atom_check_constraints(atom, base);
        if (error) {
            ovsdb_atom_destroy(atom, base->type);
        }
    }
    return error;
}

json_t *
ovsdb_json_pair(json_t *a, json_t *b)
{
    json_t *pair = json_array();

    json_array_append_new(pair, a);
    json_array_append_new(pair, b);
    return pair;
}

/* Returns a new reference to one shared "uuid" string: every UUID in
 * replies and updates starts with it, and JSON values are never modified
 * after they are built. */
static json_t *
uuid_tag(void)
{
    static json_t *tag;

    if (!tag) {
        tag = json_string_nocheck("uuid");
    }
    return json_incref(tag);
}

json_t *
ovsdb_atom_to_json(const union ovsdb_atom *atom, enum ovsdb_atomic_type type)
{
    char buf[UUID_LEN + 1];

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        return json_integer(atom->integer);
    case OVSDB_TYPE_REAL:
        return json_real(atom->real);
    case OVSDB_TYPE_BOOLEAN:
        return json_boolean(atom->boolean);
    case OVSDB_TYPE_STRING:
        return json_stringn(atom->string->s, atom->string->len);
    case OVSDB_TYPE_UUID:
        uuid_to_string(&atom->uuid, buf);
        return ovsdb_json_pair(uuid_tag(),
                               json_stringn_nocheck(buf, UUID_LEN));
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    return json_null();
}

/* Appends ["uuid","<uuid>"] without building it. */
static void
uuid_to_text(const struct uuid *uuid, struct ds *out)
{
    static const char prefix[] = "[\"uuid\",\"";
    char *p = ds_put_uninit(out, sizeof prefix - 1 + UUID_LEN + 2);

    memcpy(p, prefix, sizeof prefix - 1);
    p += sizeof prefix - 1;
    uuid_to_string(uuid, p);
    memcpy(p + UUID_LEN, "\"]", 2);
}

void
ovsdb_atom_to_text(const union ovsdb_atom *atom, enum ovsdb_atomic_type type,
                   struct ds *out)
{
    json_t *real;

    switch (type) {
    case OVSDB_TYPE_INTEGER:
        json_text_encode_integer(atom->integer, out);
        return;
    case OVSDB_TYPE_REAL:
        /* jansson has its own rules for formatting reals; they are rare. */
        real = json_real(atom->real);
        json_text_encode(real ? real : json_null(), out);
        json_decref(real);
        return;
    case OVSDB_TYPE_BOOLEAN:
        ds_put_cstr(out, atom->boolean ? "true" : "false");
        return;
    case OVSDB_TYPE_STRING:
        json_text_encode_string(atom->string->s, atom->string->len, out);
        return;
    case OVSDB_TYPE_UUID:
        uuid_to_text(&atom->uuid, out);
        return;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
        break;
    }
    ds_put_cstr(out, "null");
}
