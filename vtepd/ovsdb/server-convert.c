/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB server's "convert" method: online schema conversion, as
 * ovsdb-server does it.
 *
 * The request is [<db-name>, <new-schema>].  The data is carried over to
 * the new schema (see convert.h) and, with a store, the database file is
 * rewritten as the new schema plus one snapshot before anything changes in
 * memory; then waiting transactions are canceled, every monitor of the
 * database is canceled ("monitor_canceled" to the sessions that called
 * set_db_change_aware), the monitor_cond_since history is forgotten, the
 * converted data replaces the old, _Server.Database shows the new schema,
 * the request is answered with {}, and every session that is not
 * db-change-aware is disconnected, so that its client reconnects and
 * reads the new schema. */
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/convert.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server-private.h"
#include "vtepd/ovsdb/server.h"
#include "vtepd/ovsdb/store.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_server_convert);

/* Parses the new schema of 'request' for 'sdb' and converts the data to it:
 * stores the converted database in '*convertedp' or returns an error. */
static struct ovsdb_error *
convert_request(const struct server_db *sdb, const struct jsonrpc_msg *request,
                struct ovsdb_db **convertedp)
{
    const json_t *params = request->params;
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;

    *convertedp = NULL;
    if (json_array_size(params) != 2) {
        return ovsdb_syntax_error(params, NULL, "array expected");
    }
    error = ovsdb_schema_from_json(json_array_get(params, 1), &schema);
    if (error) {
        return error;
    }
    if (strcmp(schema->name, sdb->name)) {
        error = ovsdb_error("invalid parameters",
                            "new schema name (%s) does not match database "
                            "name (%s)",
                            schema->name, sdb->name);
        ovsdb_schema_destroy(schema);
        return error;
    }
    if (!sdb->server->convert_enabled
        || sdb != &sdb->server->dbs[SERVER_DATA_DB]) {
        ovsdb_schema_destroy(schema);
        return ovsdb_error("permission error",
                           "database %s cannot be converted online here%s",
                           sdb->name,
                           sdb == &sdb->server->dbs[SERVER_DATA_DB]
                               ? " (vtepd's reconciler uses it; vtepd "
                                 "converts its database file to its "
                                 "built-in schema when it starts)"
                               : "");
    }
    return ovsdb_convert(sdb->db, schema, convertedp);
}

static void
disconnect_unaware(struct jsonrpc_session *s, void *reason)
{
    const struct server_session *ss = jsonrpc_session_get_data(s);

    if (!ss || !ss->db_change_aware) {
        jsonrpc_session_disconnect(s, reason);
    }
}

static void
handle_convert(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
               void *server_)
{
    struct ovsdb_server *server = server_;
    struct server_session *ss = ovsdb_server_session_get(server, s);
    const char *old_version, *comment = "converted by vtepd";
    struct ovsdb_db *converted;
    struct ovsdb_error *error;
    struct server_db *sdb;
    char *reason;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    sdb = ovsdb_server_lookup_db(ss, request);
    if (!sdb) {
        return;
    }
    error = convert_request(sdb, request, &converted);
    if (!error && server->store
        && ovsdb_store_replace_schema(server->store,
                                      json_array_get(request->params, 1),
                                      converted, comment)) {
        error = ovsdb_error("I/O error", "cannot write the converted "
                                         "database");
        ovsdb_db_destroy(converted);
    }
    if (error) {
        ovsdb_server_reply_error(s, request, error);
        return;
    }
    old_version = sdb->db->schema->version;
    VLOG_INFO("%s: schema converted from version %s to %s (requested by %s)",
              sdb->name, old_version, converted->schema->version,
              jsonrpc_session_name(s));
    ovsdb_server_cancel_triggers(sdb);
    ovsdb_server_monitor_db_replaced(sdb);
    ovsdb_convert_replace(sdb->db, converted);
    sdb->name = sdb->db->schema->name;
    ovsdb_server_describe_db(sdb);
    jsonrpc_session_reply(s, request, json_object());

    reason = xasprintf("committed %s database schema conversion", sdb->name);
    jsonrpc_server_for_each_session(server->rpc, disconnect_unaware, reason);
    free(reason);
}

void
ovsdb_server_convert_register(struct ovsdb_server *server)
{
    jsonrpc_server_register(server->rpc, "convert", handle_convert, server);
}

void
ovsdb_server_enable_convert(struct ovsdb_server *server)
{
    server->convert_enabled = true;
}
