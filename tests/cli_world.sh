#!/bin/sh
# cxm demo and cxm world: the report (text and HTML), the simulated files
# read back by the other commands, determinism, errors, progress lines.
set -u
failures=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# --- the demo: no arguments, no files; quiet when stderr is not a terminal
if "$CXM" demo >"$tmp/demo.txt" 2>"$tmp/demo.err"; then ok "demo runs"; else fail "demo: exit $?: $(cat "$tmp/demo.err")"; fi
[ -s "$tmp/demo.err" ] && fail "demo wrote to stderr: $(cat "$tmp/demo.err")"
for section in 'Lifetime value on real data: the CDNOW sample' 'BG/NBD on weeks 1-39:  r 0\.243' \
    'top customers' 'Funnel: EXPLORE 4,000 > BUY' 'Attribution of the' 'Inside out vs outside in' \
    'Pain points .*Online checkout' 'Bright spots' 'NPS [+-]' 'Drivers of satisfaction' \
    'What repairing the worst touchpoint is worth: Online checkout' 'the repair is worth \$' \
    'last purchase in weeks since the customer.s first' 'not the NPS promoters' \
    'promoters \(9-10\), [0-9,]+ detractors \(0-6\)' 'satisfaction index [0-9.]+ on 0-100' \
    'satisfaction \(survey mean, 1-10\)' 'customers who promote \(funnel PROMOTE\) [0-9,]+ > [0-9,]+'; do
  grep -Eq -- "$section" "$tmp/demo.txt" || fail "demo output lacks '$section'"
done
# Money as money in the top customers' table: $ and thousands.
grep -Eq '^ +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9.]+ +[0-9.]+ +\$[0-9]+\.[0-9]{2} +\$[0-9],[0-9]{3}$' "$tmp/demo.txt" ||
  fail "the top customers' spend and value are not printed as money"

# --- HTML: self-contained (no scripts, no external resources), every chart there
if "$CXM" demo --html "$tmp/report.html" >/dev/null 2>"$tmp/err"; then ok "demo --html"; else fail "demo --html: $(cat "$tmp/err")"; fi
[ "$(grep -c '<svg' "$tmp/report.html")" -ge 7 ] || fail "report.html has fewer than 7 charts"
grep -Eiq '<script|<link|<img|src=|href=|@import|url\(' "$tmp/report.html" && fail "report.html refers to something outside itself"
for chart in 'Funnel' 'Experience map' 'Markov attribution' 'Inside out vs outside in' 'P\(alive\)' \
    'Cumulative repeat purchases'; do
  grep -Eq "<figcaption>[^<]*$chart" "$tmp/report.html" || fail "report.html lacks the chart '$chart'"
done
tail -c 20 "$tmp/report.html" | grep -q '</html>' || fail "report.html is not complete"
# What a CRM analyst reads: the calibration end marked, the heat map's colour scale,
# money as money, scales named.
for text in 'calibration ends \(week 39\)' '>P\(alive\)</text>' '>\$1[0-9]{2},[0-9]{3}</text>' \
    'weeks since the first purchase' 'importance \(1-5\)' 'satisfaction \(survey mean, 1-10\)' \
    'customers who promote \(funnel PROMOTE\)'; do
  grep -Eq -- "$text" "$tmp/report.html" || fail "report.html lacks '$text'"
done

# --- errors
"$CXM" demo --cdnow "$tmp/none.txt" >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "cannot read the CDNOW sample at $tmp/none.txt" "$tmp/err" || fail "demo --cdnow missing: exit $code $(cat "$tmp/err")"
CXM_DATA_DIR="$tmp/nowhere" "$CXM" demo >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "$tmp/nowhere/cdnow/CDNOW_sample.txt" "$tmp/err" || fail "CXM_DATA_DIR missing: exit $code"
"$CXM" demo --customers 0 >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "demo --customers 0 is not a usage error"
"$CXM" demo extra >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "demo extra is not a usage error"
"$CXM" demo --seed 9007199254740992 >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q 'not below 2^53' "$tmp/err" || fail "demo --seed 2^53: exit $code $(cat "$tmp/err")"
"$CXM" demo --html /nonexistent/dir/r.html >/dev/null 2>"$tmp/err"; [ $? -eq 1 ] || fail "demo --html into a missing directory"

# --- a smaller world through --settings, --customers, --seed
printf '{"customers": 900, "seed": 5}\n' >"$tmp/small.json"
"$CXM" demo --settings "$tmp/small.json" --customers 800 --bootstrap 20 >"$tmp/small.txt" 2>"$tmp/err" ||
  fail "demo --settings: $(cat "$tmp/err")"
grep -q '(800 customers, seed 5)' "$tmp/small.txt" || fail "demo --settings/--customers: $(grep simulated "$tmp/small.txt")"

# --- cxm world: the files, read by the other commands
"$CXM" world -o "$tmp/w1" --customers 400 --seed 3 >"$tmp/out" 2>"$tmp/err" || fail "world: $(cat "$tmp/err")"
[ -s "$tmp/err" ] && fail "world wrote to stderr: $(cat "$tmp/err")"
grep -Eq '^400 customers, [0-9]+ buyers' "$tmp/out" || fail "world summary: $(cat "$tmp/out")"
for f in events.csv transactions.csv survey.csv customers.csv map.json settings.json; do
  [ -s "$tmp/w1/$f" ] || fail "world did not write $f"
done
head -1 "$tmp/w1/events.csv" | grep -qx 'customer,timestamp,touchpoint,value,rating,valence,segment' || fail "events.csv header"
head -1 "$tmp/w1/transactions.csv" | grep -qx 'customer_id,date,amount' || fail "transactions.csv header"
"$CXM" journey "$tmp/w1/map.json" "$tmp/w1/events.csv" --segment segment >"$tmp/j" 2>"$tmp/err" &&
  grep -q 'Event log: 400 customers' "$tmp/j" || fail "cxm journey on the world: $(cat "$tmp/err")"
"$CXM" rfm "$tmp/w1/transactions.csv" --customer customer_id --date date --amount amount \
  --unit day --scale 7 >"$tmp/rfm" 2>"$tmp/err" || fail "cxm rfm on the world: $(cat "$tmp/err")"
"$CXM" nps "$tmp/w1/survey.csv" --column recommend >"$tmp/n" 2>"$tmp/err" && grep -q '^NPS' "$tmp/n" ||
  fail "cxm nps on the world: $(cat "$tmp/err")"
"$CXM" survey --preset chain "$tmp/w1/survey.csv" >"$tmp/s" 2>"$tmp/err" && grep -q 'Satisfaction' "$tmp/s" ||
  fail "cxm survey on the world: $(cat "$tmp/err")"
# the same seed, the same files
"$CXM" world -o "$tmp/w2" --customers 400 --seed 3 >/dev/null 2>&1
for f in events.csv transactions.csv survey.csv customers.csv map.json settings.json; do
  cmp -s "$tmp/w1/$f" "$tmp/w2/$f" || fail "world is not reproducible: $f differs"
done
# a what-if changes what depends on it
"$CXM" world -o "$tmp/w3" --customers 400 --seed 3 --quality checkout=7.6 >/dev/null 2>&1
cmp -s "$tmp/w1/survey.csv" "$tmp/w3/survey.csv" && fail "--quality changed nothing"
# settings round trip
"$CXM" world --print-settings >"$tmp/s1.json" || fail "world --print-settings"
"$CXM" world "$tmp/s1.json" --print-settings >"$tmp/s2.json" && cmp -s "$tmp/s1.json" "$tmp/s2.json" ||
  fail "settings do not round-trip"
cmp -s "$tmp/w1/settings.json" "$tmp/s1.json" && fail "settings.json ignores --customers"
# errors
"$CXM" world >/dev/null 2>"$tmp/err"; [ $? -eq 2 ] || fail "world without -o"
"$CXM" world -o "$tmp/w4" --quality nope=3 >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q "'nope' is not a touchpoint" "$tmp/err" || fail "world --quality nope: exit $code"
"$CXM" world -o "$tmp/w5" --quality checkout=11 >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 2 ] && grep -q "^cxm world: --quality checkout=11: quality 11 of touchpoint 'checkout' is outside the 0-10 scale (see 'cxm world --help')$" "$tmp/err" ||
  fail "world --quality checkout=11: exit $code: $(cat "$tmp/err")"
[ -e "$tmp/w5" ] && fail "world --quality checkout=11 wrote $tmp/w5"
printf '{"decisions": {"explore": {"continue": 2}}}' >"$tmp/bad.json"
"$CXM" world "$tmp/bad.json" -o "$tmp/w5" >/dev/null 2>"$tmp/err"; code=$?
[ $code -eq 1 ] && grep -q "bad.json: decisions.explore: key 'continue' must be in \[0, 1)" "$tmp/err" ||
  fail "world bad settings: exit $code $(cat "$tmp/err")"

# --- progress: a line on a terminal, none with --quiet (script(1) gives a terminal)
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
  script -qec "'$CXM' world -o '$tmp/w6' --customers 3000 >/dev/null" /dev/null >"$tmp/tty" 2>&1
  grep -q 'cxm world: simulating 3000 customers' "$tmp/tty" || fail "no progress line on a terminal: $(cat -v "$tmp/tty")"
  script -qec "'$CXM' world -o '$tmp/w7' --customers 3000 --quiet >/dev/null" /dev/null >"$tmp/tty" 2>&1
  grep -q 'simulating' "$tmp/tty" && fail "--quiet did not silence the progress line"
  script -qec "'$CXM' --quiet demo >/dev/null" /dev/null >"$tmp/tty" 2>&1
  grep -q 'cxm demo:' "$tmp/tty" && fail "cxm --quiet demo showed progress"
  ok "progress lines"
else
  echo "skip: no script(1) to give a terminal"
fi

[ $failures -eq 0 ] && echo "all cli_world tests passed"
exit $((failures > 0))
