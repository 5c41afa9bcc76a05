'use strict';
// Stands in for the `debug` package in the home unit's bundle (bundle-options.ts). mqtt.js,
// mqtt-packet and node-serialport call their `debug` loggers several times per packet; the real
// ones take their arguments as a rest array even when disabled, about 11 KB of garbage per outbox
// event. These functions take no parameters, so a call allocates nothing. DEBUG= has no effect on
// the shipped gateway: its own log (pino) is the trace; run it from source for the libraries' traces.
function noop() {}
function createDebug() {
  return noop;
}
noop.enabled = false;
noop.namespace = '';
noop.extend = createDebug;
noop.log = noop;
noop.destroy = noop;
createDebug.debug = createDebug;
createDebug.default = createDebug;
createDebug.enable = noop;
createDebug.disable = () => '';
createDebug.enabled = () => false;
createDebug.names = [];
createDebug.skips = [];
createDebug.formatters = {};
module.exports = createDebug;
