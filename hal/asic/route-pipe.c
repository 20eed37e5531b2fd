/* SPDX-License-Identifier: Apache-2.0 */
/* The routing step of the software ASIC's pipeline (asic.h): which frames
 * go to a router, ARP for its interfaces, learning its neighbours, the
 * lookup itself (TTL, longest prefix match, neighbour, egress MTU, L2
 * egress in the destination bridge), resolution of unknown next hops, and
 * the rate limit on the ICMP errors the router sends.
 *
 * Resolution: an unknown next hop gets an ARP request at most once a
 * second however many packets wait for it (a chip's punt path is
 * rate-limited), and L3_ARP_TRIES of them; if none is answered the host is
 * unreachable for L3_ARP_FAILED_MS (its packets get ICMP host unreachable,
 * as from a Linux router whose neighbour entry failed), and then it is
 * asked for again.
 *
 * Learned neighbours age (T: the router's neigh_timeout_s, or else the
 * profile's router_neighbour_timeout_s):
 * an entry lives T after the last ARP or ND packet that showed it.  Like
 * a Linux neighbour gone stale, an entry older than T/2 that a packet
 * uses gets a unicast request to its MAC (at most one a second,
 * L3_ARP_TRIES of them); the answer confirms it, and once they all go
 * unanswered the entry is removed and the next packet resolves afresh.
 * An entry nothing uses is removed at T by the sweep in hal_run().
 * Times are on the HAL clock (monotonic), kept in chip memory across a
 * warm restart; one beyond the clock (a file kept across a reboot) counts
 * as now.
 *
 * ICMP errors are limited as Linux limits them: a token bucket for the
 * whole switch (L3_ICMP_PER_SEC a second, bursts of L3_ICMP_BURST, like
 * net.ipv4.icmp_msgs_per_sec and icmp_msgs_burst) and one per destination
 * (one a second, bursts of six, like net.ipv4.icmp_ratelimit). */
#include <string.h>

#include "hal/asic/l3.h"
#include "hal/hal-route.h"

#define L3_ARP_HOLD_MS 1000
#define L3_ARP_TRIES 3
#define L3_ARP_FAILED_MS 3000

#define L3_ICMP_PER_SEC 1000
#define L3_ICMP_BURST 50
#define L3_ICMP_DST_MS 1000 /* Per destination: one each ... */
#define L3_ICMP_DST_BURST 6 /* ... with bursts of this many. */

/* Returns the rif of 'bridge' (any, with 'ip' NULL; else the one whose
 * subnet holds 'ip'), or -1. */
static int64_t
bridge_rif(const struct hal_asic *asic, uint32_t bridge,
           const struct hal_ip *ip)
{
    uint32_t i;

    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash(bridge),
                                  &asic->l3->t_rif) {
        const struct asic_rif *r = &asic->rifs[i];

        if (r->bridge == bridge
            && (!ip || hal_prefix_contains(&r->ip, r->len, ip))) {
            return i;
        }
    }
    return -1;
}

/* Returns the rif of 'bridge' with an address of 'family', else any rif of
 * it, or -1. */
int64_t
asic_l3_bridge_rif(const struct hal_asic *asic, uint32_t bridge,
                   uint8_t family)
{
    int64_t any = -1;
    uint32_t i;

    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash(bridge),
                                  &asic->l3->t_rif) {
        if (asic->rifs[i].bridge == bridge) {
            if (asic->rifs[i].ip.family == family) {
                return i;
            }
            any = i;
        }
    }
    return any;
}

/* Returns the peer of router config 'c' whose ARP MAC is 'mac', or NULL. */
static const struct hal_router_peer *
router_peer(const struct hal_router_config *c, const struct hal_mac *mac)
{
    uint32_t i;

    for (i = 0; i < c->n_peers && i < HAL_ROUTER_PEERS_MAX; i++) {
        if (!memcmp(&c->peers[i].mac, mac, sizeof *mac)) {
            return &c->peers[i];
        }
    }
    return NULL;
}

/* Returns true if 'ip' is the link-local address of the router with an
 * IPv6 interface on bridge index 'bridge' (hal_router_link_local()). */
static bool
is_link_local_of(const struct hal_asic *asic, uint32_t bridge,
                 const struct hal_ip *ip)
{
    int64_t rif = asic_l3_bridge_rif(asic, bridge, AF_INET6);
    struct hal_ip ll;

    if (ip->family != AF_INET6 || !IN6_IS_ADDR_LINKLOCAL(&ip->v6) || rif < 0
        || asic->rifs[rif].ip.family != AF_INET6) {
        return false;
    }
    hal_router_link_local(&asic->routers[asic->rifs[rif].router].c.mac, &ll);
    return hal_ip_equals(&ll, ip);
}

bool
asic_l3_punt(const struct hal_asic *asic, uint32_t bridge,
             const struct hal_mac *dst, const struct hal_ip *arp_target)
{
    const struct asic_l3 *l3 = asic->l3;
    int64_t rif = l3 ? bridge_rif(asic, bridge, NULL) : -1;
    const struct asic_router *r;
    uint32_t i;

    if (rif < 0) {
        return false;
    }
    r = &asic->routers[asic->rifs[rif].router];
    if (!memcmp(dst, &r->c.mac, sizeof *dst)
        || !memcmp(dst, &r->c.arp_mac, sizeof *dst)
        || router_peer(&r->c, dst)) {
        return true;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash(bridge), &l3->t_rif) {
        if (arp_target && asic->rifs[i].bridge == bridge
            && hal_ip_equals(&asic->rifs[i].ip, arp_target)) {
            return true;
        }
    }
    return arp_target && is_link_local_of(asic, bridge, arp_target);
}

bool
hal_asic_route_arp_answer(struct hal_asic *asic, hal_oid_t bridge_oid,
                          const struct hal_ip *target, struct hal_mac *mac)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    uint32_t i;

    if (bridge < 0) {
        return false;
    }
    ASIC_TABLE_FOR_EACH_WITH_HASH(i, asic_l3_rif_hash((uint32_t) bridge),
                                  &asic->l3->t_rif) {
        const struct asic_rif *r = &asic->rifs[i];

        if (r->bridge == bridge && hal_ip_equals(&r->ip, target)) {
            asic->routers[r->router].st.arp_replies++;
            *mac = asic->routers[r->router].c.mac;
            return true;
        }
    }
    if (is_link_local_of(asic, (uint32_t) bridge, target)) {
        int64_t rif = asic_l3_bridge_rif(asic, (uint32_t) bridge, AF_INET6);
        struct asic_router *r = &asic->routers[asic->rifs[rif].router];

        r->st.arp_replies++;
        *mac = r->c.mac;
        return true;
    }
    return false;
}

bool
hal_asic_route_to_peer(struct hal_asic *asic, hal_oid_t bridge_oid,
                       const struct hal_mac *dst, uint32_t bytes,
                       struct hal_asic_decision *d)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    int64_t rif = bridge < 0 ? -1 : bridge_rif(asic, (uint32_t) bridge, NULL);
    const struct hal_router_peer *peer =
        rif < 0 ? NULL
                : router_peer(&asic->routers[asic->rifs[rif].router].c, dst);

    if (!peer) {
        return false;
    }
    asic_l2_emit_vtep(asic, (uint32_t) bridge, peer->vtep, bytes, d);
    return true;
}

int
hal_asic_route_learn(struct hal_asic *asic, hal_oid_t bridge_oid,
                     const struct hal_ip *ip, const struct hal_mac *mac,
                     int64_t now_ms)
{
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    int64_t rif = bridge < 0 ? -1 : bridge_rif(asic, (uint32_t) bridge, ip);

    if (rif < 0 || hal_mac_is_multicast(mac)
        || hal_ip_equals(&asic->rifs[rif].ip, ip)) {
        return -ENOENT;
    }
    hal_clock_advance(&asic->up, now_ms);
    return asic_l3_rneigh_put(asic, (uint32_t) rif, ip, mac, true);
}

/* ---- Aging of learned neighbours (see the file comment) ---------------- */

/* The life of a neighbour learned in rneigh slot 'idx', 0 for forever. */
static int64_t
rneigh_life_ms(const struct hal_asic *asic, uint32_t idx)
{
    const struct asic_rif *rif = &asic->rifs[asic->rneighs[idx].rif];
    uint32_t s = asic->routers[rif->router].c.neigh_timeout_s;

    return (int64_t) (s ? s : asic->profile->rneigh_timeout_s) * 1000;
}

void
asic_l3_rneigh_confirmed(struct hal_asic *asic, uint32_t idx)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t life = rneigh_life_ms(asic, idx);

    l3->probe_ms[idx] = INT64_MIN / 2;
    l3->probe_tries[idx] = 0;
    if (life) {
        l3->next_age_ms =
            MIN(l3->next_age_ms, asic->rneighs[idx].seen_ms + life);
    }
}

void
asic_l3_age_soon(struct hal_asic *asic)
{
    if (asic->l3) {
        asic->l3->next_age_ms = 0;
    }
}

void
asic_l3_age(struct hal_asic *asic)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t now = hal_now(&asic->up);
    int64_t earliest = INT64_MAX;
    uint32_t i;

    if (!l3 || now < l3->next_age_ms) {
        return;
    }
    for (i = 0; i < l3->t_rneigh.capacity; i++) {
        struct asic_rneigh *n = &asic->rneighs[i];
        int64_t life;

        if (!l3->t_rneigh.in_use[i] || !n->learned
            || !(life = rneigh_life_ms(asic, i))) {
            continue;
        } else if (n->seen_ms > now) {
            n->seen_ms = now;
        }
        if (now - n->seen_ms >= life) {
            asic_l3_rneigh_free(asic, i);
        } else {
            earliest = MIN(earliest, n->seen_ms + life);
        }
    }
    l3->next_age_ms = earliest == INT64_MAX
                          ? INT64_MAX
                          : MAX(earliest, now + L3_ARP_HOLD_MS);
}

int64_t
asic_l3_next_wake(const struct hal_asic *asic)
{
    return asic->l3 ? asic->l3->next_age_ms : INT64_MAX;
}

/* Learned neighbour 'idx' is about to be used at 'now': returns true if it
 * is time to probe it (and counts the probe); frees it and returns false
 * through '*gone' if its probes went unanswered. */
static bool
rneigh_probe(struct hal_asic *asic, uint32_t idx, int64_t now, bool *gone)
{
    struct asic_l3 *l3 = asic->l3;
    const struct asic_rneigh *n = &asic->rneighs[idx];
    int64_t life = rneigh_life_ms(asic, idx);

    *gone = false;
    if (!n->learned || !life || now - n->seen_ms < life / 2
        || now - l3->probe_ms[idx] < L3_ARP_HOLD_MS) {
        return false;
    } else if (l3->probe_tries[idx] >= L3_ARP_TRIES) {
        asic_l3_rneigh_free(asic, idx);
        *gone = true;
        return false;
    }
    l3->probe_tries[idx]++;
    l3->probe_ms[idx] = now;
    return true;
}

/* Finds the MAC of 'ip' behind rif 'rif': the router neighbours, then the
 * bridge's suppression entries.  Sets '*probe' if the neighbour should get
 * a unicast probe. */
static bool
resolve(struct hal_asic *asic, uint32_t rif, const struct hal_ip *ip,
        struct hal_mac *mac, bool *probe)
{
    int64_t idx = asic_l3_rneigh_find(asic, rif, ip);
    bool gone;

    *probe = false;
    if (idx >= 0) {
        *mac = asic->rneighs[idx].mac;
        *probe = rneigh_probe(asic, (uint32_t) idx, hal_now(&asic->up), &gone);
        if (!gone) {
            return true;
        }
    }
    return asic_neigh_lookup(asic, asic->rifs[rif].bridge, ip, mac);
}

/* Returns true if 'ip' is an interface address of router index 'router'. */
static bool
router_owns(const struct hal_asic *asic, uint32_t router,
            const struct hal_ip *ip)
{
    const struct asic_l3 *l3 = asic->l3;
    uint32_t i;

    for (i = 0; i < l3->t_rif.capacity; i++) {
        if (l3->t_rif.in_use[i] && asic->rifs[i].router == router
            && hal_ip_equals(&asic->rifs[i].ip, ip)) {
            return true;
        }
    }
    return false;
}

enum arp_step {
    ARP_WAIT,   /* A request is out: drop the packet. */
    ARP_SEND,   /* Send a request now. */
    ARP_FAILED, /* Nobody answered: the host is unreachable. */
};

/* Where the resolution of 'ip' behind rif 'rif' stands, for one more
 * packet to it (see the file comment). */
static enum arp_step
arp_step(struct hal_asic *asic, uint32_t rif, const struct hal_ip *ip)
{
    struct l3_arp_sent *s =
        &asic->l3->arp_sent[asic_l3_rneigh_hash(rif, ip) & (L3_ARP_SLOTS - 1)];
    int64_t now = hal_now(&asic->up);
    int64_t elapsed = now - s->at_ms;

    if (s->rif_plus1 != rif + 1 || !hal_ip_equals(&s->ip, ip)
        || (s->failed && elapsed >= L3_ARP_FAILED_MS)) {
        *s = (struct l3_arp_sent){ rif + 1, *ip, now, 1, false };
        return ARP_SEND;
    } else if (s->failed) {
        return ARP_FAILED;
    } else if (elapsed < L3_ARP_HOLD_MS) {
        return ARP_WAIT;
    } else if (s->tries < L3_ARP_TRIES) {
        s->tries++;
        s->at_ms = now;
        return ARP_SEND;
    }
    s->failed = true;
    s->at_ms = now;
    return ARP_FAILED;
}

/* Takes 'cost_ms' of credit from 'b', which earns a millisecond of credit
 * a millisecond up to 'max_ms'.  Returns false if it has too little. */
static bool
bucket_take(struct l3_bucket *b, int64_t now, int64_t cost_ms, int64_t max_ms)
{
    int64_t credit = b->credit_ms + (now - b->last_ms);

    b->last_ms = now;
    b->credit_ms = credit < 0 ? 0 : credit > max_ms ? max_ms : credit;
    if (b->credit_ms < cost_ms) {
        return false;
    }
    b->credit_ms -= cost_ms;
    return true;
}

bool
hal_asic_route_icmp_allow(struct hal_asic *asic, hal_oid_t bridge_oid,
                          const struct hal_ip *to, int64_t now_ms)
{
    struct asic_l3 *l3 = asic->l3;
    int64_t bridge = asic_bridge_index(asic, bridge_oid);
    int64_t rif = bridge < 0 ? -1 : bridge_rif(asic, (uint32_t) bridge, NULL);
    struct l3_icmp_dst *dst =
        &l3->icmp_dst[hal_ip_hash(to, 0x1c) & (L3_ICMP_SLOTS - 1)];
    struct hal_router_stats *st;
    bool ok;

    if (rif < 0) {
        return false;
    }
    hal_clock_advance(&asic->up, now_ms);
    now_ms = hal_now(&asic->up);
    st = &asic->routers[asic->rifs[rif].router].st;
    if (!hal_ip_equals(&dst->ip, to)) {
        dst->ip = *to;
        dst->bucket =
            (struct l3_bucket){ L3_ICMP_DST_MS * L3_ICMP_DST_BURST, now_ms };
    }
    ok = bucket_take(&dst->bucket, now_ms, L3_ICMP_DST_MS,
                     L3_ICMP_DST_MS * L3_ICMP_DST_BURST)
         && bucket_take(&l3->icmp_all, now_ms * L3_ICMP_PER_SEC, 1000,
                        1000 * L3_ICMP_BURST);
    if (ok) {
        st->icmp_errors++;
    } else {
        st->icmp_limited++;
    }
    return ok;
}

/* Sets 'res' up for an ICMP destination unreachable with 'code' (RFC 792:
 * 0 net, 1 host) from the ingress interface. */
static void
unreachable(struct hal_asic_route_result *res, uint8_t code,
            const char *reason)
{
    res->action = HAL_ASIC_L3_DROP;
    res->unreachable = true;
    res->unreach_code = code;
    res->drop_reason = reason;
}

/* The next hop 'nh' behind rif 'out' is not resolved: asks for it, or
 * gives up on it (see the file comment). */
static void
route_unresolved(struct hal_asic *asic, struct asic_router *router,
                 const struct asic_rif *out, const struct hal_ip *nh,
                 struct hal_asic_route_result *res,
                 struct hal_asic_decision *d)
{
    static const struct hal_mac bcast = { { 0xff, 0xff, 0xff, 0xff, 0xff,
                                            0xff } };

    router->st.unresolved++;
    switch (arp_step(asic, (uint32_t) (out - asic->rifs), nh)) {
    case ARP_WAIT:
        res->drop_reason = "next hop unresolved";
        return;
    case ARP_FAILED:
        unreachable(res, 1, "next hop unreachable (ARP failed)");
        return;
    case ARP_SEND:
    default:
        router->st.arp_requests++;
        res->action = HAL_ASIC_L3_RESOLVE;
        res->src = router->c.arp_mac;
        res->dst = bcast;
        res->arp_sender = out->ip;
        res->arp_target = *nh;
        asic_l2_emit(asic, out->bridge, &bcast, 60, d);
        return;
    }
}

void
hal_asic_route_set_tunnel_mtu(struct hal_asic *asic, uint32_t mtu)
{
    if (asic->l3) {
        asic->l3->tunnel_mtu = mtu;
    }
}

/* The MTU of rif 'out' for a packet of 'ip_len' bytes to next hop 'nh':
 * its router's, or the tunnel's inner MTU if smaller and the next hop's
 * MAC is behind a VTEP (or unknown to the bridge: flooded, a copy goes in
 * VXLAN).  Looks the MAC up only for a packet between the two MTUs, and
 * without the side effects of resolve() (a dropped packet neither probes
 * nor asks for its next hop). */
static uint32_t
egress_mtu(const struct hal_asic *asic, const struct asic_rif *out,
           const struct hal_ip *nh, uint32_t ip_len)
{
    uint32_t mtu = hal_router_mtu(&asic->routers[out->router].c);
    uint32_t tunnel = asic->l3->tunnel_mtu;
    const struct asic_fdb_slot *s;
    struct hal_mac mac;
    int64_t idx;

    if (!tunnel || tunnel >= mtu || ip_len <= tunnel) {
        return mtu;
    }
    idx = asic_l3_rneigh_find(asic, (uint32_t) (out - asic->rifs), nh);
    if (idx >= 0) {
        mac = asic->rneighs[idx].mac;
    } else if (!asic_neigh_lookup(asic, out->bridge, nh, &mac)) {
        return mtu; /* Unresolved: resolution comes first. */
    }
    s = asic_fdb_find(asic, asic_fdb_key(out->bridge, &mac));
    return !s || s->flags & ASIC_FDB_REMOTE ? tunnel : mtu;
}

static bool
ip_is_v4(const struct hal_ip *ip, uint8_t first, uint8_t mask)
{
    const uint8_t *a = (const uint8_t *) &ip->v4;

    return ip->family == AF_INET && (a[0] & mask) == first;
}

static bool
ip_is_v4_broadcast(const struct hal_ip *ip)
{
    return ip->family == AF_INET && ip->v4.s_addr == htonl(INADDR_BROADCAST);
}

/* Why no host can have 'src', or NULL. */
static const char *
martian_source(const struct hal_ip *src)
{
    if (src->family == AF_INET) {
        return ip_is_v4(src, 224, 0xf0)   ? "multicast source"
               : ip_is_v4_broadcast(src)  ? "broadcast source"
               : ip_is_v4(src, 127, 0xff) ? "loopback source"
               : ip_is_v4(src, 0, 0xff)   ? "unspecified source"
                                          : NULL;
    }
    return IN6_IS_ADDR_MULTICAST(&src->v6)  ? "multicast source"
           : IN6_IS_ADDR_LOOPBACK(&src->v6) ? "loopback source"
                                            : NULL;
}

/* Why a packet from 'src' to 'dst' may not leave the link it came in on,
 * or NULL. */
static const char *
martian_forward(const struct hal_ip *src, const struct hal_ip *dst)
{
    if (dst->family == AF_INET) {
        return ip_is_v4(dst, 127, 0xff)   ? "loopback destination"
               : ip_is_v4(dst, 0, 0xff)   ? "unspecified destination"
               : ip_is_v4(dst, 224, 0xf0) ? "multicast destination"
               : ip_is_v4_broadcast(dst)  ? "broadcast destination"
                                          : NULL;
    }
    return IN6_IS_ADDR_LOOPBACK(&dst->v6)      ? "loopback destination"
           : IN6_IS_ADDR_MULTICAST(&dst->v6)   ? "multicast destination"
           : IN6_IS_ADDR_UNSPECIFIED(&src->v6) ? "unspecified source"
           : IN6_IS_ADDR_LINKLOCAL(&src->v6)   ? "link-local source"
           : IN6_IS_ADDR_UNSPECIFIED(&dst->v6) ? "unspecified destination"
           : IN6_IS_ADDR_LINKLOCAL(&dst->v6)   ? "link-local destination"
                                               : NULL;
}

void
hal_asic_route(struct hal_asic *asic, hal_oid_t in_bridge,
               const struct hal_ip *src, const struct hal_ip *dst, uint8_t ttl,
               uint32_t bytes, uint32_t ip_len, bool df, int64_t now_ms,
               const struct hal_acl_packet *acl,
               struct hal_asic_route_result *res, struct hal_asic_decision *d)
{
    int64_t bridge = asic_bridge_index(asic, in_bridge);
    int64_t in_rif =
        bridge < 0 ? -1
                   : asic_l3_bridge_rif(asic, (uint32_t) bridge, dst->family);
    struct asic_router *router;
    const struct asic_route *route;
    const struct asic_rif *out;
    struct hal_ip nh;
    int64_t idx;
    bool probe;

    memset(res, 0, sizeof *res);
    hal_clock_advance(&asic->up, now_ms);
    res->action = HAL_ASIC_L3_DROP;
    if (in_rif < 0) {
        res->drop_reason = "no router interface";
        return;
    }
    router = &asic->routers[asic->rifs[in_rif].router];
    res->src = router->c.mac;
    res->in_addr = asic->rifs[in_rif].ip;
    if ((res->drop_reason = martian_source(src)) != NULL) {
        return;
    } else if (router_owns(asic, asic->rifs[in_rif].router, src)) {
        res->drop_reason = "the router's address as source";
        return;
    } else if (router_owns(asic, asic->rifs[in_rif].router, dst)) {
        res->for_router = true;
        res->drop_reason = "addressed to the router";
        return;
    } else if ((res->drop_reason = martian_forward(src, dst)) != NULL) {
        return;
    } else if (ttl <= 1) {
        router->st.ttl_expired++;
        res->ttl_expired = true;
        res->drop_reason = "TTL expired";
        return;
    } else if (!asic_acl_rif_permits(asic, (uint32_t) in_rif, HAL_ACL_INGRESS,
                                     acl)) {
        router->st.acl_denied_in++;
        res->drop_reason = "ACL deny (router ingress)";
        return;
    }
    idx = asic_l3_lpm(asic, asic->rifs[in_rif].router, dst);
    if (idx < 0) {
        router->st.no_route++;
        unreachable(res, 0, "no route");
        return;
    }
    route = &asic->routes[idx];
    if (route->via_rif) {
        out = &asic->rifs[route->target];
        nh = *dst;
    } else {
        out = &asic->rifs[asic->nexthops[route->target].rif];
        nh = asic->nexthops[route->target].ip;
    }
    res->out_bridge = asic_bridge_oid(out->bridge);
    if (!asic_acl_rif_permits(asic, (uint32_t) (out - asic->rifs),
                              HAL_ACL_EGRESS, acl)) {
        router->st.acl_denied_out++;
        res->drop_reason = "ACL deny (router egress)";
        return;
    }
    res->mtu = egress_mtu(asic, out, &nh, ip_len);
    if (ip_len > res->mtu) {
        /* An ASIC's egress MTU check; without DF, the trap to the CPU,
         * which fragments (docs/routing.md). */
        router->st.mtu_exceeded++;
        res->too_big = df;
        res->fragment = !df;
        res->drop_reason = df ? "larger than the MTU"
                              : "larger than the MTU (not fragmented)";
        return;
    } else if (!resolve(asic, (uint32_t) (out - asic->rifs), &nh, &res->dst,
                        &probe)) {
        route_unresolved(asic, router, out, &nh, res, d);
        return;
    }
    if (probe) {
        router->st.arp_requests++;
        res->probe = true;
        res->probe_src = router->c.arp_mac;
        res->arp_sender = out->ip;
        res->arp_target = nh;
    }
    router->st.routed++;
    res->action = HAL_ASIC_L3_FORWARD;
    asic_l2_emit(asic, out->bridge, &res->dst, bytes, d);
}
