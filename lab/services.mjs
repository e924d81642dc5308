// tcpcraft lab test services, each taking many connections at once (unlike `nc -lk`), all on the
// real Linux stack. They close their side when the client closes its side.
//   TCP 7   echo     (RFC 862): sends back what it receives
//   TCP 9   discard  (RFC 863): reads and drops what it receives
//   TCP 19  chargen  (RFC 864, bounded): sends 65536 bytes of a repeating pattern, then waits
// Usage: node lab/services.mjs HOST [LIFETIME_SECONDS]   (default lifetime 43200 s)
import net from 'node:net';

const [host = '127.0.0.1', lifeText = '43200'] = process.argv.slice(2);
const PATTERN = Buffer.from('!"#$%&\'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefgh\r\n');
const CHARGEN_BYTES = 65536;

function chargen() {
  const out = Buffer.alloc(CHARGEN_BYTES);
  for (let i = 0; i < CHARGEN_BYTES; i++) out[i] = PATTERN[i % PATTERN.length];
  return out;
}

const services = {
  7: (sock) => sock.pipe(sock),
  9: (sock) => {
    sock.on('data', () => undefined);
    sock.on('end', () => sock.end());
  },
  19: (sock) => {
    sock.write(chargen());
    sock.on('data', () => undefined);
    sock.on('end', () => sock.end());
  },
};

let listening = 0;
for (const [port, handle] of Object.entries(services)) {
  const server = net.createServer({ allowHalfOpen: true }, (sock) => {
    sock.on('error', () => sock.destroy());
    handle(sock);
  });
  server.on('error', (err) => {
    process.stderr.write(`services: port ${port}: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(Number(port), host, () => {
    listening += 1;
    if (listening === Object.keys(services).length) process.stderr.write(`services: listening on ${host}: 7 echo, 9 discard, 19 chargen\n`);
  });
}
// Bounded lifetime: the lab normally stops us long before this.
setTimeout(() => process.exit(0), Number(lifeText) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
