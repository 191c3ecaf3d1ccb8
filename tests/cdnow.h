/* The CDNOW sample for the C tests: tests/data/cdnow_customers_summary_with_transactions.csv
 * (lifetimes, MIT): ID, x, t_x, T, zbar; 2,357 customers, 39 weeks. */
#ifndef CXM_TESTS_CDNOW_H
#define CXM_TESTS_CDNOW_H

enum { CDNOW_N = 2357 };
/* Repeat purchases, recency, age and mean repeat spend, in file order. */
extern double cd_x[CDNOW_N], cd_tx[CDNOW_N], cd_T[CDNOW_N], cd_m[CDNOW_N];

/* Read the file once (a Check assertion fails the test when it cannot). */
void load_cdnow(void);

#endif
