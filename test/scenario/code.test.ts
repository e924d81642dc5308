/**
 * The code writer (src/scenario/code.ts): string literals give back exactly the text they were
 * made from, comments never end early, nothing else can be spliced into source. Unit cases, then
 * properties over hostile text (fast-check, fixed seed, bounded runs), each output parsed by
 * esbuild and run in a vm context whose `hit()` trap records any code that got out.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import { createContext, runInContext } from 'node:vm';
import {
  array,
  blockComment,
  byteList,
  call,
  code,
  commentText,
  ident,
  isSafeIdentifier,
  join,
  lineComment,
  literal,
  num,
  object,
  prop,
  source,
  str,
  uint8Array,
  type Code,
} from '../../src/scenario/code.js';
import { STARTER } from '../../src/cli/init.js';
import { checkGenerated, hostileText, longHostileText } from '../support/hostile.js';

const RUNS = { seed: 20240522, numRuns: 400 };

/** Runs `js` in a fresh context; returns its completion value and how many times `hit()` was called. */
function run(ts: string): { value: unknown; hits: number } {
  const js = checkGenerated(ts);
  let hits = 0;
  const ctx = createContext({ hit: () => void (hits += 1) });
  const value = runInContext(js, ctx, { timeout: 5000 });
  return { value, hits };
}

describe('scenario/code: the code writer', () => {
  describe('string literals', () => {
    it('are JSON strings for ordinary text, single-quoted on request', () => {
      expect(str('hello, nc!!\n')).to.equal('"hello, nc!!\\n"');
      expect(str('SA', "'")).to.equal("'SA'");
      expect(str(`it's "x" \\ y`, "'")).to.equal(`'it\\'s "x" \\\\ y'`);
      expect(str('')).to.equal('""');
    });

    it('escape the line and paragraph separators, lone surrogates, C1 controls and bidi controls', () => {
      expect(str('a\u2028b\u2029c')).to.equal('"a\\u2028b\\u2029c"');
      expect(str('\ud800x\udc00')).to.equal('"\\ud800x\\udc00"');
      expect(str('\ud83d\ude00')).to.equal('"\ud83d\ude00"');
      expect(str('\u0085\u202e\ufeff', "'")).to.equal("'\\u0085\\u202e\\ufeff'");
    });

    it('refuse what is not a string', () => {
      expect(() => str(42 as unknown as string)).to.throw(TypeError);
    });
  });

  describe('comments', () => {
    it('show what would end them as visible escapes', () => {
      expect(commentText('a */ b')).to.equal('a *\\/ b');
      expect(commentText('1\n2\r3\u20284\u20295')).to.equal('1\\n2\\r3\\u20284\\u20295');
      expect(commentText('nul\u0000 esc\u001b tab\t del\u007f')).to.equal('nul\\x00 esc\\x1b tab\\t del\\x7f');
      expect(commentText('<!-- x -->')).to.equal('<\\!-- x --\\>');
      expect(commentText('<!-->')).to.equal('<\\!--\\>');
      expect(commentText('lone \ud800')).to.equal('lone \\ud800');
      expect(commentText('**//')).to.equal('**\\//');
    });

    it('leave ordinary text as it is', () => {
      const line = 'frame 7, 0.000123 s [retransmission]: window 502; mss 1460,sackOK; payload "hi"…';
      expect(lineComment(line)).to.equal(`// ${line}`);
      expect(blockComment(['Imported from /tmp/a b/c.pcap: stream 0,', '', 'Edit freely.'])).to.equal('/**\n * Imported from /tmp/a b/c.pcap: stream 0,\n *\n * Edit freely.\n */');
      expect(blockComment(['One line.'], '  ')).to.equal('  /** One line. */');
    });

    it('indent with spaces only', () => {
      expect(() => blockComment(['x'], '\n*/')).to.throw(TypeError);
    });
  });

  describe('names, numbers, bytes and values', () => {
    it('write safe identifiers bare and refuse the rest; property names are quoted instead', () => {
      expect(ident('capture')).to.equal('capture');
      for (const bad of ['', '1x', 'a-b', 'a b', 'class', 'x;hit()', 'é']) expect(() => ident(bad), bad).to.throw(TypeError);
      expect(isSafeIdentifier('$ok_1')).to.equal(true);
      expect(prop('window')).to.equal('window');
      expect(prop('class')).to.equal('class');
      expect(prop('a b')).to.equal('"a b"');
      expect(prop('x: hit(), y')).to.equal('"x: hit(), y"');
    });

    it('write only finite numbers', () => {
      expect(num(-5)).to.equal('-5');
      expect(num(-0)).to.equal('0');
      expect(num(4294967295)).to.equal('4294967295');
      for (const bad of [NaN, Infinity, -Infinity]) expect(() => num(bad)).to.throw(RangeError);
      expect(() => num('1' as unknown as number)).to.throw(RangeError);
    });

    it('write bytes as numbers, and refuse what is not a byte', () => {
      expect(byteList(Uint8Array.of(0, 255))).to.equal('[0, 255]');
      expect(uint8Array([1, 2])).to.equal('new Uint8Array([1, 2])');
      expect(() => byteList([256])).to.throw(RangeError);
      expect(() => byteList([1.5])).to.throw(RangeError);
    });

    it('build calls, arrays and objects from pieces', () => {
      expect(call('send', [str('PA', "'"), object([['seq', num(1)], ['payload', str('x')]])])).to.equal(`send('PA', { seq: 1, payload: "x" })`);
      expect(call('sack', [array([num(1), num(2)])])).to.equal('sack([1, 2])');
      expect(object([])).to.equal('{}');
      expect(object([['__proto__', num(1)]])).to.equal('{ ["__proto__"]: 1 }');
      expect(() => call('a;b')).to.throw(TypeError);
      expect(literal({ a: [1, 'b', null, true], 'c d': new Uint8Array([7]) })).to.equal('{ a: [1, "b", null, true], "c d": new Uint8Array([7]) }');
      expect(() => literal(new Date())).to.throw(TypeError);
      expect(() => literal({ n: NaN })).to.throw(RangeError);
    });

    it('splice only Code and numbers into source', () => {
      const name = str('x');
      expect(code`f(${name}, ${2})`).to.equal('f("x", 2)');
      expect(join([num(1), num(2)])).to.equal('1, 2');
      const plain = 'hit()';
      // @ts-expect-error a plain string is not Code: it has to go through a writer
      expect(code`f(${plain})`).to.equal('f(hit())');
      expect(() => code`${{} as unknown as Code}`).to.throw(TypeError);
      expect(() => code`${NaN}`).to.throw(RangeError);
    });

    it('a whole file refuses characters no writer lets through', () => {
      expect(source([code`const a = 1;`, code``])).to.equal('const a = 1;\n');
      expect(() => source([code`// \u2028 hit()`])).to.throw(/U\+2028/);
      expect(() => source([code`const a = '\ud800';`])).to.throw(/U\+d800/);
      expect(() => source([code`\u0000`])).to.throw(/U\+0000/);
    });

    it("init's starter scenario goes through the writer and parses", () => {
      expect(STARTER).to.match(/^\/\/ A first scenario/);
      checkGenerated(STARTER, 'first.ts');
    });
  });

  describe('properties over hostile text', function () {
    this.timeout(120_000);

    it('a string literal evaluates back to exactly its text, in either quotes, on one line', () => {
      fc.assert(
        fc.property(hostileText(), (text) => {
          for (const q of ['"', "'"] as const) {
            const lit = str(text, q);
            expect(lit).not.to.match(/[\n\r\u2028\u2029]/);
            const { value, hits } = run(`(${lit})`);
            expect(hits).to.equal(0);
            expect(value).to.equal(text);
          }
        }),
        RUNS,
      );
    });

    it('comments, property names and literals never let code out', () => {
      fc.assert(
        fc.property(hostileText().filter((a) => a !== 'k'), hostileText(), (a, b) => {
          const program = source([
            code`let r = 0;`,
            lineComment(a),
            code`r += 1; ${lineComment(b)}`,
            blockComment([a, b, '']),
            blockComment([b], '    '),
            code`r += 1;`,
            code`const v = ${object([[a, str(b)], ['k', literal([a, 1, { [b]: b }])]])};`,
            code`({ r, v })`,
          ]);
          const { value, hits } = run(program);
          expect(hits).to.equal(0);
          const { r, v } = value as { r: number; v: Record<string, unknown> };
          expect(r).to.equal(2);
          expect(v[a]).to.equal(b);
          expect(JSON.stringify(v.k)).to.equal(JSON.stringify([a, 1, { [b]: b }]));
        }),
        RUNS,
      );
    });

    it('100,000 characters of hostile text: a literal, a line comment and a block comment', () => {
      const text = longHostileText();
      const { value, hits } = run(source([lineComment(text), blockComment([text, text]), code`${str(text, "'")}`]));
      expect(hits).to.equal(0);
      expect(value).to.equal(text);
    });
  });
});
