/* cxm demo --html: the report as one self-contained page (inline CSS and
 * SVG from svg.c; no scripts, fonts or other files). */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "demo.h"
#include "output.h"
#include "svg.h"

static const char style[] =
    "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#1a202c;"
    "line-height:1.45}"
    "h1{font-size:1.6em;margin-bottom:0.2em}h2{margin-top:2em;border-bottom:2px solid #2b6cb0;"
    "padding-bottom:0.2em}h3{margin-top:1.5em}"
    "p.lead{color:#4a5568}"
    "table{border-collapse:collapse;margin:0.5em 0 1em}"
    "th,td{padding:0.25em 0.7em;border-bottom:1px solid #e2e8f0;text-align:right}"
    "th:first-child,td:first-child{text-align:left}"
    "th{background:#edf2f7}"
    "figure.chart{margin:1em 0}figcaption{font-weight:bold;margin-bottom:0.3em}"
    ".grid{display:flex;flex-wrap:wrap;gap:1em}"
    ".note{color:#4a5568;font-size:0.9em}"
    ".big{font-size:1.3em;font-weight:bold;color:#2b6cb0}"
    "table.tp td:nth-child(2),table.tp th:nth-child(2){text-align:left}";

static void money(FILE *f, double v)
{
    char buf[48];
    fprintf(f, "$%s", demo_thousands(buf, sizeof buf, v));
}

static void cdnow_section(FILE *f, const demo_cdnow *d)
{
    char a[48];
    fprintf(f, "<h2>1. Lifetime value on real data: the CDNOW sample</h2>\n");
    fprintf(f,
            "<p>%s customers of an online CD retailer who first bought in the first quarter of "
            "1997 (Fader &amp; Hardie's 1/10 sample). Models are fitted on weeks 1&ndash;39 and "
            "judged on weeks 40&ndash;78, which they never saw.</p>\n",
            demo_thousands(a, sizeof a, (double)d->customers));
    fprintf(f, "<table><tr><th>model</th><th colspan=4>parameters (standard errors)</th>"
               "<th>log-likelihood</th></tr>\n");
    fprintf(f, "<tr><td>BG/NBD</td><td>r %.3f (%.3f)</td><td>&alpha; %.2f (%.2f)</td>"
               "<td>a %.3f (%.3f)</td><td>b %.2f (%.2f)</td><td>%.1f</td></tr>\n",
            d->bg[0], d->bg_se[0], d->bg[1], d->bg_se[1], d->bg[2], d->bg_se[2], d->bg[3],
            d->bg_se[3], d->bg_ll);
    fprintf(f, "<tr><td>Gamma-Gamma</td><td>p %.2f (%.2f)</td><td>q %.2f (%.2f)</td>"
               "<td>&gamma; %.2f (%.2f)</td><td></td><td></td></tr></table>\n",
            d->gg[0], d->gg_se[0], d->gg[1], d->gg_se[1], d->gg[2], d->gg_se[2]);
    fprintf(f, "<p>Repeat purchases in weeks 40&ndash;78: predicted <b>%.0f</b>, actual "
               "<b>%.0f</b> (%+.1f%%).</p>\n",
            d->holdout_predicted, d->holdout_actual,
            100.0 * (d->holdout_predicted - d->holdout_actual) / d->holdout_actual);
    static const char *const series[] = { "actual", "predicted (BG/NBD, weeks 1-39)" };
    double y[2 * DEMO_WEEKS];
    memcpy(y, d->actual, sizeof d->actual);
    memcpy(y + DEMO_WEEKS, d->predicted, sizeof d->predicted);
    svg_line_chart(f, "Cumulative repeat purchases of the cohort, actual and predicted",
                   DEMO_WEEKS, d->weeks, 2, y, series, "weeks since 1997-01-01",
                   "repeat purchases", 39.0, "calibration ends (week 39)");
    const char *rows[DEMO_PALIVE_X], *cols[DEMO_PALIVE_T];
    char row_text[DEMO_PALIVE_X][8], col_text[DEMO_PALIVE_T][8];
    for (int r = 0; r < DEMO_PALIVE_X; r++) {
        snprintf(row_text[r], sizeof row_text[r], "%d", r);
        rows[r] = row_text[r];
    }
    for (int k = 0; k < DEMO_PALIVE_T; k++) {
        snprintf(col_text[k], sizeof col_text[k], "%d", k);
        cols[k] = col_text[k];
    }
    svg_heat_map(f, "P(alive) of a customer 39 weeks after the first purchase, by repeat "
                    "purchases (rows) and the last purchase (columns)",
                 DEMO_PALIVE_X, DEMO_PALIVE_T, d->palive, 0.0, 1.0, "repeat purchases",
                 "last purchase, weeks since the first purchase", rows, cols, "P(alive)");
    fprintf(f, "<h3>The most valuable customers of the next 12 months</h3>\n"
               "<p>Expected value of the cohort: <b>");
    money(f, d->total_value);
    fprintf(f, "</b> (BG/NBD purchases &times; Gamma-Gamma spend, discounted 1%% a month).</p>\n");
    fprintf(f, "<table><tr><th>customer</th><th>repeat purchases</th>"
               "<th>last purchase, weeks since the first</th>"
               "<th>P(alive)</th><th>purchases, next 52 weeks</th><th>spend per purchase</th>"
               "<th>value</th></tr>\n");
    for (size_t k = 0; k < d->ntop; k++) {
        fprintf(f, "<tr><td>");
        svg_text(f, d->top_id[k]);
        fprintf(f, "</td><td>%.0f</td><td>%.1f</td><td>%.2f</td><td>%.1f</td><td>$%.2f</td><td>",
                d->top_x[k], d->top_recency[k], d->top_alive[k], d->top_purchases[k],
                d->top_spend[k]);
        money(f, d->top_value[k]);
        fprintf(f, "</td></tr>\n");
    }
    fprintf(f, "</table>\n");
}

/* The funnel and who earned the first purchases (Markov vs last touch). */
static void world_decisions(FILE *f, const demo_world *w)
{
    char a[48];
    fprintf(f, "<h3>The customer's decisions (outside in)</h3>\n");
    static const char *const stages[] = { "EXPLORE", "BUY", "PROMOTE" };
    char counts[3][64];
    const char *count_labels[3] = { counts[0], counts[1], counts[2] };
    for (int k = 0; k < 3; k++) {
        int used = snprintf(counts[k], sizeof counts[k], "%s",
                            demo_thousands(a, sizeof a, w->funnel[k]));
        if (k > 0 && w->funnel[k - 1] > 0 && used > 0)
            snprintf(counts[k] + used, sizeof counts[k] - (size_t)used, " (%.1f%% of previous)",
                     100.0 * w->funnel[k] / w->funnel[k - 1]);
    }
    svg_funnel(f, "Funnel: customers who reached each decision (PROMOTE: wrote a review or "
                  "referred someone; not the NPS promoters)",
               3, stages, w->funnel, count_labels);
    fprintf(f, "<p class=note>Decision chain: a touch while exploring leads to buying %.1f%% of "
               "the time; a buyer ends up promoting with probability %.2f.</p>\n",
            100 * w->p_explore_buy, w->p_buy_promote);

    const char *labels[DEMO_MAX_TP];
    for (size_t i = 0; i < w->nchannels; i++)
        labels[i] = w->channel[i];
    svg_paired_bar_chart(f, "Who earned the first purchases: exact Markov attribution vs "
                            "last touch (purchases)",
                         w->nchannels, labels, w->markov, "Markov (removal effects)",
                         w->last_touch, "last touch", 0);
}

/* Employees' ratings against customers', and the experience map. */
static void world_touchpoints(FILE *f, const demo_world *w)
{
    fprintf(f, "<h3>The two perspectives meet at the touchpoints</h3>\n");
    const char *labels[DEMO_MAX_TP];
    for (size_t i = 0; i < w->ntp; i++)
        labels[i] = w->name[i];
    svg_paired_bar_chart(f, "Inside out vs outside in: mean rating by employees and by customers "
                            "(1-5)",
                         w->ntp, labels, w->employee, "employees", w->customer, "customers", 2);
    static const char *const quadrants[4] = { "possible overkill", "bright spots: keep it up",
                                              "low priority", "pain points: concentrate here" };
    svg_quadrant_chart(f, "Experience map: importance (stated by customers, 1-5) vs performance "
                          "(mean customer rating, 1-5)",
                       w->ntp, labels, w->importance, w->performance, "importance (1-5)",
                       "performance (1-5)", w->importance_mean, w->performance_mean, quadrants);
    fprintf(f, "<table class=tp><tr><th>touchpoint</th><th>quadrant</th><th>importance (1-5)</th>"
               "<th>performance: customers (1-5)</th><th>employees (1-5)</th><th>gap</th></tr>\n");
    for (size_t i = 0; i < w->ntp; i++) {
        fprintf(f, "<tr><td>");
        svg_text(f, w->name[i]);
        fprintf(f, "</td><td>");
        svg_text(f, w->quadrant[i]);
        fprintf(f, "</td><td>%.1f</td><td>%.2f</td><td>%.2f</td><td>%+.2f</td></tr>\n",
                w->importance[i], w->performance[i], w->employee[i],
                w->employee[i] - w->customer[i]);
    }
    fprintf(f, "</table>\n");
}

/* Can the survey's constructs be believed? Reliability, convergent and
 * discriminant validity of the path model (docs/chain.md). */
static void survey_quality(FILE *f, const demo_world *w)
{
    if (w->nconstructs == 0)
        return;
    fprintf(f, "<p>Does the survey measure what the chain needs? Reliability (Cronbach's "
               "&alpha;, composite &rho;<sub>C</sub>: above 0.70), average variance extracted "
               "(above 0.50) and the highest heterotrait&ndash;monotrait ratio with another "
               "construct (below 0.85 or 0.90: distinct constructs).</p>\n");
    fprintf(f, "<table><tr><th>construct</th><th>&alpha;</th><th>&rho;<sub>C</sub></th>"
               "<th>AVE</th><th>highest HTMT</th></tr>\n");
    for (size_t j = 0; j < w->nconstructs; j++) {
        fprintf(f, "<tr><td>");
        svg_text(f, w->construct[j]);
        fprintf(f, "</td><td>%.2f</td><td>%.2f</td><td>%.2f</td><td>%.2f</td></tr>\n",
                w->alpha[j], w->rho_c[j], w->ave[j], w->htmt_max[j]);
    }
    fprintf(f, "</table>\n");
}

/* NPS, the drivers of satisfaction and BG/NBD against the simulation's truth. */
static void world_chain(FILE *f, const demo_world *w)
{
    char a[48], b[48], c[48];
    fprintf(f, "<h3>From expectations to results: the emotion chain</h3>\n");
    fprintf(f, "<p>Net Promoter Score <span class=big>%+.1f</span> on a scale of -100 to +100 "
               "(95%% interval %+.1f to %+.1f), from %s answers to &ldquo;would you recommend "
               "us?&rdquo; on 0&#8209;10: %s promoters (9&#8209;10), %s detractors "
               "(0&#8209;6). Satisfaction index %.1f on 0-100; the path model explains %.0f%% "
               "of its variance.</p>\n",
            w->nps.nps, w->nps.adjusted_lower, w->nps.adjusted_upper,
            demo_thousands(a, sizeof a, (double)w->respondents),
            demo_thousands(b, sizeof b, w->nps.promoters),
            demo_thousands(c, sizeof c, w->nps.detractors), w->satisfaction_index,
            100 * w->r2_satisfaction);
    const char *drivers[8];
    for (size_t k = 0; k < w->ndrivers; k++)
        drivers[k] = w->driver[k];
    svg_bar_chart(f, "Drivers of satisfaction: importance, the satisfaction index points gained "
                     "per index point of the driver (PLS, 0-100 indices)",
                  w->ndrivers, drivers, w->driver_effect, 2, NULL);
    survey_quality(f, w);
    fprintf(f, "<p class=note>BG/NBD fitted to the simulated purchases: r %.3f (simulation "
               "%.3f), &alpha; %.2f (%.2f), a %.3f (%.3f), b %.2f (%.2f); satisfaction moves "
               "each simulated customer's b.</p>\n",
            w->bg[0], w->true_bg[0], w->bg[1], w->true_bg[1], w->bg[2], w->true_bg[2], w->bg[3],
            w->true_bg[3]);
}

/* What repairing the worst touchpoint is worth: the same customers simulated again. */
static void world_repair(FILE *f, const demo_world *w)
{
    char a[48], b[48];
    const demo_outcome *o = &w->before, *n = &w->after;
    fprintf(f, "<h3>What repairing the worst touchpoint is worth</h3>\n<p>");
    svg_text(f, w->name[w->worst]);
    fprintf(f, " is the top pain point. The same customers, simulated again with its quality "
               "raised from %.1f to %.1f:</p>\n",
            w->quality, w->improved_quality);
    fprintf(f, "<table><tr><th></th><th>today</th><th>repaired</th><th>change</th></tr>\n");
    fprintf(f, "<tr><td>satisfaction (survey mean, 1-10)</td><td>%.2f</td><td>%.2f</td><td>%+.2f</td></tr>\n",
            o->satisfaction, n->satisfaction, n->satisfaction - o->satisfaction);
    fprintf(f, "<tr><td>NPS (-100 to +100)</td><td>%+.1f</td><td>%+.1f</td><td>%+.1f</td></tr>\n", o->nps, n->nps,
            n->nps - o->nps);
    fprintf(f, "<tr><td>customers who promote (funnel PROMOTE)</td><td>%s</td><td>%s</td>"
               "<td>%+.0f</td></tr>\n",
            demo_thousands(a, sizeof a, o->promoters), demo_thousands(b, sizeof b, n->promoters),
            n->promoters - o->promoters);
    fprintf(f, "<tr><td>revenue, %.0f weeks</td><td>$%s</td><td>$%s</td><td>%+.1f%%</td></tr>\n",
            w->weeks, demo_thousands(a, sizeof a, o->revenue), demo_thousands(b, sizeof b, n->revenue),
            100 * (n->revenue - o->revenue) / o->revenue);
    fprintf(f, "<tr><td>value of the next 12 months</td><td>$%s</td><td>$%s</td><td>",
            demo_thousands(a, sizeof a, o->value), demo_thousands(b, sizeof b, n->value));
    money(f, n->value - o->value);
    fprintf(f, "</td></tr></table>\n");
    const char *const what[] = { "today", "repaired" };
    double values[2] = { o->value, n->value };
    char money_text[2][48];
    snprintf(money_text[0], sizeof money_text[0], "$%s", demo_thousands(a, sizeof a, o->value));
    snprintf(money_text[1], sizeof money_text[1], "$%s", demo_thousands(b, sizeof b, n->value));
    const char *const money_labels[2] = { money_text[0], money_text[1] };
    svg_bar_chart(f, "Expected value of the next 12 months (BG/NBD + Gamma-Gamma)", 2, what,
                  values, 0, money_labels);
}

static void world_section(FILE *f, const demo_world *w)
{
    char a[48];
    fprintf(f, "<h2>2. A simulated business: ");
    svg_text(f, w->title);
    fprintf(f, "</h2>\n<p>%s simulated customers (seed %llu) with their own expectations walk "
               "through %zu touchpoints, perceive and feel each one, decide to explore, buy, "
               "promote or leave, answer a survey and keep buying until they drop out. "
               "Employees rate their own touchpoints. Everything below is computed from the "
               "data the simulation produced, as it would be from real logs.</p>\n",
            demo_thousands(a, sizeof a, (double)w->customers), w->seed, w->ntp);
    world_decisions(f, w);
    world_touchpoints(f, w);
    world_chain(f, w);
    if (w->worst != SIZE_MAX)
        world_repair(f, w);
}

int demo_write_html(const char *path, const demo_report *report)
{
    cli_output out;
    FILE *f = cli_output_open(&out, "demo", path);
    if (f == NULL)
        return CLI_EXIT_DATA;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
               "<title>libcxm demo: customer experience, measured</title>\n<style>%s</style>"
               "</head><body>\n",
            style);
    fprintf(f, "<h1>Customer experience, measured</h1>\n<p class=lead>A report by <code>cxm "
               "demo</code> (libcxm %s): lifetime value fitted to real customers, then a "
               "simulated business where the journey, the emotion chain and lifetime value "
               "are measured on one set of customers.</p>\n",
            cxm_version_string());
    cdnow_section(f, &report->cdnow);
    world_section(f, &report->world);
    fprintf(f, "<p class=note>Made by libcxm %s. Every number was computed by the library; the "
               "page has no scripts and loads nothing.</p>\n</body></html>\n",
            cxm_version_string());
    return cli_output_close(&out);
}
