import { MemoryHitCounter } from './hit-counter.js';
import { hitCounterContract } from './testing-hit-counter.js';

hitCounterContract(
  'in memory (one process)',
  (_name, max, windowMs, clock) => new MemoryHitCounter(clock, max, windowMs),
  false,
);
