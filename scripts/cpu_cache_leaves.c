/*
 * Prints what CPUID says about caches and topology: leaf 4 (Intel deterministic cache parameters),
 * 0x8000001D (AMD cache topology), 0x80000005/6 (AMD legacy L1/L2/L3 sizes) and 0xB (x2APIC topology).
 * On this project's VM, leaves 4, 0x8000001D and 0xB answer zeros (docs/BENCHMARKS.md section 9).
 * Run: gcc -O1 -o /tmp/cpu_cache_leaves scripts/cpu_cache_leaves.c && /tmp/cpu_cache_leaves
 */
#include <stdio.h>
#include <cpuid.h>
int main(void) {
    unsigned a, b, c, d;
    __cpuid(0, a, b, c, d); printf("max basic leaf 0x%x\n", a);
    __cpuid(0x80000000, a, b, c, d); printf("max ext leaf 0x%x\n", a);
    for (int i = 0; i < 6; i++) {
        __cpuid_count(4, i, a, b, c, d);
        printf("leaf4.%d type=%u level=%u ways=%u sets=%u line=%u\n", i, a & 31, (a >> 5) & 7, (b >> 22) + 1, c + 1, (b & 0xfff) + 1);
    }
    for (int i = 0; i < 5; i++) {
        __cpuid_count(0x8000001d, i, a, b, c, d);
        unsigned size = ((b >> 22) + 1) * (((b >> 12) & 0x3ff) + 1) * ((b & 0xfff) + 1) * (c + 1);
        printf("leaf8000001d.%d type=%u level=%u size=%u\n", i, a & 31, (a >> 5) & 7, size);
    }
    __cpuid(0x80000005, a, b, c, d); printf("leaf80000005 L1d=%u KB L1i=%u KB\n", c >> 24, d >> 24);
    __cpuid(0x80000006, a, b, c, d); printf("leaf80000006 L2=%u KB L3=%u x512KB\n", c >> 16, d >> 18);
    for (int i = 0; i < 3; i++) { __cpuid_count(0xb, i, a, b, c, d); printf("leafB.%d shift=%u count=%u type=%u\n", i, a & 31, b & 0xffff, (c >> 8) & 0xff); }
    return 0;
}
