/* Floating-point workload: an n-body simulation (scalar doubles: MULSD/ADDSD/DIVSD/SQRTSD)
 * and a blocked matrix multiply the compiler may vectorise (packed doubles: MULPD/ADDPD).
 * SSE2 only; no x87 or long double. usage: fp [SCALE]   (prints a checksum) */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NB 5
typedef struct {
    double x, y, z, vx, vy, vz, m;
} Body;

static void nbody_init(Body *b) {
    for (int i = 0; i < NB; i++) {
        b[i] = (Body){1.0 + i * 0.7, -0.5 + i * 0.3, 0.25 * i,     0.01 * i,
                      -0.02 * i,     0.003,          1.0 / (i + 1)};
    }
}

static void nbody_step(Body *b, double dt) {
    for (int i = 0; i < NB; i++)
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            double d2 = dx * dx + dy * dy + dz * dz + 0.01;
            double mag = dt / (d2 * sqrt(d2));
            b[i].vx -= dx * b[j].m * mag;
            b[i].vy -= dy * b[j].m * mag;
            b[i].vz -= dz * b[j].m * mag;
            b[j].vx += dx * b[i].m * mag;
            b[j].vy += dy * b[i].m * mag;
            b[j].vz += dz * b[i].m * mag;
        }
    for (int i = 0; i < NB; i++) {
        b[i].x += dt * b[i].vx;
        b[i].y += dt * b[i].vy;
        b[i].z += dt * b[i].vz;
    }
}

static double energy(const Body *b) {
    double e = 0;
    for (int i = 0; i < NB; i++) {
        e += 0.5 * b[i].m * (b[i].vx * b[i].vx + b[i].vy * b[i].vy + b[i].vz * b[i].vz);
        for (int j = i + 1; j < NB; j++) {
            double dx = b[i].x - b[j].x, dy = b[i].y - b[j].y, dz = b[i].z - b[j].z;
            e -= b[i].m * b[j].m / sqrt(dx * dx + dy * dy + dz * dz + 0.01);
        }
    }
    return e;
}

#define MN 96
static double A[MN][MN], B[MN][MN], C[MN][MN];

static void matmul(void) {
    memset(C, 0, sizeof C);
    for (int i = 0; i < MN; i++)
        for (int k = 0; k < MN; k++) {
            double a = A[i][k];
            for (int j = 0; j < MN; j++)
                C[i][j] += a * B[k][j];
        }
}

int main(int argc, char **argv) {
    long scale = argc > 1 ? atol(argv[1]) : 10;
    if (scale < 1) scale = 1;
    Body b[NB];
    nbody_init(b);
    for (int i = 0; i < MN; i++)
        for (int j = 0; j < MN; j++) {
            A[i][j] = (double)((i * 7 + j * 3) % 17) / 8.0 - 1.0;
            B[i][j] = (double)((i * 5 + j * 11) % 13) / 6.0 - 1.0;
        }
    double acc = 0;
    for (long round = 0; round < scale; round++) {
        for (int s = 0; s < 1000; s++)
            nbody_step(b, 0.001);
        acc += energy(b);
        matmul();
        double tr = 0;
        for (int i = 0; i < MN; i++)
            tr += C[i][i] + C[i][MN - 1 - i] * 0.5;
        acc += tr * 1e-3;
        /* feed the product back, scaled, so rounds differ */
        for (int i = 0; i < MN; i++)
            for (int j = 0; j < MN; j++)
                A[i][j] = C[i][j] / (fabs(C[i][j]) + 50.0);
    }
    uint64_t bits;
    memcpy(&bits, &acc, sizeof bits);
    printf("fp: scale %ld acc %.12e bits %016llx\n", scale, acc, (unsigned long long)bits);
    return 0;
}
