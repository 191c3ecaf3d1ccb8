/* The shortest round-trip number formatter (lib/io/number.c): its table of
 * powers of ten checked with exact arithmetic; every written double reads
 * back bit-identical (random bit patterns over the whole range, every binary
 * exponent, the edges); the text is the shortest (against printf's
 * correctly rounded digits, shortened while strtod reads them back); and it
 * is laid out byte for byte as the library wrote numbers before (printf
 * "%.15g", "%.16g" or "%.17g", the first that read back). strtod and printf
 * of the C library are the references. */
#include "config.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_run.h"
#include "io/number.h"
#include "io/pow10.h"

/* xorshift64*: reproducible bit patterns */
static uint64_t state = UINT64_C(0x2545f4914f6cdd1d);

static uint64_t next_bits(void)
{
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * UINT64_C(0x2545f4914f6cdd1d);
}

static double from_bits(uint64_t bits)
{
    double v;
    memcpy(&v, &bits, sizeof v);
    return v;
}

/* ------------------------------------------------------------------ exact integers for the table */

enum { LIMBS = 48 }; /* 1536 bits */
typedef struct big {
    uint32_t limb[LIMBS];
} big;

static void big_set(big *x, uint64_t hi, uint64_t lo) /* hi * 2^63 + lo */
{
    memset(x, 0, sizeof *x);
    unsigned __int128 v = ((unsigned __int128)hi << 63) | lo;
    for (int i = 0; i < 4; i++)
        x->limb[i] = (uint32_t)(v >> (32 * i));
}

static void big_mul_small(big *x, uint32_t m)
{
    uint64_t carry = 0;
    for (int i = 0; i < LIMBS; i++) {
        uint64_t p = (uint64_t)x->limb[i] * m + carry;
        x->limb[i] = (uint32_t)p;
        carry = p >> 32;
    }
    ck_assert_uint_eq(carry, 0);
}

static void big_shift_left(big *x, int bits)
{
    for (; bits > 0; bits--) {
        uint32_t carry = 0;
        for (int i = 0; i < LIMBS; i++) {
            uint32_t next = x->limb[i] >> 31;
            x->limb[i] = (x->limb[i] << 1) | carry;
            carry = next;
        }
        ck_assert_uint_eq(carry, 0);
    }
}

static int big_compare(const big *a, const big *b)
{
    for (int i = LIMBS - 1; i >= 0; i--)
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    return 0;
}

static void big_decrement(big *x)
{
    for (int i = 0; i < LIMBS && x->limb[i]-- == 0; i++)
        ;
}

/* g(e) = floor(10^e / 2^r) + 1, r = floor(e log2 10) - 125, 2^125 < g < 2^126:
 * (g - 1) 2^r <= 10^e < g 2^r, both sides scaled to integers. */
START_TEST(pow10_table_is_exact)
{
    for (int e = CXM__POW10_MIN; e <= CXM__POW10_MAX; e++) {
        const uint64_t *g = cxm__pow10_table[e - CXM__POW10_MIN];
        ck_assert_uint_lt(g[1], UINT64_C(1) << 63);
        ck_assert_uint_ge(g[0], UINT64_C(1) << 62); /* g >= 2^125 */
        ck_assert_uint_lt(g[0], UINT64_C(1) << 63); /* g < 2^126 */
        /* r from the bit length of 10^|e| */
        big p, one;
        big_set(&p, 0, 1);
        big_set(&one, 0, 1);
        for (int i = 0; i < abs(e); i++)
            big_mul_small(&p, 10);
        int bits = 0;
        for (int i = LIMBS - 1; i >= 0 && bits == 0; i--)
            if (p.limb[i])
                bits = 32 * i + 32 - __builtin_clz(p.limb[i]);
        int r = e >= 0 ? bits - 126 : -bits - 125;
        big hi, lo, a;
        big_set(&hi, g[0], g[1]);
        lo = hi;
        big_decrement(&lo);
        if (e >= 0) {
            /* (g-1) 2^r <= 10^e < g 2^r */
            a = p;
            if (r >= 0) {
                big_shift_left(&lo, r);
                big_shift_left(&hi, r);
            } else {
                big_shift_left(&a, -r);
            }
            ck_assert_msg(big_compare(&lo, &a) <= 0 && big_compare(&a, &hi) < 0, "g(%d)", e);
        } else {
            /* 10^e = 1 / 10^-e: (g-1) 10^-e <= 2^-r < g 10^-e */
            for (int i = 0; i < -e; i++) {
                big_mul_small(&lo, 10);
                big_mul_small(&hi, 10);
            }
            a = one;
            big_shift_left(&a, -r);
            ck_assert_msg(big_compare(&lo, &a) <= 0 && big_compare(&a, &hi) < 0, "g(%d)", e);
        }
    }
}
END_TEST

/* ------------------------------------------------------------------ round trips */

static void assert_reads_back(double v)
{
    /* (Plain tests: Check's assertions cost a system call each.) */
    char text[40];
    size_t n = cxm__format_double(text, sizeof text, v);
    if (n == 0 || n != strlen(text))
        ck_abort_msg("%a: length %zu for %s", v, n, text);
    double back = strtod(text, NULL), mine = 0;
    if (memcmp(&back, &v, sizeof v) != 0)
        ck_abort_msg("%a written as %s reads back as %a", v, text, back);
    if (cxm__parse_double(text, n, &mine) != 0 || memcmp(&mine, &v, sizeof v) != 0)
        ck_abort_msg("%a written as %s", v, text);
}

START_TEST(every_double_reads_back)
{
    /* Random bit patterns: every sign, exponent and significand. */
    long tested = 0;
    for (long i = 0; i < 4000000; i++) {
        double v = from_bits(next_bits());
        if (!isfinite(v))
            continue;
        assert_reads_back(v);
        tested++;
    }
    /* Every binary exponent, with the significands at its edges (0, 1, the
     * largest: the power of two's narrower interval below, odd and even
     * ends) and random ones. */
    for (uint64_t e = 0; e < 2047; e++) {
        static const uint64_t edge[] = { 0, 1, 2, 3, (UINT64_C(1) << 52) - 1, (UINT64_C(1) << 52) - 2,
                                         UINT64_C(1) << 51 };
        for (size_t k = 0; k < sizeof edge / sizeof edge[0]; k++)
            assert_reads_back(from_bits(e << 52 | edge[k]));
        for (int k = 0; k < 300; k++)
            assert_reads_back(from_bits(e << 52 | (next_bits() >> 12)));
        tested += 307;
    }
    /* The smallest subnormals, and the neighbours of powers of ten. */
    for (uint64_t c = 1; c < 200000; c++)
        assert_reads_back(from_bits(c));
    for (int p = -323; p <= 308; p++) {
        char text[16];
        snprintf(text, sizeof text, "1e%d", p);
        double v = strtod(text, NULL);
        assert_reads_back(v);
        assert_reads_back(nextafter(v, 0));
        assert_reads_back(nextafter(v, INFINITY));
    }
    assert_reads_back(DBL_MAX);
    assert_reads_back(5e-324);
    assert_reads_back(2.2250738585072014e-308);
    assert_reads_back(2.2250738585072009e-308);
    ck_assert_int_gt(tested, 4000000);
}
END_TEST

/* ------------------------------------------------------------------ shortest */

/* A number's text as its significant digits (no leading or trailing zeros)
 * and the decimal exponent of the first: "0.0120" -> "12", -2. */
static void normalise(const char *text, char *digits, int *exponent)
{
    int nd = 0, point = -1, first = -1, position = 0;
    const char *c = text;
    for (; *c && *c != 'e' && *c != 'E'; c++) {
        if (*c == '.') {
            point = position;
            continue;
        }
        if (*c < '0' || *c > '9')
            continue;
        if (*c != '0' && first < 0)
            first = position;
        if (first >= 0)
            digits[nd++] = *c;
        position++;
    }
    if (point < 0)
        point = position;
    while (nd > 0 && digits[nd - 1] == '0')
        nd--;
    digits[nd] = '\0';
    *exponent = (first >= 0 ? point - first - 1 : 0) + (*c ? atoi(c + 1) : 0);
}

START_TEST(the_text_is_the_shortest)
{
    long shorter = 0;
    for (long i = 0; i < 150000; i++) {
        double v = from_bits(next_bits());
        if (i % 3 == 1) /* the usual: means of amounts */
            v = (double)(next_bits() % 10000000) / (double)(1 + next_bits() % 997);
        if (!isfinite(v) || v == floor(v))
            continue;
        /* printf's correctly rounded digits, the fewest that read back */
        char brute[48], text[40];
        int p = 1;
        for (; p < 17; p++) {
            snprintf(brute, sizeof brute, "%.*e", p - 1, v);
            if (strtod(brute, NULL) == v)
                break;
        }
        snprintf(brute, sizeof brute, "%.*e", p - 1, v);
        cxm__format_double(text, sizeof text, v);
        char a[24], b[24];
        int ea, eb;
        normalise(text, a, &ea);
        normalise(brute, b, &eb);
        if (strlen(a) > strlen(b))
            ck_abort_msg("%a: %s is longer than %s", v, text, brute);
        if (strlen(a) == strlen(b) && (strcmp(a, b) != 0 || ea != eb))
            ck_abort_msg("%a: %s where printf's nearest is %s", v, text, brute);
        if (strlen(a) < strlen(b))
            shorter++; /* at a power of two, where the interval below is narrower */
    }
    ck_assert_int_lt(shorter, 100);
    /* Known texts. */
    static const struct { double v; const char *text; } known[] = {
        { 0.1, "0.1" }, { 22.345, "22.345" }, { 213.0 / 7, "30.428571428571427" },
        { 42, "42" }, { -0.0, "-0" }, { 1e300, "1e+300" }, { -7.3e307, "-7.3e+307" },
        { 5e-324, "5e-324" }, { 1e23, "1e+23" }, { 9007199254740992.0, "9007199254740992" },
        { 1e16, "1e+16" }, { 123456789012345678.0, "1.2345678901234568e+17" },
        { 0.0001, "0.0001" }, { 0.00001, "1e-05" }, { 1e15 + 0.5, "1000000000000000.5" },
        { 2.2250738585072014e-308, "2.2250738585072014e-308" }, { 1.7976931348623157e308, "1.7976931348623157e+308" },
        { 9.5367431640625e-07, "9.5367431640625e-07" },
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        char text[40];
        cxm__format_double(text, sizeof text, known[i].v);
        ck_assert_str_eq(text, known[i].text);
    }
    char text[40];
    cxm__format_double(text, sizeof text, NAN);
    ck_assert_str_eq(text, "nan");
    ck_assert_uint_eq(cxm__format_double(text, 3, 0.125), 0);
    ck_assert_uint_eq(cxm__format_double(text, 6, 0.125), 5);
    ck_assert_uint_eq(cxm__format_double(text, 5, 0.125), 0);
}
END_TEST

/* The library's earlier output: integers below 2^53 in full, else the first
 * of %.15g, %.16g, %.17g that reads back. */
static void earlier_text(char *dst, size_t size, double v)
{
    if (fabs(v) < 9007199254740992.0 && v == (double)(int64_t)v) {
        snprintf(dst, size, "%s%lld", v == 0 && signbit(v) ? "-" : "", (long long)v);
        return;
    }
    for (int p = 15; p <= 17; p++) {
        snprintf(dst, size, "%.*g", p, v);
        if (strtod(dst, NULL) == v)
            return;
    }
}

START_TEST(the_layout_is_the_earlier_one)
{
    for (long i = 0; i < 300000; i++) {
        uint64_t bits = next_bits();
        double v;
        if (i % 3 == 0) /* normal numbers of every size */
            v = from_bits((bits & ~(UINT64_C(0x7ff) << 52)) | (1 + bits % 2046) << 52);
        else if (i % 3 == 1) /* means of amounts */
            v = (double)(bits % 100000000) / (double)(1 + (bits >> 40) % 9973);
        else /* days / 7, whole numbers, numbers near the layout's thresholds */
            v = (i % 2 ? (double)(bits % 100000) / 7 : ldexp((double)(bits >> 11), (int)(bits % 40) - 50));
        char a[40], b[48];
        cxm__format_double(a, sizeof a, v);
        earlier_text(b, sizeof b, v);
        if (strcmp(a, b) != 0)
            ck_abort_msg("%a: %s, earlier %s", v, a, b);
    }
}
END_TEST

/* Whole numbers: cxm__format_uint as printf's %llu, at every power of ten
 * and its neighbours and at random. */
START_TEST(integers_as_printf)
{
    char a[32], b[32];
    for (long i = 0; i < 1000000; i++) {
        uint64_t u = next_bits();
        if (i < 60) {
            u = 1;
            for (long k = 0; k < i / 3; k++)
                u *= 10;
            u += (uint64_t)(i % 3) - 1; /* 10^k - 1, 10^k, 10^k + 1 */
        } else if (i % 2) {
            u >>= u % 64;
        }
        size_t n = cxm__format_uint(a, u);
        a[n] = '\0';
        snprintf(b, sizeof b, "%llu", (unsigned long long)u);
        if (strcmp(a, b) != 0)
            ck_abort_msg("%s written as %s", b, a);
    }
    size_t n = cxm__format_uint(a, UINT64_MAX);
    a[n] = '\0';
    ck_assert_str_eq(a, "18446744073709551615");
}
END_TEST

static Suite *format_suite(void)
{
    Suite *s = suite_create("format");
    TCase *t = tcase_create("shortest");
    tcase_add_test(t, pow10_table_is_exact);
    tcase_add_test(t, every_double_reads_back);
    tcase_add_test(t, the_text_is_the_shortest);
    tcase_add_test(t, the_layout_is_the_earlier_one);
    tcase_add_test(t, integers_as_printf);
    tcase_set_timeout(t, 300);
    suite_add_tcase(s, t);
    return s;
}

int main(void)
{
    return cxm_check_run(format_suite());
}
