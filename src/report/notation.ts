/**
 * Segments written back in the scenario's own notation, so that what arrived can be pasted into
 * a scenario as it is: `expect('SA', { seq: 0, ack: 1, window: 65160, options: [mss(1460)] })`.
 */
import { describeExpected, isMatcher, isRef } from '../scenario/matchers.js';
import type { ExpectStep, OptionSpec, Step } from '../scenario/types.js';
import { payloadBytes } from '../scenario/validate.js';
import type { SegmentView } from '../engine/state.js';
import { showPayload } from '../engine/match.js';
import { flagLetters } from '../wire/tcp.js';

/** One option as the DSL call that makes it. */
export function optionNotation(o: OptionSpec): string {
  switch (o.kind) {
    case 'eol':
      return 'eol()';
    case 'nop':
      return 'nop()';
    case 'mss':
      return `mss(${o.value})`;
    case 'wscale':
      return `wscale(${o.shift})`;
    case 'sackOk':
      return 'sackOk()';
    case 'sack':
      return `sack(${o.blocks.map(([l, r]) => `[${l}, ${r}]`).join(', ')})`;
    case 'timestamp':
      return `timestamp(${o.tsval}, ${o.tsecr})`;
    case 'unknown':
      return `option(${o.code}, [${Array.from(o.data).join(', ')}])`;
  }
}

/**
 * A payload as a value that can be pasted into a scenario: a string literal when it is printable
 * text, else `Buffer.from('<hex>', 'hex')` (a Uint8Array). `showPayload`'s `0x...` would be a number.
 */
export function payloadNotation(bytes: Uint8Array): string {
  const shown = showPayload(bytes);
  return shown.startsWith('"') ? shown : `Buffer.from('${Buffer.from(bytes).toString('hex')}', 'hex')`;
}

function fieldsText(parts: string[]): string {
  return parts.length ? `, { ${parts.join(', ')} }` : '';
}

/** A value as written in a scenario: numbers, matchers, `use()` references, nested objects. */
function valueNotation(v: unknown): string {
  if (isMatcher(v)) return describeExpected(v, valueNotation);
  if (isRef(v)) return `use(${JSON.stringify(v.$use)}${v.map ? ', …' : ''})`;
  if (v instanceof Uint8Array) return payloadNotation(v);
  if (Array.isArray(v)) return `[${v.map(valueNotation).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{ ${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${k}: ${valueNotation(x)}`)
      .join(', ')} }`;
  }
  return typeof v === 'string' ? `'${v}'` : String(v);
}

/** A step as written in a scenario (the fields it sets, nothing else). */
export function stepNotation(step: Step): string {
  switch (step.kind) {
    case 'pause':
      return `pause(${step.ms})`;
    case 'silence':
      return `silence(${step.ms}${step.conn ? `, { conn: '${step.conn}' }` : ''})`;
    case 'either':
      return `either(${step.alternatives.map(stepNotation).join(', ')})`;
    case 'anyOrder':
      return `anyOrder(${step.items.map(stepNotation).join(', ')})`;
    default:
      break;
  }
  const f = step.fields as Record<string, unknown>;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (k === 'options' && Array.isArray(v)) parts.push(`options: [${(v as OptionSpec[]).map((o) => (o.kind === 'timestamp' ? `timestamp(${valueNotation(o.tsval)}, ${valueNotation(o.tsecr)})` : optionNotation(o))).join(', ')}]`);
    else if (k === 'payload' && (typeof v === 'string' || v instanceof Uint8Array)) parts.push(`payload: ${payloadNotation(payloadBytes(v))}`);
    else parts.push(`${k}: ${valueNotation(v)}`);
  }
  return `${step.kind}('${step.flags}'${fieldsText(parts)})`;
}

/** A segment that was seen, as the `expect` (or `send`) step that would match (or make) it. */
export function viewNotation(view: SegmentView, verb: 'expect' | 'send' = view.dir === 'in' ? 'expect' : 'send'): string {
  const parts: string[] = [];
  parts.push(view.rel.seqRelative ? `seq: ${view.rel.seq}` : `seq: ${view.packet.tcp.seq} /* raw: ISN unknown */`);
  if (view.rel.ackRelative) parts.push(`ack: ${view.rel.ack}`);
  parts.push(`window: ${view.packet.tcp.window}`);
  if (view.len > 0) parts.push(view.len <= 64 ? `payload: ${payloadNotation(view.packet.payload)}` : `len: ${view.len}`);
  if (view.rel.options.length) parts.push(`options: [${view.rel.options.map(optionNotation).join(', ')}]`);
  return `${verb}('${flagLetters(view.packet.tcp.flags)}'${fieldsText(parts)})`;
}

/** Short for an expectation's notation. */
export function expectNotation(step: ExpectStep): string {
  return stepNotation(step);
}
