/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/slab: size classes, reuse of freed objects,
 * blocks given back when empty, the malloc() path for large objects. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/slab.h"

/* Objects of a 64 kB block (less its header) of 104-byte objects. */
#define PER_BLOCK ((64 * 1024 - 64) / 104)

static struct slab_stats
stats(void)
{
    struct slab_stats s;

    slab_get_stats(&s);
    return s;
}

static int
setup(void **state)
{
    /* Blocks even under valgrind, which the default would avoid. */
    slab_enable(true);
    return 0;
}

static void
test_classes_and_blocks(void **state)
{
    size_t n = 3 * PER_BLOCK + 10;
    unsigned char **objs = calloc(n, sizeof *objs);

    for (size_t i = 0; i < n; i++) {
        objs[i] = slab_alloc(104);
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
    slab_free(objs[5], 104);
    assert_ptr_equal(slab_alloc(100), objs[5]); /* Same class. */
    assert_int_equal(stats().object_bytes, n * 104);

    /* Emptied blocks go back, except the last one with room. */
    for (size_t i = 0; i < n; i++) {
        slab_free(objs[i], 104);
    }
    assert_int_equal(stats().object_bytes, 0);
    assert_int_equal(stats().n_blocks, 1);
    free(objs);
}

static void
test_sizes(void **state)
{
    void *zero = slab_alloc(0);
    void *one = slab_alloc(1);
    void *max = slab_alloc(SLAB_MAX);
    void *big = slab_alloc(SLAB_MAX + 1);
    struct slab_stats s = stats();

    assert_ptr_not_equal(zero, one);
    /* 0 and 1 share the 8-byte class; 'big' comes from malloc(). */
    assert_int_equal(s.object_bytes, 8 + 8 + SLAB_MAX);
    memset(max, 1, SLAB_MAX);
    memset(big, 2, SLAB_MAX + 1);
    slab_free(big, SLAB_MAX + 1);
    slab_free(max, SLAB_MAX);
    slab_free(one, 1);
    slab_free(zero, 0);
    slab_free(NULL, 8);
    assert_int_equal(stats().object_bytes, 0);
}

/* slab_zalloc() zeroes, also an object reused dirty. */
static void
test_zalloc(void **state)
{
    unsigned char *p = slab_alloc(48), *q;

    memset(p, 0xa5, 48);
    slab_free(p, 48);
    q = slab_zalloc(48);
    assert_ptr_equal(q, p);
    for (size_t i = 0; i < 48; i++) {
        assert_int_equal(q[i], 0);
    }
    slab_free(q, 48);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classes_and_blocks),
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_zalloc),
    };

    return cmocka_run_group_tests_name("lib/slab", tests, setup, NULL);
}
