/* SPDX-License-Identifier: Apache-2.0 */
/* The ACL sections of chip memory: their sizes, and the check of what a
 * warm start reads back from them (input, like the rest of chip.c's
 * checks: every index and count is checked before anything follows it).
 * acl.c writes them and rebuilds its host copy from them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic-private.h"
#include "lib/util.h"

uint32_t
asic_acl_chip_tables(const struct hal_asic_profile *p)
{
    return p->acl_ingress_entries + p->acl_egress_entries;
}

uint32_t
asic_acl_chip_rules(const struct hal_asic_profile *p)
{
    return p->acl_ingress_entries + p->acl_egress_entries;
}

uint32_t
asic_acl_chip_binds(const struct hal_asic_profile *p)
{
    /* Two stages of every binding, port and router interface. */
    return 2 * (p->bindings + (uint32_t) p->n_ports + p->rifs);
}

static int
compare_u64(const void *a_, const void *b_)
{
    const uint64_t *a = a_, *b = b_;

    return *a < *b ? -1 : *a > *b;
}

/* Checks the rule list of chip table 'i', marking its rules in 'owned' and
 * adding their TCAM entries to 'used'.  Returns NULL or what is wrong. */
static const char *
chip_check_rules(const struct hal_asic *asic, uint32_t i, uint8_t *owned,
                 uint64_t used[HAL_ACL_STAGE_N])
{
    const struct asic_acl_chip_table *ct = &asic->acl_tables[i];
    uint32_t nr = asic_acl_chip_rules(asic->profile), n = 0, r;

    for (r = ct->head; r != ASIC_NONE; r = asic->acl_rules[r].next, n++) {
        const struct asic_acl_chip_rule *cr = &asic->acl_rules[r];

        if (n >= ct->n_rules || r >= nr || !cr->valid || owned[r]) {
            return "rule list too long, out of range or shared";
        } else if ((cr->action != HAL_ACL_PERMIT && cr->action != HAL_ACL_DENY)
                   || hal_acl_match_check(&cr->match)) {
            return "malformed rule";
        }
        owned[r] = 1;
        used[ct->stage] += asic_acl_rule_cost(&cr->match);
    }
    return n == ct->n_rules ? NULL : "rule list shorter than its count";
}

static const char *
chip_check_tables(struct hal_asic *asic, uint8_t *owned)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t nt = asic_acl_chip_tables(p), n_ids = 0, i;
    uint64_t *ids = xcalloc(nt + 1, sizeof *ids);
    uint64_t used[HAL_ACL_STAGE_N] = { 0 };
    const char *error = NULL;

    for (i = 0; i < nt && !error; i++) {
        const struct asic_acl_chip_table *ct = &asic->acl_tables[i];

        if (!ct->valid) {
            continue;
        } else if (!memchr(ct->name, '\0', sizeof ct->name)
                   || ct->stage >= HAL_ACL_STAGE_N || !ct->id
                   || ct->id > HAL_OID_VALUE_MAX
                   || ct->n_rules > HAL_ACL_MAX_RULES) {
            error = "bad name, stage, id or rule count";
        } else {
            error = chip_check_rules(asic, i, owned, used);
            ids[n_ids++] = ct->id;
        }
    }
    qsort(ids, n_ids, sizeof *ids, compare_u64);
    for (i = 1; i < n_ids && !error; i++) {
        if (ids[i] == ids[i - 1]) {
            error = "two tables with one id";
        }
    }
    if (!error
        && (used[HAL_ACL_INGRESS] > p->acl_ingress_entries
            || used[HAL_ACL_EGRESS] > p->acl_egress_entries)) {
        error = "more TCAM entries than the stage has";
    }
    free(ids);
    return error;
}

bool
asic_acl_chip_ok(struct hal_asic *asic, char *why, size_t why_size)
{
    const struct hal_asic_profile *p = asic->profile;
    uint32_t nt = asic_acl_chip_tables(p), nr = asic_acl_chip_rules(p);
    uint32_t nb = asic_acl_chip_binds(p), i;
    uint8_t *owned = xzalloc(nr + 1);
    const char *error = chip_check_tables(asic, owned);

    for (i = 0; i < nb && !error; i++) {
        const struct asic_acl_chip_bind *cb = &asic->acl_binds[i];

        bool rif = cb->stage & ASIC_ACL_CHIP_RIF;
        uint8_t stage = cb->stage & (uint8_t) ~ASIC_ACL_CHIP_RIF;

        if (cb->valid
            && ((rif ? cb->port >= p->rifs || !asic->rifs[cb->port].valid
                           || cb->vlan
                     : cb->port >= p->n_ports || cb->vlan > HAL_VLAN_MAX)
                || stage >= HAL_ACL_STAGE_N || cb->table >= nt
                || !asic->acl_tables[cb->table].valid
                || asic->acl_tables[cb->table].stage != stage)) {
            error = "binding with a bad port, router interface, VLAN, stage "
                    "or table";
        }
    }
    /* Rules on no list are left over from a crash while a table was
     * rewritten. */
    for (i = 0; i < nr && !error; i++) {
        if (asic->acl_rules[i].valid && !owned[i]) {
            asic->acl_rules[i].valid = 0;
        }
    }
    free(owned);
    if (error) {
        snprintf(why, why_size, "ACL: %s", error);
    }
    return !error;
}
