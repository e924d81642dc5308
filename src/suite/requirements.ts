/**
 * RFC 9293 Appendix B, the TCP requirements summary, row by row (the IDs are the RFC's; the
 * short descriptions are ours), and for each row why no scenario can check it, when none can.
 * The table of src/report/coverage.ts is made from these, the scenarios' `rfc:` fields and the
 * kill matrix (`tcpcraft suite --requirements FILE`), so it cannot drift from what the suite
 * runs; a row with neither a scenario nor a reason is an error.
 */

/** One row of RFC 9293 Appendix B. */
export interface Requirement {
  /** `MUST-7`, `SHLD-12`, `MAY-3`, `REC-1`. */
  readonly id: string;
  /** The Appendix B group it is listed under. */
  readonly group: string;
  /** What it asks, in a few words. */
  readonly what: string;
}

const G = {
  push: 'PUSH flag',
  window: 'Window',
  urgent: 'Urgent data',
  options: 'TCP options',
  checksum: 'Checksums',
  isn: 'ISN selection',
  open: 'Opening connections',
  close: 'Closing connections',
  retx: 'Retransmissions',
  acks: 'Generating ACKs',
  sending: 'Sending data',
  failures: 'Connection failures',
  keepalive: 'Keep-alives',
  ipopts: 'IP options',
  icmp: 'ICMP',
  addr: 'Address validation',
  api: 'TCP/application interface',
  rfc5961: 'RFC 5961',
  ecn: 'ECN',
  cc: 'Congestion control',
} as const;

const row = (id: string, group: string, what: string): Requirement => ({ id, group, what });

/** Every ID of RFC 9293 Appendix B, once each, in the appendix's order of first appearance. */
export const APPENDIX_B: readonly Requirement[] = [
  row('MAY-16', G.push, 'may aggregate or queue data the application did not push'),
  row('SHLD-27', G.push, 'sender collapses successive PSH bits'),
  row('MAY-15', G.push, 'the SEND call may carry a PUSH flag'),
  row('MUST-60', G.push, 'without a PUSH call, data is never buffered indefinitely'),
  row('MUST-61', G.push, 'without a PUSH call, PSH is set on the last buffered segment'),
  row('MAY-17', G.push, 'may tell the receiving application about PSH'),
  row('SHLD-28', G.push, 'send maximum-sized segments when possible'),
  row('MUST-1', G.window, 'the window is an unsigned number'),
  row('REC-1', G.window, 'the window is handled as a 32-bit number'),
  row('SHLD-14', G.window, 'a receiver does not shrink its window (move the right edge left)'),
  row('SHLD-15', G.window, 'a sender does not send new data beyond a shrunk window'),
  row('SHLD-16', G.window, 'a sender retransmits old unacknowledged data within a shrunk window'),
  row('SHLD-17', G.window, 'a sender does not time out a connection for data past the right edge'),
  row('MUST-34', G.window, 'robust against a shrinking window'),
  row('MAY-8', G.window, "the receiver's window may stay closed indefinitely"),
  row('MUST-35', G.window, 'zero windows are probed with the standard logic'),
  row('MUST-36', G.window, 'a sender probes a zero window'),
  row('SHLD-29', G.window, 'the first zero-window probe comes after one RTO'),
  row('SHLD-30', G.window, 'zero-window probes back off exponentially'),
  row('MUST-37', G.window, 'a zero window is allowed to stay closed indefinitely'),
  row('MAY-7', G.window, 'may retransmit old data beyond SND.UNA+SND.WND'),
  row('MUST-66', G.window, 'RST and URG are processed even with a zero receive window'),
  row('MUST-30', G.urgent, 'the urgent pointer is supported'),
  row('MUST-62', G.urgent, 'the urgent pointer points to the first non-urgent octet'),
  row('MUST-31', G.urgent, 'urgent data of any length'),
  row('MUST-32', G.urgent, 'the application is told of urgent data asynchronously'),
  row('MUST-33', G.urgent, 'the application can learn whether and how much urgent data is queued'),
  row('SHLD-13', G.urgent, 'applications should not use the urgent mechanism'),
  row('MUST-4', G.options, 'the mandatory option set (EOL, NOP, MSS) is supported'),
  row('MUST-5', G.options, 'options are received in any segment'),
  row('MUST-6', G.options, 'unsupported options are ignored'),
  row('MUST-68', G.options, 'every option but EOL and NOP carries a length'),
  row('MUST-7', G.options, 'an illegal option length is coped with'),
  row('MUST-64', G.options, 'options are processed regardless of word alignment'),
  row('MUST-14', G.options, 'the MSS option is sent and received'),
  row('SHLD-5', G.options, 'the MSS option is sent unless the MSS is the default (536 IPv4, 1220 IPv6)'),
  row('MAY-3', G.options, 'the MSS option may always be sent'),
  row('MUST-15', G.options, 'without an MSS option the send MSS is 536 (IPv4) or 1220 (IPv6)'),
  row('MUST-16', G.options, 'the effective send segment size is computed (options subtracted)'),
  row('SHLD-6', G.options, 'the MSS follows the interface MTU'),
  row('MUST-65', G.options, 'the MSS option is not sent in non-SYN segments'),
  row('MUST-67', G.options, 'the MSS value sent is based on MMS_R'),
  row('MUST-69', G.options, 'the option area is padded with zeros'),
  row('MUST-2', G.checksum, 'the sender computes the checksum'),
  row('MUST-3', G.checksum, 'the receiver checks the checksum'),
  row('MUST-8', G.isn, 'the ISN generator has a clock-driven component'),
  row('SHLD-1', G.isn, 'the ISN generator has a keyed pseudo-random component (RFC 6528)'),
  row('MUST-9', G.isn, 'the pseudo-random function cannot be computed from outside the host'),
  row('MUST-10', G.open, 'simultaneous open is supported'),
  row('MUST-11', G.open, 'SYN-RECEIVED remembers the state it came from'),
  row('MUST-41', G.open, 'a passive OPEN does not affect other connections'),
  row('MUST-42', G.open, 'a port can LISTEN while a connection on it is in SYN-SENT or SYN-RECEIVED'),
  row('MUST-44', G.open, 'IP is asked for the source address of a SYN when needed'),
  row('MUST-45', G.open, 'otherwise the local address of the connection is used'),
  row('MUST-46', G.open, 'an OPEN to a broadcast or multicast address is rejected'),
  row('MUST-57', G.open, 'a SYN to a broadcast or multicast address is silently discarded'),
  row('SHLD-2', G.close, 'a RST may carry data'),
  row('MUST-12', G.close, 'the application is told of an aborted connection'),
  row('MAY-1', G.close, 'half-duplex close'),
  row('SHLD-3', G.close, 'a RST tells the peer that data was lost (close with unread data)'),
  row('MUST-13', G.close, 'TIME-WAIT lasts 2 MSL'),
  row('MAY-2', G.close, 'a SYN may be accepted in TIME-WAIT'),
  row('SHLD-4', G.close, 'timestamps are used to shorten TIME-WAIT (RFC 6191)'),
  row('MUST-19', G.retx, 'exponential backoff, slow start and congestion avoidance'),
  row('MAY-4', G.retx, 'a retransmission may reuse the IP identification'),
  row('MUST-18', G.retx, "Karn's algorithm"),
  row('MUST-58', G.acks, 'ACKs are aggregated whenever possible'),
  row('SHLD-31', G.acks, 'out-of-order segments are queued'),
  row('MUST-59', G.acks, 'all queued segments are processed before an ACK is sent'),
  row('MAY-13', G.acks, 'an ACK may be sent for an out-of-order segment'),
  row('SHLD-18', G.acks, 'delayed ACKs'),
  row('MUST-40', G.acks, 'an ACK is delayed less than 0.5 s'),
  row('SHLD-19', G.acks, 'an ACK for at least every second full-sized segment'),
  row('MUST-39', G.acks, 'receiver silly window syndrome avoidance'),
  row('MUST-49', G.sending, 'the TTL is configurable'),
  row('MUST-38', G.sending, 'sender silly window syndrome avoidance'),
  row('SHLD-7', G.sending, 'the Nagle algorithm'),
  row('MUST-17', G.sending, 'an application can switch the Nagle algorithm off'),
  row('MUST-20', G.failures, 'negative advice to IP after R1 retransmissions; the connection closed after R2'),
  row('MUST-21', G.failures, 'the application can set R2'),
  row('SHLD-9', G.failures, 'the application is told when R1 <= retransmissions < R2'),
  row('SHLD-10', G.failures, 'recommended R1 (at least 3 retransmissions)'),
  row('SHLD-11', G.failures, 'recommended R2 (at least 100 s)'),
  row('MUST-22', G.failures, 'the same R1/R2 mechanism for SYN segments'),
  row('MUST-23', G.failures, 'R2 for a SYN is at least 3 minutes'),
  row('MAY-5', G.keepalive, 'keep-alives may be implemented'),
  row('MUST-24', G.keepalive, 'an application can ask for keep-alives'),
  row('MUST-25', G.keepalive, 'keep-alives are off by default'),
  row('MUST-26', G.keepalive, 'a keep-alive is only sent after an idle interval'),
  row('MUST-27', G.keepalive, 'the keep-alive interval is configurable'),
  row('MUST-28', G.keepalive, 'the default keep-alive interval is at least 2 hours'),
  row('MUST-29', G.keepalive, 'keep-alives tolerate lost ACKs'),
  row('SHLD-12', G.keepalive, 'a keep-alive carries no data'),
  row('MAY-6', G.keepalive, 'a keep-alive may carry one garbage octet'),
  row('MUST-50', G.ipopts, 'IP options TCP does not understand are ignored'),
  row('MAY-10', G.ipopts, 'the IP timestamp option may be supported'),
  row('MAY-11', G.ipopts, 'the IP record route option may be supported'),
  row('MUST-51', G.ipopts, 'an application can specify a source route'),
  row('MUST-52', G.ipopts, "the application's source route overrides one in a received datagram"),
  row('MUST-53', G.ipopts, 'a return route is built from a received source route'),
  row('SHLD-24', G.ipopts, 'a later source route overrides an earlier one'),
  row('MUST-54', G.icmp, 'ICMP messages from IP are acted on'),
  row('SHLD-25', G.icmp, 'Destination Unreachable codes 0, 1, 5 are reported to the application'),
  row('MUST-56', G.icmp, 'no abort on Destination Unreachable 0, 1, 5, Time Exceeded or Parameter Problem'),
  row('SHLD-26', G.icmp, 'Destination Unreachable codes 2-4 abort the connection'),
  row('MUST-55', G.icmp, 'Source Quench is silently discarded'),
  row('MUST-63', G.addr, 'a SYN from an invalid source address is rejected'),
  row('MUST-47', G.api, 'an error report mechanism'),
  row('SHLD-20', G.api, 'the application can switch the error report routine off'),
  row('MUST-48', G.api, 'the application can set the Diffserv field'),
  row('SHLD-22', G.api, 'the Diffserv field is passed to IP unchanged'),
  row('SHLD-21', G.api, 'the application can change the Diffserv field during a connection'),
  row('SHLD-23', G.api, 'applications should not change the Diffserv field during a connection'),
  row('MAY-9', G.api, 'the received Diffserv field may be passed to the application'),
  row('MAY-14', G.api, 'a FLUSH call'),
  row('MUST-43', G.api, 'an optional local IP address in OPEN'),
  row('MAY-12', G.rfc5961, 'the RFC 5961 protections against blind injection'),
  row('SHLD-8', G.ecn, 'ECN is supported'),
  row('MAY-18', G.cc, 'alternative conforming congestion control algorithms'),
];

/** Why no scenario checks a row. `api`/`internal`/`bounded`: cannot be tested from the wire; `open`: could be, and is not yet. */
export interface NoScenario {
  readonly kind: 'api' | 'internal' | 'bounded' | 'open';
  readonly why: string;
}

const api = (why: string): NoScenario => ({ kind: 'api', why });
const internal = (why: string): NoScenario => ({ kind: 'internal', why });
const bounded = (why: string): NoScenario => ({ kind: 'bounded', why });
const open = (why: string): NoScenario => ({ kind: 'open', why });

/** The rows no scenario checks, with the reason. */
export const NO_SCENARIO: Readonly<Record<string, NoScenario>> = {
  'MAY-16': internal('either choice conforms, and which one a stack makes depends on when the application writes: nothing on the wire can fail'),
  'MAY-15': api('a property of the SEND call'),
  'MAY-17': api('what the receiving application is told'),
  'MUST-32': api('how the application learns of urgent data'),
  'SHLD-13': api('advice to applications, not to TCP'),
  'MUST-9': internal('whether the key of the ISN function can be computed from outside is a property of the secret, not of any finite set of ISNs; isn-unpredictable.ts checks what can be seen'),
  'MUST-49': api('a configuration of the host'),
  'SHLD-9': api('what the application is told'),
  'SHLD-10': internal('R1 is when TCP advises IP to look for another route, which does not show on the wire'),
  'SHLD-11': bounded('R2 of at least 100 s means a run of minutes per stack; the lab shortens R2 (net.ipv4.tcp_retries2 = 5) and slow/give-up.ts checks that it ends the connection'),
  'MUST-28': bounded('a default of at least 2 hours cannot be shown in a bounded run; keepalive-off-by-default.ts checks that no short default is in force'),
  'MAY-10': internal('IP-layer handling of the timestamp option; what TCP does with it is not visible on the wire'),
  'MAY-11': internal('IP-layer handling of the record route option; what TCP does with it is not visible on the wire'),
  'MUST-51': api('a property of the application interface'),
  'MUST-52': api('a property of the application interface'),
  'SHLD-25': api('what the application is told'),
  'MAY-4': internal('reusing the IP identification or not both conform, so nothing on the wire can fail (the identification of each retransmission is in the trace)'),
  'MUST-47': api('a property of the application interface'),
  'SHLD-20': api('a property of the application interface'),
  'SHLD-23': api('advice to applications, not to TCP'),
  'MAY-9': api('what the application is told'),
  'MAY-14': api('a property of the application interface'),
  'MUST-43': api('a property of the OPEN call'),
  'MAY-18': internal('any conforming congestion control is allowed, so no behaviour violates the permission itself; initial-window.ts, slow-start.ts, congestion-avoidance.ts, fast-retransmit.ts, fast-recovery.ts, loss-window.ts and idle-restart.ts check the upper bounds every conforming algorithm (Reno, NewReno, CUBIC, PRR) keeps'),
  // Permissions: no behaviour violates them, so no mutant (and no scenario) can show them.
  'MAY-1': internal('a permission (an application that has called CLOSE may be kept from reading): either choice conforms, and its one duty, the RST of SHLD-3, is close-unread-rst.ts\'s; half-close.ts and app-receive-after-close.ts check the half-closed connection and RECEIVE after CLOSE'),
  'MAY-3': internal('a permission to send the MSS option always; leaving it out at the default MSS conforms too (SHLD-5, mss-option-sent.ts, checks it is sent otherwise)'),
  'MAY-7': internal('a permission to retransmit data beyond the window; both choices conform (window-shrink-retransmit.ts accepts both)'),
  'MAY-8': internal("a receiver's permission to keep its window closed; the sender's duty that goes with it, MUST-37, is zero-window-indefinite.ts's"),
  'SHLD-6': internal("the smallest MTU of an interface whose MTU varies packet to packet: the lab's links have one MTU, on which the only error is MUST-67's (mss-from-mtu.ts)"),
  'SHLD-18': internal('delaying ACKs: a stack that never delays one cannot be told from one in its quick-ACK mode, which the RFC allows; MUST-40 (the bound) and SHLD-19 (every second segment) are checked'),
};

/** The RFC 9293 requirement IDs a scenario's `rfc:` text names, e.g. `RFC 9293 §3.7.1 MUST-14, SHLD-5`. */
export function requirementIds(rfc: string | undefined): string[] {
  return [...new Set((rfc ?? '').match(/\b(?:MUST|SHLD|MAY|REC)-\d+\b/g) ?? [])];
}

/** A scenario as the table needs it. */
export interface CoveringScenario {
  /** Path relative to the table's directory, e.g. `paws.ts` or `slow/give-up.ts`. */
  readonly path: string;
  readonly rfc?: string;
}

/** What is wrong with the coverage: IDs no row knows, rows with neither scenario nor reason, rows with both. */
export function coverageProblems(scenarios: readonly CoveringScenario[]): string[] {
  const known = new Set(APPENDIX_B.map((r) => r.id));
  const covered = new Map<string, string[]>();
  const problems: string[] = [];
  for (const s of scenarios) {
    for (const id of requirementIds(s.rfc)) {
      if (!known.has(id)) problems.push(`${s.path}: ${id} is not an RFC 9293 Appendix B requirement`);
      covered.set(id, [...(covered.get(id) ?? []), s.path]);
    }
  }
  for (const r of APPENDIX_B) {
    const by = covered.get(r.id);
    if (!by && !NO_SCENARIO[r.id]) problems.push(`${r.id} (${r.what}): no scenario names it and no reason says why none can`);
    if (by && NO_SCENARIO[r.id]) problems.push(`${r.id}: named by ${by.join(', ')}, but also listed as having no scenario`);
  }
  for (const id of Object.keys(NO_SCENARIO)) if (!known.has(id)) problems.push(`the no-scenario list names ${id}, which is not in Appendix B`);
  return problems;
}

const KIND_TEXT: Record<NoScenario['kind'], string> = {
  api: 'not testable from the wire (application interface)',
  internal: 'not testable from the wire',
  bounded: 'not testable in a bounded run',
  open: 'not covered yet',
};

/** Why no scenario checks row `id`, with the kind of reason first; undefined when one does. */
export function noScenarioText(id: string): string | undefined {
  const n = NO_SCENARIO[id];
  return n ? `${KIND_TEXT[n.kind]}: ${n.why}` : undefined;
}
