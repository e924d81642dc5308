// A server scenario that would wait a minute for its client: `--timeout` must cut that short.
import { scenario, send, expect } from 'tcpcraft';

export default scenario({
  name: 'server-patient',
  role: 'server',
  local: { host: '10.77.0.1', port: 13 },
  timeout: 60000,
  steps: [expect('S'), send('SA'), expect('A')],
});
