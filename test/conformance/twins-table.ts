/**
 * The mutated twin of every conformance scenario: one expected value changed, one flag letter
 * changed, or a `silence` swapped with an expectation, so that it must FAIL at that step wherever
 * the original passes. Shared by the Linux twin test and the matrix test over every lab target.
 */
import { join } from 'node:path';
import { ROOT } from '../support/live.js';

export const DIR = join(ROOT, 'scenarios/conformance');

export interface Twin {
  /** Scenario file in scenarios/conformance. */
  readonly file: string;
  /** 1-based step number (as diagnostics show it) that is replaced. */
  readonly step: number;
  /** TypeScript source of the replacement step (`s`: the original step; `set(f)`: s with fields f). */
  readonly with: string;
  /** Why the live stack must make this twin fail. */
  readonly why: string;
}

// prettier-ignore
export const TWINS: readonly Twin[] = [
  { file: 'closed-port-syn.ts',         step: 2,  with: `set({ ack: 2 })`,                                  why: 'the RST/ACK acknowledges exactly ISN+1 (the SYN), not more' },
  { file: 'closed-port-syn-data.ts',    step: 2,  with: `set({ ack: 1 })`,                                  why: 'the RST/ACK covers the SYN and its 5 data bytes: ack 6, not 1' },
  { file: 'closed-port-ack.ts',         step: 2,  with: `set({ seq: (s.fields.seq as number) + 1 })`,       why: 'the RST seq is exactly our ACK number' },
  { file: 'listener-rst-ignored.ts',    step: 2,  with: `expect('RA', { timeout: 300 })`,                   why: 'the listener ignores the RST: nothing comes back' },
  { file: 'synack-options-offered.ts',  step: 2,  with: `set({ options: { has: ['sackOk'], timestamp: { tsval: capture('peerTs'), tsecr: 0x1000abce } } })`, why: 'TSecr echoes our TSval exactly' },
  { file: 'synack-options-none.ts',     step: 2,  with: `set({ options: { has: ['mss', 'wscale'] } })`,     why: 'no window scale in the SYN/ACK when the SYN had none' },
  { file: 'synack-options-partial.ts',  step: 2,  with: `set({ options: { has: ['mss', 'sackOk', 'timestamp'] } })`, why: 'no timestamps in the SYN/ACK when the SYN had none' },
  { file: 'synack-retransmit.ts',       step: 4,  with: `set({ backoff: 3 })`,                              why: 'the SYN/ACK timer doubles (RFC 6298 §5.5): the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'synrecv-dup-syn.ts',         step: 4,  with: `expect('SA', { seq: 0, ack: 2, within: 300 })`,     why: 'the answer to the duplicate SYN acknowledges exactly the SYN (ack 1)' },
  { file: 'synrecv-bad-ack.ts',         step: 4,  with: `set({ seq: 1 })`,                                  why: 'the RST seq is SEG.ACK (1001), not the server\'s ISS+1' },
  { file: 'unknown-option.ts',          step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with the unknown option is taken (ack 22)' },
  { file: 'reserved-bits.ts',           step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with reserved bits set is taken (ack 19)' },
  { file: 'bad-checksum.ts',            step: 5,  with: `expect('A', { ack: 15, timeout: 700 })`,           why: 'a bad checksum gets no ACK at all' },
  { file: 'oow-data-ack.ts',            step: 5,  with: `silence(300)`,                                     why: 'out-of-window data is answered by an ACK' },
  { file: 'rst-in-window-challenge.ts', step: 5,  with: `silence(300)`,                                     why: 'an inexact in-window RST gets a challenge ACK' },
  { file: 'rst-out-of-window.ts',       step: 5,  with: `expect('A', { seq: 1, ack: 1, timeout: 600 })`,    why: 'an out-of-window RST gets no challenge ACK' },
  { file: 'rst-exact.ts',               step: 7,  with: `({ ...s, flags: 'RA' })`,                          why: 'the listener answers an ACK with a bare RST (no ACK flag)' },
  { file: 'syn-in-established.ts',      step: 5,  with: `({ ...s, flags: 'R' })`,                           why: 'a SYN in ESTABLISHED gets a challenge ACK, not the RFC 793 RST' },
  { file: 'ack-unsent-data.ts',         step: 5,  with: `set({ ack: 19 })`,                                 why: 'a segment acknowledging unsent data is dropped, its bytes not taken' },
  { file: 'ooo-sack.ts',                step: 5,  with: `set({ options: { sack: [[101, 200]] } })`,         why: 'the SACK block is exactly 101-201' },
  { file: 'ooo-no-sack.ts',             step: 5,  with: `set({ options: { has: ['sack'] } })`,              why: 'no SACK block without SACK-permitted' },
  { file: 'ooo-fill-hole.ts',           step: 7,  with: `set({ ack: 101 })`,                                why: 'filling the hole acknowledges everything: 201' },
  { file: 'delayed-ack-bound.ts',       step: 5,  with: `set({ ack: 4 })`,                                  why: 'the ACK covers all 4 bytes' },
  { file: 'fin-last-ack.ts',            step: 9,  with: `expect('FA', { timeout: 800 })`,                   why: 'once its FIN is ACKed, the server sends nothing more' },
  { file: 'fin-last-ack-retransmit.ts', step: 8,  with: `set({ backoff: 3 })`,                              why: 'the FIN timer doubles: the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'fin-wait.ts',                step: 10, with: `set({ ack: 1 })`,                                  why: 'our FIN is acknowledged (ack 2)' },
  { file: 'data-retransmit-backoff.ts', step: 15, with: `either(expect('A', { seq: 1, ack: 1, len: 500, backoff: 3, timeout: 12000 }), expect('PA', { seq: 1, ack: 1, len: 500, backoff: 3, timeout: 12000 }))`, why: 'the RTO doubles: the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'mss-respected.ts',           step: 4,  with: `either(expect('A', { seq: 1, len: range(201, 1460) }), expect('PA', { seq: 1, len: range(201, 1460) }))`, why: 'segments are at most our MSS (200), never the server\'s 1460' },
  { file: 'zero-window-probe.ts',       step: 7,  with: `silence(1000)`,                                    why: 'data comes as soon as the window opens' },
  { file: 'paws.ts',                    step: 7,  with: `set({ ack: 13 })`,                                 why: 'the segment with the old TSval is dropped' },
  { file: 'challenge-ack-ratelimit.ts', step: 7,  with: `expect('A', { seq: 1, ack: 1, timeout: 300 })`,    why: 'a second challenge ACK within 500 ms is throttled' },
];

/** The TypeScript source of twin `t`, importing its original from scenarios/conformance. */
export function twinSource(t: Twin): string {
  return `import base from ${JSON.stringify(join(DIR, t.file))};
import { expect, silence, either, range, capture, type Step, type ExpectStep } from 'tcpcraft';
const i = ${t.step - 1};
const s = base.steps[i] as ExpectStep;
const set = (f: Record<string, unknown>): Step => ({ ...s, fields: { ...s.fields, ...f } }) as Step;
void expect; void silence; void either; void range; void capture; void set;
const steps = [...base.steps];
steps[i] = ${t.with};
export default { ...base, name: base.name + '-twin', steps };
`;
}

