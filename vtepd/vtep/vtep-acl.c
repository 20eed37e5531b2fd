/* SPDX-License-Identifier: Apache-2.0 */
/* ACL and ACL_entry rows bound by Physical_Port.acl_bindings → HAL ACL
 * tables and bindings; acl_fault_status, acle_fault_status and the
 * invalid_ACL_binding key of port_fault_status.
 *
 * ACLs are small next to the MAC tables, so any change to an ACL, an
 * ACL_entry or a port's acl_bindings recomputes them all from the rows and
 * hands the HAL the differences: per ACL row, one HAL table per direction
 * that has entries, its rules ordered by sequence; per (port, VLAN,
 * direction), one binding.  Only bound ACLs are programmed.
 *
 * An ACL with an invalid entry (acle_fault_status invalid_acl_entry) or two
 * entries with one sequence number is invalid_acl; one that does not fit
 * in the TCAM is resource_shortage.  Either way the version programmed
 * before stays in force (a switch refuses a bad change rather than open a
 * hole), and a binding to an ACL never programmed is not made: the port
 * says invalid_ACL_binding.  Passes remove first, then update programmed
 * ACLs, then add new ones by name, so that ACLs that fit keep working when
 * a new one does not.
 *
 * Logical_Router.acl_binding maps a router interface, by its address as in
 * switch_binding ("IP" or "IP/LEN"), to an ACL: each entry becomes a
 * binding of the router interface vtep-lr.c made for that switch_binding
 * entry (vtep_acl_router_binding()), in the same passes as the ports' and
 * with the same rules; an entry that names no switch_binding, an interface
 * not programmed, an ACL not programmed or a binding the HAL refuses gives
 * the router's LR_fault_status invalid_ACL_binding.  The router code runs
 * first and calls vtep_acl_unblock() whenever it ran, so a pass sees the
 * interfaces of this iteration. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal-acl.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-lr.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_acl);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(10, 10);

/* An ACL row as programmed. */
struct acl_prog {
    struct hmap_node node; /* In 'progs', by uuid. */
    struct uuid uuid;
    char name[HAL_NAME_MAX];
    hal_oid_t oid[HAL_ACL_STAGE_N];
    struct hal_acl_rule *rules[HAL_ACL_STAGE_N];
    size_t n_rules[HAL_ACL_STAGE_N];
    bool programmed; /* Some version is in the HAL. */
    bool wanted;     /* Bound, in this pass. */
};

/* A (port, VLAN, stage) binding as programmed. */
struct bind_prog {
    struct hmap_node node; /* In 'binds', by key. */
    struct hal_acl_binding b;
    bool wanted;
};

/* A row with a fault and its cause, from the last pass. */
struct fault {
    struct hmap_node node;
    struct uuid uuid;
    const char *key; /* The fault_status string. */
    char cause[128];
};

struct vtep_acls {
    struct ovsdb_table *ace;
    const struct ovsdb_column *acl_entries, *acl_name, *port_acl, *ace_status,
        *lr_acl, *c[ACE_N];
    struct hmap progs, binds;
    struct hmap entry_faults, acl_faults, port_faults, lr_faults;
    bool dirty;
    bool faults_dirty;
};

int
vtep_acl_init(struct vtep *vtep)
{
    struct vtep_acls *va = xzalloc(sizeof *va);
    const struct ovsdb_table_schema *acl = vtep->s.acl->schema;
    size_t i;

    hmap_init(&va->progs);
    hmap_init(&va->binds);
    hmap_init(&va->entry_faults);
    hmap_init(&va->acl_faults);
    hmap_init(&va->port_faults);
    hmap_init(&va->lr_faults);
    va->dirty = true;
    va->faults_dirty = true;
    vtep->acls = va;
    va->ace = ovsdb_db_find_table(vtep->db, "ACL_entry");
    if (!va->ace) {
        return -EINVAL;
    }
    va->acl_entries = ovsdb_table_schema_find_column(acl, "acl_entries");
    va->acl_name = ovsdb_table_schema_find_column(acl, "acl_name");
    va->port_acl =
        ovsdb_table_schema_find_column(vtep->s.port->schema, "acl_bindings");
    va->ace_status =
        ovsdb_table_schema_find_column(va->ace->schema, "acle_fault_status");
    va->lr_acl =
        ovsdb_table_schema_find_column(vtep->s.lr->schema, "acl_binding");
    for (i = 0; i < ACE_N; i++) {
        va->c[i] = ovsdb_table_schema_find_column(va->ace->schema,
                                                  vtep_ace_columns[i]);
        if (!va->c[i]) {
            return -EINVAL;
        }
    }
    return va->acl_entries && va->acl_name && va->port_acl && va->ace_status
                   && va->lr_acl
               ? 0
               : -EINVAL;
}

static void
faults_clear(struct hmap *faults)
{
    struct fault *f;

    HMAP_FOR_EACH_SAFE(f, node, faults) {
        hmap_remove(faults, &f->node);
        free(f);
    }
}

static const struct fault *
fault_find(const struct hmap *faults, const struct uuid *uuid)
{
    struct fault *f;

    HMAP_FOR_EACH_WITH_HASH(f, node, uuid_hash(uuid), faults) {
        if (uuid_equals(&f->uuid, uuid)) {
            return f;
        }
    }
    return NULL;
}

static void fault_add(struct hmap *, const struct uuid *, const char *key,
                      const char *format, ...) PRINTF_FORMAT(4, 5);

static void
fault_add(struct hmap *faults, const struct uuid *uuid, const char *key,
          const char *format, ...)
{
    struct fault *f;
    va_list args;

    if (fault_find(faults, uuid)) {
        return;
    }
    f = xzalloc(sizeof *f);
    f->uuid = *uuid;
    f->key = key;
    va_start(args, format);
    vsnprintf(f->cause, sizeof f->cause, format, args);
    va_end(args);
    hmap_insert(faults, &f->node, uuid_hash(uuid));
}

static void
prog_free_rules(struct acl_prog *p)
{
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        free(p->rules[s]);
        p->rules[s] = NULL;
        p->n_rules[s] = 0;
    }
}

void
vtep_acl_destroy(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    struct bind_prog *bp;
    struct acl_prog *p;

    if (!va) {
        return;
    }
    HMAP_FOR_EACH_SAFE(bp, node, &va->binds) {
        hmap_remove(&va->binds, &bp->node);
        free(bp);
    }
    HMAP_FOR_EACH_SAFE(p, node, &va->progs) {
        prog_free_rules(p);
        hmap_remove(&va->progs, &p->node);
        free(p);
    }
    faults_clear(&va->entry_faults);
    faults_clear(&va->acl_faults);
    faults_clear(&va->port_faults);
    faults_clear(&va->lr_faults);
    hmap_destroy(&va->progs);
    hmap_destroy(&va->binds);
    hmap_destroy(&va->entry_faults);
    hmap_destroy(&va->acl_faults);
    hmap_destroy(&va->port_faults);
    hmap_destroy(&va->lr_faults);
    free(va);
    vtep->acls = NULL;
}

void
vtep_acl_note_change(struct vtep *vtep, const struct ovsdb_row_change *c,
                     bool own)
{
    struct vtep_acls *va = vtep->acls;

    /* Our own writes are fault columns only: nothing we read. */
    if (!va || own) {
        return;
    }
    if (c->table == vtep->s.acl || c->table == va->ace) {
        va->dirty = true;
    } else if (c->table == vtep->s.port
               && (!c->old || !c->new
                   || !ovsdb_row_column_equals(c->old, c->new, va->port_acl)
                   || !ovsdb_row_column_equals(c->old, c->new,
                                               vtep->s.port_name))) {
        va->dirty = true;
    }
}

void
vtep_acl_unblock(struct vtep *vtep)
{
    if (vtep->acls) {
        vtep->acls->dirty = true;
    }
}

bool
vtep_acl_pending(const struct vtep *vtep)
{
    return vtep->acls && vtep->acls->dirty;
}

/* ---- One pass ------------------------------------------------------------- */

static struct acl_prog *
prog_find(const struct vtep_acls *va, const struct uuid *uuid)
{
    struct acl_prog *p;

    HMAP_FOR_EACH_WITH_HASH(p, node, uuid_hash(uuid), &va->progs) {
        if (uuid_equals(&p->uuid, uuid)) {
            return p;
        }
    }
    return NULL;
}

static struct acl_prog *
prog_get(struct vtep_acls *va, const struct uuid *uuid)
{
    struct acl_prog *p = prog_find(va, uuid);

    if (!p) {
        p = xzalloc(sizeof *p);
        p->uuid = *uuid;
        hmap_insert(&va->progs, &p->node, uuid_hash(uuid));
    }
    return p;
}

static int
compare_ace(const void *a_, const void *b_)
{
    const struct vtep_ace *a = a_, *b = b_;

    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Validates every ACL_entry row into 'entry_faults'. */
static void
check_entries(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, va->ace) {
        struct vtep_ace e;
        const char *error = vtep_ace_parse(va->c, row, &e);

        if (error) {
            fault_add(&va->entry_faults, &row->uuid, "invalid_acl_entry", "%s",
                      error);
        }
    }
}

/* Computes the rules of ACL 'row' into 'p''s desired arrays ('rules' out
 * parameters, new).  Returns false (and records invalid_acl) if it cannot
 * be instantiated. */
static bool
acl_desired(struct vtep *vtep, const struct ovsdb_row *row,
            struct hal_acl_rule *rules[HAL_ACL_STAGE_N],
            size_t n_rules[HAL_ACL_STAGE_N])
{
    struct vtep_acls *va = vtep->acls;
    struct ovsdb_datum d;
    struct vtep_ace *aces;
    size_t n = 0, i;

    ovsdb_row_get(row, va->acl_entries, &d);
    if (d.n > HAL_ACL_MAX_RULES) {
        fault_add(&va->acl_faults, &row->uuid, "invalid_acl",
                  "%u entries, more than %d", d.n, HAL_ACL_MAX_RULES);
        return false;
    }
    aces = xcalloc(d.n ? d.n : 1, sizeof *aces);
    for (i = 0; i < d.n; i++) {
        const struct ovsdb_row *er =
            ovsdb_table_find(va->ace, &d.keys[i].uuid);
        const struct fault *f = fault_find(&va->entry_faults, &d.keys[i].uuid);

        if (f || !er) {
            int64_t seq = 0;

            if (er) {
                ovsdb_row_get_integer(er, va->c[ACE_SEQ], &seq);
            }
            fault_add(&va->acl_faults, &row->uuid, "invalid_acl",
                      "entry with sequence %lld is invalid: %s",
                      (long long) seq, f ? f->cause : "missing");
            free(aces);
            return false;
        }
        vtep_ace_parse(va->c, er, &aces[n++]);
    }
    qsort(aces, n, sizeof *aces, compare_ace);
    for (i = 1; i < n; i++) {
        if (aces[i].seq == aces[i - 1].seq) {
            fault_add(&va->acl_faults, &row->uuid, "invalid_acl",
                      "two entries with sequence %lld",
                      (long long) aces[i].seq);
            free(aces);
            return false;
        }
    }
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        rules[s] = xcalloc(n ? n : 1, sizeof *rules[s]);
        n_rules[s] = 0;
    }
    for (i = 0; i < n; i++) {
        rules[aces[i].stage][n_rules[aces[i].stage]++] = aces[i].rule;
    }
    free(aces);
    return true;
}

static bool
rules_equal(const struct hal_acl_rule *a, size_t na,
            const struct hal_acl_rule *b, size_t nb)
{
    return na == nb && (!na || !memcmp(a, b, na * sizeof *a));
}

/* Removes stage 's' of 'p' from the HAL, with the bindings to it. */
static void
prog_remove_stage(struct vtep *vtep, struct acl_prog *p, int s)
{
    struct vtep_acls *va = vtep->acls;
    struct bind_prog *bp;

    if (!p->oid[s]) {
        return;
    }
    hal_acl_table_remove(vtep->hal, p->oid[s]);
    HMAP_FOR_EACH_SAFE(bp, node, &va->binds) {
        if (bp->b.table == p->oid[s]) {
            hmap_remove(&va->binds, &bp->node);
            free(bp);
        }
    }
    p->oid[s] = HAL_OID_NULL;
}

/* Programs the desired 'rules' of 'p'.  Returns 0 or the HAL's error. */
static int
prog_apply(struct vtep *vtep, struct acl_prog *p,
           struct hal_acl_rule *rules[HAL_ACL_STAGE_N],
           size_t n_rules[HAL_ACL_STAGE_N])
{
    int error = 0;

    for (int s = 0; s < HAL_ACL_STAGE_N && !error; s++) {
        struct hal_acl_table_config c = { .stage = s };

        if (p->programmed
            && rules_equal(p->rules[s], p->n_rules[s], rules[s], n_rules[s])) {
            continue;
        }
        if (!n_rules[s]) {
            continue;
        }
        snprintf(c.name, sizeof c.name, "%s", p->name);
        c.rules = rules[s];
        c.n_rules = n_rules[s];
        error = hal_acl_table_set(vtep->hal, &c, &p->oid[s]);
    }
    if (error) {
        return error;
    }
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        if (!n_rules[s]) {
            prog_remove_stage(vtep, p, s);
        }
        free(p->rules[s]);
        p->rules[s] = rules[s];
        p->n_rules[s] = n_rules[s];
        rules[s] = NULL;
    }
    p->programmed = true;
    return 0;
}

static void
prog_destroy(struct vtep *vtep, struct acl_prog *p)
{
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        prog_remove_stage(vtep, p, s);
    }
    prog_free_rules(p);
    hmap_remove(&vtep->acls->progs, &p->node);
    free(p);
}

/* Marks the ACLs that the rows of 'table' bind in 'column' as wanted. */
static void
mark_bound_by(struct vtep *vtep, const struct ovsdb_table *table,
              const struct ovsdb_column *column)
{
    struct vtep_acls *va = vtep->acls;
    const struct ovsdb_row *row;

    OVSDB_TABLE_FOR_EACH(row, table) {
        struct ovsdb_datum d;

        ovsdb_row_get(row, column, &d);
        for (unsigned int i = 0; i < d.n; i++) {
            if (ovsdb_table_find(vtep->s.acl, &d.values[i].uuid)) {
                prog_get(va, &d.values[i].uuid)->wanted = true;
            }
        }
    }
}

/* Marks the ACLs bound by some port or router as wanted. */
static void
mark_bound(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    struct acl_prog *p;

    HMAP_FOR_EACH(p, node, &va->progs) {
        p->wanted = false;
    }
    mark_bound_by(vtep, vtep->s.port, va->port_acl);
    mark_bound_by(vtep, vtep->s.lr, va->lr_acl);
}

static int
compare_rows_by_name(const void *a_, const void *b_, void *col_)
{
    const struct ovsdb_row *const *a = a_, *const *b = b_;
    const struct ovsdb_column *col = col_;
    int c =
        strcmp(ovsdb_row_get_string(*a, col), ovsdb_row_get_string(*b, col));

    return c ? c : uuid_compare(&(*a)->uuid, &(*b)->uuid);
}

/* Programs ACL 'row' ('p' wanted). */
static void
acl_program(struct vtep *vtep, const struct ovsdb_row *row, struct acl_prog *p)
{
    struct vtep_acls *va = vtep->acls;
    struct hal_acl_rule *rules[HAL_ACL_STAGE_N] = { NULL };
    size_t n_rules[HAL_ACL_STAGE_N] = { 0 };
    int error;

    snprintf(p->name, sizeof p->name, "%s",
             ovsdb_row_get_string(row, va->acl_name));
    if (!acl_desired(vtep, row, rules, n_rules)) {
        return;
    }
    error = prog_apply(vtep, p, rules, n_rules);
    if (error == HAL_E_TABLE_FULL) {
        fault_add(&va->acl_faults, &row->uuid, "resource_shortage",
                  "%zu ingress and %zu egress rules do not fit in the TCAM",
                  n_rules[HAL_ACL_INGRESS], n_rules[HAL_ACL_EGRESS]);
    } else if (error) {
        fault_add(&va->acl_faults, &row->uuid,
                  error == -EOPNOTSUPP ? "invalid_acl" : "unspecified_fault",
                  "HAL: %s", hal_strerror(error));
    }
    if (error) {
        VLOG_WARN_RL(&rl, "ACL %s: %s", p->name, hal_strerror(error));
    }
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        free(rules[s]);
    }
}

/* Removes what is no longer bound, then programs the ACLs already in the
 * HAL, then the new ones in name order. */
static void
acls_run(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    const struct ovsdb_row **rows;
    const struct ovsdb_row *row;
    struct acl_prog *p;
    size_t n = 0, i;

    mark_bound(vtep);
    HMAP_FOR_EACH_SAFE(p, node, &va->progs) {
        if (!p->wanted) {
            prog_destroy(vtep, p);
        }
    }
    rows = xcalloc(ovsdb_table_count(vtep->s.acl) + 1, sizeof *rows);
    OVSDB_TABLE_FOR_EACH(row, vtep->s.acl) {
        rows[n++] = row;
    }
    qsort_r(rows, n, sizeof *rows, compare_rows_by_name,
            (void *) va->acl_name);
    for (int pass = 0; pass < 2; pass++) {
        for (i = 0; i < n; i++) {
            p = prog_find(va, &rows[i]->uuid);
            if (p && p->wanted && p->programmed == !pass) {
                acl_program(vtep, rows[i], p);
            }
        }
    }
    free(rows);
}

/* ---- Port bindings ---------------------------------------------------------- */

static uint32_t
bind_hash(const struct hal_acl_binding *b)
{
    return hash_uint64(b->point ^ ((uint64_t) b->vlan << 8 | b->stage), 0);
}

static struct bind_prog *
bind_find(const struct vtep_acls *va, const struct hal_acl_binding *b)
{
    struct bind_prog *bp;

    HMAP_FOR_EACH_WITH_HASH(bp, node, bind_hash(b), &va->binds) {
        if (bp->b.point == b->point && bp->b.vlan == b->vlan
            && bp->b.stage == b->stage) {
            return bp;
        }
    }
    return NULL;
}

/* A binding to make, and where its failure goes. */
struct bind_req {
    struct uuid owner;             /* Port or router row. */
    struct hmap *faults;           /* port_faults or lr_faults. */
    char what[HAL_IP_STRLEN + 16]; /* "VLAN 10" or "interface 10.0.1.1". */
};

struct bind_batch {
    struct hal_acl_binding *set, *rm;
    struct bind_req *req;
    size_t n_set, n_rm, allocated_set, allocated_rm;
};

/* Adds binding 'b' of 'owner' to 'bb' unless it is programmed already
 * (then marks it wanted).  'what' names it in a fault's cause. */
static void
batch_add(struct vtep_acls *va, struct bind_batch *bb,
          const struct hal_acl_binding *b, const struct uuid *owner,
          struct hmap *faults, const char *what)
{
    struct bind_prog *bp = bind_find(va, b);

    if (bp && bp->b.table == b->table) {
        bp->wanted = true;
        return;
    }
    if (bb->n_set >= bb->allocated_set) {
        size_t a = bb->allocated_set;

        bb->set = x2nrealloc(bb->set, &a, bb->n_set + 1, sizeof *bb->set);
        bb->req = x2nrealloc(bb->req, &bb->allocated_set, bb->n_set + 1,
                             sizeof *bb->req);
    }
    bb->req[bb->n_set].owner = *owner;
    bb->req[bb->n_set].faults = faults;
    snprintf(bb->req[bb->n_set].what, sizeof bb->req[bb->n_set].what, "%s",
             what);
    bb->set[bb->n_set++] = *b;
}

/* Adds the bindings that port 'row' asks for to 'bb' (or marks them
 * wanted if already right), recording port faults. */
static void
port_bindings(struct vtep *vtep, const struct ovsdb_row *row,
              struct bind_batch *bb)
{
    struct vtep_acls *va = vtep->acls;
    const char *name = ovsdb_row_get_string(row, vtep->s.port_name);
    struct ovsdb_datum d;
    hal_oid_t port;

    ovsdb_row_get(row, va->port_acl, &d);
    if (d.n && hal_port_by_name(vtep->hal, name, &port)) {
        fault_add(&va->port_faults, &row->uuid, "invalid_ACL_binding",
                  "%s is not a port of this switch", name);
        return;
    }
    for (unsigned int i = 0; i < d.n; i++) {
        const struct acl_prog *p = prog_find(va, &d.values[i].uuid);
        const struct fault *f = fault_find(&va->acl_faults, &d.values[i].uuid);

        if (!p || !p->programmed) {
            fault_add(&va->port_faults, &row->uuid, "invalid_ACL_binding",
                      "VLAN %lld: ACL %s not programmed (%s)",
                      (long long) d.keys[i].integer, p ? p->name : "?",
                      f ? f->key : "missing");
            continue;
        }
        for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
            struct hal_acl_binding b = { port, (uint16_t) d.keys[i].integer, s,
                                         p->oid[s] };
            char what[32];

            if (b.table) {
                snprintf(what, sizeof what, "VLAN %u", b.vlan);
                batch_add(va, bb, &b, &row->uuid, &va->port_faults, what);
            }
        }
    }
}

/* Parses acl_binding key 'key' ("IP" or "IP/LEN") into 'ip' and, if it
 * has one, '*len' (else 0).  Returns 0 or -EINVAL. */
static int
parse_interface(const char *key, struct hal_ip *ip, uint8_t *len)
{
    *len = 0;
    return strchr(key, '/') ? hal_prefix_from_string(key, ip, len)
                            : hal_ip_from_string(key, ip);
}

/* Binds the ACL 'acl' to the interface of Logical_Router 'row' that
 * acl_binding key 'key' names: adds the bindings to 'bb', or records
 * invalid_ACL_binding with the cause.  Returns 0 or a negative errno. */
static int
vtep_acl_router_binding(struct vtep *vtep, const struct ovsdb_row *row,
                        const char *key, const struct uuid *acl,
                        struct bind_batch *bb)
{
    struct vtep_acls *va = vtep->acls;
    const struct acl_prog *p = prog_find(va, acl);
    const struct fault *f = fault_find(&va->acl_faults, acl);
    struct ovsdb_datum sb;
    struct hal_ip ip, b_ip;
    uint8_t len, b_len;
    bool found = false;
    char what[HAL_IP_STRLEN + 16];
    hal_oid_t rif;

    if (parse_interface(key, &ip, &len)) {
        fault_add(&va->lr_faults, &row->uuid, "invalid_ACL_binding",
                  "%s is not an interface address", key);
        return -EINVAL;
    }
    ovsdb_row_get(row, vtep->lrs->binding, &sb);
    for (unsigned int i = 0; i < sb.n && !found; i++) {
        found = !hal_prefix_from_string(sb.keys[i].string->s, &b_ip, &b_len)
                && hal_ip_equals(&b_ip, &ip) && (!len || len == b_len);
    }
    if (!found) {
        fault_add(&va->lr_faults, &row->uuid, "invalid_ACL_binding",
                  "interface %s: no switch_binding has it", key);
        return -ENOENT;
    } else if (!p || !p->programmed) {
        fault_add(&va->lr_faults, &row->uuid, "invalid_ACL_binding",
                  "interface %s: ACL %s not programmed (%s)", key,
                  p ? p->name : "?", f ? f->key : "missing");
        return -EINVAL;
    } else if (vtep_lr_rif_find(vtep, &row->uuid, &ip, &rif)) {
        fault_add(&va->lr_faults, &row->uuid, "invalid_ACL_binding",
                  "interface %s is not programmed", key);
        return -ENOENT;
    }
    snprintf(what, sizeof what, "interface %s", key);
    for (int s = 0; s < HAL_ACL_STAGE_N; s++) {
        struct hal_acl_binding b = { rif, 0, s, p->oid[s] };

        if (b.table) {
            batch_add(va, bb, &b, &row->uuid, &va->lr_faults, what);
        }
    }
    return 0;
}

/* Adds the bindings that router 'row' asks for to 'bb'. */
static void
router_bindings(struct vtep *vtep, const struct ovsdb_row *row,
                struct bind_batch *bb)
{
    struct ovsdb_datum d;

    if (!vtep->lrs) {
        return;
    }
    ovsdb_row_get(row, vtep->acls->lr_acl, &d);
    for (unsigned int i = 0; i < d.n && i < LR_MAX_BINDINGS; i++) {
        vtep_acl_router_binding(vtep, row, d.keys[i].string->s,
                                &d.values[i].uuid, bb);
    }
}

static void
binds_run(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    struct bind_batch bb = { 0 };
    const struct ovsdb_row *row;
    struct bind_prog *bp;
    int *status;
    size_t i;

    HMAP_FOR_EACH(bp, node, &va->binds) {
        bp->wanted = false;
    }
    OVSDB_TABLE_FOR_EACH(row, vtep->s.port) {
        port_bindings(vtep, row, &bb);
    }
    OVSDB_TABLE_FOR_EACH(row, vtep->s.lr) {
        router_bindings(vtep, row, &bb);
    }
    HMAP_FOR_EACH_SAFE(bp, node, &va->binds) {
        if (!bp->wanted) {
            bb.rm = x2nrealloc(bb.rm, &bb.allocated_rm, bb.n_rm + 1,
                               sizeof *bb.rm);
            bb.rm[bb.n_rm++] = bp->b;
            hmap_remove(&va->binds, &bp->node);
            free(bp);
        }
    }
    status = xcalloc(MAX(bb.n_set, bb.n_rm) + 1, sizeof *status);
    if (bb.n_rm) {
        hal_acl_bind_remove(vtep->hal, bb.rm, bb.n_rm, status);
    }
    if (bb.n_set) {
        hal_acl_bind_set(vtep->hal, bb.set, bb.n_set, status);
    }
    for (i = 0; i < bb.n_set; i++) {
        if (status[i]) {
            fault_add(bb.req[i].faults, &bb.req[i].owner,
                      "invalid_ACL_binding", "%s %s: %s", bb.req[i].what,
                      hal_acl_stage_name(bb.set[i].stage),
                      hal_strerror(status[i]));
            continue;
        }
        bp = bind_find(va, &bb.set[i]);
        if (!bp) {
            bp = xzalloc(sizeof *bp);
            bp->b = bb.set[i];
            hmap_insert(&va->binds, &bp->node, bind_hash(&bp->b));
        }
        bp->b.table = bb.set[i].table;
        bp->wanted = true;
    }
    free(status);
    free(bb.set);
    free(bb.req);
    free(bb.rm);
}

static void
log_faults(const struct hmap *faults, const char *what)
{
    const struct fault *f;

    HMAP_FOR_EACH(f, node, faults) {
        char u[UUID_LEN + 1];

        uuid_to_string(&f->uuid, u);
        VLOG_WARN_RL(&rl, "%s %s: %s: %s", what, u, f->key, f->cause);
    }
}

void
vtep_acl_run(struct vtep *vtep)
{
    struct vtep_acls *va = vtep->acls;
    struct vtep_port *port;

    if (!va || !va->dirty) {
        return;
    }
    va->dirty = false;
    faults_clear(&va->entry_faults);
    faults_clear(&va->acl_faults);
    faults_clear(&va->port_faults);
    faults_clear(&va->lr_faults);
    check_entries(vtep);
    acls_run(vtep);
    binds_run(vtep);
    log_faults(&va->entry_faults, "ACL_entry");
    log_faults(&va->acl_faults, "ACL");
    log_faults(&va->port_faults, "Physical_Port");
    log_faults(&va->lr_faults, "Logical_Router");
    va->faults_dirty = true;
    HMAP_FOR_EACH(port, node, &vtep->ports) {
        vtep_q_dirty(&vtep->fault_dirty, &port->fault_q);
    }
}

/* ---- Fault columns ----------------------------------------------------------- */

const char *
vtep_acl_router_fault(const struct vtep *vtep, const struct uuid *lr)
{
    const struct fault *f =
        vtep->acls ? fault_find(&vtep->acls->lr_faults, lr) : NULL;

    return f ? f->key : NULL;
}

const char *
vtep_acl_port_fault(const struct vtep *vtep, const struct uuid *port)
{
    const struct fault *f =
        vtep->acls ? fault_find(&vtep->acls->port_faults, port) : NULL;

    return f ? f->key : NULL;
}

/* Writes each row's fault set in 'column' of 'table' from 'faults'. */
static void
write_faults(struct vtep_txn *t, struct ovsdb_table *table,
             const struct ovsdb_column *column, const struct hmap *faults)
{
    struct uuid *uuids = NULL;
    const char **keys = NULL;
    size_t n = 0, allocated = 0;
    const struct ovsdb_row *row;

    /* Writing moves rows within the table: collect them first. */
    OVSDB_TABLE_FOR_EACH(row, table) {
        const struct fault *f = fault_find(faults, &row->uuid);
        const char *key = f ? f->key : NULL;

        if (!vtep_row_string_set_equals(row, column, &key, f != NULL)) {
            if (n >= allocated) {
                size_t a = allocated;

                keys = x2nrealloc(keys, &a, n + 1, sizeof *keys);
                uuids = x2nrealloc(uuids, &allocated, n + 1, sizeof *uuids);
            }
            keys[n] = key;
            uuids[n++] = row->uuid;
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct ovsdb_row *w = vtep_txn_modify(t, table, &uuids[i]);

        if (w) {
            vtep_txn_check(t, ovsdb_txn_write_string_set(
                                  vtep_txn_get(t), table, w, column, &keys[i],
                                  keys[i] != NULL));
        }
    }
    free(uuids);
    free(keys);
}

void
vtep_acl_faults_run(struct vtep *vtep, struct vtep_txn *t)
{
    struct vtep_acls *va = vtep->acls;

    if (!va || !va->faults_dirty || va->dirty) {
        return;
    }
    va->faults_dirty = false;
    write_faults(t, va->ace, va->ace_status, &va->entry_faults);
    write_faults(t, vtep->s.acl, vtep->s.acl_fault, &va->acl_faults);
}

bool
vtep_acl_faults_pending(const struct vtep *vtep)
{
    return vtep->acls && vtep->acls->faults_dirty;
}

/* ---- vtep/acl-faults ------------------------------------------------------------ */

static void
dump_faults(const struct hmap *faults, const char *what, struct ds *out)
{
    const struct fault *f;

    HMAP_FOR_EACH(f, node, faults) {
        char u[UUID_LEN + 1];

        uuid_to_string(&f->uuid, u);
        ds_put_format(out, "%s %s %s: %s\n", what, u, f->key, f->cause);
    }
}

void
vtep_acl_dump_faults(const struct vtep *vtep, struct ds *out)
{
    const struct vtep_acls *va = vtep->acls;

    if (va) {
        dump_faults(&va->entry_faults, "ACL_entry", out);
        dump_faults(&va->acl_faults, "ACL", out);
        dump_faults(&va->port_faults, "Physical_Port", out);
        dump_faults(&va->lr_faults, "Logical_Router", out);
    }
}
