/** Faults for the mutants of RFC 9293 Appendix B's rows on PUSH and the window (see faults.ts). */
export const FAULTS_A = [] as const;
