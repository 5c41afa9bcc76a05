import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AuditLog } from '../modules/audit/audit-log.js';
import { cliI18n } from './lang.js';

/**
 * `npx tsx server/src/cli/audit-verify.ts --db PATH` — verifies the audit hash chain of a Baken
 * database read-only. Exit 0 when intact, 1 when broken (the first broken entry is named), 2 on
 * usage errors.
 */
export async function runAuditVerify(
  argv0: string[],
  out: (s: string) => void,
  err: (s: string) => void,
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const { i18n, args: argv } = cliI18n(argv0, env);
  const i = argv.indexOf('--db');
  const path = i >= 0 ? argv[i + 1] : undefined;
  if (!path || argv.includes('--help') || argv.includes('-h')) {
    err(i18n.t('cli.auditVerify.usage'));
    return 2;
  }
  if (!existsSync(path)) {
    err(`BAKEN_ERR_NOT_FOUND: no database at ${path}`);
    return 2;
  }
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const r = await new AuditLog(db).verify();
    if (r.ok) {
      out(
        `audit chain intact: ${r.entries} entries (seq ${r.firstSeq ?? '-'}..${r.lastSeq ?? '-'}), head ${r.headHash}`,
      );
      return 0;
    }
    err(`BAKEN_ERR_AUDIT_CHAIN: first broken entry seq ${r.firstBrokenSeq} (${r.problem}): ${r.message}`);
    return 1;
  } finally {
    db.close();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/^.*\//, ''))) {
  runAuditVerify(
    process.argv.slice(2),
    (s) => process.stdout.write(`${s}\n`),
    (s) => process.stderr.write(`${s}\n`),
  ).then((code) => (process.exitCode = code));
}
