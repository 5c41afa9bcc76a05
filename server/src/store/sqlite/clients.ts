import { randomUUID } from 'node:crypto';
import type { Db } from '../database.js';
import type {
  Client,
  ClientsRepository,
  ContactPerson,
  Home,
  HomeFilter,
  HomePatch,
  NewClient,
  NewHome,
} from '../repositories/clients.js';
import { type ClientRow, type HomeRow, toHome } from '../rows/clients.js';

export class SqliteClientsRepository implements ClientsRepository {
  constructor(private readonly db: Db) {}

  private contacts(clientId: string): ContactPerson[] {
    return this.db
      .prepare(
        'SELECT id, name, relation, phone, email, priority FROM contact_persons WHERE client_id = ? ORDER BY priority, name',
      )
      .all(clientId) as ContactPerson[];
  }

  private toClient(r: ClientRow): Client {
    return {
      id: r.id,
      name: r.name,
      phone: r.phone,
      notes: r.notes,
      contacts: this.contacts(r.id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private writeContacts(clientId: string, contacts: Array<Omit<ContactPerson, 'id'>>): void {
    this.db.prepare('DELETE FROM contact_persons WHERE client_id = ?').run(clientId);
    const ins = this.db.prepare(
      'INSERT INTO contact_persons (id, client_id, name, relation, phone, email, priority) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    for (const c of contacts)
      ins.run(randomUUID(), clientId, c.name, c.relation, c.phone, c.email, c.priority);
  }

  async createClient(c: NewClient, now: number): Promise<Client> {
    const id = randomUUID();
    this.db.transaction(() => {
      this.db
        .prepare(
          'INSERT INTO clients (id, name, phone, notes, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(id, c.name, c.phone ?? null, c.notes ?? null, now, now);
      this.writeContacts(id, c.contacts ?? []);
    })();
    return (await this.getClient(id))!;
  }

  async getClient(id: string): Promise<Client | null> {
    const r = this.db.prepare('SELECT * FROM clients WHERE id = ?').get(id) as ClientRow | undefined;
    return r ? this.toClient(r) : null;
  }

  async listClients(limit: number, offset: number): Promise<Client[]> {
    const rows = this.db
      .prepare('SELECT * FROM clients ORDER BY name, id LIMIT ? OFFSET ?')
      .all(limit, offset) as ClientRow[];
    return rows.map((r) => this.toClient(r));
  }

  async setContacts(
    clientId: string,
    contacts: Array<Omit<ContactPerson, 'id'>>,
    now: number,
  ): Promise<Client | null> {
    const changed = this.db.transaction(() => {
      const res = this.db.prepare('UPDATE clients SET updated_at = ? WHERE id = ?').run(now, clientId);
      if (res.changes === 0) return false;
      this.writeContacts(clientId, contacts);
      return true;
    })();
    return changed ? this.getClient(clientId) : null;
  }

  async createHome(h: NewHome, now: number): Promise<Home> {
    const id = randomUUID();
    this.db
      .prepare(
        `INSERT INTO homes (id, client_id, address, postal_code, city, region, access_procedure, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        id,
        h.clientId,
        h.address,
        h.postalCode ?? null,
        h.city ?? null,
        h.region ?? null,
        h.accessProcedure ?? null,
        now,
        now,
      );
    return (await this.getHome(id))!;
  }

  async getHome(id: string): Promise<Home | null> {
    const r = this.db.prepare('SELECT * FROM homes WHERE id = ?').get(id) as HomeRow | undefined;
    return r ? toHome(r) : null;
  }

  async listHomes(f: HomeFilter): Promise<Home[]> {
    const where: string[] = [];
    const vals: unknown[] = [];
    if (f.clientId !== undefined) {
      where.push('client_id = ?');
      vals.push(f.clientId);
    }
    if (f.region !== undefined) {
      where.push('region = ?');
      vals.push(f.region);
    }
    const sql = `SELECT * FROM homes ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY address, id LIMIT ? OFFSET ?`;
    return (this.db.prepare(sql).all(...vals, f.limit, f.offset) as HomeRow[]).map(toHome);
  }

  async updateHome(id: string, p: HomePatch, now: number): Promise<Home | null> {
    const cols: Array<[string, unknown]> = [];
    if (p.address !== undefined) cols.push(['address', p.address]);
    if (p.postalCode !== undefined) cols.push(['postal_code', p.postalCode]);
    if (p.city !== undefined) cols.push(['city', p.city]);
    if (p.region !== undefined) cols.push(['region', p.region]);
    if (p.accessProcedure !== undefined) cols.push(['access_procedure', p.accessProcedure]);
    cols.push(['updated_at', now]);
    const res = this.db
      .prepare(`UPDATE homes SET ${cols.map(([c]) => `${c} = ?`).join(', ')} WHERE id = ?`)
      .run(...cols.map(([, v]) => v), id);
    return res.changes === 0 ? null : this.getHome(id);
  }
}
