import buildTypedValue from 'node-ble/src/buildTypedValue.js';

/**
 * A D-Bus `Variant` made by node-ble's own copy of the D-Bus library (node-ble/src/buildTypedValue),
 * so it marshals on node-ble's connection however the library is bundled or loaded
 * (DECISIONS.md §1).
 */
export function typedValue(type: 'string' | 'int16' | 'boolean' | 'uint16', value: unknown): unknown {
  return buildTypedValue(type, value);
}
