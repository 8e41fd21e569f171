// Types for the generated kit-files.generated.mjs.
export declare const KIT_FILES: { path: string; text: string; executable: boolean }[];
