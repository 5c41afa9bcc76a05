import fc from 'fast-check';

// Property tests are reproducible: a fixed seed unless FC_SEED asks for another (explore with
// `FC_SEED=$RANDOM npx vitest run protocols`). A run that fails prints its seed and path.
const seed = process.env['FC_SEED'] ? Number(process.env['FC_SEED']) : 20261123;
fc.configureGlobal({ seed });
