/* SPDX-License-Identifier: Apache-2.0 */
/* Executes the "transact" method of RFC 7047 (section 4.1.3) on a
 * database: the entry point the JSON-RPC server layer calls. */
#ifndef VTEPD_OVSDB_EXECUTION_H
#define VTEPD_OVSDB_EXECUTION_H 1

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>

struct ds;
struct json_text_array;
struct ovsdb_db;

/* What the server layer knows about the session a transaction came from. */
struct ovsdb_exec_ctx {
    /* Returns true if the session owns the lock named 'name' ("assert").
     * NULL means the session owns no locks. */
    bool (*lock_owned)(const char *name, void *aux);
    void *aux;

    /* Milliseconds since the transaction first arrived: 0 on the first
     * attempt, more when the server retries a blocked transaction.  A
     * "wait" whose "timeout" has passed fails with "timed out". */
    long long elapsed_msec;

    /* If false, a "wait" that would block fails with "not supported", as
     * in "ovsdb-tool transact", instead of blocking. */
    bool may_block;
};

#define OVSDB_WAIT_FOREVER LLONG_MAX

/* Executes the transaction 'params' (borrowed: the "params" of a transact
 * request, [db-name, operation...]) on 'db'.
 *
 * Returns the "result" array (new reference): one element per operation,
 * the failing one holding an error object and later ones null; plus one
 * extra error element if the commit itself failed.  A malformed 'params'
 * yields a single error object instead of an array.  Nothing changes
 * unless every operation succeeds and the commit passes its checks.
 *
 * Returns NULL if a "wait" must block: nothing was changed, and
 * '*timeout_msec' says how many more milliseconds the server should keep
 * retrying (after any commit, or OVSDB_WAIT_FOREVER) before calling again
 * with a larger 'elapsed_msec'. */
json_t *ovsdb_execute(struct ovsdb_db *db, const json_t *params,
                      const struct ovsdb_exec_ctx *ctx,
                      long long *timeout_msec);

/* Like ovsdb_execute(), for the server: the transaction is 'params_text'
 * if it is nonnull (the params array as text), else 'params'.  Appends the
 * result to 'out' as the compact JSON text json_text_encode() would write
 * for ovsdb_execute()'s result, and returns true; or, if a "wait" must
 * block, appends nothing and returns false. */
bool ovsdb_execute_text(struct ovsdb_db *db, const json_t *params,
                        const struct json_text_array *params_text,
                        const struct ovsdb_exec_ctx *ctx,
                        long long *timeout_msec, struct ds *out);

#endif /* vtepd/ovsdb/execution.h */
