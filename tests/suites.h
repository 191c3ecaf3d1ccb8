/* The Check suites linked into tests/check_cxm. */
#ifndef CXM_TESTS_SUITES_H
#define CXM_TESTS_SUITES_H

#include <check.h>

Suite *core_suite(void);
Suite *clv_suite(void);
Suite *alloc_suite(void);
Suite *write_suite(void);
Suite *options_suite(void);

/* Assert that a libcxm status is CXM_OK, showing the library's message if not. */
#define ck_assert_cxm_ok(expr)                                                              \
    do {                                                                                    \
        int status_ = (expr);                                                               \
        ck_assert_msg(status_ == CXM_OK, "%s returned %d: %s", #expr, status_,              \
                      cxm_error_message());                                                 \
    } while (0)

/* Assert that a call fails with the given status and that its message contains text. */
#define ck_assert_cxm_fails(expr, expected_status, text)                                    \
    do {                                                                                    \
        int status_ = (expr);                                                               \
        ck_assert_msg(status_ == (expected_status), "%s returned %d, expected %d (%s)",      \
                      #expr, status_, (expected_status), cxm_error_message());              \
        ck_assert_msg(strstr(cxm_error_message(), (text)) != NULL,                          \
                      "message '%s' lacks '%s'", cxm_error_message(), (text));              \
    } while (0)

#endif
