/* SPDX-License-Identifier: Apache-2.0 */
/* The netdev backend's mirror of its routers (route.c), for the files that
 * program the kernel from it: gateway.c (gateway aliases) and source6.c
 * (the router's own addresses as sources). */
#ifndef HAL_NETDEV_ROUTE_PRIVATE_H
#define HAL_NETDEV_ROUTE_PRIVATE_H 1

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "hal/netdev/netdev-private.h"
#include "lib/util.h"

#define ND_VRF_TABLE 1000 /* Routing table of router 0. */
#define ND_L3_MAX 4096    /* Objects of each kind. */

struct nd_router {
    bool valid;
    struct hal_router_config c;
    int ifindex;
    /* ACL drops of its interfaces counted by nftables rules that have
     * since been replaced (acl.c adds the live ones). */
    uint64_t acl_denied[HAL_ACL_STAGE_N];
    struct nd_snmp6 gone; /* IPv6 counts of its removed interfaces. */
};

struct nd_rif {
    bool valid;
    struct hal_rif_config c;
    struct nd_snmp6 base; /* Its bridge's IPv6 counters when it came. */
    /* Router advertisements on its bridge, if it keeps them (ra.c): the
     * next (0: not started), the last, how many since the start. */
    int64_t ra_next_ms, ra_last_ms;
    uint32_t ra_sent;
};

struct nd_nh {
    bool valid;
    struct hal_nexthop_config c;
};

struct nd_route {
    bool valid;
    struct hal_route_entry e;
};

struct nd_rneigh {
    bool valid;
    struct hal_rneigh_entry e;
};

#define ND_VEC(TYPE, NAME) \
    TYPE *NAME;            \
    size_t n_##NAME

struct nd_l3 {
    const char *unsupported; /* Why the kernel cannot, or NULL. */
    ND_VEC(struct nd_router, routers);
    ND_VEC(struct nd_rif, rifs);
    ND_VEC(struct nd_nh, nhs);
    ND_VEC(struct nd_route, routes);
    ND_VEC(struct nd_rneigh, neighs);
    size_t n_aliases;   /* Gateway aliases in the kernel (gateway.c). */
    size_t n_sources;   /* Own-source drops in the kernel (source6.c). */
    int ra_fd;          /* Router advertisements' socket (ra.c), or -1. */
    int64_t ra_wake_ms; /* When the next is due (0: look at the next run). */
};

/* Returns a free slot of the vector (growing it), or -1 when full. */
#define ND_SLOT(L3, NAME)                                                     \
    ({                                                                        \
        int64_t nd_i__ = -1;                                                  \
        for (size_t nd_j__ = 0; nd_j__ < (L3)->n_##NAME; nd_j__++) {          \
            if (!(L3)->NAME[nd_j__].valid) {                                  \
                nd_i__ = (int64_t) nd_j__;                                    \
                break;                                                        \
            }                                                                 \
        }                                                                     \
        if (nd_i__ < 0 && (L3)->n_##NAME < ND_L3_MAX) {                       \
            (L3)->NAME = xrealloc((L3)->NAME,                                 \
                                  ((L3)->n_##NAME + 1) * sizeof *(L3)->NAME); \
            memset(&(L3)->NAME[(L3)->n_##NAME], 0, sizeof *(L3)->NAME);       \
            nd_i__ = (int64_t) (L3)->n_##NAME++;                              \
        }                                                                     \
        nd_i__;                                                               \
    })

static inline int64_t
slot_of(hal_oid_t oid, enum hal_object_type type, size_t n, const void *vec,
        size_t size)
{
    int64_t i = hal_oid_index(oid, type, n);

    return i >= 0 && *(const bool *) ((const char *) vec + i * size) ? i : -1;
}

#define ND_FIND(L3, NAME, OID, TYPE) \
    slot_of(OID, TYPE, (L3)->n_##NAME, (L3)->NAME, sizeof *(L3)->NAME)

/* Returns the config of the router of 'rif' if 'rif' is valid, else NULL. */
static inline const struct hal_router_config *
rif_router_config(const struct nd_l3 *l3, const struct nd_rif *rif)
{
    int64_t r = rif->valid
                    ? ND_FIND(l3, routers, rif->c.router, HAL_OBJECT_ROUTER)
                    : -1;

    return r < 0 ? NULL : &l3->routers[r].c;
}

/* The VRF device of router 'idx'. */
static inline void
nd_vrf_name(size_t idx, char name[IFNAMSIZ])
{
    snprintf(name, IFNAMSIZ, "vtr%u", (unsigned) (idx % ND_L3_MAX));
}

/* Give the kernel what follows from the routers and their interfaces:
 * each peer's ARP MAC as a gateway alias on the bridges of the router's
 * interfaces (gateway.c); the drops of packets from the routers' own IPv6
 * addresses (source6.c). */
void nd_gateway_sync(struct hal_netdev *);
void nd_source6_sync(struct hal_netdev *);

/* rif.c: adds (or deletes) the link-local address of a router with MAC
 * 'mac' on bridge device 'ifindex' (hal_router_link_local()); gives the
 * bridge of 'rif' neighbour timeout 'timeout_s' of router 'router' (0: the
 * kernel's default), as its base_reachable_time, IPv4 and IPv6. */
void nd_bridge_link_local(struct hal_netdev *, int ifindex,
                          const struct hal_mac *mac, bool add);
void nd_rif_neigh_timeout(const struct nd_rif *, const char *router,
                          uint32_t timeout_s);

/* ra.c: router advertisements.  nd_ra_restart() starts every bridge's
 * again (the next run sends); nd_ra_close() closes the socket. */
void nd_ra_restart(struct hal_netdev *);
/* Sends the final advertisement (router lifetime 0) on every bridge where
 * router 'router' advertised (only on 'bridge', unless it is 0), with the
 * router's config as the mirror has it. */
void nd_ra_cease(struct hal_netdev *, hal_oid_t router, hal_oid_t bridge);
void nd_ra_close(struct hal_netdev *);

static inline void
nd_router_chains_sync(struct hal_netdev *nd)
{
    nd_gateway_sync(nd);
    nd_source6_sync(nd);
}

#endif /* hal/netdev/route-private.h */
