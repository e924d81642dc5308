/** Mutants for RFC 9293 Appendix B's rows on PUSH and the window (see mutants.ts). */
import type { Mutant } from './mutant.js';

export const MUTANTS_A: readonly Mutant[] = [];
