/** Mutants for RFC 9293 Appendix B's rows on urgent data, TCP options and checksums (see mutants.ts). */
import type { Mutant } from './mutant.js';

export const MUTANTS_D: readonly Mutant[] = [];
