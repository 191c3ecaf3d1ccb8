# Shared by the tests/cli*.sh scripts: source it, call expect, end with finish.
# Sets $tmp (a private directory removed on exit) and $out/$err (the last
# command's output), and counts failures.
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/stdout
err=$tmp/stderr

# matches PATTERN FILE: the pattern '^$' means the file must be empty.
matches() {
  if [ "$1" = '^$' ]; then [ ! -s "$2" ]; else grep -Eq -- "$1" "$2"; fi
}

# expect EXIT_CODE STDOUT_PATTERN STDERR_PATTERN -- ARGS...
expect() {
  code=$1 stdout_pattern=$2 stderr_pattern=$3
  shift 4
  "$CXM" "$@" >"$out" 2>"$err"
  got=$?
  if [ "$got" -ne "$code" ] || ! matches "$stdout_pattern" "$out" ||
     ! matches "$stderr_pattern" "$err"; then
    echo "FAIL: cxm $*"
    echo "  exit $got (expected $code)"
    echo "  stdout: $(head -5 "$out")"
    echo "  stderr: $(cat "$err")"
    failures=$((failures + 1))
  else
    echo "ok: cxm $*"
  fi
}

# finish: the script's exit status.
finish() {
  if [ "$failures" -ne 0 ]; then
    echo "$failures CLI checks failed"
    exit 1
  fi
  exit 0
}

# limited BLOCKS STDOUT ARGS...: run cxm where no file may grow beyond
# BLOCKS blocks (ulimit -f: 512 or 1024 bytes, by shell). A write beyond
# fails with EFBIG ("File too large") the way a write to a full disk fails
# with ENOSPC: an injected write failure that needs no root and works in
# make distcheck and package builds. Standard output goes to STDOUT, stderr
# to $err (through a pipe, which the limit does not touch), the exit code
# to $got.
limited() {
  blocks=$1 stdout=$2
  shift 2
  ( trap '' XFSZ; ulimit -f "$blocks" && "$CXM" "$@" 2>&1 >"$stdout"; echo "exit=$?" ) |
    cat >"$tmp/limited"
  got=$(sed -n 's/^exit=//p' "$tmp/limited")
  grep -v '^exit=' "$tmp/limited" >"$err"
}

# expect_full ARGS...: with standard output on a full disk (/dev/full; a
# file that cannot grow where there is none) cxm exits 1 with one line on
# stderr that says so.
expect_full() {
  if [ -c /dev/full ]; then
    "$CXM" "$@" >/dev/full 2>"$err"
    got=$?
  else
    limited 0 "$tmp/full" "$@"
  fi
  if [ "$got" -eq 1 ] && [ "$(wc -l <"$err")" -eq 1 ] &&
     grep -Eq '^cxm( [a-z]+)?: cannot write to standard output: ' "$err"; then
    echo "ok: cxm $* >/dev/full"
  else
    echo "FAIL: cxm $* >/dev/full"
    echo "  exit $got (expected 1)"
    echo "  stderr: $(cat "$err")"
    failures=$((failures + 1))
  fi
}
