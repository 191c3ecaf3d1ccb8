/* libFuzzer target: the CSV reader, dates and numbers.
 *
 * The first two bytes choose the options (delimiter, quoting, header, skip
 * mode, record limit, read size, date format); the rest is the file. Every
 * record is read twice (with a rewind) and each field through every typed
 * accessor. Invariants checked besides the sanitizers: numbers that parse
 * print and parse back to themselves, dates that parse print as ISO 8601 and
 * parse back, and a failing call always leaves a message. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "io/csv.h"
#include "io/date.h"
#include "io/number.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const formats[] = { NULL, "epoch", "%d/%m/%Y %H:%M", "%Y%m%d",
                                       "%a %d %b %Y %I:%M %p %z", "%j %y", "%s", "epoch_ms" };

static void require(int condition)
{
    if (!condition)
        abort();
}

static void check_number(const char *text, size_t n)
{
    double v, back;
    if (cxm__parse_double(text, n, &v) != 0)
        return;
    char printed[64];
    size_t len = cxm__format_double(printed, sizeof printed, v);
    require(len > 0);
    require(cxm__parse_double(printed, len, &back) == 0 && (back == v || (back != back && v != v)));
}

static void check_time(const cxm__time_format *f, const char *text, size_t n)
{
    double days, back;
    char reason[160];
    if (cxm__time_parse(f, text, n, &days, reason, sizeof reason) != 0) {
        require(reason[0] != '\0');
        return;
    }
    require(isfinite(days));
    if (!(days >= -719528.0 && days < 2932896.0))
        return; /* outside 0000..9999 after an offset or from %s: no ISO form */
    char iso[64];
    size_t len = cxm__time_format_iso(iso, sizeof iso, days);
    require(len > 0);
    cxm__time_format iso_format;
    require(cxm__time_format_init(&iso_format, NULL) == CXM_OK);
    require(cxm__time_parse(&iso_format, iso, len, &back, reason, sizeof reason) == 0);
    require(fabs(back - days) <= 2e-6 / 86400 + 1e-9);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    const uint8_t a = data[0], b = data[1];
    static const int delimiters[] = { ',', ';', '\t', '|', CXM_CSV_WHITESPACE, CXM_CSV_DETECT };
    cxm_csv_options o;
    cxm_csv_options_init(&o);
    o.delimiter = delimiters[a % 6];
    o.quote = (a & 8) ? '"' : (a & 16) ? '\'' : 0;
    o.header = (a >> 5) & 1;
    o.skip_bad_rows = (a >> 6) & 1;
    o.max_record_bytes = (a & 128) ? 48 : 1 << 20;
    o.max_reported = b % 4;
    o.date_format = formats[(b >> 2) % 8];
    size_t read_size = (b >> 5) ? (size_t)(b >> 5) * 3 : 0;
    data += 2;
    size -= 2;

    cxm__time_format f;
    require(cxm__time_format_init(&f, o.date_format) == CXM_OK);
    if (size < 200) {
        check_number((const char *)data, size);
        check_time(&f, (const char *)data, size);
    }

    cxm_csv *csv;
    cxm_error_clear();
    if (cxm__csv_open_memory(&csv, data, size, "fuzz.csv", &o, read_size) != CXM_OK) {
        require(cxm_error_message()[0] != '\0');
        return 0;
    }
    size_t columns = cxm__csv_columns(csv);
    require(columns >= 1);
    char label[128];
    for (size_t i = 0; i < columns && i < 8; i++)
        cxm__csv_column_label(csv, i, label, sizeof label);
    size_t index;
    if (cxm__csv_find_column(csv, "1", &index) == CXM_OK)
        require(index < columns);
    const char *name = cxm__csv_column_name(csv, columns - 1);
    if (name && name[0])
        require(cxm__csv_find_column(csv, name, &index) == CXM_OK && index < columns);

    for (int pass = 0; pass < 2; pass++) {
        int more;
        while ((more = cxm__csv_next(csv)) > 0) {
            require(cxm__csv_line(csv) >= 1);
            for (size_t i = 0; i < columns; i++) {
                size_t len;
                const char *text = cxm__csv_field(csv, i, &len);
                require(text != NULL);
                if (len < 100) {
                    check_number(text, len);
                    check_time(&f, text, len);
                }
                double v;
                const char *t;
                int status = cxm__csv_get_double(csv, i, &v);
                if (status == CXM_OK)
                    status = cxm__csv_get_time(csv, i, &v);
                if (status == CXM_OK)
                    status = cxm__csv_get_text(csv, i, &t, &len);
                if (status != CXM_OK) {
                    require(cxm_error_message()[0] != '\0');
                    if (cxm__csv_bad_row(csv) != CXM_OK)
                        goto done;
                    break;
                }
            }
        }
        if (more < 0) {
            require(cxm_error_message()[0] != '\0');
            break;
        }
        if (pass == 0 && cxm__csv_rewind(csv) != CXM_OK)
            break;
    }
done:
    for (size_t i = 0; i < cxm__csv_skipped_reported(csv); i++)
        require(cxm__csv_skipped_message(csv, i) != NULL);
    require(cxm__csv_skipped_reported(csv) <= o.max_reported);
    cxm__csv_close(csv);
    return 0;
}
