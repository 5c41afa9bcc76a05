import { type Static, Type } from '@sinclair/typebox';

const Hex = (min: number) => Type.String({ pattern: `^([0-9a-fA-F]{2}){${min},}$` });
const Address = Type.String({ pattern: '^([0-9A-Fa-f]{2}:){5}[0-9A-Fa-f]{2}$' });

export const PendantConfigSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    address: Address,
    format: Type.Union([Type.Literal('bthome'), Type.Literal('bthome-encrypted'), Type.Literal('baken')]),
    /** BTHome bind key (16 bytes) or Baken pendant key (≥ 16 bytes), hex; generated when absent. */
    key: Type.Optional(Hex(16)),
    battery: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    heartbeatMs: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const KeySafeConfigSchema = Type.Object(
  {
    serial: Type.String({ minLength: 1, maxLength: 32, pattern: '^[\\x20-\\x7e]+$' }),
    /** Device key K loaded at the factory (hex, ≥ 16 bytes); generated when absent (see `factoryKey`). */
    key: Type.Optional(Hex(16)),
    /**
     * `false`: the safe leaves the factory without K and gets it by KEY_INSTALL at installation, under
     * its installation secret (KS-SERIAL §8.8; its code is listed with the keys). Default true.
     */
    factoryKey: Type.Optional(Type.Boolean()),
    /** Installation secret (16 bytes hex); generated when absent. */
    installSecret: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{32}$' })),
    /** NV file; in memory when absent. */
    nvPath: Type.Optional(Type.String()),
    /** How the home unit reaches it: KS-SERIAL on a serial line, or the GATT mapping. */
    link: Type.Optional(Type.Union([Type.Literal('serial'), Type.Literal('gatt')])),
    bleAddress: Type.Optional(Address),
    driftPpm: Type.Optional(Type.Number()),
    clockOffsetSeconds: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
);

export const HomeConfigSchema = Type.Object(
  {
    pendants: Type.Array(PendantConfigSchema, { maxItems: 2 }),
    keySafe: Type.Optional(KeySafeConfigSchema),
    /** Seed of the fault random source, so a noisy run can be replayed. */
    seed: Type.Optional(Type.Integer()),
  },
  { additionalProperties: false },
);

export type PendantConfig = Static<typeof PendantConfigSchema>;
export type KeySafeConfig = Static<typeof KeySafeConfigSchema>;
export type HomeConfig = Static<typeof HomeConfigSchema>;

export const DEFAULT_HOME: HomeConfig = {
  pendants: [{ id: 'p1', address: 'C0:FF:EE:00:00:01', format: 'bthome-encrypted' }],
  keySafe: { serial: 'KS-SIM-0001', link: 'serial', bleAddress: 'C0:FF:EE:00:10:01' },
};
