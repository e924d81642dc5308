"""scapy's side of the build/parse benchmark: the same two packets as c/codec.c and
node/codec.mjs, built (bytes() computes both checksums) and parsed (IP(raw), fields read).
  usage: python3 bench/py/codec_scapy.py ITERATIONS   -> one JSON object of ns per operation"""
import json
import sys
import time

from scapy.layers.inet import IP, TCP
from scapy.packet import Raw

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
if not 1 <= n <= 10_000_000:
    sys.exit("iterations out of range")
PAYLOAD = b"Hello from tcpcraft, over netcat!\n"  # 34 bytes
SRC, DST = "10.77.0.1", "10.77.0.2"


def syn(seq):
    return IP(src=SRC, dst=DST, flags="DF", ttl=64) / TCP(
        sport=40000, dport=5000, seq=seq, ack=0, flags="S", window=65535,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", ((seq ^ 0x5A5A) & 0xFFFFFFFF, 0)), ("NOP", None), ("WScale", 7)])


def psh_ack(seq):
    return IP(src=SRC, dst=DST, flags="DF", ttl=64) / TCP(sport=40000, dport=5000, seq=seq, ack=2001, flags="PA", window=502) / Raw(PAYLOAD)


def timed(fn):
    for i in range(min(n, 50)):
        fn(i)
    t0 = time.perf_counter_ns()
    for i in range(n):
        fn(i)
    return (time.perf_counter_ns() - t0) / n


sink = 0
syn_bytes = bytes(syn(1000))
pa_bytes = bytes(psh_ack(1001))


def parse_syn(i):
    global sink
    p = IP(syn_bytes)
    sink += p[TCP].seq + len(p[TCP].options)


def parse_pa(i):
    global sink
    p = IP(pa_bytes)
    sink += p[TCP].seq + len(p[TCP].payload)


out = {
    "buildSyn": timed(lambda i: len(bytes(syn(i)))),
    "buildPshAck": timed(lambda i: len(bytes(psh_ack(i)))),
    "parseSyn": timed(parse_syn),
    "parsePshAck": timed(parse_pa),
    "sink": sink,
}
print(json.dumps(out))
