/** The one event both pendant formats feed into the gateway [PENDANT SPEC §4]. */
export type PendantEventKind = 'alarm' | 'cancel' | 'fall' | 'low_battery' | 'test' | 'battery';

export const PENDANT_EVENT_KINDS: readonly PendantEventKind[] = [
  'alarm',
  'cancel',
  'fall',
  'low_battery',
  'test',
  'battery',
];

export interface PendantEvent {
  kind: PendantEventKind;
  format: 'bthome' | 'baken';
  /** BTHome: the BLE address "AA:BB:…"; Baken: the 12-hex-digit device id. */
  device: string;
  /** Button index inside a multi-button BTHome advert (0-based); always 0 for Baken adverts. */
  button: number;
  /** BTHome packet id (0..255), else the BTHome encryption counter; Baken: the advert counter. */
  sequence: number | null;
  /** Battery percentage when the advert carried one. */
  battery: number | null;
  /** Received signal strength in dBm, passed through from the scanner. */
  rssi: number | null;
  /**
   * True when a key the home unit holds proved the advert (Baken MAC, BTHome encryption); false
   * for plaintext BTHome, which anyone in radio range can forge [PENDANT SPEC §5.1].
   */
  authenticated: boolean;
}
