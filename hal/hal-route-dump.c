/* SPDX-License-Identifier: Apache-2.0 */
/* The hal/dump-routes text: routers, interfaces, routes, neighbours and
 * counters, each sorted so that the output is stable. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-route.h"
#include "lib/ds.h"
#include "lib/util.h"

struct rd_router {
    hal_oid_t oid;
    struct hal_router_config c;
};

struct rd_rif {
    hal_oid_t oid;
    struct hal_rif_config c;
};

struct rd_nexthop {
    hal_oid_t oid;
    struct hal_nexthop_config c;
};

#define RD_VEC(TYPE, NAME) \
    TYPE *NAME;            \
    size_t n_##NAME, alloc_##NAME

struct rd {
    const struct hal *hal;
    RD_VEC(struct rd_router, routers);
    RD_VEC(struct rd_rif, rifs);
    RD_VEC(struct rd_nexthop, nexthops);
    RD_VEC(struct hal_route_entry, routes);
    RD_VEC(struct hal_rneigh_entry, neighs);
};

#define RD_PUSH(RD, NAME, VALUE)                                             \
    do {                                                                     \
        if ((RD)->n_##NAME >= (RD)->alloc_##NAME) {                          \
            (RD)->NAME = x2nrealloc((RD)->NAME, &(RD)->alloc_##NAME,         \
                                    (RD)->n_##NAME + 1, sizeof *(RD)->NAME); \
        }                                                                    \
        (RD)->NAME[(RD)->n_##NAME++] = (VALUE);                              \
    } while (0)

static void
router_cb(hal_oid_t oid, const struct hal_router_config *c, void *rd_)
{
    struct rd_router r = { oid, *c };

    RD_PUSH((struct rd *) rd_, routers, r);
}

static void
rif_cb(hal_oid_t oid, const struct hal_rif_config *c, void *rd_)
{
    struct rd_rif r = { oid, *c };

    RD_PUSH((struct rd *) rd_, rifs, r);
}

static void
nexthop_cb(hal_oid_t oid, const struct hal_nexthop_config *c, void *rd_)
{
    struct rd_nexthop r = { oid, *c };

    RD_PUSH((struct rd *) rd_, nexthops, r);
}

static void
route_cb(const struct hal_route_entry *e, void *rd_)
{
    RD_PUSH((struct rd *) rd_, routes, *e);
}

static void
rneigh_cb(const struct hal_rneigh_entry *e, void *rd_)
{
    RD_PUSH((struct rd *) rd_, neighs, *e);
}

static const char *
router_name(const struct rd *rd, hal_oid_t oid)
{
    size_t i;

    for (i = 0; i < rd->n_routers; i++) {
        if (rd->routers[i].oid == oid) {
            return rd->routers[i].c.name;
        }
    }
    return "?";
}

static const struct rd_rif *
find_rif(const struct rd *rd, hal_oid_t oid)
{
    size_t i;

    for (i = 0; i < rd->n_rifs; i++) {
        if (rd->rifs[i].oid == oid) {
            return &rd->rifs[i];
        }
    }
    return NULL;
}

/* Writes the name of the bridge of rif 'oid' into 'name'. */
static const char *
rif_ls(const struct rd *rd, hal_oid_t oid, char name[HAL_NAME_MAX])
{
    const struct rd_rif *rif = find_rif(rd, oid);
    struct hal_bridge_config bc;

    if (!rif || hal_bridge_get(rd->hal, rif->c.bridge, &bc)) {
        snprintf(name, HAL_NAME_MAX, "?");
    } else {
        snprintf(name, HAL_NAME_MAX, "%s", bc.name);
    }
    return name;
}

static int
ip_cmp(const struct hal_ip *a, const struct hal_ip *b)
{
    if (a->family != b->family) {
        return a->family < b->family ? -1 : 1;
    }
    return memcmp(&a->v6, &b->v6, a->family == AF_INET ? 4 : 16);
}

static const struct rd *sort_rd; /* For the comparison functions. */

static int
router_cmp(const void *a_, const void *b_)
{
    const struct rd_router *a = a_, *b = b_;

    return strcmp(a->c.name, b->c.name);
}

static int
route_cmp(const void *a_, const void *b_)
{
    const struct hal_route_entry *a = a_, *b = b_;
    int c = strcmp(router_name(sort_rd, a->router),
                   router_name(sort_rd, b->router));

    if (c) {
        return c;
    } else if (a->prefix_len != b->prefix_len) {
        return a->prefix_len > b->prefix_len ? -1 : 1;
    }
    return ip_cmp(&a->prefix, &b->prefix);
}

static int
neigh_cmp(const void *a_, const void *b_)
{
    const struct hal_rneigh_entry *a = a_, *b = b_;

    return ip_cmp(&a->ip, &b->ip);
}

static void
put_route(const struct rd *rd, const struct hal_route_entry *e, struct ds *out)
{
    char p[HAL_IP_STRLEN], nh[HAL_IP_STRLEN], ls[HAL_NAME_MAX];
    char prefix[HAL_IP_STRLEN + 5];
    hal_oid_t rif = e->nexthop;
    size_t i;

    snprintf(prefix, sizeof prefix, "%s/%u", hal_ip_format(&e->prefix, p),
             e->prefix_len);
    snprintf(nh, sizeof nh, "connected");
    for (i = 0; i < rd->n_nexthops; i++) {
        if (rd->nexthops[i].oid == e->nexthop) {
            hal_ip_format(&rd->nexthops[i].c.ip, nh);
            rif = rd->nexthops[i].c.rif;
        }
    }
    ds_put_format(out, "%-16s %-24s %-24s %s\n", router_name(rd, e->router),
                  prefix, nh, rif_ls(rd, rif, ls));
}

/* The other VTEPs' ARP source MACs (Arp_Sources_Remote), if any router
 * has some. */
static void
dump_peers(const struct rd *rd, struct ds *out)
{
    bool header = false;
    size_t i, j;

    for (i = 0; i < rd->n_routers; i++) {
        const struct hal_router_config *c = &rd->routers[i].c;

        for (j = 0; j < c->n_peers && j < HAL_ROUTER_PEERS_MAX; j++) {
            char vtep[INET_ADDRSTRLEN];

            if (!header) {
                ds_put_format(out, "\n%-16s %-17s %s\n", "ROUTER",
                              "PEER ARP MAC", "VTEP");
                header = true;
            }
            inet_ntop(AF_INET, &c->peers[j].vtep, vtep, sizeof vtep);
            ds_put_format(out, "%-16s " HAL_MAC_FMT " %s\n", c->name,
                          HAL_MAC_ARGS(&c->peers[j].mac), vtep);
        }
    }
}

static void
put_all(struct rd *rd, struct ds *out)
{
    char ip[HAL_IP_STRLEN], ls[HAL_NAME_MAX];
    size_t i;

    ds_put_format(out, "%-16s %-24s %-24s %s\n", "ROUTER", "PREFIX",
                  "NEXT HOP", "LS");
    for (i = 0; i < rd->n_routes; i++) {
        put_route(rd, &rd->routes[i], out);
    }
    ds_put_format(out, "\n%-16s %-24s %-17s %5s %-9s %-5s %s\n", "ROUTER",
                  "INTERFACE", "MAC", "MTU", "NEIGH_AGE", "RA", "LS");
    for (i = 0; i < rd->n_rifs; i++) {
        const struct rd_rif *r = &rd->rifs[i];
        char addr[HAL_IP_STRLEN + 5];
        size_t j;

        snprintf(addr, sizeof addr, "%s/%u", hal_ip_format(&r->c.ip, ip),
                 r->c.prefix_len);
        for (j = 0; j < rd->n_routers; j++) {
            const struct hal_router_config *c = &rd->routers[j].c;

            if (rd->routers[j].oid == r->c.router) {
                char age[16] = "default", ra[16] = "off";

                if (c->neigh_timeout_s) {
                    snprintf(age, sizeof age, "%us", c->neigh_timeout_s);
                }
                if (c->ra_interval_s && r->c.ip.family == AF_INET6) {
                    snprintf(ra, sizeof ra, "%us", c->ra_interval_s);
                } else if (r->c.ip.family != AF_INET6) {
                    snprintf(ra, sizeof ra, "-");
                }
                ds_put_format(
                    out, "%-16s %-24s " HAL_MAC_FMT " %5u %-9s %-5s %s\n",
                    c->name, addr, HAL_MAC_ARGS(&c->mac), hal_router_mtu(c),
                    age, ra, rif_ls(rd, r->oid, ls));
            }
        }
    }
    ds_put_format(out, "\n%-16s %-39s %-17s %s\n", "LS", "NEIGHBOUR", "MAC",
                  "TYPE");
    for (i = 0; i < rd->n_neighs; i++) {
        const struct hal_rneigh_entry *e = &rd->neighs[i];

        ds_put_format(out, "%-16s %-39s " HAL_MAC_FMT " %s\n",
                      rif_ls(rd, e->rif, ls), hal_ip_format(&e->ip, ip),
                      HAL_MAC_ARGS(&e->mac),
                      e->learned ? "learned" : "static");
    }
    dump_peers(rd, out);
    ds_put_format(out,
                  "\n%-16s %10s %10s %10s %10s %10s %10s %10s %10s %10s "
                  "%10s %10s\n",
                  "ROUTER", "ROUTED", "TTL_EXPIRED", "NO_ROUTE", "UNRESOLVED",
                  "ARP_REQ", "ARP_REPLY", "ICMP_ERR", "ICMP_LIMIT", "ACL_IN",
                  "ACL_OUT", "MTU");
    for (i = 0; i < rd->n_routers; i++) {
        struct hal_router_stats st = { 0 };

        hal_router_stats_get(rd->hal, rd->routers[i].oid, &st);
        ds_put_format(out,
                      "%-16s %10llu %10llu %10llu %10llu %10llu %10llu "
                      "%10llu %10llu %10llu %10llu %10llu\n",
                      rd->routers[i].c.name, (unsigned long long) st.routed,
                      (unsigned long long) st.ttl_expired,
                      (unsigned long long) st.no_route,
                      (unsigned long long) st.unresolved,
                      (unsigned long long) st.arp_requests,
                      (unsigned long long) st.arp_replies,
                      (unsigned long long) st.icmp_errors,
                      (unsigned long long) st.icmp_limited,
                      (unsigned long long) st.acl_denied_in,
                      (unsigned long long) st.acl_denied_out,
                      (unsigned long long) st.mtu_exceeded);
    }
}

int
hal_dump_routes(const struct hal *hal, struct ds *out)
{
    static const struct hal_route_walk walk = {
        router_cb, rif_cb, nexthop_cb, route_cb, rneigh_cb,
    };
    struct rd rd;

    if (!hal_route_supported(hal)) {
        return -EOPNOTSUPP;
    }
    memset(&rd, 0, sizeof rd);
    rd.hal = hal;
    hal_route_walk(hal, &walk, &rd);
    sort_rd = &rd;
    if (rd.n_routers) {
        qsort(rd.routers, rd.n_routers, sizeof *rd.routers, router_cmp);
    }
    if (rd.n_routes) {
        qsort(rd.routes, rd.n_routes, sizeof *rd.routes, route_cmp);
    }
    if (rd.n_neighs) {
        qsort(rd.neighs, rd.n_neighs, sizeof *rd.neighs, neigh_cmp);
    }
    put_all(&rd, out);
    sort_rd = NULL;
    free(rd.routers);
    free(rd.rifs);
    free(rd.nexthops);
    free(rd.routes);
    free(rd.neighs);
    return 0;
}
