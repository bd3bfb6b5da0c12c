#!/usr/bin/python3
"""Build the offline inspector test's capture with scapy: real TCP handshakes,
sequence numbers and checksums, as a client and a server would send them.

    mkpcap.py OUT.pcap TLS_CLIENT_HELLO_FILE

Flows (client 10.99.0.10 / fd99::10 in the office, servers outside):
  1. HTTP GET with User-Agent EvilBot/1.0 to www.evil.example, a 200 answer
  2. DNS query for bad.example.test over UDP
  3. TLS ClientHello (the fixture's bytes) split over two TCP segments
  4. HTTP over IPv6: GET /admin.php
  5. HTTP GET of a harmless page (no rule may match it)
  6. DNS over TCP: a query for tcp.bad.example.test, its 2-byte length split from it
  7. SMTP: a mail sent from the office, its DATA split across segments
  8. a bot's IRC command split across two segments (no parser: the raw stream)
  9. 7 KB into a raw stream, a signature split across segments
"""
import sys

from scapy.all import DNS, DNSQR, IP, TCP, UDP, Ether, IPv6, Raw, wrpcap

LAN_MAC, GW_MAC = "02:99:00:00:00:10", "02:99:00:00:00:01"
packets = []
clock = [1796000000.0]


def emit(pkt):
    clock[0] += 0.001
    pkt.time = clock[0]
    packets.append(pkt)


def l3(src, dst):
    return IPv6(src=src, dst=dst) if ":" in src else IP(src=src, dst=dst)


def tcp_flow(cli, srv, sport, dport, client_chunks, server_chunks=()):
    """Handshake, the client's chunks (one segment each), the server's, FIN both ways."""
    c_isn, s_isn = 1000, 50000
    c_eth, s_eth = Ether(src=LAN_MAC, dst=GW_MAC), Ether(src=GW_MAC, dst=LAN_MAC)
    emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="S", seq=c_isn))
    emit(s_eth / l3(srv, cli) / TCP(sport=dport, dport=sport, flags="SA", seq=s_isn, ack=c_isn + 1))
    cseq, sseq = c_isn + 1, s_isn + 1
    emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="A", seq=cseq, ack=sseq))
    for chunk in client_chunks:
        emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="PA", seq=cseq, ack=sseq) / Raw(chunk))
        cseq += len(chunk)
        emit(s_eth / l3(srv, cli) / TCP(sport=dport, dport=sport, flags="A", seq=sseq, ack=cseq))
    for chunk in server_chunks:
        emit(s_eth / l3(srv, cli) / TCP(sport=dport, dport=sport, flags="PA", seq=sseq, ack=cseq) / Raw(chunk))
        sseq += len(chunk)
        emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="A", seq=cseq, ack=sseq))
    emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="FA", seq=cseq, ack=sseq))
    emit(s_eth / l3(srv, cli) / TCP(sport=dport, dport=sport, flags="FA", seq=sseq, ack=cseq + 1))
    emit(c_eth / l3(cli, srv) / TCP(sport=sport, dport=dport, flags="A", seq=cseq + 1, ack=sseq + 1))


def main():
    out, hello_file = sys.argv[1], sys.argv[2]
    hello = open(hello_file, "rb").read()
    body = b"<html>hello</html>\n"
    tcp_flow("10.99.0.10", "198.51.100.10", 40001, 80,
             [b"GET /download.exe HTTP/1.1\r\nHost: www.evil.example\r\nUser-Agent: EvilBot/1.0\r\n\r\n"],
             [b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(body) + body])
    emit(Ether(src=LAN_MAC, dst=GW_MAC) / IP(src="10.99.0.10", dst="198.51.100.53") /
         UDP(sport=40002, dport=53) / DNS(id=0x1234, rd=1, qd=DNSQR(qname="bad.example.test", qtype="A")))
    tcp_flow("10.99.0.10", "198.51.100.10", 40003, 443, [hello[:50], hello[50:]])
    tcp_flow("fd99::10", "2001:db8:100::10", 40004, 80,
             [b"GET /admin.php?id=1 HTTP/1.1\r\nHost: [2001:db8:100::10]\r\nUser-Agent: curl/7.88.1\r\n\r\n"])
    tcp_flow("10.99.0.10", "198.51.100.10", 40005, 80,
             [b"GET /index.html HTTP/1.1\r\nHost: www.example.test\r\nUser-Agent: curl/7.88.1\r\n\r\n"],
             [b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body])
    query = bytes(DNS(id=0x4321, rd=1, qd=DNSQR(qname="tcp.bad.example.test", qtype="AAAA")))
    framed = len(query).to_bytes(2, "big") + query
    tcp_flow("10.99.0.10", "198.51.100.53", 40006, 53, [framed[:1], framed[1:]])
    tcp_flow("10.99.0.10", "198.51.100.25", 40007, 25,
             [b"EHLO pc1.office.example\r\nMAIL FROM:<alice@office.example>\r\n"
              b"RCPT TO:<bob@partner.example>\r\nDATA\r\nSubject: Invoice 42\r\n",
              b"\r\nPlease find the invoice.\r\n..dot-stuffed line\r\n.\r\nQUIT\r\n"],
             [b"220 mx.partner.example ESMTP\r\n250-mx.partner.example\r\n250 SIZE 10240000\r\n"
              b"250 OK\r\n250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 OK queued\r\n221 Bye\r\n"])
    tcp_flow("10.99.0.10", "203.0.113.77", 40008, 6667,
             [b"NICK pc1\r\nPRIVMSG #co", b"ntrol :ready\r\n"])
    # 9: 7 KB into a stream, a signature split across segments (Hyperscan streaming)
    tcp_flow("10.99.0.10", "203.0.113.78", 40009, 4444,
             [b"x" * 1400] * 5 + [b"data EXFIL-BE", b"GIN user=pc1 token=0042\r\n"])
    wrpcap(out, packets)


if __name__ == "__main__":
    main()
