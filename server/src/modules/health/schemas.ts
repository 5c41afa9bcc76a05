import { Type } from '@sinclair/typebox';

const Nullable = <
  T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Integer> | ReturnType<typeof Type.Number>,
>(
  t: T,
) => Type.Union([t, Type.Null()]);

export const LinkStateSchema = Type.Union([
  Type.Literal('online'),
  Type.Literal('stale'),
  Type.Literal('offline'),
  Type.Literal('unknown'),
]);
export const Ms = Type.Integer({ minimum: 0 });
export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};
export const Id = Type.String({ minLength: 1, maxLength: 100 });

export const GatewayHealthSchema = Type.Object({
  gatewayId: Type.String(),
  homeId: Nullable(Type.String()),
  region: Nullable(Type.String()),
  state: LinkStateSchema,
  lastSeenAt: Nullable(Ms),
  intervalS: Nullable(Type.Integer()),
  availability: Nullable(Type.String()),
  software: Nullable(Type.String()),
  uptimeS: Nullable(Type.Integer()),
  mains: Nullable(Type.String()),
  unitBattery: Nullable(Type.Integer()),
  outboxDepth: Nullable(Type.Integer()),
  outboxOldestAgeS: Nullable(Type.Integer()),
  clockOffsetMs: Nullable(Type.Integer()),
  /** The unit's outbox disk [MQTT-MAP §4.3.1]: `ok`, a degraded state, or null (not reported). */
  storage: Nullable(Type.String()),
  storageSince: Nullable(Ms),
  /** A home unit that works but needs a technician: its outbox disk is not `ok`. */
  degraded: Type.Boolean(),
});

export const DeviceHealthSchema = Type.Object({
  gatewayId: Type.String(),
  deviceId: Type.String(),
  kind: Type.String(),
  state: LinkStateSchema,
  link: Type.String(),
  lastSeenAt: Nullable(Ms),
  rssi: Nullable(Type.Integer()),
  battery: Nullable(Type.Integer()),
  firmware: Nullable(Type.String()),
});

export const IncidentSchema = Type.Object({
  incidentId: Type.Integer(),
  subjectKind: Type.Union([
    Type.Literal('gateway'),
    Type.Literal('device'),
    Type.Literal('platform'),
    Type.Literal('storage'),
  ]),
  subjectId: Type.String(),
  gatewayId: Nullable(Type.String()),
  homeId: Nullable(Type.String()),
  cause: Type.String(),
  startedAt: Ms,
  endedAt: Nullable(Ms),
  downtimeMs: Nullable(Type.Integer()),
});

export const WarningSchema = Type.Object({
  id: Type.Integer(),
  gatewayId: Type.String(),
  deviceId: Type.String(),
  kind: Type.String(),
  firstSeenAt: Ms,
  lastSeenAt: Ms,
  closedAt: Nullable(Ms),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const BudgetSchema = Type.Object({
  scope: Type.String(),
  consumedMs: Type.Number(),
  remainingMs: Type.Number(),
  yearlyMs: Type.Number(),
  exhausted: Type.Boolean(),
  predictedExhaustionAt: Type.Union([Type.Number(), Type.Null()]),
  longestIncidentMs: Type.Number(),
  windows: Type.Array(
    Type.Object({
      name: Type.String(),
      windowMs: Type.Number(),
      downtimeMs: Type.Number(),
      burnRate: Type.Number(),
      alerting: Type.Boolean(),
    }),
  ),
});

export const BudgetAlertSchema = Type.Object({
  id: Type.Integer(),
  scope: Type.String(),
  kind: Type.String(),
  incidentId: Type.Union([Type.Integer(), Type.Null()]),
  openedAt: Ms,
  closedAt: Nullable(Ms),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const StateCountsSchema = Type.Object({
  online: Type.Integer(),
  stale: Type.Integer(),
  offline: Type.Integer(),
  unknown: Type.Integer(),
});
