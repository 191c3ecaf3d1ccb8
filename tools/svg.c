/* Minimal SVG charts: fixed sizes, one colour palette, no scripts or fonts. */
#include "config.h"

#include <math.h>
#include <stdio.h>

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
                   const double *values, int decimals)
{
    const int left = 160, right = 70, bar = 22, gap = 6, top = 10;
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
        number_label(out, (v >= 0 ? x0 + w : x0) + (v >= 0 ? 4 : -4), y + bar * 0.7,
                     v >= 0 ? "start" : "end", decimals, values[i]);
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
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(x[i]) || !isfinite(y[i]))
            continue;
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>\n", PX(x[i]), PY(y[i]),
                palette[0]);
        /* Labels of points near the right edge go to their left. */
        if (PX(x[i]) > width - right - 130)
            label(out, PX(x[i]) - 7, PY(y[i]) - 6, "end", labels[i]);
        else
            label(out, PX(x[i]) + 7, PY(y[i]) - 6, "start", labels[i]);
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

void svg_heat_map(FILE *out, const char *title, size_t rows, size_t cols, const double *values,
                  double lo, double hi, const char *row_name, const char *col_name,
                  const char *const *row_labels, const char *const *col_labels)
{
    const int left = 70, top = 20, bottom = 50, right = 20;
    const int cell = cols > 30 ? 14 : 22;
    const int width = left + right + (int)cols * cell, height = top + bottom + (int)rows * cell;
    chart_open(out, title, width, height);
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            double v = values[r * cols + c];
            double t = hi > lo ? (v - lo) / (hi - lo) : 0.0;
            t = isfinite(t) ? fmin(1.0, fmax(0.0, t)) : 0.0;
            /* White to the palette's blue. */
            int red = (int)(255 - t * (255 - 0x2b)), green = (int)(255 - t * (255 - 0x6c)),
                blue = (int)(255 - t * (255 - 0xb0));
            fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"rgb(%d,%d,%d)\">"
                         "<title>%.3g</title></rect>\n",
                    left + (int)c * cell, top + (int)r * cell, cell, cell, red, green, blue, v);
        }
        if (row_labels && (rows <= 30 || r % 5 == 0))
            label(out, left - 4, top + (double)r * cell + cell * 0.7, "end", row_labels[r]);
    }
    for (size_t c = 0; col_labels && c < cols; c++)
        if (cols <= 30 || c % 5 == 0)
            label(out, left + (double)c * cell + cell / 2.0, top + (double)rows * cell + 14, "middle",
                  col_labels[c]);
    label(out, left + cols * cell / 2.0, height - 10, "middle", col_name);
    fprintf(out, "<text x=\"12\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 12 %.1f)\">",
            top + rows * cell / 2.0, top + rows * cell / 2.0);
    svg_text(out, row_name);
    fputs("</text>\n", out);
    chart_close(out);
}

void svg_line_chart(FILE *out, const char *title, size_t n, const double *x, size_t n_series,
                    const double *y, const char *const *series_names, const char *x_name,
                    const char *y_name)
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
    label(out, (left + width - right) / 2.0, height - 12, "middle", x_name);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">",
            (top + height - bottom) / 2.0, (top + height - bottom) / 2.0);
    svg_text(out, y_name);
    fputs("</text>\n", out);
    chart_close(out);
}

void svg_funnel(FILE *out, const char *title, size_t n, const char *const *labels,
                const double *counts)
{
    const int width = 640, bar = 34, gap = 8, top = 10, centre = 380, half = 220;
    const int height = top * 2 + (int)n * (bar + gap);
    double top_count = n > 0 && counts[0] > 0 ? counts[0] : 1.0;
    chart_open(out, title, width, height);
    for (size_t i = 0; i < n; i++) {
        double w = half * 2 * fmax(0.0, counts[i]) / top_count;
        double y = top + (double)i * (bar + gap);
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>\n",
                centre - w / 2, y, w, bar, palette[i % 6]);
        label(out, 10, y + bar * 0.6, "start", labels[i]);
        char text[96];
        if (i > 0 && counts[i - 1] > 0)
            snprintf(text, sizeof text, "%.0f (%.1f%% of previous)", counts[i],
                     100.0 * counts[i] / counts[i - 1]);
        else
            snprintf(text, sizeof text, "%.0f", counts[i]);
        label(out, centre, y + bar * 0.6 + 4, "middle", text);
    }
    chart_close(out);
}
