import { Type } from '@sinclair/typebox';
import { DEVICE_STATUSES, DEVICE_TYPES } from '../../store/repositories/index.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);
export const Id = Type.String({ minLength: 1, maxLength: 64 });
export const IdParams = Type.Object({ id: Id });
export const Paging = {
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
};

export const ContactInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    relation: Type.String({ minLength: 1, maxLength: 100, description: 'e.g. daughter, neighbour, GP' }),
    phone: Type.Optional(Nullable(Type.String({ maxLength: 40 }))),
    email: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 99 })),
  },
  { additionalProperties: false },
);
export const ContactSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  relation: Type.String(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  priority: Type.Integer(),
});
export const ClientSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  notes: Nullable(Type.String()),
  contacts: Type.Array(ContactSchema),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export const HomeSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  address: Type.String(),
  postalCode: Nullable(Type.String()),
  city: Nullable(Type.String()),
  region: Nullable(Type.String()),
  accessProcedure: Nullable(Type.String()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export const HomeFields = {
  address: Type.String({ minLength: 1, maxLength: 300 }),
  postalCode: Type.Optional(Type.String({ maxLength: 20 })),
  city: Type.Optional(Type.String({ maxLength: 100 })),
  region: Type.Optional(Type.String({ maxLength: 100 })),
  accessProcedure: Type.Optional(Type.String({ maxLength: 2000 })),
};

export const DeviceTypeSchema = Type.Union(DEVICE_TYPES.map((t) => Type.Literal(t)));
export const DeviceStatusSchema = Type.Union(DEVICE_STATUSES.map((s) => Type.Literal(s)));
export const IsoDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });
export const Serial = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._:-]+$' });
export const DeviceSchema = Type.Object({
  id: Type.String(),
  serial: Type.String(),
  type: DeviceTypeSchema,
  model: Type.String(),
  firmware: Type.String(),
  homeId: Nullable(Type.String()),
  gatewayId: Nullable(Type.String()),
  installDate: Nullable(Type.String()),
  status: DeviceStatusSchema,
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export const HistorySchema = Type.Object({
  fromStatus: Nullable(DeviceStatusSchema),
  toStatus: DeviceStatusSchema,
  at: Type.Integer(),
  byUserId: Nullable(Type.String()),
  note: Nullable(Type.String()),
});
export const GatewaySchema = Type.Object({
  id: Type.String(),
  homeId: Nullable(Type.String()),
  serial: Nullable(Type.String()),
  createdAt: Type.Integer(),
  revokedAt: Nullable(Type.Integer()),
});
