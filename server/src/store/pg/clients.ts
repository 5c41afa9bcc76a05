import { randomUUID } from 'node:crypto';
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
import type { PgHandle, Sql } from './pg-database.js';

export class PgClientsRepository implements ClientsRepository {
  constructor(private readonly db: PgHandle) {}

  private async contacts(sql: Sql, clientId: string): Promise<ContactPerson[]> {
    return (
      await sql.query<ContactPerson>(
        'SELECT id, name, relation, phone, email, priority FROM contact_persons WHERE client_id = $1 ORDER BY priority, name',
        [clientId],
      )
    ).rows;
  }

  private async toClient(sql: Sql, r: ClientRow): Promise<Client> {
    return {
      id: r.id,
      name: r.name,
      phone: r.phone,
      notes: r.notes,
      contacts: await this.contacts(sql, r.id),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private async writeContacts(
    sql: Sql,
    clientId: string,
    contacts: Array<Omit<ContactPerson, 'id'>>,
  ): Promise<void> {
    await sql.query('DELETE FROM contact_persons WHERE client_id = $1', [clientId]);
    for (const c of contacts)
      await sql.query(
        'INSERT INTO contact_persons (id, client_id, name, relation, phone, email, priority) VALUES ($1, $2, $3, $4, $5, $6, $7)',
        [randomUUID(), clientId, c.name, c.relation, c.phone, c.email, c.priority],
      );
  }

  async createClient(c: NewClient, now: number): Promise<Client> {
    return this.db.transaction(async (tx) => {
      const r = await tx.sql.query<ClientRow>(
        'INSERT INTO clients (id, name, phone, notes, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) RETURNING *',
        [randomUUID(), c.name, c.phone ?? null, c.notes ?? null, now],
      );
      await this.writeContacts(tx.sql, r.rows[0]!.id, c.contacts ?? []);
      return this.toClient(tx.sql, r.rows[0]!);
    });
  }

  async getClient(id: string): Promise<Client | null> {
    const r = (await this.db.sql.query<ClientRow>('SELECT * FROM clients WHERE id = $1', [id])).rows[0];
    return r ? this.toClient(this.db.sql, r) : null;
  }

  async listClients(limit: number, offset: number): Promise<Client[]> {
    const rows = (
      await this.db.sql.query<ClientRow>(
        'SELECT * FROM clients ORDER BY name, id COLLATE "C" LIMIT $1 OFFSET $2',
        [limit, offset],
      )
    ).rows;
    return Promise.all(rows.map((r) => this.toClient(this.db.sql, r)));
  }

  async setContacts(
    clientId: string,
    contacts: Array<Omit<ContactPerson, 'id'>>,
    now: number,
  ): Promise<Client | null> {
    return this.db.transaction(async (tx) => {
      const r = await tx.sql.query<ClientRow>(
        'UPDATE clients SET updated_at = $1 WHERE id = $2 RETURNING *',
        [now, clientId],
      );
      if (!r.rows[0]) return null;
      await this.writeContacts(tx.sql, clientId, contacts);
      return this.toClient(tx.sql, r.rows[0]);
    });
  }

  async createHome(h: NewHome, now: number): Promise<Home> {
    const r = await this.db.sql.query<HomeRow>(
      `INSERT INTO homes (id, client_id, address, postal_code, city, region, access_procedure, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING *`,
      [
        randomUUID(),
        h.clientId,
        h.address,
        h.postalCode ?? null,
        h.city ?? null,
        h.region ?? null,
        h.accessProcedure ?? null,
        now,
      ],
    );
    return toHome(r.rows[0]!);
  }

  async getHome(id: string): Promise<Home | null> {
    const r = (await this.db.sql.query<HomeRow>('SELECT * FROM homes WHERE id = $1', [id])).rows[0];
    return r ? toHome(r) : null;
  }

  async listHomes(f: HomeFilter): Promise<Home[]> {
    const where: string[] = [];
    const vals: unknown[] = [];
    if (f.clientId !== undefined) {
      vals.push(f.clientId);
      where.push(`client_id = $${vals.length}`);
    }
    if (f.region !== undefined) {
      vals.push(f.region);
      where.push(`region = $${vals.length}`);
    }
    vals.push(f.limit, f.offset);
    const sql = `SELECT * FROM homes ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY address, id COLLATE "C" LIMIT $${vals.length - 1} OFFSET $${vals.length}`;
    return (await this.db.sql.query<HomeRow>(sql, vals)).rows.map(toHome);
  }

  async updateHome(id: string, p: HomePatch, now: number): Promise<Home | null> {
    const cols: Array<[string, unknown]> = [];
    if (p.address !== undefined) cols.push(['address', p.address]);
    if (p.postalCode !== undefined) cols.push(['postal_code', p.postalCode]);
    if (p.city !== undefined) cols.push(['city', p.city]);
    if (p.region !== undefined) cols.push(['region', p.region]);
    if (p.accessProcedure !== undefined) cols.push(['access_procedure', p.accessProcedure]);
    cols.push(['updated_at', now]);
    const r = await this.db.sql.query<HomeRow>(
      `UPDATE homes SET ${cols.map(([c], i) => `${c} = $${i + 1}`).join(', ')} WHERE id = $${cols.length + 1} RETURNING *`,
      [...cols.map(([, v]) => v), id],
    );
    return r.rows[0] ? toHome(r.rows[0]) : null;
  }
}
