/**
 * The lab-apps of lab/apps.c on the reference stack (catalogue features app-stall, app-trickle,
 * app-pieces and the fast-open echo), each a few lines on the connection's calls and the clock:
 *
 *   2011 stall     a receive buffer of 2048 bytes (SO_RCVBUF on the listener, inherited), never
 *                  reads; when urgent data is signalled (RFC 9293 §3.10.7.4, sixth check) it
 *                  writes "urgent\n" at its next look (it looks every 20 ms). Closes after 10 s.
 *   2012 trickle   the same buffer; reads nothing while data keeps coming; once its queue has not
 *                  grown for 1 s, reads 25 bytes every 20 ms until the peer closes or 20 s pass.
 *   2013 pieces    TCP_NODELAY; once accepted writes ten 100-byte pieces "000..." to "999..." (ten
 *                  writes, ten pushes), then reads and drops until the peer closes (or 20 s).
 *   2014 fastopen  echo on a listener with Fast Open (RFC 7413); closes when the peer closes (or 20 s).
 *
 * A close with unread data resets the connection (RFC 9293 §3.10.4, RFC 1122 §4.2.2.13), as the
 * lab's close() does.
 */
import type { ReferenceStack } from './stack.js';
import type { Tcb } from './tcb.js';
import { urgentSignalled } from './urgent.js';

/** lab/apps.c's STALL_RCVBUF. */
export const STALL_RCVBUF = 2048;
/** How often lab/apps.c looks at its connections, ms. */
const LOOK_MS = 20;

/** Ports of the lab-apps (lab/apps.c's APPS). */
export const LAB_APP_PORTS = { stall: 2011, trickle: 2012, pieces: 2013, fastopen: 2014 } as const;

/** The application's close: a reset when data is left unread, else a FIN. */
function drop(tcb: Tcb): void {
  if (tcb.state === 'CLOSED') return;
  if (tcb.rbuf.length) tcb.abort();
  else tcb.close();
}

/** The end of the stream has been read. */
const atEnd = (tcb: Tcb): boolean => tcb.finReceived && tcb.rbuf.length === 0;

/** Starts the four lab-apps on `stack`. */
export function startLabApps(stack: ReferenceStack): void {
  const clock = stack.clock;
  const smallBuffer = (tcb: Tcb): void => tcb.extras.adjust(stack.settings, { rcvBuf: STALL_RCVBUF });
  /** `drop` after `ms`, unless the connection is gone by then. */
  const lifetime = (tcb: Tcb, ms: number): (() => void) => clock.setTimer(ms, () => drop(tcb));

  stack.listen(
    LAB_APP_PORTS.stall,
    (tcb) => {
      lifetime(tcb, 10_000);
      let done = false;
      let looking = false;
      tcb.onChange = () => {
        if (done || looking || tcb.state === 'CLOSED' || !urgentSignalled(tcb)) return;
        looking = true;
        // It notices at its next look, not at once (so the stack's ACK leaves first, as on Linux).
        clock.setTimer(LOOK_MS, () => {
          done = true;
          if (tcb.state !== 'CLOSED') tcb.write(new TextEncoder().encode('urgent\n'));
        });
      };
    },
    { prepare: smallBuffer },
  );

  stack.listen(
    LAB_APP_PORTS.trickle,
    (tcb) => {
      const end = lifetime(tcb, 20_000);
      let queued = tcb.rbuf.length;
      let grew = clock.now();
      const look = (): void => {
        if (tcb.state === 'CLOSED') return;
        if (tcb.rbuf.length !== queued) {
          queued = tcb.rbuf.length;
          grew = clock.now();
        }
        if (queued === 0 || clock.now() - grew < 1000) {
          clock.setTimer(LOOK_MS, look);
          return;
        }
        // The sender has stopped: 25 bytes every 20 ms, until the end of the stream.
        const read = (): void => {
          if (tcb.state === 'CLOSED') return;
          if (atEnd(tcb)) {
            end();
            drop(tcb);
            return;
          }
          tcb.read(25);
          clock.setTimer(LOOK_MS, read);
        };
        read();
      };
      clock.setTimer(LOOK_MS, look);
    },
    { prepare: smallBuffer },
  );

  stack.listen(LAB_APP_PORTS.pieces, (tcb) => {
    const end = lifetime(tcb, 20_000);
    tcb.nodelay = true;
    for (let k = 0; k < 10; k++) tcb.write(new TextEncoder().encode(String(k).repeat(100)));
    tcb.onChange = () => {
      if (tcb.state === 'CLOSED') return;
      tcb.read(1 << 20);
      if (atEnd(tcb)) {
        end();
        drop(tcb);
      }
    };
    tcb.onChange();
  });

  stack.listen(
    LAB_APP_PORTS.fastopen,
    (tcb) => {
      const end = lifetime(tcb, 20_000);
      tcb.onChange = () => {
        if (tcb.state === 'CLOSED') return;
        const b = tcb.read(1 << 20);
        if (b.length) tcb.write(b);
        if (atEnd(tcb)) {
          end();
          drop(tcb);
        }
      };
      tcb.onChange();
    },
    { fastOpen: true },
  );
}
