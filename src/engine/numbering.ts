/**
 * Relative <-> raw numbering, the way Wireshark shows it: each side's sequence numbers count from
 * that side's ISN. One pair of pure functions maps a whole segment's seq, ack and SACK edges;
 * everything else in the engine compares like with like in relative space.
 */
import { toRaw, toRelative } from '../wire/seq.js';
import { Flag } from '../wire/tcp.js';
import { mapOptionSeq, type TcpOption } from '../wire/options.js';
import type { Direction } from './flow.js';
import { UsageError } from '../errors.js';

/** The two initial sequence numbers of a connection; the peer's is unknown until its SYN is seen. */
export interface Isns {
  readonly local: number;
  readonly peer?: number;
}

/** Sequence fields of a segment. */
export interface SeqFields {
  readonly seq: number;
  readonly ack: number;
  readonly flags: number;
  readonly options: readonly TcpOption[];
}

/** The same fields in relative numbers; a field whose base ISN is unknown stays raw and says so. */
export interface RelativeFields extends SeqFields {
  /** False when `seq` is raw because its side's ISN is not known. */
  readonly seqRelative: boolean;
  /** False when `ack` is raw: no ACK flag, or its side's ISN is not known. */
  readonly ackRelative: boolean;
}

/** ISN that a segment's own sequence numbers count from, and the one its ack/SACK edges count from. */
function bases(dir: Direction, isns: Isns): { own?: number; other?: number } {
  return dir === 'out' ? { own: isns.local, other: isns.peer } : { own: isns.peer, other: isns.local };
}

function mapSack(options: readonly TcpOption[], f: (n: number) => number): TcpOption[] {
  return options.map((o) => mapOptionSeq(o, f));
}

/**
 * Raw header numbers -> relative ones for a segment going `dir`. The acknowledgment field is
 * only relative when the ACK flag is set (otherwise it is not a number in anyone's space).
 */
export function relativeFields(raw: SeqFields, dir: Direction, isns: Isns): RelativeFields {
  const { own, other } = bases(dir, isns);
  const ackRelative = (raw.flags & Flag.ACK) !== 0 && other !== undefined;
  return {
    seq: own === undefined ? raw.seq : toRelative(raw.seq, own),
    ack: ackRelative ? toRelative(raw.ack, other!) : raw.ack,
    flags: raw.flags,
    options: other === undefined ? raw.options : mapSack(raw.options, (n) => toRelative(n, other)),
    seqRelative: own !== undefined,
    ackRelative,
  };
}

/**
 * Relative numbers -> raw header numbers for a segment going `dir`; the inverse of
 * {@link relativeFields}. Throws a UsageError naming the field whose base ISN is unknown.
 */
export function rawFields(rel: SeqFields, dir: Direction, isns: Isns): SeqFields {
  const { own, other } = bases(dir, isns);
  if (own === undefined) throw new UsageError('seq: the ISN of the sending side is not known yet');
  const needsOther = (rel.flags & Flag.ACK) !== 0 || rel.options.some((o) => o.kind === 'sack');
  if (needsOther && other === undefined) throw new UsageError('ack: the peer\'s ISN is not known yet');
  return {
    seq: toRaw(rel.seq, own),
    ack: rel.flags & Flag.ACK ? toRaw(rel.ack, other!) : rel.ack,
    flags: rel.flags,
    options: other === undefined ? rel.options : mapSack(rel.options, (n) => toRaw(n, other)),
  };
}
