import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBakenAdvert } from './baken-advert.js';
import { encodeBthome } from './bthome-encode.js';
import type { BthomeButtonEvent } from './bthome-objects.js';
import type { BthomeObject } from './bthome-types.js';
import { emptyPendantPipelineState, pendantStep, prunePendantState } from './pendant-pipeline.js';
import type {
  PendantAdvertInput,
  PendantOutcome,
  PendantPairing,
  PendantPairingLookup,
  PendantPipelineState,
} from './pendant-pipeline-types.js';

const ENC = '3C:2E:F5:00:00:01';
const PLAIN = '3C:2E:F5:00:00:02';
const BAKEN = 'B4:CA:0E:00:00:01';
const BIND_KEY = new Uint8Array(16).fill(0x11);
const BAKEN_KEY = new Uint8Array(16).fill(0x22);
const PAIRINGS: PendantPairing[] = [
  { deviceId: 'pendant-enc', address: ENC, format: 'bthome', key: BIND_KEY },
  { deviceId: 'pendant-plain', address: PLAIN, format: 'bthome' },
  { deviceId: 'pendant-baken', address: BAKEN, format: 'baken', key: BAKEN_KEY },
];
const lookup = (pairings: PendantPairing[] = PAIRINGS): PendantPairingLookup => ({
  byAddress: (a) => pairings.find((p) => p.address === a.toUpperCase()),
  byBakenId: (id) => pairings.find((p) => p.address.replaceAll(':', '').toLowerCase() === id),
});

function bthome(
  button: BthomeButtonEvent,
  packetId: number,
  encryption?: { counter: number; key?: Uint8Array },
) {
  const objects: BthomeObject[] = [
    { kind: 'number', id: 0x00, name: 'packet_id', value: packetId & 0xff },
    { kind: 'number', id: 0x01, name: 'battery', value: 90 },
    { kind: 'button', id: 0x3a, name: 'button', event: button },
  ];
  const r = encodeBthome({
    objects,
    triggerBased: true,
    ...(encryption === undefined
      ? {}
      : { encryption: { key: encryption.key ?? BIND_KEY, address: ENC, counter: encryption.counter } }),
  });
  if (!r.ok) throw r.error;
  return r.value;
}

function baken(event: 'alarm' | 'cancel', counter: number, key = BAKEN_KEY) {
  const r = encodeBakenAdvert({ deviceId: 'b4ca0e000001', event, battery: 80, counter }, key);
  if (!r.ok) throw r.error;
  return r.value;
}

/** Feeds adverts in order; returns every outcome and the final state. */
function run(inputs: PendantAdvertInput[], state: PendantPipelineState = emptyPendantPipelineState()) {
  const outcomes: PendantOutcome[] = [];
  for (const input of inputs) {
    const step = pendantStep(state, input, lookup());
    state = step.state;
    outcomes.push(step.outcome);
  }
  const events = outcomes.flatMap((o) => (o.type === 'accepted' ? o.events : []));
  return { state, outcomes, events };
}

const at = (address: string, t: number, data: { bthome?: Uint8Array; baken?: Uint8Array }) => ({
  address,
  rssi: -60,
  at: t,
  ...data,
});

describe('pendant pipeline: authentication [PENDANT SPEC §5.2]', () => {
  it('refuses a plaintext press or long press from a pendant paired as encrypted (downgrade)', () => {
    const r = run([
      at(ENC, 0, { bthome: bthome('press', 1) }),
      at(ENC, 5_000, { bthome: bthome('long_press', 2) }),
    ]);
    expect(r.events).toEqual([]);
    expect(r.outcomes).toMatchObject([
      { type: 'refused', reason: 'downgrade', deviceId: 'pendant-enc', code: 'BAKEN_ERR_ADVERT_DOWNGRADE' },
      { type: 'refused', reason: 'downgrade' },
    ]);
  });

  it('refuses BTHome of any kind from a Baken pendant, and a Baken advert naming a BTHome pendant', () => {
    const r = run([at(BAKEN, 0, { bthome: bthome('press', 1) })]);
    expect(r.outcomes[0]).toMatchObject({ type: 'refused', reason: 'downgrade', deviceId: 'pendant-baken' });
    const forged = encodeBakenAdvert(
      { deviceId: '3c2ef5000001', event: 'cancel', battery: 1, counter: 9 },
      BIND_KEY,
    );
    if (!forged.ok) throw forged.error;
    expect(run([at(ENC, 0, { baken: forged.value })]).outcomes[0]).toMatchObject({
      type: 'refused',
      reason: 'auth_failed',
      deviceId: 'pendant-enc',
    });
  });

  it('refuses an advert sealed with another key, and an encrypted advert for a plaintext pairing', () => {
    const wrong = run([at(ENC, 0, { bthome: bthome('press', 1, { counter: 3, key: new Uint8Array(16) }) })]);
    expect(wrong.outcomes[0]).toMatchObject({
      type: 'refused',
      reason: 'auth_failed',
      code: 'BAKEN_ERR_ADVERT_DECRYPT',
    });
    expect(run([at(BAKEN, 0, { baken: baken('alarm', 1, new Uint8Array(16)) })]).outcomes[0]).toMatchObject({
      type: 'refused',
      reason: 'auth_failed',
      code: 'BAKEN_ERR_ADVERT_MAC',
    });
    const enc = bthome('press', 1, { counter: 3 });
    expect(run([at(PLAIN, 0, { bthome: enc })]).outcomes[0]).toMatchObject({
      type: 'refused',
      reason: 'no_key',
    });
  });

  it('marks events authenticated by how they were proved', () => {
    const r = run([
      at(ENC, 0, { bthome: bthome('press', 1, { counter: 1 }) }),
      at(PLAIN, 0, { bthome: bthome('long_press', 1) }),
      at(BAKEN, 0, { baken: baken('cancel', 1) }),
    ]);
    expect(r.events.map((e) => [e.device, e.kind, e.authenticated, e.eventId !== null])).toEqual([
      [ENC, 'alarm', true, true],
      [PLAIN, 'cancel', false, false],
      ['b4ca0e000001', 'cancel', true, true],
    ]);
  });

  it('reports an unpaired device with the kinds it carried, and ignores other BLE traffic', () => {
    const r = run([
      at('AA:AA:AA:AA:AA:AA', 0, { bthome: bthome('press', 1) }),
      { address: ENC, rssi: null, at: 0 },
    ]);
    expect(r.outcomes).toEqual([
      { type: 'unpaired', address: 'AA:AA:AA:AA:AA:AA', format: 'bthome', kinds: ['alarm'] },
      { type: 'not_pendant' },
    ]);
  });
});

describe('pendant pipeline: replay [PENDANT SPEC §5.3]', () => {
  it('refuses a captured encrypted advert replayed ten minutes later', () => {
    const captured = bthome('press', 1, { counter: 5 });
    const r = run([
      at(ENC, 0, { bthome: captured }),
      at(ENC, 60_000, { bthome: bthome('press', 2, { counter: 6 }) }),
      at(ENC, 600_000, { bthome: captured }),
    ]);
    expect(r.events).toHaveLength(2);
    expect(r.outcomes[2]).toMatchObject({
      type: 'refused',
      reason: 'replay',
      code: 'BAKEN_ERR_ADVERT_REPLAY',
    });
  });

  it('a Baken pendant announcing unacknowledged events for hours is never refused; older counters are replays', () => {
    const H = 3_600_000;
    const inputs: PendantAdvertInput[] = [
      at(BAKEN, 0, { baken: baken('alarm', 7) }),
      at(BAKEN, 30_000, { baken: baken('cancel', 8) }),
    ];
    // [PENDANT SPEC §7] both announced, oldest first, every 60 s for 20 h (no ack arrives)
    for (let t = 60_000; t < 20 * H; t += 60_000)
      inputs.push(
        at(BAKEN, t, { baken: baken('alarm', 7) }),
        at(BAKEN, t + 1, { baken: baken('cancel', 8) }),
      );
    inputs.push(
      at(BAKEN, 20 * H, { baken: baken('alarm', 6) }),
      at(BAKEN, 47 * H, { baken: baken('cancel', 8) }),
    );
    const r = run(inputs);
    expect(r.events.map((e) => [e.kind, e.sequence])).toEqual([
      ['alarm', 7],
      ['cancel', 8],
    ]);
    expect(
      r.outcomes.filter((o) => o.type === 'refused').map((o) => (o.type === 'refused' ? o.reason : '')),
    ).toEqual(['replay', 'replay']);
  });

  it('after a restart with the saved counters, a re-broadcast is a repeat and a new press an alarm', () => {
    const first = run([at(BAKEN, 0, { baken: baken('alarm', 7) })]);
    const saved = JSON.parse(JSON.stringify(first.state.counters)) as PendantPipelineState['counters'];
    const after = run(
      [
        at(BAKEN, 2_000, { baken: baken('alarm', 7) }),
        at(BAKEN, 3_000, { baken: baken('alarm', 8) }),
        at(BAKEN, 4_000, { baken: baken('alarm', 3) }),
      ],
      { counters: saved, recent: {} },
    );
    expect(after.outcomes.map((o) => (o.type === 'refused' ? o.reason : o.type))).toEqual([
      'repeat',
      'accepted',
      'replay',
    ]);
  });

  it('an advert accepted again after a crash before its counter was saved has the same event id', () => {
    const s0 = run([at(ENC, 0, { bthome: bthome('press', 1, { counter: 4 }) })]).state;
    const press = at(ENC, 1_000, { bthome: bthome('press', 2, { counter: 5 }) });
    const a = run([press], s0).events;
    const b = run([{ ...press, at: 1_500 }], s0).events;
    expect(a[0]!.eventId).not.toBeNull();
    expect(a[0]!.eventId).toBe(b[0]!.eventId);
    expect(a[0]!.eventId).toMatch(/^[A-Za-z0-9][A-Za-z0-9_-]{7,63}$/);
  });

  it('a new key (re-paired pendant) starts a new counter and new event ids', () => {
    const s = run([at(ENC, 0, { bthome: bthome('press', 1, { counter: 900 }) })]);
    const newKey = new Uint8Array(16).fill(0x33);
    const pairings = [{ deviceId: 'pendant-enc', address: ENC, format: 'bthome' as const, key: newKey }];
    const step = pendantStep(
      s.state,
      at(ENC, 60_000, { bthome: bthome('press', 1, { counter: 1, key: newKey }) }),
      lookup(pairings),
    );
    expect(step.outcome.type).toBe('accepted');
    if (step.outcome.type === 'accepted')
      expect(step.outcome.events[0]!.eventId).not.toBe(s.events[0]!.eventId);
  });
});

/** A panicked client: a press every 300 ms, each re-broadcast 5 times 250 ms apart (SPEC §5.4). */
function panickedPresses(
  presses: number,
  advert: (n: number) => { bthome?: Uint8Array; baken?: Uint8Array },
  address: string,
) {
  const inputs: PendantAdvertInput[] = [];
  for (let n = 1; n <= presses; n++)
    for (let r = 0; r < 5; r++) inputs.push(at(address, n * 300 + r * 250, advert(n)));
  return inputs.sort((a, b) => a.at - b.at);
}

describe('pendant pipeline: de-duplication [PENDANT SPEC §5.4]', () => {
  it.each([
    ['plaintext BTHome', PLAIN, (n: number) => ({ bthome: bthome('press', n) })],
    ['encrypted BTHome', ENC, (n: number) => ({ bthome: bthome('press', n, { counter: n }) })],
    ['Baken', BAKEN, (n: number) => ({ baken: baken('alarm', n) })],
  ])('%s: 20 presses 0.3 s apart with interleaved repeats give exactly 20 alarms', (_n, address, advert) => {
    const r = run(panickedPresses(20, advert, address));
    expect(r.events.map((e) => e.sequence)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(r.outcomes.filter((o) => o.type === 'refused')).toEqual([]);
  });

  it('a plaintext packet id comes back as new after the window (8-bit ids wrap)', () => {
    const r = run([
      at(PLAIN, 0, { bthome: bthome('press', 9) }),
      at(PLAIN, 29_999, { bthome: bthome('press', 9) }),
      at(PLAIN, 70_000, { bthome: bthome('press', 9) }),
    ]);
    expect(r.events).toHaveLength(2);
  });

  it('prunes counters of unpaired devices and sightings past the window', () => {
    const r = run([
      at(ENC, 0, { bthome: bthome('press', 1, { counter: 1 }) }),
      at(PLAIN, 0, { bthome: bthome('press', 1) }),
    ]);
    const p = prunePendantState(r.state, ['pendant-plain'], 10_000);
    expect(Object.keys(p.counters)).toEqual([]);
    expect(Object.keys(p.recent)).toEqual(['pendant-plain']);
    expect(prunePendantState(r.state, ['pendant-plain'], 100_000, 30_000).recent).toEqual({});
  });
});

describe('pendant pipeline: properties', () => {
  const bytes = fc.uint8Array({ maxLength: 40 });
  const address = fc.constantFrom(ENC, PLAIN, BAKEN, 'AA:AA:AA:AA:AA:AA', 'not an address');
  const input = fc.record({
    address,
    rssi: fc.option(fc.integer({ min: -127, max: 20 })),
    at: fc.integer({ min: 0, max: 1e7 }),
    bthome: fc.option(bytes, { nil: undefined }),
    baken: fc.option(bytes, { nil: undefined }),
  });

  it('never throws, for any bytes, address and time, and keeps its state bounded', () => {
    fc.assert(
      fc.property(fc.array(input, { maxLength: 60 }), (inputs) => {
        let state = emptyPendantPipelineState();
        for (const i of inputs) {
          const clean = Object.fromEntries(
            Object.entries(i).filter(([, v]) => v !== undefined),
          ) as unknown as PendantAdvertInput;
          state = pendantStep(state, clean, lookup()).state;
        }
        expect(Object.keys(state.counters).every((id) => PAIRINGS.some((p) => p.deviceId === id))).toBe(true);
        for (const list of Object.values(state.recent)) expect(list.length).toBeLessThanOrEqual(128);
      }),
    );
  });

  it('authenticated events of a device are accepted at most once per counter, in rising counter order per window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ counter: fc.integer({ min: 0, max: 30 }), dt: fc.integer({ min: 0, max: 40_000 }) }),
          { maxLength: 80 },
        ),
        (presses) => {
          let t = 0;
          const inputs = presses.map((p) => {
            t += p.dt;
            return at(BAKEN, t, { baken: baken('alarm', p.counter) });
          });
          const r = run(inputs);
          const counters = r.events.map((e) => e.sequence);
          expect(new Set(counters).size).toBe(counters.length);
          for (let i = 1; i < counters.length; i++) expect(counters[i]!).toBeGreaterThan(counters[i - 1]!);
        },
      ),
    );
  });

  it('re-broadcasts never change what is accepted: each advert sent once or five times gives the same events', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 1000 }), { maxLength: 30 }), (counters) => {
        const sorted = [...counters].sort((a, b) => a - b);
        const once = run(
          sorted.map((c, i) => at(ENC, i * 300, { bthome: bthome('press', c, { counter: c }) })),
        );
        const five = run(
          panickedPresses(
            sorted.length,
            (n) => ({ bthome: bthome('press', sorted[n - 1]!, { counter: sorted[n - 1]! }) }),
            ENC,
          ),
        );
        expect(five.events.map((e) => e.eventId)).toEqual(once.events.map((e) => e.eventId));
      }),
    );
  });
});
