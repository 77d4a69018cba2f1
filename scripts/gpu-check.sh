#!/usr/bin/env bash
# The checks a GPU machine is for: correctness of every kernel family on its adapter, the tuner's
# table, and the benches whose targets are GPU figures (bench/RESULTS.md), each with its PyTorch
# peer where a python3 with torch is found. Each check has its own time limit, so a slow one
# cannot take the others' time, and writes its JSON and its log under $OUT (./gpu-check when OUT
# is not set). Name checks to run a subset: the limits add up to about 11 minutes, so on a machine
# lent for short commands run them in two, e.g.
#   bash scripts/gpu-check.sh selfcheck tune matmul conv
#   bash scripts/gpu-check.sh contrastive train-paper train-tiny
# The benches time the tuned kernel variants (NCL_TUNE unset): the classes of the paper step come
# from the cache the tune check writes; a bench tunes any other class it times first, within its
# own limit. The tiny step runs the defaults: its target is the per-step counters, which tuning
# does not change, and tuning its classes would take most of its limit.
set -u
cd "$(dirname "$0")/.."
out=${OUT:-gpu-check}
mkdir -p "$out"
ncl=(node bin/ncl.js)

# name → seconds and arguments of bin/ncl.js
declare -A limit=([selfcheck]=60 [tune]=150 [matmul]=60 [conv]=90 [contrastive]=120 [train-paper]=150 [train-tiny]=60)
declare -A args=(
  [selfcheck]='selfcheck --json'
  [tune]='tune --json --preset paper --batch-size 8 --input-size 512'
  [matmul]='bench matmul --json --sizes 2048,4096,4096x128'
  [conv]='bench conv --json --no-tfjs'
  [contrastive]='bench contrastive --json --no-tfjs --n 4096,16384,65536'
  [train-paper]='bench train --json --preset paper --batch-size 8 --input-size 512'
  [train-tiny]='bench train --json --preset tiny --batch-size 8 --no-profile'
)
# name → environment of the check, where it differs
declare -A env=([train-tiny]='NCL_TUNE=off')
order=(selfcheck tune matmul conv contrastive train-paper train-tiny)
names=("$@")
[ ${#names[@]} -eq 0 ] && names=("${order[@]}")
for name in "${names[@]}"; do
  if [ -z "${args[$name]:-}" ]; then
    echo "unknown check '$name'; the checks are ${order[*]}" >&2
    exit 2
  fi
done

nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv > "$out/gpu.csv" 2>&1
# The adapter as ncl sees it: features (timestamp-query, subgroups), limits, the kernel profile.
timeout 30 "${ncl[@]}" info --json > "$out/info.json" 2> "$out/info.log"
for name in "${names[@]}"; do
  start=$SECONDS
  # shellcheck disable=SC2086 # the environment and the arguments are words
  env ${env[$name]:-} timeout "${limit[$name]}" "${ncl[@]}" ${args[$name]} > "$out/$name.json" 2> "$out/$name.log"
  echo "$name: exit $? after $((SECONDS - start)) s"
done
