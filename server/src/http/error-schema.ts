import { type TSchema, Type } from '@sinclair/typebox';

/** Schema of the uniform error body `{ error: { code, message, details? } }` (see errors.ts). */
export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ pattern: '^BAKEN_ERR_' }),
      message: Type.String(),
      details: Type.Optional(
        Type.Array(Type.Object({ field: Type.Optional(Type.String()), message: Type.String() })),
      ),
    }),
  },
  { $id: 'ErrorResponse', title: 'Error' },
);

/** Response-schema entries for the given error statuses, to spread into a route's `response`. */
export function errorResponses(...statuses: number[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const s of statuses) out[s] = Type.Ref('ErrorResponse');
  return out;
}
