/* SPDX-License-Identifier: Apache-2.0 */
/* Chip memory: the layout of the tables, the state file that keeps them
 * across restarts, and the host-side indexes rebuilt from them.
 *
 * With a state file, chip memory is a MAP_SHARED mapping of it, so every
 * write lands in the page cache at once and survives the process (not a
 * reboot, when the file is under /dev/shm).  The header's signature covers
 * the layout; a file with a different layout (another profile or port list,
 * another version) is discarded and the start is cold.  flock() keeps two
 * processes from driving the same chip.  The file is allocated for real
 * (posix_fallocate) before it is mapped, so a full filesystem is a
 * start-up error rather than a SIGBUS at the first write to a hole. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hal/asic/asic-private.h"
#include "lib/hash.h"
#include "lib/util.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(asic_chip);

struct chip_layout {
    size_t ports, bridges, bindings, tunnels, repl, mcast, fdb;
    size_t acl_tables, acl_rules, acl_binds;
    size_t routers, rifs, nexthops, routes, rneighs;
    size_t size;
};

static size_t
align64(size_t x)
{
    return (x + 63) & ~(size_t) 63;
}

static void
chip_layout(const struct hal_asic_profile *p, struct chip_layout *l)
{
    size_t off = align64(sizeof(struct asic_chip_header));

#define SECTION(FIELD, TYPE, N) \
    l->FIELD = off;             \
    off = align64(off + (size_t) (N) * sizeof(TYPE));
    SECTION(ports, struct asic_port, p->n_ports);
    SECTION(bridges, struct asic_bridge, p->bridges);
    SECTION(bindings, struct asic_binding, p->bindings);
    SECTION(tunnels, struct asic_tunnel, p->tunnels);
    SECTION(repl, struct asic_repl, p->flood_entries);
    SECTION(mcast, struct asic_mcast, p->mcast_groups);
    SECTION(fdb, struct asic_fdb_slot, hal_asic_profile_fdb_capacity(p));
    SECTION(acl_tables, struct asic_acl_chip_table, asic_acl_chip_tables(p));
    SECTION(acl_rules, struct asic_acl_chip_rule, asic_acl_chip_rules(p));
    SECTION(acl_binds, struct asic_acl_chip_bind, asic_acl_chip_binds(p));
    SECTION(routers, struct asic_router, p->routers);
    SECTION(rifs, struct asic_rif, p->rifs);
    SECTION(nexthops, struct asic_nexthop, p->nexthops);
    SECTION(routes, struct asic_route, p->routes);
    SECTION(rneighs, struct asic_rneigh, p->rneighs);
#undef SECTION
    l->size = off;
}

static uint64_t
chip_signature(const struct hal_asic_profile *p, const struct chip_layout *l)
{
    uint32_t h = hash_bytes(l, sizeof *l, ASIC_CHIP_VERSION);
    uint32_t h2 = hash_bytes(p->banks, sizeof p->banks, h);
    size_t i;

    for (i = 0; i < p->n_ports; i++) {
        h2 = hash_string(p->ports[i].name, h2);
    }
    return ((uint64_t) h << 32) | h2;
}

static void
chip_set_pointers(struct hal_asic *asic, const struct chip_layout *l)
{
    char *base = asic->mem;

    asic->hdr = (struct asic_chip_header *) (void *) base;
    asic->ports = (struct asic_port *) (void *) (base + l->ports);
    asic->bridges = (struct asic_bridge *) (void *) (base + l->bridges);
    asic->bindings = (struct asic_binding *) (void *) (base + l->bindings);
    asic->tunnels = (struct asic_tunnel *) (void *) (base + l->tunnels);
    asic->repl = (struct asic_repl *) (void *) (base + l->repl);
    asic->mcast = (struct asic_mcast *) (void *) (base + l->mcast);
    asic->fdb = (struct asic_fdb_slot *) (void *) (base + l->fdb);
    asic->acl_tables =
        (struct asic_acl_chip_table *) (void *) (base + l->acl_tables);
    asic->acl_rules =
        (struct asic_acl_chip_rule *) (void *) (base + l->acl_rules);
    asic->acl_binds =
        (struct asic_acl_chip_bind *) (void *) (base + l->acl_binds);
    asic->routers = (struct asic_router *) (void *) (base + l->routers);
    asic->rifs = (struct asic_rif *) (void *) (base + l->rifs);
    asic->nexthops = (struct asic_nexthop *) (void *) (base + l->nexthops);
    asic->routes = (struct asic_route *) (void *) (base + l->routes);
    asic->rneighs = (struct asic_rneigh *) (void *) (base + l->rneighs);
}

/* Initialises zeroed chip memory for a cold start. */
static void
chip_format(struct hal_asic *asic, uint64_t signature)
{
    const struct hal_asic_profile *p = asic->profile;
    struct asic_chip_header *hdr = asic->hdr;
    size_t i;
    int t;

    memcpy(hdr->magic, ASIC_CHIP_MAGIC, sizeof hdr->magic);
    hdr->version = ASIC_CHIP_VERSION;
    hdr->signature = signature;
    hdr->size = asic->mem_size;
    hdr->generation = 1;
    memcpy(hdr->profile, p->name, sizeof hdr->profile);
    hdr->vxlan_port = 4789;
    hdr->aging_time_s = 300;
    for (i = 0; i < p->n_ports; i++) {
        memcpy(asic->ports[i].name, p->ports[i].name, HAL_NAME_MAX);
        asic->ports[i].speed_mbps = p->ports[i].speed_mbps;
        asic->ports[i].oper_up = 1;
    }
    for (i = 0; i < p->bridges; i++) {
        for (t = 0; t < HAL_FLOOD_N; t++) {
            asic->bridges[i].flood_head[t] = ASIC_NONE;
        }
    }
}

static bool
chip_header_ok(const struct hal_asic *asic, uint64_t signature)
{
    const struct asic_chip_header *hdr = asic->hdr;

    return !memcmp(hdr->magic, ASIC_CHIP_MAGIC, sizeof hdr->magic)
           && hdr->version == ASIC_CHIP_VERSION && hdr->signature == signature
           && hdr->size == asic->mem_size;
}

/* ---- Checking reattached chip memory ----------------------------------- */

/* Chip memory read back from a state file is input: every index and count
 * in it is checked against the profile's table sizes before anything uses
 * one, so that a corrupt or hostile file is refused rather than followed
 * out of bounds.  Each check returns false after writing what is wrong to
 * 'why'. */
/* Aging adds the aging time to an entry's last-seen time; a time beyond
 * this (some 285,000 years of the HAL clock) cannot be genuine. */
#define CHIP_MAX_TIME_MS ((int64_t) 1 << 53)

struct chip_check {
    struct hal_asic *asic;
    uint8_t *owned; /* Per replication entry: on a list already. */
    char why[160];
};

static bool check_fail(struct chip_check *c, const char *fmt, ...)
    PRINTF_FORMAT(2, 3);

static bool
check_fail(struct chip_check *c, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(c->why, sizeof c->why, fmt, args);
    va_end(args);
    return false;
}

static bool
check_name(const char name[HAL_NAME_MAX])
{
    return memchr(name, '\0', HAL_NAME_MAX) != NULL;
}

static bool
check_bridge_ref(const struct chip_check *c, uint32_t bridge)
{
    return bridge < c->asic->profile->bridges
           && c->asic->bridges[bridge].valid;
}

static bool
check_tunnel_ref(const struct chip_check *c, uint32_t tunnel)
{
    return tunnel < c->asic->profile->tunnels
           && c->asic->tunnels[tunnel].valid;
}

/* Checks the replication list of 'len' entries at 'head' that 'what'
 * names: every entry in range, valid, naming a valid tunnel, on no other
 * list, and the list exactly 'len' long. */
static bool
check_list(struct chip_check *c, uint32_t head, uint32_t len, const char *what,
           uint32_t idx)
{
    const struct hal_asic *asic = c->asic;
    uint32_t n;

    for (n = 0; head != ASIC_NONE; n++, head = asic->repl[head].next) {
        if (n >= len || head >= asic->profile->flood_entries) {
            return check_fail(c,
                              "%s %" PRIu32 ": list longer than %" PRIu32
                              " or entry %" PRIu32 " out of range",
                              what, idx, len, head);
        } else if (!asic->repl[head].valid || c->owned[head]) {
            return check_fail(c,
                              "%s %" PRIu32 ": list entry %" PRIu32
                              " is free or on another list",
                              what, idx, head);
        } else if (!check_tunnel_ref(c, asic->repl[head].tunnel)) {
            return check_fail(c,
                              "replication entry %" PRIu32 ": bad tunnel %u",
                              head, asic->repl[head].tunnel);
        }
        c->owned[head] = 1;
    }
    return n == len ? true
                    : check_fail(c,
                                 "%s %" PRIu32 ": list of %" PRIu32
                                 " entries claims %" PRIu32,
                                 what, idx, n, len);
}

static bool
check_bridges(struct chip_check *c)
{
    const struct hal_asic *asic = c->asic;
    uint32_t i;
    int t;

    for (i = 0; i < asic->profile->n_ports; i++) {
        if (!check_name(asic->ports[i].name)) {
            return check_fail(c, "port %" PRIu32 ": name not terminated", i);
        }
    }
    for (i = 0; i < asic->profile->bridges; i++) {
        struct asic_bridge *b = &asic->bridges[i];

        if (!b->valid) {
            /* A free slot's lists are empty (a crash in the middle of
             * asic_bridge_destroy() may leave them otherwise), and a
             * bridge created there later starts from them. */
            for (t = 0; t < HAL_FLOOD_N; t++) {
                b->flood_head[t] = ASIC_NONE;
                b->flood_len[t] = 0;
            }
            continue;
        } else if (!check_name(b->name)
                   || b->replication > HAL_REPLICATION_SOURCE_NODE
                   || (b->vni > HAL_VNI_MAX && b->vni != HAL_VNI_NONE)) {
            return check_fail(c,
                              "bridge %" PRIu32 ": bad name, VNI or "
                              "replication mode",
                              i);
        }
        for (t = 0; t < HAL_FLOOD_N; t++) {
            if (!check_list(c, b->flood_head[t], b->flood_len[t], "bridge",
                            i)) {
                return false;
            }
        }
    }
    return true;
}

static bool
check_bindings_and_mcast(struct chip_check *c)
{
    const struct hal_asic *asic = c->asic;
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;

    for (i = 0; i < p->bindings; i++) {
        const struct asic_binding *b = &asic->bindings[i];

        if (b->valid
            && (b->port >= p->n_ports || b->vlan > 4095
                || !check_bridge_ref(c, b->bridge))) {
            return check_fail(c,
                              "binding %" PRIu32 ": port %u, VLAN %u or "
                              "bridge %u out of range",
                              i, b->port, b->vlan, b->bridge);
        }
    }
    for (i = 0; i < p->mcast_groups; i++) {
        const struct asic_mcast *m = &asic->mcast[i];

        if (!m->valid) {
            continue;
        } else if (!check_bridge_ref(c, m->bridge)) {
            return check_fail(
                c, "multicast group %" PRIu32 ": bridge %u out of range", i,
                m->bridge);
        } else if (!check_list(c, m->head, m->len, "multicast group", i)) {
            return false;
        }
    }
    /* Entries on no list are left over from a crash while a list was
     * rebuilt; only their tunnel must be sound, as it is counted. */
    for (i = 0; i < p->flood_entries; i++) {
        if (asic->repl[i].valid
            && !check_tunnel_ref(c, asic->repl[i].tunnel)) {
            return check_fail(c,
                              "replication entry %" PRIu32 ": bad tunnel %u",
                              i, asic->repl[i].tunnel);
        }
    }
    return true;
}

/* Every L2 entry must be where a lookup of its key finds it (in one of its
 * candidate buckets, and the only entry with that key), for a valid bridge,
 * and name a port or tunnel that exists. */
static bool
check_fdb(struct chip_check *c)
{
    const struct hal_asic *asic = c->asic;
    uint32_t i;

    for (i = 0; i < asic->fdb_capacity; i++) {
        const struct asic_fdb_slot *s = &asic->fdb[i];

        if (!s->key) {
            continue;
        } else if (!check_bridge_ref(c, asic_fdb_key_bridge(s->key))
                   || asic_fdb_find(asic, s->key) != s) {
            return check_fail(c,
                              "L2 entry %" PRIu32 ": bad bridge, or "
                              "not where its key hashes",
                              i);
        } else if (s->flags & ASIC_FDB_REMOTE
                       ? !check_tunnel_ref(c, s->tunnel)
                             || (s->vni > HAL_VNI_MAX
                                 && s->vni != HAL_VNI_NONE)
                       : s->port >= asic->profile->n_ports || s->vlan > 4095) {
            return check_fail(c,
                              "L2 entry %" PRIu32 ": port, VLAN, tunnel "
                              "or VNI out of range",
                              i);
        } else if (s->last_seen_ms < 0 || s->last_seen_ms > CHIP_MAX_TIME_MS) {
            return check_fail(
                c, "L2 entry %" PRIu32 ": last seen at %" PRId64 " ms", i,
                s->last_seen_ms);
        }
    }
    return true;
}

/* The L3 tables (route.c): every index in range and naming a slot in use,
 * every address and prefix sound. */
static bool
ip_ok(const struct hal_ip *ip, uint8_t len)
{
    return (ip->family == AF_INET && len <= 32)
           || (ip->family == AF_INET6 && len <= 128);
}

#define L3_FAIL(...) (snprintf(why, why_size, __VA_ARGS__), false)

static bool
check_objects(const struct hal_asic *asic, char *why, size_t why_size)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;

    for (i = 0; i < p->routers; i++) {
        const struct asic_router *r = &asic->routers[i];

        if (r->valid
            && (!memchr(r->c.name, '\0', sizeof r->c.name)
                || r->c.n_peers > HAL_ROUTER_PEERS_MAX
                || (r->c.mtu
                    && (r->c.mtu < HAL_RIF_MTU_MIN
                        || r->c.mtu > HAL_RIF_MTU_MAX))
                || r->c.neigh_timeout_s > HAL_ROUTER_NEIGH_TIMEOUT_MAX
                || r->c.ra_interval_s > HAL_ROUTER_RA_INTERVAL_MAX
                || r->c.n_ra_dns > HAL_RA_DNS_MAX)) {
            return L3_FAIL("router %u: bad name, peer count, MTU, "
                           "neighbour timeout or advertisement settings",
                           i);
        }
    }
    for (i = 0; i < p->rifs; i++) {
        const struct asic_rif *r = &asic->rifs[i];

        if (r->valid
            && (r->router >= p->routers || !asic->routers[r->router].valid
                || r->bridge >= p->bridges || !asic->bridges[r->bridge].valid
                || !ip_ok(&r->ip, r->len))) {
            return L3_FAIL("router interface %u: bad router, bridge or "
                           "address",
                           i);
        }
    }
    for (i = 0; i < p->nexthops; i++) {
        const struct asic_nexthop *n = &asic->nexthops[i];

        if (n->valid
            && (n->rif >= p->rifs || !asic->rifs[n->rif].valid
                || !ip_ok(&n->ip, 0))) {
            return L3_FAIL("next hop %u: bad interface or address", i);
        }
    }
    return true;
}

static bool
l3_chip_ok(const struct hal_asic *asic, char *why, size_t why_size)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;

    if (!check_objects(asic, why, why_size)) {
        return false;
    }
    for (i = 0; i < p->routes; i++) {
        const struct asic_route *r = &asic->routes[i];

        if (r->valid
            && (r->router >= p->routers || !asic->routers[r->router].valid
                || !ip_ok(&r->prefix, r->len)
                || (r->via_rif
                        ? r->target >= p->rifs || !asic->rifs[r->target].valid
                        : r->target >= p->nexthops
                              || !asic->nexthops[r->target].valid))) {
            return L3_FAIL("route %u: bad router, prefix or target", i);
        }
    }
    for (i = 0; i < p->rneighs; i++) {
        const struct asic_rneigh *n = &asic->rneighs[i];

        if (n->valid
            && (n->rif >= p->rifs || !asic->rifs[n->rif].valid
                || !ip_ok(&n->ip, 0))) {
            return L3_FAIL("router neighbour %u: bad interface or address", i);
        }
    }
    return true;
}

/* Returns true if the tables of reattached chip memory are consistent;
 * otherwise false, with the first problem found in 'why'.  Empties the
 * lists of free bridge slots. */
static bool
chip_contents_ok(struct hal_asic *asic, char *why, size_t why_size)
{
    struct chip_check c = { .asic = asic };
    bool ok;

    c.owned = xzalloc(asic->profile->flood_entries);
    ok = check_bridges(&c) && check_bindings_and_mcast(&c) && check_fdb(&c);
    free(c.owned);
    snprintf(why, why_size, "%s", c.why);
    if (ok) {
        ok = l3_chip_ok(asic, why, why_size);
    }
    return ok && asic_acl_chip_ok(asic, why, why_size);
}

/* Gives every block of the state file 'fd' (of 'size' bytes) real disk
 * space, so that touching the mapping can never fault for want of space:
 * a write to a hole of a MAP_SHARED file on a full filesystem kills the
 * process with SIGBUS.  A cold chip's file is emptied again on failure.
 * Returns 0 or a negative errno after logging why (-ENOMEM for want of
 * space). */
static int
chip_allocate(int fd, const char *path, size_t size, bool reuse)
{
    int error = posix_fallocate(fd, 0, (off_t) size);

    if (error) {
        VLOG_ERR("%s: cannot allocate the %zu bytes of chip state (%s)%s",
                 path, size, strerror(error),
                 error == ENOSPC ? ": the filesystem is too full" : "");
        if (!reuse) {
            (void) ftruncate(fd, 0);
        }
        /* The chip's memory cannot be had; -ENOSPC would read as a full
         * HAL table to the caller. */
        return error == ENOSPC ? -ENOMEM : -error;
    }
    return 0;
}

static int
chip_map_file(struct hal_asic *asic, const struct hal_config *config,
              bool *reuse)
{
    struct stat st;
    int error;
    int fd;

    fd = open(config->state_file, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = -errno;
        VLOG_ERR("%s: open failed (%s)", config->state_file, strerror(errno));
        return error;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        VLOG_ERR("%s: in use by another process", config->state_file);
        close(fd);
        return -EBUSY;
    }
    *reuse = !config->cold_start && !fstat(fd, &st)
             && (size_t) st.st_size == asic->mem_size;
    /* Truncating to zero first makes every page of a cold chip zero. */
    if (!*reuse
        && (ftruncate(fd, 0) < 0
            || ftruncate(fd, (off_t) asic->mem_size) < 0)) {
        error = -errno;
        VLOG_ERR("%s: cannot size to %zu bytes (%s)", config->state_file,
                 asic->mem_size, strerror(errno));
        close(fd);
        return error;
    }
    error = chip_allocate(fd, config->state_file, asic->mem_size, *reuse);
    if (error) {
        close(fd);
        return error;
    }
    asic->mem =
        mmap(NULL, asic->mem_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (asic->mem == MAP_FAILED) {
        error = -errno;
        asic->mem = NULL;
        close(fd);
        return error;
    }
    asic->fd = fd;
#ifdef MADV_POPULATE_WRITE
    /* Fault every page in, writable, now rather than one by one on the
     * first write to each: for a file mapping such a fault also reserves
     * the page's block, and a bulk FDB update touches pages at random.
     * Only a hint: kernels before 5.14 refuse it. */
    (void) madvise(asic->mem, asic->mem_size, MADV_POPULATE_WRITE);
#endif
    return 0;
}

int
asic_chip_attach(struct hal_asic *asic, const struct hal_config *config,
                 bool *warm)
{
    struct chip_layout layout;
    uint64_t signature;
    bool reuse = false;
    char why[160];

    chip_layout(asic->profile, &layout);
    signature = chip_signature(asic->profile, &layout);
    asic->mem_size = layout.size;
    asic->fd = -1;
    if (config->state_file) {
        int error = chip_map_file(asic, config, &reuse);

        if (error) {
            return error;
        }
    } else {
        asic->mem = xzalloc(asic->mem_size);
    }
    chip_set_pointers(asic, &layout);

    if (reuse && !chip_header_ok(asic, signature)) {
        VLOG_WARN("%s: state is for another layout or version; cold start",
                  config->state_file);
        memset(asic->mem, 0, asic->mem_size);
        reuse = false;
    } else if (reuse && !chip_contents_ok(asic, why, sizeof why)) {
        VLOG_ERR("%s: state is corrupt (%s); cold start", config->state_file,
                 why);
        memset(asic->mem, 0, asic->mem_size);
        reuse = false;
    }
    if (reuse) {
        if (!asic->hdr->clean) {
            VLOG_WARN("%s: previous run did not close cleanly",
                      config->state_file);
        }
        asic->hdr->generation++;
    } else {
        chip_format(asic, signature);
    }
    asic->hdr->clean = 0;
    *warm = reuse;
    return 0;
}

void
asic_chip_detach(struct hal_asic *asic)
{
    if (!asic->mem) {
        return;
    }
    asic->hdr->clean = 1;
    if (asic->fd >= 0) {
        munmap(asic->mem, asic->mem_size);
        close(asic->fd);
    } else {
        free(asic->mem);
    }
    asic->mem = NULL;
}

/* ---- Host-side indexes -------------------------------------------------- */

static void
index_bridges(struct hal_asic *asic)
{
    uint32_t i;

    for (i = 0; i < asic->profile->bridges; i++) {
        const struct asic_bridge *b = &asic->bridges[i];

        list_init(&asic->bridge_bindings[i]);
        if (b->valid) {
            asic_table_claim(&asic->t_bridge, i);
            asic_table_index(&asic->t_bridge, i,
                             asic_bridge_name_hash(b->name));
            if (b->vni != HAL_VNI_NONE) {
                hmap_insert(&asic->bridge_by_vni, &asic->bridge_vni_nodes[i],
                            hash_int(b->vni, 0));
            }
        }
    }
    asic_table_claims_done(&asic->t_bridge);
}

static void
index_bindings(struct hal_asic *asic)
{
    uint32_t i;

    for (i = 0; i < asic->profile->bindings; i++) {
        const struct asic_binding *b = &asic->bindings[i];

        if (b->valid) {
            asic_table_claim(&asic->t_binding, i);
            asic_table_index(&asic->t_binding, i,
                             asic_binding_hash(b->port, b->vlan));
            list_push_back(&asic->bridge_bindings[b->bridge],
                           &asic->binding_nodes[i]);
        }
    }
    asic_table_claims_done(&asic->t_binding);
}

/* Tunnels are reference-counted by the FDB and replication entries that
 * name them; the counts are host state, recomputed here. */
static void
index_tunnels_and_lists(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;

    for (i = 0; i < p->tunnels; i++) {
        if (asic->tunnels[i].valid) {
            asic_table_claim(&asic->t_tunnel, i);
            asic_table_index(&asic->t_tunnel, i,
                             asic_tunnel_hash(asic->tunnels[i].ip));
        }
    }
    asic_table_claims_done(&asic->t_tunnel);
    for (i = 0; i < p->flood_entries; i++) {
        if (asic->repl[i].valid) {
            asic_table_claim(&asic->t_repl, i);
            asic->tunnel_refs[asic->repl[i].tunnel]++;
        }
    }
    asic_table_claims_done(&asic->t_repl);
    for (i = 0; i < p->mcast_groups; i++) {
        const struct asic_mcast *m = &asic->mcast[i];

        if (m->valid) {
            asic_table_claim(&asic->t_mcast, i);
            asic_table_index(&asic->t_mcast, i,
                             asic_mcast_hash(m->bridge, &m->mac));
        }
    }
    asic_table_claims_done(&asic->t_mcast);
}

static void
index_fdb(struct hal_asic *asic)
{
    uint32_t i;

    for (i = 0; i < asic->fdb_capacity; i++) {
        const struct asic_fdb_slot *s = &asic->fdb[i];

        if (s->key) {
            asic->fdb_used++;
            if (!(s->flags & ASIC_FDB_STATIC)) {
                asic->fdb_learned++;
            }
            if (s->flags & ASIC_FDB_REMOTE) {
                asic->tunnel_refs[s->tunnel]++;
            }
        }
    }
}

void
asic_indexes_build(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t i;

    asic_table_init(&asic->t_bridge, p->bridges);
    hmap_init(&asic->bridge_by_vni);
    asic->bridge_vni_nodes = xcalloc(p->bridges, sizeof(struct hmap_node));
    asic->bridge_bindings = xcalloc(p->bridges, sizeof(struct list));
    asic_table_init(&asic->t_binding, p->bindings);
    asic->binding_nodes = xcalloc(p->bindings, sizeof(struct list));
    asic_table_init(&asic->t_tunnel, p->tunnels);
    asic->tunnel_refs = xcalloc(p->tunnels, sizeof *asic->tunnel_refs);
    asic_table_init(&asic->t_repl, p->flood_entries);
    asic_table_init(&asic->t_mcast, p->mcast_groups);

    index_bridges(asic);
    index_bindings(asic);
    index_tunnels_and_lists(asic);
    index_fdb(asic);

    /* A tunnel nothing refers to can only be left over from a crash. */
    for (i = 0; i < p->tunnels; i++) {
        if (asic->tunnels[i].valid && !asic->tunnel_refs[i]) {
            asic->tunnel_refs[i] = 1;
            asic_tunnel_unref(asic, i);
        }
    }
}

void
asic_indexes_destroy(struct hal_asic *asic)
{
    asic_table_destroy(&asic->t_bridge);
    hmap_destroy(&asic->bridge_by_vni);
    free(asic->bridge_vni_nodes);
    free(asic->bridge_bindings);
    asic_table_destroy(&asic->t_binding);
    free(asic->binding_nodes);
    asic_table_destroy(&asic->t_tunnel);
    free(asic->tunnel_refs);
    asic_table_destroy(&asic->t_repl);
    asic_table_destroy(&asic->t_mcast);
}
