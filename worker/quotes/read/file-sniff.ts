/**
 * Finds what a file really is from its first bytes, never from its name or announced MIME type
 * (corpus B05: a DOCX named `.pdf`; B06: a PNG named `.pdf`).
 */

/** The real type of a file. */
export type SniffedType =
	| { kind: 'pdf' }
	| { kind: 'image'; mime: 'image/png' | 'image/jpeg' }
	| { kind: 'text'; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252' }
	| { kind: 'unsupported'; detected: string };

const startsWith = (bytes: Uint8Array, magic: number[], at = 0): boolean =>
	magic.every((b, i) => bytes[at + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
	String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** Detects the real type of a file from its magic bytes, falling back to a plain-text check. */
export function sniffType(bytes: Uint8Array): SniffedType {
	// pdf.js accepts a header anywhere in the first KiB (some generators prepend junk).
	if (ascii(bytes, 0, 1024).includes('%PDF-')) return { kind: 'pdf' };
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
		return { kind: 'image', mime: 'image/png' };
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg' };
	if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06]))
		return { kind: 'unsupported', detected: 'zip' };
	if (ascii(bytes, 0, 4) === 'GIF8') return { kind: 'unsupported', detected: 'gif' };
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
		return { kind: 'unsupported', detected: 'tiff' };
	if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
		return { kind: 'unsupported', detected: 'webp' };
	if (ascii(bytes, 4, 8) === 'ftyp' && /^(heic|heix|hevc|mif1|msf1|avif)$/.test(ascii(bytes, 8, 12)))
		return { kind: 'unsupported', detected: 'heic' };
	if (ascii(bytes, 0, 2) === 'BM') return { kind: 'unsupported', detected: 'bmp' };
	if (startsWith(bytes, [0xff, 0xfe])) return { kind: 'text', encoding: 'utf-16le' };
	if (startsWith(bytes, [0xfe, 0xff])) return { kind: 'text', encoding: 'utf-16be' };
	return looksLikeText(bytes);
}

/** Plain text: no NUL and almost no control bytes; UTF-8 when it decodes strictly, else Windows-1252. */
function looksLikeText(bytes: Uint8Array): SniffedType {
	const sample = bytes.subarray(0, 64 * 1024);
	let control = 0;
	for (const b of sample) {
		if (b === 0) return { kind: 'unsupported', detected: 'binary' };
		if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
	}
	if (control > sample.length * 0.01) return { kind: 'unsupported', detected: 'binary' };
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return { kind: 'text', encoding: 'utf-8' };
	} catch {
		return { kind: 'text', encoding: 'windows-1252' };
	}
}

/** Decodes a plain-text file with the encoding `sniffType` found, dropping any byte-order mark. */
export function decodeText(
	bytes: Uint8Array,
	encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252'
): string {
	return new TextDecoder(encoding).decode(bytes).replace(/^\uFEFF/, '');
}

/** The type a file announces by its extension or MIME type, for the "real type differs" warning. */
export function announcedKind(name: string, mime?: string): 'pdf' | 'image' | 'text' | 'other' {
	const m = (mime ?? '').toLowerCase();
	const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
	if (m === 'application/pdf' || ext === 'pdf') return 'pdf';
	if (m.startsWith('image/') || ['png', 'jpg', 'jpeg'].includes(ext)) return 'image';
	if (m.startsWith('text/') || ext === 'txt') return 'text';
	return 'other';
}
