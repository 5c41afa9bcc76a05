/** `--flag value`, `--flag=value`, repeated flags collected in order, and boolean flags. */
export interface Dc09Args {
  positional: string[];
  flags: Map<string, string[]>;
  booleans: Set<string>;
}

export function parseDc09Args(argv: readonly string[], booleanFlags: readonly string[]): Dc09Args {
  const out: Dc09Args = { positional: [], flags: new Map(), booleans: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '-h') {
      out.booleans.add('help');
      continue;
    }
    if (!a.startsWith('--')) {
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    if (booleanFlags.includes(name)) {
      out.booleans.add(name);
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    out.flags.set(name, [...(out.flags.get(name) ?? []), value]);
  }
  return out;
}

/** A mistake on the command line: printed with the usage hint, exit code 1. */
export class UsageError extends Error {
  readonly code = 'BAKEN_ERR_SIM_CONFIG';
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const one = (a: Dc09Args, name: string): string | undefined => a.flags.get(name)?.at(-1);

export const all = (a: Dc09Args, name: string): string[] => a.flags.get(name) ?? [];

export function intFlag(a: Dc09Args, name: string, fallback: number, min: number, max: number): number {
  const v = one(a, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} must be a whole number ${min}–${max}`);
  return n;
}

/** `host:port`, `[v6]:port`. */
export function hostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (!m || port < 1 || port > 65535) throw new UsageError(`--receiver must be host:port, not ${text}`);
  return { host: m[1] ?? m[2]!, port };
}
