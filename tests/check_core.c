/* Version, status codes and the thread-local error message. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include <cxm.h>

#include "suites.h"

START_TEST(version_matches_headers)
{
    char expected[32];
    snprintf(expected, sizeof expected, "%d.%d.%d", CXM_VERSION_MAJOR, CXM_VERSION_MINOR,
             CXM_VERSION_PATCH);
    ck_assert_str_eq(cxm_version_string(), expected);
    ck_assert_str_eq(cxm_version_string(), CXM_VERSION_STRING);
    ck_assert_int_eq(cxm_version_number(), CXM_VERSION_NUMBER);
    ck_assert_int_eq(cxm_version_number(),
                     CXM_VERSION_MAJOR * 10000 + CXM_VERSION_MINOR * 100 + CXM_VERSION_PATCH);
}
END_TEST

START_TEST(every_status_has_a_distinct_name)
{
    static const int codes[] = { CXM_OK, CXM_EINVAL, CXM_ENOMEM, CXM_EDOMAIN, CXM_EIO,
                                 CXM_EPARSE, CXM_ECONVERGE, CXM_ESTATE, CXM_EUNSUPPORTED,
                                 CXM_ERANGE, CXM_ENOTFOUND };
    enum { N = sizeof codes / sizeof codes[0] };
    for (int i = 0; i < N; i++) {
        ck_assert_int_eq(codes[i], -i); /* stable values: 0, -1, -2, ... */
        ck_assert_str_ne(cxm_strerror(codes[i]), "unknown status");
        for (int j = 0; j < i; j++)
            ck_assert_str_ne(cxm_strerror(codes[i]), cxm_strerror(codes[j]));
    }
    ck_assert_str_eq(cxm_strerror(CXM_OK), "success");
    ck_assert_str_eq(cxm_strerror(CXM_EINVAL), "invalid argument");
    ck_assert_str_eq(cxm_strerror(1), "unknown status");
    ck_assert_str_eq(cxm_strerror(-1000), "unknown status");
}
END_TEST

START_TEST(failure_sets_message_and_status_until_cleared)
{
    double value;
    cxm_error_clear();
    ck_assert_str_eq(cxm_error_message(), "");
    ck_assert_int_eq(cxm_error_status(), CXM_OK);
    ck_assert_int_eq(cxm_clv_retention(&value, 100, 1.5, 0.12, CXM_CASH_END), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "retention 1.5 is outside [0, 1]");
    ck_assert_int_eq(cxm_error_status(), CXM_EINVAL);
    /* A later success leaves the last failure readable. */
    ck_assert_cxm_ok(cxm_clv_retention(&value, 100, 0.8, 0.12, CXM_CASH_END));
    ck_assert_str_eq(cxm_error_message(), "retention 1.5 is outside [0, 1]");
    cxm_error_clear();
    ck_assert_str_eq(cxm_error_message(), "");
    ck_assert_int_eq(cxm_error_status(), CXM_OK);
}
END_TEST

typedef struct {
    double retention;
    pthread_barrier_t *barrier;
    char message[256];
} thread_case;

static void *fail_in_thread(void *arg)
{
    thread_case *tc = arg;
    double value;
    cxm_clv_retention(&value, 100, tc->retention, 0.12, CXM_CASH_END);
    /* Both threads have failed before either reads its message. */
    pthread_barrier_wait(tc->barrier);
    snprintf(tc->message, sizeof tc->message, "%s", cxm_error_message());
    return NULL;
}

START_TEST(messages_are_thread_local)
{
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, 2);
    thread_case a = { 2.0, &barrier, "" }, b = { -3.0, &barrier, "" };
    pthread_t ta, tb;
    ck_assert_int_eq(pthread_create(&ta, NULL, fail_in_thread, &a), 0);
    ck_assert_int_eq(pthread_create(&tb, NULL, fail_in_thread, &b), 0);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    pthread_barrier_destroy(&barrier);
    ck_assert_str_eq(a.message, "retention 2 is outside [0, 1]");
    ck_assert_str_eq(b.message, "retention -3 is outside [0, 1]");
}
END_TEST

Suite *core_suite(void)
{
    Suite *s = suite_create("core");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, version_matches_headers);
    tcase_add_test(tc, every_status_has_a_distinct_name);
    tcase_add_test(tc, failure_sets_message_and_status_until_cleared);
    tcase_add_test(tc, messages_are_thread_local);
    suite_add_tcase(s, tc);
    return s;
}
