import { type TObject, type TProperties, Type } from '@sinclair/typebox';
import type { FastifyReply } from 'fastify';
import { BakenError } from '../errors.js';

/**
 * What every period report shares (REQUIREMENTS §9.4, the reporting module): the query, the period
 * check, the response (JSON with the period and rows, or the same rows as a CSV download).
 */
export const ReportQuery = Type.Object(
  {
    from: Type.Integer({ minimum: 0 }),
    to: Type.Integer({ minimum: 0 }),
    groupBy: Type.Optional(Type.Union([Type.Literal('home'), Type.Literal('region')], { default: 'home' })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv')], { default: 'json' })),
    /** With `format=csv`: a CSV for people in this language (Excel dialect, headings, minutes). */
    lang: Type.Optional(Type.Union([Type.Literal('nl'), Type.Literal('en')])),
  },
  { additionalProperties: false },
);

export const checkRange = (from: number, to: number): void => {
  if (to <= from)
    throw new BakenError(
      'BAKEN_ERR_VALIDATION',
      400,
      'The report period is empty: `to` must be after `from`.',
      {
        details: [{ field: '/querystring/to', message: 'must be greater than from' }],
      },
    );
};

/** The 200 response of a period report: `{ from, to, groupBy, …extra, rows }` as JSON, or CSV text. */
export const reportResponse = <R extends TProperties>(row: TObject<R>, extra: TProperties = {}) =>
  Type.Union([
    Type.Object({
      from: Type.Integer(),
      to: Type.Integer(),
      groupBy: Type.String(),
      ...extra,
      rows: Type.Array(row),
    }),
    Type.String(),
  ]);

/** Sends CSV as a download named `filename`. */
export const sendCsv = (reply: FastifyReply, filename: string, csv: string) =>
  reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${filename}"`)
    .send(csv);
