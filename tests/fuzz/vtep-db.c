/* SPDX-License-Identifier: Apache-2.0 */
/* The database of the transaction fuzz targets (see vtep-db.h). */
#include "tests/fuzz/vtep-db.h"

#include <jansson.h>
#include <string.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"

/* A switch with one port bound to a logical switch, a remote locator, and
 * a unicast and a multicast remote MAC. */
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

struct ovsdb_db *
fuzz_vtep_db_create(void)
{
    static json_t *schema_json;
    struct ovsdb_schema *schema;

    if (!schema_json) {
        vlog_set_level(VLD_CONSOLE, VLL_OFF);
        schema_json = json_loads(vtep_schema_text(), 0, NULL);
        ASSERT(schema_json);
    }
    ASSERT(!ovsdb_schema_from_json(schema_json, &schema));
    return ovsdb_db_create(schema);
}

struct ovsdb_db *
fuzz_vtep_db_create_populated(void)
{
    static const struct ovsdb_exec_ctx ctx = { .may_block = false };
    struct ovsdb_db *db = fuzz_vtep_db_create();
    json_t *params = json_loads(setup_txn, 0, NULL);
    long long timeout;
    json_t *result;

    ASSERT(params);
    uuid_set_seed(FUZZ_UUID_SEED);
    result = ovsdb_execute(db, params, &ctx, &timeout);
    ASSERT(result && json_array_size(result) == 8
           && !json_object_get(json_array_get(result, 7), "error"));
    json_decref(result);
    json_decref(params);
    return db;
}

static bool
lock_owned(const char *name, void *aux)
{
    return !strcmp(name, "lock0");
}

void
fuzz_exec_ctx_init(struct ovsdb_exec_ctx *ctx, uint8_t flags)
{
    memset(ctx, 0, sizeof *ctx);
    ctx->may_block = flags & FUZZ_FLAG_MAY_BLOCK;
    if (flags & FUZZ_FLAG_OWN_LOCK) {
        ctx->lock_owned = lock_owned;
    }
}
