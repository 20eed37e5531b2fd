/* SPDX-License-Identifier: Apache-2.0 */
/* vtep-sim: the software VTEP without the OVSDB side.  Opens the asic
 * backend, applies a configuration in the lab language (sim/lab.h),
 * attaches front-panel ports to Linux interfaces and forwards frames with
 * the software dataplane until killed.  A control socket takes further
 * commands while it runs, for tests and labs:
 *
 *   vtep-sim --port=eth1 --port=eth2 --tunnel-ip=192.0.2.1 \
 *            --config=lab.conf --ctl=/run/vtep-sim.ctl
 *   vtep-sim --ctl=/run/vtep-sim.ctl dump-fdb
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ev.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hal/asic/asic.h"
#include "hal/hal.h"
#include "lib/ds.h"
#include "lib/vlog.h"
#include "lib/util.h"
#include "sim/lab.h"
#include "sim/sim.h"

VLOG_DEFINE_THIS_MODULE(vtep_sim);

/* Longest control command, and how long a client may take to send it. */
#define CTL_MAX_REQUEST 4096
#define CTL_TIMEOUT_S 2

struct options {
    const char *platform;
    const char *state_file;
    const char *config;
    const char *ctl;
    const char *tunnel_ip;
    long aging;   /* -1: leave the HAL default. */
    int rx_usecs; /* struct sim_config's. */
    const char **ports;
    size_t n_ports;
    char **command; /* Client mode: the words of a control command. */
    int n_command;
};

struct vtep_sim {
    struct ev_loop *loop;
    struct hal *hal;
    struct sim *sim;
    ev_timer hal_timer;
    ev_prepare prepare;
    int ctl_fd;
    ev_io ctl_watcher;
    ev_signal sigint, sigterm;
};

static void
usage(void)
{
    printf("%s: software VTEP dataplane for labs and tests\n"
           "usage: %s [OPTIONS]              run the dataplane\n"
           "       %s --ctl=PATH COMMAND...  send COMMAND to a running one\n"
           "\n"
           "  --port=IFNAME       front-panel port on a Linux interface, or\n"
           "                      a TAP device created with that name\n"
           "                      (repeatable; named the same in the HAL)\n"
           "  --tunnel-ip=IP      local VTEP address (VXLAN on UDP 4789)\n"
           "  --aging=SECONDS     FDB aging time\n"
           "  --rx-usecs=USEC     during a VXLAN flood, wait USEC (0 to 100,\n"
           "                      0 = off; default 20) for a fuller batch\n"
           "                      before reading again\n"
           "  --config=FILE       lab commands to apply at start\n"
           "  --ctl=PATH          control socket\n"
           "  --platform=NAME     asic profile (default lab)\n"
           "  --state-file=FILE   keep tables across restarts\n"
           "  -v, --verbose       log debug messages\n"
           "\n"
           "Commands (see sim/lab.h): tunnel-ip, aging, bridge,\n"
           "bridge-remove, bind, unbind, fdb-remote, fdb-local, fdb-remove,\n"
           "flush, flood, link, dump-fdb, dump-flood, dump-bindings, "
           "dump-ports,\n"
           "resources, binding-stats, tunnel-stats, stats.\n"
           "\n"
           "Environment (vtepd's software dataplane reads the same):\n"
           "  VTEP_SIM_RING=frame|block|0  port receive rings: frame ring\n"
           "                      only, block ring only, none (default:\n"
           "                      both, the block ring during floods)\n"
           "  VTEP_SIM_TX_RING=0  no port transmit ring\n"
           "  VTEP_SIM_GSO_TAP=0  TCP super-frames to VXLAN as UDP_SEGMENT\n"
           "                      sends, not whole through a TAP device\n",
           program_name, program_name, program_name);
}

static int
parse_options(int argc, char *argv[], struct options *o)
{
    static const struct option long_options[] = {
        { "port", required_argument, NULL, 'p' },
        { "tunnel-ip", required_argument, NULL, 't' },
        { "aging", required_argument, NULL, 'a' },
        { "rx-usecs", required_argument, NULL, 'r' },
        { "config", required_argument, NULL, 'c' },
        { "ctl", required_argument, NULL, 'C' },
        { "platform", required_argument, NULL, 'P' },
        { "state-file", required_argument, NULL, 's' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof *o);
    o->platform = "lab";
    o->aging = -1;
    while ((c = getopt_long(argc, argv, "+vh", long_options, NULL)) != -1) {
        switch (c) {
        case 'p':
            o->ports = xrealloc(o->ports, (o->n_ports + 1) * sizeof *o->ports);
            o->ports[o->n_ports++] = optarg;
            break;
        case 't':
            o->tunnel_ip = optarg;
            break;
        case 'a':
            o->aging = atol(optarg);
            break;
        case 'r': {
            char *end;
            long usec = strtol(optarg, &end, 10);

            if (!*optarg || *end || usec < 0 || usec > SIM_RX_USECS_MAX) {
                fprintf(stderr,
                        "%s: --rx-usecs=%s: not a number of microseconds "
                        "from 0 to %d\n",
                        program_name, optarg, SIM_RX_USECS_MAX);
                return -EINVAL;
            }
            o->rx_usecs = usec ? (int) usec : SIM_RX_USECS_OFF;
            break;
        }
        case 'c':
            o->config = optarg;
            break;
        case 'C':
            o->ctl = optarg;
            break;
        case 'P':
            o->platform = optarg;
            break;
        case 's':
            o->state_file = optarg;
            break;
        case 'v':
            vlog_set_level(VLD_CONSOLE, VLL_DBG);
            break;
        case 'h':
            usage();
            exit(EXIT_SUCCESS);
        default:
            return -EINVAL;
        }
    }
    o->command = argv + optind;
    o->n_command = argc - optind;
    if (o->n_command && !o->ctl) {
        fprintf(stderr, "%s: a command needs --ctl\n", program_name);
        return -EINVAL;
    }
    return 0;
}

/* ---- Client mode -------------------------------------------------------- */

static int
ctl_connect(const char *path)
{
    struct sockaddr_un sun;
    int fd;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        return -ENAMETOOLONG;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -errno;
    }
    if (connect(fd, (struct sockaddr *) &sun, sizeof sun) < 0) {
        int error = -errno;

        close(fd);
        return error;
    }
    return fd;
}

/* Sends the command, prints the reply; exits 0 if the first reply line is
 * "OK". */
static int
run_client(const struct options *o)
{
    struct ds req = DS_EMPTY_INITIALIZER, reply = DS_EMPTY_INITIALIZER;
    const char *text;
    char buf[4096];
    ssize_t n;
    int fd, i, ok;

    fd = ctl_connect(o->ctl);
    if (fd < 0) {
        fprintf(stderr, "%s: %s: %s\n", program_name, o->ctl, strerror(-fd));
        return EXIT_FAILURE;
    }
    for (i = 0; i < o->n_command; i++) {
        ds_put_format(&req, "%s%s", i ? " " : "", o->command[i]);
    }
    ds_put_char(&req, '\n');
    if (write(fd, req.string, req.length) != (ssize_t) req.length) {
        fprintf(stderr, "%s: write failed\n", program_name);
        close(fd);
        return EXIT_FAILURE;
    }
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        ds_put_buffer(&reply, buf, (size_t) n);
    }
    close(fd);
    text = ds_cstr(&reply);
    ok = str_starts_with(text, "OK\n");
    fputs(ok ? text + 3 : text, ok ? stdout : stderr);
    ds_destroy(&req);
    ds_destroy(&reply);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}

/* ---- Control socket ----------------------------------------------------- */

/* Executes one control command: "stats" is the dataplane's, the rest are
 * lab commands. */
static int
execute(struct vtep_sim *vs, const char *line, struct ds *out)
{
    if (!strcmp(line, "stats")) {
        sim_format_stats(vs->sim, out);
        return 0;
    }
    return sim_lab_exec(vs->hal, line, out);
}

/* Serves one client: reads a line (it is a local tool; a client gets
 * CTL_TIMEOUT_S seconds to send it), replies "OK\n" and the output, or the
 * error text, and hangs up. */
static void
ctl_cb(struct ev_loop *loop, ev_io *w, int revents)
{
    struct vtep_sim *vs = container_of(w, struct vtep_sim, ctl_watcher);
    struct timeval tv = { CTL_TIMEOUT_S, 0 };
    struct ds out = DS_EMPTY_INITIALIZER, reply = DS_EMPTY_INITIALIZER;
    char req[CTL_MAX_REQUEST + 1] = "";
    size_t len = 0;
    int fd;

    fd = accept4(vs->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    while (len < CTL_MAX_REQUEST && !memchr(req, '\n', len)) {
        ssize_t n = read(fd, req + len, CTL_MAX_REQUEST - len);

        if (n <= 0) {
            break;
        }
        len += (size_t) n;
    }
    req[len] = '\0';
    req[strcspn(req, "\n")] = '\0';
    ds_put_cstr(&reply, "OK\n");
    if (execute(vs, req, &out)) {
        ds_clear(&reply); /* The error text alone, without "OK". */
    }
    ds_put_buffer(&reply, ds_cstr(&out), out.length);
    if (write(fd, ds_cstr(&reply), reply.length) < 0) {
        VLOG_WARN("control: reply lost (%s)", strerror(errno));
    }
    close(fd);
    ds_destroy(&out);
    ds_destroy(&reply);
}

static int
ctl_listen(struct vtep_sim *vs, const char *path)
{
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof sun.sun_path) {
        return -ENAMETOOLONG;
    }
    memcpy(sun.sun_path, path, strlen(path) + 1);
    unlink(path);
    vs->ctl_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (vs->ctl_fd < 0) {
        return -errno;
    }
    if (bind(vs->ctl_fd, (struct sockaddr *) &sun, sizeof sun) < 0
        || listen(vs->ctl_fd, 16) < 0) {
        return -errno;
    }
    ev_io_init(&vs->ctl_watcher, ctl_cb, vs->ctl_fd, EV_READ);
    ev_io_start(vs->loop, &vs->ctl_watcher);
    return 0;
}

/* ---- HAL events and clock ----------------------------------------------- */

static const char *
port_name(struct hal *hal, hal_oid_t oid, char *buf, size_t size)
{
    struct hal_port_info info;
    size_t i;

    for (i = 0; hal_port_get(hal, i, &info) == 0; i++) {
        if (info.oid == oid) {
            snprintf(buf, size, "%s", info.name);
            return buf;
        }
    }
    return "?";
}

static void
on_hal_events(const struct hal_event *events, size_t n, void *vs_)
{
    static const char *const names[] = {
        [HAL_EVENT_FDB_LEARNED] = "learned",
        [HAL_EVENT_FDB_AGED] = "aged",
        [HAL_EVENT_FDB_MOVED] = "moved",
        [HAL_EVENT_FDB_FLUSHED] = "flushed",
    };
    struct vtep_sim *vs = vs_;
    size_t i;

    for (i = 0; i < n; i++) {
        const struct hal_event *e = &events[i];
        struct hal_bridge_config bc;
        char port[HAL_NAME_MAX];

        if (e->type > HAL_EVENT_FDB_FLUSHED) {
            VLOG_INFO("HAL event %d", (int) e->type);
            continue;
        }
        if (hal_bridge_get(vs->hal, e->fdb.bridge, &bc)) {
            snprintf(bc.name, sizeof bc.name, "?");
        }
        VLOG_INFO("%s: " HAL_MAC_FMT " on %s vlan %u in %s", names[e->type],
                  HAL_MAC_ARGS(&e->fdb.mac),
                  port_name(vs->hal, e->fdb.port, port, sizeof port),
                  (unsigned) e->fdb.vlan, bc.name);
    }
}

static void
hal_timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
    struct vtep_sim *vs = container_of(w, struct vtep_sim, hal_timer);

    hal_run(vs->hal, time_msec());
}

/* Before the loop sleeps, arms the HAL timer for hal_next_wake(): frames
 * and commands handled in this iteration may have queued events. */
static void
prepare_cb(struct ev_loop *loop, ev_prepare *w, int revents)
{
    struct vtep_sim *vs = container_of(w, struct vtep_sim, prepare);
    int64_t wake = hal_next_wake(vs->hal);
    double delay;

    ev_timer_stop(loop, &vs->hal_timer);
    if (wake == INT64_MAX) {
        return;
    }
    delay = (double) (wake - time_msec()) / 1000.0;
    ev_timer_set(&vs->hal_timer, delay > 0 ? delay : 0, 0);
    ev_timer_start(loop, &vs->hal_timer);
}

static void
signal_cb(struct ev_loop *loop, ev_signal *w, int revents)
{
    ev_break(loop, EVBREAK_ALL);
}

/* ---- Start-up ----------------------------------------------------------- */

static int
apply_config_file(struct vtep_sim *vs, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[CTL_MAX_REQUEST];
    int lineno = 0;

    if (!f) {
        VLOG_ERR("%s: %s", path, strerror(errno));
        return -errno;
    }
    while (fgets(line, sizeof line, f)) {
        struct ds out = DS_EMPTY_INITIALIZER;
        int error;

        lineno++;
        error = sim_lab_exec(vs->hal, line, &out);
        if (error) {
            VLOG_ERR("%s:%d: %s", path, lineno, ds_cstr(&out));
            ds_destroy(&out);
            fclose(f);
            return error;
        }
        ds_destroy(&out);
    }
    fclose(f);
    return 0;
}

static int
open_hal(struct vtep_sim *vs, const struct options *o)
{
    struct hal_config hc = { .platform = o->platform,
                             .state_file = o->state_file,
                             .ports = o->ports,
                             .n_ports = o->n_ports };
    struct ds out = DS_EMPTY_INITIALIZER;
    int error;

    hal_register_provider(&hal_asic_provider);
    error = hal_open("asic", &hc, &vs->hal);
    if (error) {
        VLOG_ERR("cannot open the asic backend (%s)", hal_strerror(error));
        return error;
    }
    hal_set_event_cb(vs->hal, on_hal_events, vs);
    if (o->tunnel_ip) {
        char *cmd = xasprintf("tunnel-ip %s", o->tunnel_ip);

        error = sim_lab_exec(vs->hal, cmd, &out);
        free(cmd);
    }
    if (!error && o->aging >= 0) {
        char *cmd = xasprintf("aging %ld", o->aging);

        error = sim_lab_exec(vs->hal, cmd, &out);
        free(cmd);
    }
    if (error) {
        VLOG_ERR("%s", ds_cstr(&out));
    }
    ds_destroy(&out);
    return error;
}

static int
start(struct vtep_sim *vs, const struct options *o)
{
    struct sim_port_spec *specs = xcalloc(o->n_ports + 1, sizeof *specs);
    struct sim_config sc;
    size_t i;
    int error;

    error = open_hal(vs, o);
    if (!error && o->config) {
        error = apply_config_file(vs, o->config);
    }
    if (!error) {
        for (i = 0; i < o->n_ports; i++) {
            specs[i].name = o->ports[i];
            specs[i].kind = SIM_PORT_AUTO;
        }
        memset(&sc, 0, sizeof sc);
        sc.ports = specs;
        sc.n_ports = o->n_ports;
        sc.rx_usecs = o->rx_usecs;
        error = sim_create(vs->loop, vs->hal, &sc, &vs->sim);
    }
    if (!error && o->ctl) {
        error = ctl_listen(vs, o->ctl);
        if (error) {
            VLOG_ERR("%s: cannot listen (%s)", o->ctl, strerror(-error));
        }
    }
    free(specs);
    return error;
}

int
main(int argc, char *argv[])
{
    struct vtep_sim vs;
    struct options o;
    int error;

    set_program_name(argv[0]);
    if (parse_options(argc, argv, &o)) {
        return EXIT_FAILURE;
    }
    if (o.n_command) {
        free(o.ports);
        return run_client(&o);
    }

    signal(SIGPIPE, SIG_IGN);
    memset(&vs, 0, sizeof vs);
    vs.ctl_fd = -1;
    vs.loop = ev_default_loop(EVFLAG_AUTO);
    error = start(&vs, &o);
    if (!error) {
        ev_init(&vs.hal_timer, hal_timer_cb);
        ev_prepare_init(&vs.prepare, prepare_cb);
        ev_prepare_start(vs.loop, &vs.prepare);
        ev_signal_init(&vs.sigint, signal_cb, SIGINT);
        ev_signal_init(&vs.sigterm, signal_cb, SIGTERM);
        ev_signal_start(vs.loop, &vs.sigint);
        ev_signal_start(vs.loop, &vs.sigterm);
        VLOG_INFO("running with %zu ports", o.n_ports);
        ev_run(vs.loop, 0);
        VLOG_INFO("exiting");
    }

    sim_destroy(vs.sim);
    hal_close(vs.hal);
    if (vs.ctl_fd >= 0) {
        close(vs.ctl_fd);
        unlink(o.ctl);
    }
    free(o.ports);
    ev_loop_destroy(vs.loop);
    vlog_close();
    return error ? EXIT_FAILURE : EXIT_SUCCESS;
}
