import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { Home } from '../home.js';

/** Actions a second terminal may ask of the running demo (`npm run demo:press`, …). */
export const DEMO_ACTIONS = ['press', 'cancel', 'fall', 'test', 'door', 'code'] as const;
export type DemoAction = (typeof DEMO_ACTIONS)[number];

export interface DemoControlInfo {
  url: string;
  /** A per-run secret, so only someone who can read the data folder drives the demo. */
  token: string;
}

/** What the action did: 200 with a sentence, or a refusal the caller exits non-zero on. */
interface Performed {
  status: 200 | 400 | 409;
  text: string;
}

const done = (text: string): Performed => ({ status: 200, text });

function perform(home: Home, action: DemoAction, arg: string | undefined): Performed {
  const pendant = [...home.pendants.values()][0];
  switch (action) {
    case 'press':
      pendant?.press();
      return done('pendant pressed: the alarm should appear in the dashboard inbox');
    case 'cancel':
      pendant?.cancel();
      return done('pendant cancel sent');
    case 'fall':
      pendant?.fall();
      return done('fall reported by the pendant');
    case 'test':
      pendant?.testPress();
      return done('test press sent');
    case 'code': {
      // A care worker types a code on the key safe's keypad; an accepted code unlocks the door.
      const code = (arg ?? '').replace(/\s/g, '');
      if (!home.safe || !/^\d{4,12}$/.test(code))
        return { status: 400, text: 'BAKEN_ERR_DEMO_USAGE: give the code: npm run demo:code -- "0773 5652"' };
      const result = home.safe.enterCode(code);
      if (result !== 'accepted')
        return {
          status: 409,
          text: `BAKEN_ERR_DEMO_CODE_REFUSED: the key safe refused the code (${result.replace('_', ' ')})`,
        };
      home.safe.openDoor();
      home.safe.closeDoor();
      return done('key safe: code accepted, door opened and closed — the client can see who entered');
    }
    case 'door':
      home.safe?.openDoor();
      home.safe?.closeDoor();
      return done('key-safe door opened and closed');
  }
}

/** A loopback-only HTTP endpoint: `POST /<action>` with `authorization: Bearer <token>`. */
export async function startDemoControl(home: Home): Promise<{ info: DemoControlInfo; server: Server }> {
  const token = randomBytes(16).toString('hex');
  const expected = Buffer.from(`Bearer ${token}`);
  const server = createServer((req, res) => {
    const given = Buffer.from(req.headers.authorization ?? '');
    const authorised = given.length === expected.length && timingSafeEqual(given, expected);
    const [path, arg] = (req.url ?? '').replace(/^\//, '').split('/');
    const action = path as DemoAction;
    if (!authorised) {
      res.writeHead(401).end('BAKEN_ERR_DEMO_CONTROL: bad token\n');
    } else if (req.method !== 'POST' || !DEMO_ACTIONS.includes(action)) {
      res.writeHead(404).end(`BAKEN_ERR_DEMO_CONTROL: use POST /${DEMO_ACTIONS.join('|/')}\n`);
    } else {
      const r = perform(home, action, arg === undefined ? undefined : decodeURIComponent(arg));
      res.writeHead(r.status).end(`${r.text}\n`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return { info: { url: `http://127.0.0.1:${port}`, token }, server };
}
