/* The decoded-instruction cache (internal to cpu/). */
#ifndef RINGSIDE_DECODE_H
#define RINGSIDE_DECODE_H

#include "insn.h"

#define MAX_BLOCK     64
#define DC_HASH_SIZE  (1u << 18)     /* buckets */
#define DC_ARENA_SIZE (512ull << 20) /* reserved, touched on use */
/* Key: mode (2 bits) | user (1 bit) | single-step (1 bit). Single-step
 * blocks hold one instruction: they serve instruction hooks, TF traps and
 * budgets that end inside a block (a partial run of a multi-instruction block
 * could expose flags the liveness pass left stale, see decode.c). */
#define DC_KEY_STEP 8u
#define DC_KEY(c)                                                                                  \
    ((unsigned)(c)->mode | ((c)->cpl == 3 ? 4u : 0u) | ((c)->step_blocks ? DC_KEY_STEP : 0u))
#define DC_HASH(rip, key, size)                                                                    \
    ((size_t)(((rip) ^ ((uint64_t)(key) << 60)) * 0x9E3779B97F4A7C15ull >> 40) & ((size)-1))

typedef struct Block {
    uint64_t rip;
    uint64_t end; /* fall-through address */
    struct Block *hnext;
    /* Successor cache: the blocks that followed this one last time, so the
     * run loop skips the hash lookup on loops and calls (two ways). */
    struct Block *link[2];
    unsigned key;
    unsigned n;     /* guest instructions */
    unsigned nexec; /* records the run loop dispatches: n, or n - 1 when the
                       last two are fused (compare-and-branch) */
    unsigned at_bp; /* a breakpoint was set at rip when it was decoded: the
                       hot loop hands the block to run_loop's check */
    Insn insns[];
} Block;

typedef struct DecodeCache {
    Block **hash;
    size_t hsize;
    uint8_t *arena;
    size_t arena_size, used;
    ZydisDecoder dec[3]; /* by CpuMode */
    ZydisFormatter fmt;
    uint64_t decoded, flushes;
} DecodeCache;

DecodeCache *decode_cache_new(void);
void decode_cache_free(DecodeCache *dc);
void decode_cache_flush(DecodeCache *dc);
Block *decode_block(Cpu *c, uint64_t rip, unsigned key);
int decode_is_implemented(int mnem);
const char *decode_family(int mnem);
int zreg_gpr_num(ZydisRegister r);
const char *cpu_mnemonic_name(int mnem);

/* The block at rip: through prev's successor links, else the hash, else
 * decoded now (which may raise a fetch fault: c->cur is cleared first so the
 * fault is not charged to the previous block's last instruction). */
static inline Block *decode_lookup_linked(Cpu *c, Block *prev, uint64_t rip) {
    unsigned key = DC_KEY(c);
    if (likely(prev != NULL)) {
        Block *l = prev->link[0];
        if (l && l->rip == rip && l->key == key) return l;
        l = prev->link[1];
        if (l && l->rip == rip && l->key == key) {
            prev->link[1] = prev->link[0]; /* most recent first */
            prev->link[0] = l;
            return l;
        }
    }
    DecodeCache *dc = c->dc;
    Block *b = NULL;
    for (Block *h = dc->hash[DC_HASH(rip, key, dc->hsize)]; h; h = h->hnext)
        if (h->rip == rip && h->key == key) {
            b = h;
            break;
        }
    if (!b) {
        uint64_t flushes = dc->flushes;
        c->cur = NULL;
        b = decode_block(c, rip, key);
        if (dc->flushes != flushes) return b; /* prev is gone with the arena */
    }
    if (prev) {
        prev->link[1] = prev->link[0];
        prev->link[0] = b;
    }
    return b;
}

static inline Block *decode_lookup_key(Cpu *c, uint64_t rip, unsigned key) {
    DecodeCache *dc = c->dc;
    for (Block *b = dc->hash[DC_HASH(rip, key, dc->hsize)]; b; b = b->hnext)
        if (b->rip == rip && b->key == key) return b;
    c->cur = NULL;
    return decode_block(c, rip, key);
}
int cpu_fetch(Cpu *c, uint64_t a, uint8_t *buf, int n, uint64_t *fault_addr, int *fault_prot);
void cpu_select_tlb(Cpu *c);

#endif
