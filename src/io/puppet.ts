/**
 * The client end of a lab's puppet application: a connection to the lab's relay
 * (lab/puppet-relay.mjs, listening on a Unix socket in the lab's state directory), which passes
 * each request to the puppet on the target and each reply back. One connection is one session of
 * the protocol (src/lab/puppet.ts): when it closes, the puppet closes every socket it opened.
 */
import { connect, type Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MAX_LINE, parseReply, PUPPET_CALLS, PUPPET_SOCKET, SYSCTL_NAMES, type PuppetReply, type SysctlName } from '../lab/puppet.js';
import { LAB_NAME, LAB_STATE_ROOT } from '../lab/catalogue.js';
import type { AppChannel } from '../engine/app.js';
import { EnvError, UsageError } from '../errors.js';

/** One argument of a call: printable ASCII without spaces. */
const ARG = /^[!-~]{1,140000}$/;

/** The relay's socket of lab `lab`. */
export function puppetSocketPath(lab: string): string {
  if (!LAB_NAME.test(lab)) throw new UsageError(`'${lab}' is not a lab name`);
  return join(LAB_STATE_ROOT, lab, PUPPET_SOCKET);
}

/** True when lab `lab` has a puppet relay to talk to. */
export function hasPuppet(lab: string): boolean {
  return LAB_NAME.test(lab) && existsSync(puppetSocketPath(lab));
}

/** A call, checked: a known call with arguments the protocol can carry (the helper checks again). */
export function checkCall(call: unknown, args: unknown): { call: string; args: string[] } {
  if (typeof call !== 'string' || !(PUPPET_CALLS as readonly string[]).includes(call)) throw new UsageError(`'${String(call)}' is not a puppet call`);
  if (!Array.isArray(args) || args.length > 4) throw new UsageError('puppet: the arguments are not a short list');
  const text = args.map((a) => (typeof a === 'number' && Number.isInteger(a) ? String(a) : a));
  if (!text.every((a): a is string => typeof a === 'string' && ARG.test(a))) throw new UsageError('puppet: an argument is not a word of printable ASCII');
  return { call, args: text };
}

/** An open session with a lab's puppet. */
export interface PuppetSession extends AppChannel {
  /** The stack's name the puppet gave. */
  readonly stack: string;
  /**
   * Sets net.ipv4.`name` of the target's stack; resolves with the reply (RET: the value before,
   * or -1 and the errno: a puppet or stack without the setting says so).
   */
  sysctl(name: SysctlName, value: number): Promise<PuppetReply>;
  /** Ends the session (the puppet closes its sockets). */
  close(): void;
}

/** Opens a session with the puppet of lab `lab`; an EnvError when the lab has none. */
export async function openPuppet(lab: string, o: { readonly timeoutMs?: number } = {}): Promise<PuppetSession> {
  const path = puppetSocketPath(lab);
  if (!existsSync(path)) throw new EnvError(`lab '${lab}' has no application to drive (${path} is missing): bring it up with 'tcpcraft lab up --name ${lab}', or run the scenario against a lab target.`);
  const sock: Socket = connect(path);
  let buffered = '';
  let nextId = 1;
  let gone: string | undefined;
  const pending = new Map<number, { resolve(r: PuppetReply): void; reject(e: Error): void }>();
  const fail = (why: string): void => {
    gone ??= why;
    for (const p of pending.values()) p.reject(new EnvError(`the target's application: ${gone}`));
    pending.clear();
  };
  const stack = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new EnvError(`the puppet of lab '${lab}' did not answer within ${o.timeoutMs ?? 3000} ms`));
    }, o.timeoutMs ?? 3000);
    sock.setEncoding('latin1');
    sock.on('error', (err) => {
      clearTimeout(timer);
      fail(err.message);
      reject(new EnvError(`cannot reach the puppet of lab '${lab}': ${err.message}`));
    });
    sock.on('close', () => fail('the relay closed the session'));
    let ready = false;
    sock.on('data', (chunk: string) => {
      buffered += chunk;
      if (buffered.length > MAX_LINE * 4) {
        sock.destroy();
        fail('a reply line is too long');
        return;
      }
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (!ready) {
          const m = /^ready (\d+) ([A-Za-z0-9_.-]{1,40})$/.exec(line);
          if (!m) continue;
          ready = true;
          clearTimeout(timer);
          resolve(m[2]!);
          continue;
        }
        const r = parseReply(line);
        if (!r) continue;
        const p = pending.get(r.id);
        if (!p) continue;
        pending.delete(r.id);
        p.resolve(r);
      }
    });
  });
  const request = (text: string): Promise<PuppetReply> => {
    if (gone) return Promise.reject(new EnvError(`the target's application: ${gone}`));
    const id = nextId++;
    return new Promise<PuppetReply>((resolve, reject) => {
      pending.set(id, { resolve, reject });
      sock.write(`${id} ${text}\n`);
    });
  };
  return {
    stack,
    call(call, args) {
      const c = checkCall(call, [...args]);
      return request(`${c.call}${c.args.map((a) => ` ${a}`).join('')}`);
    },
    sysctl(name, value) {
      if (!(SYSCTL_NAMES as readonly string[]).includes(name)) throw new UsageError(`'${String(name)}' is not a setting the puppet may change`);
      if (!Number.isInteger(value) || value < 0 || value > 2 ** 31 - 1) throw new UsageError(`sysctl ${name}: ${value} is not a value from 0 to 2^31-1`);
      return request(`sysctl ${name} ${value}`);
    },
    close() {
      fail('the session is closed');
      sock.end();
      sock.unref();
    },
  };
}
