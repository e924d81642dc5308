// tcpcraft lab daytime service (RFC 867 style): each connection gets exactly 22 bytes,
// "DD Mon YYYY HH:MM:SS\r\n" in UTC, and the server closes. Runs on the real Linux stack.
// Usage: node lab/daytime.mjs HOST[,HOST...] PORT [LIFETIME_SECONDS]   (default lifetime 43200 s)
import net from 'node:net';

const [hostList = '127.0.0.1', portText = '13', lifeText = '43200'] = process.argv.slice(2);
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n) => String(n).padStart(2, '0');

/** The 22-byte daytime line for `d`. */
function daytime(d) {
  return `${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}\r\n`;
}

for (const host of hostList.split(',')) {
  const server = net.createServer((sock) => {
    sock.on('error', () => sock.destroy());
    sock.end(daytime(new Date()));
  });
  server.on('error', (err) => {
    process.stderr.write(`daytime: ${err.message}\n`);
    process.exit(1);
  });
  server.listen(Number(portText), host, () => process.stderr.write(`daytime: listening on ${host}:${portText}\n`));
}
// Bounded lifetime: the lab normally stops us long before this.
setTimeout(() => process.exit(0), Number(lifeText) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
