// Public surface of this protocol; filled in by its implementation.
export {};
