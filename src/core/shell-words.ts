/** Words for a shell command a person (or a hook) runs: nothing in them is expanded. */

/** Always single-quoted: for commands Flotilla writes into files (hooks, launchers). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Quoted only when it must be: for commands printed for a person to copy. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : shellQuote(word);
}
