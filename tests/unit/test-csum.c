/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/csum: whole buffers, running sums in pieces, the
 * IPv4 and IPv6 pseudo-headers and RFC 1624 updates, against values
 * computed independently (a capture, the RFCs' examples, Python). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/csum.h"

/* An IPv4 header with its checksum (0xb861) from a capture; the sum of a
 * header with a correct checksum is 0; an odd length pads with zero. */
static void
test_rfc1071(void **state)
{
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                       0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
                       0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
    const uint8_t odd[3] = { 0x01, 0x02, 0x03 },
                  even[4] = { 0x01, 0x02, 0x03, 0x00 };

    (void) state;
    assert_int_equal(csum_rfc1071(ip, sizeof ip), 0xb861);
    ip[10] = 0xb8;
    ip[11] = 0x61;
    assert_int_equal(csum_rfc1071(ip, sizeof ip), 0);
    assert_int_equal(csum_rfc1071(odd, sizeof odd),
                     csum_rfc1071(even, sizeof even));
    assert_int_equal(csum_rfc1071(odd, sizeof odd), (uint16_t) ~0x0402);
}

/* RFC 1071's example (section 3) sums to 0xddf2 however it is split into
 * even pieces; a long buffer sums as its byte-wise definition says. */
static void
test_pieces(void **state)
{
    const uint8_t rfc[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
    uint8_t buf[1001];
    uint32_t ref = 0;
    size_t i, cut;

    (void) state;
    assert_int_equal(csum_fold(csum_add(0, rfc, sizeof rfc)), 0xddf2);
    assert_int_equal(csum_finish(csum_add(0, rfc, sizeof rfc)), 0x220d);
    for (cut = 0; cut <= sizeof rfc; cut += 2) {
        uint64_t sum =
            csum_add(csum_add(0, rfc, cut), rfc + cut, sizeof rfc - cut);

        assert_int_equal(csum_fold(sum), 0xddf2);
    }

    for (i = 0; i < sizeof buf; i++) {
        buf[i] = (uint8_t) (i * 37 + 11);
        ref += i & 1 ? buf[i] : (uint32_t) buf[i] << 8;
    }
    while (ref >> 16) {
        ref = (ref & 0xffff) + (ref >> 16);
    }
    assert_int_equal(csum_fold(csum_add(0, buf, sizeof buf)), ref);
    assert_int_equal(csum_fold(csum_add(csum_add(0, buf, 602), buf + 602,
                                        sizeof buf - 602)),
                     ref);
}

/* UDP 10.0.0.1:5353 -> 10.0.0.2:53 with the 5-byte payload "hello":
 * checksum 0x92e1. */
static void
test_pseudo_ipv4(void **state)
{
    const uint8_t src[4] = { 10, 0, 0, 1 }, dst[4] = { 10, 0, 0, 2 };
    uint8_t udp[13] = { 0x14, 0xe9, 0x00, 0x35, 0x00, 0x0d, 0x00,
                        0x00, 'h',  'e',  'l',  'l',  'o' };
    uint64_t ph = csum_pseudo_ipv4(src, dst, 17, sizeof udp);

    (void) state;
    assert_int_equal(csum_finish(csum_add(ph, udp, sizeof udp)), 0x92e1);
    udp[6] = 0x92;
    udp[7] = 0xe1;
    assert_int_equal(csum_finish(csum_add(ph, udp, sizeof udp)), 0);
}

/* An ICMPv6 echo request fe80::1 -> fe80::2, id 0x1234, sequence 1, data
 * "abc": checksum 0xac1d. */
static void
test_pseudo_ipv6(void **state)
{
    uint8_t src[16] = { 0xfe, 0x80 }, dst[16] = { 0xfe, 0x80 };
    uint8_t icmp[11] = { 128, 0, 0, 0, 0x12, 0x34, 0x00, 0x01, 'a', 'b', 'c' };
    uint64_t ph;

    (void) state;
    src[15] = 1;
    dst[15] = 2;
    ph = csum_pseudo_ipv6(src, dst, 58, sizeof icmp);
    assert_int_equal(csum_finish(csum_add(ph, icmp, sizeof icmp)), 0xac1d);
    icmp[2] = 0xac;
    icmp[3] = 0x1d;
    assert_int_equal(csum_finish(csum_add(ph, icmp, sizeof icmp)), 0);
}

/* RFC 1624's example (section 4) gives 0x0000 where eqn. 2 gives 0xffff;
 * each TTL decrement of a captured header updates its checksum as a full
 * recomputation would. */
static void
test_update16(void **state)
{
    uint8_t ip[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
                       0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
                       0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

    (void) state;
    assert_int_equal(csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
    while (ip[8] > 1) {
        uint16_t old = (uint16_t) (ip[8] << 8 | ip[9]);
        uint16_t csum = (uint16_t) (ip[10] << 8 | ip[11]);

        ip[8]--;
        csum = csum_update16(csum, old, (uint16_t) (ip[8] << 8 | ip[9]));
        ip[10] = 0;
        ip[11] = 0;
        assert_int_equal(csum, csum_rfc1071(ip, sizeof ip));
        ip[10] = (uint8_t) (csum >> 8);
        ip[11] = (uint8_t) csum;
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rfc1071),     cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_pseudo_ipv4), cmocka_unit_test(test_pseudo_ipv6),
        cmocka_unit_test(test_update16),
    };
    return cmocka_run_group_tests_name("lib/csum", tests, NULL, NULL);
}
