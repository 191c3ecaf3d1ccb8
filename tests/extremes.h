/* Helpers of the extreme-argument grids (issue 14): arguments up to 1e308,
 * counts up to 1e12, a time limit on every call, and one rule for every
 * result: finite and in its range, or an error status with a message. */
#ifndef CXM_TESTS_EXTREMES_H
#define CXM_TESTS_EXTREMES_H

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cxm.h>

/* Every call ends within this many seconds of CPU time (Check's per-test
 * timeout catches a call that never ends). CPU time, not wall-clock time:
 * the bound is on the work a call does, which other processes on a busy
 * machine do not change. AddressSanitizer makes every call slower. */
#if defined(__SANITIZE_ADDRESS__)
#define EXTREME_CALL_SECONDS 4.0
#else
#define EXTREME_CALL_SECONDS 1.0
#endif

/* Times, horizons, T: 0 to the largest double. */
static const double extreme_times[] __attribute__((unused)) = { 0, 1e-300, 1e-10, 0.5, 1, 39, 1e3, 1e6, 1e9,
                                        1e12, 1e15, 1e100, 1e300, 1e308, DBL_MAX };
/* Counts (x, k, opportunities, renewals): 0 to 10^12 and the largest whole double. */
static const double extreme_counts[] __attribute__((unused)) = { 0, 1, 2, 10, 1e3, 1e6, 1e9, 1e12, 9007199254740992.0 };
/* Continuous discount rates. */
static const double extreme_rates[] __attribute__((unused)) = { 1e-300, 1e-200, 1e-12, 1e-3, 1, 1e3, 1e12, 1e100,
                                        1e300, DBL_MAX };

#define EXTREME_COUNT(array) (sizeof(array) / sizeof((array)[0]))

static inline double extreme_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Run a call, fail the test when it takes longer than EXTREME_CALL_SECONDS;
 * the status goes to `status`. label: printf-style description of the call. */
#define EXTREME_CALL(status, call, ...)                                                     \
    do {                                                                                    \
        double start_ = extreme_now();                                                      \
        (status) = (call);                                                                  \
        double took_ = extreme_now() - start_;                                              \
        if (took_ > EXTREME_CALL_SECONDS) {                                                 \
            char label_[512];                                                               \
            snprintf(label_, sizeof label_, __VA_ARGS__);                                   \
            ck_abort_msg("%s took %.2f s (more than %g s)", label_, took_,                   \
                         EXTREME_CALL_SECONDS);                                             \
        }                                                                                   \
    } while (0)

/* A result is finite and in [lo, hi], or the call failed with an error
 * status (not out of memory) and a message. Returns 1 when it succeeded. */
#define EXTREME_CHECK(status, value, lo, hi, ...)                                           \
    extreme_check_((status), (value), (lo), (hi), __FILE__, __LINE__, __VA_ARGS__)

static inline int extreme_check_(int status, double value, double lo, double hi,
                                 const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

static inline int extreme_check_(int status, double value, double lo, double hi,
                                 const char *file, int line, const char *fmt, ...)
{
    char label[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(label, sizeof label, fmt, ap);
    va_end(ap);
    if (status != CXM_OK) {
        const char *message = cxm_error_message();
        ck_assert_msg(status < 0 && status != CXM_ENOMEM && message && message[0],
                      "%s:%d: %s: status %d without a message", file, line, label, status);
        return 0;
    }
    ck_assert_msg(isfinite(value) && value >= lo && value <= hi,
                  "%s:%d: %s = %.17g is not finite or not in [%g, %g]", file, line, label,
                  value, lo, hi);
    return 1;
}

/* Relative agreement with a reference value. */
static inline int extreme_close(double got, double want, double tolerance)
{
    if (want == 0.0)
        return fabs(got) <= tolerance;
    return fabs(got - want) <= tolerance * fabs(want);
}

#endif
