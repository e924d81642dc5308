/**
 * Learned machines on disk and on screen: the JSON document a learned Mealy machine is saved as
 * (`tcpcraft-machine`, schemas/machine.schema.json), its strict reader, and two drawings of it:
 * Graphviz DOT (for `dot -Tsvg` and friends) and a self-contained SVG laid out here, for when
 * Graphviz is not installed. Pure: no I/O; the caller reads and writes the files.
 *
 * Machine files are read back from disk, so everything in them is untrusted text: the reader
 * checks every field and names the file and the JSON path of the first problem; the drawings
 * escape every label.
 */
import { UsageError } from '../errors.js';
import { TOOL } from '../version.js';
import type { Mealy } from './mealy.js';

/** The version of the machine document's shape (`version`), bumped on any change a reader would notice. */
export const MACHINE_FORMAT_VERSION = 1;

/** How a machine was learned: the teacher's counts, and the words whose answers were not always the same. */
export interface LearningJson {
  /** Output queries sent to the system (cache hits not counted). */
  queries: number;
  /** Inputs in those queries. */
  symbols: number;
  equivalenceQueries: number;
  /** Wall time of the whole learning run. */
  seconds: number;
  /** How long the teacher waited for answers after each input, when it used a fixed wait. */
  waitMs?: number;
  /** Words that got different outputs when asked again: each output word has one output per input. */
  nondeterministic?: Array<{ word: string[]; outputs: string[][] }>;
  /** Learning was stopped before a hypothesis passed its tests (a time bound, a signal): the machine is the last hypothesis. */
  stopped?: string;
  /**
   * The target's settings the run changed (and put back after it): `was` the value before; or
   * `refused` with why the target would not take it (it learnt with its own then).
   */
  settings?: LearningSetting[];
}

/** One of the target's settings, as a learning run changed it. */
export interface LearningSetting {
  name: string;
  value: number;
  was?: number;
  refused?: string;
}

/**
 * A learned machine as JSON: states numbered from 0 (the initial one), listed in order, and one
 * transition for every (state, input), ordered by state then by input.
 */
export interface MachineDoc {
  format: 'tcpcraft-machine';
  version: 1;
  tool: { name: 'tcpcraft'; version: string };
  /** The system it was learned from (a target name, an address...). */
  target: string;
  /** Whether tcpcraft talked to a server (it connected) or to a client. */
  role: 'server' | 'client';
  /** The name of the input alphabet used. */
  alphabet: string;
  /** The inputs, in the machine's order. */
  inputs: string[];
  /** `name` is `s<id>`; `rfc` is the RFC 9293 state it was matched to, when known. */
  states: Array<{ id: number; name: string; rfc?: string }>;
  transitions: Array<{ from: number; input: string; output: string; to: number }>;
  learning?: LearningJson;
}

/** What {@link toDoc} needs besides the machine. */
export interface MachineMeta {
  target: string;
  role: 'server' | 'client';
  alphabet: string;
  /** RFC state names by state number (undefined where unknown). */
  rfc?: ReadonlyArray<string | undefined>;
  learning?: LearningJson;
}

/** The JSON document of `m` (write it with `JSON.stringify(doc, null, 2)`). */
export function toDoc(m: Mealy, meta: MachineMeta): MachineDoc {
  const n = m.next.length;
  if (meta.rfc && meta.rfc.length > n) throw new RangeError(`rfc names ${meta.rfc.length} states; the machine has ${n}`);
  const states = Array.from({ length: n }, (_, id) => {
    const rfc = meta.rfc?.[id];
    return rfc === undefined ? { id, name: `s${id}` } : { id, name: `s${id}`, rfc };
  });
  const transitions = m.next.flatMap((row, from) => m.inputs.map((input, i) => ({ from, input, output: m.out[from]![i]!, to: row[i]! })));
  return {
    format: 'tcpcraft-machine',
    version: MACHINE_FORMAT_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    target: meta.target,
    role: meta.role,
    alphabet: meta.alphabet,
    inputs: [...m.inputs],
    states,
    transitions,
    ...(meta.learning ? { learning: copyLearning(meta.learning) } : {}),
  };
}

/** A deep copy of `l` without undefined optional fields (so the document holds exactly what JSON will). */
function copyLearning(l: LearningJson): LearningJson {
  return {
    queries: l.queries,
    symbols: l.symbols,
    equivalenceQueries: l.equivalenceQueries,
    seconds: l.seconds,
    ...(l.waitMs !== undefined ? { waitMs: l.waitMs } : {}),
    ...(l.nondeterministic ? { nondeterministic: l.nondeterministic.map((x) => ({ word: [...x.word], outputs: x.outputs.map((o) => [...o]) })) } : {}),
    ...(l.stopped !== undefined ? { stopped: l.stopped } : {}),
    ...(l.settings ? { settings: l.settings.map((x) => ({ ...x })) } : {}),
  };
}

/** A short rendering of a JSON value for messages. */
function shown(v: unknown): string {
  const text = v === undefined ? 'undefined' : JSON.stringify(v);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The name of a JSON value's type for messages. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `${typeof v} ${shown(v)}`;
}

/** Reads values out of a parsed document, throwing a UsageError naming the file and the path. */
class Reader {
  constructor(readonly file: string) {}

  fail(path: string, problem: string): never {
    throw new UsageError(`${this.file}: ${path}: ${problem}`);
  }

  /** An object with exactly the `required` keys and any of the `optional` ones (`path` '' is the document). */
  object(v: unknown, path: string, required: readonly string[], optional: readonly string[] = []): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, `expected an object, got ${kindOf(v)}`);
    const o = v as Record<string, unknown>;
    const at = (k: string): string => (path ? `${path}.${k}` : k);
    for (const k of required) if (!Object.hasOwn(o, k)) this.fail(at(k), 'missing');
    for (const k of Object.keys(o)) if (!required.includes(k) && !optional.includes(k)) this.fail(at(k), 'unknown field');
    return o;
  }

  array(v: unknown, path: string): unknown[] {
    if (!Array.isArray(v)) this.fail(path, `expected an array, got ${kindOf(v)}`);
    return v;
  }

  string(v: unknown, path: string): string {
    if (typeof v !== 'string') this.fail(path, `expected a string, got ${kindOf(v)}`);
    return v;
  }

  /** A non-negative integer. */
  count(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) this.fail(path, `expected a non-negative integer, got ${kindOf(v)}`);
    return v;
  }

  /** A non-negative finite number. */
  amount(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) this.fail(path, `expected a non-negative number, got ${kindOf(v)}`);
    return v;
  }

  strings(v: unknown, path: string): string[] {
    return this.array(v, path).map((x, i) => this.string(x, `${path}[${i}]`));
  }
}

/**
 * Parses and checks a machine file's text. Everything is checked: format and version, every
 * field's presence and type (unknown fields too), state ids 0..n-1 in order, one transition for
 * every (state, input) with endpoints that are states and inputs of the alphabet.
 *
 * @param file the file's name, for messages
 * @throws UsageError naming `file` and the JSON path, e.g.
 *   `a.json: transitions[3].to: 7 is not a state (the machine has 5)`
 */
export function fromDoc(text: string, file: string): { doc: MachineDoc; machine: Mealy } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${file}: not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  const r: Reader = new Reader(file);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${file}: expected a JSON object (a tcpcraft machine), got ${kindOf(parsed)}`);
  }
  // format and version first: a different document should be named as such, not as a missing field
  const top = parsed as Record<string, unknown>;
  if (top.format !== 'tcpcraft-machine') r.fail('format', `${shown(top.format)} is not a tcpcraft machine (expected "tcpcraft-machine")`);
  if (top.version !== MACHINE_FORMAT_VERSION) r.fail('version', `${shown(top.version)} is not a version this tcpcraft reads (it reads ${MACHINE_FORMAT_VERSION})`);
  const o = r.object(parsed, '', ['format', 'version', 'tool', 'target', 'role', 'alphabet', 'inputs', 'states', 'transitions'], ['learning']);
  const toolObj = r.object(o.tool, 'tool', ['name', 'version']);
  if (toolObj.name !== 'tcpcraft') r.fail('tool.name', `expected "tcpcraft", got ${kindOf(toolObj.name)}`);
  const tool = { name: 'tcpcraft' as const, version: r.string(toolObj.version, 'tool.version') };
  const target = r.string(o.target, 'target');
  if (o.role !== 'server' && o.role !== 'client') r.fail('role', `expected "server" or "client", got ${kindOf(o.role)}`);
  const role = o.role;
  const alphabet = r.string(o.alphabet, 'alphabet');

  const inputs = r.strings(o.inputs, 'inputs');
  if (inputs.length === 0) r.fail('inputs', 'empty: a machine needs at least one input');
  const inputAt = new Map<string, number>();
  inputs.forEach((x, i) => {
    if (inputAt.has(x)) r.fail(`inputs[${i}]`, `${shown(x)} is listed twice (first as inputs[${inputAt.get(x)}])`);
    inputAt.set(x, i);
  });

  const stateList = r.array(o.states, 'states');
  if (stateList.length === 0) r.fail('states', 'empty: a machine needs at least one state');
  const n = stateList.length;
  const states = stateList.map((v, i) => {
    const p = `states[${i}]`;
    const s = r.object(v, p, ['id', 'name'], ['rfc']);
    const id = r.count(s.id, `${p}.id`);
    if (id !== i) r.fail(`${p}.id`, `${id} where ${i} was expected (states are listed in order, numbered from 0)`);
    const name = r.string(s.name, `${p}.name`);
    return s.rfc === undefined ? { id, name } : { id, name, rfc: r.string(s.rfc, `${p}.rfc`) };
  });

  const state = (v: unknown, path: string): number => {
    const s = r.count(v, path);
    if (s >= n) r.fail(path, `${s} is not a state (the machine has ${n})`);
    return s;
  };
  const input = (v: unknown, path: string): string => {
    const x = r.string(v, path);
    if (!inputAt.has(x)) r.fail(path, `${shown(x)} is not in the inputs (${inputs.map((y) => shown(y)).join(', ')})`);
    return x;
  };

  const next: number[][] = Array.from({ length: n }, () => new Array<number>(inputs.length).fill(-1));
  const out: string[][] = Array.from({ length: n }, () => new Array<string>(inputs.length).fill(''));
  const where: number[][] = Array.from({ length: n }, () => new Array<number>(inputs.length).fill(-1));
  const transitions = r.array(o.transitions, 'transitions').map((v, k) => {
    const p = `transitions[${k}]`;
    const t = r.object(v, p, ['from', 'input', 'output', 'to']);
    const from = state(t.from, `${p}.from`);
    const x = input(t.input, `${p}.input`);
    const output = r.string(t.output, `${p}.output`);
    const to = state(t.to, `${p}.to`);
    const i = inputAt.get(x)!;
    if (where[from]![i]! >= 0) r.fail(p, `a second transition from state ${from} on ${shown(x)} (the first is transitions[${where[from]![i]}])`);
    where[from]![i] = k;
    next[from]![i] = to;
    out[from]![i] = output;
    return { from, input: x, output, to };
  });
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < inputs.length; i++) {
      if (where[s]![i]! < 0) r.fail('transitions', `none from state ${s} on ${shown(inputs[i])} (a machine has one for every state and input)`);
    }
  }

  let learning: LearningJson | undefined;
  if (o.learning !== undefined) {
    const l = r.object(o.learning, 'learning', ['queries', 'symbols', 'equivalenceQueries', 'seconds'], ['waitMs', 'nondeterministic', 'stopped', 'settings']);
    learning = {
      queries: r.count(l.queries, 'learning.queries'),
      symbols: r.count(l.symbols, 'learning.symbols'),
      equivalenceQueries: r.count(l.equivalenceQueries, 'learning.equivalenceQueries'),
      seconds: r.amount(l.seconds, 'learning.seconds'),
    };
    if (l.waitMs !== undefined) learning.waitMs = r.amount(l.waitMs, 'learning.waitMs');
    if (l.stopped !== undefined) learning.stopped = r.string(l.stopped, 'learning.stopped');
    if (l.settings !== undefined) {
      learning.settings = r.array(l.settings, 'learning.settings').map((v, k) => {
        const p = `learning.settings[${k}]`;
        const e = r.object(v, p, ['name', 'value'], ['was', 'refused']);
        const value = r.count(e.value, `${p}.value`);
        return {
          name: r.string(e.name, `${p}.name`),
          value,
          ...(e.was !== undefined ? { was: r.count(e.was, `${p}.was`) } : {}),
          ...(e.refused !== undefined ? { refused: r.string(e.refused, `${p}.refused`) } : {}),
        };
      });
    }
    if (l.nondeterministic !== undefined) {
      learning.nondeterministic = r.array(l.nondeterministic, 'learning.nondeterministic').map((v, k) => {
        const p = `learning.nondeterministic[${k}]`;
        const e = r.object(v, p, ['word', 'outputs']);
        const word = r.array(e.word, `${p}.word`).map((x, j) => input(x, `${p}.word[${j}]`));
        const outputs = r.array(e.outputs, `${p}.outputs`).map((ow, j) => {
          const w = r.strings(ow, `${p}.outputs[${j}]`);
          if (w.length !== word.length) r.fail(`${p}.outputs[${j}]`, `${w.length} outputs for a word of ${word.length} inputs`);
          return w;
        });
        return { word, outputs };
      });
    }
  }

  const doc: MachineDoc = {
    format: 'tcpcraft-machine',
    version: MACHINE_FORMAT_VERSION,
    tool,
    target,
    role,
    alphabet,
    inputs,
    states,
    transitions,
    ...(learning ? { learning } : {}),
  };
  return { doc, machine: { inputs: [...inputs], next, out } };
}

/** Options of the drawings. */
export interface DiagramOptions {
  /** A caption (the target, say). */
  title?: string;
  /** RFC state names by state number, shown under the state's name. */
  rfc?: ReadonlyArray<string | undefined>;
}

/** One arrow of a drawing: every transition between the same two states, in input order. */
interface Edge {
  from: number;
  to: number;
  /** Input indices. */
  inputs: number[];
}

/** The arrows of `m`, ordered by source state then by the input that first leads to the target. */
function edgesOf(m: Mealy): Edge[] {
  const edges: Edge[] = [];
  m.next.forEach((row, from) => {
    const byTarget = new Map<number, Edge>();
    row.forEach((to, i) => {
      let e = byTarget.get(to);
      if (!e) byTarget.set(to, (e = { from, to, inputs: [] })), edges.push(e);
      e.inputs.push(i);
    });
  });
  return edges;
}

/** `input / output` for transition `i` of state `s`. */
function transitionText(m: Mealy, s: number, i: number): string {
  return `${m.inputs[i]} / ${m.out[s]![i]}`;
}

/**
 * Characters no XML document may hold (C0 controls but tab and line breaks, lone surrogates,
 * U+FFFE and U+FFFF); they become U+FFFD in the drawings.
 */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A DOT quoted string; line breaks become DOT's `\n` (centred lines). */
function dotString(text: string): string {
  return `"${text.replace(NOT_TEXT, '\ufffd').replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r\n|\r|\n/g, '\\n')}"`;
}

/**
 * The machine in Graphviz DOT, left to right: one arrow per pair of states carrying every
 * `input / output` between them (one per line), the initial state pointed at by an arrow from
 * nowhere, states labelled `s3` or `s3` over their RFC name.
 */
export function toDot(m: Mealy, o: DiagramOptions = {}): string {
  const lines = ['digraph machine {', '  rankdir=LR;'];
  if (o.title !== undefined) lines.push(`  label=${dotString(o.title)};`, '  labelloc=t;');
  lines.push('  node [shape=ellipse, fontname="monospace"];', '  edge [fontname="monospace", fontsize=10];');
  lines.push('  __start [shape=point, style=invis, width=0, height=0, label=""];');
  for (let s = 0; s < m.next.length; s++) {
    const rfc = o.rfc?.[s];
    const label = rfc === undefined ? `s${s}` : `s${s}\n${rfc}`;
    lines.push(`  s${s} [label=${dotString(label)}${s === 0 ? ', peripheries=2' : ''}];`);
  }
  lines.push('  __start -> s0;');
  for (const e of edgesOf(m)) {
    const label = e.inputs.map((i) => transitionText(m, e.from, i)).join('\n');
    lines.push(`  s${e.from} -> s${e.to} [label=${dotString(label)}];`);
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Text for XML character data and attribute values. */
function xml(text: string): string {
  return text.replace(NOT_TEXT, '\ufffd').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A coordinate for the SVG: one decimal, no `-0`. */
function num(v: number): string {
  const r = Math.round(v * 10) / 10;
  return Object.is(r, -0) ? '0' : String(r);
}

// Sizes of the SVG drawing, in pixels. Text is monospace, so its width is estimated from its length.
const FONT = 11;
const CHAR_W = FONT * 0.62;
const LINE_H = FONT + 3;
/** Lines of an edge label before the rest is cut to "… n more". */
const MAX_LINES = 4;
/** Characters of a label line before it is cut with "…". */
const MAX_CHARS = 40;
const PAD = 6;
/** The least gap between two states of a column (more when the arrows carry many labels). */
const ROW_GAP = 56;
const MARGIN = 24;
const ARROW = 7;
// Colours, as presentation attributes: no style sheet, so that an SVG put inline in a page
// neither styles the page nor is styled by it.
const INK = '#555';
const LINE = `fill="none" stroke="${INK}"`;
const STATE = 'fill="#f4f7fb" stroke="#24415f" stroke-width="1.2"';

/** The width of a line of text. */
const textWidth = (t: string): number => [...t].length * CHAR_W;

/** `t` cut to `max` characters, ending with "…" when cut. */
function cut(t: string, max: number): string {
  const chars = [...t];
  return chars.length <= max ? t : `${chars.slice(0, max - 1).join('')}…`;
}

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** The area two boxes share. */
const overlapArea = (a: Box, b: Box): number =>
  Math.max(0, Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x)) * Math.max(0, Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y));

/**
 * The lines shown on an arrow: inputs with the same output share a line (`ACK, PA / -`), long
 * lines are cut, and past {@link MAX_LINES} lines the rest is summed up as "… n more".
 */
function edgeLines(m: Mealy, e: Edge): string[] {
  const byOutput = new Map<string, string[]>();
  for (const i of e.inputs) {
    const o = m.out[e.from]![i]!;
    const list = byOutput.get(o);
    if (list) list.push(m.inputs[i]!);
    else byOutput.set(o, [m.inputs[i]!]);
  }
  const lines = [...byOutput].map(([o, ins]) => cut(`${ins.join(', ')} / ${o}`, MAX_CHARS));
  return lines.length <= MAX_LINES ? lines : [...lines.slice(0, MAX_LINES - 1), `… ${lines.length - MAX_LINES + 1} more`];
}

/**
 * Layers by breadth-first distance from the initial state (states it cannot reach go in one more
 * layer), each ordered to cut down crossings: a few sweeps sorting each layer by the mean
 * position of its neighbours in the layer before (then after), ties kept in their order.
 */
function layers(m: Mealy): number[][] {
  const n = m.next.length;
  const depth = new Array<number>(n).fill(-1);
  depth[0] = 0;
  const order = [0];
  for (let h = 0; h < order.length; h++) {
    for (const t of m.next[order[h]!]!) if (depth[t] === -1) (depth[t] = depth[order[h]!]! + 1), order.push(t);
  }
  const deepest = Math.max(...depth);
  for (let s = 0; s < n; s++) if (depth[s] === -1) (depth[s] = deepest + 1), order.push(s);
  const result: number[][] = [];
  for (const s of order) (result[depth[s]!] ??= []).push(s);
  const neighbours: Array<Set<number>> = Array.from({ length: n }, () => new Set());
  m.next.forEach((row, s) => row.forEach((t) => t !== s && (neighbours[s]!.add(t), neighbours[t]!.add(s))));
  const pos = new Array<number>(n).fill(0);
  const place = (): void => result.forEach((layer) => layer.forEach((s, k) => (pos[s] = k)));
  place();
  const sortBy = (layer: number[], ref: number): void => {
    const key = new Map<number, number>();
    for (const s of layer) {
      const near = [...neighbours[s]!].filter((t) => depth[t] === ref);
      key.set(s, near.length ? near.reduce((a, t) => a + pos[t]!, 0) / near.length : pos[s]!);
    }
    layer.sort((a, b) => key.get(a)! - key.get(b)! || pos[a]! - pos[b]!);
    layer.forEach((s, k) => (pos[s] = k));
  };
  for (let sweep = 0; sweep < 4; sweep++) {
    for (let l = 1; l < result.length; l++) sortBy(result[l]!, l - 1);
    for (let l = result.length - 2; l >= 1; l--) sortBy(result[l]!, l + 1);
  }
  return result;
}

/** A point on the quadratic Bézier curve p0, c, p1 at `t`. */
function bezier(p0: [number, number], c: [number, number], p1: [number, number], t: number): [number, number] {
  const u = 1 - t;
  return [u * u * p0[0] + 2 * u * t * c[0] + t * t * p1[0], u * u * p0[1] + 2 * u * t * c[1] + t * t * p1[1]];
}

/** Where the ray from the centre of `b` towards (x, y) leaves the box. */
function exitPoint(b: Box, x: number, y: number): [number, number] {
  const cx = b.x + b.w / 2;
  const cy = b.y + b.h / 2;
  const dx = x - cx;
  const dy = y - cy;
  if (dx === 0 && dy === 0) return [cx, cy];
  const k = Math.min(dx === 0 ? Infinity : b.w / 2 / Math.abs(dx), dy === 0 ? Infinity : b.h / 2 / Math.abs(dy));
  return [cx + dx * k, cy + dy * k];
}

/** An arrowhead ending at `tip`, coming from the direction of `from`. */
function arrowHead(tip: [number, number], from: [number, number]): string {
  const dx = tip[0] - from[0];
  const dy = tip[1] - from[1];
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const bx = tip[0] - ux * ARROW;
  const by = tip[1] - uy * ARROW;
  const pts = [tip, [bx - uy * ARROW * 0.45, by + ux * ARROW * 0.45], [bx + uy * ARROW * 0.45, by - ux * ARROW * 0.45]];
  return `<polygon points="${pts.map(([x, y]) => `${num(x!)},${num(y!)}`).join(' ')}" fill="${INK}"/>`;
}

/** A label block of `lines`: a backing box and one text line per line, left-aligned. */
function labelSvg(box: Box, lines: readonly string[]): string {
  const texts = lines.map((l, k) => `<text x="${num(box.x + PAD / 2)}" y="${num(box.y + PAD / 2 + (k + 1) * LINE_H - 3)}">${xml(l)}</text>`);
  return `<rect x="${num(box.x)}" y="${num(box.y)}" width="${num(box.w)}" height="${num(box.h)}" rx="3" fill="#fff" fill-opacity="0.85"/>${texts.join('')}`;
}

/**
 * A self-contained SVG state diagram of `m`, laid out here (no Graphviz): states in columns by
 * breadth-first distance from the initial state (marked by a double border and an arrow from
 * the left), one curved arrow per pair of states, self-loops as small loops above their state.
 * Each arrow's label lists its transitions as `input / output`, inputs with the same output on
 * one line; long lists are cut, and hovering the arrow or its label shows the full list. Every
 * text is escaped; the same machine and options always give the same text.
 */
export function toSvg(m: Mealy, o: DiagramOptions = {}): string {
  const n = m.next.length;
  const edges = edgesOf(m);
  const labels = edges.map((e) => edgeLines(m, e));
  const labelW = (lines: readonly string[]): number => Math.max(...lines.map(textWidth)) + PAD;
  const labelH = (lines: readonly string[]): number => lines.length * LINE_H + PAD / 2;

  // State boxes: name, and the RFC state under it.
  const nodeText = (s: number): string[] => {
    const rfc = o.rfc?.[s];
    return rfc === undefined ? [`s${s}`] : [`s${s}`, cut(rfc, MAX_CHARS)];
  };
  const nodeW = (s: number): number => Math.max(44, Math.max(...nodeText(s).map(textWidth)) + 2 * PAD + 4);
  const nodeH = (s: number): number => nodeText(s).length * LINE_H + 2 * PAD;
  // Room above a state for its self-loop and the loop's label.
  const loopOf = new Map<number, number>();
  edges.forEach((e, k) => e.from === e.to && loopOf.set(e.from, k));
  const LOOP_H = 18;
  const above = (s: number): number => (loopOf.has(s) ? LOOP_H + labelH(labels[loopOf.get(s)!]!) + 2 : 0);

  const cols = layers(m);
  const colW = cols.map((c) => Math.max(...c.map((s) => Math.max(nodeW(s), loopOf.has(s) ? labelW(labels[loopOf.get(s)!]!) : 0))));
  // The gap after a column fits the widest label of an arrow from it to the next column.
  const colOf = new Array<number>(n).fill(0);
  cols.forEach((c, k) => c.forEach((s) => (colOf[s] = k)));
  const gaps = cols.map((_, k) => {
    const widths = edges.flatMap((e, j) => (e.from !== e.to && Math.min(colOf[e.from]!, colOf[e.to]!) === k ? [labelW(labels[j]!)] : []));
    return Math.min(300, Math.max(120, ...widths.map((w) => w + 60)));
  });
  // Room between the states of a column for the labels of the arrows: on average, about as
  // much as the labels of one state's arrows take.
  const labelArea = edges.reduce((a, e, k) => a + (e.from === e.to ? 0 : labelH(labels[k]!)), 0);
  const rowGap = Math.min(140, Math.max(ROW_GAP, (0.8 * labelArea) / n));
  const colH = cols.map((c) => c.reduce((h, s) => h + above(s) + nodeH(s), 0) + rowGap * (c.length - 1));
  const titleH = o.title !== undefined ? LINE_H + 10 : 0;
  const height0 = Math.max(...colH);
  const startW = 30;

  const box: Box[] = new Array<Box>(n);
  let x = MARGIN + startW;
  cols.forEach((c, k) => {
    let y = MARGIN + titleH + (height0 - colH[k]!) / 2;
    for (const s of c) {
      y += above(s);
      const w = nodeW(s);
      box[s] = { x: x + (colW[k]! - w) / 2, y, w, h: nodeH(s) };
      y += nodeH(s) + rowGap;
    }
    x += colW[k]! + gaps[k]!;
  });

  // Edges: geometry first, then labels placed where they overlap nothing placed before, if they can.
  // Self-loops' labels sit above their states, so they are placed first.
  const loopLabel = (s: number, lines: readonly string[]): Box => {
    const b = box[s]!;
    const w = labelW(lines);
    const h = labelH(lines);
    return { x: b.x + b.w / 2 - w / 2, y: b.y - LOOP_H - h - 1, w, h };
  };
  const taken: Box[] = box.map((b) => ({ ...b }));
  for (const [s, k] of loopOf) taken.push(loopLabel(s, labels[k]!));
  const edgeSvg: string[] = [];
  const labelSvgs: string[] = [];
  /** Points on the curves, so that the drawing's extent holds them. */
  const curves: Box[] = [];
  const reverse = new Set(edges.map((e) => `${e.from}>${e.to}`));
  edges.forEach((e, k) => {
    const lines = labels[k]!;
    const full = e.inputs.map((i) => transitionText(m, e.from, i)).join('\n');
    const w = labelW(lines);
    const h = labelH(lines);
    const parts: string[] = [];
    let label: Box;
    let leader = '';
    if (e.from === e.to) {
      const b = box[e.from]!;
      const cx = b.x + b.w / 2;
      const p0: [number, number] = [cx - 9, b.y];
      const p1: [number, number] = [cx + 9, b.y];
      const top = b.y - LOOP_H;
      parts.push(`<path d="M${num(p0[0])},${num(p0[1])} C${num(cx - 22)},${num(top)} ${num(cx + 22)},${num(top)} ${num(p1[0])},${num(p1[1])}" ${LINE}/>`);
      parts.push(arrowHead(p1, [cx + 16, top + 6]));
      label = loopLabel(e.from, lines);
    } else {
      const a = box[e.from]!;
      const b = box[e.to]!;
      const ac: [number, number] = [a.x + a.w / 2, a.y + a.h / 2];
      const bc: [number, number] = [b.x + b.w / 2, b.y + b.h / 2];
      const dx = bc[0] - ac[0];
      const dy = bc[1] - ac[1];
      const len = Math.hypot(dx, dy) || 1;
      // Bend to the right of the direction of travel: more for arrows back, within a column or
      // skipping columns (so they go around what is between), a little when the reverse arrow exists.
      const span = colOf[e.to]! - colOf[e.from]!;
      const bend = span === 1 ? (reverse.has(`${e.to}>${e.from}`) ? 0.15 : 0) : span === 0 ? 0.35 : Math.min(0.3, 0.12 + 0.05 * Math.abs(span));
      // The curve's apex is half the control point's offset; keep long arrows from swinging far out.
      const offset = 2 * Math.min(bend * len, Math.max(40, 0.12 * len));
      const mid: [number, number] = [(ac[0] + bc[0]) / 2, (ac[1] + bc[1]) / 2];
      const c: [number, number] = [mid[0] - (dy / len) * offset, mid[1] + (dx / len) * offset];
      const p0 = exitPoint(a, c[0], c[1]);
      const p1 = exitPoint(b, c[0], c[1]);
      parts.push(`<path d="M${num(p0[0])},${num(p0[1])} Q${num(c[0])},${num(c[1])} ${num(p1[0])},${num(p1[1])}" ${LINE}/>`);
      parts.push(arrowHead(p1, c));
      for (let t = 0; t <= 1; t += 0.125) {
        const [px, py] = bezier(p0, c, p1, t);
        curves.push({ x: px, y: py, w: 0, h: 0 });
      }
      // Try the middle of the curve, then points on either side of it, then the middle shifted
      // up and down (with a dotted leader back to the curve).
      const at = (t: number, shift = 0): Box => {
        const [px, py] = bezier(p0, c, p1, t);
        return { x: px - w / 2, y: py - h / 2 + shift, w, h };
      };
      const tries = [0.5, 0.4, 0.6, 0.3, 0.7, 0.25, 0.75].map((t) => at(t));
      const onCurve = tries.length;
      for (let d = 1; d <= 6; d++) tries.push(at(0.5, d * (h / 2 + 8)), at(0.5, -d * (h / 2 + 8)));
      // the first place free of labels and states, or else the one overlapping them least
      const cost = tries.map((t) => taken.reduce((a, u) => a + overlapArea(t, u), 0));
      const k2 = cost.indexOf(Math.min(...cost));
      label = tries[k2]!;
      if (k2 >= onCurve) {
        const [px, py] = bezier(p0, c, p1, 0.5);
        const ly = label.y > py ? label.y : label.y + label.h;
        leader = `<path d="M${num(px)},${num(py)} L${num(px)},${num(ly)}" fill="none" stroke="#999" stroke-dasharray="2 2"/>`;
      }
    }
    if (e.from !== e.to) taken.push(label);
    const tip = `<title>${xml(`s${e.from} → s${e.to}\n${full}`)}</title>`;
    edgeSvg.push(`<g class="edge" data-from="${e.from}" data-to="${e.to}">${tip}${parts.join('')}</g>`);
    labelSvgs.push(`<g class="edge-label" data-from="${e.from}" data-to="${e.to}">${tip}${leader}${labelSvg(label, lines)}</g>`);
  });

  // The drawing's extent: every box, label and curve, then a margin.
  const all = [...taken, ...curves];
  const right = Math.max(...all.map((b) => b.x + b.w)) + MARGIN;
  const bottom = Math.max(...all.map((b) => b.y + b.h)) + MARGIN;
  const left = Math.min(0, ...all.map((b) => b.x - MARGIN));
  const topY = Math.min(0, ...all.map((b) => b.y - MARGIN - titleH));
  const width = right - left;
  const height = bottom - topY;

  const stateSvg = box.map((b, s) => {
    const text = nodeText(s);
    const cx = b.x + b.w / 2;
    const rfc = o.rfc?.[s];
    const tip = `s${s}${rfc === undefined ? '' : ` (${rfc})`}${s === 0 ? ', initial' : ''}`;
    const ring = s === 0 ? `<rect x="${num(b.x - 3)}" y="${num(b.y - 3)}" width="${num(b.w + 6)}" height="${num(b.h + 6)}" rx="${num(b.h / 2 + 3)}" ${STATE}/>` : '';
    const lines = text.map((t, k) => `<text x="${num(cx)}" y="${num(b.y + PAD + (k + 1) * LINE_H - 3)}" text-anchor="middle"${k === 0 ? ' font-weight="bold"' : ''}>${xml(t)}</text>`);
    return `<g class="state" data-state="${s}"><title>${xml(tip)}</title>${ring}<rect x="${num(b.x)}" y="${num(b.y)}" width="${num(b.w)}" height="${num(b.h)}" rx="${num(b.h / 2)}" ${STATE}/>${lines.join('')}</g>`;
  });
  const b0 = box[0]!;
  const startY = b0.y + b0.h / 2;
  const start = `<g class="start"><path d="M${num(b0.x - startW - 3)},${num(startY)} L${num(b0.x - 4)},${num(startY)}" ${LINE}/>${arrowHead([b0.x - 4, startY], [b0.x - startW, startY])}</g>`;

  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" viewBox="${num(left)} ${num(topY)} ${num(width)} ${num(height)}" font-family="monospace" font-size="${FONT}" fill="#111">`,
    `<title>${xml(o.title ?? 'tcpcraft machine')}</title>`,
    `<rect x="${num(left)}" y="${num(topY)}" width="${num(width)}" height="${num(height)}" fill="#fff"/>`,
  ];
  if (o.title !== undefined) out.push(`<text class="caption" x="${num(MARGIN)}" y="${num(MARGIN + LINE_H)}" font-size="${FONT + 2}" font-weight="bold">${xml(o.title)}</text>`);
  // Edges under states under labels, so that no line crosses a label's text.
  out.push(start, ...edgeSvg, ...stateSvg, ...labelSvgs, '</svg>');
  return `${out.join('\n')}\n`;
}
