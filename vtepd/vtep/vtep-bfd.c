/* SPDX-License-Identifier: Apache-2.0 */
/* BFD per Tunnel row: bfd_params and bfd_config_remote become a HAL BFD
 * session; the session's state becomes bfd_status; bfd_config_local says
 * how the peer should address us.
 *
 * The status is read from the HAL at most every VTEP_BFD_POLL_MS and
 * written only when it differs from the row, all sessions in one
 * transaction: a flapping session costs at most one write per period, never
 * one per packet.  A configuration problem (a bad bfd_params value, an
 * unknown key, a malformed bfd_config_remote, a backend without BFD) is
 * reported in bfd_status:info; the session then runs with the defaults
 * for what was bad, or not at all if it cannot. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/hmap.h"
#include "lib/util.h"
#include "lib/vlog.h"
#include "vtepd/ovsdb/datum.h"
#include "vtepd/ovsdb/db.h"
#include "vtepd/ovsdb/row.h"
#include "vtepd/ovsdb/schema.h"
#include "vtepd/ovsdb/table.h"
#include "vtepd/ovsdb/transaction.h"
#include "vtepd/vtep/vtep-private.h"

VLOG_DEFINE_THIS_MODULE(vtep_bfd);

/* How often the sessions' state is read and written at most. */
#define VTEP_BFD_POLL_MS 100

/* The addresses ovs-vtep and OVS use by default (vtep.xml, vswitch.xml). */
#define BFD_DEFAULT_MAC "00:23:20:00:00:01"
#define BFD_LOCAL_IP "169.254.1.0"
#define BFD_REMOTE_IP "169.254.1.1"

struct vtep_bfd_session {
    struct hmap_node node; /* In vtep_bfds 'sessions', by tunnel uuid. */
    struct uuid tunnel;
    bool seen;
    struct hal_bfd_config config;
    hal_oid_t oid;   /* HAL_OID_NULL if none. */
    int error;       /* Of the last hal_bfd_set(), or 0. */
    char *info;      /* A configuration problem, or NULL. */
    bool forwarding; /* As last read from the HAL. */
};

struct vtep_bfds {
    struct ovsdb_table *tunnel;
    const struct ovsdb_column *ps_tunnels, *remote, *params, *cfg_local,
        *cfg_remote, *status;
    struct hmap sessions;
    bool config_dirty;
    int64_t next_poll; /* INT64_MAX while no session runs. */
};

int
vtep_bfd_init(struct vtep *vtep)
{
    struct vtep_bfds *vb = xzalloc(sizeof *vb);
    const struct ovsdb_table_schema *ts;

    hmap_init(&vb->sessions);
    vb->next_poll = INT64_MAX;
    vb->config_dirty = true;
    vtep->bfds = vb;
    vb->tunnel = ovsdb_db_find_table(vtep->db, "Tunnel");
    if (!vb->tunnel) {
        return -EINVAL;
    }
    ts = vb->tunnel->schema;
    vb->ps_tunnels =
        ovsdb_table_schema_find_column(vtep->s.ps->schema, "tunnels");
    vb->remote = ovsdb_table_schema_find_column(ts, "remote");
    vb->params = ovsdb_table_schema_find_column(ts, "bfd_params");
    vb->cfg_local = ovsdb_table_schema_find_column(ts, "bfd_config_local");
    vb->cfg_remote = ovsdb_table_schema_find_column(ts, "bfd_config_remote");
    vb->status = ovsdb_table_schema_find_column(ts, "bfd_status");
    return vb->ps_tunnels && vb->remote && vb->params && vb->cfg_local
                   && vb->cfg_remote && vb->status
               ? 0
               : -EINVAL;
}

/* Queues the flood lists that choose a service node by health. */
static void
service_nodes_changed(struct vtep *vtep)
{
    struct vtep_ls *ls;

    HMAP_FOR_EACH(ls, node, &vtep->lss) {
        if (ls->bridge != HAL_OID_NULL
            && ls->programmed.replication == HAL_REPLICATION_SERVICE_NODE) {
            vtep_q_dirty(&vtep->flood_dirty, &ls->flood_q);
        }
    }
}

static void
session_destroy(struct vtep *vtep, struct vtep_bfd_session *s)
{
    if (s->oid != HAL_OID_NULL) {
        hal_bfd_remove(vtep->hal, s->oid);
        service_nodes_changed(vtep);
    }
    hmap_remove(&vtep->bfds->sessions, &s->node);
    free(s->info);
    free(s);
}

void
vtep_bfd_destroy(struct vtep *vtep)
{
    struct vtep_bfds *vb = vtep->bfds;
    struct vtep_bfd_session *s;

    if (!vb) {
        return;
    }
    HMAP_FOR_EACH_SAFE(s, node, &vb->sessions) {
        session_destroy(vtep, s);
    }
    hmap_destroy(&vb->sessions);
    free(vb);
    vtep->bfds = NULL;
}

void
vtep_bfd_note_change(struct vtep *vtep, const struct ovsdb_row_change *c,
                     bool own)
{
    struct vtep_bfds *vb = vtep->bfds;

    /* Our own status writes change nothing we read. */
    if (vb
        && ((c->table == vb->tunnel && (!own || !c->old || !c->new))
            || c->table == vtep->s.ps)) {
        vb->config_dirty = true;
    }
}

int64_t
vtep_bfd_next_wake(const struct vtep *vtep)
{
    const struct vtep_bfds *vb = vtep->bfds;

    if (!vb) {
        return INT64_MAX;
    }
    return vb->config_dirty ? vtep->now_ms : vb->next_poll;
}

static struct vtep_bfd_session *
session_get(struct vtep_bfds *vb, const struct uuid *tunnel)
{
    struct vtep_bfd_session *s;

    HMAP_FOR_EACH_WITH_HASH(s, node, uuid_hash(tunnel), &vb->sessions) {
        if (uuid_equals(&s->tunnel, tunnel)) {
            return s;
        }
    }
    s = xzalloc(sizeof *s);
    s->tunnel = *tunnel;
    hmap_insert(&vb->sessions, &s->node, uuid_hash(tunnel));
    return s;
}

/* Keeps 'problem' (takes ownership) in '*info' if it is the first. */
static void
note_problem(char **info, char *problem)
{
    if (!*info) {
        *info = problem;
    } else {
        free(problem);
    }
}

/* Reads bfd_params of 'row' into 'settings'. */
static void
read_params(const struct vtep_bfds *vb, const struct ovsdb_row *row,
            struct bfd_settings *settings, char **info)
{
    struct ovsdb_datum d;
    const char **keys, **values;

    ovsdb_row_get(row, vb->params, &d);
    keys = xcalloc(d.n + 1, sizeof *keys);
    values = xcalloc(d.n + 1, sizeof *values);
    for (unsigned int i = 0; i < d.n; i++) {
        keys[i] = d.keys[i].string->s;
        values[i] = d.values[i].string->s;
    }
    note_problem(info, bfd_settings_parse(settings, keys, values, d.n));
    free(keys);
    free(values);
}

/* Reads the remote VTEP and bfd_config_remote of 'row' into 'c'.  Returns
 * false if the session cannot run (no usable remote). */
static bool
read_addresses(const struct vtep *vtep, const struct ovsdb_row *row,
               struct hal_bfd_config *c, char **info)
{
    const struct vtep_bfds *vb = vtep->bfds;
    const char *mac = vtep_row_map_get(row, vb->cfg_remote, "bfd_dst_mac");
    const char *ip = vtep_row_map_get(row, vb->cfg_remote, "bfd_dst_ip");
    const struct ovsdb_row *loc;
    struct uuid remote;

    if (!mac || hal_mac_from_string(mac, &c->dst_mac)) {
        if (mac) {
            note_problem(info, xasprintf("bfd_config_remote:bfd_dst_mac: "
                                         "\"%s\" is not a MAC address",
                                         mac));
        }
        hal_mac_from_string(BFD_DEFAULT_MAC, &c->dst_mac);
    }
    if (!ip || inet_pton(AF_INET, ip, &c->dst_ip) != 1) {
        if (ip) {
            note_problem(info, xasprintf("bfd_config_remote:bfd_dst_ip: "
                                         "\"%s\" is not an IPv4 address",
                                         ip));
        }
        inet_pton(AF_INET, BFD_REMOTE_IP, &c->dst_ip);
    }
    inet_pton(AF_INET, BFD_LOCAL_IP, &c->src_ip);
    c->vni = 0;
    if (!ovsdb_row_get_uuid(row, vb->remote, &remote)
        || !(loc = ovsdb_table_find(vtep->s.locator, &remote))
        || inet_pton(AF_INET, ovsdb_row_get_string(loc, vtep->s.locator_ip),
                     &c->remote)
               != 1) {
        note_problem(info, xstrdup("remote locator has no usable IPv4 "
                                   "address"));
        return false;
    }
    return true;
}

/* Brings the HAL session of 's' in line with 'row'. */
static void
session_configure(struct vtep *vtep, struct vtep_bfd_session *s,
                  const struct ovsdb_row *row)
{
    struct hal_bfd_config c;
    bool usable;

    free(s->info);
    s->info = NULL;
    memset(&c, 0, sizeof c);
    read_params(vtep->bfds, row, &c.bfd, &s->info);
    usable = read_addresses(vtep, row, &c, &s->info);
    if (!c.bfd.enable || !usable) {
        if (s->oid != HAL_OID_NULL) {
            hal_bfd_remove(vtep->hal, s->oid);
            s->oid = HAL_OID_NULL;
            service_nodes_changed(vtep);
        }
        s->error = 0;
        return;
    }
    if (s->oid != HAL_OID_NULL && !memcmp(&c, &s->config, sizeof c)) {
        return;
    }
    if (s->oid == HAL_OID_NULL) {
        s->forwarding = false;
        service_nodes_changed(vtep);
    }
    s->config = c;
    s->error = hal_bfd_set(vtep->hal, &c, &s->oid);
    if (s->error) {
        static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 5);

        VLOG_WARN_RL(&rl, "BFD session to %s: %s", inet_ntoa(c.remote),
                     hal_strerror(s->error));
        s->oid = HAL_OID_NULL;
    }
}

/* Writes 'n' pairs into map column 'col' of tunnel 'row' unless it holds
 * exactly them already. */
static void
write_map(struct vtep *vtep, struct vtep_txn *t, const struct ovsdb_row *row,
          const struct ovsdb_column *col, const char *const *keys,
          const char *const *values, size_t n)
{
    struct vtep_bfds *vb = vtep->bfds;
    struct ovsdb_datum d;
    struct ovsdb_row *w;
    bool same;

    ovsdb_row_get(row, col, &d);
    same = d.n == n;
    for (size_t i = 0; same && i < n; i++) {
        const char *v = vtep_row_map_get(row, col, keys[i]);

        same = v && !strcmp(v, values[i]);
    }
    if (same) {
        return;
    }
    w = vtep_txn_modify(t, vb->tunnel, &row->uuid);
    if (w) {
        vtep_txn_check(t,
                       ovsdb_txn_write_string_map(vtep_txn_get(t), vb->tunnel,
                                                  w, col, keys, values, n));
    }
}

/* Writes bfd_status of 'row' for session 's'.  Returns true if the session
 * runs (and so must be polled). */
static bool
write_status(struct vtep *vtep, struct vtep_txn *t, struct vtep_bfd_session *s,
             const struct ovsdb_row *row)
{
    const char *keys[7], *values[7];
    struct hal_bfd_info info;
    char *unsupported = NULL;
    size_t n = 0;
    bool running = false;

    if (s->oid != HAL_OID_NULL && !hal_bfd_get(vtep->hal, s->oid, &info)) {
        keys[n] = "enabled", values[n++] = "true";
        keys[n] = "state",
        values[n++] = bfd_state_to_string(info.status.state);
        keys[n] = "forwarding";
        values[n++] = info.status.forwarding ? "true" : "false";
        keys[n] = "diagnostic";
        values[n++] = bfd_diag_to_string(info.status.diag);
        keys[n] = "remote_state";
        values[n++] = bfd_state_to_string(info.status.remote_state);
        keys[n] = "remote_diagnostic";
        values[n++] = bfd_diag_to_string(info.status.remote_diag);
        running = true;
        if (info.status.forwarding != s->forwarding) {
            s->forwarding = info.status.forwarding;
            service_nodes_changed(vtep);
        }
    } else if (s->error) {
        keys[n] = "enabled", values[n++] = "false";
        unsupported = s->error == -EOPNOTSUPP
                          ? xasprintf("the %s backend cannot run BFD",
                                      hal_backend_name(vtep->hal))
                          : xasprintf("the %s backend refused the session: %s",
                                      hal_backend_name(vtep->hal),
                                      hal_strerror(s->error));
    } else if (s->info) {
        keys[n] = "enabled", values[n++] = "false";
    }
    if (unsupported && s->info) {
        char *both = xasprintf("%s; %s", s->info, unsupported);

        free(unsupported);
        unsupported = both;
    }
    if (unsupported || s->info) {
        keys[n] = "info", values[n++] = unsupported ? unsupported : s->info;
    }
    write_map(vtep, t, row, vtep->bfds->status, keys, values, n);
    free(unsupported);
    return running;
}

static void
write_config_local(struct vtep *vtep, struct vtep_txn *t,
                   const struct ovsdb_row *row)
{
    static const char *const keys[] = { "bfd_dst_ip", "bfd_dst_mac" };
    static const char *const values[] = { BFD_LOCAL_IP, BFD_DEFAULT_MAC };

    write_map(vtep, t, row, vtep->bfds->cfg_local, keys, values, 2);
}

/* Calls 'fn' for every Tunnel row of our switch. */
static void
for_each_tunnel(struct vtep *vtep, struct vtep_txn *t,
                void (*fn)(struct vtep *, struct vtep_txn *,
                           const struct ovsdb_row *, bool *running),
                bool *running)
{
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    struct vtep_bfds *vb = vtep->bfds;
    struct ovsdb_datum d;
    struct uuid *uuids;
    size_t n;

    if (!ps) {
        return;
    }
    /* The rows are written as we go: copy the list first. */
    ovsdb_row_get(ps, vb->ps_tunnels, &d);
    n = d.n;
    uuids = xcalloc(n ? n : 1, sizeof *uuids);
    for (size_t i = 0; i < n; i++) {
        uuids[i] = d.keys[i].uuid;
    }
    for (size_t i = 0; i < n; i++) {
        const struct ovsdb_row *row = ovsdb_table_find(vb->tunnel, &uuids[i]);

        if (row) {
            fn(vtep, t, row, running);
        }
    }
    free(uuids);
}

static void
configure_one(struct vtep *vtep, struct vtep_txn *t,
              const struct ovsdb_row *row, bool *running)
{
    struct vtep_bfd_session *s = session_get(vtep->bfds, &row->uuid);

    s->seen = true;
    session_configure(vtep, s, row);
    write_config_local(vtep, t, row);
    *running |= write_status(vtep, t, s, row);
}

static void
poll_one(struct vtep *vtep, struct vtep_txn *t, const struct ovsdb_row *row,
         bool *running)
{
    struct vtep_bfd_session *s = session_get(vtep->bfds, &row->uuid);

    *running |= write_status(vtep, t, s, row);
}

void
vtep_bfd_run(struct vtep *vtep, struct vtep_txn *t)
{
    struct vtep_bfds *vb = vtep->bfds;
    struct vtep_bfd_session *s;
    bool running = false;

    if (!vb) {
        return;
    }
    if (vb->config_dirty) {
        vb->config_dirty = false;
        HMAP_FOR_EACH(s, node, &vb->sessions) {
            s->seen = false;
        }
        for_each_tunnel(vtep, t, configure_one, &running);
        HMAP_FOR_EACH_SAFE(s, node, &vb->sessions) {
            if (!s->seen) {
                session_destroy(vtep, s);
            }
        }
    } else if (vtep->now_ms >= vb->next_poll) {
        for_each_tunnel(vtep, t, poll_one, &running);
    } else {
        return;
    }
    vb->next_poll = running ? vtep->now_ms + VTEP_BFD_POLL_MS : INT64_MAX;
}

bool
vtep_bfd_forwarding(const struct vtep *vtep, struct in_addr remote,
                    bool *has_session)
{
    const struct vtep_bfds *vb = vtep->bfds;
    const struct vtep_bfd_session *s;

    *has_session = false;
    if (!vb) {
        return true;
    }
    HMAP_FOR_EACH(s, node, &vb->sessions) {
        if (s->oid != HAL_OID_NULL
            && s->config.remote.s_addr == remote.s_addr) {
            *has_session = true;
            return s->forwarding;
        }
    }
    return true;
}

/* ---- hal/dump-tunnels ---- */

static void
dump_session(const struct vtep *vtep, const struct vtep_bfd_session *s,
             struct ds *out)
{
    struct hal_bfd_info info;

    if (s->oid == HAL_OID_NULL || hal_bfd_get(vtep->hal, s->oid, &info)) {
        ds_put_format(out, "  bfd: off%s%s\n", s->info ? ": " : "",
                      s->info ? s->info : "");
        return;
    }
    ds_put_format(out,
                  "  bfd: %s, remote %s, forwarding %s, flaps %u, "
                  "diagnostic \"%s\", remote diagnostic \"%s\"\n",
                  bfd_state_to_string(info.status.state),
                  bfd_state_to_string(info.status.remote_state),
                  info.status.forwarding ? "true" : "false", info.status.flaps,
                  bfd_diag_to_string(info.status.diag),
                  bfd_diag_to_string(info.status.remote_diag));
    ds_put_format(out,
                  "  bfd packets: tx %" PRIu64 ", rx %" PRIu64
                  ", dropped %" PRIu64 "\n",
                  info.counters.tx_packets, info.counters.rx_packets,
                  info.counters.rx_dropped);
}

static void
dump_tunnel(const struct vtep *vtep, const struct ovsdb_row *row,
            struct ds *out)
{
    const struct vtep_bfds *vb = vtep->bfds;
    const struct vtep_bfd_session *s;
    const struct ovsdb_row *loc;
    struct hal_tunnel_stats st;
    struct in_addr ip = { 0 };
    struct uuid remote;
    const char *ip_s = "?";

    if (ovsdb_row_get_uuid(row, vb->remote, &remote)
        && (loc = ovsdb_table_find(vtep->s.locator, &remote))) {
        ip_s = ovsdb_row_get_string(loc, vtep->s.locator_ip);
        inet_pton(AF_INET, ip_s, &ip);
    }
    ds_put_format(out, "remote %s", ip_s);
    if (!hal_tunnel_stats_get(vtep->hal, ip, &st)) {
        ds_put_format(out,
                      ": tx %" PRIu64 " packets %" PRIu64 " bytes, rx %" PRIu64
                      " packets %" PRIu64 " bytes",
                      st.tx_packets, st.tx_bytes, st.rx_packets, st.rx_bytes);
    }
    ds_put_char(out, '\n');
    HMAP_FOR_EACH_WITH_HASH(s, node, uuid_hash(&row->uuid), &vb->sessions) {
        if (uuid_equals(&s->tunnel, &row->uuid)) {
            dump_session(vtep, s, out);
            return;
        }
    }
    ds_put_cstr(out, "  bfd: off\n");
}

void
vtep_dump_tunnels(const struct vtep *vtep, struct ds *out)
{
    const struct ovsdb_row *ps = vtep_switch_row(vtep);
    struct ovsdb_datum d;

    if (!ps || !vtep->bfds) {
        return;
    }
    ovsdb_row_get(ps, vtep->bfds->ps_tunnels, &d);
    for (unsigned int i = 0; i < d.n; i++) {
        const struct ovsdb_row *row =
            ovsdb_table_find(vtep->bfds->tunnel, &d.keys[i].uuid);

        if (row) {
            dump_tunnel(vtep, row, out);
        }
    }
}
