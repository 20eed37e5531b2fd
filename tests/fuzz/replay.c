/* SPDX-License-Identifier: Apache-2.0 */
/* Replays saved inputs through a fuzz target, as a cmocka test with one
 * case per file: the corpus and regression inputs of 'make check'.
 *
 *   fuzz-TARGET [FILE|DIR]...
 *
 * Without arguments it replays tests/fuzz/corpus/TARGET/ and
 * tests/fuzz/regressions/TARGET/ (relative to the source tree, where
 * 'make check' runs), TARGET being the program's own name.  With
 * arguments, the files and directories named (e.g. a crash that 'make fuzz'
 * saved, to debug it with gdb or valgrind). */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "lib/util.h"
#include "tests/fuzz/fuzz.h"

/* The largest input replayed; libFuzzer's inputs are much smaller. */
#define REPLAY_MAX_SIZE (16u * 1024 * 1024)

struct inputs {
    struct CMUnitTest *tests;
    size_t n, allocated;
};

static void
replay_one(void **state)
{
    const char *path = *state;
    FILE *file = fopen(path, "rb");
    uint8_t *data = xmalloc(REPLAY_MAX_SIZE);
    size_t size;

    assert_non_null(file);
    size = fread(data, 1, REPLAY_MAX_SIZE, file);
    assert_false(ferror(file));
    fclose(file);
    LLVMFuzzerTestOneInput(data, size);
    free(data);
}

static void
add_file(struct inputs *inputs, const char *path)
{
    struct CMUnitTest *t;

    if (inputs->n == inputs->allocated) {
        inputs->allocated = inputs->allocated ? 2 * inputs->allocated : 64;
        inputs->tests =
            xrealloc(inputs->tests, inputs->allocated * sizeof *inputs->tests);
    }
    t = &inputs->tests[inputs->n++];
    *t = (struct CMUnitTest) cmocka_unit_test_prestate(replay_one,
                                                       xstrdup(path));
    t->name = t->initial_state;
}

static int
compare_names(const void *a_, const void *b_)
{
    const struct CMUnitTest *a = a_, *b = b_;

    return strcmp(a->name, b->name);
}

/* Adds 'path', or the regular files in it if it is a directory (a missing
 * directory adds nothing: a target may have no regressions yet). */
static void
add_path(struct inputs *inputs, const char *path, bool must_exist)
{
    struct dirent *de;
    struct stat st;
    size_t first = inputs->n;
    DIR *dir;

    if (stat(path, &st)) {
        if (must_exist) {
            xabort("%s: %s", path, strerror(errno));
        }
        return;
    }
    if (!S_ISDIR(st.st_mode)) {
        add_file(inputs, path);
        return;
    }
    dir = opendir(path);
    if (!dir) {
        xabort("%s: %s", path, strerror(errno));
    }
    while ((de = readdir(dir)) != NULL) {
        char *file = xasprintf("%s/%s", path, de->d_name);

        if (de->d_name[0] != '.' && !stat(file, &st) && S_ISREG(st.st_mode)) {
            add_file(inputs, file);
        }
        free(file);
    }
    closedir(dir);
    qsort(inputs->tests + first, inputs->n - first, sizeof *inputs->tests,
          compare_names);
}

int
main(int argc, char *argv[])
{
    struct inputs inputs = { NULL, 0, 0 };
    const char *target;
    char *group;
    int failed;

    set_program_name(argv[0]);
    target = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            add_path(&inputs, argv[i], true);
        }
    } else {
        char *corpus = xasprintf("tests/fuzz/corpus/%s", target);
        char *regressions = xasprintf("tests/fuzz/regressions/%s", target);

        add_path(&inputs, corpus, true);
        add_path(&inputs, regressions, false);
        free(corpus);
        free(regressions);
    }
    if (!inputs.n) {
        xabort("no inputs to replay");
    }

    group = xasprintf("tests/fuzz/%s", target);
    failed =
        _cmocka_run_group_tests(group, inputs.tests, inputs.n, NULL, NULL);
    for (size_t i = 0; i < inputs.n; i++) {
        free((void *) inputs.tests[i].initial_state);
    }
    free(inputs.tests);
    free(group);
    return failed;
}
