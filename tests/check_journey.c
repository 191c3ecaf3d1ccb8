/* The journey model through the public API: journey maps (API and JSON),
 * event logs, per-customer journeys, funnel, the decision chain
 * (docs/models.md §2.2), the two-perspective gaps (§2.4, §2.5), the
 * experience map (§2.6), ladder coverage, and path files (the GPL PathData
 * set read from ../shared/data when present). Reference values not given in
 * docs/models.md come from tests/data/journey_reference.py. */
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

static const char *text(const cxm_table *t, size_t row, const char *column)
{
    const char *s = cxm_table_text(t, row, column);
    ck_assert_msg(s != NULL, "%s: %s", column, cxm_error_message());
    return s;
}

static size_t row_of(const cxm_table *t, const char *column, const char *label)
{
    for (size_t i = 0; i < cxm_table_rows(t); i++)
        if (strcmp(text(t, i, column), label) == 0)
            return i;
    ck_abort_msg("no row '%s' in column '%s'", label, column);
    return 0;
}

/* Path of a file in the source tree (tests run with top_srcdir set). */
static const char *source_file(const char *relative)
{
    static char path[4096];
    const char *top = getenv("top_srcdir");
    snprintf(path, sizeof path, "%s/%s", top ? top : "..", relative);
    return path;
}

static cxm_journey_map *example_map(void)
{
    cxm_journey_map *map;
    int status = cxm_journey_map_load_json(&map, source_file("examples/journey/map.json"));
    ck_assert_msg(status == CXM_OK, "%s", cxm_error_message());
    return map;
}

static cxm_journeys *example_journeys(void)
{
    cxm_journey_map *map = example_map();
    cxm_journeys *j;
    ck_assert_int_eq(cxm_journeys_create(&j, map), CXM_OK);
    cxm_journey_map_free(map); /* journeys keep their own copy */
    int status = cxm_journeys_read_csv(j, source_file("examples/journey/events.csv"), NULL, NULL,
                                       NULL, NULL, NULL, NULL, "segment", NULL);
    ck_assert_msg(status == CXM_OK, "%s", cxm_error_message());
    return j;
}

/* ------------------------------------------------------------------ maps */

START_TEST(map_through_the_api)
{
    cxm_journey_map *map;
    ck_assert_int_eq(cxm_journey_map_create(&map), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "ad", "Display ad", "display", "Marketing",
                                                    CXM_DECISION_EXPLORE, CXM_RUNG_KNOW),
                     CXM_OK);
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "checkout", NULL, NULL, NULL,
                                                    CXM_DECISION_BUY, CXM_RUNG_DO),
                     CXM_OK);
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "ad", NULL, NULL, NULL,
                                                    CXM_DECISION_BUY, CXM_RUNG_DO),
                     CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "touchpoint 'ad' is already in the map");
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "x", NULL, NULL, NULL,
                                                    CXM_DECISION_LEAVE, CXM_RUNG_DO),
                     CXM_EINVAL);
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "", NULL, NULL, NULL,
                                                    CXM_DECISION_BUY, CXM_RUNG_DO),
                     CXM_EINVAL);
    ck_assert_int_eq(cxm_journey_map_set_importance(map, "ad", 4), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_set_importance(map, "nope", 4), CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(), "touchpoint 'nope' is not in the journey map");
    const double ratings[] = { 5, 4 }, bad[] = { 5, NAN };
    ck_assert_int_eq(cxm_journey_map_add_employee_ratings(map, "checkout", 2, ratings), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_add_employee_ratings(map, "checkout", 2, bad), CXM_EINVAL);
    ck_assert_int_eq(cxm_journey_map_set_conversion_decision(map, CXM_DECISION_LEAVE), CXM_EINVAL);
    ck_assert_int_eq(cxm_journey_map_set_rating_scale(map, 5, 1), CXM_EINVAL);
    ck_assert_int_eq(cxm_journey_map_set_rating_scale(map, 1, 5), CXM_OK);
    ck_assert_uint_eq(cxm_journey_map_count(map), 2);
    cxm_table *t;
    ck_assert_int_eq(cxm_journey_map_touchpoints(&t, map), CXM_OK);
    ck_assert_str_eq(text(t, 1, "name"), "checkout");
    ck_assert_str_eq(text(t, 1, "channel"), "checkout");
    ck_assert_str_eq(text(t, 1, "decision"), "BUY");
    ck_assert_str_eq(text(t, 0, "rung"), "KNOW");
    EXACT(number(t, 0, "importance"), 4);
    ck_assert(isnan(number(t, 1, "importance")));
    EXACT(number(t, 1, "employee_mean"), 4.5);
    EXACT(number(t, 1, "conversion"), 1);
    EXACT(number(t, 0, "conversion"), 0);
    EXACT(scalar(t, "scale_max"), 5);
    cxm_table_free(t);
    /* flagged touchpoints replace the decision rule */
    ck_assert_int_eq(cxm_journey_map_set_conversion_touchpoint(map, "ad", 1), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_touchpoints(&t, map), CXM_OK);
    EXACT(number(t, 0, "conversion"), 1);
    EXACT(number(t, 1, "conversion"), 0);
    cxm_table_free(t);
    ck_assert_str_eq(cxm_decision_name(CXM_DECISION_PROMOTE), "PROMOTE");
    ck_assert_str_eq(cxm_rung_name(CXM_RUNG_SUGGEST), "SUGGEST");
    ck_assert_ptr_null(cxm_rung_name((cxm_rung)9));
    cxm_journey_map_free(map);
    cxm_journey_map_free(NULL);
}
END_TEST

START_TEST(map_from_json)
{
    cxm_journey_map *map = example_map();
    ck_assert_uint_eq(cxm_journey_map_count(map), 4);
    cxm_table *t;
    ck_assert_int_eq(cxm_journey_map_touchpoints(&t, map), CXM_OK);
    ck_assert_str_eq(text(t, 1, "id"), "site");
    ck_assert_str_eq(text(t, 1, "department"), "Digital");
    ck_assert_str_eq(text(t, 3, "decision"), "PROMOTE");
    EXACT(number(t, 2, "employee_ratings"), 5);
    EXACT(number(t, 2, "employee_mean"), 4.6);
    EXACT(number(t, 2, "conversion"), 1);
    EXACT(number(t, 3, "conversion"), 1); /* PROMOTE is past BUY */
    EXACT(scalar(t, "scale_min"), 1);
    cxm_table_free(t);
    cxm_journey_map_free(map);
    const char *listed = "{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"EXPLORE\", "
                         "\"rung\": \"KNOW\"}, {\"id\": \"b\", \"decision\": \"BUY\", \"rung\": "
                         "\"DO\"}], \"conversion\": {\"touchpoints\": [\"a\"]}}";
    ck_assert_int_eq(cxm_journey_map_parse_json(&map, listed, strlen(listed), "m.json"), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_touchpoints(&t, map), CXM_OK);
    EXACT(number(t, 0, "conversion"), 1);
    EXACT(number(t, 1, "conversion"), 0);
    cxm_table_free(t);
    cxm_journey_map_free(map);
}
END_TEST

static void json_fails(const char *json, int status, const char *message)
{
    cxm_journey_map *map = (cxm_journey_map *)1;
    ck_assert_int_eq(cxm_journey_map_parse_json(&map, json, strlen(json), "map.json"), status);
    ck_assert_ptr_null(map);
    ck_assert_msg(strcmp(cxm_error_message(), message) == 0, "got \"%s\"\nwant \"%s\"",
                  cxm_error_message(), message);
}

START_TEST(map_json_errors)
{
    json_fails("{\"touchpoints\": [\n  {\"id\": \"a\",, }]}", CXM_EPARSE,
               "map.json:2:15: JSON syntax error at ' }]}'");
    json_fails("{\"touchpoints\": [", CXM_EPARSE, "map.json:1:18: the JSON document ends too early");
    json_fails("[1]", CXM_EPARSE, "map.json: the journey map must be a JSON object, got an array");
    json_fails("{}", CXM_EPARSE, "map.json: key 'touchpoints' is missing");
    json_fails("{\"touchpoints\": []}", CXM_EPARSE,
               "map.json: key 'touchpoints' is empty: a journey map needs at least one touchpoint");
    json_fails("{\"touchpoint\": []}", CXM_EPARSE,
               "map.json: unknown key 'touchpoint' (allowed: version, name, description, "
               "rating_scale, conversion, touchpoints)");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"EXPLORE\", \"rung\": \"KNOW\"},"
               " {\"id\": \"cart\", \"decision\": \"BUY\", \"rung\": \"BUY\"}]}",
               CXM_EPARSE,
               "map.json: touchpoints[1] ('cart'): key 'rung' must be one of KNOW, DO, SUGGEST, "
               "CREATE, got 'BUY'");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\", "
               "\"id\": \"b\"}]}",
               CXM_EPARSE, "map.json: touchpoints[0]: key 'id' appears twice");
    json_fails("{\"name\": \"a\", \"name\": \"b\", \"touchpoints\": []}", CXM_EPARSE,
               "map.json: key 'name' appears twice");
    /* A large object is checked by sorting its keys: same answer. */
    char large[2048];
    size_t used = (size_t)snprintf(large, sizeof large, "{\"touchpoints\": [{\"k5\": 0");
    for (int k = 0; k < 60; k++)
        used += (size_t)snprintf(large + used, sizeof large - used, ", \"k%d\": %d", k, k);
    snprintf(large + used, sizeof large - used, "}]}");
    json_fails(large, CXM_EPARSE, "map.json: touchpoints[0]: key 'k5' appears twice");
    json_fails("{\"touchpoints\": [{\"name\": \"x\"}]}", CXM_EPARSE,
               "map.json: touchpoints[0]: key 'id' is missing");
    json_fails("{\"touchpoints\": [{\"id\": 7}]}", CXM_EPARSE,
               "map.json: touchpoints[0]: key 'id' must be a string, got a number");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"rung\": \"KNOW\"}]}", CXM_EPARSE,
               "map.json: touchpoints[0] ('a'): key 'decision' is missing");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\", "
               "\"employee_ratings\": [5, \"high\"]}]}",
               CXM_EPARSE,
               "map.json: touchpoints[0] ('a'): employee_ratings[1] must be a number, got a string");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\"},"
               " {\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\"}]}",
               CXM_EPARSE, "map.json: touchpoints[1] ('a'): id 'a' is already used by touchpoints[0]");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\", "
               "\"importance\": \"high\"}]}",
               CXM_EPARSE, "map.json: touchpoints[0] ('a'): key 'importance' must be a number, got a string");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\", "
               "\"colour\": 1}]}",
               CXM_EPARSE,
               "map.json: touchpoints[0] ('a'): unknown key 'colour' (allowed: id, name, channel, "
               "department, decision, rung, importance, employee_ratings, conversion, description)");
    json_fails("{\"conversion\": {\"touchpoints\": [\"zz\"]}, \"touchpoints\": [{\"id\": \"a\", "
               "\"decision\": \"BUY\", \"rung\": \"DO\"}]}",
               CXM_EPARSE, "map.json: conversion: touchpoints[0]: 'zz' is not a touchpoint of the map");
    json_fails("{\"conversion\": \"LEAVE\", \"touchpoints\": [{\"id\": \"a\", \"decision\": "
               "\"BUY\", \"rung\": \"DO\"}]}",
               CXM_EPARSE, "map.json: conversion: must be one of EXPLORE, BUY, PROMOTE or an object, got 'LEAVE'");
    json_fails("{\"rating_scale\": [5, 1], \"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", "
               "\"rung\": \"DO\"}]}",
               CXM_EPARSE, "map.json: key 'rating_scale': the rating scale [5, 1] is empty");
    json_fails("{\"version\": 2, \"touchpoints\": []}", CXM_EPARSE,
               "map.json: key 'version' must be 1 (the only schema version so far)");
    json_fails("{\"touchpoints\": [{\"id\": \"a\", \"decision\": \"BUY\", \"rung\": \"DO\"}]} x",
               CXM_EPARSE, "map.json: text after the JSON document: 'x'");
    cxm_journey_map *map;
    ck_assert_int_eq(cxm_journey_map_load_json(&map, "/nonexistent/map.json"), CXM_EIO);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "/nonexistent/map.json: cannot open"));
}
END_TEST

/* ------------------------------------------------------------------ closed forms */

START_TEST(decision_chain_models)
{
    /* docs/models.md §2.2 */
    const double p[8] = { 1.0 / 5, 2.0 / 5, 0, 2.0 / 5, 0, 3.0 / 10, 1.0 / 5, 1.0 / 2 };
    cxm_table *t;
    ck_assert_int_eq(cxm_decision_chain(&t, p), CXM_OK);
    ck_assert_str_eq(text(t, 0, "from"), "EXPLORE");
    EXACT(number(t, 0, "n_explore"), 5.0 / 4);
    EXACT(number(t, 0, "n_buy"), 5.0 / 7);
    EXACT(number(t, 1, "n_explore"), 0);
    EXACT(number(t, 1, "n_buy"), 10.0 / 7);
    EXACT(number(t, 0, "promote"), 1.0 / 7);
    EXACT(number(t, 0, "leave"), 6.0 / 7);
    EXACT(number(t, 0, "steps"), 55.0 / 28);
    EXACT(number(t, 1, "promote"), 2.0 / 7);
    EXACT(number(t, 1, "p_leave"), 0.5);
    cxm_table_free(t);
    /* counts work as well as probabilities */
    const double counts[8] = { 1, 2, 0, 2, 0, 3, 2, 5 };
    ck_assert_int_eq(cxm_decision_chain(&t, counts), CXM_OK);
    EXACT(number(t, 0, "steps"), 55.0 / 28);
    cxm_table_free(t);
    const double empty[8] = { 1, 2, 0, 2, 0, 0, 0, 0 };
    ck_assert_int_eq(cxm_decision_chain(&t, empty), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "the transitions from BUY are all 0");
    const double trapped[8] = { 1, 0, 0, 0, 0, 1, 0, 0 };
    ck_assert_int_eq(cxm_decision_chain(&t, trapped), CXM_EDOMAIN);
    const double negative[8] = { 1, -2, 0, 2, 0, 3, 2, 5 };
    ck_assert_int_eq(cxm_decision_chain(&t, negative), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "from EXPLORE to BUY: transition -2 must not be negative");
}
END_TEST

START_TEST(importance_performance_models)
{
    /* docs/models.md §2.6 */
    const double importance[] = { 4.5, 4.2, 2.5, 2.8 }, performance[] = { 3.0, 4.4, 2.8, 4.6 };
    const char *labels[] = { "T1", "T2", "T3", "T4" };
    cxm_table *t;
    ck_assert_int_eq(cxm_importance_performance(&t, 4, importance, performance, labels), CXM_OK);
    EXACT(scalar(t, "importance_mean"), 3.5);
    EXACT(scalar(t, "performance_mean"), 3.7);
    ck_assert_str_eq(text(t, 0, "quadrant"), "pain point");
    ck_assert_str_eq(text(t, 1, "quadrant"), "bright spot");
    ck_assert_str_eq(text(t, 2, "quadrant"), "low priority");
    ck_assert_str_eq(text(t, 3, "quadrant"), "possible overkill");
    ck_assert_str_eq(text(t, 3, "label"), "T4");
    EXACT(number(t, 0, "rank"), 1);
    ck_assert(number(t, 0, "priority") > number(t, 1, "priority"));
    cxm_table_free(t);
    ck_assert_int_eq(cxm_importance_performance(&t, 4, importance, performance, NULL), CXM_OK);
    ck_assert_str_eq(text(t, 2, "label"), "3");
    cxm_table_free(t);
    ck_assert_int_eq(cxm_importance_performance(&t, 0, importance, performance, NULL), CXM_EINVAL);
    const double bad[] = { 1, NAN };
    ck_assert_int_eq(cxm_importance_performance(&t, 2, bad, performance, NULL), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "item 1: importance must be a finite number, got nan");
}
END_TEST

/* ------------------------------------------------------------------ journeys */

START_TEST(customers_table)
{
    cxm_journeys *j = example_journeys();
    ck_assert_uint_eq(cxm_journeys_customer_count(j), 9);
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_customers(&t, j), CXM_OK);
    ck_assert_uint_eq(cxm_table_rows(t), 9);
    size_t c1 = row_of(t, "customer", "c1"), c5 = row_of(t, "customer", "c5");
    ck_assert_str_eq(text(t, c1, "journey"), "ad > site > store > store > store > review");
    ck_assert_str_eq(text(t, c1, "furthest_decision"), "PROMOTE");
    ck_assert_str_eq(text(t, c1, "highest_rung"), "CREATE");
    ck_assert_str_eq(text(t, c1, "segment"), "web");
    EXACT(number(t, c1, "touches"), 6);
    EXACT(number(t, c1, "time_to_buy"), 2);
    EXACT(number(t, c1, "time_to_promote"), 3);
    EXACT(number(t, c1, "last_time") - number(t, c1, "first_time"), 5);
    EXACT(number(t, c1, "converted"), 1);
    EXACT(number(t, c1, "value"), 30);
    EXACT(number(t, c1, "remembered"), 5);          /* ratings 4 3 4 2 5 around 3: peak 2, end 2 */
    EXACT(number(t, c1, "valence_peak_end"), 2.5);  /* docs/models.md §2.5: +1 -3 +2 +4 +1 */
    EXACT(number(t, c1, "rating_mean"), 3.6);
    ck_assert_str_eq(text(t, c5, "furthest_decision"), "BUY");
    EXACT(number(t, c5, "time_to_buy"), 0);
    ck_assert(isnan(number(t, c5, "promote_time")));
    cxm_table_free(t);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(funnel_with_segments)
{
    cxm_journeys *j = example_journeys();
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_funnel(&t, j, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_table_rows(t), 9); /* (all), web, shop × 3 decisions */
    ck_assert_str_eq(text(t, 0, "segment"), "(all)");
    ck_assert_str_eq(text(t, 1, "decision"), "BUY");
    EXACT(number(t, 0, "customers"), 9);
    EXACT(number(t, 1, "customers"), 7);
    EXACT(number(t, 2, "customers"), 2);
    EXACT(number(t, 1, "rate"), 7.0 / 9);
    EXACT(number(t, 2, "rate"), 2.0 / 7);
    EXACT(number(t, 0, "drop_off"), 2);
    EXACT(number(t, 1, "drop_off_rate"), 5.0 / 7);
    ck_assert_double_eq_tol(number(t, 1, "rate_lower"), 0.4525889691069889, 1e-12);
    ck_assert_double_eq_tol(number(t, 1, "rate_upper"), 0.9367748928821533, 1e-12);
    ck_assert_double_eq_tol(number(t, 2, "rate_lower"), 0.08221892400405678, 1e-12);
    ck_assert_double_eq_tol(number(t, 2, "rate_upper"), 0.6410655481673808, 1e-12);
    /* EXPLORE -> BUY: 2, 2 and five direct buyers at 0 days */
    EXACT(number(t, 0, "next_n"), 7);
    EXACT(number(t, 0, "next_median"), 0);
    EXACT(number(t, 0, "next_q75"), 1);
    EXACT(number(t, 0, "next_q90"), 2);
    EXACT(number(t, 0, "next_mean"), 4.0 / 7);
    EXACT(number(t, 1, "next_median"), 4);
    ck_assert(isnan(number(t, 2, "next_median")));
    size_t web = row_of(t, "segment", "web");
    EXACT(number(t, web, "customers"), 4);
    EXACT(number(t, web + 1, "customers"), 3);
    EXACT(number(t, web + 2, "customers"), 1);
    size_t shop = row_of(t, "segment", "shop");
    EXACT(number(t, shop + 1, "customers"), 4);
    EXACT(number(t, shop + 1, "share"), 4.0 / 5);
    cxm_table_free(t);
    cxm_journey_options o = CXM_JOURNEY_OPTIONS_INIT;
    o.level = 1.5;
    ck_assert_int_eq(cxm_journeys_funnel(&t, j, &o), CXM_EINVAL);
    ck_assert_str_eq(cxm_error_message(), "confidence level 1.5 is outside (0, 1)");
    cxm_journeys_free(j);
}
END_TEST

START_TEST(decision_chain_from_journeys)
{
    /* The example log walks EXPLORE -> {E 1, B 2, L 2}, BUY -> {B 3, P 2, L 5}:
     * the chain of docs/models.md §2.2. */
    cxm_journeys *j = example_journeys();
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_decision_chain(&t, j), CXM_OK);
    EXACT(number(t, 0, "count_explore"), 1);
    EXACT(number(t, 0, "count_buy"), 2);
    EXACT(number(t, 0, "count_leave"), 2);
    EXACT(number(t, 1, "count_buy"), 3);
    EXACT(number(t, 1, "count_promote"), 2);
    EXACT(number(t, 1, "count_leave"), 5);
    EXACT(number(t, 0, "n_explore"), 5.0 / 4);
    EXACT(number(t, 0, "n_buy"), 5.0 / 7);
    EXACT(number(t, 1, "n_buy"), 10.0 / 7);
    EXACT(number(t, 0, "promote"), 1.0 / 7);
    EXACT(number(t, 0, "leave"), 6.0 / 7);
    EXACT(number(t, 0, "steps"), 55.0 / 28);
    EXACT(number(t, 1, "promote"), 2.0 / 7);
    cxm_table_free(t);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(touchpoint_gap)
{
    cxm_journeys *j = example_journeys();
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_touchpoint_gap(&t, j, NULL), CXM_OK);
    size_t store = row_of(t, "touchpoint", "store");
    ck_assert_str_eq(text(t, store, "department"), "Sales");
    EXACT(number(t, store, "employee_n"), 5);
    EXACT(number(t, store, "customer_n"), 6);
    /* scipy.stats.ttest_ind(equal_var=False), tests/data/journey_reference.py */
    ck_assert_double_eq_tol(number(t, store, "difference"), 1.2666666666666662, 1e-12);
    ck_assert_double_eq_tol(number(t, store, "std_error"), 0.4876246279442598, 1e-12);
    ck_assert_double_eq_tol(number(t, store, "df"), 7.829714481107881, 1e-10);
    ck_assert_double_eq_tol(number(t, store, "t"), 2.597626522693719, 1e-10);
    ck_assert_double_eq_tol(number(t, store, "p_value"), 0.03230787353574114, 1e-9);
    ck_assert_double_eq_tol(number(t, store, "lower"), 0.13793118394006187, 1e-9);
    ck_assert_double_eq_tol(number(t, store, "upper"), 2.3954021493932705, 1e-9);
    size_t ad = row_of(t, "touchpoint", "ad");
    EXACT(number(t, ad, "difference"), 0); /* one customer rating: no test */
    ck_assert(isnan(number(t, ad, "t")));
    cxm_table_free(t);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(remembered_gap)
{
    cxm_journeys *j = example_journeys();
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_remembered_gap(&t, j, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_table_rows(t), 4); /* c1, c5, c6, c7 rated something */
    size_t c1 = row_of(t, "customer", "c1"), c6 = row_of(t, "customer", "c6");
    EXACT(number(t, c1, "remembered"), 5);
    EXACT(number(t, c1, "parts_mean"), (4 + 4.6 + 5) / 3);
    EXACT(number(t, c1, "lowest_claim"), 4);
    EXACT(number(t, c1, "below_all"), 0);
    EXACT(number(t, c6, "remembered"), 3);
    EXACT(number(t, c6, "gap"), 3 - 4.6);
    EXACT(number(t, c6, "below_all"), 1);
    EXACT(scalar(t, "customers"), 4);
    EXACT(scalar(t, "share_below_all"), 0.5);
    ck_assert(scalar(t, "share_lower") < 0.5 && scalar(t, "share_upper") > 0.5);
    cxm_table_free(t);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(remembered_models)
{
    /* docs/models.md §2.5 through journeys: no rating scale, so ratings are used as they are */
    cxm_journey_map *map;
    ck_assert_int_eq(cxm_journey_map_create(&map), CXM_OK);
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "visit", NULL, NULL, NULL,
                                                    CXM_DECISION_EXPLORE, CXM_RUNG_KNOW),
                     CXM_OK);
    const double ratings[] = { 9, 1 };
    ck_assert_int_eq(cxm_journey_map_add_employee_ratings(map, "visit", 2, ratings), CXM_OK);
    cxm_journeys *j;
    ck_assert_int_eq(cxm_journeys_create(&j, map), CXM_OK);
    const double pain[] = { 2, 4, 6, 7, 8, 8, 7.5, 7, 6.5 };
    for (int i = 0; i < 9; i++) {
        if (i < 6)
            ck_assert_int_eq(cxm_journeys_add_event(j, "short", i, "visit", NAN, pain[i], NAN, NULL),
                             CXM_OK);
        ck_assert_int_eq(cxm_journeys_add_event(j, "long", i, "visit", NAN, pain[i], NAN, NULL),
                         CXM_OK);
    }
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_customers(&t, j), CXM_OK);
    EXACT(number(t, row_of(t, "customer", "short"), "remembered"), 8);
    EXACT(number(t, row_of(t, "customer", "long"), "remembered"), 7.25);
    cxm_table_free(t);
    ck_assert_int_eq(cxm_journeys_remembered_gap(&t, j, NULL), CXM_OK);
    EXACT(number(t, row_of(t, "customer", "long"), "parts_mean"), 5);
    EXACT(number(t, row_of(t, "customer", "long"), "below_all"), 0);
    cxm_table_free(t);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
}
END_TEST

START_TEST(experience_map_and_ladder)
{
    cxm_journeys *j = example_journeys();
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_experience_map(&t, j, NULL), CXM_OK);
    EXACT(scalar(t, "derived"), 0); /* every touchpoint states its importance */
    size_t ad = row_of(t, "touchpoint", "ad"), site = row_of(t, "touchpoint", "site");
    size_t store = row_of(t, "touchpoint", "store");
    EXACT(number(t, store, "traffic"), 7);
    EXACT(number(t, store, "touches"), 10);
    EXACT(number(t, ad, "drop_off"), 1);
    EXACT(number(t, ad, "drop_off_rate"), 1.0 / 3);
    EXACT(number(t, site, "drop_off_rate"), 1.0 / 2);
    EXACT(number(t, store, "performance"), 20.0 / 6);
    ck_assert_str_eq(text(t, site, "quadrant"), "unrated"); /* nobody rated the site */
    /* means over the rated touchpoints: importance 9.8/3, performance (4 + 10/3 + 5)/3 */
    EXACT(scalar(t, "importance_mean"), 9.8 / 3);
    ck_assert_str_eq(text(t, ad, "quadrant"), "pain point");
    ck_assert_str_eq(text(t, store, "quadrant"), "low priority");
    ck_assert_str_eq(text(t, row_of(t, "touchpoint", "review"), "quadrant"), "possible overkill");
    cxm_table_free(t);
    ck_assert_int_eq(cxm_journeys_ladder(&t, j, NULL), CXM_OK);
    ck_assert_str_eq(text(t, 0, "rung"), "KNOW");
    EXACT(number(t, 0, "reached"), 3);
    EXACT(number(t, 1, "reached"), 2);
    EXACT(number(t, 2, "reached"), 7);
    EXACT(number(t, 3, "reached"), 2);
    EXACT(number(t, 0, "highest"), 1);
    EXACT(number(t, 2, "highest"), 5);
    EXACT(number(t, 3, "highest"), 2);
    EXACT(number(t, 0, "share"), 3.0 / 9);
    EXACT(number(t, 0, "buy_rate"), 2.0 / 3);
    EXACT(number(t, 0, "promote_rate"), 2.0 / 3);
    EXACT(number(t, 1, "promote_rate"), 1.0 / 2);
    EXACT(number(t, 3, "promote_rate"), 1);
    EXACT(scalar(t, "customers"), 9);
    cxm_table_free(t);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(experience_map_models_and_derived)
{
    /* docs/models.md §2.6 from an event log: stated importance, mean customer ratings */
    cxm_journey_map *map;
    ck_assert_int_eq(cxm_journey_map_create(&map), CXM_OK);
    const char *ids[] = { "T1", "T2", "T3", "T4" };
    const double importance[] = { 4.5, 4.2, 2.5, 2.8 }, performance[] = { 3.0, 4.4, 2.8, 4.6 };
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, ids[i], NULL, NULL, NULL,
                                                        CXM_DECISION_EXPLORE, CXM_RUNG_KNOW),
                         CXM_OK);
        ck_assert_int_eq(cxm_journey_map_set_importance(map, ids[i], importance[i]), CXM_OK);
    }
    ck_assert_int_eq(cxm_journey_map_add_touchpoint(map, "buy", NULL, NULL, NULL,
                                                    CXM_DECISION_BUY, CXM_RUNG_DO),
                     CXM_OK);
    cxm_journeys *j;
    ck_assert_int_eq(cxm_journeys_create(&j, map), CXM_OK);
    const char *customers[] = { "a", "b", "c", "d" };
    const double times[] = { 1, 2, 3, 4 };
    ck_assert_int_eq(cxm_journeys_add_events(j, 4, customers, times, ids, NULL, performance, NULL,
                                             NULL),
                     CXM_OK);
    cxm_journey_options o = CXM_JOURNEY_OPTIONS_INIT;
    o.importance = CXM_IMPORTANCE_STATED;
    cxm_table *t;
    ck_assert_int_eq(cxm_journeys_experience_map(&t, j, &o), CXM_OK);
    EXACT(scalar(t, "importance_mean"), 3.5);
    EXACT(scalar(t, "performance_mean"), 3.7);
    ck_assert_str_eq(text(t, 0, "quadrant"), "pain point");
    ck_assert_str_eq(text(t, 1, "quadrant"), "bright spot");
    ck_assert_str_eq(text(t, 2, "quadrant"), "low priority");
    ck_assert_str_eq(text(t, 3, "quadrant"), "possible overkill");
    ck_assert_str_eq(text(t, 4, "quadrant"), "unrated");
    cxm_table_free(t);
    cxm_journeys_free(j);
    /* derived importance: ratings 1 2 4 5 of T1, and only the two who rated
     * it 4 and 5 went on to buy: slope of buying on the rating = 3/10 */
    ck_assert_int_eq(cxm_journeys_create(&j, map), CXM_OK);
    const double ratings[] = { 1, 2, 4, 5 };
    for (int i = 0; i < 4; i++) {
        ck_assert_int_eq(cxm_journeys_add_event(j, customers[i], 0, "T1", NAN, ratings[i], NAN, NULL),
                         CXM_OK);
        if (ratings[i] > 3)
            ck_assert_int_eq(cxm_journeys_add_event(j, customers[i], 1, "buy", 10, NAN, NAN, NULL),
                             CXM_OK);
    }
    ck_assert_int_eq(cxm_journeys_experience_map(&t, j, NULL), CXM_OK);
    EXACT(scalar(t, "derived"), 1);
    EXACT(number(t, 0, "importance"), 0.3);
    EXACT(number(t, 0, "drop_off"), 2);
    cxm_table_free(t);
    o.importance = CXM_IMPORTANCE_PROMOTE;
    ck_assert_int_eq(cxm_journeys_experience_map(&t, j, &o), CXM_OK);
    EXACT(number(t, 0, "importance"), 0); /* nobody promoted */
    cxm_table_free(t);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
}
END_TEST

START_TEST(paths_from_journeys)
{
    cxm_journeys *j = example_journeys();
    cxm_paths *p;
    ck_assert_int_eq(cxm_journeys_paths(&p, j, NULL), CXM_OK);
    ck_assert_uint_eq(cxm_paths_count(p), 9);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, NULL), CXM_OK);
    EXACT(scalar(t, "total_conversions"), 7);
    EXACT(scalar(t, "total_value"), 30 + 20 + 5 * 10);
    /* c1: ad > site, c2: ad, five direct buyers */
    EXACT(number(t, row_of(t, "channel", "(direct)"), "last_touch"), 5);
    EXACT(number(t, row_of(t, "channel", "ad"), "first_touch"), 2);
    EXACT(number(t, row_of(t, "channel", "site"), "linear"), 0.5);
    /* ages: ad 2 days and site 1 day before c1's purchase; half-life 7 days */
    double w_ad = exp2(-2.0 / 7), w_site = exp2(-1.0 / 7);
    EXACT(number(t, row_of(t, "channel", "site"), "time_decay"), w_site / (w_ad + w_site));
    cxm_table_free(t);
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    EXACT(scalar(t, "conversion_probability"), 7.0 / 9);
    cxm_table_free(t);
    cxm_paths_free(p);
    cxm_journey_options o = CXM_JOURNEY_OPTIONS_INIT;
    o.by_channel = 1;
    ck_assert_int_eq(cxm_journeys_paths(&p, j, &o), CXM_OK);
    ck_assert_int_eq(cxm_attribution_shapley(&t, p), CXM_OK);
    EXACT(number(t, row_of(t, "channel", "display"), "shapley"), 1.5);
    EXACT(number(t, row_of(t, "channel", "web"), "shapley"), 0.5);
    cxm_table_free(t);
    cxm_paths_free(p);
    cxm_journeys_free(j);
}
END_TEST

START_TEST(event_errors)
{
    cxm_journey_map *map = example_map();
    cxm_journeys *j;
    ck_assert_int_eq(cxm_journeys_create(&j, map), CXM_OK);
    cxm_table *t = (cxm_table *)1;
    ck_assert_int_eq(cxm_journeys_funnel(&t, j, NULL), CXM_EDOMAIN);
    ck_assert_ptr_null(t);
    ck_assert_str_eq(cxm_error_message(), "there are no events");
    ck_assert_int_eq(cxm_journeys_add_event(j, "c", 1, "chekout", NAN, NAN, NAN, NULL),
                     CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(), "touchpoint 'chekout' is not in the journey map");
    ck_assert_int_eq(cxm_journeys_add_event(j, "", 1, "ad", NAN, NAN, NAN, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_journeys_add_event(j, "c", NAN, "ad", NAN, NAN, NAN, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_journeys_add_event(j, "c", 1, "ad", INFINITY, NAN, NAN, NULL), CXM_EINVAL);
    const char *customers[] = { "a", "b" }, *tps[] = { "ad", "nope" };
    const double times[] = { 1, 2 };
    ck_assert_int_eq(cxm_journeys_add_events(j, 2, customers, times, tps, NULL, NULL, NULL, NULL),
                     CXM_ENOTFOUND);
    ck_assert_str_eq(cxm_error_message(), "event 1: touchpoint 'nope' is not in the journey map");
    ck_assert_uint_eq(cxm_journeys_customer_count(j), 1);
    /* a bad event log names the file, the line and the column */
    char path[] = "/tmp/cxm-events-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("customer,timestamp,touchpoint\nx,2024-01-01,ad\ny,2024-13-01,ad\nz,2024-01-02,chekout\n", f);
    fclose(f);
    ck_assert_int_eq(cxm_journeys_read_csv(j, path, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                     CXM_EPARSE);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), ":3: column 'timestamp': '2024-13-01'"));
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.skip_bad_rows = 1;
    ck_assert_int_eq(cxm_journeys_read_csv(j, path, NULL, NULL, NULL, NULL, NULL, NULL, NULL, &csv),
                     CXM_OK);
    ck_assert_uint_eq(cxm_journeys_skipped(j), 2);
    ck_assert_ptr_nonnull(strstr(cxm_journeys_skipped_message(j, 1),
                                 ":4: column 'touchpoint': touchpoint 'chekout' is not in the journey map"));
    ck_assert_ptr_null(cxm_journeys_skipped_message(j, 2));
    ck_assert_int_eq(cxm_journeys_read_csv(j, path, "who", NULL, NULL, NULL, NULL, NULL, NULL, NULL),
                     CXM_ENOTFOUND);
    remove(path);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
}
END_TEST

/* ------------------------------------------------------------------ path files */

START_TEST(path_file)
{
    char path[] = "/tmp/cxm-paths-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("path;conversions;value;nulls\nA > B;3;30;2\nB;1;10;4\n\"A > C\";2;20;1\n"
          "C > B > C;1;10;1\nA > A > C;1;10;1\n", f);
    fclose(f);
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, NULL), CXM_OK);
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_markov(&t, p, NULL), CXM_OK);
    EXACT(number(t, 0, "removal_effect"), 125.0 / 208);
    EXACT(number(t, 0, "value"), 90000.0 / 3361);
    cxm_table_free(t);
    cxm_paths_free(p);
    /* errors name the file, line and column */
    f = fopen(path, "w");
    fputs("path,conversions\nA > B,1\nA > > B,2\nC,x\n", f);
    fclose(f);
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, NULL), CXM_EPARSE);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), ":3: column 'path': touch 2 of 'A > > B' is empty"));
    cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
    csv.skip_bad_rows = 1;
    cxm_paths_free(p);
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, &csv), CXM_OK);
    ck_assert_uint_eq(cxm_paths_count(p), 1);
    ck_assert_uint_eq(cxm_paths_skipped(p), 2);
    ck_assert_ptr_nonnull(strstr(cxm_paths_skipped_message(p, 1), ":4: column 'conversions': 'x'"));
    ck_assert_int_eq(cxm_paths_read_csv(p, path, "route", NULL, NULL, NULL, NULL), CXM_ENOTFOUND);
    ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, "worth", NULL, NULL), CXM_ENOTFOUND);
    f = fopen(path, "w");
    fputs("route,n\nA,1\n", f);
    fclose(f);
    ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, NULL), CXM_ENOTFOUND);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "no path column (looked for 'path' or 'paths'; the columns are 'route', 'n')"));
    ck_assert_int_eq(cxm_paths_read_csv(p, "/nonexistent/paths.csv", NULL, NULL, NULL, NULL, NULL),
                     CXM_EIO);
    cxm_paths_free(p);
    remove(path);
}
END_TEST

/* The same file read with and without the helper thread: same paths, same
 * results, same errors and skipped-row messages. */
START_TEST(path_file_threads)
{
    char path[] = "/tmp/cxm-paths-threads-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("path,conversions,value,nulls\n", f);
    unsigned seed = 7;
    for (int i = 0; i < 60000; i++) {
        int n = 1 + (int)(rand_r(&seed) % 6);
        for (int k = 0; k < n; k++)
            fprintf(f, "%sch%u", k ? " > " : "", rand_r(&seed) % 9);
        unsigned c = rand_r(&seed) % 3;
        if (i == 12345)
            fputs(" > ", f); /* an empty touch */
        if (i == 40000)
            fprintf(f, ",lots,0,1\n");
        else
            fprintf(f, ",%u,%g,%u\n", c, c ? c * 10 + 0.5 : 0.0, rand_r(&seed) % 4);
    }
    fclose(f);
    double re[2][9];
    const char *messages[2][3];
    cxm_paths *kept[2];
    for (unsigned t = 1; t <= 2; t++) {
        cxm_paths *p;
        ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
        ck_assert_int_eq(cxm_paths_set_threads(p, t), CXM_OK);
        ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, NULL), CXM_EPARSE);
        ck_assert_msg(strstr(cxm_error_message(), ":12347: column 'path': touch ") != NULL, "threads %u: %s", t, cxm_error_message());
        cxm_paths_free(p);
        ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
        ck_assert_int_eq(cxm_paths_set_threads(p, t), CXM_OK);
        cxm_csv_options csv = CXM_CSV_OPTIONS_INIT;
        csv.skip_bad_rows = 1;
        ck_assert_int_eq(cxm_paths_read_csv(p, path, NULL, NULL, NULL, NULL, &csv), CXM_OK);
        ck_assert_uint_eq(cxm_paths_count(p), 59998);
        ck_assert_uint_eq(cxm_paths_skipped(p), 2);
        for (size_t i = 0; i < 3; i++)
            messages[t - 1][i] = cxm_paths_skipped_message(p, i);
        ck_assert_ptr_nonnull(strstr(messages[t - 1][0], ":12347: column 'path'"));
        ck_assert_ptr_nonnull(strstr(messages[t - 1][1], ":40002: column 'conversions': 'lots'"));
        ck_assert_ptr_null(messages[t - 1][2]);
        cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
        o.order = 2;
        cxm_table *tab;
        ck_assert_int_eq(cxm_attribution_markov(&tab, p, &o), CXM_OK);
        ck_assert_uint_eq(cxm_table_rows(tab), 9);
        for (size_t r = 0; r < 9; r++)
            re[t - 1][r] = number(tab, r, "removal_effect");
        cxm_table_free(tab);
        kept[t - 1] = p;
    }
    for (size_t r = 0; r < 9; r++)
        ck_assert_double_eq(re[0][r], re[1][r]);
    ck_assert_str_eq(messages[0][0], messages[1][0]);
    ck_assert_str_eq(messages[0][1], messages[1][1]);
    cxm_paths_free(kept[0]);
    cxm_paths_free(kept[1]);
    ck_assert_int_eq(cxm_paths_set_threads(NULL, 1), CXM_EINVAL);
    remove(path);
}
END_TEST

START_TEST(path_data)
{
    /* ChannelAttribution's PathData, a GPL data set read from ../shared/data
     * beside the source tree (or $CXM_PATHDATA) when present, never copied:
     * a development check. */
    const char *file = getenv("CXM_PATHDATA");
    if (file == NULL || *file == '\0')
        file = source_file("../shared/data/paths/PathData.csv");
    FILE *probe = fopen(file, "r");
    if (probe == NULL) {
        printf("check_journey: SKIP the PathData checks (GPL data, not shipped): %s is not "
               "here; set CXM_PATHDATA to ChannelAttribution's PathData.csv to run them\n",
               file);
        return;
    }
    fclose(probe);
    cxm_paths *p;
    ck_assert_int_eq(cxm_paths_create(&p, NULL), CXM_OK);
    int status = cxm_paths_read_csv(p, file, NULL, NULL, NULL, NULL, NULL);
    ck_assert_msg(status == CXM_OK, "%s", cxm_error_message());
    cxm_table *t;
    ck_assert_int_eq(cxm_attribution_heuristic(&t, p, NULL), CXM_OK);
    size_t alpha = row_of(t, "channel", "alpha"), iota = row_of(t, "channel", "iota");
    /* ChannelAttribution::heuristic_models on PathData */
    EXACT(number(t, alpha, "first_touch"), 6308);
    EXACT(number(t, alpha, "last_touch"), 8447);
    ck_assert_double_eq_tol(number(t, alpha, "linear"), 7574.718594, 5e-7);
    EXACT(number(t, iota, "first_touch"), 4606);
    EXACT(number(t, iota, "last_touch"), 3355);
    ck_assert_double_eq_tol(number(t, iota, "linear"), 3857.096221, 5e-7);
    double total_conv = scalar(t, "total_conversions");
    cxm_table_free(t);
    for (unsigned order = 1; order <= 3; order++) {
        cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
        o.order = order;
        ck_assert_int_eq(cxm_attribution_markov(&t, p, &o), CXM_OK);
        EXACT(scalar(t, "total_conversions"), total_conv);
        ck_assert_double_eq_tol(scalar(t, "conversion_probability"),
                                total_conv / (total_conv + scalar(t, "total_nulls")), 1e-14);
        double sum = 0;
        for (size_t r = 0; r < cxm_table_rows(t); r++)
            sum += number(t, r, "conversions");
        ck_assert_double_eq_tol(sum, total_conv, 1e-8);
        cxm_table_free(t);
    }
    cxm_paths_free(p);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

static int oom_journeys(void *context)
{
    (void)context;
    const char *json = "{\"rating_scale\": [1, 5], \"touchpoints\": ["
                       "{\"id\": \"ad\", \"decision\": \"EXPLORE\", \"rung\": \"KNOW\", "
                       "\"employee_ratings\": [4, 5], \"importance\": 3},"
                       "{\"id\": \"store\", \"decision\": \"BUY\", \"rung\": \"DO\", "
                       "\"employee_ratings\": [5, 4], \"importance\": 4},"
                       "{\"id\": \"review\", \"decision\": \"PROMOTE\", \"rung\": \"CREATE\"}]}";
    cxm_journey_map *map = NULL;
    cxm_journeys *j = NULL;
    cxm_paths *p = NULL;
    cxm_table *t = NULL;
    int status = cxm_journey_map_parse_json(&map, json, strlen(json), "m");
    if (status == CXM_OK)
        status = cxm_journeys_create(&j, map);
    const char *customers[] = { "a", "a", "b", "c", "c", "c", "b" };
    const char *tps[] = { "ad", "store", "ad", "store", "review", "ad", "store" };
    const double times[] = { 1, 2, 1, 5, 6, 4, 0 }, ratings[] = { 4, 2, 5, 3, 5, NAN, 1 };
    const char *segments[] = { "x", "x", "y", NULL, NULL, NULL, "y" };
    if (status == CXM_OK)
        status = cxm_journeys_add_events(j, 7, customers, times, tps, NULL, ratings, ratings,
                                         segments);
    typedef int (*analysis)(cxm_table **, const cxm_journeys *, const cxm_journey_options *);
    analysis all[] = { cxm_journeys_funnel, cxm_journeys_touchpoint_gap,
                       cxm_journeys_remembered_gap, cxm_journeys_experience_map,
                       cxm_journeys_ladder };
    for (size_t i = 0; status == CXM_OK && i < sizeof all / sizeof all[0]; i++) {
        status = all[i](&t, j, NULL);
        cxm_table_free(t);
        t = NULL;
    }
    if (status == CXM_OK)
        status = cxm_journeys_customers(&t, j);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_journeys_decision_chain(&t, j);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_journey_map_touchpoints(&t, map);
    cxm_table_free(t);
    t = NULL;
    if (status == CXM_OK)
        status = cxm_journeys_paths(&p, j, NULL);
    cxm_paths_free(p);
    const double probabilities[8] = { 1, 2, 0, 2, 0, 3, 2, 5 };
    if (status == CXM_OK)
        status = cxm_decision_chain(&t, probabilities);
    cxm_table_free(t);
    t = NULL;
    const double ip[] = { 1, 2, 3 };
    if (status == CXM_OK)
        status = cxm_importance_performance(&t, 3, ip, ip, NULL);
    cxm_table_free(t);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
    return status;
}

static int oom_files(void *context)
{
    const char *dir = context;
    char file[4200];
    cxm_journey_map *map = NULL;
    cxm_journeys *j = NULL;
    cxm_paths *p = NULL;
    snprintf(file, sizeof file, "%s/examples/journey/map.json", dir);
    int status = cxm_journey_map_load_json(&map, file);
    if (status == CXM_OK)
        status = cxm_journeys_create(&j, map);
    snprintf(file, sizeof file, "%s/examples/journey/events.csv", dir);
    if (status == CXM_OK)
        status = cxm_journeys_read_csv(j, file, NULL, NULL, NULL, NULL, NULL, NULL, "segment", NULL);
    if (status == CXM_OK)
        status = cxm_paths_create(&p, " > ");
    snprintf(file, sizeof file, "%s/examples/journey/paths.csv", dir);
    if (status == CXM_OK)
        status = cxm_paths_read_csv(p, file, NULL, NULL, NULL, NULL, NULL);
    cxm_paths_free(p);
    cxm_journeys_free(j);
    cxm_journey_map_free(map);
    return status;
}

START_TEST(out_of_memory)
{
    ck_assert_int_gt(chaos_run(oom_journeys, NULL, "journeys"), 20);
    const char *top = getenv("top_srcdir");
    ck_assert_int_gt(chaos_run(oom_files, (void *)(top ? top : ".."), "journey files"), 10);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("journey");
    TCase *tc = tcase_create("maps");
    tcase_add_test(tc, map_through_the_api);
    tcase_add_test(tc, map_from_json);
    tcase_add_test(tc, map_json_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("closed forms");
    tcase_add_test(tc, decision_chain_models);
    tcase_add_test(tc, importance_performance_models);
    suite_add_tcase(s, tc);
    tc = tcase_create("journeys");
    tcase_add_test(tc, customers_table);
    tcase_add_test(tc, funnel_with_segments);
    tcase_add_test(tc, decision_chain_from_journeys);
    tcase_add_test(tc, touchpoint_gap);
    tcase_add_test(tc, remembered_gap);
    tcase_add_test(tc, remembered_models);
    tcase_add_test(tc, experience_map_and_ladder);
    tcase_add_test(tc, experience_map_models_and_derived);
    tcase_add_test(tc, paths_from_journeys);
    tcase_add_test(tc, event_errors);
    suite_add_tcase(s, tc);
    tc = tcase_create("files");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, path_file);
    tcase_add_test(tc, path_file_threads);
    tcase_add_test(tc, path_data);
    tcase_add_test(tc, out_of_memory);
    suite_add_tcase(s, tc);
    return cxm_check_run(s);
}
