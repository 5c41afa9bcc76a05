import type { DomainEvent } from '../ingest/domain-events.js';

/** An event as streamed, with the id a reconnecting client sends back as `Last-Event-ID`. */
export interface LoggedEvent {
  id: string;
  event: DomainEvent;
}

/**
 * The recent streamed events, numbered, so a dashboard that reconnects gets what it missed
 * (the SSE `Last-Event-ID` resume of the WHATWG HTML standard, "server-sent events").
 * Ids are `<boot>-<seq>`: an id from before a restart, or older than the buffer holds, cannot be
 * resumed and {@link since} answers `'gap'` — the client then reloads its page in full.
 */
export class StreamLog {
  private readonly events: LoggedEvent[] = [];
  private seq = 0;

  constructor(
    private readonly boot: string,
    private readonly capacity = 2_000,
  ) {}

  append(event: DomainEvent): LoggedEvent {
    const logged = { id: `${this.boot}-${++this.seq}`, event };
    this.events.push(logged);
    if (this.events.length > this.capacity) this.events.splice(0, this.events.length - this.capacity);
    return logged;
  }

  /** The events after `lastId`, oldest first; `'gap'` when some of them are no longer known. */
  since(lastId: string): LoggedEvent[] | 'gap' {
    const m = /^([A-Za-z0-9]+)-(\d+)$/.exec(lastId.trim());
    if (!m || m[1] !== this.boot) return 'gap';
    const after = Number(m[2]);
    if (after > this.seq) return 'gap';
    const first = this.events[0];
    const firstSeq = first ? Number(first.id.split('-')[1]) : this.seq + 1;
    if (after < firstSeq - 1) return 'gap';
    return this.events.filter((e) => Number(e.id.split('-')[1]) > after);
  }
}
