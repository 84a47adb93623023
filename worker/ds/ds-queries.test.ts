import { buildSchema, parse, validate, type DocumentNode } from 'graphql';
import { describe, expect, test } from 'vitest';
import schemaText from '../../../shared/ds/schema.graphql?raw';
import { DS_QUERY_DOCUMENTS, isKnownDsQuery } from './ds-queries.ts';

const schema = buildSchema(schemaText);

describe('DS query documents', () => {
	test.each(Object.entries(DS_QUERY_DOCUMENTS))('%s validates against the DS schema', (name, text) => {
		const document: DocumentNode = parse(text);
		expect(validate(schema, document).map((e) => e.message)).toStrictEqual([]);
		const operation = document.definitions.find((d) => d.kind === 'OperationDefinition');
		expect(operation && 'name' in operation ? operation.name?.value : undefined).toBe(name);
	});

	test('the dossier query names every concrete champ type, so DS never downgrades one to TextChamp', () => {
		const champTypes = [...schemaText.matchAll(/^type (\w+Champ) implements Champ/gm)].map((m) => m[1]);
		const text = DS_QUERY_DOCUMENTS.PasserelleDossiersPage!;
		const missing = champTypes.filter((t) => t !== 'RepetitionChamp' && !new RegExp(`on ${t}\\s`).test(text));
		expect(missing).toStrictEqual([]);
		expect(text.replace(/\s+/g, ' ')).toContain('on RepetitionChamp { rows { id champs { ...ChampFields');
	});

	test('an OTP-style argument is refused by the schema (the test really validates)', () => {
		const bad = parse('query { demarche(number: 1) { dossiers(states: [accepte]) { nodes { number } } } }');
		expect(validate(schema, bad).map((e) => e.message)).toStrictEqual([
			'Unknown argument "states" on field "Demarche.dossiers". Did you mean "state"?'
		]);
	});

	test('only our own documents are known to the proxy', () => {
		expect(isKnownDsQuery(DS_QUERY_DOCUMENTS.PasserelleDossier!)).toBe(true);
		expect(isKnownDsQuery('mutation { dossierArchiver(input: {}) { errors { message } } }')).toBe(false);
	});
});
