/** Which peers count as lab addresses, and which routes to them keep the traffic in a lab (issue 21). */
import { expect } from 'chai';
import { isLabAddress, strayLabRoute } from '../../src/io/route.js';
import { labIfaces, labConfig } from '../../src/io/lab.js';
import { LAB_IFACE } from '../../src/lab/catalogue.js';

describe('lab addresses and the routes to them', () => {
  it('the lab subnets are 10.77.0.0/24 and fd77::/64, nothing else', () => {
    for (const a of ['10.77.0.1', '10.77.0.2', '10.77.0.201', '10.77.0.255', 'fd77::2', 'fd77::201', 'fd77:0:0:0::ffff']) expect(isLabAddress(a), a).to.equal(true);
    for (const a of ['10.77.1.2', '10.78.0.2', '127.0.0.1', '10.88.0.1', 'fd77:0:0:1::2', 'fd78::2', '::1', 'not an address']) expect(isLabAddress(a), a).to.equal(false);
  });

  it('the interfaces a lab makes fit the pattern the check recognises', () => {
    for (const name of ['tcpcraft', 'a', 'tc_1234567890']) {
      const ifs = labIfaces(labConfig({ name }));
      expect(LAB_IFACE.test(ifs.client) && LAB_IFACE.test(ifs.server), name).to.equal(true);
    }
    for (const dev of ['eth0', 'ens3', 'wlan0', 'docker0', 'br-lan', 'veth1234']) expect(LAB_IFACE.test(dev), dev).to.equal(false);
  });

  it('a route through a gateway, or out of an interface the lab did not make, is stray; lab links and local delivery are not', () => {
    expect(strayLabRoute({ dev: 'eth0', gateway: '172.17.0.1' }, false)).to.equal('the route to it goes through the gateway 172.17.0.1 on eth0');
    expect(strayLabRoute({ dev: 'tcpcraft-c', gateway: '10.77.0.254' }, false)).to.equal('the route to it goes through the gateway 10.77.0.254 on tcpcraft-c');
    expect(strayLabRoute({ dev: 'eth0' }, false)).to.equal('the route to it goes out of eth0, which is not a lab interface');
    // The machine's own namespace never holds a lab interface, whatever one is called.
    expect(strayLabRoute({ dev: 'tcpcraft-c' }, true)).to.equal('the route to it goes out of tcpcraft-c, which is not a lab interface');
    expect(strayLabRoute({ dev: 'tcpcraft-c' }, false)).to.equal(undefined);
    expect(strayLabRoute({ dev: 'tcdemo-s' }, false)).to.equal(undefined);
    expect(strayLabRoute({ dev: 'lo', type: 'local' }, true)).to.equal(undefined);
  });
});
