/**
 * @file cxm/output.h
 * @brief Output files that are complete or untouched.
 *
 * Every file libcxm writes to a path (cxm_model_save(), cxm_rfm_write_csv(),
 * cxm_table_write_csv(), cxm_sim_write()) is written to a temporary file
 * beside the target, which replaces the target only once every byte was
 * written and the file closed without an error. A failure (a full disk, a
 * file-size limit, a read-only directory) leaves an earlier file as it was
 * and no temporary file behind. ::cxm_output gives a program the same
 * guarantee for the files it writes itself (the `cxm` program uses it):
 *
 *     cxm_output *o;
 *     if (cxm_output_open(&o, "report.json") != CXM_OK)
 *         return fail(cxm_error_message());     // "report.json: cannot create: ..."
 *     fputs(text, cxm_output_stream(o));
 *     if (cxm_output_commit(o) != CXM_OK)       // report.json untouched on failure
 *         return fail(cxm_error_message());
 *
 * The temporary file is named ".NAME.tmp-PID-N" in the target's directory,
 * so the directory must be writable. It takes the permissions of the file
 * it replaces (a new file: 0666 less the umask, as fopen()). A symbolic link
 * to a regular file stays a link and the file it names is replaced; devices,
 * pipes and FIFOs (/dev/stdout, /dev/null) are written in place. Files are
 * not fsync()ed: the guarantee is against failed writes, not power loss.
 */
#ifndef CXM_OUTPUT_H
#define CXM_OUTPUT_H

#include <stdio.h>

#include "cxm/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An output file being written (opaque). */
typedef struct cxm_output cxm_output;

/**
 * Start writing a file.
 *
 * @param out  receives the handle, which cxm_output_commit() or
 *             cxm_output_abort() releases; NULL on failure.
 * @param path the file to write (replaced when it exists).
 * @return #CXM_OK, #CXM_EIO (the temporary file could not be created: the
 *         message names the path and the reason), #CXM_EINVAL (NULL
 *         argument), #CXM_ENOMEM.
 */
CXM_API int cxm_output_open(cxm_output **out, const char *path);

/**
 * The stream to write the contents to. Write errors are noticed by
 * cxm_output_commit(); do not close the stream.
 *
 * @param output an open output.
 * @return the stream.
 */
CXM_API FILE *cxm_output_stream(const cxm_output *output);

/**
 * Flush and close the file and put it in place of the target, then release
 * the handle, whatever the outcome.
 *
 * @param output an open output.
 * @return #CXM_OK, or #CXM_EIO naming the path and the system's reason when
 *         any write, the close or the rename failed (the target is then as
 *         it was and the temporary file is gone).
 */
CXM_API int cxm_output_commit(cxm_output *output);

/**
 * Give up: close and remove the temporary file (the target is as it was)
 * and release the handle.
 *
 * @param output an open output, or NULL.
 */
CXM_API void cxm_output_abort(cxm_output *output);

#ifdef __cplusplus
}
#endif

#endif /* CXM_OUTPUT_H */
