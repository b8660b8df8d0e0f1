export declare const TYPES_FILE: URL;
export declare function generateTypes(document: Record<string, unknown>): Promise<string>;
