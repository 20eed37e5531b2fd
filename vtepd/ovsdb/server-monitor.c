/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB server's monitor methods and the fan-out of commits to them.
 *
 * Monitors with equal requests share one 'struct monitor_spec_ref', so a
 * commit is composed once per distinct request; the notification is then
 * encoded once, and every session that wants it gets the same bytes (with
 * its monitor's id spliced in, where that is not null). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/json-text.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/history.h"
#include "vtepd/ovsdb/monitor.h"
#include "vtepd/ovsdb/server-private.h"
#include "vtepd/ovsdb/server.h"
#include "vtepd/ovsdb/transaction.h"

/* A distinct monitor request and the monitors that made it. */
struct monitor_spec_ref {
    struct hmap_node node; /* In the server_db's 'specs'. */
    struct server_db *sdb;
    struct ovsdb_monitor_spec *spec;
    struct list monitors; /* Of 'struct monitor'. */
};

/* One monitor of one session. */
struct monitor {
    struct hmap_node node; /* In the session's 'monitors', by id hash. */
    struct list ref_node;  /* In the spec ref's 'monitors'. */
    struct server_session *session;
    struct monitor_spec_ref *ref;
    json_t *id;
};

static const char *const update_methods[] = { "update", "update2", "update3" };

static uint32_t
hash_json(const json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_ENCODE_ANY);
    uint32_t hash = hash_string(text ? text : "", 0);

    free(text);
    return hash;
}

static struct monitor *
find_monitor(const struct server_session *ss, const json_t *id)
{
    struct monitor *m;

    HMAP_FOR_EACH_WITH_HASH(m, node, hash_json(id), &ss->monitors) {
        if (json_equal(m->id, id)) {
            return m;
        }
    }
    return NULL;
}

/* Returns the shared reference for 'spec' (taken). */
static struct monitor_spec_ref *
spec_ref_get(struct server_db *sdb, struct ovsdb_monitor_spec *spec)
{
    const char *key = ovsdb_monitor_spec_key(spec);
    uint32_t hash = hash_string(key, 0);
    struct monitor_spec_ref *ref;

    HMAP_FOR_EACH_WITH_HASH(ref, node, hash, &sdb->specs) {
        if (!strcmp(ovsdb_monitor_spec_key(ref->spec), key)) {
            ovsdb_monitor_spec_destroy(spec);
            return ref;
        }
    }
    ref = xzalloc(sizeof *ref);
    ref->sdb = sdb;
    ref->spec = spec;
    list_init(&ref->monitors);
    hmap_insert(&sdb->specs, &ref->node, hash);
    return ref;
}

static void
monitor_attach(struct monitor *m, struct monitor_spec_ref *ref)
{
    m->ref = ref;
    list_push_back(&ref->monitors, &m->ref_node);
}

/* Detaches 'm' from its spec, freeing the spec when no one else has it. */
static void
monitor_detach(struct monitor *m)
{
    struct monitor_spec_ref *ref = m->ref;

    list_remove(&m->ref_node);
    m->ref = NULL;
    if (list_is_empty(&ref->monitors)) {
        hmap_remove(&ref->sdb->specs, &ref->node);
        ovsdb_monitor_spec_destroy(ref->spec);
        free(ref);
    }
}

static void
monitor_destroy(struct monitor *m)
{
    monitor_detach(m);
    hmap_remove(&m->session->monitors, &m->node);
    m->session->server->n_monitors--;
    json_decref(m->id);
    free(m);
}

/* The params of an update notification (new reference). */
static json_t *
update_params(enum ovsdb_monitor_version version, const json_t *id,
              const struct uuid *txn_id, json_t *updates)
{
    json_t *params = json_array();

    json_array_append(params, (json_t *) id);
    if (version == OVSDB_MONITOR_V3) {
        char s[UUID_LEN + 1];

        uuid_to_string(txn_id, s);
        json_array_append_new(params, json_string(s));
    }
    json_array_append(params, updates);
    return params;
}

/* Where a notification encoded with a null monitor id has that id: just
 * after the first '"params":[' (its members come in the order "id",
 * "method", "params", so that is the key, not update text).  Returns the
 * offset of "null", or SIZE_MAX if the text is not as expected. */
static size_t
find_null_id(const struct jsonrpc_buf *buf)
{
    static const char key[] = "\"params\":[";
    const char *data = jsonrpc_buf_data(buf);
    size_t size = jsonrpc_buf_size(buf);
    const char *p = memmem(data, size, key, sizeof key - 1);
    size_t pos;

    if (!p) {
        return SIZE_MAX;
    }
    pos = (size_t) (p - data) + sizeof key - 1;
    return pos + 4 <= size && !memcmp(data + pos, "null", 4) ? pos : SIZE_MAX;
}

/* Sends 'updates' (borrowed) to every monitor of 'ref'.  The notification
 * is encoded once, with a null id; a monitor with another id gets the
 * same bytes with its own encoded id spliced in (clients such as the
 * Python IDL give every monitor an id of its own). */
static void
fan_out(struct monitor_spec_ref *ref, const struct uuid *txn_id,
        json_t *updates)
{
    enum ovsdb_monitor_version version = ovsdb_monitor_spec_version(ref->spec);
    struct jsonrpc_msg *msg = jsonrpc_create_notify(
        update_methods[version],
        update_params(version, json_null(), txn_id, updates));
    struct jsonrpc_buf *buf = jsonrpc_buf_from_msg(msg);
    size_t pos = find_null_id(buf);
    struct ds id_text = DS_EMPTY_INITIALIZER;
    struct monitor *m;

    jsonrpc_msg_destroy(msg);
    ref->sdb->server->n_encodings++;
    LIST_FOR_EACH(m, ref_node, &ref->monitors) {
        if (json_is_null(m->id)) {
            jsonrpc_session_send_buf(m->session->js, buf);
        } else if (pos != SIZE_MAX) {
            ds_clear(&id_text);
            json_text_encode(m->id, &id_text);
            jsonrpc_session_send_buf_spliced(m->session->js, buf, pos, 4,
                                             id_text.string, id_text.length);
        } else {
            /* Not expected; encode this one in full. */
            struct jsonrpc_buf *own;

            msg = jsonrpc_create_notify(
                update_methods[version],
                update_params(version, m->id, txn_id, updates));
            own = jsonrpc_buf_from_msg(msg);
            jsonrpc_msg_destroy(msg);
            ref->sdb->server->n_encodings++;
            jsonrpc_session_send_buf(m->session->js, own);
            jsonrpc_buf_unref(own);
        }
    }
    ds_destroy(&id_text);
    jsonrpc_buf_unref(buf);
}

void
ovsdb_server_monitor_publish(struct server_db *sdb,
                             const struct ovsdb_changeset *changes)
{
    const struct uuid *txn_id = ovsdb_history_add(sdb->history, changes);
    struct monitor_spec_ref *ref;

    HMAP_FOR_EACH(ref, node, &sdb->specs) {
        json_t *updates = ovsdb_monitor_compose_changes(
            ref->spec, changes->changes, changes->n_changes);

        if (updates) {
            fan_out(ref, txn_id, updates);
            json_decref(updates);
        }
    }
}

void
ovsdb_server_monitor_session_closed(struct server_session *ss)
{
    struct monitor *m;

    HMAP_FOR_EACH_SAFE(m, node, &ss->monitors) {
        monitor_destroy(m);
    }
}

void
ovsdb_server_monitor_db_replaced(struct server_db *sdb)
{
    struct hmap_node *node;

    while ((node = hmap_first(&sdb->specs))) {
        struct monitor_spec_ref *ref =
            container_of(node, struct monitor_spec_ref, node);

        /* Destroying the last monitor of 'ref' frees it. */
        while (!list_is_empty(&ref->monitors)) {
            struct monitor *m = container_of(list_front(&ref->monitors),
                                             struct monitor, ref_node);
            bool last = ref->monitors.next == ref->monitors.prev;

            if (m->session->db_change_aware) {
                json_t *params = json_array();

                json_array_append(params, m->id);
                jsonrpc_session_notify(m->session->js, "monitor_canceled",
                                       params);
            }
            monitor_destroy(m);
            if (last) {
                break;
            }
        }
    }
    ovsdb_history_destroy(sdb->history);
    sdb->history = ovsdb_history_create(0, 0);
}

size_t
ovsdb_server_monitor_n_specs(const struct ovsdb_server *server)
{
    size_t n = 0;

    for (int i = 0; i < SERVER_N_DBS; i++) {
        n += hmap_count(&server->dbs[i].specs);
    }
    return n;
}

/* Methods. */

/* For monitor_cond_since: parses <last-txn-id>, or replies with an error
 * and returns false. */
static bool
parse_last_txn_id(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                  struct uuid *id)
{
    const json_t *json = json_array_get(request->params, 3);

    if (!json_is_string(json)) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(json, NULL, "last-txn-id must be string"));
        return false;
    }
    if (!uuid_from_string(id, json_string_value(json))) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(json, NULL,
                               "last-txn-id must be UUID format."));
        return false;
    }
    return true;
}

/* The updates a new monitor starts with: everything, or (for a known
 * 'last_id') only the changes since.  Sets '*found' accordingly. */
static json_t *
first_updates(const struct monitor_spec_ref *ref, const struct uuid *last_id,
              bool *found)
{
    struct ovsdb_row_change *changes;
    json_t *updates;
    size_t n;

    *found = last_id && !uuid_is_zero(last_id)
             && ovsdb_history_changes_since(ref->sdb->history, last_id,
                                            &changes, &n);
    if (*found) {
        updates = ovsdb_monitor_compose_changes(ref->spec, changes, n);
        ovsdb_history_free_changes(changes, n);
    } else {
        updates = ovsdb_monitor_compose_initial(ref->spec, ref->sdb->db);
    }
    return updates ? updates : json_object();
}

/* "monitor", "monitor_cond" and "monitor_cond_since"; 'aux' is the
 * server, the version comes from the method name. */
static void
handle_monitor(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
               void *server_)
{
    enum ovsdb_monitor_version version =
        !strcmp(request->method, "monitor")        ? OVSDB_MONITOR_V1
        : !strcmp(request->method, "monitor_cond") ? OVSDB_MONITOR_V2
                                                   : OVSDB_MONITOR_V3;
    struct server_session *ss;
    const json_t *params = request->params, *id, *requests;
    struct ovsdb_monitor_spec *spec;
    struct ovsdb_error *error;
    struct server_db *sdb;
    struct uuid last_id;
    struct monitor *m;
    json_t *updates;
    bool found;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    if (version != OVSDB_MONITOR_V1
        && ((struct ovsdb_server *) server_)->monitor_cond_disabled) {
        jsonrpc_session_reply_error(s, request, json_string("unknown method"));
        return;
    }
    ss = ovsdb_server_session_get(server_, s);
    sdb = ovsdb_server_lookup_db(ss, request);
    if (!sdb) {
        return;
    }
    if (version == OVSDB_MONITOR_V3 ? json_array_size(params) != 4
                                    : json_array_size(params) < 3) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(params, NULL, "invalid parameters"));
        return;
    }
    id = json_array_get(params, 1);
    requests = json_array_get(params, 2);
    if (!json_is_object(requests)) {
        ovsdb_server_reply_error(s, request,
                                 ovsdb_syntax_error(requests, NULL,
                                                    "monitor-requests must be "
                                                    "object"));
        return;
    }
    if (find_monitor(ss, id)) {
        ovsdb_server_reply_error(
            s, request, ovsdb_syntax_error(id, NULL, "duplicate monitor ID"));
        return;
    }
    error =
        ovsdb_monitor_spec_parse(sdb->db->schema, version, requests, &spec);
    if (error) {
        ovsdb_server_reply_error(s, request, error);
        return;
    }
    if (version == OVSDB_MONITOR_V3
        && !parse_last_txn_id(s, request, &last_id)) {
        ovsdb_monitor_spec_destroy(spec);
        return;
    }

    m = xzalloc(sizeof *m);
    m->session = ss;
    m->id = json_deep_copy(id);
    hmap_insert(&ss->monitors, &m->node, hash_json(id));
    ss->server->n_monitors++;
    monitor_attach(m, spec_ref_get(sdb, spec));

    updates = first_updates(
        m->ref, version == OVSDB_MONITOR_V3 ? &last_id : NULL, &found);
    if (version == OVSDB_MONITOR_V3) {
        char s_id[UUID_LEN + 1];

        uuid_to_string(ovsdb_history_last_id(sdb->history), s_id);
        updates = json_pack("[b,s,o]", found, s_id, updates);
    }
    jsonrpc_session_reply(s, request, updates);
}

static void
handle_monitor_cancel(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request, void *server_)
{
    struct server_session *ss;
    struct monitor *m;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    ss = ovsdb_server_session_get(server_, s);
    if (json_array_size(request->params) != 1) {
        jsonrpc_session_reply_error(s, request,
                                    json_string("invalid parameters"));
        return;
    }
    m = find_monitor(ss, json_array_get(request->params, 0));
    if (!m) {
        jsonrpc_session_reply_error(s, request,
                                    json_string("unknown monitor"));
        return;
    }
    monitor_destroy(m);
    jsonrpc_session_reply(s, request, json_object());
}

/* Gives 'm' the id 'id' (borrowed). */
static void
monitor_rename(struct monitor *m, const json_t *id)
{
    hmap_remove(&m->session->monitors, &m->node);
    json_decref(m->id);
    m->id = json_deep_copy(id);
    hmap_insert(&m->session->monitors, &m->node, hash_json(id));
}

static void
handle_monitor_cond_change(struct jsonrpc_session *s,
                           const struct jsonrpc_msg *request, void *server_)
{
    const json_t *params = request->params, *new_id;
    struct server_session *ss;
    struct ovsdb_monitor_spec *spec;
    enum ovsdb_monitor_version version;
    struct ovsdb_error *error;
    struct monitor *m;
    json_t *updates;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    ss = ovsdb_server_session_get(server_, s);
    if (json_array_size(params) != 3) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(params, NULL, "invalid parameters"));
        return;
    }
    m = find_monitor(ss, json_array_get(params, 0));
    if (!m) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(json_array_get(params, 0), NULL,
                               "unknown monitor session"));
        return;
    }
    new_id = json_array_get(params, 1);
    if (!json_equal(m->id, new_id) && find_monitor(ss, new_id)) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(new_id, NULL, "duplicate monitor ID"));
        return;
    }
    error = ovsdb_monitor_spec_change(m->ref->spec, json_array_get(params, 2),
                                      &spec);
    if (error) {
        ovsdb_server_reply_error(s, request, error);
        return;
    }
    if (!json_equal(m->id, new_id)) {
        monitor_rename(m, new_id);
    }

    /* Tell the client which rows enter and leave its view, then move the
     * monitor to the spec of its new request. */
    version = ovsdb_monitor_spec_version(spec);
    updates =
        ovsdb_monitor_compose_cond_change(m->ref->spec, spec, m->ref->sdb->db);
    if (updates) {
        jsonrpc_session_notify(
            s, update_methods[version],
            update_params(version, m->id,
                          ovsdb_history_last_id(m->ref->sdb->history),
                          updates));
        json_decref(updates);
    }
    {
        struct server_db *sdb = m->ref->sdb;

        monitor_detach(m);
        monitor_attach(m, spec_ref_get(sdb, spec));
    }
    jsonrpc_session_reply(s, request, json_object());
}

static void
disconnect_session(struct jsonrpc_session *s, void *reason)
{
    jsonrpc_session_disconnect(s, reason);
}

void
ovsdb_server_disable_monitor_cond(struct ovsdb_server *server)
{
    server->monitor_cond_disabled = true;
    jsonrpc_server_for_each_session(
        server->rpc, disconnect_session,
        (void *) "monitor_cond disabled: reconnect to use plain monitor");
}

void
ovsdb_server_monitor_register(struct ovsdb_server *server)
{
    static const char *const monitor_methods[] = { "monitor", "monitor_cond",
                                                   "monitor_cond_since" };

    for (size_t i = 0; i < ARRAY_SIZE(monitor_methods); i++) {
        jsonrpc_server_register(server->rpc, monitor_methods[i],
                                handle_monitor, server);
    }
    jsonrpc_server_register(server->rpc, "monitor_cancel",
                            handle_monitor_cancel, server);
    jsonrpc_server_register(server->rpc, "monitor_cond_change",
                            handle_monitor_cond_change, server);
}
