/* Prints this process's own /proc/self/maps file mappings and [heap], as
 * the kernel (or ringside) shows them. Run natively under setarch -R.
 *   maps self   lines of the program itself, its interpreter and [heap]
 *   maps files  every file-backed line and [heap]
 * Anonymous lines are left out: ld.so's own small allocations depend on
 * the CPU's ISA level (its glibc-hwcaps strings), which ringside models
 * lower than the host. [vdso]/[vvar]/[stack]/[vsyscall] are left out too. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    int all = argc > 1 && strcmp(argv[1], "files") == 0;
    char exe[4096];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) {
        perror("readlink /proc/self/exe");
        return 1;
    }
    exe[n] = 0;
    printf("exe %s\n", exe);
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) {
        perror("/proc/self/maps");
        return 1;
    }
    char line[8192];
    while (fgets(line, sizeof line, f)) {
        char *name = strchr(line, '/');
        int heap = strstr(line, "[heap]") != NULL;
        if (!heap && !name) continue;
        if (!heap && !all && strncmp(name, exe, (size_t)n) != 0 && !strstr(name, "/ld-linux"))
            continue;
        fputs(line, stdout);
    }
    fclose(f);
    return 0;
}
