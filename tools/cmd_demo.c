/* cxm demo: the main job a newcomer runs first. It grows with the library;
 * today it shows what closed-form lifetime value says about retention. */
#include "config.h"

#include <stdio.h>

#include <cxm.h>

#include "cli.h"

static int run_demo(int argc, char **argv);

const cli_command cli_command_demo = {
    "demo",
    "a short tour of what libcxm computes, on built-in data",
    "usage: cxm demo\n"
    "\n"
    "Prints a short report computed on built-in example data: lifetime value\n"
    "by retention rate, how sensitive it is to retention, the value of a\n"
    "five-year horizon and the equity of a customer base built over three years.\n",
    run_demo,
};

static int run_demo(int argc, char **argv)
{
    if (argc > 1)
        return cli_usage_error("demo", "unexpected argument '%s'", argv[1]);

    const double margin = 100.0, discount = 0.12;
    static const double retention[] = { 0.60, 0.70, 0.80, 0.85, 0.90, 0.95 };
    enum { N = sizeof retention / sizeof retention[0] };
    double margins[N], discounts[N], end[N], prepaid[N], elasticity[N], five_years[N];
    for (int i = 0; i < N; i++) {
        margins[i] = margin;
        discounts[i] = discount;
    }
    int status = cxm_clv_retention_many(end, N, margins, retention, discounts, CXM_CASH_END);
    if (status == CXM_OK)
        status = cxm_clv_retention_many(prepaid, N, margins, retention, discounts, CXM_CASH_START);
    if (status == CXM_OK)
        status = cxm_clv_elasticity_many(elasticity, N, retention, discounts, CXM_CASH_END);
    for (int i = 0; status == CXM_OK && i < N; i++)
        status = cxm_clv_horizon(&five_years[i], margin, retention[i], discount, 5, CXM_CASH_END);
    if (status != CXM_OK)
        return cli_library_error("demo", status, false);

    printf("libcxm %s demo\n\n", cxm_version_string());
    printf("Lifetime value of a customer worth %.0f a year, money at %.0f%% a year\n",
           margin, discount * 100);
    printf("(Gupta & Lehmann 2003: CLV = m*r/(1+d-r))\n\n");
    printf("  retention   CLV (end)   CLV (prepaid)   5-year CLV   elasticity\n");
    for (int i = 0; i < N; i++)
        printf("  %8.0f%%   %9.2f   %13.2f   %10.2f   %10.2f\n", retention[i] * 100, end[i],
               prepaid[i], five_years[i], elasticity[i]);
    printf("\nAt 80%% retention, a 1%% rise in retention raises lifetime value by %.1f%%:\n"
           "keeping customers pays more than the margin table suggests.\n",
           elasticity[2]);

    static const double cohort_size[] = { 1000, 1200, 1400 };
    static const double acquisition_cost[] = { 120, 120, 120 };
    const double cohort_clv[] = { end[2], end[2], end[2] };
    double equity;
    status = cxm_customer_equity(&equity, 3, cohort_size, cohort_clv, acquisition_cost, discount);
    if (status != CXM_OK)
        return cli_library_error("demo", status, false);
    printf("\nCustomer equity of three yearly cohorts (1000, 1200, 1400 customers,\n"
           "acquired at 120 each, CLV %.2f): %.0f\n",
           end[2], equity);
    return CLI_EXIT_OK;
}
