import os from 'node:os';
import ort from 'onnxruntime-node';

/**
 * One onnxruntime session per model file per process, created on first use and kept: a
 * session costs a model load (tens to hundreds of ms); a Lambda container or the local
 * runtime reuses it for every job. Threads: one per core unless configured.
 */
const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function modelSession(file: string, threads?: number): Promise<ort.InferenceSession> {
  let session = sessions.get(file);
  if (!session) {
    session = ort.InferenceSession.create(file, {
      intraOpNumThreads: threads ?? os.availableParallelism(),
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
    // A file that fails to load may be replaced (a finished download): do not keep the failure.
    session.catch(() => sessions.delete(file));
    sessions.set(file, session);
  }
  return session;
}

/** Forget sessions (a model was replaced); the next use loads the file again. */
export async function closeModelSessions(): Promise<void> {
  const open = [...sessions.values()];
  sessions.clear();
  await Promise.all(open.map(async (s) => (await s.catch(() => undefined))?.release()));
}

/** The single input and output of a model, by whatever names its exporter gave them. */
export async function runSingle(session: ort.InferenceSession, input: ort.Tensor): Promise<ort.Tensor> {
  const output = await session.run({ [session.inputNames[0]!]: input });
  return output[session.outputNames[0]!]!;
}

export function l2Normalize(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const v of vector) sum += v * v;
  const norm = Math.sqrt(sum) || 1;
  return vector.map((v) => v / norm);
}

export { ort };
