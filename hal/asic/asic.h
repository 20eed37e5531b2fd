/* SPDX-License-Identifier: Apache-2.0 */
/* The software ASIC backend ("asic"): a faithful model of a switch ASIC's
 * L2/VXLAN tables with finite, profile-sized tables, hashed L2 banks with
 * buckets, software learning and aging, a bounded event FIFO, per-binding
 * and per-tunnel counters, and warm restart through a mapped state file.
 *
 * Register it with hal_register_provider(&hal_asic_provider) and open it
 * with hal_open("asic", ...).  The functions below are the parts that only
 * make sense for this backend: the forwarding pipeline used by the software
 * dataplane (sim/), port link changes, and introspection for tests. */
#ifndef HAL_ASIC_ASIC_H
#define HAL_ASIC_ASIC_H 1

#include "hal/hal-acl.h"
#include "hal/hal-route.h"
#include "hal/hal.h"

struct hal_asic;
struct hal_asic_profile;

extern const struct hal_provider hal_asic_provider;

/* Returns the asic backend behind 'hal', or NULL if 'hal' is another
 * backend.  Borrowed: valid until hal_close(). */
struct hal_asic *hal_asic_cast(struct hal *hal);

/* Returns the profile in use; borrowed. */
const struct hal_asic_profile *hal_asic_profile(const struct hal_asic *);

/* Sets port 'port''s link state, as a PHY would: queues
 * HAL_EVENT_PORT_STATE and, when the link goes down, flushes the learned
 * entries on the port.  Returns 0 or -ENOENT. */
int hal_asic_set_link(struct hal_asic *, hal_oid_t port, bool up);

/* Returns the number of table writes made since open (warm restart proves
 * zero churn with this). */
uint64_t hal_asic_writes(const struct hal_asic *);

/* Returns the state file's generation: 1 on a cold start, incremented on
 * every warm reattach. */
uint64_t hal_asic_generation(const struct hal_asic *);

/* Returns the bucket of L2 bank 'bank' that (bridge, mac) hashes to, or
 * UINT32_MAX for a bad bank or bridge.  For tests that craft collisions. */
uint32_t hal_asic_fdb_bucket(const struct hal_asic *, size_t bank,
                             hal_oid_t bridge, const struct hal_mac *mac);

/* ---- Forwarding ----------------------------------------------------------
 *
 * The pipeline a frame takes through the chip, as a function of the tables:
 * the software dataplane asks for a decision and then does the I/O.  It
 * never changes configuration; it updates counters and, when asked,
 * learns. */

enum hal_asic_action {
    /* Discard the frame; 'drop_reason' says why. */
    HAL_ASIC_DROP,
    /* Send a copy to each of 'locals' and encapsulate one to each of
     * 'remotes'; at least one of the two is nonempty. */
    HAL_ASIC_FORWARD,
    /* The frame was a neighbour request the host table knows: answer it on
     * the ingress port and VLAN with 'reply_mac', and send it nowhere. */
    HAL_ASIC_REPLY,
    /* The frame is for the router of 'bridge' (to its MAC, or an ARP
     * request for an interface address): hand it to the L3 step,
     * hal_asic_route() and friends, below. */
    HAL_ASIC_ROUTE
};

struct hal_asic_local_out {
    hal_oid_t port;
    uint16_t vlan; /* 0: send untagged. */
};

struct hal_asic_remote_out {
    struct in_addr ip;
    uint32_t vni;
};

/* A decision.  Initialise with hal_asic_decision_init() and reuse across
 * calls: its arrays grow as needed and are freed by _uninit(). */
struct hal_asic_decision {
    enum hal_asic_action action;
    const char *drop_reason; /* Static string, for HAL_ASIC_DROP. */
    hal_oid_t bridge;
    bool flooded;             /* Unknown unicast, broadcast or multicast. */
    struct hal_mac reply_mac; /* HAL_ASIC_REPLY: the target's MAC. */
    struct hal_asic_local_out *locals;
    size_t n_locals, allocated_locals;
    struct hal_asic_remote_out *remotes;
    size_t n_remotes, allocated_remotes;
    /* Copies an egress ACL denied (not in 'locals'). */
    size_t n_acl_denied;
};

void hal_asic_decision_init(struct hal_asic_decision *);
void hal_asic_decision_uninit(struct hal_asic_decision *);

/* A frame received on a front-panel port. */
struct hal_asic_frame {
    hal_oid_t port;
    uint16_t vlan; /* 0 for an untagged frame. */
    struct hal_mac src;
    struct hal_mac dst;
    uint32_t bytes;
    /* For an ARP request or neighbour solicitation that may be answered
     * (not gratuitous, not a probe): its target address, borrowed; else
     * NULL. */
    const struct hal_ip *neigh_target;
    /* The headers ACLs match on, borrowed; NULL when no ACL is bound
     * (hal_asic_acl_active()), which permits the frame. */
    const struct hal_acl_packet *acl;
};

/* Decides what happens to a frame that came in on a front-panel port.  If
 * 'learn', learns its source MAC (as of 'now_ms') when the bridge learns.
 * Counts it on the ingress binding, egress bindings and tunnels, and a
 * neighbour request as answered or flooded on its bridge. */
void hal_asic_forward(struct hal_asic *, const struct hal_asic_frame *,
                      bool learn, int64_t now_ms, struct hal_asic_decision *);

/* Counts a malformed ARP or ND packet received on (port, vlan) against the
 * bridge of that binding.  Returns 0 or -ENOENT without a binding. */
int hal_asic_neigh_count_malformed(struct hal_asic *, hal_oid_t port,
                                   uint16_t vlan);

/* Reports that the host 'mac' on binding (port, vlan) uses 'ip' (seen in
 * an ARP or ND packet), as HAL_EVENT_NEIGH_LEARNED, unless the same was
 * reported less than 30 s before 'now_ms'.  Returns 0 or -ENOENT without a
 * binding. */
int hal_asic_neigh_snoop(struct hal_asic *, hal_oid_t port, uint16_t vlan,
                         const struct hal_ip *ip, const struct hal_mac *mac,
                         int64_t now_ms);

/* A VXLAN packet received from the network, after outer header checks. */
struct hal_asic_vxlan_frame {
    uint32_t vni;
    struct in_addr outer_src;
    struct hal_mac src;
    struct hal_mac dst;
    uint32_t bytes; /* Of the inner frame. */
    /* An ARP request's target, borrowed, or NULL (as in hal_asic_frame):
     * a request for a router interface address goes to the router. */
    const struct hal_ip *neigh_target;
    const struct hal_acl_packet *acl; /* As in 'struct hal_asic_frame'. */
};

/* Decides which local bindings get a decapsulated frame.  Never sends it
 * back into the overlay (split horizon). */
void hal_asic_decap(struct hal_asic *, const struct hal_asic_vxlan_frame *,
                    struct hal_asic_decision *);

/* Sends the inner Ethernet 'frame' of 'len' bytes (borrowed) in VXLAN with
 * 'vni' to 'remote': how the dataplane carries the model's BFD frames. */
typedef void hal_asic_bfd_tx_fn(void *aux, struct in_addr remote, uint32_t vni,
                                const uint8_t *frame, size_t len);

/* Sets (or, with NULL, clears) the function that sends BFD frames. */
void hal_asic_set_bfd_tx(struct hal_asic *, hal_asic_bfd_tx_fn *, void *aux);

/* Offers the model the inner 'frame' of 'len' bytes that arrived in VXLAN
 * with 'vni' from 'outer_src' at 'now'.  Returns true if it was a BFD
 * control frame for a session (consumed), false if it is traffic for the
 * dataplane (then counted as received data for that session, if any). */
bool hal_asic_bfd_input(struct hal_asic *, struct in_addr outer_src,
                        uint32_t vni, const uint8_t *frame, size_t len,
                        int64_t now);

/* ---- Routing (hal/hal-route.h) ------------------------------------------ */

enum hal_asic_l3_action {
    HAL_ASIC_L3_DROP,    /* 'drop_reason' says why; counted on the router. */
    HAL_ASIC_L3_FORWARD, /* Rewrite to 'src' → 'dst', TTL - 1, send per
                          * the decision. */
    HAL_ASIC_L3_RESOLVE, /* Next hop unknown: broadcast an ARP request
                          * from 'src' (sender 'arp_sender') for
                          * 'arp_target' per the decision; drop the
                          * packet. */
};

struct hal_asic_route_result {
    enum hal_asic_l3_action action;
    const char *drop_reason; /* Static. */
    hal_oid_t out_bridge;
    struct hal_mac src, dst;
    struct hal_ip arp_sender, arp_target;
    /* HAL_ASIC_L3_DROP because the packet is for one of the router's own
     * addresses ('for_router') or its TTL ran out ('ttl_expired'): the
     * router MAC is in 'src' and the ingress interface's address in
     * 'in_addr', for an answer (ICMP echo reply, time exceeded). */
    bool for_router, ttl_expired;
    struct hal_ip in_addr;
    /* HAL_ASIC_L3_DROP for want of a route (code 0) or because the next
     * hop did not answer ARP (code 1): the sender may get an ICMP
     * destination unreachable with that code, from 'in_addr'. */
    bool unreachable;
    uint8_t unreach_code;
    /* HAL_ASIC_L3_DROP because the packet is larger than the egress MTU
     * and may not be fragmented (IPv4 with DF, IPv6): the sender may get
     * an ICMP fragmentation needed (RFC 1191) or packet too big (RFC 4443)
     * with 'mtu', from 'in_addr'. */
    bool too_big;
    uint32_t mtu;
    /* HAL_ASIC_L3_DROP because the packet is larger than the egress MTU
     * and may be fragmented (IPv4 without DF): an ASIC has no
     * fragmentation engine and traps it to the CPU (SAI's L3_MTU_ERROR),
     * which may fragment it to 'mtu' and route the fragments. */
    bool fragment;
    /* HAL_ASIC_L3_FORWARD to a learned neighbour due for a refresh: send
     * it also an ARP request (NS) from 'probe_src'/'arp_sender' for
     * 'arp_target', to its MAC 'dst', with the same L2 egress. */
    bool probe;
    struct hal_mac probe_src;
};

/* Routes an IP packet from 'src' to 'dst' with 'ttl', of 'bytes' bytes,
 * that came to the router MAC on bridge 'in_bridge' at 'now_ms': the
 * address checks, TTL check, the ingress interface's ACL, longest prefix
 * match in the bridge's router, the output interface's ACL, the egress MTU
 * ('ip_len', the IP packet's length, against HAL_RIF_MTU or the tunnel's
 * inner MTU if it leaves in VXLAN and that is smaller; 'df' if it may not
 * be fragmented: IPv4 with DF set, or IPv6; a larger packet is dropped,
 * and marked 'too_big' with 'df', 'fragment' without),
 * next-hop resolution, and the L2 egress in the destination bridge in
 * 'd'.  'acl' holds the packet's headers when some ACL is bound
 * (hal_asic_acl_active()), else NULL (no ACL applies).  Counts on the
 * router.  An unresolved next hop is asked for (HAL_ASIC_L3_RESOLVE) at most once a
 * second; meanwhile its packets are dropped; after three unanswered
 * requests its packets are unreachable (code 1) for a while.  A learned
 * neighbour past half its life (profile rneigh_timeout_s) is forwarded to
 * with 'probe' set, at most once a second and three times unconfirmed;
 * then it is removed and resolved afresh.
 *
 * The address checks, as RFC 1812 (5.3.7) and RFC 4291 (2.5.6) ask and
 * Linux's input route and ip6_forward() make them, drop without a count
 * or an ICMP error: a source no host can have (multicast, IPv4 broadcast,
 * loopback, IPv4 "this network") or one of the router's own addresses (a
 * spoof: Linux's accept_local 0), whoever the packet is for; a destination
 * that cannot be routed to (loopback, multicast, broadcast, unspecified,
 * IPv6 link-local) or an IPv6 unspecified or link-local source, unless the
 * packet is for an address of the router. */
void hal_asic_route(struct hal_asic *, hal_oid_t in_bridge,
                    const struct hal_ip *src, const struct hal_ip *dst,
                    uint8_t ttl, uint32_t bytes, uint32_t ip_len, bool df,
                    int64_t now_ms, const struct hal_acl_packet *acl,
                    struct hal_asic_route_result *,
                    struct hal_asic_decision *d);

/* The dataplane's VXLAN tunnels carry inner IP packets of at most 'mtu'
 * bytes (the underlay's MTU less the encapsulation; 0: no limit): routed
 * packets leaving in VXLAN are checked against it too. */
void hal_asic_route_set_tunnel_mtu(struct hal_asic *, uint32_t mtu);

/* Before the dataplane sends an ICMP error to 'to' from the router of
 * 'bridge' at 'now_ms': returns true if the rate limit lets it (counted as
 * sent), false if not (counted as limited). */
bool hal_asic_route_icmp_allow(struct hal_asic *, hal_oid_t bridge,
                               const struct hal_ip *to, int64_t now_ms);

/* If 'dst' is the ARP source MAC of another VTEP of the router of 'bridge'
 * (hal_router_config's peers), sets 'd' to send the frame of 'bytes'
 * bytes to that VTEP in VXLAN and returns true. */
bool hal_asic_route_to_peer(struct hal_asic *, hal_oid_t bridge,
                            const struct hal_mac *dst, uint32_t bytes,
                            struct hal_asic_decision *d);

/* If 'target' is an interface address of the router on 'bridge', stores
 * the router MAC in '*mac', counts an ARP reply and returns true. */
bool hal_asic_route_arp_answer(struct hal_asic *, hal_oid_t bridge,
                               const struct hal_ip *target,
                               struct hal_mac *mac);

/* A host on 'bridge' showed (in ARP, at 'now_ms') that it has 'ip' and
 * 'mac': learns the router neighbour if 'ip' is in a router interface's
 * subnet there.  A full table gives up its least recently learned entry.
 * Returns 0, -ENOENT (no such subnet) or HAL_E_TABLE_FULL (every entry
 * static). */
int hal_asic_route_learn(struct hal_asic *, hal_oid_t bridge,
                         const struct hal_ip *ip, const struct hal_mac *mac,
                         int64_t now_ms);

/* ---- IPv6 router advertisements (hal_router_config's ra_interval_s) ---- */

/* Sends router advertisement 'ra' into 'bridge', to all nodes: the
 * dataplane builds the frame and sends it where hal_asic_router_emit()
 * says.  Called from hal_run(), under the chip lock. */
typedef void hal_asic_ra_tx_fn(void *aux, hal_oid_t bridge,
                               const struct hal_ra *ra);

/* Sets (or, with NULL, clears) the function that sends advertisements. */
void hal_asic_set_ra_tx(struct hal_asic *, hal_asic_ra_tx_fn *, void *aux);

/* A router solicitation arrived on 'bridge' at 'now_ms': brings the next
 * advertisement there forward, to within half a second (RFC 4861 6.2.6:
 * a random delay, and at least 3 s after the previous one). */
void hal_asic_route_rs(struct hal_asic *, hal_oid_t bridge, int64_t now_ms);

/* Sets 'd' to send a frame of 'bytes' bytes that the router itself makes
 * into 'bridge' to 'dst' (the FDB entry's port or VTEP, else every local
 * binding and the flood list). */
void hal_asic_router_emit(struct hal_asic *, hal_oid_t bridge,
                          const struct hal_mac *dst, uint32_t bytes,
                          struct hal_asic_decision *d);

/* Returns true if some ACL is bound, so that the dataplane must parse the
 * headers into 'acl' of the frames it hands the pipeline. */
bool hal_asic_acl_active(const struct hal_asic *);

/* Runs the egress ACL bound to ('port', 'vlan') (else to the whole port) on
 * a frame the switch itself sends there, such as an ARP or ND answer, with
 * headers 'p' (borrowed), counting the rule's hit.  Returns false if it
 * denies; true if it permits or nothing is bound. */
bool hal_asic_acl_egress_permits(struct hal_asic *, hal_oid_t port,
                                 uint16_t vlan,
                                 const struct hal_acl_packet *p);

#endif /* hal/asic/asic.h */
