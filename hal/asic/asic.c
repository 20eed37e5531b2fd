/* SPDX-License-Identifier: Apache-2.0 */
/* The software ASIC as a HAL provider: open/close, the clock, switch and
 * port attributes, counters and resources.  The tables themselves live in
 * chip.c, fdb.c, l2.c, repl.c; learning and aging in fdb.c; warm restart
 * in chip.c and resync.c.  Events go through the generic layer's ring. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/vlog.h"

VLOG_DEFINE_THIS_MODULE(asic);

/* Events per callback: the learn FIFO's DMA batch. */
#define ASIC_EVENT_BATCH 64

static void asic_close(struct hal *);

static void
asic_geometry(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t base = 0;
    size_t i;

    asic->n_banks = p->n_banks;
    for (i = 0; i < p->n_banks; i++) {
        asic->banks[i].base = base;
        asic->banks[i].mask = p->banks[i].n_buckets - 1;
        asic->banks[i].ways = p->banks[i].ways;
        asic->banks[i].seed = p->banks[i].seed;
        base += p->banks[i].n_buckets * p->banks[i].ways;
    }
    asic->fdb_capacity = base;
}

static int
asic_open(const struct hal_config *config, struct hal **halp)
{
    struct hal_asic *asic = xzalloc(sizeof *asic);
    char *error = NULL;
    bool warm;
    int retval;

    hal_bfd_sessions_init(&asic->bfds);
    retval = hal_asic_profile_load(config->platform, &asic->profile, &error);
    if (!retval && config->n_ports) {
        retval = hal_asic_profile_set_ports(asic->profile, config->ports,
                                            config->n_ports);
    }
    if (!retval) {
        retval = hal_asic_profile_validate(asic->profile, &error);
    }
    if (retval) {
        VLOG_ERR("platform %s: %s", config->platform ? config->platform : "",
                 error ? error : "bad port list");
        free(error);
        hal_asic_profile_destroy(asic->profile);
        free(asic);
        return retval;
    }
    asic_geometry(asic);
    retval = asic_chip_attach(asic, config, &warm);
    if (retval) {
        hal_asic_profile_destroy(asic->profile);
        free(asic);
        return retval;
    }
    hal_init(&asic->up, &hal_asic_provider, warm);
    hal_event_ring_size(&asic->up, asic->profile->event_fifo,
                        ASIC_EVENT_BATCH);
    asic_indexes_build(asic);
    asic_neigh_init(asic);
    asic_l3_init(asic);
    asic_acl_init(asic);
    asic->next_age_ms = asic->fdb_learned ? 0 : INT64_MAX;
    VLOG_INFO("asic: platform %s, %u L2 entries in %zu banks, %s start "
              "(generation %llu)",
              asic->profile->name, (unsigned) asic->fdb_capacity,
              asic->n_banks, warm ? "warm" : "cold",
              (unsigned long long) asic->hdr->generation);
    *halp = &asic->up;
    return 0;
}

static void
asic_close(struct hal *hal)
{
    struct hal_asic *asic = asic_cast(hal);

    /* An unfinished resync removes nothing. */
    asic_resync_abandon(asic);
    asic_neigh_destroy(asic);
    asic_l3_destroy(asic);
    asic_acl_destroy(asic);
    asic_indexes_destroy(asic);
    asic_bfd_destroy_all(asic);
    asic_chip_detach(asic);
    hal_asic_profile_destroy(asic->profile);
    free(asic);
}

static void
asic_run(struct hal *hal, int64_t now_ms)
{
    asic_fdb_age(asic_cast(hal));
    asic_l3_age(asic_cast(hal));
    asic_l3_ra_run(asic_cast(hal), now_ms);
    asic_bfd_run(asic_cast(hal), now_ms);
}

static int64_t
asic_next_wake(const struct hal *hal)
{
    const struct hal_asic *asic = asic_cast(hal);

    return MIN(MIN(asic->next_age_ms, asic_l3_next_wake(asic)),
               MIN(asic_l3_ra_next_wake(asic), asic_bfd_next_wake(asic)));
}

static int
asic_switch_set(struct hal *hal, const struct hal_switch_config *c)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_chip_header *hdr = asic->hdr;

    if (hdr->tunnel_src != c->tunnel_src.s_addr
        || hdr->vxlan_port != c->vxlan_port
        || hdr->aging_time_s != c->aging_time_s) {
        hdr->tunnel_src = c->tunnel_src.s_addr;
        hdr->vxlan_port = c->vxlan_port;
        hdr->aging_time_s = c->aging_time_s;
        asic->next_age_ms = asic->fdb_learned ? hal_now(&asic->up) : INT64_MAX;
        asic->writes++;
    }
    return 0;
}

static void
asic_switch_get(const struct hal *hal, struct hal_switch_config *c)
{
    const struct asic_chip_header *hdr = asic_cast(hal)->hdr;

    memset(c, 0, sizeof *c);
    c->tunnel_src.s_addr = hdr->tunnel_src;
    c->vxlan_port = hdr->vxlan_port;
    c->aging_time_s = hdr->aging_time_s;
}

static size_t
asic_port_count(const struct hal *hal)
{
    return asic_cast(hal)->profile->n_ports;
}

static int
asic_port_get(const struct hal *hal, size_t index, struct hal_port_info *info)
{
    const struct hal_asic *asic = asic_cast(hal);
    const struct asic_port *p;

    if (index >= asic->profile->n_ports) {
        return -ENOENT;
    }
    p = &asic->ports[index];
    memset(info, 0, sizeof *info);
    info->oid = asic_port_oid((uint32_t) index);
    memcpy(info->name, p->name, sizeof info->name);
    info->oper_up = p->oper_up;
    info->speed_mbps = p->speed_mbps;
    return 0;
}

static int
asic_binding_stats_get(const struct hal *hal, hal_oid_t port, uint16_t vlan,
                       struct hal_binding_stats *stats)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t p = asic_port_index(asic, port);
    int64_t idx = p < 0 ? -1 : asic_binding_find(asic, (uint32_t) p, vlan);

    if (idx < 0) {
        return -ENOENT;
    }
    *stats = asic->bindings[idx].stats;
    return 0;
}

static int
asic_tunnel_stats_get(const struct hal *hal, struct in_addr remote,
                      struct hal_tunnel_stats *stats)
{
    const struct hal_asic *asic = asic_cast(hal);
    int64_t idx = asic_tunnel_find(asic, remote.s_addr);

    if (idx < 0) {
        return -ENOENT;
    }
    *stats = asic->tunnels[idx].stats;
    return 0;
}

static void
asic_resources_get(const struct hal *hal, struct hal_resource res[])
{
    const struct hal_asic *asic = asic_cast(hal);

    res[HAL_TABLE_FDB] =
        (struct hal_resource){ asic->fdb_used, asic->fdb_capacity };
    res[HAL_TABLE_BRIDGE] =
        (struct hal_resource){ asic->t_bridge.used, asic->t_bridge.capacity };
    res[HAL_TABLE_BINDING] = (struct hal_resource){ asic->t_binding.used,
                                                    asic->t_binding.capacity };
    res[HAL_TABLE_TUNNEL] =
        (struct hal_resource){ asic->t_tunnel.used, asic->t_tunnel.capacity };
    res[HAL_TABLE_FLOOD] =
        (struct hal_resource){ asic->t_repl.used, asic->t_repl.capacity };
    res[HAL_TABLE_MCAST] =
        (struct hal_resource){ asic->t_mcast.used, asic->t_mcast.capacity };
    asic_neigh_resources(asic, &res[HAL_TABLE_NEIGH]);
    asic_l3_resources(asic, res);
    asic_acl_resources(asic, res);
}

/* ---- Conformance hooks (hal-provider.h) --------------------------------- */

static int
asic_test_learn(struct hal *hal, hal_oid_t port, uint16_t vlan,
                const struct hal_mac *src)
{
    struct hal_asic *asic = asic_cast(hal);
    int64_t idx = asic_port_index(asic, port);
    struct hal_asic_frame frame = {
        .port = port,
        .vlan = vlan,
        .src = *src,
        .dst = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
        .bytes = 64,
    };
    struct hal_asic_decision d;

    if (idx < 0 || asic_binding_find(asic, (uint32_t) idx, vlan) < 0) {
        return -ENOENT;
    }
    hal_asic_decision_init(&d);
    hal_asic_forward(asic, &frame, true, hal_now(hal), &d);
    hal_asic_decision_uninit(&d);
    return 0;
}

static int
asic_test_link(struct hal *hal, hal_oid_t port, bool up)
{
    return hal_asic_set_link(asic_cast(hal), port, up);
}

static uint64_t
asic_test_writes(const struct hal *hal)
{
    return hal_asic_writes(asic_cast(hal));
}

const struct hal_provider hal_asic_provider = {
    .name = "asic",
    .capabilities = HAL_CAP_LEARNING | HAL_CAP_WARM_RESTART
                    | HAL_CAP_FINITE_TABLES | HAL_CAP_HASHED_FDB
                    | HAL_CAP_TAGGED_BINDINGS | HAL_CAP_BINDING_COUNTERS
                    | HAL_CAP_TUNNEL_COUNTERS | HAL_CAP_PORT_EVENTS
                    | HAL_CAP_ACL | HAL_CAP_ACL_RIF,
    .open = asic_open,
    .close = asic_close,
    .run = asic_run,
    .next_wake = asic_next_wake,
    .switch_set = asic_switch_set,
    .switch_get = asic_switch_get,
    .port_count = asic_port_count,
    .port_get = asic_port_get,
    .bridge_set = asic_bridge_set,
    .bridge_remove = asic_bridge_remove,
    .bridge_get = asic_bridge_get,
    .binding_set = asic_binding_set,
    .binding_remove = asic_binding_remove,
    .fdb_set = asic_fdb_set,
    .fdb_remove = asic_fdb_remove,
    .fdb_flush = asic_fdb_flush,
    .flood_set = asic_flood_set,
    .mcast_set = asic_mcast_set,
    .mcast_remove = asic_mcast_remove,
    .resync_begin = asic_resync_begin,
    .resync_end = asic_resync_end,
    .binding_stats_get = asic_binding_stats_get,
    .tunnel_stats_get = asic_tunnel_stats_get,
    .resources_get = asic_resources_get,
    .fdb_walk = asic_fdb_walk,
    .binding_walk = asic_binding_walk,
    .flood_walk = asic_flood_walk,
    .bridge_walk = asic_bridge_walk,
    .test_learn = asic_test_learn,
    .test_link = asic_test_link,
    .test_writes = asic_test_writes,
    .neigh_set = asic_neigh_set,
    .neigh_remove = asic_neigh_remove,
    .neigh_stats_get = asic_neigh_stats_get,
    .neigh_walk = asic_neigh_walk,
    .bfd_set = asic_bfd_set,
    .bfd_remove = asic_bfd_remove,
    .bfd_get = asic_bfd_get,
    .router_set = asic_router_set,
    .router_remove = asic_router_remove,
    .rif_create = asic_rif_create,
    .rif_remove = asic_rif_remove,
    .nexthop_create = asic_nexthop_create,
    .nexthop_remove = asic_nexthop_remove,
    .route_set = asic_route_set,
    .route_remove = asic_route_remove,
    .rneigh_set = asic_rneigh_set,
    .rneigh_remove = asic_rneigh_remove,
    .router_stats_get = asic_router_stats_get,
    .route_walk = asic_route_walk,
    .acl_table_set = asic_acl_table_set,
    .acl_table_remove = asic_acl_table_remove,
    .acl_counters_get = asic_acl_counters_get,
    .acl_bind_set = asic_acl_bind_set,
    .acl_bind_remove = asic_acl_bind_remove,
    .acl_dump = asic_acl_dump,
};

/* ---- Backend-specific API ----------------------------------------------- */

struct hal_asic *
hal_asic_cast(struct hal *hal)
{
    return hal && hal->provider == &hal_asic_provider ? asic_cast(hal) : NULL;
}

const struct hal_asic_profile *
hal_asic_profile(const struct hal_asic *asic)
{
    return asic->profile;
}

int
hal_asic_set_link(struct hal_asic *asic, hal_oid_t port, bool up)
{
    int64_t idx = asic_port_index(asic, port);

    if (idx < 0) {
        return -ENOENT;
    }
    if (asic->ports[idx].oper_up == up) {
        return 0;
    }
    asic->ports[idx].oper_up = up;
    hal_event_port_state(&asic->up, port, up);
    if (!up) {
        asic_fdb_flush_learned(asic, ASIC_NONE, (uint32_t) idx, ASIC_NONE,
                               HAL_EVENT_FDB_FLUSHED);
    }
    return 0;
}

uint64_t
hal_asic_writes(const struct hal_asic *asic)
{
    return asic->writes;
}

uint64_t
hal_asic_generation(const struct hal_asic *asic)
{
    return asic->hdr->generation;
}
