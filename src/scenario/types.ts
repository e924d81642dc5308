/**
 * The scenario language's types: what an author writes in `scenarios/*.ts`. Numbers in seq, ack
 * and SACK edges are relative to each side's initial sequence number, as Wireshark shows them.
 */

import type { Ipv6ExtensionSpec } from '../wire/ipv6.js';
import type { KnownOptionKind, SackBlock, TcpOption } from '../wire/options.js';
import type { Expected, Matcher, PatternMatcher, Ref, Value } from './matchers.js';

/** Where a step was written: the scenario file and line, for diagnostics. */
export interface CallSite {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/**
 * TCP flags in tcpdump letters, any order: `S` SYN, `F` FIN, `R` RST, `P` PSH, `A` (or `.`) ACK,
 * `U` URG, `E` ECE, `W` CWR, `N` NS; `''` for no flags. The common ones are listed for the editor.
 */
export type Flags = 'S' | 'SA' | 'A' | 'PA' | 'FA' | 'FPA' | 'F' | 'R' | 'RA' | 'P' | '' | (string & {});

/** Payload as text (UTF-8) or bytes. */
export type Payload = string | Uint8Array;

/**
 * A TCP option in a scenario: the wire's own option values (src/wire/options.ts declares every
 * kind once). SACK edges are relative to the ISN of the side whose data they cover.
 */
export type OptionSpec = TcpOption;

/** An option in a send: as {@link OptionSpec}, but timestamps and a TFO cookie may use captured values. */
export type SendOption =
  | Exclude<OptionSpec, { kind: 'timestamp' } | { kind: 'fastOpen' }>
  | { readonly kind: 'timestamp'; readonly tsval: Value; readonly tsecr: Value }
  | { readonly kind: 'fastOpen'; readonly cookie: Uint8Array | Ref };

/** Names of option kinds, for presence and absence checks; a number is any option kind code. */
export type OptionKind = KnownOptionKind | number;

/** The fields of option kind K (everything but `kind`), from the wire's option type. */
type OptionFieldsOf<K extends KnownOptionKind> = Omit<Extract<TcpOption, { kind: K }>, 'kind'>;

/** True when T has exactly one key (false for several: the check distributes over each key P). */
type OneKey<T> = EachIsAll<keyof T, keyof T>;
type EachIsAll<P, All> = P extends unknown ? ([Exclude<All, P>] extends [never] ? true : false) : never;

/** SACK-style blocks: exactly these (relative edges), or some block covering `covers`. */
export type BlocksCheck = ReadonlyArray<readonly [number, number]> | { readonly covers: readonly [number, number] };

/** A check of one field: its value or a matcher over it (blocks: see {@link BlocksCheck}). */
type FieldCheck<V> = V extends readonly SackBlock[] ? BlocksCheck : Expected<V>;

/**
 * The value check of option kind K, derived from its fields: a kind with one field takes that
 * field's check directly (`mss: 1460`, `wscale: range(0, 14)`, `sack: { covers: [1, 1001] }`,
 * `fastOpen: cookieBytes`); a kind with several takes an object of them (`timestamp: { tsval, tsecr }`).
 */
type OptionCheck<K extends KnownOptionKind> =
  OneKey<OptionFieldsOf<K>> extends true
    ? { [P in keyof OptionFieldsOf<K>]: FieldCheck<OptionFieldsOf<K>[P]> }[keyof OptionFieldsOf<K>]
    : { readonly [P in keyof OptionFieldsOf<K>]?: FieldCheck<OptionFieldsOf<K>[P]> };

/** A value check for every option kind that has fields (src/wire/options.ts declares them). */
export type OptionValueChecks = { readonly [K in KnownOptionKind as [keyof OptionFieldsOf<K>] extends [never] ? never : K]?: OptionCheck<K> };

/**
 * Option checks that say no more than needed: presence, absence, values. Every listed check must
 * hold; options not mentioned are not checked. Each kind with fields has a value check of its own
 * name (the option is then required too): `mss`, `wscale`, `sack`, `timestamp`, `fastOpen`, ...
 */
export type OptionsExpectation = OptionValueChecks & {
  /** These kinds must be present. */
  readonly has?: readonly OptionKind[];
  /** These kinds must be absent. */
  readonly lacks?: readonly OptionKind[];
};

/** Raw IPv4 header values, sent exactly as written (see the README for which need the link-layer path). */
export interface IpOverrides {
  readonly ttl?: number;
  readonly id?: number;
  readonly dscp?: number;
  readonly ecn?: number;
  /** 3 bits: 4 reserved, 2 DF, 1 MF. */
  readonly flags?: number;
  readonly fragmentOffset?: number;
  readonly protocol?: number;
  readonly version?: number;
  readonly ihl?: number;
  readonly totalLength?: number;
  /** A number sent as given, or `'bad'`: the right checksum with one bit flipped. */
  readonly checksum?: number | 'bad';
  readonly options?: Uint8Array;
  // IPv6 (RFC 8200) only; `ttl` is the hop limit and `dscp`/`ecn` make the traffic class there too.
  readonly hopLimit?: number;
  /** 20 bits. */
  readonly flowLabel?: number;
  readonly trafficClass?: number;
  /** The fixed header's next header (default: the first extension's type, else 6). */
  readonly nextHeader?: number;
  /** Default: extension headers + TCP segment. */
  readonly payloadLength?: number;
  /** Extension headers between the IPv6 header and TCP, in order (see ext() in the DSL). */
  readonly extensions?: readonly Ipv6ExtensionSpec[];
}

/** Raw TCP header values, sent exactly as written instead of the computed ones. */
export interface TcpOverrides {
  /** Absolute sequence number (bypasses relative numbering). */
  readonly seq?: number;
  /** Absolute acknowledgment number (bypasses relative numbering). */
  readonly ack?: number;
  readonly dataOffset?: number;
  /** The three reserved bits (0..7). */
  readonly reserved?: number;
  /** A number sent as given, or `'bad'`: the right checksum with one bit flipped (never verifies). */
  readonly checksum?: number | 'bad';
}

/** Fields of a segment to send. Anything left out gets its default. */
export interface SendFields {
  /** Relative to our ISN. Default: our next sequence number. */
  readonly seq?: Value;
  /** Relative to the peer's ISN. Default with the ACK flag: the peer's next sequence number; without it: 0 (raw). */
  readonly ack?: Value;
  /** Default: empty. */
  readonly payload?: Payload;
  /** Default: the scenario's `window` (65535). */
  readonly window?: Value;
  /** Option values (padded to 4 bytes) or raw option bytes sent as given. Default: none. */
  readonly options?: readonly SendOption[] | Uint8Array;
  /** Urgent pointer. Default 0. */
  readonly urgent?: Value;
  /** Which connection (see `Scenario.connections`). Default: the main one. */
  readonly conn?: string;
  /** Raw header values that replace the computed ones. */
  readonly tcp?: TcpOverrides;
  readonly ip?: IpOverrides;
}

/**
 * IP header values an expectation checks: `dscp` and `ecn` (either family), `flowLabel` and `trafficClass` (IPv6 only), `hopLimit`
 * or `ttl` (the same field in either family). Each takes a number, a matcher (`capture()` records
 * it), or `use('name')`: equal to what an earlier step captured (a flow label kept for the whole
 * connection, say). And where an IPv4 packet goes: `dst`, the header's destination as on the wire
 * (a source-routed packet's next hop), and `route`, the addresses its source route option (loose
 * or strict) still lists from its pointer on (`[]`: a completed route; no option at all fails).
 */
export interface IpExpectation {
  /** The Diffserv codepoint (IPv4: the TOS byte's upper 6 bits; IPv6: the traffic class's). */
  readonly dscp?: Expected<number> | Ref;
  /** The ECN field (the low 2 bits of the TOS byte or traffic class): 0 not-ECT, 1 ECT(1), 2 ECT(0), 3 CE. */
  readonly ecn?: Expected<number> | Ref;
  readonly flowLabel?: Expected<number> | Ref;
  readonly trafficClass?: Expected<number> | Ref;
  readonly hopLimit?: Expected<number> | Ref;
  readonly ttl?: Expected<number> | Ref;
  readonly dst?: string;
  readonly route?: readonly string[];
}

/** Fields of a segment to expect. A field left out is not checked ("don't care"). */
export interface ExpectFields {
  /** Relative to the peer's ISN. */
  readonly seq?: Expected<number>;
  /** Relative to our ISN. */
  readonly ack?: Expected<number>;
  /**
   * The sequence number as it came off the wire, not relative to anything: for checks over the
   * peer's ISNs themselves (RFC 6528), usually with `where()` or `capture()`.
   */
  readonly rawSeq?: Expected<number>;
  /**
   * `true`: the segment must be well formed as sent (both checksums verify (RFC 9293 MUST-2),
   * every option but EOL and NOP has a length that fits (MUST-68), the option area is padded with
   * zeros after an EOL (MUST-69) and the reserved bits are zero).
   */
  readonly valid?: true;
  readonly window?: Expected<number>;
  /** IP header values: see {@link IpExpectation}. */
  readonly ip?: IpExpectation;
  readonly urgent?: Expected<number>;
  /** Exact payload bytes, a `pattern(/re/)` over its text, or a matcher over the bytes. */
  readonly payload?: Payload | PatternMatcher | Matcher<Uint8Array>;
  /** Payload length in bytes. */
  readonly len?: Expected<number>;
  /** The exact option list (in order), or presence/absence/value checks. */
  readonly options?: readonly OptionSpec[] | OptionsExpectation;
  /** Must arrive within this many ms of the previous step's segment (or of the run's start). */
  readonly within?: number;
  /** Must not arrive before this many ms after the previous step's segment. */
  readonly after?: number;
  /** Should arrive this many ms after the previous step's segment, give or take the scenario's tolerance. */
  readonly at?: number;
  /**
   * Exponential backoff without assuming the base: the gap from the peer's previous segment on
   * this connection to this one is at least `backoff` times the gap between its two segments
   * before (give or take the tolerance), e.g. `backoff: 2` for RFC 6298's "RTO <- RTO * 2"
   * whatever the stack's first RTO was. Our own segments in between (answers to probes) do not
   * count.
   */
  readonly backoff?: number;
  /** Which connection. Default: the main one. */
  readonly conn?: string;
  /** The segment may not come: it is skipped when the next segment matches the following expectation. */
  readonly optional?: boolean;
  /**
   * What the rest of the scenario takes for granted about the target, e.g. `'an MSS of 1460: the
   * full-sized segments sent below are 1460 bytes'`. When this expectation is not met (something
   * the target negotiated or chose differently, within what the RFCs allow), the scenario cannot
   * test its rule there: it is N/A with this reason, not a FAIL.
   */
  readonly precondition?: string;
  /** How long to wait, in ms. Default: the scenario's `timeout`. */
  readonly timeout?: number;
}

/** Send one segment. */
export interface SendStep {
  readonly kind: 'send';
  readonly flags: Flags;
  readonly fields: SendFields;
  readonly site?: CallSite;
}

/** Wait for one segment from the peer and check it. */
export interface ExpectStep {
  readonly kind: 'expect';
  readonly flags: Flags;
  readonly fields: ExpectFields;
  readonly site?: CallSite;
}

/** Wait without sending. */
export interface PauseStep {
  readonly kind: 'pause';
  readonly ms: number;
  readonly site?: CallSite;
}

/** The next segment must match one of the alternatives (the first that matches wins). */
export interface EitherStep {
  readonly kind: 'either';
  readonly alternatives: readonly ExpectStep[];
  readonly site?: CallSite;
}

/** The next segments must match all of these, each once, in any order. */
export interface AnyOrderStep {
  readonly kind: 'anyOrder';
  readonly items: readonly ExpectStep[];
  readonly site?: CallSite;
}

/** Nothing may arrive on the connection for `ms`. */
export interface SilenceStep {
  readonly kind: 'silence';
  readonly ms: number;
  readonly conn?: string;
  readonly site?: CallSite;
}

/**
 * Wait `ms` and take whatever the peer sends on the connection meanwhile (and whatever was
 * already queued) without checking it: the segments are in the trace, marked as drained. For
 * floods of answers whose number is the stack's choice (the ACKs while a window fills, the
 * retransmissions of a SYN that is never answered).
 */
export interface DrainStep {
  readonly kind: 'drain';
  readonly ms: number;
  readonly conn?: string;
  readonly site?: CallSite;
}

/**
 * Send an ICMPv4 error message to the peer about the latest segment it sent on the connection,
 * quoting that segment's IP header and first 8 bytes (RFC 792), as a router on the path or our
 * host would: destination unreachable (3, with `mtu` for code 4, "fragmentation needed"), source
 * quench (4), time exceeded (11), parameter problem (12).
 */
export interface IcmpStep {
  readonly kind: 'icmp';
  readonly type: number;
  readonly code: number;
  /** Next-hop MTU for type 3 code 4 (RFC 1191). */
  readonly mtu?: number;
  readonly conn?: string;
  readonly site?: CallSite;
}

/**
 * What an `app()` step checks of its call's result, and how it runs. With neither `returns` nor
 * `errno`, the call must succeed (a write must take every byte it was given).
 */
export interface AppChecks {
  /** The return value: a number or a matcher (`range(1, 100)`, `capture('n')`). */
  readonly returns?: Expected<number>;
  /** The symbolic errno the call must fail with, e.g. `'ECONNRESET'` (then `returns` defaults to -1). */
  readonly errno?: string;
  /** The bytes a read must return (text or bytes, exactly). */
  readonly data?: Payload;
  /** Which connection's socket (default: the main one). */
  readonly conn?: string;
  /**
   * Start the call and go on without waiting for it; `appWait(name)` waits for it later and
   * checks it then. For calls that block until something we send arrives (accept, read, a
   * connect we answer).
   */
  readonly background?: string;
  /** The call must return within this many ms of being made. */
  readonly within?: number;
  /** The call must not return before this many ms (it blocked that long). */
  readonly after?: number;
  /** How long to wait for the call to return, ms. Default: the scenario's `timeout`. */
  readonly timeout?: number;
  /** On the listening socket rather than the connection's (setsockopt, getsockopt, close). */
  readonly listener?: boolean;
}

/**
 * A socket call the target's application makes on command (the lab's puppet application, see
 * src/lab/puppet.ts), on the socket of a connection: `listen` (a socket bound to the peer address
 * and port the scenario talks to), `accept` (the connection, once we open it), `connect` (to our
 * address and port: a server-role scenario's connection), `write` (N bytes of the write pattern,
 * or the given text or bytes), `read` (up to N bytes), `shutdown`, `close`, `setsockopt`,
 * `getsockopt`, `nonblock`. Socket options set before the socket exists are applied when it is
 * made (before `bind` or `connect`).
 */
export type AppCall =
  | { readonly call: 'listen'; readonly backlog?: number }
  | { readonly call: 'accept' }
  | { readonly call: 'connect' }
  | { readonly call: 'write'; readonly data: number | Payload; readonly more?: boolean; readonly oob?: boolean }
  | { readonly call: 'read'; readonly n: number; readonly oob?: boolean; readonly peek?: boolean }
  | { readonly call: 'shutdown'; readonly how: 'rd' | 'wr' | 'rdwr' }
  | { readonly call: 'close' }
  | { readonly call: 'setsockopt'; readonly name: string; readonly value: number }
  | { readonly call: 'getsockopt'; readonly name: string }
  | { readonly call: 'nonblock'; readonly on: boolean };

/** Make the target's application call `call` (see {@link AppCall}) and check the result. */
export interface AppStep {
  readonly kind: 'app';
  readonly call: AppCall;
  readonly checks: AppChecks;
  readonly site?: CallSite;
}

/** Wait for a call an `app()` step started in the background, and check it. */
export interface AppWaitStep {
  readonly kind: 'appWait';
  readonly name: string;
  readonly site?: CallSite;
}

/** One step of a scenario. */
export type Step = SendStep | ExpectStep | PauseStep | EitherStep | AnyOrderStep | SilenceStep | DrainStep | IcmpStep | AppStep | AppWaitStep;

/** The side tcpcraft plays: `client` sends the SYN, `server` waits for one. */
export type Role = 'client' | 'server';

/** A further connection of a scenario, with its own ports and numbering. */
export interface ConnectionSpec {
  /**
   * Default `'client'`: we send its SYN. `'server'`: the peer opens it (an application on the
   * target connecting to us, e.g. the lab's dialer): we wait for its SYN on `local.port`, which is
   * then required; its steps start with `expect('S', { conn })`.
   */
  readonly role?: Role;
  /** Default: the scenario's peer (server role: any port of that host). */
  readonly peer?: { readonly host?: string; readonly port?: number };
  /** Default: a random ephemeral port (client role). */
  readonly local?: { readonly port?: number };
}

/**
 * Optional TCP features a scenario may need: SACK (RFC 2018), timestamps and window scaling
 * (RFC 7323), the RFC 5961 protections (challenge ACKs); `source-route`, an IPv4 target that takes
 * source-routed packets at all (a setting: Linux drops them unless accept_source_route is on,
 * as RFC 7126 §4.3.2.5 advises for routers); `tfo`, TCP Fast Open for servers (RFC 7413) on the
 * lab's fast-open echo, port 2014; `app-puppet`, an application on the target that `app()` steps
 * drive (every lab target has one); and the fixed cooperating applications some
 * RFC 9293 rows need on the target (the lab's services, see {@link APP_PORTS}). A target that
 * lacks one reports the scenario as N/A, not as a failure.
 */
export type Feature = 'sack' | 'timestamps' | 'wscale' | 'ecn' | 'source-route' | 'tfo' | 'app-puppet' | AppFeature | FamilyFeature;

/**
 * The IP version a scenario is about (`requires: ['ipv4']`: ICMPv4, IPv4 options, broadcast, the
 * IPv4 MSS values...). Run against a peer of the other version it is N/A. Known from the peer's
 * address, without a probe.
 */
export type FamilyFeature = 'ipv4' | 'ipv6';

/**
 * The lab's cooperating applications, by the port they listen on: `app-unread` never reads and
 * closes after 500 ms, `app-nodelay` echoes with Nagle off, `app-keepalive` asks for keep-alives
 * after 1 s idle (there when a keep-alive then comes), `app-dialer` connects back to the client on request; `app-stall` has a tiny
 * receive buffer it never reads and reports urgent data, `app-trickle` reads its tiny buffer slowly,
 * `app-pieces` writes ten pushed pieces at once (lab/apps.c).
 */
export type AppFeature = 'app-unread' | 'app-nodelay' | 'app-keepalive' | 'app-dialer' | 'app-stall' | 'app-trickle' | 'app-pieces';

/**
 * An expected failure pinned to where and how the target differs: the step (1-based, as the
 * diagnostics number them) and, optionally, the field that differs there (`flags`, `seq`, `ack`,
 * `window`, `len`, `payload`, `options`, `ip`, `time`, ...), `absent` for a segment that never
 * came, `unexpected` for one that came during a silence(), `app` for an app() call. A failure
 * elsewhere is a FAIL, and the report says where the pin was.
 */
export interface PinnedFailure {
  readonly step: number;
  readonly field?: string;
  /** Why the target differs, naming where its source decides it. */
  readonly why: string;
}

/** How strongly the RFC asks for what a scenario checks (RFC 2119 words). */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** A scenario: the default export of a scenario file. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** The standard the scenario checks, e.g. `RFC 9293 §3.10.7.3` (shown in suite reports). */
  readonly rfc?: string;
  /**
   * Targets on which this scenario is known to fail, with the reason, e.g.
   * `{ linux: 'Linux answers ... on purpose, see ...' }`. `tcpcraft suite --target NAME` counts a
   * failure there as an expected failure (and a pass as unexpected). A key may name the first
   * kernel release it applies to, `'linux>=6.17'`, for a behaviour a release introduced (the
   * `linux` target's release is the machine's own kernel).
   */
  readonly expectedFailures?: Readonly<Record<string, string | PinnedFailure>>;
  /** Optional features the behaviour depends on (the suite learns each target's from a probe). */
  readonly requires?: readonly Feature[];
  /** How strongly the RFC asks for it (default 'MUST'); shown beside every verdict. */
  readonly level?: Level;
  /** Default `'client'`: tcpcraft sends the SYN. */
  readonly role?: Role;
  /**
   * The other side. Client role: the server we talk to (required; `--dst` / `--dport` override
   * it). Server role: optional, limits which client is answered (default: any).
   */
  readonly peer?: {
    readonly host?: string;
    readonly port?: number;
    /**
     * Client role, IPv4: the segments go to the directed broadcast address of the peer's subnet
     * (10.77.0.255 for the lab's 10.77.0.2/24), worked out from our own address and prefix on the
     * link facing the peer, so that `--dst` keeps the scenario's meaning. N/A, saying why, when
     * the peer is not on our link.
     */
    readonly broadcast?: boolean;
  };
  /**
   * Our side; `--src` / `--sport` override it. Client role: default address from the route,
   * random ephemeral port. Server role: the port to answer on (required).
   */
  readonly local?: {
    readonly host?: string;
    readonly port?: number;
    /**
     * Our address is a second one of ours on the link facing the peer (the lab's client has
     * 10.77.0.201 and fd77::201), for a scenario that must not share its address with the others
     * (a path MTU the target caches per destination). N/A, saying how to add one, where we have none.
     */
    readonly spare?: boolean;
    /**
     * Server role, IPv4: our address is the directed broadcast address of our subnet on the link
     * facing the peer (what the target's application is asked to connect to). N/A when unknown.
     */
    readonly broadcast?: boolean;
  };
  /** Further connections by name, used with `conn: 'name'` in steps (client role). */
  readonly connections?: Readonly<Record<string, ConnectionSpec>>;
  /** Default window of sent segments. Default 65535. */
  readonly window?: number;
  /**
   * Our initial sequence number on the main connection, raw (0 to 2^32 - 1), for a behaviour tied
   * to particular sequence numbers (their wrap from 2^32 - 1 to 0, RFC 9293 §3.4). Default: random
   * (`--isn` overrides both).
   */
  readonly isn?: number;
  /** Default time to wait for each expected segment, ms. Default 3000. */
  readonly timeout?: number;
  /** Slack for `at:` timing: the larger of `ms` (default 4) and `percent` of the delay (default 12.5). */
  readonly tolerance?: { readonly ms?: number; readonly percent?: number };
  readonly steps: readonly Step[];
}
