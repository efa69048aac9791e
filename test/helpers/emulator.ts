// moved to scripts/emulator-process.ts (scripts must not import test/); kept while test files are migrated
export * from '../../scripts/emulator-process'
