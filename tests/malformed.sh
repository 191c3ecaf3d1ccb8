#!/bin/sh
# The malformed-input suite: every file in tests/data/malformed gets its
# documented error (docs/io.md), as listed in tests/data/malformed/EXPECTED.
set -u
dir="$top_srcdir/tests/data/malformed"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A record longer than the default limit (1 MiB) is made here, not stored.
{
  printf 'customer,date,amount\nA,1997-01-01,5\nB,1997-01-02,'
  head -c 1100000 /dev/zero | tr '\0' 7
  printf '\n'
} >"$tmp/overlong.csv"

failures=0
checked=0
tab=$(printf '\t')
while IFS="$tab" read -r file code args message; do
  case $file in '' | '#'*) continue ;; esac
  where=$dir
  [ -f "$dir/$file" ] || where=$tmp
  # shellcheck disable=SC2086 # the arguments are words
  (cd "$where" && "$CXM" rfm "$file" $args) >"$tmp/out" 2>"$tmp/err"
  got=$?
  checked=$((checked + 1))
  if [ "$got" -ne "$code" ] || ! grep -qF -- "$message" "$tmp/err"; then
    echo "FAIL: cxm rfm $file $args"
    echo "  exit $got (expected $code)"
    echo "  stderr: $(cat "$tmp/err")"
    echo "  expected: $message"
    failures=$((failures + 1))
  else
    echo "ok: $file: $message"
  fi
done <"$dir/EXPECTED"

if [ "$failures" -ne 0 ]; then
  echo "$failures of $checked malformed-input checks failed"
  exit 1
fi
echo "all $checked malformed-input checks passed"
