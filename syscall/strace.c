/* --strace: one line per system call in strace(1)'s shape, e.g.
 *   openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3
 *   read(3, "root:x:0:0:root:/root:/bin/bash\n"..., 4096) = 1221
 *   exit_group(0)                           = ?
 * The arguments known at entry are rendered by strace_enter (so the text is
 * what the call saw); output arguments and the result are added by
 * strace_exit and the whole line is written then. exit/exit_group print at
 * entry since they do not return. Guest memory is read only through the
 * copy helpers: an unreadable pointer prints as its address, as in strace.
 *
 * Argument format letters (table_x86_64.def "argfmt", one per argument):
 *   d int            l long            u unsigned decimal   x hex (0 as "0")
 *   p pointer (NULL or 0x...)          m mode, octal        a dirfd (AT_FDCWD)
 *   s path string in (NUL-terminated, not truncated)
 *   z string in (NUL-terminated, truncated at 32 characters with "...")
 *   b buffer in, length = next argument (32 characters shown)
 *   v iovec array in, count = next argument
 *   f open flags (O_RDONLY|O_CLOEXEC)  C O_* flags without access mode
 *   c mode, printed only when the previous argument has O_CREAT/O_TMPFILE
 *   P PROT_*   M MAP_*   t AT_* flags   e AT_* flags of faccessat2
 *   S signal   A arch_prctl code   F fcntl command (decodes its argument)
 *   I ioctl request   w lseek whence   k clock id   g sigprocmask how
 *   R rlimit resource   X futex op   K access mode   D madvise advice
 *   N getrandom flags   G sigset in   T struct timespec in
 *   r struct rlimit in (prlimit64)   j struct rlimit in (setrlimit)
 *   h struct sigaction in   Y struct itimerval in   i itimer which
 *   E mremap flags (the new address follows only with MAYMOVE|FIXED)
 *   n msync flags
 *   3 socket family   4 socket type and SOCK_* flags   5 protocol (IPPROTO_* for AF_INET/6,
 *     the family two arguments back)   6 struct sockaddr in, length = next argument
 *   : SOCK_CLOEXEC|SOCK_NONBLOCK (accept4)   9 MSG_* flags   0 shutdown how   ! socket option level
 * # option name (level before it) $ setsockopt value, length = next argument ([int], struct linger,
 * bytes) Output arguments, printed after the call (as the address on error): B buffer out, length =
 * return value     y the same, bytes in \x hex V iovec array out, count = next argument, filled up
 * to the return value W struct stat   U struct timespec   Z NUL-terminated string Q int[2] (pipe)
 * H sigset   L struct rlimit (prlimit64)   J struct rlimit O struct sigaction   o struct itimerval
 * q struct utsname 1 prctl option (and the arguments it uses; the whole call at exit) 2 dirent
 * buffer (getdents/getdents64): address and entry count 7 struct sockaddr out, its length the '8'
 * argument after it 8 socklen_t value-result: "[in => out]", "[out]" when unchanged, "[in]" on
 * error % getsockopt value, length = the '8' argument after it Return formats: 'd' decimal, 'x'
 * hex, 'o' octal, '?' does not return. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sys_internal.h"

#define STR_MAX     32 /* strace's default -s */
#define OUT_LETTERS "ByVWUZQHLJOoq12789%"

static _Thread_local struct {
    char buf[16384];
    size_t len;
    int split;      /* first argument left for strace_exit */
    int stop;       /* no further arguments (fcntl commands without one) */
    int32_t len_in; /* the value-result length ('8') as the call saw it */
    int len_ok;
    const SysDef *sub_def; /* i386 socketcall: the sub-call being shown */
    uint64_t sub[6];       /* ... and its arguments */
} L;

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void put(const char *fmt, ...) {
    if (L.len >= sizeof L.buf - 1) return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(L.buf + L.len, sizeof L.buf - L.len, fmt, ap);
    va_end(ap);
    if (n > 0) L.len += (size_t)n;
    if (L.len > sizeof L.buf - 1) L.len = sizeof L.buf - 1;
}

static void put_ptr(uint64_t v) {
    if (v)
        put("0x%llx", (unsigned long long)v);
    else
        put("NULL");
}

/* Readable bytes at addr, up to max (stops at the first unreadable page). */
static size_t fetch(Proc *p, uint64_t addr, uint8_t *dst, size_t max) {
    size_t got = 0;
    while (got < max) {
        uint64_t a = addr + got;
        size_t k = PAGE_SIZE - (a & (PAGE_SIZE - 1));
        if (k > max - got) k = max - got;
        if (copy_from_user(p, dst + got, a, k)) break;
        got += k;
    }
    return got;
}

/* strace's quoting: C escapes, other non-printables in octal (three digits
 * only when the next character is an octal digit), or all in \x hex. */
static void put_quoted(const uint8_t *s, size_t n, int hex) {
    put("\"");
    for (size_t i = 0; i < n && L.len < sizeof L.buf - 8; i++) {
        uint8_t c = s[i];
        char *o = L.buf + L.len;
        if (hex) {
            L.len += (size_t)snprintf(o, 5, "\\x%02x", c);
            continue;
        }
        switch (c) {
        case '"':
        case '\\':
            *o++ = '\\';
            *o++ = (char)c;
            break;
        case '\f':
            *o++ = '\\';
            *o++ = 'f';
            break;
        case '\n':
            *o++ = '\\';
            *o++ = 'n';
            break;
        case '\r':
            *o++ = '\\';
            *o++ = 'r';
            break;
        case '\t':
            *o++ = '\\';
            *o++ = 't';
            break;
        case '\v':
            *o++ = '\\';
            *o++ = 'v';
            break;
        default:
            if (c >= ' ' && c < 0x7f) {
                *o++ = (char)c;
            } else {
                int full = i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7';
                *o++ = '\\';
                if (full || c >= 0100) *o++ = (char)('0' + (c >> 6));
                if (full || c >= 010) *o++ = (char)('0' + ((c >> 3) & 7));
                *o++ = (char)('0' + (c & 7));
            }
        }
        L.len = (size_t)(o - L.buf);
    }
    put("\"");
}

/* A buffer of known length: 32 bytes shown, "..." after the quote if more. */
static void put_buf(Proc *p, uint64_t addr, uint64_t len, int hex) {
    if (!addr) return put("NULL");
    uint8_t tmp[STR_MAX] = {0};
    size_t want = len < STR_MAX ? (size_t)len : STR_MAX;
    if (fetch(p, addr, tmp, want) < want) return put_ptr(addr);
    put_quoted(tmp, want, hex);
    if (len > STR_MAX) put("...");
}

/* A NUL-terminated string, shown up to max characters. */
static void put_cstr(Proc *p, uint64_t addr, size_t max) {
    if (!addr) return put("NULL");
    static _Thread_local uint8_t tmp[SYS_PATH_MAX + 1];
    if (max > SYS_PATH_MAX) max = SYS_PATH_MAX;
    size_t got = fetch(p, addr, tmp, max + 1);
    uint8_t *nul = memchr(tmp, 0, got);
    if (nul) return put_quoted(tmp, (size_t)(nul - tmp), 0);
    if (got <= max) return put_ptr(addr); /* ran into an unreadable page */
    put_quoted(tmp, max, 0);
    put("...");
}

typedef struct Name {
    uint64_t v;
    const char *s;
} Name;

static const char *lookup(const Name *t, uint64_t v) {
    for (; t->s; t++)
        if (t->v == v) return t->s;
    return NULL;
}

/* Unknown values in hex with strace's "<family>_???" comment. */
static void put_enum(const Name *t, int64_t v, const char *family) {
    const char *s = lookup(t, (uint64_t)v);
    if (s)
        put("%s", s);
    else
        put("%#llx /* %s_??? */", (unsigned long long)v, family);
}

/* Flag words: names in table order, the rest in hex; `zero` when 0. */
static void put_flags(const Name *t, uint64_t v, const char *zero, int first) {
    if (!v) {
        if (first && zero) put("%s", zero);
        return;
    }
    for (; t->s; t++) {
        if (t->v && (v & t->v) == t->v) {
            put("%s%s", first ? "" : "|", t->s);
            first = 0;
            v &= ~t->v;
        }
    }
    if (v) put("%s%#llx", first ? "" : "|", (unsigned long long)v);
}

/* Flag words where strace marks a value with no known bit. */
static void put_flags_c(const Name *t, uint64_t v, const char *zero, const char *family) {
    int known = 0;
    for (const Name *q = t; q->s; q++)
        known |= (v & q->v) != 0;
    if (v && !known)
        put("%#llx /* %s_??? */", (unsigned long long)v, family);
    else
        put_flags(t, v, zero, 1);
}

static const Name open_flags[] = {
    {0100, "O_CREAT"},        {0200, "O_EXCL"},
    {0400, "O_NOCTTY"},       {01000, "O_TRUNC"},
    {02000, "O_APPEND"},      {04000, "O_NONBLOCK"},
    {04010000, "O_SYNC"},     {010000, "O_DSYNC"},
    {040000, "O_DIRECT"},     {0100000, ""}, /* O_LARGEFILE: forced on x86-64; strace hides it */
    {0400000, "O_NOFOLLOW"},  {01000000, "O_NOATIME"},
    {02000000, "O_CLOEXEC"},  {010000000, "O_PATH"},
    {020200000, "O_TMPFILE"}, {0200000, "O_DIRECTORY"},
    {020000, "FASYNC"},       {0, NULL}};

static void put_open_flags(uint64_t v, int accmode) {
    uint32_t f = (uint32_t)v;
    int first = 1;
    if (accmode) {
        static const char *const acc[] = {"O_RDONLY", "O_WRONLY", "O_RDWR", "O_ACCMODE"};
        put("%s", acc[f & 3]);
        f &= ~3u;
        first = 0;
    }
    /* Walk by hand so the hidden O_LARGEFILE entry prints nothing. */
    for (const Name *t = open_flags; t->s; t++) {
        if ((f & t->v) == t->v) {
            if (t->s[0]) put("%s%s", first ? "" : "|", t->s);
            if (t->s[0]) first = 0;
            f &= ~(uint32_t)t->v;
        }
    }
    if (f)
        put("%s%#x", first ? "" : "|", f);
    else if (first)
        put("0");
}

static const Name prot_flags[] = {{1, "PROT_READ"},
                                  {2, "PROT_WRITE"},
                                  {4, "PROT_EXEC"},
                                  {8, "PROT_SEM"},
                                  {0x01000000, "PROT_GROWSDOWN"},
                                  {0x02000000, "PROT_GROWSUP"},
                                  {0, NULL}};

static const Name map_flags[] = {{0x10, "MAP_FIXED"},
                                 {0x20, "MAP_ANONYMOUS"},
                                 {0x40, "MAP_32BIT"},
                                 {0x4000, "MAP_NORESERVE"},
                                 {0x8000, "MAP_POPULATE"},
                                 {0x10000, "MAP_NONBLOCK"},
                                 {0x100, "MAP_GROWSDOWN"},
                                 {0x800, "MAP_DENYWRITE"},
                                 {0x1000, "MAP_EXECUTABLE"},
                                 {0x2000, "MAP_LOCKED"},
                                 {0x20000, "MAP_STACK"},
                                 {0x40000, "MAP_HUGETLB"},
                                 {0x80000, "MAP_SYNC"},
                                 {0x100000, "MAP_FIXED_NOREPLACE"},
                                 {0, NULL}};

static void put_map_flags(uint64_t v) {
    uint32_t f = (uint32_t)v;
    static const char *const type[] = {"MAP_FILE", "MAP_SHARED", "MAP_PRIVATE",
                                       "MAP_SHARED_VALIDATE"};
    if ((f & 0xf) < 4)
        put("%s", type[f & 0xf]);
    else
        put("%#x /* MAP_??? */", f & 0xf);
    uint32_t huge = f >> 26;
    put_flags(map_flags, f & ~0xfu & ~(0x3fu << 26), NULL, 0);
    if (huge) put("|%u<<MAP_HUGE_SHIFT", huge);
}

static const Name at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_REMOVEDIR"},   {0x400, "AT_SYMLINK_FOLLOW"},
    {0x800, "AT_NO_AUTOMOUNT"},     {0x1000, "AT_EMPTY_PATH"}, {0x2000, "AT_STATX_FORCE_SYNC"},
    {0x4000, "AT_STATX_DONT_SYNC"}, {0x8000, "AT_RECURSIVE"},  {0, NULL}};
static const Name access_at_flags[] = {
    {0x100, "AT_SYMLINK_NOFOLLOW"}, {0x200, "AT_EACCESS"}, {0x1000, "AT_EMPTY_PATH"}, {0, NULL}};

static const char *const sig_names[] = {
    "0",         "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
    "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
    "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
    "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS"};

static void put_signal(int64_t s) {
    if (s >= 0 && s < 32)
        put("%s", sig_names[s]);
    else if (s == 32)
        put("SIGRTMIN");
    else if (s > 32 && s <= 64)
        put("SIGRT_%d", (int)(s - 32));
    else
        put("%lld", (long long)s);
}

static void put_sigset(Proc *p, uint64_t addr) {
    uint64_t set;
    if (!addr) return put("NULL");
    if (copy_from_user(p, &set, addr, 8)) return put_ptr(addr);
    int inv = __builtin_popcountll(set) > 32;
    if (inv) set = ~set, put("~");
    put("[");
    int first = 1;
    for (int s = 1; s <= 64; s++) {
        if (!(set & (1ull << (s - 1)))) continue;
        if (!first) put(" ");
        first = 0;
        if (s < 32)
            put("%s", sig_names[s] + 3);
        else if (s == 32)
            put("RTMIN");
        else
            put("RT_%d", s - 32);
    }
    put("]");
}

static void put_timespec(Proc *p, uint64_t addr) {
    int64_t ts[2];
    if (!addr) return put("NULL");
    if (copy_from_user(p, ts, addr, sizeof ts)) return put_ptr(addr);
    put("{tv_sec=%lld, tv_nsec=%lld}", (long long)ts[0], (long long)ts[1]);
}

/* {rlim_cur=8192*1024, rlim_max=RLIM64_INFINITY}, as strace writes it. */
static void put_rlim_val(uint64_t v, int is64) {
    if (v == ~0ull)
        put("RLIM%s_INFINITY", is64 ? "64" : "");
    else if (v && v % 1024 == 0)
        put("%llu*1024", (unsigned long long)(v / 1024));
    else
        put("%llu", (unsigned long long)v);
}

static void put_rlimit(Proc *p, uint64_t addr, int is64) {
    uint64_t r[2];
    if (!addr) return put("NULL");
    if (copy_from_user(p, r, addr, sizeof r)) return put_ptr(addr);
    put("{rlim_cur=");
    put_rlim_val(r[0], is64);
    put(", rlim_max=");
    put_rlim_val(r[1], is64);
    put("}");
}

static void put_mode(uint64_t m) { put("%#03llo", (unsigned long long)(m & 07777777)); }

static void put_stat(Proc *p, uint64_t addr) {
    uint8_t st[144]; /* x86-64 struct stat */
    if (copy_from_user(p, st, addr, sizeof st)) return put_ptr(addr);
    uint32_t mode;
    uint64_t rdev;
    int64_t size;
    memcpy(&mode, st + 24, 4);
    memcpy(&rdev, st + 40, 8);
    memcpy(&size, st + 48, 8);
    static const Name types[] = {
        {0140000, "S_IFSOCK"}, {0120000, "S_IFLNK"}, {0100000, "S_IFREG"}, {060000, "S_IFBLK"},
        {040000, "S_IFDIR"},   {020000, "S_IFCHR"},  {010000, "S_IFIFO"},  {0, NULL}};
    const char *t = lookup(types, mode & 0170000);
    put("{st_mode=");
    if (t) put("%s|", t);
    if (mode & 04000) put("S_ISUID|");
    if (mode & 02000) put("S_ISGID|");
    if (mode & 01000) put("S_ISVTX|");
    put("%#03o", mode & 0777);
    if ((mode & 0170000) == 020000 || (mode & 0170000) == 060000)
        put(", st_rdev=makedev(%#llx, %#llx)",
            (unsigned long long)(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~0xfffull)),
            (unsigned long long)((rdev & 0xff) | ((rdev >> 12) & ~0xffull)));
    else
        put(", st_size=%lld", (long long)size);
    put(", ...}");
}

/* limit: bytes of data to show (-1: all, as input; -2: none, bases as
 * addresses, for an output array after a failed call). */
static void put_iovec(Proc *p, uint64_t addr, uint64_t cnt, int64_t limit) {
    uint64_t first[2];
    if (!addr) return put("NULL");
    if (cnt && copy_from_user(p, first, addr, sizeof first)) return put_ptr(addr);
    put("[");
    for (uint64_t i = 0; i < cnt; i++) {
        uint64_t iov[2];
        if (i == STR_MAX) {
            put(", ...");
            break;
        }
        if (copy_from_user(p, iov, addr + i * 16, 16)) {
            if (i)
                put(", ...");
            else
                put("%#llx", (unsigned long long)addr);
            break;
        }
        uint64_t show = iov[1];
        if (limit >= 0 && show > (uint64_t)limit) show = (uint64_t)limit;
        put("%s{iov_base=", i ? ", " : "");
        if (limit == -2)
            put_ptr(iov[0]);
        else
            put_buf(p, iov[0], show, 0);
        put(", iov_len=%llu}", (unsigned long long)iov[1]);
        if (limit >= 0) limit -= (int64_t)show;
    }
    put("]");
}

static const Name fcntl_cmds[] = {{0, "F_DUPFD"},
                                  {1, "F_GETFD"},
                                  {2, "F_SETFD"},
                                  {3, "F_GETFL"},
                                  {4, "F_SETFL"},
                                  {5, "F_GETLK"},
                                  {6, "F_SETLK"},
                                  {7, "F_SETLKW"},
                                  {8, "F_SETOWN"},
                                  {9, "F_GETOWN"},
                                  {10, "F_SETSIG"},
                                  {11, "F_GETSIG"},
                                  {15, "F_SETOWN_EX"},
                                  {16, "F_GETOWN_EX"},
                                  {17, "F_GETOWNER_UIDS"},
                                  {36, "F_OFD_GETLK"},
                                  {37, "F_OFD_SETLK"},
                                  {38, "F_OFD_SETLKW"},
                                  {1024, "F_SETLEASE"},
                                  {1025, "F_GETLEASE"},
                                  {1026, "F_NOTIFY"},
                                  {1027, "F_DUPFD_QUERY"},
                                  {1030, "F_DUPFD_CLOEXEC"},
                                  {1031, "F_SETPIPE_SZ"},
                                  {1032, "F_GETPIPE_SZ"},
                                  {1033, "F_ADD_SEALS"},
                                  {1034, "F_GET_SEALS"},
                                  {1035, "F_GET_RW_HINT"},
                                  {1036, "F_SET_RW_HINT"},
                                  {1037, "F_GET_FILE_RW_HINT"},
                                  {1038, "F_SET_FILE_RW_HINT"},
                                  {0, NULL}};

static const Name ioctl_names[] = {
    {0x5401, "TCGETS"},         {0x5402, "TCSETS"},       {0x5403, "TCSETSW"},
    {0x5404, "TCSETSF"},        {0x5405, "TCGETA"},       {0x5406, "TCSETA"},
    {0x5407, "TCSETAW"},        {0x5408, "TCSETAF"},      {0x5409, "TCSBRK"},
    {0x540a, "TCXONC"},         {0x540b, "TCFLSH"},       {0x540c, "TIOCEXCL"},
    {0x540d, "TIOCNXCL"},       {0x540e, "TIOCSCTTY"},    {0x540f, "TIOCGPGRP"},
    {0x5410, "TIOCSPGRP"},      {0x5411, "TIOCOUTQ"},     {0x5412, "TIOCSTI"},
    {0x5413, "TIOCGWINSZ"},     {0x5414, "TIOCSWINSZ"},   {0x541b, "FIONREAD"},
    {0x5420, "TIOCPKT"},        {0x5421, "FIONBIO"},      {0x5422, "TIOCNOTTY"},
    {0x5429, "TIOCGSID"},       {0x802c542a, "TCGETS2"},  {0x402c542b, "TCSETS2"},
    {0x402c542c, "TCSETSW2"},   {0x402c542d, "TCSETSF2"}, {0x80045430, "TIOCGPTN"},
    {0x40045431, "TIOCSPTLCK"}, {0x5441, "TIOCGPTPEER"},  {0x5450, "FIONCLEX"},
    {0x5451, "FIOCLEX"},        {0x5452, "FIOASYNC"},     {0, NULL}};

static const Name arch_prctl_codes[] = {{0x1001, "ARCH_SET_GS"},
                                        {0x1002, "ARCH_SET_FS"},
                                        {0x1003, "ARCH_GET_FS"},
                                        {0x1004, "ARCH_GET_GS"},
                                        {0x1011, "ARCH_GET_CPUID"},
                                        {0x1012, "ARCH_SET_CPUID"},
                                        {0x1021, "ARCH_GET_XCOMP_SUPP"},
                                        {0x1022, "ARCH_GET_XCOMP_PERM"},
                                        {0x1023, "ARCH_REQ_XCOMP_PERM"},
                                        {0x2001, "ARCH_MAP_VDSO_X32"},
                                        {0x2002, "ARCH_MAP_VDSO_32"},
                                        {0x2003, "ARCH_MAP_VDSO_64"},
                                        {0x4001, "ARCH_GET_UNTAG_MASK"},
                                        {0x4002, "ARCH_ENABLE_TAGGED_ADDR"},
                                        {0x4003, "ARCH_GET_MAX_TAG_BITS"},
                                        {0x5001, "ARCH_SHSTK_ENABLE"},
                                        {0x5002, "ARCH_SHSTK_DISABLE"},
                                        {0x5005, "ARCH_SHSTK_STATUS"},
                                        {0, NULL}};

static const Name whence_names[] = {{0, "SEEK_SET"},  {1, "SEEK_CUR"},  {2, "SEEK_END"},
                                    {3, "SEEK_DATA"}, {4, "SEEK_HOLE"}, {0, NULL}};
static const Name clock_names[] = {
    {0, "CLOCK_REALTIME"},          {1, "CLOCK_MONOTONIC"},     {2, "CLOCK_PROCESS_CPUTIME_ID"},
    {3, "CLOCK_THREAD_CPUTIME_ID"}, {4, "CLOCK_MONOTONIC_RAW"}, {5, "CLOCK_REALTIME_COARSE"},
    {6, "CLOCK_MONOTONIC_COARSE"},  {7, "CLOCK_BOOTTIME"},      {8, "CLOCK_REALTIME_ALARM"},
    {9, "CLOCK_BOOTTIME_ALARM"},    {11, "CLOCK_TAI"},          {0, NULL}};
static const Name how_names[] = {
    {0, "SIG_BLOCK"}, {1, "SIG_UNBLOCK"}, {2, "SIG_SETMASK"}, {0, NULL}};
static const Name rlimit_names[] = {{0, "RLIMIT_CPU"},
                                    {1, "RLIMIT_FSIZE"},
                                    {2, "RLIMIT_DATA"},
                                    {3, "RLIMIT_STACK"},
                                    {4, "RLIMIT_CORE"},
                                    {5, "RLIMIT_RSS"},
                                    {6, "RLIMIT_NPROC"},
                                    {7, "RLIMIT_NOFILE"},
                                    {8, "RLIMIT_MEMLOCK"},
                                    {9, "RLIMIT_AS"},
                                    {10, "RLIMIT_LOCKS"},
                                    {11, "RLIMIT_SIGPENDING"},
                                    {12, "RLIMIT_MSGQUEUE"},
                                    {13, "RLIMIT_NICE"},
                                    {14, "RLIMIT_RTPRIO"},
                                    {15, "RLIMIT_RTTIME"},
                                    {0, NULL}};
static const Name futex_cmds[] = {{0, "FUTEX_WAIT"},
                                  {1, "FUTEX_WAKE"},
                                  {2, "FUTEX_FD"},
                                  {3, "FUTEX_REQUEUE"},
                                  {4, "FUTEX_CMP_REQUEUE"},
                                  {5, "FUTEX_WAKE_OP"},
                                  {6, "FUTEX_LOCK_PI"},
                                  {7, "FUTEX_UNLOCK_PI"},
                                  {8, "FUTEX_TRYLOCK_PI"},
                                  {9, "FUTEX_WAIT_BITSET"},
                                  {10, "FUTEX_WAKE_BITSET"},
                                  {11, "FUTEX_WAIT_REQUEUE_PI"},
                                  {12, "FUTEX_CMP_REQUEUE_PI"},
                                  {13, "FUTEX_LOCK_PI2"},
                                  {0, NULL}};
static const Name access_modes[] = {{4, "R_OK"}, {2, "W_OK"}, {1, "X_OK"}, {0, NULL}};
static const Name madv_names[] = {{0, "MADV_NORMAL"},          {1, "MADV_RANDOM"},
                                  {2, "MADV_SEQUENTIAL"},      {3, "MADV_WILLNEED"},
                                  {4, "MADV_DONTNEED"},        {8, "MADV_FREE"},
                                  {9, "MADV_REMOVE"},          {10, "MADV_DONTFORK"},
                                  {11, "MADV_DOFORK"},         {12, "MADV_MERGEABLE"},
                                  {13, "MADV_UNMERGEABLE"},    {14, "MADV_HUGEPAGE"},
                                  {15, "MADV_NOHUGEPAGE"},     {16, "MADV_DONTDUMP"},
                                  {17, "MADV_DODUMP"},         {18, "MADV_WIPEONFORK"},
                                  {19, "MADV_KEEPONFORK"},     {20, "MADV_COLD"},
                                  {21, "MADV_PAGEOUT"},        {22, "MADV_POPULATE_READ"},
                                  {23, "MADV_POPULATE_WRITE"}, {24, "MADV_DONTNEED_LOCKED"},
                                  {25, "MADV_COLLAPSE"},       {100, "MADV_HWPOISON"},
                                  {101, "MADV_SOFT_OFFLINE"},  {102, "MADV_GUARD_INSTALL"},
                                  {103, "MADV_GUARD_REMOVE"},  {0, NULL}};
static const Name itimer_names[] = {
    {0, "ITIMER_REAL"}, {1, "ITIMER_VIRTUAL"}, {2, "ITIMER_PROF"}, {0, NULL}};
static const Name mremap_flags[] = {
    {1, "MREMAP_MAYMOVE"}, {2, "MREMAP_FIXED"}, {4, "MREMAP_DONTUNMAP"}, {0, NULL}};
static const Name msync_flags[] = {
    {4, "MS_SYNC"}, {1, "MS_ASYNC"}, {2, "MS_INVALIDATE"}, {0, NULL}};
static const Name sa_flags[] = {{0x04000000, "SA_RESTORER"}, {0x08000000, "SA_ONSTACK"},
                                {0x10000000, "SA_RESTART"},  {0x20000000, "SA_INTERRUPT"},
                                {0x40000000, "SA_NODEFER"},  {0x80000000ull, "SA_RESETHAND"},
                                {4, "SA_SIGINFO"},           {1, "SA_NOCLDSTOP"},
                                {2, "SA_NOCLDWAIT"},         {0, NULL}};
static const Name grnd_flags[] = {
    {1, "GRND_NONBLOCK"}, {2, "GRND_RANDOM"}, {4, "GRND_INSECURE"}, {0, NULL}};

/* struct sigaction (kernel layout): handler, flags, restorer, mask. */
static void put_sigaction(Proc *p, uint64_t addr) {
    uint64_t sa[4];
    if (!addr) return put("NULL");
    if (copy_from_user(p, sa, addr, sizeof sa)) return put_ptr(addr);
    put("{sa_handler=");
    if (sa[0] == 0)
        put("SIG_DFL");
    else if (sa[0] == 1)
        put("SIG_IGN");
    else
        put("%#llx", (unsigned long long)sa[0]);
    put(", sa_mask=");
    put_sigset(p, addr + 24);
    put(", sa_flags=");
    put_flags(sa_flags, sa[1], "0", 1);
    if (sa[1] & 0x04000000) {
        put(", sa_restorer=");
        put_ptr(sa[2]);
    }
    put("}");
}

static void put_itimerval(Proc *p, uint64_t addr) {
    int64_t t[4];
    if (!addr) return put("NULL");
    if (copy_from_user(p, t, addr, sizeof t)) return put_ptr(addr);
    put("{it_interval={tv_sec=%lld, tv_usec=%lld}, it_value={tv_sec=%lld, tv_usec=%lld}}",
        (long long)t[0], (long long)t[1], (long long)t[2], (long long)t[3]);
}

static void put_utsname(Proc *p, uint64_t addr) {
    char u[2][65];
    if (copy_from_user(p, u, addr, sizeof u)) return put_ptr(addr);
    u[0][64] = u[1][64] = 0;
    put("{sysname=");
    put_quoted((const uint8_t *)u[0], strlen(u[0]), 0);
    put(", nodename=");
    put_quoted((const uint8_t *)u[1], strlen(u[1]), 0);
    put(", ...}");
}

/* futex(uaddr, op, ...): strace shows only the arguments the op uses. */
static void put_futex(Proc *p, const uint64_t *a) {
    uint64_t op = a[1];
    int cmd = (int)(op & ~384ull); /* without PRIVATE and CLOCK_REALTIME */
    const char *s = lookup(futex_cmds, (uint64_t)cmd);
    if (s)
        put("%s%s", s, (op & 128) ? "_PRIVATE" : "");
    else
        put("%#llx /* FUTEX_??? */", (unsigned long long)(op & ~384ull));
    if (op & 256) put("|FUTEX_CLOCK_REALTIME");
    L.stop = 1;
    put(", %u", (unsigned)a[2]);
    switch (cmd) {
    case 0:
    case 11:
        put(", ");
        put_timespec(p, a[3]);
        break; /* WAIT, WAIT_REQUEUE_PI */
    case 1:
    case 7:
    case 8: break; /* WAKE, UNLOCK_PI, TRYLOCK_PI */
    case 6:
    case 13:
        put(", ");
        put_timespec(p, a[3]);
        break; /* LOCK_PI, LOCK_PI2 */
    case 3: put(", %u, %#llx", (unsigned)a[3], (unsigned long long)a[4]); break;
    case 4:
    case 5:
    case 12:
        put(", %u, %#llx, %#llx", (unsigned)a[3], (unsigned long long)a[4],
            (unsigned long long)(uint32_t)a[5]);
        break;
    case 9:
        put(", ");
        put_timespec(p, a[3]);
        put(", %#llx", (unsigned long long)(uint32_t)a[5]);
        break;
    case 10: put(", %#llx", (unsigned long long)(uint32_t)a[5]); break;
    default:
        put(", ");
        put_ptr(a[3]);
        put(", ");
        put_ptr(a[4]);
        put(", %u", (unsigned)a[5]);
    }
}

static const Name prctl_names[] = {{1, "PR_SET_PDEATHSIG"},
                                   {2, "PR_GET_PDEATHSIG"},
                                   {3, "PR_GET_DUMPABLE"},
                                   {4, "PR_SET_DUMPABLE"},
                                   {7, "PR_GET_KEEPCAPS"},
                                   {8, "PR_SET_KEEPCAPS"},
                                   {15, "PR_SET_NAME"},
                                   {16, "PR_GET_NAME"},
                                   {21, "PR_GET_SECCOMP"},
                                   {22, "PR_SET_SECCOMP"},
                                   {23, "PR_CAPBSET_READ"},
                                   {29, "PR_SET_TIMERSLACK"},
                                   {30, "PR_GET_TIMERSLACK"},
                                   {33, "PR_MCE_KILL"},
                                   {34, "PR_MCE_KILL_GET"},
                                   {36, "PR_SET_CHILD_SUBREAPER"},
                                   {37, "PR_GET_CHILD_SUBREAPER"},
                                   {38, "PR_SET_NO_NEW_PRIVS"},
                                   {39, "PR_GET_NO_NEW_PRIVS"},
                                   {40, "PR_GET_TID_ADDRESS"},
                                   {41, "PR_SET_THP_DISABLE"},
                                   {42, "PR_GET_THP_DISABLE"},
                                   {47, "PR_CAP_AMBIENT"},
                                   {0x53564d41, "PR_SET_VMA"},
                                   {0x59616d61, "PR_SET_PTRACER"},
                                   {0, NULL}};

/* prctl(option, ...): the arguments the option takes, as strace shows them. */
static void put_prctl(Proc *p, const uint64_t *a, int64_t ret) {
    int opt = (int)a[0], n;
    put_enum(prctl_names, opt, "PR");
    L.stop = 1;
    switch (opt) {
    case 3:
    case 7:
    case 21:
    case 30:
    case 34:
    case 39:
    case 42: n = 0; break;
    case 15:
        put(", ");
        put_cstr(p, a[1], 16);
        return;
    case 16:
        put(", ");
        if (ret < 0)
            put_ptr(a[1]);
        else
            put_cstr(p, a[1], 16);
        return;
    case 1:
    case 2:
    case 4:
    case 8:
    case 23:
    case 29:
    case 36:
    case 37:
    case 40: n = 1; break;
    default: n = 4;
    }
    for (int i = 1; i <= n; i++) {
        if (a[i])
            put(", %#llx", (unsigned long long)a[i]);
        else
            put(", 0");
    }
}

/* fcntl: the argument's meaning depends on the command. */
static void put_fcntl_arg(int cmd, uint64_t v) {
    switch (cmd) {
    case 2:
        put("%s", (v & 1) ? "FD_CLOEXEC" : "0");
        if (v & ~1ull) put("|%#llx", (unsigned long long)(v & ~1ull));
        break;
    case 4: put_open_flags(v, 1); break;
    case 0:
    case 8:
    case 10:
    case 1024:
    case 1026:
    case 1030:
    case 1031:
    case 1033: put("%d", (int)v); break;
    case 5:
    case 6:
    case 7:
    case 15:
    case 16:
    case 36:
    case 37:
    case 38: put_ptr(v); break;
    default:
        if (v)
            put("%#llx", (unsigned long long)v);
        else
            put("0");
    }
}

static int fcntl_has_arg(int cmd) {
    return !(cmd == 1 || cmd == 3 || cmd == 9 || cmd == 11 || cmd == 1025 || cmd == 1032 ||
             cmd == 1034);
}

/* ---- sockets ------------------------------------------------------------ */

static const Name af_names[] = {{0, "AF_UNSPEC"}, {1, "AF_UNIX"},     {2, "AF_INET"},
                                {10, "AF_INET6"}, {16, "AF_NETLINK"}, {17, "AF_PACKET"},
                                {0, NULL}};
static const Name sock_types[] = {
    {1, "SOCK_STREAM"},    {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"},     {4, "SOCK_RDM"},
    {5, "SOCK_SEQPACKET"}, {6, "SOCK_DCCP"},  {10, "SOCK_PACKET"}, {0, NULL}};
static const Name sock_flags[] = {{0x80000, "SOCK_CLOEXEC"}, {0x800, "SOCK_NONBLOCK"}, {0, NULL}};
static const Name ipproto_names[] = {
    {0, "IPPROTO_IP"},      {1, "IPPROTO_ICMP"},  {6, "IPPROTO_TCP"}, {17, "IPPROTO_UDP"},
    {58, "IPPROTO_ICMPV6"}, {255, "IPPROTO_RAW"}, {0, NULL}};
static const Name msg_flags[] = {{0x1, "MSG_OOB"},
                                 {0x2, "MSG_PEEK"},
                                 {0x4, "MSG_DONTROUTE"},
                                 {0x8, "MSG_CTRUNC"},
                                 {0x10, "MSG_PROBE"},
                                 {0x20, "MSG_TRUNC"},
                                 {0x40, "MSG_DONTWAIT"},
                                 {0x80, "MSG_EOR"},
                                 {0x100, "MSG_WAITALL"},
                                 {0x200, "MSG_FIN"},
                                 {0x400, "MSG_SYN"},
                                 {0x800, "MSG_CONFIRM"},
                                 {0x1000, "MSG_RST"},
                                 {0x2000, "MSG_ERRQUEUE"},
                                 {0x4000, "MSG_NOSIGNAL"},
                                 {0x8000, "MSG_MORE"},
                                 {0x10000, "MSG_WAITFORONE"},
                                 {0x40000, "MSG_BATCH"},
                                 {0x4000000, "MSG_ZEROCOPY"},
                                 {0x20000000, "MSG_FASTOPEN"},
                                 {0x40000000, "MSG_CMSG_CLOEXEC"},
                                 {0, NULL}};
static const Name shut_names[] = {{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"}, {0, NULL}};
static const Name sol_names[] = {{0, "SOL_IP"},   {1, "SOL_SOCKET"}, {6, "SOL_TCP"},
                                 {17, "SOL_UDP"}, {41, "SOL_IPV6"},  {0, NULL}};
static const Name so_names[] = {{1, "SO_DEBUG"},
                                {2, "SO_REUSEADDR"},
                                {3, "SO_TYPE"},
                                {4, "SO_ERROR"},
                                {5, "SO_DONTROUTE"},
                                {6, "SO_BROADCAST"},
                                {7, "SO_SNDBUF"},
                                {8, "SO_RCVBUF"},
                                {9, "SO_KEEPALIVE"},
                                {10, "SO_OOBINLINE"},
                                {11, "SO_NO_CHECK"},
                                {12, "SO_PRIORITY"},
                                {13, "SO_LINGER"},
                                {14, "SO_BSDCOMPAT"},
                                {15, "SO_REUSEPORT"},
                                {16, "SO_PASSCRED"},
                                {17, "SO_PEERCRED"},
                                {18, "SO_RCVLOWAT"},
                                {19, "SO_SNDLOWAT"},
                                {20, "SO_RCVTIMEO_OLD"},
                                {21, "SO_SNDTIMEO_OLD"},
                                {25, "SO_BINDTODEVICE"},
                                {26, "SO_ATTACH_FILTER"},
                                {27, "SO_DETACH_FILTER"},
                                {28, "SO_PEERNAME"},
                                {29, "SO_TIMESTAMP_OLD"},
                                {30, "SO_ACCEPTCONN"},
                                {31, "SO_PEERSEC"},
                                {32, "SO_SNDBUFFORCE"},
                                {33, "SO_RCVBUFFORCE"},
                                {34, "SO_PASSSEC"},
                                {35, "SO_TIMESTAMPNS_OLD"},
                                {36, "SO_MARK"},
                                {37, "SO_TIMESTAMPING_OLD"},
                                {38, "SO_PROTOCOL"},
                                {39, "SO_DOMAIN"},
                                {40, "SO_RXQ_OVFL"},
                                {46, "SO_BUSY_POLL"},
                                {51, "SO_ATTACH_REUSEPORT_CBPF"},
                                {59, "SO_PEERGROUPS"},
                                {66, "SO_RCVTIMEO_NEW"},
                                {67, "SO_SNDTIMEO_NEW"},
                                {0, NULL}};
static const Name tcp_names[] = {{1, "TCP_NODELAY"},   {2, "TCP_MAXSEG"},       {3, "TCP_CORK"},
                                 {4, "TCP_KEEPIDLE"},  {5, "TCP_KEEPINTVL"},    {6, "TCP_KEEPCNT"},
                                 {7, "TCP_SYNCNT"},    {9, "TCP_DEFER_ACCEPT"}, {11, "TCP_INFO"},
                                 {12, "TCP_QUICKACK"}, {13, "TCP_CONGESTION"},  {0, NULL}};

static void put_sock_type(uint64_t v) {
    uint32_t t = (uint32_t)v;
    put_enum(sock_types, t & 0xf, "SOCK");
    uint32_t rest = t & ~0xfu;
    for (const Name *n = sock_flags; n->s; n++)
        if (rest & n->v) put("|%s", n->s), rest &= ~(uint32_t)n->v;
    if (rest) put("|%#x /* SOCK_??? */", rest);
}

static void put_sockopt_name(int level, int opt) {
    if (level == 1)
        put_enum(so_names, opt, "SO");
    else if (level == 6)
        put_enum(tcp_names, opt, "TCP");
    else
        put("%d", opt);
}

/* struct sockaddr of `len` bytes, as strace prints the common families. */
static void put_sockaddr(Proc *p, uint64_t addr, int64_t len) {
    if (!addr) return put("NULL");
    uint8_t sa[128] = {0};
    if (len > 128) len = 128; /* strace reads at most a sockaddr_storage */
    if (len >= 2 && len > 110 && fetch(p, addr, sa, 2) == 2 && (sa[0] | sa[1] << 8) == 1)
        len = 110; /* and at most a sockaddr_un for AF_UNIX */
    if (len < 2 || fetch(p, addr, sa, (size_t)len) < (size_t)len) return put_ptr(addr);
    int fam = sa[0] | sa[1] << 8;
    put("{sa_family=");
    put_enum(af_names, fam, "AF");
    if (fam == 1 && len > 2) {
        size_t n = (size_t)len - 2;
        const uint8_t *path = sa + 2;
        if (path[0] == 0) { /* abstract: every byte counts */
            put(", sun_path=@");
            put_quoted(path + 1, n - 1, 0);
        } else {
            const uint8_t *nul = memchr(path, 0, n);
            put(", sun_path=");
            put_quoted(path, nul ? (size_t)(nul - path) : n, 0);
        }
    } else if (fam == 2 && len >= 16) {
        put(", sin_port=htons(%u), sin_addr=inet_addr(\"%u.%u.%u.%u\")", sa[2] << 8 | sa[3], sa[4],
            sa[5], sa[6], sa[7]);
    } else if (fam == 10 && len >= 24) {
        char a6[64];
        size_t k = 0;
        for (int i = 0; i < 8; i++) /* full form; strace compresses zero runs (inet_ntop) */
            k += (size_t)snprintf(a6 + k, sizeof a6 - k, i ? ":%x" : "%x",
                                  sa[8 + 2 * i] << 8 | sa[9 + 2 * i]);
        uint32_t flow, scope = 0;
        memcpy(&flow, sa + 4, 4);
        if (len >= 28) memcpy(&scope, sa + 24, 4);
        put(", sin6_port=htons(%u), sin6_flowinfo=htonl(%u), inet_pton(AF_INET6, \"%s\", "
            "&sin6_addr), sin6_scope_id=%u",
            sa[2] << 8 | sa[3], __builtin_bswap32(flow), a6, scope);
    } else if (len > 2 && fam != 1) {
        put(", sa_data=");
        put_quoted(sa + 2, (size_t)len - 2, 0);
    }
    put("}");
}

/* A socklen_t (or int) value-result argument: "[in => out]", or "[out]"
 * when the call left it unchanged; "[in]" on error. */
static void put_socklen(Proc *p, uint64_t addr, int64_t ret) {
    int32_t out;
    if (!addr) return put("NULL");
    if (!L.len_ok) return put_ptr(addr);
    if (ret < 0 || copy_from_user(p, &out, addr, 4)) return put("[%d]", L.len_in);
    if (out == L.len_in)
        put("[%d]", out);
    else
        put("[%d => %d]", L.len_in, out);
}

/* Socket option values: ints as [n], struct linger, struct ucred, else bytes. */
static void put_optval(Proc *p, int level, int opt, uint64_t addr, int64_t len) {
    if (!addr) return put("NULL");
    if (len == 4) {
        int32_t v;
        if (copy_from_user(p, &v, addr, 4)) return put_ptr(addr);
        return put("[%d]", v);
    }
    if (level == 1 && opt == 13 && len == 8) {
        int32_t v[2];
        if (copy_from_user(p, v, addr, 8)) return put_ptr(addr);
        return put("{l_onoff=%d, l_linger=%d}", v[0], v[1]);
    }
    if (level == 1 && opt == 17 && len == 12) {
        int32_t v[3];
        if (copy_from_user(p, v, addr, 12)) return put_ptr(addr);
        return put("{pid=%d, uid=%u, gid=%u}", v[0], (unsigned)v[1], (unsigned)v[2]);
    }
    if (len < 0) return put_ptr(addr);
    put_buf(p, addr, (uint64_t)len, 0);
}

static void put_arg(Proc *p, char f, const uint64_t *a, int i, int64_t ret) {
    uint64_t v = a[i];
    uint64_t next = i < 5 ? a[i + 1] : 0;
    switch (f) {
    case 'd': put("%d", (int)v); break;
    case '3': put_enum(af_names, (int)v, "AF"); break;
    case '4': put_sock_type(v); break;
    case ':': put_flags(sock_flags, (uint32_t)v, "0", 1); break;
    case '5':
        if (i >= 2 && ((int)a[i - 2] == 2 || (int)a[i - 2] == 10))
            put_enum(ipproto_names, (int)v, "IPPROTO");
        else
            put("%d", (int)v);
        break;
    case '6': put_sockaddr(p, v, (int)next); break;
    case '7': {
        int32_t n = 0;
        if (ret < 0 || !next || copy_from_user(p, &n, next, 4))
            put_ptr(v);
        else
            put_sockaddr(p, v, n < L.len_in ? n : L.len_in);
        break;
    }
    case '8': put_socklen(p, v, ret); break;
    case '9': put_flags(msg_flags, (uint32_t)v, "0", 1); break;
    case '0': put_enum(shut_names, (int)v, "SHUT"); break;
    case '!': put_enum(sol_names, (int)v, "SOL"); break;
    case '#': put_sockopt_name((int)a[i - 1], (int)v); break;
    case '$': put_optval(p, (int)a[1], (int)a[2], v, (int)next); break;
    case '%': {
        int32_t n = 0;
        if (ret < 0 || !next || copy_from_user(p, &n, next, 4))
            put_ptr(v);
        else
            put_optval(p, (int)a[1], (int)a[2], v, n);
        break;
    }
    case 'l': put("%lld", (long long)v); break;
    case 'u': put("%llu", (unsigned long long)v); break;
    case 'x':
        if (v)
            put("%#llx", (unsigned long long)v);
        else
            put("0");
        break;
    case 'p': put_ptr(v); break;
    case 'm': put_mode(v); break;
    case 'c': put_mode(v); break;
    case 'a':
        if ((int)v == -100)
            put("AT_FDCWD");
        else
            put("%d", (int)v);
        break;
    case 's': put_cstr(p, v, SYS_PATH_MAX - 1); break;
    case 'z': put_cstr(p, v, STR_MAX); break;
    case 'b': put_buf(p, v, next, 0); break;
    case 'v': put_iovec(p, v, next, -1); break;
    case 'f': put_open_flags(v, 1); break;
    case 'C': put_open_flags(v, 0); break;
    case 'P': put_flags_c(prot_flags, (uint32_t)v, "PROT_NONE", "PROT"); break;
    case 'M': put_map_flags(v); break;
    case 't': put_flags(at_flags, (uint32_t)v, "0", 1); break;
    case 'e': put_flags(access_at_flags, (uint32_t)v, "0", 1); break;
    case 'S': put_signal((int)v); break;
    case 'A':
        put_enum(arch_prctl_codes, (int)v, "ARCH");
        if ((int)v == 0x1011) L.stop = 1; /* ARCH_GET_CPUID has no argument */
        break;
    case 'F':
        put_enum(fcntl_cmds, (int)v, "F");
        if (!fcntl_has_arg((int)v)) L.stop = 1;
        break;
    case 'I': {
        const char *s = lookup(ioctl_names, (uint32_t)v);
        if (s) {
            put("%s", s);
        } else {
            static const char *const dir[] = {"_IOC_NONE", "_IOC_WRITE", "_IOC_READ",
                                              "_IOC_READ|_IOC_WRITE"};
            uint32_t r = (uint32_t)v, size = (r >> 16) & 0x3fff;
            put("_IOC(%s, %#x, %#x, ", dir[r >> 30], (r >> 8) & 0xff, r & 0xff);
            if (size)
                put("%#x)", size);
            else
                put("0)");
        }
        break;
    }
    case 'w': put_enum(whence_names, (int)v, "SEEK"); break;
    case 'k': put_enum(clock_names, (int)v, "CLOCK"); break;
    case 'g': put_enum(how_names, (int)v, "SIG"); break;
    case 'R': put_enum(rlimit_names, (uint32_t)v, "RLIMIT"); break;
    case 'X': put_futex(p, a); break;
    case '1': put_prctl(p, a, ret); break;
    case '2': {
        put_ptr(v);
        if (ret < 0) break;
        /* count the records: d_reclen is at offset 16 in both layouts */
        int n = 0;
        for (int64_t off = 0; off + 18 <= ret;) {
            uint16_t rl;
            if (copy_from_user(p, &rl, v + (uint64_t)off + 16, 2) || rl == 0) break;
            off += rl;
            n++;
        }
        put(" /* %d entries */", n);
        break;
    }
    case 'K': put_flags(access_modes, (uint32_t)v, "F_OK", 1); break;
    case 'D': put_enum(madv_names, (int)v, "MADV"); break;
    case 'i': put_enum(itimer_names, (int)v, "ITIMER"); break;
    case 'E':
        put_flags(mremap_flags, (uint32_t)v, "0", 1);
        if ((v & 3) != 3) L.stop = 1; /* new_address only with MAYMOVE|FIXED */
        break;
    case 'n': put_flags(msync_flags, (uint32_t)v, "0", 1); break;
    case 'h': put_sigaction(p, v); break;
    case 'O':
        if (ret < 0 || !v)
            put_ptr(v);
        else
            put_sigaction(p, v);
        break;
    case 'Y': put_itimerval(p, v); break;
    case 'o':
        if (ret < 0 || !v)
            put_ptr(v);
        else
            put_itimerval(p, v);
        break;
    case 'q':
        if (ret < 0)
            put_ptr(v);
        else
            put_utsname(p, v);
        break;
    case 'N': put_flags(grnd_flags, (uint32_t)v, "0", 1); break;
    case 'G': put_sigset(p, v); break;
    case 'T': put_timespec(p, v); break;
    case 'r':
    case 'j': put_rlimit(p, v, f == 'r'); break;
    case 'L':
    case 'J':
        if (ret < 0 || !v)
            put_ptr(v);
        else
            put_rlimit(p, v, f == 'L');
        break;
    /* outputs: the address when the call failed */
    case 'B':
    case 'y':
        if (ret < 0)
            put_ptr(v);
        else
            put_buf(p, v, (uint64_t)ret < next ? (uint64_t)ret : next, f == 'y');
        break;
    case 'V': put_iovec(p, v, next, ret < 0 ? -2 : ret); break;
    case 'W':
        if (ret < 0)
            put_ptr(v);
        else
            put_stat(p, v);
        break;
    case 'U':
        if (ret < 0 || !v)
            put_ptr(v);
        else
            put_timespec(p, v);
        break;
    case 'Z':
        if (ret < 0)
            put_ptr(v);
        else
            put_cstr(p, v, SYS_PATH_MAX);
        break;
    case 'H':
        if (ret < 0)
            put_ptr(v);
        else
            put_sigset(p, v);
        break;
    case 'Q': {
        int32_t fds[2];
        if (ret < 0 || copy_from_user(p, fds, v, 8))
            put_ptr(v);
        else
            put("[%d, %d]", fds[0], fds[1]);
        break;
    }
    default: put("%#llx", (unsigned long long)v);
    }
}

/* Arguments [from, to) of the format; 'c' and the fcntl argument depend on
 * the argument before them. */
static void put_args(Proc *p, const char *fmt, const uint64_t *a, int from, int to, int64_t ret) {
    for (int i = from; i < to && !L.stop; i++) {
        char f = fmt[i];
        if (f == 'c' && (i == 0 || !(a[i - 1] & 020000100))) continue; /* O_CREAT|__O_TMPFILE */
        if (i) put(", ");
        if (i && fmt[i - 1] == 'F')
            put_fcntl_arg((int)a[i - 1], a[i]);
        else
            put_arg(p, f, a, i, ret);
    }
}

static void flush_line(Proc *p) {
    FILE *f = p->tracef ? p->tracef : stderr;
    /* a thread other than the main one: named as strace -f names it */
    int tid = (int)syscall(SYS_gettid);
    if (tid != getpid()) fprintf(f, "[pid %5d] ", tid);
    fwrite(L.buf, 1, L.len, f);
}

/* i386 socketcall(call, args): strace shows the sub-call with its own
 * arguments; unreadable arguments leave socketcall(SYS_NAME, addr). */
static const char *const sockcall_names[] = {NULL,
                                             "SYS_SOCKET",
                                             "SYS_BIND",
                                             "SYS_CONNECT",
                                             "SYS_LISTEN",
                                             "SYS_ACCEPT",
                                             "SYS_GETSOCKNAME",
                                             "SYS_GETPEERNAME",
                                             "SYS_SOCKETPAIR",
                                             "SYS_SEND",
                                             "SYS_RECV",
                                             "SYS_SENDTO",
                                             "SYS_RECVFROM",
                                             "SYS_SHUTDOWN",
                                             "SYS_SETSOCKOPT",
                                             "SYS_GETSOCKOPT",
                                             "SYS_SENDMSG",
                                             "SYS_RECVMSG",
                                             "SYS_ACCEPT4",
                                             "SYS_RECVMMSG",
                                             "SYS_SENDMMSG"};

static const SysDef sockcall_raw = {"socketcall", NULL, "", 'd'};

static const SysDef *sockcall_sub(Proc *p, const uint64_t a[6], uint64_t sub[6]) {
    static const SysDef accept_def = {"accept", NULL, "d78", 'd'};
    static const SysDef send_def = {"send", NULL, "dbu9", 'd'};
    static const SysDef recv_def = {"recv", NULL, "dBu9", 'd'};
    static const uint16_t direct[] = {0,   359, 361, 362, 363, 0,   367, 368, 360, 0,  0,
                                      369, 371, 373, 366, 365, 370, 372, 364, 337, 345};
    static const uint8_t nargs[] = {0, 3, 3, 3, 2, 3, 3, 3, 4, 4, 4, 6, 6, 2, 5, 5, 3, 3, 4, 5, 4};
    uint32_t call = (uint32_t)a[0], w[6] = {0};
    if (call < 1 || call > 20 || copy_from_user(p, w, a[1], nargs[call] * 4u)) return NULL;
    for (int i = 0; i < 6; i++)
        sub[i] = w[i];
    if (call == 5) return &accept_def;
    if (call == 9) return &send_def;
    if (call == 10) return &recv_def;
    return sys_lookup(ABI_I386, direct[call]);
}

void strace_enter(Proc *p, uint64_t nr, const SysDef *d, const uint64_t a[6]) {
    L.len = 0;
    L.stop = 0;
    L.sub_def = NULL;
    if (p->abi == ABI_I386 && d && strcmp(d->name, "socketcall") == 0) {
        const SysDef *s = sockcall_sub(p, a, L.sub);
        if (s) {
            d = L.sub_def = s, a = L.sub;
        } else {
            put("socketcall(");
            if ((uint32_t)a[0] >= 1 && (uint32_t)a[0] <= 20)
                put("%s", sockcall_names[(uint32_t)a[0]]);
            else
                put("%d", (int)a[0]);
            put(", ");
            put_ptr(a[1]);
            L.split = 2; /* nothing more to print at exit */
            L.sub_def = &sockcall_raw;
            return;
        }
    }
    const char *fmt = d ? d->args : "xxxxxx";
    if (d)
        put("%s(", d->name);
    else
        put("syscall_%#llx(", (unsigned long long)nr);
    int n = (int)strlen(fmt);
    int split = (int)strcspn(fmt, OUT_LETTERS);
    L.split = split;
    const char *vr = strchr(fmt, '8');
    L.len_ok = vr && a[vr - fmt] && !copy_from_user(p, &L.len_in, a[vr - fmt], 4);
    put_args(p, fmt, a, 0, split, 0);
    if (d && d->ret == '?') {
        put_args(p, fmt, a, split, n, 0);
        put(")");
        while (L.len < 39)
            L.buf[L.len++] = ' ';
        put(" = ?\n");
        flush_line(p);
        L.len = 0;
    }
}

void strace_exit(Proc *p, uint64_t nr, const SysDef *d, const uint64_t a[6], int64_t ret) {
    if (L.sub_def) d = L.sub_def, a = L.sub;
    if (d && d->ret == '?') return; /* printed at entry */
    const char *fmt = d ? d->args : "xxxxxx";
    put_args(p, fmt, a, L.split, (int)strlen(fmt), ret);
    put(")");
    while (L.len < 39)
        L.buf[L.len++] = ' ';
    if (ret < 0 && ret >= -4095) {
        int e = (int)-ret;
        put(" = -1 %s (%s)\n", errno_name(e), strerror(e));
    } else if (d && d->ret == 'x') {
        put(" = %#llx\n", (unsigned long long)ret);
    } else if (d && d->ret == 'o') {
        put(" = %#03llo\n", (unsigned long long)ret);
    } else {
        put(" = %lld\n", (long long)ret);
    }
    flush_line(p);
    L.len = 0;
}
