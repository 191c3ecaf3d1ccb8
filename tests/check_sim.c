/* The simulator through its public API (cxm/sim.h): settings (built-in,
 * JSON in and out, errors, setters), determinism and what-ifs with common
 * random numbers, the output tables and files (read back by the readers of
 * libcxm), and out-of-memory behaviour. The recovery of the models from a
 * simulated world is tested in check_world.c. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cxm.h>

#include "chaos.h"
#include "check_run.h"

#define OK(call)                                                                                  \
    do {                                                                                          \
        int status_ = (call);                                                                     \
        ck_assert_msg(status_ == CXM_OK, "%s: %s", #call, cxm_error_message());                  \
    } while (0)

static cxm_sim_settings *settings_from(const char *json)
{
    cxm_sim_settings *s;
    OK(cxm_sim_settings_parse_json(&s, json, strlen(json), "test.json"));
    return s;
}

static cxm_sim *run(const char *json)
{
    cxm_sim_settings *s = settings_from(json);
    cxm_sim *w;
    OK(cxm_sim_run(&w, s, NULL));
    cxm_sim_settings_free(s);
    return w;
}

static double *numbers(const cxm_table *t, const char *column)
{
    size_t n = cxm_table_rows(t);
    double *v = malloc((n ? n : 1) * sizeof *v);
    OK(cxm_table_numbers(v, n, t, column));
    return v;
}

static double scalar(const cxm_table *t, const char *name)
{
    double v = NAN;
    OK(cxm_table_scalar(&v, t, name));
    return v;
}

/* Two number columns equal element by element (NaN equal to NaN). */
static int same_numbers(const cxm_table *a, const cxm_table *b, const char *column)
{
    if (cxm_table_rows(a) != cxm_table_rows(b))
        return 0;
    double *x = numbers(a, column), *y = numbers(b, column);
    int same = 1;
    for (size_t i = 0; i < cxm_table_rows(a); i++)
        if (!(x[i] == y[i] || (isnan(x[i]) && isnan(y[i]))))
            same = 0;
    free(x);
    free(y);
    return same;
}

/* ------------------------------------------------------------------ settings */

START_TEST(test_default_settings)
{
    cxm_sim_settings *s;
    OK(cxm_sim_settings_default(&s));
    ck_assert_uint_eq(cxm_sim_settings_customers(s), 4000);
    double q;
    OK(cxm_sim_settings_quality(&q, s, "checkout"));
    ck_assert_double_eq(q, 5.2);
    OK(cxm_sim_settings_quality(&q, s, "search_ad"));
    ck_assert_double_eq(q, 7.0);
    ck_assert_int_eq(cxm_sim_settings_quality(&q, s, "nope"), CXM_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "'nope'"));
    OK(cxm_sim_settings_set_quality(s, "checkout", 7.6));
    OK(cxm_sim_settings_quality(&q, s, "checkout"));
    ck_assert_double_eq(q, 7.6);
    ck_assert_int_eq(cxm_sim_settings_set_quality(s, "checkout", NAN), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_settings_set_quality(s, "x", 1), CXM_ENOTFOUND);
    ck_assert_int_eq(cxm_sim_settings_set_customers(s, 0), CXM_EINVAL);
    OK(cxm_sim_settings_set_customers(s, 25));
    ck_assert_uint_eq(cxm_sim_settings_customers(s), 25);
    OK(cxm_sim_settings_set_seed(s, 7));
    ck_assert_int_eq(cxm_sim_settings_set_seed(s, 1ULL << 53), CXM_EINVAL);
    ck_assert_uint_eq(cxm_sim_settings_customers(NULL), 0);
    cxm_sim_settings_free(s);
    cxm_sim_settings_free(NULL);
}
END_TEST

START_TEST(test_settings_json_round_trip)
{
    cxm_sim_settings *s;
    OK(cxm_sim_settings_default(&s));
    OK(cxm_sim_settings_set_quality(s, "checkout", 6.1));
    char *a, *b;
    OK(cxm_sim_settings_to_json(&a, s));
    cxm_sim_settings *t = settings_from(a);
    OK(cxm_sim_settings_to_json(&b, t));
    ck_assert_str_eq(a, b);
    /* The designed quality stays what employees rate. */
    ck_assert_ptr_nonnull(strstr(a, "\"designed\":\t7.6"));
    ck_assert_ptr_nonnull(strstr(a, "\"quality\":\t6.1"));
    cxm_free(a);
    cxm_free(b);
    cxm_sim_settings_free(s);
    cxm_sim_settings_free(t);
}
END_TEST

START_TEST(test_settings_partial_documents)
{
    /* A new map: its touchpoints start from the defaults. */
    static const char json[] =
        "{\"customers\": 50, \"segments\": [],"
        " \"journey_map\": {\"touchpoints\": ["
        "   {\"id\": \"ad\", \"decision\": \"EXPLORE\", \"rung\": \"KNOW\"},"
        "   {\"id\": \"shop\", \"decision\": \"BUY\", \"rung\": \"DO\"}]},"
        " \"touchpoints\": {\"shop\": {\"quality\": 4}},"
        " \"purchases\": {\"model\": \"mbgnbd\", \"params\": {\"r\": 1, \"alpha\": 5, \"a\": 1, \"b\": 3}}}";
    cxm_sim_settings *s = settings_from(json);
    double q;
    OK(cxm_sim_settings_quality(&q, s, "ad"));
    ck_assert_double_eq(q, 7.0);
    OK(cxm_sim_settings_quality(&q, s, "shop"));
    ck_assert_double_eq(q, 4.0);
    ck_assert_uint_eq(cxm_sim_settings_customers(s), 50);
    cxm_sim *w;
    OK(cxm_sim_run(&w, s, NULL));
    cxm_table *c;
    OK(cxm_sim_customers(&c, w));
    ck_assert_uint_eq(cxm_table_rows(c), 50);
    ck_assert_double_eq(scalar(c, "b"), 3.0);
    ck_assert_double_eq(scalar(c, "promoters"), 0.0); /* no PROMOTE touchpoint */
    /* Without segments the segment is empty. */
    ck_assert_str_eq(cxm_table_text(c, 0, "segment"), "");
    cxm_table_free(c);
    cxm_sim_free(w);
    cxm_sim_settings_free(s);
}
END_TEST

static void expect_error(const char *json, int status, const char *fragment)
{
    cxm_sim_settings *s = (cxm_sim_settings *)1;
    int got = cxm_sim_settings_parse_json(&s, json, strlen(json), "w.json");
    ck_assert_msg(got == status, "%s: status %d, expected %d (%s)", json, got, status,
                  cxm_error_message());
    ck_assert_ptr_null(s);
    ck_assert_msg(strstr(cxm_error_message(), fragment) != NULL, "message '%s' lacks '%s'",
                  cxm_error_message(), fragment);
}

START_TEST(test_settings_errors)
{
    expect_error("{\"customers\": 10", CXM_EPARSE, "w.json:1:");
    expect_error("[1]", CXM_EPARSE, "must be a JSON object");
    expect_error("{\"colour\": 1}", CXM_EPARSE, "unknown key 'colour'");
    expect_error("{\"decisions\": {\"explore\": {\"continue\": 1.5}}}", CXM_EPARSE,
                 "w.json: decisions.explore: key 'continue' must be in [0, 1), got 1.5");
    expect_error("{\"decisions\": {\"explore\": {\"advnace\": 1}}}", CXM_EPARSE,
                 "unknown key 'advnace' (allowed: advance, sensitivity, continue)");
    expect_error("{\"customers\": 0}", CXM_EPARSE, "key 'customers' must be a whole number >= 1");
    expect_error("{\"customers\": \"many\"}", CXM_EPARSE, "must be a number, got a string");
    expect_error("{\"version\": 2}", CXM_EPARSE, "key 'version' must be 1");
    expect_error("{\"start\": \"2024-13-01\"}", CXM_EPARSE, "key 'start'");
    expect_error("{\"touchpoints\": {\"kiosk\": {\"quality\": 5}}}", CXM_EPARSE,
                 "'kiosk' is not a touchpoint of the journey map");
    expect_error("{\"touchpoints\": {\"checkout\": {\"colour\": 5}}}", CXM_EPARSE,
                 "touchpoints.checkout: unknown key 'colour'");
    expect_error("{\"purchases\": {\"model\": \"gg\", \"params\": {\"p\": 1, \"q\": 2, \"gamma\": 3}}}",
                 CXM_EPARSE, "not a continuous-time purchase model");
    expect_error("{\"purchases\": {\"params\": {\"z\": 1}}}", CXM_EPARSE,
                 "'z' is not a parameter of bgnbd");
    expect_error("{\"purchases\": {\"model\": \"mbgnbd\"}}", CXM_EPARSE, "needs its 'params'");
    expect_error("{\"purchases\": {\"params\": {\"r\": -1}}}", CXM_EPARSE, "must be > 0");
    expect_error("{\"purchases\": {\"link_parameter\": \"q\"}}", CXM_EPARSE,
                 "'q' is not a parameter of bgnbd");
    expect_error("{\"segments\": [{\"share\": 1}]}", CXM_EPARSE, "segments[0]: key 'name' is missing");
    expect_error("{\"segments\": [{\"name\": \"a\"}, {\"name\": \"a\"}]}", CXM_EPARSE,
                 "already defined");
    /* cJSON keeps both members of a repeated key; the reader refuses the document. */
    expect_error("{\"segments\": [{\"name\": \"a\", \"name\": \"b\"}]}", CXM_EPARSE,
                 "w.json: segments[0]: key 'name' appears twice");
    expect_error("{\"customers\": 10, \"customers\": 20}", CXM_EPARSE,
                 "w.json: key 'customers' appears twice");
    expect_error("{\"touchpoints\": {\"checkout\": {\"quality\": 5, \"quality\": 6}}}", CXM_EPARSE,
                 "w.json: touchpoints.checkout: key 'quality' appears twice");
    expect_error("{\"calibration_days\": 900}", CXM_EPARSE, "calibration_days (900) is after");
    expect_error("{\"spend\": {\"q\": 0.5}}", CXM_EPARSE, "key 'q' must be > 1");
    expect_error("{\"touchpoints\": {\"checkout\": {\"entry\": 0}}}", CXM_EPARSE,
                 "no BUY touchpoint has a positive 'entry' weight");
    expect_error("{\"journey_map\": {\"touchpoints\": []}}", CXM_EPARSE, "journey_map");

    cxm_sim_settings *s;
    ck_assert_int_eq(cxm_sim_settings_parse_json(NULL, "{}", 2, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_settings_parse_json(&s, NULL, 0, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_settings_load_json(&s, "/nonexistent/w.json"), CXM_EIO);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "/nonexistent/w.json"));
    ck_assert_int_eq(cxm_sim_settings_default(NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_settings_to_json(NULL, NULL), CXM_EINVAL);
}
END_TEST

static void expect_exact(const char *json, int status, const char *message)
{
    cxm_sim_settings *s = (cxm_sim_settings *)1;
    int got = cxm_sim_settings_parse_json(&s, json, strlen(json), "w.json");
    ck_assert_msg(got == status, "%s: status %d, expected %d (%s)", json, got, status,
                  cxm_error_message());
    ck_assert_ptr_null(s);
    ck_assert_str_eq(cxm_error_message(), message);
}

/* Issue 14: library messages are prefixed, never formatted into a copy of
 * themselves; the quality scale is 0-10; nothing may follow the document. */
START_TEST(test_settings_hostile_documents)
{
    char expected[1200];
    double t;
    ck_assert_int_ne(cxm_time_parse(&t, "2024-13-01", NULL), CXM_OK);
    snprintf(expected, sizeof expected, "w.json: key 'start': %s", cxm_error_message());
    expect_exact("{\"start\": \"2024-13-01\"}", CXM_EPARSE, expected);
    cxm_model *m;
    ck_assert_int_ne(cxm_model_create_named(&m, "bgnbdx"), CXM_OK);
    snprintf(expected, sizeof expected, "w.json: purchases: key 'model': %s", cxm_error_message());
    expect_exact("{\"purchases\": {\"model\": \"bgnbdx\", \"params\": {\"r\": 1}}}", CXM_EPARSE,
                 expected);

    expect_exact("{\"seed\": 3} trailing", CXM_EPARSE,
                 "w.json: text after the JSON document: 'trailing'");
    expect_exact("{\"touchpoints\": {\"checkout\": {\"quality\": 11}}}", CXM_EPARSE,
                 "w.json: touchpoints.checkout: key 'quality' must be in [0, 10] (the quality "
                 "scale), got 11");
    expect_exact("{\"touchpoints\": {\"checkout\": {\"designed\": -0.5}}}", CXM_EPARSE,
                 "w.json: touchpoints.checkout: key 'designed' must be in [0, 10] (the quality "
                 "scale), got -0.5");

    cxm_sim_settings *s;
    OK(cxm_sim_settings_default(&s));
    ck_assert_int_eq(cxm_sim_settings_set_quality(s, "checkout", 11), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(),
                     "quality 11 of touchpoint 'checkout' is outside the 0-10 scale");
    ck_assert_int_eq(cxm_sim_settings_set_quality(s, "checkout", -1e-9), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_settings_set_quality(s, "checkout", INFINITY), CXM_EINVAL);
    double q;
    OK(cxm_sim_settings_quality(&q, s, "checkout"));
    ck_assert_double_eq(q, 5.2); /* refusals leave the settings as they were */
    OK(cxm_sim_settings_set_quality(s, "checkout", 0));
    OK(cxm_sim_settings_set_quality(s, "checkout", 10));
    cxm_sim_settings_free(s);
}
END_TEST

START_TEST(test_settings_load_file)
{
    char path[] = "/tmp/cxm-sim-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    static const char json[] = "{\"customers\": 12, \"seed\": 3}";
    ck_assert_int_eq(write(fd, json, sizeof json - 1), (int)sizeof json - 1);
    close(fd);
    cxm_sim_settings *s;
    OK(cxm_sim_settings_load_json(&s, path));
    ck_assert_uint_eq(cxm_sim_settings_customers(s), 12);
    cxm_sim_settings_free(s);
    unlink(path);
}
END_TEST

/* ------------------------------------------------------------------ running */

START_TEST(test_same_seed_same_world)
{
    static const char json[] = "{\"customers\": 300, \"seed\": 42}";
    cxm_sim *a = run(json), *b = run(json), *c = run("{\"customers\": 300, \"seed\": 43}");
    cxm_table *ea, *eb, *ec;
    OK(cxm_sim_events(&ea, a));
    OK(cxm_sim_events(&eb, b));
    OK(cxm_sim_events(&ec, c));
    ck_assert(same_numbers(ea, eb, "timestamp"));
    ck_assert(same_numbers(ea, eb, "rating"));
    ck_assert(!same_numbers(ea, ec, "timestamp"));
    cxm_table *ta, *tb;
    OK(cxm_sim_transactions(&ta, a));
    OK(cxm_sim_transactions(&tb, b));
    ck_assert(same_numbers(ta, tb, "amount"));
    cxm_table_free(ea);
    cxm_table_free(eb);
    cxm_table_free(ec);
    cxm_table_free(ta);
    cxm_table_free(tb);
    cxm_sim_free(a);
    cxm_sim_free(b);
    cxm_sim_free(c);
}
END_TEST

/* Fixed numbers of the built-in world: the same on every platform (the
 * generator uses only IEEE arithmetic and correctly rounded functions). A
 * change here means the simulation changed: say so in NEWS. */
START_TEST(test_reference_world)
{
    cxm_sim *w = run("{\"customers\": 2000}");
    cxm_table *c;
    OK(cxm_sim_customers(&c, w));
    double buyers = scalar(c, "buyers"), promoters = scalar(c, "promoters");
    double respondents = scalar(c, "respondents");
    if (getenv("CXM_TEST_VERBOSE"))
        fprintf(stderr, "buyers %g promoters %g respondents %g\n", buyers, promoters, respondents);
    ck_assert_double_eq(buyers, 1126);
    ck_assert_double_eq(promoters, 346);
    ck_assert_double_eq(respondents, 537);
    cxm_table_free(c);
    cxm_sim_free(w);
}
END_TEST

START_TEST(test_what_if_common_random_numbers)
{
    cxm_sim_settings *s = settings_from("{\"customers\": 500, \"seed\": 9}");
    cxm_sim *before;
    OK(cxm_sim_run(&before, s, NULL));
    OK(cxm_sim_settings_set_quality(s, "checkout", 7.6));
    cxm_sim *after;
    OK(cxm_sim_run(&after, s, NULL));
    cxm_sim_settings_free(s);
    cxm_table *cb, *ca;
    OK(cxm_sim_customers(&cb, before));
    OK(cxm_sim_customers(&ca, after));
    /* Checkout is a BUY touchpoint: who arrives, expects and explores what,
     * and who buys, is unchanged; perceptions and satisfaction rise. */
    ck_assert(same_numbers(cb, ca, "arrival"));
    ck_assert(same_numbers(cb, ca, "expectation"));
    ck_assert(same_numbers(cb, ca, "bought"));
    ck_assert(same_numbers(cb, ca, "first_purchase"));
    double *sb = numbers(cb, "satisfaction"), *sa = numbers(ca, "satisfaction");
    double *bought = numbers(cb, "bought");
    double mb = 0, ma = 0, n = 0;
    for (size_t i = 0; i < cxm_table_rows(cb); i++)
        if (bought[i] == 1) {
            mb += sb[i];
            ma += sa[i];
            n++;
        }
    ck_assert_double_gt(ma / n, mb / n + 0.2);
    ck_assert_double_ge(scalar(ca, "promoters"), scalar(cb, "promoters"));
    /* The employees still rate the checkout's design. */
    char *jb, *ja;
    OK(cxm_sim_journey_map_json(&jb, before));
    OK(cxm_sim_journey_map_json(&ja, after));
    ck_assert_str_eq(jb, ja);
    cxm_free(jb);
    cxm_free(ja);
    free(sb);
    free(sa);
    free(bought);
    cxm_table_free(cb);
    cxm_table_free(ca);
    cxm_sim_free(before);
    cxm_sim_free(after);
}
END_TEST

static void progress(unsigned long long done, unsigned long long total, void *data)
{
    unsigned long long *last = data;
    ck_assert_uint_le(done, total);
    ck_assert_uint_ge(done, *last);
    *last = done;
}

START_TEST(test_run_options)
{
    cxm_sim_settings *s = settings_from("{\"customers\": 1100}");
    cxm_sim_options options;
    cxm_sim_options_init(&options);
    ck_assert_uint_eq(options.version, CXM_SIM_OPTIONS_VERSION);
    unsigned long long last = 0;
    options.progress = progress;
    options.progress_data = &last;
    cxm_sim *w;
    OK(cxm_sim_run(&w, s, &options));
    ck_assert_uint_eq(last, 1100);
    ck_assert_ptr_eq(cxm_sim_get_settings(NULL), NULL);
    ck_assert_ptr_nonnull(cxm_sim_get_settings(w));
    cxm_sim_free(w);
    options.version = 99;
    ck_assert_int_eq(cxm_sim_run(&w, s, &options), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_run(NULL, s, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_run(&w, NULL, NULL), CXM_EINVAL);
    cxm_sim_settings_free(s);
    cxm_sim_free(NULL);
}
END_TEST

/* ------------------------------------------------------------------ outputs */

START_TEST(test_output_tables)
{
    cxm_sim *w = run("{\"customers\": 400, \"seed\": 5}");
    cxm_table *events, *tx, *survey, *truth;
    OK(cxm_sim_events(&events, w));
    OK(cxm_sim_transactions(&tx, w));
    OK(cxm_sim_survey(&survey, w));
    OK(cxm_sim_customers(&truth, w));
    ck_assert_uint_eq(cxm_table_rows(truth), 400);
    static const char *const event_columns[] = { "customer", "timestamp", "touchpoint", "value",
                                                 "rating", "valence", "segment" };
    for (size_t j = 0; j < 7; j++)
        ck_assert_str_eq(cxm_table_column_name(events, j), event_columns[j]);
    ck_assert_str_eq(cxm_table_column_name(tx, 0), "customer_id");
    ck_assert_str_eq(cxm_table_column_name(tx, 1), "date");
    ck_assert_str_eq(cxm_table_column_name(tx, 2), "amount");
    size_t j;
    OK(cxm_table_find(&j, survey, "recommend"));
    OK(cxm_table_find(&j, survey, "SATI3"));
    OK(cxm_table_find(&j, survey, "rate_checkout"));
    ck_assert_double_eq(scalar(truth, "respondents"), (double)cxm_table_rows(survey));
    ck_assert_str_eq(cxm_table_text(truth, 0, "customer"), "C00001");

    /* Answers are on their scales; ratings on the map's 1-5 scale. */
    double *rec = numbers(survey, "recommend"), *csat = numbers(survey, "csat");
    for (size_t i = 0; i < cxm_table_rows(survey); i++) {
        ck_assert(rec[i] >= 0 && rec[i] <= 10 && rec[i] == floor(rec[i]));
        ck_assert(csat[i] >= 1 && csat[i] <= 5);
    }
    double *rating = numbers(events, "rating"), *time = numbers(events, "timestamp");
    size_t rated = 0;
    for (size_t i = 0; i < cxm_table_rows(events); i++) {
        if (!isnan(rating[i])) {
            ck_assert(rating[i] >= 1 && rating[i] <= 5);
            rated++;
        }
        ck_assert_double_lt(fabs(time[i] * 86400.0 - round(time[i] * 86400.0)), 1e-3); /* seconds */
    }
    ck_assert_uint_gt(rated, cxm_table_rows(events) / 3);

    /* One first purchase per buyer; revenue adds up. */
    double *amount = numbers(tx, "amount"), *revenue = numbers(truth, "revenue");
    double a = 0, r = 0;
    for (size_t i = 0; i < cxm_table_rows(tx); i++) {
        ck_assert_double_ge(amount[i], 0.01);
        a += amount[i];
    }
    for (size_t i = 0; i < cxm_table_rows(truth); i++)
        r += revenue[i];
    ck_assert_double_eq_tol(a, r, 1e-6);

    /* The journeys and the summary see the same customers. */
    cxm_journeys *j2;
    OK(cxm_sim_journeys(&j2, w));
    ck_assert_uint_eq(cxm_journeys_customer_count(j2), 400);
    cxm_rfm *rfm;
    OK(cxm_sim_rfm(&rfm, w, NULL));
    ck_assert_double_eq((double)cxm_rfm_size(rfm), scalar(truth, "buyers"));
    cxm_journey_map *map;
    OK(cxm_sim_journey_map(&map, w));
    cxm_table *tps;
    OK(cxm_journey_map_touchpoints(&tps, map));
    double emp;
    OK(cxm_table_number(&emp, tps, 4, "employee_ratings"));
    ck_assert_double_eq(emp, 12); /* checkout: 12 employees */
    cxm_table_free(tps);
    cxm_journey_map_free(map);
    cxm_rfm_free(rfm);
    cxm_journeys_free(j2);
    free(rec);
    free(csat);
    free(rating);
    free(time);
    free(amount);
    free(revenue);
    cxm_table_free(events);
    cxm_table_free(tx);
    cxm_table_free(survey);
    cxm_table_free(truth);

    cxm_table *t;
    ck_assert_int_eq(cxm_sim_events(&t, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_transactions(NULL, w), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_survey(&t, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_customers(&t, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_journeys(NULL, w), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_rfm(NULL, w, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_journey_map(NULL, w), CXM_EINVAL);
    ck_assert_int_eq(cxm_sim_journey_map_json(NULL, w), CXM_EINVAL);
    cxm_sim_free(w);
}
END_TEST

/* The files, read back by the readers the rest of libcxm uses. */
START_TEST(test_files_read_back)
{
    char dir[] = "/tmp/cxm-world-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    cxm_sim *w = run("{\"customers\": 300, \"seed\": 8}");
    OK(cxm_sim_write(w, dir));
    char path[256];

    snprintf(path, sizeof path, "%s/map.json", dir);
    cxm_journey_map *map;
    OK(cxm_journey_map_load_json(&map, path));
    cxm_journeys *from_file;
    OK(cxm_journeys_create(&from_file, map));
    snprintf(path, sizeof path, "%s/events.csv", dir);
    OK(cxm_journeys_read_csv(from_file, path, NULL, NULL, NULL, NULL, NULL, NULL, "segment", NULL));
    cxm_journeys *direct;
    OK(cxm_sim_journeys(&direct, w));
    cxm_table *f1, *f2, *g1, *g2;
    OK(cxm_journeys_funnel(&f1, from_file, NULL));
    OK(cxm_journeys_funnel(&f2, direct, NULL));
    ck_assert(same_numbers(f1, f2, "customers"));
    OK(cxm_journeys_touchpoint_gap(&g1, from_file, NULL));
    OK(cxm_journeys_touchpoint_gap(&g2, direct, NULL));
    ck_assert(same_numbers(g1, g2, "employee_mean"));
    ck_assert(same_numbers(g1, g2, "customer_mean"));

    snprintf(path, sizeof path, "%s/transactions.csv", dir);
    cxm_rfm_options options = CXM_RFM_OPTIONS_INIT;
    options.unit_days = 1.0 / 1440;
    options.scale = 7 * 1440;
    cxm_rfm *r1, *r2;
    OK(cxm_rfm_read_csv(&r1, path, "customer_id", "date", "amount", NULL, &options));
    OK(cxm_sim_rfm(&r2, w, &options));
    ck_assert_uint_eq(cxm_rfm_size(r1), cxm_rfm_size(r2));
    size_t n = cxm_rfm_size(r1);
    double *x1 = malloc(n * sizeof *x1), *x2 = malloc(n * sizeof *x2);
    OK(cxm_rfm_column(x1, n, r1, CXM_RFM_FREQUENCY));
    OK(cxm_rfm_column(x2, n, r2, CXM_RFM_FREQUENCY));
    for (size_t i = 0; i < n; i++)
        ck_assert_double_eq(x1[i], x2[i]);

    snprintf(path, sizeof path, "%s/survey.csv", dir);
    cxm_survey *survey;
    static const char *const survey_columns[] = { "recommend", "SATI1", "rate_checkout" };
    OK(cxm_survey_read(&survey, path, 3, survey_columns, NULL));
    cxm_nps_estimate nps;
    OK(cxm_survey_nps(&nps, survey, "recommend", 0.95));
    cxm_table *st;
    OK(cxm_sim_survey(&st, w));
    ck_assert_double_eq(nps.respondents, (double)cxm_table_rows(st));

    snprintf(path, sizeof path, "%s/settings.json", dir);
    cxm_sim_settings *s;
    OK(cxm_sim_settings_load_json(&s, path));
    ck_assert_uint_eq(cxm_sim_settings_customers(s), 300);
    cxm_sim_settings_free(s);

    ck_assert_int_eq(cxm_sim_write(w, "/nonexistent/dir"), CXM_EIO);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "/nonexistent/dir/events.csv"));
    ck_assert_int_eq(cxm_sim_write(NULL, dir), CXM_EINVAL);

    static const char *const files[] = { "events.csv", "transactions.csv", "survey.csv",
                                         "customers.csv", "map.json", "settings.json" };
    for (size_t k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        unlink(path);
    }
    rmdir(dir);
    free(x1);
    free(x2);
    cxm_table_free(st);
    cxm_survey_free(survey);
    cxm_rfm_free(r1);
    cxm_rfm_free(r2);
    cxm_table_free(f1);
    cxm_table_free(f2);
    cxm_table_free(g1);
    cxm_table_free(g2);
    cxm_journeys_free(from_file);
    cxm_journeys_free(direct);
    cxm_journey_map_free(map);
    cxm_sim_free(w);
}
END_TEST

START_TEST(test_table_write_csv)
{
    cxm_sim *w = run("{\"customers\": 20, \"seed\": 1}");
    cxm_table *t;
    OK(cxm_sim_transactions(&t, w));
    char path[] = "/tmp/cxm-tx-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    static const char *const times[] = { "date", NULL };
    OK(cxm_table_write_csv(t, path, times));
    FILE *f = fopen(path, "r");
    char line[200];
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_str_eq(line, "customer_id,date,amount\n");
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f));
    ck_assert_msg(strlen(line) > 20 && line[6] == ',' && line[11] == '-' && line[17] == 'T', "%s",
                  line);
    fclose(f);
    static const char *const bad[] = { "nope", NULL };
    ck_assert_int_eq(cxm_table_write_csv(t, path, bad), CXM_EINVAL);
    static const char *const text[] = { "customer_id", NULL };
    ck_assert_int_eq(cxm_table_write_csv(t, path, text), CXM_EINVAL);
    ck_assert_int_eq(cxm_table_write_csv(NULL, path, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_table_write_csv(t, "/nonexistent/x.csv", NULL), CXM_EIO);
    unlink(path);
    cxm_table_free(t);
    cxm_sim_free(w);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int oom_scenario(void *context)
{
    const char *dir = context; /* files are written here, settings read back */
    cxm_sim_settings *s = NULL;
    cxm_sim *w = NULL;
    cxm_table *t = NULL;
    cxm_journeys *j = NULL;
    cxm_rfm *r = NULL;
    cxm_journey_map *m = NULL;
    char *text = NULL;
    static const char json[] = "{\"customers\": 15, \"seed\": 4}";
    int status = cxm_sim_settings_parse_json(&s, json, sizeof json - 1, "oom");
    if (status == CXM_OK)
        status = cxm_sim_settings_to_json(&text, s);
    cxm_free(text);
    if (status == CXM_OK)
        status = cxm_sim_run(&w, s, NULL);
    if (status == CXM_OK && (status = cxm_sim_events(&t, w)) == CXM_OK)
        cxm_table_free(t);
    if (status == CXM_OK && (status = cxm_sim_transactions(&t, w)) == CXM_OK)
        cxm_table_free(t);
    if (status == CXM_OK && (status = cxm_sim_survey(&t, w)) == CXM_OK)
        cxm_table_free(t);
    if (status == CXM_OK && (status = cxm_sim_customers(&t, w)) == CXM_OK)
        cxm_table_free(t);
    if (status == CXM_OK && (status = cxm_sim_journeys(&j, w)) == CXM_OK)
        cxm_journeys_free(j);
    if (status == CXM_OK && (status = cxm_sim_rfm(&r, w, NULL)) == CXM_OK)
        cxm_rfm_free(r);
    if (status == CXM_OK && (status = cxm_sim_journey_map(&m, w)) == CXM_OK)
        cxm_journey_map_free(m);
    text = NULL;
    if (status == CXM_OK && (status = cxm_sim_journey_map_json(&text, w)) == CXM_OK)
        cxm_free(text);
    if (status == CXM_OK)
        status = cxm_sim_write(w, dir); /* cxm_table_write_csv() for every table */
    cxm_sim_settings *loaded = NULL;
    char path[256];
    snprintf(path, sizeof path, "%s/settings.json", dir);
    if (status == CXM_OK)
        status = cxm_sim_settings_load_json(&loaded, path);
    cxm_sim_settings_free(loaded);
    cxm_sim_free(w);
    cxm_sim_settings_free(s);
    return status;
}

START_TEST(test_out_of_memory)
{
    char dir[] = "/tmp/cxm-oom-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    long allocations = chaos_run(oom_scenario, dir, "simulated world");
    ck_assert_int_gt(allocations, 50);
    static const char *const files[] = { "events.csv", "transactions.csv", "survey.csv",
                                         "customers.csv", "map.json", "settings.json" };
    for (size_t k = 0; k < 6; k++) {
        char path[256];
        snprintf(path, sizeof path, "%s/%s", dir, files[k]);
        unlink(path);
    }
    rmdir(dir);
}
END_TEST

static Suite *sim_suite(void)
{
    Suite *s = suite_create("sim");
    TCase *tc = tcase_create("sim");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_default_settings);
    tcase_add_test(tc, test_settings_json_round_trip);
    tcase_add_test(tc, test_settings_partial_documents);
    tcase_add_test(tc, test_settings_errors);
    tcase_add_test(tc, test_settings_hostile_documents);
    tcase_add_test(tc, test_settings_load_file);
    tcase_add_test(tc, test_same_seed_same_world);
    tcase_add_test(tc, test_reference_world);
    tcase_add_test(tc, test_what_if_common_random_numbers);
    tcase_add_test(tc, test_run_options);
    tcase_add_test(tc, test_output_tables);
    tcase_add_test(tc, test_files_read_back);
    tcase_add_test(tc, test_table_write_csv);
    tcase_add_test(tc, test_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cxm_check_run(sim_suite());
}
