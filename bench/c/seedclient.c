/*
 * The kernel's own socket doing the netcat seed exchange: connect, send the 34-byte line,
 * close our side (FIN), read until the server's FIN, close. Bounded by SO_RCVTIMEO/SO_SNDTIMEO.
 *   usage: seedclient HOST PORT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: seedclient HOST PORT\n"); return 2; }
  static const char line[] = "Hello from tcpcraft, over netcat!\n";
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2]))};
  if (inet_pton(AF_INET, argv[1], &a.sin_addr) != 1) { fprintf(stderr, "bad address\n"); return 2; }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct timeval tv = {.tv_sec = 5};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { perror("connect"); return 1; }
  if (write(fd, line, sizeof line - 1) != (ssize_t)(sizeof line - 1)) { perror("write"); return 1; }
  shutdown(fd, SHUT_WR);
  char buf[256];
  for (int i = 0; i < 1000; i++) {
    ssize_t r = read(fd, buf, sizeof buf);
    if (r <= 0) break;
  }
  close(fd);
  return 0;
}
