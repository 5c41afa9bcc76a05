import { readFileSync } from 'node:fs';
import { dc09KeyFromText } from '@baken/protocols';
import { type Dc09Args, one, UsageError } from './args.js';

/**
 * A key from `--key <text>` or `--key-file <file>` (first line; keeps the key out of shell history
 * and `ps`), in the form `--key-format hex|ascii` [DC09 SPEC §3.3]. Never echoed.
 */
export function keyFromText(text: string, a: Dc09Args): Uint8Array {
  const format = one(a, 'key-format') ?? 'hex';
  if (format !== 'hex' && format !== 'ascii') throw new UsageError('--key-format must be hex or ascii');
  const k = dc09KeyFromText(text.trim(), format);
  if (!k.ok) throw new UsageError(`key: ${k.error.message}`);
  return k.value;
}

export function readKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8').split(/\r?\n/)[0] ?? '';
  } catch (e) {
    throw new UsageError(`cannot read key file ${path}: ${(e as Error).message}`);
  }
}

/** The sender's key, if any. */
export function senderKey(a: Dc09Args): Uint8Array | undefined {
  const file = one(a, 'key-file');
  const text = file === undefined ? one(a, 'key') : readKeyFile(file);
  return text === undefined ? undefined : keyFromText(text, a);
}
