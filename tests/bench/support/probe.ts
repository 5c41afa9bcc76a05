import { request } from 'node:http';
import type { HomeCred } from './gen-proc.js';
import { LeanHome } from './lean-home.js';
import { eventTemplate, type Template } from './payloads.js';
import { parseSseBlock, type SseEvent } from './sse.js';

/** Wall-clock milliseconds with sub-millisecond resolution, comparable with the server's `Date.now()`. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

export interface AlarmSample {
  id: string;
  /** Epoch ms of the PUBLISH write. */
  publishedAt: number;
  pubackMs: number;
  /** The server's `ack` for this id arrived [MQTT-MAP §4.2]: stored and committed. */
  ackMs: number;
  /** `alarm.created` for this home arrived on the dashboard's live stream. */
  streamMs: number;
}

/**
 * One home unit in the bench process that presses its pendant and times the answer: the PUBACK,
 * the server's app-level ack, and the `alarm.created` on `GET /api/v1/stream` (an admin's live
 * dashboard). One alarm at a time, so the stream event is matched by gateway id.
 */
export class AlarmProbe {
  private readonly home: LeanHome;
  private readonly tpl: Template;
  private n = 0;
  private waitAck: ((id: string) => void) | undefined;
  private waitPuback: (() => void) | undefined;
  private waitStream: (() => void) | undefined;
  private sse: ReturnType<typeof request> | undefined;

  constructor(
    private readonly cred: HomeCred,
    private readonly o: { host: string; mqttPort: number; url: string; token: string },
  ) {
    this.tpl = eventTemplate(cred.id, 'alarm');
    this.home = new LeanHome({
      host: o.host,
      port: o.mqttPort,
      gatewayId: cred.id,
      password: cred.password,
      onAck: (ids) => {
        for (const id of ids) this.waitAck?.(id);
      },
      onPuback: () => this.waitPuback?.(),
    });
  }

  get connected(): boolean {
    return this.home.connected;
  }

  async connect(): Promise<void> {
    await this.home.connect(true);
  }

  /** Opens the live stream; resolves once the server has answered with its first comment. */
  openStream(): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(
        `${this.o.url}/api/v1/stream`,
        { headers: { authorization: `Bearer ${this.o.token}`, accept: 'text/event-stream' } },
        (res) => {
          if (res.statusCode !== 200) return reject(new Error(`stream answered ${res.statusCode}`));
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            buf += c;
            let i = buf.indexOf('\n\n');
            while (i >= 0) {
              const block = buf.slice(0, i);
              buf = buf.slice(i + 2);
              if (block.startsWith(': connected')) resolve();
              const e = parseSseBlock(block);
              if (e.event === 'alarm.created' && e.data.includes(`"gatewayId":"${this.cred.id}"`))
                this.waitStream?.();
              this.onEvent?.(e);
              i = buf.indexOf('\n\n');
            }
          });
          res.on('error', () => undefined);
        },
      );
      req.on('error', reject);
      req.end();
      this.sse = req;
    });
  }

  /** Every server-sent event (other figures watch the stream too). */
  onEvent: ((e: SseEvent) => void) | undefined;

  /** One press; rejects after `timeoutMs` without the app ack or the stream event. */
  async press(timeoutMs = 30_000): Promise<AlarmSample> {
    const id = `probe${process.pid.toString(36)}x${Date.now().toString(36)}x${(this.n++).toString(36)}`;
    const t0 = performance.now();
    let pubackMs = Number.NaN;
    const puback = new Promise<void>((r) => {
      this.waitPuback = () => {
        pubackMs = performance.now() - t0;
        r();
      };
    });
    const ack = new Promise<number>((r) => {
      this.waitAck = (got) => got === id && r(performance.now() - t0);
    });
    const stream = new Promise<number>((r) => {
      this.waitStream = () => r(performance.now() - t0);
    });
    const publishedAt = epochMs();
    this.home.publishEvent(this.tpl(id, Math.floor(publishedAt)));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`alarm ${id} not answered in ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const [ackMs, streamMs] = await Promise.race([Promise.all([ack, stream, puback]), timeout]);
      return { id, publishedAt, pubackMs, ackMs, streamMs };
    } finally {
      clearTimeout(timer);
      this.waitAck = this.waitPuback = this.waitStream = undefined;
    }
  }

  close(): void {
    this.home.disconnect();
    this.sse?.destroy();
  }
}
