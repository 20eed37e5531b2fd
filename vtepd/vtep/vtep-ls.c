/* SPDX-License-Identifier: Apache-2.0 */
/* Logical switches become HAL bridges; Physical_Port.vlan_bindings become
 * HAL bindings.
 *
 * A binding's natural key is (port name, VLAN): Physical_Port.name has no
 * index, so two rows may name the same port, and each vlan_bindings entry
 * is a "claim" on the key.  A key is programmed only if its claims agree on
 * one logical switch, the port exists in the HAL and the logical switch has
 * a bridge; otherwise every claiming row gets "invalid_vlan_map". */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/hash.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_ls);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* ---- Logical_Switch rows ---- */

static struct vtep_ls *
ls_find(const struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_ls *ls;

    HMAP_FOR_EACH_WITH_HASH(ls, node, uuid_hash(uuid), &vtep->lss) {
        if (uuid_equals(&ls->uuid, uuid)) {
            return ls;
        }
    }
    return NULL;
}

static void
ls_mark_flood(struct vtep *vtep, struct vtep_ls *ls)
{
    struct vtep_mcast *mc;

    vtep_q_dirty(&vtep->flood_dirty, &ls->flood_q);
    LIST_FOR_EACH(mc, ls_node, &ls->mcasts) {
        vtep_q_dirty(&vtep->mcast_dirty, &mc->q);
    }
}

void
vtep_ls_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                    const struct ovsdb_row *new)
{
    const struct vtep_schema *s = &vtep->s;
    enum hal_replication replication;
    struct vtep_ls *ls;
    const char *name;
    bool has_key;
    int64_t key = 0;

    vtep_neigh_ls_changed(vtep, old, new);
    if (!new) {
        ls = ls_find(vtep, &old->uuid);
        if (ls) {
            ls->present = false;
            vtep_q_dirty(&vtep->ls_dirty, &ls->q);
        }
        return;
    }

    ls = vtep_ls_ref(vtep, &new->uuid);
    ls->n_refs--;
    ls->present = true;
    name = ovsdb_row_get_string(new, s->ls_name);
    has_key = ovsdb_row_get_integer(new, s->ls_key, &key);
    replication =
        (!strcmp(ovsdb_row_get_string(new, s->ls_replication), "source_node")
             ? HAL_REPLICATION_SOURCE_NODE
             : HAL_REPLICATION_SERVICE_NODE);

    if (strcmp(name, ls->name)) {
        free(ls->name);
        ls->name = xstrdup(name);
        vtep_q_dirty(&vtep->ls_dirty, &ls->q);
    }
    if (has_key != ls->has_key || key != ls->key) {
        ls->has_key = has_key;
        ls->key = key;
        vtep_q_dirty(&vtep->ls_dirty, &ls->q);
    }
    if (replication != ls->replication || !old) {
        ls->replication = replication;
        vtep_q_dirty(&vtep->ls_dirty, &ls->q);
        ls_mark_flood(vtep, ls);
    }
}

/* ---- Bridges ---- */

/* Queues every entry that depends on 'ls''s bridge (after it is created). */
void
vtep_ls_mark_entries(struct vtep *vtep, struct vtep_ls *ls)
{
    struct vtep_ucast *uc;
    struct vtep_claim *claim;

    LIST_FOR_EACH(uc, ls_node, &ls->ucasts) {
        vtep_q_dirty(&vtep->ucast_dirty, &uc->q);
    }
    LIST_FOR_EACH(claim, ls_node, &ls->claims) {
        vtep_q_dirty(&vtep->binding_dirty, &claim->binding->q);
    }
    ls_mark_flood(vtep, ls);
    vtep_q_dirty(&vtep->local_ls_dirty, &ls->local_q);
    vtep_neigh_bridge_changed(vtep, ls, false);
    vtep_lr_bridge_changed(vtep, ls, false);
}

static void
binding_unprogram(struct vtep *vtep, struct vtep_binding *b)
{
    if (b->programmed) {
        struct vtep_ls *ls = b->prog_ls;

        b->programmed = false;
        b->prog_ls = NULL;
        if (!--ls->n_bound) {
            vtep_q_dirty(&vtep->local_ls_dirty, &ls->local_q);
        }
        vtep_ls_unref(vtep, ls);
    }
}

/* The HAL removed 'ls''s bridge and with it everything in it: forget what
 * was programmed there and queue it for recomputation. */
static void
ls_bridge_gone(struct vtep *vtep, struct vtep_ls *ls)
{
    struct vtep_ucast *uc;
    struct vtep_mcast *mc;
    struct vtep_claim *claim;

    hmap_remove(&vtep->ls_by_oid, &ls->oid_node);
    ls->bridge = HAL_OID_NULL;
    vtep_neigh_bridge_changed(vtep, ls, true);
    vtep_lr_bridge_changed(vtep, ls, true);
    LIST_FOR_EACH(uc, ls_node, &ls->ucasts) {
        uc->programmed = false;
        vtep_q_dirty(&vtep->ucast_dirty, &uc->q);
    }
    LIST_FOR_EACH(mc, ls_node, &ls->mcasts) {
        free(mc->prog);
        mc->prog = NULL;
        mc->n_prog = 0;
        vtep_q_dirty(&vtep->mcast_dirty, &mc->q);
    }
    free(ls->flood);
    ls->flood = NULL;
    ls->n_flood = 0;
    LIST_FOR_EACH(claim, ls_node, &ls->claims) {
        if (claim->binding->prog_ls == ls) {
            binding_unprogram(vtep, claim->binding);
        }
        vtep_q_dirty(&vtep->binding_dirty, &claim->binding->q);
    }
    vtep_local_ls_gone(vtep, ls);
}

/* Bridges refused because another one had their VNI get another chance
 * whenever a bridge goes away or changes its VNI. */
static void
retry_vni_conflicts(struct vtep *vtep)
{
    struct vtep_ls *ls;

    HMAP_FOR_EACH(ls, node, &vtep->lss) {
        if (ls->error == -EEXIST) {
            vtep_q_dirty(&vtep->ls_dirty, &ls->q);
        }
    }
}

static void
ls_remove_bridge(struct vtep *vtep, struct vtep_ls *ls)
{
    int error = hal_bridge_remove(vtep->hal, ls->bridge);

    vtep_count_hal_call(vtep, 1, &error);
    if (error && error != -ENOENT) {
        VLOG_WARN_RL(&rl, "removing the bridge of logical switch %s: %s",
                     ls->name, hal_strerror(error));
    }
    ls_bridge_gone(vtep, ls);
    retry_vni_conflicts(vtep);
}

static void
ls_free(struct vtep *vtep, struct vtep_ls *ls)
{
    vtep_q_idle(&ls->q);
    vtep_q_idle(&ls->flood_q);
    vtep_q_idle(&ls->local_q);
    hmap_remove(&vtep->lss, &ls->node);
    free(ls->flood);
    free(ls->name);
    free(ls);
}

/* Returns true if 'ls' has a tunnel key that can be its VNI.  Key 0 counts
 * as none: ovn-controller-vtep writes 0 into every logical switch it has no
 * OVN datapath for, so several switches may hold it at once, and switch
 * ASICs reserve VNI 0 anyway. */
static bool
ls_has_vni(const struct vtep_ls *ls)
{
    return ls->has_key && ls->key > 0 && ls->key <= HAL_VNI_MAX;
}

/* Fills '*c' with the bridge 'ls' should have; returns false if it should
 * have none. */
static bool
ls_desired(const struct vtep_ls *ls, struct hal_bridge_config *c)
{
    memset(c, 0, sizeof *c);
    if (!ls->present || !ls_has_vni(ls) || !ls->name[0]
        || strlen(ls->name) >= sizeof c->name) {
        return false;
    }
    snprintf(c->name, sizeof c->name, "%s", ls->name);
    c->vni = ls->key;
    c->replication = ls->replication;
    c->learning = true;
    return true;
}

static void
ls_set_error(struct vtep *vtep, struct vtep_ls *ls, int error)
{
    if (ls->error == -EOPNOTSUPP) {
        vtep->n_ls_unsupported--;
    } else if (ls->error) {
        vtep->n_ls_failed--;
    }
    ls->error = error;
    if (error == -EOPNOTSUPP) {
        vtep->n_ls_unsupported++;
    } else if (error) {
        vtep->n_ls_failed++;
    }
}

static void
ls_program(struct vtep *vtep, struct vtep_ls *ls,
           const struct hal_bridge_config *c)
{
    hal_oid_t oid = ls->bridge;
    bool vni_changed = ls->bridge && ls->programmed.vni != c->vni;
    int error = hal_bridge_set(vtep->hal, c, &oid);

    vtep_count_hal_call(vtep, 1, &error);
    if (error == HAL_E_TABLE_FULL) {
        vtep_q_block(&vtep->ls_blocked, &ls->q);
    } else if (error) {
        VLOG_WARN_RL(&rl, "logical switch %s (VNI %u) not programmed: %s",
                     ls->name, c->vni, hal_strerror(error));
    }
    if (error) {
        if (ls->bridge) {
            ls_remove_bridge(vtep, ls);
        }
        ls_set_error(vtep, ls, error);
        return;
    }

    ls_set_error(vtep, ls, 0);
    if (ls->bridge != oid) {
        ls->bridge = oid;
        hmap_insert(&vtep->ls_by_oid, &ls->oid_node, hash_uint64(oid, 0));
        vtep_ls_mark_entries(vtep, ls);
    } else if (c->replication != ls->programmed.replication) {
        ls_mark_flood(vtep, ls);
    }
    ls->programmed = *c;
    if (vni_changed) {
        retry_vni_conflicts(vtep);
    }
}

/* Creates, updates and removes bridges for the queued logical switches. */
void
vtep_ls_run(struct vtep *vtep)
{
    while (!list_is_empty(&vtep->ls_dirty)) {
        struct vtep_ls *ls =
            container_of(list_front(&vtep->ls_dirty), struct vtep_ls, q.node);
        struct hal_bridge_config c;

        vtep_q_idle(&ls->q);
        if (ls_desired(ls, &c)) {
            if (!ls->bridge || memcmp(&c, &ls->programmed, sizeof c)) {
                ls_program(vtep, ls, &c);
            }
            continue;
        }
        if (ls->present && !ls_has_vni(ls)) {
            VLOG_INFO_RL(&rl,
                         "logical switch %s has no usable tunnel_key: not "
                         "programmed",
                         ls->name);
        }
        if (ls->bridge) {
            ls_remove_bridge(vtep, ls);
        }
        ls_set_error(vtep, ls, 0);
        if (!ls->present && !ls->n_refs && list_is_empty(&ls->local_macs)) {
            ls_free(vtep, ls);
        }
    }
}

/* ---- Physical_Port rows ---- */

static struct vtep_port *
port_find(const struct vtep *vtep, const struct uuid *uuid)
{
    struct vtep_port *port;

    HMAP_FOR_EACH_WITH_HASH(port, node, uuid_hash(uuid), &vtep->ports) {
        if (uuid_equals(&port->uuid, uuid)) {
            return port;
        }
    }
    return NULL;
}

static struct vtep_binding *
binding_get(struct vtep *vtep, const char *name, uint16_t vlan)
{
    uint32_t hash = vtep_hash_port_vlan(name, vlan);
    struct vtep_binding *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, hash, &vtep->bindings) {
        if (b->vlan == vlan && !strcmp(b->port_name, name)) {
            return b;
        }
    }
    b = xzalloc(sizeof *b);
    b->port_name = xstrdup(name);
    b->vlan = vlan;
    list_init(&b->claims);
    vtep_q_init(&b->q);
    hmap_insert(&vtep->bindings, &b->node, hash);
    return b;
}

static void
port_drop_claims(struct vtep *vtep, struct vtep_port *port)
{
    size_t i;

    for (i = 0; i < port->n_claims; i++) {
        struct vtep_claim *claim = &port->claims[i];

        list_remove(&claim->binding_node);
        list_remove(&claim->ls_node);
        vtep_q_dirty(&vtep->binding_dirty, &claim->binding->q);
        vtep_ls_unref(vtep, claim->ls);
    }
    free(port->claims);
    port->claims = NULL;
    port->n_claims = 0;
}

static void
port_add_claims(struct vtep *vtep, struct vtep_port *port,
                const struct ovsdb_row *row)
{
    struct ovsdb_datum d;
    unsigned int i;

    ovsdb_row_get(row, vtep->s.port_bindings, &d);
    port->claims = xcalloc(d.n, sizeof *port->claims);
    port->n_claims = d.n;
    for (i = 0; i < d.n; i++) {
        struct vtep_claim *claim = &port->claims[i];

        claim->port = port;
        claim->vlan = d.keys[i].integer;
        claim->ls = vtep_ls_ref(vtep, &d.values[i].uuid);
        claim->binding = binding_get(vtep, port->name, claim->vlan);
        list_push_back(&claim->binding->claims, &claim->binding_node);
        list_push_back(&claim->ls->claims, &claim->ls_node);
        vtep_q_dirty(&vtep->binding_dirty, &claim->binding->q);
    }
}

void
vtep_port_row_changed(struct vtep *vtep, const struct ovsdb_row *old,
                      const struct ovsdb_row *new)
{
    const struct vtep_schema *s = &vtep->s;
    struct vtep_port *port;

    port = old ? port_find(vtep, &old->uuid) : NULL;
    if (new && !vtep_port_is_ours(vtep, &new->uuid)) {
        /* Another switch's port (several switches share a database). */
        new = NULL;
    } else if (old && new &&port
               && ovsdb_row_column_equals(old, new, s->port_name)
               && ovsdb_row_column_equals(old, new, s->port_bindings)) {
        return;
    }
    if (port) {
        port_drop_claims(vtep, port);
    }
    if (!new) {
        if (port) {
            vtep_q_idle(&port->fault_q);
            hmap_remove(&vtep->ports, &port->node);
            free(port->name);
            free(port);
        }
        return;
    }
    if (!port) {
        port = xzalloc(sizeof *port);
        port->uuid = new->uuid;
        vtep_q_init(&port->fault_q);
        port->name = xstrdup("");
        hmap_insert(&vtep->ports, &port->node, uuid_hash(&port->uuid));
    }
    free(port->name);
    port->name = xstrdup(ovsdb_row_get_string(new, s->port_name));
    port_add_claims(vtep, port, new);
    vtep_q_dirty(&vtep->fault_dirty, &port->fault_q);
}

bool
vtep_port_is_ours(const struct vtep *vtep, const struct uuid *uuid)
{
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    union ovsdb_atom atom = { .uuid = *uuid };
    struct ovsdb_datum ports;

    if (!ps) {
        return false;
    }
    ovsdb_row_get(ps, vtep->s.ps_ports, &ports);
    return ovsdb_datum_find_key(&ports, &atom, OVSDB_TYPE_UUID) != UINT_MAX;
}

void
vtep_ports_rescan(struct vtep *vtep)
{
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, vtep->s.port) {
        bool known = port_find(vtep, &row->uuid) != NULL;

        if (known != vtep_port_is_ours(vtep, &row->uuid)) {
            vtep_port_row_changed(vtep, known ? row : NULL,
                                  known ? NULL : row);
        }
    }
}

/* ---- Bindings ---- */

/* Returns the bridge binding 'b' should have, or NULL, and stores the HAL
 * port in '*port' and the logical switch in '*lsp'. */
static bool
binding_desired(const struct vtep *vtep, const struct vtep_binding *b,
                hal_oid_t *port, struct vtep_ls **lsp)
{
    static struct vlog_rate_limit brl = VLOG_RATE_LIMIT_INIT(10, 10);
    struct vtep_claim *claim;
    struct vtep_ls *ls = NULL;

    LIST_FOR_EACH(claim, binding_node, &b->claims) {
        if (ls && claim->ls != ls) {
            VLOG_WARN_RL(&brl,
                         "port %s VLAN %u is bound to more than one "
                         "logical switch: not programmed",
                         b->port_name, b->vlan);
            return false;
        }
        ls = claim->ls;
    }
    if (!ls) {
        return false;
    }
    if (hal_port_by_name(vtep->hal, b->port_name, port)) {
        VLOG_WARN_RL(&brl, "port %s does not exist: VLAN %u not bound",
                     b->port_name, b->vlan);
        return false;
    }
    *lsp = ls;
    return ls->bridge != HAL_OID_NULL;
}

static void
binding_done(struct vtep *vtep, struct vtep_binding *b)
{
    struct vtep_claim *claim;

    LIST_FOR_EACH(claim, binding_node, &b->claims) {
        vtep_q_dirty(&vtep->fault_dirty, &claim->port->fault_q);
    }
    if (list_is_empty(&b->claims) && !b->programmed
        && b->q.state == VTEP_Q_IDLE) {
        hmap_remove(&vtep->bindings, &b->node);
        free(b->port_name);
        free(b);
    }
}

static void
binding_set_result(struct vtep *vtep, struct vtep_binding *b, hal_oid_t port,
                   struct vtep_ls *ls, int error)
{
    b->error = error;
    if (error == HAL_E_TABLE_FULL || error == HAL_E_BUCKET_FULL) {
        vtep_q_block(&vtep->binding_blocked, &b->q);
        return;
    } else if (error) {
        VLOG_WARN_RL(&rl, "binding port %s VLAN %u: %s", b->port_name, b->vlan,
                     hal_strerror(error));
        binding_unprogram(vtep, b);
        return;
    }
    if (b->prog_ls != ls) {
        binding_unprogram(vtep, b);
        b->prog_ls = ls;
        ls->n_refs++;
        if (!ls->n_bound++) {
            vtep_q_dirty(&vtep->local_ls_dirty, &ls->local_q);
        }
    }
    b->programmed = true;
    b->prog_port = port;
}

/* Programs up to one batch of queued bindings with one bulk set and one
 * bulk remove. */
void
vtep_bindings_run(struct vtep *vtep)
{
    size_t n_max = vtep_q_count(&vtep->binding_dirty, vtep->batch);
    size_t n_set = 0, n_rm = 0, i;
    struct hal_binding *set;
    struct hal_binding *rm;
    struct vtep_binding **set_b, **rm_b, **idle;
    struct vtep_ls **set_ls;
    size_t n_idle = 0;
    int *status;

    if (!n_max) {
        return;
    }
    set = xcalloc(n_max, sizeof *set);
    rm = xcalloc(n_max, sizeof *rm);
    set_b = xcalloc(n_max, sizeof *set_b);
    rm_b = xcalloc(n_max, sizeof *rm_b);
    set_ls = xcalloc(n_max, sizeof *set_ls);
    status = xcalloc(n_max, sizeof *status);
    idle = xcalloc(n_max, sizeof *idle);

    while (n_set + n_rm + n_idle < n_max
           && !list_is_empty(&vtep->binding_dirty)) {
        struct vtep_binding *b = container_of(list_front(&vtep->binding_dirty),
                                              struct vtep_binding, q.node);
        struct vtep_ls *ls = NULL;
        hal_oid_t port = HAL_OID_NULL;

        vtep_q_idle(&b->q);
        if (binding_desired(vtep, b, &port, &ls)) {
            if (b->programmed && b->prog_port == port && b->prog_ls == ls) {
                idle[n_idle++] = b;
                continue;
            }
            set[n_set] = (struct hal_binding){ port, b->vlan, ls->bridge };
            set_ls[n_set] = ls;
            set_b[n_set++] = b;
        } else if (b->programmed) {
            rm[n_rm] = (struct hal_binding){ b->prog_port, b->vlan, 0 };
            rm_b[n_rm++] = b;
        } else {
            b->error = 0;
            idle[n_idle++] = b;
        }
    }

    if (n_rm) {
        hal_binding_remove(vtep->hal, rm, n_rm, status);
        vtep_count_hal_call(vtep, n_rm, status);
        for (i = 0; i < n_rm; i++) {
            if (status[i] && status[i] != -ENOENT) {
                VLOG_WARN_RL(&rl, "unbinding port %s VLAN %u: %s",
                             rm_b[i]->port_name, rm_b[i]->vlan,
                             hal_strerror(status[i]));
            }
            binding_unprogram(vtep, rm_b[i]);
            rm_b[i]->error = 0;
            binding_done(vtep, rm_b[i]);
        }
    }
    if (n_set) {
        hal_binding_set(vtep->hal, set, n_set, status);
        vtep_count_hal_call(vtep, n_set, status);
        for (i = 0; i < n_set; i++) {
            binding_set_result(vtep, set_b[i], set[i].port, set_ls[i],
                               status[i]);
            binding_done(vtep, set_b[i]);
        }
    }
    for (i = 0; i < n_idle; i++) {
        binding_done(vtep, idle[i]);
    }
    free(set);
    free(rm);
    free(set_b);
    free(rm_b);
    free(set_ls);
    free(status);
    free(idle);
}

/* Returns true if some vlan_bindings entry of 'port' is not programmed as
 * asked.  Only meaningful once none of its bindings is queued. */
bool
vtep_port_fault(const struct vtep_port *port)
{
    size_t i;

    for (i = 0; i < port->n_claims; i++) {
        const struct vtep_claim *claim = &port->claims[i];
        const struct vtep_binding *b = claim->binding;

        if (!b->programmed || b->prog_ls != claim->ls) {
            return true;
        }
    }
    return false;
}

/* Returns true if some binding of 'port' waits to be programmed. */
bool
vtep_port_busy(const struct vtep_port *port)
{
    size_t i;

    for (i = 0; i < port->n_claims; i++) {
        if (port->claims[i].binding->q.state == VTEP_Q_DIRTY) {
            return true;
        }
    }
    return false;
}

/* Frees the logical switch, port and binding model (not the HAL state). */
void
vtep_ls_model_destroy(struct vtep *vtep)
{
    struct vtep_port *port;
    struct vtep_binding *b;
    struct vtep_ls *ls;

    HMAP_FOR_EACH_SAFE(port, node, &vtep->ports) {
        free(port->claims);
        free(port->name);
        hmap_remove(&vtep->ports, &port->node);
        free(port);
    }
    HMAP_FOR_EACH_SAFE(b, node, &vtep->bindings) {
        free(b->port_name);
        hmap_remove(&vtep->bindings, &b->node);
        free(b);
    }
    HMAP_FOR_EACH_SAFE(ls, node, &vtep->lss) {
        hmap_remove(&vtep->lss, &ls->node);
        free(ls->flood);
        free(ls->name);
        free(ls);
    }
}
