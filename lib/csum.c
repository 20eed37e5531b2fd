/* SPDX-License-Identifier: Apache-2.0 */
/* The Internet checksum: see csum.h. */
#include "lib/csum.h"

#include <arpa/inet.h>
#include <string.h>

/* The one's complement sum does not depend on the order of the bytes in
 * its words (RFC 1071, 2(B)): words are loaded as the host stores them,
 * 32 bits at a time into 64-bit sums, and the result is swapped once.
 * Four sums, one per word of 16 bytes, let the additions overlap (half
 * again as fast as one sum on x86-64: the TCP segmentation of the
 * software dataplane sums every payload byte it sends). */
uint64_t
csum_add(uint64_t sum, const void *p_, size_t len)
{
    const uint8_t *p = p_;
    uint64_t s1 = 0, s2 = 0, s3 = 0;
    uint16_t w16 = 0;

    for (; len >= 16; p += 16, len -= 16) {
        uint32_t w[4];

        memcpy(w, p, sizeof w);
        sum += w[0];
        s1 += w[1];
        s2 += w[2];
        s3 += w[3];
    }
    sum += s1 + s2 + s3;
    for (; len >= 2; p += 2, len -= 2) {
        memcpy(&w16, p, 2);
        sum += w16;
    }
    if (len) {
        w16 = 0;
        memcpy(&w16, p, 1);
        sum += w16;
    }
    return sum;
}

uint64_t
csum_pseudo_ipv4(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                 size_t len)
{
    uint8_t tail[4] = { 0, proto, (uint8_t) (len >> 8), (uint8_t) len };

    return csum_add(csum_add(csum_add(0, src, 4), dst, 4), tail, sizeof tail);
}

uint64_t
csum_pseudo_ipv6(const uint8_t *src, const uint8_t *dst, uint8_t proto,
                 size_t len)
{
    uint8_t tail[8] = { (uint8_t) (len >> 24),
                        (uint8_t) (len >> 16),
                        (uint8_t) (len >> 8),
                        (uint8_t) len,
                        0,
                        0,
                        0,
                        proto };

    return csum_add(csum_add(csum_add(0, src, 16), dst, 16), tail,
                    sizeof tail);
}

uint16_t
csum_fold(uint64_t sum)
{
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return ntohs((uint16_t) sum);
}

uint16_t
csum_finish(uint64_t sum)
{
    return (uint16_t) ~csum_fold(sum);
}

uint16_t
csum_rfc1071(const uint8_t *p, size_t len)
{
    return csum_finish(csum_add(0, p, len));
}

uint16_t
csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
    uint32_t sum = (uint32_t) (uint16_t) ~csum + (uint16_t) ~old + new;

    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t) ~sum;
}
