/**
 * `tcpcraft lab serve --addr IP`: the lab's services (nc on 5000, daytime on 13, echo 7, discard
 * 9, chargen 19 and the cooperating applications) on an address of this machine, in the
 * foreground, for a classroom: one teacher's host on a real LAN, the students' machines checking
 * their exercises against it. Stops, and stops its servers (by PID), on Ctrl-C, SIGTERM or SIGHUP,
 * or after --lifetime seconds.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { EnvError } from '../errors.js';
import { interfaceWithAddress } from '../io/route.js';
import { ipOption, intOption } from './options.js';
import { labServices } from '../lab/catalogue.js';
import { runCommandBody } from './output.js';

const LAB_DIR = fileURLToPath(new URL('../../lab/', import.meta.url));

interface ServeOptions {
  addr: string;
  lifetime: number;
}

async function serveCommand(o: ServeOptions): Promise<number> {
  const iface = await interfaceWithAddress(o.addr);
  const services = labServices(process.execPath, LAB_DIR, o.addr, o.lifetime);
  const argvs: Array<[string, readonly string[]]> = [
    ['nc', services.nc],
    ['daytime', services.daytime],
    ['services', services.services],
  ];
  const children: ChildProcess[] = [];
  const stopAll = (): void => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  };
  try {
    for (const [name, argv] of argvs) {
      const c = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', name === 'nc' ? 'ignore' : 'inherit', 'inherit'] });
      c.on('error', (err) => process.stderr.write(`tcpcraft: ${name}: ${err.message}\n`));
      children.push(c);
    }
  } catch (err) {
    stopAll();
    throw err;
  }
  process.stdout.write(
    `serving on ${o.addr} (${iface}): nc 5000, daytime 13, echo 7, discard 9, chargen 19, 2003/2007/2009/2010; for ${o.lifetime} s or until Ctrl-C.\n` +
      `students, on the same LAN: tcpcraft exercise check FILE --dst ${o.addr}\n`,
  );
  const code = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(0), o.lifetime * 1000);
    const stop = (code: number) => (): void => {
      clearTimeout(timer);
      resolve(code);
    };
    process.once('SIGINT', stop(130));
    process.once('SIGTERM', stop(143));
    process.once('SIGHUP', stop(129));
    for (const c of children) c.once('exit', () => {
      clearTimeout(timer);
      resolve(2);
    });
  });
  stopAll();
  await Promise.all(children.map((c) => (c.exitCode !== null || c.signalCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
  if (code === 2) throw new EnvError(`a service stopped on its own (is ${o.addr} already served, or a port taken?): see the lines above.`);
  return code;
}

/** Adds `lab serve` to the `lab` command. */
export function registerServeCommand(lab: Command): void {
  lab
    .command('serve')
    .description("the lab's services on an address of this machine, in the foreground: a classroom's server on a real LAN (root not needed for ports above 1023; 7, 9, 13 and 19 need it)")
    .requiredOption('--addr <ip>', 'the address to serve on (one this machine holds)', ipOption)
    .option('--lifetime <s>', 'stop after this many seconds', intOption('--lifetime', 1, 86400), 4 * 3600)
    .addHelpText('after', `
Only serve on a network you run yourself (a classroom LAN or a lab bridge): the students' runs send
crafted segments to this address. See the README's section for teachers.

Example (the teacher's machine holds 192.168.50.1 on the classroom LAN):
  sudo tcpcraft lab serve --addr 192.168.50.1
and on each student's machine:
  sudo tcpcraft exercise check 01-handshake.ts --dst 192.168.50.1`)
    .action((o: ServeOptions) => runCommandBody(() => serveCommand(o)));
}
