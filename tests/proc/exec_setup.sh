# Files for `procs exec` (sourced by run_diff.sh's --setup in the scratch
# directory, the same for the native and the ringside run). $1: the procs
# binary that the scripts run.
prog=$1
printf 'hello\n' >plain.txt
printf '#!/bin/sh\necho no\n' >noperm.sh && chmod 644 noperm.sh
printf '\001\002\003garbage that is no format at all\n' >garbage && chmod +x garbage
printf 'x' >short && chmod +x short
printf '#!/nonexistent/interp\n' >badinterp.sh && chmod +x badinterp.sh
printf '#!   \n' >emptyinterp.sh && chmod +x emptyinterp.sh
for i in 1 2 3 4 5 6 7; do printf '#!./loop%d.sh\n' $((i + 1)) >loop$i.sh; chmod +x loop$i.sh; done
printf '#!/bin/true\n' >loop8.sh && chmod +x loop8.sh
printf 'x' >notdir
printf '#!%s  opt  one \nignored\n' "$prog" >script.sh && chmod +x script.sh
printf '#!./script.sh\n' >nested.sh && chmod +x nested.sh
printf '#!%s\n' "$prog" >noarg.sh && chmod +x noarg.sh
ln -s "$prog" link
