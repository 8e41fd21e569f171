// Types for qr.mjs.
export declare function qrSvg(text: string): Promise<string>;
