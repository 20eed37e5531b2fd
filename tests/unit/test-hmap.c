/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/hmap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/hash.h"
#include "lib/hmap.h"

struct element {
    int value;
    struct hmap_node node;
};

/* A deliberately bad hash, to force collisions. */
static uint32_t
weak_hash(int value)
{
    return (uint32_t) value % 7;
}

static struct element *
find(const struct hmap *map, int value, uint32_t (*hash)(int))
{
    struct element *e;

    HMAP_FOR_EACH_WITH_HASH(e, node, hash(value), map) {
        if (e->value == value) {
            return e;
        }
    }
    return NULL;
}

static uint32_t
good_hash(int value)
{
    return hash_int((uint32_t) value, 0);
}

static void
check_contents(const struct hmap *map, const int *values, size_t n,
               uint32_t (*hash)(int))
{
    struct element *e;
    size_t count = 0;
    size_t i;

    assert_int_equal(hmap_count(map), n);
    HMAP_FOR_EACH(e, node, map) {
        count++;
    }
    assert_null(e);
    assert_int_equal(count, n);
    for (i = 0; i < n; i++) {
        e = find(map, values[i], hash);
        assert_non_null(e);
        assert_int_equal(e->value, values[i]);
    }
}

static void
test_insert_find_remove(uint32_t (*hash)(int))
{
    enum { N = 1000 };
    struct element *elems = calloc(N, sizeof *elems);
    int values[N];
    struct hmap map;
    int i;

    hmap_init(&map);
    assert_true(hmap_is_empty(&map));
    assert_null(find(&map, 1, hash));
    for (i = 0; i < N; i++) {
        values[i] = i * 3;
        elems[i].value = values[i];
        hmap_insert(&map, &elems[i].node, hash(values[i]));
    }
    check_contents(&map, values, N, hash);
    assert_null(find(&map, 1, hash));

    /* Remove every other element. */
    for (i = 0; i < N; i += 2) {
        hmap_remove(&map, &elems[i].node);
    }
    for (i = 0; i < N; i++) {
        assert_true((find(&map, values[i], hash) != NULL) == (i % 2 == 1));
    }
    assert_int_equal(hmap_count(&map), N / 2);
    hmap_shrink(&map);
    for (i = 1; i < N; i += 2) {
        assert_non_null(find(&map, values[i], hash));
    }
    hmap_destroy(&map);
    free(elems);
}

static void
test_good_hash(void **state)
{
    test_insert_find_remove(good_hash);
}

static void
test_colliding_hash(void **state)
{
    test_insert_find_remove(weak_hash);
}

static void
test_safe_iteration_removes_all(void **state)
{
    struct hmap map = HMAP_INITIALIZER(&map);
    struct element *e;
    int i;

    for (i = 0; i < 100; i++) {
        e = malloc(sizeof *e);
        e->value = i;
        hmap_insert(&map, &e->node, good_hash(i));
    }
    HMAP_FOR_EACH_SAFE(e, node, &map) {
        hmap_remove(&map, &e->node);
        free(e);
    }
    assert_null(e);
    assert_true(hmap_is_empty(&map));
    hmap_destroy(&map);
}

static void
test_replace_swap_reserve(void **state)
{
    struct element a = { .value = 1 }, b = { .value = 1 }, c = { .value = 2 };
    struct hmap m1, m2;

    hmap_init(&m1);
    hmap_init(&m2);
    hmap_reserve(&m1, 100);
    assert_true(m1.mask >= 99);
    hmap_insert(&m1, &a.node, good_hash(1));
    hmap_replace(&m1, &a.node, &b.node);
    assert_ptr_equal(find(&m1, 1, good_hash), &b);
    hmap_insert(&m2, &c.node, good_hash(2));
    hmap_swap(&m1, &m2);
    assert_ptr_equal(find(&m1, 2, good_hash), &c);
    assert_ptr_equal(find(&m2, 1, good_hash), &b);
    hmap_clear(&m2);
    assert_null(find(&m2, 1, good_hash));
    hmap_destroy(&m1);
    hmap_destroy(&m2);
    hmap_destroy(NULL);
}

static void
test_hash_functions(void **state)
{
    const char buf[] = "hardware_vtep";

    /* Deterministic, sensitive to every byte and to the basis. */
    assert_int_equal(hash_bytes(buf, sizeof buf, 0),
                     hash_bytes(buf, sizeof buf, 0));
    assert_int_not_equal(hash_bytes(buf, sizeof buf, 0),
                         hash_bytes(buf, sizeof buf, 1));
    assert_int_not_equal(hash_string("aa", 0), hash_string("ab", 0));
    assert_int_not_equal(hash_string("abcde", 0), hash_string("abcdf", 0));
    assert_int_not_equal(hash_int(1, 0), hash_int(2, 0));
    assert_int_not_equal(hash_uint64(1, 0), hash_uint64(1ULL << 32, 0));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_hash),
        cmocka_unit_test(test_colliding_hash),
        cmocka_unit_test(test_safe_iteration_removes_all),
        cmocka_unit_test(test_replace_swap_reserve),
        cmocka_unit_test(test_hash_functions),
    };
    return cmocka_run_group_tests_name("lib/hmap", tests, NULL, NULL);
}
