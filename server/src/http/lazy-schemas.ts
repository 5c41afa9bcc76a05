import AjvCompiler from '@fastify/ajv-compiler';
import SerializerSelector from '@fastify/fast-json-stringify-compiler';
import type { FastifyServerOptions } from 'fastify';

type Factories = NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>;
type ValidatorFactory = NonNullable<Factories['buildValidator']>;
type SerializerFactory = NonNullable<Factories['buildSerializer']>;
type Validate = ((data: unknown, ctx?: unknown) => unknown) & { errors?: unknown; schemaEnv?: unknown };

/**
 * Fastify's own schema compilers (Ajv for requests, fast-json-stringify for responses), each
 * route's schema compiled at its first use instead of when the route is added. Fastify compiles
 * every route's request and response schemas at start-up: 0.6 s of CPU for this API, most of a
 * start of the bundled server, while home units wait to be admitted after a restart
 * (docs/scaling.md §3, "Restart after `kill -9`"). A route's first request pays its own schemas'
 * few milliseconds instead.
 *
 * Contract: a compiled function behaves as Fastify's own (validation results, `errors`, Ajv's
 * `schemaEnv` by which Fastify lets it coerce and default a whole request part). A schema that
 * does not compile fails its first request (500) instead of the start: {@link compileAll} compiles
 * every pending one, which the app's tests do for every route. Header schemas are refused when the
 * route is added: Fastify lower-cases them only for its default compiler, which this replaces.
 */
export class LazySchemas {
  readonly #pending = new Set<() => void>();

  /** For `Fastify({ schemaController: { compilersFactory } })`. */
  readonly compilersFactory: { buildValidator: ValidatorFactory; buildSerializer: SerializerFactory };

  constructor() {
    const validators = AjvCompiler();
    const serializers = SerializerSelector();
    this.compilersFactory = {
      buildValidator: ((externalSchemas: unknown, options: unknown) => {
        const compile = (validators as (e: unknown, o: unknown) => (route: unknown) => Validate)(
          externalSchemas,
          options,
        );
        return (route: { httpPart?: string; method?: string; url?: string }) => {
          if (route.httpPart === 'headers')
            throw new Error(
              `${route.method} ${route.url}: header schemas are not supported (server/src/http/lazy-schemas.ts)`,
            );
          return this.#validator(() => compile(route));
        };
      }) as unknown as ValidatorFactory,
      buildSerializer: ((externalSchemas: unknown, options: unknown) => {
        const compile = (
          serializers as (e: unknown, o: unknown) => (route: unknown) => (d: unknown) => string
        )(externalSchemas, options);
        return (route: unknown) => this.#serializer(() => compile(route));
      }) as unknown as SerializerFactory,
    };
  }

  /** Schemas added and not compiled yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Compiles every pending schema now; throws the first that does not compile. */
  compileAll(): void {
    for (const force of [...this.#pending]) force();
  }

  #once<F>(compile: () => F): () => F {
    let fn: F | undefined;
    const force = (): F => {
      if (fn === undefined) {
        fn = compile();
        this.#pending.delete(force);
      }
      return fn;
    };
    this.#pending.add(force);
    return force;
  }

  #validator(compile: () => Validate): Validate {
    const get = this.#once(compile);
    const validate = ((data: unknown, ctx?: unknown) => get()(data, ctx)) as Validate;
    // Fastify reads these of the function it was given, before (schemaEnv) and after a call (errors)
    Object.defineProperty(validate, 'errors', { get: () => get().errors });
    Object.defineProperty(validate, 'schemaEnv', { get: () => get().schemaEnv });
    return validate;
  }

  #serializer(compile: () => (data: unknown) => string): (data: unknown) => string {
    const get = this.#once(compile);
    return (data: unknown) => get()(data);
  }
}
