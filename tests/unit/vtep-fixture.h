/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for the reconciler's unit tests: an in-memory hardware_vtep
 * database, a HAL (the recording mock or a real backend), a reconciler, and
 * terse ways to transact, run and query. */
#ifndef TESTS_UNIT_VTEP_FIXTURE_H
#define TESTS_UNIT_VTEP_FIXTURE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "tests/unit/vtep-mock-hal.h"

struct hal;
struct ovsdb_db;
struct vtep;

struct vfx {
    struct ovsdb_db *db;
    struct hal *hal;
    struct mock_hal *mock; /* NULL with another backend. */
    struct vtep *vtep;
    int64_t now;
    size_t batch;
};

/* Creates the database and the mock HAL, then the reconciler. */
void vfx_setup(struct vfx *, bool warm);
/* Creates the database and the reconciler on 'hal' (which the fixture
 * then owns). */
void vfx_setup_hal(struct vfx *, struct hal *hal);
/* Creates the reconciler on the fixture's database and HAL. */
void vfx_start(struct vfx *);
/* Destroys the reconciler only. */
void vfx_stop(struct vfx *);
/* Destroys everything. */
void vfx_teardown(struct vfx *);

/* A cmocka setup: stores in '*state' a new fixture on the mock HAL, run
 * once, with the mock's log emptied. */
int vfx_cmocka_setup(void **state);
/* A cmocka teardown: destroys and frees the fixture in '*state'. */
int vfx_cmocka_teardown(void **state);

/* Registers the asic backend as the only HAL provider and returns a new
 * "lab" switch of it, with 'state_file' (NULL for none) for warm starts;
 * for vfx_setup_hal(). */
struct hal *vfx_open_asic(const char *state_file);

/* Executes the operations in 'ops_json' (a JSON array text, '%'-style
 * formatted) and asserts that they succeed. */
void vfx_transact(struct vfx *, const char *ops_json, ...)
    __attribute__((format(printf, 2, 3)));
/* As vfx_transact(), but returns the result array (new reference) without
 * checking it. */
json_t *vfx_transact_result(struct vfx *, const char *ops_json);

/* Runs the reconciler until it has nothing left to do right now; returns
 * the number of vtep_run() calls. */
int vfx_run(struct vfx *);
/* One vtep_run() call. */
void vfx_run_once(struct vfx *);

/* Asserts that the mock's log since the last take equals 'expected'. */
void vfx_assert_log(struct vfx *, const char *expected);
/* Returns the mock's log since the last take (caller frees). */
char *vfx_log(struct vfx *);

/* Returns the values of 'column' in every row of 'table' matching
 * 'where_json' (a JSON array text, e.g. "[]"), as sorted compact JSON
 * joined by " " (caller frees). */
char *vfx_query(struct vfx *, const char *table, const char *column,
                const char *where_json);
/* Asserts that vfx_query() returns 'expected'. */
void vfx_assert_query(struct vfx *, const char *table, const char *column,
                      const char *where_json, const char *expected);
/* Returns the number of rows of 'table'. */
size_t vfx_count(struct vfx *, const char *table);

/* Returns the ["uuid", ...] JSON of the Logical_Switch 'name', which must
 * exist (caller frees). */
char *vfx_ls_uuid(struct vfx *, const char *name);

/* Inserts the Logical_Switch 'name' with tunnel_key 'key'. */
void vfx_add_ls(struct vfx *, const char *name, int key);

/* Returns how a transaction refers to the Physical_Locator for 'ip'
 * (caller frees): its ["uuid", ...] if it exists, else ["named-uuid",
 * 'name'] after appending the operation that inserts it, and a comma, to
 * '*ops' (which it reallocates). */
char *vfx_locator(struct vfx *, const char *ip, const char *name, char **ops);

/* Deletes the Ucast_Macs_Remote rows of 'mac'. */
void vfx_del_umr(struct vfx *, const char *mac);

#endif /* tests/unit/vtep-fixture.h */
