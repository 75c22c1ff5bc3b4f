/* simd: SSE2 packed integer and packed floating-point instructions through
 * the <emmintrin.h> intrinsics (baseline x86-64, no CPUID-dependent paths).
 * Each result vector is printed as hex, so a wrong lane shows directly.
 * rcpps/rsqrtps are left out: their approximations differ between vendors. */
#include <emmintrin.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static void show(const char *name, __m128i v) {
    uint8_t b[16];
    _mm_storeu_si128((__m128i *)b, v);
    printf("%-10s", name);
    for (int i = 15; i >= 0; i--) printf("%02x%s", b[i], i % 4 == 0 && i ? "_" : "");
    putchar('\n');
}
static void showps(const char *name, __m128 v) { show(name, _mm_castps_si128(v)); }
static void showpd(const char *name, __m128d v) { show(name, _mm_castpd_si128(v)); }

static volatile uint8_t src[64];

int main(void) {
    for (int i = 0; i < 64; i++) src[i] = (uint8_t)(i * 37 + 11) ^ (uint8_t)(i << 5);
    uint8_t buf[64];
    memcpy(buf, (const void *)src, 64);
    __m128i a = _mm_loadu_si128((const __m128i *)buf);       /* MOVDQU */
    __m128i b = _mm_loadu_si128((const __m128i *)(buf + 17)); /* unaligned */
    __m128i c = _mm_loadu_si128((const __m128i *)(buf + 33));
    show("a", a), show("b", b);
    show("paddb", _mm_add_epi8(a, b)), show("paddw", _mm_add_epi16(a, b));
    show("paddd", _mm_add_epi32(a, b)), show("paddq", _mm_add_epi64(a, b));
    show("psubb", _mm_sub_epi8(a, b)), show("psubq", _mm_sub_epi64(a, b));
    show("paddsb", _mm_adds_epi8(a, b)), show("paddusb", _mm_adds_epu8(a, b));
    show("psubsw", _mm_subs_epi16(a, b)), show("psubusw", _mm_subs_epu16(a, b));
    show("pmullw", _mm_mullo_epi16(a, b)), show("pmulhw", _mm_mulhi_epi16(a, b));
    show("pmulhuw", _mm_mulhi_epu16(a, b)), show("pmuludq", _mm_mul_epu32(a, b));
    show("pmaddwd", _mm_madd_epi16(a, b)), show("psadbw", _mm_sad_epu8(a, b));
    show("pavgb", _mm_avg_epu8(a, b)), show("pavgw", _mm_avg_epu16(a, b));
    show("pminub", _mm_min_epu8(a, b)), show("pmaxub", _mm_max_epu8(a, b));
    show("pminsw", _mm_min_epi16(a, b)), show("pmaxsw", _mm_max_epi16(a, b));
    show("pand", _mm_and_si128(a, b)), show("pandn", _mm_andnot_si128(a, b));
    show("por", _mm_or_si128(a, b)), show("pxor", _mm_xor_si128(a, c));
    show("pcmpeqb", _mm_cmpeq_epi8(a, _mm_or_si128(a, _mm_set1_epi8(1))));
    show("pcmpgtb", _mm_cmpgt_epi8(a, b)), show("pcmpgtw", _mm_cmpgt_epi16(a, b));
    show("pcmpgtd", _mm_cmpgt_epi32(a, b)), show("pcmpeqd", _mm_cmpeq_epi32(a, a));
    printf("pmovmskb  %04x %04x\n", _mm_movemask_epi8(a), _mm_movemask_epi8(b));
    show("psllw3", _mm_slli_epi16(a, 3)), show("psrlw3", _mm_srli_epi16(a, 3));
    show("psraw3", _mm_srai_epi16(a, 3)), show("pslld31", _mm_slli_epi32(a, 31));
    show("psrad17", _mm_srai_epi32(a, 17)), show("psllq63", _mm_slli_epi64(a, 63));
    show("psrlq9", _mm_srli_epi64(a, 9)), show("psllw16", _mm_slli_epi16(a, 16));
    show("psllwx", _mm_sll_epi16(a, _mm_cvtsi32_si128(5)));
    show("psradx", _mm_sra_epi32(a, _mm_cvtsi32_si128(40)));
    show("pslldq5", _mm_slli_si128(a, 5)), show("psrldq11", _mm_srli_si128(a, 11));
    show("pshufd", _mm_shuffle_epi32(a, 0x1b)), show("pshuflw", _mm_shufflelo_epi16(a, 0x93));
    show("pshufhw", _mm_shufflehi_epi16(a, 0x4e));
    show("punpcklbw", _mm_unpacklo_epi8(a, b)), show("punpckhbw", _mm_unpackhi_epi8(a, b));
    show("punpcklwd", _mm_unpacklo_epi16(a, b)), show("punpckhdq", _mm_unpackhi_epi32(a, b));
    show("punpcklqdq", _mm_unpacklo_epi64(a, b)), show("punpckhqdq", _mm_unpackhi_epi64(a, b));
    show("packsswb", _mm_packs_epi16(a, b)), show("packuswb", _mm_packus_epi16(a, b));
    show("packssdw", _mm_packs_epi32(a, b));
    printf("pextrw    %04x pinsrw ", _mm_extract_epi16(a, 5));
    show("", _mm_insert_epi16(a, 0xbeef, 2));
    show("movq", _mm_move_epi64(a)), show("movd", _mm_cvtsi32_si128((int)buf[3] * 0x01010101));

    float fa[4] = {1.5f, -2.25f, 3.0e38f, 1e-40f}, fb[4] = {0.5f, 4.0f, 10.0f, -0.0f};
    __m128 pa = _mm_loadu_ps(fa), pb = _mm_loadu_ps(fb);
    showps("addps", _mm_add_ps(pa, pb)), showps("subps", _mm_sub_ps(pa, pb));
    showps("mulps", _mm_mul_ps(pa, pb)), showps("divps", _mm_div_ps(pa, pb));
    showps("sqrtps", _mm_sqrt_ps(_mm_and_ps(pa, _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff)))));
    __m128 qn = _mm_div_ps(_mm_setzero_ps(), _mm_setzero_ps()); /* default NaN */
    showps("minps-nan", _mm_min_ps(qn, pa)), showps("maxps-nan", _mm_max_ps(pa, qn));
    showps("minps", _mm_min_ps(pa, pb)), showps("maxps", _mm_max_ps(pa, pb));
    showps("cmpltps", _mm_cmplt_ps(pa, pb)), showps("cmpunord", _mm_cmpunord_ps(qn, pa));
    showps("cmpneq", _mm_cmpneq_ps(qn, qn)), showps("cmpnle", _mm_cmpnle_ps(pa, pb));
    showps("shufps", _mm_shuffle_ps(pa, pb, 0xb1)), showps("unpcklps", _mm_unpacklo_ps(pa, pb));
    showps("unpckhps", _mm_unpackhi_ps(pa, pb)), showps("movhlps", _mm_movehl_ps(pa, pb));
    showps("movlhps", _mm_movelh_ps(pa, pb)), showps("andnps", _mm_andnot_ps(pa, pb));
    showps("xorps", _mm_xor_ps(pa, pb));
    printf("movmskps  %x\n", _mm_movemask_ps(pa));
    show("cvtps2dq", _mm_cvtps_epi32(pa)), show("cvttps2dq", _mm_cvttps_epi32(pa));
    showps("cvtdq2ps", _mm_cvtepi32_ps(a));
    showpd("cvtps2pd", _mm_cvtps_pd(pa)), showps("cvtpd2ps", _mm_cvtpd_ps(_mm_set_pd(1e300, 0.1)));
    __m128d da = _mm_set_pd(-3.75, 1e-310), db = _mm_set_pd(0.5, 2.0);
    showpd("addpd", _mm_add_pd(da, db)), showpd("mulpd", _mm_mul_pd(da, db));
    showpd("divpd", _mm_div_pd(da, db)), showpd("sqrtpd", _mm_sqrt_pd(db));
    showpd("minpd", _mm_min_pd(da, db)), showpd("cmplepd", _mm_cmple_pd(da, db));
    showpd("shufpd", _mm_shuffle_pd(da, db, 1)), showpd("unpckhpd", _mm_unpackhi_pd(da, db));
    show("cvtpd2dq", _mm_cvtpd_epi32(da)), show("cvttpd2dq", _mm_cvttpd_epi32(_mm_set_pd(3e9, -2.5)));
    showpd("cvtdq2pd", _mm_cvtepi32_pd(a));
    printf("movmskpd  %x comisd %d %d ucomisd %d\n", _mm_movemask_pd(da), _mm_comilt_sd(da, db),
           _mm_comieq_sd(db, db), _mm_ucomineq_sd(_mm_castps_pd(qn), db));
    showpd("sd-ops", _mm_add_sd(da, _mm_sqrt_sd(da, db)));
    showps("ss-ops", _mm_div_ss(_mm_sqrt_ss(pa), pb));
    return 0;
}
