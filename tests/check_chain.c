/* The emotion chain: MODELS.md 2.5 (peak-end, Kahneman et al. 1993). */
#include <check.h>
#include <math.h>
#include <string.h>

#include <cxm.h>

#include "check_run.h"

START_TEST(peak_end_published_cases)
{
    double v;
    const double colonoscopy_short[] = { 2, 4, 6, 7, 8, 8 };
    const double colonoscopy_long[] = { 2, 4, 6, 7, 8, 8, 7.5, 7, 6.5 };
    const double valences[] = { +1, -3, +2, +4, +1 };
    ck_assert_int_eq(cxm_peak_end(&v, 6, colonoscopy_short), CXM_OK);
    ck_assert_double_eq(v, 8.0);
    ck_assert_int_eq(cxm_peak_end(&v, 9, colonoscopy_long), CXM_OK);
    ck_assert_double_eq(v, 7.25);
    ck_assert_int_eq(cxm_peak_end(&v, 5, valences), CXM_OK);
    ck_assert_double_eq(v, 2.5);
}
END_TEST

START_TEST(peak_keeps_its_sign_and_the_first_tie_counts)
{
    double v;
    const double bad_peak[] = { 1, -5, 2 }, tie[] = { 3, -3, 0 };
    ck_assert_int_eq(cxm_peak_end(&v, 3, bad_peak), CXM_OK);
    ck_assert_double_eq(v, -1.5);
    ck_assert_int_eq(cxm_peak_end(&v, 3, tie), CXM_OK);
    ck_assert_double_eq(v, 1.5);
    const double single[] = { -2 };
    ck_assert_int_eq(cxm_peak_end(&v, 1, single), CXM_OK);
    ck_assert_double_eq(v, -2);
}
END_TEST

START_TEST(peak_end_many_matches_single)
{
    const double values[] = { 2, 4, 6, 7, 8, 8, 1, -3, 2, 4, 1 };
    const size_t offsets[] = { 0, 6, 11 };
    double dst[2];
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, offsets, values), CXM_OK);
    ck_assert_double_eq(dst[0], 8.0);
    ck_assert_double_eq(dst[1], 2.5);
}
END_TEST

START_TEST(peak_end_errors)
{
    double v, values[3] = { 1, NAN, 2 }, dst[2];
    ck_assert_int_eq(cxm_peak_end(&v, 0, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "an experience needs at least one moment");
    ck_assert_int_eq(cxm_peak_end(&v, 3, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "moment 1: moment must be a finite number, got nan");
    const size_t empty_second[] = { 0, 1, 1 };
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, empty_second, values), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "experience 1: an experience needs at least one moment");
    const size_t decreasing[] = { 0, 1, 0 };
    ck_assert_int_eq(cxm_peak_end_many(dst, 2, decreasing, values), CXM_EINVAL);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "offsets decrease"));
}
END_TEST

int main(void)
{
    Suite *s = suite_create("chain");
    TCase *tc = tcase_create("peak-end");
    tcase_add_test(tc, peak_end_published_cases);
    tcase_add_test(tc, peak_keeps_its_sign_and_the_first_tie_counts);
    tcase_add_test(tc, peak_end_many_matches_single);
    tcase_add_test(tc, peak_end_errors);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
