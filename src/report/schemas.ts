/**
 * JSON Schemas (draft-07) of the documents in json.ts, formats.ts (suite), matrix.ts and
 * learn/machinefile.ts (learned machines): the source of the files in `schemas/` (`make schemas`
 * writes them; test/report/schema.test.ts checks they are current and validates real documents
 * against them, test/learn/machinefile.test.ts the machines). Every object is closed
 * (`additionalProperties: false`), so a field added to a document without its schema fails the test.
 */
import { JSON_FORMAT_VERSION } from './json.js';
import { MACHINE_FORMAT_VERSION } from '../learn/machinefile.js';

type Schema = Record<string, unknown>;

const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer' };
const num: Schema = { type: 'number' };
const bool: Schema = { type: 'boolean' };
const nullable = (s: Schema): Schema => ({ anyOf: [s, { type: 'null' }] });
const u32: Schema = { type: 'integer', minimum: 0, maximum: 0xffff_ffff };
const port: Schema = { type: 'integer', minimum: 0, maximum: 65535 };
const decimal: Schema = { type: 'string', pattern: '^[0-9]+$' };
const hex: Schema = { type: 'string', pattern: '^([0-9a-f]{2})*$' };

/** A closed object: every listed property required unless named in `optional`. */
function obj(props: Record<string, Schema>, optional: readonly string[] = [], description?: string): Schema {
  return {
    type: 'object',
    ...(description ? { description } : {}),
    properties: props,
    required: Object.keys(props).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

const checksum: Schema = { enum: ['good', 'bad', 'offloaded', 'none'] };
const verdict: Schema = { enum: ['pass', 'fail', 'xfail', 'xpass', 'error', 'na', 'interrupted'] };
const level: Schema = { enum: ['MUST', 'SHOULD', 'MAY'] };
const tool = obj({ name: { const: 'tcpcraft' }, version: str });

const segmentProps: Record<string, Schema> = {
  dir: { enum: ['in', 'out'], description: 'out: sent by tcpcraft; in: from the peer' },
  timeUs: { ...decimal, description: 'microseconds since the epoch' },
  flags: { type: 'string', pattern: '^[FSRPAUEWN]*$', description: "flag letters as in scenarios, e.g. 'SA'" },
  seq: { ...nullable(int), description: "relative to the sender's ISN; null before it is known" },
  ack: { ...nullable(int), description: "relative to the receiver's ISN; null without ACK or ISN" },
  len: { type: 'integer', minimum: 0 },
  rawSeq: u32,
  rawAck: u32,
  window: port,
  options: { type: 'string', description: 'options in scenario notation' },
  checksums: obj({ ip: checksum, tcp: checksum }),
  payloadHex: hex,
  packetHex: { ...hex, description: 'the whole IP packet as sent or captured' },
};

const segmentDef = obj(segmentProps);
const segment: Schema = { $ref: '#/definitions/segment' };
const eventDef = obj(
  {
    kind: { enum: ['sent', 'received', 'drained', 'unmatched', 'cleanup'] },
    step: { ...nullable({ type: 'integer', minimum: 1 }), description: '1-based step, null for the cleanup RST and unmatched segments' },
    conn: str,
    ...segmentProps,
  },
  ['conn'],
);

const step = { type: 'integer', minimum: 1 };
const line = nullable({ type: 'integer', minimum: 1 });
const diff = obj(
  {
    field: { enum: ['flags', 'seq', 'ack', 'rawSeq', 'valid', 'window', 'urgent', 'len', 'payload', 'options', 'ip', 'time'] },
    expected: str,
    actual: str,
    expectedRaw: u32,
    actualRaw: u32,
    text: str,
  },
  ['expectedRaw', 'actualRaw'],
);
const appCall = obj(
  { step, conn: str, call: str, startUs: decimal, endUs: decimal, ret: int, errno: str, durationUs: num, dataHex: hex, background: str },
  ['conn', 'endUs', 'ret', 'errno', 'durationUs', 'dataHex', 'background'],
);
const failureDef: Schema = {
  anyOf: [
    { type: 'null' },
    obj({ kind: { const: 'mismatch' }, step, line, diffs: { type: 'array', items: diff, minItems: 1 }, actual: segment }),
    obj({ kind: { const: 'unexpected' }, step, line, actual: segment, afterMs: num }),
    obj({ kind: { const: 'timeout' }, step, line, waitedMs: num, note: str }, ['note']),
    obj({ kind: { const: 'error' }, step: nullable(step), message: str }),
    obj({ kind: { const: 'interrupted' }, step, reason: str }),
    obj({ kind: { const: 'app' }, step, line, problems: { type: 'array', items: str, minItems: 1 }, call: appCall }),
  ],
};

const reportProps: Record<string, Schema> = {
  scenario: str,
  file: str,
  passed: bool,
  flow: obj({ localIp: str, localPort: port, peerIp: str, peerPort: port }),
  isn: u32,
  peerIsn: nullable(u32),
  durationMs: { type: 'number', minimum: 0 },
  role: { enum: ['client', 'server'] },
  events: { type: 'array', items: { $ref: '#/definitions/event' } },
  leftovers: { type: 'array', items: segment },
  icmp: { type: 'array', items: obj({ step, conn: str, type: int, code: int, timeUs: decimal, hex }, ['conn']) },
  app: { type: 'array', items: appCall },
  failure: { $ref: '#/definitions/failure' },
};
const reportDef = obj(reportProps, ['icmp', 'app'], "a run's report: every segment with relative and raw numbers, and why it failed");
const report: Schema = { $ref: '#/definitions/report' };

const header = (format: string): Record<string, Schema> => ({
  format: { const: format },
  formatVersion: { const: JSON_FORMAT_VERSION },
  tool,
});

const totalsDef = obj(
  {
    total: { type: 'integer', minimum: 0 },
    passed: { type: 'integer', minimum: 0 },
    failed: { type: 'integer', minimum: 0, description: 'fail + xpass + error' },
    expectedFailures: { type: 'integer', minimum: 0 },
    notApplicable: { type: 'integer', minimum: 0 },
    interrupted: { type: 'integer', minimum: 0 },
  },
);

const totals: Schema = { $ref: '#/definitions/totals' };
const suiteResultDef = obj({
  file: str,
  name: str,
  rfc: nullable(str),
  level,
  target: str,
  verdict,
  expectedFailure: nullable(str),
  message: nullable(str),
  summary: str,
  durationMs: { type: 'integer', minimum: 0 },
  startMs: { type: 'integer', minimum: 0 },
  endMs: { type: 'integer', minimum: 0 },
  report: nullable(report),
});
const suiteResult: Schema = { $ref: '#/definitions/suiteResult' };

/** The shared definitions the documents refer to. */
const runDefs = { segment: segmentDef, event: eventDef, failure: failureDef };
const suiteDefs = { ...runDefs, report: reportDef, totals: totalsDef, suiteResult: suiteResultDef };

const schemaHeader = (id: string, title: string, version: number = JSON_FORMAT_VERSION): Schema => ({ $schema: 'http://json-schema.org/draft-07/schema#', $id: `urn:tcpcraft:schema:${id}:${version}`, title });

/** `tcpcraft run --json` (and `build`, `replay`). */
export const RUN_SCHEMA: Schema = {
  ...schemaHeader('run', 'tcpcraft run report'),
  ...obj(
    {
      ...header('tcpcraft-run'),
      target: nullable(str),
      verdict: { enum: ['pass', 'fail', 'xfail', 'xpass', 'interrupted'] },
      interrupted: { ...nullable(str), description: 'the signal that stopped the run' },
      ...reportProps,
    },
    ['icmp', 'app'],
  ),
  definitions: runDefs,
};

/** `tcpcraft suite --json`. */
export const SUITE_SCHEMA: Schema = {
  ...schemaHeader('suite', 'tcpcraft suite report'),
  ...obj({
    ...header('tcpcraft-suite'),
    target: str,
    startedAt: { type: 'string', format: 'date-time' },
    wallMs: { type: 'integer', minimum: 0 },
    interrupted: nullable(str),
    totals,
    results: { type: 'array', items: suiteResult },
  }),
  definitions: suiteDefs,
};

/** `tcpcraft matrix --json`. */
export const MATRIX_SCHEMA: Schema = {
  ...schemaHeader('matrix', 'tcpcraft matrix report'),
  ...obj({
    ...header('tcpcraft-matrix'),
    startedAt: { type: 'string', format: 'date-time' },
    wallMs: { type: 'integer', minimum: 0 },
    interrupted: nullable(str),
    totals,
    targets: {
      type: 'array',
      items: obj({ name: str, stack: str, version: str, startupMs: { type: 'integer', minimum: 0 }, suiteMs: { type: 'integer', minimum: 0 }, error: str, totals }, ['error']),
    },
    scenarios: { type: 'array', items: obj({ name: str, file: str, rfc: nullable(str) }) },
    cells: {
      type: 'array',
      items: obj({ scenario: str, file: str, target: str, verdict, level, summary: str, result: nullable(suiteResult) }),
    },
  }),
  definitions: suiteDefs,
};

const status: Schema = { enum: ['shown', 'claimed', 'untestable'] };
const statusCounts = obj({ shown: { type: 'integer', minimum: 0 }, claimed: { type: 'integer', minimum: 0 }, untestable: { type: 'integer', minimum: 0 } });
const paths: Schema = { type: 'array', items: str };

/** `tcpcraft suite --mutants ... --json` and scenarios/conformance/REQUIREMENTS.json. */
export const COVERAGE_SCHEMA: Schema = {
  ...schemaHeader('coverage', 'tcpcraft kill matrix and requirement coverage'),
  ...obj({
    ...header('tcpcraft-coverage'),
    counts: obj({ all: statusCounts, MUST: statusCounts, SHOULD: statusCounts, MAY: statusCounts }),
    mutants: {
      type: 'array',
      items: obj({ name: str, requirement: str, breaks: str, killedBy: paths, killedByOwn: { ...paths, description: 'the killers whose rfc: names the requirement' }, madeNa: paths }),
    },
    requirements: {
      type: 'array',
      items: obj({ id: { type: 'string', pattern: '^(MUST|SHLD|MAY|REC)-[0-9]+$' }, level, group: str, what: str, status, scenarios: paths, mutants: paths, why: nullable(str) }),
    },
    notPassing: paths,
  }),
};

const count: Schema = { type: 'integer', minimum: 0 };
/** A state number (the reader checks it is below the number of states). */
const stateId: Schema = count;

/**
 * A learned Mealy machine (learn/machinefile.ts). What a schema cannot say, the reader (fromDoc)
 * checks: state ids are 0..n-1 in order, every `from`/`to` is a state, every `input` is in
 * `inputs`, and there is exactly one transition per (state, input).
 */
export const MACHINE_SCHEMA: Schema = {
  ...schemaHeader('machine', 'tcpcraft learned machine', MACHINE_FORMAT_VERSION),
  ...obj(
    {
      format: { const: 'tcpcraft-machine' },
      version: { const: MACHINE_FORMAT_VERSION },
      tool,
      target: str,
      role: { enum: ['server', 'client'] },
      alphabet: { ...str, description: 'the name of the input alphabet' },
      inputs: { type: 'array', items: str, minItems: 1, uniqueItems: true },
      states: {
        type: 'array',
        minItems: 1,
        description: 'listed in order, ids 0..n-1; state 0 is the initial one',
        items: obj({ id: stateId, name: str, rfc: { ...str, description: 'the RFC 9293 state it was matched to' } }, ['rfc']),
      },
      transitions: {
        type: 'array',
        description: 'one per (state, input)',
        items: obj({ from: stateId, input: str, output: { ...str, description: "the segments that came, joined with '+'; '-' for none" }, to: stateId }),
      },
      learning: obj(
        {
          queries: count,
          symbols: count,
          equivalenceQueries: count,
          seconds: { type: 'number', minimum: 0 },
          waitMs: { type: 'number', minimum: 0 },
          nondeterministic: {
            type: 'array',
            description: 'words whose outputs differed when asked again, with each output word seen',
            items: obj({ word: { type: 'array', items: str }, outputs: { type: 'array', items: { type: 'array', items: str } } }),
          },
          stopped: { ...str, description: 'why learning stopped before a hypothesis passed its tests (the machine is the last hypothesis)' },
          settings: {
            type: 'array',
            description: "the target's settings changed for the run (net.ipv4 sysctls) and put back after it, or why one could not be",
            items: obj({ name: str, value: count, was: count, refused: str }, ['was', 'refused']),
          },
        },
        ['waitMs', 'nondeterministic', 'stopped', 'settings'],
      ),
    },
    ['learning'],
  ),
};

/** The files `make schemas` writes, by name. */
export const SCHEMA_FILES: Readonly<Record<string, Schema>> = {
  'run.schema.json': RUN_SCHEMA,
  'suite.schema.json': SUITE_SCHEMA,
  'matrix.schema.json': MATRIX_SCHEMA,
  'coverage.schema.json': COVERAGE_SCHEMA,
  'machine.schema.json': MACHINE_SCHEMA,
};

/** A schema file's text. */
export const schemaText = (s: Schema): string => `${JSON.stringify(s, null, 2)}\n`;
