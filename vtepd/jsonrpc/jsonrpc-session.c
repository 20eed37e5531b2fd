/* SPDX-License-Identifier: Apache-2.0 */
/* JSON-RPC sessions: one peer each, with queued output, the inactivity
 * probe and deferred replies. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/json-text.h"
#include "lib/list.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/jsonrpc/jsonrpc-private.h"
#include "vtepd/jsonrpc/reconnect.h"
#include "vtepd/jsonrpc/stream.h"

VLOG_DEFINE_THIS_MODULE(jsonrpc);

/* Peer-caused problems: at most 60 lines a minute, bursts of 20. */
static struct vlog_rate_limit peer_rl = VLOG_RATE_LIMIT_INIT(60, 20);

static void chunk_free(struct out_chunk *);
static void session_update_io(struct jsonrpc_session *);

void
jsonrpc_options_fill(struct jsonrpc_options *dst,
                     const struct jsonrpc_options *src,
                     const struct jsonrpc_options *defaults)
{
    *dst = src ? *src : *defaults;
    if (!dst->max_msg_size) {
        dst->max_msg_size = defaults->max_msg_size;
    }
    if (!dst->max_depth) {
        dst->max_depth = defaults->max_depth;
    }
    if (!dst->max_backlog) {
        dst->max_backlog = defaults->max_backlog;
    }
    if (!dst->probe_ms) {
        dst->probe_ms = defaults->probe_ms;
    }
    if (!dst->max_backoff_ms) {
        dst->max_backoff_ms = defaults->max_backoff_ms;
    }
}

/* Sessions: creation and teardown. */

static void session_io_cb(struct ev_loop *, ev_io *, int revents);
static void session_probe_cb(struct ev_loop *, ev_timer *, int revents);
static void session_close_cb(struct ev_loop *, ev_timer *, int revents);

static void
session_start_probe(struct jsonrpc_session *s)
{
    struct ev_loop *loop = s->server->loop;

    ev_timer_stop(loop, &s->probe_w);
    if (s->connecting) {
        ev_timer_set(&s->probe_w, s->options.max_backoff_ms / 1000.0, 0.);
        ev_timer_start(loop, &s->probe_w);
    } else if (s->options.probe_ms > 0) {
        ev_timer_set(&s->probe_w, s->options.probe_ms / 1000.0, 0.);
        ev_timer_start(loop, &s->probe_w);
    }
}

/* Creates a session on 'stream' (taking ownership) for 'remote'. */
struct jsonrpc_session *
jsonrpc_session_create(struct jsonrpc_server *server,
                       struct jsonrpc_remote *remote, struct stream *stream,
                       bool connecting)
{
    struct jsonrpc_session *s = xzalloc(sizeof *s);

    s->server = server;
    s->remote = remote;
    s->stream = stream;
    s->options = remote->options;
    s->parser =
        jsonrpc_parser_create(s->options.max_msg_size, s->options.max_depth);
    jsonrpc_parser_set_lazy_key(s->parser,
                                s->options.lazy_result ? "result" : "params");
    s->connecting = connecting;
    s->last_rx = ev_now(server->loop);
    list_init(&s->output);
    hmap_init(&s->deferred);
    ev_io_init(&s->io_w, session_io_cb, stream_fd(stream), 0);
    ev_timer_init(&s->probe_w, session_probe_cb, 0., 0.);
    ev_timer_init(&s->close_w, session_close_cb, 0., 0.);
    list_push_back(&server->sessions, &s->node);
    server->n_sessions++;
    remote->n_sessions++;
    session_update_io(s);
    session_start_probe(s);
    return s;
}

static void
deferred_free(struct jsonrpc_deferred *d)
{
    hmap_remove(&d->session->deferred, &d->node);
    jsonrpc_msg_destroy(d->request);
    free(d);
}

/* Closes and frees 's' now, telling the upper layer and its remote. */
void
jsonrpc_session_destroy(struct jsonrpc_session *s)
{
    struct ev_loop *loop = s->server->loop;
    struct jsonrpc_deferred *d;
    struct out_chunk *chunk, *next;
    struct jsonrpc_remote *remote = s->remote;
    bool was_connected = !s->connecting;
    int error = s->error;

    ev_io_stop(loop, &s->io_w);
    ev_timer_stop(loop, &s->probe_w);
    ev_timer_stop(loop, &s->close_w);
    s->closing = true;

    HMAP_FOR_EACH_SAFE(d, node, &s->deferred) {
        if (d->cancel_cb) {
            d->cancel_cb(d, d->aux);
        }
        deferred_free(d);
    }
    hmap_destroy(&s->deferred);
    if (s->close_cb) {
        s->close_cb(s, s->data);
    }

    LIST_FOR_EACH_SAFE(chunk, next, node, &s->output) {
        chunk_free(chunk);
    }
    if (s->is_dirty) {
        list_remove(&s->dirty_node);
    }
    list_remove(&s->node);
    s->server->n_sessions--;
    jsonrpc_parser_destroy(s->parser);
    stream_close(s->stream);
    jsonrpc_accept_resume(s->server);
    free(s->close_reason);
    free(s);

    if (!remote) {
        return;
    }
    remote->n_sessions--;
    if (remote->session == s) {
        remote->session = NULL;
        if (was_connected) {
            remote->last_disconnected = ev_now(loop);
            remote->last_error = error;
        }
        jsonrpc_remote_schedule_retry(remote);
    }
    jsonrpc_remote_changed(remote);
}

static void
session_close_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_session *s =
        container_of(w, struct jsonrpc_session, close_w);

    if (s->close_reason) {
        VLOG_INFO("%s: %s", stream_name(s->stream), s->close_reason);
    }
    jsonrpc_session_destroy(s);
}

/* Stops all I/O on 's' and closes it from the event loop, so that callers
 * up the stack never see it freed. */
void
jsonrpc_session_close_later(struct jsonrpc_session *s, char *reason)
{
    struct ev_loop *loop = s->server->loop;

    if (s->closing) {
        free(reason);
        return;
    }
    s->closing = true;
    s->close_reason = reason;
    ev_io_stop(loop, &s->io_w);
    s->io_events = 0;
    ev_timer_stop(loop, &s->probe_w);
    ev_timer_start(loop, &s->close_w);
}

void
jsonrpc_session_disconnect(struct jsonrpc_session *s, const char *reason)
{
    jsonrpc_session_close_later(s, reason ? xstrdup(reason) : NULL);
}

/* Logs a peer-caused problem (rate-limited) and disconnects. */
void
jsonrpc_session_protocol_error(struct jsonrpc_session *s, const char *what)
{
    VLOG_WARN_RL(&peer_rl, "%s: %s, disconnecting", stream_name(s->stream),
                 what);
    jsonrpc_session_close_later(s, NULL);
}

/* Output. */

static void
session_update_io(struct jsonrpc_session *s)
{
    int events;

    if (s->closing) {
        return;
    }
    events = s->connecting
                 ? EV_WRITE
                 : EV_READ | (list_is_empty(&s->output) ? 0 : EV_WRITE);
    if (events != s->io_events) {
        ev_io_stop(s->server->loop, &s->io_w);
        ev_io_set(&s->io_w, stream_fd(s->stream), events);
        ev_io_start(s->server->loop, &s->io_w);
        s->io_events = events;
    }
}

/* Sends as much queued output as the stream takes now, up to MAX_IOV
 * chunks per write. */
void
jsonrpc_session_flush(struct jsonrpc_session *s)
{
    while (!s->closing && !list_is_empty(&s->output)) {
        struct iovec iov[MAX_IOV];
        struct out_chunk *chunk;
        size_t total = 0;
        bool short_write;
        ssize_t n;
        int n_iov = 0;

        LIST_FOR_EACH(chunk, node, &s->output) {
            iov[n_iov].iov_base = (char *) chunk->data + chunk->ofs;
            iov[n_iov].iov_len = chunk->len - chunk->ofs;
            total += chunk->len - chunk->ofs;
            if (++n_iov == MAX_IOV) {
                break;
            }
        }
        n = stream_sendv(s->stream, iov, n_iov);
        if (n == -EAGAIN) {
            break;
        } else if (n < 0) {
            s->error = (int) -n;
            jsonrpc_session_close_later(
                s, xasprintf("send error (%s)", strerror((int) -n)));
            return;
        }
        s->backlog -= (size_t) n;
        short_write = (size_t) n < total;
        while (n > 0) {
            size_t left;

            chunk =
                container_of(list_front(&s->output), struct out_chunk, node);
            left = chunk->len - chunk->ofs;
            if ((size_t) n < left) {
                chunk->ofs += (size_t) n;
                break;
            }
            n -= (ssize_t) left;
            list_remove(&chunk->node);
            chunk_free(chunk);
        }
        if (short_write) {
            break; /* The socket is full. */
        }
    }
    session_update_io(s);
}

static void
chunk_free(struct out_chunk *chunk)
{
    jsonrpc_buf_unref(chunk->buf);
    free(chunk);
}

/* Queues 'len' bytes at 'ofs' in 'buf' (a new reference), or, with 'buf'
 * NULL, a copy of the 'len' bytes at 'text'. */
static void
session_queue(struct jsonrpc_session *s, struct jsonrpc_buf *buf, size_t ofs,
              const char *text, size_t len)
{
    struct out_chunk *chunk;

    if (!len) {
        return;
    }
    if (buf) {
        chunk = xmalloc(sizeof *chunk);
        chunk->buf = jsonrpc_buf_ref(buf);
        chunk->data = jsonrpc_buf_data(buf) + ofs;
    } else {
        chunk = xmalloc(sizeof *chunk + len);
        chunk->buf = NULL;
        memcpy(chunk->own, text, len);
        chunk->data = chunk->own;
    }
    chunk->len = len;
    chunk->ofs = 0;
    list_push_back(&s->output, &chunk->node);
    s->backlog += len;
}

/* Sends what was queued, or schedules it to be sent. */
static void
session_output_queued(struct jsonrpc_session *s)
{
    if (s->backlog > s->options.max_backlog) {
        VLOG_WARN_RL(&peer_rl,
                     "%s: output backlog of %zu bytes exceeds the limit of "
                     "%zu (peer not reading?), disconnecting",
                     stream_name(s->stream), s->backlog,
                     s->options.max_backlog);
        jsonrpc_session_close_later(s, NULL);
        return;
    }
    if (s->connecting) {
        return;
    }
    if (s->server->cork) {
        if (!s->is_dirty) {
            s->is_dirty = true;
            list_push_back(&s->server->dirty, &s->dirty_node);
        }
    } else {
        jsonrpc_session_flush(s);
    }
}

void
jsonrpc_session_send_buf(struct jsonrpc_session *s, struct jsonrpc_buf *buf)
{
    if (!s->closing) {
        session_queue(s, buf, 0, NULL, jsonrpc_buf_size(buf));
        session_output_queued(s);
    }
}

void
jsonrpc_session_send_buf_spliced(struct jsonrpc_session *s,
                                 struct jsonrpc_buf *buf, size_t pos,
                                 size_t n_old, const char *text, size_t n)
{
    size_t size = jsonrpc_buf_size(buf);

    ASSERT(pos + n_old <= size);
    if (!s->closing) {
        session_queue(s, buf, 0, NULL, pos);
        session_queue(s, NULL, 0, text, n);
        session_queue(s, buf, pos + n_old, NULL, size - pos - n_old);
        session_output_queued(s);
    }
}

void
jsonrpc_session_send(struct jsonrpc_session *s, struct jsonrpc_msg *msg)
{
    if (!s->closing) {
        struct jsonrpc_buf *buf = jsonrpc_buf_from_msg(msg);

        jsonrpc_session_send_buf(s, buf);
        jsonrpc_buf_unref(buf);
    }
    jsonrpc_msg_destroy(msg);
}

void
jsonrpc_session_notify(struct jsonrpc_session *s, const char *method,
                       json_t *params)
{
    jsonrpc_session_send(s, jsonrpc_create_notify(method, params));
}

/* Replies. */

static void
session_mark_answered(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request)
{
    if (request == s->current) {
        s->current_done = true;
    }
}

void
jsonrpc_session_reply(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request, json_t *result)
{
    session_mark_answered(s, request);
    if (request->type != JSONRPC_REQUEST) {
        json_decref(result);
        return;
    }
    jsonrpc_session_send(s, jsonrpc_create_reply(result, request->id));
}

void
jsonrpc_session_reply_error(struct jsonrpc_session *s,
                            const struct jsonrpc_msg *request, json_t *error)
{
    session_mark_answered(s, request);
    if (request->type != JSONRPC_REQUEST) {
        json_decref(error);
        return;
    }
    jsonrpc_session_send(s, jsonrpc_create_error(error, request->id));
}

static void
session_send_reply_text(struct jsonrpc_session *s, const json_t *id,
                        const char *result, size_t n)
{
    if (!s->closing) {
        struct jsonrpc_buf *buf = jsonrpc_buf_from_reply_text(id, result, n);

        jsonrpc_session_send_buf(s, buf);
        jsonrpc_buf_unref(buf);
    }
}

void
jsonrpc_session_reply_text(struct jsonrpc_session *s,
                           const struct jsonrpc_msg *request,
                           const char *result, size_t n)
{
    session_mark_answered(s, request);
    if (request->type == JSONRPC_REQUEST) {
        session_send_reply_text(s, request->id, result, n);
    }
}

/* Deferred replies. */

/* A hash of 'id' consistent with json_equal(): values of different types
 * are never equal, so integers and strings (what clients use) hash
 * without being encoded. */
static uint32_t
hash_id(const json_t *id)
{
    char *text;
    uint32_t hash;

    if (json_is_integer(id)) {
        return hash_uint64((uint64_t) json_integer_value(id), 0);
    } else if (json_is_string(id)) {
        return hash_string(json_string_value(id), 1);
    }
    text = json_dumps(id, JSON_COMPACT | JSON_ENCODE_ANY);
    hash = hash_string(text ? text : "", 0);
    free(text);
    return hash;
}

struct jsonrpc_deferred *
jsonrpc_session_find_deferred(const struct jsonrpc_session *s,
                              const json_t *id)
{
    struct jsonrpc_deferred *d;

    if (hmap_is_empty(&s->deferred)) {
        return NULL; /* The usual case, and no need to hash 'id'. */
    }
    HMAP_FOR_EACH_WITH_HASH(d, node, hash_id(id), &s->deferred) {
        if (json_equal(d->request->id, id)) {
            return d;
        }
    }
    return NULL;
}

struct jsonrpc_deferred *
jsonrpc_session_defer(struct jsonrpc_session *s,
                      const struct jsonrpc_msg *request,
                      void (*cancel_cb)(struct jsonrpc_deferred *, void *aux),
                      void *aux)
{
    struct jsonrpc_deferred *d = xzalloc(sizeof *d);

    ASSERT(request->type == JSONRPC_REQUEST);
    session_mark_answered(s, request);
    d->session = s;
    d->request = jsonrpc_create_request(
        request->method,
        request->params ? json_deep_copy(request->params) : NULL,
        json_deep_copy(request->id));
    if (request->params_text) {
        d->request->params_text = json_text_array_ref(request->params_text);
    }
    d->cancel_cb = cancel_cb;
    d->aux = aux;
    hmap_insert(&s->deferred, &d->node, hash_id(request->id));
    return d;
}

void
jsonrpc_deferred_reply(struct jsonrpc_deferred *d, json_t *result)
{
    jsonrpc_session_send(d->session,
                         jsonrpc_create_reply(result, d->request->id));
    deferred_free(d);
}

void
jsonrpc_deferred_reply_error(struct jsonrpc_deferred *d, json_t *error)
{
    jsonrpc_session_send(d->session,
                         jsonrpc_create_error(error, d->request->id));
    deferred_free(d);
}

void
jsonrpc_deferred_reply_text(struct jsonrpc_deferred *d, const char *result,
                            size_t n)
{
    session_send_reply_text(d->session, d->request->id, result, n);
    deferred_free(d);
}

void
jsonrpc_deferred_forget(struct jsonrpc_deferred *d)
{
    deferred_free(d);
}

struct jsonrpc_session *
jsonrpc_deferred_session(const struct jsonrpc_deferred *d)
{
    return d->session;
}

const struct jsonrpc_msg *
jsonrpc_deferred_request(const struct jsonrpc_deferred *d)
{
    return d->request;
}

void *
jsonrpc_deferred_aux(const struct jsonrpc_deferred *d)
{
    return d->aux;
}

/* Feeds 'n' received bytes through the parser, handling each message. */
static void
session_process_input(struct jsonrpc_session *s, const char *data, size_t n)
{
    while (n && !s->closing) {
        size_t used;
        enum jsonrpc_parse_status status =
            jsonrpc_parser_feed(s->parser, data, n, &used);

        data += used;
        n -= used;
        if (status == JSONRPC_PARSE_MORE) {
            return;
        } else if (status == JSONRPC_PARSE_MESSAGE) {
            struct json_text_array *params_text;
            json_t *json = jsonrpc_parser_take_lazy(s->parser, &params_text);

            jsonrpc_server_handle_json(s, json, params_text);
            json_decref(json);
            json_text_array_unref(params_text);
        } else {
            jsonrpc_session_protocol_error(s, jsonrpc_parser_error(s->parser));
            return;
        }
    }
}

static void
session_read(struct jsonrpc_session *s)
{
    char buf[READ_CHUNK];
    int i;

    for (i = 0; i < MAX_READS_PER_EVENT && !s->closing; i++) {
        ssize_t n = stream_recv(s->stream, buf, sizeof buf);

        if (n == -EAGAIN) {
            return;
        } else if (n == 0) {
            if (jsonrpc_parser_is_partial(s->parser)) {
                VLOG_WARN_RL(&peer_rl,
                             "%s: connection closed in the middle "
                             "of a message",
                             stream_name(s->stream));
                jsonrpc_session_close_later(s, NULL);
            } else if (s->remote && !s->remote->pstream) {
                jsonrpc_session_close_later(
                    s, xstrdup("connection closed by peer"));
            } else {
                /* Clients of listeners come and go; not news. */
                VLOG_DBG("%s: connection closed by peer",
                         stream_name(s->stream));
                jsonrpc_session_close_later(s, NULL);
            }
            return;
        } else if (n < 0) {
            s->error = (int) -n;
            jsonrpc_session_close_later(
                s, xasprintf("receive error (%s)", strerror((int) -n)));
            return;
        }
        s->last_rx = ev_now(s->server->loop);
        s->probe_sent = false;
        session_process_input(s, buf, (size_t) n);
        if ((size_t) n < sizeof buf && stream_short_read_drains(s->stream)) {
            /* Empty now; the loop says when more arrives. */
            return;
        }
    }
}

/* Finishes an active connection. */
static void
session_finish_connect(struct jsonrpc_session *s)
{
    int error = stream_connect(s->stream);

    if (error == -EAGAIN) {
        return;
    } else if (error) {
        jsonrpc_session_close_later(
            s, xasprintf("connection attempt failed (%s)", strerror(-error)));
        return;
    }
    VLOG_INFO("%s: connected", stream_name(s->stream));
    s->connecting = false;
    s->last_rx = ev_now(s->server->loop);
    reconnect_connected(&s->remote->reconnect);
    s->remote->last_connected = s->last_rx;
    session_start_probe(s);
    jsonrpc_session_flush(s);
    jsonrpc_remote_changed(s->remote);
}

static void
session_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_session *s = container_of(w, struct jsonrpc_session, io_w);

    if (s->connecting) {
        session_finish_connect(s);
        return;
    }
    if (revents & EV_WRITE) {
        jsonrpc_session_flush(s);
    }
    if ((revents & EV_READ) && !s->closing) {
        struct jsonrpc_server *server = s->server;

        /* Replies to everything read now, and what the commits among it
         * send to other sessions, go out together afterwards. */
        jsonrpc_server_cork(server);
        session_read(s);
        jsonrpc_server_uncork(server);
    }
}

static void
session_probe_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct jsonrpc_session *s =
        container_of(w, struct jsonrpc_session, probe_w);
    double interval = s->options.probe_ms / 1000.0;
    double idle = ev_now(loop) - s->last_rx;
    double next;

    if (s->connecting) {
        jsonrpc_session_close_later(s,
                                    xstrdup("connection attempt timed out"));
        return;
    }
    if (s->probe_sent) {
        if (idle >= 2 * interval) {
            jsonrpc_session_close_later(
                s, xasprintf("no response to inactivity probe after %.3g "
                             "seconds, disconnecting",
                             idle));
            return;
        }
        next = 2 * interval - idle;
    } else if (idle >= interval) {
        VLOG_DBG("%s: idle %.3g seconds, sending inactivity probe",
                 stream_name(s->stream), idle);
        s->probe_sent = true;
        jsonrpc_session_send(s, jsonrpc_create_request("echo", json_array(),
                                                       json_string("echo")));
        next = interval;
    } else {
        next = interval - idle;
    }
    if (!s->closing) {
        ev_timer_set(w, next, 0.);
        ev_timer_start(loop, w);
    }
}

void
jsonrpc_session_set_data(struct jsonrpc_session *s, void *data,
                         void (*close_cb)(struct jsonrpc_session *,
                                          void *data))
{
    s->data = data;
    s->close_cb = close_cb;
}

void *
jsonrpc_session_get_data(const struct jsonrpc_session *s)
{
    return s->data;
}

const char *
jsonrpc_session_name(const struct jsonrpc_session *s)
{
    return stream_name(s->stream);
}

struct jsonrpc_server *
jsonrpc_session_server(const struct jsonrpc_session *s)
{
    return s->server;
}

void
jsonrpc_session_set_probe_interval(struct jsonrpc_session *s, int ms)
{
    s->options.probe_ms = ms > 0 ? ms : -1;
    if (!s->closing) {
        session_start_probe(s);
    }
}

size_t
jsonrpc_session_backlog(const struct jsonrpc_session *s)
{
    return s->backlog;
}
