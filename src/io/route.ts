/** Route and interface look-ups through iproute2 (`ip -j`). */
import { EnvError } from './errors.js';
import { run } from './exec.js';

/** Outgoing interface and source address the kernel would use to reach `dst`. */
export interface RouteInfo {
  readonly iface: string;
  readonly src: string;
}

/**
 * Ask the kernel (`ip -j route get DST`) which interface and source address reach `dst`.
 * Rejects with an {@link EnvError} "no route to DST" when there is none.
 */
export async function routeTo(dst: string): Promise<RouteInfo> {
  const r = await run('ip', ['-j', 'route', 'get', dst], { pkg: 'iproute2' });
  if (r.code !== 0) {
    const why = r.stderr.trim();
    throw new EnvError(`no route to ${dst}${why ? ` (${why})` : ''}: add an address or route that reaches it, or run inside the lab with 'tcpcraft lab exec client -- ...'.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(r.stdout);
  } catch {
    throw new Error(`could not parse the output of 'ip -j route get ${dst}': ${r.stdout.slice(0, 200)}`);
  }
  const first = Array.isArray(parsed) ? (parsed[0] as { dev?: unknown; prefsrc?: unknown } | undefined) : undefined;
  if (!first || typeof first.dev !== 'string') {
    throw new EnvError(`no route to ${dst}: add an address or route that reaches it.`);
  }
  if (typeof first.prefsrc !== 'string') {
    throw new EnvError(`the route to ${dst} via ${first.dev} has no source address: give ${first.dev} an IPv4 address.`);
  }
  return { iface: first.dev, src: first.prefsrc };
}

/** True when a network interface called `name` exists in the current network namespace. */
export async function interfaceExists(name: string): Promise<boolean> {
  const r = await run('ip', ['-j', 'link', 'show', 'dev', name], { pkg: 'iproute2' });
  return r.code === 0;
}
