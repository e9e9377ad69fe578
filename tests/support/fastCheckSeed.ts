/**
 * Property tests are reproducible: a fixed seed unless FC_SEED gives one. fast-check prints the
 * seed (and the path to the failing case) with any failure, so FC_SEED=<seed> replays it.
 */
import fc from 'fast-check';

const seed = Number(process.env.FC_SEED ?? 20261201);
fc.configureGlobal({ seed });
