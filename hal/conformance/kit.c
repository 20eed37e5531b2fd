/* SPDX-License-Identifier: Apache-2.0 */
/* The conformance kit's runner: opens the backend for each case, records
 * events, decides what to skip and writes the report. */
#include "hal/conformance/kit.h"

#include <arpa/inet.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/hal-route.h"
#include "lib/util.h"

static const char reentry_promise[] =
    "The event callback is only ever called from inside hal_run(), never "
    "from inside another HAL call";

void
kit_for_each_case(void (*cb)(const struct kit_case *, void *aux), void *aux)
{
    static const struct kit_case *const tables[] = {
        kit_object_cases,    kit_bulk_cases, kit_event_cases, kit_warm_cases,
        kit_neigh_bfd_cases, kit_acl_cases,  kit_route_cases,
    };

    for (size_t t = 0; t < ARRAY_SIZE(tables); t++) {
        for (const struct kit_case *c = tables[t]; c->name; c++) {
            cb(c, aux);
        }
    }
}

bool
kit_fail(struct kit *k, const char *file, int line, const char *format, ...)
{
    va_list args;

    if (!k->failed) {
        k->failed = true;
        ds_put_format(&k->why, "%s:%d: ", file, line);
        va_start(args, format);
        ds_put_format_valist(&k->why, format, args);
        va_end(args);
    }
    return false;
}

static const char *
event_name(enum hal_event_type type)
{
    static const char *const names[] = {
        [HAL_EVENT_FDB_LEARNED] = "FDB_LEARNED",
        [HAL_EVENT_FDB_AGED] = "FDB_AGED",
        [HAL_EVENT_FDB_MOVED] = "FDB_MOVED",
        [HAL_EVENT_FDB_FLUSHED] = "FDB_FLUSHED",
        [HAL_EVENT_PORT_STATE] = "PORT_STATE",
        [HAL_EVENT_RESOURCE_EXHAUSTED] = "RESOURCE_EXHAUSTED",
        [HAL_EVENT_RESOURCE_FREED] = "RESOURCE_FREED",
        [HAL_EVENT_OVERFLOW] = "OVERFLOW",
    };
    return (unsigned) type < ARRAY_SIZE(names) ? names[type] : "unknown";
}

/* The event callback: records every batch, and fails the case if called
 * from anywhere but hal_run(). */
static void
record_events(const struct hal_event *events, size_t n, void *k_)
{
    struct kit *k = k_;

    if (!k->in_run) {
        kit_fail(k, __FILE__, __LINE__,
                 "the event callback got %zu event(s) (%s first) from "
                 "inside another HAL call, not from hal_run(); hal.h: "
                 "\"%s\"",
                 n, n ? event_name(events[0].type) : "none", reentry_promise);
    }
    if (k->n_events + n > k->allocated_events) {
        k->allocated_events = 2 * (k->n_events + n);
        k->events =
            xrealloc(k->events, k->allocated_events * sizeof *k->events);
    }
    memcpy(&k->events[k->n_events], events, n * sizeof *events);
    k->n_events += n;
    k->n_batches++;
}

void
kit_run(struct kit *k, int64_t ms)
{
    k->now += ms;
    k->in_run = true;
    hal_run(k->hal, k->now);
    k->in_run = false;
}

bool
kit_wait(const struct kit *k, int ms)
{
    struct pollfd pfd = { .fd = hal_poll_fd(k->hal), .events = POLLIN };

    return pfd.fd >= 0 && poll(&pfd, 1, ms) > 0;
}

bool
kit_wants_run(const struct kit *k)
{
    return hal_next_wake(k->hal) <= k->now || kit_wait(k, 100);
}

void
kit_events_clear(struct kit *k)
{
    k->n_events = 0;
    k->n_batches = 0;
}

size_t
kit_events_count(const struct kit *k, enum hal_event_type type,
                 const struct hal_mac *mac, const struct hal_event **first)
{
    size_t n = 0;

    if (first) {
        *first = NULL;
    }
    for (size_t i = 0; i < k->n_events; i++) {
        const struct hal_event *e = &k->events[i];

        if (e->type == type
            && (!mac || !memcmp(&e->fdb.mac, mac, sizeof *mac))) {
            if (first && !n) {
                *first = e;
            }
            n++;
        }
    }
    return n;
}

uint64_t
kit_writes(const struct kit *k)
{
    const struct hal_provider *p = k->hal->provider;

    return p->test_writes ? p->test_writes(k->hal) : 0;
}

/* Opens the backend into 'k->hal' with the event recorder, the switch
 * configured and ports 0 and 1 looked up.  Returns 0 or an error, after
 * recording a failure. */
static int
kit_open(struct kit *k, const char *state_file, bool cold, bool clear)
{
    const struct kit_options *o = k->options;
    struct hal_config config = {
        .platform = o->platform,
        .state_file = state_file,
        .cold_start = cold,
        .ports = o->ports,
        .n_ports = o->n_ports,
        .clear_on_close = clear,
    };
    struct hal_switch_config sw = {
        .tunnel_src = kit_ip(254),
        .vxlan_port = 4789,
        .aging_time_s = 300,
    };
    struct hal_port_info info;
    int error;

    error = hal_open(o->backend, &config, &k->hal);
    if (error) {
        kit_fail(k, __FILE__, __LINE__, "hal_open(\"%s\") failed: %s",
                 o->backend, hal_strerror(error));
        return error;
    }
    k->caps = hal_capabilities(k->hal);
    hal_set_event_cb(k->hal, record_events, k);
    error = hal_switch_set(k->hal, &sw);
    if (error) {
        kit_fail(k, __FILE__, __LINE__, "hal_switch_set() failed: %s",
                 hal_strerror(error));
        return error;
    }
    if (hal_port_count(k->hal) < 2) {
        kit_fail(k, __FILE__, __LINE__,
                 "the kit needs two ports, the backend has %zu",
                 hal_port_count(k->hal));
        return -ENOENT;
    }
    for (size_t i = 0; i < 2; i++) {
        error = hal_port_get(k->hal, i, &info);
        if (error) {
            kit_fail(k, __FILE__, __LINE__, "hal_port_get(%zu) failed: %s", i,
                     hal_strerror(error));
            return error;
        }
        k->port[i] = info.oid;
    }
    kit_run(k, 0);
    kit_events_clear(k);
    return 0;
}

int
kit_reopen(struct kit *k, bool cold, bool clear)
{
    hal_close(k->hal);
    k->hal = NULL;
    return kit_open(k, k->state_file, cold, clear);
}

/* ---- Reporting ---------------------------------------------------------- */

struct kit_report {
    struct kit *kit;
    size_t index, n_pass, n_fail, n_skip;
};

/* Returns why 'c' cannot run against a provider with 'caps' and
 * 'provider''s hooks, or NULL if it can. */
static const char *
skip_reason(const struct kit_case *c, uint32_t caps, const struct hal *hal)
{
    const struct hal_provider *p = hal->provider;
    static const struct {
        uint32_t cap;
        const char *why;
    } cap_names[] = {
        { HAL_CAP_LEARNING, "provider does not declare HAL_CAP_LEARNING" },
        { HAL_CAP_WARM_RESTART,
          "provider does not declare HAL_CAP_WARM_RESTART" },
        { HAL_CAP_FINITE_TABLES,
          "provider does not declare HAL_CAP_FINITE_TABLES" },
        { HAL_CAP_HASHED_FDB, "provider does not declare HAL_CAP_HASHED_FDB" },
        { HAL_CAP_TAGGED_BINDINGS,
          "provider does not declare HAL_CAP_TAGGED_BINDINGS" },
        { HAL_CAP_BINDING_COUNTERS,
          "provider does not declare HAL_CAP_BINDING_COUNTERS" },
        { HAL_CAP_TUNNEL_COUNTERS,
          "provider does not declare HAL_CAP_TUNNEL_COUNTERS" },
        { HAL_CAP_PORT_EVENTS,
          "provider does not declare HAL_CAP_PORT_EVENTS" },
        { HAL_CAP_ACL, "provider does not declare HAL_CAP_ACL" },
        { HAL_CAP_ACL_RIF, "provider does not declare HAL_CAP_ACL_RIF" },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cap_names); i++) {
        if (c->needs & cap_names[i].cap && !(caps & cap_names[i].cap)) {
            return cap_names[i].why;
        }
    }
    if (c->hooks & KIT_HOOK_LEARN && !p->test_learn) {
        return "provider has no test_learn hook";
    }
    if (c->hooks & KIT_HOOK_LINK && !p->test_link) {
        return "provider has no test_link hook";
    }
    if (c->hooks & KIT_HOOK_WRITES && !p->test_writes) {
        return "provider has no test_writes hook";
    }
    if (c->hooks & (KIT_OPS_NEIGH | KIT_OPS_NEIGH_STATS) && !p->neigh_set) {
        return "provider has no neighbour entries (neigh_set is NULL)";
    }
    if (c->hooks & KIT_OPS_NEIGH_STATS && !p->neigh_stats_get) {
        return "provider has no neighbour counters (neigh_stats_get is NULL)";
    }
    if (c->hooks & KIT_OPS_BFD && !p->bfd_set) {
        return "provider has no BFD sessions (bfd_set is NULL)";
    }
    if (c->hooks & KIT_OPS_ROUTE && !p->router_set) {
        return "provider has no routing (router_set is NULL)";
    }
    if (c->hooks & KIT_OPS_ROUTE && hal_route_unsupported_reason(hal)) {
        return hal_route_unsupported_reason(hal);
    }
    return NULL;
}

static void
report(struct kit_report *r, const struct kit_case *c, const char *skip)
{
    struct kit *k = r->kit;
    bool tap = k->options->format == KIT_TAP;

    r->index++;
    if (skip) {
        r->n_skip++;
        if (tap) {
            printf("ok %zu - %s # SKIP %s\n", r->index, c->name, skip);
        } else {
            printf("SKIP: %s (%s)\n", c->name, skip);
        }
    } else if (!k->failed) {
        r->n_pass++;
        if (tap) {
            printf("ok %zu - %s\n", r->index, c->name);
        } else {
            printf("PASS: %s\n", c->name);
        }
    } else {
        r->n_fail++;
        if (tap) {
            printf("not ok %zu - %s\n", r->index, c->name);
        } else {
            printf("FAIL: %s\n", c->name);
        }
        printf("%s promise (%s): \"%s\"\n%s %s\n", tap ? "#" : " ", c->header,
               c->promise, tap ? "#" : " ", ds_cstr(&k->why));
    }
    fflush(stdout);
}

/* Runs case 'c' on a fresh handle.  Returns NULL, or why it was skipped. */
static const char *
run_case(struct kit *k, const struct kit_case *c)
{
    const char *skip = NULL;

    k->current = c;
    k->failed = false;
    ds_clear(&k->why);
    k->now = 1000;
    kit_events_clear(k);
    unlink(k->state_file);
    if (!kit_open(k, NULL, true, true)) {
        skip = skip_reason(c, k->caps, k->hal);
        if (!skip) {
            c->run(k);
        }
    }
    hal_close(k->hal);
    k->hal = NULL;
    unlink(k->state_file);
    return skip;
}

static void
run_one(const struct kit_case *c, void *r_)
{
    struct kit_report *r = r_;
    const char *filter = r->kit->options->filter;

    if (filter && fnmatch(filter, c->name, 0)) {
        return;
    }
    report(r, c, run_case(r->kit, c));
}

int
kit_run_all(const struct kit_options *options)
{
    struct kit k = { .options = options };
    struct kit_report r = { .kit = &k };
    char dir[] = "/tmp/hal-conformance.XXXXXX";

    if (!mkdtemp(dir)) {
        perror("hal-conformance: mkdtemp");
        return 1;
    }
    k.state_file = xasprintf("%s/state", dir);
    ds_init(&k.why);
    kit_for_each_case(run_one, &r);
    if (options->format == KIT_TAP) {
        /* The plan may come last, which suits a filtered run. */
        printf("1..%zu\n", r.index);
    }
    printf("%s%zu passed, %zu failed, %zu skipped (backend %s)\n",
           options->format == KIT_TAP ? "# " : "", r.n_pass, r.n_fail,
           r.n_skip, options->backend);
    unlink(k.state_file);
    rmdir(dir);
    free(k.state_file);
    free(k.events);
    ds_destroy(&k.why);
    return (int) r.n_fail;
}
