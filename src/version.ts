/** Warren's version, reported in plan documents. Kept in step with package.json by a unit test. */
export const VERSION = '0.1.0';
