/** Keys, code material and NV records travel as lower-case hex in the simulator's JSON and files. */
export const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
export const unhex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
