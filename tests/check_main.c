/* Runs every Check suite of the public API. */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
    SRunner *runner = srunner_create(core_suite());
    srunner_add_suite(runner, clv_suite());
    srunner_add_suite(runner, alloc_suite());
    srunner_add_suite(runner, write_suite());
    srunner_add_suite(runner, options_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
