/* Internal helpers shared by every module. Not installed, not exported. */
#ifndef CXM_CORE_INTERNAL_H
#define CXM_CORE_INTERNAL_H

#include <stdarg.h>
#include <stddef.h>

#include "cxm/common.h"

#if defined(__GNUC__)
#define CXM_PRINTF(fmt_index, first_arg) __attribute__((format(printf, fmt_index, first_arg)))
#define CXM_UNUSED __attribute__((unused))
#else
#define CXM_PRINTF(fmt_index, first_arg)
#define CXM_UNUSED
#endif

/* Record a failure for cxm_error_message() and return status, so that
 * callers can write `return cxm__fail(CXM_EINVAL, "...")`. */
int cxm__fail(int status, const char *fmt, ...) CXM_PRINTF(2, 3);
int cxm__vfail(int status, const char *fmt, va_list ap) CXM_PRINTF(2, 0);

/* Put context in front of the current message ("element 3: " + message)
 * and return the current status. Used when a scalar check fails inside a
 * loop or a file reader. */
int cxm__fail_prefix(const char *fmt, ...) CXM_PRINTF(1, 2);
/* The same with a new status: a reader that reports a failed value check
 * (CXM_EINVAL) as malformed input (CXM_EPARSE). Never format
 * cxm_error_message() into a new message: prefix it with these. */
int cxm__fail_prefix_status(int status, const char *fmt, ...) CXM_PRINTF(2, 3);

/* A failure that concerns element i of the caller's arrays: the message
 * starts "element i: " and cxm_error_element() returns i, so that bindings
 * and programs can name the customer (an id, a file line) instead of the
 * position. cxm__fail_prefix_at(i) does the same to the current message
 * (after a scalar check inside a loop). Any other failure forgets i. */
int cxm__fail_at(int status, size_t i, const char *fmt, ...) CXM_PRINTF(3, 4);
int cxm__fail_prefix_at(size_t i);

/* Allocation through the user's hooks. Every function sets CXM_ENOMEM's
 * message when it returns NULL, so callers only propagate the status. */
void *cxm__malloc(size_t size);
void *cxm__calloc(size_t count, size_t size); /* zeroed, overflow-checked */
void *cxm__realloc(void *ptr, size_t size);
void *cxm__reallocarray(void *ptr, size_t count, size_t size); /* overflow-checked */
void cxm__free(void *ptr);
char *cxm__strdup(const char *s);
/* Grow a dynamic array to hold at least `need` elements (capacity doubles):
 * CXM_OK, CXM_ENOMEM, or CXM_ERANGE when the count cannot be represented.
 * On failure the array and its capacity are unchanged. */
int cxm__grow(void **array, size_t *capacity, size_t need, size_t element_size);
/* `size` bytes for a large table, randomly accessed: from 8 MiB up, placed on
 * a 2 MiB boundary inside a block 2 MiB larger (the extra is address space,
 * never touched) and advised for transparent huge pages before its first
 * use, since 4 KiB pages cost a TLB miss on nearly every access. Returns
 * the aligned pointer; release *block with cxm__free(). */
void *cxm__malloc_large(size_t size, void **block);
/* cxm__malloc_large, zero-filled (without touching fresh pages when the
 * default allocator's calloc gets them from the kernel). */
void *cxm__calloc_large(size_t size, void **block);

/* Argument checks: return CXM_OK or fail with a message naming the argument. */
int cxm__check_finite(double value, const char *name);
int cxm__check_probability(double value, const char *name);  /* finite, in [0, 1] */
int cxm__check_nonnegative(double value, const char *name);  /* finite, >= 0 */
int cxm__check_positive(double value, const char *name);     /* finite, > 0 */
int cxm__check_pointer(const void *ptr, const char *name);   /* not NULL */

/* Versioned structs across the ABI (docs/ABI.md, "Options structs"): each
 * starts with `unsigned version` and only ever grows at its end, so a
 * program compiled against an older header passes an older version and a
 * shorter struct. sizes[v - 1] is the size of version v: the end of its last
 * field (CXM__FIELDS_END), never the struct's tail padding, which a field of
 * the next version may take; `what` names the struct in messages. Both
 * refuse versions 0 and > current with CXM_EINVAL.
 *
 * cxm__options_read: copy the caller's options into *dst, which holds the
 * defaults, reading only the fields of the caller's version; dst's version
 * becomes current. NULL given: the defaults stay. */
#define CXM__FIELDS_END(type, last) (offsetof(type, last) + sizeof(((type *)0)->last))
int cxm__options_read(void *dst, const void *given, const size_t *sizes, unsigned current,
                      const char *what);
/* cxm__options_write: fill the caller's struct (a report) from the library's
 * full one, writing only the fields of the caller's version. */
int cxm__options_write(void *caller, const void *full, const size_t *sizes, unsigned current,
                       const char *what);

#endif /* CXM_CORE_INTERNAL_H */
