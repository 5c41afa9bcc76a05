import { SerialPortMock } from 'serialport';
import { afterEach, describe, expect, it } from 'vitest';
import { MockClock } from '../clock/mock-clock.js';
import { HardwareError } from '../errors.js';
import { nextClose, receiveBytes } from '../testing/serial-link-contract.js';
import { openError, type SerialPortBinding, SerialPortLink } from './serial-port-link.js';

const MockBinding = SerialPortMock.binding;
type MockPortBinding = Awaited<ReturnType<typeof MockBinding.open>>;
type OpenOptions = Parameters<typeof MockBinding.open>[0];

/**
 * node-serialport's own mock binding, wrapped so a test can make the OS calls fail the way a
 * vanished USB adapter does on versions that never emit 'close' (serialport #2043, #2351).
 */
class FaultBinding {
  port: MockPortBinding | undefined;
  openFails: Error | undefined;
  readonly binding = {
    list: () => MockBinding.list(),
    open: async (options: OpenOptions) => {
      if (this.openFails) throw this.openFails;
      this.port = await MockBinding.open(options);
      return this.port;
    },
  } as unknown as SerialPortBinding;

  last(): MockPortBinding {
    return this.port!;
  }
}

function faultBinding(): FaultBinding {
  return new FaultBinding();
}

const PATH = '/dev/ttyMOCK0';
const eio = (): Error => Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });

describe('SerialPortLink at the serialport binding boundary', () => {
  afterEach(() => MockBinding.reset());

  it('receives bytes the device sends and hands writes to the binding', async () => {
    MockBinding.createPort(PATH, { record: true });
    const fb = faultBinding();
    const link = new SerialPortLink({ path: PATH, binding: fb.binding });
    await link.open();
    const got = receiveBytes(link, 3);
    fb.last().emitData(Buffer.from([1, 2, 3]));
    expect([...(await got)]).toEqual([1, 2, 3]);
    await link.write(Uint8Array.of(9, 8));
    expect([...fb.last().recording]).toEqual([9, 8]);
    await link.close();
  });

  it('treats a failed write as an unplug even when the port emits no close', async () => {
    MockBinding.createPort(PATH);
    const fb = faultBinding();
    const link = new SerialPortLink({ path: PATH, binding: fb.binding });
    await link.open();
    fb.last().write = async () => {
      throw eio();
    };
    const closes: Array<{ disconnected: boolean }> = [];
    link.on('close', (i) => closes.push(i));
    const err = await link.write(Uint8Array.of(1)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HardwareError);
    expect((err as HardwareError).code).toBe('BAKEN_ERR_SERIAL_WRITE');
    expect((err as HardwareError).disconnected).toBe(true);
    expect(closes).toEqual([{ disconnected: true }]);
    expect(link.isOpen).toBe(false);
  });

  it('treats a failed read as an unplug, and reopens once the device is back', async () => {
    MockBinding.createPort(PATH);
    const fb = faultBinding();
    const link = new SerialPortLink({ path: PATH, binding: fb.binding });
    await link.open();
    const port = fb.last();
    const closed = nextClose(link);
    // The next read the stream issues fails like a pulled USB adapter (ENXIO).
    port.read = async () => {
      throw Object.assign(new Error('ENXIO: no such device'), { code: 'ENXIO' });
    };
    port.emitData(Buffer.from([0])); // wakes the pending read; the one after it fails
    expect(await closed).toEqual({ disconnected: true });
    const writeErr = await link.write(Uint8Array.of(1)).catch((e: unknown) => e);
    expect((writeErr as HardwareError).disconnected).toBe(true);

    await link.open();
    expect(link.isOpen).toBe(true);
    const got = receiveBytes(link, 2);
    fb.last().emitData(Buffer.from([5, 6]));
    expect([...(await got)]).toEqual([5, 6]);
    await link.close();
  });

  it('ends the link when its by-id name vanishes or names another device node, and reopens under it', async () => {
    const BY_ID = '/dev/serial/by-id/usb-Baken_Key_Safe-if00-port0';
    MockBinding.createPort(BY_ID);
    const clock = new MockClock();
    let node: string | null = '/dev/ttyUSB0';
    const fb = faultBinding();
    const link = new SerialPortLink({
      path: BY_ID,
      binding: fb.binding,
      clock,
      presenceProbeMs: 100,
      resolveDevice: (p) => (p === BY_ID ? node : null),
    });
    const closes: Array<{ disconnected: boolean }> = [];
    link.on('close', (i) => closes.push(i));
    await link.open();
    clock.advance(100);
    expect(link.isOpen).toBe(true);
    node = null; // unplugged: udev removed the by-id link
    clock.advance(100);
    expect(closes).toEqual([{ disconnected: true }]);
    node = '/dev/ttyUSB1';
    await link.open();
    clock.advance(300);
    expect(link.isOpen).toBe(true);
    node = '/dev/ttyUSB2'; // pulled and put back between two probes: the old descriptor is dead
    clock.advance(100);
    expect(closes).toEqual([{ disconnected: true }, { disconnected: true }]);
  });

  it('a missing device rejects open() with BAKEN_ERR_SERIAL_OPEN', async () => {
    const link = new SerialPortLink({ path: '/dev/does-not-exist-baken', baudRate: 115200 });
    const err = await link.open().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HardwareError);
    expect((err as HardwareError).code).toBe('BAKEN_ERR_SERIAL_OPEN');
    expect(link.isOpen).toBe(false);
  });

  it('a permission error names the dialout group', async () => {
    MockBinding.createPort(PATH);
    const fb = faultBinding();
    fb.openFails = Object.assign(new Error('Error: Permission denied, cannot open /dev/ttyUSB0'), {
      code: 'EACCES',
    });
    const link = new SerialPortLink({ path: PATH, binding: fb.binding });
    const err = (await link.open().catch((e: unknown) => e)) as HardwareError;
    expect(err.code).toBe('BAKEN_ERR_SERIAL_OPEN');
    expect(err.message).toMatch(/dialout/);
    expect(openError('/dev/ttyUSB0', new Error('Error: Permission denied')).message).toMatch(/dialout/);
    expect(openError('/dev/ttyUSB0', new Error('busy')).message).not.toMatch(/dialout/);
  });
});
