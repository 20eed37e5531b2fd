/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for lib/bfd: the control packet checks of RFC 5880 6.8.6, the
 * state table, detection time, Poll/Final, and the bfd_params keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/bfd.h"

#define PEER_DISC 0x1234

/* Encodes a packet from the peer into 'buf'. */
static void
peer_packet(uint8_t *buf, enum bfd_state state, uint8_t flags,
            uint32_t your_disc, uint8_t mult, uint32_t tx_ms, uint32_t rx_ms)
{
    struct bfd_msg msg = {
        .state = state,
        .flags = flags,
        .detect_mult = mult,
        .my_disc = PEER_DISC,
        .your_disc = your_disc,
        .min_tx = tx_ms * 1000,
        .min_rx = rx_ms * 1000,
    };
    bfd_msg_encode(&msg, buf);
}

static enum bfd_drop
feed(struct bfd *bfd, enum bfd_state state, uint8_t flags, int64_t now)
{
    uint8_t buf[BFD_PACKET_LEN];

    peer_packet(buf, state, flags,
                state == BFD_STATE_DOWN || state == BFD_STATE_ADMIN_DOWN
                    ? 0
                    : bfd_my_disc(bfd),
                3, 100, 100);
    return bfd_process_packet(bfd, buf, sizeof buf, now);
}

static struct bfd *
session(uint32_t min_tx, uint32_t min_rx)
{
    struct bfd_settings s;

    bfd_settings_init(&s);
    s.enable = true;
    s.min_tx = min_tx;
    s.min_rx = min_rx;
    return bfd_create(7, &s, 1, 0);
}

static enum bfd_state
state_of(const struct bfd *bfd, struct bfd_status *st)
{
    bfd_get_status(bfd, 0, st);
    return st->state;
}

/* Sends the session's next packet and decodes it into '*msg'. */
static void
take_packet(struct bfd *bfd, int64_t now, struct bfd_msg *msg)
{
    uint8_t buf[BFD_PACKET_LEN];

    assert_int_equal(bfd_put_packet(bfd, buf, now), BFD_PACKET_LEN);
    assert_int_equal(bfd_msg_decode(buf, sizeof buf, msg), BFD_DROP_NONE);
}

static void
test_codec_strict(void **state)
{
    uint8_t good[BFD_PACKET_LEN], buf[BFD_PACKET_LEN + 4];
    struct bfd_msg msg;

    peer_packet(good, BFD_STATE_INIT, 0, 9, 3, 300, 200);
    assert_int_equal(bfd_msg_decode(good, sizeof good, &msg), BFD_DROP_NONE);
    assert_int_equal(msg.version, 1);
    assert_int_equal(msg.state, BFD_STATE_INIT);
    assert_int_equal(msg.my_disc, PEER_DISC);
    assert_int_equal(msg.your_disc, 9);
    assert_int_equal(msg.min_tx, 300000);
    assert_int_equal(msg.min_rx, 200000);

    assert_int_equal(bfd_msg_decode(good, 23, &msg), BFD_DROP_SHORT);
    memcpy(buf, good, sizeof good);
    buf[0] = (2 << 5);
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_VERSION);
    memcpy(buf, good, sizeof good);
    buf[3] = 20;
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_LENGTH);
    buf[3] = 28;
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_SHORT);
    memcpy(buf, good, sizeof good);
    buf[2] = 0;
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_DETECT_MULT);
    memcpy(buf, good, sizeof good);
    buf[1] |= BFD_FLAG_MULTIPOINT;
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_MULTIPOINT);
    memcpy(buf, good, sizeof good);
    memset(buf + 4, 0, 4);
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_MY_DISC);
    memcpy(buf, good, sizeof good);
    memset(buf + 8, 0, 4);
    assert_int_equal(bfd_msg_decode(buf, 24, &msg), BFD_DROP_YOUR_DISC);
    memcpy(buf, good, sizeof good);
    buf[1] |= BFD_FLAG_AUTH;
    buf[3] = 28;
    assert_int_equal(bfd_msg_decode(buf, 28, &msg), BFD_DROP_AUTH);
}

static void
test_bad_packets_counted(void **state)
{
    struct bfd *bfd = session(100, 100);
    uint8_t buf[BFD_PACKET_LEN];
    struct bfd_status st;

    peer_packet(buf, BFD_STATE_DOWN, 0, 0, 0, 100, 100);
    assert_int_equal(bfd_process_packet(bfd, buf, sizeof buf, 0),
                     BFD_DROP_DETECT_MULT);
    peer_packet(buf, BFD_STATE_UP, 0, 99, 3, 100, 100);
    assert_int_equal(bfd_process_packet(bfd, buf, sizeof buf, 0),
                     BFD_DROP_YOUR_DISC);
    assert_int_equal(bfd_process_packet(bfd, buf, 3, 0), BFD_DROP_SHORT);
    assert_int_equal(bfd_get_counters(bfd)->rx_dropped, 3);
    assert_int_equal(bfd_get_counters(bfd)->drops[BFD_DROP_YOUR_DISC], 1);
    assert_int_equal(bfd_get_counters(bfd)->rx_packets, 0);
    assert_int_equal(state_of(bfd, &st), BFD_STATE_DOWN);
    bfd_destroy(bfd);
}

/* Brings a fresh session to 'local' by the handshake of RFC 5880 6.2. */
static struct bfd *
session_in(enum bfd_state local)
{
    struct bfd *bfd = session(100, 100);
    struct bfd_settings s = *bfd_get_settings(bfd);

    if (local == BFD_STATE_ADMIN_DOWN) {
        s.enable = false;
        bfd_configure(bfd, &s, 0);
    } else if (local == BFD_STATE_INIT) {
        feed(bfd, BFD_STATE_DOWN, 0, 0);
    } else if (local == BFD_STATE_UP) {
        feed(bfd, BFD_STATE_DOWN, 0, 0);
        feed(bfd, BFD_STATE_UP, 0, 0);
    }
    return bfd;
}

/* RFC 5880 6.2's diagram, every (local state, received state) pair. */
static void
test_state_table(void **state)
{
    static const struct {
        enum bfd_state local, rx, expect;
        enum bfd_diag diag;
    } table[] = {
        { BFD_STATE_DOWN, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN,
          BFD_DIAG_NONE },
        { BFD_STATE_DOWN, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE },
        { BFD_STATE_DOWN, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE },
        { BFD_STATE_DOWN, BFD_STATE_UP, BFD_STATE_DOWN, BFD_DIAG_NONE },
        { BFD_STATE_INIT, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN,
          BFD_DIAG_NEIGHBOR_DOWN },
        { BFD_STATE_INIT, BFD_STATE_DOWN, BFD_STATE_INIT, BFD_DIAG_NONE },
        { BFD_STATE_INIT, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE },
        { BFD_STATE_INIT, BFD_STATE_UP, BFD_STATE_UP, BFD_DIAG_NONE },
        { BFD_STATE_UP, BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN,
          BFD_DIAG_NEIGHBOR_DOWN },
        { BFD_STATE_UP, BFD_STATE_DOWN, BFD_STATE_DOWN,
          BFD_DIAG_NEIGHBOR_DOWN },
        { BFD_STATE_UP, BFD_STATE_INIT, BFD_STATE_UP, BFD_DIAG_NONE },
        { BFD_STATE_UP, BFD_STATE_UP, BFD_STATE_UP, BFD_DIAG_NONE },
        { BFD_STATE_ADMIN_DOWN, BFD_STATE_UP, BFD_STATE_ADMIN_DOWN,
          BFD_DIAG_ADMIN_DOWN },
        { BFD_STATE_ADMIN_DOWN, BFD_STATE_DOWN, BFD_STATE_ADMIN_DOWN,
          BFD_DIAG_ADMIN_DOWN },
    };

    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        struct bfd *bfd = session_in(table[i].local);
        struct bfd_status st;

        assert_int_equal(state_of(bfd, &st), table[i].local);
        feed(bfd, table[i].rx, 0, 1);
        bfd_get_status(bfd, 1, &st);
        print_message("row %zu: %s + %s\n", i,
                      bfd_state_to_string(table[i].local),
                      bfd_state_to_string(table[i].rx));
        assert_int_equal(st.state, table[i].expect);
        assert_int_equal(st.diag, table[i].diag);
        bfd_destroy(bfd);
    }
}

/* Two sessions that talk to each other come up in three packets. */
static void
test_handshake_between_sessions(void **state)
{
    struct bfd_settings s;
    struct bfd *a, *b;
    struct bfd_status sa, sb;
    uint8_t buf[BFD_PACKET_LEN];

    bfd_settings_init(&s);
    s.enable = true;
    a = bfd_create(1, &s, 1, 0);
    b = bfd_create(2, &s, 2, 0);
    assert_true(bfd_should_send(a, 0));
    bfd_put_packet(a, buf, 0);
    assert_int_equal(bfd_process_packet(b, buf, sizeof buf, 0), 0);
    bfd_put_packet(b, buf, 0);
    assert_int_equal(bfd_process_packet(a, buf, sizeof buf, 0), 0);
    bfd_put_packet(a, buf, 0);
    assert_int_equal(bfd_process_packet(b, buf, sizeof buf, 0), 0);
    bfd_get_status(a, 0, &sa);
    bfd_get_status(b, 0, &sb);
    assert_int_equal(sa.state, BFD_STATE_UP);
    assert_int_equal(sb.state, BFD_STATE_UP);
    assert_true(sa.forwarding);
    assert_int_equal(sa.remote_state, BFD_STATE_INIT);
    assert_int_equal(sb.remote_state, BFD_STATE_UP);
    bfd_destroy(a);
    bfd_destroy(b);
}

/* Detection time is the peer's Detect Mult times the larger of our
 * RequiredMinRx and its DesiredMinTx (RFC 5880 6.8.4). */
static void
test_detection_time(void **state)
{
    struct bfd *bfd = session(100, 100);
    uint8_t buf[BFD_PACKET_LEN];
    struct bfd_status st;

    peer_packet(buf, BFD_STATE_DOWN, 0, 0, 5, 200, 100);
    bfd_process_packet(bfd, buf, sizeof buf, 0);
    peer_packet(buf, BFD_STATE_UP, 0, 7, 5, 200, 100);
    bfd_process_packet(bfd, buf, sizeof buf, 1000);
    assert_int_equal(state_of(bfd, &st), BFD_STATE_UP);
    assert_int_equal(bfd_detect_time(bfd), 1000);
    assert_true(bfd_next_wakeup(bfd) <= 2000);

    bfd_run(bfd, 1999);
    assert_int_equal(state_of(bfd, &st), BFD_STATE_UP);
    bfd_run(bfd, 2000);
    bfd_get_status(bfd, 2000, &st);
    assert_int_equal(st.state, BFD_STATE_DOWN);
    assert_int_equal(st.diag, BFD_DIAG_CTL_DETECT_EXPIRED);
    assert_false(st.forwarding);
    assert_int_equal(st.flaps, 2);
    bfd_destroy(bfd);
}

/* Until Up, at most a packet a second; once Up the configured interval,
 * announced through a Poll Sequence. */
static void
test_slow_start_and_poll(void **state)
{
    struct bfd *bfd = session(100, 100);
    struct bfd_msg msg;

    take_packet(bfd, 0, &msg);
    assert_int_equal(msg.min_tx, 1000000);
    assert_int_equal(msg.flags, 0);
    feed(bfd, BFD_STATE_DOWN, 0, 10);
    feed(bfd, BFD_STATE_UP, 0, 20);

    /* Up: advertise 100 ms with P, and send at that rate at once (a
     * faster interval need not wait for the Final, RFC 5880 6.8.3). */
    assert_true(bfd_should_send(bfd, 20));
    take_packet(bfd, 20, &msg);
    assert_int_equal(msg.min_tx, 100000);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);
    assert_false(bfd_should_send(bfd, 20 + 74));
    assert_true(bfd_should_send(bfd, 20 + 100));
    take_packet(bfd, 120, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);

    feed(bfd, BFD_STATE_UP, BFD_FLAG_FINAL, 810);
    take_packet(bfd, 810, &msg);
    assert_int_equal(msg.flags, 0);
    assert_true(bfd_next_wakeup(bfd) <= 810 + 100);
    assert_true(bfd_next_wakeup(bfd) >= 810 + 75);
    bfd_destroy(bfd);
}

/* A Poll from the peer is answered at once with a Final, without P. */
static void
test_final_answers_poll(void **state)
{
    struct bfd *bfd = session_in(BFD_STATE_UP);
    struct bfd_msg msg;

    take_packet(bfd, 1, &msg);
    feed(bfd, BFD_STATE_UP, BFD_FLAG_POLL, 2);
    assert_true(bfd_should_send(bfd, 2));
    assert_int_equal(bfd_next_wakeup(bfd), 0);
    take_packet(bfd, 2, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_FINAL);
    assert_int_equal(msg.your_disc, PEER_DISC);
    /* Our own Poll (slow start over) follows in the next packet. */
    take_packet(bfd, 3, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);
    bfd_destroy(bfd);
}

/* Both ends go Up and poll for 100 ms at once: answering the peer's Poll
 * with a Final must not put our next packet a second away, since the peer
 * already expects one every 100 ms (its detection time, 300 ms). */
static void
test_poll_answer_keeps_fast_rate(void **state)
{
    struct bfd *bfd = session(100, 100);
    struct bfd_msg msg;

    take_packet(bfd, 0, &msg);
    feed(bfd, BFD_STATE_DOWN, 0, 10);
    feed(bfd, BFD_STATE_UP, 0, 20);
    take_packet(bfd, 20, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);
    feed(bfd, BFD_STATE_UP, BFD_FLAG_POLL, 30);
    take_packet(bfd, 30, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_FINAL);
    assert_true(bfd_next_wakeup(bfd) <= 30 + 100);
    bfd_destroy(bfd);
}

/* A parameter change while Up uses a Poll; the jitter stays in 75-100%. */
static void
test_param_change_polls(void **state)
{
    struct bfd *bfd = session_in(BFD_STATE_UP);
    struct bfd_settings s = *bfd_get_settings(bfd);
    struct bfd_msg msg;

    take_packet(bfd, 1, &msg);
    feed(bfd, BFD_STATE_UP, BFD_FLAG_FINAL, 2);
    take_packet(bfd, 3, &msg);
    assert_int_equal(msg.flags, 0);

    s.min_rx = 500;
    bfd_configure(bfd, &s, 4);
    assert_true(bfd_should_send(bfd, 4));
    take_packet(bfd, 4, &msg);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);
    assert_int_equal(msg.min_rx, 500000);
    /* The old receive interval still sets the detection time. */
    assert_int_equal(bfd_detect_time(bfd), 300);
    feed(bfd, BFD_STATE_UP, BFD_FLAG_FINAL, 5);
    assert_int_equal(bfd_detect_time(bfd), 1500);
    for (int i = 0; i < 100; i++) {
        int64_t now = 1000 + i * 1000;
        take_packet(bfd, now, &msg);
        assert_true(bfd_next_wakeup(bfd) >= now + 75);
        assert_true(bfd_next_wakeup(bfd) <= now + 100);
        feed(bfd, BFD_STATE_UP, 0, now);
    }
    bfd_destroy(bfd);
}

/* Disabling sends AdminDown for a while, then stops; the peer goes Down
 * with Neighbor Signaled Session Down. */
static void
test_admin_down(void **state)
{
    struct bfd *bfd = session_in(BFD_STATE_UP);
    struct bfd_settings s = *bfd_get_settings(bfd);
    struct bfd_status st;
    struct bfd_msg msg;

    s.enable = false;
    bfd_configure(bfd, &s, 100);
    bfd_get_status(bfd, 100, &st);
    assert_int_equal(st.state, BFD_STATE_ADMIN_DOWN);
    assert_int_equal(st.diag, BFD_DIAG_ADMIN_DOWN);
    assert_false(st.forwarding);
    assert_true(bfd_should_send(bfd, 100));
    take_packet(bfd, 100, &msg);
    assert_int_equal(msg.state, BFD_STATE_ADMIN_DOWN);
    bfd_run(bfd, 100000);
    assert_false(bfd_should_send(bfd, 100000));
    assert_int_equal(bfd_next_wakeup(bfd), INT64_MAX);
    assert_int_equal(feed(bfd, BFD_STATE_UP, 0, 100001), BFD_DROP_ADMIN_DOWN);

    s.enable = true;
    bfd_configure(bfd, &s, 200000);
    assert_int_equal(state_of(bfd, &st), BFD_STATE_DOWN);
    assert_true(bfd_should_send(bfd, 200000));
    bfd_destroy(bfd);
}

/* A peer that asks for no packets (RequiredMinRx 0) gets none, and the
 * session does not spin waiting to send. */
static void
test_peer_wants_no_packets(void **state)
{
    struct bfd *bfd = session(100, 100);
    uint8_t buf[BFD_PACKET_LEN];

    peer_packet(buf, BFD_STATE_DOWN, 0, 0, 3, 100, 0);
    bfd_process_packet(bfd, buf, sizeof buf, 0);
    assert_false(bfd_should_send(bfd, 5000));
    assert_int_equal(bfd_next_wakeup(bfd), 300);
    bfd_run(bfd, 300);
    assert_true(bfd_should_send(bfd, 5000));
    bfd_destroy(bfd);
}

static void
test_cpath_down(void **state)
{
    struct bfd *bfd = session_in(BFD_STATE_UP);
    struct bfd_settings s = *bfd_get_settings(bfd);
    uint64_t seq = bfd_status_seq(bfd);
    struct bfd_status st;
    struct bfd_msg msg;

    s.cpath_down = true;
    bfd_configure(bfd, &s, 1);
    assert_true(bfd_status_seq(bfd) != seq);
    take_packet(bfd, 1, &msg);
    assert_int_equal(msg.diag, BFD_DIAG_CONCAT_PATH_DOWN);
    bfd_destroy(bfd);

    /* A peer signalling Concatenated Path Down is not forwarding. */
    bfd = session_in(BFD_STATE_UP);
    bfd_get_status(bfd, 1, &st);
    assert_true(st.forwarding);
    {
        uint8_t buf[BFD_PACKET_LEN];
        struct bfd_msg m = {
            .state = BFD_STATE_UP,
            .diag = BFD_DIAG_CONCAT_PATH_DOWN,
            .detect_mult = 3,
            .my_disc = PEER_DISC,
            .your_disc = 7,
            .min_tx = 100000,
            .min_rx = 100000,
        };
        bfd_msg_encode(&m, buf);
        bfd_process_packet(bfd, buf, sizeof buf, 2);
    }
    bfd_get_status(bfd, 2, &st);
    assert_int_equal(st.state, BFD_STATE_UP);
    assert_false(st.forwarding);
    assert_int_equal(st.remote_diag, BFD_DIAG_CONCAT_PATH_DOWN);
    bfd_destroy(bfd);
}

/* forwarding_if_rx: data keeps the tunnel forwarding while BFD is lost. */
static void
test_forwarding_if_rx(void **state)
{
    struct bfd *bfd = session_in(BFD_STATE_UP);
    struct bfd_settings s = *bfd_get_settings(bfd);
    struct bfd_status st;

    s.forwarding_if_rx = true;
    bfd_configure(bfd, &s, 0);
    bfd_run(bfd, 10000);
    bfd_get_status(bfd, 10000, &st);
    assert_int_equal(st.state, BFD_STATE_DOWN);
    assert_false(st.forwarding);
    bfd_account_rx(bfd, 10001);
    bfd_get_status(bfd, 10001, &st);
    assert_true(st.forwarding);
    assert_true(bfd_next_wakeup(bfd) <= 10001 + 300);
    bfd_run(bfd, 10001 + 300);
    bfd_get_status(bfd, 10001 + 300, &st);
    assert_false(st.forwarding);
    bfd_destroy(bfd);
}

/* decay_min_rx: without data, ask for packets every decay_min_rx. */
static void
test_decay_min_rx(void **state)
{
    struct bfd_settings s;
    struct bfd *bfd;
    struct bfd_msg msg;

    bfd_settings_init(&s);
    s.enable = true;
    s.min_tx = 100;
    s.min_rx = 100;
    s.decay_min_rx = 2000;
    bfd = bfd_create(7, &s, 1, 0);
    feed(bfd, BFD_STATE_DOWN, 0, 0);
    feed(bfd, BFD_STATE_UP, 0, 0);
    take_packet(bfd, 0, &msg);
    assert_int_equal(msg.min_rx, 100000);
    feed(bfd, BFD_STATE_UP, BFD_FLAG_FINAL, 1);

    bfd_account_rx(bfd, 1000);
    feed(bfd, BFD_STATE_UP, 0, 1999);
    bfd_run(bfd, 2000);
    take_packet(bfd, 2000, &msg);
    assert_int_equal(msg.min_rx, 100000);
    feed(bfd, BFD_STATE_UP, 0, 2200);
    feed(bfd, BFD_STATE_UP, 0, 3999);
    bfd_run(bfd, 4000);
    take_packet(bfd, 4000, &msg);
    assert_int_equal(msg.min_rx, 2000000);
    assert_int_equal(msg.flags, BFD_FLAG_POLL);
    bfd_account_rx(bfd, 4001);
    take_packet(bfd, 4001, &msg);
    assert_int_equal(msg.min_rx, 100000);
    bfd_destroy(bfd);
}

static void
test_settings_parse(void **state)
{
    struct bfd_settings s;
    char *error;

    {
        const char *k[] = { "enable",       "min_rx",           "min_tx",
                            "decay_min_rx", "forwarding_if_rx", "cpath_down",
                            "check_tnl_key" };
        const char *v[] = {
            "true", "300", "50", "5000", "true", "true", "true"
        };
        assert_null(bfd_settings_parse(&s, k, v, 7));
        assert_true(s.enable && s.forwarding_if_rx && s.cpath_down
                    && s.check_tnl_key);
        assert_int_equal(s.min_rx, 300);
        assert_int_equal(s.min_tx, 50);
        assert_int_equal(s.decay_min_rx, 5000);
    }
    {
        const char *k[] = { "enable", "min_rx" };
        const char *v[] = { "true", "0" };
        error = bfd_settings_parse(&s, k, v, 2);
        assert_non_null(strstr(error, "min_rx"));
        assert_true(s.enable);
        assert_int_equal(s.min_rx, 1000);
        free(error);
    }
    {
        const char *k[] = { "min_tx", "enable" };
        const char *v[] = { "fast", "yes" };
        error = bfd_settings_parse(&s, k, v, 2);
        assert_string_equal(error, "bfd_params:min_tx: \"fast\" is not a "
                                   "number of milliseconds");
        assert_int_equal(s.min_tx, 100);
        assert_false(s.enable);
        free(error);
    }
    {
        const char *k[] = { "bogus", "min_tx" };
        const char *v[] = { "1", "-5" };
        error = bfd_settings_parse(&s, k, v, 2);
        assert_string_equal(error, "bfd_params: unknown key \"bogus\" "
                                   "ignored");
        free(error);
    }
    {
        const char *k[] = { "min_rx" };
        const char *v[] = { "99999999999" };
        error = bfd_settings_parse(&s, k, v, 1);
        assert_non_null(strstr(error, "out of range"));
        free(error);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_strict),
        cmocka_unit_test(test_bad_packets_counted),
        cmocka_unit_test(test_state_table),
        cmocka_unit_test(test_handshake_between_sessions),
        cmocka_unit_test(test_detection_time),
        cmocka_unit_test(test_slow_start_and_poll),
        cmocka_unit_test(test_final_answers_poll),
        cmocka_unit_test(test_poll_answer_keeps_fast_rate),
        cmocka_unit_test(test_param_change_polls),
        cmocka_unit_test(test_admin_down),
        cmocka_unit_test(test_peer_wants_no_packets),
        cmocka_unit_test(test_cpath_down),
        cmocka_unit_test(test_forwarding_if_rx),
        cmocka_unit_test(test_decay_min_rx),
        cmocka_unit_test(test_settings_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
