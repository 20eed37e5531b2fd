/* SPDX-License-Identifier: Apache-2.0 */
/* The L3 step of the software dataplane: what happens to a frame the asic
 * pipeline hands to the router (HAL_ASIC_ROUTE): ARP for the router's
 * interface addresses is answered, ARP from hosts teaches the router its
 * neighbours, and IPv4 packets are routed (hal_asic_route()) with the TTL
 * decremented, the header checksum updated and the MACs rewritten, or an
 * ARP request goes out for a next hop not yet resolved.  Pings to the
 * router's addresses are answered; a packet whose TTL runs out gets an
 * ICMP time exceeded (RFC 792) from the ingress interface's address, and
 * one without a route or whose next hop does not answer ARP a destination
 * unreachable (net, host), within the router's rate limit.  An ARP packet
 * to another VTEP's ARP source MAC (Arp_Sources_Remote) goes to that VTEP.
 * A packet routed to a learned neighbour due for a refresh also brings a
 * unicast ARP request (neighbour solicitation) to that neighbour's MAC.
 *
 * Pure over byte buffers apart from the asic calls, like arp.h. */
#ifndef SIM_ROUTE_H
#define SIM_ROUTE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/asic/asic.h"
#include "sim/arp.h"
#include "sim/frame.h"

#define SIM_ETH_TYPE_IPV4 0x0800

/* Room for the probe a routed packet may bring: an ARP request or a
 * neighbour solicitation (SIM_NS_FRAME_LEN). */
#define SIM_ROUTE_PROBE_MAX 128

enum sim_route_verdict {
    SIM_ROUTE_DROP,     /* Drop the frame; the reason is in 'reason'. */
    SIM_ROUTE_SEND,     /* Send 'frame' as the decision says. */
    SIM_ROUTE_REPLY,    /* Send 'frame' back where the frame came from. */
    SIM_ROUTE_DONE,     /* Consumed by the router (an ARP reply it learned). */
    SIM_ROUTE_FRAGMENT, /* IPv4 without DF over the egress MTU: the ASIC
                         * traps it to the CPU, which may cut it into
                         * fragments of at most 'mtu' bytes and route
                         * each (sim_ipv4_fragment(), frame.h). */
};

/* What the router makes of a frame. */
struct sim_route_out {
    uint8_t *frame;     /* Set by the caller: room for the handled frame's
                         * length + SIM_ROUTE_OUT_MIN bytes. */
    size_t len;         /* The length of the frame written there. */
    uint8_t *probe;     /* Set by the caller: SIM_ROUTE_PROBE_MAX bytes. */
    size_t probe_len;   /* Nonzero: a probe to send after 'frame'. */
    const char *reason; /* SIM_ROUTE_DROP, SIM_ROUTE_FRAGMENT: static. */
    uint32_t mtu;       /* SIM_ROUTE_FRAGMENT: the egress IP MTU. */
    bool from_overlay;  /* Set by the caller: the frame came in VXLAN. */
};

/* Handles the 'len'-byte 'frame' (parsed into 'eth'; 'kind' and 'req' from
 * sim_neigh_classify(); 'acl' its headers for the router interfaces' ACLs,
 * or NULL when no ACL is bound) that the pipeline gave to the router of
 * bridge 'bridge' at 'now_ms'.  Writes the frame to send, untagged, into
 * 'o->frame' (an ICMP error quotes up to the whole packet after headers
 * of its own) and its length into 'o->len', and the L2 egress into 'd'.
 * Returns the verdict; for SIM_ROUTE_DROP stores a static reason in
 * 'o->reason'.  With SIM_ROUTE_SEND, 'o->probe_len' nonzero means
 * 'o->probe' holds a frame to send after 'o->frame' with the same
 * decision (a refresh of the neighbour).  'seg_len' is, for a TCP
 * super-frame, the IP length of the segments it stands for (their size on
 * the wire, checked against the egress MTU), else 0 (the packet's own
 * length).  A packet over the MTU with DF set gets an ICMP fragmentation
 * needed (RFC 1191) with the MTU; one without DF is SIM_ROUTE_FRAGMENT. */
enum sim_route_verdict
sim_route_frame(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *frame,
                size_t len, const struct sim_eth *eth,
                enum sim_neigh_kind kind, const struct sim_neigh_request *req,
                const struct hal_acl_packet *acl, size_t seg_len,
                int64_t now_ms, struct hal_asic_decision *d,
                struct sim_route_out *o);

/* The same for an IPv6 frame (route6.c): neighbour solicitations and
 * advertisements for the router, IPv6 packets routed with the hop limit
 * decremented, echo for the router's addresses, ICMPv6 time exceeded,
 * destination unreachable (no route: code 0; no answer to the neighbour
 * solicitations: code 3, address unreachable) and packet too big (any
 * packet over the egress MTU: routers never fragment IPv6). */
enum sim_route_verdict
sim_route6_frame(struct hal_asic *asic, hal_oid_t bridge, const uint8_t *frame,
                 size_t len, const struct sim_eth *eth,
                 enum sim_neigh_kind kind, const struct sim_neigh_request *req,
                 const struct hal_acl_packet *acl, size_t seg_len,
                 int64_t now_ms, struct hal_asic_decision *d,
                 struct sim_route_out *o);

/* The frames the router sends are at most this much longer than the one
 * it handles (an ICMPv6 error: Ethernet, IPv6 and ICMPv6 headers before
 * the quote), and at most this long when they answer a shorter one. */
#define SIM_ROUTE_OUT_MIN 128

#define SIM_NS_FRAME_LEN (14 + 40 + 32)

/* Writes a neighbour solicitation from 'sha'/'spa' for 'tpa' to its
 * solicited-node multicast address into 'frame'.  Returns its length. */
size_t sim_ns_request(const struct hal_mac *sha, const struct hal_ip *spa,
                      const struct hal_ip *tpa,
                      uint8_t frame[SIM_NS_FRAME_LEN]);

/* A router advertisement: Ethernet and IPv6 headers and the message. */
#define SIM_RA_FRAME_MAX (14 + 40 + HAL_RA_MSG_MAX)

/* Writes the router advertisement 'ra' (RFC 4861 4.2), to all nodes
 * (ff02::1), into 'frame'.  Returns its length. */
size_t sim_ra_frame(const struct hal_ra *ra, uint8_t frame[SIM_RA_FRAME_MAX]);

/* Writes an ARP request from 'sha'/'spa' for 'tpa', broadcast and padded
 * to SIM_ARP_FRAME_MIN, into 'frame'.  Returns its length. */
size_t sim_arp_request(const struct hal_mac *sha, const struct hal_ip *spa,
                       const struct hal_ip *tpa,
                       uint8_t frame[SIM_ARP_FRAME_MIN]);

/* Decrements the TTL of the IPv4 header 'ip' and updates its checksum
 * incrementally (RFC 1624). */
void sim_ipv4_dec_ttl(uint8_t *ip);

#endif /* sim/route.h */
