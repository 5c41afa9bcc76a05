export * from './gatt-peripheral-spec.js';
export * from './mock-ble-scanner.js';
export * from './mock-gatt-link.js';
export * from './mock-gatt-peripheral.js';
export * from './uuid.js';
