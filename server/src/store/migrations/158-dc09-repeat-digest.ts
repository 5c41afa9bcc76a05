import type { Migration } from './index.js';

/**
 * A DC-09 repeat is the same sequence number AND the same content [docs/alarm-centre.md §In]: the
 * inbound account remembers a digest of the last accepted message's token and data beside its
 * sequence, so a new alarm under a sequence number a panel reuses (after a power cut, or a panel
 * that never counts) is stored, not ACKed and dropped as a retransmission.
 */
export const m158Dc09RepeatDigest: Migration = {
  version: 158,
  name: 'dc09-repeat-digest',
  up: `ALTER TABLE dc09_in_accounts ADD COLUMN last_digest TEXT;`,
};
