/* SPDX-License-Identifier: Apache-2.0 */
/* Text dumps of HAL tables for the control socket (hal/dump-fdb,
 * hal/dump-flood, hal/dump-bindings, hal/dump-ports, hal/resources).
 * Built only on the provider's walks, so every backend gets the same
 * output. */
#include "hal/hal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/util.h"

/* A growable array of fixed-size records collected by a walk. */
struct collect {
    char *data;
    size_t size;
    size_t n;
    size_t allocated;
};

static void *
collect_add(struct collect *c)
{
    if (c->n >= c->allocated) {
        c->data = x2nrealloc(c->data, &c->allocated, c->n + 1, c->size);
    }
    return c->data + c->size * c->n++;
}

static void
put_vni(struct ds *out, uint32_t vni)
{
    if (vni == HAL_VNI_NONE) {
        ds_put_format(out, "%-8s ", "-");
    } else {
        ds_put_format(out, "%-8u ", (unsigned) vni);
    }
}

static void
put_vlan(struct ds *out, uint16_t vlan)
{
    if (vlan == HAL_VLAN_UNTAGGED) {
        ds_put_cstr(out, "untagged");
    } else {
        ds_put_format(out, "%u", (unsigned) vlan);
    }
}

/* Names of every bridge and port, collected once per dump and looked up by
 * object id, so that a dump of a large table walks the small ones once. */
struct named_bridge {
    hal_oid_t oid;
    struct hal_bridge_config config;
};

struct named_port {
    hal_oid_t oid;
    char name[HAL_NAME_MAX];
};

struct dump_names {
    struct collect bridges; /* Of struct named_bridge, sorted by oid. */
    struct named_port *ports;
    size_t n_ports;
    struct hal_bridge_config unknown; /* For ids with no bridge. */
};

static void
names_bridge_cb(hal_oid_t oid, const struct hal_bridge_config *config,
                void *names_)
{
    struct dump_names *names = names_;
    struct named_bridge *nb = collect_add(&names->bridges);

    nb->oid = oid;
    nb->config = *config;
}

static int
oid_cmp(const void *a_, const void *b_)
{
    hal_oid_t a = *(const hal_oid_t *) a_;
    hal_oid_t b = *(const hal_oid_t *) b_;

    return a < b ? -1 : a > b;
}

static void
names_init(struct dump_names *names, const struct hal *hal)
{
    size_t i;

    memset(names, 0, sizeof *names);
    names->bridges.size = sizeof(struct named_bridge);
    hal_bridge_walk(hal, names_bridge_cb, names);
    if (names->bridges.n) {
        qsort(names->bridges.data, names->bridges.n,
              sizeof(struct named_bridge), oid_cmp);
    }
    names->n_ports = hal_port_count(hal);
    names->ports =
        xcalloc(names->n_ports ? names->n_ports : 1, sizeof *names->ports);
    for (i = 0; i < names->n_ports; i++) {
        struct hal_port_info info;

        if (!hal_port_get(hal, i, &info)) {
            names->ports[i].oid = info.oid;
            memcpy(names->ports[i].name, info.name, sizeof info.name);
        }
    }
    qsort(names->ports, names->n_ports, sizeof *names->ports, oid_cmp);
    snprintf(names->unknown.name, sizeof names->unknown.name, "?");
    names->unknown.vni = HAL_VNI_NONE;
}

static void
names_destroy(struct dump_names *names)
{
    free(names->bridges.data);
    free(names->ports);
}

/* Returns the configuration of 'bridge'; borrowed from 'names'. */
static const struct hal_bridge_config *
names_bridge(const struct dump_names *names, hal_oid_t bridge)
{
    const struct named_bridge *nb =
        names->bridges.n
            ? bsearch(&bridge, names->bridges.data, names->bridges.n,
                      sizeof(struct named_bridge), oid_cmp)
            : NULL;

    return nb ? &nb->config : &names->unknown;
}

/* Returns the name of 'port'; borrowed from 'names'. */
static const char *
names_port(const struct dump_names *names, hal_oid_t port)
{
    const struct named_port *np =
        names->n_ports ? bsearch(&port, names->ports, names->n_ports,
                                 sizeof *names->ports, oid_cmp)
                       : NULL;

    return np ? np->name : "?";
}

/* ---- hal/dump-fdb ------------------------------------------------------- */

struct fdb_row {
    const struct hal_bridge_config *bridge;
    struct hal_fdb_entry entry;
};

struct fdb_collect {
    const struct dump_names *names;
    struct collect rows;
};

static void
fdb_collect_cb(const struct hal_fdb_entry *entry, void *fc_)
{
    struct fdb_collect *fc = fc_;
    struct fdb_row *row = collect_add(&fc->rows);

    row->entry = *entry;
    row->bridge = names_bridge(fc->names, entry->bridge);
}

static int
fdb_row_cmp(const void *a_, const void *b_)
{
    const struct fdb_row *a = a_;
    const struct fdb_row *b = b_;
    int cmp = strcmp(a->bridge->name, b->bridge->name);

    return cmp ? cmp : memcmp(&a->entry.mac, &b->entry.mac, 6);
}

int
hal_dump_fdb(const struct hal *hal, const char *bridge_name, struct ds *out)
{
    struct dump_names names;
    struct fdb_collect fc = { &names, { NULL, sizeof(struct fdb_row), 0, 0 } };
    hal_oid_t bridge = HAL_OID_NULL;
    size_t i;

    names_init(&names, hal);
    if (bridge_name) {
        for (i = 0; i < names.bridges.n; i++) {
            const struct named_bridge *nb =
                (struct named_bridge *) names.bridges.data + i;

            if (!strcmp(nb->config.name, bridge_name)) {
                bridge = nb->oid;
            }
        }
        if (!bridge) {
            names_destroy(&names);
            return -ENOENT;
        }
    }
    hal_fdb_walk(hal, bridge, fdb_collect_cb, &fc);
    if (fc.rows.n) {
        qsort(fc.rows.data, fc.rows.n, sizeof(struct fdb_row), fdb_row_cmp);
    }

    ds_put_format(out, "%-16s %-8s %-17s  %-30s %s\n", "LS", "VNI", "MAC",
                  "DESTINATION", "TYPE");
    for (i = 0; i < fc.rows.n; i++) {
        const struct fdb_row *row = (struct fdb_row *) fc.rows.data + i;
        const struct hal_fdb_entry *e = &row->entry;
        size_t start;

        ds_put_format(out, "%-16s ", row->bridge->name);
        put_vni(out, row->bridge->vni);
        ds_put_format(out, HAL_MAC_FMT "  ", HAL_MAC_ARGS(&e->mac));
        start = out->length;
        if (e->remote) {
            char ip[INET_ADDRSTRLEN];

            inet_ntop(AF_INET, &e->remote_ip, ip, sizeof ip);
            ds_put_format(out, "remote=%s", ip);
            if (e->vni != HAL_VNI_NONE) {
                ds_put_format(out, ",vni=%u", (unsigned) e->vni);
            }
        } else {
            ds_put_format(out, "port=%s,vlan=", names_port(&names, e->port));
            put_vlan(out, e->vlan);
        }
        ds_put_format(out, "%*s %s\n",
                      (int) MAX(0, 30 - (int) (out->length - start)), "",
                      e->type == HAL_FDB_STATIC ? "static" : "learned");
    }
    free(fc.rows.data);
    names_destroy(&names);
    return 0;
}

/* ---- hal/dump-flood ----------------------------------------------------- */

struct flood_row {
    const struct hal_bridge_config *bridge;
    bool is_mcast;
    enum hal_flood_type type;
    struct hal_mac mac;
    char *remotes; /* Comma-separated, owned. */
};

struct flood_collect {
    const struct dump_names *names;
    struct collect rows;
};

static void
flood_collect_cb(const struct hal_flood_group *g, bool is_mcast, void *fc_)
{
    struct flood_collect *fc = fc_;
    struct flood_row *row = collect_add(&fc->rows);
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i;

    row->bridge = names_bridge(fc->names, g->bridge);
    row->is_mcast = is_mcast;
    row->type = g->type;
    row->mac = g->mac;
    for (i = 0; i < g->n_remotes; i++) {
        char ip[INET_ADDRSTRLEN];

        inet_ntop(AF_INET, &g->remotes[i], ip, sizeof ip);
        ds_put_format(&s, "%s%s", i ? "," : "", ip);
    }
    row->remotes = ds_steal_cstr(&s);
}

static int
flood_row_cmp(const void *a_, const void *b_)
{
    const struct flood_row *a = a_;
    const struct flood_row *b = b_;
    int cmp = strcmp(a->bridge->name, b->bridge->name);

    if (cmp) {
        return cmp;
    } else if (a->is_mcast != b->is_mcast) {
        return a->is_mcast - b->is_mcast;
    } else if (a->is_mcast) {
        return memcmp(&a->mac, &b->mac, sizeof a->mac);
    } else {
        return (int) a->type - (int) b->type;
    }
}

void
hal_dump_flood(const struct hal *hal, struct ds *out)
{
    struct dump_names names;
    struct flood_collect fc = { &names,
                                { NULL, sizeof(struct flood_row), 0, 0 } };
    size_t i;

    names_init(&names, hal);
    hal_flood_walk(hal, flood_collect_cb, &fc);
    if (fc.rows.n) {
        qsort(fc.rows.data, fc.rows.n, sizeof(struct flood_row),
              flood_row_cmp);
    }
    ds_put_format(out, "%-16s %-8s %-12s %-21s %s\n", "LS", "VNI",
                  "REPLICATION", "CLASS", "REMOTES");
    for (i = 0; i < fc.rows.n; i++) {
        struct flood_row *row = (struct flood_row *) fc.rows.data + i;

        ds_put_format(out, "%-16s ", row->bridge->name);
        put_vni(out, row->bridge->vni);
        ds_put_format(out, "%-12s ",
                      row->bridge->replication == HAL_REPLICATION_SOURCE_NODE
                          ? "source_node"
                          : "service_node");
        if (row->is_mcast) {
            ds_put_format(out, "mcast " HAL_MAC_FMT "    ",
                          HAL_MAC_ARGS(&row->mac));
        } else {
            ds_put_format(out, "%-21s ", hal_flood_type_name(row->type));
        }
        ds_put_format(out, "%s\n", row->remotes);
        free(row->remotes);
    }
    free(fc.rows.data);
    names_destroy(&names);
}

/* ---- hal/dump-bindings -------------------------------------------------- */

struct binding_row {
    const char *port;
    uint16_t vlan;
    const struct hal_bridge_config *bridge;
    struct hal_binding_stats stats;
};

struct binding_collect {
    const struct hal *hal;
    const struct dump_names *names;
    struct collect rows;
};

static void
binding_collect_cb(const struct hal_binding *b, void *bc_)
{
    struct binding_collect *bc = bc_;
    struct binding_row *row = collect_add(&bc->rows);

    row->port = names_port(bc->names, b->port);
    row->vlan = b->vlan;
    row->bridge = names_bridge(bc->names, b->bridge);
    hal_binding_stats_get(bc->hal, b->port, b->vlan, &row->stats);
}

static int
binding_row_cmp(const void *a_, const void *b_)
{
    const struct binding_row *a = a_;
    const struct binding_row *b = b_;
    int cmp = strcmp(a->port, b->port);

    return cmp ? cmp : (int) a->vlan - (int) b->vlan;
}

void
hal_dump_bindings(const struct hal *hal, struct ds *out)
{
    struct dump_names names;
    struct binding_collect bc = { hal,
                                  &names,
                                  { NULL, sizeof(struct binding_row), 0, 0 } };
    size_t i;

    names_init(&names, hal);
    hal_binding_walk(hal, binding_collect_cb, &bc);
    if (bc.rows.n) {
        qsort(bc.rows.data, bc.rows.n, sizeof(struct binding_row),
              binding_row_cmp);
    }
    ds_put_format(out, "%-16s %-8s %-16s %-8s %s\n", "PORT", "VLAN", "LS",
                  "VNI", "FROM_LOCAL(pkts/bytes) TO_LOCAL(pkts/bytes)");
    for (i = 0; i < bc.rows.n; i++) {
        const struct binding_row *row =
            (struct binding_row *) bc.rows.data + i;
        size_t start;

        ds_put_format(out, "%-16s ", row->port);
        start = out->length;
        put_vlan(out, row->vlan);
        ds_put_format(out, "%*s %-16s ",
                      (int) MAX(0, 8 - (int) (out->length - start)), "",
                      row->bridge->name);
        put_vni(out, row->bridge->vni);
        ds_put_format(out, "%llu/%llu %llu/%llu\n",
                      (unsigned long long) row->stats.packets_from_local,
                      (unsigned long long) row->stats.bytes_from_local,
                      (unsigned long long) row->stats.packets_to_local,
                      (unsigned long long) row->stats.bytes_to_local);
    }
    free(bc.rows.data);
    names_destroy(&names);
}

/* ---- hal/dump-ports ----------------------------------------------------- */

void
hal_dump_ports(const struct hal *hal, struct ds *out)
{
    size_t i, n = hal_port_count(hal);

    ds_put_format(out, "%-16s %-6s %s\n", "PORT", "LINK", "SPEED");
    for (i = 0; i < n; i++) {
        struct hal_port_info info;

        if (hal_port_get(hal, i, &info)) {
            continue;
        }
        ds_put_format(out, "%-16s %-6s ", info.name,
                      info.oper_up ? "up" : "down");
        if (info.speed_mbps) {
            ds_put_format(out, "%u\n", (unsigned) info.speed_mbps);
        } else {
            ds_put_cstr(out, "-\n");
        }
    }
}

/* ---- hal/resources ------------------------------------------------------ */

void
hal_dump_resources(const struct hal *hal, struct ds *out)
{
    struct hal_resource res[HAL_TABLE_N];
    int t;

    hal_resources_get(hal, res);
    ds_put_format(out, "%-10s %10s %10s\n", "TABLE", "USED", "CAPACITY");
    for (t = 0; t < HAL_TABLE_N; t++) {
        ds_put_format(out, "%-10s %10u %10u\n", hal_table_name(t),
                      (unsigned) res[t].used, (unsigned) res[t].capacity);
    }
}
