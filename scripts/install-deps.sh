#!/bin/sh
# Install the Debian 12 packages libcxm needs to build, test and demo.
# Safe to run again: it only installs what is missing.
set -eu
packages="build-essential autoconf automake libtool autoconf-archive pkgconf check
  libcjson-dev swig python3 python3-dev python3-numpy python3-pandas python3-matplotlib
  python3-mpmath python3-scipy liblua5.4-dev lua5.4 abigail-tools valgrind clang libclang-rt-14-dev
  doxygen mandoc
  python3-dask python3-distributed mypy"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root to install:$missing" >&2; exit 1; }
  SUDO=sudo
else
  SUDO=
fi
echo "install-deps: installing$missing"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
