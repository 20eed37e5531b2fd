/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for hal/asic/bfd.c: two software ASICs whose BFD frames are
 * handed to each other bring a session up; the frames are what Open
 * vSwitch sends; frames that break RFC 5881's rules are not BFD. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/bfd.h"
#include "tests/unit/hal-asic-fixture.h"

#define FRAME_LEN (14 + 20 + 8 + BFD_PACKET_LEN)

/* The last frame a backend sent, and where to. */
struct wire {
    uint8_t frame[128];
    size_t len;
    struct in_addr remote;
    uint32_t vni;
    int n;
};

static void
capture(void *wire_, struct in_addr remote, uint32_t vni, const uint8_t *frame,
        size_t len)
{
    struct wire *w = wire_;

    assert_true(len <= sizeof w->frame);
    memcpy(w->frame, frame, len);
    w->len = len;
    w->remote = remote;
    w->vni = vni;
    w->n++;
}

static hal_oid_t
start_session(struct fixture *f, const char *local, const char *remote,
              struct wire *w)
{
    struct hal_switch_config sw;
    struct hal_bfd_config c;
    hal_oid_t oid = HAL_OID_NULL;

    hal_switch_get(f->hal, &sw);
    sw.tunnel_src = test_ip(local);
    assert_int_equal(hal_switch_set(f->hal, &sw), 0);
    memset(&c, 0, sizeof c);
    c.remote = test_ip(remote);
    hal_mac_from_string("00:23:20:00:00:01", &c.dst_mac);
    c.src_ip = test_ip("169.254.1.0");
    c.dst_ip = test_ip("169.254.1.1");
    bfd_settings_init(&c.bfd);
    c.bfd.enable = true;
    assert_int_equal(hal_bfd_set(f->hal, &c, &oid), 0);
    hal_asic_set_bfd_tx(f->asic, capture, w);
    return oid;
}

static enum bfd_state
state(struct fixture *f, hal_oid_t oid)
{
    struct hal_bfd_info info;

    assert_int_equal(hal_bfd_get(f->hal, oid, &info), 0);
    return info.status.state;
}

static void
test_two_asics_come_up(void **state_)
{
    struct fixture a, b;
    struct wire wa = { .n = 0 }, wb = { .n = 0 };
    hal_oid_t sa, sb;

    fixture_open(&a, "lab", NULL, true);
    fixture_open(&b, "lab", NULL, true);
    sa = start_session(&a, "192.0.2.1", "192.0.2.2", &wa);
    sb = start_session(&b, "192.0.2.2", "192.0.2.1", &wb);

    for (int64_t now = 0; now < 5000; now += 10) {
        int na = wa.n, nb = wb.n;

        fixture_run(&a, now);
        fixture_run(&b, now);
        if (wa.n != na) {
            assert_true(hal_asic_bfd_input(b.asic, test_ip("192.0.2.1"),
                                           wa.vni, wa.frame, wa.len, now));
        }
        if (wb.n != nb) {
            assert_true(hal_asic_bfd_input(a.asic, test_ip("192.0.2.2"),
                                           wb.vni, wb.frame, wb.len, now));
        }
    }
    assert_int_equal(state(&a, sa), BFD_STATE_UP);
    assert_int_equal(state(&b, sb), BFD_STATE_UP);
    assert_true(hal_next_wake(a.hal) < INT64_MAX);

    /* The frame: as OVS sends it. */
    assert_int_equal(wa.len, FRAME_LEN);
    assert_int_equal(wa.vni, 0);
    assert_memory_equal(wa.frame, "\x00\x23\x20\x00\x00\x01", 6);
    assert_int_equal(wa.frame[12], 0x08);
    assert_int_equal(wa.frame[14 + 1], 0xc0); /* TOS. */
    assert_int_equal(wa.frame[14 + 8], 255);  /* TTL. */
    assert_int_equal(wa.frame[14 + 9], 17);   /* UDP. */
    assert_int_equal(wa.frame[34 + 2] << 8 | wa.frame[34 + 3], 3784);

    /* Silence: down within the detection time (3 x 1 s). */
    fixture_run(&a, 5000 + 3000);
    assert_int_equal(state(&a, sa), BFD_STATE_DOWN);
    assert_int_equal(hal_bfd_remove(a.hal, sa), 0);
    assert_int_equal(hal_bfd_get(a.hal, sa, &(struct hal_bfd_info){ 0 }),
                     -ENOENT);
    fixture_close(&a);
    fixture_close(&b);
}

/* Not BFD: TTL 254, another UDP port, a fragment; and no session for the
 * sender.  Traffic from a remote with a session is counted as data. */
static void
test_not_bfd(void **state_)
{
    struct fixture a;
    struct wire w = { .n = 0 };
    uint8_t f[FRAME_LEN];
    hal_oid_t oid;
    struct hal_bfd_info info;

    fixture_open(&a, "lab", NULL, true);
    oid = start_session(&a, "192.0.2.1", "192.0.2.2", &w);
    fixture_run(&a, 0);
    assert_int_equal(w.n, 1);
    memcpy(f, w.frame, sizeof f);

    f[14 + 8] = 254;
    assert_false(
        hal_asic_bfd_input(a.asic, test_ip("192.0.2.2"), 0, f, sizeof f, 1));
    f[14 + 8] = 255;
    f[34 + 3] = 0x99;
    assert_false(
        hal_asic_bfd_input(a.asic, test_ip("192.0.2.2"), 0, f, sizeof f, 1));
    memcpy(f, w.frame, sizeof f);
    f[14 + 6] = 0x20; /* More fragments. */
    assert_false(
        hal_asic_bfd_input(a.asic, test_ip("192.0.2.2"), 0, f, sizeof f, 1));
    memcpy(f, w.frame, sizeof f);
    assert_false(
        hal_asic_bfd_input(a.asic, test_ip("192.0.2.9"), 0, f, sizeof f, 1));
    /* Our own frame, looped back: BFD, but it names no peer yet. */
    assert_true(
        hal_asic_bfd_input(a.asic, test_ip("192.0.2.2"), 0, f, sizeof f, 1));
    assert_int_equal(hal_bfd_get(a.hal, oid, &info), 0);
    assert_int_equal(info.counters.rx_packets, 1);
    fixture_close(&a);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_asics_come_up),
        cmocka_unit_test(test_not_bfd),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
