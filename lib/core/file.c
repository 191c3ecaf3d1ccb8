/* Output files that are complete or untouched (file.h). */
#define _XOPEN_SOURCE 700
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file.h"
#include "core/internal.h"
#include "cxm/output.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

static void release(cxm__file *file)
{
    cxm__free(file->path);
    cxm__free(file->target);
    cxm__free(file->temp);
    file->path = file->target = file->temp = NULL;
}

/* what: "create" when the file could not be opened, "write" after. */
static int fail(cxm__file *file, const char *what, int error)
{
    int status = cxm__fail(CXM_EIO, "%s: cannot %s: %s", file->path, what, strerror(error));
    cxm__file_abort(file);
    return status;
}

/* A name beside the target that no one else uses: ".NAME.tmp-PID-N" (the
 * name shortened so that it stays a valid file name), created exclusively. */
static int create_temp(cxm__file *file, const struct stat *replaced, int *fd)
{
    static atomic_ulong counter;
    const char *slash = strrchr(file->target, '/');
    int dir_length = slash ? (int)(slash - file->target + 1) : 0;
    const char *base = file->target + dir_length;
    size_t size = (size_t)dir_length + 200 + 64;
    file->temp = cxm__malloc(size);
    if (file->temp == NULL)
        return CXM_ENOMEM;
    for (int attempt = 0;; attempt++) {
        snprintf(file->temp, size, "%.*s.%.200s.tmp-%ld-%lu", dir_length, file->target, base,
                 (long)getpid(), (unsigned long)atomic_fetch_add(&counter, 1));
        *fd = open(file->temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (*fd >= 0)
            break;
        int error = errno;
        if (error != EEXIST || attempt == 100) {
            cxm__free(file->temp);
            file->temp = NULL;
            return fail(file, "create", error);
        }
    }
    if (replaced != NULL) /* best effort: keep the replaced file's permissions */
        (void)fchmod(*fd, replaced->st_mode & 07777);
    return CXM_OK;
}

int cxm__file_open(cxm__file *file, const char *path)
{
    file->stream = NULL;
    file->path = file->target = file->temp = NULL;
    int status = cxm__check_pointer(path, "path");
    if (status != CXM_OK)
        return status;
    if ((file->path = cxm__strdup(path)) == NULL)
        return CXM_ENOMEM;
    struct stat st;
    int exists = stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) { /* a device, a pipe: nothing to replace */
        file->stream = fopen(path, "w");
        return file->stream ? CXM_OK : fail(file, "create", errno);
    }
    char resolved[PATH_MAX];
    struct stat link;
    const char *target = path;
    if (exists && lstat(path, &link) == 0 && S_ISLNK(link.st_mode) &&
        realpath(path, resolved) != NULL)
        target = resolved;
    if ((file->target = cxm__strdup(target)) == NULL) {
        cxm__file_abort(file);
        return CXM_ENOMEM;
    }
    int fd;
    status = create_temp(file, exists ? &st : NULL, &fd);
    if (status == CXM_ENOMEM)
        cxm__file_abort(file);
    if (status != CXM_OK)
        return status;
    /* errno tells why a buffered write failed when only ferror() saw it. */
    errno = 0;
    file->stream = fdopen(fd, "w");
    if (file->stream == NULL) {
        int error = errno;
        close(fd);
        return fail(file, "create", error);
    }
    return CXM_OK;
}

int cxm__file_finish(cxm__file *file)
{
    if (file->stream == NULL)
        return CXM_OK;
    int error = 0;
    if (fflush(file->stream) != 0)
        error = errno;
    else if (ferror(file->stream))
        error = errno ? errno : EIO;
    if (fclose(file->stream) != 0 && error == 0)
        error = errno;
    file->stream = NULL;
    return error ? fail(file, "write", error) : CXM_OK;
}

int cxm__file_commit(cxm__file *file)
{
    int status = cxm__file_finish(file);
    if (status != CXM_OK)
        return status;
    if (file->temp != NULL && rename(file->temp, file->target) != 0)
        return fail(file, "write", errno);
    release(file);
    return CXM_OK;
}

void cxm__file_abort(cxm__file *file)
{
    if (file->stream != NULL)
        fclose(file->stream);
    file->stream = NULL;
    if (file->temp != NULL)
        unlink(file->temp);
    release(file);
}

/* ------------------------------------------------------------------ cxm/output.h */

struct cxm_output {
    cxm__file file;
};

int cxm_output_open(cxm_output **out, const char *path)
{
    int status = cxm__check_pointer(out, "out");
    if (status != CXM_OK)
        return status;
    *out = NULL;
    cxm_output *output = cxm__malloc(sizeof *output);
    if (output == NULL)
        return CXM_ENOMEM;
    status = cxm__file_open(&output->file, path);
    if (status != CXM_OK) {
        cxm__free(output);
        return status;
    }
    *out = output;
    return CXM_OK;
}

FILE *cxm_output_stream(const cxm_output *output)
{
    return output ? output->file.stream : NULL;
}

int cxm_output_commit(cxm_output *output)
{
    int status = cxm__check_pointer(output, "output");
    if (status != CXM_OK)
        return status;
    status = cxm__file_commit(&output->file);
    cxm__free(output);
    return status;
}

void cxm_output_abort(cxm_output *output)
{
    if (output == NULL)
        return;
    cxm__file_abort(&output->file);
    cxm__free(output);
}
