/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/uuid. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "lib/uuid.h"

static void
test_round_trip(void **state)
{
    struct uuid u, v;
    char buf[UUID_LEN + 1];

    assert_true(uuid_from_string(&u, "0123abcd-4567-89AB-cdef-0123456789ab"));
    uuid_to_string(&u, buf);
    assert_string_equal(buf, "0123abcd-4567-89ab-cdef-0123456789ab");
    assert_true(uuid_from_string(&v, buf));
    assert_true(uuid_equals(&u, &v));
    assert_int_equal(uuid_compare(&u, &v), 0);
}

/* uuid_to_string() agrees with printf's "%08x-%04x-..." on every hex
 * digit in every position. */
static void
test_to_string_matches_printf(void **state)
{
    uint32_t x = 0x9e3779b9;

    for (int i = 0; i < 20000; i++) {
        char buf[UUID_LEN + 1], want[UUID_LEN + 1];
        struct uuid u;

        for (int j = 0; j < 4; j++) {
            /* Cover every nibble value everywhere, then pseudo-random. */
            x = i < 16 ? (uint32_t) i * 0x11111111u
                       : x * 1664525u + 1013904223u;
            u.parts[j] = i < 16 ? x : x ^ (uint32_t) j << 28;
        }
        uuid_to_string(&u, buf);
        snprintf(want, sizeof want, "%08x-%04x-%04x-%04x-%04x%08x", u.parts[0],
                 u.parts[1] >> 16, u.parts[1] & 0xffff, u.parts[2] >> 16,
                 u.parts[2] & 0xffff, u.parts[3]);
        assert_string_equal(buf, want);
    }
}

static void
test_bad_strings(void **state)
{
    static const char *const bad[] = {
        "",
        "0123abcd-4567-89ab-cdef-0123456789a",
        "0123abcd+4567-89ab-cdef-0123456789ab",
        "0123abcg-4567-89ab-cdef-0123456789ab",
        "0123abcd-4567-89ab-cdef0-123456789ab",
    };
    struct uuid u;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_false(uuid_from_string(&u, bad[i]));
        assert_true(uuid_is_zero(&u));
    }
}

static void
test_generate(void **state)
{
    struct uuid a, b;
    char buf[UUID_LEN + 1];

    uuid_set_seed(42);
    uuid_generate(&a);
    uuid_generate(&b);
    assert_false(uuid_equals(&a, &b));
    uuid_to_string(&a, buf);
    assert_int_equal(buf[14], '4');               /* Version 4. */
    assert_true(strchr("89ab", buf[19]) != NULL); /* RFC 4122 variant. */

    uuid_set_seed(42);
    uuid_generate(&b);
    assert_true(uuid_equals(&a, &b));
    assert_true(uuid_compare(&a, &b) == 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_to_string_matches_printf),
        cmocka_unit_test(test_bad_strings),
        cmocka_unit_test(test_generate),
    };

    return cmocka_run_group_tests_name("lib/uuid", tests, NULL, NULL);
}
