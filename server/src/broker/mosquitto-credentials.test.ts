import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BROKER_LIMITS } from './broker-limits.js';
import { mosquittoConfText } from './mosquitto-config.js';
import { MosquittoPasswordFile, mosquittoAclText, mosquittoPasswordLine } from './mosquitto-credentials.js';

describe('Mosquitto credentials', () => {
  it('writes PBKDF2-SHA512 lines in the $7$ format', () => {
    const salt = Buffer.alloc(12, 7);
    const line = mosquittoPasswordLine('gw-1', 'secret', salt, 101);
    const [user, rest] = line.split(':');
    expect(user).toBe('gw-1');
    const [, kind, iter, saltB64, hashB64] = rest!.split('$');
    expect(kind).toBe('7');
    expect(iter).toBe('101');
    expect(Buffer.from(saltB64!, 'base64')).toEqual(salt);
    expect(Buffer.from(hashB64!, 'base64')).toEqual(pbkdf2Sync('secret', salt, 101, 64, 'sha512'));
  });

  it('refuses usernames Mosquitto cannot hold', () => {
    expect(() => mosquittoPasswordLine('a:b', 'x')).toThrow(
      expect.objectContaining({ code: 'BAKEN_ERR_VALIDATION', statusCode: 400 }),
    );
  });

  it('replaces a user line and keeps the others, owner-only', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'baken-mq-')), 'passwd');
    const f = new MosquittoPasswordFile({ passwordFile: file });
    f.issue('server', 'a');
    f.issue('gw-1', 'b');
    f.issue('gw-1', 'c');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((l) => l.split(':')[0])).toEqual(['server', 'gw-1']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('gives gateways only their own subtree in the ACL', () => {
    const acl = mosquittoAclText('baken-server');
    expect(acl).toContain('user baken-server\ntopic readwrite baken/v1/#');
    expect(acl).toContain('pattern write baken/v1/gw/%u/events');
    expect(acl).toContain('pattern read baken/v1/gw/%u/ack');
    expect(acl).not.toMatch(/pattern (read|write) baken\/v1\/gw\/\+/);
  });
});

describe('Mosquitto configuration', () => {
  it('carries the broker limits: packet size, one session per gateway, bounded queues', () => {
    const conf = mosquittoConfText({
      gatewayListener: { port: 8883 },
      serverListener: { port: 1884, host: '127.0.0.1' },
      passwordFile: '/etc/mosquitto/baken.passwd',
      aclFile: '/etc/mosquitto/baken.acl',
      limits: { ...DEFAULT_BROKER_LIMITS, maxPacketBytes: 300_000 },
    });
    expect(conf).toContain('allow_anonymous false');
    expect(conf).toContain('max_packet_size 300005');
    expect(conf).toMatch(/max_queued_messages \d+/);
    expect(conf).toMatch(/max_queued_bytes \d+/);
    // The option belongs to the listener it follows: the gateways', not the server's.
    expect(conf).toMatch(/listener 8883\nuse_username_as_clientid true\n/);
    expect(conf.trimEnd().endsWith('listener 1884 127.0.0.1')).toBe(true);
  });
});
