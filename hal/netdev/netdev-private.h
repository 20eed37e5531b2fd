/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the netdev backend, shared by its files, top to bottom:
 *
 *   netdev.c   the provider table and the lifecycle: open, close, run
 *   switch.c   switch attributes, ports, counters and resources
 *   resync.c   recognising earlier state on open, resync, clearing
 *   monitor.c  notifications: learned MACs and port link state
 *   snoop.c    IP learning and suppression counters from ARP/NS on ports
 *   l2.c       bridges (Linux bridge + VXLAN device) and bindings
 *   fdb.c      static FDB entries, flood lists, multicast groups, tunnels
 *   bfd.c      BFD sessions and their sockets beside the VXLAN devices
 *   names.c    names and tags of kernel objects (netdev.h)
 *   nl.c       the rtnetlink transport (nl.h), which calls nothing above
 *
 * A file calls only files below it, except that l2.c and fdb.c call each
 * other (a bridge owns its FDB; an FDB entry needs its bridge and binding).
 * Nothing calls netdev.c, and nl.c knows nothing of 'struct hal_netdev'.
 *
 * The backend keeps a mirror of everything it programmed (and everything
 * the bridges learned on bound ports).  Calls compare against the mirror,
 * so an entry that is already right costs no netlink message, and walks
 * and dumps never ask the kernel. */
#ifndef HAL_NETDEV_NETDEV_PRIVATE_H
#define HAL_NETDEV_NETDEV_PRIVATE_H 1

#include <net/if.h>

#include "hal/hal-provider.h"
#include "hal/netdev/netdev.h"
#include "hal/netdev/nl.h"
#include "lib/hmap.h"
#include "lib/util.h"

/* A front-panel port: a Linux interface named on the command line. */
struct nd_port {
    char name[IFNAMSIZ];
    int ifindex; /* 0 while the interface does not exist. */
    bool oper_up;
    uint32_t speed_mbps;
};

/* A HAL bridge: Linux bridge "vtbN" plus, with a VNI, VXLAN device
 * "vtxN". */
struct nd_bridge {
    struct hmap_node node; /* In 'bridges', by index. */
    uint32_t index;        /* N; the object id's low bits. */
    struct hal_bridge_config config;
    int br_ifindex;
    int vx_ifindex;    /* 0 when the bridge has no VNI. */
    struct hmap fdb;   /* struct nd_fdb, by MAC. */
    struct hmap mcast; /* struct nd_mcast, by MAC. */

    /* The flood lists as the caller set them, one per traffic class. */
    struct in_addr *flood[HAL_FLOOD_N];
    size_t n_flood[HAL_FLOOD_N];
    bool flood_seen[HAL_FLOOD_N]; /* Resync marks. */

    /* The all-zero-MAC entries on the VXLAN device: the kernel has one
     * default destination list for every class of BUM traffic. */
    struct in_addr *bum;
    size_t n_bum;
    uint32_t n_local_static; /* Static entries toward local bindings. */
    struct hal_neigh_stats neigh_stats; /* snoop.c. */
    bool seen;
};

struct nd_fdb {
    struct hmap_node node; /* In its bridge's 'fdb'. */
    struct hal_fdb_entry e;
    int ifindex; /* Local entries: the binding's interface. */
    bool seen;
    /* A router peer's ARP MAC (nd_fdb_peer_add()), not the HAL client's:
     * left out of walks and resync sweeps. */
    bool peer;
};

struct nd_mcast {
    struct hmap_node node; /* In its bridge's 'mcast'. */
    struct hal_mac mac;
    struct in_addr *remotes;
    size_t n_remotes;
    bool seen;
};

struct nd_binding {
    struct hmap_node node;    /* In 'bindings', by (port, vlan). */
    struct hmap_node if_node; /* In 'bindings_by_ifindex'. */
    uint32_t port;            /* Index into 'ports'. */
    uint16_t vlan;
    hal_oid_t bridge;
    int ifindex; /* The port itself, or its 802.1Q sub-interface. */
    bool seen;
};

/* A remote VTEP, counted by the entries and lists that name it. */
struct nd_tunnel {
    struct hmap_node node;
    struct in_addr ip;
    uint32_t refs;
};

/* BFD (bfd.c): the sessions and the sockets that carry their frames. */
struct nd_bfd {
    struct hal_bfd_sessions sessions;
    int rx_fd;          /* AF_PACKET, filtered to BFD in VXLAN VNI 0; or -1. */
    int tx_fd;          /* UDP, to the remotes' VXLAN port; or -1. */
    uint64_t rx_frames; /* Handed to a session. */
    uint64_t rx_bad;    /* Passed the filter, refused after it. */
    uint64_t tx_errors;
};

struct hal_netdev {
    struct hal up;
    struct nd_nl nl;     /* Requests and dumps. */
    struct nl_sock *mon; /* RTNLGRP_LINK and RTNLGRP_NEIGH (monitor.c). */
    int epoll_fd;        /* hal_poll_fd(): 'mon' and the packet sockets. */
    struct nd_bfd bfd;
    int snoop_fd;                /* snoop.c: ARP and NS from ports, or -1. */
    struct nd_snoop_slot *snoop; /* snoop.c: what IP learning reported. */

    struct hal_switch_config sw;
    struct nd_port *ports;
    size_t n_ports;

    struct hmap bridges;
    struct hmap bindings;
    struct hmap bindings_by_ifindex;
    struct hmap tunnels;
    uint32_t n_fdb, n_flood, n_mcast;
    struct hmap neighs; /* neigh.c's: neighbour entries programmed. */

    struct nd_l3 *l3; /* route.c's: VRFs, addresses, routes. */

    bool clear_on_close;
    bool resyncing;
    bool vlan_unsupported;
    bool prio_tags_unsupported; /* No tc flower or act_vlan (prio-tags.c). */
    struct nd_acl *acl;         /* acl.c's. */
    struct nd_counters4 *c4;    /* counters4.c's, or NULL before a router. */
};

static inline struct hal_netdev *
nd_cast(const struct hal *hal)
{
    return container_of(hal, struct hal_netdev, up);
}

/* Object ids: a bridge's value is its index N ("vtbN"), a port's its
 * position in 'ports'. */
static inline hal_oid_t
nd_bridge_oid(uint32_t index)
{
    return hal_oid_make(HAL_OBJECT_BRIDGE, index);
}

static inline hal_oid_t
nd_port_oid(uint32_t index)
{
    return hal_oid_make(HAL_OBJECT_PORT, index);
}

/* Returns the index of port 'oid', or -1. */
static inline int64_t
nd_port_index(const struct hal_netdev *nd, hal_oid_t oid)
{
    return hal_oid_index(oid, HAL_OBJECT_PORT, nd->n_ports);
}

/* ---- l2.c --------------------------------------------------------------- */

struct nd_bridge *nd_bridge_find(const struct hal_netdev *, hal_oid_t);
struct nd_bridge *nd_bridge_by_ifindex(const struct hal_netdev *, int ifindex);
struct nd_bridge *nd_bridge_alloc(struct hal_netdev *, uint32_t index);
void nd_bridge_free(struct hal_netdev *, struct nd_bridge *);
struct nd_binding *nd_binding_find(const struct hal_netdev *, uint32_t port,
                                   uint16_t vlan);
struct nd_binding *nd_binding_by_ifindex(const struct hal_netdev *,
                                         int ifindex);
void nd_binding_insert(struct hal_netdev *, struct nd_binding *);
/* Detaches 'b' from its bridge in the kernel (requests go into 'batch'),
 * reports what was learned on it as flushed, and frees it. */
void nd_binding_destroy(struct hal_netdev *, struct nd_binding *,
                        struct nd_batch *batch);
/* The bridges' ageing time in centiseconds, from the switch's aging time. */
uint32_t nd_bridge_ageing_cs(const struct hal_netdev *);

int nd_bridge_set(struct hal *, const struct hal_bridge_config *, hal_oid_t *);
int nd_bridge_remove(struct hal *, hal_oid_t);
int nd_bridge_get(const struct hal *, hal_oid_t, struct hal_bridge_config *);
void nd_bridge_walk(const struct hal *, hal_bridge_walk_cb *, void *);
int nd_binding_set(struct hal *, const struct hal_binding *, size_t,
                   int *status);
int nd_binding_remove(struct hal *, const struct hal_binding *, size_t,
                      int *status);
void nd_binding_walk(const struct hal *, hal_binding_walk_cb *, void *);

/* ---- snmp6.c ------------------------------------------------------------- */

/* What the netdev backend's routers count from an interface's IPv6
 * counters. */
struct nd_snmp6 {
    uint64_t forwarded;   /* Ip6OutForwDatagrams: routed out of it. */
    uint64_t hdr_errors;  /* Ip6InHdrErrors: hop limit exceeded among them. */
    uint64_t no_route;    /* Ip6InNoRoutes (charged to the interface a
                           * packet came in by, also in a VRF). */
    uint64_t icmp_errors; /* Destination unreachable, time exceeded and
                           * packet too big sent. */
};

/* Reads the counters of interface 'dev' into '*c' (zeros on failure).
 * Returns 0 or a negative errno (-ENOENT: no such interface, or IPv6 off
 * on it). */
int nd_snmp6_read(const char *dev, struct nd_snmp6 *c);
/* Adds to '*sum' what the counters went up by from 'base' to 'now'. */
void nd_snmp6_add_delta(struct nd_snmp6 *sum, const struct nd_snmp6 *now,
                        const struct nd_snmp6 *base);

/* ---- fdb.c -------------------------------------------------------------- */

struct nd_fdb *nd_fdb_find(const struct nd_bridge *, const struct hal_mac *);
struct nd_fdb *nd_fdb_insert(struct hal_netdev *, struct nd_bridge *,
                             const struct hal_fdb_entry *);
void nd_fdb_delete(struct hal_netdev *, struct nd_bridge *, struct nd_fdb *);
/* A router peer's ARP MAC (hal_router_peer) in bridge 'br': a static
 * entry toward the peer's VTEP, so that local hosts' replies to its
 * requests go there.  An entry the HAL's client set for the same MAC is
 * left alone (and wins); one loaded from the kernel by a warm start and
 * not replayed (yet) is taken over, and pointed at 'vtep' if it is not.
 * Returns 0 or a negative errno. */
int nd_fdb_peer_add(struct hal_netdev *, struct nd_bridge *br,
                    const struct hal_mac *, struct in_addr vtep);
/* Removes the entry nd_fdb_peer_add() made for 'mac' in 'br', if any. */
void nd_fdb_peer_remove(struct hal_netdev *, struct nd_bridge *br,
                        const struct hal_mac *);
struct nd_mcast *nd_mcast_find(const struct nd_bridge *,
                               const struct hal_mac *);
void nd_mcast_delete(struct hal_netdev *, struct nd_bridge *,
                     struct nd_mcast *);
/* Returns a sorted copy of 'ips' without duplicates, and its length in
 * '*n'.  The caller frees it. */
struct in_addr *nd_ips_sorted(const struct in_addr *ips, size_t *n);
void nd_tunnel_ref(struct hal_netdev *, struct in_addr);
void nd_tunnel_unref(struct hal_netdev *, struct in_addr);
/* Reprograms the all-zero entries of 'br' from its flood lists.  Returns 0
 * or the first error. */
int nd_flood_sync(struct hal_netdev *, struct nd_bridge *);
/* Adds every entry of 'br' that lives on its VXLAN device (after the
 * device was recreated). */
void nd_bridge_replay_vxlan(struct hal_netdev *, struct nd_bridge *);
/* Flushes learned entries; 'bridge', 'ifindex' 0 match all.  Reports each
 * as HAL_EVENT_FDB_FLUSHED; with 'kernel', also deletes them there. */
void nd_fdb_flush_learned(struct hal_netdev *, struct nd_bridge *bridge,
                          int ifindex, bool kernel);
void nd_bridge_clear_tables(struct hal_netdev *, struct nd_bridge *);

int nd_fdb_set(struct hal *, const struct hal_fdb_entry *, size_t,
               int *status);
int nd_fdb_remove(struct hal *, const struct hal_fdb_entry *, size_t,
                  int *status);
int nd_fdb_flush(struct hal *, const struct hal_fdb_flush *);
int nd_flood_set(struct hal *, const struct hal_flood_group *, size_t,
                 int *status);
int nd_mcast_set(struct hal *, const struct hal_flood_group *, size_t,
                 int *status);
int nd_mcast_remove(struct hal *, const struct hal_flood_group *, size_t,
                    int *status);
void nd_fdb_walk(const struct hal *, hal_oid_t, hal_fdb_walk_cb *, void *);
void nd_flood_walk(const struct hal *, hal_flood_walk_cb *, void *);

/* ---- switch.c ----------------------------------------------------------- */

void nd_switch_get(const struct hal *, struct hal_switch_config *);
int nd_switch_set(struct hal *, const struct hal_switch_config *);
size_t nd_port_count(const struct hal *);
int nd_port_get(const struct hal *, size_t index, struct hal_port_info *);
int nd_binding_stats_get(const struct hal *, hal_oid_t port, uint16_t vlan,
                         struct hal_binding_stats *);
void nd_resources_get(const struct hal *, struct hal_resource[]);

/* ---- monitor.c ---------------------------------------------------------- */

/* Opens 'nd->mon', subscribed to link and neighbour notifications. */
int nd_monitor_open(struct hal_netdev *);
/* Closes 'nd->mon'.  Accepts one that was never opened. */
void nd_monitor_close(struct hal_netdev *);
/* Handles every notification waiting on 'nd->mon'. */
void nd_monitor_run(struct hal_netdev *);
/* Handles one bridge FDB entry from a notification or a dump.  'deleted'
 * for RTM_DELNEIGH. */
void nd_monitor_neigh(struct hal_netdev *, const struct nd_neigh_info *,
                      bool deleted);
/* Re-reads learned entries and port states after lost notifications. */
void nd_monitor_reread(struct hal_netdev *);

/* ---- resync.c ----------------------------------------------------------- */

/* Takes back what the router interfaces of an earlier run gave the bridges
 * that VRFs 'vrfs' (ifindexes, 'n' of them) still hold: their global
 * addresses and IPv4 forwarding.  The caller deletes the VRFs after (with
 * them go the routes in their tables); the replay gives the interfaces
 * still wanted their addresses again. */
void nd_resync_rif_addrs(struct hal_netdev *, const int *vrfs, size_t n);

/* Rebuilds the mirror from what an earlier run left in the kernel; sets
 * '*warm' if it found anything.  With 'cold', deletes it instead. */
int nd_state_load(struct hal_netdev *, bool cold, bool *warm);
/* Deletes every kernel object the backend owns. */
void nd_state_clear(struct hal_netdev *);
int nd_resync_begin(struct hal *);
int nd_resync_end(struct hal *);

/* ---- snoop.c ----------------------------------------------------------- */

/* Opens the socket that reads ARP and NS from bound ports, in the epoll
 * set.  Returns 0 or a negative errno (then there is no IP learning and
 * the counters stay 0; the backend works otherwise). */
int nd_snoop_open(struct hal_netdev *);
/* Closes it.  Accepts one that never opened. */
void nd_snoop_close(struct hal_netdev *);
/* Reads what waits: learns IPs (events) and counts requests. */
void nd_snoop_run(struct hal_netdev *, int64_t now);
int nd_neigh_stats_get(const struct hal *, hal_oid_t bridge,
                       struct hal_neigh_stats *);

/* ---- bfd.c ------------------------------------------------------------- */

/* Empties the session table; no socket is open until the first session. */
void nd_bfd_init(struct hal_netdev *);
/* Frees the sessions and closes the sockets. */
void nd_bfd_destroy(struct hal_netdev *);
int nd_bfd_set(struct hal *, const struct hal_bfd_config *, hal_oid_t *);
int nd_bfd_remove(struct hal *, hal_oid_t);
int nd_bfd_get(const struct hal *, hal_oid_t, struct hal_bfd_info *);
/* Reads the frames waiting on the receive socket, then runs the sessions'
 * timers at 'now', sending what is due. */
void nd_bfd_run(struct hal_netdev *, int64_t now);
/* ra.c: sends the router advertisements that are due and reads the
 * solicitations; nd_ra_next_wake() is when the next is due. */
void nd_ra_run(struct hal_netdev *, int64_t now);
int64_t nd_ra_next_wake(const struct hal_netdev *);
/* Returns when nd_bfd_run() next has timer work, INT64_MAX if never. */
int64_t nd_bfd_next_wake(const struct hal_netdev *);
/* Follows a change of the switch's VXLAN port (the receive filter). */
void nd_bfd_switch_changed(struct hal_netdev *);

/* neigh.c: neighbour entries (ARP/ND suppression). */
int nd_neigh_set(struct hal *, const struct hal_neigh_entry *, size_t n,
                 int *status);
int nd_neigh_remove(struct hal *, const struct hal_neigh_entry *, size_t n,
                    int *status);
void nd_neigh_walk(const struct hal *, hal_oid_t bridge, hal_neigh_walk_cb *cb,
                   void *aux);
/* Forgets the entries of bridge index 'bridge' (its devices went, and the
 * kernel's entries with them). */
void nd_neigh_bridge_gone(struct hal_netdev *, uint32_t bridge);
/* Queues in 'batch' what the new VXLAN device of 'br' needs for the
 * bridge's neighbour entries: neigh_suppress, their MACs' FDB entries and
 * the neighbours themselves again. */
struct nd_batch;
void nd_neigh_replay_vxlan(struct hal_netdev *, const struct nd_bridge *br,
                           struct nd_batch *batch);
/* Forgets every entry and frees the map. */
void nd_neigh_destroy_all(struct hal_netdev *);
/* Returns true if bridge index 'bridge' has a neighbour entry for 'ip'. */
bool nd_neigh_known(const struct hal_netdev *, uint32_t bridge,
                    const struct hal_ip *ip);
/* Reads the permanent neighbours of the bridges an earlier run left into
 * the mirror (resync.c). */
int nd_neigh_load(struct hal_netdev *);
/* Resync: forget the marks; then remove the entries not set since. */
void nd_neigh_resync_begin(struct hal_netdev *);
void nd_neigh_resync_end(struct hal_netdev *);

/* route-msg.c: the requests of route.c (NULL if out of memory). */
/* Creates VRF device 'name', up, for routing table 'table'. */
struct nl_msg *nd_msg_vrf_add(const char *name, uint32_t table);
/* Sets the MAC and the MTU of 'ifindex' (a bridge with a router
 * interface: the router's MAC and its interfaces' MTU). */
struct nl_msg *nd_msg_link_router(int ifindex, const struct hal_mac *mac,
                                  uint32_t mtu);
/* Adds (or deletes) address 'ip'/'len' on 'ifindex'. */
struct nl_msg *nd_msg_addr(int ifindex, const struct hal_ip *ip, uint8_t len,
                           bool add);
/* The metric of a VRF table's last route, "unreachable default": the
 * highest, as the kernel's VRF documentation recommends. */
#define ND_VRF_UNREACHABLE_METRIC 4278198272u
/* Adds "unreachable default" of 'family' to 'table': a VRF's lookup that
 * finds nothing there must end there, not go on to the main table's
 * default route (out of the management port). */
struct nl_msg *nd_msg_route_unreachable(uint32_t table, int family);
/* Adds (replacing) or deletes the route of 'e' in 'table', out of 'oif'
 * through 'gw' (NULL: on link). */
struct nl_msg *nd_msg_route(uint32_t table, const struct hal_route_entry *e,
                            int oif, const struct hal_ip *gw, bool add);

/* route.c: routing in VRFs (hal/hal-route.h). */
struct nd_l3;
/* Sets up 'nd->l3': probes the kernel for VRF, deletes stale VRFs. */
void nd_l3_init(struct hal_netdev *);
/* Frees 'nd->l3'; with 'clear', deletes the VRF devices too. */
void nd_l3_destroy(struct hal_netdev *, bool clear);
void nd_l3_resources(const struct hal_netdev *, struct hal_resource[]);
/* Forgets the interfaces on 'bridge', whose devices went. */
void nd_l3_bridge_gone(struct hal_netdev *, hal_oid_t bridge);
/* Puts back the FDB entry of router peer 'mac' in 'br' if a router with an
 * interface there has that peer (after the HAL client's own entry for the
 * MAC went). */
void nd_l3_peer_restore(struct hal_netdev *, struct nd_bridge *br,
                        const struct hal_mac *mac);
const char *nd_route_unsupported(const struct hal *);
/* For acl.c: returns the index of router interface 'oid', or -1. */
int64_t nd_rif_valid(const struct hal_netdev *, hal_oid_t oid);
/* Writes the bridge device of router interface 'oid' to 'name'.  Returns
 * 0 or -ENOENT. */
/* Returns the router of router interface 'oid', or HAL_OID_NULL. */
hal_oid_t nd_rif_router(const struct hal_netdev *, hal_oid_t oid);
/* Adds 'n' to the ACL drops at 'stage' that 'router' keeps for its
 * replaced nftables rules (no router: nothing). */
void nd_router_acl_denied_add(struct hal_netdev *, hal_oid_t router,
                              enum hal_acl_stage stage, uint64_t n);
int nd_rif_bridge_ifname(const struct hal_netdev *, hal_oid_t oid,
                         char name[IFNAMSIZ]);
/* Appends "ROUTER IP/LEN" of router interface 'oid' to 'out'. */
void nd_rif_format(const struct hal_netdev *, hal_oid_t oid, struct ds *out);
int nd_router_set(struct hal *, const struct hal_router_config *, hal_oid_t *);
int nd_router_remove(struct hal *, hal_oid_t);
int nd_rif_create(struct hal *, const struct hal_rif_config *, hal_oid_t *);
int nd_rif_remove(struct hal *, hal_oid_t);
int nd_nexthop_create(struct hal *, const struct hal_nexthop_config *,
                      hal_oid_t *);
int nd_nexthop_remove(struct hal *, hal_oid_t);
int nd_route_set(struct hal *, const struct hal_route_entry *, size_t,
                 int *status);
int nd_route_remove(struct hal *, const struct hal_route_entry *, size_t,
                    int *status);
int nd_rneigh_set(struct hal *, const struct hal_rneigh_entry *, size_t,
                  int *status);
int nd_rneigh_remove(struct hal *, const struct hal_rneigh_entry *, size_t,
                     int *status);
int nd_router_stats_get(const struct hal *, hal_oid_t,
                        struct hal_router_stats *);
void nd_route_walk(const struct hal *, const struct hal_route_walk *, void *);

/* counters4.c: routers' IPv4 counters, nftables rules in the inet table
 * of the ACLs (docs/routing.md, "netdev: counters"). */
/* Gives the router of VRF 'vrf' ('add') chains that count its IPv4, from
 * zero, or deletes them.  Returns 0 or a negative errno (-EOPNOTSUPP
 * without nftables; the router then counts IPv6 only). */
int nd_counters4_router(struct hal_netdev *, const char *vrf, bool add);
/* Adds to 'stats' what the chains of the router of VRF 'vrf' counted.
 * Returns 0 or a negative errno ('stats' then unchanged). */
int nd_counters4_add(const struct hal_netdev *, const char *vrf,
                     struct hal_router_stats *stats);
/* Frees 'nd->c4' (the chains go with the ACLs' table). */
void nd_counters4_destroy(struct hal_netdev *);

/* counters-arp.c: routers' ARP counters.  The device group of the bridges
 * of router 'IDX''s interfaces, which its counters match. */
#define ND_ROUTER_GROUP(IDX) (0x76740000u + (uint32_t) (IDX))
/* Makes (or with '!add' deletes) the counters of router 'idx' (its slot).
 * Returns 0 or a negative errno (-EOPNOTSUPP: no nftables arp family). */
int nd_counters_arp_router(struct hal_netdev *, size_t idx, bool add);
/* Adds what router 'idx' sent to 'stats' (arp_requests, arp_replies). */
void nd_counters_arp_add(const struct hal_netdev *, size_t idx,
                         struct hal_router_stats *stats);

/* acl.c: ACLs in the nftables bridge family. */
struct ds;
/* The default rule capacity of each ACL stage (nftables rules). */
#define ND_ACL_DEFAULT_INGRESS 2048
#define ND_ACL_DEFAULT_EGRESS 512
#define ND_ACL_MAX_CAPACITY (1u << 24)
/* Reads the ACL capacities of the netdev platform string 'platform' (NULL,
 * or comma-separated "acl_ingress_entries=N", "acl_egress_entries=N") into
 * 'capacity', the defaults for what it does not give.  Returns 0 or
 * -EINVAL after logging why. */
int nd_acl_platform(const char *platform, uint32_t capacity[HAL_ACL_STAGE_N]);
/* Sets up 'nd->acl', with 'capacity' rules per stage, and the kernel's
 * table; without nftables, ACL calls answer -EOPNOTSUPP. */
void nd_acl_init(struct hal_netdev *,
                 const uint32_t capacity[HAL_ACL_STAGE_N]);
/* The nftables table of the ACLs (in the bridge, inet and arp families)
 * and of the gateway aliases (bridge family, chain "gateway"). */
#define ND_NFT_TABLE "vtepd"
/* The NETLINK_NETFILTER socket of 'nd->acl', or -1 without nftables. */
int nd_acl_nft_fd(const struct hal_netdev *);
/* Whether the ACLs' arp table exists (the kernel has the arp family). */
bool nd_acl_has_arp(const struct hal_netdev *);
/* Frees 'nd->acl'; with 'clear', deletes the kernel's table. */
void nd_acl_destroy(struct hal_netdev *, bool clear);
void nd_acl_resources(const struct hal_netdev *, struct hal_resource res[]);
/* Hooks the ACLs into a bridge made after them (see acl.c). */
void nd_acl_bridge_created(struct hal_netdev *);
/* Gives the 802.1Q sub-interfaces just made the egress chains of their
 * ACL bindings, which went with the ones they replace (acl-egress.c). */
void nd_acl_subifs_made(struct hal_netdev *);
/* Adds to 'b' the base chains of the ACLs' table in 'b''s family and their
 * jumps: "forward" (with 'tags', in the bridge family, to tags.c's chains
 * too) and, in the bridge family, "output" (with 'na_egress', where
 * neighbour advertisements return first: the ports' egress hooks filter
 * them, acl-egress.c).  _renew() deletes them first, so that their hooks
 * are registered anew. */
struct nft_buf;
void nd_acl_base_chain(struct nft_buf *b, bool tags, bool na_egress);
void nd_acl_base_chain_renew(struct nft_buf *b, bool tags, bool na_egress);

/* tags.c: 802.1Q tags on the bridges, checked as the switch does. */
#define ND_TAGS_IN "tags-in"
#define ND_TAGS_OUT "tags-out"
/* Adds the chains to the bridge family's table on 'fd' and hooks them
 * into its base chains (renewed with 'na_egress').  Returns false (after
 * logging why) if the kernel refused them. */
bool nd_tags_init(int fd, bool na_egress);
/* Rebuilds the checks of the untagged bindings, after they changed. */
void nd_tags_sync(struct hal_netdev *);
/* Appends to 'out' the frames the chains dropped, one line. */
void nd_tags_dump(const struct hal_netdev *, struct ds *out);

/* prio-tags.c: the port 'ifindex' of an untagged binding pops priority
 * tags (VLAN ID 0) at ingress from now on, if the kernel can; and no
 * longer, through 'batch'. */
void nd_prio_tags_add(struct hal_netdev *, int ifindex);
void nd_prio_tags_del(struct hal_netdev *, int ifindex, struct nd_batch *);

/* Removes the bindings of router interface 'oid' (route.c, as it goes). */
void nd_acl_rif_gone(struct hal_netdev *, hal_oid_t oid);
/* Returns the routed packets that the ACLs bound at 'stage' to the
 * interfaces of 'router' dropped, as the nftables rules in place count
 * them (0 without router interface ACLs). */
uint64_t nd_acl_router_denied(const struct hal_netdev *, hal_oid_t router,
                              enum hal_acl_stage stage);
int nd_acl_table_set(struct hal *, const struct hal_acl_table_config *,
                     hal_oid_t *);
int nd_acl_table_remove(struct hal *, hal_oid_t);
int nd_acl_counters_get(const struct hal *, hal_oid_t, uint64_t *, size_t);
int nd_acl_bind_set(struct hal *, const struct hal_acl_binding *, size_t,
                    int *);
int nd_acl_bind_remove(struct hal *, const struct hal_acl_binding *, size_t,
                       int *);
void nd_acl_dump(const struct hal *, struct ds *);

#endif /* hal/netdev/netdev-private.h */
