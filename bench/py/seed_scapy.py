"""scapy doing the netcat seed exchange (scenarios/netcat-5000.ts) against the lab's nc:
SYN (mss 1460, nop, wscale 8, nop, nop, sackOK) -> SYN/ACK, ACK, PSH/ACK with 34 bytes -> ACK,
FIN/ACK -> (ACK) FIN/ACK, ACK. The caller installs the kernel-RST guard for SPORT (nft, client
namespace) and removes it afterwards. Every wait is bounded.
  usage: python3 bench/py/seed_scapy.py DST DPORT SPORT"""
import random
import sys

from scapy.config import conf
from scapy.layers.inet import IP, TCP
from scapy.packet import Raw
from scapy.sendrecv import send, sniff, sr1

conf.verb = 0
dst, dport, sport = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
PAYLOAD = b"Hello from tcpcraft, over netcat!\n"
ip = IP(dst=dst)
isn = random.randrange(0, 2**32)
opts = [("MSS", 1460), ("NOP", None), ("WScale", 8), ("NOP", None), ("NOP", None), ("SAckOK", b"")]

sa = sr1(ip / TCP(sport=sport, dport=dport, flags="S", seq=isn, window=65535, options=opts), timeout=3)
if sa is None or sa[TCP].flags != "SA":
    sys.exit("no SYN/ACK")
peer = sa[TCP].seq + 1
send(ip / TCP(sport=sport, dport=dport, flags="A", seq=isn + 1, ack=peer, window=10233))
a = sr1(ip / TCP(sport=sport, dport=dport, flags="PA", seq=isn + 1, ack=peer, window=10233) / Raw(PAYLOAD), timeout=3)
if a is None:
    sys.exit("no ACK of the data")
fin = sr1(ip / TCP(sport=sport, dport=dport, flags="FA", seq=isn + 35, ack=peer, window=10233), timeout=3)
if fin is not None and not fin[TCP].flags.F:
    got = sniff(filter=f"tcp and src host {dst} and src port {dport} and dst port {sport}", count=1, timeout=3,
                lfilter=lambda p: TCP in p and p[TCP].flags.F)
    fin = got[0] if got else None
if fin is None:
    sys.exit("no FIN from the server")
send(ip / TCP(sport=sport, dport=dport, flags="A", seq=isn + 36, ack=fin[TCP].seq + 1, window=10233))
