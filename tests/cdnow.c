#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "cdnow.h"

double cd_x[CDNOW_N], cd_tx[CDNOW_N], cd_T[CDNOW_N], cd_m[CDNOW_N];

void load_cdnow(void)
{
    static int loaded = 0;
    if (loaded)
        return;
    const char *top = getenv("top_srcdir");
    char path[4096];
    snprintf(path, sizeof path, "%s/tests/data/cdnow_customers_summary_with_transactions.csv",
             top ? top : "..");
    FILE *file = fopen(path, "r");
    ck_assert_msg(file != NULL, "cannot open %s", path);
    char line[256];
    ck_assert(fgets(line, sizeof line, file) != NULL); /* header */
    size_t n = 0;
    while (n < CDNOW_N && fgets(line, sizeof line, file)) {
        int id;
        if (sscanf(line, "%d,%lf,%lf,%lf,%lf", &id, &cd_x[n], &cd_tx[n], &cd_T[n], &cd_m[n]) == 5)
            n++;
    }
    fclose(file);
    ck_assert_uint_eq(n, CDNOW_N);
    loaded = 1;
}
