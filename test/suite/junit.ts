/** Checks the suite's JUnit reports with two independent readers: xmllint against test/suite/junit.xsd, and Python's xml.etree. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../support/live.js';

const XSD = `${ROOT}test/suite/junit.xsd`;

/** Checks a JUnit file with xmllint and the schema, and with Python's xml.etree (counts agree with the testcases). */
export function checkJunit(file: string): { tests: number; failures: number; errors: number; skipped: number; names: string[] } {
  const v = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
  expect(v.status, `xmllint: ${v.stderr}`).to.equal(0);
  const py = `
import json, sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == 'testsuite' else root.findall('testsuite')
cases = [c for s in suites for c in s.findall('testcase')]
out = {k: sum(int(s.get(k, 0)) for s in suites) for k in ('tests', 'failures', 'errors', 'skipped')}
assert out['tests'] == len(cases), out
assert out['failures'] == sum(1 for c in cases if c.find('failure') is not None), out
assert out['errors'] == sum(1 for c in cases if c.find('error') is not None), out
assert out['skipped'] == sum(1 for c in cases if c.find('skipped') is not None), out
out['names'] = [c.get('name') for c in cases]
print(json.dumps(out))
`;
  const p = spawnSync('python3', ['-c', py, file], { encoding: 'utf8' });
  expect(p.status, `xml.etree: ${p.stderr}`).to.equal(0);
  return JSON.parse(p.stdout) as { tests: number; failures: number; errors: number; skipped: number; names: string[] };
}
