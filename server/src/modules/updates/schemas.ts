import { MAX_RELEASE_BYTES, RELEASE_VERSION_PATTERN, ReleaseSignatureSchema } from '@baken/protocols';
import { Type } from '@sinclair/typebox';
import { UNIT_STATES } from './types.js';

const Version = Type.String({ pattern: RELEASE_VERSION_PATTERN, maxLength: 32 });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const VersionParams = Type.Object({ version: Version }, { additionalProperties: false });
export const RolloutParams = Type.Object({ id: Id }, { additionalProperties: false });

export const UploadReleaseBody = Type.Object(
  {
    /** The .deb, base64. */
    package: Type.String({ minLength: 4, maxLength: Math.ceil((MAX_RELEASE_BYTES * 4) / 3) + 4 }),
    /** The maintainer's `<package>.sig.json` [RELEASE SPEC §3]. */
    signature: ReleaseSignatureSchema,
    notes: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);

export const ReleaseView = Type.Object({
  version: Type.String(),
  arch: Type.String(),
  sha256: Type.String(),
  size: Type.Integer(),
  keyId: Type.String(),
  notes: Type.String(),
  uploadedAt: Type.Integer(),
  uploadedBy: Type.String(),
});

const GatewayIds = Type.Array(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{2,39}$' }), {
  minItems: 1,
  maxItems: 10_000,
});
export const CreateRolloutBody = Type.Object(
  {
    version: Version,
    /** `{ all: true }`, or the gateways of these homes and these gateways. */
    target: Type.Object(
      {
        all: Type.Optional(Type.Literal(true)),
        homes: Type.Optional(Type.Array(Id, { minItems: 1, maxItems: 10_000 })),
        gateways: Type.Optional(GatewayIds),
      },
      { additionalProperties: false },
    ),
    /** Cumulative percentages, rising, ending at 100. Default `[10, 100]`: a tenth first, then the rest. */
    waves: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1, maximum: 100 }), { minItems: 1, maxItems: 10 }),
    ),
    /** Pause when more than this share of a wave fails or rolls back. Default 20. */
    maxFailurePct: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  },
  { additionalProperties: false },
);

const Counts = Type.Object(Object.fromEntries(UNIT_STATES.map((s) => [s, Type.Integer()])));

export const RolloutView = Type.Object({
  id: Type.String(),
  version: Type.String(),
  target: Type.Object({
    all: Type.Optional(Type.Boolean()),
    homes: Type.Optional(Type.Array(Type.String())),
    gateways: Type.Optional(Type.Array(Type.String())),
  }),
  waves: Type.Array(Type.Integer()),
  /** The wave being offered, 1-based. */
  wave: Type.Integer(),
  state: Type.Union(['running', 'paused', 'completed', 'aborted'].map((s) => Type.Literal(s))),
  pauseReason: Type.Union([Type.String(), Type.Null()]),
  maxFailurePct: Type.Integer(),
  createdAt: Type.Integer(),
  createdBy: Type.String(),
  updatedAt: Type.Integer(),
  counts: Counts,
});

export const UnitView = Type.Object({
  gatewayId: Type.String(),
  homeId: Type.Union([Type.String(), Type.Null()]),
  wave: Type.Integer(),
  state: Type.Union(UNIT_STATES.map((s) => Type.Literal(s))),
  runningVersion: Type.Union([Type.String(), Type.Null()]),
  reason: Type.Union([Type.String(), Type.Null()]),
  offeredAt: Type.Union([Type.Integer(), Type.Null()]),
  updatedAt: Type.Integer(),
});

export const RolloutDetail = Type.Intersect([RolloutView, Type.Object({ units: Type.Array(UnitView) })]);
