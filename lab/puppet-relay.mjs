// tcpcraft lab: the relay between tcpcraft runs and the lab's puppet application (the protocol is
// described in src/lab/puppet.ts). The puppet runs on the target and speaks over one stream (its
// stdin and stdout, or a pair of named pipes); the relay listens on a Unix socket in the lab's
// state directory, gives each client (one scenario run) a session number, passes its requests to
// the puppet with that number in front and the replies back without it, and ends the session when
// the client goes (the puppet then closes that session's sockets). Nothing of this goes over the
// lab's links: the connection under test never carries the puppet's commands.
//
// Usage:
//   node lab/puppet-relay.mjs SOCKET LIFETIME_SECONDS spawn PROGRAM [ARG...]
//        runs PROGRAM and talks to it over its stdin and stdout
//   node lab/puppet-relay.mjs SOCKET LIFETIME_SECONDS fifo IN OUT
//        writes requests into IN and reads replies from OUT, for a puppet the target started
//        itself: named pipes (lwip-lab)
//   node lab/puppet-relay.mjs SOCKET LIFETIME_SECONDS console LOG
//        user-mode Linux's second console line: the pseudo-terminal the kernel's LOG names last
// On start it says hello (`1 0 hello`), which makes the puppet repeat its ready line: a console
// line drops what the puppet wrote before anyone had it open.
// Prints "puppet-relay: ready STACK" on stderr once the puppet said it is ready and the socket
// listens. Ends when the puppet ends, after its lifetime, or on SIGTERM (removing the socket).
import net from 'node:net';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync, rmSync, chmodSync, constants } from 'node:fs';
import tty from 'node:tty';

const [socketPath, lifeText, mode, ...rest] = process.argv.slice(2);
const MAX_LINE = 140000;
// A client's request: ID CALL ARG..., printable ASCII words (the puppet checks the rest).
const REQUEST = /^[1-9][0-9]{0,9} [a-z]{1,12}(?: [!-~]{1,140000}){0,4}$/;
const REPLY = /^([1-9][0-9]{0,9}) ([0-9].*)$/;
const MAX_SESSIONS = 64;

if (!socketPath || !lifeText || !['spawn', 'fifo', 'console'].includes(mode) || rest.length < (mode === 'fifo' ? 2 : 1)) {
  process.stderr.write('usage: puppet-relay.mjs SOCKET LIFETIME spawn PROGRAM [ARG...] | fifo IN OUT | console LOG\n');
  process.exit(2);
}

let toPuppet;
let fromPuppet;
let child;
if (mode === 'spawn') {
  child = spawn(rest[0], rest.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  child.on('error', (err) => {
    process.stderr.write(`puppet-relay: ${rest[0]}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, sig) => {
    process.stderr.write(`puppet-relay: the puppet ended (${sig ?? code})\n`);
    finish(1);
  });
  toPuppet = child.stdin;
  fromPuppet = child.stdout;
} else {
  // Opened read-write: neither open blocks waiting for the other end, and no EOF comes while we
  // hold them; never as our controlling terminal.
  // Through libuv's event loop (a pipe or a terminal handle), not blocking reads in its thread
  // pool, which would keep the process from ever exiting.
  const flags = constants.O_RDWR | constants.O_NOCTTY | constants.O_NONBLOCK;
  const open = (path, reading) => {
    const fd = openSync(path, flags);
    if (!tty.isatty(fd)) return new net.Socket({ fd, readable: reading, writable: !reading });
    if (!reading) return new tty.WriteStream(fd);
    // Raw: no echo, no line editing, no translation of what the puppet writes.
    const stream = new tty.ReadStream(fd);
    stream.setRawMode(true);
    return stream;
  };
  let [inPath, outPath] = rest;
  if (mode === 'console') {
    // The pseudo-terminal user-mode Linux gave its console line, named in its log: the latest
    // one named, waited for (at most 15 s) until it can be opened.
    const until = Date.now() + 15_000;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (;;) {
      const named = [...readFileSync(rest[0], 'latin1').matchAll(/Virtual console 1 assigned device '(\/dev\/pts\/\d+)'/g)].at(-1)?.[1];
      if (named) {
        try {
          closeSync(openSync(named, flags));
          inPath = outPath = named;
          break;
        } catch {
          // not there (yet, or any more): look again
        }
      }
      if (Date.now() > until) {
        process.stderr.write(`puppet-relay: no console line to open in ${rest[0]}\n`);
        process.exit(1);
      }
      Atomics.wait(pause, 0, 0, 100);
    }
  }
  fromPuppet = open(outPath, true);
  toPuppet = open(inPath, false);
}
toPuppet.write('1 0 hello\n');
toPuppet.on('error', () => finish(1));

/** Session number -> client socket. */
const sessions = new Map();
let nextSid = 1;
let stack;
let server;

let finishing = false;
function finish(code) {
  if (finishing) return;
  finishing = true;
  try {
    rmSync(socketPath, { force: true });
  } catch {
    // gone already
  }
  // The puppet goes first, and is waited for (at most 1 s), so that nothing of ours outlives us.
  if (!child || child.exitCode !== null || child.signalCode !== null) process.exit(code);
  child.once('exit', () => process.exit(code));
  child.kill('SIGTERM');
  setTimeout(() => {
    child.kill('SIGKILL');
    process.exit(code);
  }, 1000).unref();
}

function lines(stream, onLine, onTooLong) {
  let buf = '';
  stream.setEncoding('latin1');
  stream.on('data', (chunk) => {
    buf += chunk;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      onLine(buf.slice(0, nl).replace(/\r$/, ''));
      buf = buf.slice(nl + 1);
    }
    if (buf.length > MAX_LINE) {
      buf = '';
      onTooLong();
    }
  });
}

lines(
  fromPuppet,
  (line) => {
    if (stack === undefined) {
      const ready = /^0 0 ready (\d+) ([A-Za-z0-9_.-]{1,40})$/.exec(line);
      if (ready) listen(ready[1], ready[2]);
      return;
    }
    const m = REPLY.exec(line);
    if (!m) return;
    const client = sessions.get(Number(m[1]));
    if (client && !client.destroyed) client.write(`${m[2]}\n`);
  },
  () => process.stderr.write('puppet-relay: an overlong line from the puppet was dropped\n'),
);

function listen(protocol, name) {
  stack = name;
  rmSync(socketPath, { force: true });
  server = net.createServer((client) => {
    if (sessions.size >= MAX_SESSIONS) {
      client.destroy();
      return;
    }
    const sid = nextSid++;
    sessions.set(sid, client);
    client.write(`ready ${protocol} ${stack}\n`);
    client.on('error', () => client.destroy());
    client.on('close', () => {
      sessions.delete(sid);
      toPuppet.write(`${sid} 0 end\n`);
    });
    lines(
      client,
      (line) => {
        if (!REQUEST.test(line)) {
          client.destroy();
          return;
        }
        toPuppet.write(`${sid} ${line}\n`);
      },
      () => client.destroy(),
    );
  });
  server.on('error', (err) => {
    process.stderr.write(`puppet-relay: ${socketPath}: ${err.message}\n`);
    finish(1);
  });
  server.listen(socketPath, () => {
    chmodSync(socketPath, 0o600);
    process.stderr.write(`puppet-relay: ready ${stack}\n`);
  });
}

setTimeout(() => finish(0), Number(lifeText) * 1000).unref();
process.on('SIGTERM', () => finish(0));
process.on('SIGINT', () => finish(0));
