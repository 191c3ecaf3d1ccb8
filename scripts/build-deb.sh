#!/bin/sh
# Build the Debian packages from the committed tree (git archive) in a
# scratch directory, so that the working tree stays clean.
# usage: scripts/build-deb.sh [OUTDIR]    (default: _deb)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/_deb}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out" "$work/libcxm"
(cd "$top" && git archive --format=tar HEAD) | tar -x -C "$work/libcxm"
cd "$work/libcxm"
dpkg-checkbuilddeps
dpkg-buildpackage -us -uc -b
cp ../*.deb ../*.buildinfo ../*.changes "$out"/
echo "packages in $out:"
ls "$out"/*.deb
lintian --fail-on error "$out"/*.changes
