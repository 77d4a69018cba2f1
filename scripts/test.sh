#!/usr/bin/env bash
# The test suite on two WebGPU adapters: every test on this machine's adapter through Dawn (a GPU,
# or Mesa llvmpipe), then the engine's kernel, op and NCL-op tests in headless Chromium on
# SwiftShader (the WGSL→SPIR-V path, test/browser/run.ts). Both always run; the exit status is
# non-zero if either failed. Buffers are poisoned with NaN (NCL_POISON=1) so unwritten outputs show.
set -u
cd "$(dirname "$0")/.."
log=$(mktemp)
NCL_POISON=1 npx uvu -r tsx test '\.test\.ts$' 2>&1 | tee "$log"
node_status=${PIPESTATUS[0]}
plain=$(sed 's/\x1b\[[0-9;]*m//g' "$log")
rm -f "$log"
passed=$(printf '%s\n' "$plain" | awk '/^ *Passed:/ {s += $2} END {print s + 0}')
total=$(printf '%s\n' "$plain" | awk '/^ *Total:/ {s += $2} END {print s + 0}')
echo "node adapter: $passed passed, $((total - passed)) failed"
echo
node --import tsx test/browser/run.ts
browser_status=$?
exit $((node_status || browser_status))
