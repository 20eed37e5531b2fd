/* SPDX-License-Identifier: Apache-2.0 */
/* The OVSDB server: databases, sessions, transactions and locks.  Monitors
 * live in server-monitor.c. */
#include "vtepd/ovsdb/server.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/json-text.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/execution.h"
#include "vtepd/ovsdb/history.h"
#include "vtepd/ovsdb/parser.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/server-private.h"
#include "vtepd/ovsdb/store.h"
#include "vtepd/ovsdb/table.h"

VLOG_DEFINE_THIS_MODULE(ovsdb_server);

/* The schema of the "_Server" database, as ovsdb-server 3.1 serves it. */
static const char server_schema_text[] =
    "{\"name\":\"_Server\",\"version\":\"1.2.0\",\"cksum\":\"3009684573 744\","
    "\"tables\":{\"Database\":{\"columns\":{"
    "\"name\":{\"type\":\"string\"},"
    "\"model\":{\"type\":{\"key\":{\"type\":\"string\",\"enum\":[\"set\","
    "[\"standalone\",\"clustered\",\"relay\"]]}}},"
    "\"connected\":{\"type\":\"boolean\"},"
    "\"leader\":{\"type\":\"boolean\"},"
    "\"schema\":{\"type\":{\"key\":{\"type\":\"string\"},\"min\":0,"
    "\"max\":1}},"
    "\"cid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
    "\"sid\":{\"type\":{\"key\":{\"type\":\"uuid\"},\"min\":0,\"max\":1}},"
    "\"index\":{\"type\":{\"key\":{\"type\":\"integer\"},\"min\":0,"
    "\"max\":1}}}}}}";

/* A transaction waiting for a "wait" operation to be satisfied. */
struct trigger {
    struct list node; /* In the server's 'triggers'. */
    struct ovsdb_server *server;
    struct server_session *session;
    struct server_db *sdb;
    struct jsonrpc_deferred *deferred;
    ev_tstamp start;
    ev_timer timeout_w;

    /* Once the transaction has committed with "durable": true, its result
     * (JSON text) waits here for the store to sync its record. */
    struct ds result;
    struct ovsdb_store_waiter waiter;
};

/* Errors and lookups. */

void
ovsdb_server_reply_error(struct jsonrpc_session *s,
                         const struct jsonrpc_msg *request,
                         struct ovsdb_error *error)
{
    jsonrpc_session_reply_error(s, request, ovsdb_error_to_json(error));
    ovsdb_error_destroy(error);
}

/* Returns a new reference to the first of 'request''s params, or NULL. */
static json_t *
first_param(const struct jsonrpc_msg *request)
{
    const struct json_text_array *text = request->params_text;

    if (text && !request->params) {
        return text->n ? json_text_array_get(text, 0) : NULL;
    }
    return json_incref(json_array_get(request->params, 0));
}

struct server_db *
ovsdb_server_lookup_db(struct server_session *ss,
                       const struct jsonrpc_msg *request)
{
    json_t *name = first_param(request);
    struct server_db *sdb = NULL;

    if (!json_is_string(name)) {
        ovsdb_server_reply_error(
            ss->js, request,
            ovsdb_syntax_error(jsonrpc_msg_get_params(request), NULL,
                               "%s request params must begin with <db-name>",
                               request->method));
        json_decref(name);
        return NULL;
    }
    for (int i = 0; i < SERVER_N_DBS && !sdb; i++) {
        if (!strcmp(ss->server->dbs[i].name, json_string_value(name))) {
            sdb = &ss->server->dbs[i];
        }
    }
    if (!sdb) {
        ovsdb_server_reply_error(
            ss->js, request,
            ovsdb_syntax_error(jsonrpc_msg_get_params(request),
                               "unknown database",
                               "%s request specifies unknown database %s",
                               request->method, json_string_value(name)));
    }
    json_decref(name);
    return sdb;
}

/* Sessions. */

static void session_release_locks(struct server_session *);

static void
session_closed(struct jsonrpc_session *s, void *ss_)
{
    struct server_session *ss = ss_;

    ovsdb_server_monitor_session_closed(ss);
    session_release_locks(ss);
    hmap_destroy(&ss->monitors);
    free(ss);
}

struct server_session *
ovsdb_server_session_get(struct ovsdb_server *server,
                         struct jsonrpc_session *s)
{
    struct server_session *ss = jsonrpc_session_get_data(s);

    if (!ss) {
        ss = xzalloc(sizeof *ss);
        ss->server = server;
        ss->js = s;
        hmap_init(&ss->monitors);
        list_init(&ss->waiters);
        jsonrpc_session_set_data(s, ss, session_closed);
    }
    return ss;
}

/* Simple methods. */

static void
handle_list_dbs(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                void *server_)
{
    struct ovsdb_server *server = server_;
    json_t *names = json_array();

    if (request->type == JSONRPC_NOTIFY) {
        json_decref(names);
        return;
    }
    for (int i = 0; i < SERVER_N_DBS; i++) {
        json_array_append_new(names, json_string(server->dbs[i].name));
    }
    jsonrpc_session_reply(s, request, names);
}

static void
handle_get_schema(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                  void *server_)
{
    struct server_session *ss = ovsdb_server_session_get(server_, s);
    struct server_db *sdb;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    sdb = ovsdb_server_lookup_db(ss, request);
    if (sdb) {
        jsonrpc_session_reply(s, request,
                              ovsdb_schema_to_json(sdb->db->schema));
    }
}

static void
handle_get_server_id(struct jsonrpc_session *s,
                     const struct jsonrpc_msg *request, void *server_)
{
    struct ovsdb_server *server = server_;
    char id[UUID_LEN + 1];

    uuid_to_string(&server->id, id);
    jsonrpc_session_reply(s, request, json_string(id));
}

static void
handle_set_db_change_aware(struct jsonrpc_session *s,
                           const struct jsonrpc_msg *request, void *server_)
{
    struct server_session *ss = ovsdb_server_session_get(server_, s);
    const json_t *value = json_array_get(request->params, 0);

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    if (json_array_size(request->params) != 1 || !json_is_boolean(value)) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(request->params, NULL,
                               "%s: true or false parameter expected",
                               request->method));
        return;
    }
    /* Schemas never change here, so there is nothing to notify about; the
     * flag is kept to answer like ovsdb-server. */
    ss->db_change_aware = json_is_true(value);
    jsonrpc_session_reply(s, request, json_object());
}

/* Transactions. */

static bool
session_owns_lock(const char *name, void *ss_)
{
    struct server_session *ss = ss_;
    struct ovsdb_lock_waiter *w;

    LIST_FOR_EACH(w, owner_node, &ss->waiters) {
        if (!strcmp(ovsdb_lock_waiter_name(w), name)) {
            return ovsdb_lock_waiter_is_owner(w);
        }
    }
    return false;
}

/* Runs the transaction of 'request' for 'ss', appending its result to
 * 'result' as JSON text.  Returns false if it must keep waiting, with
 * '*timeout_msec' as ovsdb_execute() says. */
static bool
execute(struct server_session *ss, struct server_db *sdb,
        const struct jsonrpc_msg *request, long long elapsed_msec,
        long long *timeout_msec, struct ds *result)
{
    struct ovsdb_exec_ctx ctx = {
        .lock_owned = session_owns_lock,
        .aux = ss,
        .elapsed_msec = elapsed_msec,
        .may_block = true,
    };

    return ovsdb_execute_text(sdb->db, request->params, request->params_text,
                              &ctx, timeout_msec, result);
}

static void trigger_timeout_cb(struct ev_loop *, ev_timer *, int revents);

static void
trigger_set_timeout(struct trigger *t, long long timeout_msec)
{
    ev_timer_stop(t->server->loop, &t->timeout_w);
    if (timeout_msec != OVSDB_WAIT_FOREVER) {
        ev_timer_set(&t->timeout_w, timeout_msec / 1000.0, 0.);
        ev_timer_start(t->server->loop, &t->timeout_w);
    }
}

/* Frees 't' without answering (its deferred request is someone else's). */
static void
trigger_destroy(struct trigger *t)
{
    ev_timer_stop(t->server->loop, &t->timeout_w);
    list_remove(&t->node);
    ovsdb_store_waiter_cancel(&t->waiter);
    ds_destroy(&t->result);
    free(t);
}

/* The store has synced the record 't' was waiting for, or failed to. */
static void
trigger_durable_cb(struct ovsdb_store_waiter *waiter, int error)
{
    struct trigger *t = container_of(waiter, struct trigger, waiter);
    struct jsonrpc_deferred *d = t->deferred;
    struct ds result = t->result;

    ds_init(&t->result);
    trigger_destroy(t);
    if (error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
        struct ovsdb_error *e =
            ovsdb_error("I/O error", "the commit could not be made durable");

        VLOG_ERR_RL(&rl, "cannot sync the database to disk (%s)",
                    strerror(-error));
        jsonrpc_deferred_reply_error(d, ovsdb_error_to_json(e));
        ovsdb_error_destroy(e);
    } else {
        jsonrpc_deferred_reply_text(d, result.string, result.length);
    }
    ds_destroy(&result);
}

/* Parks 't', whose transaction committed with 't->result' and asked for
 * durability, until record 'seq' is on stable storage. */
static void
trigger_wait_durable(struct trigger *t, uint64_t seq)
{
    /* Off the retry list: only the sync can finish it now. */
    ev_timer_stop(t->server->loop, &t->timeout_w);
    list_remove(&t->node);
    list_init(&t->node);
    ovsdb_store_wait(t->server->store, &t->waiter, seq, trigger_durable_cb);
}

/* Returns the record a transaction that just committed must wait for
 * before it is answered, or 0 to answer at once. */
static uint64_t
take_durable_seq(const struct ovsdb_server *server)
{
    return server->store ? ovsdb_store_take_durable_seq(server->store) : 0;
}

/* 't''s transaction has finished with 't->result': answers it now, or
 * once its record is on stable storage if it asked for durability. */
static void
trigger_finish(struct trigger *t)
{
    uint64_t seq = take_durable_seq(t->server);

    if (seq) {
        trigger_wait_durable(t, seq);
    } else {
        struct jsonrpc_deferred *d = t->deferred;
        struct ds result = t->result;

        ds_init(&t->result);
        trigger_destroy(t);
        jsonrpc_deferred_reply_text(d, result.string, result.length);
        ds_destroy(&result);
    }
}

/* Retries 't'; answers and frees it if it has finished. */
static void
trigger_run(struct trigger *t)
{
    const struct jsonrpc_msg *request = jsonrpc_deferred_request(t->deferred);
    long long elapsed =
        (long long) ((ev_now(t->server->loop) - t->start) * 1000);
    long long timeout;

    if (execute(t->session, t->sdb, request, elapsed, &timeout, &t->result)) {
        trigger_finish(t);
    } else {
        trigger_set_timeout(t, timeout);
    }
}

static void
trigger_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    trigger_run(container_of(w, struct trigger, timeout_w));
}

/* The session closed under a waiting transaction. */
static void
trigger_cancel_cb(struct jsonrpc_deferred *d, void *t)
{
    trigger_destroy(t);
}

static void
retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct ovsdb_server *server =
        container_of(w, struct ovsdb_server, retry_w);
    struct trigger *t, *next;

    LIST_FOR_EACH_SAFE(t, next, node, &server->triggers) {
        trigger_run(t);
    }
}

void
ovsdb_server_cancel_triggers(struct server_db *sdb)
{
    struct trigger *t, *next;

    LIST_FOR_EACH_SAFE(t, next, node, &sdb->server->triggers) {
        if (t->sdb == sdb) {
            struct jsonrpc_deferred *d = t->deferred;

            trigger_destroy(t);
            jsonrpc_deferred_reply_error(d, json_string("canceled"));
        }
    }
}

static void
handle_transact(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                void *server_)
{
    struct ovsdb_server *server = server_;
    struct server_session *ss = ovsdb_server_session_get(server, s);
    struct server_db *sdb;
    struct trigger *t;
    long long timeout;
    struct ds result;
    bool done;
    uint64_t seq;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    sdb = ovsdb_server_lookup_db(ss, request);
    if (!sdb) {
        return;
    }
    ds_init(&result);
    done = execute(ss, sdb, request, 0, &timeout, &result);
    seq = done ? take_durable_seq(server) : 0;
    if (done && !seq) {
        jsonrpc_session_reply_text(s, request, result.string, result.length);
        ds_destroy(&result);
        return;
    }
    t = xzalloc(sizeof *t);
    t->result = result;
    t->server = server;
    t->session = ss;
    t->sdb = sdb;
    t->start = ev_now(server->loop);
    ev_timer_init(&t->timeout_w, trigger_timeout_cb, 0., 0.);
    ovsdb_store_waiter_init(&t->waiter);
    list_push_back(&server->triggers, &t->node);
    t->deferred = jsonrpc_session_defer(s, request, trigger_cancel_cb, t);
    if (done) {
        trigger_wait_durable(t, seq);
    } else {
        trigger_set_timeout(t, timeout);
    }
}

/* "cancel" (a notification): abandons a waiting transaction.  RFC 7047
 * says the server answers it with the error "canceled", but ovsdb-server
 * 3.1 sends nothing at all and frees the request id, and clients are
 * written against that, so neither do we. */
static void
handle_cancel(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
              void *server_)
{
    struct jsonrpc_deferred *d;

    if (request->type != JSONRPC_NOTIFY) {
        jsonrpc_session_reply_error(s, request, json_string("unknown method"));
        return;
    }
    if (json_array_size(request->params) < 1) {
        return;
    }
    d = jsonrpc_session_find_deferred(s, json_array_get(request->params, 0));
    if (d && !strcmp(jsonrpc_deferred_request(d)->method, "transact")) {
        trigger_destroy(jsonrpc_deferred_aux(d));
        jsonrpc_deferred_forget(d);
    }
}

/* Runs after every commit to a served database. */
static void
on_commit(const struct ovsdb_changeset *changes, void *sdb_)
{
    struct server_db *sdb = sdb_;
    struct ovsdb_server *server = sdb->server;

    ovsdb_server_monitor_publish(sdb, changes);
    if (!list_is_empty(&server->triggers)) {
        /* Not from inside the commit: the database is still busy. */
        ev_timer_set(&server->retry_w, 0., 0.);
        ev_timer_start(server->loop, &server->retry_w);
    }
}

/* Locks. */

/* Returns the lock name of a lock, steal or unlock request, or replies with
 * an error and returns NULL. */
static const char *
parse_lock_name(struct jsonrpc_session *s, const struct jsonrpc_msg *request)
{
    const json_t *name = json_array_get(request->params, 0);

    if (json_array_size(request->params) != 1 || !json_is_string(name)
        || !ovsdb_parser_is_id(json_string_value(name))) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(request->params, NULL,
                               "%s request params must be <id>",
                               request->method));
        return NULL;
    }
    return json_string_value(name);
}

static struct ovsdb_lock_waiter *
session_find_waiter(const struct server_session *ss, const char *name)
{
    struct ovsdb_lock_waiter *w;

    LIST_FOR_EACH(w, owner_node, &ss->waiters) {
        if (!strcmp(ovsdb_lock_waiter_name(w), name)) {
            return w;
        }
    }
    return NULL;
}

static void
notify_lock(struct server_session *ss, const char *method, const char *name)
{
    json_t *params = json_array();

    json_array_append_new(params, json_string(name));
    jsonrpc_session_notify(ss->js, method, params);
}

/* "lock" and "steal" ('steal' is the aux). */
static void
handle_lock(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
            void *server_)
{
    struct ovsdb_server *server = server_;
    bool steal = !strcmp(request->method, "steal");
    struct server_session *ss, *victim;
    struct ovsdb_lock_waiter *w;
    const char *name;
    void *victim_;
    json_t *result;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    ss = ovsdb_server_session_get(server, s);
    name = parse_lock_name(s, request);
    if (!name) {
        return;
    }
    if (session_find_waiter(ss, name)) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(request->params, NULL,
                               "must issue \"unlock\" before new \"%s\"",
                               request->method));
        return;
    }
    w = ovsdb_lock_acquire(&server->locks, name, ss, steal, &victim_);
    list_push_back(&ss->waiters, &w->owner_node);
    victim = victim_;
    if (victim) {
        notify_lock(victim, "stolen", name);
    }
    result = json_object();
    json_object_set_new(result, "locked",
                        json_boolean(ovsdb_lock_waiter_is_owner(w)));
    jsonrpc_session_reply(s, request, result);
}

/* Releases 'w' and tells the next owner, if any. */
static void
release_waiter(struct ovsdb_server *server, struct ovsdb_lock_waiter *w)
{
    char *name = xstrdup(ovsdb_lock_waiter_name(w));
    struct ovsdb_lock_waiter *next = ovsdb_lock_release(&server->locks, w);

    if (next) {
        notify_lock(next->owner, "locked", name);
    }
    free(name);
}

static void
handle_unlock(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
              void *server_)
{
    struct ovsdb_server *server = server_;
    struct server_session *ss;
    struct ovsdb_lock_waiter *w;
    const char *name;

    if (request->type == JSONRPC_NOTIFY) {
        return;
    }
    ss = ovsdb_server_session_get(server, s);
    name = parse_lock_name(s, request);
    if (!name) {
        return;
    }
    w = session_find_waiter(ss, name);
    if (!w) {
        ovsdb_server_reply_error(
            s, request,
            ovsdb_syntax_error(request->params, NULL,
                               "%s: \"unlock\" without \"lock\" or \"steal\"",
                               request->method));
        return;
    }
    release_waiter(server, w);
    jsonrpc_session_reply(s, request, json_object());
}

static void
session_release_locks(struct server_session *ss)
{
    while (!list_is_empty(&ss->waiters)) {
        release_waiter(ss->server,
                       container_of(list_front(&ss->waiters),
                                    struct ovsdb_lock_waiter, owner_node));
    }
}

/* Databases. */

static void
server_db_init(struct ovsdb_server *server, struct server_db *sdb,
               struct ovsdb_db *db)
{
    sdb->server = server;
    sdb->db = db;
    sdb->name = db->schema->name;
    sdb->history = ovsdb_history_create(0, 0);
    hmap_init(&sdb->specs);
    sdb->hook = ovsdb_db_add_commit_hook(db, on_commit, sdb);
}

static void
server_db_destroy(struct server_db *sdb)
{
    ovsdb_db_remove_commit_hook(sdb->db, sdb->hook);
    hmap_destroy(&sdb->specs);
    ovsdb_history_destroy(sdb->history);
}

/* Inserts the _Server.Database row that describes 'db'. */
static void
describe_db(struct ovsdb_db *server_db, const struct ovsdb_db *db)
{
    json_t *schema = ovsdb_schema_to_json(db->schema);
    char *text = json_dumps(schema, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *params, *result;
    long long timeout;

    params = json_pack("[s{s:s,s:s,s:{s:s,s:s,s:b,s:b,s:s}}]", "_Server", "op",
                       "insert", "table", "Database", "row", "name",
                       db->schema->name, "model", "standalone", "connected", 1,
                       "leader", 1, "schema", text ? text : "");
    result = ovsdb_execute(server_db, params, NULL, &timeout);
    ASSERT(result && !json_object_get(json_array_get(result, 0), "error"));
    json_decref(result);
    json_decref(params);
    json_decref(schema);
    free(text);
}

void
ovsdb_server_describe_db(struct server_db *sdb)
{
    json_t *schema = ovsdb_schema_to_json(sdb->db->schema);
    char *text = json_dumps(schema, JSON_COMPACT | JSON_SORT_KEYS);
    json_t *params, *result;
    long long timeout;

    params = json_pack("[s{s:s,s:s,s:[[s,s,s]],s:{s:s}}]", "_Server", "op",
                       "update", "table", "Database", "where", "name",
                       "==", sdb->name, "row", "schema", text ? text : "");
    result = ovsdb_execute(sdb->server->server_db, params, NULL, &timeout);
    ASSERT(result && !json_object_get(json_array_get(result, 0), "error"));
    json_decref(result);
    json_decref(params);
    json_decref(schema);
    free(text);
}

static struct ovsdb_db *
create_server_db(const struct ovsdb_db *db)
{
    struct ovsdb_schema *schema;
    struct ovsdb_error *error;
    struct ovsdb_db *server_db;
    json_t *json;

    json = json_loads(server_schema_text, 0, NULL);
    error = ovsdb_schema_from_json(json, &schema);
    ASSERT(!error);
    json_decref(json);
    server_db = ovsdb_db_create(schema);
    describe_db(server_db, db);
    describe_db(server_db, server_db);
    return server_db;
}

/* The server. */

struct ovsdb_server *
ovsdb_server_create(struct ev_loop *loop, struct ovsdb_db *db)
{
    struct ovsdb_server *server = xzalloc(sizeof *server);
    static const struct {
        const char *name;
        jsonrpc_method_func *func;
    } methods[] = {
        { "list_dbs", handle_list_dbs },
        { "get_schema", handle_get_schema },
        { "get_server_id", handle_get_server_id },
        { "set_db_change_aware", handle_set_db_change_aware },
        { "cancel", handle_cancel },
        { "lock", handle_lock },
        { "steal", handle_lock },
        { "unlock", handle_unlock },
    };

    server->loop = loop;
    server->rpc = jsonrpc_server_create(loop, NULL);
    uuid_generate(&server->id);
    ovsdb_lock_table_init(&server->locks);
    list_init(&server->triggers);
    ev_timer_init(&server->retry_w, retry_cb, 0., 0.);

    server->server_db = create_server_db(db);
    server_db_init(server, &server->dbs[SERVER_DATA_DB], db);
    server_db_init(server, &server->dbs[SERVER_SERVER_DB], server->server_db);

    for (size_t i = 0; i < ARRAY_SIZE(methods); i++) {
        jsonrpc_server_register(server->rpc, methods[i].name, methods[i].func,
                                server);
    }
    /* Large transactions are executed straight from their text. */
    jsonrpc_server_register_text(server->rpc, "transact", handle_transact,
                                 server);
    ovsdb_server_monitor_register(server);
    ovsdb_server_convert_register(server);
    return server;
}

void
ovsdb_server_destroy(struct ovsdb_server *server)
{
    if (!server) {
        return;
    }
    /* Closing the sessions cancels their triggers, monitors and locks. */
    jsonrpc_server_destroy(server->rpc);
    ASSERT(list_is_empty(&server->triggers));
    ev_timer_stop(server->loop, &server->retry_w);
    for (int i = 0; i < SERVER_N_DBS; i++) {
        server_db_destroy(&server->dbs[i]);
    }
    ovsdb_db_destroy(server->server_db);
    ovsdb_lock_table_destroy(&server->locks);
    free(server);
}

void
ovsdb_server_set_store(struct ovsdb_server *server, struct ovsdb_store *store)
{
    server->store = store;
}

int
ovsdb_server_add_remote(struct ovsdb_server *server, const char *remote)
{
    return jsonrpc_server_add_remote(server->rpc, remote, NULL);
}

int
ovsdb_server_add_remote_with_options(struct ovsdb_server *server,
                                     const char *remote,
                                     const struct jsonrpc_options *options)
{
    return jsonrpc_server_add_remote(server->rpc, remote, options);
}

int
ovsdb_server_remove_remote(struct ovsdb_server *server, const char *remote)
{
    return jsonrpc_server_remove_remote(server->rpc, remote);
}

int
ovsdb_server_set_remote_options(struct ovsdb_server *server,
                                const char *remote,
                                const struct jsonrpc_options *options)
{
    return jsonrpc_server_set_remote_options(server->rpc, remote, options);
}

uint16_t
ovsdb_server_get_port(const struct ovsdb_server *server, const char *remote)
{
    return jsonrpc_server_get_port(server->rpc, remote);
}

/* Appends 'name' to the space-separated list '*listp'. */
static void
append_lock_name(char **listp, const char *name)
{
    char *list = *listp ? xasprintf("%s %s", *listp, name) : xstrdup(name);

    free(*listp);
    *listp = list;
}

bool
ovsdb_server_get_remote_status(const struct ovsdb_server *server,
                               const char *remote,
                               struct ovsdb_server_remote_status *status)
{
    struct jsonrpc_session *s;
    struct server_session *ss;
    struct ovsdb_lock_waiter *w;

    memset(status, 0, sizeof *status);
    if (!jsonrpc_server_get_remote_status(server->rpc, remote, &status->rpc)) {
        return false;
    }
    s = jsonrpc_server_get_remote_session(server->rpc, remote);
    ss = s ? jsonrpc_session_get_data(s) : NULL;
    if (ss) {
        LIST_FOR_EACH(w, owner_node, &ss->waiters) {
            char **listp = ovsdb_lock_waiter_is_owner(w) ? &status->locks_held
                           : w->steal                    ? &status->locks_lost
                                      : &status->locks_waiting;

            append_lock_name(listp, ovsdb_lock_waiter_name(w));
        }
    }
    return true;
}

void
ovsdb_server_remote_status_destroy(struct ovsdb_server_remote_status *status)
{
    free(status->locks_held);
    free(status->locks_waiting);
    free(status->locks_lost);
    memset(status, 0, sizeof *status);
}

void
ovsdb_server_set_remote_change_cb(struct ovsdb_server *server,
                                  jsonrpc_remote_change_func *cb, void *aux)
{
    jsonrpc_server_set_remote_change_cb(server->rpc, cb, aux);
}

void
ovsdb_server_get_stats(const struct ovsdb_server *server,
                       struct ovsdb_server_stats *stats)
{
    const struct server_db *sdb = &server->dbs[SERVER_DATA_DB];
    struct trigger *t;

    memset(stats, 0, sizeof *stats);
    stats->sessions = jsonrpc_server_n_sessions(server->rpc);
    stats->monitors = server->n_monitors;
    stats->monitor_specs = ovsdb_server_monitor_n_specs(server);
    stats->update_encodings = server->n_encodings;
    LIST_FOR_EACH(t, node, &server->triggers) {
        stats->triggers++;
    }
    stats->locks = ovsdb_lock_table_count(&server->locks);
    for (unsigned int i = 0; i < sdb->db->schema->n_tables; i++) {
        stats->rows += ovsdb_table_count(sdb->db->tables[i]);
    }
    stats->history_txns = ovsdb_history_n_txns(sdb->history);
    stats->history_bytes = ovsdb_history_bytes(sdb->history);
    stats->max_sessions = jsonrpc_server_get_max_sessions(server->rpc);
    stats->sessions_refused = jsonrpc_server_n_refused(server->rpc);
}

void
ovsdb_server_set_max_sessions(struct ovsdb_server *server, size_t max)
{
    jsonrpc_server_set_max_sessions(server->rpc, max);
}
