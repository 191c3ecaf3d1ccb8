/**
 * @file cxm/io.h
 * @brief Reading delimited text files (CSV and friends) and dates.
 *
 * Every libcxm function that reads a file (transaction logs, journey event
 * logs, path files, surveys) takes a ::cxm_csv_options that says how the file
 * is laid out, and reads it with the same strict reader:
 *
 * - RFC 4180 quoting ("a ""quoted"" field", fields spanning lines), any
 *   single-byte delimiter, or runs of blanks (#CXM_CSV_WHITESPACE, as in
 *   `awk`), or the delimiter detected from the first line (#CXM_CSV_DETECT);
 * - a header line or none; columns chosen by header name or by 1-based number
 *   (as `cut` and `awk` count); a header name wins over a number;
 * - UTF-8 with or without a byte-order mark, LF or CRLF line ends; blank lines
 *   are skipped;
 * - strict: every record has as many fields as the first; a bad value stops
 *   the read with a message naming the file, line, column and value
 *   ("orders.csv:1042: column 'date': '1997-13-01' is not a valid date: month
 *   13 is not in 1..12"). With @c skip_bad_rows the reader skips bad records
 *   instead, counts them and keeps the first messages. Empty files, missing or
 *   duplicate columns, NUL bytes, records longer than @c max_record_bytes,
 *   bare carriage returns and files that end inside quotes are errors
 *   (#CXM_EPARSE), never crashes or silent guesses.
 *
 * Memory is bounded: files are streamed through a buffer of about one
 * megabyte (more only for a longer record, up to @c max_record_bytes).
 *
 * Dates and times are handled as days since 1970-01-01T00:00:00Z (a double;
 * the fraction is the time of day), see cxm_time_parse().
 */
#ifndef CXM_IO_H
#define CXM_IO_H

#include <stddef.h>

#include "cxm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Delimiter value: detect it from the first line (the most frequent of
 *  , ; tab | outside quotes; blanks when none occurs; else one column). */
#define CXM_CSV_DETECT 0
/** Delimiter value: fields are separated by runs of spaces and tabs, and
 *  leading and trailing blanks are ignored (as `awk` splits). A tab
 *  delimiter ('\\t'), by contrast, separates fields with exactly one tab. */
#define CXM_CSV_WHITESPACE ' '

/** Progress of a long read: @p done bytes of @p total (0 when unknown). */
typedef void (*cxm_progress_fn)(unsigned long long done, unsigned long long total,
                                void *user_data);

/** How a delimited text file is laid out and how strictly it is read. */
typedef struct cxm_csv_options {
    unsigned version;        /**< #CXM_CSV_OPTIONS_VERSION. */
    int delimiter;           /**< A byte such as ',' (default), ';' or '\\t'; #CXM_CSV_WHITESPACE;
                                  or #CXM_CSV_DETECT. Not a quote, CR, LF or NUL. */
    int quote;               /**< Quote character, '"' by default; 0 turns quoting off. */
    int header;              /**< 1 (default): the first record names the columns; 0: no header. */
    int skip_bad_rows;       /**< 0 (default): the first bad record fails the read. 1: skip bad
                                  records, count them and keep the first @c max_reported messages. */
    size_t max_reported;     /**< Messages kept for skipped records (default 10). */
    size_t max_record_bytes; /**< Longest record accepted (default 1 MiB); longer is an error. */
    const char *date_format; /**< Dates and times: NULL for ISO 8601 or YYYYMMDD, "epoch",
                                  "epoch_ms" or a strftime-style pattern; see cxm_time_parse(). */
    cxm_progress_fn progress;/**< Called now and then during long reads, or NULL. */
    void *progress_data;     /**< Passed to @c progress. */
} cxm_csv_options;

/** Version of ::cxm_csv_options that this header describes. */
#define CXM_CSV_OPTIONS_VERSION 1
/** Default ::cxm_csv_options: comma, double quotes, a header, strict. */
#define CXM_CSV_OPTIONS_INIT \
    { CXM_CSV_OPTIONS_VERSION, ',', '"', 1, 0, 10, 1048576, NULL, NULL, NULL }

/** Fill @p options with the defaults (#CXM_CSV_OPTIONS_INIT).
 * Inline, so that it fills the struct of the header the caller was compiled
 * with: a library function would write a newer, longer struct (docs/ABI.md). */
static inline void cxm_csv_options_init(cxm_csv_options *options)
{
    if (options) {
        cxm_csv_options defaults = CXM_CSV_OPTIONS_INIT;
        *options = defaults;
    }
}

/**
 * Parse a date or a date and time.
 *
 * Formats:
 * - NULL, "" or "auto": ISO 8601 — 1997-03-31, 1997-090 (day of year),
 *   1997-W14-1 (week date), optionally followed by T or a space and
 *   HH:MM[:SS[.fraction]] and Z or an offset (+02:00, -0500), which is
 *   applied to give UTC — or the basic form YYYYMMDD[THHMMSS]. Day-first and
 *   month-first forms are never guessed: give a pattern.
 * - "epoch": seconds since 1970-01-01T00:00:00Z; "epoch_ms": milliseconds.
 * - a strftime-style pattern such as "%d/%m/%Y %H:%M": %Y (4 digits), %y
 *   (69-99 are 19xx), %m, %d, %e, %j, %H, %I with %p, %M, %S, %f (fraction
 *   of a second), %b/%B/%h (English month name or abbreviation), %a/%A
 *   (weekday, checked against the date), %z, %s, %F, %T, %D, %R, %%. A blank
 *   matches one or more blanks; other characters match themselves.
 *
 * Dates are validated: 1997-13-01 and 1997-02-29 are errors.
 *
 * @param[out] out  days since 1970-01-01T00:00:00Z (the fraction is the time of day).
 * @param text      the text to parse (leading and trailing blanks are ignored).
 * @param format    the format, as above.
 * @return #CXM_OK, #CXM_EINVAL for a bad format, #CXM_EPARSE when the text does not
 *         match ("'1997-02-30' is not a valid date: February 1997 has 28 days").
 */
CXM_API int cxm_time_parse(double *out, const char *text, const char *format);

/**
 * Write a time (days since 1970-01-01) as ISO 8601 text: YYYY-MM-DD at
 * midnight, else YYYY-MM-DDTHH:MM:SS with microseconds when there are any.
 *
 * @param[out] dst  buffer for the text and its NUL (32 bytes are enough).
 * @param dst_n     size of @p dst.
 * @param days      the time, finite, within the years 0..9999.
 * @return #CXM_OK, or #CXM_EINVAL when the time is not finite or out of range
 *         or @p dst is too small.
 */
CXM_API int cxm_time_format(char *dst, size_t dst_n, double days);

#ifdef __cplusplus
}
#endif

#endif /* CXM_IO_H */
