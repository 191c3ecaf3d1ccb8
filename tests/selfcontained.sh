#!/bin/sh
# The repository stands alone: no file in it may cite the project's notes
# that live outside it (the models, design and build-notes documents next to
# the source tree) or a machine's absolute path to them. What the code
# implements and where it comes from is in docs/models.md: cite its sections.
#
# Files scanned: in a git checkout, the tracked and the untracked but not
# ignored files (build products are ignored); in an unpacked tarball, every
# text file outside build directories and test logs.
set -u
top=${top_srcdir:-.}
# Built from pieces so that this script never matches itself.
notes='\(MODELS\|DESIGN\|BUILD-NOTES\)[.]md'
shared='/work''/shared'
pattern="$notes\\|$shared"
self=selfcontained.sh

out=$(mktemp)
trap 'rm -f "$out"' EXIT

here=$(cd "$top" && pwd -P)
root=
if command -v git >/dev/null 2>&1; then
  root=$(git -C "$top" rev-parse --show-toplevel 2>/dev/null) || root=
  [ -n "$root" ] && root=$(cd "$root" && pwd -P)
fi

if [ -n "$root" ] && [ "$root" = "$here" ]; then
  how="git ls-files"
  (cd "$top" && git ls-files -z --cached --others --exclude-standard |
    grep -zv "/$self\$" |
    xargs -0 -r grep -sIn -e "$pattern" --) >"$out"
else
  how="the source tree"
  grep -rsIn --exclude-dir=.git --exclude-dir=_build --exclude-dir='_build-*' \
    --exclude-dir=autom4te.cache --exclude='*.log' --exclude='*.trs' --exclude="$self" \
    -e "$pattern" "$top" >"$out"
fi

if [ -s "$out" ]; then
  echo "selfcontained: these lines cite documents outside the repository"
  echo "(cite docs/models.md sections instead; data outside the tree is found"
  echo "relative to \$top_srcdir/../shared/data with an environment override):"
  cat "$out"
  exit 1
fi
echo "selfcontained: no file cites a document outside the repository (scanned $how)"
