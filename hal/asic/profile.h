/* SPDX-License-Identifier: Apache-2.0 */
/* Platform profiles for the software ASIC: table geometry and capacities,
 * and the front-panel port list.  Built in by name ("trident2", "tomahawk",
 * "lab") or loaded from a JSON file:
 *
 *   {
 *     "name": "my-switch",
 *     "fdb_banks": [ { "entries": 16384, "ways": 4 }, ... ],
 *     "bridges": 4096, "bindings": 8192, "tunnels": 2048,
 *     "flood_entries": 8192, "mcast_groups": 1024, "event_fifo": 4096,
 *     "neigh_entries": 4096,
 *     "ports": [ { "name": "swp1", "speed_mbps": 10000 }, ... ]
 *   }
 *
 * "ports" may instead be { "prefix": "swp", "count": 32, "speed_mbps": N },
 * which names ports swp1..swp32.  "neigh_entries" is optional
 * (HAL_ASIC_DEFAULT_NEIGH); 0 means no suppression.  Each FDB bank may also give a "seed" for
 * its hash; by default every bank gets a different built-in one.
 * "acl_ingress_entries" and "acl_egress_entries" (optional,
 * HAL_ASIC_DEFAULT_ACL_*) size the ACL TCAM of each stage.
 * "router_neighbour_timeout_s" (optional,
 * HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S) is how long a learned router
 * neighbour lives after its last ARP or ND packet; 0 means forever. */
#ifndef HAL_ASIC_PROFILE_H
#define HAL_ASIC_PROFILE_H 1

#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

#define HAL_ASIC_MAX_BANKS 8
#define HAL_ASIC_MAX_WAYS 8
#define HAL_ASIC_MAX_PORTS 1024
#define HAL_ASIC_MAX_BRIDGES 65535 /* Bridge index is 16 bits. */
#define HAL_ASIC_MAX_TUNNELS 65535
#define HAL_ASIC_MAX_FDB (1u << 23)
#define HAL_ASIC_MAX_NEIGH (1u << 20)
#define HAL_ASIC_DEFAULT_NEIGH 4096
/* Routing tables (hal/hal-route.h), each optional in a JSON profile:
 * "routers", "router_interfaces", "next_hops", "routes",
 * "router_neighbours"; 0 means no routing. */
#define HAL_ASIC_MAX_L3 (1u << 20)
#define HAL_ASIC_DEFAULT_ROUTERS 64
#define HAL_ASIC_DEFAULT_RIFS 1024
#define HAL_ASIC_DEFAULT_NEXTHOPS 4096
#define HAL_ASIC_DEFAULT_ROUTES 16384
#define HAL_ASIC_DEFAULT_RNEIGHS 8192
/* SONiC's ARP timeout; Cumulus Linux uses 1080 s, Linux's own reachable
 * time is 30 s (with a garbage collector behind it). */
#define HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S 1800
#define HAL_ASIC_MAX_RNEIGH_TIMEOUT_S (7 * 24 * 3600)
#define HAL_ASIC_MAX_ACL (1u << 20)
#define HAL_ASIC_DEFAULT_ACL_INGRESS 2048
#define HAL_ASIC_DEFAULT_ACL_EGRESS 512

/* The platform a vtepd runs on when none is given. */
#define HAL_ASIC_DEFAULT_PLATFORM "trident2"

/* One hash bank of the L2 table: 'n_buckets' (a power of two) buckets of
 * 'ways' entries each, indexed by a hash of (bridge, MAC) seeded by
 * 'seed'. */
struct hal_asic_bank {
    uint32_t n_buckets;
    uint32_t ways;
    uint32_t seed;
};

struct hal_asic_port_spec {
    char name[HAL_NAME_MAX];
    uint32_t speed_mbps;
};

struct hal_asic_profile {
    char name[32];
    size_t n_banks;
    struct hal_asic_bank banks[HAL_ASIC_MAX_BANKS];
    uint32_t bridges;       /* Bridges, i.e. VNIs in the tunnel map. */
    uint32_t bindings;      /* (port, VLAN) → bridge entries. */
    uint32_t tunnels;       /* Remote VTEPs. */
    uint32_t flood_entries; /* Replication list entries. */
    uint32_t mcast_groups;  /* Multicast MAC groups. */
    uint32_t event_fifo;    /* Depth of the event FIFO. */
    uint32_t neigh_entries; /* Neighbour (host) entries for suppression. */
    uint32_t acl_ingress_entries; /* TCAM entries of the ingress stage. */
    uint32_t acl_egress_entries;  /* TCAM entries of the egress stage. */
    size_t n_ports;
    struct hal_asic_port_spec *ports; /* Owned. */
    uint32_t routers;                 /* Virtual routers. */
    uint32_t rifs;                    /* Router interfaces. */
    uint32_t nexthops;                /* Next hops. */
    uint32_t routes;                  /* LPM routes. */
    uint32_t rneighs;                 /* Router neighbours (L3 host table). */
    uint32_t rneigh_timeout_s;        /* Life of learned ones; 0: no aging. */
};

/* Loads the built-in profile 'name' or, if there is none by that name, the
 * JSON file 'name' (NULL means HAL_ASIC_DEFAULT_PLATFORM).  On success
 * stores a new profile in '*profilep' and returns 0; otherwise returns
 * -ENOENT or -EINVAL and, if 'error' is nonnull, stores a new message in
 * '*error' that the caller frees. */
int hal_asic_profile_load(const char *name, struct hal_asic_profile **profilep,
                          char **error);

/* Returns a new copy of 'profile'. */
struct hal_asic_profile *
hal_asic_profile_clone(const struct hal_asic_profile *profile);

void hal_asic_profile_destroy(struct hal_asic_profile *profile);

/* Replaces the port list with 'n' ports named 'names' (borrowed), keeping
 * the platform's speed of the first port.  Returns 0 or -EINVAL. */
int hal_asic_profile_set_ports(struct hal_asic_profile *profile,
                               const char *const *names, size_t n);

/* Returns the L2 table capacity: the sum of the banks' entries. */
uint32_t hal_asic_profile_fdb_capacity(const struct hal_asic_profile *);

/* Checks limits and geometry.  Returns 0 or -EINVAL with a new message in
 * '*error' (if 'error' is nonnull, '*error' must be NULL or an earlier
 * message, which is freed). */
int hal_asic_profile_validate(const struct hal_asic_profile *profile,
                              char **error);

#endif /* hal/asic/profile.h */
