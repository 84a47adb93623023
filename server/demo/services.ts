/**
 * Services the demo needs beside the app. For now nothing: the local Démarches Simplifiées
 * server joins here once it exists.
 */
export async function startDemoServices(_env: NodeJS.ProcessEnv): Promise<void> {}
