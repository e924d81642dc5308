/**
 * Lab exercises for a networking class (scenarios/exercises): the catalogue, and the hints a
 * check gives, worked out from how the student's scenario differed from the live stack.
 *
 * Each exercise is a skeleton scenario with TODO blanks (which refuses to load until they are all
 * filled in) and a model answer in scenarios/exercises/answers/, kept apart for the teacher.
 */
import type { RunReport } from '../engine/report.js';

/** One exercise. */
export interface Exercise {
  /** 1-based number, also the file's prefix (01-...). */
  readonly n: number;
  /** The file name without the number and extension. */
  readonly slug: string;
  readonly title: string;
  /** The task in plain words (the skeleton's comment says it too). */
  readonly task: string;
  /** Our ISN for the run, when the exercise fixes it. */
  readonly isn?: number;
  /** What to think about when the check fails in a way the general rules do not explain. */
  readonly hint: string;
}

export const EXERCISES: readonly Exercise[] = [
  { n: 1, slug: 'handshake', title: 'Complete the three-way handshake', task: 'Fill in the relative seq and ack of the SYN/ACK and of the ACK that completes the handshake.', hint: 'Each side numbers from its own ISN; the SYN/ACK acknowledges our SYN, and our ACK acknowledges its SYN.' },
  { n: 2, slug: 'predict-ack', title: 'Send data and predict the ACK', task: 'We send 9 bytes, then 6 more: predict the acknowledgment number of each ACK.', hint: 'The acknowledgment number is the next byte the receiver expects.' },
  { n: 3, slug: 'client-closes', title: 'The client closes first (the netcat seed)', task: 'Fill in the numbers of the closing exchange after our FIN.', hint: 'Our FIN sits right after our 34 bytes; the server answers with its own FIN.' },
  { n: 4, slug: 'server-closes', title: 'The server closes first (the daytime seed)', task: 'Fill in the length of the daytime data, where the server\'s FIN sits, and the ACK numbers.', hint: 'The server\'s FIN comes right after its data in its sequence space.' },
  { n: 5, slug: 'closed-port', title: 'A SYN to a closed port', task: 'What does the server\'s TCP answer a SYN to a port nobody listens on with? Flags and ack.', hint: 'Nothing listens: the TCP resets the connection attempt (RFC 9293 §3.10.7.1).' },
  { n: 6, slug: 'rst-challenge', title: 'An exact RST versus an in-window RST', task: 'Predict the answer to a RST 100 bytes into the window, then give the exact RST\'s sequence number.', hint: 'RFC 5961 §3.2: only a RST at exactly the next expected sequence number is accepted; one elsewhere in the window gets a challenge ACK.' },
  { n: 7, slug: 'retransmission-backoff', title: 'Watch a retransmission back off', task: 'Which segment is retransmitted first, and by what factor does the timer grow before the next retransmission?', hint: 'RFC 6298 §5.5: after each timeout the retransmission timer is doubled.' },
  { n: 8, slug: 'zero-window', title: 'A zero window and its probes', task: 'Fill in the sequence number and length of the zero-window probe Linux sends.', hint: 'The probe carries no data and a sequence number one below the next byte (already acknowledged), so the receiver must answer with an ACK.' },
  { n: 9, slug: 'sequence-wrap', title: 'Sequence numbers across the 2^32 wrap', task: 'With our ISN six below 2^32: predict the relative ACK of 10 bytes, then give the raw sequence number of an exact RST.', isn: 4294967290, hint: 'Relative numbers do not notice the wrap; raw numbers are taken modulo 2^32 (4294967290 + 11 wraps to 5).' },
];

/** The exercise a file is (by its name, `01-handshake.ts`, or its scenario's name, `exercise-01-...`). */
export function exerciseOf(file: string, scenarioName?: string): Exercise | undefined {
  const m = /(?:^|[/\\])(\d\d)-([a-z0-9-]+)\.[mc]?[tj]s$/.exec(file) ?? /^(?:exercise|answer)-(\d\d)-([a-z0-9-]+)$/.exec(scenarioName ?? '');
  return m ? EXERCISES.find((e) => e.n === Number(m[1]) && e.slug === m[2]) : undefined;
}

/** The file name of exercise `e`: `01-handshake.ts`. */
export const fileNameOf = (e: Exercise): string => `${String(e.n).padStart(2, '0')}-${e.slug}.ts`;

const num = (s: string): number | undefined => (/^-?\d+$/.test(s) ? Number(s) : undefined);

/**
 * A hint for a failed check: from the first difference when a general rule explains it (an
 * off-by-one, an ACK that forgot the data's length, a RST that carries ACK, a challenge ACK, a
 * timer that doubles), else the exercise's own hint.
 */
export function hintFor(report: RunReport, ex: Exercise | undefined): string {
  const f = report.failure;
  const fallback = ex?.hint ?? 'Compare the expected and the actual values above: count each side from its own ISN.';
  if (!f) return '';
  if (f.kind === 'mismatch') {
    const lengths = report.events.filter((e) => e.kind === 'sent' && e.view.len > 0).map((e) => e.view.len);
    for (const d of f.diffs) {
      if (d.field === 'seq' || d.field === 'ack') {
        const want = num(d.expected);
        const got = num(d.actual);
        if (want === undefined || got === undefined) continue;
        const off = got - want;
        if (Math.abs(off) === 1) return 'Off by one: the SYN and the FIN each take one sequence number, data takes as many as it has bytes, and a bare ACK takes none.';
        if (d.field === 'ack' && lengths.includes(off)) return 'The acknowledgment number is the next byte the receiver expects: the sequence number of the data plus its length.';
        if (d.field === 'ack' && lengths.includes(-off)) return 'That acknowledges data the receiver has not been sent yet: count only the bytes sent so far.';
      }
      if (d.field === 'flags') {
        if (d.expected === "'R'" && d.actual === "'RA'") return 'A RST that answers a segment without an ACK number carries ACK itself, acknowledging that segment (RFC 9293 §3.10.7.1).';
        if (d.expected.includes('R') && d.actual === "'A'") return 'An in-window RST that is not exact is not accepted: the receiver answers with a challenge ACK instead (RFC 5961 §3.2).';
        if (d.expected === "'A'" && d.actual === "'FA'") return 'The peer folded the ACK of our FIN into its own FIN.';
      }
      if (d.field === 'time' && /x the previous interval/.test(d.expected)) return 'RFC 6298 §5.5: the retransmission timer doubles after each timeout.';
    }
  }
  if (f.kind === 'timeout' && report.events.some((e) => e.kind === 'sent' && e.view.packet.tcp.flags & 0x04)) {
    return `Nothing came: ${fallback}`;
  }
  return fallback;
}
