import { z } from 'zod';
import type { LlmTask } from '../llm/llm-service.ts';
import { COMPETENCES, LEVIERS } from './reference-lists.ts';

/**
 * The two LLM tasks of a project qualification, modelled on Les communs (§A.4): leviers
 * (temperature 0.3, three-way classification then scored leviers) and compétences (temperature
 * 0.5, at most three M57 codes). Answers are JSON, validated, then post-processed.
 */

/** The three classifications of the leviers prompt. */
export const CLASSIFICATIONS = [
	'Le projet n’a pas de lien avec la transition écologique',
	'Le projet n’est pas assez précis pour être lié à la transition écologique',
	'Le projet a un lien avec la transition écologique'
] as const;

/** Answer of the leviers task. */
export const leviersAnswerSchema = z.object({
	classification: z.string(),
	leviers: z.array(z.object({ levier: z.string(), score: z.number() })).default([]),
	raisonnement: z.string().nullable().default(null)
});

/** Answer of the compétences task. */
export const competencesAnswerSchema = z.object({
	competences: z
		.array(
			z.object({
				code: z.string().nullable().default(null),
				competence: z.string().nullable().default(null),
				score: z.number()
			})
		)
		.default([])
});

/** The project as the model reads it. */
export function projectText(nom: string, description: string): string {
	return `<projet>\n${nom.trim()}\n${description.trim()}\n</projet>`;
}

const SCORE_RUBRIC = `Barème des scores (0 à 1) :
- 1 : le projet porte directement et principalement sur ce sujet ;
- 0,8 : lien direct et important ;
- 0,6 : lien réel mais secondaire ;
- 0,4 : lien indirect ;
- 0,2 : lien très faible.`;

/** Scored leviers (prompt version in `version`: change it whenever the prompt changes). */
export const leviersTask: LlmTask<z.infer<typeof leviersAnswerSchema>> = {
	name: 'communs-leviers',
	version: '2025-1',
	schema: leviersAnswerSchema,
	temperature: 0.3,
	messages: (text) => [
		{
			role: 'system',
			content: `Tu es expert de la transition écologique des collectivités territoriales françaises.
Étape 1 : classe le projet dans une seule de ces catégories, en recopiant la phrase exacte :
${CLASSIFICATIONS.map((c) => `- ${c}`).join('\n')}
Juge le lien sur sept axes : atténuation du changement climatique, adaptation, biodiversité, ressources, économie circulaire, déchets, pollutions.
Étape 2 : si le projet a un lien, associe-lui des leviers choisis UNIQUEMENT dans cette liste, recopiés exactement :
${LEVIERS.map((l) => `- ${l}`).join('\n')}
${SCORE_RUBRIC}
Étape 3 : explique brièvement ton raisonnement dans "raisonnement".
Réponds uniquement par un objet JSON : {"classification": "...", "leviers": [{"levier": "...", "score": 0.8}], "raisonnement": "..."}.`
		},
		{ role: 'user', content: text }
	]
};

/** Scored M57 compétences. */
export const competencesTask: LlmTask<z.infer<typeof competencesAnswerSchema>> = {
	name: 'communs-competences',
	version: '2025-1',
	schema: competencesAnswerSchema,
	temperature: 0.5,
	messages: (text) => [
		{
			role: 'system',
			content: `Tu es expert de la nomenclature fonctionnelle M57 des collectivités territoriales françaises.
Associe au projet au plus trois compétences ou sous-compétences de cette liste (code puis libellé) :
${COMPETENCES.map((c) => `${c.code} ${c.libelle}`).join('\n')}
Préfère une sous-compétence (code à 3 chiffres après « 90- ») quand elle correspond ; sinon garde la compétence parente.
${SCORE_RUBRIC}
Exemple : « Création d'une piste cyclable entre le bourg et le collège » → [{"code": "90-87", "competence": "Circulations douces", "score": 0.9}].
Réponds uniquement par un objet JSON : {"competences": [{"code": "90-XX", "competence": "libellé", "score": 0.8}]}.`
		},
		{ role: 'user', content: text }
	]
};
