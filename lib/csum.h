/* SPDX-License-Identifier: Apache-2.0 */
/* The Internet checksum (RFC 1071), for the headers the dataplanes and BFD
 * build and check themselves: whole buffers, running sums over several
 * pieces with the TCP/UDP/ICMPv6 pseudo-headers, and incremental updates
 * (RFC 1624).
 *
 * A running sum is a uint64_t that starts at 0 and is only ever passed to
 * these functions (it is kept in the host's byte order, for speed).  A
 * 16-bit result is the big-endian word of the wire as a host integer:
 * store it with a big-endian write. */
#ifndef LIB_CSUM_H
#define LIB_CSUM_H 1

#include <stddef.h>
#include <stdint.h>

/* Returns the running sum 'sum' with the 'len' bytes at 'p' added.  'len'
 * must be even except for the last piece of a sum (an odd last byte counts
 * as padded with zero). */
uint64_t csum_add(uint64_t sum, const void *p, size_t len);

/* Returns the running sum of the IPv4 pseudo-header (RFC 793, RFC 768) of
 * a 'proto' segment of 'len' bytes from 'src' to 'dst' (4 bytes each). */
uint64_t csum_pseudo_ipv4(const uint8_t *src, const uint8_t *dst,
                          uint8_t proto, size_t len);

/* Returns the running sum of the IPv6 pseudo-header (RFC 8200, 8.1) of an
 * upper-layer packet of 'len' bytes with next header 'proto' from 'src' to
 * 'dst' (16 bytes each). */
uint64_t csum_pseudo_ipv6(const uint8_t *src, const uint8_t *dst,
                          uint8_t proto, size_t len);

/* Returns the running sum 'sum' folded to 16 bits (not complemented). */
uint16_t csum_fold(uint64_t sum);

/* Returns the one's complement of csum_fold('sum'): the value for a
 * checksum field that was zero while summing, or 0 when the sum covered a
 * checksum field filled in correctly. */
uint16_t csum_finish(uint64_t sum);

/* Returns csum_finish() of the 'len' bytes at 'p' alone. */
uint16_t csum_rfc1071(const uint8_t *p, size_t len);

/* Returns the checksum field 'csum' updated for one 16-bit word of what it
 * covers changing from 'old' to 'new' (RFC 1624, eqn. 3), without summing
 * the rest again. */
uint16_t csum_update16(uint16_t csum, uint16_t old, uint16_t new);

#endif /* lib/csum.h */
