/* SPDX-License-Identifier: Apache-2.0 */
/* The JSON-RPC server: method dispatch, output corking, and the
 * listeners, remotes and sessions it owns. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/json-text.h"
#include "lib/list.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/jsonrpc/jsonrpc-private.h"
#include "vtepd/jsonrpc/reconnect.h"
#include "vtepd/jsonrpc/stream.h"

VLOG_DEFINE_THIS_MODULE(jsonrpc_server);

/* Peer-caused problems: at most 60 lines a minute, bursts of 20. */
static struct vlog_rate_limit peer_rl = VLOG_RATE_LIMIT_INIT(60, 20);

void
jsonrpc_server_cork(struct jsonrpc_server *server)
{
    server->cork++;
}

/* Flushes every session that queued output while corked. */
void
jsonrpc_server_uncork(struct jsonrpc_server *server)
{
    ASSERT(server->cork > 0);
    if (--server->cork) {
        return;
    }
    while (!list_is_empty(&server->dirty)) {
        struct jsonrpc_session *s =
            container_of(list_pop_front(&server->dirty),
                         struct jsonrpc_session, dirty_node);

        s->is_dirty = false;
        jsonrpc_session_flush(s);
    }
}

/* Input. */

/* The error ovsdb-server sends for a request whose id is still pending. */
static json_t *
duplicate_id_error(const struct jsonrpc_msg *request)
{
    char *syntax = json_dumps(jsonrpc_msg_get_params(request),
                              JSON_COMPACT | JSON_SORT_KEYS);
    json_t *error = json_object();

    json_object_set_new(error, "syntax", json_string(syntax ? syntax : ""));
    json_object_set_new(
        error, "details",
        json_sprintf("%s: duplicate request ID", request->method));
    json_object_set_new(error, "error", json_string("syntax error"));
    free(syntax);
    return error;
}

static struct jsonrpc_method *
find_method(const struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_method *m;

    HMAP_FOR_EACH_WITH_HASH(m, node, hash_string(name, 0), &server->methods) {
        if (!strcmp(m->name, name)) {
            return m;
        }
    }
    return NULL;
}

static void
session_dispatch_request(struct jsonrpc_session *s,
                         const struct jsonrpc_msg *msg)
{
    struct jsonrpc_server *server = s->server;
    struct jsonrpc_method *m;

    if (!s->options.no_echo && !strcmp(msg->method, "echo")) {
        jsonrpc_session_reply(s, msg, json_deep_copy(msg->params));
        return;
    }
    if (msg->type == JSONRPC_REQUEST
        && jsonrpc_session_find_deferred(s, msg->id)) {
        jsonrpc_session_reply_error(s, msg, duplicate_id_error(msg));
        return;
    }

    s->current = msg;
    s->current_done = false;
    m = find_method(server, msg->method);
    if (m) {
        m->func(s, msg, m->aux);
    } else if (server->fallback) {
        server->fallback(s, msg, server->fallback_aux);
    } else {
        jsonrpc_session_reply_error(s, msg, json_string("unknown method"));
    }
    if (msg->type == JSONRPC_REQUEST && !s->current_done) {
        VLOG_ERR("%s: handler for \"%s\" neither answered nor deferred the "
                 "request",
                 stream_name(s->stream), msg->method);
        jsonrpc_session_reply_error(s, msg, json_string("internal error"));
    }
    s->current = NULL;
}

static void
session_dispatch_reply(struct jsonrpc_session *s,
                       const struct jsonrpc_msg *msg)
{
    if (json_is_string(msg->id)
        && !strcmp(json_string_value(msg->id), "echo")) {
        return; /* Answer to our inactivity probe; arrival was enough. */
    }
    if (s->server->reply_func) {
        s->server->reply_func(s, msg, s->server->reply_aux);
    } else {
        VLOG_WARN_RL(&peer_rl, "%s: received unexpected %s message",
                     stream_name(s->stream),
                     jsonrpc_msg_type_to_string(msg->type));
    }
}

/* Gives 'msg', converted from a message whose "params" was kept as text
 * (a placeholder stands in 'msg->params'), its real params: the text for
 * a method that takes it, else the decoded array. */
static void
msg_attach_params(const struct jsonrpc_server *server, struct jsonrpc_msg *msg,
                  struct json_text_array *text)
{
    const struct jsonrpc_method *m;

    json_decref(msg->params);
    msg->params = NULL;
    m = msg->method ? find_method(server, msg->method) : NULL;
    if (m && m->text_params && msg->type == JSONRPC_REQUEST) {
        msg->params_text = json_text_array_ref(text);
    } else {
        msg->params = json_text_array_to_json(text);
    }
}

/* Handles one message: 'json' (borrowed), with its "params" in
 * 'params_text' (borrowed) if the parser kept it as text. */
void
jsonrpc_server_handle_json(struct jsonrpc_session *s, json_t *json,
                           struct json_text_array *params_text)
{
    struct jsonrpc_msg *msg;
    char *error;

    bool result_text = params_text && s->options.lazy_result;

    if (params_text) {
        /* Validation only needs to see that the member is an array. */
        json_object_set_new(json, result_text ? "result" : "params",
                            json_array());
    }
    msg = jsonrpc_msg_from_json(json, &error);
    if (!msg) {
        char *what = xasprintf("received bad JSON-RPC message: %s", error);

        jsonrpc_session_protocol_error(s, what);
        free(what);
        free(error);
        return;
    }
    if (result_text) {
        if (msg->type == JSONRPC_REPLY) {
            msg->result_text = json_text_array_ref(params_text);
        } else {
            /* "result" in a request: left for validation to refuse. */
            json_decref(msg->result);
            msg->result = json_text_array_to_json(params_text);
        }
    } else if (params_text && msg->params) {
        msg_attach_params(s->server, msg, params_text);
    }
    if (s->remote && s->remote->session == s) {
        reconnect_activity(&s->remote->reconnect);
    }
    if (msg->type == JSONRPC_REQUEST || msg->type == JSONRPC_NOTIFY) {
        session_dispatch_request(s, msg);
    } else {
        session_dispatch_reply(s, msg);
    }
    jsonrpc_msg_destroy(msg);
}

/* The server. */

struct jsonrpc_server *
jsonrpc_server_create(struct ev_loop *loop,
                      const struct jsonrpc_options *options)
{
    static const struct jsonrpc_options defaults = {
        .max_msg_size = JSONRPC_DEFAULT_MAX_MSG_SIZE,
        .max_depth = JSONRPC_DEFAULT_MAX_DEPTH,
        .max_backlog = JSONRPC_DEFAULT_MAX_BACKLOG,
        .probe_ms = JSONRPC_DEFAULT_PROBE_MS,
        .max_backoff_ms = RECONNECT_DEFAULT_MAX_BACKOFF_MS,
    };
    struct jsonrpc_server *server = xzalloc(sizeof *server);

    server->loop = loop;
    jsonrpc_options_fill(&server->options, options, &defaults);
    list_init(&server->remotes);
    list_init(&server->sessions);
    list_init(&server->dirty);
    hmap_init(&server->methods);
    jsonrpc_accept_init(server);
    return server;
}

void
jsonrpc_server_destroy(struct jsonrpc_server *server)
{
    struct jsonrpc_remote *r, *next_r;
    struct jsonrpc_session *s, *next_s;
    struct jsonrpc_method *m;

    if (!server) {
        return;
    }
    LIST_FOR_EACH_SAFE(s, next_s, node, &server->sessions) {
        s->remote = NULL;
        jsonrpc_session_destroy(s);
    }
    LIST_FOR_EACH_SAFE(r, next_r, node, &server->remotes) {
        jsonrpc_remote_destroy(r);
    }
    jsonrpc_accept_destroy(server);
    HMAP_FOR_EACH_SAFE(m, node, &server->methods) {
        hmap_remove(&server->methods, &m->node);
        free(m->name);
        free(m);
    }
    hmap_destroy(&server->methods);
    free(server);
}

static void
server_register(struct jsonrpc_server *server, const char *method,
                jsonrpc_method_func *func, void *aux, bool text_params)
{
    struct jsonrpc_method *m = find_method(server, method);

    if (!m) {
        m = xzalloc(sizeof *m);
        m->name = xstrdup(method);
        hmap_insert(&server->methods, &m->node, hash_string(method, 0));
    }
    m->func = func;
    m->aux = aux;
    m->text_params = text_params;
}

void
jsonrpc_server_register(struct jsonrpc_server *server, const char *method,
                        jsonrpc_method_func *func, void *aux)
{
    server_register(server, method, func, aux, false);
}

void
jsonrpc_server_register_text(struct jsonrpc_server *server, const char *method,
                             jsonrpc_method_func *func, void *aux)
{
    server_register(server, method, func, aux, true);
}

void
jsonrpc_server_set_fallback(struct jsonrpc_server *server,
                            jsonrpc_method_func *func, void *aux)
{
    server->fallback = func;
    server->fallback_aux = aux;
}

void
jsonrpc_server_set_reply_handler(struct jsonrpc_server *server,
                                 jsonrpc_reply_func *func, void *aux)
{
    server->reply_func = func;
    server->reply_aux = aux;
}

void
jsonrpc_server_for_each_session(struct jsonrpc_server *server,
                                void (*cb)(struct jsonrpc_session *,
                                           void *aux),
                                void *aux)
{
    struct jsonrpc_session *s, *next;

    LIST_FOR_EACH_SAFE(s, next, node, &server->sessions) {
        if (!s->closing && !s->connecting) {
            cb(s, aux);
        }
    }
}

size_t
jsonrpc_server_n_sessions(const struct jsonrpc_server *server)
{
    return server->n_sessions;
}

size_t
jsonrpc_server_n_remotes(const struct jsonrpc_server *server)
{
    return list_size(&server->remotes);
}

struct ev_loop *
jsonrpc_server_loop(const struct jsonrpc_server *server)
{
    return server->loop;
}
