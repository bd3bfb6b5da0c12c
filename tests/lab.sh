#!/bin/bash
# tests/lab.sh: the veth lab (a small office in three network namespaces).
#
#   LAN host ─ eth0 ══ lan [ box: forwarder ] wan ══ eth0 ─ router + "internet"
#   utm-ID-lan                utm-ID-box                   utm-ID-wan
#
# LAN host (utm-ID-lan): eth0 10.99.0.10/24 fd99::10/64 (MAC 02:99:00:00:00:10),
#   eth0.100 10.99.100.10/24, default routes via 10.99.0.1 / fd99::1.
# Box (utm-ID-box): ports `lan` and `wan`, no addresses, IPv6 off (a pure bridge).
#   LAB_FORWARDER=utm    our XDP bridge: build/utm-load (the default)
#                 bridge Linux bridge br0 (reference for benchmarks, lab self-test)
#                 none   nothing forwards (tests must then fail)
#   LAB_QUEUES=N          rx/tx queues of every veth pair (default 1)
# WAN (utm-ID-wan): eth0 10.99.0.1/24 fd99::1/64 (MAC 02:99:00:00:00:01; the
#   office gateway, same L2 segment as the LAN host through the box), eth0.100
#   10.99.100.1/24, forwarding on, and inet0 holding "the internet":
#   198.51.100.10/24 web (HTTP :80 on it and on 2001:db8:100::10, serving
#   big.bin, 8 MiB random, and big.bin.sha256), 198.51.100.53 DNS (dnsmasq:
#   www.example.test, bad.example.test), 198.51.100.200, 203.0.113.66,
#   203.0.113.67, 2001:db8:bad::66, 2001:db8:bad:1::5.
#
# What the test kernel lacks, and what stands in for it:
# - no 8021q: eth0.100 is a veth leg tied to eth0 by tc BPF programs that
#   push/pop tag 100 (tests/lab-vlan.bpf.c); on the wire the frames are
#   ordinary 802.1Q frames. Capture tagged frames on eth0 or the box's ports.
# - no dummy driver: inet0 is a veth whose peer (inet0-end) is unused.
# The hosts' eth0 have tx checksumming and tx-vlan offload off, so frames on
# the veth are complete as on a real wire (see lab__make_host: with
# CHECKSUM_PARTIAL, TCP through an XDP redirect arrives with bad checksums).
#
# Library:  source tests/lab.sh; lab_require; lab_up; lab_lan ping ...; (lab_down
#           runs from the EXIT trap lab_up installs; add own cleanup with lab_defer)
#           lab_lan/lab_wan/lab_box CMD...; lab_start_utm [ARGS] / lab_stop_utm
#           [--keep-attached] / lab_restart_utm [--detach] [ARGS]; lab_attach ID.
#           Variables: LAB_ID LAB_RUN LAB_NS_LAN/BOX/WAN LAB_PIN_ROOT LAB_BUILD
#           LAB_UTM_PID and the address constants below (LAB_LAN_IP4, ...).
# CLI:      tests/lab.sh up               prints the run id, keeps the lab
#           tests/lab.sh down ID          tears it down
#           tests/lab.sh exec ID lan|box|wan CMD...
#           tests/lab.sh list             labs on this machine
#           tests/lab.sh gc               removes labs whose owning shell died
#
# Every name carries a random run id, so labs never collide; everything a lab
# creates (namespaces, run dir, pin root, processes) is removed by lab_down.
#
# Settings (environment): LAB_FORWARDER, LAB_BUILD (default <repo>/build),
# LAB_UTM_ARGS (extra utm-load arguments; relative paths are relative to the
# repository root), LAB_QUIET=1, LAB_ARTIFACTS (directory: logs are copied
# there when the lab ends with a failure).

LAB_REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Fixed addresses, exported for tests.
LAB_LAN_IP4=10.99.0.10
LAB_LAN_IP6=fd99::10
LAB_LAN_VLAN_IP4=10.99.100.10
LAB_GW_IP4=10.99.0.1
LAB_GW_IP6=fd99::1
LAB_GW_VLAN_IP4=10.99.100.1
LAB_WEB_IP4=198.51.100.10
LAB_WEB_IP6=2001:db8:100::10
LAB_DNS_IP4=198.51.100.53
LAB_VLAN_ID=100
# Fixed MACs make neighbour checks and captures easy to read; every lab is its
# own L2 segment, so equal MACs in parallel labs never meet.
LAB_LAN_MAC=02:99:00:00:00:10
LAB_GW_MAC=02:99:00:00:00:01
LAB_BOX_LAN_MAC=02:99:00:00:b0:01
LAB_BOX_WAN_MAC=02:99:00:00:b0:02
LAB_BIG_SIZE=$((8 * 1024 * 1024))

# Per-run state; empty until lab_up or lab_attach.
LAB_ID=${LAB_ID:-}
LAB__DEFERRED=()

lab__log() { [ "${LAB_QUIET:-0}" = 1 ] || echo "lab[${LAB_ID:-?}]: $*" >&2; }
lab__err() { echo "lab[${LAB_ID:-?}]: error: $*" >&2; }

# Run a command in a lab namespace. The LAN and WAN hosts use `ip netns exec`
# (ordinary hosts); the box uses nsenter --net only, because `ip netns exec`
# remounts /sys and pins made under it would vanish (see DESIGN.md).
lab_lan() { ip netns exec "$LAB_NS_LAN" "$@"; }
lab_wan() { ip netns exec "$LAB_NS_WAN" "$@"; }
lab_box() { nsenter --net="/run/netns/$LAB_NS_BOX" "$@"; }

# Quicker than ip netns exec for setup steps; never remounts anything.
lab__in() {
	local ns=$1
	shift
	nsenter --net="/run/netns/$ns" "$@"
}

# Set the per-run names from LAB_ID.
lab__names() {
	LAB_RUN=/tmp/utm-lab-$LAB_ID
	LAB_NS_LAN=utm-$LAB_ID-lan
	LAB_NS_BOX=utm-$LAB_ID-box
	LAB_NS_WAN=utm-$LAB_ID-wan
	LAB_PIN_ROOT=/sys/fs/bpf/utm-lab-$LAB_ID
	export LAB_ID LAB_RUN LAB_NS_LAN LAB_NS_BOX LAB_NS_WAN LAB_PIN_ROOT
}

# Exit 77 (skip) when this machine or build cannot run the lab.
lab_require() {
	local t
	if [ "$(id -u)" != 0 ]; then
		echo "skip: the lab needs root" >&2
		exit 77
	fi
	for t in ip tc nsenter ethtool clang dnsmasq curl dig /usr/bin/python3; do
		command -v "$t" >/dev/null || {
			echo "skip: $t is not installed (tools/install-deps.sh)" >&2
			exit 77
		}
	done
	LAB_BUILD=${LAB_BUILD:-$LAB_REPO/build}
	if [ "${LAB_FORWARDER:-utm}" = utm ]; then
		for t in utm-load utm-ctl; do
			[ -x "$LAB_BUILD/$t" ] || {
				echo "skip: LAB_FORWARDER=utm but $LAB_BUILD/$t is not built" \
					"(run make, or LAB_FORWARDER=bridge)" >&2
				exit 77
			}
		done
	fi
}

# ---------------------------------------------------------------- processes

# "Alive" excludes zombies: a server killed by us stays a zombie until its
# parent reaps it, and must count as gone.
lab__alive() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1) || return 1
	[ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ]
}

# Start time of a process (clock ticks since boot), to tell a PID from a
# reused one.
lab__starttime() { sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f20; }

# A process is this lab's when its command line names the run id or it lives
# in one of the lab's namespaces.
lab__pid_is_ours() {
	local ns net
	grep -qaF -- "$LAB_ID" "/proc/$1/cmdline" 2>/dev/null && return 0
	net=$(readlink "/proc/$1/ns/net" 2>/dev/null) || return 1
	for ns in "$LAB_NS_LAN" "$LAB_NS_BOX" "$LAB_NS_WAN"; do
		[ "$net" = "net:[$(stat -L -c %i "/run/netns/$ns" 2>/dev/null)]" ] && return 0
	done
	return 1
}

# Stop one lab process by PID. Only a PID that is ours (lab__pid_is_ours) is
# signalled, so a stale PID file can never hit an unrelated process.
lab__kill_pid() {
	local pid=$1 i
	[ -n "$pid" ] || return 0
	lab__alive "$pid" || {
		wait "$pid" 2>/dev/null
		return 0
	}
	lab__pid_is_ours "$pid" || {
		lab__log "not killing PID $pid: it is not a process of this lab"
		return 0
	}
	kill -TERM "$pid" 2>/dev/null
	for ((i = 0; i < 50; i++)); do
		lab__alive "$pid" || break
		sleep 0.1
	done
	if lab__alive "$pid"; then
		lab__log "PID $pid ignored SIGTERM for 5 s; sending SIGKILL"
		kill -KILL "$pid" 2>/dev/null
		for ((i = 0; i < 20; i++)); do
			lab__alive "$pid" || break
			sleep 0.1
		done
	fi
	# Reap it if it is our child (no-op otherwise).
	wait "$pid" 2>/dev/null
	return 0
}

# Stop the process whose PID is in $LAB_RUN/NAME.pid.
lab__kill_pidfile() {
	local f=$LAB_RUN/$1.pid
	[ -f "$f" ] || return 0
	lab__kill_pid "$(head -n1 "$f")"
	rm -f "$f"
}

# Processes still inside one of our namespaces (say a tcpdump a test left
# behind) would keep the namespace and its veths alive after `ip netns del`.
# They are ours by construction, so end them.
lab__kill_ns_stragglers() {
	local ns ino p i pids=()
	for ns in "$LAB_NS_LAN" "$LAB_NS_BOX" "$LAB_NS_WAN"; do
		[ -e "/run/netns/$ns" ] || continue
		ino=$(stat -L -c %i "/run/netns/$ns" 2>/dev/null) || continue
		for p in /proc/[0-9]*; do
			[ "$(readlink "$p/ns/net" 2>/dev/null)" = "net:[$ino]" ] &&
				pids+=("${p#/proc/}")
		done
	done
	[ ${#pids[@]} -gt 0 ] || return 0
	lab__log "ending processes left in the lab's namespaces: ${pids[*]}"
	kill -TERM "${pids[@]}" 2>/dev/null
	for p in "${pids[@]}"; do
		for ((i = 0; i < 30; i++)); do
			lab__alive "$p" || break
			sleep 0.1
		done
		lab__alive "$p" && kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# Poll CMD every 0.1 s for up to TENTHS tenths of a second.
lab__wait_for() {
	local tenths=$1 i
	shift
	for ((i = 0; i < tenths; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# ---------------------------------------------------------------- topology

lab__mount_bpffs() {
	# utm-load pins under LAB_PIN_ROOT; the host's bpffs must be there. The
	# lock keeps two labs starting at once from stacking two mounts.
	mountpoint -q /sys/fs/bpf && return 0
	mkdir -p /sys/fs/bpf
	flock /sys/fs/bpf sh -c \
		'mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf'
}

lab__make_namespaces() {
	local ns
	for ns in "$LAB_NS_LAN" "$LAB_NS_BOX" "$LAB_NS_WAN"; do
		ip netns add "$ns"
		ip -n "$ns" link set lo up
	done
	# sysctls first: links created afterwards take the namespace defaults.
	# The box is a bump in the wire: no IPv6 means no link-local addresses,
	# router solicitations or MLD reports of its own on the segment.
	lab__in "$LAB_NS_BOX" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1
	# Hosts: static addressing, no DAD wait, no router discovery noise.
	for ns in "$LAB_NS_LAN" "$LAB_NS_WAN"; do
		lab__in "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0 net.ipv6.conf.all.accept_ra=0 \
			net.ipv6.conf.default.accept_ra=0
	done
	lab__in "$LAB_NS_WAN" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
}

# One host (LAN host or router) in namespace NS: eth0 wired to the box's port
# BOXPORT, plus the VLAN subinterface eth0.100.
lab__make_host() {
	local ns=$1 mac=$2 boxport=$3 boxmac=$4
	# The veth pair is created directly across the two namespaces so that
	# names are fixed and nothing ever appears in the host namespace. Fixed
	# ifindexes (eth0 = 10, vlan100 = 11) are compiled into lab-vlan.bpf.c.
	local q=${LAB_QUEUES:-1}
	ip -n "$ns" link add eth0 index 10 address "$mac" numtxqueues "$q" numrxqueues "$q" \
		type veth peer name "$boxport" address "$boxmac" netns "$LAB_NS_BOX" \
		numtxqueues "$q" numrxqueues "$q"
	# A frame XDP-redirected into a veth is received by its peer only when
	# the peer has NAPI, i.e. an XDP program or GRO: GRO on for the hosts'
	# ends (peers of the box's ports) and for the box's ports.
	# The hosts' ends must also put on the veth what a real NIC puts on the
	# wire. tx checksumming off: veth otherwise hands over CHECKSUM_PARTIAL
	# skbs whose TCP/UDP checksum is never filled in once XDP redirects the
	# frame (TCP through the XDP bridge then fails; ping still works).
	# tx-vlan offload off: the 802.1Q tag is written into the frame, where
	# the box's XDP program sees it, instead of riding in skb metadata.
	# (ethtool -K lists dependent features it changed on stdout: noise.)
	lab__in "$ns" ethtool -K eth0 gro on tx off txvlan off >/dev/null
	lab__in "$LAB_NS_BOX" ethtool -K "$boxport" gro on txvlan off >/dev/null

	# This kernel has no 8021q module (and no bridge VLAN filtering), so
	# eth0.100 is a veth leg with eth0's MAC whose peer vlan100 is glued to
	# eth0 by two tc programs that push/pop tag 100 (tests/lab-vlan.bpf.c).
	# (`index` is honoured for the first end only, hence this order.)
	ip -n "$ns" link add vlan$LAB_VLAN_ID index 11 type veth \
		peer name eth0.$LAB_VLAN_ID address "$mac"
	lab__in "$ns" sysctl -qw net.ipv6.conf.vlan$LAB_VLAN_ID.disable_ipv6=1
	ip -n "$ns" link set vlan$LAB_VLAN_ID up
	ip -n "$ns" link set eth0.$LAB_VLAN_ID up
	ip -n "$ns" link set eth0 up
	# tc runs under ip netns exec: should it mount a bpffs, that stays in a
	# private mount namespace.
	# XDP_TX answers from the box reach the host at once (lab-xdp-pass.bpf.c).
	ip -n "$ns" link set dev eth0 xdpdrv obj "$LAB_RUN/lab-xdp-pass.o" sec xdp
	ip netns exec "$ns" sh -ec "
		tc qdisc add dev eth0 clsact
		tc filter add dev eth0 ingress bpf da obj '$LAB_RUN/lab-vlan.o' sec tc
		tc qdisc add dev vlan$LAB_VLAN_ID clsact
		tc filter add dev vlan$LAB_VLAN_ID ingress bpf da obj '$LAB_RUN/lab-vlan.o' sec classifier"
}

lab__build_vlan_prog() {
	clang -O2 -g -target bpf -DVID="$LAB_VLAN_ID" \
		-I"/usr/include/$(uname -m)-linux-gnu" \
		-c "$LAB_REPO/tests/lab-vlan.bpf.c" -o "$LAB_RUN/lab-vlan.o"
	clang -O2 -g -target bpf -I"/usr/include/$(uname -m)-linux-gnu" \
		-c "$LAB_REPO/tests/lab-xdp-pass.bpf.c" -o "$LAB_RUN/lab-xdp-pass.o"
}

lab__make_links() {
	lab__build_vlan_prog
	lab__make_host "$LAB_NS_LAN" "$LAB_LAN_MAC" lan "$LAB_BOX_LAN_MAC"
	lab__make_host "$LAB_NS_WAN" "$LAB_GW_MAC" wan "$LAB_BOX_WAN_MAC"
}

lab__config_lan() {
	ip -n "$LAB_NS_LAN" -batch - <<-EOF
		addr add $LAB_LAN_IP4/24 dev eth0
		addr add $LAB_LAN_IP6/64 dev eth0 nodad
		addr add $LAB_LAN_VLAN_IP4/24 dev eth0.$LAB_VLAN_ID
		route add default via $LAB_GW_IP4
		route add default via $LAB_GW_IP6
	EOF
}

lab__config_wan() {
	# "The internet" hangs off inet0. No dummy driver in this kernel: a veth
	# pair whose other end stays unused does the same job.
	ip -n "$LAB_NS_WAN" link add inet0 type veth peer name inet0-end
	lab__in "$LAB_NS_WAN" sysctl -qw net.ipv6.conf.inet0-end.disable_ipv6=1
	ip -n "$LAB_NS_WAN" -batch - <<-EOF
		addr add $LAB_GW_IP4/24 dev eth0
		addr add $LAB_GW_IP6/64 dev eth0 nodad
		addr add $LAB_GW_VLAN_IP4/24 dev eth0.$LAB_VLAN_ID
		link set inet0-end up
		link set inet0 up
		addr add $LAB_WEB_IP4/24 dev inet0
		addr add $LAB_DNS_IP4/32 dev inet0
		addr add 198.51.100.200/32 dev inet0
		addr add 203.0.113.66/32 dev inet0
		addr add 203.0.113.67/32 dev inet0
		addr add $LAB_WEB_IP6/64 dev inet0 nodad
		addr add 2001:db8:bad::66/64 dev inet0 nodad
		addr add 2001:db8:bad:1::5/64 dev inet0 nodad
	EOF
}

lab__config_box() {
	ip -n "$LAB_NS_BOX" link set lan up
	ip -n "$LAB_NS_BOX" link set wan up
	case "$LAB_FORWARDER" in
	bridge)
		# A plain learning bridge: no STP delay, no IGMP snooping (so
		# multicast floods like on a dumb switch), no VLAN filtering.
		ip -n "$LAB_NS_BOX" -batch - <<-EOF
			link add br0 type bridge stp_state 0 forward_delay 0 mcast_snooping 0
			link set lan master br0
			link set wan master br0
			link set br0 up
		EOF
		;;
	utm) lab_start_utm ;;
	none) ;;
	*)
		lab__err "unknown LAB_FORWARDER=$LAB_FORWARDER (utm, bridge or none)"
		return 1
		;;
	esac
}

# ---------------------------------------------------------------- servers

lab__http_ok() {
	lab__in "$LAB_NS_WAN" curl -sf -o /dev/null --max-time 1 "$1"
}

lab__start_servers() {
	local www=$LAB_RUN/www pid
	mkdir -p "$www"
	head -c "$LAB_BIG_SIZE" /dev/urandom >"$www/big.bin"
	(cd "$www" && sha256sum big.bin >big.bin.sha256)
	echo "utm lab $LAB_ID" >"$www/index.html"

	# Background servers: stdin/stdout/stderr detached from the caller, or
	# `id=$(tests/lab.sh up)` would wait for them forever. nsenter execs the
	# server, so $! is the server's own PID (not so with a shell function
	# like lab__in: that would fork a subshell).
	nsenter --net="/run/netns/$LAB_NS_WAN" /usr/bin/python3 "$LAB_REPO/tests/lab-httpd.py" \
		--root "$www" --port 80 --bind "$LAB_WEB_IP4" --bind "$LAB_WEB_IP6" \
		</dev/null >"$LAB_RUN/httpd.log" 2>&1 &
	pid=$!
	echo "$pid" >"$LAB_RUN/httpd.pid"

	# dnsmasq as a pure authoritative stub: no upstream, no /etc/hosts, no
	# /etc/dnsmasq.conf, only 198.51.100.53, in the foreground (-k) so that
	# its PID is ours to stop.
	nsenter --net="/run/netns/$LAB_NS_WAN" dnsmasq -k --conf-file=/dev/null --no-resolv --no-hosts \
		--bind-interfaces --listen-address="$LAB_DNS_IP4" --user=root --group=root \
		--pid-file="$LAB_RUN/dnsmasq.pid" --log-facility=- --log-queries \
		--address=/www.example.test/"$LAB_WEB_IP4" \
		--address=/www.example.test/"$LAB_WEB_IP6" \
		--address=/bad.example.test/203.0.113.66 \
		--address=/bad.example.test/2001:db8:bad::66 \
		</dev/null >"$LAB_RUN/dnsmasq.log" 2>&1 &
	echo "$!" >"$LAB_RUN/dnsmasq.pid"

	# Ready = answering, checked from inside the WAN namespace so it does
	# not depend on the forwarder.
	lab__wait_for 100 lab__http_ok "http://$LAB_WEB_IP4/big.bin.sha256" &&
		lab__wait_for 50 lab__http_ok "http://[$LAB_WEB_IP6]/big.bin.sha256" || {
		lab__err "HTTP server did not answer:"
		cat "$LAB_RUN/httpd.log" >&2
		return 1
	}
	lab__wait_for 100 lab__dns_ok || {
		lab__err "dnsmasq did not answer:"
		cat "$LAB_RUN/dnsmasq.log" >&2
		return 1
	}
}

lab__dns_ok() {
	[ "$(lab__in "$LAB_NS_WAN" dig +short +time=1 +tries=1 @"$LAB_DNS_IP4" \
		www.example.test A)" = "$LAB_WEB_IP4" ]
}

# ---------------------------------------------------------------- utm forwarder

# Start utm-load in the box (background, PID in $LAB_RUN/utm-load.pid, output
# in $LAB_RUN/utm-load.log) and wait up to 10 s until `utm-ctl status` is
# happy. Extra arguments are appended to $LAB_UTM_ARGS.
lab_start_utm() {
	local pid i
	local -
	set -f # LAB_UTM_ARGS is split on blanks, never globbed
	if [ ! -x "$LAB_BUILD/utm-load" ] || [ ! -x "$LAB_BUILD/utm-ctl" ]; then
		lab__err "$LAB_BUILD/utm-load or utm-ctl is not built"
		return 1
	fi
	mkdir -p "$LAB_RUN/state"
	echo "--- start $(date +%T.%N): utm-load ${LAB_UTM_ARGS:-} $*" >>"$LAB_RUN/utm-load.log"
	# cd: relative paths in LAB_UTM_ARGS (--block tests/fixtures/...) are
	# relative to the repository. nsenter execs, so $! is utm-load's PID.
	# shellcheck disable=SC2086
	(cd "$LAB_REPO" && exec nsenter --net="/run/netns/$LAB_NS_BOX" \
		"$LAB_BUILD/utm-load" --lan lan --wan wan --pin-root "$LAB_PIN_ROOT" \
		--state-dir "$LAB_RUN/state" --event-log "$LAB_RUN/eve.json" \
		${LAB_UTM_ARGS:-} "$@") </dev/null >>"$LAB_RUN/utm-load.log" 2>&1 &
	pid=$!
	echo "$pid" >"$LAB_RUN/utm-load.pid"
	LAB_UTM_PID=$pid
	for ((i = 0; i < 100; i++)); do
		if ! lab__alive "$pid"; then
			wait "$pid" 2>/dev/null
			lab__err "utm-load exited during start-up; its log:"
			tail -n 30 "$LAB_RUN/utm-load.log" >&2
			rm -f "$LAB_RUN/utm-load.pid"
			return 1
		fi
		if lab_box "$LAB_BUILD/utm-ctl" --pin-root "$LAB_PIN_ROOT" status \
			>/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1
	done
	lab__err "utm-ctl status did not succeed within 10 s; utm-load's log:"
	tail -n 30 "$LAB_RUN/utm-load.log" >&2
	return 1
}

# End utm-load. --keep-attached: only kill the daemon (the XDP programs and
# pins stay and keep bridging, as after a crash); default: also detach.
lab_stop_utm() {
	local keep=0
	[ "${1:-}" = --keep-attached ] && keep=1
	lab__kill_pidfile utm-load
	LAB_UTM_PID=
	[ "$keep" = 1 ] && return 0
	if [ -x "$LAB_BUILD/utm-load" ] && [ -e "/run/netns/$LAB_NS_BOX" ]; then
		echo "--- detach $(date +%T.%N)" >>"$LAB_RUN/utm-load.log"
		lab_box "$LAB_BUILD/utm-load" --detach --lan lan --wan wan \
			--pin-root "$LAB_PIN_ROOT" </dev/null >>"$LAB_RUN/utm-load.log" 2>&1 || {
			lab__err "utm-load --detach failed (see $LAB_RUN/utm-load.log)"
			return 1
		}
	fi
	return 0
}

# Restart utm-load the way an upgrade or crash does: the daemon goes away but
# the attached programs and pinned maps stay; the new daemon must take them
# over. With --detach first, a cold restart instead. Other arguments go to
# lab_start_utm.
lab_restart_utm() {
	if [ "${1:-}" = --detach ]; then
		shift
		lab_stop_utm || return 1
	else
		lab_stop_utm --keep-attached
	fi
	lab_start_utm "$@"
}

# ---------------------------------------------------------------- life cycle

# All of the set-up; runs in its own bash with errexit (see lab_up).
lab__setup() {
	lab__mount_bpffs
	lab__make_namespaces
	lab__make_links
	lab__config_lan
	lab__config_wan
	lab__start_servers
	lab__config_box
}

# Run CMD (a string, eval'd) when the lab goes down, before the teardown;
# last registered runs first.
lab_defer() { LAB__DEFERRED+=("$1"); }

lab__save_env() {
	local v
	{
		for v in LAB_ID LAB_FORWARDER LAB_BUILD LAB_UTM_ARGS; do
			printf '%s=%q\n' "$v" "${!v:-}"
		done
	} >"$LAB_RUN/lab.env"
}

# Bring a lab up. Unless LAB_KEEP=1 it is torn down by an EXIT trap (also on
# SIGINT/SIGTERM/SIGHUP). On failure everything is removed again and 1 is
# returned.
lab_up() {
	local rc
	local -
	set +e # failures are handled here; the caller's errexit must not cut in
	LAB_FORWARDER=${LAB_FORWARDER:-utm}
	LAB_BUILD=${LAB_BUILD:-$LAB_REPO/build}
	LAB_BUILD=$(cd "$LAB_BUILD" 2>/dev/null && pwd || echo "$LAB_BUILD")
	LAB_UTM_ARGS=${LAB_UTM_ARGS:-}
	export LAB_FORWARDER LAB_BUILD LAB_UTM_ARGS LAB_REPO

	# Reserve a run id: mkdir is atomic, so two labs can never pick the
	# same one even when starting at the same moment.
	local tries=0
	while :; do
		LAB_ID=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
		lab__names
		if [ ! -e "/run/netns/$LAB_NS_BOX" ] && mkdir -m 0755 "$LAB_RUN" 2>/dev/null; then
			break
		fi
		((++tries < 20)) || {
			lab__err "cannot reserve a run id"
			return 1
		}
	done
	LAB__DOWN_DONE=
	LAB__DEFERRED=()
	# Who owns the lab: `gc` removes labs whose owner died without
	# cleaning up (SIGKILL). A kept lab has no owner.
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		echo kept >"$LAB_RUN/owner"
	else
		# ($BASHPID read here: inside $(...) it would be the subshell's.)
		local me=$BASHPID
		echo "$me $(lab__starttime "$me")" >"$LAB_RUN/owner"
	fi
	lab__save_env
	# Clean up from here on, whatever happens.
	trap 'lab_down' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM

	lab__log "up: forwarder=$LAB_FORWARDER run=$LAB_RUN"
	# The steps run in a separate bash with errexit, so any failing command
	# stops the set-up wherever it happens. (A subshell would not do: bash
	# ignores errexit inside it when the caller wrote `lab_up || ...`.)
	LAB_QUIET=${LAB_QUIET:-0} bash -c 'set -euo pipefail; . "$1"; lab__setup' \
		lab-setup "$LAB_REPO/tests/lab.sh"
	rc=$?
	if [ "$rc" != 0 ]; then
		lab__err "set-up failed (status $rc); tearing down"
		lab_down 1
		return 1
	fi
	[ -f "$LAB_RUN/utm-load.pid" ] && LAB_UTM_PID=$(cat "$LAB_RUN/utm-load.pid")
	if [ "${LAB_KEEP:-0}" = 1 ]; then
		trap - EXIT HUP INT TERM
	fi
	return 0
}

# Load a lab's settings by id (for `down`, `exec`, or interactive use).
lab_attach() {
	LAB_ID=$1
	lab__names
	[ -f "$LAB_RUN/lab.env" ] || {
		lab__err "no lab with id $LAB_ID ($LAB_RUN/lab.env missing)"
		return 1
	}
	# shellcheck disable=SC1091
	. "$LAB_RUN/lab.env"
	export LAB_FORWARDER LAB_BUILD LAB_UTM_ARGS LAB_REPO
	[ -f "$LAB_RUN/utm-load.pid" ] && LAB_UTM_PID=$(cat "$LAB_RUN/utm-load.pid")
	return 0
}

# On failure: show utm-load's last words, keep logs in LAB_ARTIFACTS.
lab__failure_report() {
	[ -d "$LAB_RUN" ] || return 0
	if [ -s "$LAB_RUN/utm-load.log" ]; then
		echo "--- lab[$LAB_ID]: tail of utm-load.log" >&2
		tail -n 30 "$LAB_RUN/utm-load.log" >&2
	fi
	if [ -n "${LAB_ARTIFACTS:-}" ]; then
		mkdir -p "$LAB_ARTIFACTS/$LAB_ID" &&
			cp -p "$LAB_RUN"/*.log "$LAB_RUN"/*.json "$LAB_RUN/lab.env" \
				"$LAB_ARTIFACTS/$LAB_ID/" 2>/dev/null
	fi
	return 0
}

# Tear the lab down: deferred commands, utm-load (killed and detached),
# servers, stray processes, namespaces (and with them every veth), pin root,
# run dir. Idempotent; never fails. From the EXIT trap, $? is the script's
# exit status: a failing run also gets a failure report.
lab_down() {
	local rc=${1:-$?} i ns
	local -
	set +eu
	[ -n "$LAB_ID" ] || return 0
	[ "$LAB__DOWN_DONE" = "$LAB_ID" ] && return 0
	LAB__DOWN_DONE=$LAB_ID
	trap - EXIT HUP INT TERM
	[ "$rc" != 0 ] && lab__failure_report
	for ((i = ${#LAB__DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${LAB__DEFERRED[i]}"
	done
	LAB__DEFERRED=()
	if [ -f "$LAB_RUN/utm-load.pid" ] || [ "$LAB_FORWARDER" = utm ]; then
		lab_stop_utm
	fi
	lab__kill_pidfile httpd
	lab__kill_pidfile dnsmasq
	lab__kill_ns_stragglers
	for ns in "$LAB_NS_LAN" "$LAB_NS_BOX" "$LAB_NS_WAN"; do
		[ -e "/run/netns/$ns" ] && ip netns del "$ns"
	done
	# Only ever our own pin root; rm -rf unpins everything under it.
	case "$LAB_PIN_ROOT" in
	/sys/fs/bpf/utm-lab-?*) rm -rf "$LAB_PIN_ROOT" ;;
	esac
	case "$LAB_RUN" in
	/tmp/utm-lab-?*) rm -rf "$LAB_RUN" ;;
	esac
	lab__log "down"
	return 0
}

# ---------------------------------------------------------------- CLI

# Is the shell that owns a lab gone (without having cleaned up)?
lab__owner_dead() {
	local owner pid st
	owner=$(cat "$1/owner" 2>/dev/null) || return 0
	[ "$owner" = kept ] && return 1
	pid=${owner%% *}
	st=${owner#* }
	[ -n "$pid" ] && [ "$(lab__starttime "$pid")" = "$st" ] && return 1
	return 0
}

lab__gc() {
	local d id ns
	for d in /tmp/utm-lab-*; do
		[ -d "$d" ] || continue
		id=${d#/tmp/utm-lab-}
		# A run dir without lab.env yet is a lab being set up right now.
		[ -f "$d/lab.env" ] || continue
		lab__owner_dead "$d" || continue
		echo "gc: removing lab $id (its owner is gone)" >&2
		(lab_attach "$id" && lab_down 0)
	done
	# Namespaces or pin roots without a run dir: left by a teardown that was
	# itself killed. The run dir is created first and removed last, so these
	# belong to no live lab.
	for ns in $(ip netns list | awk '{print $1}' | grep -E '^utm-[0-9a-f]{6}-(lan|box|wan)$'); do
		id=${ns#utm-}
		id=${id%%-*}
		[ -d "/tmp/utm-lab-$id" ] && continue
		echo "gc: removing orphan namespace $ns" >&2
		ip netns del "$ns"
	done
	for d in /sys/fs/bpf/utm-lab-*; do
		[ -d "$d" ] || continue
		[ -d "/tmp/utm-lab-${d#/sys/fs/bpf/utm-lab-}" ] && continue
		echo "gc: removing orphan pin root $d" >&2
		rm -rf "$d"
	done
	return 0
}

lab__list() {
	local d owner
	for d in /tmp/utm-lab-*; do
		[ -f "$d/lab.env" ] || continue
		owner=$(cat "$d/owner" 2>/dev/null)
		(
			# shellcheck disable=SC1091
			. "$d/lab.env"
			echo "${d#/tmp/utm-lab-} forwarder=$LAB_FORWARDER owner=${owner%% *}"
		)
	done
}

lab__usage() {
	cat >&2 <<-EOF
		usage: tests/lab.sh up                          (prints the run id; LAB_FORWARDER=utm|bridge|none)
		       tests/lab.sh down ID
		       tests/lab.sh exec ID lan|box|wan CMD...
		       tests/lab.sh list | gc
	EOF
	exit 2
}

lab__main() {
	set -uo pipefail
	local cmd=${1:-}
	shift || true
	case "$cmd" in
	up)
		lab_require
		LAB_KEEP=1 lab_up || exit 1
		[ "${LAB_QUIET:-0}" = 1 ] || cat >&2 <<-EOF
			lab $LAB_ID is up (forwarder $LAB_FORWARDER, files in $LAB_RUN)
			  ip netns exec $LAB_NS_LAN curl http://$LAB_WEB_IP4/
			  tests/lab.sh exec $LAB_ID wan tcpdump -ni eth0
			  tests/lab.sh down $LAB_ID
		EOF
		echo "$LAB_ID"
		;;
	down)
		[ $# = 1 ] || lab__usage
		lab_attach "$1" || exit 1
		lab_down 0
		;;
	exec)
		[ $# -ge 3 ] || lab__usage
		lab_attach "$1" || exit 1
		local where=$2
		shift 2
		case "$where" in
		lan) lab_lan "$@" ;;
		wan) lab_wan "$@" ;;
		box) lab_box "$@" ;;
		*) lab__usage ;;
		esac
		;;
	list) lab__list ;;
	gc) lab__gc ;;
	*) lab__usage ;;
	esac
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	lab__main "$@"
fi
