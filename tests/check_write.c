/* Every library function that writes a file leaves it complete or
 * untouched: a write that fails part-way (a file-size limit here, which
 * fails writes with EFBIG exactly as a full disk fails them with ENOSPC)
 * keeps the earlier file byte for byte and leaves no temporary file. */
#define _XOPEN_SOURCE 700
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cxm.h>

#include "chaos.h"
#include "suites.h"

/* ------------------------------------------------------------------ helpers */

typedef int (*writer)(const void *object, const char *path);

/* Call write(object, path) with files limited to `bytes` (RLIMIT_FSIZE,
 * SIGXFSZ ignored so that the write fails instead of killing the test).
 * Nothing else may write a file meanwhile: no ck_assert inside. */
static int write_limited(writer write, const void *object, const char *path, rlim_t bytes)
{
    struct rlimit old, limited;
    ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
    limited = old;
    limited.rlim_cur = old.rlim_max != RLIM_INFINITY && old.rlim_max < bytes ? old.rlim_max
                                                                              : bytes;
    void (*handler)(int) = signal(SIGXFSZ, SIG_IGN);
    int set = setrlimit(RLIMIT_FSIZE, &limited);
    int status = set == 0 ? write(object, path) : CXM_OK;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, handler);
    ck_assert_int_eq(set, 0);
    return status;
}

/* The contents of a file (malloc'ed, *size bytes), or NULL if absent. */
static char *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *text = malloc(cap);
    ck_assert_ptr_nonnull(text);
    size_t got;
    while ((got = fread(text + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            text = realloc(text, cap *= 2);
            ck_assert_ptr_nonnull(text);
        }
    }
    fclose(f);
    *size = n;
    return text;
}

static size_t file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/* The names in a directory, sorted and joined by spaces. */
static void listing(char *dst, size_t n, const char *dir)
{
    char names[16][64];
    size_t count = 0;
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        ck_assert_uint_lt(count, 16);
        ck_assert_uint_lt(strlen(e->d_name), sizeof names[0]);
        memcpy(names[count++], e->d_name, strlen(e->d_name) + 1);
    }
    closedir(d);
    qsort(names, count, sizeof names[0], (int (*)(const void *, const void *))strcmp);
    dst[0] = '\0';
    for (size_t i = 0; i < count; i++)
        snprintf(dst + strlen(dst), n - strlen(dst), "%s%s", i ? " " : "", names[i]);
}

static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

/* write(before) makes the earlier file; write(after), which writes other
 * contents, then fails at `bytes` (0: at once; else part-way through) and
 * must leave that file and nothing else. */
static void check_untouched(writer write, const void *before, const void *after, rlim_t bytes)
{
    char dir[] = "/tmp/cxm-write-XXXXXX", path[64], names[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    ck_assert_cxm_ok(write(before, path));
    size_t n_before, n_after;
    char *earlier = slurp(path, &n_before);
    ck_assert_ptr_nonnull(earlier);

    int status = write_limited(write, after, path, bytes);
    ck_assert_int_eq(status, CXM_EIO);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), path));
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "cannot write: File too large"));
    char *now = slurp(path, &n_after);
    ck_assert_ptr_nonnull(now);
    ck_assert_uint_eq(n_after, n_before);
    ck_assert(memcmp(now, earlier, n_before) == 0);
    free(now);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "out.txt"); /* no temporary file */

    /* No earlier file: none afterwards either. */
    unlink(path);
    ck_assert_int_eq(write_limited(write, after, path, bytes), CXM_EIO);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "");

    /* Without the limit the new contents replace the old ones. */
    ck_assert_cxm_ok(write(after, path));
    now = slurp(path, &n_after);
    ck_assert(n_after != n_before || memcmp(now, earlier, n_before) != 0);
    free(now);
    free(earlier);
    remove_tree(dir);
}

/* ------------------------------------------------------------------ the writers */

static int save_model(const void *model, const char *path)
{
    return cxm_model_save(model, path);
}

static cxm_model *given_model(double r)
{
    cxm_model *m;
    double params[4] = { r, 4.4, 0.79, 2.4 };
    ck_assert_cxm_ok(cxm_model_create(&m, CXM_MODEL_BGNBD));
    ck_assert_cxm_ok(cxm_model_set_params(m, params, 4));
    return m;
}

START_TEST(model_save_is_complete_or_untouched)
{
    cxm_model *before = given_model(0.24), *after = given_model(0.5);
    char path[64];
    snprintf(path, sizeof path, "/tmp/cxm-write-size-%ld.json", (long)getpid());
    ck_assert_cxm_ok(cxm_model_save(after, path));
    size_t size = file_size(path);
    unlink(path);
    check_untouched(save_model, before, after, 0);
    check_untouched(save_model, before, after, size / 2);
    cxm_model_free(before);
    cxm_model_free(after);
}
END_TEST

static int write_rfm(const void *rfm, const char *path)
{
    return cxm_rfm_write_csv(rfm, path);
}

static cxm_rfm *summary(size_t customers)
{
    size_t n = 3 * customers;
    int64_t *id = malloc(n * sizeof *id);
    double *time = malloc(n * sizeof *time), *amount = malloc(n * sizeof *amount);
    for (size_t i = 0; i < n; i++) {
        id[i] = (int64_t)(i / 3);
        time[i] = 10000.0 + (double)(i % 3) * 7 + (double)(i % 11);
        amount[i] = 10.0 + (double)(i % 7);
    }
    cxm_rfm *rfm;
    ck_assert_cxm_ok(cxm_rfm_from_codes(&rfm, n, id, time, amount, NULL));
    free(id);
    free(time);
    free(amount);
    return rfm;
}

START_TEST(rfm_write_csv_is_complete_or_untouched)
{
    cxm_rfm *before = summary(10), *after = summary(2000);
    check_untouched(write_rfm, before, after, 0);
    check_untouched(write_rfm, before, after, 20000); /* of about 80 kB */
    cxm_rfm_free(before);
    cxm_rfm_free(after);
}
END_TEST

static int write_table(const void *table, const char *path)
{
    static const char *const times[] = { "arrival", NULL };
    return cxm_table_write_csv(table, path, times);
}

static cxm_sim *world(size_t customers, unsigned long long seed)
{
    cxm_sim_settings *s;
    cxm_sim *w;
    ck_assert_cxm_ok(cxm_sim_settings_default(&s));
    ck_assert_cxm_ok(cxm_sim_settings_set_customers(s, customers));
    ck_assert_cxm_ok(cxm_sim_settings_set_seed(s, seed));
    ck_assert_cxm_ok(cxm_sim_run(&w, s, NULL));
    cxm_sim_settings_free(s);
    return w;
}

START_TEST(table_write_csv_is_complete_or_untouched)
{
    cxm_sim *w1 = world(50, 1), *w2 = world(300, 2);
    cxm_table *before, *after;
    ck_assert_cxm_ok(cxm_sim_customers(&before, w1));
    ck_assert_cxm_ok(cxm_sim_customers(&after, w2));
    check_untouched(write_table, before, after, 0);
    check_untouched(write_table, before, after, 10000); /* of about 50 kB */
    cxm_table_free(before);
    cxm_table_free(after);
    cxm_sim_free(w1);
    cxm_sim_free(w2);
}
END_TEST

/* ------------------------------------------------------------------ a world's six files */

static int write_world(const void *sim, const char *dir)
{
    return cxm_sim_write(sim, dir);
}

static const char *const world_files[] = { "customers.csv", "events.csv", "map.json",
                                           "settings.json", "survey.csv", "transactions.csv" };

/* A failure in any file, also after others were complete, leaves the
 * directory as it was: all six files put in place together, or none. */
START_TEST(sim_write_is_complete_or_untouched)
{
    cxm_sim *w1 = world(100, 1), *w2 = world(300, 2);
    char dir[] = "/tmp/cxm-world-XXXXXX", fresh[] = "/tmp/cxm-world-XXXXXX", path[128];
    char names[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_ptr_nonnull(mkdtemp(fresh));
    ck_assert_cxm_ok(cxm_sim_write(w2, fresh));
    /* A limit that events.csv, transactions.csv and survey.csv (written
     * first) stay within and customers.csv exceeds. */
    size_t limit = 0;
    for (size_t k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/%s", fresh, world_files[k]);
        size_t size = file_size(path);
        if (strcmp(world_files[k], "customers.csv") != 0 && size > limit)
            limit = size;
    }
    snprintf(path, sizeof path, "%s/customers.csv", fresh);
    ck_assert_uint_gt(file_size(path), limit + 1);
    remove_tree(fresh);

    ck_assert_cxm_ok(cxm_sim_write(w1, dir));
    char *earlier[6];
    size_t sizes[6];
    for (size_t k = 0; k < 6; k++) {
        snprintf(path, sizeof path, "%s/%s", dir, world_files[k]);
        earlier[k] = slurp(path, &sizes[k]);
        ck_assert_ptr_nonnull(earlier[k]);
    }
    const rlim_t limits[] = { 0, 2000, limit + 1 };
    for (size_t l = 0; l < 3; l++) {
        ck_assert_int_eq(write_limited(write_world, w2, dir, limits[l]), CXM_EIO);
        ck_assert_ptr_nonnull(strstr(cxm_error_message(), "cannot write: File too large"));
        ck_assert_ptr_nonnull(strstr(cxm_error_message(), l < 2 ? "events.csv" : "customers.csv"));
        for (size_t k = 0; k < 6; k++) {
            size_t n;
            snprintf(path, sizeof path, "%s/%s", dir, world_files[k]);
            char *now = slurp(path, &n);
            ck_assert_ptr_nonnull(now);
            ck_assert_msg(n == sizes[k] && memcmp(now, earlier[k], n) == 0, "%s changed",
                          world_files[k]);
            free(now);
        }
        listing(names, sizeof names, dir);
        ck_assert_str_eq(names, "customers.csv events.csv map.json settings.json survey.csv "
                                "transactions.csv");
    }
    /* An empty directory stays empty. */
    remove_tree(dir);
    strcpy(dir, "/tmp/cxm-world-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    ck_assert_int_eq(write_limited(write_world, w2, dir, limit + 1), CXM_EIO);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "");
    remove_tree(dir);
    for (size_t k = 0; k < 6; k++)
        free(earlier[k]);
    cxm_sim_free(w1);
    cxm_sim_free(w2);
}
END_TEST

/* ------------------------------------------------------------------ what a target is */

START_TEST(links_modes_and_devices)
{
    cxm_model *m = given_model(0.3);
    char dir[] = "/tmp/cxm-write-XXXXXX", path[64], link[64], names[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/model.json", dir);
    snprintf(link, sizeof link, "%s/link.json", dir);

    /* The mode of the file replaced is kept. */
    ck_assert_cxm_ok(cxm_model_save(m, path));
    ck_assert_int_eq(chmod(path, 0640), 0);
    ck_assert_cxm_ok(cxm_model_save(m, path));
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 07777, 0640);

    /* A link stays a link; the file it names gets the contents. */
    ck_assert_int_eq(symlink("model.json", link), 0);
    unlink(path);
    ck_assert_cxm_ok(cxm_model_save(m, path));
    size_t n_direct;
    char *direct = slurp(path, &n_direct);
    ck_assert_int_eq(truncate(path, 0), 0);
    ck_assert_cxm_ok(cxm_model_save(m, link));
    ck_assert_int_eq(lstat(link, &st), 0);
    ck_assert(S_ISLNK(st.st_mode));
    size_t n;
    char *through = slurp(path, &n);
    ck_assert_uint_eq(n, n_direct);
    ck_assert(memcmp(through, direct, n) == 0);
    free(direct);
    free(through);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "link.json model.json");

    /* A device is written in place: nothing to replace. */
    ck_assert_cxm_ok(cxm_model_save(m, "/dev/null"));
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
    /* A missing directory: the message names the file. */
    snprintf(path, sizeof path, "%s/none/model.json", dir);
    ck_assert_cxm_fails(cxm_model_save(m, path), CXM_EIO, "none/model.json: cannot create");
    remove_tree(dir);
    cxm_model_free(m);
}
END_TEST

/* ------------------------------------------------------------------ out of memory */

typedef struct oom_context {
    const char *path;
    cxm_model *model;
    cxm_rfm *rfm;
    cxm_table *table;
} oom_context;

/* ------------------------------------------------------------------ cxm/output.h */

/* A caller's own file through cxm_output: `text` written in 64-byte pieces. */
static int write_text(const void *text, const char *path)
{
    cxm_output *o;
    int status = cxm_output_open(&o, path);
    if (status != CXM_OK)
        return status;
    const char *t = text;
    for (size_t done = 0, n = strlen(t); done < n; done += 64)
        fwrite(t + done, 1, n - done < 64 ? n - done : 64, cxm_output_stream(o));
    return cxm_output_commit(o);
}

START_TEST(output_is_complete_or_untouched)
{
    static char before[20000], after[30000];
    memset(before, 'b', sizeof before - 1);
    memset(after, 'a', sizeof after - 1);
    check_untouched(write_text, before, after, 0);
    check_untouched(write_text, before, after, 10000);

    /* Abort: the target as it was, no temporary file; NULL accepted. */
    char dir[] = "/tmp/cxm-write-XXXXXX", path[64], names[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out.txt", dir);
    ck_assert_cxm_ok(write_text("kept\n", path));
    cxm_output *o;
    ck_assert_cxm_ok(cxm_output_open(&o, path));
    fputs("lost\n", cxm_output_stream(o));
    cxm_output_abort(o);
    cxm_output_abort(NULL);
    size_t n;
    char *kept = slurp(path, &n);
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(kept, "kept\n", 5) == 0);
    free(kept);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "out.txt");

    /* Errors name the path; nothing is returned. */
    snprintf(path, sizeof path, "%s/missing/out.txt", dir);
    o = (cxm_output *)1;
    ck_assert_int_eq(cxm_output_open(&o, path), CXM_EIO);
    ck_assert_ptr_null(o);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "missing/out.txt: cannot create"));
    ck_assert_int_eq(cxm_output_open(NULL, path), CXM_EINVAL);
    ck_assert_int_eq(cxm_output_open(&o, NULL), CXM_EINVAL);
    ck_assert_int_eq(cxm_output_commit(NULL), CXM_EINVAL);
    ck_assert_ptr_null(cxm_output_stream(NULL));
    remove_tree(dir);
}
END_TEST

static int oom_output(void *context)
{
    return write_text("text\n", context);
}

static int oom_writers(void *context)
{
    const oom_context *c = context;
    int status = cxm_model_save(c->model, c->path);
    if (status == CXM_OK)
        status = cxm_rfm_write_csv(c->rfm, c->path);
    if (status == CXM_OK)
        status = cxm_table_write_csv(c->table, c->path, NULL);
    return status;
}

START_TEST(writers_out_of_memory)
{
    char dir[] = "/tmp/cxm-write-XXXXXX", path[64], names[1024];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/out", dir);
    cxm_sim *w = world(20, 3);
    oom_context c = { path, given_model(0.2), summary(5), NULL };
    ck_assert_cxm_ok(cxm_sim_customers(&c.table, w));
    ck_assert_int_gt(chaos_run(oom_writers, &c, "model, rfm and table writers"), 3);
    ck_assert_int_gt(chaos_run(oom_output, path, "cxm_output"), 1);
    listing(names, sizeof names, dir);
    ck_assert_str_eq(names, "out"); /* no temporary file left by a failed run */
    cxm_model_free(c.model);
    cxm_rfm_free(c.rfm);
    cxm_table_free(c.table);
    cxm_sim_free(w);
    remove_tree(dir);
}
END_TEST

Suite *write_suite(void)
{
    Suite *s = suite_create("write");
    TCase *tc = tcase_create("files");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, model_save_is_complete_or_untouched);
    tcase_add_test(tc, rfm_write_csv_is_complete_or_untouched);
    tcase_add_test(tc, table_write_csv_is_complete_or_untouched);
    tcase_add_test(tc, sim_write_is_complete_or_untouched);
    tcase_add_test(tc, links_modes_and_devices);
    tcase_add_test(tc, output_is_complete_or_untouched);
    tcase_add_test(tc, writers_out_of_memory);
    suite_add_tcase(s, tc);
    return s;
}
