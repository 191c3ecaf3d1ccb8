/* Civil-date arithmetic and date/time parsing: ISO 8601, YYYYMMDD, epoch
 * seconds and strftime-style patterns, all without libc time functions (no
 * time zone or locale can change a result). */
#include "config.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/internal.h"
#include "io/date.h"
#include "io/number.h"

/* The civil-from-days and days-from-civil algorithms below count in 400-year
 * eras of 146097 days, starting each year on March 1 so that the leap day is
 * the last day of the year. */
int64_t cxm__days_from_civil(int64_t year, unsigned month, unsigned day)
{
    int64_t y = year - (month <= 2);
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);                              /* [0, 399] */
    unsigned doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1; /* [0, 365] */
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;                 /* [0, 146096] */
    return era * 146097 + (int64_t)doe - 719468;
}

void cxm__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day)
{
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int64_t)yoe + era * 400 + (m <= 2);
    *month = m;
    *day = d;
}

static bool is_leap(int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned cxm__days_in_month(int64_t year, unsigned month)
{
    static const unsigned char length[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (month == 2)
        return is_leap(year) ? 29 : 28;
    return month >= 1 && month <= 12 ? length[month - 1] : 0;
}

unsigned cxm__weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (unsigned)(w < 0 ? w + 7 : w);
}

static const char *const month_names[12] = { "January", "February", "March", "April",
                                             "May", "June", "July", "August",
                                             "September", "October", "November", "December" };
static const char *const weekday_names[7] = { "Monday", "Tuesday", "Wednesday", "Thursday",
                                              "Friday", "Saturday", "Sunday" };

/* ------------------------------------------------------------------ parsed fields */

typedef struct fields {
    int64_t year;
    unsigned month, day, yday, hour, minute, second;
    long nanos;
    int offset;          /* seconds east of UTC */
    int weekday;         /* -1 unknown, else 0 = Monday */
    int pm;              /* -1 none, 0 AM, 1 PM */
    bool has_epoch;
    int64_t epoch;
    bool has_yday, has_month_or_day, has_hour12;
} fields;

static void fields_init(fields *f)
{
    memset(f, 0, sizeof *f);
    f->month = 1;
    f->day = 1;
    f->weekday = -1;
    f->pm = -1;
}

static int why(char *reason, size_t size, const char *fmt, ...) CXM_PRINTF(3, 4);
static int why(char *reason, size_t size, const char *fmt, ...)
{
    if (reason && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(reason, size, fmt, ap);
        va_end(ap);
    }
    return -1;
}

/* Turn validated fields into days since the epoch. */
static int compose(const fields *f, double *out, char *reason, size_t size)
{
    if (f->has_epoch) {
        *out = (double)f->epoch / 86400.0;
        return 0;
    }
    if (f->year < 0 || f->year > 9999)
        return why(reason, size, "year %lld is not in 0..9999", (long long)f->year);
    int64_t date;
    if (f->has_yday) {
        unsigned length = is_leap(f->year) ? 366 : 365;
        if (f->yday < 1 || f->yday > length)
            return why(reason, size, "day of year %u is not in 1..%u", f->yday, length);
        date = cxm__days_from_civil(f->year, 1, 1) + f->yday - 1;
    } else {
        if (f->month < 1 || f->month > 12)
            return why(reason, size, "month %u is not in 1..12", f->month);
        unsigned length = cxm__days_in_month(f->year, f->month);
        if (f->day < 1 || f->day > length)
            return why(reason, size, "%s %lld has %u days", month_names[f->month - 1],
                       (long long)f->year, length);
        date = cxm__days_from_civil(f->year, f->month, f->day);
    }
    unsigned hour = f->hour;
    if (f->has_hour12) {
        if (hour < 1 || hour > 12)
            return why(reason, size, "hour %u is not in 1..12", hour);
        hour = hour % 12 + (f->pm == 1 ? 12 : 0);
    }
    if (hour > 23)
        return why(reason, size, "hour %u is not in 0..23", hour);
    if (f->minute > 59)
        return why(reason, size, "minute %u is not in 0..59", f->minute);
    if (f->second > 59)
        return why(reason, size, "second %u is not in 0..59", f->second);
    if (f->weekday >= 0 && (unsigned)f->weekday != cxm__weekday(date))
        return why(reason, size, "the date is a %s, not a %s", weekday_names[cxm__weekday(date)],
                   weekday_names[f->weekday]);
    int64_t seconds = (int64_t)hour * 3600 + f->minute * 60 + f->second - f->offset;
    int64_t day_shift = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    seconds -= day_shift * 86400;
    double fraction = ((double)seconds + (double)f->nanos * 1e-9) / 86400.0;
    *out = (double)(date + day_shift) + fraction;
    return 0;
}

/* ------------------------------------------------------------------ scanning helpers */

typedef struct cursor {
    const char *p, *end;
} cursor;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Exactly `count` digits. */
static bool fixed_digits(cursor *c, int count, unsigned *value)
{
    if (c->end - c->p < count)
        return false;
    unsigned v = 0;
    for (int i = 0; i < count; i++) {
        if (!is_digit(c->p[i]))
            return false;
        v = v * 10 + (unsigned)(c->p[i] - '0');
    }
    c->p += count;
    *value = v;
    return true;
}

/* Between 1 and `most` digits, greedy. */
static bool some_digits(cursor *c, int most, unsigned *value)
{
    int count = 0;
    unsigned v = 0;
    while (count < most && c->p < c->end && is_digit(*c->p)) {
        v = v * 10 + (unsigned)(*c->p++ - '0');
        count++;
    }
    *value = v;
    return count > 0;
}

/* A fraction of a second after the separator: 1 to 9 digits, as nanoseconds. */
static bool fraction_digits(cursor *c, long *nanos)
{
    int count = 0;
    long v = 0;
    while (c->p < c->end && is_digit(*c->p)) {
        if (count == 9)
            return false;
        v = v * 10 + (*c->p++ - '0');
        count++;
    }
    if (count == 0)
        return false;
    for (int i = count; i < 9; i++)
        v *= 10;
    *nanos = v;
    return true;
}

/* Z, +HH, +HHMM or +HH:MM (also with '-'); stores seconds east of UTC. */
static bool utc_offset(cursor *c, int *offset)
{
    if (c->p < c->end && *c->p == 'Z') {
        c->p++;
        *offset = 0;
        return true;
    }
    if (c->p >= c->end || (*c->p != '+' && *c->p != '-'))
        return false;
    int sign = *c->p++ == '-' ? -1 : 1;
    unsigned hours, minutes = 0;
    if (!fixed_digits(c, 2, &hours))
        return false;
    if (c->p < c->end && *c->p == ':') {
        c->p++;
        if (!fixed_digits(c, 2, &minutes))
            return false;
    } else if (c->p < c->end && is_digit(*c->p) && !fixed_digits(c, 2, &minutes)) {
        return false;
    }
    if (hours > 23 || minutes > 59)
        return false;
    *offset = sign * (int)(hours * 3600 + minutes * 60);
    return true;
}

/* A case-insensitive English name: the full name or its first three letters. */
static int name_index(cursor *c, const char *const *names, int count)
{
    for (int i = 0; i < count; i++) {
        size_t full = strlen(names[i]);
        for (size_t len = full;; len = 3) {
            if ((size_t)(c->end - c->p) >= len) {
                size_t k = 0;
                while (k < len && (c->p[k] | 0x20) == (names[i][k] | 0x20))
                    k++;
                if (k == len) {
                    c->p += len;
                    return i;
                }
            }
            if (len == 3)
                break;
        }
    }
    return -1;
}

/* ------------------------------------------------------------------ ISO 8601 and YYYYMMDD */

static const char iso_expected[] =
    "expected an ISO 8601 date (YYYY-MM-DD) or datetime (YYYY-MM-DDTHH:MM:SS), or YYYYMMDD";

/* THH:MM[:SS[.f]] or the basic THHMM[SS[.f]], then an optional offset. */
static bool iso_time(cursor *c, fields *f, bool basic)
{
    if (!fixed_digits(c, 2, &f->hour))
        return false;
    if (!basic && (c->p >= c->end || *c->p++ != ':'))
        return false;
    if (!fixed_digits(c, 2, &f->minute))
        return false;
    bool more = basic ? (c->p < c->end && is_digit(*c->p)) : (c->p < c->end && *c->p == ':');
    if (more) {
        if (!basic)
            c->p++;
        if (!fixed_digits(c, 2, &f->second))
            return false;
        if (c->p < c->end && (*c->p == '.' || *c->p == ',')) {
            c->p++;
            if (!fraction_digits(c, &f->nanos))
                return false;
        }
    }
    if (c->p < c->end && !utc_offset(c, &f->offset))
        return false;
    return c->p == c->end;
}

static int parse_iso(const char *text, size_t n, double *out, char *reason, size_t size)
{
    fields f;
    fields_init(&f);
    cursor c = { text, text + n };
    unsigned year, month, day;
    if (!fixed_digits(&c, 4, &year))
        return why(reason, size, iso_expected);
    f.year = year;
    bool basic = false;
    if (c.p < c.end && *c.p == '-') {
        c.p++;
        if (c.p < c.end && *c.p == 'W') {
            /* Week date YYYY-Www-D: week 1 holds the year's first Thursday. */
            unsigned week, wday;
            c.p++;
            if (!fixed_digits(&c, 2, &week) || c.p >= c.end || *c.p++ != '-' ||
                !fixed_digits(&c, 1, &wday))
                return why(reason, size, iso_expected);
            int64_t jan4 = cxm__days_from_civil(year, 1, 4);
            int64_t week1 = jan4 - cxm__weekday(jan4);
            int64_t weeks_in_year =
                (cxm__weekday(cxm__days_from_civil(year, 1, 1)) == 3 ||
                 (is_leap(year) && cxm__weekday(cxm__days_from_civil(year, 1, 1)) == 2)) ? 53 : 52;
            if (week < 1 || week > weeks_in_year)
                return why(reason, size, "week %u is not in 1..%d", week, (int)weeks_in_year);
            if (wday < 1 || wday > 7)
                return why(reason, size, "weekday %u is not in 1..7", wday);
            int64_t date = week1 + (week - 1) * 7 + (wday - 1);
            int64_t y;
            cxm__civil_from_days(date, &y, &month, &day);
            f.year = y;
        } else {
            const char *start = c.p;
            if (!fixed_digits(&c, 2, &month))
                return why(reason, size, iso_expected);
            if (c.p < c.end && is_digit(*c.p)) {
                /* Ordinal date YYYY-DDD. */
                c.p = start;
                if (!fixed_digits(&c, 3, &f.yday))
                    return why(reason, size, iso_expected);
                f.has_yday = true;
                month = day = 1;
            } else if (c.p >= c.end || *c.p++ != '-' || !fixed_digits(&c, 2, &day)) {
                return why(reason, size, iso_expected);
            }
        }
    } else {
        if (!fixed_digits(&c, 2, &month) || !fixed_digits(&c, 2, &day))
            return why(reason, size, iso_expected);
        basic = true;
    }
    f.month = month;
    f.day = day;
    if (c.p < c.end) {
        char sep = *c.p++;
        if (!(sep == 'T' || (sep == ' ' && !basic)) || !iso_time(&c, &f, basic))
            return why(reason, size, iso_expected);
    }
    return compose(&f, out, reason, size);
}

/* ------------------------------------------------------------------ strftime-style patterns */

/* Walk the pattern; with fields == NULL only validate it. Returns 0, or -1
 * with a reason (for validation: the unknown directive). */
static int run_pattern(const char *pattern, cursor *c, fields *f, char *reason, size_t size)
{
    for (const char *q = pattern; *q; q++) {
        if (is_blank(*q) || *q == '\n') {
            while (is_blank(q[1]) || q[1] == '\n')
                q++;
            if (!f)
                continue;
            if (c->p >= c->end || !is_blank(*c->p))
                return why(reason, size, "expected a blank at '%.*s'", (int)(c->end - c->p), c->p);
            while (c->p < c->end && is_blank(*c->p))
                c->p++;
            continue;
        }
        if (*q != '%') {
            if (f && (c->p >= c->end || *c->p != *q))
                return why(reason, size, "expected '%c' at '%.*s'", *q, (int)(c->end - c->p), c->p);
            if (f)
                c->p++;
            continue;
        }
        char d = *++q;
        if (d == '\0')
            return why(reason, size, "the format ends with a lone '%%'");
        /* Composite directives expand to their parts. */
        const char *expansion = NULL;
        switch (d) {
        case 'F': expansion = "%Y-%m-%d"; break;
        case 'T': expansion = "%H:%M:%S"; break;
        case 'D': expansion = "%m/%d/%y"; break;
        case 'R': expansion = "%H:%M"; break;
        default: break;
        }
        if (expansion) {
            if (run_pattern(expansion, c, f, reason, size) != 0)
                return -1;
            continue;
        }
        if (!strchr("YymdejHIMSfpbBhaAzsnt%", d))
            return why(reason, size, "unknown directive '%%%c'", d);
        if (!f)
            continue;
        unsigned v = 0;
        bool ok = true;
        const char *at = c->p;
        switch (d) {
        case 'Y': ok = fixed_digits(c, 4, &v); f->year = v; break;
        case 'y':
            ok = fixed_digits(c, 2, &v);
            f->year = v < 69 ? 2000 + v : 1900 + v; /* POSIX: 69-99 are 19xx */
            break;
        case 'm': ok = some_digits(c, 2, &f->month); f->has_month_or_day = true; break;
        case 'e':
            if (c->p < c->end && *c->p == ' ')
                c->p++;
            /* fall through */
        case 'd': ok = some_digits(c, 2, &f->day); f->has_month_or_day = true; break;
        case 'j': ok = some_digits(c, 3, &f->yday); f->has_yday = true; break;
        case 'H': ok = some_digits(c, 2, &f->hour); break;
        case 'I': ok = some_digits(c, 2, &f->hour); f->has_hour12 = true; break;
        case 'M': ok = some_digits(c, 2, &f->minute); break;
        case 'S': ok = some_digits(c, 2, &f->second); break;
        case 'f': ok = fraction_digits(c, &f->nanos); break;
        case 'z': ok = utc_offset(c, &f->offset); break;
        case 'p':
            ok = c->end - c->p >= 2 && (c->p[1] | 0x20) == 'm' &&
                 ((c->p[0] | 0x20) == 'a' || (c->p[0] | 0x20) == 'p');
            if (ok) {
                f->pm = (c->p[0] | 0x20) == 'p';
                c->p += 2;
            }
            break;
        case 'b': case 'B': case 'h': {
            int m = name_index(c, month_names, 12);
            ok = m >= 0;
            f->month = (unsigned)m + 1;
            f->has_month_or_day = true;
            break;
        }
        case 'a': case 'A':
            f->weekday = name_index(c, weekday_names, 7);
            ok = f->weekday >= 0;
            break;
        case 's': {
            bool negative = c->p < c->end && *c->p == '-';
            if (negative)
                c->p++;
            int64_t e = 0;
            int count = 0;
            while (c->p < c->end && is_digit(*c->p) && count < 15) {
                e = e * 10 + (*c->p++ - '0');
                count++;
            }
            ok = count > 0 && !(c->p < c->end && is_digit(*c->p));
            f->epoch = negative ? -e : e;
            f->has_epoch = true;
            break;
        }
        case 'n': case 't':
            while (c->p < c->end && (is_blank(*c->p) || *c->p == '\n'))
                c->p++;
            break;
        case '%': ok = c->p < c->end && *c->p == '%'; c->p += ok; break;
        default: break;
        }
        if (!ok)
            return why(reason, size, "'%%%c' does not match '%.*s'", d, (int)(c->end - at), at);
    }
    return 0;
}

int cxm__time_format_init(cxm__time_format *format, const char *spec)
{
    format->pattern = NULL;
    if (spec == NULL || spec[0] == '\0' || strcmp(spec, "auto") == 0 || strcmp(spec, "iso") == 0) {
        format->kind = CXM__TIME_AUTO;
        return CXM_OK;
    }
    if (strcmp(spec, "epoch") == 0) {
        format->kind = CXM__TIME_EPOCH;
        return CXM_OK;
    }
    if (strcmp(spec, "epoch_ms") == 0) {
        format->kind = CXM__TIME_EPOCH_MS;
        return CXM_OK;
    }
    char reason[128];
    if (run_pattern(spec, NULL, NULL, reason, sizeof reason) != 0)
        return cxm__fail(CXM_EINVAL, "date format '%s': %s", spec, reason);
    bool year = strstr(spec, "%Y") || strstr(spec, "%y") || strstr(spec, "%F") ||
                strstr(spec, "%D") || strstr(spec, "%s");
    if (!year)
        return cxm__fail(CXM_EINVAL, "date format '%s' has no year (%%Y, %%y, %%F, %%D) or %%s",
                         spec);
    bool twelve = strstr(spec, "%I") != NULL, ampm = strstr(spec, "%p") != NULL;
    if (twelve != ampm)
        return cxm__fail(CXM_EINVAL, "date format '%s': %%I (12-hour clock) and %%p (AM/PM) go together",
                         spec);
    if (strstr(spec, "%j") && (strstr(spec, "%m") || strstr(spec, "%d") || strstr(spec, "%b") ||
                               strstr(spec, "%B") || strstr(spec, "%F") || strstr(spec, "%D")))
        return cxm__fail(CXM_EINVAL, "date format '%s': %%j (day of year) excludes month and day",
                         spec);
    format->kind = CXM__TIME_PATTERN;
    format->pattern = spec;
    return CXM_OK;
}

int cxm__time_parse(const cxm__time_format *format, const char *text, size_t n, double *days,
                    char *reason, size_t size)
{
    switch (format->kind) {
    case CXM__TIME_AUTO:
        return parse_iso(text, n, days, reason, size);
    case CXM__TIME_EPOCH:
    case CXM__TIME_EPOCH_MS: {
        double v;
        if (cxm__parse_double(text, n, &v) != 0)
            return why(reason, size, "expected seconds since 1970-01-01");
        if (format->kind == CXM__TIME_EPOCH_MS)
            v /= 1000.0;
        /* Years 0..9999, the same range as the calendar forms. */
        if (!(v >= -62167219200.0 && v < 253402300800.0))
            return why(reason, size, "outside the years 0..9999");
        *days = v / 86400.0;
        return 0;
    }
    case CXM__TIME_PATTERN: {
        fields f;
        fields_init(&f);
        cursor c = { text, text + n };
        if (run_pattern(format->pattern, &c, &f, reason, size) != 0)
            return -1;
        if (c.p != c.end)
            return why(reason, size, "'%.*s' is left over after the format '%s'",
                       (int)(c.end - c.p), c.p, format->pattern);
        return compose(&f, days, reason, size);
    }
    }
    return why(reason, size, "unknown format");
}

size_t cxm__time_format_iso(char *dst, size_t size, double days)
{
    double whole = days >= 0 ? (double)(int64_t)days : -(double)(int64_t)(-days);
    if (whole > days)
        whole -= 1.0;
    int64_t date = (int64_t)whole;
    double seconds = (days - whole) * 86400.0;
    int64_t year;
    unsigned month, day;
    int written;
    /* Round to microseconds; carry into the next day when it rounds up to midnight. */
    int64_t micros = (int64_t)(seconds * 1e6 + 0.5);
    if (micros >= 86400LL * 1000000) {
        micros -= 86400LL * 1000000;
        date++;
    }
    cxm__civil_from_days(date, &year, &month, &day);
    if (micros == 0 && year >= 0 && year <= 9999) {
        /* The common case, without snprintf (summaries write a date per customer). */
        if (size < 11)
            return 0;
        unsigned y = (unsigned)year;
        char text[11] = { (char)('0' + y / 1000), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10),
                          (char)('0' + y % 10), '-', (char)('0' + month / 10), (char)('0' + month % 10),
                          '-', (char)('0' + day / 10), (char)('0' + day % 10), '\0' };
        memcpy(dst, text, sizeof text);
        return 10;
    }
    if (micros == 0) {
        written = snprintf(dst, size, "%04lld-%02u-%02u", (long long)year, month, day);
    } else {
        int64_t s = micros / 1000000, us = micros % 1000000;
        if (us == 0)
            written = snprintf(dst, size, "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)year, month,
                               day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60));
        else
            written = snprintf(dst, size, "%04lld-%02u-%02uT%02d:%02d:%02d.%06d", (long long)year,
                               month, day, (int)(s / 3600), (int)(s / 60 % 60), (int)(s % 60),
                               (int)us);
    }
    return written > 0 && (size_t)written < size ? (size_t)written : 0;
}
