#!/bin/sh
# Create the virtualenv and install the locked dependencies, hash-checked, whatever pip the venv
# module of the chosen Python brings. Run by the Makefile (`make demo`, `make test`):
#
#   tools/make_venv.sh PYTHON VENV LOCK_FILE [rebuild]
#
# A venv's own pip can be years older than the lock (Python 3.11.7 brings pip 23.2.1), and an old
# pip refuses a lock whose packages require extras (`lxml[html_clean]` from justext) in
# --require-hashes mode. So pip itself is installed first, from its pinned, hashed entry in the
# lock and nothing else (--no-deps: pip has no dependencies), and that pip installs the lock.
# pip's output goes to VENV/install.log; a failure prints what to do in one line, not a wall of it.
# With `rebuild`, a venv made by another Python version than PYTHON is made again.
set -u
python=$1 venv=$2 lock=$3 rebuild=${4:-}
log=$venv/install.log

say() { echo "newsdesk: $1" >&2; }
tested="the tested ones are python3.11, python3.12 and python3.13"

if ! command -v "$python" >/dev/null 2>&1; then
    say "no '$python' on this machine; $tested: make PYTHON=python3.12"; exit 1
fi
if ! "$python" -V >/dev/null 2>&1; then
    say "'$python' does not run: $("$python" -V 2>&1 | head -n 1); $tested: make PYTHON=python3.12"; exit 1
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    say "Python 3.11 or newer is needed; '$python' is $("$python" -V 2>&1); $tested: make PYTHON=python3.12"; exit 1
fi
version() { "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null; }
if [ -n "$rebuild" ] && [ -x "$venv/bin/python" ] && [ "$(version "$venv/bin/python")" != "$(version "$python")" ]; then
    echo "$venv was made with Python $(version "$venv/bin/python"); making it again with $python ($(version "$python"))"
    rm -rf "$venv"
fi
if [ ! -x "$venv/bin/python" ]; then
    rm -rf "$venv"
    if ! "$python" -m venv "$venv" >/dev/null 2>&1; then
        rm -rf "$venv"
        say "'$python -m venv' failed; on Debian or Ubuntu install the python3-venv package, or pick another Python: make PYTHON=python3.12"; exit 1
    fi
fi

fail() {
    say "$1 (pip's output: $log)"
    exit 1
}
: > "$log"
pip_entry=$venv/pip-bootstrap.txt
# The pip entry of the lock: `pip==X \` and its --hash lines, up to the comment that follows.
sed -n '/^pip==/,/^ *#/p' "$lock" | grep -v '^ *#' > "$pip_entry"
grep -q '^pip==' "$pip_entry" || fail "$lock pins no pip; run 'make lock' to pin it again"

pip="$venv/bin/python -m pip --disable-pip-version-check"
echo "installing the locked dependencies into $venv with $(version "$venv/bin/python" | sed 's/^/Python /') (a minute or two the first time)"
$pip install --require-hashes --no-deps -r "$pip_entry" >>"$log" 2>&1 \
    || fail "could not install the locked pip; check that PyPI (or your PIP_INDEX_URL) can be reached"
if ! $pip install --require-hashes -r "$lock" >>"$log" 2>&1; then
    if grep -q "DO NOT MATCH THE HASHES" "$log"; then
        fail "a downloaded file does not match its hash in $lock: a mirror or proxy changed it, or the lock was edited by hand; run again, or 'make lock'"
    elif grep -qiE "Could not find a version|No matching distribution" "$log"; then
        fail "a pinned version has no release for Python $(version "$venv/bin/python"); $tested: make PYTHON=python3.12"
    elif grep -qiE "Failed to build|failed-wheel-build|subprocess-exited-with-error" "$log"; then
        fail "a package had to be compiled and that failed; install gcc and the Python headers (python3-dev), or use a tested Python ($tested)"
    elif grep -qiE "NewConnectionError|Temporary failure|Max retries|timed out|SSLError|ProxyError" "$log"; then
        fail "could not download the dependencies; check the network (or PIP_INDEX_URL) and run again"
    elif grep -qiE "No space left" "$log"; then
        fail "the disk is full; free some space and run again"
    else
        fail "installing the locked dependencies failed; the last lines of the log say why"
    fi
fi
$pip install --no-deps --no-build-isolation -e . >>"$log" 2>&1 \
    || fail "could not install newsdesk itself into $venv"
