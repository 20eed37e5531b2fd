/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for the unit tests of hal/asic: opening a backend with an
 * event recorder, and terse constructors for MACs, IPs and entries. */
#ifndef TESTS_UNIT_HAL_ASIC_FIXTURE_H
#define TESTS_UNIT_HAL_ASIC_FIXTURE_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"

struct fixture {
    struct hal *hal;
    struct hal_asic *asic;
    struct hal_event *events; /* Every event delivered, in order. */
    size_t n_events;
    size_t allocated_events;
    size_t n_batches;
    char state_file[64];
};

/* Opens 'platform' (with 'state_file' if nonnull) and asserts success. */
void fixture_open(struct fixture *, const char *platform,
                  const char *state_file, bool cold_start);
void fixture_close(struct fixture *);
/* Runs the HAL at 'now_ms' and returns the number of new events. */
size_t fixture_run(struct fixture *, int64_t now_ms);
void fixture_clear_events(struct fixture *);
/* Counts recorded events of 'type'. */
size_t fixture_count(const struct fixture *, enum hal_event_type type);

struct hal_mac test_mac(uint32_t n);
struct in_addr test_ip(const char *s);
hal_oid_t test_port(const struct fixture *, const char *name);
hal_oid_t test_bridge(struct fixture *, const char *name, uint32_t vni,
                      enum hal_replication);
void test_bind(struct fixture *, hal_oid_t port, uint16_t vlan,
               hal_oid_t bridge);
struct hal_fdb_entry test_remote(hal_oid_t bridge, uint32_t mac,
                                 const char *ip);
struct hal_fdb_entry test_local(hal_oid_t bridge, uint32_t mac, hal_oid_t port,
                                uint16_t vlan);

#endif /* tests/unit/hal-asic-fixture.h */
