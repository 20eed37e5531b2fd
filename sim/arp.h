/* SPDX-License-Identifier: Apache-2.0 */
/* ARP (RFC 826) and IPv6 neighbour discovery (RFC 4861) for neighbour
 * suppression in the software dataplane: classify a frame's payload as a
 * request the switch may answer, and build the answer.
 *
 * Pure functions over byte buffers, like frame.h; every parser checks the
 * length before each field it reads. */
#ifndef SIM_ARP_H
#define SIM_ARP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"

#define SIM_ETH_TYPE_ARP 0x0806
#define SIM_ETH_TYPE_IPV6 0x86dd
#define SIM_ARP_LEN 28       /* Ethernet/IPv4 ARP body. */
#define SIM_ARP_FRAME_MIN 60 /* A reply is padded to the Ethernet minimum. */
/* An NA with a target link-layer address option: IPv6 + 24 + 8 bytes. */
#define SIM_NA_FRAME_LEN (14 + 40 + 32)
#define SIM_NEIGH_REPLY_MAX SIM_NA_FRAME_LEN

enum sim_neigh_kind {
    SIM_NEIGH_OTHER,     /* Not ARP or ND: forward as usual. */
    SIM_NEIGH_MALFORMED, /* ARP or ND that breaks the rules: drop. */
    SIM_NEIGH_PASSIVE,   /* Valid, but never answered (replies, gratuitous
                          * ARP, probes, DAD, advertisements): forward. */
    SIM_NEIGH_REQUEST,   /* A request the switch may answer. */
};

/* What a request asked: enough to answer it. */
struct sim_neigh_request {
    struct hal_ip target; /* The address asked about. */
    struct hal_ip sender; /* The asker's address. */
    struct hal_mac sha;   /* The asker's link-layer address. */
    bool has_sender;      /* 'sender' is worth learning (IP learning). */
};

/* Classifies the 'len'-byte 'payload' that followed an Ethernet header of
 * 'ethertype' from 'src'.  Fills '*req' (zeroed first): completely for
 * SIM_NEIGH_REQUEST; for ARP and NS also with the sender to learn, when
 * 'has_sender'. */
enum sim_neigh_kind sim_neigh_classify(uint16_t ethertype,
                                       const uint8_t *payload, size_t len,
                                       const struct hal_mac *src,
                                       struct sim_neigh_request *req);

/* Returns true if the 'len'-byte 'payload' that followed an Ethernet
 * header of 'ethertype' is a valid IPv6 router solicitation (RFC 4861
 * 6.1.1: hop limit 255, code 0, checksum right). */
bool sim_is_router_solicitation(uint16_t ethertype, const uint8_t *payload,
                                size_t len);

/* Writes into 'frame' the untagged Ethernet frame that answers 'req' with
 * 'mac': an ARP reply or a solicited neighbour advertisement.  Returns its
 * length (at most SIM_NEIGH_REPLY_MAX). */
size_t sim_neigh_reply(const struct sim_neigh_request *req,
                       const struct hal_mac *mac,
                       uint8_t frame[SIM_NEIGH_REPLY_MAX]);

/* The same, for the router's own addresses: an NA has the Router flag
 * (RFC 4861 4.4), without which a host that takes the router as its
 * default gateway drops it at its next neighbour unreachability probe
 * (7.2.5). */
size_t sim_router_neigh_reply(const struct sim_neigh_request *req,
                              const struct hal_mac *mac,
                              uint8_t frame[SIM_NEIGH_REPLY_MAX]);

#endif /* sim/arp.h */
