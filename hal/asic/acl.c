/* SPDX-License-Identifier: Apache-2.0 */
/* The ACL stages of the software ASIC: one TCAM per stage (ingress,
 * egress) with the profile's number of entries, as a switch's ingress and
 * egress field processors have.
 *
 * A TCAM matches each field under a value/mask, so an L4 port range is not
 * one entry: the SDK covers it with the fewest value/mask prefixes
 * (1000-2000 takes 8; 1-65534 takes 30) and a rule with a source and a
 * destination range costs the product.  A rule's entries sit together in
 * the rule's priority order and share its hit counter.  Tables are keyed
 * by an ACL class id that the binding lookup (port, VLAN) → table assigns
 * to the frame, so a table bound to many ports costs its entries once.
 * Router interfaces are bind points too (the L3 interface's class id):
 * route.c asks asic_acl_rif_permits() before its route lookup (ingress)
 * and once it has chosen the output interface (egress); their tables sit
 * in the same TCAMs.
 *
 * The TCAM's contents live in chip memory (asic_acl_chip_*: tables, rules
 * with their hit counters, bindings), so a warm restart keeps them
 * enforced from the first frame; the structures here are the SDK's host
 * copy, rebuilt from chip memory at open.  The caller's replay adopts the
 * tables it finds (by name and stage) and the sweep at the end of the
 * resync removes the rest. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/util.h"

struct asic_acl_rule {
    uint32_t slot; /* Its asic_acl_chip_rule, which holds the hit counter. */
    int64_t seq;
    enum hal_acl_action action;
    struct hal_acl_match match;
    struct hal_acl_match base; /* 'match' without the port ranges. */
    struct asic_prefix sport[ASIC_MAX_PREFIXES];
    struct asic_prefix dport[ASIC_MAX_PREFIXES];
    uint8_t n_sport, n_dport; /* 1 with a wildcard prefix if no range. */
};

struct asic_acl_table {
    struct hmap_node node; /* In 'tables', by id. */
    uint64_t id;
    char name[HAL_NAME_MAX];
    enum hal_acl_stage stage;
    struct asic_acl_rule *rules;
    size_t n_rules;
    uint32_t cost; /* TCAM entries. */
    unsigned int n_bindings;
    uint32_t slot; /* Its asic_acl_chip_table. */
    bool seen;     /* Set again during a resync. */
};

struct asic_acl_binding {
    struct hmap_node node; /* In 'bindings', by (rif, port, vlan, stage). */
    bool rif;              /* 'port' is a router interface index. */
    uint32_t port;
    uint16_t vlan;
    enum hal_acl_stage stage;
    struct asic_acl_table *table;
    uint32_t slot; /* Its asic_acl_chip_bind. */
    bool seen;     /* Set again during a resync. */
};

struct asic_acl {
    struct hmap tables;
    struct hmap bindings;
    uint64_t last_id;
    uint32_t used[HAL_ACL_STAGE_N];
    uint32_t capacity[HAL_ACL_STAGE_N];
    /* Free lists of chip memory's ACL sections. */
    struct asic_table t_tables, t_rules, t_binds;
};

static enum hal_table
stage_table(enum hal_acl_stage stage)
{
    return stage == HAL_ACL_INGRESS ? HAL_TABLE_ACL_INGRESS
                                    : HAL_TABLE_ACL_EGRESS;
}

/* ---- Range expansion ------------------------------------------------------ */

size_t
asic_acl_range_prefixes(uint16_t lo, uint16_t hi,
                        struct asic_prefix out[ASIC_MAX_PREFIXES])
{
    uint32_t cur = lo, end = hi;
    size_t n = 0;

    /* Greedy: from 'cur', the largest aligned block that stays in range. */
    while (cur <= end && n < ASIC_MAX_PREFIXES) {
        uint32_t size = 1;

        while (!(cur & size) && size < 0x10000 && cur + size * 2 - 1 <= end) {
            size *= 2;
        }
        out[n].value = (uint16_t) cur;
        out[n++].mask = (uint16_t) ~(size - 1);
        cur += size;
    }
    return n;
}

static void
rule_expand(struct asic_acl_rule *r)
{
    const struct hal_acl_match *m = &r->match;

    r->base = *m;
    r->base.fields &= ~(HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT);

    if (m->fields & HAL_ACL_F_SRC_PORT) {
        r->n_sport = (uint8_t) asic_acl_range_prefixes(
            m->src_port_min, m->src_port_max, r->sport);
    } else {
        r->n_sport = 1;
        r->sport[0] = (struct asic_prefix){ 0, 0 };
    }
    if (m->fields & HAL_ACL_F_DST_PORT) {
        r->n_dport = (uint8_t) asic_acl_range_prefixes(
            m->dst_port_min, m->dst_port_max, r->dport);
    } else {
        r->n_dport = 1;
        r->dport[0] = (struct asic_prefix){ 0, 0 };
    }
}

uint32_t
asic_acl_rule_cost(const struct hal_acl_match *m)
{
    struct asic_prefix p[ASIC_MAX_PREFIXES];
    uint32_t s = 1, d = 1;

    if (m->fields & HAL_ACL_F_SRC_PORT) {
        s = (uint32_t) asic_acl_range_prefixes(m->src_port_min,
                                               m->src_port_max, p);
    }
    if (m->fields & HAL_ACL_F_DST_PORT) {
        d = (uint32_t) asic_acl_range_prefixes(m->dst_port_min,
                                               m->dst_port_max, p);
    }
    return s * d;
}

/* Returns true if packet 'p' hits one of the TCAM entries of 'r': the
 * fields other than the ports as the reference says, the ports against
 * each (source prefix, destination prefix) pair. */
static bool
rule_hits(const struct asic_acl_rule *r, const struct hal_acl_packet *p)
{
    size_t i, j;

    if (!hal_acl_match_packet(&r->base, p)) {
        return false;
    }
    if (!(r->match.fields & (HAL_ACL_F_SRC_PORT | HAL_ACL_F_DST_PORT))) {
        return true;
    }
    if (!p->has_ports) {
        return false;
    }
    for (i = 0; i < r->n_sport; i++) {
        if ((p->src_port ^ r->sport[i].value) & r->sport[i].mask) {
            continue;
        }
        for (j = 0; j < r->n_dport; j++) {
            if (!((p->dst_port ^ r->dport[j].value) & r->dport[j].mask)) {
                return true;
            }
        }
    }
    return false;
}

/* ---- Chip memory -------------------------------------------------------------- */

/* Writes table 't' and its rules, with zero hit counters, to chip memory,
 * in free rule slots: the table's old rules must be freed first. */
static void
chip_table_write(struct hal_asic *asic, struct asic_acl_table *t)
{
    struct asic_acl_chip_table *ct = &asic->acl_tables[t->slot];
    uint32_t head = ASIC_NONE;

    for (size_t i = t->n_rules; i-- > 0;) {
        int64_t slot = asic_table_alloc(&asic->acl->t_rules);
        struct asic_acl_chip_rule *cr;

        ASSERT(slot >= 0); /* Each rule costs a TCAM entry. */
        cr = &asic->acl_rules[slot];
        memset(cr, 0, sizeof *cr);
        cr->action = (uint8_t) t->rules[i].action;
        cr->seq = t->rules[i].seq;
        cr->match = t->rules[i].match;
        cr->next = head;
        cr->valid = 1;
        t->rules[i].slot = (uint32_t) slot;
        head = (uint32_t) slot;
    }
    memcpy(ct->name, t->name, sizeof ct->name);
    ct->stage = (uint8_t) t->stage;
    ct->id = t->id;
    ct->n_rules = (uint32_t) t->n_rules;
    ct->head = head;
    ct->valid = 1;
}

/* Frees the chip rule slots of table 't''s rules. */
static void
chip_rules_free(struct hal_asic *asic, const struct asic_acl_table *t)
{
    for (size_t i = 0; i < t->n_rules; i++) {
        asic->acl_rules[t->rules[i].slot].valid = 0;
        asic_table_free(&asic->acl->t_rules, t->rules[i].slot);
    }
}

static uint32_t binding_hash(bool rif, uint32_t port, uint16_t vlan,
                             enum hal_acl_stage stage);
static struct asic_acl_binding *binding_find(const struct asic_acl *, bool rif,
                                             uint32_t port, uint16_t vlan,
                                             enum hal_acl_stage);

/* Rebuilds table 'i' of chip memory (checked) in the host copy. */
static struct asic_acl_table *
chip_restore_table(struct hal_asic *asic, uint32_t i)
{
    const struct asic_acl_chip_table *ct = &asic->acl_tables[i];
    struct asic_acl *acl = asic->acl;
    struct asic_acl_table *t = xzalloc(sizeof *t);
    uint32_t r = ct->head;

    t->id = ct->id;
    memcpy(t->name, ct->name, sizeof t->name);
    t->stage = ct->stage;
    t->slot = i;
    t->n_rules = ct->n_rules;
    t->rules = xcalloc(t->n_rules ? t->n_rules : 1, sizeof *t->rules);
    for (size_t j = 0; j < t->n_rules; j++, r = asic->acl_rules[r].next) {
        const struct asic_acl_chip_rule *cr = &asic->acl_rules[r];

        t->rules[j].slot = r;
        t->rules[j].seq = cr->seq;
        t->rules[j].action = cr->action;
        t->rules[j].match = cr->match;
        rule_expand(&t->rules[j]);
        t->cost += asic_acl_rule_cost(&cr->match);
        asic_table_claim(&acl->t_rules, r);
    }
    asic_table_claim(&acl->t_tables, i);
    hmap_insert(&acl->tables, &t->node, hash_uint64(t->id, 0));
    acl->used[t->stage] += t->cost;
    acl->last_id = MAX(acl->last_id, t->id);
    return t;
}

/* Rebuilds the host copy from chip memory, which asic_acl_chip_ok() has
 * checked (or a cold start zeroed). */
static void
chip_restore(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t nt = asic_acl_chip_tables(p), nb = asic_acl_chip_binds(p), i;
    struct asic_acl_table **by_slot = xcalloc(nt + 1, sizeof *by_slot);
    struct asic_acl *acl = asic->acl;

    for (i = 0; i < nt; i++) {
        if (asic->acl_tables[i].valid) {
            by_slot[i] = chip_restore_table(asic, i);
        }
    }
    for (i = 0; i < nb; i++) {
        struct asic_acl_chip_bind *cb = &asic->acl_binds[i];
        bool rif = cb->stage & ASIC_ACL_CHIP_RIF;
        enum hal_acl_stage stage = cb->stage & ~ASIC_ACL_CHIP_RIF;
        struct asic_acl_binding *b;

        if (!cb->valid) {
            continue;
        } else if (binding_find(acl, rif, cb->port, cb->vlan, stage)) {
            cb->valid = 0; /* A duplicate: the first one stands. */
            continue;
        }
        b = xzalloc(sizeof *b);
        b->rif = rif;
        b->port = cb->port;
        b->vlan = cb->vlan;
        b->stage = stage;
        b->table = by_slot[cb->table];
        b->table->n_bindings++;
        b->slot = i;
        asic_table_claim(&acl->t_binds, i);
        hmap_insert(&acl->bindings, &b->node,
                    binding_hash(rif, b->port, b->vlan, b->stage));
    }
    asic_table_claims_done(&acl->t_tables);
    asic_table_claims_done(&acl->t_rules);
    asic_table_claims_done(&acl->t_binds);
    free(by_slot);
}

/* ---- Lifecycle ------------------------------------------------------------- */

void
asic_acl_init(struct hal_asic *asic)
{
    const struct hal_asic_profile *p = asic->profile;
    struct asic_acl *acl = xzalloc(sizeof *acl);

    hmap_init(&acl->tables);
    hmap_init(&acl->bindings);
    acl->capacity[HAL_ACL_INGRESS] = p->acl_ingress_entries;
    acl->capacity[HAL_ACL_EGRESS] = p->acl_egress_entries;
    asic_table_init(&acl->t_tables, asic_acl_chip_tables(p));
    asic_table_init(&acl->t_rules, asic_acl_chip_rules(p));
    asic_table_init(&acl->t_binds, asic_acl_chip_binds(p));
    asic->acl = acl;
    chip_restore(asic);
}

void
asic_acl_destroy(struct hal_asic *asic)
{
    struct asic_acl *acl = asic->acl;
    struct asic_acl_binding *b;
    struct asic_acl_table *t;

    if (!acl) {
        return;
    }
    HMAP_FOR_EACH_SAFE(b, node, &acl->bindings) {
        hmap_remove(&acl->bindings, &b->node);
        free(b);
    }
    HMAP_FOR_EACH_SAFE(t, node, &acl->tables) {
        hmap_remove(&acl->tables, &t->node);
        free(t->rules);
        free(t);
    }
    hmap_destroy(&acl->bindings);
    hmap_destroy(&acl->tables);
    asic_table_destroy(&acl->t_tables);
    asic_table_destroy(&acl->t_rules);
    asic_table_destroy(&acl->t_binds);
    free(acl);
    asic->acl = NULL;
}

void
asic_acl_resources(const struct hal_asic *asic, struct hal_resource res[])
{
    const struct asic_acl *acl = asic->acl;

    res[HAL_TABLE_ACL_INGRESS] =
        (struct hal_resource){ acl->used[HAL_ACL_INGRESS],
                               acl->capacity[HAL_ACL_INGRESS] };
    res[HAL_TABLE_ACL_EGRESS] =
        (struct hal_resource){ acl->used[HAL_ACL_EGRESS],
                               acl->capacity[HAL_ACL_EGRESS] };
}

/* ---- Tables ------------------------------------------------------------------ */

static struct asic_acl_table *
table_find(const struct asic_acl *acl, hal_oid_t oid)
{
    uint64_t id = oid & HAL_OID_VALUE_MAX;
    struct asic_acl_table *t;

    HMAP_FOR_EACH_WITH_HASH(t, node, hash_uint64(id, 0), &acl->tables) {
        if (t->id == id) {
            return t;
        }
    }
    return NULL;
}

static bool
rules_equal(const struct asic_acl_table *t,
            const struct hal_acl_table_config *c)
{
    if (t->n_rules != c->n_rules || t->stage != c->stage) {
        return false;
    }
    for (size_t i = 0; i < c->n_rules; i++) {
        if (t->rules[i].action != c->rules[i].action
            || t->rules[i].seq != c->rules[i].seq
            || memcmp(&t->rules[i].match, &c->rules[i].match,
                      sizeof c->rules[i].match)) {
            return false;
        }
    }
    return true;
}

/* During a resync: the table of 'c''s name and stage that the TCAM kept
 * and no one has set again, preferring one with the same rules; NULL if
 * none. */
static struct asic_acl_table *
table_adopt(const struct asic_acl *acl, const struct hal_acl_table_config *c)
{
    struct asic_acl_table *t, *found = NULL;

    HMAP_FOR_EACH(t, node, &acl->tables) {
        if (!t->seen && t->stage == c->stage && !strcmp(t->name, c->name)) {
            if (rules_equal(t, c)) {
                return t;
            }
            found = found ? found : t;
        }
    }
    return found;
}

static void
table_rename(struct hal_asic *asic, struct asic_acl_table *t, const char *name)
{
    if (strcmp(t->name, name)) {
        snprintf(t->name, sizeof t->name, "%s", name);
        memcpy(asic->acl_tables[t->slot].name, t->name, sizeof t->name);
        asic->writes++;
    }
}

int
asic_acl_table_set(struct hal *hal, const struct hal_acl_table_config *c,
                   hal_oid_t *oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_acl *acl = asic->acl;
    struct asic_acl_table *t = NULL;
    uint64_t cost = 0, room;
    int64_t slot = -1;
    size_t i;

    if (!*oid && asic->resyncing) {
        t = table_adopt(acl, c);
    } else if (*oid) {
        t = table_find(acl, *oid);
        if (!t) {
            return -ENOENT;
        } else if (t->n_bindings && t->stage != c->stage) {
            return -EINVAL;
        }
    }
    if (t && rules_equal(t, c)) {
        table_rename(asic, t, c->name);
        t->seen = true;
        *oid = hal_oid_make(HAL_OBJECT_ACL_TABLE, t->id);
        return 0;
    }
    for (i = 0; i < c->n_rules; i++) {
        cost += asic_acl_rule_cost(&c->rules[i].match);
    }
    /* Atomic replace: the old version's entries count as room. */
    room = (uint64_t) acl->capacity[c->stage] - acl->used[c->stage];
    if (t && t->stage == c->stage) {
        room += t->cost;
    }
    if (cost <= room && !t) {
        slot = asic_table_alloc(&acl->t_tables);
    }
    if (cost > room || (!t && slot < 0)) {
        hal_event_exhausted(hal, stage_table(c->stage), HAL_E_TABLE_FULL);
        return HAL_E_TABLE_FULL;
    }
    if (!t) {
        t = xzalloc(sizeof *t);
        t->id = ++acl->last_id;
        t->slot = (uint32_t) slot;
        hmap_insert(&acl->tables, &t->node, hash_uint64(t->id, 0));
    } else {
        acl->used[t->stage] -= t->cost;
        chip_rules_free(asic, t);
        free(t->rules);
    }
    *oid = hal_oid_make(HAL_OBJECT_ACL_TABLE, t->id);
    t->seen = true;
    snprintf(t->name, sizeof t->name, "%s", c->name);
    t->stage = c->stage;
    t->n_rules = c->n_rules;
    t->rules = xcalloc(c->n_rules ? c->n_rules : 1, sizeof *t->rules);
    for (i = 0; i < c->n_rules; i++) {
        t->rules[i].seq = c->rules[i].seq;
        t->rules[i].action = c->rules[i].action;
        t->rules[i].match = c->rules[i].match;
        rule_expand(&t->rules[i]);
    }
    chip_table_write(asic, t);
    t->cost = (uint32_t) cost;
    acl->used[t->stage] += t->cost;
    asic->writes += cost ? cost : 1;
    hal_event_freed(hal, stage_table(t->stage));
    return 0;
}

static void
binding_destroy(struct hal_asic *asic, struct asic_acl_binding *b)
{
    b->table->n_bindings--;
    asic->acl_binds[b->slot].valid = 0;
    asic_table_free(&asic->acl->t_binds, b->slot);
    hmap_remove(&asic->acl->bindings, &b->node);
    free(b);
}

int
asic_acl_table_remove(struct hal *hal, hal_oid_t oid)
{
    struct hal_asic *asic = asic_cast(hal);
    struct asic_acl *acl = asic->acl;
    struct asic_acl_table *t = table_find(acl, oid);
    struct asic_acl_binding *b;

    if (!t) {
        return -ENOENT;
    }
    HMAP_FOR_EACH_SAFE(b, node, &acl->bindings) {
        if (b->table == t) {
            binding_destroy(asic, b);
        }
    }
    chip_rules_free(asic, t);
    asic->acl_tables[t->slot].valid = 0;
    asic_table_free(&acl->t_tables, t->slot);
    acl->used[t->stage] -= t->cost;
    hmap_remove(&acl->tables, &t->node);
    asic->writes++;
    hal_event_freed(hal, stage_table(t->stage));
    free(t->rules);
    free(t);
    return 0;
}

int
asic_acl_counters_get(const struct hal *hal, hal_oid_t oid, uint64_t *packets,
                      size_t n)
{
    const struct asic_acl_table *t = table_find(asic_cast(hal)->acl, oid);

    if (!t) {
        return -ENOENT;
    } else if (n > t->n_rules) {
        return -EINVAL;
    }
    for (size_t i = 0; i < n; i++) {
        packets[i] = asic_cast(hal)->acl_rules[t->rules[i].slot].hits;
    }
    return 0;
}

/* ---- Bindings ---------------------------------------------------------------- */

static uint32_t
binding_hash(bool rif, uint32_t port, uint16_t vlan, enum hal_acl_stage stage)
{
    return hash_uint64((uint64_t) rif << 60 | (uint64_t) port << 20
                           | (uint64_t) vlan << 4 | stage,
                       0);
}

static struct asic_acl_binding *
binding_find(const struct asic_acl *acl, bool rif, uint32_t port,
             uint16_t vlan, enum hal_acl_stage stage)
{
    struct asic_acl_binding *b;

    HMAP_FOR_EACH_WITH_HASH(b, node, binding_hash(rif, port, vlan, stage),
                            &acl->bindings) {
        if (b->rif == rif && b->port == port && b->vlan == vlan
            && b->stage == stage) {
            return b;
        }
    }
    return NULL;
}

/* The index of bind point 'oid' (a port or, '*rif' set, a router
 * interface), or -1. */
static int64_t
point_index(const struct hal_asic *asic, hal_oid_t oid, bool *rif)
{
    *rif = hal_oid_type(oid) == HAL_OBJECT_RIF;
    return *rif ? asic_l3_rif_index(asic, oid) : asic_port_index(asic, oid);
}

static int
bind_set_one(struct hal_asic *asic, const struct hal_acl_binding *e)
{
    struct asic_acl *acl = asic->acl;
    bool rif;
    int64_t port = point_index(asic, e->point, &rif);
    struct asic_acl_table *t = table_find(acl, e->table);
    struct asic_acl_binding *b;

    if (port < 0 || !t) {
        return -ENOENT;
    } else if (t->stage != e->stage) {
        return -EINVAL;
    }
    b = binding_find(acl, rif, (uint32_t) port, e->vlan, e->stage);
    if (b && b->table == t) {
        b->seen = true;
        return 0;
    }
    if (!b) {
        int64_t slot = asic_table_alloc(&acl->t_binds);

        if (slot < 0) {
            return HAL_E_TABLE_FULL;
        }
        b = xzalloc(sizeof *b);
        b->rif = rif;
        b->port = (uint32_t) port;
        b->vlan = e->vlan;
        b->stage = e->stage;
        b->slot = (uint32_t) slot;
        hmap_insert(&acl->bindings, &b->node,
                    binding_hash(rif, b->port, b->vlan, b->stage));
    } else {
        b->table->n_bindings--;
    }
    b->table = t;
    b->seen = true;
    t->n_bindings++;
    asic->acl_binds[b->slot] = (struct asic_acl_chip_bind){
        .valid = 1,
        .stage = (uint8_t) (b->stage | (b->rif ? ASIC_ACL_CHIP_RIF : 0)),
        .vlan = b->vlan,
        .port = b->port,
        .table = t->slot,
    };
    asic->writes++;
    return 0;
}

static int
bind_remove_one(struct hal_asic *asic, const struct hal_acl_binding *e)
{
    bool rif;
    int64_t port = point_index(asic, e->point, &rif);
    struct asic_acl_binding *b =
        port < 0
            ? NULL
            : binding_find(asic->acl, rif, (uint32_t) port, e->vlan, e->stage);

    if (!b) {
        return -ENOENT;
    }
    binding_destroy(asic, b);
    asic->writes++;
    return 0;
}

int
asic_acl_bind_set(struct hal *hal, const struct hal_acl_binding *e, size_t n,
                  int *status)
{
    return HAL_BULK_APPLY(bind_set_one, asic_cast(hal), e, n, status);
}

int
asic_acl_bind_remove(struct hal *hal, const struct hal_acl_binding *e,
                     size_t n, int *status)
{
    return HAL_BULK_APPLY(bind_remove_one, asic_cast(hal), e, n, status);
}

/* ---- Warm restart ------------------------------------------------------------ */

void
asic_acl_resync_begin(struct hal_asic *asic)
{
    struct asic_acl_binding *b;
    struct asic_acl_table *t;

    HMAP_FOR_EACH(t, node, &asic->acl->tables) {
        t->seen = false;
    }
    HMAP_FOR_EACH(b, node, &asic->acl->bindings) {
        b->seen = false;
    }
}

void
asic_acl_resync_end(struct hal_asic *asic)
{
    struct asic_acl_binding *b;
    struct asic_acl_table *t;

    HMAP_FOR_EACH_SAFE(b, node, &asic->acl->bindings) {
        if (!b->seen) {
            binding_destroy(asic, b);
            asic->writes++;
        }
    }
    HMAP_FOR_EACH_SAFE(t, node, &asic->acl->tables) {
        if (!t->seen) {
            asic_acl_table_remove(&asic->up,
                                  hal_oid_make(HAL_OBJECT_ACL_TABLE, t->id));
        }
    }
}

/* ---- Lookup ------------------------------------------------------------------ */

bool
asic_acl_active(const struct hal_asic *asic)
{
    return asic->acl && !hmap_is_empty(&asic->acl->bindings);
}

/* Runs 'p' through the table of binding 'b' (may be NULL). */
static bool
table_permits(struct hal_asic *asic, const struct asic_acl_binding *b,
              const struct hal_acl_packet *p)
{
    struct asic_acl_table *t;

    if (!b) {
        return true;
    }
    t = b->table;
    for (size_t i = 0; i < t->n_rules; i++) {
        if (rule_hits(&t->rules[i], p)) {
            asic->acl_rules[t->rules[i].slot].hits++;
            return t->rules[i].action == HAL_ACL_PERMIT;
        }
    }
    return true;
}

bool
asic_acl_permits(struct hal_asic *asic, uint32_t port, uint16_t vlan,
                 enum hal_acl_stage stage, const struct hal_acl_packet *p)
{
    struct asic_acl *acl = asic->acl;
    struct asic_acl_binding *b;

    if (!p || hmap_is_empty(&acl->bindings)) {
        return true;
    }
    b = vlan ? binding_find(acl, false, port, vlan, stage) : NULL;
    if (!b) {
        b = binding_find(acl, false, port, 0, stage);
    }
    return table_permits(asic, b, p);
}

bool
asic_acl_rif_permits(struct hal_asic *asic, uint32_t rif,
                     enum hal_acl_stage stage, const struct hal_acl_packet *p)
{
    struct asic_acl *acl = asic->acl;

    if (!p || hmap_is_empty(&acl->bindings)) {
        return true;
    }
    return table_permits(asic, binding_find(acl, true, rif, 0, stage), p);
}

void
asic_acl_rif_gone(struct hal_asic *asic, uint32_t rif)
{
    struct asic_acl *acl = asic->acl;
    struct asic_acl_binding *b;

    HMAP_FOR_EACH_SAFE(b, node, &acl->bindings) {
        if (b->rif && b->port == rif) {
            binding_destroy(asic, b);
        }
    }
}

bool
hal_asic_acl_active(const struct hal_asic *asic)
{
    return asic_acl_active(asic);
}

bool
hal_asic_acl_egress_permits(struct hal_asic *asic, hal_oid_t port_oid,
                            uint16_t vlan, const struct hal_acl_packet *p)
{
    int64_t port = asic_port_index(asic, port_oid);

    return port < 0
           || asic_acl_permits(asic, (uint32_t) port, vlan, HAL_ACL_EGRESS, p);
}

/* ---- hal/dump-acl ------------------------------------------------------------- */

static int
compare_tables(const void *a_, const void *b_)
{
    const struct asic_acl_table *const *a = a_, *const *b = b_;
    int c = strcmp((*a)->name, (*b)->name);

    return c ? c : (int) (*a)->stage - (int) (*b)->stage;
}

static int
compare_bindings(const void *a_, const void *b_)
{
    const struct asic_acl_binding *const *a = a_, *const *b = b_;

    if ((*a)->rif != (*b)->rif) {
        return (*a)->rif ? 1 : -1;
    } else if ((*a)->port != (*b)->port) {
        return (*a)->port < (*b)->port ? -1 : 1;
    } else if ((*a)->vlan != (*b)->vlan) {
        return (*a)->vlan < (*b)->vlan ? -1 : 1;
    }
    return (int) (*a)->stage - (int) (*b)->stage;
}

static void
dump_table(const struct hal_asic *asic, const struct asic_acl_table *t,
           struct ds *out)
{
    ds_put_format(out, "acl %s %s: %zu rules, %u TCAM entries, %u bindings\n",
                  t->name, hal_acl_stage_name(t->stage), t->n_rules, t->cost,
                  t->n_bindings);
    for (size_t i = 0; i < t->n_rules; i++) {
        const struct asic_acl_rule *r = &t->rules[i];

        ds_put_format(out, "  seq %-6lld %-6s hits=%llu tcam=%u ",
                      (long long) r->seq,
                      r->action == HAL_ACL_PERMIT ? "permit" : "deny",
                      (unsigned long long) asic->acl_rules[r->slot].hits,
                      (unsigned) r->n_sport * r->n_dport);
        hal_acl_match_format(&r->match, out);
        ds_put_char(out, '\n');
    }
}

void
asic_acl_dump(const struct hal *hal, struct ds *out)
{
    const struct hal_asic *asic = asic_cast(hal);
    const struct asic_acl *acl = asic->acl;
    size_t n_t = hmap_count(&acl->tables), n_b = hmap_count(&acl->bindings);
    const struct asic_acl_table **tables = xcalloc(n_t + 1, sizeof *tables);
    const struct asic_acl_binding **bs = xcalloc(n_b + 1, sizeof *bs);
    const struct asic_acl_binding *b;
    const struct asic_acl_table *t;
    size_t i = 0;

    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        ds_put_format(out, "tcam %s: %u/%u entries\n", hal_acl_stage_name(s),
                      acl->used[s], acl->capacity[s]);
    }
    HMAP_FOR_EACH(t, node, &acl->tables) {
        tables[i++] = t;
    }
    qsort(tables, n_t, sizeof *tables, compare_tables);
    for (i = 0; i < n_t; i++) {
        dump_table(asic, tables[i], out);
    }
    i = 0;
    HMAP_FOR_EACH(b, node, &acl->bindings) {
        bs[i++] = b;
    }
    qsort(bs, n_b, sizeof *bs, compare_bindings);
    for (i = 0; i < n_b; i++) {
        b = bs[i];
        if (b->rif) {
            ds_put_cstr(out, "binding rif ");
            asic_l3_rif_format(asic, b->port, out);
            ds_put_format(out, " %s -> %s\n", hal_acl_stage_name(b->stage),
                          b->table->name);
            continue;
        }
        ds_put_format(out, "binding %s vlan %u %s -> %s\n",
                      asic->ports[b->port].name, b->vlan,
                      hal_acl_stage_name(b->stage), b->table->name);
    }
    free(tables);
    free(bs);
}
