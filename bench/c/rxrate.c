/*
 * Receiver-side packet rate: samples /sys/class/net/IFACE/statistics/rx_packets every 1 ms
 * (run it inside the receiving namespace) for at most SECONDS; once packets flowed, stops after
 * IDLE_MS without a new one. Rate = packets between the first and last increase / that time.
 *   usage: rxrate IFACE SECONDS IDLE_MS   -> prints "packets N seconds S"; writes "ready" to stderr first
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static double now_s(void) { struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts); return ts.tv_sec + ts.tv_nsec / 1e9; }
static long long rx(const char *path) {
  FILE *f = fopen(path, "r");
  long long v = -1;
  if (f) { if (fscanf(f, "%lld", &v) != 1) v = -1; fclose(f); }
  return v;
}

int main(int argc, char **argv) {
  if (argc != 4) { fprintf(stderr, "usage: rxrate IFACE SECONDS IDLE_MS\n"); return 2; }
  char path[256];
  snprintf(path, sizeof path, "/sys/class/net/%s/statistics/rx_packets", argv[1]);
  double limit = atof(argv[2]), idle = atof(argv[3]) / 1000;
  if (!(limit > 0) || limit > 120 || !(idle > 0)) { fprintf(stderr, "bad bounds\n"); return 2; }
  long long base = rx(path), last = base, first_count = -1;
  if (base < 0) { perror(path); return 2; }
  fprintf(stderr, "ready\n");
  fflush(stderr);
  double start = now_s(), t_first = 0, t_last = 0;
  for (;;) {
    double t = now_s();
    if (t - start > limit) break;
    long long v = rx(path);
    if (v > last) {
      if (first_count < 0) { first_count = v; t_first = t; }
      last = v;
      t_last = t;
    } else if (first_count >= 0 && t - t_last > idle) break;
    usleep(1000);
  }
  if (first_count < 0) { printf("packets 0 seconds 0\n"); return 0; }
  /* Packets counted after the first sample that saw traffic, over the time to the last increase. */
  printf("packets %lld seconds %.6f total %lld\n", last - first_count, t_last - t_first, last - base);
  return 0;
}
