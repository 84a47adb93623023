import { describe, expect, it } from 'vitest';
import { anonymise, anonymisePages, placeholdersIn, restore, restoreDeep } from './anonymiser.ts';
import { detectPii, isValidIban, nameVariants } from './pii-detectors.ts';

/** The header of corpus quote Q25 (plain text), as printed. */
const Q25_HEADER = `Ventil'Air Pro
40 bd du Roi René
49100 Angers

SARL au capital de 8 000 € - SIRET : 93304180800017 - RCS Angers 933 041 808 - N° TVA : FR25933041808
Qualification RGE : VPLUS/49811

DEVIS N° VAP-25-260
Date : 14/03/2025

Client :
M. Yannick Le Goff
5 impasse des Mouettes
29200 Brest

1 | VMC double flux | 1 | u | 4 600,00 € | 5,5 % | 4 600,00 €
    Caisson : marque Aerolia (fictive)
    Puissance absorbée pondérée : 24 W-Th-C
Bon pour accord, Le Goff`;

/** Another layout: two columns merged on one line, labelled fields, other number formats. */
const OTHER_LAYOUT = `ÉCO-CONFORT SAS                                  Devis établi pour : Mme Jeanne DURAND-VIDAL
14, avenue Jean Jaurès    6 bis chemin de la Forge
69007 LYON                82000 Montauban
Tél : +33 (0)4 78 00 12 34   Portable client : 06.12.34.56.78
Courriel : j.durand-vidal@exemple.fr
Nom : DURAND-VIDAL     Prénom : Jeanne     née le 12/03/1961
N° sécurité sociale : 2 55 08 14 168 025 38
Règlement par virement : IBAN FR76 3000 6000 0112 3456 7890 189 - BIC : AGRIFRPP882
SIRET 912 345 600 00015 – TVA FR34912345600 – RGE QB/75321 – Isolation R = 7,5 m².K/W selon NF EN 12667
Total HT 12 000,00 € – Total TTC 12 660,00 €
Madame, Monsieur,
Nous vous remercions de votre confiance. Signature : J. DURAND-VIDAL`;

describe('anonymise', () => {
	it('replaces the client, addresses and phones of Q25 and keeps company identifiers', () => {
		const result = anonymise(Q25_HEADER);
		expect(result.mapping.entries).toStrictEqual([
			{ placeholder: '[ADRESSE_1]', kind: 'ADRESSE', value: '40 bd du Roi René\n49100 Angers' },
			{ placeholder: '[NOM_1]', kind: 'NOM', value: 'Yannick Le Goff' },
			{ placeholder: '[ADRESSE_2]', kind: 'ADRESSE', value: '5 impasse des Mouettes\n29200 Brest' },
			{ placeholder: '[NOM_2]', kind: 'NOM', value: 'Le Goff' }
		]);
		expect(result.text).toContain('Client :\nM. [NOM_1]\n[ADRESSE_2]\n');
		expect(result.text).toContain('Bon pour accord, [NOM_2]');
		for (const kept of [
			'93304180800017',
			'FR25933041808',
			'933 041 808',
			'VPLUS/49811',
			'4 600,00 €',
			'14/03/2025'
		]) {
			expect(result.text).toContain(kept);
		}
		expect(result.counts).toStrictEqual({ ADRESSE: 2, NOM: 2 });
	});

	it('handles another layout: two columns, labels, international phones, bank details, NIR, birth date', () => {
		const result = anonymise(OTHER_LAYOUT);
		const values = result.mapping.entries.map((e) => [e.kind, e.value]);
		expect(values).toStrictEqual([
			['NOM', 'Jeanne DURAND-VIDAL'],
			['ADRESSE', '14, avenue Jean Jaurès'],
			// Two columns: the second street and the first postcode line are taken together.
			['ADRESSE', '6 bis chemin de la Forge\n69007 LYON'],
			['ADRESSE', '82000 Montauban'],
			['TELEPHONE', '+33 (0)4 78 00 12 34'],
			['TELEPHONE', '06.12.34.56.78'],
			['EMAIL', 'j.durand-vidal@exemple.fr'],
			['NOM', 'DURAND-VIDAL'],
			['NOM', 'Jeanne'],
			['DATE_NAISSANCE', '12/03/1961'],
			['NIR', '2 55 08 14 168 025 38'],
			['IBAN', 'FR76 3000 6000 0112 3456 7890 189'],
			['BIC', 'AGRIFRPP882']
		]);
		expect(result.text.endsWith('Signature : J. [NOM_2]')).toBe(true);
		for (const gone of [
			'Jeanne',
			'DURAND',
			'Jaurès',
			'Forge',
			'69007',
			'82000',
			'78 00 12 34',
			'12 34 56 78',
			'exemple.fr',
			'1961',
			'168 025',
			'3000 6000',
			'AGRIFRPP'
		]) {
			expect(result.text).not.toContain(gone);
		}
		for (const kept of [
			'912 345 600 00015',
			'FR34912345600',
			'QB/75321',
			'NF EN 12667',
			'12 000,00 €',
			'Madame, Monsieur,',
			'ÉCO-CONFORT SAS'
		]) {
			expect(result.text).toContain(kept);
		}
	});

	it('finds a client block in the right-hand column of a two-column header (Q14 as read)', () => {
		const text = [
			'Qualification RGE : QB/75321  Client',
			'Dubreuil',
			"Adresse des travaux : identique à l'adresse du client  3 rue du Moulin",
			'Visite technique préalable : 07/03/2025  37000 Tours'
		].join('\n');
		expect(anonymise(text).text).toBe(
			[
				'Qualification RGE : QB/75321  Client',
				'[NOM_1]',
				"Adresse des travaux : identique à l'adresse du client  [ADRESSE_1]",
				'Visite technique préalable : 07/03/2025  [ADRESSE_2]'
			].join('\n')
		);
	});

	it('gives one placeholder to one value, whatever its case, and restores the text exactly', () => {
		const text =
			'Client : M. Paul DUBREUIL\nLu et approuvé, Dubreuil\nM. Paul Dubreuil, tél. 02 40 00 11 22 ou 0240001122';
		const result = anonymise(text);
		expect(result.text).toBe(
			'Client : M. [NOM_1]\nLu et approuvé, [NOM_2]\nM. [NOM_1], tél. [TELEPHONE_1] ou [TELEPHONE_1]'
		);
		expect(restore(result.text, result.mapping)).toBe(
			'Client : M. Paul DUBREUIL\nLu et approuvé, Dubreuil\nM. Paul DUBREUIL, tél. 02 40 00 11 22 ou 02 40 00 11 22'
		);
		expect(restore(anonymise(Q25_HEADER).text, anonymise(Q25_HEADER).mapping)).toBe(Q25_HEADER);
		expect(restore(anonymise(OTHER_LAYOUT).text, anonymise(OTHER_LAYOUT).mapping)).toBe(OTHER_LAYOUT);
	});

	it('restores placeholders inside an LLM answer, tolerating added spaces, and leaves unknown ones', () => {
		const { mapping } = anonymise('Client : Mme Sophie Marchal, 18 chemin des Vignes 49400 Saumur');
		const answer = {
			client: { nom: '[ NOM_1 ]', adresse: '[ADRESSE_1]' },
			gestes: [{ intitule: 'Pose chez [NOM_1]', prix: 12 }],
			autre: '[NOM_9]'
		};
		expect(restoreDeep(answer, mapping)).toStrictEqual({
			client: { nom: 'Sophie Marchal', adresse: '18 chemin des Vignes 49400 Saumur' },
			gestes: [{ intitule: 'Pose chez Sophie Marchal', prix: 12 }],
			autre: '[NOM_9]'
		});
		expect(placeholdersIn('[NOM_1] et [ADRESSE_1], [NOM_1]')).toStrictEqual(['[NOM_1]', '[ADRESSE_1]']);
	});

	it('continues numbering from a previous mapping', () => {
		const first = anonymise('M. Jean Petit');
		const second = anonymise('Mme Anne Grand et M. Jean Petit', first.mapping);
		expect(second.text).toBe('Mme [NOM_2] et M. [NOM_1]');
	});

	it('does not take amounts, norms, references or letters salutations for personal data', () => {
		const text = [
			'Capital 15000 Euros – RCS Nantes 912 345 600 – TVA FR34912345600',
			'Laine de verre R = 7 selon NF EN 12667 et ACERMI 12/018/785',
			'Madame, Monsieur, veuillez trouver notre devis.',
			'Mise en place de la VMC – en cours de validation – 3 rue',
			'Référence 44000 Nantes-Atlantique (modèle)',
			'Total 12660 EUR TTC',
			'1 passage de gaines en combles – 2 place de parking – 1 Cour intérieure'
		].join('\n');
		expect(detectPii(text)).toStrictEqual([]);
	});
});

describe('detectors', () => {
	it('checks IBAN keys', () => {
		expect(isValidIban('FR7630006000011234567890189')).toBe(true);
		expect(isValidIban('FR7630006000011234567890188')).toBe(false);
	});

	it('spells a name the ways it may reappear', () => {
		expect(nameVariants('Paul et Claire Dubreuil')).toStrictEqual([
			'Paul et Claire Dubreuil',
			'Paul',
			'Claire Dubreuil',
			'Claire',
			'Dubreuil'
		]);
		expect(nameVariants('Yannick Le Goff')).toStrictEqual(['Yannick Le Goff', 'Yannick', 'Le Goff']);
	});
});

describe('anonymisePages', () => {
	it('leaves the general terms out and numbers the pages sent', () => {
		const doc = anonymisePages([
			{ number: 1, text: 'Client\nMme Aïcha Benhamou\n44 boulevard Gambetta\n87000 Limoges', cgv: false },
			{ number: 2, text: 'CONDITIONS GÉNÉRALES DE VENTE\nArticle 1 : contact M. Jean Roux', cgv: true }
		]);
		expect(doc.text).toBe('--- Page 1 ---\nClient\nMme [NOM_1]\n[ADRESSE_1]');
		expect(doc.pagesSent).toStrictEqual([1]);
		expect(doc.pagesSkipped).toStrictEqual([2]);
	});
});
