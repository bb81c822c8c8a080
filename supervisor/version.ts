declare const __AGENTGATE_VERSION__: string | undefined;

/** Set by the build (esbuild `define`) from package.json; `dev` when run from source. */
export const VERSION: string = typeof __AGENTGATE_VERSION__ === 'string' ? __AGENTGATE_VERSION__ : 'dev';
