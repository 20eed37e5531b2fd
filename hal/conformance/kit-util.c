/* SPDX-License-Identifier: Apache-2.0 */
/* The conformance kit's building blocks: entries, walks, occupancy. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "hal/conformance/kit.h"

struct hal_mac
kit_mac(uint32_t n)
{
    struct hal_mac mac = { { 0x02, 0x4b, (uint8_t) (n >> 24),
                             (uint8_t) (n >> 16), (uint8_t) (n >> 8),
                             (uint8_t) n } };
    return mac;
}

struct in_addr
kit_ip(uint8_t n)
{
    struct in_addr ip = { htonl(0xc0000200u | n) };
    return ip;
}

int
kit_bridge(struct kit *k, const char *name, uint32_t vni, hal_oid_t *oid)
{
    struct hal_bridge_config c = {
        .vni = vni,
        .replication = HAL_REPLICATION_SOURCE_NODE,
        .learning = true,
    };

    snprintf(c.name, sizeof c.name, "%s", name);
    *oid = HAL_OID_NULL;
    return hal_bridge_set(k->hal, &c, oid);
}

int
kit_bind(struct kit *k, int i, uint16_t vlan, hal_oid_t bridge)
{
    struct hal_binding b = { k->port[i], vlan, bridge };
    int status;

    return hal_binding_set(k->hal, &b, 1, &status);
}

int
kit_two_port_bridge(struct kit *k, hal_oid_t *oid)
{
    int error = kit_bridge(k, "ls-a", 5001, oid);

    if (!error) {
        error = kit_bind(k, 0, 0, *oid);
    }
    return error ? error : kit_bind(k, 1, 0, *oid);
}

struct hal_fdb_entry
kit_remote(hal_oid_t bridge, uint32_t n, uint8_t ip)
{
    struct hal_fdb_entry e = {
        .bridge = bridge,
        .mac = kit_mac(n),
        .type = HAL_FDB_STATIC,
        .remote = true,
        .remote_ip = kit_ip(ip),
        .vni = HAL_VNI_NONE,
    };
    return e;
}

struct hal_fdb_entry
kit_local(hal_oid_t bridge, uint32_t n, hal_oid_t port, uint16_t vlan)
{
    struct hal_fdb_entry e = {
        .bridge = bridge,
        .mac = kit_mac(n),
        .type = HAL_FDB_STATIC,
        .port = port,
        .vlan = vlan,
    };
    return e;
}

struct fdb_search {
    const struct hal_mac *mac;
    struct hal_fdb_entry *found;
    size_t n;
};

static void
fdb_search_cb(const struct hal_fdb_entry *e, void *s_)
{
    struct fdb_search *s = s_;

    s->n++;
    if (s->mac && !memcmp(&e->mac, s->mac, sizeof e->mac)) {
        *s->found = *e;
        s->mac = NULL;
    }
}

bool
kit_fdb_find(const struct kit *k, hal_oid_t bridge, const struct hal_mac *mac,
             struct hal_fdb_entry *e)
{
    struct fdb_search s = { mac, e, 0 };

    hal_fdb_walk(k->hal, bridge, fdb_search_cb, &s);
    return !s.mac;
}

size_t
kit_fdb_count(const struct kit *k, hal_oid_t bridge)
{
    struct fdb_search s = { NULL, NULL, 0 };

    hal_fdb_walk(k->hal, bridge, fdb_search_cb, &s);
    return s.n;
}

struct binding_search {
    hal_oid_t port;
    uint16_t vlan;
    hal_oid_t bridge;
    size_t n;
};

static void
binding_search_cb(const struct hal_binding *b, void *s_)
{
    struct binding_search *s = s_;

    s->n++;
    if (b->port == s->port && b->vlan == s->vlan) {
        s->bridge = b->bridge;
    }
}

size_t
kit_binding_count(const struct kit *k, hal_oid_t port, uint16_t vlan,
                  hal_oid_t *bridge)
{
    struct binding_search s = { port, vlan, HAL_OID_NULL, 0 };

    hal_binding_walk(k->hal, binding_search_cb, &s);
    if (bridge) {
        *bridge = s.bridge;
    }
    return s.n;
}

struct flood_search {
    hal_oid_t bridge;
    enum hal_flood_type type;
    size_t n_remotes;
    size_t n;
};

static void
flood_search_cb(const struct hal_flood_group *g, bool is_mcast, void *s_)
{
    struct flood_search *s = s_;

    s->n++;
    if (!is_mcast && g->bridge == s->bridge && g->type == s->type) {
        s->n_remotes = g->n_remotes;
    }
}

size_t
kit_flood_count(const struct kit *k, hal_oid_t bridge,
                enum hal_flood_type type, size_t *n_remotes)
{
    struct flood_search s = { bridge, type, 0, 0 };

    hal_flood_walk(k->hal, flood_search_cb, &s);
    if (n_remotes) {
        *n_remotes = s.n_remotes;
    }
    return s.n;
}

struct hal_resource
kit_resource(const struct kit *k, enum hal_table table)
{
    struct hal_resource res[HAL_TABLE_N];

    hal_resources_get(k->hal, res);
    return res[table];
}

struct hal_neigh_entry
kit_neigh(hal_oid_t bridge, const char *ip, uint32_t mac)
{
    struct hal_neigh_entry e;

    memset(&e, 0, sizeof e);
    e.bridge = bridge;
    hal_ip_from_string(ip, &e.ip);
    e.mac = kit_mac(mac);
    return e;
}

struct neigh_find {
    const struct hal_neigh_entry *want;
    size_t n, found;
    struct hal_mac mac;
};

static void
neigh_find_cb(const struct hal_neigh_entry *e, void *f_)
{
    struct neigh_find *f = f_;

    f->n++;
    if (e->bridge == f->want->bridge && hal_ip_equals(&e->ip, &f->want->ip)) {
        f->found++;
        f->mac = e->mac;
    }
}

size_t
kit_neigh_lookup(const struct kit *k, const struct hal_neigh_entry *want,
                 struct hal_mac *mac, size_t *total)
{
    struct neigh_find f = { .want = want };

    hal_neigh_walk(k->hal, HAL_OID_NULL, neigh_find_cb, &f);
    if (mac) {
        *mac = f.mac;
    }
    if (total) {
        *total = f.n;
    }
    return f.found;
}

struct hal_bfd_config
kit_bfd_config(uint8_t remote)
{
    struct hal_bfd_config c;

    memset(&c, 0, sizeof c);
    c.remote = kit_ip(remote);
    hal_mac_from_string("00:23:20:00:00:01", &c.dst_mac);
    inet_pton(AF_INET, "169.254.1.0", &c.src_ip);
    inet_pton(AF_INET, "169.254.1.1", &c.dst_ip);
    bfd_settings_init(&c.bfd);
    c.bfd.enable = true;
    return c;
}

int
kit_bfd_session(struct kit *k, uint8_t remote, struct hal_bfd_config *config,
                hal_oid_t *oid)
{
    *config = kit_bfd_config(remote);
    *oid = HAL_OID_NULL;
    return hal_bfd_set(k->hal, config, oid);
}

int
kit_learn(struct kit *k, int i, uint16_t vlan, uint32_t n)
{
    struct hal_mac mac = kit_mac(n);
    int error = k->hal->provider->test_learn(k->hal, k->port[i], vlan, &mac);

    kit_run(k, 0);
    return error;
}
