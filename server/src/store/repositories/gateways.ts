/** A home unit known to the server; its MQTT username is its id. */
export interface Gateway {
  id: string;
  homeId: string | null;
  serial: string | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface GatewaysRepository {
  create(g: Gateway & { mqttPasswordHash: string }): Promise<void>;
  get(id: string): Promise<Gateway | null>;
  /**
   * The stored hash of the gateway's MQTT password (`auth/machine-credentials.ts`), if the gateway
   * exists and is not revoked.
   */
  mqttPasswordHash(id: string): Promise<string | null>;
  /** Replaces the stored hash only if it is still `previous` (a rehash racing a re-enrolment loses). */
  replaceMqttPasswordHash(id: string, previous: string, next: string): Promise<boolean>;
  list(homeId?: string): Promise<Gateway[]>;
  revoke(id: string, now: number): Promise<boolean>;
}
