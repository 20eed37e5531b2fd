/* SPDX-License-Identifier: Apache-2.0 */
/* Internals of the software ASIC, shared by the files of hal/asic/.
 *
 * The model has two halves:
 *
 *   - "Chip memory" (chip.c): fixed-size tables in one contiguous region,
 *     laid out from the profile, holding no pointers, only indexes.  It is
 *     what a switch ASIC holds in its tables and what survives a restart
 *     when the region is a mapped file.
 *
 *   - Process state (struct hal_asic): hash indexes, free lists and resync
 *     marks.  The event FIFO and the clock are the generic layer's
 *     (hal/hal-provider.h).  It is what an SDK keeps in host memory, and it
 *     is rebuilt from chip memory on every open.
 *
 * Every change to chip memory that a real SDK would push to the hardware
 * goes through a function that counts it in 'writes', so that tests can
 * prove that a resync rewrote nothing. */
#ifndef HAL_ASIC_ASIC_PRIVATE_H
#define HAL_ASIC_ASIC_PRIVATE_H 1

#include "hal/asic/asic.h"
#include "hal/asic/profile.h"
#include "hal/hal-acl.h"
#include "hal/hal-provider.h"
#include "hal/hal-route.h"
#include "lib/hmap.h"
#include "lib/list.h"

/* ---- Chip memory -------------------------------------------------------- */

#define ASIC_CHIP_MAGIC "VTEPASIC"
#define ASIC_CHIP_VERSION 5
#define ASIC_NONE UINT32_MAX /* "No entry" in index fields. */

struct asic_chip_header {
    char magic[8];
    uint32_t version;
    uint32_t clean;      /* 1 after an orderly close. */
    uint64_t signature;  /* Hash of the layout: geometry and port names. */
    uint64_t size;       /* Bytes mapped. */
    uint64_t generation; /* Incremented on every attach. */
    char profile[32];
    /* Switch attributes. */
    uint32_t tunnel_src; /* Network byte order. */
    uint32_t aging_time_s;
    uint16_t vxlan_port;
    uint16_t pad[3];
};

struct asic_port {
    char name[HAL_NAME_MAX];
    uint32_t speed_mbps;
    uint8_t oper_up;
    uint8_t pad[3];
};

struct asic_bridge {
    char name[HAL_NAME_MAX];
    uint32_t vni;
    uint8_t valid;
    uint8_t replication; /* enum hal_replication. */
    uint8_t learning;
    uint8_t pad;
    uint32_t flood_head[HAL_FLOOD_N]; /* First asic_repl, or ASIC_NONE. */
    uint16_t flood_len[HAL_FLOOD_N];
    uint16_t pad2;
};

struct asic_binding {
    uint8_t valid;
    uint8_t pad;
    uint16_t port;
    uint16_t vlan;
    uint16_t bridge;
    struct hal_binding_stats stats;
};

struct asic_tunnel {
    uint8_t valid;
    uint8_t pad[3];
    uint32_t ip; /* Network byte order. */
    struct hal_tunnel_stats stats;
};

/* One entry of a replication list (flood list or multicast group). */
struct asic_repl {
    uint8_t valid;
    uint8_t pad;
    uint16_t tunnel;
    uint32_t next; /* Or ASIC_NONE. */
};

struct asic_mcast {
    uint8_t valid;
    uint8_t pad;
    uint16_t bridge;
    struct hal_mac mac;
    uint16_t len;
    uint32_t head;
};

#define ASIC_FDB_STATIC 0x01
#define ASIC_FDB_REMOTE 0x02

/* An L2 entry.  'key' is 0 in an empty slot. */
struct asic_fdb_slot {
    uint64_t key; /* (bridge index + 1) << 48 | MAC. */
    int64_t last_seen_ms;
    uint32_t vni; /* Remote entries: per-entry VNI or HAL_VNI_NONE. */
    uint16_t port;
    uint16_t vlan;
    uint16_t tunnel;
    uint8_t flags;
    uint8_t pad;
    uint32_t pad2;
};

/* The ACL stages' TCAM contents (acl.c): tables, their rules on a list in
 * match order (each rule stands for the TCAM entries its ranges expand
 * to, and holds their shared hit counter), and bindings. */
struct asic_acl_chip_table {
    uint8_t valid;
    uint8_t stage; /* enum hal_acl_stage. */
    uint16_t pad;
    uint32_t n_rules;
    uint32_t head; /* First asic_acl_chip_rule, or ASIC_NONE. */
    uint32_t pad2;
    uint64_t id; /* The table's object id value. */
    char name[HAL_NAME_MAX];
};

struct asic_acl_chip_rule {
    uint8_t valid;
    uint8_t action; /* enum hal_acl_action. */
    uint16_t pad;
    uint32_t next; /* Or ASIC_NONE. */
    int64_t seq;
    uint64_t hits;
    struct hal_acl_match match;
};

/* In asic_acl_chip_bind.stage: 'port' is a router interface index. */
#define ASIC_ACL_CHIP_RIF 0x80

struct asic_acl_chip_bind {
    uint8_t valid;
    uint8_t stage; /* enum hal_acl_stage, | ASIC_ACL_CHIP_RIF. */
    uint16_t vlan;
    uint32_t port;
    uint32_t table; /* asic_acl_chip_table index. */
};

/* The L3 tables (route.c).  A slot is in use if 'valid'; indexes name
 * slots of the same kind of table (router, rif, next hop). */
struct asic_router {
    uint8_t valid;
    uint8_t pad[7];
    struct hal_router_config c;
    struct hal_router_stats st;
};

struct asic_rif {
    uint8_t valid;
    uint8_t len;
    uint16_t pad;
    uint32_t router, bridge;
    struct hal_ip ip;
};

struct asic_nexthop {
    uint8_t valid;
    uint8_t pad[3];
    uint32_t rif;
    struct hal_ip ip;
};

struct asic_route {
    uint8_t valid;
    uint8_t len;
    uint8_t via_rif; /* Connected: 'target' is a rif, else a next hop. */
    uint8_t pad;
    uint32_t router;
    uint32_t target;
    struct hal_ip prefix;
};

struct asic_rneigh {
    uint8_t valid;
    uint8_t learned;
    uint16_t pad;
    uint32_t rif;
    struct hal_ip ip;
    struct hal_mac mac;
    uint16_t pad2;
    int64_t seen_ms; /* Learned entries: when last learned (LRU). */
};

/* ---- Process state ------------------------------------------------------ */

/* A fixed-capacity table of chip slots with a free list and a hash index
 * (one hmap_node per slot, so indexing never allocates). */
struct asic_table {
    uint32_t capacity;
    uint32_t used;
    uint32_t *free_stack; /* Lowest index on top. */
    uint32_t n_free;
    uint8_t *in_use;
    struct hmap index;
    struct hmap_node *nodes;
};

void asic_table_init(struct asic_table *, uint32_t capacity);
void asic_table_destroy(struct asic_table *);
/* Takes the lowest free slot.  Returns its index or HAL_E_TABLE_FULL. */
int64_t asic_table_alloc(struct asic_table *);
/* Marks slot 'idx' in use when rebuilding from chip memory; call
 * asic_table_claims_done() after the last claim to rebuild the free list. */
void asic_table_claim(struct asic_table *, uint32_t idx);
void asic_table_claims_done(struct asic_table *);
void asic_table_free(struct asic_table *, uint32_t idx);
void asic_table_index(struct asic_table *, uint32_t idx, uint32_t hash);
void asic_table_unindex(struct asic_table *, uint32_t idx);

/* Walks the indexed slots with hash HASH; IDX is a uint32_t variable. */
#define ASIC_TABLE_FOR_EACH_WITH_HASH(IDX, HASH, TABLE)                   \
    for (struct hmap_node *IDX##_n__ =                                    \
             hmap_first_with_hash(&(TABLE)->index, HASH);                 \
         IDX##_n__ ? ((IDX) = (uint32_t) (IDX##_n__ - (TABLE)->nodes), 1) \
                   : 0;                                                   \
         IDX##_n__ = hmap_next_with_hash(IDX##_n__))

struct asic_fdb_bank {
    uint32_t base; /* Index of the bank's first slot. */
    uint32_t mask; /* n_buckets - 1. */
    uint32_t ways;
    uint32_t seed;
};

struct hal_asic {
    struct hal up;
    struct hal_asic_profile *profile;

    /* Chip memory. */
    void *mem;
    size_t mem_size;
    int fd; /* Mapped state file, or -1 for anonymous memory. */
    struct asic_chip_header *hdr;
    struct asic_port *ports;
    struct asic_bridge *bridges;
    struct asic_binding *bindings;
    struct asic_tunnel *tunnels;
    struct asic_repl *repl;
    struct asic_mcast *mcast;
    struct asic_fdb_slot *fdb;
    struct asic_acl_chip_table *acl_tables;
    struct asic_acl_chip_rule *acl_rules;
    struct asic_acl_chip_bind *acl_binds;
    struct asic_router *routers;
    struct asic_rif *rifs;
    struct asic_nexthop *nexthops;
    struct asic_route *routes;
    struct asic_rneigh *rneighs;

    /* L2 table geometry and occupancy. */
    size_t n_banks;
    struct asic_fdb_bank banks[HAL_ASIC_MAX_BANKS];
    uint32_t fdb_capacity;
    uint32_t fdb_used;
    uint32_t fdb_learned;

    /* Indexes over chip memory. */
    struct asic_table t_bridge; /* By name. */
    struct hmap bridge_by_vni;
    struct hmap_node *bridge_vni_nodes;
    struct asic_table t_binding;  /* By (port, vlan). */
    struct list *bridge_bindings; /* Per bridge: its bindings. */
    struct list *binding_nodes;   /* Per binding: in bridge_bindings. */
    struct asic_table t_tunnel;   /* By IP. */
    uint32_t *tunnel_refs;
    struct asic_table t_repl;  /* Not indexed. */
    struct asic_table t_mcast; /* By (bridge, MAC). */

    /* Neighbour (host) table and counters, neigh.c's. */
    struct asic_neigh_table *neigh;

    /* ACL TCAMs, tables and bindings, acl.c's. */
    struct asic_acl *acl;
    const struct hal_acl_packet *acl_packet; /* Of the frame in forwarding. */

    /* Aging (fdb.c), on the HAL clock, hal_now(). */
    int64_t next_age_ms;

    /* Resync marks (NULL outside a resync). */
    bool resyncing;
    uint8_t *seen_bridge;
    uint8_t *seen_flood; /* bridges × HAL_FLOOD_N. */
    uint8_t *seen_binding;
    uint8_t *seen_mcast;
    uint8_t *seen_fdb;

    /* BFD sessions (bfd.c), in process memory. */
    struct hal_bfd_sessions bfds;
    hal_asic_bfd_tx_fn *bfd_tx;
    void *bfd_tx_aux;
    hal_asic_ra_tx_fn *ra_tx;
    void *ra_tx_aux;

    /* Statistics. */
    uint64_t writes;
    uint64_t bucket_full;
    uint64_t learn_failures;

    /* Indexes over the L3 tables, and the L3 step's own state (route.c). */
    struct asic_l3 *l3;
};

static inline struct hal_asic *
asic_cast(const struct hal *hal)
{
    return container_of(hal, struct hal_asic, up);
}

/* Object ids: the index of the port or bridge in chip memory. */
static inline hal_oid_t
asic_port_oid(uint32_t idx)
{
    return hal_oid_make(HAL_OBJECT_PORT, idx);
}

static inline hal_oid_t
asic_bridge_oid(uint32_t idx)
{
    return hal_oid_make(HAL_OBJECT_BRIDGE, idx);
}

/* Returns the index of port 'oid', or -1 if there is no such port. */
int64_t asic_port_index(const struct hal_asic *, hal_oid_t oid);
/* Returns the index of bridge 'oid', or -1 if there is no such bridge. */
int64_t asic_bridge_index(const struct hal_asic *, hal_oid_t oid);

/* chip.c */
int asic_chip_attach(struct hal_asic *, const struct hal_config *, bool *warm);
void asic_chip_detach(struct hal_asic *);
void asic_indexes_build(struct hal_asic *);
void asic_indexes_destroy(struct hal_asic *);

/* fdb.c */
static inline uint64_t
asic_fdb_key(uint32_t bridge, const struct hal_mac *mac)
{
    uint64_t key = (uint64_t) (bridge + 1) << 48;
    int i;

    for (i = 0; i < 6; i++) {
        key |= (uint64_t) mac->ea[i] << (40 - 8 * i);
    }
    return key;
}

static inline uint32_t
asic_fdb_key_bridge(uint64_t key)
{
    return (uint32_t) (key >> 48) - 1;
}

void asic_fdb_key_mac(uint64_t key, struct hal_mac *);
uint32_t asic_fdb_bucket(const struct hal_asic *, size_t bank, uint64_t key);
struct asic_fdb_slot *asic_fdb_find(const struct hal_asic *, uint64_t key);
/* Finds room for 'key' (not present).  Returns a free slot, or NULL with
 * '*error' set to HAL_E_TABLE_FULL or HAL_E_BUCKET_FULL. */
struct asic_fdb_slot *asic_fdb_alloc(struct hal_asic *, uint64_t key,
                                     int *error);
/* Empties 'slot', dropping its tunnel reference. */
void asic_fdb_free(struct hal_asic *, struct asic_fdb_slot *);
/* Learns or refreshes (bridge, mac) at (port, vlan).  Returns 0 or an
 * error if the entry could not be added. */
int asic_fdb_learn(struct hal_asic *, uint32_t bridge, const struct hal_mac *,
                   uint32_t port, uint16_t vlan);
/* Removes learned entries matching the arguments (ASIC_NONE: any) and
 * reports them with 'type'. */
void asic_fdb_flush_learned(struct hal_asic *, uint32_t bridge, uint32_t port,
                            uint32_t vlan, enum hal_event_type type);
void asic_fdb_to_entry(const struct hal_asic *, const struct asic_fdb_slot *,
                       struct hal_fdb_entry *);
/* Queues an FDB event about 'slot'; 'old' is the entry before a move, or
 * NULL. */
void asic_event_fdb(struct hal_asic *, enum hal_event_type,
                    const struct asic_fdb_slot *slot,
                    const struct asic_fdb_slot *old);
/* Ages out the learned entries not seen for the aging time, if the age
 * timer ('next_age_ms') is due, and rearms it. */
void asic_fdb_age(struct hal_asic *);

/* l2.c: bridges, bindings. */
int64_t asic_binding_find(const struct hal_asic *, uint32_t port,
                          uint16_t vlan);
int64_t asic_bridge_by_vni(const struct hal_asic *, uint32_t vni);
uint32_t asic_bridge_name_hash(const char *name);
uint32_t asic_binding_hash(uint32_t port, uint16_t vlan);
void asic_bridge_destroy(struct hal_asic *, uint32_t bridge);
void asic_binding_destroy(struct hal_asic *, uint32_t idx);

/* repl.c: tunnels, replication lists, multicast groups. */
uint32_t asic_tunnel_hash(uint32_t ip);
int64_t asic_tunnel_find(const struct hal_asic *, uint32_t ip);
/* Takes a reference on the tunnel to 'ip', creating it if needed.
 * Returns its index or HAL_E_TABLE_FULL. */
int64_t asic_tunnel_ref(struct hal_asic *, uint32_t ip);
void asic_tunnel_unref(struct hal_asic *, uint32_t idx);
uint32_t asic_mcast_hash(uint32_t bridge, const struct hal_mac *);
int64_t asic_mcast_find(const struct hal_asic *, uint32_t bridge,
                        const struct hal_mac *);
void asic_repl_release(struct hal_asic *, uint32_t *head, uint16_t *len);
void asic_mcast_destroy(struct hal_asic *, uint32_t idx);

/* neigh.c: the host table (process memory; see the file comment). */
void asic_neigh_init(struct hal_asic *);
void asic_neigh_destroy(struct hal_asic *);
/* Removes the entries and resets the counters of bridge index 'bridge'. */
void asic_neigh_bridge_gone(struct hal_asic *, uint32_t bridge);
void asic_neigh_resources(const struct hal_asic *, struct hal_resource *);
/* Looks 'target' up in bridge index 'bridge' and counts the request as
 * answered (true, '*mac' set) or flooded (false). */
bool asic_neigh_resolve(struct hal_asic *, uint32_t bridge,
                        const struct hal_ip *target, struct hal_mac *mac);

/* Provider callbacks, by file. */
int asic_bridge_set(struct hal *, const struct hal_bridge_config *,
                    hal_oid_t *);
int asic_bridge_remove(struct hal *, hal_oid_t);
int asic_bridge_get(const struct hal *, hal_oid_t, struct hal_bridge_config *);
int asic_binding_set(struct hal *, const struct hal_binding *, size_t, int *);
int asic_binding_remove(struct hal *, const struct hal_binding *, size_t,
                        int *);
int asic_fdb_set(struct hal *, const struct hal_fdb_entry *, size_t, int *);
int asic_fdb_remove(struct hal *, const struct hal_fdb_entry *, size_t, int *);
int asic_fdb_flush(struct hal *, const struct hal_fdb_flush *);
int asic_flood_set(struct hal *, const struct hal_flood_group *, size_t,
                   int *);
int asic_mcast_set(struct hal *, const struct hal_flood_group *, size_t,
                   int *);
int asic_mcast_remove(struct hal *, const struct hal_flood_group *, size_t,
                      int *);
int asic_neigh_set(struct hal *, const struct hal_neigh_entry *, size_t,
                   int *);
int asic_neigh_remove(struct hal *, const struct hal_neigh_entry *, size_t,
                      int *);
int asic_neigh_stats_get(const struct hal *, hal_oid_t,
                         struct hal_neigh_stats *);
void asic_neigh_walk(const struct hal *, hal_oid_t, hal_neigh_walk_cb *,
                     void *);
int asic_resync_begin(struct hal *);
int asic_resync_end(struct hal *);
/* Ends a resync without sweeping (if one is under way): frees the marks
 * and clears 'resyncing'. */
void asic_resync_abandon(struct hal_asic *);
void asic_fdb_walk(const struct hal *, hal_oid_t, hal_fdb_walk_cb *, void *);
void asic_binding_walk(const struct hal *, hal_binding_walk_cb *, void *);
void asic_flood_walk(const struct hal *, hal_flood_walk_cb *, void *);
void asic_bridge_walk(const struct hal *, hal_bridge_walk_cb *, void *);

/* bfd.c: BFD sessions, the provider's bfd_* functions. */
int asic_bfd_set(struct hal *, const struct hal_bfd_config *, hal_oid_t *);
int asic_bfd_remove(struct hal *, hal_oid_t);
int asic_bfd_get(const struct hal *, hal_oid_t, struct hal_bfd_info *);
/* Runs the sessions' timers and sends what is due. */
void asic_bfd_run(struct hal_asic *, int64_t now);
/* Returns when asic_bfd_run() next has work, INT64_MAX if never. */
int64_t asic_bfd_next_wake(const struct hal_asic *);
/* Frees every session and the index. */
void asic_bfd_destroy_all(struct hal_asic *);

/* neigh.c: looks 'ip' up in bridge index 'bridge''s host table without
 * counting; true with '*mac' set if it is there. */
bool asic_neigh_lookup(const struct hal_asic *, uint32_t bridge,
                       const struct hal_ip *ip, struct hal_mac *mac);

/* forward.c: sends a frame the switch itself makes (routed, or an ARP
 * request) to 'dst' in bridge index 'bridge': the FDB entry's port or VTEP,
 * else every local binding and the flood list.  Resets 'd' first. */
void asic_l2_emit(struct hal_asic *, uint32_t bridge,
                  const struct hal_mac *dst, uint32_t bytes,
                  struct hal_asic_decision *d);
/* forward.c: sends a frame of 'bytes' bytes in VXLAN with bridge index
 * 'bridge''s VNI to the VTEP 'vtep' (counted on its tunnel, if there is
 * one).  Resets 'd' first. */
void asic_l2_emit_vtep(struct hal_asic *, uint32_t bridge, struct in_addr vtep,
                       uint32_t bytes, struct hal_asic_decision *d);

/* route.c: the L3 tables. */
/* Builds the indexes over the L3 tables of chip memory. */
void asic_l3_init(struct hal_asic *);
void asic_l3_resync_begin(struct hal_asic *);
/* Removes the L3 configuration the resync did not mark. */
void asic_l3_resync_end(struct hal_asic *);
void asic_l3_destroy(struct hal_asic *);
void asic_l3_resources(const struct hal_asic *, struct hal_resource res[]);
/* route-pipe.c: removes the learned router neighbours past their life
 * (hal_run()); asic_l3_next_wake() is when that is next due. */
void asic_l3_age(struct hal_asic *);
int64_t asic_l3_next_wake(const struct hal_asic *);
/* ra.c: sends the router advertisements that are due (hal_run());
 * asic_l3_ra_next_wake() is when the next is. */
void asic_l3_ra_run(struct hal_asic *, int64_t now_ms);
int64_t asic_l3_ra_next_wake(const struct hal_asic *);
/* ra.c: bridge index 'bridge' (every bridge router index 'router'
 * advertises on) stops being advertised on: sends the final advertisement
 * (router lifetime 0) if any was sent there, and forgets the timers. */
void asic_l3_ra_cease(struct hal_asic *, uint32_t bridge);
void asic_l3_ra_cease_router(struct hal_asic *, uint32_t router);
/* Removes the router interfaces on bridge index 'bridge'. */
void asic_l3_bridge_gone(struct hal_asic *, uint32_t bridge);
/* Returns true if a frame to 'dst' (with 'arp_target' for an ARP request)
 * on bridge index 'bridge' is for the bridge's router. */
bool asic_l3_punt(const struct hal_asic *, uint32_t bridge,
                  const struct hal_mac *dst, const struct hal_ip *arp_target);
/* Returns the index of router index 'router''s longest match for 'dst', or
 * -1. */
int64_t asic_l3_lpm(const struct hal_asic *, uint32_t router,
                    const struct hal_ip *dst);
int asic_router_set(struct hal *, const struct hal_router_config *,
                    hal_oid_t *);
int asic_router_remove(struct hal *, hal_oid_t);
int asic_router_stats_get(const struct hal *, hal_oid_t,
                          struct hal_router_stats *);
int asic_rif_create(struct hal *, const struct hal_rif_config *, hal_oid_t *);
int asic_rif_remove(struct hal *, hal_oid_t);
int asic_nexthop_create(struct hal *, const struct hal_nexthop_config *,
                        hal_oid_t *);
int asic_nexthop_remove(struct hal *, hal_oid_t);
int asic_route_set(struct hal *, const struct hal_route_entry *, size_t,
                   int *);
int asic_route_remove(struct hal *, const struct hal_route_entry *, size_t,
                      int *);
int asic_rneigh_set(struct hal *, const struct hal_rneigh_entry *, size_t,
                    int *);
int asic_rneigh_remove(struct hal *, const struct hal_rneigh_entry *, size_t,
                       int *);
void asic_route_walk(const struct hal *, const struct hal_route_walk *,
                     void *);
/* Returns the index of router interface 'oid', or -1 if there is none. */
int64_t asic_l3_rif_index(const struct hal_asic *, hal_oid_t oid);
/* Appends "ROUTER IP/LEN" of router interface index 'rif' to 'out'. */
void asic_l3_rif_format(const struct hal_asic *, uint32_t rif, struct ds *out);

/* acl.c: the ACL stages (chip memory with process indexes; see the file
 * comment). */

/* A value/mask TCAM prefix of a 16-bit field. */
struct asic_prefix {
    uint16_t value, mask;
};

/* The most prefixes a 16-bit range needs (2 * 16 - 2), rounded up. */
#define ASIC_MAX_PREFIXES 32

/* Covers lo..hi (lo <= hi) with the fewest value/mask prefixes, as an SDK
 * does for a TCAM, into 'out'.  Returns how many. */
size_t asic_acl_range_prefixes(uint16_t lo, uint16_t hi,
                               struct asic_prefix out[ASIC_MAX_PREFIXES]);
/* Returns the TCAM entries a rule with match 'm' costs. */
uint32_t asic_acl_rule_cost(const struct hal_acl_match *m);
/* acl-chip.c: slots of chip memory's ACL sections for 'profile': tables,
 * rules (one per rule, and a rule costs at least one TCAM entry) and
 * bindings. */
uint32_t asic_acl_chip_tables(const struct hal_asic_profile *);
uint32_t asic_acl_chip_rules(const struct hal_asic_profile *);
uint32_t asic_acl_chip_binds(const struct hal_asic_profile *);
/* Returns true if chip memory's ACL sections are consistent; otherwise
 * false with what is wrong in 'why'.  Frees rules on no table's list (left
 * by a crash). */
bool asic_acl_chip_ok(struct hal_asic *, char *why, size_t why_size);
/* Builds the ACL stages from chip memory (empty on a cold start). */
void asic_acl_init(struct hal_asic *);
/* Warm restart: between these, a table set with no id adopts a table of
 * the same name and stage that the TCAM kept; at the end, the tables and
 * bindings no one set again are removed. */
void asic_acl_resync_begin(struct hal_asic *);
void asic_acl_resync_end(struct hal_asic *);
void asic_acl_destroy(struct hal_asic *);
void asic_acl_resources(const struct hal_asic *, struct hal_resource res[]);
/* Returns true if some ACL is bound. */
bool asic_acl_active(const struct hal_asic *);
/* Looks 'p' up in the table bound to (port index 'port', 'vlan', 'stage'),
 * else to (port, 0, stage), counts the hit, and returns false if the rule
 * that matched denies.  No table, no match, or 'p' NULL: true. */
bool asic_acl_permits(struct hal_asic *, uint32_t port, uint16_t vlan,
                      enum hal_acl_stage stage,
                      const struct hal_acl_packet *p);
/* The same for router interface index 'rif' (no VLANs). */
bool asic_acl_rif_permits(struct hal_asic *, uint32_t rif,
                          enum hal_acl_stage stage,
                          const struct hal_acl_packet *p);
/* Removes the bindings of router interface index 'rif' (route.c, when the
 * interface goes). */
void asic_acl_rif_gone(struct hal_asic *, uint32_t rif);
int asic_acl_table_set(struct hal *, const struct hal_acl_table_config *,
                       hal_oid_t *);
int asic_acl_table_remove(struct hal *, hal_oid_t);
int asic_acl_counters_get(const struct hal *, hal_oid_t, uint64_t *, size_t);
int asic_acl_bind_set(struct hal *, const struct hal_acl_binding *, size_t,
                      int *);
int asic_acl_bind_remove(struct hal *, const struct hal_acl_binding *, size_t,
                         int *);
void asic_acl_dump(const struct hal *, struct ds *);

#endif /* hal/asic/asic-private.h */
