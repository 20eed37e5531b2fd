/* SPDX-License-Identifier: Apache-2.0 */
/* vtep-cli: the operator's view of a vtepd switch.  Options, the command
 * tree, "?" help and shell completion; the commands live in show*.c and
 * config.c. */
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/rpc.h"
#include "lib/util.h"

typedef int cli_handler(struct cli_ctx *, int argc, char **argv);

/* A word of the command tree: either a handler (which takes the remaining
 * words) or children. */
struct cli_node {
    const char *word;
    const char *help;
    cli_handler *handler;
    const struct cli_node *children; /* Terminated by a NULL word. */
    const char *args;                /* Words the handler accepts, for help
                                      * and completion ("status counters"). */
};

static const struct cli_node show_vxlan[] = {
    { "tunnels", "remote VTEPs: MACs, flood lists, BFD",
      cli_show_vxlan_tunnels, NULL, NULL },
    { "vni", "VNIs and their logical switches", cli_show_vxlan_vni, NULL,
      NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_node show_ip[] = {
    { "route", "routes of the logical routers", cli_show_ip_route, NULL,
      NULL },
    { "router", "logical routers' counters (routed, dropped, ACL denied)",
      cli_show_ip_router, NULL, NULL },
    { "interfaces", "router interfaces: address, MAC, MTU, advertisements",
      cli_show_ip_interfaces, NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_node show_nodes[] = {
    { "version", "software versions", cli_show_version, NULL, NULL },
    { "platform", "switch identity and table capacities", cli_show_platform,
      NULL, NULL },
    { "interfaces", "front-panel ports [status|counters]", cli_show_interfaces,
      NULL, "status counters" },
    { "vxlan", "VXLAN tunnels and VNIs", NULL, show_vxlan, NULL },
    { "ip", "routing (logical routers)", NULL, show_ip, NULL },
    { "mac-address-table", "the FDB [vni N] [remote|local]", cli_show_mac,
      NULL, "vni remote local" },
    { "controller", "controllers (Manager rows) and their connections",
      cli_show_controller, NULL, NULL },
    { "resources", "hardware table use and capacity", cli_show_resources, NULL,
      NULL },
    { "acl", "ACL entries with hit counters and faults", cli_show_acl, NULL,
      NULL },
    { "logging", "the end of vtepd's log [lines N]", cli_show_logging, NULL,
      "lines" },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_node config_nodes[] = {
    { "save", "save the switch configuration [FILE]", cli_config_save, NULL,
      NULL },
    { "reload", "re-apply a saved configuration [FILE]", cli_config_reload,
      NULL, NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_node image_nodes[] = {
    { "list", "the image slots and which boots next", cli_image_list, NULL,
      NULL },
    { "install",
      "check a bundle and write it to the other slot "
      "URL|FILE [sha256 HEX] [force]",
      cli_image_install, NULL, "sha256 force" },
    { "boot-next", "boot a slot next, on trial [a|b]", cli_image_boot_next,
      NULL, "a b" },
    { "set-default", "the same as boot-next", cli_image_boot_next, NULL,
      "a b" },
    { NULL, NULL, NULL, NULL, NULL },
};

static const struct cli_node root_nodes[] = {
    { "show", "look at the switch", NULL, show_nodes, NULL },
    { "config", "save and reload the switch configuration", NULL, config_nodes,
      NULL },
    { "image", "firmware images (on the vtepd firmware)", NULL, image_nodes,
      NULL },
    { "reboot", "reboot the switch (on the vtepd firmware)", cli_reboot, NULL,
      NULL },
    { NULL, NULL, NULL, NULL, NULL },
};

/* Finds 'word' among 'nodes': an exact match, else a unique prefix (as
 * switch CLIs accept "sh ver"). */
static const struct cli_node *
find_node(const struct cli_node *nodes, const char *word)
{
    const struct cli_node *found = NULL;
    size_t n = 0;

    for (const struct cli_node *p = nodes; p->word; p++) {
        if (!strcmp(p->word, word)) {
            return p;
        }
        if (str_starts_with(p->word, word)) {
            found = p;
            n++;
        }
    }
    return n == 1 ? found : NULL;
}

static void
print_choices(const struct cli_node *nodes)
{
    for (const struct cli_node *p = nodes; p->word; p++) {
        printf("  %-20s %s\n", p->word, p->help);
    }
}

static void
usage(void)
{
    printf("%s: look at and operate a vtepd switch\n"
           "usage: %s [OPTIONS] COMMAND...\n"
           "\n"
           "Commands (a word may be shortened; '?' lists what may follow):\n"
           "  show version | platform | interfaces [status|counters]\n"
           "  show vxlan tunnels | vxlan vni\n"
           "  show mac-address-table [vni N] [remote|local]\n"
           "  show controller | resources | logging [lines N]\n"
           "  config save [FILE] | config reload [FILE]\n"
           "  image list | install URL|FILE [sha256 HEX] [force] | boot-next "
           "[a|b]\n"
           "  reboot\n"
           "\n"
           "Options:\n"
           "  --db=REMOTE      the database (default unix:run/db.sock, "
           "else\n"
           "                   unix:" CLI_SYSTEM_DIR "/db.sock)\n"
           "  --ctl=PATH       vtepd's control socket (default "
           "run/vtepd.ctl, else\n"
           "                   " CLI_SYSTEM_DIR "/vtepd.ctl)\n"
           "  --json           machine-readable output for 'show'\n"
           "  --timeout=SECS   give up after SECS seconds (default 10)\n"
           "  -h, --help       this help\n"
           "  -V, --version    the version\n",
           program_name, program_name);
}

/* Prints the completions of the last word of 'argv' (the words typed so
 * far, the last one possibly empty), one per line. */
static void
complete(int argc, char **argv)
{
    const struct cli_node *nodes = root_nodes;
    const char *prefix = argc ? argv[argc - 1] : "";

    for (int i = 0; i + 1 < argc; i++) {
        const struct cli_node *n = find_node(nodes, argv[i]);

        if (!n) {
            return;
        } else if (!n->children) {
            /* A handler's own words, e.g. "counters". */
            char *args = xstrdup(n->args ? n->args : ""), *save = NULL;

            for (char *w = strtok_r(args, " ", &save); w;
                 w = strtok_r(NULL, " ", &save)) {
                if (str_starts_with(w, prefix)) {
                    puts(w);
                }
            }
            free(args);
            return;
        }
        nodes = n->children;
    }
    for (const struct cli_node *p = nodes; p->word; p++) {
        if (str_starts_with(p->word, prefix)) {
            puts(p->word);
        }
    }
}

/* Walks the command words and runs the handler they name. */
static int
dispatch(struct cli_ctx *ctx, int argc, char **argv)
{
    const struct cli_node *nodes = root_nodes;

    for (int i = 0; i < argc; i++) {
        const struct cli_node *n;

        if (!strcmp(argv[i], "?")) {
            print_choices(nodes);
            return 0;
        }
        n = find_node(nodes, argv[i]);
        if (!n) {
            cli_error("%s: unknown or ambiguous command; one of:", argv[i]);
            print_choices(nodes);
            return 1;
        }
        if (n->handler) {
            if (i + 1 < argc && !strcmp(argv[argc - 1], "?")) {
                printf("  %s %s\n", n->word, n->args ? n->args : "");
                return 0;
            }
            return n->handler(ctx, argc - i - 1, argv + i + 1);
        }
        nodes = n->children;
    }
    cli_error("incomplete command; what follows is one of:");
    print_choices(nodes);
    return 1;
}

enum { OPT_DB = UCHAR_MAX + 1, OPT_CTL, OPT_JSON, OPT_TIMEOUT, OPT_COMPLETE };

static const struct option long_options[] = {
    { "db", required_argument, NULL, OPT_DB },
    { "ctl", required_argument, NULL, OPT_CTL },
    { "json", no_argument, NULL, OPT_JSON },
    { "timeout", required_argument, NULL, OPT_TIMEOUT },
    { "complete", no_argument, NULL, OPT_COMPLETE },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
};

/* Parses the options into 'ctx'.  Returns -1 to go on, else an exit
 * status.  '*ctl' receives a malloc'd "unix:PATH" remote. */
static int
parse_options(int argc, char **argv, struct cli_ctx *ctx, char **ctl,
              bool *completing)
{
    int c;

    /* '+': stop at the first command word, so "show mac vni 5" is not read
     * as options. */
    while ((c = getopt_long(argc, argv, "+hV", long_options, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            ctx->db_remote = optarg;
            break;
        case OPT_CTL:
            free(*ctl);
            *ctl = str_starts_with(optarg, "unix:")
                       ? xstrdup(optarg)
                       : xasprintf("unix:%s", optarg);
            break;
        case OPT_JSON:
            ctx->json = true;
            break;
        case OPT_TIMEOUT:
            ctx->timeout_ms = atoi(optarg) * 1000;
            if (ctx->timeout_ms <= 0) {
                return cli_error("--timeout=%s: not a number of seconds",
                                 optarg);
            }
            break;
        case OPT_COMPLETE:
            *completing = true;
            break;
        case 'h':
            usage();
            return 0;
        case 'V':
            printf("%s (vtepd) %s\n", program_name, VTEP_CLI_VERSION);
            return 0;
        default:
            return 1;
        }
    }
    return -1;
}

/* The vtepd to talk to without --db/--ctl: the one started from the
 * current directory ("make run") if there is one, else the system
 * service's (the Debian package and the firmware use /run/vtepd). */
static void
default_remotes(const char **db, char **ctl)
{
    bool local = !access("run/db.sock", F_OK);
    bool system = !access(CLI_SYSTEM_DIR "/db.sock", F_OK);

    if (!local && system) {
        *db = "unix:" CLI_SYSTEM_DIR "/db.sock";
        *ctl = xstrdup("unix:" CLI_SYSTEM_DIR "/vtepd.ctl");
    } else {
        *db = "unix:run/db.sock";
        *ctl = xstrdup("unix:run/vtepd.ctl");
    }
}

int
main(int argc, char *argv[])
{
    struct cli_ctx ctx = { .timeout_ms = 10000 };
    char *ctl;
    bool completing = false;
    int status;

    set_program_name(argv[0]);
    default_remotes(&ctx.db_remote, &ctl);
    status = parse_options(argc, argv, &ctx, &ctl, &completing);
    if (status < 0) {
        /* "--json" may also come after the command words. */
        int n = 0;

        for (int i = optind; i < argc; i++) {
            if (!strcmp(argv[i], "--json")) {
                ctx.json = true;
            } else {
                argv[optind + n++] = argv[i];
            }
        }
        ctx.ctl_remote = ctl;
        if (completing) {
            complete(n, argv + optind);
            status = 0;
        } else if (!n) {
            usage();
            status = 1;
        } else {
            status = dispatch(&ctx, n, argv + optind);
        }
    }
    cli_rpc_close(ctx.db);
    cli_rpc_close(ctx.ctl);
    free(ctl);
    return status;
}
