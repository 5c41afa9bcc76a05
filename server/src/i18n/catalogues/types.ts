/**
 * A Dutch catalogue part has exactly the keys of its English part: `Messages<typeof en>` makes a
 * missing or extra key a type error, and catalogue.test.ts checks keys and ICU arguments at run time.
 */
export type Messages<T> = { readonly [K in keyof T]: string };
