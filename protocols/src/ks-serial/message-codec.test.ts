import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KsDeframer } from './deframer.js';
import { ksDecodeFrame, ksEncodeFrame } from './frame.js';
import { KS_GOLDEN_VECTORS } from './golden-vectors.js';
import { KS_MESSAGE_TYPES, ksDecodeMessage, ksEncodeMessage, ksNakReasonFor } from './message-codec.js';
import { KsReason, KsType } from './message-types.js';
import type { KsMessage, KsMessageKind } from './messages.js';

const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));

const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
const issue48 = fc.bigInt({ min: 0n, max: (1n << 48n) - 1n });
const serial = fc.string({
  unit: fc.constantFrom(...'ABCXYZ019-_.:~!'.split('')),
  minLength: 1,
  maxLength: 32,
});
const mac16 = fc.uint8Array({ minLength: 16, maxLength: 16 });
const header = { eventSeq: u32, deviceTime: u32 };
const auth = fc.record({ targetSerial: serial, counter: u64, issuedAt: u32, expiresAt: u32, mac: mac16 });
const record = fc.record({
  seq: u32,
  deviceTime: u32,
  kind: u8,
  slot: u8,
  holderId: u32,
  value: u16,
  mac: mac16,
});
const k = <K extends KsMessageKind>(kind: K) => fc.constant(kind);

const messageArb: fc.Arbitrary<KsMessage> = fc.oneof(
  fc.record({ kind: k('ack') }),
  fc.record({ kind: k('nak'), reason: u8 }),
  fc.record({
    kind: k('hello'),
    protocolMajor: u8,
    protocolMinor: u8,
    serial,
    firmware: fc.record({ major: u8, minor: u8, patch: u16 }),
    capabilities: u32,
  }),
  fc.record({
    kind: fc.constantFrom(...(['door_opened', 'door_closed', 'door_forced'] as const)),
    ...header,
  }),
  fc.record({
    kind: fc.constantFrom(...(['lockout_ended', 'mains_lost', 'mains_restored'] as const)),
    ...header,
  }),
  fc.record({ kind: fc.constantFrom(...(['key_taken', 'key_returned'] as const)), ...header, hook: u8 }),
  fc.record({ kind: k('code_accepted'), ...header, slot: u8, holderId: u32 }),
  fc.record({ kind: k('code_used'), ...header, slot: u8, holderId: u32, issue: issue48 }),
  fc.record({
    kind: k('window_code_used'),
    ...header,
    slot: u8,
    holderId: u32,
    keyIssue: issue48,
    windowStart: u32,
    windowSeconds: fc.integer({ min: 1, max: 255 }).map((n) => n * 900),
    windowSlot: u8,
  }),
  fc.record({ kind: k('code_rejected'), ...header, failedAttempts: u8 }),
  fc.record({ kind: k('lockout_started'), ...header, until: u32, failedAttempts: u8 }),
  fc.record({ kind: k('tamper'), ...header, source: u8 }),
  fc.record({
    kind: k('battery_level'),
    ...header,
    percent: fc.integer({ min: 0, max: 100 }),
    millivolts: u16,
  }),
  fc.record({ kind: k('clock_report'), ...header, clockValid: fc.boolean(), lastSyncAt: u32 }),
  fc.record({ kind: k('open_now'), auth, holderId: u32, unlockSeconds: u8 }),
  fc.record({
    kind: k('set_code'),
    auth,
    slot: u8,
    holderId: u32,
    validFrom: u32,
    validUntil: u32,
    codeKind: u8,
    oneTime: fc.boolean(),
    sealed: fc.uint8Array({ minLength: 1, maxLength: 32 }),
  }),
  fc.record({ kind: k('revoke'), auth, slot: u8, holderId: u32 }),
  fc.record({ kind: fc.constantFrom(...(['block', 'unblock'] as const)), auth, scope: u8, target: u32 }),
  fc.record({ kind: k('time_sync'), auth, newTime: u32 }),
  fc.record({ kind: k('key_install'), auth, wrappedKey: fc.uint8Array({ minLength: 32, maxLength: 32 }) }),
  fc.record({ kind: k('read_audit'), fromSeq: u32, maxRecords: u8 }),
  fc.record({ kind: fc.constantFrom(...(['self_test', 'status_poll'] as const)) }),
  fc.record({ kind: k('command_result'), commandType: u8, counter: u64, result: u8, deviceTime: u32 }),
  fc.record({ kind: k('audit_records'), headSeq: u32, records: fc.array(record, { maxLength: 7 }) }),
  fc.record({ kind: k('self_test_result'), faults: u16 }),
  fc.record({
    kind: k('status'),
    deviceTime: u32,
    flags: u8,
    batteryPercent: fc.integer({ min: 0, max: 100 }),
    lastCounter: u64,
    auditHeadSeq: u32,
  }),
) as fc.Arbitrary<KsMessage>;

describe('golden vectors [KS-SERIAL §12]', () => {
  it('cover every message type', () => {
    const covered = new Set(KS_GOLDEN_VECTORS.map((v) => v.message.kind));
    expect([...covered].sort()).toEqual(Object.keys(KS_MESSAGE_TYPES).sort());
  });

  it('are the ones listed in SPEC.md §12', () => {
    const spec = readFileSync(new URL('./SPEC.md', import.meta.url), 'utf8').replace(/\s/g, '');
    for (const v of KS_GOLDEN_VECTORS) expect(spec, v.name).toContain(v.hex);
  });

  for (const v of KS_GOLDEN_VECTORS) {
    it(`${v.name}: encodes to and decodes from ${v.hex.slice(0, 16)}…`, () => {
      const frame = ksEncodeMessage(v.message, v.seq);
      if (!frame.ok) throw frame.error;
      const bytes = ksEncodeFrame(frame.value);
      expect(bytes.ok && hexOf(bytes.value)).toBe(v.hex);
      const decodedFrame = ksDecodeFrame(fromHex(v.hex));
      if (!decodedFrame.ok) throw decodedFrame.error;
      expect(decodedFrame.value.seq).toBe(v.seq);
      expect(decodedFrame.value.type).toBe(KS_MESSAGE_TYPES[v.message.kind]);
      expect(ksDecodeMessage(decodedFrame.value)).toEqual({ ok: true, value: v.message });
    });
  }

  it('all come out of one deframer when concatenated and sent in 20-byte chunks', () => {
    const stream = Buffer.concat(KS_GOLDEN_VECTORS.map((v) => Buffer.from(v.hex, 'hex')));
    const d = new KsDeframer();
    const frames = [];
    for (let i = 0; i < stream.length; i += 20) frames.push(...d.push(stream.subarray(i, i + 20)));
    expect(frames.map((f) => ksDecodeMessage(f))).toEqual(
      KS_GOLDEN_VECTORS.map((v) => ({ ok: true, value: v.message })),
    );
  });
});

describe('message codec [KS-SERIAL §5]', () => {
  it('decode(encode(x)) equals x for arbitrary messages', () => {
    fc.assert(
      fc.property(messageArb, u8, (msg, seq) => {
        const frame = ksEncodeMessage(msg, seq);
        if (!frame.ok) throw frame.error;
        expect(frame.value.payload.length).toBeLessThanOrEqual(256);
        expect(ksDecodeMessage(frame.value)).toEqual({ ok: true, value: msg });
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random type and payload bytes', () => {
    fc.assert(
      fc.property(u8, fc.uint8Array({ maxLength: 300 }), (type, payload) => {
        const r = ksDecodeMessage({ type, seq: 0, payload });
        if (!r.ok) expect(r.error.code).toMatch(/^BAKEN_ERR_MESSAGE_(TYPE|PAYLOAD)$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('rejects trailing bytes and truncation', () => {
    fc.assert(
      fc.property(messageArb, fc.integer({ min: 1, max: 8 }), (msg, n) => {
        const f = ksEncodeMessage(msg, 0);
        if (!f.ok) throw f.error;
        const longer = { ...f.value, payload: Uint8Array.of(...f.value.payload, ...new Uint8Array(n)) };
        expect(ksDecodeMessage(longer).ok).toBe(false);
        if (f.value.payload.length > 0) {
          const shorter = { ...f.value, payload: f.value.payload.slice(0, -1) };
          expect(ksDecodeMessage(shorter).ok).toBe(false);
        }
      }),
    );
  });

  it('answers unknown types with UNKNOWN_TYPE and bad payloads with BAD_PAYLOAD', () => {
    const unknown = ksDecodeMessage({ type: 0x7f, seq: 1, payload: new Uint8Array(0) });
    expect(!unknown.ok && ksNakReasonFor(unknown.error)).toBe(KsReason.UnknownType);
    const short = ksDecodeMessage({ type: KsType.CodeAccepted, seq: 1, payload: new Uint8Array(3) });
    expect(!short.ok && ksNakReasonFor(short.error)).toBe(KsReason.BadPayload);
    const crc = ksDecodeFrame(fromHex('a500000107c717'));
    expect(!crc.ok && ksNakReasonFor(crc.error)).toBe(KsReason.BadCrc);
  });

  it('rejects out-of-range values on decode: non-boolean bytes, battery > 100 %, too many records', () => {
    const clock = fromHex('0000000100000002' + '02' + '00000000');
    expect(ksDecodeMessage({ type: KsType.ClockReport, seq: 0, payload: clock }).ok).toBe(false);
    const battery = fromHex('0000000100000002' + '65' + '0000');
    expect(ksDecodeMessage({ type: KsType.BatteryLevel, seq: 0, payload: battery }).ok).toBe(false);
    const status = fromHex('00000001' + '00' + '65' + '0000000000000000' + '00000000');
    expect(ksDecodeMessage({ type: KsType.Status, seq: 0, payload: status }).ok).toBe(false);
    const records = fromHex('00000001' + '08' + '00'.repeat(8 * 32));
    expect(ksDecodeMessage({ type: KsType.AuditRecords, seq: 0, payload: records }).ok).toBe(false);
    // [KS-SERIAL §7.1] an issue above 48 bits, a window that is not whole quarter hours
    const bigIssue = fromHex('0000000100000002' + '01' + '00000001' + '0001000000000000');
    expect(ksDecodeMessage({ type: KsType.CodeUsed, seq: 0, payload: bigIssue }).ok).toBe(false);
    const window = (secs: string) =>
      fromHex('0000000100000002' + 'fa' + '00000000' + '0000000000000001' + '6956379000' + secs + '00');
    expect(ksDecodeMessage({ type: KsType.WindowCodeUsed, seq: 0, payload: window('000e10') }).ok).toBe(true);
    expect(ksDecodeMessage({ type: KsType.WindowCodeUsed, seq: 0, payload: window('000e11') }).ok).toBe(
      false,
    );
    const badSerial = fromHex('0100' + '02' + '4b0a' + '020100070000014f');
    expect(ksDecodeMessage({ type: KsType.Hello, seq: 0, payload: badSerial }).ok).toBe(false);
  });

  it('refuses to encode values that do not fit their wire type, naming the field', () => {
    const cases: [KsMessage, string][] = [
      [{ kind: 'nak', reason: 256 }, 'reason'],
      [{ kind: 'door_opened', eventSeq: -1, deviceTime: 0 }, 'eventSeq'],
      [{ kind: 'battery_level', eventSeq: 0, deviceTime: 0, percent: 101, millivolts: 0 }, 'percent'],
      [
        { kind: 'status', deviceTime: 0, flags: 0, batteryPercent: 120, lastCounter: 0n, auditHeadSeq: 0 },
        'batteryPercent',
      ],
      [
        { kind: 'command_result', commandType: 0x40, counter: 1n << 64n, result: 0, deviceTime: 0 },
        'counter',
      ],
      [
        {
          kind: 'hello',
          protocolMajor: 1,
          protocolMinor: 0,
          serial: 'with space',
          firmware: { major: 1, minor: 0, patch: 0 },
          capabilities: 0,
        },
        'serial',
      ],
      [{ kind: 'read_audit', fromSeq: 1.5, maxRecords: 1 }, 'fromSeq'],
      [{ kind: 'code_used', eventSeq: 0, deviceTime: 0, slot: 1, holderId: 1, issue: 1n << 48n }, 'issue'],
      [
        {
          kind: 'window_code_used',
          eventSeq: 0,
          deviceTime: 0,
          slot: 250,
          holderId: 0,
          keyIssue: 1n,
          windowStart: 0,
          windowSeconds: 1000,
          windowSlot: 0,
        },
        'windowSeconds',
      ],
      [
        {
          kind: 'audit_records',
          headSeq: 0,
          records: new Array(8).fill({
            seq: 0,
            deviceTime: 0,
            kind: 0,
            slot: 0,
            holderId: 0,
            value: 0,
            mac: new Uint8Array(16),
          }),
        },
        'records',
      ],
      [
        {
          kind: 'audit_records',
          headSeq: 0,
          records: [
            { seq: 0, deviceTime: 0, kind: 0, slot: 0, holderId: 0, value: 0, mac: new Uint8Array(15) },
          ],
        },
        'records',
      ],
      [
        {
          kind: 'time_sync',
          newTime: 0,
          auth: { targetSerial: 'KS', counter: 1n, issuedAt: 0, expiresAt: 0, mac: new Uint8Array(8) },
        },
        'mac',
      ],
      [
        {
          kind: 'set_code',
          slot: 0,
          holderId: 0,
          validFrom: 0,
          validUntil: 0,
          codeKind: 1,
          oneTime: false,
          sealed: new Uint8Array(33),
          auth: { targetSerial: 'KS', counter: 1n, issuedAt: 0, expiresAt: 0, mac: new Uint8Array(16) },
        },
        'sealed',
      ],
    ];
    for (const [msg, field] of cases) {
      const r = ksEncodeMessage(msg, 0);
      expect(r.ok, field).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('BAKEN_ERR_MESSAGE_PAYLOAD');
        expect(r.error.detail['field']).toBe(field);
      }
    }
    const bogus = ksEncodeMessage({ kind: 'nope' } as unknown as KsMessage, 0);
    expect(!bogus.ok && bogus.error.code).toBe('BAKEN_ERR_MESSAGE_TYPE');
    const seq = ksEncodeMessage({ kind: 'ack' }, 300);
    expect(!seq.ok && seq.error.code).toBe('BAKEN_ERR_MESSAGE_PAYLOAD');
  });
});
