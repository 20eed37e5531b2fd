/* SPDX-License-Identifier: Apache-2.0 */
/* File-system helpers for the daemon's run directory. */
#ifndef VTEPD_PATHS_H
#define VTEPD_PATHS_H 1

/* Creates the directories leading to 'path' (like "mkdir -p DIR" for the
 * directory part of 'path').  Returns 0 or a negative errno. */
int vtepd_make_parent_dirs(const char *path);

/* Returns the path of 'file' in the directory of 'path' (e.g. the control
 * socket beside the database), newly allocated. */
char *vtepd_path_beside(const char *path, const char *file);

#endif /* vtepd/paths.h */
