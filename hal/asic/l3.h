/* SPDX-License-Identifier: Apache-2.0 */
/* Between route.c (the L3 tables: objects, routes, neighbours, warm
 * restart) and route-pipe.c (the routing step of the pipeline).  The tables
 * are in chip memory (asic-private.h); here are their host-side indexes and
 * the state of the routing step, which lives in process memory. */
#ifndef HAL_ASIC_L3_H
#define HAL_ASIC_L3_H 1

#include "hal/asic/asic-private.h"

#define L3_LENS 129 /* Prefix lengths 0..128. */

/* Slots of the direct-mapped caches of ARP attempts and ICMP destinations
 * (powers of 2); a collision only forgets an earlier entry. */
#define L3_ARP_SLOTS 256
#define L3_ICMP_SLOTS 256

/* Resolution of one (rif, IP) that no neighbour answers yet. */
struct l3_arp_sent {
    uint32_t rif_plus1; /* 0: empty. */
    struct hal_ip ip;
    int64_t at_ms; /* Last request sent, or when resolution failed. */
    uint8_t tries; /* Requests sent in this round. */
    bool failed;   /* Unanswered after L3_ARP_TRIES: host unreachable. */
};

/* A token bucket, in milliseconds of credit. */
struct l3_bucket {
    int64_t credit_ms;
    int64_t last_ms;
};

struct l3_icmp_dst {
    struct hal_ip ip; /* family 0: empty. */
    struct l3_bucket bucket;
};

/* Router advertisements on one bridge (ra.c). */
struct l3_ra {
    int64_t next_ms; /* The next one; 0: not started. */
    int64_t last_ms; /* The last one sent. */
    uint32_t sent;   /* Since it started. */
};

struct asic_l3 {
    struct asic_table t_router;  /* By name. */
    struct asic_table t_rif;     /* By bridge. */
    struct asic_table t_nexthop; /* Not indexed. */
    struct asic_table t_route;   /* By (router, length, prefix). */
    uint32_t *len_count;         /* [router][family 0/1][length]. */
    struct asic_table t_rneigh;  /* By (rif, IP). */
    struct l3_arp_sent arp_sent[L3_ARP_SLOTS];
    struct l3_bucket icmp_all; /* Every ICMP error of the switch. */
    struct l3_icmp_dst icmp_dst[L3_ICMP_SLOTS];
    uint32_t tunnel_mtu; /* hal_asic_route_set_tunnel_mtu(), 0 if none. */
    /* Aging of learned router neighbours (route-pipe.c): per rneigh slot,
     * the last unicast probe and the probes unanswered since the entry was
     * last confirmed; the time of the next sweep. */
    int64_t *probe_ms;
    uint8_t *probe_tries;
    int64_t next_age_ms;
    /* Router advertisements, per bridge index, and when the next is due
     * (0: look again at the next run). */
    struct l3_ra *ra;
    int64_t ra_wake_ms;
    /* Resync marks, per slot (NULL outside a resync). */
    uint8_t *seen_router, *seen_rif, *seen_nexthop, *seen_route, *seen_rneigh;
};

/* route.c */
uint32_t asic_l3_rif_hash(uint32_t bridge);
uint32_t asic_l3_rneigh_hash(uint32_t rif, const struct hal_ip *ip);
/* Returns the rneigh index of (rif, ip), or -1. */
int64_t asic_l3_rneigh_find(const struct hal_asic *, uint32_t rif,
                            const struct hal_ip *ip);
/* Sets (rif, ip) → mac; a learned entry never replaces a static one.
 * Learning confirms a learned entry (its life starts again). */
int asic_l3_rneigh_put(struct hal_asic *, uint32_t rif,
                       const struct hal_ip *ip, const struct hal_mac *mac,
                       bool learned);

/* Frees rneigh slot 'idx'. */
void asic_l3_rneigh_free(struct hal_asic *, uint32_t idx);

/* route-pipe.c */
/* Returns the rif of 'family' on bridge index 'bridge' (else any of its
 * rifs), or -1. */
int64_t asic_l3_bridge_rif(const struct hal_asic *, uint32_t bridge,
                           uint8_t family);
/* A learned entry was just put in rneigh slot 'idx' or confirmed there:
 * forgets its probes and starts the age timer if it is stopped. */
void asic_l3_rneigh_confirmed(struct hal_asic *, uint32_t idx);
/* A router's neighbour timeout changed: the next hal_run() sweeps every
 * learned neighbour against its life. */
void asic_l3_age_soon(struct hal_asic *);

#endif /* hal/asic/l3.h */
