/* The summary's CSV output against a reference writer kept here: the
 * library's earlier way of writing it (through the public columns, numbers
 * as printf's "%.15g", "%.16g" or "%.17g", whichever reads back first,
 * whole numbers below 2^53 in full, ids quoted when needed). The output
 * must be byte-identical, and every number in it must read back as the
 * column's double, bit for bit. On the CDNOW sample (with and without a
 * holdout period, at scales 1 and 7) and on a generated log of 10^6
 * customers. */
#include <check.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

#include "check_run.h"

/* ------------------------------------------------------------------ the reference writer */

typedef struct text {
    char *s;
    size_t n, cap;
} text;

static void append(text *t, const char *s, size_t n)
{
    if (t->n + n + 1 > t->cap) {
        t->cap = (t->n + n + 1) * 2;
        t->s = realloc(t->s, t->cap);
        ck_assert_ptr_nonnull(t->s);
    }
    memcpy(t->s + t->n, s, n);
    t->n += n;
    t->s[t->n] = '\0';
}

static void append_number(text *t, double v)
{
    char b[48];
    if (fabs(v) < 9007199254740992.0 && v == (double)(int64_t)v) {
        snprintf(b, sizeof b, "%s%lld", v == 0 && signbit(v) ? "-" : "", (long long)v);
    } else {
        for (int p = 15; p <= 17; p++) {
            snprintf(b, sizeof b, "%.*g", p, v);
            if (strtod(b, NULL) == v)
                break;
        }
    }
    append(t, b, strlen(b));
}

static void append_id(text *t, const char *id)
{
    size_t n = strlen(id);
    bool quote = n > 0 && (id[0] == ' ' || id[0] == '\t' || id[n - 1] == ' ' || id[n - 1] == '\t');
    quote = quote || strpbrk(id, ",\"\n\r") != NULL;
    if (!quote) {
        append(t, id, n);
        return;
    }
    append(t, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        append(t, id + i, 1);
        if (id[i] == '"')
            append(t, "\"", 1);
    }
    append(t, "\"", 1);
}

static double *get_column(const cxm_rfm *rfm, cxm_rfm_field field)
{
    size_t n = cxm_rfm_size(rfm);
    double *v = malloc((n ? n : 1) * sizeof *v);
    ck_assert_ptr_nonnull(v);
    ck_assert_int_eq(cxm_rfm_column(v, n, rfm, field), CXM_OK);
    return v;
}

/* The summary as the earlier writer wrote it. */
static text reference(const cxm_rfm *rfm, const char *id_name, bool amount, bool holdout)
{
    static const cxm_rfm_field all[] = { CXM_RFM_FREQUENCY, CXM_RFM_RECENCY, CXM_RFM_T,
                                         CXM_RFM_MONETARY_VALUE, CXM_RFM_FREQUENCY_HOLDOUT,
                                         CXM_RFM_MONETARY_VALUE_HOLDOUT, CXM_RFM_DURATION_HOLDOUT };
    static const char *const names[] = { "frequency", "recency", "T", "monetary_value",
                                         "frequency_holdout", "monetary_value_holdout",
                                         "duration_holdout" };
    text t = { NULL, 0, 0 };
    append_id(&t, id_name);
    double *columns[8];
    size_t nc = 0;
    for (size_t k = 0; k < 7; k++) {
        bool money = all[k] == CXM_RFM_MONETARY_VALUE || all[k] == CXM_RFM_MONETARY_VALUE_HOLDOUT;
        if ((money && !amount) || (all[k] >= CXM_RFM_FREQUENCY_HOLDOUT && !holdout))
            continue;
        append(&t, ",", 1);
        append(&t, names[k], strlen(names[k]));
        columns[nc++] = get_column(rfm, all[k]);
    }
    append(&t, ",first_purchase\n", 16);
    double *first = get_column(rfm, CXM_RFM_FIRST_PURCHASE);
    for (size_t i = 0; i < cxm_rfm_size(rfm); i++) {
        append_id(&t, cxm_rfm_id(rfm, i));
        for (size_t k = 0; k < nc; k++) {
            append(&t, ",", 1);
            append_number(&t, columns[k][i]);
        }
        char date[40];
        ck_assert_int_eq(cxm_time_format(date, sizeof date, first[i]), CXM_OK);
        append(&t, ",", 1);
        append(&t, date, strlen(date));
        append(&t, "\n", 1);
    }
    for (size_t k = 0; k < nc; k++)
        free(columns[k]);
    free(first);
    return t;
}

static text read_file(const char *path)
{
    text t = { NULL, 0, 0 };
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char buf[1 << 16];
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0)
        append(&t, buf, got);
    fclose(f);
    return t;
}

/* Every number of the written summary reads back as its column, bit for bit. */
static void numbers_read_back(const cxm_rfm *rfm, const text *written, bool amount, bool holdout)
{
    cxm_rfm_field fields[8];
    size_t nf = 0;
    fields[nf++] = CXM_RFM_FREQUENCY;
    fields[nf++] = CXM_RFM_RECENCY;
    fields[nf++] = CXM_RFM_T;
    if (amount)
        fields[nf++] = CXM_RFM_MONETARY_VALUE;
    if (holdout)
        fields[nf++] = CXM_RFM_FREQUENCY_HOLDOUT;
    if (holdout && amount)
        fields[nf++] = CXM_RFM_MONETARY_VALUE_HOLDOUT;
    if (holdout)
        fields[nf++] = CXM_RFM_DURATION_HOLDOUT;
    double *columns[8];
    for (size_t k = 0; k < nf; k++)
        columns[k] = get_column(rfm, fields[k]);
    const char *p = strchr(written->s, '\n') + 1;
    for (size_t i = 0; i < cxm_rfm_size(rfm); i++) {
        /* The ids of these logs need no quotes: skip to the first comma. */
        p = strchr(p, ',');
        for (size_t k = 0; k < nf; k++) {
            char *end;
            double v = strtod(p + 1, &end);
            if (memcmp(&v, &columns[k][i], sizeof v) != 0)
                ck_abort_msg("customer %zu, field %d: %.17g written, %.17g in the column", i,
                             (int)fields[k], v, columns[k][i]);
            p = end;
        }
        p = strchr(p, '\n') + 1;
    }
    for (size_t k = 0; k < nf; k++)
        free(columns[k]);
}

static void check_output(const cxm_rfm *rfm, const char *id_name, bool amount, bool holdout,
                         bool plain_ids)
{
    char path[] = "/tmp/cxm-rfm-output-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(cxm_rfm_write_csv(rfm, path), CXM_OK);
    text written = read_file(path);
    unlink(path);
    text expected = reference(rfm, id_name, amount, holdout);
    if (written.n != expected.n || memcmp(written.s, expected.s, written.n) != 0) {
        size_t i = 0;
        while (i < written.n && i < expected.n && written.s[i] == expected.s[i])
            i++;
        size_t from = i > 60 ? i - 60 : 0;
        ck_abort_msg("the output differs from the earlier writer's at byte %zu: ...%.100s... "
                     "where the earlier had ...%.100s...",
                     i, written.s + from, expected.s + from);
    }
    if (plain_ids)
        numbers_read_back(rfm, &written, amount, holdout);
    free(written.s);
    free(expected.s);
}

/* ------------------------------------------------------------------ CDNOW */

static char *data_path(const char *name)
{
    static char path[4096];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/tests/data/cdnow/%s", top ? top : "..", name);
    return path;
}

START_TEST(cdnow_output_equals_the_earlier_writer)
{
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    csv.delimiter = CXM_CSV_DETECT;
    csv.header = 0;
    for (int variant = 0; variant < 4; variant++) {
        cxm_rfm_options o;
        cxm_rfm_options_init(&o);
        o.scale = variant & 1 ? 7 : 1;
        bool holdout = variant & 2;
        if (holdout)
            ck_assert_int_eq(cxm_time_parse(&o.calibration_end, "1997-09-30", NULL), CXM_OK);
        o.include_first = variant == 3;
        cxm_rfm *rfm;
        ck_assert_int_eq(cxm_rfm_read_csv(&rfm, data_path("CDNOW_sample.txt"), "2", "3", "5", &csv, &o),
                         CXM_OK);
        ck_assert_uint_eq(cxm_rfm_size(rfm), 2357);
        check_output(rfm, "customer_id", true, holdout, true);
        cxm_rfm_free(rfm);
        /* Without amounts. */
        ck_assert_int_eq(cxm_rfm_read_csv(&rfm, data_path("CDNOW_sample.txt"), "2", "3", NULL, &csv, &o),
                         CXM_OK);
        check_output(rfm, "customer_id", false, holdout, true);
        cxm_rfm_free(rfm);
    }
}
END_TEST

/* ------------------------------------------------------------------ a million customers */

static uint64_t state = UINT64_C(0x9e3779b97f4a7c15);

static uint64_t next_random(void)
{
    uint64_t z = (state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* A shop's log in time order: 10^6 customers over two years, a first
 * purchase each and 6*10^5 repeat ones, amounts in cents, a few purchases
 * with a time of day, a few odd amounts (many digits, exponents). */
static void write_log(const char *path, long customers)
{
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("customer_id,date,amount\n", f);
    enum { DAYS = 730 };
    long rows_per_day = (customers + customers * 6 / 10) / DAYS + 1, next_new = 0;
    for (int day = 0; day < DAYS; day++) {
        char date[40];
        ck_assert_int_eq(cxm_time_format(date, sizeof date, 9862.0 + day), CXM_OK);
        for (long k = 0; k < rows_per_day; k++) {
            uint64_t r = next_random();
            long c;
            if (next_new < customers && (k % 8 != 7 || next_new * (long)DAYS < customers * (long)day))
                c = next_new++;
            else if (next_new > 0)
                c = (long)(r % (uint64_t)next_new);
            else
                continue;
            uint64_t cents = 100 + (r >> 20) % 50000;
            if (r % 1000 == 1)
                fprintf(f, "C%ld,%sT%02d:%02d:00,%llu.%02llu\n", c + 100000, date, (int)((r >> 8) % 24),
                        (int)((r >> 16) % 60), (unsigned long long)cents / 100,
                        (unsigned long long)cents % 100);
            else if (r % 1000 == 2)
                fprintf(f, "C%ld,%s,%.17g\n", c + 100000, date, (double)cents / 997.0);
            else if (r % 1000 == 3)
                fprintf(f, "C%ld,%s,%llue-3\n", c + 100000, date, (unsigned long long)cents);
            else
                fprintf(f, "C%ld,%s,%llu.%02llu\n", c + 100000, date, (unsigned long long)cents / 100,
                        (unsigned long long)cents % 100);
        }
    }
    ck_assert_int_eq(fclose(f), 0);
}

START_TEST(million_customers_output_equals_the_earlier_writer)
{
    char path[] = "/tmp/cxm-rfm-log-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    write_log(path, 1000000);
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    for (int variant = 0; variant < 2; variant++) {
        cxm_rfm_options o;
        cxm_rfm_options_init(&o);
        if (variant == 1) {
            o.scale = 7;
            ck_assert_int_eq(cxm_time_parse(&o.calibration_end, "1998-06-30", NULL), CXM_OK);
        }
        cxm_rfm *rfm;
        ck_assert_int_eq(cxm_rfm_read_csv(&rfm, path, "customer_id", "date", "amount", &csv, &o), CXM_OK);
        ck_assert_uint_ge(cxm_rfm_size(rfm), variant == 0 ? 1000000 : 600000);
        check_output(rfm, "customer_id", true, variant == 1, true);
        cxm_rfm_free(rfm);
    }
    unlink(path);
}
END_TEST

/* Ids that need quotes, from arrays. */
START_TEST(quoted_ids_equal_the_earlier_writer)
{
    static const char *const ids[] = { "plain", "a,b", " lead", "trail\t", "q\"uote", "line\nbreak",
                                       "a very long customer id of more than fifteen bytes, with a comma",
                                       "plain" };
    static const double days[] = { 100, 101.5, 102, 103.25, 104, 105, 106, 190.75 };
    static const double amounts[] = { 1.1, 2.2, 3.3, 1e-7, 123456789.125, 0.1, 2e300, 3 };
    cxm_rfm *rfm;
    ck_assert_int_eq(cxm_rfm_from_ids(&rfm, 8, ids, days, amounts, NULL), CXM_OK);
    check_output(rfm, "customer_id", true, false, false);
    cxm_rfm_free(rfm);
}
END_TEST

static Suite *output_suite(void)
{
    Suite *s = suite_create("rfm output");
    TCase *t = tcase_create("earlier writer");
    tcase_add_test(t, cdnow_output_equals_the_earlier_writer);
    tcase_add_test(t, quoted_ids_equal_the_earlier_writer);
    tcase_add_test(t, million_customers_output_equals_the_earlier_writer);
    tcase_set_timeout(t, 300);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cxm_check_run(output_suite());
}
