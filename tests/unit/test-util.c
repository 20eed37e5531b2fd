/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/util and lib/ds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/ds.h"
#include "lib/util.h"

struct outer {
    int a;
    long b;
    char member;
};

static void
test_container_of(void **state)
{
    struct outer o;

    assert_ptr_equal(container_of(&o.member, struct outer, member), &o);
    assert_ptr_equal(container_of(&o.b, struct outer, b), &o);
}

static void
test_xalloc(void **state)
{
    char *s = xstrdup("vtep");
    char *t = xstrndup("vtepd-long", 5);
    char *u = xasprintf("%s-%d", s, 42);
    int *z = xcalloc(16, sizeof *z);
    void *zero = xmalloc(0);
    size_t i, allocated = 0;
    int *grow = NULL;

    assert_string_equal(s, "vtep");
    assert_string_equal(t, "vtepd");
    assert_string_equal(u, "vtep-42");
    for (i = 0; i < 16; i++) {
        assert_int_equal(z[i], 0);
    }
    assert_non_null(zero);
    grow = x2nrealloc(grow, &allocated, 100, sizeof *grow);
    assert_true(allocated >= 100);
    grow[99] = 1;
    free(grow);
    free(zero);
    free(z);
    free(u);
    free(t);
    free(s);
}

static void
test_ds(void **state)
{
    struct ds ds = DS_EMPTY_INITIALIZER;
    char *stolen;
    int i;

    assert_string_equal(ds_cstr(&ds), "");
    ds_put_cstr(&ds, "hello");
    ds_put_char(&ds, ' ');
    ds_put_format(&ds, "%s %d", "world", 7);
    assert_string_equal(ds_cstr(&ds), "hello world 7");
    assert_int_equal(ds.length, strlen("hello world 7"));
    ds_put_char(&ds, '\n');
    ds_chomp(&ds, '\n');
    ds_chomp(&ds, '\n');
    assert_string_equal(ds_cstr(&ds), "hello world 7");
    ds_truncate(&ds, 5);
    assert_string_equal(ds_cstr(&ds), "hello");

    /* Growth past the first allocation, through ds_put_format(). */
    ds_clear(&ds);
    for (i = 0; i < 1000; i++) {
        ds_put_format(&ds, "%04d", i);
    }
    assert_int_equal(ds.length, 4000);
    assert_memory_equal(ds_cstr(&ds) + 3996, "0999", 4);
    stolen = ds_steal_cstr(&ds);
    assert_null(ds.string);
    assert_int_equal(strlen(stolen), 4000);
    free(stolen);
    ds_destroy(&ds);
}

static void
test_str_starts_with(void **state)
{
    assert_true(str_starts_with("punix:/tmp/x", "punix:"));
    assert_false(str_starts_with("unix:/tmp/x", "punix:"));
    assert_true(str_starts_with("x", ""));
    assert_false(str_starts_with("", "x"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_container_of),
        cmocka_unit_test(test_xalloc),
        cmocka_unit_test(test_ds),
        cmocka_unit_test(test_str_starts_with),
    };
    return cmocka_run_group_tests_name("lib/util", tests, NULL, NULL);
}
