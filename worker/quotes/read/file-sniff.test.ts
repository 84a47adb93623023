import { describe, expect, it } from 'vitest';
import { announcedKind, decodeText, sniffType } from './file-sniff.ts';

const bytes = (...values: (number | string)[]): Uint8Array =>
	new Uint8Array(values.flatMap((v) => (typeof v === 'string' ? [...v].map((c) => c.charCodeAt(0)) : [v])));

describe('sniffType', () => {
	it('reads the magic bytes, not the name', () => {
		expect(sniffType(bytes('%PDF-1.7\n'))).toStrictEqual({ kind: 'pdf' });
		expect(sniffType(bytes(0x89, 'PNG', 0x0d, 0x0a, 0x1a, 0x0a, 0))).toStrictEqual({
			kind: 'image',
			mime: 'image/png'
		});
		expect(sniffType(bytes(0xff, 0xd8, 0xff, 0xe0))).toStrictEqual({ kind: 'image', mime: 'image/jpeg' });
		expect(sniffType(bytes('PK', 3, 4, 20, 0))).toStrictEqual({ kind: 'unsupported', detected: 'zip' });
		expect(sniffType(bytes(0, 0, 0, 24, 'ftypheic'))).toStrictEqual({
			kind: 'unsupported',
			detected: 'heic'
		});
		expect(sniffType(bytes('GIF89a'))).toStrictEqual({ kind: 'unsupported', detected: 'gif' });
	});

	it('accepts a PDF header after leading junk, as pdf.js does', () => {
		expect(sniffType(bytes('\r\n\r\n%PDF-1.4'))).toStrictEqual({ kind: 'pdf' });
	});

	it('tells UTF-8, Windows-1252 and binary apart', () => {
		expect(sniffType(new TextEncoder().encode('Devis n° 12 – décennale'))).toStrictEqual({
			kind: 'text',
			encoding: 'utf-8'
		});
		const latin = bytes('Devis n', 0xb0, ' 12 ', 0x96, ' d', 0xe9, 'cennale');
		expect(sniffType(latin)).toStrictEqual({ kind: 'text', encoding: 'windows-1252' });
		expect(decodeText(latin, 'windows-1252')).toBe('Devis n° 12 – décennale');
		expect(sniffType(bytes('abc', 0, 'def'))).toStrictEqual({ kind: 'unsupported', detected: 'binary' });
	});

	it('drops a byte-order mark', () => {
		expect(decodeText(bytes(0xef, 0xbb, 0xbf, 'ok'), 'utf-8')).toBe('ok');
	});
});

describe('announcedKind', () => {
	it('uses the MIME type, then the extension', () => {
		expect(announcedKind('devis.pdf')).toBe('pdf');
		expect(announcedKind('scan', 'image/jpeg')).toBe('image');
		expect(announcedKind('devis.TXT')).toBe('text');
		expect(announcedKind('devis')).toBe('other');
	});
});
