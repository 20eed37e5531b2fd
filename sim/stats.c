/* SPDX-License-Identifier: Apache-2.0 */
/* The software dataplane's counters: its own, per drop reason and per
 * port, with what the kernel dropped before the dataplane saw it.  See
 * sim.h. */
#include "sim/sim.h"

#include <inttypes.h>
#include <string.h>

#include "lib/ds.h"
#include "sim/port.h"
#include "sim/sim-private.h"
#include "sim/underlay.h"

const char *
sim_port_ring_name(const struct sim_port *port)
{
    return port->ring_blocks ? ", block ring"
           : port->burst     ? ", adaptive rings"
                             : "";
}

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
sim_format_stats(struct sim *sim, struct ds *out)
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
    if (sim->has_underlay && sim->underlay.tap.fd >= 0) {
        ds_put_format(out,
                      "vxlan super-frames whole: %" PRIu64
                      " through %s (%" PRIu64 " refused)\n",
                      sim->underlay.tap.sent, sim->underlay.tap.name,
                      sim->underlay.tap.failed);
    } else if (sim->has_underlay) {
        ds_put_format(out, "vxlan super-frames whole: off (%s)\n",
                      sim->underlay.tap_why);
    }
    if (sim->has_underlay) {
        ds_put_format(out, "vxlan reads: %" PRIu64 ", receive moderation: ",
                      s->vxlan_reads);
        if (sim->rx_usecs) {
            ds_put_format(out, "%d us, %" PRIu64 " waits", sim->rx_usecs,
                          s->rx_waits);
        } else {
            ds_put_cstr(out, "off");
        }
        ds_put_format(
            out,
            ", %" PRIu64
            " dropped by the kernel (buffer full, bad UDP checksum)\n",
            sim_underlay_rx_drops(&sim->underlay));
    }
    ds_put_format(out, "neighbour replies: %" PRIu64 "\n", s->neigh_replies);
    ds_put_format(out,
                  "fragmented: %" PRIu64 " IPv4 packets into %" PRIu64
                  " fragments\n",
                  s->fragmented, s->fragments);
    ds_put_format(out,
                  "router advertisements: %" PRIu64 " sent, %" PRIu64
                  " solicitations heard\n",
                  s->ra_sent, s->rs_received);
    ds_put_format(out, "drops: %" PRIu64 " (tx errors %" PRIu64 ")\n",
                  s->drops, s->tx_errors);
    for (i = 0; i < sim->n_drops; i++) {
        ds_put_format(out, "  drop %s: %" PRIu64 "\n", sim->drops[i].reason,
                      sim->drops[i].count);
    }
    for (i = 0; i < sim->n_ports; i++) {
        struct sim_port_slot *p = &sim->ports[i];

        ds_put_format(out,
                      "port %s (%s%s): rx %" PRIu64 " (%" PRIu64
                      " bytes), tx %" PRIu64 " (%" PRIu64 " bytes)",
                      p->io.name, sim_port_kind_name(p->io.kind),
                      sim_port_ring_name(&p->io), p->rx_packets, p->rx_bytes,
                      p->tx_packets, p->tx_bytes);
        if (p->io.kind == SIM_PORT_PACKET) {
            ds_put_format(out, ", %" PRIu64 " missed (receive queue full)",
                          sim_port_rx_missed(&p->io));
        }
        if (p->io.burst) {
            ds_put_format(out, ", %" PRIu64 " switches to the block ring",
                          p->io.to_blocks);
        }
        ds_put_char(out, '\n');
    }
}
