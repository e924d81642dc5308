/**
 * Checks a scenario's shape and value ranges before anything is sent. Numbering problems (a
 * sequence number that cannot be worked out) are found by the engine's planner, which uses the
 * same error format.
 */
import { EXPECTED_KEY } from './expected.js';
import { parseFlagLetters } from '../wire/tcp.js';
import { parseIpv4Address } from '../wire/ipv4.js';
import { IPV6_HEADER, ipv6HeaderLength, parseIpv6Address, type Ipv6ExtensionSpec } from '../wire/ipv6.js';
import { FAMILY, familyOf, type IpFamily } from '../wire/family.js';

/** True for the text of an IPv4 (dotted quad) or IPv6 address. */
const isAddress = (v: string): boolean => parseIpv4Address(v) !== undefined || parseIpv6Address(v) !== undefined;
import { scenarioError, stepError, ScenarioError } from './errors.js';
import { isMatcher, isRef } from './matchers.js';
import { optionKindDef, OPTION_KIND_LIST, type OptionField } from '../wire/options.js';
import { connOf, MAIN_CONN, payloadBytes, type ValidScenario } from './model.js';
import { isTodo } from './dsl.js';
import type { AppStep, ExpectFields, ExpectStep, Feature, Level, SendFields, Step } from './types.js';
import { MAX_IO, SHUTDOWN_HOWS, SOCKOPTS } from '../lab/puppet.js';

/** A TCP header without options. */
const TCP_MIN_HEADER = 20;
const MAX_PAUSE_MS = 600_000;

/** The fields an expected failure may be pinned to: a compared field, or how a step failed. */
export const PIN_FIELDS: readonly string[] = ['flags', 'seq', 'ack', 'rawSeq', 'valid', 'window', 'urgent', 'len', 'payload', 'options', 'ip', 'time', 'absent', 'unexpected', 'app'];

const SCENARIO_KEYS = ['name', 'description', 'rfc', 'expectedFailures', 'requires', 'level', 'role', 'peer', 'local', 'connections', 'window', 'isn', 'timeout', 'tolerance', 'steps'];
const SEND_KEYS = ['seq', 'ack', 'payload', 'window', 'options', 'urgent', 'tcp', 'ip', 'conn'];
const EXPECT_KEYS = ['seq', 'ack', 'rawSeq', 'valid', 'window', 'urgent', 'payload', 'len', 'options', 'ip', 'optional', 'precondition', 'timeout', 'within', 'after', 'at', 'backoff', 'conn'];
/** The optional features a scenario may require, and the RFC 2119 levels. */
export const FEATURES: readonly string[] = ['sack', 'timestamps', 'wscale', 'ecn', 'source-route', 'tfo', 'app-puppet', 'app-unread', 'app-nodelay', 'app-keepalive', 'app-dialer', 'app-stall', 'app-trickle', 'app-pieces', 'ipv4', 'ipv6'] satisfies readonly Feature[];
const LEVELS: readonly string[] = ['MUST', 'SHOULD', 'MAY'] satisfies readonly Level[];

/** Option kinds by name, and which of them carry values an expectation can check. */
const OPTION_KINDS = OPTION_KIND_LIST.map((d) => d.kind);
const OPTION_CHECK_KEYS = ['has', 'lacks', ...OPTION_KIND_LIST.filter((d) => d.fields.length > 0).map((d) => d.kind)];
const TCP_OVERRIDE_KEYS = ['seq', 'ack', 'dataOffset', 'reserved', 'checksum'];
const IP_OVERRIDE_KEYS = ['ttl', 'id', 'dscp', 'ecn', 'flags', 'fragmentOffset', 'protocol', 'version', 'ihl', 'totalLength', 'checksum', 'options', 'hopLimit', 'flowLabel', 'trafficClass', 'nextHeader', 'payloadLength', 'extensions'];

type Check = (field: string, problem: string) => ScenarioError;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

function intIn(fail: Check, field: string, v: unknown, min: number, max: number): void {
  if (v === undefined) return;
  if (!isInt(v) || v < min || v > max) throw fail(field, `${show(v)} is not an integer in ${min}..${max}`);
}

/** A number in a send: a literal in range, or `use('name')`. Matchers are refused with a reason. */
function valueIn(fail: Check, field: string, v: unknown, min: number, max: number): void {
  if (isRef(v)) {
    if (typeof v.$use !== 'string' || v.$use === '') throw fail(field, "use() needs the name of a capture, e.g. use('peerTsval')");
    if (v.map !== undefined && typeof v.map !== 'function') throw fail(field, 'the second argument of use() must be a function');
    return;
  }
  if (isMatcher(v)) throw fail(field, `${describe(v as unknown as Record<string, unknown>)} is a wildcard: wildcards only make sense in expect(); a segment to send needs a value`);
  intIn(fail, field, v, min, max);
}

/** An expected number: a literal in range, or a well-formed matcher. */
function expectedIn(fail: Check, field: string, v: unknown, min: number, max: number): void {
  if (isRef(v)) throw fail(field, "use() belongs in send(); to check against a captured value write where('…', v => …)");
  if (!isMatcher(v)) return intIn(fail, field, v, min, max);
  checkMatcher(fail, field, v as unknown as Record<string, unknown>, (x) => intIn(fail, field, x, min, max));
}

function checkMatcher(fail: Check, field: string, m: Record<string, unknown>, checkValue: (v: unknown) => void): void {
  switch (m.$match) {
    case 'any':
      return;
    case 'range':
      if (!isInt(m.min) || !isInt(m.max) || m.min > m.max) throw fail(field, `range(${show(m.min)}, ${show(m.max)}) needs two integers, min <= max`);
      return;
    case 'oneOf':
      if (!Array.isArray(m.values) || m.values.length === 0) throw fail(field, 'oneOf() needs at least one value');
      m.values.forEach(checkValue);
      return;
    case 'where':
      if (typeof m.test !== 'function' || typeof m.label !== 'string') throw fail(field, "where() takes a label and a function: where('even', v => v % 2 === 0)");
      return;
    case 'capture':
      if (typeof m.name !== 'string' || !/^[A-Za-z_][\w.-]*$/.test(m.name)) throw fail(field, `capture name ${show(m.name)} must be an identifier-like string`);
      if (m.inner !== undefined) {
        if (!isMatcher(m.inner)) checkValue(m.inner);
        else checkMatcher(fail, field, m.inner as unknown as Record<string, unknown>, checkValue);
      }
      return;
    default:
      throw fail(field, `${show(m.$match)} is not a matcher (use any(), range(), oneOf(), where(), capture())`);
  }
}

function describe(v: Record<string, unknown>): string {
  return `${String(v.$match)}()`;
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

/** Relative numbers may be written as negative offsets (e.g. -1 for a keep-alive probe). */
const REL_MIN = -0x8000_0000;
const REL_MAX = 0xffff_ffff;

/** Integer range of an option field of a numeric type. */
const FIELD_MAX: Readonly<Record<string, number>> = { u8: 0xff, u16: 0xffff, u32: 0xffff_ffff };

/** SACK-style blocks: `count` pairs of relative edges. */
function checkBlocks(fail: Check, blocks: unknown, def: OptionField, blockField: (j: number) => string): number {
  const min = def.min ?? 1;
  const max = def.max ?? 4;
  if (!Array.isArray(blocks) || blocks.length < min || blocks.length > max) return -1;
  blocks.forEach((b: unknown, j: number) => {
    if (!Array.isArray(b) || b.length !== 2) throw fail(blockField(j), 'a SACK block is [left, right]');
    intIn(fail, `${blockField(j)}[0]`, b[0], REL_MIN, REL_MAX);
    intIn(fail, `${blockField(j)}[1]`, b[1], REL_MIN, REL_MAX);
  });
  return blocks.length;
}

/** One option value of a known kind, checked field by field from the option table; returns its length. */
function checkOptionFields(fail: Check, f: string, opt: Record<string, unknown>, fields: readonly OptionField[], refs: boolean): number {
  let length = 2;
  for (const x of fields) {
    const v = opt[x.name];
    const at = `${f}.${x.name}`;
    switch (x.type) {
      case 'u8':
      case 'u16':
      case 'u32':
        if (refs && x.ref) valueIn(fail, at, v, 0, FIELD_MAX[x.type]!);
        else intIn(fail, at, v, 0, FIELD_MAX[x.type]!);
        if (v === undefined) throw fail(at, 'is required');
        length += x.type === 'u8' ? 1 : x.type === 'u16' ? 2 : 4;
        break;
      case 'blocks': {
        const n = checkBlocks(fail, v, x, (j) => `${at}[${j}]`);
        if (n < 0) throw fail(at, `a SACK option carries ${x.min ?? 1} to ${x.max ?? 4} blocks`);
        length += 8 * n;
        break;
      }
      case 'bytes':
        // use('name') in a send: bytes an expectation captured, counted at their most.
        if (refs && x.ref && isRef(v)) {
          length += x.max ?? 38;
          break;
        }
        if (!(v instanceof Uint8Array) || v.length > (x.max ?? 38)) throw fail(at, `must be at most ${x.max ?? 38} bytes${x.ref ? ", or use('name') of a captured value" : ''}`);
        length += v.length;
        break;
    }
  }
  return length;
}

function checkOptions(fail: Check, field: string, options: unknown, refs = false): number {
  if (options === undefined) return 0;
  if (options instanceof Uint8Array) {
    if (options.length > 40) throw fail(field, `${options.length} raw option bytes; a TCP header holds at most 40`);
    return options.length;
  }
  if (!Array.isArray(options)) throw fail(field, 'must be a list of options (mss(1460), nop(), ...) or raw bytes');
  let length = 0;
  options.forEach((o: unknown, i) => {
    const f = `${field}[${i}]`;
    if (!isObject(o) || typeof o.kind !== 'string') throw fail(f, `is not an option: use ${OPTION_KINDS.map((k) => `${k}()`).join(', ')} or option()`);
    if (o.kind === 'unknown') {
      intIn(fail, `${f}.code`, o.code, 0, 255);
      if (!(o.data instanceof Uint8Array) || o.data.length > 38) throw fail(`${f}.data`, 'must be at most 38 bytes');
      length += 2 + o.data.length;
      return;
    }
    const def = optionKindDef(o.kind);
    if (!def) throw fail(`${f}.kind`, `unknown option kind ${show(o.kind)}`);
    length += def.single ? 1 : checkOptionFields(fail, f, o, def.fields, refs);
  });
  if (length > 40) throw fail(field, `options take ${length} bytes; a TCP header holds at most 40`);
  return length;
}

function checkFlags(fail: Check, flags: unknown): void {
  if (typeof flags !== 'string') throw fail('flags', `${show(flags)} is not a string of flag letters like 'SA'`);
  const r = parseFlagLetters(flags);
  if (!r.ok) throw fail('flags', r.message);
}

function checkPayload(fail: Check, payload: unknown, room: number, family: IpFamily): number {
  if (payload === undefined) return 0;
  if (typeof payload !== 'string' && !(payload instanceof Uint8Array)) throw fail('payload', 'must be a string or a Uint8Array');
  const n = payloadBytes(payload).length;
  if (n > room) throw fail('payload', `${n} bytes is too large: an ${FAMILY[family].name} packet with these headers holds at most ${room} bytes of payload`);
  return n;
}

/** The numeric header fields both send() and expect() take, with their ranges (seq/ack relative). */
const HEADER_FIELDS = [
  ['seq', REL_MIN, REL_MAX],
  ['ack', REL_MIN, REL_MAX],
  ['window', 0, 0xffff],
  ['urgent', 0, 0xffff],
] as const;

/** Most payload bytes a packet of `family` carries behind the smallest IP and TCP headers. */
const maxPayload = (family: IpFamily): number => FAMILY[family].maxUpperLayer(FAMILY[family].minHeader) - TCP_MIN_HEADER;

function checkSend(fail: Check, f: SendFields, family: IpFamily): void {
  if (!isObject(f)) throw fail('fields', 'must be an object');
  noUnknownKeys(fail, '', f as Record<string, unknown>, SEND_KEYS);
  for (const [k, min, max] of HEADER_FIELDS) valueIn(fail, k, f[k], min, max);
  if (isMatcher(f.payload)) throw fail('payload', 'is a wildcard: wildcards only make sense in expect(); a segment to send needs bytes');
  const optLen = checkOptions(fail, 'options', f.options, true);
  let ipHeader = FAMILY[family].minHeader;
  if (f.tcp !== undefined) {
    if (!isObject(f.tcp)) throw fail('tcp', 'must be an object of raw TCP header values');
    noUnknownKeys(fail, 'tcp.', f.tcp, TCP_OVERRIDE_KEYS);
    intIn(fail, 'tcp.seq', f.tcp.seq, 0, 0xffff_ffff);
    intIn(fail, 'tcp.ack', f.tcp.ack, 0, 0xffff_ffff);
    intIn(fail, 'tcp.dataOffset', f.tcp.dataOffset, 0, 15);
    intIn(fail, 'tcp.reserved', f.tcp.reserved, 0, 7);
    if (f.tcp.checksum !== 'bad') intIn(fail, 'tcp.checksum', f.tcp.checksum, 0, 0xffff);
  }
  if (f.ip !== undefined) {
    if (!isObject(f.ip)) throw fail('ip', 'must be an object of raw IPv4 or IPv6 header values');
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
    if (ip.checksum !== 'bad') intIn(fail, 'ip.checksum', ip.checksum, 0, 0xffff);
    intIn(fail, 'ip.hopLimit', ip.hopLimit, 0, 255);
    intIn(fail, 'ip.flowLabel', ip.flowLabel, 0, 0xfffff);
    intIn(fail, 'ip.trafficClass', ip.trafficClass, 0, 255);
    intIn(fail, 'ip.nextHeader', ip.nextHeader, 0, 255);
    intIn(fail, 'ip.payloadLength', ip.payloadLength, 0, 0xffff);
    if (ip.extensions !== undefined) {
      if (!Array.isArray(ip.extensions) || ip.extensions.length > 8) throw fail('ip.extensions', 'must be a list of at most 8 extension headers, e.g. [ext(60)]');
      ip.extensions.forEach((e: unknown, i: number) => {
        if (!isObject(e)) throw fail(`ip.extensions[${i}]`, 'must be { type, nextHeader?, length?, data? } (see ext())');
        noUnknownKeys(fail, `ip.extensions[${i}].`, e, ['type', 'nextHeader', 'length', 'data']);
        intIn(fail, `ip.extensions[${i}].type`, e.type, 0, 255);
        if (e.type === undefined) throw fail(`ip.extensions[${i}].type`, 'is required (0 hop-by-hop, 43 routing, 44 fragment, 60 destination options)');
        if (e.nextHeader !== 'auto') intIn(fail, `ip.extensions[${i}].nextHeader`, e.nextHeader, 0, 255);
        if (e.length !== 'auto') intIn(fail, `ip.extensions[${i}].length`, e.length, 0, 255);
        if (e.data !== undefined && (!(e.data instanceof Uint8Array) || e.data.length > 254)) throw fail(`ip.extensions[${i}].data`, 'must be at most 254 bytes (a Uint8Array)');
      });
      // As many bytes as the encoder will write for them.
      ipHeader += ipv6HeaderLength({ src: '::', dst: '::', extensions: ip.extensions as Ipv6ExtensionSpec[] }) - IPV6_HEADER;
    }
    if (ip.options !== undefined) {
      if (!(ip.options instanceof Uint8Array) || ip.options.length > 40) throw fail('ip.options', 'must be at most 40 raw bytes');
      ipHeader += ip.options.length;
    }
  }
  const tcpHeader = 20 + (f.options instanceof Uint8Array ? optLen : (optLen + 3) & ~3);
  checkPayload(fail, f.payload, FAMILY[family].maxUpperLayer(ipHeader) - tcpHeader, family);
}

function checkExpect(fail: Check, f: ExpectFields, family: IpFamily): void {
  if (!isObject(f)) throw fail('fields', 'must be an object');
  noUnknownKeys(fail, '', f as Record<string, unknown>, EXPECT_KEYS);
  for (const [k, min, max] of HEADER_FIELDS) expectedIn(fail, k, f[k], min, max);
  expectedIn(fail, 'len', f.len, 0, maxPayload(family));
  expectedIn(fail, 'rawSeq', f.rawSeq, 0, 0xffff_ffff);
  if (f.ip !== undefined) {
    if (!isObject(f.ip)) throw fail('ip', 'must be { dscp?, ecn?, flowLabel?, trafficClass?, hopLimit?, ttl?, dst?, route? }');
    noUnknownKeys(fail, 'ip.', f.ip, ['dscp', 'ecn', 'flowLabel', 'trafficClass', 'hopLimit', 'ttl', 'dst', 'route']);
    const { dst, route, ...numbers } = f.ip as Record<string, unknown>;
    if (dst !== undefined && (typeof dst !== 'string' || !isAddress(dst))) throw fail('ip.dst', `${show(dst)} is not an IP address`);
    if (route !== undefined) {
      if (!Array.isArray(route)) throw fail('ip.route', "must be the source route's addresses still to visit, e.g. ['10.77.0.1'] ([] for a completed route)");
      route.forEach((a: unknown, i: number) => {
        if (typeof a !== 'string' || parseIpv4Address(a) === undefined) throw fail(`ip.route[${i}]`, `${show(a)} is not an IPv4 address`);
      });
    }
    const max: Record<string, number> = { dscp: 63, ecn: 3, flowLabel: 0xfffff, trafficClass: 255, hopLimit: 255, ttl: 255 };
    for (const [k, v] of Object.entries(numbers)) if (!isRef(v)) expectedIn(fail, `ip.${k}`, v, 0, max[k]!);
  }
  if (f.valid !== undefined && f.valid !== true) throw fail('valid', 'is true (the segment must be well formed) or left out');
  if (f.optional !== undefined && typeof f.optional !== 'boolean') throw fail('optional', 'must be true or false');
  if (f.precondition !== undefined) {
    if (typeof f.precondition !== 'string' || f.precondition.trim() === '') throw fail('precondition', 'must be a sentence saying what the scenario takes for granted');
    if (f.optional) throw fail('precondition', 'an optional expectation cannot be a precondition (nothing follows from its absence)');
  }
  intIn(fail, 'timeout', f.timeout, 1, MAX_PAUSE_MS);
  for (const k of ['within', 'after', 'at'] as const) {
    const v = f[k];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_PAUSE_MS)) throw fail(k, `${show(v)} is not a time in 0..${MAX_PAUSE_MS} ms`);
  }
  if (f.backoff !== undefined && (typeof f.backoff !== 'number' || !Number.isFinite(f.backoff) || f.backoff < 1 || f.backoff > 16)) throw fail('backoff', `${show(f.backoff)} is not a factor in 1..16`);
  if (f.options instanceof Uint8Array) throw fail('options', 'expected options are a list of option values, or checks like { has: [\'mss\'] }');
  if (Array.isArray(f.options)) checkOptions(fail, 'options', f.options);
  else if (f.options !== undefined) checkOptionChecks(fail, f.options);
  if (isMatcher(f.payload)) {
    if ((f.payload as { $match: string }).$match === 'pattern') {
      if (!((f.payload as { re?: unknown }).re instanceof RegExp)) throw fail('payload', 'pattern() takes a regular expression');
    } else {
      checkMatcher(fail, 'payload', f.payload as unknown as Record<string, unknown>, (x) => checkPayload(fail, x, maxPayload(family), family));
    }
    return;
  }
  const n = checkPayload(fail, f.payload, maxPayload(family), family);
  if (f.payload !== undefined && typeof f.len === 'number' && f.len !== n) throw fail('len', `${f.len} disagrees with the ${n}-byte payload`);
}

/** An expected value of one option field: a literal or matcher over its type. */
function checkExpectedField(fail: Check, field: string, v: unknown, x: OptionField): void {
  if (x.type === 'bytes') {
    if (isMatcher(v)) checkMatcher(fail, field, v as unknown as Record<string, unknown>, (b) => void checkBytes(fail, field, b, x.max ?? 38));
    else checkBytes(fail, field, v, x.max ?? 38);
    return;
  }
  expectedIn(fail, field, v, 0, FIELD_MAX[x.type] ?? 0xffff_ffff);
}

function checkBytes(fail: Check, field: string, v: unknown, max: number): void {
  if (v !== undefined && (!(v instanceof Uint8Array) || v.length > max)) throw fail(field, `must be at most ${max} bytes (a Uint8Array)`);
}

function checkOptionChecks(fail: Check, o: unknown): void {
  if (!isObject(o)) throw fail('options', "must be a list of options or checks like { has: ['mss'], lacks: ['timestamp'] }");
  noUnknownKeys(fail, 'options.', o, OPTION_CHECK_KEYS);
  for (const k of ['has', 'lacks'] as const) {
    const list = o[k];
    if (list === undefined) continue;
    if (!Array.isArray(list)) throw fail(`options.${k}`, 'must be a list of option kinds');
    list.forEach((kind, i) => {
      if (!((OPTION_KINDS as readonly unknown[]).includes(kind) || (isInt(kind) && kind >= 0 && kind <= 255))) {
        throw fail(`options.${k}[${i}]`, `${show(kind)} is not an option kind (${OPTION_KINDS.join(', ')}, or a number 0..255)`);
      }
    });
  }
  for (const def of OPTION_KIND_LIST) {
    const want = o[def.kind];
    if (want === undefined || def.fields.length === 0) continue;
    const at = `options.${def.kind}`;
    const [only] = def.fields;
    if (def.fields.length === 1 && only!.type === 'blocks') {
      // Exact blocks, or { covers: [left, right] }: some block must cover that range.
      const n = checkBlocks(fail, isObject(want) ? [want.covers] : want, only!, (j) => `${at}[${j}]`);
      if (n < 0) throw fail(at, `must be ${only!.min ?? 1} to ${only!.max ?? 4} [left, right] blocks, or { covers: [left, right] }`);
    } else if (def.fields.length === 1) {
      checkExpectedField(fail, at, want, only!);
    } else {
      if (!isObject(want)) throw fail(at, `must be { ${def.fields.map((x) => `${x.name}?`).join(', ')} }`);
      noUnknownKeys(fail, `${at}.`, want, def.fields.map((x) => x.name));
      for (const x of def.fields) checkExpectedField(fail, `${at}.${x.name}`, want[x.name], x);
    }
  }
}

const STEP_KINDS = ['send', 'expect', 'pause', 'either', 'anyOrder', 'silence', 'drain', 'icmp', 'app', 'appWait'];
const APP_CHECK_KEYS = ['returns', 'errno', 'data', 'conn', 'background', 'within', 'after', 'timeout', 'listener'];
const APP_CALLS = ['listen', 'accept', 'connect', 'write', 'read', 'shutdown', 'close', 'setsockopt', 'getsockopt', 'nonblock'];
/** What each call may also carry besides its checks. */
const APP_CALL_KEYS: Readonly<Record<string, readonly string[]>> = { listen: ['backlog'], write: ['data', 'more', 'oob'], read: ['n', 'oob', 'peek'], shutdown: ['how'], setsockopt: ['name', 'value'], getsockopt: ['name'], nonblock: ['on'] };
const ERRNO = /^E[A-Z0-9]{1,20}$/;

/** An app() step: a call the puppet knows, with arguments and checks in range. */
function checkApp(fail: Check, s: AppStep, conns: readonly string[]): void {
  const c = s.call as unknown as Record<string, unknown>;
  if (!isObject(c) || !APP_CALLS.includes(c.call as string)) throw fail('call', `${show(isObject(c) ? c.call : c)} is not a call the application can make (${APP_CALLS.join(', ')})`);
  const call = c.call as string;
  const known = APP_CALL_KEYS[call] ?? [];
  for (const k of Object.keys(c)) if (k !== 'call' && !known.includes(k)) throw fail(k, `app('${call}') takes no '${k}'`);
  const flag = (k: string): void => {
    if (c[k] !== undefined && typeof c[k] !== 'boolean') throw fail(k, `${show(c[k])} must be true or false`);
  };
  switch (call) {
    case 'listen':
      intIn(fail, 'backlog', c.backlog, 0, 4096);
      break;
    case 'write': {
      const d = c.data;
      if (typeof d === 'number') intIn(fail, 'data', d, 1, MAX_IO);
      else if (typeof d === 'string' || d instanceof Uint8Array) {
        const n = payloadBytes(d).length;
        if (n < 1 || n > MAX_IO) throw fail('data', `${n} bytes: a write takes 1..${MAX_IO}`);
      } else throw fail('data', "app('write', ...) takes a byte count, a text or bytes, e.g. app('write', 1000)");
      flag('more');
      flag('oob');
      break;
    }
    case 'read':
      if (c.n === undefined) throw fail('n', "app('read', N) needs the most bytes to read, e.g. app('read', 1000)");
      intIn(fail, 'n', c.n, 1, MAX_IO);
      flag('oob');
      flag('peek');
      break;
    case 'shutdown':
      if (!(SHUTDOWN_HOWS as readonly string[]).includes(c.how as string)) throw fail('how', `${show(c.how)} is not 'rd', 'wr' or 'rdwr'`);
      break;
    case 'setsockopt':
    case 'getsockopt':
      if (typeof c.name !== 'string' || !(c.name in SOCKOPTS)) throw fail('name', `${show(c.name)} is not a socket option the application knows (${Object.keys(SOCKOPTS).join(', ')})`);
      if (call === 'setsockopt') intIn(fail, 'value', c.value, -1, 0x7fffffff);
      if (call === 'setsockopt' && c.value === undefined) throw fail('value', `app('setsockopt', '${c.name}', VALUE) needs a value`);
      break;
    case 'nonblock':
      if (typeof c.on !== 'boolean') throw fail('on', "app('nonblock', true|false)");
      break;
  }
  const k = s.checks as unknown as Record<string, unknown>;
  if (k !== undefined && !isObject(k)) throw fail('checks', 'must be an object of checks, e.g. { returns: 0 }');
  noUnknownKeys(fail, '', k ?? {}, APP_CHECK_KEYS);
  if (k?.returns !== undefined) expectedIn(fail, 'returns', k.returns, -1, 0x7fffffff);
  if (k?.errno !== undefined && (typeof k.errno !== 'string' || !ERRNO.test(k.errno))) throw fail('errno', `${show(k.errno)} is not an errno name such as 'ECONNRESET'`);
  if (k?.data !== undefined) {
    if (call !== 'read') throw fail('data', 'only a read returns data');
    if (typeof k.data !== 'string' && !(k.data instanceof Uint8Array)) throw fail('data', 'must be text or bytes');
  }
  if (k?.background !== undefined && (typeof k.background !== 'string' || !/^[A-Za-z_][\w-]{0,63}$/.test(k.background))) throw fail('background', `${show(k.background)} is not a usable name`);
  for (const t of ['within', 'after', 'timeout'] as const) {
    const v = k?.[t];
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > MAX_PAUSE_MS)) throw fail(t, `${show(v)} is not a duration in 0..${MAX_PAUSE_MS} ms`);
  }
  if (k?.listener !== undefined && typeof k.listener !== 'boolean') throw fail('listener', 'must be true or false');
  checkConn(fail, k?.conn, conns);
}

/** appWait() names must be started, once, by an earlier app(..., { background }) step; each background call is waited for at most once. */
function checkBackground(file: string, steps: readonly Step[]): void {
  const started = new Map<string, number>();
  const waited = new Set<string>();
  steps.forEach((s, i) => {
    if (s.kind === 'app' && s.checks?.background !== undefined) {
      const name = s.checks.background;
      if (started.has(name) && !waited.has(name)) throw stepError(file, i, s, 'background', `'${name}' is already running in the background (step ${started.get(name)! + 1}): wait for it with appWait('${name}') first`);
      started.set(name, i);
      waited.delete(name);
    }
    if (s.kind === 'appWait') {
      if (!started.has(s.name) || waited.has(s.name)) throw stepError(file, i, s, 'name', `no call named '${s.name}' runs in the background here: start one with app(..., { background: '${s.name}' })`);
      waited.add(s.name);
    }
  });
}

function checkConn(fail: Check, conn: unknown, conns: readonly string[]): void {
  if (conn === undefined) return;
  if (typeof conn !== 'string' || !conns.includes(conn)) throw fail('conn', `${show(conn)} is not a connection of this scenario (${conns.join(', ')})`);
}

function checkExpectStep(fail: Check, e: unknown, conns: readonly string[], where: string, family: IpFamily): ExpectStep {
  if (!isObject(e) || e.kind !== 'expect') throw fail(where, 'must be an expect() step');
  const x = e as unknown as ExpectStep;
  const sub: Check = (field, problem) => fail(`${where}.${field}`, problem);
  checkFlags(sub, x.flags);
  checkExpect(sub, x.fields, family);
  checkConn(sub, x.fields.conn, conns);
  return x;
}

function checkStep(file: string, index: number, step: unknown, conns: readonly string[], family: IpFamily): void {
  if (!isObject(step) || !STEP_KINDS.includes(step.kind as string)) {
    throw scenarioError(file, `steps[${index}]`, 'is not a step: use send(), expect(), pause(), either(), anyOrder(), silence(), drain(), icmp(), app() or appWait()');
  }
  const s = step as unknown as Step;
  const fail: Check = (field, problem) => stepError(file, index, s, field, problem);
  switch (s.kind) {
    case 'pause':
    case 'silence':
    case 'drain':
      if (typeof s.ms !== 'number' || !Number.isFinite(s.ms) || s.ms < 0 || s.ms > MAX_PAUSE_MS) throw fail('ms', `${show(s.ms)} is not a duration in 0..${MAX_PAUSE_MS} ms`);
      if (s.kind !== 'pause') checkConn(fail, s.conn, conns);
      return;
    case 'icmp':
      intIn(fail, 'type', s.type, 0, 255);
      intIn(fail, 'code', s.code, 0, 255);
      if (s.type === undefined || s.code === undefined) throw fail('type', 'icmp() takes a type and a code, e.g. icmp(3, 4, { mtu: 1000 })');
      // ICMPv4 "fragmentation needed" (3/4) or ICMPv6 "packet too big" (2/0): which one the connection's family decides.
      if (s.mtu !== undefined && !(s.type === 3 && s.code === 4) && !(s.type === 2 && s.code === 0)) throw fail('mtu', 'only "fragmentation needed" (ICMPv4 type 3, code 4) and "packet too big" (ICMPv6 type 2, code 0) carry an MTU');
      intIn(fail, 'mtu', s.mtu, 68, 65535);
      checkConn(fail, s.conn, conns);
      return;
    case 'send':
      checkFlags(fail, s.flags);
      checkSend(fail, s.fields, family);
      checkConn(fail, s.fields.conn, conns);
      return;
    case 'expect':
      checkFlags(fail, s.flags);
      checkExpect(fail, s.fields, family);
      checkConn(fail, s.fields.conn, conns);
      return;
    case 'app':
      checkApp(fail, s, conns);
      return;
    case 'appWait':
      if (typeof s.name !== 'string') throw fail('name', "appWait() takes the name given as an app() step's background");
      return;
    case 'either':
    case 'anyOrder': {
      const list = s.kind === 'either' ? s.alternatives : s.items;
      const name = s.kind === 'either' ? 'alternatives' : 'items';
      if (!Array.isArray(list) || list.length < 2) throw fail(name, `${s.kind}() needs at least two expect() steps`);
      const steps = list.map((e, i) => checkExpectStep(fail, e, conns, `${name}[${i}]`, family));
      const first = steps[0]!.fields.conn ?? MAIN_CONN;
      steps.forEach((e, i) => {
        if ((e.fields.conn ?? MAIN_CONN) !== first) throw fail(`${name}[${i}].conn`, `all expectations of ${s.kind}() must be on one connection`);
      });
      return;
    }
  }
}

/** Names an expectation captures for sure (an optional one may not come, so it captures nothing for sure). */
function capturedBy(e: ExpectStep): Set<string> {
  const names = new Set<string>();
  if (e.fields.optional) return names;
  const visit = (v: unknown): void => {
    if (isMatcher(v) && (v as { $match: string }).$match === 'capture') names.add((v as { name: string }).name);
    else if (isObject(v) && !isMatcher(v)) Object.values(v).forEach(visit);
  };
  for (const [k, v] of Object.entries(e.fields)) if (k !== 'payload') visit(v);
  return names;
}

function refsOf(fields: SendFields): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const k of ['seq', 'ack', 'window', 'urgent'] as const) {
    const v = fields[k];
    if (isRef(v)) out.push([k, v.$use]);
  }
  if (Array.isArray(fields.options)) {
    fields.options.forEach((o, i) => {
      if (o.kind === 'unknown') return;
      for (const f of OPTION_KIND_LIST.find((d) => d.kind === o.kind)?.fields ?? []) {
        const v = (o as unknown as Record<string, unknown>)[f.name];
        if (f.ref && isRef(v)) out.push([`options[${i}].${f.name}`, v.$use]);
      }
    });
  }
  return out;
}

/** A `use('x')` must come after an expectation that surely captured `x`. */
function checkCaptures(file: string, steps: readonly Step[]): void {
  const known = new Set<string>();
  steps.forEach((step, i) => {
    if (step.kind === 'send') {
      for (const [field, name] of refsOf(step.fields)) {
        if (!known.has(name)) throw stepError(file, i, step, field, `capture '${name}' is used before an expect() sets it (captures in optional expectations, or in only some alternatives, may never be set)`);
      }
    } else if (step.kind === 'expect') {
      capturedBy(step).forEach((n) => known.add(n));
    } else if (step.kind === 'anyOrder') {
      step.items.forEach((e) => capturedBy(e).forEach((n) => known.add(n)));
    } else if (step.kind === 'either') {
      const sets = step.alternatives.map(capturedBy);
      sets[0]?.forEach((n) => {
        if (sets.every((s) => s.has(n))) known.add(n);
      });
    }
  });
}

/**
 * Checks that `value` (a scenario file's default export) is a well-formed scenario and returns it
 * typed. Throws a {@link ScenarioError} naming `file`, the step and the field.
 */
/** Where the TODO blanks of `v` are: their paths (`ack`, `options[0].value`...). */
function todoPaths(v: unknown, path: string, out: string[]): string[] {
  if (isTodo(v)) out.push(path);
  else if (Array.isArray(v)) v.forEach((x, i) => todoPaths(x, `${path}[${i}]`, out));
  else if (isObject(v) && !(v instanceof Uint8Array)) for (const [k, x] of Object.entries(v)) if (k !== 'site') todoPaths(x, path ? `${path}.${k}` : k, out);
  return out;
}

/** An exercise skeleton still has blanks: the first one, by step and field, and how many are left. */
function checkTodos(file: string, steps: unknown): void {
  if (!Array.isArray(steps)) return;
  let total = 0;
  let first: { i: number; step: Step; field: string } | undefined;
  steps.forEach((s, i) => {
    const paths = todoPaths(s, '', []);
    total += paths.length;
    if (paths.length && !first) first = { i, step: s as Step, field: paths[0]!.replace(/^fields\./, '') };
  });
  if (!first) return;
  const step = isTodo((first.step as { flags?: unknown }).flags) ? ({ ...first.step, flags: 'TODO' } as Step) : first.step;
  throw stepError(file, first.i, step, first.field, `TODO: fill in this blank (${total} blank${total === 1 ? '' : 's'} left in the scenario)`);
}

export function validateScenario(value: unknown, file: string): ValidScenario {
  if (!isObject(value)) throw scenarioError(file, 'default export', 'a scenario file must `export default scenario({ ... })`');
  checkTodos(file, value.steps);
  noUnknownKeys((field, problem) => scenarioError(file, field, problem), '', value, SCENARIO_KEYS);
  const fail: Check = (field, problem) => scenarioError(file, field, problem);
  if (typeof value.name !== 'string' || value.name.trim() === '') throw fail('name', 'must be a non-empty string');
  if (value.description !== undefined && typeof value.description !== 'string') throw fail('description', 'must be a string');
  if (value.rfc !== undefined && typeof value.rfc !== 'string') throw fail('rfc', "must be a string such as 'RFC 9293 §3.10.7.3'");
  if (value.expectedFailures !== undefined) {
    if (!isObject(value.expectedFailures)) throw fail('expectedFailures', "must map target names to reasons, e.g. { linux: 'why' }");
    for (const [k, v] of Object.entries(value.expectedFailures)) {
      if (!EXPECTED_KEY.test(k)) throw fail(`expectedFailures.${k}`, "the key must be a target name, or one with the first kernel release it applies to, e.g. 'linux>=6.17'");
      if (isObject(v)) {
        const unknownKey = Object.keys(v).find((x) => !['step', 'field', 'why'].includes(x));
        if (unknownKey !== undefined) throw fail(`expectedFailures.${k}.${unknownKey}`, 'is not part of a pinned expected failure (step, field, why)');
        const steps = Array.isArray(value.steps) ? value.steps.length : 0;
        if (typeof v.step !== 'number' || !Number.isInteger(v.step) || v.step < 1 || v.step > steps) throw fail(`expectedFailures.${k}.step`, `must be the step (1 to ${steps}) where the target differs`);
        if (v.field !== undefined && (typeof v.field !== 'string' || !PIN_FIELDS.includes(v.field))) throw fail(`expectedFailures.${k}.field`, `must be one of ${PIN_FIELDS.join(', ')}`);
        if (typeof v.why !== 'string' || v.why.trim() === '') throw fail(`expectedFailures.${k}.why`, 'must be a non-empty reason');
        continue;
      }
      if (typeof v !== 'string' || v.trim() === '') throw fail(`expectedFailures.${k}`, 'must be a non-empty reason, or { step, field, why }');
    }
  }
  if (value.requires !== undefined) {
    if (!Array.isArray(value.requires)) throw fail('requires', `must be a list of features (${FEATURES.join(', ')})`);
    value.requires.forEach((f: unknown, i: number) => {
      // RFC 5961's defences are optional behaviour, not something two stacks negotiate: checked at the scenario's level, never N/A.
      if (f === 'rfc5961') throw fail(`requires[${i}]`, "'rfc5961' is no longer a feature: an optional behaviour is checked at the scenario's level (RFC 9293 MAY-12: level: 'MAY') and reported as FAIL [MAY] where a stack lacks it; remove it from requires");
      if (!FEATURES.includes(f as string)) throw fail(`requires[${i}]`, `${show(f)} is not a feature (${FEATURES.join(', ')})`);
    });
  }
  if (value.level !== undefined && !LEVELS.includes(value.level as string)) throw fail('level', `${show(value.level)} is not a level (${LEVELS.join(', ')})`);
  if (value.role !== undefined && value.role !== 'client' && value.role !== 'server') throw fail('role', `${show(value.role)} is not a role (use 'client' or 'server')`);
  const server = value.role === 'server';
  if (!server && !isObject(value.peer)) throw fail('peer', "must be { host: '10.77.0.2', port: 5000 }");
  if (value.peer !== undefined) {
    if (!isObject(value.peer)) throw fail('peer', 'must be { host?, port?, broadcast? }');
    noUnknownKeys(fail, 'peer.', value.peer, ['host', 'port', 'broadcast']);
    if ((!server || value.peer.host !== undefined) && (typeof value.peer.host !== 'string' || !isAddress(value.peer.host))) {
      throw fail('peer.host', `${show(value.peer.host)} is not an IPv4 or IPv6 address`);
    }
    intIn(fail, 'peer.port', value.peer.port, 1, 65535);
    if (!server && value.peer.port === undefined) throw fail('peer.port', 'is required');
    if (value.peer.broadcast !== undefined) {
      if (typeof value.peer.broadcast !== 'boolean') throw fail('peer.broadcast', `${show(value.peer.broadcast)} is not true or false`);
      if (value.peer.broadcast && server) throw fail('peer.broadcast', 'is for the client role (we send to the broadcast address); in the server role use local: { broadcast: true }');
      if (value.peer.broadcast && familyOf(String(value.peer.host)) !== 4) throw fail('peer.broadcast', 'needs an IPv4 peer: IPv6 has no broadcast addresses (send to a multicast group with peer.host instead)');
    }
  }
  if (server && (!isObject(value.local) || value.local.port === undefined)) throw fail('local.port', "is required in the server role: the port to answer on, e.g. local: { port: 13 }");
  if (value.local !== undefined) {
    if (!isObject(value.local)) throw fail('local', 'must be { host?, port?, spare?, broadcast? }');
    noUnknownKeys(fail, 'local.', value.local, ['host', 'port', 'spare', 'broadcast']);
    for (const k of ['spare', 'broadcast'] as const) {
      const v = value.local[k];
      if (v === undefined) continue;
      if (typeof v !== 'boolean') throw fail(`local.${k}`, `${show(v)} is not true or false`);
      if (v && value.local.host !== undefined) throw fail(`local.${k}`, `and local.host both say what our address is: keep one`);
    }
    if (value.local.spare === true && value.local.broadcast === true) throw fail('local.broadcast', 'and local.spare both say what our address is: keep one');
    if (value.local.broadcast === true && !server) throw fail('local.broadcast', 'is for the server role (the target connects to the broadcast address); in the client role use peer: { broadcast: true }');
    if (value.local.host !== undefined && (typeof value.local.host !== 'string' || !isAddress(value.local.host))) {
      throw fail('local.host', `${show(value.local.host)} is not an IPv4 or IPv6 address`);
    }
    if (typeof value.local.host === 'string' && isObject(value.peer) && typeof value.peer.host === 'string' && familyOf(value.local.host) !== familyOf(value.peer.host)) {
      throw fail('local.host', `${show(value.local.host)} and the peer's ${show(value.peer.host)} are of different IP versions`);
    }
    intIn(fail, 'local.port', value.local.port, 1, 65535);
  }
  intIn(fail, 'window', value.window, 0, 0xffff);
  intIn(fail, 'isn', value.isn, 0, 0xffff_ffff);
  intIn(fail, 'timeout', value.timeout, 1, MAX_PAUSE_MS);
  if (value.tolerance !== undefined) {
    if (!isObject(value.tolerance)) throw fail('tolerance', 'must be { ms?, percent? }');
    noUnknownKeys(fail, 'tolerance.', value.tolerance, ['ms', 'percent']);
    for (const k of ['ms', 'percent'] as const) {
      const v = value.tolerance[k];
      if (v !== undefined && (typeof v !== 'number' || !(v >= 0) || v > 1000)) throw fail(`tolerance.${k}`, `${show(v)} is not a number in 0..1000`);
    }
  }
  const conns = [MAIN_CONN];
  if (value.connections !== undefined) {
    if (!isObject(value.connections)) throw fail('connections', "must map names to { local?, peer? }, e.g. { second: { local: { port: 40001 } } }");
    if (server) throw fail('connections', 'further connections are only supported in the client role');
    for (const [name, c] of Object.entries(value.connections)) {
      if (name === MAIN_CONN || !/^[A-Za-z_][\w-]*$/.test(name)) throw fail(`connections.${name}`, `'${name}' is not a usable connection name`);
      if (!isObject(c)) throw fail(`connections.${name}`, 'must be { local?, peer? }');
      noUnknownKeys(fail, `connections.${name}.`, c, ['role', 'local', 'peer']);
      if (c.role !== undefined && c.role !== 'client' && c.role !== 'server') throw fail(`connections.${name}.role`, `${show(c.role)} is not 'client' or 'server'`);
      if (c.local !== undefined && !isObject(c.local)) throw fail(`connections.${name}.local`, 'must be { port? }');
      if (c.role === 'server' && !(isObject(c.local) && c.local.port !== undefined)) {
        throw fail(`connections.${name}.local.port`, "is required with role 'server': the port the peer connects to");
      }
      if (isObject(c.local)) intIn(fail, `connections.${name}.local.port`, c.local.port, 1, 65535);
      if (c.peer !== undefined && !isObject(c.peer)) throw fail(`connections.${name}.peer`, 'must be { host?, port? }');
      if (isObject(c.peer)) {
        if (c.peer.host !== undefined && (typeof c.peer.host !== 'string' || !isAddress(c.peer.host))) throw fail(`connections.${name}.peer.host`, `${show(c.peer.host)} is not an IPv4 or IPv6 address`);
        intIn(fail, `connections.${name}.peer.port`, c.peer.port, 1, 65535);
      }
      conns.push(name);
    }
  }
  if (!Array.isArray(value.steps) || value.steps.length === 0) throw fail('steps', 'must be a non-empty list of send(), expect(), pause(), either(), anyOrder() and silence() steps');
  // Payloads are sized for the family of the peer (else of the local address; IPv4 when neither is given).
  const family = familyOf(isObject(value.peer) && typeof value.peer.host === 'string' ? value.peer.host : '') ?? familyOf(isObject(value.local) && typeof value.local.host === 'string' ? value.local.host : '') ?? 4;
  value.steps.forEach((s, i) => checkStep(file, i, s, conns, family));
  const steps = value.steps as Step[];
  checkCaptures(file, steps);
  checkBackground(file, steps);
  if (steps.some((s) => s.kind === 'app') && !(Array.isArray(value.requires) && value.requires.includes('app-puppet'))) {
    const i = steps.findIndex((s) => s.kind === 'app');
    throw stepError(file, i, steps[i]!, 'kind', "app() steps drive the target's application: add requires: ['app-puppet'] to the scenario (targets without one report it N/A)");
  }
  if (server) {
    const first = steps.findIndex((s) => s.kind !== 'pause');
    const s = steps[first];
    if (s && s.kind === 'send') throw stepError(file, first, s, 'kind', "in the server role the client speaks first: start with expect('S')");
  }
  for (const [name, c] of Object.entries((value.connections ?? {}) as Record<string, { role?: string }>)) {
    if (c.role !== 'server') continue;
    const first = steps.findIndex((s) => (s.kind === 'send' || s.kind === 'expect') && connOf(s) === name);
    const s = steps[first];
    if (s && s.kind === 'send') throw stepError(file, first, s, 'kind', `connection '${name}' has role 'server': the peer speaks first, so start it with expect('S', { conn: '${name}' })`);
  }
  return canonicalHosts(value) as unknown as ValidScenario;
}

/** `sc` with every IPv6 host in RFC 5952 form (as packets show it), so flows compare as text. */
function canonicalHosts(sc: Record<string, unknown>): Record<string, unknown> {
  const fix = (end: unknown): unknown => (isObject(end) && typeof end.host === 'string' && familyOf(end.host) === 6 ? { ...end, host: FAMILY[6].canonical(end.host) } : end);
  const connections = isObject(sc.connections) ? Object.fromEntries(Object.entries(sc.connections).map(([k, c]) => [k, isObject(c) ? { ...c, ...(c.peer !== undefined ? { peer: fix(c.peer) } : {}) } : c])) : undefined;
  return { ...sc, ...(sc.peer !== undefined ? { peer: fix(sc.peer) } : {}), ...(sc.local !== undefined ? { local: fix(sc.local) } : {}), ...(connections ? { connections } : {}) };
}
