#!/usr/bin/env bash
# The runs whose outputs bench/digest.py compares, with the code in CODE_DIR:
#   bench/digest_runs.sh CODE_DIR OUT_ROOT      (PY: the python to use, default .venv/bin/python)
# e.g. git worktree add /tmp/base HEAD --detach
#      bench/digest_runs.sh /tmp/base /tmp/d/base > base.txt
#      bench/digest_runs.sh . /tmp/d/new > new.txt; diff base.txt new.txt
# Runs from CODE_DIR (samples/, examples/ are its own); OUT_ROOT must not hold earlier outputs
# (a re-run skips documents already done). Prints each run's summary and wall time on stderr.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
code=$(cd "$1" && pwd); root=$(mkdir -p "$2" && cd "$2" && pwd)
PY=${PY:-$here/.venv/bin/python}; case $PY in /*|"${PY##*/}") ;; *) PY=$PWD/$PY ;; esac
data=${DATA:-/work/shared/data}
# cli.main() with CODE_DIR's code only: extractors/ is a namespace package, so without this an
# editable install of another tree (the venv's) would add that tree's extractors/ to its path
main='import os, sys
sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in repr(f)]
sys.path[:] = [p for p in sys.path if "__editable__" not in p]
import cli, extractors
code = os.environ["PYTHONPATH"]
assert all(p.startswith(code + "/") for p in extractors.__path__), list(extractors.__path__)
sys.argv[0] = "extract"; cli.main()'
run() {   # OUT ARGS...
  local out=$root/$1 t0=$EPOCHREALTIME; shift
  (cd "$code" && PYTHONPATH="$code" "$PY" -c "$main" run "$@" --out "$out" --quiet) >&2
  awk "BEGIN { printf \"%s: %.1f s\\n\", \"$out\", $EPOCHREALTIME - $t0 }" >&2
  outs+=("$out")
}
outs=()
for s in utility_bill invoice insurance_claim utility_statement; do
  run samples/$s samples/$s --schema $s
done
run adbuy "$data/adbuy-dev" --schema examples/adbuy.py
run zugferd "$data/zugferd" --schema invoice
run invoice2data "$data/invoice2data" --schema invoice
"$PY" "$here/bench/digest.py" "${outs[@]}"
