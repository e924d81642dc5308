/**
 * The kernel release a lab target's TCP runs, where it is known without starting anything: the
 * `linux` target is this machine's own kernel; `linux-uml` is Debian's user-mode Linux 6.1.
 * Others (gVisor, lwIP, libslirp) have no kernel release.
 */
import { release } from 'node:os';

export function releaseOf(target: string): string | undefined {
  if (target === 'linux') return release();
  if (target === 'linux-uml') return '6.1';
  return undefined;
}
