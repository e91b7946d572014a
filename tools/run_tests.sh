#!/usr/bin/env bash
# `make test`: the suite on JOBS processes (pytest-xdist, a test file per process at a time, so a
# file's module fixtures are built once), then the tests marked `serial` alone: they stop a server
# every other test uses. Exit status: pytest's, worst first; 5 (no tests) only when neither part
# collected a test, so that a run that tested nothing never passes.
#
#   tools/run_tests.sh PYTHON JOBS [pytest arguments...]
set -uo pipefail
python=$1 jobs=$2
shift 2

# A marker expression of the caller's (-m EXPR) is combined with ours, not replaced by it.
args=() marks=""
while [ $# -gt 0 ]; do
    case $1 in
        -m) marks=$2; shift 2 ;;
        -m*) marks=${1#-m}; shift ;;
        *) args+=("$1"); shift ;;
    esac
done
set -- ${args[@]+"${args[@]}"}
rest_marks="not serial" serial_marks="serial"
if [ -n "$marks" ]; then rest_marks="($marks) and not serial" serial_marks="($marks) and serial"; fi

parallel=(-n "$jobs" --dist loadfile)
[ "$jobs" = 0 ] || [ "$jobs" = 1 ] && parallel=(-p no:xdist)

"$python" -m pytest "${parallel[@]}" -m "$rest_marks" "$@"
rest=$?
"$python" -m pytest -p no:xdist -m "$serial_marks" "$@"
serial=$?

for rc in "$rest" "$serial"; do
    case $rc in 0|5) ;; *) exit "$rc" ;; esac
done
[ "$rest" = 5 ] && [ "$serial" = 5 ] && exit 5
exit 0
