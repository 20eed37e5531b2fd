/* SPDX-License-Identifier: Apache-2.0 */
/* A JSON-RPC server for script tests: serves the given remotes with a few
 * toy methods, so that tests/interop/jsonrpc.py can exercise framing,
 * limits, backpressure, probes, deferred replies and reconnection.
 *
 * usage: test-jsonrpc-server [--max-msg-size=N] [--max-backlog=N]
 *            [--probe=MS] [--max-backoff=MS] [--port-file=FILE] REMOTE...
 *
 * Methods: "add" [a, b] -> a + b; "blob" [n] -> a string of n 'x';
 * "defer" [ms] -> "done" after ms (a "cancel" notification [id] answers it
 * with {"error":"canceled"} at once); "broadcast" [text] -> sends the
 * notification "bcast" [text] to every session from one shared buffer and
 * answers the number of sessions.  SIGTERM or SIGINT stops it cleanly. */
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "tests/programs/port-file.h"

VLOG_DEFINE_THIS_MODULE(test_server);

#define MAX_BLOB (64 * 1024 * 1024)

/* A deferred "defer" request and its timer. */
struct pending {
    ev_timer timer;
    struct jsonrpc_deferred *deferred;
    struct ev_loop *loop;
};

static json_t *
error_json(const char *error, const char *details)
{
    return json_pack("{s:s, s:s}", "error", error, "details", details);
}

static void
method_add(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
           void *aux)
{
    json_t *a = json_array_get(request->params, 0);
    json_t *b = json_array_get(request->params, 1);

    if (json_array_size(request->params) != 2 || !json_is_integer(a)
        || !json_is_integer(b)) {
        jsonrpc_session_reply_error(
            s, request, error_json("wrong type", "add takes two integers"));
        return;
    }
    jsonrpc_session_reply(
        s, request,
        json_integer(json_integer_value(a) + json_integer_value(b)));
}

static void
method_blob(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
            void *aux)
{
    json_t *n = json_array_get(request->params, 0);
    json_int_t size = json_is_integer(n) ? json_integer_value(n) : -1;
    char *blob;

    if (size < 0 || size > MAX_BLOB) {
        jsonrpc_session_reply_error(
            s, request, error_json("wrong type", "blob takes a size"));
        return;
    }
    blob = xmalloc((size_t) size);
    memset(blob, 'x', (size_t) size);
    jsonrpc_session_reply(s, request,
                          json_stringn_nocheck(blob, (size_t) size));
    free(blob);
}

static void
pending_free(struct pending *p)
{
    ev_timer_stop(p->loop, &p->timer);
    free(p);
}

static void
pending_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct pending *p = container_of(w, struct pending, timer);

    jsonrpc_deferred_reply(p->deferred, json_string("done"));
    pending_free(p);
}

static void
pending_cancel_cb(struct jsonrpc_deferred *d, void *p)
{
    pending_free(p);
}

static void
method_defer(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
             void *loop_)
{
    json_t *ms = json_array_get(request->params, 0);
    struct pending *p;

    if (!json_is_integer(ms) || request->type != JSONRPC_REQUEST) {
        jsonrpc_session_reply_error(
            s, request, error_json("wrong type", "defer takes a delay"));
        return;
    }
    p = xzalloc(sizeof *p);
    p->loop = loop_;
    p->deferred = jsonrpc_session_defer(s, request, pending_cancel_cb, p);
    ev_timer_init(&p->timer, pending_timer_cb,
                  (double) json_integer_value(ms) / 1000.0, 0.);
    ev_timer_start(p->loop, &p->timer);
}

static void
method_cancel(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
              void *aux)
{
    struct jsonrpc_deferred *d =
        jsonrpc_session_find_deferred(s, json_array_get(request->params, 0));

    if (d) {
        struct pending *p = jsonrpc_deferred_aux(d);

        jsonrpc_deferred_reply_error(d,
                                     json_pack("{s:s}", "error", "canceled"));
        pending_free(p);
    }
}

static void
send_buf_cb(struct jsonrpc_session *s, void *buf)
{
    jsonrpc_session_send_buf(s, buf);
}

static void
method_broadcast(struct jsonrpc_session *s, const struct jsonrpc_msg *request,
                 void *server)
{
    struct jsonrpc_msg *msg =
        jsonrpc_create_notify("bcast", json_deep_copy(request->params));
    struct jsonrpc_buf *buf = jsonrpc_buf_from_msg(msg);

    jsonrpc_server_for_each_session(server, send_buf_cb, buf);
    jsonrpc_buf_unref(buf);
    jsonrpc_msg_destroy(msg);
    jsonrpc_session_reply(
        s, request,
        json_integer((json_int_t) jsonrpc_server_n_sessions(server)));
}

static void
on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
    ev_break(loop, EVBREAK_ALL);
}

int
main(int argc, char *argv[])
{
    static const struct option long_options[] = {
        { "max-msg-size", required_argument, NULL, 's' },
        { "max-backlog", required_argument, NULL, 'b' },
        { "probe", required_argument, NULL, 'p' },
        { "max-backoff", required_argument, NULL, 'r' },
        { "port-file", required_argument, NULL, 'f' },
        { NULL, 0, NULL, 0 },
    };
    struct jsonrpc_options options = { 0 };
    const char *port_file = NULL;
    struct jsonrpc_server *server;
    ev_signal sigterm_w, sigint_w;
    struct ev_loop *loop;
    int c, i;

    set_program_name(argv[0]);
    while ((c = getopt_long(argc, argv, "", long_options, NULL)) != -1) {
        switch (c) {
        case 's':
            options.max_msg_size = strtoul(optarg, NULL, 10);
            break;
        case 'b':
            options.max_backlog = strtoul(optarg, NULL, 10);
            break;
        case 'p':
            options.probe_ms = atoi(optarg);
            break;
        case 'r':
            options.max_backoff_ms = atoi(optarg);
            break;
        case 'f':
            port_file = optarg;
            break;
        default:
            return EXIT_FAILURE;
        }
    }
    signal(SIGPIPE, SIG_IGN);
    loop = ev_default_loop(EVFLAG_AUTO);
    server = jsonrpc_server_create(loop, &options);
    jsonrpc_server_register(server, "add", method_add, NULL);
    jsonrpc_server_register(server, "blob", method_blob, NULL);
    jsonrpc_server_register(server, "defer", method_defer, loop);
    jsonrpc_server_register(server, "cancel", method_cancel, NULL);
    jsonrpc_server_register(server, "broadcast", method_broadcast, server);
    for (i = optind; i < argc; i++) {
        int error = jsonrpc_server_add_remote(server, argv[i], NULL);

        if (error) {
            fprintf(stderr, "%s: %s: %s\n", program_name, argv[i],
                    strerror(-error));
            jsonrpc_server_destroy(server);
            return EXIT_FAILURE;
        }
    }
    if (port_file) {
        write_port_file(server, port_file, argv + optind, argc - optind);
    }

    ev_signal_init(&sigterm_w, on_signal, SIGTERM);
    ev_signal_init(&sigint_w, on_signal, SIGINT);
    ev_signal_start(loop, &sigterm_w);
    ev_signal_start(loop, &sigint_w);
    VLOG_INFO("serving %d remotes", argc - optind);
    ev_run(loop, 0);

    jsonrpc_server_destroy(server);
    ev_loop_destroy(loop);
    vlog_close();
    return EXIT_SUCCESS;
}
