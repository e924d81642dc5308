/**
 * Checks a scenario's shape and value ranges before anything is sent. Numbering problems (a
 * sequence number that cannot be worked out) are found by the engine's planner, which uses the
 * same error format.
 */
import { parseFlagLetters } from '../wire/tcp.js';
import { parseIpv4Address } from '../wire/ipv4.js';
import { scenarioError, stepError, ScenarioError } from './errors.js';
import type { ExpectFields, OptionSpec, Scenario, SendFields, Step } from './types.js';

/** Largest IPv4 packet. */
const IPV4_MAX = 65535;
const MAX_PAUSE_MS = 600_000;

const SCENARIO_KEYS = ['name', 'description', 'role', 'peer', 'local', 'window', 'timeout', 'steps'];
const SEND_KEYS = ['seq', 'ack', 'payload', 'window', 'options', 'urgent', 'tcp', 'ip'];
const EXPECT_KEYS = ['seq', 'ack', 'window', 'payload', 'len', 'options', 'optional', 'timeout'];
const TCP_OVERRIDE_KEYS = ['seq', 'ack', 'dataOffset', 'reserved', 'checksum'];
const IP_OVERRIDE_KEYS = ['ttl', 'id', 'dscp', 'ecn', 'flags', 'fragmentOffset', 'protocol', 'version', 'ihl', 'totalLength', 'checksum', 'options'];

type Check = (field: string, problem: string) => ScenarioError;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intIn(fail: Check, field: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (!isInt(v) || v < min || v > max) throw fail(field, `${show(v)} is not an integer in ${min}..${max}`);
}

function noUnknownKeys(fail: Check, prefix: string, obj: Record<string, unknown>, allowed: string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw fail(prefix + k, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}

function show(v: unknown): string {
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Uint8Array) return `${v.length} bytes`;
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** Encoded length of a payload (UTF-8 for text). */
export function payloadBytes(payload: string | Uint8Array | undefined): Uint8Array {
  if (payload === undefined) return new Uint8Array(0);
  return typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
}

/** Relative numbers may be written as negative offsets (e.g. -1 for a keep-alive probe). */
const REL_MIN = -0x8000_0000;
const REL_MAX = 0xffff_ffff;

function checkOptions(fail: Check, field: string, options: unknown): number {
  if (options === undefined) return 0;
  if (options instanceof Uint8Array) {
    if (options.length > 40) throw fail(field, `${options.length} raw option bytes; a TCP header holds at most 40`);
    return options.length;
  }
  if (!Array.isArray(options)) throw fail(field, 'must be a list of options (mss(1460), nop(), ...) or raw bytes');
  let length = 0;
  options.forEach((o: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(o) || typeof o.kind !== 'string') throw fail(f, 'is not an option: use mss(), wscale(), sackOk(), sack(), timestamp(), nop(), eol() or option()');
    const opt = o as OptionSpec;
    switch (opt.kind) {
      case 'eol':
      case 'nop':
        length += 1;
        break;
      case 'mss':
        intIn(fail, `${f}.value`, opt.value, 0, 0xffff);
        length += 4;
        break;
      case 'wscale':
        intIn(fail, `${f}.shift`, opt.shift, 0, 255);
        length += 3;
        break;
      case 'sackOk':
        length += 2;
        break;
      case 'sack':
        if (!Array.isArray(opt.blocks) || opt.blocks.length < 1 || opt.blocks.length > 4) throw fail(`${f}.blocks`, 'a SACK option carries 1 to 4 blocks');
        opt.blocks.forEach((b, j) => {
          if (!Array.isArray(b) || b.length !== 2) throw fail(`${f}.blocks[${j}]`, 'a SACK block is [left, right]');
          intIn(fail, `${f}.blocks[${j}][0]`, b[0], REL_MIN, REL_MAX);
          intIn(fail, `${f}.blocks[${j}][1]`, b[1], REL_MIN, REL_MAX);
        });
        length += 2 + 8 * opt.blocks.length;
        break;
      case 'timestamp':
        intIn(fail, `${f}.tsval`, opt.tsval, 0, 0xffff_ffff);
        intIn(fail, `${f}.tsecr`, opt.tsecr, 0, 0xffff_ffff);
        length += 10;
        break;
      case 'unknown':
        intIn(fail, `${f}.code`, opt.code, 0, 255);
        if (!(opt.data instanceof Uint8Array) || opt.data.length > 38) throw fail(`${f}.data`, 'must be at most 38 bytes');
        length += 2 + opt.data.length;
        break;
      default:
        throw fail(`${f}.kind`, `unknown option kind ${show((opt as { kind: unknown }).kind)}`);
    }
  });
  if (length > 40) throw fail(field, `options take ${length} bytes; a TCP header holds at most 40`);
  return length;
}

function checkFlags(fail: Check, flags: unknown): void {
  if (typeof flags !== 'string') throw fail('flags', `${show(flags)} is not a string of flag letters like 'SA'`);
  const r = parseFlagLetters(flags);
  if (!r.ok) throw fail('flags', r.message);
}

function checkPayload(fail: Check, payload: unknown, room: number): number {
  if (payload === undefined) return 0;
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) throw fail('payload', 'must be a string or a Uint8Array');
  const n = payloadBytes(payload).length;
  if (n > room) throw fail('payload', `${n} bytes is too large: an IPv4 packet with these headers holds at most ${room} bytes of payload`);
  return n;
}

function checkSend(fail: Check, f: SendFields): void {
  if (!isObject(f)) throw fail('fields', 'must be an object');
  noUnknownKeys(fail, '', f as Record<string, unknown>, SEND_KEYS);
  intIn(fail, 'seq', f.seq, REL_MIN, REL_MAX);
  intIn(fail, 'ack', f.ack, REL_MIN, REL_MAX);
  intIn(fail, 'window', f.window, 0, 0xffff);
  intIn(fail, 'urgent', f.urgent, 0, 0xffff);
  const optLen = checkOptions(fail, 'options', f.options);
  let ipHeader = 20;
  if (f.tcp !== undefined) {
    if (!isObject(f.tcp)) throw fail('tcp', 'must be an object of raw TCP header values');
    noUnknownKeys(fail, 'tcp.', f.tcp, TCP_OVERRIDE_KEYS);
    intIn(fail, 'tcp.seq', f.tcp.seq, 0, 0xffff_ffff);
    intIn(fail, 'tcp.ack', f.tcp.ack, 0, 0xffff_ffff);
    intIn(fail, 'tcp.dataOffset', f.tcp.dataOffset, 0, 15);
    intIn(fail, 'tcp.reserved', f.tcp.reserved, 0, 7);
    intIn(fail, 'tcp.checksum', f.tcp.checksum, 0, 0xffff);
  }
  if (f.ip !== undefined) {
    if (!isObject(f.ip)) throw fail('ip', 'must be an object of raw IPv4 header values');
    noUnknownKeys(fail, 'ip.', f.ip, IP_OVERRIDE_KEYS);
    const ip = f.ip;
    intIn(fail, 'ip.ttl', ip.ttl, 0, 255);
    intIn(fail, 'ip.id', ip.id, 0, 0xffff);
    intIn(fail, 'ip.dscp', ip.dscp, 0, 63);
    intIn(fail, 'ip.ecn', ip.ecn, 0, 3);
    intIn(fail, 'ip.flags', ip.flags, 0, 7);
    intIn(fail, 'ip.fragmentOffset', ip.fragmentOffset, 0, 0x1fff);
    intIn(fail, 'ip.protocol', ip.protocol, 0, 255);
    intIn(fail, 'ip.version', ip.version, 0, 15);
    intIn(fail, 'ip.ihl', ip.ihl, 0, 15);
    intIn(fail, 'ip.totalLength', ip.totalLength, 0, 0xffff);
    intIn(fail, 'ip.checksum', ip.checksum, 0, 0xffff);
    if (ip.options !== undefined) {
      if (!(ip.options instanceof Uint8Array) || ip.options.length > 40) throw fail('ip.options', 'must be at most 40 raw bytes');
      ipHeader += ip.options.length;
    }
  }
  const tcpHeader = 20 + (f.options instanceof Uint8Array ? optLen : (optLen + 3) & ~3);
  checkPayload(fail, f.payload, IPV4_MAX - ipHeader - tcpHeader);
}

function checkExpect(fail: Check, f: ExpectFields): void {
  if (!isObject(f)) throw fail('fields', 'must be an object');
  noUnknownKeys(fail, '', f as Record<string, unknown>, EXPECT_KEYS);
  intIn(fail, 'seq', f.seq, REL_MIN, REL_MAX);
  intIn(fail, 'ack', f.ack, REL_MIN, REL_MAX);
  intIn(fail, 'window', f.window, 0, 0xffff);
  intIn(fail, 'len', f.len, 0, IPV4_MAX - 40);
  if (f.optional !== undefined && typeof f.optional !== 'boolean') throw fail('optional', 'must be true or false');
  intIn(fail, 'timeout', f.timeout, 1, MAX_PAUSE_MS);
  checkOptions(fail, 'options', f.options);
  if (f.options instanceof Uint8Array) throw fail('options', 'expected options are a list of option values');
  const n = checkPayload(fail, f.payload, IPV4_MAX - 40);
  if (f.payload !== undefined && f.len !== undefined && f.len !== n) throw fail('len', `${f.len} disagrees with the ${n}-byte payload`);
}

function checkStep(file: string, index: number, step: unknown): void {
  if (!isObject(step) || !['send', 'expect', 'pause'].includes(step.kind as string)) {
    throw scenarioError(file, `steps[${index}]`, 'is not a step: use send(), expect() or pause()');
  }
  const s = step as unknown as Step;
  const fail: Check = (field, problem) => stepError(file, index, s, field, problem);
  if (s.kind === 'pause') {
    if (typeof s.ms !== 'number' || !Number.isFinite(s.ms) || s.ms < 0 || s.ms > MAX_PAUSE_MS) throw fail('ms', `${show(s.ms)} is not a duration in 0..${MAX_PAUSE_MS} ms`);
    return;
  }
  checkFlags(fail, s.flags);
  if (s.kind === 'send') checkSend(fail, s.fields);
  else checkExpect(fail, s.fields);
}

/**
 * Checks that `value` (a scenario file's default export) is a well-formed scenario and returns it
 * typed. Throws a {@link ScenarioError} naming `file`, the step and the field.
 */
export function validateScenario(value: unknown, file: string): Scenario {
  if (!isObject(value)) throw scenarioError(file, 'default export', 'a scenario file must `export default scenario({ ... })`');
  noUnknownKeys((field, problem) => scenarioError(file, field, problem), '', value, SCENARIO_KEYS);
  const fail: Check = (field, problem) => scenarioError(file, field, problem);
  if (typeof value.name !== 'string' || value.name.trim() === '') throw fail('name', 'must be a non-empty string');
  if (value.description !== undefined && typeof value.description !== 'string') throw fail('description', 'must be a string');
  if (value.role !== undefined && value.role !== 'client') throw fail('role', `${show(value.role)} is not supported (use 'client')`);
  if (!isObject(value.peer)) throw fail('peer', "must be { host: '10.77.0.2', port: 5000 }");
  if (typeof value.peer.host !== 'string' || !parseIpv4Address(value.peer.host)) throw fail('peer.host', `${show(value.peer.host)} is not an IPv4 address`);
  intIn(fail, 'peer.port', value.peer.port, 1, 65535);
  if (value.peer.port === undefined) throw fail('peer.port', 'is required');
  if (value.local !== undefined) {
    if (!isObject(value.local)) throw fail('local', 'must be { host?, port? }');
    if (value.local.host !== undefined && (typeof value.local.host !== 'string' || !parseIpv4Address(value.local.host))) {
      throw fail('local.host', `${show(value.local.host)} is not an IPv4 address`);
    }
    intIn(fail, 'local.port', value.local.port, 1, 65535);
  }
  intIn(fail, 'window', value.window, 0, 0xffff);
  intIn(fail, 'timeout', value.timeout, 1, MAX_PAUSE_MS);
  if (!Array.isArray(value.steps) || value.steps.length === 0) throw fail('steps', 'must be a non-empty list of send(), expect() and pause() steps');
  value.steps.forEach((s, i) => checkStep(file, i, s));
  return value as unknown as Scenario;
}
