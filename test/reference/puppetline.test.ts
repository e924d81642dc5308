/**
 * The puppet protocol's line side on the reference stack (the lab's reference target speaks it
 * over named pipes): requests in, replies out, sessions apart, `end` closing a session's sockets,
 * bad lines answered EBADREQ or ignored, never thrown.
 */
import { expect } from 'chai';
import { VirtualClock } from '../../src/engine/device.js';
import { parseReply } from '../../src/lab/puppet.js';
import { PuppetLineServer } from '../../src/reference/puppetline.js';
import { ReferencePuppet, ReferenceStack, referenceSettings } from '../../src/reference/index.js';

function harness() {
  const clock = new VirtualClock(1_700_000_000_000_000n, false);
  const stack = new ReferenceStack(clock, () => undefined, referenceSettings());
  const lines: string[] = [];
  const server = new PuppetLineServer(() => new ReferencePuppet(stack, clock), (l) => lines.push(l));
  const settle = (): Promise<void> => new Promise((r) => setImmediate(r));
  return { stack, lines, server, settle };
}

describe('reference puppet: the line protocol', () => {
  it('answers socket, bind and listen per session, the reply in the protocol form with its session number', async () => {
    const h = harness();
    h.server.line('1 1 socket 4');
    h.server.line('2 1 socket 4');
    await h.settle();
    h.server.line('1 2 bind 1 0.0.0.0 2200');
    h.server.line('1 3 listen 1 8');
    await h.settle();
    expect(h.lines.map((l) => l.split(' ').slice(0, 4).join(' '))).to.deep.equal(['1 1 1 -', '2 1 1 -', '1 2 0 -', '1 3 0 -']);
    const [sid, ...rest] = h.lines[3]!.split(' ');
    expect(sid).to.equal('1');
    expect(parseReply(rest.join(' '))).to.deep.include({ id: 3, ret: 0, errno: undefined });
    expect(h.stack.isListening(2200)).to.equal(true);
  });

  it('SID 0 end closes the session\'s sockets (the listener goes); SID 0 hello repeats the ready line', async () => {
    const h = harness();
    h.server.line('5 1 socket 4');
    await h.settle();
    h.server.line('5 2 bind 1 0.0.0.0 2201');
    h.server.line('5 3 listen 1 8');
    await h.settle();
    h.server.line('5 0 end');
    await h.settle();
    expect(h.stack.isListening(2201)).to.equal(false);
    expect(h.server.open).to.equal(0);
    h.server.line('9 0 hello');
    expect(h.lines.at(-1)).to.equal('0 0 ready 1 reference');
  });

  it('a call it does not know, or a malformed line with an id, gets EBADREQ; a line without one is ignored; nothing throws', async () => {
    const h = harness();
    h.server.line('1 1 frobnicate 3');
    h.server.line('1 2 socket 4 \u0000');
    h.server.line('garbage');
    h.server.line('');
    h.server.line('x'.repeat(200_000));
    await h.settle();
    expect(h.lines).to.deep.equal(['1 1 -1 EBADREQ 0', '1 2 -1 EBADREQ 0']);
  });

  it('a blocking accept answers only when a connection arrives; an ended session\'s pending call is never answered', async () => {
    const h = harness();
    h.server.line('3 1 socket 4');
    await h.settle();
    h.server.line('3 2 bind 1 0.0.0.0 2202');
    h.server.line('3 3 listen 1 8');
    h.server.line('3 4 accept 1');
    await h.settle();
    expect(h.lines.map((l) => l.split(' ')[1])).to.deep.equal(['1', '2', '3']);
    h.server.line('3 0 end');
    await h.settle();
    expect(h.lines).to.have.length(3);
  });
});
