import type { ChildProcess } from 'node:child_process';

export interface ChildOutput {
  /** Everything the child wrote to stdout and stderr so far. */
  text(): string;
  /** Resolves when the output matches `ready`; rejects on timeout (killing the child) or exit. */
  ready: Promise<void>;
}

/** Collects a child's output and waits for the line that says it is ready. */
export function watchOutput(
  child: ChildProcess,
  ready: RegExp,
  what: string,
  timeoutMs: number,
  onLine?: (line: string) => void,
): ChildOutput {
  let output = '';
  const readyPromise = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8');
      output += text;
      if (onLine) for (const line of text.split('\n')) if (line.trim()) onLine(line.trim());
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited with code ${code} before it started:\n${output}`));
    });
  });
  return { text: () => output, ready: readyPromise };
}
