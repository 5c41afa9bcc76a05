/**
 * BTHome v2 object table [PENDANT SPEC §2.3], complete as the public format page lists it (sensor,
 * binary sensor, event, device information and misc tables), sizes, signedness and factors as there.
 * Variable-length objects: text (0x53) and raw (0x54) carry a length byte; the command (0x3B) a
 * length byte (low 5 bits: argument length) then an opcode.
 */

export type BthomeValueKind =
  | 'number'
  | 'binary'
  | 'button'
  | 'dimmer'
  | 'command'
  | 'text'
  | 'raw'
  | 'version';

export interface BthomeObjectDef {
  id: number;
  name: string;
  kind: BthomeValueKind;
  /** Value size in bytes; 0 for the variable-length objects (text, raw, command). */
  size: number;
  signed: boolean;
  /** value = raw × multiplier ÷ divisor; integers, so decimal factors give exact results. */
  divisor: number;
  /** Only 0x58 (factor 0.35 = 35 ÷ 100) needs one. */
  multiplier?: number;
  unit?: string;
}

type Row = [id: number, name: string, size: number, signed: boolean, divisor: number, unit?: string];

/** Numeric objects: [id, name, bytes, signed, divisor, unit] — the format's "Sensor data" table. */
const NUMBERS: readonly Row[] = [
  [0x00, 'packet_id', 1, false, 1],
  [0x01, 'battery', 1, false, 1, '%'],
  [0x02, 'temperature', 2, true, 100, '°C'],
  [0x03, 'humidity', 2, false, 100, '%'],
  [0x04, 'pressure', 3, false, 100, 'hPa'],
  [0x05, 'illuminance', 3, false, 100, 'lx'],
  [0x06, 'mass_kg', 2, false, 100, 'kg'],
  [0x07, 'mass_lb', 2, false, 100, 'lb'],
  [0x08, 'dewpoint', 2, true, 100, '°C'],
  [0x09, 'count', 1, false, 1],
  [0x0a, 'energy', 3, false, 1000, 'kWh'],
  [0x0b, 'power', 3, false, 100, 'W'],
  [0x0c, 'voltage', 2, false, 1000, 'V'],
  [0x0d, 'pm2_5', 2, false, 1, 'µg/m³'],
  [0x0e, 'pm10', 2, false, 1, 'µg/m³'],
  [0x12, 'co2', 2, false, 1, 'ppm'],
  [0x13, 'tvoc', 2, false, 1, 'µg/m³'],
  [0x14, 'moisture', 2, false, 100, '%'],
  [0x2e, 'humidity', 1, false, 1, '%'],
  [0x2f, 'moisture', 1, false, 1, '%'],
  [0x3d, 'count', 2, false, 1],
  [0x3e, 'count', 4, false, 1],
  [0x3f, 'rotation', 2, true, 10, '°'],
  [0x40, 'distance_mm', 2, false, 1, 'mm'],
  [0x41, 'distance_m', 2, false, 10, 'm'],
  [0x42, 'duration', 3, false, 1000, 's'],
  [0x43, 'current', 2, false, 1000, 'A'],
  [0x44, 'speed', 2, false, 100, 'm/s'],
  [0x45, 'temperature', 2, true, 10, '°C'],
  [0x46, 'uv_index', 1, false, 10],
  [0x47, 'volume', 2, false, 10, 'L'],
  [0x48, 'volume_ml', 2, false, 1, 'mL'],
  [0x49, 'volume_flow_rate', 2, false, 1000, 'm³/h'],
  [0x4a, 'voltage', 2, false, 10, 'V'],
  [0x4b, 'gas', 3, false, 1000, 'm³'],
  [0x4c, 'gas', 4, false, 1000, 'm³'],
  [0x4d, 'energy', 4, false, 1000, 'kWh'],
  [0x4e, 'volume', 4, false, 1000, 'L'],
  [0x4f, 'water', 4, false, 1000, 'L'],
  // seconds since 1970-01-01T00:00:00Z
  [0x50, 'timestamp', 4, false, 1, 's'],
  [0x51, 'acceleration', 2, false, 1000, 'm/s²'],
  [0x52, 'gyroscope', 2, false, 1000, '°/s'],
  [0x55, 'volume_storage', 4, false, 1000, 'L'],
  [0x56, 'conductivity', 2, false, 1, 'µS/cm'],
  [0x57, 'temperature', 1, true, 1, '°C'],
  [0x59, 'count', 1, true, 1],
  [0x5a, 'count', 2, true, 1],
  [0x5b, 'count', 4, true, 1],
  [0x5c, 'power', 4, true, 100, 'W'],
  [0x5d, 'current', 2, true, 1000, 'A'],
  [0x5e, 'direction', 2, false, 100, '°'],
  [0x5f, 'precipitation', 2, false, 10, 'mm'],
  [0x60, 'channel', 1, false, 1],
  [0x61, 'rotational_speed', 2, false, 1, 'rpm'],
  [0x62, 'speed', 4, true, 1_000_000, 'm/s'],
  [0x63, 'acceleration', 4, true, 1_000_000, 'm/s²'],
  // 0 dark, 1 twilight, 2 bright
  [0x64, 'light_level', 1, false, 1],
  [0x65, 'settings_revision', 1, false, 1],
  // device information
  [0xf0, 'device_type_id', 2, false, 1],
];

/** Binary sensors 0x0F–0x2D: one byte, 0 = false, 1 = true. */
const BINARIES: readonly [number, string][] = [
  [0x0f, 'generic_boolean'],
  [0x10, 'power_on'],
  [0x11, 'opening'],
  [0x15, 'battery_low'],
  [0x16, 'battery_charging'],
  [0x17, 'carbon_monoxide'],
  [0x18, 'cold'],
  [0x19, 'connectivity'],
  [0x1a, 'door'],
  [0x1b, 'garage_door'],
  [0x1c, 'gas_detected'],
  [0x1d, 'heat'],
  [0x1e, 'light'],
  [0x1f, 'lock'],
  [0x20, 'moisture_detected'],
  [0x21, 'motion'],
  [0x22, 'moving'],
  [0x23, 'occupancy'],
  [0x24, 'plug'],
  [0x25, 'presence'],
  [0x26, 'problem'],
  [0x27, 'running'],
  [0x28, 'safety'],
  [0x29, 'smoke'],
  [0x2a, 'sound'],
  [0x2b, 'tamper'],
  [0x2c, 'vibration'],
  [0x2d, 'window'],
];

const TABLE = new Map<number, BthomeObjectDef>();
const def = (d: BthomeObjectDef): void => void TABLE.set(d.id, d);
for (const [id, name, size, signed, divisor, unit] of NUMBERS)
  def({ id, name, kind: 'number', size, signed, divisor, ...(unit === undefined ? {} : { unit }) });
for (const [id, name] of BINARIES) def({ id, name, kind: 'binary', size: 1, signed: false, divisor: 1 });
// 0x58: temperature, sint8, factor 0.35 — the only factor that is not a power of ten.
def({
  id: 0x58,
  name: 'temperature',
  kind: 'number',
  size: 1,
  signed: true,
  divisor: 100,
  multiplier: 35,
  unit: '°C',
});
def({ id: 0x3a, name: 'button', kind: 'button', size: 1, signed: false, divisor: 1 });
def({ id: 0x3b, name: 'command', kind: 'command', size: 0, signed: false, divisor: 1 });
// [PENDANT SPEC §2.4] dimmer: event byte + steps as a signed byte
def({ id: 0x3c, name: 'dimmer', kind: 'dimmer', size: 2, signed: true, divisor: 1 });
def({ id: 0x53, name: 'text', kind: 'text', size: 0, signed: false, divisor: 1 });
def({ id: 0x54, name: 'raw', kind: 'raw', size: 0, signed: false, divisor: 1 });
// firmware version: 4 bytes "a.b.c.d" or 3 bytes "a.b.c", most significant part last
def({ id: 0xf1, name: 'firmware_version', kind: 'version', size: 4, signed: false, divisor: 1 });
def({ id: 0xf2, name: 'firmware_version', kind: 'version', size: 3, signed: false, divisor: 1 });

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

/** Command opcodes of object 0x3B [PENDANT SPEC §2.4]; arguments are opcode/maker specific. */
export const BTHOME_COMMANDS = { 0: 'off', 1: 'on', 2: 'toggle', 3: 'step_up', 4: 'step_down' } as const;

export type BthomeCommand = (typeof BTHOME_COMMANDS)[keyof typeof BTHOME_COMMANDS];

function nameOf<T extends string>(table: Readonly<Record<number, T>>, code: number): T | undefined {
  return Object.hasOwn(table, code) ? table[code] : undefined;
}

function codeOf<T extends string>(table: Readonly<Record<number, T>>, name: T): number {
  for (const [code, n] of Object.entries(table)) if (n === name) return Number(code);
  return 0;
}

export const buttonEventName = (code: number): BthomeButtonEvent | undefined =>
  nameOf(BTHOME_BUTTON_EVENTS, code);
export const buttonEventCode = (event: BthomeButtonEvent): number => codeOf(BTHOME_BUTTON_EVENTS, event);
export const dimmerEventName = (code: number): BthomeDimmerEvent | undefined =>
  nameOf(BTHOME_DIMMER_EVENTS, code);
export const dimmerEventCode = (event: BthomeDimmerEvent): number => codeOf(BTHOME_DIMMER_EVENTS, event);
export const commandName = (opcode: number): BthomeCommand | undefined => nameOf(BTHOME_COMMANDS, opcode);
