/** worker/anonymise — replaces personal data by numbered placeholders before any text leaves the browser. */
export * from './anonymise-types.ts';
export { detectPii, isValidIban, parseNameAt, nameVariants } from './pii-detectors.ts';
export * from './anonymiser.ts';
