/* A main() for a Check program with one suite. */
#ifndef CXM_TESTS_CHECK_RUN_H
#define CXM_TESTS_CHECK_RUN_H

#include <check.h>
#include <stdlib.h>

static inline int cxm_check_run(Suite *suite)
{
    SRunner *runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
