import type { Clock, TimerHandle } from '../../clock.js';
import { conflict, notFound } from '../../errors.js';
import { LOCALES, type Locale } from '../../i18n/index.js';
import type { User } from '../../store/repositories/index.js';
import type { CarerStore } from './carer-store.js';
import { buildPlan, type Offer } from './chain.js';
import type { FollowupStore, Run, Step } from './followup-store.js';
import type { Notifier } from './notify/channel.js';
import type { AlarmPort, HomeDirectory, TeamDirectory } from './ports.js';
import type { FollowupTexts } from './texts.js';

export interface EngineDeps {
  store: FollowupStore;
  carers: CarerStore;
  clock: Clock;
  alarms: AlarmPort;
  teams: TeamDirectory;
  homes: HomeDirectory;
  notifier: Notifier;
  /** The deployment's language: the alarm timeline. */
  texts: FollowupTexts;
  /** Each language, for notifications: a person gets theirs (the language chosen on their device). */
  textsIn: (l: Locale) => FollowupTexts;
  onError: (err: unknown, what: string) => void;
}

/** Open alarms looked at on start for a chain that never began (far more than a region has open). */
const RESUME_LIMIT = 1000;

/** Alarm actions by people that end a chain: the alarm is closed, cancelled, or staff assigned it. */
const ENDING_ACTIONS = new Set(['close', 'cancel', 'confirm-cancel', 'assign']);

const target = (o: Offer): Pick<Step, 'targetKind' | 'targetId' | 'targetName'> =>
  o.kind === 'carer'
    ? { targetKind: 'carer', targetId: o.userId, targetName: o.name }
    : o.kind === 'team'
      ? { targetKind: 'team', targetId: o.teamId, targetName: o.name }
      : { targetKind: 'centre', targetId: null, targetName: null };

/**
 * Runs each alarm through its home's follow-up chain (README.md): opens one offer at a time,
 * notifies whoever it names, and moves on by itself when its time runs out (a timer on the injected
 * clock at the run's stored deadline, re-armed from the store after a restart). Every step goes to
 * the run's steps and the alarm's timeline. The first person to accept gets the alarm assigned.
 *
 * A run changes only inside one store transaction that first locks it (`lockRun`) and checks the
 * state it expects, so two people accepting at once — on two instances — cannot both win, and a
 * deadline that runs out as someone accepts moves nothing on. The alarm's timeline (the alarms
 * module) is written after that commit.
 */
export class FollowupEngine {
  private readonly timers = new Map<string, TimerHandle>();

  constructor(private readonly d: EngineDeps) {}

  /**
   * Re-arms the deadlines of open runs (after a restart); ends runs whose alarm closed meanwhile; and
   * starts the chain of every open alarm nobody has taken that has no run — an alarm committed just
   * before the server stopped, whose `alarm.created` never reached the chain. Without this, an alarm
   * a chain holds back from the alarm centre would never be handed to it.
   */
  async start(): Promise<void> {
    for (const r of await this.d.store.open()) {
      const a = await this.d.alarms.get(r.alarmId);
      if (!a || a.state === 'closed' || a.cancelledAt !== null)
        await this.end(r.alarmId, this.d.texts.ending['close']!);
      else if (r.state === 'asking') this.arm(r.alarmId, r.position, r.deadlineAt ?? this.d.clock.now());
    }
    for (const a of await this.d.alarms.open(RESUME_LIMIT)) {
      if (a.homeId === null || a.cancelledAt !== null || a.assignedUserId !== null) continue;
      if (a.state !== 'new' && a.state !== 'acknowledged') continue;
      if (await this.d.store.run(a.id)) continue;
      this.begin(a.id, a.homeId).catch((err) => this.d.onError(err, 'follow-up resume'));
    }
  }

  /**
   * Moves on every run whose offer's deadline passed more than `graceMs` ago without a timer here:
   * the instance that armed it is gone (its timer with it). Run by one instance at a time (the
   * `followup.deadlines` lease); `expire` acts only while the run still asks at that position.
   */
  async expireOverdue(now: number, graceMs: number): Promise<void> {
    for (const r of await this.d.store.open()) {
      if (r.state !== 'asking' || r.deadlineAt === null || r.deadlineAt > now - graceMs) continue;
      if (this.timers.has(r.alarmId)) continue;
      await this.expire(r.alarmId, r.position).catch((err) => this.d.onError(err, 'follow-up step'));
    }
  }

  stop(): void {
    for (const t of this.timers.values()) this.d.clock.clearTimeout(t);
    this.timers.clear();
  }

  /** A new alarm: its home's chain starts. A home without a chain goes to the alarm centre's inbox as before. */
  async begin(alarmId: string, homeId: string): Promise<void> {
    const chain = await this.d.store.chain(homeId);
    if (!chain) return;
    const home = await this.d.homes.get(homeId);
    if (!home) return;
    const names = new Map<string, string>();
    for (const s of chain.steps)
      if (s.kind === 'care_team') names.set(s.teamId, (await this.d.teams.name(s.teamId)) ?? s.teamId);
    const plan = buildPlan(chain.steps, await this.d.carers.list(home.clientId), (id) => names.get(id) ?? id);
    const run: Run = {
      alarmId,
      homeId,
      plan,
      position: 0,
      state: 'asking',
      deadlineAt: null,
      acceptedBy: null,
      acceptedAt: null,
      startedAt: this.d.clock.now(),
    };
    if (await this.d.store.insertRun(run)) await this.open(alarmId, 0);
  }

  /** Follows the alarm's own changes: closed, cancelled or assigned by staff ends the chain; on site is a step. */
  async onAlarmUpdated(e: {
    alarmId: string;
    action: string;
    state: string;
    at: number;
    byUserId: string | null;
  }): Promise<void> {
    if (e.action.startsWith('followup.')) return;
    const run = await this.d.store.run(e.alarmId);
    if (!run) return;
    if (e.action === 'on-site')
      await this.step(this.d.store, run.alarmId, {
        kind: 'on_site',
        offer: null,
        userId: e.byUserId,
        detail: null,
        at: e.at,
      });
    if (e.state === 'closed' || ENDING_ACTIONS.has(e.action))
      await this.end(run.alarmId, this.d.texts.ending[e.state === 'closed' ? 'close' : e.action]!);
  }

  /**
   * `user` accepts the alarm: they were asked (now or earlier in this run, as carer or member of the
   * asked team) and nobody accepted yet. Idempotent for the person who accepted. 404 when the alarm
   * was never offered to them; 409 when someone else was first or the chain ended.
   */
  async accept(alarmId: string, user: User): Promise<Run> {
    const now = this.d.clock.now();
    const teams = await this.teamsOf(await this.d.store.run(alarmId), user);
    const claimed = await this.d.store.transaction(async (tx) => {
      const run = await tx.lockRun(alarmId);
      const idx = run ? this.offerIndexFor(run, user, teams) : -1;
      if (!run || idx < 0) throw notFound('Alarm offered to you');
      if (run.state === 'accepted' && run.acceptedBy === user.id) return null;
      if (run.state === 'accepted') throw conflict('Someone else has already accepted this alarm.');
      if (run.state === 'stopped') throw conflict('This alarm no longer needs you: the follow-up has ended.');
      const o = run.plan[idx]!;
      await tx.updateRun(alarmId, {
        position: run.position,
        state: 'accepted',
        deadlineAt: null,
        acceptedBy: user.id,
        acceptedAt: now,
      });
      await this.step(tx, alarmId, {
        kind: 'accepted',
        offer: idx,
        userId: user.id,
        detail: null,
        at: now,
        ...target(o),
      });
      return { run, o };
    });
    if (claimed) {
      this.disarm(alarmId);
      const { run, o } = claimed;
      const a = await this.d.alarms.chainStep(alarmId, {
        action: 'followup.accepted',
        note: this.d.texts.accepted(user.displayName),
        byUserId: user.id,
        assign: { teamId: o.kind === 'team' ? o.teamId : null, userId: user.id },
      });
      if (!a) {
        await this.stopRun(alarmId, run.position, this.d.texts.ending['close']!);
        throw conflict('This alarm is closed.');
      }
    }
    return (await this.d.store.run(alarmId))!;
  }

  /** The open offer's carer cannot go: the chain moves on at once. A team member's "no" is only recorded. */
  async decline(alarmId: string, user: User): Promise<Run> {
    const teams = await this.teamsOf(await this.d.store.run(alarmId), user);
    const declined = await this.d.store.transaction(async (tx) => {
      const run = await tx.lockRun(alarmId);
      const o = run?.plan[run.position];
      const idx = run ? this.offerIndexFor(run, user, teams) : -1;
      if (!run || !o || idx < 0) throw notFound('Alarm offered to you');
      if (run.state !== 'asking' || idx !== run.position)
        throw conflict('This alarm is not waiting for your answer.');
      await this.step(tx, alarmId, {
        kind: 'declined',
        offer: run.position,
        userId: user.id,
        detail: null,
        ...target(o),
      });
      return { run, o };
    });
    const { run, o } = declined;
    await this.d.alarms.chainStep(alarmId, {
      action: 'followup.declined',
      note: this.d.texts.declined(user.displayName),
      byUserId: user.id,
    });
    if (o.kind === 'carer') {
      this.disarm(alarmId);
      await this.open(alarmId, run.position + 1, run.position);
    }
    return (await this.d.store.run(alarmId))!;
  }

  /** Runs `user` may accept now, or accepted and still open (their phone page). */
  async offersFor(user: User): Promise<Array<{ run: Run; offer: Offer; offerIndex: number }>> {
    const runs = [...(await this.d.store.open()), ...(await this.d.store.acceptedBy(user.id))];
    const out: Array<{ run: Run; offer: Offer; offerIndex: number }> = [];
    for (const run of runs) {
      const offerIndex = this.offerIndexFor(run, user, await this.teamsOf(run, user));
      if (offerIndex >= 0) out.push({ run, offerIndex, offer: run.plan[offerIndex]! });
    }
    return out;
  }

  /**
   * The teams of the run's plan that `user` serves in (read before a transaction: the access
   * module's team store is not the follow-up store's, and a transaction uses only its own).
   */
  private async teamsOf(run: Run | undefined, user: User): Promise<Set<string>> {
    const out = new Set<string>();
    if (!run || user.role !== 'care_worker') return out;
    for (const o of run.plan)
      if (
        o.kind === 'team' &&
        !out.has(o.teamId) &&
        (await this.d.teams.memberIds(o.teamId)).includes(user.id)
      )
        out.add(o.teamId);
    return out;
  }

  /** The latest offer of the run up to its position that names `user`; -1 when none does. */
  private offerIndexFor(run: Run, user: User, teams: ReadonlySet<string>): number {
    for (let i = Math.min(run.position, run.plan.length - 1); i >= 0; i--) {
      const o = run.plan[i]!;
      if (o.kind === 'carer' && o.userId === user.id) return i;
      if (o.kind === 'team' && user.role === 'care_worker' && teams.has(o.teamId)) return i;
    }
    return -1;
  }

  /**
   * Opens offer `i` of the run (or hands it to the centre past the end) — only while the run is still
   * asking at `from` (the offer being left; `undefined` for the first), so an accept or another
   * expiry that got there first wins.
   */
  private async open(alarmId: string, i: number, from?: number): Promise<void> {
    const now = this.d.clock.now();
    const opened = await this.d.store.transaction(async (tx) => {
      const run = await tx.lockRun(alarmId);
      if (run?.state !== 'asking' || (from !== undefined && run.position !== from)) return null;
      const o = run.plan[i] ?? { kind: 'centre' as const };
      const position = Math.min(i, run.plan.length - 1);
      const toCentre = o.kind === 'centre';
      const deadlineAt = toCentre ? null : now + o.seconds * 1000;
      await tx.updateRun(alarmId, { position, state: toCentre ? 'centre' : 'asking', deadlineAt });
      await this.step(tx, alarmId, {
        kind: toCentre ? 'handed_to_centre' : 'asked',
        offer: position,
        userId: null,
        detail: null,
        at: now,
        ...target(o),
      });
      return { o, position, deadlineAt };
    });
    if (!opened) return;
    const { o, position, deadlineAt } = opened;
    const a = await this.d.alarms.chainStep(alarmId, {
      action: o.kind === 'centre' ? 'followup.centre' : 'followup.asked',
      note: this.d.texts.asked(o),
      ...(o.kind === 'team' ? { assign: { teamId: o.teamId, userId: null } } : {}),
    });
    if (!a) {
      await this.end(alarmId, this.d.texts.ending['close']!);
      return;
    }
    if (o.kind === 'centre') return;
    this.arm(alarmId, position, deadlineAt!);
    this.notify(alarmId, position, o).catch((err) => this.d.onError(err, 'follow-up notification'));
  }

  private async expire(alarmId: string, position: number): Promise<void> {
    this.timers.delete(alarmId);
    const expired = await this.d.store.transaction(async (tx) => {
      const run = await tx.lockRun(alarmId);
      if (run?.state !== 'asking' || run.position !== position) return null;
      const o = run.plan[position]!;
      await this.step(tx, alarmId, {
        kind: 'no_answer',
        offer: position,
        userId: null,
        detail: null,
        ...target(o),
      });
      return o;
    });
    if (!expired) return;
    await this.d.alarms.chainStep(alarmId, {
      action: 'followup.no-answer',
      note: this.d.texts.noAnswer(expired),
    });
    await this.open(alarmId, position + 1, position);
  }

  /** Ends a run still asking or at the centre. */
  private async end(alarmId: string, why: string): Promise<void> {
    this.disarm(alarmId);
    const ended = await this.d.store.transaction(async (tx) => {
      const run = await tx.lockRun(alarmId);
      if (!run || (run.state !== 'asking' && run.state !== 'centre')) return false;
      await tx.updateRun(alarmId, { position: run.position, state: 'stopped', deadlineAt: null });
      await this.step(tx, alarmId, { kind: 'ended', offer: null, userId: null, detail: why });
      return true;
    });
    if (ended)
      await this.d.alarms.chainStep(alarmId, { action: 'followup.ended', note: this.d.texts.stopped(why) });
  }

  /** Stops a run whatever its state (an accept whose alarm turned out closed). */
  private async stopRun(alarmId: string, position: number, why: string): Promise<void> {
    await this.d.store.transaction(async (tx) => {
      await tx.lockRun(alarmId);
      await tx.updateRun(alarmId, { position, state: 'stopped', deadlineAt: null });
      await this.step(tx, alarmId, { kind: 'ended', offer: null, userId: null, detail: why });
    });
    await this.d.alarms.chainStep(alarmId, { action: 'followup.ended', note: this.d.texts.stopped(why) });
  }

  private async notify(
    alarmId: string,
    position: number,
    o: Exclude<Offer, { kind: 'centre' }>,
  ): Promise<void> {
    const run = await this.d.store.run(alarmId);
    const home = run ? await this.d.homes.get(run.homeId) : null;
    const minutes = Math.round(o.seconds / 60);
    const text = (x: FollowupTexts) => ({
      title: x.pushTitle(home?.address ?? ''),
      body: o.kind === 'carer' ? x.pushBody(minutes) : x.pushBodyTeam(minutes),
    });
    const n = {
      ...text(this.d.texts),
      inLanguage: Object.fromEntries(LOCALES.map((l) => [l, text(this.d.textsIn(l))])),
      url: '/app/respond',
      alarmId,
      tag: `alarm-${alarmId}`,
      ttlSeconds: o.seconds,
    };
    const people = o.kind === 'carer' ? [o.userId] : await this.d.teams.memberIds(o.teamId);
    let delivered = 0;
    let failed = 0;
    for (const userId of people) {
      for (const r of await this.d.notifier.notify(userId, n)) {
        delivered += r.delivered;
        failed += r.failed;
      }
    }
    await this.step(this.d.store, alarmId, {
      kind: delivered > 0 ? 'notified' : 'not_notified',
      offer: position,
      userId: null,
      detail: JSON.stringify({ delivered, failed }),
      ...target(o),
    });
  }

  private step(
    store: FollowupStore,
    alarmId: string,
    s: Omit<Step, 'alarmId' | 'at' | 'targetKind' | 'targetId' | 'targetName'> & Partial<Step>,
  ): Promise<void> {
    return store.addStep({
      targetKind: null,
      targetId: null,
      targetName: null,
      ...s,
      alarmId,
      at: s.at ?? this.d.clock.now(),
    });
  }

  private arm(alarmId: string, position: number, deadlineAt: number): void {
    this.disarm(alarmId);
    const ms = Math.max(0, deadlineAt - this.d.clock.now());
    this.timers.set(
      alarmId,
      this.d.clock.setTimeout(
        () => this.expire(alarmId, position).catch((err) => this.d.onError(err, 'follow-up step')),
        ms,
      ),
    );
  }

  private disarm(alarmId: string): void {
    const t = this.timers.get(alarmId);
    if (t) this.d.clock.clearTimeout(t);
    this.timers.delete(alarmId);
  }
}
