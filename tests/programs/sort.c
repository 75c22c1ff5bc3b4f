/* sort: qsort and bsearch over ints, strings and structs (indirect calls
 * through the comparison function, lots of data movement). Results are
 * checked here and summarised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rng = 2463534242u;
static uint32_t next(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static int cmp_int(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}
static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}
struct rec {
    int key;
    unsigned seq;
    char name[12];
};
static int cmp_rec(const void *a, const void *b) {
    const struct rec *x = a, *y = b;
    if (x->key != y->key) return x->key < y->key ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq); /* total order: no stability needed */
}

#define NI 20000
#define NS 3000
static int ints[NI];
static char *strs[NS];
static struct rec recs[NS];

int main(void) {
    for (int i = 0; i < NI; i++) ints[i] = (int)(next() % 100000) - 50000;
    qsort(ints, NI, sizeof ints[0], cmp_int);
    int sorted = 1;
    uint64_t sum = 0;
    for (int i = 0; i < NI; i++) {
        if (i && ints[i - 1] > ints[i]) sorted = 0;
        sum = sum * 31 + (uint32_t)ints[i];
    }
    printf("ints: sorted=%d min=%d max=%d median=%d sum=%016llx\n", sorted, ints[0], ints[NI - 1],
           ints[NI / 2], (unsigned long long)sum);
    int found = 0, missing = 0, rightplace = 0;
    for (int k = -50010; k < 50010; k += 7) {
        int *p = bsearch(&k, ints, NI, sizeof ints[0], cmp_int);
        if (p) {
            found++;
            rightplace += *p == k;
        } else {
            missing++;
        }
    }
    printf("bsearch: found=%d missing=%d correct=%d\n", found, missing, rightplace);

    static char pool[NS][16];
    for (int i = 0; i < NS; i++) {
        int len = 1 + (int)(next() % 14);
        for (int j = 0; j < len; j++) pool[i][j] = (char)('a' + next() % 26);
        pool[i][len] = 0;
        strs[i] = pool[i];
    }
    qsort(strs, NS, sizeof strs[0], cmp_str);
    sorted = 1;
    for (int i = 1; i < NS; i++) sorted &= strcmp(strs[i - 1], strs[i]) <= 0;
    printf("strings: sorted=%d first=%s last=%s mid=%s\n", sorted, strs[0], strs[NS - 1],
           strs[NS / 2]);

    for (int i = 0; i < NS; i++) {
        recs[i].key = (int)(next() % 50);
        recs[i].seq = (unsigned)i;
        snprintf(recs[i].name, sizeof recs[i].name, "r%05u", next() % 100000);
    }
    qsort(recs, NS, sizeof recs[0], cmp_rec);
    sorted = 1;
    sum = 0;
    for (int i = 0; i < NS; i++) {
        if (i) sorted &= cmp_rec(&recs[i - 1], &recs[i]) < 0;
        sum = sum * 131 + (uint64_t)recs[i].key * 7919 + recs[i].seq;
    }
    printf("records: sorted=%d first=%d/%u/%s last=%d/%u/%s sum=%016llx\n", sorted, recs[0].key,
           recs[0].seq, recs[0].name, recs[NS - 1].key, recs[NS - 1].seq, recs[NS - 1].name,
           (unsigned long long)sum);
    struct rec probe = {.key = 25, .seq = recs[NS / 2].seq};
    probe.key = recs[NS / 2].key;
    struct rec *hit = bsearch(&probe, recs, NS, sizeof recs[0], cmp_rec);
    printf("record bsearch: %s\n", hit ? hit->name : "(not found)");
    return 0;
}
