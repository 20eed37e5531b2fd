/* SPDX-License-Identifier: Apache-2.0 */
/* The IPv6 half of the L3 step (route.h): neighbour discovery for the
 * router's interface addresses and its next hops, the hop limit, ICMPv6
 * echo for the router and ICMPv6 errors (RFC 4443) to senders. */
#include <arpa/inet.h>
#include <string.h>

#include "lib/bytes.h"
#include "sim/route.h"

#define IPV6_HLEN 40
#define ICMP6_HLEN 8
#define IPPROTO_ICMPV6_ 58
#define ICMP6_UNREACHABLE 1
#define ICMP6_TOO_BIG 2
#define ICMP6_TIME_EXCEEDED 3
#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define ND_NS 135
#define ND_NA 136
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_HOP_LIMIT 255
#define ICMP6_HOP_LIMIT 64
/* The most of an offending packet an ICMPv6 error quotes: as much as fits
 * in the minimum IPv6 MTU (RFC 4443, 2.4 (c)), 1280 less the IPv6 and
 * ICMPv6 headers. */
#define ICMP6_QUOTE_MAX (1280 - IPV6_HLEN - ICMP6_HLEN)

/* The ICMPv6 checksum of the 'len'-byte message 'msg' from 'src' to 'dst'
 * (RFC 8200, 8.1). */
static uint16_t
icmp6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
           size_t len)
{
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i < 16; i += 2) {
        sum += get_be16(src + i) + get_be16(dst + i);
    }
    sum += (uint32_t) len + IPPROTO_ICMPV6_;
    for (i = 0; i + 1 < len; i += 2) {
        sum += get_be16(msg + i);
    }
    if (len & 1) {
        sum += (uint32_t) msg[len - 1] << 8;
    }
    while (sum >> 16) {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    return (uint16_t) ~sum;
}

/* Writes Ethernet and IPv6 headers for an ICMPv6 message of 'len' bytes
 * and fills in its checksum; the message is at out + 14 + 40. */
static size_t
put_icmp6(uint8_t *out, const struct hal_mac *dst_mac,
          const struct hal_mac *src_mac, const uint8_t *src,
          const uint8_t *dst, uint8_t hop_limit, size_t len)
{
    uint8_t *ip = out + SIM_ETH_HLEN, *icmp = ip + IPV6_HLEN;

    memcpy(out, dst_mac->ea, SIM_ETH_ALEN);
    memcpy(out + SIM_ETH_ALEN, src_mac->ea, SIM_ETH_ALEN);
    put_be16(out + 12, SIM_ETH_TYPE_IPV6);
    memset(ip, 0, IPV6_HLEN);
    ip[0] = 0x60;
    put_be16(ip + 4, (uint16_t) len);
    ip[6] = IPPROTO_ICMPV6_;
    ip[7] = hop_limit;
    memcpy(ip + 8, src, 16);
    memcpy(ip + 24, dst, 16);
    put_be16(icmp + 2, 0);
    put_be16(icmp + 2, icmp6_csum(src, dst, icmp, len));
    return SIM_ETH_HLEN + IPV6_HLEN + len;
}

size_t
sim_ns_request(const struct hal_mac *sha, const struct hal_ip *spa,
               const struct hal_ip *tpa, uint8_t frame[SIM_NS_FRAME_LEN])
{
    const uint8_t *t = (const uint8_t *) &tpa->v6;
    uint8_t dst[16] = { 0xff, 0x02, [11] = 1, [12] = 0xff };
    struct hal_mac mcast = { { 0x33, 0x33, 0xff, t[13], t[14], t[15] } };
    uint8_t *icmp = frame + SIM_ETH_HLEN + IPV6_HLEN;

    memcpy(dst + 13, t + 13, 3);
    memset(icmp, 0, 32);
    icmp[0] = ND_NS;
    memcpy(icmp + 8, t, 16);
    icmp[24] = ND_OPT_SLLA;
    icmp[25] = 1;
    memcpy(icmp + 26, sha->ea, 6);
    return put_icmp6(frame, &mcast, sha, (const uint8_t *) &spa->v6, dst,
                     ND_HOP_LIMIT, 32);
}

size_t
sim_ra_frame(const struct hal_ra *ra, uint8_t frame[SIM_RA_FRAME_MAX])
{
    static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
    static const struct hal_mac all_nodes_mac = { { 0x33, 0x33, 0, 0, 0, 1 } };
    size_t len = hal_ra_message(ra, frame + SIM_ETH_HLEN + IPV6_HLEN);

    return put_icmp6(frame, &all_nodes_mac, &ra->mac,
                     (const uint8_t *) &ra->src.v6, all_nodes, ND_HOP_LIMIT,
                     len);
}

/* An NA to the router: learns its target at the MAC of its target
 * link-layer address option (or the frame's source). */
static void
learn_na(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *ip,
         size_t len, const struct sim_eth *eth, int64_t now_ms)
{
    const uint8_t *icmp = ip + IPV6_HLEN, *opt = icmp + 24;
    size_t plen = get_be16(ip + 4), left;
    struct hal_mac mac = eth->src;
    struct hal_ip target = { .family = AF_INET6 };

    if (plen < 24 || plen > len - IPV6_HLEN || ip[7] != ND_HOP_LIMIT
        || icmp6_csum(ip + 8, ip + 24, icmp, plen)) {
        return;
    }
    for (left = plen - 24; left >= 8 && opt[1] && opt[1] * 8u <= left;
         left -= opt[1] * 8u, opt += opt[1] * 8u) {
        if (opt[0] == ND_OPT_TLLA && opt[1] == 1) {
            memcpy(mac.ea, opt + 2, 6);
        }
    }
    memcpy(&target.v6, icmp + 8, 16);
    if (!IN6_IS_ADDR_MULTICAST(&target.v6)
        && !IN6_IS_ADDR_LINKLOCAL(&target.v6)) {
        hal_asic_route_learn(asic, bridge, &target, &mac, now_ms);
    }
}

/* An ICMPv6 error (time exceeded, unreachable, packet too big) for 'ip'
 * from the ingress interface, unless 'ip' is itself an error or from no
 * unicast source, or the rate limit says no. */
static bool
icmp6_error(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *ip,
            size_t total, const struct sim_eth *eth,
            const struct hal_asic_route_result *res, int64_t now_ms,
            uint8_t *out, size_t *out_len)
{
    size_t quote = total < ICMP6_QUOTE_MAX ? total : ICMP6_QUOTE_MAX;
    uint8_t *icmp = out + SIM_ETH_HLEN + IPV6_HLEN;
    struct hal_ip to = { .family = AF_INET6 };

    memcpy(&to.v6, ip + 8, 16);
    if (res->in_addr.family != AF_INET6 || IN6_IS_ADDR_MULTICAST(&to.v6)
        || IN6_IS_ADDR_UNSPECIFIED(&to.v6)
        || (ip[6] == IPPROTO_ICMPV6_ && total > IPV6_HLEN
            && ip[IPV6_HLEN] < ICMP6_ECHO_REQUEST)
        || !hal_asic_route_icmp_allow(asic, bridge, &to, now_ms)) {
        return false;
    }
    memset(icmp, 0, ICMP6_HLEN);
    icmp[0] = res->ttl_expired ? ICMP6_TIME_EXCEEDED
              : res->too_big   ? ICMP6_TOO_BIG
                               : ICMP6_UNREACHABLE;
    /* Unreachable: 0 no route, 3 address unreachable (RFC 4443, 3.1). */
    icmp[1] = res->ttl_expired || res->too_big ? 0 : res->unreach_code ? 3 : 0;
    if (res->too_big) {
        /* RFC 4443, 3.2: the MTU of the next-hop link. */
        icmp[4] = (uint8_t) (res->mtu >> 24);
        icmp[5] = (uint8_t) (res->mtu >> 16);
        icmp[6] = (uint8_t) (res->mtu >> 8);
        icmp[7] = (uint8_t) res->mtu;
    }
    memcpy(icmp + ICMP6_HLEN, ip, quote);
    *out_len = put_icmp6(out, &eth->src, &res->src,
                         (const uint8_t *) &res->in_addr.v6, ip + 8,
                         ICMP6_HOP_LIMIT, ICMP6_HLEN + quote);
    return true;
}

/* An echo request to the router: the reply. */
static bool
echo6_reply(const uint8_t *ip, size_t total, const struct sim_eth *eth,
            const struct hal_mac *router_mac, uint8_t *out, size_t *out_len)
{
    size_t len = total - IPV6_HLEN;

    if (ip[6] != IPPROTO_ICMPV6_ || len < ICMP6_HLEN
        || ip[IPV6_HLEN] != ICMP6_ECHO_REQUEST
        || icmp6_csum(ip + 8, ip + 24, ip + IPV6_HLEN, len)) {
        return false;
    }
    memcpy(out + SIM_ETH_HLEN + IPV6_HLEN, ip + IPV6_HLEN, len);
    out[SIM_ETH_HLEN + IPV6_HLEN] = ICMP6_ECHO_REPLY;
    *out_len = put_icmp6(out, &eth->src, router_mac, ip + 24, ip + 8,
                         ICMP6_HOP_LIMIT, len);
    return true;
}

static enum sim_route_verdict
route_nd(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *ip,
         size_t len, const struct sim_eth *eth, enum sim_neigh_kind kind,
         const struct sim_neigh_request *req, int64_t now_ms, uint8_t *out,
         size_t *out_len, const char **reason)
{
    struct hal_mac mac;

    if (kind == SIM_NEIGH_PASSIVE && ip[IPV6_HLEN] == ND_NA) {
        learn_na(asic, bridge, ip, len, eth, now_ms);
        return SIM_ROUTE_DONE;
    } else if (kind != SIM_NEIGH_REQUEST) {
        *reason =
            kind == SIM_NEIGH_PASSIVE ? "ND for the router" : "malformed ND";
        return SIM_ROUTE_DROP;
    }
    if (req->has_sender) {
        hal_asic_route_learn(asic, bridge, &req->sender, &req->sha, now_ms);
    }
    if (hal_asic_route_arp_answer(asic, bridge, &req->target, &mac)) {
        *out_len = sim_router_neigh_reply(req, &mac, out);
        return SIM_ROUTE_REPLY;
    }
    *reason = "ND for the router";
    return SIM_ROUTE_DROP;
}

enum sim_route_verdict
sim_route6_frame(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *frame,
                 size_t len, const struct sim_eth *eth,
                 enum sim_neigh_kind kind, const struct sim_neigh_request *req,
                 const struct hal_acl_packet *acl, size_t seg_len,
                 int64_t now_ms, struct hal_asic_decision *d,
                 struct sim_route_out *o)
{
    uint8_t *out = o->frame, *probe = o->probe;
    size_t *out_len = &o->len, *probe_len = &o->probe_len;
    const char **reason = &o->reason;
    const uint8_t *ip = frame + eth->payload;
    size_t ip_len = len - eth->payload, total;
    struct hal_asic_route_result res;
    struct hal_ip src = { .family = AF_INET6 }, dst = { .family = AF_INET6 };

    if (ip_len < IPV6_HLEN || (ip[0] >> 4) != 6
        || (total = IPV6_HLEN + get_be16(ip + 4)) > ip_len) {
        *reason = "malformed IPv6";
        return SIM_ROUTE_DROP;
    } else if (kind != SIM_NEIGH_OTHER) {
        return route_nd(asic, bridge, ip, total, eth, kind, req, now_ms, out,
                        out_len, reason);
    }
    memcpy(&src.v6, ip + 8, 16);
    memcpy(&dst.v6, ip + 24, 16);
    hal_asic_route(
        asic, bridge, &src, &dst, ip[7], (uint32_t) (total + SIM_ETH_HLEN),
        (uint32_t) (seg_len ? seg_len : total), true, now_ms, acl, &res, d);
    switch (res.action) {
    case HAL_ASIC_L3_DROP:
        if ((res.for_router
             && echo6_reply(ip, total, eth, &res.src, out, out_len))
            || ((res.ttl_expired || res.unreachable || res.too_big)
                && icmp6_error(asic, bridge, ip, total, eth, &res, now_ms, out,
                               out_len))) {
            return SIM_ROUTE_REPLY;
        }
        *reason = res.drop_reason;
        return SIM_ROUTE_DROP;
    case HAL_ASIC_L3_RESOLVE:
        *out_len =
            sim_ns_request(&res.src, &res.arp_sender, &res.arp_target, out);
        return SIM_ROUTE_SEND;
    case HAL_ASIC_L3_FORWARD:
    default:
        memcpy(out, res.dst.ea, SIM_ETH_ALEN);
        memcpy(out + SIM_ETH_ALEN, res.src.ea, SIM_ETH_ALEN);
        put_be16(out + 12, SIM_ETH_TYPE_IPV6);
        memcpy(out + SIM_ETH_HLEN, ip, total);
        out[SIM_ETH_HLEN + 7]--;
        *out_len = SIM_ETH_HLEN + total;
        if (res.probe) {
            /* To the solicited-node address, but in a frame to the known
             * MAC: only the neighbour hears it. */
            *probe_len = sim_ns_request(&res.probe_src, &res.arp_sender,
                                        &res.arp_target, probe);
            memcpy(probe, res.dst.ea, SIM_ETH_ALEN);
        }
        return SIM_ROUTE_SEND;
    }
}
