/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/options: the command-line contract. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/util.h"
#include "vtepd/options.h"

/* The sentinel that ends an argument list (a typed NULL, as varargs need). */
#define END ((const char *) NULL)

struct parse {
    struct vtepd_options opts;
    struct ds out;
    struct ds err;
    enum vtepd_options_result result;
};

/* Parses the NULL-terminated arguments after "vtepd". */
static void
parse(struct parse *p, ...)
{
    char *argv[32];
    int argc = 0;
    va_list args;
    const char *arg;

    argv[argc++] = "vtepd";
    va_start(args, p);
    while ((arg = va_arg(args, const char *)) != NULL) {
        assert_true(argc < 31);
        argv[argc++] = (char *) arg;
    }
    va_end(args);
    argv[argc] = NULL;
    ds_init(&p->out);
    ds_init(&p->err);
    p->result = vtepd_options_parse(&p->opts, argc, argv, &p->out, &p->err);
}

static void
parse_done(struct parse *p)
{
    vtepd_options_destroy(&p->opts);
    ds_destroy(&p->out);
    ds_destroy(&p->err);
}

static void
expect_error(const char *needle, ...)
{
    /* Up to two arguments, NULL-terminated. */
    struct parse p;
    va_list args;
    const char *a1, *a2 = NULL;

    va_start(args, needle);
    a1 = va_arg(args, const char *);
    if (a1) {
        a2 = va_arg(args, const char *);
    }
    va_end(args);
    parse(&p, a1, a2, END);
    if (p.result != VTEPD_OPTIONS_EXIT_ERROR) {
        fail_msg("'%s' was accepted", a1);
    }
    if (!strstr(ds_cstr(&p.err), needle)) {
        fail_msg("error \"%s\" lacks \"%s\"", ds_cstr(&p.err), needle);
    }
    parse_done(&p);
}

static void
test_defaults(void **state)
{
    struct parse p;

    parse(&p, END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_string_equal(p.opts.database, "run/vtep.db");
    assert_int_equal(p.opts.n_remotes, 2);
    assert_true(p.opts.default_remotes);
    assert_string_equal(p.opts.remotes[0], "ptcp:6640:127.0.0.1");
    assert_string_equal(p.opts.remotes[1], "punix:run/db.sock");
    assert_string_equal(p.opts.unixctl, "run/vtepd.ctl");
    assert_int_equal(p.opts.hal, VTEPD_HAL_ASIC);
    assert_null(p.opts.pidfile);
    assert_null(p.opts.log_file);
    assert_false(p.opts.detach);
    assert_int_equal(p.opts.busy_poll_usec, VTEPD_DEFAULT_BUSY_POLL_USEC);
    assert_int_equal(p.opts.dp_thread, VTEPD_DEFAULT_DP_THREAD);
    assert_int_equal(p.opts.dp_rx_usecs, 0); /* The dataplane's default. */
    assert_int_equal(p.opts.max_sessions, 0);
    parse_done(&p);
}

/* --hal names a loadable provider by file (with a '/') or by NAME, which
 * must exist as NAME.so in --hal-dir; a later --hal replaces an earlier
 * one. */
static void
test_hal_provider(void **state)
{
    char dir[] = "/tmp/test-options.XXXXXX";
    char *module, *arg;
    struct parse p;
    FILE *f;

    assert_non_null(mkdtemp(dir));
    module = xasprintf("%s/tofino.so", dir);
    f = fopen(module, "w");
    assert_non_null(f);
    fclose(f);

    arg = xasprintf("--hal=%s", module);
    parse(&p, arg, END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.hal, VTEPD_HAL_PROVIDER);
    assert_string_equal(p.opts.hal_provider, module);
    assert_null(p.opts.hal_dir);
    assert_string_equal(vtepd_hal_name(p.opts.hal), "provider");
    assert_null(vtepd_options_unimplemented(&p.opts));
    parse_done(&p);
    free(arg);

    arg = xasprintf("--hal-dir=%s", dir);
    parse(&p, "--hal=tofino", arg, END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.hal, VTEPD_HAL_PROVIDER);
    assert_string_equal(p.opts.hal_provider, "tofino");
    assert_string_equal(p.opts.hal_dir, dir);
    parse_done(&p);

    /* A NAME with no module, or a file that is not there, fails early. */
    parse(&p, "--hal=trident", arg, END);
    assert_int_equal(p.result, VTEPD_OPTIONS_EXIT_ERROR);
    assert_non_null(strstr(ds_cstr(&p.err), "but there is no "));
    assert_non_null(strstr(ds_cstr(&p.err), "/trident.so"));
    parse_done(&p);
    parse(&p, "--hal=./nonexistent.so", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_EXIT_ERROR);
    assert_string_equal(ds_cstr(&p.err),
                        "--hal=./nonexistent.so: no such provider module "
                        "file");
    parse_done(&p);

    parse(&p, "--hal=tofino", "--hal=netdev", arg, END);
    assert_int_equal(p.opts.hal, VTEPD_HAL_NETDEV);
    assert_null(p.opts.hal_provider);
    parse_done(&p);

    free(arg);
    unlink(module);
    free(module);
    rmdir(dir);
}

static void
test_everything(void **state)
{
    struct parse p;

    parse(&p, "--remote=punix:/tmp/a.sock", "--remote=ptcp:6641:[::1]",
          "--remote=tcp:10.0.0.1:6640", "--remote=ssl:[fe80::1]:6640",
          "--remote=db:hardware_vtep,Global,managers", "--private-key=k.pem",
          "--certificate=c.pem", "--ca-cert=ca.pem", "--hal=netdev",
          "--platform=trident2", "--switch-name=tor1", "--tunnel-ip=192.0.2.1",
          "--management-ip=2001:db8::1", "--port=eth1", "--port=eth2",
          "--pidfile", "--log-file", "--detach", "-v", "-v", "/var/db/x.db",
          END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_string_equal(p.opts.database, "/var/db/x.db");
    assert_int_equal(p.opts.n_remotes, 5);
    assert_false(p.opts.default_remotes);
    assert_string_equal(p.opts.remotes[4], "db:hardware_vtep,Global,managers");
    assert_string_equal(p.opts.private_key, "k.pem");
    assert_string_equal(p.opts.certificate, "c.pem");
    assert_string_equal(p.opts.ca_cert, "ca.pem");
    assert_int_equal(p.opts.hal, VTEPD_HAL_NETDEV);
    assert_string_equal(p.opts.platform, "trident2");
    assert_string_equal(p.opts.switch_name, "tor1");
    assert_string_equal(p.opts.tunnel_ip, "192.0.2.1");
    assert_string_equal(p.opts.management_ip, "2001:db8::1");
    assert_int_equal(p.opts.n_ports, 2);
    assert_string_equal(p.opts.ports[1], "eth2");
    assert_string_equal(p.opts.pidfile, "/var/db/vtepd.pid");
    assert_string_equal(p.opts.log_file, "/var/db/vtepd.log");
    assert_string_equal(p.opts.unixctl, "/var/db/vtepd.ctl");
    assert_true(p.opts.detach);
    assert_int_equal(p.opts.verbosity, 2);
    parse_done(&p);

    parse(&p, "--busy-poll=75", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.busy_poll_usec, 75);
    parse_done(&p);
    parse(&p, "--busy-poll=0", END);
    assert_int_equal(p.opts.busy_poll_usec, 0);
    parse_done(&p);
    parse(&p, "--dataplane-thread=idle", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.dp_thread, VTEPD_DP_THREAD_IDLE);
    parse_done(&p);
    parse(&p, "--dataplane-thread=off", END);
    assert_int_equal(p.opts.dp_thread, VTEPD_DP_THREAD_OFF);
    parse_done(&p);
    parse(&p, "--dataplane-thread=batch", END);
    assert_int_equal(p.opts.dp_thread, VTEPD_DP_THREAD_BATCH);
    parse_done(&p);
    parse(&p, "--dataplane-rx-usecs=50", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.dp_rx_usecs, 50);
    parse_done(&p);
    parse(&p, "--dataplane-rx-usecs=0", END);
    assert_int_equal(p.opts.dp_rx_usecs, -1); /* Off. */
    parse_done(&p);
    parse(&p, "--max-sessions=500", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.max_sessions, 500);
    parse_done(&p);
}

/* The default session limit keeps descriptors back for the daemon. */
static void
test_default_max_sessions(void **state)
{
    assert_int_equal(vtepd_default_max_sessions(1024), 960);
    assert_int_equal(vtepd_default_max_sessions(128), 64);
    assert_int_equal(vtepd_default_max_sessions(20), 10);
    assert_int_equal(vtepd_default_max_sessions(1), 1);
    assert_int_equal(vtepd_default_max_sessions(~0ULL),
                     VTEPD_MAX_SESSIONS_LIMIT);
}

static void
test_help_and_version(void **state)
{
    struct parse p;

    parse(&p, "--help", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_EXIT_OK);
    assert_non_null(strstr(ds_cstr(&p.out), "--remote=punix:PATH"));
    assert_non_null(strstr(ds_cstr(&p.out), "--hal=asic|netdev|none"));
    parse_done(&p);

    parse(&p, "--version", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_EXIT_OK);
    assert_non_null(strstr(ds_cstr(&p.out), VTEPD_VERSION));
    parse_done(&p);
}

/* Client mode: --db takes active remotes, comma-separated; no listener
 * is defaulted. */
static void
test_client_mode(void **state)
{
    struct parse p;

    parse(&p, "--db=tcp:127.0.0.1:6641,unix:/run/db.sock,ssl:[::1]:6643", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_int_equal(p.opts.n_db_remotes, 3);
    assert_string_equal(p.opts.db_remotes[0], "tcp:127.0.0.1:6641");
    assert_string_equal(p.opts.db_remotes[1], "unix:/run/db.sock");
    assert_string_equal(p.opts.db_remotes[2], "ssl:[::1]:6643");
    assert_int_equal(p.opts.n_remotes, 0);
    assert_string_equal(p.opts.unixctl, "run/vtepd.ctl");
    parse_done(&p);

    expect_error("not an active remote", "--db=ptcp:6640", END);
    expect_error("malformed tcp", "--db=tcp:127.0.0.1", END);
    expect_error("no remote given", "--db=,", END);
    expect_error("--schema does not apply", "--db=unix:/x",
                 "--schema=/tmp/s.ovsschema", END);
}

static void
test_bad_input(void **state)
{
    expect_error("unknown remote type", "--remote=http:80", END);
    expect_error("malformed ptcp", "--remote=ptcp:99999", END);
    expect_error("malformed ptcp", "--remote=ptcp:6640:not-an-ip", END);
    expect_error("malformed tcp", "--remote=tcp:10.0.0.1", END);
    expect_error("malformed tcp", "--remote=tcp:host.example:6640", END);
    expect_error("malformed punix", "--remote=punix:", END);
    expect_error("malformed db", "--remote=db:hardware_vtep,Global", END);
    expect_error("expected asic, netdev, none, a provider NAME",
                 "--hal=tofino.so", END);
    expect_error("expected asic, netdev, none, a provider NAME",
                 "--hal=", END);
    expect_error("not an IPv4 address", "--tunnel-ip=2001:db8::1", END);
    expect_error("not an IP address", "--management-ip=switch1", END);
    expect_error("not a valid interface name", "--port=a-very-long-ifname0",
                 END);
    expect_error("requires --hal=none", "--schema=x.ovsschema", END);
    expect_error("at most one DATABASE", "a.db", "b.db", END);
    expect_error("--help", "--no-such-option", END);
    expect_error("not a number of microseconds", "--busy-poll=fast", END);
    expect_error("not off, idle, batch or normal", "--dataplane-thread=fast",
                 END);
    expect_error("not a number of microseconds", "--busy-poll=-1", END);
    expect_error("microseconds from 0 to 100", "--dataplane-rx-usecs=101",
                 END);
    expect_error("microseconds from 0 to 100", "--dataplane-rx-usecs=20us",
                 END);
    expect_error("not a number of microseconds", "--busy-poll=2000000", END);
    expect_error("not a number from 1 to", "--max-sessions=0", END);
    expect_error("not a number from 1 to", "--max-sessions=many", END);
    expect_error("not a number from 1 to", "--max-sessions=2000000", END);
}

static void
test_unimplemented(void **state)
{
    struct vtepd_features saved = vtepd_features;
    struct parse p;

    memset(&vtepd_features, 0, sizeof vtepd_features);

    /* The defaults never count as asking for something missing. */
    parse(&p, END);
    assert_null(vtepd_options_unimplemented(&p.opts));
    parse_done(&p);

    parse(&p, "--remote=ptcp:6640", END);
    assert_non_null(vtepd_options_unimplemented(&p.opts));
    vtepd_features.ovsdb_server = true;
    assert_null(vtepd_options_unimplemented(&p.opts));
    parse_done(&p);

    parse(&p, "--remote=pssl:6640", END);
    assert_non_null(strstr(vtepd_options_unimplemented(&p.opts), "TLS"));
    vtepd_features.tls = true;
    assert_null(vtepd_options_unimplemented(&p.opts));
    parse_done(&p);

    parse(&p, "--hal=netdev", END);
    assert_string_equal(vtepd_options_unimplemented(&p.opts), "--hal=netdev");
    parse_done(&p);

    parse(&p, "--tunnel-ip=192.0.2.1", END);
    assert_non_null(
        strstr(vtepd_options_unimplemented(&p.opts), "reconciler"));
    parse_done(&p);

    vtepd_features = saved;
}

/* The DATABASE operand may come anywhere among the options, as with
 * ovsdb-server (GNU getopt permutes); "--" ends the options. */
static void
test_operand_order(void **state)
{
    struct parse p;

    (void) state;
    parse(&p, "db.first", "--remote=punix:x", "--hal=none", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_string_equal(p.opts.database, "db.first");
    assert_int_equal(p.opts.hal, VTEPD_HAL_NONE);
    assert_int_equal(p.opts.n_remotes, 1);
    parse_done(&p);

    parse(&p, "--hal=none", "db.middle", "--remote=punix:x", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_string_equal(p.opts.database, "db.middle");
    assert_int_equal(p.opts.n_remotes, 1);
    parse_done(&p);

    parse(&p, "--hal=none", "--", "--odd-name.db", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_RUN);
    assert_string_equal(p.opts.database, "--odd-name.db");
    parse_done(&p);

    parse(&p, "a.db", "--hal=none", "b.db", END);
    assert_int_equal(p.result, VTEPD_OPTIONS_EXIT_ERROR);
    assert_non_null(strstr(ds_cstr(&p.err), "at most one DATABASE"));
    parse_done(&p);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operand_order),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_everything),
        cmocka_unit_test(test_default_max_sessions),
        cmocka_unit_test(test_hal_provider),
        cmocka_unit_test(test_help_and_version),
        cmocka_unit_test(test_client_mode),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_unimplemented),
    };
    return cmocka_run_group_tests_name("vtepd/options", tests, NULL, NULL);
}
