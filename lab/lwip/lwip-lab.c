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
 *   nothing listens on 5999: lwIP answers a SYN there with a RST
 *
 * Usage: PRECONFIGURED_TAPIF=TAP lwip-lab ADDR MASK SINK_FILE LIFETIME_SECONDS
 * Prints "lwip-lab: ready" on stdout once the interface is up and every service listens. Exits on
 * SIGTERM, SIGINT, or when its lifetime is over.
 *
 * Everything that touches lwIP runs in its tcpip thread: the setup in tcpip_init's callback, the
 * services in their raw-API callbacks.
 */
#include <lwip/init.h>
#include <lwip/ip_addr.h>
#include <lwip/netif.h>
#include <lwip/tcp.h>
#include <lwip/tcpip.h>
#include <netif/etharp.h>
#include <netif/tapif.h>

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
  static const int ports[] = {5000, 13, 7, 9, 19};
  if (netif_add(&tap, &addr, &mask, &gw, NULL, tapif_init, tcpip_input) == NULL) {
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
