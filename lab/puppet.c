/*
 * tcpcraft's puppet: makes socket calls on command, so that a scenario's app() steps can play the
 * application on a stack that runs Linux binaries (the host's Linux, linux-uml, gVisor, the host
 * side of libslirp). It speaks the protocol declared in src/lab/puppet.ts, whose header is the
 * specification: one request a line on stdin, one reply a line on stdout.
 *
 *   request:  SID ID CALL ARG...          (SID 0 end: close every socket of session SID)
 *   reply:    SID ID RET ERRNO DURATION_US [HEX]
 *
 * Usage: lab-puppet [--bind-any] [--stack NAME] [--lifetime SECONDS]
 *   --bind-any          bind takes the wildcard address of the socket's family, whatever ADDR is
 *                       (for a stack that hands connections on to the loopback, like libslirp's
 *                       host side)
 *   --stack NAME        the stack named in the ready line (default "linux"; letters, digits,
 *                       '_', '.' and '-', at most 40)
 *   --lifetime SECONDS  ends after this long (default 43200, half a day)
 *
 * Writes "0 0 ready 1 NAME" first. Ends at the end of stdin, after its lifetime, on SIGTERM or
 * SIGINT, and when its parent does; its sockets close with it (the kernel closes them all as the
 * process ends, without waiting for any SO_LINGER).
 *
 * How it runs. The main thread reads and parses the lines. `socket` and `end` it does itself (they
 * never block, and doing them in order means a socket cannot slip into a session that has just
 * ended); every other call runs in a detached thread of its own, so a blocked accept, connect,
 * read or write holds up nothing else, not even the same session's other calls. Replies are
 * written whole under a mutex, in the order calls finish.
 *
 * Handles are numbers the puppet gives out from 1 and never gives twice, each bound to the
 * session that made it: a handle that is unknown, closed or another session's is EBADF. A call
 * holds a reference to its handle while it runs, and the descriptor is closed only once the last
 * reference goes: a blocked call woken by `end` (which shuts every socket down first) can never
 * find its descriptor number reused by another socket. (So `close` of a handle another call is
 * blocked on takes effect when that call returns, as when one thread of a program closes a
 * descriptor another is blocked on: Linux too keeps the socket until the call returns.)
 *
 * Bounds: MAX_HANDLES sockets at once, of at most MAX_SESSIONS sessions (beyond: EMFILE), and
 * MAX_THREADS calls in flight (beyond: EAGAIN, at once).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PROTOCOL 1
#define MAX_LINE 140000 /* newline included */
#define MAX_IO 65536
#define MAX_HANDLES 256
#define MAX_SESSIONS 64
#define MAX_THREADS 64
#define MAX_ADDR 64     /* longest ADDR token taken */
#define MAX_TOKENS 8
#define THREAD_STACK (256 * 1024)
#define ID_MAX 2147483647LL

/* ---- replies ---- */

static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;

/* Writes one whole line to stdout; nothing else can write between its bytes. */
static void put_line(const char *s, size_t len) {
  pthread_mutex_lock(&out_lock);
  while (len > 0) {
    ssize_t n = write(STDOUT_FILENO, s, len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break; /* the reader is gone: stdin's end will follow */
    s += n;
    len -= (size_t)n;
  }
  pthread_mutex_unlock(&out_lock);
}

static const struct { int num; const char *name; } ERRNOS[] = {
  {EAGAIN, "EAGAIN"}, {EINPROGRESS, "EINPROGRESS"}, {EALREADY, "EALREADY"},
  {ECONNREFUSED, "ECONNREFUSED"}, {ECONNRESET, "ECONNRESET"}, {ECONNABORTED, "ECONNABORTED"},
  {EPIPE, "EPIPE"}, {ENOTCONN, "ENOTCONN"}, {EISCONN, "EISCONN"}, {ETIMEDOUT, "ETIMEDOUT"},
  {EHOSTUNREACH, "EHOSTUNREACH"}, {ENETUNREACH, "ENETUNREACH"}, {EHOSTDOWN, "EHOSTDOWN"},
  {ENETDOWN, "ENETDOWN"}, {ENETRESET, "ENETRESET"}, {EADDRINUSE, "EADDRINUSE"},
  {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {EINVAL, "EINVAL"}, {EBADF, "EBADF"},
  {ENOPROTOOPT, "ENOPROTOOPT"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {ENOTSOCK, "ENOTSOCK"},
  {EINTR, "EINTR"}, {ENOMEM, "ENOMEM"}, {ENOBUFS, "ENOBUFS"}, {EMSGSIZE, "EMSGSIZE"},
  {EACCES, "EACCES"}, {EPERM, "EPERM"}, {EFAULT, "EFAULT"}, {EAFNOSUPPORT, "EAFNOSUPPORT"},
  {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {EPROTOTYPE, "EPROTOTYPE"}, {EPROTO, "EPROTO"},
  {EDESTADDRREQ, "EDESTADDRREQ"}, {ENOSPC, "ENOSPC"}, {EIO, "EIO"}, {ENOENT, "ENOENT"},
  {EMFILE, "EMFILE"}, {ENFILE, "ENFILE"}, {ENOSYS, "ENOSYS"}, {EROFS, "EROFS"},
#if EWOULDBLOCK != EAGAIN
  {EWOULDBLOCK, "EAGAIN"},
#endif
};

/* The symbolic name of err ("E" and the number for one the table lacks); buf holds at least 16. */
static const char *errno_name(int err, char *buf) {
  for (size_t i = 0; i < sizeof ERRNOS / sizeof ERRNOS[0]; i++)
    if (ERRNOS[i].num == err) return ERRNOS[i].name;
  snprintf(buf, 16, "E%d", err < 0 ? -err : err);
  return buf;
}

/* "SID ID RET ERRNO DURATION_US" into line (err 0: no errno); returns its length. */
static int format_reply(char *line, size_t size, unsigned sid, unsigned id, long long ret, int err, long long us) {
  char tmp[16];
  return snprintf(line, size, "%u %u %lld %s %lld", sid, id, ret, err ? errno_name(err, tmp) : "-", us);
}

static void reply(unsigned sid, unsigned id, long long ret, int err, long long us) {
  char line[96];
  int n = format_reply(line, sizeof line - 1, sid, id, ret, err, us);
  line[n++] = '\n';
  put_line(line, (size_t)n);
}

static void reply_bad(unsigned sid, unsigned id) {
  char line[64];
  int n = snprintf(line, sizeof line, "%u %u -1 EBADREQ 0\n", sid, id);
  put_line(line, (size_t)n);
}

/* Ends the process, once no reply is half written (or after a second: a reader that has stopped
   reading must not keep the puppet alive). The kernel closes every socket. */
static void finish(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += 1;
  pthread_mutex_timedlock(&out_lock, &t);
  _exit(0);
}

static long long now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* ---- handles ---- */

struct handle {
  int used;       /* the slot holds a descriptor (maybe closing) */
  int closing;    /* closed or ended: no call finds it any more; the fd closes with the last ref */
  int ended;      /* its session ended: an accept on it keeps nothing it returns */
  unsigned num;   /* the handle's number */
  unsigned sid;   /* the session that made it */
  int fd;
  int family;     /* AF_INET or AF_INET6 */
  int refs;       /* calls running on it */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct handle handles[MAX_HANDLES];
static unsigned next_num = 1;
static int threads; /* calls in flight in threads */

/* The handle numbered num, when it belongs to session sid; holds a reference on it. */
static struct handle *take(unsigned sid, unsigned num) {
  struct handle *found = NULL;
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_HANDLES; i++) {
    struct handle *h = &handles[i];
    if (h->used && !h->closing && h->num == num && h->sid == sid) {
      h->refs++;
      found = h;
      break;
    }
  }
  pthread_mutex_unlock(&lock);
  return found;
}

/* Drops a reference; the last one on a closing handle closes its fd and frees the slot.
   Returns close()'s result (and errno) when this closed it, 0 otherwise. */
static int drop(struct handle *h) {
  int fd = -1;
  pthread_mutex_lock(&lock);
  if (--h->refs == 0 && h->closing) {
    fd = h->fd;
    memset(h, 0, sizeof *h);
  }
  pthread_mutex_unlock(&lock);
  return fd < 0 ? 0 : close(fd);
}

/* Gives fd a handle in session sid (from: the listener an accept came through, or NULL).
   Returns the number, or 0 with errno set (the fd is then closed). */
static unsigned adopt(int fd, int family, unsigned sid, const struct handle *from) {
  struct handle *free_slot = NULL;
  int mine = 0, sessions = 0;
  unsigned seen[MAX_HANDLES];
  unsigned num = 0;
  int err = EMFILE;
  pthread_mutex_lock(&lock);
  if (from && from->ended) {
    err = EBADF;
    goto out;
  }
  for (int i = 0; i < MAX_HANDLES; i++) {
    struct handle *h = &handles[i];
    if (!h->used) {
      if (!free_slot) free_slot = h;
      continue;
    }
    if (h->closing) continue;
    if (h->sid == sid) { mine = 1; continue; }
    int k = 0;
    while (k < sessions && seen[k] != h->sid) k++;
    if (k == sessions) seen[sessions++] = h->sid;
  }
  if (!free_slot || (!mine && sessions >= MAX_SESSIONS)) goto out;
  num = next_num++;
  if (next_num > ID_MAX) next_num = 1; /* 2^31 sockets later */
  *free_slot = (struct handle){.used = 1, .num = num, .sid = sid, .fd = fd, .family = family};
out:
  pthread_mutex_unlock(&lock);
  if (!num) {
    close(fd);
    errno = err;
  }
  return num;
}

/* Closes a list of fds (a detached thread: a close may wait out SO_LINGER). */
struct fd_list { int n; int fds[MAX_HANDLES]; };

static void *close_all(void *arg) {
  struct fd_list *l = arg;
  for (int i = 0; i < l->n; i++) close(l->fds[i]);
  free(l);
  return NULL;
}

/* `SID 0 end`: every socket of the session is shut down (waking its blocked calls) and closed. */
static void end_session(unsigned sid) {
  struct fd_list *l = calloc(1, sizeof *l);
  if (!l) return; /* no memory: its sockets stay until the puppet ends */
  pthread_mutex_lock(&lock);
  for (int i = 0; i < MAX_HANDLES; i++) {
    struct handle *h = &handles[i];
    if (!h->used || h->sid != sid) continue;
    h->ended = 1;
    if (h->closing) continue;
    h->closing = 1;
    shutdown(h->fd, SHUT_RDWR);
    if (h->refs == 0) {
      l->fds[l->n++] = h->fd;
      memset(h, 0, sizeof *h);
    }
  }
  pthread_mutex_unlock(&lock);
  if (l->n == 0) { free(l); return; }
  pthread_t t;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, THREAD_STACK);
  if (pthread_create(&t, &attr, close_all, l) != 0) close_all(l);
  pthread_attr_destroy(&attr);
}

/* ---- requests ---- */

enum call { SOCKET, BIND, LISTEN, ACCEPT, CONNECT, WRITE, SEND, READ, SHUTDOWN, CLOSE, SETSOCKOPT, GETSOCKOPT, NONBLOCK, SYSCTL };

/* Each call's name and number of arguments. */
static const struct { const char *name; int nargs; } CALLS[] = {
  [SOCKET] = {"socket", 1}, [BIND] = {"bind", 3}, [LISTEN] = {"listen", 2}, [ACCEPT] = {"accept", 1},
  [CONNECT] = {"connect", 3}, [WRITE] = {"write", 3}, [SEND] = {"send", 3}, [READ] = {"read", 3},
  [SHUTDOWN] = {"shutdown", 2}, [CLOSE] = {"close", 1}, [SETSOCKOPT] = {"setsockopt", 3},
  [GETSOCKOPT] = {"getsockopt", 2}, [NONBLOCK] = {"nonblock", 2}, [SYSCTL] = {"sysctl", 2},
};

/* The TCP settings a learning run may change (SYSCTL_NAMES in puppet.ts): rate limits that make
   the stack's answers depend on time. Nothing else under /proc/sys can be named. */
static const char *const SYSCTLS[] = {"tcp_invalid_ratelimit", "tcp_challenge_ack_limit"};
#define NCALLS (sizeof CALLS / sizeof CALLS[0])

/* The socket options of SOCKOPTS in puppet.ts. */
struct sockopt { const char *name; int level, opt; };
static const struct sockopt SOCKOPTS[] = {
  {"TCP_NODELAY", IPPROTO_TCP, TCP_NODELAY}, {"TCP_CORK", IPPROTO_TCP, TCP_CORK},
  {"TCP_MAXSEG", IPPROTO_TCP, TCP_MAXSEG}, {"TCP_KEEPIDLE", IPPROTO_TCP, TCP_KEEPIDLE},
  {"TCP_KEEPINTVL", IPPROTO_TCP, TCP_KEEPINTVL}, {"TCP_KEEPCNT", IPPROTO_TCP, TCP_KEEPCNT},
  {"TCP_USER_TIMEOUT", IPPROTO_TCP, TCP_USER_TIMEOUT}, {"TCP_SYNCNT", IPPROTO_TCP, TCP_SYNCNT},
  {"TCP_FASTOPEN", IPPROTO_TCP, TCP_FASTOPEN},
  {"SO_SNDBUF", SOL_SOCKET, SO_SNDBUF}, {"SO_RCVBUF", SOL_SOCKET, SO_RCVBUF},
  {"SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE}, {"SO_LINGER", SOL_SOCKET, SO_LINGER},
  {"SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR}, {"SO_OOBINLINE", SOL_SOCKET, SO_OOBINLINE},
  {"SO_ERROR", SOL_SOCKET, SO_ERROR},
  /* As asked, on any socket: an IPv6 socket's stack answers for itself. */
  {"IP_TOS", IPPROTO_IP, IP_TOS}, {"IPV6_TCLASS", IPPROTO_IPV6, IPV6_TCLASS},
};

struct request {
  unsigned sid, id;
  enum call call;
  unsigned h;                 /* the handle (every call but socket) */
  long long n;                /* family, backlog, byte count, option value, 0|1 */
  int port;
  int flags;                  /* MSG_* */
  int how;                    /* SHUT_* */
  const struct sockopt *opt;  /* NULL: a name the puppet does not know */
  const char *sysctl;         /* one of SYSCTLS */
  char addr[MAX_ADDR];
  unsigned char *data;        /* send's bytes */
  size_t len;
};

/* A decimal number in [min, max] (a sign only when min < 0); 0 when s is not one. */
static int parse_num(const char *s, long long min, long long max, long long *out) {
  int neg = 0;
  if (*s == '-' && min < 0) { neg = 1; s++; }
  size_t len = strlen(s);
  if (len == 0 || len > 10) return 0;
  long long v = 0;
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9') return 0;
    v = v * 10 + (s[i] - '0');
  }
  if (neg) v = -v;
  if (v < min || v > max) return 0;
  *out = v;
  return 1;
}

/* FLAGS: "-" or names of the allowed ones, comma separated, into MSG_* bits; 0 when bad. */
static int parse_flags(char *s, int reading, int *out) {
  *out = 0;
  if (strcmp(s, "-") == 0) return 1;
  for (;;) {
    char *comma = strchr(s, ',');
    if (comma) *comma = '\0';
    if (strcmp(s, "oob") == 0) *out |= MSG_OOB;
    else if (!reading && strcmp(s, "more") == 0) *out |= MSG_MORE;
    else if (reading && strcmp(s, "peek") == 0) *out |= MSG_PEEK;
    else return 0;
    if (!comma) return 1;
    s = comma + 1;
  }
}

static int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* send's HEX, 1 to MAX_IO bytes, into r->data; 0 when bad. */
static int parse_hex(const char *s, struct request *r) {
  size_t len = strlen(s);
  if (len == 0 || len % 2 || len / 2 > MAX_IO) return 0;
  r->data = malloc(len / 2);
  if (!r->data) return 0;
  for (size_t i = 0; i < len; i += 2) {
    int hi = hex_digit(s[i]), lo = hex_digit(s[i + 1]);
    if (hi < 0 || lo < 0) return 0; /* the caller frees r->data */
    r->data[i / 2] = (unsigned char)(hi << 4 | lo);
  }
  r->len = len / 2;
  return 1;
}

/* The arguments of r->call (tok[0] is the first); 0 when they are not right. */
static int parse_args(char **tok, struct request *r) {
  long long v;
  if (r->call == SOCKET) {
    if (!parse_num(tok[0], 4, 6, &r->n) || r->n == 5) return 0;
    return 1;
  }
  if (r->call == SYSCTL) {
    for (size_t i = 0; i < sizeof SYSCTLS / sizeof SYSCTLS[0]; i++)
      if (strcmp(tok[0], SYSCTLS[i]) == 0) r->sysctl = SYSCTLS[i];
    return r->sysctl && parse_num(tok[1], 0, ID_MAX, &r->n);
  }
  if (!parse_num(tok[0], 1, ID_MAX, &v)) return 0;
  r->h = (unsigned)v;
  switch (r->call) {
  case BIND:
  case CONNECT:
    if (strlen(tok[1]) >= MAX_ADDR) return 0;
    strcpy(r->addr, tok[1]);
    if (!parse_num(tok[2], 0, 65535, &v)) return 0;
    r->port = (int)v;
    return 1;
  case LISTEN:
    return parse_num(tok[1], -ID_MAX - 1, ID_MAX, &r->n);
  case WRITE:
    return parse_num(tok[1], 0, MAX_IO, &r->n) && parse_flags(tok[2], 0, &r->flags);
  case SEND:
    return parse_hex(tok[1], r) && parse_flags(tok[2], 0, &r->flags);
  case READ:
    return parse_num(tok[1], 1, MAX_IO, &r->n) && parse_flags(tok[2], 1, &r->flags);
  case SHUTDOWN:
    if (strcmp(tok[1], "rd") == 0) r->how = SHUT_RD;
    else if (strcmp(tok[1], "wr") == 0) r->how = SHUT_WR;
    else if (strcmp(tok[1], "rdwr") == 0) r->how = SHUT_RDWR;
    else return 0;
    return 1;
  case SETSOCKOPT:
  case GETSOCKOPT:
    for (size_t i = 0; i < sizeof SOCKOPTS / sizeof SOCKOPTS[0]; i++)
      if (strcmp(tok[1], SOCKOPTS[i].name) == 0) r->opt = &SOCKOPTS[i];
    if (r->call == GETSOCKOPT) return 1;
    if (!parse_num(tok[2], -ID_MAX - 1, ID_MAX, &r->n)) return 0;
    /* SO_LINGER's value is seconds or -1 (off): nothing else means anything. */
    return !(r->opt && r->opt->opt == SO_LINGER && r->opt->level == SOL_SOCKET && r->n < -1);
  case NONBLOCK:
    return parse_num(tok[1], 0, 1, &r->n);
  default:
    return 1;
  }
}

/* ---- the calls ---- */

static int bind_any;
static unsigned char pattern[MAX_IO]; /* the write pattern: 'a' + i % 26 */

/* ADDR PORT as a sockaddr of the handle's family (the wildcard when any); 0 when ADDR is not one. */
static int make_addr(const struct handle *h, const char *addr, int port, int any, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  if (h->family == AF_INET6) {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
    a->sin6_family = AF_INET6;
    a->sin6_port = htons((unsigned short)port);
    if (any) a->sin6_addr = in6addr_any;
    else if (inet_pton(AF_INET6, addr, &a->sin6_addr) != 1) return 0;
    *len = sizeof *a;
  } else {
    struct sockaddr_in *a = (struct sockaddr_in *)ss;
    a->sin_family = AF_INET;
    a->sin_port = htons((unsigned short)port);
    if (any) a->sin_addr.s_addr = htonl(INADDR_ANY);
    else if (inet_pton(AF_INET, addr, &a->sin_addr) != 1) return 0;
    *len = sizeof *a;
  }
  return 1;
}

/* Sends all of buf, in as many send()s as the stack needs; the bytes taken, or -1 when none were. */
static long long send_all(int fd, const unsigned char *buf, size_t len, int flags) {
  size_t done = 0;
  while (done < len) {
    ssize_t n = send(fd, buf + done, len - done, flags | MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return done > 0 ? (long long)done : -1;
    if (n == 0) break;
    done += (size_t)n;
  }
  if (len == 0 && send(fd, buf, 0, flags | MSG_NOSIGNAL) < 0) return -1;
  return (long long)done;
}

static const char HEXDIGITS[] = "0123456789abcdef";

/* read: recv() once; the reply line, the bytes in hex (NULL: no memory, *len the line's length). */
static char *do_read(const struct request *r, struct handle *h, long long t0, size_t *out_len) {
  size_t cap = 96 + 2 * (size_t)r->n + 2;
  unsigned char *buf = malloc((size_t)r->n);
  char *line = malloc(cap);
  if (!buf || !line) {
    free(buf);
    free(line);
    return NULL;
  }
  ssize_t n;
  do n = recv(h->fd, buf, (size_t)r->n, r->flags);
  while (n < 0 && errno == EINTR);
  int err = n < 0 ? errno : 0;
  int len = format_reply(line, cap, r->sid, r->id, n, err, now_us() - t0);
  if (n >= 0) {
    line[len++] = ' ';
    for (ssize_t i = 0; i < n; i++) {
      line[len++] = HEXDIGITS[buf[i] >> 4];
      line[len++] = HEXDIGITS[buf[i] & 15];
    }
  }
  line[len++] = '\n';
  free(buf);
  *out_len = (size_t)len;
  return line;
}

/* Runs r on its handle h (referenced); the result in *ret and errno (0: none). */
static long long run_call(const struct request *r, struct handle *h, int *err) {
  struct sockaddr_storage ss;
  socklen_t len;
  long long ret = 0;
  int v;
  errno = 0;
  switch (r->call) {
  case BIND:
  case CONNECT:
    if (!make_addr(h, r->addr, r->port, r->call == BIND && bind_any, &ss, &len)) {
      *err = -1; /* EBADREQ */
      return -1;
    }
    ret = r->call == BIND ? bind(h->fd, (struct sockaddr *)&ss, len) : connect(h->fd, (struct sockaddr *)&ss, len);
    break;
  case LISTEN:
    ret = listen(h->fd, (int)r->n);
    break;
  case ACCEPT: {
    int fd;
    do fd = accept4(h->fd, NULL, NULL, SOCK_CLOEXEC);
    while (fd < 0 && errno == EINTR);
    if (fd < 0) { ret = -1; break; }
    unsigned num = adopt(fd, h->family, r->sid, h);
    ret = num ? (long long)num : -1;
    break;
  }
  case WRITE:
    ret = send_all(h->fd, pattern, (size_t)r->n, r->flags);
    break;
  case SEND:
    ret = send_all(h->fd, r->data, r->len, r->flags);
    break;
  case SHUTDOWN:
    ret = shutdown(h->fd, r->how);
    break;
  case SETSOCKOPT:
    if (!r->opt) { errno = ENOPROTOOPT; ret = -1; break; }
    if (r->opt->level == SOL_SOCKET && r->opt->opt == SO_LINGER) {
      struct linger l = {.l_onoff = r->n >= 0, .l_linger = r->n >= 0 ? (int)r->n : 0};
      ret = setsockopt(h->fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
    } else {
      v = (int)r->n;
      ret = setsockopt(h->fd, r->opt->level, r->opt->opt, &v, sizeof v);
    }
    break;
  case GETSOCKOPT:
    if (!r->opt) { errno = ENOPROTOOPT; ret = -1; break; }
    if (r->opt->level == SOL_SOCKET && r->opt->opt == SO_LINGER) {
      struct linger l = {0, 0};
      len = sizeof l;
      ret = getsockopt(h->fd, SOL_SOCKET, SO_LINGER, &l, &len);
      if (ret == 0) ret = l.l_onoff ? l.l_linger : -1;
    } else {
      v = 0;
      len = sizeof v;
      ret = getsockopt(h->fd, r->opt->level, r->opt->opt, &v, &len);
      if (ret == 0) ret = len == 1 ? *(unsigned char *)&v : v;
    }
    break;
  case NONBLOCK: {
    int fl = fcntl(h->fd, F_GETFL);
    ret = fl < 0 ? -1 : fcntl(h->fd, F_SETFL, r->n ? fl | O_NONBLOCK : fl & ~O_NONBLOCK);
    break;
  }
  default:
    break;
  }
  *err = ret < 0 ? errno : 0;
  return ret;
}

/* A call's thread: runs it on its handle and replies. */
static void *call_thread(void *arg) {
  struct request *r = arg;
  long long t0 = now_us();
  struct handle *h = take(r->sid, r->h);
  if (!h) {
    reply(r->sid, r->id, -1, EBADF, now_us() - t0);
  } else if (r->call == READ) {
    size_t len = 0;
    char *line = do_read(r, h, t0, &len);
    /* Dropped before the reply, as everywhere: once a reply is out, its call is over. */
    drop(h);
    if (line) put_line(line, len);
    else reply(r->sid, r->id, -1, ENOMEM, now_us() - t0);
    free(line);
  } else if (r->call == CLOSE) {
    pthread_mutex_lock(&lock);
    int again = h->closing; /* another close (or the end) came first */
    h->closing = 1;
    pthread_mutex_unlock(&lock);
    int ret = drop(h); /* closes the fd now, or once the calls still running on it return */
    int err = ret < 0 ? errno : 0;
    if (again) ret = -1, err = EBADF;
    reply(r->sid, r->id, ret, err, now_us() - t0);
  } else {
    int err;
    long long ret = run_call(r, h, &err);
    long long us = now_us() - t0;
    drop(h);
    if (err == -1) reply_bad(r->sid, r->id);
    else reply(r->sid, r->id, ret, err, us);
  }
  free(r->data);
  free(r);
  pthread_mutex_lock(&lock);
  threads--;
  pthread_mutex_unlock(&lock);
  return NULL;
}

/* socket FAMILY, in the main thread. */
static void do_socket(const struct request *r) {
  long long t0 = now_us();
  int family = r->n == 6 ? AF_INET6 : AF_INET;
  int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  unsigned num = fd < 0 ? 0 : adopt(fd, family, r->sid, NULL);
  int err = num ? 0 : errno;
  reply(r->sid, r->id, num ? (long long)num : -1, err, now_us() - t0);
}

/* sysctl NAME VALUE, in the main thread: sets net.ipv4.NAME of the stack the puppet runs on;
   returns the value it had. */
static void do_sysctl(const struct request *r) {
  long long t0 = now_us();
  char path[96], buf[32];
  long long old = -1;
  int err = 0;
  snprintf(path, sizeof path, "/proc/sys/net/ipv4/%s", r->sysctl);
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    err = errno;
  } else {
    ssize_t n = read(fd, buf, sizeof buf - 1);
    if (n > 0) {
      buf[n] = '\0';
      old = strtoll(buf, NULL, 10);
    }
    int len = snprintf(buf, sizeof buf, "%lld\n", r->n);
    if (n <= 0 || lseek(fd, 0, SEEK_SET) < 0 || write(fd, buf, (size_t)len) != len) {
      err = n <= 0 && errno == 0 ? EIO : errno;
      old = -1;
    }
    close(fd);
  }
  reply(r->sid, r->id, err ? -1 : old, err, now_us() - t0);
}

/* Starts r's thread (r is the thread's from then on), or replies EAGAIN. */
static void start_call(struct request *r) {
  int ok = 0;
  pthread_mutex_lock(&lock);
  if (threads < MAX_THREADS) {
    threads++;
    ok = 1;
  }
  pthread_mutex_unlock(&lock);
  if (ok) {
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, THREAD_STACK);
    ok = pthread_create(&t, &attr, call_thread, r) == 0;
    pthread_attr_destroy(&attr);
    if (ok) return;
    pthread_mutex_lock(&lock);
    threads--;
    pthread_mutex_unlock(&lock);
  }
  reply(r->sid, r->id, -1, EAGAIN, 0);
  free(r->data);
  free(r);
}

/* SID and ID at the start of a line (for the EBADREQ reply of a line otherwise bad); 0 when
   they are not there. ID may be 0 (an `end`). */
static int parse_prefix(const char *line, size_t len, unsigned *sid, unsigned *id) {
  char tok[2][12];
  size_t at = 0;
  for (int k = 0; k < 2; k++) {
    size_t n = 0;
    while (at < len && line[at] >= '0' && line[at] <= '9' && n < sizeof tok[k] - 1) tok[k][n++] = line[at++];
    tok[k][n] = '\0';
    if (k == 0 && (at >= len || line[at] != ' ')) return 0;
    if (k == 1 && at < len && line[at] != ' ') return 0;
    at++;
  }
  long long s, i;
  if (!parse_num(tok[0], 1, ID_MAX, &s) || !parse_num(tok[1], 0, ID_MAX, &i)) return 0;
  *sid = (unsigned)s;
  *id = (unsigned)i;
  return 1;
}

/* One line (without its newline, NUL terminated at line[len]); too_long: it was cut. */
/* The ready line: at the start, and again whenever the relay says hello (a console line may have
 * lost the first one, written before anyone listened). */
static const char *stack;

static void say_ready(void) {
  char ready[96];
  int n = snprintf(ready, sizeof ready, "0 0 ready %d %s\n", PROTOCOL, stack);
  put_line(ready, (size_t)n);
}

static void handle_line(char *line, size_t len, int too_long) {
  unsigned sid, id;
  if (!parse_prefix(line, len, &sid, &id)) return;
  int ok = !too_long;
  for (size_t i = 0; ok && i < len; i++) ok = line[i] >= ' ' && line[i] <= '~';
  char *tok[MAX_TOKENS];
  int ntok = 0;
  for (char *s = line; ok;) {
    char *sp = strchr(s, ' ');
    if (sp) *sp = '\0';
    if (*s == '\0' || ntok == MAX_TOKENS) ok = 0;
    else tok[ntok++] = s;
    if (!sp) break;
    s = sp + 1;
  }
  if (id == 0) {
    /* Only "SID 0 end" and "SID 0 hello" have no request number; nothing else can be answered. */
    if (ok && ntok == 3 && strcmp(tok[2], "end") == 0) end_session(sid);
    if (ok && ntok == 3 && strcmp(tok[2], "hello") == 0) say_ready();
    return;
  }
  if (!ok || ntok < 3) { reply_bad(sid, id); return; }
  size_t c = 0;
  while (c < NCALLS && strcmp(tok[2], CALLS[c].name) != 0) c++;
  if (c == NCALLS || ntok - 3 != CALLS[c].nargs) { reply_bad(sid, id); return; }
  struct request *r = calloc(1, sizeof *r);
  if (!r) { reply(sid, id, -1, ENOMEM, 0); return; }
  r->sid = sid;
  r->id = id;
  r->call = (enum call)c;
  if (!parse_args(tok + 3, r)) {
    free(r->data);
    free(r);
    reply_bad(sid, id);
    return;
  }
  if (r->call == SOCKET || r->call == SYSCTL) {
    if (r->call == SOCKET) do_socket(r);
    else do_sysctl(r);
    free(r);
    return;
  }
  start_call(r);
}

/* ---- the process ---- */

static long long lifetime = 43200;

/* Waits for SIGTERM or SIGINT (blocked in every thread) or the end of the lifetime, then ends
   the process. */
static void *watch(void *arg) {
  sigset_t *set = arg;
  struct timespec end, now;
  clock_gettime(CLOCK_MONOTONIC, &end);
  end.tv_sec += lifetime;
  for (;;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) break;
    struct timespec left = {end.tv_sec - now.tv_sec, end.tv_nsec - now.tv_nsec};
    if (left.tv_nsec < 0) { left.tv_sec--; left.tv_nsec += 1000000000; }
    if (sigtimedwait(set, NULL, &left) > 0) break;
  }
  finish();
  return NULL;
}

static void usage(void) {
  fprintf(stderr, "usage: lab-puppet [--bind-any] [--stack NAME] [--lifetime SECONDS]\n");
  exit(2);
}

int main(int argc, char **argv) {
  stack = "linux";
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--bind-any") == 0) bind_any = 1;
    else if (strcmp(argv[i], "--stack") == 0 && i + 1 < argc) stack = argv[++i];
    else if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc) {
      if (!parse_num(argv[++i], 1, ID_MAX, &lifetime)) usage();
    } else usage();
  }
  /* The name as the relay takes it: 1 to 40 of letters, digits, '_', '.', '-'. */
  if (*stack == '\0' || strlen(stack) > 40 || stack[strspn(stack, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")] != '\0') usage();

  pid_t parent = getppid();
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) return 0;
  signal(SIGPIPE, SIG_IGN);
  static sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, NULL); /* every thread inherits it; watch() takes them */
  pthread_t w;
  if (pthread_create(&w, NULL, watch, &stop) != 0) {
    fprintf(stderr, "lab-puppet: cannot start a thread\n");
    return 1;
  }
  for (int i = 0; i < MAX_IO; i++) pattern[i] = (unsigned char)('a' + i % 26);

  say_ready();

  /* Lines up to MAX_LINE bytes with the newline; a longer one is kept cut, to answer EBADREQ. */
  static char line[MAX_LINE];
  static char chunk[65536];
  size_t len = 0;
  int too_long = 0;
  for (;;) {
    ssize_t got = read(STDIN_FILENO, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) break;
    for (ssize_t i = 0; i < got; i++) {
      if (chunk[i] == '\n') {
        line[len] = '\0';
        handle_line(line, len, too_long);
        len = 0;
        too_long = 0;
      } else if (len < MAX_LINE - 1) {
        line[len++] = chunk[i];
      } else {
        too_long = 1;
      }
    }
  }
  if (len > 0 || too_long) {
    line[len] = '\0';
    handle_line(line, len, too_long);
  }
  finish();
}
