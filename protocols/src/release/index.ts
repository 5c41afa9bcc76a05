// Public surface of release signing [RELEASE SPEC]; see SPEC.md beside this file.
export * from './manifest.js';
export * from './signature.js';
