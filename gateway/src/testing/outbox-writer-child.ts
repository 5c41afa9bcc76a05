// Child process for the kill -9 test: inserts alarms into the outbox at argv[2] forever and prints
// each id on stdout only after its insert returned (committed). The parent SIGKILLs it.
import { SystemClock } from '@baken/hardware/clock/system-clock';
import { Outbox } from '../outbox/outbox.js';

const path = process.argv[2];
if (!path) throw new Error('usage: outbox-writer-child <db>');
const outbox = Outbox.open(path, new SystemClock());
for (let i = 0; ; i++) {
  const id = `crash-${i}`;
  outbox.insert({
    id,
    topic: 'events',
    payload: JSON.stringify({ id }),
    alarm: i % 2 === 0,
    release: 'app-ack',
  });
  process.stdout.write(`${id}\n`);
  if (i % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
}
