/** Faults for the mutants of RFC 9293 Appendix B's rows on ISN, opening and closing connections, retransmission, ACKs and sending data (see faults.ts). */
export const FAULTS_B = [] as const;
