// SPDX-License-Identifier: Apache-2.0
/* A local commit of vtepd's own code as the operations of a "transact"
 * request to the server. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/replica/replica-private.h"

static json_t *
uuid_json(const struct uuid *uuid)
{
    char s[UUID_LEN + 1];

    uuid_to_string(uuid, s);
    return json_pack("[ss]", "uuid", s);
}

/* [["_uuid", "==", ["uuid", UUID]]] */
static json_t *
where_uuid(const struct uuid *uuid)
{
    return json_pack("[[s s o]]", "_uuid", "==", uuid_json(uuid));
}

/* The elements of 'a' that 'b' lacks (for a map: the pairs whose key 'b'
 * lacks or maps to another value), as a new datum. */
static void
datum_minus(struct ovsdb_datum *out, const struct ovsdb_datum *a,
            const struct ovsdb_datum *b, const struct ovsdb_type *type)
{
    bool map = ovsdb_type_is_map(type);
    unsigned int n = 0;

    out->keys = xcalloc(a->n + 1, sizeof *out->keys);
    out->values = map ? xcalloc(a->n + 1, sizeof *out->values) : NULL;
    for (unsigned int i = 0; i < a->n; i++) {
        unsigned int j = ovsdb_datum_find_key(b, &a->keys[i], type->key.type);

        if (j != UINT_MAX
            && (!map
                || ovsdb_atom_equals(&a->values[i], &b->values[j],
                                     type->value.type))) {
            continue;
        }
        ovsdb_atom_clone(&out->keys[n], &a->keys[i], type->key.type);
        if (map) {
            ovsdb_atom_clone(&out->values[n], &a->values[i], type->value.type);
        }
        n++;
    }
    out->n = n;
}

/* Adds to 'mutations' the mutation that turns the set or map 'old' into
 * 'new': a "delete" of what went, an "insert" of what came (a map's
 * changed pairs go and come). */
static void
add_mutations(json_t *mutations, const struct ovsdb_column *column,
              const struct ovsdb_datum *old, const struct ovsdb_datum *new)
{
    const struct ovsdb_type *type = &column->type;
    struct ovsdb_datum gone, came;

    datum_minus(&gone, old, new, type);
    datum_minus(&came, new, old, type);
    if (gone.n) {
        json_array_append_new(mutations,
                              json_pack("[s s o]", column->name, "delete",
                                        ovsdb_datum_to_json(&gone, type)));
    }
    if (came.n) {
        json_array_append_new(mutations,
                              json_pack("[s s o]", column->name, "insert",
                                        ovsdb_datum_to_json(&came, type)));
    }
    ovsdb_datum_destroy(&gone, type);
    ovsdb_datum_destroy(&came, type);
}

/* A column written as a whole: one atom, or a set of at most one. */
static bool
column_is_whole(const struct ovsdb_column *column)
{
    return column->type.n_max == 1;
}

/* For a new Ucast_Macs_Local or Mcast_Macs_Local row, a "wait" that fails
 * if the server already has a row for the same switch, MAC and locator (or
 * locator set): a resent insert then fails rather than adding a second
 * row.  Other switches' rows for the MAC point at their own locators. */
static json_t *
wait_for_no_twin(const struct ovsdb_table_schema *ts,
                 const struct ovsdb_row *row)
{
    const struct ovsdb_column *mac, *ls, *loc;
    bool ucast = !strcmp(ts->name, "Ucast_Macs_Local");

    if (!ucast && strcmp(ts->name, "Mcast_Macs_Local")) {
        return NULL;
    }
    mac = ovsdb_table_schema_find_column(ts, "MAC");
    ls = ovsdb_table_schema_find_column(ts, "logical_switch");
    loc =
        ovsdb_table_schema_find_column(ts, ucast ? "locator" : "locator_set");
    if (!mac || !ls || !loc) {
        return NULL;
    }
    return json_pack("{s:s, s:s, s:[[s s o] [s s o] [s s o]], s:[s], s:s, "
                     "s:[], s:i}",
                     "op", "wait", "table", ts->name, "where", "MAC",
                     "==", ovsdb_row_column_to_json(row, mac),
                     "logical_switch", "==", ovsdb_row_column_to_json(row, ls),
                     loc->name, "==", ovsdb_row_column_to_json(row, loc),
                     "columns", "_uuid", "until", "==", "rows", "timeout", 0);
}

static void
add_insert(json_t *ops, const struct ovsdb_row_change *c)
{
    const struct ovsdb_table_schema *ts = c->table->schema;
    const struct ovsdb_row *row = c->new;
    json_t *wait = wait_for_no_twin(ts, row);
    json_t *values = json_object();
    char s[UUID_LEN + 1];

    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        json_object_set_new(values, ts->columns[i]->name,
                            ovsdb_row_column_to_json(row, ts->columns[i]));
    }
    if (wait) {
        json_array_append_new(ops, wait);
    }
    uuid_to_string(&row->uuid, s);
    json_array_append_new(ops, json_pack("{s:s, s:s, s:s, s:o}", "op",
                                         "insert", "table", ts->name, "uuid",
                                         s, "row", values));
}

static void
add_modify(json_t *ops, json_t *expect, const struct ovsdb_row_change *c)
{
    const struct ovsdb_table_schema *ts = c->table->schema;
    json_t *values = json_object(), *mutations = json_array();

    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_datum old, new;

        if (!ovsdb_row_change_column_changed(c, i)
            || ovsdb_row_column_equals(c->old, c->new, column)) {
            continue;
        }
        if (column_is_whole(column)) {
            json_object_set_new(values, column->name,
                                ovsdb_row_column_to_json(c->new, column));
        } else {
            ovsdb_row_get(c->old, column, &old);
            ovsdb_row_get(c->new, column, &new);
            add_mutations(mutations, column, &old, &new);
        }
    }
    if (json_object_size(values)) {
        json_array_append_new(expect, json_integer(json_array_size(ops)));
        json_array_append_new(
            ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "update", "table",
                           ts->name, "where", where_uuid(&c->new->uuid), "row",
                           values));
    } else {
        json_decref(values);
    }
    if (json_array_size(mutations)) {
        json_array_append_new(expect, json_integer(json_array_size(ops)));
        json_array_append_new(
            ops, json_pack("{s:s, s:s, s:o, s:o}", "op", "mutate", "table",
                           ts->name, "where", where_uuid(&c->new->uuid),
                           "mutations", mutations));
    } else {
        json_decref(mutations);
    }
}

void
replica_ops_from_changeset(const struct ovsdb_changeset *cs, json_t *ops,
                           json_t *expect)
{
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        if (!c->old) {
            add_insert(ops, c);
        } else if (!c->new) {
            /* Garbage-collected rows go on the server by themselves;
             * deleting them again by name is harmless. */
            json_array_append_new(
                ops, json_pack("{s:s, s:s, s:o}", "op", "delete", "table",
                               c->table->schema->name, "where",
                               where_uuid(&c->old->uuid)));
        } else {
            add_modify(ops, expect, c);
        }
    }
}
