/** Mutants for RFC 9293 Appendix B's rows on ISN, opening and closing connections, retransmission, ACKs and sending data (see mutants.ts). */
import type { Mutant } from './mutant.js';

export const MUTANTS_B: readonly Mutant[] = [];
