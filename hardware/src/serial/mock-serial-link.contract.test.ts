import { serialLinkContract } from '../testing/serial-link-contract.js';
import { MockSerialWire } from './mock-serial-link.js';

serialLinkContract('MockSerialWire', async () => {
  const wire = new MockSerialWire();
  return {
    a: wire.a,
    b: wire.b,
    unplug: () => wire.unplug(),
    dispose: async () => {
      await wire.a.close();
      await wire.b.close();
    },
  };
});
