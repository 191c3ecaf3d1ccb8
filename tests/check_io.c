/* lib/io internals: civil dates, date and number parsing, the CSV reader.
 * Expected values are worked out by hand in the comments (calendar
 * arithmetic), or compared with the C library (strtod) and with the same
 * input read in other chunk sizes. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "chaos.h"
#include "check_run.h"
#include "core/internal.h"
#include "io/csv.h"
#include "io/date.h"
#include "io/number.h"

/* 1997-01-01 is day 9862: 27 years of 365 days plus 7 leap days (1972..1996). */
#define D19970101 9862.0
#define D19970930 (9862.0 + 272.0) /* Jan..Aug hold 243 days, plus 29 */

/* ------------------------------------------------------------------ civil dates */

START_TEST(civil_dates_known_values)
{
    ck_assert_int_eq(cxm__days_from_civil(1970, 1, 1), 0);
    ck_assert_int_eq(cxm__days_from_civil(1997, 1, 1), 27 * 365 + 7);
    ck_assert_int_eq(cxm__days_from_civil(1969, 12, 29), -3);
    ck_assert_int_eq(cxm__days_from_civil(2000, 3, 1), 30 * 365 + 7 + 31 + 29); /* 2000 is leap */
    ck_assert_int_eq(cxm__days_from_civil(1900, 3, 1) - cxm__days_from_civil(1900, 2, 28), 1);
    ck_assert_int_eq(cxm__days_from_civil(0, 1, 1), -719528);
    ck_assert_uint_eq(cxm__weekday(0), 3);                                  /* Thursday */
    ck_assert_uint_eq(cxm__weekday(cxm__days_from_civil(2024, 1, 1)), 0);    /* Monday */
    ck_assert_uint_eq(cxm__weekday(-3), 0);                                 /* 1969-12-29 */
    ck_assert_uint_eq(cxm__days_in_month(1900, 2), 28);
    ck_assert_uint_eq(cxm__days_in_month(2000, 2), 29);
    ck_assert_uint_eq(cxm__days_in_month(1996, 2), 29);
    ck_assert_uint_eq(cxm__days_in_month(1997, 9), 30);
}
END_TEST

START_TEST(civil_dates_round_trip)
{
    /* Every day from year -800 to 3200: the date of a day number gives it back,
     * and consecutive days are consecutive dates. */
    int64_t prev_y = 0;
    unsigned prev_m = 0, prev_d = 0;
    for (int64_t z = -1000000; z <= 450000; z++) {
        int64_t y;
        unsigned m, d;
        cxm__civil_from_days(z, &y, &m, &d);
        if (cxm__days_from_civil(y, m, d) != z || m < 1 || m > 12 || d < 1 ||
            d > cxm__days_in_month(y, m))
            ck_abort_msg("day %lld: %lld-%u-%u", (long long)z, (long long)y, m, d);
        if (z > -1000000) {
            bool next_day = (y == prev_y && m == prev_m && d == prev_d + 1);
            bool next_month = (y == prev_y && m == prev_m + 1 && d == 1 &&
                               prev_d == cxm__days_in_month(prev_y, prev_m));
            bool next_year = (y == prev_y + 1 && m == 1 && d == 1 && prev_m == 12 && prev_d == 31);
            if (!(next_day || next_month || next_year))
                ck_abort_msg("day %lld: %lld-%u-%u does not follow %lld-%u-%u", (long long)z,
                             (long long)y, m, d, (long long)prev_y, prev_m, prev_d);
        }
        prev_y = y;
        prev_m = m;
        prev_d = d;
    }
}
END_TEST

/* ------------------------------------------------------------------ parsing dates */

static double parse_ok(const char *format, const char *text)
{
    cxm__time_format f;
    ck_assert_int_eq(cxm__time_format_init(&f, format), CXM_OK);
    double days = NAN;
    char reason[160] = "";
    int rc = cxm__time_parse(&f, text, strlen(text), &days, reason, sizeof reason);
    ck_assert_msg(rc == 0, "'%s' in '%s': %s", text, format ? format : "auto", reason);
    return days;
}

static void parse_fails(const char *format, const char *text, const char *why)
{
    cxm__time_format f;
    ck_assert_int_eq(cxm__time_format_init(&f, format), CXM_OK);
    double days;
    char reason[160] = "";
    ck_assert_msg(cxm__time_parse(&f, text, strlen(text), &days, reason, sizeof reason) != 0,
                  "'%s' parsed as %g", text, days);
    ck_assert_msg(strstr(reason, why) != NULL, "'%s': reason '%s' lacks '%s'", text, reason, why);
}

START_TEST(iso_dates_and_times)
{
    ck_assert_double_eq(parse_ok(NULL, "1997-01-01"), D19970101);
    ck_assert_double_eq(parse_ok(NULL, "1997-09-30"), D19970930);
    ck_assert_double_eq(parse_ok("auto", "19970930"), D19970930);
    ck_assert_double_eq(parse_ok(NULL, "1997-273"), D19970930); /* ordinal: 243 + 30 */
    /* 1997-01-01 was a Wednesday, so ISO week 1 began on Monday 1996-12-30 and
     * 09-30 is 274 days later: week 40 (274 / 7 = 39 full weeks), day 2. */
    ck_assert_double_eq(parse_ok(NULL, "1997-W40-2"), D19970930);
    ck_assert_double_eq(parse_ok(NULL, "1997-09-30T12:00"), D19970930 + 0.5);
    ck_assert_double_eq(parse_ok(NULL, "1997-09-30 06:00:00"), D19970930 + 0.25);
    ck_assert_double_eq(parse_ok(NULL, "1997-09-30T18:00:00Z"), D19970930 + 0.75);
    ck_assert_double_eq(parse_ok(NULL, "1997-09-30T12:00:00.5"), D19970930 + 0.5 + 0.5 / 86400);
    /* 23:30 at UTC-1 is 00:30 UTC the next day; 01:00 at +02:00 is 23:00 the day before. */
    ck_assert_double_eq_tol(parse_ok(NULL, "1997-09-30T23:30:00-01:00"), D19970930 + 1 + 0.5 / 24, 1e-12);
    ck_assert_double_eq_tol(parse_ok(NULL, "1997-09-30T01:00+0200"), D19970930 - 1.0 / 24, 1e-12);
    ck_assert_double_eq(parse_ok(NULL, "19970930T120000"), D19970930 + 0.5);
    ck_assert_double_eq(parse_ok(NULL, "2000-02-29"), (double)cxm__days_from_civil(2000, 2, 29));
    ck_assert_double_eq(parse_ok(NULL, "1996-02-29"), (double)cxm__days_from_civil(1996, 2, 29));
}
END_TEST

START_TEST(invalid_dates_say_why)
{
    parse_fails(NULL, "1997-13-01", "month 13 is not in 1..12");
    parse_fails(NULL, "1997-00-10", "month 0 is not in 1..12");
    parse_fails(NULL, "1997-02-29", "February 1997 has 28 days");
    parse_fails(NULL, "1900-02-29", "February 1900 has 28 days");
    parse_fails(NULL, "1997-09-31", "September 1997 has 30 days");
    parse_fails(NULL, "19971301", "month 13");
    parse_fails(NULL, "1997-9-30", "expected an ISO 8601 date");
    parse_fails(NULL, "30/09/1997", "expected an ISO 8601 date");
    parse_fails(NULL, "", "expected");
    parse_fails(NULL, "1997-09-30x", "expected");
    parse_fails(NULL, "1997-09-30T24:00", "hour 24");
    parse_fails(NULL, "1997-09-30T12:60", "minute 60");
    parse_fails(NULL, "1997-09-30T12:00:60", "second 60");
    parse_fails(NULL, "1997-366", "day of year 366 is not in 1..365");
    parse_fails(NULL, "1997-W53-1", "week 53");
    parse_fails(NULL, "1997-09-30T12:00:00.1234567891", "expected");
}
END_TEST

START_TEST(patterns)
{
    ck_assert_double_eq(parse_ok("%d/%m/%Y", "30/09/1997"), D19970930);
    ck_assert_double_eq(parse_ok("%d/%m/%Y", "1/1/1997"), D19970101);
    ck_assert_double_eq(parse_ok("%m/%d/%y", "09/30/97"), D19970930);
    ck_assert_double_eq(parse_ok("%D", "09/30/97"), D19970930);
    ck_assert_double_eq(parse_ok("%y%m%d", "970930"), D19970930);
    ck_assert_double_eq(parse_ok("%y-%m-%d", "68-01-01"), (double)cxm__days_from_civil(2068, 1, 1));
    ck_assert_double_eq(parse_ok("%d %b %Y", "30 Sep 1997"), D19970930);
    ck_assert_double_eq(parse_ok("%d %b %Y", "30 september 1997"), D19970930);
    ck_assert_double_eq(parse_ok("%d %B %Y", "30  SEP  1997"), D19970930);
    ck_assert_double_eq(parse_ok("%a %d %b %Y", "Tue 30 Sep 1997"), D19970930);
    ck_assert_double_eq(parse_ok("%Y %j", "1997 273"), D19970930);
    ck_assert_double_eq(parse_ok("%F %T", "1997-09-30 18:00:00"), D19970930 + 0.75);
    ck_assert_double_eq(parse_ok("%Y-%m-%d %I:%M %p", "1997-09-30 01:30 PM"), D19970930 + 13.5 / 24);
    ck_assert_double_eq(parse_ok("%Y-%m-%d %I:%M %p", "1997-09-30 12:00 am"), D19970930);
    ck_assert_double_eq(parse_ok("%Y-%m-%d %H:%M:%S.%f", "1997-09-30 00:00:01.25"),
                        D19970930 + 1.25 / 86400);
    ck_assert_double_eq(parse_ok("%Y-%m-%dT%H:%M%z", "1997-09-30T02:00+02:00"), D19970930);
    ck_assert_double_eq(parse_ok("%s", "875577600"), D19970930); /* 10134 * 86400 */
    ck_assert_double_eq(parse_ok("%Y%%%m", "1997%09"), (double)cxm__days_from_civil(1997, 9, 1));
    ck_assert_double_eq(parse_ok("epoch", "875577600"), D19970930);
    ck_assert_double_eq(parse_ok("epoch", "875620800.0"), D19970930 + 0.5);
    ck_assert_double_eq(parse_ok("epoch", "-86400"), -1.0);
    ck_assert_double_eq(parse_ok("epoch_ms", "875577600000"), D19970930);

    parse_fails("%a %d %b %Y", "Mon 30 Sep 1997", "the date is a Tuesday, not a Monday");
    parse_fails("%d/%m/%Y", "30-09-1997", "expected '/'");
    parse_fails("%d/%m/%Y", "31/09/1997", "September 1997 has 30 days");
    parse_fails("%d/%m/%Y", "30/09/1997 ", "left over");
    parse_fails("%d/%m/%Y", "30/09/97", "'%Y' does not match");
    parse_fails("%Y-%m-%d %I:%M %p", "1997-09-30 13:30 PM", "hour 13 is not in 1..12");
    parse_fails("epoch", "1e20", "outside the years");
    parse_fails("epoch", "soon", "expected seconds");
}
END_TEST

START_TEST(bad_formats_are_rejected)
{
    cxm__time_format f;
    ck_assert_int_eq(cxm__time_format_init(&f, "%d/%m/%Q"), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "date format '%d/%m/%Q': unknown directive '%Q'");
    ck_assert_int_eq(cxm__time_format_init(&f, "%d/%m"), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "has no year") != NULL);
    ck_assert_int_eq(cxm__time_format_init(&f, "%Y %I:%M"), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "%I (12-hour clock) and %p") != NULL);
    ck_assert_int_eq(cxm__time_format_init(&f, "%Y %j %m"), CXM_EINVAL);
    ck_assert_int_eq(cxm__time_format_init(&f, "%Y%"), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "lone '%'") != NULL);
}
END_TEST

START_TEST(iso_formatting)
{
    char text[40];
    ck_assert_uint_gt(cxm__time_format_iso(text, sizeof text, D19970930), 0);
    ck_assert_str_eq(text, "1997-09-30");
    cxm__time_format_iso(text, sizeof text, D19970930 + 0.75);
    ck_assert_str_eq(text, "1997-09-30T18:00:00");
    cxm__time_format_iso(text, sizeof text, D19970930 + 1.25 / 86400);
    ck_assert_str_eq(text, "1997-09-30T00:00:01.250000");
    cxm__time_format_iso(text, sizeof text, -1.0);
    ck_assert_str_eq(text, "1969-12-31");
    cxm__time_format_iso(text, sizeof text, -0.25);
    ck_assert_str_eq(text, "1969-12-31T18:00:00");
    ck_assert_uint_eq(cxm__time_format_iso(text, 5, D19970930), 0);
    /* What is written reads back. */
    for (double t = -40000.123; t < 40000; t += 777.777) {
        cxm__time_format_iso(text, sizeof text, t);
        ck_assert_double_eq_tol(parse_ok(NULL, text), t, 1e-6 / 86400 + 1e-9);
    }
}
END_TEST

/* ------------------------------------------------------------------ numbers */

START_TEST(numbers_parse_strictly_and_exactly)
{
    static const char *const good[] = { "0", "-0", "29.33", "-1.5e3", "1e-400", ".5", "5.", "+3",
                                        "123456789012345678901234567890", "0.1", "1.7976931348623157e308",
                                        "4.9e-324", "000123.4500", "9007199254740993",
                                        "0.30000000000000004", "1E5", "2.5e-3", "1234567890.12345" };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        double v, ref = strtod(good[i], NULL);
        ck_assert_msg(cxm__parse_double(good[i], strlen(good[i]), &v) == 0, "'%s' rejected", good[i]);
        ck_assert_msg(v == ref && signbit(v) == signbit(ref), "'%s': %.17g, strtod %.17g", good[i], v, ref);
    }
    static const char *const bad[] = { "", "-", ".", "+", "1,5", "1e", "1e+", "nan", "inf", "0x10",
                                       " 1", "1 ", "1.2.3", "--1", "1e999", "$5", "1_000", "e5" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        double v;
        ck_assert_msg(cxm__parse_double(bad[i], strlen(bad[i]), &v) != 0, "'%s' accepted as %g", bad[i], v);
    }
    /* Random decimal strings: the same double as strtod (correct rounding). */
    srand(12345);
    for (int i = 0; i < 20000; i++) {
        char text[64];
        int digits = 1 + rand() % 20, point = rand() % (digits + 1), exponent = rand() % 60 - 30;
        int w = 0;
        if (rand() % 2)
            text[w++] = '-';
        for (int k = 0; k < digits; k++) {
            if (k == point && k > 0)
                text[w++] = '.';
            text[w++] = (char)('0' + rand() % 10);
        }
        if (rand() % 3 == 0)
            w += snprintf(text + w, sizeof text - (size_t)w, "e%d", exponent);
        text[w] = '\0';
        double v;
        ck_assert_int_eq(cxm__parse_double(text, (size_t)w, &v), 0);
        ck_assert_msg(v == strtod(text, NULL), "'%s': %.17g vs %.17g", text, v, strtod(text, NULL));
    }
}
END_TEST

/* Digits of a number's text, without leading zeros and the exponent. */
static int significant_digits(const char *text)
{
    int count = 0;
    bool started = false;
    for (const char *c = text; *c && *c != 'e'; c++) {
        if (*c < '0' || *c > '9')
            continue;
        started = started || *c != '0';
        count += started;
    }
    return count;
}

START_TEST(numbers_format_shortest)
{
    char text[40];
    ck_assert_uint_gt(cxm__format_double(text, sizeof text, 0.1), 0);
    ck_assert_str_eq(text, "0.1");
    cxm__format_double(text, sizeof text, 22.345);
    ck_assert_str_eq(text, "22.345");
    cxm__format_double(text, sizeof text, 213.0 / 7);
    ck_assert_str_eq(text, "30.428571428571427");
    cxm__format_double(text, sizeof text, 42);
    ck_assert_str_eq(text, "42");
    cxm__format_double(text, sizeof text, -0.0);
    ck_assert_str_eq(text, "-0");
    cxm__format_double(text, sizeof text, 1e300);
    ck_assert_str_eq(text, "1e+300");
    cxm__format_double(text, sizeof text, -7.3e307); /* found by fuzz_csv: no int64 conversion */
    ck_assert_str_eq(text, "-7.3e+307");
    cxm__format_double(text, sizeof text, NAN);
    ck_assert_str_eq(text, "nan");
    ck_assert_uint_eq(cxm__format_double(text, 3, 0.125), 0);
    /* The shortest digits that read back, as brute force finds them: the
     * fewest %.*g digits that round-trip (the formatter does exact integer
     * arithmetic for 1e-4 <= |v| < 1e15 and falls back to snprintf). */
    srand(4242);
    for (int i = 0; i < 40000; i++) {
        double v;
        if (i % 4 == 0)
            v = (double)(rand() % 1000000) / (1 + rand() % 997); /* means of amounts */
        else if (i % 4 == 1)
            v = (double)(rand() % 100000) / 7;                  /* days / 7 */
        else
            v = ((double)rand() / RAND_MAX - 0.3) * pow(10, rand() % 24 - 6);
        char brute[40], fast[40];
        int p = 1;
        for (; p <= 17; p++) {
            snprintf(brute, sizeof brute, "%.*g", p, v);
            if (strtod(brute, NULL) == v)
                break;
        }
        size_t n = cxm__format_double(fast, sizeof fast, v);
        double back;
        ck_assert_int_eq(cxm__parse_double(fast, n, &back), 0);
        ck_assert_msg(back == v, "%.17g written as %s", v, fast);
        /* (Whole numbers are written in full, 7880 rather than 7.88e+03.) */
        ck_assert_msg(v == floor(v) || significant_digits(fast) <= p,
                      "%.17g: %s has more digits than %s", v, fast, brute);
        ck_assert_msg(strtod(fast, NULL) == v, "%.17g: %s", v, fast);
    }
    srand(777);
    for (int i = 0; i < 20000; i++) {
        double v = ((double)rand() / RAND_MAX - 0.5) * pow(10, rand() % 40 - 20);
        size_t n = cxm__format_double(text, sizeof text, v);
        double back;
        ck_assert_int_eq(cxm__parse_double(text, n, &back), 0);
        ck_assert_msg(back == v, "%.17g written as %s", v, text);
    }
}
END_TEST

/* ------------------------------------------------------------------ the CSV reader */

static cxm_csv_options csv_defaults(void)
{
    cxm_csv_options o;
    cxm_csv_options_init(&o);
    return o;
}

/* All records of text, fields joined by '|' and records by '\n'. */
static int read_all(const char *text, size_t size, const cxm_csv_options *o, size_t chunk,
                    char *dst, size_t dst_size)
{
    cxm_csv *csv;
    int status = cxm__csv_open_memory(&csv, text, size, "t.csv", o, chunk);
    if (status != CXM_OK)
        return status;
    size_t w = 0;
    dst[0] = '\0';
    int more;
    while ((more = cxm__csv_next(csv)) > 0) {
        for (size_t i = 0; i < cxm__csv_columns(csv); i++) {
            size_t len;
            const char *f = cxm__csv_field(csv, i, &len);
            w += (size_t)snprintf(dst + w, dst_size - w, "%s%.*s", i ? "|" : "", (int)len, f);
        }
        w += (size_t)snprintf(dst + w, dst_size - w, "\n");
    }
    cxm__csv_close(csv);
    return more;
}

static void expect_records(const char *text, const cxm_csv_options *o, const char *expected)
{
    static const size_t chunks[] = { 1, 2, 3, 5, 7, 16, 64, 0 };
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        char got[4096];
        int status = read_all(text, strlen(text), o, chunks[k], got, sizeof got);
        ck_assert_msg(status == 0, "chunk %zu: %s", chunks[k], cxm_error_message());
        ck_assert_msg(strcmp(got, expected) == 0, "chunk %zu:\n%s\nexpected:\n%s", chunks[k], got,
                      expected);
    }
}

static void expect_failure(const char *text, size_t size, const cxm_csv_options *o, int status,
                           const char *message)
{
    static const size_t chunks[] = { 1, 3, 16, 0 };
    for (size_t k = 0; k < sizeof chunks / sizeof chunks[0]; k++) {
        char got[4096];
        int rc = read_all(text, size, o, chunks[k], got, sizeof got);
        ck_assert_msg(rc == status, "chunk %zu: status %d, expected %d (%s)", chunks[k], rc, status,
                      cxm_error_message());
        ck_assert_msg(strstr(cxm_error_message(), message) != NULL, "chunk %zu: '%s' lacks '%s'",
                      chunks[k], cxm_error_message(), message);
    }
}

START_TEST(csv_plain_quoted_crlf_bom)
{
    cxm_csv_options o = csv_defaults();
    expect_records("id,date,amount\n1,1997-01-01,29.33\n2,1997-01-02,5\n", &o,
                   "1|1997-01-01|29.33\n2|1997-01-02|5\n");
    /* Quotes: delimiters, doubled quotes and line breaks inside; CRLF; a
     * BOM; blank lines; no final line end; empty fields. */
    expect_records("\xEF\xBB\xBFname,note\r\n\"Smith, J\",\"said \"\"hi\"\"\"\r\n\r\n"
                   "\"multi\nline\",x\r\n,\r\n\"\",\"a\"\"\"\r\nlast,\"\"",
                   &o, "Smith, J|said \"hi\"\nmulti\nline|x\n|\n|a\"\nlast|\n");
    /* A quote inside an unquoted field is a plain character. */
    expect_records("a,b\n5'10\",x\n", &o, "5'10\"|x\n");
    o.quote = 0;
    expect_records("a,b\n\"x,y\n", &o, "\"x|y\n");
}
END_TEST

START_TEST(csv_whitespace_and_other_delimiters)
{
    cxm_csv_options o = csv_defaults();
    o.delimiter = CXM_CSV_WHITESPACE;
    o.header = 0;
    expect_records(" 00004 0001 19970101  2   29.33\r\n 00004 0001 19970118  2   29.73\r\n",
                   &o, "00004|0001|19970101|2|29.33\n00004|0001|19970118|2|29.73\n");
    expect_records("a\t b  \"c d\"   \n\n  e f g\t\n", &o, "a|b|c d\ne|f|g\n");
    o.delimiter = '\t';
    expect_records("a\t\tb\n1\t2\t3\n", &o, "a||b\n1|2|3\n");
    o.delimiter = ';';
    expect_records("path;conversions\na > b;1\n", &o, "path|conversions\na > b|1\n");
}
END_TEST

static int detected(const char *text)
{
    cxm_csv_options o = csv_defaults();
    o.delimiter = CXM_CSV_DETECT;
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, strlen(text), "t.csv", &o, 0), CXM_OK);
    int d = cxm__csv_delimiter(csv);
    cxm__csv_close(csv);
    return d;
}

START_TEST(csv_delimiter_detection)
{
    ck_assert_int_eq(detected("a,b,c\n1,2,3\n"), ',');
    ck_assert_int_eq(detected("path;conversions;value\n\"a;b\";1;2\n"), ';');
    ck_assert_int_eq(detected("a\tb\n"), '\t');
    ck_assert_int_eq(detected("a|b|c\n"), '|');
    ck_assert_int_eq(detected("\"x,y,z\";b\n"), ';'); /* commas inside quotes do not count */
    ck_assert_int_eq(detected(" 00004 0001 19970101  2   29.33\r\n"), CXM_CSV_WHITESPACE);
    ck_assert_int_eq(detected("single\n"), ',');
}
END_TEST

START_TEST(csv_columns_by_name_or_number)
{
    static const char text[] = "id, date ,amount,7\n1,2,3,4\n";
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, strlen(text), "t.csv", NULL, 0), CXM_OK);
    size_t i;
    ck_assert_int_eq(cxm__csv_find_column(csv, "id", &i), CXM_OK);
    ck_assert_uint_eq(i, 0);
    ck_assert_int_eq(cxm__csv_find_column(csv, "date", &i), CXM_OK); /* " date " trimmed */
    ck_assert_uint_eq(i, 1);
    ck_assert_int_eq(cxm__csv_find_column(csv, "3", &i), CXM_OK);
    ck_assert_uint_eq(i, 2);
    ck_assert_int_eq(cxm__csv_find_column(csv, "7", &i), CXM_OK); /* the name wins */
    ck_assert_uint_eq(i, 3);
    ck_assert_int_eq(cxm__csv_find_column(csv, "when", &i), CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(),
                     "t.csv: no column 'when' in the header ('id', ' date ', 'amount', '7')");
    ck_assert_int_eq(cxm__csv_find_column(csv, "9", &i), CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(), "t.csv: no column 9: the file has 4 columns");
    ck_assert_int_eq(cxm__csv_find_column(csv, "0", &i), CXM_ENOTFOUND);
    ck_assert_int_eq(cxm__csv_find_column(csv, "", &i), CXM_EINVAL);
    cxm__csv_close(csv);

    cxm_csv_options o = csv_defaults();
    o.header = 0;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, strlen(text), "t.csv", &o, 0), CXM_OK);
    ck_assert_uint_eq(cxm__csv_columns(csv), 4);
    ck_assert_int_eq(cxm__csv_find_column(csv, "id", &i), CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(), "t.csv has no header line: give column 'id' by its number (1 to 4)");
    ck_assert_int_eq(cxm__csv_next(csv), 1); /* the first line is data */
    ck_assert_uint_eq(cxm__csv_line(csv), 1);
    size_t len;
    const char *field = cxm__csv_field(csv, 1, &len);
    ck_assert_uint_eq(len, 6);
    ck_assert_int_eq(strncmp(field, " date ", len), 0);
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    ck_assert_uint_eq(cxm__csv_line(csv), 2);
    ck_assert_int_eq(cxm__csv_next(csv), 0);
    cxm__csv_close(csv);
}
END_TEST

START_TEST(csv_structural_errors)
{
    cxm_csv_options o = csv_defaults();
    expect_failure("", 0, &o, CXM_EPARSE, "t.csv: the file is empty");
    expect_failure("\xEF\xBB\xBF", 3, &o, CXM_EPARSE, "t.csv: the file is empty");
    expect_failure("\n\r\n\n", 4, &o, CXM_EPARSE, "t.csv: the file is empty");
    expect_failure("\xFF\xFE" "a\0,\0", 6, &o, CXM_EPARSE, "t.csv: the file is UTF-16 text");
    expect_failure("a,b\n1,2\n3,4,5\n", 14, &o, CXM_EPARSE, "t.csv:3: 3 fields where the header has 2");
    expect_failure("a,b\n1\n", 6, &o, CXM_EPARSE, "t.csv:2: 1 field where the header has 2");
    expect_failure("a,b\n1,2\n3,\"4\n", 13, &o, CXM_EPARSE,
                   "t.csv:3: the file ends inside a quoted field that starts on this line");
    expect_failure("a,b\n1,2\n3,\0\n", 12, &o, CXM_EPARSE, "t.csv:3: NUL byte in the data");
    expect_failure("a,b\n1,\"x\0\"\n", 11, &o, CXM_EPARSE, "t.csv:2: NUL byte");
    expect_failure("a,b\n1,\"x\"y\n", 11, &o, CXM_EPARSE,
                   "t.csv:2: unexpected 'y' after the closing quote of field 2");
    expect_failure("a,b\n1,2\r3,4\n", 12, &o, CXM_EPARSE,
                   "t.csv:2: a carriage return not followed by a line feed");
    expect_failure("id,date,id\n1,2,3\n", 17, &o, CXM_EPARSE,
                   "t.csv:1: the header names column 'id' twice (columns 1 and 3)");
    o.max_record_bytes = 16;
    expect_failure("a,b\n1,2\n0123456789,0123456789\n", 30, &o, CXM_EPARSE,
                   "t.csv:3: a record is longer than 16 bytes (max_record_bytes)");
    expect_failure("a,b\n\"open,and never closed...............\n", 42, &o, CXM_EPARSE,
                   "t.csv:2: a record is longer than 16 bytes");
    o = csv_defaults();
    o.header = 0;
    expect_failure("a,b\n1,2,3\n", 10, &o, CXM_EPARSE, "t.csv:2: 3 fields where line 1 has 2");
}
END_TEST

START_TEST(csv_skips_bad_records_when_asked)
{
    static const char text[] = "a,b\n1,2\n3\n4,5\n6,\"7\"x\n8,9,10\n11,12\n";
    cxm_csv_options o = csv_defaults();
    o.skip_bad_rows = 1;
    o.max_reported = 2;
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, strlen(text), "t.csv", &o, 5), CXM_OK);
    char got[256] = "";
    size_t w = 0;
    for (int pass = 0; pass < 2; pass++) {
        int more;
        while ((more = cxm__csv_next(csv)) > 0) {
            size_t len;
            const char *f = cxm__csv_field(csv, 0, &len);
            w += (size_t)snprintf(got + w, sizeof got - w, "%.*s@%llu ", (int)len, f, cxm__csv_line(csv));
        }
        ck_assert_int_eq(more, 0);
        if (pass == 0)
            ck_assert_int_eq(cxm__csv_rewind(csv), CXM_OK);
    }
    ck_assert_str_eq(got, "1@2 4@4 11@7 1@2 4@4 11@7 ");
    ck_assert_uint_eq(cxm__csv_skipped(csv), 3); /* not counted again on the second pass */
    ck_assert_uint_eq(cxm__csv_skipped_reported(csv), 2);
    ck_assert_str_eq(cxm__csv_skipped_message(csv, 0), "t.csv:3: 1 field where the header has 2");
    ck_assert_str_eq(cxm__csv_skipped_message(csv, 1),
                     "t.csv:5: unexpected 'x' after the closing quote of field 2");
    ck_assert_ptr_null(cxm__csv_skipped_message(csv, 2));
    cxm__csv_close(csv);
}
END_TEST

START_TEST(csv_typed_fields_name_file_line_column)
{
    static const char text[] = "id,date,amount\nA,1997-01-01,29.33\nB,1997-13-01,x\nC, 1997-02-01 ,  \n";
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, strlen(text), "transactions.csv", NULL, 0), CXM_OK);
    double v;
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    ck_assert_int_eq(cxm__csv_get_time(csv, 1, &v), CXM_OK);
    ck_assert_double_eq(v, D19970101);
    ck_assert_int_eq(cxm__csv_get_double(csv, 2, &v), CXM_OK);
    ck_assert_double_eq(v, 29.33);
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    ck_assert_int_eq(cxm__csv_get_time(csv, 1, &v), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "transactions.csv:3: column 'date': '1997-13-01' is not a "
                                          "valid date: month 13 is not in 1..12");
    ck_assert_int_eq(cxm__csv_get_double(csv, 2, &v), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "transactions.csv:3: column 'amount': 'x' is not a number");
    ck_assert_int_eq(cxm__csv_bad_row(csv), CXM_EPARSE); /* strict: the error stands */
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    ck_assert_int_eq(cxm__csv_get_time(csv, 1, &v), CXM_OK); /* blanks around values are fine */
    ck_assert_double_eq(v, D19970101 + 31);
    ck_assert_int_eq(cxm__csv_get_double(csv, 2, &v), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(),
                     "transactions.csv:4: column 'amount': the value is empty where a number is needed");
    cxm__csv_close(csv);
}
END_TEST

/* Dates out of order in two columns go through the reader's caches: every
 * value must still be the date's own. */
START_TEST(csv_date_caches_never_mix_values)
{
    enum { ROWS = 5000 };
    char *text = malloc(ROWS * 48 + 32);
    ck_assert_ptr_nonnull(text);
    size_t w = (size_t)sprintf(text, "a,b\n");
    int64_t expected_a[ROWS], expected_b[ROWS];
    srand(31);
    for (int i = 0; i < ROWS; i++) {
        int64_t da = cxm__days_from_civil(1990 + rand() % 20, 1 + (unsigned)rand() % 12, 1 + (unsigned)rand() % 28);
        int64_t db = i % 3 ? da : da + 1 + rand() % 400;
        int64_t y;
        unsigned m, d, m2, d2;
        int64_t y2;
        cxm__civil_from_days(da, &y, &m, &d);
        cxm__civil_from_days(db, &y2, &m2, &d2);
        /* Column b is sometimes padded with blanks or written in the basic form. */
        w += (size_t)sprintf(text + w, i % 5 ? "%04lld-%02u-%02u,%04lld-%02u-%02u\n" : "%04lld-%02u-%02u,%04lld%02u%02u\n",
                             (long long)y, m, d, (long long)y2, m2, d2);
        expected_a[i] = da;
        expected_b[i] = db;
    }
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, text, w, "t.csv", NULL, 0), CXM_OK);
    for (int i = 0; i < ROWS; i++) {
        double a, b;
        ck_assert_int_eq(cxm__csv_next(csv), 1);
        ck_assert_int_eq(cxm__csv_get_time(csv, 0, &a), CXM_OK);
        ck_assert_int_eq(cxm__csv_get_time(csv, 1, &b), CXM_OK);
        if (a != (double)expected_a[i] || b != (double)expected_b[i])
            ck_abort_msg("row %d: %g %g, expected %lld %lld", i, a, b, (long long)expected_a[i],
                         (long long)expected_b[i]);
    }
    cxm__csv_close(csv);
    free(text);
}
END_TEST

START_TEST(csv_options_are_checked)
{
    cxm_csv_options o = csv_defaults();
    cxm_csv *csv;
    o.version = 99;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
    ck_assert(strstr(cxm_error_message(), "version 99") != NULL);
    o = csv_defaults();
    o.delimiter = '"';
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
    o.delimiter = '\n';
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
    o = csv_defaults();
    o.header = 2;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
    o = csv_defaults();
    o.date_format = "%Q";
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
    o = csv_defaults();
    o.max_record_bytes = 3;
    ck_assert_int_eq(cxm__csv_open_memory(&csv, "a", 1, NULL, &o, 0), CXM_EINVAL);
}
END_TEST

START_TEST(csv_files)
{
    char path[] = "/tmp/cxm-check-io-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static const char text[] = "id;when\r\nx;19970101\r\n";
    ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
    close(fd);
    cxm_csv_options o = csv_defaults();
    o.delimiter = CXM_CSV_DETECT;
    cxm_csv *csv;
    ck_assert_int_eq(cxm__csv_open(&csv, path, &o), CXM_OK);
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    double v;
    ck_assert_int_eq(cxm__csv_get_time(csv, 1, &v), CXM_OK);
    ck_assert_double_eq(v, D19970101);
    ck_assert_int_eq(cxm__csv_next(csv), 0);
    ck_assert_int_eq(cxm__csv_rewind(csv), CXM_OK);
    ck_assert_int_eq(cxm__csv_next(csv), 1);
    cxm__csv_close(csv);
    unlink(path);
    ck_assert_int_eq(cxm__csv_open(&csv, path, NULL), CXM_EIO);
    ck_assert(strstr(cxm_error_message(), ": cannot open: No such file or directory") != NULL);
    ck_assert_int_eq(cxm__csv_open(&csv, "/tmp", NULL), CXM_EIO);
    ck_assert(strstr(cxm_error_message(), "/tmp: is a directory") != NULL);
}
END_TEST

/* Every allocation of a read may fail: CXM_ENOMEM, nothing leaked. */
static int read_scenario(void *context)
{
    const char *text = context;
    cxm_csv_options o = csv_defaults();
    o.skip_bad_rows = 1;
    cxm_csv *csv;
    int status = cxm__csv_open_memory(&csv, text, strlen(text), "t.csv", &o, 8);
    if (status != CXM_OK)
        return status;
    int more;
    while ((more = cxm__csv_next(csv)) > 0) {
        double v;
        if (cxm__csv_get_double(csv, 1, &v) != CXM_OK && (more = cxm__csv_bad_row(csv)) < 0)
            break;
    }
    if (more == 0)
        more = cxm__csv_rewind(csv);
    cxm__csv_close(csv);
    return more < 0 ? more : CXM_OK;
}

START_TEST(csv_out_of_memory)
{
    static const char text[] = "name,value,a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q\n"
                               "\"a \"\"long\"\" name that is longer than the chunk\",1,,,,,,,,,,,,,,,,,\n"
                               "b,x,,,,,,,,,,,,,,,,,\nc,2\nd,3,,,,,,,,,,,,,,,,,\n";
    long calls = chaos_run(read_scenario, (void *)text, "CSV read");
    ck_assert_int_gt(calls, 5);
}
END_TEST

/* Everything read from text in one go (the 64-byte bitmap scanner takes the
 * plain records) and in chunks of 1 to 9 bytes (the careful scanner takes
 * nearly all): records, fields, lines, skipped records and messages, and
 * the final status and message, as one string. */
static void read_transcript(const char *text, size_t size, size_t chunk, char *dst, size_t dst_size)
{
    cxm_csv_options o = csv_defaults();
    o.skip_bad_rows = 1;
    cxm_csv *csv;
    size_t w = 0;
    int more = cxm__csv_open_memory(&csv, text, size, "t.csv", &o, chunk);
    if (more == CXM_OK) {
        while ((more = cxm__csv_next(csv)) > 0 && w + 200 < dst_size) {
            w += (size_t)snprintf(dst + w, dst_size - w, "%llu:", cxm__csv_line(csv));
            for (size_t i = 0; i < cxm__csv_columns(csv); i++) {
                size_t len;
                const char *f = cxm__csv_field(csv, i, &len);
                w += (size_t)snprintf(dst + w, dst_size - w, "[%.*s]", (int)len, f);
            }
            dst[w++] = '\n';
        }
        for (size_t i = 0; cxm__csv_skipped_message(csv, i); i++)
            w += (size_t)snprintf(dst + w, dst_size - w, "skipped: %s\n", cxm__csv_skipped_message(csv, i));
        w += (size_t)snprintf(dst + w, dst_size - w, "%llu skipped\n", cxm__csv_skipped(csv));
        cxm__csv_close(csv);
    }
    snprintf(dst + w, dst_size - w, "end %d %s\n", more, more < 0 ? cxm_error_message() : "");
}

START_TEST(csv_fast_and_careful_scans_agree)
{
    /* Mostly plain records of three fields, now and then a quote, a CR, a
     * blank line, a NUL, a wrong field count, a long field. */
    static const char odd[] = "\"\r\n,\0 xy";
    static char text[6000], a[60000], b[60000];
    srand(2024);
    for (int trial = 0; trial < 400; trial++) {
        size_t n = 0;
        n += (size_t)snprintf(text, sizeof text, "id,date,amount\n");
        while (n < 3000 + (size_t)(trial % 7) * 300) {
            int fields = rand() % 40 == 0 ? 2 : 3;
            for (int f = 0; f < fields; f++) {
                int len = rand() % 12 == 0 ? 70 + rand() % 80 : rand() % 14;
                for (int k = 0; k < len; k++)
                    text[n++] = rand() % 150 == 0 ? odd[rand() % 8] : (char)('a' + rand() % 26);
                if (f + 1 < fields)
                    text[n++] = ',';
            }
            if (rand() % 30 == 0)
                text[n++] = '\r';
            text[n++] = '\n';
            if (rand() % 50 == 0)
                text[n++] = '\n';
        }
        read_transcript(text, n, 0, a, sizeof a);
        read_transcript(text, n, 1 + (size_t)(trial % 9), b, sizeof b);
        size_t i = 0;
        while (a[i] && a[i] == b[i])
            i++;
        size_t from = i > 100 ? i - 100 : 0;
        if (a[i] != b[i])
            ck_abort_msg("trial %d, at %zu: in one go:\n%.200s\nin chunks:\n%.200s", trial, i, a + from,
                         b + from);
    }
}
END_TEST

static Suite *io_suite(void)
{
    Suite *s = suite_create("io");
    TCase *dates = tcase_create("dates");
    tcase_add_test(dates, civil_dates_known_values);
    tcase_add_test(dates, civil_dates_round_trip);
    tcase_add_test(dates, iso_dates_and_times);
    tcase_add_test(dates, invalid_dates_say_why);
    tcase_add_test(dates, patterns);
    tcase_add_test(dates, bad_formats_are_rejected);
    tcase_add_test(dates, iso_formatting);
    tcase_set_timeout(dates, 60);
    suite_add_tcase(s, dates);
    TCase *numbers = tcase_create("numbers");
    tcase_add_test(numbers, numbers_parse_strictly_and_exactly);
    tcase_add_test(numbers, numbers_format_shortest);
    tcase_set_timeout(numbers, 60);
    suite_add_tcase(s, numbers);
    TCase *csv = tcase_create("csv");
    tcase_add_test(csv, csv_plain_quoted_crlf_bom);
    tcase_add_test(csv, csv_whitespace_and_other_delimiters);
    tcase_add_test(csv, csv_delimiter_detection);
    tcase_add_test(csv, csv_columns_by_name_or_number);
    tcase_add_test(csv, csv_structural_errors);
    tcase_add_test(csv, csv_skips_bad_records_when_asked);
    tcase_add_test(csv, csv_typed_fields_name_file_line_column);
    tcase_add_test(csv, csv_date_caches_never_mix_values);
    tcase_add_test(csv, csv_options_are_checked);
    tcase_add_test(csv, csv_files);
    tcase_add_test(csv, csv_out_of_memory);
    tcase_add_test(csv, csv_fast_and_careful_scans_agree);
    tcase_set_timeout(csv, 60);
    suite_add_tcase(s, csv);
    return s;
}

int main(void)
{
    return cxm_check_run(io_suite());
}
