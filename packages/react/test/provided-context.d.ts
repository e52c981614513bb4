// What each Vitest project provides to its tests (vitest.config.ts, `provide`).
declare module 'vitest' {
  export interface ProvidedContext {
    /** The React major the project runs against. */
    reactMajor: string;
  }
}

export {};
