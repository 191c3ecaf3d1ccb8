/* Locale-independent number parsing and formatting. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/number.h"

/* Powers of ten that doubles hold exactly (10^22 is the largest). */
static const double exact_powers[23] = { 1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                         1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                         1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };

/* The general case: strtod in the C locale, so that a program's setlocale()
 * cannot turn "1.5" into 1. uselocale() is per thread. */
static int parse_slow(const char *text, size_t n, double *out)
{
    char local[512];
    if (n >= sizeof local)
        return -1;
    memcpy(local, text, n);
    local[n] = '\0';
    locale_t c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0)
        return -1;
    locale_t previous = uselocale(c_locale);
    char *end;
    errno = 0;
    double v = strtod(local, &end);
    int saved = errno;
    uselocale(previous);
    freelocale(c_locale);
    if (end != local + n || !isfinite(v))
        return -1;
    (void)saved; /* underflow to 0 or a subnormal is still the correctly rounded value */
    *out = v;
    return 0;
}

int cxm__parse_double(const char *text, size_t n, double *out)
{
    /* The usual amount, "123.45": digits, an optional point and digits. */
    if (n > 0 && n <= 16) {
        const char *p = text, *end = text + n;
        bool negative = *p == '-';
        p += negative;
        uint64_t m = 0;
        const char *digits = p;
        while (p < end && (unsigned)(*p - '0') < 10)
            m = m * 10 + (uint64_t)(*p++ - '0');
        size_t whole = (size_t)(p - digits), fraction = 0;
        if (p < end && *p == '.') {
            const char *f = ++p;
            while (p < end && (unsigned)(*p - '0') < 10)
                m = m * 10 + (uint64_t)(*p++ - '0');
            fraction = (size_t)(p - f);
        }
        if (p == end && whole + fraction > 0) {
            /* At most 15 digits: m < 2^53, and 10^fraction is exact. */
            double v = (double)m / exact_powers[fraction];
            *out = negative ? -v : v;
            return 0;
        }
    }
    const char *p = text, *end = text + n;
    bool negative = false;
    if (p < end && (*p == '+' || *p == '-'))
        negative = *p++ == '-';
    uint64_t mantissa = 0;
    int significant = 0, digits = 0, scale = 0;
    bool truncated = false;
    while (p < end && *p >= '0' && *p <= '9') {
        if (significant < 19) {
            mantissa = mantissa * 10 + (uint64_t)(*p - '0');
            if (mantissa)
                significant++;
        } else {
            truncated = true;
            scale++;
        }
        p++;
        digits++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (significant < 19) {
                mantissa = mantissa * 10 + (uint64_t)(*p - '0');
                if (mantissa)
                    significant++;
                scale--;
            } else {
                truncated = true;
            }
            p++;
            digits++;
        }
    }
    if (digits == 0)
        return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        bool exp_negative = false;
        if (p < end && (*p == '+' || *p == '-'))
            exp_negative = *p++ == '-';
        int exponent = 0, exp_digits = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            if (exponent < 100000)
                exponent = exponent * 10 + (*p - '0');
            p++;
            exp_digits++;
        }
        if (exp_digits == 0)
            return -1;
        scale += exp_negative ? -exponent : exponent;
    }
    if (p != end)
        return -1;
    if (mantissa == 0 && !truncated) {
        *out = negative ? -0.0 : 0.0;
        return 0;
    }
    /* Clinger's fast path: an exact mantissa times an exact power of ten is
     * correctly rounded by one IEEE operation. */
    if (!truncated && mantissa <= (UINT64_C(1) << 53) && scale >= -22 && scale <= 22) {
        double v = (double)mantissa;
        v = scale < 0 ? v / exact_powers[-scale] : v * exact_powers[scale];
        *out = negative ? -v : v;
        return 0;
    }
    return parse_slow(text, n, out);
}

/* snprintf("%.*g") then replace the locale's decimal point, whatever its
 * bytes, by '.': the output is sign, digits, point, digits, exponent. */
static size_t print_g(char *dst, size_t size, int precision, double value)
{
    char tmp[64];
    int len = snprintf(tmp, sizeof tmp, "%.*g", precision, value);
    if (len <= 0 || (size_t)len >= sizeof tmp)
        return 0;
    size_t w = 0;
    for (int r = 0; r < len;) {
        char c = tmp[r];
        if ((c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' || c == 'E') {
            if (w + 1 >= size)
                return 0;
            dst[w++] = c;
            r++;
        } else {
            while (r < len && !((tmp[r] >= '0' && tmp[r] <= '9') || tmp[r] == 'e'))
                r++;
            if (w + 1 >= size)
                return 0;
            dst[w++] = '.';
        }
    }
    dst[w] = '\0';
    return w;
}

#if defined(__SIZEOF_INT128__)
typedef unsigned __int128 u128;

/* Shortest round-trip digits, exactly, for 1e-4 <= |value| < 1e15 (not a
 * whole number): the doubles that round to value form an interval; scaled by
 * 10^k (17 + k significant digits) its bounds are exact rationals with a
 * power-of-two denominator, computed in 128-bit integers. The decimal with
 * the most trailing zeros inside the interval, nearest to value, is the
 * answer (the method of Ryu and Grisu, without their tables, for a limited
 * range). Returns the length, or 0 outside the range. */
static size_t shortest(char *dst, size_t size, double value)
{
    double v = fabs(value);
    if (!(v >= 1e-4 && v < 1e15))
        return 0;
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int exponent = (int)(bits >> 52) - 1075;               /* v = f * 2^exponent */
    uint64_t f = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int e10 = -4;                                          /* 10^e10 <= v < 10^(e10+1), about */
    static const double tens[] = { 1e-3, 1e-2, 1e-1, 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
    while (e10 < 14 && v >= tens[e10 + 4])
        e10++;
    int k = 17 - e10;                                      /* 3..21 */
    unsigned shift = (unsigned)(2 - exponent);             /* 5..70 */
    u128 p10 = 1;
    for (int i = 0; i < k; i++)
        p10 *= 10;
    /* The value and the interval's bounds in units of 2^(exponent-2), times 10^k. */
    u128 mv = (u128)(4 * f) * p10;
    u128 mp = (u128)(4 * f + 2) * p10;
    u128 mm = (u128)(4 * f - (f == (UINT64_C(1) << 52) ? 1 : 2)) * p10;
    const u128 low_mask = ((u128)1 << shift) - 1;
    bool inclusive = (f & 1) == 0;                         /* ties round to even */
    uint64_t lo = (uint64_t)(mm >> shift) + ((mm & low_mask) != 0 || !inclusive);
    uint64_t hi = (uint64_t)(mp >> shift) - ((mp & low_mask) == 0 && !inclusive);
    uint64_t vfloor = (uint64_t)(mv >> shift);
    bool vfrac = (mv & low_mask) != 0;
    /* The most trailing zeros that a number in [lo, hi] can have. */
    uint64_t q = 1;
    int t = 0;
    while (t < 18 && (hi / (q * 10)) * (q * 10) >= lo) {
        q *= 10;
        t++;
    }
    /* The multiple of q nearest to the value, within the interval. */
    uint64_t c = vfloor / q, rem = vfloor % q;
    if (2 * rem > q || (2 * rem == q && (vfrac || (c & 1))))
        c++;
    if (c * q > hi)
        c--;
    if (c * q < lo)
        c++;
    /* Write c * 10^(t - k) in fixed notation. */
    char digits[24];
    int nd = 0;
    for (uint64_t x = c; x; x /= 10)
        digits[nd++] = (char)('0' + x % 10);
    int point = nd - (k - t); /* digits before the decimal point */
    size_t w = 0;
    char out[48];
    if (value < 0)
        out[w++] = '-';
    if (point <= 0) {
        out[w++] = '0';
        out[w++] = '.';
        for (int i = 0; i < -point; i++)
            out[w++] = '0';
        for (int i = nd - 1; i >= 0; i--)
            out[w++] = digits[i];
    } else {
        for (int i = nd - 1; i >= 0; i--) {
            out[w++] = digits[i];
            if (nd - 1 - i == point - 1 && i > 0)
                out[w++] = '.';
        }
        for (int i = nd; i < point; i++)
            out[w++] = '0';
    }
    if (w + 1 > size)
        return 0;
    memcpy(dst, out, w);
    dst[w] = '\0';
    return w;
}
#endif

size_t cxm__format_double(char *dst, size_t size, double value)
{
    if (!isfinite(value)) {
        const char *text = isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
        int len = snprintf(dst, size, "%s", text);
        return len > 0 && (size_t)len < size ? (size_t)len : 0;
    }
    /* Whole numbers below 2^53 print as integers. */
    if (fabs(value) < 9007199254740992.0 && value == (double)(int64_t)value) {
        char digits[24];
        int64_t i = (int64_t)value;
        uint64_t u = i < 0 ? (uint64_t)-i : (uint64_t)i;
        size_t n = 0;
        do {
            digits[n++] = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        bool minus = i < 0 || signbit(value);
        if (n + minus + 1 > size)
            return 0;
        size_t w = 0;
        if (minus)
            dst[w++] = '-';
        while (n)
            dst[w++] = digits[--n];
        dst[w] = '\0';
        return w;
    }
#if defined(__SIZEOF_INT128__)
    size_t exact = shortest(dst, size, value);
    if (exact > 0)
        return exact;
#endif
    for (int precision = 15; precision <= 17; precision++) {
        size_t len = print_g(dst, size, precision, value);
        double back;
        if (len == 0)
            return 0;
        if (precision == 17 || (cxm__parse_double(dst, len, &back) == 0 && back == value))
            return len;
    }
    return 0;
}
