/* Writing tables and simulated worlds as files. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

int cxm_table_write_csv(const cxm_table *table, const char *path, const char *const *time_columns)
{
    int status = cxm__check_pointer(table, "table");
    if (status == CXM_OK)
        status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    size_t nc = table->ncolumns;
    unsigned char *is_time = cxm__calloc(nc ? nc : 1, 1);
    if (is_time == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; time_columns && time_columns[i]; i++) {
        size_t j;
        if (cxm_table_find(&j, table, time_columns[i]) != CXM_OK) {
            cxm__free(is_time);
            return cxm__fail(CXM_EINVAL, "time_columns[%zu]: the table has no column '%s'", i,
                             time_columns[i]);
        }
        if (table->columns[j].type != CXM_COLUMN_NUMBER) {
            cxm__free(is_time);
            return cxm__fail(CXM_EINVAL, "time_columns[%zu]: column '%s' holds text", i,
                             time_columns[i]);
        }
        is_time[j] = 1;
    }
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        cxm__free(is_time);
        return cxm__fail(CXM_EIO, "%s: cannot create: %s", path, strerror(errno));
    }
    for (size_t j = 0; j < nc; j++) {
        if (j)
            fputc(',', f);
        write_text(f, table->columns[j].name);
    }
    fputc('\n', f);
    for (size_t i = 0; i < table->rows && status == CXM_OK; i++) {
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
                status = cxm_time_format(date, sizeof date, v);
                if (status != CXM_OK) {
                    cxm__fail_prefix("%s: row %zu: column '%s': ", path, i + 1, c->name);
                    break;
                }
                fputs(date, f);
            } else {
                write_number(f, v);
            }
        }
        fputc('\n', f);
    }
    cxm__free(is_time);
    int failed = ferror(f);
    if (fclose(f) != 0)
        failed = 1;
    if (status == CXM_OK && failed)
        status = cxm__fail(CXM_EIO, "%s: cannot write: %s", path, strerror(errno));
    return status;
}

static int write_text_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return cxm__fail(CXM_EIO, "%s: cannot create: %s", path, strerror(errno));
    fputs(text, f);
    fputc('\n', f);
    int failed = ferror(f);
    if (fclose(f) != 0 || failed)
        return cxm__fail(CXM_EIO, "%s: cannot write: %s", path, strerror(errno));
    return CXM_OK;
}

typedef int (*table_fn)(cxm_table **out, const cxm_sim *sim);

int cxm_sim_write(const cxm_sim *sim, const char *directory)
{
    int status = cxm__check_pointer(sim, "sim");
    if (status == CXM_OK)
        status = cxm__check_pointer(directory, "directory");
    if (status != CXM_OK)
        return status;
    static const char *const event_times[] = { "timestamp", NULL };
    static const char *const tx_times[] = { "date", NULL };
    static const char *const customer_times[] = { "arrival", "first_purchase", NULL };
    struct {
        const char *name;
        table_fn make;
        const char *const *times;
    } files[] = {
        { "events.csv", cxm_sim_events, event_times },
        { "transactions.csv", cxm_sim_transactions, tx_times },
        { "survey.csv", cxm_sim_survey, tx_times },
        { "customers.csv", cxm_sim_customers, customer_times },
    };
    size_t dlen = strlen(directory);
    char *path = cxm__malloc(dlen + 32);
    if (path == NULL)
        return CXM_ENOMEM;
    for (size_t i = 0; status == CXM_OK && i < sizeof files / sizeof files[0]; i++) {
        cxm_table *t = NULL;
        snprintf(path, dlen + 32, "%s/%s", directory, files[i].name);
        status = files[i].make(&t, sim);
        if (status == CXM_OK)
            status = cxm_table_write_csv(t, path, files[i].times);
        cxm_table_free(t);
    }
    char *text = NULL;
    if (status == CXM_OK && (status = cxm_sim_journey_map_json(&text, sim)) == CXM_OK) {
        snprintf(path, dlen + 32, "%s/map.json", directory);
        status = write_text_file(path, text);
        cxm_free(text);
        text = NULL;
    }
    if (status == CXM_OK &&
        (status = cxm_sim_settings_to_json(&text, cxm_sim_get_settings(sim))) == CXM_OK) {
        snprintf(path, dlen + 32, "%s/settings.json", directory);
        status = write_text_file(path, text);
        cxm_free(text);
    }
    cxm__free(path);
    return status;
}
