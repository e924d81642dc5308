/**
 * Named mutants of the reference stack: each breaks exactly one requirement of RFC 9293 Appendix B
 * (its `requirement`), by a deliberate fault (faults.ts) or by a setting outside what the RFC
 * allows, and nothing else. The suite proves it covers a requirement when a scenario naming that
 * requirement fails against each of its mutants while passing against the pure reference
 * (`tcpcraft suite --target reference --mutants all`, src/suite/mutation.ts).
 */
import { UsageError } from '../errors.js';
export { fault, setting, type Mutant } from './mutant.js';
import { fault, setting, type Mutant } from './mutant.js';
import { MUTANTS_A } from './mutants-a.js';
import { MUTANTS_B } from './mutants-b.js';
import { MUTANTS_C } from './mutants-c.js';
import { MUTANTS_D } from './mutants-d.js';
import { MUTANTS_E } from './mutants-e.js';
import { MUTANTS_F } from './mutants-f.js';
import { MUTANTS_H } from './mutants-h.js';
import { MUTANTS_G } from './mutants-g.js';

const CORE: readonly Mutant[] = [
  fault('answer-broadcast-syn', 'MUST-57', 'answers a SYN sent to a broadcast or multicast address'),
  fault('accept-inexact-rst', 'MAY-12', 'takes any in-window RST as a reset, not only one at exactly RCV.NXT (RFC 5961 §3.2)'),
  fault('ignore-mss-option', 'MUST-14', "ignores the peer's MSS option and sends 1460-byte segments"),
  fault('open-to-broadcast', 'MUST-46', 'carries out an active OPEN to a broadcast address: the SYN goes to it'),
  fault('linear-backoff', 'MUST-19', 'backs the retransmission timer off linearly (by the initial RTO), not exponentially'),
  setting('time-wait-one-second', 'MUST-13', 'keeps TIME-WAIT for one second, not 2 MSL', { mslMs: 500 }),
  setting('no-broadcast-check', 'MUST-57', 'knows no broadcast address of its subnet: takes a SYN to it like any other', { broadcast: [] }),
  setting('rto-floor-200ms', 'RFC 6298 §2.4', 'lets the RTO fall to 200 ms, below RFC 6298 §2.4\'s 1 s', { minRtoMs: 200 }),
];

/** Every mutant: the core ones above and those of each group of requirements (mutants-a.ts to mutants-h.ts). */
export const MUTANTS: readonly Mutant[] = [...CORE, ...MUTANTS_A, ...MUTANTS_B, ...MUTANTS_C, ...MUTANTS_D, ...MUTANTS_E, ...MUTANTS_F, ...MUTANTS_G, ...MUTANTS_H];

/** The mutant called `name`, or a UsageError listing the names. */
export function mutantNamed(name: string): Mutant {
  const m = MUTANTS.find((x) => x.name === name);
  if (!m) throw new UsageError(`no mutant '${name}': the mutants are ${MUTANTS.map((x) => x.name).join(', ')}.`);
  return m;
}
