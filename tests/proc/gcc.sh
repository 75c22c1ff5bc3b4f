# gcc under ringside: the driver runs cc1, as and collect2/ld as children
# (and with -pipe connects them by pipes); then the result runs.
printf '#include <stdio.h>\nint main(void) { puts("built under ringside"); return 3; }\n' >h.c
gcc -O2 -o h h.c && ./h
echo "status $?"
gcc -pipe -O2 -o h2 h.c && ./h2
echo "status $?"
gcc -o bad nonexistent.c 2>&1 | sed 's/^gcc: //' | head -3
echo "done"
