export * from './access-codes/index.js';
export * from './cli/lang.js';
export * from './dc09/index.js';
export * from './errors.js';
export * from './ks-serial/index.js';
export * from './mqtt/index.js';
export * from './pendant/index.js';
export * from './release/index.js';
