/* SPDX-License-Identifier: Apache-2.0 */
/* The HAL conformance kit: every promise of hal/hal.h and
 * hal/hal-provider.h as a case that runs against any provider, built in or
 * loaded from a shared object.  kit.c runs the cases and reports; the
 * cases-*.c files hold them, grouped by what they exercise. */
#ifndef HAL_CONFORMANCE_KIT_H
#define HAL_CONFORMANCE_KIT_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal/hal-provider.h"
#include "lib/ds.h"

/* Conformance hooks a case needs (see struct hal_provider). */
#define KIT_HOOK_LEARN (1u << 0)
#define KIT_HOOK_LINK (1u << 1)
#define KIT_HOOK_WRITES (1u << 2)
/* Optional provider operations a case needs, in the same field. */
#define KIT_OPS_NEIGH (1u << 3)       /* neigh_set, _remove, _walk. */
#define KIT_OPS_NEIGH_STATS (1u << 4) /* neigh_stats_get. */
#define KIT_OPS_BFD (1u << 5)         /* bfd_set, _remove, _get. */
#define KIT_OPS_ROUTE (1u << 6) /* router_set ... route_walk, working here. */

struct kit;

struct kit_case {
    const char *name;    /* "bridge.vni-taken": group, dot, promise. */
    const char *header;  /* Where 'promise' is written: "hal/hal.h". */
    const char *promise; /* The contract text checked, quoted verbatim
                          * (whitespace aside) from 'header'. */
    uint32_t needs;      /* HAL_CAP_* the provider must declare. */
    uint32_t hooks;      /* KIT_HOOK_* and KIT_OPS_* the provider must
                          * implement. */
    void (*run)(struct kit *);
};

/* The case tables, each ended by an entry with a NULL name. */
extern const struct kit_case kit_object_cases[];
extern const struct kit_case kit_bulk_cases[];
extern const struct kit_case kit_event_cases[];
extern const struct kit_case kit_warm_cases[];
extern const struct kit_case kit_neigh_bfd_cases[];
extern const struct kit_case kit_acl_cases[];
extern const struct kit_case kit_route_cases[];

/* Calls 'cb' for every case of every table, in report order. */
void kit_for_each_case(void (*cb)(const struct kit_case *, void *aux),
                       void *aux);

/* ---- Running ------------------------------------------------------------ */

enum kit_format {
    KIT_PLAIN, /* "PASS: name" lines and "N passed, M failed". */
    KIT_TAP,   /* Test Anything Protocol, version 12. */
};

struct kit_options {
    const char *backend;  /* Name for hal_open(), already registered. */
    const char *platform; /* hal_config.platform, or NULL. */
    const char *const *ports;
    size_t n_ports;
    const char *filter; /* fnmatch() pattern on case names, or NULL. */
    enum kit_format format;
};

/* Runs every case that 'options' selects against its backend, writing the
 * report to stdout.  Returns the number of failed cases. */
int kit_run_all(const struct kit_options *options);

/* ---- For the cases ------------------------------------------------------
 *
 * The kit opens a fresh handle for each case (cold, tables cleared on
 * close) with an event recorder attached, the switch configured and two
 * front-panel ports looked up, and closes it after the case. */

struct kit {
    const struct kit_options *options;
    const struct kit_case *current;
    struct hal *hal;
    hal_oid_t port[2];
    uint32_t caps;
    char *state_file; /* A path in the kit's scratch directory. */
    int64_t now;      /* The kit's clock, given to hal_run(). */
    bool in_run;      /* True while inside hal_run(). */

    struct hal_event *events; /* Recorded since kit_events_clear(). */
    size_t n_events, allocated_events;
    size_t n_batches;

    bool failed;
    struct ds why; /* The first failure of the current case. */
};

/* Records a failure of the current case at 'file':'line' (only the first
 * is kept) and returns false. */
bool kit_fail(struct kit *, const char *file, int line, const char *format,
              ...) __attribute__((format(printf, 4, 5)));

/* In a case: fails it and returns unless COND holds. */
#define KIT_REQUIRE(K, COND, ...)                         \
    do {                                                  \
        if (!(COND)) {                                    \
            kit_fail(K, __FILE__, __LINE__, __VA_ARGS__); \
            return;                                       \
        }                                                 \
    } while (0)

/* In a case: fails it and returns unless EXPR evaluates to EXPECTED (an
 * error code), naming both in HAL terms. */
#define KIT_EXPECT(K, EXPR, EXPECTED)                                \
    do {                                                             \
        int kit_got__ = (EXPR), kit_want__ = (EXPECTED);             \
        if (kit_got__ != kit_want__) {                               \
            kit_fail(K, __FILE__, __LINE__,                          \
                     "%s returned %d (%s), expected %d (%s)", #EXPR, \
                     kit_got__, hal_strerror(kit_got__), kit_want__, \
                     hal_strerror(kit_want__));                      \
            return;                                                  \
        }                                                            \
    } while (0)

/* Advances the kit's clock by 'ms' and calls hal_run(). */
void kit_run(struct kit *, int64_t ms);

/* Waits up to 'ms' real milliseconds for the provider's descriptor
 * (hal_poll_fd()) to become readable; returns at once without one.
 * Returns true if it is readable. */
bool kit_wait(const struct kit *, int ms);

/* Returns true if the HAL asks to be run: hal_next_wake() is due, or its
 * descriptor becomes readable within 100 ms. */
bool kit_wants_run(const struct kit *);

/* Forgets the recorded events. */
void kit_events_clear(struct kit *);

/* Returns the number of recorded events of 'type' (about 'mac', if
 * nonnull), and stores the first in '*first' if nonnull. */
size_t kit_events_count(const struct kit *, enum hal_event_type type,
                        const struct hal_mac *mac,
                        const struct hal_event **first);

/* Reopens the case's handle: closes it (keeping table state unless
 * 'clear'), then opens the backend again with the kit's state file, cold
 * if 'cold'.  Returns 0 or hal_open()'s error. */
int kit_reopen(struct kit *, bool cold, bool clear);

/* Returns the conformance write counter, or 0 without the hook. */
uint64_t kit_writes(const struct kit *);

/* ---- Building blocks ---------------------------------------------------- */

/* A unicast, locally administered MAC derived from 'n'. */
struct hal_mac kit_mac(uint32_t n);

/* The IPv4 address 192.0.2.N (N > 0). */
struct in_addr kit_ip(uint8_t n);

/* Creates bridge 'name' with 'vni' and learning on; stores its id in
 * '*oid'.  Returns hal_bridge_set()'s result. */
int kit_bridge(struct kit *, const char *name, uint32_t vni, hal_oid_t *oid);

/* Binds (port[i], vlan) to 'bridge'.  Returns hal_binding_set()'s
 * result. */
int kit_bind(struct kit *, int i, uint16_t vlan, hal_oid_t bridge);

/* Creates bridge "ls-a" (VNI 5001) bound untagged on ports 0 and 1; stores
 * its id in '*oid'.  Returns the first error of kit_bridge() and
 * kit_bind(), or 0. */
int kit_two_port_bridge(struct kit *, hal_oid_t *oid);

/* A static remote FDB entry for MAC 'n' behind 192.0.2.'ip'. */
struct hal_fdb_entry kit_remote(hal_oid_t bridge, uint32_t n, uint8_t ip);

/* A static local FDB entry for MAC 'n' on (port, vlan). */
struct hal_fdb_entry kit_local(hal_oid_t bridge, uint32_t n, hal_oid_t port,
                               uint16_t vlan);

/* Finds the FDB entry (bridge, mac) with hal_fdb_walk(); returns true and
 * fills '*e' if there is one. */
bool kit_fdb_find(const struct kit *, hal_oid_t bridge,
                  const struct hal_mac *mac, struct hal_fdb_entry *e);

/* Returns the number of FDB entries of 'bridge' (HAL_OID_NULL: all). */
size_t kit_fdb_count(const struct kit *, hal_oid_t bridge);

/* Returns the number of bindings; stores the bridge of (port, vlan) in
 * '*bridge' if that binding exists (else HAL_OID_NULL). */
size_t kit_binding_count(const struct kit *, hal_oid_t port, uint16_t vlan,
                         hal_oid_t *bridge);

/* Returns the number of flood lists plus multicast groups; stores the
 * number of remotes of flood list (bridge, type) in '*n_remotes' (0 if
 * absent). */
size_t kit_flood_count(const struct kit *, hal_oid_t bridge,
                       enum hal_flood_type type, size_t *n_remotes);

/* Returns table 'table''s occupancy. */
struct hal_resource kit_resource(const struct kit *, enum hal_table table);

/* A neighbour entry (bridge, ip) -> MAC 'mac' (as kit_mac()); 'ip' is an
 * IPv4 or IPv6 address string. */
struct hal_neigh_entry kit_neigh(hal_oid_t bridge, const char *ip,
                                 uint32_t mac);

/* Returns how many entries hal_neigh_walk() shows for (bridge, ip) of
 * 'want' (0 or 1 for a correct provider), with its MAC in '*mac' if
 * nonnull; the number of entries of the whole walk in '*total' if
 * nonnull. */
size_t kit_neigh_lookup(const struct kit *, const struct hal_neigh_entry *want,
                        struct hal_mac *mac, size_t *total);

/* An enabled BFD session's configuration towards 192.0.2.'remote', with
 * fixed inner addresses and lib/bfd.h's default settings. */
struct hal_bfd_config kit_bfd_config(uint8_t remote);

/* Creates a session with kit_bfd_config('remote'), stored in '*config' for
 * later changes; stores its id in '*oid'.  Returns hal_bfd_set()'s
 * result. */
int kit_bfd_session(struct kit *, uint8_t remote,
                    struct hal_bfd_config *config, hal_oid_t *oid);

/* Learns MAC 'n' on (port[i], vlan) through the provider's test_learn hook
 * and runs the HAL.  Returns the hook's result. */
int kit_learn(struct kit *, int i, uint16_t vlan, uint32_t n);

#endif /* hal/conformance/kit.h */
