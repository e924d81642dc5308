/** Faults for the mutants of RFC 9293 Appendix B's rows on urgent data, TCP options and checksums (see faults.ts). */
export const FAULTS_D = [] as const;
