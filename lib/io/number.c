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
#include "io/pow10.h"

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

/* ------------------------------------------------------------------ shortest round-trip output
 *
 * The shortest decimal that reads back as the double, by R. Giulietti's
 * Schubfach ("The Schubfach way to render doubles", 2020): the doubles that
 * round to v = c 2^q form an interval; scaled by 10^-k (k chosen so that the
 * interval is narrower than 10^(k+1) and wider than 10^k) its bounds and v
 * are computed with a 126-bit over-estimate of 10^-k (lib/io/pow10.h),
 * rounded to odd, which keeps every comparison with a decimal exact. Then
 * the interval holds at most one multiple of 10^(k+1) (the shortest when
 * there), and at least one multiple of 10^k (the one nearest to v). */

/* floor(log10 2^e), floor(log10(3/4 2^e)) and floor(log2 10^e) as
 * fixed-point products, exact for |e| <= 1700
 * (tests/check_io.c checks them over that range with exact arithmetic). */
static inline int floor_log10_pow2(int e)
{
    return (int)(((int64_t)e * INT64_C(661971961083)) >> 41);
}

static inline int floor_log10_three_quarters_pow2(int e)
{
    return (int)(((int64_t)e * INT64_C(661971961083) - INT64_C(274743187321)) >> 41);
}

static inline int floor_log2_pow10(int e)
{
    return (int)(((int64_t)e * INT64_C(913124641741)) >> 38);
}

/* The high 64 bits of a * b. */
static inline uint64_t mul_high(uint64_t a, uint64_t b, uint64_t *low)
{
#if defined(__SIZEOF_INT128__)
    unsigned __int128 p = (unsigned __int128)a * b;
    *low = (uint64_t)p;
    return (uint64_t)(p >> 64);
#else
    uint64_t a0 = a & 0xffffffffu, a1 = a >> 32, b0 = b & 0xffffffffu, b1 = b >> 32;
    uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    *low = (mid << 32) | (p00 & 0xffffffffu);
    return p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
#endif
}

/* g cp / 2^127 rounded to odd (the floor, its last bit set when inexact),
 * g = g1 2^63 + g0. */
static inline uint64_t round_to_odd(const uint64_t g[2], uint64_t cp)
{
    uint64_t x0, y0;
    uint64_t x1 = mul_high(g[1], cp, &x0);
    uint64_t y1 = mul_high(g[0], cp, &y0);
    uint64_t z = (y0 >> 1) + x1;
    uint64_t floor = y1 + (z >> 63);
    const uint64_t mask63 = (UINT64_C(1) << 63) - 1;
    return floor | (((z & mask63) + mask63) >> 63);
}

/* The shortest decimal digits * 10^*exponent in the rounding interval of
 * the positive finite double with these bits, nearest to it among the
 * shortest (ties to an even last digit). */
static uint64_t shortest_digits(uint64_t bits, int *exponent)
{
    const uint64_t fraction = bits & ((UINT64_C(1) << 52) - 1);
    const int biased = (int)(bits >> 52);
    uint64_t c = biased ? fraction | (UINT64_C(1) << 52) : fraction;
    int q = biased ? biased - 1075 : -1074;
    const uint64_t out = c & 1; /* odd: the interval's ends round away */
    uint64_t cb = c << 2, cbr = cb + 2, cbl;
    int k;
    if (fraction != 0 || biased <= 1) {
        cbl = cb - 2;
        k = floor_log10_pow2(q);
    } else {
        /* At a power of two the interval below is half as wide. */
        cbl = cb - 1;
        k = floor_log10_three_quarters_pow2(q);
    }
    const int h = q + floor_log2_pow10(-k) + 2;
    const uint64_t *g = cxm__pow10_table[-k - CXM__POW10_MIN];
    const uint64_t vb = round_to_odd(g, cb << h), vbl = round_to_odd(g, cbl << h),
                   vbr = round_to_odd(g, cbr << h);
    const uint64_t s = vb >> 2;
    if (s >= 10) {
        /* The multiples of 10^(k+1) around v: at most one is inside. */
        const uint64_t sp = s / 10 * 10, tp = sp + 10;
        const bool up_in = vbl + out <= sp << 2, tp_in = (tp << 2) + out <= vbr;
        if (up_in != tp_in) {
            *exponent = k;
            return up_in ? sp : tp;
        }
    }
    const uint64_t t = s + 1;
    const bool s_in = vbl + out <= s << 2, t_in = (t << 2) + out <= vbr;
    *exponent = k;
    if (s_in != t_in)
        return s_in ? s : t;
    /* Both inside: the nearer (vb is v * 4 in units of 10^k, rounded to odd). */
    const uint64_t mid = (s + t) << 1;
    return vb < mid || (vb == mid && (s & 1) == 0) ? s : t;
}

static const char two_digits[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* The number of decimal digits of u (1 for 0). */
static inline int digit_count(uint64_t u)
{
    static const uint64_t powers[20] = {
        UINT64_C(1), UINT64_C(10), UINT64_C(100), UINT64_C(1000), UINT64_C(10000), UINT64_C(100000),
        UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000), UINT64_C(1000000000),
        UINT64_C(10000000000), UINT64_C(100000000000), UINT64_C(1000000000000),
        UINT64_C(10000000000000), UINT64_C(100000000000000), UINT64_C(1000000000000000),
        UINT64_C(10000000000000000), UINT64_C(100000000000000000), UINT64_C(1000000000000000000),
        UINT64_C(10000000000000000000),
    };
    /* floor(bits * log10 2), then one comparison */
    int t = ((64 - __builtin_clzll(u | 1)) * 1233) >> 12;
    return t + (u >= powers[t]) + (t == 0 && u == 0);
}

/* The n = digit_count(u) digits of u at dst, two at a time, in 32-bit
 * arithmetic below 10^8. */
static inline void write_digits(char *dst, uint64_t u, int n)
{
    char *p = dst + n;
    while (u >= 100000000) {
        uint32_t low = (uint32_t)(u % 100000000), a = low / 10000, b = low % 10000;
        u /= 100000000;
        p -= 8;
        memcpy(p, two_digits + 2 * (a / 100), 2);
        memcpy(p + 2, two_digits + 2 * (a % 100), 2);
        memcpy(p + 4, two_digits + 2 * (b / 100), 2);
        memcpy(p + 6, two_digits + 2 * (b % 100), 2);
    }
    uint32_t v = (uint32_t)u;
    while (v >= 100) {
        p -= 2;
        memcpy(p, two_digits + 2 * (v % 100), 2);
        v /= 100;
    }
    if (v >= 10)
        memcpy(p - 2, two_digits + 2 * v, 2);
    else
        p[-1] = (char)('0' + v);
}

size_t cxm__format_uint(char *dst, uint64_t u)
{
    int n = digit_count(u);
    write_digits(dst, u, n);
    return (size_t)n;
}

/* d (nd digits, no trailing zero) * 10^(x - nd + 1) as printf's "%.*g"
 * writes it with precision p = max(15, nd): the layout that the library
 * wrote before this formatter (with %.15g, %.16g or %.17g, whichever was
 * the first to read back), kept byte for byte. out has 40 bytes. */
static size_t layout(char *out, bool negative, uint64_t d, int nd, int x)
{
    const int p = nd > 15 ? nd : 15;
    size_t w = 0;
    if (negative)
        out[w++] = '-';
    if (x < -4 || x >= p) {
        /* d.ddde+XX: the digits one place on, then the first moved back */
        write_digits(out + w + 1, d, nd);
        out[w] = out[w + 1];
        if (nd > 1) {
            out[w + 1] = '.';
            w += (size_t)nd + 1;
        } else {
            w += 1;
        }
        out[w++] = 'e';
        out[w++] = x < 0 ? '-' : '+';
        unsigned ax = (unsigned)(x < 0 ? -x : x);
        if (ax >= 100)
            out[w++] = (char)('0' + ax / 100);
        memcpy(out + w, two_digits + 2 * (ax % 100), 2);
        return w + 2;
    }
    if (x < 0) {
        /* 0.000ddd (x >= -4) */
        memcpy(out + w, "0.000", 5);
        w += (size_t)(1 - x);
        write_digits(out + w, d, nd);
        return w + (size_t)nd;
    }
    if (nd <= x + 1) {
        /* ddd000 */
        write_digits(out + w, d, nd);
        w += (size_t)nd;
        for (int i = nd; i <= x; i++)
            out[w++] = '0';
        return w;
    }
    /* ddd.ddd: the digits one place on, then the whole part moved back */
    write_digits(out + w + 1, d, nd);
    for (int i = 0; i <= x; i++)
        out[w + (size_t)i] = out[w + (size_t)i + 1];
    out[w + (size_t)x + 1] = '.';
    return w + (size_t)nd + 1;
}

size_t cxm__format_double(char *dst, size_t size, double value)
{
    char out[40];
    size_t w;
    uint64_t bits;
    memcpy(&bits, &value, sizeof bits);
    const bool negative = (bits >> 63) != 0;
    bits &= ~(UINT64_C(1) << 63);
    double a = fabs(value);
    if (!isfinite(value)) {
        const char *text = isnan(value) ? "nan" : value > 0 ? "inf" : "-inf";
        w = strlen(text);
        memcpy(out, text, w);
    } else if (a < 9007199254740992.0 && a == (double)(uint64_t)a) {
        /* Whole numbers below 2^53 print as integers ("-0" for -0). */
        out[0] = '-';
        w = negative + cxm__format_uint(out + negative, (uint64_t)a);
    } else {
        int e;
        uint64_t d = shortest_digits(bits, &e);
        while (d % 10 == 0) { /* the multiple of 10^(k+1) ends in zeros */
            d /= 10;
            e++;
        }
        int nd = digit_count(d);
        w = layout(out, negative, d, nd, e + nd - 1);
    }
    if (w + 1 > size)
        return 0;
    memcpy(dst, out, w);
    dst[w] = '\0';
    return w;
}
