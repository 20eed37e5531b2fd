// SPDX-License-Identifier: Apache-2.0
/* Client mode: the connection to the remote database, the _Server watch,
 * the monitor and the queue of writes (see replica.h). */
#include "vtepd/replica/replica.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json-text.h"
#include "lib/list.h"
#include "lib/util.h"
#include "lib/uuid.h"
#include "lib/vlog.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/jsonrpc/reconnect.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/error.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/replica/replica-private.h"

VLOG_DEFINE_THIS_MODULE(replica);

/* How long a remote may take to connect before the next one is tried. */
#define REPLICA_CONNECT_TIMEOUT_S 2.0
/* The wait before going round the remotes again when they were up but
 * none was the leader (an election is under way). */
#define REPLICA_ELECTION_RETRY_MS 100
/* Largest message accepted from the server: an initial reply holds the
 * whole database. */
#define REPLICA_MAX_MSG_SIZE (512u * 1024 * 1024)

enum replica_state {
    R_CONNECTING, /* Waiting for a session. */
    R_SERVER,     /* _Server monitor requested. */
    R_MONITOR,    /* Database monitor requested. */
    R_READY,      /* Following the database; writes flow. */
};

enum replica_method {
    M_SINCE, /* monitor_cond_since */
    M_COND,  /* monitor_cond */
    M_PLAIN, /* monitor */
};

static const char *const method_names[] = { "monitor_cond_since",
                                            "monitor_cond", "monitor" };

/* One write: a commit of vtepd's code as a "transact". */
struct replica_txn {
    struct list node;             /* In replica->txns, oldest first. */
    json_t *params;               /* ["hardware_vtep", op...]. */
    json_t *expect;               /* Indexes of the ops that must count 1. */
    int64_t id;                   /* Request id once sent, else 0. */
    struct replica_row_ref *rows; /* The rows it touches. */
    size_t n_rows;
};

struct replica {
    struct ev_loop *loop;
    struct ovsdb_db *db;
    char **remotes;
    size_t n_remotes, cur;
    size_t n_tried;    /* Remotes tried since the last ready session. */
    bool saw_follower; /* This round reached a follower of a cluster. */
    struct jsonrpc_server *rpc;
    char *active; /* The remote added to 'rpc', or NULL. */
    enum replica_state state;
    enum replica_method method;
    bool synced;
    bool have_txn_id;
    struct uuid last_txn_id;
    int64_t next_id, srv_id, mon_id;
    struct reconnect backoff;
    ev_timer timer;   /* Connect timeout, or the wait before retrying. */
    ev_idle rotate_w; /* Moves to the next remote from the loop. */
    struct hmap base;
    struct list txns;
    void (*lost_cb)(bool refused, void *aux);
    void *lost_aux;
    const struct replica_txn *refused; /* During lost_cb, or NULL. */
    char *srv_uuid;      /* Our database's _Server row, or NULL. */
    json_t *srv_row;     /* Its columns as last received. */
    int64_t mon_sent_ms; /* When the monitor request went. */
    int64_t left_ms;     /* When the last ready session was left, or 0. */
    struct replica_stats stats;
};

static void replica_rotate(struct replica *, const char *why);

/* ---- Sending ---- */

static struct jsonrpc_session *
session_of(const struct replica *r)
{
    return r->active ? jsonrpc_server_get_remote_session(r->rpc, r->active)
                     : NULL;
}

/* Sends request 'method' with 'params' (taken); returns its id. */
static int64_t
send_request(struct replica *r, const char *method, json_t *params)
{
    struct jsonrpc_session *s = session_of(r);
    int64_t id = ++r->next_id;

    if (s) {
        jsonrpc_session_send(
            s, jsonrpc_create_request(method, params, json_integer(id)));
    } else {
        json_decref(params);
    }
    return id;
}

static void
send_txn(struct replica *r, struct replica_txn *t)
{
    t->id = send_request(r, "transact", json_incref(t->params));
    r->stats.txns_sent++;
}

static void
txn_free(struct replica_txn *t)
{
    list_remove(&t->node);
    json_decref(t->params);
    json_decref(t->expect);
    free(t->rows);
    free(t);
}

/* Undoes every unconfirmed write and tells the writer. */
static void
writes_lost(struct replica *r, const char *why, bool refused)
{
    size_t n = list_size(&r->txns);

    if (!n && !hmap_count(&r->base)) {
        return;
    }
    VLOG_INFO("unconfirmed writes undone (%s: %zu in flight, %zu rows); "
              "the reconciler derives its rows again",
              why, n, (size_t) hmap_count(&r->base));
    while (!list_is_empty(&r->txns)) {
        txn_free(container_of(list_front(&r->txns), struct replica_txn, node));
        r->stats.txns_abandoned++;
    }
    replica_revert(r->db, &r->base, r);
    r->stats.reverts++;
    if (r->lost_cb) {
        r->lost_cb(refused, r->lost_aux);
    }
}

/* ---- Writes from vtepd's code ---- */

/* The database's prepare callback: a commit of anyone but the replica
 * itself goes to the server too. */
static struct ovsdb_error *
on_prepare(const struct ovsdb_changeset *cs, void *r_)
{
    struct replica *r = r_;
    struct replica_txn *t;
    json_t *body;

    if (cs->origin == r || !cs->n_changes) {
        return NULL;
    }
    replica_base_note(&r->base, cs);
    if (r->state != R_READY) {
        /* Nothing to send it to: the write is undone, and derived again,
         * once the next server has sent the database.  Memory stays
         * bounded by the rows written, however long the outage. */
        r->stats.txns_abandoned++;
        return NULL;
    }
    t = xzalloc(sizeof *t);
    t->rows = xcalloc(cs->n_changes, sizeof *t->rows);
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        t->rows[i].table = c->table;
        t->rows[i].uuid = (c->old ? c->old : c->new)->uuid;
    }
    t->n_rows = cs->n_changes;
    t->expect = json_array();
    t->params = json_pack("[s]", r->db->schema->name);
    body = json_array();
    /* The result of body[i] is result[i]: 'expect' indexes both. */
    replica_ops_from_changeset(cs, body, t->expect);
    json_array_extend(t->params, body);
    json_decref(body);
    list_push_back(&r->txns, &t->node);
    send_txn(r, t);
    return NULL;
}

/* Returns the tag of the first error in the transact result 'result', or
 * NULL; "count mismatch" if an op in 'expect' touched no row. */
static const char *
txn_result_error(const json_t *result, const json_t *expect,
                 const char **details)
{
    size_t i;
    json_t *op, *e;

    *details = NULL;
    if (!json_is_array(result)) {
        return "bad reply";
    }
    json_array_foreach(result, i, op) {
        const json_t *error = json_object_get(op, "error");

        if (json_is_string(error)) {
            *details = json_string_value(json_object_get(op, "details"));
            return json_string_value(error);
        }
    }
    json_array_foreach(expect, i, e) {
        const json_t *count = json_object_get(
            json_array_get(result, json_integer_value(e)), "count");

        if (!json_is_integer(count) || json_integer_value(count) != 1) {
            *details = "a row to update is gone";
            return "count mismatch";
        }
    }
    return NULL;
}

/* True for errors after which the same write may succeed on another
 * member or later. */
static bool
error_is_transient(const char *tag)
{
    return !strcmp(tag, "not leader") || !strcmp(tag, "try again")
           || strstr(tag, "cluster") || !strcmp(tag, "not connected");
}

static void
handle_txn_reply(struct replica *r, struct replica_txn *t,
                 const struct jsonrpc_msg *msg)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);
    const char *details = NULL, *tag;

    if (msg->type == JSONRPC_ERROR) {
        tag = json_is_string(msg->error) ? json_string_value(msg->error)
                                         : "error";
    } else {
        tag = txn_result_error(msg->result, t->expect, &details);
    }
    if (!tag) {
        r->stats.txns_ok++;
        txn_free(t);
        if (list_is_empty(&r->txns)) {
            /* Updates come before the reply: the server's versions of
             * the rows are all in the replica now. */
            replica_base_clear(&r->base);
        }
        return;
    }
    r->stats.txns_failed++;
    if (error_is_transient(tag)) {
        VLOG_INFO("write refused (%s); moving to another member", tag);
        replica_rotate(r, tag);
        return;
    }
    VLOG_WARN_RL(&rl, "write refused by the server: %s%s%s", tag,
                 details ? ": " : "", details ? details : "");
    /* The writer learns which rows the refused write touched. */
    list_remove(&t->node);
    r->refused = t;
    writes_lost(r, tag, true);
    r->refused = NULL;
    list_push_back(&r->txns, &t->node);
    txn_free(t);
    r->stats.txns_abandoned++;
}

/* ---- Following the database ---- */

static json_t *
monitor_requests(const struct ovsdb_db *db)
{
    json_t *requests = json_object();

    for (unsigned int i = 0; i < db->schema->n_tables; i++) {
        const struct ovsdb_table_schema *ts = db->schema->tables[i];
        json_t *columns = json_array();

        for (unsigned int j = OVSDB_COL_VERSION + 1; j < ts->n_columns; j++) {
            json_array_append_new(columns, json_string(ts->columns[j]->name));
        }
        json_object_set_new(requests, ts->name,
                            json_pack("[{s:o}]", "columns", columns));
    }
    return requests;
}

static void
request_monitor(struct replica *r)
{
    const char *name = r->db->schema->name;
    json_t *params = json_pack("[s s o]", name, "db", monitor_requests(r->db));

    if (r->method == M_SINCE) {
        char s[UUID_LEN + 1];

        uuid_to_string(&r->last_txn_id, s);
        json_array_append_new(params, json_string(s));
    }
    r->state = R_MONITOR;
    r->mon_sent_ms = time_msec();
    r->mon_id = send_request(r, method_names[r->method], params);
}

static void
set_last_txn_id(struct replica *r, const json_t *json)
{
    struct uuid id;

    if (json_is_string(json) && uuid_from_string(&id, json_string_value(json))
        && !uuid_is_zero(&id)) {
        r->last_txn_id = id;
        r->have_txn_id = true;
    }
}

/* Handles the outcome of applying an update: an 'error' (taken) drops
 * the session, and the next one starts from a whole snapshot. */
static void
apply_failed(struct replica *r, struct ovsdb_error *error)
{
    if (error) {
        VLOG_WARN("cannot apply the server's update (%s: %s); resyncing",
                  ovsdb_error_tag(error),
                  ovsdb_error_details(error) ? ovsdb_error_details(error)
                                             : "");
        ovsdb_error_destroy(error);
        uuid_zero(&r->last_txn_id);
        r->have_txn_id = false;
        replica_rotate(r, "bad update");
    }
}

/* Applies 'updates' (borrowed). */
static void
apply(struct replica *r, const json_t *updates,
      enum replica_update_format format, bool snapshot)
{
    apply_failed(r,
                 replica_apply(r->db, &r->base, updates, format, snapshot, r));
}

/* Applies the reply of "monitor_cond_since" kept as text by the session
 * ('rt': found, last id, updates): the updates, the bulk of a snapshot,
 * go straight from the text into the replica.  Returns false if the reply
 * is not of that shape; the caller then decodes it. */
static bool
apply_since_text(struct replica *r, const struct json_text_array *rt,
                 bool *snapshot)
{
    json_t *found, *id;
    struct ovsdb_error *error;

    if (rt->n != 3 || r->method != M_SINCE) {
        return false;
    }
    found = json_text_array_get(rt, 0);
    id = json_text_array_get(rt, 1);
    *snapshot = !json_is_true(found);
    set_last_txn_id(r, id);
    json_decref(found);
    json_decref(id);
    r->stats.last_initial_bytes = rt->elems[2].len;
    error =
        replica_apply_text(r->db, &r->base, rt->buf + rt->elems[2].ofs,
                           rt->elems[2].len, REPLICA_UPDATE2, *snapshot, r);
    apply_failed(r, error);
    return true;
}

static void
handle_monitor_reply(struct replica *r, const struct jsonrpc_msg *msg)
{
    const json_t *updates;
    bool snapshot = true;

    if (msg->type == JSONRPC_ERROR) {
        if (r->method < M_PLAIN) {
            VLOG_INFO("%s: %s refused, trying %s", r->active,
                      method_names[r->method], method_names[r->method + 1]);
            r->method++;
            request_monitor(r);
        } else {
            replica_rotate(r, "monitor refused");
        }
        return;
    }
    if (!msg->result_text
        || !apply_since_text(r, msg->result_text, &snapshot)) {
        updates = jsonrpc_msg_get_result(msg);
        if (r->method == M_SINCE) {
            snapshot = !json_is_true(json_array_get(updates, 0));
            set_last_txn_id(r, json_array_get(updates, 1));
            updates = json_array_get(updates, 2);
        }
        r->stats.last_initial_bytes =
            updates ? json_dumpb(updates, NULL, 0, JSON_COMPACT) : 0;
        apply(r, updates,
              r->method == M_PLAIN ? REPLICA_UPDATE1 : REPLICA_UPDATE2,
              snapshot);
    }
    if (r->state != R_MONITOR) {
        return; /* apply() gave up on the session. */
    }
    r->stats.snapshots += snapshot;
    r->stats.resumes += !snapshot;
    r->stats.connections++;
    r->state = R_READY;
    r->synced = true;
    r->stats.last_sync_ms = time_msec() - r->mon_sent_ms;
    if (snapshot) {
        r->stats.snapshot_bytes = r->stats.last_initial_bytes;
        r->stats.snapshot_ms = r->stats.last_sync_ms;
    } else {
        r->stats.resume_bytes = r->stats.last_initial_bytes;
        r->stats.resume_ms = r->stats.last_sync_ms;
    }
    if (r->left_ms) {
        r->stats.last_reconnect_ms = time_msec() - r->left_ms;
        r->left_ms = 0;
    }
    r->n_tried = 0;
    reconnect_init(&r->backoff, 0);
    VLOG_INFO("%s: following %s (%s, %s)", r->active, r->db->schema->name,
              method_names[r->method],
              snapshot ? "whole database" : "changes since last seen");
    /* Writes sent before the reconnection may or may not have committed:
     * the replica now says which, and the writer looks again.  Ready
     * first, so that what the writer writes again is sent. */
    writes_lost(r, "reconnected", false);
}

/* "update", "update2", "update3" notifications. */
static void on_update(struct jsonrpc_session *s, const struct jsonrpc_msg *msg,
                      void *r_);

/* ---- _Server ---- */

/* Merges the columns of the _Server row update 'ru' into 'row'. */
static void
server_row_merge(json_t *row, const json_t *ru)
{
    static const char *const kinds[] = { "initial", "insert", "modify",
                                         "new" };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        const json_t *v = json_object_get(ru, kinds[i]);

        if (json_is_object(v)) {
            json_object_update(row, (json_t *) v);
            return;
        }
    }
}

/* Checks the _Server rows in 'updates': on a cluster, a member that is
 * not connected to it, or not its leader, is left for the next remote
 * (writes go to the leader; a follower's view may lag). */
static void
check_server(struct replica *r, const json_t *updates)
{
    const json_t *rows = json_object_get(updates, "Database");
    const char *uuid, *name, *model;
    json_t *ru;

    json_object_foreach((json_t *) rows, uuid, ru) {
        const json_t *n =
            json_object_get(json_object_get(ru, "initial"), "name");

        n = n ? n : json_object_get(json_object_get(ru, "insert"), "name");
        n = n ? n : json_object_get(json_object_get(ru, "new"), "name");
        if (json_is_string(n)
            && !strcmp(json_string_value(n), r->db->schema->name)) {
            free(r->srv_uuid);
            r->srv_uuid = xstrdup(uuid);
            json_object_clear(r->srv_row);
        }
        if (r->srv_uuid && !strcmp(uuid, r->srv_uuid)) {
            server_row_merge(r->srv_row, ru);
        }
    }
    name = json_string_value(json_object_get(r->srv_row, "name"));
    model = json_string_value(json_object_get(r->srv_row, "model"));
    if (!name || !model || strcmp(model, "clustered")) {
        return;
    }
    if (!json_is_true(json_object_get(r->srv_row, "connected"))) {
        replica_rotate(r, "member not connected to the cluster");
    } else if (!json_is_true(json_object_get(r->srv_row, "leader"))) {
        r->saw_follower = true;
        replica_rotate(r, "member is not the leader");
    }
}

static void
request_server(struct replica *r)
{
    json_t *params =
        json_pack("[s s {s:[{s:[s s s s]}]}]", "_Server", "srv", "Database",
                  "columns", "name", "model", "connected", "leader");

    free(r->srv_uuid);
    r->srv_uuid = NULL;
    json_object_clear(r->srv_row);
    r->state = R_SERVER;
    r->srv_id = send_request(r, "monitor_cond", params);
}

static void
handle_server_reply(struct replica *r, const struct jsonrpc_msg *msg)
{
    if (msg->type == JSONRPC_REPLY) {
        check_server(r, msg->result);
    }
    /* A server without _Server (an older one, or vtepd) is standalone. */
    if (r->state == R_SERVER) {
        request_monitor(r);
    }
}

static void
on_update(struct jsonrpc_session *s, const struct jsonrpc_msg *msg, void *r_)
{
    struct replica *r = r_;
    const json_t *params = msg->params;
    const char *id = json_string_value(json_array_get(params, 0));
    bool v3 = !strcmp(msg->method, "update3");

    if (s != session_of(r) || !id) {
        return;
    }
    if (!strcmp(id, "srv")) {
        check_server(r, json_array_get(params, 1));
    } else if (!strcmp(id, "db") && r->state >= R_MONITOR) {
        if (v3) {
            set_last_txn_id(r, json_array_get(params, 1));
        }
        apply(r, json_array_get(params, v3 ? 2 : 1),
              !strcmp(msg->method, "update") ? REPLICA_UPDATE1
                                             : REPLICA_UPDATE2,
              false);
    }
}

static void
on_reply(struct jsonrpc_session *s, const struct jsonrpc_msg *msg, void *r_)
{
    struct replica *r = r_;
    struct replica_txn *t;
    int64_t id;

    if (s != session_of(r) || !json_is_integer(msg->id)) {
        return;
    }
    id = json_integer_value(msg->id);
    if (id != r->mon_id || r->state != R_MONITOR) {
        jsonrpc_msg_get_result(msg); /* Only the monitor's is parsed here. */
    }
    if (id == r->srv_id && r->state == R_SERVER) {
        handle_server_reply(r, msg);
    } else if (id == r->mon_id && r->state == R_MONITOR) {
        handle_monitor_reply(r, msg);
    } else {
        LIST_FOR_EACH(t, node, &r->txns) {
            if (t->id == id) {
                handle_txn_reply(r, t, msg);
                return;
            }
        }
    }
}

/* ---- Connecting ---- */

static void
connect_current(struct replica *r)
{
    struct jsonrpc_options o = { .max_msg_size = REPLICA_MAX_MSG_SIZE,
                                 .lazy_result = true };

    free(r->active);
    r->active = xstrdup(r->remotes[r->cur]);
    r->state = R_CONNECTING;
    r->n_tried++;
    VLOG_INFO("%s: connecting", r->active);
    jsonrpc_server_add_remote(r->rpc, r->active, &o);
    ev_timer_stop(r->loop, &r->timer);
    ev_timer_set(&r->timer, REPLICA_CONNECT_TIMEOUT_S, 0.);
    ev_timer_start(r->loop, &r->timer);
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct replica *r = container_of(w, struct replica, timer);

    if (!r->active) {
        connect_current(r);
    } else if (r->state == R_CONNECTING) {
        replica_rotate(r, "no connection");
    }
}

static void
rotate_cb(struct ev_loop *loop, ev_idle *w, int revents)
{
    struct replica *r = container_of(w, struct replica, rotate_w);

    ev_idle_stop(loop, w);
    if (r->active) {
        jsonrpc_server_remove_remote(r->rpc, r->active);
        free(r->active);
        r->active = NULL;
    }
    r->cur = (r->cur + 1) % r->n_remotes;
    ev_timer_stop(loop, &r->timer);
    if (r->n_tried < r->n_remotes) {
        connect_current(r);
    } else {
        /* A cluster electing a leader has one within an election timeout
         * or two: look again soon rather than backing off. */
        int ms = r->saw_follower ? REPLICA_ELECTION_RETRY_MS
                                 : reconnect_failed(&r->backoff);

        r->n_tried = 0;
        r->saw_follower = false;
        VLOG_INFO("no usable remote; trying again in %d ms", ms);
        ev_timer_set(&r->timer, ms / 1000.0, 0.);
        ev_timer_start(loop, &r->timer);
    }
}

/* Leaves the current remote for the next one (from the loop: callers may
 * be inside the session's callbacks). */
static void
replica_rotate(struct replica *r, const char *why)
{
    if (r->state != R_CONNECTING || r->active) {
        VLOG_INFO("%s: leaving (%s)", r->active ? r->active : "-", why);
    }
    if (r->state == R_READY) {
        r->left_ms = time_msec();
    }
    r->state = R_CONNECTING;
    /* Writes in flight have an unknown fate; they are resolved once the
     * next member has sent the database. */
    ev_idle_start(r->loop, &r->rotate_w);
}

static void
on_remote_change(const char *name, void *r_)
{
    struct replica *r = r_;

    if (!r->active || strcmp(name, r->active)) {
        return;
    }
    if (session_of(r)) {
        if (r->state == R_CONNECTING) {
            ev_timer_stop(r->loop, &r->timer);
            request_server(r);
        }
    } else if (r->state != R_CONNECTING) {
        replica_rotate(r, "connection lost");
    } else {
        /* The attempt failed (refused, unreachable): the next one. */
        replica_rotate(r, "cannot connect");
    }
}

struct replica *
replica_create(struct ev_loop *loop, struct ovsdb_db *db, char *const *remotes,
               size_t n)
{
    struct replica *r = xzalloc(sizeof *r);

    ASSERT(n > 0);
    r->loop = loop;
    r->db = db;
    r->remotes = xcalloc(n, sizeof *r->remotes);
    for (size_t i = 0; i < n; i++) {
        r->remotes[i] = xstrdup(remotes[i]);
    }
    r->n_remotes = n;
    hmap_init(&r->base);
    list_init(&r->txns);
    reconnect_init(&r->backoff, 0);
    ev_timer_init(&r->timer, timer_cb, 0., 0.);
    ev_idle_init(&r->rotate_w, rotate_cb);
    r->srv_row = json_object();
    r->rpc = jsonrpc_server_create(loop, NULL);
    jsonrpc_server_set_remote_change_cb(r->rpc, on_remote_change, r);
    jsonrpc_server_set_reply_handler(r->rpc, on_reply, r);
    jsonrpc_server_register(r->rpc, "update", on_update, r);
    jsonrpc_server_register(r->rpc, "update2", on_update, r);
    jsonrpc_server_register(r->rpc, "update3", on_update, r);
    ovsdb_db_set_commit_prepare(db, on_prepare, r);
    connect_current(r);
    return r;
}

void
replica_destroy(struct replica *r)
{
    if (!r) {
        return;
    }
    ovsdb_db_set_commit_prepare(r->db, NULL, NULL);
    ev_timer_stop(r->loop, &r->timer);
    ev_idle_stop(r->loop, &r->rotate_w);
    jsonrpc_server_set_remote_change_cb(r->rpc, NULL, NULL);
    jsonrpc_server_destroy(r->rpc);
    while (!list_is_empty(&r->txns)) {
        txn_free(container_of(list_front(&r->txns), struct replica_txn, node));
    }
    replica_base_clear(&r->base);
    hmap_destroy(&r->base);
    for (size_t i = 0; i < r->n_remotes; i++) {
        free(r->remotes[i]);
    }
    free(r->remotes);
    free(r->active);
    free(r->srv_uuid);
    json_decref(r->srv_row);
    free(r);
}

void
replica_reconnect(struct replica *r, bool forget)
{
    if (forget) {
        uuid_zero(&r->last_txn_id);
        r->have_txn_id = false;
    }
    replica_rotate(r, forget ? "asked to, from scratch" : "asked to");
}

size_t
replica_refused_rows(const struct replica *r,
                     const struct replica_row_ref **rows)
{
    *rows = r->refused ? r->refused->rows : NULL;
    return r->refused ? r->refused->n_rows : 0;
}

bool
replica_is_synced(const struct replica *r)
{
    return r->synced;
}

void
replica_set_lost_cb(struct replica *r, void (*cb)(bool refused, void *aux),
                    void *aux)
{
    r->lost_cb = cb;
    r->lost_aux = aux;
}

static const char *
state_name(enum replica_state state)
{
    return (state == R_CONNECTING ? "connecting"
            : state == R_SERVER   ? "checking _Server"
            : state == R_MONITOR  ? "syncing"
                                  : "ready");
}

void
replica_get_stats(const struct replica *r, struct replica_stats *st)
{
    *st = r->stats;
    st->remote = r->active;
    st->state = state_name(r->state);
    st->method = method_names[r->method];
    st->txns_pending = list_size(&r->txns);
}

void
replica_format_status(const struct replica *r, struct ds *out)
{
    struct replica_stats st;
    char id[UUID_LEN + 1];

    replica_get_stats(r, &st);
    uuid_to_string(&r->last_txn_id, id);
    ds_put_format(out, "remote: %s\nstate: %s\nmethod: %s\n",
                  st.remote ? st.remote : "(none)", st.state, st.method);
    ds_put_format(out, "last_txn_id: %s\n", r->have_txn_id ? id : "(none)");
    ds_put_format(out,
                  "connections: %llu\nsnapshots: %llu\nresumes: %llu\n"
                  "last_initial_bytes: %llu\nlast_sync_ms: %llu\n"
                  "last_reconnect_ms: %llu\n",
                  (unsigned long long) st.connections,
                  (unsigned long long) st.snapshots,
                  (unsigned long long) st.resumes,
                  (unsigned long long) st.last_initial_bytes,
                  (unsigned long long) st.last_sync_ms,
                  (unsigned long long) st.last_reconnect_ms);
    ds_put_format(out,
                  "snapshot_bytes: %llu\nsnapshot_ms: %llu\n"
                  "resume_bytes: %llu\nresume_ms: %llu\n",
                  (unsigned long long) st.snapshot_bytes,
                  (unsigned long long) st.snapshot_ms,
                  (unsigned long long) st.resume_bytes,
                  (unsigned long long) st.resume_ms);
    ds_put_format(out,
                  "txns_sent: %llu\ntxns_ok: %llu\ntxns_failed: %llu\n"
                  "txns_abandoned: %llu\ntxns_pending: %zu\nreverts: %llu\n",
                  (unsigned long long) st.txns_sent,
                  (unsigned long long) st.txns_ok,
                  (unsigned long long) st.txns_failed,
                  (unsigned long long) st.txns_abandoned, st.txns_pending,
                  (unsigned long long) st.reverts);
}
