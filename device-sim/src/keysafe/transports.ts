import type {
  BluezStandin,
  GattCharacteristicSpec,
  GattLink,
  GattServiceSpec,
  SerialLink,
} from '@baken/hardware';
import {
  KS_GATT_RX_CHAR_UUID,
  KS_GATT_SERVICE_UUID,
  KS_GATT_TX_CHAR_UUID,
  ksChunkForGatt,
} from '@baken/protocols';

/** Anything that takes link bytes from a transport and writes link bytes to it (a key safe, a host). */
export interface ByteSink {
  setWriter(write: (bytes: Uint8Array) => void | Promise<void>): void;
  receive(bytes: Uint8Array): void;
}

/** Wires a device to a serial link (the link must be opened by the caller). Returns a detach function. */
export function attachSerial(device: ByteSink, link: SerialLink): () => void {
  const onData = (chunk: Uint8Array): void => device.receive(chunk);
  link.on('data', onData);
  device.setWriter((bytes) => (link.isOpen ? link.write(bytes) : undefined));
  return () => {
    link.off('data', onData);
    device.setWriter(() => undefined);
  };
}

/**
 * The KS-SERIAL GATT mapping, device side — [KS-SERIAL §11]: the central writes frame bytes to RX, the
 * device notifies frame bytes on TX in chunks of at most 20 bytes. `notify` is the peripheral's
 * notification function (mock peripheral or BlueZ stand-in service).
 */
export function gattCharacteristics(device: ByteSink): GattCharacteristicSpec[] {
  return [
    {
      uuid: KS_GATT_RX_CHAR_UUID,
      flags: ['write', 'write-without-response'],
      onWrite: (v) => device.receive(v),
    },
    { uuid: KS_GATT_TX_CHAR_UUID, flags: ['notify'] },
  ];
}

export function ksGattServiceSpec(device: ByteSink): GattServiceSpec {
  return { uuid: KS_GATT_SERVICE_UUID, characteristics: gattCharacteristics(device) };
}

export function attachGattNotifier(
  device: ByteSink,
  notify: (characteristic: string, value: Uint8Array) => void,
): void {
  device.setWriter((bytes) => {
    for (const chunk of ksChunkForGatt(bytes)) notify(KS_GATT_TX_CHAR_UUID, chunk);
  });
}

/** Puts the device's GATT service on the BlueZ stand-in at `address`. */
export function attachBluezGatt(device: ByteSink, standin: BluezStandin, address: string): void {
  const service = standin.addGattService(address, KS_GATT_SERVICE_UUID, gattCharacteristics(device));
  attachGattNotifier(device, (c, v) => service.notify(c, v));
}

/**
 * Central side of the GATT mapping (a test host or an in-process home unit): frames go to RX in
 * chunks, written one after the other; TX notifications feed the sink. Call after `connect()`;
 * it subscribes to TX itself.
 */
export async function attachGattCentral(sink: ByteSink, link: GattLink): Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  link.on('notify', (characteristic, value) => {
    if (characteristic === KS_GATT_TX_CHAR_UUID) sink.receive(value);
  });
  sink.setWriter((bytes) => {
    for (const chunk of ksChunkForGatt(bytes)) {
      chain = chain
        .then(() => link.write(KS_GATT_SERVICE_UUID, KS_GATT_RX_CHAR_UUID, chunk))
        .catch(() => undefined);
    }
  });
  await link.subscribe(KS_GATT_SERVICE_UUID, KS_GATT_TX_CHAR_UUID);
}
