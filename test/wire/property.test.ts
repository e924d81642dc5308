/** Property tests (fast-check, fixed seeds, bounded runs): round trips, and parsers never throw. */
import type { Ipv4Spec } from '../../src/wire/ipv4.js';
import type { Ipv4Header } from '../../src/wire/ipv4.js';
import { expect } from 'chai';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import {
  buildPacket,
  encodeOptions,
  encodePcap,
  parseFrame,
  parseIpv4Header,
  parseOptions,
  parsePacket,
  parsePcap,
  parseTcpHeader,
  seqAdd,
  seqDiff,
  seqLt,
  toRaw,
  toRelative,
  verifyChecksums,
  type Parsed,
  type WireError,
} from '../../src/wire/index.js';
import { expectOk, hex, packetSpecOf } from '../support/roundtrip.js';
import { expectedParsedOptions, optionListArb, packetSpecArb, u32 } from './arbitraries.js';
import { FIXTURE_FILES, fixturePath, readFixture } from './oracle.js';

const RUNS = { seed: 424242, numRuns: 300 };
const LINK_TYPES = [0, 1, 12, 101, 113, 276, 2, 0xffffffff];

/** Every error is well formed: known kind and layer, a field name, an offset inside the input, a sentence. */
function checkError(e: WireError, inputLength: number): void {
  expect(['truncated', 'malformed', 'unsupported']).to.include(e.kind);
  expect(['link', 'ipv4', 'ipv6', 'tcp', 'tcp-option', 'pcap']).to.include(e.layer);
  expect(e.field).to.be.a('string').and.not.equal('');
  expect(e.offset).to.be.a('number').and.at.least(0);
  expect(e.message).to.be.a('string').and.contain(e.kind === 'truncated' ? 'truncated' : '');
  // A malformed/unsupported field is inside the input; a truncated one may lie past its end
  // (e.g. the ethertype at byte 12 of a 3-byte frame).
  if (e.kind !== 'truncated') expect(e.offset).to.be.below(Math.max(inputLength, 1)); // (an unsupported link type names byte 0)
  if (e.kind === 'truncated') {
    expect(e.needed).to.be.a('number');
    expect(e.available).to.be.a('number').and.below(e.needed!);
  }
}

function noThrow<T>(parse: () => Parsed<T>, inputLength: number): Parsed<T> {
  const r = parse();
  if (!r.ok) checkError(r.error, inputLength);
  return r;
}

/** The IPv4 packets of all fixtures (no link header), and the frames with their link types. */
const fixtureFrames = FIXTURE_FILES.flatMap((f) => {
  const file = readFixture(f.name);
  return file.records.map((r) => ({ linkType: file.linkType, data: r.data }));
});

describe('wire properties', () => {
  describe('round trips', () => {
    it('build then parse gives back every header field, the options (plus EOL padding) and the payload; checksums verify', () => {
      fc.assert(
        fc.property(packetSpecArb({ unknown: true, maxShift: 255, reservedBits: true }), (spec) => {
          const bytes = buildPacket(spec);
          const p = expectOk(parsePacket(bytes));
          expect(p.ip).to.deep.include({ src: (spec.ip as Ipv4Spec).src, dst: (spec.ip as Ipv4Spec).dst, id: (spec.ip as Ipv4Spec).id, ttl: (spec.ip as Ipv4Spec).ttl, dscp: (spec.ip as Ipv4Spec).dscp, ecn: (spec.ip as Ipv4Spec).ecn, flags: (spec.ip as Ipv4Spec).flags });
          expect(hex((p.ip as Ipv4Header).options)).to.equal(hex((spec.ip as Ipv4Spec).options ?? new Uint8Array(0)));
          expect((p.ip as Ipv4Header).totalLength).to.equal(bytes.length);
          const { options, ...rest } = spec.tcp;
          expect(p.tcp).to.deep.include(rest);
          expect(p.tcp.options).to.deep.equal(expectedParsedOptions(options as never));
          expect(p.tcp.optionsError).to.equal(undefined);
          expect(hex(p.payload)).to.equal(hex(spec.payload ?? new Uint8Array(0)));
          expect(verifyChecksums(p)).to.deep.equal({ ip: 'good', tcp: 'good' });
          // and parse then re-emit gives the same bytes
          expect(hex(buildPacket(packetSpecOf(p)))).to.equal(hex(bytes));
        }),
        RUNS,
      );
    });

    it('encodeOptions then parseOptions gives the same list (no padding)', () => {
      fc.assert(
        fc.property(optionListArb({ unknown: true, maxShift: 255 }), (list) => {
          expect(expectOk(parseOptions(encodeOptions(list)))).to.deep.equal(list);
        }),
        RUNS,
      );
    });

    it('encodePcap then parsePcap gives the same records', () => {
      const record = fc.record({ timestampUs: fc.bigInt({ min: 0n, max: 0xffffffffn * 1_000_000n + 999_999n }), data: fc.uint8Array({ maxLength: 80 }) });
      fc.assert(
        fc.property(fc.array(record, { maxLength: 5 }), fc.integer({ min: 0, max: 300 }), (records, linkType) => {
          const f = expectOk(parsePcap(encodePcap(linkType, records)));
          expect(f.linkType).to.equal(linkType);
          expect(f.records).to.deep.equal(records.map((r) => ({ ...r, originalLength: r.data.length })));
        }),
        RUNS,
      );
    });

    it('toRaw and toRelative are inverse, and seqLt agrees with seqDiff', () => {
      fc.assert(
        fc.property(u32, u32, fc.integer({ min: 0, max: 0xffffffff }), (isn, raw, rel) => {
          expect(toRaw(toRelative(raw, isn), isn)).to.equal(raw);
          expect(toRelative(toRaw(rel, isn), isn)).to.equal(rel);
          expect(seqAdd(isn, rel)).to.equal(toRaw(rel, isn));
          const d = seqDiff(raw, isn);
          expect(seqAdd(isn, d)).to.equal(raw);
          if (d !== -0x80000000) expect(seqLt(raw, isn)).to.equal(!seqLt(isn, raw) && raw !== isn);
        }),
        RUNS,
      );
    });
  });

  describe('parsers never throw', () => {
    it('on random bytes: parsePacket, parseIpv4Header, parseTcpHeader, parseOptions, parseFrame (every link type), parsePcap', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
          noThrow(() => parsePacket(b), b.length);
          noThrow(() => parseIpv4Header(b), b.length);
          noThrow(() => parseTcpHeader(b), b.length);
          noThrow(() => parseOptions(b.subarray(0, 40)), Math.min(40, b.length));
          for (const lt of LINK_TYPES) noThrow(() => parseFrame(b, lt), b.length);
          noThrow(() => parsePcap(b), b.length);
        }),
        RUNS,
      );
    });

    it('on random bytes that start like an IPv4/TCP packet', () => {
      const looksLikeIp = fc
        .tuple(fc.integer({ min: 0, max: 15 }), fc.uint8Array({ minLength: 19, maxLength: 100 }), fc.integer({ min: 0, max: 200 }))
        .map(([ihl, rest, total]) => {
          const b = new Uint8Array([0x40 | ihl, ...rest]);
          b[2] = total >> 8;
          b[3] = total & 0xff;
          b[6] = b[6]! & 0xe0; // first fragment
          b[7] = 0;
          b[9] = 6;
          return b;
        });
      fc.assert(
        fc.property(looksLikeIp, (b) => {
          const r = noThrow(() => parsePacket(b), b.length);
          if (r.ok) {
            expect(verifyChecksums(r.value).ip).to.be.oneOf(['good', 'bad']);
            expect(hex(buildPacket(packetSpecOf(r.value)))).to.equal(hex(r.value.bytes));
          }
        }),
        RUNS,
      );
    });

    it('on every truncated prefix of every fixture frame: a truncated error, never a throw', () => {
      let checked = 0;
      for (const { linkType, data } of fixtureFrames) {
        for (let n = 0; n < data.length; n++) {
          const r = noThrow(() => parseFrame(data.subarray(0, n), linkType), n);
          if (r.ok) expect.fail(`prefix ${n}/${data.length} parsed`);
          expect(r.error.kind, `prefix ${n}/${data.length}: ${r.error.message}`).to.equal('truncated');
          checked++;
        }
      }
      expect(checked).to.be.greaterThan(5000);
    });

    it('on every prefix of every fixture file: ok up to record boundaries, truncated otherwise', () => {
      for (const f of FIXTURE_FILES) {
        const raw = new Uint8Array(readFileSync(fixturePath(f.name)));
        const boundaries = new Set<number>([24]);
        let at = 24;
        for (const r of readFixture(f.name).records) boundaries.add((at += 16 + r.data.length));
        for (let n = 0; n < raw.length; n += n < 200 ? 1 : 7) {
          const r = noThrow(() => parsePcap(raw.subarray(0, n)), n);
          expect(r.ok, `${f.name} prefix ${n}`).to.equal(boundaries.has(n));
          if (!r.ok) expect(r.error.kind).to.equal('truncated');
        }
      }
    });

    it('on bit-flipped and byte-mutated real packets (frames and pcap files)', () => {
      const sample = fc.constantFrom(...fixtureFrames);
      const mutation = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 });
      fc.assert(
        fc.property(sample, mutation, fc.boolean(), ({ linkType, data }, muts, flipOnly) => {
          const m = data.slice();
          for (const [pos, x] of muts) m[pos % m.length] = m[pos % m.length]! ^ (flipOnly ? 1 << (x % 8) : x);
          const r = noThrow(() => parseFrame(m, linkType), m.length);
          if (r.ok) {
            const p = r.value.packet;
            expect(verifyChecksums(p).tcp).to.be.oneOf(['good', 'bad', 'offloaded']);
            expect(hex(buildPacket(packetSpecOf(p)))).to.equal(hex(p.bytes));
          }
          noThrow(() => parsePacket(m), m.length);
          const file = encodePcap(linkType, [{ timestampUs: 0n, data: m }]);
          for (const [pos, x] of muts) file[pos % file.length] = file[pos % file.length]! ^ x;
          noThrow(() => parsePcap(file), file.length);
        }),
        RUNS,
      );
    });

    it('on option areas cut from real headers and mutated', () => {
      const areas = fixtureFrames
        .map(({ linkType, data }) => expectOk(parseFrame(data, linkType)).packet.tcp.optionBytes)
        .filter((a) => a.length > 0);
      fc.assert(
        fc.property(fc.constantFrom(...areas), fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (area, cut, pos, x) => {
          const m = area.slice(0, cut % (area.length + 1));
          if (m.length > 0) m[pos % m.length] = x;
          const r = noThrow(() => parseOptions(m), m.length);
          if (!r.ok) return;
          // re-encoding gives the area back: all of it, or up to and including the EOL that ended decoding
          const again = encodeOptions(r.value);
          const stoppedAtEol = r.value.at(-1)?.kind === 'eol';
          expect(hex(again)).to.equal(hex(stoppedAtEol ? m.subarray(0, again.length) : m));
        }),
        RUNS,
      );
    });
  });
});
