#include "vtepd/paths.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

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
