#!/usr/bin/env bash
# Makes sure ncl finds a WebGPU adapter. With a GPU (Vulkan, Metal, D3D12) nothing is needed.
# Without one, ncl runs on Mesa llvmpipe through Dawn's OpenGL backend, which needs Mesa's EGL
# and GL drivers: installed here with apt-get when running as root on Debian/Ubuntu, otherwise
# the exact command is printed.
set -u
cd "$(dirname "$0")/.."
packages="libegl1 libegl-mesa0 libgl1-mesa-dri"

probe() { node bin/ncl.js info --json >/dev/null 2>&1; }

if probe; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ncl: no WebGPU adapter found; installing Mesa for the CPU fallback: $packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq $packages >/dev/null
  if probe; then
    echo "ncl: WebGPU adapter ready (Mesa llvmpipe via Dawn's OpenGL backend)"
    exit 0
  fi
fi
echo "ncl: no WebGPU adapter found." >&2
echo "  Without a GPU, install Mesa (Debian/Ubuntu):  sudo apt-get install -y $packages" >&2
echo "  With a GPU, install its driver and the Vulkan loader (libvulkan1)." >&2
node bin/ncl.js info >&2 || true
exit 1
