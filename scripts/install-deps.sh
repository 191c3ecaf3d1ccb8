#!/bin/sh
# Install the Debian 12 packages libcxm needs to build, test and demo.
# Safe to run again: it only installs what is missing. When another apt or
# dpkg holds the package lock (unattended-upgrades on a fresh machine), it
# waits for it, up to 10 minutes, instead of failing.
set -eu
packages="build-essential autoconf automake libtool autoconf-archive pkgconf check
  libcjson-dev swig python3 python3-dev python3-numpy python3-pandas python3-matplotlib
  python3-mpmath python3-scipy liblua5.4-dev lua5.4 abigail-tools valgrind clang libclang-rt-14-dev
  doxygen mandoc
  python3-dask python3-distributed mypy
  postgresql-15 postgresql-server-dev-15 sqlite3 libsqlite3-dev"

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
timeout=${CXM_APT_LOCK_TIMEOUT:-600}
# apt-get install waits this long (seconds) for the dpkg lock (apt >= 1.9.11, Debian 11
# and later)...
wait_for_lock="-o DPkg::Lock::Timeout=$timeout"

# ... but apt-get update does not wait for the lock of the package lists (apt 2.6 fails at
# once): try again every 5 seconds while that lock is what stops it.
update() {
  waited=0
  while ! out=$($SUDO apt-get $wait_for_lock update -q 2>&1); do
    case $out in
      *"Could not get lock"*|*"Unable to lock"*) ;;
      *) printf '%s\n' "$out" >&2; return 1 ;;
    esac
    if [ "$waited" -ge "$timeout" ]; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    [ "$waited" -eq 0 ] && echo "install-deps: another apt is running; waiting up to ${timeout}s for it"
    sleep 5
    waited=$((waited + 5))
  done
  printf '%s\n' "$out"
}

echo "install-deps: installing$missing"
update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get $wait_for_lock install -y -q --no-install-recommends \
  $missing
