/* A failing allocator for out-of-memory tests (after jansson's chaos test and
 * SQLite's OOM injection): allocation number N fails, every call must then
 * return CXM_ENOMEM and leave no memory behind. */
#ifndef CXM_TESTS_CHAOS_H
#define CXM_TESTS_CHAOS_H

typedef struct chaos_allocator {
    long fail_at;   /* 1-based allocation that fails; 0 = never, -1 = every one */
    long calls;     /* allocations attempted (malloc and realloc) */
    long failures;  /* allocations refused */
    long live;      /* blocks allocated and not yet freed */
} chaos_allocator;

/* Route libcxm's allocations through a chaos allocator. */
void chaos_install(chaos_allocator *chaos, long fail_at);
/* Restore the C library's allocator. */
void chaos_uninstall(void);

/* A scenario creates, uses and destroys libcxm objects and returns the first
 * failing status (or CXM_OK). It must release everything it created, also
 * on failure. */
typedef int (*chaos_scenario)(void *context);

/* Run the scenario with allocation 1, 2, 3, ... failing until it succeeds
 * without a refused allocation. Every failing run must return CXM_ENOMEM with
 * a message and leave no live block. Returns the number of allocations the
 * successful run made. Fails the current Check test otherwise. */
long chaos_run(chaos_scenario scenario, void *context, const char *name);

#endif
