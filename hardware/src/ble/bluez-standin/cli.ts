/**
 * Demo entry: starts a private dbus-daemon and the BlueZ stand-in, prints the address to export
 * as DBUS_SYSTEM_BUS_ADDRESS, and runs until SIGINT/SIGTERM. See README.md.
 *   tsx hardware/src/ble/bluez-standin/cli.ts [--adapter hci0]
 * With DBUS_STANDIN_BUS_ADDRESS set it joins that existing bus instead of starting one.
 */
import { startPrivateDbus } from './private-dbus.js';
import { startBluezStandin } from './standin.js';

const argAdapter = process.argv.indexOf('--adapter');
const adapter = argAdapter >= 0 ? process.argv[argAdapter + 1] : undefined;
const existing = process.env['DBUS_STANDIN_BUS_ADDRESS'];
const daemon = existing ? undefined : await startPrivateDbus();
const address = existing ?? daemon!.address;
const standin = await startBluezStandin({ busAddress: address, ...(adapter ? { adapter } : {}) });
process.stdout.write(`DBUS_SYSTEM_BUS_ADDRESS=${address}\n`);
process.stderr.write(`BlueZ stand-in owns org.bluez on /org/bluez/${standin.adapter}; Ctrl-C to stop\n`);

const shutdown = async (): Promise<void> => {
  await standin.stop();
  await daemon?.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
