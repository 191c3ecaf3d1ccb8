/* Attribution through the public API: docs/models.md §2.3 exact values, a dense
 * brute-force solve written here independently of the library, invariants,
 * errors and out-of-memory behaviour. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"

#define EXACT(got, expected) ck_assert_double_eq_tol((got), (expected), 1e-12)

static double number(const cxm_table *t, size_t row, const char *column)
{
    double v = NAN;
    int status = cxm_table_number(&v, t, row, column);
    ck_assert_msg(status == CXM_OK, "%s: %s", column, cxm_error_message());
    return v;
}

static double scalar(const cxm_table *t, const char *name)
{
    double v = NAN;
    int status = cxm_table_scalar(&v, t, name);
    ck_assert_msg(status == CXM_OK, "%s: %s", name, cxm_error_message());
    return v;
}

/* The row of a channel (or label) in a table's first text column. */
static size_t row_of(const cxm_table *t, const char *column, const char *label)
{
    for (size_t i = 0; i < cxm_table_rows(t); i++)
        if (strcmp(cxm_table_text(t, i, column), label) == 0)
            return i;
    ck_abort_msg("no row '%s'", label);
    return 0;
}

/* docs/models.md §2.3: A>B 3/2, B 1/4, A>C 2/1, C>B>C 1/1, A>A>C 1/1. */
static cxm_paths *models_paths(void)
{
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > B", 3, 2, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "B", 1, 4, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > C", 2, 1, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "C > B > C", 1, 1, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A>A>C", 1, 1, 0), CXM_OK);
    return p;
}

START_TEST(models_order_1)
{
    cxm_paths *p = models_paths();
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_table_rows(t), 3);
    EXACT(scalar(t, "conversion_probability"), 8.0 / 17);
    size_t a = row_of(t, "channel", "A"), b = row_of(t, "channel", "B"),
           c = row_of(t, "channel", "C");
    EXACT(number(t, a, "removal_effect"), 125.0 / 208);
    EXACT(number(t, b, "removal_effect"), 11.0 / 18);
    EXACT(number(t, c, "removal_effect"), 7.0 / 12);
    EXACT(number(t, a, "conversions"), 9000.0 / 3361);
    EXACT(number(t, b, "conversions"), 9152.0 / 3361);
    EXACT(number(t, c, "conversions"), 8736.0 / 3361);
    ck_assert_double_eq_tol(number(t, a, "conversions"), 2.677774, 5e-7);
    ck_assert_double_eq_tol(number(t, b, "conversions"), 2.722999, 5e-7);
    ck_assert_double_eq_tol(number(t, c, "conversions"), 2.599226, 5e-7);
    EXACT(scalar(t, "total_conversions"), 8);
    EXACT(scalar(t, "paths"), 17);
    /* A > A > C: one repeated touch of weight 2 collapsed, and said so */
    EXACT(scalar(t, "self_loop_weight"), 2);
    ck_assert(scalar(t, "solver_error_bound") <= 1e-14);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(models_order_2)
{
    cxm_paths *p = models_paths();
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = 2;
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
    size_t a = row_of(t, "channel", "A"), b = row_of(t, "channel", "B"),
           c = row_of(t, "channel", "C");
    EXACT(scalar(t, "conversion_probability"), 8.0 / 17);
    EXACT(number(t, a, "removal_effect"), 3.0 / 4);
    EXACT(number(t, b, "removal_effect"), 5.0 / 8);
    EXACT(number(t, c, "removal_effect"), 1.0 / 2);
    EXACT(number(t, a, "conversions"), 16.0 / 5);
    EXACT(number(t, b, "conversions"), 8.0 / 3);
    EXACT(number(t, c, "conversions"), 32.0 / 15);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(models_without_nulls)
{
    cxm_paths *p = models_paths();
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.use_nulls = 0;
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
    EXACT(scalar(t, "conversion_probability"), 1.0);
    EXACT(number(t, row_of(t, "channel", "A"), "conversions"), 40.0 / 13);
    EXACT(number(t, row_of(t, "channel", "B"), "conversions"), 32.0 / 13);
    EXACT(number(t, row_of(t, "channel", "C"), "conversions"), 32.0 / 13);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(models_three_paths)
{
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, ">"), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "C1 > C2 > C3", 1, 0, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "C1", 0, 1, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "C2 > C3", 0, 1, 0), CXM_OK);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    EXACT(number(t, 0, "removal_effect"), 0.5);
    EXACT(number(t, 1, "removal_effect"), 1.0);
    EXACT(number(t, 2, "removal_effect"), 1.0);
    EXACT(number(t, 0, "conversions"), 0.2);
    EXACT(number(t, 1, "conversions"), 0.4);
    EXACT(number(t, 2, "conversions"), 0.4);
    EXACT(scalar(t, "conversion_probability"), 1.0 / 3);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(models_heuristics)
{
    cxm_paths *p = models_paths();
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, NULL), CXM_OK);
    size_t a = row_of(t, "channel", "A"), b = row_of(t, "channel", "B"),
           c = row_of(t, "channel", "C");
    EXACT(number(t, a, "first_touch"), 6);
    EXACT(number(t, b, "first_touch"), 1);
    EXACT(number(t, c, "first_touch"), 1);
    EXACT(number(t, a, "last_touch"), 0);
    EXACT(number(t, b, "last_touch"), 4);
    EXACT(number(t, c, "last_touch"), 4);
    EXACT(number(t, a, "linear"), 19.0 / 6);
    EXACT(number(t, b, "linear"), 17.0 / 6);
    EXACT(number(t, c, "linear"), 2);
    EXACT(number(t, a, "position_based"), 31.0 / 10);
    EXACT(number(t, b, "position_based"), 27.0 / 10);
    EXACT(number(t, c, "position_based"), 11.0 / 5);
    ck_assert(isnan(number(t, a, "time_decay"))); /* no touch times */
    cxm_table_free(t);
    ck_assert_int_eq(cxm_attribution_shapley(&t, p), CXM_OK);
    EXACT(number(t, a, "shapley"), 3);
    EXACT(number(t, b, "shapley"), 3);
    EXACT(number(t, c, "shapley"), 2);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(position_weights_configurable)
{
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "a > b > c > d", 10, 0, 0), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "a > b", 1, 0, 0), CXM_OK);
    cxm_heuristic_options o = CXM_HEURISTIC_OPTIONS_INIT;
    o.first_weight = 0.3;
    o.middle_weight = 0.4;
    o.last_weight = 0.3;
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, &o), CXM_OK);
    EXACT(number(t, 0, "position_based"), 3 + 0.5);
    EXACT(number(t, 1, "position_based"), 2 + 0.5);
    EXACT(number(t, 2, "position_based"), 2);
    EXACT(number(t, 3, "position_based"), 3);
    cxm_table_free(t);
    o.first_weight = o.middle_weight = o.last_weight = 0;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, &o), CXM_EINVAL);
    ck_assert_ptr_null(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(time_decay_half_life)
{
    /* docs/models.md §2.3: touches 14, 7 and 0 days before conversion, h = 7 days */
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    const char *touches[] = { "x", "y", "z" };
    const double ages[] = { 14, 7, 0 };
    ck_assert_int_eq(cxm_paths_add_touches(p, 3, touches, ages, 1, 0, 70), CXM_OK);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, NULL), CXM_OK);
    EXACT(number(t, 0, "time_decay"), 1.0 / 7);
    EXACT(number(t, 1, "time_decay"), 2.0 / 7);
    EXACT(number(t, 2, "time_decay"), 4.0 / 7);
    EXACT(number(t, 2, "time_decay_value"), 40);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(value_attribution)
{
    /* Every conversion worth 10: value removal effects equal the conversion ones. */
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > B", 3, 2, 30), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "B", 1, 4, 10), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > C", 2, 1, 20), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "C > B > C", 1, 1, 10), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > A > C", 1, 1, 10), CXM_OK);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    EXACT(scalar(t, "expected_value"), 80.0 / 17);
    EXACT(number(t, 0, "value_removal_effect"), 125.0 / 208);
    EXACT(number(t, 0, "value"), 90000.0 / 3361);
    cxm_table_free(t);
    cxm_paths_free(p);
    /* Unequal values: at order 1 the expected value is total value / paths. */
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "A > B", 1, 1, 100), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "B", 1, 1, 1), CXM_OK);
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    EXACT(scalar(t, "expected_value"), 101.0 / 4);
    /* Removing A leaves the B paths: P(conv via B) = 1/2 of 2 of 4 paths, mean value 50.5 */
    EXACT(number(t, 0, "value_removal_effect"), 1 - (2.0 / 4 * 0.5 * 50.5) / (101.0 / 4));
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(transition_matrix)
{
    cxm_paths *p = models_paths();
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_transitions(&t, p, NULL), CXM_OK);
    int found = 0;
    for (size_t i = 0; i < cxm_table_rows(t); i++) {
        const char *from = cxm_table_text(t, i, "from"), *to = cxm_table_text(t, i, "to");
        ck_assert_str_ne(from, to); /* self-loops collapsed */
        if (strcmp(from, "(start)") == 0 && strcmp(to, "A") == 0) {
            EXACT(number(t, i, "weight"), 10);
            EXACT(number(t, i, "probability"), 10.0 / 17);
            found++;
        }
        if (strcmp(from, "B") == 0 && strcmp(to, "(null)") == 0) {
            EXACT(number(t, i, "probability"), 6.0 / 12);
            found++;
        }
    }
    ck_assert_int_eq(found, 2);
    cxm_table_free(t);
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.keep_self_loops = 1;
    ck_assert_int_eq(cxm_attribution_transitions(&t, p, &o), CXM_OK);
    found = 0;
    for (size_t i = 0; i < cxm_table_rows(t); i++)
        if (strcmp(cxm_table_text(t, i, "from"), "A") == 0 &&
            strcmp(cxm_table_text(t, i, "to"), "A") == 0) {
            EXACT(number(t, i, "probability"), 2.0 / 12);
            found++;
        }
    ck_assert_int_eq(found, 1);
    cxm_table_free(t);
    o.order = 2;
    ck_assert_int_eq(cxm_attribution_transitions(&t, p, &o), CXM_OK);
    found = 0;
    for (size_t i = 0; i < cxm_table_rows(t); i++)
        if (strcmp(cxm_table_text(t, i, "from"), "C > B") == 0 &&
            strcmp(cxm_table_text(t, i, "to"), "B > C") == 0)
            found++;
    ck_assert_int_eq(found, 1);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

/* ------------------------------------------------------------------ brute force */

/* An independent dense implementation of the documented chain: states are
 * strings "(start)" or the last min(i, k) touches joined by '|'; the same
 * state twice in a row is not a step; Gaussian elimination in long double. */
typedef struct bf_path {
    int n;
    int touch[8];
    double conv, nulls;
} bf_path;

enum { BF_MAX = 400 };

static int bf_state(char names[][40], int *count, const char *name)
{
    for (int i = 0; i < *count; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    ck_assert_int_lt(*count, BF_MAX);
    strcpy(names[*count], name);
    return (*count)++;
}

/* P(conversion) from the start with every state containing channel `drop` sent to null. */
static long double bf_probability(const bf_path *paths, int npaths, int order, int drop)
{
    static char names[BF_MAX][40];
    static long double w[BF_MAX][BF_MAX], conv[BF_MAX], out[BF_MAX];
    static long double a[BF_MAX][BF_MAX + 1];
    int count = 0;
    memset(w, 0, sizeof w);
    memset(conv, 0, sizeof conv);
    memset(out, 0, sizeof out);
    bf_state(names, &count, "(start)");
    for (int p = 0; p < npaths; p++) {
        double weight = paths[p].conv + paths[p].nulls;
        int prev = 0;
        for (int i = 0; i < paths[p].n; i++) {
            char name[40] = "";
            int from = i - order + 1 < 0 ? 0 : i - order + 1;
            for (int q = from; q <= i; q++) {
                char part[8];
                snprintf(part, sizeof part, "%s%d", q > from ? "|" : "", paths[p].touch[q]);
                strcat(name, part);
            }
            int s = bf_state(names, &count, name);
            if (s == prev)
                continue;
            w[prev][s] += weight;
            out[prev] += weight;
            prev = s;
        }
        conv[prev] += paths[p].conv;
        out[prev] += weight;
    }
    /* (I - Q) x = r over all states; removed states: x = 0 */
    for (int i = 0; i < count; i++) {
        int removed = 0;
        char digit[8];
        snprintf(digit, sizeof digit, "%d", drop);
        if (i > 0 && drop >= 0) {
            char copy[40];
            strcpy(copy, names[i]);
            for (char *tok = strtok(copy, "|"); tok; tok = strtok(NULL, "|"))
                if (strcmp(tok, digit) == 0)
                    removed = 1;
        }
        for (int j = 0; j <= count; j++)
            a[i][j] = 0;
        a[i][i] = 1;
        if (removed || out[i] == 0)
            continue;
        for (int j = 0; j < count; j++)
            a[i][j] -= w[i][j] / out[i];
        a[i][count] = conv[i] / out[i];
    }
    for (int c = 0; c < count; c++) {
        int piv = c;
        for (int r = c + 1; r < count; r++)
            if (fabsl(a[r][c]) > fabsl(a[piv][c]))
                piv = r;
        for (int j = 0; j <= count; j++) {
            long double tmp = a[c][j];
            a[c][j] = a[piv][j];
            a[piv][j] = tmp;
        }
        for (int r = 0; r < count; r++) {
            if (r == c || a[r][c] == 0)
                continue;
            long double f = a[r][c] / a[c][c];
            for (int j = c; j <= count; j++)
                a[r][j] -= f * a[c][j];
        }
    }
    /* the start is row/column 0 after pivoting back: find it by solving order */
    return a[0][count] / a[0][0];
}

START_TEST(brute_force_removal_effects)
{
    unsigned seed = 12345u + (unsigned)_i * 7919u;
    for (int trial = 0; trial < 8; trial++) {
        bf_path paths[30];
        int npaths = 6 + (int)(rand_r(&seed) % 20);
        int nch = 2 + (int)(rand_r(&seed) % 4);
        cxm_paths *p;
        ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
        double total_conv = 0, total = 0;
        for (int q = 0; q < npaths; q++) {
            bf_path *bp = &paths[q];
            bp->n = 1 + (int)(rand_r(&seed) % 6);
            char text[128] = "";
            for (int i = 0; i < bp->n; i++) {
                bp->touch[i] = (int)(rand_r(&seed) % (unsigned)nch);
                char part[16];
                snprintf(part, sizeof part, "%s%d", i ? " > " : "", bp->touch[i]);
                strcat(text, part);
            }
            bp->conv = (double)(rand_r(&seed) % 4);
            bp->nulls = (double)(rand_r(&seed) % 5) + (bp->conv == 0);
            total_conv += bp->conv;
            total += bp->conv + bp->nulls;
            ck_assert_int_eq(cxm_paths_add(p, text, bp->conv, bp->nulls, 0), CXM_OK);
        }
        if (total_conv == 0) {
            cxm_paths_free(p);
            continue;
        }
        for (unsigned order = 1; order <= 3; order++) {
            cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
            o.order = order;
            cxm_table *t;
            ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
            long double base = bf_probability(paths, npaths, (int)order, -1);
            ck_assert_double_eq_tol((double)base, total_conv / total, 1e-13);
            EXACT(scalar(t, "conversion_probability"), (double)base);
            for (size_t r = 0; r < cxm_table_rows(t); r++) {
                int ch = atoi(cxm_table_text(t, r, "channel"));
                long double removed = bf_probability(paths, npaths, (int)order, ch);
                double expected = (double)(1.0L - removed / base);
                ck_assert_msg(fabs(number(t, r, "removal_effect") - expected) < 1e-12,
                              "order %u channel %d: %.17g vs brute force %.17g", order, ch,
                              number(t, r, "removal_effect"), expected);
            }
            cxm_table_free(t);
            /* keeping self-loops changes nothing */
            o.keep_self_loops = 1;
            ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
            for (size_t r = 0; r < cxm_table_rows(t); r++) {
                int ch = atoi(cxm_table_text(t, r, "channel"));
                long double removed = bf_probability(paths, npaths, (int)order, ch);
                EXACT(number(t, r, "removal_effect"), (double)(1.0L - removed / base));
            }
            cxm_table_free(t);
        }
        cxm_paths_free(p);
    }
}
END_TEST

START_TEST(large_component_uses_the_iterative_solver)
{
    /* 12 channels at order 2: the pairs form one component of more than
     * 96 states, solved by the bracketing Gauss-Seidel. Check the
     * invariant P(conv) = conversions / paths and agreement with order 1
     * on a chain that is Markov of order 1 by construction. */
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    unsigned seed = 99;
    double conv = 0, all = 0;
    for (int q = 0; q < 3000; q++) {
        char text[256] = "";
        int n = 1 + (int)(rand_r(&seed) % 9);
        for (int i = 0; i < n; i++) {
            char part[16];
            snprintf(part, sizeof part, "%sc%u", i ? " > " : "", rand_r(&seed) % 12);
            strcat(text, part);
        }
        double c = (rand_r(&seed) % 10) == 0, u = 1 - c;
        conv += c;
        all += c + u;
        ck_assert_int_eq(cxm_paths_add(p, text, c, u, c * 5), CXM_OK);
    }
    for (unsigned order = 1; order <= 4; order++) {
        cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
        o.order = order;
        cxm_table *t;
        ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
        ck_assert_double_eq_tol(scalar(t, "conversion_probability"), conv / all, 1e-13);
        ck_assert_double_eq_tol(scalar(t, "expected_value"), 5 * conv / all, 1e-12);
        ck_assert(scalar(t, "solver_error_bound") < 1e-13);
        double sum = 0;
        for (size_t r = 0; r < cxm_table_rows(t); r++)
            sum += number(t, r, "conversions");
        ck_assert_double_eq_tol(sum, conv, 1e-9);
        cxm_table_free(t);
    }
    cxm_paths_free(p);
}
END_TEST

START_TEST(slow_mixing_falls_back_to_lu)
{
    /* 120 channels in a ring walked for hundreds of steps: the chain is
     * absorbed about once in 300 steps, so the bracketing iteration would
     * need tens of thousands of sweeps; the solver factorises instead
     * (error bound 0) and the invariant P(conv) = conversions/paths holds. */
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    const char *names[120];
    char store[120][8];
    for (int i = 0; i < 120; i++) {
        snprintf(store[i], sizeof store[i], "r%d", i);
        names[i] = store[i];
    }
    const char *touches[400];
    double conv = 0, all = 0;
    for (int q = 0; q < 240; q++) {
        int n = 200 + q % 200;
        for (int i = 0; i < n; i++)
            touches[i] = names[(q + i) % 120];
        double c = (q % 3) == 0;
        conv += c;
        all += 1;
        ck_assert_int_eq(cxm_paths_add_touches(p, (size_t)n, touches, NULL, c, 1 - c, 0), CXM_OK);
    }
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    ck_assert_double_eq_tol(scalar(t, "conversion_probability"), conv / all, 1e-12);
    EXACT(scalar(t, "solver_error_bound"), 0);
    double sum = 0;
    for (size_t r = 0; r < cxm_table_rows(t); r++) {
        double re = number(t, r, "removal_effect");
        ck_assert(re > 0 && re <= 1);
        sum += number(t, r, "conversions");
    }
    ck_assert_double_eq_tol(sum, conv, 1e-9);
    cxm_table_free(t);
    cxm_paths_free(p);
}
END_TEST

START_TEST(paths_are_parsed)
{
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "  search >email>  direct ", 1, 0, 5), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "search > email > direct", 2, 3, 7), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "search", 0, 1, 0), CXM_OK);
    ck_assert_uint_eq(cxm_paths_count(p), 3);
    ck_assert_uint_eq(cxm_paths_channel_count(p), 3);
    const char *texts[] = { "email > search", "email" };
    const double conv[] = { 1, 0 }, nulls[] = { 0, 2 };
    ck_assert_int_eq(cxm_paths_add_many(p, 2, texts, conv, nulls, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_paths_count(p), 5);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, NULL), CXM_OK);
    EXACT(scalar(t, "total_conversions"), 4);
    EXACT(scalar(t, "total_value"), 12);
    EXACT(number(t, 0, "first_touch"), 3);
    EXACT(number(t, 0, "first_touch_value"), 12);
    cxm_table_free(t);
    cxm_paths_free(p);
    /* other separators */
    ck_assert_int_eq(cxm_paths_create(&p, "→"), CXM_OK);
    ck_assert_int_eq(cxm_paths_add(p, "a → b → a", 1, 0, 0), CXM_OK);
    ck_assert_uint_eq(cxm_paths_channel_count(p), 2);
    cxm_paths_free(p);
}
END_TEST

START_TEST(errors)
{
    cxm_paths *p;
    cxm_table *t = (cxm_table *)1;
    ck_assert_int_eq(cxm_paths_create(&p, ""), CXM_EINVAL);
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_EDOMAIN);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(cxm_error_message(), "there are no paths");
    ck_assert_int_eq(cxm_paths_add(p, "a > > b", 1, 0, 0), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "touch 2 of 'a > > b' is empty");
    ck_assert_int_eq(cxm_paths_add(p, "  ", 1, 0, 0), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "the path is empty");
    ck_assert_int_eq(cxm_paths_add(p, "a", -1, 0, 0), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "conversions -1 must not be negative");
    ck_assert_int_eq(cxm_paths_add(p, "a", 0, 1, 5), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "value 5 without conversions");
    ck_assert_int_eq(cxm_paths_add(p, "a", NAN, 1, 0), CXM_EINVAL);
    const char *texts[] = { "a", "b >" };
    const double conv[] = { 0, 1 };
    ck_assert_int_eq(cxm_paths_add_many(p, 2, texts, conv, NULL, NULL), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "path 1: touch 2 of 'b >' is empty");
    ck_assert_uint_eq(cxm_paths_count(p), 1);
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_EDOMAIN);
    ck_assert_str_eq(cxm_error_message(), "the paths have no conversions: nothing to attribute");
    ck_assert_int_eq(cxm_paths_add(p, "a", 1, 0, 0), CXM_OK);
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = 5;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "order 5 is outside 1..4");
    o.order = 1;
    o.version = 99;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_EINVAL);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "version 99"));
    const char *bad[] = { "x", "" };
    ck_assert_int_eq(cxm_paths_add_touches(p, 2, bad, NULL, 1, 0, 0), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "touch 2 is empty");
    const double ages[] = { 1, -1 };
    ck_assert_int_eq(cxm_paths_add_touches(p, 2, texts, ages, 1, 0, 0), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "touch 2: age -1 must not be negative");
    ck_assert_int_eq(cxm_attribution_markov(NULL, p, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_attribution_markov(&t, NULL, NULL), CXM_EINVAL);
    cxm_paths_free(p);
    cxm_paths_free(NULL);
}
END_TEST

START_TEST(table_access)
{
    cxm_paths *p = models_paths();
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_table_columns(t), 5);
    ck_assert_str_eq(cxm_table_column_name(t, 0), "channel");
    ck_assert_int_eq(cxm_table_column_type(t, 0), CXM_COLUMN_TEXT);
    ck_assert_int_eq(cxm_table_column_type(t, 1), CXM_COLUMN_NUMBER);
    ck_assert_ptr_null(cxm_table_column_name(t, 99));
    size_t j;
    ck_assert_int_eq(cxm_table_find(&j, t, "conversions"), CXM_OK);
    ck_assert_uint_eq(j, 2);
    ck_assert_int_eq(cxm_table_find(&j, t, "nope"), CXM_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "no column 'nope' (columns: channel, removal_effect"));
    double dst[3], v;
    ck_assert_int_eq(cxm_table_numbers(dst, 3, t, "removal_effect"), CXM_OK);
    EXACT(dst[0], 125.0 / 208);
    ck_assert_int_eq(cxm_table_numbers(dst, 2, t, "removal_effect"), CXM_EINVAL);
    ck_assert_int_eq(cxm_table_numbers(dst, 3, t, "channel"), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "column 'channel' holds text, not numbers");
    ck_assert_ptr_null(cxm_table_text(t, 0, "conversions"));
    ck_assert_ptr_null(cxm_table_text(t, 3, "channel"));
    ck_assert_int_eq(cxm_table_number(&v, t, 3, "conversions"), CXM_EINVAL);
    ck_assert_int_eq(cxm_table_scalar(&v, t, "missing"), CXM_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "scalars: order, total_conversions"));
    ck_assert_uint_gt(cxm_table_scalars(t), 5);
    ck_assert_str_eq(cxm_table_scalar_name(t, 0), "order");
    ck_assert_ptr_null(cxm_table_scalar_name(t, 999));
    ck_assert_uint_eq(cxm_table_rows(NULL), 0);
    cxm_table_free(t);
    cxm_table_free(NULL);
    cxm_paths_free(p);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int oom_attribution(void *context)
{
    unsigned order = *(unsigned *)context;
    cxm_paths *p = NULL;
    cxm_table *t = NULL;
    int status = cxm_paths_create(&p, NULL);
    const char *texts[] = { "A > B", "B", "A > C", "C > B > C", "A > A > C", "C > A > B > C" };
    const double conv[] = { 3, 1, 2, 1, 1, 2 }, nulls[] = { 2, 4, 1, 1, 1, 0 };
    const double values[] = { 3, 1, 2, 1, 1, 2 };
    if (status == CXM_OK)
        status = cxm_paths_add_many(p, 6, texts, conv, nulls, values);
    const char *timed[] = { "A", "C" };
    const double ages[] = { 3, 0 };
    if (status == CXM_OK)
        status = cxm_paths_add_touches(p, 2, timed, ages, 1, 0, 1);
    cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
    o.order = order;
    if (status == CXM_OK)
        status = cxm_attribution_markov(&t, p, &o);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_attribution_transitions(&t, p, &o);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_attribution_heuristic(&t, p, NULL);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_attribution_shapley(&t, p);
    cxm_table_free(t);
    cxm_paths_free(p);
    return status;
}

/* The run-time initializers give what the compile-time ones give (for
 * bindings and programs that cannot use the macros), and accept NULL. */
START_TEST(options_initializers)
{
    cxm_markov_options markov, markov_defaults = CXM_MARKOV_OPTIONS_INIT;
    memset(&markov, 0xff, sizeof markov);
    cxm_markov_options_init(&markov);
    ck_assert(markov.version == CXM_MARKOV_OPTIONS_VERSION && markov.order == 1 &&
              markov.use_nulls == 1 && markov.keep_self_loops == 0);
    ck_assert(markov.order == markov_defaults.order &&
              markov.use_nulls == markov_defaults.use_nulls &&
              markov.keep_self_loops == markov_defaults.keep_self_loops);
    cxm_markov_options_init(NULL);

    cxm_heuristic_options heuristic;
    memset(&heuristic, 0xff, sizeof heuristic);
    cxm_heuristic_options_init(&heuristic);
    ck_assert(heuristic.version == CXM_HEURISTIC_OPTIONS_VERSION &&
              heuristic.first_weight == 0.4 && heuristic.middle_weight == 0.2 &&
              heuristic.last_weight == 0.4 && heuristic.half_life == 7.0);
    cxm_heuristic_options_init(NULL);

    cxm_journey_options journey;
    memset(&journey, 0xff, sizeof journey);
    cxm_journey_options_init(&journey);
    ck_assert(journey.version == CXM_JOURNEY_OPTIONS_VERSION && journey.level == 0.95 &&
              journey.importance == CXM_IMPORTANCE_AUTO && journey.by_channel == 0);
    cxm_journey_options_init(NULL);
}
END_TEST

START_TEST(out_of_memory)
{
    for (unsigned order = 1; order <= 3; order += 2)
        ck_assert_int_gt(chaos_run(oom_attribution, &order, "attribution"), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("attribution");
    TCase *tc = tcase_create("markov");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, models_order_1);
    tcase_add_test(tc, models_order_2);
    tcase_add_test(tc, models_without_nulls);
    tcase_add_test(tc, models_three_paths);
    tcase_add_test(tc, value_attribution);
    tcase_add_test(tc, transition_matrix);
    tcase_add_loop_test(tc, brute_force_removal_effects, 0, 4);
    tcase_add_test(tc, large_component_uses_the_iterative_solver);
    tcase_add_test(tc, slow_mixing_falls_back_to_lu);
    suite_add_tcase(s, tc);
    tc = tcase_create("heuristics");
    tcase_add_test(tc, models_heuristics);
    tcase_add_test(tc, position_weights_configurable);
    tcase_add_test(tc, time_decay_half_life);
    suite_add_tcase(s, tc);
    tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, paths_are_parsed);
    tcase_add_test(tc, errors);
    tcase_add_test(tc, table_access);
    tcase_add_test(tc, options_initializers);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
