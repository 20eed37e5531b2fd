/* SPDX-License-Identifier: Apache-2.0 */
/* The small hardware_vtep database that fuzz-transact and
 * fuzz-transact-text run transactions on, and how their inputs begin.
 *
 * An input's byte 0 holds flags (FUZZ_FLAG_*); the rest is the JSON text
 * of a transaction's params, as a peer would send them.  The database is
 * rebuilt for every input from the same setup transaction, with UUIDs from
 * a fixed seed, so that inputs can name its rows: in order, Global
 * 8efbd5c3-0190-4768-911e-0c8fb5c90acd, Physical_Switch
 * 60a0f656-726a-4298-875d-b9be95d56f0a, Physical_Port
 * 8e348594-cb0f-4730-a1c8-9de7e4fe572b, Logical_Switch
 * dd4095a0-0157-4441-b648-8bbc567c0583, Physical_Locator
 * 53e2eeb6-b4f8-47cd-829f-1067872cca75, Physical_Locator_Set
 * 68b4bd88-c85b-4cac-9656-3884a52e7f6a, Ucast_Macs_Remote
 * c2256e6f-d862-422d-ad21-d6cca6b09852, Mcast_Macs_Remote
 * 12d0825e-9118-4926-8d7b-a49ee0c8b84e. */
#ifndef TESTS_FUZZ_VTEP_DB_H
#define TESTS_FUZZ_VTEP_DB_H 1

#include <stdint.h>

struct ovsdb_db;
struct ovsdb_exec_ctx;

#define FUZZ_FLAG_MAY_BLOCK 1 /* A "wait" may block. */
#define FUZZ_FLAG_OWN_LOCK 2  /* The session owns the lock "lock0". */
#define FUZZ_UUID_SEED 1      /* The UUID seed of the setup. */

/* An empty hardware_vtep database. */
struct ovsdb_db *fuzz_vtep_db_create(void);
/* The same holding the rows above, made with UUID seed FUZZ_UUID_SEED. */
struct ovsdb_db *fuzz_vtep_db_create_populated(void);
/* Sets 'ctx' up for an input whose first byte is 'flags'. */
void fuzz_exec_ctx_init(struct ovsdb_exec_ctx *ctx, uint8_t flags);

#endif /* tests/fuzz/vtep-db.h */
