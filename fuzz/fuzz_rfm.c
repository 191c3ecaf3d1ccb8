/* libFuzzer target: the transaction-log summary.
 *
 * Byte 0 chooses the input: text read as a CSV log (columns 1, 2 and 3:
 * customer, date, amount), or binary records (customer code, day, amount)
 * given as arrays. Bytes 1-3 choose the options: time unit, scale, a
 * calibration end, an observation end, include_first, threads. For arrays
 * with daily or weekly units the result is compared with a direct
 * (quadratic) computation of the definitions, and one thread with two; every
 * summary's columns, compressed form and CSV output are exercised. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "cxm/rfm.h"
#include "io/rfm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void require(int condition)
{
    if (!condition)
        abort();
}

enum { FIELDS = 8 };

/* Read every column and output form; check what always holds. */
static void exercise(cxm_rfm *rfm, const cxm_rfm_options *o, int has_amount)
{
    size_t n = cxm_rfm_size(rfm);
    double *v[FIELDS] = { 0 };
    for (int f = 0; f < FIELDS; f++) {
        v[f] = malloc((n ? n : 1) * sizeof(double));
        require(v[f] != NULL);
        int status = cxm_rfm_column(v[f], n, rfm, (cxm_rfm_field)f);
        int expected_ok = 1;
        if (f == CXM_RFM_MONETARY_VALUE || f == CXM_RFM_MONETARY_VALUE_HOLDOUT)
            expected_ok = has_amount;
        if (f >= CXM_RFM_FREQUENCY_HOLDOUT && isnan(o->calibration_end))
            expected_ok = 0;
        require((status == CXM_OK) == expected_ok);
        if (status != CXM_OK) {
            free(v[f]);
            v[f] = NULL;
        }
    }
    for (size_t i = 0; i < n; i++) {
        double x = v[CXM_RFM_FREQUENCY][i], r = v[CXM_RFM_RECENCY][i], T = v[CXM_RFM_T][i];
        require(x >= (o->include_first ? 1 : 0) && x == floor(x));
        require(r >= 0 && r <= T);
        if (x == (o->include_first ? 1 : 0))
            require(r == 0); /* no repeat unit: first and last are one */
        else
            require(r > 0);
        if (v[CXM_RFM_MONETARY_VALUE] && !o->include_first && x == 0)
            require(v[CXM_RFM_MONETARY_VALUE][i] == 0);
        if (v[CXM_RFM_FREQUENCY_HOLDOUT])
            require(v[CXM_RFM_FREQUENCY_HOLDOUT][i] >= 0 && v[CXM_RFM_DURATION_HOLDOUT][i] >= 0);
    }
    size_t u = cxm_rfm_unique_size(rfm);
    require(u <= n);
    double *w = malloc((u ? u : 1) * sizeof *w), total = 0;
    require(w != NULL);
    require(cxm_rfm_unique_column(w, u, rfm, CXM_RFM_WEIGHT) == CXM_OK);
    for (size_t i = 0; i < u; i++)
        total += w[i];
    require(total == (double)n);
    free(w);
    for (int f = 0; f < FIELDS; f++)
        free(v[f]);
    char *text = NULL;
    size_t text_size = 0;
    FILE *stream = open_memstream(&text, &text_size);
    if (stream) {
        require(cxm_rfm_write_csv_stream(rfm, stream) == CXM_OK);
        require(cxm_rfm_write_unique_csv_stream(rfm, stream) == CXM_OK);
        fclose(stream);
        free(text);
    }
}

/* The definitions, computed directly: O(n^2), daily or weekly units, integral days. */
static void compare_with_direct(cxm_rfm *rfm, size_t n, const int64_t *codes, const double *t,
                                const double *amount, const cxm_rfm_options *o)
{
    size_t customers = cxm_rfm_size(rfm);
    int64_t *out_codes = malloc((customers ? customers : 1) * sizeof *out_codes);
    double *x = malloc((customers ? customers : 1) * sizeof *x);
    double *tx = malloc((customers ? customers : 1) * sizeof *tx);
    double *T = malloc((customers ? customers : 1) * sizeof *T);
    double *m = malloc((customers ? customers : 1) * sizeof *m);
    require(out_codes && x && tx && T && m);
    require(cxm_rfm_codes(out_codes, customers, rfm) == CXM_OK);
    cxm_rfm_column(x, customers, rfm, CXM_RFM_FREQUENCY);
    cxm_rfm_column(tx, customers, rfm, CXM_RFM_RECENCY);
    cxm_rfm_column(T, customers, rfm, CXM_RFM_T);
    cxm_rfm_column(m, customers, rfm, CXM_RFM_MONETARY_VALUE);
    const double L = o->unit_days;
#define UNIT(day) ((int64_t)floor(((day) - o->unit_origin) / L))
    int64_t cal = isnan(o->calibration_end) ? INT64_MAX : UNIT(o->calibration_end);
    int64_t obs = INT64_MIN;
    if (!isnan(o->observation_end)) {
        obs = UNIT(o->observation_end);
    } else {
        for (size_t i = 0; i < n; i++)
            if (UNIT(t[i]) > obs)
                obs = UNIT(t[i]);
    }
    int64_t end = cal != INT64_MAX ? cal : obs;
    size_t listed = 0;
    for (size_t i = 0; i < n; i++) {
        /* Each customer once, at its first row. */
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= codes[j] == codes[i];
        if (seen)
            continue;
        int64_t first = INT64_MAX, last = INT64_MIN;
        for (size_t j = 0; j < n; j++)
            if (codes[j] == codes[i] && UNIT(t[j]) <= cal && UNIT(t[j]) <= obs) {
                if (UNIT(t[j]) < first)
                    first = UNIT(t[j]);
                if (UNIT(t[j]) > last)
                    last = UNIT(t[j]);
            }
        if (first == INT64_MAX)
            continue; /* first purchase after the calibration end, or all after the observation */
        /* Distinct calibration units and the repeat amount. */
        double units = 0, repeat = 0;
        for (size_t j = 0; j < n; j++) {
            if (codes[j] != codes[i] || UNIT(t[j]) > cal || UNIT(t[j]) > obs)
                continue;
            int64_t k = UNIT(t[j]);
            int earlier = 0;
            for (size_t l = 0; l < j; l++)
                earlier |= codes[l] == codes[i] && UNIT(t[l]) == k;
            units += !earlier;
            if (k != first)
                repeat += amount[j];
        }
        size_t at = 0;
        while (at < customers && out_codes[at] != codes[i])
            at++;
        require(at < customers);
        listed++;
        require(x[at] == units - 1);
        require(fabs(tx[at] - (double)(last - first) / o->scale) <= 1e-9 * (1 + fabs(tx[at])));
        require(fabs(T[at] - (double)(end - first) / o->scale) <= 1e-9 * (1 + fabs(T[at])));
        double mean = units > 1 ? repeat / (units - 1) : 0;
        require(fabs(m[at] - mean) <= 1e-9 * (1 + fabs(mean)));
    }
    require(listed == customers);
#undef UNIT
    free(out_codes);
    free(x);
    free(tx);
    free(T);
    free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 4)
        return 0;
    const uint8_t mode = data[0], a = data[1], b = data[2], c = data[3];
    data += 4;
    size -= 4;
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    static const double unit_days[] = { 1, 7, 0.5, 1.0 / 24, 3, 1, 7, 30 };
    o.unit_days = unit_days[a % 8];
    o.unit_months = (a >> 3) % 8 == 7 ? (unsigned)(1 + (a >> 6)) : 0;
    if ((a >> 3) % 8 == 6)
        o.unit_origin = 0.5;
    static const double scales[] = { 1, 7, 0.5, 3 };
    o.scale = scales[b % 4];
    o.include_first = (b >> 2) & 1;
    o.threads = 1 + ((b >> 3) & 1);
    if ((c & 3) != 0)
        o.calibration_end = 9862 + (double)((c >> 2) % 64) * 3;
    if ((c & 3) == 2 || (b >> 4) & 1)
        o.observation_end = 9862 + 200 + (double)((b >> 5) % 8) * 20;
    if (!isnan(o.calibration_end) && !isnan(o.observation_end) && o.observation_end < o.calibration_end)
        o.observation_end = o.calibration_end + (c >> 6);

    cxm_rfm *rfm = NULL;
    if ((mode & 1) == 0) {
        cxm_csv_options csv;
        cxm_csv_options_init(&csv);
        csv.delimiter = (mode & 2) ? CXM_CSV_DETECT : ',';
        csv.header = (mode >> 2) & 1;
        csv.skip_bad_rows = (mode >> 3) & 1;
        csv.date_format = (mode & 16) ? "epoch" : NULL;
        int has_amount = (mode >> 5) & 1;
        cxm_error_clear();
        int status = cxm__rfm_read_memory(&rfm, data, size, "fuzz.csv", (mode >> 6) ? (size_t)(mode >> 6) * 5 : 0,
                                          "1", "2", has_amount ? "3" : NULL, &csv, &o);
        if (status != CXM_OK) {
            require(rfm == NULL && cxm_error_message()[0] != '\0');
            return 0;
        }
        exercise(rfm, &o, has_amount);
        cxm_rfm_free(rfm);
        return 0;
    }

    /* Binary records: code (one byte: customers repeat), day (two bytes), amount (one byte). */
    size_t n = size / 4;
    if (n > 400)
        n = 400;
    int64_t *codes = malloc((n ? n : 1) * sizeof *codes);
    double *t = malloc((n ? n : 1) * sizeof *t), *amount = malloc((n ? n : 1) * sizeof *amount);
    require(codes && t && amount);
    for (size_t i = 0; i < n; i++) {
        codes[i] = (int64_t)(data[4 * i] % 32) - 5;
        t[i] = 9862 + (double)((data[4 * i + 1] | data[4 * i + 2] << 8) % 500);
        if (mode & 2)
            t[i] += (double)(data[4 * i + 3] % 4) * 0.25;
        amount[i] = (double)(int8_t)data[4 * i + 3] / 4;
    }
    cxm_error_clear();
    int status = cxm_rfm_from_codes(&rfm, n, codes, t, amount, &o);
    if (status != CXM_OK) {
        require(cxm_error_message()[0] != '\0');
    } else {
        exercise(rfm, &o, 1);
        if (o.unit_months == 0 && (o.unit_days == 1 || o.unit_days == 7) && o.unit_origin == -3 &&
            !o.include_first && !(mode & 2))
            compare_with_direct(rfm, n, codes, t, amount, &o);
        /* The other thread count gives the very same numbers. */
        cxm_rfm *other;
        o.threads = 3 - o.threads;
        require(cxm_rfm_from_codes(&other, n, codes, t, amount, &o) == CXM_OK);
        size_t customers = cxm_rfm_size(rfm);
        require(cxm_rfm_size(other) == customers);
        double *p = malloc((customers ? customers : 1) * sizeof *p);
        double *q = malloc((customers ? customers : 1) * sizeof *q);
        require(p && q);
        for (int f = 0; f < 4; f++) {
            cxm_rfm_column(p, customers, rfm, (cxm_rfm_field)f);
            cxm_rfm_column(q, customers, other, (cxm_rfm_field)f);
            require(memcmp(p, q, customers * sizeof *p) == 0);
        }
        free(p);
        free(q);
        cxm_rfm_free(other);
        cxm_rfm_free(rfm);
    }
    free(codes);
    free(t);
    free(amount);
    return 0;
}
