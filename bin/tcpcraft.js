#!/usr/bin/env node
// Entry point installed as `tcpcraft`: runs the compiled CLI.
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(`tcpcraft: ${err && err.message ? err.message : err}`);
  process.exit(2);
});
