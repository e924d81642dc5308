/** Faults for the mutants of RFC 9293 Appendix B's rows on connection failures, keep-alives, IP options, ICMP, address validation, the application interface, RFC 5961, ECN and congestion control (see faults.ts). */
export const FAULTS_C = [] as const;
