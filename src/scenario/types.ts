/**
 * The scenario language's types: what an author writes in `scenarios/*.ts`. Numbers in seq, ack
 * and SACK edges are relative to each side's initial sequence number, as Wireshark shows them.
 */

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

/** A TCP option in a scenario. SACK edges are relative to the ISN of the side whose data they cover. */
export type OptionSpec =
  | { readonly kind: 'eol' }
  | { readonly kind: 'nop' }
  | { readonly kind: 'mss'; readonly value: number }
  | { readonly kind: 'wscale'; readonly shift: number }
  | { readonly kind: 'sackOk' }
  | { readonly kind: 'sack'; readonly blocks: ReadonlyArray<readonly [left: number, right: number]> }
  | { readonly kind: 'timestamp'; readonly tsval: number; readonly tsecr: number }
  | { readonly kind: 'unknown'; readonly code: number; readonly data: Uint8Array };

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
  readonly checksum?: number;
  readonly options?: Uint8Array;
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
  readonly checksum?: number;
}

/** Fields of a segment to send. Anything left out gets its default. */
export interface SendFields {
  /** Relative to our ISN. Default: our next sequence number. */
  readonly seq?: number;
  /** Relative to the peer's ISN. Default with the ACK flag: the peer's next sequence number; without it: 0 (raw). */
  readonly ack?: number;
  /** Default: empty. */
  readonly payload?: Payload;
  /** Default: the scenario's `window` (65535). */
  readonly window?: number;
  /** Option values (padded to 4 bytes) or raw option bytes sent as given. Default: none. */
  readonly options?: readonly OptionSpec[] | Uint8Array;
  /** Urgent pointer. Default 0. */
  readonly urgent?: number;
  /** Raw header values that replace the computed ones. */
  readonly tcp?: TcpOverrides;
  readonly ip?: IpOverrides;
}

/** Fields of a segment to expect. A field left out is not checked ("don't care"). */
export interface ExpectFields {
  /** Relative to the peer's ISN. */
  readonly seq?: number;
  /** Relative to our ISN. */
  readonly ack?: number;
  readonly window?: number;
  /** Exact payload bytes. */
  readonly payload?: Payload;
  /** Payload length in bytes. */
  readonly len?: number;
  /** Exact option list (in order). */
  readonly options?: readonly OptionSpec[];
  /** The segment may not come: it is skipped when the next segment matches the following expectation. */
  readonly optional?: boolean;
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

/** One step of a scenario. */
export type Step = SendStep | ExpectStep | PauseStep;

/** The side tcpcraft plays. */
export type Role = 'client';

/** A scenario: the default export of a scenario file. */
export interface Scenario {
  readonly name: string;
  readonly description?: string;
  /** Default `'client'`: tcpcraft sends the SYN. */
  readonly role?: Role;
  /** The server we talk to; `--dst` / `--dport` override it. */
  readonly peer: { readonly host: string; readonly port: number };
  /** Our side; `--src` / `--sport` override it. Default: address from the route, random ephemeral port. */
  readonly local?: { readonly host?: string; readonly port?: number };
  /** Default window of sent segments. Default 65535. */
  readonly window?: number;
  /** Default time to wait for each expected segment, ms. Default 3000. */
  readonly timeout?: number;
  readonly steps: readonly Step[];
}
