/**
 * What optional TCP features a target offers, learnt from the wire before the scenarios that
 * require them run (a scenario's `requires`): two probe scenarios against the target's discard
 * service, run by the suite like any other.
 *
 * - `options`: a SYN offering MSS, SACK-permitted, timestamps and window scaling; the SYN/ACK says
 *   which of `sack`, `timestamps` and `wscale` the target agrees to (RFC 2018 §2, RFC 7323 §2.2, §3.2).
 * - `ecn`: an ECN-setup SYN (ECE and CWR, RFC 3168 §6.1.1); a SYN/ACK with ECE and without CWR
 *   means the target agrees to ECN on the connection.
 * Only what two stacks negotiate, or an application the target lacks, makes a scenario N/A: an
 * optional behaviour (RFC 5961's defences, RFC 9293 MAY-12) is checked and reported at the
 * scenario's level instead.
 * - `tfo`: a SYN asking the lab's fast-open echo (port 2014) for a TCP Fast Open cookie (RFC 7413
 *   §4.1.1); a SYN/ACK with a cookie of 4 to 16 bytes means the target offers TFO to servers.
 * - `source-route` (IPv4 peers): a SYN whose loose source route (completed, via the lab's spare
 *   client address) says it came by way of another hop. Any SYN/ACK, by that route or not, means
 *   the target takes such packets; silence means it drops them (a setting, not a TCP matter).
 */
import { expect, fastOpen, mss, nop, sackOk, scenario, send, timestamp, wscale } from '../scenario/dsl.js';
import { validateScenario } from '../scenario/validate.js';
import type { ValidScenario } from '../scenario/model.js';
import type { AppFeature, Feature, SendFields } from '../scenario/types.js';
import type { Packet } from '../wire/packet.js';
import { either } from '../scenario/dsl.js';
import { Flag } from '../wire/tcp.js';
import { familyOf } from '../wire/family.js';
import type { RunReport } from '../engine/report.js';

/** The lab's echo with TCP Fast Open on its listener (lab/apps.c). */
export const TFO_PORT = 2014;

/** The lab's discard port, which every target serves. */
export const PROBE_PORT = 9;

/** Where each lab application listens (lab/services.mjs; lab/lwip/lwip-lab.c). */
export const APP_PORTS: Readonly<Record<AppFeature, number>> = { 'app-unread': 2003, 'app-nodelay': 2007, 'app-keepalive': 2009, 'app-dialer': 2010, 'app-stall': 2011, 'app-trickle': 2012, 'app-pieces': 2013 };

/**
 * The probe's IPv4 option: a loose source route (131) of one address, the lab's spare client
 * address 10.77.0.201, with the pointer past it (the route is complete: "I came via .201"), then an
 * end-of-options byte. A target that reverses it answers by way of 10.77.0.201.
 */
export const SOURCE_ROUTE_PROBE = Uint8Array.of(131, 7, 8, 10, 77, 0, 201, 0);

/** A probe: the scenario, and what its report says about the features. */
export interface Probe {
  readonly name: string;
  readonly scenario: ValidScenario;
  readonly learn: (report: RunReport) => ReadonlyMap<Feature, boolean>;
}

/** A probe that sends one SYN (with `fields`), takes a SYN/ACK or a RST/ACK, and resets what it opened. */
function synProbe(name: string, peer: { host: string; port: number }, fields: SendFields = {}): ValidScenario {
  return validateScenario(
    scenario({ name: `probe-${name} ${peer.host}`, peer, steps: [send('S', fields), either(expect('SA', { timeout: 2000 }), expect('RA', { timeout: 2000 })), send('R', { seq: 1 })] }),
    `(feature probe: ${name})`,
  );
}

/** The packet that answered a probe's SYN (its step 2), if one came. */
function answerOf(report: RunReport): Packet | undefined {
  return report.events.find((e) => e.kind === 'received' && e.stepIndex === 1)?.view.packet;
}

/** The probes for `host`. */
export function probesFor(host: string): Probe[] {
  const peer = { host, port: PROBE_PORT };
  const options = validateScenario(
    scenario({
      name: `probe-options ${host}`,
      peer,
      steps: [send('S', { options: [mss(1460), sackOk(), timestamp(1, 0), nop(), wscale(7)] }), expect('SA', { timeout: 2000 })],
    }),
    '(feature probe: options)',
  );
  const tfo = synProbe('tfo', { host, port: TFO_PORT }, { options: [mss(1460), fastOpen()] });
  // An ECN-setup SYN: the SYN/ACK may carry ECE (agreed) or not, or ECE and CWR (not a valid answer).
  const ecn = validateScenario(
    scenario({
      name: `probe-ecn ${host}`,
      peer,
      steps: [send('SEW'), either(expect('SAE', { timeout: 2000 }), expect('SA', { timeout: 2000 }), expect('SAEW', { timeout: 2000 }), expect('RA', { timeout: 2000 })), send('R', { seq: 1 })],
    }),
    '(feature probe: ecn)',
  );
  const routed = synProbe('source-route', peer, { ip: { options: SOURCE_ROUTE_PROBE } });
  const keepAliveProbe = validateScenario(
    scenario({
      name: `probe-app-keepalive ${host}`,
      peer: { host, port: APP_PORTS['app-keepalive'] },
      steps: [send('S'), either(expect('SA', { timeout: 2000 }), expect('RA', { timeout: 2000 })), send('A'), expect('A', { timeout: 2500 }), send('R', { seq: 1 })],
    }),
    '(feature probe: app-keepalive)',
  );
  // An application is there when its port answers a SYN with a SYN/ACK (a RST: nothing listens).
  const apps = (Object.entries(APP_PORTS) as Array<[AppFeature, number]>).filter(([f]) => f !== 'app-keepalive').map(([feature, port]): Probe => ({
    name: feature,
    scenario: synProbe(feature, { host, port }),
    learn(report) {
      const answer = answerOf(report);
      return new Map<Feature, boolean>(answer ? [[feature, (answer.tcp.flags & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK)]] : []);
    },
  }));
  return [
    ...apps,
    {
      // The keep-alive application asks its TCP for keep-alives after 1 s idle: it is there when
      // a probe then comes (keep-alives are optional, MAY-5; and a NAT such as libslirp does not
      // carry its host-side application's setting to the connection we see).
      name: 'app-keepalive',
      scenario: keepAliveProbe,
      learn(report) {
        const answer = answerOf(report);
        if (!answer) return new Map<Feature, boolean>();
        const opened = (answer.tcp.flags & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK);
        const probed = report.events.some((e) => e.kind === 'received' && e.stepIndex === 3);
        return new Map<Feature, boolean>([['app-keepalive', opened && probed]]);
      },
    },
    {
      name: 'ecn',
      scenario: ecn,
      learn(report) {
        const answer = answerOf(report);
        if (!answer) return new Map<Feature, boolean>();
        const f = answer.tcp.flags;
        return new Map<Feature, boolean>([['ecn', (f & (Flag.SYN | Flag.ACK)) === (Flag.SYN | Flag.ACK) && (f & Flag.ECE) !== 0 && (f & Flag.CWR) === 0]]);
      },
    },
    {
      name: 'tfo',
      scenario: tfo,
      learn(report) {
        const answer = answerOf(report);
        if (!answer) return new Map<Feature, boolean>();
        const cookie = answer.tcp.options.find((o) => o.kind === 'fastOpen');
        return new Map<Feature, boolean>([['tfo', cookie !== undefined && cookie.cookie.length >= 4 && cookie.cookie.length <= 16]]);
      },
    },
    ...(familyOf(host) === 6
      ? []
      : [
          {
            name: 'source-route',
            scenario: routed,
            learn: (report: RunReport) => new Map<Feature, boolean>([['source-route', answerOf(report) !== undefined]]),
          },
        ]),
    {
      name: 'options',
      scenario: options,
      learn(report) {
        const synAck = answerOf(report);
        const kinds = new Set((synAck?.tcp.options ?? []).map((o) => o.kind));
        const seen = synAck !== undefined;
        // An IPv6 peer that never answers (a stack without IPv6, or no address): IPv6 scenarios are N/A there.
        const six: Array<[Feature, boolean]> = familyOf(host) === 6 ? [['ipv6', seen]] : [];
        return new Map<Feature, boolean>(seen ? [['sack', kinds.has('sackOk')], ['timestamps', kinds.has('timestamp')], ['wscale', kinds.has('wscale')], ...six] : six);
      },
    },
  ];
}

/** The features of `requires` that the probes found absent (unknown ones are not held against the target). */
export function absentFeatures(requires: readonly Feature[] | undefined, known: ReadonlyMap<Feature, boolean>): Feature[] {
  return (requires ?? []).filter((f) => known.get(f) === false);
}

/** Why a scenario is not applicable: `requires sack: 10.77.0.2 does not offer it (...)`. */
export function absentReason(absent: readonly Feature[], host: string): string {
  const family = absent.find((f) => f === 'ipv4' || f === 'ipv6');
  if (family === 'ipv6' && familyOf(host) === 6) return `requires IPv6: ${host} did not answer the feature probe's SYN (no IPv6 there)`;
  if (family) return `requires ${family === 'ipv4' ? 'IPv4' : 'IPv6'}: the peer ${host} is an IPv${family === 'ipv4' ? '6' : '4'} address`;
  return `requires ${absent.join(', ')}: ${host} does not offer ${absent.length === 1 ? 'it' : 'them'} (learnt from the feature probes)`;
}

/** What a peer's address says by itself: which IP version it speaks. */
export function familyFeatures(host: string): ReadonlyMap<Feature, boolean> {
  const six = familyOf(host) === 6;
  return new Map<Feature, boolean>([
    ['ipv4', !six],
    ['ipv6', six],
  ]);
}

/** True for the features learnt by probing the peer (not the IP version). */
export const probed = (f: Feature): boolean => f !== 'ipv4' && f !== 'app-puppet';
