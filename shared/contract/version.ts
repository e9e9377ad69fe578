/** `version` in every B2C answer: the API's version (package.json; a test keeps them equal). */
export const API_VERSION = '1.0.0';
