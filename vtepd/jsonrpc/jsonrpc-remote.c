/* SPDX-License-Identifier: Apache-2.0 */
/* Remotes: listeners that accept sessions and active remotes that
 * connect (and reconnect with backoff). */
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

VLOG_DEFINE_THIS_MODULE(jsonrpc_remote);

/* Peer-caused problems: at most 60 lines a minute, bursts of 20. */
static struct vlog_rate_limit peer_rl = VLOG_RATE_LIMIT_INIT(60, 20);

/* Accepting. */

/* While the process is out of descriptors, accept() fails at once and a
 * listener stays readable: its level-triggered watcher would wake the loop
 * again and again, spinning a core.  So on such an error the listeners
 * stop, and start again when a session closes or after a pause that
 * doubles from 100 ms to 1.6 s while accepting keeps failing. */
#define ACCEPT_BACKOFF_MIN_MS 100
#define ACCEPT_BACKOFF_MAX_MS 1600

/* An error of one connection (it was reset before it could be accepted,
 * or a firewall refused it), after which the next may well work.  Any
 * other error (out of descriptors or memory: EMFILE, ENFILE, ENOBUFS,
 * ENOMEM) is a condition of the process that a retry at once would only
 * repeat. */
static bool
accept_error_is_peers(int error)
{
    return error == -ECONNABORTED || error == -EINTR || error == -EPROTO
           || error == -EPERM;
}

static void
accept_start_listeners(struct jsonrpc_server *server, bool start)
{
    struct jsonrpc_remote *r;

    LIST_FOR_EACH(r, node, &server->remotes) {
        if (r->pstream && start) {
            ev_io_start(server->loop, &r->accept_w);
        } else if (r->pstream) {
            ev_io_stop(server->loop, &r->accept_w);
        }
    }
}

static void
accept_pause(struct jsonrpc_remote *r, int error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(6, 1);
    struct jsonrpc_server *server = r->server;

    server->accept_backoff_ms =
        server->accept_backoff_ms
            ? MIN(server->accept_backoff_ms * 2, ACCEPT_BACKOFF_MAX_MS)
            : ACCEPT_BACKOFF_MIN_MS;
    VLOG_WARN_RL(&rl,
                 "%s: accept failed (%s) with %zu sessions open: not "
                 "accepting connections for %d ms or until a session closes",
                 r->name, strerror(-error), server->n_sessions,
                 server->accept_backoff_ms);
    accept_start_listeners(server, false);
    server->accept_paused = true;
    ev_timer_set(&server->accept_retry_w, server->accept_backoff_ms / 1000.0,
                 0.);
    ev_timer_start(server->loop, &server->accept_retry_w);
}

void
jsonrpc_accept_resume(struct jsonrpc_server *server)
{
    if (server->accept_paused) {
        server->accept_paused = false;
        ev_timer_stop(server->loop, &server->accept_retry_w);
        accept_start_listeners(server, true);
    }
}

static void
accept_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    jsonrpc_accept_resume(
        container_of(w, struct jsonrpc_server, accept_retry_w));
}

void
jsonrpc_accept_init(struct jsonrpc_server *server)
{
    ev_timer_init(&server->accept_retry_w, accept_retry_cb, 0., 0.);
}

void
jsonrpc_accept_destroy(struct jsonrpc_server *server)
{
    ev_timer_stop(server->loop, &server->accept_retry_w);
}

/* Closes 'stream' at once if the server is at its session limit.  Returns
 * true if it did. */
static bool
accept_refuse(struct jsonrpc_remote *r, struct stream *stream)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(6, 1);
    struct jsonrpc_server *server = r->server;

    if (!server->max_sessions || server->n_sessions < server->max_sessions) {
        return false;
    }
    server->n_refused++;
    VLOG_WARN_RL(&rl,
                 "%s: closing connection from %s: already %zu sessions, the "
                 "session limit; %llu refused so far",
                 r->name, stream_name(stream), server->n_sessions,
                 (unsigned long long) server->n_refused);
    stream_close(stream);
    return true;
}

static void
remote_accept_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct jsonrpc_remote *r =
        container_of(w, struct jsonrpc_remote, accept_w);
    int i;

    for (i = 0; i < MAX_ACCEPTS_PER_EVENT; i++) {
        struct stream *stream;
        int error = pstream_accept(r->pstream, &stream);

        if (error == -EAGAIN) {
            return;
        } else if (error && accept_error_is_peers(error)) {
            VLOG_WARN_RL(&peer_rl, "%s: accept failed (%s)", r->name,
                         strerror(-error));
            continue;
        } else if (error) {
            accept_pause(r, error);
            return;
        }
        r->server->accept_backoff_ms = 0;
        if (accept_refuse(r, stream)) {
            continue;
        }
        VLOG_DBG("%s: accepted connection %s", r->name, stream_name(stream));
        jsonrpc_session_create(r->server, r, stream, false);
        jsonrpc_remote_changed(r);
    }
}

void
jsonrpc_server_set_max_sessions(struct jsonrpc_server *server, size_t max)
{
    server->max_sessions = max;
}

size_t
jsonrpc_server_get_max_sessions(const struct jsonrpc_server *server)
{
    return server->max_sessions;
}

uint64_t
jsonrpc_server_n_refused(const struct jsonrpc_server *server)
{
    return server->n_refused;
}

/* Remotes. */

/* Starts a connection attempt for an active remote. */
static void
remote_connect(struct jsonrpc_remote *r)
{
    struct stream *stream;
    int error = stream_open(r->name, &stream);

    if (error) {
        int delay = reconnect_failed(&r->reconnect);

        VLOG_INFO("%s: connection attempt failed (%s), reconnecting in %d ms",
                  r->name, strerror(-error), delay);
        ev_timer_set(&r->retry_w, delay / 1000.0, 0.);
        ev_timer_start(r->server->loop, &r->retry_w);
        return;
    }
    r->session = jsonrpc_session_create(r->server, r, stream, true);
}

static void
remote_retry_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    remote_connect(container_of(w, struct jsonrpc_remote, retry_w));
}

void
jsonrpc_remote_schedule_retry(struct jsonrpc_remote *r)
{
    int delay = reconnect_failed(&r->reconnect);

    VLOG_INFO("%s: reconnecting in %d ms", r->name, delay);
    ev_timer_set(&r->retry_w, delay / 1000.0, 0.);
    ev_timer_start(r->server->loop, &r->retry_w);
}

/* Tells the server's owner that 'r''s sessions changed. */
void
jsonrpc_remote_changed(struct jsonrpc_remote *r)
{
    if (r->server->change_func) {
        r->server->change_func(r->name, r->server->change_aux);
    }
}

static struct jsonrpc_remote *
remote_find(const struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_remote *r;

    LIST_FOR_EACH(r, node, &server->remotes) {
        if (!strcmp(r->name, name)) {
            return r;
        }
    }
    return NULL;
}

int
jsonrpc_server_add_remote(struct jsonrpc_server *server, const char *name,
                          const struct jsonrpc_options *options)
{
    struct jsonrpc_remote *r;
    bool passive = stream_name_is_passive(name);

    if (passive ? !pstream_verify_name(name) : !stream_verify_name(name)) {
        return -EINVAL;
    }
    if (remote_find(server, name)) {
        return -EEXIST;
    }
    r = xzalloc(sizeof *r);
    r->server = server;
    r->name = xstrdup(name);
    jsonrpc_options_fill(&r->options, options, &server->options);
    reconnect_init(&r->reconnect, r->options.max_backoff_ms);
    ev_timer_init(&r->retry_w, remote_retry_cb, 0., 0.);
    if (passive) {
        int error = pstream_open(name, &r->pstream);

        if (error) {
            free(r->name);
            free(r);
            return error;
        }
        ev_io_init(&r->accept_w, remote_accept_cb, pstream_fd(r->pstream),
                   EV_READ);
        if (!server->accept_paused) {
            ev_io_start(server->loop, &r->accept_w);
        }
        list_push_back(&server->remotes, &r->node);
    } else {
        list_push_back(&server->remotes, &r->node);
        remote_connect(r);
    }
    return 0;
}

void
jsonrpc_remote_destroy(struct jsonrpc_remote *r)
{
    struct jsonrpc_session *s, *next;
    struct ev_loop *loop = r->server->loop;

    LIST_FOR_EACH_SAFE(s, next, node, &r->server->sessions) {
        if (s->remote == r) {
            s->remote = NULL;
            jsonrpc_session_close_later(s, xstrdup("remote removed"));
        }
    }
    ev_timer_stop(loop, &r->retry_w);
    if (r->pstream) {
        ev_io_stop(loop, &r->accept_w);
        pstream_close(r->pstream);
    }
    list_remove(&r->node);
    free(r->name);
    free(r);
}

int
jsonrpc_server_remove_remote(struct jsonrpc_server *server, const char *name)
{
    struct jsonrpc_remote *r = remote_find(server, name);

    if (!r) {
        return -ENOENT;
    }
    jsonrpc_remote_destroy(r);
    return 0;
}

uint16_t
jsonrpc_server_get_port(const struct jsonrpc_server *server, const char *name)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    return r && r->pstream ? pstream_get_bound_port(r->pstream) : 0;
}

int
jsonrpc_server_set_remote_options(struct jsonrpc_server *server,
                                  const char *name,
                                  const struct jsonrpc_options *options)
{
    struct jsonrpc_remote *r = remote_find(server, name);
    struct jsonrpc_session *s;

    if (!r) {
        return -ENOENT;
    }
    jsonrpc_options_fill(&r->options, options, &server->options);
    r->reconnect.max_backoff_ms = r->options.max_backoff_ms;
    LIST_FOR_EACH(s, node, &server->sessions) {
        if (s->remote == r) {
            s->options.max_backoff_ms = r->options.max_backoff_ms;
            jsonrpc_session_set_probe_interval(s, r->options.probe_ms);
        }
    }
    return 0;
}

const char *
jsonrpc_remote_state_to_string(enum jsonrpc_remote_state state)
{
    switch (state) {
    case JSONRPC_REMOTE_LISTENING:
        return "LISTENING";
    case JSONRPC_REMOTE_VOID:
        return "VOID";
    case JSONRPC_REMOTE_BACKOFF:
        return "BACKOFF";
    case JSONRPC_REMOTE_CONNECTING:
        return "CONNECTING";
    case JSONRPC_REMOTE_ACTIVE:
        return "ACTIVE";
    case JSONRPC_REMOTE_IDLE:
        return "IDLE";
    }
    return "?";
}

static enum jsonrpc_remote_state
remote_state(const struct jsonrpc_remote *r)
{
    const struct jsonrpc_session *s = r->session;

    if (r->pstream) {
        return JSONRPC_REMOTE_LISTENING;
    } else if (s && s->connecting) {
        return JSONRPC_REMOTE_CONNECTING;
    } else if (s) {
        return s->probe_sent ? JSONRPC_REMOTE_IDLE : JSONRPC_REMOTE_ACTIVE;
    } else if (ev_is_active(&r->retry_w)) {
        return JSONRPC_REMOTE_BACKOFF;
    }
    return JSONRPC_REMOTE_VOID;
}

bool
jsonrpc_server_get_remote_status(const struct jsonrpc_server *server,
                                 const char *name,
                                 struct jsonrpc_remote_status *status)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    memset(status, 0, sizeof *status);
    if (!r) {
        return false;
    }
    status->state = remote_state(r);
    status->n_sessions = r->n_sessions;
    status->last_connected = r->last_connected;
    status->last_disconnected = r->last_disconnected;
    status->last_error = r->last_error;
    status->bound_port = r->pstream ? pstream_get_bound_port(r->pstream) : 0;
    return true;
}

struct jsonrpc_session *
jsonrpc_server_get_remote_session(const struct jsonrpc_server *server,
                                  const char *name)
{
    const struct jsonrpc_remote *r = remote_find(server, name);

    return r && r->session && !r->session->connecting && !r->session->closing
               ? r->session
               : NULL;
}

void
jsonrpc_server_set_remote_change_cb(struct jsonrpc_server *server,
                                    jsonrpc_remote_change_func *cb, void *aux)
{
    server->change_func = cb;
    server->change_aux = aux;
}
