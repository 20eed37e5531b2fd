/* SPDX-License-Identifier: Apache-2.0 */
/* A raw JSON-RPC client for unit tests (see jsonrpc-client-fixture.h). */
#include "tests/unit/jsonrpc-client-fixture.h"

#include <ctype.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/util.h"

struct test_client {
    struct ev_loop *loop;
    int fd;
    int next_id;
    json_t *replies;       /* Received replies not yet returned. */
    json_t *notifications; /* Received notifications not yet returned. */
    size_t len;
    char buf[1 << 20];
};

struct test_client *
test_client_connect(struct ev_loop *loop, const char *path)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct test_client *c = xzalloc(sizeof *c);

    c->loop = loop;
    c->next_id = 1000;
    c->replies = json_array();
    c->notifications = json_array();
    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(c->fd >= 0);
    assert_true(strlen(path) < sizeof sun.sun_path);
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
    assert_int_equal(connect(c->fd, (struct sockaddr *) &sun, sizeof sun), 0);
    return c;
}

void
test_client_close(struct test_client *c)
{
    if (c) {
        close(c->fd);
        json_decref(c->replies);
        json_decref(c->notifications);
        free(c);
    }
}

void
test_client_send_raw(struct test_client *c, const char *text)
{
    size_t len = strlen(text), done = 0;

    while (done < len) {
        ssize_t n = send(c->fd, text + done, len - done, MSG_NOSIGNAL);

        if (n < 0) {
            assert_int_equal(errno, EAGAIN);
            ev_run(c->loop, EVRUN_NOWAIT);
            continue;
        }
        done += (size_t) n;
    }
}

void
test_client_send(struct test_client *c, const char *method, const char *params,
                 int id)
{
    char *text = xasprintf("{\"method\":\"%s\",\"params\":%s,\"id\":%d}",
                           method, params, id);

    test_client_send_raw(c, text);
    free(text);
}

/* Moves every whole message in the buffer to 'replies' or
 * 'notifications'. */
static void
parse_messages(struct test_client *c)
{
    while (c->len) {
        json_error_t error;
        json_t *json;

        json = json_loadb(c->buf, c->len, JSON_DISABLE_EOF_CHECK, &error);
        if (!json) {
            return;
        }
        memmove(c->buf, c->buf + error.position, c->len - error.position);
        c->len -= error.position;
        assert_true(json_is_object(json));
        json_array_append_new(
            json_object_get(json, "method") ? c->notifications : c->replies,
            json);
    }
}

/* Runs the loop and reads for about 'ms' milliseconds at most, returning
 * early once something arrives. */
static void
pump(struct test_client *c)
{
    ssize_t n;

    ev_run(c->loop, EVRUN_NOWAIT);
    n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len, 0);
    if (n > 0) {
        c->len += (size_t) n;
        parse_messages(c);
    } else if (n == 0) {
        return;
    } else {
        assert_true(errno == EAGAIN || errno == EWOULDBLOCK);
        ev_sleep(0.002);
    }
}

static json_t *
take_reply(struct test_client *c, int id)
{
    size_t i;
    json_t *msg;

    json_array_foreach(c->replies, i, msg) {
        if (json_integer_value(json_object_get(msg, "id")) == id) {
            json_incref(msg);
            json_array_remove(c->replies, i);
            return msg;
        }
    }
    return NULL;
}

json_t *
test_client_reply(struct test_client *c, int id, int max_ms)
{
    for (int i = 0; i <= max_ms / 2; i++) {
        json_t *msg = take_reply(c, id);

        if (msg) {
            return msg;
        }
        pump(c);
    }
    return take_reply(c, id);
}

json_t *
test_client_call(struct test_client *c, const char *method, const char *params)
{
    int id = c->next_id++;
    json_t *reply;

    test_client_send(c, method, params, id);
    reply = test_client_reply(c, id, 2000);
    if (!reply) {
        fail_msg("no reply to %s %s", method, params);
    }
    return reply;
}

json_t *
test_client_notification(struct test_client *c, int max_ms)
{
    for (int i = 0; i <= max_ms / 2; i++) {
        if (json_array_size(c->notifications)) {
            json_t *msg = json_incref(json_array_get(c->notifications, 0));

            json_array_remove(c->notifications, 0);
            return msg;
        }
        pump(c);
    }
    return NULL;
}

/* True if the 36 bytes at 's' look like a UUID. */
static bool
is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;

        if (dash ? s[i] != '-' : !isxdigit((unsigned char) s[i])) {
            return false;
        }
    }
    return true;
}

char *
test_json_normalize(const json_t *json)
{
    char *text = json_dumps(json, JSON_COMPACT | JSON_SORT_KEYS);
    char seen[64][37];
    int n_seen = 0;
    struct ds out = DS_EMPTY_INITIALIZER;

    for (const char *p = text; *p;) {
        if (strlen(p) >= 36 && is_uuid(p)) {
            int i;

            for (i = 0; i < n_seen && strncmp(seen[i], p, 36); i++) {
                continue;
            }
            if (i == n_seen) {
                assert_true(n_seen < 64);
                memcpy(seen[n_seen], p, 36);
                seen[n_seen++][36] = '\0';
            }
            ds_put_format(&out, "<%d>", i);
            p += 36;
        } else {
            ds_put_char(&out, *p++);
        }
    }
    free(text);
    return ds_steal_cstr(&out);
}
