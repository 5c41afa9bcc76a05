import { describe, expect, it } from 'vitest';
import { buildPlan, chainProblem } from './chain.js';

describe('follow-up chain', () => {
  const carers = [
    { id: 'c1', name: 'Piet', userId: 'u1' },
    { id: 'c2', name: 'Els', userId: null },
    { id: 'c3', name: 'Kees', userId: 'u3' },
  ];

  it('asks the carers who accepted, in order, then the team, and always ends at the alarm centre', () => {
    const plan = buildPlan(
      [
        { kind: 'informal_carers', minutesEach: 3 },
        { kind: 'care_team', teamId: 't', minutes: 10 },
      ],
      carers,
      () => 'Team Noord',
    );
    expect(plan).toEqual([
      { kind: 'carer', carerId: 'c1', userId: 'u1', name: 'Piet', seconds: 180 },
      { kind: 'carer', carerId: 'c3', userId: 'u3', name: 'Kees', seconds: 180 },
      { kind: 'team', teamId: 't', name: 'Team Noord', seconds: 600 },
      { kind: 'centre' },
    ]);
    expect(buildPlan([{ kind: 'alarm_centre' }], carers, String)).toEqual([{ kind: 'centre' }]);
  });

  it('refuses a chain with steps after the alarm centre, unknown teams, or carers twice', () => {
    const team = (id: string) => id === 't';
    expect(
      chainProblem([{ kind: 'alarm_centre' }, { kind: 'care_team', teamId: 't', minutes: 5 }], team),
    ).toMatch(/ends the chain/);
    expect(chainProblem([{ kind: 'care_team', teamId: 'x', minutes: 5 }], team)).toMatch(/does not exist/);
    expect(
      chainProblem(
        [
          { kind: 'informal_carers', minutesEach: 2 },
          { kind: 'informal_carers', minutesEach: 2 },
        ],
        team,
      ),
    ).toMatch(/one step/);
    expect(chainProblem([], team)).toMatch(/at least one/);
    expect(
      chainProblem([{ kind: 'informal_carers', minutesEach: 2 }, { kind: 'alarm_centre' }], team),
    ).toBeNull();
  });
});
