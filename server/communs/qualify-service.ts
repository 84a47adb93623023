import { createHash } from 'node:crypto';
import { z } from 'zod';
import { anonymise } from '#worker/anonymise/index.ts';
import { PasserelleError } from '#widget/errors.ts';
import type { LlmService } from '../llm/llm-service.ts';
import { scoreByKeywords } from './keyword-scorer.ts';
import { competencesTask, leviersTask, projectText } from './qualify-prompts.ts';
import {
	QUALIFICATION_THRESHOLD,
	postProcessCompetences,
	postProcessLeviers,
	type ScoredCompetence,
	type ScoredLevier
} from './qualify-postprocess.ts';
import { REFERENCE_VERSION } from './reference-lists.ts';

/** What the qualification endpoint accepts. */
export const qualifyInputSchema = z.object({
	nom: z.string().trim().min(1).max(500),
	description: z
		.string()
		.max(20_000)
		.nullish()
		.transform((d) => d ?? '')
});

/** A project's compétences and leviers, with how they were found. */
export interface QualificationResult {
	competences: ScoredCompetence[];
	leviers: ScoredLevier[];
	/** `ia` (LLM, post-processed) or `mots-cles` (deterministic scorer). */
	methode: 'ia' | 'mots-cles';
	provider: string | null;
	model: string | null;
	/** Classification of the leviers prompt (LLM only). */
	classification: string | null;
	/** French sentence when the keyword scorer replaced the LLM, else null. */
	notice: string | null;
	/** Scores kept are strictly above this. */
	seuil: number;
	/** SHA-256 of `nom|description` (Les communs' `content_hash`): re-qualify when it changes. */
	contentHash: string;
	referenceVersion: string;
}

/** Dependencies: the LLM service (or null) and the document the quota is counted on. */
export interface QualifyDeps {
	llm: LlmService | null;
	docId: string;
	signal?: AbortSignal;
}

function fallbackNotice(error: unknown): string {
	const code = error instanceof PasserelleError ? error.code : '';
	if (code === 'llm_not_configured')
		return 'Aucun modèle d’IA n’est configuré : qualification par mots-clés.';
	if (code === 'llm_quota_exceeded')
		return 'Quota quotidien d’IA atteint pour ce document : qualification par mots-clés.';
	if (code === 'llm_personal_data') {
		return 'Le texte contient des données personnelles : rien n’a été envoyé au modèle, qualification par mots-clés.';
	}
	return 'L’IA n’a pas pu répondre : qualification par mots-clés.';
}

/**
 * Qualifies a project `{nom, description}`: M57 compétences and leviers with scores. With an LLM,
 * two prompts (leviers, compétences) on the anonymised text, then Les communs' post-processing;
 * without one, or when it fails, the deterministic keyword scorer with the same post-processing
 * and a notice. Throws only for invalid input (400).
 */
export async function qualifyProject(raw: unknown, deps: QualifyDeps): Promise<QualificationResult> {
	const parsed = qualifyInputSchema.safeParse(raw);
	if (!parsed.success) {
		throw new PasserelleError(
			'communs_invalid_input',
			'Qualification impossible : le nom du projet est obligatoire (500 caractères au plus, description 20 000 au plus).',
			false,
			{ details: { status: 400 } }
		);
	}
	const { nom, description } = parsed.data;
	const base = {
		seuil: QUALIFICATION_THRESHOLD,
		contentHash: createHash('sha256').update(`${nom}|${description}`).digest('hex'),
		referenceVersion: REFERENCE_VERSION
	};
	let failure: unknown = new PasserelleError('llm_not_configured', '');
	if (deps.llm?.status().configured) {
		// The provider is a third party: names, phones or e-mails in a description are replaced first.
		const text = anonymise(projectText(nom, description)).text;
		try {
			const [leviers, competences] = await Promise.all([
				deps.llm.run(deps.docId, leviersTask, text, { signal: deps.signal }),
				deps.llm.run(deps.docId, competencesTask, text, { signal: deps.signal })
			]);
			return {
				...base,
				competences: postProcessCompetences(competences.data.competences),
				leviers: postProcessLeviers(leviers.data.leviers),
				methode: 'ia',
				provider: leviers.provider,
				model: leviers.model,
				classification: leviers.data.classification,
				notice: null
			};
		} catch (error) {
			if (!(error instanceof PasserelleError)) throw error;
			failure = error;
		}
	}
	const scored = scoreByKeywords(`${nom}\n${description}`);
	return {
		...base,
		competences: postProcessCompetences(scored.competences),
		leviers: postProcessLeviers(scored.leviers),
		methode: 'mots-cles',
		provider: null,
		model: null,
		classification: null,
		notice: fallbackNotice(failure)
	};
}
