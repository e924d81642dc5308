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
 *   TCP 2003  unread   never takes what arrives; closes 500 ms after accepting
 *   TCP 2007  echo with the Nagle algorithm off
 *   TCP 2010  dialer   reads "PORT [SECONDS]\n", closes, connects back to the client's address at
 *                      PORT, writes "dial\n" and echoes (see lab/services.mjs)
 *   nothing listens on 5999: lwIP answers a SYN there with a RST
 * (No keep-alive application: the scenarios that need one are N/A here.)
 *
 * Usage: PRECONFIGURED_TAPIF=TAP lwip-lab ADDR MASK SINK_FILE LIFETIME_SECONDS
 * Prints "lwip-lab: ready" on stdout once the interface is up and every service listens. Exits on
 * SIGTERM, SIGINT, or when its lifetime is over.
 *
 * Everything that touches lwIP runs in its tcpip thread: the setup in tcpip_init's callback, the
 * services in their raw-API callbacks.
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
      sys_timeout(500, unread_close, pcb);
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

static void on_signal(int sig) {
  (void)sig;
  _exit(0);
}

int main(int argc, char **argv) {
  if (argc != 5 || getenv("PRECONFIGURED_TAPIF") == NULL) {
    fprintf(stderr, "usage: PRECONFIGURED_TAPIF=TAP %s ADDR MASK SINK_FILE LIFETIME_SECONDS\n", argv[0]);
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
  printf("lwip-lab: ready (lwIP %s on %s, %s)\n", LWIP_VERSION_STRING, getenv("PRECONFIGURED_TAPIF"), argv[1]);
  fflush(stdout);
  for (;;) pause();
}
