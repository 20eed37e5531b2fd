/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers for the unit tests of hal/asic. */
#include "tests/unit/hal-asic-fixture.h"

#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal-provider.h"
#include "lib/util.h"

static void
record_events(const struct hal_event *events, size_t n, void *f_)
{
    struct fixture *f = f_;
    size_t i;

    f->n_batches++;
    for (i = 0; i < n; i++) {
        if (f->n_events >= f->allocated_events) {
            f->events = x2nrealloc(f->events, &f->allocated_events,
                                   f->n_events + 1, sizeof *f->events);
        }
        f->events[f->n_events++] = events[i];
    }
}

void
fixture_open(struct fixture *f, const char *platform, const char *state_file,
             bool cold_start)
{
    struct hal_config config = { .platform = platform,
                                 .state_file = state_file,
                                 .cold_start = cold_start };

    memset(f, 0, sizeof *f);
    hal_unregister_all();
    assert_int_equal(hal_register_provider(&hal_asic_provider), 0);
    assert_int_equal(hal_open("asic", &config, &f->hal), 0);
    f->asic = hal_asic_cast(f->hal);
    assert_non_null(f->asic);
    hal_set_event_cb(f->hal, record_events, f);
}

void
fixture_close(struct fixture *f)
{
    hal_close(f->hal);
    free(f->events);
    f->hal = NULL;
    f->events = NULL;
}

size_t
fixture_run(struct fixture *f, int64_t now_ms)
{
    size_t before = f->n_events;

    hal_run(f->hal, now_ms);
    return f->n_events - before;
}

void
fixture_clear_events(struct fixture *f)
{
    f->n_events = 0;
    f->n_batches = 0;
}

size_t
fixture_count(const struct fixture *f, enum hal_event_type type)
{
    size_t i, n = 0;

    for (i = 0; i < f->n_events; i++) {
        n += f->events[i].type == type;
    }
    return n;
}

struct hal_mac
test_mac(uint32_t n)
{
    struct hal_mac mac = { { 0x02, 0x00, (uint8_t) (n >> 24),
                             (uint8_t) (n >> 16), (uint8_t) (n >> 8),
                             (uint8_t) n } };
    return mac;
}

struct in_addr
test_ip(const char *s)
{
    struct in_addr ip;

    assert_int_equal(inet_pton(AF_INET, s, &ip), 1);
    return ip;
}

hal_oid_t
test_port(const struct fixture *f, const char *name)
{
    hal_oid_t oid = HAL_OID_NULL;

    assert_int_equal(hal_port_by_name(f->hal, name, &oid), 0);
    return oid;
}

hal_oid_t
test_bridge(struct fixture *f, const char *name, uint32_t vni,
            enum hal_replication replication)
{
    struct hal_bridge_config c;
    hal_oid_t oid = HAL_OID_NULL;

    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "%s", name);
    c.vni = vni;
    c.replication = replication;
    c.learning = true;
    assert_int_equal(hal_bridge_set(f->hal, &c, &oid), 0);
    return oid;
}

void
test_bind(struct fixture *f, hal_oid_t port, uint16_t vlan, hal_oid_t bridge)
{
    struct hal_binding b = { port, vlan, bridge };

    assert_int_equal(hal_binding_set(f->hal, &b, 1, NULL), 0);
}

struct hal_fdb_entry
test_remote(hal_oid_t bridge, uint32_t mac, const char *ip)
{
    struct hal_fdb_entry e;

    memset(&e, 0, sizeof e);
    e.bridge = bridge;
    e.mac = test_mac(mac);
    e.type = HAL_FDB_STATIC;
    e.remote = true;
    e.remote_ip = test_ip(ip);
    e.vni = HAL_VNI_NONE;
    return e;
}

struct hal_fdb_entry
test_local(hal_oid_t bridge, uint32_t mac, hal_oid_t port, uint16_t vlan)
{
    struct hal_fdb_entry e;

    memset(&e, 0, sizeof e);
    e.bridge = bridge;
    e.mac = test_mac(mac);
    e.type = HAL_FDB_STATIC;
    e.port = port;
    e.vlan = vlan;
    e.vni = HAL_VNI_NONE;
    return e;
}
