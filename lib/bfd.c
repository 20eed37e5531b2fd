/* SPDX-License-Identifier: Apache-2.0 */
/* The BFD state machine of RFC 5880 in asynchronous mode (no demand mode,
 * no echo, no authentication), with Open vSwitch's extensions that vtep.xml
 * names in bfd_params: decay_min_rx, forwarding_if_rx and cpath_down.
 *
 * Intervals are kept in milliseconds; the wire carries microseconds.  The
 * intervals a session advertises can differ from those it uses for its own
 * timers while a Poll Sequence is outstanding (RFC 5880 6.8.3): a new
 * receive interval and a slower transmit interval take effect when the
 * peer answers with the Final bit, a faster transmit interval at once. */
#include "lib/bfd.h"

#include <stdlib.h>
#include <string.h>

#include "lib/util.h"

/* RFC 5880 6.8.3: at most one packet a second until the session is Up. */
#define BFD_SLOW_TX_MS 1000

struct bfd {
    uint32_t my_disc;
    struct bfd_settings cfg;

    enum bfd_state state;
    enum bfd_diag diag;

    /* What the peer last told us. */
    uint32_t remote_disc;
    enum bfd_state remote_state;
    enum bfd_diag remote_diag;
    uint8_t remote_mult;
    uint32_t remote_min_tx; /* ms. */
    uint32_t remote_min_rx; /* ms; 0: the peer wants no packets. */

    /* Local intervals: advertised, and in force for our own timers. */
    uint32_t tx_adv, rx_adv;
    uint32_t tx_active, rx_active;
    bool polling;    /* Poll Sequence outstanding: P set in what we send. */
    bool send_final; /* The peer polled: answer with F at once. */

    int64_t next_tx;
    int64_t detect_at;        /* 0: no detection timer running. */
    int64_t admin_down_until; /* Keep announcing AdminDown until then. */

    /* forwarding_if_rx and decay_min_rx. */
    int64_t last_data_rx; /* 0: none yet. */
    uint64_t n_data_rx;
    uint64_t decay_mark;
    int64_t decay_check_at; /* 0: not checking. */
    bool in_decay;

    bool forwarding;
    uint32_t flaps;
    uint64_t seq;
    uint32_t rng;
    struct bfd_counters counters;
};

static uint32_t
ms_from_us(uint32_t us)
{
    return us / 1000 + (us % 1000 != 0);
}

static uint32_t
next_random(struct bfd *bfd)
{
    /* xorshift32: cheap, and good enough to spread transmit times. */
    uint32_t x = bfd->rng;

    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    bfd->rng = x;
    return x;
}

static uint32_t
tx_interval(const struct bfd *bfd)
{
    return MAX(bfd->tx_active, bfd->remote_min_rx);
}

int64_t
bfd_detect_time(const struct bfd *bfd)
{
    return (int64_t) bfd->remote_mult
           * MAX(bfd->rx_active, bfd->remote_min_tx);
}

static enum bfd_diag
local_diag(const struct bfd *bfd)
{
    return bfd->diag == BFD_DIAG_NONE && bfd->cfg.cpath_down
               ? BFD_DIAG_CONCAT_PATH_DOWN
               : bfd->diag;
}

/* Schedules the next periodic packet after 'now', with the jitter of RFC
 * 5880 6.8.7: 75-100% of the interval, 75-90% with a Detect Mult of 1. */
static void
schedule_tx(struct bfd *bfd, int64_t now)
{
    uint32_t spread = bfd->cfg.detect_mult == 1 ? 16 : 26;
    uint32_t pct = 75 + next_random(bfd) % spread;

    bfd->next_tx = now + (int64_t) tx_interval(bfd) * pct / 100;
}

static bool
compute_forwarding(const struct bfd *bfd, int64_t now)
{
    int64_t window;

    if (bfd->state == BFD_STATE_UP) {
        return bfd->remote_diag != BFD_DIAG_CONCAT_PATH_DOWN
               && bfd->remote_diag != BFD_DIAG_REV_CONCAT_PATH_DOWN;
    }
    if (!bfd->cfg.forwarding_if_rx || bfd->state == BFD_STATE_ADMIN_DOWN
        || !bfd->last_data_rx) {
        return false;
    }
    window = bfd_detect_time(bfd);
    if (!window) {
        window = (int64_t) bfd->cfg.detect_mult * bfd->rx_active;
    }
    return now < bfd->last_data_rx + window;
}

static void
update_forwarding(struct bfd *bfd, int64_t now)
{
    bool fwd = compute_forwarding(bfd, now);

    if (fwd != bfd->forwarding) {
        bfd->forwarding = fwd;
        bfd->seq++;
    }
}

/* Recomputes the intervals to advertise; starts a Poll Sequence if they
 * changed while the session is Up, else applies them at once. */
static void
update_intervals(struct bfd *bfd, int64_t now)
{
    uint32_t tx = bfd->state == BFD_STATE_UP
                      ? bfd->cfg.min_tx
                      : MAX(bfd->cfg.min_tx, BFD_SLOW_TX_MS);
    uint32_t rx = bfd->in_decay ? bfd->cfg.decay_min_rx : bfd->cfg.min_rx;

    if (tx == bfd->tx_adv && rx == bfd->rx_adv) {
        return;
    }
    bfd->tx_adv = tx;
    bfd->rx_adv = rx;
    if (bfd->state == BFD_STATE_UP) {
        /* RFC 5880 6.8.3: only a slower transmit interval must wait for
         * the Final; a faster one applies at once.  Waiting for it too
         * lets the peer time us out: it computes its detection time from
         * the interval we advertise, and our answer to its own Poll would
         * put our next packet a slow interval away. */
        bfd->tx_active = MIN(bfd->tx_active, tx);
        bfd->polling = true;
        bfd->next_tx = MIN(bfd->next_tx, now);
    } else {
        bfd->polling = false;
        bfd->tx_active = tx;
        bfd->rx_active = rx;
    }
}

static void
forget_remote(struct bfd *bfd)
{
    bfd->remote_disc = 0;
    bfd->remote_state = BFD_STATE_DOWN;
    bfd->remote_diag = BFD_DIAG_NONE;
    bfd->remote_mult = 0;
    bfd->remote_min_tx = 0;
    bfd->remote_min_rx = 1;
    bfd->detect_at = 0;
    bfd->seq++;
}

static void
set_state(struct bfd *bfd, enum bfd_state state, enum bfd_diag diag,
          int64_t now)
{
    if (state != bfd->state) {
        if (state == BFD_STATE_UP || bfd->state == BFD_STATE_UP) {
            bfd->flaps++;
        }
        bfd->state = state;
        bfd->seq++;
    }
    if (diag != bfd->diag) {
        bfd->diag = diag;
        bfd->seq++;
    }
    if (state != BFD_STATE_UP) {
        bfd->in_decay = false;
        bfd->decay_check_at = 0;
    } else if (bfd->cfg.decay_min_rx && !bfd->decay_check_at) {
        bfd->decay_mark = bfd->n_data_rx;
        bfd->decay_check_at = now + bfd->cfg.decay_min_rx;
    }
    update_intervals(bfd, now);
    update_forwarding(bfd, now);
}

struct bfd *
bfd_create(uint32_t my_disc, const struct bfd_settings *s, uint32_t seed,
           int64_t now)
{
    struct bfd *bfd = xzalloc(sizeof *bfd);

    bfd->my_disc = my_disc;
    bfd->cfg = *s;
    bfd->rng = seed ^ my_disc ? seed ^ my_disc : 0x9e3779b9;
    bfd->state = s->enable ? BFD_STATE_DOWN : BFD_STATE_ADMIN_DOWN;
    bfd->diag = BFD_DIAG_NONE;
    forget_remote(bfd);
    bfd->tx_active = bfd->tx_adv = MAX(s->min_tx, BFD_SLOW_TX_MS);
    bfd->rx_active = bfd->rx_adv = s->min_rx;
    bfd->next_tx = now;
    return bfd;
}

void
bfd_destroy(struct bfd *bfd)
{
    free(bfd);
}

void
bfd_configure(struct bfd *bfd, const struct bfd_settings *s, int64_t now)
{
    bool was_enabled = bfd->cfg.enable;

    if (s->cpath_down != bfd->cfg.cpath_down) {
        bfd->seq++;
    }
    bfd->cfg = *s;
    if (!s->enable && was_enabled) {
        bfd->admin_down_until =
            now + MAX(bfd_detect_time(bfd), 3 * (int64_t) tx_interval(bfd));
        set_state(bfd, BFD_STATE_ADMIN_DOWN, BFD_DIAG_ADMIN_DOWN, now);
        forget_remote(bfd);
        bfd->next_tx = now;
    } else if (s->enable && !was_enabled) {
        bfd->admin_down_until = 0;
        set_state(bfd, BFD_STATE_DOWN, BFD_DIAG_NONE, now);
        bfd->next_tx = now;
    }
    update_intervals(bfd, now);
}

static void
run_decay(struct bfd *bfd, int64_t now)
{
    if (!bfd->decay_check_at || now < bfd->decay_check_at) {
        return;
    }
    bfd->in_decay = bfd->n_data_rx == bfd->decay_mark;
    bfd->decay_mark = bfd->n_data_rx;
    bfd->decay_check_at = now + bfd->cfg.decay_min_rx;
    update_intervals(bfd, now);
}

void
bfd_run(struct bfd *bfd, int64_t now)
{
    if (bfd->detect_at && now >= bfd->detect_at) {
        if (bfd->state == BFD_STATE_INIT || bfd->state == BFD_STATE_UP) {
            set_state(bfd, BFD_STATE_DOWN, BFD_DIAG_CTL_DETECT_EXPIRED, now);
        }
        forget_remote(bfd);
        update_intervals(bfd, now);
    }
    if (bfd->admin_down_until && now >= bfd->admin_down_until) {
        bfd->admin_down_until = 0;
    }
    run_decay(bfd, now);
    update_forwarding(bfd, now);
}

static bool
may_send(const struct bfd *bfd, int64_t now)
{
    if (bfd->state == BFD_STATE_ADMIN_DOWN) {
        return bfd->admin_down_until && now < bfd->admin_down_until;
    }
    /* RFC 5880 6.8.7: nothing to a peer that asked for no packets. */
    return bfd->remote_min_rx != 0;
}

bool
bfd_should_send(const struct bfd *bfd, int64_t now)
{
    return may_send(bfd, now) && (bfd->send_final || now >= bfd->next_tx);
}

size_t
bfd_put_packet(struct bfd *bfd, uint8_t *buf, int64_t now)
{
    struct bfd_msg msg = {
        .version = 1,
        .diag = local_diag(bfd),
        .state = bfd->state,
        .detect_mult = bfd->cfg.detect_mult,
        .length = BFD_PACKET_LEN,
        .my_disc = bfd->my_disc,
        .your_disc = bfd->remote_disc,
        .min_tx = bfd->tx_adv * 1000,
        .min_rx = bfd->rx_adv * 1000,
    };

    /* The Final answers a Poll and never travels with one (RFC 5880
     * 6.5); our own Poll goes in the packets after it. */
    if (bfd->send_final) {
        msg.flags = BFD_FLAG_FINAL;
        bfd->send_final = false;
    } else if (bfd->polling) {
        msg.flags = BFD_FLAG_POLL;
    }
    bfd_msg_encode(&msg, buf);
    bfd->counters.tx_packets++;
    schedule_tx(bfd, now);
    return BFD_PACKET_LEN;
}

static enum bfd_drop
drop(struct bfd *bfd, enum bfd_drop reason)
{
    bfd->counters.drops[reason]++;
    bfd->counters.rx_dropped++;
    return reason;
}

static void
learn_remote(struct bfd *bfd, const struct bfd_msg *msg)
{
    if (msg->state != bfd->remote_state || msg->diag != bfd->remote_diag) {
        bfd->seq++;
    }
    bfd->remote_disc = msg->my_disc;
    bfd->remote_state = msg->state;
    bfd->remote_diag = msg->diag;
    bfd->remote_mult = msg->detect_mult;
    bfd->remote_min_tx = ms_from_us(msg->min_tx);
    bfd->remote_min_rx = ms_from_us(msg->min_rx);
}

/* The state table of RFC 5880 6.8.6 for a packet from the peer in
 * 'remote', applied to our state. */
static void
transition(struct bfd *bfd, enum bfd_state remote, int64_t now)
{
    if (remote == BFD_STATE_ADMIN_DOWN) {
        if (bfd->state != BFD_STATE_DOWN) {
            set_state(bfd, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now);
        }
    } else if (bfd->state == BFD_STATE_DOWN) {
        if (remote == BFD_STATE_DOWN) {
            set_state(bfd, BFD_STATE_INIT, bfd->diag, now);
        } else if (remote == BFD_STATE_INIT) {
            set_state(bfd, BFD_STATE_UP, BFD_DIAG_NONE, now);
        }
    } else if (bfd->state == BFD_STATE_INIT) {
        if (remote == BFD_STATE_INIT || remote == BFD_STATE_UP) {
            set_state(bfd, BFD_STATE_UP, BFD_DIAG_NONE, now);
        }
    } else if (remote == BFD_STATE_DOWN) {
        set_state(bfd, BFD_STATE_DOWN, BFD_DIAG_NEIGHBOR_DOWN, now);
    }
}

enum bfd_drop
bfd_process_packet(struct bfd *bfd, const uint8_t *buf, size_t len,
                   int64_t now)
{
    struct bfd_msg msg;
    enum bfd_drop reason = bfd_msg_decode(buf, len, &msg);

    if (reason != BFD_DROP_NONE) {
        return drop(bfd, reason);
    }
    if (msg.your_disc && msg.your_disc != bfd->my_disc) {
        return drop(bfd, BFD_DROP_YOUR_DISC);
    }
    if (bfd->state == BFD_STATE_ADMIN_DOWN) {
        return drop(bfd, BFD_DROP_ADMIN_DOWN);
    }
    bfd->counters.rx_packets++;
    learn_remote(bfd, &msg);
    if (msg.flags & BFD_FLAG_FINAL && bfd->polling) {
        bfd->polling = false;
        bfd->tx_active = bfd->tx_adv;
        bfd->rx_active = bfd->rx_adv;
    }
    if (msg.flags & BFD_FLAG_POLL) {
        bfd->send_final = true;
    }
    bfd->detect_at = now + bfd_detect_time(bfd);
    transition(bfd, msg.state, now);
    if (bfd->next_tx > now + tx_interval(bfd)) {
        schedule_tx(bfd, now);
    }
    update_forwarding(bfd, now);
    return BFD_DROP_NONE;
}

void
bfd_account_rx(struct bfd *bfd, int64_t now)
{
    bfd->n_data_rx++;
    bfd->last_data_rx = now;
    if (bfd->in_decay) {
        bfd->in_decay = false;
        update_intervals(bfd, now);
    }
    update_forwarding(bfd, now);
}

int64_t
bfd_next_wakeup(const struct bfd *bfd)
{
    int64_t t = INT64_MAX;

    if (bfd->state == BFD_STATE_ADMIN_DOWN) {
        if (bfd->admin_down_until) {
            t = MIN(bfd->next_tx, bfd->admin_down_until);
        }
    } else if (bfd->remote_min_rx) {
        t = bfd->send_final ? 0 : bfd->next_tx;
    }
    if (bfd->detect_at) {
        t = MIN(t, bfd->detect_at);
    }
    if (bfd->decay_check_at) {
        t = MIN(t, bfd->decay_check_at);
    }
    if (bfd->forwarding && bfd->state != BFD_STATE_UP) {
        int64_t window = bfd_detect_time(bfd);

        if (!window) {
            window = (int64_t) bfd->cfg.detect_mult * bfd->rx_active;
        }
        t = MIN(t, bfd->last_data_rx + window);
    }
    return t;
}

void
bfd_get_status(const struct bfd *bfd, int64_t now, struct bfd_status *st)
{
    st->state = bfd->state;
    st->diag = local_diag(bfd);
    st->remote_state = bfd->remote_state;
    st->remote_diag = bfd->remote_diag;
    st->forwarding = compute_forwarding(bfd, now);
    st->flaps = bfd->flaps;
}

uint64_t
bfd_status_seq(const struct bfd *bfd)
{
    return bfd->seq;
}

const struct bfd_counters *
bfd_get_counters(const struct bfd *bfd)
{
    return &bfd->counters;
}

uint32_t
bfd_my_disc(const struct bfd *bfd)
{
    return bfd->my_disc;
}

const struct bfd_settings *
bfd_get_settings(const struct bfd *bfd)
{
    return &bfd->cfg;
}
