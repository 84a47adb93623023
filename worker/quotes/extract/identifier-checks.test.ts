import { describe, expect, it } from 'vitest';
import {
	frenchVatKey,
	isValidFrenchVat,
	isValidSiren,
	isValidSiret,
	luhn,
	parseFrenchVat,
	rgeDigits
} from './identifier-checks.ts';

describe('SIREN and SIRET keys', () => {
	it('checks the Luhn key', () => {
		expect(['91234560000015', '732829320', '79927398713', '91234560000016'].map(luhn)).toStrictEqual([
			true,
			true,
			true,
			false
		]);
	});
	it('validates SIREN (9 digits) and SIRET (14 digits) as printed', () => {
		expect([
			isValidSiren('732 829 320'),
			isValidSiren('732 829 321'),
			isValidSiret('912 345 600 00015'),
			isValidSiret('912345600'),
			isValidSiret('91234560000016')
		]).toStrictEqual([true, false, true, false, false]);
	});
	it("accepts La Poste's establishments (digit sum multiple of 5)", () => {
		expect([isValidSiret('35600000000048'), isValidSiret('35600000049837')]).toStrictEqual([true, true]);
	});
});

describe('French VAT numbers', () => {
	it('computes the key from the SIREN', () => {
		expect([frenchVatKey('732829320'), frenchVatKey('912345600'), frenchVatKey('404833048')]).toStrictEqual([
			'44',
			'34',
			'83'
		]);
	});
	it('parses and validates printed numbers', () => {
		expect(parseFrenchVat('FR 44 732 829 320')).toStrictEqual({
			key: '44',
			siren: '732829320',
			normalised: 'FR44732829320'
		});
		expect(
			['FR44732829320', 'FR45732829320', 'FR4A732829320', 'DE123456789'].map(isValidFrenchVat)
		).toStrictEqual([true, false, true, false]);
	});
});

describe('RGE labels', () => {
	it('keeps the trailing digits ADEME uses as record id', () => {
		expect(['QPAC/41234', 'E-E190233', 'QB/75321', 'Qualibat 8611', 'RGE'].map(rgeDigits)).toStrictEqual([
			'41234',
			'190233',
			'75321',
			'8611',
			null
		]);
	});
});
