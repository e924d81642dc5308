/** The engine: numbering, connection state, matching, the offline planner and the run loop. */
export * from './flow.js';
export * from './numbering.js';
export * from './state.js';
export * from './segment.js';
export * from './match.js';
export * from './report.js';
export * from './plan.js';
export * from './queue.js';
export * from './run.js';
export * from './rehearse.js';
export * from './demux.js';
