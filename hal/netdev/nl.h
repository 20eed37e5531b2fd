/* SPDX-License-Identifier: Apache-2.0 */
/* The rtnetlink transport of the netdev backend: the bottom layer of
 * hal/netdev/.  It knows netlink sockets, messages and the kernel's link
 * and bridge FDB objects, and nothing of the HAL's mirror above it, so
 * that it can be tested alone.
 *
 *   - A request socket ('struct nd_nl'): batched requests whose verdicts
 *     come back per request, single requests, dumps and link queries.
 *   - Notification sockets: subscribed to rtnetlink groups, read without
 *     blocking, each message handed to the caller's callback.
 *   - Builders of link and neighbour requests, and parsers of link and
 *     bridge FDB messages.
 *
 * Errors are 0 or a negative errno. */
#ifndef HAL_NETDEV_NL_H
#define HAL_NETDEV_NL_H 1

#include <net/if.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"
#include "hal/netdev/netdev.h"

struct nl_msg;
struct nl_sock;
struct nlmsghdr;

/* ---- The request socket ------------------------------------------------- */

struct nd_nl {
    struct nl_sock *sock;
    uint32_t seq;    /* Next sequence number. */
    uint64_t writes; /* Requests sent through batches, since open. */
};

/* Connects 'nl' to NETLINK_ROUTE with large socket buffers.  On failure
 * 'nl' is still safe to pass to nd_nl_close(). */
int nd_nl_open(struct nd_nl *nl);

/* Closes the socket of 'nl'.  Accepts a zeroed or failed 'nl'. */
void nd_nl_close(struct nd_nl *nl);

/* Receives each message of a dump or query, borrowed for the call. */
typedef void nd_nl_msg_cb(struct nlmsghdr *, void *aux);

/* A batch of requests sent back to back and acknowledged together.  Each
 * request has a status slot; several requests may share one, which then
 * gets the first error. */
struct nd_batch {
    struct nd_nl *nl;
    char *buf;
    size_t len, allocated;
    int **slots; /* By sequence number minus 'first_seq'. */
    size_t n, allocated_slots;
    uint32_t first_seq;
};

void nd_batch_init(struct nd_batch *, struct nd_nl *);
/* Queues 'msg' (takes ownership) with status slot 'status' (may be NULL;
 * borrowed until the batch is flushed).  A NULL 'msg' (a builder that
 * failed) sets '*status' to -ENOMEM.  May send what is queued already. */
void nd_batch_add(struct nd_batch *, struct nl_msg *msg, int *status);
/* Sends what is queued and waits for the kernel's verdicts. */
void nd_batch_flush(struct nd_batch *);
/* Flushes, then frees what the batch holds. */
void nd_batch_destroy(struct nd_batch *);

/* Sends one request and waits for its verdict.  Takes ownership of
 * 'msg'. */
int nd_request(struct nd_nl *, struct nl_msg *msg);

/* Dumps 'type' (RTM_GETLINK, RTM_GETNEIGH) of 'family', calling 'cb' for
 * each message. */
int nd_dump(struct nd_nl *, int type, int family, nd_nl_msg_cb *cb, void *aux);

/* The kernel's view of an interface. */
struct nd_link_info {
    int ifindex;
    char name[IFNAMSIZ];
    char alias[HAL_NETDEV_ALIAS_MAX];
    char kind[16];
    int master;
    int lower; /* IFLA_LINK */
    bool oper_up;
    uint16_t vlan; /* kind "vlan" */
    uint32_t vni;  /* kind "vxlan"; HAL_VNI_NONE otherwise. */
    struct in_addr local;
    uint16_t vxlan_port;
    uint64_t rx_packets, rx_bytes, tx_packets, tx_bytes;
};

/* Reads interface 'ifindex', or with 'ifindex' 0 the one named 'name', into
 * '*info'.  -ENODEV (or -ENOENT) for no such interface. */
int nd_link_get(struct nd_nl *, int ifindex, const char *name,
                struct nd_link_info *info);

/* Looks up interface 'name' and tags it with 'alias'.  Stores its ifindex
 * in '*ifindex'. */
int nd_link_tag(struct nd_nl *, const char *name, const char *alias,
                int *ifindex);

/* ---- Notification sockets ----------------------------------------------- */

/* Opens a nonblocking socket subscribed to the 'n' rtnetlink groups in
 * 'groups' (RTNLGRP_*), with a receive buffer of 'rcvbuf' bytes (beyond the
 * system limit when privileged), and stores it in '*sockp'.  The caller
 * frees it with nl_socket_free(). */
int nd_nl_notify_open(const int *groups, size_t n, int rcvbuf,
                      struct nl_sock **sockp);

/* Reads every notification waiting on 'sock' without blocking and passes
 * each message to 'cb'.  Returns true if the kernel dropped notifications
 * since the last call (the socket's buffer overflowed), in which case the
 * caller should re-read the state it mirrors. */
bool nd_nl_notify_recv(struct nl_sock *sock, nd_nl_msg_cb *cb, void *aux);

/* ---- Parsers ------------------------------------------------------------ */

/* Fills '*info' from an RTM_NEWLINK or RTM_DELLINK message.  Returns 0 or
 * -EINVAL (another message, or no ifindex). */
int nd_link_parse(struct nlmsghdr *, struct nd_link_info *info);

/* A bridge FDB notification or dump entry. */
struct nd_neigh_info {
    int ifindex;
    int master;
    struct hal_mac mac;
    uint16_t state; /* NUD_* */
    uint8_t flags;  /* NTF_* */
    bool has_dst;
    struct in_addr dst;
    uint32_t vni; /* HAL_VNI_NONE without NDA_VNI. */
};

/* Fills '*info' from an AF_BRIDGE neighbour message.  Returns 0 or
 * -EINVAL. */
int nd_neigh_parse(struct nlmsghdr *, struct nd_neigh_info *info);

/* ---- Request builders ----------------------------------------------------
 *
 * Each returns a new message, or NULL when libnl cannot build it.  Creating
 * an interface does not set its alias (the kernel ignores IFLA_IFALIAS
 * then): follow with nd_msg_link_alias(). */

struct nl_msg *nd_msg_bridge_add(const char *name);
struct nl_msg *nd_msg_vxlan_add(const char *name, uint32_t vni,
                                struct in_addr local, uint16_t port,
                                int master);
struct nl_msg *nd_msg_vlan_add(const char *name, int lower, uint16_t vlan);
struct nl_msg *nd_msg_link_del(int ifindex);
struct nl_msg *nd_msg_link_alias(int ifindex, const char *alias);
struct nl_msg *nd_msg_link_master(int ifindex, int master, bool up);
/* Puts 'ifindex' in device group 'group' (0: the default). */
struct nl_msg *nd_msg_link_group(int ifindex, uint32_t group);
struct nl_msg *nd_msg_vxlan_local(int ifindex, struct in_addr local);
struct nl_msg *nd_msg_bridge_ageing(int ifindex, uint32_t ageing_cs);
struct nl_msg *nd_msg_brport_learning(int ifindex, bool learning);

/* A bridge FDB entry: 'self' entries live in the VXLAN device's own table
 * (with 'dst' and optional 'vni'), 'master' ones in the Linux bridge. */
struct nd_neigh {
    int ifindex;
    struct hal_mac mac;
    bool self;          /* NTF_SELF, else NTF_MASTER. */
    struct in_addr dst; /* Self entries: the remote VTEP. */
    uint32_t vni;       /* HAL_VNI_NONE: the device's VNI. */
};

/* 'append' adds one more destination for the MAC (flood lists, multicast
 * groups); otherwise the entry is created or replaced. */
struct nl_msg *nd_msg_neigh_add(const struct nd_neigh *, bool append);
struct nl_msg *nd_msg_neigh_del(const struct nd_neigh *);

/* For the conformance hooks: a dynamic entry for 'mac' on bridge port
 * 'ifindex', as the bridge makes when it learns from a frame, and a change
 * of interface 'ifindex''s administrative state, as a cable pull makes of
 * its operational state. */
struct nl_msg *nd_msg_neigh_learn(int ifindex, const struct hal_mac *mac);
struct nl_msg *nd_msg_link_updown(int ifindex, bool up);
/* Bridge port 'ifindex''s neigh_suppress flag: the bridge answers ARP and
 * NS from its neighbour table for MACs behind such a port. */
struct nl_msg *nd_msg_brport_neigh_suppress(int ifindex, bool on);
/* A permanent IPv4/IPv6 neighbour 'ip' → 'mac' on 'ifindex' (replaced if
 * present), and its removal. */
struct nl_msg *nd_msg_ip_neigh_add(int ifindex, const struct hal_ip *ip,
                                   const struct hal_mac *mac);
struct nl_msg *nd_msg_ip_neigh_del(int ifindex, const struct hal_ip *ip);

#endif /* hal/netdev/nl.h */
