import { Type } from '@sinclair/typebox';
import { ALERT_KINDS } from './alerts.js';
import { SITUATIONS } from './decide-access.js';
import { RELEASE_MODES } from './releases.js';

/**
 * Response schemas of the access API (server/src/http/README.md): each lists every property the
 * route sends, since Fastify drops the ones a schema does not name.
 */
const NullableInt = Type.Union([Type.Integer(), Type.Null()]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

export const SituationSchema = Type.Union(SITUATIONS.map((s) => Type.Literal(s)));
const Window = Type.Object({ weekday: Type.Integer(), fromMinute: Type.Integer(), toMinute: Type.Integer() });
const WindowsOut = Type.Object({
  planned_care: Type.Optional(Type.Array(Window)),
  alarm: Type.Optional(Type.Array(Window)),
});

export const FunctionSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.String(),
  windows: WindowsOut,
});
export const TeamSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  clientIds: Type.Array(Type.String()),
  regions: Type.Array(Type.String()),
  memberIds: Type.Array(Type.String()),
});
export const DeclarationSchema = Type.Object({
  id: Type.String(),
  userId: Type.String(),
  signedAt: Type.Integer(),
  documentRef: Type.String(),
  recordedBy: NullableString,
  recordedAt: Type.Integer(),
});
export const EmployeeFunctionsSchema = Type.Object({
  userId: Type.String(),
  functionIds: Type.Array(Type.String()),
});
export const ReviewStatusSchema = Type.Object({
  lastReview: Type.Union([
    Type.Object({ reviewedAt: Type.Integer(), reviewedBy: Type.String(), note: Type.String() }),
    Type.Null(),
  ]),
  dueAt: NullableInt,
  overdue: Type.Boolean(),
});

export const PersonAccessSchema = Type.Object({
  userId: Type.String(),
  displayName: Type.String(),
  teams: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
  functions: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), windows: WindowsOut })),
  validUntil: NullableInt,
  declarationSignedAt: NullableInt,
  blocked: Type.Boolean(),
  active: Type.Boolean(),
  inactiveReason: Type.Union([
    Type.Literal('disabled'),
    Type.Literal('expired'),
    Type.Literal('no_declaration'),
    Type.Literal('blocked'),
    Type.Null(),
  ]),
});
export const AccessOverviewSchema = Type.Object({
  homeId: Type.String(),
  people: Type.Array(PersonAccessSchema),
});
export const PersonHomesSchema = Type.Object({
  person: PersonAccessSchema,
  homes: Type.Array(
    Type.Object({ homeId: Type.String(), address: Type.String(), teamIds: Type.Array(Type.String()) }),
  ),
});

const CommandStatusSchema = Type.Union(
  ['pending', 'sent', 'ok', 'refused', 'failed', 'dropped'].map((s) => Type.Literal(s)),
);
export const CommandSchema = Type.Object({
  id: Type.String(),
  deviceId: Type.String(),
  kind: Type.String(),
  purpose: Type.String(),
  releaseId: NullableString,
  createdAt: Type.Integer(),
  status: CommandStatusSchema,
  sentAt: NullableInt,
  resultAt: NullableInt,
  resultReason: NullableString,
});

export const ReleaseSchema = Type.Object({
  id: Type.String(),
  homeId: Type.String(),
  deviceId: Type.String(),
  userId: Type.String(),
  teamId: NullableString,
  functionId: NullableString,
  situation: SituationSchema,
  alarmId: NullableString,
  mode: Type.Union(RELEASE_MODES.map((m) => Type.Literal(m))),
  holderId: Type.Integer(),
  slot: Type.Integer(),
  validFrom: Type.Integer(),
  validUntil: Type.Integer(),
  issuedAt: Type.Integer(),
  issuedBy: Type.String(),
  alarmRaisedAt: NullableInt,
  openedAt: NullableInt,
  revokedAt: NullableInt,
  delivery: Type.String({ description: 'the command status, `offline` for a window code, or `unknown`' }),
  code: Type.Union([Type.String(), Type.Null()], {
    description: 'the offline window code, recomputed for its owner only; a PIN is never stored',
  }),
});

export const KeysafeProvisionSchema = Type.Object({
  deviceId: Type.String(),
  offlineKeyGeneration: Type.Integer(),
  pending: Type.Integer(),
});
export const KeysafeSchema = Type.Object({
  deviceId: Type.String(),
  serial: Type.String(),
  homeId: NullableString,
  hasKey: Type.Boolean(),
  online: Type.Boolean(),
  blocked: Type.Boolean(),
  clockOffsetMs: Type.Union([Type.Number(), Type.Null()]),
  clockReportedAt: NullableInt,
  clockDrifting: Type.Boolean(),
  offlineKeyDelivered: Type.Boolean(),
  auditAnchorSeq: Type.Integer(),
  notYetReceived: Type.Integer(),
});

export const BlockSchema = Type.Object({
  id: Type.String(),
  scope: Type.Union([Type.Literal('keysafe'), Type.Literal('person'), Type.Literal('team')]),
  target: Type.String(),
  reason: Type.String(),
  createdBy: Type.String(),
  createdAt: Type.Integer(),
  liftedAt: NullableInt,
  liftedBy: NullableString,
});

const AlertKindSchema = Type.Union(ALERT_KINDS.map((k) => Type.Literal(k)));
export const AlertsSchema = Type.Object({
  kinds: Type.Array(AlertKindSchema),
  alerts: Type.Array(
    Type.Object({
      id: Type.String(),
      at: Type.Integer(),
      kind: AlertKindSchema,
      subject: Type.String(),
      message: Type.String(),
      acknowledgedAt: NullableInt,
      acknowledgedBy: NullableString,
    }),
  ),
});
export const AcknowledgedSchema = Type.Object({ acknowledged: Type.Boolean() });

export const AccessLogSchema = Type.Object({
  homeId: Type.String(),
  entries: Type.Array(
    Type.Object({
      releasedAt: Type.Integer(),
      enteredAt: NullableInt,
      who: Type.String(),
      situation: SituationSchema,
      how: Type.String(),
      releasedBy: Type.String(),
      revoked: Type.Boolean(),
    }),
  ),
  openingsWithoutRelease: Type.Array(Type.Object({ at: Type.Integer(), message: Type.String() })),
  /** Key access the client gave or withdrew for their informal carers, newest first. */
  carerConsents: Type.Array(
    Type.Object({
      at: Type.Integer(),
      change: Type.Union([Type.Literal('granted'), Type.Literal('withdrawn')]),
      carer: Type.String(),
      by: Type.String(),
      alarmOnly: Type.Boolean(),
      windows: Type.Array(
        Type.Object({ weekday: Type.Integer(), fromMinute: Type.Integer(), toMinute: Type.Integer() }),
      ),
    }),
  ),
});

export const ResponseReportSchema = Type.Union([
  Type.Object({
    targetMs: Type.Integer(),
    rows: Type.Array(
      Type.Object({
        teamId: Type.String(),
        period: Type.String(),
        alarms: Type.Integer(),
        medianAlarmToReleaseMs: Type.Union([Type.Number(), Type.Null()]),
        medianReleaseToOpenMs: Type.Union([Type.Number(), Type.Null()]),
        medianAlarmToOpenMs: Type.Union([Type.Number(), Type.Null()]),
        withinTarget: Type.Integer(),
        notOpened: Type.Integer(),
      }),
    ),
  }),
  Type.String({ description: 'CSV (format=csv)' }),
]);
