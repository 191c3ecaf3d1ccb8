/* Exact Markov attribution on 10^6 synthetic paths (8 channels, 1 to 10
 * touches, about 5% conversion), timed from reading the paths to the removal
 * effects. Run by `make bench`. ChannelAttribution (simulation, biased) takes
 * 1.9 s at order 1 and 2.9 s at order 3 on the same kind of data. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cxm.h>

enum { PATHS = 1000000, CHANNELS = 8 };

static uint64_t state = 0x9e3779b97f4a7c15u;

static uint64_t next(void)
{
    /* xorshift64*: enough for synthetic data, fixed seed, same data every run */
    state ^= state >> 12;
    state ^= state << 25;
    state ^= state >> 27;
    return state * 0x2545f4914f6cdd1dull;
}

static double uniform(void)
{
    return (double)(next() >> 11) * 0x1.0p-53;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}


/* Channel names like those of ChannelAttribution's example data. */
static const char *const names[CHANNELS] = { "alpha", "beta", "gamma", "delta",
                                             "epsilon", "zeta", "eta", "theta" };

/* One synthetic path per line: "path;conversions;value;nulls". Channels
 * differ in how much they raise the chance to convert. */
static char *generate(size_t *length, double *conversions)
{
    static const double lift[CHANNELS] = { 1.6, 0.6, 1.3, 0.8, 1.0, 1.8, 0.7, 1.2 };
    size_t cap = (size_t)PATHS * 80, used = 0;
    char *text = malloc(cap);
    if (text == NULL)
        return NULL;
    used += (size_t)sprintf(text, "path;total_conversions;total_conversion_value;total_null\n");
    *conversions = 0;
    for (int p = 0; p < PATHS; p++) {
        int n = 1 + (int)(next() % 10);
        double odds = 0.035;
        for (int i = 0; i < n; i++) {
            int c = (int)(next() % CHANNELS);
            used += (size_t)sprintf(text + used, "%s%s", i ? " > " : "", names[c]);
            odds *= 0.25 + 0.75 * lift[c];
        }
        int conv = uniform() < odds / (1 + odds) * 0.95;
        *conversions += conv;
        used += (size_t)sprintf(text + used, ";%d;%.2f;%d\n", conv, conv ? 20 + 80 * uniform() : 0.0,
                                1 - conv);
    }
    *length = used;
    return text;
}

/* Split the generated text into the arrays cxm_paths_add_many() takes. */
static int in_memory(const char *text, size_t n, const char **paths, double *conv, double *value,
                     double *nulls, char *copy)
{
    memcpy(copy, text, strlen(text) + 1);
    char *line = strchr(copy, '\n') + 1;
    for (size_t i = 0; i < n; i++) {
        char *end = strchr(line, '\n');
        *end = '\0';
        char *f1 = strchr(line, ';');
        *f1 = '\0';
        paths[i] = line;
        conv[i] = strtod(f1 + 1, &f1);
        value[i] = strtod(f1 + 1, &f1);
        nulls[i] = strtod(f1 + 1, &f1);
        line = end + 1;
    }
    return 0;
}

int main(void)
{
    size_t length;
    double total_conv;
    char *text = generate(&length, &total_conv);
    const char **paths = malloc(PATHS * sizeof *paths);
    double *conv = malloc(PATHS * sizeof *conv), *value = malloc(PATHS * sizeof *value);
    double *nulls = malloc(PATHS * sizeof *nulls);
    char *copy = malloc(length + 1);
    if (!text || !paths || !conv || !value || !nulls || !copy) {
        fprintf(stderr, "bench_attribution: out of memory\n");
        return 1;
    }
    char file[] = "/tmp/cxm-bench-paths-XXXXXX";
    int fd = mkstemp(file);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (f == NULL || fwrite(text, 1, length, f) != length || fclose(f) != 0) {
        fprintf(stderr, "bench_attribution: cannot write %s\n", file);
        return 1;
    }
    printf("%d paths, %d channels, 1-10 touches, %.0f conversions (%.2f%%), %.1f MB file\n", PATHS,
           CHANNELS, total_conv, 100.0 * total_conv / PATHS, (double)length / 1e6);
    in_memory(text, PATHS, paths, conv, value, nulls, copy);
    int status = 0;
    for (unsigned order = 1; order <= 4 && status == 0; order++) {
        double best[3] = { 1e30, 1e30, 1e30 }, read[3] = { 0, 0, 0 };
        for (int rep = 0; rep < 5 && status == 0; rep++) {
            /* from the file: read with the shared CSV reader (1 thread, then a
             * helper thread parsing the paths), then attribute */
            for (unsigned threads = 1; threads <= 2 && status == 0; threads++) {
                double t0 = now();
                cxm_paths *p;
                status = cxm_paths_create(&p, NULL);
                if (status == CXM_OK)
                    status = cxm_paths_set_threads(p, threads);
                if (status == CXM_OK)
                    status = cxm_paths_read_csv(p, file, NULL, NULL, NULL, NULL, NULL);
                double t1 = now();
                cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
                o.order = order;
                cxm_table *t = NULL;
                if (status == CXM_OK)
                    status = cxm_attribution_markov(&t, p, &o);
                double t2 = now();
                if (status == CXM_OK && t2 - t0 < best[threads - 1]) {
                    best[threads - 1] = t2 - t0;
                    read[threads - 1] = t1 - t0;
                }
                if (status == CXM_OK && rep == 0 && threads == 1) {
                    double states, bound, pconv;
                    cxm_table_scalar(&states, t, "states");
                    cxm_table_scalar(&bound, t, "solver_error_bound");
                    cxm_table_scalar(&pconv, t, "conversion_probability");
                    printf("order %u: %.0f states, P(conversion) %.6f, certified error bound %.1e\n",
                           order, states, pconv, bound);
                }
                cxm_table_free(t);
                cxm_paths_free(p);
            }
            /* from arrays already in memory (as from Python) */
            double t0 = now();
            cxm_paths *p;
            cxm_table *t = NULL;
            cxm_markov_options o = CXM_MARKOV_OPTIONS_INIT;
            o.order = order;
            status = cxm_paths_create(&p, NULL);
            if (status == CXM_OK)
                status = cxm_paths_add_many(p, PATHS, paths, conv, nulls, value);
            if (status == CXM_OK)
                status = cxm_attribution_markov(&t, p, &o);
            double t1 = now();
            if (status == CXM_OK && t1 - t0 < best[2])
                best[2] = t1 - t0;
            cxm_table_free(t);
            cxm_paths_free(p);
        }
        if (status == CXM_OK)
            printf("order %u, best of 5: file to removal effects %.3f s with a helper thread "
                   "(read %.3f s), %.3f s in one thread (read %.3f s); from arrays %.3f s\n",
                   order, best[1], read[1], best[0], read[0], best[2]);
    }
    if (status != CXM_OK)
        fprintf(stderr, "bench_attribution: %s\n", cxm_error_message());
    remove(file);
    free(text);
    free(paths);
    free(conv);
    free(value);
    free(nulls);
    free(copy);
    return status == CXM_OK ? 0 : 1;
}
