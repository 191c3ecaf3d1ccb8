/* The shared input layer: a streaming, strict reader of delimited text.
 *
 * The file is read in chunks into one buffer. A record is scanned from its
 * first byte to its terminator without modifying the buffer, recording field
 * spans; when the buffer ends first, the partial record moves to the front,
 * more is read and the record is scanned again (so chunk boundaries cost one
 * short rescan). Only then are doubled quotes undone in place. A NUL
 * sentinel after the data stops the inner loops, which compare each byte with
 * a 256-entry class table. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/hash.h"
#include "core/internal.h"
#include "io/csv.h"
#include "io/number.h"

enum { DEFAULT_CHUNK = 1 << 20, PROGRESS_STEP = 1 << 24 };
/* Bytes allocated after the data's end (the sentinel and beyond), so that a
 * field may be read 16 bytes at a time. */
enum { PAD = 32 };
/* Plain records scanned at once, for files of at most QUEUE_COLUMNS columns. */
enum { QUEUE = 64, QUEUE_COLUMNS = 32 };

/* Byte classes. TEXT bytes never stop a scan. */
enum { C_TEXT = 0, C_DELIM, C_QUOTE, C_LF, C_CR, C_NUL };

/* Results of scanning one record, besides negative statuses. */
enum { SCAN_RECORD = 1, SCAN_END = 0, SCAN_MORE = 2, SCAN_BLANK = 3, SCAN_BAD = 4 };

struct cxm_csv {
    /* source */
    int fd;
    const unsigned char *mem;
    size_t mem_size, mem_pos;
    char *name;
    unsigned long long total, consumed;
    bool eof;
    size_t chunk;
    /* buffer: data in [pos, end), buf[end] == '\0' */
    char *buf;
    size_t cap, pos, end;
    /* options */
    cxm_csv_options opt;
    int delim;
    bool whitespace;
    unsigned char cls[256];   /* outside quotes */
    unsigned char qcls[256];  /* inside quotes */
    cxm__time_format time_format;
    /* the current record */
    cxm_csv_field *fields;
    unsigned char *escaped;
    size_t nfields, fields_cap;
    size_t columns;
    unsigned long long line, record_line, records, first_line;
    bool pending; /* the first record was read at open (no header) and not yet returned */
    char **names;
    size_t nnames;
    /* bad records */
    unsigned long long skipped;
    char **messages;
    size_t nmessages, messages_cap;
    bool replay;
    /* caches */
    char last_time_text[40];
    size_t last_time_length;
    size_t last_time_column;
    double last_time;
    /* Recent dates of up to 16 bytes, direct-mapped: logs out of time order
     * still repeat a few thousand dates. */
    struct time_entry {
        uint64_t text[2];     /* zero-padded */
        uint32_t length;      /* 0: empty entry */
        uint32_t column;
        double days;
    } time_cache[256];
    unsigned long long progress_next;
    /* The current record's fields: csv->fields, or a record of the queue. */
    const cxm_csv_field *cur;
    /* Plain records scanned ahead (scan_batch), QUEUE at most, each with
     * `columns` fields and the offset after it; [qhead, qcount) not yet
     * returned. NULL for files with more than QUEUE_COLUMNS columns. */
    cxm_csv_field *queue;
    size_t *queue_next;
    size_t qhead, qcount;
    /* scan_fast's bitmaps of the 64 bytes at mask_at (valid while mask_ok) */
    size_t mask_at;
    uint64_t mask_seps, mask_odd;
    bool mask_ok;
};

/* ------------------------------------------------------------------ messages */

/* Quote a value for a message: at most 60 bytes, control bytes as '?'. */
static void printable(char *dst, size_t size, const char *text, size_t length)
{
    size_t limit = length > 60 ? 60 : length;
    while (limit < length && limit > 0 && ((unsigned char)text[limit] & 0xC0) == 0x80)
        limit--; /* do not cut a UTF-8 character */
    size_t w = 0;
    for (size_t i = 0; i < limit && w + 4 < size; i++) {
        unsigned char c = (unsigned char)text[i];
        dst[w++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    if (limit < length && w + 4 < size) {
        memcpy(dst + w, "...", 3);
        w += 3;
    }
    dst[w] = '\0';
}

void cxm__csv_column_label(const cxm_csv *csv, size_t i, char *dst, size_t size)
{
    const char *name = cxm__csv_column_name(csv, i);
    if (name && name[0]) {
        char shown[80];
        printable(shown, sizeof shown, name, strlen(name));
        snprintf(dst, size, "'%s'", shown);
    } else {
        snprintf(dst, size, "%zu", i + 1);
    }
}

int cxm__csv_fail_line(cxm_csv *csv, int status, const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    return cxm__fail(status, "%s:%llu: %s", csv->name, csv->record_line, text);
}

int cxm__csv_fail(cxm_csv *csv, size_t column, int status, const char *fmt, ...)
{
    char text[640], label[96];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    cxm__csv_column_label(csv, column, label, sizeof label);
    return cxm__fail(status, "%s:%llu: column %s: %s", csv->name, csv->record_line, label, text);
}

/* ------------------------------------------------------------------ options */

/* The size of each version of cxm_csv_options (docs/ABI.md). */
static const size_t option_sizes[CXM_CSV_OPTIONS_VERSION] = {
    CXM__FIELDS_END(cxm_csv_options, progress_data),
};

static int check_options(const cxm_csv_options *o)
{
    int d = o->delimiter;
    if (d < 0 || d > 255 || d == '\n' || d == '\r' || (d != 0 && d == o->quote))
        return cxm__fail(CXM_EINVAL, "delimiter %d cannot separate fields (not a byte, a line end or the quote)", d);
    if (o->quote < 0 || o->quote > 255 || o->quote == '\n' || o->quote == '\r' ||
        (o->quote == ' ' && d == CXM_CSV_WHITESPACE) || o->quote == '\t')
        return cxm__fail(CXM_EINVAL, "quote character %d is not usable", o->quote);
    if (o->header != 0 && o->header != 1)
        return cxm__fail(CXM_EINVAL, "header must be 0 or 1, got %d", o->header);
    if (o->skip_bad_rows != 0 && o->skip_bad_rows != 1)
        return cxm__fail(CXM_EINVAL, "skip_bad_rows must be 0 or 1, got %d", o->skip_bad_rows);
    if (o->max_record_bytes < 16 || o->max_record_bytes > ((size_t)1 << 40))
        return cxm__fail(CXM_EINVAL, "max_record_bytes %zu is not in 16..2^40", o->max_record_bytes);
    cxm__time_format f;
    return cxm__time_format_init(&f, o->date_format);
}


const cxm_csv_options *cxm__csv_options(const cxm_csv *csv)
{
    return &csv->opt;
}

/* ------------------------------------------------------------------ the source */

static int read_more(cxm_csv *csv)
{
    size_t room = csv->cap - csv->end;
    if (room > csv->chunk)
        room = csv->chunk;
    if (room == 0)
        return CXM_OK; /* full: the caller finds the record too long */
    size_t got = 0;
    if (csv->fd >= 0) {
        for (;;) {
            ssize_t n = read(csv->fd, csv->buf + csv->end, room);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return cxm__fail(CXM_EIO, "%s: read error: %s", csv->name, strerror(errno));
            got = (size_t)n;
            break;
        }
    } else {
        got = csv->mem_size - csv->mem_pos;
        if (got > room)
            got = room;
        if (got)
            memcpy(csv->buf + csv->end, csv->mem + csv->mem_pos, got);
        csv->mem_pos += got;
    }
    if (got == 0)
        csv->eof = true;
    csv->end += got;
    csv->buf[csv->end] = '\0';
    csv->consumed += got;
    if (csv->opt.progress && csv->consumed >= csv->progress_next) {
        csv->opt.progress(csv->consumed, csv->total, csv->opt.progress_data);
        csv->progress_next = csv->consumed + PROGRESS_STEP;
    }
    return CXM_OK;
}

/* Make room after the data, keeping [keep, end): move it to the front and
 * grow the buffer when full. Then read. */
static int refill(cxm_csv *csv, size_t keep)
{
    csv->mask_ok = false;
    if (keep > 0) {
        memmove(csv->buf, csv->buf + keep, csv->end - keep);
        csv->end -= keep;
        csv->pos -= keep < csv->pos ? keep : csv->pos;
    }
    if (csv->end == csv->cap) {
        size_t limit = csv->opt.max_record_bytes + 2;
        if (limit < csv->chunk)
            limit = csv->chunk;
        size_t cap = csv->cap * 2 < limit ? csv->cap * 2 : limit;
        if (cap <= csv->cap)
            return CXM_OK; /* the caller finds the record too long */
        char *grown = cxm__realloc(csv->buf, cap + PAD);
        if (grown == NULL)
            return CXM_ENOMEM;
        csv->buf = grown;
        csv->cap = cap;
    }
    return read_more(csv);
}

/* ------------------------------------------------------------------ scanning */

static void build_classes(cxm_csv *csv)
{
    memset(csv->cls, C_TEXT, sizeof csv->cls);
    memset(csv->qcls, C_TEXT, sizeof csv->qcls);
    csv->cls['\n'] = csv->qcls['\n'] = C_LF;
    csv->cls['\r'] = C_CR;
    csv->cls[0] = csv->qcls[0] = C_NUL;
    if (csv->whitespace) {
        csv->cls[' '] = csv->cls['\t'] = C_DELIM;
    } else {
        csv->cls[(unsigned char)csv->delim] = C_DELIM;
    }
    if (csv->opt.quote)
        csv->qcls[(unsigned char)csv->opt.quote] = C_QUOTE;
}

static int add_field(cxm_csv *csv, size_t n, const char *text, size_t length, bool escaped)
{
    if (n == csv->fields_cap) {
        size_t cap = csv->fields_cap ? csv->fields_cap * 2 : 16;
        cxm_csv_field *fields = cxm__reallocarray(csv->fields, cap, sizeof *fields);
        if (fields == NULL)
            return CXM_ENOMEM;
        csv->fields = fields;
        unsigned char *esc = cxm__realloc(csv->escaped, cap);
        if (esc == NULL)
            return CXM_ENOMEM;
        csv->escaped = esc;
        csv->fields_cap = cap;
    }
    csv->fields[n].text = text;
    csv->fields[n].length = length;
    csv->escaped[n] = escaped;
    return CXM_OK;
}

typedef struct scan_result {
    size_t next;        /* offset after the record */
    size_t nfields;
    unsigned long long newlines;
    const char *problem; /* why a record is bad (SCAN_BAD) */
    char bad_char;       /* the byte after a closing quote ... */
    size_t bad_field;    /* ... of this field (1-based), or 0 */
} scan_result;

/* Scan the record that starts at offset `start`. */
static int scan_record(cxm_csv *csv, size_t start, scan_result *r)
{
    const unsigned char *cls = csv->cls, *qcls = csv->qcls;
    const char quote = (char)csv->opt.quote;
    const bool ws = csv->whitespace;
    char *p = csv->buf + start;
    char *const limit = csv->buf + csv->end;
    size_t nf = 0;
    unsigned long long nl = 0;
    int status;

    r->problem = NULL;
    r->bad_field = 0;
    if (ws)
        while (*p == ' ' || *p == '\t')
            p++;
    /* Blank lines and the end of the data. */
    if (*p == '\n' || (*p == '\r' && p[1] == '\n')) {
        r->next = (size_t)(p - csv->buf) + (*p == '\r' ? 2 : 1);
        r->newlines = 1;
        return SCAN_BLANK;
    }
    if (p == limit)
        return csv->eof ? SCAN_END : SCAN_MORE;
    if (*p == '\r' && p + 1 == limit && !csv->eof)
        return SCAN_MORE;

    for (;;) {
        char *f = p;
        if (quote && *p == quote) {
            char *q = p + 1;
            bool escaped = false;
            for (;;) {
                while (qcls[(unsigned char)*q] == C_TEXT)
                    q++;
                if (*q == quote) {
                    if (q + 1 == limit && !csv->eof)
                        return SCAN_MORE;
                    if (q[1] == quote) {
                        escaped = true;
                        q += 2;
                        continue;
                    }
                    break;
                }
                if (*q == '\n') {
                    nl++;
                    q++;
                    continue;
                }
                /* NUL: the sentinel or a byte of the data */
                if (q == limit) {
                    if (!csv->eof)
                        return SCAN_MORE;
                    return cxm__fail(CXM_EPARSE,
                                     "%s:%llu: the file ends inside a quoted field that starts on this line",
                                     csv->name, csv->line);
                }
                return cxm__fail(CXM_EPARSE, "%s:%llu: NUL byte in the data (is this a binary file?)",
                                 csv->name, csv->line + nl);
            }
            if ((status = add_field(csv, nf++, f + 1, (size_t)(q - f - 1), escaped)) != CXM_OK)
                return status;
            p = q + 1;
            /* After the closing quote: a delimiter, the end of the record, or a bad byte. */
            unsigned char c = cls[(unsigned char)*p];
            if (c == C_TEXT || c == C_QUOTE) {
                if (!r->problem) {
                    r->problem = "a character after a closing quote";
                    r->bad_char = *p;
                    r->bad_field = nf;
                }
                while (cls[(unsigned char)*p] == C_TEXT)
                    p++;
            }
        } else {
            while (cls[(unsigned char)*p] == C_TEXT)
                p++;
            if ((status = add_field(csv, nf++, f, (size_t)(p - f), false)) != CXM_OK)
                return status;
        }
    after_field:
        switch (cls[(unsigned char)*p]) {
        case C_DELIM:
            if (ws) {
                while (*p == ' ' || *p == '\t')
                    p++;
                if (*p == '\n' || *p == '\r' || p == limit)
                    goto after_field; /* trailing blanks */
            } else {
                p++;
            }
            continue;
        case C_LF:
            p++;
            nl++;
            break;
        case C_CR:
            if (p[1] == '\n') {
                p += 2;
                nl++;
                break;
            }
            if (p + 1 == limit && !csv->eof)
                return SCAN_MORE;
            if (!r->problem)
                r->problem = "a carriage return not followed by a line feed";
            p++;
            while (cls[(unsigned char)*p] == C_TEXT)
                p++;
            goto after_field;
        case C_NUL:
        default:
            if (p == limit) {
                if (!csv->eof)
                    return SCAN_MORE;
                break; /* the last record has no line end */
            }
            return cxm__fail(CXM_EPARSE, "%s:%llu: NUL byte in the data (is this a binary file?)",
                             csv->name, csv->line + nl);
        }
        break;
    }
    r->next = (size_t)(p - csv->buf);
    r->nfields = nf;
    r->newlines = nl;
    return r->problem ? SCAN_BAD : SCAN_RECORD;
}

/* The common record, from bitmaps of 64 bytes at a time: fields separated
 * by the delimiter, ended by LF or CRLF, without quotes, NUL or bare CR.
 * The bitmaps (separators; odd bytes: quotes, NUL, CR not followed by LF)
 * are kept for the records that follow in the same 64 bytes. Anything odd,
 * a blank line, or the end of the buffer within reach sends the record to
 * scan_record() (returns SCAN_MORE for "not handled here"). */
static void load_masks(const cxm_csv *csv, size_t at, uint64_t *seps_out, uint64_t *odd_out)
{
    const char *p = csv->buf + at;
    uint64_t seps = 0, lf = 0, odd = 0, cr = 0;
#if defined(__SSE2__)
    const __m128i delim = _mm_set1_epi8((char)csv->delim), lfs = _mm_set1_epi8('\n');
    const __m128i crs = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
    const __m128i quote = _mm_set1_epi8((char)csv->opt.quote); /* 0: NUL, odd anyway */
    __m128i x[4], any = zero;
    for (int i = 0; i < 4; i++) {
        x[i] = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i l = _mm_cmpeq_epi8(x[i], lfs);
        seps |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x[i], delim), l)) << (16 * i);
        any = _mm_or_si128(any, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x[i], quote),
                                                          _mm_cmpeq_epi8(x[i], zero)),
                                             _mm_cmpeq_epi8(x[i], crs)));
    }
    if (_mm_movemask_epi8(any) == 0) {
        /* The usual block: no quote, NUL or CR at all. */
        *seps_out = seps;
        *odd_out = 0;
        return;
    }
    for (int i = 0; i < 4; i++) {
        lf |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[i], lfs)) << (16 * i);
        odd |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x[i], quote),
                                                                  _mm_cmpeq_epi8(x[i], zero))) << (16 * i);
        cr |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x[i], crs)) << (16 * i);
    }
#else
    const char delim = (char)csv->delim, quote = (char)csv->opt.quote;
    for (int i = 0; i < 64; i++) {
        uint64_t bit = UINT64_C(1) << i;
        seps |= (p[i] == delim || p[i] == '\n') ? bit : 0;
        lf |= p[i] == '\n' ? bit : 0;
        odd |= (p[i] == quote || p[i] == '\0') ? bit : 0;
        cr |= p[i] == '\r' ? bit : 0;
    }
#endif
    uint64_t lf_next = (lf >> 1) | (p[64] == '\n' ? UINT64_C(1) << 63 : 0);
    *seps_out = seps;
    *odd_out = odd | (cr & ~lf_next);
}

/* The record at `start`: SCAN_RECORD with *next and *nfields (the fields in
 * csv->fields), or SCAN_MORE. The bitmaps stay in locals while the record
 * is scanned (stores to the fields could alias them). */
static int scan_fast(cxm_csv *csv, size_t start, size_t *next, size_t *nfields)
{
    const char *const buf = csv->buf;
    cxm_csv_field *const fields = csv->fields;
    const size_t cap = csv->fields_cap, end = csv->end;
    size_t mask_at = csv->mask_at, nf = 0, field = start, at = start;
    uint64_t mask_seps = csv->mask_seps, mask_odd = csv->mask_odd;
    int result = SCAN_MORE;
    if (!csv->mask_ok)
        mask_at = SIZE_MAX - 64; /* no window: at - mask_at >= 64 */
    if (buf[start] == '\n' || buf[start] == '\r')
        return SCAN_MORE;
    for (;;) {
        if (at - mask_at >= 64) {
            if (at + 65 > end || at - start > 4096)
                break;
            load_masks(csv, at, &mask_seps, &mask_odd);
            mask_at = at;
            csv->mask_ok = true;
        }
        const unsigned shift = (unsigned)(at - mask_at);
        uint64_t seps = mask_seps >> shift << shift, odd = mask_odd >> shift << shift;
        /* Separators after an odd byte are for the careful scanner. */
        const unsigned first_odd = odd ? (unsigned)__builtin_ctzll(odd) : 64;
        for (; seps; seps &= seps - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(seps);
            if (bit > first_odd || nf == cap)
                goto done;
            size_t q = mask_at + bit;
            fields[nf].text = buf + field;
            fields[nf].length = q - field;
            nf++;
            if (buf[q] == '\n') {
                if (q > field && buf[q - 1] == '\r')
                    fields[nf - 1].length--;
                *nfields = nf;
                *next = q + 1;
                result = SCAN_RECORD;
                goto done;
            }
            field = q + 1;
        }
        if (odd)
            break;
        at = mask_at + 64;
    }
done:
    csv->mask_at = mask_at;
    csv->mask_seps = mask_seps;
    csv->mask_odd = mask_odd;
    return result;
}

/* As many plain records as scan_fast would take, up to QUEUE, into the
 * queue: one pass over the bitmaps instead of a call per record. Stops
 * before the first record that is not plain, has the wrong number of
 * fields, or is long; returns the number queued. */
static size_t scan_batch(cxm_csv *csv)
{
    const char *const buf = csv->buf;
    const size_t columns = csv->columns, end = csv->end, longest = csv->opt.max_record_bytes;
    cxm_csv_field *const out = csv->queue;
    size_t *const nexts = csv->queue_next;
    size_t mask_at = csv->mask_ok ? csv->mask_at : SIZE_MAX - 64, n = 0, nf = 0;
    size_t start = csv->pos, field = start, at = start;
    uint64_t mask_seps = csv->mask_seps, mask_odd = csv->mask_odd;
    if (buf[start] == '\n' || buf[start] == '\r')
        return 0;
    for (;;) {
        if (at - mask_at >= 64) {
            if (at + 65 > end || at - start > 4096)
                break;
            load_masks(csv, at, &mask_seps, &mask_odd);
            mask_at = at;
            csv->mask_ok = true;
        }
        const unsigned shift = (unsigned)(at - mask_at);
        uint64_t seps = mask_seps >> shift << shift, odd = mask_odd >> shift << shift;
        const unsigned first_odd = odd ? (unsigned)__builtin_ctzll(odd) : 64;
        for (; seps; seps &= seps - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(seps);
            size_t q = mask_at + bit;
            if (bit > first_odd || nf == columns)
                goto done;
            cxm_csv_field *f = &out[n * columns + nf++];
            f->text = buf + field;
            f->length = q - field;
            field = q + 1;
            if (buf[q] != '\n')
                continue;
            if (nf != columns || q + 1 - start > longest)
                goto done;
            if (f->length > 0 && buf[q - 1] == '\r')
                f->length--;
            nexts[n++] = q + 1;
            start = q + 1;
            nf = 0;
            /* (start <= mask_at + 64 < end: a byte of the data) */
            if (n == QUEUE || buf[start] == '\n' || buf[start] == '\r')
                goto done;
        }
        if (odd)
            break;
        at = mask_at + 64;
    }
done:
    csv->mask_at = mask_at;
    csv->mask_seps = mask_seps;
    csv->mask_odd = mask_odd;
    return n;
}

/* Undo doubled quotes in the fields that have them. */
static void unescape(cxm_csv *csv)
{
    const char quote = (char)csv->opt.quote;
    for (size_t i = 0; i < csv->nfields; i++) {
        if (!csv->escaped[i])
            continue;
        char *text = (char *)csv->fields[i].text;
        size_t w = 0, n = csv->fields[i].length;
        for (size_t r = 0; r < n; r++) {
            text[w++] = text[r];
            if (text[r] == quote)
                r++;
        }
        csv->fields[i].length = w;
    }
}

/* Read one record into csv->fields: SCAN_RECORD, SCAN_BAD (record consumed,
 * message set), SCAN_END, or a negative status. */
/* Bytes of the record that ended at next, without its line end. */
static size_t record_length(const cxm_csv *csv, size_t next)
{
    size_t end = next;
    if (end > csv->pos && csv->buf[end - 1] == '\n')
        end--;
    if (end > csv->pos && csv->buf[end - 1] == '\r')
        end--;
    return end - csv->pos;
}

static int too_long(cxm_csv *csv)
{
    return cxm__fail(CXM_EPARSE,
                     "%s:%llu: a record is longer than %zu bytes (max_record_bytes); is a quote left open?",
                     csv->name, csv->line, csv->opt.max_record_bytes);
}

static int read_record(cxm_csv *csv)
{
    for (;;) {
        scan_result r = { 0, 0, 0, NULL, 0, 0 };
        int s = SCAN_MORE;
        if (!csv->whitespace) {
            s = scan_fast(csv, csv->pos, &r.next, &r.nfields);
            if (s == SCAN_RECORD && r.next - csv->pos > csv->opt.max_record_bytes &&
                record_length(csv, r.next) > csv->opt.max_record_bytes)
                return too_long(csv);
            if (s == SCAN_RECORD) {
                csv->record_line = csv->line;
                csv->line++;
                csv->pos = r.next;
                csv->nfields = r.nfields;
                return SCAN_RECORD;
            }
        }
        s = scan_record(csv, csv->pos, &r);
        if (s < 0)
            return s;
        if (s == SCAN_MORE) {
            if (csv->end - csv->pos > csv->opt.max_record_bytes + 2)
                return too_long(csv);
            size_t before = csv->end - csv->pos;
            int status = refill(csv, csv->pos);
            if (status != CXM_OK)
                return status;
            if (csv->end - csv->pos == before && !csv->eof)
                return too_long(csv);
            continue;
        }
        if (s == SCAN_END)
            return SCAN_END;
        if ((s == SCAN_RECORD || s == SCAN_BAD) &&
            record_length(csv, r.next) > csv->opt.max_record_bytes)
            return too_long(csv);
        csv->record_line = csv->line;
        csv->line += r.newlines;
        csv->pos = r.next;
        if (s == SCAN_BLANK)
            continue;
        csv->nfields = r.nfields;
        if (s == SCAN_BAD) {
            if (r.bad_field) {
                char shown[8];
                printable(shown, sizeof shown, &r.bad_char, 1);
                cxm__csv_fail_line(csv, CXM_EPARSE, "unexpected '%s' after the closing quote of field %zu",
                                   shown, r.bad_field);
            } else {
                cxm__csv_fail_line(csv, CXM_EPARSE, "%s", r.problem);
            }
            return SCAN_BAD;
        }
        unescape(csv);
        return SCAN_RECORD;
    }
}

/* ------------------------------------------------------------------ opening */

static int detect_delimiter(cxm_csv *csv)
{
    /* Have the whole first line in the buffer. */
    for (;;) {
        char *nl = memchr(csv->buf + csv->pos, '\n', csv->end - csv->pos);
        if (nl || csv->eof)
            break;
        if (csv->end - csv->pos > csv->opt.max_record_bytes)
            break;
        int status = refill(csv, csv->pos);
        if (status != CXM_OK)
            return status;
    }
    static const char candidates[] = { ',', ';', '\t', '|' };
    size_t counts[4] = { 0 };
    bool in_quotes = false, blanks_between = false, seen_text = false, after_blank = false;
    for (const char *p = csv->buf + csv->pos; p < csv->buf + csv->end && *p != '\n'; p++) {
        if (csv->opt.quote && *p == csv->opt.quote) {
            in_quotes = !in_quotes;
            continue;
        }
        if (in_quotes)
            continue;
        for (int k = 0; k < 4; k++)
            if (*p == candidates[k])
                counts[k]++;
        if (*p == ' ' || *p == '\t') {
            after_blank = seen_text;
        } else if (*p != '\r') {
            if (after_blank)
                blanks_between = true;
            seen_text = true;
            after_blank = false;
        }
    }
    int best = -1;
    for (int k = 0; k < 4; k++)
        if (counts[k] > 0 && (best < 0 || counts[k] > counts[best]))
            best = k;
    if (best >= 0)
        csv->delim = candidates[best];
    else if (blanks_between)
        csv->delim = CXM_CSV_WHITESPACE;
    else
        csv->delim = ',';
    return CXM_OK;
}

static int start(cxm_csv *csv, bool first_time)
{
    int status = refill(csv, 0);
    while (status == CXM_OK && csv->end < 3 && !csv->eof)
        status = read_more(csv);
    if (status != CXM_OK)
        return status;
    const unsigned char *b = (const unsigned char *)csv->buf;
    if (csv->end >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF)
        csv->pos = 3;
    else if (csv->end >= 2 && ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF)))
        return cxm__fail(CXM_EPARSE, "%s: the file is UTF-16 text; convert it to UTF-8", csv->name);
    if (first_time) {
        if (csv->opt.delimiter == CXM_CSV_DETECT && (status = detect_delimiter(csv)) != CXM_OK)
            return status;
        csv->whitespace = csv->delim == CXM_CSV_WHITESPACE;
        build_classes(csv);
    }
    int s = read_record(csv);
    csv->cur = csv->fields;
    if (s < 0)
        return s;
    if (s == SCAN_END)
        return first_time ? cxm__fail(CXM_EPARSE, "%s: the file is empty", csv->name) : CXM_OK;
    if (!first_time) {
        csv->pending = !csv->opt.header;
        if (csv->pending)
            csv->records = 0;
        return CXM_OK;
    }
    if (s == SCAN_BAD)
        return cxm_error_status(); /* the first record defines the layout: it must be sound */
    csv->columns = csv->nfields;
    csv->first_line = csv->record_line;
    if (csv->columns <= QUEUE_COLUMNS) {
        csv->queue = cxm__malloc((size_t)QUEUE * csv->columns * sizeof *csv->queue);
        csv->queue_next = cxm__malloc((size_t)QUEUE * sizeof *csv->queue_next);
        if (csv->queue == NULL || csv->queue_next == NULL)
            return CXM_ENOMEM;
    }
    if (!csv->opt.header) {
        csv->pending = true;
        return CXM_OK;
    }
    csv->names = cxm__calloc(csv->nfields, sizeof *csv->names);
    if (csv->names == NULL)
        return CXM_ENOMEM;
    csv->nnames = csv->nfields;
    for (size_t i = 0; i < csv->nfields; i++) {
        char *name = cxm__malloc(csv->fields[i].length + 1);
        if (name == NULL)
            return CXM_ENOMEM;
        memcpy(name, csv->fields[i].text, csv->fields[i].length);
        name[csv->fields[i].length] = '\0';
        csv->names[i] = name;
        if (name[0] == '\0')
            continue;
        for (size_t j = 0; j < i; j++)
            if (strcmp(csv->names[j], name) == 0) {
                char shown[80];
                printable(shown, sizeof shown, name, strlen(name));
                return cxm__fail(CXM_EPARSE, "%s:%llu: the header names column '%s' twice (columns %zu and %zu)",
                                 csv->name, csv->record_line, shown, j + 1, i + 1);
            }
    }
    return CXM_OK;
}

static int open_common(cxm_csv **out, const char *name, const cxm_csv_options *options,
                       size_t chunk, cxm_csv **created)
{
    *created = NULL;
    cxm_csv_options opt;
    cxm_csv_options_init(&opt);
    int status = cxm__check_pointer(out, "out");
    if (status == CXM_OK)
        status = cxm__options_read(&opt, options, option_sizes, CXM_CSV_OPTIONS_VERSION,
                                   "cxm_csv_options");
    if (status == CXM_OK)
        status = check_options(&opt);
    if (status != CXM_OK)
        return status;
    cxm_csv *csv = cxm__calloc(1, sizeof *csv);
    if (csv == NULL)
        return CXM_ENOMEM;
    csv->fd = -1;
    csv->opt = opt;
    csv->delim = csv->opt.delimiter;
    csv->line = 1;
    csv->chunk = chunk ? chunk : DEFAULT_CHUNK;
    csv->last_time_column = SIZE_MAX;
    csv->progress_next = PROGRESS_STEP;
    cxm__time_format_init(&csv->time_format, csv->opt.date_format);
    *created = csv;
    csv->name = cxm__strdup(name);
    if (csv->name == NULL)
        return CXM_ENOMEM;
    size_t cap = csv->chunk < 64 ? 64 : csv->chunk;
    csv->buf = cxm__malloc(cap + PAD);
    if (csv->buf == NULL)
        return CXM_ENOMEM;
    csv->cap = cap;
    csv->buf[0] = '\0';
    return CXM_OK;
}

int cxm__csv_open(cxm_csv **out, const char *path, const cxm_csv_options *options)
{
    if (path == NULL)
        return cxm__fail(CXM_EINVAL, "path must not be NULL");
    cxm_csv *csv;
    int status = open_common(out, path, options, 0, &csv);
    if (status == CXM_OK) {
        csv->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (csv->fd < 0)
            status = cxm__fail(CXM_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    if (status == CXM_OK) {
        struct stat st;
        if (fstat(csv->fd, &st) == 0) {
            if (S_ISDIR(st.st_mode))
                status = cxm__fail(CXM_EIO, "%s: is a directory", path);
            else if (S_ISREG(st.st_mode))
                csv->total = (unsigned long long)st.st_size;
            /* A small file needs no megabyte of buffer. */
            if (S_ISREG(st.st_mode) && (size_t)st.st_size + 64 < csv->chunk) {
                csv->chunk = (size_t)st.st_size + 64;
            }
        }
    }
    if (status == CXM_OK)
        status = start(csv, true);
    if (status != CXM_OK) {
        cxm__csv_close(csv);
        return status;
    }
    *out = csv;
    return CXM_OK;
}

int cxm__csv_open_memory(cxm_csv **out, const void *data, size_t size, const char *name,
                         const cxm_csv_options *options, size_t chunk)
{
    if (data == NULL && size > 0)
        return cxm__fail(CXM_EINVAL, "data must not be NULL");
    cxm_csv *csv;
    int status = open_common(out, name ? name : "<memory>", options, chunk, &csv);
    if (status == CXM_OK) {
        csv->mem = data;
        csv->mem_size = size;
        csv->total = size;
        status = start(csv, true);
    }
    if (status != CXM_OK) {
        cxm__csv_close(csv);
        return status;
    }
    *out = csv;
    return CXM_OK;
}

void cxm__csv_close(cxm_csv *csv)
{
    if (csv == NULL)
        return;
    if (csv->fd >= 0)
        close(csv->fd);
    for (size_t i = 0; i < csv->nnames; i++)
        cxm__free(csv->names[i]);
    cxm__free(csv->names);
    for (size_t i = 0; i < csv->nmessages; i++)
        cxm__free(csv->messages[i]);
    cxm__free(csv->messages);
    cxm__free(csv->fields);
    cxm__free(csv->queue);
    cxm__free(csv->queue_next);
    cxm__free(csv->escaped);
    cxm__free(csv->buf);
    cxm__free(csv->name);
    cxm__free(csv);
}

int cxm__csv_rewind(cxm_csv *csv)
{
    if (csv->fd >= 0) {
        if (lseek(csv->fd, 0, SEEK_SET) != 0)
            return cxm__fail(CXM_EIO, "%s: cannot read the file a second time: %s", csv->name,
                             strerror(errno));
    } else {
        csv->mem_pos = 0;
    }
    csv->pos = csv->end = 0;
    csv->qhead = csv->qcount = 0;
    csv->mask_ok = false;
    csv->eof = false;
    csv->line = 1;
    csv->records = 0;
    csv->consumed = 0;
    csv->progress_next = PROGRESS_STEP;
    csv->replay = true;
    csv->last_time_column = SIZE_MAX;
    memset(csv->time_cache, 0, sizeof csv->time_cache);
    int status = start(csv, false);
    if (status == CXM_OK && csv->pending && csv->nfields != csv->columns)
        status = cxm__fail(CXM_EIO, "%s changed while it was being read", csv->name);
    return status;
}

/* ------------------------------------------------------------------ columns */

size_t cxm__csv_columns(const cxm_csv *csv)
{
    return csv->columns;
}

const char *cxm__csv_column_name(const cxm_csv *csv, size_t i)
{
    return csv->names && i < csv->nnames ? csv->names[i] : NULL;
}

bool cxm__csv_has_header(const cxm_csv *csv)
{
    return csv->names != NULL;
}

int cxm__csv_delimiter(const cxm_csv *csv)
{
    return csv->delim;
}

const char *cxm__csv_name(const cxm_csv *csv)
{
    return csv->name;
}

/* The header, for messages: "id, date, amount" (shortened when long). */
static void header_list(const cxm_csv *csv, char *dst, size_t size)
{
    size_t w = 0;
    dst[0] = '\0';
    for (size_t i = 0; i < csv->nnames && w + 8 < size; i++) {
        char shown[64];
        printable(shown, sizeof shown, csv->names[i], strlen(csv->names[i]));
        int n = snprintf(dst + w, size - w, "%s'%s'", i ? ", " : "", shown);
        if (n < 0 || (size_t)n >= size - w) {
            snprintf(dst + w, size - w, ", ...");
            return;
        }
        w += (size_t)n;
    }
}

static bool blank(char c)
{
    return c == ' ' || c == '\t';
}

int cxm__csv_find_column(const cxm_csv *csv, const char *spec, size_t *index)
{
    if (spec == NULL || spec[0] == '\0')
        return cxm__fail(CXM_EINVAL, "a column must be given by name or number, not an empty string");
    for (size_t i = 0; i < csv->nnames; i++)
        if (strcmp(csv->names[i], spec) == 0) {
            *index = i;
            return CXM_OK;
        }
    /* Header names with blanks around them ("id, date") match their trimmed text. */
    size_t found = SIZE_MAX, matches = 0, spec_len = strlen(spec);
    for (size_t i = 0; i < csv->nnames; i++) {
        const char *a = csv->names[i], *b = a + strlen(a);
        while (a < b && blank(*a))
            a++;
        while (b > a && blank(b[-1]))
            b--;
        if ((size_t)(b - a) == spec_len && memcmp(a, spec, spec_len) == 0) {
            found = i;
            matches++;
        }
    }
    if (matches == 1) {
        *index = found;
        return CXM_OK;
    }
    bool number = true;
    for (const char *p = spec; *p; p++)
        if (*p < '0' || *p > '9')
            number = false;
    char shown[80];
    printable(shown, sizeof shown, spec, spec_len);
    if (number) {
        unsigned long long k = 0;
        for (const char *p = spec; *p && k <= csv->columns; p++)
            k = k * 10 + (unsigned long long)(*p - '0');
        if (k >= 1 && k <= csv->columns) {
            *index = (size_t)(k - 1);
            return CXM_OK;
        }
        return cxm__fail(CXM_ENOTFOUND, "%s: no column %s: the file has %zu column%s", csv->name,
                         shown, csv->columns, csv->columns == 1 ? "" : "s");
    }
    if (csv->names == NULL)
        return cxm__fail(CXM_ENOTFOUND,
                         "%s has no header line: give column '%s' by its number (1 to %zu)",
                         csv->name, shown, csv->columns);
    char list[400];
    header_list(csv, list, sizeof list);
    return cxm__fail(CXM_ENOTFOUND, "%s: no column '%s' in the header (%s)", csv->name, shown, list);
}

/* ------------------------------------------------------------------ records */

int cxm__csv_next(cxm_csv *csv)
{
    /* Plain records come from the queue, scanned many at a time. */
    if (csv->qhead == csv->qcount && csv->queue && !csv->pending && !csv->whitespace) {
        csv->qhead = 0;
        csv->qcount = scan_batch(csv);
    }
    if (csv->qhead < csv->qcount) {
        size_t k = csv->qhead++;
        csv->cur = csv->queue + k * csv->columns;
        csv->nfields = csv->columns;
        csv->record_line = csv->line++;
        csv->pos = csv->queue_next[k];
        csv->records++;
        return 1;
    }
    csv->cur = csv->fields;
    if (csv->pending) {
        csv->pending = false;
        csv->records++;
        return 1;
    }
    for (;;) {
        int s = read_record(csv);
        csv->cur = csv->fields; /* (read_record may move them) */
        if (s < 0)
            return s;
        if (s == SCAN_END)
            return 0;
        if (s == SCAN_RECORD && csv->nfields != csv->columns) {
            if (csv->names)
                cxm__csv_fail_line(csv, CXM_EPARSE, "%zu field%s where the header has %zu",
                                   csv->nfields, csv->nfields == 1 ? "" : "s", csv->columns);
            else
                cxm__csv_fail_line(csv, CXM_EPARSE, "%zu field%s where line %llu has %zu",
                                   csv->nfields, csv->nfields == 1 ? "" : "s", csv->first_line,
                                   csv->columns);
            s = SCAN_BAD;
        }
        if (s == SCAN_BAD) {
            int status = cxm__csv_bad_row(csv);
            if (status != CXM_OK)
                return status;
            continue;
        }
        csv->records++;
        return 1;
    }
}

const cxm_csv_field *cxm__csv_fields(const cxm_csv *csv)
{
    return csv->cur;
}

const char *cxm__csv_field(const cxm_csv *csv, size_t i, size_t *length)
{
    if (i >= csv->nfields) {
        *length = 0;
        return "";
    }
    *length = csv->cur[i].length;
    return csv->cur[i].text;
}

unsigned long long cxm__csv_line(const cxm_csv *csv)
{
    return csv->record_line;
}

unsigned long long cxm__csv_records(const cxm_csv *csv)
{
    return csv->records;
}

/* ------------------------------------------------------------------ typed fields */

static inline void trimmed(const cxm_csv *csv, size_t column, const char **text, size_t *length)
{
    const char *a = cxm__csv_field(csv, column, length), *b = a + *length;
    if (*length == 0 || (!blank(a[0]) && !blank(b[-1]))) {
        *text = a;
        return;
    }
    while (a < b && blank(*a))
        a++;
    while (b > a && blank(b[-1]))
        b--;
    *text = a;
    *length = (size_t)(b - a);
}

int cxm__csv_get_double(cxm_csv *csv, size_t column, double *out)
{
    const char *text;
    size_t length;
    trimmed(csv, column, &text, &length);
    if (cxm__parse_double(text, length, out) == 0)
        return CXM_OK;
    if (length == 0)
        return cxm__csv_fail(csv, column, CXM_EPARSE, "the value is empty where a number is needed");
    char shown[80];
    printable(shown, sizeof shown, text, length);
    return cxm__csv_fail(csv, column, CXM_EPARSE, "'%s' is not a number", shown);
}

/* Compare a field of up to 16 bytes with a zero-padded copy: two loads each
 * (the buffer has PAD bytes after the data, so the loads stay inside it). */
static inline bool same_short(const char *field, size_t n, const char *padded)
{
    uint64_t a0, a1, b0, b1;
    memcpy(&a0, field, 8);
    memcpy(&a1, field + 8, 8);
    memcpy(&b0, padded, 8);
    memcpy(&b1, padded + 8, 8);
    uint64_t m0 = n >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * n)) - 1;
    uint64_t m1 = n >= 16 ? ~UINT64_C(0) : n <= 8 ? 0 : (UINT64_C(1) << (8 * (n - 8))) - 1;
    return ((a0 & m0) == b0) & ((a1 & m1) == b1);
}

int cxm__csv_get_time(cxm_csv *csv, size_t column, double *days)
{
    const char *text;
    size_t length;
    trimmed(csv, column, &text, &length);
    /* Logs repeat dates: remember the last one, and recent short ones. */
    if (column == csv->last_time_column && length == csv->last_time_length &&
        (length <= 16 ? same_short(text, length, csv->last_time_text)
                      : memcmp(text, csv->last_time_text, length) == 0)) {
        *days = csv->last_time;
        return CXM_OK;
    }
    struct time_entry *entry = NULL;
    uint64_t key[2] = { 0, 0 };
    if (length > 0 && length <= 16) {
        uint64_t m0 = length >= 8 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * length)) - 1;
        uint64_t m1 = length >= 16 ? ~UINT64_C(0) : length <= 8 ? 0 : (UINT64_C(1) << (8 * (length - 8))) - 1;
        memcpy(&key[0], text, 8); /* the buffer has PAD bytes after the data */
        memcpy(&key[1], text + 8, 8);
        key[0] &= m0;
        key[1] &= m1;
        entry = &csv->time_cache[cxm__cache_slot(key[0], key[1] ^ column, 8)];
        if (entry->length == length && entry->column == column && entry->text[0] == key[0] &&
            entry->text[1] == key[1]) {
            *days = entry->days;
            return CXM_OK;
        }
    }
    char reason[160];
    if (cxm__time_parse(&csv->time_format, text, length, days, reason, sizeof reason) == 0) {
        if (length <= sizeof csv->last_time_text) {
            memset(csv->last_time_text, 0, sizeof csv->last_time_text);
            memcpy(csv->last_time_text, text, length);
            csv->last_time_length = length;
            csv->last_time_column = column;
            csv->last_time = *days;
        }
        if (entry) {
            entry->text[0] = key[0];
            entry->text[1] = key[1];
            entry->length = (uint32_t)length;
            entry->column = (uint32_t)column;
            entry->days = *days;
        }
        return CXM_OK;
    }
    if (length == 0)
        return cxm__csv_fail(csv, column, CXM_EPARSE, "the value is empty where a date is needed");
    char shown[80];
    printable(shown, sizeof shown, text, length);
    return cxm__csv_fail(csv, column, CXM_EPARSE, "'%s' is not a valid date: %s", shown, reason);
}

int cxm__csv_get_text(cxm_csv *csv, size_t column, const char **text, size_t *length)
{
    *text = cxm__csv_field(csv, column, length);
    if (*length == 0)
        return cxm__csv_fail(csv, column, CXM_EPARSE, "the value is empty");
    return CXM_OK;
}

/* ------------------------------------------------------------------ bad records */

int cxm__csv_bad_row(cxm_csv *csv)
{
    int status = cxm_error_status();
    if (status == CXM_OK)
        status = CXM_EPARSE;
    if (!csv->opt.skip_bad_rows || status != CXM_EPARSE)
        return status;
    if (csv->replay)
        return CXM_OK;
    csv->skipped++;
    if (csv->nmessages < csv->opt.max_reported) {
        if (csv->nmessages == csv->messages_cap) {
            size_t cap = csv->messages_cap ? csv->messages_cap * 2 : 4;
            char **grown = cxm__reallocarray(csv->messages, cap, sizeof *grown);
            if (grown == NULL)
                return CXM_ENOMEM;
            csv->messages = grown;
            csv->messages_cap = cap;
        }
        char *copy = cxm__strdup(cxm_error_message());
        if (copy == NULL)
            return CXM_ENOMEM;
        csv->messages[csv->nmessages++] = copy;
    }
    return CXM_OK;
}

unsigned long long cxm__csv_skipped(const cxm_csv *csv)
{
    return csv->skipped;
}

size_t cxm__csv_skipped_reported(const cxm_csv *csv)
{
    return csv->nmessages;
}

const char *cxm__csv_skipped_message(const cxm_csv *csv, size_t i)
{
    return i < csv->nmessages ? csv->messages[i] : NULL;
}

char **cxm__csv_take_messages(cxm_csv *csv, size_t *n)
{
    char **messages = csv->messages;
    *n = csv->nmessages;
    csv->messages = NULL;
    csv->nmessages = csv->messages_cap = 0;
    return messages;
}
