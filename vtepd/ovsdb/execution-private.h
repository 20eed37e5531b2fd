/* SPDX-License-Identifier: Apache-2.0 */
/* Internals shared by execution.c (the transaction: parsing operations,
 * running them, results, the commit), execution-write.c (insert, update,
 * mutate, delete) and execution-query.c (select, wait).
 *
 * An operation reads its members through the parser 'p' and returns its
 * own errors; errors it raised on the parser (a missing or mistyped
 * member, an unknown table) come out of ovsdb_parser_finish() after it
 * returns, so an operation that finds the parser in error returns NULL
 * at once. */
#ifndef VTEPD_OVSDB_EXECUTION_PRIVATE_H
#define VTEPD_OVSDB_EXECUTION_PRIVATE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "vtepd/ovsdb/datum.h"

struct ovsdb_column;
struct ovsdb_db;
struct ovsdb_error;
struct ovsdb_exec_ctx;
struct ovsdb_parser;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_table_schema;
struct ovsdb_txn;
struct uuid;

/* The state of one execution. */
struct exec {
    struct ovsdb_db *db;
    struct ovsdb_txn *txn;
    struct ovsdb_symbol_table symtab;
    const struct ovsdb_exec_ctx *ctx;
    bool durable;
    bool blocked;           /* A wait must block. */
    long long timeout_msec; /* How long it may block. */
};

/* Runs one operation, adding its result members to 'result'. */
typedef struct ovsdb_error *
operation_fn(struct exec *x, struct ovsdb_parser *p, json_t *result);

/* execution.c: operands common to several operations. */

/* Returns the table the "table" member names, or NULL, having raised the
 * error on 'p'. */
struct ovsdb_table *exec_parse_table(struct exec *, struct ovsdb_parser *p);

/* Parses row object 'json' (borrowed) into 'row', listing in 'set' (sized
 * for every column of the table) the '*n_set' columns it names. */
struct ovsdb_error *exec_parse_row(struct exec *,
                                   const struct ovsdb_table *table,
                                   const json_t *json, struct ovsdb_row *row,
                                   const struct ovsdb_column **set,
                                   size_t *n_set);

/* Parses a "columns" (or "sort") array 'json' (borrowed), in
 * ovsdb-server's words; with 'json' NULL, every column.  Stores a new
 * array in '*columnsp' (the caller frees it, also on error). */
struct ovsdb_error *exec_parse_columns(const struct ovsdb_table_schema *ts,
                                       const json_t *json,
                                       const struct ovsdb_column ***columnsp,
                                       size_t *n);

/* execution-write.c. */
operation_fn exec_insert, exec_update, exec_mutate, exec_delete;

/* Checks the constraints of the columns of 'row' that an insert left at
 * their defaults (those not among the 'n_set' of 'set'). */
struct ovsdb_error *exec_check_defaults(const struct ovsdb_table_schema *ts,
                                        const struct ovsdb_row *row,
                                        const struct ovsdb_column **set,
                                        size_t n_set);

/* Runs the operation whose 'len' bytes of JSON text are at 'text' if it is
 * an "insert" that insert-text.c parses, storing the new row's _uuid in
 * '*uuid'.  Returns false, having changed nothing, to leave it to the
 * general path: the fast path runs only where the general path would
 * succeed, and consumes UUIDs from the generator in the same order. */
bool exec_insert_text(struct exec *, const char *text, size_t len,
                      struct uuid *uuid);

/* execution-query.c. */
operation_fn exec_select, exec_wait;

#endif /* vtepd/ovsdb/execution-private.h */
