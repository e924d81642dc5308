/*
 * tcpcraft lab target "lwip": the lab's services on lwIP's own TCP (Debian liblwip-dev, the unix
 * port), attached to a tap device in the lab's server namespace. The kernel of that namespace has
 * no address on the lab subnet, so every segment to the server address is answered by lwIP.
 *
 *   TCP 5000  sink     like the lab's `nc -lk`: received bytes appended to SINK_FILE, closes after the client's FIN
 *   TCP 13    daytime  22 bytes "DD Mon YYYY HH:MM:SS\r\n" (UTC), then closes
 *   TCP 7     echo     sends back what it receives, closes after the client's FIN
 *   TCP 9     discard  drops what it receives, closes after the client's FIN
 *   TCP 19    chargen  65536 bytes of the RFC 864 pattern, then waits for the client's FIN
 *   TCP 2003  unread   never takes what arrives; closes 1 s after accepting
 *   TCP 2007  echo with the Nagle algorithm off
 *   TCP 2010  dialer   reads "PORT [SECONDS]\n", closes, connects back to the client's address at
 *                      PORT, writes "dial\n" and echoes (see lab/services.mjs)
 *   nothing listens on 5999: lwIP answers a SYN there with a RST
 * (No keep-alive application: the scenarios that need one are N/A here.)
 *
 * Usage: PRECONFIGURED_TAPIF=TAP lwip-lab ADDR MASK SINK_FILE LIFETIME_SECONDS [PUPPET_IN PUPPET_OUT]
 * Prints "lwip-lab: ready" on stdout once the interface is up and every service listens. Exits on
 * SIGTERM, SIGINT, or when its lifetime is over.
 *
 * With PUPPET_IN and PUPPET_OUT (named pipes, both opened read-write so that neither the open
 * blocks nor an EOF ever comes), it is also the lab's puppet application (src/lab/puppet.ts has the
 * protocol): it writes "0 0 ready 1 lwip" to PUPPET_OUT once the services are up, then takes
 * requests `SID ID CALL ARG...` from PUPPET_IN and makes the calls on lwIP's raw TCP API, answering
 * `SID ID RET ERRNO DURATION_US [HEX]` on PUPPET_OUT. A handle is our own small socket: a pcb, the
 * bytes received but not yet read (the window opens with tcp_recved() only as they are read, as a
 * socket's receive buffer does), the call waiting on it, options remembered. Blocking calls wait for
 * the raw API's callbacks (accept, connected, recv, sent, err) and are answered from there. At most
 * 64 handles at a time; numbered per session from 1, the lowest free number first. A handle from
 * accept inherits the listener's options; close answers the calls waiting on the handle EBADF;
 * `SID 0 end` closes the session's handles (connections never accepted are reset) and its waiting
 * calls are dropped without a reply.
 * What lwIP cannot do: urgent data (write/send/read with `oob` answer EOPNOTSUPP); the listen
 * backlog (Debian's build has no TCP_LISTEN_BACKLOG: every handshake completes, a listener queues
 * up to 64, resets beyond); `more` only leaves PSH off, nothing is held back; options other than
 * TCP_NODELAY, SO_KEEPALIVE, TCP_KEEPIDLE/KEEPINTVL/KEEPCNT, IP_TOS (IPV6_TCLASS on IPv6),
 * SO_REUSEADDR and SO_ERROR answer ENOPROTOOPT. shutdown rdwr is the raw API's close (a RST if data
 * is left unread), data arriving after shutdown rd makes lwIP reset the connection, and lwIP
 * reports every timeout (SYN or data retransmissions, keep-alive) as ERR_ABRT, given here as
 * ETIMEDOUT.
 *
 * Everything that touches lwIP runs in its tcpip thread: the setup in tcpip_init's callback, the
 * services in their raw-API callbacks, the puppet's calls in tcpip_callback()s from the thread that
 * reads PUPPET_IN.
 *
 * The tap glue is ours, not the unix port's tapif: Debian's liblwip 2.1.3 overflows the heap in
 * tapif's low_level_input() on any frame longer than about 600 bytes (its PBUF_POOL pbufs hold 592
 * bytes but pbuf_take() writes the whole frame; valgrind: "Invalid write ... 0 bytes after a block
 * of size 616 alloc'd" in pbuf_take from pbuf_alloc(PBUF_POOL)), and the process dies with "double
 * free or corruption" on the next full-sized segment. Each frame read here goes into one PBUF_RAM
 * pbuf of exactly its size.
 */
#include <lwip/init.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/tcp.h>
#include <lwip/priv/tcp_priv.h> /* the keep-alive defaults */
#include <lwip/tcpip.h>
#include <lwip/sys.h>
#include <lwip/timeouts.h>
#include <netif/etharp.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHARGEN_BYTES 65536u

static const char PATTERN[] = "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n";
#define PATTERN_LEN (sizeof PATTERN - 1)

static struct netif tap;
static ip4_addr_t addr, mask, gw;
static FILE *sink;
static pthread_mutex_t ready_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ready_cond = PTHREAD_COND_INITIALIZER;
static int ready;
static const char *failure;

/* The tap device: frames out through write(), frames in from a reader thread. */
static int tap_fd = -1;

static err_t labtap_linkoutput(struct netif *n, struct pbuf *p) {
  unsigned char frame[1518];
  (void)n;
  if (p->tot_len > sizeof frame) return ERR_BUF;
  pbuf_copy_partial(p, frame, p->tot_len, 0);
  return write(tap_fd, frame, p->tot_len) == (ssize_t)p->tot_len ? ERR_OK : ERR_IF;
}

static void labtap_reader(void *arg) {
  struct netif *n = arg;
  static unsigned char frame[65536];
  for (;;) {
    ssize_t len = read(tap_fd, frame, sizeof frame);
    if (len < 0 && errno == EINTR) continue;
    if (len <= 0) {
      perror("lwip-lab: reading the tap");
      _exit(1);
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_RAM);
    if (p == NULL) continue; /* out of memory: the frame is dropped, as a NIC would */
    pbuf_take(p, frame, (u16_t)len);
    if (n->input(p, n) != ERR_OK) pbuf_free(p);
  }
}

/* netif_add's init: attach to the tap named by PRECONFIGURED_TAPIF (made by the lab). */
static err_t labtap_init(struct netif *n) {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
  strncpy(ifr.ifr_name, getenv("PRECONFIGURED_TAPIF"), IFNAMSIZ - 1);
  tap_fd = open("/dev/net/tun", O_RDWR);
  if (tap_fd < 0 || ioctl(tap_fd, TUNSETIFF, &ifr) < 0) return ERR_IF;
  static const u8_t mac[6] = {0x02, 0x12, 0x34, 0x56, 0x78, 0xab};
  n->name[0] = 't';
  n->name[1] = 'p';
  n->output = etharp_output;
  n->linkoutput = labtap_linkoutput;
  n->mtu = 1500;
  n->hwaddr_len = 6;
  memcpy(n->hwaddr, mac, 6);
  n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_LINK_UP;
  sys_thread_new("labtap", labtap_reader, n, DEFAULT_THREAD_STACKSIZE, DEFAULT_THREAD_PRIO);
  return ERR_OK;
}

/* Closes `pcb` after its peer's FIN (or on our own terms); aborts when lwIP cannot queue the FIN. */
static err_t close_conn(struct tcp_pcb *pcb) {
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
  if (tcp_close(pcb) != ERR_OK) {
    tcp_abort(pcb);
    return ERR_ABRT;
  }
  return ERR_OK;
}

/* discard: acknowledge and drop; close on FIN. */
static err_t discard_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  (void)arg;
  (void)err;
  if (p == NULL) return close_conn(pcb);
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  return ERR_OK;
}

/* sink: like discard, and the bytes are appended to the sink file. */
static err_t sink_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  if (p != NULL && sink != NULL) {
    for (struct pbuf *q = p; q != NULL; q = q->next) fwrite(q->payload, 1, q->len, sink);
    fflush(sink);
  }
  return discard_recv(arg, pcb, p, err);
}

/* echo: send the data back; when the send buffer has no room, ERR_MEM makes lwIP keep the pbuf and offer it again later. */
static err_t echo_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  (void)arg;
  (void)err;
  if (p == NULL) return close_conn(pcb);
  if (tcp_sndbuf(pcb) < p->tot_len || tcp_sndqueuelen(pcb) + pbuf_clen(p) > TCP_SND_QUEUELEN) return ERR_MEM;
  for (struct pbuf *q = p; q != NULL; q = q->next) {
    if (tcp_write(pcb, q->payload, q->len, TCP_WRITE_FLAG_COPY) != ERR_OK) return ERR_MEM;
  }
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  tcp_output(pcb);
  return ERR_OK;
}

/* chargen: how many pattern bytes are still to be sent, kept in the pcb's arg. */
struct chargen {
  u32_t sent;
};

static void chargen_fill(struct tcp_pcb *pcb, struct chargen *c) {
  while (c->sent < CHARGEN_BYTES) {
    u32_t room = tcp_sndbuf(pcb);
    if (room == 0 || tcp_sndqueuelen(pcb) >= TCP_SND_QUEUELEN - 1) break;
    u32_t at = c->sent % PATTERN_LEN;
    u32_t n = PATTERN_LEN - at;
    if (n > CHARGEN_BYTES - c->sent) n = CHARGEN_BYTES - c->sent;
    if (n > room) n = room;
    u8_t more = c->sent + n < CHARGEN_BYTES ? TCP_WRITE_FLAG_MORE : 0;
    if (tcp_write(pcb, PATTERN + at, (u16_t)n, more) != ERR_OK) break;
    c->sent += n;
  }
  tcp_output(pcb);
}

static err_t chargen_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
  (void)len;
  if (arg != NULL) chargen_fill(pcb, arg);
  return ERR_OK;
}

static err_t chargen_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  if (p == NULL) free(arg);
  return discard_recv(arg, pcb, p, err);
}

static void chargen_err(void *arg, err_t err) {
  (void)err;
  free(arg);
}

/* unread: refuse every byte (lwIP keeps it as refused data, unacknowledged by the application),
 * then close after 500 ms; lwIP's tcp_close() sends a RST when data is left unread. */
static err_t unread_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  (void)arg;
  (void)pcb;
  (void)err;
  if (p == NULL) return ERR_OK;
  return ERR_MEM;
}

static void unread_close(void *arg) {
  struct tcp_pcb *pcb = arg;
  tcp_recv(pcb, NULL);
  tcp_err(pcb, NULL);
  tcp_close(pcb);
}

static void unread_gone(void *arg, err_t err) {
  (void)err;
  sys_untimeout(unread_close, arg);
}

static void dial_give_up(void *arg);

/* dialer: the back connection echoes once connected; the control connection reads one line. */
static err_t dialed_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  if (p == NULL) sys_untimeout(dial_give_up, pcb);
  return echo_recv(arg, pcb, p, err);
}

static err_t dial_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
  (void)arg;
  if (err != ERR_OK) return ERR_OK;
  tcp_recv(pcb, dialed_recv);
  tcp_write(pcb, "dial\n", 5, TCP_WRITE_FLAG_COPY);
  tcp_output(pcb);
  return ERR_OK;
}

static void dial_give_up(void *arg) {
  tcp_abort(arg);
}

static void dial_err(void *arg, err_t err) {
  (void)err;
  sys_untimeout(dial_give_up, arg);
}

static err_t dialer_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  (void)arg;
  (void)err;
  if (p == NULL) return close_conn(pcb);
  char line[65] = {0};
  pbuf_copy_partial(p, line, p->tot_len < 64 ? p->tot_len : 64, 0);
  tcp_recved(pcb, p->tot_len);
  pbuf_free(p);
  unsigned long port = 0, seconds = 10;
  if (sscanf(line, "%lu %lu", &port, &seconds) < 1 || port < 1 || port > 65535) return close_conn(pcb);
  if (seconds > 600) seconds = 600;
  ip_addr_t peer;
  ip_addr_copy(peer, pcb->remote_ip);
  err_t closed = close_conn(pcb);
  struct tcp_pcb *out = tcp_new_ip_type(IPADDR_TYPE_V4);
  if (out == NULL) return closed;
  tcp_err(out, dial_err);
  if (tcp_connect(out, &peer, (u16_t)port, dial_connected) != ERR_OK) {
    tcp_abort(out);
    return closed;
  }
  tcp_arg(out, out);
  sys_timeout((u32_t)(seconds * 1000), dial_give_up, out);
  return closed;
}

static void daytime_line(char out[32]) {
  static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  snprintf(out, 32, "%02d %s %04d %02d:%02d:%02d\r\n", tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static err_t accept_any(void *arg, struct tcp_pcb *pcb, err_t err) {
  int port = (int)(intptr_t)arg;
  if (err != ERR_OK || pcb == NULL) return ERR_VAL;
  switch (port) {
    case 5000:
      tcp_recv(pcb, sink_recv);
      break;
    case 7:
      tcp_recv(pcb, echo_recv);
      break;
    case 9:
      tcp_recv(pcb, discard_recv);
      break;
    case 2003:
      tcp_recv(pcb, unread_recv);
      tcp_arg(pcb, pcb);
      tcp_err(pcb, unread_gone);
      sys_timeout(1000, unread_close, pcb);
      break;
    case 2007:
      tcp_nagle_disable(pcb);
      tcp_recv(pcb, echo_recv);
      break;
    case 2010:
      tcp_recv(pcb, dialer_recv);
      break;
    case 13: {
      char line[32];
      daytime_line(line);
      tcp_recv(pcb, discard_recv);
      tcp_write(pcb, line, 22, TCP_WRITE_FLAG_COPY);
      return close_conn(pcb);
    }
    case 19: {
      struct chargen *c = calloc(1, sizeof *c);
      if (c == NULL) {
        tcp_abort(pcb);
        return ERR_ABRT;
      }
      tcp_arg(pcb, c);
      tcp_recv(pcb, chargen_recv);
      tcp_sent(pcb, chargen_sent);
      tcp_err(pcb, chargen_err);
      chargen_fill(pcb, c);
      break;
    }
    default:
      tcp_abort(pcb);
      return ERR_ABRT;
  }
  return ERR_OK;
}

static int listen_on(int port) {
  struct tcp_pcb *pcb = tcp_new_ip_type(IPADDR_TYPE_V4);
  if (pcb == NULL) return -1;
  if (tcp_bind(pcb, IP4_ADDR_ANY, (u16_t)port) != ERR_OK) return -1;
  struct tcp_pcb *l = tcp_listen(pcb);
  if (l == NULL) return -1;
  tcp_arg(l, (void *)(intptr_t)port);
  tcp_accept(l, accept_any);
  return 0;
}

/* Runs in the tcpip thread once it has started. */
static void setup(void *arg) {
  (void)arg;
  static const int ports[] = {5000, 13, 7, 9, 19, 2003, 2007, 2010};
  if (netif_add(&tap, &addr, &mask, &gw, NULL, labtap_init, tcpip_input) == NULL) {
    failure = "netif_add failed (is PRECONFIGURED_TAPIF a tap device in this namespace?)";
  } else {
    netif_set_default(&tap);
    netif_set_up(&tap);
    netif_set_link_up(&tap);
    for (size_t i = 0; i < sizeof ports / sizeof ports[0] && failure == NULL; i++) {
      if (listen_on(ports[i]) != 0) failure = "could not listen";
    }
  }
  pthread_mutex_lock(&ready_lock);
  ready = 1;
  pthread_cond_signal(&ready_cond);
  pthread_mutex_unlock(&ready_lock);
}

/* ------------------------------------------------------------------------------------------------
 * The puppet application (protocol: src/lab/puppet.ts). Requests come in on PUPPET_IN, one line
 * each; the control thread checks their syntax and hands each to the tcpip thread with
 * tcpip_callback(). Everything that touches a pcb or a handle runs there; a reply is written from
 * wherever its call completes (the request's own callback, or a raw-API callback later).
 * ---------------------------------------------------------------------------------------------- */

#define PUP_MAX_LINE 140000 /* newline included */
#define PUP_MAX_IO 65536
#define PUP_MAX_HANDLES 64
#define PUP_MAX_QUEUED 64        /* established connections a listener holds for accept */
#define PUP_MAX_RX (1u << 20)    /* guard only: lwIP's window keeps a handle far below this */
#define PUP_BADREQ (-1)          /* our pseudo errno for EBADREQ */

enum pup_call { PC_SOCKET, PC_BIND, PC_LISTEN, PC_ACCEPT, PC_CONNECT, PC_WRITE, PC_SEND, PC_READ, PC_SHUTDOWN, PC_CLOSE, PC_SETSOCKOPT, PC_GETSOCKOPT, PC_NONBLOCK, PC_END };

static const struct {
  const char *name;
  int nargs;
} pup_calls[] = {
    [PC_SOCKET] = {"socket", 1},   [PC_BIND] = {"bind", 3},         [PC_LISTEN] = {"listen", 2},          [PC_ACCEPT] = {"accept", 1},
    [PC_CONNECT] = {"connect", 3}, [PC_WRITE] = {"write", 3},       [PC_SEND] = {"send", 3},              [PC_READ] = {"read", 3},
    [PC_SHUTDOWN] = {"shutdown", 2}, [PC_CLOSE] = {"close", 1},     [PC_SETSOCKOPT] = {"setsockopt", 3}, [PC_GETSOCKOPT] = {"getsockopt", 2},
    [PC_NONBLOCK] = {"nonblock", 2},
};
#define PUP_NCALLS (sizeof pup_calls / sizeof pup_calls[0])

/* Option names as the protocol spells them; only some have an lwIP counterpart. */
enum pup_opt { PO_TCP_NODELAY, PO_TCP_CORK, PO_TCP_MAXSEG, PO_TCP_KEEPIDLE, PO_TCP_KEEPINTVL, PO_TCP_KEEPCNT, PO_TCP_USER_TIMEOUT, PO_TCP_SYNCNT, PO_TCP_FASTOPEN,
               PO_SO_SNDBUF, PO_SO_RCVBUF, PO_SO_KEEPALIVE, PO_SO_LINGER, PO_SO_REUSEADDR, PO_SO_OOBINLINE, PO_SO_ERROR, PO_IP_TOS, PO_IPV6_TCLASS, PO_COUNT };
static const char *const pup_opt_names[PO_COUNT] = {"TCP_NODELAY", "TCP_CORK", "TCP_MAXSEG", "TCP_KEEPIDLE", "TCP_KEEPINTVL", "TCP_KEEPCNT", "TCP_USER_TIMEOUT", "TCP_SYNCNT", "TCP_FASTOPEN",
                                                    "SO_SNDBUF", "SO_RCVBUF", "SO_KEEPALIVE", "SO_LINGER", "SO_REUSEADDR", "SO_OOBINLINE", "SO_ERROR", "IP_TOS", "IPV6_TCLASS"};

#define PF_MORE 1
#define PF_OOB 2
#define PF_PEEK 4

enum pup_how { PH_RD = 1, PH_WR = 2, PH_RDWR = 3 };

/* One request, as the control thread parsed it; freed by the tcpip thread. */
struct pup_req {
  int64_t t0; /* µs, CLOCK_MONOTONIC, when the line was taken */
  long sid, id;
  enum pup_call call;
  long h;
  long num; /* family, port, backlog, byte count, option value, 0|1 */
  int opt, flags, how;
  ip_addr_t addr;
  size_t len; /* send: the bytes in data */
  unsigned char data[];
};

/* A call that waits: answered later, from a raw-API callback. */
struct pup_wait {
  int on;
  long id;
  int64_t t0;
};

enum pup_state {
  PS_FRESH,      /* a pcb in CLOSED (maybe bound) */
  PS_CONNECTING, /* tcp_connect() sent the SYN */
  PS_CONNECTED,  /* a connection (from connect or accept); the pcb is ours */
  PS_LISTENING,  /* the pcb is a tcp_pcb_listen */
  PS_GONE        /* no pcb any more: freed by lwIP (error, close), or left to lwIP to finish closing */
};

/* Options as set by setsockopt; `set` has bit (1 << opt) for each one given. */
struct pup_opts {
  unsigned set;
  int nodelay, keepalive, keepidle, keepintvl, keepcnt, tos, reuseaddr;
};

struct pup_conn {
  long sid;
  long h; /* 0 while waiting in a listener's queue */
  int family;
  enum pup_state st;
  struct tcp_pcb *pcb;
  int nonblock, shut_rd, shut_wr, fin, was_connected, reset;
  int so_error; /* pending error (errno), reported once */
  struct pup_opts opts;
  unsigned char *rx; /* received, not yet read; tcp_recved() only once read */
  size_t rx_len, rx_cap;
  /* a listener's established connections, oldest first */
  struct pup_conn *q_head, *q_tail, *q_next;
  int queued;
  struct pup_wait w_accept, w_connect, w_read, w_write;
  size_t read_n;
  int read_peek;
  unsigned char *wbuf; /* a write's bytes; wdone of them handed to lwIP so far */
  size_t wlen, wdone;
  int wmore;
};

static struct pup_conn *pup_handles[PUP_MAX_HANDLES];
static int pup_queued_total;
static int pup_in_fd = -1, pup_out_fd = -1;
static pthread_mutex_t pup_out_lock = PTHREAD_MUTEX_INITIALIZER;
static char pup_out_line[PUP_MAX_LINE + 256];

static int64_t pup_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Linux's name for an errno value (the ones this puppet gives). */
static const char *pup_errname(int e) {
  switch (e) {
    case PUP_BADREQ: return "EBADREQ";
    case EAGAIN: return "EAGAIN";
    case EALREADY: return "EALREADY";
    case EBADF: return "EBADF";
    case EINVAL: return "EINVAL";
    case EISCONN: return "EISCONN";
    case ENOTCONN: return "ENOTCONN";
    case EPIPE: return "EPIPE";
    case ECONNRESET: return "ECONNRESET";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNABORTED: return "ECONNABORTED";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    case ENETUNREACH: return "ENETUNREACH";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    case EMFILE: return "EMFILE";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case EINPROGRESS: return "EINPROGRESS";
    default: return "EIO";
  }
}

/* What a socket would say for an err_t an lwIP call returned. */
static int pup_errno_of(err_t e) {
  switch (e) {
    case ERR_OK: return 0;
    case ERR_MEM:
    case ERR_BUF: return ENOBUFS;
    case ERR_TIMEOUT: return ETIMEDOUT;
    case ERR_RTE: return EHOSTUNREACH;
    case ERR_INPROGRESS: return EINPROGRESS;
    case ERR_VAL:
    case ERR_ARG: return EINVAL;
    case ERR_WOULDBLOCK: return EAGAIN;
    case ERR_USE: return EADDRINUSE;
    case ERR_ALREADY: return EALREADY;
    case ERR_ISCONN: return EISCONN;
    case ERR_CONN:
    case ERR_CLSD: return ENOTCONN;
    case ERR_ABRT: return ECONNABORTED;
    case ERR_RST: return ECONNRESET;
    default: return EIO;
  }
}

static void pup_emit(const char *s, size_t n) {
  while (n > 0) {
    ssize_t w = write(pup_out_fd, s, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return; /* nobody to tell */
    s += w;
    n -= (size_t)w;
  }
}

/* Writes `SID ID RET ERRNO DURATION_US`, then ` HEX` when `hex` (a read), then the newline. */
static void pup_reply(long sid, long id, int64_t t0, long ret, int err, int hex, const unsigned char *data, size_t len) {
  static const char digits[] = "0123456789abcdef";
  int64_t us = pup_now() - t0;
  if (us < 0) us = 0;
  if (len > PUP_MAX_IO) len = PUP_MAX_IO;
  pthread_mutex_lock(&pup_out_lock);
  int n = snprintf(pup_out_line, 128, "%ld %ld %ld %s %lld", sid, id, ret, err ? pup_errname(err) : "-", (long long)us);
  size_t at = (size_t)n;
  if (hex) {
    pup_out_line[at++] = ' ';
    for (size_t i = 0; i < len; i++) {
      pup_out_line[at++] = digits[data[i] >> 4];
      pup_out_line[at++] = digits[data[i] & 15];
    }
  }
  pup_out_line[at++] = '\n';
  pup_emit(pup_out_line, at);
  pthread_mutex_unlock(&pup_out_lock);
}

static void pup_answer(struct pup_conn *c, struct pup_wait *w, long ret, int err) {
  w->on = 0;
  pup_reply(c->sid, w->id, w->t0, ret, err, 0, NULL, 0);
}

/* ---- handles ---- */

static struct pup_conn *pup_find(long sid, long h) {
  for (int i = 0; i < PUP_MAX_HANDLES; i++) {
    if (pup_handles[i] != NULL && pup_handles[i]->sid == sid && pup_handles[i]->h == h) return pup_handles[i];
  }
  return NULL;
}

/* Gives `c` the session's lowest free handle number (as file descriptors go); 0 when all 64 are taken. */
static long pup_register(struct pup_conn *c, long sid) {
  int slot = -1;
  for (int i = 0; i < PUP_MAX_HANDLES && slot < 0; i++) {
    if (pup_handles[i] == NULL) slot = i;
  }
  if (slot < 0) return 0;
  long h = 1;
  while (pup_find(sid, h) != NULL) h++;
  c->sid = sid;
  c->h = h;
  pup_handles[slot] = c;
  return h;
}

static void pup_unregister(struct pup_conn *c) {
  for (int i = 0; i < PUP_MAX_HANDLES; i++) {
    if (pup_handles[i] == c) pup_handles[i] = NULL;
  }
}

/* ---- pcb callbacks ---- */

static err_t pup_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err);
static err_t pup_sent(void *arg, struct tcp_pcb *pcb, u16_t len);
static err_t pup_poll(void *arg, struct tcp_pcb *pcb);
static void pup_err(void *arg, err_t err);

static void pup_hook(struct pup_conn *c, struct tcp_pcb *pcb) {
  tcp_arg(pcb, c);
  tcp_recv(pcb, pup_recv);
  tcp_sent(pcb, pup_sent);
  tcp_err(pcb, pup_err);
  tcp_poll(pcb, pup_poll, 1);
}

static void pup_unhook(struct tcp_pcb *pcb) {
  tcp_arg(pcb, NULL);
  tcp_recv(pcb, NULL);
  tcp_sent(pcb, NULL);
  tcp_err(pcb, NULL);
  tcp_poll(pcb, NULL, 0);
}

/* Options go onto a connection pcb; a listening pcb has only so_options and tos. */
static void pup_apply_opts(const struct pup_opts *o, struct tcp_pcb *pcb, int listening) {
  if (o->set & (1u << PO_SO_KEEPALIVE)) {
    if (o->keepalive) ip_set_option(pcb, SOF_KEEPALIVE);
    else ip_reset_option(pcb, SOF_KEEPALIVE);
  }
  if (o->set & (1u << PO_SO_REUSEADDR)) {
    if (o->reuseaddr) ip_set_option(pcb, SOF_REUSEADDR);
    else ip_reset_option(pcb, SOF_REUSEADDR);
  }
  if (o->set & ((1u << PO_IP_TOS) | (1u << PO_IPV6_TCLASS))) pcb->tos = (u8_t)o->tos;
  if (listening) return;
  if (o->set & (1u << PO_TCP_NODELAY)) {
    if (o->nodelay) tcp_nagle_disable(pcb);
    else tcp_nagle_enable(pcb);
  }
#if LWIP_TCP_KEEPALIVE
  if (o->set & (1u << PO_TCP_KEEPIDLE)) pcb->keep_idle = (u32_t)o->keepidle * 1000;
  if (o->set & (1u << PO_TCP_KEEPINTVL)) pcb->keep_intvl = (u32_t)o->keepintvl * 1000;
  if (o->set & (1u << PO_TCP_KEEPCNT)) pcb->keep_cnt = (u32_t)o->keepcnt;
#endif
}

/* The pcb is no longer ours: lwIP finishes with it on its own (both directions are done). */
static void pup_detach(struct pup_conn *c) {
  if (c->pcb != NULL) pup_unhook(c->pcb);
  c->pcb = NULL;
  c->st = PS_GONE;
}

static void pup_write_done(struct pup_conn *c, long ret, int err) {
  free(c->wbuf);
  c->wbuf = NULL;
  pup_answer(c, &c->w_write, ret, err);
}

/* A write that cannot go on: the bytes already queued count, or else the error (reported once). */
static void pup_write_fail(struct pup_conn *c, int err) {
  if (c->wdone > 0) {
    pup_write_done(c, (long)c->wdone, 0);
    return;
  }
  if (err == c->so_error) c->so_error = 0;
  pup_write_done(c, -1, err);
}

/* Hands lwIP as much of the pending write as its send buffer takes. */
static void pup_pump(struct pup_conn *c) {
  if (!c->w_write.on || c->st == PS_CONNECTING) return;
  if (c->pcb == NULL || c->st != PS_CONNECTED || c->shut_wr) {
    pup_write_fail(c, c->so_error ? c->so_error : EPIPE);
    return;
  }
  struct tcp_pcb *pcb = c->pcb;
  int queued = 0;
  while (c->wdone < c->wlen) {
    size_t room = tcp_sndbuf(pcb);
    if (room == 0) break;
    size_t left = c->wlen - c->wdone;
    size_t n = left < room ? left : room;
    if (n > 0xffff) n = 0xffff;
    u8_t flags = TCP_WRITE_FLAG_COPY;
    if (n < left || c->wmore) flags |= TCP_WRITE_FLAG_MORE; /* PSH only at the end of the write */
    err_t e = tcp_write(pcb, c->wbuf + c->wdone, (u16_t)n, flags);
    if (e == ERR_MEM) break; /* the queue is full: more room comes with the sent (or poll) callback */
    if (e != ERR_OK) {
      if (queued) tcp_output(pcb);
      pup_write_fail(c, pup_errno_of(e));
      return;
    }
    c->wdone += n;
    queued = 1;
  }
  if (queued) tcp_output(pcb);
  if (c->wdone == c->wlen) pup_write_done(c, (long)c->wlen, 0);
  else if (c->nonblock) pup_write_fail(c, EAGAIN);
}

/* Answers the waiting read if there is now something to say; returns whether it did. */
static int pup_try_read(struct pup_conn *c) {
  struct pup_wait *w = &c->w_read;
  if (c->rx_len > 0) {
    size_t n = c->read_n < c->rx_len ? c->read_n : c->rx_len;
    w->on = 0;
    pup_reply(c->sid, w->id, w->t0, (long)n, 0, 1, c->rx, n);
    if (!c->read_peek) {
      memmove(c->rx, c->rx + n, c->rx_len - n);
      c->rx_len -= n;
      if (c->pcb != NULL && c->st == PS_CONNECTED) {
        for (size_t left = n; left > 0;) {
          u16_t k = (u16_t)(left > 0xffff ? 0xffff : left);
          tcp_recved(c->pcb, k);
          left -= k;
        }
      }
    }
    return 1;
  }
  int err = 0;
  long ret = 0;
  if (c->so_error) {
    err = c->so_error;
    c->so_error = 0;
    ret = -1;
  } else if (c->fin || c->shut_rd) {
    ret = 0;
  } else if (c->st == PS_FRESH || c->st == PS_LISTENING || (c->st == PS_GONE && !c->was_connected)) {
    ret = -1;
    err = ENOTCONN;
  } else if (c->st == PS_GONE) {
    ret = 0;
  } else {
    return 0;
  }
  w->on = 0;
  pup_reply(c->sid, w->id, w->t0, ret, err, 1, NULL, 0);
  return 1;
}

static err_t pup_recv(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err) {
  struct pup_conn *c = arg;
  (void)err;
  if (c == NULL) { /* not ours any more */
    if (p != NULL) {
      tcp_recved(pcb, p->tot_len);
      pbuf_free(p);
    }
    return ERR_OK;
  }
  if (p == NULL) { /* the peer's FIN */
    c->fin = 1;
    if (c->w_read.on) pup_try_read(c);
    if (c->shut_wr) pup_detach(c); /* both directions done: lwIP frees the pcb silently from TIME-WAIT */
    return ERR_OK;
  }
  size_t need = c->rx_len + p->tot_len;
  if (need > PUP_MAX_RX) return ERR_MEM; /* lwIP keeps it and offers it again */
  if (need > c->rx_cap) {
    size_t cap = c->rx_cap ? c->rx_cap : 4096;
    while (cap < need) cap *= 2;
    unsigned char *grown = realloc(c->rx, cap);
    if (grown == NULL) return ERR_MEM;
    c->rx = grown;
    c->rx_cap = cap;
  }
  pbuf_copy_partial(p, c->rx + c->rx_len, p->tot_len, 0);
  c->rx_len += p->tot_len;
  pbuf_free(p);
  if (c->w_read.on) pup_try_read(c);
  return ERR_OK;
}

static err_t pup_sent(void *arg, struct tcp_pcb *pcb, u16_t len) {
  (void)pcb;
  (void)len;
  if (arg != NULL) pup_pump(arg);
  return ERR_OK;
}

static err_t pup_poll(void *arg, struct tcp_pcb *pcb) {
  return pup_sent(arg, pcb, 0);
}

/* lwIP has freed the pcb: a RST, a timeout, or (ERR_CLSD) the end of a close it finished itself. */
static void pup_err(void *arg, err_t err) {
  struct pup_conn *c = arg;
  if (c == NULL) return;
  int connecting = c->st == PS_CONNECTING;
  c->pcb = NULL;
  c->st = PS_GONE;
  int e;
  switch (err) {
    case ERR_CLSD: e = 0; break;
    case ERR_RST: e = connecting ? ECONNREFUSED : ECONNRESET; break;
    /* lwIP's own aborts: its timers (SYN and data retransmissions, keep-alive), or data arriving
     * after shutdown rd. We never get this for our own tcp_abort(), which runs unhooked. */
    case ERR_ABRT: e = (c->shut_rd && !connecting) ? ECONNABORTED : ETIMEDOUT; break;
    default: e = pup_errno_of(err); break;
  }
  if (e) {
    c->so_error = e;
    c->reset = 1;
  }
  if (c->h == 0) return; /* still in a listener's queue: accept returns it, with its error pending */
  if (c->w_connect.on) {
    c->so_error = 0;
    pup_answer(c, &c->w_connect, -1, e ? e : ECONNABORTED);
  }
  if (c->w_write.on) pup_pump(c);
  if (c->w_read.on) pup_try_read(c);
}

static err_t pup_connected(void *arg, struct tcp_pcb *pcb, err_t err) {
  struct pup_conn *c = arg;
  (void)pcb;
  (void)err;
  if (c == NULL) return ERR_OK;
  c->st = PS_CONNECTED;
  c->was_connected = 1;
  if (c->w_connect.on) pup_answer(c, &c->w_connect, 0, 0);
  pup_pump(c);
  return ERR_OK;
}

/* Hands the oldest queued connection of listener `l` to the waiting accept. */
static void pup_give_queued(struct pup_conn *l) {
  struct pup_conn *c = l->q_head;
  if (c == NULL || !l->w_accept.on) return;
  if (pup_register(c, l->sid) == 0) {
    pup_answer(l, &l->w_accept, -1, EMFILE); /* the connection stays queued, as with Linux */
    return;
  }
  l->q_head = c->q_next;
  if (l->q_head == NULL) l->q_tail = NULL;
  c->q_next = NULL;
  l->queued--;
  pup_queued_total--;
  pup_answer(l, &l->w_accept, c->h, 0);
}

static err_t pup_accept(void *arg, struct tcp_pcb *newpcb, err_t err) {
  struct pup_conn *l = arg;
  if (err != ERR_OK || newpcb == NULL) return ERR_VAL;
  struct pup_conn *c = NULL;
  if (l != NULL && l->queued < PUP_MAX_QUEUED && pup_queued_total < 4 * PUP_MAX_QUEUED) c = calloc(1, sizeof *c);
  if (c == NULL) { /* no room: like lwIP's socket layer with a full accept mailbox, refuse with a RST */
    tcp_abort(newpcb);
    return ERR_ABRT;
  }
  c->family = l->family;
  c->sid = l->sid;
  c->st = PS_CONNECTED;
  c->was_connected = 1;
  c->pcb = newpcb;
  c->opts = l->opts; /* inherited, as a socket from accept() inherits the listener's options */
  pup_apply_opts(&c->opts, newpcb, 0);
  pup_hook(c, newpcb);
  if (l->q_tail != NULL) l->q_tail->q_next = c;
  else l->q_head = c;
  l->q_tail = c;
  l->queued++;
  pup_queued_total++;
  pup_give_queued(l);
  return ERR_OK;
}

/* Lets go of a pcb the application is done with: FIN, or RST when lwIP cannot close (or `abort`). */
static void pup_drop_pcb(struct pup_conn *c, int abort) {
  struct tcp_pcb *pcb = c->pcb;
  if (pcb == NULL) return;
  c->pcb = NULL;
  if (c->st == PS_LISTENING) { /* (lwIP asserts on the other callbacks of a listening pcb) */
    tcp_arg(pcb, NULL);
    tcp_accept(pcb, NULL);
    tcp_close(pcb); /* frees a listening pcb; never fails */
    return;
  }
  pup_unhook(pcb);
  if (abort || tcp_close(pcb) != ERR_OK) tcp_abort(pcb);
}

static void pup_free(struct pup_conn *c) {
  free(c->rx);
  free(c->wbuf);
  free(c);
}

/* close (tell = 1: waiting calls get EBADF) or the end of the session (tell = 0: nothing said). */
static void pup_close(struct pup_conn *c, int tell) {
  struct pup_wait *ws[] = {&c->w_accept, &c->w_connect, &c->w_read, &c->w_write};
  for (size_t i = 0; i < sizeof ws / sizeof ws[0]; i++) {
    if (ws[i]->on && tell) pup_reply(c->sid, ws[i]->id, ws[i]->t0, -1, EBADF, ws[i] == &c->w_read, NULL, 0);
    ws[i]->on = 0;
  }
  while (c->q_head != NULL) { /* connections never accepted: reset, as a closed listener's are */
    struct pup_conn *q = c->q_head;
    c->q_head = q->q_next;
    pup_queued_total--;
    pup_drop_pcb(q, 1);
    pup_free(q);
  }
  pup_drop_pcb(c, 0);
  pup_unregister(c);
  pup_free(c);
}

/* ---- the calls (tcpip thread) ---- */

static void pup_ret(const struct pup_req *r, long ret, int err) {
  pup_reply(r->sid, r->id, r->t0, ret, err, 0, NULL, 0);
}

static struct tcp_pcb *pup_new_pcb(int family) {
#if LWIP_IPV6
  return tcp_new_ip_type(family == 6 ? IPADDR_TYPE_V6 : IPADDR_TYPE_V4);
#else
  (void)family;
  return tcp_new_ip_type(IPADDR_TYPE_V4);
#endif
}

static int pup_family_of(const ip_addr_t *a) {
  return IP_IS_V6(a) ? 6 : 4;
}

static void pup_socket(const struct pup_req *r) {
#if !LWIP_IPV6
  if (r->num == 6) {
    pup_ret(r, -1, EAFNOSUPPORT);
    return;
  }
#endif
  struct pup_conn *c = calloc(1, sizeof *c);
  if (c == NULL) {
    pup_ret(r, -1, ENOMEM);
    return;
  }
  c->family = (int)r->num;
  c->st = PS_FRESH;
  c->pcb = pup_new_pcb(c->family);
  if (c->pcb == NULL) {
    free(c);
    pup_ret(r, -1, ENOBUFS);
    return;
  }
  if (pup_register(c, r->sid) == 0) {
    tcp_close(c->pcb);
    free(c);
    pup_ret(r, -1, EMFILE);
    return;
  }
  pup_hook(c, c->pcb);
  pup_ret(r, c->h, 0);
}

/* Whether `a` is this side's own address (or the wildcard) for a handle of `family`. */
static int pup_local_addr(const ip_addr_t *a, int family) {
  if (pup_family_of(a) != family) return 0;
  if (ip_addr_isany(a)) return 1;
#if LWIP_IPV6
  if (family == 6) return netif_get_ip6_addr_match(&tap, ip_2_ip6(a)) >= 0;
#endif
  return ip4_addr_cmp(ip_2_ip4(a), netif_ip4_addr(&tap));
}

static void pup_bind(struct pup_conn *c, const struct pup_req *r) {
  if (c->st != PS_FRESH || c->pcb == NULL || c->pcb->local_port != 0) {
    pup_ret(r, -1, EINVAL); /* bound already (lwIP would put the pcb on its bound list twice) */
    return;
  }
  if (pup_family_of(&r->addr) != c->family) {
    pup_ret(r, -1, EAFNOSUPPORT);
    return;
  }
  if (!pup_local_addr(&r->addr, c->family)) {
    pup_ret(r, -1, EADDRNOTAVAIL);
    return;
  }
  err_t e = tcp_bind(c->pcb, &r->addr, (u16_t)r->num);
  pup_ret(r, e == ERR_OK ? 0 : -1, pup_errno_of(e));
}

static void pup_listen(struct pup_conn *c, const struct pup_req *r) {
  if (c->st == PS_LISTENING) { /* a new backlog: lwIP (built without TCP_LISTEN_BACKLOG) has no use for it */
    pup_ret(r, 0, 0);
    return;
  }
  if (c->st != PS_FRESH || c->pcb == NULL) {
    pup_ret(r, -1, EINVAL);
    return;
  }
  if (c->pcb->local_port == 0) { /* as a socket does: an ephemeral port on the wildcard address */
#if LWIP_IPV6
    err_t e = tcp_bind(c->pcb, c->family == 6 ? IP6_ADDR_ANY : IP4_ADDR_ANY, 0);
#else
    err_t e = tcp_bind(c->pcb, IP4_ADDR_ANY, 0);
#endif
    if (e != ERR_OK) {
      pup_ret(r, -1, pup_errno_of(e));
      return;
    }
  }
  long backlog = r->num < 0 ? 0 : r->num > 255 ? 255 : r->num;
  err_t e = ERR_OK;
  struct tcp_pcb *l = tcp_listen_with_backlog_and_err(c->pcb, (u8_t)backlog, &e);
  if (l == NULL) {
    pup_ret(r, -1, pup_errno_of(e));
    return;
  }
  c->pcb = l; /* the old pcb is gone, freed by tcp_listen */
  c->st = PS_LISTENING;
  tcp_arg(l, c);
  tcp_accept(l, pup_accept);
  pup_ret(r, 0, 0);
}

static void pup_accept_call(struct pup_conn *c, const struct pup_req *r) {
  if (c->st != PS_LISTENING) {
    pup_ret(r, -1, EINVAL);
    return;
  }
  if (c->w_accept.on) {
    pup_ret(r, -1, EALREADY);
    return;
  }
  if (c->q_head == NULL && c->nonblock) {
    pup_ret(r, -1, EAGAIN);
    return;
  }
  c->w_accept = (struct pup_wait){1, r->id, r->t0};
  pup_give_queued(c);
}

static void pup_connect(struct pup_conn *c, const struct pup_req *r) {
  if (c->st == PS_CONNECTING) {
    pup_ret(r, -1, EALREADY);
    return;
  }
  if (c->st == PS_CONNECTED || c->st == PS_LISTENING || (c->st == PS_GONE && c->was_connected)) {
    pup_ret(r, -1, EISCONN);
    return;
  }
  if (pup_family_of(&r->addr) != c->family) {
    pup_ret(r, -1, EAFNOSUPPORT);
    return;
  }
  if (c->pcb == NULL) { /* an earlier connect failed: try again on a new pcb */
    c->pcb = pup_new_pcb(c->family);
    if (c->pcb == NULL) {
      pup_ret(r, -1, ENOBUFS);
      return;
    }
    c->st = PS_FRESH;
    c->reset = 0;
    c->fin = c->shut_rd = c->shut_wr = 0;
    pup_apply_opts(&c->opts, c->pcb, 0);
    pup_hook(c, c->pcb);
  }
  c->so_error = 0;
  err_t e = tcp_connect(c->pcb, &r->addr, (u16_t)r->num, pup_connected);
  if (e != ERR_OK) {
    pup_ret(r, -1, pup_errno_of(e));
    return;
  }
  c->st = PS_CONNECTING;
  if (c->nonblock) {
    pup_ret(r, -1, EINPROGRESS);
    return;
  }
  c->w_connect = (struct pup_wait){1, r->id, r->t0};
}

/* write and send: `buf` (malloc'd, len bytes) is ours to free. */
static void pup_write(struct pup_conn *c, const struct pup_req *r, unsigned char *buf, size_t len) {
  int err = 0;
  if (r->flags & PF_OOB) err = EOPNOTSUPP; /* lwIP's TCP never sends urgent data */
  else if (c->w_write.on) err = EALREADY;
  else if (c->so_error) {
    err = c->so_error;
    c->so_error = 0;
  } else if (c->shut_wr || c->st == PS_FRESH || c->st == PS_LISTENING || c->st == PS_GONE) err = EPIPE;
  else if (c->st == PS_CONNECTING && c->nonblock) err = EAGAIN;
  if (err || len == 0) {
    free(buf);
    pup_ret(r, err ? -1 : 0, err);
    return;
  }
  c->wbuf = buf;
  c->wlen = len;
  c->wdone = 0;
  c->wmore = (r->flags & PF_MORE) != 0;
  c->w_write = (struct pup_wait){1, r->id, r->t0};
  pup_pump(c);
}

static void pup_read(struct pup_conn *c, const struct pup_req *r) {
  int err = 0;
  if (r->flags & PF_OOB) err = EOPNOTSUPP; /* lwIP does not deliver urgent data */
  else if (c->w_read.on) err = EALREADY;
  else if (c->st == PS_LISTENING) err = ENOTCONN;
  if (err || r->num == 0) {
    pup_reply(r->sid, r->id, r->t0, err ? -1 : 0, err, 1, NULL, 0);
    return;
  }
  c->w_read = (struct pup_wait){1, r->id, r->t0};
  c->read_n = (size_t)r->num;
  c->read_peek = (r->flags & PF_PEEK) != 0;
  if (pup_try_read(c)) return;
  if (c->nonblock) {
    c->w_read.on = 0;
    pup_reply(r->sid, r->id, r->t0, -1, EAGAIN, 1, NULL, 0);
  }
}

static void pup_shutdown(struct pup_conn *c, const struct pup_req *r) {
  int rd = (r->how & PH_RD) && !c->shut_rd;
  int wr = (r->how & PH_WR) && !c->shut_wr;
  if (c->st == PS_FRESH || (c->st == PS_GONE && (!c->was_connected || c->reset))) {
    pup_ret(r, -1, ENOTCONN);
    return;
  }
  if (c->pcb == NULL || (!rd && !wr)) { /* nothing left to tell lwIP */
    c->shut_rd |= (r->how & PH_RD) != 0;
    c->shut_wr |= (r->how & PH_WR) != 0;
    pup_ret(r, 0, 0);
    return;
  }
  err_t e;
  if (rd && wr && c->st != PS_LISTENING) {
    /* the raw API's close: it may free the pcb at once (and sends a RST if data is left unread) */
    struct tcp_pcb *pcb = c->pcb;
    pup_unhook(pcb);
    e = tcp_shutdown(pcb, 1, 1);
    if (e != ERR_OK) {
      pup_hook(c, pcb);
      pup_ret(r, -1, pup_errno_of(e));
      return;
    }
    int connecting = c->st == PS_CONNECTING;
    c->pcb = NULL;
    c->st = PS_GONE;
    c->shut_rd = c->shut_wr = 1;
    if (connecting) {
      c->was_connected = 0;
      if (c->w_connect.on) pup_answer(c, &c->w_connect, -1, ECONNABORTED);
    }
  } else {
    e = tcp_shutdown(c->pcb, rd, wr);
    if (e != ERR_OK) {
      pup_ret(r, -1, pup_errno_of(e));
      return;
    }
    if (rd) c->shut_rd = 1;
    if (wr) c->shut_wr = 1;
    if (c->shut_wr && (c->shut_rd || c->fin)) pup_detach(c);
  }
  if (c->w_write.on) pup_pump(c);
  if (c->w_read.on) pup_try_read(c);
  pup_ret(r, 0, 0);
}

static void pup_setsockopt(struct pup_conn *c, const struct pup_req *r) {
  struct pup_opts *o = &c->opts;
  long v = r->num;
  switch (r->opt) {
    case PO_TCP_NODELAY: o->nodelay = v != 0; break;
    case PO_SO_KEEPALIVE: o->keepalive = v != 0; break;
    case PO_SO_REUSEADDR: o->reuseaddr = v != 0; break;
#if LWIP_TCP_KEEPALIVE
    case PO_TCP_KEEPIDLE:
    case PO_TCP_KEEPINTVL:
      if (v < 1 || v > 32767) goto invalid;
      if (r->opt == PO_TCP_KEEPIDLE) o->keepidle = (int)v;
      else o->keepintvl = (int)v;
      break;
    case PO_TCP_KEEPCNT:
      if (v < 1 || v > 127) goto invalid;
      o->keepcnt = (int)v;
      break;
#endif
    case PO_IPV6_TCLASS:
      if (c->family != 6) goto unknown;
      /* fall through */
    case PO_IP_TOS:
      if (v < 0 || v > 255) goto invalid;
      o->tos = (int)v;
      break;
    default:
      goto unknown;
  }
  o->set |= 1u << r->opt;
  if (c->pcb != NULL) {
    struct pup_opts one = *o;
    one.set = 1u << r->opt;
    pup_apply_opts(&one, c->pcb, c->st == PS_LISTENING);
  }
  pup_ret(r, 0, 0);
  return;
invalid:
  pup_ret(r, -1, EINVAL);
  return;
unknown:
  pup_ret(r, -1, ENOPROTOOPT);
}

static void pup_getsockopt(struct pup_conn *c, const struct pup_req *r) {
  const struct pup_opts *o = &c->opts;
  struct tcp_pcb *pcb = c->pcb;
  struct tcp_pcb *conn_pcb = c->st == PS_LISTENING ? NULL : pcb; /* the fields a listening pcb lacks */
  int set = (o->set >> r->opt) & 1;
  long v;
  switch (r->opt) {
    case PO_SO_ERROR:
      v = c->so_error;
      c->so_error = 0;
      break;
    case PO_TCP_NODELAY: v = conn_pcb ? tcp_nagle_disabled(conn_pcb) != 0 : set && o->nodelay; break;
    case PO_SO_KEEPALIVE: v = pcb ? ip_get_option(pcb, SOF_KEEPALIVE) != 0 : set && o->keepalive; break;
    case PO_SO_REUSEADDR: v = pcb ? ip_get_option(pcb, SOF_REUSEADDR) != 0 : set && o->reuseaddr; break;
#if LWIP_TCP_KEEPALIVE
    case PO_TCP_KEEPIDLE: v = conn_pcb ? (long)(conn_pcb->keep_idle / 1000) : set ? o->keepidle : (long)(TCP_KEEPIDLE_DEFAULT / 1000); break;
    case PO_TCP_KEEPINTVL: v = conn_pcb ? (long)(conn_pcb->keep_intvl / 1000) : set ? o->keepintvl : (long)(TCP_KEEPINTVL_DEFAULT / 1000); break;
    case PO_TCP_KEEPCNT: v = conn_pcb ? (long)conn_pcb->keep_cnt : set ? o->keepcnt : (long)TCP_KEEPCNT_DEFAULT; break;
#endif
    case PO_IPV6_TCLASS:
      if (c->family != 6) goto unknown;
      /* fall through */
    case PO_IP_TOS: v = pcb ? pcb->tos : set ? o->tos : 0; break;
    default:
      goto unknown;
  }
  pup_ret(r, v, 0);
  return;
unknown:
  pup_ret(r, -1, ENOPROTOOPT);
}

static void pup_end(long sid) {
  for (int i = 0; i < PUP_MAX_HANDLES; i++) {
    if (pup_handles[i] != NULL && pup_handles[i]->sid == sid) pup_close(pup_handles[i], 0);
  }
}

/* tcpip_callback()'s function: one request, in the tcpip thread. */
static void pup_run(void *arg) {
  struct pup_req *r = arg;
  if (r->call == PC_END) {
    pup_end(r->sid);
    free(r);
    return;
  }
  if (r->call == PC_SOCKET) {
    pup_socket(r);
    free(r);
    return;
  }
  struct pup_conn *c = pup_find(r->sid, r->h);
  if (c == NULL) {
    pup_reply(r->sid, r->id, r->t0, -1, EBADF, r->call == PC_READ, NULL, 0);
    free(r);
    return;
  }
  switch (r->call) {
    case PC_BIND: pup_bind(c, r); break;
    case PC_LISTEN: pup_listen(c, r); break;
    case PC_ACCEPT: pup_accept_call(c, r); break;
    case PC_CONNECT: pup_connect(c, r); break;
    case PC_WRITE: {
      unsigned char *buf = malloc(r->num > 0 ? (size_t)r->num : 1);
      if (buf == NULL) {
        pup_ret(r, -1, ENOMEM);
        break;
      }
      for (long i = 0; i < r->num; i++) buf[i] = (unsigned char)('a' + i % 26);
      pup_write(c, r, buf, (size_t)r->num);
      break;
    }
    case PC_SEND: {
      unsigned char *buf = malloc(r->len > 0 ? r->len : 1);
      if (buf == NULL) {
        pup_ret(r, -1, ENOMEM);
        break;
      }
      memcpy(buf, r->data, r->len);
      pup_write(c, r, buf, r->len);
      break;
    }
    case PC_READ: pup_read(c, r); break;
    case PC_SHUTDOWN: pup_shutdown(c, r); break;
    case PC_CLOSE:
      pup_close(c, 1);
      pup_ret(r, 0, 0);
      break;
    case PC_SETSOCKOPT: pup_setsockopt(c, r); break;
    case PC_GETSOCKOPT: pup_getsockopt(c, r); break;
    case PC_NONBLOCK:
      c->nonblock = (int)r->num;
      pup_ret(r, 0, 0);
      break;
    default: pup_ret(r, -1, PUP_BADREQ); break;
  }
  free(r);
}

/* ---- the control thread: reading and checking lines ---- */

struct pup_tok {
  const char *s;
  size_t n;
};

static int pup_tok_is(struct pup_tok t, const char *word) {
  size_t n = strlen(word);
  return t.n == n && memcmp(t.s, word, n) == 0;
}

/* A decimal integer in [lo, hi]: an optional '-', then digits only. */
static int pup_num(struct pup_tok t, long lo, long hi, long *out) {
  size_t i = 0;
  int neg = 0;
  if (t.n > 0 && t.s[0] == '-') {
    neg = 1;
    i = 1;
  }
  if (i == t.n || t.n - i > 12) return 0;
  long long v = 0;
  for (; i < t.n; i++) {
    if (t.s[i] < '0' || t.s[i] > '9') return 0;
    v = v * 10 + (t.s[i] - '0');
  }
  if (neg) v = -v;
  if (v < lo || v > hi) return 0;
  *out = (long)v;
  return 1;
}

static int pup_addr(struct pup_tok t, ip_addr_t *out) {
  char buf[64];
  if (t.n == 0 || t.n >= sizeof buf) return 0;
  for (size_t i = 0; i < t.n; i++) {
    char ch = t.s[i];
    if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F') || ch == '.' || ch == ':')) return 0;
  }
  memcpy(buf, t.s, t.n);
  buf[t.n] = 0;
  return ipaddr_aton(buf, out) == 1;
}

/* `-` or a comma-separated list of the flags in `allowed` (PF_* bits). */
static int pup_flags(struct pup_tok t, int allowed, int *out) {
  *out = 0;
  if (pup_tok_is(t, "-")) return 1;
  size_t at = 0;
  for (;;) {
    size_t end = at;
    while (end < t.n && t.s[end] != ',') end++;
    struct pup_tok one = {t.s + at, end - at};
    int f = pup_tok_is(one, "more") ? PF_MORE : pup_tok_is(one, "oob") ? PF_OOB : pup_tok_is(one, "peek") ? PF_PEEK : 0;
    if (!(f & allowed)) return 0;
    *out |= f;
    if (end == t.n) return 1;
    at = end + 1;
  }
}

static int pup_hexval(char ch) {
  if (ch >= '0' && ch <= '9') return ch - '0';
  if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
  if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
  return -1;
}

/* Parses one line (without its newline). Returns the request, or NULL with *bad set to the errno to
 * answer (EBADREQ, or ENOMEM) and *sid / *id to what the line said, when it said that much. */
/* The ready line: once the services are up, and again whenever the relay says hello. */
static void pup_say_ready(void) {
  static const char ready_line[] = "0 0 ready 1 lwip\n";
  pthread_mutex_lock(&pup_out_lock);
  pup_emit(ready_line, sizeof ready_line - 1);
  pthread_mutex_unlock(&pup_out_lock);
}

static struct pup_req *pup_parse(const char *line, size_t len, int64_t t0, long *sid, long *id, int *bad) {
  struct pup_tok tok[7];
  size_t ntok = 0, at = 0;
  int toomany = 0;
  *sid = 0;
  *id = 0;
  *bad = PUP_BADREQ;
  for (;;) { /* fields are separated by exactly one space: an empty field stays a field */
    size_t end = at;
    while (end < len && line[end] != ' ') end++;
    if (ntok < sizeof tok / sizeof tok[0]) tok[ntok++] = (struct pup_tok){line + at, end - at};
    else toomany = 1;
    if (end == len) break;
    at = end + 1;
  }
  long s, i;
  if (ntok < 2 || !pup_num(tok[0], 1, 2147483647L, &s) || !pup_num(tok[1], 0, 2147483647L, &i)) return NULL;
  *sid = s;
  *id = i;
  if (ntok < 3 || toomany) return NULL;
  if (i == 0) {
    if (ntok == 3 && pup_tok_is(tok[2], "hello")) {
      pup_say_ready();
      *bad = 0; /* nothing to answer */
      return NULL;
    }
    if (ntok != 3 || !pup_tok_is(tok[2], "end")) return NULL;
    struct pup_req *r = calloc(1, sizeof *r);
    if (r == NULL) {
      *bad = ENOMEM;
      return NULL;
    }
    r->sid = s;
    r->call = PC_END;
    r->t0 = t0;
    return r;
  }
  size_t call = 0;
  while (call < PUP_NCALLS && !pup_tok_is(tok[2], pup_calls[call].name)) call++;
  if (call == PUP_NCALLS || ntok != 3 + (size_t)pup_calls[call].nargs) return NULL;
  struct pup_tok *a = tok + 3;
  size_t extra = 0;
  if (call == PC_SEND) { /* the bytes come with the request */
    if (a[1].n % 2 != 0 || a[1].n / 2 > PUP_MAX_IO) return NULL;
    extra = a[1].n / 2;
  }
  struct pup_req *r = calloc(1, sizeof *r + extra);
  if (r == NULL) {
    *bad = ENOMEM;
    return NULL;
  }
  r->t0 = t0;
  r->sid = s;
  r->id = i;
  r->call = (enum pup_call)call;
  int ok = 1;
  if (call != PC_SOCKET) ok = pup_num(a[0], 1, 2147483647L, &r->h);
  switch (r->call) {
    case PC_SOCKET: ok = pup_num(a[0], 4, 6, &r->num) && r->num != 5; break;
    case PC_BIND:
    case PC_CONNECT: ok = ok && pup_addr(a[1], &r->addr) && pup_num(a[2], 0, 65535, &r->num); break;
    case PC_LISTEN: ok = ok && pup_num(a[1], -2147483647L - 1, 2147483647L, &r->num); break;
    case PC_WRITE: ok = ok && pup_num(a[1], 0, PUP_MAX_IO, &r->num) && pup_flags(a[2], PF_MORE | PF_OOB, &r->flags); break;
    case PC_SEND:
      ok = ok && pup_flags(a[2], PF_MORE | PF_OOB, &r->flags);
      for (size_t k = 0; ok && k < extra; k++) {
        int hi = pup_hexval(a[1].s[2 * k]), lo = pup_hexval(a[1].s[2 * k + 1]);
        if (hi < 0 || lo < 0) ok = 0;
        else r->data[k] = (unsigned char)(hi << 4 | lo);
      }
      r->len = extra;
      break;
    case PC_READ: ok = ok && pup_num(a[1], 0, PUP_MAX_IO, &r->num) && pup_flags(a[2], PF_OOB | PF_PEEK, &r->flags); break;
    case PC_SHUTDOWN:
      r->how = pup_tok_is(a[1], "rd") ? PH_RD : pup_tok_is(a[1], "wr") ? PH_WR : pup_tok_is(a[1], "rdwr") ? PH_RDWR : 0;
      ok = ok && r->how != 0;
      break;
    case PC_SETSOCKOPT:
    case PC_GETSOCKOPT:
      r->opt = 0;
      while (r->opt < PO_COUNT && !pup_tok_is(a[1], pup_opt_names[r->opt])) r->opt++;
      ok = ok && r->opt < PO_COUNT;
      if (r->call == PC_SETSOCKOPT) ok = ok && pup_num(a[2], -2147483647L - 1, 2147483647L, &r->num);
      break;
    case PC_NONBLOCK: ok = ok && pup_num(a[1], 0, 1, &r->num); break;
    default: break;
  }
  if (!ok) {
    free(r);
    return NULL;
  }
  return r;
}

static void pup_line(const char *line, size_t len, int too_long, int64_t t0) {
  long sid = 0, id = 0;
  int bad = PUP_BADREQ;
  struct pup_req *r = pup_parse(line, len, t0, &sid, &id, &bad);
  if (too_long) { /* parsed only for the SID and ID to answer with */
    free(r);
    r = NULL;
    bad = PUP_BADREQ;
  }
  if (r == NULL) {
    if (bad != 0) pup_reply(sid, id, t0, -1, bad, 0, NULL, 0);
    return;
  }
  if (tcpip_callback(pup_run, r) != ERR_OK) {
    if (r->call != PC_END) pup_reply(r->sid, r->id, t0, -1, ENOBUFS, 0, NULL, 0);
    free(r);
  }
}

/* Reads requests for ever (the FIFO is open for writing here too: no EOF ever comes). */
static void *pup_control(void *arg) {
  static char line[PUP_MAX_LINE];
  static char chunk[65536];
  size_t len = 0;
  int too_long = 0;
  (void)arg;
  for (;;) {
    ssize_t got = read(pup_in_fd, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) {
      perror("lwip-lab: reading PUPPET_IN");
      return NULL;
    }
    for (ssize_t k = 0; k < got; k++) {
      if (chunk[k] != '\n') {
        if (len < PUP_MAX_LINE - 1) line[len++] = chunk[k];
        else too_long = 1; /* the rest of it is dropped */
        continue;
      }
      /* the request is taken once its newline is in */
      pup_line(line, len, too_long, pup_now());
      len = 0;
      too_long = 0;
    }
  }
}

static int pup_open_fifos(const char *in, const char *out) {
  pup_in_fd = open(in, O_RDWR | O_CLOEXEC);
  if (pup_in_fd < 0) {
    perror(in);
    return -1;
  }
  pup_out_fd = open(out, O_RDWR | O_CLOEXEC);
  if (pup_out_fd < 0) {
    perror(out);
    return -1;
  }
  return 0;
}

/* Once the services are up: the ready line, then requests are taken. */
static int pup_start(void) {
  pthread_t t;
  pup_say_ready();
  if (pthread_create(&t, NULL, pup_control, NULL) != 0) return -1;
  pthread_detach(t);
  return 0;
}

static void on_signal(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  if ((argc != 5 && argc != 7) || getenv("PRECONFIGURED_TAPIF") == NULL) {
    fprintf(stderr, "usage: PRECONFIGURED_TAPIF=TAP %s ADDR MASK SINK_FILE LIFETIME_SECONDS [PUPPET_IN PUPPET_OUT]\n", argv[0]);
    return 2;
  }
  if (!ip4addr_aton(argv[1], &addr) || !ip4addr_aton(argv[2], &mask)) {
    fprintf(stderr, "lwip-lab: '%s' / '%s' is not an IPv4 address and mask\n", argv[1], argv[2]);
    return 2;
  }
  ip4_addr_set_zero(&gw);
  sink = fopen(argv[3], "ab");
  if (sink == NULL) {
    perror(argv[3]);
    return 2;
  }
  if (argc == 7 && pup_open_fifos(argv[5], argv[6]) != 0) return 2;
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  signal(SIGALRM, on_signal);
  alarm((unsigned)strtoul(argv[4], NULL, 10));

  tcpip_init(setup, NULL);
  pthread_mutex_lock(&ready_lock);
  while (!ready) pthread_cond_wait(&ready_cond, &ready_lock);
  pthread_mutex_unlock(&ready_lock);
  if (failure != NULL) {
    fprintf(stderr, "lwip-lab: %s\n", failure);
    return 1;
  }
  if (argc == 7 && pup_start() != 0) {
    fprintf(stderr, "lwip-lab: could not start the puppet\n");
    return 1;
  }
  printf("lwip-lab: ready (lwIP %s on %s, %s%s)\n", LWIP_VERSION_STRING, getenv("PRECONFIGURED_TAPIF"), argv[1], argc == 7 ? ", puppet" : "");
  fflush(stdout);
  for (;;) pause();
}
