/* SPDX-License-Identifier: Apache-2.0 */
/* The databases of the transaction fuzz targets (see fuzz-db.h). */
#include "tests/fuzz/fuzz-db.h"

#include <jansson.h>
#include <string.h>

#include "lib/util.h"
#include "lib/uuid.h"
#include "lib/vlog.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"

/* OVS's test schemas, compiled in from tests/fuzz/schemas/ (the build
 * turns each file into $(BUILD)/gen/fuzz-schemas/NAME.inc). */
#ifdef __CPPCHECK__
/* cppcheck does not see generated files. */
static const char ordinal_schema[] = "{}";
static const char constraint_schema[] = "{}";
static const char weak_schema[] = "{}";
static const char gc_schema[] = "{}";
static const char immutable_schema[] = "{}";
static const char idltest_schema[] = "{}";
#else
static const char ordinal_schema[] =
#include "fuzz-schemas/ordinal.inc"
    ;
static const char constraint_schema[] =
#include "fuzz-schemas/constraint.inc"
    ;
static const char weak_schema[] =
#include "fuzz-schemas/weak.inc"
    ;
static const char gc_schema[] =
#include "fuzz-schemas/gc.inc"
    ;
static const char immutable_schema[] =
#include "fuzz-schemas/immutable.inc"
    ;
static const char idltest_schema[] =
#include "fuzz-schemas/idltest.inc"
    ;
#endif

/* A switch with one port bound to a logical switch, a remote locator, and
 * a unicast and a multicast remote MAC. */
static const char vtep_setup[] =
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

/* A few rows in each of OVS's schemas, referring to each other where the
 * schema allows, so that updates, deletes and weak references have
 * something to work on. */
static const char ordinal_setup[] =
    "[\"ordinals\",{\"op\":\"insert\",\"table\":\"ordinals\","
    "\"row\":{\"number\":0,\"name\":\"zero\"}},{\"op\":\"insert\","
    "\"table\":\"ordinals\",\"row\":{\"number\":1,\"name\":\"one\"}},"
    "{\"op\":\"insert\",\"table\":\"ordinals\",\"row\":{\"number\":2,"
    "\"name\":\"two\"}}]";

static const char constraint_setup[] =
    "[\"constraints\",{\"op\":\"insert\",\"table\":\"a\",\"row\":{\"a\":0,"
    "\"a2b\":[\"named-uuid\",\"b0\"]},\"uuid-name\":\"a0\"},{\"op\":"
    "\"insert\","
    "\"table\":\"b\",\"row\":{\"b\":1,\"b2a\":[\"named-uuid\",\"a0\"],\"x\":["
    "\"set\","
    "[1,2]]},\"uuid-name\":\"b0\"},{\"op\":\"insert\",\"table\":"
    "\"constrained\","
    "\"row\":{\"positive\":1}}]";

static const char weak_setup[] =
    "[\"weak\",{\"op\":\"insert\",\"table\":\"a\",\"row\":{\"a\":0,\"a2a\":["
    "\"set\","
    "[[\"named-uuid\",\"a0\"],[\"named-uuid\",\"a1\"]]],"
    "\"a2a1\":[\"named-uuid\",\"a1\"],\"a2b\":[\"named-uuid\",\"b0\"]},"
    "\"uuid-name\":\"a0\"},{\"op\":\"insert\",\"table\":\"a\",\"row\":{\"a\":"
    "1,"
    "\"a2a1\":[\"named-uuid\",\"a0\"],\"a2b\":[\"named-uuid\",\"b0\"]},"
    "\"uuid-name\":\"a1\"},{\"op\":\"insert\",\"table\":\"b\",\"row\":{\"b\":"
    "2,"
    "\"b2a\":[\"named-uuid\",\"a0\"]},\"uuid-name\":\"b0\"}]";

static const char gc_setup[] =
    "[\"gc\",{\"op\":\"insert\",\"table\":\"root\",\"row\":{\"a\":[\"named-"
    "uuid\","
    "\"a0\"]}},{\"op\":\"insert\",\"table\":\"a\",\"row\":{\"a\":0,"
    "\"a2b\":[\"named-uuid\",\"b0\"],\"wa2a\":[\"named-uuid\",\"a0\"]},"
    "\"uuid-name\":\"a0\"},{\"op\":\"insert\",\"table\":\"b\",\"row\":{\"b\":"
    "1,"
    "\"wb2a\":[\"named-uuid\",\"a0\"]},\"uuid-name\":\"b0\"}]";

static const char immutable_setup[] =
    "[\"immutable\",{\"op\":\"insert\",\"table\":\"a\",\"row\":{\"i\":5}}]";

static const char idltest_setup[] =
    "[\"idltest\",{\"op\":\"insert\",\"table\":\"simple\",\"row\":{\"b\":true,"
    "\"i\":1,\"r\":1.5,\"s\":\"one\",\"u\":[\"uuid\","
    "\"84f5c8f5-ac76-4dbc-a24f-8860eb407fc1\"],\"ia\":[\"set\",[1,2,3]],"
    "\"sa\":[\"set\",[\"a\",\"b\"]]},\"uuid-name\":\"s\"},{\"op\":\"insert\","
    "\"table\":\"link1\",\"row\":{\"i\":0,\"k\":[\"named-uuid\",\"l1\"],"
    "\"l2\":[\"named-uuid\",\"l2\"]},\"uuid-name\":\"l1\"},{\"op\":\"insert\","
    "\"table\":\"link2\",\"row\":{\"i\":0,\"l1\":[\"named-uuid\",\"l1\"]},"
    "\"uuid-name\":\"l2\"},{\"op\":\"insert\",\"table\":\"indexed\","
    "\"row\":{\"i\":7}},{\"op\":\"insert\",\"table\":\"simple3\","
    "\"row\":{\"name\":\"s3\",\"uref\":[\"named-uuid\",\"s4\"]},"
    "\"uuid-name\":\"s3\"},{\"op\":\"insert\",\"table\":\"simple4\","
    "\"row\":{\"name\":\"s4\"},\"uuid-name\":\"s4\"},{\"op\":\"insert\","
    "\"table\":\"simple5\",\"row\":{\"name\":\"s5\",\"irefmap\":[\"map\",[[1,"
    "[\"named-uuid\",\"s3\"]]]]}},{\"op\":\"insert\",\"table\":\"simple6\","
    "\"row\":{\"name\":\"s6\",\"weak_ref\":[\"named-uuid\",\"s\"]}},"
    "{\"op\":\"insert\",\"table\":\"simple2\",\"row\":{\"name\":\"s2\","
    "\"smap\":[\"map\",[[\"k\",\"v\"]]],\"imap\":[\"map\",[[1,\"x\"]]]}},"
    "{\"op\":\"insert\",\"table\":\"singleton\",\"row\":{\"name\":\"only\"}}]";

struct fuzz_db_info {
    const char *schema; /* Schema text, or NULL for hardware_vtep. */
    const char *setup;  /* The setup transaction. */
};

static const struct fuzz_db_info dbs[FUZZ_N_DBS] = {
    [FUZZ_DB_VTEP] = { NULL, vtep_setup },
    [FUZZ_DB_ORDINAL] = { ordinal_schema, ordinal_setup },
    [FUZZ_DB_CONSTRAINT] = { constraint_schema, constraint_setup },
    [FUZZ_DB_WEAK] = { weak_schema, weak_setup },
    [FUZZ_DB_GC] = { gc_schema, gc_setup },
    [FUZZ_DB_IMMUTABLE] = { immutable_schema, immutable_setup },
    [FUZZ_DB_IDLTEST] = { idltest_schema, idltest_setup },
};

enum fuzz_db
fuzz_db_pick(uint8_t flags)
{
    return (enum fuzz_db)((flags >> FUZZ_DB_SHIFT) % FUZZ_N_DBS);
}

const char *
fuzz_db_schema_text(enum fuzz_db which)
{
    return dbs[which].schema ? dbs[which].schema : vtep_schema_text();
}

struct ovsdb_db *
fuzz_db_create(enum fuzz_db which)
{
    static json_t *schema_json[FUZZ_N_DBS];
    struct ovsdb_schema *schema;

    if (!schema_json[which]) {
        vlog_set_level(VLD_CONSOLE, VLL_OFF);
        schema_json[which] = json_loads(fuzz_db_schema_text(which), 0, NULL);
        ASSERT(schema_json[which]);
    }
    ASSERT(!ovsdb_schema_from_json(schema_json[which], &schema));
    return ovsdb_db_create(schema);
}

struct ovsdb_db *
fuzz_db_create_populated(enum fuzz_db which)
{
    static const struct ovsdb_exec_ctx ctx = { .may_block = false };
    struct ovsdb_db *db = fuzz_db_create(which);
    json_t *params = json_loads(dbs[which].setup, 0, NULL);
    long long timeout;
    json_t *result;

    ASSERT(params);
    uuid_set_seed(FUZZ_UUID_SEED);
    result = ovsdb_execute(db, params, &ctx, &timeout);
    ASSERT(result && json_array_size(result) == json_array_size(params) - 1);
    for (size_t i = 0; i < json_array_size(result); i++) {
        ASSERT(!json_object_get(json_array_get(result, i), "error"));
    }
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
