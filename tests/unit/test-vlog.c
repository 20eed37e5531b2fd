/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/log. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(test_log);

static char log_path[64];

static int
setup(void **state)
{
    int fd;

    snprintf(log_path, sizeof log_path, "/tmp/vtepd-test-log-XXXXXX");
    fd = mkstemp(log_path);
    assert_true(fd >= 0);
    close(fd);
    vlog_set_level(VLD_CONSOLE, VLL_OFF);
    assert_int_equal(vlog_open_log_file(log_path), 0);
    return 0;
}

static int
teardown(void **state)
{
    vlog_close();
    unlink(log_path);
    return 0;
}

/* Returns the whole log file; the caller frees it. */
static char *
read_log(void)
{
    FILE *f = fopen(log_path, "r");
    char *buf = calloc(1, 65536);
    size_t n;

    assert_non_null(f);
    n = fread(buf, 1, 65535, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static size_t
count_lines(const char *s)
{
    size_t n = 0;

    for (; *s; s++) {
        n += *s == '\n';
    }
    return n;
}

static void
test_line_format_and_levels(void **state)
{
    char *log;
    int year, month, day, hour, minute, second, msec;
    unsigned int seq;
    char rest[256];

    VLOG_INFO("listening on %s", "ptcp:6640");
    VLOG_DBG("not shown at the default level");
    log = read_log();
    assert_int_equal(count_lines(log), 1);
    assert_int_equal(sscanf(log, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ|%5u|%255[^\n]",
                            &year, &month, &day, &hour, &minute, &second,
                            &msec, &seq, rest),
                     9);
    assert_string_equal(rest, "test_log|INFO|listening on ptcp:6640");
    free(log);

    vlog_set_level(VLD_FILE, VLL_DBG);
    VLOG_DBG("now shown");
    vlog_set_level(VLD_FILE, VLL_WARN);
    VLOG_INFO("hidden again");
    VLOG_ERR("errors still shown");
    log = read_log();
    assert_non_null(strstr(log, "|test_log|DBG|now shown\n"));
    assert_null(strstr(log, "hidden again"));
    assert_non_null(strstr(log, "|test_log|ERR|errors still shown\n"));
    free(log);
}

static void
test_module_override(void **state)
{
    char *log;

    vlog_set_level(VLD_FILE, VLL_INFO);
    assert_int_equal(vlog_set_module_level("test_log", VLL_ERR), 0);
    assert_int_equal(vlog_set_module_level("no_such_module", VLL_ERR),
                     -ENOENT);
    VLOG_WARN("suppressed by the module level");
    assert_int_equal(vlog_set_module_level("test_log", VLL_N_LEVELS), 0);
    VLOG_WARN("shown after the override is cleared");
    log = read_log();
    assert_null(strstr(log, "suppressed by the module level"));
    assert_non_null(strstr(log, "shown after the override is cleared"));
    free(log);
}

static void
test_rate_limit(void **state)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 3);
    char *log;
    int i;

    vlog_set_level(VLD_FILE, VLL_INFO);
    for (i = 0; i < 50; i++) {
        VLOG_WARN_RL(&rl, "flood %d", i);
    }
    log = read_log();
    assert_non_null(strstr(log, "flood 2\n"));
    assert_null(strstr(log, "flood 3\n"));
    assert_int_equal(rl.suppressed, 47);
    free(log);
}

static void
test_level_names(void **state)
{
    assert_int_equal(vlog_level_from_string("dbg"), VLL_DBG);
    assert_int_equal(vlog_level_from_string("debug"), VLL_DBG);
    assert_int_equal(vlog_level_from_string("WARN"), VLL_WARN);
    assert_int_equal(vlog_level_from_string("bogus"), VLL_N_LEVELS);
    assert_string_equal(vlog_level_to_string(VLL_ERR), "ERR");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_line_format_and_levels, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_module_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rate_limit, setup, teardown),
        cmocka_unit_test(test_level_names),
    };
    return cmocka_run_group_tests_name("lib/vlog", tests, NULL, NULL);
}
