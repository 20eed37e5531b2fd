/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane: port and underlay I/O around the software ASIC's
 * forwarding decisions.  See sim.h. */
#include "sim/sim.h"

#include <arpa/inet.h>
#include <ev.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "sim/arp.h"
#include "sim/frame.h"
#include "sim/underlay.h"

VLOG_DEFINE_THIS_MODULE(sim);

/* Outer UDP source port of BFD frames: one flow per remote VTEP. */
#define SIM_BFD_SPORT 49152

/* Large enough for any UDP payload, hence for any frame we accept. */
#define SIM_BUF_SIZE 65536

/* Frames handled per readiness callback before yielding to the loop, so
 * that one busy port cannot starve the others. */
#define SIM_BATCH 64

/* Distinct drop reasons counted; more would be a bug. */
#define SIM_MAX_DROP_REASONS 32

/* Drop reasons of our own (the asic pipeline has its own strings). */
static const char DROP_MALFORMED[] = "malformed frame";
static const char DROP_OVERSIZE[] = "oversize frame";
static const char DROP_OFFLOAD[] = "GSO frame or 802.1ad tag";
static const char DROP_RX_ERROR[] = "receive error";
static const char DROP_TX_ERROR[] = "send error";
static const char DROP_NOT_ATTACHED[] = "output port not attached";
static const char DROP_NO_UNDERLAY[] = "no underlay";
static const char DROP_VXLAN_SHORT[] = "VXLAN packet too short";
static const char DROP_VXLAN_FLAGS[] = "VXLAN flags";
static const char DROP_INNER_TAG[] = "inner VLAN tag";
static const char DROP_NEIGH_MALFORMED[] = "malformed ARP/ND";
static const char DROP_ACL_EGRESS[] = "ACL deny (egress)";

struct sim_port_slot {
    struct sim *sim;
    struct sim_port io;
    ev_io watcher;
    hal_oid_t oid;
    struct hmap_node node; /* In sim->ports_by_oid. */
    uint64_t rx_packets, rx_bytes;
    uint64_t tx_packets, tx_bytes;
};

struct sim_drop {
    const char *reason; /* Static. */
    uint64_t count;
};

struct sim {
    struct ev_loop *loop;
    struct hal *hal;
    struct hal_asic *asic;

    struct sim_port_slot *ports;
    size_t n_ports;
    struct hmap ports_by_oid;

    bool has_underlay;
    struct sim_underlay underlay;
    ev_io underlay_watcher;

    struct hal_asic_decision decision;
    struct sim_stats stats;
    struct sim_drop drops[SIM_MAX_DROP_REASONS];
    size_t n_drops;
    uint8_t buf[SIM_BUF_SIZE];
};

static void
count_drop(struct sim *sim, const char *reason)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 10);
    size_t i;

    sim->stats.drops++;
    VLOG_DBG_RL(&rl, "drop: %s", reason);
    for (i = 0; i < sim->n_drops; i++) {
        if (sim->drops[i].reason == reason
            || !strcmp(sim->drops[i].reason, reason)) {
            sim->drops[i].count++;
            return;
        }
    }
    if (sim->n_drops < SIM_MAX_DROP_REASONS) {
        sim->drops[sim->n_drops].reason = reason;
        sim->drops[sim->n_drops++].count = 1;
    }
}

static struct sim_port_slot *
port_by_oid(const struct sim *sim, hal_oid_t oid)
{
    struct sim_port_slot *slot;

    HMAP_FOR_EACH_WITH_HASH(slot, node, hash_uint64(oid, 0),
                            &sim->ports_by_oid) {
        if (slot->oid == oid) {
            return slot;
        }
    }
    return NULL;
}

/* ---- Output ------------------------------------------------------------- */

static void
send_local(struct sim *sim, const struct hal_asic_local_out *out,
           const uint8_t *frame, size_t len, const struct sim_eth *eth)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 5);
    struct sim_port_slot *slot = port_by_oid(sim, out->port);
    uint8_t tag[SIM_VLAN_HLEN];
    struct iovec iov[3];
    size_t n, bytes;
    int error;

    if (!slot) {
        count_drop(sim, DROP_NOT_ATTACHED);
        return;
    }
    n = sim_eth_retag(frame, len, eth, out->vlan, tag, iov);
    bytes = sim_iov_length(iov, n);
    error = sim_port_send(&slot->io, iov, n);
    if (error) {
        if (error != -EAGAIN) {
            VLOG_WARN_RL(&rl, "%s: send failed (%s)", slot->io.name,
                         strerror(-error));
        }
        sim->stats.tx_errors++;
        count_drop(sim, DROP_TX_ERROR);
        return;
    }
    slot->tx_packets++;
    slot->tx_bytes += bytes;
    sim->stats.port_tx++;
    sim->stats.port_tx_bytes += bytes;
}

/* Encapsulates the frame (without its 802.1Q tag: bindings map VLANs to
 * VNIs, the tag does not travel) toward 'out'. */
static void
send_remote(struct sim *sim, const struct hal_asic_remote_out *out,
            const uint8_t *frame, size_t len, const struct sim_eth *eth,
            uint16_t sport)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 5);
    uint8_t hdr[SIM_ENCAP_HLEN];
    uint8_t tag[SIM_VLAN_HLEN];
    struct iovec iov[4];
    size_t n, inner_len;
    int error;

    if (!sim->has_underlay) {
        count_drop(sim, DROP_NO_UNDERLAY);
        return;
    }
    n = 1 + sim_eth_retag(frame, len, eth, 0, tag, iov + 1);
    inner_len = sim_iov_length(iov + 1, n - 1);
    if (sim_vxlan_encap(hdr, sport, sim->underlay.port, out->vni, inner_len)) {
        count_drop(sim, DROP_OVERSIZE);
        return;
    }
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof hdr;
    error = sim_underlay_send(&sim->underlay, out->ip, iov, n);
    if (error) {
        char ip[INET_ADDRSTRLEN];

        if (error != -EAGAIN) {
            VLOG_WARN_RL(&rl, "VXLAN to %s failed (%s)",
                         inet_ntop(AF_INET, &out->ip, ip, sizeof ip),
                         strerror(-error));
        }
        sim->stats.tx_errors++;
        count_drop(sim, DROP_TX_ERROR);
        return;
    }
    sim->stats.vxlan_tx++;
    sim->stats.vxlan_tx_bytes += SIM_ENCAP_HLEN + inner_len;
}

/* Sends a BFD frame of the model (hal_asic_bfd_tx_fn) in VXLAN. */
static void
bfd_tx(void *sim_, struct in_addr remote, uint32_t vni, const uint8_t *frame,
       size_t len)
{
    struct sim *sim = sim_;
    uint8_t hdr[SIM_ENCAP_HLEN];
    struct iovec iov[2];

    if (!sim->has_underlay
        || sim_vxlan_encap(hdr, SIM_BFD_SPORT, sim->underlay.port, vni, len)) {
        count_drop(sim, DROP_NO_UNDERLAY);
        return;
    }
    iov[0].iov_base = hdr;
    iov[0].iov_len = sizeof hdr;
    iov[1].iov_base = (void *) frame;
    iov[1].iov_len = len;
    if (sim_underlay_send(&sim->underlay, remote, iov, 2)) {
        sim->stats.tx_errors++;
        count_drop(sim, DROP_TX_ERROR);
        return;
    }
    sim->stats.vxlan_tx++;
    sim->stats.vxlan_tx_bytes += SIM_ENCAP_HLEN + len;
}

/* Carries out the decision in sim->decision for 'frame'. */
static void
execute(struct sim *sim, const uint8_t *frame, size_t len,
        const struct sim_eth *eth)
{
    const struct hal_asic_decision *d = &sim->decision;
    size_t i;

    if (d->action == HAL_ASIC_DROP) {
        count_drop(sim, d->drop_reason ? d->drop_reason : "dropped");
        return;
    }
    for (i = 0; i < d->n_acl_denied; i++) {
        count_drop(sim, DROP_ACL_EGRESS);
    }
    for (i = 0; i < d->n_locals; i++) {
        send_local(sim, &d->locals[i], frame, len, eth);
    }
    if (d->n_remotes) {
        uint16_t sport = sim_vxlan_sport(frame, len, eth);

        for (i = 0; i < d->n_remotes; i++) {
            send_remote(sim, &d->remotes[i], frame, len, eth, sport);
        }
    }
}

/* Answers a neighbour request from 'slot' on its VLAN 'vlan' with the MAC
 * the pipeline found (sim->decision.reply_mac). */
static void
send_neigh_reply(struct sim *sim, struct sim_port_slot *slot, uint16_t vlan,
                 const struct sim_neigh_request *req)
{
    struct hal_asic_local_out out = { .port = slot->oid, .vlan = vlan };
    uint8_t reply[SIM_NEIGH_REPLY_MAX];
    struct sim_eth eth;
    size_t len;

    len = sim_neigh_reply(req, &sim->decision.reply_mac, reply);
    if (!sim_eth_parse(reply, len, &eth)) {
        sim->stats.neigh_replies++;
        send_local(sim, &out, reply, len, &eth);
    }
}

/* ---- Input -------------------------------------------------------------- */

/* A frame from front-panel port 'slot'; 'tag' is the TCI the kernel
 * stripped, or SIM_PORT_NO_TAG. */
static void
port_input(struct sim *sim, struct sim_port_slot *slot, const uint8_t *frame,
           size_t len, int tag, int64_t now_ms)
{
    struct sim_neigh_request req;
    struct hal_acl_packet acl;
    enum sim_neigh_kind kind;
    struct hal_asic_frame f;
    struct sim_eth eth;

    if (sim_eth_parse(frame, len, &eth)) {
        count_drop(sim, DROP_MALFORMED);
        return;
    }
    if (tag != SIM_PORT_NO_TAG) {
        /* The kernel took the (outer) tag out of the bytes; whatever tag
         * follows the addresses now is part of the payload. */
        eth.tagged = false;
        eth.vlan = (uint16_t) tag & SIM_VLAN_VID_MASK;
        eth.ethertype = (uint16_t) (frame[12] << 8 | frame[13]);
        eth.payload = SIM_ETH_HLEN;
    }
    slot->rx_packets++;
    slot->rx_bytes += len;
    sim->stats.port_rx++;
    sim->stats.port_rx_bytes += len;

    memset(&f, 0, sizeof f);
    f.port = slot->oid;
    f.vlan = eth.vlan;
    f.src = eth.src;
    f.dst = eth.dst;
    f.bytes = (uint32_t) len + (tag != SIM_PORT_NO_TAG ? SIM_VLAN_HLEN : 0);
    kind = sim_neigh_classify(eth.ethertype, frame + eth.payload,
                              len - eth.payload, &eth.src, &req);
    if (kind == SIM_NEIGH_MALFORMED) {
        count_drop(sim, DROP_NEIGH_MALFORMED);
        hal_asic_neigh_count_malformed(sim->asic, slot->oid, eth.vlan);
        return;
    }
    f.neigh_target = kind == SIM_NEIGH_REQUEST ? &req.target : NULL;
    if (hal_asic_acl_active(sim->asic)) {
        hal_acl_packet_parse(frame, len, eth.ethertype, eth.payload, &acl);
        f.acl = &acl;
    }
    hal_asic_forward(sim->asic, &f, true, now_ms, &sim->decision);
    if (req.has_sender && sim->decision.bridge) {
        hal_asic_neigh_snoop(sim->asic, slot->oid, eth.vlan, &req.sender,
                             &req.sha, now_ms);
    }
    if (sim->decision.action == HAL_ASIC_REPLY) {
        send_neigh_reply(sim, slot, eth.vlan, &req);
        return;
    }
    execute(sim, frame, len, &eth);
}

static void
vxlan_input(struct sim *sim, struct in_addr src, const uint8_t *pkt,
            size_t len)
{
    struct hal_asic_vxlan_frame f;
    struct hal_acl_packet acl;
    const uint8_t *inner;
    struct sim_eth eth;
    size_t inner_len;
    uint32_t vni;
    int error;

    sim->stats.vxlan_rx++;
    sim->stats.vxlan_rx_bytes += len;
    error = sim_vxlan_decap(pkt, len, &vni);
    if (error) {
        count_drop(sim,
                   error == -EBADMSG ? DROP_VXLAN_FLAGS : DROP_VXLAN_SHORT);
        return;
    }
    inner = pkt + SIM_VXLAN_HLEN;
    inner_len = len - SIM_VXLAN_HLEN;
    if (sim_eth_parse(inner, inner_len, &eth)) {
        count_drop(sim, DROP_VXLAN_SHORT);
        return;
    } else if (eth.tagged) {
        /* RFC 7348, 6.1: decapsulated frames with an inner VLAN tag
         * SHOULD be discarded. */
        count_drop(sim, DROP_INNER_TAG);
        return;
    }

    if (hal_asic_bfd_input(sim->asic, src, vni, inner, inner_len,
                           time_msec())) {
        return;
    }
    memset(&f, 0, sizeof f);
    f.vni = vni;
    f.outer_src = src;
    f.src = eth.src;
    f.dst = eth.dst;
    f.bytes = (uint32_t) inner_len;
    if (hal_asic_acl_active(sim->asic)) {
        hal_acl_packet_parse(inner, inner_len, eth.ethertype, eth.payload,
                             &acl);
        f.acl = &acl;
    }
    hal_asic_decap(sim->asic, &f, &sim->decision);
    execute(sim, inner, inner_len, &eth);
}

/* Counts a failed receive; returns true if the socket has more to read. */
static bool
rx_error(struct sim *sim, const char *where, ssize_t error)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(60, 5);

    switch (error) {
    case -EAGAIN:
    case -EINTR:
        return false;
    case -EMSGSIZE:
        count_drop(sim, DROP_OVERSIZE);
        return true;
    case -EOPNOTSUPP:
        count_drop(sim, DROP_OFFLOAD);
        return true;
    case -EINVAL:
        count_drop(sim, DROP_MALFORMED);
        return true;
    default:
        VLOG_WARN_RL(&rl, "%s: receive failed (%s)", where,
                     strerror((int) -error));
        count_drop(sim, DROP_RX_ERROR);
        return false;
    }
}

static void
port_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct sim_port_slot *slot =
        container_of(w, struct sim_port_slot, watcher);
    struct sim *sim = slot->sim;
    int64_t now_ms = time_msec();
    int i;

    for (i = 0; i < SIM_BATCH; i++) {
        int tag;
        ssize_t n = sim_port_recv(&slot->io, sim->buf, sizeof sim->buf, &tag);

        if (n >= 0) {
            port_input(sim, slot, sim->buf, (size_t) n, tag, now_ms);
        } else if (!rx_error(sim, slot->io.name, n)) {
            break;
        }
    }
}

static void
underlay_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct sim *sim = container_of(w, struct sim, underlay_watcher);
    int i;

    for (i = 0; i < SIM_BATCH; i++) {
        struct in_addr src;
        ssize_t n =
            sim_underlay_recv(&sim->underlay, sim->buf, sizeof sim->buf, &src);

        if (n >= 0) {
            vxlan_input(sim, src, sim->buf, (size_t) n);
        } else if (!rx_error(sim, "underlay", n)) {
            break;
        }
    }
}

/* ---- Lifecycle ---------------------------------------------------------- */

static int
open_ports(struct sim *sim, const struct sim_config *config)
{
    size_t i;

    sim->ports =
        xcalloc(config->n_ports ? config->n_ports : 1, sizeof *sim->ports);
    for (i = 0; i < config->n_ports; i++) {
        const struct sim_port_spec *spec = &config->ports[i];
        struct sim_port_slot *slot = &sim->ports[i];
        hal_oid_t oid;
        int error;

        if (hal_port_by_name(sim->hal, spec->name, &oid)) {
            VLOG_ERR("%s: the HAL has no port of that name", spec->name);
            error = -ENOENT;
        } else if (port_by_oid(sim, oid)) {
            VLOG_ERR("%s: port given twice", spec->name);
            error = -EEXIST;
        } else {
            error = 0;
        }
        if (error) {
            if (spec->kind == SIM_PORT_FD) {
                close(spec->fd);
            }
            return error;
        }
        error = sim_port_open(&slot->io, spec->name, spec->kind, spec->fd);
        if (error) {
            VLOG_ERR("%s: cannot open %s port (%s)", spec->name,
                     sim_port_kind_name(spec->kind), strerror(-error));
            return error;
        }
        slot->sim = sim;
        slot->oid = oid;
        hmap_insert(&sim->ports_by_oid, &slot->node, hash_uint64(oid, 0));
        sim->n_ports++;
        ev_io_init(&slot->watcher, port_cb, slot->io.fd, EV_READ);
        ev_io_start(sim->loop, &slot->watcher);
        if (spec->kind == SIM_PORT_AUTO && slot->io.kind == SIM_PORT_TAP) {
            VLOG_INFO("port %s: no such interface, created a TAP device",
                      spec->name);
        } else {
            VLOG_INFO("port %s: %s", spec->name,
                      sim_port_kind_name(slot->io.kind));
        }
    }
    return 0;
}

static int
open_underlay(struct sim *sim, const struct sim_config *config)
{
    struct hal_switch_config sw;
    struct in_addr ip = config->tunnel_ip;
    char s[INET_ADDRSTRLEN];
    uint16_t port;
    int error;

    hal_switch_get(sim->hal, &sw);
    if (ip.s_addr == htonl(INADDR_ANY)) {
        ip = sw.tunnel_src;
    }
    port = sw.vxlan_port ? sw.vxlan_port : SIM_VXLAN_PORT;
    inet_ntop(AF_INET, &ip, s, sizeof s);
    if (ip.s_addr == htonl(INADDR_ANY)) {
        VLOG_WARN("no tunnel IP: forwarding between local ports only");
        return 0;
    }
    error = sim_underlay_open(&sim->underlay, ip, port);
    if (error) {
        VLOG_ERR("VXLAN at %s:%u: cannot open sockets (%s)", s, port,
                 strerror(-error));
        return error;
    }
    sim->has_underlay = true;
    ev_io_init(&sim->underlay_watcher, underlay_cb, sim->underlay.rx_fd,
               EV_READ);
    ev_io_start(sim->loop, &sim->underlay_watcher);
    VLOG_INFO("VXLAN at %s:%u", s, port);
    return 0;
}

int
sim_create(struct ev_loop *loop, struct hal *hal,
           const struct sim_config *config, struct sim **simp)
{
    struct hal_asic *asic = hal_asic_cast(hal);
    struct sim *sim;
    int error;

    *simp = NULL;
    if (!asic) {
        return -EINVAL;
    }
    sim = xzalloc(sizeof *sim);
    sim->loop = loop;
    sim->hal = hal;
    sim->asic = asic;
    hmap_init(&sim->ports_by_oid);
    hal_asic_decision_init(&sim->decision);

    error = open_ports(sim, config);
    if (!error) {
        error = open_underlay(sim, config);
    }
    if (error) {
        /* Descriptors of SIM_PORT_FD ports not reached are still ours. */
        size_t i;

        for (i = sim->n_ports + 1; i < config->n_ports; i++) {
            if (config->ports[i].kind == SIM_PORT_FD) {
                close(config->ports[i].fd);
            }
        }
        sim_destroy(sim);
        return error;
    }
    hal_asic_set_bfd_tx(asic, bfd_tx, sim);
    *simp = sim;
    return 0;
}

void
sim_destroy(struct sim *sim)
{
    size_t i;

    if (!sim) {
        return;
    }
    for (i = 0; i < sim->n_ports; i++) {
        ev_io_stop(sim->loop, &sim->ports[i].watcher);
        sim_port_close(&sim->ports[i].io);
    }
    if (sim->has_underlay) {
        ev_io_stop(sim->loop, &sim->underlay_watcher);
        sim_underlay_close(&sim->underlay);
    }
    hal_asic_set_bfd_tx(sim->asic, NULL, NULL);
    hmap_destroy(&sim->ports_by_oid);
    hal_asic_decision_uninit(&sim->decision);
    free(sim->ports);
    free(sim);
}

/* ---- Counters and injection --------------------------------------------- */

void
sim_get_stats(const struct sim *sim, struct sim_stats *stats)
{
    *stats = sim->stats;
}

uint64_t
sim_drop_count(const struct sim *sim, const char *reason)
{
    size_t i;

    for (i = 0; i < sim->n_drops; i++) {
        if (!strcmp(sim->drops[i].reason, reason)) {
            return sim->drops[i].count;
        }
    }
    return 0;
}

void
sim_format_stats(const struct sim *sim, struct ds *out)
{
    const struct sim_stats *s = &sim->stats;
    size_t i;

    ds_put_format(out,
                  "ports: rx %" PRIu64 " (%" PRIu64 " bytes), tx %" PRIu64
                  " (%" PRIu64 " bytes)\n",
                  s->port_rx, s->port_rx_bytes, s->port_tx, s->port_tx_bytes);
    ds_put_format(out,
                  "vxlan: rx %" PRIu64 " (%" PRIu64 " bytes), tx %" PRIu64
                  " (%" PRIu64 " bytes)\n",
                  s->vxlan_rx, s->vxlan_rx_bytes, s->vxlan_tx,
                  s->vxlan_tx_bytes);
    ds_put_format(out, "neighbour replies: %" PRIu64 "\n", s->neigh_replies);
    ds_put_format(out, "drops: %" PRIu64 " (tx errors %" PRIu64 ")\n",
                  s->drops, s->tx_errors);
    for (i = 0; i < sim->n_drops; i++) {
        ds_put_format(out, "  drop %s: %" PRIu64 "\n", sim->drops[i].reason,
                      sim->drops[i].count);
    }
    for (i = 0; i < sim->n_ports; i++) {
        const struct sim_port_slot *p = &sim->ports[i];

        ds_put_format(out,
                      "port %s (%s): rx %" PRIu64 " (%" PRIu64
                      " bytes), tx %" PRIu64 " (%" PRIu64 " bytes)\n",
                      p->io.name, sim_port_kind_name(p->io.kind),
                      p->rx_packets, p->rx_bytes, p->tx_packets, p->tx_bytes);
    }
}

void
sim_inject_frame(struct sim *sim, size_t port_index, const uint8_t *frame,
                 size_t len, int tag)
{
    if (port_index < sim->n_ports) {
        port_input(sim, &sim->ports[port_index], frame, len, tag, time_msec());
    }
}

void
sim_inject_vxlan(struct sim *sim, struct in_addr src, const uint8_t *pkt,
                 size_t len)
{
    vxlan_input(sim, src, pkt, len);
}
