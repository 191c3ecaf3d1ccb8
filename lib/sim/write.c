/* Writing tables and simulated worlds as files. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "cxm/io.h"
#include "cxm/sim.h"
#include "core/table.h"

static void write_text(FILE *f, const char *text)
{
    if (strpbrk(text, ",\"\r\n") == NULL) {
        fputs(text, f);
        return;
    }
    fputc('"', f);
    for (const char *p = text; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

/* The fewest digits (up to 17) that read back exactly. */
static void write_number(FILE *f, double v)
{
    char text[40];
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(text, sizeof text, "%.*g", digits, v);
        if (strtod(text, NULL) == v)
            break;
    }
    fputs(text, f);
}

/* The rows of a table as CSV; name (the path) goes into messages. */
static int write_table(FILE *f, const cxm_table *table, const unsigned char *is_time,
                       const char *name)
{
    size_t nc = table->ncolumns;
    for (size_t j = 0; j < nc; j++) {
        if (j)
            fputc(',', f);
        write_text(f, table->columns[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < table->rows; i++) {
        for (size_t j = 0; j < nc; j++) {
            const cxm__column *c = &table->columns[j];
            if (j)
                fputc(',', f);
            if (c->type == CXM_COLUMN_TEXT) {
                write_text(f, c->texts[i]);
                continue;
            }
            double v = c->numbers[i];
            if (isnan(v))
                continue;
            if (is_time[j]) {
                char date[40];
                if (cxm_time_format(date, sizeof date, v) != CXM_OK)
                    return cxm__fail_prefix("%s: row %zu: column '%s': ", name, i + 1, c->name);
                fputs(date, f);
            } else {
                write_number(f, v);
            }
        }
        fputc('\n', f);
    }
    return CXM_OK;
}

/* cxm_table_write_csv() into an open file, which the caller finishes. */
static int table_to_file(cxm__file *file, const cxm_table *table, const char *const *time_columns)
{
    size_t nc = table->ncolumns;
    unsigned char *is_time = cxm__calloc(nc ? nc : 1, 1);
    if (is_time == NULL)
        return CXM_ENOMEM;
    int status = CXM_OK;
    for (size_t i = 0; time_columns && time_columns[i] && status == CXM_OK; i++) {
        size_t j;
        if (cxm_table_find(&j, table, time_columns[i]) != CXM_OK)
            status = cxm__fail(CXM_EINVAL, "time_columns[%zu]: the table has no column '%s'", i,
                               time_columns[i]);
        else if (table->columns[j].type != CXM_COLUMN_NUMBER)
            status = cxm__fail(CXM_EINVAL, "time_columns[%zu]: column '%s' holds text", i,
                               time_columns[i]);
        else
            is_time[j] = 1;
    }
    if (status == CXM_OK)
        status = write_table(file->stream, table, is_time, file->path);
    cxm__free(is_time);
    return status;
}

int cxm_table_write_csv(const cxm_table *table, const char *path, const char *const *time_columns)
{
    int status = cxm__check_pointer(table, "table");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    cxm__file file;
    if ((status = cxm__file_open(&file, path)) != CXM_OK)
        return status;
    status = table_to_file(&file, table, time_columns);
    if (status != CXM_OK) {
        cxm__file_abort(&file);
        return status;
    }
    return cxm__file_commit(&file);
}

typedef int (*table_fn)(cxm_table **out, const cxm_sim *sim);

enum { WORLD_FILES = 6 };

/* File k of cxm_sim_write(), made and written to its temporary file. */
static int write_world_file(cxm__file *file, const cxm_sim *sim, size_t k)
{
    static const char *const event_times[] = { "timestamp", NULL };
    static const char *const tx_times[] = { "date", NULL };
    static const char *const customer_times[] = { "arrival", "first_purchase", NULL };
    static const struct {
        table_fn make;
        const char *const *times;
    } tables[] = {
        { cxm_sim_events, event_times },
        { cxm_sim_transactions, tx_times },
        { cxm_sim_survey, tx_times },
        { cxm_sim_customers, customer_times },
    };
    int status;
    if (k < 4) {
        cxm_table *t = NULL;
        status = tables[k].make(&t, sim);
        if (status == CXM_OK)
            status = table_to_file(file, t, tables[k].times);
        cxm_table_free(t);
    } else {
        char *text = NULL;
        status = k == 4 ? cxm_sim_journey_map_json(&text, sim)
                        : cxm_sim_settings_to_json(&text, cxm_sim_get_settings(sim));
        if (status == CXM_OK) {
            fputs(text, file->stream);
            fputc('\n', file->stream);
        }
        cxm_free(text);
    }
    return status == CXM_OK ? cxm__file_finish(file) : status;
}

/* Every file goes to a temporary file first; they replace the directory's
 * files only when all six are complete, so that a failure leaves the
 * directory as it was (docs/simulation.md). */
int cxm_sim_write(const cxm_sim *sim, const char *directory)
{
    static const char *const names[WORLD_FILES] = { "events.csv", "transactions.csv",
                                                     "survey.csv", "customers.csv",
                                                     "map.json", "settings.json" };
    int status = cxm__check_pointer(sim, "sim");
    if (status == CXM_OK)
        status = cxm__check_pointer(directory, "directory");
    if (status != CXM_OK)
        return status;
    size_t size = strlen(directory) + 32;
    char *path = cxm__malloc(size);
    if (path == NULL)
        return CXM_ENOMEM;
    cxm__file files[WORLD_FILES];
    size_t opened = 0;
    for (; status == CXM_OK && opened < WORLD_FILES; opened++) {
        snprintf(path, size, "%s/%s", directory, names[opened]);
        if ((status = cxm__file_open(&files[opened], path)) != CXM_OK)
            break;
        status = write_world_file(&files[opened], sim, opened);
    }
    cxm__free(path);
    for (size_t k = 0; k < opened; k++) {
        if (status == CXM_OK)
            status = cxm__file_commit(&files[k]);
        else
            cxm__file_abort(&files[k]);
    }
    return status;
}
