/** Error codes of the device simulator (house rule: every error carries a `BAKEN_ERR_…` code). */
export type SimErrorCode =
  | 'BAKEN_ERR_SIM_CONFIG'
  | 'BAKEN_ERR_SIM_NV_STORE'
  | 'BAKEN_ERR_SIM_SCENARIO'
  | 'BAKEN_ERR_SIM_POWERED_OFF'
  | 'BAKEN_ERR_SIM_TRANSPORT'
  | 'BAKEN_ERR_SIM_FLEET_CREDENTIALS'
  | 'BAKEN_ERR_SIM_FLEET_TIMEOUT'
  | 'BAKEN_ERR_SIM_FLEET_WORKER';

export class SimError extends Error {
  readonly code: SimErrorCode;
  constructor(code: SimErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SimError';
    this.code = code;
  }
}
