/* SPDX-License-Identifier: Apache-2.0 */
/* The Internet checksum (RFC 1071), for the headers the dataplanes and BFD
 * build and check themselves. */
#ifndef LIB_CSUM_H
#define LIB_CSUM_H 1

#include <stddef.h>
#include <stdint.h>

/* Returns the one's complement of the one's complement sum of the 'len'
 * bytes at 'p' (an odd last byte counts as padded with zero): the value
 * for a checksum field that was zero while summing, or 0 when checking a
 * header whose checksum field is filled in and correct. */
static inline uint16_t
csum_rfc1071(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i + 1 < len; i += 2) {
        sum += (uint32_t) (p[i] << 8 | p[i + 1]);
    }
    if (len & 1) {
        sum += (uint32_t) p[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

#endif /* lib/csum.h */
