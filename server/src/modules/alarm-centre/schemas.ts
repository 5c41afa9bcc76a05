import { Type } from '@sinclair/typebox';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()]);

/** Receiver and line prefixes: 1–6 hex digits [DC09 SPEC §2.4]. */
const Hex6 = Type.String({ pattern: '^[0-9A-Fa-f]{1,6}$', maxLength: 6 });
/** Account: 1–16 letters or digits (panels send non-hex accounts) [DC09 SPEC §2.4]. */
const Account = Type.String({ pattern: '^[0-9A-Za-z]{1,16}$', maxLength: 16 });
/** An AES-128/192/256 key as hex. Write-only: never returned. */
const KeyHex = Type.String({
  pattern: '^(?:[0-9A-Fa-f]{32}|[0-9A-Fa-f]{48}|[0-9A-Fa-f]{64})$',
  description: 'AES key, 32/48/64 hex digits (128/192/256 bits); write-only, never returned',
});
const KeyBits = Type.Union([Type.Literal(128), Type.Literal(192), Type.Literal(256), Type.Null()], {
  description: 'Key size in bits; null: plain (unencrypted) DC-09',
});
const ContentFormat = Type.Union([Type.Literal('ADM-CID'), Type.Literal('SIA-DCS')]);
const TransportSchema = Type.Union([Type.Literal('tcp'), Type.Literal('udp')]);

export const HomeParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

export const ReceiverInput = Type.Object(
  {
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    transport: TransportSchema,
  },
  { additionalProperties: false },
);

export const OutAccountBody = Type.Object(
  {
    receiver: Type.Optional(Nullable(Hex6)),
    line: Type.Optional(Nullable(Hex6)),
    account: Account,
    key: Type.Optional(Type.Union([KeyHex, Type.Null()], { description: 'omit to keep the current key' })),
    content: Type.Optional(ContentFormat),
    supervisionS: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    receivers: Type.Array(ReceiverInput, {
      minItems: 1,
      maxItems: 4,
      description: 'Primary first, then backups in order',
    }),
  },
  { additionalProperties: false },
);

const LinkSchema = Type.Object({
  up: Type.Union([Type.Boolean(), Type.Null()]),
  receiverId: Nullable(Type.String()),
  lastAckAt: Nullable(Type.Integer()),
  lastFailureAt: Nullable(Type.Integer()),
  lastFailure: Nullable(Type.String()),
  clockOffsetMs: Type.Integer(),
  refused: Type.Integer(),
});

export const OutAccountSchema = Type.Object({
  id: Type.String(),
  homeId: Type.String(),
  receiver: Nullable(Type.String()),
  line: Nullable(Type.String()),
  account: Type.String(),
  keyBits: KeyBits,
  content: ContentFormat,
  supervisionS: Type.Integer(),
  receivers: Type.Array(
    Type.Object({
      id: Type.String(),
      priority: Type.Integer(),
      host: Type.String(),
      port: Type.Integer(),
      transport: TransportSchema,
    }),
  ),
  link: Type.Union([LinkSchema, Type.Null()]),
  pending: Type.Integer(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});

export const DeliverySchema = Type.Object({
  id: Type.Integer(),
  homeId: Type.String(),
  eventId: Nullable(Type.String()),
  kind: Type.String(),
  seq: Type.Integer(),
  content: ContentFormat,
  data: Type.String(),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('refused')]),
  attempts: Type.Integer(),
  lastAttemptAt: Nullable(Type.Integer()),
  lastError: Nullable(Type.String()),
  receiverId: Nullable(Type.String()),
  createdAt: Type.Integer(),
  deliveredAt: Nullable(Type.Integer()),
});

export const InAccountBody = Type.Object(
  {
    homeId: Type.String({ minLength: 1, maxLength: 100 }),
    gatewayId: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9][a-z0-9-]{2,39}$',
        description: 'the unit id in Baken; generated when absent',
      }),
    ),
    receiver: Type.Optional(Nullable(Hex6)),
    line: Type.Optional(Nullable(Hex6)),
    account: Account,
    key: Type.Optional(Type.Union([KeyHex, Type.Null()])),
    windowPastS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    windowFutureS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    supervisionS: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  },
  { additionalProperties: false },
);

export const InAccountPatch = Type.Object(
  {
    key: Type.Optional(Type.Union([KeyHex, Type.Null()], { description: 'null makes the unit plain' })),
    windowPastS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    windowFutureS: Type.Optional(Type.Integer({ minimum: 1, maximum: 86_400 })),
    supervisionS: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const InAccountSchema = Type.Object({
  id: Type.String(),
  homeId: Type.String(),
  gatewayId: Type.String(),
  receiver: Nullable(Type.String()),
  line: Nullable(Type.String()),
  account: Type.String(),
  keyBits: KeyBits,
  windowPastS: Type.Integer(),
  windowFutureS: Type.Integer(),
  supervisionS: Type.Integer(),
  createdAt: Type.Integer(),
});

export const InEventSchema = Type.Object({
  id: Type.Integer(),
  seq: Type.Integer(),
  content: Type.String(),
  code: Type.String(),
  zone: Nullable(Type.String()),
  mapped: Nullable(Type.String()),
  eventId: Nullable(Type.String()),
  messageAt: Nullable(Type.Integer()),
  receivedAt: Type.Integer(),
});

export const RejectedSchema = Type.Object({
  id: Type.Integer(),
  at: Type.Integer(),
  peer: Type.String(),
  transport: Type.String(),
  reason: Type.String(),
  answer: Type.String(),
  account: Nullable(Type.String()),
  raw: Type.String({ description: 'the frame as received, non-printable bytes as \\xNN' }),
});

export const ReceiverStatusSchema = Type.Object({
  listening: Type.Boolean(),
  host: Nullable(Type.String()),
  tcpPort: Nullable(Type.Integer()),
  udpPort: Nullable(Type.Integer()),
});

export const LimitQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) });
