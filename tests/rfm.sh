#!/bin/sh
# cxm rfm: the CDNOW sample reproduces lifetimes' published summaries, and
# the options and usage errors behave as documented.
set -u
data="$top_srcdir/tests/data/cdnow"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- The CDNOW sample: sample id (column 2) as customer, daily units, weeks
# as days/7, 39-week calibration ending 1997-09-30.
if ! "$CXM" rfm "$data/CDNOW_sample.txt" --no-header --customer 2 --date 3 --amount 5 \
  --unit day --scale 7 --calibration-end 1997-09-30 -o "$tmp/cdnow.csv" 2>"$tmp/err"; then
  fail "cxm rfm on CDNOW_sample.txt: $(cat "$tmp/err")"
fi
[ -s "$tmp/err" ] && fail "stderr not empty: $(cat "$tmp/err")"
head -1 "$tmp/cdnow.csv" | grep -qx 'customer_id,frequency,recency,T,monetary_value,frequency_holdout,monetary_value_holdout,duration_holdout,first_purchase' ||
  fail "header: $(head -1 "$tmp/cdnow.csv")"
# Join on the numeric id with the published files; awk does the comparison.
result=$(awk -F, '
  FNR == 1 { file++; next }
  { sub(/\r$/, "") }
  file == 1 { x[$1 + 0] = $2; r[$1 + 0] = $3; t[$1 + 0] = $4; m[$1 + 0] = $5; n++; next }
  file == 2 { k = $1 + 0; seen2++
              if (!(k in x)) { print "missing " k; bad++; next }
              if (x[k] != $2) { print "frequency " k ": " x[k] " vs " $2; bad++ }
              d = r[k] - $3; if (d < 0) d = -d; if (d > 0.005 + 1e-9) { print "recency " k ": " r[k] " vs " $3; bad++ }
              d = t[k] - $4; if (d < 0) d = -d; if (d > 0.005 + 1e-9) { print "T " k ": " t[k] " vs " $4; bad++ }
              sum += x[k]; next }
  file == 3 { k = $1 + 0; seen3++
              d = m[k] - $5; if (d < 0) d = -d; if (d > 0.005 + 1e-9) { print "zbar " k ": " m[k] " vs " $5; bad++ } }
  END { printf "customers %d published %d %d frequency-sum %d mismatches %d\n", n, seen2, seen3, sum, bad + 0 }
' "$tmp/cdnow.csv" "$data/cdnow_customers_summary.csv" "$data/cdnow_customers_summary_with_transactions.csv")
echo "CDNOW: $result"
[ "$(echo "$result" | tail -1)" = "customers 2357 published 2357 2357 frequency-sum 2457 mismatches 0" ] ||
  fail "CDNOW summary differs from the published one"
# The same without a holdout: observation end 1997-09-30, delimiter and date format given.
"$CXM" rfm "$data/CDNOW_sample.txt" --no-header --customer 2 --date 3 --delimiter space \
  --date-format %Y%m%d --scale 7 --observation-end 1997-09-30 >"$tmp/obs.csv" ||
  fail "observation end"
cut -d, -f1-5 "$tmp/cdnow.csv" | cut -d, -f1-4 >"$tmp/a"
cut -d, -f1-4 "$tmp/obs.csv" >"$tmp/b"
cmp -s "$tmp/a" "$tmp/b" || fail "--observation-end 1997-09-30 differs from the calibration columns"
# The compressed form sums to the number of customers.
"$CXM" rfm "$data/CDNOW_sample.txt" --no-header --customer 2 --date 3 --scale 7 \
  --calibration-end 1997-09-30 --unique >"$tmp/unique.csv" || fail "--unique"
head -1 "$tmp/unique.csv" | grep -qx 'frequency,recency,T,weight' || fail "--unique header"
weights=$(awk -F, 'NR > 1 { w += $4 } END { print w }' "$tmp/unique.csv")
[ "$weights" = 2357 ] || fail "--unique weights sum to $weights, not 2357"

# One thread or two: the same bytes.
"$CXM" rfm "$data/CDNOW_sample.txt" --no-header --customer 2 --date 3 --amount 5 --scale 7 \
  --calibration-end 1997-09-30 --threads 1 >"$tmp/t1.csv" &&
  "$CXM" rfm "$data/CDNOW_sample.txt" --no-header --customer 2 --date 3 --amount 5 --scale 7 \
    --calibration-end 1997-09-30 --threads 2 >"$tmp/t2.csv" &&
  cmp -s "$tmp/t1.csv" "$tmp/t2.csv" && cmp -s "$tmp/t1.csv" "$tmp/cdnow.csv" || fail "--threads 1 and 2 differ"

# --- Small cases, computed by hand (see tests/check_rfm.c).
printf 'customer;date;amount\nA;2015-01-01;10\nA;2015-01-01;5\nA;2015-01-05;20\nB;2015-01-04;7\nA;2015-01-08;40\nC;2015-01-10;1\nB;2015-01-30;3\n' >"$tmp/small.csv"
expect() {
  want=$1
  shift
  got=$("$CXM" rfm "$tmp/small.csv" --customer customer --date date "$@" 2>&1)
  [ "$got" = "$want" ] || fail "cxm rfm small.csv $*:
$got
expected:
$want"
}
expect 'customer,frequency,recency,T,monetary_value,first_purchase
A,2,7,29,30,2015-01-01
B,1,26,26,3,2015-01-04
C,0,0,20,0,2015-01-10' --amount amount
expect 'customer,frequency,recency,T,first_purchase
A,1,1,4,2015-01-01
B,1,4,4,2015-01-04
C,0,0,3,2015-01-10' --unit week
expect 'customer,frequency,recency,T,monetary_value,frequency_holdout,monetary_value_holdout,duration_holdout,first_purchase
A,1,4,5,20,1,40,25,2015-01-01
B,0,0,2,0,1,3,25,2015-01-04' --amount 3 --calibration-end 2015-01-06 --observation-end 2015-01-31
expect 'customer,frequency,recency,T,first_purchase
A,0,0,0,2015-01-01
B,0,0,0,2015-01-04
C,0,0,0,2015-01-10' --unit month

# --- Usage errors: exit 2 and one line.
check_usage() {
  pattern=$1
  shift
  "$CXM" rfm "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
  if [ "$code" -ne 2 ] || ! grep -qF -- "$pattern" "$tmp/err" || [ -s "$tmp/out" ]; then
    fail "cxm rfm $*: exit $code, stderr $(cat "$tmp/err")"
  fi
}
check_usage 'no transaction file given' --customer a --date b
check_usage '--customer and --date are required' "$tmp/small.csv" --date date
check_usage "--unit needs day, week, month" "$tmp/small.csv" --customer customer --date date --unit fortnight
check_usage "--delimiter needs one character" "$tmp/small.csv" --customer customer --date date --delimiter ';;'
check_usage "--calibration-end needs a date such as 1997-09-30, got '1997-13-01'" "$tmp/small.csv" --customer customer --date date --calibration-end 1997-13-01
check_usage "--scale needs a finite number" "$tmp/small.csv" --customer customer --date date --scale x
check_usage "scale 0 must be a finite number > 0" "$tmp/small.csv" --customer customer --date date --scale 0
check_usage "unknown option '--bogus'" "$tmp/small.csv" --bogus
check_usage "--threads needs 1 or 2, got '3'" "$tmp/small.csv" --customer customer --date date --threads 3
check_usage "the calibration end 2015-01-10 is after the observation end 2015-01-05" "$tmp/small.csv" --customer customer --date date --calibration-end 2015-01-10 --observation-end 2015-01-05
# An empty period is an error that says so (exit 2, nothing written), never an empty summary.
check_data() {
  pattern=$1; shift
  "$CXM" rfm "$@" >"$tmp/out" 2>"$tmp/err"
  code=$?
  if [ "$code" -ne 2 ] || ! grep -qF -- "$pattern" "$tmp/err" || [ -s "$tmp/out" ]; then
    fail "cxm rfm $*: exit $code, stderr $(cat "$tmp/err")"
  fi
}
check_data "the holdout period is empty: the observation end 2015-01-06 is in the time unit of the calibration end 2015-01-06" "$tmp/small.csv" --customer customer --date date --calibration-end 2015-01-06 --observation-end 2015-01-06
check_data "the calibration period is empty: no purchase up to the calibration end 2014-12-31 (the first is on 2015-01-01)" "$tmp/small.csv" --customer customer --date date --calibration-end 2014-12-31
check_data "the holdout period is empty: no purchase after the calibration end 2015-03-01" "$tmp/small.csv" --customer customer --date date --calibration-end 2015-03-01 --observation-end 2015-06-30
"$CXM" rfm --help | grep -q 'usage: cxm rfm FILE' || fail "--help"
"$CXM" --help | grep -q 'rfm .*per-customer' || fail "cxm --help lists rfm"
# No progress line when standard error is not a terminal, whatever the size.
"$CXM" rfm "$tmp/small.csv" --customer customer --date date -o "$tmp/o.csv" 2>"$tmp/err" &&
  [ ! -s "$tmp/err" ] || fail "stderr not empty without a terminal"
"$CXM" rfm "$tmp/small.csv" --customer customer --date date -o /nonexistent/dir/o.csv 2>"$tmp/err"
[ $? -eq 1 ] && grep -qF 'cannot create' "$tmp/err" || fail "unwritable output: $(cat "$tmp/err")"

if [ "$failures" -ne 0 ]; then
  echo "$failures cxm rfm checks failed"
  exit 1
fi
echo "cxm rfm: all checks passed"
