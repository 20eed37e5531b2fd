/* SPDX-License-Identifier: Apache-2.0 */
#include "cli/rpc.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc.h"
#include "vtepd/jsonrpc/stream.h"

/* Replies larger than this are refused: a database dump of a full switch
 * fits many times over. */
#define CLI_RPC_MAX_REPLY (256u * 1024 * 1024)

struct cli_rpc {
    struct stream *stream;
    struct jsonrpc_parser *parser;
    char buf[65536]; /* Bytes read but not yet parsed. */
    size_t buf_len, buf_ofs;
    int timeout_ms;
    int next_id;
};

static long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits until the stream's fd is ready for 'events' or 'deadline' passes.
 * Returns 0 or -ETIMEDOUT. */
static int
wait_fd(const struct cli_rpc *rpc, short events, long long deadline)
{
    struct pollfd pfd = { .fd = stream_fd(rpc->stream), .events = events };
    long long left = deadline - now_ms();
    int n;

    if (left <= 0) {
        return -ETIMEDOUT;
    }
    do {
        n = poll(&pfd, 1, (int) left);
    } while (n < 0 && errno == EINTR);
    return n > 0 ? 0 : -ETIMEDOUT;
}

int
cli_rpc_open(const char *name, int timeout_ms, struct cli_rpc **rpcp)
{
    struct cli_rpc *rpc = xzalloc(sizeof *rpc);
    long long deadline = now_ms() + timeout_ms;
    int error;

    rpc->timeout_ms = timeout_ms;
    error = stream_open(name, &rpc->stream);
    while (!error && (error = stream_connect(rpc->stream)) == -EAGAIN) {
        error = wait_fd(rpc, POLLOUT, deadline);
    }
    if (error) {
        cli_rpc_close(rpc);
        return error;
    }
    rpc->parser = jsonrpc_parser_create(CLI_RPC_MAX_REPLY, 0);
    *rpcp = rpc;
    return 0;
}

void
cli_rpc_close(struct cli_rpc *rpc)
{
    if (rpc) {
        stream_close(rpc->stream);
        jsonrpc_parser_destroy(rpc->parser);
        free(rpc);
    }
}

static int
send_all(struct cli_rpc *rpc, const char *data, size_t n, long long deadline)
{
    while (n > 0) {
        ssize_t sent = stream_send(rpc->stream, data, n);

        if (sent == -EAGAIN) {
            int error = wait_fd(rpc, POLLOUT, deadline);

            if (error) {
                return error;
            }
        } else if (sent < 0) {
            return (int) sent;
        } else {
            data += sent;
            n -= (size_t) sent;
        }
    }
    return 0;
}

static int
send_msg(struct cli_rpc *rpc, struct jsonrpc_msg *msg, long long deadline)
{
    json_t *json = jsonrpc_msg_to_json(msg);
    char *text = json_dumps(json, JSON_COMPACT);
    int error = send_all(rpc, text, strlen(text), deadline);

    free(text);
    json_decref(json);
    jsonrpc_msg_destroy(msg);
    return error;
}

/* Fills 'rpc->buf' when it is empty.  Returns 0, -EPIPE at end of stream,
 * or a negative errno. */
static int
fill(struct cli_rpc *rpc, long long deadline)
{
    while (rpc->buf_ofs >= rpc->buf_len) {
        ssize_t n = stream_recv(rpc->stream, rpc->buf, sizeof rpc->buf);

        if (n == -EAGAIN) {
            int error = wait_fd(rpc, POLLIN, deadline);

            if (error) {
                return error;
            }
        } else if (n <= 0) {
            return n ? (int) n : -EPIPE;
        } else {
            rpc->buf_len = (size_t) n;
            rpc->buf_ofs = 0;
        }
    }
    return 0;
}

/* Reads the next message.  Returns 0 and a new message in '*msgp', or a
 * negative errno (-EBADMSG for bytes that are not JSON-RPC). */
static int
recv_msg(struct cli_rpc *rpc, long long deadline, struct jsonrpc_msg **msgp)
{
    for (;;) {
        enum jsonrpc_parse_status status;
        size_t used;
        int error = fill(rpc, deadline);

        if (error) {
            return error;
        }
        status = jsonrpc_parser_feed(rpc->parser, rpc->buf + rpc->buf_ofs,
                                     rpc->buf_len - rpc->buf_ofs, &used);
        rpc->buf_ofs += used;
        if (status == JSONRPC_PARSE_MESSAGE) {
            json_t *json = jsonrpc_parser_take(rpc->parser);
            char *why = NULL;

            *msgp = jsonrpc_msg_from_json(json, &why);
            json_decref(json);
            free(why);
            return *msgp ? 0 : -EBADMSG;
        } else if (status != JSONRPC_PARSE_MORE) {
            return -EBADMSG;
        }
    }
}

/* Handles a message that is not the awaited reply: answers "echo". */
static int
handle_other(struct cli_rpc *rpc, struct jsonrpc_msg *msg, long long deadline)
{
    if (msg->type == JSONRPC_REQUEST && !strcmp(msg->method, "echo")) {
        return send_msg(
            rpc, jsonrpc_create_reply(json_deep_copy(msg->params), msg->id),
            deadline);
    }
    return 0;
}

int
cli_rpc_call(struct cli_rpc *rpc, const char *method, json_t *params,
             json_t **resultp, json_t **errorp)
{
    long long deadline = now_ms() + rpc->timeout_ms;
    int id = rpc->next_id++;
    int error;

    error =
        send_msg(rpc, jsonrpc_create_request(method, params, json_integer(id)),
                 deadline);
    while (!error) {
        struct jsonrpc_msg *msg;

        error = recv_msg(rpc, deadline, &msg);
        if (error) {
            break;
        }
        if ((msg->type == JSONRPC_REPLY || msg->type == JSONRPC_ERROR)
            && json_is_integer(msg->id) && json_integer_value(msg->id) == id) {
            if (msg->type == JSONRPC_REPLY) {
                *resultp = json_incref(msg->result);
            } else {
                *errorp = json_incref(msg->error);
                error = -EPROTO;
            }
            jsonrpc_msg_destroy(msg);
            return error;
        }
        error = handle_other(rpc, msg, deadline);
        jsonrpc_msg_destroy(msg);
    }
    return error;
}
