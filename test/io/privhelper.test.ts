/** The privileged helper takes only capture filters tcpcraft itself makes (issue 22): unprivileged code cannot widen them. */
import { expect } from 'chai';
import { bpfFilter } from '../../src/engine/flow.js';
import { checkFilter } from '../../src/io/privhelper.js';

describe('privileged helper: capture filters', () => {
  it("accepts every filter tcpcraft makes: a run's flows (IPv4, IPv6, server role) and a suite's peers", () => {
    // A run's filter is its flows' bpfFilter, each in parentheses, joined by `or` (src/session/plan.ts).
    const filters = [
      `(${bpfFilter({ localIp: '10.77.0.1', localPort: 40000, peerIp: '10.77.0.2', peerPort: 5000 })})`,
      `(${bpfFilter({ localIp: '10.77.0.1', localPort: 5000 })})`,
      `(${bpfFilter({ localIp: '10.77.0.1', localPort: 5000, peerIp: '10.77.0.2' })})`,
      `(${bpfFilter({ localIp: 'fd77::1', localPort: 40000, peerIp: 'fd77::2', peerPort: 5000 })})`,
      `(${bpfFilter({ localIp: 'fd77::1', localPort: 5000 })})`,
      `(${bpfFilter({ localIp: '10.77.0.1', localPort: 1, peerIp: '10.77.0.2', peerPort: 2 })}) or (${bpfFilter({ localIp: '10.77.0.1', localPort: 3, peerIp: '10.77.0.2', peerPort: 4 })})`,
      '(tcp or ip6) and (host 10.77.0.2 or host fd77::2 or port 5000)',
    ];
    for (const f of filters) expect(checkFilter(f), f).to.equal(f);
  });

  it('refuses anything wider or other: everything, another protocol, negation, no host or port term', () => {
    for (const f of ['', 'tcp', 'udp', 'tcp or port 1', 'ip6 or port 1', '(tcp or ip6) and (port 1) or tcp', `(${bpfFilter({ localIp: '10.77.0.1', localPort: 1 })}) or tcp`, bpfFilter({ localIp: '10.77.0.1', localPort: 1 }).replace('10.77.0.1', '10.77.0.999'), 'arp or host 10.77.0.2', 'tcp or not tcp', 'not host 10.77.0.2', 'host 10.77.0.2 or ether host 00:11:22:33:44:55', 'host evil.example', 'port 70000', 'tcp[13] & 2 != 0 and port 1', 'host 10.77.0.2; rm -rf /']) {
      expect(() => checkFilter(f), f).to.throw(/not one tcpcraft makes/);
    }
  });
});
