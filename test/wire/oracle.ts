/**
 * Test helpers for the wire tests: the captured fixtures, and tshark as the independent oracle.
 * tshark is installed by `make setup`; if it is missing, every test that needs it fails with a
 * message saying so (nothing is skipped silently).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFrame, parsePcap, type Frame, type PcapFile } from '../../src/wire/index.js';
import { expectOk } from '../support/roundtrip.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

/**
 * The captured pcaps, with the link type tcpdump wrote and the packet count (the nc exchanges always
 * take 8 packets; the SACK transfer's count depends on the run, so capture.sh may change it: 39 now).
 */
export const FIXTURE_FILES = [
  { name: 'nc-plain-eth.pcap', linkType: 1, packets: 8 },
  { name: 'nc-opts-eth.pcap', linkType: 1, packets: 8 },
  { name: 'nc-opts-sll.pcap', linkType: 113, packets: 8 },
  { name: 'nc-opts-sll2.pcap', linkType: 276, packets: 8 },
  { name: 'nc-offload-eth.pcap', linkType: 1, packets: 8 },
  { name: 'sack-eth.pcap', linkType: 1, packets: 39 },
] as const;

export function fixturePath(name: string): string {
  return join(FIXTURES, name);
}

export function readFixture(name: string): PcapFile {
  return expectOk(parsePcap(new Uint8Array(readFileSync(fixturePath(name)))), `parsePcap(${name})`);
}

/** Every frame of a fixture, decoded. */
export function fixtureFrames(name: string): Frame[] {
  const file = readFixture(name);
  return file.records.map((r, i) => expectOk(parseFrame(r.data, file.linkType), `${name} frame ${i + 1}`));
}

let tsharkChecked = false;

/** Throws a clear error if tshark is not installed. */
export function requireTshark(): void {
  if (tsharkChecked) return;
  try {
    execFileSync('tshark', ['--version'], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 20000 });
  } catch (e) {
    throw new Error(`tshark is needed as the independent oracle for this test but could not be run (${(e as Error).message}); install it with 'make setup' (Debian package tshark)`);
  }
  tsharkChecked = true;
}

/** Runs tshark with `args`; returns stdout. Stderr's "Running as user root" banner is ignored. */
export function tshark(args: readonly string[]): string {
  requireTshark();
  return execFileSync('tshark', [...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30000, maxBuffer: 64 << 20 });
}

/**
 * `tshark -r FILE -T fields -e F1 -e F2 ...`: one row per packet, one string per field
 * (several occurrences joined by ','), raw (absolute) sequence numbers everywhere.
 */
export function tsharkFields(file: string, fields: readonly string[], extra: readonly string[] = []): string[][] {
  const args = ['-r', file, '-o', 'tcp.relative_sequence_numbers:FALSE', ...extra, '-T', 'fields', '-E', 'separator=/t', '-E', 'occurrence=a', '-E', 'aggregator=,'];
  for (const f of fields) args.push('-e', f);
  const out = tshark(args);
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** One row as a record keyed by field name. */
export function tsharkRecords(file: string, fields: readonly string[], extra: readonly string[] = []): Record<string, string>[] {
  return tsharkFields(file, fields, extra).map((row) => Object.fromEntries(fields.map((f, i) => [f, row[i] ?? ''])));
}

/** A number as tshark prints it (decimal or 0x-hex). */
export function num(text: string | undefined): number {
  if (text === undefined || text === '') throw new Error('tshark printed no value');
  return Number(text);
}
