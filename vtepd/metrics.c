/* SPDX-License-Identifier: Apache-2.0 */
/* Prometheus text format over HTTP, with libmicrohttpd.
 *
 * MHD runs in its external mode, on vtepd's own libev loop, not in a
 * thread of its own: the numbers come from the database, the HAL and the
 * reconciler, which belong to the loop and have no locks.  With
 * MHD_USE_EPOLL the daemon has one epoll descriptor to watch (an ev_io)
 * plus MHD_get_timeout() for its connection timeouts (an ev_timer); both
 * call MHD_run(), which never blocks.
 *
 * Counters only grow (Prometheus computes rates); gauges are read at
 * scrape time. */
#include "vtepd/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/jsonrpc/stream.h"
#include "vtepd/options.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/server.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep.h"

VLOG_DEFINE_THIS_MODULE(metrics);

struct vtepd_metrics {
    struct ev_loop *loop;
    struct MHD_Daemon *mhd;
    struct vtepd_metrics_sources src;
    ev_io io_w;       /* MHD's epoll descriptor. */
    ev_timer timer_w; /* MHD's next timeout. */
    ev_prepare prepare_w;
    uint64_t commits;        /* Transactions committed to the database. */
    uint64_t scrapes;        /* GET /metrics served. */
    uint64_t local_inserted; /* Ucast_Macs_Local rows added (learned). */
    uint64_t local_deleted;  /* ...and removed (aged, moved, flushed). */
    struct ovsdb_commit_hook *hook;
    uint16_t port;
};

/* ---- Collection --------------------------------------------------------- */

static void
put_family(struct ds *out, const char *name, const char *type,
           const char *help)
{
    ds_put_format(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void
put_value(struct ds *out, const char *name, uint64_t value)
{
    ds_put_format(out, "%s %llu\n", name, (unsigned long long) value);
}

static void
collect_ovsdb(const struct vtepd_metrics *m, struct ds *out)
{
    struct ovsdb_server_stats st;
    const struct ovsdb_schema *schema = m->src.db->schema;

    ovsdb_server_get_stats(m->src.server, &st);
    put_family(out, "vtepd_ovsdb_sessions", "gauge",
               "OVSDB client sessions connected now.");
    put_value(out, "vtepd_ovsdb_sessions", st.sessions);
    put_family(out, "vtepd_ovsdb_monitors", "gauge",
               "OVSDB monitors over all sessions.");
    put_value(out, "vtepd_ovsdb_monitors", st.monitors);
    put_family(out, "vtepd_ovsdb_transactions_total", "counter",
               "Transactions committed to the database (clients and vtepd).");
    put_value(out, "vtepd_ovsdb_transactions_total", m->commits);
    put_family(out, "vtepd_ovsdb_rows", "gauge", "Rows per table.");
    for (unsigned int i = 0; i < schema->n_tables; i++) {
        ds_put_format(out, "vtepd_ovsdb_rows{table=\"%s\"} %zu\n",
                      schema->tables[i]->name,
                      ovsdb_table_count(m->src.db->tables[i]));
    }
}

static void
collect_resources(const struct vtepd_metrics *m, struct ds *out)
{
    struct hal_resource res[HAL_TABLE_N];

    hal_resources_get(m->src.hal, res);
    put_family(out, "vtepd_hal_table_used", "gauge",
               "Entries in use per hardware table.");
    for (int t = 0; t < HAL_TABLE_N; t++) {
        ds_put_format(out, "vtepd_hal_table_used{table=\"%s\"} %u\n",
                      hal_table_name(t), res[t].used);
    }
    put_family(out, "vtepd_hal_table_capacity", "gauge",
               "Capacity per hardware table.");
    for (int t = 0; t < HAL_TABLE_N; t++) {
        ds_put_format(out, "vtepd_hal_table_capacity{table=\"%s\"} %u\n",
                      hal_table_name(t), res[t].capacity);
    }
}

/* FDB entries by type, and the remote VTEPs they point to. */
struct fdb_census {
    uint64_t n[2][2]; /* [learned][remote]. */
    struct in_addr *remotes;
    size_t n_remotes, allocated;
};

/* Notes remote VTEP 'ip'; remotes_unique() removes the repeats later, so
 * that a walk of many MACs behind few VTEPs stays linear. */
static void
add_remote(struct fdb_census *c, struct in_addr ip)
{
    if (c->n_remotes >= c->allocated) {
        c->remotes = x2nrealloc(c->remotes, &c->allocated, c->n_remotes + 1,
                                sizeof *c->remotes);
    }
    c->remotes[c->n_remotes++] = ip;
}

static int
compare_addrs(const void *a_, const void *b_)
{
    uint32_t a = ntohl(((const struct in_addr *) a_)->s_addr);
    uint32_t b = ntohl(((const struct in_addr *) b_)->s_addr);

    return a < b ? -1 : a > b;
}

/* Sorts the remotes and drops repeats. */
static void
remotes_unique(struct fdb_census *c)
{
    size_t n = 0;

    if (!c->n_remotes) {
        return;
    }
    qsort(c->remotes, c->n_remotes, sizeof *c->remotes, compare_addrs);
    for (size_t i = 1; i < c->n_remotes; i++) {
        if (c->remotes[i].s_addr != c->remotes[n].s_addr) {
            c->remotes[++n] = c->remotes[i];
        }
    }
    c->n_remotes = n + 1;
}

static void
fdb_cb(const struct hal_fdb_entry *e, void *c_)
{
    struct fdb_census *c = c_;

    c->n[e->type == HAL_FDB_LEARNED][e->remote]++;
    if (e->remote) {
        add_remote(c, e->remote_ip);
    }
}

static void
flood_cb(const struct hal_flood_group *g, bool is_mcast, void *c_)
{
    for (size_t i = 0; i < g->n_remotes; i++) {
        add_remote(c_, g->remotes[i]);
    }
}

static void
collect_fdb(const struct vtepd_metrics *m, struct ds *out,
            struct fdb_census *c)
{
    static const char *const types[2] = { "static", "learned" };
    static const char *const dests[2] = { "local", "remote" };

    hal_fdb_walk(m->src.hal, HAL_OID_NULL, fdb_cb, c);
    hal_flood_walk(m->src.hal, flood_cb, c);
    remotes_unique(c);
    put_family(out, "vtepd_fdb_entries", "gauge",
               "FDB entries in the hardware by type and destination.");
    for (int t = 0; t < 2; t++) {
        for (int d = 0; d < 2; d++) {
            ds_put_format(out,
                          "vtepd_fdb_entries{type=\"%s\",dest=\"%s\"} %llu\n",
                          types[t], dests[d], (unsigned long long) c->n[t][d]);
        }
    }
    put_family(out, "vtepd_fdb_learned_total", "counter",
               "Local MACs the switch learned (Ucast_Macs_Local rows added).");
    put_value(out, "vtepd_fdb_learned_total", m->local_inserted);
    put_family(out, "vtepd_fdb_aged_total", "counter",
               "Local MACs that went away: aged, moved or flushed "
               "(Ucast_Macs_Local rows removed).");
    put_value(out, "vtepd_fdb_aged_total", m->local_deleted);
}

static const char *const dir_names[4] = { "rx_packets", "rx_bytes",
                                          "tx_packets", "tx_bytes" };

/* Four counter families (rx/tx packets/bytes) of 'prefix', one sample per
 * labelled object, gathered in 'lines' and emitted family by family. */
struct counter4 {
    struct ds lines[4];
};

static void
counter4_add(struct counter4 *c, const char *prefix, const char *labels,
             const uint64_t v[4])
{
    for (int i = 0; i < 4; i++) {
        ds_put_format(&c->lines[i], "%s_%s_total{%s} %llu\n", prefix,
                      dir_names[i], labels, (unsigned long long) v[i]);
    }
}

static void
counter4_flush(struct counter4 *c, struct ds *out, const char *prefix,
               const char *help)
{
    for (int i = 0; i < 4; i++) {
        char *name = xasprintf("%s_%s_total", prefix, dir_names[i]);

        put_family(out, name, "counter", help);
        ds_put_buffer(out, c->lines[i].string ? c->lines[i].string : "",
                      c->lines[i].length);
        ds_destroy(&c->lines[i]);
        free(name);
    }
}

static void
collect_tunnels(const struct vtepd_metrics *m, struct ds *out,
                const struct fdb_census *c)
{
    struct counter4 lines = { 0 };

    for (size_t i = 0; i < c->n_remotes; i++) {
        struct hal_tunnel_stats st;
        char ip[INET_ADDRSTRLEN], *labels;

        if (hal_tunnel_stats_get(m->src.hal, c->remotes[i], &st)) {
            continue;
        }
        inet_ntop(AF_INET, &c->remotes[i], ip, sizeof ip);
        labels = xasprintf("remote=\"%s\"", ip);
        counter4_add(&lines, "vtepd_tunnel", labels,
                     (const uint64_t[4]){ st.rx_packets, st.rx_bytes,
                                          st.tx_packets, st.tx_bytes });
        free(labels);
    }
    counter4_flush(&lines, out, "vtepd_tunnel",
                   "Per remote VTEP (rx decapsulated, tx encapsulated).");
}

static void
collect_ports(const struct vtepd_metrics *m, struct ds *out)
{
    size_t n = hal_port_count(m->src.hal);
    struct hal_port_info info;

    put_family(out, "vtepd_port_oper_up", "gauge",
               "1 if the front-panel port's link is up.");
    for (size_t i = 0; i < n; i++) {
        if (!hal_port_get(m->src.hal, i, &info)) {
            ds_put_format(out, "vtepd_port_oper_up{port=\"%s\"} %d\n",
                          info.name, info.oper_up ? 1 : 0);
        }
    }
    put_family(out, "vtepd_port_speed_mbps", "gauge",
               "The front-panel port's speed (0 if unknown).");
    for (size_t i = 0; i < n; i++) {
        if (!hal_port_get(m->src.hal, i, &info)) {
            ds_put_format(out, "vtepd_port_speed_mbps{port=\"%s\"} %u\n",
                          info.name, (unsigned) info.speed_mbps);
        }
    }
}

static const char *
port_name(const struct hal *hal, hal_oid_t oid, struct hal_port_info *info)
{
    for (size_t i = 0; i < hal_port_count(hal); i++) {
        if (!hal_port_get(hal, i, info) && info->oid == oid) {
            return info->name;
        }
    }
    return "?";
}

struct binding_ctx {
    const struct hal *hal;
    struct counter4 lines;
};

static void
binding_cb(const struct hal_binding *b, void *ctx_)
{
    struct binding_ctx *ctx = ctx_;
    struct hal_binding_stats st;
    struct hal_port_info info;
    char *labels;

    if (hal_binding_stats_get(ctx->hal, b->port, b->vlan, &st)) {
        return;
    }
    labels =
        xasprintf("port=\"%s\",vlan=\"%u\"",
                  port_name(ctx->hal, b->port, &info), (unsigned) b->vlan);
    /* rx: from the port into the switch; tx: out of the port. */
    counter4_add(&ctx->lines, "vtepd_binding", labels,
                 (const uint64_t[4]){ st.packets_from_local,
                                      st.bytes_from_local, st.packets_to_local,
                                      st.bytes_to_local });
    free(labels);
}

static void
collect_bindings(const struct vtepd_metrics *m, struct ds *out)
{
    struct binding_ctx ctx = { .hal = m->src.hal };

    hal_binding_walk(m->src.hal, binding_cb, &ctx);
    counter4_flush(&ctx.lines, out, "vtepd_binding",
                   "Per (port, VLAN) binding (rx from the port, tx to it).");
}

static void
collect_faults(const struct vtepd_metrics *m, struct ds *out)
{
    struct vtep_stats st;

    vtep_get_stats(m->src.vtep, &st);
    put_family(out, "vtepd_hal_failures_total", "counter",
               "Entries the hardware refused (table full, bad input).");
    put_value(out, "vtepd_hal_failures_total", st.hal_failures);
    put_family(out, "vtepd_reconciler_db_txn_errors_total", "counter",
               "Status transactions of the reconciler that the database "
               "rejected.");
    put_value(out, "vtepd_reconciler_db_txn_errors_total", st.db_txn_errors);
    put_family(out, "vtepd_reconciler_blocked", "gauge",
               "Entries waiting for room in a hardware table.");
    put_value(out, "vtepd_reconciler_blocked", st.blocked);
    put_family(out, "vtepd_reconciler_pending", "gauge",
               "Entries waiting for the hardware.");
    put_value(out, "vtepd_reconciler_pending", st.pending);
}

/* Appends 's' to 'out' as a label value: backslash, double quote and
 * newline escaped, as the text format requires. */
static void
put_label_value(struct ds *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == '"') {
            ds_put_char(out, '\\');
            ds_put_char(out, *s);
        } else if (*s == '\n') {
            ds_put_cstr(out, "\\n");
        } else {
            ds_put_char(out, *s);
        }
    }
}

/* True if 'column' holds a set of fault strings ("*fault_status"). */
static bool
is_fault_column(const struct ovsdb_column *column)
{
    static const char suffix[] = "fault_status";
    size_t len = strlen(column->name);

    return len >= sizeof suffix - 1
           && !strcmp(column->name + len - (sizeof suffix - 1), suffix)
           && column->type.key.type == OVSDB_TYPE_STRING;
}

/* How many rows of one table report each fault string. */
struct fault_tally {
    const char **faults; /* Borrowed from the rows. */
    size_t *counts;
    size_t n, allocated;
};

static void
tally_fault(struct fault_tally *tally, const char *fault)
{
    for (size_t i = 0; i < tally->n; i++) {
        if (!strcmp(tally->faults[i], fault)) {
            tally->counts[i]++;
            return;
        }
    }
    if (tally->n >= tally->allocated) {
        size_t allocated = tally->allocated;

        tally->faults = x2nrealloc(tally->faults, &allocated, tally->n + 1,
                                   sizeof *tally->faults);
        tally->counts = x2nrealloc(tally->counts, &tally->allocated,
                                   tally->n + 1, sizeof *tally->counts);
    }
    tally->faults[tally->n] = fault;
    tally->counts[tally->n++] = 1;
}

/* Counts the rows of 'table' whose 'column' holds any fault, and appends
 * a "vtepd_faults" sample per distinct fault string to 'faults'. */
static size_t
count_faults(const struct ovsdb_table *table,
             const struct ovsdb_column *column, struct ds *faults)
{
    struct fault_tally tally = { .faults = NULL };
    const struct ovsdb_row *row;
    size_t n_rows = 0;

    HMAP_FOR_EACH(row, node, &table->rows) {
        struct ovsdb_datum d;

        ovsdb_row_get(row, column, &d);
        n_rows += d.n > 0;
        for (unsigned int i = 0; i < d.n; i++) {
            tally_fault(&tally, d.keys[i].string->s);
        }
    }
    for (size_t i = 0; i < tally.n; i++) {
        ds_put_format(faults, "vtepd_faults{table=\"%s\",fault=\"",
                      table->schema->name);
        put_label_value(faults, tally.faults[i]);
        ds_put_format(faults, "\"} %zu\n", tally.counts[i]);
    }
    free(tally.faults);
    free(tally.counts);
    return n_rows;
}

/* Faults the database reports (the *_fault_status columns vtepd writes):
 * rows at fault per table, and how many rows report each fault. */
static void
collect_db_faults(const struct vtepd_metrics *m, struct ds *out)
{
    const struct ovsdb_schema *schema = m->src.db->schema;
    struct ds faults = DS_EMPTY_INITIALIZER;

    put_family(out, "vtepd_fault_rows", "gauge",
               "Rows whose *_fault_status column reports a fault.");
    for (unsigned int t = 0; t < schema->n_tables; t++) {
        const struct ovsdb_table_schema *ts = schema->tables[t];

        for (unsigned int c = 0; c < ts->n_columns; c++) {
            if (is_fault_column(ts->columns[c])) {
                ds_put_format(out, "vtepd_fault_rows{table=\"%s\"} %zu\n",
                              ts->name,
                              count_faults(m->src.db->tables[t],
                                           ts->columns[c], &faults));
            }
        }
    }
    put_family(out, "vtepd_faults", "gauge",
               "Rows reporting each fault, by table and fault.");
    ds_put_buffer(out, faults.string ? faults.string : "", faults.length);
    ds_destroy(&faults);
}

/* Appends the whole scrape to 'out'. */
static void
collect(struct vtepd_metrics *m, struct ds *out)
{
    put_family(out, "vtepd_info", "gauge", "vtepd's version.");
    ds_put_format(out, "vtepd_info{version=\"%s\"} 1\n", VTEPD_VERSION);
    put_family(out, "vtepd_metrics_scrapes_total", "counter",
               "Scrapes of this endpoint, this one included.");
    put_value(out, "vtepd_metrics_scrapes_total", ++m->scrapes);
    collect_ovsdb(m, out);
    if (m->src.hal) {
        struct fdb_census census = { .remotes = NULL };

        collect_resources(m, out);
        collect_ports(m, out);
        collect_fdb(m, out, &census);
        collect_tunnels(m, out, &census);
        collect_bindings(m, out);
        free(census.remotes);
    }
    if (m->src.vtep) {
        collect_faults(m, out);
    }
    collect_db_faults(m, out);
}

/* ---- HTTP --------------------------------------------------------------- */

static enum MHD_Result
reply(struct MHD_Connection *conn, unsigned int status, struct ds *body,
      const char *type)
{
    size_t len = body->length;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        len, ds_steal_cstr(body), MHD_RESPMEM_MUST_FREE);
    enum MHD_Result ret;

    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result
handle_request(void *m_, struct MHD_Connection *conn, const char *url,
               const char *method, const char *version,
               const char *upload_data, size_t *upload_data_size,
               void **con_cls)
{
    struct vtepd_metrics *m = m_;
    struct ds body = DS_EMPTY_INITIALIZER;

    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        ds_put_cstr(&body, "only GET /metrics\n");
        return reply(conn, MHD_HTTP_METHOD_NOT_ALLOWED, &body, "text/plain");
    }
    if (strcmp(url, "/metrics") && strcmp(url, "/")) {
        ds_put_cstr(&body, "not found: try /metrics\n");
        return reply(conn, MHD_HTTP_NOT_FOUND, &body, "text/plain");
    }
    collect(m, &body);
    return reply(conn, MHD_HTTP_OK, &body, "text/plain; version=0.0.4");
}

/* ---- The loop ----------------------------------------------------------- */

static void
run_mhd(struct vtepd_metrics *m)
{
    MHD_run(m->mhd);
}

static void
io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    run_mhd(container_of(w, struct vtepd_metrics, io_w));
}

static void
timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    run_mhd(container_of(w, struct vtepd_metrics, timer_w));
}

/* Before the loop sleeps: arm the timer for MHD's next deadline. */
static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct vtepd_metrics *m = container_of(w, struct vtepd_metrics, prepare_w);
    MHD_UNSIGNED_LONG_LONG ms;

    ev_timer_stop(loop, &m->timer_w);
    if (MHD_get_timeout(m->mhd, &ms) == MHD_YES) {
        ev_timer_set(&m->timer_w, ms / 1000.0, 0.);
        ev_timer_start(loop, &m->timer_w);
    }
}

/* Counts commits, and inserts and deletes of Ucast_Macs_Local rows (which
 * only vtepd writes, when the hardware learns or forgets a MAC). */
static void
commit_cb(const struct ovsdb_changeset *cs, void *m_)
{
    struct vtepd_metrics *m = m_;

    m->commits++;
    for (size_t i = 0; i < cs->n_changes; i++) {
        const struct ovsdb_row_change *c = &cs->changes[i];

        if (strcmp(c->table->schema->name, "Ucast_Macs_Local")) {
            continue;
        }
        m->local_inserted += !c->old && c->new;
        m->local_deleted += c->old && !c->new;
    }
}

int
vtepd_metrics_start(struct ev_loop *loop, const char *target,
                    const struct vtepd_metrics_sources *sources,
                    struct vtepd_metrics **metricsp)
{
    struct vtepd_metrics *m;
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *info;
    socklen_t len;

    if (!str_starts_with(target, "ptcp:")
        || stream_parse_inet_passive(target + 5, &ss, &len)) {
        return -EINVAL;
    }
    m = xzalloc(sizeof *m);
    m->loop = loop;
    m->src = *sources;
    m->mhd = MHD_start_daemon(
        MHD_USE_EPOLL | (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL,
        NULL, handle_request, m, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u,
        MHD_OPTION_END);
    info =
        m->mhd ? MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
    if (!info) {
        int error = errno ? -errno : -EIO;

        if (m->mhd) {
            MHD_stop_daemon(m->mhd);
        }
        free(m);
        return error;
    }
    ev_io_init(&m->io_w, io_cb, info->epoll_fd, EV_READ);
    ev_io_start(loop, &m->io_w);
    ev_init(&m->timer_w, timer_cb);
    ev_prepare_init(&m->prepare_w, prepare_cb);
    ev_prepare_start(loop, &m->prepare_w);
    info = MHD_get_daemon_info(m->mhd, MHD_DAEMON_INFO_BIND_PORT);
    m->port = info ? info->port : 0;
    m->hook = ovsdb_db_add_commit_hook(m->src.db, commit_cb, m);
    *metricsp = m;
    return 0;
}

void
vtepd_metrics_stop(struct vtepd_metrics *m)
{
    if (!m) {
        return;
    }
    ovsdb_db_remove_commit_hook(m->src.db, m->hook);
    ev_io_stop(m->loop, &m->io_w);
    ev_timer_stop(m->loop, &m->timer_w);
    ev_prepare_stop(m->loop, &m->prepare_w);
    MHD_stop_daemon(m->mhd);
    free(m);
}

uint16_t
vtepd_metrics_port(const struct vtepd_metrics *m)
{
    return m->port;
}
