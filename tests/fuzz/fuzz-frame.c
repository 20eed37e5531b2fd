/* SPDX-License-Identifier: Apache-2.0 */
/* Fuzzing of the software dataplane's frame parsing (sim/frame.c), of the
 * ACL header parser (hal_acl_packet_parse()), of IPv4 fragmentation and of
 * hal_mac_from_string().
 *
 * The input is a received frame.  Byte 0 also picks the VLAN to retag
 * with, bytes 1 and 2 the checksum start and offset, and bytes 3 and 4
 * the MTU to fragment to, so that one input drives every function on the
 * same bytes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "lib/csum.h"
#include "lib/util.h"
#include "sim/frame.h"
#include "tests/fuzz/fuzz.h"

/* The ACL parser on the same bytes: what it finds is consistent, and the
 * reference matcher runs on it. */
static void
check_acl(const uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    struct hal_acl_match m = {
        .fields =
            HAL_ACL_F_PROTOCOL | HAL_ACL_F_DST_PORT | HAL_ACL_F_TCP_FLAGS,
        .protocol = 6,
        .dst_port_min = 1000,
        .dst_port_max = 2000,
        .tcp_flags = 2,
        .tcp_flags_mask = 0x12,
    };
    struct hal_acl_packet p;

    hal_acl_packet_parse(frame, len, eth->ethertype, eth->payload, &p);
    ASSERT(!p.has_ports || p.is_ip);
    ASSERT(!p.is_tcp || p.has_ports);
    ASSERT(!p.is_icmp || (p.is_ip && !p.has_ports));
    /* Ports only for a protocol that has them, never for an IPv6
     * extension header the walk stopped at. */
    ASSERT(!p.has_ports || p.protocol == 6 || p.protocol == 17
           || p.protocol == 132);
    ASSERT(!hal_acl_match_check(&m));
    ASSERT(!hal_acl_match_packet(&m, &p) || p.is_tcp);
}

static void
check_eth(const uint8_t *frame, size_t len)
{
    uint8_t tag[SIM_VLAN_HLEN];
    struct iovec iov[3];
    struct sim_eth eth;
    uint16_t vlan, sport;
    size_t n, expected;

    if (sim_eth_parse(frame, len, &eth)) {
        ASSERT(len < SIM_ETH_HLEN + SIM_VLAN_HLEN);
        return;
    }
    ASSERT(eth.payload <= len);
    ASSERT(eth.vlan <= SIM_VLAN_VID_MASK);

    vlan = len ? (uint16_t) (frame[0] * 17) & SIM_VLAN_VID_MASK : 0;
    n = sim_eth_retag(frame, len, &eth, vlan, tag, iov);
    ASSERT(n == (vlan ? 3 : 2));
    expected =
        len - (eth.tagged ? SIM_VLAN_HLEN : 0) + (vlan ? SIM_VLAN_HLEN : 0);
    ASSERT(sim_iov_length(iov, n) == expected);

    sport = sim_vxlan_sport(frame, len, &eth);
    ASSERT(sport >= SIM_VXLAN_SPORT_MIN);
    check_acl(frame, len, &eth);
}

static void
check_vxlan(const uint8_t *pkt, size_t len)
{
    uint8_t hdr[SIM_ENCAP_HLEN];
    uint32_t vni, vni_again;

    if (sim_vxlan_decap(pkt, len, &vni)) {
        return;
    }
    ASSERT(vni <= HAL_VNI_MAX);
    ASSERT(!sim_vxlan_encap(hdr, SIM_VXLAN_SPORT_MIN, SIM_VXLAN_PORT, vni,
                            len - SIM_VXLAN_HLEN)
           || len - SIM_VXLAN_HLEN > UINT16_MAX - SIM_ENCAP_HLEN);
    if (len - SIM_VXLAN_HLEN <= UINT16_MAX - SIM_ENCAP_HLEN) {
        ASSERT(!sim_vxlan_decap(hdr + SIM_UDP_HLEN,
                                SIM_VXLAN_HLEN + SIM_ETH_HLEN, &vni_again));
        ASSERT(vni_again == vni);
    }
}

static void
check_csum(const uint8_t *frame, size_t len)
{
    uint8_t *copy;

    if (len < 3) {
        return;
    }
    /* A copy of exactly 'len' bytes, so that ASan sees any overrun. */
    copy = xmemdup(frame, len);
    if (!sim_csum_complete(copy, len, frame[1], frame[2])) {
        ASSERT((size_t) frame[1] + frame[2] + 2 <= len);
    }
    free(copy);
}

/* The IPv4 packet after an Ethernet header, cut for an MTU of 28 to
 * 1,527: each fragment fits a buffer of exactly its MTU (for ASan),
 * carries a valid header checksum and a multiple of 8 bytes but the last,
 * at the offsets that follow on, and together they carry the packet's
 * data. */
static void
check_fragment(const uint8_t *frame, size_t len)
{
    uint32_t mtu;
    size_t n, i, data = 0, payload;
    uint16_t first_off;

    if (len < SIM_ETH_HLEN + 20) {
        return;
    }
    mtu = 28 + (uint32_t) ((frame[3] << 8 | frame[4]) % 1500);
    n = sim_ipv4_fragment_count(frame, len, SIM_ETH_HLEN, mtu);
    if (!n) {
        return;
    }
    payload = (size_t) (frame[SIM_ETH_HLEN + 2] << 8 | frame[SIM_ETH_HLEN + 3])
              - (size_t) (frame[SIM_ETH_HLEN] & 15) * 4;
    first_off =
        (uint16_t) ((frame[SIM_ETH_HLEN + 6] << 8 | frame[SIM_ETH_HLEN + 7])
                    & 0x1fff);
    ASSERT(n <= payload / 8 + 1);
    for (i = 0; i < n; i++) {
        uint8_t *out = xmalloc(SIM_ETH_HLEN + mtu);
        size_t flen = sim_ipv4_fragment(frame, len, SIM_ETH_HLEN, mtu, i, out);
        const uint8_t *ip = out + SIM_ETH_HLEN;
        size_t hl = (size_t) (ip[0] & 15) * 4, fdata;

        ASSERT(flen > SIM_ETH_HLEN + 20 && flen <= SIM_ETH_HLEN + mtu);
        ASSERT((size_t) (ip[2] << 8 | ip[3]) == flen - SIM_ETH_HLEN);
        ASSERT(!csum_rfc1071(ip, hl));
        fdata = flen - SIM_ETH_HLEN - hl;
        ASSERT(i + 1 == n || fdata % 8 == 0);
        ASSERT((((ip[6] << 8 | ip[7]) - first_off) & 0x1fff)
               == ((data / 8) & 0x1fff));
        data += fdata;
        free(out);
    }
    ASSERT(data == payload);
}

static void
check_mac(const uint8_t *data, size_t len)
{
    char *s = xmalloc(len + 1);
    struct hal_mac mac;

    memcpy(s, data, len);
    s[len] = '\0';

    if (!hal_mac_from_string(s, &mac)) {
        char buf[18];

        ASSERT(strlen(s) == 17);
        snprintf(buf, sizeof buf, HAL_MAC_FMT, HAL_MAC_ARGS(&mac));
        ASSERT(!strcasecmp(buf, s));
    }
    free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_eth(data, size);
    check_vxlan(data, size);
    check_csum(data, size);
    check_fragment(data, size);
    check_mac(data, size);
    return 0;
}
