/*
 * tcpcraft lab applications that need socket calls Node does not offer (a small receive buffer,
 * out-of-band data, one send() per piece). lab/services.mjs starts this program next to its own
 * services, on the same addresses, so every target that runs services.mjs (linux, linux-uml,
 * gvisor) has them too. Each serves many connections at once and never lives past its lifetime.
 *
 *   TCP 2011 stall    receive buffer of STALL_RCVBUF bytes, never reads: the window closes after
 *                     a few segments. When the peer signals urgent data it writes "urgent\n" (it
 *                     looks every 20 ms; an urgent pointer seen by the stack makes recv(MSG_OOB)
 *                     return the byte or EAGAIN instead of EINVAL). A stack whose recv(MSG_OOB)
 *                     says the same before anything has arrived (gVisor treats it as a plain
 *                     recv) cannot tell us, and the application then never writes. Closes after 10 s.
 *                     (RFC 9293 MUST-66: RST and URG processed with a zero window.)
 *   TCP 2012 trickle  receive buffer of STALL_RCVBUF bytes; reads nothing while data keeps coming
 *                     in; once its queue has not grown for 1 s (the sender is stopped by a full
 *                     window; a sender whose ACKs are delayed the 500 ms RFC 9293 allows still
 *                     sends more often than that), reads 25 bytes every 20 ms (a slow reader, in small reads) until
 *                     the peer closes or 20 s pass.
 *                     (RFC 9293 MUST-39: the receiver's silly window syndrome avoidance.)
 *   TCP 2013 pieces   TCP_NODELAY; once accepted, writes ten 100-byte pieces "0000..." to
 *                     "9999..." with ten send() calls (each one a push), then reads and drops
 *                     until the peer closes. (RFC 9293 SHLD-27: successive pushes collapsed.)
 *   TCP 2014 fastopen echo with TCP Fast Open on the listener (TCP_FASTOPEN, RFC 7413): a SYN may
 *                     carry data, taken at once with a valid cookie; closes when the peer closes
 *                     or 20 s pass. (The stack must allow server TFO too: Linux's
 *                     net.ipv4.tcp_fastopen bit 2, which the lab sets in the server namespace.)
 *
 * Usage: lab-apps HOST[,HOST...] LIFETIME_SECONDS
 * Prints "lab-apps: ready" on stdout once every port listens; ends when its parent does, after
 * LIFETIME_SECONDS, or at once on SIGTERM.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define STALL_RCVBUF 2048
/* How long the trickle application waits for its queue to stop growing before it reads. */
#define TRICKLE_QUIET_MS 1000
#define MAX_LISTEN 32
#define MAX_CONN 256

enum app { STALL, TRICKLE, PIECES, FASTOPEN };
static const struct { enum app app; int port; } APPS[] = {{STALL, 2011}, {TRICKLE, 2012}, {PIECES, 2013}, {FASTOPEN, 2014}};
#define NAPPS (sizeof APPS / sizeof APPS[0])

struct conn {
  int fd;
  enum app app;
  long long since;   /* when accepted, ms */
  long long next;    /* trickle: next read (0: not reading yet) */
  int queued;        /* trickle: bytes queued when last looked at */
  long long grew;    /* trickle: when that last changed */
  int done;          /* stall: urgent reported (or cannot be told); pieces: written */
};

static struct conn conns[MAX_CONN];
static int nconns;

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

static void die(const char *what) {
  fprintf(stderr, "lab-apps: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* A listening socket on host:port (IPv4 or IPv6 by the address's form). */
static int listen_on(const char *host, int port, enum app app) {
  struct sockaddr_storage ss;
  socklen_t len;
  memset(&ss, 0, sizeof ss);
  int family = strchr(host, ':') ? AF_INET6 : AF_INET;
  if (family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons(port);
    if (inet_pton(AF_INET6, host, &a->sin6_addr) != 1) { fprintf(stderr, "lab-apps: bad address %s\n", host); exit(2); }
    len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_port = htons(port);
    if (inet_pton(AF_INET, host, &a->sin_addr) != 1) { fprintf(stderr, "lab-apps: bad address %s\n", host); exit(2); }
    len = sizeof *a;
  }
  int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  /* Set before listen(): accepted sockets inherit it, and the window scale is chosen from it. */
  if (app == STALL || app == TRICKLE) {
    int size = STALL_RCVBUF;
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size) < 0) die("SO_RCVBUF");
  }
  if (app == PIECES && setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) die("TCP_NODELAY");
  /* A stack without server TFO refuses this; the port then simply has no fast open. */
  int queue = 16;
  if (app == FASTOPEN) (void)setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN, &queue, sizeof queue);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
    fprintf(stderr, "lab-apps: port %d on %s: %s\n", port, host, strerror(errno));
    exit(1);
  }
  if (listen(fd, 64) < 0) die("listen");
  return fd;
}

static void drop(int i) {
  close(conns[i].fd);
  conns[i] = conns[--nconns];
}

/* True when the stack has seen an urgent pointer on fd (the byte itself, or its announcement). */
static int urgent_seen(int fd) {
  char b;
  ssize_t n = recv(fd, &b, 1, MSG_OOB | MSG_PEEK | MSG_DONTWAIT);
  return n == 1 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK));
}

/* Sends all of buf (a short non-blocking write of a few hundred bytes never blocks long). */
static void send_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) { usleep(1000); continue; }
      return;
    }
    buf += n;
    len -= (size_t)n;
  }
}

/* One step of connection i; returns 0 when it is finished (and has been dropped). */
static int step(int i, long long t) {
  struct conn *c = &conns[i];
  char buf[512];
  switch (c->app) {
  case STALL:
    if (t - c->since > 10000) { drop(i); return 0; }
    if (!c->done && urgent_seen(c->fd)) {
      c->done = 1;
      send_all(c->fd, "urgent\n", 7);
    }
    return 1;
  case TRICKLE:
    if (t - c->since > 20000) { drop(i); return 0; }
    if (c->next == 0) {
      int q = 0;
      if (ioctl(c->fd, FIONREAD, &q) < 0) { drop(i); return 0; }
      if (q != c->queued) { c->queued = q; c->grew = t; }
      if (q == 0 || t - c->grew < TRICKLE_QUIET_MS) return 1;
      c->next = t;
    }
    if (t >= c->next) {
      c->next = t + 20;
      ssize_t n = recv(c->fd, buf, 25, MSG_DONTWAIT);
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) { drop(i); return 0; }
    }
    return 1;
  case PIECES:
    if (t - c->since > 20000) { drop(i); return 0; }
    if (!c->done) {
      c->done = 1;
      for (int k = 0; k < 10; k++) {
        memset(buf, '0' + k, 100);
        send_all(c->fd, buf, 100);
      }
    }
    for (;;) {
      ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) continue;
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) { drop(i); return 0; }
      break;
    }
    return 1;
  case FASTOPEN:
    if (t - c->since > 20000) { drop(i); return 0; }
    for (;;) {
      ssize_t n = recv(c->fd, buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) { send_all(c->fd, buf, (size_t)n); continue; }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK)) { drop(i); return 0; }
      break;
    }
    return 1;
  }
  return 1;
}

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: lab-apps HOST[,HOST...] LIFETIME_SECONDS\n");
    return 2;
  }
  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 0;
  /* SIGTERM and SIGINT keep their default action: the program ends at once (the kernel closes
     its sockets). */
  signal(SIGPIPE, SIG_IGN);
  long long deadline = now_ms() + atoll(argv[2]) * 1000;

  struct pollfd lfds[MAX_LISTEN];
  enum app lapp[MAX_LISTEN];
  int nl = 0;
  char *hosts = strdup(argv[1]);
  for (char *h = strtok(hosts, ","); h; h = strtok(NULL, ",")) {
    for (size_t a = 0; a < NAPPS; a++) {
      if (nl == MAX_LISTEN) { fprintf(stderr, "lab-apps: too many addresses\n"); return 2; }
      lfds[nl].fd = listen_on(h, APPS[a].port, APPS[a].app);
      lfds[nl].events = POLLIN;
      lapp[nl++] = APPS[a].app;
    }
  }
  printf("lab-apps: ready\n");
  fflush(stdout);

  while (now_ms() < deadline) {
    /* Accepts wake us at once; connections are looked at every 20 ms. */
    if (poll(lfds, nl, 20) < 0 && errno != EINTR) die("poll");
    long long t = now_ms();
    for (int l = 0; l < nl; l++) {
      if (!(lfds[l].revents & POLLIN)) continue;
      int fd;
      while ((fd = accept4(lfds[l].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        if (nconns == MAX_CONN) { close(fd); continue; }
        struct conn *c = &conns[nconns++];
        c->fd = fd;
        c->app = lapp[l];
        c->since = t;
        c->next = 0;
        c->queued = 0;
        c->grew = t;
        /* Nothing urgent can be pending yet: a stack that says otherwise cannot tell us later. */
        c->done = c->app == STALL && urgent_seen(fd);
      }
    }
    for (int i = 0; i < nconns;) i += step(i, t);
  }
  return 0;
}
