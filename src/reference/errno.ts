/** Why a connection of the reference stack ended, as the errno names a socket layer reports. */
export type TcbError = 'ECONNRESET' | 'ECONNREFUSED' | 'ETIMEDOUT' | 'EHOSTUNREACH' | 'ENETUNREACH' | 'EPROTO';
