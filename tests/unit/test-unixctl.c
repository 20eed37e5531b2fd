/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/unixctl, the control socket: commands registered
 * and called over the socket in ovs-appctl's protocol (by a raw JSON-RPC
 * client and by ovs-appctl itself), replies now and later, errors with
 * ovs-appctl's words, and the built-in commands. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "lib/util.h"
#include "vtepd/unixctl.h"

struct fixture {
    char dir[64];
    char *path;
    struct ev_loop *loop;
    struct unixctl_server *server;
    struct unixctl_conn *held; /* A command not answered yet. */
    int n_calls;
};

static int
setup(void **state)
{
    struct fixture *f = xzalloc(sizeof *f);

    snprintf(f->dir, sizeof f->dir, "/tmp/test-unixctl.XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    f->path = xasprintf("%s/vtepd.ctl", f->dir);
    f->loop = ev_loop_new(EVFLAG_AUTO);
    assert_int_equal(unixctl_server_create(f->loop, f->path, &f->server), 0);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    struct fixture *f = *state;
    char *cmd = xasprintf("rm -rf '%s'", f->dir);

    unixctl_server_destroy(f->server);
    unixctl_server_destroy(NULL);
    ev_loop_destroy(f->loop);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(f->path);
    free(f);
    return 0;
}

/* A raw client of the control socket, buffering what it has received. */
struct client {
    int fd;
    size_t len;
    char buf[65536];
};

/* Connects a new client (nonblocking) to the control socket. */
static struct client *
client_connect(const struct fixture *f)
{
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct client *c = xzalloc(sizeof *c);

    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    assert_true(c->fd >= 0);
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", f->path);
    assert_int_equal(connect(c->fd, (struct sockaddr *) &sun, sizeof sun), 0);
    return c;
}

static void
client_close(struct client *c)
{
    close(c->fd);
    free(c);
}

static void
client_send(struct client *c, const char *text)
{
    size_t len = strlen(text);

    assert_int_equal(send(c->fd, text, len, MSG_NOSIGNAL), (ssize_t) len);
}

/* Takes the first whole JSON message out of 'c->buf', or returns NULL. */
static json_t *
client_parse(struct client *c)
{
    json_error_t error;
    json_t *json;

    if (!c->len) {
        return NULL;
    }
    json = json_loadb(c->buf, c->len, JSON_DISABLE_EOF_CHECK, &error);
    if (json) {
        memmove(c->buf, c->buf + error.position, c->len - error.position);
        c->len -= error.position;
    }
    return json;
}

/* Runs the loop until a whole JSON message arrives and returns it (new
 * reference), or returns NULL after 'max_ms' milliseconds. */
static json_t *
client_receive(struct fixture *f, struct client *c, int max_ms)
{
    for (int ms = 0; ms <= max_ms; ms += 5) {
        json_t *json = client_parse(c);
        ssize_t n;

        if (json) {
            return json;
        }
        ev_run(f->loop, EVRUN_NOWAIT);
        n = recv(c->fd, c->buf + c->len, sizeof c->buf - c->len - 1, 0);
        if (n > 0) {
            c->len += (size_t) n;
            continue;
        }
        assert_true(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
        ev_sleep(0.005);
    }
    return NULL;
}

/* Sends a request for 'method' with the JSON array 'params' and returns
 * the reply (new reference), checking its id. */
static json_t *
call(struct fixture *f, const char *method, const char *params)
{
    struct client *c = client_connect(f);
    char *text = xasprintf("{\"method\":\"%s\",\"params\":%s,\"id\":7}",
                           method, params);
    json_t *reply;

    client_send(c, text);
    reply = client_receive(f, c, 2000);
    assert_non_null(reply);
    assert_int_equal(json_integer_value(json_object_get(reply, "id")), 7);
    client_close(c);
    free(text);
    return reply;
}

/* Calls 'method' and checks that it succeeded with 'result'. */
static void
check_result(struct fixture *f, const char *method, const char *params,
             const char *result)
{
    json_t *reply = call(f, method, params);

    assert_true(json_is_null(json_object_get(reply, "error")));
    assert_string_equal(json_string_value(json_object_get(reply, "result")),
                        result);
    json_decref(reply);
}

/* Calls 'method' and checks that it failed with 'error'. */
static void
check_error(struct fixture *f, const char *method, const char *params,
            const char *error)
{
    json_t *reply = call(f, method, params);

    /* As in OVS, an error reply has no "result" (or a null one). */
    assert_true(!json_object_get(reply, "result")
                || json_is_null(json_object_get(reply, "result")));
    assert_string_equal(json_string_value(json_object_get(reply, "error")),
                        error);
    json_decref(reply);
}

/* Answers with its name and arguments, space-separated. */
static void
echo_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *f_)
{
    struct fixture *f = f_;
    struct ds out = DS_EMPTY_INITIALIZER;

    f->n_calls++;
    for (int i = 0; i < argc; i++) {
        ds_put_format(&out, "%s%s", i ? " " : "", argv[i]);
    }
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

static void
fail_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *f_)
{
    unixctl_command_reply_error(conn, "it went wrong\n");
}

static void
silent_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *f_)
{
    unixctl_command_reply(conn, NULL);
}

/* Keeps 'conn' to answer later. */
static void
hold_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *f_)
{
    struct fixture *f = f_;

    f->held = conn;
}

/* The handler gets the command name and its arguments; the reply gets a
 * final newline. */
static void
test_command(void **state)
{
    struct fixture *f = *state;

    unixctl_command_register("test/echo", "[ARG...]", 0, 3, echo_cb, f);
    check_result(f, "test/echo", "[]", "test/echo\n");
    check_result(f, "test/echo", "[\"a\",\"b c\",\"\"]", "test/echo a b c \n");
    assert_int_equal(f->n_calls, 2);

    unixctl_command_register("test/fail", "", 0, 0, fail_cb, f);
    check_error(f, "test/fail", "[]", "it went wrong\n");
    unixctl_command_register("test/silent", "", 0, 0, silent_cb, f);
    check_result(f, "test/silent", "[]", "");
}

/* Registering a name again replaces its handler and limits. */
static void
test_register_replaces(void **state)
{
    struct fixture *f = *state;

    unixctl_command_register("test/x", "", 0, 0, fail_cb, f);
    unixctl_command_register("test/x", "A", 1, 1, echo_cb, f);
    check_result(f, "test/x", "[\"1\"]", "test/x 1\n");
    check_error(f, "test/x", "[]",
                "\"test/x\" command requires at least 1 arguments\n");
}

/* Errors a handler never sees, in ovs-appctl's words. */
static void
test_errors(void **state)
{
    struct fixture *f = *state;

    unixctl_command_register("test/echo", "A [B]", 1, 2, echo_cb, f);
    check_error(f, "no/such", "[]",
                "\"no/such\" is not a valid command (use \"list-commands\" "
                "to see a list of valid commands)\n");
    check_error(f, "test/echo", "[]",
                "\"test/echo\" command requires at least 1 arguments\n");
    check_error(f, "test/echo", "[\"a\",\"b\",\"c\"]",
                "\"test/echo\" command takes at most 2 arguments\n");
    check_error(f, "test/echo", "[\"a\",2]",
                "\"test/echo\" command has non-string argument\n");
    assert_int_equal(f->n_calls, 0);
}

/* A handler may answer later, from the loop; the client waits. */
static void
test_deferred_reply(void **state)
{
    struct fixture *f = *state;
    struct client *c = client_connect(f);
    json_t *reply;

    unixctl_command_register("test/hold", "", 0, 0, hold_cb, f);
    client_send(c, "{\"method\":\"test/hold\",\"params\":[],\"id\":\"x\"}");
    assert_null(client_receive(f, c, 100));
    assert_non_null(f->held);

    unixctl_command_reply(f->held, "later");
    f->held = NULL;
    reply = client_receive(f, c, 2000);
    assert_non_null(reply);
    assert_string_equal(json_string_value(json_object_get(reply, "id")), "x");
    assert_string_equal(json_string_value(json_object_get(reply, "result")),
                        "later\n");
    json_decref(reply);
    client_close(c);
}

/* Several requests on one connection are answered in order. */
static void
test_pipelined(void **state)
{
    struct fixture *f = *state;
    struct client *c = client_connect(f);

    unixctl_command_register("test/echo", "", 0, 1, echo_cb, f);
    client_send(c, "{\"method\":\"test/echo\",\"params\":[\"1\"],\"id\":1}"
                   "{\"method\":\"test/echo\",\"params\":[\"2\"],\"id\":2}");
    for (int i = 1; i <= 2; i++) {
        json_t *reply = client_receive(f, c, 2000);
        char *expected = xasprintf("test/echo %d\n", i);

        assert_non_null(reply);
        assert_int_equal(json_integer_value(json_object_get(reply, "id")), i);
        assert_string_equal(
            json_string_value(json_object_get(reply, "result")), expected);
        free(expected);
        json_decref(reply);
    }
    client_close(c);
}

static void
test_list_commands(void **state)
{
    struct fixture *f = *state;
    const char *text, *a, *b;
    json_t *reply;

    unixctl_command_register("zz/last", "ZZ", 0, 1, echo_cb, f);
    unixctl_command_register("aa/first", "[X]", 0, 1, echo_cb, f);
    reply = call(f, "list-commands", "[]");
    text = json_string_value(json_object_get(reply, "result"));
    assert_non_null(text);
    assert_true(str_starts_with(text, "The available commands are:\n"));
    a = strstr(text, "\n  aa/first                [X]\n");
    b = strstr(text, "\n  zz/last                 ZZ\n");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    for (const char *const *name =
             (const char *const[]){ "list-commands", "version", "exit",
                                    "memory/show", "vlog/list", "vlog/set",
                                    NULL };
         *name; name++) {
        char *line = xasprintf("\n  %s ", *name);

        assert_non_null(strstr(text, line));
        free(line);
    }
    json_decref(reply);

    check_error(f, "list-commands", "[\"x\"]",
                "\"list-commands\" command takes at most 0 arguments\n");
}

static void
test_version(void **state)
{
    struct fixture *f = *state;
    json_t *reply = call(f, "version", "[]");
    const char *text = json_string_value(json_object_get(reply, "result"));

    assert_non_null(text);
    assert_true(str_starts_with(text, "vtepd (vtepd) "));
    assert_int_equal(text[strlen(text) - 1], '\n');
    json_decref(reply);
}

static void
memory_cb(struct ds *out, void *aux)
{
    unixctl_memory_put(out, "widgets", *(unsigned int *) aux);
}

static void
test_memory_show(void **state)
{
    struct fixture *f = *state;
    static unsigned int widgets = 42;
    json_t *reply;
    const char *text;

    unixctl_memory_register(memory_cb, &widgets);
    reply = call(f, "memory/show", "[]");
    text = json_string_value(json_object_get(reply, "result"));
    assert_non_null(text);
    assert_true(str_starts_with(text, "rss-kB:"));
    assert_non_null(strstr(text, " widgets:42\n"));
    json_decref(reply);
}

/* "exit" breaks the loop and says so. */
static void
test_exit(void **state)
{
    struct fixture *f = *state;
    struct client *c = client_connect(f);
    json_t *reply;

    assert_false(unixctl_server_exit_requested(f->server));
    client_send(c, "{\"method\":\"exit\",\"params\":[],\"id\":1}");
    ev_run(f->loop, 0); /* Returns only because of the break. */
    assert_true(unixctl_server_exit_requested(f->server));
    reply = client_receive(f, c, 2000);
    assert_non_null(reply);
    assert_string_equal(json_string_value(json_object_get(reply, "result")),
                        "");
    json_decref(reply);
    client_close(c);
}

/* Destroying the server forgets the commands; a new server on the same
 * path replaces the old socket file. */
static void
test_recreate(void **state)
{
    struct fixture *f = *state;
    const char *text;
    json_t *reply;

    unixctl_command_register("test/echo", "", 0, 0, echo_cb, f);
    unixctl_server_destroy(f->server);
    assert_int_equal(unixctl_server_create(f->loop, f->path, &f->server), 0);
    check_error(f, "test/echo", "[]",
                "\"test/echo\" is not a valid command (use \"list-commands\" "
                "to see a list of valid commands)\n");
    reply = call(f, "list-commands", "[]");
    text = json_string_value(json_object_get(reply, "result"));
    assert_non_null(text);
    assert_null(strstr(text, "test/echo"));
    assert_non_null(strstr(text, "\n  version "));
    json_decref(reply);
}

/* Runs ovs-appctl with 'args' against the socket while the loop runs;
 * returns its exit status and its output in 'out'. */
static int
run_appctl(struct fixture *f, const char *const *args, char *out, size_t size)
{
    int pipefd[2], status = -1;
    size_t len = 0;
    pid_t pid;

    assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
    pid = fork();
    assert_true(pid >= 0);
    if (!pid) {
        const char *argv[16] = { "ovs-appctl", "-t", f->path };
        int n = 3;

        for (; *args && n < 15; args++) {
            argv[n++] = *args;
        }
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        execv("/usr/bin/ovs-appctl", (char **) argv);
        _exit(127);
    }
    close(pipefd[1]);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    for (int ms = 0; ms < 5000; ms += 5) {
        ssize_t n = read(pipefd[0], out + len, size - len - 1);

        if (n > 0) {
            len += (size_t) n;
        }
        if (waitpid(pid, &status, WNOHANG) == pid) {
            while ((n = read(pipefd[0], out + len, size - len - 1)) > 0) {
                len += (size_t) n;
            }
            break;
        }
        ev_run(f->loop, EVRUN_NOWAIT);
        ev_sleep(0.005);
    }
    out[len] = '\0';
    close(pipefd[0]);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* The real client: ovs-appctl prints a reply and exits 0, prints an error
 * and exits 2. */
static void
test_ovs_appctl(void **state)
{
    struct fixture *f = *state;
    char out[4096], *expected;

    if (access("/usr/bin/ovs-appctl", X_OK)) {
        skip();
    }
    unixctl_command_register("test/echo", "", 0, 3, echo_cb, f);
    unixctl_command_register("test/fail", "", 0, 0, fail_cb, f);
    assert_int_equal(
        run_appctl(f, (const char *[]){ "test/echo", "a", "b c", NULL }, out,
                   sizeof out),
        0);
    assert_string_equal(out, "test/echo a b c\n");
    assert_int_equal(
        run_appctl(f, (const char *[]){ "test/fail", NULL }, out, sizeof out),
        2);
    expected = xasprintf("it went wrong\n"
                         "ovs-appctl: %s: server returned an error\n",
                         f->path);
    assert_string_equal(out, expected);
    free(expected);
    assert_int_equal(
        run_appctl(f, (const char *[]){ "no/such", NULL }, out, sizeof out),
        2);
    assert_true(str_starts_with(out, "\"no/such\" is not a valid command"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_command, setup, teardown),
        cmocka_unit_test_setup_teardown(test_register_replaces, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_deferred_reply, setup, teardown),
        cmocka_unit_test_setup_teardown(test_pipelined, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_commands, setup, teardown),
        cmocka_unit_test_setup_teardown(test_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_memory_show, setup, teardown),
        cmocka_unit_test_setup_teardown(test_exit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recreate, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ovs_appctl, setup, teardown),
    };

    return cmocka_run_group_tests_name("vtepd/unixctl", tests, NULL, NULL);
}
