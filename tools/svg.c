/* Minimal SVG charts: fixed sizes, one colour palette, no scripts or fonts. */
#include "config.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "svg.h"

static const char *const palette[] = { "#2b6cb0", "#dd6b20", "#38a169", "#805ad5",
                                       "#d53f8c", "#718096" };

void svg_text(FILE *out, const char *text)
{
    for (const char *p = text ? text : ""; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*p, out);
        }
    }
}

static void chart_open(FILE *out, const char *title, int width, int height)
{
    fprintf(out, "<figure class=\"chart\"><figcaption>");
    svg_text(out, title);
    fprintf(out, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                 "viewBox=\"0 0 %d %d\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">\n",
            width, height, width, height);
}

static void chart_close(FILE *out)
{
    fputs("</svg></figure>\n", out);
}

static void label(FILE *out, double x, double y, const char *anchor, const char *text)
{
    fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">", x, y, anchor);
    svg_text(out, text);
    fputs("</text>\n", out);
}

/* Width of text in the charts' 12px sans-serif: about 0.56 em a character
 * (digits are 0.556 em in Helvetica/Arial/Liberation Sans), enough to keep
 * labels inside their bars and apart from each other. */
static double text_width(const char *text)
{
    return 6.7 * (double)strlen(text ? text : "");
}

static void number_label(FILE *out, double x, double y, const char *anchor, int decimals,
                         double value)
{
    char text[64];
    snprintf(text, sizeof text, "%.*f", decimals, value);
    label(out, x, y, anchor, text);
}

/* Axis ends: three significant digits. */
static void axis_label(FILE *out, double x, double y, const char *anchor, double value)
{
    char text[64];
    snprintf(text, sizeof text, "%.6g", value);
    label(out, x, y, anchor, text);
}

/* Round numbers (1, 2 or 5 times a power of ten) between lo and hi, at most max_ticks. */
static size_t nice_ticks(double lo, double hi, double *ticks, size_t max_ticks)
{
    if (!(hi > lo) || !isfinite(lo) || !isfinite(hi))
        return 0;
    double raw = (hi - lo) / 5.0, power = pow(10.0, floor(log10(raw))), step = power;
    if (raw / power > 5)
        step = 10 * power;
    else if (raw / power > 2)
        step = 5 * power;
    else if (raw / power > 1)
        step = 2 * power;
    size_t n = 0;
    for (double t = ceil(lo / step) * step; t <= hi + step * 1e-9 && n < max_ticks; t += step)
        ticks[n++] = fabs(t) < step * 1e-9 ? 0.0 : t;
    return n;
}

/* Tick labels and faint grid lines on both axes of a plot area. */
static void axes(FILE *out, int left, int top, int width, int height, double xlo, double xhi,
                 double ylo, double yhi)
{
    double ticks[16];
    size_t n = nice_ticks(xlo, xhi, ticks, 16);
    for (size_t i = 0; i < n; i++) {
        double x = left + (ticks[i] - xlo) / (xhi - xlo) * width;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e2e8f0\"/>\n", x,
                top, x, top + height);
        axis_label(out, x, top + height + 16, "middle", ticks[i]);
    }
    n = nice_ticks(ylo, yhi, ticks, 16);
    for (size_t i = 0; i < n; i++) {
        double y = top + height - (ticks[i] - ylo) / (yhi - ylo) * height;
        fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#e2e8f0\"/>\n",
                left, y, left + width, y);
        axis_label(out, left - 4, y + 4, "end", ticks[i]);
    }
}

/* Data range including zero, never empty. */
static void range_with_zero(size_t n, const double *v, double *lo, double *hi)
{
    *lo = 0.0;
    *hi = 0.0;
    for (size_t i = 0; i < n; i++) {
        if (isfinite(v[i]) && v[i] < *lo)
            *lo = v[i];
        if (isfinite(v[i]) && v[i] > *hi)
            *hi = v[i];
    }
    if (*hi - *lo <= 0.0)
        *hi = *lo + 1.0;
}

void svg_bar_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                   const double *values, int decimals, const char *const *value_labels)
{
    const int left = 160, right = 90, bar = 22, gap = 6, top = 10;
    const int width = 640, height = top * 2 + (int)n * (bar + gap);
    double lo, hi;
    range_with_zero(n, values, &lo, &hi);
    double scale = (width - left - right) / (hi - lo), zero = left + (0.0 - lo) * scale;
    chart_open(out, title, width, height);
    for (size_t i = 0; i < n; i++) {
        double y = top + (double)i * (bar + gap);
        double v = isfinite(values[i]) ? values[i] : 0.0;
        double x0 = v >= 0 ? zero : zero + v * scale, w = fabs(v) * scale;
        label(out, left - 8, y + bar * 0.7, "end", labels[i]);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n", x0, y,
                w, bar, v >= 0 ? palette[0] : palette[1]);
        double at = (v >= 0 ? x0 + w : x0) + (v >= 0 ? 4 : -4);
        const char *anchor = v >= 0 ? "start" : "end";
        if (value_labels)
            label(out, at, y + bar * 0.7, anchor, value_labels[i]);
        else
            number_label(out, at, y + bar * 0.7, anchor, decimals, values[i]);
    }
    fprintf(out, "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n", zero, zero,
            height);
    chart_close(out);
}

void svg_paired_bar_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                          const double *first, const char *first_name, const double *second,
                          const char *second_name, int decimals)
{
    const int left = 160, right = 70, bar = 12, gap = 10, top = 30;
    const int width = 640, height = top + 10 + (int)n * (2 * bar + gap);
    double lo1, hi1, lo2, hi2;
    range_with_zero(n, first, &lo1, &hi1);
    range_with_zero(n, second, &lo2, &hi2);
    double lo = fmin(lo1, lo2), hi = fmax(hi1, hi2);
    double scale = (width - left - right) / (hi - lo), zero = left + (0.0 - lo) * scale;
    chart_open(out, title, width, height);
    fprintf(out, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", left, palette[0]);
    label(out, left + 16, 16, "start", first_name);
    fprintf(out, "<rect x=\"%d\" y=\"6\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", left + 200,
            palette[1]);
    label(out, left + 216, 16, "start", second_name);
    for (size_t i = 0; i < n; i++) {
        double y = top + (double)i * (2 * bar + gap);
        label(out, left - 8, y + bar * 1.4, "end", labels[i]);
        const double *series[2] = { first, second };
        for (int k = 0; k < 2; k++) {
            double v = isfinite(series[k][i]) ? series[k][i] : 0.0;
            double x0 = v >= 0 ? zero : zero + v * scale, w = fabs(v) * scale;
            fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                    x0, y + k * bar, w, bar - 1, palette[k]);
            number_label(out, x0 + w + 4, y + k * bar + bar * 0.8, "start", decimals,
                         series[k][i]);
        }
    }
    chart_close(out);
}

static void axis_range(size_t n, const double *v, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (size_t i = 0; i < n; i++)
        if (isfinite(v[i])) {
            *lo = fmin(*lo, v[i]);
            *hi = fmax(*hi, v[i]);
        }
    if (!(*hi >= *lo)) {
        *lo = 0;
        *hi = 1;
    }
    double pad = (*hi - *lo) * 0.1;
    if (pad <= 0)
        pad = fabs(*hi) * 0.1 + 0.5;
    *lo -= pad;
    *hi += pad;
}

typedef struct box {
    double x0, y0, x1, y1;
} box;

static double overlap(const box *a, const box *b)
{
    double w = fmin(a->x1, b->x1) - fmax(a->x0, b->x0), h = fmin(a->y1, b->y1) - fmax(a->y0, b->y0);
    return w > 0 && h > 0 ? w * h : 0.0;
}

/* A label of width w for the point (px, py): the first of eight places around it
 * that stays in the plot and overlaps nothing taken, else the least overlapping.
 * Returns the text anchor; *out is the label's box (baseline 3 above its bottom). */
static const char *place_label(box *out, double px, double py, double w, const box *plot,
                               const box *taken, size_t ntaken)
{
    static const struct {
        double dx, dy; /* from the point to the box's anchor corner or centre */
        int anchor;    /* 0 start (box right of dx), 1 end (left of dx), 2 middle */
    } place[] = { { 7, -4, 0 }, { 7, 16, 0 }, { -7, -4, 1 }, { -7, 16, 1 },
                  { 0, -8, 2 }, { 0, 21, 2 }, { 7, 6, 0 }, { -7, 6, 1 } };
    static const char *const anchors[] = { "start", "end", "middle" };
    double best = INFINITY;
    int chosen = 0;
    for (int k = 0; k < (int)(sizeof place / sizeof *place); k++) {
        double shift = place[k].anchor == 1 ? w : place[k].anchor == 2 ? w / 2 : 0;
        double x0 = px + place[k].dx - shift;
        box b = { x0, py + place[k].dy - 13, x0 + w, py + place[k].dy };
        double cost = 0;
        if (b.x0 < plot->x0 || b.x1 > plot->x1 || b.y0 < plot->y0 || b.y1 > plot->y1)
            cost += 1e6; /* outside the frame: only if nothing else fits */
        for (size_t t = 0; t < ntaken; t++)
            cost += overlap(&b, &taken[t]);
        if (cost < best) {
            best = cost;
            chosen = k;
            *out = b;
        }
        if (cost == 0)
            break;
    }
    return anchors[place[chosen].anchor];
}

void svg_quadrant_chart(FILE *out, const char *title, size_t n, const char *const *labels,
                        const double *x, const double *y, const char *x_name, const char *y_name,
                        double x_split, double y_split, const char *const quadrant_names[4])
{
    const int width = 640, height = 420, left = 60, right = 20, top = 20, bottom = 50;
    double xlo, xhi, ylo, yhi;
    axis_range(n, x, &xlo, &xhi);
    axis_range(n, y, &ylo, &yhi);
    xlo = fmin(xlo, x_split);
    xhi = fmax(xhi, x_split);
    ylo = fmin(ylo, y_split);
    yhi = fmax(yhi, y_split);
    double sx = (width - left - right) / (xhi - xlo), sy = (height - top - bottom) / (yhi - ylo);
#define PX(v) (left + ((v) - xlo) * sx)
#define PY(v) (height - bottom - ((v) - ylo) * sy)
    chart_open(out, title, width, height);
    axes(out, left, top, width - left - right, height - top - bottom, xlo, xhi, ylo, yhi);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
            left, top, width - left - right, height - top - bottom);
    fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
            PX(x_split), top, PX(x_split), height - bottom);
    fprintf(out, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4 3\"/>\n",
            left, PY(y_split), width - right, PY(y_split));
    label(out, left + 6, top + 16, "start", quadrant_names[0]);
    label(out, width - right - 6, top + 16, "end", quadrant_names[1]);
    label(out, left + 6, height - bottom - 8, "start", quadrant_names[2]);
    label(out, width - right - 6, height - bottom - 8, "end", quadrant_names[3]);
    /* The captions in the corners and every point are taken; each label goes where it
     * overlaps none of them nor the labels placed before it. */
    box taken[4 + 2 * 64];
    size_t ntaken = 0;
    for (int k = 0; k < 4; k++) {
        double w = text_width(quadrant_names[k]) + 6;
        double x0 = k % 2 == 0 ? left + 6 : width - right - 6 - w;
        double base = k < 2 ? top + 16 : height - bottom - 8;
        taken[ntaken++] = (box){ x0, base - 11, x0 + w, base + 3 };
    }
    for (size_t i = 0; i < n && ntaken < sizeof taken / sizeof *taken; i++)
        if (isfinite(x[i]) && isfinite(y[i]))
            taken[ntaken++] = (box){ PX(x[i]) - 6, PY(y[i]) - 6, PX(x[i]) + 6, PY(y[i]) + 6 };
    const box plot = { left, top, width - right, height - bottom };
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", PX(x[i]), PY(y[i]),
                palette[0]);
        box placed;
        const char *anchor = place_label(&placed, PX(x[i]), PY(y[i]), text_width(labels[i]), &plot,
                                         taken, ntaken);
        label(out, strcmp(anchor, "start") == 0 ? placed.x0 : strcmp(anchor, "end") == 0 ? placed.x1
                                                                  : (placed.x0 + placed.x1) / 2,
              placed.y1 - 3, anchor, labels[i]);
        if (ntaken < sizeof taken / sizeof *taken)
            taken[ntaken++] = placed;
    }
    label(out, (left + width - right) / 2.0, height - 12, "middle", x_name);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">",
            (top + height - bottom) / 2.0, (top + height - bottom) / 2.0);
    svg_text(out, y_name);
    fputs("</text>\n", out);
#undef PX
#undef PY
    chart_close(out);
}

/* White to the palette's blue as t goes from 0 to 1. */
static void heat_colour(char *buf, size_t n, double t)
{
    t = isfinite(t) ? fmin(1.0, fmax(0.0, t)) : 0.0;
    snprintf(buf, n, "rgb(%d,%d,%d)", (int)(255 - t * (255 - 0x2b)), (int)(255 - t * (255 - 0x6c)),
             (int)(255 - t * (255 - 0xb0)));
}

/* The colour scale beside a heat map: a column of steps from lo (bottom) to hi (top). */
static void heat_legend(FILE *out, double x, double top, double height, double lo, double hi,
                        const char *name)
{
    enum { STEPS = 20 };
    char colour[32];
    for (int k = 0; k < STEPS; k++) {
        heat_colour(colour, sizeof colour, (k + 0.5) / STEPS);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"%.1f\" fill=\"%s\"/>\n", x,
                top + height * (STEPS - 1 - k) / STEPS, height / STEPS + 0.5, colour);
    }
    fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"%.1f\" fill=\"none\" "
                 "stroke=\"#999\"/>\n",
            x, top, height);
    for (int k = 0; k <= 4; k++) {
        double v = lo + (hi - lo) * k / 4.0, y = top + height * (1 - k / 4.0);
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n",
                x + 14, y, x + 18, y);
        axis_label(out, x + 21, y + 4, "start", v);
    }
    label(out, x + 7, top - 14, "middle", name);
}

void svg_heat_map(FILE *out, const char *title, size_t rows, size_t cols, const double *values,
                  double lo, double hi, const char *row_name, const char *col_name,
                  const char *const *row_labels, const char *const *col_labels,
                  const char *value_name)
{
    const int left = 70, top = 34, bottom = 50, right = 90;
    const int cell = cols > 30 ? 14 : 22;
    const int width = left + right + (int)cols * cell, height = top + bottom + (int)rows * cell;
    char colour[32];
    chart_open(out, title, width, height);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            double v = values[r * cols + c];
            heat_colour(colour, sizeof colour, hi > lo ? (v - lo) / (hi - lo) : 0.0);
            fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\">"
                         "<title>%.3g</title></rect>\n",
                    left + (int)c * cell, top + (int)r * cell, cell, cell, colour, v);
        }
        if (row_labels && (rows <= 30 || r % 5 == 0))
            label(out, left - 4, top + (double)r * cell + cell * 0.7, "end", row_labels[r]);
    }
    for (size_t c = 0; col_labels && c < cols; c++)
        if (cols <= 30 || c % 5 == 0)
            label(out, left + (double)c * cell + cell / 2.0, top + (double)rows * cell + 14, "middle",
                  col_labels[c]);
    heat_legend(out, left + (double)cols * cell + 24, top, rows * (double)cell, lo, hi, value_name);
    label(out, left + cols * cell / 2.0, height - 10, "middle", col_name);
    fprintf(out, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">",
            top + rows * cell / 2.0, top + rows * cell / 2.0);
    svg_text(out, row_name);
    fputs("</text>\n", out);
    chart_close(out);
}

void svg_line_chart(FILE *out, const char *title, size_t n, const double *x, size_t n_series,
                    const double *y, const char *const *series_names, const char *x_name,
                    const char *y_name, double mark_x, const char *mark_name)
{
    const int width = 640, height = 360, left = 60, right = 20, top = 30, bottom = 50;
    double xlo, xhi, ylo, yhi;
    axis_range(n, x, &xlo, &xhi);
    axis_range(n * n_series, y, &ylo, &yhi);
    double ymin = INFINITY;
    for (size_t i = 0; i < n * n_series; i++)
        if (isfinite(y[i]) && y[i] < ymin)
            ymin = y[i];
    if (ymin >= 0 && ylo < 0)
        ylo = 0; /* counts: the axis starts at zero */
    double sx = (width - left - right) / (xhi - xlo), sy = (height - top - bottom) / (yhi - ylo);
    chart_open(out, title, width, height);
    axes(out, left, top, width - left - right, height - top - bottom, xlo, xhi, ylo, yhi);
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>\n",
            left, top, width - left - right, height - top - bottom);
    for (size_t k = 0; k < n_series; k++) {
        fprintf(out, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                palette[k % 6]);
        for (size_t i = 0; i < n; i++)
            if (isfinite(y[k * n + i]))
                fprintf(out, "%.1f,%.1f ", left + (x[i] - xlo) * sx,
                        height - bottom - (y[k * n + i] - ylo) * sy);
        fputs("\"/>\n", out);
        fprintf(out, "<rect x=\"%d\" y=\"8\" width=\"12\" height=\"12\" fill=\"%s\"/>\n",
                left + (int)k * 200, palette[k % 6]);
        label(out, left + (double)k * 200 + 16, 18, "start", series_names[k]);
    }
    if (isfinite(mark_x) && mark_x >= xlo && mark_x <= xhi) {
        double at = left + (mark_x - xlo) * sx;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#4a5568\" "
                     "stroke-dasharray=\"5 4\"/>\n",
                at, top, at, height - bottom);
        label(out, at + 5, top + 16, "start", mark_name);
    }
    label(out, (left + width - right) / 2.0, height - 12, "middle", x_name);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">",
            (top + height - bottom) / 2.0, (top + height - bottom) / 2.0);
    svg_text(out, y_name);
    fputs("</text>\n", out);
    chart_close(out);
}

void svg_funnel(FILE *out, const char *title, size_t n, const char *const *labels,
                const double *counts, const char *const *count_labels)
{
    const int width = 640, bar = 34, gap = 8, top = 10, centre = 330, half = 170;
    const int height = top * 2 + (int)n * (bar + gap);
    double top_count = n > 0 && counts[0] > 0 ? counts[0] : 1.0;
    chart_open(out, title, width, height);
    for (size_t i = 0; i < n; i++) {
        double w = half * 2 * fmax(0.0, counts[i]) / top_count;
        double y = top + (double)i * (bar + gap);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                centre - w / 2, y, w, bar, palette[i % 6]);
        label(out, 10, y + bar * 0.6, "start", labels[i]);
        /* Inside the bar in white when it fits, else beside it in the text colour. */
        if (text_width(count_labels[i]) + 12 <= w) {
            fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#fff\">", centre,
                    y + bar * 0.6 + 2);
            svg_text(out, count_labels[i]);
            fputs("</text>\n", out);
        } else {
            label(out, centre + w / 2 + 6, y + bar * 0.6 + 2, "start", count_labels[i]);
        }
    }
    chart_close(out);
}
