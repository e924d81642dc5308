/** Test helper: a bare `tcpcraft` program with only the lab commands, run as a child process; failures mapped as the CLI maps them. */
import { Command } from 'commander';
import { registerLabCommands } from '../../../src/cli/lab.js';
import { reportFailure } from '../../../src/cli/failure.js';

const program = new Command('tcpcraft');
registerLabCommands(program);
try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFailure(err);
}
