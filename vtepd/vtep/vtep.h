/* SPDX-License-Identifier: Apache-2.0 */
/* The VTEP reconciler: the only part of vtepd that knows the hardware_vtep
 * tables.  It follows every commit of the database through a commit hook,
 * keeps a desired-state model keyed by natural keys (logical switch, port
 * and VLAN, logical switch and MAC), and hands the HAL the differences in
 * bulk.  In the other direction it turns HAL events and counters into the
 * rows the switch side owns: Physical_Switch, Physical_Port,
 * Ucast_Macs_Local, Mcast_Macs_Local, Logical_Binding_Stats and the fault
 * statuses.
 *
 * Work happens in vtep_run(), never in the commit hook, so a controller's
 * transaction is answered before the HAL is programmed, and a large
 * transaction is programmed in slices across several vtep_run() calls.
 *
 * The reconciler owns the HAL's event callback and calls hal_run() itself;
 * the main loop only needs a timer for vtep_next_wake(). */
#ifndef VTEPD_VTEP_VTEP_H
#define VTEPD_VTEP_VTEP_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/uuid.h"

struct hal;
struct ovsdb_db;
struct ovsdb_table;
struct vtep;

struct vtep_config {
    const char *switch_name;   /* Physical_Switch name; required. */
    const char *tunnel_ip;     /* Dotted IPv4 VXLAN source; required. */
    const char *management_ip; /* Or NULL. */
    const char *description;   /* Or NULL. */

    /* Most entries of one table handed to the HAL per vtep_run() call (and
     * so the largest bulk call); 0 means VTEP_DEFAULT_BATCH. */
    size_t batch;
    /* How often counters are copied into Logical_Binding_Stats; 0 means
     * VTEP_DEFAULT_STATS_INTERVAL_MS. */
    int64_t stats_interval_ms;
};

#define VTEP_DEFAULT_BATCH 10000
#define VTEP_DEFAULT_STATS_INTERVAL_MS 5000

/* The aging time of learned MACs comes from vtepd's Physical_Switch row,
 * other_config:mac_aging_time (seconds; 0 means never), and defaults to
 * this when the key is absent or out of range. */
#define VTEP_DEFAULT_MAC_AGING_S 300
#define VTEP_MAX_MAC_AGING_S 1000000

/* Counters of the work done, for tests and "memory/show"-style reports. */
struct vtep_stats {
    uint64_t commits_seen;  /* Commits whose change sets were read. */
    uint64_t hal_calls;     /* Bulk and bridge calls made. */
    uint64_t hal_entries;   /* Entries passed in those calls. */
    uint64_t hal_failures;  /* Entries the HAL refused. */
    uint64_t db_txns;       /* Transactions the reconciler committed. */
    uint64_t db_txn_errors; /* Of those, ones the database rejected. */
    size_t pending;         /* Entries still waiting for the HAL. */
    size_t blocked;         /* Entries waiting for room in a HAL table. */
};

/* Creates a reconciler for 'db' (which must have the hardware_vtep schema)
 * and 'hal', both borrowed and required to outlive it; 'config' is
 * borrowed for the duration of the call.  Makes sure the Global row, the
 * Physical_Switch named config->switch_name and one Physical_Port per HAL
 * port exist (reusing existing rows, so columns a controller wrote
 * survive), sets the HAL's switch attributes and event callback, reads the
 * whole database as desired state and, when hal_is_warm(), starts a HAL
 * resync that vtep_run() ends once everything is replayed.
 *
 * Returns 0 and stores the reconciler in '*vtepp', or a negative errno:
 * -EINVAL for a bad configuration or a database without the hardware_vtep
 * tables, -EIO if the database refused the switch-side rows. */
int vtep_create(struct ovsdb_db *db, struct hal *hal,
                const struct vtep_config *config, struct vtep **vtepp);

/* Detaches from the database and the HAL and frees 'vtep'; NULL is a no-op.
 * Nothing is removed from the HAL (a restart reconciles it). */
void vtep_destroy(struct vtep *vtep);

/* Does one slice of pending work at monotonic time 'now_ms': runs the HAL
 * (delivering its events), programs at most config->batch entries per
 * table, and writes the rows and columns the switch side owns. */
void vtep_run(struct vtep *vtep, int64_t now_ms);

/* Returns when vtep_run() next has work to do: a time at or before now if
 * work is pending (after any commit, for instance), else the earlier of
 * the HAL's next wake and the next counter poll. */
int64_t vtep_next_wake(const struct vtep *vtep);

/* A row one of the reconciler's writes touched. */
struct vtep_row_ref {
    const struct ovsdb_table *table;
    struct uuid uuid;
};

/* Tells the reconciler that writes it committed were undone since (in
 * client mode: 'refused' by the server, or of unknown fate after a lost
 * connection): it derives its own rows again from its model, the HAL and
 * what the database now holds, as after a refused commit.  A refused
 * write names the 'n' rows it touched in 'rows' (borrowed).  While the
 * server keeps refusing (VTEP_DB_REFUSALS_FAULT times, each within
 * VTEP_DB_REFUSAL_WINDOW_MS of the last) the fault column of the object
 * the rows belong to says "unspecified_fault": a Physical_Port row's (its
 * vlan_stats, its Logical_Binding_Stats) in its port_fault_status, any
 * other row's (Tunnel, *_Macs_Local, Physical_Switch...) in the
 * Physical_Switch's switch_fault_status. */
void vtep_db_writes_lost(struct vtep *vtep, bool refused,
                         const struct vtep_row_ref *rows, size_t n);
#define VTEP_DB_REFUSALS_FAULT 3
#define VTEP_DB_REFUSAL_WINDOW_MS 30000

/* Fills '*stats'. */
void vtep_get_stats(const struct vtep *vtep, struct vtep_stats *stats);

struct ds;
/* Appends to 'out' a line per Tunnel row of the switch: the remote VTEP,
 * its HAL counters, and its BFD session's state and counters. */
void vtep_dump_tunnels(const struct vtep *vtep, struct ds *out);

/* Appends to 'out' a line per ACL_entry, ACL and Physical_Port row with an
 * ACL fault: the row, the fault and its cause ("vtep/acl-faults"). */
void vtep_acl_dump_faults(const struct vtep *vtep, struct ds *out);

#endif /* vtepd/vtep/vtep.h */
