import { describe, expect, it } from 'vitest';
import {
	PDFJS_IMAGE_KIND,
	downscaleGray,
	encodePgm,
	inkRatio,
	rotateGray,
	textDirection,
	toGray,
	uprightScore
} from './gray-image.ts';
import type { GrayImage } from './read-types.ts';

/** A white page with "words": x-height boxes, every third letter with an ascender above. */
function fakePage(width = 600, height = 800): GrayImage {
	const data = new Uint8Array(width * height).fill(255);
	const ink = (x0: number, y0: number, w: number, h: number): void => {
		for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) data[y * width + x] = 20;
	};
	for (let top = 60; top + 20 < height - 60; top += 24) {
		for (let x = 50; x + 60 < width - 50; x += 72) {
			for (let letter = 0; letter < 10; letter++) {
				const lx = x + letter * 6;
				ink(lx, top + 6, 4, 8);
				if (letter % 3 === 0) ink(lx, top, 2, 6);
			}
		}
	}
	return { width, height, data };
}

describe('pixel conversions', () => {
	it('converts pdf.js RGB, RGBA and 1-bit images to gray', () => {
		expect([
			...toGray(new Uint8Array([255, 255, 255, 0, 0, 0]), 2, 1, PDFJS_IMAGE_KIND.RGB_24BPP).data
		]).toStrictEqual([255, 0]);
		expect([...toGray(new Uint8Array([0, 0, 0, 255]), 1, 1, PDFJS_IMAGE_KIND.RGBA_32BPP).data]).toStrictEqual(
			[0]
		);
		// 1 bit per pixel, a set bit is white: 0b10100000 → white, black, white.
		expect([
			...toGray(new Uint8Array([0b10100000]), 3, 1, PDFJS_IMAGE_KIND.GRAYSCALE_1BPP).data
		]).toStrictEqual([255, 0, 255]);
	});

	it('rotates clockwise by quarter turns, exactly', () => {
		const image = { width: 3, height: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
		expect(rotateGray(image, 90)).toStrictEqual({
			width: 2,
			height: 3,
			data: new Uint8Array([4, 1, 5, 2, 6, 3])
		});
		expect(rotateGray(image, 180).data).toStrictEqual(new Uint8Array([6, 5, 4, 3, 2, 1]));
		expect(rotateGray(image, 270)).toStrictEqual({
			width: 2,
			height: 3,
			data: new Uint8Array([3, 6, 2, 5, 1, 4])
		});
		expect(rotateGray(rotateGray(image, 90), 270)).toStrictEqual(image);
	});

	it('downscales by box averaging and encodes PGM', () => {
		const image = { width: 2, height: 2, data: new Uint8Array([0, 100, 200, 100]) };
		expect(downscaleGray(image, 2)).toStrictEqual({ width: 1, height: 1, data: new Uint8Array([100]) });
		const pgm = encodePgm({ width: 2, height: 1, data: new Uint8Array([7, 9]) });
		expect(new TextDecoder().decode(pgm.subarray(0, 11))).toBe('P5\n2 1\n255\n');
		expect([...pgm.subarray(11)]).toStrictEqual([7, 9]);
	});
});

describe('page analysis', () => {
	const page = fakePage();

	it('measures ink', () => {
		expect(inkRatio({ width: 10, height: 10, data: new Uint8Array(100).fill(255) })).toBe(0);
		expect(inkRatio(page)).toBeGreaterThan(0.05);
	});

	it('tells horizontal text lines from quarter-turned ones', () => {
		expect(textDirection(page).direction).toBe('horizontal');
		expect(textDirection(rotateGray(page, 90)).direction).toBe('vertical');
		expect(textDirection(rotateGray(page, 270)).direction).toBe('vertical');
		expect(textDirection(rotateGray(page, 180)).direction).toBe('horizontal');
	});

	it('sees ascenders above the x-height band when upright', () => {
		expect(uprightScore(page)).toBeGreaterThan(1.5);
		expect(uprightScore(rotateGray(page, 180))).toBeLessThan(0.7);
	});
});
