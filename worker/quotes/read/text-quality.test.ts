import { describe, expect, it } from 'vitest';
import { measureText } from './text-quality.ts';
import { isGeneralTerms, opensGeneralTerms } from './cgv-detect.ts';

const FRENCH =
	"Les présentes conditions générales s'appliquent à toutes les prestations de fourniture et de pose réalisées par l'entreprise pour le compte de clients particuliers. Toute commande implique l'adhésion sans réserve du client.";

describe('measureText', () => {
	it('trusts French prose and quote tables', () => {
		expect(measureText(FRENCH).junk).toBe(false);
		const table =
			'1  Fourniture PAC air/eau  1 u  9 800,00 €  5,5 %  9 800,00 €\nTotal TTC  12 660,00 €\nSIRET : 912 345 600 00015';
		expect(measureText(table).junk).toBe(false);
	});

	it('rejects a layer of remapped glyphs (corpus Q24: Latin Extended and box drawing)', () => {
		const q24 = 'ŋėēĐĩőęĉėĘ   ņŇŘŋŕ Ĺ ŜŃ Ĉĉ Đą ŎąĒĈĉ ĵķĲĲĲ ŔĉĒĒĉė   Ő═ ĴĲĴķįŋŕőįĳĹĳ Ŗ┩Đİ ĲĴ ĻĻ ĲĲ ĵĵ ĶĶ ┳';
		const quality = measureText(q24);
		expect(quality.junk).toBe(true);
		expect(quality.expectedChars).toBeLessThan(0.1);
	});

	it('rejects letters shifted inside the alphabet (unpronounceable words, no common word)', () => {
		const shifted = FRENCH.replace(/[a-z]/g, (c) =>
			String.fromCharCode(((c.charCodeAt(0) - 97 + 7) % 26) + 97)
		);
		expect(measureText(shifted).junk).toBe(true);
	});

	it('does not judge a page with almost no text', () => {
		expect(measureText('Ŗ┩Đİ').junk).toBe(false);
	});
});

describe('isGeneralTerms', () => {
	it('recognises a CGV page by its title or its articles', () => {
		expect(
			isGeneralTerms('Conditions générales de vente\nArticle 1 – Objet\nLes présentes conditions…')
		).toBe(true);
		expect(
			isGeneralTerms(
				'Article 16 – Litiges\nLe présent contrat…\nArticle 17 – Médiation\nArticle 18 – Rétractation'
			)
		).toBe(true);
	});

	it('never flags a priced quote page that mentions its CGV', () => {
		const quote =
			'DEVIS N° DV-2025-0412\n1 Fourniture PAC 9 800,00 €\nTotal HT 12 000,00 €\nTotal TTC 12 660,00 €\n• Conditions générales de vente en annexe';
		expect(isGeneralTerms(quote)).toBe(false);
		expect(isGeneralTerms("Pour l'entreprise  Bon pour accord\nSignature du client")).toBe(false);
	});
});

describe('opensGeneralTerms', () => {
	it('spots the opening of a CGV page from its first lines', () => {
		expect(opensGeneralTerms('Conditions générales de vente\nArticle 1 – Objet\nLes présentes…')).toBe(true);
		expect(opensGeneralTerms('Article 16 – Litiges\nLe présent contrat est soumis au droit français.')).toBe(
			true
		);
		expect(opensGeneralTerms('!\n  \nCGV\nArticle 3 : prix')).toBe(true);
	});

	it('does not stop on a quote page, even one that mentions its CGV', () => {
		expect(opensGeneralTerms("Isol'Ouest  DEVIS\n7 ZA de la Lande\n35000 Rennes  N° 2025-ISO-160")).toBe(
			false
		);
		expect(opensGeneralTerms('Détail technique des travaux\n1 Volets roulants 660,00 € 2 640,00 €')).toBe(
			false
		);
		expect(opensGeneralTerms('Conditions générales de vente en annexe\nTotal TTC 4 642,00 €')).toBe(false);
	});
});
