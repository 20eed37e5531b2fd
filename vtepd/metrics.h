/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus metrics over HTTP (--metrics=ptcp:PORT[:IP]), served by
 * libmicrohttpd on vtepd's libev loop. */
#ifndef VTEPD_METRICS_H
#define VTEPD_METRICS_H 1

#include <ev.h>
#include <stdbool.h>
#include <stdint.h>

struct hal;
struct ovsdb_db;
struct ovsdb_server;
struct vtep;
struct vtepd_metrics;

/* What the metrics are read from, all borrowed and required to outlive the
 * metrics server.  'hal' and 'vtep' are NULL with --hal=none. */
struct vtepd_metrics_sources {
    struct ovsdb_db *db;
    const struct ovsdb_server *server;
    const struct hal *hal;
    const struct vtep *vtep;
};

/* Listens on 'target' ("ptcp:PORT[:IP]") and serves GET /metrics from
 * 'sources' (copied; the pointers in it are borrowed).  Returns 0 and a new
 * server in '*metricsp', or a negative errno. */
int vtepd_metrics_start(struct ev_loop *, const char *target,
                        const struct vtepd_metrics_sources *sources,
                        struct vtepd_metrics **metricsp);
/* Stops serving and frees 'metrics'; NULL is a no-op. */
void vtepd_metrics_stop(struct vtepd_metrics *metrics);
/* The TCP port the server listens on (useful with port 0). */
uint16_t vtepd_metrics_port(const struct vtepd_metrics *metrics);

#endif /* vtepd/metrics.h */
