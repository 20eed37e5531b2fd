/* Differential fuzzing of "transact" executed from text (the server's fast
 * path: params kept as text, inserts parsed straight into rows) against
 * the general path (params decoded into a tree).
 *
 * The input is fuzz-transact's: byte 0 holds flags (bit 0: a "wait" may
 * block; bit 1: the session owns the lock "lock0"), the rest is the JSON
 * text of the params.  If the text is JSON the fast path takes, both paths
 * run on identical databases with the same UUID seed, and must give the
 * same result text, the same database, and leave the UUID generator in
 * the same state. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/json-text.h"
#include "lib/log.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "tests/fuzz/fuzz.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/file.h"
#include "vtepd/ovsdb/schema.h"

#define FLAG_MAY_BLOCK 1
#define FLAG_OWN_LOCK 2
#define UUID_SEED 1

/* A switch, a port bound to a logical switch, a locator and a remote MAC:
 * rows that inserts can refer to.  With seed 1, Logical_Switch is
 * dd4095a0-0157-4441-b648-8bbc567c0583 and Physical_Locator
 * 53e2eeb6-b4f8-47cd-829f-1067872cca75 (as in fuzz-transact). */
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
    "\"locator\":[\"named-uuid\",\"loc\"]}}]";

static bool
lock_owned(const char *name, void *aux)
{
    return !strcmp(name, "lock0");
}

static struct ovsdb_db *
create_db(void)
{
    static const struct ovsdb_exec_ctx ctx = { .may_block = false };
    static json_t *schema_json;
    struct ovsdb_schema *schema;
    struct ovsdb_db *db;
    json_t *params, *result;
    long long timeout;

    if (!schema_json) {
        vlog_set_level(VLD_CONSOLE, VLL_OFF);
        schema_json = json_loads(ovsdb_builtin_vtep_schema(), 0, NULL);
        VTEP_ASSERT(schema_json);
    }
    VTEP_ASSERT(!ovsdb_schema_from_json(schema_json, &schema));
    db = ovsdb_db_create(schema);
    params = json_loads(setup_txn, 0, NULL);
    uuid_set_seed(UUID_SEED);
    result = ovsdb_execute(db, params, &ctx, &timeout);
    VTEP_ASSERT(result && json_array_size(result) == 7);
    json_decref(result);
    json_decref(params);
    return db;
}

/* Runs the transaction on a fresh database, from text if 'text' is
 * nonnull, else from the tree 'params'.  Returns the database; '*out'
 * receives the result text ("blocked" if the transaction blocked),
 * '*timeout' its timeout and '*next' the UUID the generator gives next. */
static struct ovsdb_db *
run(const struct json_text_array *text, const json_t *params,
    const struct ovsdb_exec_ctx *ctx, struct ds *out, long long *timeout,
    struct uuid *next)
{
    struct ovsdb_db *db = create_db();

    uuid_set_seed(UUID_SEED + 1);
    if (text) {
        if (!ovsdb_execute_text(db, NULL, text, ctx, timeout, out)) {
            ds_put_cstr(out, "blocked");
        }
    } else {
        json_t *result = ovsdb_execute(db, params, ctx, timeout);

        if (result) {
            json_text_encode(result, out);
        } else {
            ds_put_cstr(out, "blocked");
        }
        json_decref(result);
    }
    uuid_generate(next);
    return db;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ovsdb_exec_ctx ctx = { .lock_owned = NULL };
    struct json_text_array *text;
    struct ds out_text, out_tree;
    long long timeout_text, timeout_tree;
    struct uuid next_text, next_tree;
    struct ovsdb_db *db_text, *db_tree;
    json_t *params, *snap_text, *snap_tree;

    if (!size) {
        return 0;
    }
    ctx.may_block = data[0] & FLAG_MAY_BLOCK;
    if (data[0] & FLAG_OWN_LOCK) {
        ctx.lock_owned = lock_owned;
    }

    /* The params as the server's parser would keep them. */
    text = json_text_array_parse((const char *) data + 1, size - 1);
    if (!text) {
        return 0;
    }
    params = json_text_array_to_json(text);

    ds_init(&out_text);
    ds_init(&out_tree);
    db_text = run(text, NULL, &ctx, &out_text, &timeout_text, &next_text);
    db_tree = run(NULL, params, &ctx, &out_tree, &timeout_tree, &next_tree);
    if (strcmp(ds_cstr(&out_text), ds_cstr(&out_tree))) {
        vtep_abort("results differ:\ntext: %s\ntree: %s", ds_cstr(&out_text),
                   ds_cstr(&out_tree));
    }
    VTEP_ASSERT(timeout_text == timeout_tree);
    VTEP_ASSERT(uuid_equals(&next_text, &next_tree));
    snap_text = ovsdb_file_snapshot_to_json(db_text, NULL, 0);
    snap_tree = ovsdb_file_snapshot_to_json(db_tree, NULL, 0);
    VTEP_ASSERT(json_equal(snap_text, snap_tree));

    json_decref(snap_text);
    json_decref(snap_tree);
    ovsdb_db_destroy(db_text);
    ovsdb_db_destroy(db_tree);
    ds_destroy(&out_text);
    ds_destroy(&out_tree);
    json_decref(params);
    json_text_array_unref(text);
    return 0;
}
