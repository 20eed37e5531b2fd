/* SPDX-License-Identifier: Apache-2.0 */
/* Routing in the HAL: the switch as an L3 gateway between its bridges
 * (hardware_vtep's Logical_Router).  Objects after SAI:
 *
 *   router    A virtual router (VRF) with its router MAC: frames to that MAC
 *             on a bridge that has one of its interfaces are routed.
 *   rif       A router interface: a router's port on a bridge, with the
 *             interface address and its prefix (the connected subnet).
 *   rneigh    A router neighbour, (rif, IP) → MAC: the L3 host table.  The
 *             backend also resolves addresses itself (ARP), and falls back
 *             to the bridge's suppression entries (hal_neigh_set()).
 *   nexthop   A next hop: an IP address reached through a rif.
 *   route     (router, prefix) → a next hop, or a rif for a connected
 *             route (the destination itself is then the next hop).
 *             Lookups take the longest matching prefix.
 *
 * Routers, rifs and next hops are objects with ids (single calls); routes
 * and router neighbours are table entries keyed by their natural keys (bulk
 * calls with a status per entry, as in hal/hal.h).  Each is a finite table
 * in hal_resources_get() (HAL_TABLE_ROUTER ... HAL_TABLE_RNEIGH).
 *
 * A backend without routing leaves the provider callbacks NULL: every call
 * returns -EOPNOTSUPP and hal_route_supported() is false.  Removing an
 * object removes what depends on it: a router its rifs and routes, a rif
 * its next hops, neighbours and routes, a bridge its rifs. */
#ifndef HAL_HAL_ROUTE_H
#define HAL_HAL_ROUTE_H 1

#include "hal/hal.h"

/* Returns true if 'hal''s backend routes (has the router callbacks). */
bool hal_route_supported(const struct hal *hal);

/* Returns a short reason why 'hal' cannot route (static string), or NULL if
 * it can.  A backend may support routing in general and still lack it on
 * this host (the netdev backend without VRF in the kernel). */
const char *hal_route_unsupported_reason(const struct hal *hal);

/* The most remote VTEPs' ARP source MACs a router knows. */
#define HAL_ROUTER_PEERS_MAX 64

/* Another VTEP of a distributed router (Arp_Sources_Remote): the source MAC
 * of the ARP requests it makes for the router, and its tunnel IP. */
struct hal_router_peer {
    struct hal_mac mac;
    uint8_t pad[2];
    struct in_addr vtep;
};

/* The IP MTU of a router's interfaces unless its config says otherwise
 * (hal_router_config's 'mtu'), a switch's default for an SVI.  A routed
 * packet larger than it (or than the VXLAN tunnel's inner MTU, if smaller,
 * when it leaves in VXLAN) is dropped; the backend counts it in
 * mtu_exceeded.  The least is IPv6's minimum link MTU (RFC 8200), the
 * most a common switch ASIC's jumbo frame. */
#define HAL_RIF_MTU 1500
#define HAL_RIF_MTU_MIN 1280
#define HAL_RIF_MTU_MAX 9216

/* The longest neighbour timeout a router takes: a week. */
#define HAL_ROUTER_NEIGH_TIMEOUT_MAX (7 * 24 * 3600)

/* The range of a router's interval between IPv6 router advertisements,
 * RFC 4861 6.2.1's MaxRtrAdvInterval, in seconds. */
#define HAL_ROUTER_RA_INTERVAL_MIN 4
#define HAL_ROUTER_RA_INTERVAL_MAX 1800
/* The most DNS servers a router advertises (radvd's limit too). */
#define HAL_RA_DNS_MAX 3

struct hal_router_config {
    char name[HAL_NAME_MAX]; /* The Logical_Router's name. */
    struct hal_mac mac;      /* Router MAC: routed frames go to it. */
    struct hal_mac arp_mac;  /* Source MAC of the switch's own ARP requests
                              * (Arp_Sources_Local), or the router MAC. */
    /* The other VTEPs' ARP source MACs: an ARP packet to one of them goes
     * to that VTEP (it answers a request the VTEP made), in VXLAN with the
     * bridge's VNI; an IP packet to one (a host that took it for its
     * gateway's MAC) is routed here, like one to 'mac'.  Zero the unused
     * entries. */
    uint32_t n_peers;
    struct hal_router_peer peers[HAL_ROUTER_PEERS_MAX];
    /* The IP MTU of the router's interfaces, HAL_RIF_MTU_MIN to
     * HAL_RIF_MTU_MAX; 0 for HAL_RIF_MTU. */
    uint32_t mtu;
    /* How long a neighbour the router learned lives after the last ARP or
     * ND packet that showed it, in seconds, at most
     * HAL_ROUTER_NEIGH_TIMEOUT_MAX; 0 for the backend's default (the asic
     * backend: its profile's; netdev: the kernel's). */
    uint32_t neigh_timeout_s;
    /* IPv6 router advertisements (RFC 4861 6.2), 0 for none: the most
     * seconds between unsolicited ones on each bridge with an IPv6
     * interface of the router, HAL_ROUTER_RA_INTERVAL_MIN to _MAX.  An
     * advertisement comes from the router's link-local address
     * (hal_router_link_local()) and MAC, with the MTU, and a prefix
     * information option for each IPv6 interface on that bridge
     * (autonomous configuration for a /64); router solicitations are
     * answered. */
    uint32_t ra_interval_s;
    /* DNS servers the advertisements name (RFC 8106's RDNSS option), the
     * first 'n_ra_dns' of 'ra_dns'; unicast IPv6 addresses. */
    uint32_t n_ra_dns;
    struct in6_addr ra_dns[HAL_RA_DNS_MAX];
};

/* ---- IPv6 router advertisements (ra_interval_s) ---- */

/* The most prefixes one advertisement carries. */
#define HAL_RA_PREFIXES_MAX 8
/* The longest advertisement message (ICMPv6, without the IPv6 header):
 * the fixed part, the source link-layer address and MTU options, a prefix
 * information option per prefix, and the RDNSS option. */
#define HAL_RA_MSG_MAX \
    (16 + 8 + 8 + 32 * HAL_RA_PREFIXES_MAX + 8 + 16 * HAL_RA_DNS_MAX)

/* What a router advertisement on one bridge says. */
struct hal_ra {
    struct hal_mac mac;  /* The router's: the source link-layer address. */
    struct hal_ip src;   /* The router's link-local address. */
    uint32_t mtu;        /* The router's MTU (an MTU option). */
    uint16_t lifetime_s; /* Router lifetime: 3 intervals, at most 9000. */
    uint8_t n_prefixes;  /* The router's IPv6 interfaces on the bridge. */
    struct hal_ip prefixes[HAL_RA_PREFIXES_MAX]; /* Host bits zero. */
    uint8_t prefix_lens[HAL_RA_PREFIXES_MAX];
    /* DNS servers (an RDNSS option if any), valid for 'dns_lifetime_s'. */
    uint8_t n_dns;
    struct in6_addr dns[HAL_RA_DNS_MAX];
    uint32_t dns_lifetime_s;
};

/* Fills the parts of '*ra' that follow from router config 'c' alone: MAC,
 * link-local source, MTU, router lifetime and DNS servers (the prefixes
 * are the backend's to add). */
void hal_ra_init(struct hal_ra *ra, const struct hal_router_config *c);

/* The schedule of a router's advertisements on one bridge, every
 * 'interval_s' at most (RFC 4861 6.2.4, 6.2.6): returns when the next is
 * due after the 'sent'th (1 for the first) went at 'now_ms': the first
 * three at most 16 s apart (MAX_INITIAL_RTR_ADVERTISEMENTS,
 * MAX_INITIAL_RTR_ADVERT_INTERVAL), then at a random time from a third of
 * the interval (MinRtrAdvInterval's default) to the interval. */
int64_t hal_ra_next_ms(uint32_t interval_s, uint32_t sent, int64_t now_ms);

/* Returns when a router solicitation at 'now_ms' brings the next
 * advertisement to, the last having gone at 'last_ms': a random time
 * within 500 ms (MAX_RA_DELAY_TIME), but not sooner than 3 s after the
 * last (MIN_DELAY_BETWEEN_RAS).  The caller keeps the earlier of this and
 * what was due. */
int64_t hal_ra_solicited_ms(int64_t now_ms, int64_t last_ms);

/* A router's config goes from 'old_c' to 'new_c': returns true if it stops
 * advertising where it did, or as the gateway it was (the interval goes
 * to 0, the MAC and so the link-local address change), so that a final
 * advertisement (router lifetime 0) is due first. */
bool hal_ra_ceases(const struct hal_router_config *old_c,
                   const struct hal_router_config *new_c);

/* Returns true if the advertisements of a router configured as 'old_c' and
 * as 'new_c' differ (MAC, MTU, interval, DNS servers): the change is to be
 * advertised at once, with the initial pace. */
bool hal_ra_changed(const struct hal_router_config *old_c,
                    const struct hal_router_config *new_c);

/* The router lifetime an advertisement every 'interval_s' at most
 * carries (RFC 4861 6.2.1: three times the interval, at most 9000 s). */
uint16_t hal_ra_lifetime(uint32_t interval_s);

/* Writes the ICMPv6 message of router advertisement 'ra' (RFC 4861 4.2),
 * checksum zero, into 'msg'.  Returns its length. */
size_t hal_ra_message(const struct hal_ra *ra, uint8_t msg[HAL_RA_MSG_MAX]);

/* Stores in '*ip' the link-local address of a router with MAC 'mac' (its
 * modified EUI-64, RFC 4291 2.5.1): the source of its router
 * advertisements, which hosts take as their default gateway, and an
 * address the router answers neighbour solicitations for on every bridge
 * where it has an IPv6 interface. */
void hal_router_link_local(const struct hal_mac *mac, struct hal_ip *ip);

/* Returns the IP MTU of the interfaces of a router configured as 'c'. */
uint32_t hal_router_mtu(const struct hal_router_config *c);

/* Creates a router if '*oid' is HAL_OID_NULL (storing its id in '*oid'),
 * else updates router '*oid'.  Returns 0, HAL_E_TABLE_FULL, -ENOENT,
 * -EINVAL (a multicast MAC, an MTU, timeout or interval out of range, a DNS
 * server that is not unicast) or
 * -EOPNOTSUPP. */
int hal_router_set(struct hal *hal, const struct hal_router_config *config,
                   hal_oid_t *oid);
/* Removes router 'oid' with its rifs, next hops, neighbours and routes.
 * Returns 0, -ENOENT or -EOPNOTSUPP. */
int hal_router_remove(struct hal *hal, hal_oid_t oid);

struct hal_rif_config {
    hal_oid_t router;
    hal_oid_t bridge;
    struct hal_ip ip;   /* The interface address (the router's). */
    uint8_t prefix_len; /* Of the connected subnet. */
};

/* Creates router interface 'config' and stores its id in '*oid'.  A rif is
 * never updated: remove it and create another.  During a resync, the same
 * interface kept from before a warm restart is found again (its id, no
 * write).  Returns 0,
 * HAL_E_TABLE_FULL, -ENOENT (router or bridge), -EEXIST (the bridge has an
 * interface of another router, or this address already), -EINVAL or
 * -EOPNOTSUPP. */
int hal_rif_create(struct hal *hal, const struct hal_rif_config *config,
                   hal_oid_t *oid);
int hal_rif_remove(struct hal *hal, hal_oid_t oid);

struct hal_nexthop_config {
    hal_oid_t rif;
    struct hal_ip ip;
};

/* Creates next hop 'config' and stores its id in '*oid' (during a resync,
 * finds one kept from before a warm restart, as hal_rif_create() does).
 * Returns 0,
 * HAL_E_TABLE_FULL, -ENOENT, -EINVAL or -EOPNOTSUPP. */
int hal_nexthop_create(struct hal *hal, const struct hal_nexthop_config *,
                       hal_oid_t *oid);
/* Removes next hop 'oid' and the routes through it. */
int hal_nexthop_remove(struct hal *hal, hal_oid_t oid);

struct hal_route_entry {
    hal_oid_t router;
    struct hal_ip prefix; /* Host bits must be zero. */
    uint8_t prefix_len;
    hal_oid_t nexthop; /* A next hop or a rif (connected); ignored by
                        * hal_route_remove(). */
};

/* Adds or replaces routes (router, prefix/len) → nexthop.  Bulk, with a
 * status per entry (hal/hal.h); a full table gives HAL_E_TABLE_FULL. */
int hal_route_set(struct hal *hal, const struct hal_route_entry *entries,
                  size_t n, int *status);
int hal_route_remove(struct hal *hal, const struct hal_route_entry *entries,
                     size_t n, int *status);

struct hal_rneigh_entry {
    hal_oid_t rif;
    struct hal_ip ip;
    struct hal_mac mac; /* Ignored by hal_rneigh_remove(). */
    bool learned;       /* In walks: resolved by the backend (ARP). */
};

/* Adds or replaces static router neighbours (rif, ip) → mac. */
int hal_rneigh_set(struct hal *hal, const struct hal_rneigh_entry *entries,
                   size_t n, int *status);
int hal_rneigh_remove(struct hal *hal, const struct hal_rneigh_entry *entries,
                      size_t n, int *status);

/* Counters of one router. */
struct hal_router_stats {
    uint64_t routed;       /* Packets forwarded after a lookup. */
    uint64_t ttl_expired;  /* Dropped with TTL <= 1. */
    uint64_t no_route;     /* Dropped: no matching route. */
    uint64_t unresolved;   /* Dropped while the next hop was resolved. */
    uint64_t arp_requests; /* ARP requests sent on the router's behalf. */
    uint64_t arp_replies; /* ARP requests for interface addresses, answered. */
    uint64_t icmp_errors; /* ICMP errors sent (time exceeded, unreachable). */
    uint64_t icmp_limited; /* ICMP errors not sent: over the rate limit. */
    /* Routed packets dropped by the ACL bound to an interface of the
     * router (hal/hal-acl.h), at the interface they came in by and at the
     * one they were to leave by: SAI's per-interface in and out discards,
     * summed over the router's interfaces.  Packets to the router itself
     * and switched frames never count here. */
    uint64_t acl_denied_in;
    uint64_t acl_denied_out;
    /* Routed packets dropped for being larger than the MTU of the
     * interface they were to leave by (the router's MTU, or less over VXLAN):
     * IPv4 with DF set and every IPv6 packet, whose senders may get an
     * ICMP fragmentation needed or packet too big (counted in icmp_errors
     * or icmp_limited too), and IPv4 without DF, which the router does not
     * fragment. */
    uint64_t mtu_exceeded;
};

/* Reads router 'oid''s counters, every one of them zero for a new router.
 * Returns 0, -ENOENT or -EOPNOTSUPP. */
int hal_router_stats_get(const struct hal *hal, hal_oid_t oid,
                         struct hal_router_stats *stats);

/* What walks see of the objects. */
struct hal_route_walk {
    void (*router)(hal_oid_t, const struct hal_router_config *, void *aux);
    void (*rif)(hal_oid_t, const struct hal_rif_config *, void *aux);
    void (*nexthop)(hal_oid_t, const struct hal_nexthop_config *, void *aux);
    void (*route)(const struct hal_route_entry *, void *aux);
    void (*rneigh)(const struct hal_rneigh_entry *, void *aux);
};

/* Calls the nonnull members of 'walk' for every object of their kind
 * (borrowed for the call, which must not modify the HAL). */
void hal_route_walk(const struct hal *hal, const struct hal_route_walk *walk,
                    void *aux);

/* Parses "A.B.C.D/N" or "X::Y/N" into '*ip' and '*len'.  Returns 0 or
 * -EINVAL. */
int hal_prefix_from_string(const char *s, struct hal_ip *ip, uint8_t *len);

/* Returns the longest prefix length of 'ip''s family: 32 or 128. */
uint8_t hal_ip_max_len(const struct hal_ip *ip);

/* Returns 'ip' with every bit after the first 'len' cleared. */
struct hal_ip hal_ip_masked(const struct hal_ip *ip, uint8_t len);

/* Returns true if 'ip' is inside 'prefix'/'len' (same family). */
bool hal_prefix_contains(const struct hal_ip *prefix, uint8_t len,
                         const struct hal_ip *ip);

/* "hal/dump-routes": each router with its interfaces, routes (longest
 * prefix first), next hops and neighbours, and its counters.  Returns 0 or
 * -EOPNOTSUPP. */
int hal_dump_routes(const struct hal *hal, struct ds *out);

#endif /* hal/hal-route.h */
