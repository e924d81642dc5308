/**
 * The mutated twin of every conformance scenario: one expected value changed, one flag letter
 * changed, or a `silence` swapped with an expectation, so that it must FAIL at that step wherever
 * the original passes. Shared by the Linux twin test and the matrix test over every lab target.
 */
import { join } from 'node:path';
import { ROOT } from '../support/live.js';

export const DIR = join(ROOT, 'scenarios/conformance');

export interface Twin {
  /** Scenario file in scenarios/conformance. */
  readonly file: string;
  /** 1-based step number (as diagnostics show it) that is replaced. */
  readonly step: number;
  /** TypeScript source of the replacement step (`s`: the original step; `set(f)`: s with fields f). */
  readonly with: string;
  /** Why the live stack must make this twin fail. */
  readonly why: string;
}

// prettier-ignore
export const TWINS: readonly Twin[] = [
  { file: 'closed-port-syn.ts',         step: 2,  with: `set({ ack: 2 })`,                                  why: 'the RST/ACK acknowledges exactly ISN+1 (the SYN), not more' },
  { file: 'closed-port-syn-data.ts',    step: 2,  with: `set({ ack: 1 })`,                                  why: 'the RST/ACK covers the SYN and its 5 data bytes: ack 6, not 1' },
  { file: 'closed-port-ack.ts',         step: 2,  with: `set({ seq: (s.fields.seq as number) + 1 })`,       why: 'the RST seq is exactly our ACK number' },
  { file: 'listener-rst-ignored.ts',    step: 2,  with: `expect('RA', { timeout: 300 })`,                   why: 'the listener ignores the RST: nothing comes back' },
  { file: 'synack-options-offered.ts',  step: 2,  with: `set({ options: { has: ['sackOk'], timestamp: { tsval: capture('peerTs'), tsecr: 0x1000abce } } })`, why: 'TSecr echoes our TSval exactly' },
  { file: 'synack-options-none.ts',     step: 2,  with: `set({ options: { has: ['mss', 'wscale'] } })`,     why: 'no window scale in the SYN/ACK when the SYN had none' },
  { file: 'synack-options-partial.ts',  step: 2,  with: `set({ options: { has: ['mss', 'sackOk', 'timestamp'] } })`, why: 'no timestamps in the SYN/ACK when the SYN had none' },
  { file: 'synack-retransmit.ts',       step: 4,  with: `set({ backoff: 3 })`,                              why: 'the SYN/ACK timer doubles (RFC 6298 §5.5): the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'synrecv-dup-syn.ts',         step: 4,  with: `expect('SA', { seq: 0, ack: 2, within: 300 })`,     why: 'the answer to the duplicate SYN acknowledges exactly the SYN (ack 1)' },
  { file: 'synrecv-bad-ack.ts',         step: 4,  with: `set({ seq: 1 })`,                                  why: 'the RST seq is SEG.ACK (1001), not the server\'s ISS+1' },
  { file: 'unknown-option.ts',          step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with the unknown option is taken (ack 22)' },
  { file: 'reserved-bits.ts',           step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data with reserved bits set is taken (ack 19)' },
  { file: 'bad-checksum.ts',            step: 5,  with: `expect('A', { ack: 15, timeout: 700 })`,           why: 'a bad checksum gets no ACK at all' },
  { file: 'oow-data-ack.ts',            step: 5,  with: `silence(300)`,                                     why: 'out-of-window data is answered by an ACK' },
  { file: 'rst-in-window-challenge.ts', step: 5,  with: `silence(300)`,                                     why: 'an inexact in-window RST gets a challenge ACK' },
  { file: 'rst-out-of-window.ts',       step: 5,  with: `expect('A', { seq: 1, ack: 1, timeout: 600 })`,    why: 'an out-of-window RST gets no challenge ACK' },
  { file: 'rst-exact.ts',               step: 7,  with: `({ ...s, flags: 'RA' })`,                          why: 'the listener answers an ACK with a bare RST (no ACK flag)' },
  { file: 'syn-in-established.ts',      step: 5,  with: `({ ...s, flags: 'R' })`,                           why: 'a SYN in ESTABLISHED gets a challenge ACK, not the RFC 793 RST' },
  { file: 'ack-unsent-data.ts',         step: 5,  with: `set({ ack: 19 })`,                                 why: 'a segment acknowledging unsent data is dropped, its bytes not taken' },
  { file: 'ooo-sack.ts',                step: 5,  with: `set({ options: { sack: [[101, 200]] } })`,         why: 'the SACK block is exactly 101-201' },
  { file: 'ooo-no-sack.ts',             step: 5,  with: `set({ options: { has: ['sack'] } })`,              why: 'no SACK block without SACK-permitted' },
  { file: 'ooo-fill-hole.ts',           step: 7,  with: `set({ ack: 101 })`,                                why: 'filling the hole acknowledges everything: 201' },
  { file: 'delayed-ack-bound.ts',       step: 5,  with: `set({ ack: 4 })`,                                  why: 'the ACK covers all 4 bytes' },
  { file: 'fin-last-ack.ts',            step: 9,  with: `expect('FA', { timeout: 1500 })`,                  why: 'once its FIN is ACKed, the server sends nothing more' },
  { file: 'fin-last-ack-retransmit.ts', step: 8,  with: `set({ backoff: 3 })`,                              why: 'the FIN timer doubles: the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'fin-wait.ts',                step: 10, with: `set({ ack: 1 })`,                                  why: 'our FIN is acknowledged (ack 2)' },
  { file: 'data-retransmit-backoff.ts', step: 15, with: `either(expect('A', { seq: 1, ack: 1, len: 500, backoff: 3, timeout: 12000 }), expect('PA', { seq: 1, ack: 1, len: 500, backoff: 3, timeout: 12000 }))`, why: 'the RTO doubles: the second retransmission comes about twice, not three times, as long after the first' },
  { file: 'mss-respected.ts',           step: 4,  with: `either(expect('A', { seq: 1, len: range(201, 1460) }), expect('PA', { seq: 1, len: range(201, 1460) }))`, why: 'segments are at most our MSS (200), never the server\'s 1460' },
  { file: 'zero-window-probe.ts',       step: 7,  with: `silence(1000)`,                                    why: 'data comes as soon as the window opens' },
  { file: 'paws.ts',                    step: 7,  with: `set({ ack: 13 })`,                                 why: 'the segment with the old TSval is dropped' },
  { file: 'challenge-ack-ratelimit.ts', step: 63, with: `expect('A', { seq: 1, ack: 1, len: 0, timeout: 500 })`, why: 'the burst of 30 in-window RSTs is not answered one for one: no 30th challenge ACK comes' },
  { file: 'options-mandatory-set.ts',   step: 4,  with: `either(expect('A', { seq: 1, len: range(401, 1460) }), expect('PA', { seq: 1, len: range(401, 1460) }))`, why: 'the MSS 400 between the NOPs and the EOL is honoured: no segment is longer' },
  { file: 'option-in-data-segment.ts',  step: 5,  with: `set({ options: { timestamp: { tsecr: 2_000_001 } } })`, why: 'the ACK echoes the TSval of the data segment (TS0+500), not that of the handshake ACK' },
  { file: 'option-length-zero.ts',      step: 7,  with: `set({ ack: 2 })`,                                  why: 'the new SYN is answered like any SYN: ack = its ISN+1' },
  { file: 'option-length-overrun.ts',   step: 7,  with: `set({ ack: 2 })`,                                  why: 'the new SYN is answered like any SYN: ack = its ISN+1' },
  { file: 'options-unaligned.ts',       step: 4,  with: `either(expect('A', { seq: 1, len: range(201, 1460) }), expect('PA', { seq: 1, len: range(201, 1460) }))`, why: 'the unaligned MSS 200 is honoured: no segment is longer' },
  { file: 'app-abort-reported.ts',      step: 6,  with: `app('read', 100, { background: 'read', returns: 0 })`, why: 'after our RST the pending read fails (-1); it does not report an end of stream (0)' },
  { file: 'app-diffserv.ts',            step: 3,  with: `set({ ip: { dscp: 0 } })`,                         why: 'the SYN carries the DSCP the application set (8), not 0' },
  { file: 'app-diffserv-change.ts',     step: 11, with: `set({ ip: { dscp: 0 } })`,                         why: 'after the change the data carries DSCP 18, not the first value' },
  { file: 'app-r2-set.ts',              step: 7,  with: `app('read', 10, { background: 'read', returns: -1, within: 1000, timeout: 10_000 })`, why: 'the connection ends about 2 s (R2) after the write, not within 1 s' },
  { file: 'app-receive-after-close.ts', step: 11, with: `app('read', 100, { returns: 0 })`,                 why: 'data received after the application closed its side is read (6 bytes), not an end of stream' },
  { file: 'app-send-after-close.ts',    step: 9,  with: `app('write', 5)`,                                  why: 'a write after the application closed its side fails' },
  { file: 'app-send-close-wait.ts',     step: 10, with: `set({ seq: 2 })`,                                  why: 'the data written in CLOSE-WAIT starts at seq 1' },
  { file: 'app-urgent-send.ts',         step: 7,  with: `set({ urgent: 6 })`,                               why: 'the urgent pointer is 7 (the octet after the urgent data), not 6 (the last urgent octet)' },
  { file: 'mss-option-sent.ts',         step: 2,  with: `set({ options: { lacks: ['mss'] } })`,             why: 'the SYN/ACK carries an MSS option even when the SYN had none' },
  { file: 'mss-default-536.ts',         step: 4,  with: `either(expect('A', { seq: 1, len: range(537, 1460) }), expect('PA', { seq: 1, len: range(537, 1460) }))`, why: 'without an MSS option segments stay within 536 bytes' },
  { file: 'mss-effective.ts',           step: 4,  with: `either(expect('A', { seq: 1, len: range(989, 1000) }), expect('PA', { seq: 1, len: range(989, 1000) }))`, why: 'the 12-byte timestamp option comes out of the 1000-byte MSS' },
  { file: 'mss-not-on-data.ts',         step: 4,  with: `either(expect('A', { seq: 1, options: { has: ['mss'] } }), expect('PA', { seq: 1, options: { has: ['mss'] } }))`, why: 'data segments carry no MSS option' },
  { file: 'mss-from-mtu.ts',            step: 2,  with: `set({ options: { mss: range(1461, 65535) } })`,    why: 'the announced MSS is at most MTU - 40 = 1460' },
  { file: 'segments-well-formed.ts',    step: 2,  with: `set({ valid: true, ack: 2 })`,                     why: 'the well-formed SYN/ACK acknowledges exactly the SYN (ack 1)' },
  { file: 'syn-fin.ts',                 step: 2,  with: `set({ ack: 2 })`,                                  why: 'the SYN/ACK acknowledges only the SYN: the FIN is not processed in LISTEN' },
  { file: 'syn-with-data.ts',           step: 5,  with: `set({ ack: 11 })`,                                 why: 'the 5 bytes are acknowledged once, however often they were sent' },
  { file: 'urgent-beyond-data.ts',      step: 5,  with: `set({ ack: 1 })`,                                  why: 'the data of a segment whose urgent pointer is beyond it is taken' },
  { file: 'no-ack-flag.ts',             step: 6,  with: `set({ ack: 5 })`,                                  why: 'the data without the ACK bit was not taken' },
  { file: 'window-unsigned.ts',         step: 4,  with: `silence(1000)`,                                    why: 'a window of 40000 is room to send' },
  { file: 'window-scaled.ts',           step: 4,  with: `either(expect('A', { seq: 1, len: 4, within: 1000 }), expect('PA', { seq: 1, len: 4, within: 1000 }))`, why: 'the window field 4 is scaled to 65536 bytes, not 4 bytes' },
  { file: 'wscale-clamp.ts',            step: 2,  with: `set({ options: { wscale: range(15, 255) } })`,     why: 'no shift above 14 is ever sent' },
  { file: 'window-shrink.ts',           step: 7,  with: `either(expect('A', { seq: 1001, timeout: 150 }), expect('PA', { seq: 1001, timeout: 150 }))`, why: 'no new data is sent beyond the shrunk right edge' },
  { file: 'zero-window-indefinite.ts',  step: 8,  with: `either(expect('A', { seq: 0, ack: 1, len: 0, timeout: 32000, backoff: 3 }), expect('A', { seq: 1, ack: 1, len: 1, timeout: 32000, backoff: 3 }), expect('PA', { seq: 1, ack: 1, len: 1, timeout: 32000, backoff: 3 }))`, why: 'the probe interval doubles: the gap grows about 2x, not 3x' },
  { file: 'ack-two-segments.ts',        step: 7,  with: `set({ ack: 2922 })`,                               why: 'the ACK covers exactly the two segments (2920 bytes)' },
  { file: 'sender-sws.ts',              step: 6,  with: `either(expect('A', { seq: 1001, timeout: 150 }), expect('PA', { seq: 1001, timeout: 150 }))`, why: 'no 200-byte runt is sent into the window\'s remainder' },
  { file: 'echo-push.ts',               step: 6,  with: `({ ...s, flags: 'A' })`,                           why: 'the last segment of the echo carries PSH' },
  { file: 'nagle.ts',                   step: 9,  with: `expect('PA', { seq: 2, ack: 3, payload: 'b', timeout: 8000 })`, why: '"b" is held back until "a" is acknowledged' },
  { file: 'nagle-off.ts',               step: 9,  with: `expect('PA', { seq: 1, ack: 3, payload: 'a', timeout: 8000 })`, why: 'without Nagle "b" goes out at once, before any retransmission of "a"' },
  { file: 'keepalive-off-by-default.ts', step: 4, with: `expect('A', { seq: 0, timeout: 2500 })`,           why: 'no keep-alive probe without the application asking' },
  { file: 'keepalive-probe.ts',         step: 4,  with: `either(expect('A', { seq: 0, ack: 1, len: 0, after: 2000, timeout: 5000 }), expect('A', { seq: 0, ack: 1, len: 1, after: 2000, timeout: 5000 }))`, why: 'the first probe comes after the 1 s idle time, not after 2 s' },
  { file: 'keepalive-lost-ack.ts',      step: 5,  with: `either(expect('A', { seq: 0, ack: 1, len: 0, after: 1500, timeout: 5000 }), expect('A', { seq: 0, ack: 1, len: 1, after: 1500, timeout: 5000 }))`, why: 'the unanswered probe is repeated after the 1 s interval, not after 1.5 s' },
  { file: 'rst-with-data.ts',           step: 6,  with: `({ ...s, flags: 'RA' })`,                          why: 'the connection is gone: the listener answers an ACK with a bare RST' },
  { file: 'time-wait-reack.ts',         step: 11, with: `set({ ack: 3 })`,                                  why: 'TIME-WAIT acknowledges the retransmitted FIN exactly (ack 2)' },
  { file: 'time-wait-syn.ts',           step: 11, with: `set({ ack: 100002 })`,                             why: 'the SYN/ACK acknowledges the new SYN exactly (ISN + 1)' },
  { file: 'time-wait-syn-ts.ts',        step: 11, with: `set({ ack: 2 })`,                                  why: 'the SYN/ACK acknowledges the new SYN exactly (ISN + 1)' },
  { file: 'close-unread-rst.ts',        step: 6,  with: `expect('FA', { seq: 1, ack: 12, within: 1500 })`, why: 'closing with unread data sends a RST, not a FIN' },
  { file: 'half-close.ts',              step: 6,  with: `expect('FA', { seq: 1, ack: 8, len: 0, within: 500 })`, why: 'the echo still comes after our FIN' },
  { file: 'synrecv-rst.ts',             step: 5,  with: `set({ seq: 2 })`,                                  why: 'the RST to our stale ACK has seq = its ack (1)' },
  { file: 'syn-from-multicast.ts',      step: 2,  with: `expect('SA', { timeout: 700 })`,                   why: 'a SYN from a multicast source gets no SYN/ACK' },
  { file: 'synack-from-address.ts',     step: 2,  with: `set({ ack: 2 })`,                                  why: 'the SYN/ACK acknowledges exactly the SYN' },
  { file: 'ecn-negotiate.ts',           step: 2,  with: `({ ...s, flags: 'SAEW' })`,                        why: 'the SYN/ACK sets ECE but not CWR' },
  { file: 'ecn-ce-echo.ts',             step: 7,  with: `({ ...s, flags: 'AE' })`,                          why: 'ECE stops once CWR has arrived' },
  { file: 'ts-every-segment.ts',        step: 5,  with: `either(expect('A', { options: { lacks: ['timestamp'] } }), expect('PA', { options: { lacks: ['timestamp'] } }))`, why: 'every segment carries a timestamp once they are agreed' },
  { file: 'sack-first-block.ts',        step: 7,  with: `set({ options: { sack: [[101, 201], [301, 401]] } })`, why: 'the most recent block comes first' },
  { file: 'initial-rto.ts',             step: 3,  with: `set({ after: 0, within: 800 })`,                   why: 'the first retransmission waits about 1 s, not under 800 ms' },
  { file: 'rto-minimum.ts',             step: 5,  with: `either(expect('A', { seq: 1, len: 500, within: 800, timeout: 8000 }), expect('PA', { seq: 1, len: 500, within: 800, timeout: 8000 }))`, why: 'the retransmission waits at least about 1 s, not under 800 ms' },
  { file: 'initial-window.ts',          step: 8,  with: `either(expect('A', { seq: range(1, 4381), timeout: 20 }), expect('PA', { seq: range(1, 4381), timeout: 20 }))`, why: 'the first flight is new data: with an initial window of 10, the fifth segment starts at 5841' },
  { file: 'fast-retransmit.ts',         step: 19, with: `either(expect('A', { seq: 3001, len: 500 }), expect('PA', { seq: 3001, len: 500 }))`, why: 'the retransmitted segment is the one the duplicate ACKs point at (2501)' },
  { file: 'isn-clock.ts',               step: 6,  with: `set({ ack: 2 })`,                                  why: 'the second SYN/ACK acknowledges exactly our repeated SYN (ISN + 1)' },
  { file: 'isn-unpredictable.ts',       step: 47, with: `set({ seq: 1 })`,                                  why: 'a SYN/ACK\'s sequence number is its ISN (relative 0)' },
  { file: 'urgent-pointer.ts',          step: 6,  with: `expect('PA', { seq: 1, ack: 4, payload: 'ab', within: 500 })`, why: '"b" is the last urgent octet, so the echo is never "ab"' },
  { file: 'rfc5961-old-ack.ts',         step: 5,  with: `set({ ack: 10 })`,                                 why: 'data acknowledging a point far in the past is not taken' },
  { file: 'ip-options-ignored.ts',      step: 2,  with: `({ ...s, flags: 'RA' })`,                          why: 'an unknown IP option does not stop the SYN being answered' },
  { file: 'simultaneous-open.ts',       step: 7,  with: `set({ ack: 2 })`,                                  why: 'the SYN/ACK acknowledges exactly our crossing SYN (ISN + 1)' },
  { file: 'syn-retransmit.ts',          step: 7,  with: `set({ backoff: 3 })`,                              why: 'the SYN timer doubles: the second interval is about 2x the first, not 3x' },
  { file: 'icmp-source-quench.ts',      step: 8,  with: `silence(200)`,                                     why: 'a Source Quench changes nothing: data comes at once' },
  { file: 'icmp-soft-errors.ts',        step: 12, with: `expect('R', { timeout: 500 })`,                    why: 'soft errors do not abort: data comes, not a RST' },
  { file: 'icmp-hard-error.ts',         step: 9,  with: `({ ...s, flags: 'RA' })`,                          why: 'the aborted connection is gone: our ACK gets a bare RST' },
  { file: 'ipv6-mss-from-mtu.ts',       step: 2,  with: `set({ options: { mss: range(1441, 65535) } })`,    why: 'over IPv6 the announced MSS is at most MTU - 60 = 1440' },
  { file: 'ipv6-mss-default-1220.ts',   step: 4,  with: `either(expect('A', { seq: 1, len: range(1221, 65535) }), expect('PA', { seq: 1, len: range(1221, 65535) }))`, why: 'without an MSS option no IPv6 segment carries more than 1220 bytes' },
  { file: 'ipv6-extension-headers.ts',  step: 2,  with: `set({ ack: 2 })`,                                  why: 'the SYN/ACK acknowledges exactly the SYN behind the extension headers (ack 1)' },
  { file: 'ipv6-flow-label.ts',         step: 2,  with: `set({ ip: { flowLabel: 0 } })`,                    why: 'the target labels its flows (Linux: net.ipv6.auto_flowlabels), so the SYN/ACK\'s label is not 0' },
  { file: 'ipv6-packet-too-big.ts',     step: 7,  with: `either(expect('A', { seq: 1, len: range(1221, 1440), within: 1000 }), expect('PA', { seq: 1, len: range(1221, 1440), within: 1000 }))`, why: 'after packet too big with MTU 1280, no segment carries more than 1220 bytes' },
  { file: 'icmp-frag-needed.ts',        step: 7,  with: `either(expect('A', { seq: 1, len: range(1361, 1460), within: 1000 }), expect('PA', { seq: 1, len: range(1361, 1460), within: 1000 }))`, why: 'after the next-hop MTU of 1400, no segment carries more than 1360 bytes' },
  { file: 'window-shrink-retransmit.ts', step: 7, with: `either(expect('A', { seq: 1001, timeout: 8000 }), expect('PA', { seq: 1001, timeout: 8000 }))`, why: 'what comes when the timer fires is the old data at 501, not new data past the right edge' },
  { file: 'syn-to-broadcast.ts',        step: 2,  with: `expect('SA', { timeout: 700 })`,                   why: 'nobody answers a SYN sent to a broadcast address' },
  { file: 'window-right-edge.ts',       step: 9,  with: `set({ window: where('ack + window left of the last right edge', (w: number) => !(s.fields.window as { test: (v: number) => boolean }).test(w)) })`, why: 'the check negated on the second ACK: the right edge does not move left' },
  { file: 'zero-window-urgent.ts',      step: 88, with: `silence(1000)`,                                    why: 'the urgent mark reaches the application behind the zero window, and it answers "urgent\\n"' },
  { file: 'zero-window-rst.ts',         step: 89, with: `expect('A', { seq: 1, window: 0, within: 500 })`,  why: 'the RST at RCV.NXT reset the connection: the next segment gets a RST, not another zero-window ACK' },
  { file: 'receiver-sws.ts',            step: 369, with: `set({ window: range(1, 199) })`,                   why: 'the reopened window is a useful one (at least our MSS of 200), never a silly few bytes' },
  { file: 'push-collapse.ts',           step: 6,  with: `expect('PA', { seq: 1, ack: 1, len: 100, payload: '0'.repeat(100), within: 500 })`, why: 'the ten pushed pieces leave as one 1000-byte segment, not one segment each' },
  { file: 'source-route-reversed.ts',   step: 5,  with: `set({ ip: { dst: '10.77.0.1' } })`,                why: 'the ACK goes back by the reversed route: to 10.77.0.201 first, not straight to 10.77.0.1' },
  { file: 'source-route-override.ts',   step: 5,  with: `set({ ip: { dst: '10.77.0.201', route: ['10.77.0.1'] } })`, why: 'the ACK follows the newer route (10.77.0.99, then 10.77.0.1), not the SYN\'s' },
  { file: 'tfo-cookie.ts',              step: 2,  with: `set({ options: { lacks: ['fastOpen'] } })`,       why: 'the SYN/ACK carries a Fast Open cookie' },
  { file: 'tfo-data-in-syn.ts',         step: 5,  with: `set({ ack: 1 })`,                                  why: 'with a valid cookie the SYN/ACK acknowledges the 5 data bytes too (ack 6), not the SYN alone' },
  { file: 'tfo-bad-cookie.ts',          step: 2,  with: `set({ ack: 6 })`,                                  why: 'with an invalid cookie the data in the SYN is not taken: ack 1, not 6' },
  // New scenarios of issue 26, group A (PUSH, window):
  { file: 'zero-window-shrink.ts',      step: 7,  with: `silence(8000)`,                                    why: 'with the window shrunk to zero and data in flight the sender probes: the data at 501 again, or an empty probe' },
  // New scenarios of issue 26, group D (urgent data, options, checksums):
  // New scenarios of issue 26, group B (ISN, open, close, retransmission, ACKs, sending):
  { file: 'time-wait-lasts.ts',         step: 12, with: `expect('R', { seq: 24, within: 500 })`,            why: 'five seconds into TIME-WAIT the connection is still remembered: the FIN gets an ACK, not the RST of a forgotten connection' },
  { file: 'active-open-source.ts',      step: 5,  with: `set({ ip: { dst: '10.77.0.201' } })`,              why: 'the dialer\'s SYN goes between the two hosts\' own addresses: to ours (10.77.0.1), not to another' },
  { file: 'ack-data-fin.ts',            step: 5,  with: `either(expect('A', { seq: 1, ack: 5, len: 0, within: 500 }), expect('FA', { seq: 1, ack: 5, len: 0, within: 500 }))`, why: 'the first answer acknowledges the data and the FIN together: ack 6, not 5' },
  { file: 'ack-second-full-segment.ts', step: 7,  with: `silence(150)`,                                      why: 'the ACK of the second full-sized segment comes at once, within 150 ms' },
  { file: 'sender-sws-nodelay.ts',      step: 8,  with: `either(expect('A', { seq: 801, timeout: 80 }), expect('PA', { seq: 801, timeout: 80 }))`, why: 'no 200-byte runt is sent into the window\'s remainder' },
  // New scenarios of issue 26, group C (failures, keep-alive, IP options, ICMP, addresses, API, RFC 5961, ECN, CC):
  { file: 'keepalive-no-data.ts',       step: 4,  with: `set({ len: 1 })`,                                  why: 'the keep-alive probe carries no data (not a garbage octet)' },
  { file: 'keepalive-off-idle-set.ts',  step: 8,  with: `expect('A', { seq: 0, ack: 1, timeout: 2500 })`,   why: 'an idle time set without SO_KEEPALIVE turns no keep-alives on: no probe comes' },
  // Group E (issue 26 item 8): SYN-SENT, simultaneous close, TIME-WAIT RSTs, text after a FIN, sequence wrap:
  { file: 'synsent-bad-ack.ts',         step: 4,  with: `set({ seq: 1 })`,                                  why: 'the RST to the unacceptable SYN/ACK has seq SEG.ACK (1000), not ISS+1' },
  { file: 'synsent-rst-no-ack.ts',      step: 5,  with: `expect('R', { seq: 1, len: 0, within: 1000 })`,    why: 'the RST without ACK did not end the attempt: the SYN/ACK after it is acknowledged, not refused' },
  { file: 'simultaneous-close.ts',      step: 9,  with: `expect('A', { seq: 2, ack: 1, len: 0 })`,                                  why: 'in CLOSING our crossing FIN is acknowledged: ack 2, not 1' },
  { file: 'close-wait-text-ignored.ts', step: 10, with: `app('read', 100, { returns: 14 })`,                why: 'the text after our FIN never reaches the application: its read gives the end of the stream (0), not the 14 bytes' },
  { file: 'time-wait-rst.ts',           step: 13, with: `expect('R', { seq: 24, len: 0, within: 500 })`,    why: 'the out-of-window RST left TIME-WAIT in place: our FIN again gets its ACK, not the listener\'s RST' },
  { file: 'seq-wrap.ts',                step: 10, with: `set({ ack: 101 })`,                                why: 'the 80 bytes across the wrap to 0 are acknowledged in full: ack 141, not 101 (the bytes before 2^32)' },
  // Group F (issue 26 item 8): the RTO from RTT samples, Karn's rule, window updates, the keep-alive idle time.
  { file: 'rto-from-samples.ts',        step: 13, with: `either(expect('PA', { seq: 2, ack: 3, payload: 'b', within: 1200, timeout: 5000 }), expect('A', { seq: 2, ack: 3, payload: 'b', within: 1200, timeout: 5000 }))`, why: 'the retransmission waits for the RTO the 600 and 900 ms samples give (about 1.8 s), not the 1 s of an RTO that ignored them' },
  { file: 'rto-karn.ts',                step: 13, with: `either(expect('PA', { seq: 2, ack: 3, payload: 'b', within: 3000, timeout: 10000 }), expect('A', { seq: 2, ack: 3, payload: 'b', within: 3000, timeout: 10000 }))`, why: 'the ACK of the retransmission gave no sample: the backed-off 3.6 s RTO holds, no retransmission within 3 s' },
  { file: 'window-update-old-segment.ts', step: 11, with: `expect('A', { seq: 1001, timeout: 50 })`,         why: 'the older segment\'s window of 65535 is not taken: no new data comes' },
  { file: 'app-keepalive-idle-set.ts',  step: 12, with: `either(expect('A', { seq: 0, ack: 1, len: 0, within: 2500, timeout: 4900 }), expect('A', { seq: 0, ack: 1, len: 1, within: 2500, timeout: 4900 }))`, why: 'the idle time changed to 3 s holds: the second probe does not come within 2.5 s of our answer' },
  { file: 'listen-during-handshake.ts', step: 4,  with: `set({ after: 600 })`,                              why: 'the port still listens while the first handshake is pending: the second SYN is answered at once, not after 600 ms' },
  { file: 'app-listen-again.ts',        step: 12, with: `silence(500, { conn: 'third' })`,                 why: 'the port still listens after the second passive OPEN: a new SYN is answered' },
  { file: 'app-urgent-query.ts',        step: 9,  with: `app('read', 1, { oob: true, returns: -1 })`,      why: 'once "abc" came as urgent data, recv(MSG_OOB) tells the application so: it returns an octet' },
  // Group H (issue 26 item 8): SACK recovery, D-SACK, TS.Recent, SYN windows, RFC 6691's MSS, long urgent data:
  { file: 'sack-recovery.ts',           step: 14, with: `either(expect('A', { seq: 501, len: 500, within: 1000 }), expect('PA', { seq: 501, len: 500, within: 1000 }))`, why: 'after the hole and our ACK of everything, the next segment is new data at 2001: the SACKed 501 never goes again' },
  { file: 'dsack.ts',                   step: 9,  with: `expect('A', { seq: 1, ack: 201, len: 0, within: 500, options: { sack: [[1, 201], [301, 401]] } })`, why: 'a D-SACK block, when there is one, covers the duplicate 1-101 alone, not everything received in order' },
  { file: 'ts-recent-ooo.ts',           step: 7,  with: `set({ options: { timestamp: { tsecr: 7_000_030 } } })`, why: 'the duplicate ACK echoes the TSval of the last in-order segment (TS0+10), not the out-of-order one\'s (TS0+30)' },
  { file: 'syn-window-unscaled.ts',     step: 9,  with: `either(expect('A', { seq: 1001, ack: 1, timeout: 5000 }), expect('PA', { seq: 1001, ack: 1, timeout: 5000 }))`, why: 'the SYN/ACK\'s window of 1000 is not scaled: with it full, what comes next is the segment at 1 again, not new data at 1001' },
  { file: 'mss-not-less-options.ts',    step: 5,  with: `set({ options: { mss: 1448, timestamp: { tsecr: 8_000_000 } } })`, why: 'the MSS announced with timestamps agreed is the MTU less 40 (1460), not less the timestamp option too (1448)' },
  { file: 'app-urgent-long.ts',         step: 7,  with: `either(expect('A', { seq: 1, ack: 1, len: 500 }), expect('PA', { seq: 1, ack: 1, len: 500 }))`, why: 'the first segment of the urgent data carries URG and the pointer 1000; it is not sent as plain data' },
  // Issue 26 items 5-6: an OPEN to a broadcast address.
  { file: 'app-open-broadcast.ts',      step: 2,  with: `expect('S', { timeout: 1500 })`,                   why: 'no SYN goes to the broadcast address' },
  // Group G (issue 26 item 8): congestion control (RFC 5681) and the ECN sender (RFC 3168).
  { file: 'slow-start.ts',              step: 9,  with: `either(expect('A', { len: 500, timeout: 100 }), expect('PA', { len: 500, timeout: 100 }))`, why: 'an ACK of one segment in slow start lets at most two new segments out: no third comes' },
  { file: 'loss-window.ts',             step: 8,  with: `either(expect('A', { seq: 1001, timeout: 8000 }), expect('PA', { seq: 1001, timeout: 8000 }))`, why: 'after the timeout cwnd is one segment: the opened window brings no new data at 1001, the next segment is the retransmission of 1' },
  { file: 'fast-recovery.ts',           step: 39, with: `either(expect('A', { len: 500, timeout: 100 }), expect('PA', { len: 500, timeout: 100 }))`, why: 'the reduced window lets at most four new segments out for four more duplicate ACKs (Linux\'s PRR: about three): no further one comes' },
  { file: 'congestion-avoidance.ts',    step: 21, with: `either(expect('A', { len: 500, timeout: 100 }), expect('PA', { len: 500, timeout: 100 }))`, why: 'an ACK of one segment after the recovery lets at most two new segments out: no third comes' },
  { file: 'idle-restart.ts',            step: 46, with: `either(expect('A', { len: 500, timeout: 150 }), expect('PA', { len: 500, timeout: 150 }))`, why: 'after three idle seconds the write goes out at most an initial window (ten segments) at a time: no eleventh comes before our ACK' },
  { file: 'ecn-ect-marking.ts',         step: 6,  with: `either(expect('A', { seq: 1, ack: 1, len: 500, ip: { ecn: 2 } }), expect('PA', { seq: 1, ack: 1, len: 500, ip: { ecn: 2 } }))`, why: 'the retransmission after the timeout is not-ECT, not ECT(0)' },
  { file: 'ecn-cwr.ts',                 step: 7,  with: `either(expect('A', { ack: 1, len: 500, within: 500 }), expect('PA', { ack: 1, len: 500, within: 500 }))`, why: 'the first new segment after our ECE carries CWR' },
];

/** The TypeScript source of twin `t`, importing its original from scenarios/conformance. */
export function twinSource(t: Twin): string {
  return `import base from ${JSON.stringify(join(DIR, t.file))};
import { expect, silence, either, range, capture, where, app, type Step, type ExpectStep } from 'tcpcraft';
const i = ${t.step - 1};
const s = base.steps[i] as ExpectStep;
const set = (f: Record<string, unknown>): Step => ({ ...s, fields: { ...s.fields, ...f } }) as Step;
void expect; void silence; void either; void range; void capture; void where; void app; void set;
const steps = [...base.steps];
steps[i] = ${t.with};
export default { ...base, name: base.name + '-twin', steps };
`;
}

