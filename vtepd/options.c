/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/options.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fileio.h"
#include "lib/util.h"
#include "sim/sim.h"
#include "vtepd/paths.h"

struct vtepd_features vtepd_features;

enum {
    OPT_REMOTE = UCHAR_MAX + 1,
    OPT_PRIVATE_KEY,
    OPT_CERTIFICATE,
    OPT_CA_CERT,
    OPT_HAL,
    OPT_HAL_DIR,
    OPT_SCHEMA,
    OPT_PLATFORM,
    OPT_SWITCH_NAME,
    OPT_TUNNEL_IP,
    OPT_MANAGEMENT_IP,
    OPT_PORT,
    OPT_UNIXCTL,
    OPT_PIDFILE,
    OPT_DETACH,
    OPT_LOG_FILE,
    OPT_SYSLOG,
    OPT_BUSY_POLL,
    OPT_DP_THREAD,
    OPT_DP_RX_USECS,
    OPT_MAX_SESSIONS,
    OPT_METRICS,
    OPT_DB,
};

static const struct option long_options[] = {
    { "remote", required_argument, NULL, OPT_REMOTE },
    { "private-key", required_argument, NULL, OPT_PRIVATE_KEY },
    { "certificate", required_argument, NULL, OPT_CERTIFICATE },
    { "ca-cert", required_argument, NULL, OPT_CA_CERT },
    { "hal", required_argument, NULL, OPT_HAL },
    { "hal-dir", required_argument, NULL, OPT_HAL_DIR },
    { "schema", required_argument, NULL, OPT_SCHEMA },
    { "platform", required_argument, NULL, OPT_PLATFORM },
    { "switch-name", required_argument, NULL, OPT_SWITCH_NAME },
    { "tunnel-ip", required_argument, NULL, OPT_TUNNEL_IP },
    { "management-ip", required_argument, NULL, OPT_MANAGEMENT_IP },
    { "port", required_argument, NULL, OPT_PORT },
    { "unixctl", required_argument, NULL, OPT_UNIXCTL },
    { "pidfile", optional_argument, NULL, OPT_PIDFILE },
    { "detach", no_argument, NULL, OPT_DETACH },
    { "log-file", optional_argument, NULL, OPT_LOG_FILE },
    { "syslog", optional_argument, NULL, OPT_SYSLOG },
    { "busy-poll", required_argument, NULL, OPT_BUSY_POLL },
    { "dataplane-thread", required_argument, NULL, OPT_DP_THREAD },
    { "dataplane-rx-usecs", required_argument, NULL, OPT_DP_RX_USECS },
    { "max-sessions", required_argument, NULL, OPT_MAX_SESSIONS },
    { "metrics", required_argument, NULL, OPT_METRICS },
    { "db", required_argument, NULL, OPT_DB },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

static const char usage_text[] =
    "%s: hardware VTEP emulator serving the hardware_vtep OVSDB schema\n"
    "usage: %s [OPTIONS] [DATABASE]\n"
    "where DATABASE is a database file (default: run/vtep.db), created from\n"
    "the built-in hardware_vtep schema when missing.\n"
    "\n"
    "Remotes (repeatable; default ptcp:6640:127.0.0.1 and "
    "punix:run/db.sock):\n"
    "  --remote=punix:PATH         listen on Unix socket PATH\n"
    "  --remote=ptcp:PORT[:IP]     listen on TCP PORT (IP default 0.0.0.0)\n"
    "  --remote=pssl:PORT[:IP]     listen for TLS on PORT\n"
    "  --remote=unix:PATH          connect to PATH, reconnecting with "
    "backoff\n"
    "  --remote=tcp:IP:PORT        connect to IP:PORT, likewise\n"
    "  --remote=ssl:IP:PORT        connect with TLS, likewise\n"
    "  --remote=db:hardware_vtep,Global,managers\n"
    "                              dial or listen on the targets of the "
    "Manager\n"
    "                              rows as the table changes "
    "(db:DB,TABLE,COLUMN)\n"
    "Client mode (the database is served elsewhere; no DATABASE file, and no\n"
    "listeners unless --remote is given):\n"
    "  --db=REMOTE[,REMOTE...]     follow the hardware_vtep database at "
    "these\n"
    "                              remotes (tcp:IP:PORT, ssl:IP:PORT, "
    "unix:PATH),\n"
    "                              an ovsdb-server or a Raft cluster\n"
    "TLS:\n"
    "  --private-key=FILE --certificate=FILE --ca-cert=FILE\n"
    "Forwarding:\n"
    "  --hal=asic|netdev|none      backend (default asic; none = plain "
    "OVSDB)\n"
    "  --hal=FILE.so|NAME          a loadable backend: a file (with a '/'), "
    "or\n"
    "                              NAME.so in the provider directory\n"
    "  --hal-dir=DIR               provider directory (default " VTEPD_HAL_DIR
    ")\n"
    "  --schema=FILE               serve another schema (with --hal=none)\n"
    "  --platform=NAME|FILE        asic port list and table sizes\n"
    "  --platform=KEY=N[,KEY=N]    netdev ACL rules: acl_ingress_entries,\n"
    "                              acl_egress_entries\n"
    "  --switch-name=NAME          Physical_Switch name (default: host name)\n"
    "  --tunnel-ip=IP              VXLAN tunnel source address (IPv4)\n"
    "  --management-ip=IP          management address to advertise\n"
    "  --port=NAME                 front-panel port on Linux interface NAME\n"
    "                              (repeatable)\n"
    "Daemon:\n"
    "  --metrics=ptcp:PORT[:IP]    Prometheus metrics over HTTP (default "
    "off)\n"
    "  --unixctl=PATH              control socket (default: DBDIR/vtepd.ctl)\n"
    "  --pidfile[=FILE]            write a pid file (default: "
    "DBDIR/vtepd.pid)\n"
    "  --detach                    run in the background\n"
    "  --log-file[=FILE]           log to FILE (default: DBDIR/vtepd.log)\n"
    "  --syslog[=IDENT]            log to syslog as IDENT\n"
    "  --busy-poll=USEC            after handling work, poll without "
    "sleeping for\n"
    "                              USEC microseconds (default 0: sleep at "
    "once)\n"
    "  --max-sessions=N            accept at most N OVSDB sessions; more "
    "are closed\n"
    "                              at once (default: the descriptor limit "
    "less 64)\n"
    "  --dataplane-thread=off|idle|batch|normal\n"
    "                              run the software dataplane in a thread "
    "of its\n"
    "                              own at this scheduling priority "
    "(default idle)\n"
    "  --dataplane-rx-usecs=USEC   during a VXLAN flood, wait USEC "
    "microseconds\n"
    "                              for a fuller batch before reading again "
    "(0 to\n"
    "                              100, 0 = off; default 20)\n"
    "  -v, --verbose               log debug messages\n"
    "  -h, --help                  show this help and exit\n"
    "  -V, --version               show the version and exit\n";

const char *
vtepd_dp_thread_name(enum vtepd_dp_thread mode)
{
    switch (mode) {
    case VTEPD_DP_THREAD_OFF:
        return "off";
    case VTEPD_DP_THREAD_IDLE:
        return "idle";
    case VTEPD_DP_THREAD_BATCH:
        return "batch";
    case VTEPD_DP_THREAD_NORMAL:
        return "normal";
    }
    return "?";
}

size_t
vtepd_default_max_sessions(unsigned long long fd_limit)
{
    unsigned long long reserve = MIN(VTEPD_FD_RESERVE, fd_limit / 2);
    unsigned long long n = fd_limit - reserve;

    return (size_t) MAX(1, MIN(n, VTEPD_MAX_SESSIONS_LIMIT));
}

static bool
parse_port_number(const char *s, bool allow_zero)
{
    char *end;
    long port;

    if (!*s) {
        return false;
    }
    port = strtol(s, &end, 10);
    return !*end && port >= (allow_zero ? 0 : 1) && port <= 65535;
}

static bool
is_ip_address(const char *s)
{
    unsigned char buf[sizeof(struct in6_addr)];
    size_t len = strlen(s);

    if (len > 2 && s[0] == '[' && s[len - 1] == ']') {
        char *inner = xstrndup(s + 1, len - 2);
        bool ok = inet_pton(AF_INET6, inner, buf) == 1;

        free(inner);
        return ok;
    }
    return inet_pton(AF_INET, s, buf) == 1 || inet_pton(AF_INET6, s, buf) == 1;
}

/* Splits "HOST:PORT" where HOST may be a bracketed IPv6 address.  Returns
 * false if there is no port.  '*host' is newly allocated. */
static bool
split_host_port(const char *s, char **host, const char **port)
{
    const char *colon;

    if (s[0] == '[') {
        const char *close = strchr(s, ']');

        if (!close || close[1] != ':') {
            return false;
        }
        colon = close + 1;
    } else {
        colon = strrchr(s, ':');
        if (!colon) {
            return false;
        }
    }
    *host = xstrndup(s, (size_t) (colon - s));
    *port = colon + 1;
    return true;
}

/* Checks the syntax of a remote; on error appends a message to 'err'. */
static bool
check_remote(const char *remote, struct ds *err)
{
    const char *arg = strchr(remote, ':');
    size_t kind_len = arg ? (size_t) (arg - remote) : 0;
    char kind[8] = "";
    bool ok = false;

    if (arg && kind_len < sizeof kind) {
        memcpy(kind, remote, kind_len);
        kind[kind_len] = '\0';
        arg++;
    }
    if (!strcmp(kind, "punix") || !strcmp(kind, "unix")) {
        ok = *arg != '\0';
    } else if (!strcmp(kind, "ptcp") || !strcmp(kind, "pssl")) {
        /* PORT[:IP], where IP may be IPv6, optionally bracketed. */
        const char *colon = strchr(arg, ':');
        char *port =
            colon ? xstrndup(arg, (size_t) (colon - arg)) : xstrdup(arg);

        ok = parse_port_number(port, true)
             && (!colon || is_ip_address(colon + 1));
        free(port);
    } else if (!strcmp(kind, "tcp") || !strcmp(kind, "ssl")) {
        char *host;
        const char *port;

        if (split_host_port(arg, &host, &port)) {
            ok = is_ip_address(host) && parse_port_number(port, false);
            free(host);
        }
    } else if (!strcmp(kind, "db")) {
        /* db:DATABASE,TABLE,COLUMN */
        const char *c1 = strchr(arg, ',');
        const char *c2 = c1 ? strchr(c1 + 1, ',') : NULL;

        ok = c1 && c2 && c1 > arg && c2 > c1 + 1 && c2[1]
             && !strchr(c2 + 1, ',');
    } else {
        ds_put_format(err,
                      "%s: unknown remote type (expected punix:, ptcp:, "
                      "pssl:, unix:, tcp:, ssl: or db:)",
                      remote);
        return false;
    }
    if (!ok) {
        ds_put_format(err, "%s: malformed %s: remote", remote, kind);
    }
    return ok;
}

static bool
check_port_name(const char *name, struct ds *err)
{
    size_t len = strlen(name);

    if (!len || len >= IFNAMSIZ || strchr(name, '/')
        || strpbrk(name, " \t\n:")) {
        ds_put_format(err, "--port=%s: not a valid interface name", name);
        return false;
    }
    return true;
}

static void
push(char ***array, size_t *n, const char *s)
{
    *array = xrealloc(*array, (*n + 1) * sizeof **array);
    (*array)[(*n)++] = xstrdup(s);
}

static void
replace(char **field, const char *value)
{
    free(*field);
    *field = xstrdup(value);
}

/* A provider NAME (looked up as NAME.so) is a plain word, so that a typo
 * of a path or a stray option value is not mistaken for one. */
static bool
is_provider_name(const char *s)
{
    return *s
           && s[strspn(s, "abcdefghijklmnopqrstuvwxyz"
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")]
                  == '\0';
}

static enum vtepd_options_result
parse_hal(struct vtepd_options *opts, const char *arg, struct ds *err)
{
    opts->hal_given = true;
    free(opts->hal_provider);
    opts->hal_provider = NULL;
    if (!strcmp(arg, "asic")) {
        opts->hal = VTEPD_HAL_ASIC;
    } else if (!strcmp(arg, "netdev")) {
        opts->hal = VTEPD_HAL_NETDEV;
    } else if (!strcmp(arg, "none")) {
        opts->hal = VTEPD_HAL_NONE;
    } else if (strchr(arg, '/') || is_provider_name(arg)) {
        opts->hal = VTEPD_HAL_PROVIDER;
        opts->hal_provider = xstrdup(arg);
    } else {
        ds_put_format(err,
                      "--hal=%s: expected asic, netdev, none, a provider "
                      "NAME or a provider FILE (with a '/')",
                      arg);
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    return VTEPD_OPTIONS_RUN;
}

static void
free_array(char **array, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        free(array[i]);
    }
    free(array);
}

/* Splits --db=REMOTE[,REMOTE...] into 'opts->db_remotes', checking that
 * each is an active remote.  Returns false with the reason in 'err'. */
static bool
parse_db_remotes(struct vtepd_options *opts, const char *arg, struct ds *err)
{
    char *copy = xstrdup(arg), *save = NULL;
    bool ok = true;

    free_array(opts->db_remotes, opts->n_db_remotes);
    opts->db_remotes = NULL;
    opts->n_db_remotes = 0;
    for (char *r = strtok_r(copy, ",", &save); r && ok;
         r = strtok_r(NULL, ",", &save)) {
        if (!str_starts_with(r, "tcp:") && !str_starts_with(r, "ssl:")
            && !str_starts_with(r, "unix:")) {
            ds_put_format(err,
                          "--db=%s: %s is not an active remote (expected "
                          "tcp:IP:PORT, ssl:IP:PORT or unix:PATH)",
                          arg, r);
            ok = false;
        } else if (!check_remote(r, err)) {
            ok = false;
        } else {
            push(&opts->db_remotes, &opts->n_db_remotes, r);
        }
    }
    if (ok && !opts->n_db_remotes) {
        ds_put_format(err, "--db=%s: no remote given", arg);
        ok = false;
    }
    free(copy);
    return ok;
}

static enum vtepd_options_result
parse_option(struct vtepd_options *opts, int c, const char *arg,
             struct ds *out, struct ds *err)
{
    switch (c) {
    case OPT_REMOTE:
        if (!check_remote(arg, err)) {
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        push(&opts->remotes, &opts->n_remotes, arg);
        break;
    case OPT_DB:
        if (!parse_db_remotes(opts, arg, err)) {
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        break;
    case OPT_PRIVATE_KEY:
        replace(&opts->private_key, arg);
        break;
    case OPT_CERTIFICATE:
        replace(&opts->certificate, arg);
        break;
    case OPT_CA_CERT:
        replace(&opts->ca_cert, arg);
        break;
    case OPT_HAL:
        return parse_hal(opts, arg, err);
    case OPT_HAL_DIR:
        replace(&opts->hal_dir, arg);
        break;
    case OPT_SCHEMA:
        replace(&opts->schema, arg);
        break;
    case OPT_PLATFORM:
        replace(&opts->platform, arg);
        break;
    case OPT_SWITCH_NAME:
        if (!*arg) {
            ds_put_cstr(err, "--switch-name: the name must not be empty");
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        replace(&opts->switch_name, arg);
        break;
    case OPT_TUNNEL_IP: {
        struct in_addr addr;

        if (inet_pton(AF_INET, arg, &addr) != 1) {
            ds_put_format(err,
                          "--tunnel-ip=%s: not an IPv4 address "
                          "(hardware_vtep tunnels are vxlan_over_ipv4)",
                          arg);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        replace(&opts->tunnel_ip, arg);
        break;
    }
    case OPT_MANAGEMENT_IP:
        if (!is_ip_address(arg)) {
            ds_put_format(err, "--management-ip=%s: not an IP address", arg);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        replace(&opts->management_ip, arg);
        break;
    case OPT_PORT:
        if (!check_port_name(arg, err)) {
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        push(&opts->ports, &opts->n_ports, arg);
        break;
    case OPT_UNIXCTL:
        opts->unixctl_given = true;
        replace(&opts->unixctl, arg);
        break;
    case OPT_PIDFILE:
        /* An empty string means "the default", filled in later. */
        replace(&opts->pidfile, arg ? arg : "");
        break;
    case OPT_DETACH:
        opts->detach = true;
        break;
    case OPT_LOG_FILE:
        replace(&opts->log_file, arg ? arg : "");
        break;
    case OPT_SYSLOG:
        replace(&opts->syslog_ident, arg ? arg : "vtepd");
        break;
    case OPT_BUSY_POLL: {
        char *end;
        long usec = strtol(arg, &end, 10);

        if (!*arg || *end || usec < 0 || usec > 1000000) {
            ds_put_format(err,
                          "--busy-poll=%s: not a number of microseconds "
                          "from 0 to 1000000",
                          arg);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        opts->busy_poll_usec = (unsigned int) usec;
        break;
    }
    case OPT_DP_THREAD: {
        static const enum vtepd_dp_thread modes[] = {
            VTEPD_DP_THREAD_OFF,
            VTEPD_DP_THREAD_IDLE,
            VTEPD_DP_THREAD_BATCH,
            VTEPD_DP_THREAD_NORMAL,
        };
        size_t i;

        for (i = 0; i < ARRAY_SIZE(modes); i++) {
            if (!strcmp(arg, vtepd_dp_thread_name(modes[i]))) {
                break;
            }
        }
        if (i == ARRAY_SIZE(modes)) {
            ds_put_format(err,
                          "--dataplane-thread=%s: not off, idle, batch or "
                          "normal",
                          arg);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        opts->dp_thread = modes[i];
        break;
    }
    case OPT_DP_RX_USECS: {
        char *end;
        long usec = strtol(arg, &end, 10);

        if (!*arg || *end || usec < 0 || usec > SIM_RX_USECS_MAX) {
            ds_put_format(err,
                          "--dataplane-rx-usecs=%s: not a number of "
                          "microseconds from 0 to %d",
                          arg, SIM_RX_USECS_MAX);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        opts->dp_rx_usecs = usec ? (int) usec : SIM_RX_USECS_OFF;
        break;
    }
    case OPT_MAX_SESSIONS: {
        char *end;
        long n = strtol(arg, &end, 10);

        if (!*arg || *end || n < 1 || n > VTEPD_MAX_SESSIONS_LIMIT) {
            ds_put_format(err, "--max-sessions=%s: not a number from 1 to %d",
                          arg, VTEPD_MAX_SESSIONS_LIMIT);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        opts->max_sessions = (size_t) n;
        break;
    }
    case OPT_METRICS: {
        /* The syntax of a ptcp: remote; check_remote()'s own message
         * would speak of remotes, so it goes to a scratch string. */
        struct ds why = DS_EMPTY_INITIALIZER;
        bool ok = str_starts_with(arg, "ptcp:") && check_remote(arg, &why);

        ds_destroy(&why);
        if (!ok) {
            ds_put_format(err, "--metrics=%s: expected ptcp:PORT[:IP]", arg);
            return VTEPD_OPTIONS_EXIT_ERROR;
        }
        replace(&opts->metrics, arg);
        break;
    }
    case 'v':
        opts->verbosity++;
        break;
    case 'h':
        ds_put_format(out, usage_text, program_name, program_name);
        return VTEPD_OPTIONS_EXIT_OK;
    case 'V':
        ds_put_format(out, "%s (vtepd) %s\nhardware_vtep schema 1.7.0\n",
                      program_name, VTEPD_VERSION);
        return VTEPD_OPTIONS_EXIT_OK;
    default:
        /* getopt_long() has already printed why. */
        ds_put_format(err, "try '%s --help' for more information",
                      program_name);
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    return VTEPD_OPTIONS_RUN;
}

/* Checks that the provider module --hal names exists, so that a typo fails
 * here, before anything is created, rather than once the database is open.
 * (The loader, at start-up, says why a module that exists does not load.) */
static enum vtepd_options_result
check_provider(const struct vtepd_options *opts, struct ds *err)
{
    const char *spec = opts->hal_provider;
    const char *dir = opts->hal_dir ? opts->hal_dir : VTEPD_HAL_DIR;
    char *path;
    bool found;

    if (opts->hal != VTEPD_HAL_PROVIDER) {
        return VTEPD_OPTIONS_RUN;
    }
    path =
        strchr(spec, '/') ? xstrdup(spec) : xasprintf("%s/%s.so", dir, spec);
    found = !access(path, R_OK);
    if (!found && strchr(spec, '/')) {
        ds_put_format(err, "--hal=%s: no such provider module file", spec);
    } else if (!found) {
        ds_put_format(err,
                      "--hal=%s: expected asic, netdev, none, a provider "
                      "FILE (with a '/') or the NAME of a provider module, "
                      "but there is no %s",
                      spec, path);
    }
    free(path);
    return found ? VTEPD_OPTIONS_RUN : VTEPD_OPTIONS_EXIT_ERROR;
}

static enum vtepd_options_result
check_combinations(struct vtepd_options *opts, struct ds *err)
{
    if (check_provider(opts, err) != VTEPD_OPTIONS_RUN) {
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    if (opts->n_db_remotes && opts->schema) {
        ds_put_cstr(err, "--db (client mode) follows a hardware_vtep "
                         "database; --schema does not apply");
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    if (opts->schema && opts->hal != VTEPD_HAL_NONE) {
        ds_put_cstr(err, "--schema serves a schema other than hardware_vtep, "
                         "so it requires --hal=none");
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    return VTEPD_OPTIONS_RUN;
}

static void
fill_defaults(struct vtepd_options *opts)
{
    if (!opts->database) {
        opts->database = xstrdup("run/vtep.db");
    }
    if (!opts->n_remotes && !opts->n_db_remotes) {
        char *dir = file_dir_name(opts->database);
        char *sock = xasprintf("punix:%s/db.sock", dir);

        opts->default_remotes = true;
        push(&opts->remotes, &opts->n_remotes, "ptcp:6640:127.0.0.1");
        push(&opts->remotes, &opts->n_remotes, sock);
        free(sock);
        free(dir);
    }
    if (!opts->unixctl) {
        opts->unixctl = vtepd_path_beside(opts->database, "vtepd.ctl");
    }
    if (opts->pidfile && !*opts->pidfile) {
        free(opts->pidfile);
        opts->pidfile = vtepd_path_beside(opts->database, "vtepd.pid");
    }
    if (opts->log_file && !*opts->log_file) {
        free(opts->log_file);
        opts->log_file = vtepd_path_beside(opts->database, "vtepd.log");
    }
}

enum vtepd_options_result
vtepd_options_parse(struct vtepd_options *opts, int argc, char *argv[],
                    struct ds *out, struct ds *err)
{
    enum vtepd_options_result result = VTEPD_OPTIONS_RUN;
    int c;

    memset(opts, 0, sizeof *opts);
    opts->hal = VTEPD_HAL_ASIC;
    opts->busy_poll_usec = VTEPD_DEFAULT_BUSY_POLL_USEC;
    opts->dp_thread = VTEPD_DEFAULT_DP_THREAD;

    /* Restart GNU getopt from scratch (tests parse repeatedly).  Without a
     * leading '+' GNU getopt permutes, so the DATABASE operand may come
     * before, between or after the options, as with ovsdb-server; "--" ends
     * the options. */
    optind = 0;
    while ((c = getopt_long(argc, argv, "vhV", long_options, NULL)) != -1) {
        result = parse_option(opts, c, optarg, out, err);
        if (result != VTEPD_OPTIONS_RUN) {
            return result;
        }
    }
    if (argc - optind > 1) {
        ds_put_cstr(err, "at most one DATABASE argument is allowed");
        return VTEPD_OPTIONS_EXIT_ERROR;
    }
    if (argc - optind == 1) {
        opts->database = xstrdup(argv[optind]);
    }
    result = check_combinations(opts, err);
    if (result == VTEPD_OPTIONS_RUN) {
        fill_defaults(opts);
    }
    return result;
}

void
vtepd_options_destroy(struct vtepd_options *opts)
{
    if (!opts) {
        return;
    }
    free(opts->database);
    free_array(opts->remotes, opts->n_remotes);
    free_array(opts->db_remotes, opts->n_db_remotes);
    free(opts->private_key);
    free(opts->certificate);
    free(opts->ca_cert);
    free(opts->hal_provider);
    free(opts->hal_dir);
    free(opts->schema);
    free(opts->platform);
    free(opts->switch_name);
    free(opts->tunnel_ip);
    free(opts->management_ip);
    free_array(opts->ports, opts->n_ports);
    free(opts->unixctl);
    free(opts->pidfile);
    free(opts->log_file);
    free(opts->syslog_ident);
    free(opts->metrics);
    memset(opts, 0, sizeof *opts);
}

const char *
vtepd_hal_name(enum vtepd_hal hal)
{
    switch (hal) {
    case VTEPD_HAL_ASIC:
        return "asic";
    case VTEPD_HAL_NETDEV:
        return "netdev";
    case VTEPD_HAL_NONE:
        return "none";
    case VTEPD_HAL_PROVIDER:
        return "provider";
    }
    return "?";
}

static const char *
unimplemented_remote(const char *remote)
{
    const struct vtepd_features *f = &vtepd_features;

    if (str_starts_with(remote, "pssl:") || str_starts_with(remote, "ssl:")) {
        return f->tls ? NULL : "--remote=pssl:/ssl: (TLS)";
    }
    if (str_starts_with(remote, "db:")) {
        return f->db_remotes ? NULL
                             : "--remote=db: (remotes from the database)";
    }
    return f->ovsdb_server ? NULL : "--remote (the OVSDB server)";
}

const char *
vtepd_options_unimplemented(const struct vtepd_options *opts)
{
    const struct vtepd_features *f = &vtepd_features;
    size_t i;

    if (!opts->default_remotes) {
        for (i = 0; i < opts->n_remotes; i++) {
            const char *what = unimplemented_remote(opts->remotes[i]);

            if (what) {
                return what;
            }
        }
    }
    if ((opts->private_key || opts->certificate || opts->ca_cert) && !f->tls) {
        return "--private-key/--certificate/--ca-cert (TLS)";
    }
    if (opts->schema && !f->ovsdb_server) {
        return "--schema (the OVSDB server)";
    }
    if (opts->hal == VTEPD_HAL_NETDEV && !f->hal_netdev) {
        return "--hal=netdev";
    }
    if (opts->hal == VTEPD_HAL_ASIC && opts->hal_given && !f->hal_asic) {
        return "--hal=asic";
    }
    if ((opts->switch_name || opts->tunnel_ip || opts->management_ip)
        && !f->reconciler) {
        return "--switch-name/--tunnel-ip/--management-ip (the reconciler)";
    }
    if (opts->unixctl_given && !f->unixctl) {
        return "--unixctl (the control socket)";
    }
    if (opts->platform && !f->hal_asic) {
        return "--platform (the asic backend)";
    }
    if (opts->n_ports && !f->ports) {
        return "--port";
    }
    return NULL;
}
