/**
 * Scenario validation: one test per rule. Each error message must name the file, the step
 * (`step 3 (send 'PA')`), the line the step was written on, and the field.
 */
import { expect as chaiExpect } from 'chai';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, mss, nop, option, pause, sack, send, timestamp, wscale } from '../../src/scenario/dsl.js';
import type { Scenario, Step } from '../../src/scenario/types.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { plan } from '../../src/engine/plan.js';
import { loadScenario } from '../../src/io/load.js';
import { base, caught, caughtAsync, lineOf, rejections } from './lines.js';

/** This file as the CLI would name it: relative to the working directory. */
const { self: SELF, abs: SELF_ABS, stepFails, scenarioFails } = rejections(import.meta.url);
const FIX = 'test/fixtures/scenarios';
const FLOW = { localIp: '10.77.0.1', localPort: 24491, peerIp: '10.77.0.2', peerPort: 5000 };

describe('scenario/validate', () => {
  it('accepts both seed scenarios unchanged', async () => {
    const sc = await loadScenario('scenarios/netcat-5000.ts');
    chaiExpect(sc.name).to.equal('netcat-5000');
    chaiExpect(sc.steps).to.have.length(9);
    const d = await loadScenario('scenarios/daytime-13.ts');
    chaiExpect(d.steps).to.have.length(9);
  });

  describe('flags', () => {
    it('rejects an unknown flag letter', () => {
      const sc = base([send('S'), expect('SA'), send('PX') /* @unknown-letter */]);
      const e = stepFails(sc, '@unknown-letter', 2, "send 'PX'", 'flags');
      chaiExpect(e.message).to.contain("unknown flag letter 'X' in 'PX'");
    });

    it('rejects a letter given twice', () => {
      const sc = base([send('S'), expect('SAA') /* @dup-letter */]);
      const e = stepFails(sc, '@dup-letter', 1, "expect 'SAA'", 'flags');
      chaiExpect(e.message).to.contain("flag letter 'A' given twice in 'SAA'");
    });

    it("counts '.' as ACK, so 'A.' is a duplicate", () => {
      const sc = base([send('A.') /* @dot-dup */]);
      const e = stepFails(sc, '@dot-dup', 0, "send 'A.'", 'flags');
      chaiExpect(e.message).to.contain("given twice in 'A.'");
    });

    it('rejects flags that are not a string', () => {
      const sc = base([send(18 as never) /* @flags-number */]);
      stepFails(sc, '@flags-number', 0, "send '18'", 'flags');
    });
  });

  describe('addresses and ports', () => {
    it('rejects peer.port 0', () => {
      const e = scenarioFails(base([send('S')], { peer: { host: '10.77.0.2', port: 0 } }), 'peer.port');
      chaiExpect(e.message).to.equal(`${SELF}: peer.port: 0 is not an integer in 1..65535`);
    });

    it('rejects peer.port 70000', () => {
      const e = scenarioFails(base([send('S')], { peer: { host: '10.77.0.2', port: 70000 } }), 'peer.port');
      chaiExpect(e.message).to.equal(`${SELF}: peer.port: 70000 is not an integer in 1..65535`);
    });

    it('requires peer.port', () => {
      const e = scenarioFails(base([send('S')], { peer: { host: '10.77.0.2' } }), 'peer.port');
      chaiExpect(e.message).to.equal(`${SELF}: peer.port: is required`);
    });

    it('rejects local.port out of range', () => {
      const e = scenarioFails(base([send('S')], { local: { port: 65536 } }), 'local.port');
      chaiExpect(e.message).to.equal(`${SELF}: local.port: 65536 is not an integer in 1..65535`);
    });

    it('rejects a bad IPv4 peer host', () => {
      const e = scenarioFails(base([send('S')], { peer: { host: '10.77.0.256', port: 5000 } }), 'peer.host');
      chaiExpect(e.message).to.equal(`${SELF}: peer.host: '10.77.0.256' is not an IPv4 or IPv6 address`);
    });

    it('rejects a host name where an IPv4 address is needed (local.host)', () => {
      const e = scenarioFails(base([send('S')], { local: { host: 'localhost' } }), 'local.host');
      chaiExpect(e.message).to.equal(`${SELF}: local.host: 'localhost' is not an IPv4 or IPv6 address`);
    });
  });

  describe('send fields', () => {
    it('rejects a payload too large for an IPv4 packet (70000 bytes)', () => {
      const sc = base([send('S'), expect('SA'), send('PA', { payload: new Uint8Array(70000) }) /* @huge */]);
      const e = stepFails(sc, '@huge', 2, "send 'PA'", 'payload');
      chaiExpect(e.message).to.contain('70000 bytes is too large');
      chaiExpect(e.message).to.contain('at most 65495 bytes of payload');
    });

    it('takes option bytes into account for the payload room (65483 fits with mss, 65484 does not)', () => {
      const ok = base([send('S'), expect('SA'), send('PA', { options: [mss(1460), nop()], payload: new Uint8Array(65487) })]);
      chaiExpect(() => validateScenario(ok, SELF)).to.not.throw();
      const bad = base([send('S'), expect('SA'), send('PA', { options: [mss(1460), nop()], payload: new Uint8Array(65488) }) /* @room */]);
      const e = stepFails(bad, '@room', 2, "send 'PA'", 'payload');
      chaiExpect(e.message).to.contain('at most 65487 bytes');
    });

    it('sizes payloads for an IPv6 peer: the payload length leaves out the 40-byte header (65515 fits, 65516 does not)', () => {
      const six = { peer: { host: 'fd77::2', port: 5000 } };
      const ok = base([send('S'), expect('SA'), send('PA', { payload: new Uint8Array(65515) })], six);
      chaiExpect(() => validateScenario(ok, SELF)).to.not.throw();
      const bad = base([send('S'), expect('SA'), send('PA', { payload: new Uint8Array(65516) }) /* @room6 */], six);
      const e = stepFails(bad, '@room6', 2, "send 'PA'", 'payload');
      chaiExpect(e.message).to.contain('65516 bytes is too large: an IPv6 packet with these headers holds at most 65515 bytes of payload');
    });

    it('counts IPv6 extension headers in the payload room (an 8-byte header: 65507 fits, 65508 does not)', () => {
      const six = { peer: { host: 'fd77::2', port: 5000 } };
      const ip = { extensions: [{ type: 60 }] };
      const ok = base([send('S'), expect('SA'), send('PA', { ip, payload: new Uint8Array(65507) })], six);
      chaiExpect(() => validateScenario(ok, SELF)).to.not.throw();
      const bad = base([send('S'), expect('SA'), send('PA', { ip, payload: new Uint8Array(65508) }) /* @ext6 */], six);
      const e = stepFails(bad, '@ext6', 2, "send 'PA'", 'payload');
      chaiExpect(e.message).to.contain('an IPv6 packet with these headers holds at most 65507 bytes of payload');
    });

    it('sizes expected payloads for an IPv6 peer too (len up to 65515)', () => {
      const six = { peer: { host: 'fd77::2', port: 5000 } };
      chaiExpect(() => validateScenario(base([send('S'), expect('SA', { len: 65515 })], six), SELF)).to.not.throw();
      const e = stepFails(base([send('S'), expect('SA', { len: 65516 }) /* @len6 */], six), '@len6', 1, "expect 'SA'", 'len');
      chaiExpect(e.message).to.contain('65516');
    });

    it('a server-role scenario with only an IPv6 local address sizes for IPv6', () => {
      const sc = { name: 't', role: 'server', local: { host: 'fd77::1', port: 13 }, steps: [expect('S'), send('SA'), expect('A'), send('PA', { payload: new Uint8Array(65515) })] };
      chaiExpect(() => validateScenario(sc, SELF)).to.not.throw();
    });

    it('rejects a window above 65535', () => {
      const sc = base([send('S', { window: 65536 }) /* @win */]);
      const e = stepFails(sc, '@win', 0, "send 'S'", 'window');
      chaiExpect(e.message).to.contain('65536 is not an integer in 0..65535');
    });

    it('rejects a negative window', () => {
      const sc = base([send('S', { window: -1 }) /* @negwin */]);
      stepFails(sc, '@negwin', 0, "send 'S'", 'window');
    });

    it('rejects an urgent pointer out of range', () => {
      const sc = base([send('S'), expect('SA'), send('UA', { urgent: 70000 }) /* @urg */]);
      const e = stepFails(sc, '@urg', 2, "send 'UA'", 'urgent');
      chaiExpect(e.message).to.contain('70000 is not an integer in 0..65535');
    });

    it('rejects an unknown send field (typo windw)', () => {
      const sc = base([send('S', { windw: 100 } as never) /* @typo-send */]);
      const e = stepFails(sc, '@typo-send', 0, "send 'S'", 'windw');
      chaiExpect(e.message).to.contain('unknown field (allowed: seq, ack, payload, window, options, urgent, tcp, ip, conn)');
    });

    it('rejects an unknown raw override (tcp.sequence)', () => {
      const sc = base([send('S', { tcp: { sequence: 5 } } as never) /* @typo-tcp */]);
      stepFails(sc, '@typo-tcp', 0, "send 'S'", 'tcp.sequence');
    });

    it('rejects ip.ttl out of range', () => {
      const sc = base([send('S', { ip: { ttl: 256 } }) /* @ttl */]);
      stepFails(sc, '@ttl', 0, "send 'S'", 'ip.ttl');
    });

    it('rejects options longer than 40 bytes', () => {
      // 4 timestamps = 40 bytes, plus a nop = 41
      const sc = base([send('S', { options: [timestamp(1, 0), timestamp(2, 0), timestamp(3, 0), timestamp(4, 0), nop()] }) /* @optlen */]);
      const e = stepFails(sc, '@optlen', 0, "send 'S'", 'options');
      chaiExpect(e.message).to.contain('options take 41 bytes; a TCP header holds at most 40');
    });

    it('accepts exactly 40 bytes of options', () => {
      const sc = base([send('S', { options: [timestamp(1, 0), timestamp(2, 0), timestamp(3, 0), timestamp(4, 0)] })]);
      chaiExpect(() => validateScenario(sc, SELF)).to.not.throw();
    });

    it('rejects more than 40 raw option bytes', () => {
      const sc = base([send('S', { options: new Uint8Array(44) }) /* @rawopt */]);
      const e = stepFails(sc, '@rawopt', 0, "send 'S'", 'options');
      chaiExpect(e.message).to.contain('44 raw option bytes');
    });

    it('rejects a SACK option with 0 blocks', () => {
      const sc = base([send('S'), expect('SA'), send('A', { options: [sack()] }) /* @sack0 */]);
      const e = stepFails(sc, '@sack0', 2, "send 'A'", 'options[0].blocks');
      chaiExpect(e.message).to.contain('a SACK option carries 1 to 4 blocks');
    });

    it('rejects a SACK option with 5 blocks', () => {
      const five = sack([1, 2], [3, 4], [5, 6], [7, 8], [9, 10]);
      const sc = base([send('S'), expect('SA'), send('A', { options: [nop(), nop(), five] }) /* @sack5 */]);
      const e = stepFails(sc, '@sack5', 2, "send 'A'", 'options[2].blocks');
      chaiExpect(e.message).to.contain('1 to 4 blocks');
    });

    it('rejects a wscale shift out of range', () => {
      const sc = base([send('S', { options: [wscale(256)] }) /* @wscale */]);
      stepFails(sc, '@wscale', 0, "send 'S'", 'options[0].shift');
    });

    it('rejects unknown-option data longer than 38 bytes', () => {
      const sc = base([send('S', { options: [option(253, new Array(39).fill(0))] }) /* @optdata */]);
      stepFails(sc, '@optdata', 0, "send 'S'", 'options[0].data');
    });

    it('rejects a relative seq that is not an integer', () => {
      const sc = base([send('S', { seq: 1.5 }) /* @seqfrac */]);
      stepFails(sc, '@seqfrac', 0, "send 'S'", 'seq');
    });
  });

  describe('expect fields', () => {
    it('rejects a len that disagrees with the payload', () => {
      const sc = base([send('S'), expect('SA'), send('A'), expect('PA', { payload: 'hello\n', len: 5 }) /* @len */]);
      const e = stepFails(sc, '@len', 3, "expect 'PA'", 'len');
      chaiExpect(e.message).to.contain('5 disagrees with the 6-byte payload');
    });

    it('counts a text payload in UTF-8 bytes (é is 2 bytes)', () => {
      const ok = base([send('S'), expect('SA'), expect('PA', { payload: 'é', len: 2 })]);
      chaiExpect(() => validateScenario(ok, SELF)).to.not.throw();
    });

    it('rejects an unknown expect field (typo windw)', () => {
      const sc = base([send('S'), expect('SA', { windw: 5 } as never) /* @typo-expect */]);
      const e = stepFails(sc, '@typo-expect', 1, "expect 'SA'", 'windw');
      chaiExpect(e.message).to.contain('unknown field (allowed: seq, ack, rawSeq, valid, window, urgent, payload, len, options, ip, optional, precondition, timeout, within, after, at, backoff, conn)');
    });

    it('rejects optional that is not a boolean', () => {
      const sc = base([send('S'), expect('SA', { optional: 'yes' } as never) /* @optional */]);
      stepFails(sc, '@optional', 1, "expect 'SA'", 'optional');
    });

    it('rejects an expect timeout of 0', () => {
      const sc = base([send('S'), expect('SA', { timeout: 0 }) /* @exp-timeout */]);
      stepFails(sc, '@exp-timeout', 1, "expect 'SA'", 'timeout');
    });

    it('rejects raw option bytes in an expectation', () => {
      const sc = base([send('S'), expect('SA', { options: new Uint8Array(4) } as never) /* @exp-raw */]);
      const e = stepFails(sc, '@exp-raw', 1, "expect 'SA'", 'options');
      chaiExpect(e.message).to.contain('expected options are a list of option values');
    });

    it('rejects a window out of range in an expectation', () => {
      const sc = base([send('S'), expect('SA', { window: 100000 }) /* @exp-win */]);
      stepFails(sc, '@exp-win', 1, "expect 'SA'", 'window');
    });
  });

  describe('pause', () => {
    it('rejects a negative pause', () => {
      const sc = base([send('S'), pause(-1) /* @pause-neg */]);
      const e = stepFails(sc, '@pause-neg', 1, 'pause -1 ms', 'ms');
      chaiExpect(e.message).to.contain('-1 is not a duration in 0..600000 ms');
    });

    it('rejects a pause above 600000 ms', () => {
      const sc = base([send('S'), pause(600001) /* @pause-big */]);
      stepFails(sc, '@pause-big', 1, 'pause 600001 ms', 'ms');
    });
  });

  describe('scenario level', () => {
    it('rejects empty steps', () => {
      const e = scenarioFails(base([]), 'steps');
      chaiExpect(e.message).to.equal(`${SELF}: steps: must be a non-empty list of send(), expect(), pause(), either(), anyOrder() and silence() steps`);
    });

    it('rejects a missing default export', () => {
      const e = scenarioFails(undefined, 'default export');
      chaiExpect(e.message).to.equal(`${SELF}: default export: a scenario file must \`export default scenario({ ... })\``);
    });

    it("rejects a role other than 'client' or 'server'", () => {
      const e = scenarioFails(base([send('S')], { role: 'proxy' }), 'role');
      chaiExpect(e.message).to.equal(`${SELF}: role: 'proxy' is not a role (use 'client' or 'server')`);
    });

    it('rejects an unknown scenario field (typo stpes)', () => {
      const e = scenarioFails({ ...base([send('S')]), stpes: [] }, 'stpes');
      chaiExpect(e.message).to.contain('unknown field (allowed: name, description, rfc, expectedFailures, requires, level, role, peer, local, connections, window, isn, timeout, tolerance, steps)');
    });

    it('rejects an unknown feature in requires and an unknown level', () => {
      chaiExpect(scenarioFails(base([send('S')], { requires: ['sack', 'tcp-ao'] }), 'requires[1]').message).to.contain("'tcp-ao' is not a feature (sack, timestamps, wscale, ecn, source-route, tfo, app-puppet, app-unread, app-nodelay, app-keepalive, app-dialer, app-stall, app-trickle, app-pieces, ipv4, ipv6)");
      chaiExpect(scenarioFails(base([send('S')], { level: 'MUST NOT' }), 'level').message).to.contain("'MUST NOT' is not a level (MUST, SHOULD, MAY)");
    });

    it('rejects an empty name', () => {
      scenarioFails(base([send('S')], { name: '  ' }), 'name');
    });

    it('rejects a scenario window out of range', () => {
      scenarioFails(base([send('S')], { window: 65536 }), 'window');
    });

    it('rejects something that is not a step', () => {
      const e = scenarioFails(base([send('S'), { kind: 'wait' } as never]), 'steps[1]');
      chaiExpect(e.message).to.equal(`${SELF}: steps[1]: is not a step: use send(), expect(), pause(), either(), anyOrder(), silence(), drain(), icmp(), app() or appWait()`);
    });

    it('names only the file when a step has no call site (built by hand)', () => {
      const sc = base([{ kind: 'send', flags: 'Z', fields: {} } as Step]);
      const e = caught(() => validateScenario(sc, SELF));
      chaiExpect(e.message).to.equal(`${SELF}: step 1 (send 'Z'): flags: unknown flag letter 'Z' in 'Z' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')`);
    });
  });

  describe('numbering rules found by plan()', () => {
    const run = (sc: Record<string, unknown>) => () => plan(validateScenario(sc, SELF) as Scenario, { file: SELF, flow: FLOW, localIsn: 1000, peerIsn: 2000 });

    it("rejects send('A') before any SYN from the peer: its ack cannot be numbered", () => {
      const sc = base([send('S'), send('A') /* @ack-early */]);
      const e = caught(run(sc));
      const line = lineOf(SELF_ABS, '@ack-early');
      chaiExpect(e.message).to.equal(`${SELF}:${line}: step 2 (send 'A'): ack: the peer's ISN is not known yet (no SYN from the peer is expected before this step): give tcp.ack as a raw number`);
      chaiExpect(e.stepIndex).to.equal(1);
      chaiExpect(e.field).to.equal('ack');
    });

    it('accepts an early ACK with a raw tcp.ack', () => {
      const sc = base([send('S'), send('A', { tcp: { ack: 12345 } })]);
      const r = run(sc)();
      chaiExpect(r.events[1]!.view.packet.tcp.ack).to.equal(12345);
    });

    it('rejects a SACK option before the peer ISN is known (field options)', () => {
      const sc = base([send('S', { options: [sack([1, 2])] }) /* @sack-early */]);
      const e = caught(run(sc));
      chaiExpect(e.message.startsWith(`${SELF}:${lineOf(SELF_ABS, '@sack-early')}: step 1 (send 'S'): options: `), e.message).to.equal(true);
    });

    it('rejects a send after we sent a RST, without an explicit seq', () => {
      const sc = base([send('S'), expect('SA'), send('R'), send('A') /* @after-our-rst */]);
      const e = caught(run(sc));
      const line = lineOf(SELF_ABS, '@after-our-rst');
      chaiExpect(e.message).to.equal(
        `${SELF}:${line}: step 4 (send 'A'): seq: we reset the connection at step 3, so the next sequence number is not defined: give seq (or tcp.seq) explicitly`,
      );
      chaiExpect(e.field).to.equal('seq');
    });

    it('rejects a send after an expected RST from the peer, without an explicit seq', () => {
      const sc = base([send('S'), expect('RA', { seq: 0, ack: 1 }), send('S') /* @after-peer-rst */]);
      const e = caught(run(sc));
      const line = lineOf(SELF_ABS, '@after-peer-rst');
      chaiExpect(e.message).to.equal(
        `${SELF}:${line}: step 3 (send 'S'): seq: the peer reset the connection at step 2, so the next sequence number is not defined: give seq (or tcp.seq) explicitly`,
      );
    });

    it('accepts a send after a RST when seq is explicit (relative or raw)', () => {
      const a = run(base([send('S'), expect('SA'), send('R'), send('A', { seq: 1 })]))();
      chaiExpect(a.events[3]!.view.packet.tcp.seq).to.equal(1001);
      const b = run(base([send('S'), expect('SA'), send('R'), send('A', { tcp: { seq: 7 } })]))();
      chaiExpect(b.events[3]!.view.packet.tcp.seq).to.equal(7);
    });
  });

  describe('file:line end to end, from .ts files on disk (loadScenario)', () => {
    it('an unknown flag letter names file, line 11, step 3 and flags', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/bad-flag.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/bad-flag.ts:11: step 3 (send 'QA'): flags: unknown flag letter 'Q' in 'QA' (use F S R P A U E W N, e.g. 'SA', 'PA', 'FA')`);
      chaiExpect(e.file).to.equal(`${FIX}/bad-flag.ts`);
    });

    it('a typo in a field name names line 10, step 2 and the field', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/typo-field.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/typo-field.ts:10: step 2 (expect 'SA'): windw: unknown field (allowed: seq, ack, rawSeq, valid, window, urgent, payload, len, options, ip, optional, precondition, timeout, within, after, at, backoff, conn)`);
    });

    it('a scenario-level error names the file and field', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/bad-port.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/bad-port.ts: peer.port: 70000 is not an integer in 1..65535`);
    });

    it('a missing default export', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/no-default.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/no-default.ts: default export: a scenario file must \`export default scenario({ ... })\``);
    });

    it('a file that throws on import', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/throws.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/throws.ts: cannot load the scenario: scenario author bug`);
    });

    it('a missing file', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/does-not-exist.ts`));
      chaiExpect(e.message).to.equal(`${FIX}/does-not-exist.ts: no such scenario file`);
    });

    it('a step written in a helper module points at the helper file and line', async () => {
      const e = await caughtAsync(loadScenario(`${FIX}/uses-helper.ts`));
      const helper = fileURLToPath(new URL('../fixtures/scenarios/helper-steps.ts', import.meta.url));
      chaiExpect(e.message).to.equal(
        `${helper}:6: step 3 (send 'PA'): payload: 65496 bytes is too large: an IPv4 packet with these headers holds at most 65495 bytes of payload`,
      );
      chaiExpect(e.file).to.equal(`${FIX}/uses-helper.ts`);
    });

    it('an ACK before the peer SYN, found by plan(), names line 9', async () => {
      const file = `${FIX}/ack-before-syn.ts`;
      const sc = await loadScenario(file);
      const e = caught(() => plan(sc, { file, flow: FLOW, localIsn: 0, peerIsn: 0 }));
      chaiExpect(e.message).to.equal(`${file}:9: step 2 (send 'A'): ack: the peer's ISN is not known yet (no SYN from the peer is expected before this step): give tcp.ack as a raw number`);
    });

    it('a send after the peer RST, found by plan(), names line 10', async () => {
      const file = `${FIX}/send-after-rst.ts`;
      const sc = await loadScenario(file);
      const e = caught(() => plan(sc, { file, flow: FLOW, localIsn: 0, peerIsn: 0 }));
      chaiExpect(e.message).to.equal(
        `${file}:10: step 3 (send 'S'): seq: the peer reset the connection at step 2, so the next sequence number is not defined: give seq (or tcp.seq) explicitly`,
      );
    });
  });
});
