import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymisePages, restore, type AnonymisedDocument } from '#worker/anonymise/index.ts';
import type { ReadResult } from '#worker/quotes/read/index.ts';
import { closeNodeReader, readQuoteFile } from '../quotes/read-node.ts';
import { assertAnonymised, findPersonalData } from './pii-guard.ts';
import { corpusPath, HAS_CORPUS, textQuotes, type ManifestEntry } from './testing/corpus.ts';

/** Pieces of a manifest value that must not survive: each word of a name, each part of an address. */
function namePieces(value: string | null | undefined): string[] {
	return (value ?? '')
		.split(/\s+et\s+|\s+/)
		.map((w) => w.replace(/[.,]/g, ''))
		.filter((w) => w.length > 2 && !/^(le|la|de|du|des)$/i.test(w));
}

function addressPieces(value: string | null | undefined): string[] {
	if (!value) return [];
	const [street, ...rest] = value.split(/,\s*(?=\d{5})/);
	// "3, rue du Moulin" and "3 rue du Moulin" are both the street.
	const streetName = street!.replace(/^\d+\s*(bis|ter)?,?\s*/, '');
	return [streetName, ...rest.map((r) => r.trim())];
}

describe.skipIf(!HAS_CORPUS)('anonymisation over the corpus (text layers)', () => {
	const docs = new Map<string, { entry: ManifestEntry; read: ReadResult; doc: AnonymisedDocument }>();

	beforeAll(async () => {
		for (const entry of textQuotes()) {
			const read = await readQuoteFile(corpusPath(entry), { maxOcrPages: 0 });
			docs.set(entry.id, { entry, read, doc: anonymisePages(read.pages) });
		}
	}, 120_000);
	afterAll(() => closeNodeReader());

	it('reads the text quotes of the corpus', () => {
		expect(docs.size).toBeGreaterThanOrEqual(25);
	});

	it('leaves no client name, client or company address, phone or e-mail', () => {
		const leaks: string[] = [];
		for (const { entry, doc } of docs.values()) {
			const f = entry.expected_fields ?? {};
			const lower = doc.text.toLowerCase();
			for (const piece of [
				...namePieces(f.client_nom),
				...namePieces(f.client_prenom),
				...addressPieces(f.client_adresse),
				...addressPieces(f.pro_adresse)
			]) {
				if (lower.includes(piece.toLowerCase())) leaks.push(`${entry.id}: ${piece}`);
			}
			for (const finding of findPersonalData(doc.text)) leaks.push(`${entry.id}: ${finding.kind}`);
			if (/@|\b0[1-9](?:[ .]?\d\d){4}\b/.test(doc.text)) leaks.push(`${entry.id}: e-mail ou téléphone`);
		}
		expect(leaks).toStrictEqual([]);
	});

	it('keeps the SIRET (needed for the checks) and the prices', () => {
		for (const { entry, doc } of docs.values()) {
			const written = entry.expected_fields?.siret_as_written;
			if (written) expect(doc.text, entry.id).toContain(written);
		}
		expect(docs.get('Q01')!.doc.text).toContain('9 800,00 €');
	});

	it('restores every placeholder to the original text', () => {
		for (const { read, doc } of docs.values()) {
			const original = read.pages
				.filter((p) => !p.cgv && p.text.trim())
				.map((p) => `--- Page ${p.number} ---\n${p.text.trim()}`)
				.join('\n\n');
			expect(restore(doc.text, doc.mapping)).toBe(original);
		}
	});

	it('is what the server guard accepts, while the raw text is refused', () => {
		let refusedRaw = 0;
		for (const { read, doc } of docs.values()) {
			expect(() => assertAnonymised(doc.text)).not.toThrow();
			const raw = read.pages
				.filter((p) => !p.cgv)
				.map((p) => p.text)
				.join('\n');
			if (findPersonalData(raw).length) refusedRaw++;
		}
		// Every quote prints a client with a civility or a numbered street.
		expect(refusedRaw).toBe(docs.size);
	});

	it('never sends the general terms of sale', () => {
		const withCgv = [...docs.values()].filter(({ read }) => read.pages.some((p) => p.cgv));
		expect(withCgv.length).toBeGreaterThan(0);
		for (const { read, doc } of withCgv) {
			expect(doc.pagesSkipped).toStrictEqual(read.pages.filter((p) => p.cgv).map((p) => p.number));
		}
	});
});
