/* SPDX-License-Identifier: Apache-2.0 */
/* Ethernet, 802.1Q and VXLAN (RFC 7348) framing for the software
 * dataplane.  See frame.h. */
#include "sim/frame.h"

#include <string.h>

#include "lib/bytes.h"
#include "lib/csum.h"
#include "lib/hash.h"

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

/* Stores the complement of the folded 'sum' at 'field'; a computed zero
 * goes out as all ones, which means the same in one's complement and,
 * for UDP, is not "no checksum". */
static void
csum_store(uint8_t *field, uint64_t sum)
{
    uint16_t csum = csum_finish(sum);

    put_be16(field, csum ? csum : 0xffff);
}

int
sim_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    if (start > len || offset > len - start || len - start - offset < 2) {
        return -EINVAL;
    }
    csum_store(frame + start + offset,
               csum_add(0, frame + start, len - start));
    return 0;
}

int
sim_csum_fix_inner(uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    uint8_t *ip = frame + eth->payload, *l4, *field;
    size_t avail = len - eth->payload;
    size_t l4_len;
    uint8_t proto;
    uint64_t sum;

    if (eth->ethertype == 0x0800 && avail >= 20 && ip[0] >> 4 == 4) {
        size_t ihl = (size_t) (ip[0] & 0x0f) * 4;
        size_t tot = get_be16(ip + 2);

        if (ihl < 20 || tot < ihl || tot > avail
            || get_be16(ip + 6) & 0x3fff) {
            return -EINVAL;
        }
        proto = ip[9];
        l4 = ip + ihl;
        l4_len = tot - ihl;
        sum = csum_pseudo_ipv4(ip + 12, ip + 16, proto, l4_len);
    } else if (eth->ethertype == 0x86dd && avail >= 40 && ip[0] >> 4 == 6) {
        l4_len = get_be16(ip + 4);
        if (l4_len > avail - 40) {
            return -EINVAL;
        }
        proto = ip[6];
        l4 = ip + 40;
        sum = csum_pseudo_ipv6(ip + 8, ip + 24, proto, l4_len);
    } else {
        return -EINVAL;
    }
    if ((proto != 6 || l4_len < 20) && (proto != 17 || l4_len < 8)) {
        return -EINVAL;
    }
    field = l4 + (proto == 6 ? 16 : 6);
    if (proto == 17 && !get_be16(field)) {
        return 0; /* No checksum (IPv4 only; a receiver decides). */
    }
    if (csum_fold(csum_add(sum, l4, l4_len)) == 0xffff
        || get_be16(field) != csum_fold(sum)) {
        return 0; /* Correct, or wrong in a way no sender left it. */
    }
    /* The field holds the pseudo-header's sum: a checksum left to
     * "hardware".  Sum from the L4 header on, as the NIC would. */
    csum_store(field, csum_add(0, l4, l4_len));
    return 1;
}

int
sim_tso_init(struct sim_tso *tso, const uint8_t *frame, size_t len,
             size_t l4_off, uint16_t mss)
{
    struct sim_eth eth;
    const uint8_t *ip;
    size_t l3, tcp_hlen;

    if (sim_eth_parse(frame, len, &eth) || !mss) {
        return -EINVAL;
    }
    l3 = eth.payload;
    ip = frame + l3;
    if (eth.ethertype == 0x0800) {
        /* IPv4, TCP, not a fragment, the TCP header right after. */
        if (!l4_off && len >= l3 + 20) {
            l4_off = l3 + (size_t) (ip[0] & 0x0f) * 4;
        }
        if (len < l3 + 20 || ip[0] >> 4 != 4 || ip[9] != 6
            || get_be16(ip + 6) & 0x3fff
            || l4_off != l3 + (size_t) (ip[0] & 0x0f) * 4) {
            return -EINVAL;
        }
        tso->ipv6 = false;
    } else if (eth.ethertype == 0x86dd) {
        /* IPv6 with TCP as the first next header. */
        if (!l4_off) {
            l4_off = l3 + 40;
        }
        if (len < l3 + 40 || ip[0] >> 4 != 6 || ip[6] != 6
            || l4_off != l3 + 40) {
            return -EINVAL;
        }
        tso->ipv6 = true;
    } else {
        return -EINVAL;
    }
    if (len < l4_off + 20) {
        return -EINVAL;
    }
    tcp_hlen = (size_t) (frame[l4_off + 12] >> 4) * 4;
    if (tcp_hlen < 20 || len < l4_off + tcp_hlen) {
        return -EINVAL;
    }
    tso->frame = frame;
    tso->len = len;
    tso->l3 = l3;
    tso->l4 = l4_off;
    tso->hdr = l4_off + tcp_hlen;
    tso->mss = mss;
    return 0;
}

size_t
sim_tso_count(const struct sim_tso *tso)
{
    size_t payload = tso->len - tso->hdr;

    return payload ? (payload + tso->mss - 1) / tso->mss : 1;
}

size_t
sim_tso_segment_hdr(const struct sim_tso *tso, size_t k, uint8_t *out,
                    const uint8_t **payload, size_t *plen)
{
    size_t n = sim_tso_count(tso);
    size_t start = tso->hdr + k * tso->mss;
    size_t pl = k + 1 < n ? tso->mss : tso->len - start;
    size_t seg_len = tso->hdr + pl;
    uint8_t *ip = out + tso->l3;
    uint8_t *tcp = out + tso->l4;
    uint16_t tcp_len = (uint16_t) (seg_len - tso->l4);
    size_t tcp_hlen = tso->hdr - tso->l4;
    uint64_t sum;

    memcpy(out, tso->frame, tso->hdr);
    *payload = tso->frame + start;
    *plen = pl;

    /* TCP: the sequence number advances; FIN and PSH only on the last
     * segment, CWR only on the first (as Linux's own segmentation). */
    put_be32(tcp + 4, get_be32(tcp + 4) + (uint32_t) (k * tso->mss));
    if (k + 1 < n) {
        tcp[13] &= (uint8_t) ~0x09;
    }
    if (k) {
        tcp[13] &= (uint8_t) ~0x80;
    }
    if (tso->ipv6) {
        put_be16(ip + 4, (uint16_t) (seg_len - tso->l3 - 40));
        sum = csum_pseudo_ipv6(ip + 8, ip + 24, 6, tcp_len);
    } else {
        size_t ihl = tso->l4 - tso->l3;

        put_be16(ip + 2, (uint16_t) (seg_len - tso->l3));
        put_be16(ip + 4, (uint16_t) (get_be16(ip + 4) + k));
        memset(ip + 10, 0, 2);
        csum_store(ip + 10, csum_add(0, ip, ihl));
        sum = csum_pseudo_ipv4(ip + 12, ip + 16, 6, tcp_len);
    }
    /* The TCP header is a multiple of 4 bytes long, so the payload, read
     * where it lies, continues the sum on a word boundary. */
    memset(tcp + 16, 0, 2);
    sum = csum_add(csum_add(sum, tcp, tcp_hlen), *payload, pl);
    csum_store(tcp + 16, sum);
    return seg_len;
}

size_t
sim_tso_segment(const struct sim_tso *tso, size_t k, uint8_t *out)
{
    const uint8_t *payload;
    size_t plen, len = sim_tso_segment_hdr(tso, k, out, &payload, &plen);

    memcpy(out + tso->hdr, payload, plen);
    return len;
}

/* ---- IPv4 fragmentation --------------------------------------------------- */

size_t
sim_ipv4_total(const uint8_t *ip, size_t len)
{
    size_t total = (size_t) get_be16(ip + 2);

    return total >= (size_t) (ip[0] & 15) * 4 && total <= len ? total : 0;
}

#define IPV4_HLEN 20
#define IPV4_MF 0x2000
#define IPV4_OFFSET_MASK 0x1fff
#define IPV4_OPT_EOL 0
#define IPV4_OPT_NOP 1
#define IPV4_OPT_COPIED 0x80

/* The options of the IPv4 header 'ip' ('hl' bytes) that every fragment
 * carries (RFC 791: those whose copied flag is set), written to 'opts' if
 * it is nonnull.  Returns their length, or -1 if the options are
 * malformed. */
static int
copied_options(const uint8_t *ip, size_t hl, uint8_t *opts)
{
    size_t i = IPV4_HLEN, n = 0;

    while (i < hl && ip[i] != IPV4_OPT_EOL) {
        size_t olen;

        if (ip[i] == IPV4_OPT_NOP) {
            i++;
            continue;
        }
        olen = i + 1 < hl ? ip[i + 1] : 0;
        if (olen < 2 || i + olen > hl) {
            return -1;
        }
        if (ip[i] & IPV4_OPT_COPIED) {
            if (opts) {
                memcpy(opts + n, ip + i, olen);
            }
            n += olen;
        }
        i += olen;
    }
    return (int) n;
}

/* How an IPv4 packet is cut. */
struct frag_plan {
    const uint8_t *ip;
    size_t hl, later_hl;     /* Header lengths: first, later fragments. */
    size_t data, later_data; /* Data bytes per fragment: the same. */
    size_t payload;          /* The packet's data bytes. */
};

/* Plans the fragments of the IPv4 packet in 'frame' at 'l3_off' for
 * 'mtu' into '*p'.  Returns false if it cannot be cut. */
static bool
frag_plan(const uint8_t *frame, size_t len, size_t l3_off, uint32_t mtu,
          struct frag_plan *p)
{
    const uint8_t *ip = frame + l3_off;
    size_t ip_len = len > l3_off ? len - l3_off : 0, total;
    int copied;

    if (ip_len < IPV4_HLEN || (ip[0] >> 4) != 4 || (ip[0] & 15) < 5) {
        return false;
    }
    p->ip = ip;
    p->hl = (size_t) (ip[0] & 15) * 4;
    total = p->hl <= ip_len ? sim_ipv4_total(ip, ip_len) : 0;
    if (!total || total <= p->hl) {
        return false;
    }
    copied = copied_options(ip, p->hl, NULL);
    if (copied < 0) {
        return false;
    }
    p->later_hl = IPV4_HLEN + ((size_t) copied + 3) / 4 * 4;
    p->payload = total - p->hl;
    /* Every fragment but the last carries a multiple of 8 bytes. */
    p->data = mtu > p->hl ? (mtu - p->hl) / 8 * 8 : 0;
    p->later_data = mtu > p->later_hl ? (mtu - p->later_hl) / 8 * 8 : 0;
    return p->data >= 8 && p->later_data >= 8;
}

size_t
sim_ipv4_fragment_count(const uint8_t *frame, size_t len, size_t l3_off,
                        uint32_t mtu)
{
    struct frag_plan p;

    if (!frag_plan(frame, len, l3_off, mtu, &p)) {
        return 0;
    } else if (p.payload <= p.data) {
        return 1;
    }
    return 1 + (p.payload - p.data + p.later_data - 1) / p.later_data;
}

size_t
sim_ipv4_fragment(const uint8_t *frame, size_t len, size_t l3_off,
                  uint32_t mtu, size_t i, uint8_t *out)
{
    struct frag_plan p;
    uint16_t frag_field;
    size_t off, size, hl;
    uint8_t *ip = out + l3_off;
    bool more;

    if (!frag_plan(frame, len, l3_off, mtu, &p)) {
        return 0;
    }
    off = i ? p.data + (i - 1) * p.later_data : 0;
    if (off >= p.payload) {
        return 0;
    }
    size = i ? p.later_data : p.data;
    size = size < p.payload - off ? size : p.payload - off;
    memcpy(out, frame, l3_off);
    if (i) {
        hl = p.later_hl;
        memcpy(ip, p.ip, IPV4_HLEN);
        memset(ip + IPV4_HLEN, IPV4_OPT_EOL, hl - IPV4_HLEN);
        copied_options(p.ip, p.hl, ip + IPV4_HLEN);
        ip[0] = (uint8_t) (0x40 | hl / 4);
    } else {
        hl = p.hl;
        memcpy(ip, p.ip, hl);
    }
    memcpy(ip + hl, p.ip + p.hl + off, size);
    /* A fragment of a fragment: offsets add up, and the last piece keeps
     * the original's More Fragments. */
    frag_field = get_be16(p.ip + 6);
    more = off + size < p.payload || frag_field & IPV4_MF;
    put_be16(ip + 6, (uint16_t) ((frag_field & ~(IPV4_MF | IPV4_OFFSET_MASK))
                                 | (more ? IPV4_MF : 0)
                                 | (((frag_field & IPV4_OFFSET_MASK) + off / 8)
                                    & IPV4_OFFSET_MASK)));
    put_be16(ip + 2, (uint16_t) (hl + size));
    put_be16(ip + 10, 0);
    put_be16(ip + 10, csum_rfc1071(ip, hl));
    return l3_off + hl + size;
}
