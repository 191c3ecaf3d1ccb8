/**
 * @file cxm/common.h
 * @brief Status codes, error messages, allocator hooks and version queries.
 *
 * Every fallible libcxm function returns an @c int status: #CXM_OK (0) on
 * success or a negative @c CXM_E* code. On failure, cxm_error_message() holds
 * a sentence that says what went wrong and, where there is one, which file,
 * line, field or argument caused it. The message is thread-local: a failure in
 * one thread never overwrites another thread's message.
 *
 * Threading: the library keeps no hidden global state except the allocator
 * set by cxm_set_allocator(), which must be set before any other call.
 */
#ifndef CXM_COMMON_H
#define CXM_COMMON_H

#include <stddef.h>

#include "cxm/version.h"

#if defined(_WIN32) && defined(CXM_BUILDING_LIBRARY)
#define CXM_API __declspec(dllexport)
#elif defined(_WIN32)
#define CXM_API __declspec(dllimport)
#elif defined(__GNUC__) && __GNUC__ >= 4
/** Marks a function as part of the exported ABI. */
#define CXM_API __attribute__((visibility("default")))
#else
#define CXM_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Status codes. The values are stable: they never change meaning and are
 * never reused. New codes may be added (always negative, always below the
 * last one).
 */
typedef enum cxm_status {
    CXM_OK = 0,           /**< Success. */
    CXM_EINVAL = -1,      /**< An argument is invalid (NULL, out of range, not finite). */
    CXM_ENOMEM = -2,      /**< Memory could not be allocated. */
    CXM_EDOMAIN = -3,     /**< The result is undefined or infinite for these (valid) arguments. */
    CXM_EIO = -4,         /**< A file could not be opened, read or written. */
    CXM_EPARSE = -5,      /**< Input data is malformed (the message names file, line and field). */
    CXM_ECONVERGE = -6,   /**< An iterative method failed to converge; no result is returned. */
    CXM_ESTATE = -7,      /**< The object is not in a state that allows this call (e.g. not fitted). */
    CXM_EUNSUPPORTED = -8,/**< The operation is not supported for this model or input. */
    CXM_ERANGE = -9,      /**< A size or count is beyond what the library can represent. */
    CXM_ENOTFOUND = -10   /**< A named item (column, touchpoint, parameter) does not exist. */
} cxm_status;

/**
 * The name of a status code, e.g. "invalid argument" for #CXM_EINVAL.
 *
 * @param status a status code returned by a libcxm function.
 * @return a static string; "unknown status" for values that are not codes.
 */
CXM_API const char *cxm_strerror(int status);

/**
 * The message of the last failed call in the calling thread.
 *
 * The text names what was wrong and where ("retention 1.5 is outside
 * [0, 1]"). It stays valid until the next libcxm call in the same thread
 * fails or cxm_error_clear() is called. Successful calls do not clear it.
 *
 * @return a thread-local string, empty if no call has failed.
 */
CXM_API const char *cxm_error_message(void);

/**
 * The status code of the last failed call in the calling thread.
 *
 * @return a negative status code, or #CXM_OK if no call has failed since the
 *         thread started or cxm_error_clear() was last called.
 */
CXM_API int cxm_error_status(void);

/**
 * Which element of the caller's arrays the last failure in the calling
 * thread concerns, when it concerns one: the messages of such failures start
 * "element i: " (0-based, C's positions). Bindings and programs use it to
 * name the customer instead (an id, a file line, a 1-based position in Lua).
 *
 * @param[out] out  the element's 0-based position.
 * @return #CXM_OK, or #CXM_ENOTFOUND when the last failure concerns no one
 *         element (or none happened); the last error is left as it was.
 */
CXM_API int cxm_error_element(size_t *out);

/** Forget the calling thread's last error (message, status and element). */
CXM_API void cxm_error_clear(void);

/** Allocate @p size bytes; return NULL on failure. */
typedef void *(*cxm_malloc_fn)(size_t size, void *user_data);
/** Resize @p ptr (which may be NULL) to @p size bytes; return NULL on failure and leave @p ptr valid. */
typedef void *(*cxm_realloc_fn)(void *ptr, size_t size, void *user_data);
/** Release @p ptr (which may be NULL). */
typedef void (*cxm_free_fn)(void *ptr, void *user_data);

/**
 * Route every allocation the library makes through the given functions.
 *
 * Call it before any other libcxm function and before any object is created:
 * memory must be released by the allocator that made it. Passing NULL for all
 * three functions restores the C library's malloc, realloc and free.
 *
 * Two kinds of memory stay outside these hooks, both released before the
 * call that made them returns: the temporary document trees of JSON reading
 * and writing (cJSON allocates them with its own global hooks, which libcxm
 * leaves alone so as not to change them under a program that also uses
 * cJSON), and the C library's own buffers for open files and threads.
 *
 * @param malloc_fn   allocation function.
 * @param realloc_fn  reallocation function.
 * @param free_fn     release function.
 * @param user_data   passed unchanged to every call of the three functions.
 * @return #CXM_OK, or #CXM_EINVAL if some but not all functions are NULL.
 */
CXM_API int cxm_set_allocator(cxm_malloc_fn malloc_fn, cxm_realloc_fn realloc_fn,
                              cxm_free_fn free_fn, void *user_data);

/**
 * Release memory that a libcxm function allocated and handed to the caller
 * (the documentation of such functions says so).
 *
 * @param ptr  the memory, or NULL (then nothing happens).
 */
CXM_API void cxm_free(void *ptr);

/**
 * The library's version as one number.
 *
 * Compare with #CXM_VERSION_NUMBER to check that the headers a program was
 * built with match the library it runs with.
 *
 * @return major*10000 + minor*100 + patch, e.g. 100 for 0.1.0.
 */
CXM_API long cxm_version_number(void);

/**
 * The library's version as a string.
 *
 * @return a static string such as "0.1.0".
 */
CXM_API const char *cxm_version_string(void);

#ifdef __cplusplus
}
#endif

#endif /* CXM_COMMON_H */
