/** Test helper: a bare `tcpcraft` program with only the lab commands, run as a child process. */
import { Command } from 'commander';
import { registerLabCommands } from '../../../src/cli/lab.js';

const program = new Command('tcpcraft');
registerLabCommands(program);
await program.parseAsync(process.argv);
