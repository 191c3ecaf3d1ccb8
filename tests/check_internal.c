/* Internal helpers (hidden in libcxm.so): messages, allocation and the chaos harness itself. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "core/internal.h"

START_TEST(fail_formats_and_prefix_prepends)
{
    ck_assert_int_eq(cxm__fail(CXM_EPARSE, "line %d: bad '%s'", 3, "x"), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "line 3: bad 'x'");
    ck_assert_int_eq(cxm__fail_prefix("%s:", "data.csv"), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "data.csv:line 3: bad 'x'");
}
END_TEST

START_TEST(long_messages_are_truncated_not_overflowed)
{
    char big[4000];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    cxm__fail(CXM_EINVAL, "%s", big);
    ck_assert_uint_eq(strlen(cxm_error_message()), 1023);
    cxm__fail_prefix("%s", big);
    ck_assert_uint_eq(strlen(cxm_error_message()), 1023);
}
END_TEST

START_TEST(argument_checks)
{
    ck_assert_int_eq(cxm__check_positive(0.0, "rate"), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "rate 0 must be greater than 0");
    ck_assert_int_eq(cxm__check_positive(1e-300, "rate"), CXM_OK);
    ck_assert_int_eq(cxm__check_finite(-1.0 / 0.0, "x"), CXM_EINVAL);
    ck_assert_int_eq(cxm__check_probability(1.0, "p"), CXM_OK);
    ck_assert_int_eq(cxm__check_pointer(NULL, "buffer"), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "buffer must not be NULL");
}
END_TEST

START_TEST(size_overflow_is_out_of_memory)
{
    ck_assert_ptr_null(cxm__calloc(SIZE_MAX / 2, 4));
    ck_assert_int_eq(cxm_error_status(), CXM_ENOMEM);
    ck_assert_ptr_null(cxm__reallocarray(NULL, SIZE_MAX / 8, 16));
    ck_assert_int_eq(cxm_error_status(), CXM_ENOMEM);
    int *zeroed = cxm__calloc(10, sizeof *zeroed);
    ck_assert_ptr_nonnull(zeroed);
    for (int i = 0; i < 10; i++)
        ck_assert_int_eq(zeroed[i], 0);
    cxm__free(zeroed);
}
END_TEST

START_TEST(allocations_go_through_the_hooks)
{
    chaos_allocator chaos;
    chaos_install(&chaos, 0);
    char *copy = cxm__strdup("touchpoint");
    ck_assert_str_eq(copy, "touchpoint");
    copy = cxm__realloc(copy, 100);
    ck_assert_ptr_nonnull(copy);
    ck_assert_int_eq(chaos.live, 1);
    cxm_free(copy);
    chaos_uninstall();
    ck_assert_int_eq(chaos.calls, 2);
    ck_assert_int_eq(chaos.live, 0);
}
END_TEST

START_TEST(failed_realloc_keeps_the_block)
{
    chaos_allocator chaos;
    chaos_install(&chaos, 2);
    char *block = cxm__strdup("keep me");
    ck_assert_ptr_null(cxm__realloc(block, 1 << 20));
    ck_assert_int_eq(cxm_error_status(), CXM_ENOMEM);
    ck_assert_str_eq(block, "keep me");
    cxm__free(block);
    chaos_uninstall();
    ck_assert_int_eq(chaos.live, 0);
}
END_TEST

/* Three allocations, released on every path: the harness must walk all three. */
static int three_blocks(void *context)
{
    (void)context;
    char *a = cxm__strdup("a");
    char *b = a ? cxm__malloc(8) : NULL;
    char *c = b ? cxm__calloc(4, 4) : NULL;
    int status = c ? CXM_OK : cxm_error_status();
    cxm__free(c);
    cxm__free(b);
    cxm__free(a);
    return status;
}

START_TEST(chaos_harness_walks_every_allocation)
{
    ck_assert_int_eq(chaos_run(three_blocks, NULL, "three blocks"), 3);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("internal");
    TCase *tc = tcase_create("internal");
    tcase_add_test(tc, fail_formats_and_prefix_prepends);
    tcase_add_test(tc, long_messages_are_truncated_not_overflowed);
    tcase_add_test(tc, argument_checks);
    tcase_add_test(tc, size_overflow_is_out_of_memory);
    tcase_add_test(tc, allocations_go_through_the_hooks);
    tcase_add_test(tc, failed_realloc_keeps_the_block);
    tcase_add_test(tc, chaos_harness_walks_every_allocation);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
