/* SPDX-License-Identifier: Apache-2.0 */
/* The L3 step of the software dataplane.  See route.h. */
#include "sim/route.h"

#include <arpa/inet.h>
#include <string.h>

#include "lib/bytes.h"
#include "lib/csum.h"

#define IPV4_HLEN 20
#define ICMP_HLEN 8
#define IPPROTO_ICMP_ 1
#define ICMP_ECHO_REPLY 0
#define ICMP_UNREACHABLE 3
#define ICMP_FRAG_NEEDED 4 /* Code of ICMP_UNREACHABLE (RFC 1191). */
#define ICMP_ECHO_REQUEST 8
#define ICMP_TIME_EXCEEDED 11
#define ICMP_TTL 64
/* The most of a packet an ICMP error quotes: what fits in 576 bytes. */
#define ICMP_QUOTE_MAX (576 - IPV4_HLEN - ICMP_HLEN)

size_t
sim_arp_request(const struct hal_mac *sha, const struct hal_ip *spa,
                const struct hal_ip *tpa, uint8_t frame[SIM_ARP_FRAME_MIN])
{
    uint8_t *p = frame + SIM_ETH_HLEN;

    memset(frame, 0, SIM_ARP_FRAME_MIN);
    memset(frame, 0xff, SIM_ETH_ALEN);
    memcpy(frame + SIM_ETH_ALEN, sha->ea, SIM_ETH_ALEN);
    put_be16(frame + 12, SIM_ETH_TYPE_ARP);
    put_be16(p, 1); /* Ethernet. */
    put_be16(p + 2, SIM_ETH_TYPE_IPV4);
    p[4] = 6;
    p[5] = 4;
    put_be16(p + 6, 1); /* Request. */
    memcpy(p + 8, sha->ea, 6);
    memcpy(p + 14, &spa->v4, 4);
    memcpy(p + 24, &tpa->v4, 4);
    return SIM_ARP_FRAME_MIN;
}

void
sim_ipv4_dec_ttl(uint8_t *ip)
{
    /* RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m'), on the word TTL|protocol. */
    uint16_t old = (uint16_t) (ip[8] << 8 | ip[9]);
    uint16_t new = (uint16_t) (old - 0x100);

    ip[8]--;
    put_be16(ip + 10,
             csum_update16((uint16_t) (ip[10] << 8 | ip[11]), old, new));
}

/* Writes an Ethernet header to 'dst' from 'src' for IPv4 into 'out'. */
static void
put_eth(uint8_t *out, const struct hal_mac *dst, const struct hal_mac *src)
{
    memcpy(out, dst->ea, SIM_ETH_ALEN);
    memcpy(out + SIM_ETH_ALEN, src->ea, SIM_ETH_ALEN);
    put_be16(out + 12, SIM_ETH_TYPE_IPV4);
}

/* Writes an IPv4 header for an ICMP message of 'len' bytes from 'src' to
 * 'dst' into 'ip'. */
static void
put_ip(uint8_t *ip, size_t len, const uint8_t src[4], const uint8_t dst[4])
{
    memset(ip, 0, IPV4_HLEN);
    ip[0] = 0x45;
    put_be16(ip + 2, (uint16_t) (IPV4_HLEN + len));
    ip[8] = ICMP_TTL;
    ip[9] = IPPROTO_ICMP_;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    put_be16(ip + 10, csum_rfc1071(ip, IPV4_HLEN));
}

/* An echo request to the router: the reply, back to the sender. */
static bool
echo_reply(const uint8_t *ip, size_t len, const struct sim_eth *eth,
           const struct hal_mac *router_mac, uint8_t *out, size_t *out_len)
{
    size_t hl = (size_t) (ip[0] & 15) * 4, total = sim_ipv4_total(ip, len);
    uint8_t *icmp = out + SIM_ETH_HLEN + IPV4_HLEN;
    size_t icmp_len = total - hl;

    if (!total || ip[9] != IPPROTO_ICMP_ || total < hl + ICMP_HLEN
        || ip[hl] != ICMP_ECHO_REQUEST) {
        return false;
    }
    put_eth(out, &eth->src, router_mac);
    memcpy(icmp, ip + hl, icmp_len);
    icmp[0] = ICMP_ECHO_REPLY;
    put_be16(icmp + 2, 0);
    put_be16(icmp + 2, csum_rfc1071(icmp, icmp_len));
    put_ip(out + SIM_ETH_HLEN, icmp_len, ip + 16, ip + 12);
    *out_len = SIM_ETH_HLEN + IPV4_HLEN + icmp_len;
    return true;
}

/* A packet the router drops with an ICMP error (RFC 792): time exceeded
 * or destination unreachable (fragmentation needed with the next-hop MTU,
 * RFC 1191), from the ingress interface's address,
 * quoting as much of it as fits in 576 bytes (RFC 1812, 4.3.2.3, as
 * Linux does; RFC 792's minimum is its header and 8 bytes); not for an
 * ICMP error, nor to a source
 * that is no unicast address, nor over the rate limit. */
static bool
icmp_error(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *ip,
           size_t len, const struct sim_eth *eth,
           const struct hal_asic_route_result *res, int64_t now_ms,
           uint8_t *out, size_t *out_len)
{
    size_t hl = (size_t) (ip[0] & 15) * 4, total = sim_ipv4_total(ip, len);
    uint8_t *icmp = out + SIM_ETH_HLEN + IPV4_HLEN;
    size_t quote = total < ICMP_QUOTE_MAX ? total : ICMP_QUOTE_MAX;
    struct hal_ip to = { .family = AF_INET };

    memcpy(&to.v4, ip + 12, 4);
    if (!total || !ip[12] || ip[12] >= 224
        || (ip[9] == IPPROTO_ICMP_ && total >= hl + 1
            && ip[hl] != ICMP_ECHO_REQUEST && ip[hl] != ICMP_ECHO_REPLY)
        || !hal_asic_route_icmp_allow(asic, bridge, &to, now_ms)) {
        return false;
    }
    put_eth(out, &eth->src, &res->src);
    memset(icmp, 0, ICMP_HLEN);
    icmp[0] = res->ttl_expired ? ICMP_TIME_EXCEEDED : ICMP_UNREACHABLE;
    icmp[1] = res->ttl_expired ? 0
              : res->too_big   ? ICMP_FRAG_NEEDED
                               : res->unreach_code;
    if (res->too_big) {
        put_be16(icmp + 6,
                 (uint16_t) (res->mtu < UINT16_MAX ? res->mtu : UINT16_MAX));
    }
    memcpy(icmp + ICMP_HLEN, ip, quote);
    put_be16(icmp + 2, csum_rfc1071(icmp, ICMP_HLEN + quote));
    put_ip(out + SIM_ETH_HLEN, ICMP_HLEN + quote,
           (const uint8_t *) &res->in_addr.v4, ip + 12);
    *out_len = SIM_ETH_HLEN + IPV4_HLEN + ICMP_HLEN + quote;
    return true;
}

static enum sim_route_verdict
route_arp(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *frame,
          size_t len, const struct sim_eth *eth, enum sim_neigh_kind kind,
          const struct sim_neigh_request *req, int64_t now_ms,
          struct hal_asic_decision *d, struct sim_route_out *o)
{
    uint8_t *out = o->frame;
    size_t *out_len = &o->len;
    const char **reason = &o->reason;
    struct hal_mac mac;

    if (kind == SIM_NEIGH_MALFORMED || kind == SIM_NEIGH_OTHER
        || req->target.family != AF_INET) {
        *reason = "malformed ARP/ND";
        return SIM_ROUTE_DROP;
    }
    if (req->has_sender) {
        hal_asic_route_learn(asic, bridge, &req->sender, &req->sha, now_ms);
    }
    if (kind == SIM_NEIGH_REQUEST
        && hal_asic_route_arp_answer(asic, bridge, &req->target, &mac)) {
        *out_len = sim_router_neigh_reply(req, &mac, out);
        return SIM_ROUTE_REPLY;
    }
    if (!o->from_overlay
        && hal_asic_route_to_peer(asic, bridge, &eth->dst, (uint32_t) len,
                                  d)) {
        /* A local host's reply to another VTEP's request
         * (Arp_Sources_Remote); one from the overlay went to that VTEP
         * itself, and a VTEP never sends from a tunnel into a tunnel. */
        memcpy(out, frame, len);
        *out_len = len;
        return SIM_ROUTE_SEND;
    } else if (kind == SIM_NEIGH_PASSIVE) {
        return SIM_ROUTE_DONE;
    }
    *reason = "ARP for the router";
    return SIM_ROUTE_DROP;
}

enum sim_route_verdict
sim_route_frame(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *frame,
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
    size_t ip_len = len - eth->payload, hl;
    struct hal_asic_route_result res;
    struct hal_ip src, dst;

    *out_len = *probe_len = 0;
    o->mtu = 0;
    if (eth->ethertype == SIM_ETH_TYPE_ARP) {
        return route_arp(asic, bridge, frame, len, eth, kind, req, now_ms, d,
                         o);
    } else if (eth->ethertype == SIM_ETH_TYPE_IPV6) {
        return sim_route6_frame(asic, bridge, frame, len, eth, kind, req, acl,
                                seg_len, now_ms, d, o);
    } else if (eth->ethertype != SIM_ETH_TYPE_IPV4) {
        *reason = "not IP to the router";
        return SIM_ROUTE_DROP;
    }
    /* RFC 1812, 5.2.2: the length fields and the checksum, before anything
     * else; what follows the total length (Ethernet padding) goes. */
    hl = ip_len >= IPV4_HLEN ? (size_t) (ip[0] & 15) * 4 : 0;
    if (hl < IPV4_HLEN || (ip[0] >> 4) != 4 || hl > ip_len
        || !(ip_len = sim_ipv4_total(ip, ip_len))) {
        *reason = "malformed IPv4";
        return SIM_ROUTE_DROP;
    } else if (csum_rfc1071(ip, hl)) {
        *reason = "IPv4 header checksum";
        return SIM_ROUTE_DROP;
    }
    memset(&src, 0, sizeof src);
    src.family = AF_INET;
    memcpy(&src.v4, ip + 12, 4);
    dst = src;
    memcpy(&dst.v4, ip + 16, 4);
    hal_asic_route(asic, bridge, &src, &dst, ip[8],
                   (uint32_t) (ip_len + SIM_ETH_HLEN),
                   (uint32_t) (seg_len ? seg_len : ip_len),
                   (ip[6] & 0x40) != 0, now_ms, acl, &res, d);
    switch (res.action) {
    case HAL_ASIC_L3_DROP:
        if ((res.for_router
             && echo_reply(ip, ip_len, eth, &res.src, out, out_len))
            || ((res.ttl_expired || res.unreachable || res.too_big)
                && icmp_error(asic, bridge, ip, ip_len, eth, &res, now_ms, out,
                              out_len))) {
            return SIM_ROUTE_REPLY;
        }
        *reason = res.drop_reason;
        if (res.fragment) {
            o->mtu = res.mtu;
            return SIM_ROUTE_FRAGMENT;
        }
        return SIM_ROUTE_DROP;
    case HAL_ASIC_L3_RESOLVE:
        *out_len =
            sim_arp_request(&res.src, &res.arp_sender, &res.arp_target, out);
        return SIM_ROUTE_SEND;
    case HAL_ASIC_L3_FORWARD:
    default:
        memcpy(out, res.dst.ea, SIM_ETH_ALEN);
        memcpy(out + SIM_ETH_ALEN, res.src.ea, SIM_ETH_ALEN);
        put_be16(out + 12, SIM_ETH_TYPE_IPV4);
        memcpy(out + SIM_ETH_HLEN, ip, ip_len);
        sim_ipv4_dec_ttl(out + SIM_ETH_HLEN);
        *out_len = SIM_ETH_HLEN + ip_len;
        if (res.probe) {
            /* Linux's unicast probe: to the known MAC, target MAC zero. */
            *probe_len = sim_arp_request(&res.probe_src, &res.arp_sender,
                                         &res.arp_target, probe);
            memcpy(probe, res.dst.ea, SIM_ETH_ALEN);
        }
        return SIM_ROUTE_SEND;
    }
}
