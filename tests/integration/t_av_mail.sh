#!/bin/bash
# The antivirus on mail, in the lab (issue 7): a real SMTP server (aiosmtpd,
# WAN side) and swaks on the LAN host. A mail with the EICAR test file
# attached, sent from the office, is refused with a 5xx (swaks sees it) and
# never reaches the server, with a ★★★ alert naming the attachment; a mail
# with a clean attachment (a Japanese file name, RFC 2231) is delivered
# intact, its attachment named in a fileinfo record.
. "$(dirname "$0")/common.sh"
t_require_inspect
command -v swaks >/dev/null || { echo "skip: swaks is not installed (make deps)"; exit 77; }
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null ||
	{ echo "skip: python3-aiosmtpd is not installed (make deps)"; exit 77; }
lab_up || exit 1
t_wait_loaded || exit 1

MBOX=$LAB_RUN/mailbox
mkdir -p "$MBOX/tmp" "$MBOX/new" "$MBOX/cur" # a maildir
nsenter --net="/run/netns/$LAB_NS_WAN" /usr/bin/python3 -m aiosmtpd -n \
	-l "$LAB_WEB_IP4:25" -c aiosmtpd.handlers.Mailbox "$MBOX" </dev/null \
	>"$LAB_RUN/smtpd.log" 2>&1 &
smtpd=$!
lab_defer "kill $smtpd 2>/dev/null; wait $smtpd 2>/dev/null"
for ((i = 0; i < 50; i++)); do
	lab_wan bash -c "exec 3<>/dev/tcp/$LAB_WEB_IP4/25" 2>/dev/null && break
	sleep 0.1
done

t_start_inspect --ports tcp:25 --av-db "$LAB_REPO/etc/clamav" --eve "$LAB_RUN/eve.json" || exit 1
printf '%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*' \
	>"$LAB_RUN/invoice.exe"
head -c 50000 /dev/urandom >"$LAB_RUN/clean.bin"
cp "$LAB_RUN/clean.bin" "$LAB_RUN/見積書.bin"
delivered() { grep -rl "$1" "$MBOX" 2>/dev/null | head -n 1; }

# --- an infected mail from the office: refused, never delivered
lab_lan swaks --server "$LAB_WEB_IP4" --from pc1@office.example --to partner@partner.example \
	--header "Subject: infected-$LAB_ID" --attach "@$LAB_RUN/invoice.exe" \
	>"$LAB_RUN/swaks1.log" 2>&1
rc=$?
check "the sender is told: swaks fails" test "$rc" != 0
check "with the 5xx in the server's name" grep -q '554 5.7.1 Message refused' "$LAB_RUN/swaks1.log"
sleep 0.5
check_eq "nothing reached the partner's server" "" "$(delivered "infected-$LAB_ID")"
check "a ★★★ alert names the attachment and the signature" eve_wait \
	'.event_type == "alert" and .files[0].filename == "invoice.exe" and (.alert.signature | contains("Eicar")) and .utm.function == "antivirus_outbound" and .utm.severity == 3 and .utm.device.mac == "02:99:00:00:00:10"'

# --- a clean mail with a Japanese-named attachment: delivered intact
lab_lan swaks --server "$LAB_WEB_IP4" --from pc1@office.example --to partner@partner.example \
	--header "Subject: clean-$LAB_ID" --attach "@$LAB_RUN/見積書.bin" \
	>"$LAB_RUN/swaks2.log" 2>&1
check "a clean mail is accepted" test $? = 0
for ((i = 0; i < 30; i++)); do [ -n "$(delivered "clean-$LAB_ID")" ] && break; sleep 0.1; done
msg=$(delivered "clean-$LAB_ID")
check "and delivered" test -n "$msg"
attached=$(/usr/bin/python3 - "$msg" <<'PY'
import email, hashlib, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"))
for p in m.walk():
    if p.get_filename():
        print(hashlib.sha256(p.get_payload(decode=True)).hexdigest())
PY
)
check_eq "its attachment intact" "$(sha256sum <"$LAB_RUN/clean.bin" | cut -d' ' -f1)" "$attached"
jq -r 'select(.event_type == "fileinfo") | "# fileinfo: \(.fileinfo.filename) \(.fileinfo.av.verdict)"' \
	"$LAB_RUN/eve.json"
check "a fileinfo record names it, clean" eve_wait \
	'.event_type == "fileinfo" and .fileinfo.filename == "見積書.bin" and .fileinfo.av.verdict == "clean"'
t_done
