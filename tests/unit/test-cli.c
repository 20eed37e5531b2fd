/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtep-cli's building blocks: output tables, RFC 7047 datum
 * helpers, and the blocking JSON-RPC client against a scripted peer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cli/cli.h"
#include "cli/rpc.h"
#include "lib/util.h"

/* Runs cli_table_print() with stdout captured; returns the text
 * (malloc'd). */
static char *
print_captured(const struct cli_table *t)
{
    FILE *tmp = tmpfile();
    int saved = dup(STDOUT_FILENO);
    char *text = xzalloc(4096);

    fflush(stdout);
    dup2(fileno(tmp), STDOUT_FILENO);
    cli_table_print(t);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    rewind(tmp);
    assert_true(fread(text, 1, 4095, tmp) > 0);
    fclose(tmp);
    return text;
}

static struct cli_table *
sample_table(void)
{
    static const char *const cols[] = { "vni:VNI", "mac:MAC", "port:PORT",
                                        NULL };
    struct cli_table *t = cli_table_create(cols);

    cli_table_add(t, (json_t *[]){ json_integer(6000),
                                   json_string("00:00:00:00:00:02"), NULL });
    cli_table_add(t, (json_t *[]){ json_integer(500),
                                   json_string("00:00:00:00:00:01"),
                                   json_string("swp1") });
    return t;
}

static void
test_table_print_aligns_and_sorts(void **state)
{
    struct cli_table *t = sample_table();
    char *text;

    cli_table_sort(t);
    text = print_captured(t);
    /* Integers sort numerically (500 before 6000), empty cells print "-",
     * no line ends in a space. */
    assert_string_equal(text, "VNI   MAC                PORT\n"
                              "500   00:00:00:00:00:01  swp1\n"
                              "6000  00:00:00:00:00:02  -\n");
    free(text);
    cli_table_destroy(t);
}

static void
test_table_json_keys(void **state)
{
    struct cli_table *t = sample_table();
    json_t *j = cli_table_to_json(t);

    assert_int_equal(json_array_size(j), 2);
    assert_int_equal(
        json_integer_value(json_object_get(json_array_get(j, 0), "vni")),
        6000);
    assert_true(json_is_null(json_object_get(json_array_get(j, 0), "port")));
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(j, 1), "port")),
        "swp1");
    json_decref(j);
    cli_table_destroy(t);
}

static void
test_datum_helpers(void **state)
{
    json_t *db = json_loads(
        "{\"Logical_Switch\": {\"u1\": {\"name\": \"ls0\", "
        "\"tunnel_key\": 5000, \"replication_mode\": [\"set\", []]}},"
        " \"Physical_Port\": {\"p1\": {\"vlan_bindings\": "
        "[\"map\", [[0, [\"uuid\", \"u1\"]], [10, [\"uuid\", \"u1\"]]]],"
        " \"tunnel_ips\": [\"set\", [\"10.0.0.1\", \"10.0.0.2\"]],"
        " \"one\": \"10.0.0.3\", \"status\": [\"map\", [[\"state\", "
        "\"ACTIVE\"]]]}}}",
        0, NULL);
    json_t *port = json_object_get(cli_rows(db, "Physical_Port"), "p1");
    json_t *bindings = json_object_get(port, "vlan_bindings"), *k, *v, *a;
    json_t *ls = json_object_get(cli_rows(db, "Logical_Switch"), "u1");

    assert_int_equal(cli_map_size(bindings), 2);
    cli_map_at(bindings, 1, &k, &v);
    assert_int_equal(json_integer_value(k), 10);
    assert_ptr_equal(cli_deref(db, "Logical_Switch", v), ls);
    assert_null(cli_deref(db, "Logical_Switch", json_object_get(port, "one")));
    assert_string_equal(json_string_value(cli_map_get(
                            json_object_get(port, "status"), "state")),
                        "ACTIVE");
    assert_null(cli_map_get(json_object_get(port, "status"), "nothing"));
    assert_int_equal(cli_set_size(json_object_get(port, "tunnel_ips")), 2);
    assert_int_equal(cli_set_size(json_object_get(port, "one")), 1);
    assert_int_equal(cli_set_size(NULL), 0);
    a = cli_set_to_array(json_object_get(port, "tunnel_ips"));
    assert_string_equal(json_string_value(json_array_get(a, 1)), "10.0.0.2");
    json_decref(a);
    v = cli_opt_int(ls, "tunnel_key");
    assert_int_equal(json_integer_value(v), 5000);
    json_decref(v);
    assert_null(cli_opt_int(ls, "replication_mode"));
    json_decref(db);
}

/* A scripted peer on Unix socket 'path': reads one request, sends an
 * "echo" request first (which the client must answer), a reply to another
 * id, then the reply; checks the echo answer.  Exits 0 if all went as
 * expected. */
static void
scripted_peer(int listener)
{
    char buf[4096];
    int fd = accept(listener, NULL, NULL);
    ssize_t n = read(fd, buf, sizeof buf - 1);
    static const char script[] =
        "{\"method\":\"echo\",\"params\":[\"x\"],\"id\":\"e\"}"
        "{\"result\":\"wrong id\",\"error\":null,\"id\":99}"
        "{\"result\":\"hello\\n\",\"error\":null,\"id\":0}";

    if (n <= 0) {
        _exit(1);
    }
    buf[n] = '\0';
    if (!strstr(buf, "\"method\":\"version\"")
        || write(fd, script, strlen(script)) != (ssize_t) strlen(script)) {
        _exit(2);
    }
    n = read(fd, buf, sizeof buf - 1);
    buf[n > 0 ? n : 0] = '\0';
    _exit(strstr(buf, "\"result\":[\"x\"]") && strstr(buf, "\"id\":\"e\"")
              ? 0
              : 3);
}

static void
test_rpc_call_answers_echo_and_matches_id(void **state)
{
    char dir[] = "/tmp/test-cli-XXXXXX";
    struct sockaddr_un sun = { .sun_family = AF_UNIX };
    struct cli_rpc *rpc;
    json_t *result = NULL, *error = NULL;
    char *name;
    int listener, status;
    pid_t pid;

    assert_non_null(mkdtemp(dir));
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s/s", dir);
    listener = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(listener, (struct sockaddr *) &sun, sizeof sun), 0);
    assert_int_equal(listen(listener, 1), 0);
    pid = fork();
    if (!pid) {
        scripted_peer(listener);
    }
    name = xasprintf("unix:%s", sun.sun_path);
    assert_int_equal(cli_rpc_open(name, 5000, &rpc), 0);
    assert_int_equal(
        cli_rpc_call(rpc, "version", json_array(), &result, &error), 0);
    assert_string_equal(json_string_value(result), "hello\n");
    json_decref(result);
    cli_rpc_close(rpc);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(listener);
    unlink(sun.sun_path);
    rmdir(dir);
    free(name);
}

static void
test_rpc_open_reports_missing_socket(void **state)
{
    struct cli_rpc *rpc = NULL;

    assert_int_equal(cli_rpc_open("unix:/nonexistent/x.sock", 1000, &rpc),
                     -ENOENT);
    assert_null(rpc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table_print_aligns_and_sorts),
        cmocka_unit_test(test_table_json_keys),
        cmocka_unit_test(test_datum_helpers),
        cmocka_unit_test(test_rpc_call_answers_echo_and_matches_id),
        cmocka_unit_test(test_rpc_open_reports_missing_socket),
    };

    return cmocka_run_group_tests_name("cli", tests, NULL, NULL);
}
