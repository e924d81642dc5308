/*
 * tcpcraft lab: opens an existing tap device and runs a program with it as file descriptor 3.
 * A program that cannot make the TUNSETIFF ioctl itself (Node) gets its tap this way; the lab's
 * reference target runs lab/reference-lab.mjs under it.
 *
 * Usage: lab-tap-exec TAP PROGRAM [ARG...]
 * The tap is attached without packet information (IFF_NO_PI): each read() is one Ethernet
 * frame, each write() sends one. Exits 2 on bad usage, 1 when the tap cannot be opened, else
 * becomes PROGRAM.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc < 3 || strlen(argv[1]) == 0 || strlen(argv[1]) >= IFNAMSIZ) {
    fprintf(stderr, "usage: lab-tap-exec TAP PROGRAM [ARG...]\n");
    return 2;
  }
  int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    fprintf(stderr, "lab-tap-exec: /dev/net/tun: %s\n", strerror(errno));
    return 1;
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, argv[1], IFNAMSIZ - 1);
  if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
    fprintf(stderr, "lab-tap-exec: %s: %s\n", argv[1], strerror(errno));
    return 1;
  }
  /* fd 3 must survive exec: dup2 gives a copy without close-on-exec (the original, opened with
   * it, goes); when the tap already is fd 3, the flag is cleared instead. */
  if (fd != 3 ? dup2(fd, 3) < 0 : fcntl(fd, F_SETFD, 0) < 0) {
    fprintf(stderr, "lab-tap-exec: fd 3: %s\n", strerror(errno));
    return 1;
  }
  execvp(argv[2], argv + 2);
  fprintf(stderr, "lab-tap-exec: %s: %s\n", argv[2], strerror(errno));
  return 1;
}
