#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build the debug kernel from Debian's linux-source-6.12 package with
# tools/vm/debug-kernel.config, once per machine: the build is cached under
# $OSPREY_CACHE/debug-kernel/<source version>-<key>/ and reused while the
# source package, the fragment and the build recipe (RECIPE below; bump it
# when the way the kernel is built changes) stay the same.
#
#   tools/vm/debug-kernel.sh CACHE_DIR          builds if needed, prints the
#                                               build directory
#   tools/vm/debug-kernel.sh --if-built CACHE_DIR  prints it only if built
#
# The build directory holds the kernel build tree (KDIR for out-of-tree
# modules), arch/x86/boot/bzImage, and modroot/lib/modules/<release>/.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if_built=
if [ "$1" = --if-built ]; then
	if_built=1
	shift
fi
cache=$1
tarball=/usr/src/linux-source-6.12.tar.xz
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)
RECIPE=1
hash=$( (echo "recipe $RECIPE"; cat "$here/debug-kernel.config") | sha256sum | cut -c1-12)
out=$cache/debug-kernel/$srcver-$hash
src=$cache/debug-kernel/src-$srcver

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi
[ -z "$if_built" ] || exit 0

mkdir -p "$cache/debug-kernel"
if [ ! -f "$src/.unpacked" ]; then
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1
	touch "$src/.unpacked"
fi

rm -rf "$out"
mkdir -p "$out"
echo "debug-kernel: building $srcver with KASAN, lockdep and kmemleak" \
	"(about 20 minutes on 2 cores); log: $out/build.log" >&2
start=$(date +%s)
{
	make -C "$src" O="$out" defconfig kvm_guest.config
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" \
		"$here/debug-kernel.config"
	make -C "$src" O="$out" olddefconfig
	# Every option of the fragment must have survived olddefconfig.
	grep -E '^(CONFIG_[A-Z0-9_]+=.*|# CONFIG_[A-Z0-9_]+ is not set)$' \
		"$here/debug-kernel.config" | while read -r line; do
		grep -qxF "$line" "$out/.config" ||
			{ echo "debug-kernel: config lost: $line" >&2; exit 1; }
	done
	make -C "$src" O="$out" -j"$(nproc)" bzImage modules
	make -C "$src" O="$out" INSTALL_MOD_PATH="$out/modroot" modules_install
} > "$out/build.log" 2>&1 || {
	tail -n 40 "$out/build.log" >&2
	echo "debug-kernel: build failed, see $out/build.log" >&2
	exit 1
}
echo "$(($(date +%s) - start))" > "$out/build-seconds"
touch "$out/.done"
echo "$out"
