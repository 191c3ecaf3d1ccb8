#!/bin/sh
# One argument order for every public function (docs/libcxm.3, CONVENTIONS):
#
#   1. the outputs: the pointers the function writes its results through
#      (T **out, double *out, double *dst followed by its length size_t n);
#   2. the handle the function acts on: the opaque type its name starts with
#      (const cxm_model *model for cxm_model_*), when it takes one;
#   3. the inputs.
#
# This reads every CXM_API declaration of the public headers (as
# scripts/exports.sh, which makes the version script, finds them) and names
# each function that breaks the rule. A parameter is an output when it is a
# pointer through which the function may write: not const, not a handle (a
# handle it changes is the object it acts on), not a FILE * or a void *
# (a stream and user data are given by the caller). size_t parameters right
# after the outputs are their lengths.
#
#   tests/conventions.sh [HEADER...]   (default: include/cxm.h include/cxm/*.h)
#
# It first checks itself on a sample header with each kind of mistake, so
# that a parser broken by a new declaration style cannot pass everything.
set -eu
top=${top_srcdir:-.}
if [ $# -eq 0 ]; then
  set -- "$top"/include/cxm.h "$top"/include/cxm/*.h
fi

# "name: why" per function breaking the rule, then "count N".
offenders() {
  # The opaque handles: "typedef struct cxm_x cxm_x;" with no body.
  handles=$(cat "$@" | sed -n 's/^typedef struct \(cxm_[a-z0-9_]*\) \1;.*/\1/p' | sort -u | tr '\n' ' ')
  sh "$top/scripts/exports.sh" decls "$@" | awk -v handles="$handles" '
  BEGIN { nh = split(handles, handle, " ") }
  { count++; check(substr($0, index($0, " ") + 1)) }
  function trim(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); gsub(/[ \t]+/, " ", s); return s }
  function is_handle(type,   i) {
    for (i = 1; i <= nh; i++) if (type == handle[i]) return 1
    return 0
  }
  # The handle a function acts on: the longest handle its name starts with.
  function object_of(name,   i, best) {
    best = ""
    for (i = 1; i <= nh; i++)
      if (index(name "_", handle[i] "_") == 1 && length(handle[i]) > length(best)) best = handle[i]
    return best
  }
  function kind(param,   base, stars, t) {
    t = param
    stars = gsub(/\*/, " * ", t)
    t = trim(t)
    if (stars == 0) return "value"
    if (t ~ /^const /) { sub(/^const /, "", t); split(t, base, " ")
      return is_handle(base[1]) && stars == 1 ? "handle" : "input" }
    split(t, base, " ")
    if (stars == 1 && is_handle(base[1])) return "handle"
    if (base[1] == "FILE" || base[1] == "void") return "input"
    return "output"
  }
  function check(decl,   head, args, n, p, i, name, words, nw, object, k, stage, why, pname, ptype) {
    head = substr(decl, 1, index(decl, "(") - 1)
    nw = split(head, words, /[^A-Za-z0-9_]+/)
    name = words[nw]; if (name == "") name = words[nw - 1]
    args = substr(decl, index(decl, "(") + 1)
    sub(/\)[^)]*$/, "", args)
    args = trim(args)
    if (args == "void" || args == "") return
    n = split(args, p, ",")
    object = object_of(name)
    # stage 0: outputs and their lengths; 1: the object; 2: inputs.
    stage = 0; why = ""; last = ""; prev = ""
    for (i = 1; i <= n && why == ""; i++) {
      p[i] = trim(p[i])
      pname = p[i]; sub(/.*[^A-Za-z0-9_]/, "", pname)
      ptype = p[i]; sub(/[A-Za-z0-9_]+$/, "", ptype); ptype = trim(ptype)
      k = kind(ptype)
      if ((pname == "out" || pname ~ /^dst/ || pname ~ /_dst$/) && k != "output" && k != "handle" && k != "value")
        why = "parameter " pname " is named as an output but is not a writable pointer"
      else if (k == "output") {
        if (stage > 0) why = "output " pname " comes after " prev
      } else if (stage == 0 && k == "value" && i > 1 && ptype == "size_t" && last == "length") {
        # a length of the outputs
      } else if (k == "handle" && stage < 2 && base_of(ptype) == object) {
        stage = 1
      } else {
        if (object != "" && stage == 0 && has_object(p, n, object))
          why = "the handle " object " must come right after the outputs, before " pname
        stage = 2
      }
      last = (k == "output" || (last == "length" && ptype == "size_t")) ? "length" : ""
      prev = pname
    }
    if (why != "") printf "%s: %s\n", name, why
  }
  function base_of(type,   t, w) {
    t = type; gsub(/\*/, " ", t); gsub(/(^| )const( |$)/, " ", t); t = trim(t)
    split(t, w, " "); return w[1]
  }
  function has_object(p, n, object,   j, t) {
    for (j = 1; j <= n; j++) {
      t = trim(p[j]); sub(/[A-Za-z0-9_]+$/, "", t); t = trim(t)
      if (kind(t) == "handle" && base_of(t) == object) return 1
    }
    return 0
  }
  END { print "count", count + 0 }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sample.h" <<'SAMPLE'
typedef struct cxm_thing cxm_thing;
typedef struct cxm_thing_part cxm_thing_part;
#define CXM_API __attribute__((visibility("default")))
/** CXM_API in a comment is no declaration (f(x, y); */
CXM_API int cxm_thing_good(double *dst, size_t n, const cxm_thing *thing, const double *x);
CXM_API int cxm_thing_create(cxm_thing **out, const char *name,
                             size_t n);
CXM_API int cxm_thing_add(cxm_thing *thing, const double *x, size_t n);
CXM_API int cxm_thing_write(const cxm_thing *thing, FILE *stream, void *user_data);
CXM_API int cxm_thing_merge(cxm_thing *dst, const cxm_thing *src);
CXM_API int cxm_thing_part_get(double *out, const cxm_thing_part *part, const cxm_thing *thing);
CXM_API void cxm_nothing(void);
CXM_API int cxm_thing_late(const cxm_thing *thing,
                           double *dst, size_t n);
CXM_API int cxm_thing_after_input(double *out, const char *name, const cxm_thing *thing);
CXM_API int cxm_thing_named(const double *out, const cxm_thing *thing);
CXM_API int cxm_thing_json(const cxm_thing *thing, char **json);
CXM_API int cxm_free_thing(double *a, const double *b, size_t *c);
SAMPLE
cat >"$tmp/expected" <<'EXPECTED'
cxm_thing_late: output dst comes after thing
cxm_thing_after_input: the handle cxm_thing must come right after the outputs, before name
cxm_thing_named: parameter out is named as an output but is not a writable pointer
cxm_thing_json: output json comes after thing
cxm_free_thing: output c comes after b
count 12
EXPECTED
offenders "$tmp/sample.h" >"$tmp/got"
if ! diff -u "$tmp/expected" "$tmp/got"; then
  echo "conventions: the checker misreads its sample header (above: - expected, + got)"
  exit 1
fi

out=$(offenders "$@")
count=$(echo "$out" | sed -n 's/^count //p')
[ "$count" -gt 0 ] || { echo "conventions: no CXM_API declaration found in $*"; exit 1; }
bad=$(echo "$out" | grep -v '^count ' || true)

if [ -n "$bad" ]; then
  echo "$bad" | sed 's/^/conventions: /'
  echo "conventions: $(echo "$bad" | wc -l) of $count public functions break the argument order of docs/libcxm.3:"
  echo "             outputs first, then the handle the function acts on, then the inputs"
  exit 1
fi
echo "conventions: the $count public functions put outputs first, then their handle, then inputs"
