/* SPDX-License-Identifier: Apache-2.0 */
/* Built-in platform profiles and the JSON profile loader. */
#include "hal/asic/profile.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* Per-bank hash seeds, so that each bank hashes differently (as the banks
 * of a real L2 table use different CRC polynomials or hash selects). */
static const uint32_t default_seeds[HAL_ASIC_MAX_BANKS] = {
    0x9e3779b9, 0x85ebca6b, 0xc2b2ae35, 0x27d4eb2f,
    0x165667b1, 0xd3a2646c, 0xfd7046c5, 0xb55a4f09,
};

struct builtin {
    const char *name;
    uint32_t bank_entries[HAL_ASIC_MAX_BANKS]; /* 0 ends the list. */
    uint32_t ways;
    uint32_t bridges, bindings, tunnels, flood_entries, mcast_groups;
    uint32_t event_fifo;
    uint32_t n_ports, speed_mbps;
    uint32_t neigh_entries; /* Host table; 0 for the JSON default. */
    /* Routers, rifs, next hops, routes, router neighbours; 0: default. */
    uint32_t l3[5];
    uint32_t acl_ingress, acl_egress; /* ACL TCAM entries per stage. */
};

static const struct builtin builtins[] = {
    /* Trident2-like: 288K L2 entries as 2×16K + 4×64K banks of 4-way
     * buckets; 32 × 40G ports. */
    { "trident2",
      { 16384, 16384, 65536, 65536, 65536, 65536 },
      4,
      16384,
      16384,
      8192,
      16384,
      4096,
      4096,
      32,
      40000,
      16384,
      { 1024, 8192, 16384, 16384, 16384 },
      3072,
      1024 },
    /* Tomahawk-like: 136K L2 entries as 2×4K + 2×64K; 32 × 100G ports. */
    { "tomahawk",
      { 4096, 4096, 65536, 65536 },
      4,
      8192,
      16384,
      8192,
      16384,
      4096,
      4096,
      32,
      100000,
      8192,
      { 1024, 8192, 16384, 16384, 16384 },
      4608,
      1024 },
    /* Lab: tiny tables so that tests and demos hit every limit. */
    { "lab",
      { 64, 64 },
      4,
      16,
      32,
      16,
      64,
      16,
      256,
      4,
      10000,
      8,
      { 2, 8, 8, 16, 16 },
      64,
      32 },
};

static void set_error(char **error, const char *format, ...)
    PRINTF_FORMAT(2, 3);

static void
set_error(char **error, const char *format, ...)
{
    if (error) {
        va_list args;

        free(*error);
        va_start(args, format);
        *error = xvasprintf(format, args);
        va_end(args);
    }
}

static struct hal_asic_profile *
builtin_profile(const struct builtin *b)
{
    struct hal_asic_profile *p = xzalloc(sizeof *p);
    size_t i;

    snprintf(p->name, sizeof p->name, "%s", b->name);
    for (i = 0; i < HAL_ASIC_MAX_BANKS && b->bank_entries[i]; i++) {
        p->banks[i].n_buckets = b->bank_entries[i] / b->ways;
        p->banks[i].ways = b->ways;
        p->banks[i].seed = default_seeds[i];
    }
    p->n_banks = i;
    p->bridges = b->bridges;
    p->bindings = b->bindings;
    p->tunnels = b->tunnels;
    p->flood_entries = b->flood_entries;
    p->mcast_groups = b->mcast_groups;
    p->event_fifo = b->event_fifo;
    p->neigh_entries = b->neigh_entries;
    p->routers = b->l3[0];
    p->rifs = b->l3[1];
    p->nexthops = b->l3[2];
    p->routes = b->l3[3];
    p->rneighs = b->l3[4];
    p->rneigh_timeout_s = HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S;
    p->acl_ingress_entries = b->acl_ingress;
    p->acl_egress_entries = b->acl_egress;
    p->n_ports = b->n_ports;
    p->ports = xcalloc(b->n_ports, sizeof *p->ports);
    for (i = 0; i < b->n_ports; i++) {
        snprintf(p->ports[i].name, sizeof p->ports[i].name, "swp%zu", i + 1);
        p->ports[i].speed_mbps = b->speed_mbps;
    }
    return p;
}

uint32_t
hal_asic_profile_fdb_capacity(const struct hal_asic_profile *p)
{
    uint64_t total = 0;
    size_t i;

    for (i = 0; i < p->n_banks; i++) {
        total += (uint64_t) p->banks[i].n_buckets * p->banks[i].ways;
    }
    return total > UINT32_MAX ? UINT32_MAX : (uint32_t) total;
}

static bool
is_power_of_two(uint32_t x)
{
    return x && !(x & (x - 1));
}

int
hal_asic_profile_validate(const struct hal_asic_profile *p, char **error)
{
    size_t i, j;

    if (!p->n_banks || p->n_banks > HAL_ASIC_MAX_BANKS) {
        set_error(error, "%s: need 1 to %d FDB banks", p->name,
                  HAL_ASIC_MAX_BANKS);
        return -EINVAL;
    }
    for (i = 0; i < p->n_banks; i++) {
        const struct hal_asic_bank *b = &p->banks[i];

        if (!is_power_of_two(b->n_buckets) || !b->ways
            || b->ways > HAL_ASIC_MAX_WAYS) {
            set_error(error,
                      "%s: FDB bank %zu: buckets must be a power of two "
                      "and ways 1 to %d",
                      p->name, i, HAL_ASIC_MAX_WAYS);
            return -EINVAL;
        }
    }
    if (p->neigh_entries > HAL_ASIC_MAX_NEIGH) {
        set_error(error, "%s: more than %u neighbour entries", p->name,
                  HAL_ASIC_MAX_NEIGH);
        return -EINVAL;
    }
    if (p->routers > HAL_ASIC_MAX_L3 || p->rifs > HAL_ASIC_MAX_L3
        || p->nexthops > HAL_ASIC_MAX_L3 || p->routes > HAL_ASIC_MAX_L3
        || p->rneighs > HAL_ASIC_MAX_L3) {
        set_error(error, "%s: a routing table larger than %u entries", p->name,
                  HAL_ASIC_MAX_L3);
        return -EINVAL;
    }
    if (p->rneigh_timeout_s > HAL_ASIC_MAX_RNEIGH_TIMEOUT_S) {
        set_error(error, "%s: router_neighbour_timeout_s above %u", p->name,
                  HAL_ASIC_MAX_RNEIGH_TIMEOUT_S);
        return -EINVAL;
    }
    if (p->acl_ingress_entries > HAL_ASIC_MAX_ACL
        || p->acl_egress_entries > HAL_ASIC_MAX_ACL) {
        set_error(error, "%s: more than %u ACL entries in a stage", p->name,
                  HAL_ASIC_MAX_ACL);
        return -EINVAL;
    }
    if (hal_asic_profile_fdb_capacity(p) > HAL_ASIC_MAX_FDB) {
        set_error(error, "%s: FDB larger than %u entries", p->name,
                  HAL_ASIC_MAX_FDB);
        return -EINVAL;
    }
    if (!p->bridges || p->bridges > HAL_ASIC_MAX_BRIDGES || !p->bindings
        || p->bindings > 1u << 24 || !p->tunnels
        || p->tunnels > HAL_ASIC_MAX_TUNNELS || !p->flood_entries
        || p->flood_entries > 1u << 24 || !p->mcast_groups
        || p->mcast_groups > 1u << 24 || !p->event_fifo
        || p->event_fifo > 1u << 20) {
        set_error(error, "%s: a table size is zero or too large", p->name);
        return -EINVAL;
    }
    if (!p->n_ports || p->n_ports > HAL_ASIC_MAX_PORTS) {
        set_error(error, "%s: need 1 to %d ports", p->name,
                  HAL_ASIC_MAX_PORTS);
        return -EINVAL;
    }
    for (i = 0; i < p->n_ports; i++) {
        if (!p->ports[i].name[0]) {
            set_error(error, "%s: port %zu has no name", p->name, i);
            return -EINVAL;
        }
        for (j = 0; j < i; j++) {
            if (!strcmp(p->ports[i].name, p->ports[j].name)) {
                set_error(error, "%s: duplicate port %s", p->name,
                          p->ports[i].name);
                return -EINVAL;
            }
        }
    }
    return 0;
}

/* ---- JSON --------------------------------------------------------------- */

static int
json_u32(const json_t *obj, const char *key, uint32_t *value, char **error)
{
    const json_t *j = json_object_get(obj, key);

    if (!json_is_integer(j) || json_integer_value(j) < 0
        || json_integer_value(j) > UINT32_MAX) {
        set_error(error, "\"%s\" must be a non-negative integer", key);
        return -EINVAL;
    }
    *value = (uint32_t) json_integer_value(j);
    return 0;
}

static int
parse_banks(const json_t *banks, struct hal_asic_profile *p, char **error)
{
    size_t i;

    if (!json_is_array(banks) || !json_array_size(banks)
        || json_array_size(banks) > HAL_ASIC_MAX_BANKS) {
        set_error(error, "\"fdb_banks\" must be an array of 1 to %d banks",
                  HAL_ASIC_MAX_BANKS);
        return -EINVAL;
    }
    p->n_banks = json_array_size(banks);
    for (i = 0; i < p->n_banks; i++) {
        const json_t *bank = json_array_get(banks, i);
        struct hal_asic_bank *b = &p->banks[i];
        uint32_t entries;

        if (!json_is_object(bank) || json_u32(bank, "entries", &entries, error)
            || json_u32(bank, "ways", &b->ways, error)) {
            return -EINVAL;
        }
        if (!b->ways || entries % b->ways) {
            set_error(error, "bank %zu: entries not a multiple of ways", i);
            return -EINVAL;
        }
        b->n_buckets = entries / b->ways;
        b->seed = default_seeds[i];
        if (json_object_get(bank, "seed")
            && json_u32(bank, "seed", &b->seed, error)) {
            return -EINVAL;
        }
    }
    return 0;
}

static int
parse_ports(const json_t *ports, struct hal_asic_profile *p, char **error)
{
    size_t i;

    if (json_is_object(ports)) {
        const json_t *prefix = json_object_get(ports, "prefix");
        uint32_t count, speed;

        if (!json_is_string(prefix) || strlen(json_string_value(prefix)) > 32
            || json_u32(ports, "count", &count, error)
            || json_u32(ports, "speed_mbps", &speed, error)
            || count > HAL_ASIC_MAX_PORTS) {
            set_error(error, "bad \"ports\" range");
            return -EINVAL;
        }
        p->n_ports = count;
        p->ports = xcalloc(count ? count : 1, sizeof *p->ports);
        for (i = 0; i < count; i++) {
            snprintf(p->ports[i].name, sizeof p->ports[i].name, "%s%zu",
                     json_string_value(prefix), i + 1);
            p->ports[i].speed_mbps = speed;
        }
        return 0;
    }
    if (!json_is_array(ports) || json_array_size(ports) > HAL_ASIC_MAX_PORTS) {
        set_error(error, "\"ports\" must be an array or a range object");
        return -EINVAL;
    }
    p->n_ports = json_array_size(ports);
    p->ports = xcalloc(p->n_ports ? p->n_ports : 1, sizeof *p->ports);
    for (i = 0; i < p->n_ports; i++) {
        const json_t *port = json_array_get(ports, i);
        const json_t *name = json_object_get(port, "name");

        if (!json_is_string(name)
            || strlen(json_string_value(name)) >= HAL_NAME_MAX
            || json_u32(port, "speed_mbps", &p->ports[i].speed_mbps, error)) {
            set_error(error, "port %zu: need \"name\" and \"speed_mbps\"", i);
            return -EINVAL;
        }
        snprintf(p->ports[i].name, sizeof p->ports[i].name, "%s",
                 json_string_value(name));
    }
    return 0;
}

/* Like json_u32(), for a member that may be absent (leaving '*value'). */
static int
json_u32_opt(const json_t *root, const char *key, uint32_t *value,
             char **error)
{
    return json_object_get(root, key) ? json_u32(root, key, value, error) : 0;
}

static int
parse_profile(const json_t *root, struct hal_asic_profile *p, char **error)
{
    const json_t *name = json_object_get(root, "name");

    if (!json_is_object(root) || !json_is_string(name)
        || strlen(json_string_value(name)) >= sizeof p->name) {
        set_error(error, "profile needs a \"name\" of at most %zu bytes",
                  sizeof p->name - 1);
        return -EINVAL;
    }
    snprintf(p->name, sizeof p->name, "%s", json_string_value(name));
    if (parse_banks(json_object_get(root, "fdb_banks"), p, error)
        || json_u32(root, "bridges", &p->bridges, error)
        || json_u32(root, "bindings", &p->bindings, error)
        || json_u32(root, "tunnels", &p->tunnels, error)
        || json_u32(root, "flood_entries", &p->flood_entries, error)
        || json_u32(root, "mcast_groups", &p->mcast_groups, error)
        || json_u32(root, "event_fifo", &p->event_fifo, error)
        || (json_object_get(root, "neigh_entries")
            && json_u32(root, "neigh_entries", &p->neigh_entries, error))
        || json_u32_opt(root, "routers", &p->routers, error)
        || json_u32_opt(root, "router_interfaces", &p->rifs, error)
        || json_u32_opt(root, "next_hops", &p->nexthops, error)
        || json_u32_opt(root, "routes", &p->routes, error)
        || json_u32_opt(root, "router_neighbours", &p->rneighs, error)
        || json_u32_opt(root, "router_neighbour_timeout_s",
                        &p->rneigh_timeout_s, error)
        || (json_object_get(root, "acl_ingress_entries")
            && json_u32(root, "acl_ingress_entries", &p->acl_ingress_entries,
                        error))
        || (json_object_get(root, "acl_egress_entries")
            && json_u32(root, "acl_egress_entries", &p->acl_egress_entries,
                        error))
        || parse_ports(json_object_get(root, "ports"), p, error)) {
        return -EINVAL;
    }
    return hal_asic_profile_validate(p, error);
}

static int
load_file(const char *file_name, struct hal_asic_profile **profilep,
          char **error)
{
    struct hal_asic_profile *p;
    json_error_t jerror;
    json_t *root;
    int retval;

    /* A profile is a few kilobytes; refuse anything absurd. */
    root = json_load_file(file_name, JSON_REJECT_DUPLICATES, &jerror);
    if (!root) {
        set_error(error, "%s:%d: %s", file_name, jerror.line, jerror.text);
        return -EINVAL;
    }
    p = xzalloc(sizeof *p);
    p->neigh_entries = HAL_ASIC_DEFAULT_NEIGH;
    p->routers = HAL_ASIC_DEFAULT_ROUTERS;
    p->rifs = HAL_ASIC_DEFAULT_RIFS;
    p->nexthops = HAL_ASIC_DEFAULT_NEXTHOPS;
    p->routes = HAL_ASIC_DEFAULT_ROUTES;
    p->rneighs = HAL_ASIC_DEFAULT_RNEIGHS;
    p->rneigh_timeout_s = HAL_ASIC_DEFAULT_RNEIGH_TIMEOUT_S;
    p->acl_ingress_entries = HAL_ASIC_DEFAULT_ACL_INGRESS;
    p->acl_egress_entries = HAL_ASIC_DEFAULT_ACL_EGRESS;
    retval = parse_profile(root, p, error);
    json_decref(root);
    if (retval) {
        hal_asic_profile_destroy(p);
        return retval;
    }
    *profilep = p;
    return 0;
}

int
hal_asic_profile_load(const char *name, struct hal_asic_profile **profilep,
                      char **error)
{
    size_t i;

    *profilep = NULL;
    if (error) {
        *error = NULL;
    }
    if (!name) {
        name = HAL_ASIC_DEFAULT_PLATFORM;
    }
    for (i = 0; i < ARRAY_SIZE(builtins); i++) {
        if (!strcmp(builtins[i].name, name)) {
            *profilep = builtin_profile(&builtins[i]);
            return 0;
        }
    }
    if (!strchr(name, '/') && !strchr(name, '.')) {
        set_error(error,
                  "%s: no such built-in platform (trident2, tomahawk, lab) "
                  "and not a file name",
                  name);
        return -ENOENT;
    }
    return load_file(name, profilep, error);
}

struct hal_asic_profile *
hal_asic_profile_clone(const struct hal_asic_profile *profile)
{
    struct hal_asic_profile *p = xmemdup(profile, sizeof *profile);

    p->ports =
        xmemdup(profile->ports, (profile->n_ports ? profile->n_ports : 1)
                                    * sizeof *profile->ports);
    return p;
}

int
hal_asic_profile_set_ports(struct hal_asic_profile *p,
                           const char *const *names, size_t n)
{
    uint32_t speed = p->n_ports ? p->ports[0].speed_mbps : 10000;
    size_t i;

    if (!n || n > HAL_ASIC_MAX_PORTS) {
        return -EINVAL;
    }
    for (i = 0; i < n; i++) {
        if (!names[i][0] || strlen(names[i]) >= HAL_NAME_MAX) {
            return -EINVAL;
        }
    }
    free(p->ports);
    p->n_ports = n;
    p->ports = xcalloc(n, sizeof *p->ports);
    for (i = 0; i < n; i++) {
        snprintf(p->ports[i].name, sizeof p->ports[i].name, "%s", names[i]);
        p->ports[i].speed_mbps = speed;
    }
    return 0;
}

void
hal_asic_profile_destroy(struct hal_asic_profile *profile)
{
    if (profile) {
        free(profile->ports);
        free(profile);
    }
}
