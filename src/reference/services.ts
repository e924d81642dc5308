/**
 * The lab's services, on the reference stack (src/lab/catalogue.ts's LAB_PORTS): a sink on 5000
 * that keeps what it received, daytime (RFC 867) on 13, echo (RFC 862) on 7, discard (RFC 863)
 * on 9, a bounded chargen (RFC 864) on 19; nothing on 5999; and the cooperating applications of
 * lab/services.mjs that need nothing the stack lacks: 2003 unread (never reads, closes after
 * 1 s), 2007 echo with TCP_NODELAY, 2009 discard with keep-alives after 1 s idle, 2010 dialer
 * (reads "PORT [SECONDS]", closes, connects back, writes "dial\n" and echoes); and lab/apps.c's
 * 2011 stall, 2012 trickle, 2013 pieces and 2014 fastopen (apps.ts). Each is a few lines on the
 * connection's read, write and close.
 */
import { LAB_PORTS } from '../lab/catalogue.js';
import type { ReferenceStack } from './stack.js';
import { startLabApps } from './apps.js';
import type { Tcb } from './tcb.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 867's suggested form, 22 bytes with the line end: "DD Mon YYYY HH:MM:SS\r\n" (UTC). */
export function daytimeText(wallUs: bigint): string {
  const d = new Date(Number(wallUs / 1000n));
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}\r\n`;
}

/** The first `n` bytes of RFC 864's pattern: lines of 72 of the 95 printable characters, each starting one later, CR LF. */
export function chargenBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0, line = 0; i < n; line++) {
    for (let j = 0; j < 72 && i < n; j++) out[i++] = 32 + ((line + j) % 95);
    if (i < n) out[i++] = 13;
    if (i < n) out[i++] = 10;
  }
  return out;
}

/** How many bytes chargen sends before closing. */
export const CHARGEN_BYTES = 65_536;

/** What the services hold (the sink's received bytes, per connection in order). */
export interface Services {
  readonly received: Uint8Array[];
}

/** Reads whatever is there; on the end of the stream, `end`. */
function onData(tcb: Tcb, data: (b: Uint8Array) => void, end: () => void): void {
  let ended = false;
  tcb.onChange = () => {
    if (tcb.state === 'CLOSED' || ended) return;
    const b = tcb.read(1 << 20);
    if (b.length) data(b);
    if (tcb.finReceived && tcb.rbuf.length === 0) {
      ended = true;
      end();
    }
  };
  tcb.onChange();
}

/**
 * Starts the services on `stack`. With `sink`, what the sink on 5000 receives goes there (a lab
 * appends it to its nc.out) instead of being kept in `received`.
 */
export function startServices(stack: ReferenceStack, o: { readonly sink?: (bytes: Uint8Array) => void } = {}): Services {
  const received: Uint8Array[] = [];
  stack.listen(LAB_PORTS.nc, (tcb) => {
    const mine = received.length;
    received.push(new Uint8Array(0));
    onData(
      tcb,
      (b) => {
        if (o.sink) return o.sink(b);
        const old = received[mine]!;
        const all = new Uint8Array(old.length + b.length);
        all.set(old);
        all.set(b, old.length);
        received[mine] = all;
      },
      () => tcb.close(),
    );
  });
  stack.listen(LAB_PORTS.daytime, (tcb) => {
    tcb.write(new TextEncoder().encode(daytimeText(stack.clock.wallUs())));
    tcb.close();
    onData(tcb, () => undefined, () => undefined);
  });
  stack.listen(LAB_PORTS.echo, (tcb) =>
    onData(
      tcb,
      (b) => tcb.write(b),
      () => tcb.close(),
    ),
  );
  stack.listen(LAB_PORTS.discard, (tcb) =>
    onData(
      tcb,
      () => undefined,
      () => tcb.close(),
    ),
  );
  stack.listen(LAB_PORTS.chargen, (tcb) => {
    tcb.write(chargenBytes(CHARGEN_BYTES));
    tcb.close();
    onData(tcb, () => undefined, () => undefined);
  });
  stack.listen(2003, (tcb) => {
    stack.clock.setTimer(1000, () => {
      // Closing with unread data: RFC 9293 §3.10.4 / RFC 1122 §4.2.2.13, a RST (SHLD-3).
      if (tcb.state === 'CLOSED') return;
      tcb.closeByApplication();
    });
  });
  stack.listen(2007, (tcb) => {
    tcb.nodelay = true;
    onData(
      tcb,
      (b) => tcb.write(b),
      () => tcb.close(),
    );
  });
  // 2009 keepalive: discard, with keep-alives on after 1 s idle and 1 s between unanswered
  // probes (the lab's namespace sets net.ipv4.tcp_keepalive_intvl = 1); RFC 9293 §3.8.4.
  stack.listen(2009, (tcb) => {
    tcb.configureKeepAlive({ enabled: true, idleMs: 1000, intervalMs: 1000 });
    onData(
      tcb,
      () => undefined,
      () => tcb.close(),
    );
  });
  stack.listen(2010, (tcb) => {
    let line = '';
    let done = false;
    onData(
      tcb,
      (b) => {
        if (done) return;
        line += String.fromCharCode(...b);
        const end = line.indexOf('\n');
        if (end < 0) {
          if (line.length > 64) tcb.abort();
          return;
        }
        done = true;
        const [port = '', seconds = '10'] = line.slice(0, end).trim().split(/\s+/);
        tcb.close();
        const lifetimeMs = Math.min(Number(seconds), 600) * 1000;
        if (!/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535 || !(lifetimeMs > 0)) return;
        const out = stack.connect(tcb.remoteIp, Number(port));
        const cancel = stack.clock.setTimer(lifetimeMs, () => out.abort());
        let greeted = false;
        out.onChange = () => {
          if (out.state === 'CLOSED') return cancel();
          if (!greeted && out.state === 'ESTABLISHED') {
            greeted = true;
            out.write(new TextEncoder().encode('dial\n'));
          }
          const b2 = out.read(1 << 20);
          if (b2.length) out.write(b2);
          if (out.finReceived && out.rbuf.length === 0) out.close();
        };
      },
      () => tcb.close(),
    );
  });
  startLabApps(stack);
  return { received };
}
