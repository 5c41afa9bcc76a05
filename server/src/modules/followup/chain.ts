/**
 * The follow-up chain of a home (README.md): who is asked to go to an alarm, in which order, and how
 * long each has to accept. Pure: building a run's plan from the chain is a function of the chain,
 * the client's carers and the team names.
 */

export const MAX_STEPS = 8;

export type ChainStep =
  /** The client's informal carers who accepted their invitation, in the client's order, each for `minutesEach`. */
  | { kind: 'informal_carers'; minutesEach: number }
  /** A care team (access matrix team): its members are notified; the alarm is assigned to the team. */
  | { kind: 'care_team'; teamId: string; minutes: number }
  /** Monitoring staff at the alarm centre take it over (always the end of a chain). */
  | { kind: 'alarm_centre' };

/** One offer of a run's plan, fixed when the alarm came in. */
export type Offer =
  | { kind: 'carer'; carerId: string; userId: string; name: string; seconds: number }
  | { kind: 'team'; teamId: string; name: string; seconds: number }
  | { kind: 'centre' };

export interface CarerEntry {
  id: string;
  name: string;
  userId: string | null;
}

/** Why a chain cannot be stored, or null. Teams must exist; the alarm centre, if named, is last. */
export function chainProblem(
  steps: readonly ChainStep[],
  teamExists: (id: string) => boolean,
): string | null {
  if (steps.length === 0) return 'A chain needs at least one step.';
  if (steps.length > MAX_STEPS) return `A chain has at most ${MAX_STEPS} steps.`;
  for (const [i, s] of steps.entries()) {
    if (s.kind === 'alarm_centre' && i !== steps.length - 1)
      return 'The alarm centre ends the chain: nothing after it is ever asked.';
    if (s.kind === 'care_team' && !teamExists(s.teamId)) return `Team "${s.teamId}" does not exist.`;
  }
  if (steps.filter((s) => s.kind === 'informal_carers').length > 1)
    return 'The informal carers can be one step only (in the order the client chose).';
  return null;
}

/**
 * The offers of one alarm: the steps in order, the carers expanded (only those who accepted their
 * invitation), and always the alarm centre at the end, so an alarm is never left with nobody.
 */
export function buildPlan(
  steps: readonly ChainStep[],
  carers: readonly CarerEntry[],
  teamName: (id: string) => string,
): Offer[] {
  const out: Offer[] = [];
  for (const s of steps) {
    if (s.kind === 'informal_carers') {
      for (const c of carers)
        if (c.userId !== null)
          out.push({
            kind: 'carer',
            carerId: c.id,
            userId: c.userId,
            name: c.name,
            seconds: s.minutesEach * 60,
          });
    } else if (s.kind === 'care_team') {
      out.push({ kind: 'team', teamId: s.teamId, name: teamName(s.teamId), seconds: s.minutes * 60 });
    } else {
      out.push({ kind: 'centre' });
    }
  }
  if (out.at(-1)?.kind !== 'centre') out.push({ kind: 'centre' });
  return out;
}
