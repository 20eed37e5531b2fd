/* SPDX-License-Identifier: Apache-2.0 */
/* Output: aligned text tables and JSON. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "lib/ds.h"
#include "lib/util.h"

struct cli_table {
    size_t n_cols;
    char **keys;    /* JSON member names. */
    char **headers; /* Text column headings. */
    json_t **rows;  /* Arrays of 'n_cols' values (json_null() if empty). */
    size_t n_rows, allocated;
};

struct cli_table *
cli_table_create(const char *const *columns)
{
    struct cli_table *t = xzalloc(sizeof *t);

    while (columns[t->n_cols]) {
        t->n_cols++;
    }
    t->keys = xcalloc(t->n_cols, sizeof *t->keys);
    t->headers = xcalloc(t->n_cols, sizeof *t->headers);
    for (size_t i = 0; i < t->n_cols; i++) {
        const char *colon = strchr(columns[i], ':');

        if (!colon) {
            xabort("%s: a column is \"key:HEADER\"", columns[i]);
        }
        t->keys[i] = xstrndup(columns[i], (size_t) (colon - columns[i]));
        t->headers[i] = xstrdup(colon + 1);
    }
    return t;
}

void
cli_table_destroy(struct cli_table *t)
{
    if (!t) {
        return;
    }
    for (size_t i = 0; i < t->n_cols; i++) {
        free(t->keys[i]);
        free(t->headers[i]);
    }
    for (size_t i = 0; i < t->n_rows; i++) {
        json_decref(t->rows[i]);
    }
    free(t->keys);
    free(t->headers);
    free(t->rows);
    free(t);
}

void
cli_table_add(struct cli_table *t, json_t *const *values)
{
    json_t *row = json_array();

    for (size_t i = 0; i < t->n_cols; i++) {
        json_array_append_new(row, values[i] ? values[i] : json_null());
    }
    if (t->n_rows >= t->allocated) {
        t->rows =
            x2nrealloc(t->rows, &t->allocated, t->n_rows + 1, sizeof *t->rows);
    }
    t->rows[t->n_rows++] = row;
}

size_t
cli_table_n_rows(const struct cli_table *t)
{
    return t->n_rows;
}

/* Orders two cells: nulls first, integers numerically, the rest as text. */
static int
compare_values(const json_t *a, const json_t *b)
{
    if (json_is_integer(a) && json_is_integer(b)) {
        json_int_t x = json_integer_value(a), y = json_integer_value(b);

        return x < y ? -1 : x > y;
    }
    if (json_is_string(a) && json_is_string(b)) {
        return strcmp(json_string_value(a), json_string_value(b));
    }
    return (int) json_typeof(a) - (int) json_typeof(b);
}

static int
compare_rows(const void *a_, const void *b_)
{
    const json_t *a = *(json_t *const *) a_, *b = *(json_t *const *) b_;

    for (size_t i = 0; i < json_array_size(a); i++) {
        int cmp = compare_values(json_array_get(a, i), json_array_get(b, i));

        if (cmp) {
            return cmp;
        }
    }
    return 0;
}

void
cli_table_sort(struct cli_table *t)
{
    if (t->n_rows) {
        qsort(t->rows, t->n_rows, sizeof *t->rows, compare_rows);
    }
}

/* Appends the text form of cell 'v' to 's'. */
static void
format_value(struct ds *s, const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_STRING:
        ds_put_cstr(s, json_string_value(v));
        break;
    case JSON_INTEGER:
        ds_put_format(s, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL:
        ds_put_format(s, "%.1f", json_real_value(v));
        break;
    case JSON_TRUE:
        ds_put_cstr(s, "yes");
        break;
    case JSON_FALSE:
        ds_put_cstr(s, "no");
        break;
    case JSON_ARRAY:
        for (size_t i = 0; i < json_array_size(v); i++) {
            if (i) {
                ds_put_char(s, ',');
            }
            format_value(s, json_array_get(v, i));
        }
        if (!json_array_size(v)) {
            ds_put_char(s, '-');
        }
        break;
    case JSON_NULL:
    case JSON_OBJECT:
        ds_put_char(s, '-');
        break;
    }
}

void
cli_table_print(const struct cli_table *t)
{
    size_t n = (t->n_rows + 1) * t->n_cols;
    struct ds *cells = xcalloc(n, sizeof *cells);
    size_t *width = xcalloc(t->n_cols, sizeof *width);

    for (size_t c = 0; c < t->n_cols; c++) {
        ds_put_cstr(&cells[c], t->headers[c]);
        for (size_t r = 0; r < t->n_rows; r++) {
            format_value(&cells[(r + 1) * t->n_cols + c],
                         json_array_get(t->rows[r], c));
        }
    }
    for (size_t i = 0; i < n; i++) {
        size_t len = cells[i].length;

        width[i % t->n_cols] = MAX(width[i % t->n_cols], len);
    }
    for (size_t r = 0; r <= t->n_rows; r++) {
        struct ds line = DS_EMPTY_INITIALIZER;

        for (size_t c = 0; c < t->n_cols; c++) {
            ds_put_format(&line, "%-*s  ", (int) width[c],
                          ds_cstr(&cells[r * t->n_cols + c]));
        }
        while (line.length && line.string[line.length - 1] == ' ') {
            ds_truncate(&line, line.length - 1);
        }
        puts(ds_cstr(&line));
        ds_destroy(&line);
    }
    for (size_t i = 0; i < n; i++) {
        ds_destroy(&cells[i]);
    }
    free(cells);
    free(width);
}

json_t *
cli_table_to_json(const struct cli_table *t)
{
    json_t *array = json_array();

    for (size_t r = 0; r < t->n_rows; r++) {
        json_t *obj = json_object();

        for (size_t c = 0; c < t->n_cols; c++) {
            json_object_set(obj, t->keys[c], json_array_get(t->rows[r], c));
        }
        json_array_append_new(array, obj);
    }
    return array;
}

int
cli_table_emit(struct cli_ctx *ctx, struct cli_table *table, const char *key)
{
    if (ctx->json) {
        json_t *obj = json_object();

        json_object_set_new(obj, key, cli_table_to_json(table));
        cli_print_json(obj);
        json_decref(obj);
    } else {
        cli_table_print(table);
    }
    cli_table_destroy(table);
    return 0;
}

void
cli_print_json(const json_t *obj)
{
    json_dumpf(obj, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
}

void
cli_print_fields(const json_t *obj)
{
    size_t width = 0;
    const char *key;
    json_t *value;

    json_object_foreach((json_t *) obj, key, value) {
        width = MAX(width, strlen(key));
    }
    json_object_foreach((json_t *) obj, key, value) {
        struct ds label = DS_EMPTY_INITIALIZER, text = DS_EMPTY_INITIALIZER;

        for (const char *p = key; *p; p++) {
            ds_put_char(&label, p == key    ? toupper((unsigned char) *p)
                                : *p == '_' ? ' '
                                            : *p);
        }
        ds_put_char(&label, ':');
        format_value(&text, value);
        printf("%-*s %s\n", (int) width + 1, ds_cstr(&label), ds_cstr(&text));
        ds_destroy(&label);
        ds_destroy(&text);
    }
}
