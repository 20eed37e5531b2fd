/* SPDX-License-Identifier: Apache-2.0 */
/* The hardware abstraction layer (HAL): the contract between vtepd's
 * reconciler and whatever programs the forwarding tables of a VXLAN tunnel
 * endpoint, be it a switch ASIC, the software model in hal/asic/ or the
 * Linux kernel.
 *
 * Vocabulary (after SAI):
 *
 *   switch   The device: tunnel source IP, VXLAN UDP port, FDB aging time.
 *   port     A front-panel port, owned by the backend (from its platform).
 *   bridge   An L2 broadcast domain: one per logical switch, mapped to a VNI
 *            (the tunnel map) and named after the logical switch.
 *   binding  (port, VLAN) → bridge; VLAN 0 means untagged frames.
 *   FDB      (bridge, MAC) → a local port/VLAN or a remote VTEP IP, static
 *            (programmed) or learned (by the backend).
 *   tunnel   A remote VTEP.  Tunnels are implicit: the backend creates one
 *            when an FDB entry or flood list first names an IP and deletes
 *            it when the last reference goes.
 *   flood    Per bridge and per traffic class (unknown unicast, broadcast,
 *            unknown multicast): the remote VTEPs that get a copy.
 *   mcast    Per (bridge, multicast MAC): the remote VTEPs that get a copy.
 *   neigh    (bridge, IP) → MAC: the hosts for which the switch answers ARP
 *            requests and neighbour solicitations itself (suppression).
 *
 * Objects that callers create and name are identified by opaque object ids
 * (hal_oid_t, like sai_object_id_t): ports and bridges.  Table entries
 * (bindings, FDB, flood and multicast groups) are keyed by their natural key,
 * as SAI keys FDB entries.
 *
 * Lifecycle:
 *
 *   1. hal_register_provider() for each backend compiled in;
 *      hal_provider_resolve() finds or loads the one the user names,
 *      possibly a provider module (a shared object, hal/hal-provider.h).
 *   2. hal_open("asic", &config, &hal).  hal_is_warm() tells whether table
 *      state from a previous run was reattached.
 *   3. hal_set_event_cb(), hal_switch_set().
 *   4. On a warm start: hal_resync_begin(), replay the whole desired state
 *      with the ordinary calls, hal_resync_end().  Entries already right are
 *      not rewritten; entries not replayed are removed at the end.  (Calling
 *      the pair on a cold start is harmless.)
 *   5. Steady state: bulk calls with differences; hal_run(now) whenever
 *      hal_next_wake() says, which ages entries and delivers events.
 *   6. hal_close().  Table state persists if the backend supports warm
 *      restart.
 *
 * Threading: a 'struct hal' is used from one thread.  The event callback is
 * only ever called from inside hal_run(), never from inside another HAL
 * call, so the callback may itself call the HAL.
 *
 * Errors are 0 or a negative errno value.  The ones with a specific meaning:
 *
 *   -ENOSPC    The table is full (HAL_E_TABLE_FULL).
 *   -ENOBUFS   The table has room, but every hash bucket the entry may go in
 *              is full (HAL_E_BUCKET_FULL).
 *   -ENOENT    A referenced object (port, bridge, entry) does not exist.
 *   -EEXIST    A different object already owns the key (e.g. a VNI).
 *   -EINVAL    A malformed argument (VLAN > 4095, bad enum, ...).
 *   -EOPNOTSUPP The backend cannot do this.
 *
 * After -ENOSPC or -ENOBUFS the backend emits HAL_EVENT_RESOURCE_FREED for
 * that table once space frees up; that is the caller's cue to retry. */
#ifndef HAL_HAL_H
#define HAL_HAL_H 1

#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/bfd.h"

struct ds;
struct hal;

/* Object ids.  0 is never a valid object.  The type lives in the top byte
 * (see hal_oid_type()); the rest is the backend's business. */
typedef uint64_t hal_oid_t;
#define HAL_OID_NULL ((hal_oid_t) 0)

enum hal_object_type {
    HAL_OBJECT_NONE = 0,
    HAL_OBJECT_PORT = 1,
    HAL_OBJECT_BRIDGE = 2,
    HAL_OBJECT_BFD = 3,
    HAL_OBJECT_ROUTER = 4,    /* Virtual router (hal/hal-route.h). */
    HAL_OBJECT_RIF = 5,       /* Router interface. */
    HAL_OBJECT_NEXTHOP = 6,   /* Next hop. */
    HAL_OBJECT_ACL_TABLE = 7, /* hal/hal-acl.h. */
};

static inline enum hal_object_type
hal_oid_type(hal_oid_t oid)
{
    return (enum hal_object_type)(oid >> 56);
}

#define HAL_E_TABLE_FULL (-ENOSPC)
#define HAL_E_BUCKET_FULL (-ENOBUFS)

/* Returns a short description of a HAL error ("table full", ...), or of
 * any other negative errno.  The string is static. */
const char *hal_strerror(int error);

/* An Ethernet address. */
struct hal_mac {
    uint8_t ea[6];
};

#define HAL_MAC_FMT "%02x:%02x:%02x:%02x:%02x:%02x"
#define HAL_MAC_ARGS(MAC)                                                 \
    (MAC)->ea[0], (MAC)->ea[1], (MAC)->ea[2], (MAC)->ea[3], (MAC)->ea[4], \
        (MAC)->ea[5]

/* Parses "xx:xx:xx:xx:xx:xx" into '*mac'.  Returns 0 or -EINVAL. */
int hal_mac_from_string(const char *s, struct hal_mac *mac);

static inline bool
hal_mac_is_multicast(const struct hal_mac *mac)
{
    return mac->ea[0] & 1;
}

bool hal_mac_is_broadcast(const struct hal_mac *mac);

/* An IPv4 or IPv6 address (neighbour entries, IP learning). */
struct hal_ip {
    uint8_t family; /* AF_INET or AF_INET6. */
    union {
        struct in_addr v4;
        struct in6_addr v6;
    };
};

/* Parses an IPv4 or IPv6 address into '*ip' (zeroed first, so that it can
 * be hashed and compared bytewise).  Returns 0 or -EINVAL. */
int hal_ip_from_string(const char *s, struct hal_ip *ip);

/* Returns true if 'a' and 'b' are the same address. */
bool hal_ip_equals(const struct hal_ip *a, const struct hal_ip *b);

/* Returns a hash of 'ip' mixed with 'basis'. */
uint32_t hal_ip_hash(const struct hal_ip *ip, uint32_t basis);

/* Longest formatted address, with NUL. */
#define HAL_IP_STRLEN 46

/* Formats 'ip' into 'buf' and returns 'buf'. */
const char *hal_ip_format(const struct hal_ip *ip, char buf[HAL_IP_STRLEN]);

/* VLAN 0 in a binding or local FDB entry means untagged frames. */
#define HAL_VLAN_UNTAGGED 0
#define HAL_VLAN_MAX 4095

/* A VNI is 24 bits.  HAL_VNI_NONE means "no VNI": a bridge without a tunnel
 * map, or a remote FDB entry that uses its bridge's VNI. */
#define HAL_VNI_MAX 0xffffffu
#define HAL_VNI_NONE UINT32_MAX

/* Longest name of a bridge or port, including the NUL. */
#define HAL_NAME_MAX 64

/* ---- Configuration and lifecycle ---------------------------------------- */

struct hal_config {
    /* Backend-specific platform: for "asic", a built-in profile name or a
     * JSON profile file; NULL for the backend's default. */
    const char *platform;

    /* Where table state survives a restart (for "asic", a file that is
     * mmap()ed, e.g. under /dev/shm or the run directory); NULL keeps state
     * in process memory only, so every start is cold. */
    const char *state_file;

    /* Discard any state found in 'state_file' and start cold. */
    bool cold_start;

    /* Front-panel ports by name; when 'n_ports' is nonzero these replace the
     * platform's port list (vtepd's --port). */
    const char *const *ports;
    size_t n_ports;

    /* Remove the backend's table state on hal_close() instead of leaving it
     * for a warm restart.  For "netdev", deletes the kernel bridges and
     * VXLAN devices it made and releases the ports; "asic" keeps its state
     * in 'state_file' and ignores this. */
    bool clear_on_close;
};

/* A backend, as registered with hal_register_provider(); see
 * hal/hal-provider.h. */
struct hal_provider;

/* Makes 'provider' available to hal_open() under its name.  The provider
 * is borrowed and must outlive every hal opened through it.  Returns 0 or
 * -EEXIST if the name is taken. */
int hal_register_provider(const struct hal_provider *provider);

/* Forgets every registered provider (for tests). */
void hal_unregister_all(void);

/* Loads the provider module in shared object 'path' (dlopen()ed for good),
 * checks its ABI and registers its provider.  On success stores the
 * provider's name (owned by the module) in '*namep' and returns 0; on
 * failure appends one line saying why to 'err' and returns a negative
 * errno value. */
int hal_provider_load(const char *path, const char **namep, struct ds *err);

/* Finds backend 'spec' for --hal: a registered (built-in) provider's name,
 * a path (anything with a '/'), or NAME naming NAME.so in directory 'dir'
 * (NULL for none).  Stores in '*namep' the name to give hal_open() (static
 * or owned by a loaded module) after loading the module if one is needed.
 * Returns 0, or a negative errno value with a line in 'err'. */
int hal_provider_resolve(const char *spec, const char *dir, const char **namep,
                         struct ds *err);

/* Opens backend 'name' with 'config' (borrowed for the duration of the
 * call) and stores a new handle in '*halp'.  Returns 0, -ENOENT for an
 * unknown backend, or the backend's error. */
int hal_open(const char *name, const struct hal_config *config,
             struct hal **halp);

/* Detaches from the tables and frees 'hal'.  Accepts NULL.  Table state
 * persists for the next hal_open() if the backend supports warm restart. */
void hal_close(struct hal *hal);

/* Returns the backend's registered name, e.g. "asic"; static. */
const char *hal_backend_name(const struct hal *hal);

/* Returns true if hal_open() reattached existing table state. */
bool hal_is_warm(const struct hal *hal);

/* ---- Events ------------------------------------------------------------- */

enum hal_event_type {
    /* A new learned entry: 'fdb'. */
    HAL_EVENT_FDB_LEARNED,
    /* A learned entry aged out: 'fdb'. */
    HAL_EVENT_FDB_AGED,
    /* A learned MAC was seen on another port or VLAN of its bridge: 'fdb'
     * is the new location, 'fdb.old_port' and 'fdb.old_vlan' the old. */
    HAL_EVENT_FDB_MOVED,
    /* A learned entry was removed by hal_fdb_flush(), a link going down, a
     * binding or bridge going away, or a static entry taking its MAC. */
    HAL_EVENT_FDB_FLUSHED,
    /* A port's oper status changed: 'port'. */
    HAL_EVENT_PORT_STATE,
    /* An insert (programmed or learned) failed for lack of room:
     * 'resource'.  Reported once until HAL_EVENT_RESOURCE_FREED. */
    HAL_EVENT_RESOURCE_EXHAUSTED,
    /* The table in 'resource' has room again: retry failed inserts.  A hint,
     * not a promise: a retry may hit a full hash bucket again. */
    HAL_EVENT_RESOURCE_FREED,
    /* The event FIFO overflowed and 'lost' events were dropped: rebuild the
     * view of learned entries with hal_fdb_walk(). */
    HAL_EVENT_OVERFLOW,
    /* A local host announced or asked with 'neigh.ip' from 'neigh.mac' (an
     * ARP or neighbour discovery packet from a local binding): IP learning.
     * Rate-limited by the backend: repeated for one binding only after a
     * while or when the MAC changes. */
    HAL_EVENT_NEIGH_LEARNED,
};

enum hal_table {
    HAL_TABLE_FDB,     /* L2 entries, static and learned. */
    HAL_TABLE_BRIDGE,  /* Bridges with their VNI (the tunnel map). */
    HAL_TABLE_BINDING, /* (port, VLAN) → bridge. */
    HAL_TABLE_TUNNEL,  /* Remote VTEPs. */
    HAL_TABLE_FLOOD,   /* Replication list entries (flood and mcast). */
    HAL_TABLE_MCAST,   /* Multicast MAC groups. */
    HAL_TABLE_NEIGH,   /* Neighbour (host) entries for ARP/ND suppression. */
    HAL_TABLE_ROUTER,  /* Virtual routers (hal/hal-route.h). */
    HAL_TABLE_RIF,     /* Router interfaces. */
    HAL_TABLE_NEXTHOP, /* Next hops. */
    HAL_TABLE_ROUTE,   /* LPM routes. */
    HAL_TABLE_RNEIGH,  /* Router neighbours (the L3 host table). */
    HAL_TABLE_ACL_INGRESS, /* ACL entries (TCAM) of the ingress stage. */
    HAL_TABLE_ACL_EGRESS,  /* ACL entries (TCAM) of the egress stage. */
    HAL_TABLE_N
};

/* Returns the table's name as in dumps ("fdb", "tunnel", ...); static. */
const char *hal_table_name(enum hal_table table);

struct hal_event {
    enum hal_event_type type;
    int64_t time_ms; /* The hal_run() time at which it happened. */
    union {
        struct {
            hal_oid_t bridge;
            struct hal_mac mac;
            hal_oid_t port;
            uint16_t vlan;
            hal_oid_t old_port; /* HAL_EVENT_FDB_MOVED only. */
            uint16_t old_vlan;
        } fdb;
        struct {
            hal_oid_t port;
            bool up;
        } port;
        struct {
            enum hal_table table;
            int error; /* HAL_E_TABLE_FULL or HAL_E_BUCKET_FULL. */
        } resource;
        uint64_t lost; /* HAL_EVENT_OVERFLOW. */
        struct {
            hal_oid_t bridge;
            struct hal_ip ip;
            struct hal_mac mac;
        } neigh; /* HAL_EVENT_NEIGH_LEARNED. */
    };
};

/* Receives a batch of 'n' events in the order they happened.  'events' is
 * borrowed for the duration of the call. */
typedef void hal_event_cb(const struct hal_event *events, size_t n, void *aux);

/* Sets (or, with NULL, clears) the event callback. */
void hal_set_event_cb(struct hal *hal, hal_event_cb *cb, void *aux);

/* Advances the backend's clock to 'now_ms' (monotonic milliseconds): ages
 * entries and delivers queued events to the callback, in batches. */
void hal_run(struct hal *hal, int64_t now_ms);

/* Returns the time at which hal_run() next has work to do, or INT64_MAX.
 * Any HAL call may queue events (a removed binding flushes what was learned
 * on it, for example), so ask again after each batch of calls; a time in
 * the past means "run now". */
int64_t hal_next_wake(const struct hal *hal);

/* Returns a file descriptor that becomes readable when the backend has
 * input for hal_run() (for "netdev", kernel notifications: learned MACs,
 * link changes), or -1 if the backend has none.  Watch it for reading, for
 * example with an ev_io, and call hal_run() when it fires, as well as when
 * hal_next_wake() says.  The descriptor is the backend's; it stays valid
 * until hal_close(). */
int hal_poll_fd(const struct hal *hal);

/* ---- Switch and ports --------------------------------------------------- */

struct hal_switch_config {
    struct in_addr tunnel_src; /* Outer source IP of VXLAN packets. */
    uint16_t vxlan_port;       /* UDP destination port, normally 4789. */
    uint32_t aging_time_s;     /* Learned entries age after this; 0 never. */
};

/* Sets the switch attributes; 'config' is borrowed. */
int hal_switch_set(struct hal *hal, const struct hal_switch_config *config);
void hal_switch_get(const struct hal *hal, struct hal_switch_config *config);

struct hal_port_info {
    hal_oid_t oid;
    char name[HAL_NAME_MAX];
    bool oper_up;
    uint32_t speed_mbps;
};

/* Returns the number of front-panel ports. */
size_t hal_port_count(const struct hal *hal);

/* Fills '*info' for port number 'index' (0-based, in platform order).
 * Returns 0 or -ENOENT. */
int hal_port_get(const struct hal *hal, size_t index,
                 struct hal_port_info *info);

/* Finds the port named 'name'.  Returns 0 or -ENOENT. */
int hal_port_by_name(const struct hal *hal, const char *name, hal_oid_t *oid);

/* ---- Bridges ------------------------------------------------------------ */

enum hal_replication {
    HAL_REPLICATION_SERVICE_NODE, /* Send BUM to one flood-list VTEP. */
    HAL_REPLICATION_SOURCE_NODE,  /* Send BUM to every flood-list VTEP. */
};

struct hal_bridge_config {
    char name[HAL_NAME_MAX]; /* The logical switch's name. */
    uint32_t vni;            /* Or HAL_VNI_NONE for no tunnel map. */
    enum hal_replication replication;
    /* Learn source MACs of frames from local bindings. */
    bool learning;
};

/* Creates or updates a bridge.  If '*oid' is a bridge, updates (and maybe
 * renames) it; if it is HAL_OID_NULL, updates the bridge with the same name
 * or creates one and stores its id in '*oid'.  An unchanged bridge is not
 * rewritten.  Returns 0, -EEXIST if another bridge has the VNI,
 * HAL_E_TABLE_FULL, or -EINVAL. */
int hal_bridge_set(struct hal *hal, const struct hal_bridge_config *config,
                   hal_oid_t *oid);

/* Removes a bridge together with its bindings, FDB entries, flood lists and
 * multicast groups (learned entries are reported as flushed).  Returns 0
 * or -ENOENT. */
int hal_bridge_remove(struct hal *hal, hal_oid_t bridge);

int hal_bridge_get(const struct hal *hal, hal_oid_t bridge,
                   struct hal_bridge_config *config);

/* ---- Bulk table calls ---------------------------------------------------
 *
 * Each takes an array of 'n' entries (borrowed) and, if 'status' is
 * nonnull, stores each entry's result in status[i].  Entries are applied in
 * order and a failed entry does not stop the others.  The return value is 0
 * if every entry succeeded, else the first failure's error.  Setting an
 * entry that is already exactly right writes nothing. */

struct hal_binding {
    hal_oid_t port;
    uint16_t vlan;    /* 0..4095; 0 is untagged. */
    hal_oid_t bridge; /* Ignored by hal_binding_remove(). */
};

/* Binds (port, vlan) to a bridge, replacing any earlier binding of the
 * pair. */
int hal_binding_set(struct hal *hal, const struct hal_binding *bindings,
                    size_t n, int *status);
int hal_binding_remove(struct hal *hal, const struct hal_binding *bindings,
                       size_t n, int *status);

enum hal_fdb_type {
    HAL_FDB_STATIC,  /* Programmed; never ages or moves. */
    HAL_FDB_LEARNED, /* Learned by the backend; ages and moves. */
};

struct hal_fdb_entry {
    hal_oid_t bridge;
    struct hal_mac mac;
    enum hal_fdb_type type;
    bool remote; /* Remote: 'remote_ip'/'vni'.  Local: 'port'/'vlan'. */
    hal_oid_t port;
    uint16_t vlan;
    struct in_addr remote_ip;
    uint32_t vni; /* HAL_VNI_NONE: the bridge's VNI. */
};

/* Adds or replaces static FDB entries ('type' must be HAL_FDB_STATIC).  A
 * static entry replaces a learned entry for the same MAC, which is then
 * reported as flushed. */
int hal_fdb_set(struct hal *hal, const struct hal_fdb_entry *entries, size_t n,
                int *status);

/* Removes FDB entries by (bridge, mac), whatever their type. */
int hal_fdb_remove(struct hal *hal, const struct hal_fdb_entry *entries,
                   size_t n, int *status);

struct hal_fdb_flush {
    hal_oid_t bridge; /* Or HAL_OID_NULL for every bridge. */
    hal_oid_t port;   /* Or HAL_OID_NULL for every port. */
};

/* Removes the learned entries that match 'filter' (static ones stay) and
 * reports each as HAL_EVENT_FDB_FLUSHED. */
int hal_fdb_flush(struct hal *hal, const struct hal_fdb_flush *filter);

enum hal_flood_type {
    HAL_FLOOD_UNKNOWN_UNICAST,
    HAL_FLOOD_BROADCAST,
    HAL_FLOOD_UNKNOWN_MULTICAST,
    HAL_FLOOD_N
};

const char *hal_flood_type_name(enum hal_flood_type type);

/* A list of remote VTEPs for a flood or multicast group. */
struct hal_flood_group {
    hal_oid_t bridge;
    enum hal_flood_type type;      /* For hal_flood_set() only. */
    struct hal_mac mac;            /* For hal_mcast_*() only. */
    const struct in_addr *remotes; /* Borrowed; distinct addresses. */
    size_t n_remotes;              /* 0 removes the flood list. */
};

/* Replaces the remote VTEP list of (bridge, type).  Local bindings of the
 * bridge always get a copy; these lists add the remote ones. */
int hal_flood_set(struct hal *hal, const struct hal_flood_group *groups,
                  size_t n, int *status);

/* Creates or replaces multicast groups (bridge, mac) → remotes. */
int hal_mcast_set(struct hal *hal, const struct hal_flood_group *groups,
                  size_t n, int *status);
int hal_mcast_remove(struct hal *hal, const struct hal_flood_group *groups,
                     size_t n, int *status);

/* ---- Neighbours (ARP/ND suppression) ------------------------------------
 *
 * A neighbour entry tells the backend the MAC of an IPv4 or IPv6 host in a
 * bridge.  An ARP request or neighbour solicitation for it that arrives on
 * a local binding is answered on that binding and not flooded; a request
 * for any other address is flooded as before.  Gratuitous ARP and
 * unsolicited advertisements are never answered.  Backends without
 * suppression leave the callbacks NULL: the calls return -EOPNOTSUPP. */

struct hal_neigh_entry {
    hal_oid_t bridge;
    struct hal_ip ip;
    struct hal_mac mac; /* Ignored by hal_neigh_remove(). */
};

/* Adds or replaces neighbour entries (bridge, ip) → mac.  A full table
 * refuses with HAL_E_TABLE_FULL; requests for that IP are then flooded. */
int hal_neigh_set(struct hal *hal, const struct hal_neigh_entry *entries,
                  size_t n, int *status);

/* Removes neighbour entries by (bridge, ip). */
int hal_neigh_remove(struct hal *hal, const struct hal_neigh_entry *entries,
                     size_t n, int *status);

/* Suppression counters of one bridge. */
struct hal_neigh_stats {
    uint64_t answered;  /* Requests the switch answered itself. */
    uint64_t flooded;   /* Requests for unknown targets, flooded. */
    uint64_t malformed; /* ARP/ND packets dropped as malformed. */
};

/* Reads the counters of 'bridge'.  Returns 0, -ENOENT or -EOPNOTSUPP. */
int hal_neigh_stats_get(const struct hal *hal, hal_oid_t bridge,
                        struct hal_neigh_stats *stats);

/* Calls 'cb' for each neighbour entry of 'bridge' (or of every bridge,
 * with HAL_OID_NULL); the entry is borrowed for the call, which must not
 * modify the HAL.  Does nothing on a backend without neighbours. */
typedef void hal_neigh_walk_cb(const struct hal_neigh_entry *, void *aux);
void hal_neigh_walk(const struct hal *hal, hal_oid_t bridge,
                    hal_neigh_walk_cb *cb, void *aux);

/* ---- Warm restart ------------------------------------------------------- */

/* Starts a resync: from now until hal_resync_end(), every set call marks
 * its entry as wanted.  Returns 0 or -EBUSY if a resync is in progress. */
int hal_resync_begin(struct hal *hal);

/* Ends a resync: removes every bridge, binding, static FDB entry, flood
 * list, multicast group and neighbour entry that was not set since
 * hal_resync_begin(), and
 * reports every learned entry that survived as HAL_EVENT_FDB_LEARNED so the
 * caller can rebuild its view.  Returns 0 or -EINVAL without a resync. */
int hal_resync_end(struct hal *hal);

/* ---- Counters and resources --------------------------------------------- */

struct hal_binding_stats {
    uint64_t packets_from_local, bytes_from_local; /* Port → bridge. */
    uint64_t packets_to_local, bytes_to_local;     /* Bridge → port. */
};

struct hal_tunnel_stats {
    uint64_t tx_packets, tx_bytes; /* Encapsulated toward the VTEP. */
    uint64_t rx_packets, rx_bytes; /* Decapsulated from the VTEP. */
};

/* Reads the counters of binding (port, vlan).  Returns 0 or -ENOENT. */
int hal_binding_stats_get(const struct hal *hal, hal_oid_t port, uint16_t vlan,
                          struct hal_binding_stats *stats);

/* Reads the counters of the tunnel to 'remote'.  Returns 0 or -ENOENT. */
int hal_tunnel_stats_get(const struct hal *hal, struct in_addr remote,
                         struct hal_tunnel_stats *stats);

struct hal_resource {
    uint32_t used;
    uint32_t capacity;
};

/* ---- BFD sessions ------------------------------------------------------- *
 *
 * After SAI's BFD session object: the backend runs the session (lib/bfd.h)
 * over VXLAN to 'remote', sending and receiving its frames and running its
 * timers, and the caller reads its state.  Backends without BFD leave the
 * provider functions NULL: the calls then return -EOPNOTSUPP. */

struct hal_bfd_config {
    struct in_addr remote;   /* Outer destination: the remote VTEP. */
    uint32_t vni;            /* VNI of the frames; 0, as OVS expects. */
    struct hal_mac dst_mac;  /* Inner destination MAC. */
    struct in_addr src_ip;   /* Inner source IP. */
    struct in_addr dst_ip;   /* Inner destination IP. */
    struct bfd_settings bfd; /* Intervals and options. */
};

struct hal_bfd_info {
    struct bfd_status status;
    struct bfd_counters counters;
    uint64_t seq; /* Changes whenever 'status' does. */
};

/* Creates a session for 'config' if '*oid' is HAL_OID_NULL (storing its id
 * in '*oid'), else reconfigures session '*oid'.  Returns 0, -EOPNOTSUPP,
 * -EEXIST (another session to that remote) or -ENOENT. */
int hal_bfd_set(struct hal *hal, const struct hal_bfd_config *config,
                hal_oid_t *oid);
/* Removes session 'oid'.  Returns 0, -EOPNOTSUPP or -ENOENT. */
int hal_bfd_remove(struct hal *hal, hal_oid_t oid);
/* Reads session 'oid' into '*info'.  Returns 0, -EOPNOTSUPP or -ENOENT. */
int hal_bfd_get(const struct hal *hal, hal_oid_t oid,
                struct hal_bfd_info *info);

/* Fills 'resources' (indexed by enum hal_table) with table occupancy. */
void hal_resources_get(const struct hal *hal,
                       struct hal_resource resources[HAL_TABLE_N]);

/* ---- Walks -------------------------------------------------------------- */

/* Calls 'cb' for each FDB entry of 'bridge' (or of all bridges, with
 * HAL_OID_NULL), in no particular order.  The entry is borrowed for the
 * call.  The callback must not modify the HAL. */
typedef void hal_fdb_walk_cb(const struct hal_fdb_entry *, void *aux);
void hal_fdb_walk(const struct hal *hal, hal_oid_t bridge, hal_fdb_walk_cb *cb,
                  void *aux);

typedef void hal_binding_walk_cb(const struct hal_binding *, void *aux);
void hal_binding_walk(const struct hal *hal, hal_binding_walk_cb *cb,
                      void *aux);

/* Visits flood lists (type valid, mac zero) and multicast groups. */
typedef void hal_flood_walk_cb(const struct hal_flood_group *, bool is_mcast,
                               void *aux);
void hal_flood_walk(const struct hal *hal, hal_flood_walk_cb *cb, void *aux);

typedef void hal_bridge_walk_cb(hal_oid_t, const struct hal_bridge_config *,
                                void *aux);
void hal_bridge_walk(const struct hal *hal, hal_bridge_walk_cb *cb, void *aux);

/* ---- Introspection (the control socket's hal/ commands) -----------------
 *
 * Each appends human-readable text to 'out', one line per entry, sorted, so
 * that output is stable for tests and diffs. */

/* "hal/dump-fdb [LS]": 'bridge_name' NULL for all bridges.  Returns 0 or
 * -ENOENT for an unknown bridge name. */
int hal_dump_fdb(const struct hal *hal, const char *bridge_name,
                 struct ds *out);
void hal_dump_flood(const struct hal *hal, struct ds *out);
void hal_dump_bindings(const struct hal *hal, struct ds *out);
void hal_dump_resources(const struct hal *hal, struct ds *out);
/* "hal/dump-ports": each front-panel port in the backend's order, its link
 * ("up" or "down") and its speed in Mbit/s ("-" if unknown). */
void hal_dump_ports(const struct hal *hal, struct ds *out);

/* "hal/dump-neigh [LS]": the neighbour entries, then each bridge's
 * suppression counters.  Returns 0, -ENOENT for an unknown bridge name or
 * -EOPNOTSUPP. */
int hal_dump_neigh(const struct hal *hal, const char *bridge_name,
                   struct ds *out);

#endif /* hal/hal.h */
