/** Learned machine files (src/learn/machinefile.ts): the JSON document, its strict reader, DOT and SVG. */
import { expect } from 'chai';
import { fromDoc, toDoc, toDot, toSvg, type MachineDoc } from '../../src/learn/machinefile.js';
import { equivalent, randomMealy, type Mealy } from '../../src/learn/mealy.js';
import { UsageError } from '../../src/errors.js';
import { VERSION } from '../../src/version.js';
import { assertValid, validatorFor } from '../support/schema.js';

const INPUTS = ['SYN', 'ACK', 'PA', 'FA', 'RST', 'app:close'];

/** A small server: 0 LISTEN, 1 SYN-RECEIVED, 2 ESTABLISHED, 3 CLOSED. */
const SERVER: Mealy = {
  inputs: ['SYN', 'ACK', 'RST'],
  next: [
    [1, 0, 0],
    [1, 2, 0],
    [2, 2, 3],
    [3, 3, 3],
  ],
  out: [
    ['SA(0,next)', 'R(next,0)', '-'],
    ['A(next,next)', '-', '-'],
    ['A(next,next)', '-', '-'],
    ['RA(0,next)', 'R(next,0)', '-'],
  ],
};
const RFC = ['LISTEN', 'SYN-RECEIVED', 'ESTABLISHED', undefined];

const META = { target: 'linux', role: 'server' as const, alphabet: 'basic' };

/** The text of a machine file for SERVER, after `edit` changed its document. */
function edited(edit: (d: Record<string, any>) => void): string {
  const d = JSON.parse(JSON.stringify(toDoc(SERVER, { ...META, rfc: RFC, learning: { queries: 10, symbols: 40, equivalenceQueries: 2, seconds: 1.5 } }))) as Record<string, any>;
  edit(d);
  return JSON.stringify(d, null, 2);
}

/** The message fromDoc throws for `text` (failing the test when it does not throw a UsageError). */
function errorOf(text: string, file = 'a.json'): string {
  try {
    fromDoc(text, file);
  } catch (err) {
    expect(err).to.be.instanceOf(UsageError);
    return (err as Error).message;
  }
  expect.fail(`no error for ${text.slice(0, 200)}`);
}

/**
 * Checks that `text` is well-formed XML as the SVG writer produces it (elements, attributes in
 * double quotes, character data, entities) and returns its elements with their attributes.
 */
function xmlElements(text: string): Array<{ name: string; attrs: Record<string, string> }> {
  const elements: Array<{ name: string; attrs: Record<string, string> }> = [];
  const open: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const data = /[^<]*/y;
  const entityOk = (s: string): boolean => !/&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(s);
  let at = 0;
  while (at < text.length) {
    data.lastIndex = at;
    const d = data.exec(text)![0];
    expect(entityOk(d), `bare & in ${JSON.stringify(d)}`).to.equal(true);
    at += d.length;
    if (at >= text.length) break;
    tag.lastIndex = at;
    const t = tag.exec(text);
    expect(t, `bad markup at ${JSON.stringify(text.slice(at, at + 60))}`).to.not.equal(null);
    const [whole, close, name, attrText, selfClose] = t!;
    expect(entityOk(attrText!), `bare & in ${attrText}`).to.equal(true);
    if (close) {
      expect(open.pop(), `</${name}>`).to.equal(name);
    } else {
      const attrs: Record<string, string> = {};
      for (const [, k, v] of attrText!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
        expect(attrs, `attribute ${k} twice`).to.not.have.property(k!);
        attrs[k!] = v!;
      }
      elements.push({ name: name!, attrs });
      if (!selfClose) open.push(name!);
      else expect(whole.endsWith('/>')).to.equal(true);
    }
    at += whole.length;
  }
  expect(open, 'unclosed elements').to.deep.equal([]);
  return elements;
}

describe('learn: machine files', () => {
  it('toDoc writes the format, the tool, states s0.. and transitions by state then input', () => {
    const d = toDoc(SERVER, { ...META, rfc: RFC });
    expect(d).to.deep.include({ format: 'tcpcraft-machine', version: 1, tool: { name: 'tcpcraft', version: VERSION }, target: 'linux', role: 'server', alphabet: 'basic' });
    expect(d.inputs).to.deep.equal(['SYN', 'ACK', 'RST']);
    expect(d.states).to.deep.equal([
      { id: 0, name: 's0', rfc: 'LISTEN' },
      { id: 1, name: 's1', rfc: 'SYN-RECEIVED' },
      { id: 2, name: 's2', rfc: 'ESTABLISHED' },
      { id: 3, name: 's3' },
    ]);
    expect(d.transitions.slice(0, 4)).to.deep.equal([
      { from: 0, input: 'SYN', output: 'SA(0,next)', to: 1 },
      { from: 0, input: 'ACK', output: 'R(next,0)', to: 0 },
      { from: 0, input: 'RST', output: '-', to: 0 },
      { from: 1, input: 'SYN', output: 'A(next,next)', to: 1 },
    ]);
    expect(d.transitions).to.have.length(12);
    expect(d).to.not.have.property('learning');
  });

  it('round trip: toDoc, JSON, fromDoc gives the same machine and document (random machines of several sizes)', () => {
    for (const [states, seed] of [[1, 1], [2, 2], [7, 3], [19, 4], [40, 5]] as const) {
      const m = randomMealy({ states, inputs: INPUTS, outputs: 5, seed });
      const learning = { queries: 123, symbols: 456, equivalenceQueries: 3, seconds: 12.25, waitMs: 150, nondeterministic: [{ word: ['SYN', 'ACK'], outputs: [['o1', 'o2'], ['o1', 'o3']] }], settings: [{ name: 'tcp_invalid_ratelimit', value: 0, was: 500 }, { name: 'tcp_challenge_ack_limit', value: 5, refused: 'EACCES' }] };
      const doc = toDoc(m, { target: 'freebsd', role: 'client', alphabet: 'full', rfc: ['CLOSED'], learning });
      const back = fromDoc(JSON.stringify(doc, null, 2), 'm.json');
      expect(back.machine, `${states} states`).to.deep.equal(m);
      expect(equivalent(back.machine, m)).to.equal(undefined);
      expect(back.doc).to.deep.equal(doc);
      expect(back.doc.learning).to.deep.equal(learning);
    }
  });

  it('fromDoc accepts transitions in any order', () => {
    const text = edited((d) => d.transitions.reverse());
    expect(fromDoc(text, 'a.json').machine).to.deep.equal(SERVER);
  });

  it('every problem in a file is named with the file and the JSON path', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['not JSON', '{"format": "tcpcraft-machine",', /^a\.json: not valid JSON: /],
      ['not an object', '[1, 2]', /^a\.json: expected a JSON object .*got an array/],
      ['another format', edited((d) => (d.format = 'tcpcraft-run')), /^a\.json: format: "tcpcraft-run" is not a tcpcraft machine/],
      ['a later version', edited((d) => (d.version = 2)), /^a\.json: version: 2 is not a version this tcpcraft reads/],
      ['missing target', edited((d) => delete d.target), /^a\.json: target: missing$/],
      ['unknown field', edited((d) => (d.colour = 'red')), /^a\.json: colour: unknown field$/],
      ['bad role', edited((d) => (d.role = 'peer')), /^a\.json: role: expected "server" or "client", got string "peer"$/],
      ['tool version a number', edited((d) => (d.tool.version = 1)), /^a\.json: tool\.version: expected a string, got number 1$/],
      ['input twice', edited((d) => d.inputs.push('SYN')), /^a\.json: inputs\[3\]: "SYN" is listed twice \(first as inputs\[0\]\)$/],
      ['no states', edited((d) => (d.states = [])), /^a\.json: states: empty/],
      ['state ids out of order', edited((d) => (d.states[2].id = 5)), /^a\.json: states\[2\]\.id: 5 where 2 was expected/],
      ['state name missing', edited((d) => delete d.states[1].name), /^a\.json: states\[1\]\.name: missing$/],
      ['rfc not a string', edited((d) => (d.states[1].rfc = 3)), /^a\.json: states\[1\]\.rfc: expected a string, got number 3$/],
      ['to out of range', edited((d) => (d.transitions[3].to = 7)), /^a\.json: transitions\[3\]\.to: 7 is not a state \(the machine has 4\)$/],
      ['from negative', edited((d) => (d.transitions[5].from = -1)), /^a\.json: transitions\[5\]\.from: expected a non-negative integer, got number -1$/],
      ['to fractional', edited((d) => (d.transitions[0].to = 1.5)), /^a\.json: transitions\[0\]\.to: expected a non-negative integer/],
      ['input not in the alphabet', edited((d) => (d.transitions[4].input = 'FA')), /^a\.json: transitions\[4\]\.input: "FA" is not in the inputs \("SYN", "ACK", "RST"\)$/],
      ['output missing', edited((d) => delete d.transitions[2].output), /^a\.json: transitions\[2\]\.output: missing$/],
      ['duplicated transition', edited((d) => d.transitions.push({ ...d.transitions[4] })), /^a\.json: transitions\[12\]: a second transition from state 1 on "ACK" \(the first is transitions\[4\]\)$/],
      ['missing transition', edited((d) => d.transitions.splice(7, 1)), /^a\.json: transitions: none from state 2 on "ACK"/],
      ['transition not an object', edited((d) => (d.transitions[1] = 'x')), /^a\.json: transitions\[1\]: expected an object, got string "x"$/],
      ['negative seconds', edited((d) => (d.learning.seconds = -1)), /^a\.json: learning\.seconds: expected a non-negative number, got number -1$/],
      ['unknown learning field', edited((d) => (d.learning.rounds = 3)), /^a\.json: learning\.rounds: unknown field$/],
      ['a setting with a negative value', edited((d) => (d.learning.settings = [{ name: 'x', value: -1 }])), /^a\.json: learning\.settings\[0\]\.value: expected a non-negative integer/],
      [
        'nondeterministic word with a stray input',
        edited((d) => (d.learning.nondeterministic = [{ word: ['SYN', 'PA'], outputs: [['a', 'b']] }])),
        /^a\.json: learning\.nondeterministic\[0\]\.word\[1\]: "PA" is not in the inputs/,
      ],
      [
        'nondeterministic outputs of the wrong length',
        edited((d) => (d.learning.nondeterministic = [{ word: ['SYN'], outputs: [['a'], ['a', 'b']] }])),
        /^a\.json: learning\.nondeterministic\[0\]\.outputs\[1\]: 2 outputs for a word of 1 inputs$/,
      ],
    ];
    const messages = new Set<string>();
    for (const [what, text, want] of cases) {
      const message = errorOf(text);
      expect(message, what).to.match(want);
      messages.add(message);
    }
    expect(messages.size).to.equal(cases.length);
    expect(errorOf('{', 'dir/b.json')).to.match(/^dir\/b\.json: not valid JSON: /);
  });

  it('toDot draws one edge per pair of states with every transition on it, the initial arrow and RFC names', () => {
    const dot = toDot(SERVER, { title: 'linux', rfc: RFC });
    expect(dot).to.match(/^digraph machine \{\n/);
    expect(dot).to.match(/\}\n$/);
    expect(dot).to.include('  __start -> s0;\n');
    expect(dot).to.include('  s0 [label="s0\\nLISTEN", peripheries=2];\n');
    expect(dot).to.include('  s3 [label="s3"];\n');
    expect(dot).to.include('  s0 -> s1 [label="SYN / SA(0,next)"];\n');
    expect(dot).to.include('  s0 -> s0 [label="ACK / R(next,0)\\nRST / -"];\n');
    expect(dot).to.include('  s1 -> s0 [label="RST / -"];\n');
    expect(dot).to.include('  s3 -> s3 [label="SYN / RA(0,next)\\nACK / R(next,0)\\nRST / -"];\n');
    // 4 states: s0->s1, s0->s0, s1->s1, s1->s2, s1->s0, s2->s2, s2->s3, s3->s3, and the initial arrow
    expect(dot.match(/ -> /g)).to.have.length(9);
  });

  it('toDot escapes quotes, backslashes and line breaks of untrusted labels', () => {
    const m: Mealy = { inputs: ['say "hi"'], next: [[0]], out: [['a\\b\nc']] };
    const dot = toDot(m, { title: 'x" -> y', rfc: ['"quoted"'] });
    expect(dot).to.include('label="x\\" -> y";');
    expect(dot).to.include('s0 [label="s0\\n\\"quoted\\"", peripheries=2];');
    expect(dot).to.include('s0 -> s0 [label="say \\"hi\\" / a\\\\b\\nc"];');
    // every line is a statement: nothing broke out of its quotes
    for (const line of dot.split('\n').slice(1, -2)) expect(line, line).to.match(/^ {2}.*;$/);
  });

  it('toSvg is well-formed, one group per state and per edge, with escaped text', () => {
    const m: Mealy = { ...SERVER, out: SERVER.out.map((row, s) => (s === 2 ? ['<script>&"', ...row.slice(1)] : row)) };
    const svg = toSvg(m, { title: 'a <b> & "c"', rfc: RFC });
    const elements = xmlElements(svg);
    expect(elements.filter((e) => e.name === 'svg')).to.have.length(1);
    expect(elements[0]!.name).to.equal('svg');
    const states = elements.filter((e) => e.name === 'g' && e.attrs.class === 'state');
    expect(states.map((e) => e.attrs['data-state'])).to.deep.equal(['0', '1', '2', '3']);
    const edges = elements.filter((e) => e.name === 'g' && e.attrs.class === 'edge').map((e) => `${e.attrs['data-from']}>${e.attrs['data-to']}`);
    expect(edges).to.deep.equal(['0>1', '0>0', '1>1', '1>2', '1>0', '2>2', '2>3', '3>3']);
    expect(svg).to.not.include('<script');
    expect(svg).to.include('&lt;script&gt;&amp;&quot;');
    expect(svg).to.include('a &lt;b&gt; &amp; &quot;c&quot;');
    expect(svg).to.include('>ESTABLISHED</text>');
    // characters XML cannot hold at all (a control character, a lone surrogate) are replaced
    const odd = toSvg({ inputs: ['a\u0001b'], next: [[0]], out: [['\ud800x']] });
    xmlElements(odd);
    expect(odd).to.include('>a\ufffdb / \ufffdx</text>');
    expect(odd).to.not.match(/[\u0001\ud800]/);
  });

  it('toSvg cuts long label lists but keeps them whole in the tooltip', () => {
    const inputs = Array.from({ length: 9 }, (_, i) => `in${i}`);
    const m: Mealy = { inputs, next: [inputs.map(() => 0)], out: [inputs.map((_, i) => `out${i}`)] };
    const svg = toSvg(m);
    xmlElements(svg);
    expect(svg).to.include('>… 6 more</text>');
    expect(svg).to.not.include('>in8 / out8</text>');
    expect(svg).to.include(`<title>s0 → s0\n${inputs.map((x, i) => `${x} / out${i}`).join('\n')}</title>`);
    // inputs with the same output share a line
    const same: Mealy = { inputs: ['ACK', 'PA', 'FA'], next: [[0, 0, 0]], out: [['-', '-', 'A(next,next)']] };
    expect(toSvg(same)).to.include('>ACK, PA / -</text>');
  });

  it('toSvg is deterministic and copes with 40 states and unreachable ones', () => {
    const m = randomMealy({ states: 40, inputs: INPUTS, outputs: 6, seed: 11 });
    const svg = toSvg(m, { title: 'forty' });
    expect(toSvg(m, { title: 'forty' })).to.equal(svg);
    const elements = xmlElements(svg);
    expect(elements.filter((e) => e.name === 'g' && e.attrs.class === 'state')).to.have.length(40);
    expect(svg).to.not.match(/NaN|Infinity|undefined/);
    // state 2 cannot be reached: still drawn
    const island: Mealy = { inputs: ['a'], next: [[1], [0], [2]], out: [['x'], ['y'], ['z']] };
    const text = toSvg(island);
    expect(xmlElements(text).filter((e) => e.name === 'g' && e.attrs.class === 'state')).to.have.length(3);
    expect(text).to.not.match(/NaN|Infinity|undefined/);
  });

  it('schemas/machine.schema.json accepts a real document and rejects an extra field', () => {
    const v = validatorFor('machine');
    const doc: MachineDoc = toDoc(randomMealy({ states: 6, inputs: INPUTS, outputs: 4, seed: 9 }), {
      ...META,
      rfc: ['LISTEN', undefined, 'ESTABLISHED'],
      learning: { queries: 5, symbols: 20, equivalenceQueries: 1, seconds: 0.5, waitMs: 200, nondeterministic: [{ word: ['SYN'], outputs: [['o1'], ['o2']] }], settings: [{ name: 'tcp_invalid_ratelimit', value: 0, was: 500 }] },
    });
    assertValid(v, JSON.parse(JSON.stringify(doc)));
    assertValid(v, JSON.parse(JSON.stringify(toDoc(SERVER, META))));
    const mutants: Array<[string, (d: Record<string, any>) => void]> = [
      ['extra top-level field', (d) => (d.extra = 1)],
      ['extra transition field', (d) => (d.transitions[0].weight = 1)],
      ['extra learning field', (d) => (d.learning.rounds = 1)],
      ['missing inputs', (d) => delete d.inputs],
      ['bad role', (d) => (d.role = 'peer')],
      ['version 2', (d) => (d.version = 2)],
      ['negative state id', (d) => (d.states[0].id = -1)],
    ];
    for (const [what, mutate] of mutants) {
      const d = JSON.parse(JSON.stringify(doc)) as Record<string, any>;
      mutate(d);
      expect(v(d), what).to.equal(false);
    }
  });
});
