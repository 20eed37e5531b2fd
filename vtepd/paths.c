/* SPDX-License-Identifier: Apache-2.0 */
#include "vtepd/paths.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/fileio.h"
#include "lib/util.h"

int
vtepd_make_parent_dirs(const char *path)
{
    char *dir = xstrdup(path);
    int error = 0;

    for (char *p = dir + 1; *p && !error; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
                error = -errno;
            }
            *p = '/';
        }
    }
    free(dir);
    return error;
}

char *
vtepd_path_beside(const char *path, const char *file)
{
    char *dir = file_dir_name(path);
    char *result = xasprintf("%s/%s", dir, file);

    free(dir);
    return result;
}
