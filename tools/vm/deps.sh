#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Install everything Osprey needs to build, lint and test, with apt.
# Idempotent: does nothing when every package is already installed.
#
#   tools/vm/deps.sh [KVER]
#
# KVER defaults to the newest 6.12.*+deb12-amd64 kernel whose unsigned image
# and headers can both be installed.
set -eu
here=$(dirname "$0")

packages() {
	echo "linux-image-$1-unsigned linux-headers-$1 linux-source-6.12"
	echo "qemu-system-x86 busybox-static cpio xz-utils kmod"
	echo "gcc g++ make libc6-dev pkg-config libdrm-dev sparse python3"
	echo "bc bison flex libelf-dev libssl-dev"
	# The coredump parser's fuzz target: clang and its libFuzzer runtime.
	echo "clang libclang-rt-14-dev"
	# make run's display act, run in the guest from the host's root:
	# libdrm's modetest, and kmscube with Mesa's GBM, EGL and its software
	# (kms_swrast, llvmpipe) DRI driver.
	echo "libdrm-tests kmscube libgbm1 libegl1 libegl-mesa0 libgles2 libgl1-mesa-dri"
}

missing() {
	for p in $(packages "$1"); do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || echo "$p"
	done
}

kver=${1:-}
if [ -z "$kver" ]; then
	kver=$("$here/kver.sh" 2>/dev/null || true)
fi
if [ -n "$kver" ] && [ -z "$(missing "$kver")" ]; then
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	sudo=sudo
else
	sudo=
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
[ -n "$kver" ] || kver=$("$here/kver.sh")
echo "deps: installing for kernel $kver: $(missing "$kver" | tr '\n' ' ')"
# shellcheck disable=SC2046
$sudo apt-get install -y -qq --no-install-recommends $(missing "$kver") >/dev/null
echo "deps: done"
