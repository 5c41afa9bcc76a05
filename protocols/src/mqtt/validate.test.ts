import { describe, expect, it } from 'vitest';
import { defaultEventPriority, eventDataSchemaFor } from './event-schemas.js';
import {
  MQTT_EXAMPLE_PAYLOADS,
  MQTT_EXAMPLE_PROVISION_REQUEST,
  MQTT_EXAMPLE_PROVISION_RESPONSE,
} from './examples.js';
import { MQTT_SECRET_PATHS, redactPathsUnder } from './secrets.js';
import { validatePayload, validateProvisionRequest, validateProvisionResponse } from './validate.js';

const failure = (r: { ok: boolean; error?: { code: string; detail: Readonly<Record<string, unknown>> } }) =>
  r.ok ? 'ok' : `${r.error?.code} ${String(r.error?.detail['path'])}`;

describe('validatePayload', () => {
  it('never mutates its input and returns a stripped copy', () => {
    const input = { ...MQTT_EXAMPLE_PAYLOADS.availability, extra: true };
    const r = validatePayload('availability', input);
    expect(r.ok && r.value).toEqual(MQTT_EXAMPLE_PAYLOADS.availability);
    expect(input.extra).toBe(true);
  });

  it('survives hostile objects', () => {
    const getter = Object.defineProperty({ v: 1 }, 'state', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(validatePayload('availability', getter).ok).toBe(false);
    const proxy = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('boom');
        },
      },
    );
    expect(failure(validatePayload('availability', proxy))).toMatch(/BAKEN_ERR_PAYLOAD_SCHEMA/);
    expect(failure(validatePayload('ack', undefined))).toBe('BAKEN_ERR_PAYLOAD_SCHEMA ');
  });

  it('cmd/req: keysafe_frame needs frameHex, hex must be lower-case whole bytes', () => {
    const req = MQTT_EXAMPLE_PAYLOADS['cmd/req'];
    const { frameHex: _drop, ...noFrame } = req;
    expect(failure(validatePayload('cmd/req', noFrame))).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /frameHex');
    expect(failure(validatePayload('cmd/req', { ...noFrame, kind: 'status' }))).toBe('ok');
    expect(failure(validatePayload('cmd/req', { ...req, frameHex: 'ABCD' }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /frameHex',
    );
    expect(failure(validatePayload('cmd/req', { ...req, frameHex: 'abc' }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /frameHex',
    );
    expect(failure(validatePayload('cmd/req', { ...req, kind: 'reboot' }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /kind',
    );
    expect(
      failure(
        validatePayload('cmd/req', { ...noFrame, kind: 'pair', params: { windowS: 60, kind: 'pendant' } }),
      ),
    ).toBe('ok');
  });

  it('cmd/req: update needs params.version [MQTT-MAP §4.5.1]', () => {
    const { frameHex: _drop, ...req } = MQTT_EXAMPLE_PAYLOADS['cmd/req'];
    const offer = { ...req, deviceId: 'home-0042', kind: 'update' };
    expect(failure(validatePayload('cmd/req', offer))).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /params/version');
    expect(
      failure(validatePayload('cmd/req', { ...offer, params: { version: '0.2.0', rollout: 'ro-1' } })),
    ).toBe('ok');
  });

  it('cmd/res: closed status union, bounded reason', () => {
    const res = MQTT_EXAMPLE_PAYLOADS['cmd/res'];
    expect(failure(validatePayload('cmd/res', { ...res, status: 'nak' }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /status',
    );
    expect(failure(validatePayload('cmd/res', { ...res, reason: 'r'.repeat(129) }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /reason',
    );
  });

  it('config: transport decides which of path/address is required', () => {
    const config = MQTT_EXAMPLE_PAYLOADS.config;
    const serial = { deviceId: 'KS-1', serial: 'KS-1', transport: 'serial' } as const;
    expect(failure(validatePayload('config', { ...config, keysafes: [serial] }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /keysafes/0/path',
    );
    expect(
      failure(validatePayload('config', { ...config, keysafes: [{ ...serial, transport: 'ble' }] })),
    ).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /keysafes/0/address');
    const badKey = [{ ...config.pendants[0], keyHex: '00' }];
    expect(failure(validatePayload('config', { ...config, pendants: badKey }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /pendants/0/keyHex',
    );
  });

  it('check: passed must agree with the steps', () => {
    const report = MQTT_EXAMPLE_PAYLOADS.check;
    const oneFailed = report.steps.map((s, i) => (i === 1 ? { ...s, passed: false } : s));
    expect(failure(validatePayload('check', { ...report, steps: oneFailed }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /passed',
    );
    expect(failure(validatePayload('check', { ...report, steps: oneFailed, passed: false }))).toBe('ok');
    expect(failure(validatePayload('check', { ...report, steps: [] }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /steps',
    );
  });

  it('ack and heartbeat bound their arrays', () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `event-${String(i).padStart(6, '0')}`);
    expect(failure(validatePayload('ack', { v: 1, ids }))).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /ids');
    const hb = MQTT_EXAMPLE_PAYLOADS.heartbeat;
    const devices = Array.from({ length: 65 }, () => hb.devices[0]);
    expect(failure(validatePayload('heartbeat', { ...hb, devices }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /devices',
    );
    expect(failure(validatePayload('heartbeat', { ...hb, mains: 'maybe' }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /mains',
    );
  });

  it('availability and event priority rules', () => {
    expect(failure(validatePayload('availability', { v: 1, state: 'away', at: 1 }))).toBe(
      'BAKEN_ERR_PAYLOAD_SCHEMA /state',
    );
    expect(defaultEventPriority('pendant', 'alarm')).toBe('alarm');
    expect(defaultEventPriority('keysafe', 'door_forced')).toBe('alarm');
    expect(defaultEventPriority('pendant', 'battery')).toBe('normal');
    expect(eventDataSchemaFor('keysafe', 'battery')).toBeDefined();
    expect(eventDataSchemaFor('pendant', 'door_opened')).toBeUndefined();
    expect(eventDataSchemaFor('gateway', 'constructor')).toBeUndefined();
  });
});

describe('provisioning [MQTT-MAP §5]', () => {
  it('accepts the examples', () => {
    expect(validateProvisionRequest(MQTT_EXAMPLE_PROVISION_REQUEST)).toEqual({
      ok: true,
      value: MQTT_EXAMPLE_PROVISION_REQUEST,
    });
    expect(validateProvisionResponse(MQTT_EXAMPLE_PROVISION_RESPONSE).ok).toBe(true);
  });

  it('names the failing field and never echoes the secret', () => {
    const r = validateProvisionRequest({ ...MQTT_EXAMPLE_PROVISION_REQUEST, token: 'short secret' });
    expect(failure(r)).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /token');
    expect(JSON.stringify(r)).not.toContain('short secret');
    const { mqtt } = MQTT_EXAMPLE_PROVISION_RESPONSE;
    const badUrl = { ...MQTT_EXAMPLE_PROVISION_RESPONSE, mqtt: { ...mqtt, urls: ['http://x'] } };
    expect(failure(validateProvisionResponse(badUrl))).toBe('BAKEN_ERR_PAYLOAD_SCHEMA /mqtt/urls/0');
    expect(
      validateProvisionRequest(
        { ...MQTT_EXAMPLE_PROVISION_REQUEST, extra: 1 },
        { unknownProperties: 'reject' },
      ).ok,
    ).toBe(false);
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(
      validateProvisionRequest(
        new Proxy(cyclic, {
          ownKeys: () => {
            throw new Error('x');
          },
        }),
      ).ok,
    ).toBe(false);
  });
});

describe('secrets [MQTT-MAP §6]', () => {
  it('lists every secret field, prefixed for a logger', () => {
    expect(MQTT_SECRET_PATHS.config).toContain('pendants[*].keyHex');
    expect(redactPathsUnder('payload')).toEqual([
      'payload.pendants[*].keyHex',
      'payload.token',
      'payload.mqtt.password',
    ]);
  });
});
