/**
 * The window is an unsigned number (RFC 9293 §3.1, MUST-1). We advertise 40000 (above 32767, so
 * negative if read as a signed 16-bit number): the chargen service sends data. A signed reading
 * would see no room at all and send nothing.
 */
import { scenario, send, expect, either, range } from 'tcpcraft';

export default scenario({
  name: 'window-unsigned',
  description: 'An advertised window of 40000 (top bit set) is room: data is sent',
  rfc: 'RFC 9293 §3.1 MUST-1',
  window: 40000,
  peer: { host: '10.77.0.2', port: 19 },
  steps: [
    send('S'),
    expect('SA', { seq: 0, ack: 1 }),
    send('A'),
    either(expect('A', { seq: 1, len: range(1, 1460), within: 1000 }), expect('PA', { seq: 1, len: range(1, 1460), within: 1000 })),
  ],
});
