import { readFileSync } from 'node:fs';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { SimError } from '../errors.js';
import { parseDuration } from './duration.js';
import {
  ActionStepSchema,
  ExpectStepSchema,
  type Scenario,
  ScenarioSchema,
  type Step,
} from './scenario-schema.js';

const NEEDS: Record<string, string[]> = {
  code: ['code'],
  pendant_battery: ['value'],
  safe_battery: ['value'],
  fault: ['fault', 'on'],
  mains: ['on'],
  server_set_window_key: ['slot', 'holder'],
  server_revoke: ['holder'],
  server_time_sync: ['value'],
};

function fail(message: string): never {
  throw new SimError('BAKEN_ERR_SIM_SCENARIO', message);
}

const label = (i: number, raw: unknown): string => {
  const r = raw as { at?: unknown; name?: unknown; action?: unknown };
  const at = r?.at === undefined ? '' : ` (at ${String(r.at)})`;
  const what =
    typeof r?.name === 'string' ? ` "${r.name}"` : typeof r?.action === 'string' ? ` ${r.action}` : '';
  return `step ${i + 1}${what}${at}`;
};

/** Validates a parsed scenario; every error names the step it is about. */
export function validateScenario(doc: unknown): Scenario {
  if (!Value.Check(ScenarioSchema, doc)) {
    const e = Value.Errors(ScenarioSchema, doc).First();
    fail(`scenario: ${e?.path || '/'} ${e?.message ?? 'is invalid'}`);
  }
  const steps: Step[] = doc.steps.map((raw, i) => {
    const isExpect = typeof raw === 'object' && raw !== null && 'expect' in raw;
    const schema = isExpect ? ExpectStepSchema : ActionStepSchema;
    if (!Value.Check(schema, raw)) {
      const e = Value.Errors(schema, raw).First();
      fail(`${label(i, raw)}: ${e?.path || '/'} ${e?.message ?? 'is invalid'}`);
    }
    if (!isExpect) {
      const step = raw as Record<string, unknown>;
      for (const field of NEEDS[String(step.action)] ?? []) {
        if (step[field] === undefined)
          fail(`${label(i, raw)}: action ${String(step.action)} needs '${field}'`);
      }
    }
    return raw as Step;
  });
  steps.forEach((s, i) => {
    if (parseDuration(s.at) === null) fail(`${label(i, s)}: bad duration '${String(s.at)}'`);
  });
  return { ...doc, steps };
}

export function parseScenario(text: string, fileName = 'scenario'): Scenario {
  let doc: unknown;
  try {
    doc = fileName.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    fail(`${fileName}: not valid ${fileName.endsWith('.json') ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  return validateScenario(doc);
}

export function loadScenario(path: string): Scenario {
  return parseScenario(readFileSync(path, 'utf8'), path);
}
