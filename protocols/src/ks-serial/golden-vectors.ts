import type { KsMessage } from './messages.js';

/**
 * Golden vectors of KS-SERIAL v1.2 — [KS-SERIAL §12]: one per message type, the complete frame in hex
 * beside the decoded message. Authenticated commands and audit records use `KS_GOLDEN_KEY`; SPEC.md
 * lists the same vectors. Never regenerate these to make a test pass: a change here is a wire change.
 */
const h = (hex: string): Uint8Array => Uint8Array.from(hex.match(/../g) ?? [], (b) => Number.parseInt(b, 16));

/** Per-device key of the vectors: bytes 0x00..0x1f. */
export const KS_GOLDEN_KEY: Uint8Array = Uint8Array.from({ length: 32 }, (_, i) => i);
export const KS_GOLDEN_SERIAL = 'KS-0001';
/** 2026-01-01T00:00:00Z */
export const KS_GOLDEN_T0 = 1_767_225_600;
/** The SET_CODE vector seals PIN "482913" with counter 5 into these bytes. */
export const KS_GOLDEN_SEALED_PIN = { plain: '482913', counter: 5n, sealed: h('18ffae540a85') };
/** Installation secret of the KEY_INSTALL vector (code `4041-4243-…-4e4f`): bytes 0x40..0x4f. */
export const KS_GOLDEN_INSTALL_SECRET: Uint8Array = Uint8Array.from({ length: 16 }, (_, i) => 0x40 + i);

export interface KsGoldenVector {
  name: string;
  seq: number;
  hex: string;
  message: KsMessage;
}

export const KS_GOLDEN_VECTORS: readonly KsGoldenVector[] = [
  { name: 'ack', seq: 7, hex: 'a500000107c716', message: { kind: 'ack' } },
  { name: 'nak', seq: 7, hex: 'a50001020711925f', message: { kind: 'nak', reason: 17 } },
  {
    name: 'hello',
    seq: 0,
    hex: 'a5001210000100074b532d30303031020100070000014f7f33',
    message: {
      kind: 'hello',
      protocolMajor: 1,
      protocolMinor: 0,
      serial: 'KS-0001',
      firmware: { major: 2, minor: 1, patch: 7 },
      capabilities: 335,
    },
  },
  {
    name: 'door_opened',
    seq: 1,
    hex: 'a5000820010000000a6955b90aa8b3',
    message: { kind: 'door_opened', eventSeq: 10, deviceTime: 1767225610 },
  },
  {
    name: 'door_closed',
    seq: 2,
    hex: 'a5000821020000000b6955b90b50c2',
    message: { kind: 'door_closed', eventSeq: 11, deviceTime: 1767225611 },
  },
  {
    name: 'door_forced',
    seq: 3,
    hex: 'a5000822030000000c6955b90c1d1d',
    message: { kind: 'door_forced', eventSeq: 12, deviceTime: 1767225612 },
  },
  {
    name: 'key_taken',
    seq: 4,
    hex: 'a5000923040000000d6955b90d017fea',
    message: { kind: 'key_taken', eventSeq: 13, deviceTime: 1767225613, hook: 1 },
  },
  {
    name: 'key_returned',
    seq: 5,
    hex: 'a5000924050000000e6955b90e01a2a1',
    message: { kind: 'key_returned', eventSeq: 14, deviceTime: 1767225614, hook: 1 },
  },
  {
    name: 'code_accepted',
    seq: 6,
    hex: 'a5000d25060000000f6955b90f0300000412beee',
    message: { kind: 'code_accepted', eventSeq: 15, deviceTime: 1767225615, slot: 3, holderId: 1042 },
  },
  {
    name: 'code_rejected',
    seq: 7,
    hex: 'a500092607000000106955b9100256a0',
    message: { kind: 'code_rejected', eventSeq: 16, deviceTime: 1767225616, failedAttempts: 2 },
  },
  {
    name: 'lockout_started',
    seq: 8,
    hex: 'a5000d2708000000116955b9116955bc950570e0',
    message: {
      kind: 'lockout_started',
      eventSeq: 17,
      deviceTime: 1767225617,
      until: 1767226517,
      failedAttempts: 5,
    },
  },
  {
    name: 'lockout_ended',
    seq: 9,
    hex: 'a500082809000000126955b9125e49',
    message: { kind: 'lockout_ended', eventSeq: 18, deviceTime: 1767225618 },
  },
  {
    name: 'tamper',
    seq: 10,
    hex: 'a50009290a000000136955b91301fe78',
    message: { kind: 'tamper', eventSeq: 19, deviceTime: 1767225619, source: 1 },
  },
  {
    name: 'battery_level',
    seq: 11,
    hex: 'a5000b2a0b000000146955b91457170235be',
    message: { kind: 'battery_level', eventSeq: 20, deviceTime: 1767225620, percent: 87, millivolts: 5890 },
  },
  {
    name: 'mains_lost',
    seq: 12,
    hex: 'a500082b0c000000156955b9158f79',
    message: { kind: 'mains_lost', eventSeq: 21, deviceTime: 1767225621 },
  },
  {
    name: 'mains_restored',
    seq: 13,
    hex: 'a500082c0d000000166955b916a611',
    message: { kind: 'mains_restored', eventSeq: 22, deviceTime: 1767225622 },
  },
  {
    name: 'clock_report',
    seq: 14,
    hex: 'a5000d2d0e000000176955b917016955b900bae1',
    message: {
      kind: 'clock_report',
      eventSeq: 23,
      deviceTime: 1767225623,
      clockValid: true,
      lastSyncAt: 1767225600,
    },
  },
  {
    name: 'code_used',
    seq: 15,
    hex: 'a500152e0f000000186955b91803000004120000000000000005876e',
    message: {
      kind: 'code_used',
      eventSeq: 24,
      deviceTime: 1767225624,
      slot: 3,
      holderId: 1042,
      issue: 5n,
    },
  },
  {
    name: 'window_code_used',
    seq: 16,
    hex: 'a5001e2f10000000196956380dfa0000000000000000000000026956379000000e10011142',
    message: {
      kind: 'window_code_used',
      eventSeq: 25,
      deviceTime: 1767258125,
      slot: 250,
      holderId: 0,
      keyIssue: 2n,
      windowStart: 1767258000,
      windowSeconds: 3600,
      windowSlot: 1,
    },
  },
  {
    name: 'open_now',
    seq: 20,
    hex: 'a5002d4014074b532d3030303100000000000000046955b9006955ba2c000004120ad48fcd5883a9d99c568e51d1dcd1b52f47f8',
    message: {
      kind: 'open_now',
      auth: {
        targetSerial: 'KS-0001',
        counter: 4n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('d48fcd5883a9d99c568e51d1dcd1b52f'),
      },
      holderId: 1042,
      unlockSeconds: 10,
    },
  },
  {
    name: 'set_code',
    seq: 21,
    hex: 'a5003e4115074b532d3030303100000000000000056955b9006955ba2c03000004126955b9006955bc8401010618ffae540a85f39ea32cc841c7955e1c078faba8089ea1c6',
    message: {
      kind: 'set_code',
      auth: {
        targetSerial: 'KS-0001',
        counter: 5n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('f39ea32cc841c7955e1c078faba8089e'),
      },
      slot: 3,
      holderId: 1042,
      validFrom: 1767225600,
      validUntil: 1767226500,
      codeKind: 1,
      oneTime: true,
      sealed: h('18ffae540a85'),
    },
  },
  {
    name: 'revoke',
    seq: 22,
    hex: 'a5002d4216074b532d3030303100000000000000066955b9006955ba2c0300000412d5eb6860da888770cf61226b2861fafd32f3',
    message: {
      kind: 'revoke',
      auth: {
        targetSerial: 'KS-0001',
        counter: 6n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('d5eb6860da888770cf61226b2861fafd'),
      },
      slot: 3,
      holderId: 1042,
    },
  },
  {
    name: 'block',
    seq: 23,
    hex: 'a5002d4317074b532d3030303100000000000000076955b9006955ba2c0200000412e94a8d208520d5ad828d4a2fa8911b27df73',
    message: {
      kind: 'block',
      auth: {
        targetSerial: 'KS-0001',
        counter: 7n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('e94a8d208520d5ad828d4a2fa8911b27'),
      },
      scope: 2,
      target: 1042,
    },
  },
  {
    name: 'unblock',
    seq: 24,
    hex: 'a5002d4418074b532d3030303100000000000000086955b9006955ba2c02000004123dd9dd71af090cca87d0f160bbe174755ea3',
    message: {
      kind: 'unblock',
      auth: {
        targetSerial: 'KS-0001',
        counter: 8n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('3dd9dd71af090cca87d0f160bbe17475'),
      },
      scope: 2,
      target: 1042,
    },
  },
  {
    name: 'time_sync',
    seq: 25,
    hex: 'a5002c4519074b532d3030303100000000000000096955b9006955ba2c6955b91ee85f66e8a035451592903f5a7a29321338ad',
    message: {
      kind: 'time_sync',
      auth: {
        targetSerial: 'KS-0001',
        counter: 9n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('e85f66e8a035451592903f5a7a293213'),
      },
      newTime: 1767225630,
    },
  },
  {
    name: 'key_install',
    seq: 35,
    hex: 'a500484623074b532d303030310000019b76daa8006955b9006955ba2cecf7a6c6cbdc967907b62a6479f93a878cb26d97fc972e581940d8490173285dab20f75135c3da46f1870db167159cd3f708',
    message: {
      kind: 'key_install',
      auth: {
        targetSerial: 'KS-0001',
        counter: 1767225600000n,
        issuedAt: 1767225600,
        expiresAt: 1767225900,
        mac: h('ab20f75135c3da46f1870db167159cd3'),
      },
      wrappedKey: h('ecf7a6c6cbdc967907b62a6479f93a878cb26d97fc972e581940d8490173285d'),
    },
  },
  {
    name: 'read_audit',
    seq: 26,
    hex: 'a50005501a0000000107650b',
    message: { kind: 'read_audit', fromSeq: 1, maxRecords: 7 },
  },
  { name: 'self_test', seq: 27, hex: 'a50000511b1a14', message: { kind: 'self_test' } },
  { name: 'status_poll', seq: 28, hex: 'a50000521c3fa0', message: { kind: 'status_poll' } },
  {
    name: 'command_result',
    seq: 30,
    hex: 'a5000e601e400000000000000004006955b90513da',
    message: { kind: 'command_result', commandType: 64, counter: 4n, result: 0, deviceTime: 1767225605 },
  },
  {
    name: 'audit_records',
    seq: 31,
    hex: 'a50045611f0000000202000000016955b90082000000000000004abed4209aef3e4774bf592cee8c03ed000000026955b93c2503000004120000aa2a376f23c7238469731bc6f8440cefef94',
    message: {
      kind: 'audit_records',
      headSeq: 2,
      records: [
        {
          seq: 1,
          deviceTime: 1767225600,
          kind: 130,
          slot: 0,
          holderId: 0,
          value: 0,
          mac: h('4abed4209aef3e4774bf592cee8c03ed'),
        },
        {
          seq: 2,
          deviceTime: 1767225660,
          kind: 37,
          slot: 3,
          holderId: 1042,
          value: 0,
          mac: h('aa2a376f23c7238469731bc6f8440cef'),
        },
      ],
    },
  },
  {
    name: 'audit_records (code uses, 1.1)',
    seq: 34,
    hex: 'a5004561220000000202000000016955b9182e03000000000005c6b89542fcb57d9d63d319d98520c356000000026956380d2ffa695637900401a6ad7864df9b8e328f3c01af8c543fc7876f',
    message: {
      kind: 'audit_records',
      headSeq: 2,
      records: [
        {
          seq: 1,
          deviceTime: 1767225624,
          kind: 0x2e,
          slot: 3,
          holderId: 0,
          value: 5,
          mac: h('c6b89542fcb57d9d63d319d98520c356'),
        },
        {
          seq: 2,
          deviceTime: 1767258125,
          kind: 0x2f,
          slot: 250,
          holderId: 1767258000,
          value: 0x0401,
          mac: h('a6ad7864df9b8e328f3c01af8c543fc7'),
        },
      ],
    },
  },
  {
    name: 'self_test_result',
    seq: 32,
    hex: 'a500026220000078ef',
    message: { kind: 'self_test_result', faults: 0 },
  },
  {
    name: 'status',
    seq: 33,
    hex: 'a5001263216955b92852570000000000000009000000026039',
    message: {
      kind: 'status',
      deviceTime: 1767225640,
      flags: 82,
      batteryPercent: 87,
      lastCounter: 9n,
      auditHeadSeq: 2,
    },
  },
];
