/* libFuzzer target: path files and every attribution on what they hold.
 *
 * The first byte chooses the options (Markov order 1-4, null paths used or
 * not, self-loops kept or collapsed, one thread or two for reading); the
 * rest is the path file, written to a temporary file because the public
 * reader takes a file name. Invariants checked besides the sanitizers: a
 * failing call leaves a message; removal effects lie in [0, 1]; attributed
 * conversions are finite, non-negative and add up to the total conversions
 * (Markov, heuristics and Shapley alike). */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
    if (!condition)
        abort();
}

static void failed_with_message(int status)
{
    require(status < 0);
    require(cxm_error_message()[0] != '\0');
}

/* Column `column` of every row: finite, >= 0, and adding up to `total`. */
static void check_shares(const cxm_table *t, const char *column, double total, int is_effect)
{
    size_t rows = cxm_table_rows(t);
    double sum = 0.0;
    for (size_t i = 0; i < rows; i++) {
        double v;
        require(cxm_table_number(&v, t, i, column) == CXM_OK);
        require(isfinite(v) && v >= -1e-9 * (1.0 + total));
        if (is_effect)
            require(v <= 1.0 + 1e-9);
        sum += v;
    }
    if (!is_effect)
        require(fabs(sum - total) <= 1e-6 * (1.0 + fabs(total)));
}

static const char *file_name(void)
{
    static char name[64];
    if (name[0] == '\0') {
        snprintf(name, sizeof name, "/tmp/fuzz-paths-%ld.csv", (long)getpid());
    }
    return name;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const char *name = file_name();
    FILE *f = fopen(name, "wb");
    if (f == NULL)
        return 0;
    size_t written = fwrite(data + 1, 1, size - 1, f);
    if (fclose(f) != 0 || written != size - 1)
        return 0;

    cxm_paths *paths = NULL;
    require(cxm_paths_create(&paths, NULL) == CXM_OK);
    require(cxm_paths_set_threads(paths, 1u + ((data[0] >> 4) & 1u)) == CXM_OK);
    int status = cxm_paths_read_csv(paths, name, NULL, NULL, NULL, NULL, NULL);
    if (status != CXM_OK) {
        failed_with_message(status);
        cxm_paths_free(paths);
        return 0;
    }

    cxm_markov_options markov = CXM_MARKOV_OPTIONS_INIT;
    markov.order = 1u + (data[0] & 3u);
    markov.use_nulls = (data[0] >> 2) & 1;
    markov.keep_self_loops = (data[0] >> 3) & 1;
    cxm_table *t = NULL;
    status = cxm_attribution_markov(&t, paths, &markov);
    if (status == CXM_OK) {
        double total;
        require(cxm_table_scalar(&total, t, "total_conversions") == CXM_OK);
        check_shares(t, "removal_effect", total, 1);
        check_shares(t, "conversions", total, 0);
        cxm_table_free(t);
    } else {
        require(t == NULL);
        failed_with_message(status);
    }

    t = NULL;
    status = cxm_attribution_transitions(&t, paths, &markov);
    if (status == CXM_OK)
        cxm_table_free(t);
    else
        failed_with_message(status);

    t = NULL;
    status = cxm_attribution_heuristic(&t, paths, NULL);
    if (status == CXM_OK) {
        double total;
        require(cxm_table_scalar(&total, t, "total_conversions") == CXM_OK);
        check_shares(t, "first_touch", total, 0);
        check_shares(t, "last_touch", total, 0);
        check_shares(t, "linear", total, 0);
        cxm_table_free(t);
    } else {
        failed_with_message(status);
    }

    t = NULL;
    status = cxm_attribution_shapley(&t, paths);
    if (status == CXM_OK) {
        double total;
        require(cxm_table_scalar(&total, t, "total_conversions") == CXM_OK);
        check_shares(t, "shapley", total, 0);
        cxm_table_free(t);
    } else {
        failed_with_message(status);
    }
    cxm_paths_free(paths);
    return 0;
}
