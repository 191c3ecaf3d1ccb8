/* Output files that are complete or untouched.
 *
 * Every library function that writes to a path goes through here: the
 * contents go to a temporary file beside the target, which replaces the
 * target (rename(2), atomic on POSIX file systems) only once everything was
 * written and closed without an error. A failure anywhere (a full disk, a
 * file-size limit, a read-only directory) leaves an earlier file as it was
 * and removes the temporary file.
 *
 *     cxm__file f;
 *     int status = cxm__file_open(&f, path);
 *     if (status != CXM_OK)
 *         return status;
 *     fputs(text, f.stream);            // write as to any FILE *
 *     return cxm__file_commit(&f);      // or cxm__file_abort(&f) on an error
 *
 * Several files that belong together (cxm_sim_write) call cxm__file_finish
 * on each, then cxm__file_commit on each only when all of them finished.
 *
 * Devices, pipes and FIFOs (/dev/stdout, /dev/null) have nothing to
 * replace: they are written in place. A symbolic link to a regular file
 * stays a link; the file it names is replaced. The temporary file takes the
 * mode of the file it replaces (a new file: 0666 less the umask, as
 * fopen()). */
#ifndef CXM_CORE_FILE_H
#define CXM_CORE_FILE_H

#include <stdio.h>

typedef struct cxm__file {
    FILE *stream; /* write the contents here; NULL once finished */
    char *path;   /* the file as the caller named it, for messages */
    char *target; /* what the temporary file replaces: path, or the file its link names */
    char *temp;   /* the temporary file; NULL when writing in place */
} cxm__file;

/* Start writing path. On failure (CXM_EIO naming the path and the reason,
 * CXM_ENOMEM, CXM_EINVAL for a NULL path) nothing is left to release. */
int cxm__file_open(cxm__file *file, const char *path);

/* Flush and close the stream and check that every byte was written. On
 * failure the temporary file is removed, everything is released and the
 * CXM_EIO message names the path and the system's reason. */
int cxm__file_finish(cxm__file *file);

/* Finish (if not yet done) and put the file in place. Releases everything,
 * whatever the outcome. */
int cxm__file_commit(cxm__file *file);

/* Give up: close, remove the temporary file, release. Harmless on a file
 * that failed, was committed or aborted already. */
void cxm__file_abort(cxm__file *file);

#endif /* CXM_CORE_FILE_H */
