/* SPDX-License-Identifier: Apache-2.0 */
/* The netdev backend's ACL state (acl.c), for acl-egress.c. */
#ifndef HAL_NETDEV_ACL_PRIVATE_H
#define HAL_NETDEV_ACL_PRIVATE_H 1

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "hal/hal-acl.h"
#include "hal/netdev/netdev-private.h"
#include "lib/hmap.h"

struct nd_acl_table {
    struct hmap_node node; /* In 'tables', by id. */
    uint32_t id;
    char name[HAL_NAME_MAX];
    char chain[32];
    enum hal_acl_stage stage;
    struct hal_acl_rule *rules;
    size_t n_rules;
};

struct nd_acl_bind {
    struct hmap_node node; /* In 'binds'. */
    bool rif;              /* 'port' is a router interface (its oid). */
    uint64_t port;
    uint16_t vlan;
    enum hal_acl_stage stage;
    struct nd_acl_table *table;
};

/* A router interface binding in the inet table's dispatch chain. */
struct nd_acl_counted {
    hal_oid_t router; /* The interface's. */
    uint64_t denied;  /* Before a rebuild: what its rules counted. */
};

/* The bindings of the dispatch chain of a stage, in rule order: whose
 * drops its counters count. */
struct nd_acl_layout {
    struct nd_acl_counted *b;
    size_t n;
};

struct nd_acl {
    int fd;    /* NETLINK_NETFILTER, or -1 without nftables. */
    int error; /* Why ACLs are unavailable, or 0. */
    bool inet; /* The inet table exists: router interface bindings. */
    bool arp;  /* The arp table exists: the bridge's own ARP answers. */
    bool tags; /* tags.c's chains exist. */
    size_t tags_n_unbound;      /* Rules in tags.c's "tags-unbound", */
    uint64_t tags_unbound_gone; /* and what the rules it had counted. */
    bool egress; /* The netdev table exists: the ports' egress hooks. */
    char (*egress_devs)[IFNAMSIZ]; /* Devices with an egress chain. */
    size_t n_egress_devs;
    struct nd_acl_layout layout[HAL_ACL_STAGE_N]; /* In the kernel. */
    struct nd_acl_layout next[HAL_ACL_STAGE_N];   /* In the batch, */
    bool pending;                                 /* if it has them. */
    struct hmap tables, binds;
    uint32_t last_id;
    uint32_t used[HAL_ACL_STAGE_N];
    uint32_t capacity[HAL_ACL_STAGE_N];
};

/* acl-egress.c: the bridge's own neighbour advertisements (ND suppression)
 * through the egress ACLs of their ports, in the netdev family's egress
 * hook.  _init() makes the netdev table (its "out" dispatch chain and, as
 * every family, a chain per ACL table) and returns whether the kernel has
 * the hook; _sync() gives each device with an egress binding its base
 * chain (after the dispatch chains changed). */
bool nd_acl_egress_init(struct nd_acl *);
void nd_acl_egress_sync(const struct hal_netdev *, struct nd_acl *);
void nd_acl_egress_destroy(struct nd_acl *);

#endif /* hal/netdev/acl-private.h */
