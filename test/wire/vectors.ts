/** Packet specs shared by the wire tests (not a test file). */
import type { TcpOption } from '../../src/wire/options.js';
import type { TcpSpec } from '../../src/wire/tcp.js';
import { Flag } from '../../src/wire/tcp.js';

/** The options Linux puts in a SYN: mss 1460, sackOK, TS val 1 ecr 0, nop, wscale 7. */
export const LINUX_SYN_OPTIONS: readonly TcpOption[] = [{ kind: 'mss', value: 1460 }, { kind: 'sackOk' }, { kind: 'timestamp', tsval: 1, tsecr: 0 }, { kind: 'nop' }, { kind: 'wscale', shift: 7 }];

/** A Linux-style SYN from port 40000 to 5000 with the netcat seed's ISN. */
export const LINUX_SYN_TCP: TcpSpec = { srcPort: 40000, dstPort: 5000, seq: 4126488336, ack: 0, flags: Flag.SYN, window: 64240, options: LINUX_SYN_OPTIONS };
