/** Reports: trace, ladder, diagnostics, JSON and pcap. */
export * from '../engine/notation.js';
export * from './trace.js';
export * from './ladder.js';
export * from '../engine/diagnose.js';
export * from './json.js';
export * from './pcap.js';
