/** Terminal colour: when it is on, and what it paints. */
import { expect } from 'chai';
import { colourFor, paint } from '../../src/cli/colour.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('cli/colour', () => {
  it('on for a TTY only; off with --no-color, NO_COLOR or TERM=dumb; FORCE_COLOR forces it', () => {
    expect(colourFor(tty, {}, undefined)).to.equal(true);
    expect(colourFor(pipe, {}, undefined)).to.equal(false);
    expect(colourFor(tty, {}, false)).to.equal(false);
    expect(colourFor(tty, { NO_COLOR: '1' }, undefined)).to.equal(false);
    expect(colourFor(tty, { NO_COLOR: '' }, undefined)).to.equal(true);
    expect(colourFor(tty, { TERM: 'dumb' }, undefined)).to.equal(false);
    expect(colourFor(pipe, { FORCE_COLOR: '1' }, undefined)).to.equal(true);
    expect(colourFor(pipe, { FORCE_COLOR: '0' }, undefined)).to.equal(false);
    expect(colourFor(pipe, { FORCE_COLOR: '1' }, false)).to.equal(false);
  });

  it('paints verdicts, differing fields, unmatched ladder arrows and a failure count; leaves the rest alone', () => {
    expect(paint('PASS netcat-5000: 9 segments, 12 ms\n')).to.equal('\x1b[32mPASS\x1b[0m netcat-5000: 9 segments, 12 ms\n');
    expect(paint('FAIL wrong-ack')).to.equal('\x1b[1;31mFAIL\x1b[0m wrong-ack');
    expect(paint('XFAIL x (3 ms): expected failure: y')).to.equal('\x1b[33mXFAIL\x1b[0m x (3 ms): expected failure: y');
    expect(paint('INTERRUPTED hang: at step 4')).to.equal('\x1b[33mINTERRUPTED\x1b[0m hang: at step 4');
    expect(paint('  ack: expected 2 (raw 1002) vs actual 1 (raw 1001)')).to.equal('  \x1b[1;31mack\x1b[0m: expected 2 (raw 1002) vs \x1b[1;31mactual 1 (raw 1001)\x1b[0m');
    expect(paint('x         |<--- ACK seq=1 ack=1 ---|')).to.equal('\x1b[1;31mx         |<--- ACK seq=1 ack=1 ---|\x1b[0m');
    expect(paint('3 passed, 1 failed, 0 expected failures')).to.equal('\x1b[32m3 passed\x1b[0m, \x1b[1;31m1 failed\x1b[0m, 0 expected failures');
    expect(paint('3 passed, 0 failed, 0 expected failures')).to.equal('\x1b[32m3 passed\x1b[0m, 0 failed, 0 expected failures');
    const trace = '1     1  0.000749  C -> S  [SYN]         0    0    0  465722961          0  65535';
    expect(paint(trace)).to.equal(trace);
  });
});
