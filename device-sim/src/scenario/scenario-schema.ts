import { type Static, Type } from '@sinclair/typebox';
import { FAULT_NAMES } from '../faults/fault-board.js';
import { HomeConfigSchema } from '../home-config.js';
import { DURATION_PATTERN } from './duration.js';

const Duration = Type.Union([Type.String({ pattern: DURATION_PATTERN }), Type.Number({ minimum: 0 })]);

/** Everything a step can make happen — documented in SCENARIOS.md. */
export const SCENARIO_ACTIONS = [
  'press',
  'cancel',
  'fall',
  'test_press',
  'pendant_battery',
  'code',
  'window_code',
  'open',
  'close',
  'take_key',
  'return_key',
  'tamper',
  'mains',
  'safe_battery',
  'fault',
  'server_open',
  'server_set_window_key',
  'server_revoke',
  'server_time_sync',
  'replay_last_command',
  'status_poll',
] as const;

export const ActionStepSchema = Type.Object(
  {
    at: Duration,
    action: Type.Union(SCENARIO_ACTIONS.map((a) => Type.Literal(a))),
    pendant: Type.Optional(Type.String()),
    code: Type.Optional(Type.String({ pattern: '^[0-9]{4,12}$' })),
    value: Type.Optional(Type.Number()),
    slot: Type.Optional(Type.Integer({ minimum: 0, maximum: 254 })),
    holder: Type.Optional(Type.Integer({ minimum: 0 })),
    fault: Type.Optional(Type.Union(FAULT_NAMES.map((f) => Type.Literal(f)))),
    on: Type.Optional(Type.Boolean()),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ExpectationSchema = Type.Object(
  {
    /** A key-safe event kind (`door_opened`), a pendant event kind (`alarm`), `command_executed` or `command_refused`. */
    event: Type.String({ minLength: 1 }),
    /** Window after the step's `at` in which it must happen. Default 1s. */
    within: Type.Optional(Duration),
    /** Exactly this many in the window (default: at least one). */
    count: Type.Optional(Type.Integer({ minimum: 0 })),
    /** For `command_refused`: the reason name (`counter_replay`, `bad_mac`, …). */
    reason: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ExpectStepSchema = Type.Object(
  { at: Duration, expect: ExpectationSchema, name: Type.Optional(Type.String()) },
  { additionalProperties: false },
);

export const ScenarioSchema = Type.Object(
  {
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    /** `mock` (default): simulated time, runs in milliseconds; `real`: wall-clock time. */
    clock: Type.Optional(Type.Union([Type.Literal('mock'), Type.Literal('real')])),
    home: Type.Optional(HomeConfigSchema),
    steps: Type.Array(Type.Unknown(), { minItems: 1 }),
  },
  { additionalProperties: false },
);

export type ActionStep = Static<typeof ActionStepSchema>;
export type ExpectStep = Static<typeof ExpectStepSchema>;
export type Step = ActionStep | ExpectStep;
export interface Scenario extends Omit<Static<typeof ScenarioSchema>, 'steps'> {
  steps: Step[];
}
