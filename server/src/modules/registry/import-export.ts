import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { BakenApp } from '../../app-context.js';
import { requireRole } from '../../auth/auth-plugin.js';
import { BakenError } from '../../errors.js';
import { errorResponses } from '../../http/error-schema.js';
import type { Device, NewDevice } from '../../store/repositories/index.js';
import { STAFF_READ, STAFF_WRITE } from './access.js';
import { CsvError, parseCsv, toCsv } from './csv.js';
import { DeviceSchema, DeviceStatusSchema, DeviceTypeSchema, IsoDate, Serial } from './schemas.js';

/** Columns of the installed-base exchange format, in order. */
export const DEVICE_COLUMNS = [
  'serial',
  'type',
  'model',
  'firmware',
  'status',
  'homeId',
  'installDate',
] as const;

const ImportRow = Type.Object(
  {
    serial: Serial,
    type: DeviceTypeSchema,
    model: Type.Optional(Type.String({ maxLength: 100 })),
    firmware: Type.Optional(Type.String({ maxLength: 64 })),
    status: DeviceStatusSchema,
    homeId: Type.Optional(Type.Union([Type.String({ minLength: 1 }), Type.Null()])),
    installDate: Type.Optional(Type.Union([IsoDate, Type.Null()])),
  },
  { additionalProperties: false },
);

const RowError = Type.Object({
  row: Type.Integer({ description: '1-based data row (CSV: excluding the header)' }),
  serial: Type.Union([Type.String(), Type.Null()]),
  errors: Type.Array(Type.Object({ field: Type.String(), message: Type.String() })),
});
const ImportReport = Type.Object({
  dryRun: Type.Boolean(),
  applied: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  updated: Type.Integer(),
  unchanged: Type.Integer(),
  errors: Type.Array(RowError),
});

const exportRow = (d: Device): string[] => [
  d.serial,
  d.type,
  d.model,
  d.firmware,
  d.status,
  d.homeId ?? '',
  d.installDate ?? '',
];

/** CSV rows → plain objects; empty cells mean "not given". */
function csvToObjects(text: string): Array<Record<string, unknown>> {
  let table: string[][];
  try {
    table = parseCsv(text);
  } catch (e) {
    const line = e instanceof CsvError ? e.line : 0;
    throw new BakenError(
      'BAKEN_ERR_VALIDATION',
      400,
      `The CSV cannot be read: ${(e as Error).message} (line ${line}).`,
    );
  }
  const [header, ...rows] = table;
  const missing = DEVICE_COLUMNS.filter((c) => c === 'serial' || c === 'type' || c === 'status').filter(
    (c) => !header?.includes(c),
  );
  if (!header || missing.length > 0)
    throw new BakenError(
      'BAKEN_ERR_VALIDATION',
      400,
      `The CSV header must name the columns ${DEVICE_COLUMNS.join(',')}.`,
      {
        details: missing.map((c) => ({ field: c, message: 'column is missing' })),
      },
    );
  return rows.map((cells) => {
    const o: Record<string, unknown> = {};
    header.forEach((h, i) => {
      const v = cells[i] ?? '';
      if (v !== '') o[h] = v;
    });
    return o;
  });
}

/** Import and export of the installed base, with a dry run and a per-row report. */
export async function importExportRoutes(app: BakenApp): Promise<void> {
  const { repos, clock } = app.baken;

  app.get(
    '/api/v1/export/devices.csv',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'exportDevicesCsv',
        summary: 'The installed base as CSV',
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errorResponses(401, 403) },
      },
    },
    async (_req, reply) => {
      const csv = toCsv([...DEVICE_COLUMNS], (await repos.devices.all()).map(exportRow));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', 'attachment; filename="devices.csv"')
        .send(csv);
    },
  );

  app.get(
    '/api/v1/export/devices.json',
    {
      onRequest: requireRole(...STAFF_READ),
      schema: {
        tags: ['registry'],
        operationId: 'exportDevicesJson',
        summary: 'The installed base as JSON',
        response: { 200: Type.Array(DeviceSchema), ...errorResponses(401, 403) },
      },
    },
    async () => repos.devices.all(),
  );

  app.post(
    '/api/v1/import/devices',
    {
      onRequest: requireRole(...STAFF_WRITE),
      schema: {
        tags: ['registry'],
        operationId: 'importDevices',
        summary: 'Import devices from CSV or JSON; reports each row accepted or refused',
        description:
          'Body: text/csv with a header row, or JSON `{ rows: [...] }`. Rows upsert by serial. Nothing is applied when any row has an error or when dryRun=true.',
        querystring: Type.Object(
          { dryRun: Type.Boolean({ default: false }) },
          { additionalProperties: false },
        ),
        body: Type.Union([
          Type.String({ maxLength: 5_000_000 }),
          Type.Object(
            { rows: Type.Array(Type.Unknown(), { maxItems: 50_000 }) },
            { additionalProperties: false },
          ),
        ]),
        response: { 200: ImportReport, ...errorResponses(400, 401, 403, 415) },
      },
    },
    async (req) => {
      const raw = typeof req.body === 'string' ? csvToObjects(req.body) : req.body.rows;
      const errors: Array<{
        row: number;
        serial: string | null;
        errors: Array<{ field: string; message: string }>;
      }> = [];
      const valid: NewDevice[] = [];
      const seen = new Set<string>();
      for (const [i, candidate] of raw.entries()) {
        const serial =
          candidate &&
          typeof candidate === 'object' &&
          typeof (candidate as { serial?: unknown }).serial === 'string'
            ? (candidate as { serial: string }).serial
            : null;
        const rowErrors = [...Value.Errors(ImportRow, candidate)].map((e) => ({
          field: e.path || '/',
          message: e.message,
        }));
        if (rowErrors.length === 0) {
          const r = candidate as NewDevice;
          if (seen.has(r.serial))
            rowErrors.push({ field: '/serial', message: 'appears twice in this import' });
          if (r.homeId && !(await repos.clients.getHome(r.homeId)))
            rowErrors.push({ field: '/homeId', message: 'no such home' });
          seen.add(r.serial);
          if (rowErrors.length === 0) valid.push(r);
        }
        if (rowErrors.length > 0) errors.push({ row: i + 1, serial, errors: rowErrors });
      }
      const dryRun = req.query.dryRun;
      const apply = !dryRun && errors.length === 0;
      const counts = apply
        ? await repos.devices.upsertMany(
            valid,
            { userId: req.principal!.user.id, note: 'import' },
            clock.now(),
          )
        : { created: 0, updated: 0, unchanged: 0 };
      return { dryRun, applied: apply, rows: raw.length, ...counts, errors };
    },
  );
}
