# SPDX-License-Identifier: GPL-2.0-only
#
# The display act of `make run`: a fragment of the guest's plan (vm.py
# appends it; it runs in /init's busybox shell, with /init's helpers).
#
# The host's root, read-only, is the userspace of the act: the guest chroots
# into it for libdrm's modetest and Mesa's kmscube, which are far too big
# for the initramfs. Screenshots come from QEMU's monitor through the host
# share (tools/vm/screenshot); vm.py copies them to build/ and checks them.
# Set by vm.py: DISPLAY_DRIVER (the DRM driver's name), KMSCUBE_FRAMES.

HOST=/host

# in_host CMD...: run a host program in the host's root.
in_host() {
	chroot "$HOST" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp \
		XDG_RUNTIME_DIR=/tmp "$@"
}

# display_card: the primary node (/dev/dri/cardN) of the first DRM device
# whose driver is $DISPLAY_DRIVER.
display_card() {
	for c in /sys/class/drm/card*; do
		case ${c##*/} in
		*-*) continue ;;
		esac
		drv=$(readlink "$c/device/driver")
		if [ "${drv##*/}" = "$DISPLAY_DRIVER" ]; then
			echo "/dev/dri/${c##*/}"
			return 0
		fi
	done
	echo "no DRM device of the $DISPLAY_DRIVER driver" >&2
	return 1
}

# wait_for FILE PATTERN PID SECONDS: wait until FILE holds PATTERN (an
# extended regular expression) while process PID lives.
wait_for() {
	n=0
	while ! grep -qE "$2" "$1"; do
		kill -0 "$3" 2>/dev/null || return 1
		n=$((n + 1))
		[ $n -gt $(($4 * 10)) ] && return 1
		sleep 0.1
	done
}

display_enter() {
	host_root "$HOST" || return 1
	card=$(display_card) || return 1
	echo "the host's root is mounted read-only at $HOST; the display is $card"
	in_host /usr/bin/modetest -M "$DISPLAY_DRIVER" -c | sed -n '/^Connectors:/,/^CRTCs:/p' |
		grep -E '^(id|[0-9])'
}

# display_modetest: modetest's test pattern at 1024x768 on the first
# connected connector, through a CRTC its encoder can drive; screenshot
# run-modetest.png while the pattern is up, then Enter ends modetest.
display_modetest() {
	in_host /usr/bin/modetest -M "$DISPLAY_DRIVER" > /tmp/modetest.info 2>&1 || {
		cat /tmp/modetest.info
		return 1
	}
	# Sections: Encoders (id crtc type possible_crtcs clones), Connectors
	# (id encoder status name size modes encoders...), CRTCs (id fb pos size).
	# shellcheck disable=SC2046
	set -- $(awk '
		/^Encoders:/ { s = "enc"; next }
		/^Connectors:/ { s = "conn"; next }
		/^CRTCs:/ { s = "crtc"; next }
		/^Planes:/ { s = ""; next }
		!/^[0-9]/ { next }
		s == "enc" { mask[$1] = $4 }
		s == "conn" && $3 == "connected" && conn == "" { conn = $1; enc = $7 }
		s == "crtc" { crtc[n++] = $1 }
		END {
			sub(/,$/, "", enc)
			m = mask[enc]; sub(/^0x/, "", m); v = 0
			for (i = 1; i <= length(m); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(m, i, 1))) - 1
			for (i = 0; i < n && v % 2 == 0; i++)
				v = int(v / 2)
			if (conn != "" && i < n)
				print conn, crtc[i]
		}' /tmp/modetest.info)
	if [ $# -ne 2 ]; then
		echo "no connected connector with a usable CRTC:"
		cat /tmp/modetest.info
		return 1
	fi
	echo "connector $1, CRTC $2"
	echo "\$ modetest -M $DISPLAY_DRIVER -s $1@$2:1024x768"
	rm -f /tmp/modetest.in
	mkfifo /tmp/modetest.in
	in_host /usr/bin/stdbuf -oL /usr/bin/modetest -M "$DISPLAY_DRIVER" \
		-s "$1@$2:1024x768" < /tmp/modetest.in > /tmp/modetest.out 2>&1 &
	pid=$!
	# Opening the fifo for writing lets modetest's stdin open; Enter later.
	exec 5> /tmp/modetest.in
	ok=0
	if wait_for /tmp/modetest.out "^setting mode" $pid 60; then
		# The cable presents within 1/monitor_hz s of the latch.
		sleep 1
		screenshot run-modetest png && ok=1
	else
		echo "modetest did not set the mode"
	fi
	echo >&5
	exec 5>&-
	wait $pid
	rc=$?
	cat /tmp/modetest.out
	[ $ok = 1 ] && return $rc
	return 1
}

# display_kmscube: Mesa's kmscube (GBM, software rendering) for
# $KMSCUBE_FRAMES frames at 1024x768; screenshots run-kmscube.png and, a
# second later, run-kmscube-2.png, both while it renders (it reports its
# frame rate every 2 s; the first report of a frame drawn is the cue).
display_kmscube() {
	card=$(display_card) || return 1
	echo "\$ kmscube -D $card -v 1024x768 -c $KMSCUBE_FRAMES"
	# kmscube stops at any input: its stdin is a fifo nobody writes to.
	rm -f /tmp/kmscube.in
	mkfifo /tmp/kmscube.in
	in_host /usr/bin/stdbuf -oL /usr/bin/env GBM_ALWAYS_SOFTWARE=1 \
		LIBGL_ALWAYS_SOFTWARE=1 MESA_SHADER_CACHE_DISABLE=true \
		/usr/bin/kmscube -D "$card" -v 1024x768 -c "$KMSCUBE_FRAMES" \
		< /tmp/kmscube.in > /tmp/kmscube.out 2>&1 &
	pid=$!
	exec 5> /tmp/kmscube.in
	start=$(date +%s)
	ok=0
	if wait_for /tmp/kmscube.out "^Rendered [1-9]" $pid 300; then
		screenshot run-kmscube png && sleep 1 && screenshot run-kmscube-2 png && ok=1
		if kill -0 $pid 2>/dev/null; then
			echo "kmscube was still rendering after the screenshots"
		else
			echo "kmscube ended before the second screenshot was taken"
			ok=0
		fi
	else
		echo "kmscube did not start rendering"
	fi
	wait $pid
	rc=$?
	exec 5>&-
	echo "kmscube ran for $(($(date +%s) - start)) s"
	grep -v 'extensions:' /tmp/kmscube.out
	[ $ok = 1 ] && return $rc
	return 1
}

display_leave() {
	host_root_exit "$HOST"
}
