/** node-ble's own typed-value helper (node-ble/src/buildTypedValue.js, CommonJS, untyped). */
declare module 'node-ble/src/buildTypedValue.js' {
  const buildTypedValue: (type: string, value: unknown) => unknown;
  export default buildTypedValue;
}
