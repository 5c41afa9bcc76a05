import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One message the local push service took, decrypted, with what it checked. */
export interface ReceivedPush {
  /** Which subscription (device) it was for. */
  device: string;
  headers: Record<string, string | undefined>;
  /** The plaintext the server encrypted for this device [RFC 8291]. */
  payload: string;
  /** The VAPID JWT claims, after its ES256 signature was verified against `k` [RFC 8292 §2-3]. */
  vapid: { aud: string; exp: number; sub: string; publicKey: string };
}

export interface LocalPushService {
  /** A subscription as a browser would send it (`PushSubscription.toJSON()`), for a new device. */
  subscribe(device: string): { endpoint: string; keys: { p256dh: string; auth: string } };
  received: ReceivedPush[];
  /** Messages refused (bad encryption, bad VAPID), with why. */
  refused: string[];
  /** Answers 410 Gone for this device from now on (the user unsubscribed in the browser). */
  expire(device: string): void;
  close(): Promise<void>;
}

const b64u = (b: Buffer) => b.toString('base64url');

/** Decrypts an `aes128gcm` Web Push body with the device's private key and auth secret [RFC 8291 §3.4, RFC 8188 §2]. */
export function decryptAes128gcm(
  body: Buffer,
  uaPrivate: Buffer,
  uaPublic: Buffer,
  authSecret: Buffer,
): string {
  const salt = body.subarray(0, 16);
  const rs = body.readUInt32BE(16);
  const idlen = body[20]!;
  const asPublic = body.subarray(21, 21 + idlen);
  const records = body.subarray(21 + idlen);
  if (records.length > rs) throw new Error('more than one record');
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(uaPrivate);
  const secret = ecdh.computeSecret(asPublic);
  const keyInfo = Buffer.concat([Buffer.from('WebPush: info\0'), uaPublic, asPublic]);
  const ikm = Buffer.from(hkdfSync('sha256', secret, authSecret, keyInfo, 32));
  const cek = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: aes128gcm\0'), 16));
  const nonce = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.from('Content-Encoding: nonce\0'), 12));
  const d = createDecipheriv('aes-128-gcm', cek, nonce);
  d.setAuthTag(records.subarray(records.length - 16));
  const plain = Buffer.concat([d.update(records.subarray(0, records.length - 16)), d.final()]);
  let end = plain.length - 1;
  while (end >= 0 && plain[end] === 0) end--;
  if (plain[end] !== 2) throw new Error('no last-record delimiter');
  return plain.subarray(0, end).toString('utf8');
}

function verifyVapid(auth: string | undefined, origin: string): ReceivedPush['vapid'] {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(auth ?? '');
  if (!m) throw new Error('no VAPID authorization');
  const [h, p, s] = m[1]!.split('.');
  const pub = Buffer.from(m[2]!, 'base64url');
  const key = createPublicKey({
    key: { kty: 'EC', crv: 'P-256', x: b64u(pub.subarray(1, 33)), y: b64u(pub.subarray(33, 65)) },
    format: 'jwk',
  });
  const ok = verify(
    'sha256',
    Buffer.from(`${h}.${p}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(s!, 'base64url'),
  );
  if (!ok) throw new Error('bad VAPID signature');
  const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as {
    aud: string;
    exp: number;
    sub: string;
  };
  if (claims.aud !== origin) throw new Error(`VAPID aud ${claims.aud} is not ${origin}`);
  return { ...claims, publicKey: m[2]! };
}

/**
 * A push service on loopback (port 0) standing in for a browser vendor's [RFC 8030 §5]: it takes
 * POSTs to its subscription endpoints, verifies the VAPID signature, decrypts the body with the
 * device's own private key, and answers 201 — or 410 for an expired subscription.
 */
export async function startLocalPushService(): Promise<LocalPushService> {
  const devices = new Map<string, { priv: Buffer; pub: Buffer; auth: Buffer; gone: boolean }>();
  const received: ReceivedPush[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const device = decodeURIComponent((req.url ?? '').replace(/^\/push\//, ''));
      const d = devices.get(device);
      if (!d || req.method !== 'POST') return void res.writeHead(404).end();
      if (d.gone) return void res.writeHead(410).end();
      try {
        if (req.headers['content-encoding'] !== 'aes128gcm') throw new Error('not aes128gcm');
        const vapid = verifyVapid(req.headers.authorization, origin);
        const payload = decryptAes128gcm(Buffer.concat(chunks), d.priv, d.pub, d.auth);
        const headers: Record<string, string | undefined> = {};
        for (const k of ['ttl', 'urgency', 'topic', 'content-encoding'])
          headers[k] = req.headers[k] as string | undefined;
        received.push({ device, headers, payload, vapid });
        res.writeHead(201, { location: `/message/${received.length}` }).end();
      } catch (err) {
        refused.push(`${device}: ${(err as Error).message}`);
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    received,
    refused,
    subscribe(device) {
      const ecdh = createECDH('prime256v1');
      const pub = ecdh.generateKeys();
      const auth = randomBytes(16);
      devices.set(device, { priv: ecdh.getPrivateKey(), pub, auth, gone: false });
      return {
        endpoint: `${origin}/push/${encodeURIComponent(device)}`,
        keys: { p256dh: b64u(pub), auth: b64u(auth) },
      };
    },
    expire(device) {
      const d = devices.get(device);
      if (d) d.gone = true;
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
