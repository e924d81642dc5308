/**
 * Segments written back in the scenario's own notation, so that what arrived can be pasted into
 * a scenario as it is: `expect('SA', { seq: 0, ack: 1, window: 65160, options: [mss(1460)] })`.
 */
import { prop, str } from '../scenario/code.js';
import { describeExpected, isMatcher, isRef } from '../scenario/matchers.js';
import type { OptionSpec, SendOption, Step } from '../scenario/types.js';
import { OPTION_KINDS } from '../wire/options.js';
import { payloadBytes } from '../scenario/model.js';
import type { SegmentView } from './state.js';
import { showPayload } from './match.js';
import { flagLetters } from '../wire/tcp.js';

/** One option as the DSL call that makes it: `mss(1460)`, `sack([1, 2])`, `fastOpen([1, 2, 3, 4])`, `option(253, [222, 173])`. */
export function optionNotation(o: OptionSpec): string {
  return optionCall(o, String);
}

/**
 * An option as a DSL call, from the option table; `value` writes a field that may be a captured
 * value in a send (`timestamp(use('tsval'), 0)`).
 */
function optionCall(o: OptionSpec | SendOption, value: (v: unknown) => string): string {
  if (o.kind === 'unknown') return `option(${o.code}, [${Array.from(o.data).join(', ')}])`;
  const def = OPTION_KINDS[o.kind];
  const values = o as unknown as Record<string, unknown>;
  const args: string[] = [];
  def.fields.forEach((f, i) => {
    const v = values[f.name];
    if (f.type === 'blocks') args.push(...(v as ReadonlyArray<readonly [number, number]>).map(([l, r]) => `[${l}, ${r}]`));
    else if (f.type === 'bytes' && isRef(v)) args.push(value(v));
    else if (f.type === 'bytes') {
      const bytes = v as Uint8Array;
      // A trailing empty byte field is the helper's default: `fastOpen()`.
      if (bytes.length > 0 || i < def.fields.length - 1) args.push(`[${Array.from(bytes).join(', ')}]`);
    } else args.push(value(v));
  });
  return `${def.kind}(${args.join(', ')})`;
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
  if (isRef(v)) return `use(${str(v.$use)}${v.map ? ', …' : ''})`;
  if (v instanceof Uint8Array) return payloadNotation(v);
  if (Array.isArray(v)) return `[${v.map(valueNotation).join(', ')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{ ${Object.entries(v)
      .filter(([, x]) => x !== undefined)
      .map(([k, x]) => `${prop(k)}: ${valueNotation(x)}`)
      .join(', ')} }`;
  }
  return typeof v === 'string' ? str(v, "'") : String(v);
}

/** A step as written in a scenario (the fields it sets, nothing else). */
export function stepNotation(step: Step): string {
  switch (step.kind) {
    case 'pause':
      return `pause(${step.ms})`;
    case 'icmp':
      return `icmp(${step.type}, ${step.code}${step.mtu !== undefined || step.conn ? `, { ${[step.mtu !== undefined ? `mtu: ${step.mtu}` : '', step.conn ? `conn: ${str(step.conn, "'")}` : ''].filter(Boolean).join(', ')} }` : ''})`;
    case 'silence':
    case 'drain':
      return `${step.kind}(${step.ms}${step.conn ? `, { conn: ${str(step.conn, "'")} }` : ''})`;
    case 'either':
      return `either(${step.alternatives.map(stepNotation).join(', ')})`;
    case 'anyOrder':
      return `anyOrder(${step.items.map(stepNotation).join(', ')})`;
    case 'appWait':
      return `appWait(${str(step.name, "'")})`;
    case 'app': {
      const c = step.call as unknown as Record<string, unknown>;
      const args: string[] = [str(String(c.call), "'")];
      const opts: string[] = [];
      for (const [k, v] of Object.entries(c)) {
        if (k === 'call' || v === undefined) continue;
        if (['data', 'n', 'how', 'name', 'value', 'on'].includes(k)) args.push(k === 'data' && typeof v !== 'number' ? payloadNotation(payloadBytes(v as string | Uint8Array)) : valueNotation(v));
        else opts.push(`${k}: ${valueNotation(v)}`);
      }
      for (const [k, v] of Object.entries(step.checks ?? {})) {
        if (v === undefined) continue;
        opts.push(k === 'data' ? `data: ${payloadNotation(payloadBytes(v as string | Uint8Array))}` : `${k}: ${valueNotation(v)}`);
      }
      return `app(${args.join(', ')}${fieldsText(opts)})`;
    }
    default:
      break;
  }
  const f = step.fields as Record<string, unknown>;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined) continue;
    if (k === 'options' && Array.isArray(v)) parts.push(`options: [${(v as SendOption[]).map((o) => optionCall(o, valueNotation)).join(', ')}]`);
    else if (k === 'payload' && (typeof v === 'string' || v instanceof Uint8Array)) parts.push(`payload: ${payloadNotation(payloadBytes(v))}`);
    else parts.push(`${k}: ${valueNotation(v)}`);
  }
  return `${step.kind}(${str(step.flags, "'")}${fieldsText(parts)})`;
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
