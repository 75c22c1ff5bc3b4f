/* dlopen: libm loaded at run time, a call through dlsym, a missing one. */
#include <dlfcn.h>
#include <stdio.h>

int main(void) {
    void *h = dlopen("libm.so.6", RTLD_NOW);
    if (!h) {
        printf("dlopen libm: %s\n", dlerror());
        return 1;
    }
    double (*cosp)(double) = (double (*)(double))dlsym(h, "cos");
    double (*powp)(double, double) = (double (*)(double, double))dlsym(h, "pow");
    printf("cos(1) = %.17g\npow(2, 0.5) = %.17g\n", cosp(1.0), powp(2.0, 0.5));
    printf("dlsym missing: %s\n", dlsym(h, "no_such_symbol_here") ? "found" : "NULL");
    dlclose(h);
    void *m = dlopen("libno-such-library.so.9", RTLD_NOW);
    printf("dlopen missing: %s\n", m ? "loaded" : dlerror());
    return 0;
}
