/* SPDX-License-Identifier: Apache-2.0 */
/* The underlay's way out for TCP super-frames: VXLAN packets with
 * segmentation offload for the UDP tunnel, as the kernel's own VXLAN
 * device sends them.
 *
 * A UDP_SEGMENT send (sim_underlay_send_gso()) hands the kernel UDP
 * datagrams to cut; a receiving VTEP's kernel must cut them again before
 * its VXLAN device may decapsulate them, one by one.  The kernel's VXLAN
 * device instead sends one packet of type "TCP in a UDP tunnel", which a
 * NIC with VXLAN TSO (or the kernel, just before a NIC without) cuts at
 * the last moment, and which a veth passes whole: the far VXLAN device
 * decapsulates 64 KB at once.  User space can build such a packet only
 * through a TAP device whose virtio-net header carries the tunnel's
 * offsets (TUN_F_UDP_TUNNEL_GSO, Linux 6.17).
 *
 * So vtep-sim opens a TAP device of its own (vtsimN, in its network
 * namespace, gone with the process) and writes each super-frame there
 * whole, in its VXLAN, IPv4 and Ethernet headers: the kernel takes it as
 * received for forwarding and routes it to the remote VTEP as it routes
 * the UDP sockets' datagrams, resolving the next hop's address itself.
 * That needs, on the TAP device only: forwarding (a packet that arrives
 * there may be routed), accept_local (its source is the tunnel IP, an
 * address of this host) and no reverse-path filter; the namespace's
 * conf/all/rp_filter must be 0 too, or the feature stays off.  The
 * forwarded packet leaves with TTL 64 (written as 65) and the DF bit
 * clear, as the kernel's VXLAN device sends by default. */
#ifndef SIM_GSO_TAP_H
#define SIM_GSO_TAP_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

struct sim_gso_tap {
    int fd; /* -1: not open. */
    char name[IF_NAMESIZE];
    uint8_t mac[6];     /* The TAP device's: the frames' destination. */
    uint16_t ip_id;     /* The next outer IPv4 ID. */
    uint64_t sent;      /* Super-frames written, */
    uint64_t failed;    /* and refused by the kernel. */
    int64_t checked_ms; /* When the path was last found working: */
    uint64_t sent_seen; /* 'sent' then, */
    uint64_t forw_seen; /* and the namespace's forwarded IP packets. */
};

/* Opens the TAP device into '*t' (t->fd stays -1 on failure).  Returns 0,
 * or a negative errno and in '*why' what is missing, for the log:
 * -EOPNOTSUPP if this kernel's TAP devices lack the offload,
 * -EPERM without CAP_NET_ADMIN, -EACCES if a sysctl says no. */
int sim_gso_tap_open(struct sim_gso_tap *t, const char **why);

/* Closes the device, which the kernel then removes. */
void sim_gso_tap_close(struct sim_gso_tap *t);

/* A TCP super-frame to send, and its tunnel. */
struct sim_gso_tap_frame {
    struct in_addr src, dst; /* Outer IPv4 addresses. */
    uint16_t sport, dport;   /* Outer UDP ports, host order. */
    uint32_t vni;
    /* The inner frame: Ethernet header without an 802.1Q tag, then IPv4
     * or IPv6 and TCP.  'hdr' holds its headers (l3, l4: the offsets of
     * the IP and TCP headers in it; 'hdr_len' bytes, at most
     * SIM_GSO_TAP_HDR_MAX); 'payload' its TCP payload, cut at 'mss'
     * bytes per segment. */
    const uint8_t *hdr;
    size_t hdr_len, l3, l4;
    bool ipv6;
    const uint8_t *payload;
    size_t payload_len;
    uint16_t mss;
};

/* The largest inner header: Ethernet, IPv6 and TCP with options. */
#define SIM_GSO_TAP_HDR_MAX (14 + 40 + 60)

/* Writes 'f' to the TAP device as one VXLAN packet for the kernel to cut
 * into segments of f->mss payload bytes.  The inner TCP checksum is left
 * to be completed per segment: the kernel (or the NIC, or the far end's
 * stack) does.  Returns 0 or a negative errno (-EMSGSIZE: larger than an
 * IPv4 packet; -EINVAL: the kernel refused it).
 *
 * At most once a second it first checks that the path still works: that
 * the sysctls it needs still say so (rp_filter off, forwarding on), and
 * that the namespace forwarded at least as many IP packets (ForwDatagrams
 * in /proc/net/snmp, counted after netfilter's FORWARD hook) as were
 * written since the last check; a FORWARD rule that drops them, a
 * blackhole route, anything the kernel does to a forwarded packet and
 * not to a sent one, shows there.  If not, the kernel would drop what is
 * written, so it closes the device instead, stores why in '*why' and
 * returns -EACCES. */
int sim_gso_tap_send(struct sim_gso_tap *t, const struct sim_gso_tap_frame *f,
                     const char **why);

#endif /* sim/gso-tap.h */
