/* SPDX-License-Identifier: Apache-2.0 */
/* Frame formats of the software dataplane, as pure functions over byte
 * buffers: Ethernet II with an optional 802.1Q tag, tag removal and
 * insertion for output, and the VXLAN encapsulation of RFC 7348.
 *
 * Nothing here does I/O or keeps state, so every function can be tested
 * with hand-made bytes.  Every parser assumes its input is hostile: it
 * checks the length before each header it reads. */
#ifndef SIM_FRAME_H
#define SIM_FRAME_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "hal/hal.h"

#define SIM_ETH_ALEN 6
#define SIM_ETH_HLEN 14 /* Destination, source, EtherType. */
#define SIM_VLAN_HLEN 4 /* TPID and TCI of an 802.1Q tag. */
#define SIM_ETH_TPID_8021Q 0x8100
#define SIM_VLAN_VID_MASK 0x0fff

#define SIM_UDP_HLEN 8
#define SIM_VXLAN_HLEN 8
#define SIM_VXLAN_FLAG_I 0x08 /* "The VNI is valid" (RFC 7348, 5). */
#define SIM_VXLAN_PORT 4789   /* IANA-assigned UDP port. */

/* The source port range RFC 7348 recommends for the flow hash. */
#define SIM_VXLAN_SPORT_MIN 49152
#define SIM_VXLAN_SPORT_MAX 65535

/* The UDP and VXLAN headers that precede an encapsulated frame. */
#define SIM_ENCAP_HLEN (SIM_UDP_HLEN + SIM_VXLAN_HLEN)

/* A parsed Ethernet header. */
struct sim_eth {
    struct hal_mac dst;
    struct hal_mac src;
    bool tagged;        /* An 802.1Q tag is present in the bytes. */
    uint16_t vlan;      /* Its VLAN ID; 0 if untagged or priority-tagged. */
    uint16_t ethertype; /* After the tag, in host order. */
    size_t payload;     /* Offset of the bytes after 'ethertype'. */
};

/* Parses the Ethernet header of the 'len'-byte 'frame' into '*eth'.  A
 * frame with TPID 0x8100 after the addresses is tagged; VLAN ID 0 (a
 * priority tag) means untagged, as in 802.1Q.  Returns 0, or -EINVAL if
 * the frame is too short for the header it announces. */
int sim_eth_parse(const uint8_t *frame, size_t len, struct sim_eth *eth);

/* Describes in 'iov' the 'len'-byte 'frame', parsed into 'eth', as it
 * leaves on VLAN 'vlan': the addresses, a new 802.1Q tag (built in 'tag')
 * when 'vlan' is nonzero, then everything that followed the original tag,
 * if any.  Nothing is copied: 'iov' points into 'frame' and 'tag'.
 * Returns the number of 'iov' entries used, 2 or 3. */
size_t sim_eth_retag(const uint8_t *frame, size_t len,
                     const struct sim_eth *eth, uint16_t vlan,
                     uint8_t tag[SIM_VLAN_HLEN], struct iovec iov[3]);

/* Returns the total length of the 'n' buffers in 'iov'. */
size_t sim_iov_length(const struct iovec *iov, size_t n);

/* Returns the UDP source port for encapsulating 'frame': a hash of its
 * addresses and EtherType and, for IPv4, of its IP addresses, protocol and
 * (unless fragmented) TCP/UDP ports, mapped into
 * SIM_VXLAN_SPORT_MIN..SIM_VXLAN_SPORT_MAX, so that one flow keeps one
 * path through an ECMP underlay and different flows spread
 * (RFC 7348, 5). */
uint16_t sim_vxlan_sport(const uint8_t *frame, size_t len,
                         const struct sim_eth *eth);

/* Writes into 'hdr' the UDP header (source port 'sport', destination port
 * 'dport', zero checksum as RFC 7348 recommends for IPv4) followed by the
 * VXLAN header (I flag, 'vni', reserved fields zero) for an inner frame of
 * 'inner_len' bytes.  Returns 0, or -EINVAL if 'vni' exceeds 24 bits or
 * the datagram would exceed 65535 bytes. */
int sim_vxlan_encap(uint8_t hdr[SIM_ENCAP_HLEN], uint16_t sport,
                    uint16_t dport, uint32_t vni, size_t inner_len);

/* Validates the VXLAN header at the start of the 'len'-byte UDP payload
 * 'pkt' and stores its VNI in '*vni'.  The reserved bits are ignored, as
 * the RFC asks of a receiver.  Returns 0, -EINVAL if 'pkt' is too short to
 * hold the header and an inner Ethernet header, or -EBADMSG if the I flag
 * is clear. */
int sim_vxlan_decap(const uint8_t *pkt, size_t len, uint32_t *vni);

/* Completes a checksum that the sender left to "hardware": sums 'frame'
 * from 'start' to its end (the field at 'start + offset' holds the
 * pseudo-header sum, as Linux leaves it) and stores the result in that
 * field.  Returns 0, or -EINVAL if the field lies outside the frame. */
int sim_csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);

/* Completes the TCP or UDP checksum of the 'len'-byte 'frame', parsed into
 * 'eth', if its sender left it to "hardware" and the frame arrived
 * without the metadata that says so (out of a VXLAN tunnel, whose far
 * end's kernel trusts its own partial checksums): an IPv4 (unfragmented)
 * or IPv6 TCP/UDP packet whose checksum is wrong but whose checksum field
 * holds exactly the pseudo-header's sum gets the checksum a NIC would
 * compute.  Any other frame, including one with a checksum wrong in
 * another way, is left alone.  Returns 1 if it completed a checksum, 0 if
 * it left a TCP/UDP packet alone, -EINVAL for other frames. */
int sim_csum_fix_inner(uint8_t *frame, size_t len, const struct sim_eth *eth);

/* A TCP segmentation-offload super-frame (what a sender hands a NIC with
 * TSO): headers once, then up to 64 KB of payload, to be sent as segments
 * of at most 'mss' payload bytes each. */
struct sim_tso {
    const uint8_t *frame; /* Borrowed. */
    size_t len;
    size_t l3, l4, hdr; /* Offsets of the IP and TCP headers, payload. */
    uint16_t mss;
    bool ipv6;
};

/* Checks that the 'len'-byte 'frame' is an IPv4 or IPv6 TCP packet whose
 * TCP header is at 'l4_off' (IPv4 without fragmentation, IPv6 without
 * extension headers; 0: right after the IP header) and prepares '*tso'
 * to cut it into segments of 'mss' payload bytes.  'frame' is borrowed and must outlive '*tso'.  Returns 0
 * or -EINVAL. */
int sim_tso_init(struct sim_tso *tso, const uint8_t *frame, size_t len,
                 size_t l4_off, uint16_t mss);

/* Returns how many segments 'tso' makes (at least one). */
size_t sim_tso_count(const struct sim_tso *tso);

/* Writes segment 'k' (0 <= k < sim_tso_count()) into 'out', which must
 * hold tso->hdr + tso->mss bytes, as a NIC would send it: the headers
 * with the IPv4 total length, ID (+k) and header checksum or the IPv6
 * payload length fixed, the TCP sequence number advanced, FIN and PSH on
 * the last segment only and CWR on the first only, and the TCP checksum
 * complete.  Returns the segment's length. */
size_t sim_tso_segment(const struct sim_tso *tso, size_t k, uint8_t *out);

/* Writes the headers of segment 'k' (0 <= k < sim_tso_count()) into 'out',
 * which must hold tso->hdr bytes, exactly as sim_tso_segment() would,
 * TCP checksum included, and points '*payload' at the segment's '*plen'
 * payload bytes where they lie in the super-frame, without copying them:
 * for a send that gathers headers and payload.  Returns the segment's
 * length (tso->hdr + '*plen'). */
size_t sim_tso_segment_hdr(const struct sim_tso *tso, size_t k, uint8_t *out,
                           const uint8_t **payload, size_t *plen);

/* The total length of the IPv4 packet 'ip' of at most 'len' bytes (the
 * rest is Ethernet padding), or 0 if its header says something else. */
size_t sim_ipv4_total(const uint8_t *ip, size_t len);

/* Fragments of an IPv4 packet (RFC 791, 3.2 and RFC 815's arithmetic):
 * the 'len'-byte 'frame' (an Ethernet header of 'l3_off' bytes, then the
 * packet, perhaps itself a fragment) cut to fit an IP MTU of 'mtu'.
 * Returns how many fragments it makes, or 0 if it cannot be cut that
 * small (the MTU leaves less than 8 bytes of data after the header) or
 * the header is malformed. */
size_t sim_ipv4_fragment_count(const uint8_t *frame, size_t len, size_t l3_off,
                               uint32_t mtu);

/* Writes fragment 'i' (from 0, less than sim_ipv4_fragment_count()) of
 * 'frame' into 'out', which has room for SIM_ETH_HLEN + 'mtu' bytes: the
 * Ethernet header of 'frame' as it is, the first fragment's IP header
 * with every option, the later ones' with only the options whose copied
 * flag is set, each with its offset, More Fragments and length, and its
 * checksum.  Returns the fragment's length. */
size_t sim_ipv4_fragment(const uint8_t *frame, size_t len, size_t l3_off,
                         uint32_t mtu, size_t i, uint8_t *out);

#endif /* sim/frame.h */
