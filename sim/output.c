/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane's output side: queues per output, sent with one
 * system call each when a batch ends; TCP super-frames whole, segmented,
 * or in VXLAN with UDP segmentation offload.  See sim.h and
 * docs/dataplane.md. */
#include <errno.h>
#include <string.h>

#include "lib/vlog.h"
#include "sim/sim-private.h"

VLOG_DEFINE_THIS_MODULE(sim_output);

static void
tx_failed(struct sim *sim, const char *where, int error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 5);

    if (error != -EAGAIN && error != -ENOBUFS) {
        VLOG_WARN_RL(&rl, "%s: send failed (%s)", where, strerror(-error));
    }
}

/* Sends the frames queued on 'slot'. */
static void
flush_port(struct sim *sim, struct sim_port_slot *slot)
{
    struct sim_txq *q = &slot->txq;
    int error = 0;
    size_t i;

    if (!q->n) {
        return;
    }
    if (sim_port_send_batch(&slot->io, q->msgs, q->n, &error) < q->n) {
        tx_failed(sim, slot->io.name, error);
    }
    for (i = 0; i < q->n; i++) {
        if (q->msgs[i].msg_len) {
            slot->tx_packets++;
            slot->tx_bytes += q->tx[i].bytes;
            sim->stats.port_tx++;
            sim->stats.port_tx_bytes += q->tx[i].bytes;
        } else {
            sim->stats.tx_errors++;
            sim_count_drop(sim, DROP_TX_ERROR);
        }
    }
    q->n = 0;
}

/* Sends the VXLAN datagrams queued. */
static void
flush_vxlan(struct sim *sim)
{
    struct sim_txq *q = &sim->vxlan_txq;
    int error = 0;
    size_t i;

    if (!q->n) {
        return;
    }
    if (sim_underlay_send_batch(&sim->underlay, q->msgs, q->n, &error)
        < q->n) {
        tx_failed(sim, "VXLAN", error);
    }
    for (i = 0; i < q->n; i++) {
        if (q->msgs[i].msg_len) {
            sim->stats.vxlan_tx++;
            sim->stats.vxlan_tx_bytes += q->tx[i].bytes;
        } else {
            sim->stats.tx_errors++;
            sim_count_drop(sim, DROP_TX_ERROR);
        }
    }
    q->n = 0;
}

/* Sends everything queued and frees the arena: the end of a batch. */
void
sim_flush_all(struct sim *sim)
{
    size_t i;

    for (i = 0; i < sim->n_dirty; i++) {
        flush_port(sim, sim->dirty[i]);
        sim->dirty[i]->txq.dirty = false;
    }
    sim->n_dirty = 0;
    flush_vxlan(sim);
    sim->arena_used = 0;
}

/* Returns 'size' bytes of the arena, valid until the frames queued are
 * sent; sends them first if the arena is full.  'size' is at most
 * SIM_ARENA_SIZE. */
uint8_t *
sim_arena_alloc(struct sim *sim, size_t size)
{
    uint8_t *p;

    if (SIM_ARENA_SIZE - sim->arena_used < size) {
        sim_flush_all(sim);
    }
    p = sim->arena + sim->arena_used;
    sim->arena_used += (size + 15) & ~(size_t) 15;
    return p;
}

/* Returns the next free entry of 'q' with its msghdr cleared; sends the
 * queue first if it is full ('slot' is the queue's port, or NULL for the
 * underlay's). */
static struct sim_tx *
txq_add(struct sim *sim, struct sim_txq *q, struct sim_port_slot *slot)
{
    if (q->n == SIM_TXQ_LEN) {
        if (slot) {
            flush_port(sim, slot);
        } else {
            flush_vxlan(sim);
        }
    }
    if (slot && !q->dirty) {
        q->dirty = true;
        sim->dirty[sim->n_dirty++] = slot;
    }
    memset(&q->msgs[q->n], 0, sizeof q->msgs[q->n]);
    return &q->tx[q->n++];
}

/* Queues the frame for 'out'. */
void
sim_send_local(struct sim *sim, const struct hal_asic_local_out *out,
               const uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    struct sim_port_slot *slot = sim_port_by_oid(sim, out->port);
    struct msghdr *msg;
    struct sim_tx *t;
    size_t n;

    if (!slot) {
        sim_count_drop(sim, DROP_NOT_ATTACHED);
        return;
    }
    t = txq_add(sim, &slot->txq, slot);
    n = sim_eth_retag(frame, len, eth, out->vlan, t->tag,
                      t->iov + SIM_PORT_TX_HDR_IOV);
    t->bytes = (uint32_t) sim_iov_length(t->iov + SIM_PORT_TX_HDR_IOV, n);
    t->iov[0].iov_base = NULL;
    t->iov[0].iov_len = 0;
    msg = &slot->txq.msgs[slot->txq.n - 1].msg_hdr;
    msg->msg_iov = t->iov;
    msg->msg_iovlen = SIM_PORT_TX_HDR_IOV + n;
}

/* Returns the AF_PACKET port of 'out', which takes TCP super-frames whole,
 * or NULL. */
static struct sim_port_slot *
gso_port(const struct sim *sim, const struct hal_asic_local_out *out)
{
    struct sim_port_slot *slot = sim_port_by_oid(sim, out->port);

    return slot && slot->io.kind == SIM_PORT_PACKET ? slot : NULL;
}

/* Queues the TCP super-frame of 'tso' whole for 'out', a gso_port(), with
 * the request to segment it. */
static void
send_local_tso(struct sim *sim, const struct hal_asic_local_out *out,
               const struct sim_tso *tso, const struct sim_eth *eth)
{
    struct sim_port_slot *slot = gso_port(sim, out);
    struct sim_tx *t;
    size_t shift;

    sim_send_local(sim, out, tso->frame, tso->len, eth);
    t = &slot->txq.tx[slot->txq.n - 1];
    /* The headers move with the tag that output adds or removes. */
    shift = (out->vlan ? SIM_VLAN_HLEN : 0) + tso->l3
            - (eth->tagged ? SIM_VLAN_HLEN : 0);
    sim_port_tso_hdr(t->vnet, tso->ipv6, tso->mss,
                     (uint16_t) (tso->l4 - tso->l3 + shift),
                     (uint16_t) (tso->hdr - tso->l3 + shift));
    t->iov[0].iov_base = t->vnet;
    t->iov[0].iov_len = sizeof t->vnet;
}

void
sim_send_remote(struct sim *sim, const struct hal_asic_remote_out *out,
                const uint8_t *frame, size_t len, const struct sim_eth *eth,
                uint16_t sport)
{
    struct sim_txq *q = &sim->vxlan_txq;
    struct msghdr *msg;
    struct sim_tx *t;
    size_t n, inner_len;

    if (!sim->has_underlay) {
        sim_count_drop(sim, DROP_NO_UNDERLAY);
        return;
    }
    t = txq_add(sim, q, NULL);
    n = 1 + sim_eth_retag(frame, len, eth, 0, t->tag, t->iov + 1);
    inner_len = sim_iov_length(t->iov + 1, n - 1);
    if (sim_vxlan_encap(t->hdr, sport, sim->underlay.port, out->vni,
                        inner_len)) {
        q->n--;
        sim_count_drop(sim, DROP_OVERSIZE);
        return;
    }
    t->iov[0].iov_base = t->hdr;
    t->iov[0].iov_len = sizeof t->hdr;
    t->bytes = (uint32_t) (SIM_ENCAP_HLEN + inner_len);
    memset(&t->dst, 0, sizeof t->dst);
    t->dst.sin_family = AF_INET;
    t->dst.sin_addr = out->ip;
    msg = &q->msgs[q->n - 1].msg_hdr;
    msg->msg_name = &t->dst;
    msg->msg_namelen = sizeof t->dst;
    msg->msg_iov = t->iov;
    msg->msg_iovlen = n;
}

/* Sends the TCP super-frame 'tso' to the remote 'out' whole, as one VXLAN
 * packet with UDP tunnel segmentation offload, through the underlay's TAP
 * device (see gso-tap.h).  Returns false if it cannot (then nothing was
 * sent): no such device, a single segment, segments too large for the
 * underlay, or the kernel refused it. */
static bool
send_remote_tap(struct sim *sim, const struct hal_asic_remote_out *out,
                const struct sim_tso *tso, const struct sim_eth *eth,
                uint16_t sport)
{
    size_t tag = eth->tagged ? SIM_VLAN_HLEN : 0, n = sim_tso_count(tso);
    uint8_t hdr[SIM_GSO_TAP_HDR_MAX], unused[SIM_VLAN_HLEN], *p = hdr;
    struct sim_gso_tap_frame f;
    struct iovec iov[3];
    size_t i, n_iov;
    int error;

    if (sim->underlay.tap.fd < 0 || n < 2 || tso->hdr - tag > sizeof hdr
        || tso->hdr - tso->l3 + tso->mss > sim->underlay.inner_mtu) {
        return false;
    }
    /* The headers without the tag: the VNI replaces it. */
    n_iov = sim_eth_retag(tso->frame, tso->hdr, eth, 0, unused, iov);
    for (i = 0; i < n_iov; i++) {
        memcpy(p, iov[i].iov_base, iov[i].iov_len);
        p += iov[i].iov_len;
    }
    memset(&f, 0, sizeof f);
    f.src = sim->underlay.local;
    f.dst = out->ip;
    f.sport = sport;
    f.dport = sim->underlay.port;
    f.vni = out->vni;
    f.hdr = hdr;
    f.hdr_len = tso->hdr - tag;
    f.l3 = tso->l3 - tag;
    f.l4 = tso->l4 - tag;
    f.ipv6 = tso->ipv6;
    f.payload = tso->frame + tso->hdr;
    f.payload_len = tso->len - tso->hdr;
    f.mss = tso->mss;
    flush_vxlan(sim); /* Keeps the flow's frames in order. */
    error = sim_gso_tap_send(&sim->underlay.tap, &f, &sim->underlay.tap_why);
    if (error == -EACCES) {
        VLOG_WARN("VXLAN: TCP super-frames leave as UDP_SEGMENT sends from "
                  "now on: %s",
                  sim->underlay.tap_why);
    }
    if (error) {
        return false;
    }
    /* Counted as the segments that leave. */
    sim->stats.vxlan_tx += n;
    sim->stats.vxlan_tx_bytes +=
        (uint64_t) n * (SIM_ENCAP_HLEN + f.hdr_len) + f.payload_len;
    return true;
}

/* The most segments one UDP_SEGMENT send of send_remote_gso() carries
 * (the kernel's UDP_MAX_SEGMENTS before Linux 6.8). */
#define GSO_SEGS_MAX 64

/* Sends the segments of the TCP super-frame 'tso' to the remote 'out' in
 * VXLAN with UDP segmentation offload: a system call per 64 KB instead of
 * per segment.  Each segment is gathered from its VXLAN and rewritten
 * inner headers, built in the arena, and its payload, read in place in
 * the super-frame (no copy but the kernel's).  Returns false if the
 * offload is unavailable (then nothing was sent). */
static bool
send_remote_gso(struct sim *sim, const struct hal_asic_remote_out *out,
                const struct sim_tso *tso, const struct sim_eth *eth,
                uint16_t sport)
{
    size_t tag = eth->tagged ? SIM_VLAN_HLEN : 0;
    size_t hdr_size = SIM_VXLAN_HLEN + tso->hdr - tag;
    size_t seg_size = hdr_size + tso->mss;
    size_t per_call = 65000 / seg_size;
    size_t n = sim_tso_count(tso), k, j;
    struct iovec iov[2 * GSO_SEGS_MAX];
    uint8_t hdr[SIM_ENCAP_HLEN];

    if (!per_call || seg_size > UINT16_MAX
        || sim_vxlan_encap(hdr, sport, sim->underlay.port, out->vni,
                           seg_size - SIM_VXLAN_HLEN)) {
        return false;
    }
    per_call = per_call < GSO_SEGS_MAX ? per_call : GSO_SEGS_MAX;
    flush_vxlan(sim); /* Keeps the flow's frames in order. */
    for (k = 0; k < n; k += per_call) {
        size_t m = n - k < per_call ? n - k : per_call, bytes = 0;
        uint8_t *p = sim_arena_alloc(sim, m * (hdr_size + tag));
        int sent;

        for (j = 0; j < m; j++) {
            const uint8_t *payload;
            size_t plen;

            sim_tso_segment_hdr(tso, k + j, p + SIM_VXLAN_HLEN, &payload,
                                &plen);
            memcpy(p, hdr + SIM_UDP_HLEN, SIM_VXLAN_HLEN);
            if (tag) {
                /* The tag does not travel: the VNI replaces it. */
                memmove(p + SIM_VXLAN_HLEN + 2 * SIM_ETH_ALEN,
                        p + SIM_VXLAN_HLEN + 2 * SIM_ETH_ALEN + tag,
                        tso->hdr - 2 * SIM_ETH_ALEN - tag);
            }
            iov[2 * j].iov_base = p;
            iov[2 * j].iov_len = hdr_size;
            iov[2 * j + 1].iov_base = (void *) payload;
            iov[2 * j + 1].iov_len = plen;
            bytes += hdr_size + plen;
            p += hdr_size + tag;
        }
        sent = sim_underlay_send_gso(&sim->underlay, out->ip, sport, iov,
                                     2 * m, (uint16_t) seg_size);
        if (sent < 0 && !k) {
            return false;
        } else if (sent < 0) {
            sim->stats.tx_errors += m;
            for (j = 0; j < m; j++) {
                sim_count_drop(sim, DROP_TX_ERROR);
            }
        } else {
            sim->stats.vxlan_tx += (uint64_t) sent;
            sim->stats.vxlan_tx_bytes +=
                (uint64_t) bytes + (uint64_t) sent * SIM_UDP_HLEN;
        }
    }
    return true;
}

/* Carries out the decision in sim->decision for the TCP super-frame of
 * 'tso': whole to AF_PACKET ports, whose kernel segments it (or hands it
 * whole to a local stack); cut into segments here for every other
 * output. */
static void
execute_tso(struct sim *sim, const struct sim_tso *tso,
            const struct sim_eth *eth)
{
    const struct hal_asic_decision *d = &sim->decision;
    uint16_t sport = sim_vxlan_sport(tso->frame, tso->len, eth);
    bool segment = false;
    size_t i, k, n, first_remote;

    for (i = 0; i < d->n_locals; i++) {
        if (gso_port(sim, &d->locals[i])) {
            send_local_tso(sim, &d->locals[i], tso, eth);
        } else {
            segment = true;
        }
    }
    /* Remotes from 'first_remote' on need segments cut here. */
    for (first_remote = 0; first_remote < d->n_remotes; first_remote++) {
        if (!sim->has_underlay
            || (!send_remote_tap(sim, &d->remotes[first_remote], tso, eth,
                                 sport)
                && !send_remote_gso(sim, &d->remotes[first_remote], tso, eth,
                                    sport))) {
            segment = true;
            break;
        }
    }
    n = segment ? sim_tso_count(tso) : 0;
    for (k = 0; k < n; k++) {
        uint8_t *seg = sim_arena_alloc(sim, tso->hdr + tso->mss);
        size_t len = sim_tso_segment(tso, k, seg);

        for (i = 0; i < d->n_locals; i++) {
            if (!gso_port(sim, &d->locals[i])) {
                sim_send_local(sim, &d->locals[i], seg, len, eth);
            }
        }
        for (i = first_remote; i < d->n_remotes; i++) {
            sim_send_remote(sim, &d->remotes[i], seg, len, eth, sport);
        }
    }
}

/* Carries out the decision in sim->decision for 'frame', or for the TCP
 * super-frame of 'tso' if it is nonnull. */
void
sim_execute(struct sim *sim, const uint8_t *frame, size_t len,
            const struct sim_eth *eth, const struct sim_tso *tso)
{
    const struct hal_asic_decision *d = &sim->decision;
    size_t i;

    if (d->action == HAL_ASIC_DROP) {
        sim_count_drop(sim, d->drop_reason ? d->drop_reason : "dropped");
        return;
    }
    for (i = 0; i < d->n_acl_denied; i++) {
        sim_count_drop(sim, DROP_ACL_EGRESS);
    }
    if (tso) {
        execute_tso(sim, tso, eth);
        return;
    }
    for (i = 0; i < d->n_locals; i++) {
        sim_send_local(sim, &d->locals[i], frame, len, eth);
    }
    if (d->n_remotes && eth->ethertype == SIM_ETH_TPID_8021Q) {
        /* A tag behind the binding's: RFC 7348, 6.1, a VTEP SHOULD NOT
         * send an inner tag (and every receiver drops it, as vxlan_input()
         * does).  Local ports take it as payload. */
        sim_count_drop(sim, DROP_INNER_TAG);
    } else if (d->n_remotes) {
        uint16_t sport = sim_vxlan_sport(frame, len, eth);

        for (i = 0; i < d->n_remotes; i++) {
            sim_send_remote(sim, &d->remotes[i], frame, len, eth, sport);
        }
    }
}
