/* SPDX-License-Identifier: Apache-2.0 */
/* The small databases that fuzz-transact and fuzz-transact-text run
 * transactions on, and how their inputs begin.
 *
 * An input's byte 0 holds flags (FUZZ_FLAG_*) in its low two bits and, in
 * the next three, which database to use (fuzz_db_pick()); the rest is the
 * JSON text of a transaction's params, as a peer would send them.  The
 * databases are hardware_vtep and OVS's own test schemas
 * (tests/fuzz/schemas/: ovsdb-execution.at's ordinal, constraint, weak, gc
 * and immutable schemas, and idltest), which reach corners hardware_vtep
 * does not: scalar weak references, garbage collection, immutable
 * columns, maxRows, map value constraints.
 *
 * A database is rebuilt for every input from the same setup transaction,
 * with UUIDs from a fixed seed, so that inputs can name its rows (the
 * UUIDs are listed in fuzz-transact.dict).  For hardware_vtep they are, in
 * order, Global 8efbd5c3-0190-4768-911e-0c8fb5c90acd, Physical_Switch
 * 60a0f656-726a-4298-875d-b9be95d56f0a, Physical_Port
 * 8e348594-cb0f-4730-a1c8-9de7e4fe572b, Logical_Switch
 * dd4095a0-0157-4441-b648-8bbc567c0583, Physical_Locator
 * 53e2eeb6-b4f8-47cd-829f-1067872cca75, Physical_Locator_Set
 * 68b4bd88-c85b-4cac-9656-3884a52e7f6a, Ucast_Macs_Remote
 * c2256e6f-d862-422d-ad21-d6cca6b09852, Mcast_Macs_Remote
 * 12d0825e-9118-4926-8d7b-a49ee0c8b84e. */
#ifndef TESTS_FUZZ_FUZZ_DB_H
#define TESTS_FUZZ_FUZZ_DB_H 1

#include <stdint.h>

struct ovsdb_db;
struct ovsdb_exec_ctx;
struct ovsdb_schema;

#define FUZZ_FLAG_MAY_BLOCK 1 /* A "wait" may block. */
#define FUZZ_FLAG_OWN_LOCK 2  /* The session owns the lock "lock0". */
#define FUZZ_DB_SHIFT 2       /* Byte 0 >> FUZZ_DB_SHIFT picks the db. */
#define FUZZ_UUID_SEED 1      /* The UUID seed of the setup. */

/* The databases, by the number byte 0 gives (modulo FUZZ_N_DBS). */
enum fuzz_db {
    FUZZ_DB_VTEP,       /* hardware_vtep */
    FUZZ_DB_ORDINAL,    /* ordinals */
    FUZZ_DB_CONSTRAINT, /* constraints */
    FUZZ_DB_WEAK,       /* weak */
    FUZZ_DB_GC,         /* gc */
    FUZZ_DB_IMMUTABLE,  /* immutable */
    FUZZ_DB_IDLTEST,    /* idltest */
    FUZZ_N_DBS
};

/* The database an input whose first byte is 'flags' runs on. */
enum fuzz_db fuzz_db_pick(uint8_t flags);
/* The text of the schema of 'which' (static storage). */
const char *fuzz_db_schema_text(enum fuzz_db which);
/* An empty database of 'which'. */
struct ovsdb_db *fuzz_db_create(enum fuzz_db which);
/* The same holding the setup rows, made with UUID seed FUZZ_UUID_SEED. */
struct ovsdb_db *fuzz_db_create_populated(enum fuzz_db which);
/* Sets 'ctx' up for an input whose first byte is 'flags'. */
void fuzz_exec_ctx_init(struct ovsdb_exec_ctx *ctx, uint8_t flags);

#endif /* tests/fuzz/fuzz-db.h */
