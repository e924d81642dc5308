/** Validating JSON reports against the shipped schemas (schemas/*.schema.json) with ajv. */
import { expect as chaiExpect } from 'chai';
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/** A validator for schemas/NAME, compiled by ajv in strict mode with formats checked. */
export function validatorFor(name: 'run' | 'suite' | 'matrix' | 'machine'): ValidateFunction {
  const ajv = new Ajv({ strict: true, allErrors: true });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(new URL(`../../schemas/${name}.schema.json`, import.meta.url), 'utf8')) as object);
}

/** Asserts `doc` meets `v`, listing ajv's errors when it does not. */
export function assertValid(v: ValidateFunction, doc: unknown): void {
  const ok = v(doc);
  chaiExpect(ok, JSON.stringify(v.errors, null, 2)).to.equal(true);
}

