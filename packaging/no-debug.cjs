'use strict';
// Stands in for the `debug` package in the bundles that ship: the home unit's
// (gateway/packaging/bundle-options.ts) and the server's (server/packaging/bundle-options.ts).
// mqtt.js, mqtt-packet, aedes' packet parser and node-serialport call their `debug` loggers
// several times per packet; the real ones take their arguments as a rest array even when
// disabled (about 11 KB of garbage per outbox event on the unit, about a tenth of what the server
// allocates under an event flood). These functions take no parameters, so a call allocates
// nothing. DEBUG= has no effect on either bundle: their own log (pino) is the trace; run from
// source for the libraries' traces.
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
