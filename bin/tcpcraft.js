#!/usr/bin/env node
// Entry point installed as `tcpcraft`: checks the Node version, then runs the compiled CLI.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 6)) {
  // The scenario loader needs module.register(), which Node has from 20.6 on.
  console.error(`tcpcraft: needs Node.js 20.6 or later (this is ${process.versions.node}).`);
  process.exit(2);
}
import('../dist/cli/main.js').then((m) => m.main(process.argv)).catch((err) => {
  console.error(`tcpcraft: ${err && err.message ? err.message : err}`);
  process.exit(2);
});
