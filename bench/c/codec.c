/*
 * The machine's limit for build and parse: a minimal C serializer and parser of the two bench
 * packets (a SYN with MSS, SACK-permitted, timestamps, NOP, window scale; a PSH/ACK with 34 bytes
 * of payload), both checksums computed on every build. Compiled at bench time with cc -O2.
 *   usage: codec ITERATIONS   -> one JSON object of ns per operation on stdout
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const uint8_t SRC[4] = {10, 77, 0, 1}, DST[4] = {10, 77, 0, 2};
static const char PAYLOAD[] = "Hello from tcpcraft, over netcat!\n"; /* 34 bytes */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s) {
  size_t i = 0;
  for (; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
  if (i < n) s += (uint32_t)p[i] << 8;
  return s;
}
static uint16_t fold(uint32_t s) {
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}
static void put16(uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v & 0xff; }
static void put32(uint8_t *p, uint32_t v) { p[0] = v >> 24; p[1] = v >> 16; p[2] = v >> 8; p[3] = v; }
static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t get32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

/* Builds IPv4 + TCP (+ options, + payload) into buf; returns the length. */
static size_t build(uint8_t *buf, uint32_t seq, uint32_t ack, uint8_t flags, uint16_t win, int syn_opts, const char *payload, size_t plen) {
  size_t optlen = syn_opts ? 20 : 0, tcplen = 20 + optlen + plen, total = 20 + tcplen;
  uint8_t *ip = buf, *tcp = buf + 20;
  ip[0] = 0x45; ip[1] = 0; put16(ip + 2, (uint16_t)total); put16(ip + 4, 0); put16(ip + 6, 0x4000);
  ip[8] = 64; ip[9] = 6; put16(ip + 10, 0); memcpy(ip + 12, SRC, 4); memcpy(ip + 16, DST, 4);
  put16(tcp, 40000); put16(tcp + 2, 5000); put32(tcp + 4, seq); put32(tcp + 8, ack);
  tcp[12] = (uint8_t)(((20 + optlen) / 4) << 4); tcp[13] = flags; put16(tcp + 14, win); put16(tcp + 16, 0); put16(tcp + 18, 0);
  if (syn_opts) {
    uint8_t *o = tcp + 20;
    o[0] = 2; o[1] = 4; put16(o + 2, 1460);
    o[4] = 4; o[5] = 2;
    o[6] = 8; o[7] = 10; put32(o + 8, seq ^ 0x5a5a); put32(o + 12, 0);
    o[16] = 1; o[17] = 3; o[18] = 3; o[19] = 7;
  }
  if (plen) memcpy(tcp + 20 + optlen, payload, plen);
  uint32_t ps = sum16(SRC, 4, 0); ps = sum16(DST, 4, ps); ps += 6 + (uint32_t)tcplen;
  put16(tcp + 16, fold(sum16(tcp, tcplen, ps)));
  put16(ip + 10, fold(sum16(ip, 20, 0)));
  return total;
}

struct parsed {
  uint8_t ihl, ttl, proto, flags, doff, wscale, sack_ok;
  uint16_t total, id, frag, ipsum, sport, dport, win, tcpsum, urg, mss;
  uint32_t src, dst, seq, ack, tsval, tsecr;
  const uint8_t *payload;
  size_t plen;
};

/* Decodes every header field and the known options; returns 0, or -1 on short/bad input. */
static int parse(const uint8_t *b, size_t n, struct parsed *p) {
  if (n < 20) return -1;
  p->ihl = b[0] & 15; p->total = get16(b + 2);
  if (p->ihl < 5 || p->total > n || p->total < p->ihl * 4u) return -1;
  p->id = get16(b + 4); p->frag = get16(b + 6); p->ttl = b[8]; p->proto = b[9]; p->ipsum = get16(b + 10);
  p->src = get32(b + 12); p->dst = get32(b + 16);
  if (p->proto != 6) return -1;
  const uint8_t *t = b + p->ihl * 4; size_t tn = p->total - p->ihl * 4u;
  if (tn < 20) return -1;
  p->sport = get16(t); p->dport = get16(t + 2); p->seq = get32(t + 4); p->ack = get32(t + 8);
  p->doff = t[12] >> 4; p->flags = t[13]; p->win = get16(t + 14); p->tcpsum = get16(t + 16); p->urg = get16(t + 18);
  if (p->doff < 5 || p->doff * 4u > tn) return -1;
  p->mss = 0; p->wscale = 0xff; p->sack_ok = 0; p->tsval = p->tsecr = 0;
  for (size_t i = 20; i < p->doff * 4u;) {
    uint8_t k = t[i];
    if (k == 0) break;
    if (k == 1) { i++; continue; }
    if (i + 1 >= p->doff * 4u) return -1;
    uint8_t l = t[i + 1];
    if (l < 2 || i + l > p->doff * 4u) return -1;
    if (k == 2 && l == 4) p->mss = get16(t + i + 2);
    else if (k == 3 && l == 3) p->wscale = t[i + 2];
    else if (k == 4 && l == 2) p->sack_ok = 1;
    else if (k == 8 && l == 10) { p->tsval = get32(t + i + 2); p->tsecr = get32(t + i + 6); }
    i += l;
  }
  p->payload = t + p->doff * 4; p->plen = tn - p->doff * 4u;
  return 0;
}

static double now_ns(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec * 1e9 + ts.tv_nsec; }

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 1000000;
  if (n < 1 || n > 1000000000L) { fprintf(stderr, "iterations out of range\n"); return 2; }
  static uint8_t buf[128], syn[128], pa[128];
  volatile uint32_t sink = 0;
  size_t synlen = build(syn, 1000, 0, 0x02, 65535, 1, NULL, 0);
  size_t palen = build(pa, 1001, 2001, 0x18, 502, 0, PAYLOAD, 34);
  double t0 = now_ns();
  for (long i = 0; i < n; i++) sink += buf[(build(buf, (uint32_t)i, 0, 0x02, 65535, 1, NULL, 0) - 1) & 127];
  double t1 = now_ns();
  for (long i = 0; i < n; i++) sink += buf[(build(buf, (uint32_t)i, 2001, 0x18, 502, 0, PAYLOAD, 34) - 1) & 127];
  double t2 = now_ns();
  struct parsed p;
  for (long i = 0; i < n; i++) { syn[7] = (uint8_t)i; parse(syn, synlen, &p); sink += p.seq + p.tsval + p.mss; }
  double t3 = now_ns();
  for (long i = 0; i < n; i++) { pa[7] = (uint8_t)i; parse(pa, palen, &p); sink += p.seq + (uint32_t)p.plen + p.win; }
  double t4 = now_ns();
  printf("{\"buildSyn\":%.2f,\"buildPshAck\":%.2f,\"parseSyn\":%.2f,\"parsePshAck\":%.2f,\"sink\":%u}\n",
         (t1 - t0) / n, (t2 - t1) / n, (t3 - t2) / n, (t4 - t3) / n, (unsigned)sink);
  return 0;
}
