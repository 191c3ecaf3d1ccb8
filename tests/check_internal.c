/* Internal helpers (hidden in libcxm.so): messages, allocation and the chaos harness itself. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "core/internal.h"
#include "core/pipeline.h"

START_TEST(fail_formats_and_prefix_prepends)
{
    ck_assert_int_eq(cxm__fail(CXM_EPARSE, "line %d: bad '%s'", 3, "x"), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "line 3: bad 'x'");
    ck_assert_int_eq(cxm__fail_prefix("%s:", "data.csv"), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(), "data.csv:line 3: bad 'x'");
}
END_TEST

START_TEST(prefix_with_a_new_status)
{
    cxm__fail(CXM_EINVAL, "parameter r = -1 must be greater than 0");
    ck_assert_int_eq(cxm__fail_prefix_status(CXM_EPARSE, "model JSON: %s: ", "'parameters'"),
                     CXM_EPARSE);
    ck_assert_int_eq(cxm_error_status(), CXM_EPARSE);
    ck_assert_str_eq(cxm_error_message(),
                     "model JSON: 'parameters': parameter r = -1 must be greater than 0");
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


/* A chunk of numbers; apply appends them to a log so that order can be checked. */
typedef struct { size_t n; int values[16]; } int_chunk;
typedef struct { int log[1000]; size_t n; int fail_at; } int_sink;

static int apply_ints(void *context, void *chunk)
{
    int_sink *sink = context;
    int_chunk *c = chunk;
    for (size_t i = 0; i < c->n; i++) {
        if (c->values[i] == sink->fail_at)
            return cxm__fail(CXM_EPARSE, "value %d is bad", c->values[i]);
        sink->log[sink->n++] = c->values[i];
    }
    c->n = 0;
    return CXM_OK;
}

static int feed_ints(int_sink *sink, unsigned threads, int count, int long_at)
{
    cxm__pipeline p;
    int status = cxm__pipeline_start(&p, sizeof(int_chunk), threads, apply_ints, sink);
    for (int v = 0; status == CXM_OK && v < count; v++) {
        int_chunk *c = cxm__pipeline_chunk(&p);
        if (v == long_at) {
            /* A row too large for a chunk: applied here once everything before it is. */
            if (c->n > 0)
                status = cxm__pipeline_submit(&p);
            if (status == CXM_OK)
                status = cxm__pipeline_wait(&p);
            if (status == CXM_OK)
                sink->log[sink->n++] = v;
            continue;
        }
        if (c->n == 16) {
            if ((status = cxm__pipeline_submit(&p)) != CXM_OK)
                break;
            c = cxm__pipeline_chunk(&p);
        }
        c->values[c->n++] = v;
    }
    int_chunk *c = cxm__pipeline_chunk(&p);
    return cxm__pipeline_finish(&p, status, status == CXM_OK, c && c->n > 0);
}

START_TEST(pipeline_keeps_input_order_with_and_without_a_helper)
{
    for (unsigned threads = 1; threads <= 2; threads++) {
        int_sink sink = { .n = 0, .fail_at = -1 };
        ck_assert_int_eq(feed_ints(&sink, threads, 999, 500), CXM_OK);
        ck_assert_uint_eq(sink.n, 999);
        for (int v = 0; v < 999; v++)
            ck_assert_int_eq(sink.log[v], v);
        int_sink failing = { .n = 0, .fail_at = 700 };
        ck_assert_int_eq(feed_ints(&failing, threads, 999, -1), CXM_EPARSE);
        ck_assert_str_eq(cxm_error_message(), "value 700 is bad");
        ck_assert_uint_eq(failing.n, 700);
    }
}
END_TEST

/* A struct at version 2: version 1 had a and b, version 2 added c, which
 * fits in version 1's tail padding. */
typedef struct grown_options {
    unsigned version;
    int a;
    double b;
    int c; /* version 2 */
} grown_options;

static const size_t grown_sizes[2] = { CXM__FIELDS_END(grown_options, b),
                                       CXM__FIELDS_END(grown_options, c) };

START_TEST(options_of_an_older_version)
{
    /* Reading: a version-1 caller's a and b over the defaults, c stays the default. */
    grown_options given = { 1, 5, 2.5, 99 }, dst = { 2, 0, 0.0, 7 };
    ck_assert_int_eq(cxm__options_read(&dst, &given, grown_sizes, 2, "grown_options"), CXM_OK);
    ck_assert(dst.version == 2 && dst.a == 5 && dst.b == 2.5 && dst.c == 7);
    given.version = 2;
    ck_assert_int_eq(cxm__options_read(&dst, &given, grown_sizes, 2, "grown_options"), CXM_OK);
    ck_assert_int_eq(dst.c, 99);
    ck_assert_int_eq(cxm__options_read(&dst, NULL, grown_sizes, 2, "grown_options"), CXM_OK);
    for (unsigned bad = 0; bad <= 3; bad += 3) {
        given.version = bad;
        ck_assert_int_eq(cxm__options_read(&dst, &given, grown_sizes, 2, "grown_options"),
                         CXM_EINVAL);
    }
    ck_assert_str_eq(cxm_error_message(),
                     "grown_options version 3 is not supported (this library knows 1..2)");
    /* Writing: a version-1 caller gets a and b; c (its padding) is not touched. */
    grown_options full = { 2, 1, 0.5, 3 }, caller = { 1, 0, 0.0, -1 };
    ck_assert_int_eq(cxm__options_write(&caller, &full, grown_sizes, 2, "grown_options"), CXM_OK);
    ck_assert(caller.version == 1 && caller.a == 1 && caller.b == 0.5 && caller.c == -1);
    caller.version = 0;
    ck_assert_int_eq(cxm__options_write(&caller, &full, grown_sizes, 2, "grown_options"),
                     CXM_EINVAL);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("internal");
    TCase *tc = tcase_create("internal");
    tcase_add_test(tc, fail_formats_and_prefix_prepends);
    tcase_add_test(tc, prefix_with_a_new_status);
    tcase_add_test(tc, long_messages_are_truncated_not_overflowed);
    tcase_add_test(tc, argument_checks);
    tcase_add_test(tc, size_overflow_is_out_of_memory);
    tcase_add_test(tc, allocations_go_through_the_hooks);
    tcase_add_test(tc, failed_realloc_keeps_the_block);
    tcase_add_test(tc, chaos_harness_walks_every_allocation);
    tcase_add_test(tc, pipeline_keeps_input_order_with_and_without_a_helper);
    tcase_add_test(tc, options_of_an_older_version);
    suite_add_tcase(s, tc);
    SRunner *runner = srunner_create(s);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
