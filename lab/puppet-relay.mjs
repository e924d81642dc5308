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
//        itself: named pipes (lwip-lab), or the same terminal twice (user-mode Linux's console
//        line, a pseudo-terminal the target put in raw mode)
// On start it says hello (`1 0 hello`), which makes the puppet repeat its ready line: a console
// line drops what the puppet wrote before anyone had it open.
// Prints "puppet-relay: ready STACK" on stderr once the puppet said it is ready and the socket
// listens. Ends when the puppet ends, after its lifetime, or on SIGTERM (removing the socket).
import net from 'node:net';
import { spawn } from 'node:child_process';
import { openSync, rmSync, chmodSync, constants } from 'node:fs';
import tty from 'node:tty';

const [socketPath, lifeText, mode, ...rest] = process.argv.slice(2);
const MAX_LINE = 140000;
// A client's request: ID CALL ARG..., printable ASCII words (the puppet checks the rest).
const REQUEST = /^[1-9][0-9]{0,9} [a-z]{1,12}(?: [!-~]{1,140000}){0,4}$/;
const REPLY = /^([1-9][0-9]{0,9}) ([0-9].*)$/;
const MAX_SESSIONS = 64;

if (!socketPath || !lifeText || !['spawn', 'fifo'].includes(mode) || rest.length < (mode === 'spawn' ? 1 : 2)) {
  process.stderr.write('usage: puppet-relay.mjs SOCKET LIFETIME spawn PROGRAM [ARG...] | fifo IN OUT\n');
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
    if (tty.isatty(fd)) return reading ? new tty.ReadStream(fd) : new tty.WriteStream(fd);
    return new net.Socket({ fd, readable: reading, writable: !reading });
  };
  toPuppet = open(rest[0], false);
  fromPuppet = open(rest[1], true);
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
