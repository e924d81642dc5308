/** The wire codec: bytes <-> values for IPv4, IPv6 (and the table of what differs between them), TCP, TCP options, checksums, sequence numbers and pcap. */
export * from './errors.js';
export * from './seq.js';
export * from './checksum.js';
export * from './options.js';
export * from './tcp.js';
export * from './ipv4.js';
export * from './ipv6.js';
export * from './family.js';
export * from './link.js';
export * from './packet.js';
export * from './pcap.js';
export * from './icmp.js';
export * from './capture.js';
export * from './pcapng.js';
