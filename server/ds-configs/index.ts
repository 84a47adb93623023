/** server/ds-configs — démarche configurations per Grist document, with encrypted DS tokens. */
export * from './ds-configs.ts';
