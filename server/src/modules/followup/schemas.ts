import { Type } from '@sinclair/typebox';

export const Id = Type.String({ minLength: 1, maxLength: 100 });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);
const NullInt = Type.Union([Type.Integer(), Type.Null()]);

export const CarerSchema = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  name: Type.String(),
  relation: Nullable(Type.String()),
  position: Type.Integer(),
  /** `invited`: waiting for the carer to accept; `active`: has their own account. */
  status: Type.Union([Type.Literal('invited'), Type.Literal('active'), Type.Literal('not_invited')]),
  userId: Nullable(Type.String()),
  invitationExpiresAt: NullInt,
  acceptedAt: NullInt,
});

export const InvitationSchema = Type.Object({
  carerId: Type.String(),
  /** Shown once: hand it to the carer (the link carries it after `#`, never sent to a server log). */
  token: Type.String(),
  url: Type.String(),
  expiresAt: Type.Integer(),
});

export const ChainStepSchema = Type.Union([
  Type.Object(
    { kind: Type.Literal('informal_carers'), minutesEach: Type.Integer({ minimum: 1, maximum: 30 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('care_team'), teamId: Id, minutes: Type.Integer({ minimum: 1, maximum: 60 }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('alarm_centre') }, { additionalProperties: false }),
]);

export const ChainSchema = Type.Object({
  homeId: Type.String(),
  /** Null: the home has no chain; alarms go to the alarm centre's inbox only. */
  steps: Type.Union([Type.Array(ChainStepSchema), Type.Null()]),
  updatedAt: NullInt,
});

export const StepSchema = Type.Object({
  at: Type.Integer(),
  kind: Type.String(),
  targetKind: Nullable(Type.String()),
  targetName: Nullable(Type.String()),
  /** Who accepted, declined or was on site (display name), if a person. */
  who: Nullable(Type.String()),
  detail: Nullable(Type.String()),
});

export const RunSchema = Type.Object({
  alarmId: Type.String(),
  state: Type.String(),
  startedAt: Type.Integer(),
  deadlineAt: NullInt,
  acceptedAt: NullInt,
  acceptedBy: Nullable(Type.String()),
  steps: Type.Array(StepSchema),
});

export const OfferSchema = Type.Object({
  alarmId: Type.String(),
  homeId: Type.String(),
  address: Type.String(),
  kind: Type.Union([Type.Literal('carer'), Type.Literal('team')]),
  /** `open`: waiting for an answer (until `deadlineAt`); `asked_before`: the chain moved on, still welcome; `accepted`: yours. */
  status: Type.Union([Type.Literal('open'), Type.Literal('asked_before'), Type.Literal('accepted')]),
  deadlineAt: NullInt,
  raisedAt: Type.Integer(),
  /** Once accepted: how to get in (the home's access procedure), and whether the client lets you have the key-safe code. */
  accessProcedure: Nullable(Type.String()),
});

export const SubscriptionInput = Type.Object(
  {
    endpoint: Type.String({ minLength: 8, maxLength: 2048 }),
    keys: Type.Object(
      {
        // base64url without padding, as PushSubscription.toJSON() gives them: a P-256 point, a 16-byte secret
        p256dh: Type.String({ minLength: 87, maxLength: 87, pattern: '^[A-Za-z0-9_-]+$' }),
        auth: Type.String({ minLength: 22, maxLength: 22, pattern: '^[A-Za-z0-9_-]+$' }),
      },
      { additionalProperties: true },
    ),
    expirationTime: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
    label: Type.Optional(Type.String({ maxLength: 100 })),
    /** The language of notifications to this device; else the page's language (cookie), else the deployment's. */
    lang: Type.Optional(Type.Union([Type.Literal('nl'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);
