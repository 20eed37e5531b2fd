/* SPDX-License-Identifier: Apache-2.0 */
/* "insert" operations parsed straight from JSON text.  Every function
 * returns false to decline: the caller then runs the general path. */
#include "vtepd/ovsdb/insert-text.h"

#include <stdlib.h>
#include <string.h>

#include "lib/json-text.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"

/* True if the 'n' bytes at 's' are the NUL-terminated 'word'. */
static bool
text_equals(const char *s, size_t n, const char *word)
{
    return strlen(word) == n && !memcmp(s, word, n);
}

/* Parses a UUID in its canonical 36-character form, as the general path
 * does ("bad uuid" and "not a valid UUID" otherwise). */
static bool
text_to_uuid(const char *s, size_t n, struct uuid *uuid)
{
    char buf[UUID_LEN + 1];

    if (n != UUID_LEN) {
        return false;
    }
    memcpy(buf, s, UUID_LEN);
    buf[UUID_LEN] = '\0';
    return uuid_from_string(uuid, buf);
}

/* A string value read but not yet interned: the row's strings are
 * interned after the rest of the row is parsed, so that fetching their
 * slots in the intern table overlaps with that work. */
struct pending_string {
    const struct ovsdb_column *column;
    const char *s; /* In the operation's text. */
    size_t n;
    uint32_t hash;
};

#define MAX_PENDING 8

/* Where the parser is and what it found so far. */
struct parse {
    struct json_text_reader r;
    struct ovsdb_insert_text *ins;
    struct pending_string pending[MAX_PENDING];
    size_t n_pending;
};

/* Parses the atom of 'base' at the reader.  A named UUID is accepted only
 * if 'name' is nonnull: it is stored there (owned) and the atom is left
 * zero for the caller to resolve. */
static bool
parse_atom(struct parse *p, const struct ovsdb_base_type *base,
           union ovsdb_atom *atom, char **name)
{
    struct ovsdb_error *error;
    const char *s, *tag;
    size_t n, tag_len;
    json_int_t integer;

    switch (base->type) {
    case OVSDB_TYPE_INTEGER:
        if (!json_text_read_integer(&p->r, &integer)) {
            return false;
        }
        atom->integer = integer;
        break;
    case OVSDB_TYPE_REAL:
        /* Reals written as reals are left to jansson's strtod. */
        if (!json_text_read_integer(&p->r, &integer)) {
            return false;
        }
        atom->real = (double) integer;
        break;
    case OVSDB_TYPE_BOOLEAN:
        if (!json_text_read_boolean(&p->r, &atom->boolean)) {
            return false;
        }
        break;
    case OVSDB_TYPE_STRING:
        if (!json_text_read_string(&p->r, &s, &n)) {
            return false;
        }
        atom->string = ovsdb_str_intern(s, n);
        break;
    case OVSDB_TYPE_UUID:
        if (base->enum_ || !json_text_reader_expect(&p->r, '[')
            || !json_text_read_string(&p->r, &tag, &tag_len)) {
            return false;
        }
        if (text_equals(tag, tag_len, "uuid")) {
            if (!json_text_reader_expect(&p->r, ',')
                || !json_text_read_string(&p->r, &s, &n)
                || !text_to_uuid(s, n, &atom->uuid)) {
                return false;
            }
        } else if (name && text_equals(tag, tag_len, "named-uuid")) {
            if (!json_text_reader_expect(&p->r, ',')
                || !json_text_read_string(&p->r, &s, &n)
                || memchr(s, '\0', n)) {
                return false;
            }
            uuid_zero(&atom->uuid);
            *name = xstrndup(s, n);
        } else {
            return false;
        }
        if (!json_text_reader_expect(&p->r, ']')) {
            if (name) {
                free(*name);
                *name = NULL;
            }
            return false;
        }
        return true;
    case OVSDB_TYPE_VOID:
    case OVSDB_N_TYPES:
    default:
        return false;
    }
    error = ovsdb_atom_check_constraints(atom, base);
    if (error) {
        ovsdb_error_destroy(error);
        ovsdb_atom_destroy(atom, base->type);
        return false;
    }
    return true;
}

/* Adds one element (a key, or a [key, value] pair for a map) to 'datum',
 * which has room for 'datum->n + 1'. */
static bool
parse_element(struct parse *p, const struct ovsdb_type *type,
              struct ovsdb_datum *datum, char **name)
{
    unsigned int i = datum->n;

    if (!ovsdb_type_is_map(type)) {
        if (!parse_atom(p, &type->key, &datum->keys[i], name)) {
            return false;
        }
    } else {
        if (!json_text_reader_expect(&p->r, '[')
            || !parse_atom(p, &type->key, &datum->keys[i], NULL)) {
            return false;
        }
        if (!json_text_reader_expect(&p->r, ',')
            || !parse_atom(p, &type->value, &datum->values[i], NULL)) {
            ovsdb_atom_destroy(&datum->keys[i], type->key.type);
            return false;
        }
        if (!json_text_reader_expect(&p->r, ']')) {
            ovsdb_atom_destroy(&datum->keys[i], type->key.type);
            ovsdb_atom_destroy(&datum->values[i], type->value.type);
            return false;
        }
    }
    datum->n++;
    return true;
}

static void
datum_grow(struct ovsdb_datum *datum, const struct ovsdb_type *type,
           size_t *allocated)
{
    if (datum->n < *allocated) {
        return;
    }
    *allocated = *allocated ? *allocated * 2 : 1;
    datum->keys = xrealloc(datum->keys, *allocated * sizeof *datum->keys);
    if (ovsdb_type_is_map(type)) {
        datum->values =
            xrealloc(datum->values, *allocated * sizeof *datum->values);
    }
}

/* Parses the elements of ["set", [...]] or ["map", [...]] after the tag:
 * ", [elem, ...]]". */
static bool
parse_elements(struct parse *p, const struct ovsdb_type *type,
               struct ovsdb_datum *datum, char **name)
{
    size_t allocated = 0;

    if (!json_text_reader_expect(&p->r, ',')
        || !json_text_reader_expect(&p->r, '[')) {
        return false;
    }
    if (!json_text_reader_expect(&p->r, ']')) {
        do {
            if (datum->n >= type->n_max) {
                return false;
            }
            datum_grow(datum, type, &allocated);
            if (!parse_element(p, type, datum, name)) {
                return false;
            }
        } while (json_text_reader_expect(&p->r, ','));
        if (!json_text_reader_expect(&p->r, ']')) {
            return false;
        }
    }
    return json_text_reader_expect(&p->r, ']');
}

/* Parses a value of 'type' into 'datum' (initialized empty), as
 * ovsdb_datum_from_json() would, but declining any error.  '*name'
 * receives a named UUID if 'name' is nonnull and the type has at most one
 * element. */
static bool
parse_datum_elements(struct parse *p, const struct ovsdb_type *type,
                     struct ovsdb_datum *datum, char **name)
{
    const char *tag, *start;
    size_t tag_len;

    if (type->n_max > 1 || ovsdb_type_is_map(type)) {
        name = NULL;
    }
    if (json_text_reader_peek(&p->r) == '[') {
        /* ["set", ...], ["map", ...], or a UUID atom ["uuid", ...]. */
        start = p->r.p++;
        if (!json_text_read_string(&p->r, &tag, &tag_len)) {
            return false;
        }
        if (text_equals(tag, tag_len, "map") && ovsdb_type_is_map(type)) {
            return parse_elements(p, type, datum, name);
        } else if (text_equals(tag, tag_len, "set")
                   && !ovsdb_type_is_map(type)) {
            return parse_elements(p, type, datum, name);
        }
        p->r.p = start;
    }
    if (ovsdb_type_is_map(type) || type->n_max < 1) {
        return false;
    }
    datum->keys = xmalloc(sizeof *datum->keys);
    return parse_element(p, type, datum, name);
}

static bool
parse_datum(struct parse *p, const struct ovsdb_type *type,
            struct ovsdb_datum *datum, char **name)
{
    struct ovsdb_error *error;

    ovsdb_datum_init_empty(datum);
    if (!parse_datum_elements(p, type, datum, name)
        || datum->n < type->n_min) {
        goto decline;
    }
    error = ovsdb_datum_sort(datum, type);
    if (error) {
        ovsdb_error_destroy(error);
        goto decline;
    }
    return true;

decline:
    ovsdb_datum_destroy(datum, type);
    if (name) {
        free(*name);
        *name = NULL;
    }
    return false;
}

static const struct ovsdb_column *
find_column(const struct ovsdb_table_schema *ts, const char *name, size_t n)
{
    for (unsigned int i = 0; i < ts->n_columns; i++) {
        const char *s = ts->columns[i]->name;

        if (n && s[0] == name[0] && !strncmp(s, name, n) && !s[n]) {
            return ts->columns[i];
        }
    }
    return NULL;
}

/* Stores string 'atom' (taken) in 'column' of the row and checks it. */
static bool
set_string_atom(struct parse *p, const struct ovsdb_column *column,
                union ovsdb_atom *atom)
{
    struct ovsdb_error *error;

    ovsdb_row_set_atom(p->ins->row, column, atom);
    error = ovsdb_atom_check_constraints(atom, &column->type.key);
    if (error) {
        ovsdb_error_destroy(error);
        return false;
    }
    return true;
}

/* Interns the pending strings into the row. */
static bool
finish_pending(struct parse *p)
{
    for (size_t i = 0; i < p->n_pending; i++) {
        const struct pending_string *ps = &p->pending[i];
        union ovsdb_atom atom;

        atom.string = ovsdb_str_intern_hashed(ps->s, ps->n, ps->hash);
        if (!set_string_atom(p, ps->column, &atom)) {
            return false;
        }
    }
    p->n_pending = 0;
    return true;
}

/* True if the value at the reader, for 'column', is a bare atom that
 * goes straight into the row: the common case of a column that stores
 * one atom inline, given as a string, number, boolean or ["uuid", ...]
 * (anything else goes through parse_datum()). */
static bool
is_bare_atom(struct parse *p, const struct ovsdb_column *column)
{
    int c = json_text_reader_peek(&p->r);

    if (column->storage != OVSDB_STORE_ATOM) {
        return false;
    } else if (column->type.key.type != OVSDB_TYPE_UUID) {
        return c != '[';
    }
    return c == '[' && p->r.end - p->r.p >= 7
           && !memcmp(p->r.p + 1, "\"uuid\"", 6);
}

static bool
parse_inline_atom(struct parse *p, const struct ovsdb_column *column)
{
    union ovsdb_atom atom;

    if (column->type.key.type == OVSDB_TYPE_STRING
        && p->n_pending < MAX_PENDING) {
        struct pending_string *ps = &p->pending[p->n_pending];

        if (!json_text_read_string(&p->r, &ps->s, &ps->n)) {
            return false;
        }
        if (ps->s != p->r.scratch.string) {
            /* In the text itself, so it stays valid: intern it later. */
            ps->column = column;
            ps->hash = ovsdb_str_hash(ps->s, ps->n);
            ovsdb_str_prefetch(ps->hash);
            p->n_pending++;
            return true;
        }
        atom.string = ovsdb_str_intern(ps->s, ps->n);
        return set_string_atom(p, column, &atom);
    }
    if (!parse_atom(p, &column->type.key, &atom, NULL)) {
        return false;
    }
    ovsdb_row_set_atom(p->ins->row, column, &atom);
    return true;
}

/* Parses the "row" object at the reader into ins->row. */
static bool
parse_row(struct parse *p)
{
    struct ovsdb_insert_text *ins = p->ins;
    const struct ovsdb_table_schema *ts = ins->table->schema;

    if (ts->n_columns > OVSDB_INSERT_TEXT_MAX_COLUMNS
        || !json_text_reader_expect(&p->r, '{')) {
        return false;
    }
    ins->row = ovsdb_row_create(ts);
    if (json_text_reader_expect(&p->r, '}')) {
        return true;
    }
    do {
        const struct ovsdb_column *column;
        struct ovsdb_datum datum;
        char *name = NULL;
        const char *key;
        size_t key_len;

        if (!json_text_read_string(&p->r, &key, &key_len)) {
            return false;
        }
        column = find_column(ts, key, key_len);
        if (!column || column->index <= OVSDB_COL_VERSION) {
            return false;
        }
        for (size_t i = 0; i < ins->n_set; i++) {
            if (ins->set[i] == column) {
                return false; /* Duplicate member: jansson keeps the last. */
            }
        }
        if (!json_text_reader_expect(&p->r, ':')) {
            return false;
        }
        if (is_bare_atom(p, column)) {
            if (!parse_inline_atom(p, column)) {
                return false;
            }
        } else if (!parse_datum(p, &column->type, &datum,
                                ins->ref_column ? NULL : &name)) {
            return false;
        } else if (name) {
            ins->ref_column = column;
            ins->ref_datum = datum;
            ins->ref_name = name;
        } else {
            ovsdb_row_set(ins->row, column, &datum);
        }
        ins->set[ins->n_set++] = column;
    } while (json_text_reader_expect(&p->r, ','));
    return json_text_reader_expect(&p->r, '}') && finish_pending(p);
}

/* Parses the value of the "table" member. */
static bool
parse_table(struct parse *p, struct ovsdb_db *db)
{
    const struct ovsdb_schema *schema = db->schema;
    const char *s;
    size_t n;

    if (!json_text_read_string(&p->r, &s, &n)) {
        return false;
    }
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        if (text_equals(s, n, schema->tables[i]->name)) {
            p->ins->table = db->tables[i];
            return true;
        }
    }
    return false;
}

/* Parses one "key": value member of the operation object.  'row_text'
 * remembers where "row" is if it comes before "table". */
static bool
parse_member(struct parse *p, struct ovsdb_db *db, bool *seen_op,
             const char **row_text)
{
    struct ovsdb_insert_text *ins = p->ins;
    const char *key, *s;
    size_t key_len, n;
    char name[16];

    if (!json_text_read_string(&p->r, &key, &key_len) || key_len >= sizeof name
        || !json_text_reader_expect(&p->r, ':')) {
        return false;
    }
    /* 'key' may live in the reader's scratch space, which the value may
     * overwrite. */
    memcpy(name, key, key_len);
    name[key_len] = '\0';
    if (!strcmp(name, "op")) {
        if (*seen_op || !json_text_read_string(&p->r, &s, &n)
            || !text_equals(s, n, "insert")) {
            return false;
        }
        *seen_op = true;
    } else if (!strcmp(name, "table")) {
        if (ins->table || !parse_table(p, db)) {
            return false;
        }
    } else if (!strcmp(name, "uuid-name")) {
        if (ins->uuid_name || !json_text_read_string(&p->r, &s, &n)) {
            return false;
        }
        /* A NUL inside the name is the general path's business. */
        ins->uuid_name = xstrndup(s, n);
        if (strlen(ins->uuid_name) != n
            || !ovsdb_parser_is_id(ins->uuid_name)) {
            return false;
        }
    } else if (!strcmp(name, "uuid")) {
        if (ins->has_uuid || !json_text_read_string(&p->r, &s, &n)
            || !text_to_uuid(s, n, &ins->uuid)) {
            return false;
        }
        ins->has_uuid = true;
    } else if (!strcmp(name, "row")) {
        if (ins->row || *row_text) {
            return false;
        } else if (ins->table) {
            return parse_row(p);
        }
        /* The column types are not known yet: come back later. */
        *row_text = p->r.p;
        return json_text_skip_value(&p->r);
    } else {
        return false;
    }
    return true;
}

static bool
parse_op(struct parse *p, struct ovsdb_db *db)
{
    const char *row_text = NULL;
    bool seen_op = false;

    if (!json_text_reader_expect(&p->r, '{')) {
        return false;
    }
    if (!json_text_reader_expect(&p->r, '}')) {
        do {
            if (!parse_member(p, db, &seen_op, &row_text)) {
                return false;
            }
        } while (json_text_reader_expect(&p->r, ','));
        if (!json_text_reader_expect(&p->r, '}')) {
            return false;
        }
    }
    if (json_text_reader_peek(&p->r) != -1 || !seen_op || !p->ins->table) {
        return false;
    }
    if (row_text) {
        p->r.p = row_text;
        return parse_row(p);
    }
    if (!p->ins->row) {
        p->ins->row = ovsdb_row_create(p->ins->table->schema);
    }
    return true;
}

/* Empties 'ins' (without touching 'set', which 'n_set' bounds). */
static void
ins_init(struct ovsdb_insert_text *ins)
{
    ins->table = NULL;
    ins->row = NULL;
    ins->n_set = 0;
    ins->uuid_name = NULL;
    ins->has_uuid = false;
    ins->ref_column = NULL;
    ovsdb_datum_init_empty(&ins->ref_datum);
    ins->ref_name = NULL;
}

bool
ovsdb_insert_text_parse(struct ovsdb_db *db, const char *text, size_t n,
                        struct ovsdb_insert_text *ins)
{
    struct parse p = { .ins = ins };
    bool ok;

    ins_init(ins);
    json_text_reader_init(&p.r, text, n);
    ok = parse_op(&p, db);
    json_text_reader_destroy(&p.r);
    if (!ok) {
        ovsdb_insert_text_destroy(ins);
    }
    return ok;
}

bool
ovsdb_insert_text_parse_row(struct ovsdb_table *table, const char *text,
                            size_t n, struct ovsdb_row **rowp)
{
    struct ovsdb_insert_text ins;
    struct parse p = { .ins = &ins };
    bool ok;

    ins_init(&ins);
    ins.table = table;
    json_text_reader_init(&p.r, text, n);
    ok = parse_row(&p) && !ins.ref_name && json_text_reader_peek(&p.r) < 0;
    json_text_reader_destroy(&p.r);
    *rowp = ok ? ins.row : NULL;
    if (ok) {
        ins.row = NULL;
    }
    ovsdb_insert_text_destroy(&ins);
    return ok;
}

void
ovsdb_insert_text_destroy(struct ovsdb_insert_text *ins)
{
    if (ins->row) {
        ovsdb_row_destroy(ins->row, ins->table->schema);
    }
    if (ins->ref_column) {
        ovsdb_datum_destroy(&ins->ref_datum, &ins->ref_column->type);
    }
    free(ins->uuid_name);
    free(ins->ref_name);
    ins_init(ins);
}
