/* SPDX-License-Identifier: Apache-2.0 */
/* A recording HAL for the reconciler's unit tests: a provider named "mock"
 * with four ports (p1..p4) that records every call as one text line per
 * entry, keeps just enough state to answer lookups, fails on request, and
 * emits the events a test queues. */
#ifndef TESTS_UNIT_VTEP_MOCK_HAL_H
#define TESTS_UNIT_VTEP_MOCK_HAL_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal.h"
#include "lib/ds.h"

#define MOCK_MAX_BFD 16

/* A BFD session the reconciler made; tests set 'info' to play the peer. */
struct mock_bfd {
    bool used;
    struct hal_bfd_config config;
    struct hal_bfd_info info;
};

struct mock_hal {
    struct ds log;            /* "op args\n" per entry, since the last take. */
    size_t n_calls;           /* Bulk and bridge calls. */
    size_t max_bulk;          /* Largest 'n' of a bulk call. */
    size_t fdb_capacity;      /* Static FDB entries that fit (SIZE_MAX). */
    size_t n_fdb;             /* Static FDB entries held. */
    bool no_source_node;      /* Refuse source node replication. */
    bool warm;                /* Report a warm start. */
    struct hal_event *events; /* Queued for the next run. */
    size_t n_events;
    struct hal_fdb_entry *learned; /* Returned by fdb_walk. */
    size_t n_learned;
    struct hal_binding_stats stats; /* Of every binding. */
    struct hal_switch_config sw;    /* As last set. */
    size_t neigh_capacity; /* Neighbour entries that fit (SIZE_MAX). */
    struct hal_neigh_entry *neighs; /* Held, unordered. */
    size_t n_neighs;
    bool no_bfd;                       /* Refuse BFD sessions (-EOPNOTSUPP). */
    struct mock_bfd bfd[MOCK_MAX_BFD]; /* By oid - 1. */
};

/* Registers the provider (idempotent) and opens it; the returned mock is
 * borrowed from '*halp'. */
struct mock_hal *mock_hal_open(struct hal **halp, bool warm);
struct mock_hal *mock_hal_cast(struct hal *);

/* Returns the log since the last call (the caller frees it). */
char *mock_hal_take_log(struct mock_hal *);

/* Queues an FDB event for bridge 'bridge_name' on port 'port' (1-based). */
void mock_hal_fdb_event(struct mock_hal *, enum hal_event_type,
                        const char *bridge_name, const char *mac, int port,
                        uint16_t vlan);
void mock_hal_resource_event(struct mock_hal *, enum hal_event_type,
                             enum hal_table);
/* Queues HAL_EVENT_NEIGH_LEARNED: 'mac' uses 'ip' in 'bridge_name'. */
void mock_hal_neigh_event(struct mock_hal *, const char *bridge_name,
                          const char *ip, const char *mac);
/* Makes fdb_walk() report a learned entry. */
void mock_hal_add_learned(struct mock_hal *, const char *bridge_name,
                          const char *mac, int port, uint16_t vlan);

/* Returns the BFD session to 'remote' (dotted quad), or NULL. */
struct mock_bfd *mock_hal_bfd_find(struct mock_hal *, const char *remote);

#endif /* tests/unit/vtep-mock-hal.h */
