/* SPDX-License-Identifier: Apache-2.0 */
/* "image ..." and "reboot": the firmware's A/B image slots.  The slots,
 * the bundle check and the trial boot belong to the firmware's own tool
 * (CLI_IMAGE_TOOL, firmware/rootfs/usr/sbin/vtep-tor-image); this file
 * runs it and presents what it says. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli/cli.h"
#include "lib/util.h"

/* The longest line of the tool's "list" output read whole. */
#define IMAGE_LINE_MAX 1024

static bool
on_firmware(void)
{
    return access(CLI_FIRMWARE_RELEASE, F_OK) == 0;
}

static int
refuse_off_firmware(const char *what)
{
    return cli_error("%s: not running on the vtepd firmware (no %s); on a "
                     "Linux host vtepd is upgraded with its Debian package",
                     what, CLI_FIRMWARE_RELEASE);
}

/* Runs the image tool with 'argv' (NULL-terminated, argv[0] the tool),
 * its output and errors going to ours.  Returns its exit status. */
static int
run_tool(char *const *argv)
{
    int status;
    pid_t pid;

    fflush(stdout);
    pid = fork();
    if (pid < 0) {
        return cli_error("fork: %s", strerror(errno));
    } else if (!pid) {
        execv(argv[0], argv);
        fprintf(stderr, "vtep-cli: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return cli_error("waitpid: %s", strerror(errno));
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

/* Adds to 't' the slot described by the tool's tab-separated 'line' (slot,
 * version, kernel, status, signature), or copies the text of its "policy"
 * line into 'policy' and the version of its "highest" line into 'highest'
 * ("-": none known, left empty); ignores a malformed line. */
static void
add_slot(struct cli_table *t, char *line, char *policy, char *highest,
         size_t size)
{
    char *fields[5], *save = NULL;
    size_t n = 0;

    line[strcspn(line, "\n")] = '\0';
    if (!strncmp(line, "policy\t", 7)) {
        snprintf(policy, size, "%s", line + 7);
        return;
    } else if (!strncmp(line, "highest\t", 8)) {
        snprintf(highest, size, "%s", strcmp(line + 8, "-") ? line + 8 : "");
        return;
    }
    for (char *f = strtok_r(line, "\t", &save); f && n < 5;
         f = strtok_r(NULL, "\t", &save)) {
        fields[n++] = f;
    }
    if (n != 5) {
        return;
    }
    cli_table_add(t,
                  (json_t *[]){
                      json_string(fields[0]),
                      strcmp(fields[1], "-") ? json_string(fields[1]) : NULL,
                      strcmp(fields[2], "-") ? json_string(fields[2]) : NULL,
                      strcmp(fields[3], "-") ? json_string(fields[3]) : NULL,
                      strcmp(fields[4], "-") ? json_string(fields[4]) : NULL,
                  });
}

int
cli_image_list(struct cli_ctx *ctx, int argc, char **argv)
{
    static const char *const columns[] = {
        "slot:Slot",     "version:Version",     "kernel:Kernel",
        "status:Status", "signature:Signature", NULL,
    };
    struct cli_table *t;
    char line[IMAGE_LINE_MAX], policy[IMAGE_LINE_MAX] = "";
    char highest[IMAGE_LINE_MAX] = "";
    FILE *out;
    int status;

    (void) argv;
    if (argc) {
        return cli_error("usage: image list");
    } else if (!on_firmware()) {
        return refuse_off_firmware("image list");
    }
    fflush(stdout);
    out = popen(CLI_IMAGE_TOOL " list", "r");
    if (!out) {
        return cli_error("%s: %s", CLI_IMAGE_TOOL, strerror(errno));
    }
    t = cli_table_create(columns);
    while (fgets(line, sizeof line, out)) {
        add_slot(t, line, policy, highest, sizeof line);
    }
    status = pclose(out);
    if (status || !cli_table_n_rows(t)) {
        cli_table_destroy(t);
        return 1; /* The tool said why on stderr. */
    }
    if (ctx->json) {
        json_t *obj = json_object();

        json_object_set_new(obj, "images", cli_table_to_json(t));
        if (*policy) {
            json_object_set_new(obj, "policy", json_string(policy));
        }
        if (*highest) {
            json_object_set_new(obj, "highest", json_string(highest));
        }
        cli_print_json(obj);
        json_decref(obj);
    } else {
        cli_table_print(t);
        if (*policy) {
            printf("%s\n", policy);
        }
        if (*highest) {
            printf("Highest version run here: %s (older bundles install only "
                   "with force).\n",
                   highest);
        }
    }
    cli_table_destroy(t);
    return 0;
}

int
cli_image_install(struct cli_ctx *ctx, int argc, char **argv)
{
    bool force = argc > 1 && !strcmp(argv[argc - 1], "force");
    int n = argc - force; /* The source and "sha256 HEX". */

    (void) ctx;
    if (n != 1 && !(n == 3 && !strcmp(argv[1], "sha256"))) {
        return cli_error("usage: image install URL|FILE [sha256 HEX] [force]");
    } else if (!on_firmware()) {
        return refuse_off_firmware("image install");
    }
    return run_tool((char *[]){ CLI_IMAGE_TOOL, "install", argv[0],
                                n == 3 ? argv[2] : "", force ? "force" : NULL,
                                NULL });
}

int
cli_image_boot_next(struct cli_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    if (argc > 1) {
        return cli_error("usage: image boot-next [a|b]");
    } else if (!on_firmware()) {
        return refuse_off_firmware("image boot-next");
    }
    return run_tool((char *[]){ CLI_IMAGE_TOOL, "boot-next",
                                argc ? argv[0] : NULL, NULL });
}

int
cli_reboot(struct cli_ctx *ctx, int argc, char **argv)
{
    (void) ctx;
    (void) argv;
    if (argc) {
        return cli_error("usage: reboot");
    } else if (!on_firmware()) {
        return cli_error("reboot: refused: not running on the vtepd "
                         "firmware (no %s); this host is not the switch "
                         "(to restart vtepd, restart its service)",
                         CLI_FIRMWARE_RELEASE);
    }
    fflush(stdout);
    execl("/sbin/reboot", "reboot", (char *) NULL);
    return cli_error("/sbin/reboot: %s", strerror(errno));
}
