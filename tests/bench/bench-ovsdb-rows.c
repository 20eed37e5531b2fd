/* SPDX-License-Identifier: Apache-2.0 */
/* Measures the resident memory one Ucast_Macs_Remote row costs in the
 * vtepd OVSDB engine: inserts N rows (default 100000) referring to one
 * Logical_Switch and one Physical_Locator, in transactions of 1000, and
 * prints the bytes per row in use: the heap (mallinfo2()) plus the slab
 * blocks rows and strings come from. */
#include <jansson.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/util.h"
#include "schema/vtep-schema.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/schema.h"
#include "lib/slab.h"

static json_t *
transact(struct ovsdb_db *db, json_t *params)
{
    struct ovsdb_exec_ctx ctx = { .may_block = false };
    long long timeout;
    json_t *reply = ovsdb_execute(db, params, &ctx, &timeout);

    json_decref(params);
    return reply;
}

/* Bytes of memory in use: the heap's, and whole slab blocks (their free
 * space included, as it is resident too). */
static size_t
memory_in_use(void)
{
    struct mallinfo2 mi = mallinfo2();
    struct slab_stats slab;

    slab_get_stats(&slab);
    return mi.uordblks + mi.hblkhd + slab.block_bytes;
}

int
main(int argc, char *argv[])
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    struct ovsdb_db *db;
    json_t *json, *reply;
    size_t before, after;

    set_program_name(argv[0]);
    json = json_loads(vtep_schema_text(), 0, NULL);
    error = ovsdb_schema_from_json(json, &schema);
    json_decref(json);
    ASSERT(!error);
    db = ovsdb_db_create(schema);

    reply = transact(db, json_loads("[\"hardware_vtep\","
                                    "{\"op\":\"insert\",\"table\":"
                                    "\"Logical_Switch\",\"row\":{\"name\":"
                                    "\"ls1\"},\"uuid-name\":\"ls\"},"
                                    "{\"op\":\"insert\",\"table\":"
                                    "\"Physical_Locator\",\"row\":{"
                                    "\"dst_ip\":\"10.0.0.1\","
                                    "\"encapsulation_type\":"
                                    "\"vxlan_over_ipv4\"},\"uuid-name\":"
                                    "\"loc\"},"
                                    "{\"op\":\"insert\",\"table\":"
                                    "\"Ucast_Macs_Remote\",\"row\":{"
                                    "\"MAC\":\"seed\",\"logical_switch\":"
                                    "[\"named-uuid\",\"ls\"],\"locator\":"
                                    "[\"named-uuid\",\"loc\"]}}]",
                                    0, NULL));
    json_decref(reply);
    json = transact(db, json_loads("[\"hardware_vtep\",{\"op\":\"select\","
                                   "\"table\":\"Ucast_Macs_Remote\","
                                   "\"where\":[],\"columns\":["
                                   "\"logical_switch\",\"locator\"]}]",
                                   0, NULL));
    json_t *ref = json_object_get(
        json_array_get(json_object_get(json_array_get(json, 0), "rows"), 0),
        "logical_switch");
    json_t *loc = json_object_get(
        json_array_get(json_object_get(json_array_get(json, 0), "rows"), 0),
        "locator");
    ASSERT(ref && loc);

    before = memory_in_use();
    for (long i = 0; i < n; i += 1000) {
        json_t *params = json_pack("[s]", "hardware_vtep");

        for (long j = i; j < i + 1000 && j < n; j++) {
            char mac[32];

            snprintf(mac, sizeof mac, "02:00:%02lx:%02lx:%02lx:%02lx",
                     (j >> 24) & 0xff, (j >> 16) & 0xff, (j >> 8) & 0xff,
                     j & 0xff);
            json_array_append_new(
                params, json_pack("{ss ss s{ss sO sO ss}}", "op", "insert",
                                  "table", "Ucast_Macs_Remote", "row", "MAC",
                                  mac, "logical_switch", ref, "locator", loc,
                                  "ipaddr", ""));
        }
        reply = transact(db, params);
        ASSERT(!json_object_get(json_array_get(reply, 0), "error"));
        json_decref(reply);
    }
    after = memory_in_use();
    json_decref(json);

    printf("rows: %ld\n", n);
    printf("heap and slab bytes per Ucast_Macs_Remote row: %.1f\n",
           (double) (after - before) / (double) n);
    ovsdb_db_destroy(db);
    return 0;
}
