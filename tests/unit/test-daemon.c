/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for vtepd/daemon: busy polling of the event loop. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "vtepd/daemon.h"

static void
noop_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
}

static double
mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Seconds one ev_run(EVRUN_ONCE) of 'loop' takes while 'far' is the only
 * timer due (0.3 s away). */
static double
one_iteration(struct ev_loop *loop, ev_timer *far)
{
    double start;

    ev_timer_stop(loop, far);
    ev_now_update(loop);
    ev_timer_set(far, 0.3, 0.);
    ev_timer_start(loop, far);
    start = mono();
    ev_run(loop, EVRUN_ONCE);
    return mono() - start;
}

/* Makes 'loop' do some work: a timer due at once. */
static void
work(struct ev_loop *loop, ev_timer *now_w)
{
    ev_timer_set(now_w, 0., 0.);
    ev_timer_start(loop, now_w);
    ev_run(loop, EVRUN_ONCE);
}

static void
test_busy_poll(void **state)
{
    struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
    ev_timer now_w, far_w;

    ev_timer_init(&now_w, noop_cb, 0., 0.);
    ev_timer_init(&far_w, noop_cb, 0.3, 0.);

    /* Within the window after work, the loop polls instead of sleeping. */
    daemon_busy_poll(loop, 200000);
    work(loop, &now_w);
    assert_true(one_iteration(loop, &far_w) < 0.1);

    /* Once the window has passed with nothing to do, it sleeps again. */
    usleep(250000);
    assert_true(one_iteration(loop, &far_w) > 0.2);

    /* Disabled: it sleeps right after work. */
    daemon_busy_poll(loop, 0);
    work(loop, &now_w);
    assert_true(one_iteration(loop, &far_w) > 0.2);

    ev_timer_stop(loop, &far_w);
    ev_loop_destroy(loop);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_busy_poll),
    };

    return cmocka_run_group_tests_name("vtepd/daemon", tests, NULL, NULL);
}
