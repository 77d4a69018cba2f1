#!/usr/bin/env bash
# Makes sure ncl finds a WebGPU adapter. With a GPU (Vulkan, Metal, D3D12) nothing is needed.
# Without one, ncl runs on Mesa llvmpipe through Dawn's OpenGL backend, which needs Mesa's EGL
# and GL drivers: installed here with apt-get when running as root on Debian/Ubuntu, otherwise
# the exact command is printed.
# With --browser (before the tests) it also makes sure of headless Chromium, the second test
# adapter (WebGPU on SwiftShader), the same way; without it the browser half of the tests says it
# did not run.
set -u
cd "$(dirname "$0")/.."
packages="libegl1 libegl-mesa0 libgl1-mesa-dri"
can_apt() { [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; }
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

ensure_adapter() {
  probe() { node bin/ncl.js info --json >/dev/null 2>&1; }
  probe && return 0
  if can_apt; then
    echo "ncl: no WebGPU adapter found; installing Mesa for the CPU fallback: $packages"
    apt_install $packages
    if probe; then
      echo "ncl: WebGPU adapter ready (Mesa llvmpipe via Dawn's OpenGL backend)"
      return 0
    fi
  fi
  echo "ncl: no WebGPU adapter found." >&2
  echo "  Without a GPU, install Mesa (Debian/Ubuntu):  sudo apt-get install -y $packages" >&2
  echo "  With a GPU, install its driver and the Vulkan loader (libvulkan1)." >&2
  node bin/ncl.js info >&2 || true
  return 1
}

ensure_browser() {
  command -v chromium >/dev/null 2>&1 && return 0
  [ -n "${CHROMIUM:-}" ] && return 0
  if can_apt; then
    echo "ncl: installing Chromium for the browser test adapter (WebGPU on SwiftShader)"
    apt_install chromium && return 0
  fi
  echo "ncl: no chromium for the browser test adapter; Debian/Ubuntu: sudo apt-get install -y chromium" >&2
}

ensure_adapter || exit 1
[ "${1:-}" = "--browser" ] && ensure_browser
exit 0
