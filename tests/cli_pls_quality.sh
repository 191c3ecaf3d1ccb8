#!/bin/sh
# cxm survey --quality and --consistent: the quality report and PLSc.
set -u
. "$top_srcdir/tests/cli_lib.sh"
data="$top_srcdir/tests/data/chain"

# The quality report follows the usual one, section by section.
for section in '^Quality of the model' '^Reliability and convergent validity' \
    '^Indicators \(reflective items' '^Discriminant validity: HTMT' '^Fornell-Larcker' \
    '^Structural model \(VIF'; do
  expect 0 "$section" '^$' -- survey "$data/model.json" "$data/survey.csv" --quality
done
expect 0 '^  Quality +A +3 +0\.[0-9]{4}[ *] +0\.[0-9]{4}[ *] +0\.[0-9]{4}[ *] +0\.[0-9]{4}' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality
expect 0 '^  Satisfaction +0\.[0-9]{4}[ *]$' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality
# A sole predecessor has VIF 1.
expect 0 'Quality +-> Satisfaction +1\.000 ' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality
expect 0 '^  Loyalty +0\.[0-9]{4} +0\.[0-9]{4}$' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality
# Without --quality there is no such report; the JSON always has it.
"$CXM" survey "$data/model.json" "$data/survey.csv" > "$tmp/plain.txt"
if grep -q 'Quality of the model' "$tmp/plain.txt"; then
  echo "FAIL: the quality report without --quality"; failures=$((failures + 1))
fi
expect 0 '"fornell_larcker"' '^$' -- survey "$data/model.json" "$data/survey.csv" --json
expect 0 '"rho_a"' '^$' -- survey "$data/model.json" "$data/survey.csv" --json --quality
# With resamples, HTMT's bootstrap intervals (BCa with --bca) in the text and the JSON.
expect 0 '^HTMT with 90% bootstrap intervals, 100 resamples' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality --bootstrap 100 --level 0.9
expect 0 '^  Quality +-> Loyalty +0\.[0-9]{4} +0\.[0-9]{4} +0\.[0-9]{4} +0\.[0-9]{4} +0\.[0-9]{4}$' '^$' -- survey "$data/model.json" "$data/survey.csv" --quality --bootstrap 100 --bca
expect 0 '"htmt_intervals"' '^$' -- survey "$data/model.json" "$data/survey.csv" --json --bootstrap 20
if grep -q 'HTMT with' "$tmp/plain.txt"; then
  echo "FAIL: HTMT intervals without --quality"; failures=$((failures + 1))
fi

# PLSc, from the command line or the model's "estimation".
expect 0 '^Consistent PLS \(PLSc\) path model: 149 respondents' '^$' -- survey "$data/model.json" "$data/survey.csv" --consistent
expect 0 '"consistent":[[:space:]]*true' '^$' -- survey "$data/model.json" "$data/survey.csv" --consistent --json
sed 's/"target"/"estimation": {"consistent": true}, "target"/' "$data/model.json" > "$tmp/plsc.json"
expect 0 '^Consistent PLS \(PLSc\) path model' '^$' -- survey "$tmp/plsc.json" "$data/survey.csv"
sed 's/"target"/"estimation": {"consistent": "yes"}, "target"/' "$data/model.json" > "$tmp/bad.json"
expect 1 '^$' 'estimation\.consistent must be true or false' -- survey "$tmp/bad.json" "$data/survey.csv"
expect 0 'Consistent PLS.*50 bootstrap resamples' '^$' -- survey "$data/model.json" "$data/survey.csv" --consistent --bootstrap 50
expect 0 '--consistent +consistent PLS' '^$' -- survey --help
expect 0 '--quality +add the quality report' '^$' -- survey --help

# The demo's HTML report shows the survey's measurement quality.
if "$CXM" demo --customers 2000 --bootstrap 10 --html "$tmp/report.html" >/dev/null 2>"$tmp/err" &&
   grep -q '<th>highest HTMT</th>' "$tmp/report.html" &&
   grep -Eq '<tr><td>Satisfaction</td>(<td>[01]\.[0-9]{2}</td>){4}</tr>' "$tmp/report.html"; then
  echo "ok: demo --html has the quality table"
else
  echo "FAIL: demo --html lacks the quality table: $(cat "$tmp/err")"; failures=$((failures + 1))
fi
finish
