/* SPDX-License-Identifier: Apache-2.0 */
/* The reconciler's internals, shared by the files of vtepd/vtep/.
 *
 * The model mirrors the rows the reconciler cares about, keyed by _uuid,
 * and derives from them the desired HAL state keyed by natural keys:
 *
 *   vtep_ls        Logical_Switch row  -> one HAL bridge (name, VNI, mode)
 *   vtep_port      Physical_Port row   -> vtep_claim per vlan_bindings entry
 *   vtep_binding   (port name, VLAN)   -> one HAL binding, from its claims
 *   vtep_locator   Physical_Locator row
 *   vtep_set       Physical_Locator_Set row
 *   vtep_umr       Ucast_Macs_Remote row -> a vtep_ucast
 *   vtep_ucast     (LS, MAC)           -> one static remote FDB entry
 *   vtep_mmr       Mcast_Macs_Remote row -> LS flood list or a vtep_mcast
 *   vtep_mcast     (LS, MAC)           -> one HAL multicast group
 *
 * Rows reference each other by _uuid and may arrive in any order within a
 * commit, so a reference to a row not seen yet creates a placeholder
 * ('present' false) that the row fills in.  Objects are reference counted
 * by the objects that point to them.
 *
 * The commit hook only updates the mirror and queues the natural keys it
 * touched on 'dirty' lists; vtep_run() computes each queued key's desired
 * state from the mirror, compares it with what the HAL was last told and
 * issues bulk calls for the differences.  Entries the HAL refused for lack
 * of room wait on 'blocked' lists until HAL_EVENT_RESOURCE_FREED. */
#ifndef VTEPD_VTEP_VTEP_PRIVATE_H
#define VTEPD_VTEP_VTEP_PRIVATE_H 1

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>

#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "lib/hmap.h"
#include "lib/list.h"
#include "lib/uuid.h"
#include "vtepd/vtep/vtep.h"

struct ovsdb_column;
struct ovsdb_error;
struct ovsdb_row;
struct ovsdb_table;
struct ovsdb_txn;

/* ---- vtep-queue.c: work queues and the hashes of natural keys ---- */

enum vtep_qstate {
    VTEP_Q_IDLE,
    VTEP_Q_DIRTY,   /* On a dirty list: recompute at the next run. */
    VTEP_Q_BLOCKED, /* On a blocked list: waiting for HAL room. */
};

struct vtep_qnode {
    struct list node;
    enum vtep_qstate state;
};

void vtep_q_init(struct vtep_qnode *);
void vtep_q_dirty(struct list *dirty, struct vtep_qnode *);
void vtep_q_block(struct list *blocked, struct vtep_qnode *);
void vtep_q_idle(struct vtep_qnode *);
/* Returns how many nodes 'dirty' holds, counting no further than 'max':
 * what one run has to size its bulk arrays for. */
size_t vtep_q_count(const struct list *dirty, size_t max);
/* Moves every node of 'blocked' to 'dirty'. */
void vtep_q_unblock(struct list *blocked, struct list *dirty);

uint32_t vtep_hash_ls_mac(const struct uuid *ls, const struct hal_mac *);
uint32_t vtep_hash_port_vlan(const char *port_name, uint16_t vlan);

/* ---- Mirror of the database ---- */

struct vtep_ls {
    struct hmap_node node;     /* In vtep->lss, by uuid. */
    struct hmap_node oid_node; /* In vtep->ls_by_oid while 'bridge' set. */
    struct uuid uuid;
    bool present;
    unsigned int n_refs;

    char *name;
    bool has_key;
    int64_t key;
    enum hal_replication replication;

    /* The HAL bridge, or HAL_OID_NULL. */
    hal_oid_t bridge;
    struct hal_bridge_config programmed;
    int error; /* Last refusal of the bridge, or 0. */
    struct vtep_qnode q;

    struct list ucasts;     /* vtep_ucast's 'ls_node'. */
    struct list mcasts;     /* vtep_mcast's 'ls_node'. */
    struct list claims;     /* vtep_claim's 'ls_node'. */
    struct list flood_rows; /* unknown-dst vtep_mmr's 'node_in_key'. */

    /* The programmed flood list (the same for all three traffic classes). */
    struct in_addr *flood;
    size_t n_flood;
    struct vtep_qnode flood_q;

    /* Local side: bindings programmed to this bridge, and the
     * Mcast_Macs_Local unknown-dst row the reconciler keeps while there is
     * at least one. */
    unsigned int n_bound;
    bool has_mml;
    struct uuid mml_uuid;
    struct vtep_qnode local_q;
    struct list local_macs; /* vtep_local_mac's 'ls_node'. */
};

struct vtep_port {
    struct hmap_node node; /* In vtep->ports, by uuid. */
    struct uuid uuid;
    char *name;
    struct vtep_claim *claims;
    size_t n_claims;
    struct vtep_qnode fault_q; /* Fault status to recompute. */
    unsigned int db_refusals;  /* Refused writes in a row (client mode). */
    int64_t db_refused_ms;     /* When the last one came. */
};

/* One vlan_bindings entry of one Physical_Port row. */
struct vtep_claim {
    struct vtep_port *port;
    uint16_t vlan;
    struct vtep_ls *ls;           /* Referenced. */
    struct vtep_binding *binding; /* Referenced. */
    struct list binding_node;     /* In binding->claims. */
    struct list ls_node;          /* In ls->claims. */
};

struct vtep_binding {
    struct hmap_node node; /* In vtep->bindings, by name and VLAN. */
    char *port_name;
    uint16_t vlan;
    struct list claims;
    struct vtep_qnode q;

    bool programmed;
    hal_oid_t prog_port;
    struct vtep_ls *prog_ls; /* Referenced while programmed. */
    int error;
};

struct vtep_locator {
    struct hmap_node node; /* In vtep->locators, by uuid. */
    struct uuid uuid;
    bool present;
    unsigned int n_refs;
    bool ip_ok;
    struct in_addr ip;
    bool has_key;
    int64_t key;
    bool is_own;      /* Our tunnel IP, no tunnel_key. */
    struct list umrs; /* vtep_umr's 'locator_node'. */
};

struct vtep_set {
    struct hmap_node node; /* In vtep->sets, by uuid. */
    struct uuid uuid;
    bool present;
    unsigned int n_refs;
    struct vtep_locator **locators; /* Referenced. */
    size_t n_locators;
};

struct vtep_ucast {
    struct hmap_node node; /* In vtep->ucasts, by LS uuid and MAC. */
    struct vtep_ls *ls;    /* Referenced. */
    struct hal_mac mac;
    struct list ls_node;
    struct list rows; /* vtep_umr's 'ucast_node'; the first one wins. */
    struct vtep_qnode q;

    bool programmed;
    struct in_addr prog_ip;
    uint32_t prog_vni;
};

struct vtep_umr {
    struct hmap_node node; /* In vtep->umrs, by uuid. */
    struct uuid uuid;
    struct vtep_ucast *ucast; /* NULL if the row's MAC is malformed. */
    struct list ucast_node;
    struct vtep_locator *locator; /* Referenced. */
    struct list locator_node;
};

struct vtep_mcast {
    struct hmap_node node; /* In vtep->mcasts, by LS uuid and MAC. */
    struct vtep_ls *ls;    /* Referenced. */
    struct hal_mac mac;
    struct list ls_node;
    struct list rows; /* vtep_mmr's 'node_in_key'. */
    struct vtep_qnode q;

    struct in_addr *prog; /* Programmed remotes, or NULL if none. */
    size_t n_prog;
};

struct vtep_mmr {
    struct hmap_node node; /* In vtep->mmrs, by uuid. */
    struct uuid uuid;
    struct vtep_ls *ls;       /* Referenced; NULL if the MAC is malformed. */
    struct vtep_mcast *mcast; /* NULL for unknown-dst. */
    struct list node_in_key;  /* In ls->flood_rows or mcast->rows. */
    struct vtep_set *set;     /* Referenced. */
};

/* A MAC the HAL learned, as a Ucast_Macs_Local row. */
struct vtep_local_mac {
    struct hmap_node node; /* In vtep->local_macs, by LS uuid and MAC. */
    struct vtep_ls *ls;    /* Referenced. */
    struct hal_mac mac;
    struct list ls_node;
    bool in_db; /* A row with 'row_uuid' exists. */
    struct uuid row_uuid;
    bool want; /* The HAL has the entry. */
    struct vtep_qnode q;
    /* IP learning: the address the host last used (family 0: none), and
     * the row's 'ipaddr' as written. */
    struct hal_ip ip, db_ip;
    struct hmap_node ip_node; /* In vtep->local_ips while 'ip' is set. */
};

/* ---- Schema ---- */

struct vtep_schema {
    struct ovsdb_table *global, *ps, *port, *ls, *locator, *set, *umr, *mmr,
        *uml, *mml, *lbs, *lr, *acl;
    const struct ovsdb_column *global_switches;
    const struct ovsdb_column *ps_name, *ps_ports, *ps_tunnel_ips,
        *ps_management_ips, *ps_description, *ps_fault, *ps_other_config;
    const struct ovsdb_column *port_name, *port_bindings, *port_stats,
        *port_fault;
    const struct ovsdb_column *ls_name, *ls_key, *ls_replication;
    const struct ovsdb_column *locator_encap, *locator_ip, *locator_key;
    const struct ovsdb_column *set_locators;
    const struct ovsdb_column *umr_mac, *umr_ls, *umr_locator;
    const struct ovsdb_column *mmr_mac, *mmr_ls, *mmr_set;
    const struct ovsdb_column *uml_mac, *uml_ls, *uml_locator, *uml_ipaddr;
    const struct ovsdb_column *mml_mac, *mml_ls, *mml_set;
    const struct ovsdb_column *lbs_columns[4];
    const struct ovsdb_column *lr_fault, *acl_fault;
};

/* ---- The reconciler ---- */

struct vtep {
    struct ovsdb_db *db;
    struct hal *hal;
    struct ovsdb_commit_hook *hook;
    struct vtep_schema s;

    char *switch_name;
    char *tunnel_ip_s;
    char *management_ip; /* From the config, or NULL. */
    char *description;   /* Likewise. */
    struct in_addr tunnel_ip;
    size_t batch;
    int64_t stats_interval_ms;
    int64_t next_stats_ms;
    int64_t now_ms;

    struct hmap lss, ls_by_oid, ports, bindings, locators, sets, umrs, ucasts,
        mmrs, mcasts, local_macs;
    struct hmap local_ips; /* vtep_local_mac's 'ip_node', by LS and IP. */

    struct list ls_dirty, binding_dirty, ucast_dirty, flood_dirty, mcast_dirty,
        fault_dirty, local_ls_dirty, local_dirty;
    struct list ls_blocked, binding_blocked, ucast_blocked, flood_blocked,
        mcast_blocked;

    bool resyncing;    /* Between hal_resync_begin() and _end(). */
    bool local_sweep;  /* Rebuild Ucast_Macs_Local from a HAL walk. */
    bool switch_dirty; /* Recompute switch_fault_status. */
    bool aging_dirty;  /* Re-read other_config:mac_aging_time. */
    bool exhausted[HAL_TABLE_N];
    size_t n_ls_failed;         /* Logical switches the HAL refused. */
    size_t n_ls_unsupported;    /* ...because of their replication mode. */
    unsigned int switch_faults; /* Bitmap last written, or UINT_MAX. */
    size_t n_bad_rows;          /* Remote rows with malformed MACs. */
    size_t n_bad_locators;      /* Present locators with unparsable IPs. */
    int64_t db_retry_ms;   /* No reconciler commit before, after a failure. */
    int64_t db_backoff_ms; /* Wait after the last failure; 0 after success. */
    unsigned int db_refusals;     /* Refusals in a row (client mode). */
    int64_t db_refused_ms;        /* When the last one came. */
    int64_t db_port_fault_end_ms; /* When the last port's refusal fault
                                   * ends (recompute then), or 0. */

    struct vtep_stats stats;
    struct vtep_neigh_model *neigh; /* vtep-neigh.c's. */
    struct vtep_tunnels *tunnels;   /* vtep-tunnel.c. */
    struct vtep_bfds *bfds;         /* vtep-bfd.c. */
    struct vtep_lrs *lrs;           /* vtep-lr.c. */
    struct vtep_acls *acls;         /* vtep-acl.c. */
};

/* vtep.c */
void vtep_ls_unref(struct vtep *, struct vtep_ls *);
struct vtep_ls *vtep_ls_ref(struct vtep *, const struct uuid *);
void vtep_count_hal_call(struct vtep *, size_t n_entries, const int *status);

/* vtep-db.c: reading rows and writing transactions. */

/* Returns the value of 'key' in the string-to-string map in column 'col' of
 * 'row' (borrowed from the row), or NULL if the key is absent. */
const char *vtep_row_map_get(const struct ovsdb_row *,
                             const struct ovsdb_column *, const char *key);
/* Parses 's', an other_config value, as a decimal number from 'min' to
 * 'max' into '*value'.  Returns false (leaving '*value' alone) if it is
 * anything else. */
bool vtep_parse_uint(const char *s, uint32_t min, uint32_t max,
                     uint32_t *value);
/* Returns true if the string set in column 'col' of 'row' is exactly
 * 'strings'. */
bool vtep_row_string_set_equals(const struct ovsdb_row *,
                                const struct ovsdb_column *,
                                const char *const *strings, size_t n);
int vtep_schema_init(struct vtep_schema *, struct ovsdb_db *);

/* One transaction of the reconciler, started on its first change (so that
 * a run with nothing to write costs none) and marked as the reconciler's
 * (ovsdb_txn_set_origin()).  The first error of any step is kept, later
 * steps still run harmlessly, and vtep_txn_finish() aborts. */
struct vtep_txn {
    struct vtep *vtep;
    struct ovsdb_txn *txn;     /* NULL until the first change. */
    struct ovsdb_error *error; /* The first failure, or NULL. */
};

#define VTEP_TXN_INIT(VTEP)                        \
    {                                              \
        .vtep = (VTEP), .txn = NULL, .error = NULL \
    }

/* Returns the transaction, starting it if needed (borrowed). */
struct ovsdb_txn *vtep_txn_get(struct vtep_txn *);
/* Keeps 'error' (takes ownership) if it is the first one. */
void vtep_txn_check(struct vtep_txn *, struct ovsdb_error *error);
/* ovsdb_txn_row_modify(): the writable row 'uuid' of 'table', or NULL. */
struct ovsdb_row *vtep_txn_modify(struct vtep_txn *, struct ovsdb_table *,
                                  const struct uuid *uuid);
/* ovsdb_txn_row_insert() of 'row' (takes ownership), unless an earlier
 * step failed (then 'row' is just destroyed). */
void vtep_txn_insert(struct vtep_txn *, struct ovsdb_table *,
                     struct ovsdb_row *row, const struct uuid *uuid);
/* Deletes row 'uuid' of 'table', if there is one. */
void vtep_txn_delete(struct vtep_txn *, struct ovsdb_table *,
                     const struct uuid *uuid);
/* Commits what 't' changed, or aborts it after an error.  Returns 0, or
 * -EIO if the transaction failed (logged, rate-limited, and counted). */
int vtep_txn_finish(struct vtep_txn *);
/* Commits 't' like vtep_txn_finish(); when the database refuses it,
 * schedules every row the reconciler owns to be derived again from its
 * model and the HAL, for a retry after a backoff.  Returns 0 or -EIO. */
int vtep_txn_commit(struct vtep_txn *);
/* True while the server keeps refusing the reconciler's writes (see
 * vtep_db_writes_lost()). */
bool vtep_db_refusing(const struct vtep *);
/* Likewise for the writes to 'port''s rows. */
bool vtep_db_port_refusing(const struct vtep *, const struct vtep_port *);
/* Returns true unless a failed commit's backoff is running at 'now_ms'. */
bool vtep_db_writable(const struct vtep *, int64_t now_ms);

/* vtep-switch.c: the switch side. */
int vtep_switch_init(struct vtep *, const struct vtep_config *);
const struct ovsdb_row *vtep_switch_row(const struct vtep *);
void vtep_faults_run(struct vtep *, struct vtep_txn *);
void vtep_aging_run(struct vtep *);

/* vtep-ls.c: logical switches, ports and bindings. */
void vtep_ls_row_changed(struct vtep *, const struct ovsdb_row *old,
                         const struct ovsdb_row *new);
void vtep_port_row_changed(struct vtep *, const struct ovsdb_row *old,
                           const struct ovsdb_row *new);
/* True if the Physical_Port 'uuid' belongs to vtepd's Physical_Switch:
 * the only ports the reconciler follows, since other switches may share
 * the database. */
bool vtep_port_is_ours(const struct vtep *, const struct uuid *uuid);
/* Follows the ports that joined or left vtepd's Physical_Switch. */
void vtep_ports_rescan(struct vtep *);
void vtep_ls_run(struct vtep *);
void vtep_bindings_run(struct vtep *);
void vtep_ls_mark_entries(struct vtep *, struct vtep_ls *);
bool vtep_port_fault(const struct vtep_port *);
bool vtep_port_busy(const struct vtep_port *);
void vtep_ls_model_destroy(struct vtep *);

/* vtep-macs.c: locators, sets, remote MACs and flood lists. */
void vtep_locator_row_changed(struct vtep *, const struct ovsdb_row *old,
                              const struct ovsdb_row *new);
void vtep_set_row_changed(struct vtep *, const struct ovsdb_row *old,
                          const struct ovsdb_row *new);
void vtep_umr_row_changed(struct vtep *, const struct ovsdb_row *old,
                          const struct ovsdb_row *new);
void vtep_mmr_row_changed(struct vtep *, const struct ovsdb_row *old,
                          const struct ovsdb_row *new);
void vtep_ucast_run(struct vtep *);
void vtep_flood_run(struct vtep *);
void vtep_mcast_run(struct vtep *);
void vtep_macs_model_destroy(struct vtep *);

/* vtep-local.c: HAL events into *_Local rows. */
void vtep_local_init(struct vtep *);
void vtep_local_on_events(const struct hal_event *, size_t n, void *vtep);
void vtep_local_ls_gone(struct vtep *, struct vtep_ls *);
void vtep_local_run(struct vtep *, struct vtep_txn *);
void vtep_local_destroy(struct vtep *);

/* vtep-neigh.c: Ucast_Macs_Remote.ipaddr → HAL neighbour entries. */
struct vtep_neigh_model;
/* Creates the neighbour model.  Returns 0 or -EINVAL if the schema lacks
 * the columns it reads; vtep_neigh_destroy() frees it either way. */
int vtep_neigh_init(struct vtep *);
void vtep_neigh_destroy(struct vtep *);
void vtep_neigh_umr_changed(struct vtep *, const struct ovsdb_row *old,
                            const struct ovsdb_row *new);
void vtep_neigh_ls_changed(struct vtep *, const struct ovsdb_row *old,
                           const struct ovsdb_row *new);
/* Queues the keys of 'ls' after its bridge was created or, with 'gone',
 * removed (which removed its HAL entries). */
void vtep_neigh_bridge_changed(struct vtep *, const struct vtep_ls *ls,
                               bool gone);
/* A local host learned with 'ip' and 'mac' in switch 'ls', or with 'mac'
 * NULL no longer: answered from the table unless a Ucast_Macs_Remote row
 * gives the address. */
void vtep_neigh_learned(struct vtep *, const struct uuid *ls,
                        const struct hal_ip *ip, const struct hal_mac *mac);
/* Retries the keys that waited for room (HAL_EVENT_RESOURCE_FREED). */
void vtep_neigh_unblock(struct vtep *);
void vtep_neigh_run(struct vtep *);
bool vtep_neigh_pending(const struct vtep *);
bool vtep_neigh_blocked(const struct vtep *);
/* vtep-tunnel.c: Tunnel rows for the remote locators in use. */
struct vtep_tunnels;
/* Sets up vtep->tunnels (freed by vtep_tunnels_destroy()); -EINVAL if the
 * schema lacks the Tunnel table or its columns. */
int vtep_tunnels_init(struct vtep *);
void vtep_tunnels_destroy(struct vtep *);
/* Tells the tunnel code that a commit changed a row of 'table'. */
void vtep_tunnels_note_change(struct vtep *, const struct ovsdb_table *);
/* Returns true if vtep_tunnels_run() has work. */
bool vtep_tunnels_pending(const struct vtep *);
/* Inserts and deletes Tunnel rows in 't' to match the remotes in use. */
void vtep_tunnels_run(struct vtep *, struct vtep_txn *);

/* vtep-bfd.c: a HAL BFD session per Tunnel row; bfd_status. */
struct ovsdb_row_change;
struct vtep_bfds;
/* Sets up vtep->bfds (freed, with the HAL sessions, by
 * vtep_bfd_destroy()); -EINVAL if the schema lacks the Tunnel columns. */
int vtep_bfd_init(struct vtep *);
void vtep_bfd_destroy(struct vtep *);
/* Tells the BFD code about change 'c' of a commit ('own' if ours). */
void vtep_bfd_note_change(struct vtep *, const struct ovsdb_row_change *c,
                          bool own);
/* Returns when vtep_bfd_run() next has work, INT64_MAX if never. */
int64_t vtep_bfd_next_wake(const struct vtep *);
/* Configures sessions after Tunnel changes and writes their status into
 * 't', at most every poll period. */
void vtep_bfd_run(struct vtep *, struct vtep_txn *);
/* Returns false if a BFD session to 'remote' runs and does not forward;
 * '*has_session' tells whether one runs. */
bool vtep_bfd_forwarding(const struct vtep *, struct in_addr remote,
                         bool *has_session);

/* vtep-stats.c: counters into Logical_Binding_Stats. */
void vtep_stats_run(struct vtep *, struct vtep_txn *);

/* vtep-tunnel.c: returns our own Physical_Locator, inserting it in 't' if
 * the model has none yet. */
struct uuid vtep_own_locator(struct vtep *, struct vtep_txn *);

/* vtep-lr.c: Logical_Router rows → HAL routing objects, LR faults. */
struct vtep_lrs;
enum vtep_lr_fault {
    VTEP_LR_SUPPORT,  /* lr_support_fault: the backend cannot route. */
    VTEP_LR_CREATION, /* lr_creation_fault: no router for the row. */
    VTEP_LR_BINDINGS, /* lr_switch_bindings_fault. */
    VTEP_LR_ROUTES,   /* lr_static_routes_fault. */
    VTEP_LR_ACL,      /* invalid_ACL_binding: LR_fault_status only, from
                       * vtep-acl.c, never in switch_fault_status. */
    VTEP_LR_N_FAULTS
};
/* Sets up vtep->lrs (freed by vtep_lr_destroy(), which leaves the HAL
 * objects for a warm restart); -EINVAL if the schema lacks a column. */
int vtep_lr_init(struct vtep *);
void vtep_lr_destroy(struct vtep *);
/* Tells the router code that a commit changed a row of 'table'. */
void vtep_lr_note_change(struct vtep *, const struct ovsdb_table *);
/* 'ls''s bridge was created or, with 'gone', removed (with its rifs). */
void vtep_lr_bridge_changed(struct vtep *, const struct vtep_ls *ls,
                            bool gone);
/* A routing table has room again: retry what did not fit. */
void vtep_lr_unblock(struct vtep *);
bool vtep_lr_pending(const struct vtep *);
/* Recomputes the routers and programs the differences, when queued. */
void vtep_lr_run(struct vtep *);
/* Returns the union of the routers' faults, as 1 << enum vtep_lr_fault. */
unsigned int vtep_lr_switch_faults(const struct vtep *);
/* Returns the fault's name as in the fault columns; static. */
const char *vtep_lr_fault_name(enum vtep_lr_fault);
/* Writes each router's LR_fault_status that changed into 't'. */
void vtep_lr_faults_run(struct vtep *, struct vtep_txn *);

/* vtep-acl-entry.c: one ACL_entry row. */
/* ACL_entry columns, in the order of vtep_ace_columns. */
enum {
    ACE_SEQ,
    ACE_SMAC,
    ACE_DMAC,
    ACE_ETYPE,
    ACE_SIP,
    ACE_SMASK,
    ACE_DIP,
    ACE_DMASK,
    ACE_PROTO,
    ACE_SPMIN,
    ACE_SPMAX,
    ACE_DPMIN,
    ACE_DPMAX,
    ACE_FLAGS,
    ACE_FMASK,
    ACE_ICODE,
    ACE_ITYPE,
    ACE_DIR,
    ACE_ACTION,
    ACE_N
};

extern const char *const vtep_ace_columns[ACE_N];

/* An ACL_entry row, parsed. */
struct vtep_ace {
    int64_t seq;
    enum hal_acl_stage stage;
    struct hal_acl_rule rule;
};

/* Parses ACL_entry 'row', whose columns 'c' are indexed by ACE_*, into
 * '*e'.  Returns NULL, or the cause of invalid_acl_entry (static). */
const char *vtep_ace_parse(const struct ovsdb_column *const *c,
                           const struct ovsdb_row *row, struct vtep_ace *e);

/* vtep-acl.c: ACL and ACL_entry rows, Physical_Port.acl_bindings. */
struct vtep_acls;
/* Sets up vtep->acls (freed, not the HAL state, by vtep_acl_destroy());
 * -EINVAL if the schema lacks the ACL tables or columns. */
int vtep_acl_init(struct vtep *);
void vtep_acl_destroy(struct vtep *);
/* Tells the ACL code about change 'c' of a commit ('own' if ours). */
void vtep_acl_note_change(struct vtep *, const struct ovsdb_row_change *c,
                          bool own);
/* Retries ACLs that did not fit (HAL_EVENT_RESOURCE_FREED). */
void vtep_acl_unblock(struct vtep *);
/* Returns true if vtep_acl_run() has work. */
bool vtep_acl_pending(const struct vtep *);
/* Recomputes every ACL and port binding and programs the differences. */
void vtep_acl_run(struct vtep *);
/* Returns "invalid_ACL_binding" if an acl_bindings entry of port row
 * 'port' could not be programmed, else NULL.  Static string. */
const char *vtep_acl_port_fault(const struct vtep *, const struct uuid *port);
/* Writes acl_fault_status and acle_fault_status into 't' where they
 * changed. */
void vtep_acl_faults_run(struct vtep *, struct vtep_txn *);
bool vtep_acl_faults_pending(const struct vtep *);
/* Returns "invalid_ACL_binding" if an acl_binding entry of Logical_Router
 * row 'lr' could not be programmed, else NULL.  Static string. */
const char *vtep_acl_router_fault(const struct vtep *, const struct uuid *lr);

#endif /* vtepd/vtep/vtep-private.h */
