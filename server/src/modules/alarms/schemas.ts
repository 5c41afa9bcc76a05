import { Type } from '@sinclair/typebox';

const N = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer>>(t: T) =>
  Type.Union([t, Type.Null()]);
export const AlarmStateSchema = Type.Union([
  Type.Literal('new'),
  Type.Literal('acknowledged'),
  Type.Literal('assigned'),
  Type.Literal('on_site'),
  Type.Literal('closed'),
]);

export const AlarmSchema = Type.Object({
  id: Type.String(),
  eventId: Type.String(),
  gatewayId: Type.String(),
  homeId: N(Type.String()),
  deviceId: Type.String(),
  kind: Type.Union([Type.Literal('alarm'), Type.Literal('fall')]),
  state: AlarmStateSchema,
  raisedAt: Type.Integer(),
  createdAt: Type.Integer(),
  acknowledgedAt: N(Type.Integer()),
  acknowledgedBy: N(Type.String()),
  assignedAt: N(Type.Integer()),
  assignedTeamId: N(Type.String()),
  assignedUserId: N(Type.String()),
  onSiteAt: N(Type.Integer()),
  onSiteSource: N(Type.String()),
  closedAt: N(Type.Integer()),
  closedBy: N(Type.String()),
  closeNote: N(Type.String()),
  cancelledAt: N(Type.Integer()),
  cancelEventId: N(Type.String()),
  authenticated: Type.Union([Type.Boolean(), Type.Null()]),
  unverifiedCancelAt: N(Type.Integer()),
  cancelConfirmedBy: N(Type.String()),
  timeToAckMs: N(Type.Integer()),
  timeToOnSiteMs: N(Type.Integer()),
  targetMs: Type.Integer(),
  ackWithinTarget: Type.Union([Type.Boolean(), Type.Null()]),
  onSiteWithinTarget: Type.Union([Type.Boolean(), Type.Null()]),
});

export const TransitionSchema = Type.Object({
  fromState: Type.Union([AlarmStateSchema, Type.Null()]),
  toState: AlarmStateSchema,
  action: Type.String(),
  at: Type.Integer(),
  byUserId: N(Type.String()),
  source: Type.String(),
  note: N(Type.String()),
});

export const Note = Type.Optional(Type.String({ maxLength: 1000 }));
