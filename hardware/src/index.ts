export * from './ble-scanner.js';
export * from './clock.js';
export * from './errors.js';
export * from './gatt-link.js';
export * from './serial-link.js';
export * from './ble/index.js';
