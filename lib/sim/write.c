/* Writing simulated worlds as files. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/file.h"
#include "core/internal.h"
#include "cxm/sim.h"
#include "io/table_csv.h"

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
            status = cxm__table_write_file(file, t, tables[k].times);
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
