/* The transaction-log summary through the public API: hand-worked logs,
 * the published CDNOW summary (tests/data/cdnow, from lifetimes), order
 * independence, errors and out-of-memory. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"
#include "suites.h"

/* Days since 1970-01-01 of 2015-01-dd: 2015-01-01 is day 16436 (45 years,
 * 11 leap days). */
#define JAN2015(dd) (16436.0 + (dd) - 1)

/* The small log of the comments below (customer, day of January 2015, amount):
 *   A 1 10, A 1 5 (the same day: one unit worth 15), A 5 20, A 8 40
 *   B 4 7, B 30 3
 *   C 10 1 */
static const char *const ids[] = { "A", "A", "A", "B", "A", "C", "B" };
static const int64_t codes[] = { 1, 1, 1, 2, 1, 3, 2 };
static const double days[] = { JAN2015(1), JAN2015(1), JAN2015(5), JAN2015(4), JAN2015(8),
                               JAN2015(10), JAN2015(30) };
static const double amounts[] = { 10, 5, 20, 7, 40, 1, 3 };
enum { N = 7 };

static void column(const cxm_rfm *rfm, cxm_rfm_field field, double *dst)
{
    ck_assert_cxm_ok(cxm_rfm_column(dst, cxm_rfm_size(rfm), rfm, field));
}

static void expect3(const cxm_rfm *rfm, cxm_rfm_field field, double a, double b, double c)
{
    double v[3];
    ck_assert_uint_eq(cxm_rfm_size(rfm), 3);
    column(rfm, field, v);
    ck_assert_msg(v[0] == a && v[1] == b && v[2] == c, "field %d: %g %g %g, expected %g %g %g",
                  (int)field, v[0], v[1], v[2], a, b, c);
}

START_TEST(daily_summary_by_hand)
{
    /* No calibration end; the observation ends with the last purchase, Jan 30.
     * A: units 1, 5, 8 -> x = 2, t_x = 7, T = 29, repeat mean (20 + 40)/2 = 30.
     * B: units 4, 30 -> x = 1, t_x = 26, T = 26, mean 3.
     * C: unit 10 -> x = 0, t_x = 0, T = 20, mean 0. */
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, NULL));
    ck_assert_str_eq(cxm_rfm_id(rfm, 0), "A");
    ck_assert_str_eq(cxm_rfm_id(rfm, 1), "B");
    ck_assert_str_eq(cxm_rfm_id(rfm, 2), "C");
    ck_assert_ptr_null(cxm_rfm_id(rfm, 3));
    expect3(rfm, CXM_RFM_FREQUENCY, 2, 1, 0);
    expect3(rfm, CXM_RFM_RECENCY, 7, 26, 0);
    expect3(rfm, CXM_RFM_T, 29, 26, 20);
    expect3(rfm, CXM_RFM_MONETARY_VALUE, 30, 3, 0);
    expect3(rfm, CXM_RFM_FIRST_PURCHASE, JAN2015(1), JAN2015(4), JAN2015(10));
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_ROWS), N);
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_PASSES), 1); /* each customer's rows in time order */
    double end;
    ck_assert_cxm_ok(cxm_rfm_period_end(&end, rfm, 1));
    ck_assert_double_eq(end, JAN2015(30));
    ck_assert_cxm_ok(cxm_rfm_period_end(&end, rfm, 0));
    ck_assert(isnan(end));
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(weeks_months_and_scale)
{
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    cxm_rfm *rfm;
    /* Weeks run Monday to Sunday; 2015-01-01 was a Thursday, so Dec 29 - Jan 4
     * is week 0, Jan 5 - 11 week 1, Jan 26 - Feb 1 week 4.
     * A: days 1 (w0), 5 and 8 (w1: 20 + 40 merged) -> x = 1, t_x = 1, T = 4, mean 60.
     * B: days 4 (w0) and 30 (w4) -> x = 1, t_x = 4, T = 4, mean 3.
     * C: day 10 (w1) -> x = 0, T = 3. */
    o.unit_days = 7;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, &o));
    expect3(rfm, CXM_RFM_FREQUENCY, 1, 1, 0);
    expect3(rfm, CXM_RFM_RECENCY, 1, 4, 0);
    expect3(rfm, CXM_RFM_T, 4, 4, 3);
    expect3(rfm, CXM_RFM_MONETARY_VALUE, 60, 3, 0);
    cxm_rfm_free(rfm);
    /* Weeks starting on Sundays (origin Sunday 1969-12-28): Jan 4 is a Sunday and
     * starts a week, so B's first purchase is in week 1 of Jan 4 - 10. */
    o.unit_origin = -4;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, &o));
    expect3(rfm, CXM_RFM_RECENCY, 1, 3, 0); /* B: Jan 4 (w1) to Jan 30 (w4) */
    cxm_rfm_free(rfm);
    /* Months: everything is in January, so every customer has one unit. */
    cxm_rfm_options_init(&o);
    o.unit_months = 1;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, &o));
    expect3(rfm, CXM_RFM_FREQUENCY, 0, 0, 0);
    expect3(rfm, CXM_RFM_T, 0, 0, 0);
    cxm_rfm_free(rfm);
    /* Days reported in weeks (lifetimes' freq_multiplier = 7). */
    cxm_rfm_options_init(&o);
    o.scale = 7;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, &o));
    expect3(rfm, CXM_RFM_RECENCY, 1, 26.0 / 7, 0);
    expect3(rfm, CXM_RFM_T, 29.0 / 7, 26.0 / 7, 20.0 / 7);
    cxm_rfm_free(rfm);
    /* Half days: 06:00 and 18:00 of one day are two units. */
    static const char *const two[] = { "Z", "Z" };
    double half[] = { JAN2015(1) + 0.25, JAN2015(1) + 0.75 }, one[] = { 1, 2 };
    cxm_rfm_options_init(&o);
    o.unit_days = 0.5;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, 2, two, half, one, &o));
    double x;
    ck_assert_cxm_ok(cxm_rfm_column(&x, 1, rfm, CXM_RFM_FREQUENCY));
    ck_assert_double_eq(x, 1);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(units_by_name)
{
    static const struct { const char *name; double days; unsigned months; } cases[] = {
        { "day", 1, 0 }, { "W", 7, 0 }, { "weeks", 7, 0 }, { "month", 1, 1 }, { "Q", 1, 3 },
        { "year", 1, 12 }, { "h", 1.0 / 24, 0 }, { "14", 14, 0 }, { "0.5", 0.5, 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cxm_rfm_options o;
        cxm_rfm_options_init(&o);
        o.unit_months = 5;
        ck_assert_int_eq(cxm_rfm_options_set_unit(&o, cases[i].name), CXM_OK);
        ck_assert_double_eq(o.unit_days, cases[i].days);
        ck_assert_uint_eq(o.unit_months, cases[i].months);
        ck_assert_double_eq(o.scale, 1.0); /* other fields untouched */
    }
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    static const char *const bad[] = { "fortnight", "", "-1", "0", "nan", "inf", "7days" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ck_assert_int_eq(cxm_rfm_options_set_unit(&o, bad[i]), CXM_EINVAL);
        ck_assert_ptr_nonnull(strstr(cxm_error_message(), "unit '"));
    }
    ck_assert_double_eq(o.unit_days, 1.0);
    ck_assert_int_eq(cxm_rfm_options_set_unit(&o, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_rfm_options_set_unit(NULL, "day"), CXM_EINVAL);
}
END_TEST

START_TEST(calibration_and_holdout_by_hand)
{
    /* Calibration to Jan 6, observation to Jan 31.
     * A: calibration units 1 (15) and 5 (20): x = 1, t_x = 4, T = 5, mean 20;
     *    holdout unit 8 (40): x* = 1, mean 40.
     * B: unit 4: x = 0, T = 2; holdout unit 30 (3): x* = 1, mean 3.
     * C first buys on Jan 10, after the calibration: not in the summary.
     * The holdout lasts 25 days. */
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(6);
    o.observation_end = JAN2015(31);
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, N, codes, days, amounts, &o));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 2);
    double v[2];
    int64_t c[2];
    ck_assert_cxm_ok(cxm_rfm_codes(c, 2, rfm));
    ck_assert(c[0] == 1 && c[1] == 2);
    ck_assert_ptr_null(cxm_rfm_id(rfm, 0));
    column(rfm, CXM_RFM_FREQUENCY, v);
    ck_assert(v[0] == 1 && v[1] == 0);
    column(rfm, CXM_RFM_RECENCY, v);
    ck_assert(v[0] == 4 && v[1] == 0);
    column(rfm, CXM_RFM_T, v);
    ck_assert(v[0] == 5 && v[1] == 2);
    column(rfm, CXM_RFM_MONETARY_VALUE, v);
    ck_assert(v[0] == 20 && v[1] == 0);
    column(rfm, CXM_RFM_FREQUENCY_HOLDOUT, v);
    ck_assert(v[0] == 1 && v[1] == 1);
    column(rfm, CXM_RFM_MONETARY_VALUE_HOLDOUT, v);
    ck_assert(v[0] == 40 && v[1] == 3);
    column(rfm, CXM_RFM_DURATION_HOLDOUT, v);
    ck_assert(v[0] == 25 && v[1] == 25);
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_HOLDOUT_ONLY), 1);
    cxm_rfm_free(rfm);

    /* Without an observation end the holdout runs to the last purchase (Jan 30). */
    o.observation_end = CXM_RFM_NONE;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, N, codes, days, amounts, &o));
    column(rfm, CXM_RFM_DURATION_HOLDOUT, v);
    ck_assert(v[0] == 24);
    cxm_rfm_free(rfm);

    /* An observation end of Jan 7 ignores the purchases of Jan 8, 10 and 30. */
    o.observation_end = JAN2015(7);
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, N, codes, days, amounts, &o));
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_AFTER_END), 3);
    column(rfm, CXM_RFM_FREQUENCY_HOLDOUT, v);
    ck_assert(v[0] == 0 && v[1] == 0);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(include_first_transaction)
{
    /* A: 3 units worth 15, 20 and 40: frequency 3, mean 25. */
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.include_first = 1;
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, amounts, &o));
    expect3(rfm, CXM_RFM_FREQUENCY, 3, 2, 1);
    expect3(rfm, CXM_RFM_MONETARY_VALUE, 25, 5, 1);
    cxm_rfm_free(rfm);
}
END_TEST

/* The same log in every order gives the same summary (up to the order of
 * the customers and the rounding of sums, exact here). */
START_TEST(row_order_does_not_matter)
{
    int perm[N] = { 0, 1, 2, 3, 4, 5, 6 };
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(6);
    srand(99);
    for (int trial = 0; trial < 200; trial++) {
        for (int i = N - 1; i > 0; i--) {
            int j = rand() % (i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        const char *pid[N];
        double pday[N], pamount[N];
        for (int i = 0; i < N; i++) {
            pid[i] = ids[perm[i]];
            pday[i] = days[perm[i]];
            pamount[i] = amounts[perm[i]];
        }
        o.threads = 1 + (unsigned)(trial % 2);
        cxm_rfm *rfm;
        ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, pid, pday, pamount, &o));
        ck_assert_uint_eq(cxm_rfm_size(rfm), 2);
        for (size_t i = 0; i < 2; i++) {
            const char *id = cxm_rfm_id(rfm, i);
            double f[2], r[2], t[2], m[2], h[2], mh[2], first[2];
            column(rfm, CXM_RFM_FREQUENCY, f);
            column(rfm, CXM_RFM_RECENCY, r);
            column(rfm, CXM_RFM_T, t);
            column(rfm, CXM_RFM_MONETARY_VALUE, m);
            column(rfm, CXM_RFM_FREQUENCY_HOLDOUT, h);
            column(rfm, CXM_RFM_MONETARY_VALUE_HOLDOUT, mh);
            column(rfm, CXM_RFM_FIRST_PURCHASE, first);
            if (strcmp(id, "A") == 0)
                ck_assert(f[i] == 1 && r[i] == 4 && t[i] == 5 && m[i] == 20 && h[i] == 1 &&
                          mh[i] == 40 && first[i] == JAN2015(1));
            else
                ck_assert(strcmp(id, "B") == 0 && f[i] == 0 && r[i] == 0 && t[i] == 2 && m[i] == 0 &&
                          h[i] == 1 && mh[i] == 3 && first[i] == JAN2015(4));
        }
        cxm_rfm_free(rfm);
    }
}
END_TEST

/* Out of order with hourly units over four years: a bitmap per customer
 * would be larger than the (customer, unit) pairs, so the second pass
 * counts pairs. By hand: customer 1 buys at hours 0, 5, 5 (merged) and
 * 30000; customer 2 at hours 7 and 7. */
START_TEST(second_pass_with_pairs)
{
    static const int64_t c[] = { 1, 2, 1, 1, 2, 1 };
    const double h = 1.0 / 24;
    double t[] = { 9862 + 30000 * h, 9862 + 7 * h, 9862 + 5 * h, 9862, 9862 + 7 * h + 0.01 * h,
                   9862 + 5 * h };
    double a[] = { 4, 1, 2, 1, 1, 3 };
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.unit_days = h;
    o.unit_origin = 0;
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, 6, c, t, a, &o));
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_PASSES), 2);
    double x[2], r[2], m[2];
    column(rfm, CXM_RFM_FREQUENCY, x);
    column(rfm, CXM_RFM_RECENCY, r);
    column(rfm, CXM_RFM_MONETARY_VALUE, m);
    ck_assert(x[0] == 2 && x[1] == 0);
    ck_assert(r[0] == 30000 && r[1] == 0);
    ck_assert(m[0] == (2 + 3 + 4) / 2.0 && m[1] == 0);
    cxm_rfm_free(rfm);
}
END_TEST

/* A larger random log: one and two threads agree exactly, and so do the
 * log sorted by time and shuffled (up to the rounding of sums). */
START_TEST(threads_and_order_agree_on_a_large_log)
{
    enum { ROWS = 200000, CUSTOMERS = 30000 };
    int64_t *c = malloc(ROWS * sizeof *c);
    double *t = malloc(ROWS * sizeof *t), *a = malloc(ROWS * sizeof *a);
    ck_assert(c && t && a);
    unsigned long long s = 7;
    for (size_t i = 0; i < ROWS; i++) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        c[i] = (int64_t)((s >> 33) % CUSTOMERS) * 7919 - 100000;
        t[i] = 9862.0 + (double)(i * 540 / ROWS) + (double)((s >> 20) % 3) * 0.3;
        a[i] = (double)((s >> 40) % 10000) / 100;
    }
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = 9862.0 + 272;
    o.scale = 7;
    cxm_rfm *one, *two, *shuffled;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&one, ROWS, c, t, a, &o));
    o.threads = 2;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&two, ROWS, c, t, a, &o));
    for (size_t i = ROWS - 1; i > 0; i--) {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t j = (size_t)((s >> 20) % (i + 1));
        int64_t cc = c[i];
        c[i] = c[j];
        c[j] = cc;
        double tt = t[i];
        t[i] = t[j];
        t[j] = tt;
        tt = a[i];
        a[i] = a[j];
        a[j] = tt;
    }
    o.threads = 0;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&shuffled, ROWS, c, t, a, &o));
    ck_assert_uint_eq(cxm_rfm_stat(one, CXM_RFM_PASSES), 1);
    ck_assert_uint_eq(cxm_rfm_stat(shuffled, CXM_RFM_PASSES), 2);
    size_t n = cxm_rfm_size(one);
    ck_assert_uint_eq(cxm_rfm_size(two), n);
    ck_assert_uint_eq(cxm_rfm_size(shuffled), n);
    int64_t *k1 = malloc(n * sizeof *k1), *k3 = malloc(n * sizeof *k3);
    double *v1 = malloc(n * sizeof *v1), *v2 = malloc(n * sizeof *v2), *v3 = malloc(n * sizeof *v3);
    size_t *where = malloc(n * sizeof *where);
    ck_assert_cxm_ok(cxm_rfm_codes(k1, n, one));
    ck_assert_cxm_ok(cxm_rfm_codes(k3, n, shuffled));
    /* Match the shuffled summary's customers to the sorted one's. */
    for (size_t i = 0; i < n; i++) {
        where[i] = n;
        for (size_t j = 0; j < n && where[i] == n; j++)
            if (k3[j] == k1[i])
                where[i] = j;
        ck_assert_uint_lt(where[i], n);
        if (i > 50)
            break; /* a sample is enough for the quadratic match */
    }
    for (int f = CXM_RFM_FREQUENCY; f <= CXM_RFM_DURATION_HOLDOUT; f++) {
        column(one, (cxm_rfm_field)f, v1);
        column(two, (cxm_rfm_field)f, v2);
        column(shuffled, (cxm_rfm_field)f, v3);
        ck_assert_int_eq(memcmp(v1, v2, n * sizeof *v1), 0);
        for (size_t i = 0; i <= 50 && i < n; i++)
            ck_assert_msg(fabs(v1[i] - v3[where[i]]) <= 1e-9 * (1 + fabs(v1[i])),
                          "field %d customer %zu: %.17g vs %.17g", f, i, v1[i], v3[where[i]]);
    }
    free(k1);
    free(k3);
    free(v1);
    free(v2);
    free(v3);
    free(where);
    free(c);
    free(t);
    free(a);
    cxm_rfm_free(one);
    cxm_rfm_free(two);
    cxm_rfm_free(shuffled);
}
END_TEST

/* Millisecond units over twenty days: recency and T take 31 bits each and
 * a frequency of 5 three more, too wide to pack into 64 bits; the compressed
 * form must still group the per-customer rows. */
START_TEST(compressed_form_of_wide_rows)
{
    static const char *const cid[] = { "P", "P", "P", "P", "P", "P", "Q", "Q", "Q",
                                       "Q", "Q", "Q", "R" };
    double t[] = { 0, 1, 2, 3, 4, 19, 0, 1, 2, 3, 4, 19, 10 };
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.unit_days = 1.0 / 86400000;
    o.observation_end = 20;
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, 13, cid, t, NULL, &o));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 3);
    double x[3], r[3], T[3];
    ck_assert_cxm_ok(cxm_rfm_column(x, 3, rfm, CXM_RFM_FREQUENCY));
    ck_assert_cxm_ok(cxm_rfm_column(r, 3, rfm, CXM_RFM_RECENCY));
    ck_assert_cxm_ok(cxm_rfm_column(T, 3, rfm, CXM_RFM_T));
    ck_assert(x[0] == 5 && x[1] == 5 && x[2] == 0);
    ck_assert(r[0] == r[1] && T[0] == T[1]);
    ck_assert(r[0] > 0x1p30 && T[0] > 0x1p30);
    ck_assert_uint_eq(cxm_rfm_unique_size(rfm), 2);
    double ux[2], ur[2], uT[2], w[2];
    ck_assert_cxm_ok(cxm_rfm_unique_column(ux, 2, rfm, CXM_RFM_FREQUENCY));
    ck_assert_cxm_ok(cxm_rfm_unique_column(ur, 2, rfm, CXM_RFM_RECENCY));
    ck_assert_cxm_ok(cxm_rfm_unique_column(uT, 2, rfm, CXM_RFM_T));
    ck_assert_cxm_ok(cxm_rfm_unique_column(w, 2, rfm, CXM_RFM_WEIGHT));
    ck_assert(ux[0] == x[2] && ur[0] == r[2] && uT[0] == T[2] && w[0] == 1);
    ck_assert(ux[1] == x[0] && ur[1] == r[0] && uT[1] == T[0] && w[1] == 2);
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(compressed_form)
{
    /* Customers: P (x=1,t_x=2,T=5), Q (same), R (x=0, T=3), S (x=1, t_x=2, T=4). */
    static const char *const cid[] = { "P", "P", "Q", "Q", "R", "S", "S" };
    double t[] = { 0, 2, 0, 2, 2, 1, 3 };
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.observation_end = 5;
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, 7, cid, t, NULL, &o));
    ck_assert_uint_eq(cxm_rfm_unique_size(rfm), 3);
    double x[3], r[3], T[3], w[3];
    ck_assert_cxm_ok(cxm_rfm_unique_column(x, 3, rfm, CXM_RFM_FREQUENCY));
    ck_assert_cxm_ok(cxm_rfm_unique_column(r, 3, rfm, CXM_RFM_RECENCY));
    ck_assert_cxm_ok(cxm_rfm_unique_column(T, 3, rfm, CXM_RFM_T));
    ck_assert_cxm_ok(cxm_rfm_unique_column(w, 3, rfm, CXM_RFM_WEIGHT));
    /* Sorted by x, then t_x, then T. */
    ck_assert(x[0] == 0 && r[0] == 0 && T[0] == 3 && w[0] == 1);
    ck_assert(x[1] == 1 && r[1] == 2 && T[1] == 4 && w[1] == 1);
    ck_assert(x[2] == 1 && r[2] == 2 && T[2] == 5 && w[2] == 2);
    ck_assert_cxm_fails(cxm_rfm_unique_column(x, 3, rfm, CXM_RFM_MONETARY_VALUE), CXM_EINVAL,
                        "not a column of the compressed form");
    ck_assert_cxm_fails(cxm_rfm_unique_column(x, 2, rfm, CXM_RFM_WEIGHT), CXM_EINVAL,
                        "dst has 2 elements where the compressed form has 3 rows");
    ck_assert_cxm_fails(cxm_rfm_column(x, 4, rfm, CXM_RFM_MONETARY_VALUE), CXM_EINVAL,
                        "no monetary value: no amounts were given");
    ck_assert_cxm_fails(cxm_rfm_column(x, 4, rfm, CXM_RFM_FREQUENCY_HOLDOUT), CXM_EINVAL,
                        "no holdout period");
    ck_assert_cxm_fails(cxm_rfm_column(x, 3, rfm, CXM_RFM_FREQUENCY), CXM_EINVAL,
                        "dst has 3 elements where the summary has 4 customers");
    ck_assert_cxm_fails(cxm_rfm_column(x, 4, rfm, CXM_RFM_WEIGHT), CXM_EINVAL, "field 8");
    int64_t k[4];
    ck_assert_cxm_fails(cxm_rfm_codes(k, 4, rfm), CXM_EINVAL, "built from string ids");
    cxm_rfm_free(rfm);
}
END_TEST

START_TEST(bad_arguments)
{
    cxm_rfm *rfm = NULL;
    cxm_rfm_options o;
    ck_assert_cxm_fails(cxm_rfm_from_ids(NULL, N, ids, days, amounts, NULL), CXM_EINVAL,
                        "out must not be NULL");
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, NULL, days, amounts, NULL), CXM_EINVAL,
                        "customer must not be NULL");
    ck_assert_cxm_fails(cxm_rfm_from_codes(&rfm, N, codes, NULL, amounts, NULL), CXM_EINVAL,
                        "time must not be NULL");
    double bad_days[] = { 1, NAN }, bad_amounts[] = { 1, INFINITY };
    ck_assert_cxm_fails(cxm_rfm_from_codes(&rfm, 2, codes, bad_days, NULL, NULL), CXM_EINVAL,
                        "element 1: time nan");
    ck_assert_cxm_fails(cxm_rfm_from_codes(&rfm, 2, codes, days, bad_amounts, NULL), CXM_EINVAL,
                        "element 1: amount inf is not a finite number");
    static const char *const empty[] = { "A", "" };
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, 2, empty, days, NULL, NULL), CXM_EINVAL,
                        "element 1: the customer id is empty");
    cxm_rfm_options_init(&o);
    o.version = 7;
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o), CXM_EINVAL, "version 7");
    cxm_rfm_options_init(&o);
    o.unit_days = 0;
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o), CXM_EINVAL, "unit_days 0");
    cxm_rfm_options_init(&o);
    o.scale = -1;
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o), CXM_EINVAL, "scale -1");
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(10);
    o.observation_end = JAN2015(5);
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o), CXM_EINVAL,
                        "the calibration end 2015-01-10 is after the observation end 2015-01-05");
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(30);
    ck_assert_cxm_fails(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o), CXM_EINVAL,
                        "no purchase after the calibration end 2015-01-30");
    cxm_rfm_options_init(&o);
    o.unit_months = 1;
    o.unit_days = 1.0 / 86400 / 10000; /* ignored: months */
    ck_assert_cxm_ok(cxm_rfm_from_ids(&rfm, N, ids, days, NULL, &o));
    cxm_rfm_free(rfm);
    /* Seconds over more than 2^31 seconds (68 years). */
    double far[] = { 0, 30000 };
    cxm_rfm_options_init(&o);
    o.unit_days = 1.0 / 86400;
    ck_assert_cxm_fails(cxm_rfm_from_codes(&rfm, 2, codes, far, NULL, &o), CXM_ERANGE,
                        "more than 2^31 time units");
    /* No rows: an empty summary. */
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, 0, NULL, NULL, NULL, NULL));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 0);
    ck_assert_uint_eq(cxm_rfm_unique_size(rfm), 0);
    cxm_rfm_free(rfm);
    cxm_rfm_free(NULL);
    ck_assert_uint_eq(cxm_rfm_size(NULL), 0);
    ck_assert_uint_eq(cxm_rfm_stat(NULL, CXM_RFM_ROWS), 0);
}
END_TEST

/* ------------------------------------------------------------------ files */

static char *write_temp(const char *text, size_t size)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/cxm-check-rfm-XXXXXX");
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(write(fd, text, size), (int)size);
    close(fd);
    return path;
}

static const char small_csv[] = "customer,date,amount\n"
                                "A,2015-01-01,10\nA,2015-01-01,5\nA,2015-01-05,20\nB,2015-01-04,7\n"
                                "A,2015-01-08,40\nC,2015-01-10,1\nB,2015-01-30,3\n";

START_TEST(csv_file_summary_and_output)
{
    char *path = write_temp(small_csv, strlen(small_csv));
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(6);
    o.observation_end = JAN2015(31);
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 2);
    double v[2];
    column(rfm, CXM_RFM_MONETARY_VALUE_HOLDOUT, v);
    ck_assert(v[0] == 40 && v[1] == 3);
    char out[80];
    snprintf(out, sizeof out, "%s.out", path);
    ck_assert_cxm_ok(cxm_rfm_write_csv(rfm, out));
    FILE *f = fopen(out, "r");
    char text[1024] = "";
    size_t got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    ck_assert_str_eq(text,
                     "customer,frequency,recency,T,monetary_value,frequency_holdout,"
                     "monetary_value_holdout,duration_holdout,first_purchase\n"
                     "A,1,4,5,20,1,40,25,2015-01-01\n"
                     "B,0,0,2,0,1,3,25,2015-01-04\n");
    unlink(out);
    ck_assert_cxm_fails(cxm_rfm_write_csv(rfm, "/nonexistent/dir/x.csv"), CXM_EIO,
                        "/nonexistent/dir/x.csv: cannot create");
    cxm_rfm_free(rfm);

    /* Columns by number; no amounts; the unique form as CSV. */
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, path, "1", "date", NULL, NULL, NULL));
    f = tmpfile();
    ck_assert_cxm_ok(cxm_rfm_write_unique_csv_stream(rfm, f));
    rewind(f);
    got = fread(text, 1, sizeof text - 1, f);
    text[got] = '\0';
    fclose(f);
    ck_assert_str_eq(text, "frequency,recency,T,weight\n0,0,20,1\n1,26,26,1\n2,7,29,1\n");
    cxm_rfm_free(rfm);
    unlink(path);
}
END_TEST

START_TEST(csv_file_errors)
{
    cxm_rfm *rfm = (cxm_rfm *)1;
    char *path = write_temp(small_csv, strlen(small_csv));
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "when", NULL, NULL, NULL),
                        CXM_ENOTFOUND, "no column 'when' in the header ('customer', 'date', 'amount')");
    ck_assert_ptr_null(rfm);
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "9", NULL, NULL),
                        CXM_ENOTFOUND, "no column 9: the file has 3 columns");
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, NULL, "date", NULL, NULL, NULL), CXM_EINVAL,
                        "customer_column must not be NULL");
    unlink(path);
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", NULL, NULL, NULL), CXM_EIO,
                        "cannot open");

    static const char bad[] = "customer,date,amount\nA,2015-01-01,1\nB,2015-13-01,2\nC,2015-01-03,x\n"
                              "D,2015-01-04,4\n,2015-01-05,5\n";
    path = write_temp(bad, strlen(bad));
    char expected[200];
    snprintf(expected, sizeof expected,
             "%s:3: column 'date': '2015-13-01' is not a valid date: month 13 is not in 1..12", path);
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, NULL),
                        CXM_EPARSE, expected);
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.skip_bad_rows = 1;
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", &csv, NULL));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 2); /* A and D */
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_SKIPPED), 3);
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_ROWS), 2);
    ck_assert(strstr(cxm_rfm_skipped_message(rfm, 0), ":3: column 'date'") != NULL);
    snprintf(expected, sizeof expected, "%s:4: column 'amount': 'x' is not a number", path);
    ck_assert_str_eq(cxm_rfm_skipped_message(rfm, 1), expected);
    snprintf(expected, sizeof expected, "%s:6: column 'customer': the value is empty", path);
    ck_assert_str_eq(cxm_rfm_skipped_message(rfm, 2), expected);
    ck_assert_ptr_null(cxm_rfm_skipped_message(rfm, 3));
    cxm_rfm_free(rfm);
    unlink(path);

    /* A header line that is data, with columns by number: refused, not lost. */
    static const char headless[] = "A,19970101,29.33\nA,19970118,29.73\n";
    path = write_temp(headless, strlen(headless));
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "1", "2", "3", NULL, NULL), CXM_EPARSE,
                        ":1: column 2 of the header line is '19970101', a date: is the first line data?");
    csv.skip_bad_rows = 0;
    csv.header = 0;
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, path, "1", "2", "3", &csv, NULL));
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_ROWS), 2);
    cxm_rfm_free(rfm);
    unlink(path);

    static const char header_only[] = "customer,date\n";
    path = write_temp(header_only, strlen(header_only));
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", NULL, NULL, NULL),
                        CXM_EPARSE, "no transactions after the header");
    unlink(path);
}
END_TEST

/* An empty calibration or holdout period in a file is an error that says
 * so, never an empty summary or a holdout column of zeros. The purchases of
 * small_csv run from Jan 1 to Jan 30, 2015. */
START_TEST(csv_file_empty_periods)
{
    char *path = write_temp(small_csv, strlen(small_csv));
    cxm_rfm *rfm = NULL;
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(6);
    o.observation_end = JAN2015(6);
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o),
                        CXM_EINVAL,
                        "the holdout period is empty: the observation end 2015-01-06 is in the "
                        "time unit of the calibration end 2015-01-06");
    o.calibration_end = JAN2015(30);
    o.observation_end = JAN2015(31) + 30;
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o),
                        CXM_EINVAL,
                        "the holdout period is empty: no purchase after the calibration end "
                        "2015-01-30 (the last is on 2015-01-30)");
    o.observation_end = CXM_RFM_NONE;
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o),
                        CXM_EINVAL, "or an observation end");
    o.calibration_end = JAN2015(1) - 1;
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o),
                        CXM_EINVAL,
                        "the calibration period is empty: no purchase up to the calibration end "
                        "2014-12-31 (the first is on 2015-01-01)");
    o.calibration_end = CXM_RFM_NONE;
    o.observation_end = JAN2015(1) - 1;
    ck_assert_cxm_fails(cxm_rfm_read_csv(&rfm, path, "customer", "date", "amount", NULL, &o),
                        CXM_EPARSE, "the observation period is empty");
    ck_assert_ptr_null(rfm);
    /* Arrays may be one part of a log (cxm.dask): a part whose customers all start in the
     * holdout period is an empty summary, counted, as cxm/rfm.h says. */
    static const int64_t late_codes[2] = { 1, 2 };
    static const double late_days[2] = { JAN2015(8), JAN2015(9) };
    o.calibration_end = JAN2015(6);
    o.observation_end = JAN2015(31);
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, 2, late_codes, late_days, NULL, &o));
    ck_assert_uint_eq(cxm_rfm_size(rfm), 0);
    ck_assert_uint_eq(cxm_rfm_stat(rfm, CXM_RFM_HOLDOUT_ONLY), 2);
    cxm_rfm_free(rfm);
    unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ CDNOW */

static char *data_path(const char *name)
{
    static char path[4096];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/tests/data/cdnow/%s", top ? top : "..", name);
    return path;
}

/* The published summaries: lifetimes' 39-week calibration of the CDNOW
 * sample (weeks, 2 decimals). */
START_TEST(cdnow_matches_the_published_summary)
{
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.delimiter = CXM_CSV_DETECT;
    csv.header = 0;
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.scale = 7;
    ck_assert_cxm_ok(cxm_time_parse(&o.calibration_end, "1997-09-30", NULL));
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_read_csv(&rfm, data_path("CDNOW_sample.txt"), "2", "3", "5", &csv, &o));
    size_t n = cxm_rfm_size(rfm);
    ck_assert_uint_eq(n, 2357);
    double *x = malloc(n * sizeof *x), *tx = malloc(n * sizeof *tx), *T = malloc(n * sizeof *T),
           *m = malloc(n * sizeof *m);
    column(rfm, CXM_RFM_FREQUENCY, x);
    column(rfm, CXM_RFM_RECENCY, tx);
    column(rfm, CXM_RFM_T, T);
    column(rfm, CXM_RFM_MONETARY_VALUE, m);

    FILE *f = fopen(data_path("cdnow_customers_summary.csv"), "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_int_eq(strncmp(line, "ID,frequency,recency,T", 22), 0);
    size_t rows = 0;
    double sum = 0;
    long id;
    double rf, rr, rT;
    while (fscanf(f, "%ld,%lf,%lf,%lf", &id, &rf, &rr, &rT) == 4) {
        /* The sample ids run 1..2357 in file order, which is the summary's order. */
        size_t i = (size_t)id - 1;
        ck_assert_uint_lt(i, n);
        ck_assert_int_eq(atol(cxm_rfm_id(rfm, i)), id);
        ck_assert_msg(x[i] == rf, "customer %ld: frequency %g, published %g", id, x[i], rf);
        ck_assert_msg(fabs(tx[i] - rr) <= 0.005 + 1e-9, "customer %ld: recency %.4f vs %.2f", id, tx[i], rr);
        ck_assert_msg(fabs(T[i] - rT) <= 0.005 + 1e-9, "customer %ld: T %.4f vs %.2f", id, T[i], rT);
        sum += x[i];
        rows++;
    }
    fclose(f);
    ck_assert_uint_eq(rows, 2357);
    ck_assert_double_eq(sum, 2457);

    f = fopen(data_path("cdnow_customers_summary_with_transactions.csv"), "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_int_eq(strncmp(line, "ID,x,t_x,T,zbar", 15), 0);
    rows = 0;
    double zbar;
    while (fscanf(f, "%ld,%lf,%lf,%lf,%lf", &id, &rf, &rr, &rT, &zbar) == 5) {
        size_t i = (size_t)id - 1;
        ck_assert_uint_lt(i, n);
        ck_assert_msg(x[i] == rf, "customer %ld: x %g vs %g", id, x[i], rf);
        /* zbar is rounded to cents: within half a cent. */
        ck_assert_msg(fabs(m[i] - zbar) <= 0.005 + 1e-9, "customer %ld: mean repeat spend %.4f vs %.2f",
                      id, m[i], zbar);
        rows++;
    }
    fclose(f);
    ck_assert_uint_eq(rows, 2357);
    free(x);
    free(tx);
    free(T);
    free(m);
    cxm_rfm_free(rfm);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int ids_scenario(void *context)
{
    (void)context;
    cxm_rfm_options o;
    cxm_rfm_options_init(&o);
    o.calibration_end = JAN2015(6);
    static const char *const long_ids[] = { "a customer id longer than fifteen bytes", "B",
                                            "a customer id longer than fifteen bytes", "B" };
    double t[] = { JAN2015(9), JAN2015(1), JAN2015(2), JAN2015(8) }, a[] = { 1, 2, 3, 4 };
    cxm_rfm *rfm;
    int status = cxm_rfm_from_ids(&rfm, 4, long_ids, t, a, &o); /* out of order: two passes */
    if (status == CXM_OK) {
        FILE *f = tmpfile();
        status = cxm_rfm_write_csv_stream(rfm, f);
        if (status == CXM_OK)
            status = cxm_rfm_write_unique_csv_stream(rfm, f);
        fclose(f);
        cxm_rfm_free(rfm);
    }
    return status;
}

static int file_scenario(void *context)
{
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.skip_bad_rows = 1;
    cxm_rfm *rfm;
    int status = cxm_rfm_read_csv(&rfm, context, "customer", "date", "amount", &csv, NULL);
    cxm_rfm_free(rfm);
    return status;
}

START_TEST(out_of_memory)
{
    ck_assert_int_gt(chaos_run(ids_scenario, NULL, "cxm_rfm_from_ids"), 5);
    static const char text[] = "customer,date,amount\nA,2015-01-09,1\nB,2015-01-01,x\nA,2015-01-02,2\n"
                               "a customer id longer than fifteen bytes,2015-01-03,3\n";
    char *path = write_temp(text, strlen(text));
    ck_assert_int_gt(chaos_run(file_scenario, path, "cxm_rfm_read_csv"), 5);
    unlink(path);
}
END_TEST

START_TEST(public_date_functions)
{
    double v;
    ck_assert_cxm_ok(cxm_time_parse(&v, " 2015-01-10 ", NULL));
    ck_assert_double_eq(v, JAN2015(10));
    ck_assert_cxm_ok(cxm_time_parse(&v, "10/01/2015", "%d/%m/%Y"));
    ck_assert_double_eq(v, JAN2015(10));
    ck_assert_cxm_fails(cxm_time_parse(&v, "2015-02-29", NULL), CXM_EPARSE,
                        "'2015-02-29' is not a valid date: February 2015 has 28 days");
    ck_assert_cxm_fails(cxm_time_parse(&v, "x", "%Q"), CXM_EINVAL, "unknown directive");
    char text[32];
    ck_assert_cxm_ok(cxm_time_format(text, sizeof text, JAN2015(10) + 0.5));
    ck_assert_str_eq(text, "2015-01-10T12:00:00");
    ck_assert_cxm_fails(cxm_time_format(text, 4, JAN2015(10)), CXM_EINVAL, "too small");
    ck_assert_cxm_fails(cxm_time_format(text, sizeof text, 1e12), CXM_EINVAL, "years 0..9999");
}
END_TEST

static Suite *rfm_suite(void)
{
    Suite *s = suite_create("rfm");
    TCase *tc = tcase_create("summary");
    tcase_add_test(tc, daily_summary_by_hand);
    tcase_add_test(tc, weeks_months_and_scale);
    tcase_add_test(tc, units_by_name);
    tcase_add_test(tc, calibration_and_holdout_by_hand);
    tcase_add_test(tc, include_first_transaction);
    tcase_add_test(tc, row_order_does_not_matter);
    tcase_add_test(tc, threads_and_order_agree_on_a_large_log);
    tcase_add_test(tc, second_pass_with_pairs);
    tcase_add_test(tc, compressed_form);
    tcase_add_test(tc, compressed_form_of_wide_rows);
    tcase_add_test(tc, bad_arguments);
    tcase_add_test(tc, public_date_functions);
    suite_add_tcase(s, tc);
    TCase *files = tcase_create("files");
    tcase_add_test(files, csv_file_summary_and_output);
    tcase_add_test(files, csv_file_errors);
    tcase_add_test(files, csv_file_empty_periods);
    tcase_add_test(files, cdnow_matches_the_published_summary);
    tcase_add_test(files, out_of_memory);
    tcase_set_timeout(files, 120);
    suite_add_tcase(s, files);
    return s;
}

int main(void)
{
    return cxm_check_run(rfm_suite());
}
