// tcpcraft lab test services, each taking many connections at once (unlike `nc -lk`), all on the
// real Linux stack. They close their side when the client closes its side.
//   TCP 7   echo     (RFC 862): sends back what it receives
//   TCP 9   discard  (RFC 863): reads and drops what it receives
//   TCP 19  chargen  (RFC 864, bounded): sends 65536 bytes of a repeating pattern, then waits
// and the cooperating applications some conformance scenarios need (RFC 9293 rows that depend on
// what the application asks of its TCP):
//   TCP 2003 unread   never reads; closes 1 s after accepting, with whatever arrived unread
//                     (the RST that says data was lost, RFC 9293 SHLD-3)
//   TCP 2007 echo-nodelay  echo with the Nagle algorithm switched off (TCP_NODELAY, MUST-17)
//   TCP 2009 keepalive     discard with keep-alives on after 1 s idle (SO_KEEPALIVE, MUST-24..29);
//                     the interval between probes is the namespace's net.ipv4.tcp_keepalive_intvl
//   TCP 2010 dialer   reads one line "PORT [SECONDS]", closes, then connects back to the client's
//                     address at PORT (an active open by the target, RFC 9293 MUST-10, 22, 23);
//                     once connected it writes "dial\n" and echoes; gives up after SECONDS (10)
//   TCP 2011 stall, 2012 trickle, 2013 pieces, 2014 fastopen: build/lab-apps (lab/apps.c, compiled by `make setup`;
//                     they need a small receive buffer, urgent data and one send() per piece, which
//                     Node's net module does not offer). Started first, on the same addresses; when
//                     the program is missing those four ports stay closed and their scenarios N/A.
// Usage: node lab/services.mjs HOST[,HOST...] [LIFETIME_SECONDS]   (default lifetime 43200 s;
// several hosts, e.g. 10.77.0.2,fd77::2: every service on each address)
import net from 'node:net';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const [hostList = '127.0.0.1', lifeText = '43200'] = process.argv.slice(2);
const hosts = hostList.split(',');
const PATTERN = Buffer.from('!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n');
const CHARGEN_BYTES = 65536;

function chargen() {
  const out = Buffer.alloc(CHARGEN_BYTES);
  for (let i = 0; i < CHARGEN_BYTES; i++) out[i] = PATTERN[i % PATTERN.length];
  return out;
}

const discard = (sock) => {
  sock.on('data', () => undefined);
  sock.on('end', () => sock.end());
};

const services = {
  7: (sock) => {
    sock.setNoDelay(false);
    sock.pipe(sock);
  },
  9: discard,
  19: (sock) => {
    sock.write(chargen());
    sock.on('data', () => undefined);
    sock.on('end', () => sock.end());
  },
  2003: (sock) => {
    sock.pause();
    setTimeout(() => sock.destroy(), 1000);
  },
  2007: (sock) => {
    sock.setNoDelay(true);
    sock.pipe(sock);
  },
  2009: (sock) => {
    sock.setKeepAlive(true, 1000);
    discard(sock);
  },
  2010: (sock) => {
    let line = '';
    sock.setEncoding('latin1');
    sock.on('data', (chunk) => {
      line += chunk;
      const end = line.indexOf('\n');
      if (end < 0) {
        if (line.length > 64) sock.destroy();
        return;
      }
      const [port, seconds = '10'] = line.slice(0, end).trim().split(/\s+/);
      const lifetimeMs = Math.min(Number(seconds), 600) * 1000;
      const peer = sock.remoteAddress;
      const local = sock.localAddress;
      sock.end();
      if (!/^\d+$/.test(port ?? '') || Number(port) < 1 || Number(port) > 65535 || !(lifetimeMs > 0)) return;
      const out = net.connect({ host: peer, port: Number(port), localAddress: local });
      const timer = setTimeout(() => out.destroy(), lifetimeMs);
      out.on('error', () => out.destroy());
      out.on('close', () => clearTimeout(timer));
      out.on('connect', () => {
        out.write('dial\n');
        out.pipe(out);
      });
    });
  },
};

/** The lab-apps process, while it runs. */
let apps;

/** Starts build/lab-apps and waits for its "ready" line (or for it to fail). */
function startApps() {
  const binary = fileURLToPath(new URL('../build/lab-apps', import.meta.url));
  if (!existsSync(binary)) {
    process.stderr.write(`services: ${binary} missing (run 'make setup'): ports 2011-2014 stay closed\n`);
    return Promise.resolve();
  }
  const child = spawn(binary, [hostList, lifeText], { stdio: ['ignore', 'pipe', 'inherit'] });
  apps = child;
  process.on('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('lab-apps: ready')) resolve();
    });
    child.on('error', (err) => {
      process.stderr.write(`services: lab-apps: ${err.message}\n`);
      resolve();
    });
    child.on('exit', (code) => {
      if (code !== 0) process.stderr.write(`services: lab-apps exited with ${code}\n`);
      resolve();
    });
  });
}

await startApps();
let listening = 0;
for (const host of hosts) for (const [port, handle] of Object.entries(services)) {
  // 2003 must not read at all: paused before libuv's first read.
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: port === '2003' }, (sock) => {
    sock.on('error', () => sock.destroy());
    handle(sock);
  });
  server.on('error', (err) => {
    process.stderr.write(`services: port ${port}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(Number(port), host, () => {
    listening += 1;
    if (listening === Object.keys(services).length * hosts.length) process.stderr.write(`services: listening on ${hostList}: 7 echo, 9 discard, 19 chargen, 2003 unread, 2007 echo-nodelay, 2009 keepalive, 2010 dialer (and lab-apps: 2011 stall, 2012 trickle, 2013 pieces, 2014 fastopen)\n`);
  });
}
// Bounded lifetime: the lab normally stops us long before this.
setTimeout(() => process.exit(0), Number(lifeText) * 1000).unref();
// Stopped (the lab going down): lab-apps goes first, and is waited for, so that nothing of ours
// outlives this process (bounded: 1 s).
process.on('SIGTERM', () => {
  if (!apps || apps.exitCode !== null || apps.signalCode !== null) process.exit(0);
  apps.once('exit', () => process.exit(0));
  apps.kill('SIGTERM');
  setTimeout(() => process.exit(0), 1000).unref();
});
