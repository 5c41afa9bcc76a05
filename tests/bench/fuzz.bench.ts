// Decoder fuzzing, millions of inputs (house rule 1: protocols/ is total — a typed value or a typed
// error for any input, never a throw). Random bytes and mutations of valid encodings, per decoder:
// BTHome v2 and Baken adverts [PENDANT SPEC], KS-SERIAL frames, the stream deframer and messages
// [KS-SERIAL], MQTT-MAP payloads [MQTT-MAP §2], SIA DC-09 frames.
import {
  dc09DecodeFrame,
  decodeBakenAdvert,
  decodeBthome,
  decodeMqttMessage,
  emptyBakenReplayState,
  KsDeframer,
  ksDecodeFrame,
  ksDecodeMessage,
  ksEncodeFrame,
  MQTT_EXAMPLE_EVENTS,
  topicFor,
} from '@baken/protocols';
import type { BenchContext } from './support/figures.js';

/** xorshift32: fast and reproducible (a failure names its seed and index). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
}

function randomBytes(r: () => number, max: number): Uint8Array {
  const out = new Uint8Array(Math.floor(r() * max));
  for (let i = 0; i < out.length; i++) out[i] = (r() * 256) | 0;
  return out;
}

/** A valid encoding with a few bytes flipped, cut or grown. */
function mutate(r: () => number, valid: Uint8Array): Uint8Array {
  const out = Uint8Array.from(valid);
  const flips = 1 + Math.floor(r() * 4);
  for (let i = 0; i < flips && out.length > 0; i++) out[Math.floor(r() * out.length)] = (r() * 256) | 0;
  const cut = r();
  if (cut < 0.2) return out.subarray(0, Math.floor(r() * out.length));
  if (cut < 0.3) return Uint8Array.from([...out, ...randomBytes(r, 16)]);
  return out;
}

type Target = { name: string; input: (r: () => number) => Uint8Array; decode: (b: Uint8Array) => unknown };

const mqttSeeds = MQTT_EXAMPLE_EVENTS.map((e) => Buffer.from(JSON.stringify(e)));
const ksSeeds = Array.from({ length: 8 }, (_, i) => {
  const f = ksEncodeFrame({ type: i + 1, seq: i, payload: new Uint8Array(i * 3).fill(i) });
  return f.ok ? f.value : new Uint8Array();
});
const key = new Uint8Array(16).fill(7);
const deframer = new KsDeframer();

const TARGETS: Target[] = [
  {
    name: 'BTHome v2 advert',
    input: (r) => {
      const b = randomBytes(r, 40);
      if (b.length > 0 && r() < 0.7) b[0] = r() < 0.5 ? 0x40 : 0x41;
      return b;
    },
    decode: (b) => decodeBthome(b, { key }),
  },
  {
    name: 'Baken advert',
    input: (r) => {
      const b = randomBytes(r, 40);
      if (b.length > 0 && r() < 0.7) b[0] = 1;
      return b;
    },
    decode: (b) => decodeBakenAdvert(emptyBakenReplayState(), b, () => key),
  },
  {
    name: 'KS-SERIAL frame + message',
    input: (r) => (r() < 0.5 ? mutate(r, ksSeeds[Math.floor(r() * ksSeeds.length)]!) : randomBytes(r, 300)),
    decode: (b) => {
      const f = ksDecodeFrame(b);
      return f.ok ? ksDecodeMessage(f.value) : f;
    },
  },
  { name: 'KS-SERIAL deframer', input: (r) => randomBytes(r, 64), decode: (b) => deframer.push(b) },
  {
    name: 'MQTT-MAP events payload',
    input: (r) => mutate(r, mqttSeeds[Math.floor(r() * mqttSeeds.length)]!),
    decode: (b) => decodeMqttMessage(topicFor('events', 'home-0042'), b),
  },
  { name: 'SIA DC-09 frame', input: (r) => randomBytes(r, 120), decode: (b) => dc09DecodeFrame(b) },
];

export async function run(ctx: BenchContext): Promise<void> {
  const perTarget = Number(process.env['BENCH_FUZZ_N'] ?? (ctx.quick ? 50_000 : 1_000_000));
  let total = 0;
  for (const t of TARGETS) {
    const seed = 0x5eed + total;
    const r = rng(seed);
    let thrown = 0;
    let first = '';
    const t0 = performance.now();
    for (let i = 0; i < perTarget; i++) {
      const b = t.input(r);
      try {
        t.decode(b);
      } catch (e) {
        thrown += 1;
        if (!first)
          first = `seed ${seed} input ${i} (${Buffer.from(b).toString('hex').slice(0, 80)}): ${String(e)}`;
      }
    }
    const s = (performance.now() - t0) / 1000;
    total += perTarget;
    ctx.report.add({
      group: 'fuzz',
      name: `${t.name}: inputs that threw (of ${perTarget.toLocaleString('en-GB')}, ${Math.round(perTarget / s).toLocaleString('en-GB')}/s)`,
      value: thrown,
      unit: '',
      goal: { op: '<=', target: 0, text: 'none throws' },
      cause: first,
    });
    await new Promise((resolve) => setImmediate(resolve));
  }
  ctx.log(`${total.toLocaleString('en-GB')} inputs in all`);
}
