#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Print the newest Debian 12 6.12 kernel version for which both the unsigned
# image and the headers can be installed (or are installed already).
set -eu
avail() {
	apt-cache search --names-only "^$1" 2>/dev/null | sed -n "s/^$1\([^ ]*\)$2 .*/\1/p"
	ls -d /lib/modules/6.12.*+deb12-amd64 2>/dev/null | sed 's|.*/||; s/-amd64$//'
}
img=$(avail 'linux-image-' '-amd64-unsigned' | sort -u)
hdr=$(avail 'linux-headers-' '-amd64' | sort -u)
ver=$(printf '%s\n' "$img" | grep -xF "$hdr" | grep '^6\.12\..*+deb12$' | sort -V | tail -n 1)
[ -n "$ver" ] || { echo "kver.sh: no installable 6.12.*+deb12-amd64 kernel found (run apt-get update?)" >&2; exit 1; }
echo "$ver-amd64"
