/* SPDX-License-Identifier: Apache-2.0 */
/* Unit tests for the conformance kit's case table: every case quotes its
 * promise verbatim (whitespace aside) from the header it names, so that the
 * kit's report never misquotes the contract; names are unique.  Also the
 * loader's resolution of --hal values that load nothing (loading modules is
 * tests/hal-conformance/conformance.sh's, with real ones). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hal/conformance/kit.h"
#include "lib/util.h"

/* Returns 'text' as prose: comment markers ("/" "*", "*" at the start of a
 * line, "*" "/") dropped and every run of white space made one space.  The
 * caller frees the result. */
static char *
prose(const char *text)
{
    char *out = xmalloc(strlen(text) + 2);
    bool line_start = true, space = true;
    size_t n = 0;

    for (const char *p = text; *p; p++) {
        if (line_start && (*p == ' ' || *p == '\t')) {
            continue;
        }
        if ((p[0] == '/' && p[1] == '*') || (p[0] == '*' && p[1] == '/')) {
            p++;
        } else if (line_start && *p == '*') {
            /* A comment line's leading star. */
        } else if (*p == ' ' || *p == '\t' || *p == '\n') {
            if (!space) {
                out[n++] = ' ';
            }
            space = true;
        } else {
            out[n++] = *p;
            space = false;
        }
        line_start = *p == '\n';
    }
    out[n] = '\0';
    return out;
}

static char *
read_prose(const char *path)
{
    FILE *f = fopen(path, "r");
    char *buf, *text;
    long size;

    assert_non_null(f);
    assert_int_equal(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    rewind(f);
    buf = xmalloc((size_t) size + 1);
    assert_int_equal(fread(buf, 1, (size_t) size, f), (size_t) size);
    buf[size] = '\0';
    fclose(f);
    text = prose(buf);
    free(buf);
    return text;
}

/* The headers a case may quote. */
static const char *const header_names[] = {
    "hal/hal.h",
    "hal/hal-provider.h",
    "hal/hal-acl.h",
    "hal/hal-route.h",
};
#define N_HEADERS ARRAY_SIZE(header_names)

struct check {
    char *headers[N_HEADERS]; /* Prose of each of 'header_names'. */
    size_t n_cases, n_bad;
    const char *names[128];
};

static void
check_case(const struct kit_case *c, void *check_)
{
    struct check *check = check_;
    char *quote = prose(c->promise);
    size_t h = 0;

    while (h < N_HEADERS && strcmp(c->header, header_names[h])) {
        h++;
    }
    if (h >= N_HEADERS) {
        print_error("%s: quotes unknown header %s\n", c->name, c->header);
        check->n_bad++;
    } else if (!strstr(check->headers[h], quote)) {
        print_error("%s: \"%s\" is not in %s\n", c->name, quote, c->header);
        check->n_bad++;
    }
    free(quote);
    for (size_t i = 0; i < check->n_cases; i++) {
        if (!strcmp(check->names[i], c->name)) {
            print_error("%s: two cases have this name\n", c->name);
            check->n_bad++;
        }
    }
    assert_true(check->n_cases < ARRAY_SIZE(check->names));
    check->names[check->n_cases++] = c->name;
    if (!c->run || !strchr(c->name, '.')) {
        print_error("%s: no function, or no group in the name\n", c->name);
        check->n_bad++;
    }
}

static void
test_quotes_match_headers(void **state)
{
    struct check check = { .n_cases = 0 };

    for (size_t h = 0; h < N_HEADERS; h++) {
        check.headers[h] = read_prose(header_names[h]);
    }

    kit_for_each_case(check_case, &check);
    assert_true(check.n_cases >= 30);
    assert_int_equal(check.n_bad, 0);
    for (size_t h = 0; h < N_HEADERS; h++) {
        free(check.headers[h]);
    }
}

/* The check itself: comment markup and line breaks vanish, but a changed
 * word does not match. */
static void
test_prose(void **state)
{
    char *text = prose("/* Returns 0 or -EBUSY if a\n"
                       " * resync   is in progress. */\nint f(void);\n");
    char *same = prose("Returns 0 or -EBUSY if a resync is in progress.");
    char *changed = prose("Returns 0 or -EBUSY if a resync is running.");

    assert_non_null(strstr(text, same));
    assert_null(strstr(text, changed));
    free(text);
    free(same);
    free(changed);
}

static const struct hal_provider fake_provider = { .name = "fake" };

static void
test_resolve(void **state)
{
    struct ds err = DS_EMPTY_INITIALIZER;
    const char *name = NULL;

    hal_unregister_all();
    assert_int_equal(hal_register_provider(&fake_provider), 0);
    assert_int_equal(hal_provider_resolve("fake", "/nonexistent", &name, &err),
                     0);
    assert_string_equal(name, "fake");
    assert_string_equal(ds_cstr(&err), "");

    assert_int_equal(hal_provider_resolve("x.so", NULL, &name, &err), -EINVAL);
    assert_null(name);
    assert_string_equal(ds_cstr(&err), "\"x.so\" is not a backend name");
    ds_clear(&err);

    assert_int_equal(
        hal_provider_resolve("tofino", "/nonexistent", &name, &err), -ENOENT);
    assert_string_equal(ds_cstr(&err),
                        "no backend \"tofino\": not built in (fake), and no "
                        "tofino.so in /nonexistent");
    ds_clear(&err);

    assert_int_equal(
        hal_provider_resolve("/nonexistent/x.so", NULL, &name, &err),
        -ENOEXEC);
    assert_non_null(strstr(ds_cstr(&err), "cannot load HAL provider: "
                                          "/nonexistent/x.so: "));
    ds_destroy(&err);
    hal_unregister_all();
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prose),
        cmocka_unit_test(test_quotes_match_headers),
        cmocka_unit_test(test_resolve),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
