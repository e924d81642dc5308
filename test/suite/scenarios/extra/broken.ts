// Does not load: an unknown flag letter. The suite reports it as an error.
import { scenario, send } from 'tcpcraft';

export default scenario({
  name: 'suite-broken',
  peer: { host: '10.77.0.2', port: 9 },
  steps: [send('Q')],
});
