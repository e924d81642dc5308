/**
 * An exact option list in an expectation is compared without the EOL padding that fills the
 * option area to a multiple of 4 bytes; an EOL the author writes is still compared.
 */
import { expect as chaiExpect } from 'chai';
import { diffExpectation } from '../../src/engine/match.js';
import { eol, expect, mss, nop, sackOk, wscale } from '../../src/scenario/dsl.js';
import { Flag } from '../../src/wire/tcp.js';
import { SEED_ISN, SEED_PEER_ISN, viewFor } from './helpers.js';

const ISNS = { local: SEED_ISN, peer: SEED_PEER_ISN };

describe('engine/match: option padding', () => {
  // 4 + 1 + 3 + 2 = 10 option bytes: the builder pads two zero bytes, read back as one EOL.
  const synAck = viewFor({ dir: 'in', seq: SEED_PEER_ISN, ack: SEED_ISN + 1, flags: Flag.SYN | Flag.ACK, options: [mss(1460), nop(), wscale(7), sackOk()] }, ISNS);

  it('the padded segment really ends in an EOL', () => {
    chaiExpect(synAck.rel.options.map((o) => o.kind)).to.deep.equal(['mss', 'nop', 'wscale', 'sackOk', 'eol']);
  });

  it('matches the list as written, without the padding', () => {
    chaiExpect(diffExpectation(expect('SA', { options: [mss(1460), nop(), wscale(7), sackOk()] }), synAck, ISNS)).to.deep.equal([]);
  });

  it('still compares an EOL the author wrote, and a missing option', () => {
    chaiExpect(diffExpectation(expect('SA', { options: [mss(1460), nop(), wscale(7), sackOk(), eol()] }), synAck, ISNS)).to.deep.equal([]);
    chaiExpect(diffExpectation(expect('SA', { options: [mss(1460), nop(), wscale(7)] }), synAck, ISNS)).to.deep.equal([
      { field: 'options', expected: 'mss 1460,nop,wscale 7', actual: 'mss 1460,nop,wscale 7,sackOK,eol' },
    ]);
  });
});
