/**
 * A SIGTERM or SIGINT while the command is still loading (its modules, its settings) ends the
 * process with 0: nothing has started, so nothing is lost — the same clean stop as a signal a
 * second later, not Node's default death by the signal. The command's own handlers (shutdown.ts)
 * take over once it runs; `release` hands over.
 */
export function exitOnSignalWhileLoading(exit: (code: number) => void = (code) => process.exit(code)): {
  release: () => void;
} {
  const handler = () => exit(0);
  process.on('SIGTERM', handler);
  process.on('SIGINT', handler);
  return {
    release: () => {
      process.off('SIGTERM', handler);
      process.off('SIGINT', handler);
    },
  };
}
