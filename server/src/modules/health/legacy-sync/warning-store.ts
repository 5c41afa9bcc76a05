import type { Warning, WarningKind } from '../warning-store.js';

export { WARNING_KINDS, type Warning, type WarningKind } from '../warning-store.js';

/** Device warnings, open or closed, one open row per (device, kind) with first/last seen. */
export interface WarningStore {
  /** Opens the warning or refreshes the open one; `opened` tells whether it is new. */
  raise(
    gatewayId: string,
    deviceId: string,
    kind: WarningKind,
    at: number,
    detail: Record<string, unknown>,
  ): { warning: Warning; opened: boolean };
  /** Closes the open warning, if any; returns it. */
  clear(gatewayId: string, deviceId: string, kind: WarningKind, at: number): Warning | undefined;
  openOne(gatewayId: string, deviceId: string, kind: WarningKind): Warning | undefined;
  get(id: number): Warning | undefined;
  list(f: { open?: boolean; gatewayId?: string; limit: number }): Warning[];
  /** Open warnings of `kind` last seen before `before` (for quiet closing). */
  quiet(kind: WarningKind, before: number): Warning[];
}
