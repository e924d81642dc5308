/** `make schemas`: writes schemas/*.json from src/report/schemas.ts. */
import { writeFileSync } from 'node:fs';
import { SCHEMA_FILES, schemaText } from '../src/report/schemas.js';

for (const [name, schema] of Object.entries(SCHEMA_FILES)) {
  writeFileSync(new URL(`../schemas/${name}`, import.meta.url), schemaText(schema));
  process.stdout.write(`wrote schemas/${name}\n`);
}
