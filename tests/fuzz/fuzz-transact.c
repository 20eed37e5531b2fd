/* Fuzzing of "transact" on a small hardware_vtep database.
 *
 * Byte 0 holds flags (bit 0: a "wait" may block; bit 1: the session owns
 * the lock "lock0"); the rest is the JSON text of the transaction's params,
 * as a peer would send them.  The database is rebuilt for every input
 * from the same setup transaction, with UUIDs from a fixed seed, so that
 * inputs can name its rows (see setup_uuids below).
 *
 * After the transaction, the database must still be consistent: running
 * the same transaction again must not crash, and a snapshot of the
 * database must load into an empty one and give the same snapshot back. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"

#define FLAG_MAY_BLOCK 1
#define FLAG_OWN_LOCK 2

/* A switch with one port bound to a logical switch, a remote locator, and
 * a unicast and a multicast remote MAC.  With seed 1 the rows get, in
 * order: Global 8efbd5c3-0190-4768-911e-0c8fb5c90acd, Physical_Switch
 * 60a0f656-726a-4298-875d-b9be95d56f0a, Physical_Port
 * 8e348594-cb0f-4730-a1c8-9de7e4fe572b, Logical_Switch
 * dd4095a0-0157-4441-b648-8bbc567c0583, Physical_Locator
 * 53e2eeb6-b4f8-47cd-829f-1067872cca75, Physical_Locator_Set
 * 68b4bd88-c85b-4cac-9656-3884a52e7f6a, Ucast_Macs_Remote
 * c2256e6f-d862-422d-ad21-d6cca6b09852, Mcast_Macs_Remote
 * 12d0825e-9118-4926-8d7b-a49ee0c8b84e. */
#define UUID_SEED 1
static const char setup_txn[] =
    "[\"hardware_vtep\","
    "{\"op\":\"insert\",\"table\":\"Global\","
    "\"row\":{\"switches\":[\"named-uuid\",\"ps\"]}},"
    "{\"op\":\"insert\",\"table\":\"Physical_Switch\","
    "\"row\":{\"name\":\"ps0\",\"ports\":[\"named-uuid\",\"p0\"],"
    "\"tunnel_ips\":\"10.0.0.1\"},\"uuid-name\":\"ps\"},"
    "{\"op\":\"insert\",\"table\":\"Physical_Port\","
    "\"row\":{\"name\":\"p0\","
    "\"vlan_bindings\":[\"map\",[[100,[\"named-uuid\",\"ls\"]]]]},"
    "\"uuid-name\":\"p0\"},"
    "{\"op\":\"insert\",\"table\":\"Logical_Switch\","
    "\"row\":{\"name\":\"ls0\",\"tunnel_key\":5000},\"uuid-name\":\"ls\"},"
    "{\"op\":\"insert\",\"table\":\"Physical_Locator\","
    "\"row\":{\"dst_ip\":\"10.0.0.2\","
    "\"encapsulation_type\":\"vxlan_over_ipv4\"},\"uuid-name\":\"loc\"},"
    "{\"op\":\"insert\",\"table\":\"Physical_Locator_Set\","
    "\"row\":{\"locators\":[\"named-uuid\",\"loc\"]},\"uuid-name\":\"set\"},"
    "{\"op\":\"insert\",\"table\":\"Ucast_Macs_Remote\","
    "\"row\":{\"MAC\":\"00:11:22:33:44:55\","
    "\"logical_switch\":[\"named-uuid\",\"ls\"],"
    "\"locator\":[\"named-uuid\",\"loc\"]}},"
    "{\"op\":\"insert\",\"table\":\"Mcast_Macs_Remote\","
    "\"row\":{\"MAC\":\"unknown-dst\","
    "\"logical_switch\":[\"named-uuid\",\"ls\"],"
    "\"locator_set\":[\"named-uuid\",\"set\"]}}]";

static bool
lock_owned(const char *name, void *aux)
{
    return !strcmp(name, "lock0");
}

static struct ovsdb_db *
create_db(void)
{
    static json_t *schema_json;
    struct ovsdb_schema *schema;

    if (!schema_json) {
        vlog_set_level(VLD_CONSOLE, VLL_OFF);
        schema_json = json_loads(ovsdb_builtin_vtep_schema(), 0, NULL);
        VTEP_ASSERT(schema_json);
    }
    VTEP_ASSERT(!ovsdb_schema_from_json(schema_json, &schema));
    return ovsdb_db_create(schema);
}

static struct ovsdb_db *
create_populated_db(void)
{
    static const struct ovsdb_exec_ctx ctx = { .may_block = false };
    struct ovsdb_db *db = create_db();
    json_t *params = json_loads(setup_txn, 0, NULL);
    long long timeout;
    json_t *result;

    VTEP_ASSERT(params);
    uuid_set_seed(UUID_SEED);
    result = ovsdb_execute(db, params, &ctx, &timeout);
    VTEP_ASSERT(result && json_array_size(result) == 8
                && !json_object_get(json_array_get(result, 7), "error"));
    json_decref(result);
    json_decref(params);
    return db;
}

/* A snapshot of 'db' must load into an empty database and give the same
 * snapshot back. */
static void
check_snapshot(const struct ovsdb_db *db)
{
    json_t *snapshot = ovsdb_file_snapshot_to_json(db, NULL, 0);
    struct ovsdb_db *copy = create_db();
    struct ovsdb_error *error;
    json_t *again;

    error = ovsdb_file_apply_record(copy, snapshot);
    if (error) {
        json_t *json = ovsdb_error_to_json(error);
        char *s = ovsdb_json_to_string(json);

        vtep_abort("snapshot does not load: %s", s);
    }
    again = ovsdb_file_snapshot_to_json(copy, NULL, 0);
    VTEP_ASSERT(json_equal(snapshot, again));
    json_decref(again);
    json_decref(snapshot);
    ovsdb_db_destroy(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_exec_ctx ctx = { .lock_owned = NULL };
    struct ovsdb_db *db;
    json_t *params;

    if (!size) {
        return 0;
    }
    params = json_loadb((const char *) data + 1, size - 1, 0, NULL);
    if (!params) {
        return 0;
    }
    ctx.may_block = data[0] & FLAG_MAY_BLOCK;
    if (data[0] & FLAG_OWN_LOCK) {
        ctx.lock_owned = lock_owned;
    }

    db = create_populated_db();
    for (int i = 0; i < 2; i++) {
        long long timeout = 0;
        json_t *result = ovsdb_execute(db, params, &ctx, &timeout);

        VTEP_ASSERT(result || ctx.may_block);
        VTEP_ASSERT(!result || json_is_array(result)
                    || json_is_object(result));
        json_decref(result);
    }
    check_snapshot(db);
    ovsdb_db_destroy(db);
    json_decref(params);
    return 0;
}
