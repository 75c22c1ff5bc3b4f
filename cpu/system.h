/* System-architecture helpers shared by cpu/ files (internal). */
#ifndef RINGSIDE_SYSTEM_H
#define RINGSIDE_SYSTEM_H
#include "insn.h"

void cpu_load_seg(Cpu *c, int seg, uint16_t sel);
void cpu_load_tr(Cpu *c, uint16_t sel);
void cpu_iret(Cpu *c, unsigned osz);
void cpu_set_flat_cs(Cpu *c, uint16_t sel, int l, int dpl);
void cpu_set_flat_ss(Cpu *c, uint16_t sel, int dpl);
int cpu_desc_probe(Cpu *c, uint16_t sel, uint64_t d[2]); /* LAR/LSL/VERR/VERW */
void cpuid_query(Cpu *c, uint32_t leaf, uint32_t sub, uint32_t out[4]);
int system_sel_pushpop_seg(const DecodeCtx *d, Insn *i);
int system_sel_mov_seg(const DecodeCtx *d, Insn *i);
int system_sel_mov_cr(const DecodeCtx *d, Insn *i); /* MOV to/from CRn (ends the block) */
int system_sel_mov_dr(const DecodeCtx *d, Insn *i);

#endif
