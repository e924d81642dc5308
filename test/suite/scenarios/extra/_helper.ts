// Not a scenario: files starting with '_' are skipped when a directory is given.
export const NOTHING = 0;
