/**
 * BTHome v2 object table [PENDANT SPEC §2.3], after the public format at bthome.io/format.
 * Fixed-size objects only, plus text (0x53) and raw (0x54) which carry a length byte.
 */

export type BthomeValueKind = 'number' | 'binary' | 'button' | 'dimmer' | 'text' | 'raw';

export interface BthomeObjectDef {
  id: number;
  name: string;
  kind: BthomeValueKind;
  /** Value size in bytes (for text/raw: 0, the first value byte is the length). */
  size: number;
  signed: boolean;
  /** value = raw / divisor (powers of ten give exact decimal results). */
  divisor: number;
  /** Optional extra factor (0x58 temperature is raw × 0.35). */
  multiplier?: number;
  unit?: string;
}

type Row = [
  id: number,
  name: string,
  kind: BthomeValueKind,
  size: number,
  signed: boolean,
  divisor: number,
  unit?: string,
];

const ROWS: readonly Row[] = [
  [0x00, 'packet_id', 'number', 1, false, 1],
  [0x01, 'battery', 'number', 1, false, 1, '%'],
  [0x02, 'temperature', 'number', 2, true, 100, '°C'],
  [0x03, 'humidity', 'number', 2, false, 100, '%'],
  [0x04, 'pressure', 'number', 3, false, 100, 'hPa'],
  [0x05, 'illuminance', 'number', 3, false, 100, 'lx'],
  [0x06, 'mass_kg', 'number', 2, false, 100, 'kg'],
  [0x07, 'mass_lb', 'number', 2, false, 100, 'lb'],
  [0x08, 'dewpoint', 'number', 2, true, 100, '°C'],
  [0x09, 'count', 'number', 1, false, 1],
  [0x0a, 'energy', 'number', 3, false, 1000, 'kWh'],
  [0x0b, 'power', 'number', 3, false, 100, 'W'],
  [0x0c, 'voltage', 'number', 2, false, 1000, 'V'],
  [0x0d, 'pm2_5', 'number', 2, false, 1, 'µg/m³'],
  [0x0e, 'pm10', 'number', 2, false, 1, 'µg/m³'],
  [0x0f, 'generic_boolean', 'binary', 1, false, 1],
  [0x10, 'power_on', 'binary', 1, false, 1],
  [0x11, 'opening', 'binary', 1, false, 1],
  [0x12, 'co2', 'number', 2, false, 1, 'ppm'],
  [0x13, 'tvoc', 'number', 2, false, 1, 'µg/m³'],
  [0x14, 'moisture', 'number', 2, false, 100, '%'],
  [0x15, 'battery_low', 'binary', 1, false, 1],
  [0x16, 'battery_charging', 'binary', 1, false, 1],
  [0x17, 'carbon_monoxide', 'binary', 1, false, 1],
  [0x18, 'cold', 'binary', 1, false, 1],
  [0x19, 'connectivity', 'binary', 1, false, 1],
  [0x1a, 'door', 'binary', 1, false, 1],
  [0x1b, 'garage_door', 'binary', 1, false, 1],
  [0x1c, 'gas_detected', 'binary', 1, false, 1],
  [0x1d, 'heat', 'binary', 1, false, 1],
  [0x1e, 'light', 'binary', 1, false, 1],
  [0x1f, 'lock', 'binary', 1, false, 1],
  [0x20, 'moisture_detected', 'binary', 1, false, 1],
  [0x21, 'motion', 'binary', 1, false, 1],
  [0x22, 'moving', 'binary', 1, false, 1],
  [0x23, 'occupancy', 'binary', 1, false, 1],
  [0x24, 'plug', 'binary', 1, false, 1],
  [0x25, 'presence', 'binary', 1, false, 1],
  [0x26, 'problem', 'binary', 1, false, 1],
  [0x27, 'running', 'binary', 1, false, 1],
  [0x28, 'safety', 'binary', 1, false, 1],
  [0x29, 'smoke', 'binary', 1, false, 1],
  [0x2a, 'sound', 'binary', 1, false, 1],
  [0x2b, 'tamper', 'binary', 1, false, 1],
  [0x2c, 'vibration', 'binary', 1, false, 1],
  [0x2d, 'window', 'binary', 1, false, 1],
  [0x2e, 'humidity', 'number', 1, false, 1, '%'],
  [0x2f, 'moisture', 'number', 1, false, 1, '%'],
  [0x3a, 'button', 'button', 1, false, 1],
  [0x3c, 'dimmer', 'dimmer', 2, false, 1],
  [0x3d, 'count', 'number', 2, false, 1],
  [0x3e, 'count', 'number', 4, false, 1],
  [0x3f, 'rotation', 'number', 2, true, 10, '°'],
  [0x40, 'distance_mm', 'number', 2, false, 1, 'mm'],
  [0x41, 'distance_m', 'number', 2, false, 10, 'm'],
  [0x42, 'duration', 'number', 3, false, 1000, 's'],
  [0x43, 'current', 'number', 2, false, 1000, 'A'],
  [0x44, 'speed', 'number', 2, false, 100, 'm/s'],
  [0x45, 'temperature', 'number', 2, true, 10, '°C'],
  [0x46, 'uv_index', 'number', 1, false, 10],
  [0x47, 'volume', 'number', 2, false, 10, 'L'],
  [0x48, 'volume_ml', 'number', 2, false, 1, 'mL'],
  [0x49, 'volume_flow_rate', 'number', 2, false, 1000, 'm³/h'],
  [0x4a, 'voltage', 'number', 2, false, 10, 'V'],
  [0x4b, 'gas', 'number', 3, false, 1000, 'm³'],
  [0x4c, 'gas', 'number', 4, false, 1000, 'm³'],
  [0x4d, 'energy', 'number', 4, false, 1000, 'kWh'],
  [0x4e, 'volume', 'number', 4, false, 1000, 'L'],
  [0x4f, 'water', 'number', 4, false, 1000, 'L'],
  [0x50, 'timestamp', 'number', 4, false, 1, 's'],
  [0x51, 'acceleration', 'number', 2, false, 1000, 'm/s²'],
  [0x52, 'gyroscope', 'number', 2, false, 1000, '°/s'],
  [0x53, 'text', 'text', 0, false, 1],
  [0x54, 'raw', 'raw', 0, false, 1],
  [0x55, 'volume_storage', 'number', 4, false, 1000, 'L'],
  [0x56, 'conductivity', 'number', 2, false, 1, 'µS/cm'],
  [0x57, 'temperature', 'number', 1, true, 1, '°C'],
  [0x59, 'count', 'number', 1, true, 1],
  [0x5a, 'count', 'number', 2, true, 1],
  [0x5b, 'count', 'number', 4, true, 1],
  [0x5c, 'power', 'number', 4, true, 100, 'W'],
  [0x5d, 'current', 'number', 2, true, 1000, 'A'],
  [0x5e, 'direction', 'number', 2, false, 100, '°'],
  [0x5f, 'precipitation', 'number', 2, false, 10, 'mm'],
  [0x60, 'channel', 'number', 1, false, 1],
  [0xf0, 'device_type_id', 'number', 2, false, 1],
  [0xf1, 'firmware_version', 'number', 4, false, 1],
  [0xf2, 'firmware_version', 'number', 3, false, 1],
];

const TABLE = new Map<number, BthomeObjectDef>();
for (const [id, name, kind, size, signed, divisor, unit] of ROWS) {
  TABLE.set(id, { id, name, kind, size, signed, divisor, ...(unit === undefined ? {} : { unit }) });
}
// 0x58: temperature, sint8, factor 0.35 — the only non-decimal factor in the table.
TABLE.set(0x58, {
  id: 0x58,
  name: 'temperature',
  kind: 'number',
  size: 1,
  signed: true,
  divisor: 1,
  multiplier: 0.35,
  unit: '°C',
});

export function bthomeObjectDef(id: number): BthomeObjectDef | undefined {
  return TABLE.get(id);
}

export const BTHOME_OBJECT_IDS: readonly number[] = [...TABLE.keys()].sort((a, b) => a - b);

/** Button events of object 0x3A [PENDANT SPEC §2.4]. */
export const BTHOME_BUTTON_EVENTS = {
  0: 'none',
  1: 'press',
  2: 'double_press',
  3: 'triple_press',
  4: 'long_press',
  5: 'long_double_press',
  6: 'long_triple_press',
  128: 'hold_press',
} as const;

export type BthomeButtonEvent = (typeof BTHOME_BUTTON_EVENTS)[keyof typeof BTHOME_BUTTON_EVENTS];

/** Dimmer events of object 0x3C: first byte event, second byte steps [PENDANT SPEC §2.4]. */
export const BTHOME_DIMMER_EVENTS = { 0: 'none', 1: 'rotate_left', 2: 'rotate_right' } as const;

export type BthomeDimmerEvent = (typeof BTHOME_DIMMER_EVENTS)[keyof typeof BTHOME_DIMMER_EVENTS];

export function buttonEventName(code: number): BthomeButtonEvent | undefined {
  return (BTHOME_BUTTON_EVENTS as Record<number, BthomeButtonEvent>)[code];
}

export function buttonEventCode(event: BthomeButtonEvent): number {
  for (const [code, name] of Object.entries(BTHOME_BUTTON_EVENTS)) if (name === event) return Number(code);
  return 0;
}

export function dimmerEventName(code: number): BthomeDimmerEvent | undefined {
  return (BTHOME_DIMMER_EVENTS as Record<number, BthomeDimmerEvent>)[code];
}

export function dimmerEventCode(event: BthomeDimmerEvent): number {
  for (const [code, name] of Object.entries(BTHOME_DIMMER_EVENTS)) if (name === event) return Number(code);
  return 0;
}
