#!/bin/sh
# Build the libFuzzer targets (fuzz/fuzz_*.c) with clang,
# AddressSanitizer and UndefinedBehaviorSanitizer, and run each for SECONDS
# (default 60) in one process, one core.
#
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR]        (or: make fuzz FUZZ_SECONDS=600)
#
# BUILD_DIR is a configured build tree (default _build) for config.h and
# cxm/version.h. Work files go to BUILD_DIR/fuzz: the growing corpora
# (corpus-csv/, corpus-rfm/, seeded from fuzz/corpus/), the logs and any
# crash artifacts. Exit status 1 when a target found a problem.
# FUZZ_TARGETS="csv rfm json paths cli" (the default) chooses the targets.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
build=$(cd "${2:-$top/_build}" && pwd)
out="$build/fuzz"
clang=${CLANG:-clang}
targets=${FUZZ_TARGETS:-csv rfm json paths cli}
mkdir -p "$out"
[ -f "$build/config.h" ] || { echo "fuzz: $build is not a configured build tree" >&2; exit 2; }

cflags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
includes="-I$build -I$build/include -I$top/include -I$top/lib"
io_sources="$top/lib/core/error.c $top/lib/core/alloc.c $top/lib/core/version.c $top/lib/core/hash.c
  $top/lib/core/file.c $top/lib/core/options.c $top/lib/core/pipeline.c $top/lib/io/csv.c
  $top/lib/io/date.c $top/lib/io/number.c $top/lib/io/io.c $(ls "$top"/lib/io/rfm*.c)"
for target in $targets; do
  echo "fuzz: building fuzz_$target"
  case $target in
    json | paths) # these reach most of the library
      sources=$(ls "$top"/lib/*/*.c)
      libs="$(pkg-config --libs libcjson) -lm" ;;
    cli) # the cxm program without its main()
      sources="$(ls "$top"/lib/*/*.c) $(ls "$top"/tools/*.c | grep -v '/cxm\.c$')"
      libs="$(pkg-config --libs libcjson) -lm" ;;
    *) sources=$io_sources
      libs=-lm ;;
  esac
  # shellcheck disable=SC2086
  $clang $cflags $includes -I"$top/tools" $(pkg-config --cflags libcjson) -pthread -o "$out/fuzz_$target" \
    "$top/fuzz/fuzz_$target.c" $sources $libs
done

status=0
for target in $targets; do
  mkdir -p "$out/corpus-$target"
  echo "fuzz: running fuzz_$target for $seconds s (log: $out/fuzz_$target.log)"
  # The CLI target prints usage messages by the thousand: close its stdout
  # and stderr (libFuzzer keeps its own reports).
  quiet=
  [ "$target" = cli ] && quiet=-close_fd_mask=3
  if (cd "$out" && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "./fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 $quiet \
      -dict="$top/fuzz/$target.dict" -artifact_prefix="$out/$target-" -print_final_stats=1 \
      "corpus-$target" "$top/fuzz/corpus/$target" >"fuzz_$target.log" 2>&1); then
    grep -E '^(#[0-9]+.*DONE|stat::number_of_executed_units|stat::new_units_added)' "$out/fuzz_$target.log" | sed 's/^/  /'
  else
    echo "fuzz: fuzz_$target FOUND A PROBLEM; see $out/fuzz_$target.log and $out/$target-*"
    tail -40 "$out/fuzz_$target.log"
    status=1
  fi
done
exit "$status"
