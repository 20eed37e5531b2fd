/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/ovsdb/stream: remote names and addresses, and a
 * listener/connection round trip on loopback. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <poll.h>
#include <unistd.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "vtepd/jsonrpc/stream.h"

static void
test_verify_names(void **state)
{
    assert_true(stream_verify_name("tcp:127.0.0.1:6640"));
    assert_true(stream_verify_name("tcp:[::1]:6640"));
    assert_true(stream_verify_name("unix:/tmp/x.sock"));
    assert_false(stream_verify_name("tcp:127.0.0.1"));
    assert_false(stream_verify_name("tcp:127.0.0.1:0"));
    assert_false(stream_verify_name("tcp:127.0.0.1:65536"));
    assert_false(stream_verify_name("tcp:localhost:6640"));
    assert_false(stream_verify_name("tcp:[::1:6640"));
    assert_false(stream_verify_name("unix:"));
    assert_false(stream_verify_name("ptcp:6640"));
    assert_false(stream_verify_name("bogus:1"));

    assert_true(pstream_verify_name("ptcp:6640"));
    assert_true(pstream_verify_name("ptcp:0:127.0.0.1"));
    assert_true(pstream_verify_name("ptcp:6640:[::1]"));
    assert_true(pstream_verify_name("ptcp:6640:::1"));
    assert_true(pstream_verify_name("punix:/tmp/x.sock"));
    assert_false(pstream_verify_name("ptcp:"));
    assert_false(pstream_verify_name("ptcp:x"));
    assert_false(pstream_verify_name("ptcp:70000"));
    assert_false(pstream_verify_name("ptcp:1:1.2.3"));
    assert_false(pstream_verify_name("tcp:1.2.3.4:5"));

    assert_true(stream_name_is_passive("punix:/x"));
    assert_true(stream_name_is_passive("ptcp:1"));
    assert_false(stream_name_is_passive("unix:/x"));
}

static void
test_parse_inet(void **state)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char text[64];

    assert_int_equal(stream_parse_inet_active("10.0.0.1:6640", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET);
    stream_format_inet(&ss, text, sizeof text);
    assert_string_equal(text, "10.0.0.1:6640");

    assert_int_equal(stream_parse_inet_active("[fe80::1]:1", &ss, &len), 0);
    assert_int_equal(ss.ss_family, AF_INET6);
    stream_format_inet(&ss, text, sizeof text);
    assert_string_equal(text, "[fe80::1]:1");

    assert_int_equal(stream_parse_inet_passive("0", &ss, &len), 0);
    stream_format_inet(&ss, text, sizeof text);
    assert_string_equal(text, "0.0.0.0:0");

    assert_int_equal(stream_parse_inet_passive("6640:[::1]", &ss, &len), 0);
    stream_format_inet(&ss, text, sizeof text);
    assert_string_equal(text, "[::1]:6640");

    assert_int_equal(stream_parse_inet_passive("-1", &ss, &len), -EINVAL);
    assert_int_equal(stream_parse_inet_passive("12345678", &ss, &len),
                     -EINVAL);
    assert_int_equal(stream_parse_inet_active("[1.2.3.4]:5", &ss, &len),
                     -EINVAL);
}

static void
test_parse_unix(void **state)
{
    struct sockaddr_storage ss;
    socklen_t len;
    char longpath[200];

    assert_int_equal(stream_parse_unix("/run/x.sock", &ss, &len), 0);
    assert_int_equal(stream_parse_unix("", &ss, &len), -EINVAL);
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    assert_int_equal(stream_parse_unix(longpath, &ss, &len), -ENAMETOOLONG);
}

static void
test_open_errors(void **state)
{
    struct stream *stream;
    struct pstream *pstream;

    assert_int_equal(stream_open("bogus:1", &stream), -EAFNOSUPPORT);
    assert_null(stream);
    assert_int_equal(stream_open("tcp:nohost:1", &stream), -EINVAL);
    assert_int_equal(pstream_open("ptcp:x", &pstream), -EINVAL);
    assert_null(pstream);
    stream_close(NULL);
    pstream_close(NULL);
}

static void
wait_fd(int fd, short events)
{
    struct pollfd pfd = { .fd = fd, .events = events };

    assert_int_equal(poll(&pfd, 1, 5000), 1);
}

/* Listens on 'pname', connects to 'name' (followed by the bound port if
 * 'add_port') and passes a few bytes each way. */
static void
round_trip(const char *pname, const char *name_prefix, bool add_port)
{
    struct pstream *pstream;
    struct stream *client, *server;
    char name[128], buf[16];
    int error;

    assert_int_equal(pstream_open(pname, &pstream), 0);
    if (add_port) {
        snprintf(name, sizeof name, "%s%u", name_prefix,
                 (unsigned) pstream_get_bound_port(pstream));
    } else {
        snprintf(name, sizeof name, "%s", name_prefix);
    }
    assert_int_equal(stream_open(name, &client), 0);
    do {
        wait_fd(stream_fd(client), POLLOUT);
        error = stream_connect(client);
    } while (error == -EAGAIN);
    assert_int_equal(error, 0);

    wait_fd(pstream_fd(pstream), POLLIN);
    assert_int_equal(pstream_accept(pstream, &server), 0);
    {
        struct stream *none;

        assert_int_equal(pstream_accept(pstream, &none), -EAGAIN);
    }
    assert_int_equal(stream_recv(server, buf, sizeof buf), -EAGAIN);
    assert_int_equal(stream_send(client, "ping", 4), 4);
    wait_fd(stream_fd(server), POLLIN);
    assert_int_equal(stream_recv(server, buf, sizeof buf), 4);
    assert_memory_equal(buf, "ping", 4);
    stream_close(client);
    wait_fd(stream_fd(server), POLLIN);
    assert_int_equal(stream_recv(server, buf, sizeof buf), 0);
    stream_close(server);
    pstream_close(pstream);
}

static void
test_tcp_round_trip(void **state)
{
    round_trip("ptcp:0:127.0.0.1", "tcp:127.0.0.1:", true);
}

static void
test_tcp6_round_trip(void **state)
{
    struct pstream *pstream;

    if (pstream_open("ptcp:0:[::1]", &pstream)) {
        skip(); /* No IPv6 loopback here. */
    }
    pstream_close(pstream);
    round_trip("ptcp:0:[::1]", "tcp:[::1]:", true);
}

static void
test_unix_round_trip_and_stale_file(void **state)
{
    char dir[] = "/tmp/test-stream.XXXXXX";
    char pname[128], name[128], path[96];
    struct pstream *pstream, *second;
    struct stat st;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/s.sock", dir);
    snprintf(pname, sizeof pname, "punix:%s", path);
    snprintf(name, sizeof name, "unix:%s", path);

    round_trip(pname, name, false);
    assert_int_equal(stat(path, &st), -1); /* pclose removed the file. */

    /* A socket file left by a dead server is replaced. */
    {
        struct sockaddr_storage ss;
        socklen_t len;
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        assert_int_equal(stream_parse_unix(path, &ss, &len), 0);
        assert_int_equal(bind(fd, (struct sockaddr *) &ss, len), 0);
        close(fd);
        assert_int_equal(stat(path, &st), 0);
    }
    /* A live listener keeps its file; a second one is refused. */
    assert_int_equal(pstream_open(pname, &pstream), 0);
    assert_int_equal(pstream_open(pname, &second), -EADDRINUSE);
    pstream_close(pstream);
    rmdir(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verify_names),
        cmocka_unit_test(test_parse_inet),
        cmocka_unit_test(test_parse_unix),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_tcp_round_trip),
        cmocka_unit_test(test_tcp6_round_trip),
        cmocka_unit_test(test_unix_round_trip_and_stale_file),
    };

    return cmocka_run_group_tests_name("vtepd/jsonrpc/stream", tests, NULL,
                                       NULL);
}
