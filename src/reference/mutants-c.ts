/** Mutants for RFC 9293 Appendix B's rows on connection failures, keep-alives, IP options, ICMP, address validation, the application interface, RFC 5961, ECN and congestion control (see mutants.ts). */
import type { Mutant } from './mutant.js';

export const MUTANTS_C: readonly Mutant[] = [];
