/* The output files of the cxm program (output.h), the same way as
 * lib/core/file.c: a temporary file beside the target, renamed over it. */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* what: "create" when the file could not be opened, "write" after. */
static FILE *fail(cli_output *out, const char *what, int error)
{
    fprintf(stderr, "cxm %s: %s: cannot %s: %s\n", out->command, out->path, what,
            strerror(error));
    cli_output_abort(out);
    return NULL;
}

/* ".NAME.tmp-PID-N" beside the target, created exclusively. */
static int create_temp(cli_output *out, const struct stat *replaced)
{
    const char *slash = strrchr(out->target, '/');
    int dir_length = slash ? (int)(slash - out->target + 1) : 0;
    size_t size = (size_t)dir_length + 200 + 64;
    if ((out->temp = malloc(size)) == NULL)
        return -1;
    for (unsigned n = 0;; n++) {
        snprintf(out->temp, size, "%.*s.%.200s.tmp-%ld-%u", dir_length, out->target,
                 out->target + dir_length, (long)getpid(), n);
        int fd = open(out->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd >= 0) {
            if (replaced != NULL) /* best effort: keep the replaced file's permissions */
                (void)fchmod(fd, replaced->st_mode & 07777);
            errno = 0; /* why a buffered write failed, when only ferror() saw it */
            if ((out->stream = fdopen(fd, "w")) != NULL)
                return 0;
        }
        int error = errno;
        if (fd >= 0) { /* fdopen failed */
            close(fd);
            unlink(out->temp);
        }
        if (fd >= 0 || error != EEXIST || n == 100) {
            free(out->temp);
            out->temp = NULL;
            errno = error;
            return -1;
        }
    }
}

FILE *cli_output_open(cli_output *out, const char *command, const char *path)
{
    *out = (cli_output){ NULL, command, NULL, NULL, NULL };
    if (path == NULL || strcmp(path, "-") == 0)
        return out->stream = stdout;
    out->path = path;
    struct stat st, link;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) /* a device, a pipe: nothing to replace */
        return (out->stream = fopen(path, "w")) ? out->stream : fail(out, "create", errno);
    char resolved[PATH_MAX];
    const char *target = path;
    if (exists && lstat(path, &link) == 0 && S_ISLNK(link.st_mode) &&
        realpath(path, resolved) != NULL)
        target = resolved; /* a link stays a link */
    if ((out->target = strdup(target)) == NULL || create_temp(out, exists ? &st : NULL) != 0)
        return fail(out, "create", errno ? errno : ENOMEM);
    return out->stream;
}

int cli_output_close(cli_output *out)
{
    if (out->stream == stdout) /* checked once at exit, by main() */
        return CLI_EXIT_OK;
    int error = 0;
    if (fflush(out->stream) != 0)
        error = errno;
    else if (ferror(out->stream))
        error = errno ? errno : EIO;
    if (fclose(out->stream) != 0 && error == 0)
        error = errno;
    out->stream = NULL;
    if (error == 0 && out->temp != NULL && rename(out->temp, out->target) != 0)
        error = errno;
    if (error != 0) {
        fail(out, "write", error);
        return CLI_EXIT_DATA;
    }
    free(out->temp);
    free(out->target);
    out->temp = out->target = NULL;
    return CLI_EXIT_OK;
}

void cli_output_abort(cli_output *out)
{
    if (out->stream != NULL && out->stream != stdout)
        fclose(out->stream);
    out->stream = NULL;
    if (out->temp != NULL)
        unlink(out->temp);
    free(out->temp);
    free(out->target);
    out->temp = out->target = NULL;
}

int cli_output_text(const char *command, const char *path, const char *text)
{
    cli_output out;
    FILE *f = cli_output_open(&out, command, path);
    if (f == NULL)
        return CLI_EXIT_DATA;
    fputs(text, f);
    fputc('\n', f);
    return cli_output_close(&out);
}
