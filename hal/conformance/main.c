/* SPDX-License-Identifier: Apache-2.0 */
/* hal-conformance: runs the HAL conformance kit against a built-in backend
 * or a provider module.  Exit status 0 if no case failed, 1 if some did, 2
 * for a usage or loading error. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hal/asic/asic.h"
#include "hal/conformance/kit.h"
#include "hal/netdev/netdev.h"
#include "lib/util.h"
#include "lib/vlog.h"

static const char usage[] =
    "usage: %s --hal=NAME|FILE [OPTIONS]\n"
    "Runs every promise of hal/hal.h as a case against a HAL backend.\n"
    "  --hal=NAME|FILE      asic, netdev, a provider module FILE (with a "
    "'/'),\n"
    "                       or NAME.so in --hal-dir\n"
    "  --hal-dir=DIR        where to look for NAME.so\n"
    "  --platform=NAME      hal_config.platform (asic: trident2, tomahawk, "
    "lab)\n"
    "  --port=NAME          a front-panel port (repeatable; two needed)\n"
    "  --filter=GLOB        run only the cases whose name matches\n"
    "  --format=plain|tap   report format (default plain)\n"
    "  --list               list the cases and the promise each checks\n"
    "  -v, --verbose        show the backends' log messages\n";

struct args {
    struct kit_options kit;
    const char *hal;
    const char *hal_dir;
    const char **ports;
    bool list;
    bool verbose;
};

static void
list_case(const struct kit_case *c, void *aux)
{
    printf("%s\n    %s: \"%s\"\n", c->name, c->header, c->promise);
}

static int
parse(int argc, char *argv[], struct args *a)
{
    static const struct option options[] = {
        { "hal", required_argument, NULL, 'H' },
        { "hal-dir", required_argument, NULL, 'D' },
        { "platform", required_argument, NULL, 'P' },
        { "port", required_argument, NULL, 'p' },
        { "filter", required_argument, NULL, 'f' },
        { "format", required_argument, NULL, 'F' },
        { "list", no_argument, NULL, 'l' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    while ((c = getopt_long(argc, argv, "hv", options, NULL)) != -1) {
        if (c == 'H') {
            a->hal = optarg;
        } else if (c == 'D') {
            a->hal_dir = optarg;
        } else if (c == 'P') {
            a->kit.platform = optarg;
        } else if (c == 'p') {
            a->ports =
                xrealloc(a->ports, (a->kit.n_ports + 1) * sizeof *a->ports);
            a->ports[a->kit.n_ports++] = optarg;
        } else if (c == 'f') {
            a->kit.filter = optarg;
        } else if (c == 'F' && !strcmp(optarg, "tap")) {
            a->kit.format = KIT_TAP;
        } else if (c == 'F' && !strcmp(optarg, "plain")) {
            a->kit.format = KIT_PLAIN;
        } else if (c == 'l') {
            a->list = true;
        } else if (c == 'v') {
            a->verbose = true;
        } else {
            fprintf(stderr, usage, argv[0]);
            return c == 'h' ? 0 : 2;
        }
    }
    a->kit.ports = a->ports;
    if (!a->list && (!a->hal || optind != argc)) {
        fprintf(stderr, usage, argv[0]);
        return 2;
    }
    return -1;
}

/* Registers the built-in backends, finds or loads the one '--hal' names
 * and runs the kit.  Returns the exit status. */
static int
run(struct args *a, const char *program)
{
    struct ds err = DS_EMPTY_INITIALIZER;
    int status;

    /* The backends' start-up lines would drown the report; warnings stay. */
    vlog_set_level(VLD_CONSOLE, a->verbose ? VLL_DBG : VLL_WARN);
    hal_register_provider(&hal_asic_provider);
    hal_register_provider(&hal_netdev_provider);
    if (hal_provider_resolve(a->hal, a->hal_dir, &a->kit.backend, &err)) {
        fprintf(stderr, "%s: %s\n", program, ds_cstr(&err));
        status = 2;
    } else {
        status = kit_run_all(&a->kit) ? 1 : 0;
    }
    ds_destroy(&err);
    return status;
}

int
main(int argc, char *argv[])
{
    struct args a = { .kit.format = KIT_PLAIN };
    int status = parse(argc, argv, &a);

    if (status < 0 && a.list) {
        kit_for_each_case(list_case, NULL);
        status = 0;
    } else if (status < 0) {
        status = run(&a, argv[0]);
    }
    free(a.ports);
    return status;
}
