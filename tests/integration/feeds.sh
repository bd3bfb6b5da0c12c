# Helpers of the feed tests (sourced after common.sh): a real nginx on the
# WAN side serving feed files, and the box's own route to it.

T_FEED_IP=198.51.100.80
T_FEED_URL=http://$T_FEED_IP

# Skip (exit 77) unless the UTM and the given tools are there; then bring up
# the lab (no forwarder: the test starts utm-load) with the box's uplink.
t_feeds_lab_up() {
	local tool
	t_require_utm
	for tool in "$@"; do
		command -v "$tool" >/dev/null || {
			echo "skip: $tool is not installed (make deps)"
			exit 77
		}
	done
	LAB_FORWARDER=none lab_up || exit 1
	t_box_uplink
}

# The box reaches the internet like a real UTM: an address on its wan port
# and a default route through the office router (the lab's gateway).
t_box_uplink() {
	lab_box ip addr add 10.99.0.2/24 dev wan
	lab_box ip route add default via "$LAB_GW_IP4"
}

# nginx serving $LAB_RUN/feeds on $T_FEED_IP:80: ETag, Last-Modified, 304s,
# as every real feed server does. Its PID is ours, in $T_NGINX_PID.
t_nginx_start() {
	local conf=$LAB_RUN/nginx.conf i
	mkdir -p "$LAB_RUN/feeds" "$LAB_RUN/nginx-tmp"
	lab_wan ip addr replace "$T_FEED_IP/32" dev inet0
	cat >"$conf" <<CONF
worker_processes 1;
pid $LAB_RUN/nginx.pid;
error_log $LAB_RUN/nginx-error.log;
user root;
events { worker_connections 64; }
http {
	access_log $LAB_RUN/nginx-access.log;
	client_body_temp_path $LAB_RUN/nginx-tmp/body;
	proxy_temp_path $LAB_RUN/nginx-tmp/proxy;
	fastcgi_temp_path $LAB_RUN/nginx-tmp/fastcgi;
	uwsgi_temp_path $LAB_RUN/nginx-tmp/uwsgi;
	scgi_temp_path $LAB_RUN/nginx-tmp/scgi;
	types { text/plain txt csv json minisig; application/gzip gz; text/html html; }
	default_type text/plain;
	server {
		listen $T_FEED_IP:80;
		root $LAB_RUN/feeds;
		etag on;
	}
}
CONF
	nsenter --net="/run/netns/$LAB_NS_WAN" nginx -c "$conf" -p "$LAB_RUN" -g 'daemon off;' \
		</dev/null >>"$LAB_RUN/nginx.log" 2>&1 &
	T_NGINX_PID=$!
	lab_defer "kill $T_NGINX_PID 2>/dev/null; wait $T_NGINX_PID 2>/dev/null"
	for ((i = 0; i < 50; i++)); do
		lab_wan curl -s -o /dev/null -m 1 "$T_FEED_URL/" && return 0
		sleep 0.1
	done
	echo "# nginx did not start:" >&2
	cat "$LAB_RUN/nginx.log" "$LAB_RUN/nginx-error.log" >&2
	return 1
}

t_nginx_stop() {
	kill "$T_NGINX_PID" 2>/dev/null
	wait "$T_NGINX_PID" 2>/dev/null
}

# Publish a feed file atomically, as a real server's deploy does.
t_publish() {
	local name=$1
	cat >"$LAB_RUN/feeds/.$name.tmp"
	mv "$LAB_RUN/feeds/.$name.tmp" "$LAB_RUN/feeds/$name"
}

# A feed's field from `utm-ctl feeds --json`.
t_feed() { ctl --state-dir "$LAB_RUN/state" --json feeds | jq -r --arg n "$1" ".feeds[] | select(.name == \$n) | .$2"; }

# Wait up to $3 seconds (default 10) until feed $1's field $2 satisfies jq test $4 (e.g. '. == 5').
t_feed_wait() {
	local name=$1 field=$2 secs=${3:-10} cond=$4 i
	for ((i = 0; i < secs * 10; i++)); do
		ctl --state-dir "$LAB_RUN/state" --json feeds 2>/dev/null |
			jq -e --arg n "$name" ".feeds[] | select(.name == \$n) | .$field | $cond" \
				>/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "# feed $name: .$field never satisfied '$cond' in ${secs}s (now $(t_feed "$name" "$field"))" >&2
	return 1
}
