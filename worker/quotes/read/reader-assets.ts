/**
 * The files the browser reader loads from our own origin (never a CDN): where each one lives
 * in node_modules and the URL path it is served at under the asset base (`/vendor/`).
 * `scripts/copy-assets.ts` copies them; `reader.worker.ts` points pdf.js and tesseract at them.
 */

/** URL paths of the assets, relative to the asset base. */
export const READER_ASSETS = {
	pdfWorker: 'pdfjs/pdf.worker.min.mjs',
	standardFonts: 'pdfjs/standard_fonts/',
	cmaps: 'pdfjs/cmaps/',
	wasm: 'pdfjs/wasm/',
	iccs: 'pdfjs/iccs/',
	tesseractWorker: 'tesseract/worker.min.js',
	tesseractCore: 'tesseract/core/',
	fraLang: 'tesseract/lang/'
} as const;

/** Source (relative to node_modules) → destination (relative to the asset base); folders end in `/`. */
export const READER_ASSET_SOURCES: readonly { from: string; to: string }[] = [
	{ from: 'pdfjs-dist/build/pdf.worker.min.mjs', to: 'pdfjs/pdf.worker.min.mjs' },
	{ from: 'pdfjs-dist/standard_fonts/', to: 'pdfjs/standard_fonts/' },
	{ from: 'pdfjs-dist/cmaps/', to: 'pdfjs/cmaps/' },
	{ from: 'pdfjs-dist/wasm/', to: 'pdfjs/wasm/' },
	{ from: 'pdfjs-dist/iccs/', to: 'pdfjs/iccs/' },
	{ from: 'tesseract.js/dist/worker.min.js', to: 'tesseract/worker.min.js' },
	// OEM.LSTM_ONLY: tesseract picks one of these three by the browser's SIMD support.
	{ from: 'tesseract.js-core/tesseract-core-lstm.wasm.js', to: 'tesseract/core/tesseract-core-lstm.wasm.js' },
	{
		from: 'tesseract.js-core/tesseract-core-simd-lstm.wasm.js',
		to: 'tesseract/core/tesseract-core-simd-lstm.wasm.js'
	},
	{
		from: 'tesseract.js-core/tesseract-core-relaxedsimd-lstm.wasm.js',
		to: 'tesseract/core/tesseract-core-relaxedsimd-lstm.wasm.js'
	},
	{
		from: '@tesseract.js-data/fra/4.0.0_best_int/fra.traineddata.gz',
		to: 'tesseract/lang/fra.traineddata.gz'
	}
];
