/* The cxm program's command lines, parsed without running anything
 * (cli_dispatch with parse_only, as fuzz/fuzz_cli.c does). */
#define _XOPEN_SOURCE 700
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "check_run.h"
#include "cli.h"

/* Parse "cxm WORDS..." (NULL-terminated): the exit code. The words stay
 * valid after the call, as a program's argv does. */
static int parse(const char *const *words)
{
    char *argv[32];
    int argc = 0;
    argv[argc++] = "cxm";
    while (*words != NULL && argc < 31)
        argv[argc++] = (char *)*words++;
    argv[argc] = NULL;
    const char *command;
    return cli_dispatch(argc, argv, true, &command);
}

#define LINE(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* A valid command line of each command (words[0] its name), NULL-terminated;
 * OUT stands for the output file. */
static const char *const valid_lines[][16] = {
    { "clv", "--margin", "100", "--retention", "0.8", "--discount", "0.12" },
    { "demo", "--html", "OUT", "--customers", "500" },
    { "rfm", "log.csv", "--customer", "2", "--date", "3", "-o", "OUT" },
    { "attribution", "paths.csv", "--order", "2", "-o", "OUT" },
    { "journey", "map.json", "events.csv", "-o", "OUT" },
    { "fit", "bgnbd", "summary.csv", "-o", "OUT" },
    { "predict", "model.json", "summary.csv", "--horizon", "39", "-o", "OUT" },
    { "simulate", "model.json", "--customers", "3", "--seed", "1", "--T", "39", "-o", "OUT" },
    { "nps", "survey.csv", "--column", "recommend" },
    { "survey", "model.json", "survey.csv", "-o", "OUT" },
    { "world", "-o", "OUT", "--customers", "10", "--quality", "checkout=7" },
};

/* The valid line of command k in words, with OUT the file out. */
static const char *const *valid_line(size_t k, const char *out, const char *words[16])
{
    ck_assert_uint_eq(sizeof valid_lines / sizeof valid_lines[0], cli_command_count);
    ck_assert_str_eq(valid_lines[k][0], cli_commands[k]->name);
    for (size_t i = 0; i < 16; i++)
        words[i] = valid_lines[k][i] && strcmp(valid_lines[k][i], "OUT") == 0 ? out
                                                                              : valid_lines[k][i];
    return words;
}

/* Found by fuzz/fuzz_cli.c: a parse that stopped inside a cluster of short
 * options ("-ZZ", the first Z unknown) left getopt pointing into that
 * argument, and the next parse resumed there: reading freed memory when the
 * old command line was gone, refusing a valid one when it was not. */
START_TEST(each_parse_starts_afresh)
{
    char dir[] = "/tmp/cxm-cli-XXXXXX", out[64];
    const char *words[16];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/out", dir);
    for (size_t k = 0; k < cli_command_count; k++) {
        const char *const *valid = valid_line(k, out, words);
        ck_assert_int_eq(parse(LINE(valid[0], "-ZZ")), CLI_EXIT_USAGE);
        ck_assert_msg(parse(valid) == CLI_EXIT_OK, "cxm %s after a stopped cluster", valid[0]);
        ck_assert_int_eq(parse(LINE(valid[0], "-oZ", "-ZZ")), CLI_EXIT_USAGE);
        ck_assert_msg(parse(valid) == CLI_EXIT_OK, "cxm %s after -oZ -ZZ", valid[0]);
    }
    ck_assert_int_eq(rmdir(dir), 0); /* parsing wrote no file */
}
END_TEST

START_TEST(every_command_parses_without_running)
{
    char dir[] = "/tmp/cxm-cli-XXXXXX", out[64];
    const char *words[16];
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/out", dir);
    for (size_t k = 0; k < cli_command_count; k++) {
        const char *const *valid = valid_line(k, out, words);
        ck_assert_int_eq(parse(valid), CLI_EXIT_OK);
        ck_assert_int_eq(parse(LINE(valid[0], "--no-such-option")), CLI_EXIT_USAGE);
        ck_assert_int_eq(parse(LINE(valid[0], "--quiet", "--no-such-option")), CLI_EXIT_USAGE);
    }
    ck_assert_int_eq(parse(LINE("frobnicate")), CLI_EXIT_USAGE);
    ck_assert_int_eq(rmdir(dir), 0); /* nothing read, nothing written */
}
END_TEST

static Suite *cli_suite(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("parse");
    tcase_add_test(tc, each_parse_starts_afresh);
    tcase_add_test(tc, every_command_parses_without_running);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    return cxm_check_run(cli_suite());
}
