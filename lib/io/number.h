/* Numbers in text, independent of the locale. Internal to libcxm. */
#ifndef CXM_IO_NUMBER_H
#define CXM_IO_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* Parse text[0..n) (not NUL-terminated) as a finite decimal number:
 * [+-] digits [. digits] [(e|E) [+-] digits], or with the digits only after
 * the point. No blanks, no "nan", "inf", hexadecimal or thousands separators.
 * The result is correctly rounded. Returns 0, or -1 if the text is not such
 * a number or is out of the range of a double. Sets no error message. */
int cxm__parse_double(const char *text, size_t n, double *out);

/* Write the shortest decimal text that reads back as exactly value ("0.1",
 * "30.428571428571427", "1e+300"), with '.' as the decimal point whatever
 * the locale, laid out as printf's "%.*g" with 15 digits or as many as the
 * shortest text has (whole numbers below 2^53 in full). Returns the length (< size), or 0 if size is too small. */
size_t cxm__format_double(char *dst, size_t size, double value);

/* Write the decimal digits of u (at most 20 bytes, no NUL); returns their
 * count. */
size_t cxm__format_uint(char *dst, uint64_t u);

#endif
