import { describe, expect, it } from 'vitest';
import { fromConstraint } from '../../http/constraint-errors.js';
import { type MakeRepositories, rejection, T0, useRepositories } from './repositories-fixture.js';

const contact = (name: string, priority: number) => ({
  name,
  relation: 'daughter',
  phone: '+31 6 1234 5678',
  email: null,
  priority,
});

/** The `ClientsRepository` contract (store/repositories/clients.ts): clients, contacts, homes. */
export function clientsContract(name: string, make: MakeRepositories): void {
  describe(`ClientsRepository contract: ${name}`, () => {
    const repos = useRepositories(make);

    it('creates a client with contacts in priority then name order, all or nothing', async () => {
      const { clients } = repos();
      const c = await clients.createClient(
        { name: 'Mevr. de Vries', contacts: [contact('Piet', 2), contact('Bea', 1), contact('Anna', 2)] },
        T0,
      );
      expect(c).toMatchObject({
        name: 'Mevr. de Vries',
        phone: null,
        notes: null,
        createdAt: T0,
        updatedAt: T0,
      });
      expect(c.contacts.map((p) => [p.name, p.priority])).toEqual([
        ['Bea', 1],
        ['Anna', 2],
        ['Piet', 2],
      ]);
      expect(c.contacts[0]).toEqual({ id: expect.any(String), ...contact('Bea', 1) });
      expect(await clients.getClient(c.id)).toEqual(c);
      // a contact the store refuses (NOT NULL name) leaves no client behind
      const bad = await rejection(
        clients.createClient({ name: 'X', contacts: [{ ...contact('ok', 1), name: null as never }] }, T0),
      );
      expect(fromConstraint(bad)?.code).toBe('BAKEN_ERR_VALIDATION');
      expect((await clients.listClients(10, 0)).map((x) => x.name)).toEqual(['Mevr. de Vries']);
    });

    it('replaces the contact list and touches updatedAt; null for an unknown client', async () => {
      const { clients } = repos();
      const c = await clients.createClient({ name: 'A', contacts: [contact('Old', 1)] }, T0);
      const d = await clients.setContacts(c.id, [contact('New', 1)], T0 + 3);
      expect(d?.contacts.map((p) => p.name)).toEqual(['New']);
      expect(d?.updatedAt).toBe(T0 + 3);
      expect(await clients.setContacts('nobody', [], T0)).toBeNull();
      expect(await clients.getClient('nobody')).toBeNull();
    });

    it('lists clients by name in code-point order, with limit and offset', async () => {
      const { clients } = repos();
      for (const n of ['b', 'B', 'a', 'Á', 'c']) await clients.createClient({ name: n }, T0);
      expect((await clients.listClients(10, 0)).map((c) => c.name)).toEqual(['B', 'a', 'b', 'c', 'Á']);
      expect((await clients.listClients(2, 1)).map((c) => c.name)).toEqual(['a', 'b']);
    });

    it('creates, filters, pages and patches homes', async () => {
      const { clients } = repos();
      const a = await clients.createClient({ name: 'A' }, T0);
      const b = await clients.createClient({ name: 'B' }, T0);
      const h1 = await clients.createHome({ clientId: a.id, address: 'Kerkstraat 2', region: 'west' }, T0);
      await clients.createHome({ clientId: a.id, address: 'Dorpsweg 1', region: 'oost' }, T0);
      await clients.createHome({ clientId: b.id, address: 'Zeeweg 9', region: 'west' }, T0);
      expect(h1).toEqual({
        id: expect.any(String),
        clientId: a.id,
        address: 'Kerkstraat 2',
        postalCode: null,
        city: null,
        region: 'west',
        accessProcedure: null,
        createdAt: T0,
        updatedAt: T0,
      });
      const addr = async (f: Parameters<typeof clients.listHomes>[0]) =>
        (await clients.listHomes(f)).map((h) => h.address);
      expect(await addr({ limit: 10, offset: 0 })).toEqual(['Dorpsweg 1', 'Kerkstraat 2', 'Zeeweg 9']);
      expect(await addr({ clientId: a.id, limit: 10, offset: 0 })).toEqual(['Dorpsweg 1', 'Kerkstraat 2']);
      expect(await addr({ region: 'west', limit: 10, offset: 0 })).toEqual(['Kerkstraat 2', 'Zeeweg 9']);
      expect(await addr({ clientId: a.id, region: 'west', limit: 10, offset: 0 })).toEqual(['Kerkstraat 2']);
      expect(await addr({ limit: 1, offset: 2 })).toEqual(['Zeeweg 9']);
      const p = await clients.updateHome(h1.id, { city: 'Utrecht', region: null }, T0 + 4);
      expect(p).toEqual({ ...h1, city: 'Utrecht', region: null, updatedAt: T0 + 4 });
      expect(await clients.getHome(h1.id)).toEqual(p);
      expect(await clients.updateHome('nobody', { city: 'x' }, T0)).toBeNull();
    });

    it('a NUL character in text is stored unchanged or refused as a 400, never a 500', async () => {
      const { clients } = repos();
      const name = 'Jan\u0000Jansen';
      const made = await clients.createClient({ name }, T0).catch((e: unknown) => e);
      if (made instanceof Error) expect(fromConstraint(made)?.statusCode).toBe(400);
      else expect((made as { name: string }).name).toBe(name);
    });

    it('refuses a home of a client that does not exist (409)', async () => {
      const err = await rejection(repos().clients.createHome({ clientId: 'nobody', address: 'x' }, T0));
      expect(fromConstraint(err)?.code).toBe('BAKEN_ERR_CONFLICT');
    });
  });
}
