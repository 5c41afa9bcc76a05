// Public surface of @baken/gateway: the composition root, the bus and extension contracts for
// bridges, and the parts tests and the demo reuse.
export * from './commands/command-relay.js';
export * from './config/load-config.js';
export * from './config/schema.js';
export * from './devices/device-registry.js';
export * from './errors.js';
export * from './event-bus.js';
export * from './extension.js';
export * from './gateway.js';
export * from './health/heartbeat.js';
export * from './logger.js';
export * from './outbox/event-writer.js';
export * from './outbox/outbox.js';
export * from './uplink/outbox-sender.js';
export * from './uplink/topics.js';
export * from './uplink/uplink.js';
