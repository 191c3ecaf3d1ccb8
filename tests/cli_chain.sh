#!/bin/sh
# cxm nps and cxm survey: output, exit codes and messages.
set -u
. "$top_srcdir/tests/cli_lib.sh"
data="$top_srcdir/tests/data/chain"

# docs/models.md §3.2: 50 promoters, 30 passives, 20 detractors (and 3 missing answers).
expect 0 '^NPS 30\.000 \(100 answers: 50 promoters, 30 passives, 20 detractors\)' '^$' -- nps "$data/nps.csv" --column recommend
expect 0 'standard error 7\.8102' '^$' -- nps "$data/nps.csv" --column recommend
expect 0 'Wald interval +\[14\.692, 45\.308\]' '^$' -- nps "$data/nps.csv" --column recommend
expect 0 'adjusted-Wald interval +\[14\.051, 44\.201\]' '^$' -- nps "$data/nps.csv" --column recommend
expect 0 '"adjusted_lower":[[:space:]]*14\.05' '^$' -- nps "$data/nps.csv" --column 2 --json
expect 0 '^90% Wald' '^$' -- nps "$data/nps.csv" --column recommend --level 0.9
expect 0 'usage: cxm nps' '^$' -- nps --help
expect 2 '^$' '--column is required' -- nps "$data/nps.csv"
expect 2 '^$' 'give the survey file' -- nps --column recommend
expect 2 '^$' "--level 1\.5 is outside" -- nps "$data/nps.csv" --column recommend --level 1.5
expect 1 '^$' "no column 'likely'" -- nps "$data/nps.csv" --column likely
expect 1 '^$' "nps\.csv:[0-9]+: column 'channel': 'store' is not a number" -- nps "$data/nps.csv" --column channel
expect 1 '^$' 'missing\.csv' -- nps "$tmp/missing.csv" --column recommend
printf 'x\n11\n' > "$tmp/bad.csv"
expect 1 '^$' "column 'x': element 0: score 11 is outside the 0-10 scale" -- nps "$tmp/bad.csv" --column x

# cxm survey: the report, JSON, presets.
expect 0 '^PLS path model: 149 respondents \(1 dropped for missing answers\), path scheme' '^$' -- survey "$data/model.json" "$data/survey.csv"
expect 0 'Quality +-> Satisfaction +0\.[0-9]{4}' '^$' -- survey "$data/model.json" "$data/survey.csv"
expect 0 'Drivers of Satisfaction' '^$' -- survey "$data/model.json" "$data/survey.csv"
expect 0 '95% interval' '^$' -- survey "$data/model.json" "$data/survey.csv" --bootstrap 50 --seed 3
expect 0 '150 respondents, centroid scheme' '^$' -- survey "$data/model.json" "$data/survey.csv" --missing mean --scheme centroid
expect 0 'Drivers of Loyalty' '^$' -- survey "$data/model.json" "$data/survey.csv" --target Loyalty
expect 0 '"importance_performance"' '^$' -- survey "$data/model.json" "$data/survey.csv" --json
expect 0 'Drivers of Satisfaction' '^$' -- survey "$data/model.json" "$data/survey.csv" -o "$tmp/report.json"
if grep -q '"paths"' "$tmp/report.json" 2>/dev/null; then echo "ok: -o writes the JSON report"; else
  echo "FAIL: -o did not write the JSON report"; failures=$((failures + 1)); fi
expect 0 '"name":[[:space:]]*"ECSI"' '^$' -- survey --preset ecsi --print-model
"$CXM" survey --preset chain --print-model > "$tmp/chain.json"
expect 0 '"Emotion"' '^$' -- survey "$tmp/chain.json" --print-model
expect 0 'Value of \+1 index point' '^$' -- survey "$data/model.json" "$data/survey.csv" --retention -3,0.07 --margin 100 --discount 0.12 --customers 1000
expect 0 'Quality +0\.[0-9]{4}->0\.[0-9]{4} +[0-9]+\.[0-9]{2} +[0-9]+\.[0-9]{2}' '^$' -- survey "$data/model.json" "$data/survey.csv" --retention -3,0.07 --margin 100 --discount 0.12
expect 0 'BCa interval' '^$' -- survey "$data/model.json" "$data/survey.csv" --bootstrap 60 --seed 3 --bca
expect 0 'Quality +-> Satisfaction +0\.[0-9]{4} +0\.[0-9]{4} +[0-9.]+ +0\.[0-9]{4} +\[' '^$' -- survey "$data/model.json" "$data/survey.csv" --bootstrap 60 --seed 3
expect 0 'Quality -> Satisfaction -> Loyalty' '^$' -- survey "$data/model.json" "$data/survey.csv" --indirect
expect 0 'PLSpredict: 5-fold cross-validation, 2 repetitions, earliest antecedents' '^$' -- survey "$data/model.json" "$data/survey.csv" --predict 5 --repetitions 2
expect 0 'Loyalty +l1 +[0-9.]+' '^$' -- survey "$data/model.json" "$data/survey.csv" --predict 5 --approach direct
expect 0 '"plspredict"' '^$' -- survey "$data/model.json" "$data/survey.csv" --predict 5 --bootstrap 20 --bca --json
expect 0 '"bca_lower"' '^$' -- survey "$data/model.json" "$data/survey.csv" --bootstrap 20 --bca --json
expect 2 '^$' '--predict needs at least 2 folds' -- survey "$data/model.json" "$data/survey.csv" --predict 1
expect 2 '^$' '--approach must be earliest or direct' -- survey "$data/model.json" "$data/survey.csv" --predict 5 --approach late
expect 1 '^$' '500 folds of 149 respondents' -- survey "$data/model.json" "$data/survey.csv" --predict 500
expect 2 '^$' '--retention, --margin and --discount go together' -- survey "$data/model.json" "$data/survey.csv" --margin 100
expect 2 '^$' '--retention needs A,B' -- survey "$data/model.json" "$data/survey.csv" --retention 0.5 --margin 1 --discount 0.1
expect 0 'usage: cxm survey' '^$' -- survey --help
expect 2 '^$' 'give the model' -- survey "$data/survey.csv"
expect 2 '^$' "--scheme must be path, centroid or factorial" -- survey "$data/model.json" "$data/survey.csv" --scheme best
expect 2 '^$' "no preset model 'scsi'" -- survey --preset scsi "$data/survey.csv"
expect 2 '^$' "no construct 'Value'" -- survey "$data/model.json" "$data/survey.csv" --target Value
expect 1 '^$' "no column 'CUEX1'" -- survey --preset acsi "$data/survey.csv"
printf '{"constructs": [\n  {"name": "A", "items": ["q1"], "mode": "C"}], "paths": []}\n' > "$tmp/bad.json"
expect 1 '^$' 'bad\.json: model JSON: constructs\[0\]\.mode must be "A"' -- survey "$tmp/bad.json" "$data/survey.csv"
printf '{"constructs": [\n' > "$tmp/broken.json"
expect 1 '^$' 'broken\.json: model JSON:2:1: the JSON document ends too early' -- survey "$tmp/broken.json" "$data/survey.csv"

finish
