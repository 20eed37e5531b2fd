/* Unit tests for vtepd/ovsdb/slab: size classes, reuse of freed objects,
 * blocks given back when empty, the malloc() path for large objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "vtepd/ovsdb/slab.h"

/* Objects of a 64 kB block (less its header) of 104-byte objects. */
#define PER_BLOCK ((64 * 1024 - 64) / 104)

static struct ovsdb_slab_stats
stats(void)
{
    struct ovsdb_slab_stats s;

    ovsdb_slab_get_stats(&s);
    return s;
}

static int
setup(void **state)
{
    /* Blocks even under valgrind, which the default would avoid. */
    ovsdb_slab_enable(true);
    return 0;
}

static void
test_classes_and_blocks(void **state)
{
    size_t n = 3 * PER_BLOCK + 10;
    unsigned char **objs = calloc(n, sizeof *objs);

    for (size_t i = 0; i < n; i++) {
        objs[i] = ovsdb_slab_alloc(104);
        assert_int_equal((uintptr_t) objs[i] % 8, 0);
        memset(objs[i], (int) (i & 0xff), 104);
    }
    assert_int_equal(stats().object_bytes, n * 104);
    assert_int_equal(stats().n_blocks, 4);
    /* No object overlaps another. */
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < 104; j++) {
            assert_int_equal(objs[i][j], i & 0xff);
        }
    }

    /* A freed object is the next one handed out. */
    ovsdb_slab_free(objs[5], 104);
    assert_ptr_equal(ovsdb_slab_alloc(100), objs[5]); /* Same class. */
    assert_int_equal(stats().object_bytes, n * 104);

    /* Emptied blocks go back, except the last one with room. */
    for (size_t i = 0; i < n; i++) {
        ovsdb_slab_free(objs[i], 104);
    }
    assert_int_equal(stats().object_bytes, 0);
    assert_int_equal(stats().n_blocks, 1);
    free(objs);
}

static void
test_sizes(void **state)
{
    void *zero = ovsdb_slab_alloc(0);
    void *one = ovsdb_slab_alloc(1);
    void *max = ovsdb_slab_alloc(OVSDB_SLAB_MAX);
    void *big = ovsdb_slab_alloc(OVSDB_SLAB_MAX + 1);
    struct ovsdb_slab_stats s = stats();

    assert_ptr_not_equal(zero, one);
    /* 0 and 1 share the 8-byte class; 'big' comes from malloc(). */
    assert_int_equal(s.object_bytes, 8 + 8 + OVSDB_SLAB_MAX);
    memset(max, 1, OVSDB_SLAB_MAX);
    memset(big, 2, OVSDB_SLAB_MAX + 1);
    ovsdb_slab_free(big, OVSDB_SLAB_MAX + 1);
    ovsdb_slab_free(max, OVSDB_SLAB_MAX);
    ovsdb_slab_free(one, 1);
    ovsdb_slab_free(zero, 0);
    ovsdb_slab_free(NULL, 8);
    assert_int_equal(stats().object_bytes, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_and_blocks),
        cmocka_unit_test(test_sizes),
    };

    return cmocka_run_group_tests_name("vtepd/ovsdb/slab", tests, setup, NULL);
}
