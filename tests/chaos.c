#include <check.h>
#include <stdlib.h>
#include <string.h>

#include <cxm.h>

#include "chaos.h"

/* Each block carries its size in front so that realloc can account for it. */
typedef union { size_t size; max_align_t align; } block_header;

static int should_fail(chaos_allocator *chaos)
{
    chaos->calls++;
    if (chaos->fail_at == -1 || chaos->calls == chaos->fail_at) {
        chaos->failures++;
        return 1;
    }
    return 0;
}

static void *chaos_malloc(size_t size, void *user_data)
{
    chaos_allocator *chaos = user_data;
    if (should_fail(chaos))
        return NULL;
    block_header *h = malloc(sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    chaos->live++;
    return h + 1;
}

static void chaos_free(void *ptr, void *user_data)
{
    chaos_allocator *chaos = user_data;
    if (ptr == NULL)
        return;
    chaos->live--;
    free((block_header *)ptr - 1);
}

static void *chaos_realloc(void *ptr, size_t size, void *user_data)
{
    chaos_allocator *chaos = user_data;
    if (ptr == NULL)
        return chaos_malloc(size, user_data);
    if (should_fail(chaos))
        return NULL;
    block_header *h = realloc((block_header *)ptr - 1, sizeof *h + size);
    if (h == NULL)
        return NULL;
    h->size = size;
    return h + 1;
}

void chaos_install(chaos_allocator *chaos, long fail_at)
{
    memset(chaos, 0, sizeof *chaos);
    chaos->fail_at = fail_at;
    ck_assert_int_eq(cxm_set_allocator(chaos_malloc, chaos_realloc, chaos_free, chaos), CXM_OK);
}

void chaos_uninstall(void)
{
    ck_assert_int_eq(cxm_set_allocator(NULL, NULL, NULL, NULL), CXM_OK);
}

long chaos_run(chaos_scenario scenario, void *context, const char *name)
{
    chaos_allocator chaos;
    for (long n = 1; n < 1000000; n++) {
        chaos_install(&chaos, n);
        cxm_error_clear();
        int status = scenario(context);
        chaos_uninstall();
        ck_assert_msg(chaos.live == 0, "%s: %ld blocks leaked when allocation %ld failed", name,
                      chaos.live, n);
        if (chaos.failures == 0) {
            ck_assert_msg(status == CXM_OK, "%s: failed without an allocation failure: %s", name,
                          cxm_error_message());
            return chaos.calls;
        }
        ck_assert_msg(status == CXM_ENOMEM,
                      "%s: allocation %ld failed but the call returned %d (%s)", name, n, status,
                      cxm_error_message());
        ck_assert_msg(cxm_error_message()[0] != '\0', "%s: CXM_ENOMEM without a message", name);
    }
    ck_abort_msg("%s: did not finish within a million allocations", name);
    return -1;
}
