/* Allocator hooks seen from the public API. */
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "suites.h"

static void *never_used_malloc(size_t size, void *user_data)
{
    (void)size;
    (void)user_data;
    return NULL;
}

START_TEST(allocator_needs_all_three_functions_or_none)
{
    ck_assert_cxm_fails(cxm_set_allocator(never_used_malloc, NULL, NULL, NULL), CXM_EINVAL,
                        "needs all three functions");
    ck_assert_cxm_ok(cxm_set_allocator(NULL, NULL, NULL, NULL));
    cxm_free(NULL);
}
END_TEST

START_TEST(closed_forms_never_allocate)
{
    /* Pure arithmetic must work even when no memory can be had. */
    chaos_allocator chaos;
    chaos_install(&chaos, -1);
    double v, m[2] = { 100, 100 }, r[2] = { 0.8, 0.9 }, d[2] = { 0.12, 0.12 }, dst[2];
    ck_assert_cxm_ok(cxm_clv_retention(&v, 100, 0.8, 0.12, CXM_CASH_END));
    ck_assert_cxm_ok(cxm_clv_elasticity(&v, 0.8, 0.12, CXM_CASH_END));
    ck_assert_cxm_ok(cxm_clv_horizon(&v, 100, 0.8, 0.12, 10, CXM_CASH_END));
    ck_assert_cxm_ok(cxm_clv_retention_many(dst, 2, m, r, d, CXM_CASH_START));
    ck_assert_cxm_ok(cxm_clv_elasticity_many(dst, 2, r, d, CXM_CASH_START));
    ck_assert_cxm_ok(cxm_clv_horizon_many(dst, 2, m, r, d, 3, CXM_CASH_START));
    ck_assert_cxm_ok(cxm_clv_schedule(&v, 2, m, r, 0.1, CXM_CASH_END));
    ck_assert_cxm_ok(cxm_customer_equity(&v, 2, m, r, d, 0.1));
    chaos_uninstall();
    ck_assert_int_eq(chaos.calls, 0);
}
END_TEST

Suite *alloc_suite(void)
{
    Suite *s = suite_create("allocator");
    TCase *tc = tcase_create("allocator");
    tcase_add_test(tc, allocator_needs_all_three_functions_or_none);
    tcase_add_test(tc, closed_forms_never_allocate);
    suite_add_tcase(s, tc);
    return s;
}
