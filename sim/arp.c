/* SPDX-License-Identifier: Apache-2.0 */
/* ARP and neighbour discovery for suppression.  See arp.h. */
#include "sim/arp.h"

#include <arpa/inet.h>
#include <string.h>

#include "lib/bytes.h"
#include "lib/csum.h"

#define ARP_HTYPE_ETHERNET 1
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

#define IPV6_HLEN 40
#define IPPROTO_ICMPV6_ 58
#define ND_HOP_LIMIT 255
#define ND_RS 133
#define ND_RS_LEN 8 /* Type, code, checksum, reserved. */
#define ND_NS 135
#define ND_NA 136
#define ND_NS_LEN 24 /* Type, code, checksum, reserved, target. */
#define ND_OPT_SLLA 1
#define ND_OPT_TLLA 2
#define ND_NA_FLAG_ROUTER 0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20

static enum sim_neigh_kind
classify_arp(const uint8_t *p, size_t len, struct sim_neigh_request *req)
{
    uint16_t op;

    if (len < SIM_ARP_LEN || get_be16(p) != ARP_HTYPE_ETHERNET
        || get_be16(p + 2) != 0x0800 || p[4] != 6 || p[5] != 4) {
        return SIM_NEIGH_MALFORMED;
    }
    op = get_be16(p + 6);
    if (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) {
        return SIM_NEIGH_MALFORMED;
    }
    memcpy(req->sha.ea, p + 8, 6);
    req->sender.family = req->target.family = AF_INET;
    memcpy(&req->sender.v4, p + 14, 4);
    memcpy(&req->target.v4, p + 24, 4);
    req->has_sender =
        req->sender.v4.s_addr && !hal_mac_is_multicast(&req->sha);
    /* Gratuitous ARP (sender = target) announces; a probe (sender 0.0.0.0,
     * RFC 5227) checks for a conflict and must reach the real owner. */
    if (op == ARP_OP_REPLY || !req->has_sender
        || req->sender.v4.s_addr == req->target.v4.s_addr) {
        return SIM_NEIGH_PASSIVE;
    }
    return SIM_NEIGH_REQUEST;
}

/* The ICMPv6 checksum over the pseudo-header of 'src' and 'dst' and the
 * 'len'-byte message 'msg' (RFC 8200, 8.1). */
static uint16_t
icmpv6_csum(const uint8_t *src, const uint8_t *dst, const uint8_t *msg,
            size_t len)
{
    return csum_finish(
        csum_add(csum_pseudo_ipv6(src, dst, IPPROTO_ICMPV6_, len), msg, len));
}

/* Walks the options of an NS: each must have a nonzero length and fit
 * (RFC 4861, 4.6).  Stores the source link-layer address, if any, in
 * '*sha'.  Returns false if the options are malformed. */
static bool
ns_options(const uint8_t *opt, size_t len, struct hal_mac *sha, bool *has_sha)
{
    *has_sha = false;
    while (len) {
        size_t olen = len >= 2 ? (size_t) opt[1] * 8 : 0;

        if (!olen || olen > len) {
            return false;
        }
        if (opt[0] == ND_OPT_SLLA && olen == 8) {
            memcpy(sha->ea, opt + 2, 6);
            *has_sha = true;
        }
        opt += olen;
        len -= olen;
    }
    return true;
}

static enum sim_neigh_kind
classify_ns(const uint8_t *ip, const uint8_t *icmp, size_t icmp_len,
            const struct hal_mac *src, struct sim_neigh_request *req)
{
    bool has_sha;

    if (ip[7] != ND_HOP_LIMIT || icmp[1] != 0 || icmp_len < ND_NS_LEN
        || icmpv6_csum(ip + 8, ip + 24, icmp, icmp_len)) {
        return SIM_NEIGH_MALFORMED;
    }
    req->sender.family = req->target.family = AF_INET6;
    memcpy(&req->sender.v6, ip + 8, 16);
    memcpy(&req->target.v6, icmp + 8, 16);
    req->sha = *src;
    if (IN6_IS_ADDR_MULTICAST(&req->target.v6)
        || !ns_options(icmp + ND_NS_LEN, icmp_len - ND_NS_LEN, &req->sha,
                       &has_sha)) {
        return SIM_NEIGH_MALFORMED;
    }
    /* Duplicate address detection (unspecified source) must reach the
     * real owner.  Link-local senders are not worth learning. */
    req->has_sender = !IN6_IS_ADDR_UNSPECIFIED(&req->sender.v6)
                      && !IN6_IS_ADDR_LINKLOCAL(&req->sender.v6);
    return IN6_IS_ADDR_UNSPECIFIED(&req->sender.v6) ? SIM_NEIGH_PASSIVE
                                                    : SIM_NEIGH_REQUEST;
}

static enum sim_neigh_kind
classify_ipv6(const uint8_t *p, size_t len, const struct hal_mac *src,
              struct sim_neigh_request *req)
{
    size_t plen;

    if (len < IPV6_HLEN || (p[0] >> 4) != 6 || p[6] != IPPROTO_ICMPV6_) {
        return SIM_NEIGH_OTHER;
    }
    plen = get_be16(p + 4);
    if (plen < 1 || plen > len - IPV6_HLEN) {
        return SIM_NEIGH_OTHER;
    }
    switch (p[IPV6_HLEN]) {
    case ND_NS:
        return classify_ns(p, p + IPV6_HLEN, plen, src, req);
    case ND_NA:
        return SIM_NEIGH_PASSIVE;
    default:
        return SIM_NEIGH_OTHER;
    }
}

bool
sim_is_router_solicitation(uint16_t ethertype, const uint8_t *p, size_t len)
{
    size_t plen;

    if (ethertype != SIM_ETH_TYPE_IPV6 || len < IPV6_HLEN + ND_RS_LEN
        || (p[0] >> 4) != 6 || p[6] != IPPROTO_ICMPV6_
        || p[IPV6_HLEN] != ND_RS) {
        return false;
    }
    plen = get_be16(p + 4);
    return plen >= ND_RS_LEN && plen <= len - IPV6_HLEN && p[7] == ND_HOP_LIMIT
           && p[IPV6_HLEN + 1] == 0
           && !icmpv6_csum(p + 8, p + 24, p + IPV6_HLEN, plen);
}

enum sim_neigh_kind
sim_neigh_classify(uint16_t ethertype, const uint8_t *payload, size_t len,
                   const struct hal_mac *src, struct sim_neigh_request *req)
{
    memset(req, 0, sizeof *req);
    if (ethertype == SIM_ETH_TYPE_ARP) {
        return classify_arp(payload, len, req);
    } else if (ethertype == SIM_ETH_TYPE_IPV6) {
        return classify_ipv6(payload, len, src, req);
    }
    return SIM_NEIGH_OTHER;
}

static size_t
arp_reply(const struct sim_neigh_request *req, const struct hal_mac *mac,
          uint8_t *f)
{
    uint8_t *a = f + 14;

    memset(f, 0, SIM_ARP_FRAME_MIN);
    memcpy(f, req->sha.ea, 6);
    memcpy(f + 6, mac->ea, 6);
    put_be16(f + 12, SIM_ETH_TYPE_ARP);
    put_be16(a, ARP_HTYPE_ETHERNET);
    put_be16(a + 2, 0x0800);
    a[4] = 6;
    a[5] = 4;
    put_be16(a + 6, ARP_OP_REPLY);
    memcpy(a + 8, mac->ea, 6);
    memcpy(a + 14, &req->target.v4, 4);
    memcpy(a + 18, req->sha.ea, 6);
    memcpy(a + 24, &req->sender.v4, 4);
    return SIM_ARP_FRAME_MIN;
}

static size_t
na_reply(const struct sim_neigh_request *req, const struct hal_mac *mac,
         bool router, uint8_t *f)
{
    uint8_t *ip = f + 14, *icmp = ip + IPV6_HLEN;
    size_t icmp_len = SIM_NA_FRAME_LEN - 14 - IPV6_HLEN;

    memset(f, 0, SIM_NA_FRAME_LEN);
    memcpy(f, req->sha.ea, 6);
    memcpy(f + 6, mac->ea, 6);
    put_be16(f + 12, SIM_ETH_TYPE_IPV6);
    ip[0] = 0x60;
    put_be16(ip + 4, (uint16_t) icmp_len);
    ip[6] = IPPROTO_ICMPV6_;
    ip[7] = ND_HOP_LIMIT;
    memcpy(ip + 8, &req->target.v6, 16);
    memcpy(ip + 24, &req->sender.v6, 16);
    icmp[0] = ND_NA;
    icmp[4] = ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE
              | (router ? ND_NA_FLAG_ROUTER : 0);
    memcpy(icmp + 8, &req->target.v6, 16);
    icmp[24] = ND_OPT_TLLA;
    icmp[25] = 1;
    memcpy(icmp + 26, mac->ea, 6);
    put_be16(icmp + 2, icmpv6_csum(ip + 8, ip + 24, icmp, icmp_len));
    return SIM_NA_FRAME_LEN;
}

size_t
sim_neigh_reply(const struct sim_neigh_request *req, const struct hal_mac *mac,
                uint8_t frame[SIM_NEIGH_REPLY_MAX])
{
    return req->target.family == AF_INET ? arp_reply(req, mac, frame)
                                         : na_reply(req, mac, false, frame);
}

size_t
sim_router_neigh_reply(const struct sim_neigh_request *req,
                       const struct hal_mac *mac,
                       uint8_t frame[SIM_NEIGH_REPLY_MAX])
{
    return req->target.family == AF_INET ? arp_reply(req, mac, frame)
                                         : na_reply(req, mac, true, frame);
}
