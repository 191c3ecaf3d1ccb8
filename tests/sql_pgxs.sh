#!/bin/sh
# The PostgreSQL extension built as a distribution builds it (docs/sql.md): PGXS
# (sql/Makefile.pgxs) against libcxm installed in a staging tree, found by pkg-config,
# then installed with DESTDIR where CREATE EXTENSION looks: the module, its control file
# and its script, the module linked to libcxm.so.0.
set -eu
pg_config=${PG_BINDIR:+$PG_BINDIR/pg_config}
if [ -z "$pg_config" ] || [ ! -x "$pg_config" ]; then
  pg_config=$(command -v pg_config || true)
fi
if [ -z "$pg_config" ] || [ ! -f "$($pg_config --includedir-server)/postgres.h" ]; then
  echo "SKIP: pg_config and PostgreSQL's server headers are not installed"
  exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The library, its headers and libcxm.pc only: what libcxm-dev holds.
make -s -C "$top_builddir" DESTDIR="$tmp/root" install-libLTLIBRARIES install-includeHEADERS \
  install-cxmincludeHEADERS install-nodist_cxmincludeHEADERS install-pkgconfigDATA >/dev/null
pc=$(find "$tmp/root" -name libcxm.pc)
mkdir "$tmp/src"
for f in cxm_pg.c cxm_sql.c cxm_sql.h cxm.sql cxm.control.in Makefile.pgxs; do
  cp "$top_srcdir/sql/$f" "$tmp/src/"
done
export PKG_CONFIG_PATH="$(dirname "$pc")" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
make -s -C "$tmp/src" -f Makefile.pgxs PG_CONFIG="$pg_config" >"$tmp/build.log" 2>&1 ||
  { cat "$tmp/build.log"; exit 1; }
make -s -C "$tmp/src" -f Makefile.pgxs PG_CONFIG="$pg_config" DESTDIR="$tmp/pg" install \
  >>"$tmp/build.log" 2>&1 || { cat "$tmp/build.log"; exit 1; }
version=$(pkg-config --modversion libcxm)
module="$tmp/pg$($pg_config --pkglibdir)/cxm.so"
extension="$tmp/pg$($pg_config --sharedir)/extension"
for f in "$module" "$extension/cxm.control" "$extension/cxm--$version.sql"; do
  [ -f "$f" ] || { echo "FAIL: $f was not installed"; ls -R "$tmp/pg"; exit 1; }
done
grep -q "default_version = '$version'" "$extension/cxm.control" ||
  { echo "FAIL: cxm.control does not name version $version"; cat "$extension/cxm.control"; exit 1; }
readelf -d "$module" | grep -q 'NEEDED.*libcxm\.so\.0' ||
  { echo "FAIL: cxm.so is not linked to libcxm.so.0"; readelf -d "$module"; exit 1; }
for symbol in cxm_p_alive_pg cxm_bgnbd_fit_final cxm_rfm_final Pg_magic_func; do
  nm -D --defined-only "$module" | grep -q " $symbol\$" ||
    { echo "FAIL: cxm.so does not export $symbol"; exit 1; }
done
echo "PASS: PGXS build of the extension against the staged libcxm $version"
