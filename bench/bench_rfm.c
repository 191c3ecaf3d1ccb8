/* Benchmark of the transaction-log summary, end to end from a CSV file.
 *
 *   bench_rfm                      generate the two standard logs in $TMPDIR and
 *                                  measure each (what `make bench` runs): the
 *                                  summary end to end as `cxm rfm FILE -o OUT.csv`
 *                                  does it (read, summarise, write the CSV), best
 *                                  of 3, against pandas read_csv + groupby on the
 *                                  same file in the same run (bench/rfm_pandas.py)
 *   bench_rfm gen FILE CUSTOMERS ROWS [unsorted]   write a log
 *   bench_rfm run FILE [OUT.csv]   summarise FILE once, print rows/s and peak RSS
 *
 * The logs are what a shop exports: customer,date,amount in time order,
 * customers' first purchases spread over a year and their repeat purchases
 * over the following eighteen months. Each measurement runs in a child
 * process, so that the peak resident memory reported (getrusage of the
 * child) is the summary's alone, not the generator's. */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cxm.h>

#include "io/csv.h"

static uint64_t rng_state = 0x853c49e6748fea9bULL;

static uint64_t next_random(void)
{
    /* splitmix64: reproducible files on every machine */
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static double uniform(void)
{
    return (double)(next_random() >> 11) * 0x1.0p-53;
}

typedef struct purchase {
    uint32_t customer;
    uint16_t day;
    uint16_t cents_hi;
    uint32_t cents;
} purchase;

static int generate(const char *path, long customers, long rows, int unsorted)
{
    enum { DAYS = 548 }; /* 1997-01-01 .. 1998-07-01 */
    purchase *p = malloc((size_t)rows * sizeof *p);
    long *first = malloc((size_t)customers * sizeof *first);
    if (!p || !first) {
        fprintf(stderr, "bench_rfm: out of memory\n");
        return 1;
    }
    long n = 0;
    /* Every customer buys once in the first year; the remaining rows are
     * repeat purchases by customers drawn with a skewed (gamma-like) rate. */
    for (long c = 0; c < customers && n < rows; c++) {
        first[c] = (long)(uniform() * 365);
        p[n].customer = (uint32_t)c;
        p[n].day = (uint16_t)first[c];
        p[n].cents = (uint32_t)(500 + next_random() % 20000);
        n++;
    }
    while (n < rows) {
        double u = uniform();
        long c = (long)(u * u * (double)customers); /* heavier buyers first */
        long day = first[c] + (long)(uniform() * (double)(DAYS - first[c]));
        p[n].customer = (uint32_t)c;
        p[n].day = (uint16_t)day;
        p[n].cents = (uint32_t)(500 + next_random() % 20000);
        n++;
    }
    /* Time order (a counting sort by day), unless asked for a shuffled log. */
    purchase *sorted = malloc((size_t)rows * sizeof *sorted);
    long count[DAYS + 1] = { 0 };
    if (!sorted) {
        fprintf(stderr, "bench_rfm: out of memory\n");
        return 1;
    }
    for (long i = 0; i < n; i++)
        count[p[i].day + 1]++;
    for (int d = 0; d < DAYS; d++)
        count[d + 1] += count[d];
    for (long i = 0; i < n; i++)
        sorted[count[p[i].day]++] = p[i];
    if (unsorted)
        for (long i = n - 1; i > 0; i--) {
            long j = (long)(next_random() % (uint64_t)(i + 1));
            purchase t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench_rfm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    static char buf[1 << 20];
    setvbuf(f, buf, _IOFBF, sizeof buf);
    fputs("customer_id,date,amount\n", f);
    int last_day = -1;
    char date[16] = "";
    for (long i = 0; i < n; i++) {
        if (sorted[i].day != last_day) {
            char iso[40];
            cxm_time_format(iso, sizeof iso, 9862.0 + sorted[i].day); /* 1997-01-01 */
            memcpy(date, iso, 11);
            last_day = sorted[i].day;
        }
        fprintf(f, "C%" PRIu32 ",%s,%" PRIu32 ".%02" PRIu32 "\n", sorted[i].customer + 100000,
                date, sorted[i].cents / 100, sorted[i].cents % 100);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "bench_rfm: %s: write error\n", path);
        return 1;
    }
    free(p);
    free(sorted);
    free(first);
    return 0;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Summarise once; print one line. */
static int run(const char *path, const char *out_path)
{
    cxm_csv_options csv;
    cxm_csv_options_init(&csv);
    cxm_rfm_options opt;
    cxm_rfm_options_init(&opt);
    opt.scale = 7;
    opt.calibration_end = 9862.0 + 272; /* 1997-09-30 */
    opt.threads = getenv("BENCH_THREADS") ? (unsigned)atoi(getenv("BENCH_THREADS")) : 0;
    struct stat st;
    if (stat(path, &st) != 0) {
        fprintf(stderr, "bench_rfm: %s: %s\n", path, strerror(errno));
        return 1;
    }
    double t0 = now();
    cxm_rfm *rfm;
    if (cxm_rfm_read_csv(&rfm, path, "customer_id", "date", "amount", &csv, &opt) != CXM_OK) {
        fprintf(stderr, "bench_rfm: %s\n", cxm_error_message());
        return 1;
    }
    double t1 = now();
    double t2 = t1;
    if (out_path) {
        if (cxm_rfm_write_csv(rfm, out_path) != CXM_OK) {
            fprintf(stderr, "bench_rfm: %s\n", cxm_error_message());
            return 1;
        }
        t2 = now();
    }
    unsigned long long rows = cxm_rfm_stat(rfm, CXM_RFM_ROWS);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec * 1e-6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec * 1e-6;
    printf("%-28s %9llu rows %8zu customers %6.0f MB: read+summary %.3f s = %5.1f M rows/s "
           "(%4.0f MB/s), threads %s, passes %llu",
           strrchr(path, '/') ? strrchr(path, '/') + 1 : path, rows, cxm_rfm_size(rfm),
           (double)st.st_size / 1e6, t1 - t0, (double)rows / (t1 - t0) / 1e6,
           (double)st.st_size / (t1 - t0) / 1e6, opt.threads == 0 ? "auto" : opt.threads == 1 ? "1" : "2",
           cxm_rfm_stat(rfm, CXM_RFM_PASSES));
    if (out_path)
        printf(", CSV out %.3f s, end to end %.3f s = %5.1f M rows/s", t2 - t1, t2 - t0,
               (double)rows / (t2 - t0) / 1e6);
    const char *result = getenv("BENCH_RESULT");
    FILE *rf = result ? fopen(result, "a") : NULL;
    if (rf) {
        fprintf(rf, "%.6f %llu\n", t2 - t0, rows);
        fclose(rf);
    }
    printf(", peak RSS %.0f MB, CPU %.3f s (%.1f M rows per CPU second)\n",
           (double)ru.ru_maxrss / 1024.0, cpu, (double)rows / cpu / 1e6);
    if (getenv("BENCH_SMAPS")) {
        FILE *f = fopen("/proc/self/smaps_rollup", "r");
        char line[256];
        while (f && fgets(line, sizeof line, f))
            if (strstr(line, "AnonHuge") || strstr(line, "Rss"))
                fputs(line, stdout);
        if (f)
            fclose(f);
    }
    cxm_rfm_free(rfm);
    return 0;
}

/* The reader alone: records, and records with their three fields parsed. */
static int scan(const char *path, int fields)
{
    cxm_csv *csv;
    double t0 = now();
    if (cxm__csv_open(&csv, path, NULL) != CXM_OK) {
        fprintf(stderr, "bench_rfm: %s\n", cxm_error_message());
        return 1;
    }
    int more;
    double sum = 0;
    size_t total = 0;
    while ((more = cxm__csv_next(csv)) > 0) {
        if (fields) {
            const char *id;
            size_t len;
            double t, v;
            if (cxm__csv_get_text(csv, 0, &id, &len) != CXM_OK ||
                cxm__csv_get_time(csv, 1, &t) != CXM_OK || cxm__csv_get_double(csv, 2, &v) != CXM_OK) {
                fprintf(stderr, "bench_rfm: %s\n", cxm_error_message());
                return 1;
            }
            sum += t + v;
            total += len;
        }
    }
    double t1 = now();
    unsigned long long rows = cxm__csv_records(csv);
    cxm__csv_close(csv);
    if (more < 0) {
        fprintf(stderr, "bench_rfm: %s\n", cxm_error_message());
        return 1;
    }
    printf("%s: %llu records in %.3f s = %.1f M records/s%s (%g %zu)\n", path, rows, t1 - t0,
           (double)rows / (t1 - t0) / 1e6, fields ? " with fields parsed" : "", sum, total);
    return 0;
}

/* Run a measurement in a child process (threads: "1" or "0" for automatic);
 * it appends its end-to-end time to the file `result` when given. */
static int measure(const char *self, const char *path, const char *out_path, const char *threads,
                   const char *result)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0)
        return 1;
    if (pid == 0) {
        setenv("BENCH_THREADS", threads, 1);
        if (result)
            setenv("BENCH_RESULT", result, 1);
        execl(self, self, "run", path, out_path, (char *)NULL);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return 1;
    return 0;
}

/* pandas' best of 3 on the same file, in seconds; 0 when unavailable. */
static double pandas_seconds(const char *path)
{
#ifdef BENCH_SRCDIR
    char command[8400];
    snprintf(command, sizeof command, "/usr/bin/python3 '%s/bench/rfm_pandas.py' '%s' 3 2>/dev/null",
             BENCH_SRCDIR, path);
    fflush(stdout);
    FILE *p = popen(command, "r");
    double seconds = 0;
    if (p == NULL)
        return 0;
    if (fscanf(p, "%lf", &seconds) != 1)
        seconds = 0;
    return pclose(p) == 0 ? seconds : 0;
#else
    (void)path;
    return 0;
#endif
}

int main(int argc, char **argv)
{
    if (argc >= 5 && strcmp(argv[1], "gen") == 0)
        return generate(argv[2], atol(argv[3]), atol(argv[4]), argc > 5);
    if (argc >= 3 && strcmp(argv[1], "scan") == 0)
        return scan(argv[2], 0) || scan(argv[2], 1);
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return run(argv[2], argc > 3 ? argv[3] : NULL);
    if (argc != 1) {
        fprintf(stderr, "usage: bench_rfm [gen FILE CUSTOMERS ROWS [unsorted] | run FILE [OUT]]\n");
        return 2;
    }
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char dir[4096], a[4200], b[4200], out[4200];
    snprintf(dir, sizeof dir, "%s/cxm-bench-rfm-XXXXXX", tmp);
    if (mkdtemp(dir) == NULL) {
        fprintf(stderr, "bench_rfm: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    snprintf(a, sizeof a, "%s/log-1e6-customers.csv", dir);
    snprintf(b, sizeof b, "%s/log-1e7-rows.csv", dir);
    snprintf(out, sizeof out, "%s/summary.csv", dir);
    printf("generating %s and %s ...\n", a, b);
    fflush(stdout);
    int failed = generate(a, 1000000, 2500000, 0) || generate(b, 1000000, 10000000, 0);
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0)
        snprintf(self, sizeof self, "%s", argv[0]);
    else
        self[len] = '\0';
    double load[3] = { 0, 0, 0 };
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3)
            load[0] = load[1] = load[2] = 0;
        fclose(f);
    }
    printf("%ld processors online, load average %.2f %.2f %.2f (wall times suffer from other work; "
           "CPU times much less)\n", sysconf(_SC_NPROCESSORS_ONLN), load[0], load[1], load[2]);
    const char *logs[2] = { a, b };
    for (int k = 0; k < 2 && !failed; k++) {
        /* One thread, for the record; then the default (two threads when
         * there are two processors), best of 3 end to end. */
        failed = measure(self, logs[k], out, "1", NULL);
        char result[4300];
        snprintf(result, sizeof result, "%s/result", dir);
        unlink(result);
        for (int i = 0; i < 3 && !failed; i++)
            failed = measure(self, logs[k], out, "0", result);
        double best = 1e300;
        unsigned long long rows = 0;
        f = fopen(result, "r");
        double t;
        while (f && fscanf(f, "%lf %llu", &t, &rows) == 2)
            best = t < best ? t : best;
        if (f)
            fclose(f);
        unlink(result);
        if (failed || best == 1e300)
            break;
        double pandas = pandas_seconds(logs[k]);
        printf("RESULT %s: cxm rfm end to end (read, summarise, write the CSV) best of 3 %.3f s = "
               "%.1f M rows/s", strrchr(logs[k], '/') + 1, best, (double)rows / best / 1e6);
        if (pandas > 0)
            printf("; pandas read_csv + groupby (writing nothing) best of 3 %.3f s: %.1f times faster\n",
                   pandas, pandas / best);
        else
            printf("; pandas baseline not available (/usr/bin/python3 with pandas)\n");
    }
    unlink(a);
    unlink(b);
    unlink(out);
    rmdir(dir);
    return failed;
}
