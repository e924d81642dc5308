/** The lab catalogue is the one place the lab's vocabulary is declared (issue 23): the rest agrees with it. */
import { expect } from 'chai';
import { LAB_ADDRESSES, LAB_PORTS, LAB_SERIAL_PORTS, labServices } from '../../src/lab/catalogue.js';
import { DEFAULT_LAB, labSpareAddr } from '../../src/io/lab.js';
import { TARGETS } from '../../src/io/targets.js';
import { withLabFamily } from '../../src/session/plan.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { scenario, send } from '../../src/scenario/dsl.js';

describe('the lab catalogue', () => {
  it("the default lab stands on the catalogue's addresses, and its spare address is the catalogue's", () => {
    expect(DEFAULT_LAB.clientAddr).to.equal(LAB_ADDRESSES[4].client);
    expect(DEFAULT_LAB.serverAddr).to.equal(LAB_ADDRESSES[4].server);
    expect(DEFAULT_LAB.prefix).to.equal(LAB_ADDRESSES[4].bits);
    expect(labSpareAddr(DEFAULT_LAB)).to.equal(LAB_ADDRESSES[4].spare);
  });

  it('--family maps each of the lab addresses to its twin and back', () => {
    for (const k of ['client', 'server', 'spare'] as const) {
      const sc = validateScenario(scenario({ name: 'x', peer: { host: LAB_ADDRESSES[4][k], port: 9 }, steps: [send('S')] }), 'x.ts');
      const six = withLabFamily(sc, 6);
      expect(six.peer?.host, k).to.equal(LAB_ADDRESSES[6][k]);
      expect(withLabFamily(six, 4).peer?.host, k).to.equal(LAB_ADDRESSES[4][k]);
    }
  });

  it('every target declares the families it serves; the services run from one set of command lines', () => {
    for (const t of Object.values(TARGETS)) expect(t.families, t.name).to.include(4);
    expect(TARGETS.linux.families).to.deep.equal([4, 6]);
    const s = labServices('/usr/bin/node', '/opt/tcpcraft/lab/', '10.77.0.2,fd77::2', 60);
    expect(s.nc).to.deep.equal(['nc', '-lk', '-d', '-n', '10.77.0.2,fd77::2', String(LAB_PORTS.nc)]);
    expect(s.daytime).to.deep.equal(['/usr/bin/node', '/opt/tcpcraft/lab/daytime.mjs', '10.77.0.2,fd77::2', '13', '60']);
    expect(s.services).to.deep.equal(['/usr/bin/node', '/opt/tcpcraft/lab/services.mjs', '10.77.0.2,fd77::2', '60']);
    expect(LAB_SERIAL_PORTS).to.deep.equal([5000]);
  });
});
