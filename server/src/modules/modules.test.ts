import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineModule, type ModuleName } from '../app-context.js';
import { createMetrics } from '../metrics.js';
import { type TestApp, testApp } from '../testing/test-app.js';
import { healthModule } from './health/index.js';
import { modules } from './index.js';
import { DomainEventBus, ingestModule } from './ingest/index.js';

/** The names and declared dependencies of a plugin made with `defineModule` (fastify-plugin metadata). */
const meta = (m: object) =>
  (m as { [k: symbol]: { name: ModuleName; dependencies: ModuleName[] } })[Symbol.for('plugin-meta')]!;

describe('server modules as Fastify plugins', () => {
  it('Fastify refuses to start a module whose dependency was not registered', async () => {
    const app = Fastify();
    // health needs ingest's bus: registered alone, the app never boots (and health never runs)
    await expect(app.register(healthModule)).rejects.toMatchObject({
      code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED',
      message: expect.stringContaining("'ingest'"),
    });
    await app.close();
  });

  it('Fastify refuses a dependency registered after the module that needs it', async () => {
    const app = Fastify();
    await expect(
      (async () => {
        await app.register(healthModule);
        await app.register(ingestModule);
      })(),
    ).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED' });
    await app.close();
  });

  it('a module sees only what its dependencies declare, through their typed decorators', async () => {
    const app = Fastify();
    const seen: string[] = [];
    const probe = defineModule({ name: 'followup', dependencies: ['ingest'] }, async (a) => {
      a.ingest.addProcessor(() => undefined);
      a.ingest.bus.on('alarm.created', (e) => seen.push(e.alarmId));
    });
    app.decorate('baken', { metrics: createMetrics() } as never);
    await app.register(ingestModule);
    await app.register(probe);
    await app.ready();
    expect(app.ingest.bus).toBeInstanceOf(DomainEventBus);
    expect(app.ingest.processors).toHaveLength(1);
    app.ingest.bus.emit('alarm.created', {
      alarmId: 'a1',
      homeId: null,
      gatewayId: 'g',
      deviceId: 'd',
      kind: 'alarm',
      state: 'new',
      assignedUserId: null,
      at: 0,
    });
    expect(seen).toEqual(['a1']);
    await app.close();
  });

  it('every module is named once and listed after the modules it depends on', () => {
    const names = modules.map((m) => meta(m).name);
    expect(new Set(names).size).toBe(names.length);
    for (const [i, m] of modules.entries())
      for (const dep of meta(m).dependencies)
        expect(names.indexOf(dep), `${names[i]} needs ${dep}`).toBeLessThan(i);
  });

  it('every module declares the modules whose decorators its code uses', () => {
    const src = fileURLToPath(new URL('..', import.meta.url));
    const owners = new Set(modules.map((m) => meta(m).name));
    for (const m of modules) {
      const { name, dependencies } = meta(m);
      const dir = join(src, name === 'web' ? 'web' : join('modules', name));
      const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
        (f) => f.endsWith('.ts') && !/test/.test(f),
      );
      for (const f of files)
        for (const [, used] of readFileSync(join(dir, f), 'utf8').matchAll(/\bapp\.([a-z-]+)\b/g))
          if (owners.has(used as ModuleName) && used !== name)
            expect(dependencies, `${name}/${f} uses app.${used}`).toContain(used);
    }
  });

  describe('the full app', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await testApp();
    });
    afterAll(async () => t.close());

    it('decorates the app with each module’s narrow services, not a registry keyed on the context', async () => {
      expect(t.app.ingest.bus).toBeInstanceOf(DomainEventBus);
      expect(t.app.ingest.processors.length).toBeGreaterThan(0);
      expect(await t.app.alarms.get('none')).toBeUndefined();
      expect(t.app.access.setup.audit).toBe(t.app.audit);
      expect(t.app.health).toBeDefined();
      expect(t.app.access).toBeDefined();
      expect(t.app.updates).toBeDefined();
    });

    it("keeps an encapsulated module's hooks on its own routes (the dashboard's headers, not the API's)", async () => {
      const page = await t.app.inject({ method: 'GET', url: '/login' });
      expect(page.headers['x-frame-options']).toBe('DENY');
      const api = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(api.headers['x-frame-options']).toBeUndefined();
    });
  });
});
