/**
 * Where a suite's runs go. The runner (src/suite/runner.ts) admits, plans and schedules; a
 * backend says what a plan runs on:
 *
 * - **live**: the network, through the devices of src/io/device.ts (raw socket, libpcap, guards),
 *   routes looked up in the kernel, the lab's puppet relay for app() steps, `nc` in the lab's
 *   server namespace as the client of server-role scenarios.
 * - **reference**: the RFC reference stack (src/reference/) in memory, one fresh stack per run on
 *   a virtual clock: no root, no namespace, no waiting. Its puppet drives app() steps; in the
 *   server role its own application is the client (see {@link referenceClientScript}).
 */
import type { Device } from '../engine/device.js';
import type { RunReport } from '../engine/report.js';
import { Cleanups } from '../io/cleanup.js';
import { Devices, privilegedOps, type CaptureSpec } from '../io/device.js';
import { unresolvedNeighbour } from '../io/neigh.js';
import { hasPuppet } from '../io/puppet.js';
import { recordedTarget } from '../io/lab.js';
import { checkLabPeer, resolveRoute } from '../io/route.js';
import { TARGETS } from '../io/targets.js';
import { referenceDevice, type ReferenceSettings } from '../reference/index.js';
import type { Tcb } from '../reference/index.js';
import type { ValidScenario } from '../scenario/model.js';
import type { Scenario } from '../scenario/types.js';
import { concatBytes } from '../wire/pcap.js';
import { modelRoute, routeQuery, type Route, type SessionOverrides, type SessionPlan } from '../session/plan.js';

/** A device a run holds until it ends. */
export type AttachedDevice = Device & { close(): Promise<void> };

/** What a run of a suite is carried out on. */
export interface RunBackend {
  /** 'live' or 'reference' (in memory). */
  readonly kind: 'live' | 'reference';
  /** Where `sc` runs from (interface and our address). */
  route(sc: ValidScenario, overrides: SessionOverrides): Promise<Route>;
  /** Throws when a peer address must not be sent to (lab traffic stays in a lab). */
  checkPeer(host: string): Promise<void>;
  /** Why app() scenarios cannot run (undefined: they can). */
  appMissing(lab: string | undefined): string | undefined;
  /** Why the target's application cannot open a connection to us (undefined: it can). */
  noConnect(lab: string | undefined): string | undefined;
  /** Opens what the suite shares (raw socket, captures); returns how each run gets its device. */
  open(captures: readonly CaptureSpec[], cleanups: Cleanups): Promise<(plan: SessionPlan, lab: string | undefined) => Promise<AttachedDevice>>;
  /**
   * Starts the client of a server-role scenario once its run is under way (`netns`: the lab's
   * server namespace, for the live backend). Registers its stopping in `undo` / `cleanups`.
   */
  startClient(plan: SessionPlan, device: AttachedDevice, name: string, netns: string | undefined, undo: Array<() => void | Promise<void>>, unregister: Array<() => void>, cleanups: Cleanups): Promise<void>;
  /** A word on a run that heard nothing (live: an unresolved neighbour). */
  explain(report: RunReport, plan: SessionPlan): Promise<RunReport>;
}

/** The network, through the devices of src/io/device.ts. */
export const liveBackend: RunBackend = {
  kind: 'live',
  route: (sc, overrides) => resolveRoute(routeQuery(sc, overrides)),
  checkPeer: (host) => checkLabPeer(host),
  appMissing: (lab) =>
    lab === undefined
      ? 'requires app-puppet: no lab is named whose application app() steps could drive'
      : hasPuppet(lab)
        ? undefined
        : `requires app-puppet: lab '${lab}' has no application to drive (is it up? 'tcpcraft lab up --name ${lab}')`,
  noConnect: (lab) => (lab !== undefined ? TARGETS[recordedTarget(lab) ?? 'linux'].noConnect : undefined),
  async open(captures, cleanups) {
    const devices = await Devices.open(captures, cleanups);
    return (plan, lab) => devices.attach(plan, lab !== undefined ? { lab } : {});
  },
  async startClient(plan, _device, name, netns, undo, unregister, cleanups) {
    if (netns === undefined) return;
    // `nc -n -N -w 3 OUR_ADDR OUR_PORT < /dev/null`: connect, then close its sending side. Waited
    // for (up to a second) and then killed when the run ends, and killed at once on a signal.
    const c = await privilegedOps().startClient(netns, plan.flow.localIp, plan.flow.localPort);
    undo.push(() => c.stop());
    unregister.push(cleanups.add(`stop the client of ${name}`, () => c.kill()));
  },
  async explain(report, plan) {
    // A run that heard nothing at all through the raw socket: when the kernel could not resolve
    // the peer's (or gateway's) address, the timeout says so (the link-layer path already fails
    // with that sentence before sending).
    const f = report.failure;
    if (f?.kind !== 'timeout' || plan.server || plan.cleanupPath === 'link' || report.events.some((e) => e.view.dir === 'in')) return report;
    const note = await unresolvedNeighbour(plan.flow.peerIp ?? '', plan.iface);
    return note ? { ...report, failure: { ...f, note } } : report;
  },
};

/** What the reference's application does as the client of a server-role scenario. */
export interface ReferenceClientScript {
  /** The bytes it writes once connected. */
  readonly data: Uint8Array;
  /** True: it closes its sending side after writing (`printf DATA | nc -N`); false: once the server has closed (`nc -d`). */
  readonly closeFirst: boolean;
}

/**
 * The client a server-role scenario documents: it writes the literal payloads the scenario
 * expects from it on the main connection, in order, and closes first when the scenario expects
 * its FIN before sending one of ours; otherwise it closes once the server has. The seeds' clients
 * (`printf LINE | nc -N`, `nc -d`) replay exactly. Payloads given by matchers only (a length, a
 * pattern) are not guessed: nothing is written for them.
 */
export function referenceClientScript(sc: Scenario): ReferenceClientScript {
  const parts: Uint8Array[] = [];
  let closeFirst = false;
  for (const s of sc.steps) {
    const main = (conn: string | undefined): boolean => conn === undefined || conn === 'main';
    if (s.kind === 'send' && s.flags.includes('F') && main(s.fields?.conn)) break;
    if (s.kind !== 'expect' || !main(s.fields.conn)) continue;
    const p = s.fields.payload;
    if (typeof p === 'string') parts.push(new TextEncoder().encode(p));
    else if (p instanceof Uint8Array) parts.push(p);
    if (s.flags.includes('F')) {
      closeFirst = true;
      break;
    }
  }
  return { data: concatBytes(parts), closeFirst };
}

/** The RFC reference stack in memory, with `settings` changed from the RFCs' defaults. */
export function referenceBackend(settings: Partial<ReferenceSettings> = {}): RunBackend {
  return {
    kind: 'reference',
    route: async (sc, overrides) => modelRoute(sc, overrides),
    checkPeer: async () => undefined,
    appMissing: () => undefined,
    noConnect: () => undefined,
    async open() {
      return async (plan) => referenceDevice(plan.flows, { settings });
    },
    async startClient(plan, device, _name, _netns, undo) {
      // The device this backend attached: a reference device, with its stack.
      const ref = 'reference' in device ? (device as ReturnType<typeof referenceDevice>).reference : undefined;
      if (!ref) return;
      const { data, closeFirst } = referenceClientScript(plan.scenario);
      const tcb: Tcb = ref.stack.connect(plan.flow.localIp, plan.flow.localPort);
      let written = false;
      let closed = false;
      tcb.onChange = () => {
        if (!written && tcb.synchronized) {
          written = true;
          if (data.length > 0) tcb.write(data);
        }
        // Reads whatever the server sends; closes first, or at the server's FIN.
        if (tcb.rbuf.length > 0) tcb.read(tcb.rbuf.length);
        if (written && !closed && (closeFirst || tcb.finReceived)) {
          closed = true;
          tcb.close();
        }
      };
      undo.push(() => {
        if (tcb.state !== 'CLOSED' && tcb.state !== 'TIME-WAIT') tcb.abort();
      });
    },
    explain: async (report) => report,
  };
}

/** The name of the RFC reference stack as a target (`--target reference`). */
export const REFERENCE_TARGET = 'reference';

/**
 * The backend for `--target NAME`: the reference stack in memory for `reference` (with
 * `settings` changed), unless `lab` names a lab that is up with the reference target (then its
 * stack on the lab's tap is tested live, like any other target); the live network otherwise.
 */
export function backendFor(target: string | undefined, settings: Partial<ReferenceSettings> = {}, lab?: string): RunBackend {
  if (target !== REFERENCE_TARGET || (lab !== undefined && recordedTarget(lab) === REFERENCE_TARGET)) return liveBackend;
  return referenceBackend(settings);
}
