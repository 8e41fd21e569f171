// Types for build-kit.mjs (plain JavaScript so Node runs it without a build step).
export declare const KIT_FOLDER: string;
export declare const KIT_ZIP_NAME: string;
export declare const MCP_FILES: readonly string[];
export interface KitOptions { gatewayUrl: string; eventCode?: string }
export interface KitFile { path: string; text: string; executable: boolean }
export declare function gatewayUrlOf(url: string): string;
export declare function kitFiles(options: KitOptions): KitFile[];
export declare function buildKitZip(options: KitOptions): Uint8Array;
