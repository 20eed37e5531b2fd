/* SPDX-License-Identifier: Apache-2.0 */
/* Ethernet, 802.1Q and VXLAN (RFC 7348) framing for the software
 * dataplane.  See frame.h. */
#include "sim/frame.h"

#include <string.h>

#include "lib/hash.h"

static uint16_t
get_be16(const uint8_t *p)
{
    return (uint16_t) (p[0] << 8 | p[1]);
}

static void
put_be16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t) (v >> 8);
    p[1] = (uint8_t) v;
}

static uint32_t
get_be32(const uint8_t *p)
{
    return (uint32_t) p[0] << 24 | (uint32_t) p[1] << 16 | (uint32_t) p[2] << 8
           | p[3];
}

int
sim_eth_parse(const uint8_t *frame, size_t len, struct sim_eth *eth)
{
    uint16_t type;

    if (len < SIM_ETH_HLEN) {
        return -EINVAL;
    }
    memcpy(eth->dst.ea, frame, SIM_ETH_ALEN);
    memcpy(eth->src.ea, frame + SIM_ETH_ALEN, SIM_ETH_ALEN);
    type = get_be16(frame + 2 * SIM_ETH_ALEN);
    if (type == SIM_ETH_TPID_8021Q) {
        if (len < SIM_ETH_HLEN + SIM_VLAN_HLEN) {
            return -EINVAL;
        }
        eth->tagged = true;
        eth->vlan = get_be16(frame + SIM_ETH_HLEN) & SIM_VLAN_VID_MASK;
        eth->ethertype = get_be16(frame + SIM_ETH_HLEN + 2);
        eth->payload = SIM_ETH_HLEN + SIM_VLAN_HLEN;
    } else {
        eth->tagged = false;
        eth->vlan = 0;
        eth->ethertype = type;
        eth->payload = SIM_ETH_HLEN;
    }
    return 0;
}

size_t
sim_eth_retag(const uint8_t *frame, size_t len, const struct sim_eth *eth,
              uint16_t vlan, uint8_t tag[SIM_VLAN_HLEN], struct iovec iov[3])
{
    /* The bytes after the addresses that survive: the EtherType and
     * payload, without the old tag's four bytes. */
    size_t rest = 2 * SIM_ETH_ALEN + (eth->tagged ? SIM_VLAN_HLEN : 0);
    size_t n = 0;

    iov[n].iov_base = (void *) frame;
    iov[n++].iov_len = 2 * SIM_ETH_ALEN;
    if (vlan) {
        put_be16(tag, SIM_ETH_TPID_8021Q);
        put_be16(tag + 2, vlan & SIM_VLAN_VID_MASK);
        iov[n].iov_base = tag;
        iov[n++].iov_len = SIM_VLAN_HLEN;
    }
    iov[n].iov_base = (void *) (frame + rest);
    iov[n++].iov_len = len - rest;
    return n;
}

size_t
sim_iov_length(const struct iovec *iov, size_t n)
{
    size_t total = 0;
    size_t i;

    for (i = 0; i < n; i++) {
        total += iov[i].iov_len;
    }
    return total;
}

/* Mixes an IPv4 packet's flow identity, if 'ip' holds a plausible one,
 * into 'h'. */
static uint32_t
hash_ipv4_flow(uint32_t h, const uint8_t *ip, size_t len)
{
    size_t ihl;
    uint8_t proto;

    if (len < 20 || ip[0] >> 4 != 4) {
        return h;
    }
    ihl = (size_t) (ip[0] & 0x0f) * 4;
    proto = ip[9];
    h = hash_add(h, get_be32(ip + 12));
    h = hash_add(h, get_be32(ip + 16));
    h = hash_add(h, proto);
    /* Ports only in the first fragment, where they are; a flow's later
     * fragments then share a path with each other, if not with the
     * first. */
    if ((proto == 6 || proto == 17) && ihl >= 20 && len >= ihl + 4
        && !(get_be16(ip + 6) & 0x3fff)) {
        h = hash_add(h, get_be32(ip + ihl));
    }
    return h;
}

uint16_t
sim_vxlan_sport(const uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    uint32_t range = SIM_VXLAN_SPORT_MAX - SIM_VXLAN_SPORT_MIN + 1;
    uint32_t h = hash_bytes(frame, 2 * SIM_ETH_ALEN, 0);

    h = hash_add(h, eth->ethertype);
    if (eth->ethertype == 0x0800 && len > eth->payload) {
        h = hash_ipv4_flow(h, frame + eth->payload, len - eth->payload);
    }
    h = hash_finish(h, 0);
    return (uint16_t) (SIM_VXLAN_SPORT_MIN + h % range);
}

int
sim_vxlan_encap(uint8_t hdr[SIM_ENCAP_HLEN], uint16_t sport, uint16_t dport,
                uint32_t vni, size_t inner_len)
{
    uint8_t *vxlan = hdr + SIM_UDP_HLEN;

    if (vni > HAL_VNI_MAX || inner_len > UINT16_MAX - SIM_ENCAP_HLEN) {
        return -EINVAL;
    }
    put_be16(hdr, sport);
    put_be16(hdr + 2, dport);
    put_be16(hdr + 4, (uint16_t) (SIM_ENCAP_HLEN + inner_len));
    put_be16(hdr + 6, 0);

    /* Flags (8 bits), reserved (24), VNI (24), reserved (8). */
    memset(vxlan, 0, SIM_VXLAN_HLEN);
    vxlan[0] = SIM_VXLAN_FLAG_I;
    vxlan[4] = (uint8_t) (vni >> 16);
    vxlan[5] = (uint8_t) (vni >> 8);
    vxlan[6] = (uint8_t) vni;
    return 0;
}

int
sim_vxlan_decap(const uint8_t *pkt, size_t len, uint32_t *vni)
{
    if (len < SIM_VXLAN_HLEN + SIM_ETH_HLEN) {
        return -EINVAL;
    }
    if (!(pkt[0] & SIM_VXLAN_FLAG_I)) {
        return -EBADMSG;
    }
    *vni = get_be32(pkt + 4) >> 8;
    return 0;
}

int
sim_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    uint32_t sum = 0;
    uint16_t csum;
    size_t i;

    if (start > len || offset > len - start || len - start - offset < 2) {
        return -EINVAL;
    }
    for (i = start; i + 1 < len; i += 2) {
        sum += get_be16(frame + i);
    }
    if (i < len) {
        sum += (uint32_t) frame[i] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    /* A computed zero goes out as all ones, which means the same in
     * one's complement and, for UDP, is not "no checksum". */
    csum = (uint16_t) ~sum;
    put_be16(frame + start + offset, csum ? csum : 0xffff);
    return 0;
}
