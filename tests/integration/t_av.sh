#!/bin/bash
# The antivirus inline, in the lab, with real servers and curl (issue 7):
# downloads of the EICAR test file, a zipped EICAR, a gzip-encoded chunked
# one (a real nginx) and one split into many small segments fail, the client
# never getting the whole file, and are logged (fileinfo with hashes, a ★★
# alert naming the file, signature, device and URL); a clean large file
# arrives byte-identical; the database is the starter one shipped in etc/.
. "$(dirname "$0")/common.sh"
t_require_inspect
lab_up || exit 1
t_wait_loaded || exit 1

EICAR='X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'
WWW=$LAB_RUN/www
printf '%s' "$EICAR" >"$WWW/eicar.com"
/usr/bin/python3 - "$WWW" "$EICAR" <<'PY'
import os, sys, zipfile
www, eicar = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(os.path.join(www, "eicar.zip"), "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("readme.txt", "an innocent-looking archive\n")
    z.writestr("invoice.exe", eicar)
# ClamAV's test string at the end of 300 KB: found only if every segment was seen
with open(os.path.join(www, "deep.bin"), "wb") as f:
    f.write(os.urandom(300000) + b"CLAMAV-TEST-STRING-NOT-EICAR")
# a text file starting with EICAR, for nginx to gzip and chunk
with open(os.path.join(www, "eicar.txt"), "w") as f:
    f.write(eicar + "\n" + "padding line for the compressor\n" * 200)
PY

# nginx on a second address: gzip on, so the body is gzip-encoded and chunked
NGINX_IP=198.51.100.81
lab_wan ip addr replace "$NGINX_IP/32" dev inet0
mkdir -p "$LAB_RUN/nginx-tmp"
cat >"$LAB_RUN/nginx.conf" <<CONF
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
	default_type text/plain;
	gzip on;
	gzip_types text/plain;
	gzip_min_length 1;
	server { listen $NGINX_IP:80; root $WWW; }
}
CONF
nsenter --net="/run/netns/$LAB_NS_WAN" nginx -c "$LAB_RUN/nginx.conf" -p "$LAB_RUN" \
	-g 'daemon off;' </dev/null >>"$LAB_RUN/nginx.log" 2>&1 &
nginx_pid=$!
lab_defer "kill $nginx_pid 2>/dev/null; wait $nginx_pid 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	lab_wan curl -s -o /dev/null -m 1 "http://$NGINX_IP/eicar.com" && break
	sleep 0.1
done

# the starter database, copied: the test adds a signature to it later
cp -r "$LAB_REPO/etc/clamav" "$LAB_RUN/clamav"
t_start_inspect --ports tcp:80 --av-db "$LAB_RUN/clamav" --eve "$LAB_RUN/eve.json" ||
	exit 1
check "utm-inspect loaded the starter database" \
	grep -q 'antivirus: [0-9]* signatures' "$LAB_RUN/utm-inspect.log"
get() { # URL OUT: curl's exit status
	lab_lan curl -sS -m 20 -o "$2" "$1" 2>"$2.err"
}

# --- EICAR: the download fails, the client has not got the file
get "http://$LAB_WEB_IP4/eicar.com" "$LAB_RUN/eicar.out"
rc=$?
check "an infected download fails (curl $rc: $(tr -d '\n' <"$LAB_RUN/eicar.out.err"))" test "$rc" != 0
check_fails "the client never holds the file" cmp -s "$LAB_RUN/eicar.out" "$WWW/eicar.com"
check "a ★★ alert names the signature, the file, the URL and the device" eve_wait \
	'.event_type == "alert" and (.alert.signature | startswith("UTM ClamAV Eicar")) and .alert.action == "blocked" and .files[0].filename == "eicar.com" and .http.url == "/eicar.com" and .utm.function == "antivirus_inbound" and .utm.severity == 2 and .utm.device.mac == "02:99:00:00:00:10" and .utm.device.ip == "'"$LAB_LAN_IP4"'"'
check "a fileinfo record with Suricata's fields and the SHA-256" eve_wait \
	'.event_type == "fileinfo" and .fileinfo.filename == "eicar.com" and .fileinfo.size == 68 and .fileinfo.state == "CLOSED" and .fileinfo.sha256 == "275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f" and .fileinfo.av.verdict == "infected"'

# --- a zipped EICAR
get "http://$LAB_WEB_IP4/eicar.zip" "$LAB_RUN/zip.out"
check "an infected archive's download fails" test $? != 0
check "and is named" eve_wait \
	'.event_type == "alert" and .files[0].filename == "eicar.zip" and .alert.action == "blocked"'

# --- gzip-encoded and chunked (nginx): decoded before the scan
lab_lan curl -sS -m 20 --compressed -o "$LAB_RUN/gz.out" \
	"http://$NGINX_IP/eicar.txt" 2>/dev/null
check "a gzip-encoded, chunked infected download fails" test $? != 0
lab_wan curl -sS -m 5 --compressed -D "$LAB_RUN/gz.hdr" -o /dev/null "http://$NGINX_IP/eicar.txt"
check "nginx sends it gzip-encoded and chunked (asked beside the box)" \
	grep -qi 'content-encoding: gzip' "$LAB_RUN/gz.hdr"
check "and chunked" grep -qi 'transfer-encoding: chunked' "$LAB_RUN/gz.hdr"
check "the alert is raised on the decoded file" eve_wait \
	'.event_type == "alert" and .files[0].filename == "eicar.txt" and .http.hostname == "'"$NGINX_IP"'"'

# --- many small segments (the client advertises an MSS of 300), and reordering when netem exists
read -r via dev < <(lab_lan ip -4 route get "$LAB_WEB_IP4" |
	sed -n 's/.* via \([0-9.]*\) dev \([^ ]*\).*/\1 \2/p')
if [ -n "$dev" ]; then
	lab_lan ip route add "$LAB_WEB_IP4/32" via "$via" dev "$dev" advmss 300
else
	lab_lan ip route add "$LAB_WEB_IP4/32" dev "$(lab_lan ip -4 route get "$LAB_WEB_IP4" |
		sed -n 's/.* dev \([^ ]*\).*/\1/p')" advmss 300
fi
reorder=""
lab_wan tc qdisc add dev inet0 root netem delay 5ms reorder 30% 50% 2>/dev/null && reorder=1
get "http://$LAB_WEB_IP4/deep.bin" "$LAB_RUN/deep.out"
check "a signature at the end of 300 KB in 300-byte segments${reorder:+, reordered,} is found" \
	test $? != 0
check "and the file is named" eve_wait \
	'.event_type == "alert" and .files[0].filename == "deep.bin" and (.alert.signature | contains("Clamav-Unit-Test"))'
[ -n "$reorder" ] && lab_wan tc qdisc del dev inet0 root 2>/dev/null
lab_lan ip route del "$LAB_WEB_IP4/32" 2>/dev/null

# --- a clean large file passes byte-identical, its fileinfo says clean
get "http://$LAB_WEB_IP4/big.bin" "$LAB_RUN/big.out"
check "a clean download works" test $? = 0
check_eq "byte-identical" "$(cut -d' ' -f1 "$WWW/big.bin.sha256")" \
	"$(sha256sum "$LAB_RUN/big.out" | cut -d' ' -f1)"
check "a fileinfo record says clean (or not scanned: too big)" eve_wait \
	'.event_type == "fileinfo" and .fileinfo.filename == "big.bin" and (.fileinfo.av.verdict == "clean" or .fileinfo.av.verdict == "not scanned")'
# --- new databases: SIGHUP loads them and swaps them in
printf 'harmless text, until a signature says otherwise: UTM-CUSTOM-MARKER-%s\n' "$LAB_ID" \
	>"$WWW/custom.txt"
get "http://$LAB_WEB_IP4/custom.txt" "$LAB_RUN/custom1.out"
check "a file no signature knows passes" test $? = 0
printf 'Utm.Lab.Custom:0:*:%s\n' "$(printf 'UTM-CUSTOM-MARKER-%s' "$LAB_ID" | od -An -tx1 | tr -d ' \n')" \
	>"$LAB_RUN/clamav/lab.ndb"
kill -HUP "$INSPECT_PID"
for ((i = 0; i < 50; i++)); do
	grep -q 'antivirus reloaded' "$LAB_RUN/utm-inspect.log" && break
	sleep 0.1
done
check "utm-inspect reloads the databases on SIGHUP" grep -q 'antivirus reloaded' "$LAB_RUN/utm-inspect.log"
get "http://$LAB_WEB_IP4/custom.txt" "$LAB_RUN/custom2.out"
check "the same file is now blocked" test $? != 0
check "by the new signature" eve_wait '.event_type == "alert" and (.alert.signature | contains("Utm.Lab.Custom"))'
printf 'this is not a database\n' >"$LAB_RUN/clamav/broken.ndb"
kill -HUP "$INSPECT_PID"
for ((i = 0; i < 50; i++)); do
	grep -q 'antivirus reload refused' "$LAB_RUN/utm-inspect.log" && break
	sleep 0.1
done
check "a broken database is refused, naming the file" \
	grep -q 'antivirus reload refused.*broken.ndb' "$LAB_RUN/utm-inspect.log"
get "http://$LAB_WEB_IP4/custom.txt" "$LAB_RUN/custom3.out"
check "and the running databases stay" test $? != 0
t_done
