/** tcpcraft's name and version, read once from its own package.json (one place to bump). */
import { readFileSync } from 'node:fs';

/** The version in package.json (src/ and dist/ both sit one level below it). */
export const VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** The tool as JSON reports name it. */
export const TOOL: { readonly name: 'tcpcraft'; readonly version: string } = { name: 'tcpcraft', version: VERSION };
