// Types for vendor-uplot.mjs, which the dashboard test imports to check the vendored copy.
export declare function vendoredSource(): string;
