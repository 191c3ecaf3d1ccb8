#!/bin/sh
# Output that tells the truth: a failed write is never exit 0, and an output
# file is complete or untouched. Standard output on a full disk (/dev/full)
# for every command and the help and version paths; an injected write
# failure (a file-size limit, see limited in cli_lib.sh) for the -o file of
# every command that writes one; a real full file system (tmpfs) when the
# test runs as root and may mount one.
set -u
. "$top_srcdir/tests/cli_lib.sh"
data=$top_srcdir/tests/data
summary=$data/cdnow_customers_summary.csv
full=$data/cdnow_customers_summary_with_transactions.csv
cdnow=$data/cdnow/CDNOW_sample.txt
chain=$data/chain
ex=$top_srcdir/examples/journey
rfm_args="--no-header --customer 2 --date 3 --amount 5 --unit day --scale 7"
small_demo="--customers 500 --bootstrap 10"

ok() { echo "ok: $*"; }
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

"$CXM" fit bgnbd "$summary" -o "$tmp/bg.json" >/dev/null || fail "fit bgnbd"

# ------------------------------------------------------------------ standard output
expect_full --help
expect_full -h
expect_full help
expect_full --version
expect_full -V
for command in clv demo rfm attribution journey fit predict simulate nps survey world; do
  expect_full help "$command"
  expect_full "$command" --help
done
expect_full clv --margin 100 --retention 0.8 --discount 0.12
expect_full clv --margin 100 --retention 0.8 --discount 0.12 --json
expect_full demo $small_demo
expect_full rfm "$cdnow" $rfm_args
expect_full rfm "$cdnow" $rfm_args --unique
expect_full attribution "$ex/paths.csv" --heuristics
expect_full attribution "$ex/paths.csv" --json
expect_full journey "$ex/map.json" "$ex/events.csv"
expect_full journey "$ex/map.json" "$ex/events.csv" --json
expect_full fit bgnbd "$summary"
expect_full fit bgnbd "$summary" --json
expect_full predict "$tmp/bg.json" "$summary" --horizon 39
expect_full simulate "$tmp/bg.json" --customers 3 --seed 1 --T 39
expect_full nps "$chain/nps.csv" --column recommend
expect_full nps "$chain/nps.csv" --column recommend --json
expect_full survey "$chain/model.json" "$chain/survey.csv"
expect_full survey "$chain/model.json" "$chain/survey.csv" --json
expect_full survey --preset ecsi --print-model
expect_full world --print-settings
expect_full world -o "$tmp/world-full" --customers 100
# A command that failed already keeps its own exit code.
"$CXM" clv --margin 1 >/dev/full 2>"$err"
[ $? -eq 2 ] || fail "a usage error with a full standard output is not exit 2"

# ------------------------------------------------------------------ -o files
# The size of ulimit -f's block in this shell (512 bytes in dash, 1024 in bash).
( trap '' XFSZ; ulimit -f 1 && head -c 4096 /dev/zero >"$tmp/block" ) 2>/dev/null
block=$(wc -c <"$tmp/block")
case $block in 512 | 1024) ok "ulimit -f counts blocks of $block bytes" ;; *) fail "block size $block" ;; esac

# untouched FILE BLOCKS ARGS...: FILE exists; cxm ARGS, which write it anew,
# fail once no file may grow past BLOCKS blocks. Exit 1, a message naming
# the file, FILE byte for byte as before, nothing new in its directory.
untouched() {
  file=$1 blocks=$2
  shift 2
  dir=$(dirname "$file")
  cp "$file" "$tmp/before"
  ls -A "$dir" >"$tmp/listing"
  limited "$blocks" /dev/null "$@"
  if [ "$got" -eq 1 ] && grep -qF "$file: cannot write: " "$err" && cmp -s "$file" "$tmp/before" &&
     ls -A "$dir" | cmp -s - "$tmp/listing"; then
    ok "$blocks blocks: cxm $*"
  else
    fail "$blocks blocks: cxm $*"
    echo "  exit $got (expected 1); stderr: $(cat "$err")"
    echo "  directory: $(ls -A "$dir" | tr '\n' ' ')"
    cmp "$file" "$tmp/before"
  fi
}

# fresh DIR: an empty directory.
fresh() {
  rm -rf "$1" && mkdir "$1"
}

fresh "$tmp/fit"
"$CXM" fit bgnbd "$summary" -o "$tmp/fit/model.json" >/dev/null
untouched "$tmp/fit/model.json" 0 fit gg "$full" -o "$tmp/fit/model.json"
untouched "$tmp/fit/model.json" 1 fit pnbd "$summary" -o "$tmp/fit/model.json"

fresh "$tmp/predict"
"$CXM" predict "$tmp/bg.json" "$summary" --horizon 52 -o "$tmp/predict/p.csv"
untouched "$tmp/predict/p.csv" 0 predict "$tmp/bg.json" "$summary" --horizon 39 -o "$tmp/predict/p.csv"
untouched "$tmp/predict/p.csv" 16 predict "$tmp/bg.json" "$summary" --horizon 39 -o "$tmp/predict/p.csv"

fresh "$tmp/simulate"
"$CXM" simulate "$tmp/bg.json" --customers 500 --seed 1 --T 39 -o "$tmp/simulate/s.csv"
untouched "$tmp/simulate/s.csv" 4 simulate "$tmp/bg.json" --customers 500 --seed 2 --T 39 -o "$tmp/simulate/s.csv"

fresh "$tmp/rfm"
"$CXM" rfm "$cdnow" $rfm_args -o "$tmp/rfm/r.csv"
untouched "$tmp/rfm/r.csv" 0 rfm "$cdnow" $rfm_args --calibration-end 1997-09-30 -o "$tmp/rfm/r.csv"
untouched "$tmp/rfm/r.csv" 16 rfm "$cdnow" $rfm_args --calibration-end 1997-09-30 -o "$tmp/rfm/r.csv"
untouched "$tmp/rfm/r.csv" 0 rfm "$cdnow" $rfm_args --unique -o "$tmp/rfm/r.csv"
untouched "$tmp/rfm/r.csv" 4 rfm "$cdnow" $rfm_args --unique -o "$tmp/rfm/r.csv"

fresh "$tmp/attribution"
"$CXM" attribution "$ex/paths.csv" -o "$tmp/attribution/a.json" >/dev/null
untouched "$tmp/attribution/a.json" 0 attribution "$ex/paths.csv" --order 2 --heuristics -o "$tmp/attribution/a.json"
untouched "$tmp/attribution/a.json" 1 attribution "$ex/paths.csv" --order 2 --heuristics -o "$tmp/attribution/a.json"

fresh "$tmp/journey"
"$CXM" journey "$ex/map.json" "$ex/events.csv" -o "$tmp/journey/j.json" >/dev/null
untouched "$tmp/journey/j.json" 0 journey "$ex/map.json" "$ex/events.csv" --order 2 -o "$tmp/journey/j.json"
untouched "$tmp/journey/j.json" 4 journey "$ex/map.json" "$ex/events.csv" --order 2 -o "$tmp/journey/j.json"

fresh "$tmp/survey"
"$CXM" survey "$chain/model.json" "$chain/survey.csv" -o "$tmp/survey/s.json" >/dev/null
untouched "$tmp/survey/s.json" 0 survey "$chain/model.json" "$chain/survey.csv" --scheme centroid -o "$tmp/survey/s.json"
untouched "$tmp/survey/s.json" 2 survey "$chain/model.json" "$chain/survey.csv" --scheme centroid -o "$tmp/survey/s.json"

fresh "$tmp/demo"
"$CXM" demo $small_demo --html "$tmp/demo/r.html" >/dev/null
untouched "$tmp/demo/r.html" 0 demo $small_demo --seed 9 --html "$tmp/demo/r.html"
untouched "$tmp/demo/r.html" 8 demo $small_demo --seed 9 --html "$tmp/demo/r.html"

# cxm world -o DIR: the six files are put in place together or not at all.
# A limit that the files written first (events, transactions, survey) stay
# within and customers.csv exceeds fails after three complete files.
world_files="events.csv transactions.csv survey.csv customers.csv map.json settings.json"
"$CXM" world -o "$tmp/world-new" --customers 400 --seed 4 >/dev/null
largest=$(cd "$tmp/world-new" && wc -c events.csv transactions.csv survey.csv | sort -n | tail -2 | head -1 | awk '{print $1}')
customers_size=$(wc -c <"$tmp/world-new/customers.csv")
late=$((largest / block + 1))
[ "$customers_size" -gt $((late * block)) ] || fail "customers.csv ($customers_size bytes) is too small for the test"
fresh "$tmp/world"
"$CXM" world -o "$tmp/world" --customers 400 --seed 3 >/dev/null
cp -r "$tmp/world" "$tmp/world-before"
for blocks in 0 4 "$late"; do
  limited "$blocks" /dev/null world -o "$tmp/world" --customers 400 --seed 4
  where=events.csv
  [ "$blocks" = "$late" ] && where=customers.csv
  if [ "$got" -eq 1 ] && grep -qF "$tmp/world/$where: cannot write: " "$err" &&
     diff -r "$tmp/world" "$tmp/world-before" >/dev/null; then
    ok "world -o, $blocks blocks: the directory as it was"
  else
    fail "world -o, $blocks blocks: exit $got: $(cat "$err"); $(ls -A "$tmp/world" | tr '\n' ' ')"
  fi
done
fresh "$tmp/world-empty"
limited "$late" /dev/null world -o "$tmp/world-empty" --customers 400 --seed 4
[ "$got" -eq 1 ] && [ -z "$(ls -A "$tmp/world-empty")" ] ||
  fail "world -o into an empty directory left $(ls -A "$tmp/world-empty")"
limited "$late" /dev/null world -o "$tmp/world-created" --customers 400 --seed 4
[ "$got" -eq 1 ] && [ ! -e "$tmp/world-created" ] || fail "a failed world -o left the directory it created"

# Without a limit the new files replace the old ones, and nothing else remains.
"$CXM" world -o "$tmp/world" --customers 400 --seed 4 >/dev/null
diff -r "$tmp/world" "$tmp/world-new" >/dev/null && [ "$(ls -A "$tmp/world" | wc -l)" -eq 6 ] ||
  fail "world -o did not replace the files"

# A missing directory: exit 1 naming the file.
expect 1 '^$' "cxm predict: $tmp/none/p.csv: cannot create: No such file" -- \
  predict "$tmp/bg.json" "$summary" --horizon 39 -o "$tmp/none/p.csv"
expect 1 'P\(conversion\)' "cxm attribution: $tmp/none/a.json: cannot create: No such file" -- \
  attribution "$ex/paths.csv" -o "$tmp/none/a.json"

# ------------------------------------------------------------------ a real full disk
# As root, where a small tmpfs can be mounted: ENOSPC from the file system.
if [ "$(id -u)" -eq 0 ] && mkdir "$tmp/mnt" && mount -t tmpfs -o size=256k cxm-test "$tmp/mnt" 2>/dev/null; then
  trap 'umount "$tmp/mnt" 2>/dev/null; rm -rf "$tmp"' EXIT
  "$CXM" world -o "$tmp/mnt/w" --customers 100 --seed 3 >/dev/null || fail "world on tmpfs"
  cp -r "$tmp/mnt/w" "$tmp/mnt-before"
  "$CXM" world -o "$tmp/mnt/w" --customers 4000 --seed 3 >/dev/null 2>"$err"
  got=$?
  [ "$got" -eq 1 ] && grep -q 'cannot write: No space left on device' "$err" &&
    diff -r "$tmp/mnt/w" "$tmp/mnt-before" >/dev/null || fail "world on a full tmpfs: exit $got: $(cat "$err")"
  "$CXM" simulate "$tmp/bg.json" --customers 20000 --seed 1 --T 39 -o "$tmp/mnt/s.csv" 2>"$err"
  got=$?
  [ "$got" -eq 1 ] && grep -q "$tmp/mnt/s.csv: cannot write: No space left on device" "$err" &&
    [ "$(ls -A "$tmp/mnt")" = w ] || fail "simulate on a full tmpfs: exit $got: $(cat "$err"); $(ls -A "$tmp/mnt")"
  umount "$tmp/mnt"
  ok "a full tmpfs"
else
  echo "skip: a full tmpfs (needs root and mount)"
fi

finish
