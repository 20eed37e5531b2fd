/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/list. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "lib/list.h"

struct element {
    int value;
    struct list node;
};

static void
check_list(const struct list *list, const int *values, size_t n)
{
    const struct element *e;
    size_t i = 0;

    assert_int_equal(list_size(list), n);
    LIST_FOR_EACH(e, node, list) {
        assert_true(i < n);
        assert_int_equal(e->value, values[i]);
        i++;
    }
    assert_int_equal(i, n);
    LIST_FOR_EACH_REVERSE(e, node, list) {
        assert_int_equal(e->value, values[--i]);
    }
}

static void
test_push_pop(void **state)
{
    struct list list = LIST_INITIALIZER(&list);
    struct element e[4] = {
        { .value = 0 }, { .value = 1 }, { .value = 2 }, { .value = 3 }
    };

    assert_true(list_is_empty(&list));
    list_push_back(&list, &e[1].node);
    list_push_back(&list, &e[2].node);
    list_push_front(&list, &e[0].node);
    list_push_back(&list, &e[3].node);
    check_list(&list, (int[]){ 0, 1, 2, 3 }, 4);

    list_remove(&e[2].node);
    check_list(&list, (int[]){ 0, 1, 3 }, 3);
    assert_ptr_equal(list_pop_front(&list), &e[0].node);
    assert_ptr_equal(list_front(&list), &e[1].node);
    assert_ptr_equal(list_back(&list), &e[3].node);
    check_list(&list, (int[]){ 1, 3 }, 2);
}

static void
test_safe_removal_and_splice(void **state)
{
    struct list a, b;
    struct element *e, *next;
    int i;

    list_init(&a);
    list_init(&b);
    for (i = 0; i < 6; i++) {
        e = malloc(sizeof *e);
        e->value = i;
        list_push_back(i < 3 ? &a : &b, &e->node);
    }
    list_splice_tail(&a, &b);
    assert_true(list_is_empty(&b));
    check_list(&a, (int[]){ 0, 1, 2, 3, 4, 5 }, 6);

    LIST_FOR_EACH_SAFE(e, next, node, &a) {
        if (e->value % 2) {
            list_remove(&e->node);
            free(e);
        }
    }
    check_list(&a, (int[]){ 0, 2, 4 }, 3);
    LIST_FOR_EACH_SAFE(e, next, node, &a) {
        list_remove(&e->node);
        free(e);
    }
    assert_true(list_is_empty(&a));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_push_pop),
        cmocka_unit_test(test_safe_removal_and_splice),
    };
    return cmocka_run_group_tests_name("lib/list", tests, NULL, NULL);
}
