// tcpcraft lab test server: appends what it receives to stdout; after the peer's FIN it waits
// DELAY_MS before closing its side, so the ACK of the peer's FIN goes out alone (delayed ACK)
// and the server's FIN follows later. With DELAY_MS 0 it closes at once (ACK merged into FIN).
// Usage: node lab/delayclose.mjs HOST PORT DELAY_MS [LIFETIME_SECONDS]  (default lifetime 3600 s)
import net from 'node:net';

const [host = '127.0.0.1', portText = '5001', delayText = '500', lifeText = '3600'] = process.argv.slice(2);
const delay = Number(delayText);

const server = net.createServer({ allowHalfOpen: true }, (sock) => {
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk) => process.stdout.write(chunk));
  sock.on('end', () => {
    const t = setTimeout(() => sock.end(), delay);
    sock.on('close', () => clearTimeout(t));
  });
});
server.on('error', (err) => {
  process.stderr.write(`delayclose: ${err.message}\n`);
  process.exit(1);
});
server.listen(Number(portText), host, () => process.stderr.write(`delayclose: listening on ${host}:${portText}\n`));
setTimeout(() => process.exit(0), Number(lifeText) * 1000).unref();
process.on('SIGTERM', () => process.exit(0));
