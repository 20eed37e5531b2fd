/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/forwarding.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "hal/hal-route.h"
#include "hal/hal-acl.h"
#include "hal/hal.h"
#include "hal/netdev/netdev.h"
#include "lib/ds.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "sim/sim.h"
#include "vtepd/options.h"
#include "vtepd/paths.h"
#include "vtepd/unixctl.h"
#include "vtepd/vtep/vtep.h"

VLOG_DEFINE_THIS_MODULE(forwarding);

struct vtepd_forwarding {
    struct ev_loop *loop;
    struct hal *hal;
    struct vtep *vtep;
    struct sim *sim;      /* NULL unless asic with --port. */
    ev_timer wake_w;      /* Fires at vtep_next_wake(). */
    ev_prepare prepare_w; /* Re-arms 'wake_w' before the loop blocks. */
    ev_io hal_w;          /* The backend's event socket, if any. */
    bool attached;        /* The reconciler runs (the watchers above). */

    /* The dataplane's own thread (docs/dataplane.md, "Threads"), with
     * --dataplane-thread; 'dp_loop' is NULL without it. */
    struct ev_loop *dp_loop;
    pthread_t dp_thread;
    enum vtepd_dp_thread dp_mode;
    pid_t dp_tid;        /* The dataplane thread's kernel id. */
    ev_async dp_quit_w;  /* In 'dp_loop': ends the thread. */
    ev_async dp_wake_w;  /* In 'loop': the dataplane queued HAL work. */
    ev_check lock_w;     /* In 'loop': takes the chip lock after polling, */
    ev_prepare unlock_w; /* and gives it back before polling. */
    /* The chip lock: the HAL, the reconciler that calls it, and the
     * dataplane's state.  The control thread holds it except while its
     * loop polls; the dataplane thread takes it per batch. */
    pthread_mutex_t chip_lock;
    bool ctl_locked; /* Control thread only: it holds 'chip_lock'. */
    /* Control thread only: how often it found the chip lock taken by a
     * batch, how often it waited 1 ms or more, the longest wait. */
    uint64_t lock_waits, lock_waits_1ms;
    int64_t lock_wait_max_us;
    int64_t wake_at; /* Under 'chip_lock': when 'wake_w' fires (ms). */
};

void
vtepd_forwarding_init(void)
{
    hal_register_provider(&hal_asic_provider);
    hal_register_provider(&hal_netdev_provider);
    vtepd_features.hal_asic = true;
    vtepd_features.hal_netdev = true;
    vtepd_features.reconciler = true;
    vtepd_features.ports = true;
}

static void
run_vtep(struct vtepd_forwarding *fw)
{
    if (fw->vtep) { /* Not before vtepd_forwarding_attach(). */
        vtep_run(fw->vtep, time_msec());
    }
}

static void
wake_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    run_vtep(container_of(w, struct vtepd_forwarding, wake_w));
}

static void
hal_io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    run_vtep(container_of(w, struct vtepd_forwarding, hal_w));
}

/* Before the loop blocks: anything that ran (a commit, a frame through the
 * dataplane, a HAL call) may have given the reconciler work, so ask it
 * again when it next wants to run. */
static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct vtepd_forwarding *fw =
        container_of(w, struct vtepd_forwarding, prepare_w);
    int64_t delay = vtep_next_wake(fw->vtep) - time_msec();

    ev_timer_stop(loop, &fw->wake_w);
    ev_timer_set(&fw->wake_w, delay > 0 ? delay / 1000.0 : 0., 0.);
    ev_timer_start(loop, &fw->wake_w);
    fw->wake_at = time_msec() + MAX(delay, 0);
}

/* ---- The dataplane thread ------------------------------------------------
 *
 * With --dataplane-thread the dataplane's port and underlay watchers run
 * in a loop of their own in a thread at a lower scheduling priority, and
 * the chip lock serialises it with the control thread: the control thread
 * holds the lock whenever it runs callbacks (taken by the first watcher
 * after the poll, given back by the last before the next), so every HAL
 * call, reconciler run and control command sees the chip between two
 * batches; the dataplane takes it for one batch at a time. */

static void
chip_lock(struct vtepd_forwarding *fw)
{
    pthread_mutex_lock(&fw->chip_lock);
}

static void
chip_unlock(struct vtepd_forwarding *fw)
{
    pthread_mutex_unlock(&fw->chip_lock);
}

/* The control thread's loop is about to poll: the chip is the
 * dataplane's until the poll returns. */
static void
ctl_unlock_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct vtepd_forwarding *fw =
        container_of(w, struct vtepd_forwarding, unlock_w);

    if (fw->ctl_locked) {
        fw->ctl_locked = false;
        chip_unlock(fw);
    }
}

static void
ctl_lock_cb(struct ev_loop *loop, ev_check *w, int revents)
{
    struct vtepd_forwarding *fw =
        container_of(w, struct vtepd_forwarding, lock_w);

    if (fw->ctl_locked) {
        return;
    }
    if (pthread_mutex_trylock(&fw->chip_lock)) {
        int64_t start = time_usec(), waited;

        chip_lock(fw);
        waited = time_usec() - start;
        fw->lock_waits++;
        fw->lock_waits_1ms += waited >= 1000;
        fw->lock_wait_max_us = MAX(fw->lock_wait_max_us, waited);
    }
    fw->ctl_locked = true;
}

/* The dataplane queued HAL events (a learned MAC, a BFD packet): run the
 * reconciler now rather than at the time the control thread's timer was
 * armed for. */
static void
dp_wake_cb(struct ev_loop *loop, ev_async *w, int revents)
{
    run_vtep(container_of(w, struct vtepd_forwarding, dp_wake_w));
}

/* Raises the dataplane thread to the control thread's priority while it
 * holds the chip lock ('boost'), and lowers it back afterwards: a thread
 * at SCHED_IDLE that other work preempts while it holds the lock would
 * make the control thread wait until the CPUs fall idle (priority
 * inversion; priority inheritance does not lift SCHED_IDLE or nice values
 * under Linux's fair scheduler). */
static void
dp_boost(struct vtepd_forwarding *fw, bool boost)
{
    struct sched_param param = { .sched_priority = 0 };

    if (fw->dp_mode == VTEPD_DP_THREAD_IDLE) {
        pthread_setschedparam(pthread_self(), boost ? SCHED_OTHER : SCHED_IDLE,
                              &param);
    } else if (fw->dp_mode == VTEPD_DP_THREAD_BATCH) {
        setpriority(PRIO_PROCESS, (id_t) fw->dp_tid, boost ? 0 : 10);
    }
}

static void
dp_batch_lock(void *fw_)
{
    struct vtepd_forwarding *fw = fw_;

    dp_boost(fw, true);
    chip_lock(fw);
}

/* The end of a batch: wakes the control thread if the batch gave the HAL
 * work due before its timer. */
static void
dp_batch_unlock(void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    int64_t next = hal_next_wake(fw->hal);

    if (next < fw->wake_at) {
        fw->wake_at = next;
        ev_async_send(fw->loop, &fw->dp_wake_w);
    }
    chip_unlock(fw);
    dp_boost(fw, false);
}

static void
dp_quit_cb(struct ev_loop *loop, ev_async *w, int revents)
{
    ev_break(loop, EVBREAK_ALL);
}

/* Lowers the calling thread's scheduling priority for 'mode'. */
static void
dp_set_priority(enum vtepd_dp_thread mode)
{
    struct sched_param param = { .sched_priority = 0 };
    pid_t tid = (pid_t) syscall(SYS_gettid);
    int error = 0;

    if (mode == VTEPD_DP_THREAD_IDLE) {
        error = pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
    } else if (mode == VTEPD_DP_THREAD_BATCH) {
        error = pthread_setschedparam(pthread_self(), SCHED_BATCH, &param);
        if (!error && setpriority(PRIO_PROCESS, (id_t) tid, 10)) {
            error = errno;
        }
    }
    if (error) {
        VLOG_WARN("dataplane thread: cannot set its %s priority (%s)",
                  vtepd_dp_thread_name(mode), strerror(error));
    }
}

static void *
dp_main(void *fw_)
{
    struct vtepd_forwarding *fw = fw_;

    fw->dp_tid = (pid_t) syscall(SYS_gettid);
    dp_set_priority(fw->dp_mode);
    ev_run(fw->dp_loop, 0);
    return NULL;
}

/* Starts the dataplane thread on 'fw->dp_loop', whose watchers sim_create()
 * has set up, and the chip lock's watchers in the control loop.  The
 * caller holds the chip lock. */
static int
dp_thread_start(struct vtepd_forwarding *fw)
{
    sigset_t all, old;
    int error;

    ev_async_init(&fw->dp_quit_w, dp_quit_cb);
    ev_async_start(fw->dp_loop, &fw->dp_quit_w);
    ev_async_init(&fw->dp_wake_w, dp_wake_cb);
    ev_async_start(fw->loop, &fw->dp_wake_w);
    ev_check_init(&fw->lock_w, ctl_lock_cb);
    ev_set_priority(&fw->lock_w, EV_MAXPRI);
    ev_check_start(fw->loop, &fw->lock_w);
    ev_prepare_init(&fw->unlock_w, ctl_unlock_cb);
    ev_set_priority(&fw->unlock_w, EV_MINPRI);
    ev_prepare_start(fw->loop, &fw->unlock_w);
    fw->wake_at = INT64_MIN;

    /* Signals are the control thread's (its loop's ev_signal watchers):
     * the new thread starts with all of them blocked. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    error = pthread_create(&fw->dp_thread, NULL, dp_main, fw);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (error) {
        VLOG_ERR("cannot start the dataplane thread (%s)", strerror(error));
        return -error;
    }
    VLOG_INFO("software dataplane in a thread of its own (%s priority)",
              vtepd_dp_thread_name(fw->dp_mode));
    return 0;
}

/* Ends the dataplane thread, if any; the control thread then holds the
 * chip lock, with no other thread to share it. */
static void
dp_thread_stop(struct vtepd_forwarding *fw)
{
    if (!fw->dp_loop) {
        return;
    }
    if (ev_is_active(&fw->dp_quit_w)) {
        if (fw->ctl_locked) {
            chip_unlock(fw);
            fw->ctl_locked = false;
        }
        ev_async_send(fw->dp_loop, &fw->dp_quit_w);
        pthread_join(fw->dp_thread, NULL);
        ev_check_stop(fw->loop, &fw->lock_w);
        ev_prepare_stop(fw->loop, &fw->unlock_w);
        ev_async_stop(fw->loop, &fw->dp_wake_w);
    }
}

/* The control commands.  Each one answers with a dump of the HAL. */
static void
reply_dump(struct unixctl_conn *conn, int error, struct ds *out,
           const char *what)
{
    if (error) {
        char *msg = xasprintf("%s: %s", what, strerror(-error));

        unixctl_command_reply_error(conn, msg);
        free(msg);
    } else {
        unixctl_command_reply(conn, ds_cstr(out));
    }
    ds_destroy(out);
}

static void
dump_fdb_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *ls = argc > 1 ? argv[1] : NULL;

    reply_dump(conn, hal_dump_fdb(fw->hal, ls, &out), &out,
               ls ? ls : "hal/dump-fdb");
}

static void
dump_neigh_cb(struct unixctl_conn *conn, int argc, const char *argv[],
              void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;
    const char *ls = argc > 1 ? argv[1] : NULL;

    reply_dump(conn, hal_dump_neigh(fw->hal, ls, &out), &out,
               ls ? ls : "hal/dump-neigh");
}

static void
dump_routes_cb(struct unixctl_conn *conn, int argc, const char *argv[],
               void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;

    reply_dump(conn, hal_dump_routes(fw->hal, &out), &out, argv[0]);
}

/* The control-socket commands that print one of the HAL's dumps, each its
 * hal_dump_*() function's text. */
static const struct {
    const char *name;
    void (*dump)(const struct hal *, struct ds *);
} hal_dumps[] = {
    { "hal/dump-flood", hal_dump_flood },
    { "hal/dump-bindings", hal_dump_bindings },
    { "hal/dump-ports", hal_dump_ports },
    { "hal/resources", hal_dump_resources },
    { "hal/dump-acl", hal_dump_acl },
};

static void
hal_dump_cb(struct unixctl_conn *conn, int argc, const char *argv[], void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;

    for (size_t i = 0; i < ARRAY_SIZE(hal_dumps); i++) {
        if (!strcmp(argv[0], hal_dumps[i].name)) {
            hal_dumps[i].dump(fw->hal, &out);
        }
    }
    reply_dump(conn, 0, &out, argv[0]);
}

static void
acl_faults_cb(struct unixctl_conn *conn, int argc, const char *argv[],
              void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;

    vtep_acl_dump_faults(fw->vtep, &out);
    reply_dump(conn, 0, &out, argv[0]);
}

static void
dump_tunnels_cb(struct unixctl_conn *conn, int argc, const char *argv[],
                void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;

    vtep_dump_tunnels(fw->vtep, &out);
    reply_dump(conn, 0, &out, argv[0]);
}

static void
dataplane_cb(struct unixctl_conn *conn, int argc, const char *argv[],
             void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct ds out = DS_EMPTY_INITIALIZER;

    if (!fw->sim) {
        unixctl_command_reply_error(conn, "no software dataplane: it runs "
                                          "with --hal=asic and --port");
        return;
    }
    sim_format_stats(fw->sim, &out);
    if (fw->dp_loop) {
        ds_put_format(&out,
                      "thread: %s priority; the control thread waited for "
                      "the chip lock %" PRIu64 " times, %" PRIu64
                      " of them 1 ms or more, at most %" PRId64 " us\n",
                      vtepd_dp_thread_name(fw->dp_mode), fw->lock_waits,
                      fw->lock_waits_1ms, fw->lock_wait_max_us);
    }
    unixctl_command_reply(conn, ds_cstr(&out));
    ds_destroy(&out);
}

static void
vtep_memory_cb(struct ds *out, void *fw_)
{
    struct vtepd_forwarding *fw = fw_;
    struct vtep_stats st;

    struct hal_asic *asic = hal_asic_cast(fw->hal);

    vtep_get_stats(fw->vtep, &st);
    unixctl_memory_put(out, "vtep-pending", st.pending);
    unixctl_memory_put(out, "vtep-blocked", st.blocked);
    unixctl_memory_put(out, "hal-entries", st.hal_entries);
    unixctl_memory_put(out, "hal-failures", st.hal_failures);
    unixctl_memory_put(out, "vtep-db-errors", st.db_txn_errors);
    if (asic) {
        /* Table writes since this vtepd opened the chip: zero after a warm
         * restart that found everything already programmed. */
        unixctl_memory_put(out, "asic-writes", hal_asic_writes(asic));
    }
}

static void
register_commands(struct vtepd_forwarding *fw)
{
    unixctl_command_register("hal/dump-fdb", "[LS]", 0, 1, dump_fdb_cb, fw);
    unixctl_command_register("hal/dump-neigh", "[LS]", 0, 1, dump_neigh_cb,
                             fw);
    unixctl_command_register("hal/dump-routes", "", 0, 0, dump_routes_cb, fw);
    unixctl_command_register("hal/dump-tunnels", "", 0, 0, dump_tunnels_cb,
                             fw);
    for (size_t i = 0; i < ARRAY_SIZE(hal_dumps); i++) {
        unixctl_command_register(hal_dumps[i].name, "", 0, 0, hal_dump_cb, fw);
    }
    unixctl_command_register("vtep/acl-faults", "", 0, 0, acl_faults_cb, fw);
    unixctl_command_register("sim/show", "", 0, 0, dataplane_cb, fw);
    unixctl_memory_register(vtep_memory_cb, fw);
}

/* The name to give hal_open() for 'opts': a built-in backend's, or that of
 * the provider module --hal names, which this loads.  NULL on failure,
 * after logging why. */
static const char *
backend_name(const struct vtepd_options *opts)
{
    struct ds err = DS_EMPTY_INITIALIZER;
    const char *name;

    if (opts->hal != VTEPD_HAL_PROVIDER) {
        return vtepd_hal_name(opts->hal);
    }
    if (hal_provider_resolve(opts->hal_provider,
                             opts->hal_dir ? opts->hal_dir : VTEPD_HAL_DIR,
                             &name, &err)) {
        VLOG_ERR("%s", ds_cstr(&err));
        name = NULL;
    } else {
        VLOG_INFO("--hal=%s: loaded backend \"%s\"", opts->hal_provider, name);
    }
    ds_destroy(&err);
    return name;
}

static struct hal *
open_hal(const struct vtepd_options *opts)
{
    const char *backend = backend_name(opts);
    struct hal_config config = {
        .platform = opts->platform,
        .ports = (const char *const *) opts->ports,
        .n_ports = opts->n_ports,
    };
    char *state_file = NULL;
    struct hal *hal;
    int error;

    if (!backend) {
        return NULL;
    }
    if (opts->hal == VTEPD_HAL_ASIC) {
        /* The "chip" keeps its tables in a file beside the database, so
         * they survive a restart of vtepd (warm restart). */
        state_file = vtepd_path_beside(opts->database, "vtepd.chip");
        config.state_file = state_file;
    }
    error = hal_open(backend, &config, &hal);
    free(state_file);
    if (error) {
        VLOG_ERR("cannot open the %s backend (%s)", backend,
                 hal_strerror(error));
        return NULL;
    }
    VLOG_INFO("%s backend %s (%s start)", backend,
              opts->platform ? opts->platform : "on its default platform",
              hal_is_warm(hal) ? "warm" : "cold");
    return hal;
}

/* The vtep_config for 'opts', with defaults for what was not given.
 * '*hostname' receives storage the caller frees. */
static struct vtep_config
make_vtep_config(const struct vtepd_options *opts, char **hostname)
{
    struct vtep_config config = {
        .switch_name = opts->switch_name,
        .tunnel_ip = opts->tunnel_ip,
        .management_ip = opts->management_ip,
        .description = "vtepd " VTEPD_VERSION,
    };
    char buf[256];

    *hostname = NULL;
    if (!config.switch_name) {
        if (gethostname(buf, sizeof buf) || !buf[0]) {
            snprintf(buf, sizeof buf, "vtepd");
        }
        buf[sizeof buf - 1] = '\0';
        buf[strcspn(buf, ".")] = '\0';
        *hostname = xstrdup(buf);
        config.switch_name = *hostname;
    }
    if (!config.tunnel_ip) {
        config.tunnel_ip = "127.0.0.1";
        VLOG_WARN("no --tunnel-ip: using 127.0.0.1, which no remote VTEP "
                  "can reach");
    }
    return config;
}

static int
start_dataplane(struct vtepd_forwarding *fw, const struct vtepd_options *opts)
{
    struct sim_port_spec *specs;
    struct sim_config config = { .n_ports = opts->n_ports };
    int error;

    specs = xcalloc(opts->n_ports, sizeof *specs);
    for (size_t i = 0; i < opts->n_ports; i++) {
        specs[i].name = opts->ports[i];
    }
    config.ports = specs;
    if (opts->tunnel_ip) {
        inet_pton(AF_INET, opts->tunnel_ip, &config.tunnel_ip);
    }
    config.rx_usecs = opts->dp_rx_usecs;
    if (opts->dp_thread != VTEPD_DP_THREAD_OFF) {
        fw->dp_mode = opts->dp_thread;
        fw->dp_loop = ev_loop_new(EVFLAG_AUTO);
        config.lock = dp_batch_lock;
        config.unlock = dp_batch_unlock;
        config.lock_aux = fw;
    }
    error = sim_create(fw->dp_loop ? fw->dp_loop : fw->loop, fw->hal, &config,
                       &fw->sim);
    free(specs);
    if (error) {
        VLOG_ERR("cannot start the software dataplane (%s)", strerror(-error));
        return error;
    }
    VLOG_INFO("software dataplane forwarding on %zu port%s", opts->n_ports,
              opts->n_ports == 1 ? "" : "s");
    return fw->dp_loop ? dp_thread_start(fw) : 0;
}

struct vtepd_forwarding *
vtepd_forwarding_open(struct ev_loop *loop, const struct vtepd_options *opts)
{
    struct vtepd_forwarding *fw = xzalloc(sizeof *fw);

    fw->loop = loop;
    pthread_mutex_init(&fw->chip_lock, NULL);
    chip_lock(fw);
    fw->ctl_locked = true;
    fw->hal = open_hal(opts);
    if (!fw->hal) {
        chip_unlock(fw);
        pthread_mutex_destroy(&fw->chip_lock);
        free(fw);
        return NULL;
    }
    if (opts->hal == VTEPD_HAL_ASIC && opts->n_ports
        && start_dataplane(fw, opts)) {
        vtepd_forwarding_stop(fw);
        return NULL;
    }
    return fw;
}

bool
vtepd_forwarding_attach(struct vtepd_forwarding *fw,
                        const struct vtepd_options *opts, struct ovsdb_db *db)
{
    struct ev_loop *loop = fw->loop;
    struct vtep_config config;
    char *hostname;
    int error, fd;

    config = make_vtep_config(opts, &hostname);
    error = vtep_create(db, fw->hal, &config, &fw->vtep);
    if (error) {
        VLOG_ERR("cannot start the reconciler (%s)", strerror(-error));
    } else {
        VLOG_INFO("physical switch %s, tunnel IP %s", config.switch_name,
                  config.tunnel_ip);
    }
    free(hostname);
    if (error) {
        return false;
    }
    fw->attached = true;
    ev_timer_init(&fw->wake_w, wake_cb, 0., 0.);
    ev_prepare_init(&fw->prepare_w, prepare_cb);
    ev_prepare_start(loop, &fw->prepare_w);
    fd = hal_poll_fd(fw->hal);
    if (fd >= 0) {
        ev_io_init(&fw->hal_w, hal_io_cb, fd, EV_READ);
        ev_io_start(loop, &fw->hal_w);
    }
    register_commands(fw);
    return true;
}

struct vtepd_forwarding *
vtepd_forwarding_start(struct ev_loop *loop, const struct vtepd_options *opts,
                       struct ovsdb_db *db)
{
    struct vtepd_forwarding *fw = vtepd_forwarding_open(loop, opts);

    if (fw && !vtepd_forwarding_attach(fw, opts, db)) {
        vtepd_forwarding_stop(fw);
        fw = NULL;
    }
    return fw;
}

void
vtepd_forwarding_stop(struct vtepd_forwarding *fw)
{
    if (!fw) {
        return;
    }
    if (fw->attached) {
        ev_timer_stop(fw->loop, &fw->wake_w);
        ev_prepare_stop(fw->loop, &fw->prepare_w);
        ev_io_stop(fw->loop, &fw->hal_w);
    }
    dp_thread_stop(fw);
    if (!fw->ctl_locked) {
        chip_lock(fw);
    }
    sim_destroy(fw->sim);
    if (fw->dp_loop) {
        ev_loop_destroy(fw->dp_loop);
    }
    vtep_destroy(fw->vtep);
    hal_close(fw->hal);
    chip_unlock(fw);
    pthread_mutex_destroy(&fw->chip_lock);
    free(fw);
}

struct hal *
vtepd_forwarding_get_hal(const struct vtepd_forwarding *fw)
{
    return fw->hal;
}

struct vtep *
vtepd_forwarding_get_vtep(const struct vtepd_forwarding *fw)
{
    return fw->vtep;
}
