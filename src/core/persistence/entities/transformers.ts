import { type ValueTransformer } from 'typeorm';

/**
 * node-pg returns bigint columns as strings and PGlite returns numbers; both become numbers
 * here. Ids and counts in this schema stay far below 2^53.
 */
export const bigintToNumber: ValueTransformer = {
  to: (value: unknown) => value,
  from: (value: unknown) => (value === null || value === undefined ? value : Number(value)),
};
