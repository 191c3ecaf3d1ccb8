/* Civil dates and times without the C library's time functions: no time
 * zone database, no locale, no timegm. Internal to libcxm.
 *
 * Times are days since 1970-01-01T00:00:00Z as a double: the integer part is
 * the day, the fraction the time of day (0.5 is noon). Dates at midnight are
 * exact integers, so arithmetic on dates is exact.
 *
 * Formats (cxm__time_format_init):
 *   NULL, "" or "auto"  ISO 8601 (YYYY-MM-DD, YYYY-DDD, YYYY-Www-D, with an
 *                       optional time THH:MM[:SS[.fff]] or " HH:MM..." and an
 *                       optional Z or +HH[:MM] offset) or YYYYMMDD[THHMMSS];
 *                       never a guess between day-first and month-first.
 *   "epoch"             seconds since 1970-01-01T00:00:00Z (may have a fraction).
 *   "epoch_ms"          milliseconds since the epoch.
 *   anything else       a strftime-style pattern: %Y %y %m %d %e %j %H %I %M %S
 *                       %f %p %b %B %h %a %A %z %s %F %T %D %R %n %t %%; a blank
 *                       matches one or more blanks, other characters match
 *                       themselves. Month and weekday names are English.
 */
#ifndef CXM_IO_DATE_H
#define CXM_IO_DATE_H

#include <stddef.h>
#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (m 1..12, d 1..31; not checked). */
int64_t cxm__days_from_civil(int64_t year, unsigned month, unsigned day);
/* The date of a day number. */
void cxm__civil_from_days(int64_t days, int64_t *year, unsigned *month, unsigned *day);
/* 28..31. */
unsigned cxm__days_in_month(int64_t year, unsigned month);
/* 0 = Monday .. 6 = Sunday. */
unsigned cxm__weekday(int64_t days);

enum cxm__time_kind { CXM__TIME_AUTO, CXM__TIME_EPOCH, CXM__TIME_EPOCH_MS, CXM__TIME_PATTERN };

typedef struct cxm__time_format {
    enum cxm__time_kind kind;
    const char *pattern; /* borrowed: the caller keeps it alive */
} cxm__time_format;

/* Check a format; CXM_EINVAL with a message naming the bad directive. */
int cxm__time_format_init(cxm__time_format *format, const char *spec);

/* Parse text[0..n) (not NUL-terminated). Returns 0 and sets *days, or -1
 * and writes why into reason[0..size) ("month 13 is not in 1..12"; reason
 * may be NULL). Records no error: the caller builds the message. */
int cxm__time_parse(const cxm__time_format *format, const char *text, size_t n, double *days,
                    char *reason, size_t size);

/* Write an ISO 8601 date (YYYY-MM-DD) or, when the time is not midnight, a
 * datetime (YYYY-MM-DDTHH:MM:SS, with .ffffff when there are fractions of a
 * second). Returns the length written (< size) or 0 if size is too small. */
size_t cxm__time_format_iso(char *dst, size_t size, double days);

#endif
