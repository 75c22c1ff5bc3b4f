/* A library that exists only inside the --sysroot test's fake root. */
const char *rs_marker(void) { return "marker library from the sysroot"; }
