/* The hash table and the mixer (lib/core/hash.h): lookups in order of
 * insertion, collisions, growth, limits and out-of-memory runs. */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chaos.h"
#include "core/hash.h"
#include "core/internal.h"

/* The entry of key among keys[0..t->count), or -1, probing with `hash`. */
static long find(const cxm__hash *t, const uint64_t *keys, uint64_t key, uint64_t hash)
{
    cxm__hash_probe p = cxm__hash_start(t, hash);
    size_t i;
    while (cxm__hash_next(t, &p, &i))
        if (keys[i] == key)
            return (long)i;
    return -1;
}

/* Find or add key (hashed as `hash`) as entry t->count of keys. */
static int add(cxm__hash *t, uint64_t *keys, uint64_t key, uint64_t hash, long *entry)
{
    cxm__hash_probe p = cxm__hash_start(t, hash);
    size_t i;
    while (cxm__hash_next(t, &p, &i))
        if (keys[i] == key) {
            *entry = (long)i;
            return CXM_OK;
        }
    size_t n = t->count;
    keys[n] = key;
    int status = cxm__hash_insert(t, &p, n);
    *entry = status == CXM_OK ? (long)n : -1;
    return status;
}

START_TEST(mixer_is_splitmix64)
{
    /* The first outputs of splitmix64 from state 0 (Vigna, splitmix64.c). */
    static const uint64_t expected[3] = { UINT64_C(0xe220a8397b1dcdaf),
                                          UINT64_C(0x6e789e6aa1b965f4),
                                          UINT64_C(0x06c45d188009454f) };
    uint64_t state = 0;
    for (int i = 0; i < 3; i++) {
        state += CXM__GOLDEN;
        ck_assert_uint_eq(cxm__mix64(state), expected[i]);
    }
    ck_assert_uint_eq(cxm__hash_step(5, 7), cxm__mix64(5 ^ 7));
    ck_assert_uint_eq(cxm__hash_fold(3, 5), (uint64_t)6 * UINT64_C(0xbf58476d1ce4e5b9));
    ck_assert_uint_eq(cxm__hash_double(-0.0), cxm__hash_double(0.0));
    ck_assert_uint_ne(cxm__hash_double(1.0), cxm__hash_double(-1.0));
    ck_assert_uint_ne(cxm__hash_seed(), 0);
    ck_assert_uint_eq(cxm__hash_seed(), cxm__hash_seed());
}
END_TEST

/* Every byte counts, every length counts, and only the n bytes are read
 * (each key is a block of exactly its length: the sanitizer build would
 * report a read past it). */
START_TEST(bytes_hash_reads_exactly_the_key)
{
    enum { LONGEST = 40 };
    uint64_t seen[(LONGEST + 1) * (LONGEST + 1)];
    size_t nseen = 0;
    for (size_t n = 0; n <= LONGEST; n++) {
        for (size_t flip = 0; flip <= n; flip++) {
            char *key = malloc(n ? n : 1);
            ck_assert_ptr_nonnull(key);
            memset(key, 'a', n);
            if (flip < n)
                key[flip] = 'b'; /* flip == n: all 'a' */
            uint64_t h = cxm__hash_bytes(42, key, n);
            for (size_t k = 0; k < nseen; k++)
                ck_assert_uint_ne(h, seen[k]);
            seen[nseen++] = h;
            ck_assert_uint_eq(h, cxm__hash_bytes(42, key, n));
            ck_assert_uint_ne(h, cxm__hash_bytes(43, key, n));
            free(key);
        }
    }
    char zeros[3] = { 0, 0, 0 };
    ck_assert_uint_ne(cxm__hash_bytes(1, zeros, 1), cxm__hash_bytes(1, zeros, 2));
    ck_assert_uint_ne(cxm__hash_bytes(1, zeros, 0), cxm__hash_bytes(1, zeros, 1));
}
END_TEST

START_TEST(entries_are_numbered_in_order_of_insertion)
{
    enum { N = 100000 };
    uint64_t *keys = calloc(N, sizeof *keys);
    ck_assert_ptr_nonnull(keys);
    cxm__hash t;
    cxm__hash_init(&t);
    ck_assert_int_eq(find(&t, keys, 1, cxm__hash_step(t.seed, 1)), -1); /* empty: no slots read */
    for (uint64_t k = 0; k < N; k++) {
        long entry;
        uint64_t key = k * 7919 + 3;
        ck_assert_int_eq(add(&t, keys, key, cxm__hash_step(t.seed, key), &entry), CXM_OK);
        ck_assert_int_eq(entry, (long)k);
        ck_assert_int_eq(add(&t, keys, key, cxm__hash_step(t.seed, key), &entry), CXM_OK);
        ck_assert_int_eq(entry, (long)k);
    }
    ck_assert_uint_eq(t.count, N);
    ck_assert_uint_le(2 * t.count, t.mask + 1); /* at most half full */
    for (uint64_t k = 0; k < N; k++) {
        ck_assert_int_eq(find(&t, keys, k * 7919 + 3, cxm__hash_step(t.seed, k * 7919 + 3)), (long)k);
        ck_assert_int_eq(find(&t, keys, k * 7919 + 4, cxm__hash_step(t.seed, k * 7919 + 4)), -1);
    }
    cxm__hash_free(&t);
    ck_assert_uint_eq(t.count, 0);
    ck_assert_int_eq(find(&t, keys, 3, cxm__hash_step(t.seed, 3)), -1); /* freed: empty again */
    cxm__hash_free(&t);
    free(keys);
}
END_TEST

/* Keys that share their whole hash, and keys that share their position but
 * not their tag: long probes, found through growth. */
START_TEST(collisions_are_resolved)
{
    enum { N = 3000 };
    uint64_t keys[N];
    for (int mode = 0; mode < 2; mode++) {
        cxm__hash t;
        cxm__hash_init(&t);
        for (uint64_t k = 0; k < N; k++) {
            uint64_t hash = mode == 0 ? UINT64_C(0x123456789abcdef) : (k << 52) | 77;
            long entry;
            ck_assert_int_eq(add(&t, keys, 1000 + k, hash, &entry), CXM_OK);
            ck_assert_int_eq(entry, (long)k);
        }
        for (uint64_t k = 0; k < N; k++) {
            uint64_t hash = mode == 0 ? UINT64_C(0x123456789abcdef) : (k << 52) | 77;
            ck_assert_int_eq(find(&t, keys, 1000 + k, hash), (long)k);
            ck_assert_int_eq(find(&t, keys, 5000 + k, hash), -1);
        }
        ck_assert_uint_eq(t.count, N);
        cxm__hash_free(&t);
    }
}
END_TEST

START_TEST(reserve_sizes_once)
{
    enum { N = 5000 };
    uint64_t keys[N];
    cxm__hash t;
    cxm__hash_init(&t);
    ck_assert_int_eq(cxm__hash_reserve(&t, 0), CXM_OK);
    ck_assert_ptr_null(t.block);
    ck_assert_int_eq(cxm__hash_reserve(&t, N), CXM_OK);
    void *block = t.block;
    size_t mask = t.mask;
    for (uint64_t k = 0; k < N; k++) {
        long entry;
        ck_assert_int_eq(add(&t, keys, k, cxm__hash_step(t.seed, k), &entry), CXM_OK);
    }
    ck_assert_ptr_eq(t.block, block);
    ck_assert_uint_eq(t.mask, mask);
    ck_assert_int_eq(cxm__hash_reserve(&t, N / 2), CXM_OK); /* never shrinks */
    ck_assert_uint_eq(t.mask, mask);
    ck_assert_int_eq(cxm__hash_reserve(&t, CXM__HASH_MAX + 1), CXM_ERANGE);
    ck_assert_uint_eq(t.mask, mask);
    cxm__hash_free(&t);
}
END_TEST

START_TEST(indices_beyond_32_bits_are_refused)
{
    uint64_t keys[2] = { 5, 6 };
    cxm__hash t;
    cxm__hash_init(&t);
    cxm__hash_probe p = cxm__hash_start(&t, cxm__hash_step(t.seed, 5));
    size_t i;
    ck_assert_int_eq(cxm__hash_next(&t, &p, &i), 0);
    ck_assert_int_eq(cxm__hash_insert(&t, &p, 0), CXM_OK);
    p = cxm__hash_start(&t, cxm__hash_step(t.seed, 6));
    ck_assert_int_eq(cxm__hash_next(&t, &p, &i), 0);
    ck_assert_int_eq(cxm__hash_insert(&t, &p, CXM__HASH_MAX), CXM_ERANGE);
    ck_assert_ptr_nonnull(strstr(cxm_error_message(), "keys in one table"));
    ck_assert_uint_eq(t.count, 1);
    ck_assert_int_eq(find(&t, keys, 5, cxm__hash_step(t.seed, 5)), 0);
    ck_assert_int_eq(find(&t, keys, 6, cxm__hash_step(t.seed, 6)), -1);
    cxm__hash_free(&t);
}
END_TEST

START_TEST(u64map_keeps_the_first_value)
{
    cxm__u64map m;
    cxm__u64map_init(&m);
    uint32_t value;
    int added;
    ck_assert_int_eq(cxm__u64map_find(&m, 9, &value), 0);
    for (uint64_t k = 0; k < 2000; k++) {
        ck_assert_int_eq(cxm__u64map_upsert(&m, k << 32 | 7, (uint32_t)(3 * k), &value, &added),
                         CXM_OK);
        ck_assert_int_eq(added, 1);
        ck_assert_uint_eq(value, 3 * k);
    }
    for (uint64_t k = 0; k < 2000; k++) {
        ck_assert_int_eq(cxm__u64map_upsert(&m, k << 32 | 7, 1, &value, &added), CXM_OK);
        ck_assert_int_eq(added, 0);
        ck_assert_uint_eq(value, 3 * k);
        ck_assert_int_eq(cxm__u64map_find(&m, k << 32 | 7, &value), 1);
        ck_assert_uint_eq(value, 3 * k);
        ck_assert_int_eq(cxm__u64map_find(&m, k << 32 | 8, &value), 0);
    }
    ck_assert_uint_eq(m.table.count, 2000);
    cxm__u64map_free(&m);
    ck_assert_int_eq(cxm__u64map_find(&m, 7, &value), 0);
}
END_TEST

/* Out of memory at every allocation: CXM_ENOMEM, and the map unchanged
 * (what was added is still found; the key that failed is not). */
enum { OOM_KEYS = 3000 };

static int fill_map(void *context)
{
    (void)context;
    cxm__u64map m;
    cxm__u64map_init(&m);
    int status = CXM_OK;
    uint64_t k = 0;
    for (; status == CXM_OK && k < OOM_KEYS; k++) {
        uint32_t value;
        int added;
        status = cxm__u64map_upsert(&m, cxm__mix64(k), (uint32_t)k, &value, &added);
    }
    if (status != CXM_OK) {
        uint64_t failed = k - 1;
        ck_assert_uint_eq(m.table.count, failed);
        for (uint64_t j = 0; j < failed; j++) {
            uint32_t value;
            ck_assert_int_eq(cxm__u64map_find(&m, cxm__mix64(j), &value), 1);
            ck_assert_uint_eq(value, j);
        }
        uint32_t value;
        ck_assert_int_eq(cxm__u64map_find(&m, cxm__mix64(failed), &value), 0);
    }
    cxm__u64map_free(&m);
    return status;
}

static int fill_reserved(void *context)
{
    (void)context;
    cxm__hash t;
    cxm__hash_init(&t);
    int status = cxm__hash_reserve(&t, 100);
    uint64_t keys[300];
    for (uint64_t k = 0; status == CXM_OK && k < 300; k++) {
        long entry;
        status = add(&t, keys, k, cxm__hash_step(t.seed, k), &entry);
        if (status != CXM_OK)
            ck_assert_uint_eq(t.count, k);
    }
    cxm__hash_free(&t);
    return status;
}

START_TEST(out_of_memory_leaves_the_table_as_it_was)
{
    ck_assert_int_gt(chaos_run(fill_map, NULL, "u64map"), 10);
    ck_assert_int_gt(chaos_run(fill_reserved, NULL, "reserved table"), 1);
}
END_TEST

START_TEST(large_blocks_are_aligned_for_huge_pages)
{
    void *block;
    char *p = cxm__malloc_large((size_t)8 << 20, &block);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq((uintptr_t)p % ((uintptr_t)2 << 20), 0);
    ck_assert(p >= (char *)block);
    p[((size_t)8 << 20) - 1] = 1; /* the whole size is ours */
    cxm__free(block);
    p = cxm__malloc_large(100, &block);
    ck_assert_uint_eq((uintptr_t)p % 64, 0);
    cxm__free(block);
    ck_assert_ptr_null(cxm__malloc_large(SIZE_MAX - 10, &block));
    ck_assert_int_eq(cxm_error_status(), CXM_ENOMEM);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("hash");
    TCase *tc = tcase_create("hash");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, mixer_is_splitmix64);
    tcase_add_test(tc, bytes_hash_reads_exactly_the_key);
    tcase_add_test(tc, entries_are_numbered_in_order_of_insertion);
    tcase_add_test(tc, collisions_are_resolved);
    tcase_add_test(tc, reserve_sizes_once);
    tcase_add_test(tc, indices_beyond_32_bits_are_refused);
    tcase_add_test(tc, u64map_keeps_the_first_value);
    tcase_add_test(tc, out_of_memory_leaves_the_table_as_it_was);
    tcase_add_test(tc, large_blocks_are_aligned_for_huge_pages);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
