#!/bin/bash
# Install every Debian package the build, the tests, the demo and the
# benchmarks need. Idempotent; skips apt when everything is present.
set -euo pipefail

PKGS=(
	# build
	build-essential clang llvm libbpf-dev libxdp-dev bpftool libelf-dev zlib1g-dev
	pkg-config libyaml-dev libjansson-dev libcmocka-dev libclang-rt-14-dev
	# domain lists: IDN names to punycode (lib/dnsname.c)
	libidn2-dev
	# utm-inspect: rule matching (Hyperscan prefilter, PCRE2 confirmation)
	libhyperscan-dev libpcre2-dev
	# utm-inspect: application detection (inspect/appid.c wraps nDPI 4.2)
	libndpi-dev
	# threat feeds: fetching (lib/fetch.c) and minisign signatures (lib/minisign.c)
	libcurl4-openssl-dev libsodium-dev ca-certificates
	# the event store (lib/evstore_sqlite.c, utm-eventd, utm-ctl events)
	libsqlite3-dev
	# lab, tests and demo peers
	iproute2 ethtool nftables dnsmasq dnsutils curl iputils-ping iputils-arping bc
	ndisc6 tcpdump python3 python3-scapy netsniff-ng iperf3 jq util-linux
	# DNS benchmark (bench/dns.sh): the standard DNS load generator
	dnsperf
	# feeds benchmark (bench/feeds.sh): the ipset reference, GNU time for peak RSS
	ipset time
	# feed tests: the real nginx serves feeds (ETag, 304, gzip); minisign signs them
	nginx-light minisign
	# site blocking tests: a real TLS server (openssl s_server, self-signed certificate)
	openssl
	# antivirus mail tests: a real SMTP server (aiosmtpd) and swaks
	swaks python3-aiosmtpd
	# antivirus (inspect/av*.c wraps libclamav); clamscan is bench/av.sh's reference
	libclamav-dev clamav
	# unit tests: time zones for EVE timestamps
	tzdata
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
