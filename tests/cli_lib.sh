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
