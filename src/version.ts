// Kept in code rather than read from package.json at run time: the bundle in dist/ has no
// package.json beside it. A test keeps the two in step.
export const TOOL_NAME = 'perfgate';
export const TOOL_VERSION = '0.1.0';
