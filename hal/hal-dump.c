/* Text dumps of HAL tables for the control socket (hal/dump-fdb,
 * hal/dump-flood, hal/dump-bindings, hal/resources).  Built only on the
 * provider's walks, so every backend gets the same output. */
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

static void
port_name(const struct hal *hal, hal_oid_t port, char *name, size_t size)
{
    size_t n = hal_port_count(hal);
    size_t i;

    for (i = 0; i < n; i++) {
        struct hal_port_info info;

        if (!hal_port_get(hal, i, &info) && info.oid == port) {
            snprintf(name, size, "%s", info.name);
            return;
        }
    }
    snprintf(name, size, "0x%llx", (unsigned long long) port);
}

static void
bridge_info(const struct hal *hal, hal_oid_t bridge,
            struct hal_bridge_config *cfg)
{
    if (hal_bridge_get(hal, bridge, cfg)) {
        memset(cfg, 0, sizeof *cfg);
        snprintf(cfg->name, sizeof cfg->name, "0x%llx",
                 (unsigned long long) bridge);
        cfg->vni = HAL_VNI_NONE;
    }
}

/* ---- hal/dump-fdb ------------------------------------------------------- */

struct fdb_row {
    struct hal_bridge_config bridge;
    struct hal_fdb_entry entry;
};

struct fdb_collect {
    const struct hal *hal;
    struct collect rows;
};

static void
fdb_collect_cb(const struct hal_fdb_entry *entry, void *fc_)
{
    struct fdb_collect *fc = fc_;
    struct fdb_row *row = collect_add(&fc->rows);

    row->entry = *entry;
    bridge_info(fc->hal, entry->bridge, &row->bridge);
}

static int
fdb_row_cmp(const void *a_, const void *b_)
{
    const struct fdb_row *a = a_;
    const struct fdb_row *b = b_;
    int cmp = strcmp(a->bridge.name, b->bridge.name);

    return cmp ? cmp : memcmp(&a->entry.mac, &b->entry.mac, 6);
}

struct bridge_find {
    const char *name;
    hal_oid_t oid;
};

static void
bridge_find_cb(hal_oid_t oid, const struct hal_bridge_config *cfg, void *bf_)
{
    struct bridge_find *bf = bf_;

    if (!strcmp(cfg->name, bf->name)) {
        bf->oid = oid;
    }
}

int
hal_dump_fdb(const struct hal *hal, const char *bridge_name, struct ds *out)
{
    struct fdb_collect fc = { hal, { NULL, sizeof(struct fdb_row), 0, 0 } };
    hal_oid_t bridge = HAL_OID_NULL;
    size_t i;

    if (bridge_name) {
        struct bridge_find bf = { bridge_name, HAL_OID_NULL };

        hal_bridge_walk(hal, bridge_find_cb, &bf);
        if (!bf.oid) {
            return -ENOENT;
        }
        bridge = bf.oid;
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

        ds_put_format(out, "%-16s ", row->bridge.name);
        put_vni(out, row->bridge.vni);
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
            char name[HAL_NAME_MAX];

            port_name(hal, e->port, name, sizeof name);
            ds_put_format(out, "port=%s,vlan=", name);
            put_vlan(out, e->vlan);
        }
        ds_put_format(out, "%*s %s\n",
                      (int) MAX(0, 30 - (int) (out->length - start)), "",
                      e->type == HAL_FDB_STATIC ? "static" : "learned");
    }
    free(fc.rows.data);
    return 0;
}

/* ---- hal/dump-flood ----------------------------------------------------- */

struct flood_row {
    struct hal_bridge_config bridge;
    bool is_mcast;
    enum hal_flood_type type;
    struct hal_mac mac;
    char *remotes; /* Comma-separated, owned. */
};

struct flood_collect {
    const struct hal *hal;
    struct collect rows;
};

static void
flood_collect_cb(const struct hal_flood_group *g, bool is_mcast, void *fc_)
{
    struct flood_collect *fc = fc_;
    struct flood_row *row = collect_add(&fc->rows);
    struct ds s = DS_EMPTY_INITIALIZER;
    size_t i;

    bridge_info(fc->hal, g->bridge, &row->bridge);
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
    int cmp = strcmp(a->bridge.name, b->bridge.name);

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
    struct flood_collect fc = { hal,
                                { NULL, sizeof(struct flood_row), 0, 0 } };
    size_t i;

    hal_flood_walk(hal, flood_collect_cb, &fc);
    if (fc.rows.n) {
        qsort(fc.rows.data, fc.rows.n, sizeof(struct flood_row),
              flood_row_cmp);
    }
    ds_put_format(out, "%-16s %-8s %-12s %-21s %s\n", "LS", "VNI",
                  "REPLICATION", "CLASS", "REMOTES");
    for (i = 0; i < fc.rows.n; i++) {
        struct flood_row *row = (struct flood_row *) fc.rows.data + i;

        ds_put_format(out, "%-16s ", row->bridge.name);
        put_vni(out, row->bridge.vni);
        ds_put_format(out, "%-12s ",
                      row->bridge.replication == HAL_REPLICATION_SOURCE_NODE
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
}

/* ---- hal/dump-bindings -------------------------------------------------- */

struct binding_row {
    char port[HAL_NAME_MAX];
    uint16_t vlan;
    struct hal_bridge_config bridge;
    struct hal_binding_stats stats;
};

struct binding_collect {
    const struct hal *hal;
    struct collect rows;
};

static void
binding_collect_cb(const struct hal_binding *b, void *bc_)
{
    struct binding_collect *bc = bc_;
    struct binding_row *row = collect_add(&bc->rows);

    port_name(bc->hal, b->port, row->port, sizeof row->port);
    row->vlan = b->vlan;
    bridge_info(bc->hal, b->bridge, &row->bridge);
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
    struct binding_collect bc = { hal,
                                  { NULL, sizeof(struct binding_row), 0, 0 } };
    size_t i;

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
                      row->bridge.name);
        put_vni(out, row->bridge.vni);
        ds_put_format(out, "%llu/%llu %llu/%llu\n",
                      (unsigned long long) row->stats.packets_from_local,
                      (unsigned long long) row->stats.bytes_from_local,
                      (unsigned long long) row->stats.packets_to_local,
                      (unsigned long long) row->stats.bytes_to_local);
    }
    free(bc.rows.data);
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
