/* SPDX-License-Identifier: Apache-2.0 */
/* The operations that write: "insert" (also straight from its JSON text,
 * the server's fast path), "update", "mutate" and "delete". */
#include <stdlib.h>
#include <string.h>

#include "lib/uuid.h"
#include "vtepd/ovsdb/condition.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution-private.h"
#include "vtepd/ovsdb/insert-text.h"
#include "vtepd/ovsdb/mutation.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"

/* Chooses the _uuid of a new row from "uuid" and "uuid-name". */
static struct ovsdb_error *
choose_uuid(struct exec *x, const struct ovsdb_table *table,
            const json_t *uuid_json, const json_t *uuid_name,
            struct uuid *uuid)
{
    if (uuid_json) {
        const char *s = json_string_value(uuid_json);

        if (strlen(s) != UUID_LEN || !uuid_from_string(uuid, s)) {
            return ovsdb_syntax_error(uuid_json, NULL, "bad uuid");
        }
        if (ovsdb_txn_uuid_in_use(x->txn, table, uuid)) {
            return ovsdb_syntax_error(uuid_json, "duplicate uuid",
                                      "This UUID would duplicate a UUID "
                                      "already present within the table or "
                                      "deleted within the same "
                                      "transaction.");
        }
    } else {
        uuid_generate(uuid);
    }
    if (uuid_name) {
        struct ovsdb_symbol *symbol;

        symbol = ovsdb_symbol_table_insert(&x->symtab,
                                           json_string_value(uuid_name));
        if (symbol->created) {
            return ovsdb_syntax_error(uuid_name, "duplicate uuid-name",
                                      "This \"uuid-name\" appeared on an "
                                      "earlier \"insert\" operation.");
        }
        symbol->created = true;
        if (uuid_json) {
            symbol->uuid = *uuid;
        } else {
            *uuid = symbol->uuid;
        }
    }
    return NULL;
}

struct ovsdb_error *
exec_check_defaults(const struct ovsdb_table_schema *ts,
                    const struct ovsdb_row *row,
                    const struct ovsdb_column **set, size_t n_set)
{
    for (unsigned int i = OVSDB_COL_VERSION + 1; i < ts->n_columns; i++) {
        const struct ovsdb_column *column = ts->columns[i];
        struct ovsdb_error *error;
        struct ovsdb_datum v;
        size_t j;

        for (j = 0; j < n_set && set[j] != column; j++) {
            continue;
        }
        if (j < n_set) {
            continue;
        }
        ovsdb_row_get(row, column, &v);
        error = ovsdb_datum_check_constraints(&v, &column->type);
        if (error) {
            return error;
        }
    }
    return NULL;
}

struct ovsdb_error *
exec_insert(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *uuid_name =
        ovsdb_parser_member(p, "uuid-name", OVSDB_P_ID | OVSDB_P_OPTIONAL);
    const json_t *uuid_json =
        ovsdb_parser_member(p, "uuid", OVSDB_P_STRING | OVSDB_P_OPTIONAL);
    const json_t *row_json =
        ovsdb_parser_member(p, "row", OVSDB_P_OBJECT | OVSDB_P_OPTIONAL);
    const struct ovsdb_column **set;
    struct ovsdb_error *error;
    struct ovsdb_row *row;
    struct uuid uuid;
    size_t n_set;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    error = choose_uuid(x, table, uuid_json, uuid_name, &uuid);
    if (error) {
        return error;
    }
    row = ovsdb_row_create(table->schema);
    set = xcalloc(table->schema->n_columns, sizeof *set);
    error =
        row_json ? exec_parse_row(x, table, row_json, row, set, &n_set) : NULL;
    if (!row_json) {
        n_set = 0;
    }
    if (!error) {
        error = exec_check_defaults(table->schema, row, set, n_set);
    }
    free(set);
    if (error) {
        ovsdb_row_destroy(row, table->schema);
        return error;
    }
    row->uuid = uuid;
    ovsdb_txn_insert(x->txn, table, row);
    json_object_set_new(result, "uuid",
                        ovsdb_atom_to_json((union ovsdb_atom *) (void *) &uuid,
                                           OVSDB_TYPE_UUID));
    return NULL;
}

/* Copies the columns in 'set' from 'src' into 'dst'. */
static void
copy_columns(struct ovsdb_row *dst, const struct ovsdb_row *src,
             const struct ovsdb_column **set, size_t n_set)
{
    for (size_t i = 0; i < n_set; i++) {
        struct ovsdb_datum view, copy;

        ovsdb_row_get(src, set[i], &view);
        ovsdb_datum_clone(&copy, &view, &set[i]->type);
        ovsdb_row_set(dst, set[i], &copy);
    }
}

struct ovsdb_error *
exec_update(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *where = ovsdb_parser_member(p, "where", OVSDB_P_ARRAY);
    const json_t *row_json = ovsdb_parser_member(p, "row", OVSDB_P_OBJECT);
    struct ovsdb_condition cond = { NULL, 0 };
    const struct ovsdb_column **set;
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    struct ovsdb_row *update;
    size_t n_set, n_rows = 0;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    update = ovsdb_row_create(table->schema);
    set = xcalloc(table->schema->n_columns, sizeof *set);
    error = exec_parse_row(x, table, row_json, update, set, &n_set);
    for (size_t i = 0; !error && i < n_set; i++) {
        if (!set[i]->mutable_) {
            error = ovsdb_syntax_error(p->json, "constraint violation",
                                       "Cannot update immutable column %s "
                                       "in table %s.",
                                       set[i]->name, table->schema->name);
        }
    }
    if (!error) {
        error =
            ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    }
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; i < n_rows; i++) {
            struct ovsdb_row *row;

            row = ovsdb_txn_modify_begin(x->txn, table, rows[i]);
            copy_columns(row, update, set, n_set);
            ovsdb_txn_modify_end(x->txn, table, row);
        }
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    free(set);
    ovsdb_row_destroy(update, table->schema);
    ovsdb_condition_destroy(&cond);
    return error;
}

struct ovsdb_error *
exec_mutate(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *where = ovsdb_parser_member(p, "where", OVSDB_P_ARRAY);
    const json_t *mutations =
        ovsdb_parser_member(p, "mutations", OVSDB_P_ARRAY);
    struct ovsdb_mutation_set set = { NULL, 0 };
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_rows = 0;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    error = ovsdb_mutation_set_from_json(&set, table->schema, mutations,
                                         &x->symtab);
    if (!error) {
        error =
            ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    }
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; !error && i < n_rows; i++) {
            struct ovsdb_row *row;

            row = ovsdb_txn_modify_begin(x->txn, table, rows[i]);
            error = ovsdb_mutation_set_execute(&set, row);
            ovsdb_txn_modify_end(x->txn, table, row);
        }
    }
    if (!error) {
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    ovsdb_mutation_set_destroy(&set);
    ovsdb_condition_destroy(&cond);
    return error;
}

struct ovsdb_error *
exec_delete(struct exec *x, struct ovsdb_parser *p, json_t *result)
{
    struct ovsdb_table *table = exec_parse_table(x, p);
    const json_t *where = ovsdb_parser_member(p, "where", OVSDB_P_ARRAY);
    struct ovsdb_condition cond = { NULL, 0 };
    struct ovsdb_row **rows = NULL;
    struct ovsdb_error *error;
    size_t n_rows;

    if (ovsdb_parser_has_error(p)) {
        return NULL;
    }
    error = ovsdb_condition_from_json(&cond, table->schema, where, &x->symtab);
    if (!error) {
        n_rows = ovsdb_condition_find_rows(&cond, table, &rows);
        for (size_t i = 0; i < n_rows; i++) {
            ovsdb_txn_delete(x->txn, table, rows[i]);
        }
        json_object_set_new(result, "count",
                            json_integer((json_int_t) n_rows));
    }
    free(rows);
    ovsdb_condition_destroy(&cond);
    return error;
}

bool
exec_insert_text(struct exec *x, const char *text, size_t len,
                 struct uuid *uuidp)
{
    struct ovsdb_insert_text ins;
    struct ovsdb_symbol *symbol;
    struct ovsdb_error *error;
    struct ovsdb_row *row;
    struct uuid uuid;

    if (!ovsdb_insert_text_parse(x->db, text, len, &ins)) {
        return false;
    }

    /* What choose_uuid() and exec_check_defaults() would refuse. */
    symbol = ins.uuid_name ? ovsdb_symbol_table_find(&x->symtab, ins.uuid_name)
                           : NULL;
    error =
        exec_check_defaults(ins.table->schema, ins.row, ins.set, ins.n_set);
    if (error || (symbol && symbol->created)
        || (ins.has_uuid
            && ovsdb_txn_uuid_in_use(x->txn, ins.table, &ins.uuid))) {
        ovsdb_error_destroy(error);
        ovsdb_insert_text_destroy(&ins);
        return false;
    }

    /* As choose_uuid(), then the named UUID in the row, if any. */
    if (ins.has_uuid) {
        uuid = ins.uuid;
    } else {
        uuid_generate(&uuid);
    }
    if (ins.uuid_name) {
        symbol = ovsdb_symbol_table_insert(&x->symtab, ins.uuid_name);
        symbol->created = true;
        if (ins.has_uuid) {
            symbol->uuid = uuid;
        } else {
            uuid = symbol->uuid;
        }
    }
    if (ins.ref_column) {
        symbol = ovsdb_symbol_table_insert(&x->symtab, ins.ref_name);
        ins.ref_datum.keys[0].uuid = symbol->uuid;
        ovsdb_row_set(ins.row, ins.ref_column, &ins.ref_datum);
    }

    row = ins.row;
    ins.row = NULL;
    row->uuid = uuid;
    ovsdb_txn_insert(x->txn, ins.table, row);
    *uuidp = uuid;
    ovsdb_insert_text_destroy(&ins);
    return true;
}
