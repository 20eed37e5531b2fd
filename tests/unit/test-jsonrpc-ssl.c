/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/jsonrpc/stream-ssl: TLS between a pssl: listener
 * and an ssl: client on loopback, with certificates made here by the
 * openssl CLI.  Mutual authentication, refusal of a peer from another CA
 * (either way) and of a plaintext client, output held during the
 * handshake, certificate reload, and a stalled handshake dropped by the
 * session layer's inactivity probe. */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/util.h"
#include "vtepd/jsonrpc/jsonrpc-server.h"
#include "vtepd/jsonrpc/stream.h"

static char dir[64]; /* Holds the certificates for the whole group. */

static char *
file(const char *name)
{
    return xasprintf("%s/%s", dir, name);
}

/* Makes a P-256 key NAME.key and certificate NAME.crt for 'cn', signed
 * by CA (self-signed if NULL). */
static int
make_cert(const char *name, const char *cn, const char *ca)
{
    char *cmd;
    int status;

    if (!ca) {
        cmd = xasprintf("cd '%s' && openssl req -x509 -newkey ec "
                        "-pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                        "-keyout %s.key -out %s.crt -subj /CN=%s -days 2 "
                        ">/dev/null 2>&1",
                        dir, name, name, cn);
    } else {
        cmd = xasprintf("cd '%s' && openssl req -new -newkey ec "
                        "-pkeyopt ec_paramgen_curve:prime256v1 -nodes "
                        "-keyout %s.key -out %s.csr -subj /CN=%s "
                        ">/dev/null 2>&1 && openssl x509 -req -in %s.csr "
                        "-CA %s.crt -CAkey %s.key -CAcreateserial "
                        "-out %s.crt -days 2 >/dev/null 2>&1",
                        dir, name, name, cn, name, ca, ca, name);
    }
    status = system(cmd);
    free(cmd);
    return status;
}

static int
group_setup(void **state)
{
    snprintf(dir, sizeof dir, "/tmp/test-jsonrpc-ssl.XXXXXX");
    if (!mkdtemp(dir) || system("openssl version >/dev/null 2>&1")
        || make_cert("ca1", "ca1", NULL) || make_cert("ca2", "ca2", NULL)
        || make_cert("server", "server", "ca1")
        || make_cert("client", "client", "ca1")
        || make_cert("foreign", "foreign", "ca2")) {
        fprintf(stderr, "cannot make test certificates with openssl\n");
        return -1;
    }
    return 0;
}

static int
group_teardown(void **state)
{
    char *cmd = xasprintf("rm -rf '%s'", dir);
    int status = system(cmd);

    free(cmd);
    return status;
}

/* Configures TLS with key and certificate NAME and CA certificate CA. */
static void
use(const char *name, const char *ca)
{
    char *key = xasprintf("%s/%s.key", dir, name);
    char *cert = xasprintf("%s/%s.crt", dir, name);
    char *ca_cert = xasprintf("%s/%s.crt", dir, ca);

    stream_ssl_set_private_key_file(key);
    stream_ssl_set_certificate_file(cert);
    stream_ssl_set_ca_cert_file(ca_cert);
    assert_true(stream_ssl_is_configured());
    free(key);
    free(cert);
    free(ca_cert);
}

/* Listens on pssl: on loopback and returns the listener; '*name' gets the
 * matching ssl: name (the caller frees it). */
static struct pstream *
listen_ssl(char **name)
{
    struct pstream *ps;

    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), 0);
    assert_int_not_equal(pstream_get_bound_port(ps), 0);
    *name = xasprintf("ssl:127.0.0.1:%u", pstream_get_bound_port(ps));
    return ps;
}

static void
wait_fd(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    poll(&pfd, 1, 10);
}

static struct stream *
accept_one(struct pstream *ps)
{
    struct stream *s = NULL;

    for (int i = 0; i < 200; i++) {
        int error = pstream_accept(ps, &s);

        if (!error) {
            return s;
        }
        assert_int_equal(error, -EAGAIN);
        wait_fd(pstream_fd(ps), POLLIN);
    }
    fail_msg("no connection to accept");
    return NULL;
}

/* Reads from 'a' until 'n' bytes arrive in 'buf', advancing 'b' (the
 * other end, whose handshake progresses only when it reads or writes)
 * meanwhile.  Returns the number of bytes read, or the first error. */
static ssize_t
recv_all(struct stream *a, struct stream *b, char *buf, size_t n)
{
    size_t got = 0;

    for (int i = 0; i < 300 && got < n; i++) {
        char dummy[1];
        ssize_t r = stream_recv(a, buf + got, n - got);

        if (r > 0) {
            got += (size_t) r;
            continue;
        } else if (r != -EAGAIN) {
            return r;
        }
        if (b) {
            /* Nothing is sent to 'b' meanwhile: this only advances it. */
            r = stream_recv(b, dummy, sizeof dummy);
            assert_true(r <= 0);
            if (r != -EAGAIN) {
                return r;
            }
        }
        wait_fd(stream_fd(a), POLLIN);
    }
    return (ssize_t) got;
}

/* Connects 'client' to completion, advancing 'server' meanwhile. */
static void
connect_all(struct stream *client)
{
    for (int i = 0; i < 200; i++) {
        int error = stream_connect(client);

        if (!error) {
            return;
        }
        assert_int_equal(error, -EAGAIN);
        wait_fd(stream_fd(client), POLLOUT);
    }
    fail_msg("connection not established");
}

/* Before any certificate is configured, ssl: and pssl: cannot open. */
static void
test_unconfigured(void **state)
{
    struct stream *s;
    struct pstream *ps;

    assert_false(stream_ssl_is_configured());
    assert_int_equal(stream_open("ssl:127.0.0.1:1", &s), -ENOPROTOOPT);
    assert_int_equal(pstream_open("pssl:0:127.0.0.1", &ps), -ENOPROTOOPT);
    assert_true(stream_verify_name("ssl:127.0.0.1:6640"));
    assert_true(pstream_verify_name("pssl:6640:127.0.0.1"));
    assert_false(stream_verify_name("ssl:nonsense"));
    assert_true(stream_name_is_passive("pssl:6640"));
}

/* Both ends from the same CA: data flows both ways, including what the
 * client sent before its handshake had finished. */
static void
test_handshake_and_data(void **state)
{
    struct stream *client, *server;
    struct pstream *ps;
    char *name, buf[64];

    use("server", "ca1");
    ps = listen_ssl(&name);
    assert_int_equal(stream_open(name, &client), 0);
    assert_string_equal(stream_name(client), name);
    connect_all(client);
    server = accept_one(ps);

    /* Held until the handshake completes, then sent. */
    assert_int_equal(stream_send(client, "hello", 5), 5);
    assert_int_equal(recv_all(server, client, buf, 5), 5);
    assert_memory_equal(buf, "hello", 5);

    assert_int_equal(stream_send(server, "world!", 6), 6);
    assert_int_equal(recv_all(client, server, buf, 6), 6);
    assert_memory_equal(buf, "world!", 6);
    assert_false(stream_short_read_drains(client));

    /* Closing one end is seen as the end of the stream by the other. */
    stream_close(client);
    assert_int_equal(recv_all(server, NULL, buf, 1), 0);
    stream_close(server);
    pstream_close(ps);
    free(name);
}

/* Runs a TLS client in a child process with key/certificate NAME and CA
 * certificate CA, sending "ping" to 'remote' and waiting for an answer.
 * Returns the pid; the child exits 0 if it was refused, 1 if served. */
static pid_t
spawn_client(const char *remote, const char *name, const char *ca)
{
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (!pid) {
        struct stream *s;
        char buf[8];
        ssize_t r;

        use(name, ca);
        if (stream_open(remote, &s)) {
            _exit(2);
        }
        for (int i = 0; i < 200 && stream_connect(s) == -EAGAIN; i++) {
            wait_fd(stream_fd(s), POLLOUT);
        }
        r = stream_send(s, "ping", 4);
        if (r == 4) {
            r = recv_all(s, NULL, buf, 4);
        }
        _exit(r == 4 ? 1 : 0);
    }
    return pid;
}

static int
child_status(pid_t pid)
{
    int status;

    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

/* Serves one connection: answers "pong" to "ping".  Returns the result
 * of the read (4 when served). */
static ssize_t
serve_one(struct pstream *ps)
{
    struct stream *server = accept_one(ps);
    char buf[8];
    ssize_t r = recv_all(server, NULL, buf, 4);

    if (r == 4) {
        assert_memory_equal(buf, "ping", 4);
        assert_int_equal(stream_send(server, "pong", 4), 4);
        recv_all(server, NULL, buf, 1); /* Until the client hangs up. */
    }
    stream_close(server);
    return r;
}

/* A client of the same CA, in another process, is served. */
static void
test_client_served(void **state)
{
    struct pstream *ps;
    char *name;
    pid_t pid;

    use("server", "ca1");
    ps = listen_ssl(&name);
    pid = spawn_client(name, "client", "ca1");
    assert_int_equal(serve_one(ps), 4);
    assert_int_equal(child_status(pid), 1);
    pstream_close(ps);
    free(name);
}

/* A client whose certificate another CA signed is refused by the server;
 * a client that does not trust the server's CA refuses it. */
static void
test_wrong_ca_refused(void **state)
{
    struct pstream *ps;
    char *name;
    ssize_t r;
    pid_t pid;

    use("server", "ca1");
    ps = listen_ssl(&name);

    pid = spawn_client(name, "foreign", "ca1");
    r = serve_one(ps);
    assert_true(r < 0 && r != -EAGAIN);
    assert_int_equal(child_status(pid), 0);

    pid = spawn_client(name, "client", "ca2");
    r = serve_one(ps);
    assert_true(r <= 0 && r != -EAGAIN);
    assert_int_equal(child_status(pid), 0);

    pstream_close(ps);
    free(name);
}

/* A client that speaks plain TCP gets no service. */
static void
test_plaintext_refused(void **state)
{
    struct stream *plain, *server;
    struct pstream *ps;
    char *name, *tcp, buf[8];
    ssize_t r;

    use("server", "ca1");
    ps = listen_ssl(&name);
    tcp = xasprintf("tcp:127.0.0.1:%u", pstream_get_bound_port(ps));
    assert_int_equal(stream_open(tcp, &plain), 0);
    connect_all(plain);
    server = accept_one(ps);
    assert_int_equal(stream_send(plain, "{\"method\":\"echo\"}\n\n\n\n", 21),
                     21);
    r = recv_all(server, NULL, buf, 1);
    assert_true(r < 0 && r != -EAGAIN);
    stream_close(server);
    stream_close(plain);
    pstream_close(ps);
    free(tcp);
    free(name);
}

/* New files are used from the next connection: a listener that changes
 * to a certificate of another CA is refused by clients of the first. */
static void
test_reload(void **state)
{
    char *key = file("server.key"), *crt = file("server.crt");
    char *cmd = xasprintf("cd '%s' && cp server.key saved.key && "
                          "cp server.crt saved.crt && cp foreign.key "
                          "server.key && cp foreign.crt server.crt",
                          dir);
    char *restore = xasprintf("cd '%s' && mv saved.key server.key && "
                              "mv saved.crt server.crt",
                              dir);
    struct pstream *ps;
    char *name;
    pid_t pid;
    ssize_t r;

    use("server", "ca1");
    ps = listen_ssl(&name);
    pid = spawn_client(name, "client", "ca1");
    assert_int_equal(serve_one(ps), 4);
    assert_int_equal(child_status(pid), 1);

    /* Same paths, new content (and a later mtime). */
    sleep(1);
    assert_int_equal(system(cmd), 0);
    pid = spawn_client(name, "client", "ca1");
    r = serve_one(ps);
    assert_true(r <= 0 && r != -EAGAIN);
    assert_int_equal(child_status(pid), 0);

    sleep(1);
    assert_int_equal(system(restore), 0);
    pid = spawn_client(name, "client", "ca1");
    assert_int_equal(serve_one(ps), 4);
    assert_int_equal(child_status(pid), 1);

    pstream_close(ps);
    free(name);
    free(restore);
    free(cmd);
    free(crt);
    free(key);
}

/* A peer that connects and never starts its handshake costs the server a
 * session only until the inactivity probe gives up on it. */
static void
test_stalled_handshake_times_out(void **state)
{
    const struct jsonrpc_options opts = { .probe_ms = 100 };
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    struct jsonrpc_server *server = jsonrpc_server_create(loop, &opts);
    const char *remote = "pssl:0:127.0.0.1";
    struct jsonrpc_remote_status st;
    struct sockaddr_in sin = { .sin_family = AF_INET };
    bool dropped = false;
    ev_tstamp start;
    char buf[16];
    int fd, i;

    use("server", "ca1");
    assert_int_equal(jsonrpc_server_add_remote(server, remote, &opts), 0);
    assert_true(jsonrpc_server_get_remote_status(server, remote, &st));
    sin.sin_port = htons(st.bound_port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    start = ev_time();
    assert_int_equal(connect(fd, (struct sockaddr *) &sin, sizeof sin), 0);

    for (i = 0; i < 200; i++) {
        ev_run(loop, EVRUN_NOWAIT);
        assert_true(jsonrpc_server_get_remote_status(server, remote, &st));
        if (st.n_sessions == 1) {
            break;
        }
        ev_sleep(0.005);
    }
    assert_int_equal(st.n_sessions, 1);

    /* Silent: the probe goes out (held, no handshake), then the session
     * is dropped a probe interval later. */
    for (i = 0; i < 1000 && !dropped; i++) {
        ev_run(loop, EVRUN_NOWAIT);
        assert_true(jsonrpc_server_get_remote_status(server, remote, &st));
        dropped = st.n_sessions == 0;
        ev_sleep(0.005);
    }
    assert_true(dropped);
    /* Not before the probe interval (a lower bound holds under load). */
    assert_true(ev_time() - start >= 0.1);

    /* The peer sees the connection closed, having received nothing. */
    assert_int_equal(recv(fd, buf, sizeof buf, MSG_DONTWAIT), 0);
    close(fd);
    jsonrpc_server_destroy(server);
    ev_loop_destroy(loop);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unconfigured),
        cmocka_unit_test(test_handshake_and_data),
        cmocka_unit_test(test_client_served),
        cmocka_unit_test(test_wrong_ca_refused),
        cmocka_unit_test(test_plaintext_refused),
        cmocka_unit_test(test_reload),
        cmocka_unit_test(test_stalled_handshake_times_out),
    };

    return cmocka_run_group_tests_name("vtepd/jsonrpc/stream-ssl", tests,
                                       group_setup, group_teardown);
}
