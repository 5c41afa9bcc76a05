/** Clients, their homes and contact persons (REQUIREMENTS §8.5). */
export interface ContactPerson {
  id: string;
  name: string;
  relation: string;
  phone: string | null;
  email: string | null;
  priority: number;
}

export interface Client {
  id: string;
  name: string;
  phone: string | null;
  notes: string | null;
  contacts: ContactPerson[];
  createdAt: number;
  updatedAt: number;
}

export interface Home {
  id: string;
  clientId: string;
  address: string;
  postalCode: string | null;
  city: string | null;
  region: string | null;
  accessProcedure: string | null;
  createdAt: number;
  updatedAt: number;
}

export type NewClient = Pick<Client, 'name'> &
  Partial<Pick<Client, 'phone' | 'notes'>> & { contacts?: Array<Omit<ContactPerson, 'id'>> };
export type NewHome = Pick<Home, 'clientId' | 'address'> &
  Partial<Pick<Home, 'postalCode' | 'city' | 'region' | 'accessProcedure'>>;
export type HomePatch = Partial<Pick<Home, 'address' | 'postalCode' | 'city' | 'region' | 'accessProcedure'>>;

export interface HomeFilter {
  /** Restrict to homes of this client (client users see only their own). */
  clientId?: string;
  region?: string;
  limit: number;
  offset: number;
}

export interface ClientsRepository {
  createClient(c: NewClient, now: number): Promise<Client>;
  getClient(id: string): Promise<Client | null>;
  listClients(limit: number, offset: number): Promise<Client[]>;
  /** Replaces the contact list of a client. */
  setContacts(
    clientId: string,
    contacts: Array<Omit<ContactPerson, 'id'>>,
    now: number,
  ): Promise<Client | null>;
  createHome(h: NewHome, now: number): Promise<Home>;
  getHome(id: string): Promise<Home | null>;
  listHomes(filter: HomeFilter): Promise<Home[]>;
  updateHome(id: string, patch: HomePatch, now: number): Promise<Home | null>;
}
